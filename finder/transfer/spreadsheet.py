"""CSV files in and out, safely. Pure module: no Flask.

Writing: every cell that a spreadsheet would run as a formula (one beginning with =, +, -, @,
a tab or a carriage return) gets a leading apostrophe, so opening an exported list can never
run anything. A byte-order mark tells spreadsheet programs the file is UTF-8.

Reading: a shared list is checked as a whole before any row is looked at — text, not binary;
UTF-8; not empty; a header row; at most MAX_ROWS rows; every row as wide as the header — and
each refusal says what to do about it.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator
from dataclasses import dataclass

from finder.domain.words import plural

__all__ = ["CsvProblem", "ParsedCsv", "MAX_ROWS", "MAX_COLUMNS", "neutralise", "restore_cell", "write_csv",
           "read_csv"]

MAX_ROWS = 5000
MAX_COLUMNS = 100
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = (",", ";", "\t")
SAVE_AS_CSV = ("In your spreadsheet program, choose “Save as” or “Download”, pick "
               "“CSV UTF-8” (or “Comma-separated values”), and choose that file.")


class CsvProblem(ValueError):
    """The file cannot be read as a list; the message says why and what to do."""


@dataclass(frozen=True)
class ParsedCsv:
    """A checked file: its header cells and its data rows as (row number, cells). Row
    numbers count as a spreadsheet does: the header is row 1."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restore_cell(cell: str) -> str:
    """Undo `neutralise` on a cell read back from a file finder exported."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def write_csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    """A CSV file (UTF-8 with a byte-order mark, CRLF line ends) with every cell neutralised."""
    return b"".join(csv_chunks(header, rows))


def csv_chunks(header: list[str], rows: Iterable[list[str]],
               rows_per_chunk: int = 200) -> Iterator[bytes]:
    """The same file in pieces, so a long list can be sent without holding all of it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(cell) for cell in header])
    prefix = "\ufeff"
    for number, row in enumerate(rows, start=1):
        writer.writerow([neutralise(str(cell)) for cell in row])
        if number % rows_per_chunk == 0:
            yield (prefix + buffer.getvalue()).encode("utf-8")
            prefix = ""
            buffer.seek(0)
            buffer.truncate()
    yield (prefix + buffer.getvalue()).encode("utf-8")


def read_csv(raw: bytes, max_rows: int = MAX_ROWS) -> ParsedCsv:
    """Check and parse an uploaded file; raise CsvProblem naming the first thing wrong."""
    text = _decode(raw)
    if text.lstrip().startswith("{"):
        raise CsvProblem("This looks like a finder data file (JSON), not a list. To bring back "
                         "all your data from it, use “Restore from a data file” instead.")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, or a row of empty cells
            if header is None:
                header = [cell.strip() for cell in cells]
                if len(header) > MAX_COLUMNS:
                    raise CsvProblem(
                        f"The first row has {len(header):,} columns; finder reads lists of up "
                        f"to {MAX_COLUMNS}. Check that the first row names the columns, or "
                        "delete the columns you do not need.")
                continue
            rows.append((number, cells))
            if len(rows) > max_rows:
                raise CsvProblem(
                    f"This file has more than {max_rows:,} rows. finder imports up to "
                    f"{max_rows:,} at a time: split the list into smaller files and import "
                    "each one.")
    except csv.Error as error:
        raise CsvProblem(f"Row {number + 1} could not be read as CSV ({error}). A cell may "
                         "have a quote mark that is not closed. " + SAVE_AS_CSV) from error
    if header is None:
        raise CsvProblem("The file has no header row. The first row should name the columns, "
                         "for example: Name, Phone, Practice, City, State.")
    if not rows:
        raise CsvProblem("The file has a header row but no providers under it.")
    return ParsedCsv(header, _check_widths(header, rows))


def _decode(raw: bytes) -> str:
    if not raw.strip():
        raise CsvProblem("The file is empty. Choose the file again, or check that the list was "
                         "saved before exporting it.")
    if b"\x00" in raw[:65536]:
        raise CsvProblem("This file is not a CSV file: it is not plain text (it may be a "
                         "spreadsheet, a PDF or a picture). " + SAVE_AS_CSV)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvProblem("This file is not UTF-8 text, so finder cannot read its letters "
                         f"safely (the first unreadable byte is at position {error.start}). "
                         + SAVE_AS_CSV) from error


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header line uses most (commas when none)."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _check_widths(header: list[str], rows: list[tuple[int, list[str]]]):
    """Rows trimmed to the header's width; refuse the file if a row has cells missing or
    extra cells with something in them (a sign of a missing quote around a comma)."""
    width = len(header)
    checked, wrong = [], []
    for number, cells in rows:
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        if len(cells) != width:
            wrong.append((number, len(cells)))
        checked.append((number, cells))
    if wrong:
        number, count = wrong[0]
        others = ", ".join(str(n) for n, _ in wrong[1:6])
        more = f" (and row{'s' * (len(wrong) > 2)} {others}{', …' if len(wrong) > 6 else ''})" \
            if others else ""
        raise CsvProblem(
            f"Row {number} has {plural(count, 'cell')} but the header has "
            f"{plural(width, 'column')}{more}. Every row needs one cell per column; a cell "
            "with a comma in it may be missing its quote marks. Fix the file in your "
            "spreadsheet program and choose it again.")
    return checked
