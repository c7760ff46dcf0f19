"""Reading numbers a user typed, rounding away float noise, and formatting numbers for
display."""

from __future__ import annotations

import math
import re

from .common import _SIGNIFICANT_DIGITS, ScheduleError


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DECIMAL_COMMA = re.compile(r"\d,\d")
# A form field may say "0.25 mg" or "10 %"; the unit is chosen beside it.
_UNIT_SUFFIX = re.compile(r"\s*(?:mg\.?|%)$", re.IGNORECASE)


def format_number(value: float, significant: int = 3) -> str:
    """`significant` figures (three unless asked), no trailing zeros: 2.916 -> '2.92',
    0.025 -> '0.025'."""
    if value == 0:
        return "0"
    decimals = max(0, significant - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _parse_number(value, what: str) -> float:
    """A finite number from a number or a string such as '0.25' or '0.25 mg'; decimal
    commas are refused."""
    if isinstance(value, bool):
        raise ScheduleError(f"{what} must be a number.")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ScheduleError(f"{what} must be a number.")
        return float(value)
    text = _UNIT_SUFFIX.sub("", str(value).strip())
    if _DECIMAL_COMMA.search(text):
        raise ScheduleError(f"“{text}” uses a decimal comma. Write decimals with a point, "
                            f"for example 0.25, not 0,25.")
    if not _NUMBER.fullmatch(text):
        raise ScheduleError(f"{what} must be a number: “{text}” is not one.")
    return float(text)


def _positive(value, what: str) -> float:
    number = _parse_number(value, what)
    if number <= 0:
        raise ScheduleError(f"{what} must be more than 0.")
    return number


def _non_negative(value, what: str) -> float:
    number = _parse_number(value, what)
    if number < 0:
        raise ScheduleError(f"{what} cannot be negative.")
    return number


def _clean(value: float) -> float:
    return float(f"{value:.{_SIGNIFICANT_DIGITS}g}") + 0.0
