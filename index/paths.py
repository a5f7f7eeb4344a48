"""Where indexes live: one directory per corpus under the user's cache dir.

The directory name carries a hash of the resolved corpus paths, so the same folder
always maps to the same index and two corpora never share one.  A small state file
remembers the last corpus indexed, so ``reader search`` works without ``--corpus``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

from platformdirs import user_cache_dir

from .files import replace_file
from .model import content_hash

MARKER = ".reader-index"
STATE_FILE = "state.json"


def cache_root() -> Path:
    """``$READER_CACHE_DIR`` if set (tests, sandboxes), else the platform cache dir."""
    override = os.environ.get("READER_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("reader"))


def resolve_corpus(corpus: Sequence[str | os.PathLike]) -> tuple[Path, ...]:
    """Absolute, symlink-free, de-duplicated corpus paths in a stable order."""
    seen: dict[Path, None] = {}
    for p in corpus:
        seen.setdefault(Path(p).expanduser().resolve(), None)
    return tuple(sorted(seen))


def default_index_dir(corpus: Sequence[str | os.PathLike]) -> Path:
    roots = resolve_corpus(corpus)
    key = content_hash("\n".join(str(r) for r in roots))[:12]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", roots[0].name if roots else "corpus")[:40] or "corpus"
    return cache_root() / "indexes" / f"{name}-{key}"


def remember_corpus(corpus: Sequence[Path], index_dir: Path) -> None:
    """Record the last corpus indexed (best effort: a read-only cache is not an error)."""
    path = cache_root() / STATE_FILE
    data = {"corpus": [str(p) for p in corpus], "index_dir": str(index_dir)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, json.dumps(data, indent=1))
    except OSError:
        pass


def last_corpus() -> tuple[tuple[Path, ...], Path] | None:
    """``(corpus, index_dir)`` of the last corpus indexed, or None."""
    try:
        data = json.loads((cache_root() / STATE_FILE).read_text(encoding="utf-8"))
        corpus = tuple(Path(p) for p in data["corpus"])
        return corpus, Path(data["index_dir"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
