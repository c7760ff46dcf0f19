"""Search without case, accents or width, in several scripts (finder.domain.search_text)."""

from __future__ import annotations

import pytest

from finder.domain.search_text import folded, search_words


def finds(search: str, text: str) -> bool:
    haystack = folded(text)
    return all(word in haystack for word in search_words(search))


@pytest.mark.parametrize("search, name", [
    ("Muller", "Dr Rosa Müller"),            # Latin with diacritics
    ("müller", "Dr Rosa Muller"),            # and the other way round
    ("MULLER", "Dr Rosa Müller"),
    ("jose garcia", "Dr José García"),
    ("francois", "Dr François Lefèvre"),
    ("nguyen", "Dr Nguyễn Văn An"),          # two marks on one letter
    ("strasse", "Praxis Straße 5"),          # casefold: ß is ss
    ("lukasz", "Dr Łukasz Wójcik"),          # a letter whose mark is part of it
    ("soren", "Dr Søren Kierkegaard"),
    ("dordevic", "Dr Đorđević"),
    ("παπαδοπουλος", "Dr Γιώργος Παπαδόπουλος"),  # Greek: tonos, final sigma
    ("ΠΑΠΑΔΌΠΟΥΛΟΣ", "Dr Γιώργος Παπαδόπουλος"),
    ("иванов", "Д-р Иван Иванов"),            # Cyrillic, case
    ("елкин", "Д-р Пётр Ёлкин"),              # ё written as е
    ("山田", "山田太郎クリニック"),            # Chinese characters, as they are
    ("クリニック", "山田太郎クリニック"),
    ("김민준", "김민준 정신건강의학과"),        # Korean syllables
    ("Muller", "Dr Ｍüｌｌｅｒ"),              # full-width letters
    ("isik", "Dr Ayşe Işık"),                 # Turkish dotless ı, typed as i
    ("IŞIK", "Dr Ayşe Işık"),
    ("istanbul", "İstanbul Klinik"),          # Turkish dotted İ
    ("ISTANBUL", "İstanbul Klinik"),
])
def test_a_search_finds_the_name_whatever_its_case_accents_or_script(search, name):
    assert finds(search, name)


@pytest.mark.parametrize("search, name", [
    ("muller", "Dr Rosa Miller"),             # a different letter is still different
    ("ガ", "カ"),                              # Japanese voicing marks are kept: other sounds
    ("山本", "山田太郎"),
    ("иванова", "Д-р Иван Иванов"),
])
def test_a_search_does_not_find_a_different_name(search, name):
    assert not finds(search, name)


def test_plain_ascii_text_is_only_lower_cased():
    assert folded("Dr Ann LEE, $300") == "dr ann lee, $300"


def test_search_words_are_folded_and_split_on_any_space():
    assert search_words("  Müller\u00a0ROSA ") == ["muller", "rosa"]
