"""data/checklist.toml: the screening checklist (finder.domain.checklist checks its integrity), with
every question, red flag and practical question citing a source that exists."""

from __future__ import annotations

from finder.content.checks import citation_problems, raise_if_any
from finder.domain.checklist import Checklist, ChecklistError, checklist_from_data

__all__ = ["checklist_from_toml"]

FILENAME = "checklist.toml"


def checklist_from_toml(data: dict, sources: dict[str, dict]) -> Checklist:
    """The checked Checklist; ContentError lists every broken rule and citation."""
    problems: list[str] = []
    try:
        checklist = checklist_from_data(data, with_rules=True)
    except ChecklistError as error:
        problems += error.problems
    problems += _citation_problems(data, sources)
    raise_if_any(FILENAME, iter(problems))
    return checklist


def _citation_problems(data: dict, sources: dict[str, dict]) -> list[str]:
    problems = []
    for key in ("questions", "red_flags", "practical"):
        items = data.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                problems += citation_problems(item.get("sources"), sources,
                                              repr(item.get("id")))
    return problems
