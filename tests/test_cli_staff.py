"""The staff commands: users, demo logins, purge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Account, AuditEvent, Response
from surveyapp.models._time import utcnow
from surveyapp.services.questionnaires import current_version
from surveyapp.services.submissions import Submission, record
from tests import factories
from tests.factories import AVSLUTNINGSENKAT


def test_users_add_prints_a_one_time_link_and_stores_no_password(runner, client):
    factories.organisation("Mariestad")
    result = runner.invoke(args=["users", "add", "Ny.Samordnare@Mariestad.se", "--role", "samordnare",
                                 "--organisation", "mariestad"])
    assert result.exit_code == 0, result.output
    account = db.session.scalar(select(Account))
    assert (account.email, account.role, [o.name for o in account.organisations]) == (
        "ny.samordnare@mariestad.se", "samordnare", ["Mariestad"])
    assert account.password_hash is None
    link = result.output.split()[-1]
    assert link.startswith("http://surveyapp.test/losenord/")
    path = link.removeprefix("http://surveyapp.test")
    assert client.post(path, data={"new_password": "mitt eget lösenord", "repeat": "mitt eget lösenord"}
                       ).status_code == 302
    assert client.get(path).status_code == 404  # used once
    login = client.post("/login", data={"email": "ny.samordnare@mariestad.se",
                                        "password": "mitt eget lösenord"})
    assert login.status_code == 302


def test_users_add_refuses_bad_input_clearly(runner):
    no_org = runner.invoke(args=["users", "add", "s@example.org", "--role", "samordnare"])
    assert no_org.exit_code != 0 and "minst en organisation" in no_org.output
    unknown = runner.invoke(args=["users", "add", "s@example.org", "--role", "samordnare",
                                  "--organisation", "Atlantis"])
    assert unknown.exit_code != 0 and "unknown organisation: Atlantis" in unknown.output
    bad_role = runner.invoke(args=["users", "add", "s@example.org", "--role", "chef"])
    assert bad_role.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0


def test_init_demo_creates_one_login_per_role_and_prints_them(runner, client):
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    roles = {a.role for a in db.session.scalars(select(Account))}
    assert roles == {"admin", "projektledning", "samordnare", "styrgrupp"}
    line = next(line for line in result.output.splitlines() if line.strip().startswith("samordnare "))
    _, email, password = line.split()[:3]
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    again = runner.invoke(args=["init", "--demo"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Account)) == 4


def _store(round_, days_ago=0):
    raw = {k: [v] for k, v in AVSLUTNINGSENKAT.items()}
    record(Submission(round=round_, version=current_version(round_.questionnaire_key),
                      organisation=factories.organisation(), raw=raw,
                      submitted_at=utcnow() - timedelta(days=days_ago)))
    db.session.commit()


def test_purge_dry_run_prints_counts_and_deletes_nothing(runner):
    round_ = factories.round_("avslutningsenkat", "Mättillfälle 1")
    _store(round_)
    _store(round_)
    result = runner.invoke(args=["purge", "--round", "Mättillfälle 1", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "avslutningsenkat\tMättillfälle 1\t2 responses\t16 answers" in result.output
    assert "dry run: nothing deleted" in result.output
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2


def test_purge_deletes_and_logs(runner):
    round_ = factories.round_("avslutningsenkat", "Mättillfälle 1")
    _store(round_, days_ago=100)
    _store(round_)
    result = runner.invoke(args=["purge", "--older-than", "30", "--yes"])
    assert result.exit_code == 0, result.output
    assert "deleted: 1 responses" in result.output
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    event = db.session.scalar(select(AuditEvent).filter_by(action="purge"))
    assert event.detail == "older than 30 days – 1 responses"


def test_purge_needs_a_round_or_an_age(runner):
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 2
    assert "--round NAME" in result.output
