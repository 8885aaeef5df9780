"""Showing and submitting a questionnaire form, for every way of reaching one.

An open link (``/s/<token>``), kiosk mode on a tablet, a single-use invitation and a
participant's page all build an :class:`AnsweringContext` and hand it to :func:`show_form`
and :func:`submit_form`; only how they find the round, the organisation and the channel
differs.

Forms may be answered on a tablet that is handed from one person to the next, so:

- every post redirects (POST/redirect/GET): a refused "Skicka svaren" or a "Byt språk" keeps
  the answers given so far in a short-lived draft that the redirected page reads; no page a
  browser can reload or return to is the result of a post with answers in it;
- each person's answering is a *turn*, a random value in the browser's session, carried by
  the form. A turn ends with the thank-you page and whenever a new person starts (the language
  picker, a kiosk reset); its drafts end with it, and a form of an ended turn is refused with
  a page that says so, nothing stored, nothing shown.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import uuid4

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.globals import request_ctx
from flask.sessions import NullSession
from flask_babel import gettext as _
from flask_babel import ngettext, refresh
from flask_wtf.csrf import generate_csrf, validate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import ValidationError

from ...extensions import db
from ...i18n import (
    LANGUAGES,
    available_languages,
    format_number,
    native_digits,
    preferred_language,
    qtext,
    use_questionnaire,
)
from ...models import Organisation, QuestionnaireVersion, Response, Round
from ...questionnaire import Message, Question, Questionnaire, is_shown
from ...questionnaire.rules import form_rules
from ...questionnaire.types import question_type
from ...services.drafts import discard_drafts, load_draft, save_draft
from ...services.sessions import write_in_transaction
from ...services.submissions import (
    BAD_CODE,
    CODE_REQUIRED,
    PARTICIPANT_CODE,
    Submission,
    SubmissionError,
    check,
    is_stored,
    record,
)
from ...services.texts import generation as text_generation
from ...translations import catalog_stamps
from ..forms import SurveyForm, attribute, make_survey_form
from .media import language_name_recordings, media_state
from .pagecache import PLACEHOLDERS, render_cached

#: the field of the "Byt språk" buttons: the post changes the language, it stores nothing
CHANGE_LANGUAGE = "change_language"
#: the session key of the current turn
TURN = "answering_turn"
#: the session key that says the current turn has saved drafts
TURN_DRAFTS = "answering_turn_drafts"
#: the turn of a form that the offline copy of a page carries: it never held anyone's answers
OFFLINE_TURN = "offline"
#: the request header of the service worker when it fetches a page to keep for offline use
OFFLINE_COPY = "X-Surveyapp-Offline-Copy"
#: the query parameter that names a draft
DRAFT = "utkast"
#: posted fields that are no answers
NOT_ANSWERS = frozenset({"csrf_token", "turn", "ticket", "given_at", "resend", CHANGE_LANGUAGE})
#: how long a queued answer's ticket stays good (answers wait in a tablet without network)
TICKET_DAYS = 14
#: how long the samordnare's permission to send held answers to another round stays good
RESEND_HOURS = 12


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
    #: the form's page in a language (GET); a draft is added as ``?utkast=``
    page_url: Callable[[str], str] | None = None
    #: whether answers may wait in the browser when the server cannot be reached (kiosk,
    #: open links; not invitations, whose used-mark needs the server at once)
    queueable: bool = False
    #: whether the stored answer counts in the kiosk's daily tally
    kiosk_tally: bool = False
    #: the running kiosk whose tickets the form carries: they live as long as it
    kiosk_run: str | None = None
    #: the open link whose per-address limit the answer counts against (None: not limited)
    rate_limited_link: str | None = None
    #: what, besides the version and the language, this way in's empty form is made from;
    #: given, the page is rendered once per process and completed per request (pagecache.py)
    page_key: tuple | None = None

    def __post_init__(self) -> None:
        # the page's questionnaire texts are those saved for this questionnaire
        use_questionnaire(self.questionnaire.key)


# ---- turns ---------------------------------------------------------------------------


def offline_copy() -> bool:
    """Whether the service worker is fetching this page to keep it for offline use."""
    return request.headers.get(OFFLINE_COPY) == "1"


class _UnsavedSession(NullSession):
    """The session as it was, readable and writable, but never saved: an offline copy is
    fetched beside the person's own requests and must not overwrite their session."""

    __setitem__ = dict.__setitem__
    __delitem__ = dict.__delitem__
    clear = dict.clear
    pop = dict.pop
    popitem = dict.popitem
    update = dict.update
    setdefault = dict.setdefault


