"""The Excel summaries printed by a real spreadsheet program: LibreOffice converts each
workbook to PDF, and poppler reads the printed pages back.

Every page names its sheet in the footer, so what stands on the pages of the figure and
chart sheets can be told apart from the codebook and the answer sheet, where codes belong.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from surveyapp.analysis.data import items_of
from surveyapp.questionnaire import load_directory
from tests.exports import printing
from tests.exports.printing import flat, needs_libreoffice, print_to_pdf, reading_order, small_words

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRES = load_directory(ROOT / "questionnaires")
#: sheets where codes and keys are the point
CODE_SHEETS = ("Kodbok", "Svar")

pytestmark = needs_libreoffice


@pytest.fixture
def backend() -> str:
    """Printing depends on the file, not on the database the figures came from: the figures
    are checked on both elsewhere, the print once, on SQLite."""
    return "sqlite"


def _printed(runner, tmp_path: Path, questionnaire: str, *args: str) -> Path:
    """The workbook written by ``surveyapp report --xlsx``, printed to PDF by LibreOffice."""
    path = tmp_path / f"{questionnaire}.xlsx"
    result = runner.invoke(args=["report", questionnaire, "--xlsx", str(path), *args])
    assert result.exit_code == 0, result.output
    return print_to_pdf(path)


def _check(pdf: Path, key: str) -> list[tuple[str, str]]:
    questionnaire = QUESTIONNAIRES[key][0]
    pages = printing.pages(pdf)
    assert pages, "nothing printed"
    figure_pages = [(sheet, text) for sheet, text in pages if sheet not in CODE_SHEETS]
    printed = flat(" ".join(text for _sheet, text in figure_pages))
    # every question with figures is there in words
    for item in items_of(questionnaire):
        if questionnaire.paired and item.question.background:
            continue
        assert flat(item.question.text) in printed, item.key
    # no key, matrix row key or code with an underscore stands where figures and charts are
    keys = {q.key for q in questionnaire.questions} | {r.key for q in questionnaire.questions for r in q.rows}
    codes = {o.code for q in questionnaire.questions for o in q.options if not o.code.isdigit()}
    for sheet, text in figure_pages:
        words = set(re.findall(r"[\w.]+", text))
        assert not {w for w in words if "_" in w}, sheet
        assert not words & {k for k in keys if len(k) > 3}, sheet
        assert not words & {c for c in codes if c.lower() == c and len(c) > 3 and "_" in c}, sheet
    # nothing printed smaller than 8 pt, on any page
    assert small_words(pdf) == []
    # a question's table never goes on over a page without its header, nor does a question's
    # text end a page alone
    texts = {flat(item.question.text) for item in items_of(questionnaire)}
    for sheet, text in figure_pages:
        if sheet.endswith("diagram") or sheet in ("Översikt", "Förändring", "Parvis", "Svarsfrekvens"):
            continue
        assert "Grupp" in text or "Svaren" in text or "Andel som svarat" in text, (sheet, text)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        last = flat(re.split(r"\s{2,}", lines[-2])[0])  # the line above the footer
        assert not any(t.startswith(last) for t in texts if len(last) > 12), (sheet, last)
    return pages


def test_avslutningsenkat_prints_in_words_at_a_readable_size(runner, tmp_path, avslutningsenkat):
    pdf = _printed(runner, tmp_path, "avslutningsenkat", "--by", "kon", "--by", "organisation")
    pages = _check(pdf, "avslutningsenkat")
    sheets = [sheet for sheet, _text in pages]
    assert "Frågor – diagram" in sheets and "Kodbok" in sheets
    charts = flat(" ".join(text for sheet, text in pages if sheet.endswith("diagram")))
    assert "Andel som svarat Bra per kön" in charts
    assert "Mål 90 %" in charts
    assert "Stämmer helt" in charts  # the option labels name the stacked series
    assert "Kvinna" in charts and "Totalt" in charts


def test_samverkan_prints_the_matrix_rounds_side_by_side(runner, tmp_path, samverkan):
    pdf = _printed(runner, tmp_path, "samverkan", "--by", "role")
    pages = _check(pdf, "samverkan")
    charts = flat(" ".join(text for sheet, text in pages if sheet == "Matris 1 – diagram"))
    assert "Mättillfälle 1" in charts and "Mättillfälle 2" in charts
    assert "Hantering av vardagen" in charts and "I mycket hög utsträckning" in charts
    rates = flat(" ".join(text for sheet, text in pages if sheet == "Svarsfrekvens"))
    assert "Totalt" in rates
    # the change sheet shows each question's whole text, so no two look the same
    read = reading_order(pdf)
    shifts = " ".join(read[i] for i, (sheet, _text) in enumerate(pages) if sheet == "Förändring")
    for key in ("samverkan_forsorjningsstod_vard", "samverkan_ame_vard", "samverkan_ame_fk",
                "samverkan_ame_af"):
        assert flat(QUESTIONNAIRES["samverkan"][0].question(key).text) in shifts, key


def test_progressionskort_leads_with_the_paired_figures(runner, tmp_path, progressionskort):
    pdf = _printed(runner, tmp_path, "progressionskort", "--by", "kon")
    pages = _check(pdf, "progressionskort")
    sheets = list(dict.fromkeys(sheet for sheet, _text in pages))
    assert sheets[:3] == ["Översikt", "Parvis", "Parvis – diagram"]
    charts = flat(" ".join(text for sheet, text in pages if sheet == "Parvis – diagram"))
    assert "Första skattningen" in charts and "Senaste skattningen" in charts
    assert "Tror du att du klarar av ett arbete?" in charts  # the radar's axes in words
