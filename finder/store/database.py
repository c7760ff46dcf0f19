"""The Store: finder's records in memory, each transaction one fsynced journal line, safe
across threads, processes and crashes. See the package docstring for why it is built so.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

from filelock import FileLock

from finder.store import data_format as formats
from finder.store import files
from finder.store.data_format import META_ID, META_TABLE, DamagedDataError, StorageError

__all__ = ["Store", "restore_backup", "SNAPSHOT_NAME", "JOURNAL_NAME", "LOCK_NAME",
           "BACKUP_DIR"]

SNAPSHOT_NAME = "finder.json"
JOURNAL_NAME = "finder.journal"
LOCK_NAME = "finder.lock"
BACKUP_DIR = "backups"
COMPACT_MIN_BYTES = 1 << 20
DEFAULT_BACKUPS_KEPT = 14
BACKUP_EVERY = dt.timedelta(days=1)


class _Index:
    """Document keys by the value of one field, and each key's value, to update in place."""

    def __init__(self):
        self.keys_by_value: dict[Any, set[str]] = {}
        self.value_by_key: dict[str, Any] = {}

    def add(self, key: str, value: Any) -> None:
        value = _hashable(value)
        self.value_by_key[key] = value
        self.keys_by_value.setdefault(value, set()).add(key)

    def discard(self, key: str) -> None:
        if key in self.value_by_key:
            self.keys_by_value[self.value_by_key.pop(key)].discard(key)

    def keys_for(self, value: Any) -> set[str]:
        return self.keys_by_value.get(_hashable(value), set())