def keep_session_for_offline_copy() -> None:
    """A ``before_request`` hook of the answering blueprints."""
    if offline_copy():
        ctx = request_ctx._get_current_object()
        unsaved = _UnsavedSession(dict(ctx.session))
        if hasattr(ctx, "_session"):  # Flask 3.1 keeps the opened session here
            ctx._session = unsaved
        else:
            ctx.session = unsaved


def current_turn() -> str:
    """This browser's turn; a new one when it has none (a form is about to be shown)."""
    turn = session.get(TURN)
    if not turn:
        turn = session[TURN] = secrets.token_urlsafe(12)
    return turn


def end_turn() -> None:
    """The person has finished or left: their drafts go, and their forms are refused from now.

    The turn is removed; the next form shown starts a new one. A browser without a turn has
    shown no form since the last turn ended, so there is nothing to end (and nothing to write).
    """
    if TURN not in session:
        return
    old = session.pop(TURN)
    if session.pop(TURN_DRAFTS, False):
        discard_drafts(old)


def turn_has_drafts() -> None:
    """A draft of this turn is being saved: the turn's end deletes them."""
    if not session.get(TURN_DRAFTS):
        session[TURN_DRAFTS] = True


def start_new_person() -> None:
    """A page where a new person starts (language picker): whatever came before has ended."""
    if not offline_copy():
        end_turn()


# ---- tickets for answers that waited in the browser ----------------------------------


def _ticket_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="surveyapp.queued-answers")


def queue_ticket(ctx: AnsweringContext) -> str:
    """What the queued post of this form may store: round, organisation, version, language,
    channel and role, signed, so that a tablet can send it days later without its session."""
    return _ticket_serializer().dumps({
        "round": ctx.round.id, "organisation": ctx.organisation.id, "version": ctx.version.id,
        "language": ctx.language, "channel": ctx.channel, "role": ctx.role,
        "code": ctx.participant_code, "kiosk": ctx.kiosk_tally, "link": ctx.rate_limited_link,
        "run": ctx.kiosk_run,
    })


def read_ticket(value: str, max_age: int | None = TICKET_DAYS * 24 * 3600) -> dict | None:
    """The ticket's values; None when it is forged or older than ``max_age`` seconds."""
    try:
        values = _ticket_serializer().loads(value or "", max_age=max_age)
    except BadSignature:
        return None
    return values if isinstance(values, dict) else None


def _resend_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="surveyapp.resend-held-answers")


def resend_ticket(account_id: int, round_id: int, organisation_id: int) -> str:
    """Lets answers that a tablet holds (refused: their round closed) go to another open round
    of the same questionnaire and organisation; given to the samordnare behind the kiosk's PIN."""
    return _resend_serializer().dumps({"account": account_id, "round": round_id,
                                       "organisation": organisation_id})


def read_resend_ticket(value: str) -> dict | None:
    """A resend ticket's values, or None (forged, or older than RESEND_HOURS)."""
    try:
        values = _resend_serializer().loads(value or "", max_age=RESEND_HOURS * 3600)
    except BadSignature:
        return None
    return values if isinstance(values, dict) else None


def offline_assets() -> list[str]:
    """The static files an answering page needs, kept by the service worker."""
    files = (["app.css", "staff.css", "survey.js", "rules.js", "kiosk.js"]
             + [f"faces/face-{n}.svg" for n in range(1, 6)])
    return [url_for("static", filename=name) for name in files]


# ---- pages ---------------------------------------------------------------------------


