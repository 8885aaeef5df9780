"""One clear line for a database the command line cannot use: not there, not answering, a wrong
password, or without surveyapp's tables."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

SETUP = "see docs/production.md, \"The database\""


def explain(exc: DBAPIError, url: str | URL | None = None) -> str:
    """What is wrong with the database behind ``exc`` and what to do, without the password."""
    url = make_url(url or current_app.config["SQLALCHEMY_DATABASE_URI"])
    detail = str(getattr(exc, "orig", None) or exc).strip()
    if url.get_backend_name() == "sqlite":
        return _sqlite(url, detail)
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    name, user = url.database or "", url.username or ""
    lowered = detail.lower()
    if found := re.search(r'database "([^"]+)" does not exist', detail):
        return (f"the database {found[1]} does not exist on {where}: create it with "
                f"`sudo -u postgres createdb --owner {user or 'surveyapp'} {found[1]}` ({SETUP})")
    if found := re.search(r'role "([^"]+)" does not exist', detail):
        return (f"the role {found[1]} does not exist on {where}: create it with "
                f"`sudo -u postgres createuser --pwprompt {found[1]}` ({SETUP})")
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return (f"PostgreSQL on {where} refused the password of {user or 'the user'}: check the password "
                "in DATABASE_URL (the environment file)")
    if any(text in lowered for text in ("connection refused", "could not connect", "timeout expired",
                                        "could not translate host name", "name or service not known",
                                        "no route to host", "connection timed out")):
        return (f"no PostgreSQL server answers at {where}: is it running, and are the host and port "
                "in DATABASE_URL right?")
    if re.search(r'relation "[^"]+" does not exist', detail):
        return f"the database {name} on {where} has no surveyapp tables yet: run `surveyapp init`"
    return f"the database {name} on {where} cannot be used: {_first_line(detail)}"


def _sqlite(url: URL, detail: str) -> str:
    path = url.database or ":memory:"
    if "no such table" in detail:
        return f"the SQLite database {path} has no surveyapp tables yet: run `surveyapp init`"
    if "unable to open database file" in detail:
        return (f"the SQLite database {path} cannot be opened: does its folder exist, and may this user "
                "write it?")
    return f"the SQLite database {path} cannot be used: {_first_line(detail)}"


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else "no reason given"
