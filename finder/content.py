"""Reading content from data/: where to look, the glossary and the clinician brief, each checked.

Pure module: no Flask. Each loader reads one TOML file, checks it against the rules written at
the top of that file, and returns plain dicts and lists. A broken file raises ContentError with
the file name and every problem found, so whoever edits the content sees all of them at once.
Citations are checked against data/sources.toml, and ids that point into the checklist (call
script questions, brief red flags) against data/checklist.toml.
"""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any, Iterator

from finder.checklist import Checklist, load_checklist, load_sources

__all__ = [
    "APP_PAGES",
    "BRIEF_WORD_LIMIT",
    "ContentError",
    "REFERRAL_SOURCES",
    "brief_word_count",
    "load_clinician_brief",
    "load_glossary",
    "load_resources",
]

# The provider form's "how you heard of them" ids; a resource names the one it leads to.
REFERRAL_SOURCES = ("bic", "abbp", "benzobuddies", "regional_network", "telemedicine", "other")

# Pages of the app that content may point to with `see`.
APP_PAGES = ("clinician_brief",)

# Everything printed on the brief, reference titles included, must fit on one page.
BRIEF_WORD_LIMIT = 350

# Short explanations stay short: brain fog makes long paragraphs hard to follow.
MAX_SENTENCES = 2

_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


class ContentError(ValueError):
    """A content file breaks a rule; the message names the file and every problem found."""


# ---------------------------------------------------------------------------------------
# Public loaders


def load_resources(data_dir: Path | str) -> dict[str, Any]:
    """Load data/resources.toml and check it.

    Returns ``{"resources": [...], "call_script": {...}, "no_specialist": {...}}`` as
    parsed, except that each call-script line that names a checklist ``question`` also gets
    that question's wording as ``text``, so every line can be read out as it stands.
    Raises ContentError naming the file and its problems.
    """
    data_dir = Path(data_dir)
    data = _read_toml(data_dir, "resources.toml")
    sources = load_sources(data_dir)
    checklist = load_checklist(data_dir, sources)
    _raise_if_any("resources.toml", _resources_problems(data, sources, checklist))
    resources = copy.deepcopy(data)
    for line in resources["call_script"]["lines"]:
        if "question" in line:
            line["text"] = checklist.questions[line["question"]]["ask"]
    return resources


def load_glossary(data_dir: Path | str) -> list[dict[str, Any]]:
    """Load data/glossary.toml and check it.

    Returns the terms in file order, each a dict with id, term, explanation and sources,
    and where given `short` (the words as pages use them) and `shown_with` (ids of the
    checklist items and where-to-look sections whose wording uses the term).
    Raises ContentError naming the file and its problems.
    """
    data_dir = Path(data_dir)
    data = _read_toml(data_dir, "glossary.toml")
    sources = load_sources(data_dir)
    _raise_if_any("glossary.toml", _glossary_problems(data, sources, _places(data_dir)))
    return copy.deepcopy(data["terms"])


def load_clinician_brief(data_dir: Path | str) -> dict[str, Any]:
    """Load data/clinician_brief.toml, check it, and resolve its links.

    Returns the brief as parsed, with two things filled in: each red flag gets the
    checklist's ``label`` and ``sources`` for its id (to link to the checklist; the print
    shows ``text``), and ``references`` becomes a list of
    ``{"id", "title", "url"}`` taken from sources.toml. Raises ContentError naming the file
    and its problems, including a brief longer than BRIEF_WORD_LIMIT words.
    """
    data_dir = Path(data_dir)
    data = _read_toml(data_dir, "clinician_brief.toml")
    sources = load_sources(data_dir)
    checklist = load_checklist(data_dir, sources)
    _raise_if_any("clinician_brief.toml", _brief_problems(data, sources, checklist))
    brief = _resolve_brief(data, sources, checklist)
    words = brief_word_count(brief)
    if words > BRIEF_WORD_LIMIT:
        raise ContentError(
            f"clinician_brief.toml: the brief has {words} words, more than the "
            f"{BRIEF_WORD_LIMIT} that fit on one printed page"
        )
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


# ---------------------------------------------------------------------------------------
# Reading and reporting


def _read_toml(data_dir: Path, filename: str) -> dict[str, Any]:
    path = data_dir / filename
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"{filename}: file not found in {data_dir}") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{filename}: not valid TOML ({error})") from None


def _raise_if_any(filename: str, problems: Iterator[str]) -> None:
    found = list(problems)
    if found:
        raise ContentError(f"{filename}: " + "; ".join(found))


def _words_in(text: str) -> int:
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


# ---------------------------------------------------------------------------------------
# Checks shared by every file. Each yields problem sentences; `where` says which item.


