"""Importing a shared list (CSV): upload, choose the columns, check every row, confirm — and
nothing written before the confirm; every bad file refused with a clear message and a 4xx."""

from __future__ import annotations

import datetime as dt
import io
import re
import stat
from html import unescape

import pytest

from werkzeug.datastructures import MultiDict

from finder import create_app
from finder.transfer import pending
from support import add_provider, csrf_token_from, form_values

LIST = """Clinician,Tel,Clinic,State,Telehealth,Comments,Tags
Dr Ann Lee,555 123 4567,Lee Family Medicine,California,yes,Knows Maudsley,near; ask sister
Dr Marco Ruiz,(555) 987-6543,Ruiz Psychiatry,OR,no,,
Dr Kim Park,call me maybe,Park Clinic,WA,,bad phone,
Dr Zoe Adams,,,Narnia,,bad state,
,555-000-0000,No Name Clinic,CA,,no name,
Dr Marco Ruiz,555.987.6543,Same again,OR,,repeat of row 3,
"""
COLUMNS = {"column_0": "name", "column_1": "phone", "column_2": "practice",
           "column_3": "state", "column_4": "telemedicine", "column_5": "notes",
           "column_6": "tags"}


def upload(client, content, name="list.csv"):
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return client.post("/import-export/list", data={"list_file": (io.BytesIO(raw), name)},
                       content_type="multipart/form-data")


def uploaded(client, content=LIST, name="list.csv") -> str:
    """Upload a list and return its token."""
    response = upload(client, content, name)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return re.search(r"/import-export/list/([\w-]+)$", response.headers["Location"]).group(1)


def preview(client, token, **columns):
    return client.get(f"/import-export/list/{token}/preview",
                      query_string={**COLUMNS, **columns})


