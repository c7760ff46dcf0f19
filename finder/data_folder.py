"""The user's data folder: where it is, and the private files beside the data in it
(the session secret and the optional password hash)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from flask import Flask

__all__ = ["default_data_dir", "resolve_data_dir", "init_app", "read_password_hash",
           "write_password_hash"]

SECRET_NAME = "secret_key"
PASSWORD_NAME = "password_hash"


def default_data_dir() -> Path:
    """The per-user data folder for this operating system."""
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", home / "AppData" / "Roaming")) / "finder"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "finder"
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "finder"


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--data-dir first, then FINDER_DATA_DIR, then the per-user default."""
    chosen = explicit or os.environ.get("FINDER_DATA_DIR") or default_data_dir()
    return Path(chosen).expanduser().resolve()


def init_app(app: Flask) -> None:
    """Settle DATA_DIR, create the folder owner-only, and load or create the secret key."""
    folder = resolve_data_dir(app.config.get("DATA_DIR"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    app.config["DATA_DIR"] = str(folder)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(folder)


MIN_SECRET_LENGTH = 32


def _secret_key(folder: Path) -> str:
    """The key that signs form tokens: made once and kept. One that is missing, empty or
    too short to be safe (a file emptied by a crash or by hand) is made anew; form tokens
    signed with the old one ask for the form to be sent again, losing nothing."""
    path = folder / SECRET_NAME
    if path.exists() and not path.is_file():
        from finder.store import StorageError

        raise StorageError(f"{path} should be a file, but it is a folder. finder has changed "
                           f"nothing. Move it out of {folder}, then start finder again.")
    if path.exists():
        key = path.read_text(errors="replace").strip()
        if len(key) >= MIN_SECRET_LENGTH:
            return key
    key = secrets.token_hex(32)
    _write_private(path, key)
    return key


def read_password_hash(folder: Path) -> str | None:
    path = Path(folder) / PASSWORD_NAME
    return path.read_text().strip() if path.exists() else None


def write_password_hash(folder: Path, password_hash: str) -> None:
    _write_private(Path(folder) / PASSWORD_NAME, password_hash)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
