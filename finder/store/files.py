"""Files that survive a crash: all-or-nothing replacement and fsynced writes. No TinyDB and
no Flask here; the rest of finder.store builds on these.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["write_all", "write_all_at", "append_durably", "fsync_folder", "temporary_file",
           "install",
           "write_file_atomically", "copy_file_atomically", "remove_stray_temporary_files",
           "identity"]


def write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise. Kept separate so tests can make the disk fail."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_all_at(fd: int, data: bytes, offset: int) -> None:
    """Write every byte at offset, without moving the file position."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def append_durably(path: Path, data: bytes) -> None:
    """Add data at the end of an existing file and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in folder durable."""
    if os.name == "nt":  # Windows cannot open a folder for fsync; NTFS orders renames itself.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


TEMPORARY_MARK = ".tmp-"
SECOND_NAME_END = "-old"  # see second_name


@contextmanager
def temporary_file(path: Path) -> Iterator[tuple[int, Path]]:
    """A new owner-only file beside path to write through the fd given, fsynced when the
    block ends and removed if it raises. `install` then puts it in path's place."""
    temporary = path.with_name(
        f"{path.name}{TEMPORARY_MARK}{os.getpid()}-{threading.get_ident()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        yield fd, temporary
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        temporary.unlink(missing_ok=True)
        raise
    os.close(fd)


def install(temporary: Path, path: Path) -> None:
    """Rename a finished temporary file over path, durably: a crash leaves the old file or
    the new one, whole."""
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def second_name(path: Path) -> Path | None:
    """Give path's file a second name beside it, so that replacing path does not free the
    file's blocks: freeing 100 MB took 20-25 ms here, inside the rename, under whatever
    locks the caller holds. Unlink the second name once they are let go (a crash leaves it
    as a leftover temporary, removed at the next start). None where there is no file or the
    file system has no hard links."""
    aside = path.with_name(f"{path.name}{TEMPORARY_MARK}{os.getpid()}-"
                           f"{threading.get_ident()}{SECOND_NAME_END}")
    try:
        aside.unlink(missing_ok=True)
        os.link(path, aside)
    except OSError:
        return None
    return aside


def write_file_atomically(path: Path, data: bytes) -> None:
    """Replace path with data so that a crash leaves either the old or the new file whole."""
    with temporary_file(path) as (fd, temporary):
        write_all(fd, data)
    install(temporary, path)


def copy_file_atomically(source: Path, target: Path) -> None:
    """Copy source over target in the same all-or-nothing way, a megabyte at a time."""
    with temporary_file(target) as (fd, temporary), open(source, "rb") as reader:
        while chunk := reader.read(1 << 20):
            write_all(fd, chunk)
    install(temporary, target)


def remove_stray_temporary_files(folder: Path) -> None:
    """Delete temporary files left in folder by a process that was killed while writing
    one. Those of a process still running are its work in progress and stay, except
    second names: each is only another name for a file already replaced, and a process
    given the same id as the one killed (as in a container) would keep them forever."""
    for leftover in folder.glob(f"*{TEMPORARY_MARK}*"):
        writer = leftover.name.rpartition(TEMPORARY_MARK)[2].split("-")[0]
        if (writer.isdigit() and _process_running(int(writer))
                and not leftover.name.endswith(SECOND_NAME_END)):
            continue
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass  # in use (Windows) or not ours to remove: harmless, tried again next start


def _process_running(pid: int) -> bool:
    if os.name == "nt":
        return False  # Windows refuses to delete a file still open instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def identity(path: Path) -> tuple | None:
    """What tells us another process replaced or changed a file since we last read it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)
