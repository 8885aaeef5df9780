"""Small-cell suppression: the one place where a group with too few answers is hidden.

Every group cell of a report passes through here before any output sees it; a hidden cell
keeps its place (so it shows as "–") but carries no figure at all. Totals are shown.

Hiding the small cells alone is not enough: a reader who sees the total and every other
cell of a breakdown gets the hidden one by subtraction. So whenever a breakdown hides a
cell, it hides more of them (complementary suppression, :func:`cells_to_hide`) until the
hidden cells can only be read together, and together they are no small cell either.

The people in no cell shown (kön not given, a kommun not in the table) are the total less
the cells: the rest of the line (:func:`with_rest`), one more hidden cell when it is a small
group, so that it too is protected by a second hidden cell.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from .groups import CROSS

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

#: names the rule below; kept reports computed under another rule are not reused
RULES = "complementary-2-rest"
#: the first part of the key of a line's rest (see :func:`with_rest`)
REST = "\x00rest"


def is_rest(key) -> bool:
    return isinstance(key, tuple) and bool(key) and key[0] == REST


def with_rest(line: Mapping[K, int | None], total: int | None, threshold: int, where: tuple = ()) -> dict:
    """A line whose cells need not add up to its figure ``total``: the people in none of its
    cells (kön not given, "annan" when not a cell, a kommun not shown) are the rest, which a
    reader gets by subtracting every cell from the total. A rest of 1 to ``threshold`` − 1
    people is one more cell of the line, always hidden (its key: ``(REST, *where)``), so that
    :func:`cells_to_hide` hides a second cell beside it. Unknown sizes (None): no rest."""
    line = dict(line)
    if total is None or any(n is None for n in line.values()):
        return line
    rest = total - sum(line.values())
    if 0 < rest < threshold:
        line[(REST, *where)] = rest
    return line


def is_small(n: int | None, threshold: int) -> bool:
    return n is None or n < threshold


def cells_to_hide(lines: Iterable[Mapping[K, int | None]], threshold: int,
                  hidden: Iterable[K] = (), unknown: int = 0, pinned: Collection[K] = ()) -> set[K]:
    """The cells to hide so that no hidden cell can be worked out from the shown ones.

    Each *line* is one breakdown of a shown figure: its cells (key → n) add up to that
    figure, such as the groups of one dimension adding up to the total, or the row of a
    crossing adding up to the group of its first dimension (that group's cell is then a
    cell of the line too). ``hidden`` are the cells hidden already (primary suppression:
    n below the threshold); an n of None is a cell hidden before with its n unknown, taken
    as ``unknown`` (0: the worst case, a small cell; the threshold: a cell hidden by this
    same rule before). A cell may stand in several lines (a crossing's rows, columns and
    the whole).

    The rule, line by line until no line changes: when a line hides any cell, it hides
    at least two, and so many that the hidden cells' n add up to the threshold or more;
    it adds the cell of smallest n still shown (ties: the first in the line's order).
    Then subtracting the shown cells from the line's figure gives only the sum of two or
    more hidden cells, and that sum is a group as large as any shown one: with a hidden
    "1 + 0", whose sum would show one person's answer, a third cell is hidden. Groups
    left out of every cell (``ej_svar``) make the subtraction inexact, but the rule does
    not count on them: it treats each line as adding up exactly.

    ``pinned`` cells are shown on purpose though small (a kommun's participants beside its
    target): they are hidden only when no other cell can make a second hidden one, and
    never to make up the sum.
    """
    lines = [dict(line) for line in lines]
    hide = set(hidden)
    for line in lines:
        # a rest is never shown (see with_rest)
        hide |= {key for key, n in line.items() if n is None or is_rest(key)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [key for key in line if key in hide]
            if not inside:
                continue
            order = {key: index for index, key in enumerate(line)}
            total = sum(unknown if line[key] is None else line[key] for key in inside)
            count = len(inside)
            while count < 2 or total < threshold:
                rest = [key for key in line if key not in hide and (count < 2 or key not in pinned)]
                if not rest:
                    break
                key = min(rest, key=lambda k: (k in pinned, line[k] or 0, order[k]))
                hide.add(key)
                total += unknown if line[key] is None else line[key]
                count += 1
                changed = True
    return hide


def small(sizes: Mapping[K, int | None], threshold: int) -> set[K]:
    """The cells hidden on their own: n below the threshold."""
    return {key for key, n in sizes.items() if is_small(n, threshold)}


def breakdown_lines(dimensions: Mapping[str, Mapping[str, T]], size, total: int | None = None,
                    threshold: int = 0) -> list[dict[tuple[str, str], int | None]]:
    """The lines of a report's breakdowns (dimension → group → cell), with the cells keyed
    (dimension, group) and sized by ``size(cell)``: each dimension's groups (they add up to
    the total), and each crossing's rows and columns, with the single dimension's group
    when that dimension is shown too. With the ``total``'s size, each line's rest is a cell
    too when small (:func:`with_rest`)."""
    lines = []
    for dim, groups in dimensions.items():
        lines.append(with_rest({(dim, group): size(cell) for group, cell in groups.items()}, total,
                               threshold, (dim,)))
        parts = dim.split(CROSS)
        if len(parts) != 2:
            continue
        for side, part in enumerate(parts):
            margins = dimensions.get(part, {})
            rows: dict[str, dict[tuple[str, str], int | None]] = {}
            for group, cell in groups.items():
                rows.setdefault(group.split(CROSS)[side], {})[(dim, group)] = size(cell)
            for name, row in rows.items():
                # a row adds up to a figure the reader knows only when its group is shown
                if name in margins:
                    margin = size(margins[name])
                    lines.append({**with_rest(row, margin, threshold, (dim, side, name)),
                                  (part, name): margin})
    return lines


def protect_shift(shift, threshold: int):
    """A shift between rounds would reveal a hidden round's mean: hide it with the round."""
    if shift is None or shift.suppressed:
        return shift
    if is_small(shift.n_from, threshold) or is_small(shift.n_to, threshold):
        return shift.hidden()
    return shift


