"""Which files are in the corpus, cheaply when no folder changed.

``load.iter_files`` decides what counts as an article file (suffixes, hidden files,
index folders, duplicate links); it lists every folder (~0.25 s for 100k files).
Adding, removing or renaming a file changes its folder's mtime, so we keep the
mtimes of every folder alongside the file list of the last scan: when they all
match, the list is still right and only the files' own stat is needed.  When some
differ, only those folders are listed again; every other folder's listing is taken
from the last scan (not a folder with links in it: what a link points to can change
while the folder's mtime does not).
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Sequence
from pathlib import Path

from .files import replace_file
from .load import Listing, Reuse, iter_file_names
from .manifest import Manifest
from .model import Skipped

MAX_DIRS = 50_000
_KEY = "scan"  # the manifest meta row older versions kept the state in
STATE_FILE = "scan.json"


def folder_mtimes(
    roots: Sequence[Path], known: dict[str, int] | None = None
) -> dict[str, int] | None:
    """mtime of every folder under the roots (None when there are too many to track).

    Finding a folder's subfolders means listing every entry in it (100k files: a
    third of a second).  A folder whose mtime is the one in ``known`` (the last
    scan's answer) still has the same entries, so its subfolders are taken from
    ``known`` and only folders that changed are listed.
    """
    children: dict[str, list[str]] = {}
    for d in known or ():
        children.setdefault(os.path.dirname(d), []).append(d)
    out: dict[str, int] = {}
    seen: set[str] = set()
    stack = [str(r) for r in roots]
    while stack:
        d = stack.pop()
        try:
            st = os.stat(d)
        except OSError:
            out[d] = -1  # missing: a root reappearing must trigger a full scan
            continue
        out[d] = st.st_mtime_ns
        if not os.path.isdir(d):
            continue
        if known is not None and known.get(d) == st.st_mtime_ns:
            stack.extend(c for c in children.get(d, ()) if c not in out)
        else:
            stack.extend(_subfolders(d, seen))
        if len(out) + len(stack) > MAX_DIRS:
            return None
    return out


def _subfolders(d: str, seen: set[str]) -> list[str]:
    found = []
    try:
        with os.scandir(d) as it:
            for e in it:
                if e.name.startswith("."):
                    continue
                try:
                    if not e.is_dir():
                        continue
                    if e.is_symlink():
                        real = os.path.realpath(e.path)
                        if real in seen:
                            continue
                        seen.add(real)
                except OSError:
                    continue
                found.append(e.path)
    except OSError:
        pass
    return found


def corpus_files(
    roots: Sequence[Path], manifest: Manifest | None
) -> tuple[list[str], list[Skipped], dict | None]:
    """(candidate files, skipped entries, state to save with ``remember``)."""
    key = [str(r) for r in roots]
    cached = None
    if manifest is not None:
        try:
            cached = json.loads((manifest.directory / STATE_FILE).read_bytes())
        except (OSError, ValueError):
            cached = None
    if not (isinstance(cached, dict) and cached.get("roots") == key):
        cached = None
    known = cached.get("dirs") if cached else None
    known = known if isinstance(known, dict) else None
    mtimes = folder_mtimes(roots, known)
    if cached and mtimes is not None:
        if known == mtimes:
            skipped = [Skipped(p, r) for p, r in cached["skipped"]]
            return list(cached["files"]), skipped, None
    reuse = _reuse(cached, known, mtimes) if cached and known and mtimes else None
    steps: list[tuple[str | None, Listing]] = []
    files: list[str] = []
    skipped: list[Skipped] = []
    for item in iter_file_names(roots, reuse=reuse, steps=steps):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            files.append(item)
    state = None
    if mtimes is not None:
        walk = []  # per folder: its files and skips are the next n of each list
        for folder, listing in steps:
            n = sum(isinstance(item, str) for item in listing.items)
            walk.append([folder, n, len(listing.items) - n, listing.subfolders, listing.reusable])
        state = {
            "roots": key,
            "dirs": mtimes,
            "files": files,
            "skipped": [[s.path, s.reason] for s in skipped],
            "walk": walk,
        }
    return files, skipped, state


def _reuse(cached: dict, known: dict, mtimes: dict) -> Reuse | None:
    """The last walk's listing of each folder whose mtime is the same now: a file added
    to one folder of a 100k corpus lists that folder again, not all of them."""
    try:
        listings: dict[str, Listing] = {}
        at_file = at_skip = 0
        for folder, n_files, n_skipped, subfolders, reusable in cached["walk"]:
            items = cached["files"][at_file : at_file + n_files]
            items += [Skipped(p, r) for p, r in cached["skipped"][at_skip : at_skip + n_skipped]]
            at_file, at_skip = at_file + n_files, at_skip + n_skipped
            if reusable and folder is not None and known.get(folder, -1) == mtimes.get(folder):
                listings[folder] = Listing(items, list(subfolders))
        if at_file != len(cached["files"]) or at_skip != len(cached["skipped"]):
            return None  # not the state this code wrote: walk everything
    except (KeyError, TypeError, ValueError):
        return None
    return listings.get


def stat_all(files: Sequence[str]) -> tuple[array, array, list[tuple[str, OSError]]]:
    """(sizes, mtimes in ns, [(path, error)]): each file's stat, in ``files``' order
    (-1 for a file that could not be stat'ed).

    Each folder is opened once and its files are looked up by name in it: a kernel
    path walk per file from the root made ~30% of the cost (100k files: 0.41 s
    -> 0.31 s).  Walks list a folder's files together, so it is opened once.
    """
    sizes, mtimes = array("q"), array("q")
    failed: list[tuple[str, OSError]] = []
    st = os.stat
    by_name = st in os.supports_dir_fd
    opened, fd = None, None
    try:
        for path in files:
            folder, _, name = path.rpartition("/")
            if by_name and folder != opened:
                if fd is not None:
                    os.close(fd)
                opened, fd = folder, None
                try:
                    fd = os.open(folder or "/", os.O_RDONLY | os.O_DIRECTORY)
                except OSError:
                    pass  # each file by its full path: its own error, if any
            try:
                s = st(name, dir_fd=fd) if fd is not None else st(path)
            except OSError as exc:
                failed.append((path, exc))
                sizes.append(-1)
                mtimes.append(-1)
                continue
            sizes.append(s.st_size)
            mtimes.append(s.st_mtime_ns)
    finally:
        if fd is not None:
            os.close(fd)
    return sizes, mtimes, failed


def stat_dict(files: Sequence[str], sizes: array, mtimes: array) -> dict[str, tuple[int, int]]:
    """path -> (size, mtime_ns) for the files ``stat_all`` could stat."""
    return {p: (s, m) for p, s, m in zip(files, sizes, mtimes, strict=True) if s >= 0}


def remember(manifest: Manifest, state: dict | None) -> None:
    """Keep the scan for the next run: a file beside the manifest, not a row in it
    (SQLite journalled and fsynced the ~8 MB of a 100k-file list: 0.1 s per added
    file).  A cache only: a missing or damaged one costs one full walk."""
    if state is None:
        return
    try:
        replace_file(manifest.directory / STATE_FILE, json.dumps(state))
    except (OSError, ValueError):  # (ValueError: a file name JSON cannot hold)
        return
    if manifest.get_meta(_KEY):  # where older versions kept it
        manifest.set_meta(_KEY, "")
