from __future__ import annotations

import enum
import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .organisations import Organisation
from .projects import Project, project_members


class Role(enum.StrEnum):
    """What a staff account may do: admin manages accounts and projects, projektledning sees
    every kommun of its projects and runs rounds, a samordnare works for the organisations bound
    to the account in its projects, styrgrupp reads its projects' goal tables and reports."""

    ADMIN = "admin"
    PROJEKTLEDNING = "projektledning"
    SAMORDNARE = "samordnare"
    STYRGRUPP = "styrgrupp"


#: the organisations a samordnare works for
account_organisations = Table(
    "account_organisations",
    db.Model.metadata,
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class Account(UserMixin, db.Model):
    """A staff member who logs in. Participants never have an account."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'projektledning', 'samordnare', 'styrgrupp')", name="role"),
        CheckConstraint("email = lower(email)", name="email_lower"),
    )

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the login name, stored in lower case
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: argon2id hash of the password; empty until the account's one-time link is used
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: admin, projektledning, samordnare or styrgrupp
    role: Mapped[str] = mapped_column(String(20))
    #: a disabled account cannot log in and its sessions end at their next request
    active: Mapped[bool] = mapped_column(default=True)
    #: sha256 of the one-time link that sets a new password (never the link itself)
    reset_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: when that link stops working
    reset_expires_at: Mapped[datetime | None]
    #: argon2id hash of the PIN that ends kiosk mode on a tablet
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    #: when the account was made
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the last successful login
    last_login_at: Mapped[datetime | None]
    #: the language of the staff pages ("sv" or "en"); empty: the browser's
    language: Mapped[str | None] = mapped_column(String(5))

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=account_organisations, order_by=Organisation.name
    )
    #: the projects the account is bound to (admin holds every project without)
    projects: Mapped[list[Project]] = relationship(secondary=project_members, order_by=Project.name)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def login_fingerprint(self) -> str:
        """Changes with the password, so a new password ends every other login."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    def get_id(self) -> str:  # what Flask-Login keeps in the session cookie
        return f"{self.id}:{self.login_fingerprint}"

    @property
    def account_role(self) -> Role:
        return Role(self.role)

    @property
    def sees_all_organisations(self) -> bool:
        return self.account_role in (Role.ADMIN, Role.PROJEKTLEDNING, Role.STYRGRUPP)

    @property
    def sees_persons(self) -> bool:
        """False for styrgrupp: figures only, nothing per person."""
        return self.account_role is not Role.STYRGRUPP

    def __repr__(self) -> str:
        return f"<Account {self.email!r} {self.role}>"
