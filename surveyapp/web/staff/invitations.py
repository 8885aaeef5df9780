"""Single-use invitations of a round: made in a batch and handed out once, as a list,
a CSV file, a printable sheet with QR codes or e-mails."""

from __future__ import annotations

import base64
import csv
import io
import smtplib

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...exports.csv_text import neutralise
from ...extensions import db
from ...questionnaire import RespondentKind
from ...services.audit import record_audit
from ...services.invitations import create_invitations, send_invitation_mails
from ...services.questionnaires import current_versions, definition_of
from ..links import public_url
from ..qr import qr_svg
from . import blueprint
from .forms import InvitationForm, choices
from .rounds import round_organisations, visible_round

EMAIL_SPLIT = (",", ";", " ", "\t")


def invitation_url(token: str) -> str:
    return public_url() + url_for("invitations.choose_language", token=token)


def _csv_data_uri(rows: list[tuple[str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("organisation"), _("roll"), _("länk")])
    writer.writerows([neutralise(v) for v in row] for row in rows)
    data = base64.b64encode(("\ufeff" + out.getvalue()).encode()).decode()
    return f"data:text/csv;charset=utf-8;base64,{data}"


def _emails(text: str) -> tuple[list[str], list[str]]:
    """The addresses in a pasted list, and the entries that are not addresses."""
    for sep in EMAIL_SPLIT:
        text = text.replace(sep, "\n")
    entries = [e.strip() for e in text.splitlines() if e.strip()]
    good = [e for e in entries if e.count("@") == 1 and "." in e.split("@")[1]]
    return list(dict.fromkeys(good)), [e for e in entries if e not in good]


#: the session key listing the invitation forms already used (the latest few)
BATCHES = "invitation_batches"


def _remember(batch: str) -> None:
    if batch:
        session[BATCHES] = [*session.get(BATCHES, []), batch][-20:]


@blueprint.post("/mattillfallen/<int:round_id>/inbjudningar")
def invitations_new(round_id: int):
    round_ = visible_round(round_id)
    version = current_versions().get(round_.questionnaire_key)
    questionnaire = definition_of(version) if version else None
    if questionnaire is None or questionnaire.respondent is not RespondentKind.STAFF:
        abort(404)
    back = url_for(".round_page", round_id=round_.id) + "#inbjudningar"
    if round_.state != "open":
        flash(_("Mättillfället är stängt. Öppna det innan du skapar inbjudningar."))
        return redirect(back)
    organisations = {o.id: o for o in round_organisations(round_)}
    form = InvitationForm()
    form.organisation.choices = choices([(o.id, o.name) for o in organisations.values()])
    form.role.choices = choices([("", "")] + [(r, r) for r in questionnaire.role_codes])
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error)
        return redirect(back)
    batch = form.batch.data or ""
    made = session.get(BATCHES, [])
    if batch in made:
        flash(_("De här inbjudningarna är redan skapade, så inga nya skapades. "
                "Fyll i formuläret igen om du behöver fler."))
        return redirect(back)
    organisation = organisations[form.organisation.data]
    role = form.role.data or None
    addresses, bad = _emails(form.emails.data or "") if current_app.config.get("SMTP_HOST") else ([], [])
    if bad:
        flash(_("Det här är inga e-postadresser: %(list)s. Inga inbjudningar skapades.", list=", ".join(bad)))
        return redirect(back)
    if not addresses and not form.count.data:
        flash(_("Skriv hur många länkar du vill ha, eller klistra in e-postadresser."))
        return redirect(back)

    if addresses:
        issued = create_invitations(round_, organisation, role, len(addresses), emailed=True)
        title = questionnaire.title
        body = _("Hej!\n\nDu är inbjuden att svara på enkäten %(title)s (%(round)s) för %(org)s. "
                 "Svaren är anonyma. Länken är personlig och går att svara med en gång:\n\n"
                 "%%(link)s\n\nTack för din medverkan!",
                 title=title, round=round_.name, org=organisation.name)
        by_address = dict(zip(addresses, issued, strict=True))
        try:
            failed = send_invitation_mails(
                current_app.config,
                [(a, invitation_url(i.token)) for a, i in by_address.items()],
                _("Enkät: %(title)s – %(round)s", title=title, round=round_.name),
                body,
            )
        except (smtplib.SMTPException, OSError) as exc:
            failed = [(a, type(exc).__name__) for a in addresses]
        if failed:
            current_app.logger.warning("invitation e-mail failed for %s of %s", len(failed), len(addresses))
        if len(failed) == len(addresses):
            db.session.rollback()
            flash(_("E-posten kunde inte skickas (%(error)s). Inga inbjudningar skapades.",
                    error=failed[0][1]))
            return redirect(back)
        # a link nobody received is no invitation: it is not kept
        for address, _reason in failed:
            db.session.delete(by_address[address].invitation)
        sent = len(addresses) - len(failed)
        record_audit(current_user, "invitations.email",
                     f"{round_.name}: {organisation.name} {role or ''} – {sent}".strip())
        db.session.commit()
        _remember(batch)
        flash(_("%(n)s inbjudningar är skickade med e-post.", n=sent))
        if failed:
            flash(_("De här adresserna fick ingen inbjudan, och ingen länk skapades för dem: %(list)s. "
                    "Rätta dem och skicka igen.",
                    list="; ".join(f"{address} ({reason})" for address, reason in failed)))
        return redirect(back)

    issued = create_invitations(round_, organisation, role, form.count.data)
    record_audit(current_user, "invitations.create",
                 f"{round_.name}: {organisation.name} {role or ''} – {len(issued)}".strip())
    db.session.commit()
    _remember(batch)
    role_label = next((r.label for r in questionnaire.roles if r.code == role), "") if role else ""
    links = [invitation_url(i.token) for i in issued]
    page = render_template(
        "staff/invitations_created.html",
        round=round_,
        questionnaire=questionnaire,
        organisation=organisation,
        role_label=role_label,
        links=links,
        qr=qr_svg,
        csv_uri=_csv_data_uri([(organisation.name, role or "", link) for link in links]),
        csv_name=f"inbjudningar-{organisation.name}-{round_.name}.csv".replace(" ", "-"),
    )
    return page, 200, {"Cache-Control": "no-store"}
