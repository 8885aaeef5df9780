"""The reader's attack on hidden cells: subtract the shown cells of a row or column from its
total. Used by the tests that check no hidden cell comes out."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping

#: a hidden cell, as the tests pass it
HIDDEN = None


def attack(name: str, total: Mapping[str, float] | None, parts: Mapping[str, Mapping[str, float] | None],
           threshold: int, rest: int | None = None) -> list[str]:
    """What subtracting gives away in one line where ``total`` = the sum of ``parts``, for each
    figure (n, k, a count per code) the total carries. ``total`` None: the line's total is
    hidden (then it is one more unknown). Returns the problems found, as text.

    A hidden cell comes out when it is the line's only unknown; the hidden cells together
    come out as one group, so their n must not be below the threshold (which also catches
    "all hidden cells are 0"), unless the shown total is itself that small. With no cell
    hidden, the total less the cells is the people in no cell shown ("annan" not shown, kön
    not given, a kommun not in the table): they too must not be a small group.

    ``rest``: how many people the line really has in no cell (known to the test, not to the
    reader; None: taken as none). With some, a single hidden cell does not come out alone,
    but together with them, and together they must not be a small group."""
    hidden = [g for g, cell in parts.items() if cell is HIDDEN]
    unknowns = len(hidden) + (total is None)
    problems = []
    if not parts:
        return problems  # a breakdown of nobody: no group to subtract
    if unknowns == 0 and total is not None and total.get("n") is not None and parts and \
            all(cell.get("n") is not None for cell in parts.values()):
        left = total["n"] - sum(cell["n"] for cell in parts.values())
        if 0 < left < threshold:
            problems.append(f"{name}: the people in no group shown come out: n = {left}")
        return problems
    if unknowns == 0 or len(parts) == 1:
        return problems  # one group alone is the total itself, which is shown
    if total is None:
        if unknowns == 1 and not rest:
            problems.append(f"{name}: the hidden total is the sum of its shown parts")
        return problems
    for field, value in total.items():
        left = value - sum(cell[field] for cell in parts.values() if cell is not HIDDEN)
        if len(hidden) == 1 and not rest:
            problems.append(f"{name}: hidden {hidden[0]} has {field} = {left}")
        elif field == "n" and left < threshold <= value:
            problems.append(f"{name}: hidden {' + '.join(hidden)}{' and the rest' if rest else ''} "
                            f"add up to n = {left}")
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


def _goal_table_lines(document: Mapping):
    """Every line of ``goals --json``: (name, total, parts)."""
    participants = document["participants"]
    for dim, groups in participants["by"].items():
        parts = {g: (HIDDEN if isinstance(n, dict) else {"n": n}) for g, n in groups.items()}
        yield f"participants {dim}", {"n": participants["n"]}, parts
    for key, reach in document["reach"].items():
        for dim, groups in reach["by"].items():
            total = None if reach.get("suppressed") else {"k": reach["k"], "n": reach["n"]}
            yield f"reach {key} {dim}", total, {g: _goal_figures(c) for g, c in groups.items()}
    goals = {goal["key"]: goal for goal in document["goals"]}
    for goal in document["goals"]:
        figures = _table_figures(goal)
        for name, total, parts in _lines_of(goal["by"], goal, figures):
            yield f"goal {goal['key']} {name}", total, parts
    if {"participants", "participants.women", "participants.men"} <= set(goals):
        for dim, groups in goals["participants"]["by"].items():
            for group, cell in groups.items():
                column = {key: _table_figures(goals[key])(goals[key]["by"].get(dim, {}).get(group))
                          for key in ("participants.women", "participants.men")
                          if group in goals[key]["by"].get(dim, {})}
                if column:
                    yield f"column {dim} {group}", _table_figures(goals["participants"])(cell), column
        # the women's and the men's totals beside the participants' total (by kön, the
        # participants' own row shows the same figures beside "annan": tried above)
        if "kon" not in goals["participants"]["by"]:
            yield "column total", {"n": participants["n"]}, {
                key: _table_figures(goals[key])(goals[key])
                for key in ("participants.women", "participants.men")}


def _rests(truth: Mapping | None) -> dict[str, int]:
    """Each line's people in no cell, from the same table with nothing hidden."""
    if truth is None:
        return {}
    rests = {}
    for name, total, parts in _goal_table_lines(truth):
        if total is not None and total.get("n") is not None and all(
                c is HIDDEN or c.get("n") is not None for c in parts.values()):
            rests[name] = total["n"] - sum(c["n"] for c in parts.values() if c is not HIDDEN)
    return rests


