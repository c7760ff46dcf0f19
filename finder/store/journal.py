"""The journal: one line per committed transaction since the snapshot, appended and fsynced
before the save is confirmed.

A line is "crc32 json\\n". The JSON holds "seq", the save's number, one more than the save
before it (the snapshot records the number of the last save folded into it), and the
documents the save put ("put") and deleted ("del"). Reading checks every byte: a line whose
checksum fails, zero bytes, a number out of turn, or a first line that does not continue the
snapshot is damage. Only a last line without its newline is taken for a write cut off by a
crash: it was never confirmed, and is dropped.

Beside it, finder.confirmed holds the number of the last confirmed save, written after each
one (not fsynced: after a crash it may lag behind the journal, never run ahead of it), so
that a journal cut short at a line boundary is noticed too.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JournalDamage", "Replay", "encode_line", "decode_line", "read_entries",
           "read_confirmed", "write_confirmed"]

_CONFIRMED = re.compile(rb"(\d{20})\n")


class JournalDamage(Exception):
    """What is wrong with the journal, in words; the store adds what to do about it."""


@dataclass
class Replay:
    entries: list[dict]  # the saves to apply, in order
    length: int  # bytes of whole lines read, where the next read starts
    last: int  # the number of the last save now applied


def encode_line(entry: dict) -> tuple[bytes, str]:
    """The journal line for an entry and the JSON text written in it."""
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    payload = text.encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(payload), payload), text


def decode_line(line: bytes) -> dict | None:
    """The entry on a journal line, or None when the line is incomplete or corrupt."""
    if not line.endswith(b"\n") or len(line) < 10 or line[8:9] != b" ":
        return None
    payload = line[9:-1]
    try:
        if int(line[:8], 16) != zlib.crc32(payload):
            return None
        entry = json.loads(payload)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def read_entries(data: bytes, *, after: int, from_snapshot: bool, first_byte: int = 0) -> Replay:
    """Check journal bytes and return the saves numbered above `after`.

    from_snapshot: the bytes are the whole journal read beside a snapshot holding saves up
    to `after`, so its first lines may be saves already folded into it (a crash between
    writing the snapshot and emptying the journal leaves them). Otherwise the bytes follow
    save `after` exactly. Lines from before saves were numbered count from 1.
    """
    zero = data.find(b"\0")
    if zero >= 0:
        raise JournalDamage(f"has zero bytes where saves should be (from byte "
                            f"{first_byte + zero}): part of it was wiped.")
    *lines, unfinished = data.split(b"\n")
    entries, length, previous = [], 0, None
    for body in lines:
        where = f"the line at byte {first_byte + length}"
        entry = decode_line(body + b"\n")
        if entry is None:
            raise JournalDamage(f"has a damaged line ({where}): its checksum does not match "
                                "what is written.")
        expected = previous + 1 if previous is not None else (
            1 if from_snapshot else after + 1)
        sequence = entry.get("seq", expected)
        if not isinstance(sequence, int):
            raise JournalDamage(f"has a line without a save number ({where}).")
        if previous is None and (sequence > after + 1
                                 or (not from_snapshot and sequence != after + 1)):
            raise JournalDamage(f"does not follow on from the snapshot: {where} holds save "
                                f"{sequence}, but save {after + 1} should come next.")
        if previous is not None and sequence != expected:
            raise JournalDamage(f"has a line out of turn ({where} holds save {sequence}, "
                                f"not {expected}): lines are missing.")
        previous = sequence
        length += len(body) + 1
        if sequence > after:
            entries.append(entry)
    if unfinished and decode_line(unfinished[:-1] + b"\n") is not None:
        raise JournalDamage("has a damaged last line: its end of line was changed.")
    return Replay(entries, length, max(after, previous if previous is not None else after))


def read_confirmed(path: Path) -> int | None:
    """The number of the last confirmed save written beside the journal; None when unknown
    (no such file yet)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not raw:
        return None  # created, but a crash came before its first number was written
    match = _CONFIRMED.fullmatch(raw)
    if match is None:
        raise JournalDamage(f"cannot be checked: {path} is damaged.")
    return int(match[1])


def write_confirmed(path: Path, sequence: int) -> None:
    """Record that save `sequence` is confirmed: same length, same place, every time."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.pwrite(fd, b"%020d\n" % sequence, 0)
    finally:
        os.close(fd)
