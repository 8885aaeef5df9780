"""Small-cell suppression: the one place where a group with too few answers is hidden.

Every group cell of a report passes through here before any output sees it; a hidden cell
keeps its place (so it shows as "–") but carries no figure at all. Totals are shown.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import replace
from typing import TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def is_small(n: int | None, threshold: int) -> bool:
    return n is None or n < threshold


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
    """A group's cell: hidden whole when its n is below the threshold, else its shift and
    paired figures are checked on their own n."""
    if cell.suppressed:
        return cell
    if is_small(cell.figures.n, threshold):
        return cell.hidden()
    return replace(
        cell,
        shift=protect_shift(cell.shift, threshold),
        paired=protect_paired(cell.paired, threshold),
    )


def protect_total(cell, threshold: int):
    """Totals are shown; a shift still hides when one of its rounds is a small cell."""
    return replace(cell, shift=protect_shift(cell.shift, threshold))


def protect_goal(figure, threshold: int):
    if figure.suppressed:
        return figure
    return figure.hidden() if is_small(figure.n, threshold) else figure


def small_groups(respondents: Mapping[K, int], threshold: int) -> set[K]:
    """The groups (keys) with fewer respondents than the threshold: their free-text answers,
    which can name a person, are not listed."""
    return {key for key, n in respondents.items() if is_small(n, threshold)}