def _table_list(data: dict, key: str, where: str) -> tuple[list[dict], list[str]]:
    """The list of tables under `key`, or no tables and a problem saying what is wrong."""
    items = data.get(key)
    if not isinstance(items, list) or not items:
        return [], [f"{where} needs at least one [[{key}]] entry"]
    if not all(isinstance(item, dict) for item in items):
        return [], [f"every {where} entry must be a table"]
    return items, []


def _table(data: dict, key: str) -> tuple[dict, list[str]]:
    table = data.get(key)
    if not isinstance(table, dict):
        return {}, [f"missing [{key}]"]
    return table, []


def _unknown_field_problems(item: dict, allowed: set[str], where: str):
    # A misspelt optional field would otherwise be dropped without anyone noticing.
    for key in sorted(set(item) - allowed):
        yield f"{where}: unknown field {key!r}"


def _text_problems(item: dict, keys: tuple[str, ...], where: str):
    for key in keys:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            yield f"{where}: {key!r} is missing or empty"


def _sentence_problems(item: dict, key: str, where: str):
    value = item.get(key)
    if isinstance(value, str) and len(_SENTENCE_END.split(value.strip())) > MAX_SENTENCES:
        yield f"{where}: {key!r} is longer than {MAX_SENTENCES} sentences"


def _id_problems(items: list[dict], where: str):
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        item_id = item.get("id")
        if not isinstance(item_id, str) or not _ID_PATTERN.fullmatch(item_id):
            yield (f"{where} entry {position}: id {item_id!r} "
                   "must be lower_case letters, digits and _")
            continue
        if item_id in seen:
            yield f"{where}: id {item_id!r} is used twice"
        seen.add(item_id)


def _citation_problems(item: dict, sources: dict[str, dict], where: str):
    cited = item.get("sources")
    if not isinstance(cited, list) or not cited:
        yield f"{where} cites no source"
        return
    for source_id in cited:
        if source_id not in sources:
            yield f"{where} cites unknown source {source_id!r}"


def _label(item: dict, kind: str) -> str:
    return f"{kind} {item.get('id')!r}"


# ---------------------------------------------------------------------------------------
# resources.toml

_RESOURCE_FIELDS = {"id", "title", "what_it_is", "how_to_use", "url", "referral_source", "sources"}
_OPTION_FIELDS = {"id", "title", "text", "see", "sources"}


def _resources_problems(data: dict, sources: dict[str, dict], checklist: Checklist):
    resources, problems = _table_list(data, "resources", "resources")
    yield from problems
    yield from _id_problems(resources, "resources")
    for resource in resources:
        where = _label(resource, "resource")
        yield from _unknown_field_problems(resource, _RESOURCE_FIELDS, where)
        yield from _text_problems(resource, ("title", "what_it_is", "how_to_use"), where)
        yield from _sentence_problems(resource, "what_it_is", where)
        yield from _url_problems(resource, where)
        if resource.get("referral_source") not in REFERRAL_SOURCES:
            yield (f"{where}: referral_source {resource.get('referral_source')!r} "
                   f"must be one of {REFERRAL_SOURCES}")
        yield from _citation_problems(resource, sources, where)
    yield from _call_script_problems(data, sources, checklist)
    yield from _no_specialist_problems(data, sources)


def _url_problems(resource: dict, where: str):
    url = resource.get("url")
    if not isinstance(url, str):
        yield f"{where}: 'url' must be text (it may be empty)"
    elif url and not url.startswith("https://"):
        yield f"{where}: url {url!r} must start with https://"


def _call_script_problems(data: dict, sources: dict[str, dict], checklist: Checklist):
    script, problems = _table(data, "call_script")
    yield from problems
    if not script:
        return
    yield from _text_problems(script, ("title", "intro"), "[call_script]")
    yield from _citation_problems(script, sources, "[call_script]")
    lines, problems = _table_list(script, "lines", "[call_script]")
    yield from problems
    for position, line in enumerate(lines, start=1):
        where = f"[call_script] line {position}"
        yield from _unknown_field_problems(line, {"text", "question"}, where)
        if ("text" in line) == ("question" in line):
            yield f"{where}: give either 'text' or 'question', not both or neither"
        elif "text" in line:
            yield from _text_problems(line, ("text",), where)
        elif line["question"] not in checklist.questions:
            yield f"{where}: question {line['question']!r} is not a core question in checklist.toml"


