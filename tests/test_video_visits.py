"""A call's answer about video visits fills in the provider's Video visits while the user
has not set them (finder.domain.video_visits), and the shortlist finds them by it."""

import html

from support import add_provider, save_field, start_call

from finder.domain.video_visits import set_by_hand, video_details_heard


def call(call_id, option=None, states=None, note=None):
    practical = {}
    if option or note:
        practical["telemedicine"] = {"option": option or "", "note": note or ""}
    if states:
        practical["telemedicine_states"] = {"states": states}
    return {"id": call_id, "practical": practical}


def test_an_answer_fills_in_video_visits_left_not_known_with_the_states_named():
    assert video_details_heard({"telemedicine": "unknown"}, [call(4, "yes", ["WA", "OR"])]) \
        == {"telemedicine": "yes", "telemedicine_states": ["OR", "WA"], "video_from_call": 4}
    assert video_details_heard({}, [call(2, "in_person_only")]) == {
        "telemedicine": "no", "telemedicine_states": [], "video_from_call": 2}


def test_what_the_user_set_is_never_changed_by_a_call():
    yes = [call(4, "yes", ["OR"])]
    assert video_details_heard({"telemedicine": "no"}, yes) == {}
    assert video_details_heard({"telemedicine": "unknown", "telemedicine_states": ["ID"]},
                               [call(4, "in_person_only")]) == {}
    assert video_details_heard({"telemedicine": "unknown", "video_by_hand": True}, yes) == {}


def test_details_a_call_filled_in_follow_the_latest_answer_and_its_taking_back():
    filled = {"telemedicine": "yes", "telemedicine_states": ["OR", "WA"],
              "video_from_call": 4}
    first = call(4, "yes", ["WA", "OR"])
    assert video_details_heard(filled, [first]) == {}
    assert video_details_heard(filled, [first, call(5, "in_person_only")]) == {
        "telemedicine": "no", "telemedicine_states": [], "video_from_call": 5}
    assert video_details_heard(filled, [call(4, "unsure")]) == {
        "telemedicine": "unknown", "telemedicine_states": [], "video_from_call": None}
    assert video_details_heard(filled, []) == {
        "telemedicine": "unknown", "telemedicine_states": [], "video_from_call": None}


def test_states_named_without_the_yes_still_say_they_see_patients_by_video():
    assert video_details_heard({}, [call(3, states=["TX"])]) == {
        "telemedicine": "yes", "telemedicine_states": ["TX"], "video_from_call": 3}
    assert video_details_heard({}, [call(3, "unsure", ["TX"])]) == {}


def test_a_later_note_alone_changes_nothing():
    filled = {"telemedicine": "yes", "telemedicine_states": ["OR"], "video_from_call": 4}
    assert video_details_heard(filled, [call(4, "yes", ["OR"]),
                                        call(5, note="asked again, no answer")]) == {}


def test_an_edit_that_changes_video_visits_makes_them_the_users_own():
    provider = {"telemedicine": "yes", "telemedicine_states": ["OR"], "video_from_call": 3}
    assert not set_by_hand(provider, {"name": "x", "telemedicine": "yes",
                                      "telemedicine_states": ["OR"]})
    assert set_by_hand(provider, {"telemedicine": "yes", "telemedicine_states": ["OR", "WA"]})
    assert set_by_hand(provider, {"telemedicine": "no"})


def test_saying_yes_by_video_on_a_call_puts_the_provider_in_the_video_filter(client,
                                                                           directory):
    provider_id = add_provider(client, name="Dr Screen")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "practical-telemedicine", "yes", rev=0)
    save_field(client, call_id, "practical-telemedicine_states", ["WA", "OR"], rev=0)
    record = directory.provider(provider_id)
    assert (record["telemedicine"], record["telemedicine_states"]) == ("yes", ["OR", "WA"])
    page = html.unescape(client.get(f"/providers/{provider_id}").get_data(as_text=True))
    assert "Offered — OR, WA <span class=\"small muted\">(as they said on call 1)</span>" in page
    shortlist = client.get("/?telemedicine=yes").get_data(as_text=True)
    assert f'<a href="/providers/{provider_id}">Dr Screen</a>' in shortlist
    assert "Video: OR, WA" in shortlist
    # The edit form sends the details back unchanged: they still follow the call.
    client.post(f"/providers/{provider_id}/edit", data={
        "name": "Dr Screen", "telemedicine": "yes", "telemedicine_states": ["OR", "WA"],
        "payment": "unknown", "status": "to_call"})
    save_field(client, call_id, "practical-telemedicine", "unsure", rev=1)
    assert directory.provider(provider_id)["telemedicine"] == "unknown"
    shortlist = client.get("/?telemedicine=yes").get_data(as_text=True)
    assert f'<a href="/providers/{provider_id}">Dr Screen</a>' not in shortlist


def test_video_visits_set_on_the_form_stay_whatever_a_call_says(client, directory):
    provider_id = add_provider(client, name="Dr Own Words", telemedicine="no")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "practical-telemedicine", "yes", rev=0)
    assert directory.provider(provider_id)["telemedicine"] == "no"
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "as they said on call" not in page


def test_not_known_set_back_by_hand_is_not_filled_in_again(client, directory):
    provider_id = add_provider(client, name="Dr Changed Mind")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "practical-telemedicine", "yes", rev=0)
    client.post(f"/providers/{provider_id}/edit", data={
        "name": "Dr Changed Mind", "telemedicine": "unknown", "payment": "unknown",
        "status": "to_call"})
    save_field(client, call_id, "notes", "they rang back", rev=0)  # any later save
    record = directory.provider(provider_id)
    assert record["telemedicine"] == "unknown" and record["video_by_hand"] is True
