"""The application factory: it only wires the pieces together."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config
from .extensions import babel, csrf, db


def create_app(test_config: Mapping[str, Any] | None = None, *, web: bool = True) -> Flask:
    """The application. ``web=False`` is the command line's: without the pages (only the login's,
    which links printed by commands lead to) and their analysis imports, so it starts at once."""
    app = Flask(__name__, instance_relative_config=True)
    instance = Path(app.instance_path)
    app.config.update(config.defaults(instance))
    app.config.update(config.from_environment(instance))
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config.database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance.mkdir(parents=True, exist_ok=True)

    trust_proxies(app)
    register_extensions(app)
    if web:
        register_migrations(app)
        register_blueprints(app)
        register_errorhandlers(app)
        register_commands(app)
    else:
        from .web.auth import blueprint as auth

        app.register_blueprint(auth)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind ``PROXIES`` reverse proxies, the client's address (for the login throttle), the
    scheme and the host come from their X-Forwarded-* headers; with none, those headers are
    ignored, so a client cannot pose as another address."""
    n = int(app.config["PROXIES"] or 0)
    if n:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def register_extensions(app: Flask) -> None:
    from . import i18n
    from .services import report_cache, sessions
    from .web import access, headers, input

    db.init_app(app)
    sessions.init_app(app)
    report_cache.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    access.init_app(app)
    input.init_app(app)
    headers.init_app(app)


def register_migrations(app: Flask) -> None:
    """Alembic through Flask-Migrate (``surveyapp init``, tests, the ``db`` commands); the command
    line's app registers it only for the command that migrates, as Alembic is slow to import."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(config.ROOT / "migrations"), render_as_batch=True)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, use the write-ahead log (readers never block) and lower-case
    like PostgreSQL."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        # SQLite's own lower() knows only A–Z; names such as Örebro need the whole alphabet
        dbapi_connection.create_function(
            "lower", 1, lambda text: text.lower() if isinstance(text, str) else text, deterministic=True
        )
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from .web.auth import blueprint as auth
    from .web.interpreter import blueprint as interpreter
    from .web.invitations import blueprint as invitations
    from .web.kiosk import blueprint as kiosk
    from .web.main import blueprint as main
    from .web.reports import blueprint as reports
    from .web.staff import blueprint as staff
    from .web.survey import blueprint as survey
    from .web.translator import blueprint as translator

    app.register_blueprint(main)
    app.register_blueprint(survey)
    app.register_blueprint(auth)
    app.register_blueprint(staff)
    app.register_blueprint(invitations)
    app.register_blueprint(kiosk)
    app.register_blueprint(reports)
    app.register_blueprint(interpreter)
    app.register_blueprint(translator)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
