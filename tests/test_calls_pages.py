"""The call screen: one-field autosave, whole-form saving without JavaScript, conflicts between
tabs, ending a call, and every bad input answered with a 4xx."""

import copy
import html
import re

import pytest

from support import add_provider, save_field, start_call, submit_form

from finder.domain.checklist import checklist_from_data



@pytest.fixture
def call(client):
    provider_id = add_provider(client, name="Dr Ann Lee")
    return provider_id, start_call(client, provider_id)


def stored(directory, call_id):
    return directory.store.get("calls", call_id)


def test_call_screen_shows_every_question_reminder_and_red_flag(client, call, app):
    page = client.get(f"/calls/{call[1]}").get_data(as_text=True)
    checklist = app.extensions["finder"].content.checklist
    for question in checklist.questions.values():
        assert question["ask"].replace("'", "&#39;") in page
        assert question["good_sounds"] in page
    for flag in checklist.red_flags.values():
        assert f'name="flag-{flag["id"]}"' in page
    for question in checklist.practical.values():
        assert f'name="practical-{question["id"]}"' in page
    assert "<kbd>J</kbd> next question" in page
    assert 'data-save-url="/calls/' in page


def test_each_red_flags_what_was_said_box_is_named_for_its_flag(client, call, app):
    # Two ticked flags open two "What was said" boxes: a screen reader, or an acceptance
    # run driving by labels, must tell them apart.
    page = client.get(f"/calls/{call[1]}").get_data(as_text=True)
    for flag in app.extensions["finder"].content.checklist.red_flags.values():
        box = re.search(rf'<textarea[^>]*name="flag_note-{flag["id"]}"[^>]*>', page).group(0)
        assert f'aria-label="What was said: {flag["label"]}"'.replace("'", "&#39;") in box


def test_each_kind_of_field_autosaves_on_its_own(client, call, directory):
    call_id = call[1]
    save_field(client, call_id, "answer-step_size", "fixed_mg", rev=0)
    save_field(client, call_id, "answer_note-step_size", "  0.25 mg every 2 weeks  ", rev=0)
    save_field(client, call_id, "flag-deadline", True, rev=0)
    save_field(client, call_id, "flag_note-deadline", "off in six months", rev=0)
    save_field(client, call_id, "practical-cost", "self_pay", rev=0)
    save_field(client, call_id, "practical-wait", "3 weeks", rev=0)
    save_field(client, call_id, "practical-telemedicine_states", ["OR", "CA"], rev=0)
    save_field(client, call_id, "spoke_with", "nurse", rev=0)
    save_field(client, call_id, "called_at", "2026-11-20T09:30", rev=0)
    save_field(client, call_id, "follow_up_on", "2026-12-01", rev=0)
    record = stored(directory, call_id)
    assert record["answers"]["step_size"]["option"] == "fixed_mg"
    assert record["answers"]["step_size"]["note"] == "0.25 mg every 2 weeks"
    assert record["red_flags"]["deadline"] == {
        "ticked": True, "note": "off in six months", "at": record["red_flags"]["deadline"]["at"]}
    assert record["practical"]["cost"]["option"] == "self_pay"
    assert record["practical"]["wait"]["text"] == "3 weeks"
    assert record["practical"]["telemedicine_states"]["states"] == ["CA", "OR"]
    assert (record["spoke_with"], record["called_at"], record["follow_up_on"]) == (
        "nurse", "2026-11-20T09:30", "2026-12-01")


def test_a_save_reports_the_new_standing(client, call):
    reply = save_field(client, call[1], "answer-liquid_formulation", "yes_with_pharmacy", rev=0)
    assert reply["outcome"] == "saved" and reply["rev"] == 1
    assert reply["standing"]["verdict_label"] == "Incomplete"
    assert reply["standing"]["score"] == "1 of 4 core questions asked"
    reply = save_field(client, call[1], "answer-step_size", "fixed_mg", rev=0)
    assert reply["standing"]["red_flags"] == 1
    assert reply["standing"]["verdict_label"] == "Not a match — red flag"  # one is enough