def render_language_choice(questionnaire: Questionnaire, language_url: Callable[[str], str],
                           template: str = "survey/language.html", page_key: tuple | None = None,
                           lazy_values: Callable[[], dict] | None = None, **values):
    """The first screen: every language the questionnaire is complete in, the browser's first.

    A new person starts here, so the turn before ends. The page itself speaks the browser's
    language; the respondent still chooses. With ``page_key`` (what the page is made from
    besides the questionnaire's languages and their order) the page is rendered once per
    process and completed per request with its nonce (pagecache.py); ``lazy_values`` are
    template values needed only when the page is rendered.
    """
    start_new_person()
    use_questionnaire(questionnaire.key)
    languages = available_languages(questionnaire)
    preferred = preferred_language(languages)
    g.language = preferred
    refresh()
    ordered = [preferred] + [code for code in languages if code != preferred]

    def render() -> str:
        return render_template(
            template,
            questionnaire=questionnaire,
            languages=ordered,
            preferred=preferred,
            language_url=language_url,
            **(lazy_values() if lazy_values else {}),
            **values,
        )

    if page_key is not None:
        key = ("picker", _app_state(), page_key, template, tuple(ordered), language_name_recordings(ordered))
        page = render_cached(key, render, {})
        if page is not None:
            return page
    return render()


def _app_state() -> tuple:
    """What every kept page is kept under besides its own values: the app, its catalogs (a
    changed interface translation), the questionnaire translations' counter and the root the
    app is served under."""
    return (id(current_app._get_current_object()),
            catalog_stamps(current_app.config["BABEL_TRANSLATION_DIRECTORIES"]), text_generation(),
            request.script_root)


def make_form(ctx: AnsweringContext, **kwargs) -> SurveyForm:
    return make_survey_form(
        ctx.questionnaire,
        ask_role=ctx.questionnaire.asks_role and not ctx.role,
        ask_participant_code=ctx.questionnaire.accepts_participant_code and not ctx.participant_code,
        **kwargs,
    )


def render_form(ctx: AnsweringContext, form: SurveyForm | None = None,
                errors: dict[str, Message] | None = None, status: int = 200):
    if form is None and not errors and ctx.page_key is not None:
        page = _kept_empty_form(ctx)
        if page is not None:
            return page, status
    form = form or make_form(ctx, formdata=None)
    form.turn.data = OFFLINE_TURN if offline_copy() else current_turn()
    form.ticket.data = queue_ticket(ctx) if ctx.queueable else ""
    return _render_form_page(ctx, form, errors), status


def _kept_empty_form(ctx: AnsweringContext) -> str | None:
    """The empty form, rendered once per process and completed with this request's CSRF
    token, turn, response id, ticket and nonce (None: it cannot be kept)."""
    with_csrf = bool(current_app.config.get("WTF_CSRF_ENABLED", True))
    key = ("form", _app_state(), with_csrf, ctx.page_key, ctx.version.id, ctx.version.content_hash,
           ctx.language, tuple(available_languages(ctx.questionnaire)), media_state(ctx.language))

    def render() -> str:
        form = make_form(ctx, formdata=None)
        if with_csrf:
            form.csrf_token.current_token = PLACEHOLDERS["csrf"]
        form.response_uuid.data = PLACEHOLDERS["uuid"]
        form.turn.data = PLACEHOLDERS["turn"]
        form.ticket.data = PLACEHOLDERS["ticket"] if ctx.queueable else ""
        return _render_form_page(ctx, form, None)

    return render_cached(key, render, {
        "csrf": generate_csrf() if with_csrf else "",
        "uuid": str(uuid4()),
        "turn": OFFLINE_TURN if offline_copy() else current_turn(),
        "ticket": queue_ticket(ctx) if ctx.queueable else "",
    })


def _render_form_page(ctx: AnsweringContext, form: SurveyForm, errors: dict[str, Message] | None) -> str:
    errors = errors or {}
    role = ctx.role or (form.role.data if "role" in form else None)
    given = {}
    for q in ctx.questionnaire.questions:
        data = form[attribute(question_type(q).input_names(q)[0])].data
        given[q.key] = set(data if isinstance(data, list) else [data] if data else [])
    shown = {q.key: is_shown(q, given, role) for q in ctx.questionnaire.questions}
    messages = {key: message.render(_) for key, message in errors.items()}
    return render_template(
        "survey/form.html",
        ctx=ctx,
        questionnaire=ctx.questionnaire,
        form=form,
        errors=messages,
        shown=shown,
        attribute=attribute,
        conditions_json=conditions_json,
        rules_json=rules_json,
        condition_labels=condition_labels,
        languages=available_languages(ctx.questionnaire),
        digits=native_digits("0123456789", ctx.language),
        **ctx.extra,
    )


