"""Every row of a shared list checked before anything is imported: by the provider form's own
validators (so an imported provider obeys the same rules as one added by hand), and against
the providers already there and the rows above it for duplicates.

A row whose only problems are in fields other than the name (a phone number with a typo, a
website that is not one) can still be imported: those fields are left empty and kept, with
what the list said, as marks "to fix" on the provider."""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from finder.providers.forms import ProviderForm
from finder.transfer.columns import form_data
from finder.transfer.duplicates import DuplicateFinder
from finder.transfer.spreadsheet import ParsedCsv

__all__ = ["RowReview", "Review", "review_rows"]


# What a refused field becomes when it must hold something (as the add form starts).
EMPTY_VALUES = {"status": "to_call", "telemedicine": "unknown", "payment": "unknown"}


@dataclass
class RowReview:
    """One row: what it would store, what is wrong with it, and what it may repeat."""

    number: int
    shown: dict[str, str]
    record: dict | None = None
    errors: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    # Fields left empty because the list's value was refused: field -> {label, value, problem}
    to_fix: dict[str, dict] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.record is not None


@dataclass
class Review:
    rows: list[RowReview]

    @property
    def ready(self) -> list[RowReview]:
        """Valid rows that repeat nothing: imported unless the user says otherwise."""
        return [r for r in self.rows if r.valid and not r.duplicate_of]

    @property
    def duplicates(self) -> list[RowReview]:
        return [r for r in self.rows if r.valid and r.duplicate_of]

    @property
    def invalid(self) -> list[RowReview]:
        return [r for r in self.rows if not r.valid]

    @property
    def with_gaps(self) -> list[RowReview]:
        """Ready rows imported with a field left empty, to fix."""
        return [r for r in self.ready if r.to_fix]

    def to_import(self, anyway: set[int], with_gaps: set[int] | None = None) -> list[RowReview]:
        """The rows to import: the ready ones (those with a field to fix only if in
        `with_gaps`, when given), and duplicates the user chose to import."""
        def chosen(row: RowReview) -> bool:
            if row.duplicate_of:
                return row.number in anyway
            return not row.to_fix or with_gaps is None or row.number in with_gaps
        return [r for r in self.rows if r.valid and chosen(r)]


def review_rows(parsed: ParsedCsv, mapping: list[str], vocabulary,
                existing: list[dict]) -> Review:
    """Check every row of a parsed file under a column mapping."""
    choices = _FormChoices(vocabulary)
    duplicates = DuplicateFinder(existing)
    reviews = []
    for number, cells in parsed.rows:
        data = form_data(cells, mapping, vocabulary)
        form = ProviderForm(formdata=data, meta={"csrf": False})
        choices.apply(form)
        review = RowReview(number, {k: ", ".join(data.getlist(k)) for k in data})
        if not form.validate():
            problems = [(name, form[name].label.text, ", ".join(data.getlist(name)), errors)
                        for name, errors in form.errors.items()]
            form, review.to_fix = _without_refused_fields(problems, data, choices)
            if form is None:
                review.errors = [_error_words(*problem) for problem in problems]
        if form is not None:
            review.record = form.record()
            if review.to_fix:
                review.record["to_fix"] = review.to_fix
            review.duplicate_of = duplicates.check(review.record, f"row {number} of this file")
        reviews.append(review)
    return Review(reviews)


def _without_refused_fields(problems, data, choices) -> tuple[ProviderForm | None, dict]:
    """The row's form without the fields it refused, and what they held, when the name is
    not among them and the rest is then valid; else (None, {})."""
    refused = {name for name, *_ in problems}
    if "name" in refused:
        return None, {}
    kept = MultiDict([(key, value) for key, value in data.items(multi=True)
                      if key not in refused])
    for name in refused & EMPTY_VALUES.keys():
        kept[name] = EMPTY_VALUES[name]
    form = ProviderForm(formdata=kept, meta={"csrf": False})
    choices.apply(form)
    if not form.validate():
        return None, {}
    return form, {name: {"label": label, "value": value,
                         "problem": _problem_words(errors, value)}
                  for name, label, value, errors in problems}


class _FormChoices:
    """The provider form's choices, built once for a whole file rather than once a row."""

    def __init__(self, vocabulary):
        template = ProviderForm(formdata=None, meta={"csrf": False})
        template.set_choices(vocabulary)
        self.choices = {field.name: field.choices for field in template
                        if getattr(field, "choices", None) is not None}

    def apply(self, form: ProviderForm) -> None:
        for name, choices in self.choices.items():
            form[name].choices = choices


def _error_words(name: str, label: str, value: str, errors: list[str]) -> str:
    """'Phone: Enter a phone number …'."""
    return f"{label}: {_problem_words(errors, value)}"


def _problem_words(errors: list[str], value: str) -> str:
    """The form's messages, with the value named when it is not one of the choices or not a
    date (the form's own message does not say which value)."""
    words = []
    for error in errors:
        if "not a valid choice" in error.lower():
            error = f"“{value}” is not one finder knows. Change it in the file, or leave this " \
                    "column out."
        elif "not a valid date" in error.lower():
            error = f"“{value}” is not a date finder can read. Write dates as 2026-12-01."
        words.append(error)
    return " ".join(words)
