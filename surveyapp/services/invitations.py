"""Single-use invitation links: made in batches, shown once, marked used with the answers.

A token carries 128 random bits and only its sha256 is stored, so the links exist in
plain text only on the page (or e-mails) where they are handed out.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select, update

from ..extensions import db
from ..models import Invitation, Organisation, Round


class InvitationUsed(Exception):
    """Answers were already stored through this invitation."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    #: the plain token; it is not stored anywhere
    token: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitations(round_: Round, organisation: Organisation, role: str | None,
                       count: int, emailed: bool = False) -> list[IssuedInvitation]:
    issued = []
    for _ in range(count):
        token = secrets.token_urlsafe(16)  # 16 bytes = 128 random bits
        invitation = Invitation(round=round_, organisation=organisation, role=role,
                                token_hash=digest(token), emailed=emailed)
        db.session.add(invitation)
        issued.append(IssuedInvitation(invitation, token))
    db.session.flush()
    return issued


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Invitation).filter_by(token_hash=digest(token)))


def mark_used(invitation: Invitation) -> None:
    """Marks the invitation used, or raises :class:`InvitationUsed` when it already was.

    A conditional UPDATE: of two transactions racing on one link, the second waits for
    the first's row lock, then finds ``used`` set and changes nothing.
    """
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used.is_(False))
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise InvitationUsed()


def send_invitation_mails(config: Mapping, recipients: Sequence[tuple[str, str]], subject: str,
                          body: str) -> list[tuple[str, str]]:
    """Sends ``body`` (with ``%(link)s``) to each (address, link) over SMTP.

    Raises when no connection to the server can be made (nothing was sent). Otherwise returns
    the (address, reason) of every message the server did not take; the others were sent.
    """
    failed: list[tuple[str, str]] = []
    smtp = smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=20)
    try:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        for address, link in recipients:
            message = EmailMessage()
            message["From"] = config["MAIL_FROM"]
            message["To"] = address
            message["Subject"] = subject
            message.set_content(body % {"link": link})
            try:
                smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                code, reason = next(iter(exc.recipients.values()))
                failed.append((address, f"{code} {reason.decode(errors='replace')}"))
            except (smtplib.SMTPException, OSError) as exc:
                failed.append((address, type(exc).__name__))
    finally:
        # the messages are out once the server took them; a failed goodbye changes nothing
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return failed