def _no_specialist_problems(data: dict, sources: dict[str, dict]):
    section, problems = _table(data, "no_specialist")
    yield from problems
    if not section:
        return
    yield from _text_problems(section, ("title", "intro"), "[no_specialist]")
    yield from _citation_problems(section, sources, "[no_specialist]")
    options, problems = _table_list(section, "options", "[no_specialist]")
    yield from problems
    yield from _id_problems(options, "[no_specialist] options")
    for option in options:
        where = _label(option, "[no_specialist] option")
        yield from _unknown_field_problems(option, _OPTION_FIELDS, where)
        yield from _text_problems(option, ("title", "text"), where)
        if "see" in option and option["see"] not in APP_PAGES:
            yield f"{where}: see {option['see']!r} must be one of {APP_PAGES}"
        yield from _citation_problems(option, sources, where)


# ---------------------------------------------------------------------------------------
# glossary.toml


def _places(data_dir: Path) -> set[str]:
    """Ids a glossary term can be shown with: every checklist item (question, red flag,
    practical question) and every section of the where-to-look page."""
    checklist = load_checklist(data_dir, load_sources(data_dir))
    resources = _read_toml(data_dir, "resources.toml")
    sections = [item.get("id") for item in resources.get("resources", [])
                if isinstance(item, dict)]
    return {*checklist.questions, *checklist.red_flags, *checklist.practical,
            *sections, "call_script", "no_specialist"}


def _glossary_problems(data: dict, sources: dict[str, dict], places: set[str]):
    terms, problems = _table_list(data, "terms", "glossary")
    yield from problems
    yield from _id_problems(terms, "glossary")
    seen_terms: set[str] = set()
    for term in terms:
        where = _label(term, "term")
        yield from _unknown_field_problems(
            term, {"id", "term", "short", "explanation", "shown_with", "sources"}, where)
        yield from _text_problems(term, ("term", "explanation"), where)
        if "short" in term:
            yield from _text_problems(term, ("short",), where)
        shown_with = term.get("shown_with", [])
        if not isinstance(shown_with, list):
            yield f"{where}: 'shown_with' must be a list of ids"
            shown_with = []
        for place in shown_with:
            if place not in places:
                yield (f"{where}: shown_with names {place!r}, which is neither a checklist "
                       "item nor a section of resources.toml")
        yield from _sentence_problems(term, "explanation", where)
        name = str(term.get("term", "")).strip().casefold()
        if name and name in seen_terms:
            yield f"{where}: the term {term['term']!r} is explained twice"
        seen_terms.add(name)
        yield from _citation_problems(term, sources, where)


# ---------------------------------------------------------------------------------------
# clinician_brief.toml

_BRIEF_HEADINGS = ("method", "red_flags", "asks", "references")


def _brief_problems(data: dict, sources: dict[str, dict], checklist: Checklist):
    yield from _unknown_field_problems(
        data, {"title", "purpose", "headings", *_BRIEF_HEADINGS}, "the brief")
    yield from _text_problems(data, ("title", "purpose"), "the brief")
    headings, problems = _table(data, "headings")
    yield from problems
    if headings:
        yield from _unknown_field_problems(headings, set(_BRIEF_HEADINGS), "[headings]")
        yield from _text_problems(headings, _BRIEF_HEADINGS, "[headings]")
    method, problems = _table_list(data, "method", "the brief")
    yield from problems
    yield from _id_problems(method, "method")
    for part in method:
        where = _label(part, "method part")
        yield from _unknown_field_problems(part, {"id", "heading", "text", "sources"}, where)
        yield from _text_problems(part, ("heading", "text"), where)
        yield from _citation_problems(part, sources, where)
    yield from _brief_red_flag_problems(data, checklist)
    yield from _asks_problems(data, sources)
    yield from _reference_problems(data, sources)


def _brief_red_flag_problems(data: dict, checklist: Checklist):
    flags, problems = _table_list(data, "red_flags", "the brief")
    yield from problems
    yield from _id_problems(flags, "red_flags")
    for flag in flags:
        where = _label(flag, "red flag")
        yield from _unknown_field_problems(flag, {"id", "text"}, where)
        if flag.get("id") not in checklist.red_flags:
            yield f"{where} is not a red flag in checklist.toml"
        yield from _text_problems(flag, ("text",), where)


def _asks_problems(data: dict, sources: dict[str, dict]):
    asks, problems = _table(data, "asks")
    yield from problems
    if not asks:
        return
    # A top-level key written after [asks] lands inside it; say so rather than lose it.
    yield from _unknown_field_problems(asks, {"items", "sources"}, "[asks]")
    items = asks.get("items")
    if (not isinstance(items, list) or not items
            or not all(isinstance(item, str) and item.strip() for item in items)):
        yield "[asks]: 'items' must be a list of one or more non-empty texts"
    yield from _citation_problems(asks, sources, "[asks]")


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


def _resolve_brief(data: dict, sources: dict[str, dict], checklist: Checklist) -> dict:
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
