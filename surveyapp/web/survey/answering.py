"""Showing and submitting a questionnaire form, for every way of reaching one.

An open link (``/s/<token>``), kiosk mode on a tablet and a single-use invitation all
build an :class:`AnsweringContext` and hand it to :func:`render_form` and :func:`submit_form`;
only how they find the round, the organisation and the channel differs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, abort, g, render_template, request
from flask_babel import gettext as _
from flask_babel import refresh
from markupsafe import Markup

from ...extensions import db
from ...i18n import LANGUAGES, available_languages, native_digits, preferred_language
from ...models import Organisation, QuestionnaireVersion, Response, Round
from ...questionnaire import Message, Question, Questionnaire, is_shown
from ...questionnaire.types import question_type
from ...services.submissions import Submission, SubmissionError, record
from ..forms import SurveyForm, attribute, make_survey_form

#: the field of the "Byt språk" buttons: the post changes the language, it stores nothing
CHANGE_LANGUAGE = "change_language"


@dataclass
class AnsweringContext:
    round: Round
    organisation: Organisation
    version: QuestionnaireVersion
    questionnaire: Questionnaire
    #: where the form posts to
    action_url: str
    #: the language picker of this way in
    languages_url: str
    language: str = "sv"
    channel: str = "self"
    #: a role fixed by the way in (else asked, for staff questionnaires)
    role: str | None = None
    #: a participant code fixed by the way in (else asked, where the questionnaire has one)
    participant_code: str | None = None
    #: extra template values (e.g. kiosk mode hides navigation)
    extra: dict = field(default_factory=dict)
    #: where the form posts to in another language: "Byt språk" posts the answers given so
    #: far there and gets the form back in that language, nothing stored (None: picker link)
    switch_url: Callable[[str], str] | None = None


def render_language_choice(questionnaire: Questionnaire, language_url: Callable[[str], str],
                           template: str = "survey/language.html", **values):
    """The first screen: every language the questionnaire is complete in, the browser's first.

    The page itself speaks the browser's language; the respondent still chooses.
    """
    languages = available_languages(questionnaire)
    preferred = preferred_language(languages)
    g.language = preferred
    refresh()
    return render_template(
        template,
        questionnaire=questionnaire,
        languages=[preferred] + [code for code in languages if code != preferred],
        preferred=preferred,
        language_url=language_url,
        **values,
    )


def make_form(ctx: AnsweringContext, **kwargs) -> SurveyForm:
    return make_survey_form(
        ctx.questionnaire,
        ask_role=ctx.questionnaire.asks_role and not ctx.role,
        ask_participant_code=ctx.questionnaire.uses_participant_code and not ctx.participant_code,
        **kwargs,
    )


def render_form(ctx: AnsweringContext, form: SurveyForm | None = None,
                errors: dict[str, Message] | None = None, status: int = 200):
    form = form or make_form(ctx, formdata=None)
    errors = errors or {}
    role = ctx.role or (form.role.data if "role" in form else None)
    given = {}
    for q in ctx.questionnaire.questions:
        data = form[attribute(question_type(q).input_names(q)[0])].data
        given[q.key] = set(data if isinstance(data, list) else [data] if data else [])
    shown = {q.key: is_shown(q, given, role) for q in ctx.questionnaire.questions}
    messages = {key: message.render(_) for key, message in errors.items()}
    page = render_template(
        "survey/form.html",
        ctx=ctx,
        questionnaire=ctx.questionnaire,
        form=form,
        errors=messages,
        shown=shown,
        attribute=attribute,
        conditions_json=conditions_json,
        languages=available_languages(ctx.questionnaire),
        digits=native_digits("0123456789", ctx.language),
        **ctx.extra,
    )
    return page, status


def submit_form(ctx: AnsweringContext, on_stored: Callable[[Response | None], None] | None = None):
    """Validates and stores the posted form in one transaction.

    Returns ``None`` when stored (the caller redirects), else the form page with errors.
    ``on_stored`` runs inside the same transaction (e.g. to mark an invitation used).
    A post from a "Byt språk" button only shows the form again, in ``ctx.language``,
    with the answers given so far; nothing is stored.
    """
    if ctx.language not in available_languages(ctx.questionnaire):
        abort(404)  # nothing is stored in a language the questionnaire is not offered in
    form = make_form(ctx)
    if not form.validate():
        # only the CSRF token has a validator: a stale or forged form
        abort(400)
    if CHANGE_LANGUAGE in request.form:
        return render_form(ctx, form)
    raw = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}
    submission = Submission(
        round=ctx.round,
        version=ctx.version,
        organisation=ctx.organisation,
        raw=raw,
        uuid=form.response_uuid.data or "",
        language=ctx.language,
        channel=ctx.channel,
        role=ctx.role or (raw.get("role") or [None])[0],
        participant_code=ctx.participant_code or (raw.get("participant_code") or [None])[0],
    )
    try:
        response = record(submission)
        if on_stored is not None:
            on_stored(response)
    except SubmissionError as exc:
        db.session.rollback()
        return render_form(ctx, form, exc.errors, status=400)
    db.session.commit()
    return None


def conditions_json(q: Question) -> Markup:
    """The question's show_if conditions for the page script, safe inside an attribute."""
    conditions = [{"source": c.source, "key": c.key, "values": list(c.values)} for c in q.show_if.any_of]
    text = json.dumps(conditions)
    for char, escape in (("&", "\\u0026"), ("'", "\\u0027"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escape)
    return Markup(text)


def shared_tablet_hooks(blueprint: Blueprint) -> None:
    """For a blueprint of answer pages reached by kiosk or invitation: the language comes
    from the URL (404 for an unknown one), and the browser keeps no page, so Back on a
    shared tablet shows nothing of the previous respondent."""

    @blueprint.url_value_preprocessor
    def _language(endpoint, values) -> None:
        language = (values or {}).get("language")
        if language is not None:
            if language not in LANGUAGES:
                abort(404)
            g.language = language

    @blueprint.after_request
    def _no_store(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response
