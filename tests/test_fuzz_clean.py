"""Property tests for ``index.clean.clean``: whatever text comes in, cleaning behaves.

Contract checked (not the implementation):
- it never raises, whatever the text or metadata;
- it is stable: cleaning "title + blank line + paragraphs" of a clean article again
  gives the same title and paragraphs;
- it invents nothing: every word it outputs occurs in the input, allowing for
  hyphens joined across a typesetting break ("Sou-th" -> "South").

The default run is short (300 examples each); ``-m slow`` runs 10,000.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.clean import clean
from index.model import RawDocument
from index.textsafe import safe_text, sanitize

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))

# Invented vocabulary: news-like words, names, chrome and typesetting noise.
WORDS = (
    "harbour council ferry night trial crews fares pier minister talks agreed security "
    "Tuesday Greyholm Marlow Edda Skerry Wendle weir gates river authority said would "
    "the a of and to in on for with at by from after before two forty 2024 6.5 U.S."
).split()
NOISE_LINES = (
    "Read more: Ferry fares rise",
    "Advertisement",
    "Accept all cookies",
    "© 2024 Harbour Post. All rights reserved.",
    "By Edda Marlow",
    "PORTHAVEN, March 5 (Harbour Wire) -",
    "Share this article",
    "\u00a0",
    "* * *",
    "## Crosshead",
    "- bullet item",
    "[bold red]markup[/]",
    "\x1b[31mred\x1b[0m",
)


def _hyphenate(word: str, cut: int) -> str:
    cut = 1 + cut % max(1, len(word) - 1)
    return word[:cut] + "-" + word[cut:] if len(word) > 3 else word


word = st.one_of(
    st.sampled_from(WORDS),
    st.builds(_hyphenate, st.sampled_from(WORDS), st.integers(0, 20)),
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12),
)
sentence = st.lists(word, min_size=1, max_size=40).map(lambda ws: " ".join(ws) + ".")
line = st.one_of(
    sentence,
    st.lists(word, min_size=1, max_size=8).map(" ".join),  # short headline-like lines
    st.sampled_from(NOISE_LINES),
    st.just(""),
)
newsy = st.lists(line, max_size=30).flatmap(
    lambda lines: st.sampled_from(["\n", "\n\n", "\r\n", "\n\u00a0\n"]).map(
        lambda sep: sep.join(lines)
    )
)
any_text = st.one_of(st.text(), newsy, st.text(alphabet=st.sampled_from("ab -\n\u00ad#*[]()\r\t.")))
formats = st.sampled_from(["txt", "md", "json", "html"])
maybe = st.one_of(st.none(), st.text(max_size=30))


def doc(text: str, fmt: str = "txt", **meta) -> RawDocument:
    return RawDocument(path="/fuzz/article.txt", text=text, format=fmt, **meta)


def again(article) -> list[str]:
    parts = [article.title, *article.paragraphs] if article.title else list(article.paragraphs)
    return "\n\n".join(parts)


_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()))


def input_tokens(text: str) -> set[str]:
    """Words of the input as cleaning may legitimately render them."""
    variants = [text, sanitize(text), safe_text(text)]
    joined = [re.sub(r"[-\u00ad\u2010\u2011]\s*", "", v) for v in variants]  # hyphen joins
    return set().union(*(tokens(v) for v in variants + joined))


def check_no_crash(text: str, fmt: str, title, outlet, date) -> None:
    article = clean(doc(text, fmt, title=title, outlet=outlet, date=date))
    assert isinstance(article.title, str)
    assert all(isinstance(p, str) and p for p in article.paragraphs)


def check_stable(text: str) -> None:
    first = clean(doc(text))
    second = clean(doc(again(first)))
    assert (second.title, second.paragraphs) == (first.title, first.paragraphs)


def check_invents_nothing(text: str) -> None:
    article = clean(doc(text))
    out = tokens(" ".join([article.title, *article.paragraphs]))
    extra = out - input_tokens(text)
    assert not extra, f"words not in the input: {sorted(extra)[:10]}"


@FAST
@given(any_text, formats, maybe, maybe, maybe)
@example("", "txt", None, None, None)
@example("\x00\x1b[2J\u202e", "md", "\n", "", "not a date")
def test_clean_never_raises(text, fmt, title, outlet, date):
    check_no_crash(text, fmt, title, outlet, date)


@FAST
@given(any_text)
@example("Ferry talks\n\nSou-th harbour crews agreed to the trial on Tuesday, the minister said.")
@example("Ferry talks\n\nThe cre-\nws discu-ssed the trial of night ferries with the council.")
def test_clean_is_stable_and_invents_no_words(text):
    check_stable(text)
    check_invents_nothing(text)


@pytest.mark.slow
@SLOW
@given(any_text, formats, maybe, maybe, maybe)
def test_clean_properties_at_length(text, fmt, title, outlet, date):
    check_no_crash(text, fmt, title, outlet, date)
    check_stable(text)
    check_invents_nothing(text)
