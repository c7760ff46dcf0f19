"""The medication timeline as plain data: reading doses, the cut each taper step made, and how
long a medicine has been taken. Pure module: no Flask.

A timeline record looks like
    {"person": "", "medications": [{"drug", "dose", "unit", "how_often", "started_on",
     "stopped_on"}], "steps": [{"on", "dose", "unit", "note"}], "symptom_onset": "",
     "symptom_course": "", "notes": ""}
with dates as ISO text and doses as the number typed (a decimal point, never a comma).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from finder.domain.words import plural

__all__ = ["DOSE_UNITS", "MAX_DOSE", "parse_dose", "step_cuts", "duration_words", "is_empty"]

DOSE_UNITS = [("mg", "mg"), ("mcg", "mcg"), ("mL", "mL")]
MAX_DOSE = Decimal("10000")
MAX_DECIMALS = 5


def parse_dose(text: str) -> Decimal:
    """A positive dose from what was typed ("0.5", "0,5", ".25"); ValueError says what is
    wrong in words for the form."""
    cleaned = (text or "").strip().replace(",", ".")
    try:
        dose = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("Enter the dose as a number, for example 0.5. "
                         "Choose mg, mcg or mL in the unit box beside it.") from None
    if not dose.is_finite() or dose <= 0:
        raise ValueError("Enter a dose above 0, for example 0.5.")
    if dose > MAX_DOSE:
        raise ValueError("That dose is too large: check the number and the unit.")
    if -dose.as_tuple().exponent > MAX_DECIMALS:
        raise ValueError(f"Use at most {MAX_DECIMALS} figures after the decimal point.")
    return dose


def step_cuts(steps: list[dict]) -> list[str]:
    """For each step, the share of the step before's dose it removed (arithmetic only):
    "10 %" for 1 → 0.9 mg, "+5 %" for an increase, "held" for the same dose, and "" for the
    first step or when the units differ."""
    cuts, before = [], None
    for step in steps:
        cuts.append(_cut(before, step) if before else "")
        before = step
    return cuts


def _cut(before: dict, step: dict) -> str:
    if before.get("unit") != step.get("unit"):
        return ""
    try:
        old, new = parse_dose(before.get("dose", "")), parse_dose(step.get("dose", ""))
    except ValueError:
        return ""
    if old == new:
        return "held"
    share = (old - new) / old * 100
    words = f"{abs(share):.1f}".rstrip("0").rstrip(".") + " %"
    return words if share > 0 else "+" + words


def duration_words(started_on: str, stopped_on: str = "", today: dt.date | None = None) -> str:
    """'about 9 years', '7 months' or '' when the start is unknown or after the end."""
    try:
        start = dt.date.fromisoformat(started_on)
        end = dt.date.fromisoformat(stopped_on) if stopped_on else (today or dt.date.today())
    except ValueError:
        return ""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    if months < 0:
        return ""
    if months < 1:
        return "under a month"
    if months < 24:
        return plural(months, "month")
    return f"about {months // 12} years"


def is_empty(timeline: dict) -> bool:
    """True when nothing has been filled in."""
    return not any(timeline.get(key) for key in
                   ("person", "medications", "steps", "symptom_onset", "symptom_course", "notes"))
