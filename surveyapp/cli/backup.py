"""``surveyapp backup`` and ``surveyapp restore``: the whole database in one file and back.

Everything surveyapp keeps is in the database: answers, the register, accounts, the audit log,
read-aloud recordings and the files of background jobs. SQLite is copied with its online backup
API (safe while the server runs); PostgreSQL with ``pg_dump``'s custom format, read back with
``pg_restore``.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from ..extensions import db
from .common import fail

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write the whole database (recordings and job files included) to FILE."""
    if file.exists():
        fail(f"{file} exists already: choose a new file name (a backup never overwrites one)")
    url = _url()
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(url, file)
        else:
            _pg_run("pg_dump", url, "--format=custom", "--no-owner", "--no-privileges", f"--file={file}")
    except BaseException:
        file.unlink(missing_ok=True)  # never leave half a backup that looks like a whole one
        raise
    click.echo(f"Wrote {file} ({file.stat().st_size} bytes) from {_describe(url)}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(file: Path) -> None:
    """Read a file written by surveyapp backup into an empty database."""
    url = _url()
    with file.open("rb") as head:
        magic = head.read(len(SQLITE_MAGIC))
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite and not magic.startswith(SQLITE_MAGIC):
        fail(f"{file} is not a SQLite backup" + (" (it is PostgreSQL's)" if magic.startswith(PG_DUMP_MAGIC)
                                                 else "") + f"; this installation uses {_describe(url)}")
    if not sqlite and not magic.startswith(PG_DUMP_MAGIC):
        fail(f"{file} is not a PostgreSQL backup (pg_dump's custom format)"
             + (" (it is SQLite's)" if magic.startswith(SQLITE_MAGIC) else "")
             + f"; this installation uses {_describe(url)}")
    tables = inspect(db.engine).get_table_names()
    db.engine.dispose()
    if tables:
        fail(f"{_describe(url)} is not empty ({len(tables)} tables): restore into a new, empty database "
             "(docs/production.md, \"Backups\")")
    if sqlite:
        source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        target = sqlite3.connect(url.database)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        _pg_run("pg_restore", url, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                str(file))
    click.echo(f"Restored {file} into {_describe(url)}. Run `surveyapp init` if this version is newer "
               "than the backup's.")


def _url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _describe(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database}"
    return f"the PostgreSQL database {url.database} on {url.host or 'localhost'}:{url.port or 5432}"


def _sqlite_backup(url: URL, file: Path) -> None:
    if not url.database or not Path(url.database).exists():
        fail(f"there is no SQLite database at {url.database}: nothing to back up")
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
    target = sqlite3.connect(file)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def pg_client(name: str) -> str | None:
    """``pg_dump`` or ``pg_restore``: the newest of Debian's versioned ones, else the one on PATH."""
    versioned = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                       key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0)
    return versioned[-1] if versioned else shutil.which(name)


def _pg_run(name: str, url: URL, *arguments: str) -> None:
    """Runs a PostgreSQL client against ``url``; the password goes in the environment, never on
    the command line where other users of the machine could read it."""
    program = pg_client(name)
    if program is None:
        fail(f"{name} is not installed: install PostgreSQL's client programs (Debian: "
             "`apt-get install postgresql-client`, the same major version as the server or newer)")
    env = {**os.environ, "PGHOST": url.host or "localhost", "PGPORT": str(url.port or 5432)}
    if url.username:
        env["PGUSER"] = url.username
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    command = [program, f"--dbname={url.database or ''}", *arguments]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = (done.stderr.strip() or done.stdout.strip() or "no message").splitlines()
        fail(f"{name} failed ({_describe(url)}): " + " / ".join(message[:3]))
