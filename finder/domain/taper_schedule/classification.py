"""Classification: which pattern a laid-out proposal follows, with the evidence in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .common import _EPSILON
from .data import TaperData
from .layout import Layout, Step
from .numbers import format_number
from .proposals import _fixed_step_mg


@dataclass(frozen=True)
class Classification:
    """Which pattern a proposal follows, in words a page can show.

    pattern is one of PATTERNS; label and meaning come from [patterns.*] in the data file;
    evidence are sentences of arithmetic about this proposal; red_flag is the checklist red
    flag the page may offer to tick ("fixed_mg_steps" for fixed_mg), or None."""

    pattern: str
    label: str
    meaning: str
    evidence: tuple[str, ...]
    red_flag: str | None
    sources: tuple[str, ...]


def classify(data: TaperData, layout: Layout) -> Classification:
    """Classify a laid-out proposal: a rule by its unit, a list by its steps (the same mg
    each time, roughly the same share each time, or neither)."""
    pattern, evidence = _pattern_and_evidence(data, layout)
    if layout.proposal.doses is not None:
        evidence += _hold_and_increase_evidence(layout)
    info = data.patterns[pattern]
    return Classification(pattern, info["label"], info.get("meaning", ""), tuple(evidence),
                          info.get("red_flag"), tuple(info.get("sources", ())))


def _pattern_and_evidence(data: TaperData, layout: Layout) -> tuple[str, list[str]]:
    rule = layout.proposal.rule
    if rule is not None and rule.unit == "percent":
        return "percent_of_current", _percent_evidence(data, layout)
    if rule is not None:
        return "fixed_mg", _fixed_mg_evidence(data, layout)
    reductions = layout.reductions
    if len(reductions) < 2:
        return "undetermined", [f"The list has {_count(len(reductions), 'reduction')} before "
                                f"any stop; at least two are needed to see a pattern."]
    if _same_mg(data, reductions):
        return "fixed_mg", _fixed_mg_evidence(data, layout)
    if _steady_share(data, reductions):
        return "percent_of_current", _percent_evidence(data, layout)
    return "irregular", _irregular_evidence(data, layout)


def _same_mg(data: TaperData, reductions: Sequence[Step]) -> bool:
    removed = [step.removed_mg for step in reductions]
    tolerance = max(removed) * data.same_mg_tolerance_percent / 100
    return max(removed) - min(removed) <= tolerance + _EPSILON


def _steady_share(data: TaperData, reductions: Sequence[Step]) -> bool:
    shares = [step.share_removed_percent for step in reductions]
    return max(shares) <= min(shares) * data.steady_share_ratio + _EPSILON


def _fixed_mg_evidence(data: TaperData, layout: Layout) -> list[str]:
    rule, reductions = layout.proposal.rule, layout.reductions
    step_mg = format_number(_fixed_step_mg(layout.proposal) or reductions[0].removed_mg)
    evidence = []
    if rule is not None and rule.unit == "percent_of_start":
        evidence.append(f"{format_number(rule.amount)} % of the starting dose is the same "
                        f"{step_mg} mg every time, so this is a fixed-mg taper.")
    if not reductions:
        return evidence + [f"A single step of {step_mg} mg, straight to zero."]
    last = "the last before stopping" if layout.ending == "zero" else "the last"
    evidence.append(f"Steps of {step_mg} mg each; the first removes "
                    f"{format_number(reductions[0].share_removed_percent)} % of the dose, {last} "
                    f"{format_number(reductions[-1].share_removed_percent)} %.")
    return evidence + _jump_evidence(data, layout)


def _percent_evidence(data: TaperData, layout: Layout) -> list[str]:
    reductions, rule = layout.reductions, layout.proposal.rule
    first_mg = format_number(reductions[0].removed_mg)
    last_mg = format_number(reductions[-1].removed_mg)
    if rule is not None:
        evidence = [f"Each step removes {format_number(rule.amount)} % of the current dose, so "
                    f"the steps in mg shrink: {first_mg} mg at first, "
                    f"{_shrunk_step_words(layout)}."]
        evidence += ["The dose is held during flares."] if rule.hold_on_flares else []
        return evidence + list(rule.notes) + _jump_evidence(data, layout)
    shares = [step.share_removed_percent for step in reductions]
    return [f"Each step removes between {format_number(min(shares))} % and "
            f"{format_number(max(shares))} % of the current dose; the steps in mg go from "
            f"{first_mg} mg to {last_mg} mg."] + _jump_evidence(data, layout)


def _shrunk_step_words(layout: Layout) -> str:
    """How small a percentage rule's steps get, named where it matters: at the step where
    liquid doses begin. A rule never reaches zero, so its last drawn steps are fractions of a
    microgram of some drugs ("0.000515 mg by step 51"), which says nothing useful."""
    liquid = layout.first_below_liquid_threshold
    if liquid is not None and liquid.kind == "reduce":
        return (f"{format_number(liquid.removed_mg)} mg by step {liquid.number}, where liquid "
                f"doses begin, and smaller still after that")
    last = layout.reductions[-1]
    return f"{format_number(last.removed_mg)} mg by step {last.number}"


def _irregular_evidence(data: TaperData, layout: Layout) -> list[str]:
    removed = [step.removed_mg for step in layout.reductions]
    shares = [step.share_removed_percent for step in layout.reductions]
    return [f"The mg removed ranges from {format_number(min(removed))} to "
            f"{format_number(max(removed))} mg, and the share of the current dose from "
            f"{format_number(min(shares))} % to {format_number(max(shares))} %."
            ] + _jump_evidence(data, layout)


def _jump_evidence(data: TaperData, layout: Layout) -> list[str]:
    jumps = [step for step in layout.steps if step.jump]
    if not jumps:
        return []
    first = jumps[0]
    at = f" ({first.when})" if first.when else ""
    verb = "takes" if len(jumps) == 1 else "take"
    ratio = format_number(data.jump_ratio_to_first_step)
    above = format_number(data.jump_share_above_percent)
    return [f"{len(jumps)} of the {_count(len(layout.reductions), 'reduction')} {verb} a much "
            f"bigger share than the first (more than {ratio} times its share, or more than "
            f"{above} % of the dose), starting at step {first.number}{at}, "
            f"{format_number(first.share_removed_percent)} %."]


def _hold_and_increase_evidence(layout: Layout) -> list[str]:
    holds = sum(step.kind == "hold" for step in layout.steps)
    increases = sum(step.kind == "increase" for step in layout.steps)
    if not holds and not increases:
        return []
    return [f"The list includes {_count(holds, 'hold')} and {_count(increases, 'increase')} "
            f"(a hold or a small increase can be part of a careful taper)."]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
