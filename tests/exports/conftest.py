from __future__ import annotations

import pytest

from tests.exports.dataset import avslutningsenkat_rows, import_rows, progressionskort_rows, samverkan_rows


@pytest.fixture
def imported(runner, tmp_path):
    """A function importing (questionnaire, rows, round name) through the command line."""

    def run(questionnaire: str, rows: list[dict], round_name: str) -> None:
        import_rows(runner, tmp_path, questionnaire, rows, round_name)

    return run


@pytest.fixture
def samverkan(imported):
    imported("samverkan", samverkan_rows(30, month=3), "Mättillfälle 1")
    imported("samverkan", samverkan_rows(35, month=10, lift=1), "Mättillfälle 2")


@pytest.fixture
def avslutningsenkat(imported):
    imported("avslutningsenkat", avslutningsenkat_rows(120), "Avslut 2026")


@pytest.fixture
def progressionskort(imported):
    imported("progressionskort", progressionskort_rows(40), "Löpande")
