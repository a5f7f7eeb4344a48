"""Find article files and read them into RawDocuments (formats, encodings, bad input).

CONTRACT (other modules rely on these signatures):
- ``iter_files(paths) -> Iterator[Path | Skipped]``: walk files/folders recursively,
  yielding candidate article files or a Skipped with a reason.
- ``read_documents(path) -> list[RawDocument]``: decode and parse one file;
  raises ``LoadError(reason)`` when the file cannot be used.
Source files are only ever opened for reading (``open_source`` is the one place).

Walking: yielded paths are absolute and resolved (each real file once).  Hidden
files and folders (``.git``...) and reader index folders (``.reader-index`` marker
or Whoosh ``_MAIN_*.toc``) are not entered; symlinked folders are followed but each
real folder is visited once, so link loops end.  Files whose suffix is not an
article format, and README/LICENSE-style files, are *counted* in ``ScanStats``
rather than yielded as Skipped, so a folder full of images does not bury real
problems; a file named explicitly with such a suffix is reported as Skipped.
Skipped items from the walk are not only missing paths: link loops, broken links,
named pipes and unreadable folders come as Skipped with their reason too.

Reading: files over ``MAX_FILE_BYTES`` are refused before reading, binary files by
their first bytes; every string in a RawDocument goes through ``textsafe.safe_text``
(no control sequences, no invisible characters), metadata is one line.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from .decode import binary_kind, declared_charset, decode
from .formats import FORMATS, LoadError, jsonfmt, markdown, rss, text
from .formats import html as html_format
from .formats.base import one_line
from .model import RawDocument, Skipped
from .textsafe import safe_text

__all__ = [
    "INDEX_MARKER",
    "MAX_FILE_BYTES",
    "SUFFIXES",
    "Listing",
    "LoadError",
    "Loaded",
    "RecordSkipped",
    "ScanStats",
    "is_index_folder",
    "iter_files",
    "iter_file_names",
    "open_source",
    "read_documents",
    "read_file",
]

MAX_FILE_BYTES = 20 * 1024 * 1024  # larger files are skipped, never read
SUFFIXES = frozenset(FORMATS)
INDEX_MARKER = ".reader-index"
# README.md and friends describe a folder (e.g. a dataset); they are not articles.
PROJECT_DOCS = frozenset({"readme", "license", "licence", "changelog", "contributing", "copying"})

_MB = 1024 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO named like an article must not block the scan
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True)
class RecordSkipped(Skipped):
    """One record of a multi-article file (JSONL line, JSON item, feed entry) left out.

    The file's other records still load, so consumers that track files should not
    treat this as "file skipped".  ``reason`` starts with the record, e.g. "line 17: ...".
    """

    record: str = ""


@dataclass(frozen=True)
class Loaded:
    """Everything read from one file."""

    documents: list[RawDocument]
    skipped: list[RecordSkipped]
    encoding: str = ""  # how the bytes were decoded, e.g. "utf-8", "cp1252", "utf-16-le (BOM)"


@dataclass
class ScanStats:
    """What a folder walk passed over without yielding it (for a one-line summary)."""

    found: int = 0  # candidate article files yielded
    ignored: Counter[str] = field(default_factory=Counter)  # suffix -> files not articles
    hidden: int = 0  # hidden files and folders not entered
    index_folders: int = 0  # reader/Whoosh index folders not entered
    duplicates: int = 0  # same real file or folder reached twice (links)

    def summary(self) -> str:
        """e.g. "12 article files; ignored 3 other files (.pdf 2, .png 1), 1 hidden"."""
        parts = [f"{self.found} article file{'s' if self.found != 1 else ''}"]
        if self.ignored:
            total = sum(self.ignored.values())
            kinds = ", ".join(f"{k} {n}" for k, n in self.ignored.most_common(5))
            parts.append(f"ignored {total} other file{'s' if total != 1 else ''} ({kinds})")
        if self.hidden:
            parts.append(f"{self.hidden} hidden")
        if self.index_folders:
            parts.append(
                f"{self.index_folders} index folder{'s' if self.index_folders != 1 else ''}"
            )
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicate link{'s' if self.duplicates != 1 else ''}")
        return "; ".join(parts)


def is_index_folder(path: str | os.PathLike) -> bool:
    """A folder holding a reader/Whoosh index (never read as articles)."""
    try:
        with os.scandir(path) as entries:
            return any(_is_index_name(e.name) for e in entries)
    except OSError:
        return False


def iter_files(
    paths: Iterable[str | os.PathLike], *, stats: ScanStats | None = None
) -> Iterator[Path | Skipped]:
    """Candidate article files under ``paths`` (files or folders), in a stable order."""
    for item in iter_file_names(paths, stats=stats):
        yield Path(item) if isinstance(item, str) else item


@dataclass
class Listing:
    """What a walk takes from one folder: its items (article files' real paths and
    skips, files first) and the subfolders it walks next.  ``reusable``: the items
    depend only on the folder's own entries (no links, nothing that failed), so while
    the folder's mtime is unchanged, so are they (see scan.py)."""

    items: list[str | Skipped]
    subfolders: list[str]
    reusable: bool = True


