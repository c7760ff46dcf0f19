"""The medication timeline form: medicines, taper steps (repeating rows), symptoms, notes.

Rows are plain WTForms sub-forms in FieldLists; a row left blank is skipped, a row with
anything in it must make sense on its own. Every message is tied to its field.
"""

from __future__ import annotations

import datetime as dt
import re

from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import TextInput

from finder.domain.medication_timeline import DOSE_UNITS, parse_dose
from finder.form_parts import YearsBetween, as_choices, at_most

__all__ = ["TimelineForm", "timeline_form", "field_problems", "MAX_MEDICATIONS", "MAX_STEPS",
           "ROWS_ADDED"]

MAX_MEDICATIONS, MAX_STEPS = 6, 40
BLANK_MEDICATIONS, BLANK_STEPS, ROWS_ADDED = 1, 3, 4
EARLIEST_YEAR = 1930
DATE_HINT = "Enter a date as year-month-day, like 2024-03-14."
# A year of the wrong length, in a date otherwise shaped as one (a date picker lets 275760
# through): told apart so that the message speaks of the year, not of the shape.
ODD_YEAR = re.compile(r"(\d{1,3}|\d{5,})-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/(\d{1,3}|\d{5,})")


def latest_year() -> int:
    """The last year a date may fall in: next year, for a step planned ahead."""
    return dt.date.today().year + 1


YEARS = YearsBetween(EARLIEST_YEAR, latest_year, example="2024-03-14")


class PlainDateField(DateField):
    """A date typed as 2024-03-14 or 3/14/2024, in a plain text box, with a plain message
    when it is neither or its year is out of range.

    A text box, not a date picker: a picker sends nothing at all for a date it cannot hold
    (year 275760, or a day with no year), so it would be dropped without a word. Typed text
    always reaches finder, which can then say what is wrong and show it back."""

    widget = TextInput()

    def __init__(self, label, **kwargs):
        super().__init__(label, format=["%Y-%m-%d", "%m/%d/%Y"], validators=[Optional()],
                         **kwargs)

    def process_formdata(self, valuelist):
        typed = " ".join(valuelist).strip()
        try:
            super().process_formdata([typed] if valuelist else [])
        except ValueError:
            odd_year = ODD_YEAR.fullmatch(typed)
            raise ValueError(YEARS.message if odd_year else DATE_HINT) from None

    def pre_validate(self, form):
        YEARS(form, self)


class UnitField(SelectField):
    def __init__(self, label="Unit", **kwargs):
        super().__init__(label, choices=as_choices(DOSE_UNITS), default="mg", **kwargs)

    def pre_validate(self, form):
        if self.data not in dict(DOSE_UNITS):
            raise ValidationError("Choose mg, mcg or mL.")


def _dose(form, field) -> None:
    if (field.data or "").strip():
        try:
            parse_dose(field.data)
        except ValueError as problem:
            raise ValidationError(str(problem)) from None


class _Row(Form):
    """A repeating row: blank is fine; with anything typed, `required` must be filled."""

    required: tuple[tuple[str, str], ...] = ()

    def is_blank(self) -> bool:
        return not any((field.raw_data or [""])[0].strip() for field in self
                       if field.type != "UnitField")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.is_blank():
            return valid
        for name, message in self.required:
            if not self[name].errors and not (self[name].raw_data or [""])[0].strip():
                self[name].errors.append(message)
                valid = False
        return valid


class MedicationRow(_Row):
    drug = StringField("Medicine", validators=[at_most(80)])
    dose = StringField("Dose", validators=[at_most(12), _dose])
    unit = UnitField()
    how_often = StringField("How often", validators=[at_most(60)])
    started_on = PlainDateField("Started")
    stopped_on = PlainDateField("Stopped")
    required = (("drug", "Enter the medicine's name, or clear this row."),)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        start, stop = self.started_on.data, self.stopped_on.data
        if start and stop and stop < start and not self.stopped_on.errors:
            self.stopped_on.errors.append("The stop date is before the start date.")
            valid = False
        return valid

    def record(self) -> dict:
        return {"drug": _text(self.drug), "dose": _dose_text(self.dose.data),
                "unit": self.unit.data, "how_often": _text(self.how_often),
                "started_on": _iso(self.started_on.data), "stopped_on": _iso(self.stopped_on.data)}


