"""CSV reading and writing, column guessing, cell reading and duplicate keys: pure, no app."""

from __future__ import annotations

import csv
import io

import pytest

from finder.content import load_content
from finder.transfer.columns import form_data, guess_mapping, mapping_problems
from finder.transfer.duplicates import DuplicateFinder, name_key, phone_key
from finder.transfer.spreadsheet import CsvProblem, neutralise, read_csv, restore_cell, write_csv
from support import REPO

VOCABULARY = load_content(REPO / "data").vocabulary


# -- writing ------------------------------------------------------------------------------


@pytest.mark.parametrize("cell, written", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1 555 123 4567", "'+1 555 123 4567"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("Dr Ann Lee", "Dr Ann Lee"),
    ("2026-11-25 To call", "2026-11-25 To call"),
    ("", ""),
    ("a=b", "a=b"),
])
def test_formula_cells_are_neutralised(cell, written):
    assert neutralise(cell) == written
    assert restore_cell(written) == cell


def test_an_apostrophe_the_user_typed_is_kept():
    assert restore_cell("'Tis the season") == "'Tis the season"


def test_written_csv_is_utf8_with_a_bom_and_every_cell_neutralised():
    content = write_csv(["Name", "Notes"], [["=1+1", "Zoë, “quoted”\nsecond line"]])
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows == [["Name", "Notes"], ["'=1+1", "Zoë, “quoted”\nsecond line"]]


# -- reading ------------------------------------------------------------------------------


def test_a_plain_list_is_read_with_spreadsheet_row_numbers():
    parsed = read_csv(b"Name,Phone\r\nDr A,555-123-4567\r\n\r\nDr B,\r\n")
    assert parsed.header == ["Name", "Phone"]
    assert parsed.rows == [(2, ["Dr A", "555-123-4567"]), (4, ["Dr B", ""])]


def test_bom_semicolons_tabs_and_quoted_newlines_are_understood():
    assert read_csv("\ufeffName;Notes\nDr A;x".encode()).rows == [(2, ["Dr A", "x"])]
    assert read_csv(b"Name\tNotes\nDr A\tx").rows == [(2, ["Dr A", "x"])]
    parsed = read_csv(b'Name,Notes\n"Dr A","line one\nline two"\nDr B,y\n')
    assert parsed.rows == [(2, ["Dr A", "line one\nline two"]), (3, ["Dr B", "y"])]


def test_trailing_empty_cells_beyond_the_header_are_dropped():
    assert read_csv(b"Name,Phone\nDr A,555,,\n").rows == [(2, ["Dr A", "555"])]


@pytest.mark.parametrize("raw, words", [
    (b"", "The file is empty"),
    (b"   \n\n", "The file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not plain text"),
    (b"PK\x03\x04\x14\x00\x06\x00", "not plain text"),
    ("Name\nZoë\n".encode("latin-1"), "not UTF-8 text"),
    (b",,,\n,,\n", "no header row"),
    (b"Name,Phone\n", "a header row but no providers"),
    (b"Name,Phone\nDr A,555,extra\n", "Row 2 has 3 cells but the header has 2 columns"),
    (b"Name,Phone,City\nDr A,555\n", "Row 2 has 2 cells but the header has 3 columns"),
    (b'Name,Notes\nDr A,"unclosed\n', "could not be read as CSV"),
    (b'{"format": "finder-export"}', r"finder data file \(JSON\)"),
])
def test_unreadable_files_are_refused_with_a_reason(raw, words):
    with pytest.raises(CsvProblem, match=words):
        read_csv(raw)


def test_wrong_widths_name_the_rows():
    raw = b"Name,Phone\n" + b"".join(b"Dr %d,1,2\n" % n for n in range(10))
    with pytest.raises(CsvProblem) as caught:
        read_csv(raw)
    assert "Row 2 has 3 cells" in str(caught.value)
    assert "(and rows 3, 4, 5, 6, 7, …)" in str(caught.value)


def test_too_many_columns_are_refused():
    with pytest.raises(CsvProblem, match="The first row has 101 columns"):
        read_csv((",".join(f"c{n}" for n in range(101)) + "\n" + "x," * 100 + "x\n").encode())


def test_too_many_rows_are_refused():
    raw = b"Name\n" + b"".join(b"Dr %d\n" % n for n in range(5001))
    with pytest.raises(CsvProblem, match="more than 5,000 rows"):
        read_csv(raw)
    assert len(read_csv(b"Name\n" + b"".join(b"Dr %d\n" % n for n in range(5000))).rows) == 5000


# -- columns ------------------------------------------------------------------------------


