"""The evaluator's files (surveyapp export, and the report page's job): SPSS, Stata and CSV
read back with pyreadstat, GNU PSPP and R's haven; labels, missing values and every answer as
in the database; and no combination of quasi-identifiers shared by fewer than the threshold."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from sqlalchemy import select

from surveyapp.analysis.disclosure import WITHHELD, coarsen, smallest_group
from surveyapp.analysis.records import answer_table
from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from surveyapp.services.frames import load_answers
from tests import factories

#: the quasi-identifiers of an avslutningsenkät file, by variable name
QUASI = ["manad", "sprak", "kommun", "kanal", "kon", "aldersgrupp", "fodelseregion"]
THRESHOLD = 5


def _export(runner, tmp_path: Path, questionnaire: str, file_format: str, *extra: str) -> Path:
    path = tmp_path / f"{questionnaire}.{file_format}"
    result = runner.invoke(args=["export", questionnaire, str(path), "--format", file_format, *extra])
    assert result.exit_code == 0, result.output
    return path


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".sav":
        return pyreadstat.read_sav(path, user_missing=True)[0]
    if path.suffix == ".dta":
        frame = pyreadstat.read_dta(path, user_missing=True)[0]
        letters = {"a": -8, "b": -7, "c": -9, "d": -6, "e": -5}
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                frame[column] = [letters.get(v, v) if isinstance(v, str) else v for v in frame[column]]
        return frame
    with open(path, encoding="utf-8", newline="") as handle:
        return pd.DataFrame(list(csv.DictReader(handle))).replace("", None)


@pytest.mark.parametrize("file_format", ["sav", "dta", "csv"])
def test_every_released_file_shares_each_combination_with_the_threshold(runner, tmp_path, avslutningsenkat,
                                                                        file_format):
    frame = _read(_export(runner, tmp_path, "avslutningsenkat", file_format))
    assert len(frame) == 120
    assert smallest_group(frame[QUASI].astype(str)) >= THRESHOLD
    # dated to the month at most: 202603, or withheld
    months = {str(m).removesuffix(".0") for m in frame["manad"]}
    assert all(m == "-6" or (len(m) == 6 and m.startswith("20")) for m in months)
    assert "svar_id" not in frame.columns and "datum" not in frame.columns


def test_the_excel_answer_sheet_and_the_files_are_coarsened_alike(runner, tmp_path, avslutningsenkat):
    from openpyxl import load_workbook

    path = tmp_path / "report.xlsx"
    assert runner.invoke(args=["report", "avslutningsenkat", "--xlsx", str(path)]).exit_code == 0
    rows = list(load_workbook(path)["Svar"].iter_rows(values_only=True))
    sheet = pd.DataFrame(rows[1:], columns=rows[0])
    spss = _read(_export(runner, tmp_path, "avslutningsenkat", "sav"))
    # the same rows, the same values withheld
    assert (sheet["kon"] == WITHHELD).sum() == (spss["kon"] == -6).sum()
    assert (sheet["month"] == WITHHELD).sum() == (spss["manad"] == -6).sum()
    assert list(sheet["tro_formaga"]) == [int(v) for v in spss["tro_formaga"]]


def test_the_administrators_file_holds_every_answer_as_the_database(runner, tmp_path, avslutningsenkat):
    frame, meta = pyreadstat.read_sav(_export(runner, tmp_path, "avslutningsenkat", "sav", "--no-coarsen"),
                                      user_missing=True)
    table = answer_table(load_answers("avslutningsenkat"))
    expected = pd.DataFrame(list(table.rows), columns=table.columns).set_index("response_id")
    frame = frame.set_index("svar_id").loc[expected.index]
    assert len(frame) == 120
    kon = {"kvinna": 1, "man": 2, "annan": 3, "ej_svar": -9}
    assert list(frame["kon"]) == [kon[v] for v in expected["kon"]]
    handlaggare = {"bra": 1, "varken_eller": 2, "daligt": 3, "ingen": -7}
    assert list(frame["bemotande_handlaggare"]) == [handlaggare[v] for v in expected["bemotande_handlaggare"]]
    assert list(frame["tro_formaga"]) == list(expected["tro_formaga"])
    for code in ("nej", "kon", "etnicitet", "vet_ej"):
        chosen = [float(code in v.split(";")) if isinstance(v, str) else None
                  for v in expected["diskriminering"]]
        got = [None if pd.isna(v) else v for v in frame[f"diskriminering_{code}"]]
        assert got == chosen
    assert [getattr(d, "date", lambda d=d: d)() for d in frame["datum"]] == list(expected["submitted_at"])
    # labels: the question text, option labels, the not-applicable answers user-missing
    labels = meta.column_names_to_labels
    assert labels["bemotande_samordnare"] == "Hur har du blivit bemött av din samordnare?"
    assert labels["diskriminering_kon"].endswith(": Kön, könsidentitet eller könsuttryck")
    assert meta.variable_value_labels["kon"] == {1: "Kvinna", 2: "Man", 3: "Annan definition",
                                                -9: "Vill inte svara"}
    assert meta.variable_value_labels["bemotande_handlaggare"][-7] == "Jag har ingen handläggare"
    assert meta.missing_ranges["bemotande_handlaggare"] == [{"lo": -9.0, "hi": -1.0}]
    assert meta.variable_value_labels["tro_formaga"][5] == "Stämmer helt"
    assert meta.variable_measure["tro_formaga"] == "ordinal"
    assert any("Inte grovkornig" in note for note in meta.notes)


def test_the_stata_file_has_labels_and_extended_missing_values(runner, tmp_path, avslutningsenkat):
    frame, meta = pyreadstat.read_dta(_export(runner, tmp_path, "avslutningsenkat", "dta"), user_missing=True)
    assert meta.variable_value_labels["bemotande_handlaggare"]["b"] == "Jag har ingen handläggare"
    assert "b" in set(frame["bemotande_handlaggare"])
    assert all(len(name) <= 32 for name in frame.columns)
    assert len(meta.column_names_to_labels["bemotande_handlaggare"].encode()) <= 80
    assert meta.file_label == "Avslutningsenkät (grovkornig, k ≥ 5; se kodboken)"


def test_names_are_stable_valid_and_short(runner, tmp_path, avslutningsenkat):
    from surveyapp.analysis.dataset import variable_name

    first = _read(_export(runner, tmp_path, "avslutningsenkat", "sav")).columns
    again = _read(_export(runner, tmp_path, "avslutningsenkat", "sav")).columns
    assert list(first) == list(again)
    assert "diskriminering_kon" in first
    long = variable_name("diskriminering_funktionsnedsattning", set())
    assert long == variable_name("diskriminering_funktionsnedsattning", set()) and len(long) <= 28
    assert variable_name("insatser_indikatorer.halsa", set()) == "insatser_indikatorer_halsa"
    assert variable_name("30+", set()) == "v_30"


def test_a_participants_code_becomes_a_number_of_the_file(runner, tmp_path, progressionskort):
    frame = _read(_export(runner, tmp_path, "progressionskort", "sav"))
    assert "deltagarkod" not in frame.columns
    assert frame["deltagare"].min() == 1 and frame["deltagare"].max() <= 40
    assert frame.groupby("deltagare").size().max() > 1  # ratings of one participant stay together


def test_the_codebook_lists_every_variable_with_values_counts_and_missing_codes(runner, tmp_path,
                                                                               avslutningsenkat):
    from openpyxl import load_workbook

    _export(runner, tmp_path, "avslutningsenkat", "csv")
    text = (tmp_path / "avslutningsenkat-kodbok.txt").read_text(encoding="utf-8")
    assert "Mättillfällen: Avslut 2026" in text
    assert "Formulärversion: " in text and "Grovkornighet: Datum till månad" in text
    assert "Visas om bemotande_samordnare är Varken bra eller dåligt eller Dåligt" in text
    book = load_workbook(tmp_path / "avslutningsenkat-kodbok.xlsx")
    rows = list(book["Kodbok"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Variabel", "Etikett", "Typ")
    named = [r[0] for r in rows[1:] if r[0]]
    assert named == list(_read(tmp_path / "avslutningsenkat.csv").columns)
    tro = rows.index(next(r for r in rows if r[0] == "tro_formaga"))
    counts = [r[7] for r in rows[tro:tro + 6]]
    assert sum(counts[:5]) == 120


def test_free_text_only_with_the_flag_and_a_warning(runner, tmp_path, avslutningsenkat):
    assert "kommentar" not in _read(_export(runner, tmp_path, "avslutningsenkat", "csv")).columns
    path = tmp_path / "text.csv"
    result = runner.invoke(args=["export", "avslutningsenkat", str(path), "--format", "csv", "--with-text"])
    assert result.exit_code == 0
    assert "Warning: free-text answers may name people" in result.output
    assert "kommentar" in _read(path).columns


def test_bad_input_is_refused_listing_the_valid_choices(runner, tmp_path, avslutningsenkat):
    out = str(tmp_path / "x.sav")
    result = runner.invoke(args=["export", "okand", out, "--format", "sav"])
    assert result.exit_code == 1 and "the questionnaires are:" in result.output
    assert "avslutningsenkat" in result.output
    result = runner.invoke(args=["export", "avslutningsenkat", out, "--format", "sas"])
    assert result.exit_code == 1 and "the formats are: sav, dta, csv" in result.output
    result = runner.invoke(args=["export", "avslutningsenkat", out, "--format", "sav", "--round", "Nej"])
    assert result.exit_code == 1 and "its rounds are: Avslut 2026" in result.output
    assert not Path(out).exists()


def test_exports_are_logged(runner, tmp_path, avslutningsenkat):
    _export(runner, tmp_path, "avslutningsenkat", "dta")
    event = db.session.scalar(select(AuditEvent).filter_by(action="export.evaluator"))
    assert "avslutningsenkat (Avslut 2026; dta; 120 svar; grovkornig)" in event.detail


def test_coarsening_merges_and_withholds_until_k_and_leaves_out_what_cannot_be_hidden():
    keys = pd.DataFrame({"organisation": ["A"] * 6 + ["B"] * 5 + ["C"],
                         "kon": ["kvinna"] * 3 + ["man"] * 3 + ["kvinna"] * 5 + ["man"],
                         "month": ["2026-01"] * 12})
    released, kept, done = coarsen(keys, 3)
    assert smallest_group(released[kept]) >= 3
    assert kept.all() and done.merged["organisation"] == ("C",)
    released, kept, done = coarsen(keys.head(2), 3)
    assert not kept.any() and done.rows_left_out == 2
    # no combination with rows to spare: the smallest joins the withheld rows whole
    keys = pd.DataFrame({"organisation": ["A"] * 5 + ["B"] * 5 + ["C", "D"], "kon": ["kvinna"] * 12})
    released, kept, done = coarsen(keys, 5)
    assert kept.all() and smallest_group(released) >= 5
    assert list(released["organisation"]) == ["*"] * 5 + ["B"] * 5 + ["*", "*"]
    assert set(released["kon"]) == {"kvinna", "*"}


# -- real clients ------------------------------------------------------------------------

def test_gnu_pspp_reads_the_spss_file(runner, tmp_path, avslutningsenkat):
    if shutil.which("pspp") is None:
        pytest.skip("GNU PSPP is not installed (Debian package pspp; make system-packages)")
    path = _export(runner, tmp_path, "avslutningsenkat", "sav")
    syntax = tmp_path / "read.sps"
    syntax.write_text(f'GET FILE="{path}".\nDISPLAY DICTIONARY /VARIABLES=kon bemotande_handlaggare.\n'
                      "FREQUENCIES /VARIABLES=tro_formaga.\n", encoding="utf-8")
    command = ["pspp", "-O", "format=txt", "-O", "width=200", str(syntax)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "Jag har ingen handläggare" in out and "-9 THRU -1" in out.upper().replace("  ", " ")
    assert "Stämmer helt" in out


def _haven(script: str) -> str:
    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed (Debian packages r-base-core and r-cran-haven)")
    if subprocess.run(["Rscript", "-e", "library(haven)"], capture_output=True).returncode != 0:
        pytest.skip("R's haven is not installed (Debian package r-cran-haven)")
    return subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=120,
                          check=True).stdout


def test_r_haven_reads_the_spss_and_stata_files(runner, tmp_path, avslutningsenkat):
    sav = _export(runner, tmp_path, "avslutningsenkat", "sav")
    dta = _export(runner, tmp_path, "avslutningsenkat", "dta")
    out = _haven(
        f'library(haven); d <- read_sav("{sav}", user_na = TRUE); s <- read_dta("{dta}");'
        'cat(nrow(d), nrow(s), attr(d$bemotande_samordnare, "label"), "\\n");'
        'cat(names(attr(d$kon, "labels")), sep = "|"); cat("\\n");'
        'cat(sum(is.na(zap_missing(d$bemotande_handlaggare))),'
        '    sum(is_tagged_na(s$bemotande_handlaggare, "b")))'
    )
    lines = out.strip().splitlines()
    assert lines[0].startswith("120 120 Hur har du blivit bemött av din samordnare?")
    assert "Kvinna" in lines[1] and "Vill inte svara" in lines[1]
    missing_sav, missing_dta = (int(v) for v in lines[2].split())
    assert missing_sav >= missing_dta > 0


# -- the report page -------------------------------------------------------------------

def _start(client, file_format: str = "sav", **form):
    from flask import current_app

    from surveyapp.services.jobs import wait_for_jobs

    started = client.post("/reports/avslutningsenkat.export", data={"format": file_format, **form})
    if started.status_code != 303:
        return started
    wait_for_jobs(current_app._get_current_object())
    state = client.get(started.headers["Location"] + "/status").get_json()
    assert state["status"] == "done", state
    return client.get(state["file"])


def test_projektledning_downloads_the_files_as_a_job(client, avslutningsenkat):
    factories.login(client, factories.user("pl@projekt.example", "projektledning"))
    assert "Filer till utvärderaren" in client.get("/reports/avslutningsenkat").text
    download = _start(client, "dta")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = sorted(archive.namelist())
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["dta", "txt", "xlsx"]
    data = next(n for n in names if n.endswith(".dta"))
    path = Path(str(client.application.instance_path)) / "check.dta"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(archive.read(data))
    try:
        frame = _read(path)
    finally:
        path.unlink()
    assert len(frame) == 120 and smallest_group(frame[QUASI].astype(str)) >= THRESHOLD
    event = db.session.scalar(select(AuditEvent).filter_by(action="export.evaluator"))
    assert event.actor == "pl@projekt.example" and "grovkornig" in event.detail


def test_a_samordnare_is_refused_and_the_attempt_is_logged(client, avslutningsenkat):
    factories.login(client, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    assert "Filer till utvärderaren" not in client.get("/reports/avslutningsenkat").text
    assert _start(client).status_code == 403
    event = db.session.scalar(select(AuditEvent).filter_by(action="export.refused"))
    assert event.actor == "s@mariestad.example"


def test_an_unknown_format_is_refused(client, avslutningsenkat):
    factories.login(client, factories.user("pl@projekt.example", "projektledning"))
    assert _start(client, "sas").status_code == 400


def test_forms_about_a_participant_carry_the_registers_groups(runner, tmp_path):
    from tests.project_data import AVSLUT, REGISTER, load_project

    load_project(runner, tmp_path)
    frame, meta = pyreadstat.read_sav(_export(runner, tmp_path, "avslut", "sav", "--no-coarsen"),
                                      user_missing=True)
    assert meta.column_names_to_labels["reg_kon"] == "Kön (deltagarregistret)"
    kon = {code: k for code, _org, _in, _out, k in REGISTER}
    expected = [{"kvinna": 1, "man": 2}[kon[code]] for code in frame["deltagarkod"]]
    assert list(frame["reg_kon"]) == expected and len(frame) == len(AVSLUT)
    # coarsened: twelve rows, and each combination with the register's groups shared by five
    coarse = _read(_export(runner, tmp_path, "avslut", "sav"))
    quasi = ["manad", "sprak", "kommun", "kanal", "reg_kon", "reg_aldersgrupp", "reg_fodelseregion"]
    assert len(coarse) == 12 and smallest_group(coarse[quasi].astype(str)) >= THRESHOLD