class StepRow(_Row):
    on = PlainDateField("Date")
    dose = StringField("Dose", validators=[at_most(12), _dose])
    unit = UnitField()
    note = StringField("Note", validators=[at_most(120)])
    required = (("on", "Enter the date of this step, or clear the row."),
                ("dose", "Enter the dose taken from this date, or clear the row."))

    def record(self) -> dict:
        return {"on": _iso(self.on.data), "dose": _dose_text(self.dose.data),
                "unit": self.unit.data, "note": _text(self.note)}


def _text(field) -> str:
    return (field.data or "").strip()


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _dose_text(text: str | None) -> str:
    return (text or "").strip().replace(",", ".")


class TimelineForm(FlaskForm):
    person = StringField("Your name (printed at the top)", validators=[at_most(120)])
    medications = FieldList(FormField(MedicationRow), label="Medicine",
                            max_entries=MAX_MEDICATIONS)
    steps = FieldList(FormField(StepRow), label="Taper step", max_entries=MAX_STEPS)
    symptom_onset = TextAreaField("When symptoms began, and what they were",
                                  validators=[Optional(), at_most(600)])
    symptom_course = TextAreaField("How the symptoms have gone since",
                                   validators=[Optional(), at_most(1500)])
    notes = TextAreaField("Anything else the clinician should know",
                          validators=[Optional(), at_most(1500)])

    def record(self) -> dict:
        """The timeline to store: blank rows left out, taper steps in date order."""
        medications = [e.form.record() for e in self.medications if not e.form.is_blank()]
        steps = [e.form.record() for e in self.steps if not e.form.is_blank()]
        return {"person": _text(self.person), "medications": medications,
                "steps": sorted(steps, key=lambda step: step["on"]),
                **{name: _text(self[name]) for name in ("symptom_onset", "symptom_course",
                                                        "notes")}}

    def add_blank_rows(self, medications: int, steps: int) -> None:
        """Room to type more: blank rows at the end, up to the limits."""
        for field, count, limit in ((self.medications, medications, MAX_MEDICATIONS),
                                    (self.steps, steps, MAX_STEPS)):
            for _ in range(max(0, min(count, limit - len(field.entries)))):
                field.append_entry()


def timeline_form(stored: dict | None = None, extra_step_rows: int = 0) -> TimelineForm:
    """The form: from the request when posted, else from the stored timeline, with blank
    rows to type into."""
    form = TimelineForm()
    if form.is_submitted():
        return form
    form = TimelineForm(formdata=None, data=_form_data(stored or {}))
    form.add_blank_rows(BLANK_MEDICATIONS, BLANK_STEPS + extra_step_rows)
    form.add_blank_rows(2 - len(form.medications.entries), 0)
    return form


def _form_data(stored: dict) -> dict:
    def day(text):
        return dt.date.fromisoformat(text) if text else None
    return {
        **{k: stored.get(k, "") for k in ("person", "symptom_onset", "symptom_course", "notes")},
        "medications": [dict(m, started_on=day(m.get("started_on")),
                             stopped_on=day(m.get("stopped_on")))
                        for m in stored.get("medications", [])],
        "steps": [dict(s, on=day(s.get("on"))) for s in stored.get("steps", [])],
    }


def field_problems(form: TimelineForm) -> list[tuple[str, str, str]]:
    """Every error as (field id, words naming the field, message), in page order."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            for number, entry in enumerate(field.entries, start=1):
                found += [(sub.id, f"{field.label.text} {number}, {sub.label.text.lower()}",
                           " ".join(sub.errors)) for sub in entry.form if sub.errors]
        elif field.errors and field.name != "csrf_token":
            found.append((field.id, field.label.text, " ".join(field.errors)))
    return found
