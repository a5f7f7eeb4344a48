"""Score the cleaner against the hand-made cleaning gold (``gold/cleaning.json``).

Shared by ``benchmarks/cleaning_score.py`` and ``reader doctor``: both print the
table ``rows`` builds.  Every check compares what a reader would see (title,
paragraphs, metadata fields) with the gold's answer for the same raw article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .clean import clean
from .dates import resolve_corpus_dates
from .load import read_documents
from .model import Article

HEADERS = (
    "article",
    "chrome",  # boilerplate lines removed / listed
    "meta",  # byline/copyright lines moved out of the body / listed
    "joined",  # typesetting hyphens joined / occurrences
    "kept",  # genuine hyphens kept / tokens
    "dups",  # duplicated paragraphs shown once / listed
    "subs",  # subheadings found / listed
    "title",
    "outlet",
    "dateline",
    "byline",
    "date",  # event date (after corpus-level resolution) acceptable
)


@dataclass(frozen=True)
class Count:
    good: int
    total: int

    @property
    def ok(self) -> bool:
        return self.good == self.total

    def __str__(self) -> str:
        return f"{self.good}/{self.total}"


@dataclass(frozen=True)
class ArticleScore:
    name: str
    boilerplate: Count
    metadata: Count
    joined: Count
    kept: Count
    duplicates: Count
    subheadings: Count
    title_ok: bool
    outlet_ok: bool
    dateline_ok: bool
    byline_ok: bool
    date_ok: bool
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        counts = (self.boilerplate, self.metadata, self.joined, self.kept, self.duplicates)
        flags = (self.title_ok, self.outlet_ok, self.dateline_ok, self.byline_ok, self.date_ok)
        return all(c.ok for c in counts) and all(flags) and self.subheadings.ok


@dataclass(frozen=True)
class CleaningScore:
    articles: tuple[ArticleScore, ...]
    cleaned: dict[str, Article] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.articles) and all(a.ok for a in self.articles)

    def rows(self) -> list[list[str]]:
        """Table rows (strings) under ``HEADERS``, with a total row at the end."""
        out = [_row(a) for a in self.articles]
        if self.articles:
            out.append(_total_row(self.articles))
        return out


def _mark(flag: bool) -> str:
    return "ok" if flag else "FAIL"


def _row(a: ArticleScore) -> list[str]:
    counts = (a.boilerplate, a.metadata, a.joined, a.kept, a.duplicates, a.subheadings)
    flags = (a.title_ok, a.outlet_ok, a.dateline_ok, a.byline_ok, a.date_ok)
    return [a.name, *(str(c) for c in counts), *(_mark(f) for f in flags)]


def _total_row(articles: Sequence[ArticleScore]) -> list[str]:
    def total(attr: str) -> str:
        counts = [getattr(a, attr) for a in articles]
        return str(Count(sum(c.good for c in counts), sum(c.total for c in counts)))

    def flags(attr: str) -> str:
        return f"{sum(getattr(a, attr) for a in articles)}/{len(articles)}"

    counts = ("boilerplate", "metadata", "joined", "kept", "duplicates", "subheadings")
    bools = ("title_ok", "outlet_ok", "dateline_ok", "byline_ok", "date_ok")
    return ["total", *(total(c) for c in counts), *(flags(b) for b in bools)]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _token(token: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(token)}(?![\w-])")


def default_seeds_dir(gold_dir: Path) -> Path:
    return gold_dir.parent / "corpus" / "seeds"


def clean_seeds(gold: dict, seeds_dir: Path) -> dict[str, Article]:
    """Each gold article cleaned from its raw file (the id is the file name)."""
    out = {}
    for name in gold["articles"]:
        docs = read_documents(seeds_dir / name)
        out[name] = clean(docs[0], article_id=name)
    return out


def score_article(
    name: str, entry: dict, raw: str, article: Article, date: str | None
) -> ArticleScore:
    """Compare one cleaned article with its gold entry."""
    problems: list[str] = []
    shown = [article.title, *article.paragraphs]
    shown_norm = {_norm(t) for t in shown}
    body = "\n".join(shown)
    everything = "\n".join(
        [body, article.byline or "", article.dateline or "", article.copyright or ""]
    )

    def removed(lines: Sequence[str]) -> Count:
        good = 0
        for line in lines:
            n = _norm(line)
            merged = len(n.split()) >= 4 and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", body)
            gone = n not in shown_norm and not merged
            good += gone
            if not gone:
                problems.append(f"still shown: {n!r}")
        return Count(good, len(lines))

    boiler = removed(entry.get("boilerplate_lines", []))
    meta = removed(entry.get("metadata_lines", []))

    joined = total = 0
    for item in entry.get("dehyphenate", []):
        total += item["count"]
        left = len(_token(item["broken"]).findall(body))
        fixed = len(_token(item["fixed"]).findall(body))
        done = min(item["count"] - left, fixed) if left < item["count"] else 0
        joined += max(0, done)
        if left:
            problems.append(f"not joined: {item['broken']!r} x{left}")

    boiler_lines = {_norm(b) for b in entry.get("boilerplate_lines", [])}
    kept = keep_total = 0
    for token in entry.get("keep_hyphens", []):
        rx = _token(token)
        where = [ln for ln in raw.splitlines() if rx.search(ln)]
        if where and all(_norm(ln) in boiler_lines for ln in where):
            continue  # only in chrome ("opt-out" in a cookie banner): nothing to keep
        keep_total += 1
        if rx.search(everything):
            kept += 1
        else:
            problems.append(f"hyphen lost: {token!r}")

    dups = 0
    paragraphs = [_norm(p) for p in article.paragraphs]
    for d in entry.get("duplicate_paragraphs", []):
        copies = paragraphs.count(_norm(d))
        dups += copies == 1
        if copies != 1:
            problems.append(f"duplicate kept {copies}x: {d[:40]!r}")
    subs = sum(
        1 for s in entry.get("subheadings", []) if _norm(s) in map(_norm, article.subheadings)
    )

    acceptable = entry.get("acceptable_event_dates") or [entry.get("event_date")]
    checks = {
        "title": (article.title, entry.get("title")),
        "outlet": (article.outlet, entry.get("outlet")),
        "dateline": (article.dateline, entry.get("dateline")),
        "byline": (article.byline, entry.get("byline")),
    }
    flags = {k: got == want for k, (got, want) in checks.items()}
    for k, (got, want) in checks.items():
        if got != want:
            problems.append(f"{k}: got {got!r}, want {want!r}")
    date_ok = date in acceptable
    if not date_ok:
        problems.append(f"date: got {date!r}, want one of {acceptable}")
    return ArticleScore(
        name=name,
        boilerplate=boiler,
        metadata=meta,
        joined=Count(joined, total),
        kept=Count(kept, keep_total),
        duplicates=Count(dups, len(entry.get("duplicate_paragraphs", []))),
        subheadings=Count(subs, len(entry.get("subheadings", []))),
        title_ok=flags["title"],
        outlet_ok=flags["outlet"],
        dateline_ok=flags["dateline"],
        byline_ok=flags["byline"],
        date_ok=date_ok,
        problems=tuple(problems),
    )


def load_gold(gold_dir: Path) -> dict:
    return json.loads((gold_dir / "cleaning.json").read_text(encoding="utf-8"))


def score_cleaning(gold_dir: Path, seeds_dir: Path | None = None) -> CleaningScore:
    """Clean every gold article, resolve dates across them, and score each one."""
    gold = load_gold(gold_dir)
    seeds = seeds_dir or default_seeds_dir(gold_dir)
    cleaned = clean_seeds(gold, seeds)
    dates = resolve_corpus_dates(list(cleaned.values()))
    scores = tuple(
        score_article(name, entry, cleaned[name].raw, cleaned[name], dates.get(name))
        for name, entry in gold["articles"].items()
    )
    return CleaningScore(scores, cleaned)
