"""The reader's attack on hidden cells: subtract the shown cells of a row or column from its
total. Used by the tests that check no hidden cell comes out."""

from __future__ import annotations

from collections.abc import Mapping

#: a hidden cell, as the tests pass it
HIDDEN = None


def attack(name: str, total: Mapping[str, float] | None, parts: Mapping[str, Mapping[str, float] | None],
           threshold: int) -> list[str]:
    """What subtracting gives away in one line where ``total`` = the sum of ``parts``, for each
    figure (n, k, a count per code) the total carries. ``total`` None: the line's total is
    hidden (then it is one more unknown). Returns the problems found, as text.

    A hidden cell comes out when it is the line's only unknown; the hidden cells together
    come out as one group, so their n must not be below the threshold (which also catches
    "all hidden cells are 0"), unless the shown total is itself that small."""
    hidden = [g for g, cell in parts.items() if cell is HIDDEN]
    unknowns = len(hidden) + (total is None)
    problems = []
    if unknowns == 0 or len(parts) == 1:
        return problems  # one group alone is the total itself, which is shown
    if total is None:
        if unknowns == 1:
            problems.append(f"{name}: the hidden total is the sum of its shown parts")
        return problems
    for field, value in total.items():
        rest = value - sum(cell[field] for cell in parts.values() if cell is not HIDDEN)
        if len(hidden) == 1:
            problems.append(f"{name}: hidden {hidden[0]} has {field} = {rest}")
        elif field == "n" and rest < threshold <= value:
            problems.append(f"{name}: hidden {' + '.join(hidden)} add up to n = {rest}")
    return problems


def _figures(cell: Mapping | None) -> dict[str, float] | None:
    """A report cell's additive figures: n, the share's k and each code's count."""
    if cell is None or cell.get("suppressed"):
        return HIDDEN
    out = {"n": cell["n"]}
    if "share" in cell:
        out["k"] = cell["share"]["k"]
    out.update({f"count {code}": count for code, count in cell.get("distribution", {}).items()})
    return out


def _lines_of(by: Mapping[str, Mapping[str, Mapping]], total: Mapping, figures) -> list[tuple]:
    """Every line of a breakdown: each dimension against the total, and each crossing's
    rows and columns against its dimensions' groups (when those are shown in ``by``)."""
    lines = []
    for dim, groups in by.items():
        lines.append((dim, figures(total), {g: figures(c) for g, c in groups.items()}))
        parts = dim.split("*")
        if len(parts) != 2:
            continue
        for side, part in enumerate(parts):
            rows: dict[str, dict] = {}
            for group, cell in groups.items():
                rows.setdefault(group.split("*")[side], {})[group] = figures(cell)
            for name, row in rows.items():
                if part in by and name in by[part]:
                    lines.append((f"{dim} {name}", figures(by[part][name]), row))
    return lines


def report_problems(document: Mapping, threshold: int) -> list[str]:
    """Tries the subtraction on every breakdown of a report's JSON (questions and goals)."""
    problems = []
    for key, question in document["questions"].items():
        for name, total, parts in _lines_of(question["by"], question, _figures):
            problems += attack(f"{key} {name}", total, parts, threshold)
        if len(question["rounds"]) > 1:
            # a round without answers is hidden, but that it had none gives nobody away
            found = attack(f"{key} rounds", _figures(question),
                           {r: _figures(c) for r, c in question["rounds"].items()}, threshold)
            problems += [p for p in found if not p.endswith(" = 0")]
    for goal in document["goals"]:
        for name, total, parts in _lines_of(goal["by"], goal, _goal_figures):
            problems += attack(f"goal {goal['question']} {name}", total, parts, threshold)
    return problems


def _goal_figures(cell: Mapping | None) -> dict[str, float] | None:
    if cell is None or cell.get("suppressed"):
        return HIDDEN
    if cell.get("k") is not None:
        return {"k": cell["k"], "n": cell["n"]}
    return {"n": cell.get("n", cell.get("n_pairs"))}


def _table_figures(goal: Mapping):
    def figures(cell: Mapping | None) -> dict[str, float] | None:
        if cell is None or cell.get("suppressed"):
            return HIDDEN
        if goal["measure"] == "participants":
            return {"n": cell["k"]}  # the count (n is the target)
        return _goal_figures(cell)

    return figures


def goal_table_problems(document: Mapping, threshold: int) -> list[str]:
    """Tries the subtraction on every row of ``surveyapp goals --json``, and on the columns the
    register's rows make: per group, women and men are part of the participants, and the
    gender balance shows a group's women and men."""
    problems = []
    participants = document["participants"]
    for dim, groups in participants["by"].items():
        parts = {g: (HIDDEN if isinstance(n, dict) else {"n": n}) for g, n in groups.items()}
        problems += attack(f"participants {dim}", {"n": participants["n"]}, parts, threshold)
    for key, reach in document["reach"].items():
        for dim, groups in reach["by"].items():
            problems += attack(f"reach {key} {dim}", {"k": reach["k"], "n": reach["n"]},
                               {g: _goal_figures(c) for g, c in groups.items()}, threshold)
    goals = {goal["key"]: goal for goal in document["goals"]}
    for goal in document["goals"]:
        figures = _table_figures(goal)
        for name, total, parts in _lines_of(goal["by"], goal, figures):
            problems += attack(f"goal {goal['key']} {name}", total, parts, threshold)
    if {"participants", "participants.women", "participants.men"} <= set(goals):
        for dim, groups in goals["participants"]["by"].items():
            for group, cell in groups.items():
                column = {key: _table_figures(goals[key])(goals[key]["by"].get(dim, {}).get(group))
                          for key in ("participants.women", "participants.men")
                          if group in goals[key]["by"].get(dim, {})}
                if column:
                    problems += attack(f"column {dim} {group}", _table_figures(goals["participants"])(cell),
                                       column, threshold)
                    balance = goals.get("participants.balance", {}).get("by", {}).get(dim, {}).get(group)
                    if balance and not balance.get("suppressed") and HIDDEN in column.values():
                        problems.append(f"balance {dim} {group} shows the hidden women or men")
    return problems
