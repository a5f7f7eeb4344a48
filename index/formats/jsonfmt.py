"""JSON articles: one object, a list of objects (``.json``) or one object per line (``.jsonl``).

Field names vary between exports, so each field is looked up under its common
aliases (case-insensitively): ``text``/``body``/``content``/``maintext``...,
``title``/``headline``, ``outlet``/``source``/``publisher``, ``date``/``published``...,
``url``/``link``, ``author``/``byline``.  A record that cannot be used is reported
as a ``RecordSkip`` and the rest of the file still loads.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..model import RawDocument
from .base import LoadError, Parsed, RecordSkip, one_line
from .htmltext import html_to_paragraphs
from .isodate import iso_date

TEXT_KEYS = (
    "text",
    "body",
    "content",
    "maintext",
    "article",
    "articlebody",
    "full_text",
    "fulltext",
)
TITLE_KEYS = ("title", "headline")
OUTLET_KEYS = ("outlet", "source", "source_domain", "sitename", "site", "publisher", "site_name")
DATE_KEYS = (
    "date", "published", "date_publish", "publishedat", "published_at", "pubdate",
    "datepublished", "publish_date", "created_at", "timestamp",
)  # fmt: skip
URL_KEYS = ("url", "link", "canonical_url", "source_url", "permalink")
BYLINE_KEYS = ("byline", "author", "authors", "creator")
ID_KEYS = ("id", "_id", "guid", "uuid", "doc_id")
WRAPPER_KEYS = ("articles", "items", "entries", "documents", "records", "data", "results", "posts")

_HTML_BLOCK = re.compile(r"</(?:p|div|h[1-6]|li)>|<br\s*/?>", re.I)
_KINDS = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}


def parse_json(path: str, text: str) -> Parsed:
    try:
        data = json.loads(text)
    except RecursionError:
        raise LoadError("JSON nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects: really JSON Lines
            return parse_jsonl(path, text, fmt="json")
        raise LoadError(f"invalid JSON at {_where(exc)}") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python allows
        raise LoadError(f"invalid JSON: {_value_error(exc)}") from None
    return _from_value(path, data)


def parse_jsonl(path: str, text: str, fmt: str = "jsonl") -> Parsed:
    parsed = Parsed()
    seen: set[str] = set()
    first_error = True
    for number, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        label = f"line {number}"
        try:
            record = json.loads(line)
        except RecursionError:
            parsed.skipped.append(RecordSkip(label, "JSON nested too deeply"))
            continue
        except ValueError as exc:
            if first_error and not parsed.documents and "\n" in text.strip():
                whole = _try_whole(path, text)  # a pretty-printed .json saved as .jsonl
                if whole is not None:
                    return whole
            first_error = False
            detail = (
                f"column {exc.colno}: {_message(exc)}"
                if isinstance(exc, json.JSONDecodeError)
                else _value_error(exc)
            )
            parsed.skipped.append(RecordSkip(label, f"truncated or invalid JSON at {detail}"))
            continue
        first_error = False
        _add_record(parsed, path, record, label, fmt, seen, default_id=str(number))
    if not parsed.documents:
        raise LoadError(_nothing_found(parsed, "JSON Lines file"))
    return parsed


def _try_whole(path: str, text: str) -> Parsed | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    try:
        return _from_value(path, data)
    except LoadError:
        return None


def _from_value(path: str, data: Any) -> Parsed:
    if isinstance(data, dict) and _field(_lower(data), TEXT_KEYS) is None:
        wrapped = next(
            (v for k, v in _lower(data).items() if k in WRAPPER_KEYS and isinstance(v, list)),
            None,
        )
        if wrapped is not None:
            data = wrapped
    if isinstance(data, dict):
        parsed = Parsed()
        _add_record(parsed, path, data, "object", "json", set(), default_id=None)
        if not parsed.documents:
            raise LoadError(parsed.skipped[0].reason)
        return parsed
    if isinstance(data, list):
        if not data:
            raise LoadError("JSON list is empty")
        parsed = Parsed()
        seen: set[str] = set()
        for number, item in enumerate(data, 1):
            _add_record(parsed, path, item, f"item {number}", "json", seen, default_id=str(number))
        if not parsed.documents:
            raise LoadError(_nothing_found(parsed, "JSON list"))
        return parsed
    kind = _KINDS.get(type(data), "a number" if data is not None else "null")
    raise LoadError(f"JSON is {kind}, not an article object or a list of article objects")


def _add_record(
    parsed: Parsed,
    path: str,
    record: Any,
    label: str,
    fmt: str,
    seen: set[str],
    default_id: str | None,
) -> None:
    if not isinstance(record, dict):
        kind = _KINDS.get(type(record), "a number" if record is not None else "null")
        parsed.skipped.append(RecordSkip(label, f"{kind}, not an article object"))
        return
    fields = _lower(record)
    text = _text(_field(fields, TEXT_KEYS))
    if text is None:
        names = ", ".join(TEXT_KEYS[:3])
        parsed.skipped.append(RecordSkip(label, f"no article text (expected a field: {names})"))
        return
    if not text.strip():
        parsed.skipped.append(RecordSkip(label, "article text is empty"))
        return
    source_id = one_line(_field(fields, ID_KEYS)) or default_id
    if source_id is not None and source_id in seen:
        source_id = f"{source_id}@{label.split()[-1]}"
    if source_id is not None:
        seen.add(source_id)
    parsed.documents.append(
        RawDocument(
            path=path,
            text=text,
            format=fmt,
            source_id=source_id,
            title=one_line(_field(fields, TITLE_KEYS)),
            outlet=one_line(_field(fields, OUTLET_KEYS)),
            date=iso_date(_field(fields, DATE_KEYS)),
            url=one_line(_field(fields, URL_KEYS)),
            byline=one_line(_field(fields, BYLINE_KEYS)),
        )
    )


def _lower(record: dict) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in record.items()}


def _field(fields: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first non-empty value among ``keys`` in a lower-cased record."""
    for key in keys:
        value = fields.get(key)
        if value is not None and value != "":
            return value
    return None


def _text(value: Any) -> str | None:
    """Article text from a string, or a list of paragraph strings; HTML bodies become text."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n\n".join(value)
    if not isinstance(value, str):
        return None
    if value.lstrip().startswith("<") and _HTML_BLOCK.search(value):
        return "\n\n".join(html_to_paragraphs(value))
    return value


def _value_error(exc: ValueError) -> str:
    if "digits" in str(exc):
        return "a number too long to read"
    return str(exc)


def _message(exc: json.JSONDecodeError) -> str:
    msg = exc.msg
    return msg[: -len(" at")] if msg.endswith(" at") else msg


def _where(exc: json.JSONDecodeError) -> str:
    return f"line {exc.lineno}, column {exc.colno}: {_message(exc)}"


def _nothing_found(parsed: Parsed, what: str) -> str:
    if not parsed.skipped:
        return f"{what} has no records"
    first = parsed.skipped[0]
    more = len(parsed.skipped) - 1
    tail = f" (and {more} more records)" if more else ""
    return f"no usable article in the {what}: {first.record}: {first.reason}{tail}"
