"""Everything at once: ScheduleCheck and check_schedule, which lay out, compare and
classify a proposal."""

from __future__ import annotations

from dataclasses import dataclass

from .classification import Classification, classify
from .comparison import Comparison, comparison_curve
from .data import TaperData
from .layout import Layout, lay_out
from .proposals import Proposal


@dataclass(frozen=True)
class ScheduleCheck:
    """A proposal laid out, its comparison curve, and its classification."""

    layout: Layout
    comparison: Comparison
    classification: Classification


def check_schedule(data: TaperData, proposal: Proposal,
                   table_id: str | None = None) -> ScheduleCheck:
    """Lay out, compare and classify a proposal in one call (what the page needs)."""
    layout = lay_out(data, proposal, table_id)
    return ScheduleCheck(layout, comparison_curve(data, layout), classify(data, layout))
