"""Single-use invitation links. The answers and the used-mark are stored in one
transaction; nothing ties the one to the other."""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for

from ...extensions import db
from ...i18n import available_languages
from ...models import Invitation
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
from ..survey.views import gone, not_found
from . import blueprint

shared_tablet_hooks(blueprint)


class _AlreadyAnswered(Exception):
    """Another submission through the same link won the race."""


def already_answered():
    return render_template("invitations/used.html"), 410


def _open(token: str) -> Invitation:
    invitation = find_invitation(token)
    if invitation is None:
        raise not_found()
    if not invitation.round.accepts_answers(date.today()):
        raise gone()
    return invitation


def _context(invitation: Invitation, token: str, language: str) -> AnsweringContext:
    version = current_version(invitation.round.questionnaire_key)
    if version is None:
        raise not_found()
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
        return already_answered()
    version = current_version(invitation.round.questionnaire_key)
    if version is None:
        raise not_found()
    return render_language_choice(
        definition_of(version), lambda code: url_for(".answer", token=token, language=code)
    )


@blueprint.get("/<token>/<language>")
def answer(token: str, language: str):
    invitation = _open(token)
    if invitation.used:
        return already_answered()
    ctx = _context(invitation, token, language)
    if language not in available_languages(ctx.questionnaire):
        return redirect(url_for(".choose_language", token=token))
    return show_form(ctx)


@blueprint.post("/<token>/<language>")
def submit(token: str, language: str):
    invitation = _open(token)
    if invitation.used:
        return already_answered()
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
        return already_answered()
    if page is not None:
        return page
    return redirect(url_for(".thanks", token=token, language=language))


@blueprint.get("/<token>/<language>/tack")
def thanks(token: str, language: str):
    if find_invitation(token) is None:
        raise not_found()
    return render_template("invitations/thanks.html")