def test_sending_the_same_save_twice_changes_nothing_the_second_time(client, call, directory):
    first = save_field(client, call[1], "answer-step_size", "fixed_mg", rev=0)
    again = save_field(client, call[1], "answer-step_size", "fixed_mg", rev=0)
    assert (first["outcome"], again["outcome"]) == ("saved", "unchanged")
    assert stored(directory, call[1])["revs"]["answer-step_size"] == 1


def test_an_edit_from_an_out_of_date_tab_is_a_conflict_not_an_overwrite(client, call, directory):
    save_field(client, call[1], "answer-step_size", "percent_of_current", rev=0)  # tab A
    reply = save_field(client, call[1], "answer-step_size", "fixed_mg", rev=0,  # tab B
                       expect=409)
    assert reply["outcome"] == "conflict"
    assert reply["value"] == "percent_of_current" and reply["rev"] == 1
    assert stored(directory, call[1])["answers"]["step_size"]["option"] == "percent_of_current"
    keep_mine = save_field(client, call[1], "answer-step_size", "fixed_mg", rev=1)
    assert keep_mine["outcome"] == "saved"


def test_two_tabs_editing_different_answers_both_keep_theirs(client, call, directory):
    save_field(client, call[1], "answer-step_size", "fixed_mg", rev=0)
    save_field(client, call[1], "answer-bad_reaction", "hold_or_updose", rev=0)
    answers = stored(directory, call[1])["answers"]
    assert answers["step_size"]["option"] == "fixed_mg"
    assert answers["bad_reaction"]["option"] == "hold_or_updose"


@pytest.mark.parametrize("payload, message", [
    ({"name": "answer-step_size", "value": "made_up_option", "rev": 0}, "Not a valid choice"),
    ({"name": "answer-no_such_question", "value": "x", "rev": 0}, "has no field called"),
    ({"name": "flag-not_a_flag", "value": True, "rev": 0}, "has no field called"),
    ({"name": "practical-telemedicine_states", "value": ["XX"], "rev": 0}, "is not a valid choice"),
    ({"name": "answer_note-step_size", "value": "x" * 20_001, "rev": 0}, "at most 20,000 characters; it has 20001"),
    ({"name": "follow_up_on", "value": "someday", "rev": 0}, "Not a valid date value"),
    ({"name": "follow_up_on", "value": "0001-12-01", "rev": 0}, "between 2000 and 2100"),
    ({"name": "called_at", "value": "9999-12-01T10:00", "rev": 0}, "between 2000 and 2100"),
    ({"name": "answer-step_size", "value": {"nested": 1}, "rev": 0}, "must be text"),
    ({"name": "answer-step_size", "value": "fixed_mg", "rev": "one"}, "rev must be"),
    ({"value": "fixed_mg"}, "Send JSON with a field name"),
])
def test_bad_autosave_requests_get_a_400_with_a_message(client, call, directory, payload,
                                                        message):
    response = client.post(f"/calls/{call[1]}/fields", json=payload)
    assert response.status_code == 400
    assert message in response.get_json()["message"]
    assert stored(directory, call[1])["answers"] == {}


def test_autosave_to_a_missing_call_is_a_404(client):
    response = client.post("/calls/404/fields", json={"name": "notes", "value": "x"})
    assert response.status_code == 404
    assert response.get_json()["error"] == 404


