"""The `finder` command: serve the app, and look after the data folder.

    finder                      start on http://127.0.0.1:5000/ with the per-user data folder
    finder serve --port 5001    the same, on another port
    finder backup               copy the data to the backups folder now
    finder restore FILE         go back to a backup (the current data are kept aside first)
    finder export [FILE]        all data as one JSON file (to the screen without FILE)
    finder import FILE          replace all data with such a file, after a backup
    finder set-password         required before serving beyond this computer
"""

from __future__ import annotations

import gc
import ipaddress
import socket
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from finder.data_folder import resolve_data_dir, write_password_hash, read_password_hash
from finder.domain.words import plural
from finder.store import Store, StorageError, restore_backup
from finder.security import LOOPBACK_NAMES
from finder.sessions import cookie_name

__all__ = ["main"]

DATA_DIR_HELP = ("Folder for your data. Default: $FINDER_DATA_DIR, or a per-user folder "
                 "(on Linux ~/.local/share/finder).")


def is_loopback(host: str) -> bool:
    """True for addresses only this computer can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Commands(click.Group):
    """Every command answers a disk that is full or cannot be written with a sentence
    saying so and what to do, never a traceback."""

    def invoke(self, context: click.Context):
        try:
            return super().invoke(context)
        except (StorageError, OSError) as error:
            _fail(_disk_problem(error))


def _disk_problem(error: Exception) -> str:
    """A sentence for a StorageError or OSError: the store's own words when it explains
    itself (damaged data, a file of the wrong kind), else what a full or read-only disk
    means and what to do."""
    from dataclasses import replace

    from finder.errors import os_error_behind, write_failure
    from finder.store import DamagedDataError

    if isinstance(error, DamagedDataError) or os_error_behind(error) is None:
        return str(error)
    return replace(write_failure(error), again="run the command again").sentence()


@click.group(cls=_Commands, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="finder")
@click.pass_context
def main(context: click.Context) -> None:
    """finder: screen clinicians for a real hyperbolic benzodiazepine taper.

    Run `finder` with no command to start the app on http://127.0.0.1:5000/ (the same as
    `finder serve`), then open that address in your browser. Stop it with Ctrl+C.

    \b
    Your data stay on this computer, in one folder:
      --data-dir DIR after any command (finder serve --data-dir DIR), else
      $FINDER_DATA_DIR, else a per-user folder
      (Linux ~/.local/share/finder, macOS ~/Library/Application Support/finder,
      Windows %APPDATA%\\finder). Backups are kept in its backups/ subfolder.

    \b
    finder only listens on this computer unless you give --host, and then only after
    `finder set-password`. Run `finder COMMAND --help` for each command's options.
    """
    if context.invoked_subcommand is None:
        context.invoke(serve)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on, e.g. 0.0.0.0 for every network. Anything other "
                   "than this computer needs a password (see set-password).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--allow-host", "allowed", multiple=True, metavar="NAME",
              help="Another name or address this computer is reached by from the network "
                   "(its own names and addresses are allowed already), or the name of a "
                   "reverse proxy that serves finder over HTTPS. Needs a password (see "
                   "set-password). Repeat for more.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help=DATA_DIR_HELP)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests handled at once.")
def serve(host: str, port: int, allowed: tuple[str, ...], data_dir: Path | None,
          threads: int) -> None:
    """Start finder and print its address."""
    from waitress import create_server

    from finder import create_app, warm_up
    from finder.content import ContentError

    folder = resolve_data_dir(data_dir)
    loopback = is_loopback(host)
    # Reachable from other machines: listening beyond this one, or answering to other names
    # (--allow-host, e.g. behind a reverse proxy that adds HTTPS). Then only with a password.
    reachable = not loopback or bool(allowed)
    if reachable and not read_password_hash(folder):
        where = f"listen on {host}" if not loopback else f"answer to {', '.join(allowed)}"
        _fail(f"finder will not {where} without a password: anyone on your network "
              "could read your notes. Set one first with\n\n"
              f'    finder set-password --data-dir "{folder}"\n\n'
              "or leave out --host and --allow-host to keep finder on this computer only.")
    # Checked before the data are opened, so a failed start changes nothing in the folder.
    problem = _port_problem(host, port)
    if problem is not None:
        _fail(f"Could not listen on {host}:{port} ({problem}). Another program may be "
              f"using that port: try  finder serve --port {port + 1}")
    # The names shown for other devices, and every name the app answers to (the address it
    # listens on included: 127.0.0.2 or ::1 are not among LOOPBACK_NAMES).
    names = [n.strip("[]") for n in allowed] if loopback else network_names(host, allowed)
    own = [host.strip("[]")] if loopback else []
    host_names = list(dict.fromkeys(LOOPBACK_NAMES + own + names))
    try:
        with _loaded_data_kept_out_of_full_collections():
            app = create_app({"DATA_DIR": str(folder), "PASSWORD_REQUIRED": reachable,
                              "HOST_NAMES": host_names,
                              "SESSION_COOKIE_NAME": cookie_name(port)})
            warm_up(app)
    except StorageError as error:
        _fail(_disk_problem(error))
    except ContentError as error:
        _fail(f"finder did not start: a file in its data/ folder breaks a rule.\n{error}")
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="finder")
    except OSError as error:  # the port was taken between the check and now
        _fail(f"Could not listen on {host}:{port} ({error.strerror}). Another program may "
              f"be using that port: try  finder serve --port {port + 1}")
    _announce(host, server.effective_port, folder, names, behind_a_proxy=loopback)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        try:
            app.extensions["finder"].store.close()
        except StorageError as error:  # every save is in the journal already
            click.echo(f"finder stopped. Everything is saved. ({error})")
        else:
            click.echo("finder stopped. Everything is saved.")


def network_names(host: str, allowed: tuple[str, ...]) -> list[str]:
    """The host names a browser on the network may use for this computer: the address
    listened on (unless it means every address), this computer's own names and addresses,
    and those given with --allow-host. Any other name is refused (DNS rebinding)."""
    names = [name.strip("[]") for name in allowed]
    if host not in ("0.0.0.0", "::", ""):
        names.append(host.strip("[]"))
    hostname = socket.gethostname()
    names += [hostname, f"{hostname}.local", socket.getfqdn()]
    try:
        names += [info[4][0] for info in socket.getaddrinfo(hostname, None)]
    except OSError:
        pass  # no name service: the names above and --allow-host still work
    return list(dict.fromkeys(n for n in names if n and ":" not in n))


def _announce(host: str, port: int, folder: Path, names: list[str],
              behind_a_proxy: bool = False) -> None:
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"finder is running at http://{shown_host}:{port}/")
    if names and behind_a_proxy:
        # finder listens on this computer only: other devices reach it through the proxy,
        # at the address the proxy serves, not at finder's own port.
        click.echo("Other devices reach it only through your reverse proxy, at the address "
                   "it serves for " + ", ".join(names) + " (e.g. https://"
                   + names[0] + "/).")
    elif names:
        click.echo("From other devices use one of: "
                   + ", ".join(f"http://{name}:{port}/" for name in names))
        click.echo("(another name? add --allow-host NAME)")
    click.echo(f"Your data are in {folder}")
    click.echo("Press Ctrl+C to stop.")
    sys.stdout.flush()


@main.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help=DATA_DIR_HELP)
def backup(data_dir: Path | None) -> None:
    """Copy all data to the backups folder now."""
    folder = resolve_data_dir(data_dir)
    try:
        path = Store(folder).backup("manual")
    except StorageError as error:
        _fail(_disk_problem(error))
    click.echo(f"Backed up to {path}")


@main.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help=DATA_DIR_HELP)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(backup_file: Path, data_dir: Path | None, yes: bool) -> None:
    """Replace the data with BACKUP_FILE. The current data are kept aside first."""
    folder = resolve_data_dir(data_dir)
    if not yes:
        click.confirm(f"Replace the data in {folder} with {backup_file}?", abort=True)
    try:
        kept = restore_backup(folder, backup_file)
    except StorageError as error:
        _fail(f"Not restored: {_disk_problem(error)}")
    click.echo(f"Restored {backup_file}.")
    if kept:
        click.echo(f"The data it replaced are kept in {kept}")


@main.command("export", short_help="Write all data as one JSON file (or to the screen).")
@click.argument("output", required=False,
                type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help=DATA_DIR_HELP)
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def export_data(output: Path | None, data_dir: Path | None, force: bool) -> None:
    """Write all data (providers, calls, interviews) as one JSON file to OUTPUT, or to the
    screen when OUTPUT is left out or is -.

    Bring it back with `finder import OUTPUT`, or on the Import and export page.
    """
    from finder.store import SNAPSHOT_NAME
    from finder.transfer.data_file import export_chunks

    folder = resolve_data_dir(data_dir)
    if not (folder / SNAPSHOT_NAME).exists():
        _fail(f"There are no finder data in {folder}. Give the folder with --data-dir.")
    to_screen = output is None or str(output) == "-"
    if not to_screen and output.exists() and not force:
        _fail(f"{output} already exists. Choose another name, or add --force to replace it.")
    try:
        chunks = export_chunks(Store(folder).frozen_tables())
    except StorageError as error:
        _fail(_disk_problem(error))
    if to_screen:
        for chunk in chunks:
            click.echo(chunk, nl=False)  # bytes go to the binary stream as they are
        return
    try:
        with open(output, "wb") as file:
            file.writelines(chunks)
    except OSError as error:
        _fail(f"Could not write {output}: {error.strerror}.")
    click.echo(f"Exported all data to {output}", err=True)


@main.command("import", short_help="Replace all data with an export file, after a backup.")
@click.argument("data_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help=DATA_DIR_HELP)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def import_data(data_file: Path, data_dir: Path | None, yes: bool) -> None:
    """Replace all data with DATA_FILE, made by `finder export` or "Download all your data".

    Shows what the file holds and asks first. The current data are backed up before
    anything is replaced (see the backups folder), so `finder restore` can bring them back.
    """
    from finder import bundled_path
    from finder.content import load_content
    from finder.directory import STORE_INDEXES, Directory
    from finder.transfer import data_file as data_files

    folder = resolve_data_dir(data_dir)
    try:
        raw = data_file.read_bytes()
    except OSError as error:
        _fail(f"Could not read {data_file}: {error.strerror}.")
    try:
        checklist = load_content(bundled_path("data")).checklist
        tables, summary = data_files.parse_export(raw, checklist.version)
        store = Store(folder, indexes=STORE_INDEXES)
        current = data_files.summarise(store.frozen_tables())
    except data_files.DataFileProblem as problem:
        _fail(f"Not imported: {problem}")
    except StorageError as error:
        _fail(_disk_problem(error))
    click.echo(f"{data_file} holds {_holding(summary)}"
               + (f", exported {summary.exported_at}." if summary.exported_at else "."))
    click.echo(f"It replaces the data in {folder}: {_holding(current)}. "
               "A backup of them is made first.")
    if not yes:
        click.confirm("Replace the data with this file?", abort=True)
    try:
        kept = data_files.restore(Directory(store, checklist), tables)
    except data_files.DataFileProblem as problem:
        _fail(f"Not imported: {problem}")
    except StorageError as error:
        _fail(f"Not imported: {_disk_problem(error)}")
    click.echo(f"Imported {data_file}. The data it replaced are kept in {kept}")


def _holding(summary) -> str:
    trashed = f" (and {summary.trashed} in the trash)" if summary.trashed else ""
    return (f"{plural(summary.providers, 'provider')}{trashed} and "
            f"{plural(summary.calls, 'call')}")


@main.command("set-password")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help=DATA_DIR_HELP)
@click.password_option("--password", prompt="New password",
                       help="Prompted for when left out (safer than typing it here).")
def set_password(data_dir: Path | None, password: str) -> None:
    """Set the password asked for when finder listens beyond this computer."""
    from werkzeug.security import generate_password_hash

    if len(password) < 8:
        _fail("Use at least 8 characters.")
    folder = resolve_data_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_password_hash(folder, generate_password_hash(password))
    click.echo("Password set. Only its hash is stored.")


@contextmanager
def _loaded_data_kept_out_of_full_collections() -> Iterator[None]:
    """The records loaded at start live as long as the server. Python's full garbage
    collection walks every object it tracks: at 5,000 providers each pass took ~150 ms and
    stalled one autosave in ~2,000 (bench/autosave_compaction.py). Moved to the permanent
    generation, they are left out of those passes; records saved later are collected as
    before. (Plain JSON records hold no cycles, so a replaced one is still freed at once.)
    No collection runs while the app is built either: the first one after the load would
    walk every record once more (0.4 s at 20,000 providers) just before they are frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()


def _port_problem(host: str, port: int) -> str | None:
    """Why the port cannot be used, or None. Checked first because waitress leaves its
    socket open when binding fails."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as error:
            return error.strerror or str(error)
    return None


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)
