"""Laying out a proposal step by step: Step, Layout and lay_out, with liquid-threshold and
jump flags and how the layout ends."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Sequence

from .common import _EPSILON, _FIXED_DECIMALS, INTERVAL_UNITS
from .data import Drug, TaperData
from .equivalence import _figure_for, from_diazepam, to_diazepam
from .numbers import _clean, format_number
from .proposals import Proposal, _fixed_step_mg


@dataclass(frozen=True)
class Step:
    """One dose of a schedule. Step 0 is the starting dose.

    removed_mg is the previous dose minus this one (negative for an increase);
    share_removed_percent is that as a share of the previous (current) dose, None at the
    start. kind is "start", "reduce", "hold", "increase" or "stop" (the step to 0 mg).
    jump marks a reduction whose share is out of line (see [jump] in the data file).
    day and when are set for rules only: days from the start, and e.g. 'week 6'."""

    number: int
    dose_mg: float
    removed_mg: float
    share_removed_percent: float | None
    diazepam_mg: float
    below_liquid_threshold: bool
    kind: str
    jump: bool = False
    day: int | None = None
    when: str | None = None

    @property
    def week(self) -> float | None:
        """Weeks from the start (day / 7), for rules."""
        return None if self.day is None else self.day / 7


@dataclass(frozen=True)
class Layout:
    """A proposal laid out step by step.

    ending is "zero" (reaches 0 mg), "floor" (a percentage rule stopped at the display
    floor), "step_cap" (stopped at max_steps) or "list_end" (a list that stops above zero);
    ending_note says it in words. liquid_threshold_mg is the liquid threshold in mg of this
    drug by the table used; liquid_threshold_diazepam_mg is the same in diazepam.
    is_reference_drug is True for diazepam itself, whose doses need no diazepam figure
    beside them."""

    proposal: Proposal
    drug: Drug
    table_id: str
    table_label: str
    steps: tuple[Step, ...]
    ending: str
    ending_note: str
    liquid_threshold_mg: float
    liquid_threshold_diazepam_mg: float
    is_reference_drug: bool = False

    def in_diazepam(self, diazepam_mg: float) -> str:
        """' (0.5 mg diazepam equivalent)' beside a dose of another drug; nothing for
        diazepam, where it would repeat the dose."""
        if self.is_reference_drug:
            return ""
        return f" ({format_number(diazepam_mg)} mg diazepam equivalent)"

    @property
    def reductions(self) -> tuple[Step, ...]:
        """The steps that lower the dose without stopping."""
        return tuple(step for step in self.steps if step.kind == "reduce")

    @property
    def first_below_liquid_threshold(self) -> Step | None:
        """The first step whose dose needs a liquid or compounded formulation, if any."""
        return next((step for step in self.steps if step.below_liquid_threshold), None)

    @property
    def stops_above_liquid_threshold(self) -> bool:
        """True when the schedule goes to 0 mg from a dose at or above the liquid threshold,
        so it never reaches the doses that need a liquid."""
        return (self.ending == "zero" and len(self.steps) > 1
                and not self.steps[-2].below_liquid_threshold)


def lay_out(data: TaperData, proposal: Proposal, table_id: str | None = None) -> Layout:
    """Lay out a proposal step by step, with diazepam equivalents from the named (or
    default) table, liquid-threshold and jump flags, and how the layout ends."""
    drug, table, _ = _figure_for(data, proposal.drug_id, table_id)
    threshold_mg = from_diazepam(data, drug.id, data.liquid_threshold_diazepam_mg, table.id).drug_mg
    doses, ending = _doses_for(data, proposal)
    rule = proposal.rule
    steps = _build_steps(data, drug.id, table.id, doses, rule.every if rule else None,
                         rule.interval_unit if rule else None)
    layout = Layout(proposal, drug, table.id, table.label, steps, ending, "", threshold_mg,
                    data.liquid_threshold_diazepam_mg, drug.id == data.reference_drug)
    return replace(layout, ending_note=_ending_note(data, layout))


def _doses_for(data: TaperData, proposal: Proposal) -> tuple[list[float], str]:
    if proposal.doses is not None:
        return list(proposal.doses), ("zero" if proposal.doses[-1] == 0 else "list_end")
    step_mg = _fixed_step_mg(proposal)
    if step_mg is not None:
        return _fixed_mg_doses(proposal.start_mg, step_mg), "zero"
    floor_mg = from_diazepam(data, proposal.drug_id, data.percent_rule_floor_diazepam_mg).drug_mg
    return _percent_doses(proposal.start_mg, proposal.rule.amount, floor_mg, data.max_steps)


def _fixed_mg_doses(start: float, step: float) -> list[float]:
    count = math.ceil(start / step - _EPSILON)
    doses = [max(0.0, round(start - number * step, _FIXED_DECIMALS)) for number in range(count)]
    return doses + [0.0]


def _percent_doses(start: float, percent: float, floor_mg: float,
                   max_steps: int) -> tuple[list[float], str]:
    doses = [start]
    while len(doses) - 1 < max_steps:
        doses.append(_clean(start * (1 - percent / 100) ** len(doses)))
        if doses[-1] < floor_mg:
            return doses, "floor"
    return doses, "step_cap"


def _build_steps(data: TaperData, drug_id: str, table_id: str, doses: Sequence[float],
                 every: float | None, interval_unit: str | None) -> tuple[Step, ...]:
    steps = []
    for number, dose in enumerate(doses):
        previous = doses[number - 1] if number else None
        diazepam = to_diazepam(data, drug_id, dose, table_id).diazepam_mg
        day, when = _timing(number, every, interval_unit)
        steps.append(Step(
            number=number, dose_mg=dose,
            removed_mg=_clean(previous - dose) if number else 0.0,
            share_removed_percent=_share_removed(previous, dose),
            diazepam_mg=diazepam,
            below_liquid_threshold=0 < diazepam < data.liquid_threshold_diazepam_mg,
            kind=_kind(previous, dose), day=day, when=when))
    return _mark_jumps(data, steps)


def _share_removed(previous: float | None, dose: float) -> float | None:
    """The share of the previous (current) dose a step removes, in percent."""
    if not previous:  # the start, or a dose so small it underflowed to zero
        return None
    return _clean((previous - dose) / previous * 100)


def _timing(number: int, every: float | None, interval_unit: str | None):
    if every is None:
        return None, None
    day = round(number * every * INTERVAL_UNITS[interval_unit])
    when = "start" if number == 0 else f"{interval_unit[:-1]} {format_number(number * every)}"
    return day, when


def _kind(previous: float | None, dose: float) -> str:
    if previous is None:
        return "start"
    if dose == 0:
        return "stop"
    if math.isclose(dose, previous, rel_tol=1e-9):
        return "hold"
    return "reduce" if dose < previous else "increase"


def _mark_jumps(data: TaperData, steps: list[Step]) -> tuple[Step, ...]:
    reductions = [step for step in steps
                  if step.kind == "reduce" and step.share_removed_percent is not None]
    if not reductions:
        return tuple(steps)
    # Above EITHER limit is a jump, so the lower of the two decides.
    limit = min(reductions[0].share_removed_percent * data.jump_ratio_to_first_step,
                data.jump_share_above_percent)
    jumps = {step.number for step in reductions if step.share_removed_percent > limit + _EPSILON}
    return tuple(replace(step, jump=step.number in jumps) for step in steps)


def _ending_note(data: TaperData, layout: Layout) -> str:
    last = layout.steps[-1]
    at = f" ({last.when})" if last.when else ""
    if layout.ending == "zero":
        return _zero_note(layout, at)
    if layout.ending == "floor":
        return (f"A share of the current dose never reaches zero, so the layout stops at step "
                f"{last.number}{at}, the first dose below "
                f"{format_number(data.percent_rule_floor_diazepam_mg)} mg "
                f"{'diazepam' if layout.is_reference_drug else 'diazepam equivalent'}. "
                f"That is where the drawing stops, not advice on how to end a taper.")
    if layout.ending == "step_cap":
        return (f"The layout stops after {data.max_steps} steps, the most finder draws; the dose "
                f"is then {format_number(last.dose_mg)} mg.")
    return f"The list ends at {format_number(last.dose_mg)} mg without reaching zero."


def _zero_note(layout: Layout, at: str) -> str:
    before = layout.steps[-2]
    note = (f"The schedule reaches zero at step {layout.steps[-1].number}{at}, stopping from "
            f"{format_number(before.dose_mg)} mg{layout.in_diazepam(before.diazepam_mg)}.")
    if layout.stops_above_liquid_threshold:
        note += (" That dose is above the liquid threshold, so the schedule never reaches the "
                 "small doses that need a liquid or compounded formulation.")
    return note
