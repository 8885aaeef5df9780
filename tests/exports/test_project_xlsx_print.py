"""The project workbook printed by LibreOffice: every page at 8 pt or more on A4, the goal
sheet's column groups (total, kön, kommun) each on pages of their own with the delmål names
repeated, a projektmål heading never alone at the foot of a page, everything in words, and
sheet names never cut mid-word."""

from __future__ import annotations

import re

import openpyxl
import pytest

from surveyapp.services.project import goal_table
from tests.exports.printing import flat, needs_libreoffice, pages, print_to_pdf, reading_order, small_words
from tests.project_data import load_project

pytestmark = needs_libreoffice


@pytest.fixture
def backend() -> str:
    """Printing depends on the file, not on the database the figures came from."""
    return "sqlite"


@pytest.fixture
def printed(runner, tmp_path, samverkan):
    load_project(runner, tmp_path)
    path = tmp_path / "projekt.xlsx"
    result = runner.invoke(args=["goals", "--xlsx", str(path)])
    assert result.exit_code == 0, result.output
    return path, print_to_pdf(path)


def test_the_project_workbook_prints_legibly_in_words(printed):
    path, pdf = printed
    assert small_words(pdf) == []
    printed_pages = pages(pdf)
    goal_pages = [text for sheet, text in printed_pages if sheet == "Måluppfyllelse"]
    assert goal_pages
    table = goal_table()
    labels = [g.label for g in table.goals]
    for text in goal_pages:
        # the headers and the delmål names on every page
        assert "Delmål" in text
        assert any(label in flat(text) for label in labels), text
    read = reading_order(pdf)
    everything = " ".join(read[i] for i, (sheet, _t) in enumerate(printed_pages) if sheet == "Måluppfyllelse")
    # the total block: target, value, verdict and motivering on one page with the delmål
    first = flat(goal_pages[0])
    for header in ("Källa", "Målvärde", "Värde", "Bedömning", "Motivering", "Totalt"):
        assert header in first, header
    # the column groups each start a page of their own
    kon = [flat(t) for t in goal_pages if "Kön: Kvinna" in t]
    kommun = [flat(t) for t in goal_pages if "Kommun: Mariestad" in t]
    assert kon and kommun
    assert not any("Motivering" in t for t in kon + kommun)
    assert not any("Kommun:" in t for t in kon)
    # in words: the full question text, answer labels, no keys
    assert "Hur bra fungerar samverkan mellan arbetsmarknadsenheten och vården idag enligt dig?" in everything
    assert "Räknar: Arbete, Subventionerat arbete, Studier, Arbetssökande" in everything
    for key in ("avslutningsenkat", "bemotande_samordnare", "uppfoljning_6man", "kvinna"):
        assert key not in everything
    # a projektmål heading is followed on its page by its first delmål
    for section in table.sections:
        if section.title is None:
            continue
        head, first_goal = section.title[:20], section.goals[0].label[:15]
        for text in goal_pages:
            lines = text.splitlines()
            at = [i for i, line in enumerate(lines) if line.strip().startswith(head)]
            if at:
                assert any(line.strip().startswith(first_goal) for line in lines[at[0] + 1:]), section.title

    # the reach on a sheet of its own, its header on every page
    reach = [text for sheet, text in printed_pages if sheet == "Räckvidd"]
    assert reach and all("Uppföljning" in t and "Andel" in t for t in reach)

    # sheet names: a questionnaire's title shortened at a word boundary, full names listed first
    workbook = openpyxl.load_workbook(path, read_only=True)
    names = workbook.sheetnames
    assert names[:3] == ["Innehåll", "Måluppfyllelse", "Räckvidd"]
    titles = {"Avslutningsenkät", "Avslut", "Uppföljning efter sex månader", "Samverkan", "Progressionskort"}
    words = {w for t in titles for w in t.split()}
    for name in (n for n in names[3:] if n != "Insatser"):
        first_word = name.split()[0]
        assert first_word in words or (first_word.endswith(".") and any(
            w.startswith(first_word[:-1]) for w in words)), name
        assert len(name) <= 31
    contents = flat(" ".join(text for sheet, text in printed_pages if sheet == "Innehåll"))
    assert "Uppföljning efter sex månader – Förändring" in contents
    assert "Om siffrorna" in contents


def test_the_comparison_prints_both_dates_beside_each_delmal(runner, tmp_path):
    load_project(runner, tmp_path)
    path = tmp_path / "jamforelse.xlsx"
    result = runner.invoke(args=["goals", "--xlsx", str(path), "--as-of", "2026-06-30",
                                 "--compare", "2025-06-30"])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(path)["Måluppfyllelse"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[5]
    assert header[:12] == ("Delmål", "Källa", "Målvärde", "30 juni 2025", "k", "n", "30 juni 2026", "k", "n",
                           "Förändring", "Bedömning", "Motivering")
    followed = next(r for r in rows if r[0] == "Ökat eller behållit sin progression")
    assert followed[3:6] == ("–", 0, 0) and followed[6:9] == (0.667, 4, 6)  # 0 of 0 is "–"
    pdf = print_to_pdf(path)
    assert small_words(pdf) == []
    goal_pages = [flat(text) for sheet, text in pages(pdf) if sheet == "Måluppfyllelse"]
    assert re.search(r"Förändring.*Bedömning.*Motivering", goal_pages[0])
