"""Sessions held on the server: Flask's ``session`` keeps working, the cookie holds a random id.

A session is stored only once a request writes to it. Logging in or out gives it a new id
(the old one stops working), :func:`end_session` ends the current one and
:func:`end_account_sessions` every session of an account. A staff login ends at the latest
``STAFF_SESSION_HOURS`` after it began; other sessions after ``SESSION_IDLE_HOURS`` without a
write. Expired rows are deleted as new sessions are stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, Request, Response
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession, SessionInterface
from sqlalchemy import bindparam, delete, select, update

from ..errors import DATABASE_UNAVAILABLE
from ..extensions import db
from ..models import StoredSession
from ..models._time import utcnow
from .kiosk import end_account_kiosks

#: the key Flask-Login keeps the logged-in account under
USER_KEY = "_user_id"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account_id(user_key: str | None) -> int | None:
    head = (user_key or "").partition(":")[0]
    return int(head) if head.isdigit() else None


class ServerSession(SecureCookieSession):
    """The session's values plus what the server knows about its stored row."""

    def __init__(self, initial=None, token: str | None = None, expires_at: datetime | None = None,
                 expired: bool = False):
        super().__init__(initial or {})
        self.token = token
        self.expires_at = expires_at
        self.login_key = (initial or {}).get(USER_KEY)
        #: the cookie named a session that had ended (for "you were logged out" messages)
        self.expired = expired
        self.ended = False
        #: the database could not be reached to read it (raised again once the request's
        #: endpoint is known, so that the error page can keep a participant's answers)
        self.unavailable: Exception | None = None


class ServerSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        try:
            return self._open(app, request)
        except DATABASE_UNAVAILABLE as exc:
            with contextlib.suppress(Exception):
                db.session.rollback()
            session = ServerSession()
            session.unavailable = exc
            return session

    def _open(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 128:
            return ServerSession()
        # a plain row, not an ORM object: read on every request
        row = db.session.connection().execute(_READ, {"id": _digest(token)}).first()
        if row is None:
            return ServerSession()
        if row.expires_at <= utcnow():
            staff = row.account_id is not None
            db.session.execute(delete(_table).where(_table.c.id == _digest(token)))
            db.session.commit()
            return ServerSession(expired=staff)
        try:
            data = self.serializer.loads(row.data)
        except ValueError:
            data = {}
        return ServerSession(data, token=token, expires_at=row.expires_at)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if session.unavailable is not None:
            return
        try:
            self._save(app, session, response)
        except DATABASE_UNAVAILABLE:
            with contextlib.suppress(Exception):
                db.session.rollback()
            if not response.is_sequence or not 200 <= response.status_code < 300:
                return  # a redirect after committed work, or an error page already
            # a page whose session could not be kept (its form's CSRF token, a new turn) would
            # fail when sent: the service is away for this request as for any other
            from ..errors import render_error

            body, _code = render_error(503)
            response.set_data(body)
            response.status_code = 503
            response.headers["Retry-After"] = "30"
            response.headers["Cache-Control"] = "no-store"

    def _save(self, app: Flask, session: ServerSession, response: Response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if session.accessed:
            response.vary.add("Cookie")
        user_key = session.get(USER_KEY)
        new_identity = user_key != session.login_key
        if not session.modified and not session.ended and not new_identity:
            return
        if session.token is not None and (session.ended or new_identity or not session):
            # a login, a logout or an ended session: the old id stops working
            db.session.execute(delete(StoredSession).where(StoredSession.id == _digest(session.token)))
            session.token = None
        if not session:
            db.session.commit()
            if request_had_cookie(name):
                response.delete_cookie(name, domain=domain, path=path,
                                       secure=self.get_cookie_secure(app),
                                       httponly=self.get_cookie_httponly(app),
                                       samesite=self.get_cookie_samesite(app))
            return
        now = utcnow()
        account_id = _account_id(user_key)
        expires_at = _expiry(app, session, account_id, now)
        data = self.serializer.dumps(dict(session))
        if session.token is None:
            session.token = secrets.token_urlsafe(32)
            db.session.execute(delete(StoredSession).where(StoredSession.expires_at <= now))
            db.session.add(StoredSession(id=_digest(session.token), account_id=account_id,
                                         data=data, created_at=now, expires_at=expires_at))
        else:
            # one UPDATE, no read first: a row ended meanwhile (a new password elsewhere)
            # matches nothing and is not revived
            if not _update(session, data, account_id, expires_at):
                db.session.commit()
                response.delete_cookie(name, domain=domain, path=path)
                return
        db.session.commit()
        session.expires_at = expires_at
        response.set_cookie(
            name,
            session.token,
            expires=expires_at if session.permanent else None,
            httponly=self.get_cookie_httponly(app),
            domain=domain,
            path=path,
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
        )


_table = StoredSession.__table__
#: the statements of every request, built once
_READ = select(_table.c.account_id, _table.c.data, _table.c.expires_at).where(_table.c.id == bindparam("id"))
#: (the columns to set come as parameters of their own names)
_UPDATE = update(_table).where(_table.c.id == bindparam("session_id"))


def _update(session: ServerSession, data: str, account_id: int | None, expires_at: datetime) -> bool:
    """Writes a stored session's row; False when it has ended meanwhile (nothing is revived)."""
    return bool(db.session.connection().execute(_UPDATE, {
        "session_id": _digest(session.token), "data": data, "account_id": account_id,
        "expires_at": expires_at}).rowcount)


def _expiry(app: Flask, session: ServerSession, account_id: int | None, now: datetime) -> datetime:
    if account_id is None:
        return now + timedelta(hours=app.config["SESSION_IDLE_HOURS"])
    if session.expires_at is not None and _account_id(session.login_key) == account_id:
        return session.expires_at  # the same login goes on (a new password keeps its end)
    return now + timedelta(hours=app.config["STAFF_SESSION_HOURS"])


def write_in_transaction() -> None:
    """Writes the changed session in the caller's transaction, so that one commit stores the
    caller's rows and the session (the end of the request then writes nothing for it).

    Only a stored session whose login stays the same is written so: a new session needs its
    cookie, and a login, a logout or an emptied session are left to the end of the request.
    """
    from flask import current_app, session

    if (not isinstance(session, ServerSession) or session.unavailable is not None
            or session.token is None or not session.modified or session.ended or not session
            or session.permanent or session.get(USER_KEY) != session.login_key):
        return
    account_id = _account_id(session.login_key)
    expires_at = _expiry(current_app, session, account_id, utcnow())
    data = ServerSessionInterface.serializer.dumps(dict(session))
    # a row ended meanwhile is left to the end of the request, which forgets its cookie
    if _update(session, data, account_id, expires_at):
        session.modified = False
        session.expires_at = expires_at


def request_had_cookie(name: str) -> bool:
    from flask import request

    return name in request.cookies


def end_session() -> None:
    """Ends the current session: its id stops working and its values go."""
    from flask import session

    session.clear()
    if isinstance(session, ServerSession):
        session.ended = True


def end_account_sessions(account_id: int) -> None:
    """Ends every session of the account, on every computer, and its running kiosks
    (flushes; the caller commits)."""
    db.session.execute(delete(StoredSession).where(StoredSession.account_id == account_id))
    end_account_kiosks(account_id)


def _raise_if_unavailable() -> None:
    from flask import session

    if isinstance(session, ServerSession) and session.unavailable is not None:
        raise session.unavailable


def init_app(app: Flask) -> None:
    app.config.setdefault("STAFF_SESSION_HOURS", 10)
    app.config.setdefault("SESSION_IDLE_HOURS", 24)
    app.session_interface = ServerSessionInterface()
    # before every other hook (the CSRF check reads the session)
    app.before_request_funcs.setdefault(None, []).insert(0, _raise_if_unavailable)
