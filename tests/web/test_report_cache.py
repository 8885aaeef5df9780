"""The report cache: a page asked for again over the same data is not computed again; a new
answer, through the real form, or a change in the register gives new figures."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Organisation, ParticipantCode
from surveyapp.services import report_cache
from tests import factories
from tests.exports.dataset import avslutningsenkat_rows, import_rows
from tests.factories import AVSLUTNINGSENKAT

URL = "/reports/avslutningsenkat"
RESPONDENTS = re.compile(r'<p class="report-meta">\s*(\d+) svar')


@pytest.fixture
def avslutningsenkat(runner, tmp_path):
    import_rows(runner, tmp_path, "avslutningsenkat", avslutningsenkat_rows(60), "Avslut 2026")


@pytest.fixture
def manager(client):
    account = factories.user("pl@projekt.example", "projektledning")
    factories.login(client, account)
    return account


def _figures(html: str) -> str:
    """The page without what differs between two renderings of the same report."""
    main = html.split("<main", 1)[1]
    return re.sub(r'(value|nonce)="[^"]*"', "", main)


def test_the_same_page_twice_is_computed_once(app, client, manager, avslutningsenkat):
    stats = report_cache.stats(app)
    first = client.get(URL, query_string={"by": "kon"})
    assert first.status_code == 200
    assert (stats.computed, stats.hits) == (1, 0)
    second = client.get(URL, query_string={"by": "kon"})
    assert (stats.computed, stats.hits) == (1, 1)
    assert _figures(second.text) == _figures(first.text)
    # another selection is another report
    client.get(URL, query_string={"by": "aldersgrupp"})
    assert stats.computed == 2


def test_a_samordnare_never_gets_a_report_cached_for_someone_who_sees_more(app, client, avslutningsenkat):
    manager = factories.user("pl@projekt.example", "projektledning")
    factories.login(client, manager)
    everyone = client.get(URL, query_string={"by": "organisation"})
    assert "Skövde" in everyone.text
    samordnare = app.test_client()
    factories.login(samordnare, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    own = samordnare.get(URL, query_string={"by": "organisation"})
    assert report_cache.stats(app).computed == 2
    assert "Skövde" not in own.text


def test_a_new_answer_through_the_form_changes_the_figures(app, client, manager, avslutningsenkat):
    # the imported round is closed; answers come in through the link of an open one
    link = factories.link("avslutningsenkat", "Mariestad", round_name="Avslut 2027")
    before = client.get(URL)
    count = int(RESPONDENTS.search(before.text).group(1))
    generation = report_cache.data_version("avslutningsenkat")[2]

    participant = app.test_client()
    body = {"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT}
    stored = participant.post(f"/s/{link.token}/sv", data=body)
    assert stored.status_code in (302, 303) and "utkast=" not in stored.location

    after = client.get(URL)
    assert int(RESPONDENTS.search(after.text).group(1)) == count + 1
    assert report_cache.stats(app).computed == 2
    # a submission never writes the generation row: no row every submission has to lock
    assert report_cache.data_version("avslutningsenkat")[2] == generation


def test_a_register_change_or_a_renamed_kommun_changes_the_data_version(app, client, manager):
    factories.organisation("Mariestad")
    version = report_cache.data_version("progressionskort")
    organisation = db.session.scalar(select(Organisation).filter_by(name="Mariestad"))
    db.session.add(ParticipantCode(code="MAR-0001", organisation_id=organisation.id))
    db.session.commit()
    assert report_cache.data_version("progressionskort") > version
    version = report_cache.data_version("progressionskort")
    entry = db.session.scalar(select(ParticipantCode).filter_by(code="MAR-0001"))
    entry.kon = "kvinna"
    db.session.commit()
    assert report_cache.data_version("progressionskort") > version
    version = report_cache.data_version("progressionskort")
    organisation.name = "Mariestads kommun"
    db.session.commit()
    assert report_cache.data_version("progressionskort") > version
    version = report_cache.data_version("progressionskort")
    db.session.delete(entry)
    db.session.commit()
    assert report_cache.data_version("progressionskort") > version


def test_a_purge_changes_the_figures(app, client, manager, runner, avslutningsenkat):
    before = int(RESPONDENTS.search(client.get(URL).text).group(1))
    assert before > 0
    result = runner.invoke(args=["purge", "--round", "Avslut 2026", "--yes"])
    assert result.exit_code == 0, result.output
    after = client.get(URL)
    assert report_cache.stats(app).computed == 2
    assert RESPONDENTS.search(after.text).group(1) == "0"
