"""The whole data as one JSON file, and restoring from it. No Flask: the web pages and the
`finder export` / `finder import` commands share it.

An export is {"format": "finder-export", "version": 1, "exported_at": ..., "tables": ...}
where the tables are exactly `Directory.tables_to_export()`. A file is checked completely
before anything is replaced: the format marker, the schema, and that every call points at a
provider and a checklist version the file (or this finder) has, so a restored folder always
opens.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from finder.directory import Directory
from finder.domain.checklist import ChecklistError, checklist_from_data
from finder.providers.forms import is_web_address
from finder.store import (SCHEMA_VERSION, DamagedDataError, migrate_tables,
                          read_data_file)

__all__ = ["FORMAT", "VERSION", "DataFileProblem", "DataFileSummary", "export_document",
           "export_bytes", "export_chunks", "parse_export", "summarise", "restore"]

DAMAGED = "The file’s data are damaged or were changed by hand: "
FORMAT = "finder-export"
VERSION = 1
META, PROVIDERS, CALLS, CHECKLISTS = "meta", "providers", "calls", "checklists"


class DataFileProblem(ValueError):
    """The file cannot be restored; the message says why and what to do."""


@dataclass(frozen=True)
class DataFileSummary:
    """What a data file holds, for the preview before a restore."""

    providers: int
    trashed: int
    calls: int
    exported_at: str | None


def export_document(tables: dict, now: dt.datetime | None = None) -> dict:
    """The export file's content for `Directory.tables_to_export()`."""
    moment = now or dt.datetime.now(dt.timezone.utc)
    return {"format": FORMAT, "version": VERSION,
            "exported_at": moment.isoformat(timespec="seconds"), "tables": tables}


def export_bytes(tables: dict, now: dt.datetime | None = None) -> bytes:
    """The whole export file at once (see export_chunks)."""
    return b"".join(export_chunks(tables, now))


EXPORT_CHUNK_BYTES = 1 << 16


def export_chunks(tables: dict, now: dt.datetime | None = None) -> Iterator[bytes]:
    """The export file in pieces of about 64 KB, one record a line, each encoded only as it
    is written: a large export never sits in memory whole, and json's fast encoder (which
    indenting would turn off) does the work. `tables` are only read."""
    document = export_document(tables, now)
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False,
                              separators=(",", ":")).encode
    # The document's first fields, then the tables opened, filled and closed by hand.
    head = encode({key: value for key, value in document.items() if key != "tables"})
    parts = [head[:-1] + ',"tables":{']
    size = 0
    for table_number, (name, records) in enumerate(tables.items()):
        parts.append(f'{"," if table_number else ""}\n{encode(name)}:{{')
        for record_number, (key, record) in enumerate(records.items()):
            text = f'{"," if record_number else ""}\n{encode(key)}:{encode(record)}'
            parts.append(text)
            size += len(text)
            if size >= EXPORT_CHUNK_BYTES:
                yield "".join(parts).encode("utf-8")
                parts, size = [], 0
        parts.append("}")
    parts.append("\n}}\n")
    yield "".join(parts).encode("utf-8")


def parse_export(raw: bytes, current_checklist_version: int) -> tuple[dict, DataFileSummary]:
    """The tables in an export file, checked, and a summary; raise DataFileProblem if unfit."""
    document = _load_json(raw)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DataFileProblem(
            "This file is JSON, but not a finder export: it has no “finder-export” marker. "
            "Choose a file made with “Download all your data”, or with `finder export`.")
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise DataFileProblem(
            f"This export was made by a newer version of finder (file format {version!r}; this "
            f"finder reads up to {VERSION}). Update finder, then restore it.")
    tables = _brought_up_to_date(document.get("tables"))
    _check_tables(tables, current_checklist_version)
    return tables, summarise(tables, document.get("exported_at"))


