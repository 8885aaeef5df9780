"""Generated answer files, as a project would export them from its old spreadsheets.

The generators are the product's demo files (:mod:`surveyapp.demo`); this adds an XLSX writer
and an import helper for the tests.
"""

from __future__ import annotations

from pathlib import Path

from surveyapp.demo import (  # noqa: F401 - re-exported for the tests
    ORGANISATIONS,
    avslutningsenkat_rows,
    progressionskort_rows,
    samverkan_rows,
    write_csv,
)


def write_xlsx(path: Path, rows: list[dict[str, str]], numbers: bool = True) -> Path:
    """Like a hand-made spreadsheet: scale steps as numbers, dates as dates."""
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    columns = list(rows[0])
    sheet.append(columns)
    for row in rows:
        values = []
        for column in columns:
            value = row[column]
            if numbers and value.isdigit() and column != "response_id":
                values.append(int(value))
            elif column == "submitted_at":
                values.append(datetime.strptime(value, "%Y-%m-%d %H:%M" if ":" in value else "%Y-%m-%d"))
            else:
                values.append(value or None)
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
    workbook.save(path)
    return path


def import_rows(runner, directory: Path, questionnaire: str, rows: list[dict[str, str]],
                round_name: str) -> None:
    """Imports ``rows`` through ``surveyapp import``, adding the organisations first."""
    from tests import factories

    for name in ORGANISATIONS:
        factories.organisation(name)
    path = write_csv(directory / f"{questionnaire}-{round_name}.csv", rows)
    result = runner.invoke(args=["import", questionnaire, str(path), "--round", round_name])
    assert result.exit_code == 0, result.output
