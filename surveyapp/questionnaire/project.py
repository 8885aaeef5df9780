"""The project file (``questionnaires/_project.yaml``): the participant targets, the
questionnaires whose goals make up the project's goal table, and the table's shape as in the
evaluation's Tabell 1: projektmål, each with its delmål. Validated like a questionnaire:
every error names the file, the key and the problem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jsonschema
import yaml

from .loader import QuestionnaireError
from .model import Questionnaire

#: the project file's name, beside the questionnaire files
PROJECT_FILE = "_project.yaml"

#: the dimensions a delmål may carry targets of its own for
TARGET_DIMENSIONS = ("organisation", "kon")
#: the register's rows of the goal table, by their key in the project file
PARTICIPANT_ROWS = {"total": "participants", "women": "participants.women", "men": "participants.men",
                    "balance": "participants.balance"}
#: a manual delmål's label and motivering are short texts
LABEL_MAX = 300

_TARGETS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        dim: {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}}
        for dim in TARGET_DIMENSIONS
    },
}
_LABEL = {"type": "string", "minLength": 1, "maxLength": LABEL_MAX}
_DELMAL = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        # one of these says what the row is
        "participants": {"enum": list(PARTICIPANT_ROWS)},
        "goal": {"type": "string"},
        "shift": {"type": "string"},
        "reach": {"type": "string"},
        "manual": _LABEL,
        # and these refine it
        "codes": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "key": {"type": "string", "pattern": "^[a-z0-9_]+$", "maxLength": 60},
        "label": _LABEL,
        "target": {"type": "number"},
        "targets": _TARGETS,
    },
}

SCHEMA = {
    "type": "object",
    "required": ["participants"],
    "additionalProperties": False,
    "properties": {
        # the project's name and period: read by ``surveyapp projects import``, not by the table
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "period": {
            "type": "object", "additionalProperties": False,
            "properties": {"start": {"type": "string", "format": "date"},
                           "end": {"type": "string", "format": "date"}},
        },
        "title": {"type": "string"},
        "participants": {
            "type": "object",
            "required": ["total"],
            "additionalProperties": False,
            "properties": {
                "total": {"type": "integer", "minimum": 1},
                "women": {"type": "integer", "minimum": 0},
                "men": {"type": "integer", "minimum": 0},
                "balance": {
                    "type": "array", "items": {"type": "number", "minimum": 0, "maximum": 100},
                    "minItems": 2, "maxItems": 2,
                },
                "organisations": {
                    "type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                },
            },
        },
        "questionnaires": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "projektmal": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "delmal"],
                "additionalProperties": False,
                "properties": {
                    "title": _LABEL,
                    "delmal": {"type": "array", "items": _DELMAL, "minItems": 1},
                },
            },
        },
    },
}

#: what a delmål row is
KINDS = ("participants", "goal", "shift", "reach", "manual")


@dataclass(frozen=True)
class Delmal:
    """One row of the goal table as the project file places it."""

    #: participants, goal (a questionnaire's goal), shift (a round-to-round mean shift of an
    #: unpaired questionnaire), reach, or manual (judged by projektledning alone)
    kind: str
    #: the row's stable key in the goal table (bedömning and motivering are stored by it)
    key: str
    #: participants: total/women/men/balance; goal: the table key of the questionnaire goal
    #: ("avslut.1"); shift: "questionnaire.question"; reach: the questionnaire; manual: None
    ref: str | None = None
    label: str | None = None
    target: float | None = None
    #: dimension → group → the group's own target (organisation names, kön codes)
    targets: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Projektmal:
    title: str
    delmal: tuple[Delmal, ...]


@dataclass(frozen=True)
class Project:
    """What the project is judged on beside its questionnaires' own goals."""

    title: str = ""
    total: int | None = None
    women: int | None = None
    men: int | None = None
    #: the share of women among women and men must lie within this band (percent)
    balance: tuple[float, float] | None = None
    #: organisation name → its participant target
    organisation_targets: dict[str, int] = field(default_factory=dict)
    #: the questionnaires whose goals are in the goal table, in order; empty: all
    questionnaires: tuple[str, ...] = ()
    #: the goal table's grouping; empty: one flat list of every goal
    projektmal: tuple[Projektmal, ...] = ()


def load_project(directory: Path, known_questionnaires: tuple[str, ...] | Mapping[str, Questionnaire] = (),
                 ) -> Project:
    """The project file of a questionnaire folder; an empty :class:`Project` without one.
    ``known_questionnaires``: their keys, or the definitions (then every delmål's
    question, codes and goal is checked against them)."""
    path = Path(directory) / PROJECT_FILE
    if not path.exists():
        return Project()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QuestionnaireError([f"{path.name}: not valid YAML: {exc}"]) from exc
    return project_from(data, path.name, known_questionnaires)


