"""What every content file shares: reading it, ContentError, and the checks each file's rules
are made of. Each check yields problem sentences; `where` says which item they are about."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Iterable, Iterator

__all__ = ["ContentError", "read_toml", "raise_if_any", "citation_problems"]

# Short explanations stay short: brain fog makes long paragraphs hard to follow.
MAX_SENTENCES = 2

_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


class ContentError(ValueError):
    """A file in data/ breaks a rule. The message names the file and every problem found, so
    whoever edits the content sees all of them at once."""

    def __init__(self, filename: str, problems: Iterable[str]):
        self.filename = filename
        self.problems = list(problems)
        super().__init__(f"{filename}: " + "; ".join(self.problems))


def read_toml(folder: Path, filename: str) -> dict[str, Any]:
    """The parsed file, or ContentError when it is missing or not valid TOML."""
    try:
        with open(folder / filename, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(filename, [f"file not found in {folder}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(filename, [f"not valid TOML ({error})"]) from None


def raise_if_any(filename: str, problems: Iterator[str]) -> None:
    found = list(problems)
    if found:
        raise ContentError(filename, found)


def citation_problems(cited: Any, sources: dict[str, dict], where: str):
    """An item cites one or more sources, and each is in data/sources.toml."""
    if not isinstance(cited, (list, tuple)) or not cited:
        yield f"{where} cites no source"
        return
    for source_id in cited:
        if source_id not in sources:
            yield f"{where} cites unknown source {source_id!r}"


def table_list(data: dict, key: str, where: str) -> tuple[list[dict], list[str]]:
    """The list of tables under `key`, or no tables and a problem saying what is wrong."""
    items = data.get(key)
    if not isinstance(items, list) or not items:
        return [], [f"{where} needs at least one [[{key}]] entry"]
    if not all(isinstance(item, dict) for item in items):
        return [], [f"every {where} entry must be a table"]
    return items, []


def table(data: dict, key: str) -> tuple[dict, list[str]]:
    found = data.get(key)
    if not isinstance(found, dict):
        return {}, [f"missing [{key}]"]
    return found, []


def unknown_field_problems(item: dict, allowed: set[str], where: str):
    # A misspelt optional field would otherwise be dropped without anyone noticing.
    for key in sorted(set(item) - allowed):
        yield f"{where}: unknown field {key!r}"


def text_problems(item: dict, keys: tuple[str, ...], where: str):
    for key in keys:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            yield f"{where}: {key!r} is missing or empty"


def sentence_problems(item: dict, key: str, where: str):
    value = item.get(key)
    if isinstance(value, str) and len(_SENTENCE_END.split(value.strip())) > MAX_SENTENCES:
        yield f"{where}: {key!r} is longer than {MAX_SENTENCES} sentences"


def id_problems(items: list[dict], where: str):
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


def label(item: dict, kind: str) -> str:
    return f"{kind} {item.get('id')!r}"
