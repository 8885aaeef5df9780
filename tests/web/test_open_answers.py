"""Open answers on the report page: listed newest first with their round and kommun, paged,
never for a small group, a samordnare's own kommun only; themes projektledning tags them with;
and the workbook's "Öppna svar" sheet."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Answer, AnswerTag, AnswerTheme, AuditEvent, Organisation
from tests import factories
from tests.exports.dataset import avslutningsenkat_rows, import_rows

URL = "/reports/avslutningsenkat"
SCRIPT = '<script>alert("x")</script>'
ARABIC = "شكرا جزيلا على المساعدة"
FORMULA = '=HYPERLINK("http://example.org")'


def _rows() -> list[dict[str, str]]:
    """Mariestad 25 answers in February, Skövde 6 in early January, Lidköping 3 (too few)."""
    rows = avslutningsenkat_rows(34)
    plan = ([("Mariestad", f"2026-02-{i + 1:02d} 10:00", f"Mariestad svar {i:02d}") for i in range(25)]
            + [("Skövde", f"2026-01-{i + 1:02d} 10:00", f"Skövde svar {i}") for i in range(6)]
            + [("Lidköping", f"2026-01-{i + 20:02d} 10:00", f"Lidköping svar {i}") for i in range(3)])
    for row, (organisation, at, text) in zip(rows, plan, strict=True):
        row.update(organisation=organisation, submitted_at=at, kommentar=text)
    rows[0]["kommentar"], rows[1]["kommentar"], rows[2]["kommentar"] = SCRIPT, ARABIC, FORMULA
    rows[3]["kommentar"] = ""  # no answer: not listed
    return rows


@pytest.fixture
def answers(runner, tmp_path):
    import_rows(runner, tmp_path, "avslutningsenkat", _rows(), "Avslut 2026")


@pytest.fixture
def manager(client):
    account = factories.user("pl@projekt.example", "projektledning")
    factories.login(client, account)
    return account


def _listed(html: str) -> list[str]:
    section = html[html.index('id="svar-kommentar"'):]
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'<p class="answer-text" dir="auto">(.*?)</p>',
                                                          section, re.S)]


def _org_id(name: str) -> int:
    return db.session.scalar(select(Organisation.id).filter_by(name=name))


def test_open_answers_are_listed_newest_first_with_round_and_kommun_and_paged(client, manager, answers):
    html = client.get(URL).text
    assert "Öppna svar" in html and "Vill du berätta något mer?" in html
    first = _listed(html)
    assert first == [f"Mariestad svar {i:02d}" for i in range(24, 4, -1)]
    assert '<span class="answer-month">februari 2026</span> · <bdi class="answer-round">Avslut 2026</bdi>' \
           ' · <bdi class="answer-organisation">Mariestad</bdi>' in html
    assert "sida 1 av 2" in html
    # Lidköping's 3 respondents are below the threshold: their answers are counted, not shown
    assert "3 svar visas inte: de kommer från kommuner med färre än 5 svarande i sitt mättillfälle." in html
    assert "Lidköping svar" not in html
    older = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    second = _listed(client.get(older).text)
    # Mariestad's empty 4th answer is no answer; Skövde's six are the oldest
    assert second[:2] == ["Mariestad svar 04", "=HYPERLINK(&#34;http://example.org&#34;)"]
    assert second[-6:] == [f"Skövde svar {i}" for i in range(5, -1, -1)]
    assert len(first) + len(second) == 30


def test_free_text_is_escaped_and_keeps_its_direction(client, manager, answers):
    html = client.get(URL, query_string={"svar_kommentar": "2"}).text
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert f'<p class="answer-text" dir="auto">{ARABIC}</p>' in html
    assert "=HYPERLINK(&#34;http://example.org&#34;)" in html


def test_the_list_follows_the_selection_and_never_shows_a_small_group(client, manager, answers):
    skovde = client.get(URL, query_string={"organisation": _org_id("Skövde")}).text
    assert _listed(skovde) == [f"Skövde svar {i}" for i in range(5, -1, -1)]
    # the page's period narrows the list too
    january = client.get(URL, query_string={"until": "2026-01-31"}).text
    assert _listed(january) == [f"Skövde svar {i}" for i in range(5, -1, -1)]
    # a kommun with 3 respondents: no answers, and why
    small = client.get(URL, query_string={"organisation": _org_id("Lidköping")}).text
    assert "Urvalet har färre än 5 svarande, så inga öppna svar visas: fritext kan avslöja vem som svarat." \
        in small
    assert "Lidköping svar" not in small and _listed(small) == []


def test_a_samordnare_sees_only_their_own_kommuns_answers_and_cannot_tag(client, answers):
    factories.login(client, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    html = client.get(URL, query_string={"svar_kommentar": "2"}).text
    assert "Skövde" not in html and "Lidköping" not in html
    assert _listed(html)[-1] == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert "Hantera teman" not in html and "tag-form" not in html
    skovde_answer = db.session.scalar(select(Answer.id).where(Answer.text == "Skövde svar 1"))
    assert client.post(f"/reports/svar/{skovde_answer}/teman", data={"tema": "1"}).status_code == 403
    assert client.get("/reports/teman").status_code == 403
    assert client.post("/reports/teman", data={"namn": "Väntetider"}).status_code == 403
    assert db.session.scalar(select(AnswerTheme)) is None


def test_projektledning_defines_themes_tags_answers_and_sees_counts(client, manager, answers):
    page = client.get("/reports/teman", query_string={"fran": URL})
    assert page.status_code == 200 and "Inga teman än." in page.text
    assert f'<a href="{URL}">Tillbaka till rapporten</a>' in page.text
    created = client.post("/reports/teman", data={"namn": "  Väntetider ", "fran": URL})
    assert created.status_code == 303
    assert created.headers["Location"].endswith("/reports/teman?fran=/reports/avslutningsenkat")
    # a control character is refused at the door
    assert client.post("/reports/teman", data={"namn": "Bemö\x07tande"}).status_code == 400
    client.post("/reports/teman", data={"namn": "Bemö tande"})
    refused = client.post("/reports/teman", data={"namn": "väntetider"}, follow_redirects=True)
    assert "Det finns redan ett tema som heter ”Väntetider”." in refused.text
    empty = client.post("/reports/teman", data={"namn": "   "}, follow_redirects=True)
    assert "Skriv temats namn." in empty.text
    long = client.post("/reports/teman", data={"namn": "x" * 101}, follow_redirects=True)
    assert "Temats namn får vara högst 100 tecken." in long.text
    themes = {t.name: t.id for t in db.session.scalars(select(AnswerTheme))}
    assert set(themes) == {"Väntetider", "Bemö tande"}
    # a name is put right by renaming it
    client.post(f"/reports/teman/{themes.pop('Bemö tande')}/namn", data={"namn": "Bemötande"})
    themes = {t.name: t.id for t in db.session.scalars(select(AnswerTheme))}
    assert set(themes) == {"Väntetider", "Bemötande"}

    ids = {t: db.session.scalar(select(Answer.id).where(Answer.text == t))
           for t in ("Mariestad svar 24", "Mariestad svar 23", "Skövde svar 0")}
    back = URL + "?svar_kommentar=1"
    for text in ids:
        response = client.post(f"/reports/svar/{ids[text]}/teman",
                               data={"tema": [str(themes["Väntetider"])], "next": back})
        assert response.status_code == 303 and response.headers["Location"].endswith(back)
    # the form returns to a report page, never to another site
    elsewhere = client.post(f"/reports/svar/{ids['Mariestad svar 24']}/teman",
                            data={"tema": [str(themes["Väntetider"]), str(themes["Bemötande"])],
                                  "next": "https://evil.example/reports/"})
    assert elsewhere.headers["Location"] in ("/reports/", "http://localhost/reports/")
    # an answer that is not free text cannot be tagged
    coded = db.session.scalar(select(Answer.id).where(Answer.question_key == "tro_formaga"))
    assert client.post(f"/reports/svar/{coded}/teman", data={"tema": "1"}).status_code == 404

    html = client.get(URL).text
    counts = dict(re.findall(r'<li data-theme="(\w+)">.*?<span class="count">(\d+)</span>', html, re.S))
    assert counts == {str(themes["Väntetider"]): "3", str(themes["Bemötande"]): "1", "none": "27"}
    # the list limited to a theme
    only = client.get(URL, query_string={"tema_kommentar": themes["Bemötande"]}).text
    assert _listed(only) == ["Mariestad svar 24"]
    waits = client.get(URL, query_string={"tema_kommentar": themes["Väntetider"]}).text
    assert _listed(waits) == ["Mariestad svar 24", "Mariestad svar 23", "Skövde svar 0"]
    # ticking none removes the tags
    client.post(f"/reports/svar/{ids['Mariestad svar 23']}/teman", data={"next": back})
    assert db.session.scalar(select(AnswerTag).where(AnswerTag.answer_id == ids["Mariestad svar 23"])) is None

    client.post(f"/reports/teman/{themes['Bemötande']}/namn", data={"namn": "Bra bemötande"})
    assert db.session.get(AnswerTheme, themes["Bemötande"]).name == "Bra bemötande"
    # a theme in use is deleted only when its tags are to go too
    refused = client.post(f"/reports/teman/{themes['Väntetider']}/ta-bort", follow_redirects=True)
    assert "Temat ”Väntetider” används på 2 svar." in refused.text
    assert db.session.get(AnswerTheme, themes["Väntetider"]) is not None
    client.post(f"/reports/teman/{themes['Väntetider']}/ta-bort", data={"ta_bort_taggar": "1"})
    assert db.session.get(AnswerTheme, themes["Väntetider"]) is None
    assert db.session.scalar(select(AnswerTag).where(AnswerTag.theme_id == themes["Väntetider"])) is None
    assert client.post("/reports/teman/99999/ta-bort").status_code == 404

    log = [(e.action, e.detail) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert ("theme.create", "Väntetider") in log
    assert ("theme.rename", "Bemö tande → Bemötande") in log
    assert ("theme.rename", "Bemötande → Bra bemötande") in log
    assert ("theme.delete", "Väntetider (2 taggar)") in log
    assert (("answer.tag", f"svar {ids['Mariestad svar 24']} (kommentar): + Bemötande")) in log
    assert ("answer.tag", f"svar {ids['Mariestad svar 23']} (kommentar): − Väntetider") in log
    # the log names answers and themes, never what was written
    assert not any("Mariestad svar" in detail for _, detail in log)
    # a samordnare sees an answer's themes, without the form
    factories.login(client, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    html = client.get(URL).text
    tags = '<p class="answer-themes">Teman: <span class="theme-tag"><bdi>Bra bemötande</bdi></span></p>'
    assert tags in html
    assert "tag-form" not in html


def test_the_workbook_lists_the_open_answers_with_their_themes(client, manager, answers):
    client.post("/reports/teman", data={"namn": "Väntetider"})
    theme = db.session.scalar(select(AnswerTheme.id))
    answer = db.session.scalar(select(Answer.id).where(Answer.text == "Skövde svar 0"))
    client.post(f"/reports/svar/{answer}/teman", data={"tema": str(theme)})
    download = factories.export(client, URL + ".xlsx")
    workbook = load_workbook(io.BytesIO(download.data))
    sheet = workbook["Öppna svar"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("Fråga", "Månad", "Mättillfälle", "Kommun", "Svar", "Teman")
    listed = [r for r in rows[1:] if r[1]]
    assert len(listed) == 30
    assert listed[0][2:] == ("Avslut 2026", "Mariestad", "Mariestad svar 24", "")
    assert (listed[0][1].year, listed[0][1].month, listed[0][1].day) == (2026, 2, 1)
    assert sheet.cell(row=2, column=2).number_format == "yyyy-mm"
    assert listed[-1][3:] == ("Skövde", "Skövde svar 0", "Väntetider")
    assert not any(r[3] == "Lidköping" for r in listed)
    note = "Svar från en kommun med färre än 5 svarande i ett mättillfälle finns inte med."
    assert note in [r[0] for r in rows]
    # text that looks like a formula stays text
    formula = next(c for row in sheet.iter_rows(min_row=2) for c in row if c.value == FORMULA)
    assert formula.data_type == "s"
    assert any(r[4] == ARABIC for r in listed) and any(r[4] == SCRIPT for r in listed)
    event = db.session.scalar(select(AuditEvent).filter_by(action="export.responses"))
    assert "30 öppna svar" in event.detail


def test_a_samordnares_workbook_has_no_open_answers(client, answers):
    factories.login(client, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    workbook = load_workbook(io.BytesIO(factories.export(client, URL + ".xlsx").data))
    assert "Öppna svar" not in workbook.sheetnames


def test_the_command_lines_workbook_with_text_lists_the_open_answers(runner, tmp_path, answers):
    path = tmp_path / "med-text.xlsx"
    result = runner.invoke(args=["report", "avslutningsenkat", "--xlsx", str(path), "--with-text",
                                 "--organisation", "Skövde", "--organisation", "Lidköping"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(path)["Öppna svar"]
    listed = [r[3:5] for r in sheet.iter_rows(min_row=2, values_only=True) if r[1]]
    assert listed == [("Skövde", f"Skövde svar {i}") for i in range(5, -1, -1)]
    without = tmp_path / "utan-text.xlsx"
    assert runner.invoke(args=["report", "avslutningsenkat", "--xlsx", str(without)]).exit_code == 0
    assert "Öppna svar" not in load_workbook(without).sheetnames
    event = db.session.scalars(select(AuditEvent).filter_by(action="export.responses")).first()
    assert "6 öppna svar" in event.detail


def test_purged_answers_take_their_tags_with_them(client, runner, manager, answers):
    client.post("/reports/teman", data={"namn": "Väntetider"})
    theme = db.session.scalar(select(AnswerTheme.id))
    answer = db.session.scalar(select(Answer.id).where(Answer.text == "Skövde svar 0"))
    client.post(f"/reports/svar/{answer}/teman", data={"tema": str(theme)})
    assert db.session.scalar(select(AnswerTag)) is not None
    result = runner.invoke(args=["purge", "--round", "Avslut 2026", "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(AnswerTag)) is None
    assert db.session.get(AnswerTheme, theme) is not None