def protect_paired(paired, threshold: int):
    if paired is None or paired.suppressed:
        return paired
    return paired.hidden() if is_small(paired.n_pairs, threshold) else paired


def protect_group(cell, threshold: int):
    """One group's cell on its own: hidden whole when its n is below the threshold, else its
    shift and paired figures are checked on their own n. A breakdown of a shown total goes
    through :func:`protect_cells` instead, which also hides the complements."""
    if cell.suppressed:
        return cell
    if is_small(cell.figures.n, threshold):
        return cell.hidden()
    return replace(
        cell,
        shift=protect_shift(cell.shift, threshold),
        paired=protect_paired(cell.paired, threshold),
    )


def protect_cells(dimensions: Mapping[str, Mapping[str, T]], threshold: int, *,
                  hide_empty: bool = True, total=None) -> dict[str, dict[str, T]]:
    """A report item's groups (dimension → group → :class:`report.Cell`), small cells
    hidden and as many more as :func:`cells_to_hide` needs, across all the dimensions shown.

    A shown group's shift and paired figures are breakdowns of their own (each group's n
    in the first and last round adds up to that round's n, each group's pairs to all the
    pairs), so they get the same rule: a group whose shift or paired figure is hidden makes
    another group hide theirs. ``hide_empty`` off: a cell of no answers is hidden but needs
    no complement (a round without answers gives nobody away). ``total``: the cell the
    groups are a breakdown of, whose answers in no group are each line's rest (of its n, and
    of its shift's and paired figures' n)."""

    def n_of(cell) -> int | None:
        return None if cell.suppressed else cell.figures.n

    keys = [(dim, group) for dim, groups in dimensions.items() for group in groups]
    lines = breakdown_lines(dimensions, n_of, None if total is None else n_of(total), threshold)
    sizes = {k: n_of(dimensions[k[0]][k[1]]) for k in keys}
    primary = small(sizes, threshold) if hide_empty else {k for k in small(sizes, threshold) if sizes[k] != 0}
    hide = cells_to_hide(lines, threshold, primary) | small(sizes, threshold)

    def cell_of(key):
        return dimensions[key[0]][key[1]]

    def hide_parts(attribute: str, measures) -> set:
        """The groups whose ``attribute`` (shift or paired) is hidden, sized by each measure."""
        if all(getattr(cell_of(k), attribute) is None for k in keys if not cell_of(k).suppressed):
            return set()
        found: set = set()
        for measure in measures:

            def size(cell, measure=measure) -> int | None:
                part = None if cell.suppressed else getattr(cell, attribute)
                return None if part is None or part.suppressed else measure(part)

            # the groups' parts add up to the total's, less those of no group (each line's rest)
            sized = breakdown_lines(dimensions, size, None if total is None else size(total), threshold)
            primary = {key for line in sized for key, n in line.items()
                       if not is_rest(key) and (key in hide or is_small(n, threshold))}
            found |= cells_to_hide(sized, threshold, primary)
        return found

    no_shift = hide_parts("shift", (lambda s: s.n_from, lambda s: s.n_to))
    no_paired = hide_parts("paired", (lambda p: p.n_pairs,))
    out: dict[str, dict[str, T]] = {}
    for dim, groups in dimensions.items():
        out[dim] = {}
        for group, cell in groups.items():
            key = (dim, group)
            if key in hide:
                cell = cell if cell.suppressed else cell.hidden()
            else:
                if key in no_shift and cell.shift is not None:
                    cell = replace(cell, shift=cell.shift.hidden())
                if key in no_paired and cell.paired is not None:
                    cell = replace(cell, paired=cell.paired.hidden())
            out[dim][group] = cell
    return out


