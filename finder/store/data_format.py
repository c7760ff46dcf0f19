"""What finder's data files hold, and how they are checked and brought up to date.

The snapshot (and every backup) is a TinyDB JSON file, {table: {doc_id: document}}, read and
written by `SnapshotStorage`, a TinyDB Storage. The journal holds one line per committed
transaction: "crc32 json\\n". Also here: the schema version and the migrations between
versions, and finding the newest good backup. Anything damaged is refused with a message
that says what to do.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Callable

from tinydb.storages import Storage

from finder.store import files

__all__ = ["SCHEMA_VERSION", "MIGRATIONS", "META_TABLE", "META_ID", "StorageError",
           "DamagedDataError", "SnapshotStorage", "check_tables", "read_data_file",
           "migrate_tables", "newest_good_backup", "dump_tables", "encode_journal_line",
           "decode_journal_line"]

SCHEMA_VERSION = 1
META_TABLE = "meta"
META_ID = "1"

# Each schema version above 1 has a function here that upgrades the tables from the version
# before it. They run at start-up, after a backup of the old data.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


class StorageError(Exception):
    """A save could not be completed; the data on disk are unchanged and still valid."""


class DamagedDataError(StorageError):
    """The data file cannot be trusted; nothing was changed. The message says what to do."""


class SnapshotStorage(Storage):
    """A TinyDB storage for finder's snapshot and backup files.

    Unlike TinyDB's JSONStorage it refuses a damaged or foreign file rather than reading it
    as empty, and it replaces the file whole (temporary file, fsync, rename) rather than
    rewriting it in place, so a crash leaves the old file or the new one, never half of each.
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    def read(self) -> dict:
        try:
            raw = self.path.read_text(encoding="utf-8")  # text, not bytes: one copy fewer
        except UnicodeDecodeError as error:
            raise DamagedDataError(
                f"{self.path} is not UTF-8 text: it was not written by finder.") from error
        except OSError as error:
            raise DamagedDataError(f"{self.path} cannot be read: {error.strerror}.") from error
        if not raw.strip():
            raise DamagedDataError(f"{self.path} is empty.")
        try:
            tables = json.loads(raw)
        except ValueError as error:
            raise DamagedDataError(f"{self.path} is cut off or is not valid JSON "
                                   f"({error.msg} at line {error.lineno}).") from error
        _check_schema(self.path, tables)
        return tables

    def write(self, data: dict) -> None:
        files.write_file_atomically(self.path, dump_tables(data))


def _check_schema(path: Path, tables) -> None:
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise DamagedDataError(f"{path} does not hold finder's tables.")
    schema = tables.get(META_TABLE, {}).get(META_ID, {}).get("schema_version")
    if not isinstance(schema, int):
        raise DamagedDataError(f"{path} has no schema version: it was not written by finder.")
    if schema > SCHEMA_VERSION:
        raise DamagedDataError(
            f"{path} was written by a newer version of finder (data schema {schema}; "
            f"this version reads up to {SCHEMA_VERSION}). Update finder to open it."
        )


def check_tables(tables) -> None:
    """Raise DamagedDataError unless tables look like finder's data at this schema."""
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise DamagedDataError("The data do not hold finder's tables.")
    if not all(isinstance(d, dict) for t in tables.values() for d in t.values()):
        raise DamagedDataError("The data hold something other than records.")
    schema = tables.get(META_TABLE, {}).get(META_ID, {}).get("schema_version")
    if schema != SCHEMA_VERSION:
        raise DamagedDataError(f"The data are at schema {schema!r}, not {SCHEMA_VERSION}.")


def read_data_file(path: Path) -> dict:
    """Parse a snapshot or backup file and check its shape; raise DamagedDataError if unfit."""
    return SnapshotStorage(path).read()


def migrate_tables(tables: dict) -> dict:
    """Upgrade tables written by an older finder to this schema version."""
    version = tables[META_TABLE][META_ID]["schema_version"]
    for target in range(version + 1, SCHEMA_VERSION + 1):
        tables = MIGRATIONS[target](tables)
        tables[META_TABLE][META_ID]["schema_version"] = target
    return tables


def newest_good_backup(folder: Path) -> Path | None:
    """The newest backup file in folder that reads cleanly, or None."""
    folder = Path(folder)
    if not folder.exists():
        return None
    for candidate in sorted(folder.glob("finder-*.json"), reverse=True):
        try:
            read_data_file(candidate)
        except DamagedDataError:
            continue
        return candidate
    return None


def dump_tables(tables: dict) -> bytes:
    """The tables as finder writes them to disk: compact UTF-8 JSON (TinyDB's format)."""
    return json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_journal_line(entry: dict) -> tuple[bytes, str]:
    """The journal line for an entry ("crc32 json\\n") and the JSON text written in it."""
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    payload = text.encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(payload), payload), text


def decode_journal_line(line: bytes) -> dict | None:
    """The entry on a journal line, or None when the line is incomplete or corrupt."""
    if not line.endswith(b"\n") or len(line) < 10 or line[8:9] != b" ":
        return None
    payload = line[9:-1]
    try:
        if int(line[:8], 16) != zlib.crc32(payload):
            return None
        return json.loads(payload)
    except ValueError:
        return None