def summarise(tables: dict, exported_at: str | None = None) -> DataFileSummary:
    providers = list(tables.get(PROVIDERS, {}).values())
    trashed = sum(1 for p in providers if Directory.in_trash(p))
    return DataFileSummary(len(providers) - trashed, trashed, len(tables.get(CALLS, {})),
                           exported_at if isinstance(exported_at, str) else None)


def restore(directory: Directory, tables: dict) -> Path:
    """Make `tables` the whole data, then rebuild every provider's standing. Returns the
    backup of what was there before. If the standings cannot be rebuilt, that backup is put
    back and DataFileProblem says so."""
    try:
        kept = directory.replace_all(tables)
    except DamagedDataError as error:
        raise DataFileProblem(f"{DAMAGED}{error} Your data are unchanged.") from error
    try:
        directory.refresh_all_standings()
    except (LookupError, TypeError, AttributeError, ValueError) as error:
        directory.replace_all(read_data_file(kept))
        raise DataFileProblem(f"{DAMAGED}its calls cannot be scored ({error}). Your data "
                              "are unchanged.") from error
    return kept


def _load_json(raw: bytes):
    if not raw.strip():
        raise DataFileProblem("The file is empty. Choose the file again.")
    try:
        document = json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
        json.dumps(document, ensure_ascii=False).encode("utf-8")
        return document
    except UnicodeEncodeError as error:  # a lone UTF-16 surrogate: text no file can hold
        raise DataFileProblem(DAMAGED + "it holds text that is not whole (half of a "
                              "character). Choose the file finder made.") from error
    except UnicodeDecodeError as error:
        raise DataFileProblem("This file is not a finder export: it is not text. Choose the "
                              ".json file finder made.") from error
    except DataFileProblem:
        raise
    except (ValueError, RecursionError) as error:  # the parser's own words help nobody
        raise DataFileProblem(
            "This file is not a finder export: it is not valid JSON (it may be cut off, or "
            "another kind of file). Choose the .json file finder made; if it is a list of "
            "providers (CSV), use “Import a list” instead.") from error


def _brought_up_to_date(tables):
    """Tables exported by an older finder, migrated to this schema; anything else as it is,
    for the checks that follow to judge."""
    try:
        schema = tables[META]["1"]["schema_version"]
    except (TypeError, KeyError):
        return tables
    if type(schema) is int and 0 < schema < SCHEMA_VERSION:
        return migrate_tables(tables)
    return tables


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON and finder's journal cannot store them.
    raise DataFileProblem(DAMAGED + f"it holds {name}, which is not a number finder can "
                          "store.")


def _check_tables(tables, current_checklist_version: int) -> None:
    """Refuse what Store.replace_all would refuse, and data that would not open."""
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise DataFileProblem(DAMAGED + "it does not hold finder’s tables.")
    for name, table in tables.items():
        for key, record in table.items():
            if not (key.isascii() and key.isdigit()) or not isinstance(record, dict):
                raise DataFileProblem(DAMAGED + f"the {name} table holds something other "
                                      "than numbered records.")
    schema = tables.get(META, {}).get("1", {}).get("schema_version")
    if schema != SCHEMA_VERSION:
        if isinstance(schema, int) and schema > SCHEMA_VERSION:
            raise DataFileProblem("This export was made by a newer version of finder. "
                                  "Update finder, then restore it.")
        raise DataFileProblem(DAMAGED + f"its data schema is {schema!r}, not {SCHEMA_VERSION}.")
    providers = tables.get(PROVIDERS, {})
    for key, provider in providers.items():
        _check_fields(f"provider {key}", provider, PROVIDER_SHAPE)
        if not (provider.get("name") or "").strip():
            raise DataFileProblem(DAMAGED + f"provider {key} has no name.")
        if provider.get("website") and not is_web_address(provider["website"]):
            raise DataFileProblem(DAMAGED + f"provider {key} has a website that is not a web "
                                  "address (only http and https links are kept).")
    versions = _checklist_versions(tables.get(CHECKLISTS, {})) | {current_checklist_version}
    for key, call in tables.get(CALLS, {}).items():
        _check_fields(f"call {key}", call, CALL_SHAPE)
        if str(call.get("provider_id")) not in providers:
            raise DataFileProblem(DAMAGED + f"call {key} belongs to no provider in the file.")
        if call.get("checklist_version") not in versions:
            raise DataFileProblem(DAMAGED + f"call {key} was filled against a checklist "
                                  "the file does not include.")


