"""The whole job a new user does on day one, through the Flask test client: add three
providers, interview two (one with a red flag), filter to those without red flags, and print
the summary of the best one."""

from support import add_provider, save_field, start_call


def interview(client, provider_id, answers, flags=(), spoke_with="clinician"):
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "spoke_with", spoke_with, rev=0)
    for question, option in answers.items():
        save_field(client, call_id, f"answer-{question}", option, rev=0)
    for flag in flags:
        save_field(client, call_id, f"flag-{flag}", True, rev=0)
    return call_id


def test_day_one(client):
    lee = add_provider(client, name="Dr Ann Lee", practice="Lee Family Medicine",
                       phone="555-123-4567", state="CA", telemedicine="yes",
                       telemedicine_states=["CA", "OR"], referral_source="benzobuddies")
    ruiz = add_provider(client, name="Dr Marco Ruiz", phone="(555) 987-6543", state="OR")
    add_provider(client, name="Dr Kim Park", website="parkclinic.org")

    shortlist = client.get("/").get_data(as_text=True)
    assert "3 of 3 providers" in shortlist
    for name in ("Dr Ann Lee", "Dr Marco Ruiz", "Dr Kim Park"):
        assert name in shortlist

    interview(client, lee, {"step_size": "percent_of_current",
                            "liquid_formulation": "yes_with_pharmacy",
                            "bad_reaction": "hold_or_updose", "knows_literature": "knows"})
    interview(client, ruiz, {"step_size": "percent_of_current",
                             "liquid_formulation": "yes_no_pharmacy",
                             "bad_reaction": "hold_or_updose"}, flags=["deadline"])

    page = client.get(f"/providers/{ruiz}").get_data(as_text=True)
    # One of the article's red flags is enough, however good the other answers.
    assert "Deadline expectations" in page and "Not a match — red flag" in page

    filtered = client.get("/?red_flags=none&sort=score").get_data(as_text=True)
    assert "2 of 3 providers" in filtered
    assert "Dr Ann Lee" in filtered and "Dr Kim Park" in filtered
    assert "Dr Marco Ruiz" not in filtered
    assert "Providers with no red flags; best match first." in filtered
    assert filtered.index("Dr Ann Lee") < filtered.index("Dr Kim Park")  # best first

    summary = client.get(f"/providers/{lee}/summary")
    assert summary.status_code == 200
    text = summary.get_data(as_text=True)
    assert "Dr Ann Lee" in text and "Strong match" in text
    assert "11 of 11 points" in text
    assert "Horowitz MA, Taylor D" in text  # sources cited
    assert 'href="/static/print.css" media="print"' in text
    assert "main_nav" not in text and 'aria-label="Main"' not in text  # no navigation
