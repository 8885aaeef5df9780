"""Kiosk mode: start (samordnare), language → form → thanks in a loop, end with the PIN."""

from __future__ import annotations

import time
from datetime import date

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, logout_user

from ...extensions import db
from ...i18n import LANGUAGES, available_languages, qtext
from ...models import Account, Channel, Organisation, Role, Round
from ...questionnaire import RespondentKind
from ...services.accounts import verify_secret
from ...services.audit import record_audit
from ...services.kiosk import (
    count_kiosk_answer,
    end_kiosk_run,
    kiosk_rounds,
    kiosk_running,
    start_kiosk_run,
)
from ...services.questionnaires import current_version, current_versions, definition_of
from ...services.sessions import end_session
from ...services.throttle import pin_throttle
from ..access import current_scope, roles_required
from ..staff.forms import choices
from ..survey.answering import (
    CHANGE_LANGUAGE,
    AnsweringContext,
    offline_assets,
    render_language_choice,
    resend_ticket,
    shared_tablet_hooks,
    show_form,
    submit_form,
)
from . import blueprint
from .forms import PinForm, StartForm

#: the session key of kiosk mode (kept apart from the staff login's keys)
KIOSK = "kiosk"


shared_tablet_hooks(blueprint)


def participant_questionnaires() -> set[str]:
    return {
        key for key, version in current_versions().items()
        if definition_of(version).respondent is RespondentKind.PARTICIPANT
    }


class Kiosk:
    """The kiosk of this tablet, read from the session and checked against the database."""

    def __init__(self, state: dict):
        self.state = state
        self.account = db.session.get(Account, state.get("account", 0))
        self.round = db.session.get(Round, state.get("round", 0))
        self.organisation = db.session.get(Organisation, state.get("organisation", 0))

    @property
    def usable(self) -> bool:
        return (
            self.account is not None and self.account.active and self.round is not None
            and self.organisation is not None
            and self.organisation in self.account.organisations
            and self.round.covers(self.organisation.id)
            and kiosk_running(self.state.get("run"))
        )

    @property
    def assisted(self) -> bool:
        return bool(self.state.get("assisted"))


def end_tablet_kiosk() -> None:
    """Ends the kiosk of this tablet, if one runs (a staff login or a new kiosk on it): its
    tickets take no answer given from now on."""
    state = session.pop(KIOSK, None)
    if state:
        end_kiosk_run(state.get("run"))
        account = db.session.get(Account, state.get("account", 0))
        if account is not None:
            record_audit(account, "kiosk.end", f"{state.get('answers', 0)}")


def current_kiosk() -> Kiosk:
    """The running kiosk; without one, the tablet goes to the login page."""
    state = session.get(KIOSK)
    if not state:
        abort(redirect(url_for("auth.login")))
    kiosk = Kiosk(state)
    if not kiosk.usable:
        session.pop(KIOSK, None)
        abort(redirect(url_for("auth.login")))
    if not kiosk.round.accepts_answers(date.today()):
        abort(make_response(render_template("kiosk/closed.html"), 410))
    return kiosk


def _kiosk_values(kiosk: Kiosk) -> dict:
    return {
        "kiosk": {
            "idle": current_app.config["KIOSK_IDLE_SECONDS"],
            "home": url_for(".home"),
            "assisted": kiosk.assisted,
        },
        "offline": _offline(kiosk),
    }


def _offline(kiosk: Kiosk) -> dict:
    """What the service worker keeps of this kiosk for a tablet without network."""
    languages = available_languages(definition_of(current_version(kiosk.round.questionnaire_key)))
    return {"urls": [url_for(".home"), url_for(".end")]
            + [url_for(".answer", language=code) for code in languages]
            + [url_for(".saved", language=code) for code in languages]
            + offline_assets()}


@blueprint.route("/starta", methods=["GET", "POST"])
@roles_required(Role.SAMORDNARE)
def start():
    """The samordnare chooses round and organisation; the tablet then belongs to participants."""
    form = StartForm()
    organisations = list(current_user.organisations)
    form.organisation.choices = choices([(o.id, o.name) for o in organisations])
    rounds = kiosk_rounds({o.id for o in organisations}, participant_questionnaires(),
                          current_scope().project_id)
    titles = {key: qtext(definition_of(v).title) for key, v in current_versions().items()}
    form.round.choices = choices([(r.id, f"{titles.get(r.questionnaire_key, r.questionnaire_key)} – {r.name}")
                          for r in rounds])
    status = 200
    if form.validate_on_submit():
        round_ = db.session.get(Round, form.round.data)
        organisation = db.session.get(Organisation, form.organisation.data)
        if round_ not in rounds or organisation not in organisations or not round_.covers(organisation.id):
            abort(404)
        if not current_user.pin_hash:
            flash(_("Välj en PIN-kod först. Med den lämnar du kioskläget."))
            return redirect(url_for("auth.account", next=url_for(".start")) + "#pin")
        end_tablet_kiosk()
        run = start_kiosk_run(current_user)
        record_audit(current_user, "kiosk.start", f"{round_.name}: {organisation.name}")
        db.session.commit()
        state = {"run": run.id, "account": current_user.id, "round": round_.id,
                 "organisation": organisation.id, "assisted": bool(form.assisted.data),
                 "started": int(time.time()), "answers": 0}
        logout_user()  # the tablet is the participants' now: no staff pages behind the kiosk
        session[KIOSK] = state
        return redirect(url_for(".home"))
    elif form.is_submitted():
        status = 400
    return render_template("kiosk/start.html", form=form, rounds=rounds,
                           has_pin=bool(current_user.pin_hash)), status