def project_from(data, name: str,
                 known_questionnaires: tuple[str, ...] | Mapping[str, Questionnaire] = ()) -> Project:
    data = plain_dates(data)
    problems = []
    for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        problems.append(f"{name}: {where}: {error.message}")
    if problems:
        raise QuestionnaireError(problems)
    period = {}
    for end in ("start", "end"):
        value = data.get("period", {}).get(end)
        try:
            period[end] = date.fromisoformat(value) if value else None
        except ValueError:
            problems.append(f"{name}: period/{end}: {value!r} is not a date (YYYY-MM-DD)")
    if period.get("start") and period.get("end") and period["start"] > period["end"]:
        problems.append(f"{name}: period: the end {period['end']} lies before the start {period['start']}")
    participants = data["participants"]
    balance = participants.get("balance")
    if balance and balance[0] > balance[1]:
        problems.append(f"{name}: participants/balance: {balance[0]} is above {balance[1]}")
    for key in data.get("questionnaires", []):
        if known_questionnaires and key not in known_questionnaires:
            problems.append(f"{name}: questionnaires: no questionnaire {key!r}; "
                            f"known: {', '.join(known_questionnaires)}")
    organisations = dict(participants.get("organisations", {}))
    definitions = known_questionnaires if isinstance(known_questionnaires, Mapping) else {}
    projektmal = []
    seen: set[str] = set()
    for i, raw_mal in enumerate(data.get("projektmal", [])):
        rows = []
        for j, raw in enumerate(raw_mal["delmal"]):
            where = f"{name}: projektmal/{i}/delmal/{j}"
            delmal, found = _delmal(raw, where, definitions, organisations)
            problems += found
            if delmal is None:
                continue
            if delmal.key in seen:
                problems.append(f"{where}: the row {delmal.key!r} is placed twice")
            seen.add(delmal.key)
            rows.append(delmal)
        projektmal.append(Projektmal(raw_mal["title"], tuple(rows)))
    if problems:
        raise QuestionnaireError(problems)
    return Project(
        title=data.get("title", ""),
        total=participants["total"],
        women=participants.get("women"),
        men=participants.get("men"),
        balance=tuple(balance) if balance else None,
        organisation_targets=organisations,
        questionnaires=tuple(data.get("questionnaires", [])),
        projektmal=tuple(projektmal),
    )


def plain_dates(data):
    """YAML reads ``2025-01-01`` as a date; the set-up keeps it as text (as JSON stores it)."""
    if isinstance(data, dict):
        return {key: plain_dates(value) for key, value in data.items()}
    if isinstance(data, list):
        return [plain_dates(value) for value in data]
    if isinstance(data, date):
        return data.isoformat()
    return data


def _delmal(raw: dict, where: str, definitions: Mapping[str, Questionnaire],
            organisations: Mapping[str, int]) -> tuple[Delmal | None, list[str]]:
    kinds = [k for k in KINDS if k in raw]
    if len(kinds) != 1:
        return None, [f"{where}: a delmål is exactly one of {', '.join(KINDS)} (found "
                      f"{', '.join(kinds) or 'none'})"]
    kind = kinds[0]
    value = raw[kind]
    problems = []
    targets = {dim: {str(g): float(t) for g, t in groups.items()}
               for dim, groups in raw.get("targets", {}).items()}
    for group in targets.get("organisation", {}):
        if organisations and group not in organisations:
            problems.append(f"{where}: targets/organisation: {group!r} is not one of the project's "
                            f"kommuner ({', '.join(organisations)})")
    for group in targets.get("kon", {}):
        if group not in ("kvinna", "man", "annan"):
            problems.append(f"{where}: targets/kon: {group!r} is not one of kvinna, man, annan")
    target = raw.get("target")
    if kind == "participants":
        return Delmal(kind, PARTICIPANT_ROWS[value], value, raw.get("label"), target, targets), problems
    if kind == "manual":
        key = raw.get("key")
        if not key:
            return None, [f"{where}: a manual delmål needs a key (a-z, 0-9 and _)"]
        return Delmal(kind, f"manual.{key}", None, value, target, targets), problems
    questionnaire_key, _, rest = str(value).partition(".")
    questionnaire = definitions.get(questionnaire_key)
    if definitions and questionnaire is None:
        return None, [f"{where}: {kind}: no questionnaire {questionnaire_key!r}; known: "
                      f"{', '.join(definitions)}"]
    if kind == "reach":
        if rest or questionnaire_key not in ("avslutningsenkat", "uppfoljning_6man"):
            problems.append(f"{where}: reach: is avslutningsenkat or uppfoljning_6man")
        return Delmal(kind, f"reach.{questionnaire_key}", questionnaire_key, raw.get("label"), target,
                      targets), problems
    if kind == "shift":
        if target is None:
            problems.append(f"{where}: shift: needs a target (the smallest mean change that counts)")
        if questionnaire is not None:
            try:
                question = questionnaire.question(rest)
            except KeyError:
                return None, [f"{where}: shift: {questionnaire_key} has no question {rest!r}"]
            if question.type != "scale":
                problems.append(f"{where}: shift: {value} is not a scale question")
            if questionnaire.paired:
                problems.append(f"{where}: shift: {questionnaire_key} is paired; its goals measure "
                                "mean_shift themselves")
        return Delmal(kind, f"shift.{value}", str(value), raw.get("label"), target, targets), problems
    # a questionnaire's own goal: "questionnaire.question", chosen among several by codes
    if questionnaire is None:
        return Delmal(kind, str(value), str(value), raw.get("label"), target, targets), problems
    if rest.isdigit():
        index = int(rest)
        if index >= len(questionnaire.goals):
            return None, [f"{where}: goal: {questionnaire_key} has {len(questionnaire.goals)} goal(s)"]
    else:
        codes = tuple(raw.get("codes", ()))
        matching = [i for i, g in enumerate(questionnaire.goals)
                    if g.question == rest and (not codes or set(g.codes) == set(codes))]
        if not matching:
            return None, [f"{where}: goal: {questionnaire_key} has no goal on {rest!r}"
                          + (f" with codes {', '.join(codes)}" if codes else "")]
        if len(matching) > 1:
            return None, [f"{where}: goal: {questionnaire_key} has {len(matching)} goals on {rest!r}; "
                          "name the codes of the one meant"]
        index = matching[0]
    return Delmal(kind, f"{questionnaire_key}.{index}", f"{questionnaire_key}.{index}", raw.get("label"),
                  target, targets), problems
