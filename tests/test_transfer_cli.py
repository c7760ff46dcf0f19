"""`finder export` and `finder import`: the whole data as JSON and back, from a terminal."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from finder import cli
from finder.store import Store
from support import add_provider, save_field, start_call


@pytest.fixture
def filled(client, data_dir):
    """A data folder with two providers and a call."""
    lee = add_provider(client, name="Dr Ann Lee", phone="555-123-4567", tags="near")
    call = start_call(client, lee)
    save_field(client, call, "answer-step_size", "percent_of_current", rev=0)
    add_provider(client, name="Dr Marco Ruiz")
    return data_dir


def run(*args, input=None):
    return CliRunner().invoke(cli.main, [str(a) for a in args], input=input)


def test_export_writes_the_whole_data_to_the_screen(filled):
    result = run("export", "--data-dir", filled)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "finder-export" and document["version"] == 1
    assert document["tables"] == Store(filled).tables()


def test_export_writes_a_file_and_will_not_overwrite_one_unasked(filled, tmp_path):
    target = tmp_path / "all.json"
    result = run("export", target, "--data-dir", filled)
    assert result.exit_code == 0, result.output
    assert f"Exported all data to {target}" in result.stderr
    assert json.loads(target.read_text())["tables"] == Store(filled).tables()
    again = run("export", target, "--data-dir", filled)
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert run("export", target, "--data-dir", filled, "--force").exit_code == 0


def test_export_of_a_folder_without_data_says_so(tmp_path):
    result = run("export", "--data-dir", tmp_path / "nothing")
    assert result.exit_code == 2
    assert "There are no finder data in" in result.stderr
    assert not (tmp_path / "nothing").exists()


def test_export_then_import_into_an_empty_folder_gives_back_the_same_data(filled, tmp_path):
    target = tmp_path / "all.json"
    run("export", target, "--data-dir", filled)
    empty = tmp_path / "empty"
    result = run("import", target, "--data-dir", empty, "--yes")
    assert result.exit_code == 0, result.output
    assert "holds 2 providers and 1 call" in result.output
    assert "It replaces the data in" in result.output and "0 providers and 0 calls" in result.output
    assert Store(empty).tables() == Store(filled).tables()


def test_import_asks_first_and_no_changes_nothing(filled, tmp_path):
    target = tmp_path / "all.json"
    run("export", target, "--data-dir", filled)
    other = tmp_path / "other"
    Store(other).insert("providers", {"name": "Dr Kept"})
    before = Store(other).tables()
    result = run("import", target, "--data-dir", other, input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert Store(other).tables() == before
    result = run("import", target, "--data-dir", other, input="y\n")
    assert result.exit_code == 0, result.output
    assert "The data it replaced are kept in" in result.output
    assert [p["name"] for p in Store(other).all("providers")] == ["Dr Ann Lee", "Dr Marco Ruiz"]


@pytest.mark.parametrize("content, message", [
    (b"not json", "it is not valid JSON"),
    (b'{"format": "something-else"}', "no “finder-export” marker"),
    (b"", "The file is empty."),
])
def test_import_refuses_a_bad_file_and_changes_nothing(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    folder = tmp_path / "data"
    Store(folder).insert("providers", {"name": "Dr Kept"})
    before = Store(folder).tables()
    result = run("import", bad, "--data-dir", folder, "--yes")
    assert result.exit_code == 2
    assert "Not imported:" in result.stderr and message in result.stderr
    assert Store(folder).tables() == before


def test_both_commands_explain_themselves():
    listing = run("--help").output
    assert "export" in listing and "import" in listing
    assert "to the screen when OUTPUT is left out" in " ".join(run("export", "--help")
                                                                .output.split())
    help_text = " ".join(run("import", "--help").output.split())
    assert "Shows what the file holds and asks first." in help_text
    assert "--yes" in help_text