def render_preview(questionnaire: Questionnaire, language: str, texts: dict[str, str], back_url: str,
                   **extra) -> str:
    """A questionnaire not published yet, shown as a participant sees its form in ``language``
    with ``texts`` (Swedish text -> translation) for its own texts. It cannot be sent: the
    form has no action and its send button is off; nothing of it is stored."""
    g.language = language
    g.questionnaire_texts = texts
    refresh()
    ctx = AnsweringContext(round=None, organisation=None, version=None, questionnaire=questionnaire,
                           action_url="", languages_url=back_url, language=language,
                           extra={"preview": True, **extra})
    try:
        return _render_form_page(ctx, make_form(ctx, formdata=None), None)
    finally:  # the texts and the language were this page's only
        g.pop("questionnaire_texts", None)
        g.pop("language", None)
        refresh()


def show_form(ctx: AnsweringContext):
    """The form (GET): empty, or with this turn's draft and its errors when the URL names one.

    A draft of an ended turn (Back or a bookmark after the next person started) is simply
    not there: the page shows an empty form.
    """
    draft_id = request.args.get(DRAFT)
    if draft_id and not offline_copy():
        draft = load_draft(draft_id, current_turn(), ctx.round)
        if draft is not None:
            fields, with_errors = draft
            form = make_form(ctx, formdata=MultiDict([(k, v) for k, vs in fields.items() for v in vs]))
            errors = {}
            if with_errors:
                try:
                    check(submission_of(ctx, fields, form.response_uuid.data or ""))
                except SubmissionError as exc:
                    errors = exc.errors
            db.session.commit()
            return render_form(ctx, form, errors)
    page = render_form(ctx)
    write_in_transaction()  # a new turn, if this browser had none
    db.session.commit()
    return page


def answers_of(form: MultiDict) -> dict[str, list[str]]:
    """The posted fields that are answers (and role, participant code, response id)."""
    return {key: form.getlist(key) for key in form if key not in NOT_ANSWERS}


def submission_of(ctx: AnsweringContext, raw: dict[str, list[str]], uuid: str) -> Submission:
    return Submission(
        round=ctx.round,
        version=ctx.version,
        organisation=ctx.organisation,
        raw=raw,
        uuid=uuid,
        language=ctx.language,
        channel=ctx.channel,
        role=ctx.role or (raw.get("role") or [None])[0],
        participant_code=ctx.participant_code or (raw.get("participant_code") or [None])[0],
        new_uuid_when_changed=True,
    )


def already_stored(ctx: AnsweringContext, raw: dict[str, list[str]], uuid: str) -> bool:
    """Whether exactly these answers are stored under this uuid already."""
    try:
        return is_stored(submission_of(ctx, raw, uuid))
    except SubmissionError:
        return False


def render_earlier_person(ctx: AnsweringContext):
    """A form of a turn that has ended: refused, nothing stored and nothing of it shown."""
    return render_template("survey/earlier_person.html", again_url=ctx.languages_url, **ctx.extra), 409


