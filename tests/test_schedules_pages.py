"""Schedule check pages: the check on its own, every rejection answered with a 400 that keeps
what was typed, a schedule kept with a call (inputs only, laid out again on display), the
red-flag offer and its undo, and the chart's fitness for the CSP."""

import html
import re
from urllib.parse import urlencode

import pytest

from support import add_provider, save_field, start_call

DISCLAIMER = "arithmetic to support a conversation with a clinician, not a taper plan"
FIXED_MG = {"drug": "clonazepam", "start_mg": "2", "mode": "rule", "amount": "0.25",
            "unit": "mg", "every": "2", "interval_unit": "weeks"}
PERCENT = {"drug": "diazepam", "start_mg": "4", "mode": "rule", "amount": "10",
           "unit": "percent", "every": "4", "interval_unit": "weeks", "hold_on_flares": "y"}


def check(client, expect=200, **inputs):
    response = client.get("/schedule-check?" + urlencode(inputs))
    assert response.status_code == expect, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def step_rows(page: str) -> list[list[str]]:
    """The steps table as text, one list of cells per row."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    return [[text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def field_errors(page: str, field: str) -> str:
    found = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    return text_of(found.group(1)) if found else ""


@pytest.fixture
def call(client):
    provider_id = add_provider(client, name="Dr Ann Lee")
    return provider_id, start_call(client, provider_id)


def attach(client, call_id, **inputs):
    response = client.post(f"/calls/{call_id}/schedule", data={**inputs, "action": "attach"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith(f"/calls/{call_id}/schedule")
    return client.get(response.headers["Location"]).get_data(as_text=True)


def undo_url(page: str) -> str:
    return html.unescape(re.search(r'<div class="flash">.*?<form method="post" action="([^"]+)"',
                                   page, re.S).group(1))


# ---------------------------------------------------------------------------------------
# The check on its own


def test_the_empty_page_offers_the_form_with_the_disclaimer_and_sources(client):
    page = client.get("/schedule-check").get_data(as_text=True)
    assert DISCLAIMER in page
    assert 'href="/sources#source-horowitz_taylor_2019"' in page
    assert 'href="/sources#source-ashton_equivalence"' in page
    assert '<option value="clonazepam">Clonazepam (Klonopin, Rivotril)</option>' in page
    assert 'aria-current="page">Check a schedule</a>' in page
    assert 'method="get"' in page and 'name="csrf_token"' not in page.split("schedule-form")[1]
    assert 'id="result"' not in page


def test_every_page_links_to_the_check(client):
    page = client.get("/providers/new").get_data(as_text=True)
    assert 'href="/schedule-check">Check a schedule</a>' in page


def test_a_fixed_mg_rule_shows_the_share_growing_and_marks_the_jumps(client):
    page = check(client, **FIXED_MG)
    rows = step_rows(page)
    assert [row[2] for row in rows] == ["2", "1.75", "1.5", "1.25", "1", "0.75", "0.5",
                                        "0.25", "0"]
    assert rows[1][1:5] == ["week 2", "1.75", "0.25", "12.5 %"]
    last_reduction = rows[7]  # 0.5 -> 0.25 mg
    assert last_reduction[4] == "50 %" and "share jumps" in last_reduction[6]
    assert "share jumps" not in rows[1][6] + rows[2][6] + rows[3][6]  # 12.5, 14.3, 16.7 %
    assert rows[4][4] == "20 %" and "share jumps" in rows[4][6]     # above 1.5 x 12.5 %
    assert rows[1][5] == "35"  # 1.75 mg clonazepam is 35 mg diazepam by Ashton
    # 0.25 mg clonazepam is 5 mg diazepam: the schedule stops before it reaches doses that
    # need a liquid (below 0.025 mg), and the stop row says so.
    assert "needs liquid" not in page
    assert rows[8][6] == "stop no liquid steps before it"
    summary = text_of(page)
    assert "Fixed mg steps (a straight line)" in summary
    assert "the first removes 12.5 % of the dose, the last before stopping 50 %" in summary
    assert ("reaches zero at step 8 (week 16), stopping from 0.25 mg (5 mg diazepam "
            "equivalent). That dose is above the liquid threshold") in summary
    assert DISCLAIMER in summary


def test_a_schedule_that_goes_below_the_liquid_threshold_marks_those_steps(client):
    page = check(client, **dict(FIXED_MG, drug="diazepam"))
    rows = step_rows(page)
    marked = [row[2] for row in rows if "needs liquid" in row[-1]]
    assert marked == ["0.25"]  # 0.25 mg diazepam is below 0.5 mg; 0.5 mg is not
    assert "This schedule gets there at step 7 (week 14)." in text_of(page)


def test_the_table_used_is_named_and_the_va_dod_alternative_shown(client):
    summary = text_of(check(client, **FIXED_MG))
    assert ("Diazepam equivalents use the Ashton Manual table (rev. April 2007): 0.5 mg "
            "clonazepam is roughly equal to 10 mg diazepam.") in summary
    assert ("VA/DoD column (ASAM 2025, Table 7): 1 mg clonazepam is roughly equal to 10 mg "
            "diazepam, so the starting dose is 20 mg diazepam equivalent and liquids are "
            "needed below about 0.05 mg.") in summary
    assert "finder has no second table" in text_of(check(client, **dict(FIXED_MG,
                                                                         drug="bromazepam")))


def test_for_diazepam_itself_the_equivalents_are_not_repeated_beside_each_dose(client):
    page = check(client, **PERCENT)
    summary = text_of(page)
    assert "roughly equal to 10 mg diazepam" not in summary  # not "10 mg diazepam is … diazepam"
    assert "diazepam (0.5 mg diazepam equivalent)" not in summary
    assert "Below about 0.5 mg diazepam the steps are too small to cut from tablets" in summary
    assert ("Every table measures other benzodiazepines against diazepam, so the doses of this "
            "schedule are their own diazepam equivalents.") in summary
    assert "Diazepam equivalent (mg)" not in page and "VA/DoD" not in summary
    assert len(step_rows(page)[1]) == 6  # step, when, dose, removed, share, marks
    # Another drug keeps its diazepam figures, said once each.
    other = text_of(check(client, **FIXED_MG))
    assert "Below about 0.025 mg clonazepam (0.5 mg diazepam equivalent)" in other


def test_only_the_words_a_result_uses_are_explained_beside_it(client):
    curve = check(client, **PERCENT)
    straight = check(client, **FIXED_MG)
    assert "What does “linear taper” mean?" not in curve
    assert "What does “a percentage of the current dose” mean?" in curve
    assert "What does “linear taper” mean?" in straight
    for page in (curve, straight):
        assert "What does “liquid formulation” mean?" in page


def test_a_percentage_rule_names_its_steps_where_liquids_begin_not_a_microgram_at_the_end(
        client):
    page = check(client, **dict(PERCENT, drug="clonazepam", start_mg="1"))
    summary = text_of(page.split('<div class="schedule-summary">', 1)[1].split("</ul>", 1)[0])
    assert ("the steps in mg shrink: 0.1 mg at first, 0.0025 mg by step 36, where liquid "
            "doses begin, and smaller still after that.") in summary
    assert "0.000515" not in summary  # the step table still has every step's arithmetic


def test_a_percent_of_current_rule_from_4_mg_takes_10_percent_of_what_is_left(client):
    page = check(client, **PERCENT)
    doses = [row[2] for row in step_rows(page)]
    assert doses[:4] == ["4", "3.6", "3.24", "2.916"]
    assert float(doses[-1]) < 0.1  # stops at the drawing floor, 0.1 mg diazepam
    summary = text_of(page)
    assert "A share of the current dose (curve-shaped)" in summary
    assert "The dose is held during flares." in summary
    assert not [row for row in step_rows(page) if "share jumps" in row[-1]]
    assert "Tick red flag" not in page  # nothing to offer outside a call


def test_the_same_rule_typed_as_a_sentence_gives_the_same_steps(client):
    typed = check(client, drug="diazepam", start_mg="4", mode="text",
                  rule_text="reduce 10 % of the current dose every 4 weeks, holding on flares")
    assert step_rows(typed) == step_rows(check(client, **PERCENT))


def test_a_list_of_doses_is_laid_out_by_step(client):
    page = check(client, drug="lorazepam", start_mg="", mode="doses",
                 doses="2, 1.75\n1.5; 1.25 mg")
    rows = step_rows(page)
    assert [row[1] for row in rows] == ["2", "1.75", "1.5", "1.25"]  # no "When" column
    assert ">When<" not in page
    assert rows[3][3] == "16.7 %"
    assert "Fixed mg steps (a straight line)" in text_of(page)


def test_a_list_is_put_after_a_different_starting_dose(client):
    rows = step_rows(check(client, drug="lorazepam", start_mg="2", mode="doses",
                           doses="1.5, 1"))
    assert [row[1] for row in rows] == ["2", "1.5", "1"]


@pytest.mark.parametrize("changes, field, message", [
    ({"start_mg": "0"}, "start_mg", "The starting dose must be more than 0."),
    ({"start_mg": "-2"}, "start_mg", "The starting dose must be more than 0."),
    ({"start_mg": "2,5"}, "start_mg", "“2,5” uses a decimal comma"),
    ({"start_mg": ""}, "start_mg", "Enter the starting dose in mg"),
    ({"drug": "unobtainium"}, "drug", "finder does not know the drug “unobtainium”"),
    ({"drug": ""}, "drug", "Choose the drug from the list."),
    ({"amount": "3"}, "amount", "A step of 3 mg is larger than the starting dose of 2 mg."),
    ({"amount": "0"}, "amount", "The size of each step must be more than 0."),
    ({"amount": "0,25"}, "amount", "uses a decimal comma"),
    ({"amount": "100", "unit": "percent"}, "amount", "less than 100 %"),
    ({"amount": "0.0001"}, "amount", "finder lays out at most 500"),
    ({"every": "-1"}, "every", "The time between steps must be more than 0."),
    ({"unit": "grains"}, "unit", "Not a valid choice"),
    ({"mode": "text", "rule_text": "whenever it feels right"}, "rule_text",
     "finder could not find the size of each step"),
    ({"mode": "text", "rule_text": "0.25 mg whenever"}, "rule_text",
     "finder could not find how often the dose goes down"),
    ({"mode": "text", "rule_text": "reduce 0,25 mg every 2 weeks"}, "rule_text",
     "Write decimals with a point"),
    ({"mode": "doses", "doses": "2, 1,5, 1"}, "doses", "“1,5” looks like a decimal comma"),
    ({"mode": "doses", "doses": "2, -1"}, "doses", "Doses cannot be negative"),
    ({"mode": "doses", "doses": "2, about half"}, "doses", "“about” is not a number"),
    ({"mode": "doses", "start_mg": "0", "doses": "0, 0"}, "start_mg",
     "The starting dose must be more than 0."),
])
def test_impossible_input_is_a_400_with_the_message_on_its_field(client, changes, field,
                                                                  message):
    inputs = dict(FIXED_MG, rule_text="", doses="", **{"start_mg": "2"})
    inputs.update(changes)
    page = check(client, expect=400, **inputs)
    assert message in field_errors(page, field)
    assert 'role="alert"' in page and f'href="#{field}"' in page
    assert re.search(rf'aria-invalid="true"[^>]*id="{field}"', page)
    assert 'id="result"' not in page
    for name, value in inputs.items():  # everything typed is still there
        if name in ("drug", "unit", "interval_unit", "mode") or not value:
            continue
        shown = html.escape(value, quote=True)
        assert f'value="{shown}"' in page or f">\r\n{shown}</textarea>" in page, name


def test_a_rejected_text_rule_keeps_the_chosen_way_of_entering(client):
    page = check(client, expect=400, drug="alprazolam", start_mg="1", mode="text",
                 rule_text="taper slowly")
    assert re.search(r'<option selected value="alprazolam">|<option value="alprazolam" '
                     r'selected>', page)
    assert re.search(r'checked[^>]*value="text"|value="text"[^>]*checked', page)


def test_a_long_schedule_scrolls_inside_its_box(client):
    page = check(client, **dict(FIXED_MG, amount="0.01"))
    assert len(step_rows(page)) == 201
    assert 'class="table-wrap schedule-steps schedule-steps--long" tabindex="0" role="region"' \
        in page
    assert "schedule-steps--long" not in check(client, **FIXED_MG)


def test_the_page_has_no_inline_style_for_the_csp(client):
    response = client.get("/schedule-check?" + urlencode(FIXED_MG))
    page = response.get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'class="schedule-chart"' in svg and "chart-jump" in svg
    assert "style=" not in svg and "<style" not in svg
    assert "style=" not in page and "<script" not in page
    assert "style-src" not in response.headers["Content-Security-Policy"]  # default-src 'self'


# ---------------------------------------------------------------------------------------
# A schedule kept with a call


def test_the_call_screen_links_to_its_schedule(client, call):
    page = client.get(f"/calls/{call[1]}").get_data(as_text=True)
    assert f'href="/calls/{call[1]}/schedule">Check the schedule they proposed</a>' in page


def test_attaching_stores_the_inputs_only_and_leaves_the_standing_alone(client, call,
                                                                       directory):
    provider_id, call_id = call
    before = directory.provider(provider_id)
    page = attach(client, call_id, **dict(FIXED_MG, rule_text="ignored", doses="ignored"))
    stored = directory.store.get("calls", call_id)["schedule"]
    assert stored == {"drug": "clonazepam", "start_mg": "2", "mode": "rule", "amount": "0.25",
                      "unit": "mg", "every": "2", "interval_unit": "weeks",
                      "hold_on_flares": False, "attached_at": stored["attached_at"]}
    after = directory.provider(provider_id)
    assert after["standing"] == before["standing"] and after["updated_at"] == before["updated_at"]
    assert "Saved with this call" in page and "Fixed mg steps (a straight line)" in page
    assert "Tick red flag 1 (Fixed mg steps at fixed intervals) with this evidence" in page
    assert 'value="0.25"' in page  # the form shows what is kept, ready to change


def test_a_kept_schedule_is_laid_out_again_from_its_inputs(client, call, directory):
    attach(client, call[1], **FIXED_MG)
    schedule = directory.store.get("calls", call[1])["schedule"]
    directory.store.update("calls", call[1], {"schedule": dict(schedule, amount="0.5")})
    page = client.get(f"/calls/{call[1]}/schedule").get_data(as_text=True)
    assert [row[2] for row in step_rows(page)] == ["2", "1.5", "1", "0.5", "0"]


def test_a_kept_schedule_that_no_longer_works_is_explained_not_a_500(client, call, directory):
    attach(client, call[1], **FIXED_MG)
    schedule = directory.store.get("calls", call[1])["schedule"]
    directory.store.update("calls", call[1], {"schedule": dict(schedule, drug="withdrawn")})
    page = client.get(f"/calls/{call[1]}/schedule").get_data(as_text=True)
    assert "finder cannot lay out the schedule saved with this call any more" in page
    provider_page = client.get(f"/providers/{call[0]}")
    assert provider_page.status_code == 200
    assert "finder does not know the drug “withdrawn”" in provider_page.get_data(as_text=True)


def test_check_without_saving_stores_nothing(client, call, directory):
    response = client.post(f"/calls/{call[1]}/schedule", data={**FIXED_MG, "action": "check"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not saved yet" in page and len(step_rows(page)) == 9
    assert not directory.store.get("calls", call[1]).get("schedule")


def test_a_bad_schedule_for_a_call_is_a_400_and_stores_nothing(client, call, directory):
    response = client.post(f"/calls/{call[1]}/schedule",
                           data={**FIXED_MG, "drug": "made_up", "action": "attach"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "finder does not know the drug “made_up”" in field_errors(page, "drug")
    assert 'value="0.25"' in page
    assert not directory.store.get("calls", call[1]).get("schedule")


def test_the_provider_page_and_summary_show_the_kept_schedule(client, call):
    provider_id, call_id = call
    attach(client, call_id, **FIXED_MG)
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "Schedule they proposed" in page and DISCLAIMER in page
    assert "Clonazepam from 2 mg. Reduce 0.25 mg every 2 weeks." in page
    assert "Fixed mg steps (a straight line)" in page
    assert f'href="/calls/{call_id}/schedule"' in page
    assert f'id="schedule-chart-call-{call_id}-title"' in page
    summary = client.get(f"/providers/{provider_id}/summary").get_data(as_text=True)
    assert "Fixed mg steps (a straight line)" in summary and DISCLAIMER in summary
    assert "<svg" in summary and "style=" not in summary
    assert "Ashton CH. Benzodiazepine equivalence table, revised April 2007." in summary
    assert "Tick red flag" not in summary  # no buttons on paper


def test_a_provider_without_schedules_shows_no_schedule_section(client, call):
    assert "they proposed</h2>" not in client.get(f"/providers/{call[0]}").get_data(as_text=True)


def test_replacing_and_taking_off_a_schedule_can_be_undone(client, call, directory):
    call_id = call[1]
    attach(client, call_id, **FIXED_MG)
    page = attach(client, call_id, **PERCENT)
    assert directory.store.get("calls", call_id)["schedule"]["unit"] == "percent"
    client.post(undo_url(page))
    assert directory.store.get("calls", call_id)["schedule"]["unit"] == "mg"

    response = client.post(f"/calls/{call_id}/schedule/remove")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert directory.store.get("calls", call_id)["schedule"] is None
    assert "Took the schedule off this call." in page and "Saved with this call" not in page
    client.post(undo_url(page))
    assert directory.store.get("calls", call_id)["schedule"]["amount"] == "0.25"


def test_undoing_the_first_attach_leaves_no_schedule(client, call, directory):
    page = attach(client, call[1], **FIXED_MG)
    client.post(undo_url(page))
    assert directory.store.get("calls", call[1])["schedule"] is None


@pytest.mark.parametrize("method, path", [
    ("get", "/calls/999/schedule"), ("post", "/calls/999/schedule"),
    ("post", "/calls/999/schedule/remove"), ("post", "/calls/999/schedule/red-flag"),
    ("post", "/calls/999/schedule/red-flag/undo"), ("post", "/calls/999/schedule/undo"),
])
def test_a_missing_call_is_a_404(client, method, path):
    response = getattr(client, method)(path, data={**FIXED_MG, "action": "attach"})
    assert response.status_code == 404


def test_a_call_of_a_trashed_provider_is_a_404(client, call, directory):
    directory.trash_provider(call[0])
    assert client.get(f"/calls/{call[1]}/schedule").status_code == 404


def test_attaching_needs_the_form_token_but_checking_does_not(csrf_app, data_dir):
    client = csrf_app.test_client()
    page = client.get("/providers/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/providers/new", data={"name": "Dr Token", "status": "to_call",
                                                   "telemedicine": "unknown",
                                                   "payment": "unknown", "csrf_token": token})
    provider_id = int(response.headers["Location"].rsplit("/", 1)[1])
    call_id = start_call_with_token(client, provider_id, token)
    refused = client.post(f"/calls/{call_id}/schedule", data={**FIXED_MG, "action": "attach"})
    assert refused.status_code == 400
    assert 'value="0.25"' in refused.get_data(as_text=True)  # kept, ready to save again
    store = csrf_app.extensions["finder"].store
    assert not store.get("calls", call_id).get("schedule")
    accepted = client.post(f"/calls/{call_id}/schedule",
                           data={**FIXED_MG, "action": "attach", "csrf_token": token})
    assert accepted.status_code == 302 and store.get("calls", call_id)["schedule"]
    assert client.get("/schedule-check?" + urlencode(FIXED_MG)).status_code == 200


def start_call_with_token(client, provider_id, token) -> int:
    response = client.post(f"/providers/{provider_id}/calls", data={"csrf_token": token})
    return int(response.headers["Location"].rsplit("/", 1)[1])


# ---------------------------------------------------------------------------------------
# The red-flag offer


def test_a_fixed_mg_schedule_offers_to_tick_red_flag_1_with_its_evidence(client, call,
                                                                        directory):
    provider_id, call_id = call
    attach(client, call_id, **FIXED_MG)
    provider_page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "Tick red flag 1 (Fixed mg steps at fixed intervals) with this evidence" \
        in provider_page
    assert directory.standing(provider_id).red_flag_ids == []

    response = client.post(f"/calls/{call_id}/schedule/red-flag",
                           data={"next": f"/providers/{provider_id}"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/providers/{provider_id}"
    flag = directory.store.get("calls", call_id)["red_flags"]["fixed_mg_steps"]
    assert flag["ticked"] is True
    assert flag["note"].startswith("Schedule check: Clonazepam from 2 mg. Reduce 0.25 mg every "
                                   "2 weeks. Steps of 0.25 mg each; the first removes 12.5 %")
    standing = directory.standing(provider_id)
    assert standing.red_flag_ids == ["fixed_mg_steps"]
    assert directory.provider(provider_id)["standing"]["red_flags"] == ["fixed_mg_steps"]

    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "Ticked red flag 1 (Fixed mg steps at fixed intervals) on this call" in page
    assert "Tick red flag 1" not in page  # offered only while the flag is not ticked
    assert f"/calls/{call_id}/schedule/red-flag/undo" in undo_url(page)

    client.post(undo_url(page))
    flag = directory.store.get("calls", call_id)["red_flags"]["fixed_mg_steps"]
    assert flag["ticked"] is False and flag["note"] == ""
    assert directory.standing(provider_id).red_flag_ids == []
    assert directory.provider(provider_id)["standing"]["red_flags"] == []


def test_ticking_keeps_a_note_already_written_and_undo_restores_it(client, call, directory):
    call_id = call[1]
    save_field(client, call_id, "flag_note-fixed_mg_steps", "nurse said 0.25 a fortnight",
               rev=0)
    attach(client, call_id, **FIXED_MG)
    client.post(f"/calls/{call_id}/schedule/red-flag")
    note = directory.store.get("calls", call_id)["red_flags"]["fixed_mg_steps"]["note"]
    assert note.startswith("nurse said 0.25 a fortnight\nSchedule check:")
    page = client.get(f"/calls/{call_id}/schedule").get_data(as_text=True)
    client.post(undo_url(page))
    flag = directory.store.get("calls", call_id)["red_flags"]["fixed_mg_steps"]
    assert (flag["ticked"], flag["note"]) == (False, "nurse said 0.25 a fortnight")


def test_undo_leaves_a_flag_edited_since_alone(client, call, directory):
    call_id = call[1]
    attach(client, call_id, **FIXED_MG)
    client.post(f"/calls/{call_id}/schedule/red-flag")
    page = client.get(f"/calls/{call_id}/schedule").get_data(as_text=True)
    rev = directory.store.get("calls", call_id)["revs"]["flag_note-fixed_mg_steps"]
    save_field(client, call_id, "flag_note-fixed_mg_steps", "my own words", rev=rev)
    response = client.post(undo_url(page), follow_redirects=True)
    assert "was changed after it was ticked" in response.get_data(as_text=True)
    flag = directory.store.get("calls", call_id)["red_flags"]["fixed_mg_steps"]
    assert (flag["ticked"], flag["note"]) == (True, "my own words")


def test_no_offer_when_the_flag_is_ticked_or_the_schedule_is_not_fixed_mg(client, call,
                                                                         directory):
    provider_id, call_id = call
    attach(client, call_id, **PERCENT)
    assert "Tick red flag" not in client.get(f"/calls/{call_id}/schedule").get_data(as_text=True)
    response = client.post(f"/calls/{call_id}/schedule/red-flag", follow_redirects=True)
    assert "Nothing was ticked" in response.get_data(as_text=True)
    assert directory.standing(provider_id).red_flag_ids == []

    attach(client, call_id, **FIXED_MG)
    save_field(client, call_id, "flag-fixed_mg_steps", True, rev=0)
    assert "Tick red flag" not in client.get(f"/calls/{call_id}/schedule").get_data(as_text=True)


def test_the_offer_redirects_only_within_finder(client, call):
    attach(client, call[1], **FIXED_MG)
    response = client.post(f"/calls/{call[1]}/schedule/red-flag",
                           data={"next": "https://elsewhere.example/"})
    assert response.headers["Location"] == "/"
