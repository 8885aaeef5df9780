"""Builds the WTForms form of a questionnaire from its definition."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField

from ..questionnaire import Question, Questionnaire
from ..questionnaire.types import question_type


class SurveyForm(FlaskForm):
    """The fields every questionnaire form has; question fields are added per questionnaire."""

    #: generated when the form is shown; a resubmission with the same id stores nothing
    response_uuid = HiddenField()
    #: the answering turn the form was shown in (see web/survey/answering.py)
    turn = HiddenField()
    #: signed round, organisation and language, for answers that wait in the browser
    ticket = HiddenField()


def _field_for(q: Question, name: str) -> Field:
    codes = list(q.option_codes)
    if q.type == "multi":
        return SelectMultipleField(name=name, choices=codes, validate_choice=False)
    if q.type == "text":
        return TextAreaField(name=name)
    if q.type == "integer":
        return StringField(name=name)
    return RadioField(name=name, choices=codes, validate_choice=False)


def attribute(name: str) -> str:
    """The form attribute of an input name (matrix rows are named ``QUESTION.ROW``)."""
    return "q_" + name.replace(".", "__")


#: form classes by (id of the questionnaire, ask_role, ask_participant_code), each kept with its
#: questionnaire (so that the id is not reused); questionnaires are built once per version
_form_classes: dict[tuple[int, bool, bool], tuple[Questionnaire, type[SurveyForm]]] = {}


def survey_form_class(
    questionnaire: Questionnaire, ask_role: bool, ask_participant_code: bool
) -> type[SurveyForm]:
    """The form class of a questionnaire, built once per questionnaire version and process."""
    key = (id(questionnaire), ask_role, ask_participant_code)
    cached = _form_classes.get(key)
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    if len(_form_classes) >= 256:
        _form_classes.clear()
    _form_classes[key] = (questionnaire, _build_form_class(questionnaire, ask_role, ask_participant_code))
    return _form_classes[key][1]


def _build_form_class(
    questionnaire: Questionnaire, ask_role: bool, ask_participant_code: bool
) -> type[SurveyForm]:
    class _Form(SurveyForm):
        pass

    if ask_role:
        _Form.role = RadioField(
            _l("Din roll"), choices=list(questionnaire.role_codes), validate_choice=False
        )
    if ask_participant_code:
        _Form.participant_code = StringField(_l("Deltagarkod"))
    for q in questionnaire.questions:
        for name in question_type(q).input_names(q):
            setattr(_Form, attribute(name), _field_for(q, name))
    return _Form


def make_survey_form(
    questionnaire: Questionnaire, *, ask_role: bool, ask_participant_code: bool, **kwargs
) -> SurveyForm:
    form = survey_form_class(questionnaire, ask_role, ask_participant_code)(**kwargs)
    if not form.response_uuid.data:
        form.response_uuid.data = str(uuid.uuid4())
    return form


def field(form: SurveyForm, name: str) -> Field:
    return form[attribute(name)]