class Store:
    """All of finder's data in one folder. Every read and write happens inside `transaction()`,
    which holds a thread lock and a file lock, catches up with other processes' writes first,
    and commits all changes as one journal line at the end.

    `indexes` names fields to look documents up by quickly, e.g. {"calls": ["provider_id"]}.
    Documents returned by `view`, `all` and `find` share nested values with the store: treat
    them as read-only, and write through `update`. The store never changes a stored document
    in place either: a write puts a new one in its place.
    """

    def __init__(self, folder: Path, *, indexes: Mapping[str, list[str]] | None = None,
                 backups_kept: int = DEFAULT_BACKUPS_KEPT, now=None):
        self.folder = Path(folder)
        self.snapshot_path = self.folder / SNAPSHOT_NAME
        self.journal_path = self.folder / JOURNAL_NAME
        self.backup_folder = self.folder / BACKUP_DIR
        self.backups_kept = backups_kept
        self._now = now or (lambda: dt.datetime.now(dt.timezone.utc))
        self._index_fields = {t: list(f) for t, f in (indexes or {}).items()}
        self._indexes: dict[tuple[str, str], _Index] = {}
        self._thread_lock = threading.RLock()
        self._depth = 0  # nesting of transaction(), which may write
        self._reading_depth = 0
        self._tables: dict[str, dict[str, dict]] = {}
        # What the open transaction changed: (table, key) -> the document before it, or None.
        self._before: dict[tuple[str, str], dict | None] = {}
        self._snapshot_identity: tuple | None = None
        self._journal_identity: tuple | None = None
        self._journal_offset = 0
        self._last_backup_at: dt.datetime | None = None
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._file_lock = FileLock(self.folder / LOCK_NAME)
        self._open()

    # -- opening, migrating, compacting ---------------------------------------------------

    def _open(self) -> None:
        with self._file_lock:
            self._remove_stale_temporary_files()
            if not self.snapshot_path.exists() and not self.journal_path.exists():
                self._start_empty()
            self._load_all()
            self._migrate_if_needed()
            if self._journal_offset or not self.journal_path.exists():
                self._compact()
            self.backup("start")

    def _remove_stale_temporary_files(self) -> None:
        for leftover in self.folder.glob("*.tmp-*"):
            leftover.unlink(missing_ok=True)

    def _start_empty(self) -> None:
        meta = {"schema_version": formats.SCHEMA_VERSION, "id_counters": {}}
        formats.SnapshotStorage(self.snapshot_path).write({META_TABLE: {META_ID: meta}})

    def _load_all(self) -> None:
        """Read the snapshot and replay the whole journal into memory."""
        if not self.snapshot_path.exists():
            raise DamagedDataError(self._damage_message(
                f"{self.snapshot_path} is missing but its journal is still there."))
        try:
            tables = formats.read_data_file(self.snapshot_path)
        except DamagedDataError as error:
            raise DamagedDataError(self._damage_message(str(error))) from error
        self._tables = tables
        self._snapshot_identity = files.identity(self.snapshot_path)
        self._journal_offset = 0
        self._journal_identity = files.identity(self.journal_path)
        self._rebuild_indexes()
        self._replay_journal()  # keeps the indexes in step as it applies each line

    def _replay_journal(self) -> None:
        """Apply the journal's lines after the offset already applied."""
        try:
            with open(self.journal_path, "rb") as journal:
                journal.seek(self._journal_offset)
                lines = journal.readlines()
        except FileNotFoundError:
            return
        for number, line in enumerate(lines):
            entry = formats.decode_journal_line(line)
            if entry is None:
                if number == len(lines) - 1:
                    break  # cut off by a crash before it was confirmed: never acknowledged
                raise DamagedDataError(self._damage_message(
                    f"{self.journal_path} has a damaged line in the middle."))
            self._apply(entry)
            self._journal_offset += len(line)
        self._journal_identity = files.identity(self.journal_path)

    def _apply(self, entry: dict) -> None:
        for name, documents in entry.get("put", {}).items():
            table = self._tables.setdefault(name, {})
            for key, document in documents.items():
                self._unindex(name, key)
                table[key] = document
                self._index(name, key)
        for name, keys in entry.get("del", {}).items():
            table = self._tables.get(name, {})
            for key in keys:
                self._unindex(name, key)
                table.pop(key, None)

    def _migrate_if_needed(self) -> None:
        version = self._meta()["schema_version"]
        if version == formats.SCHEMA_VERSION:
            return
        self.backup(f"before-migration-from-schema-{version}")
        self._tables = formats.migrate_tables(self._tables)
        self._rebuild_indexes()
        self._compact()

    def _compact(self) -> None:
        """Fold the journal into a new snapshot, then start an empty journal."""
        formats.SnapshotStorage(self.snapshot_path).write(self._tables)
        files.write_file_atomically(self.journal_path, b"")
        self._snapshot_identity = files.identity(self.snapshot_path)
        self._journal_identity = files.identity(self.journal_path)
        self._journal_offset = 0

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Hold the locks, see every process's latest data, and commit changes at the end.

        Nested transactions join the outermost one. If the body raises, or the commit cannot
        be written, the changes are dropped and the error goes on to the caller.
        """
        with self._thread_lock:
            outermost = self._depth == 0
            if outermost:
                self._file_lock.acquire()
            try:
                if outermost:
                    self._catch_up()
                self._depth += 1
                try:
                    yield self
                    if outermost:
                        self._commit()
                except BaseException:
                    if outermost:
                        self._roll_back()
                    raise
                finally:
                    self._depth -= 1
            finally:
                if outermost:
                    self._file_lock.release()

    @contextmanager
    def reading(self) -> Iterator["Store"]:
        """For reads: the thread lock, and the file lock only when another process has
        written since we last looked, which two stat calls tell. Writes need transaction()."""
        with self._thread_lock:
            if self._depth == 0 and self._reading_depth == 0 and self._changed_on_disk():
                with self._file_lock:
                    self._catch_up()
            self._reading_depth += 1
            try:
                yield self
            finally:
                self._reading_depth -= 1

    def _changed_on_disk(self) -> bool:
        return (files.identity(self.snapshot_path) != self._snapshot_identity
                or files.identity(self.journal_path) != self._journal_identity)

    def _catch_up(self) -> None:
        """Bring memory up to date with what other processes wrote since we last looked."""
        journal_now = files.identity(self.journal_path)
        if files.identity(self.snapshot_path) != self._snapshot_identity or journal_now is None:
            self._load_all()
            return
        same_file = self._journal_identity and journal_now[0] == self._journal_identity[0]
        if not same_file or journal_now[2] < self._journal_offset:
            self._load_all()
        elif journal_now[2] > self._journal_offset:
            self._replay_journal()

    def _write(self, table: str, key: str, document: dict | None) -> None:
        """Put a document under key (None removes it), undoably until the commit."""
        if self._depth == 0:
            raise RuntimeError("finder storage: writes must happen inside store.transaction()")
        records = self._tables.setdefault(table, {})
        self._before.setdefault((table, key), records.get(key))
        self._unindex(table, key)
        if document is None:
            records.pop(key, None)
        else:
            records[key] = document
            self._index(table, key)

    def _commit(self) -> None:
        if not self._before:
            return
        entry = self._changes()
        line, text = formats.encode_journal_line(entry)
        try:
            self._append_to_journal(line)
        except OSError as error:
            self._roll_back()
            raise StorageError(
                f"Could not save to {self.journal_path}: {error.strerror or error}. "
                "Nothing was changed on disk."
            ) from error
        # Keep memory identical to disk, and out of reach of the caller's objects.
        self._before = {}
        self._apply(json.loads(text))
        self._after_commit()

    def _changes(self) -> dict:
        """The open transaction's changes as a journal entry."""
        entry: dict[str, dict] = {}
        for table, key in sorted(self._before):
            document = self._tables[table].get(key)
            if document is not None:
                entry.setdefault("put", {}).setdefault(table, {})[key] = document
            elif self._before[(table, key)] is not None:
                entry.setdefault("del", {}).setdefault(table, []).append(key)
        return entry

    def _append_to_journal(self, line: bytes) -> None:
        fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND)
        try:
            if os.fstat(fd).st_size != self._journal_offset:
                # A process that crashed mid-write left an unconfirmed tail: drop it.
                os.ftruncate(fd, self._journal_offset)
            try:
                files.write_all(fd, line)
                os.fsync(fd)
            except OSError:
                _truncate_quietly(fd, self._journal_offset)
                raise
        finally:
            os.close(fd)
        self._journal_offset += len(line)
        self._journal_identity = files.identity(self.journal_path)

    def _roll_back(self) -> None:
        """Put back every document the open transaction changed."""
        for (table, key), document in self._before.items():
            self._unindex(table, key)
            if document is None:
                self._tables[table].pop(key, None)
            else:
                self._tables[table][key] = document
                self._index(table, key)
        self._before = {}

    def _after_commit(self) -> None:
        snapshot_size = self._snapshot_identity[2] if self._snapshot_identity else 0
        if self._journal_offset > max(COMPACT_MIN_BYTES, snapshot_size):
            self._compact()
        if self._backup_due():
            self.backup("daily")

    def _next_id(self, table: str) -> int:
        # Ids are never reused, so a bookmark can never lead to a different record.
        counters = dict(self._meta().get("id_counters", {}))
        records = self._tables.get(table, {})
        next_id = counters.get(table, 0) + 1
        while str(next_id) in records:
            next_id += 1
        self._count_id(table, next_id)
        return next_id

    def _count_id(self, table: str, doc_id: int) -> None:
        counters = dict(self._meta().get("id_counters", {}))
        if counters.get(table, 0) < doc_id:
            counters[table] = doc_id
            self._write(META_TABLE, META_ID, dict(self._meta(), id_counters=counters))

    # -- indexes ------------------------------------------------------------------------

    def _rebuild_indexes(self) -> None:
        self._indexes = {}
        for name, fields in self._index_fields.items():
            for field in fields:
                self._indexes[(name, field)] = _Index()
            for key in self._tables.get(name, {}):
                self._index(name, key)

    def _index(self, name: str, key: str) -> None:
        document = self._tables.get(name, {}).get(key)
        if document is None:
            return
        for field in self._index_fields.get(name, ()):
            self._indexes[(name, field)].add(key, document.get(field))

    def _unindex(self, name: str, key: str) -> None:
        for field in self._index_fields.get(name, ()):
            self._indexes[(name, field)].discard(key)

    # -- the public API -----------------------------------------------------------------

    def insert(self, table: str, document: Mapping) -> int:
        """Add a document and return its new id."""
        with self.transaction():
            doc_id = self._next_id(table)
            self._write(table, str(doc_id), _without_id(document))
            return doc_id

    def put(self, table: str, doc_id: int, document: Mapping) -> None:
        """Store a document under a given id, replacing any document there (restore, import)."""
        with self.transaction():
            self._write(table, str(doc_id), _without_id(document))
            self._count_id(table, int(doc_id))

    def get(self, table: str, doc_id: int) -> dict | None:
        """One document with its id, as a copy the caller may change; None if absent."""
        with self.reading():
            document = self._tables.get(table, {}).get(str(doc_id))
            return None if document is None else dict(copy.deepcopy(document), id=int(doc_id))

    def view(self, table: str, doc_id: int) -> dict | None:
        """One document with its id, read-only (see the class docstring), without the cost
        of a copy; None if absent."""
        with self.reading():
            document = self._tables.get(table, {}).get(str(doc_id))
            return None if document is None else dict(document, id=int(doc_id))

    def all(self, table: str) -> list[dict]:
        """Every document of a table with its id (read-only: see the class docstring)."""
        with self.reading():
            return [dict(d, id=int(k)) for k, d in self._tables.get(table, {}).items()]

    def find(self, table: str, field: str, value: Any) -> list[dict]:
        """Documents whose field equals value; uses an index when the field has one."""
        with self.reading():
            documents = self._tables.get(table, {})
            index = self._indexes.get((table, field))
            if index is not None:
                keys = sorted(index.keys_for(value), key=int)
                return [dict(documents[k], id=int(k)) for k in keys]
            return [dict(d, id=int(k)) for k, d in documents.items() if d.get(field) == value]

    def update(self, table: str, doc_id: int, fields: Mapping) -> bool:
        """Change some fields of one document; False when there is no such document."""
        with self.transaction():
            document = self._tables.get(table, {}).get(str(doc_id))
            if document is None:
                return False
            self._write(table, str(doc_id), {**document, **_without_id(fields)})
            return True

    def remove(self, table: str, doc_id: int) -> bool:
        """Delete one document for good; False when there was none."""
        with self.transaction():
            if str(doc_id) not in self._tables.get(table, {}):
                return False
            self._write(table, str(doc_id), None)
            return True

    def count(self, table: str) -> int:
        with self.reading():
            return len(self._tables.get(table, {}))

    def tables(self) -> dict[str, dict[str, dict]]:
        """A deep copy of all data, as it would be written to a snapshot."""
        with self.reading():
            return copy.deepcopy(self._tables)

    def _meta(self) -> dict:
        return self._tables[META_TABLE][META_ID]

    def meta(self, key: str, default: Any = None) -> Any:
        """A value kept in the meta table (settings that travel with the data)."""
        with self.reading():
            return copy.deepcopy(self._meta().get(key, default))

    def set_meta(self, key: str, value: Any) -> None:
        with self.transaction():
            self._write(META_TABLE, META_ID, dict(self._meta(), **{key: value}))

    def replace_all(self, tables: dict[str, dict[str, dict]]) -> Path:
        """Make `tables` the whole data (a restore or import), after backing up what was
        there. Returns that backup. `tables` must be in snapshot form; its schema version
        must be this one (migrate first)."""
        formats.check_tables(tables)
        with self.transaction():
            if self._before:
                raise RuntimeError("replace_all cannot join a transaction with changes")
            kept = self.backup("before-replace")
            self._tables = json.loads(formats.dump_tables(tables))
            self._rebuild_indexes()
            try:
                self._compact()
            except BaseException:
                self._load_all()  # memory goes back to what is on disk
                raise
            return kept

    # -- backups ------------------------------------------------------------------------

    def backup(self, reason: str = "manual") -> Path:
        """Write a copy of all data to the backups folder and keep only the newest few."""
        with self.transaction():
            self.backup_folder.mkdir(exist_ok=True, mode=0o700)
            stamp = self._now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.backup_folder / f"finder-{stamp}-{_safe_name(reason)}.json"
            if self._journal_offset:
                self._compact()
            # The snapshot now holds everything: copy the file rather than serialise the
            # data again, which would briefly need as much memory as the data themselves.
            files.copy_file_atomically(self.snapshot_path, path)
            self._last_backup_at = self._now()
            self._prune_backups()
            return path

    def backups(self) -> list[Path]:
        """Backup files, newest first."""
        if not self.backup_folder.exists():
            return []
        return sorted(self.backup_folder.glob("finder-*.json"), reverse=True)

    def _prune_backups(self) -> None:
        for old in self.backups()[self.backups_kept:]:
            old.unlink(missing_ok=True)

    def _backup_due(self) -> bool:
        return self._last_backup_at is None or self._now() - self._last_backup_at > BACKUP_EVERY

    def _damage_message(self, problem: str) -> str:
        good = formats.newest_good_backup(self.backup_folder)
        if good is None:
            advice = "No good backup was found in " f"{self.backup_folder}."
        else:
            advice = (f"The newest good backup is {good}. To go back to it, run: "
                      f'finder restore "{good}" --data-dir "{self.folder}"')
        return f"{problem} finder has changed nothing. {advice}"

    def close(self) -> None:
        """Fold the journal into the snapshot so the folder holds one plain TinyDB file."""
        with self.transaction():
            if self._journal_offset:
                self._compact()


