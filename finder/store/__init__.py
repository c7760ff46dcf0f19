"""finder's data on disk, safe across threads, processes and crashes. The only package that
imports TinyDB, and only through its public API.

In the data folder:

    finder.json        the snapshot: a TinyDB JSON file ({table: {doc_id: document}}) with
                       a checksum and the number of the last save it holds
    finder.journal     one numbered, checksummed line per save since the snapshot
    finder.confirmed   the number of the last confirmed save (so a cut journal shows)
    finder.lock        the lock every process takes around each read or write
    backups/           copies of the snapshot: one a day for 14 days, the last few of today

Why not TinyDB's stock JSONStorage: it rewrites the whole file in place on every write, so a
crash can tear the file, concurrent writers lose updates, and every save costs as much as the
whole data set. Why not TinyDB's Table for the records in memory either: its public `update`
and `insert` rebuild the table's dict on every call (measured with TinyDB 4.9 on one table of
25,000 calls: 5.9 ms a save, against 0.1 ms at 500), so a save would grow with the data.

So TinyDB is the snapshot's file format and its loader (`SnapshotStorage`, a TinyDB Storage
that reads and replaces the file crash-safely), and beside it the `Store` keeps the records in
plain dicts in memory and a write-ahead journal on disk. A save appends one line to the
journal and fsyncs it before it is confirmed, so its cost depends on the size of the change,
not of the data. The snapshot is rewritten (temporary file, fsync, os.replace, fsync of the
folder) at start-up and whenever the journal has grown past the snapshot's size, so replaying
the journal stays cheap; the second happens in a thread of its own, never inside a save: it
writes a frozen copy of the records (a dict per table: saves put new documents in place and
never change stored ones) while saves go on, and holds the locks only to put the new file in
place and move the saves made meanwhile into the new journal. The daily backup is written
the same way. At start every byte is checked before anything is rewritten: a last
line cut off by a crash was never confirmed and is dropped; damage anywhere else stops finder
with the newest good backup named, rather than guessing.

Modules: `database` (the Store), `snapshot` and `journal` (the two files and their checks),
`backups` (names and which to keep), `data_format` (schema, migrations, errors), `files`
(crash-safe file operations).
"""

from finder.store.backups import backup_made_at, newest_good_backup
from finder.store.data_format import SCHEMA_VERSION, DamagedDataError, StorageError, migrate_tables
from finder.store.database import SNAPSHOT_NAME, Store, restore_backup
from finder.store.snapshot import read_data_file

__all__ = [
    "Store",
    "StorageError",
    "DamagedDataError",
    "SCHEMA_VERSION",
    "SNAPSHOT_NAME",
    "read_data_file",
    "restore_backup",
    "newest_good_backup",
    "backup_made_at",
    "migrate_tables",
]