def protect_rounds(rounds: Mapping[str, T], threshold: int) -> dict[str, T]:
    """The rounds of an item add up to its total: hidden the same way as groups, except that
    a round without answers needs no complement (a round is a time, not a group of people)."""
    return protect_cells({"round": rounds}, threshold, hide_empty=False)["round"]


def protect_total(cell, threshold: int, hidden_rounds: Collection[str] = ()):
    """Totals are shown; a shift still hides when one of its rounds is a small cell, or a
    round the rounds' breakdown hides."""
    shift = protect_shift(cell.shift, threshold)
    if shift is not None and not shift.suppressed and {shift.from_round, shift.to_round} & set(hidden_rounds):
        shift = shift.hidden()
    return replace(cell, shift=shift)


def protect_goal(figure, threshold: int):
    """A goal's group: hidden when its n is below the threshold. The hidden figure keeps its
    n as ``withheld`` for :func:`protect_goal_table`, which hides the complements and drops it."""
    if figure.suppressed:
        return figure
    return replace(figure.hidden(), withheld=figure.n) if is_small(figure.n, threshold) else figure


def protect_figures(dimensions: Mapping[str, Mapping[str, T]], threshold: int, *, hide_small: bool = True,
                    hidden: Collection[tuple[str, str]] = (), unknown: int = 0,
                    total: int | None = None) -> dict[str, dict[str, T]]:
    """A goal's groups (dimension → group → :class:`goals.GoalFigure`): small ones hidden
    (unless ``hide_small`` is off: then only those hidden already count), the (dimension,
    group) cells in ``hidden`` too, and their complements. Cells hidden already stay
    hidden, their n taken as ``unknown`` (see :func:`cells_to_hide`). ``total``: the n of
    the goal's total, whose people in no group are each line's rest."""

    def n_of(figure) -> int | None:
        return None if figure.suppressed else figure.n

    sizes = {(dim, group): n_of(f) for dim, groups in dimensions.items() for group, f in groups.items()}
    primary = small(sizes, threshold) if hide_small else {k for k, n in sizes.items() if n is None}
    hide = cells_to_hide(breakdown_lines(dimensions, n_of, total, threshold), threshold,
                         primary | set(hidden), unknown)
    return {
        dim: {group: (f.hidden() if (dim, group) in hide else f)
              for group, f in groups.items()}
        for dim, groups in dimensions.items()
    }


#: the register's goals whose groups add up, per group, to the participants' group
_PARTS_OF_PARTICIPANTS = ("participants.women", "participants.men")


def protect_goal_table(goals: Sequence[T], reach: Sequence, threshold: int) -> tuple[list[T], list]:
    """The goal table's breakdowns (every goal's ``by``, each reach's ``by``), complements of
    the hidden cells hidden too. The cells hidden already (a small group) stay hidden, and the
    cells shown stay shown unless a complement is needed: a kommun's participants shown
    beside its target stay in view unless they would give a hidden cell away.

    The register's goals are one table: per group, the women and the men add up to (at most)
    the participants, and the gender balance of a group shows its women and men, so it is
    hidden whenever either is. The women's and the men's totals are the participants' kvinna
    and man cells, and hidden with them (and the balance's total with them): the participants
    who are neither (annan, kön not given) are the total less the two, a hidden cell when few.

    Each reach's groups are k of n where n is the people who should have answered; those
    of no group shown are each line's rest."""
    by_key = {goal.key: goal for goal in goals}
    register = [by_key[k] for k in ("participants", *_PARTS_OF_PARTICIPANTS, "participants.balance")
                if k in by_key]
    protected, hidden_totals = _protect_register(register, threshold) if register else ({}, set())
    out = []
    for goal in goals:
        if goal.key in protected:
            goal = replace(goal, by=protected[goal.key])
            if goal.key in hidden_totals:
                goal = replace(goal, total=goal.total.hidden())
        else:
            # a questionnaire's goal comes from its report, protected there by the same rule
            # with every n known (and each line's rest): a line of it that hides a cell hides
            # enough already
            goal = replace(goal, by=protect_figures(goal.by, threshold, hide_small=False, unknown=threshold))
        out.append(goal)
    return out, [replace(r, by=protect_shares(r.by, threshold, hide_small=True, total=r.total.n))
                 for r in reach]