@blueprint.get("/")
def home():
    """The language picker, shown to each new participant."""
    kiosk = current_kiosk()
    return render_language_choice(
        definition_of(current_version(kiosk.round.questionnaire_key)),
        lambda code: url_for(".answer", language=code),
        template="kiosk/language.html",
        **_kiosk_values(kiosk),
    )


def _context(kiosk: Kiosk, language: str) -> AnsweringContext:
    version = current_version(kiosk.round.questionnaire_key)
    return AnsweringContext(
        round=kiosk.round,
        organisation=kiosk.organisation,
        version=version,
        questionnaire=definition_of(version),
        action_url=url_for(".submit", language=language),
        languages_url=url_for(".home"),
        language=language,
        channel=Channel.ASSISTED.value if kiosk.assisted else Channel.SELF.value,
        switch_url=lambda code: url_for(".submit", language=code),
        page_url=lambda code: url_for(".answer", language=code),
        queueable=True,
        kiosk_tally=True,
        kiosk_run=kiosk.state.get("run"),
        extra={**_kiosk_values(kiosk), "idle_warning": True},
    )


@blueprint.get("/<language>")
def answer(language: str):
    kiosk = current_kiosk()
    ctx = _context(kiosk, language)
    if language not in available_languages(ctx.questionnaire):
        return redirect(url_for(".home"))
    return show_form(ctx)


@blueprint.post("/<language>")
def submit(language: str):
    kiosk = current_kiosk()
    ctx = _context(kiosk, language)
    if CHANGE_LANGUAGE in request.form and language not in available_languages(ctx.questionnaire):
        return redirect(url_for(".home"))

    def tally(response) -> None:
        if response is not None:
            count_kiosk_answer(kiosk.round, kiosk.organisation)

    page = submit_form(ctx, on_stored=tally)
    if page is not None:
        return page
    # a changed session cookie also keeps the browser from restoring the filled-in page
    # the thank-you page speaks the language the participant answered in
    session[KIOSK] = {**session[KIOSK], "answers": int(session[KIOSK].get("answers", 0)) + 1,
                      "thanks_language": language}
    return redirect(url_for(".thanks"))


@blueprint.get("/tack")
def thanks():
    kiosk = current_kiosk()
    language = session[KIOSK].get("thanks_language")
    if language in LANGUAGES:
        g.language = language
        refresh()
    return render_template("kiosk/thanks.html", **_kiosk_values(kiosk))


@blueprint.get("/sparat/<language>")
def saved(language: str):
    """Shown by the service worker when answers wait in the tablet for the network."""
    kiosk = current_kiosk()
    return render_template("survey/saved.html", **{**_kiosk_values(kiosk), "offline": None})


@blueprint.post("/stod")
def toggle_assisted():
    """The staff-assisted switch: answers from now on are recorded as given with help."""
    current_kiosk()
    session[KIOSK] = {**session[KIOSK], "assisted": request.form.get("assisted") == "1"}
    return redirect(url_for(".home"))


@blueprint.route("/avsluta", methods=["GET", "POST"])
def end():
    """Leaving kiosk mode takes the samordnare's PIN."""
    state = session.get(KIOSK)
    if not state:
        return redirect(url_for("auth.login"))
    kiosk = Kiosk(state)
    form = PinForm()
    error = None
    status = 200
    throttle_key = f"kiosk:{state.get('account')}:{state.get('started')}"
    if form.validate_on_submit():
        throttle = pin_throttle(current_app.config["SECRET_KEY"])
        attempt = throttle.begin(throttle_key)
        if attempt is None:
            db.session.commit()
            error = _("För många fel PIN-koder. Vänta en kvart och försök igen.")
            status = 429
        elif kiosk.account is not None and verify_secret(kiosk.account.pin_hash, form.pin.data):
            end_session()  # the tablet's session ends here; a copied cookie opens nothing
            end_kiosk_run(state.get("run"))
            throttle.reset(throttle_key)
            record_audit(kiosk.account, "kiosk.end", f"{state.get('answers', 0)}")
            db.session.commit()
            if request.form.get("held", "0").isdigit() and int(request.form.get("held", "0")) > 0:
                return _held_answers(kiosk)
            flash(_("Kioskläget är avslutat. Logga in för att fortsätta."))
            return redirect(url_for("auth.login"))
        else:
            error = _("Fel PIN-kod.")
            status = 401
    elif form.is_submitted():
        status = 400
    return render_template("kiosk/end.html", form=form, error=error, home=url_for(".home"),
                           kiosk={"idle": current_app.config["KIOSK_IDLE_SECONDS"],
                                  "home": url_for(".home")}, pending_answers=True), status


def _held_answers(kiosk: Kiosk):
    """After the PIN: the answers the tablet holds because the server refused them (their
    round closed meanwhile), with the open rounds they can be sent to and a download."""
    rounds = []
    if kiosk.account is not None and kiosk.organisation is not None and kiosk.round is not None:
        for round_ in kiosk_rounds({kiosk.organisation.id}, {kiosk.round.questionnaire_key},
                                   kiosk.round.project_id):
            rounds.append((round_, resend_ticket(kiosk.account.id, round_.id, kiosk.organisation.id)))
    return render_template("kiosk/held.html", rounds=rounds, organisation=kiosk.organisation)
