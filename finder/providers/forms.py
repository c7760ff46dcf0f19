"""The provider form: who a clinician is, how to reach them, and where they stand."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, RadioField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Optional, ValidationError

from finder.form_parts import LIKELY_YEARS, as_choices, at_most

__all__ = ["ProviderForm", "provider_form", "normalise_website", "is_web_address",
           "parse_tags", "marks_left"]

PHONE_CHARACTERS = re.compile(r"^[0-9+()\-.\s/x]*(ext\.?\s*[0-9]+)?$", re.IGNORECASE)
MAX_TAGS = 20


def normalise_website(text: str) -> str:
    """Add https:// to a bare address such as drsmith.com, so it can be a link."""
    text = (text or "").strip()
    if text and "://" not in text:
        text = "https://" + text
    return text


def parse_tags(text: str) -> list[str]:
    """Tags from comma-separated text, trimmed, without repeats, in the order typed."""
    tags = [" ".join(part.split())[:40] for part in (text or "").split(",")]
    return list(dict.fromkeys(tag for tag in tags if tag))[:MAX_TAGS]


def _strip(text):
    return text.strip() if isinstance(text, str) else text


def _phone(form, field) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_CHARACTERS.match(value) or not 7 <= digits <= 20:
        raise ValidationError("Enter a phone number with its digits, for example 555-123-4567 "
                              "or +1 555 123 4567 ext 12.")


def is_web_address(value: str) -> bool:
    """True for an http or https address with a host name, as a link may safely hold (never
    javascript: or data:)."""
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" reads as a broken IPv6 address
        return False
    return parts.scheme in ("http", "https") and "." in parts.netloc \
        and not any(ch.isspace() or ord(ch) < 32 for ch in value)


def _website(form, field) -> None:
    value = normalise_website(field.data)
    if not value:
        return
    if not is_web_address(value):
        raise ValidationError("Enter a web address such as drsmith.com or "
                              "https://www.clinic.org/team.")


def _tags(form, field) -> None:
    if len((field.data or "").split(",")) > MAX_TAGS:
        raise ValidationError(f"Use at most {MAX_TAGS} tags.")


class ProviderForm(FlaskForm):
    name = StringField("Name", filters=[_strip],
                       validators=[DataRequired("Enter the clinician's name."), at_most(200)])
    practice = StringField("Practice or clinic", validators=[Optional(), at_most(200)])
    specialty = SelectField("Specialty", validators=[Optional()])
    phone = StringField("Phone", validators=[Optional(), at_most(40), _phone],
                        render_kw={"type": "tel", "autocomplete": "off"})
    website = StringField("Website", validators=[Optional(), at_most(500), _website],
                          render_kw={"inputmode": "url"})
    city = StringField("City or town", validators=[Optional(), at_most(120)])
    state = SelectField("State", validators=[Optional()])
    telemedicine = RadioField("Video visits", default="unknown")
    telemedicine_states = SelectMultipleField("States covered by video", validators=[Optional()])
    payment = RadioField("Insurance or self-pay", default="unknown")
    insurance_plans = StringField("Plans taken, or cost", validators=[Optional(), at_most(300)])
    referral_source = SelectField("How you heard of them", validators=[Optional()])
    referral_detail = StringField("Who suggested them, or where", validators=[
        Optional(), at_most(300)])
    status = SelectField("Status")
    follow_up_on = DateField("Follow-up date", validators=[Optional(), LIKELY_YEARS],
                             render_kw={"autocomplete": "off"})
    tags = StringField("Your tags", validators=[Optional(), at_most(600), _tags])
    notes = TextAreaField("Notes", validators=[Optional(), at_most(20000)])
    # Shown only for a provider with fields marked "to fix" by an import.
    clear_to_fix = BooleanField("Clear the “to fix” marks, even for a field left empty")

    def set_choices(self, vocabulary) -> None:
        unknown = [("", "Not known")]
        self.specialty.choices = as_choices(unknown + vocabulary.choices("specialties"))
        self.state.choices = as_choices(unknown + vocabulary.state_choices())
        self.telemedicine.choices = as_choices(vocabulary.choices("telemedicine"))
        self.telemedicine_states.choices = as_choices(vocabulary.state_choices())
        self.payment.choices = as_choices(vocabulary.choices("payment"))
        self.referral_source.choices = as_choices(unknown + vocabulary.choices("referral_sources"))
        self.status.choices = as_choices(vocabulary.choices("statuses"))

    def record(self) -> dict:
        """The stored fields, cleaned up."""
        data = {name: (self[name].data or "") for name in (
            "name", "practice", "specialty", "phone", "city", "state", "telemedicine",
            "payment", "insurance_plans", "referral_source", "referral_detail", "status",
            "notes")}
        data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        data["website"] = normalise_website(self.website.data)
        data["telemedicine_states"] = sorted(set(self.telemedicine_states.data or []))
        data["follow_up_on"] = self.follow_up_on.data.isoformat() if self.follow_up_on.data else ""
        data["tags"] = parse_tags(self.tags.data)
        return data


def marks_left(marks: dict, saved: dict, clear_all: bool) -> dict:
    """The "to fix" marks an import left that a saved edit does not settle: a mark goes once
    its field holds something, or when the user clears every mark."""
    if clear_all:
        return {}
    return {name: mark for name, mark in marks.items()
            if saved.get(name) in (None, "", [], "unknown")}


def provider_form(vocabulary, record: dict | None = None, **kwargs) -> ProviderForm:
    """A provider form with its choices, filled from a stored record when given."""
    data = None
    if record is not None:
        data = dict(record)
        data["tags"] = ", ".join(record.get("tags") or [])
        data["follow_up_on"] = _date_or_none(record.get("follow_up_on"))
    form = ProviderForm(data=data, **kwargs)
    form.set_choices(vocabulary)
    return form


def _date_or_none(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
