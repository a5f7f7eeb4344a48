"""Find article files and read them into RawDocuments (formats, encodings, bad input).

CONTRACT (other modules rely on these signatures):
- ``iter_files(paths) -> Iterator[Path | Skipped]``: walk files/folders recursively,
  yielding candidate article files or a Skipped with a reason.
- ``read_documents(path) -> list[RawDocument]``: decode and parse one file;
  raises ``LoadError(reason)`` when the file cannot be used.
Source files are only ever opened for reading.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .model import RawDocument, Skipped

SUFFIXES = {".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom"}


class LoadError(Exception):
    """A file that cannot be turned into articles; the message is the user-facing reason."""


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Skipped]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    f = Path(root) / name
                    if f.suffix.lower() in SUFFIXES:
                        yield f
        elif path.exists():
            yield path
        else:
            yield Skipped(str(path), "no such file or folder")


def read_documents(path: str | os.PathLike) -> list[RawDocument]:
    path = Path(path)
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        docs = []
        for n, line in enumerate(text.splitlines()):
            if line.strip():
                rec = json.loads(line)
                docs.append(_from_record(path, rec, "jsonl", str(rec.get("id", n))))
        return docs
    if suffix == ".json":
        rec = json.loads(text)
        return [_from_record(path, rec, "json", str(rec.get("id", "")) or None)]
    return [RawDocument(path=str(path), text=text, format=suffix.lstrip(".") or "txt")]


def _from_record(path: Path, rec: dict, fmt: str, source_id: str | None) -> RawDocument:
    return RawDocument(
        path=str(path),
        text=str(rec.get("text") or rec.get("body") or ""),
        format=fmt,
        source_id=source_id,
        title=rec.get("title"),
        outlet=rec.get("outlet"),
        date=rec.get("date"),
        url=rec.get("url"),
    )
