"""Files that survive a crash: all-or-nothing replacement and fsynced writes. No TinyDB and
no Flask here; the rest of finder.store builds on these.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

__all__ = ["write_all", "fsync_folder", "write_file_atomically", "copy_file_atomically",
           "identity"]


def write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise. Kept separate so tests can make the disk fail."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync_folder(folder: Path) -> None:
    """Make a rename in folder durable."""
    if os.name == "nt":  # Windows cannot open a folder for fsync; NTFS orders renames itself.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file_atomically(path: Path, data: bytes) -> None:
    """Replace path with data so that a crash leaves either the old or the new file whole."""
    temporary = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        temporary.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(temporary, path)
    fsync_folder(path.parent)


def copy_file_atomically(source: Path, target: Path) -> None:
    """Copy source over target in the same all-or-nothing way, a megabyte at a time."""
    temporary = target.with_name(f"{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with open(source, "rb") as reader, open(temporary, "wb") as writer:
            os.chmod(temporary, 0o600)
            shutil.copyfileobj(reader, writer, 1 << 20)
            writer.flush()
            os.fsync(writer.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, target)
    fsync_folder(target.parent)


def identity(path: Path) -> tuple | None:
    """What tells us another process replaced or changed a file since we last read it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)
