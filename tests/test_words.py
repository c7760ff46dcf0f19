"""Counts and dates in words (finder.domain.words), the same in Python and in templates."""

import pytest

from finder.domain.words import human_date, plural


@pytest.mark.parametrize("count, words", [
    (0, "0 providers"), (1, "1 provider"), (2, "2 providers"), (1200, "1,200 providers")])
def test_plural_says_the_count_with_the_noun_made_plural_unless_it_is_one(count, words):
    assert plural(count, "provider") == words


def test_plural_takes_the_plural_noun_when_an_s_is_not_enough():
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"


def test_templates_use_the_same_plural_as_python(app):
    template = app.jinja_env.from_string(
        "{{ n | plural('red flag') }}; {{ m | plural('person', 'people') }}")
    assert template.render(n=1, m=2) == "1 red flag; 2 people"
    assert template.render(n=3, m=1) == "3 red flags; 1 person"


def test_a_date_reads_as_words_and_anything_else_comes_back_as_it_was():
    assert human_date("2026-11-25") == "Wed 25 Nov 2026"
    assert human_date("next week") == "next week" and human_date(None) == ""
