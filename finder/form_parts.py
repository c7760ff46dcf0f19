"""Pieces the forms of every page share: choices from (value, label) pairs, and the form
behind confirm and undo buttons with `confirmed()`, the one check they all make."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice

__all__ = ["as_choices", "ConfirmForm", "confirmed"]


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
    """
    return ConfirmForm().validate_on_submit()
