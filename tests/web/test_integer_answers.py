"""A whole-number question answered through a link, counted in the report and exported."""

from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Answer
from surveyapp.services.questionnaires import check_xlsform_file, publish_questionnaire
from tests import factories

ROOT = Path(__file__).resolve().parent.parent.parent


def _publish(tmp_path: Path) -> None:
    """Questionnaire ``tal``: a required age from 16 to 65 and optional hours, published as the
    Enkäter page publishes a spreadsheet."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    for row in (["type", "name", "label::Svenska (sv)", "label::English (en)", "required", "constraint"],
                ["select_one kon", "kon", "Kön", "Gender", "yes", None],
                ["integer", "alder", "Hur gammal är du?", "How old are you?", "yes", ". >= 16 and . <= 65"],
                ["integer", "timmar", "Hur många timmar i veckan?", "How many hours a week?", None,
                 ". >= 0"]):
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in (["list_name", "name", "label::Svenska (sv)"], ["kon", "kvinna", "Kvinna"],
                ["kon", "man", "Man"]):
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title"])
    settings.append(["tal", "Enkät med tal"])
    path = tmp_path / "tal.xlsx"
    book.save(path)
    publish_questionnaire(check_xlsform_file(path, ROOT / "questionnaires"), "upload")
    db.session.commit()


def _post(client, link, **answers):
    return client.post(f"/s/{link.token}/sv", data={"response_uuid": str(uuid.uuid4()), **answers})


def _numbers() -> list[tuple]:
    db.session.remove()
    return db.session.execute(select(Answer.question_key, Answer.code, Answer.number, Answer.text)
                              .where(Answer.question_key.in_(["alder", "timmar"]))
                              .order_by(Answer.id)).all()


def test_the_form_asks_for_a_number_and_stores_it(client, tmp_path):
    _publish(tmp_path)
    link = factories.link("tal")
    page = client.get(f"/s/{link.token}/sv").text
    assert 'name="alder"' in page and 'inputmode="numeric"' in page
    assert "Ett heltal från 16 till 65." in page and "Ett heltal, minst 0." in page
    rules = json.loads(page.split("data-rules='")[1].split("'")[0])
    assert rules["questions"][1]["number"] == {"minimum": 16, "maximum": 65}

    assert _post(client, link, kon="kvinna", alder=" 34 ", timmar="٢٠").status_code == 302
    assert _numbers() == [("alder", None, 34, None), ("timmar", None, 20, None)]


def test_a_wrong_number_is_refused_in_the_participants_language_and_nothing_is_stored(client, tmp_path):
    _publish(tmp_path)
    link = factories.link("tal")
    for written, message in (("trettio", "Skriv ett heltal med siffror, till exempel 12."),
                             ("3,5", "Skriv ett heltal med siffror, till exempel 12."),
                             ("12\x00", "Skriv ett heltal med siffror, till exempel 12."),
                             ("15", "Talet måste vara minst 16."), ("66", "Talet får vara högst 65.")):
        refused = _post(client, link, kon="man", alder=written)
        assert refused.status_code == 302 and "utkast=" in refused.location, written
        page = client.get(refused.location).text
        assert message in page, written
    odd = client.post(f"/s/{link.token}/sv", data=b"kon=man&alder=%ff%fe3",
                      content_type="application/x-www-form-urlencoded")
    assert odd.status_code in (302, 400)
    assert _numbers() == []


def test_the_report_counts_n_mean_and_median(client, runner, tmp_path):
    _publish(tmp_path)
    mariestad, skovde = factories.link("tal"), factories.link("tal", "Skövde")
    for link, alder in ((mariestad, "20"), (mariestad, "30"), (skovde, "40"), (skovde, "41"),
                        (skovde, "19"), (mariestad, "22"), (mariestad, "24"), (mariestad, "60"),
                        (skovde, "25"), (skovde, "35")):
        assert _post(client, link, kon="man", alder=alder).status_code == 302

    def figures():
        result = runner.invoke(args=["report", "tal", "--json", "--by", "organisation"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["questions"]

    alder = figures()["alder"]
    assert alder["n"] == 10 and alder["mean"] == {"value": 31.6, "n": 10} and alder["median"] == 27.5
    by = alder["by"]["organisation"]
    assert by["Mariestad"] == {"n": 5, "mean": {"value": 31.2, "n": 5}, "median": 24.0}
    assert by["Skövde"] == {"n": 5, "mean": {"value": 32.0, "n": 5}, "median": 35.0}
    assert figures()["timmar"]["n"] == 0 and "distribution" not in alder

    factories.login(client, factories.user("pl@example.se", "projektledning"))
    page = client.get("/reports/tal?by=organisation").text
    table = page.split('id="item-alder"')[1].split("</table>")[0]
    assert "Median" in table and '<td class="num n">10</td>' in table
    assert '<td class="num mean">31,60</td>' in table and '<td class="num median">27,5</td>' in table

    lidkoping = factories.link("tal", "Lidköping")
    for alder in ("30", "31"):  # two answers: a small cell, hidden
        _post(client, lidkoping, kon="man", alder=alder)
    assert figures()["alder"]["by"]["organisation"]["Lidköping"] == {"suppressed": True}
    assert figures()["alder"]["n"] == 12


def test_the_answers_export_holds_the_numbers(client, runner, tmp_path):
    _publish(tmp_path)
    link = factories.link("tal")
    _post(client, link, kon="kvinna", alder="34", timmar="12")
    _post(client, link, kon="man", alder="50")
    out = tmp_path / "svar.xlsx"
    result = runner.invoke(args=["report", "tal", "--xlsx", str(out), "--no-coarsen"])
    assert result.exit_code == 0, result.output
    book = load_workbook(out, read_only=True)
    sheet = book["Svar"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    numbers = [[c.value for c in row] for row in book["Heltal"].iter_rows()]
    book.close()
    assert numbers[0] == ["Fråga", "Indelning", "Grupp", "n", "Medelvärde", "Median"]
    assert numbers[1] == ["Hur gammal är du?", "Totalt", "Alla", 2, 42, 42]
    assert numbers[2][:4] == ["Hur många timmar i veckan?", "Totalt", "Alla", 1]
    header_index = next(i for i, row in enumerate(rows) if "alder" in row)
    header = rows[header_index]
    alder, timmar = header.index("alder"), header.index("timmar")
    values = sorted((row[alder], row[timmar]) for row in rows[header_index + 1:] if row[alder] is not None)
    assert values == [(34, 12), (50, None)]

    csv_file = tmp_path / "svar.csv"
    exported = runner.invoke(args=["export", "tal", str(csv_file), "--format", "csv", "--no-coarsen"])
    assert exported.exit_code == 0, exported.output
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert sorted((row["alder"], row["timmar"]) for row in read) == [("34", "12"), ("50", "")]
    codebook = (tmp_path / "svar-kodbok.txt").read_text(encoding="utf-8")
    assert "alder" in codebook and "Hur gammal är du?" in codebook


def test_an_import_file_holds_the_number_itself_and_a_bad_one_is_named_by_row(runner, tmp_path):
    _publish(tmp_path)
    factories.organisation("Mariestad")
    good = tmp_path / "svar.csv"
    good.write_text("submitted_at,language,organisation,kon,alder,timmar\n"
                    "2026-11-02,sv,Mariestad,kvinna,34,\n2026-11-03,ar,Mariestad,man,٤٠,12\n",
                    encoding="utf-8")
    result = runner.invoke(args=["import", "tal", str(good), "--round", "Import"])
    assert result.exit_code == 0, result.output
    assert _numbers() == [("alder", None, 34, None), ("alder", None, 40, None), ("timmar", None, 12, None)]
    bad = tmp_path / "fel.csv"
    bad.write_text("submitted_at,language,organisation,kon,alder\n2026-11-04,sv,Mariestad,man,tretton\n"
                   "2026-11-04,sv,Mariestad,man,70\n", encoding="utf-8")
    result = runner.invoke(args=["import", "tal", str(bad), "--round", "Import"])
    assert result.exit_code == 1
    assert "row 2, alder: Skriv ett heltal med siffror, till exempel 12." in result.output
    assert "row 3, alder: Talet får vara högst 65." in result.output
    assert len(_numbers()) == 3
