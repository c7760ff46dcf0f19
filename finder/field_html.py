"""HTML for form fields: `render_field(field, hint=..., label=..., attrs=...)` in templates.

The call screen has some sixty fields and two hundred inputs. Drawn through WTForms'
widgets, or a Jinja macro per field, they made it several times slower than everything else
on the page. So each field's markup is drawn once per shape (its id, label, hint, choices,
attributes and errors) into a frame, and a request only puts the value in: the text typed,
or which choices are checked. The markup matches WTForms' widgets (attributes sorted, the
same ids and values); field types not handled here fall back to the widget.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Mapping, NamedTuple

from flask import Flask
from markupsafe import Markup, escape

__all__ = ["render_field", "field_frame", "field_errors", "html_attributes", "init_app"]

_TEXT_INPUT_TYPES = {"StringField": "text", "DateField": "date",
                     "DateTimeLocalField": "datetime-local", "PasswordField": "password"}
# type -> (class of the box around the choices, class of each choice's label)
_CHOICE_LISTS = {"RadioField": ("choices", "choice"),
                 "SelectMultipleField": ("choices choices--many", "choice choice--compact")}
_MANY = "SelectMultipleField"
# Stands where a value goes while a frame is drawn; never part of real markup.
_SLOT = "\x00slot\x00"


class FieldShape(NamedTuple):
    """Everything a field's markup depends on except its value. (A named tuple: it is made
    for every field on every page, and a frozen dataclass is several times slower to make.)"""

    kind: str
    field_id: str
    name: str
    label: str
    hint: str | None
    class_: str
    attributes: tuple        # (name, value) pairs the template asked for
    render_kw: tuple         # (name, value) pairs the form declared
    choices: tuple           # (value, label) pairs, for choice fields
    errors: tuple


def render_field(field, hint=None, label=None, class_: str = "",
                 attrs: Mapping[str, Any] | None = None) -> Markup:
    """Any field with its label, hint and errors, the hint and errors tied to it for screen
    readers. A group of choices is a fieldset whose legend is the label."""
    return Markup(field_frame(field, hint, label, class_, attrs)(field))


def field_frame(field, hint=None, label=None, class_: str = "",
                attrs: Mapping[str, Any] | None = None) -> Callable[[Any], str]:
    """What render_field draws this field with, as a function of the field (for its value):
    the same for any field of this shape, whatever its value."""
    choices = getattr(field, "choices", None)
    render_kw, errors = field.render_kw, field.errors
    shape = FieldShape(
        field.type, field.id, field.name, _without_nul(label or field.label.text),
        _without_nul(hint) or None, class_,
        tuple(attrs.items()) if attrs else (),
        tuple(render_kw.items()) if render_kw else (),
        tuple([(c.value, c.label) for c in choices]) if choices else (),
        tuple(_without_nul(error) for error in errors) if errors else ())
    if errors or len(shape.label) + len(shape.hint or "") > _LONGEST_KEPT_TEXT:
        # Errors can quote what was posted and hints what was typed before: drawn each
        # time, so that a cached frame never holds a visitor's text.
        return _Frame(shape)
    return _frame(shape)


_LONGEST_KEPT_TEXT = 300


def _without_nul(text):
    # Labels, hints and errors may quote what someone typed or imported; a NUL (never
    # valid in HTML anyway) must not pass for the _SLOT a frame is cut at.
    return text.replace("\x00", "") if isinstance(text, str) else text


def field_errors(field) -> Markup:
    """The field's errors as a list a screen reader reaches from the field; nothing if none."""
    return Markup(_errors_html(field.id, tuple(field.errors or ())))


def html_attributes(attributes: Mapping[str, Any]) -> str:
    """ key="value" pairs, sorted; True gives a bare attribute, None and False none."""
    parts = []
    for key in sorted(attributes):
        value = attributes[key]
        if value is None or value is False:
            continue
        parts.append(f" {key}" if value is True else f' {key}="{escape(value)}"')
    return "".join(parts)


# -- frames: a field's markup with a place for its value -----------------------------------


@lru_cache(maxsize=512)  # a few pages' fields, with the hints and errors they have had
def _frame(shape: FieldShape) -> Callable[[Any], str]:
    """A function from the field (for its value) to its markup."""
    return _Frame(shape)


class _Frame:
    """A field's markup as a function of its value. It keeps the markup of a few short values
    too: most fields of most calls are empty, or hold one of a handful of choices."""

    KEPT = 16

    def __init__(self, shape: FieldShape):
        self._head, self._tail = _around_input(shape).split(_SLOT)
        self._draw_input = _input_filler(shape)
        self._value_of = _VALUE_OF.get(shape.kind)
        self._kept: dict[Any, str] = {}

    def __call__(self, field) -> str:
        if self._value_of is None:  # drawn by a WTForms widget, from the field itself
            return f"{self._head}{self._draw_input(field)}{self._tail}"
        value = self._value_of(field)
        key = _short_value_key(value)
        html = self._kept.get(key) if key is not None else None
        if html is None:
            html = f"{self._head}{self._draw_input(value)}{self._tail}"
            if key is not None and len(self._kept) < self.KEPT:
                self._kept[key] = html
        return html


# What a field's input shows, by field type: the text typed, or the data chosen.
_VALUE_OF: dict[str, Callable[[Any], Any]] = {
    **{kind: (lambda field: field._value())
       for kind in ("StringField", "TextAreaField", "DateField", "DateTimeLocalField")},
    **{kind: (lambda field: field.data)
       for kind in ("RadioField", "SelectMultipleField", "SelectField", "BooleanField")},
    "PasswordField": lambda field: None,
}