def test_autosave_body_that_is_not_json_is_a_400(client, call):
    response = client.post(f"/calls/{call[1]}/fields", data="name=notes",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def whole_form(page: str, **changes):
    """What the browser would post without JavaScript, with some fields changed."""
    return submit_form(page, "interview-form", **changes)


def test_whole_form_post_saves_every_valid_answer_and_reports_the_invalid_one(
        client, call, directory):
    page = client.get(f"/calls/{call[1]}").get_data(as_text=True)
    response = client.post(f"/calls/{call[1]}", data=whole_form(
        page, **{"answer-step_size": "percent_of_current",
                 "answer_note-step_size": "kept note",
                 "answer-liquid_formulation": "forged_answer",
                 "flag-deadline": "y", "practical-wait": "2 weeks"}))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Not a valid choice" in body
    assert "kept note" in body
    record = stored(directory, call[1])
    assert record["answers"]["step_size"]["option"] == "percent_of_current"
    assert record["answers"]["step_size"]["note"] == "kept note"
    assert "liquid_formulation" not in record["answers"]
    assert record["red_flags"]["deadline"]["ticked"] is True
    assert record["practical"]["wait"]["text"] == "2 weeks"


def test_whole_form_post_leaves_alone_what_another_tab_changed_meanwhile(client, call,
                                                                         directory):
    page = client.get(f"/calls/{call[1]}").get_data(as_text=True)  # this tab draws the page
    save_field(client, call[1], "answer-bad_reaction", "hold_or_updose", rev=0)  # other tab
    save_field(client, call[1], "flag-deadline", True, rev=0)  # other tab
    response = client.post(f"/calls/{call[1]}",
                           data=whole_form(page, **{"answer-step_size": "fixed_mg"}))
    assert response.status_code == 302
    record = stored(directory, call[1])
    assert record["answers"]["bad_reaction"]["option"] == "hold_or_updose"
    assert record["red_flags"]["deadline"]["ticked"] is True
    assert record["answers"]["step_size"]["option"] == "fixed_mg"


def test_whole_form_post_reports_a_field_both_tabs_changed(client, call, directory):
    page = client.get(f"/calls/{call[1]}").get_data(as_text=True)
    save_field(client, call[1], "answer-step_size", "percent_of_current", rev=0)
    response = client.post(f"/calls/{call[1]}",
                           data=whole_form(page, **{"answer-step_size": "fixed_mg"}))
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Changed elsewhere while this page was open" in body
    assert 'value="fixed_mg" checked' in body or 'checked type="radio" value="fixed_mg"' in body \
        or re.search(r'<input checked[^>]*value="fixed_mg"', body)
    assert stored(directory, call[1])["answers"]["step_size"]["option"] == "percent_of_current"
    step_size_section = body.split('id="q-step_size"')[1].split("</section>")[0]
    assert "Another tab saved a different answer here" in step_size_section
    again = client.post(f"/calls/{call[1]}", data=whole_form(
        body, **{"answer-step_size": "fixed_mg"}))  # press Save again to keep mine
    assert again.status_code == 302
    assert stored(directory, call[1])["answers"]["step_size"]["option"] == "fixed_mg"


def test_each_call_screen_shows_its_own_answers_escaped(client, call):
    provider_id, first = call
    save_field(client, first, "answer-step_size", "fixed_mg", rev=0)
    save_field(client, first, "answer_note-step_size", "<b>2 mg</b> & less", rev=0)
    second = start_call(client, provider_id)
    pages = [client.get(f"/calls/{call_id}").get_data(as_text=True)
             for call_id in (first, second, first)]
    assert re.search(r'<input checked[^>]*value="fixed_mg"', pages[0])
    assert "&lt;b&gt;2 mg&lt;/b&gt; &amp; less</textarea>" in pages[0]
    assert not re.search(r'<input checked[^>]*value="fixed_mg"', pages[1])
    assert "&lt;b&gt;2 mg" not in pages[1]
    assert re.search(r'<input checked[^>]*value="fixed_mg"', pages[2])


def test_the_call_screen_shows_exactly_the_choices_saved_last(client, call):
    call_id = call[1]
    for rev, (answer, states) in enumerate([("fixed_mg", ["CA"]), ("percent_of_current",
                                            ["CA", "OR"]), ("fixed_mg", []), ("unclear", ["OR"])]):
        save_field(client, call_id, "answer-step_size", answer, rev=rev)
        save_field(client, call_id, "practical-telemedicine_states", states)
        page = client.get(f"/calls/{call_id}").get_data(as_text=True)
        checked = re.findall(r'<input checked[^>]*name="([^"]*)"[^>]*value="([^"]*)"', page)
        assert [value for name, value in checked if name == "answer-step_size"] == [answer]
        assert [value for name, value in checked
                if name == "practical-telemedicine_states"] == sorted(states)


def test_typed_text_is_shown_escaped_in_its_box(client, call):
    for text in ["<b>", "a&b", '"q"', "<b>"]:
        save_field(client, call[1], "contact_name", text)
        page = client.get(f"/calls/{call[1]}").get_data(as_text=True)
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;").replace('"', "&#34;")
        assert f'name="contact_name" type="text" value="{escaped}"' in page


def test_a_field_with_an_error_is_marked_and_tied_to_its_message(client, call):
    page = client.get(f"/calls/{call[1]}").get_data(as_text=True)
    for text in ["far too long " * 20, "longer still, and quoted back? " * 10]:
        response = client.post(f"/calls/{call[1]}", data=whole_form(page, contact_name=text))
        body = response.get_data(as_text=True)
        assert response.status_code == 400
        box = body.split('<div class="field field--stringfield  field--invalid">')[1]
        box = box.split("</div>")[0]
        assert 'aria-describedby="contact_name-hint contact_name-errors"' in box
        assert 'aria-invalid="true"' in box and "This can hold at most 200 characters" in box
        assert text.strip() in box  # what was typed is still there


def test_ending_a_call_moves_the_provider_by_its_outcome(client, call, directory):
    provider_id, call_id = call
    save_field(client, call_id, "outcome", "left_message", rev=0)
    save_field(client, call_id, "follow_up_on", "2026-12-03", rev=0)
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    response = client.post(f"/calls/{call_id}/end", data=whole_form(page, end_status=""),
                           follow_redirects=True)
    assert "Dr Ann Lee is now “Waiting for call back”" in response.get_data(as_text=True)
    record = directory.provider(provider_id)
    assert record["status"] == "waiting" and record["follow_up_on"] == "2026-12-03"
    assert record["status_history"][-1]["via"] == f"call {call_id}"
    assert stored(directory, call_id)["ended"] is True


def test_a_call_back_says_the_status_stays_and_still_goes_into_the_history(client, call,
                                                                             directory):
    provider_id, call_id = call
    save_field(client, call_id, "outcome", "call_back", rev=0)
    save_field(client, call_id, "follow_up_on", "2026-12-07", rev=0)
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    response = client.post(f"/calls/{call_id}/end", data=whole_form(page, end_status=""),
                           follow_redirects=True)
    body = response.get_data(as_text=True)
    assert ("Call saved (asked me to call back). Dr Ann Lee stays “To call”. "
            "Follow up on Mon 7 Dec 2026.") in body
    assert "is now" not in body
    history = directory.provider(provider_id)["status_history"]
    assert [(c["status"], c.get("via"), c.get("outcome")) for c in history] == [
        ("to_call", "added", None), ("to_call", f"call {call_id}", "call_back")]
    assert f"(call {call_id}: asked me to call back)" in body  # shown on the provider page


def test_ending_a_call_with_a_chosen_status_overrides_the_outcome(client, call, directory):
    provider_id, call_id = call
    save_field(client, call_id, "outcome", "answered", rev=0)
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    client.post(f"/calls/{call_id}/end", data=whole_form(page, end_status="booked"))
    assert directory.provider(provider_id)["status"] == "booked"


def test_ending_a_call_with_an_unknown_status_is_refused(client, call, directory):
    page = client.get(f"/calls/{call[1]}").get_data(as_text=True)
    response = client.post(f"/calls/{call[1]}/end", data=whole_form(
        page, end_status="vanished", **{"answer-step_size": "fixed_mg"}))
    assert response.status_code == 400
    assert "Choose a status from the list." in response.get_data(as_text=True)
    assert directory.provider(call[0])["status"] == "to_call"
    assert stored(directory, call[1])["answers"]["step_size"]["option"] == "fixed_mg"


def test_a_new_call_shows_what_is_known_and_what_is_still_open(client, call):
    provider_id, first = call
    save_field(client, first, "answer-step_size", "percent_of_current", rev=0)
    save_field(client, first, "practical-prescribes", "consult_only", rev=0)
    save_field(client, first, "practical-wait", "about 3 months", rev=0)
    second = start_call(client, provider_id)
    page = client.get(f"/calls/{second}").get_data(as_text=True)
    assert re.search(r"Earlier answer: <strong>A percentage of the current dose[^<]*</strong> "
                     r"\(call 1, ", page)
    assert "Earlier: Advises only" in page and "Earlier: about 3 months" in page
    assert page.count("Still open") == 3
    # An answer on the call on screen closes its question too.
    save_field(client, second, "answer-bad_reaction", "hold_or_updose", rev=0)
    page = client.get(f"/calls/{second}").get_data(as_text=True)
    assert page.count("Still open") == 2
    assert 'id="q-bad_reaction"' in page and "Earlier answer" not in page.split(
        'id="q-bad_reaction"')[1].split("</section>")[0]


def test_typed_text_with_nul_characters_and_markup_is_shown_escaped(client, call):
    provider_id, first = call
    odd = "a\x00slot\x00b \x00hole\x00 <c>"
    save_field(client, first, "practical-wait", odd, rev=0)
    save_field(client, first, "notes", odd, rev=0)
    second = start_call(client, provider_id)
    for call_id in (first, second):
        response = client.get(f"/calls/{call_id}")
        assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Earlier: aslotb hole &lt;c&gt;" in page  # NULs dropped, the rest escaped
    assert "\x00" not in page


def test_what_is_still_open_follows_the_newest_checklist(client, call, directory,
                                                         monkeypatch):
    provider_id, first = call
    newer = copy.deepcopy(directory.current.data)
    newer["version"] = directory.current.version + 1
    newer["questions"] = [q for q in newer["questions"] if q["id"] != "knows_literature"]
    monkeypatch.setattr(directory, "current", checklist_from_data(newer, with_rules=True))
    page = client.get(f"/calls/{first}").get_data(as_text=True)
    assert 'id="q-knows_literature"' in page  # the first call was asked it
    assert page.count("Still open") == 3  # but the newest checklist no longer asks it
    assert "Still open" not in page.split('id="q-knows_literature"')[1].split("</section>")[0]


def test_odd_values_in_a_restored_file_are_shown_as_the_form_would_read_them(client, call,
                                                                           directory):
    provider_id, call_id = call
    directory.store.update("calls", call_id, {
        "outcome": {"a": 1}, "follow_up_on": ["soon"],
        "answers": {"step_size": {"option": ["fixed_mg"]}},
        "practical": {"telemedicine_states": {"states": "CA"}, "cost": {"option": 7}},
        "red_flags": {"deadline": {"ticked": "yes"}}})
    response = client.get(f"/calls/{call_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert not re.search(r'<input checked[^>]*name="(answer-step_size|outcome)"', page)
    assert re.search(r'<input[^>]*checked[^>]*name="flag-deadline"', page)


def test_the_call_screen_shows_the_verdict_so_far_and_what_is_still_open(client, call):
    provider_id, call_id = call
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert re.search(r'<span id="live-verdict-score">0 of 4 core questions asked</span>'
                     r'<span id="live-verdict-asked"></span> · '
                     r'<span id="live-verdict-flags">no red flags yet</span>', page)
    for name in ("flag-deadline", "flag-refuses_liquid"):
        save_field(client, call_id, name, True, rev=0)
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert re.search(r'<strong id="live-verdict-label">Not a match — red flag</strong>.*?'
                     r' · <span id="live-verdict-flags">2 red flags</span>', page)


def test_once_there_is_a_score_the_line_still_counts_the_questions_asked(client, call):
    provider_id, call_id = call
    for question, option in [("step_size", "percent_of_current"),
                             ("liquid_formulation", "yes_with_pharmacy"),
                             ("bad_reaction", "hold_or_updose")]:
        reply = save_field(client, call_id, f"answer-{question}", option, rev=0)
    assert reply["standing"]["asked_words"] == " (3 of 4 asked)"
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert re.search(r'<span id="live-verdict-score">100 %</span>'
                     r'<span id="live-verdict-asked"> \(3 of 4 asked\)</span>', page)


def test_removing_a_call_can_be_undone(client, call, directory):
    provider_id, call_id = call
    save_field(client, call_id, "flag-deadline", True, rev=0)
    page = client.post(f"/calls/{call_id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Removed that call." in page and f'action="/calls/{call_id}/restore"' in page
    assert directory.provider(provider_id)["standing"]["red_flags"] == []
    client.post(f"/calls/{call_id}/restore")
    assert directory.provider(provider_id)["standing"]["red_flags"] == ["deadline"]


def test_summary_shows_which_call_each_answer_came_from(client, call):
    provider_id, first = call
    save_field(client, first, "spoke_with", "front_desk", rev=0)
    save_field(client, first, "answer-knows_literature", "knows", rev=0)
    second = start_call(client, provider_id)
    save_field(client, second, "spoke_with", "clinician", rev=0)
    save_field(client, second, "answer-step_size", "percent_of_current", rev=0)
    page = client.get(f"/providers/{provider_id}/summary").get_data(as_text=True)
    assert "(front desk)" in page and "(the clinician)" in page
    assert re.search(r"The work of Horowitz &amp; Taylor.*?call 1,", page, re.S)


def test_editing_a_note_does_not_bring_back_a_cleared_red_flag(client, call, directory):
    provider_id, call_id = call
    save_field(client, call_id, "flag-deadline", True, rev=0)
    save_field(client, call_id, "answer-step_size", "fixed_mg", rev=0)
    client.post(f"/providers/{provider_id}/red-flags/deadline/clear")
    client.post(f"/providers/{provider_id}/red-flags/fixed_mg_steps/clear")
    assert directory.provider(provider_id)["standing"]["red_flags"] == []
    save_field(client, call_id, "flag_note-deadline", "they said six months", rev=0)
    save_field(client, call_id, "answer_note-step_size", "0.25 mg steps", rev=0)
    assert directory.provider(provider_id)["standing"]["red_flags"] == []
    save_field(client, call_id, "answer-step_size", "unclear", rev=1)
    save_field(client, call_id, "answer-step_size", "fixed_mg", rev=2)  # said again: counts
    assert directory.provider(provider_id)["standing"]["red_flags"] == ["fixed_mg_steps"]


def test_ending_a_call_without_a_date_keeps_the_providers_follow_up(client, directory):
    provider_id = add_provider(client, name="Dr Dated", follow_up_on="2026-12-01")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "outcome", "left_message", rev=0)
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    client.post(f"/calls/{call_id}/end", data=whole_form(page, end_status=""))
    record = directory.provider(provider_id)
    assert record["status"] == "waiting" and record["follow_up_on"] == "2026-12-01"


def test_a_folded_group_with_a_refused_answer_comes_back_open(client, call):
    page = client.get(f"/calls/{call[1]}").get_data(as_text=True)
    assert '<details class="practical-group" data-group="0">' in page   # folded at first
    response = client.post(f"/calls/{call[1]}",
                           data=whole_form(page, **{"practical-wait": "a long wait " * 60}))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<details class="practical-group" open data-group="0">' in body
    assert '<details class="practical-group" data-group="1">' in body   # the other stays folded


def end_call(client, call_id: int, end_status: str = ""):
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    return client.post(f"/calls/{call_id}/end", data=whole_form(page, end_status=end_status),
                       follow_redirects=True)


def test_a_routine_call_keeps_a_booked_appointment_unless_another_status_is_chosen(
        client, directory):
    provider_id = add_provider(client, name="Dr Booked", status="booked")
    first = start_call(client, provider_id)
    save_field(client, first, "outcome", "answered", rev=0)
    body = end_call(client, first).get_data(as_text=True)
    assert "Dr Booked stays “Appointment booked”" in body
    assert directory.provider(provider_id)["status"] == "booked"
    # Ending the same call again, or another, the same way: still booked.
    end_call(client, first)
    second = start_call(client, provider_id)
    save_field(client, second, "outcome", "left_message", rev=0)
    end_call(client, second)
    assert directory.provider(provider_id)["status"] == "booked"
    # News that ends follow-ups too still moves it; so does a status chosen by hand.
    save_field(client, second, "outcome", "not_taking_patients", rev=1)
    end_call(client, second)
    assert directory.provider(provider_id)["status"] == "ruled_out"
    end_call(client, second, end_status="called")
    assert directory.provider(provider_id)["status"] == "called"


def test_ending_a_call_can_be_undone_back_to_the_status_and_date_before(client, directory):
    provider_id = add_provider(client, name="Dr Dated", follow_up_on="2026-12-01")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "outcome", "left_message", rev=0)
    save_field(client, call_id, "follow_up_on", "2026-12-09", rev=0)
    body = end_call(client, call_id).get_data(as_text=True)
    undo = f"/calls/{call_id}/end/undo"
    assert "Dr Dated is now “Waiting for call back”" in body and f'action="{undo}"' in body
    body = html.unescape(client.post(undo, follow_redirects=True).get_data(as_text=True))
    assert ("Dr Dated is as before the call: “To call”, follow up on Tue 1 Dec 2026. The "
            "call's answers stay saved.") in body
    record = directory.provider(provider_id)
    assert record["status"] == "to_call" and record["follow_up_on"] == "2026-12-01"
    assert [change["via"] for change in record["status_history"]] == ["added"]
    assert stored(directory, call_id)["outcome"] == "left_message"
    body = client.post(undo, follow_redirects=True).get_data(as_text=True)
    assert "That can no longer be undone" in body
    assert directory.provider(provider_id)["status"] == "to_call"


def test_an_ended_call_that_changed_nothing_offers_no_undo(client, call):
    save_field(client, call[1], "outcome", "call_back", rev=0)
    body = end_call(client, call[1]).get_data(as_text=True)
    assert "Dr Ann Lee stays “To call”" in body and "/end/undo" not in body


def test_undo_after_the_status_changed_since_changes_nothing(client, call, directory):
    provider_id, call_id = call
    save_field(client, call_id, "outcome", "answered", rev=0)
    end_call(client, call_id)
    client.post(f"/providers/{provider_id}/edit", data={
        "name": "Dr Ann Lee", "telemedicine": "unknown", "payment": "unknown",
        "status": "booked"})
    body = client.post(f"/calls/{call_id}/end/undo", follow_redirects=True).get_data(
        as_text=True)
    assert ("That can no longer be undone: the status or the follow-up date has changed "
            "since.") in body
    assert directory.provider(provider_id)["status"] == "booked"


def test_undo_after_the_follow_up_date_was_changed_since_keeps_the_new_date(client, call,
                                                                           directory):
    provider_id, call_id = call
    save_field(client, call_id, "outcome", "left_message", rev=0)
    save_field(client, call_id, "follow_up_on", "2026-12-09", rev=0)
    end_call(client, call_id)
    client.post(f"/providers/{provider_id}/edit", data={
        "name": "Dr Ann Lee", "telemedicine": "unknown", "payment": "unknown",
        "status": "waiting", "follow_up_on": "2027-01-15"})
    body = client.post(f"/calls/{call_id}/end/undo", follow_redirects=True).get_data(
        as_text=True)
    assert "That can no longer be undone" in body
    record = directory.provider(provider_id)
    assert (record["status"], record["follow_up_on"]) == ("waiting", "2027-01-15")


def test_the_status_history_numbers_calls_as_the_providers_page_does(client, directory):
    other = add_provider(client, name="Dr Other")
    for _ in range(3):  # calls of another provider take the first ids
        start_call(client, other)
    provider_id = add_provider(client, name="Dr Second")
    first, second = start_call(client, provider_id), start_call(client, provider_id)
    for call_id in (first, second):
        save_field(client, call_id, "outcome", "left_message", rev=0)
        end_call(client, call_id)
    body = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "(call 1: left a message)" in body and "(call 2: left a message)" in body
    assert f"(call {second}:" not in body
    client.post(f"/calls/{first}/delete")
    body = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "(a removed call: left a message)" in body and "(call 1: left a message)" in body
    assert directory.call_numbers()[second] == 1
