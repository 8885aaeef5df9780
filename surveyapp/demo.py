"""The demo project: a plausible labour-market project in three kommuner, generated in the
import formats, so that ``surveyapp init --demo`` can load it through the import paths and
``surveyapp demo-files DIR`` can write the same files.

One seeded generator makes everything from a participant register: each participant's
progressionskort and the staff's ratings at the same days, their insatser, the avslut and
avslutningsenkät at exit and the uppföljning six months later, plus two samverkan rounds. The
figures come near those of the Cresco+ evaluation; the same files come out every time.
"""

from __future__ import annotations

import csv
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .exports.csv_text import neutralise
from .services.participant_codes import ALPHABET, BODY_LENGTH, check_character

ORGANISATIONS = ("Mariestad", "Skövde", "Lidköping")
REGION = "Västra Götalandsregionen"
#: participants per kommun (the project's targets are 120, 200 and 180)
PARTICIPANTS = {"Mariestad": 108, "Skövde": 180, "Lidköping": 162}
#: the project period: enrolment from the start, the last answers a little before its end
PROJECT_START = date(2024, 9, 2)
LAST_ENROLMENT = date(2026, 8, 28)
LAST_DAY = date(2026, 11, 27)
#: the samverkan rounds: half a year into the project and at its mid-term
SAMVERKAN_DAYS = (date(2025, 3, 3), date(2025, 10, 6))
ROUNDS = ("Mättillfälle 1", "Mättillfälle 2")
SEED = 2026

SAMVERKAN_SCALES = (
    "samverkan_forsorjningsstod_vard", "samverkan_ame_vard", "samverkan_ame_fk", "samverkan_ame_af",
)
#: the mean answer at the first samverkan round: with the vård weakest, as projects often find
SAMVERKAN_BASE = {"samverkan_forsorjningsstod_vard": 2.8, "samverkan_ame_vard": 2.9, "samverkan_ame_fk": 3.2,
                  "samverkan_ame_af": 3.4}
MATRIX_ROWS = (
    "hantering_vardag", "samarbetsformaga", "halsa", "hantering_halsa", "tro_pa_jobb",
    "kunskap_arbetsmarknad", "sociala_kompetenser", "yrkeskompetenser", "jobbsokning", "social_mentor",
)
PROGRESSION_ITEMS = ("tror_klarar_arbete", "vet_hur_forbattra", "ide_om_arbete", "halsa_for_arbete",
                     "hantera_vardag", "sociala_kompetenser", "soka_arbete")
BANDS = ("0", "1-5", "6-9", "10-19", "20-29", "30+")
#: the staff rating's items beside the participant's own (tro_pa_formaga beside tror_klarar_arbete)
STAFF_ITEMS = {"tro_pa_formaga": "tror_klarar_arbete", **{item: item for item in PROGRESSION_ITEMS[1:]}}

COMMENTS = (
    "Min samordnare lyssnade på mig.",
    "Bra att få hjälp med CV:t.",
    "Tack för att ni trodde på mig.",
    "Jag fick komma ut på praktik och det var det bästa.",
    "Det var skönt att ha någon att prata med varje vecka.",
    "Jag har lärt mig mycket om hur man söker jobb.",
    "Ibland var det lång väntan mellan mötena.",
    "Bra stöd hela vägen.",
    "Jag mår mycket bättre nu än när jag började.",
    "Det tog tid innan jag kände mig trygg, men det blev bra.",
    "Jag hade velat ha mer hjälp med svenskan.",
    "Samordnaren hjälpte mig att ringa Försäkringskassan.",
    "Gruppträffarna var roliga.",
    "Jag fick hjälp att komma igång med träning.",
    "Skönt att någon tog sig tid.",
    "Jag vet nu vad jag vill jobba med.",
    "Det var svårt att komma i tid på morgonen men det går bättre nu.",
    "Jag fick ett jobb på ett lager tack vare praktiken.",
    "Mer tid med samordnaren hade varit bra.",
    "Jag kände mig lyssnad på.",
    "Bra att allt fanns på samma ställe.",
    "Jag har fått bättre rutiner hemma.",
    "Handläggaren på socialtjänsten var svår att nå.",
    "Studiebesöken hjälpte mig att förstå vad jobbet innebär.",
    "Jag ska börja plugga till undersköterska.",
    "Tack för allt!",
    "Det var bra att få prova på olika arbetsplatser.",
    "Jag hade önskat att projektet var längre.",
    "Jag fick hjälp att skriva personligt brev.",
    "Bemötandet var alltid vänligt.",
    "Ibland förstod jag inte breven från Arbetsförmedlingen, men samordnaren förklarade.",
    "Jag har fått nya vänner i gruppen.",
    "Det hjälpte att träffas på stan i stället för på kontoret.",
    "Jag känner mig starkare nu.",
    "Bra med tolk vid mötena.",
    "Mycket bra projekt, fortsätt så.",
)
SAMVERKAN_COMMENTS = (
    "Fler gemensamma möten med vården.",
    "Tydligare vem som gör vad mellan oss och Arbetsförmedlingen.",
    "Kortare väntetider hos Försäkringskassan.",
    "En kontaktperson på vårdcentralen för våra deltagare.",
    "Gemensam planering kring varje deltagare.",
    "Mer tid för avstämningar mellan handläggare och samordnare.",
    "Att vården är med från början i planeringen.",
    "Bättre rutiner för samtycke så att vi kan prata med varandra.",
    "Samverkan har blivit bättre sedan vi började ses varje månad.",
    "Fler trepartssamtal med Försäkringskassan.",
    "Att samma handläggare följer deltagaren hela vägen.",
    "Kunskap om varandras uppdrag.",
)


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _at(rng: random.Random, day: date) -> str:
    """A time of day in office hours on ``day``, as an import file writes it."""
    return f"{day.isoformat()} {rng.randint(8, 15):02d}:{rng.choice(('00', '15', '30', '45'))}"


