"""data/sources.toml: every source the other files cite, by id."""

from __future__ import annotations

from finder.content.checks import (id_problems, label, raise_if_any, table_list, text_problems,
                                   unknown_field_problems)

__all__ = ["sources_from_toml"]

FILENAME = "sources.toml"


def sources_from_toml(data: dict) -> dict[str, dict]:
    """The sources by id, in file order; ContentError when one is incomplete or two share
    an id (a citation would then be ambiguous)."""
    raise_if_any(FILENAME, _problems(data))
    return {source["id"]: source for source in data["sources"]}


def _problems(data: dict):
    sources, problems = table_list(data, "sources", "sources")
    yield from problems
    yield from id_problems(sources, "sources")
    for source in sources:
        where = label(source, "source")
        yield from unknown_field_problems(source, {"id", "short", "title", "detail", "url"},
                                          where)
        # Pages show `short` beside what cites it and `title` in full on the Sources page.
        yield from text_problems(source, ("short", "title"), where)
        url = source.get("url", "")
        if not isinstance(url, str) or (url and not url.startswith("https://")):
            yield f"{where}: url {url!r} must be empty or start with https://"
