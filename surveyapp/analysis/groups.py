"""Breakdowns: which group each response falls in, by background question, organisation,
role, channel, or a crossing of two of them (``kon*fodelseregion``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..questionnaire import Questionnaire
from ..questionnaire.messages import N_
from .cells import Cells, answer_attribute, attributes_for, register_attribute
from .data import AnswerData
from .register import BACKGROUND, ENROLMENT_DIMENSIONS, TIME_BANDS, time_band

#: the breakdowns every goal is shown by, when the questionnaire has them
GOAL_DIMENSIONS = ("kon", "organisation")
#: separates the two dimensions of a crossing, and the two groups of a crossed group
CROSS = "*"
#: reports group Sverige and Övriga Norden together
REGION_GROUPS = {"sverige": "sverige_norden", "norden": "sverige_norden", "utanfor_norden": "utanfor_norden"}


@dataclass(frozen=True)
class Label:
    """A text to show, and where its translation lives ("messages", "questionnaires", or
    "none" for names such as an organisation's)."""

    text: str
    domain: str = "messages"


@dataclass(frozen=True)
class Group:
    key: str
    label: tuple[Label, ...]


@dataclass(frozen=True)
class Dimension:
    key: str
    label: tuple[Label, ...]
    groups: tuple[Group, ...]


class UnknownDimension(ValueError):
    """A breakdown was asked for that the questionnaire does not have."""


DIMENSION_LABELS = {
    "organisation": N_("Organisation"),
    "role": N_("Roll"),
    "channel": N_("Kanal"),
    "fodelseregion": N_("Födelseregion"),
    "inskrivning": N_("Inskrivning (år)"),
    "inskrivning_kvartal": N_("Inskrivning (kvartal)"),
    "tid_i_projekt": N_("Tid i projektet"),
}
#: the background questions' texts, for forms about a participant that do not ask them
BACKGROUND_TEXTS = {"kon": "Kön", "aldersgrupp": "Ålder"}
CHANNEL_LABELS = {"self": N_("På egen hand"), "assisted": N_("Med stöd")}
REGION_LABELS = {"sverige_norden": N_("Född i Sverige/Norden"), "utanfor_norden": N_("Född utanför Norden")}


def available(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The single dimensions a questionnaire can be broken down by. Forms about a participant
    (and paired ones) also have the register's: background, inskrivning, time in project."""
    dims = [q.key for q in questionnaire.questions if q.background]
    if questionnaire.uses_participant_code:
        dims += [k for k in BACKGROUND if k not in dims]
        dims += list(ENROLMENT_DIMENSIONS)
    dims.append("organisation")
    if questionnaire.asks_role:
        dims.append("role")
    dims.append("channel")
    return tuple(dims)


def parse(questionnaire: Questionnaire, key: str) -> str:
    """Checks a dimension key (``kon``, ``kon*fodelseregion``, ``kon×fodelseregion``)."""
    parts = [p.strip() for p in key.replace("×", CROSS).split(CROSS)]
    allowed = available(questionnaire)
    if not 1 <= len(parts) <= 2 or any(p not in allowed for p in parts) or len(set(parts)) != len(parts):
        raise UnknownDimension(
            f"{questionnaire.key} has no breakdown {key!r}; choose from {', '.join(allowed)} "
            f"or a crossing of two such as {allowed[0]}{CROSS}{allowed[-1]}"
        )
    return CROSS.join(parts)


def _single_groups(cells: Cells, key: str) -> tuple[Group, ...]:
    q = cells.questionnaire
    if key == "organisation":
        names = sorted(cells.profiles["organisation"].dropna().unique(), key=str.casefold)
        return tuple(Group(n, (Label(n, "none"),)) for n in names)
    if key == "role":
        return tuple(Group(r.code, (Label(r.label, "questionnaires"),)) for r in q.roles)
    if key == "channel":
        return tuple(Group(c, (Label(t),)) for c, t in CHANNEL_LABELS.items())
    if key == "fodelseregion":
        return tuple(Group(g, (Label(t),)) for g, t in REGION_LABELS.items())
    if key == "tid_i_projekt":
        return tuple(Group(k, (Label(t),)) for k, _, t in TIME_BANDS)
    if key in ENROLMENT_DIMENSIONS:  # the years and quarters that occur
        return tuple(Group(g, (Label(g, "none"),)) for g in sorted(set(_single_assignment(cells, key))))
    question = _background_question(cells, key)
    if question is None:  # not loaded with the data: the codes the register holds
        codes = cells.profiles[register_attribute(key)].dropna().astype(str)
        return tuple(Group(c, (Label(c, "none"),)) for c in sorted(set(codes)))
    return tuple(
        Group(o.code, (Label(o.label, "questionnaires"),)) for o in question.options if not o.not_applicable
    )


def _background_question(cells: Cells, key: str):
    if key in cells.questionnaire.keys:
        return cells.questionnaire.question(key)
    return next((q for q in cells.background if q.key == key), None)


def _single_label(questionnaire: Questionnaire, key: str) -> Label:
    if key in DIMENSION_LABELS:
        return Label(DIMENSION_LABELS[key])
    if key not in questionnaire.keys and key in BACKGROUND_TEXTS:
        return Label(BACKGROUND_TEXTS[key], "questionnaires")
    return Label(questionnaire.question(key).text, "questionnaires")


def dimension_label(questionnaire: Questionnaire, key: str) -> tuple[Label, ...]:
    """The label of a dimension key, a crossing's two parts in order."""
    return tuple(_single_label(questionnaire, p) for p in key.split(CROSS))


def dimension(cells: Cells, key: str) -> Dimension:
    """The dimension and its groups, in the order they are shown."""
    parts = key.split(CROSS)
    label = tuple(_single_label(cells.questionnaire, p) for p in parts)
    if len(parts) == 1:
        return Dimension(key, label, _single_groups(cells, key))
    first, second = (_single_groups(cells, p) for p in parts)
    groups = tuple(
        Group(f"{a.key}{CROSS}{b.key}", a.label + b.label) for a in first for b in second
    )
    return Dimension(key, label, groups)


def _quarter(year, month) -> str:
    return f"{int(year)}-K{(int(month) - 1) // 3 + 1}"


def _single_assignment(cells: Cells, key: str) -> pd.Series:
    profiles = cells.profiles
    if key in ("organisation", "role", "channel"):
        return profiles[key].dropna()
    if key == "inskrivning":
        return profiles["enrolled_year"].dropna().map(lambda year: str(int(year)))
    if key == "inskrivning_kvartal":
        enrolled = profiles[["enrolled_year", "enrolled_month"]].dropna()
        return pd.Series([_quarter(y, m) for y, m in enrolled.itertuples(index=False)],
                         index=enrolled.index, dtype=object)
    if key == "tid_i_projekt":
        return profiles["days_in_project"].dropna().map(time_band).dropna()
    if cells.questionnaire.uses_participant_code and key in BACKGROUND:
        # forms about a participant take the group from the register; a rating whose code
        # is not registered keeps the participant's own answer, when the form asks it
        from_register = profiles[register_attribute(key)].dropna()
        question = _background_question(cells, key)
        not_applicable = question.not_applicable_codes if question else ("ej_svar",)
        from_register = from_register[~from_register.isin(not_applicable)]
        if key == "fodelseregion":
            from_register = from_register.map(REGION_GROUPS).dropna()
        if key not in cells.questionnaire.keys:
            return from_register
        return from_register.combine_first(_answer_assignment(cells, key))
    return _answer_assignment(cells, key)


def _answer_assignment(cells: Cells, key: str) -> pd.Series:
    """The background answer of each profile, not-applicable answers left out."""
    series = cells.profiles[answer_attribute(key)].dropna()
    if key == "fodelseregion":
        series = series.map(REGION_GROUPS).dropna()
    return series


def assign(cells: Cells, key: str) -> pd.Series:
    """Each profile's group (indexed by profile number); profiles in no group are left out,
    such as those who answered ``ej_svar``."""
    missing = [a for a in attributes_for(cells.questionnaire, [key]) if a not in cells.attributes]
    if missing:
        raise ValueError(f"the answers were counted without {', '.join(missing)}, which {key!r} needs")
    parts = key.split(CROSS)
    if len(parts) == 1:
        return _single_assignment(cells, key).astype(str)
    first, second = (_single_assignment(cells, p).astype(str) for p in parts)
    both = pd.concat([first.rename("a"), second.rename("b")], axis=1, join="inner")
    return both["a"] + CROSS + both["b"]


def assign_responses(data: AnswerData, key: str) -> pd.Series:
    """Each response's group (indexed by response_id), as :func:`assign` gives it."""
    from .cells import cells_of

    cells = cells_of(data, [key])
    groups = assign(cells, key)
    return cells.response_profiles.map(groups).dropna()
