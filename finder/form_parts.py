"""Pieces the forms of every page share: choices from (value, label) pairs, and the form
behind confirm and undo buttons with `confirmed()`, the one check they all make."""

from typing import Callable

from flask import g
from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms.validators import Length, ValidationError

__all__ = ["as_choices", "ConfirmForm", "confirmed", "typed_values", "YearsBetween",
           "LIKELY_YEARS", "at_most"]


def as_choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 takes SelectChoice objects; finder's lists are (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class ConfirmForm(FlaskForm):
    """A form with only its token, for confirm and undo buttons."""


def confirmed() -> bool:
    """True when a confirm or undo button was pressed, with a valid form token.

    False when the page is only being shown, and when the token has expired (the page was
    open a long time, or finder restarted). Every view with such a button answers the
    second case the same way: nothing changes, and finder says so and asks to press the
    button again, on the confirm page itself (with what was ticked still ticked) or on a
    page that links back to where the button was. For that, the view is marked
    `replays_form_on_expired_token` (finder.security) and, when this is False, shows its
    confirm page or redirects to the button's page, as it would after a press.

    Also False when the view is run again after its save could not be written (a full
    disk: finder.errors), so that it answers the same way, writing nothing.
    """
    if g.get("write_failed"):
        return False
    return ConfirmForm().validate_on_submit()


def typed_values(form) -> list[tuple[str, str]]:
    """What was typed into a posted form, field by field (not its token, nor blanks), to
    show back when it could not be saved, so that nothing typed is lost."""
    return [(name, value) for name, value in form.items(multi=True)
            if name != "csrf_token" and isinstance(value, str) and value.strip()]


class YearsBetween:
    """A date field's check that its year is a likely one: a follow-up in year 1 or 9999 is
    a slip of the keyboard, which saved as it is would sort first or never come due.
    `last` may be a function, for a limit that moves with today."""

    def __init__(self, first: int, last: int | Callable[[], int], example: str = "2026-12-24"):
        self.first, self.last, self.example = first, last, example

    @property
    def message(self) -> str:
        return f"Enter a date between {self.first} and {self._last()}, like {self.example}."

    def __call__(self, form, field) -> None:
        if field.data and not self.first <= field.data.year <= self._last():
            raise ValidationError(self.message)

    def _last(self) -> int:
        return self.last() if callable(self.last) else self.last


# For the dates of calls and follow-ups.
LIKELY_YEARS = YearsBetween(2000, 2100)


def at_most(count: int) -> Length:
    """A length limit that says so in plain words, with how long the text is."""
    return Length(max=count, message=f"This can hold at most {count:,} characters; it has "
                                      "%(length)d. Shorten it, then save again.")
