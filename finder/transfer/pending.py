"""Uploaded files waiting for the user to confirm an import or restore. No Flask.

An upload is kept between steps as a private file in the data folder,
`pending-imports/<token>.<kind>` (owner-only), with its original name beside it, rather
than in the session cookie: a list can be far bigger than a cookie, and the data stay on
this computer. A file is deleted once it is imported or restored, or after a day.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["FOLDER", "MAX_AGE", "save", "load", "claimed", "original_name", "discard",
           "remove_old"]

FOLDER = "pending-imports"
MAX_AGE = dt.timedelta(days=1)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KINDS = ("csv", "json")


def _folder(data_dir) -> Path:
    return Path(data_dir) / FOLDER


def _path(data_dir, token: str, kind: str) -> Path | None:
    if kind not in KINDS or not TOKEN.match(token or ""):
        return None
    return _folder(data_dir) / f"{token}.{kind}"


def save(data_dir, kind: str, content: bytes, name: str) -> str:
    """Keep an upload and return the token that names it."""
    remove_old(data_dir)
    folder = _folder(data_dir)
    folder.mkdir(mode=0o700, exist_ok=True)
    token = secrets.token_urlsafe(18)
    path = _path(data_dir, token, kind)
    _write_private(path, content)
    _write_private(path.with_name(path.name + ".name"), name.encode("utf-8")[:300])
    return token


def load(data_dir, token: str, kind: str) -> bytes | None:
    """The upload's bytes, or None when there is none (done, expired or never was)."""
    path = _path(data_dir, token, kind)
    if path is None or not path.exists() or _too_old(path):
        return None
    try:
        return path.read_bytes()
    except FileNotFoundError:  # taken this moment by a confirm (see claimed)
        return None


@contextmanager
def claimed(data_dir, token: str, kind: str) -> Iterator[bytes | None]:
    """The upload's bytes, taken by this caller alone for the block: the file is renamed
    first (one rename of it can succeed), so a second confirm of the same upload (a double
    click, two tabs) gets None, as for an upload already done. Deleted when the block ends;
    put back if it raises, to be confirmed again."""
    path = _path(data_dir, token, kind)
    if path is None or not path.exists() or _too_old(path):
        yield None
        return
    taken = path.with_name(f"{path.name}.taken-{secrets.token_hex(8)}")
    try:
        os.rename(path, taken)
    except FileNotFoundError:  # taken a moment ago by another request
        yield None
        return
    try:
        yield taken.read_bytes()
    except BaseException:
        os.replace(taken, path)
        raise
    taken.unlink(missing_ok=True)


def original_name(data_dir, token: str, kind: str) -> str:
    path = _path(data_dir, token, kind)
    try:
        return path.with_name(path.name + ".name").read_bytes().decode("utf-8", "replace")
    except (OSError, AttributeError):
        return ""


def discard(data_dir, token: str, kind: str) -> None:
    path = _path(data_dir, token, kind)
    if path is not None:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".name").unlink(missing_ok=True)


def remove_old(data_dir, now: dt.datetime | None = None) -> None:
    """Delete uploads left waiting for more than a day."""
    folder = _folder(data_dir)
    if not folder.exists():
        return
    for path in folder.iterdir():
        if _too_old(path, now):
            path.unlink(missing_ok=True)


def _too_old(path: Path, now: dt.datetime | None = None) -> bool:
    moment = (now or dt.datetime.now()).timestamp()
    try:
        return moment - path.stat().st_mtime > MAX_AGE.total_seconds()
    except FileNotFoundError:
        return False


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
