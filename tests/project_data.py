"""A small test project whose goal figures are worked out by hand in tests/test_goals.py.

Register (shipped _project.yaml targets: 500 participants, 250 women, 250 men, 40–60 %,
Mariestad 120, Skövde 200, Lidköping 180):
  Mariestad MA-01..MA-08: kvinna ×5 (01–05), man ×3 (06–08); 01–06 ended
  Skövde    SK-01..SK-06: kvinna ×2 (01–02), man ×4 (03–06); all ended
Avslut (12 ended codes), utfall and consent:
  MA-01 arbete ja · MA-02 studier ja · MA-03 arbetstraning ja · MA-04 arbetstraning ja
  MA-05 sjukskriven nej · MA-06 arbetssokande nej
  SK-01 arbete ja · SK-02 arbetstraning ja · SK-03 annat ja · SK-04 annat ja
  SK-05 arbetssokande ja · SK-06 ater_remittent nej
Uppföljning: MA-01 okat, MA-02 behallit, MA-03 backat, SK-01 okat, SK-02 okat, SK-03 backat
Avslutningsenkät: 10 answers given with the codes of ended participants (EXIT_CODES),
  Mariestad kvinna ×4 + man ×1, Skövde kvinna ×1 + man ×4; bemötande bra ×9 (one Skövde man
  varken_eller)
"""

from __future__ import annotations

import csv
from pathlib import Path

REGISTER = [
    # code, organisation, enrolled_on, ended_on, kon
    ("MA-01", "Mariestad", "2025-01-15", "2025-09-01", "kvinna"),
    ("MA-02", "Mariestad", "2025-01-15", "2025-09-01", "kvinna"),
    ("MA-03", "Mariestad", "2025-01-15", "2025-09-01", "kvinna"),
    ("MA-04", "Mariestad", "2025-01-15", "2025-09-01", "kvinna"),
    ("MA-05", "Mariestad", "2025-04-10", "2025-09-01", "kvinna"),
    ("MA-06", "Mariestad", "2025-04-10", "2025-09-01", "man"),
    ("MA-07", "Mariestad", "2025-04-10", "", "man"),
    ("MA-08", "Mariestad", "2025-04-10", "", "man"),
    ("SK-01", "Skövde", "2025-02-01", "2025-10-01", "kvinna"),
    ("SK-02", "Skövde", "2025-02-01", "2025-10-01", "kvinna"),
    ("SK-03", "Skövde", "2025-02-01", "2025-10-01", "man"),
    ("SK-04", "Skövde", "2025-02-01", "2025-10-01", "man"),
    ("SK-05", "Skövde", "2025-02-01", "2025-10-01", "man"),
    ("SK-06", "Skövde", "2025-02-01", "2025-10-01", "man"),
]
AVSLUT = {
    "MA-01": ("arbete", "ja"), "MA-02": ("studier", "ja"), "MA-03": ("arbetstraning", "ja"),
    "MA-04": ("arbetstraning", "ja"), "MA-05": ("sjukskriven", "nej"), "MA-06": ("arbetssokande", "nej"),
    "SK-01": ("arbete", "ja"), "SK-02": ("arbetstraning", "ja"), "SK-03": ("annat", "ja"),
    "SK-04": ("annat", "ja"), "SK-05": ("arbetssokande", "ja"), "SK-06": ("ater_remittent", "nej"),
}
UPPFOLJNING = {"MA-01": "okat", "MA-02": "behallit", "MA-03": "backat", "SK-01": "okat",
               "SK-02": "okat", "SK-03": "backat"}
EXIT_SURVEY = [("Mariestad", "kvinna", "bra")] * 4 + [("Mariestad", "man", "bra")] + \
    [("Skövde", "kvinna", "bra")] + [("Skövde", "man", "bra")] * 3 + [("Skövde", "man", "varken_eller")]
#: the participant codes the avslutningsenkät answers were given with, in EXIT_SURVEY's order
EXIT_CODES = ["MA-01", "MA-02", "MA-03", "MA-04", "MA-06", "SK-01", "SK-03", "SK-04", "SK-05", "SK-06"]


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def register_rows() -> list[dict]:
    return [
        {"participant_code": code, "organisation": org, "enrolled_on": enrolled, "ended_on": ended,
         "kon": kon, "aldersgrupp": "25-29", "fodelseregion": "sverige"}
        for code, org, enrolled, ended, kon in REGISTER
    ]


def write_project(directory: Path) -> dict[str, Path]:
    """The project's import files: register, avslut, uppföljning and avslutningsenkät."""
    organisation = {code: org for code, org, *_ in REGISTER}
    ended = {code: e for code, _, _, e, _ in REGISTER}
    files = {"register": _write(directory / "register.csv", register_rows())}
    files["avslut"] = _write(directory / "avslut.csv", [
        {"submitted_at": ended[code], "language": "sv", "organisation": organisation[code],
         "participant_code": code, "utfall": utfall, "samtycke_uppfoljning": consent}
        for code, (utfall, consent) in AVSLUT.items()
    ])
    files["uppfoljning_6man"] = _write(directory / "uppfoljning.csv", [
        {"submitted_at": "2026-04-01", "language": "sv", "organisation": organisation[code],
         "participant_code": code, "progression": progression}
        for code, progression in UPPFOLJNING.items()
    ])
    files["avslutningsenkat"] = _write(directory / "avslutningsenkat.csv", [
        {"submitted_at": "2025-10-01", "language": "sv", "organisation": org, "participant_code": code,
         "kon": kon,
         "aldersgrupp": "25-29", "fodelseregion": "sverige", "bemotande_samordnare": bemotande,
         "bemotande_handlaggare": "bra",
         "diskriminering": "nej" if bemotande != "bra" else "", "tro_formaga": "5", "mar_battre": "5"}
        for (org, kon, bemotande), code in zip(EXIT_SURVEY, EXIT_CODES, strict=True)
    ])
    return files


def load_project(runner, directory: Path) -> None:
    """Adds the organisations and imports every file of the test project."""
    from tests import factories

    for name in ("Mariestad", "Skövde", "Lidköping"):
        factories.organisation(name)
    files = write_project(directory)
    result = runner.invoke(args=["participants", "import", str(files["register"])])
    assert result.exit_code == 0, result.output
    for key in ("avslut", "uppfoljning_6man", "avslutningsenkat"):
        result = runner.invoke(args=["import", key, str(files[key]), "--round", "Test"])
        assert result.exit_code == 0, result.output
