"""Single-use invitation links. The answers and the used-mark are stored in one
transaction; nothing ties the one to the other."""

from __future__ import annotations

from datetime import date

from flask import g, redirect, render_template, request, url_for
from flask_babel import force_locale, refresh
from flask_babel import gettext as _
from markupsafe import Markup

from ...extensions import db
from ...i18n import LANGUAGES, available_languages, browser_language, text_direction
from ...models import Invitation
from ...questionnaire import Questionnaire
from ...services.invitations import InvitationUsed, find_invitation, mark_used
from ...services.questionnaires import current_version, definition_of
from ..survey.answering import (
    CHANGE_LANGUAGE,
    AnsweringContext,
    render_language_choice,
    shared_tablet_hooks,
    show_form,
    submit_form,
)
from . import blueprint

shared_tablet_hooks(blueprint)


class _AlreadyAnswered(Exception):
    """Another submission through the same link won the race."""


class _Refused(Exception):
    """The link cannot be answered through; ``page`` says why."""

    def __init__(self, page) -> None:
        super().__init__()
        self.page = page


def _refusal(status: int, questionnaire: Questionnaire | None, message=None):
    """The page turning a participant away, in the language chosen in the address or else the
    browser's, where offered (the questionnaire's languages; every participant language for a
    link not found), and otherwise in Swedish with English beside it.

    ``message`` (a function giving the text in the current language) makes it an error page;
    without it, the page says the link has been used.
    """
    offered = available_languages(questionnaire) if questionnaire is not None else list(LANGUAGES)
    chosen = (request.view_args or {}).get("language")
    chosen = chosen if chosen in offered else browser_language(offered)
    languages = [chosen] if chosen else ["sv", "en"]
    parts = []
    for index, language in enumerate(languages):
        # one h1 on the page: the text beside it in a second language is a section of it
        heading = "h1" if index == 0 else "h2"
        with force_locale(language):
            if message is None:
                title = _("Du har redan svarat")
                body = render_template("invitations/_used.html", heading=heading)
            else:
                title = message()
                body = render_template("invitations/_refused.html", message=title, code=status,
                                       heading=heading)
        parts.append({"language": language, "direction": text_direction(language), "title": title,
                      "body": Markup(body)})
    before = g.get("language")
    g.language = languages[0]
    refresh()
    page = render_template("invitations/refusal.html", parts=parts, used=message is None)
    g.language = before
    refresh()
    return page, status


def _not_found():
    return _refusal(404, None, lambda: _("Länken finns inte. Kontrollera att du har skrivit av den rätt."))


def already_answered(invitation: Invitation):
    return _refusal(410, _questionnaire(invitation))


def _questionnaire(invitation: Invitation) -> Questionnaire | None:
    version = current_version(invitation.round.questionnaire_key)
    return definition_of(version) if version is not None else None


def _open(token: str) -> Invitation:
    invitation = find_invitation(token)
    if invitation is None:
        raise _Refused(_not_found())
    if not invitation.round.accepts_answers(date.today()):
        raise _Refused(_refusal(410, _questionnaire(invitation), lambda: _(
            "Enkäten är stängd och tar inte emot fler svar. Tack för att du ville svara!")))
    return invitation


@blueprint.errorhandler(_Refused)
def _refused(error: _Refused):
    return error.page


def _context(invitation: Invitation, token: str, language: str) -> AnsweringContext:
    version = current_version(invitation.round.questionnaire_key)
    if version is None:
        raise _Refused(_not_found())
    return AnsweringContext(
        round=invitation.round,
        organisation=invitation.organisation,
        version=version,
        questionnaire=definition_of(version),
        action_url=url_for(".submit", token=token, language=language),
        languages_url=url_for(".choose_language", token=token),
        language=language,
        role=invitation.role,
        switch_url=lambda code: url_for(".submit", token=token, language=code),
        page_url=lambda code: url_for(".answer", token=token, language=code),
    )


@blueprint.get("/<token>")
def choose_language(token: str):
    invitation = _open(token)
    if invitation.used:
        return already_answered(invitation)
    version = current_version(invitation.round.questionnaire_key)
    if version is None:
        raise _Refused(_not_found())
    return render_language_choice(
        definition_of(version), lambda code: url_for(".answer", token=token, language=code)
    )


@blueprint.get("/<token>/<language>")
def answer(token: str, language: str):
    invitation = _open(token)
    if invitation.used:
        return already_answered(invitation)
    ctx = _context(invitation, token, language)
    if language not in available_languages(ctx.questionnaire):
        return redirect(url_for(".choose_language", token=token))
    return show_form(ctx)


@blueprint.post("/<token>/<language>")
def submit(token: str, language: str):
    invitation = _open(token)
    if invitation.used:
        return already_answered(invitation)
    ctx = _context(invitation, token, language)
    if CHANGE_LANGUAGE in request.form and language not in available_languages(ctx.questionnaire):
        return redirect(url_for(".choose_language", token=token))

    def use(response) -> None:
        if response is None:  # the same form posted twice: stored the first time
            return
        try:
            mark_used(invitation)
        except InvitationUsed:
            db.session.rollback()
            raise _AlreadyAnswered() from None

    try:
        page = submit_form(ctx, on_stored=use)
    except _AlreadyAnswered:
        return already_answered(invitation)
    if page is not None:
        return page
    return redirect(url_for(".thanks", token=token, language=language))


@blueprint.get("/<token>/<language>/tack")
def thanks(token: str, language: str):
    if find_invitation(token) is None:
        raise _Refused(_not_found())
    return render_template("invitations/thanks.html")