def goal_table_problems(document: Mapping, threshold: int, truth: Mapping | None = None) -> list[str]:
    """Tries the subtraction on every row of ``surveyapp goals --json``, and on the columns the
    register's rows make: per group, women and men are part of the participants, and the
    gender balance shows a group's women and men; the women's and men's totals beside the
    participants'. ``truth``: the same table with nothing hidden (threshold 1), whose lines
    tell how many people each line has in no cell."""
    problems = []
    rests = _rests(truth)
    for name, total, parts in _goal_table_lines(document):
        problems += attack(name, total, parts, threshold, rests.get(name))
    goals = {goal["key"]: goal for goal in document["goals"]}
    if {"participants", "participants.women", "participants.men"} <= set(goals):
        for dim, groups in goals["participants"]["by"].items():
            for group in groups:
                column = [goals[key]["by"].get(dim, {}).get(group) for key in ("participants.women",
                                                                                 "participants.men")]
                balance = goals.get("participants.balance", {}).get("by", {}).get(dim, {}).get(group)
                if balance and not balance.get("suppressed") and any(
                        c is not None and c.get("suppressed") for c in column):
                    problems.append(f"balance {dim} {group} shows the hidden women or men")
        balance = goals.get("participants.balance")
        if balance and not balance.get("suppressed") and any(
                goals[key].get("suppressed") for key in ("participants.women", "participants.men")):
            problems.append("the balance's total shows the hidden women or men")
        for key, code in (("participants.women", "kvinna"), ("participants.men", "man")):
            same = goals["participants"]["by"].get("kon", {}).get(code)
            if same is not None and bool(same.get("suppressed")) != bool(goals[key].get("suppressed")):
                problems.append(f"{key}'s total and the participants' {code} differ in being hidden")
    return problems


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _page_figure(text: str, like: Mapping | None) -> dict | None:
    """A figure as the page writes it ("50 % (3 av 6) Uppnått", "8 (av 120)", "+0,45 (n = 12
    · …)", "–"), read into the JSON's shape (``like``: the JSON's cell, for its kind)."""
    if text.startswith("–"):
        if like is not None and not like.get("suppressed") and like.get("value") is None:
            return dict(like)  # no figure at all (no answers yet): nothing hidden
        return {"suppressed": True}
    share = re.search(r"\((\d[\d\s\u00a0\u202f]*) av (\d[\d\s\u00a0\u202f]*)\)", text)
    if share:
        return {"value": None, "k": _number(share.group(1)), "n": _number(share.group(2))}
    pairs = re.search(r"n = (\d[\d\s\u00a0\u202f]*)", text)
    if pairs:
        return {"value": None, "k": None, "n": _number(pairs.group(1))}
    count = _number(re.match(r"[\d\s\u00a0\u202f]+", text).group(0))
    return {"value": count, "k": count, "n": (like or {}).get("n")}


def _cells(html: str, row: str) -> dict[str, str]:
    """The text of every ``data-group`` cell of the page's rows marked ``row`` (an attribute
    and value), in every table that shows them."""
    found = {}
    for body in re.findall(rf'<tr {row}[^>]*>(.*?)</tr>', html, re.S):
        for group, cell in re.findall(r'<td[^>]*data-group="([^"]+)"[^>]*>(.*?)</td>', body, re.S):
            found[group] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
    return found


def page_document(html: str, document: Mapping) -> dict:
    """The goal table as Måluppfyllelse shows it, read from the page into the shape of
    ``goals --json`` (``document``, for what the page does not write: each row's measure,
    its target); every figure is the page's own."""
    out = copy.deepcopy(dict(document))
    for goal in out["goals"]:
        if goal["manual"]:
            continue
        cells = _cells(html, f'data-goal="{re.escape(goal["key"])}"')
        total = _page_figure(cells["total"], goal)
        for field in ("value", "k", "n", "status", "suppressed"):
            goal.pop(field, None)
        goal.update(total)
        for dim, groups in goal["by"].items():
            for group in groups:
                groups[group] = _page_figure(cells.get(f"{dim}:{group}", "–"), groups[group])
        if goal["key"] == "participants":
            out["participants"]["n"] = goal["k"]
            out["participants"]["by"] = {
                dim: {g: (dict(c) if c.get("suppressed") else c["k"]) for g, c in groups.items()}
                for dim, groups in goal["by"].items()}
    for key, reach in out["reach"].items():
        cells = _cells(html, f'data-reach="{re.escape(key)}"')
        reach.update(_page_figure(cells["total"], None))
        for dim, groups in reach["by"].items():
            for group in groups:
                groups[group] = _page_figure(cells.get(f"{dim}:{group}", "–"), None)
    return out


def insatser_problems(html: str, threshold: int) -> list[str]:
    """The subtraction tried on Måluppfyllelse's insatser table: each insats's share per kön
    and per kommun against its total."""
    problems = []
    for insats in re.findall(r'<tr data-insats="([^"]+)"', html):
        cells = _cells(html, f'data-insats="{re.escape(insats)}"')
        total = _page_figure(cells["total"], None)
        for dim in ("kon", "organisation"):
            parts = {g.split(":", 1)[1]: _page_figure(text, None) for g, text in cells.items()
                     if g.startswith(dim + ":")}
            parts = {g: (HIDDEN if c.get("suppressed") else {"k": c["k"], "n": c["n"]})
                     for g, c in parts.items()}
            if parts:
                problems += attack(f"insats {insats} {dim}", {"k": total["k"], "n": total["n"]}, parts,
                                   threshold)
    return problems
