"""The `finder` command: serving, where the data go, backups, restores and the password."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder import cli
from finder.data_folder import default_data_dir, resolve_data_dir
from finder.store import Store
from support import REPO, wait_for_the_shortlist


class FakeServer:
    effective_port = 5000

    def __init__(self, calls, **kwargs):
        calls.append(kwargs)

    def run(self):
        raise KeyboardInterrupt


@pytest.fixture
def served(monkeypatch):
    """Replace waitress with a fake that records how it was asked to serve."""
    import waitress

    calls = []
    monkeypatch.setattr(cli, "_port_problem", lambda host, port: None)
    monkeypatch.setattr(waitress, "create_server",
                        lambda app, **kwargs: FakeServer(calls, app=app, **kwargs))
    return calls


def run(*args, env=None):
    return CliRunner().invoke(cli.main, list(args), env=env, catch_exceptions=False)


def test_help_explains_the_commands_and_the_data_folder():
    result = run("--help")
    for words in ("serve", "backup", "restore", "set-password", "FINDER_DATA_DIR",
                  "127.0.0.1:5000", "~/.local/share/finder"):
        assert words in result.output
    assert "--data-dir" in run("serve", "--help").output


def test_bare_finder_serves_on_loopback_port_5000_with_the_env_data_folder(served, tmp_path):
    folder = tmp_path / "from-env"
    result = run(env={"FINDER_DATA_DIR": str(folder)})
    assert result.exit_code == 0, result.output
    assert served[0]["host"] == "127.0.0.1" and served[0]["port"] == 5000
    assert "finder is running at http://127.0.0.1:5000/" in result.output
    assert f"Your data are in {folder}" in result.output
    assert (folder / "finder.json").exists()
    assert "finder stopped. Everything is saved." in result.output


def test_data_dir_option_wins_over_the_environment(served, tmp_path):
    chosen = tmp_path / "chosen"
    run("serve", "--port", "5123", "--data-dir", str(chosen),
        env={"FINDER_DATA_DIR": str(tmp_path / "env")})
    assert served[0]["port"] == 5123
    assert (chosen / "finder.json").exists() and not (tmp_path / "env").exists()


def test_default_data_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("FINDER_DATA_DIR", raising=False)
    if sys.platform.startswith("linux"):
        assert default_data_dir() == tmp_path / "finder"
        assert resolve_data_dir() == (tmp_path / "finder").resolve()


def test_serving_beyond_this_computer_needs_a_password(served, tmp_path):
    result = run("serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "will not listen on 0.0.0.0 without a password" in result.output
    assert "finder set-password" in result.output
    assert served == []


def test_set_password_stores_only_a_private_hash(tmp_path):
    result = CliRunner().invoke(cli.main, ["set-password", "--data-dir", str(tmp_path)],
                                input="correct horse\ncorrect horse\n")
    assert result.exit_code == 0, result.output
    stored = (tmp_path / "password_hash").read_text()
    assert "correct horse" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert (tmp_path / "password_hash").stat().st_mode & 0o077 == 0


def test_a_short_password_is_refused(tmp_path):
    result = CliRunner().invoke(cli.main, ["set-password", "--data-dir", str(tmp_path),
                                           "--password", "short"])
    assert result.exit_code == 2 and "at least 8 characters" in result.output


def test_with_a_password_it_serves_the_network_behind_a_sign_in(served, tmp_path):
    CliRunner().invoke(cli.main, ["set-password", "--data-dir", str(tmp_path),
                                  "--password", "correct horse"])
    result = run("serve", "--host", "0.0.0.0", "--allow-host", "192.0.2.2",
                 "--data-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "http://192.0.2.2:5000/" in result.output
    app = served[0]["app"]
    assert app.config["PASSWORD_REQUIRED"] is True
    client = app.test_client()
    # A phone on the network uses this computer's address, as a browser sends it.
    response = client.get("/", headers={"Host": "192.0.2.2:5000"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.get("/sign-in", headers={"Host": "192.0.2.2:5000"}).status_code == 200
    # Any other name is refused with a calm answer, not a crash (DNS rebinding).
    refused = client.get("/", headers={"Host": "evil.example:5000"})
    assert refused.status_code == 400
    assert "does not serve" in refused.get_data(as_text=True)


def test_a_name_for_a_reverse_proxy_needs_a_password_and_keeps_finder_on_loopback(
        served, tmp_path):
    refused = run("serve", "--allow-host", "finder.example.lan", "--data-dir", str(tmp_path))
    assert refused.exit_code == 2 and served == []
    assert "will not answer to finder.example.lan without a password" in refused.output
    run("set-password", "--data-dir", str(tmp_path), "--password", "correct horse")
    result = run("serve", "--allow-host", "finder.example.lan", "--data-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert served[0]["host"] == "127.0.0.1"
    # Not an address other devices could use: finder's own port is on loopback only.
    assert "http://finder.example.lan:5000/" not in result.output
    assert "through your reverse proxy" in result.output
    assert "https://finder.example.lan/" in result.output
    app = served[0]["app"]
    assert app.config["PASSWORD_REQUIRED"] is True
    response = app.test_client().get("/", headers={"Host": "finder.example.lan"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_network_names_include_this_computers_own_names():
    names = cli.network_names("0.0.0.0", ("finder.home",))
    assert names[0] == "finder.home"
    assert socket.gethostname() in names
    assert "0.0.0.0" not in names
    assert cli.network_names("192.0.2.7", ())[0] == "192.0.2.7"


def test_a_damaged_data_file_stops_start_up_with_advice(served, tmp_path):
    Store(tmp_path).backup("good")
    (tmp_path / "finder.json").write_text("{ cut off")
    result = run("serve", "--data-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "finder.json is cut off or is not valid JSON" in result.output
    assert "finder restore" in result.output
    assert served == []


def test_a_broken_content_file_stops_start_up_naming_it(served, tmp_path, monkeypatch):
    import finder

    content = shutil.copytree(REPO / "data", tmp_path / "content")
    (content / "glossary.toml").write_text("title = \n")
    shipped = finder.bundled_path
    monkeypatch.setattr(finder, "bundled_path",
                        lambda name: content if name == "data" else shipped(name))
    result = run("serve", "--data-dir", str(tmp_path / "data"))
    assert result.exit_code == 2
    assert "glossary.toml: not valid TOML" in result.output
    assert served == []


def test_a_port_in_use_gets_a_clear_message(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port), "--data-dir", str(tmp_path))
    assert result.exit_code == 2
    assert f"try  finder serve --port {port + 1}" in result.output
    assert not (tmp_path / "finder.json").exists()  # nothing was opened or backed up


def test_backup_then_restore_brings_the_data_back_and_keeps_the_replaced_data(tmp_path):
    store = Store(tmp_path)
    store.insert("providers", {"name": "Dr Before"})
    result = run("backup", "--data-dir", str(tmp_path))
    backup = Path(result.output.strip().removeprefix("Backed up to "))
    assert json.loads(backup.read_text())["providers"]["1"]["name"] == "Dr Before"

    store.update("providers", 1, {"name": "Dr After"})
    restored = run("restore", str(backup), "--data-dir", str(tmp_path), "--yes")
    assert restored.exit_code == 0, restored.output
    assert Store(tmp_path).get("providers", 1)["name"] == "Dr Before"
    names = [json.loads(p.read_text()).get("providers", {}).get("1", {}).get("name")
             for p in Store(tmp_path).backups()]
    assert "Dr After" in names  # the replaced data were backed up first


def test_restore_moves_damaged_data_aside_instead_of_deleting_it(tmp_path):
    store = Store(tmp_path)
    store.insert("providers", {"name": "Dr Kept"})
    good = store.backup("good")
    (tmp_path / "finder.json").write_text("garbage")
    result = run("restore", str(good), "--data-dir", str(tmp_path), "--yes")
    assert result.exit_code == 0, result.output
    aside = next(tmp_path.glob("damaged-*"))
    assert (aside / "finder.json").read_text() == "garbage"
    assert Store(tmp_path).get("providers", 1)["name"] == "Dr Kept"


def test_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path):
    Store(tmp_path).insert("providers", {"name": "Dr Safe"})
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = run("restore", str(bad), "--data-dir", str(tmp_path), "--yes")
    assert result.exit_code == 2 and "Not restored" in result.output
    assert Store(tmp_path).get("providers", 1)["name"] == "Dr Safe"


def test_restore_asks_before_replacing(tmp_path):
    store = Store(tmp_path)
    good = store.backup("good")
    store.insert("providers", {"name": "Dr Stays"})
    result = CliRunner().invoke(cli.main, ["restore", str(good), "--data-dir", str(tmp_path)],
                                input="n\n")
    assert result.exit_code == 1
    assert Store(tmp_path).get("providers", 1)["name"] == "Dr Stays"


@pytest.mark.slow
def test_the_real_command_serves_pages_and_stops_cleanly_on_ctrl_c(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "finder", "--help"], stdout=subprocess.PIPE, text=True)
    assert "serve" in process.communicate(timeout=30)[0]
    server = subprocess.Popen(
        [sys.executable, "-m", "finder", "serve", "--port", str(port), "--data-dir",
         str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert "finder is running at" in server.stdout.readline()
        wait_for_the_shortlist(f"http://127.0.0.1:{port}/")
    finally:
        server.send_signal(2)
        output = server.communicate(timeout=10)[0]
    assert "finder stopped. Everything is saved." in output
