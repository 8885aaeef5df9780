"""``surveyapp backup`` and ``surveyapp restore``: a populated database, backed up and restored
into a new one, has every table's rows, recordings and job files included, on both databases."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import create_engine, inspect, select, text

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import Account, Job, Recording
from tests.conftest import BASE_CONFIG, PG_SERVER, _pg_admin_engine, private_postgres


def _populate(app, tmp_path: Path) -> None:
    """Demo data, imported answers and register, one recording and one finished job's file."""
    for args in (
        ["init", "--demo"],
        ["demo-files", str(tmp_path / "demo")],
        ["participants", "import", str(tmp_path / "demo" / "deltagare.csv"), "--project", "Cresco+"],
        [
            "import",
            "avslutningsenkat",
            str(tmp_path / "demo" / "avslutningsenkat.csv"),
            "--round",
            "Mättillfälle 1",
            "--project",
            "Cresco+",
        ],
    ):
        result = _command(app, *args)
        assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalar(select(Account).where(Account.email == "admin@demo.example"))
        audio = b"OggS" + bytes(range(256)) * 4
        db.session.add(
            Recording(
                content_hash="c" * 64,
                language="ti",
                text_hash="t" * 64,
                text="Kön",
                questionnaire_key="avslutningsenkat",
                mime_type="audio/ogg",
                size_bytes=len(audio),
                data=audio,
                status="published",
                created_by_id=admin.id,
            )
        )
        db.session.add(
            Job(
                id=uuid.uuid4().hex,
                kind="report_xlsx",
                params={"questionnaire": "avslutningsenkat"},
                account_id=admin.id,
                status="done",
                progress=100,
                result=b"PK\x03\x04 an xlsx file",
                filename="avslut.xlsx",
                mimetype="application/vnd.ms-excel",
            )
        )
        db.session.commit()
        db.engine.dispose()


def _command(app, *args: str):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
        db.engine.dispose()
    return result


def _tables(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, in a stable order."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            rows = {}
            for name in names:
                rows[name] = sorted(
                    (tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))), key=repr
                )
            return rows
    finally:
        engine.dispose()


def _backup_and_restore(source_url: str, target_url: str, tmp_path: Path) -> None:
    source = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": source_url})
    _populate(source, tmp_path)
    file = tmp_path / "surveyapp.backup"
    result = _command(source, "backup", str(file))
    assert result.exit_code == 0, result.output
    assert file.stat().st_size > 0
    again = _command(source, "backup", str(file))
    assert again.exit_code == 1 and "exists already" in again.output

    target = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": target_url})
    result = _command(target, "restore", str(file))
    assert result.exit_code == 0, result.output

    before, after = _tables(source_url), _tables(target_url)
    assert set(after) == set(before)
    assert {name for name, rows in before.items() if rows} >= {
        "responses",
        "answers",
        "recordings",
        "jobs",
        "participant_codes",
        "accounts",
        "audit_events",
    }
    for name in before:
        assert after[name] == before[name], name

    # a restore never writes over data
    refused = _command(target, "restore", str(file))
    assert refused.exit_code == 1 and "is not empty" in refused.output


def test_sqlite_backup_restores_every_table_into_a_new_database(tmp_path):
    _backup_and_restore(
        f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}", tmp_path
    )


def test_postgresql_backup_restores_every_table_into_a_new_database(tmp_path):
    with private_postgres("surveyapp_backup") as source_url:
        name = f"surveyapp_restored_{uuid.uuid4().hex[:10]}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            _backup_and_restore(source_url, PG_SERVER.rsplit("/", 1)[0] + "/" + name, tmp_path)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.db'}"})
    bogus = tmp_path / "dump"
    bogus.write_bytes(b"PGDMP\x01\x0f custom format")
    result = _command(app, "restore", str(bogus))
    assert result.exit_code == 1
    assert "is not a SQLite backup (it is PostgreSQL's)" in result.output