Reuse = Callable[[str], "Listing | None"]


def iter_file_names(
    paths: Iterable[str | os.PathLike],
    *,
    stats: ScanStats | None = None,
    reuse: Reuse | None = None,
    steps: list[tuple[str | None, Listing]] | None = None,
) -> Iterator[str | Skipped]:
    """``iter_files`` with each file's real path as a string: at 100k files making
    ``Path`` objects is most of a walk's cost.

    ``reuse(folder)`` may give a folder's listing from an earlier walk instead of
    listing it again (``stats`` then count only the folders listed now); ``steps``
    receives every folder's listing in walk order, and ``(None, items)`` for the
    items of a path given as a file (or missing).
    """
    stats = stats if stats is not None else ScanStats()
    seen_files: set[str] = set()
    seen_dirs: set[str] = set()
    for given in paths:
        path = os.path.abspath(os.fspath(given))
        try:
            st = os.stat(path)
        except OSError as exc:
            reason = _os_reason(exc, path)
            items: list[str | Skipped] = [
                Skipped(path, "no such file or folder" if reason.startswith("no such") else reason)
            ]
        else:
            if stat.S_ISDIR(st.st_mode):
                yield from _walk(path, stats, seen_files, seen_dirs, reuse, steps)
                continue
            items = list(_candidate(path, stats, seen_files, explicit=True))
        if steps is not None:
            steps.append((None, Listing(items, [], reusable=False)))
        yield from items


def _walk(
    root: str,
    stats: ScanStats,
    seen_files: set[str],
    seen_dirs: set[str],
    reuse: Reuse | None = None,
    steps: list[tuple[str | None, Listing]] | None = None,
) -> Iterator[str | Skipped]:
    stack = [root]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in seen_dirs:  # a link loop, or a folder linked from two places
            stats.duplicates += folder != root
            continue
        seen_dirs.add(real)
        listing = reuse(folder) if reuse is not None else None
        if listing is None:
            listing = _list_folder(folder, real, folder == root, stats, seen_files)
        else:
            seen_files.update(item for item in listing.items if isinstance(item, str))
        if steps is not None:
            steps.append((folder, listing))
        yield from listing.items
        stack.extend(reversed(listing.subfolders))


def _list_folder(
    folder: str, real: str, is_root: bool, stats: ScanStats, seen_files: set[str]
) -> Listing:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        reason = f"cannot open folder: {_os_reason(exc, folder)}"
        return Listing([Skipped(folder, reason)], [], reusable=False)
    if any(_is_index_name(e.name) for e in entries):
        stats.index_folders += 1
        skipped = Skipped(folder, "this is a reader index folder, not articles")
        return Listing([skipped] if is_root else [], [])
    files: list[str | Skipped] = []
    others: list[str | Skipped] = []
    subfolders: list[str] = []
    reusable = True
    prefix = real.rstrip("/") + "/"
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            stats.hidden += 1
            continue
        try:
            link = entry.is_symlink()  # (from the listing: no system call)
            is_dir = entry.is_dir()  # follows links; False for loops/broken links
            # the common case, from the folder listing alone: a plain article file
            # (its real path is the folder's plus its name; ``realpath`` and
            # ``stat`` per file made a walk of 100k files take seconds)
            dot = name.rfind(".")
            plain = (
                not is_dir
                and dot > 0
                and name[dot:].lower() in SUFFIXES
                and name[:dot].lower() not in PROJECT_DOCS
                and not link
                and entry.is_file(follow_symlinks=False)
            )
        except OSError:
            link, is_dir, plain = True, False, False
        reusable = reusable and not link
        if is_dir:
            subfolders.append(entry.path)
        elif not plain:
            for item in _candidate(entry.path, stats, seen_files, explicit=False):
                (files if isinstance(item, str) else others).append(item)
        elif prefix + name in seen_files:
            stats.duplicates += 1
        else:
            seen_files.add(prefix + name)
            stats.found += 1
            files.append(prefix + name)
    return Listing(files + others, subfolders, reusable)


def _candidate(
    path: str, stats: ScanStats, seen: set[str], *, explicit: bool
) -> Iterator[str | Skipped]:
    """``path``'s real path if it is an article file not seen yet."""
    name = os.path.basename(path)
    stem, suffix = os.path.splitext(name)
    suffix = suffix.lower()
    if not explicit and stem.lower() in PROJECT_DOCS:
        stats.ignored[name.lower()] += 1
        return
    if suffix not in SUFFIXES:
        if explicit:
            yield Skipped(path, f"not an article format ({suffix or 'no extension'})")
        else:
            stats.ignored[suffix or "(no extension)"] += 1
        return
    try:
        st = os.stat(path)
    except OSError as exc:
        yield Skipped(path, _os_reason(exc, path))
        return
    if not stat.S_ISREG(st.st_mode):
        yield Skipped(path, f"not a regular file ({_kind(st.st_mode)})")
        return
    real = os.path.realpath(path)
    if real in seen:
        stats.duplicates += 1
        return
    seen.add(real)
    stats.found += 1
    yield real


