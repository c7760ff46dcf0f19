"""data/glossary.toml: plain explanations of the words a user meets in finder, each shown
beside the checklist items and where-to-look sections whose wording uses it."""

from __future__ import annotations

import copy
from typing import Any

from finder.content.checks import (citation_problems, id_problems, label, raise_if_any,
                                   sentence_problems, table_list, text_problems,
                                   unknown_field_problems)
from finder.domain.checklist import Checklist

__all__ = ["glossary_from_toml"]

FILENAME = "glossary.toml"

_TERM_FIELDS = {"id", "term", "short", "explanation", "shown_with", "sources"}


def glossary_from_toml(data: dict, sources: dict[str, dict], checklist: Checklist,
                       resources: dict[str, Any]) -> list[dict[str, Any]]:
    """The checked terms in file order, each a dict with id, term, explanation and sources,
    and where given `short` (the words as pages use them) and `shown_with` (ids of the
    checklist items and where-to-look sections whose wording uses the term)."""
    raise_if_any(FILENAME, _problems(data, sources, _places(checklist, resources)))
    return copy.deepcopy(data["terms"])


def _places(checklist: Checklist, resources: dict[str, Any]) -> set[str]:
    """Ids a glossary term can be shown with: every checklist item (question, red flag,
    practical question) and every section of the where-to-look page."""
    sections = [item["id"] for item in resources["resources"]]
    return {*checklist.questions, *checklist.red_flags, *checklist.practical,
            *sections, "call_script", "no_specialist"}


def _problems(data: dict, sources: dict[str, dict], places: set[str]):
    terms, problems = table_list(data, "terms", "glossary")
    yield from problems
    yield from id_problems(terms, "glossary")
    seen_terms: set[str] = set()
    for term in terms:
        where = label(term, "term")
        yield from unknown_field_problems(term, _TERM_FIELDS, where)
        yield from text_problems(term, ("term", "explanation"), where)
        if "short" in term:
            yield from text_problems(term, ("short",), where)
        yield from _shown_with_problems(term, places, where)
        yield from sentence_problems(term, "explanation", where)
        name = str(term.get("term", "")).strip().casefold()
        if name and name in seen_terms:
            yield f"{where}: the term {term['term']!r} is explained twice"
        seen_terms.add(name)
        yield from citation_problems(term.get("sources"), sources, where)


def _shown_with_problems(term: dict, places: set[str], where: str):
    shown_with = term.get("shown_with", [])
    if not isinstance(shown_with, list):
        yield f"{where}: 'shown_with' must be a list of ids"
        return
    for place in shown_with:
        if place not in places:
            yield (f"{where}: shown_with names {place!r}, which is neither a checklist "
                   "item nor a section of resources.toml")
