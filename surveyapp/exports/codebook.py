"""The evaluator's codebook (Kodbok) beside the data file: every variable with its label,
type, values with labels and counts, missing-value codes, the question's condition, the
questionnaire versions and rounds, and what was coarsened. As an Excel file and as plain
text readable without Excel; both from :func:`codebook_lines` over the same dataset."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..analysis.dataset import MISSING_CODES, OTHER_MISSING, STATA_MISSING, Dataset, Variable
from .xlsx import new_workbook

KINDS = {"numeric": "numerisk", "string": "text", "date": "datum"}
COLUMNS = ("Variabel", "Etikett", "Typ", "Fråga", "Visas", "Värde", "Värdeetikett", "Antal", "Saknat värde")
MISSING_NAMES = {"ej_svar": "Vill inte svara", "vet_ej": "Vet ej", "ingen": "Ingen/ej tillämplig",
                 "*": "Dolt: för få svar med samma kombination"}


@dataclass(frozen=True)
class ValueLine:
    value: str
    label: str
    count: int
    missing: bool


def about(dataset: Dataset) -> list[tuple[str, str]]:
    """The file's facts, as (name, text) lines."""
    q = dataset.questionnaire
    missing = "; ".join(
        f"{code} = {MISSING_NAMES[key]} (Stata .{STATA_MISSING[code]})" for key, code in MISSING_CODES.items()
    ) + f"; {OTHER_MISSING} = annat ej tillämpligt (Stata .{STATA_MISSING[OTHER_MISSING]})"
    lines = [
        ("Formulär", f"{q.title} ({q.key})"),
        ("Formulärversion", ", ".join(dataset.versions) or "–"),
        ("Mättillfällen", ", ".join(dataset.rounds) or "–"),
        ("Rader", str(len(dataset.frame))),
        ("Variabler", str(len(dataset.variables))),
        ("Saknade värden", "Tomt = frågan visades inte eller besvarades inte. " + missing
         + ". I SPSS är -9 till -1 användardefinierade saknade värden."),
        ("Koder", "Skalsteg behåller sitt tal (1–5); andra svarsalternativ numreras 1, 2, … i "
                  "formulärets ordning; flerval blir en 0/1-variabel per alternativ; kommun har "
                  "organisationens id."),
    ]
    if dataset.coarsening is not None:
        lines.append(("Grovkornighet", dataset.coarsening.describe()))
    else:
        lines.append(("Grovkornighet", "Ingen: datum till dag (endast för administratören)."))
    lines.append(("Fritext", "ingår" if dataset.include_text else "ingår inte"))
    return lines


def value_lines(dataset: Dataset, variable: Variable) -> list[ValueLine]:
    """The variable's values with their labels and counts; system missing last."""
    column = dataset.frame[variable.name]
    if variable.kind != "numeric":
        return [ValueLine("", "(ifyllda)", int(column.notna().sum()), False),
                ValueLine("", "(tomma)", int(column.isna().sum()), True)]
    counts = column.value_counts(dropna=True)
    labels = {**variable.values, **variable.missing}
    shown = list(labels) + sorted(v for v in (int(c) for c in counts.index) if v not in labels)
    lines = []
    if variable.values or variable.missing:
        for value in shown:
            lines.append(ValueLine(str(value), labels.get(value, ""), int(counts.get(float(value), 0)),
                                   value in variable.missing))
    else:
        lines.append(ValueLine("", "(värden)", int(column.notna().sum()), False))
    lines.append(ValueLine("", "(tomt)", int(column.isna().sum()), True))
    return lines


def codebook_rows(dataset: Dataset) -> Iterator[tuple]:
    """One row per variable and value, in :data:`COLUMNS` order."""
    for variable in dataset.variables:
        first = True
        for line in value_lines(dataset, variable):
            head = (variable.name, variable.label, KINDS[variable.kind], variable.question or "",
                    variable.condition) if first else ("", "", "", "", "")
            yield (*head, line.value, line.label, line.count, "ja" if line.missing else "")
            first = False


def write_codebook_xlsx(dataset: Dataset, path: str | Path) -> Path:
    path = Path(path)
    workbook = new_workbook(path, f"Kodbok – {dataset.questionnaire.title}")
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bg_color": "#E7ECEA", "bottom": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet("Om filen")
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 110)
    for row, (name, text) in enumerate(about(dataset)):
        sheet.write_string(row, 0, name, bold)
        sheet.write_string(row, 1, text, wrap)
    sheet = workbook.add_worksheet("Kodbok")
    for col, width in enumerate((28, 50, 10, 22, 36, 8, 36, 8, 10)):
        sheet.set_column(col, col, width)
    for col, title in enumerate(COLUMNS):
        sheet.write_string(0, col, title, header)
    sheet.freeze_panes(1, 1)
    row = 0
    for row, values in enumerate(codebook_rows(dataset), start=1):
        for col, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(row, col, value)
            elif value:
                sheet.write_string(row, col, value, wrap if col in (1, 4, 6) else None)
    sheet.autofilter(0, 0, max(row, 1), len(COLUMNS) - 1)
    workbook.close()
    return path


def codebook_text(dataset: Dataset) -> str:
    """The codebook as plain text (UTF-8), for a reader without Excel."""
    out = [f"Kodbok: {dataset.questionnaire.title}", ""]
    out += [f"{name}: {text}" for name, text in about(dataset)]
    for variable in dataset.variables:
        out += ["", f"{variable.name}  ({KINDS[variable.kind]})", f"  {variable.label}"]
        if variable.question:
            out.append(f"  Fråga: {variable.question}. {variable.condition}.")
        for line in value_lines(dataset, variable):
            mark = "  [saknat värde]" if line.missing and line.value else ""
            value = f"{line.value:>6}" if line.value else " " * 6
            out.append(f"  {value}  {line.label}: {line.count}{mark}")
    return "\n".join(out) + "\n"