#: the second part of the key of a register goal's total in :func:`_protect_register`
_TOTAL = "\x00total"


def _protect_register(goals: Sequence, threshold: int) -> tuple[dict[str, dict[str, dict]], set[str]]:
    figures = {(g.key, dim, group): f
               for g in goals for dim, groups in g.by.items() for group, f in groups.items()}
    by_key = {g.key: g for g in goals}

    def n_of(figure) -> int | None:
        return figure.withheld if figure.suppressed else figure.n

    present = set(by_key)
    # the women's and the men's totals: the participants' kvinna and man cells where the
    # table breaks the participants down by kön (one figure shown twice), else their own
    total_key = {}
    for part, code in zip(_PARTS_OF_PARTICIPANTS, ("kvinna", "man"), strict=True):
        if part in present:
            same = ("participants", "kon", code)
            total_key[part] = same if same in figures else (part, _TOTAL, "")
    balance_total = ("participants.balance", _TOTAL, "")
    # with both women and men shown, the balance follows from them alone (tied below)
    tied_only = set(_PARTS_OF_PARTICIPANTS) <= present
    lines = []
    for g in goals:
        if g.key == "participants.balance" and tied_only:
            continue
        for dim, groups in g.by.items():
            line = with_rest({(g.key, dim, group): n_of(f) for group, f in groups.items()}, g.total.n,
                             threshold, (g.key, dim))
            if g.key in total_key:  # the groups add up to the total, hidden or not
                line[total_key[g.key]] = g.total.n
            lines.append(line)
    for (key, dim, group), figure in figures.items():
        if key != "participants":
            continue
        parts = ((p, dim, group) for p in _PARTS_OF_PARTICIPANTS)
        column = {k: n_of(figures[k]) for k in parts if k in figures}
        if column:
            lines.append({**with_rest(column, n_of(figure), threshold, ("column", dim, group)),
                          (key, dim, group): n_of(figure)})
    if total_key and "participants" in by_key:
        lines.append(with_rest({k: by_key[p].total.n for p, k in total_key.items()},
                               by_key["participants"].total.n, threshold, ("column", "total")))
    hide = {k for k, f in figures.items() if f.suppressed}
    pinned = {k for k, f in figures.items() if not f.suppressed and is_small(f.n, threshold)}
    # balances hidden because their women or men are (which need not hide the other)
    follows = set()
    while True:
        hide = cells_to_hide(lines, threshold, hide, pinned=pinned)
        tied = set()
        for (key, dim, group) in figures:
            if key != "participants.balance":
                continue
            parts = [(p, dim, group) for p in _PARTS_OF_PARTICIPANTS if (p, dim, group) in figures]
            if (key, dim, group) not in hide and any(p in hide for p in parts):
                tied.add((key, dim, group))
                follows.add((key, dim, group))
            if (key, dim, group) in hide and (key, dim, group) not in follows:
                tied |= {p for p in parts if p not in hide}
        if "participants.balance" in present and balance_total not in hide and \
                any(k in hide for k in total_key.values()):
            tied.add(balance_total)  # the balance's total shows the women's and the men's
        if not tied:
            break
        hide |= tied
    hidden_totals = {p for p, k in total_key.items() if k in hide}
    if balance_total in hide:
        hidden_totals.add("participants.balance")
    return {
        g.key: {dim: {group: (f.hidden() if (g.key, dim, group) in hide else f)
                      for group, f in groups.items()} for dim, groups in g.by.items()}
        for g in goals
    }, hidden_totals


def protect_shares(dimensions: Mapping[str, Mapping[str, T | None]], threshold: int,
                   hide_small: bool = False, total: int | None = None) -> dict[str, dict[str, T | None]]:
    """Breakdowns of k of n (dimension → group → :class:`figures.Share`, None: hidden),
    complements of the hidden cells hidden too (and, with ``hide_small``, small ones).
    ``total``: the n of the whole, whose people in no group are each line's rest."""
    sizes = {(dim, group): (None if s is None else s.n) for dim, groups in dimensions.items()
             for group, s in groups.items()}
    primary = small(sizes, threshold) if hide_small else {k for k, n in sizes.items() if n is None}
    lines = breakdown_lines(dimensions, lambda s: None if s is None else s.n, total, threshold)
    hide = cells_to_hide(lines, threshold, primary) | small(sizes, threshold)
    return {dim: {group: (None if (dim, group) in hide else s) for group, s in groups.items()}
            for dim, groups in dimensions.items()}


def small_groups(respondents: Mapping[K, int], threshold: int) -> set[K]:
    """The groups (keys) with fewer respondents than the threshold: their free-text answers,
    which can name a person, are not listed."""
    return {key for key, n in respondents.items() if is_small(n, threshold)}
