"""Reading what a clinician said: a list of doses, or a reduction rule in plain language."""

from __future__ import annotations

import re
from dataclasses import replace

from .common import ScheduleError
from .numbers import _DECIMAL_COMMA, _NUMBER
from .rules import Rule, make_rule


_SEPARATORS = re.compile(r"[,;\s]+|->|→")
_MG_SUFFIX = re.compile(r"mg\.?$", re.IGNORECASE)


def parse_dose_list(text: str) -> tuple[float, ...]:
    """Read doses such as '2, 1.75, 1.5' or '2 mg; 1.75 mg' or one per line.

    Commas, semicolons, spaces, new lines and arrows separate doses; an 'mg' after a number
    is ignored. A comma between two digits ('1,5') is refused as a decimal comma, because
    it could also be two doses written without a space."""
    if _DECIMAL_COMMA.search(text):
        found = _DECIMAL_COMMA.search(text).group(0)
        raise ScheduleError(f"“{found}” looks like a decimal comma. Write decimals with a "
                            f"point (1.5, not 1,5) and separate doses with a comma and a "
                            f"space, a semicolon or a new line.")
    tokens = [_MG_SUFFIX.sub("", token) for token in _SEPARATORS.split(text)]
    doses = tuple(_parse_dose_token(token) for token in tokens if token)
    if not doses:
        raise ScheduleError("The list of doses is empty. Write the doses in order, for "
                            "example: 2, 1.75, 1.5.")
    return doses


def _parse_dose_token(token: str) -> float:
    if not _NUMBER.fullmatch(token):
        raise ScheduleError(f"“{token}” is not a number. Write each dose as a plain number, "
                            f"such as 1.75 or 1.75 mg.")
    return float(token)


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "other": 2}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(mg\b|milligrams?\b|%|percent\b|per cent\b)")
# A dose the taper starts from ("from 2 mg", "currently on 2 mg") is not the step size.
_STARTING_DOSE = re.compile(r"\b(?:from|starting at|start at|on)\s+(?:\d+(?:\.\d+)?|\.\d+)\s*"
                            r"(?:mg\b|milligrams?\b)")
_FRACTION = re.compile(r"\d\s*/\s*\d")
_EVERY = re.compile(r"\bevery\s+(?:(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) +
                    r")\s+)?(day|week|month|fortnight)s?\b")
_ADVERB = re.compile(r"\b(daily|weekly|fortnightly|monthly)\b|"
                     r"\b(?:a|per|each)\s+(day|week|month)\b")
_OF_CURRENT = re.compile(r"\bof\s+(?:the\s+|your\s+|my\s+)?(?:current|present|remaining|"
                         r"latest|last|existing)\s+dose\b|\bof\s+what\s+(?:is\s+left|you\s+take)")
_OF_START = re.compile(r"\bof\s+(?:the\s+|your\s+|my\s+)?(?:start|starting|original|initial|"
                       r"first|baseline)\s+dose\b")
_HOLD_ON_FLARES = re.compile(r"\b(?:hold|holds|holding|pause|pauses|pausing)\b[^.;]*\bflare")


def parse_rule_text(text: str) -> Rule:
    """Read a plain-language rule such as 'reduce 0.25 mg every 2 weeks' or 'reduce 10 % of
    the current dose every 4 weeks, holding on flares' into a Rule; ScheduleError when the
    step size or the interval cannot be found.

    The step size is the first amount in mg or % that is not a starting dose ('from 2 mg').
    A percentage is of the current dose unless the text says 'of the starting dose' (then it
    is a fixed mg step); when no base is said, a note on the Rule says so."""
    said = " ".join(text.lower().split())
    if _DECIMAL_COMMA.search(said):
        raise ScheduleError("Write decimals with a point (0.25, not 0,25).")
    if _FRACTION.search(said):
        raise ScheduleError("Write fractions as decimals (0.25, not 1/4).")
    if "biweekly" in said or "bi-weekly" in said:
        raise ScheduleError("“Biweekly” can mean twice a week or every two weeks: write "
                            "“every 2 weeks” or “twice a week” instead.")
    amount, unit, notes = _read_amount(said)
    every, interval_unit = _read_interval(said)
    rule = make_rule(amount, unit, every, interval_unit, bool(_HOLD_ON_FLARES.search(said)))
    return replace(rule, notes=notes)


def _read_amount(said: str) -> tuple[str, str, tuple[str, ...]]:
    match = _AMOUNT.search(_STARTING_DOSE.sub(" ", said))
    if match is None:
        raise ScheduleError("finder could not find the size of each step. Write it in mg "
                            "(“0.25 mg every 2 weeks”) or as a percentage "
                            "(“10 % every 4 weeks”).")
    number, unit = match.groups()
    if unit.startswith(("mg", "milligram")):
        return number, "mg", ()
    if _OF_START.search(said):
        return number, "percent_of_start", ()
    note = () if _OF_CURRENT.search(said) else (
        "The percentage was not said to be of the current dose; it is laid out that way here. "
        "Worth asking: a percentage of which dose?",)
    return number, "percent", note


def _read_interval(said: str) -> tuple[float, str]:
    match = _EVERY.search(said)
    if match:
        count, unit = match.group(1), match.group(2)
        every = _NUMBER_WORDS.get(count) or float(count or 1)
        return (every * 2, "weeks") if unit == "fortnight" else (every, unit + "s")
    match = _ADVERB.search(said)
    if match:
        word = match.group(1) or match.group(2)
        unit = {"daily": "day", "weekly": "week", "monthly": "month"}.get(word, word)
        return (2, "weeks") if unit == "fortnightly" else (1, unit + "s")
    raise ScheduleError("finder could not find how often the dose goes down. Write it like "
                        "“every 2 weeks”, “every 10 days” or “every month”.")