def test_the_mapping_is_guessed_from_header_names():
    header = ["Clinician", "Tel.", "Clinic", "Town", "ST", "Web site", "Speciality",
              "Comments", "Tags", "Telehealth", "Shoe size", "Name"]
    assert guess_mapping(header) == [
        "name", "phone", "practice", "city", "state", "website", "specialty", "notes",
        "tags", "telemedicine", "", ""]  # a second name column is not guessed


def test_notes_and_tags_may_take_several_columns():
    assert guess_mapping(["Name", "Notes", "Comments", "Tags", "Labels"]) == [
        "name", "notes", "notes", "tags", "tags"]
    assert mapping_problems(["name", "notes", "notes", "tags", "tags"]) == []


def test_a_mapping_needs_a_name_and_each_field_once():
    assert "name" in mapping_problems(["phone", ""])[0]
    problems = mapping_problems(["name", "phone", "phone"])
    assert problems == ["Columns 2 and 3 both go into “Phone”. Choose one, and set the other "
                        "to “Leave out”."]


def test_cells_are_read_generously():
    mapping = ["name", "state", "specialty", "telemedicine", "telemedicine_states", "payment",
               "referral_source", "status", "tags", "notes", "notes"]
    data = form_data(["  Dr A ", "oregon", "Psychiatrist", "Telehealth", "CA; Oregon WA",
                      "Self-pay", "benzobuddies", "Waiting for call back", "near; far",
                      "first", "second"], mapping, VOCABULARY)
    assert data["name"] == "Dr A"
    assert data["state"] == "OR"
    assert data["specialty"] == "psychiatry"
    assert data["telemedicine"] == "yes"
    assert data.getlist("telemedicine_states") == ["CA", "OR", "WA"]
    assert data["payment"] == "self_pay"
    assert data["referral_source"] == "benzobuddies"
    assert data["status"] == "waiting"
    assert data["tags"] == "near, far"
    assert data["notes"] == "first\nsecond"


def test_empty_cells_get_the_add_forms_defaults_and_unknown_values_stay_for_the_form():
    data = form_data(["Dr A", "", "Narnia", "perhaps"], ["name", "status", "state",
                                                         "telemedicine"], VOCABULARY)
    assert data["status"] == "to_call"
    assert data["payment"] == "unknown"
    assert data["state"] == "Narnia"       # the form refuses it, with the row
    assert data["telemedicine"] == "perhaps"


def test_neutralised_cells_from_an_export_are_read_back():
    data = form_data(["Dr A", "'+1 555 123 4567"], ["name", "phone"], VOCABULARY)
    assert data["phone"] == "+1 555 123 4567"


# -- duplicates ---------------------------------------------------------------------------


def test_names_and_phones_are_compared_by_what_identifies_them():
    assert name_key("Dr. Ann  LEE, MD") == name_key("ann lee") == "ann lee"
    assert name_key("Dr Anna Müller") == name_key("ANNA MULLER") == "anna muller"
    assert phone_key("+1 (555) 123-4567") == phone_key("555.123.4567") == "5551234567"
    assert phone_key("555-123-4567 ext 12") == "5551234567"
    assert phone_key("") == ""


def test_a_duplicate_is_the_same_name_and_phone_or_the_same_name_without_a_phone():
    finder = DuplicateFinder([{"name": "Dr Ann Lee", "phone": "555-123-4567"},
                              {"name": "Dr Old", "phone": "", "deleted_at": "2026-01-01"}])
    assert finder.check({"name": "Ann Lee", "phone": "(555) 123 4567"}, "row 2") == (
        "Dr Ann Lee (already on your shortlist)")
    assert finder.check({"name": "Dr Ann Lee", "phone": "555-999-0000"}, "row 3") is None
    assert finder.check({"name": "Dr Ann Lee", "phone": ""}, "row 4") == (
        "Dr Ann Lee (already on your shortlist)")
    assert finder.check({"name": "Dr Old", "phone": "555-000-1111"}, "row 5") == (
        "Dr Old (in the trash)")
    assert finder.check({"name": "Dr New", "phone": ""}, "row 6") is None
    assert finder.check({"name": "DR NEW", "phone": ""}, "row 7") == "row 6"


def test_a_name_typed_without_its_accents_is_the_same_clinician():
    # Seen by hand: a shared list spelled "Muller" for a "Müller" already on the shortlist,
    # with the same phone, and the row was offered as new.
    finder = DuplicateFinder([{"name": "Dr Anna Müller", "phone": "(503) 555-0142"}])
    assert finder.check({"name": "Dr Anna Muller", "phone": "503-555-0142"}, "row 2") == (
        "Dr Anna Müller (already on your shortlist)")