def text_of(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def row_check(page: str, number: int) -> str:
    row = re.search(rf'<tr id="row-{number}".*?</tr>', page, re.S).group(0)
    return text_of(row)


def names(directory) -> list[str]:
    return sorted(p["name"] for p in directory.providers())


# -- the hub ------------------------------------------------------------------------------


def test_the_page_is_in_the_main_navigation_and_offers_each_way_in_and_out(client):
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/import-export/">Import and export</a>' in page
    hub = client.get("/import-export/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in hub
    for words in ("Import a list (CSV)", "Restore from a data file", "Download all your data",
                  "Up to 2 MB and 5,000 rows"):
        assert words in hub


# -- the happy path, and nothing written before the confirm --------------------------------


def test_upload_keeps_the_file_privately_and_writes_nothing(client, directory, data_dir):
    add_provider(client, name="Dr Ann Lee", phone="555-123-4567")
    token = uploaded(client)
    held = data_dir / "pending-imports" / f"{token}.csv"
    assert held.read_bytes() == LIST.encode()
    assert stat.S_IMODE(held.stat().st_mode) == 0o600
    assert stat.S_IMODE(held.parent.stat().st_mode) == 0o700
    assert names(directory) == ["Dr Ann Lee"]
    assert client.get("/").status_code == 200  # the flash from add_provider is read


def test_the_columns_page_guesses_each_column_and_shows_examples(client):
    token = uploaded(client)
    response = client.get(f"/import-export/list/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "6 rows and 7 columns" in text_of(page)
    chosen = dict(form_values(page, "columns-form"))
    assert chosen == COLUMNS
    assert "For example: Dr Ann Lee · Dr Marco Ruiz · Dr Kim Park" in unescape(page)
    assert 'action="/import-export/list/%s/preview"' % token in page
    assert '<form method="get"' in page


def test_the_preview_checks_every_row_and_writes_nothing(client, directory):
    add_provider(client, name="Dr Ann Lee", phone="+1 555-123-4567")
    token = uploaded(client)
    response = preview(client, token)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    words = text_of(page)
    assert "3 rows ready to import." in words                      # Ruiz, Park, Adams
    assert "2 of them have a field finder cannot read" in words     # Park's phone, Adams's state
    assert "2 rows look like providers you already have" in words  # Lee; Ruiz again
    assert "1 row has problems and will be left out." in words     # no name
    assert "Ready" in row_check(page, 3)
    assert "Same as Dr Ann Lee (already on your shortlist)" in row_check(page, 2)
    assert "Same as row 3 of this file" in row_check(page, 7)
    assert "Ready, 1 to fix Phone: Enter a phone number with its digits" in row_check(page, 4)
    assert "Import it, phone left empty" in row_check(page, 4)
    assert "State: “Narnia” is not one finder knows." in row_check(page, 5)
    assert "Left out Name: Enter the clinician's name." in row_check(page, 6)
    # A row to fix is imported unless the user unticks it.
    assert re.search(r'<input type="checkbox" id="gaps-4" name="import_with_gaps" value="4" '
                     r'checked>', page)
    # Duplicates offer a choice, unticked: skipped unless the user ticks it.
    assert re.search(r'<input type="checkbox" id="anyway-2" name="import_anyway" value="2">',
                     page)
    assert names(directory) == ["Dr Ann Lee"]


def test_confirming_imports_only_the_valid_chosen_rows_in_one_transaction(client, directory,
                                                                          data_dir):
    add_provider(client, name="Dr Ann Lee", phone="555-123-4567")
    token = uploaded(client)
    page = preview(client, token).get_data(as_text=True)
    journal = directory.store.journal_path
    lines_before = journal.read_bytes().count(b"\n")
    response = client.post(f"/import-export/list/{token}/import",
                           data=MultiDict(form_values(page, "import-form") + [("import_anyway", "7")]))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert journal.read_bytes().count(b"\n") == lines_before + 1
    assert names(directory) == ["Dr Ann Lee", "Dr Kim Park", "Dr Marco Ruiz", "Dr Marco Ruiz",
                                "Dr Zoe Adams"]
    ruiz = next(p for p in directory.providers() if p.get("practice") == "Ruiz Psychiatry")
    assert ruiz["phone"] == "(555) 987-6543" and ruiz["state"] == "OR"
    assert ruiz["telemedicine"] == "no" and ruiz["status"] == "to_call"
    assert ruiz["standing"]["verdict"] == "incomplete"
    assert ruiz["imported"]["file"] == "list.csv" and ruiz["imported"]["row"] == 3
    assert ruiz["imported"]["rows_in_file"] == 6 and "to_fix" not in ruiz
    assert not (data_dir / "pending-imports" / f"{token}.csv").exists()


def test_imported_values_are_stored_as_the_add_form_stores_them(client, directory):
    token = uploaded(client, "Name,Website,Tags,Video,Notes,Notes\n"
                             "Dr Ann Lee,annlee.com,near; ask sister,Telehealth,one,two\n")
    page = client.get(f"/import-export/list/{token}/preview", query_string={
        "column_0": "name", "column_1": "website", "column_2": "tags", "column_3":
        "telemedicine", "column_4": "notes", "column_5": "notes"}).get_data(as_text=True)
    client.post(f"/import-export/list/{token}/import", data=MultiDict(form_values(page, "import-form")))
    [lee] = directory.providers()
    assert lee["website"] == "https://annlee.com"
    assert lee["tags"] == ["near", "ask sister"]
    assert lee["telemedicine"] == "yes"
    assert lee["notes"] == "one\ntwo"
    assert lee["status_history"][0]["status"] == "to_call"


def test_the_summary_has_an_undo_that_moves_the_imported_providers_to_the_trash(client,
                                                                                directory):
    add_provider(client, name="Dr Kept")
    token = uploaded(client)
    page = preview(client, token).get_data(as_text=True)
    shortlist = client.post(f"/import-export/list/{token}/import",
                            data=MultiDict(form_values(page, "import-form")),
                            follow_redirects=True).get_data(as_text=True)
    assert ("Imported 4 providers from list.csv (2 with a field to fix); 2 rows left out."
            in text_of(shortlist))
    undo = re.search(r'<form method="post" action="(/import-export/list/undo/[\w-]+)">',
                     shortlist).group(1)
    assert names(directory) == ["Dr Ann Lee", "Dr Kept", "Dr Kim Park", "Dr Marco Ruiz",
                                "Dr Zoe Adams"]

    page = client.post(undo, follow_redirects=True).get_data(as_text=True)
    assert "Moved the 4 imported providers to the trash." in page
    assert names(directory) == ["Dr Kept"]
    trashed = directory.trashed_providers()
    assert sorted(p["name"] for p in trashed) == ["Dr Ann Lee", "Dr Kim Park", "Dr Marco Ruiz",
                                                  "Dr Zoe Adams"]
    # From the trash each can be brought back, like any provider.
    client.post(f"/providers/{trashed[0]['id']}/restore")
    assert len(directory.providers()) == 2
    page = client.post("/providers/trash/empty", follow_redirects=True).get_data(as_text=True)
    assert "Deleted 3 providers for good." in page


def test_an_import_can_only_be_confirmed_once(client, directory):
    token = uploaded(client)
    page = preview(client, token).get_data(as_text=True)
    data = MultiDict(form_values(page, "import-form"))
    client.post(f"/import-export/list/{token}/import", data=data)
    again = client.post(f"/import-export/list/{token}/import", data=data)
    assert again.status_code == 404
    assert "no longer waiting" in again.get_data(as_text=True)
    assert names(directory) == ["Dr Ann Lee", "Dr Kim Park", "Dr Marco Ruiz", "Dr Zoe Adams"]


def test_cancel_deletes_the_waiting_file(client, data_dir, directory):
    token = uploaded(client)
    page = client.post(f"/import-export/list/{token}/cancel",
                       follow_redirects=True).get_data(as_text=True)
    assert "Import cancelled. Nothing was imported." in page
    assert not list((data_dir / "pending-imports").glob(f"{token}*"))
    assert client.get(f"/import-export/list/{token}").status_code == 404
    assert directory.providers() == []


def test_waiting_files_are_removed_after_a_day(client, data_dir):
    token = uploaded(client)
    pending.remove_old(data_dir, now=dt.datetime.now() + dt.timedelta(days=1, minutes=1))
    response = client.get(f"/import-export/list/{token}")
    assert response.status_code == 404
    assert "left for more than a day" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["nope", "a" * 30, "..%2F..%2Fsecret_key"])
def test_unknown_tokens_are_a_calm_404(client, token):
    for url in (f"/import-export/list/{token}", f"/import-export/list/{token}/preview"):
        response = client.get(url)
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "no longer waiting" in page or "That page is not here" in page


def test_an_exported_shortlist_imports_again_column_for_column(client, tmp_path):
    add_provider(client, name="Dr Ann Lee", phone="+1 555 123 4567", state="CA",
                 telemedicine="yes", telemedicine_states=["CA", "OR"], payment="both",
                 specialty="psychiatry", referral_source="bic", tags="near, ask sister",
                 notes="=not a formula", follow_up_on="2026-12-01", status="waiting")
    exported = client.get("/import-export/shortlist.csv").data
    other = create_app({"DATA_DIR": str(tmp_path / "other"), "TESTING": True,
                        "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"}).test_client()
    token = uploaded(other, exported, "finder-shortlist.csv")
    columns = other.get(f"/import-export/list/{token}").get_data(as_text=True)
    mapping = form_values(columns, "columns-form")
    page = other.get(f"/import-export/list/{token}/preview",
                     query_string=mapping).get_data(as_text=True)
    assert "1 row ready to import." in text_of(page)
    other.post(f"/import-export/list/{token}/import", data=MultiDict(form_values(page, "import-form")))
    directory = other.application.extensions["finder"].directory
    [lee] = directory.providers()
    for field, value in {"name": "Dr Ann Lee", "phone": "+1 555 123 4567", "state": "CA",
                         "telemedicine": "yes", "telemedicine_states": ["CA", "OR"],
                         "payment": "both", "specialty": "psychiatry",
                         "referral_source": "bic", "tags": ["near", "ask sister"],
                         "notes": "=not a formula", "follow_up_on": "2026-12-01",
                         "status": "waiting"}.items():
        assert lee[field] == value, field


# -- bad files ----------------------------------------------------------------------------


@pytest.mark.parametrize("content, name, message", [
    (b"", "list.csv", "The file is empty."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv", "not plain text"),
    (bytes(range(256)) * 4, "list.xlsx", "not plain text"),
    ("Name\nZoë Adams\n".encode("cp1252"), "list.csv", "not UTF-8 text"),
    (b"\n,,\n", "list.csv", "The file has no header row."),
    (b"Name,Phone\n", "list.csv", "a header row but no providers under it"),
    (b"Name,Phone\nDr A,555-123-4567\nDr B,555,1, Lee\n", "list.csv",
     "Row 3 has 4 cells but the header has 2 columns"),
    (b'{"format": "finder-export", "tables": {}}', "finder-data.json",
     "This looks like a finder data file (JSON)"),
])
def test_bad_files_are_refused_with_a_clear_message(client, directory, content, name, message):
    response = upload(client, content, name)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page
    assert 'role="alert"' in page
    assert directory.providers() == []


def test_more_than_5000_rows_are_refused(client, directory):
    content = "Name\n" + "".join(f"Dr {n}\n" for n in range(5001))
    response = upload(client, content)
    assert response.status_code == 400
    assert "more than 5,000 rows" in response.get_data(as_text=True)


def test_5000_rows_are_accepted(client):
    content = "Name,Phone\n" + "".join(f"Dr {n},555-{n:03d}-{n:04d}\n" for n in range(5000))
    assert upload(client, content).status_code == 302


def test_no_file_chosen_asks_for_one(client):
    response = client.post("/import-export/list", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the file first" in unescape(response.get_data(as_text=True))


def multipart_body(field: str, name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart upload built by hand: the test client's own spools large bodies to a
    temporary file it never closes."""
    boundary = "finder-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").encode() + content + \
        f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_file_over_2_mb_gets_the_calm_413_page(client, directory):
    content = b"Name,Notes\nDr A," + b"x" * (2 * 1024 * 1024) + b"\n"
    body, content_type = multipart_body("list_file", "big.csv", content)
    response = client.post("/import-export/list", data=body, content_type=content_type)
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "That file is too large" in page and "up to 2 MB" in page
    assert directory.providers() == []


def test_a_list_without_a_name_column_says_so(client, directory):
    token = uploaded(client, "Colour,Shoe size\nblue,9\n")
    columns = client.get(f"/import-export/list/{token}").get_data(as_text=True)
    assert dict(form_values(columns, "columns-form")) == {"column_0": "", "column_1": ""}
    response = client.get(f"/import-export/list/{token}/preview",
                          query_string={"column_0": "", "column_1": ""})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Choose the column that holds each clinician’s name" in page
    assert 'role="alert"' in page


def test_two_columns_into_one_field_are_refused_and_the_choices_kept(client):
    token = uploaded(client)
    response = preview(client, token, column_5="phone")
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Columns 2 and 6 both go into “Phone”." in page
    assert dict(form_values(page, "columns-form"))["column_5"] == "phone"


def test_a_made_up_column_choice_is_refused(client, directory):
    token = uploaded(client)
    assert preview(client, token, column_1="password").status_code == 400
    response = client.post(f"/import-export/list/{token}/import",
                           data={**COLUMNS, "column_0": "password"})
    assert response.status_code == 400
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert directory.providers() == []


def test_without_a_valid_token_nothing_is_imported_and_the_ticks_stay(csrf_app, data_dir):
    client = csrf_app.test_client()
    hub = client.get("/import-export/").get_data(as_text=True)
    response = client.post("/import-export/list", data={
        "csrf_token": csrf_token_from(hub),
        "list_file": (io.BytesIO(LIST.encode()), "list.csv")},
        content_type="multipart/form-data")
    token = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/import-export/list/{token}/preview",
                      query_string=COLUMNS).get_data(as_text=True)
    data = [(k, v) for k, v in form_values(page, "import-form") if k != "csrf_token"]
    response = client.post(f"/import-export/list/{token}/import",
                           data=MultiDict(data + [("csrf_token", "stale"),
                                              ("import_anyway", "7")]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nothing was imported" in page
    assert re.search(r'id="anyway-7" name="import_anyway" value="7" checked', page)
    assert re.search(r'id="gaps-4" name="import_with_gaps" value="4" checked', page)
    assert csrf_app.extensions["finder"].directory.providers() == []
    # With the fresh token on that page, the import goes through.
    response = client.post(f"/import-export/list/{token}/import",
                           data=MultiDict(form_values(page, "import-form")))
    assert response.status_code == 302
    # With row 7, and rows 4 and 5, each with a field to fix.
    assert len(csrf_app.extensions["finder"].directory.providers()) == 5


def test_what_the_file_holds_is_shown_as_text_never_run(client):
    token = uploaded(client, '<script>alert(1)</script>,Phone\n"<img src=x onerror=alert(2)>",1\n')
    columns = client.get(f"/import-export/list/{token}").get_data(as_text=True)
    page = client.get(f"/import-export/list/{token}/preview",
                      query_string={"column_0": "name", "column_1": ""}).get_data(as_text=True)
    for html in (columns, page):
        assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in columns
    assert "&lt;img src=x onerror=alert(2)&gt;" in page


# -- a row with a bad optional field, and the list of imports ---------------------------------


def imported(client, content=LIST, name="list.csv", without_gaps=()):
    """Upload, preview and import a list as the pages would; return the shortlist page."""
    token = uploaded(client, content, name)
    guessed = form_values(client.get(f"/import-export/list/{token}").get_data(as_text=True),
                          "columns-form")
    page = client.get(f"/import-export/list/{token}/preview",
                      query_string=MultiDict(guessed)).get_data(as_text=True)
    values = [(k, v) for k, v in form_values(page, "import-form")
              if not (k == "import_with_gaps" and int(v) in without_gaps)]
    return client.post(f"/import-export/list/{token}/import", data=MultiDict(values),
                       follow_redirects=True).get_data(as_text=True)


def test_a_row_with_a_bad_phone_is_imported_without_it_and_marked_to_fix(client, directory):
    imported(client)
    park = next(p for p in directory.providers() if p["name"] == "Dr Kim Park")
    assert park["phone"] == "" and park["practice"] == "Park Clinic" and park["state"] == "WA"
    assert park["to_fix"] == {"phone": {
        "label": "Phone", "value": "call me maybe",
        "problem": "Enter a phone number with its digits, for example 555-123-4567 or "
                   "+1 555 123 4567 ext 12."}}
    adams = next(p for p in directory.providers() if p["name"] == "Dr Zoe Adams")
    assert adams["state"] == "" and adams["to_fix"]["state"]["value"] == "Narnia"

    shown = text_of(client.get(f"/providers/{park['id']}").get_data(as_text=True))
    assert "To fix The list Dr Kim Park was imported from (list.csv)" in shown
    assert "Phone : the list said “call me maybe”. Enter a phone number" in shown
    form = client.get(f"/providers/{park['id']}/edit").get_data(as_text=True)
    assert 'class="field field--stringfield field--to-fix"' in form
    assert "To fix: the list said “call me maybe”." in text_of(form)


def test_a_row_to_fix_that_is_unticked_is_left_out(client, directory):
    page = imported(client, without_gaps={4})
    assert "Imported 3 providers from list.csv (1 with a field to fix); 3 rows left out." \
        in text_of(page)
    assert "Dr Kim Park" not in names(directory)


def test_filling_in_a_field_to_fix_clears_its_mark_and_only_its_mark(client, directory):
    imported(client, "Name,Phone,Website\nDr Kim Park,call me maybe,not a site\n")
    [park] = directory.providers()
    values = dict(form_values(client.get(f"/providers/{park['id']}/edit")
                              .get_data(as_text=True), "provider-form"))
    client.post(f"/providers/{park['id']}/edit", data=dict(values, phone="555-010-2233"))
    park = directory.provider(park["id"])
    assert park["phone"] == "555-010-2233" and list(park["to_fix"]) == ["website"]
    # Saving again without a website keeps its mark, unless the user clears every mark.
    client.post(f"/providers/{park['id']}/edit", data=dict(values, phone="555-010-2233"))
    assert list(directory.provider(park["id"])["to_fix"]) == ["website"]
    client.post(f"/providers/{park['id']}/edit",
                data=dict(values, phone="555-010-2233", clear_to_fix="y"))
    assert directory.provider(park["id"])["to_fix"] == {}
    shown = client.get(f"/providers/{park['id']}").get_data(as_text=True)
    assert "To fix" not in shown


def test_imports_are_listed_with_their_date_and_count_and_undone_there(client, directory):
    imported(client, "Name\nDr One\nDr Two\n", name="first.csv")
    imported(client, "Name,Phone\nDr Three,no phone\n", name="second.csv")
    hub = client.get("/import-export/").get_data(as_text=True)
    listed = text_of(hub.split('id="imports-heading"')[1].split("</section>")[0])
    when = re.search(r"second\.csv , imported (\w{3} \d+ \w{3} \d{4}, \d\d:\d\d)", listed)
    assert when, listed
    assert "second.csv , imported" in listed and "1 provider from 1 row, 1 with a field to fix" \
        in listed
    assert "2 providers from 2 rows." in listed
    assert listed.index("second.csv") < listed.index("first.csv")  # newest first
    undo = re.findall(r'action="(/import-export/list/undo/[\w-]+)"', hub)
    assert len(undo) == 2
    page = client.post(undo[1], data={"next": "imports"}, follow_redirects=True)
    body = text_of(page.get_data(as_text=True))
    assert "Moved the 2 imported providers to the trash." in body
    assert "Undone: its providers are in the trash ." in body
    assert names(directory) == ["Dr Three"]


def test_an_import_cannot_be_undone_once_one_of_its_providers_changed(client, directory):
    imported(client, "Name\nDr One\nDr Two\n", name="first.csv")
    one = next(p for p in directory.providers() if p["name"] == "Dr One")
    hub = client.get("/import-export/").get_data(as_text=True)
    undo = re.search(r'action="(/import-export/list/undo/[\w-]+)"', hub).group(1)
    add_call = client.post(f"/providers/{one['id']}/calls")  # a call counts as a change
    assert add_call.status_code == 302
    hub = text_of(client.get("/import-export/").get_data(as_text=True))
    assert ("Can no longer be undone: Dr One has a call since the import. Move providers to "
            "the trash one by one instead.") in hub
    page = text_of(client.post(undo, data={"next": "imports"}, follow_redirects=True)
                   .get_data(as_text=True))
    assert "That import can no longer be undone: Dr One has a call since the import." in page
    assert names(directory) == ["Dr One", "Dr Two"]                      # nothing moved

    imported(client, "Name\nDr Three\n", name="second.csv")
    three = next(p for p in directory.providers() if p["name"] == "Dr Three")
    values = dict(form_values(client.get(f"/providers/{three['id']}/edit")
                              .get_data(as_text=True), "provider-form"))
    client.post(f"/providers/{three['id']}/edit", data=dict(values, city="Salem"))
    hub = text_of(client.get("/import-export/").get_data(as_text=True))
    assert re.search(r"Can no longer be undone: Dr Three was changed on \w{3} \d+ \w{3} \d{4}, "
                     r"after the import\.", hub)
