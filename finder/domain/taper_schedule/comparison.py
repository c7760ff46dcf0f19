"""The comparison curve: a percentage-of-current-dose series drawn beside a laid-out
proposal."""

from __future__ import annotations

from dataclasses import dataclass

from .data import TaperData
from .layout import Layout, Step, _build_steps
from .numbers import _clean, format_number


@dataclass(frozen=True)
class Comparison:
    """A percentage-of-current-dose series with the proposal's start, number of steps and
    timing, for charting beside it. `reason` says which percentage was chosen and why."""

    percent: float
    reason: str
    steps: tuple[Step, ...]


def comparison_curve(data: TaperData, layout: Layout) -> Comparison:
    """The comparison curve for a laid-out proposal.

    It copies the share of the proposal's first reduction (0.25 mg off 2 mg: 12.5 % of the
    current dose at every step), so the two lines start together and part as the dose falls.
    When the proposal already takes a percentage of the current dose, or has no reduction to
    copy, it uses the data file's comparison_percent (10 %) instead."""
    percent, reason = _comparison_percent(data, layout)
    start = layout.proposal.start_mg
    doses = [_clean(start * (1 - percent / 100) ** number) for number in range(len(layout.steps))]
    rule = layout.proposal.rule
    steps = _build_steps(data, layout.drug.id, layout.table_id, doses,
                         rule.every if rule else None, rule.interval_unit if rule else None)
    return Comparison(percent, reason, steps)


def _comparison_percent(data: TaperData, layout: Layout) -> tuple[float, str]:
    rule = layout.proposal.rule
    default = format_number(data.comparison_percent)
    if rule is not None and rule.unit == "percent":
        return data.comparison_percent, (
            f"The proposal already takes a share of the current dose, so the comparison uses "
            f"{default} % of the current dose, the rate of the clinic article's worked example.")
    if not layout.reductions:
        return data.comparison_percent, (
            f"The proposal has no reduction to copy, so the comparison uses {default} % of the "
            f"current dose.")
    first = layout.reductions[0]
    share = format_number(first.share_removed_percent)
    return first.share_removed_percent, (
        f"Same start and same first step ({format_number(first.removed_mg)} mg, {share} % of the "
        f"dose), then {share} % of the current dose at every step, so the steps in mg shrink.")
