"""Every row of a shared list checked before anything is imported: by the provider form's own
validators (so an imported provider obeys the same rules as one added by hand), and against
the providers already there and the rows above it for duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field

from finder.providers.forms import ProviderForm
from finder.transfer.columns import form_data
from finder.transfer.duplicates import DuplicateFinder
from finder.transfer.spreadsheet import ParsedCsv

__all__ = ["RowReview", "Review", "review_rows"]


@dataclass
class RowReview:
    """One row: what it would store, what is wrong with it, and what it may repeat."""

    number: int
    shown: dict[str, str]
    record: dict | None = None
    errors: list[str] = field(default_factory=list)
    duplicate_of: str | None = None

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

    def to_import(self, anyway: set[int]) -> list[RowReview]:
        """The rows to import: the ready ones, and duplicates the user chose to import."""
        return [r for r in self.rows
                if r.valid and (not r.duplicate_of or r.number in anyway)]


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
        if form.validate():
            review.record = form.record()
            review.duplicate_of = duplicates.check(review.record, f"row {number} of this file")
        else:
            review.errors = [_error_words(form, name, errors, data)
                             for name, errors in form.errors.items()]
        reviews.append(review)
    return Review(reviews)


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


def _error_words(form: ProviderForm, name: str, errors: list[str], data) -> str:
    """'Phone: Enter a phone number …', with the value named when it is not one of the
    choices (the form's own message does not say which value)."""
    label = form[name].label.text
    value = ", ".join(data.getlist(name))
    words = []
    for error in errors:
        if "not a valid choice" in error.lower():
            error = f"“{value}” is not one finder knows. Change it in the file, or leave this " \
                    "column out."
        elif "not a valid date" in error.lower():
            error = f"“{value}” is not a date finder can read. Write dates as 2026-12-01."
        words.append(error)
    return f"{label}: {' '.join(words)}"
