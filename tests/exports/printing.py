"""Workbooks printed by a real spreadsheet program: LibreOffice converts a workbook to PDF and
poppler reads the printed pages back (text per page, and the size of every printed word)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

#: the smallest text any printed page may hold, in points
SMALLEST_PT = 8.0
#: a printed word's box is this many times its font size high (Noto Sans, the font
#: LibreOffice prints Calibri with when Calibri is not installed: ascent + descent)
BOX_PER_PT = 1.30

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler (pdftotext) are needed: make system-packages installs them",
)


def print_to_pdf(path: Path) -> Path:
    """``path`` printed to PDF beside it by LibreOffice."""
    profile = path.parent / "libreoffice-profile"  # one per test: parallel runs never share one
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(path.parent), str(path)],
        check=True, capture_output=True, timeout=300,
    )
    pdf = path.with_suffix(".pdf")
    assert pdf.exists()
    return pdf


def pages(pdf: Path) -> list[tuple[str, str]]:
    """(sheet name from the footer, the page's text) for every printed page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    found = []
    for page in text.split("\f"):
        if not page.strip():
            continue
        footer = next(line for line in reversed(page.splitlines()) if re.search(r"Sida \d+ av \d+", line))
        sheet = re.split(r"\s{2,}", footer.strip())[0]
        found.append((sheet, page))
    return found


def small_words(pdf: Path, smallest: float = SMALLEST_PT) -> list[tuple[float, str, int]]:
    """Words printed smaller than ``smallest`` points: (size, word, page number)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    html = re.sub(r"<!DOCTYPE[^>]*>", "", html).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    tree = ElementTree.fromstring(html)
    small = []
    for number, page in enumerate(tree.iter("page"), start=1):
        for word in page.iter("word"):
            size = (float(word.get("yMax")) - float(word.get("yMin"))) / BOX_PER_PT
            if size < smallest - 0.05:
                small.append((round(size, 1), word.text, number))
    return small


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def reading_order(pdf: Path) -> list[str]:
    """Each printed page's text in reading order (a wrapped cell's lines together), in the
    order of :func:`pages`."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [flat(page) for page in text.split("\f") if page.strip()]
