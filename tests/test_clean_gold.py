"""The cleaner against the hand-made cleaning gold for the five seed articles.

Gold and seeds are read from ``../shared`` (never copied into the repo).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from index.clean import clean
from index.cleaning_score import score_cleaning
from index.dates import resolve_corpus_dates
from index.load import read_documents

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD_DIR = SHARED / "gold"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = (
    json.loads((GOLD_DIR / "cleaning.json").read_text(encoding="utf-8"))["articles"]
    if (GOLD_DIR / "cleaning.json").exists()
    else {}
)
NAMES = sorted(GOLD)

pytestmark = pytest.mark.skipif(not GOLD, reason="shared gold not available")


@pytest.fixture(scope="module")
def cleaned():
    return {name: clean(read_documents(SEEDS / name)[0], article_id=name) for name in NAMES}


def _norm(text: str) -> str:
    return " ".join(text.split())


def _count(token: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w-]){re.escape(token)}(?![\w-])", text))


def _shown(article) -> list[str]:
    return [article.title, *article.paragraphs]


@pytest.mark.parametrize("name", NAMES)
def test_boilerplate_lines_are_gone(cleaned, name):
    shown = {_norm(t) for t in _shown(cleaned[name])}
    for line in GOLD[name]["boilerplate_lines"]:
        assert _norm(line) not in shown, line
    for prefix in GOLD[name].get("boilerplate_prefixes", []):
        assert not any(t.startswith(prefix) for t in shown), prefix
    assert all(p.strip() for p in cleaned[name].paragraphs), "empty or whitespace-only paragraph"


@pytest.mark.parametrize("name", NAMES)
def test_metadata_lines_leave_the_body(cleaned, name):
    article = cleaned[name]
    shown = {_norm(t) for t in _shown(article)}
    for line in GOLD[name]["metadata_lines"]:
        assert _norm(line) not in shown, line
    if GOLD[name]["byline"]:
        assert article.byline == GOLD[name]["byline"]
    else:
        assert article.byline is None
    if GOLD[name]["metadata_lines"]:
        assert article.copyright is not None


@pytest.mark.parametrize("name", NAMES)
def test_typesetting_hyphens_are_joined(cleaned, name):
    article = cleaned[name]
    body = "\n".join(_shown(article))
    raw = article.raw
    for item in GOLD[name]["dehyphenate"]:
        assert _count(item["broken"], body) == 0, item["broken"]
        before = _count(item["fixed"], raw)
        assert _count(item["fixed"], body) >= before + item["count"], item


@pytest.mark.parametrize("name", NAMES)
def test_genuine_hyphens_stay(cleaned, name):
    article = cleaned[name]
    everything = "\n".join([*_shown(article), article.byline or "", article.copyright or ""])
    chrome = {_norm(b) for b in GOLD[name]["boilerplate_lines"]}
    for token in GOLD[name]["keep_hyphens"]:
        lines = [ln for ln in article.raw.splitlines() if _count(token, ln)]
        if all(_norm(ln) in chrome for ln in lines):
            assert _count(token, everything) == 0  # it lived in chrome, which is gone
            continue
        assert _count(token, everything) >= 1, token


@pytest.mark.parametrize("name", NAMES)
def test_title_is_the_real_headline(cleaned, name):
    assert cleaned[name].title == GOLD[name]["title"]


@pytest.mark.parametrize("name", NAMES)
def test_outlet_only_when_stated(cleaned, name):
    assert cleaned[name].outlet == GOLD[name]["outlet"]


@pytest.mark.parametrize("name", NAMES)
def test_dateline(cleaned, name):
    assert cleaned[name].dateline == GOLD[name]["dateline"]


@pytest.mark.parametrize("name", NAMES)
def test_duplicated_paragraphs_kept_once(cleaned, name):
    paragraphs = [_norm(p) for p in cleaned[name].paragraphs]
    for dup in GOLD[name]["duplicate_paragraphs"]:
        assert paragraphs.count(_norm(dup)) == 1


@pytest.mark.parametrize("name", NAMES)
def test_subheadings_are_listed_and_kept_as_content(cleaned, name):
    article = cleaned[name]
    assert [_norm(s) for s in article.subheadings] == [_norm(s) for s in GOLD[name]["subheadings"]]
    assert set(article.subheadings) <= set(article.paragraphs)


@pytest.mark.parametrize("name", NAMES)
def test_text_dates_are_right_or_absent(cleaned, name):
    """clean() states a date only when the text fixes it; then it must be acceptable."""
    date = cleaned[name].date
    entry = GOLD[name]
    if entry["event_date_basis"] == "inferred_with_world_knowledge":
        assert date is None
    else:
        assert date in entry["acceptable_event_dates"]


def test_corpus_dates_fill_weekday_only_articles(cleaned):
    dates = resolve_corpus_dates(list(cleaned.values()))
    for name in NAMES:
        assert dates.get(name) in GOLD[name]["acceptable_event_dates"], name


def test_corpus_dates_follow_the_related_mapping(cleaned):
    """With the same-story mapping given, a weekday-only article borrows from it."""
    weekday_only = [n for n in NAMES if cleaned[n].date is None]
    dated = [n for n in NAMES if cleaned[n].date]
    assert weekday_only and dated
    related = {n: dated for n in weekday_only}
    dates = resolve_corpus_dates(list(cleaned.values()), related)
    for name in weekday_only:
        assert dates[name] in GOLD[name]["acceptable_event_dates"]


def test_score_table_reports_everything_met():
    score = score_cleaning(GOLD_DIR)
    problems = [p for a in score.articles for p in a.problems]
    assert score.ok, problems
    assert len(score.rows()) == len(NAMES) + 1


@pytest.mark.parametrize("name", NAMES)
def test_cleaning_a_clean_article_changes_nothing(cleaned, name):
    from index.model import RawDocument

    first = cleaned[name]
    again = clean(
        RawDocument(path="again.txt", text=first.title + "\n\n" + first.body, format="txt")
    )
    assert again.title == first.title
    assert again.paragraphs == first.paragraphs
    assert again.subheadings == first.subheadings
