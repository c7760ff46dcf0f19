"""The schedule form: the drug, the starting dose, and what the clinician proposed, entered
as a rule chosen from lists, as the sentence they said, or as a list of doses.

Numbers are text fields, not number inputs: finder.domain.taper_schedule reads them and explains
what is wrong (a decimal comma, a unit typed in, a zero), which a browser's number input
would hide or refuse without a word. The arithmetic checks run after the field checks and
put each message on the field it concerns.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from finder.domain.schedule_inputs import (MODES, InputError, inputs_to_keep,
                                        proposal_from_inputs)
from finder.domain.taper_schedule import TaperData
from finder.form_parts import as_choices, at_most

__all__ = ["ScheduleForm", "schedule_form", "UNIT_CHOICES", "INTERVAL_CHOICES"]

UNIT_CHOICES = [
    ("mg", "mg"),
    ("percent", "% of the current dose"),
    ("percent_of_start", "% of the starting dose"),
]
INTERVAL_CHOICES = [("days", "days"), ("weeks", "weeks"), ("months", "months")]
_NUMBER_KW = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}


def _strip(text):
    return text.strip() if isinstance(text, str) else text


class ScheduleForm(FlaskForm):
    drug = SelectField("Drug", validate_choice=False)  # checked below, with a clearer message
    start_mg = StringField("Starting dose (mg)", filters=[_strip],
                           validators=[Optional(), at_most(40)], render_kw=_NUMBER_KW)
    mode = RadioField("How do you want to enter what they proposed?",
                      choices=as_choices(MODES), default="rule")
    amount = StringField("Reduce by", filters=[_strip], validators=[Optional(), at_most(40)],
                         render_kw=_NUMBER_KW)
    unit = SelectField("Measured as", choices=as_choices(UNIT_CHOICES), default="mg")
    every = StringField("Every", filters=[_strip], validators=[Optional(), at_most(40)],
                        render_kw=_NUMBER_KW)
    interval_unit = SelectField("Days, weeks or months", choices=as_choices(INTERVAL_CHOICES),
                                default="weeks")
    hold_on_flares = BooleanField("They said the dose is held during a flare")
    rule_text = StringField("The rule, as they said it", filters=[_strip],
                            validators=[Optional(), at_most(500)],
                            render_kw={"autocomplete": "off"})
    doses = TextAreaField("The doses in mg, in order", validators=[Optional(), at_most(10_000)],
                          render_kw={"rows": 3, "spellcheck": "false"})

    proposal = None  # set by validate() when the inputs make a schedule

    def __init__(self, *args, taper_data: TaperData, **kwargs):
        super().__init__(*args, **kwargs)
        self.taper_data = taper_data
        self.drug.choices = as_choices(
            [("", "Choose the drug")]
            + [(drug.id, drug.display_name) for drug in taper_data.drugs.values()])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            self.proposal = proposal_from_inputs(self.taper_data, self.inputs())
        except InputError as error:
            self[error.field].errors.append(error.message)
            return False
        return True

    def inputs(self) -> dict[str, Any]:
        """The inputs the chosen way of entering uses, as typed (what a call keeps)."""
        return inputs_to_keep({name: self[name].data for name in (
            "drug", "start_mg", "mode", "amount", "unit", "every", "interval_unit",
            "hold_on_flares", "rule_text", "doses")})


def schedule_form(taper_data: TaperData, inputs: dict | None = None, **kwargs) -> ScheduleForm:
    """A schedule form, filled from stored inputs when given (and no form data are sent)."""
    return ScheduleForm(data=inputs, taper_data=taper_data, **kwargs)
