"""Response rates, retention and the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, AuditEvent, Response
from surveyapp.models._time import utcnow
from surveyapp.services.audit import record_audit
from surveyapp.services.invitations import create_invitations, mark_used
from surveyapp.services.kiosk import count_kiosk_answer
from surveyapp.services.purge import purge, purge_counts
from surveyapp.services.questionnaires import current_version
from surveyapp.services.rates import response_rates
from surveyapp.services.staff_rounds import save_round, set_expectations
from surveyapp.services.submissions import Submission, record
from tests import factories
from tests.factories import AVSLUTNINGSENKAT

SAMVERKAN = {"samverkan_forsorjningsstod_vard": "4", "samverkan_ame_vard": "3",
             "samverkan_ame_fk": "vet_ej", "samverkan_ame_af": "5"}


def _store(round_, organisation, data, role=None, submitted_at: datetime | None = None):
    response = record(Submission(
        round=round_, version=current_version(round_.questionnaire_key), organisation=organisation,
        raw={k: [v] for k, v in data.items()}, role=role, submitted_at=submitted_at, allow_closed=True,
    ))
    db.session.commit()
    return response


def _samverkan(app):
    mariestad, skovde = factories.organisation("Mariestad"), factories.organisation("Skövde")
    round_ = save_round(None, questionnaire_key="samverkan", name="Mättillfälle 1", opens_on=None,
                        closes_on=None, organisations=[mariestad, skovde],
                        roles=["kommunchef", "region"], allowed_roles=["kommunchef", "region", "samordnare"])
    db.session.commit()
    return round_, mariestad, skovde


def test_rates_count_answers_against_expected_per_organisation_and_role(app):
    round_, mariestad, skovde = _samverkan(app)
    set_expectations(round_, {(mariestad.id, "kommunchef"): 20, (skovde.id, "kommunchef"): 4,
                              (mariestad.id, "region"): 0})
    for _ in range(6):
        _store(round_, mariestad, SAMVERKAN, role="kommunchef")
    _store(round_, skovde, SAMVERKAN, role="region")
    rates = response_rates(round_)
    table = {(r.organisation, r.role): (r.rate.answered, r.rate.expected, r.rate.pct) for r in rates.rows}
    assert table == {
        ("Mariestad", "kommunchef"): (6, 20, 30.0),
        ("Mariestad", "region"): (0, 0, None),
        ("Skövde", "kommunchef"): (0, 4, 0.0),
        ("Skövde", "region"): (1, None, None),
    }
    # the rate counts only answers where a number is expected: Skövde's region answer is not in it
    assert (rates.total.answered, rates.total.expected, rates.total.pct) == (6, 24, 25.0)
    assert rates.answered == 7
    only_mariestad = response_rates(round_, {mariestad.id})
    assert {r.organisation for r in only_mariestad.rows} == {"Mariestad"}
    assert only_mariestad.total.answered == 6


def test_rates_count_invitations_and_kiosk_days(app):
    round_, mariestad, skovde = _samverkan(app)
    issued = create_invitations(round_, mariestad, "kommunchef", 3)
    mark_used(issued[0].invitation)
    count_kiosk_answer(round_, mariestad)
    count_kiosk_answer(round_, mariestad)
    count_kiosk_answer(round_, skovde, day=utcnow().date() - timedelta(days=1))
    db.session.commit()
    rates = response_rates(round_)
    assert [(i.organisation, i.role, i.sent, i.used) for i in rates.invitations] == [
        ("Mariestad", "kommunchef", 3, 1)]
    assert [n for _, n in rates.kiosk_by_day] == [1, 2]
    assert response_rates(round_, {skovde.id}).kiosk_by_day[0][1] == 1


def test_page_shows_rate_as_k_of_n_with_percent(client):
    round_, mariestad, _ = _samverkan(client.application)
    set_expectations(round_, {(mariestad.id, "kommunchef"): 20})
    db.session.commit()
    for _ in range(6):
        _store(round_, mariestad, SAMVERKAN, role="kommunchef")
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    page = client.get(f"/staff/mattillfallen/{round_.id}")
    assert "6 av 20 (30\u00a0%)" in page.text


def test_purge_by_round_and_by_age(app):
    mariestad = factories.organisation("Mariestad")
    first = factories.round_("avslutningsenkat", "Mättillfälle 1")
    second = factories.round_("avslutningsenkat", "Mättillfälle 2")
    _store(first, mariestad, AVSLUTNINGSENKAT)
    _store(first, mariestad, AVSLUTNINGSENKAT)
    _store(second, mariestad, AVSLUTNINGSENKAT, submitted_at=utcnow() - timedelta(days=400))
    _store(second, mariestad, AVSLUTNINGSENKAT)
    counts = purge_counts(("Mättillfälle 1",))
    assert [(c.round_name, c.responses, c.answers) for c in counts] == [("Mättillfälle 1", 2, 16)]
    assert db.session.scalar(select(func.count()).select_from(Response)) == 4  # counting deletes nothing
    purge(("Mättillfälle 1",))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2
    assert [c.responses for c in purge(older_than_days=365)] == [1]
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 8


def test_audit_records_actor_and_never_requires_answer_content(app):
    account = factories.user("pl@example.org", "projektledning")
    record_audit(account, "export.responses", "avslutningsenkat: Mättillfälle 1")
    record_audit(None, "purge", "rounds: Mättillfälle 1 – 2 responses")
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.actor, e.actor_id, e.action) for e in events] == [
        ("pl@example.org", account.id, "export.responses"), ("kommandorad", None, "purge")]
