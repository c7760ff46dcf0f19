"""Exports — the shortlist view as CSV, everything as JSON — and restoring from the JSON file
with a preview and a confirm; exporting then restoring gives back exactly the same data."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from werkzeug.datastructures import MultiDict

from finder import create_app
from finder.content import load_content
from finder.domain.words import human_datetime
from finder.transfer.shortlist_csv import Words, status_history_words
from finder.store import SCHEMA_VERSION, backup_made_at, read_data_file
from finder.transfer import data_file
from support import REPO, add_provider, form_values, save_field, start_call, submit_form


def read_csv_download(response) -> list[dict]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="finder-shortlist-')
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def text_of(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def shown_names(client, query: str) -> list[str]:
    page = client.get("/" + query).get_data(as_text=True)
    table = page.split('class="shortlist-table"', 1)[1]
    return re.findall(r'<a href="/providers/\d+">([^<]+)</a>', table)


@pytest.fixture
def people(client, directory):
    """Providers with calls, answers, a red flag, practical answers and status changes."""
    lee = add_provider(client, name="Dr Ann Lee", practice="Lee Family Medicine",
                       phone="555-123-4567", website="annlee.com", city="Fresno", state="CA",
                       telemedicine="yes", telemedicine_states=["CA", "OR"], payment="both",
                       insurance_plans="Aetna", specialty="family_medicine",
                       referral_source="benzobuddies", referral_detail="a forum post",
                       tags="near, ask sister", notes="Kind on the phone.",
                       follow_up_on="2026-12-01")
    call = start_call(client, lee)
    for question, option in {"step_size": "percent_of_current",
                             "liquid_formulation": "yes_with_pharmacy",
                             "bad_reaction": "hold_or_updose"}.items():
        save_field(client, call, f"answer-{question}", option, rev=0)
    save_field(client, call, "practical-wait", "3 weeks", rev=0)
    directory.end_call(call, "waiting", "2026-12-02")
    ruiz = add_provider(client, name="Dr Marco Ruiz", state="OR", status="called")
    call = start_call(client, ruiz)
    save_field(client, call, "flag-deadline", True, rev=0)
    save_field(client, call, "answer-step_size", "fixed_mg", rev=0)
    park = add_provider(client, name="Dr Kim Park", state="WA")
    gone = add_provider(client, name="Dr Gone")
    start_call(client, gone)
    client.post(f"/providers/{gone}/delete")
    client.get("/")  # read the flashes
    return {"lee": lee, "ruiz": ruiz, "park": park, "gone": gone}


# -- the shortlist as CSV -----------------------------------------------------------------


def test_the_csv_has_exactly_the_rows_and_order_on_screen(client, people):
    for query in ("", "?sort=name", "?state=OR", "?red_flags=none&sort=name", "?q=lee",
                  "?status=nonsense&sort=last_contact"):
        rows = read_csv_download(client.get("/import-export/shortlist.csv" + query))
        assert [row["Name"] for row in rows] == shown_names(client, query), query


def test_each_call_in_the_status_history_is_named_with_its_outcome_and_its_number():
    content = load_content(REPO / "data")
    # Stored by call id (ids count every provider's calls); named as the provider's page
    # numbers that provider's calls. Call 5 was set aside since.
    history = [{"status": "to_call", "at": "2026-11-20T10:00:00+00:00", "via": "added"},
               {"status": "to_call", "at": "2026-11-21T10:00:00+00:00", "via": "call 7",
                "outcome": "call_back"},
               {"status": "to_call", "at": "2026-11-22T10:00:00+00:00", "via": "call 9"},
               {"status": "to_call", "at": "2026-11-22T11:00:00+00:00", "via": "call 5"},
               {"status": "booked", "at": "2026-11-23T10:00:00+00:00", "via": "edit"}]
    words = status_history_words({"status_history": history},
                                 Words(content.vocabulary, {}, {}, {7: 1, 9: 2}))
    assert re.fullmatch(
        r"\S+ To call \(added\); \S+ To call \(call 1: asked me to call back\); "
        r"\S+ To call \(call 2\); \S+ To call \(a removed call\); \S+ Appointment booked",
        words)


def test_the_csv_has_every_field_verdict_score_flags_and_status_history(client, people,
                                                                        directory):
    rows = read_csv_download(client.get("/import-export/shortlist.csv?sort=name"))
    lee = next(row for row in rows if row["Name"] == "Dr Ann Lee")
    assert {k: lee[k] for k in (
        "Practice or clinic", "Specialty", "Phone", "Website", "City or town", "State",
        "Video visits", "States covered by video", "Insurance or self-pay",
        "Plans taken, or cost", "How you heard of them", "Who suggested them, or where",
        "Status", "Follow-up date", "Your tags", "Notes", "Verdict", "Score (%)", "Points",
        "Red flags")} == {
        "Practice or clinic": "Lee Family Medicine",
        "Specialty": "Family medicine / primary care", "Phone": "555-123-4567",
        "Website": "https://annlee.com", "City or town": "Fresno", "State": "CA",
        "Video visits": "Offered", "States covered by video": "CA, OR",
        "Insurance or self-pay": "Insurance or self-pay", "Plans taken, or cost": "Aetna",
        "How you heard of them": "BenzoBuddies", "Who suggested them, or where": "a forum post",
        "Status": "Waiting for call back", "Follow-up date": "2026-12-02",
        "Your tags": "near, ask sister", "Notes": "Kind on the phone.",
        "Verdict": "Strong match", "Score (%)": "100", "Points": "9 of 9", "Red flags": ""}
    history = directory.provider(people["lee"])["status_history"]
    assert [c["status"] for c in history] == ["to_call", "waiting"]
    # Each entry as the provider's page shows it: how the status came, a call's outcome.
    assert re.fullmatch(r"\d{4}-\d\d-\d\d To call \(added\); "
                        r"\d{4}-\d\d-\d\d Waiting for call back \(call \d+\)",
                        lee["Status history"])
    ruiz = next(row for row in rows if row["Name"] == "Dr Marco Ruiz")
    assert ruiz["Red flags"] == "Deadline expectations; Fixed mg steps at fixed intervals"
    assert ruiz["Verdict"] == "Not a match — red flag" and ruiz["Score (%)"] == "0"
    park = next(row for row in rows if row["Name"] == "Dr Kim Park")
    assert park["Score (%)"] == "" and park["Last contact"] == ""
    assert "Dr Gone" not in [row["Name"] for row in rows]  # in the trash


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3",
                                   "@SUM(A1)", "\tindent", "\rreturn"])
def test_cells_a_spreadsheet_would_run_are_neutralised(client, directory, typed):
    provider_id = directory.add_provider({"name": typed, "notes": typed, "practice": typed,
                                          "tags": [typed]})
    assert provider_id
    rows = read_csv_download(client.get("/import-export/shortlist.csv"))
    for column in ("Name", "Notes", "Practice or clinic", "Your tags"):
        assert rows[0][column] == "'" + typed, column


def test_a_phone_in_international_form_is_kept_as_text(client):
    add_provider(client, name="Dr Intl", phone="+1 555 123 4567")
    rows = read_csv_download(client.get("/import-export/shortlist.csv"))
    assert rows[0]["Phone"] == "'+1 555 123 4567"


def test_an_empty_shortlist_downloads_a_header_only(client):
    rows = read_csv_download(client.get("/import-export/shortlist.csv"))
    assert rows == []


# -- all data as JSON ---------------------------------------------------------------------


def test_the_json_export_holds_the_whole_data_with_a_marker(client, people, directory):
    response = client.get("/import-export/finder-data.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert re.match(r'attachment; filename="finder-data-\d{4}-\d\d-\d\d-\d{4}\.json"',
                    response.headers["Content-Disposition"])
    document = json.loads(response.data)
    assert document["format"] == "finder-export" and document["version"] == 1
    assert re.match(r"\d{4}-\d\d-\d\dT", document["exported_at"])
    assert document["tables"] == directory.store.tables()
    assert len(document["tables"]["providers"]) == 4 and len(document["tables"]["calls"]) == 3


def test_the_json_export_is_streamed_in_pieces_one_record_a_line(client, directory):
    directory.add_providers([{"name": f"Dr {n} “Müller”", "notes": "x" * 300}
                             for n in range(400)])
    response = client.get("/import-export/finder-data.json")
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) > 1  # 400 records of 300+ bytes do not come in one piece
    assert all(len(chunk) < 2 * data_file.EXPORT_CHUNK_BYTES for chunk in chunks)
    text = b"".join(chunks).decode("utf-8")
    assert json.loads(text)["tables"] == directory.store.tables()
    lines = text.splitlines()
    assert sum(line.startswith('"') and '"name":"Dr ' in line for line in lines) == 400
    assert "“Müller”" in text  # written as it is, not as \u escapes


def test_the_export_reads_the_records_without_copying_them(directory):
    directory.add_provider({"name": "Dr Lee"})
    frozen = directory.tables_to_export()
    stored = directory.store.view("providers", 1)
    assert frozen["providers"]["1"]["standing"] is stored["standing"]  # shared, not copied
    directory.update_provider(1, {"name": "Dr Ann Lee"})
    assert frozen["providers"]["1"]["name"] == "Dr Lee"  # still the moment it was read


def fresh_client(tmp_path, name="restored"):
    app = create_app({"DATA_DIR": str(tmp_path / name), "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"})
    return app, app.test_client()


def upload_data_file(client, content: bytes, name="finder-data.json"):
    return client.post("/import-export/restore",
                       data={"data_file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def restore_through_the_pages(client, content: bytes):
    response = upload_data_file(client, content)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[-800:]
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200
    return response.headers["Location"], preview.get_data(as_text=True)


def test_export_then_restore_into_an_empty_folder_gives_back_exactly_the_same_data(
        client, people, directory, tmp_path):
    call = directory.calls_for(people["ruiz"])[0]["id"]
    client.post(f"/providers/{people['ruiz']}/red-flags/deadline/clear")
    save_field(client, call, "answer_note-step_size", "Zoë said “0.25 mg” — odd ✓", rev=0)
    heard = add_provider(client, name="Dr Heard On A Call")  # video visits not known
    heard_call = start_call(client, heard)
    save_field(client, heard_call, "practical-telemedicine", "in_person_only", rev=0)
    page = client.get(f"/calls/{heard_call}").get_data(as_text=True)
    client.post(f"/calls/{heard_call}/end",
                data=submit_form(page, "interview-form", end_status="booked"))
    exported = client.get("/import-export/finder-data.json").data
    original = directory.store.tables()
    record = original["providers"][str(heard)]
    assert record["video_from_call"] == heard_call
    assert record["status_history"][-1]["before"] == "to_call"

    app, other = fresh_client(tmp_path)
    url, _ = restore_through_the_pages(other, exported)
    assert other.post(url).status_code == 302
    assert app.extensions["finder"].store.tables() == original
    assert json.loads(exported)["tables"] == original
    # And the restored app shows the same shortlist.
    assert shown_names(other, "?sort=name") == shown_names(client, "?sort=name")


def test_the_preview_says_what_the_file_holds_and_what_it_replaces(client, people, tmp_path):
    exported = client.get("/import-export/finder-data.json").data
    app, other = fresh_client(tmp_path)
    add_provider(other, name="Dr Current")
    url, page = restore_through_the_pages(other, exported)
    words = text_of(page)
    assert "Restore all your data from this file?" in words
    assert "It holds 3 providers (and 1 in the trash), 3 calls" in words
    assert "It replaces Everything finder holds now: 1 provider, 0 calls" in words
    assert "finder makes a backup of your current data" in words
    assert "finder-data.json" in words
    # Nothing has changed yet.
    assert [p["name"] for p in app.extensions["finder"].directory.providers()] == ["Dr Current"]


def test_an_export_from_the_release_before_schema_2_is_restored_and_migrated(
        client, people, tmp_path):
    document = json.loads(client.get("/import-export/finder-data.json").data)
    document["tables"]["meta"]["1"]["schema_version"] = 1  # as finder 0.1 wrote it
    app, other = fresh_client(tmp_path)
    url, _ = restore_through_the_pages(other, json.dumps(document).encode())
    page = other.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Restored 3 providers and 3 calls from finder-data.json." in page
    assert app.extensions["finder"].store.meta("schema_version") == SCHEMA_VERSION


def test_restoring_backs_up_first_and_can_be_undone(client, people, tmp_path):
    exported = client.get("/import-export/finder-data.json").data
    app, other = fresh_client(tmp_path)
    add_provider(other, name="Dr Current")
    store = app.extensions["finder"].store
    before = store.tables()
    url, _ = restore_through_the_pages(other, exported)
    page = other.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Restored 3 providers and 3 calls from finder-data.json." in page
    # The backup is named in words, when it was made, not by its file name.
    made = human_datetime(backup_made_at(store.backups()[0].name).isoformat())
    assert f"Your data from before are kept in a backup from {made}." in text_of(page)
    assert re.match(r"\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d$", made)
    assert "before-replace" not in text_of(page)
    undo = re.search(r'<form method="post" action="(/import-export/restore/undo/([^"]+))">',
                     page)
    assert read_data_file(store.backup_folder / undo.group(2)) == before
    assert "Dr Current" not in text_of(page)
    undo = undo.group(1)
    page = other.post(undo, follow_redirects=True).get_data(as_text=True)
    assert "Your data are back as they were before the restore." in page
    assert store.tables() == before


def test_a_restore_can_only_be_confirmed_once(client, people, tmp_path):
    exported = client.get("/import-export/finder-data.json").data
    _, other = fresh_client(tmp_path)
    url, _ = restore_through_the_pages(other, exported)
    other.post(url)
    again = other.post(url)
    assert again.status_code == 404 and "no longer waiting" in again.get_data(as_text=True)


@pytest.mark.parametrize("backup", ["finder-1-before-replace.json", "..%2Fsecret_key",
                                    "secret_key"])
def test_undo_of_a_backup_that_is_not_there_is_a_calm_404(client, backup):
    assert client.post(f"/import-export/restore/undo/{backup}").status_code == 404


def export_of(tables) -> bytes:
    return json.dumps({"format": "finder-export", "version": 1, "tables": tables}).encode()


def good_tables(client) -> dict:
    add_provider(client, name="Dr Ann Lee")
    start_call(client, 1)
    return json.loads(client.get("/import-export/finder-data.json").data)["tables"]


def damage(tables, change):
    change(tables)
    return export_of(tables)


BAD_FILES = {
    "empty": (lambda t: b"", "The file is empty."),
    "binary": (lambda t: b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "it is not text"),
    "not json": (lambda t: b"Name,Phone\nDr A,555\n", "it is not valid JSON"),
    "no marker": (lambda t: json.dumps({"tables": t}).encode(), "no “finder-export” marker"),
    "a json list": (lambda t: b"[1, 2, 3]", "no “finder-export” marker"),
    "newer format": (lambda t: json.dumps({"format": "finder-export", "version": 2,
                                           "tables": t}).encode(), "newer version of finder"),
    "no tables": (lambda t: json.dumps({"format": "finder-export", "version": 1}).encode(),
                  "it does not hold finder’s tables"),
    "newer schema": (lambda t: damage(t, lambda t: t["meta"]["1"].update(
        schema_version=SCHEMA_VERSION + 1)), "newer version of finder"),
    "no schema": (lambda t: damage(t, lambda t: t.pop("meta")), "its data schema is None"),
    "record not a dict": (lambda t: damage(t, lambda t: t["providers"].update({"7": "x"})),
                          "holds something other than numbered records"),
    "id not a number": (lambda t: damage(t, lambda t: t["providers"].update(
        {"x": {"name": "Dr X"}})), "holds something other than numbered records"),
    "provider without a name": (lambda t: damage(t, lambda t: t["providers"]["1"].pop("name")),
                                "provider 1 has no name"),
    "tags not a list": (lambda t: damage(t, lambda t: t["providers"]["1"].update(tags="a")),
                        "provider 1 has a tags that finder cannot read"),
    "orphan call": (lambda t: damage(t, lambda t: t["calls"]["1"].update(provider_id=99)),
                    "call 1 belongs to no provider in the file"),
    "unknown checklist": (lambda t: damage(t, lambda t: t["calls"]["1"].update(
        checklist_version=42)), "a checklist the file does not include"),
    "answers not records": (lambda t: damage(t, lambda t: t["calls"]["1"].update(
        answers={"step_size": "fixed_mg"})), "call 1 has answers that finder cannot read"),
    "bad checklist": (lambda t: damage(t, lambda t: t["checklists"]["1"].update(data={})),
                      "checklist 1 cannot be read"),
    "not a number": (lambda t: export_of(t).replace(
        b'"schema_version": %d' % SCHEMA_VERSION, b'"schema_version": NaN'),
                     "it holds NaN, which is not a number finder can store"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_data_files_are_refused_before_anything_changes(client, directory, case):
    make, message = BAD_FILES[case]
    content = make(good_tables(client))
    before = directory.store.tables()
    response = upload_data_file(client, content)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400, case
    assert message in page, (case, text_of(page)[-600:])
    assert "Expecting" not in page and "char 0" not in page  # no parser's words
    assert 'role="alert"' in page
    assert directory.store.tables() == before


def test_no_file_chosen_asks_for_one(client):
    response = client.post("/import-export/restore", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the file first" in unescape(response.get_data(as_text=True))


def multipart(field: str, name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "finder-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/json\r\n\r\n").encode() \
        + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_data_file_over_2_mb_is_accepted(client, directory, tmp_path):
    for n in range(130):
        directory.add_provider({"name": f"Dr {n}", "notes": "x" * 20000})
    exported = client.get("/import-export/finder-data.json").data
    assert len(exported) > 2 * 1024 * 1024
    app, other = fresh_client(tmp_path)
    body, content_type = multipart("data_file", "big.json", exported)
    response = other.post("/import-export/restore", data=body, content_type=content_type)
    assert response.status_code == 302
    other.post(response.headers["Location"])
    assert len(app.extensions["finder"].directory.providers()) == 130


def test_a_data_file_over_the_limit_gets_the_calm_413_page(client, monkeypatch):
    import finder.transfer

    monkeypatch.setattr(finder.transfer, "RESTORE_MAX_BYTES", 1000)
    body, content_type = multipart("data_file", "big.json", b"{" + b" " * 2000 + b"}")
    response = client.post("/import-export/restore", data=body, content_type=content_type)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That file is too large" in page
    assert "up to 0.000953674 MB" in page and "2 MB" not in page  # this form's own limit


def test_restoring_with_the_token_check_on(tmp_path, client, people):
    exported = client.get("/import-export/finder-data.json").data
    csrf_app = create_app({"DATA_DIR": str(tmp_path / "guarded"), "TESTING": True})
    other = csrf_app.test_client()
    hub = other.get("/import-export/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', hub).group(1)
    response = other.post("/import-export/restore", data={
        "csrf_token": token, "data_file": (io.BytesIO(exported), "finder-data.json")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    preview = other.get(response.headers["Location"]).get_data(as_text=True)
    stale = other.post(response.headers["Location"], data={"csrf_token": "stale"})
    assert stale.status_code == 400
    assert "nothing was replaced" in stale.get_data(as_text=True)
    assert csrf_app.extensions["finder"].directory.providers() == []
    done = other.post(response.headers["Location"],
                      data=MultiDict(form_values(preview.replace("<form method=\"post\" class",
                                                                 "<form id=\"go\" method=\"post\" class"),
                                                 "go")))
    assert done.status_code == 302
    assert len(csrf_app.extensions["finder"].directory.providers()) == 3