def open_source(path: str | os.PathLike) -> BinaryIO:
    """Open an article file read-only (the only place source files are opened)."""
    fd = os.open(path, _OPEN_FLAGS)
    return os.fdopen(fd, "rb")


def read_file(path: str | os.PathLike, data: bytes | None = None) -> Loaded:
    """Decode and parse one file; raises ``LoadError`` when nothing in it can be used.

    ``data``: the file's bytes when the caller has already read them with
    ``read_bytes`` from ``path`` as a corpus walk gives it, resolved (the indexer
    hashes the same bytes it parses; resolving 100k paths again costs seconds)."""
    if data is None:
        path = Path(os.path.abspath(os.fspath(path)))
        try:
            path = Path(os.path.realpath(path, strict=True))
        except OSError as exc:
            raise LoadError(_os_reason(exc, path)) from None
    else:
        path = Path(path)
    suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise LoadError(f"not an article format ({suffix or 'no extension'})")
    if data is None:
        data = read_bytes(path)
    name = str(path)
    encoding = ""
    if fmt == "rss":
        kind = binary_kind(data)  # (``decode`` checks the other formats itself)
        if kind:
            label = "binary file (not text)"
            raise LoadError(label if kind == "binary data" else f"{label}: looks like a {kind}")
        if not rss.looks_like_feed(data):
            what = "XML file" if suffix == ".xml" else "file"
            raise LoadError(f"{what} is not an RSS or Atom feed")
        parsed = rss.parse(name, data)
        encoding = "feed"
    else:
        decoded = decode(data, declared_charset(data) if fmt == "html" else None)
        encoding = decoded.encoding
        parsed = _PARSERS[fmt](name, decoded.text)
    documents = [d for d in map(_inert, parsed.documents) if d.text.strip()]
    skipped = [
        RecordSkipped(name, f"{s.record}: {safe_text(s.reason)}", record=s.record)
        for s in parsed.skipped
    ]
    if not documents:
        raise LoadError(skipped[0].reason if skipped else "no article text found")
    return Loaded(documents, skipped, encoding)


def read_documents(path: str | os.PathLike) -> list[RawDocument]:
    """Every article in one file (records that could not be read are left out)."""
    return read_file(path).documents


_PARSERS = {
    "txt": text.parse,
    "md": markdown.parse,
    "html": html_format.parse,
    "json": jsonfmt.parse_json,
    "jsonl": jsonfmt.parse_jsonl,
}


def read_bytes(path: str | os.PathLike) -> bytes:
    """A source file's bytes, read-only; ``LoadError`` for what cannot be an article
    (not a regular file, empty, larger than ``MAX_FILE_BYTES``, unreadable)."""
    try:
        with open_source(path) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise LoadError(f"not a regular file ({_kind(st.st_mode)})")
            if st.st_size > MAX_FILE_BYTES:
                raise LoadError(_too_large(st.st_size))
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LoadError(_os_reason(exc, path)) from None
    if len(data) > MAX_FILE_BYTES:  # grew while we looked
        raise LoadError(_too_large(len(data)))
    if not data:
        raise LoadError("empty file")
    return data


def _inert(doc: RawDocument) -> RawDocument:
    """Text and metadata made safe to show: no control sequences, no hidden characters."""
    return replace(
        doc,
        text=safe_text(doc.text),
        title=_meta(doc.title),
        outlet=_meta(doc.outlet),
        date=_meta(doc.date),
        url=_meta(doc.url),
        byline=_meta(doc.byline),
        source_id=_meta(doc.source_id),
    )


def _meta(value: str | None) -> str | None:
    return one_line(safe_text(value)) if value else None


def _too_large(size: int) -> str:
    return f"too large ({size / _MB:.1f} MB; limit {MAX_FILE_BYTES / _MB:g} MB)"


def _is_index_name(name: str) -> bool:
    return name == INDEX_MARKER or (name.startswith("_MAIN_") and name.endswith(".toc"))


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _os_reason(exc: OSError, path: str | os.PathLike) -> str:
    """A short, actionable reason for an OS error while looking at ``path``."""
    code = exc.errno
    if code == errno.ELOOP:
        return "symbolic link loop"
    if code == errno.ENOENT:
        if os.path.islink(path):
            return "broken symbolic link (its target is missing)"
        return "no such file (moved or deleted?)"
    if code in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    if code == errno.EISDIR:
        return "is a folder"
    return f"cannot read: {(exc.strerror or str(exc)).lower()}"
