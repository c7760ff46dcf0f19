"""What the clinician proposed: a Proposal (a starting dose with a rule or a dose list),
checked and built by proposal_from_rule and proposal_from_doses."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .common import _EPSILON, ScheduleError
from .data import TaperData
from .equivalence import _drug
from .numbers import _clean, _parse_number, _positive, format_number
from .parsing import parse_dose_list
from .rules import Rule


@dataclass(frozen=True)
class Proposal:
    """A checked proposal: the drug, the starting dose, and either a rule or a dose list
    (the list starts with the starting dose)."""

    drug_id: str
    start_mg: float
    rule: Rule | None = None
    doses: tuple[float, ...] | None = None


def proposal_from_rule(data: TaperData, drug_id: str, start_mg, rule: Rule) -> Proposal:
    """Check a starting dose and a rule together and build a Proposal."""
    _drug(data, drug_id)
    start = _positive(start_mg, "The starting dose")
    if rule.unit == "mg" and rule.amount > start + _EPSILON:
        raise ScheduleError(f"A step of {format_number(rule.amount)} mg is larger than the "
                            f"starting dose of {format_number(start)} mg.")
    proposal = Proposal(drug_id, start, rule=rule)
    if _fixed_step_mg(proposal) is not None:
        _check_fixed_step_count(data, proposal)
    return proposal


def proposal_from_doses(data: TaperData, drug_id: str, doses: str | Sequence,
                        start_mg=None) -> Proposal:
    """Check a list of doses (text or numbers; the first is the starting dose) and build a
    Proposal. When `start_mg` is given and the list does not begin with it, it is put first.
    Equal or higher doses are allowed: they are shown as holds and increases."""
    _drug(data, drug_id)
    values = list(parse_dose_list(doses) if isinstance(doses, str) else
                  [_parse_number(value, "Each dose") for value in doses])
    if start_mg is not None:
        start = _positive(start_mg, "The starting dose")
        if not values or not math.isclose(values[0], start):
            values.insert(0, start)
    _check_dose_list(data, values)
    return Proposal(drug_id, values[0], doses=tuple(values))


def _check_dose_list(data: TaperData, values: list[float]) -> None:
    if len(values) < 2:
        raise ScheduleError("The list needs at least two doses: the starting dose and the "
                            "next one.")
    if len(values) - 1 > data.max_steps:
        raise ScheduleError(f"The list has {len(values)} doses; finder lays out at most "
                            f"{data.max_steps + 1} (the start and {data.max_steps} steps).")
    for value in values:
        if value < 0:
            raise ScheduleError(f"Doses cannot be negative (the list has "
                                f"{format_number(value)} mg).")
    if values[0] == 0:
        raise ScheduleError("The first dose in the list is the starting dose: it must be more "
                            "than 0 mg.")
    if 0 in values[:-1]:
        raise ScheduleError("The list goes on after 0 mg. End the list at the first 0 (stopping).")


def _fixed_step_mg(proposal: Proposal) -> float | None:
    rule = proposal.rule
    if rule is None or rule.unit == "percent":
        return None
    if rule.unit == "mg":
        return rule.amount
    return _clean(proposal.start_mg * rule.amount / 100)


def _check_fixed_step_count(data: TaperData, proposal: Proposal) -> None:
    steps = math.ceil(proposal.start_mg / _fixed_step_mg(proposal) - _EPSILON)
    if steps > data.max_steps:
        raise ScheduleError(f"That schedule would take {steps} steps to reach zero; finder lays "
                            f"out at most {data.max_steps}. Check the size of each step.")