def _clamp(value: float, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, round(value)))


@dataclass
class Participant:
    """One participant as the generator sees them: the register's columns and how they fare."""

    code: str
    organisation: str
    enrolled_on: date
    ended_on: date | None
    kon: str
    aldersgrupp: str
    fodelseregion: str
    language: str
    #: how much each item rises over a whole stay, and how many bands the activity rises
    gain: dict[str, float]
    band_gain: int
    start: dict[str, int]
    start_band: int
    rating_days: list[date] = field(default_factory=list)

    def register_row(self) -> dict[str, str]:
        return {"participant_code": self.code, "organisation": self.organisation,
                "enrolled_on": self.enrolled_on.isoformat(),
                "ended_on": self.ended_on.isoformat() if self.ended_on else "",
                "kon": self.kon, "aldersgrupp": self.aldersgrupp, "fodelseregion": self.fodelseregion}

    @property
    def background(self) -> dict[str, str]:
        return {"kon": self.kon, "aldersgrupp": self.aldersgrupp, "fodelseregion": self.fodelseregion}


def _language(rng: random.Random, fodelseregion: str) -> str:
    if fodelseregion != "utanfor_norden":
        return "sv"
    return _pick(rng, {"sv": 50, "ar": 18, "so": 12, "fa": 8, "ti": 7, "uk": 5})


def participant_codes(count: int, seed: int) -> list[str]:
    """Codes as the app makes them (``K7M4-X``, with a check character), all different."""
    rng = random.Random(seed)
    codes: dict[str, None] = {}
    while len(codes) < count:
        body = "".join(rng.choice(ALPHABET) for _ in range(BODY_LENGTH))
        codes[f"{body}-{check_character(body)}"] = None
    return list(codes)


def participants(rng: random.Random, codes: Sequence[str], counts: dict[str, int] | None = None,
                 start: date = PROJECT_START) -> list[Participant]:
    """The register: enrolled over two years, in the project about six to eighteen months."""
    found = []
    enrolment_days = (LAST_ENROLMENT - start).days
    unused = iter(codes)
    for organisation, count in (counts or PARTICIPANTS).items():
        for _ in range(count):
            enrolled = start + timedelta(days=rng.randint(0, enrolment_days))
            ended = enrolled + timedelta(days=rng.randint(170, 540))
            region = _pick(rng, {"sverige": 46, "norden": 4, "utanfor_norden": 50})
            found.append(Participant(
                code=next(unused),
                organisation=organisation,
                enrolled_on=enrolled,
                ended_on=ended if ended <= LAST_DAY else None,
                kon=_pick(rng, {"kvinna": 47, "man": 51.5, "annan": 1.5}),
                aldersgrupp=_pick(rng, {"16-18": 4, "19-24": 24, "25-29": 20, "30-44": 32, "45-65": 20}),
                fodelseregion=region,
                language=_language(rng, region),
                gain={item: rng.gauss(1.0, 0.8) for item in PROGRESSION_ITEMS},
                band_gain=int(_pick(rng, {"-1": 6, "0": 34, "1": 38, "2": 17, "3": 5})),
                start={item: int(_pick(rng, {"1": 22, "2": 38, "3": 28, "4": 10, "5": 2}))
                       for item in PROGRESSION_ITEMS},
                start_band=int(_pick(rng, {"0": 30, "1": 33, "2": 20, "3": 13, "4": 4})),
            ))
    for p in found:
        # a rating at inskrivning, then about every third month, and one at avslut
        last = p.ended_on or LAST_DAY
        day = p.enrolled_on
        while day < last - timedelta(days=30):
            p.rating_days.append(day)
            day += timedelta(days=rng.randint(80, 100))
        if p.ended_on:
            p.rating_days.append(p.ended_on)
    return found


