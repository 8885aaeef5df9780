"""Imports: text that cannot be stored, formula cells, over-long fields and oversized files
are row errors with a clear message, never a traceback; nothing is stored then."""

from __future__ import annotations

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Response
from tests import factories
from tests.exports.dataset import ORGANISATIONS, avslutningsenkat_rows, write_csv


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _organisations() -> None:
    for name in ORGANISATIONS:
        factories.organisation(name)


def _import(runner, path, round_name="Avslut 2026"):
    return runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", round_name])


def test_nul_and_control_characters_are_row_errors(runner, tmp_path):
    _organisations()
    rows = avslutningsenkat_rows(5)
    rows[1]["kommentar"] = "bra\x00stöd"
    rows[2]["organisation"] = "Mariestad\x00"
    rows[3]["language"] = "sv\x1b"
    result = _import(runner, write_csv(tmp_path / "nul.csv", rows))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "row 3, kommentar: Texten innehåller ett osynligt styrtecken" in result.output
    assert "row 4, organisation: Texten innehåller ett osynligt styrtecken" in result.output
    assert "row 5, language: Texten innehåller ett osynligt styrtecken" in result.output
    assert _count(Response) == 0


def test_the_demo_csv_writes_formula_text_as_text_and_imports_it_back_unchanged(runner, tmp_path):
    from surveyapp.models import Answer

    _organisations()
    rows = avslutningsenkat_rows(4)
    rows[0]["kommentar"], rows[1]["kommentar"] = "=1+1", "@SUM(A1)"
    path = write_csv(tmp_path / "formula.csv", rows)
    raw = path.read_text(encoding="utf-8-sig")
    assert "'=1+1" in raw and "'@SUM(A1)" in raw
    assert _import(runner, path).exit_code == 0
    texts = set(db.session.scalars(select(Answer.text).filter_by(question_key="kommentar")))
    assert {"=1+1", "@SUM(A1)"} <= texts


def test_a_field_over_the_limit_is_a_row_error_and_the_rows_after_it_are_still_checked(runner, tmp_path):
    _organisations()
    rows = avslutningsenkat_rows(4)
    rows[0]["kommentar"] = "x" * (200 * 1024)
    rows[2]["tro_formaga"] = "9"
    result = _import(runner, write_csv(tmp_path / "long.csv", rows))
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "row 2, file: Fältet är längre än 131072 tecken." in result.output
    assert "row 4, tro_formaga:" in result.output
    assert _count(Response) == 0


def test_a_formula_cell_is_a_row_error_not_an_empty_answer(runner, tmp_path):
    from tests.exports.dataset import write_xlsx

    _organisations()
    rows = avslutningsenkat_rows(3)
    path = write_xlsx(tmp_path / "formula.xlsx", rows)
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.active
    column = [c.value for c in sheet[1]].index("tro_formaga") + 1
    sheet.cell(3, column).value = "=2+2"  # a real formula, saved without a computed value
    workbook.save(path)
    result = _import(runner, path)
    assert result.exit_code != 0
    assert "row 3, tro_formaga: en formel, inte ett värde." in result.output
    assert _count(Response) == 0


def test_an_xlsx_that_unpacks_out_of_proportion_is_refused_before_it_is_read(runner, tmp_path, monkeypatch):
    import zipfile

    from surveyapp.services import imports

    monkeypatch.setattr(imports, "MAX_UNPACKED", 4 * 1024 * 1024)
    path = tmp_path / "bomb.xlsx"
    with (zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
          archive.open("xl/worksheets/sheet1.xml", "w") as member):
        for _ in range(8):
            member.write(b"\0" * (1024 * 1024))
    assert path.stat().st_size < 64 * 1024
    result = _import(runner, path)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "row 1, file: Filen packas upp till 8 MB" in result.output


