"""The goal table as a Word document (``surveyapp goals --docx``), read back with python-docx:
projektmål headings with every delmål, its verdict in words and colour and its motivering,
the reach table, the method note; two dates side by side with --compare."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from surveyapp.extensions import db
from surveyapp.models import GoalAssessment
from surveyapp.services.jobs import wait_for_jobs
from surveyapp.services.project import goal_table
from tests import factories
from tests.project_data import load_project

VERDICT_WORDS = {"Uppnått", "Delvis uppnått", "Ej uppnått", "Osäker"}
VERDICT_FILLS = {"Uppnått": "C6EFCE", "Delvis uppnått": "FFD8A8", "Ej uppnått": "FFC7CE", "Osäker": "E0E0E0"}


def _rows(document) -> list[list[str]]:
    """The goal table's rows: each cell's text once (a merged projektmål row is one cell)."""
    table = document.tables[0]
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1][1]:
                cells.append((cell.text, cell._tc))
        rows.append([text for text, _tc in cells])
    return rows


def _fill(cell) -> str | None:
    shading = cell._tc.tcPr.find(docx.oxml.ns.qn("w:shd"))
    return None if shading is None else shading.get(docx.oxml.ns.qn("w:fill"))


def _write(runner, path: Path, *args: str) -> docx.Document:
    result = runner.invoke(args=["goals", "--docx", str(path), *args])
    assert result.exit_code == 0, result.output
    return docx.Document(str(path))


def _assess(key: str, assessment: str, motivering: str) -> None:
    db.session.add(GoalAssessment(goal_key=key, assessment=assessment, motivering=motivering))
    db.session.commit()


def test_the_word_document_holds_every_delmal_by_projektmal_with_verdict_and_motivering(runner, tmp_path):
    load_project(runner, tmp_path)
    _assess("uppfoljning_6man.0", "delvis", "De flesta ökade inom ett steg.")
    _assess("manual.omedveten_sarbehandling", "troligen uppnått", "Alla har gått utbildningen.")
    document = _write(runner, tmp_path / "maltabell.docx")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Cresco+ – måluppfyllelse"
    assert "Räckvidd" in headings and "Om siffrorna" in headings

    rows = _rows(document)
    assert rows[0] == ["Delmål", "Målvärde", "Utfall", "Bedömning", "Motivering"]
    table = goal_table()
    titles = [s.title for s in table.sections]
    # each projektmål is a heading row spanning the table, followed by its delmål in order
    position = 1
    for section in table.sections:
        if section.title is not None:
            assert rows[position] == [section.title], rows[position]
            position += 1
        for goal in section.goals:
            row = rows[position]
            assert len(row) == 5, row
            assert row[3].split("\n")[0] in VERDICT_WORDS | {"–"}
            if goal.total.status is not None:  # a figure: its verdict is on the scale
                assert row[3].split("\n")[0] in VERDICT_WORDS, (goal.key, row)
            position += 1
    assert position == len(rows)
    assert "Deltagare uppnår en varaktig progression mot arbete eller studier" in titles

    text = {r[0].split("\n")[0]: r for r in rows[1:] if len(r) == 5}
    # projektledning's bedömning is the verdict, its motivering beside it; the figure is k of n
    followed = text["Ökat eller behållit sin progression"]
    assert followed[2] == "67\xa0% (4 av 6)"
    assert followed[3] == "Delvis uppnått" and followed[4] == "De flesta ökade inom ett steg."
    # a bedömning off the scale is shown in its own words under the proposed verdict
    manual = text["Personalen har ökad kunskap om omedveten särbehandling"]
    assert manual[2] == "–" and manual[3] == "–\ntroligen uppnått"
    assert manual[4] == "Alla har gått utbildningen."
    assert text["Deltagare"][2] == "14 av 500" and text["Deltagare"][3] == "Ej uppnått"
    # the verdict is a word and a colour
    for row in document.tables[0].rows[1:]:
        cells = row.cells
        if len({c._tc for c in cells}) == 5 and cells[3].text.split("\n")[0] in VERDICT_FILLS:
            assert _fill(cells[3]) == VERDICT_FILLS[cells[3].text.split("\n")[0]]

    reach = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert reach[0] == ["Uppföljning", "Grupp", "Andel (k av n)"]
    followed_up = "Uppföljningen efter sex månader: gjorda av dem som samtyckt"
    assert [followed_up, "Totalt", "67\xa0% (6 av 9)"] in reach
    assert any(r[1] == "Kommun: Mariestad" for r in reach)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "95 % konfidensintervall" in body and "Grupper med färre än 5 personer" in body
    assert "Läget den" in body and "Alla kommuner." in body


def test_a_samordnares_word_document_holds_only_their_kommun(app, client, runner, tmp_path):
    load_project(runner, tmp_path)
    factories.login(client, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    started = client.post("/staff/maluppfyllelse/maltabell.docx")
    assert started.status_code == 303
    wait_for_jobs(app)
    state = client.get(started.headers["Location"] + "/status").get_json()
    assert state["status"] == "done", state
    download = client.get(state["file"])
    assert download.status_code == 200
    document = docx.Document(io.BytesIO(download.data))
    everything = "\n".join([p.text for p in document.paragraphs] + [
        c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "Mariestad" in everything
    assert "Skövde" not in everything and "Lidköping" not in everything
    # Mariestad's own target: 8 participants of its 120
    rows = {r[0].split("\n")[0]: r for r in _rows(document)[1:]}
    assert rows["Deltagare"][1] == "120 (mål för Mariestad)" and rows["Deltagare"][2] == "8 av 120"


def test_two_dates_stand_side_by_side_with_the_change(runner, tmp_path):
    load_project(runner, tmp_path)
    document = _write(runner, tmp_path / "jamforelse.docx", "--as-of", "2026-06-30",
                      "--compare", "2025-06-30")
    rows = _rows(document)
    assert rows[0][:5] == ["Delmål", "Målvärde", "30 juni 2025", "30 juni 2026", "Förändring"]
    by_label = {r[0].split("\n")[0]: r for r in rows[1:] if len(r) > 1}
    # by mid-2025 nobody had ended: 14 registered then and now, the avslut came later
    assert by_label["Deltagare"][2:5] == ["14 av 500", "14 av 500", "0"]
    work = by_label["Arbete, studier eller arbetssökande efter avslut"]
    assert work[2] == "–" and work[3].startswith("42\xa0% (5 av 12)")
    followed = by_label["Ökat eller behållit sin progression"]
    assert followed[2] == "–" and followed[3] == "67\xa0% (4 av 6)"


@pytest.mark.parametrize("args, message", [
    (["--json", "--compare", "2026-01-01"], "--compare needs --docx FILE or --xlsx FILE"),
    (["--docx", "x.docx", "--as-of", "2026-01-01", "--compare", "2026-01-01"], "another day"),
    (["--docx", "x.docx", "--compare", "2026-13-01"], "2026-13-01"),
])
def test_a_comparison_needs_a_file_and_another_valid_day(runner, args, message):
    result = runner.invoke(args=["goals", *args])
    assert result.exit_code != 0
    assert message in result.output
