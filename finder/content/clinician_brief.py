"""data/clinician_brief.toml: one printed page on the method for a willing doctor, its red
flags taken from the checklist and its references from sources.toml."""

from __future__ import annotations

import copy
from typing import Any

from finder.content.checks import (ContentError, citation_problems, id_problems, label,
                                   raise_if_any, table, table_list, text_problems,
                                   unknown_field_problems)
from finder.domain.checklist import Checklist

__all__ = ["clinician_brief_from_toml", "brief_word_count", "BRIEF_WORD_LIMIT"]

FILENAME = "clinician_brief.toml"

# Everything printed on the brief, reference titles included, must fit on one page.
BRIEF_WORD_LIMIT = 350

_HEADINGS = ("method", "red_flags", "asks", "references")


def clinician_brief_from_toml(data: dict, sources: dict[str, dict],
                              checklist: Checklist) -> dict[str, Any]:
    """The checked brief with its links resolved.

    As parsed, with two things filled in: each red flag gets the checklist's ``label`` and
    ``sources`` for its id (to link to the checklist; the print shows ``text``), and
    ``references`` becomes a list of ``{"id", "title", "url"}`` taken from sources.toml.
    A brief longer than BRIEF_WORD_LIMIT words is refused too.
    """
    raise_if_any(FILENAME, _problems(data, sources, checklist))
    brief = _resolve(data, sources, checklist)
    words = brief_word_count(brief)
    if words > BRIEF_WORD_LIMIT:
        raise ContentError(FILENAME, [f"the brief has {words} words, more than the "
                                      f"{BRIEF_WORD_LIMIT} that fit on one printed page"])
    return brief


def brief_word_count(brief: dict[str, Any]) -> int:
    """Count the words a loaded brief prints: every text, heading, ask and full reference.

    A word is any run of non-space characters that holds a letter or digit, so "3.24" and
    "https://doi.org/..." count once and an arrow counts as nothing. Red-flag ``label``s are
    not counted: the printed brief shows the clinician wording (``text``) only.
    """
    printed = [brief["title"], brief["purpose"], *brief["headings"].values()]
    for part in brief["method"]:
        printed += [part["heading"], part["text"]]
    printed += [flag["text"] for flag in brief["red_flags"]]
    printed += brief["asks"]["items"]
    for reference in brief["references"]:
        printed += [reference["title"], reference.get("url", "")]
    return sum(_words_in(text) for text in printed)


def _words_in(text: str) -> int:
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def _problems(data: dict, sources: dict[str, dict], checklist: Checklist):
    yield from unknown_field_problems(data, {"title", "purpose", "headings", *_HEADINGS},
                                      "the brief")
    yield from text_problems(data, ("title", "purpose"), "the brief")
    headings, problems = table(data, "headings")
    yield from problems
    if headings:
        yield from unknown_field_problems(headings, set(_HEADINGS), "[headings]")
        yield from text_problems(headings, _HEADINGS, "[headings]")
    method, problems = table_list(data, "method", "the brief")
    yield from problems
    yield from id_problems(method, "method")
    for part in method:
        where = label(part, "method part")
        yield from unknown_field_problems(part, {"id", "heading", "text", "sources"}, where)
        yield from text_problems(part, ("heading", "text"), where)
        yield from citation_problems(part.get("sources"), sources, where)
    yield from _red_flag_problems(data, checklist)
    yield from _asks_problems(data, sources)
    yield from _reference_problems(data, sources)


def _red_flag_problems(data: dict, checklist: Checklist):
    flags, problems = table_list(data, "red_flags", "the brief")
    yield from problems
    yield from id_problems(flags, "red_flags")
    for flag in flags:
        where = label(flag, "red flag")
        yield from unknown_field_problems(flag, {"id", "text"}, where)
        if flag.get("id") not in checklist.red_flags:
            yield f"{where} is not a red flag in checklist.toml"
        yield from text_problems(flag, ("text",), where)


def _asks_problems(data: dict, sources: dict[str, dict]):
    asks, problems = table(data, "asks")
    yield from problems
    if not asks:
        return
    # A top-level key written after [asks] lands inside it; say so rather than lose it.
    yield from unknown_field_problems(asks, {"items", "sources"}, "[asks]")
    items = asks.get("items")
    if (not isinstance(items, list) or not items
            or not all(isinstance(item, str) and item.strip() for item in items)):
        yield "[asks]: 'items' must be a list of one or more non-empty texts"
    yield from citation_problems(asks.get("sources"), sources, "[asks]")


def _reference_problems(data: dict, sources: dict[str, dict]):
    references = data.get("references")
    if not isinstance(references, list) or not references:
        yield "'references' must list one or more source ids"
        return
    if len(set(references)) != len(references):
        yield "'references' lists a source twice"
    for source_id in references:
        if source_id not in sources:
            yield f"'references' names unknown source {source_id!r}"


def _resolve(data: dict, sources: dict[str, dict], checklist: Checklist) -> dict:
    brief = copy.deepcopy(data)
    for flag in brief["red_flags"]:
        from_checklist = checklist.red_flags[flag["id"]]
        flag["label"] = from_checklist["label"]
        flag["sources"] = list(from_checklist["sources"])
    brief["references"] = [
        {"id": source_id, "title": sources[source_id]["title"], "url": sources[source_id]["url"]}
        for source_id in data["references"]
    ]
    return brief
