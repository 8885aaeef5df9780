"""Generated answer files for the tests, as a project would export them from its old spreadsheets:
independent random answers, some of them odd on purpose (a formula-like comment, kön "annan"
and "ej_svar" often), whose figures the tests rely on. The product's demo (:mod:`surveyapp.demo`)
is a separate, plausible project. This adds an XLSX writer and an import helper too.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

from surveyapp.demo import write_csv  # noqa: F401 - re-exported for the tests

ORGANISATIONS = ("Mariestad", "Skövde", "Lidköping")
SAMVERKAN_SCALES = (
    "samverkan_forsorjningsstod_vard", "samverkan_ame_vard", "samverkan_ame_fk", "samverkan_ame_af",
)
MATRIX_ROWS = (
    "hantering_vardag", "samarbetsformaga", "halsa", "hantering_halsa", "tro_pa_jobb",
    "kunskap_arbetsmarknad", "sociala_kompetenser", "yrkeskompetenser", "jobbsokning", "social_mentor",
)


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def avslutningsenkat_rows(n: int, seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        samordnare = rng.choices(["bra", "varken_eller", "daligt"], [85, 10, 5])[0]
        handlaggare = rng.choices(["bra", "varken_eller", "daligt", "ingen"], [60, 15, 5, 20])[0]
        shown = samordnare != "bra" or handlaggare in ("varken_eller", "daligt")
        rows.append({
            "response_id": _id(rng),
            "submitted_at": f"2026-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d} {rng.randint(8, 16)}:15",
            "language": rng.choice(["sv", "sv", "ar", "so"]),
            "organisation": rng.choice(ORGANISATIONS),
            "kon": rng.choice(["kvinna", "man", "kvinna", "annan", "ej_svar"]),
            "aldersgrupp": rng.choice(["19-24", "25-29", "30-44", "45-65", "ej_svar"]),
            "fodelseregion": rng.choice(["sverige", "norden", "utanfor_norden", "utanfor_norden", "ej_svar"]),
            "bemotande_samordnare": samordnare,
            "bemotande_handlaggare": handlaggare,
            "diskriminering": ";".join(rng.sample(["kon", "etnicitet", "alder", "vet_ej"], rng.randint(1, 2)))
            if shown else "",
            "tro_formaga": rng.choice("12345"),
            "mar_battre": rng.choice("2345"),
            "kommentar": rng.choice(["", "Bra stöd", '=HYPERLINK("http://example.org")', "-tack"]),
        })
    return rows


def samverkan_rows(n: int, month: int, lift: int = 0, seed: int = 2) -> list[dict[str, str]]:
    rng = random.Random(seed + month)
    rows = []
    for _ in range(n):
        role = rng.choice(["kommunchef", "samordnare", "region", "annan"])
        row = {
            "response_id": _id(rng),
            "submitted_at": f"2026-{month:02d}-{rng.randint(1, 28):02d}",
            "language": "sv",
            "organisation": rng.choice(ORGANISATIONS),
            "role": role,
        }
        for key in SAMVERKAN_SCALES:
            row[key] = rng.choice(["vet_ej"] + [str(min(5, rng.randint(1, 4) + lift))] * 6)
        for r in MATRIX_ROWS:
            row[f"insatser_indikatorer.{r}"] = rng.choice("2345") if role == "samordnare" else ""
        row["forbattra_samverkan"] = rng.choice(["", "Mer tid för möten"])
        rows.append(row)
    return rows


def progressionskort_rows(participants: int, seed: int = 3) -> list[dict[str, str]]:
    """Each participant rated at start and at exit, a few once only."""
    rng = random.Random(seed)
    items = ("tror_klarar_arbete", "vet_hur_forbattra", "ide_om_arbete", "halsa_for_arbete",
             "hantera_vardag", "sociala_kompetenser", "soka_arbete")
    bands = ("0", "1-5", "6-9", "10-19", "20-29", "30+")
    rows = []
    for i in range(participants):
        background = {
            "kon": rng.choice(["kvinna", "man"]), "aldersgrupp": "25-29",
            "fodelseregion": rng.choice(["sverige", "utanfor_norden"]),
            "organisation": rng.choice(ORGANISATIONS),
        }
        start = {item: rng.randint(1, 3) for item in items}
        band = rng.randint(0, 2)
        ratings = [(1, start, band)]
        if i % 7:
            ratings.append((8, {k: max(1, min(5, v + rng.randint(-1, 2))) for k, v in start.items()},
                            min(5, band + rng.randint(-1, 2))))
        for month, levels, b in ratings:
            rows.append({
                "response_id": _id(rng), "submitted_at": f"2026-{month:02d}-{rng.randint(1, 28):02d}",
                "language": "sv", "participant_code": f"MAR-{i:04d}", **background,
                **{k: str(v) for k, v in levels.items()}, "timmar_aktivitet": bands[max(0, b)],
            })
    return rows


def register_rows(extra: int = 390, seed: int = 40) -> list[dict[str, str]]:
    """The participant register: every progressionskort code (enrolled at its first rating,
    ended at its second) and ``extra`` participants more, enrolled in 2025, most of them ended."""
    rng = random.Random(seed)
    first: dict[str, dict[str, str]] = {}
    last: dict[str, str] = {}
    for row in progressionskort_rows(60):
        code = row["participant_code"]
        day = row["submitted_at"][:10]
        if code not in first:
            first[code] = {**row, "day": day}
        else:
            last[code] = day
    rows = [
        {"participant_code": code, "organisation": r["organisation"], "enrolled_on": r["day"],
         "ended_on": last.get(code, ""), "kon": r["kon"], "aldersgrupp": r["aldersgrupp"],
         "fodelseregion": r["fodelseregion"]}
        for code, r in first.items()
    ]
    for i in range(extra):
        enrolled = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        ended = f"2026-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.9 else ""
        rows.append({
            "participant_code": f"DEL-{i:04d}", "organisation": rng.choice(ORGANISATIONS),
            "enrolled_on": enrolled, "ended_on": ended,
            "kon": rng.choices(["kvinna", "man", "annan"], [46, 52, 2])[0],
            "aldersgrupp": rng.choice(["19-24", "25-29", "30-44", "45-65"]),
            "fodelseregion": rng.choice(["sverige", "norden", "utanfor_norden", "utanfor_norden"]),
        })
    return rows


def avslut_rows(register: list[dict[str, str]], seed: int = 50) -> list[dict[str, str]]:
    """One avslut per participant who ended, on the day of the avslut."""
    rng = random.Random(seed)
    outcomes = ["arbete", "arbete_subventionerat", "studier", "arbetssokande", "arbetstraning",
                "sjukskriven", "ater_remittent", "annat"]
    return [
        {"response_id": _id(rng), "submitted_at": r["ended_on"], "language": "sv",
         "organisation": r["organisation"], "participant_code": r["participant_code"],
         "utfall": rng.choices(outcomes, [14, 6, 8, 10, 30, 12, 12, 8])[0],
         "samtycke_uppfoljning": rng.choices(["ja", "nej"], [75, 25])[0]}
        for r in register if r["ended_on"]
    ]


def uppfoljning_rows(avslut: list[dict[str, str]], seed: int = 60) -> list[dict[str, str]]:
    """Six months after an avslut that consents, most are reached by phone."""
    rng = random.Random(seed)
    rows = []
    for r in avslut:
        month = int(r["submitted_at"][5:7]) + 6
        if r["samtycke_uppfoljning"] != "ja" or rng.random() > 0.8 or month > 11:
            continue
        rows.append({
            "response_id": _id(rng), "submitted_at": f"2026-{month:02d}-{r['submitted_at'][8:10]}",
            "language": "sv", "organisation": r["organisation"], "participant_code": r["participant_code"],
            "progression": rng.choices(["okat", "behallit", "backat"], [45, 30, 25])[0],
        })
    return rows


def personalskattning_rows(seed: int = 70) -> list[dict[str, str]]:
    """The samordnare's rating of each progressionskort participant, on the same days: a
    little more hopeful than the participant's own on the belief in their ability to work."""
    rng = random.Random(seed)
    items = ("vet_hur_forbattra", "ide_om_arbete", "halsa_for_arbete", "hantera_vardag",
             "sociala_kompetenser", "soka_arbete")
    rows = []
    for own in progressionskort_rows(60):
        def near(value: str, lift: int = 0) -> str:
            return str(max(1, min(5, int(value) + lift + rng.choice([-1, 0, 0, 1]))))

        rows.append({
            "response_id": _id(rng), "submitted_at": own["submitted_at"], "language": "sv",
            "organisation": own["organisation"], "participant_code": own["participant_code"],
            "tro_pa_formaga": near(own["tror_klarar_arbete"], 1),
            **{item: near(own[item]) for item in items},
        })
    return rows


def insatser_rows(register: list[dict[str, str]], seed: int = 80) -> list[dict[str, str]]:
    """One to four insatser per participant, from their inskrivning."""
    rng = random.Random(seed)
    rows = []
    for r in register:
        for insats in rng.sample([*MATRIX_ROWS, "jobbinriktade", "jobbinriktade"], rng.randint(1, 4)):
            if any(row["participant_code"] == r["participant_code"] and row["insats"] == insats
                   for row in rows[-4:]):
                continue
            rows.append({"participant_code": r["participant_code"], "insats": insats,
                         "started_on": r["enrolled_on"], "ended_on": r["ended_on"]})
    return rows




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
                round_name: str, project: str | None = None) -> None:
    """Imports ``rows`` through ``surveyapp import`` (into ``project``: None, the only one),
    adding the organisations first."""
    from tests import factories

    for name in ORGANISATIONS:
        factories.organisation(name)
    path = write_csv(directory / f"{questionnaire}-{round_name}.csv", rows)
    project_args = ["--project", project] if project else []
    result = runner.invoke(args=["import", questionnaire, str(path), "--round", round_name, *project_args])
    assert result.exit_code == 0, result.output
