"""Importing historical answers: the web form's rules, one transaction, no duplicates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, Response, Round
from surveyapp.services import imports
from surveyapp.services.frames import ordered_rounds
from tests import factories
from tests.exports.dataset import (
    ORGANISATIONS,
    avslutningsenkat_rows,
    samverkan_rows,
    write_csv,
    write_xlsx,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _organisations() -> None:
    for name in ORGANISATIONS:
        factories.organisation(name)


def test_semicolon_csv_with_bom_is_imported_answer_by_answer(runner, tmp_path):
    _organisations()
    rows = avslutningsenkat_rows(40)
    path = write_csv(tmp_path / "avslut.csv", rows, delimiter=";", bom=True)
    result = runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", "Avslut 2026"])
    assert result.exit_code == 0, result.output
    assert "40 response(s) stored" in result.output
    assert _count(Response) == 40

    row = next(r for r in rows if r["diskriminering"].count(";") == 1)
    response = db.session.scalar(select(Response).filter_by(uuid=row["response_id"]))
    assert response.organisation.name == row["organisation"]
    assert response.language == row["language"]
    assert response.round.name == "Avslut 2026"
    assert response.submitted_at == datetime.strptime(row["submitted_at"], "%Y-%m-%d %H:%M")
    stored = {(a.question_key, a.code) for a in response.answers if a.code}
    for code in row["diskriminering"].split(";"):
        assert ("diskriminering", code) in stored
    assert ("tro_formaga", row["tro_formaga"]) in stored
    number = db.session.scalar(
        select(Answer.number).filter_by(response_id=response.id, question_key="tro_formaga"))
    assert number == int(row["tro_formaga"])


def test_comma_csv_without_bom_and_matrix_columns(runner, tmp_path):
    _organisations()
    path = write_csv(tmp_path / "samverkan.csv", samverkan_rows(12, month=3), delimiter=",", bom=False)
    result = runner.invoke(args=["import", "samverkan", str(path), "--round", "Mättillfälle 1"])
    assert result.exit_code == 0, result.output
    assert _count(Response) == 12
    matrix = db.session.scalar(select(func.count()).select_from(Answer).where(
        Answer.question_key == "insatser_indikatorer"))
    samordnare = db.session.scalar(select(func.count()).select_from(Response).filter_by(role="samordnare"))
    assert matrix == 10 * samordnare


def test_xlsx_with_numbers_and_dates_is_imported(runner, tmp_path):
    _organisations()
    rows = avslutningsenkat_rows(15, seed=5)
    path = write_xlsx(tmp_path / "avslut.xlsx", rows)
    result = runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", "Avslut"])
    assert result.exit_code == 0, result.output
    assert _count(Response) == 15
    formula_like = [r for r in rows if r["kommentar"].startswith("=")]
    texts = set(db.session.scalars(select(Answer.text).where(Answer.question_key == "kommentar")))
    assert all(r["kommentar"] in texts for r in formula_like)


def test_every_bad_row_is_reported_and_nothing_is_stored(runner, tmp_path):
    _organisations()
    rows = avslutningsenkat_rows(6)
    rows[1]["tro_formaga"] = "7"
    rows[2]["organisation"] = "Hjo"
    rows[3]["bemotande_samordnare"] = "bra"
    rows[3]["bemotande_handlaggare"] = "bra"
    rows[3]["diskriminering"] = "kon"
    rows[4]["submitted_at"] = "igår"
    rows[5]["kon"] = ""
    path = write_csv(tmp_path / "bad.csv", rows)
    result = runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", "Ny omgång"])
    assert result.exit_code == 1
    errors = result.stderr
    assert "row 3, tro_formaga: Svaret ”7” finns inte bland svarsalternativen." in errors
    assert "row 4, organisation: Organisationen ”Hjo” finns inte." in errors
    assert 'surveyapp organisations add "Hjo"' in errors
    assert "row 5, diskriminering:" in errors
    assert "row 6, submitted_at:" in errors
    assert "row 7, kon: Svara på frågan." in errors
    assert "row 2," not in errors
    assert "Nothing imported: 5 problem(s)" in errors
    assert _count(Response) == 0
    assert db.session.scalar(select(Round).filter_by(name="Ny omgång")) is None


def test_free_text_with_semicolons_is_kept_whole(runner, tmp_path):
    _organisations()
    rows = avslutningsenkat_rows(3)
    rows[0]["kommentar"] = "Bra bemötande; tack för allt"
    path = write_csv(tmp_path / "text.csv", rows, delimiter=";")
    result = runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", "Avslut 2026"])
    assert result.exit_code == 0, result.output
    stored = db.session.scalars(select(Answer.text).filter_by(question_key="kommentar")).all()
    assert "Bra bemötande; tack för allt" in stored


def test_reimporting_the_same_file_stores_nothing_new(runner, tmp_path):
    _organisations()
    path = write_csv(tmp_path / "avslut.csv", avslutningsenkat_rows(20))
    first = runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", "Avslut"])
    answers = _count(Answer)
    second = runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", "Avslut"])
    assert first.exit_code == second.exit_code == 0
    assert "0 response(s) stored, 20 already stored before" in second.output
    assert (_count(Response), _count(Answer)) == (20, answers)


def test_rows_another_import_stored_meanwhile_are_skipped_not_doubled(runner, tmp_path, monkeypatch):
    """Two imports of one file at once: the second's check saw none of the rows, the first
    stored them before the second wrote. The second then stores only what is still new."""
    _organisations()
    rows = avslutningsenkat_rows(12)
    runner.invoke(args=["import", "avslutningsenkat", str(write_csv(tmp_path / "a.csv", rows[:8])),
                        "--round", "Avslut"])
    monkeypatch.setattr(imports, "_stored_rounds", lambda uuids: {})  # as if checked before the first
    result = runner.invoke(args=["import", "avslutningsenkat", str(write_csv(tmp_path / "b.csv", rows)),
                                 "--round", "Avslut"])
    assert result.exit_code == 0, result.output
    assert "4 response(s) stored, 8 already stored before" in result.output
    assert _count(Response) == 12


def test_a_response_id_twice_in_one_file_is_an_error(runner, tmp_path):
    _organisations()
    rows = avslutningsenkat_rows(3)
    rows[2]["response_id"] = rows[0]["response_id"]
    result = runner.invoke(args=["import", "avslutningsenkat", str(write_csv(tmp_path / "d.csv", rows)),
                                 "--round", "Avslut"])
    assert result.exit_code == 1
    assert "row 4, response_id: Svarets id finns redan på rad 2." in result.stderr


def test_a_response_id_given_again_batches_later_is_an_error_naming_the_first_row(runner, tmp_path,
                                                                                  monkeypatch):
    """Only the last batch's ids are held in memory: the ones before wait in the database, and a
    repeat is still found, also after another problem, and nothing is stored."""
    _organisations()
    monkeypatch.setattr(imports, "BATCH", 4)
    held = []
    add = imports._SeenIds.add

    def counted_add(self, uuid, number):
        held.append(len(self.pending))
        return add(self, uuid, number)

    monkeypatch.setattr(imports._SeenIds, "add", counted_add)
    rows = avslutningsenkat_rows(14)
    good = [dict(row) for row in rows]
    rows[11]["response_id"] = rows[0]["response_id"]  # spreadsheet row 13 repeats row 2
    rows[13]["response_id"] = rows[5]["response_id"]  # row 15 repeats row 7
    rows[2]["language"] = ""  # row 4: another problem first
    result = runner.invoke(args=["import", "avslutningsenkat", str(write_csv(tmp_path / "d.csv", rows)),
                                 "--round", "Avslut"])
    assert result.exit_code == 1
    assert "row 13, response_id: Svarets id finns redan på rad 2." in result.stderr
    assert "row 15, response_id: Svarets id finns redan på rad 7." in result.stderr
    assert "row 4, language:" in result.stderr
    assert _count(Response) == 0
    assert len(held) == 13 and max(held) < 4  # row 4 has no id to compare: its check failed

    # the same ids in the next import of the same process are no repeats
    for attempt in ("first", "again"):
        result = runner.invoke(args=["import", "avslutningsenkat",
                                     str(write_csv(tmp_path / f"{attempt}.csv", good)), "--round", "Avslut"])
        assert result.exit_code == 0, result.output
    assert "0 response(s) stored, 14 already stored before" in result.output
    assert _count(Response) == 14


def test_missing_columns_are_named(runner, tmp_path):
    _organisations()
    rows = [{k: v for k, v in r.items() if k != "role"} for r in samverkan_rows(2, month=3)]
    result = runner.invoke(args=["import", "samverkan", str(write_csv(tmp_path / "s.csv", rows)),
                                 "--round", "M1"])
    assert result.exit_code == 1
    assert "row 1, role: Kolumnen ”role” saknas." in result.stderr


def test_rows_without_response_id_are_stored_and_the_risk_is_told(runner, tmp_path):
    _organisations()
    rows = [{k: v for k, v in r.items() if k != "response_id"} for r in avslutningsenkat_rows(4)]
    result = runner.invoke(args=["import", "avslutningsenkat", str(write_csv(tmp_path / "a.csv", rows)),
                                 "--round", "Avslut"])
    assert result.exit_code == 0, result.output
    assert "4 row(s) had no response_id" in result.output


def test_rounds_are_ordered_by_their_first_answer(runner, tmp_path):
    _organisations()
    late = write_csv(tmp_path / "late.csv", samverkan_rows(5, month=9))
    early = write_csv(tmp_path / "early.csv", samverkan_rows(5, month=2))
    assert runner.invoke(args=["import", "samverkan", str(late), "--round", "Höst"]).exit_code == 0
    assert runner.invoke(args=["import", "samverkan", str(early), "--round", "Vår"]).exit_code == 0
    assert [r.name for r in ordered_rounds("samverkan")] == ["Vår", "Höst"]


def test_closed_rounds_accept_imports(runner, tmp_path):
    _organisations()
    round_ = factories.round_("samverkan", "Gammal")
    round_.close()
    db.session.commit()
    path = write_csv(tmp_path / "s.csv", samverkan_rows(3, month=4))
    result = runner.invoke(args=["import", "samverkan", str(path), "--round", "Gammal"])
    assert result.exit_code == 0, result.output
    assert _count(Response) == 3


def test_rows_of_an_organisation_the_round_does_not_cover_are_refused(runner, tmp_path):
    _organisations()
    round_ = factories.round_("samverkan", "Mättillfälle 2")
    round_.organisations = [factories.organisation(ORGANISATIONS[0])]
    db.session.commit()
    rows = samverkan_rows(6, month=4)
    outside = next(i for i, row in enumerate(rows) if row["organisation"] != ORGANISATIONS[0])
    path = write_csv(tmp_path / "s.csv", rows)
    result = runner.invoke(args=["import", "samverkan", str(path), "--round", "Mättillfälle 2"])
    assert result.exit_code == 1
    expected = (f"row {outside + 2}, organisation: Mättillfället ”Mättillfälle 2” omfattar inte "
                f"{rows[outside]['organisation']}.")
    assert expected in result.stderr
    assert _count(Response) == 0


def test_a_response_id_stored_in_another_round_is_an_error(runner, tmp_path):
    _organisations()
    path = write_csv(tmp_path / "s.csv", samverkan_rows(3, month=4))
    assert runner.invoke(args=["import", "samverkan", str(path), "--round", "Vår"]).exit_code == 0
    result = runner.invoke(args=["import", "samverkan", str(path), "--round", "Höst"])
    assert result.exit_code == 1
    expected = "row 2, response_id: Svaret med detta id finns redan i mättillfället ”Vår” för samverkan."
    assert expected in result.stderr
    assert _count(Response) == 3


def test_a_csv_not_in_utf8_is_refused_with_advice(runner, tmp_path):
    _organisations()
    path = tmp_path / "latin1.csv"
    path.write_bytes("submitted_at;language;organisation;kon\n2026-01-01;sv;Skövde;kvinna\n".encode("cp1252"))
    result = runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", "Avslut"])
    assert result.exit_code == 1
    assert "row 1, file: Filen är inte sparad som UTF-8" in result.stderr


def test_a_broken_xlsx_is_refused(runner, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a spreadsheet")
    result = runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", "Avslut"])
    assert result.exit_code == 1
    assert "row 1, file: Filen går inte att läsa:" in result.stderr


def test_rows_another_import_stored_meanwhile_are_skipped_and_the_others_stored(runner, tmp_path,
                                                                                monkeypatch):
    _organisations()
    rows = avslutningsenkat_rows(40)
    first = write_csv(tmp_path / "first.csv", rows[:15])
    result = runner.invoke(args=["import", "avslutningsenkat", str(first), "--round", "Avslut 2026"])
    assert result.exit_code == 0, result.output
    # as if another import stored those 15 between the look-up and the INSERT: the bulk INSERT
    # meets the unique response id, and the batch is stored row by row, skipping them
    monkeypatch.setattr(imports, "_stored_rounds", lambda uuids: {})
    whole = write_csv(tmp_path / "whole.csv", rows)
    result = runner.invoke(args=["import", "avslutningsenkat", str(whole), "--round", "Avslut 2026"])
    assert result.exit_code == 0, result.output
    assert "25 response(s) stored" in result.output
    assert _count(Response) == 40
    assert db.session.scalar(select(func.count()).select_from(Response).where(~Response.answers.any())) == 0
    stored = db.session.scalars(select(Response.uuid)).all()
    assert sorted(stored) == sorted(r["response_id"] for r in rows)
