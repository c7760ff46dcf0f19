"""The medication timeline: its arithmetic (pure), its form (every bad input a calm 400 that
keeps what was typed), where it is stored, and its printed page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from finder.domain.medication_timeline import duration_words, is_empty, parse_dose, step_cuts

from support import csrf_token_from, form_values, submit_form

# -- arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, dose", [("0.5", "0.5"), ("0,5", "0.5"), (" .25 ", "0.25"),
                                         ("2", "2"), ("0.03125", "0.03125")])
def test_doses_are_read_as_typed(typed, dose):
    assert parse_dose(typed) == Decimal(dose)


@pytest.mark.parametrize("typed, words", [
    ("half", "as a number"), ("", "as a number"), ("1/2", "as a number"),
    ("0", "above 0"), ("-1", "above 0"), ("NaN", "above 0"), ("Infinity", "above 0"),
    ("20000", "too large"), ("0.000001", "at most 5 figures")])
def test_impossible_doses_say_what_is_wrong(typed, words):
    with pytest.raises(ValueError, match=words):
        parse_dose(typed)


def test_each_step_shows_the_share_of_the_dose_before_it_removed():
    steps = [{"dose": "2", "unit": "mg"}, {"dose": "1.8", "unit": "mg"},
             {"dose": "1.8", "unit": "mg"}, {"dose": "1.9", "unit": "mg"},
             {"dose": "1", "unit": "mL"}, {"dose": "0.9", "unit": "mL"}]
    assert step_cuts(steps) == ["", "10 %", "held", "+5.6 %", "", "10 %"]


@pytest.mark.parametrize("start, stop, words", [
    ("2016-04-01", "2026-11-25", "about 10 years"), ("2026-01-10", "2026-08-09", "6 months"),
    ("2026-01-10", "2026-02-10", "1 month"), ("2026-11-01", "2026-11-20", "under a month"),
    ("2026-11-01", "2026-10-01", ""), ("", "", ""), ("soon", "", "")])
def test_how_long_a_medicine_was_taken(start, stop, words):
    assert duration_words(start, stop, today=dt.date(2026, 11, 25)) == words


def test_an_untouched_timeline_is_empty():
    assert is_empty({}) and is_empty({"medications": [], "steps": [], "notes": ""})
    assert not is_empty({"notes": "x"})


# -- the form ----------------------------------------------------------------------------------

VALID = {
    "person": "Sam Rivera",
    "medications-0-drug": "Clonazepam", "medications-0-dose": "1", "medications-0-unit": "mg",
    "medications-0-how_often": "twice a day", "medications-0-started_on": "2016-04-01",
    "medications-0-stopped_on": "",
    "medications-1-drug": "", "medications-1-dose": "", "medications-1-unit": "mg",
    "medications-1-how_often": "", "medications-1-started_on": "", "medications-1-stopped_on": "",
    "steps-0-on": "2026-04-01", "steps-0-dose": "1,8", "steps-0-unit": "mg", "steps-0-note": "",
    "steps-1-on": "2026-03-01", "steps-1-dose": "2", "steps-1-unit": "mg",
    "steps-1-note": "Before the taper",
    "steps-2-on": "", "steps-2-dose": "", "steps-2-unit": "mg", "steps-2-note": "",
    "symptom_onset": "Late March: insomnia.", "symptom_course": "Waves and windows.",
    "notes": "Reinstated in 2021.",
}


def test_the_empty_form_offers_blank_rows_to_type_into(client):
    page = client.get("/timeline").get_data(as_text=True)
    assert len(re.findall(r'name="medications-\d+-drug"', page)) == 2
    assert len(re.findall(r'name="steps-\d+-on"', page)) == 3
    assert "Save and add more rows" in page
    assert '<label class="visually-hidden" for="steps-0-on">Taper step 1, date</label>' in page


def test_dates_are_typed_into_text_boxes_that_say_how(client):
    """A date picker sends nothing for a date it cannot hold (year 275760, a day without a
    year), so such a date would vanish without a word; a text box sends what was typed."""
    page = client.get("/timeline").get_data(as_text=True)
    for field, hint in (("medications-0-started_on", "medications-hint"),
                        ("medications-0-stopped_on", "medications-hint"),
                        ("steps-0-on", "steps-hint")):
        box = re.search(rf'<input [^>]*id="{field}"[^>]*>', page).group(0)
        assert 'type="text"' in box and f'aria-describedby="{hint}"' in box
    assert re.search(r'id="steps-hint">[^<]*year-month-day, like 2026-03-01', page)
    assert 'type="date"' not in page


def test_a_valid_timeline_is_saved_without_blank_rows_and_steps_in_date_order(client, directory):
    response = client.post("/timeline", data=VALID)
    assert response.status_code == 302 and response.headers["Location"] == "/timeline"
    saved = directory.timeline()
    assert saved["person"] == "Sam Rivera"
    assert [m["drug"] for m in saved["medications"]] == ["Clonazepam"]
    assert saved["medications"][0]["stopped_on"] == ""
    assert [(s["on"], s["dose"]) for s in saved["steps"]] == [("2026-03-01", "2"),
                                                             ("2026-04-01", "1.8")]
    assert saved["notes"] == "Reinstated in 2021." and saved["updated_at"]
    page = client.get("/timeline").get_data(as_text=True)
    assert "Saved. You can print it now." in page
    assert 'value="Clonazepam"' in page and 'value="1.8"' in page
    assert len(re.findall(r'name="steps-\d+-on"', page)) == 2 + 3  # kept rows and 3 blank


def test_saving_again_replaces_the_timeline(client, directory):
    client.post("/timeline", data=VALID)
    client.post("/timeline", data=dict(VALID, **{"medications-0-drug": "Diazepam"}))
    assert [m["drug"] for m in directory.timeline()["medications"]] == ["Diazepam"]
    assert directory.store.count("timeline") == 1


def test_more_rows_keep_what_was_typed_and_add_four_blank_ones(client, directory):
    response = client.post("/timeline", data=dict(VALID, more_rows="1"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/timeline?more=1#steps"
    assert len(directory.timeline()["steps"]) == 2
    page = client.get("/timeline?more=1").get_data(as_text=True)
    assert len(re.findall(r'name="steps-\d+-on"', page)) == 2 + 3 + 4
    assert "4 more rows for taper steps are below" in page


def test_more_rows_with_a_mistake_save_nothing_but_add_the_rows(client, directory):
    response = client.post("/timeline", data=dict(VALID, more_rows="1",
                                                   **{"steps-0-dose": "lots"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and directory.timeline() == {}
    assert len(re.findall(r'name="steps-\d+-on"', page)) == 3 + 4
    assert 'value="lots"' in page


@pytest.mark.parametrize("field, value, message", [
    ("medications-0-started_on", "2024-13-45", "Enter a date as year-month-day"),
    ("medications-0-started_on", "last spring", "Enter a date as year-month-day"),
    ("medications-0-started_on", "1850-01-01", "Enter a date between 1930 and"),
    ("steps-0-on", "2999-01-01", "Enter a date between 1930 and"),
    ("medications-0-started_on", "275760-12-24", "Enter a date between 1930 and"),
    ("medications-0-stopped_on", "275760-12-24", "Enter a date between 1930 and"),
    ("steps-0-on", "275760-12-24", "Enter a date between 1930 and"),
    ("steps-0-on", "12/24/275760", "Enter a date between 1930 and"),
    ("steps-0-on", "0099-01-01", "Enter a date between 1930 and"),
    ("steps-0-on", "2026-12", "Enter a date as year-month-day, like 2024-03-14."),
    ("medications-0-stopped_on", "2010-01-01", "The stop date is before the start date."),
    ("medications-0-dose", "one", "Enter the dose as a number"),
    ("medications-0-dose", "-1", "Enter a dose above 0"),
    ("steps-0-dose", "0", "Enter a dose above 0"),
    ("steps-0-dose", "", "Enter the dose taken from this date, or clear the row."),
    ("steps-0-on", "", "Enter the date of this step, or clear the row."),
    ("steps-0-unit", "kg", "Choose mg, mcg or mL."),
    ("medications-0-drug", "", "Enter the medicine&#39;s name, or clear this row."),
    ("steps-0-note", "n" * 121, "This can hold at most 120 characters; it has 121."),
    ("symptom_course", "s" * 1501, "This can hold at most 1,500 characters; it has 1501."),
    ("person", "p" * 121, "This can hold at most 120 characters; it has 121."),
])
def test_each_bad_input_is_a_400_tied_to_its_field_that_keeps_everything(client, directory,
                                                                          field, value,
                                                                          message):
    response = client.post("/timeline", data=dict(VALID, **{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert directory.timeline() == {}
    assert 'role="alert"' in page and f'href="#{field}"' in page
    errors = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    assert errors and message in errors.group(1)
    described = rf'aria-describedby="[^"]*\b{field}-errors\b[^"]*"'
    assert re.search(rf'<(input|select|textarea) {described}[^>]*id="{field}"', page)
    # As a browser reads it: the newline that may open a textarea is not part of the value.
    sent = {name: value.lstrip("\r\n") for name, value in form_values(page, "timeline-form")}
    for name, typed in VALID.items():
        if name != field:
            assert sent.get(name) == typed, name
    if field != "steps-0-unit":  # a unit not offered cannot be shown as chosen
        assert sent[field] == value


def test_an_expired_token_keeps_what_was_typed(csrf_app):
    client = csrf_app.test_client()
    client.get("/timeline")
    response = client.post("/timeline", data=VALID)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "press Save again" in page and 'value="Clonazepam"' in page
    token = csrf_token_from(client.get("/timeline").get_data(as_text=True))
    assert client.post("/timeline", data=dict(VALID, csrf_token=token)).status_code == 302


def test_a_year_out_of_range_says_which_years_are_taken(client, directory):
    next_year = dt.date.today().year + 1
    response = client.post("/timeline", data=dict(VALID, **{
        "medications-0-started_on": "275760-12-24"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and directory.timeline() == {}
    assert f"Enter a date between 1930 and {next_year}, like 2024-03-14." in page
    assert "Saved." not in page and 'value="275760-12-24"' in page


def test_dates_are_read_with_spaces_around_them_or_month_first(client, directory):
    response = client.post("/timeline", data=dict(VALID, **{
        "medications-0-started_on": " 2016-04-01 ", "steps-0-on": "4/1/2026"}))
    assert response.status_code == 302
    saved = directory.timeline()
    assert saved["medications"][0]["started_on"] == "2016-04-01"
    assert [step["on"] for step in saved["steps"]] == ["2026-03-01", "2026-04-01"]


# -- "Save and see it as printed" saves first ----------------------------------------------------


def test_the_print_buttons_belong_to_the_form_and_enter_still_saves(client):
    page = client.get("/timeline").get_data(as_text=True)
    form = page[page.index('<form method="post" novalidate id="timeline-form"'):]
    form = form[:form.index("</form>")]
    # Both "see it as printed" buttons, the one at the top of the page included, send the form.
    assert form.count('<button type="submit" name="print" value="1" class="button">'
                      'Save and see it as printed</button>') == 2
    assert form.index('name="print"') < form.index('id="person"')  # at the top
    assert 'href="/print/timeline"' not in page  # no link that leaves the typing behind
    # Enter in a box presses the first button of the form: a plain Save.
    first_button = re.search(r"<button [^>]*>[^<]*</button>", form).group(0)
    assert "name=" not in first_button and ">Save</button>" in first_button


def test_see_it_as_printed_saves_what_is_typed_then_shows_it_printed(client, directory):
    response = client.post("/timeline", data=dict(VALID, print="1"))
    assert response.status_code == 302 and response.headers["Location"] == "/print/timeline"
    assert directory.timeline()["person"] == "Sam Rivera"
    printed = client.get("/print/timeline").get_data(as_text=True)
    assert "Nothing is filled in yet" not in printed
    assert "Sam Rivera" in printed and "Clonazepam" in printed and "Waves and windows." in printed


def test_see_it_as_printed_with_a_mistake_saves_nothing_and_keeps_everything(client, directory):
    typed = dict(VALID, print="1", **{"steps-0-on": "275760-12-24"})
    response = client.post("/timeline", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and directory.timeline() == {}
    assert 'href="#steps-0-on"' in page and "Enter a date between 1930 and" in page
    sent = {name: value.lstrip("\r\n") for name, value in form_values(page, "timeline-form")}
    for name, value in VALID.items():
        if name != "steps-0-on":
            assert sent.get(name) == value, name
    assert sent["steps-0-on"] == "275760-12-24"


def test_seeing_it_printed_without_a_change_keeps_the_last_changed_day(client, directory):
    client.post("/timeline", data=VALID)
    saved_at = directory.timeline()["updated_at"]
    page = client.get("/timeline").get_data(as_text=True)
    assert client.post("/timeline", data=submit_form(page, "timeline-form",
                                                     print="1")).status_code == 302
    assert directory.timeline()["updated_at"] == saved_at
    client.post("/timeline", data=submit_form(page, "timeline-form", notes="New.", print="1"))
    assert directory.timeline()["notes"] == "New."
    assert directory.timeline()["updated_at"] != saved_at


def test_an_empty_form_sent_to_print_stores_nothing(client, directory):
    page = client.get("/timeline").get_data(as_text=True)
    response = client.post("/timeline", data=submit_form(page, "timeline-form", print="1"))
    assert response.status_code == 302 and directory.timeline() == {}


# -- asking before leaving with typing not saved (unsaved_changes.js; tests/browser) -------------


def test_the_form_asks_before_leaving_and_knows_a_form_shown_again_is_not_saved(client):
    page = client.get("/timeline").get_data(as_text=True)
    assert re.search(r'<form [^>]*id="timeline-form" data-warn-unsaved>', page)
    assert '<script src="/static/unsaved_changes.js" defer></script>' in page
    again = client.post("/timeline", data=dict(VALID, person="p" * 121))
    assert again.status_code == 400
    assert re.search(r'<form [^>]*data-warn-unsaved data-not-saved>', again.get_data(True))


def test_a_silly_more_count_is_ignored(client):
    for more in ("x", "-1", "99999999"):
        assert client.get(f"/timeline?more={more}").status_code == 200


# -- the printed page ----------------------------------------------------------------------------


def test_the_printed_timeline_shows_the_rows_and_the_cuts(client):
    client.post("/timeline", data=VALID)
    page = client.get("/print/timeline").get_data(as_text=True)
    assert "Medication timeline: Sam Rivera" in page
    assert "Clonazepam" in page and "1 mg" in page and "twice a day" in page
    assert "still taking" in page and "1.8 mg" in page and "10 %" in page
    assert "arithmetic, not advice" in page and "Waves and windows." in page
    assert page.index("Sun 1 Mar 2026") < page.index("Wed 1 Apr 2026")


def test_an_empty_timeline_prints_as_a_blank_form(client):
    page = client.get("/print/timeline").get_data(as_text=True)
    assert "Nothing is filled in yet" in page
    assert page.count('<td class="blank">') == 2 + 6
    assert page.count('class="write-line"') == 8


def test_the_timeline_is_in_the_main_navigation(client):
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/timeline"[^>]*>Medication timeline</a>', page)
    assert re.search(r'<a href="/print"[^>]*>Print</a>', page)


def test_the_timeline_travels_with_an_export(client, directory):
    client.post("/timeline", data=VALID)
    tables = directory.store.tables()
    assert tables["timeline"]["1"]["person"] == "Sam Rivera"


def test_multidict_posts_with_repeated_rows_are_read_once(client, directory):
    data = MultiDict(VALID)
    data.add("steps-0-note", "a second value is ignored")
    assert client.post("/timeline", data=data).status_code == 302
    assert directory.timeline()["steps"][1]["note"] == ""
