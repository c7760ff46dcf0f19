"""What the user typed about a proposed schedule, turned into a checked Proposal.

Pure module: no Flask. The inputs are plain text as typed (the same keys as the form's
fields), so a schedule kept with a call stores exactly what was entered and is laid out
again, by the current arithmetic, whenever it is shown. Every problem is an InputError
naming the input it concerns, so a page can show the message beside that field.

All the arithmetic and its messages belong to finder.domain.taper_schedule; this module only
decides which of the user's inputs each check reads.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Mapping

from finder.domain.taper_schedule import (INTERVAL_UNITS, RULE_UNITS, Proposal, ScheduleError,
                                   TaperData, format_number, make_rule, parse_rule_text,
                                   proposal_from_doses, proposal_from_rule)

__all__ = ["InputError", "MODES", "MODE_FIELDS", "inputs_to_keep", "proposal_from_inputs",
           "describe_proposal"]

# How the user enters what the clinician proposed: (value, label), in the order offered.
MODES = [
    ("rule", "Choose the rule from lists"),
    ("text", "Type the rule as they said it"),
    ("doses", "List the doses"),
]
# The inputs each way of entering reads (besides the drug and the starting dose).
MODE_FIELDS = {
    "rule": ("amount", "unit", "every", "interval_unit", "hold_on_flares"),
    "text": ("rule_text",),
    "doses": ("doses",),
}
_COMMON_FIELDS = ("drug", "start_mg", "mode")
# A rule used only to check a starting dose on its own: a share of the current dose is
# never larger than the dose, so any error it raises is about the starting dose.
_START_ONLY_RULE = make_rule(50, "percent", 1, "weeks")


class InputError(ValueError):
    """An input that cannot be used; `field` names it, the message can be shown as it is."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def inputs_to_keep(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs the chosen way of entering uses, trimmed: what is stored with a call."""
    mode = inputs.get("mode")
    kept = {}
    for name in _COMMON_FIELDS + MODE_FIELDS.get(mode, ()):
        value = inputs.get(name)
        kept[name] = bool(value) if name == "hold_on_flares" else str(value or "").strip()
    return kept


def proposal_from_inputs(data: TaperData, inputs: Mapping[str, Any]) -> Proposal:
    """Check the inputs and build the Proposal; raise InputError on the first problem."""
    drug_id = str(inputs.get("drug") or "").strip()
    mode = inputs.get("mode")
    start = str(inputs.get("start_mg") or "").strip()
    _check_drug(data, drug_id)
    if mode not in MODE_FIELDS:
        raise InputError("mode", "Choose how to enter the schedule: from lists, as they said "
                                 "it, or as a list of doses.")
    if start or mode != "doses":
        _check_start(data, drug_id, start)
    if mode == "rule":
        rule = _rule_from_fields(inputs)
        with _blame("amount"):
            return proposal_from_rule(data, drug_id, start, rule)
    if mode == "text":
        text = _required(inputs, "rule_text", "Type the rule as the clinician said it, for "
                                              "example “reduce 0.25 mg every 2 weeks”.")
        with _blame("rule_text"):
            return proposal_from_rule(data, drug_id, start, parse_rule_text(text))
    with _blame("doses"):
        return proposal_from_doses(data, drug_id, str(inputs.get("doses") or ""),
                                   start_mg=start or None)


def describe_proposal(data: TaperData, proposal: Proposal) -> str:
    """What was proposed, in one line: 'Clonazepam from 2 mg. Reduce 0.25 mg every 2 weeks.'"""
    drug = data.drugs[proposal.drug_id]
    start = f"{drug.name} from {format_number(proposal.start_mg)} mg."
    if proposal.rule is not None:
        return f"{start} {proposal.rule.describe()}"
    doses = ", ".join(format_number(dose) for dose in proposal.doses)
    return f"{start} Doses in mg: {doses}."


@contextmanager
def _blame(field: str) -> Iterator[None]:
    """Report a ScheduleError raised inside as a problem with `field`."""
    try:
        yield
    except ScheduleError as error:
        raise InputError(field, str(error)) from error


def _check_drug(data: TaperData, drug_id: str) -> None:
    if not drug_id:
        raise InputError("drug", "Choose the drug from the list.")
    if drug_id not in data.drugs:
        raise InputError("drug", f"finder does not know the drug “{drug_id}”. Choose one "
                                 f"from the list.")


def _check_start(data: TaperData, drug_id: str, start: str) -> None:
    if not start:
        raise InputError("start_mg", "Enter the starting dose in mg, for example 2.")
    with _blame("start_mg"):
        proposal_from_rule(data, drug_id, start, _START_ONLY_RULE)


def _rule_from_fields(inputs: Mapping[str, Any]):
    unit, interval_unit = inputs.get("unit"), inputs.get("interval_unit")
    amount = _required(inputs, "amount", "Enter the size of each step, for example 0.25.")
    every = _required(inputs, "every", "Enter how often the dose goes down, for example 2.")
    # make_rule checks the unit, the interval unit, the amount, then the interval, in that
    # order; checking them one at a time tells which field a problem belongs to.
    with _blame("unit"):
        make_rule(1, unit, 1, next(iter(INTERVAL_UNITS)))
    with _blame("interval_unit"):
        make_rule(1, RULE_UNITS[0], 1, interval_unit)
    with _blame("amount"):
        make_rule(amount, unit, 1, interval_unit)
    with _blame("every"):
        return make_rule(amount, unit, every, interval_unit, bool(inputs.get("hold_on_flares")))


def _required(inputs: Mapping[str, Any], name: str, message: str) -> str:
    value = str(inputs.get(name) or "").strip()
    if not value:
        raise InputError(name, message)
    return value
