"""What finder's data are: tables of records at a schema version, the migrations between
versions, and the errors that say the data cannot be saved or trusted. The files that hold
them are in finder.store.snapshot and finder.store.journal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

__all__ = ["SCHEMA_VERSION", "CHECKSUMS_SINCE", "MIGRATIONS", "META_TABLE", "META_ID",
           "StorageError",
           "DamagedDataError", "check_schema", "check_tables", "migrate_tables",
           "dump_tables"]

SCHEMA_VERSION = 2
CHECKSUMS_SINCE = 2  # the schema from which every data file carries a checksum
META_TABLE = "meta"
META_ID = "1"


def _to_schema_2(tables: dict) -> dict:
    """Schema 2 holds the same tables as schema 1; its files carry checksums and numbered
    saves. The number changed so that an older finder refuses such a folder (as written by
    a newer version) instead of rewriting the snapshot without keeping its checksum."""
    return tables


# Each schema version above 1 has a function here that upgrades the tables from the version
# before it. They run at start-up, after a backup of the old data.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {2: _to_schema_2}


class StorageError(Exception):
    """A save could not be completed; the data on disk are unchanged and still valid."""


class DamagedDataError(StorageError):
    """The data file cannot be trusted; nothing was changed. The message says what to do."""


def check_schema(path: Path, tables) -> None:
    """Raise DamagedDataError unless the tables read from path are finder's, at a schema
    this version can read or migrate."""
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise DamagedDataError(f"{path} does not hold finder's tables.")
    meta = tables.get(META_TABLE, {}).get(META_ID)
    schema = meta.get("schema_version") if isinstance(meta, dict) else None
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


def migrate_tables(tables: dict) -> dict:
    """Upgrade tables written by an older finder to this schema version."""
    version = tables[META_TABLE][META_ID]["schema_version"]
    for target in range(version + 1, SCHEMA_VERSION + 1):
        tables = MIGRATIONS[target](tables)
        tables[META_TABLE][META_ID]["schema_version"] = target
    return tables


def dump_tables(tables: dict) -> bytes:
    """The tables as compact UTF-8 JSON, as finder writes them."""
    return json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