def restore_backup(folder: Path, backup_file: Path) -> Path | None:
    """Make backup_file the data of folder. Whatever was there is kept: readable data as a
    new backup, damaged files moved into a damaged-<time> folder. Returns where it went.

    Safe while finder is running: it holds the lock, and a running app reloads on its next
    request because the snapshot changed.
    """
    # Refuses a damaged or newer backup before anything is touched.
    tables = formats.migrate_tables(formats.read_data_file(backup_file))
    folder = Path(folder)
    try:
        store = Store(folder)
    except DamagedDataError:
        return _replace_damaged_data(folder, tables)
    return store.replace_all(tables)


def _replace_damaged_data(folder: Path, tables: dict) -> Path:
    with FileLock(folder / LOCK_NAME):
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        aside = folder / f"damaged-{stamp}"
        aside.mkdir(mode=0o700)
        for name in (SNAPSHOT_NAME, JOURNAL_NAME):
            if (folder / name).exists():
                os.replace(folder / name, aside / name)
        formats.SnapshotStorage(folder / SNAPSHOT_NAME).write(tables)
        files.write_file_atomically(folder / JOURNAL_NAME, b"")
        return aside


def _without_id(document: Mapping) -> dict:
    return {k: v for k, v in document.items() if k != "id"}


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c == "-" else "-" for c in text)[:40]


def _truncate_quietly(fd: int, length: int) -> None:
    try:
        os.ftruncate(fd, length)
    except OSError:
        pass  # the next commit truncates the tail before it appends
