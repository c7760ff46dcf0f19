"""Choices for WTForms select and radio fields, from (value, label) pairs."""

from wtforms import SelectChoice

__all__ = ["as_choices"]


def as_choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 takes SelectChoice objects; finder's lists are (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
