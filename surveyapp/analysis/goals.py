"""Goal fulfilment: a value against its target → uppnått, nära (within 5 points), ej uppnått."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from ..questionnaire import Goal
from .figures import Share

#: a share this many percentage points or less below its target is "nära"
NEAR = 5


class GoalStatus(StrEnum):
    MET = "uppnatt"
    NEAR = "nara"
    NOT_MET = "ej_uppnatt"
    #: a mean shift above its target whose 95 % confidence interval still includes the target
    UNCERTAIN = "osaker"


@dataclass(frozen=True)
class GoalFigure:
    """A goal's value for everyone or for one group. Shares carry k and n; a mean shift
    carries the mean paired difference and its n pairs."""

    share: Share | None = None
    delta: float | None = None
    n: int | None = None
    #: the 95 % confidence interval of a mean shift
    ci95: tuple[float, float] | None = None
    status: GoalStatus | None = None
    suppressed: bool = False
    #: a hidden group's n, kept only until the goal table has hidden its complements
    #: (:func:`suppression.protect_goal_table` drops it); never shown
    withheld: int | None = field(default=None, repr=False, compare=False)

    @property
    def value(self) -> float | None:
        """Percentage (one decimal) for shares, the unrounded mean difference for shifts."""
        return self.share.pct if self.share is not None else self.delta

    def hidden(self) -> GoalFigure:
        return GoalFigure(suppressed=True)


def share_status(share: Share, target: float) -> GoalStatus | None:
    """Compares the exact k/n, not a rounded percentage; 0 of 0 has no status."""
    if share.n == 0:
        return None
    value = Fraction(share.k * 100, share.n)
    if value >= Fraction(target):
        return GoalStatus.MET
    if value >= Fraction(target) - NEAR:
        return GoalStatus.NEAR
    return GoalStatus.NOT_MET


def share_figure(share: Share, target: float) -> GoalFigure:
    return GoalFigure(share=share, n=share.n, status=share_status(share, target))


def shift_status(delta: float, ci95: tuple[float, float] | None, target: float) -> GoalStatus:
    """Met only when the whole 95 % interval lies above the target; uncertain when the
    estimate passes it but the interval includes it (or cannot be estimated)."""
    if delta <= target:
        return GoalStatus.NOT_MET
    if ci95 is not None and ci95[0] > target:
        return GoalStatus.MET
    return GoalStatus.UNCERTAIN


def shift_figure(delta: float | None, n_pairs: int, target: float,
                 ci95: tuple[float, float] | None = None) -> GoalFigure:
    """A mean shift goal, judged with the confidence interval of the mean paired difference."""
    if delta is None:
        return GoalFigure(n=n_pairs)
    return GoalFigure(delta=delta, n=n_pairs, ci95=ci95, status=shift_status(delta, ci95, target))


@dataclass(frozen=True)
class GoalResult:
    goal: Goal
    total: GoalFigure
    #: dimension key → group key → figure (kön and organisation)
    by: dict[str, dict[str, GoalFigure]]

    @property
    def is_percentage(self) -> bool:
        return self.goal.measure in ("share", "moved_up")
