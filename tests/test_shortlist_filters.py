"""Shortlist filters, search, sorting, counts and descriptions, on plain rows: no app.

Rows are dicts shaped like stored provider records, with the `standing` summary the
directory keeps on each one, made into the shortlist's compact entries as the directory
makes them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from finder.content import load_content
from finder.domain.shortlist_entries import shortlist_entry
from finder.domain.shortlist_filters import (SORTS, ShortlistIndex, ShortlistQuery,
                                             build_filters, describe, run_query)
from support import REPO

TODAY = dt.date(2026, 11, 25)
CONTENT = load_content(REPO / "data")
VOCABULARY = CONTENT.vocabulary
VERDICTS = {v["id"]: v["label"] for v in CONTENT.checklist.data["verdict"]["labels"]}


def provider(name, *, verdict="incomplete", percent=None, red_flags=(), last_call_at=None,
             **fields):
    """A row as the directory stores it, with its standing summary."""
    return {
        "id": abs(hash(name)) % 10_000, "name": name, "practice": "", "notes": "",
        "city": "", "state": "", "specialty": "", "phone": "", "telemedicine": "unknown",
        "telemedicine_states": [], "payment": "unknown", "insurance_plans": "",
        "referral_source": "", "status": "to_call", "follow_up_on": "", "tags": [],
        "standing": {"verdict": verdict, "percent": percent, "red_flags": list(red_flags),
                     "last_call_at": last_call_at},
        **fields,
    }


ROWS = [
    provider("Dr Ann Lee", verdict="strong", percent=100, state="CA", telemedicine="yes",
             telemedicine_states=["CA", "OR"], specialty="family_medicine", payment="both",
             referral_source="benzobuddies", status="called", follow_up_on="2026-11-20",
             tags=["near", "ask sister"], practice="Lee Family Medicine",
             last_call_at="2026-11-24T10:00", notes="Knows the Maudsley guidelines."),
    provider("Dr Marco Ruiz", verdict="promising", percent=73, red_flags=["deadline"],
             state="OR", telemedicine="no", specialty="psychiatry", payment="self_pay",
             referral_source="bic", status="waiting", follow_up_on="2026-11-25",
             last_call_at="2026-11-23T09:00", insurance_plans="$300 a visit"),
    provider("Dr Kim Park", state="WA", specialty="addiction_medicine", payment="insurance",
             referral_source="benzobuddies", follow_up_on="2026-12-10", tags=["far away"],
             notes="Suggested by my sister."),
    provider("Dr Zoe Adams", verdict="not_a_match", percent=20,
             red_flags=["fixed_mg_steps", "refuses_liquid"], state="CA",
             specialty="psychiatry", status="ruled_out", last_call_at="2026-11-22T15:00",
             city="Fresno"),
]


def run(rows=ROWS, **args):
    """Run a query given as keyword arguments; a list gives several values."""
    multi = MultiDict()
    for key, value in args.items():
        for item in value if isinstance(value, list) else [value]:
            multi.add(key, item)
    tags = {tag for row in rows for tag in row.get("tags") or []}
    filters = build_filters(VOCABULARY, VERDICTS, TODAY, tags)
    query = ShortlistQuery.parse(multi.getlist, filters)
    index = ShortlistIndex([shortlist_entry(row["id"], row) for row in rows], TODAY)
    return run_query(index, filters, query), filters, query


def names(**args) -> list[str]:
    return [row.name for row in run(**args)[0].rows]


def shown(**args) -> set[str]:
    return set(names(**args))


def counts(view, key) -> dict[str, int]:
    return {option.value: option.count for option in view.options[key]}


# -- each filter alone --------------------------------------------------------------------


@pytest.mark.parametrize("args, expected", [
    ({"status": "called"}, {"Dr Ann Lee"}),
    ({"status": "to_call"}, {"Dr Kim Park"}),
    ({"verdict": "strong"}, {"Dr Ann Lee"}),
    ({"verdict": "incomplete"}, {"Dr Kim Park"}),
    ({"red_flags": "none"}, {"Dr Ann Lee", "Dr Kim Park"}),
    ({"red_flags": "any"}, {"Dr Marco Ruiz", "Dr Zoe Adams"}),
    ({"score": "80-100"}, {"Dr Ann Lee"}),
    ({"score": "50-79"}, {"Dr Marco Ruiz"}),
    ({"score": "0-49"}, {"Dr Zoe Adams"}),
    ({"score": "unscored"}, {"Dr Kim Park"}),
    ({"telemedicine": "yes"}, {"Dr Ann Lee"}),
    ({"telemedicine": "no"}, {"Dr Marco Ruiz"}),
    ({"telemedicine": "unknown"}, {"Dr Kim Park", "Dr Zoe Adams"}),
    ({"specialty": "psychiatry"}, {"Dr Marco Ruiz", "Dr Zoe Adams"}),
    ({"payment": "self_pay"}, {"Dr Marco Ruiz"}),
    ({"payment": "unknown"}, {"Dr Zoe Adams"}),
    ({"referral": "benzobuddies"}, {"Dr Ann Lee", "Dr Kim Park"}),
    ({"follow_up": "due"}, {"Dr Ann Lee", "Dr Marco Ruiz"}),  # past, and today
    ({"follow_up": "later"}, {"Dr Kim Park"}),
    ({"follow_up": "none"}, {"Dr Zoe Adams"}),
    ({"tag": "ask sister"}, {"Dr Ann Lee"}),
    ({"tag": "far away"}, {"Dr Kim Park"}),
])
def test_each_filter_alone(args, expected):
    assert shown(**args) == expected


def test_state_matches_where_they_are_or_where_they_see_people_by_video():
    assert shown(state="OR") == {"Dr Marco Ruiz", "Dr Ann Lee"}  # Lee covers OR by video
    assert shown(state="CA") == {"Dr Ann Lee", "Dr Zoe Adams"}
    assert shown(state="WA") == {"Dr Kim Park"}
    assert shown(state="NY") == set()


def test_video_states_only_count_when_video_is_offered():
    rows = [provider("Dr Stale", telemedicine="no", telemedicine_states=["NY"])]
    assert run(rows, state="NY")[0].rows == []


def test_a_missing_payment_or_standing_counts_as_not_known():
    rows = [{"id": 1, "name": "Dr Bare", "status": "to_call"}]
    assert [r.name for r in run(rows, payment="unknown")[0].rows] == ["Dr Bare"]
    assert [r.name for r in run(rows, verdict="incomplete")[0].rows] == ["Dr Bare"]
    assert [r.name for r in run(rows, score="unscored")[0].rows] == ["Dr Bare"]


# -- combining ----------------------------------------------------------------------------


def test_several_values_of_one_filter_mean_any_of_them():
    assert shown(status=["called", "waiting"]) == {"Dr Ann Lee", "Dr Marco Ruiz"}
    assert shown(score=["80-100", "unscored"]) == {"Dr Ann Lee", "Dr Kim Park"}
    assert shown(tag=["ask sister", "far away"]) == {"Dr Ann Lee", "Dr Kim Park"}


def test_different_filters_must_all_match():
    assert shown(specialty="psychiatry", red_flags="any") == {"Dr Marco Ruiz", "Dr Zoe Adams"}
    assert shown(specialty="psychiatry", state="CA") == {"Dr Zoe Adams"}
    assert shown(referral="benzobuddies", red_flags="none", follow_up="due") == {"Dr Ann Lee"}


def test_or_within_and_across():
    assert shown(status=["called", "to_call", "waiting"], state=["CA", "WA"]) == {
        "Dr Ann Lee", "Dr Kim Park"}


def test_every_filter_at_once():
    assert shown(status="called", verdict="strong", red_flags="none", score="80-100",
                 state="OR", telemedicine="yes", specialty="family_medicine", payment="both",
                 referral="benzobuddies", follow_up="due", tag="near") == {"Dr Ann Lee"}


def test_unknown_filters_and_values_are_ignored():
    assert shown(status="bribed") == shown()
    assert shown(colour="blue", verdict="great", state="Narnia", tag="never used") == shown()
    _, _, query = run(status=["called", "bribed"], sort="cheapest")
    assert query.selected == {"status": ["called"]}
    assert query.sort == "score"


def test_a_value_given_twice_counts_once():
    _, _, query = run(status=["called", "called"])
    assert query.selected == {"status": ["called"]}


# -- counts -------------------------------------------------------------------------------


def test_counts_with_nothing_chosen_cover_every_row():
    view, _, _ = run()
    assert counts(view, "status") == {"to_call": 1, "called": 1, "waiting": 1, "booked": 0,
                                      "ruled_out": 1}
    assert counts(view, "red_flags") == {"none": 2, "any": 2}
    assert counts(view, "tag") == {"ask sister": 1, "far away": 1, "near": 1}
    assert counts(view, "state")["CA"] == 2 and counts(view, "state")["OR"] == 2


def test_counts_follow_the_other_filters_but_not_their_own():
    view, _, _ = run(specialty="psychiatry", status="waiting")
    # Status counts: given psychiatry only (not the status choice itself).
    assert counts(view, "status") == {"to_call": 0, "called": 0, "waiting": 1, "booked": 0,
                                      "ruled_out": 1}
    # Specialty counts: given status "waiting" only.
    assert counts(view, "specialty")["psychiatry"] == 1
    assert counts(view, "specialty")["family_medicine"] == 0
    # Another filter's counts: given both.
    assert counts(view, "red_flags") == {"none": 0, "any": 1}


def test_counts_follow_the_search():
    view, _, _ = run(q="sister")
    assert counts(view, "status")["to_call"] == 1  # Park: "sister" in notes
    assert counts(view, "status")["called"] == 1   # Lee: tag "ask sister"
    assert counts(view, "status")["waiting"] == 0


def test_selected_options_are_marked():
    view, _, _ = run(status=["called", "waiting"])
    chosen = [o.value for o in view.options["status"] if o.selected]
    assert chosen == ["called", "waiting"]



def test_a_short_filter_offers_every_choice_and_a_long_one_those_that_would_show_someone():
    view, _, _ = run(state="NY")
    assert [o.value for o in view.options["status"] if o.offered] == [
        "to_call", "called", "waiting", "booked", "ruled_out"]  # "booked" matches none
    assert [o.value for o in view.options["state"] if o.offered] == ["CA", "NY", "OR", "WA"]


def test_an_option_keeps_its_number_whatever_the_counts():
    # The page names each box after its number, and gives the focus back to it by that
    # name after the counts change.
    before = {o.value: o.number for o in run()[0].options["state"]}
    after = {o.value: o.number for o in run(status="waiting")[0].options["state"]}
    assert before == after
    assert sorted(before.values()) == list(range(1, len(before) + 1))
    assert before["CA"] < before["OR"] < before["WA"]

# -- description and emptied-by -----------------------------------------------------------


def test_no_filters_are_described_plainly():
    view, _, _ = run()
    assert view.description == "All providers, best match first."


def test_the_view_is_described_in_one_sentence():
    view, _, _ = run(status=["called", "waiting"], red_flags="none", state="CA",
                     tag="near", q="lee", sort="name")
    assert view.description == (
        "Providers with status Called or Waiting for call back, with no red flags, "
        "in or covering California, tagged near, matching “lee”; name A to Z.")


def test_video_visits_and_payment_read_as_part_of_the_sentence():
    _, filters, query = run(telemedicine="yes", payment=["self_pay", "unknown"])
    assert describe(filters, query) == (
        "Providers with video visits: offered, with payment: self-pay only or not known; "
        "best match first.")


def test_three_values_are_listed_with_commas_and_or():
    _, filters, query = run(status=["to_call", "called", "waiting"])
    assert describe(filters, query) == (
        "Providers with status To call, Called or Waiting for call back; best match first.")


def test_an_empty_result_names_each_filter_that_emptied_it():
    view, _, _ = run(specialty="psychiatry", red_flags="none", state="CA")
    assert view.rows == []
    assert view.emptied_by == [
        "with no red flags (without it: 1 provider)",
        "specialty Psychiatry (without it: 1 provider)",
    ]


def test_an_empty_result_from_the_search_says_so():
    view, _, _ = run(q="nobody-by-this-name")
    assert view.rows == [] and view.total == 4
    assert view.emptied_by == ["the search “nobody-by-this-name” (without it: 4 providers)"]


def test_the_search_is_named_when_it_empties_a_filtered_view():
    view, _, _ = run(status="ruled_out", q="sister")
    assert view.rows == []
    assert "the search “sister” (without it: 1 provider)" in view.emptied_by
    assert "with status Ruled out (without it: 2 providers)" in view.emptied_by


def test_when_no_single_filter_is_to_blame_nothing_is_named():
    view, _, _ = run(status="booked", specialty="neurology")
    assert view.rows == [] and view.emptied_by == []


def test_emptied_by_is_only_computed_for_an_empty_result():
    view, _, _ = run(status="called")
    assert view.rows and view.emptied_by == []


# -- search -------------------------------------------------------------------------------


@pytest.mark.parametrize("search, expected", [
    ("lee", {"Dr Ann Lee"}),
    ("LEE family", {"Dr Ann Lee"}),                 # case does not matter; all words
    ("maudsley", {"Dr Ann Lee"}),                   # notes
    ("family medicine", {"Dr Ann Lee"}),            # practice
    ("sister", {"Dr Ann Lee", "Dr Kim Park"}),      # a tag, and notes
    ("far away", {"Dr Kim Park"}),                  # a tag of two words
    ("fresno", {"Dr Zoe Adams"}),                   # city
    ("$300", {"Dr Marco Ruiz"}),                    # plans or cost
    ("lee ruiz", set()),                            # every word must match
    ("   lee   ", {"Dr Ann Lee"}),
])
def test_search(search, expected):
    assert shown(q=search) == expected


def test_search_is_trimmed_and_limited():
    _, _, query = run(q="  ann    lee  ")
    assert query.search == "ann lee"
    _, _, query = run(q="x" * 500)
    assert len(query.search) == 200


# -- sorting ------------------------------------------------------------------------------


def test_default_sort_is_best_verdict_then_score():
    # Incomplete last: it has no score to show (issue 16).
    assert names() == ["Dr Ann Lee", "Dr Marco Ruiz", "Dr Zoe Adams", "Dr Kim Park"]


def test_a_verdict_outranks_a_higher_score():
    rows = [provider("Dr Two Flags", verdict="not_a_match", percent=100,
                     red_flags=["deadline", "refuses_liquid"]),
            provider("Dr One Question", verdict="incomplete", percent=100),
            provider("Dr Strong", verdict="strong", percent=91),
            provider("Dr Promising", verdict="promising", percent=95, red_flags=["deadline"])]
    assert [r.name for r in run(rows)[0].rows] == [
        "Dr Strong", "Dr Promising", "Dr Two Flags", "Dr One Question"]


def test_equal_scores_put_fewer_red_flags_first_then_name():
    rows = [provider("Dr B", percent=60, red_flags=["deadline"]),
            provider("Dr C", percent=60),
            provider("Dr A", percent=60, red_flags=["deadline"])]
    assert [r.name for r in run(rows)[0].rows] == ["Dr C", "Dr A", "Dr B"]


def test_sort_by_name_ignores_case():
    rows = [provider("dr beta"), provider("Dr Alpha"), provider("DR Gamma")]
    assert [r.name for r in run(rows, sort="name")[0].rows] == [
        "Dr Alpha", "dr beta", "DR Gamma"]


def test_sort_by_last_contact_puts_never_called_last():
    assert names(sort="last_contact") == ["Dr Ann Lee", "Dr Marco Ruiz", "Dr Zoe Adams",
                                          "Dr Kim Park"]


def test_sort_by_follow_up_puts_soonest_first_and_no_date_last():
    assert names(sort="follow_up") == ["Dr Ann Lee", "Dr Marco Ruiz", "Dr Kim Park",
                                       "Dr Zoe Adams"]


def test_sorting_applies_after_filtering():
    assert names(red_flags="none", sort="name") == ["Dr Ann Lee", "Dr Kim Park"]


@pytest.mark.parametrize("sort", ["score", "percent", "name", "last_contact", "follow_up"])
def test_every_view_lists_its_providers_in_the_order_sorting_them_alone_gives(sort):
    # The index sorts every entry once and picks the matches out of that order.
    rows = [provider(f"Dr {name}", verdict=verdict, percent=percent, state=state,
                     last_call_at=called, follow_up_on=due)
            for name, verdict, percent, state, called, due in [
                ("Bo", "promising", 60, "CA", "2026-11-02T10:00", "2026-12-03"),
                ("al", "strong", 90, "OR", "", "2026-11-30"),
                ("Cy", "promising", 60, "CA", "2026-11-05T10:00", ""),
                ("Di", "incomplete", None, "CA", "2026-11-05T10:00", "2026-11-30"),
                ("Ed", "not_a_match", 20, "CA", "", "2026-12-01")]]
    everyone = names(rows=rows, sort=sort)
    in_ca = names(rows=rows, sort=sort, state="CA")
    assert in_ca == [name for name in everyone if name != "Dr al"]
    _, key, reverse = SORTS[sort]
    entries = [shortlist_entry(row["id"], row) for row in rows if row["state"] == "CA"]
    assert in_ca == [e.name for e in sorted(entries, key=key, reverse=reverse)]


def test_every_search_word_must_be_found():
    assert shown(q="sister") == {"Dr Kim Park", "Dr Ann Lee"}
    assert shown(q="sister park") == {"Dr Kim Park"}
    assert shown(q="park sister nobody") == set()


# -- what mutation testing showed unpinned (issue 17), and issue 16's orders ---------------


def test_best_match_puts_the_higher_score_first_within_a_verdict():
    rows = [provider("Dr Low", verdict="promising", percent=55),
            provider("Dr High", verdict="promising", percent=75),
            provider("Dr Middle", verdict="promising", percent=60)]
    assert [r.name for r in run(rows)[0].rows] == ["Dr High", "Dr Middle", "Dr Low"]


def test_best_match_puts_unscored_providers_last():
    rows = [provider("Dr Nothing Asked"),
            provider("Dr Two Asked", percent=100),
            provider("Dr Not A Match", verdict="not_a_match", percent=10),
            provider("Dr Strong", verdict="strong", percent=80)]
    assert [r.name for r in run(rows)[0].rows] == [
        "Dr Strong", "Dr Not A Match", "Dr Two Asked", "Dr Nothing Asked"]


def test_best_match_ranks_the_not_a_match_kinds_together_by_score():
    rows = [provider("Dr Flag", verdict="red_flag", percent=30, red_flags=["deadline"]),
            provider("Dr Low Score", verdict="not_a_match", percent=40),
            provider("Dr Promising", verdict="promising", percent=50)]
    assert [r.name for r in run(rows)[0].rows] == ["Dr Promising", "Dr Low Score", "Dr Flag"]


def test_the_plain_score_order_is_the_score_shown_highest_first_and_incomplete_last():
    rows = [provider("Dr Incomplete", verdict="incomplete", percent=100),
            provider("Dr Not A Match", verdict="not_a_match", percent=95),
            provider("Dr Strong", verdict="strong", percent=85),
            provider("Dr Never Called")]
    view, _, query = run(rows, sort="percent")
    assert [r.name for r in view.rows] == [
        "Dr Not A Match", "Dr Strong", "Dr Incomplete", "Dr Never Called"]
    assert view.description == "All providers, highest score first."


@pytest.mark.parametrize("percent, band", [
    (100, "80-100"), (80, "80-100"), (79, "50-79"), (50, "50-79"), (49, "0-49"), (0, "0-49"),
])
def test_a_score_falls_in_its_band_at_the_edges(percent, band):
    rows = [provider("Dr Edge", verdict="promising", percent=percent)]
    view, _, _ = run(rows, score=band)
    assert [r.name for r in view.rows] == ["Dr Edge"]
    assert {o.value: o.count for o in view.options["score"]}[band] == 1


def test_an_incomplete_provider_has_no_score_band():
    # Incomplete shows how many questions were asked, never a percentage.
    rows = [provider("Dr Asked Two", verdict="incomplete", percent=100)]
    assert [r.name for r in run(rows, score="unscored")[0].rows] == ["Dr Asked Two"]
    assert run(rows, score="80-100")[0].rows == []


@pytest.mark.parametrize("search", ["Dr Kim Park", "kim park", "Park", "PARK"])
def test_a_search_by_a_providers_name_finds_it(search):
    assert shown(q=search) == {"Dr Kim Park"}


def test_a_search_ignores_accents_in_names_and_notes():
    rows = [provider("Dr Rosa Müller", notes="Spricht Français"), provider("Dr Rosa Miller")]
    assert [r.name for r in run(rows, q="Muller")[0].rows] == ["Dr Rosa Müller"]
    assert [r.name for r in run(rows, q="francais")[0].rows] == ["Dr Rosa Müller"]


# -- pages ----------------------------------------------------------------------------------


def many(count: int) -> list[dict]:
    return [provider(f"Dr {n:03d}") | {"id": n} for n in range(1, count + 1)]


def test_a_page_holds_its_share_of_the_rows_in_order():
    view, _, query = run(many(250), sort="name", page="2", per_page="100")
    page = view.page(query.page, query.per_page)
    assert (page.number, page.count, page.first, page.last) == (2, 3, 101, 200)
    assert page.rows[0].name == "Dr 101" and page.rows[-1].name == "Dr 200"
    last = view.page(3, 100)
    assert [last.first, last.last, len(last.rows)] == [201, 250, 50]


def test_the_pages_of_a_filtered_view_are_its_matches_in_order():
    # A page is read off the sorted entries as far as it needs: every page together must
    # still be every match, once, in order.
    rows = [provider(f"Dr {n:03d}", state="CA" if n % 3 else "OR",
                     verdict="promising" if n % 2 else "strong", percent=n % 100) | {"id": n}
            for n in range(1, 301)]
    view, _, _ = run(rows, state="CA", sort="percent")
    pages = [view.page(number, 30).rows for number in range(1, 8)]
    assert [len(page) for page in pages] == [30, 30, 30, 30, 30, 30, 20]
    joined = [entry.name for page in pages for entry in page]
    assert joined == [entry.name for entry in view.rows] and len(set(joined)) == 200
    _, key, _ = SORTS["percent"]
    in_ca = [shortlist_entry(r["id"], r) for r in rows if r["state"] == "CA"]
    assert joined == [entry.name for entry in sorted(in_ca, key=key)]


def test_an_empty_stretch_of_a_view_holds_no_row():
    view, _, _ = run(many(30))
    filtered, _, _ = run(many(30) + [provider("Dr Booked", status="booked")], status="to_call")
    for shown in (view, filtered):
        assert shown.pick(5, 5) == [] and shown.pick(7, 3) == []


def test_counts_and_the_total_cover_every_page():
    view, _, query = run(many(250), page="3", per_page="25")
    assert len(view.rows) == 250 and view.total == 250
    assert counts(view, "status")["to_call"] == 250
    assert len(view.page(query.page, query.per_page).rows) == 25


def test_a_page_past_the_end_shows_the_last_page_and_remembers_what_was_asked():
    view, _, _ = run(many(30))
    page = view.page(7, 25)
    assert (page.number, page.count, page.asked, len(page.rows)) == (2, 2, 7, 5)


def test_an_empty_view_is_one_empty_page():
    view, _, _ = run([])
    page = view.page(1, 100)
    assert (page.number, page.count, page.first, page.last, page.rows) == (1, 1, 0, 0, [])


@pytest.mark.parametrize("page, per_page, expected", [
    ("2", "50", (2, 50)),
    (None, None, (1, 100)),                    # the defaults
    ("0", "0", (1, 100)),                      # not a page or a size
    ("-3", "-5", (1, 100)),
    ("two", "lots", (1, 100)),
    ("１", "２５", (1, 100)),                   # digits, but not ASCII ones
    ("99999999999", "5000", (1, 1000)),        # too long a number; the largest size
    (" 3 ", "25", (3, 25)),
])
def test_the_page_and_its_size_are_read_calmly_from_the_address(page, per_page, expected):
    args = {key: value for key, value in (("page", page), ("per_page", per_page)) if value}
    _, _, query = run(**args)
    assert (query.page, query.per_page) == expected


def test_sorting_by_name_leaves_titles_out_so_doctors_are_not_all_under_d():
    names = ["Dr Zoe Young", "Amy Adams, NP", "Dr. Bea Brown", "Carl Cole", "Dr"]
    entries = [shortlist_entry(number, {"name": name}) for number, name in enumerate(names, 1)]
    _, key, _ = SORTS["name"]
    assert [entry.name for entry in sorted(entries, key=key)] == [
        "Amy Adams, NP", "Dr. Bea Brown", "Carl Cole", "Dr", "Dr Zoe Young"]
