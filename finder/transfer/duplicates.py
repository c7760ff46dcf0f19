"""When two provider records are the same clinician. Pure module: no Flask.

Two records match when their names match (ignoring case, accents, punctuation and titles such
as Dr or MD, so "Anna Muller" is "Dr Anna Müller", as search finds it) and their phone
numbers have the same digits — or, when either has no phone, on the name alone. A match is only ever a question put to the user, never a silent merge.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from finder.directory import Directory
from finder.domain.search_text import name_key

__all__ = ["name_key", "phone_key", "DuplicateFinder"]


def phone_key(phone: str) -> str:
    """The digits that identify a line: '+1 (555) 123-4567 ext 9' -> '5551234567'."""
    main = re.split(r"(?i)\s*(?:ext\.?|x)\s*\d", phone or "", maxsplit=1)[0]
    digits = "".join(ch for ch in main if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]  # the North American country code
    return digits


class DuplicateFinder:
    """Finds, for each new record, an earlier record it repeats: one already stored, or one
    met earlier in the same file."""

    def __init__(self, existing: Iterable[Mapping]):
        self._known: dict[str, list[tuple[str, str]]] = {}
        for record in existing:
            words = record["name"]
            if Directory.in_trash(record):
                words += " (in the trash)"
            else:
                words += " (already on your shortlist)"
            self._remember(record, words)

    def _remember(self, record: Mapping, words: str) -> None:
        key = name_key(record.get("name", ""))
        if key:
            self._known.setdefault(key, []).append((phone_key(record.get("phone", "")), words))

    def check(self, record: Mapping, words: str) -> str | None:
        """What this record repeats, in words, or None; then remember it under `words`."""
        phone = phone_key(record.get("phone", ""))
        found = None
        for known_phone, known_words in self._known.get(name_key(record.get("name", "")), []):
            if not phone or not known_phone or phone == known_phone:
                found = known_words
                break
        self._remember(record, words)
        return found
