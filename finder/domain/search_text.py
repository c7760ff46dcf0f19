"""Text folded for search, so that what a person types finds what they meant: case, accents
and the width of characters do not matter ("muller" finds "Dr Rosa Müller", "ＭＵＬＬＥＲ"
too). Pure module.

Decisions, each tested in tests/test_search_text.py:
- Accents and other marks on Latin, Greek and Cyrillic letters are dropped: "é" is "e",
  "ά" is "α", "й" is "и", "ё" is "е" (as Russian writing often does itself).
- The Japanese voicing marks are kept ("ガ" is not "カ": they are different sounds), and
  Chinese, Japanese and Korean text is matched as it is, character by character.
- Turkish dotted "İ" and dotless "ı" both fold to a plain "i", so "Isik", "IŞIK" and "ışık"
  all find "Işık": someone without a Turkish keyboard writes a plain i.
- A few letters that carry their mark inside them, and that a keyboard without them is
  typed as the plain letter, fold too: "ł" is "l", "đ" is "d", "ø" is "o".
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["folded", "search_words", "name_key", "TITLES"]

# Titles and degrees around a clinician's name: left out when names are compared or sorted.
TITLES = {"dr", "doctor", "md", "do", "np", "pa", "phd", "dnp", "pmhnp", "aprn", "prof"}

# Marks that sit on a letter (U+0300 to U+036F): dropping them turns "é" into "e" and
# keeps every other script's marks, such as the kana voicing marks, which NFC puts back.
_COMBINING_DIACRITICS = {code: None for code in range(0x0300, 0x0370)}
_PLAIN_LETTERS = str.maketrans({"ı": "i", "ł": "l", "đ": "d", "ø": "o"})


def folded(text: str) -> str:
    """`text` as search compares it: without case, accents or width."""
    if text.isascii():
        return text.casefold()  # the common case, without the cost of normalising
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = decomposed.translate(_COMBINING_DIACRITICS).translate(_PLAIN_LETTERS)
    return unicodedata.normalize("NFC", plain)


def search_words(search: str) -> list[str]:
    """The folded words of a search; a row matches when its text holds every one."""
    return folded(search).split()


def name_key(name: str) -> str:
    """A name as names are compared and sorted: 'Dr. Ann  LEE, MD' -> 'ann lee', 'Dr Anna
    Müller' -> 'anna muller', so that a title does not put every doctor under D."""
    words = re.sub(r"[^\w]+", " ", folded(name or "")).split()
    return " ".join(word for word in words if word not in TITLES)
