"""What a finder data file holds, and how it is checked and brought up to date: the schema
version, the migrations between versions, reading a snapshot or a backup (refusing anything
damaged, with a message that says what to do) and finding the newest good backup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

__all__ = ["SCHEMA_VERSION", "MIGRATIONS", "StorageError", "DamagedDataError", "check_tables",
           "read_data_file", "migrate_tables", "newest_good_backup", "dump_tables"]

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
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")  # text, not bytes: one copy fewer in memory
    except UnicodeDecodeError as error:
        raise DamagedDataError(f"{path} is not UTF-8 text: it was not written by finder.") \
            from error
    except OSError as error:
        raise DamagedDataError(f"{path} cannot be read: {error.strerror}.") from error
    if not raw.strip():
        raise DamagedDataError(f"{path} is empty.")
    try:
        tables = json.loads(raw)
    except ValueError as error:
        raise DamagedDataError(
            f"{path} is cut off or is not valid JSON ({error.msg} at line {error.lineno})."
        ) from error
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
    return tables


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