# What each field must hold when present (None counts as absent, except for a list), for
# what the pages, scoring and exports read: a type; [shape] for a list of such; Each(shape)
# for a dict of them by any key; {key: shape} for a dict whose named keys have those shapes.
class Each:
    def __init__(self, shape):
        self.shape = shape


TEXT = str
ANSWER = {"option": TEXT, "note": TEXT, "at": TEXT}
PROVIDER_SHAPE = {
    **{name: TEXT for name in ("name", "practice", "specialty", "phone", "website", "city",
                               "state", "telemedicine", "payment", "insurance_plans",
                               "referral_source", "referral_detail", "status", "notes",
                               "follow_up_on", "created_at", "updated_at", "deleted_at")},
    "tags": [TEXT], "telemedicine_states": [TEXT], "video_from_call": int,
    "video_by_hand": bool,
    "status_history": [{"status": TEXT, "at": TEXT, "via": TEXT, "before": TEXT,
                        "follow_up_before": TEXT, "follow_up_after": TEXT}],
    "cleared_flags": Each(TEXT),
    "imported": {"batch": TEXT, "file": TEXT, "row": int, "rows_in_file": int},
    "to_fix": Each({"label": TEXT, "value": TEXT, "problem": TEXT}),
}
CALL_SHAPE = {
    **{name: TEXT for name in ("called_at", "spoke_with", "contact_name", "outcome",
                               "follow_up_on", "notes", "created_at", "updated_at")},
    "provider_id": int, "checklist_version": int, "ended": bool,
    "answers": Each(ANSWER),
    "practical": Each({**ANSWER, "text": TEXT, "states": [TEXT]}),
    "red_flags": Each({"ticked": bool, "note": TEXT, "at": TEXT}),
    "revs": Each(int),
    "schedule": Each((TEXT, bool)), "previous_schedule": Each((TEXT, bool)),
}


def _check_fields(what: str, record: dict, shape: dict) -> None:
    for name, expected in shape.items():
        if name in record and not _fits(record[name], expected):
            # "has a tags that…" when not even a list; "has answers that…" when within
            outer = list if isinstance(expected, list) else dict \
                if isinstance(expected, (Each, dict)) else None
            article = "" if outer and isinstance(record[name], outer) else "a "
            raise DataFileProblem(DAMAGED + f"{what} has {article}{name} that finder cannot "
                                  "read.")


def _fits(value, shape) -> bool:
    if value is None:
        return not isinstance(shape, list)
    if isinstance(shape, Each):
        return isinstance(value, dict) and all(_fits(v, shape.shape) for v in value.values())
    if isinstance(shape, list):
        return isinstance(value, list) and all(v is not None and _fits(v, shape[0])
                                               for v in value)
    if isinstance(shape, dict):
        return isinstance(value, dict) and all(_fits(value[k], s) for k, s in shape.items()
                                               if k in value)
    kinds = shape if isinstance(shape, tuple) else (shape,)
    # True is an int to Python, but never a number or a text here (nor 1 a tick).
    return isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))


def _checklist_versions(checklists: dict) -> set:
    """The versions of the valid checklists stored in the file."""
    versions = set()
    for key, stored in checklists.items():
        try:
            checklist = checklist_from_data(stored.get("data"))
        except (ChecklistError, TypeError, KeyError, AttributeError) as error:
            raise DataFileProblem(DAMAGED + f"checklist {key} cannot be read.") from error
        if stored.get("version") != checklist.version:
            raise DataFileProblem(DAMAGED + f"checklist {key} is stored under the wrong version.")
        versions.add(checklist.version)
    return versions
