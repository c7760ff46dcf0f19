"""Follow-ups reach the user's own calendar: a provider's follow-up date, and every
call-back, as .ics files read back with the same iCalendar library — the phone number and
what is still to ask in each event, and nothing from the notes."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from support import add_provider, save_field, start_call


def events_of(response) -> list:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(Calendar.from_ical(response.data).walk("VEVENT"))


def test_a_follow_up_is_an_all_day_event_with_the_phone_and_what_is_left_to_ask(
        client, directory):
    provider_id = add_provider(client, name="Dr Rosa Müller", phone="555-123-4567",
                               follow_up_on="2026-12-07",
                               notes="Private: my sister knows her")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "answer-step_size", "percent_unclear_base", rev=0)
    save_field(client, call_id, "answer-liquid_formulation", "yes_with_pharmacy", rev=0)
    save_field(client, call_id, "answer_note-liquid_formulation", "Secret pharmacy note", rev=0)
    save_field(client, call_id, "notes", "Call notes nobody else should read", rev=0)

    response = client.get(f"/providers/{provider_id}/follow-up.ics")
    assert 'filename="finder-call-back-dr-rosa-muller.ics"' in \
        response.headers["Content-Disposition"]
    [event] = events_of(response)
    assert event.decoded("dtstart") == dt.date(2026, 12, 7)
    assert event.decoded("dtend") == dt.date(2026, 12, 8)
    assert str(event["summary"]) == "Call back Dr Rosa Müller"
    description = str(event["description"])
    assert description.startswith("Phone: 555-123-4567\n\nStill to ask:\n")
    # The two questions not asked yet, and the follow-up of the unclear answer.
    assert "- What happens if I react badly to a reduction?" in description
    assert "- Do you know Horowitz and Taylor's work on tapering?" in description
    assert ("- Ask whether the percentage is taken from the current dose or from the "
            "starting dose.") in description
    assert "Do you use liquid" not in description            # answered well: nothing to ask
    everything = response.data.decode()
    for private in ("sister", "Secret pharmacy", "Call notes"):
        assert private not in everything


def test_the_same_provider_keeps_one_event_when_the_date_moves(client, directory):
    provider_id = add_provider(client, name="Dr Ann Lee", follow_up_on="2026-12-07")
    [before] = events_of(client.get(f"/providers/{provider_id}/follow-up.ics"))
    directory.update_provider(provider_id, {"follow_up_on": "2026-12-14"})
    [after] = events_of(client.get(f"/providers/{provider_id}/follow-up.ics"))
    assert str(before["uid"]) == str(after["uid"])
    assert after.decoded("dtstart") == dt.date(2026, 12, 14)


def test_every_call_back_comes_in_one_file_in_date_order(client, directory):
    add_provider(client, name="Dr Later", follow_up_on="2027-01-04")
    add_provider(client, name="Dr Sooner", follow_up_on="2026-11-02", phone="555-010-0000")
    add_provider(client, name="Dr No Date")
    done = add_provider(client, name="Dr Ruled Out", follow_up_on="2026-12-01")
    directory.update_provider(done, {"status": "ruled_out"})
    gone = add_provider(client, name="Dr In Trash", follow_up_on="2026-12-01")
    directory.trash_provider(gone)
    events = events_of(client.get("/providers/follow-ups.ics"))
    assert [str(e["summary"]) for e in events] == ["Call back Dr Sooner", "Call back Dr Later"]
    assert len({str(e["uid"]) for e in events}) == 2
    assert str(events[1]["description"]).startswith("No phone number in finder.")


def test_the_links_are_on_the_provider_page_and_in_the_call_back_box(client):
    provider_id = add_provider(client, name="Dr Ann Lee",
                               follow_up_on=dt.date.today().isoformat())
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert f'href="/providers/{provider_id}/follow-up.ics" download>' in page
    assert 'href="/providers/follow-ups.ics" download>Add every call-back' in page
    shortlist = client.get("/").get_data(as_text=True)
    box = shortlist.split('id="due-heading"')[1].split("</section>")[0]
    assert 'href="/providers/follow-ups.ics" download>' in box


def test_a_provider_without_a_follow_up_date_gets_a_calm_404(client):
    provider_id = add_provider(client, name="Dr Ann Lee")
    response = client.get(f"/providers/{provider_id}/follow-up.ics")
    assert response.status_code == 404
    assert "has no follow-up date yet" in response.get_data(as_text=True)
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "follow-up.ics" not in page
