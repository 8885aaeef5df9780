"""The ``surveyapp`` command as a user runs it: help at once, links to where the site is, one line
for a database it cannot use. Each runs the real command in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from surveyapp.cli import COMMANDS, command_named
from surveyapp.cli.database import explain
from tests.conftest import _postgres_available

#: runs the command, then reports which heavy modules it loaded (on stderr's last line)
PROGRAM = """
import json, sys
from surveyapp.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = [name for name in ("pandas", "scipy", "alembic", "jsonschema", "openpyxl") if name in sys.modules]
print(json.dumps(heavy), file=sys.stderr)
sys.exit(code)
"""


def surveyapp(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """``surveyapp ARGS`` with only the given settings (no settings file unless named)."""
    clean = {key: value for key, value in os.environ.items()
             if not key.startswith("SURVEYAPP_") and key not in ("DATABASE_URL", "SECRET_KEY")}
    clean["SURVEYAPP_ENV_FILE"] = os.devnull
    clean["SECRET_KEY"] = "test"
    done = subprocess.run([sys.executable, "-c", PROGRAM, *args], env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=120, cwd=cwd)
    *stderr, heavy = done.stderr.rstrip("\n").split("\n")
    return done.returncode, done.stdout, "\n".join(stderr), json.loads(heavy)


def test_help_lists_every_command_and_loads_nothing_heavy():
    code, out, err, heavy = surveyapp("--help")
    assert code == 0, err
    for name in (*COMMANDS, "run"):
        assert f"  {name} " in out
    assert heavy == []


def test_the_help_table_says_what_each_command_says_of_itself():
    from surveyapp import create_app

    app = create_app({"SECRET_KEY": "test"})
    for name, (_, _, short) in COMMANDS.items():
        assert command_named(name).get_short_help_str(limit=300) == short, name
    assert set(app.cli.commands) - {"db"} == set(COMMANDS)


def test_commands_that_compute_nothing_load_neither_pandas_nor_scipy(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    code, _, err, _ = surveyapp("init", env=env)
    assert code == 0, err
    for args in (["users", "list"], ["organisations", "list"], ["users", "--help"],
                 ["participants", "export", str(tmp_path / "register.csv")]):
        code, _, err, heavy = surveyapp(*args, env=env)
        assert code == 0, err
        assert not {"pandas", "scipy"} & set(heavy), args


def test_links_use_the_public_url_of_the_settings_file_or_say_it_is_missing(tmp_path):
    settings = tmp_path / "surveyapp.env"
    settings.write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'cli.db'}\nSURVEYAPP_PUBLIC_URL=http://127.0.0.1:5101/\n")
    env = {"SURVEYAPP_ENV_FILE": str(settings)}
    assert surveyapp("init", env=env)[0] == 0
    code, out, err, _ = surveyapp("users", "add", "ny@example.se", "--role", "admin", env=env)
    assert code == 0, err
    assert "http://127.0.0.1:5101/losenord/" in out

    settings.write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'cli.db'}\n")
    code, out, err, _ = surveyapp("users", "reset", "ny@example.se", env=env)
    assert code == 0, err
    assert "(valid 72 hours): /losenord/" in out
    assert "SURVEYAPP_PUBLIC_URL is not set" in err and str(settings) in err
    assert "127.0.0.1:5000" not in out + err


def test_env_file_option_reads_the_settings_it_names(tmp_path):
    settings = tmp_path / "production.env"
    settings.write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'prod.db'}\n")
    code, _, err, _ = surveyapp("--env-file", str(settings), "init")
    assert code == 0, err
    assert (tmp_path / "prod.db").exists()


def test_server_reads_the_same_settings_file(tmp_path, monkeypatch):
    from surveyapp import create_app

    settings = tmp_path / "surveyapp.env"
    settings.write_text("SURVEYAPP_PUBLIC_URL=https://enkat.example.se/\nSURVEYAPP_SMALL_CELL_THRESHOLD=7\n")
    monkeypatch.setenv("SURVEYAPP_ENV_FILE", str(settings))
    monkeypatch.setenv("SURVEYAPP_SMALL_CELL_THRESHOLD", "3")  # the environment wins over the file
    app = create_app({"SECRET_KEY": "test"})
    assert app.config["PUBLIC_URL"] == "https://enkat.example.se"
    assert app.config["SMALL_CELL_THRESHOLD"] == 3


def test_a_missing_postgresql_database_is_one_line_naming_how_to_create_it():
    if reason := _postgres_available():
        pytest.skip(reason)
    name = f"surveyapp_missing_{uuid.uuid4().hex[:8]}"
    engine = create_engine("postgresql+psycopg://127.0.0.1:5432/postgres")
    with engine.connect() as conn:
        user = conn.execute(text("SELECT current_user")).scalar()
    engine.dispose()
    code, out, err, _ = surveyapp("init", env={"DATABASE_URL": f"postgresql://{user}@127.0.0.1:5432/{name}"})
    assert code == 1
    assert err.strip() == (f"Error: the database {name} does not exist on 127.0.0.1:5432: create it with "
                           f"`sudo -u postgres createdb --owner {user} {name}` "
                           "(see docs/production.md, \"The database\")")
    assert "Traceback" not in out + err


def test_an_unreachable_server_is_one_line():
    code, out, err, _ = surveyapp("users", "list",
                                  env={"DATABASE_URL": "postgresql://surveyapp@127.0.0.1:9/surveyapp"})
    assert code == 1
    assert err.strip().startswith("Error: no PostgreSQL server answers at 127.0.0.1:9")
    assert "Traceback" not in out + err


@pytest.mark.parametrize(("message", "expected"), [
    ('connection failed: FATAL:  password authentication failed for user "surveyapp"',
     "PostgreSQL on db.internal:5432 refused the password of surveyapp: check the password in DATABASE_URL"),
    ('connection failed: FATAL:  role "surveyapp" does not exist',
     "the role surveyapp does not exist on db.internal:5432: create it with "
     "`sudo -u postgres createuser --pwprompt surveyapp`"),
    ('relation "accounts" does not exist',
     "the database surveyapp on db.internal:5432 has no surveyapp tables yet"),
])
def test_database_problems_are_explained_without_the_password(message, expected):
    error = OperationalError("SELECT 1", {}, Exception(message))
    line = explain(error, "postgresql+psycopg://surveyapp:hemligt@db.internal/surveyapp")
    assert line.startswith(expected)
    assert "hemligt" not in line


def test_audio_status_counts_only_the_languages_a_questionnaire_is_offered_in(runner):
    from surveyapp.i18n import available_languages

    status = json.loads(runner.invoke(args=["audio", "status", "--json"]).output)
    for key, languages in status.items():
        assert list(languages) == available_languages(key), key