def _short_value_key(value: Any) -> tuple | None:
    """A key for a value worth keeping the markup of, or None."""
    if value is None or isinstance(value, bool):
        return (type(value), value)
    if isinstance(value, str):
        return (str, value) if len(value) <= 64 else None
    if isinstance(value, (list, tuple)) and len(value) <= 4 and \
            all(isinstance(item, str) for item in value):
        return (list, tuple(value))
    return None


def _around_input(shape: FieldShape) -> str:
    """The field's label, hint, errors and box, with _SLOT where the input goes."""
    field_id, errors = shape.field_id, shape.errors
    label_text = escape(shape.label)
    describedby = _described_by(shape)
    hint_html = (f'<p class="hint" id="{escape(field_id)}-hint">{escape(shape.hint)}</p>'
                 if shape.hint else "")
    errors_html = _errors_html(field_id, errors)
    invalid = " field--invalid" if errors else ""
    html = [f'<div class="field field--{shape.kind.lower()} {shape.class_}{invalid}">']
    if shape.kind in _CHOICE_LISTS:
        box_class, _ = _CHOICE_LISTS[shape.kind]
        tied = f' aria-describedby="{escape(describedby)}"' if describedby else ""
        html += [f"<fieldset{tied}><legend>{label_text}</legend>", hint_html, errors_html,
                 f'<div class="{box_class}">', _SLOT, "</div></fieldset>"]
    elif shape.kind == "BooleanField":
        html += [f'<label class="choice choice--check" for="{escape(field_id)}">', _SLOT,
                 f" <span>{label_text}</span></label>", hint_html, errors_html]
    else:
        html += [f'<label for="{escape(field_id)}">{label_text}</label>', hint_html,
                 errors_html, _SLOT]
    html.append("</div>")
    return "\n".join(part for part in html if part)


def _described_by(shape: FieldShape) -> str:
    return " ".join(filter(None, [shape.hint and f"{shape.field_id}-hint",
                                  shape.errors and f"{shape.field_id}-errors"]))


def _errors_html(field_id: str, errors: tuple) -> str:
    if not errors:
        return ""
    items = "".join(f"<li>{escape(error)}</li>" for error in errors)
    return f'<ul class="field-errors" id="{escape(field_id)}-errors">{items}</ul>'


def _input_attributes(shape: FieldShape) -> dict[str, Any]:
    """The input's own attributes: the form's, its id and name, what ties it to its hint and
    errors, then the template's."""
    describedby = _described_by(shape)
    return {**dict(shape.render_kw), "id": shape.field_id, "name": shape.name,
            **({"aria-describedby": describedby} if describedby else {}),
            **({"aria-invalid": "true"} if shape.errors else {}), **dict(shape.attributes)}


def _input_filler(shape: FieldShape) -> Callable[[Any], str]:
    """A function from the value (see _VALUE_OF) to the input's markup."""
    kind = shape.kind
    if kind in _CHOICE_LISTS:
        return _choices_filler(shape)
    extra = _input_attributes(shape)
    if kind == "TextAreaField":
        return _text_filler(f"<textarea{html_attributes(extra)}>\r\n{_SLOT}</textarea>")
    if kind == "PasswordField":
        markup = f"<input{html_attributes({'type': 'password', **extra})}>"
        return lambda value: markup
    if kind in _TEXT_INPUT_TYPES:
        return _text_filler(
            f"<input{html_attributes({'type': _TEXT_INPUT_TYPES[kind], 'value': _SLOT, **extra})}>")
    if kind == "BooleanField":
        box = {**extra, "type": "checkbox", "value": "y"}
        off, on = (f"<input{html_attributes({**box, 'checked': checked})}>"
                   for checked in (False, True))
        return lambda value: on if value else off
    if kind == "SelectField":
        return _select_filler(shape, html_attributes(extra))
    attributes = dict(shape.attributes)
    return lambda field: field(**attributes)  # a WTForms widget, for any other type


def _text_filler(markup: str) -> Callable[[Any], str]:
    before, after = markup.split(_SLOT)
    return lambda text: f"{before}{escape(text)}{after}"


def _choices_filler(shape: FieldShape) -> Callable[[Any], str]:
    """One labelled radio button per choice, or one labelled checkbox per choice (ids ending
    in the value), each drawn checked and not."""
    many = shape.kind == _MANY
    _, label_class = _CHOICE_LISTS[shape.kind]
    drawn = []
    for number, (value, label) in enumerate(shape.choices):
        option_id = f"{shape.field_id}-{value if many else number}"
        flags = {**dict(shape.attributes), "id": option_id, "name": shape.name,
                 "type": "checkbox" if many else "radio", "value": value}
        drawn.append((value, *(
            f'<label class="{label_class}" for="{escape(option_id)}">'
            f"<input{html_attributes({**flags, 'checked': checked})}> <span>{escape(label)}</span>"
            "</label>" for checked in (False, True))))

    def fill(data) -> str:
        chosen = set(data or []) if many else {data}
        return "\n".join(on if value in chosen else off for value, off, on in drawn)
    return fill


def _select_filler(shape: FieldShape, attributes: str) -> Callable[[Any], str]:
    drawn = [(value, *(f'<option {"selected " * selected}value="{escape(value)}">'
                       f"{escape(label)}</option>" for selected in (False, True)))
             for value, label in shape.choices]

    def fill(data) -> str:
        options = "".join(on if data == value else off for value, off, on in drawn)
        return f"<select{attributes}>{options}</select>"
    return fill


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(render_field=render_field, field_errors=field_errors)
