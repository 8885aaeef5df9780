"""The evaluator's dataset: released answer rows as numbered variables with Swedish labels.

The one place where the SPSS, Stata and CSV files and their codebook get their variables,
names, labels, value codes and missing-value codes; the writers
(:mod:`surveyapp.exports.evaluator`, :mod:`surveyapp.exports.codebook`) only put it in their format.

Codes: a scale's steps keep their number (1–5); other options are numbered in their order,
from 1. The not-applicable answers and a withheld value are user-missing, with the same
negative code in every variable (:data:`MISSING_CODES`); a question not shown or not answered is system
missing (empty). A multiple-choice question is one 0/1 variable per option.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..questionnaire import Question, Questionnaire
from ..questionnaire.types import question_type
from .disclosure import WITHHELD, Coarsening
from .release import ReleasedRows

#: user-missing codes, the same in every variable, negative so that they never meet a valid
#: value (an organisation's id, a month); Stata gets the extended missing value beside each
MISSING_CODES = {"ej_svar": -9, "vet_ej": -8, "ingen": -7, WITHHELD: -6}
#: a not-applicable option without a code of its own above
OTHER_MISSING = -5
#: the range SPSS declares user-missing in every variable that has missing codes
MISSING_RANGE = (-9, -1)
STATA_MISSING = {-8: "a", -7: "b", -9: "c", -6: "d", OTHER_MISSING: "e"}
WITHHELD_LABEL = "Dolt: för få svar med samma kombination"
#: the longest variable name: Stata allows 32 characters, and a value-label set, named after
#: its variable with a number of up to four digits added, no more (SPSS allows 64)
NAME_LENGTH = 28
#: languages participants answer in, named in Swedish
LANGUAGE_NAMES = {"sv": "Svenska", "en": "Engelska", "ar": "Arabiska", "fa": "Dari/persiska",
                  "so": "Somaliska", "ti": "Tigrinska", "uk": "Ukrainska"}
CHANNEL_NAMES = {"self": "Själv", "assisted": "Med stöd av personal eller tolk"}
#: released meta columns: (variable name, label)
META = {
    "row": ("rad", "Radnummer i filen"),
    "response_id": ("svar_id", "Svarets id"),
    "round": ("mattillfalle", "Mättillfälle"),
    "month": ("manad", "Månad då svaret lämnades (ÅÅÅÅMM)"),
    "submitted_at": ("datum", "Dag då svaret lämnades"),
    "language": ("sprak", "Språk"),
    "organisation": ("kommun", "Kommun eller organisation"),
    "channel": ("kanal", "Kanal: själv eller med stöd"),
    "role": ("roll", "Roll"),
    "participant": ("deltagare", "Deltagare (nummer som bara gäller i denna fil)"),
    "participant_code": ("deltagarkod", "Deltagarkod"),
}
REGISTER_LABEL = "%(text)s (deltagarregistret)"
_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}


@dataclass(frozen=True)
class Variable:
    """One variable of the files and the codebook."""

    name: str
    #: the released column it is made from
    column: str
    label: str
    #: "numeric", "string" or "date"
    kind: str = "numeric"
    #: valid values and their labels
    values: dict[int, str] = field(default_factory=dict)
    #: user-missing values and their labels
    missing: dict[int, str] = field(default_factory=dict)
    #: answer code → value (the stable mapping the codebook shows)
    codes: dict[str, int] = field(default_factory=dict)
    #: a multiple-choice question's option this 0/1 variable counts
    option: str | None = None
    #: the question's key (None for the meta variables)
    question: str | None = None
    #: when the question is shown, in words
    condition: str = ""
    #: SPSS measure: nominal, ordinal or scale
    measure: str = "nominal"


@dataclass
class Dataset:
    """The variables and their values, one row per released answer row."""

    questionnaire: Questionnaire
    variables: tuple[Variable, ...]
    frame: pd.DataFrame
    coarsening: Coarsening | None
    rounds: tuple[str, ...]
    versions: tuple[str, ...]
    include_text: bool

    def metadata(self) -> str:
        """What the file holds and what was done to it, in Swedish (file notes, codebook)."""
        q = self.questionnaire
        parts = [f"{q.title} ({q.key}); mättillfällen: {', '.join(self.rounds) or '–'}; "
                 f"formulärversion: {', '.join(self.versions) or '–'}; {len(self.frame)} rader"]
        if self.coarsening is not None:
            parts.append("Grovkornig: " + self.coarsening.describe())
        else:
            parts.append("Inte grovkornig: datum till dag (endast administratören)")
        parts.append("Fritext ingår" if self.include_text else "Fritext ingår inte")
        return ". ".join(parts) + "."


def variable_name(raw: str, taken: set[str]) -> str:
    """A valid name for SPSS, Stata and R made from ``raw`` deterministically, at most
    :data:`NAME_LENGTH` characters: å, ä, ö as a, a, o, other characters as _, and a long or
    taken name cut with a short hash of ``raw`` as its end."""
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    name = re.sub(r"[^a-z0-9_]+", "_", text).strip("_") or "v"
    if not name[0].isalpha():
        name = "v_" + name
    if name.upper() in _RESERVED:
        name += "_"
    if len(name) > NAME_LENGTH or name in taken:
        digest = hashlib.sha1(raw.encode()).hexdigest()
        for size in (4, 6, 8, 40):
            candidate = f"{name[: NAME_LENGTH - size - 1].rstrip('_')}_{digest[:size]}"
            if candidate not in taken:
                name = candidate
                break
    taken.add(name)
    return name


def option_values(question: Question) -> dict[str, int]:
    """Each option code's value: a scale's steps keep their numbers when every valid code is
    one; otherwise valid options are numbered 1, 2, … in their order; not-applicable options
    get their user-missing code."""
    valid = [o.code for o in question.options if not o.not_applicable]
    numeric = bool(valid) and all(c.isdigit() for c in valid)
    values = {code: (int(code) if numeric else n) for n, code in enumerate(valid, start=1)}
    for option in question.options:
        if option.not_applicable:
            values[option.code] = MISSING_CODES.get(option.code, OTHER_MISSING)
    return values


def condition_text(q: Questionnaire, question: Question) -> str:
    """When ``question`` is shown, in Swedish words."""
    if question.show_if is None:
        return "Alla"
    parts = []
    for condition in question.show_if.any_of:
        if condition.source == "role":
            labels = [r.label for r in q.roles if r.code in condition.values] or list(condition.values)
            parts.append(f"rollen är {' eller '.join(labels)}")
        else:
            source = q.question(condition.key)
            labels = [o.label for o in source.options if o.code in condition.values]
            parts.append(f"{condition.key} är {' eller '.join(labels or condition.values)}")
    return "Visas om " + ", eller om ".join(parts)


def dataset_variables(rows: ReleasedRows, rounds: Sequence[str], organisations: Mapping[str, int],
                      background: Mapping[str, Question]) -> tuple[Variable, ...]:
    """The variables of ``rows``' columns: ``rounds`` in their order, ``organisations`` by
    name with their ids as values (stable across files), ``background`` the register's
    questions."""
    q = rows.questionnaire
    taken: set[str] = set()
    out: list[Variable] = []
    withheld = {MISSING_CODES[WITHHELD]: WITHHELD_LABEL} if rows.coarsening is not None else {}

    def labelled(column, label, labels: dict[str, str], codes: dict[str, int], measure="nominal"):
        values = {codes[c]: text for c, text in labels.items() if c in codes}
        out.append(Variable(variable_name(META[column][0], taken), column, label, values=values,
                            missing=dict(withheld) if column in rows.layout.quasi else {},
                            codes=codes, measure=measure))

    for column in rows.layout.columns[: len(rows.layout.source.meta)]:
        name, label = META[column]
        if column in ("row", "participant"):
            out.append(Variable(variable_name(name, taken), column, label, measure="scale"))
        elif column in ("response_id", "participant_code"):
            out.append(Variable(variable_name(name, taken), column, label, kind="string"))
        elif column == "submitted_at":
            out.append(Variable(variable_name(name, taken), column, label, kind="date", measure="scale"))
        elif column == "month":
            out.append(Variable(variable_name(name, taken), column, label, missing=dict(withheld),
                                measure="ordinal"))
        elif column == "round":
            codes = {r: n for n, r in enumerate(rounds, start=1)}
            labelled(column, label, {r: r for r in rounds}, codes, "ordinal")
        elif column == "language":
            codes = {c: n for n, c in enumerate(LANGUAGE_NAMES, start=1)}
            labelled(column, label, LANGUAGE_NAMES, codes)
        elif column == "organisation":
            labelled(column, label, {name: name for name in organisations}, dict(organisations))
        elif column == "channel":
            codes = {c: n for n, c in enumerate(CHANNEL_NAMES, start=1)}
            labelled(column, label, CHANNEL_NAMES, codes)
        elif column == "role":
            codes = {r.code: n for n, r in enumerate(q.roles, start=1)}
            labelled(column, label, {r.code: r.label for r in q.roles}, codes)
    for column in rows.layout.register:
        question = background[column.removeprefix("reg_")]
        out.append(_coded(question, column, REGISTER_LABEL % {"text": question.text}, taken,
                          withheld, condition="Från deltagarregistret"))
    names = set(rows.layout.source.names)
    for question in q.questions:
        condition = condition_text(q, question)
        if question.type == "multi" and question.key in names:
            for option in question.options:
                out.append(Variable(
                    variable_name(f"{question.key}_{option.code}", taken), question.key,
                    f"{question.text}: {option.label}", values={0: "Nej", 1: "Ja"},
                    option=option.code, question=question.key, condition=condition,
                ))
            continue
        for input_name, row in zip(question_type(question).input_names(question),
                                   question.rows or (None,), strict=False):
            if input_name not in names:
                continue
            label = question.text if row is None else f"{question.text} – {row.text}"
            if question.type == "text":
                out.append(Variable(variable_name(input_name, taken), input_name, label, kind="string",
                                    question=question.key, condition=condition))
            elif question.type == "integer":
                out.append(Variable(variable_name(input_name, taken), input_name, label,
                                    question=question.key, condition=condition, measure="scale"))
            else:
                quasi = withheld if input_name in rows.layout.quasi else {}
                out.append(_coded(question, input_name, label, taken, quasi, condition))
    return tuple(out)


def _coded(question: Question, column: str, label: str, taken: set[str], withheld: dict[int, str],
           condition: str) -> Variable:
    codes = option_values(question)
    values = {codes[o.code]: o.label for o in question.options if not o.not_applicable}
    missing = {codes[o.code]: o.label for o in question.options if o.not_applicable}
    missing.update(withheld)
    measure = "ordinal" if question.type in ("scale", "band", "matrix") else "nominal"
    return Variable(variable_name(column, taken), column, label, values=values, missing=missing,
                    codes=codes, question=question.key, condition=condition, measure=measure)


def build_dataset(rows: ReleasedRows, *, rounds: Sequence[str], organisations: Mapping[str, int],
                  background: Mapping[str, Question], versions: Sequence[str] = (),
                  include_text: bool = False) -> Dataset:
    """Reads ``rows`` once into the dataset's columns (numbers held compactly, so a large
    export stays small in memory)."""
    variables = dataset_variables(rows, rounds, organisations, background)
    index = {column: n for n, column in enumerate(rows.columns)}
    numeric = [v for v in variables if v.kind == "numeric"]
    other = [v for v in variables if v.kind != "numeric"]
    numbers = {v.name: array("d") for v in numeric}
    texts: dict[str, list] = {v.name: [] for v in other}
    nan = float("nan")
    plan = [(numbers[v.name].append, index[v.column], v) for v in numeric]
    for row in rows:
        for append, position, variable in plan:
            append(_number(variable, row[position], nan))
        for variable in other:
            value = row[index[variable.column]]
            texts[variable.name].append(value)
    columns: dict[str, object] = {}
    for v in variables:
        if v.kind == "numeric":
            values = numbers.pop(v.name)
            columns[v.name] = np.frombuffer(values, dtype="float64") if len(values) else np.empty(0)
        elif v.kind == "date":  # datetime.date objects: pyreadstat writes them as dates
            columns[v.name] = pd.Series(texts.pop(v.name), dtype=object)
        else:
            columns[v.name] = pd.Series(texts.pop(v.name), dtype=object)
    # the columns as they are, not copied into one block: a large export stays small
    frame = pd.DataFrame(columns, columns=[v.name for v in variables], copy=False)
    return Dataset(rows.questionnaire, variables, frame, rows.coarsening, tuple(rounds), tuple(versions),
                   include_text)


def _number(variable: Variable, value, nan: float) -> float:
    if value is None:
        return nan
    if variable.option is not None:  # a 0/1 variable of a multiple-choice question
        return 1.0 if variable.option in str(value).split(";") else 0.0
    if isinstance(value, int) and not variable.codes:
        return float(value)
    if value == WITHHELD:
        return float(MISSING_CODES[WITHHELD])
    if variable.column == "month":
        return float(str(value).replace("-", ""))
    code = variable.codes.get(str(value))
    return nan if code is None else float(code)
