"""The import and export forms: uploading a list or a data file, and choosing where each
column of a list goes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from finder.form_parts import as_choices
from finder.transfer.columns import IGNORE, TARGETS

__all__ = ["ListUploadForm", "DataFileUploadForm", "mapping_form", "column_field_name"]


class ListUploadForm(FlaskForm):
    list_file = FileField("Your list (a CSV file)", validators=[
        FileRequired("Choose the file first: press “Choose file” or “Browse”.")])


class DataFileUploadForm(FlaskForm):
    data_file = FileField("Your finder data file (.json)", validators=[
        FileRequired("Choose the file first: press “Choose file” or “Browse”.")])


def column_field_name(index: int) -> str:
    return f"column_{index}"


def mapping_form(header: list[str], samples: list[list[str]], formdata=None,
                 guessed: list[str] | None = None) -> FlaskForm:
    """A form with one choice per column of the list: which field it goes into, or none.
    It travels in the query string (it changes nothing), so it has no token."""
    choices = as_choices([(IGNORE, "Leave out")] + TARGETS)

    class MappingForm(FlaskForm):
        pass

    for index, title in enumerate(header):
        setattr(MappingForm, column_field_name(index), SelectField(
            f"Column {index + 1}: “{title or 'no title'}”", choices=choices,
            default=(guessed or [])[index] if guessed and index < len(guessed) else IGNORE))
    form = MappingForm(formdata=formdata, meta={"csrf": False})
    form.columns = [(form[column_field_name(i)], title, samples[i] if i < len(samples) else [])
                    for i, title in enumerate(header)]
    return form
