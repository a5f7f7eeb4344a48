"""When did the reported event happen?  Dates from the text, then from related articles.

News copy rarely writes a full date for the event itself: it says "on Saturday", or
"Friday, June 2" without a year (house style drops the current year), and leaves the
year to other clues ("before the end of 2023", "the first since September 2017").
``event_date`` reads those clues from one article.  ``resolve_corpus_dates`` handles
articles that only name a weekday: it borrows the date of the most similar dated
article (the same story told elsewhere) and moves it to the nearest matching weekday.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from .model import Article
from .words import content_words, zipf

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MON = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_MDY = re.compile(rf"\b{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?(?![\d:])")
_DMY = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?(?![\d:])")
_WD_BEFORE = re.compile(rf"{_WD},?\s+(?:the\s+)?$")
_HAS_MONTH = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mon>[01]\d)-(?P<day>[0-3]\d)\b")
_MONTH_YEAR = re.compile(rf"\b{_MON},?\s+{_YEAR}\b")
_ANY_YEAR = re.compile(r"(?<![\d$£€.,])\b(?:19|20)\d{2}\b(?![\d,]|\.\d)")
_FUTURE_CUE = re.compile(
    r"(?:\bby|\buntil|\btill|\bbefore|\bthrough|\bend of|\bin the year|\bahead of|\btarget)\s+"
    r"(?:the\s+)?(?:end\s+of\s+)?(?:\w+\s+)?$",
    re.I,
)
_WEEKDAY_WORD = re.compile(
    r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?P<after>,?\s+\S+)?"
)
_REPORTING = re.compile(
    r"\b(?:said|says|told|announced|reported|added|stated|confirmed|noted|wrote|tweeted)"
    r"(?:\s+(?:on|late|early))?\s*$",
    re.I,
)
_ON_BEFORE = re.compile(r"\b(?:on|On)\s+(?:\w+,?\s+)?$")

LEAD_PARAGRAPHS = 3  # where the main event is told
_MAX_SCAN = 200_000  # characters scanned for dates: enough for any article


@dataclass(frozen=True)
class DateMention:
    """A day-level date in the text; ``year`` is None when the text omits it."""

    start: int
    month: int
    day: int
    year: int | None
    weekday: int | None  # 0 = Monday, when the text names it ("Friday, June 2")
    paragraph: int
    after_on: bool


@dataclass(frozen=True)
class YearBounds:
    """What the text says about the year it was written in."""

    lower: int | None  # the year is at least this
    lower_strict: bool  # ... and after it (a past year written with its month)
    upper: int | None  # the year is at most this ("before the end of 2023")
    explicit: tuple[tuple[int, int], ...]  # (year, month) written with a month


def _month(name: str) -> int:
    return _MONTH_NUMBERS[name[:3].lower()]


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_matches(text: str) -> Iterator[tuple[re.Pattern[str], re.Match[str]]]:
    """(regex, match) for every day-level date pattern in one paragraph."""
    if _HAS_MONTH.search(text):
        for rx in (_MDY, _DMY):
            for m in rx.finditer(text):
                yield rx, m
    if "-" in text:
        for m in _ISO.finditer(text):
            yield _ISO, m


def date_mentions(paragraphs: Sequence[str]) -> list[DateMention]:
    """Every day-level date written in the paragraphs, in text order."""
    found: dict[tuple[int, int], DateMention] = {}
    for n, para in enumerate(paragraphs):
        text = para[:_MAX_SCAN]
        for rx, m in _date_matches(text):
            day = int(m.group("day"))
            mon = m.group("mon")
            month = int(mon) if rx is _ISO else _month(mon)
            if not 1 <= day <= 31 or not 1 <= month <= 12:
                continue
            before = text[max(0, m.start() - 30) : m.start()]
            wd = _WD_BEFORE.search(before)
            start = m.start() - (len(wd.group()) if wd else 0)
            found.setdefault(
                (n, m.start("day")),
                DateMention(
                    start=start,
                    month=month,
                    day=day,
                    year=int(m.group("year")) if m.group("year") else None,
                    weekday=WEEKDAYS.index(wd.group("wd")) if wd else None,
                    paragraph=n,
                    after_on=bool(_ON_BEFORE.search(text[max(0, start - 30) : start])),
                ),
            )
    return sorted(found.values(), key=lambda d: (d.paragraph, d.start))


def year_bounds(paragraphs: Sequence[str]) -> YearBounds:
    """Bounds on the writing year from the years the text mentions."""
    lower: int | None = None
    upper: int | None = None
    explicit: set[tuple[int, int]] = set()
    for para in paragraphs:
        text = para[:_MAX_SCAN]
        if not _ANY_YEAR.search(text):
            continue
        if _HAS_MONTH.search(text):
            for m in _MONTH_YEAR.finditer(text):
                explicit.add((int(m.group("year")), _month(m.group("mon"))))
        for rx, m in _date_matches(text):
            if m.group("year"):
                mon = m.group("mon")
                explicit.add((int(m.group("year")), int(mon) if rx is _ISO else _month(mon)))
        for m in _ANY_YEAR.finditer(text):
            year = int(m.group())
            if _FUTURE_CUE.search(text[max(0, m.start() - 40) : m.start()]):
                upper = year if upper is None else min(upper, year)
            else:
                lower = year if lower is None else max(lower, year)
    strict = lower is not None and any(y == lower for y, _ in explicit)
    return YearBounds(lower, strict, upper, tuple(sorted(explicit)))


def _near_explicit(month: int, day: int, bounds: YearBounds) -> int | None:
    """A year written with a nearby month elsewhere in the text ("June 2, 2023" ... "June 3")."""
    for year, m in bounds.explicit:
        d = _valid(year, month, day)
        if d and abs((d - dt.date(year, m, 15)).days) <= 20:
            return year
    return None


def resolve_year(
    month: int, day: int, weekday: int | None, bounds: YearBounds, default: int | None = None
) -> int | None:
    """The year of a year-less date: weekday-consistent, within bounds, earliest possible."""
    near = _near_explicit(month, day, bounds)
    if near is not None and (weekday is None or _weekday_of(near, month, day) == weekday):
        return near
    lo = None if bounds.lower is None else bounds.lower + (1 if bounds.lower_strict else 0)
    hi = bounds.upper
    if lo is not None and hi is not None and lo > hi:
        lo = hi  # contradictory clues: trust the explicit "by/before YEAR"
    if weekday is None:
        if lo is not None:
            return lo
        return hi if hi is not None else default
    if lo is not None:
        years = range(lo, (hi if hi is not None else lo + 11) + 1)
    elif hi is not None:
        years = range(hi, hi - 12, -1)
    elif default is not None:
        years = range(default, default - 12, -1)
    else:
        return None
    for year in years:
        if _weekday_of(year, month, day) == weekday:
            return year
    return None


def _weekday_of(year: int, month: int, day: int) -> int | None:
    d = _valid(year, month, day)
    return d.weekday() if d else None


def lead_weekday(paragraphs: Sequence[str]) -> int | None:
    """The weekday the lead paragraphs give for the event ("agreed on Saturday").

    A weekday right after a reporting verb ("said on Sunday") dates the report, not
    the event, so another weekday in the lead wins over it.
    """
    first: int | None = None
    for para in paragraphs[:LEAD_PARAGRAPHS]:
        text = para[:5000]
        for m in _WEEKDAY_WORD.finditer(text):
            after = (m.group("after") or "").lstrip(", ")
            if (
                after[:1].isupper()
                and not re.match(rf"{_MON}\b", after)
                and "," not in (m.group("after") or "")
            ):
                continue  # "Sunday Times", "Saturday Night Live"
            wd = WEEKDAYS.index(m.group("wd"))
            if _REPORTING.search(text[max(0, m.start() - 30) : m.start()]):
                first = wd if first is None else first
                continue
            return wd
    return first


def event_date(paragraphs: Sequence[str], *, reference: str | None = None) -> str | None:
    """ISO date of the main event the paragraphs (body, no headings) report, or None.

    ``reference`` is a known publication date (ISO); it supplies a year the text omits.
    """
    ref_year = None
    if reference and re.match(r"^\d{4}-\d{2}-\d{2}$", reference):
        ref_year = int(reference[:4])
    mentions = date_mentions(paragraphs)
    if not mentions:
        return None
    bounds = year_bounds(paragraphs)
    resolved: list[tuple[DateMention, dt.date]] = []
    strong: Counter[int] = Counter()
    for d in mentions:
        if d.year is not None:
            day = _valid(d.year, d.month, d.day)
            if day and (d.weekday is None or day.weekday() == d.weekday):
                resolved.append((d, day))
        elif d.weekday is not None:
            year = resolve_year(d.month, d.day, d.weekday, bounds, ref_year)
            if year is not None:
                strong[year] += 1
    shared_year = strong.most_common(1)[0][0] if strong else None
    for d in mentions:
        if d.year is None:
            year = resolve_year(d.month, d.day, d.weekday, bounds, ref_year)
            if shared_year is not None and _weekday_ok(shared_year, d):
                year = shared_year
            day = _valid(year, d.month, d.day) if year is not None else None
            if day:
                resolved.append((d, day))
    resolved.sort(key=lambda r: (r[0].paragraph, r[0].start))
    if not resolved:
        return None
    wd = lead_weekday(paragraphs)
    latest = bounds.lower

    def current(d: DateMention, day: dt.date) -> bool:
        """Not a look back: a weekday-checked date, a year-less one, or one of the latest year."""
        return d.weekday is not None or d.year is None or latest is None or day.year >= latest

    if wd is not None:
        # The lead's weekday names the event: a date with that weekday confirms it.
        for d, day in resolved:
            if day.weekday() == wd and current(d, day) and (d.weekday is not None or d.year):
                return day.isoformat()
        # "the summit, which began on Friday, June 2" + "on Saturday": the day after.
        for d, day in resolved:
            if d.weekday is not None:
                near = nearest_weekday(day, wd)
                return near.isoformat()
        return None
    for d, day in resolved:
        if d.paragraph < LEAD_PARAGRAPHS and d.after_on and current(d, day):
            return day.isoformat()
    return None


def _weekday_ok(year: int, d: DateMention) -> bool:
    return d.weekday is None or _weekday_of(year, d.month, d.day) == d.weekday


def nearest_weekday(anchor: dt.date, weekday: int) -> dt.date:
    """The date with ``weekday`` closest to ``anchor`` (at most three days away)."""
    delta = (weekday - anchor.weekday()) % 7
    if delta > 3:
        delta -= 7
    return anchor + dt.timedelta(days=delta)


def _body(article: Article) -> list[str]:
    heads = set(article.subheadings)
    return [p for p in article.paragraphs if p not in heads]


def _terms(article: Article) -> set[str]:
    return set(content_words(article.title + "\n" + "\n".join(article.paragraphs)[:20_000]))


def resolve_corpus_dates(
    articles: Sequence[Article], related: Mapping[str, Sequence[str]] | None = None
) -> dict[str, str]:
    """Article id -> ISO event date, filling weekday-only articles from similar ones.

    An article with a date keeps it.  One without a date whose lead names a weekday
    takes the date of the most similar dated article (``related[id]`` lists the
    same-story ids when known; otherwise shared content words, weighted by rarity,
    decide) moved to the nearest day with that weekday, if the article's own year
    clues allow it.  Articles with neither stay out of the result.
    """
    dates = {a.id: a.date for a in articles if a.date}
    dates.update(fill_missing_dates(articles, related))
    return dates


class DateSurvey:
    """What filling dates needs from one read of the corpus: each article's own date
    and the articles with only a weekday.  Whoever reads the corpus anyway (the story
    pass) feeds it through ``watch``, so 100k stored articles are unpacked once."""

    def __init__(self) -> None:
        self.own: dict[str, str] = {}
        self.needy: list[tuple[Article, int]] = []
        self.total = 0

    def see(self, a: Article) -> None:
        self.total += 1
        if a.date:
            self.own[a.id] = a.date
        else:
            wd = lead_weekday(_body(a))
            if wd is not None:  # kept without its raw text: an undated corpus has many
                self.needy.append((replace(a, raw=""), wd))

    def watch(self, articles: Iterable[Article]) -> Iterator[Article]:
        for a in articles:
            self.see(a)
            yield a

    def merge(self, other: DateSurvey) -> None:
        """Add a survey of other articles (a worker's share of a build)."""
        self.own.update(other.own)
        self.needy.extend(other.needy)
        self.total += other.total


def fill_missing_dates(
    articles: Sequence[Article],
    related: Mapping[str, Sequence[str]] | None = None,
    survey: DateSurvey | None = None,
) -> dict[str, str]:
    """Only the dates ``resolve_corpus_dates`` fills in (article id -> ISO date).

    Reads the corpus once, or not at all given the ``survey`` of a read already made.
    When every weekday-only article has its ``related`` ids, only those dated
    articles are loaded and compared (``articles.get`` when the sequence is lazy), so
    a 100k-article corpus is never held in memory.
    """
    if survey is None:
        survey = DateSurvey()
        for a in articles:
            survey.see(a)
    own, needy, total = survey.own, survey.needy, survey.total
    if not needy:
        return {}
    if related is not None and all(related.get(a.id) for a, _ in needy):
        wanted = dict.fromkeys(
            r for a, _ in needy for r in related[a.id] if r in own and _iso(own[r])
        )
        dated = _load(articles, wanted)
    else:
        dated = [a for a in articles if a.id in own and _iso(own[a.id])]
    terms = [_terms(a) for a in dated]
    df: Counter[str] = Counter(t for ts in terms for t in ts)
    max_df = max(50, total // 20)  # terms in many articles say nothing about the story
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ts in enumerate(terms):
        for t in ts:
            if df[t] <= max_df:
                postings[t].append(i)
    by_id = {a.id: i for i, a in enumerate(dated)}
    norms = [math.sqrt(sum(_weight(t) ** 2 for t in ts)) or 1.0 for ts in terms]
    filled: dict[str, str] = {}
    for a, wd in needy:
        own_terms = _terms(a)
        own_norm = math.sqrt(sum(_weight(t) ** 2 for t in own_terms)) or 1.0
        allowed = None
        if related and related.get(a.id):
            allowed = {by_id[r] for r in related[a.id] if r in by_id}
        scores: Counter[int] = Counter()
        for t in own_terms:
            for i in postings.get(t, ()):
                if allowed is None or i in allowed:
                    scores[i] += _weight(t) ** 2
        bounds = year_bounds(_body(a))
        pool = set(scores) | (allowed or set())  # the same-story ids compete even with no overlap
        ranked = sorted(pool, key=lambda i: (-scores[i] / norms[i], i))
        for i in ranked:
            sim = scores[i] / (norms[i] * own_norm)
            if allowed is None and sim < MIN_SIMILARITY:
                break
            day = nearest_weekday(_iso(own[dated[i].id]), wd)
            if _year_allowed(day.year, bounds):
                filled[a.id] = day.isoformat()
                break
    return filled


def _load(articles: Sequence[Article], ids: Mapping[str, None]) -> list[Article]:
    """The articles with these ids, in that order: looked up when the sequence can
    (``get``), else picked out in one pass."""
    getter = getattr(articles, "get", None)
    if getter is not None:
        found = [getter(i) for i in ids]
        return [a for a in found if a is not None]
    by_id = {a.id: a for a in articles if a.id in ids}
    return [by_id[i] for i in ids if i in by_id]


def _iso(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _weight(term: str) -> float:
    """Rarer words (by general English frequency) say more about which story it is."""
    return max(0.5, 7.0 - zipf(term)) ** 2


MIN_SIMILARITY = 0.2  # cosine over rarity-weighted content words: same story, not same topic


def _year_allowed(year: int, bounds: YearBounds) -> bool:
    if bounds.lower is not None and year < bounds.lower:
        return False
    return bounds.upper is None or year <= bounds.upper
