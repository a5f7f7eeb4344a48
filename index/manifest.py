"""Which source files the index holds: path -> (size, mtime, file hash, article ids).

Kept in SQLite next to the Whoosh segments so a re-run can tell unchanged files from
changed ones by ``stat`` alone, and hash only files whose stat changed.  Each write
records the Whoosh generation it matches; a mismatch (a crash between the Whoosh
commit and this write) makes the store reconcile the two.

A re-run needs every file's stat and article count but no ids or hashes: reading
100k rows for them cost ~0.2 s of a one-file update.  So an update ends by saving a
``Snapshot`` of those columns in one file beside the database (SNAPSHOT), stamped
with the manifest's write serial and a checksum; the next run reads it (a few ms)
when no write happened since, else the rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import struct
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .files import replace_file

FILENAME = "manifest.sqlite"
SNAPSHOT = "manifest.snapshot"
TRACK_MAX = 10_000  # changed files a manifest follows to patch its snapshot (else re-read)
LOOKUPS_MAX = 1_000  # excluded files looked up one by one; more: one pass over the table


@dataclass
class FileEntry:
    path: str
    size: int
    mtime_ns: int
    hash: str
    ids: tuple[str, ...] = ()
    hashes: tuple[str, ...] = ()  # content hash per article id (same order as ids)
    reason: str | None = None  # set when the file was skipped


class Manifest:
    def __init__(self, directory: Path, *, readonly: bool = False) -> None:
        self.directory = Path(directory)
        path = self.directory / FILENAME
        if readonly:
            uri = f"{path.as_uri()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)
        else:
            # Rollback journal (not WAL): readers in a read-only directory still work.
            self.db = sqlite3.connect(path, timeout=10, check_same_thread=False)
            self.db.executescript(
                """
                CREATE TABLE IF NOT EXISTS files (
                    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, hash TEXT,
                    ids TEXT, hashes TEXT, reason TEXT);
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
                """
            )
            self.db.commit()
        self._snap: Snapshot | None = None  # the last snapshot read or saved
        self._changes: dict[str, FileEntry | None] | None = None  # files written since
        self._missed = -1  # the serial no saved snapshot matched

    def entries(self) -> dict[str, FileEntry]:
        rows = self.db.execute("SELECT path, size, mtime_ns, hash, ids, hashes, reason FROM files")
        return {
            _dec(r[0]): FileEntry(
                _dec(r[0]), r[1], r[2], r[3], tuple(json.loads(r[4])), tuple(json.loads(r[5])), r[6]
            )
            for r in rows
        }

    def stats(self) -> dict[str, tuple[int, int]]:
        """path -> (size, mtime_ns): all ``needs_update`` reads."""
        snap = self.snapshot()
        if snap is not None:
            return dict(zip(snap.paths, zip(snap.sizes, snap.mtimes, strict=True), strict=True))
        rows = self.db.execute("SELECT path, size, mtime_ns FROM files").fetchall()
        out = {path: (size, mtime) for path, size, mtime in rows}
        for path in [p for p in out if p.startswith(_RAW)]:  # rare: non-UTF-8 names
            out[_dec(path)] = out.pop(path)
        return out

    def summaries_except(self, excluded: set[str]) -> tuple[int, list[tuple[str, str]]]:
        """(number of articles, [(path, skip reason)]) over every file but ``excluded``.

        The count is over the whole table (or snapshot), minus the excluded files
        (usually few: the changed ones), so 100k unchanged files cost no Python loop.
        """
        snap = self.snapshot()
        many = len(excluded) > LOOKUPS_MAX  # (a first build excludes every file it finds)
        if snap is not None:
            reasons = [(p, r) for p, r in snap.reasons.items() if p not in excluded]
            if many:
                counts = zip(snap.paths, snap.counts.tolist(), strict=True)
                return sum(n for p, n in counts if p not in excluded), reasons
            total = sum(snap.counts)
            for path in excluded:
                row = self.db.execute(
                    "SELECT ids FROM files WHERE path = ?", (_enc(path),)
                ).fetchone()
                total -= len(json.loads(row[0])) if row else 0
            return total, reasons
        reasons = [
            (_dec(p), r)
            for p, r in self.db.execute("SELECT path, reason FROM files WHERE reason IS NOT NULL")
            if _dec(p) not in excluded
        ]
        try:  # JSON1 is built into SQLite since 3.38
            if many:
                rows = self.db.execute("SELECT path, json_array_length(ids) FROM files")
                return sum(n for p, n in rows if _dec(p) not in excluded), reasons
            total = self.db.execute("SELECT total(json_array_length(ids)) FROM files").fetchone()[0]
            for path in excluded:
                row = self.db.execute(
                    "SELECT json_array_length(ids) FROM files WHERE path = ?", (_enc(path),)
                ).fetchone()
                total -= row[0] if row else 0
        except sqlite3.OperationalError:
            rows = self.db.execute("SELECT path, ids FROM files").fetchall()
            total = sum(len(json.loads(ids)) for p, ids in rows if _dec(p) not in excluded)
        return int(total), reasons

    # -------------------------------------------------------------- snapshot

    def snapshot(self) -> Snapshot | None:
        """The saved snapshot, if no write happened since it was saved."""
        serial = self._serial()
        if self._snap is not None and self._snap.serial == serial:
            return self._snap
        if self._missed != serial:  # read the saved one (once per serial)
            self._missed = serial
            try:
                snap = Snapshot.decode((self.directory / SNAPSHOT).read_bytes())
            except OSError:
                snap = None
            if snap is not None and snap.serial == serial:
                self._snap, self._changes = snap, {}  # writes from here on patch it
                return snap
        return None

    def save_snapshot(self, order: list[str] | None = None) -> None:
        """Save the snapshot of the manifest as it is now (the end of an update), in
        the ``order`` of the scan's file list when it holds the same files: the next
        run then compares the two column by column, without a dict of 100k paths."""
        snap = self._snap
        if snap is not None and self._changes is not None:
            snap = snap.patched(self._changes)
        else:
            snap = Snapshot.read(self.db)
        if order is not None and snap.paths != order:
            snap = snap.ordered(order)
        snap.serial = self._serial()
        # a file, not a row: SQLite would journal and fsync ~6 MB (0.1 s at 100k files);
        # a torn or stale file fails its checksum or serial and the rows are read
        try:
            replace_file(self.directory / SNAPSHOT, snap.encode())
        except OSError:
            return
        self._snap, self._changes = snap, {}

    def _serial(self) -> int:
        return int(self.get_meta("serial") or 0)

    def _track(self, put: list[FileEntry], delete: list[str]) -> None:
        if self._changes is None:
            return
        self._changes.update((e.path, e) for e in put)
        self._changes.update((p, None) for p in delete)
        if len(self._changes) > TRACK_MAX:
            self._changes = None  # cheaper to read the rows again at the end

    def write(self, put: Iterable[FileEntry], delete: Iterable[str], generation: int) -> None:
        """Apply a batch in one transaction, stamped with the Whoosh generation it matches."""
        put, delete = list(put), list(delete)
        self._track(put, delete)
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('serial', ?)", (str(self._serial() + 1),)
            )
            self.db.executemany("DELETE FROM files WHERE path = ?", [(_enc(p),) for p in delete])
            self.db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        _enc(e.path),
                        e.size,
                        e.mtime_ns,
                        e.hash,
                        json.dumps(list(e.ids)),
                        json.dumps(list(e.hashes)),
                        e.reason,
                    )
                    for e in put
                ],
            )
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),)
            )

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        value = self.get_meta("generation")
        return int(value) if value is not None else -1

    def close(self) -> None:
        self.db.close()


@dataclass
class Snapshot:
    """Every file's stat, article count and skip reason, as one blob."""

    paths: list[str]
    sizes: array  # "q"
    mtimes: array  # "q"
    counts: array  # "L": articles per file
    reasons: dict[str, str]  # path -> why it was skipped
    serial: int = 0  # the manifest write it shows

    MAGIC = b"rdrsnap1"

    @classmethod
    def read(cls, db: sqlite3.Connection) -> Snapshot:
        paths, sizes, mtimes, counts, reasons = [], array("q"), array("q"), array("L"), {}
        for path, size, mtime, ids, reason in db.execute(
            "SELECT path, size, mtime_ns, ids, reason FROM files"
        ):
            path = _dec(path)
            paths.append(path)
            sizes.append(size)
            mtimes.append(mtime)
            counts.append(len(json.loads(ids)))
            if reason is not None:
                reasons[path] = reason
        return cls(paths, sizes, mtimes, counts, reasons)

    def patched(self, changes: dict[str, FileEntry | None]) -> Snapshot:
        """This snapshot with these files written (an entry) or deleted (None)."""
        if len(changes) > 20:
            where = {p: i for i, p in enumerate(self.paths)}
        else:  # a few files: a C scan per file beats a 100k-entry dict
            where = {}
            for path in changes:
                with contextlib.suppress(ValueError):
                    where[path] = self.paths.index(path)
        gone = set()
        # copies: this snapshot stays as it was (a failed save may be tried again)
        paths, sizes, mtimes = list(self.paths), array("q", self.sizes), array("q", self.mtimes)
        counts = array("L", self.counts)
        reasons = dict(self.reasons)
        for path, entry in changes.items():
            i = where.get(path)
            reasons.pop(path, None)
            if entry is None:
                if i is not None:
                    gone.add(i)
                continue
            if entry.reason is not None:
                reasons[path] = entry.reason
            if i is None:
                where[path] = len(paths)
                paths.append(path)
                sizes.append(entry.size)
                mtimes.append(entry.mtime_ns)
                counts.append(len(entry.ids))
            else:
                sizes[i], mtimes[i], counts[i] = entry.size, entry.mtime_ns, len(entry.ids)
        if gone:
            keep = [i for i in range(len(paths)) if i not in gone]
            paths = [paths[i] for i in keep]
            sizes = array("q", [sizes[i] for i in keep])
            mtimes = array("q", [mtimes[i] for i in keep])
            counts = array("L", [counts[i] for i in keep])
        return Snapshot(paths, sizes, mtimes, counts, reasons, self.serial)

    def diff(
        self, files: list[str], sizes: array, mtimes: array
    ) -> tuple[list[str], list[str]] | None:
        """(files added or whose size/mtime differ, snapshot files no longer listed), or
        None when that cannot tell (a file that could not be stat'ed: size -1).

        The same files in the same order (the usual re-run) are compared column by
        column; otherwise each file is looked up in the snapshot's paths (a file added
        to a 100k corpus: a dict of its paths, not every manifest row read again)."""
        if -1 in sizes:
            return None
        new_sizes, new_mtimes = np.frombuffer(sizes, np.int64), np.frombuffer(mtimes, np.int64)
        old_sizes, old_mtimes = (
            np.frombuffer(self.sizes, np.int64),
            np.frombuffer(self.mtimes, np.int64),
        )
        if self.paths == files:
            differ = (new_sizes != old_sizes) | (new_mtimes != old_mtimes)
            return [files[i] for i in np.flatnonzero(differ).tolist()], []
        where = dict(zip(self.paths, range(len(self.paths)), strict=True))
        at = np.fromiter((where.get(p, -1) for p in files), dtype=np.int64, count=len(files))
        known = at >= 0
        old = at[known]
        differ = ~known
        differ[known] = (new_sizes[known] != old_sizes[old]) | (
            new_mtimes[known] != old_mtimes[old]
        )
        listed = np.zeros(len(self.paths), dtype=bool)
        listed[old] = True
        gone = [self.paths[i] for i in np.flatnonzero(~listed).tolist()]
        return [files[i] for i in np.flatnonzero(differ).tolist()], gone

    def ordered(self, order: list[str]) -> Snapshot:
        """This snapshot in ``order`` if that lists exactly its files, else itself."""
        if len(order) != len(self.paths):
            return self
        where = dict(zip(self.paths, range(len(self.paths)), strict=True))
        try:
            at = np.fromiter(map(where.__getitem__, order), dtype=np.int64, count=len(order))
        except KeyError:
            return self

        def take(column: array, code: str) -> array:
            return array(code, np.asarray(column, dtype=np.int64)[at].tobytes())

        counts = array("L", take(self.counts, "q"))
        return Snapshot(
            list(order), take(self.sizes, "q"), take(self.mtimes, "q"), counts, self.reasons
        )

    def encode(self) -> bytes:
        # file names never hold NUL; undecodable bytes survive as surrogates
        names = "\0".join(self.paths).encode("utf-8", "surrogateescape")
        notes = json.dumps(self.reasons).encode("utf-8")
        head = struct.pack(
            "<8sqqqq", self.MAGIC, self.serial, len(self.paths), len(names), len(notes)
        )
        counts = array("q", self.counts)  # fixed width whatever "L" is here
        body = b"".join(
            [head, self.sizes.tobytes(), self.mtimes.tobytes(), counts.tobytes(), names, notes]
        )
        return hashlib.blake2b(body, digest_size=16).digest() + body

    @classmethod
    def decode(cls, data: bytes) -> Snapshot | None:
        digest, blob = data[:16], data[16:]
        if hashlib.blake2b(blob, digest_size=16).digest() != digest:
            return None
        try:
            magic, serial, n, names_len, notes_len = struct.unpack_from("<8sqqqq", blob)
            if magic != cls.MAGIC:
                return None
            at = struct.calcsize("<8sqqqq")
            parts = []
            for _ in range(3):
                a = array("q")
                a.frombytes(blob[at : at + 8 * n])
                parts.append(a)
                at += 8 * n
            names = blob[at : at + names_len].decode("utf-8", "surrogateescape")
            at += names_len
            reasons = json.loads(blob[at : at + notes_len].decode("utf-8"))
            paths = names.split("\0") if n else []
            if len(paths) != n or any(len(a) != n for a in parts):
                return None
            counts = array("L", parts[2])
            return cls(paths, parts[0], parts[1], counts, reasons, serial)
        except (struct.error, ValueError, UnicodeDecodeError, OverflowError):
            return None


