"""The snapshot file: a TinyDB JSON file, {table: {doc_id: document}}, that carries its own
checksum. `SnapshotStorage`, a TinyDB Storage, reads and writes it; backups are the same
kind of file.

The file's first table, "snapshot", holds one record: the number of the last save folded
into the file ("sequence") and a CRC-32 of that number and of every byte after the record.
TinyDB reads the file as it is (the record shows as one more table). Files written before
snapshots had a checksum have no such record; they are read, and finder rewrites them with
one at start.
"""

from __future__ import annotations

import gc
import json
import re
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from tinydb.storages import Storage

from finder.store import files
from finder.store.data_format import (CHECKSUMS_SINCE, META_ID, META_TABLE, DamagedDataError,
                                      check_schema, migrate_tables)

__all__ = ["SnapshotStorage", "INTEGRITY_TABLE", "read_snapshot", "read_data_file",
           "write_snapshot", "no_cyclic_collection"]

INTEGRITY_TABLE = "snapshot"
_HEADER = b'{"snapshot":{"1":{"sequence":%d,"crc32":"%08x"}}'
_HEADER_PATTERN = re.compile(
    rb'\{"snapshot":\{"1":\{"sequence":(\d{1,20}),"crc32":"([0-9a-f]{8})"\}\}')
_CRC_FROM_END_OF_HEADER = len(b'00000000"}}')
# A file whose start has either word is meant to carry a checksum even when a damaged byte
# keeps its header from matching: it must not pass for an older file without one.
_HEADER_WORDS = (b'"snapshot"', b'"crc32"')
_HEADER_REACH = 100
_CHUNK_BYTES = 1 << 14


class SnapshotStorage(Storage):
    """TinyDB's JSON format with a checksum, replaced whole and never edited in place.

    Unlike TinyDB's JSONStorage it refuses a damaged or foreign file rather than reading it
    as empty, and it writes a new file beside the old one (fsync, rename, fsync of the
    folder) so that a crash leaves the old file or the new one, never half of each.
    `read` gives the tables with the "snapshot" table; `write` expects it, with at least
    the sequence number, and adds the checksum.
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    def read(self) -> dict:
        try:
            raw = self.path.read_bytes()
        except OSError as error:
            raise DamagedDataError(f"{self.path} cannot be read: {error.strerror}.") from error
        if not raw.strip():
            raise DamagedDataError(f"{self.path} is empty.")
        _verify_checksum(self.path, raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DamagedDataError(
                f"{self.path} is not UTF-8 text: it was not written by finder.") from error
        del raw  # the parse below needs the memory more
        try:
            with no_cyclic_collection():
                tables = json.loads(text)
        except ValueError as error:
            raise DamagedDataError(f"{self.path} is cut off or is not valid JSON "
                                   f"({error.msg} at line {error.lineno}).") from error
        check_schema(self.path, tables)
        return tables

    def write(self, data: dict) -> None:
        with files.temporary_file(self.path) as (fd, temporary):
            write_snapshot(fd, data)
        files.install(temporary, self.path)


@contextmanager
def no_cyclic_collection() -> Iterator[None]:
    """For loading the data: parsing a snapshot (and indexing it) makes millions of small
    dicts and strings, none of them in a cycle; left on, Python's cycle collector runs
    again and again over all of them as they pile up. Measured on 20,000 providers and
    100,000 calls (96 MB), the parse alone: 3.0 s with it, 0.9 s without (at 5,000: 0.29 s
    and 0.18 s), more than a faster JSON library gained (orjson: 0.58 s and 0.12 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_snapshot(fd: int, data: dict,
                   after_chunk: Callable[[int], None] | None = None) -> None:
    """Write data, with its "snapshot" record, to a new file open at fd, a chunk at a time
    (memory stays small however large the data), and its checksum last. after_chunk, if
    given, is called with each chunk's size once it is written."""
    sequence = data[INTEGRITY_TABLE]["1"]["sequence"]
    header = _HEADER % (sequence, 0)
    files.write_all(fd, header)
    checksum = zlib.crc32(b"%d" % sequence)
    tables = {name: table for name, table in data.items() if name != INTEGRITY_TABLE}
    for chunk in _body_chunks(tables):
        files.write_all(fd, chunk)
        checksum = zlib.crc32(chunk, checksum)
        if after_chunk is not None:
            after_chunk(len(chunk))
    files.write_all_at(fd, b"%08x" % checksum, len(header) - _CRC_FROM_END_OF_HEADER)


def _body_chunks(tables: dict) -> Iterator[bytes]:
    """What follows the header: ',"name":{"id":{...},...},...}', in chunks of about 16 KB
    (small, so that a thread writing a snapshot in the background lets go of the
    interpreter often)."""
    dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    parts: list[str] = []
    size = 0
    for name, table in tables.items():
        parts.append(f",{dump(name)}:{{")
        separator = ""
        for key, document in table.items():
            text = f"{separator}{dump(key)}:{dump(document)}"
            parts.append(text)
            size += len(text)
            separator = ","
            if size >= _CHUNK_BYTES:
                yield "".join(parts).encode("utf-8")
                parts, size = [], 0
        parts.append("}")
    parts.append("}")
    yield "".join(parts).encode("utf-8")


def _verify_checksum(path: Path, raw: bytes) -> None:
    header = _HEADER_PATTERN.match(raw)
    if header is None:
        start = raw[:_HEADER_REACH]
        if any(word in start for word in _HEADER_WORDS):
            raise DamagedDataError(f"{path} is damaged at its start (its checksum record).")
        return  # written before snapshots had a checksum
    body = memoryview(raw)[header.end():]
    if zlib.crc32(body, zlib.crc32(header[1])) != int(header[2], 16):
        raise DamagedDataError(
            f"{path} does not match its checksum: it was damaged or changed after finder "
            "wrote it.")


def read_snapshot(path: Path) -> tuple[dict, int | None]:
    """The tables in a snapshot or backup file, checked, and the number of the last save
    folded into it (None for a file written before snapshots had one)."""
    tables = SnapshotStorage(path).read()
    integrity = tables.pop(INTEGRITY_TABLE, None)
    if integrity is not None:
        return tables, integrity["1"]["sequence"]
    if tables[META_TABLE][META_ID]["schema_version"] >= CHECKSUMS_SINCE:
        raise DamagedDataError(f"{path} has lost its checksum record: it was damaged or "
                               "changed after finder wrote it.")
    return tables, None


def read_data_file(path: Path) -> dict:
    """The tables in a snapshot or backup file, checked and brought up to this version's
    schema; DamagedDataError if unfit."""
    return migrate_tables(read_snapshot(path)[0])
