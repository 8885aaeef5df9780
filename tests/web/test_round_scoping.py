"""A samordnare sees only rounds that cover one of their organisations, everywhere."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from surveyapp.extensions import db
from surveyapp.models import Organisation
from surveyapp.services.accounts import set_pin
from surveyapp.services.rounds import find_round
from tests import factories
from tests.exports.dataset import avslutningsenkat_rows, import_rows

URL = "/reports/avslutningsenkat"
SECRET_ROUND = "Skövdes egen runda"


@pytest.fixture
def two_rounds(runner, tmp_path):
    rows = avslutningsenkat_rows(60)
    import_rows(runner, tmp_path, "avslutningsenkat", rows, "Avslut 2026")
    skovde = db.session.query(Organisation).filter_by(name="Skövde").one()
    round_ = factories.round_("avslutningsenkat", SECRET_ROUND)
    round_.organisations = [skovde]
    db.session.commit()
    own = [{**r, "response_id": ""} for r in rows if r["organisation"] == "Skövde"]
    import_rows(runner, tmp_path, "avslutningsenkat", own, SECRET_ROUND)
    return find_round("avslutningsenkat", SECRET_ROUND)


@pytest.fixture
def samordnare(client):
    account = factories.user("s@mariestad.example", "samordnare", ["Mariestad"])
    set_pin(account, "2468")
    db.session.commit()
    factories.login(client, account)
    return account


def test_another_kommuns_round_is_nowhere_on_the_report_page(client, samordnare, two_rounds):
    page = client.get(URL)
    assert page.status_code == 200
    assert "Avslut 2026" in page.text
    assert SECRET_ROUND not in page.text
    for args in ({"round": SECRET_ROUND}, {"from": SECRET_ROUND}, {"to": SECRET_ROUND},
                 {"round": [SECRET_ROUND, "Avslut 2026"]}):
        assert client.get(URL, query_string=args).status_code == 404
        assert client.post(URL + ".xlsx", query_string=args).status_code == 404


def test_another_kommuns_round_is_nowhere_in_the_excel_file(client, samordnare, two_rounds):
    download = factories.export(client, URL + ".xlsx")
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(download.data), read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and SECRET_ROUND in v for v in row), sheet.title


def test_another_kommuns_round_is_404_on_staff_pages_and_not_in_the_kiosk(client, samordnare, two_rounds):
    assert client.get(f"/staff/mattillfallen/{two_rounds.id}").status_code == 404
    assert SECRET_ROUND not in client.get("/staff/mattillfallen").text
    assert SECRET_ROUND not in client.get("/kiosk/starta").text


def test_projektledning_still_sees_every_round(client, two_rounds):
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    assert SECRET_ROUND in client.get(URL).text
    assert client.get(URL, query_string={"round": SECRET_ROUND}).status_code == 200