def _stay_share(p: Participant, day: date) -> float:
    """How far into a full stay ``day`` is (0 at inskrivning, 1 at avslut)."""
    expected_end = p.ended_on or (p.enrolled_on + timedelta(days=330))
    return min(1.0, (day - p.enrolled_on).days / max((expected_end - p.enrolled_on).days, 1))


def progression_rows(people: Sequence[Participant], rng: random.Random
                     ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The progressionskort ratings and, on the same days, the staff's ratings."""
    own_rows, staff_rows = [], []
    for p in people:
        for day in p.rating_days:
            share = _stay_share(p, day)
            own = {item: _clamp(p.start[item] + p.gain[item] * share + rng.gauss(0, 0.35))
                   for item in PROGRESSION_ITEMS}
            band = max(0, min(len(BANDS) - 1, p.start_band + int(p.band_gain * share + 0.01)))
            submitted_at = _at(rng, day)
            own_rows.append({
                "response_id": _id(rng), "submitted_at": submitted_at, "language": p.language,
                "organisation": p.organisation, "participant_code": p.code, **p.background,
                **{item: str(level) for item, level in own.items()}, "timmar_aktivitet": BANDS[band],
            })
            staff_rows.append({
                "response_id": _id(rng), "submitted_at": submitted_at, "language": "sv",
                "organisation": p.organisation, "participant_code": p.code,
                **{staff: str(_clamp(own[item] + (0.4 if staff == "tro_pa_formaga" else 0)
                                     + rng.gauss(0, 0.5)))
                   for staff, item in STAFF_ITEMS.items()},
            })
    return own_rows, staff_rows


def avslut_rows(people: Sequence[Participant], rng: random.Random) -> list[dict[str, str]]:
    """One avslut per participant who ended, on the day of the avslut."""
    outcomes = {"arbete": 13, "arbete_subventionerat": 6, "studier": 5, "arbetssokande": 7,
                "arbetstraning": 31, "sjukskriven": 12, "ater_remittent": 13, "annat": 13}
    return [
        {"response_id": _id(rng), "submitted_at": _at(rng, p.ended_on), "language": "sv",
         "organisation": p.organisation, "participant_code": p.code,
         "utfall": _pick(rng, outcomes), "samtycke_uppfoljning": _pick(rng, {"ja": 70, "nej": 30})}
        for p in people if p.ended_on
    ]


def uppfoljning_rows(people: Sequence[Participant], avslut: Sequence[dict[str, str]],
                     rng: random.Random) -> list[dict[str, str]]:
    """Six months after an avslut that consents, by phone: women reached less often than men."""
    by_code = {p.code: p for p in people}
    reached = {"kvinna": 0.65, "man": 0.96, "annan": 0.8}
    rows = []
    for form in avslut:
        p = by_code[form["participant_code"]]
        day = p.ended_on + timedelta(days=rng.randint(178, 195))
        # every draw made for every avslut, so each figure can be tuned without moving the others
        call, response_id = rng.random(), _id(rng)
        row = {"response_id": response_id, "submitted_at": _at(rng, day), "language": "sv",
               "organisation": p.organisation, "participant_code": p.code,
               "progression": _pick(rng, {"okat": 36, "behallit": 34, "backat": 30})}
        if form["samtycke_uppfoljning"] == "ja" and day <= LAST_DAY and call < reached[p.kon]:
            rows.append(row)
    return rows


def _exit_answers(rng: random.Random) -> dict[str, str]:
    samordnare = _pick(rng, {"bra": 82, "varken_eller": 13, "daligt": 5})
    handlaggare = _pick(rng, {"bra": 62, "varken_eller": 15, "daligt": 6, "ingen": 17})
    reasons = ""
    if samordnare != "bra" or handlaggare in ("varken_eller", "daligt"):
        reasons = _pick(rng, {"nej": 68, "vet_ej": 14, "etnicitet": 7, "funktionsnedsattning": 4,
                              "alder": 3, "kon": 2, "etnicitet;religion": 2})
    return {
        "bemotande_samordnare": samordnare,
        "bemotande_handlaggare": handlaggare,
        "diskriminering": reasons,
        "tro_formaga": _pick(rng, {"1": 2, "2": 3, "3": 7, "4": 31, "5": 57}),
        "mar_battre": _pick(rng, {"1": 1, "2": 3, "3": 13, "4": 40, "5": 43}),
        "kommentar": rng.choice(COMMENTS) if rng.random() < 0.4 else "",
    }


def avslutningsenkat_rows(people: Sequence[Participant], rng: random.Random) -> list[dict[str, str]]:
    """Most participants answer at their avslut with their register's background, nearly all
    of them writing their participant code (it links the answer to the reach); a few answer
    who are not in the register, some of them not saying their background."""
    rows = []
    for p in people:
        if p.ended_on and rng.random() < 0.88:
            # about one in ten leaves the optional code out (fixed by the code, not drawn, so
            # the rest of the demo stays as it is)
            code = "" if sum(p.code.encode()) % 10 == 0 else p.code
            rows.append({
                "response_id": _id(rng), "submitted_at": _at(rng, p.ended_on), "language": p.language,
                "organisation": p.organisation, "channel": _pick(rng, {"self": 75, "assisted": 25}),
                "participant_code": code, **p.background, **_exit_answers(rng),
            })
    for _ in range(12):
        day = PROJECT_START + timedelta(days=rng.randint(180, (LAST_DAY - PROJECT_START).days))
        rows.append({
            "response_id": _id(rng), "submitted_at": _at(rng, day), "language": "sv",
            "organisation": rng.choice(ORGANISATIONS), "channel": "self",
            "kon": _pick(rng, {"kvinna": 40, "man": 45, "ej_svar": 15}),
            "aldersgrupp": _pick(rng, {"19-24": 30, "30-44": 40, "45-65": 15, "ej_svar": 15}),
            "fodelseregion": _pick(rng, {"sverige": 45, "utanfor_norden": 40, "ej_svar": 15}),
            **_exit_answers(rng),
        })
    return sorted(rows, key=lambda row: row["submitted_at"])


def samverkan_rows(round_index: int, rng: random.Random) -> list[dict[str, str]]:
    """One round of the staff survey: a kommunchef, samordnare and others per kommun and
    staff of the region; the second round a little more content than the first."""
    staff = [(org, "kommunchef") for org in ORGANISATIONS]
    staff += [(org, "samordnare") for org in ORGANISATIONS for _ in range(rng.randint(4, 6))]
    staff += [(org, "annan") for org in ORGANISATIONS for _ in range(rng.randint(2, 3))]
    staff += [(REGION, "region") for _ in range(rng.randint(4, 6))]
    lift = 0.5 * round_index
    rows = []
    for organisation, role in staff:
        day = SAMVERKAN_DAYS[round_index] + timedelta(days=rng.randint(0, 18))
        row = {"response_id": _id(rng), "submitted_at": _at(rng, day), "language": "sv",
               "organisation": organisation, "role": role}
        for key in SAMVERKAN_SCALES:
            answer = _clamp(rng.gauss(SAMVERKAN_BASE[key] + lift, 0.8))
            row[key] = "vet_ej" if rng.random() < 0.08 else str(answer)
        for matrix_row in MATRIX_ROWS:
            row[f"insatser_indikatorer.{matrix_row}"] = (
                str(_clamp(rng.gauss(3.4 + lift, 0.8))) if role == "samordnare" else "")
        row["forbattra_samverkan"] = rng.choice(SAMVERKAN_COMMENTS) if rng.random() < 0.5 else ""
        rows.append(row)
    return sorted(rows, key=lambda row: row["submitted_at"])


def insatser_rows(people: Sequence[Participant], rng: random.Random) -> list[dict[str, str]]:
    """One to four insatser per participant, starting in their first two months."""
    weights = {"jobbinriktade": 16, "jobbsokning": 14, "hantering_vardag": 12, "halsa": 10,
               "sociala_kompetenser": 10, "tro_pa_jobb": 8, "samarbetsformaga": 7,
               "kunskap_arbetsmarknad": 8, "hantering_halsa": 6, "yrkeskompetenser": 6, "social_mentor": 5}
    rows = []
    for p in people:
        chosen: list[str] = []
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            insats = _pick(rng, weights)
            if insats not in chosen:
                chosen.append(insats)
        for insats in chosen:
            started = min(p.enrolled_on + timedelta(days=rng.randint(0, 60)), LAST_DAY)
            ended = started + timedelta(days=rng.randint(60, 200))
            if p.ended_on:
                ended = min(max(ended, started), p.ended_on) if p.ended_on >= started else started
            rows.append({"participant_code": p.code, "insats": insats, "started_on": started.isoformat(),
                         "ended_on": ended.isoformat() if ended <= LAST_DAY else ""})
    return rows


@dataclass(frozen=True)
class DemoFile:
    """One import file of the demo: what it holds (a questionnaire key, ``register`` or
    ``insatser``), the round its answers go to, and its rows."""

    name: str
    kind: str
    round: str | None
    rows: list[dict[str, str]]


def demo_files(seed: int = SEED) -> list[DemoFile]:
    """Every demo file, in the order they are imported (the register first)."""
    rng = random.Random(seed)
    # the codes from a generator of their own, so that the figures do not depend on them
    people = participants(rng, participant_codes(sum(PARTICIPANTS.values()), seed + 1))
    progressionskort, personalskattning = progression_rows(people, rng)
    avslut = avslut_rows(people, rng)
    first, second = ROUNDS
    return [
        DemoFile("deltagare.csv", "register", None, [p.register_row() for p in people]),
        DemoFile("avslutningsenkat.csv", "avslutningsenkat", first, avslutningsenkat_rows(people, rng)),
        DemoFile("progressionskort.csv", "progressionskort", first, progressionskort),
        DemoFile("personalskattning.csv", "personalskattning", first, personalskattning),
        DemoFile("avslut.csv", "avslut", first, avslut),
        DemoFile("uppfoljning.csv", "uppfoljning_6man", first, uppfoljning_rows(people, avslut, rng)),
        DemoFile("samverkan-mars.csv", "samverkan", first, samverkan_rows(0, rng)),
        DemoFile("samverkan-oktober.csv", "samverkan", second, samverkan_rows(1, rng)),
        DemoFile("insatser.csv", "insatser", None, insatser_rows(people, rng)),
    ]


#: the demo's second project: two of the first project's kommuner, a shorter period, fewer goals
SECOND_PROJECT = {
    "name": "Samverkan utan gränser",
    "period": {"start": "2025-09-01", "end": "2027-06-30"},
    "participants": {"total": 80, "women": 40, "men": 40, "organisations": {"Mariestad": 40, "Skövde": 40}},
    "questionnaires": ["avslutningsenkat", "avslut"],
    "projektmal": [
        {"title": "80 deltagare, varav 40 kvinnor och 40 män",
         "delmal": [{"participants": "total"}, {"participants": "women"}, {"participants": "men"}]},
        {"title": "Deltagare har närmat sig arbetsmarknaden",
         "delmal": [{"goal": "avslutningsenkat.mar_battre"},
                    {"goal": "avslut.utfall", "codes": ["arbete", "arbete_subventionerat", "studier",
                                                        "arbetssokande"]}]},
    ],
}
SECOND_PARTICIPANTS = {"Mariestad": 34, "Skövde": 30}


def second_project_files(seed: int = SEED) -> list[DemoFile]:
    """The second project's register and answers; its codes are none of the first project's."""
    rng = random.Random(seed + 21)
    taken = set(participant_codes(sum(PARTICIPANTS.values()), seed + 1))
    drawn = participant_codes(sum(SECOND_PARTICIPANTS.values()) + 20, seed + 22)
    codes = [c for c in drawn if c not in taken]
    people = participants(rng, codes, SECOND_PARTICIPANTS, date(2025, 9, 1))
    return [
        DemoFile("samverkan-utan-granser-deltagare.csv", "register", None,
                 [p.register_row() for p in people]),
        DemoFile("samverkan-utan-granser-avslutningsenkat.csv", "avslutningsenkat", ROUNDS[0],
                 avslutningsenkat_rows(people, rng)),
        DemoFile("samverkan-utan-granser-avslut.csv", "avslut", ROUNDS[0], avslut_rows(people, rng)),
    ]


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ";", bom: bool = True) -> Path:
    """Rows as a CSV file the way Swedish Excel writes it; formula-like text stays text."""
    columns = list(dict.fromkeys(column for row in rows for column in row))
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        writer = csv.DictWriter(f, columns, delimiter=delimiter, restval="")
        writer.writeheader()
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
    return path


def write_demo_files(directory: Path, files: Sequence[DemoFile] | None = None) -> dict[Path, int]:
    """Writes one import file per demo file: {path: number of rows}."""
    directory.mkdir(parents=True, exist_ok=True)
    return {write_csv(directory / f.name, f.rows): len(f.rows) for f in files or demo_files()}

