"""Loading questionnaire files: YAML → schema check → :class:`Questionnaire`.

Every error names the file, the question key (or the path inside the file) and the
problem, so whoever edits a questionnaire can find the line to fix.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from .model import (
    Condition,
    Goal,
    Option,
    Question,
    Questionnaire,
    RespondentKind,
    Row,
    ShowIf,
)
from .schema import FRAGMENT, QUESTIONNAIRE

#: the answers every 1–5 scale must offer
SCALE_CODES = ("1", "2", "3", "4", "5")
#: option pictures: ``questionnaires/pictures/<file>`` with one of these suffixes (and its type)
PICTURE_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


class QuestionnaireError(Exception):
    """A questionnaire file is broken; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QuestionnaireError([f"{path.name}: not valid YAML: {exc}"]) from exc


def _where(data: Any, path: list) -> str:
    """Describes a schema path by the key of the question it lies in, when there is one."""
    node = data
    label = []
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "key" in node and isinstance(node["key"], str):
            label = [node["key"]]
        elif label:
            label.append(str(part))
    if label:
        return ".".join(label)
    return "/".join(str(p) for p in path) or "(top level)"


def _schema_problems(name: str, data: Any, schema: dict) -> list[str]:
    import jsonschema  # only when files are loaded: a command that loads none starts faster

    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path]):
        # a oneOf failure hides the useful message in its sub-errors
        best = jsonschema.exceptions.best_match([error]) if error.context else error
        problems.append(f"{name}: {_where(data, list(best.absolute_path))}: {best.message}")
    return problems


def resolve(path: Path, fragments: dict[str, list[dict]] | None = None) -> dict:
    """Reads one questionnaire file and splices its includes in: the stored definition."""
    return resolve_data(_read_yaml(path), path.name, fragments)


def resolve_data(data: Any, name: str, fragments: dict[str, list[dict]] | None = None) -> dict:
    """Checks a questionnaire as a file holds it against the schema and splices its includes in."""
    problems = _schema_problems(name, data, QUESTIONNAIRE)
    if problems:
        raise QuestionnaireError(problems)
    fragments = fragments or {}
    questions: list[dict] = []
    for item in data["questions"]:
        if "include" in item:
            if item["include"] not in fragments:
                raise QuestionnaireError(
                    [f"{name}: include {item['include']}: no file _{item['include']}.yaml"]
                )
            questions += [dict(q, background=True) for q in fragments[item["include"]]]
        else:
            questions.append(item)
    return normalise(dict(data, questions=questions))


