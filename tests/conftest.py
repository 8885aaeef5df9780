"""Fixtures: the app on a fresh database (SQLite always, PostgreSQL when one answers).

Every test that takes ``app`` runs once per backend. SQLite gets a new file per test,
copied from one built with ``alembic upgrade head``; PostgreSQL gets one throw-away
database per run, migrated once, and each test runs inside a SAVEPOINT that is rolled back.
"""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, text

from surveyapp import create_app
from surveyapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("SURVEYAPP_TEST_POSTGRES", "postgresql+psycopg://127.0.0.1:5432/postgres")

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "SERVER_NAME": "surveyapp.test",
    "PUBLIC_URL": "http://surveyapp.test",
}


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """The app reads compiled .mo catalogs; a clean checkout has only the .po files."""
    from surveyapp.translations import compile_catalogs

    compile_catalogs(ROOT / "translations")


def _pg_admin_engine():
    return create_engine(PG_SERVER, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def _postgres_available() -> str | None:
    """None when a PostgreSQL server answers, else why not."""
    engine = _pg_admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        return f"no PostgreSQL server answers at {PG_SERVER} ({type(exc).__name__})"
    finally:
        engine.dispose()


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        from surveyapp.services.questionnaires import sync_questionnaires

        sync_questionnaires(app.config["QUESTIONNAIRE_DIR"])
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}))
    return path


@contextmanager
def private_postgres(prefix: str, skipped: str = "PostgreSQL tests skipped"):
    """The URL of a new, migrated PostgreSQL database named ``prefix_<random>``, dropped at the
    end; the test is skipped (``skipped``: why) when no server answers."""
    reason = _postgres_available()
    if reason:
        pytest.skip(f"{skipped}: {reason}")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_SERVER.rsplit("/", 1)[0] + "/" + name
    try:
        _migrate(create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url}))
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A throw-away PostgreSQL database for this run, migrated once; dropped at the end."""
    with private_postgres("surveyapp_test") as url:
        yield url


class _JoinedSession(FlaskSession):
    """A session bound to the test's connection rather than to the engine."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, request, tmp_path):
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        application = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with application.app_context():
            yield application
            db.session.remove()
            db.engine.dispose()
        return

    url = request.getfixturevalue("postgres_url")
    # the whole test is one transaction on one connection: a job cannot run in another thread
    application = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "JOB_RUNNER": "inline"})
    with application.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.session.remove()
        original = db.session
        # every session of this test (the test's and each request's) joins the outer
        # transaction; their commits only release savepoints
        db.session = db._make_scoped_session(
            {"class_": _JoinedSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield application
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def committed_postgres():
    """A PostgreSQL database of its own, where requests really commit (for races)."""
    with private_postgres("surveyapp_race") as url:
        yield create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
