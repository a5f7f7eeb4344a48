"""Turn one source file into Whoosh documents; runs in worker processes.

Everything here is picklable and free of index state, so ``update`` can fan files
out over a process pool and feed one writer.  A bug in a later stage (entities,
stories) costs one article its extra fields, never the whole run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .entities import canonical_entities
from .load import LoadError, read_bytes
from .model import Article, Skipped
from .pipeline import load_file
from .schema import document
from .stories import story_id


@dataclass
class FileResult:
    path: str
    size: int
    mtime_ns: int
    hash: str
    docs: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None  # why the file was skipped
    unchanged: bool = False  # same bytes as the indexed version: nothing parsed

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(d["id"] for d in self.docs)

    @property
    def hashes(self) -> tuple[str, ...]:
        return tuple(d["hash"] for d in self.docs)


def file_hash(path: str | os.PathLike) -> str:
    h = _hasher()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _hasher() -> Any:
    return hashlib.blake2b(digest_size=16)


def _digest(data: bytes) -> str:
    """``file_hash`` of a file whose bytes are ``data``."""
    h = _hasher()
    h.update(data)
    return h.hexdigest()


def stat_key(path: str | os.PathLike) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def provisional_story(article) -> str | None:
    """The story an article forms on its own; the corpus pass may regroup it later."""
    return story_id(article.id) if article.id else None


def parse_file(
    path: str,
    known_hash: str | None = None,
    on_article: Callable[[Article, list[str]], None] | None = None,
) -> FileResult:
    """Stat, hash and parse one file.  ``known_hash`` lets unchanged content skip parsing;
    ``on_article`` sees each parsed article with its entities (a first build profiles
    them for the story pass while they are at hand)."""
    try:
        size, mtime_ns = stat_key(path)
        try:
            data: bytes | None = read_bytes(path)  # read once: hashed, then parsed
        except LoadError:
            data = None  # too large, empty...: hashed apart, the loader says why
        digest = file_hash(path) if data is None else _digest(data)
    except OSError as exc:
        return FileResult(path, -1, -1, "", reason=f"cannot read: {exc.strerror or exc}")
    result = FileResult(path, size, mtime_ns, digest)
    if known_hash is not None and known_hash == digest:
        result.unchanged = True  # caller keeps the indexed documents
        return result
    try:
        loaded = load_file(path, data)
    except Exception as exc:  # noqa: BLE001 - never let one file abort a whole corpus
        loaded = Skipped(path, f"could not be read ({type(exc).__name__}: {exc})")
    if isinstance(loaded, Skipped):
        result.reason = loaded.reason
        return result
    for article in loaded:
        try:
            entities = canonical_entities(article)
        except Exception:  # noqa: BLE001
            entities = []
        if on_article is not None:
            on_article(article, entities)
        result.docs.append(document(article, entities, provisional_story(article)))
    if not result.docs:
        result.reason = "no article text found"
    return result
