"""The project file (``questionnaires/_project.yaml``): the participant targets and which
questionnaires' goals make up the project's goal table. Validated like a questionnaire:
every error names the file, the key and the problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml

from .loader import QuestionnaireError

#: the project file's name, beside the questionnaire files
PROJECT_FILE = "_project.yaml"

SCHEMA = {
    "type": "object",
    "required": ["participants"],
    "additionalProperties": False,
    "properties": {
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
    },
}


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


def load_project(directory: Path, known_questionnaires: tuple[str, ...] = ()) -> Project:
    """The project file of a questionnaire folder; an empty :class:`Project` without one."""
    path = Path(directory) / PROJECT_FILE
    if not path.exists():
        return Project()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QuestionnaireError([f"{path.name}: not valid YAML: {exc}"]) from exc
    problems = []
    for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        problems.append(f"{path.name}: {where}: {error.message}")
    if problems:
        raise QuestionnaireError(problems)
    participants = data["participants"]
    balance = participants.get("balance")
    if balance and balance[0] > balance[1]:
        problems.append(f"{path.name}: participants/balance: {balance[0]} is above {balance[1]}")
    for key in data.get("questionnaires", []):
        if known_questionnaires and key not in known_questionnaires:
            problems.append(f"{path.name}: questionnaires: no questionnaire {key!r}; "
                            f"known: {', '.join(known_questionnaires)}")
    if problems:
        raise QuestionnaireError(problems)
    return Project(
        title=data.get("title", ""),
        total=participants["total"],
        women=participants.get("women"),
        men=participants.get("men"),
        balance=tuple(balance) if balance else None,
        organisation_targets=dict(participants.get("organisations", {})),
        questionnaires=tuple(data.get("questionnaires", [])),
    )