_RAW = "\x00fs:"  # prefix of a file name that is not valid UTF-8, stored as hex bytes


def _enc(path: str) -> str:
    """sqlite needs valid UTF-8; undecodable file names are stored reversibly as hex."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return _RAW + path.encode("utf-8", "surrogateescape").hex()


def _dec(value: str) -> str:
    if value.startswith(_RAW):
        return bytes.fromhex(value[len(_RAW) :]).decode("utf-8", "surrogateescape")
    return value


class LazyEntries:
    """path -> FileEntry, reading only (size, mtime) for every file up front.

    A re-run over 100k unchanged files needs just the stat pairs; the article ids
    and hashes of a file are read when that file changed.
    """

    def __init__(self, manifest: Manifest) -> None:
        self._m = manifest
        self._stats: dict[str, tuple[int, int]] | None = None
        self._full: dict[str, FileEntry] = {}

    @property
    def stats(self) -> dict[str, tuple[int, int]]:
        """path -> (size, mtime_ns) of every file, read on first use (an update that
        compares the snapshot's columns with the files' never needs the dict)."""
        if self._stats is None:
            self._stats = self._m.stats()
        return self._stats

    def __contains__(self, path: object) -> bool:
        return path in self._full or path in self.stats

    def __iter__(self):
        return iter(set(self.stats) | set(self._full))

    def __len__(self) -> int:
        return len(set(self.stats) | set(self._full))

    def get(self, path: str) -> FileEntry | None:
        entry = self._full.get(path)
        if entry is None and (self._stats is None or path in self._stats):
            row = self._m.db.execute(
                "SELECT path, size, mtime_ns, hash, ids, hashes, reason FROM files WHERE path = ?",
                (_enc(path),),
            ).fetchone()
            if row is not None:
                entry = self._full[path] = FileEntry(
                    path,
                    row[1],
                    row[2],
                    row[3],
                    tuple(json.loads(row[4])),
                    tuple(json.loads(row[5])),
                    row[6],
                )
        return entry

    def __getitem__(self, path: str) -> FileEntry:
        entry = self.get(path)
        if entry is None:
            raise KeyError(path)
        return entry

    def __setitem__(self, path: str, entry: FileEntry) -> None:
        self._full[path] = entry
        self.stats[path] = (entry.size, entry.mtime_ns)

    def values(self):
        return [self[p] for p in self]