def _with_draft(url: str, draft_id: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{DRAFT}={draft_id}"


def submit_form(ctx: AnsweringContext, on_stored: Callable[[Response | None], None] | None = None):
    """Validates and stores the posted form in one transaction, and ends the turn.

    Returns ``None`` when stored (the caller redirects to its thank-you page), else the
    response to send: a redirect to the form with a draft (answers to correct, or "Byt
    språk": the same answers in ``ctx.language``, nothing stored), or the page for a form
    of an earlier person. ``on_stored`` runs inside the same transaction (e.g. to mark an
    invitation used).
    """
    if ctx.language not in available_languages(ctx.questionnaire):
        abort(404)  # nothing is stored in a language the questionnaire is not offered in
    # the answers are read from the post itself; no form object is built for it: the CSRF
    # token is checked (CSRFProtect has done so already for every post), a missing response
    # id gets a new one
    if current_app.config.get("WTF_CSRF_ENABLED", True) and not g.get("csrf_valid"):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            abort(400)  # a stale or forged form
    response_uuid = request.form.get("response_uuid") or str(uuid4())
    posted_turn = request.form.get("turn")
    raw = answers_of(request.form)
    if posted_turn and posted_turn not in (OFFLINE_TURN, session.get(TURN)):
        if CHANGE_LANGUAGE not in request.form and already_stored(ctx, raw, response_uuid):
            return None  # a double tap or a retry whose first post ended the turn: thanked again
        return render_earlier_person(ctx)
    page_url = ctx.page_url or (lambda _language: ctx.action_url)
    if CHANGE_LANGUAGE in request.form:
        turn_has_drafts()
        draft_id = save_draft(current_turn(), ctx.round, raw, with_errors=False)
        db.session.commit()
        return redirect(_with_draft(page_url(ctx.language), draft_id))
    try:
        response = record(submission_of(ctx, raw, response_uuid))
        if on_stored is not None:
            on_stored(response)
    except SubmissionError:
        db.session.rollback()
        turn_has_drafts()
        draft_id = save_draft(current_turn(), ctx.round, raw, with_errors=True)
        db.session.commit()
        return redirect(_with_draft(page_url(ctx.language), draft_id) + "#error-summary")
    end_turn()
    write_in_transaction()  # the answer and the turn's end in one commit
    db.session.commit()
    return None


def _script_json(value) -> Markup:
    """JSON that is safe inside a single-quoted HTML attribute."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("&", "\\u0026"), ("'", "\\u0027"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escape)
    return Markup(text)


def rules_json(questionnaire: Questionnaire, form: SurveyForm) -> Markup:
    """The form's answering rules (questionnaire/rules.py) with their messages, the question
    labels and the error summary's headings in the page's language, for static/rules.js."""
    rules = form_rules(questionnaire)
    rules["messages"] = {name: _(msgid) for name, msgid in rules["messages"].items()}
    rules["asks_role"] = "role" in form
    rules["labels"] = {"participant_code": _("Deltagarkod"), "role": _("Din roll"),
                       **{q.key: qtext(q.text) for q in questionnaire.questions}}
    if "participant_code" in form:
        # an optional code (the avslutningsenkät) is checked only when written
        rules["participant_code"] = {
            "pattern": PARTICIPANT_CODE.pattern,
            "required": _(CODE_REQUIRED) if questionnaire.uses_participant_code else None,
            "bad": _(BAD_CODE) % {"value": "{value}"}}
    rules["headings"] = {
        str(n): ngettext("Ett svar behöver rättas", "%(count)s svar behöver rättas", n,
                         count=format_number(n))
        for n in range(1, len(questionnaire.questions) + 3)
    }
    return _script_json(rules)


def conditions_json(q: Question) -> Markup:
    """The question's show_if conditions for the page script, safe inside an attribute."""
    return _script_json([{"source": c.source, "key": c.key, "values": list(c.values)}
                         for c in q.show_if.any_of])


def condition_labels(questionnaire: Questionnaire, q: Question) -> list[tuple[str, list[str]]]:
    """The answers a conditional question depends on, in words: (question, [answers]) pairs,
    so that a page without JavaScript can say when to answer it."""
    pairs = []
    for c in q.show_if.any_of:
        if c.source == "role":
            labels = {o.code: qtext(o.label) for o in questionnaire.roles}
            pairs.append((_("Din roll"), [labels.get(v, v) for v in c.values]))
            continue
        source = questionnaire.question(c.key)
        pairs.append((qtext(source.text), [qtext(source.option(v).label) if source.option(v) else v
                                          for v in c.values]))
    return pairs


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
            refresh()  # a locale looked up before this point is looked up again

    blueprint.before_request(keep_session_for_offline_copy)

    @blueprint.after_request
    def _no_store(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response
