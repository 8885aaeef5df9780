"""The report page and its Excel download, through real requests."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Organisation
from tests import factories
from tests.exports.dataset import avslutningsenkat_rows, import_rows, progressionskort_rows, samverkan_rows

URL = "/reports/avslutningsenkat"


@pytest.fixture
def avslutningsenkat(runner, tmp_path):
    import_rows(runner, tmp_path, "avslutningsenkat", avslutningsenkat_rows(120), "Avslut 2026")


@pytest.fixture
def samverkan(runner, tmp_path):
    import_rows(runner, tmp_path, "samverkan", samverkan_rows(30, month=3), "Mättillfälle 1")
    import_rows(runner, tmp_path, "samverkan", samverkan_rows(35, month=10, lift=1), "Mättillfälle 2")


@pytest.fixture
def progressionskort(runner, tmp_path):
    import_rows(runner, tmp_path, "progressionskort", progressionskort_rows(40), "Löpande")


@pytest.fixture
def manager(client):
    account = factories.user("pl@projekt.example", "projektledning")
    factories.login(client, account)
    return account


def _org_id(name: str) -> int:
    return db.session.scalar(select(Organisation.id).filter_by(name=name))


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_report_page_shows_goals_figures_and_bars(client, manager, avslutningsenkat):
    page = client.get(URL)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.text
    assert "Rapport: Avslutningsenkät" in text
    assert "Fördomsfritt bemötta" in text
    assert 'id="goals"' in text
    assert "Min samordnare tror på att jag kan få ett arbete." in text
    assert '<svg class="bar' in text and 'aria-hidden="true"' in text
    assert "Ladda ner Excel" in text
    # a table whose columns include answers that n leaves out says so
    assert "n räknar inte svaren Jag har ingen handläggare." in text
    assert "cdn" not in text.lower()


def test_breakdown_and_filters_are_applied(client, manager, avslutningsenkat):
    page = client.get(URL, query_string={"by": ["kon", "kon*fodelseregion"],
                                         "organisation": _org_id("Skövde")})
    assert page.status_code == 200
    assert 'data-row="kon:kvinna"' in page.text
    assert 'data-row="kon*fodelseregion:kvinna*utanfor_norden"' in page.text
    assert "Kvinna × Född utanför Norden" in page.text


def test_a_period_given_the_wrong_way_round_is_turned_and_said_so(client, manager, avslutningsenkat):
    turned = client.get(URL, query_string={"since": "2026-06-30", "until": "2026-03-01"})
    right = client.get(URL, query_string={"since": "2026-03-01", "until": "2026-06-30"})
    assert turned.status_code == right.status_code == 200
    assert "datumen har fått byta plats" in turned.text
    assert "datumen har fått byta plats" not in right.text
    count = re.compile(r'<p class="report-meta">\s*(\d+) svar')
    assert count.search(turned.text).group(1) == count.search(right.text).group(1) != "0"


def test_numbers_follow_the_swedish_locale(client, manager, samverkan):
    page = client.get("/reports/samverkan", headers={"Accept-Language": "sv"})
    assert page.status_code == 200
    assert "Förändring från Mättillfälle 1 till Mättillfälle 2" in page.text
    import re

    means = re.findall(r'class="num mean">([^<]+)<', page.text)
    assert all(re.fullmatch(r"\d,\d\d|–", m) for m in means)
    assert sum(m != "–" for m in means) > 10
    assert re.search(r'class="num pct">\d+\xa0%<', page.text)
    assert re.search(r"Mättillfälle 1 \(från \d{1,2} mars 2026\), Mättillfälle 2 \(från \d{1,2} okt\. 2026\)",
                     page.text)


def test_a_samordnare_sees_only_their_own_organisation(client, avslutningsenkat):
    account = factories.user("s@mariestad.example", "samordnare", ["Mariestad"])
    factories.login(client, account)
    page = client.get(URL, query_string={"by": "organisation"})
    assert page.status_code == 200
    assert 'data-row="organisation:Mariestad"' in page.text
    assert "Skövde" not in page.text and "Lidköping" not in page.text
    assert client.get(URL, query_string={"organisation": _org_id("Skövde")}).status_code == 404
    download = factories.export(client, URL + ".xlsx", query_string={"by": "organisation", "text": "1"})
    workbook = load_workbook(io.BytesIO(download.data))
    # no answer-level rows for a samordnare: one kommun's rows could name the participant
    assert "Svar" not in workbook.sheetnames
    cells = {v for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row}
    assert "Skövde" not in cells and "Lidköping" not in cells


def test_excel_download_is_logged(client, manager, avslutningsenkat):
    response = factories.export(client, URL + ".xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[0] == "Översikt"
    event = db.session.scalar(select(AuditEvent).filter_by(action="export.responses"))
    assert event.actor == "pl@projekt.example"
    assert "avslutningsenkat" in event.detail


def test_unknown_questionnaire_round_or_breakdown(client, manager, samverkan):
    assert client.get("/reports/okand").status_code == 404
    assert client.get("/reports/samverkan", query_string={"round": "Mättillfälle 9"}).status_code == 404
    assert client.get("/reports/samverkan", query_string={"by": "kon"}).status_code == 400


def test_paired_table_of_the_progressionskort(client, manager, progressionskort):
    page = client.get("/reports/progressionskort", query_string={"by": "kon"})
    assert page.status_code == 200
    assert 'id="paired"' in page.text
    assert 'data-item="tror_klarar_arbete" data-row="kon:kvinna"' in page.text


def test_index_lists_the_questionnaires(client, manager):
    page = client.get("/reports/")
    assert page.status_code == 200
    assert "/reports/samverkan" in page.text


def test_the_answer_sheet_of_projektledning_is_coarsened(client, manager, avslutningsenkat):
    from surveyapp.analysis.disclosure import smallest_group

    download = factories.export(client, URL + ".xlsx")
    rows = list(load_workbook(io.BytesIO(download.data))["Svar"].iter_rows(values_only=True))
    header, body = list(rows[0]), rows[1:]
    assert "submitted_at" not in header and "response_id" not in header
    months = [row[header.index("month")] for row in body]
    assert all(m == "*" or (len(m) == 7 and m[4] == "-") for m in months)  # dated to the month at most
    quasi = ["month", "language", "organisation", "channel", "kon", "aldersgrupp", "fodelseregion"]
    frame = pd.DataFrame([[row[header.index(c)] for c in quasi] for row in body], columns=quasi)
    assert len(frame) == 120
    assert smallest_group(frame) >= 5  # no combination is shared by fewer than the threshold


def test_the_answer_sheet_of_the_administrator_is_dated_to_the_day(client, avslutningsenkat):
    from datetime import date, datetime

    factories.login(client, factories.user("admin@projekt.example", "admin", []))
    download = factories.export(client, URL + ".xlsx")
    sheet = load_workbook(io.BytesIO(download.data))["Svar"]
    column = [c.value for c in sheet[1]].index("submitted_at") + 1
    cells = [sheet.cell(r, column) for r in range(2, sheet.max_row + 1)]
    assert cells and all(isinstance(c.value, date) for c in cells)
    assert all(c.value.time() == datetime.min.time() for c in cells)  # no hour, no minute
    days = [c.value for c in cells]
    assert days == sorted(days)


def test_excel_download_is_in_the_staff_members_language(client, manager, avslutningsenkat):
    manager.language = "en"
    db.session.commit()
    download = factories.export(client, URL + ".xlsx", query_string={"by": "kon"})
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(download.data))
    assert workbook.sheetnames[:4] == ["Overview", "Background", "Background – charts", "Questions"]
    assert "Codebook" in workbook.sheetnames
    questions = [row for row in workbook["Questions"].iter_rows(values_only=True)]
    titles = {row[0] for row in questions}
    assert "How has your coordinator treated you?" in titles
    assert "Hur har du blivit bemött av din samordnare?" not in titles
    start = next(n for n, row in enumerate(questions) if row[0] == "How has your coordinator treated you?")
    assert questions[start + 1][:4] == ("Group", "n", "k", "Share")
    assert "Good" in questions[start + 1]
    assert "Woman" in {row[0] for row in questions[start:start + 8]}
    charts = workbook["Questions – charts"]._charts
    title = "".join(run.t for p in charts[0].title.tx.rich.p for run in p.r or [])
    assert title == "How has your coordinator treated you?\nShare answering Good by gender"
    assert workbook["Overview"]["A1"].value == "Exit survey – summary"


def test_report_page_draws_charts_in_words_and_prints_without_the_filters(client, manager, avslutningsenkat):
    page = client.get(URL, query_string={"by": "kon"})
    text = page.text
    assert text.count('<svg class="chart') >= 10
    assert "Andel som svarat Bra per kön" in text
    assert "Mål 90\xa0%" in text
    assert 'class="target"' in text  # the goal's target as a line
    assert "Stämmer helt" in text
    shown = re.sub(r'="[^"]*"', "", text)  # what is shown, not the attributes
    assert re.search(r"bemotande_samordnare|varken_eller|ej_svar", shown) is None
    main = text.split("<main", 1)[1]
    assert " style=" not in main and "<script" not in main and " on" + "click=" not in main
    from pathlib import Path

    import surveyapp

    css = (Path(surveyapp.__file__).parent / "static" / "reports.css").read_text()
    assert "@media print" in css and ".report-filters" in css.split("@media print")[1]
