"""Open answering links: ``/s/<token>`` → language → form → thanks."""

from __future__ import annotations

from datetime import date

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from werkzeug.exceptions import Gone, NotFound

from ...i18n import LANGUAGES, available_languages, preferred_language
from ...services.questionnaires import current_version, definition_of
from ...services.rounds import find_link
from . import blueprint
from .answering import (
    CHANGE_LANGUAGE,
    AnsweringContext,
    render_form,
    render_language_choice,
    submit_form,
)
from .media import is_media
from .ratelimit import check_open_link_rate, count_open_link_answer


def gone() -> Gone:
    error = Gone()
    error.surveyapp_message = _("Enkäten är stängd och tar inte emot fler svar. Tack för att du ville svara!")
    return error


def not_found() -> NotFound:
    error = NotFound()
    error.surveyapp_message = _("Länken finns inte. Kontrollera att du har skrivit av den rätt.")
    return error


@blueprint.url_value_preprocessor
def _language(endpoint, values) -> None:
    language = (values or {}).get("language")
    if language is None and endpoint == "survey.choose_language":
        # before a choice, an error page (unknown or closed link) speaks the browser's language
        language = preferred_language()
    if language is not None:
        if language not in LANGUAGES:
            abort(404)
        g.language = language
        refresh()


@blueprint.after_request
def _no_store(response):
    """Answer pages may be on a shared tablet: nothing is kept by the browser."""
    # the chosen language belongs to this request only
    g.pop("language", None)
    refresh()
    if is_media(request.endpoint):
        return response
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def filled_in_by_staff() -> NotFound:
    error = NotFound()
    error.surveyapp_message = _("Den här blanketten fylls i av samordnaren på deltagarens sida, "
                                "inte via en länk.")
    return error


def _open_link(token: str):
    """The link, its current questionnaire version and definition; 404 or 410 otherwise."""
    link = find_link(token)
    if link is None:
        raise not_found()
    version = current_version(link.round.questionnaire_key)
    if version is None:
        raise not_found()
    questionnaire = definition_of(version)
    if not questionnaire.answered_through_links:
        raise filled_in_by_staff()
    if not link.round.accepts_answers(date.today()):
        raise gone()
    return link, version, questionnaire


def _context(token: str, language: str) -> AnsweringContext:
    link, version, questionnaire = _open_link(token)
    return AnsweringContext(
        round=link.round,
        organisation=link.organisation,
        version=version,
        questionnaire=questionnaire,
        action_url=url_for("survey.submit", token=token, language=language),
        languages_url=url_for("survey.choose_language", token=token),
        language=language,
        role=link.role,
        switch_url=lambda code: url_for("survey.submit", token=token, language=code),
    )


@blueprint.get("/<token>")
def choose_language(token: str):
    _link, _version, questionnaire = _open_link(token)
    return render_language_choice(
        questionnaire, lambda code: url_for("survey.answer", token=token, language=code)
    )


@blueprint.get("/<token>/<language>")
def answer(token: str, language: str):
    ctx = _context(token, language)
    if language not in available_languages(ctx.questionnaire):
        return redirect(url_for(".choose_language", token=token))
    return render_form(ctx)


@blueprint.post("/<token>/<language>")
def submit(token: str, language: str):
    ctx = _context(token, language)
    if CHANGE_LANGUAGE in request.form and language not in available_languages(ctx.questionnaire):
        return redirect(url_for(".choose_language", token=token))
    if CHANGE_LANGUAGE not in request.form:  # switching language stores nothing
        check_open_link_rate(token)

    def counted(response) -> None:
        if response is not None:  # a resubmission stores nothing and counts nothing
            count_open_link_answer(token)

    page = submit_form(ctx, on_stored=counted)
    if page is not None:
        return page
    return redirect(url_for(".thanks", token=token, language=language))


@blueprint.get("/<token>/<language>/tack")
def thanks(token: str, language: str):
    if find_link(token) is None:
        raise not_found()
    return render_template("survey/thanks.html", again_url=url_for(".choose_language", token=token))
