"""A reduction rule ('0.25 mg every 2 weeks'): the Rule type and make_rule, which checks
structured rule fields."""

from __future__ import annotations

from dataclasses import dataclass

from .common import INTERVAL_UNITS, RULE_UNITS, ScheduleError
from .numbers import _positive, format_number


@dataclass(frozen=True)
class Rule:
    """A reduction rule: `amount` in `unit` every `every` `interval_unit`.

    unit is "mg" (a fixed amount), "percent" (of the current dose) or "percent_of_start"
    (of the starting dose, which works out as a fixed mg amount). `notes` say how a
    plain-language rule was read, when something in it was left unstated.
    """

    amount: float
    unit: str
    every: float
    interval_unit: str
    hold_on_flares: bool = False
    notes: tuple[str, ...] = ()

    @property
    def interval_days(self) -> float:
        return self.every * INTERVAL_UNITS[self.interval_unit]

    def describe(self) -> str:
        """The rule in words: 'Reduce 10 % of the current dose every 4 weeks, holding on flares.'"""
        size = {"mg": f"{format_number(self.amount)} mg",
                "percent": f"{format_number(self.amount)} % of the current dose",
                "percent_of_start": f"{format_number(self.amount)} % of the starting dose",
                }[self.unit]
        hold = ", holding on flares" if self.hold_on_flares else ""
        return f"Reduce {size} every {_interval_words(self.every, self.interval_unit)}{hold}."


def _interval_words(every: float, unit: str) -> str:
    if every == 1:
        return unit[:-1]
    return f"{format_number(every)} {unit}"


def make_rule(amount, unit: str, every, interval_unit: str,
              hold_on_flares: bool = False) -> Rule:
    """Check structured rule fields (numbers or strings such as '0.25') and build a Rule."""
    if unit not in RULE_UNITS:
        raise ScheduleError("Give the size of each step in mg or as a percentage.")
    if interval_unit not in INTERVAL_UNITS:
        raise ScheduleError("Give the time between steps in days, weeks or months.")
    amount = _positive(amount, "The size of each step")
    if unit != "mg" and amount >= 100:
        raise ScheduleError("A percentage step must be more than 0 % and less than 100 %.")
    every = _positive(every, "The time between steps")
    return Rule(amount, unit, every, interval_unit, bool(hold_on_flares))
