"""Open answering links: ``/s/<token>`` → language → form → thanks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from werkzeug.exceptions import Gone, NotFound

from ...extensions import csrf, db
from ...i18n import LANGUAGES, available_languages, preferred_language
from ...models import Account, Organisation, QuestionnaireVersion, Round
from ...services.kiosk import count_kiosk_answer, kiosk_takes_answer
from ...services.questionnaires import current_version, definition_of
from ...services.rounds import answering_link
from ...services.submissions import SubmissionError, record
from . import blueprint
from .answering import (
    CHANGE_LANGUAGE,
    TICKET_DAYS,
    AnsweringContext,
    answers_of,
    keep_session_for_offline_copy,
    offline_assets,
    read_resend_ticket,
    read_ticket,
    render_language_choice,
    show_form,
    submission_of,
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


blueprint.before_request(keep_session_for_offline_copy)


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
    found = answering_link(token)
    if found is None or found[1] is None:
        raise not_found()
    link, version, questionnaire = found
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
        page_url=lambda code: url_for("survey.answer", token=token, language=code),
        queueable=True,
        rate_limited_link=token,
        page_key=("open link", token, link.role),
        extra={"offline": _offline(token, questionnaire)},
    )


#: what the service worker keeps of a link, by (app, link, languages, script root)
_offline_of: dict[tuple, dict] = {}


def _offline(token: str, questionnaire) -> dict:
    """What the service worker keeps of this link for a tablet without network."""
    languages = available_languages(questionnaire)
    key = (id(current_app._get_current_object()), token, tuple(languages), request.script_root)
    kept = _offline_of.get(key)
    if kept is None:
        kept = {"urls": [url_for("survey.choose_language", token=token)]
                + [url_for("survey.answer", token=token, language=code) for code in languages]
                + [url_for("survey.saved", language=code) for code in languages]
                + offline_assets()}
        if len(_offline_of) >= 1024:
            _offline_of.clear()
        _offline_of[key] = kept
    return {"urls": list(kept["urls"])}


@blueprint.get("/<token>")
def choose_language(token: str):
    _link, version, questionnaire = _open_link(token)
    return render_language_choice(
        questionnaire, lambda code: url_for("survey.answer", token=token, language=code),
        page_key=("open link", token, version.id, version.content_hash),
        lazy_values=lambda: {"offline": _offline(token, questionnaire)},
    )


@blueprint.get("/<token>/<language>")
def answer(token: str, language: str):
    ctx = _context(token, language)
    if language not in available_languages(ctx.questionnaire):
        return redirect(url_for(".choose_language", token=token))
    return show_form(ctx)


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
    if answering_link(token) is None:
        raise not_found()
    return render_template("survey/thanks.html", again_url=url_for(".choose_language", token=token))


@blueprint.get("/-/sparat/<language>")
def saved(language: str):
    """Shown by the service worker when answers wait in the browser for the network."""
    return render_template("survey/saved.html")


def _given_at(value: str) -> datetime | None:
    """When a queued answer was given (milliseconds since 1970, from the tablet), in UTC."""
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _refused(reason: str, status: int, **values):
    db.session.rollback()
    return jsonify(status="refused", reason=reason, **values), status


@blueprint.post("/-/ko")
@csrf.exempt
def queued():
    """Answers that waited in a browser without network, sent by its service worker.

    The signed ticket of the form says where they belong, so the post needs no session and
    is no cross-site risk. A kiosk's ticket lives as long as its kiosk: after the kiosk's end
    it stores only answers given before the end (``given_at``). With a ``resend`` ticket (the
    samordnare's, behind the kiosk's PIN) held answers go to another open round of the same
    questionnaire. Ticket posts count against the open-link rate limit, per link or kiosk
    and address. The answer is JSON for the worker: stored, duplicate (same uuid and
    answers: stored before), or why it cannot be stored (the worker holds it for the
    samordnare).
    """
    resend = request.form.get("resend")
    target = read_resend_ticket(resend) if resend else None
    if resend and target is None:
        return jsonify(status="refused", reason="resend"), 403
    ticket = read_ticket(request.form.get("ticket", ""), max_age=None if target else TICKET_DAYS * 24 * 3600)
    if ticket is None:
        return jsonify(status="refused", reason="ticket"), 403
    version = db.session.get(QuestionnaireVersion, ticket["version"])
    organisation = db.session.get(Organisation, ticket["organisation"])
    link = ticket.get("link")
    run = ticket.get("run")
    limited = link or (f"kiosk {run}" if ticket.get("kiosk") else None)
    if limited:
        check_open_link_rate(limited)  # 429: the worker keeps the answers and tries again later
    if target is not None:
        round_ = db.session.get(Round, target["round"])
        account = db.session.get(Account, target["account"])
        if (version is None or round_ is None or organisation is None
                or account is None or not account.active
                or target["organisation"] != organisation.id
                or round_.questionnaire_key != version.questionnaire_key):
            return _refused("resend", 403)
        version = current_version(round_.questionnaire_key)
    else:
        round_ = db.session.get(Round, ticket["round"])
        if round_ is None or organisation is None or version is None:
            return _refused("gone", 410)
        if ticket.get("kiosk") and not kiosk_takes_answer(run, _given_at(request.form.get("given_at"))):
            return _refused("ended", 410)
    if version is None:
        return _refused("gone", 410)
    ctx = AnsweringContext(
        round=round_, organisation=organisation, version=version, questionnaire=definition_of(version),
        action_url=request.path, languages_url="", language=ticket["language"],
        channel=ticket["channel"], role=ticket["role"], participant_code=ticket["code"],
    )
    submission = submission_of(ctx, answers_of(request.form), request.form.get("response_uuid", ""))
    try:
        response = record(submission)
    except SubmissionError as exc:
        reason = "closed" if "round" in exc.errors else "invalid"
        return _refused(reason, 422, fields=sorted(exc.errors))
    if response is not None and ticket["kiosk"]:
        count_kiosk_answer(round_, organisation)
    if response is not None and limited:
        count_open_link_answer(limited)
    db.session.commit()
    return jsonify(status="stored" if response is not None else "duplicate")
