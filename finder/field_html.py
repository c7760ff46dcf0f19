"""HTML for form inputs, written directly for the common WTForms field types.

The call screen has some two hundred inputs; drawing them through WTForms' widgets, or through
a Jinja macro per input, made it several times slower than everything else on the page.
The output matches the widgets' (attributes sorted, the same ids and values), so the
templates' single field macro can use these for any field and fall back to the widget for
types not handled here.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask
from markupsafe import Markup, escape

__all__ = ["html_attributes", "input_html", "choice_inputs", "init_app"]

_INPUT_TYPES = {"StringField": "text", "DateField": "date",
                "DateTimeLocalField": "datetime-local", "PasswordField": "password"}


def html_attributes(attributes: Mapping[str, Any]) -> Markup:
    """ key="value" pairs, sorted; True gives a bare attribute, None and False none."""
    parts = []
    for key in sorted(attributes):
        value = attributes[key]
        if value is None or value is False:
            continue
        parts.append(f" {key}" if value is True else f' {key}="{escape(value)}"')
    return Markup("".join(parts))


def input_html(field, attributes: Mapping[str, Any] | None = None) -> Markup:
    """The input, textarea or select for one field."""
    kind = field.type
    extra = {**(field.render_kw or {}), "id": field.id, "name": field.name,
             **(attributes or {})}
    if kind == "TextAreaField":
        return Markup(f"<textarea{html_attributes(extra)}>\r\n{escape(field._value())}"
                      "</textarea>")
    if kind in _INPUT_TYPES:
        value = None if kind == "PasswordField" else field._value()
        return Markup(f"<input{html_attributes({'type': _INPUT_TYPES[kind], 'value': value, **extra})}>")
    if kind == "BooleanField":
        flags = {**extra, "type": "checkbox", "value": "y", "checked": bool(field.data)}
        return Markup(f"<input{html_attributes(flags)}>")
    if kind == "SelectField":
        options = "".join(
            f'<option {"selected " if field.data == choice.value else ""}'
            f'value="{escape(choice.value)}">{escape(choice.label)}</option>'
            for choice in field.choices)
        return Markup(f"<select{html_attributes(extra)}>{options}</select>")
    return field(**(attributes or {}))


def choice_inputs(field, attributes: Mapping[str, Any] | None = None,
                  label_class: str = "choice") -> Markup:
    """One labelled radio button per choice (RadioField), or one labelled checkbox per
    choice (SelectMultipleField, ids ending in the value)."""
    many = field.type == "SelectMultipleField"
    chosen = set(field.data or []) if many else {field.data}
    html = []
    for number, choice in enumerate(field.choices):
        option_id = f"{field.id}-{choice.value if many else number}"
        flags = {**(attributes or {}), "checked": choice.value in chosen, "id": option_id,
                 "name": field.name, "type": "checkbox" if many else "radio",
                 "value": choice.value}
        html.append(f'<label class="{label_class}" for="{escape(option_id)}">'
                    f"<input{html_attributes(flags)}> <span>{escape(choice.label)}</span>"
                    "</label>")
    return Markup("\n".join(html))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(input_html=input_html, choice_inputs=choice_inputs)