def test_a_round_made_by_an_import_is_closed_and_covers_only_its_organisations(runner, tmp_path, client):
    from surveyapp.services.accounts import set_pin
    from surveyapp.services.rounds import find_round

    _organisations()
    factories.organisation("Gullspång")
    rows = [r for r in avslutningsenkat_rows(30) if r["organisation"] in ("Mariestad", "Skövde")]
    assert _import(runner, write_csv(tmp_path / "two.csv", rows), "Historik 2025").exit_code == 0
    round_ = find_round("avslutningsenkat", "Historik 2025")
    assert round_.state == "closed"
    assert sorted(o.name for o in round_.organisations) == ["Mariestad", "Skövde"]
    account = factories.user("s@gullspang.example", "samordnare", ["Gullspång"])
    set_pin(account, "2468")
    db.session.commit()
    factories.login(client, account)
    assert "Historik 2025" not in client.get("/kiosk/starta").text
    assert "Historik 2025" not in client.get("/staff/mattillfallen").text


def test_names_given_on_the_command_line_refuse_control_characters(runner, tmp_path):
    from surveyapp.models import Account, Organisation

    result = runner.invoke(args=["organisations", "add", "Mari\x00estad"])
    assert result.exit_code != 0 and "control characters" in result.output
    assert _count(Organisation) == 0
    result = runner.invoke(args=["users", "add", "a\x00b@example.org", "--role", "admin"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert _count(Account) == 0
    assert runner.invoke(args=["users", "disable", "a\x00b@example.org"]).exit_code != 0
    _organisations()
    path = write_csv(tmp_path / "ok.csv", avslutningsenkat_rows(2))
    result = _import(runner, path, "Runda\x00")
    assert result.exit_code != 0
    assert "row 1, round: Texten innehåller ett osynligt styrtecken" in result.output


def _with_doctype(path, where: str = "head", declare: bool = True):
    """Rewrites the first sheet's XML with a DOCTYPE declaring entities, used in a cell (``where``
    "head": the header row's first cell; "row": a later row), as a malformed or hostile file has."""
    import shutil
    import zipfile

    member = "xl/worksheets/sheet1.xml"
    source = path.with_suffix(".orig.xlsx")
    shutil.move(path, source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == member:
                text = data.decode()
                declaration = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                if declare:
                    text = text.replace("?>", "?>" + declaration, 1) if text.startswith("<?xml") \
                        else declaration + text
                if where == "head":
                    text = text.replace("<v>", "<v>&b;&undefined;", 1)
                else:
                    third = text.index('<row r="3"')
                    text = text[:third] + text[third:].replace("<v>", "<v>&undefined;", 1)
                data = text.encode()
            new.writestr(info, data)
    return path


def test_an_xlsx_whose_sheet_declares_entities_is_a_file_error_not_a_traceback(runner, tmp_path):
    from tests.exports.dataset import write_xlsx

    _organisations()
    for where in ("head", "row"):
        path = _with_doctype(write_xlsx(tmp_path / f"doctype-{where}.xlsx", avslutningsenkat_rows(4)), where)
        result = _import(runner, path)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "ParseError" not in result.output
        assert "file: Filen är ingen giltig Excel-fil" in result.output, result.output
    assert _count(Response) == 0


def test_a_register_xlsx_whose_sheet_declares_entities_is_a_file_error(runner, tmp_path):
    from openpyxl import Workbook

    factories.organisation("Mariestad")
    path = tmp_path / "register.xlsx"
    workbook = Workbook()
    workbook.active.append(["participant_code", "organisation", "enrolled_on", "kon", "aldersgrupp",
                            "fodelseregion"])
    workbook.active.append(["K7M4-X", "Mariestad", "2026-01-10", "kvinna", "25-29", "sverige"])
    workbook.active.append(["K7M4-Y", "Mariestad", "2026-01-11", "man", "25-29", "sverige"])
    workbook.save(path)
    result = runner.invoke(args=["participants", "import", str(_with_doctype(path, "row"))])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "file: Filen är ingen giltig Excel-fil" in result.output, result.output


def test_an_xlsx_whose_sheet_breaks_off_is_a_file_error_naming_the_row(runner, tmp_path):
    from tests.exports.dataset import write_xlsx

    _organisations()
    path = _with_doctype(write_xlsx(tmp_path / "broken.xlsx", avslutningsenkat_rows(4)), "row", declare=False)
    result = _import(runner, path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "file: Filen är ingen giltig Excel-fil: kalkylbladet går inte att läsa från rad" in result.output
    assert _count(Response) == 0
