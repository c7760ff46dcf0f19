"""The interview form, built from the checklist a call was filled against.

The form class is built from the checklist data (once per checklist), so a new question in
data/ needs no code or template change. Field names are those of finder.domain.interview_fields, so
the whole form (no JavaScript) and a single autosaved field are validated the same way.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (BooleanField, DateField, DateTimeLocalField, Form, RadioField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import Optional

from finder.domain.checklist import Checklist
from finder.form_parts import LIKELY_YEARS, as_choices, at_most

__all__ = ["interview_form", "stored_call_form", "end_status_choices", "field_value",
           "single_field_form"]

NOTE_LIMIT = 20_000
CALLED_AT_FORMAT = "%Y-%m-%dT%H:%M"


def _note(label: str) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), at_most(NOTE_LIMIT)])


def interview_form_class(checklist: Checklist, vocabulary) -> type[FlaskForm]:
    """A form class with one field per interview field of this checklist."""
    fields: dict[str, Any] = {
        "called_at": DateTimeLocalField("Date and time of the call", format=CALLED_AT_FORMAT,
                                        validators=[Optional(), LIKELY_YEARS]),
        "spoke_with": RadioField("Who answered", choices=as_choices(vocabulary.choices("call_roles")),
                                 validators=[Optional()]),
        "contact_name": StringField("Their name", validators=[Optional(), at_most(200)]),
        "outcome": RadioField("How the call ended", choices=as_choices(vocabulary.choices("call_outcomes")),
                              validators=[Optional()]),
        "follow_up_on": DateField("Follow-up date", validators=[Optional(), LIKELY_YEARS]),
        "notes": _note("Notes on this call"),
    }
    for question in checklist.questions.values():
        fields[f"answer-{question['id']}"] = RadioField(
            question["ask"], choices=as_choices((o["id"], o["label"]) for o in question["options"]),
            validators=[Optional()])
        fields[f"answer_note-{question['id']}"] = _note("What they said")
    for flag in checklist.red_flags.values():
        fields[f"flag-{flag['id']}"] = BooleanField(flag["label"])
        fields[f"flag_note-{flag['id']}"] = _note("What was said")
    for question in checklist.practical.values():
        fields[f"practical-{question['id']}"] = _practical_field(question, vocabulary)
        fields[f"practical_note-{question['id']}"] = _note("Note")
    return type("InterviewForm", (FlaskForm,), fields)


def _practical_field(question: dict, vocabulary):
    if question["kind"] == "choice":
        return RadioField(question["ask"], validators=[Optional()],
                          choices=as_choices((o["id"], o["label"]) for o in question["options"]))
    if question["kind"] == "states":
        return SelectMultipleField(question["ask"], choices=as_choices(vocabulary.state_choices()),
                                   validators=[Optional()])
    return StringField(question["ask"], validators=[Optional(), at_most(500)])


# Building the class (some 60 fields and their choices) took a third of the call screen's
# time, so each (checklist, vocabulary) pair builds it once. The classes are never changed
# after they are made, so sharing them between requests is safe.
# Keyed by identity (the objects are unhashable) and holding them, so an id is not reused
# while its entry lives; a lock, because waitress serves from several threads.
_FORM_CLASSES: OrderedDict[tuple[int, int], tuple[Checklist, Any, type]] = OrderedDict()
_FORM_CLASSES_LOCK = threading.Lock()


def cached_form_class(checklist: Checklist, vocabulary) -> type[FlaskForm]:
    """interview_form_class, remembered for the last few checklist and vocabulary pairs."""
    key = (id(checklist), id(vocabulary))
    with _FORM_CLASSES_LOCK:
        cached = _FORM_CLASSES.get(key)
        if cached is None or cached[0] is not checklist or cached[1] is not vocabulary:
            cached = (checklist, vocabulary, interview_form_class(checklist, vocabulary))
            _FORM_CLASSES[key] = cached
            while len(_FORM_CLASSES) > 16:
                _FORM_CLASSES.popitem(last=False)
        _FORM_CLASSES.move_to_end(key)
        return cached[2]


def interview_form(checklist: Checklist, vocabulary, formdata) -> FlaskForm:
    """The interview form holding what was posted."""
    return cached_form_class(checklist, vocabulary)(formdata=formdata)


def stored_call_form(checklist: Checklist, vocabulary, values: dict[str, Any]) -> FlaskForm:
    """The interview form holding a stored call's values (from interview_fields.read_fields),
    as the call screen shows them before anything is posted."""
    data = {name: _as_form_value(name, value) for name, value in values.items()}
    return cached_form_class(checklist, vocabulary)(formdata=None, data=data,
                                                    meta={"csrf": False})


def single_field_form(checklist: Checklist, vocabulary, name: str, value: Any) -> Form:
    """A form with only the field an autosave sends, holding its value: the field is the
    interview form's own, so it is checked exactly as when the whole form is posted."""
    values = value if isinstance(value, list) else [value]
    formdata = MultiDict([(name, "y" if v is True else str(v)) for v in values
                          if v not in (None, False)])
    field = getattr(cached_form_class(checklist, vocabulary), name)
    return type("FieldForm", (Form,), {name: field})(formdata=formdata)


def field_value(field) -> Any:
    """A field's value as stored: text trimmed and without NUL characters (a page cannot
    show them), dates as ISO text, states sorted."""
    data = field.data
    if field.type == "BooleanField":
        return bool(data)
    if field.type == "SelectMultipleField":
        return sorted(set(data or []))
    if field.type == "DateTimeLocalField":
        return data.strftime(CALLED_AT_FORMAT) if data else ""
    if field.type == "DateField":
        return data.isoformat() if data else ""
    return (data or "").replace("\x00", "").strip()


def _as_form_value(name: str, value: Any) -> Any:
    if name == "called_at":
        return _parse(dt.datetime.strptime, value, CALLED_AT_FORMAT)
    if name == "follow_up_on":
        return _parse(lambda text, _: dt.date.fromisoformat(text), value, None)
    return value


def _parse(parser, value, fmt):
    try:
        return parser(value, fmt) if value else None
    except (ValueError, TypeError):
        return None


def end_status_choices(vocabulary) -> list[tuple[str, str]]:
    """Choices for the status a provider moves to when a call ends."""
    return [("", "Based on how the call ended")] + vocabulary.choices("statuses")
