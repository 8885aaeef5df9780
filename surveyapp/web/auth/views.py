"""Logging in and out, changing one's password and kiosk PIN, and one-time links."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from ...extensions import db
from ...services.accounts import (
    account_for_reset,
    authenticate,
    normalise_email,
    set_password,
    set_pin,
    verify_secret,
)
from ...services.audit import record_audit
from ...services.sessions import end_session
from ...services.throttle import LoginThrottle, Refused
from ..access import mark_seen
from . import blueprint
from .forms import ChangePasswordForm, LanguageForm, LoginForm, PinForm, SetPasswordForm


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site; never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_url() -> str:
    return url_for("staff.home")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url())
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    error = None
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        address = request.remote_addr or ""
        throttle = LoginThrottle(current_app.config["SECRET_KEY"])
        attempt = throttle.begin(email, address)
        if isinstance(attempt, Refused):
            record_audit(email, "login.throttled", "")
            db.session.commit()
            if attempt.wait_seconds <= 90:
                error = _("För många misslyckade försök från den här datorn. Vänta %(n)s sekunder "
                          "och försök igen.", n=attempt.wait_seconds)
            else:
                error = _("För många misslyckade försök från den här datorn. Vänta %(n)s minuter "
                          "och försök igen.", n=-(-attempt.wait_seconds // 60))
            status = 429
        else:
            account = authenticate(email, form.password.data)
            if account is None:
                record_audit(email, "login.failed", "")
                db.session.commit()
                error = _("Fel e-post eller lösenord.")
                status = 401
            else:
                throttle.succeed(attempt)
                # imported here: the kiosk's views load the staff pages, which the command line
                # (the login page's only other user) does not need
                from ..kiosk.views import end_tablet_kiosk

                end_tablet_kiosk()  # a staff login on a kiosk tablet ends the kiosk (PIN or not)
                login_user(account)
                session.permanent = True
                mark_seen()
                record_audit(account, "login", "")
                db.session.commit()
                return redirect(_safe_next(form.next.data) or home_url())
    elif request.method == "POST":
        status = 400
    expired = request.args.get("expired") or getattr(g, "staff_session_expired", False)
    return render_template("auth/login.html", form=form, error=error, expired=expired), status


@blueprint.post("/logout")
@login_required
def logout():
    record_audit(current_user, "logout", "")
    db.session.commit()
    logout_user()
    end_session()
    flash(_("Du är utloggad."))
    return redirect(url_for(".login"))


@blueprint.route("/konto", methods=["GET", "POST"])
@login_required
def account():
    """The logged-in user's own password, kiosk PIN and language."""
    password_form = ChangePasswordForm(prefix="pw")
    pin_form = PinForm(prefix="pin")
    language_form = LanguageForm(prefix="lang")
    if request.method == "GET":
        language_form.language.data = current_user.language or ""
    status = 200
    action = request.form.get("action")
    if action == "language" and language_form.validate_on_submit():
        current_user.language = language_form.language.data or None
        db.session.commit()
        refresh()  # this very answer already speaks the new language
        flash(_("Språket är sparat."))
        return redirect(url_for(".account"))
    if action == "password" and password_form.validate_on_submit():
        if not verify_secret(current_user.password_hash, password_form.current_password.data):
            password_form.current_password.errors.append(_("Fel lösenord."))
            status = 400
        else:
            account = current_user._get_current_object()
            set_password(account, password_form.new_password.data)
            record_audit(account, "account.password", "")
            db.session.commit()
            login_user(account)  # this login goes on; logins elsewhere end with the old password
            flash(_("Ditt lösenord är bytt."))
            return redirect(url_for(".account"))
    elif action == "pin" and pin_form.validate_on_submit():
        if not verify_secret(current_user.password_hash, pin_form.pin_password.data):
            pin_form.pin_password.errors.append(_("Fel lösenord."))
            status = 400
        else:
            set_pin(current_user, pin_form.pin.data)
            record_audit(current_user, "account.pin", "")
            db.session.commit()
            flash(_("Din PIN-kod för kioskläget är sparad."))
            return redirect(_safe_next(request.args.get("next")) or url_for(".account"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/account.html", password_form=password_form, pin_form=pin_form,
                           language_form=language_form), status


@blueprint.route("/losenord/<token>", methods=["GET", "POST"])
def set_password_with_link(token: str):
    """A one-time link from an admin: the account's owner chooses a password."""
    account = account_for_reset(token)
    if account is None:
        return render_template(
            "error.html", code=404,
            message=_("Länken gäller inte längre. Be en administratör om en ny länk."),
        ), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        set_password(account, form.new_password.data)
        record_audit(account, "account.password_link", "")
        db.session.commit()
        logout_user()
        flash(_("Ditt lösenord är sparat. Logga in med det."))
        return redirect(url_for(".login"))
    status = 400 if request.method == "POST" else 200
    page = render_template("auth/set_password.html", form=form, account=account)
    return page, status, {"Cache-Control": "no-store"}
