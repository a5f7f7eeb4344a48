"""Turn the date strings found in feeds, JSON exports and front matter into ISO yyyy-mm-dd."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

_ISO_PREFIX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s_])")
_FORMATS = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b. %d, %Y",
    "%d.%m.%Y",
)


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def iso_date(value: object) -> str | None:
    """``value`` as ``yyyy-mm-dd`` or None when it is not a recognisable date.

    Accepts ISO 8601 (with or without time), RFC 822 dates as in RSS, a few common
    written forms ("5 March 2024", "March 5, 2024"), Unix timestamps and
    ``time.struct_time``.  Ambiguous numeric forms like 03/05/2024 are rejected
    rather than guessed.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, time.struct_time):
        return _valid(value.tm_year, value.tm_mon, value.tm_mday)
    if isinstance(value, (int, float)):
        if not 0 < value < 4_102_444_800:  # before 2100 in seconds; reject ms and junk
            return None
        return datetime.fromtimestamp(value, tz=timezone.utc).date().isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()[:64]
    if not text:
        return None
    m = _ISO_PREFIX.match(text)
    if m:
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return _valid(parsed.year, parsed.month, parsed.day)
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None
