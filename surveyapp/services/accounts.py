"""Staff accounts: creating, disabling, passwords, one-time links and kiosk PINs.

Passwords and PINs are hashed with argon2id (memory-hard). One-time links carry 128 random
bits; only their sha256 is stored, so the database never holds a usable link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ..extensions import db
from ..models import Account, Organisation, Role
from ..models._time import utcnow
from ..questionnaire.characters import has_forbidden_character
from ..questionnaire.messages import N_
from .sessions import end_account_sessions

hasher = PasswordHasher()

#: how long a one-time link to set a password works
LINK_LIFETIME = timedelta(hours=72)
MIN_PASSWORD_LENGTH = 10
EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
PIN = re.compile(r"^[0-9]{4,8}$")

BAD_EMAIL = N_("”%(value)s” är ingen giltig e-postadress.")
EMAIL_TAKEN = N_("Det finns redan ett konto för %(value)s.")
NEEDS_ORGANISATION = N_("En samordnare måste höra till minst en organisation.")
SHORT_PASSWORD = N_("Lösenordet måste ha minst %(n)s tecken.")
BAD_PIN = N_("PIN-koden ska vara 4–8 siffror.")


class AccountError(Exception):
    """An account change was refused; ``msgid``/``params`` say why (translated by the caller)."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_secret(secret: str) -> str:
    return hasher.hash(secret)


def verify_secret(stored: str | None, given: str) -> bool:
    """True when ``given`` matches the argon2 hash ``stored``; never raises."""
    if not stored or not given:
        return False
    try:
        return hasher.verify(stored, given)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_account(email: str) -> Account | None:
    if has_forbidden_character(email or ""):
        return None  # no account has such an address, and the database must not see it
    return db.session.scalar(select(Account).filter_by(email=normalise_email(email)))


def create_account(email: str, role: Role | str, organisations: Iterable[Organisation] = (),
                   password: str | None = None, projects: Iterable | None = None) -> Account:
    """A new account; without a password it can only be used after its one-time link.
    ``projects``: those it is bound to (admin holds every one); None: the installation's
    project while there is only one."""
    email = normalise_email(email)
    role = Role(role)
    organisations = list(organisations)
    if not EMAIL.match(email):
        raise AccountError(BAD_EMAIL, value=email)
    if find_account(email) is not None:
        raise AccountError(EMAIL_TAKEN, value=email)
    account = Account(email=email, role=role.value)
    set_organisations(account, organisations)
    if projects is None:
        from ..models import Project

        only = list(db.session.scalars(select(Project).limit(2)))
        projects = only if len(only) == 1 else []
    account.projects = [] if role is Role.ADMIN else list(projects)
    if password is not None:
        set_password(account, password)
    db.session.add(account)
    db.session.flush()
    return account


def set_organisations(account: Account, organisations: Iterable[Organisation]) -> None:
    """The organisations a samordnare works for; other roles see every organisation and keep none."""
    organisations = list(organisations) if account.role == Role.SAMORDNARE else []
    if account.role == Role.SAMORDNARE and not organisations:
        raise AccountError(NEEDS_ORGANISATION)
    account.organisations = organisations


def set_password(account: Account, password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(SHORT_PASSWORD, n=MIN_PASSWORD_LENGTH)
    account.password_hash = hash_secret(password)
    account.reset_token_hash = None
    account.reset_expires_at = None
    if account.id is not None:
        end_account_sessions(account.id)  # the login that changed it starts a new session


def set_pin(account: Account, pin: str) -> None:
    if not PIN.match(pin or ""):
        raise AccountError(BAD_PIN)
    account.pin_hash = hash_secret(pin)


def authenticate(email: str, password: str) -> Account | None:
    """The active account with this e-mail and password, else None (same work either way)."""
    account = find_account(email)
    if account is None or not account.password_hash:
        # spend the same time as a real check, so timing does not tell which e-mails exist
        verify_secret(_dummy_hash(), password or "x")
        return None
    if not account.active or not verify_secret(account.password_hash, password):
        return None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_secret(password)
    account.last_login_at = utcnow()
    return account


def disable_account(account: Account) -> None:
    """The account can no longer log in, and a password link already sent stops working."""
    account.active = False
    account.reset_token_hash = None
    end_account_sessions(account.id)


def issue_reset_link(account: Account, now: datetime | None = None) -> str:
    """A new one-time token for setting the password; the old one stops working."""
    token = secrets.token_urlsafe(16)
    account.reset_token_hash = token_digest(token)
    account.reset_expires_at = (now or utcnow()) + LINK_LIFETIME
    db.session.flush()
    return token


def reset_account(account: Account, now: datetime | None = None) -> str:
    """An admin's reset: the old password and every login of the account end at once, and a
    new one-time link is the only way back in."""
    account.password_hash = None
    end_account_sessions(account.id)
    return issue_reset_link(account, now)


def account_for_reset(token: str, now: datetime | None = None) -> Account | None:
    """The account a one-time link belongs to, if the link is valid and unexpired."""
    if not token:
        return None
    account = db.session.scalar(select(Account).filter_by(reset_token_hash=token_digest(token)))
    if account is None or not account.active:
        return None
    if account.reset_expires_at is None or account.reset_expires_at < (now or utcnow()):
        return None
    return account


@cache
def _dummy_hash() -> str:
    """A hash of no one's password, made on the first login attempt rather than at import
    (hashing takes a second and 64 MB that commands and workers never need)."""
    return hasher.hash("not a password of anyone")
