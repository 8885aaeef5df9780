"""Settings: defaults here, overridden by the environment, overridden by a test mapping."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(url: str) -> str:
    """Uses psycopg 3 for PostgreSQL URLs given in their plain form."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(instance: Path) -> str:
    """A per-installation key kept in instance/, so sessions survive a restart."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def defaults(instance: Path) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'surveyapp.db'}",
        "QUESTIONNAIRE_DIR": str(ROOT / "questionnaires"),
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        # a survey form is small; a larger body is refused before it is parsed
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "SMALL_CELL_THRESHOLD": 5,
        # a failed statement's values (answers) never reach an error message or the log
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # the site's address as users reach it (links printed, e-mailed, in QR codes); unset: pages
        # use the address of the request, and commands say that they cannot print whole links
        "PUBLIC_URL": None,
        # staff logins end after this many minutes without a request
        "STAFF_IDLE_MINUTES": 30,
        # and at the latest this many hours after they began
        "STAFF_SESSION_HOURS": 10,
        # a participant's or kiosk tablet's session ends after this many hours without a write
        "SESSION_IDLE_HOURS": 24,
        # a kiosk tablet goes back to the language picker after this long untouched
        "KIOSK_IDLE_SECONDS": 180,
        # invitations are e-mailed when SMTP_HOST is set
        "SMTP_HOST": None,
        "SMTP_PORT": 25,
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        "SMTP_STARTTLS": False,
        "MAIL_FROM": "surveyapp@localhost",
        # how many reverse proxies stand in front and set X-Forwarded-For/-Proto/-Host
        "PROXIES": 0,
        # read-aloud recordings: largest upload and longest recording accepted
        "AUDIO_MAX_BYTES": 5 * 1000 * 1000,
        "AUDIO_MAX_SECONDS": 120,
        # an interpreter's link may ask for its recordings to be published; projektledning or an
        # admin then approves each on the recording page. False: the link publishes at once
        "INTERPRETER_PUBLISH_NEEDS_APPROVAL": True,
        # answers one address may store through one open link in an hour
        "OPEN_LINK_POSTS_PER_HOUR": 60,
        # translations one address may save through one translator's link in an hour
        "TRANSLATOR_POSTS_PER_HOUR": 600,
        # recordings (and publishing, removing) one address may post through one interpreter's
        # link in an hour
        "INTERPRETER_POSTS_PER_HOUR": 300,
        # background jobs (Excel exports): an RQ queue on this Redis when set, else threads
        # in the web process; Redis also holds the report cache then, shared by every server
        "REDIS_URL": None,
        # the prefix of this installation's queue and keys in Redis
        "REDIS_PREFIX": "surveyapp",
        # "thread", "rq" or "inline"; empty: "rq" with REDIS_URL, else "thread"
        "JOB_RUNNER": None,
        # job threads per web process (the in-process runner)
        "JOB_THREADS": 2,
        # a job and its file are deleted this many hours after it began
        "JOB_KEEP_HOURS": 24,
        # a job that has not reported for this long is shown as failed (its process ended)
        "JOB_STALE_MINUTES": 30,
        # an RQ worker stops a job after this long
        "JOB_TIMEOUT_SECONDS": 3600,
        # reports kept in the in-process cache (without Redis), and how long a cached report lives
        "REPORT_CACHE_SIZE": 32,
        "REPORT_CACHE_SECONDS": 3600,
        # a report page over a questionnaire with at least this many answers, not yet in the
        # report cache, is computed as a job (a progress page, then the report), not within the
        # request: counting them takes about a second or more, and a web worker counting is a
        # worker a participant's page waits behind
        "REPORT_JOB_RESPONSES": 5_000,
        # an archived project may be purged on the Projekt page this many days after its period ended
        "PROJECT_RETENTION_DAYS": 0,
    }


def environment_file(instance: Path) -> Path:
    """The settings file that the server and the command line both read: ``SURVEYAPP_ENV_FILE``,
    else ``instance/surveyapp.env``."""
    return Path(os.environ.get("SURVEYAPP_ENV_FILE") or instance / "surveyapp.env")


def environment(instance: Path) -> dict[str, str]:
    """The process's environment over the settings file's lines (``NAME=value``), so that a
    variable set for one command wins over the file."""
    path = environment_file(instance)
    values: dict[str, str] = {}
    if path.is_file():
        from dotenv import dotenv_values

        values = {key: value for key, value in dotenv_values(path).items() if value is not None}
    return {**values, **os.environ}


def from_environment(instance: Path) -> dict:
    env = environment(instance)
    settings: dict = {}
    settings["SECRET_KEY"] = env.get("SECRET_KEY") or _secret_key(instance)
    if env.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = database_url(env["DATABASE_URL"])
    if env.get("SURVEYAPP_QUESTIONNAIRE_DIR"):
        settings["QUESTIONNAIRE_DIR"] = env["SURVEYAPP_QUESTIONNAIRE_DIR"]
    if env.get("SURVEYAPP_MAX_BODY_BYTES"):
        settings["MAX_CONTENT_LENGTH"] = int(env["SURVEYAPP_MAX_BODY_BYTES"])
    if env.get("SURVEYAPP_SMALL_CELL_THRESHOLD"):
        settings["SMALL_CELL_THRESHOLD"] = int(env["SURVEYAPP_SMALL_CELL_THRESHOLD"])
    if env.get("SURVEYAPP_PUBLIC_URL"):
        settings["PUBLIC_URL"] = env["SURVEYAPP_PUBLIC_URL"].rstrip("/")
    for name, key, kind in (
        ("SURVEYAPP_STAFF_IDLE_MINUTES", "STAFF_IDLE_MINUTES", int),
        ("SURVEYAPP_PROJECT_RETENTION_DAYS", "PROJECT_RETENTION_DAYS", int),
        ("SURVEYAPP_STAFF_SESSION_HOURS", "STAFF_SESSION_HOURS", float),
        ("SURVEYAPP_SESSION_IDLE_HOURS", "SESSION_IDLE_HOURS", float),
        ("SURVEYAPP_KIOSK_IDLE_SECONDS", "KIOSK_IDLE_SECONDS", int),
        ("SURVEYAPP_SMTP_HOST", "SMTP_HOST", str),
        ("SURVEYAPP_SMTP_PORT", "SMTP_PORT", int),
        ("SURVEYAPP_SMTP_USER", "SMTP_USER", str),
        ("SURVEYAPP_SMTP_PASSWORD", "SMTP_PASSWORD", str),
        ("SURVEYAPP_MAIL_FROM", "MAIL_FROM", str),
        ("SURVEYAPP_PROXIES", "PROXIES", int),
        ("SURVEYAPP_AUDIO_MAX_BYTES", "AUDIO_MAX_BYTES", int),
        ("SURVEYAPP_AUDIO_MAX_SECONDS", "AUDIO_MAX_SECONDS", int),
        ("SURVEYAPP_OPEN_LINK_POSTS_PER_HOUR", "OPEN_LINK_POSTS_PER_HOUR", int),
        ("SURVEYAPP_TRANSLATOR_POSTS_PER_HOUR", "TRANSLATOR_POSTS_PER_HOUR", int),
        ("SURVEYAPP_INTERPRETER_POSTS_PER_HOUR", "INTERPRETER_POSTS_PER_HOUR", int),
        ("SURVEYAPP_REDIS_URL", "REDIS_URL", str),
        ("SURVEYAPP_REDIS_PREFIX", "REDIS_PREFIX", str),
        ("SURVEYAPP_JOB_RUNNER", "JOB_RUNNER", str),
        ("SURVEYAPP_JOB_THREADS", "JOB_THREADS", int),
        ("SURVEYAPP_JOB_KEEP_HOURS", "JOB_KEEP_HOURS", float),
        ("SURVEYAPP_JOB_STALE_MINUTES", "JOB_STALE_MINUTES", float),
        ("SURVEYAPP_JOB_TIMEOUT_SECONDS", "JOB_TIMEOUT_SECONDS", int),
        ("SURVEYAPP_REPORT_CACHE_SIZE", "REPORT_CACHE_SIZE", int),
        ("SURVEYAPP_REPORT_CACHE_SECONDS", "REPORT_CACHE_SECONDS", int),
        ("SURVEYAPP_REPORT_JOB_RESPONSES", "REPORT_JOB_RESPONSES", int),
    ):
        if env.get(name):
            settings[key] = kind(env[name])
    approval = env.get("SURVEYAPP_INTERPRETER_PUBLISH_NEEDS_APPROVAL", "").strip().lower()
    if approval in ("0", "false", "no", "off"):
        settings["INTERPRETER_PUBLISH_NEEDS_APPROVAL"] = False
    elif approval in ("1", "true", "yes", "on"):
        settings["INTERPRETER_PUBLISH_NEEDS_APPROVAL"] = True
    if env.get("SURVEYAPP_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"):
        settings["SMTP_STARTTLS"] = True
    if env.get("SURVEYAPP_SECURE_COOKIES", "").lower() in ("1", "true", "yes"):
        settings["SESSION_COOKIE_SECURE"] = True
    return settings
