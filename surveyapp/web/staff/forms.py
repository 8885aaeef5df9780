"""Forms of the staff pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ...models import OrganisationKind
from ...services.organisations import NAME_LENGTH
from ..access import ROLE_LABELS

#: the longest motivering of a goal (a few sentences in the ESF report)
MOTIVERING_MAX = 4000

KIND_LABELS = {
    OrganisationKind.KOMMUN: _l("Kommun"),
    OrganisationKind.REGION: _l("Region"),
    OrganisationKind.ANNAN: _l("Annan organisation"),
}


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes (easier than a multi-select on a tablet)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AccountForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[
        DataRequired(_l("Skriv en e-postadress.")),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Skriv en giltig e-postadress.")),
    ])
    role = SelectField(_l("Roll"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items()),
                       default="samordnare")
    organisations = MultiCheckboxField(_l("Organisationer (för samordnare)"), coerce=int)
    projects = MultiCheckboxField(_l("Projekt (alla utom administratör)"), coerce=int)


class AccountProjectsForm(FlaskForm):
    projects = MultiCheckboxField(_l("Projekt"), coerce=int)


class AccountOrganisationsForm(FlaskForm):
    organisations = MultiCheckboxField(_l("Organisationer"), coerce=int)


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Namn"),
        filters=[lambda value: " ".join(value.split()) if value else value],
        validators=[DataRequired(_l("Skriv organisationens namn, till exempel Mariestad.")),
                    Length(max=NAME_LENGTH)],
    )
    kind = SelectField(_l("Slag"), choices=choices((k.value, label) for k, label in KIND_LABELS.items()),
                       default="kommun")


class RoundForm(FlaskForm):
    questionnaire = SelectField(_l("Enkät"))
    name = StringField(_l("Namn"), validators=[
        DataRequired(_l("Skriv ett namn, till exempel Mättillfälle 2.")), Length(max=200),
    ])
    opens_on = DateField(_l("Första dag"), validators=[Optional()])
    closes_on = DateField(_l("Sista dag"), validators=[Optional()])
    organisations = MultiCheckboxField(_l("Organisationer"), coerce=int)
    roles = MultiCheckboxField(_l("Roller som bjuds in (personalenkäter)"), validate_choice=False)


class OpenLinkForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=int)
    role = SelectField(_l("Roll"))


class InvitationForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=int)
    role = SelectField(_l("Roll"))
    count = IntegerField(_l("Antal länkar"), validators=[
        Optional(), NumberRange(min=1, max=500, message=_l("Välj mellan 1 och 500 länkar.")),
    ])
    emails = TextAreaField(_l("E-postadresser (en per rad)"))
    #: one value per form shown: sending the same form twice (a reload) makes no second batch
    batch = HiddenField()


class CodesForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=int)
    count = IntegerField(_l("Antal nya koder"), default=1, validators=[
        DataRequired(_l("Skriv hur många koder du vill ha.")),
        NumberRange(min=1, max=100, message=_l("Välj mellan 1 och 100 koder.")),
    ])


class RegisterForm(FlaskForm):
    """A participant's register entry: made at inskrivning, edited later."""

    organisation = SelectField(_l("Organisation"), coerce=int)
    #: an existing code that answers carry but the register lacks (empty: make a new code)
    code = HiddenField()
    enrolled_on = DateField(_l("Inskrivning"),
                            validators=[DataRequired(_l("Skriv dagen för inskrivningen."))])
    ended_on = DateField(_l("Avslut"), validators=[Optional()])
    kon = SelectField(_l("Kön"), validators=[DataRequired(_l("Välj kön."))])
    aldersgrupp = SelectField(_l("Ålder"), validators=[DataRequired(_l("Välj åldersgrupp."))])
    fodelseregion = SelectField(_l("Födelseregion"), validators=[DataRequired(_l("Välj födelseregion."))])


class InsatsForm(FlaskForm):
    """An insats the participant takes part in."""

    insats = SelectField(_l("Insats"), validators=[DataRequired(_l("Välj en insats."))])
    started_on = DateField(_l("Första dag"), validators=[DataRequired(_l("Skriv insatsens första dag."))])
    ended_on = DateField(_l("Sista dag"), validators=[Optional()])


class AssessmentForm(FlaskForm):
    """Projektledning's motivering and bedömning of one goal of the goal table."""

    assessment = SelectField(
        _l("Bedömning"),
        choices=[SelectChoice("", _l("Som beräknat")), SelectChoice("uppnatt", _l("Uppnått")),
                 SelectChoice("delvis", _l("Delvis uppnått")), SelectChoice("ej_uppnatt", _l("Ej uppnått")),
                 SelectChoice("osaker", _l("Osäker"))],
        validate_choice=False,
        validators=[AnyOf(("", "uppnatt", "delvis", "ej_uppnatt", "osaker"),
                          message=_l("Välj en bedömning på skalan: uppnått, delvis uppnått, ej uppnått "
                                     "eller osäker."))],
    )
    motivering = TextAreaField(_l("Motivering"), validators=[Length(
        max=MOTIVERING_MAX, message=_l("Motiveringen får vara högst %(max)d tecken."))])


class FindCodeForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("Deltagarkod"))


class ProjectSetupForm(FlaskForm):
    """The Projekt page: a project's period, targets, questionnaires and goals."""

    starts_on = DateField(_l("Projektet börjar"), validators=[Optional()])
    ends_on = DateField(_l("Projektet slutar"), validators=[Optional()])
    total = IntegerField(_l("Deltagare totalt (mål)"), validators=[
        InputRequired(_l("Skriv hur många deltagare projektet ska ha.")),
        NumberRange(min=1, message=_l("Målet för deltagare måste vara minst 1."))])
    women = IntegerField(_l("Varav kvinnor"), validators=[
        Optional(), NumberRange(min=0, message=_l("Skriv 0 eller fler."))])
    men = IntegerField(_l("Varav män"), validators=[
        Optional(), NumberRange(min=0, message=_l("Skriv 0 eller fler."))])
    balance_low = IntegerField(_l("Andel kvinnor minst (%)"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("Skriv en andel mellan 0 och 100."))])
    balance_high = IntegerField(_l("Andel kvinnor högst (%)"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("Skriv en andel mellan 0 och 100."))])
    organisations = TextAreaField(
        _l("Kommuner och deras mål"),
        description=_l("En kommun per rad: namnet, kolon och antalet deltagare, till exempel "
                       "”Mariestad: 120”."),
        render_kw={"rows": 8})
    questionnaires = MultiCheckboxField(_l("Enkäter vars mål ingår i måltabellen"))
    projektmal = TextAreaField(
        _l("Projektmål och delmål"),
        description=_l("I projektfilens form (YAML): en lista av projektmål med titel och delmål, "
                       "i tabellens ordning."),
        validators=[Length(max=50_000)], render_kw={"rows": 24, "spellcheck": "false", "class": "code"})


class ConfirmForm(FlaskForm):
    """A button that does something for good: the box must be ticked."""

    confirm = BooleanField(_l("Jag har läst vad som händer"),
                           validators=[DataRequired(_l("Kryssa i rutan för att bekräfta."))])


class NewProjectForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Skriv projektets namn.")),
                                               Length(max=200)])
    copy_of = SelectField(_l("Börja från en kopia av"), coerce=int)
    managers = MultiCheckboxField(_l("Projektledning"), coerce=int)