def normalise(value: Any) -> Any:
    """Option codes are strings everywhere, even when YAML read ``1`` as a number."""
    if isinstance(value, dict):
        out = {k: normalise(v) for k, v in value.items()}
        for key in ("code",):
            if key in out and isinstance(out[key], int):
                out[key] = str(out[key])
        if "positive" in out:
            out["positive"] = [str(c) for c in out["positive"]]
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def content_hash(definition: dict) -> str:
    """Identifies a stored definition; equal definitions always hash alike."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _options(raw: list[dict] | None) -> tuple[Option, ...]:
    return tuple(
        Option(
            code=o["code"],
            label=o["label"],
            help=o.get("help"),
            picture=o.get("picture"),
            not_applicable=o.get("not_applicable", False),
        )
        for o in raw or ()
    )


def build(definition: dict, source: str = "") -> Questionnaire:
    """Turns a resolved definition into a :class:`Questionnaire`, checking its consistency."""
    name = source or definition.get("key", "?")
    problems: list[str] = []
    questions: list[Question] = []
    seen: set[str] = set()
    roles = _options(definition.get("roles"))

    for raw in definition["questions"]:
        key = raw["key"]
        where = f"{name}: {key}"
        qtype = raw["type"]
        options = _options(raw.get("options"))
        codes = [o.code for o in options]
        if key in seen:
            problems.append(f"{where}: the key is used twice")
        if len(set(codes)) != len(codes):
            problems.append(f"{where}: an option code is used twice")
        if qtype in ("text", "integer"):
            if options:
                problems.append(f"{where}: a {qtype} question has no options")
        elif not options:
            problems.append(f"{where}: a {qtype} question needs options")
        if qtype in ("scale", "matrix"):
            valued = [o.code for o in options if not o.not_applicable]
            if valued != list(SCALE_CODES):
                problems.append(
                    f"{where}: a scale needs the steps 1–5 in order "
                    "(other codes must be marked not_applicable)"
                )
        if qtype == "matrix" and not raw.get("rows"):
            problems.append(f"{where}: a matrix question needs rows")
        if qtype != "matrix" and raw.get("rows"):
            problems.append(f"{where}: only a matrix question has rows")
        if raw.get("max_length") and qtype != "text":
            problems.append(f"{where}: only a text question has max_length")
        if ("minimum" in raw or "maximum" in raw) and qtype != "integer":
            problems.append(f"{where}: only an integer question has a minimum or maximum")
        if raw.get("minimum", 0) > raw.get("maximum", raw.get("minimum", 0)):
            problems.append(f"{where}: the minimum is larger than the maximum")
        for code in raw.get("positive", ()):
            if code not in codes:
                problems.append(f"{where}: positive code {code!r} is not one of the options")
        conditions = []
        for cond in raw.get("show_if", ()):
            if "role" in cond:
                if not roles:
                    problems.append(f"{where}: show_if on role, but the questionnaire has no roles")
                for code in cond["role"]:
                    if code not in {r.code for r in roles}:
                        problems.append(f"{where}: show_if names unknown role {code!r}")
                conditions.append(Condition("role", "role", tuple(cond["role"])))
                continue
            target = next((q for q in questions if q.key == cond["question"]), None)
            if target is None:
                problems.append(
                    f"{where}: show_if refers to {cond['question']!r}, "
                    "which is not an earlier question"
                )
                continue
            for code in cond["in"]:
                if code not in target.option_codes:
                    problems.append(
                        f"{where}: show_if code {code!r} is not an option of {target.key}"
                    )
            conditions.append(Condition("answer", target.key, tuple(cond["in"])))
        seen.add(key)
        questions.append(
            Question(
                key=key,
                type=qtype,
                text=raw["text"],
                help=raw.get("help"),
                options=options,
                rows=tuple(Row(r["key"], r["text"]) for r in raw.get("rows", ())),
                required=raw.get("required", False),
                show_if=ShowIf(tuple(conditions)) if conditions else None,
                positive=tuple(raw.get("positive", ())),
                max_length=raw.get("max_length"),
                minimum=raw.get("minimum"),
                maximum=raw.get("maximum"),
                background=raw.get("background", False),
            )
        )

    by_key = {q.key: q for q in questions}
    goals = []
    for raw in definition.get("goals", ()):
        q = by_key.get(raw["question"])
        where = f"{name}: goal {raw['question']}"
        measure = raw.get("measure", "share")
        codes = tuple(raw.get("codes", ()))
        if q is None:
            problems.append(f"{where}: no such question")
        else:
            for code in codes:
                if code not in q.option_codes:
                    problems.append(f"{where}: code {code!r} is not one of the options")
            if measure == "share" and not (codes or q.positive):
                problems.append(f"{where}: the question has no positive codes and the goal none")
            if measure == "moved_up" and (q.type != "band" or not definition.get("paired")):
                problems.append(f"{where}: moved_up needs a band question in a paired questionnaire")
            if measure == "mean_shift" and (q.type != "scale" or not definition.get("paired")):
                problems.append(f"{where}: mean_shift needs a scale question in a paired questionnaire")
        goals.append(Goal(raw["question"], float(raw["target"]), raw["label"], measure, codes))

    if problems:
        raise QuestionnaireError(problems)
    return Questionnaire(
        key=definition["key"],
        title=definition["title"],
        respondent=RespondentKind(definition["respondent"]),
        questions=tuple(questions),
        intro=definition.get("intro"),
        paired=definition.get("paired", False),
        optional_code=definition.get("participant_code") == "optional",
        roles=roles,
        goals=tuple(goals),
        source=name,
    )


def load_fragments(directory: Path) -> dict[str, list[dict]]:
    fragments = {}
    for path in sorted(directory.glob("_*.yaml")):
        if path.name == "_project.yaml":  # the project's targets, read by questionnaire.project
            continue
        data = _read_yaml(path)
        problems = _schema_problems(path.name, data, FRAGMENT)
        if problems:
            raise QuestionnaireError(problems)
        fragments[data["key"]] = data["questions"]
    return fragments


def load_file(path: Path, fragments: dict[str, list[dict]] | None = None) -> tuple[Questionnaire, dict]:
    """Loads one file; returns the questionnaire and its resolved definition (for storage)."""
    path = Path(path)
    if fragments is None:
        fragments = load_fragments(path.parent)
    definition = resolve(path, fragments)
    questionnaire = build(definition, path.name)
    if path.stem != questionnaire.key:
        raise QuestionnaireError([f"{path.name}: key {questionnaire.key!r} must match the file name"])
    return questionnaire, definition


def load_directory(directory: Path) -> dict[str, tuple[Questionnaire, dict]]:
    """Loads every questionnaire of a folder; raises one error listing all problems found."""
    directory = Path(directory)
    problems: list[str] = []
    try:
        fragments = load_fragments(directory)
    except QuestionnaireError as exc:
        raise QuestionnaireError(exc.problems) from exc
    loaded = {}
    for path in sorted(directory.glob("[!_]*.yaml")):
        try:
            questionnaire, definition = load_file(path, fragments)
        except QuestionnaireError as exc:
            problems += exc.problems
            continue
        problems += picture_problems(questionnaire, directory / "pictures")
        loaded[questionnaire.key] = (questionnaire, definition)
    if problems:
        raise QuestionnaireError(problems)
    return loaded


def picture_problems(questionnaire: Questionnaire, folder: Path) -> list[str]:
    """Every ``picture:`` names a picture file in ``folder``."""
    problems = []
    options = [(question.key, o) for question in questionnaire.questions for o in question.options]
    options += [("roles", o) for o in questionnaire.roles]
    for key, option in options:
        name = option.picture
        if name is None:
            continue
        where = f"{questionnaire.source}: {key}: option {option.code}: picture {name!r}"
        if Path(name).name != name or name.startswith(".") or Path(name).suffix.lower() not in PICTURE_TYPES:
            problems.append(f"{where}: must be a file name ending in {', '.join(PICTURE_TYPES)}")
        elif not (folder / name).is_file():
            problems.append(f"{where}: no such file in {folder.name}/")
    return problems
