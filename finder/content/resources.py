"""data/resources.toml: where to look for a clinician, the call script, and what is left when
no specialist is within reach."""

from __future__ import annotations

import copy
from typing import Any

from finder.content.checks import (citation_problems, id_problems, label, raise_if_any,
                                   sentence_problems, table, table_list, text_problems,
                                   unknown_field_problems)
from finder.content.vocabulary import Vocabulary
from finder.domain.checklist import Checklist

__all__ = ["resources_from_toml", "APP_PAGES"]

FILENAME = "resources.toml"

# Pages of the app that content may point to with `see`.
APP_PAGES = ("clinician_brief",)

_RESOURCE_FIELDS = {"id", "title", "what_it_is", "how_to_use", "url", "referral_source", "sources"}
_OPTION_FIELDS = {"id", "title", "text", "see", "sources"}


def resources_from_toml(data: dict, sources: dict[str, dict], checklist: Checklist,
                        vocabulary: Vocabulary) -> dict[str, Any]:
    """The checked ``{"resources": [...], "call_script": {...}, "no_specialist": {...}}``.

    As parsed, except that each call-script line that names a checklist ``question`` also
    gets that question's wording as ``text``, so every line can be read out as it stands.
    Each resource leads to one of the vocabulary's referral sources.
    """
    raise_if_any(FILENAME, _problems(data, sources, checklist, vocabulary))
    resources = copy.deepcopy(data)
    for line in resources["call_script"]["lines"]:
        if "question" in line:
            line["text"] = checklist.questions[line["question"]]["ask"]
    return resources


def _problems(data: dict, sources: dict[str, dict], checklist: Checklist,
              vocabulary: Vocabulary):
    resources, problems = table_list(data, "resources", "resources")
    yield from problems
    yield from id_problems(resources, "resources")
    referral_sources = tuple(vocabulary.ids("referral_sources"))
    for resource in resources:
        where = label(resource, "resource")
        yield from unknown_field_problems(resource, _RESOURCE_FIELDS, where)
        yield from text_problems(resource, ("title", "what_it_is", "how_to_use"), where)
        yield from sentence_problems(resource, "what_it_is", where)
        yield from _url_problems(resource, where)
        if resource.get("referral_source") not in referral_sources:
            yield (f"{where}: referral_source {resource.get('referral_source')!r} "
                   f"must be one of {referral_sources}")
        yield from citation_problems(resource.get("sources"), sources, where)
    yield from _call_script_problems(data, sources, checklist)
    yield from _no_specialist_problems(data, sources)


def _url_problems(resource: dict, where: str):
    url = resource.get("url")
    if not isinstance(url, str):
        yield f"{where}: 'url' must be text (it may be empty)"
    elif url and not url.startswith("https://"):
        yield f"{where}: url {url!r} must start with https://"


def _call_script_problems(data: dict, sources: dict[str, dict], checklist: Checklist):
    script, problems = table(data, "call_script")
    yield from problems
    if not script:
        return
    yield from text_problems(script, ("title", "intro"), "[call_script]")
    yield from citation_problems(script.get("sources"), sources, "[call_script]")
    lines, problems = table_list(script, "lines", "[call_script]")
    yield from problems
    for position, line in enumerate(lines, start=1):
        where = f"[call_script] line {position}"
        yield from unknown_field_problems(line, {"text", "question"}, where)
        if ("text" in line) == ("question" in line):
            yield f"{where}: give either 'text' or 'question', not both or neither"
        elif "text" in line:
            yield from text_problems(line, ("text",), where)
        elif line["question"] not in checklist.questions:
            yield f"{where}: question {line['question']!r} is not a core question in checklist.toml"


def _no_specialist_problems(data: dict, sources: dict[str, dict]):
    section, problems = table(data, "no_specialist")
    yield from problems
    if not section:
        return
    yield from text_problems(section, ("title", "intro"), "[no_specialist]")
    yield from citation_problems(section.get("sources"), sources, "[no_specialist]")
    options, problems = table_list(section, "options", "[no_specialist]")
    yield from problems
    yield from id_problems(options, "[no_specialist] options")
    for option in options:
        where = label(option, "[no_specialist] option")
        yield from unknown_field_problems(option, _OPTION_FIELDS, where)
        yield from text_problems(option, ("title", "text"), where)
        if "see" in option and option["see"] not in APP_PAGES:
            yield f"{where}: see {option['see']!r} must be one of {APP_PAGES}"
        yield from citation_problems(option.get("sources"), sources, where)
