"""Typesetting hyphens are joined, genuine ones stay (word frequencies decide, not lists)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.dehyphen import _CANDIDATE, Dehyphenator, dehyphenate, join_wrapped, judge


@pytest.mark.parametrize(
    "broken, fixed",
    [
        ("govern-ment", "government"),
        ("informa-tion", "information"),
        ("Parlia-ment", "Parliament"),
        ("tempera-ture", "temperature"),
        ("wi-th", "with"),
        ("abo-ut", "about"),
        ("commit-tee", "committee"),
    ],
)
def test_breaks_inside_words_are_joined(broken, fixed):
    assert dehyphenate(f"The {broken} met today.") == f"The {fixed} met today."


@pytest.mark.parametrize(
    "token",
    [
        "well-known",
        "long-term",
        "state-of-the-art",
        "COVID-19",
        "Jong-un",
        "Hye-jin",
        "Afro-Caribbean",
        "Franco-German",
        "x-ray",
        "e-mail",
        "re-elect",
        "self-driving",
        "ex-president",
        "mid-June",
        "anti-EU",
        "twenty-one",
        "so-called",
    ],
)
def test_genuine_hyphens_stay(token):
    text = f"They spoke about the {token} plan."
    assert dehyphenate(text) == text


def test_ambiguous_join_needs_evidence_from_the_document():
    """Both halves are words ('re', 'public'): joined only if the page is noisy or agrees."""
    assert judge("Re", "public").action == "maybe"
    alone = "The Re-public of Velan voted."
    assert dehyphenate(alone) == alone
    agreeing = ["The Re-public of Velan voted.", "The Republic has a new parliament."]
    assert Dehyphenator(agreeing).fix(agreeing[0]) == "The Republic of Velan voted."
    noisy = ["The Re-public said the minis-try and the govern-ment agreed."]
    assert (
        Dehyphenator(noisy).fix(noisy[0])
        == "The Republic said the ministry and the government agreed."
    )


def test_possessives_and_punctuation_around_the_token():
    assert (
        dehyphenate("Lon-don’s mayor (Lon-don) said: Lon-don!")
        == "London’s mayor (London) said: London!"
    )


def test_wrapped_line_ending_in_a_hyphen():
    assert join_wrapped("the construc-", "tion began") == "the construction began"
    assert join_wrapped("a long-", "term plan") == "a long-term plan"
    assert join_wrapped("plain", "words") == "plain words"
    assert join_wrapped("a dash -", "here") == "a dash - here"


SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.mark.skipif(not SHARED.exists(), reason="shared corpus not available")
def test_clean_corpora_are_left_almost_untouched():
    """basil and fnc1 are professionally edited: nearly every hyphen there is genuine."""
    texts = []
    for path in sorted((SHARED / "basil").glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        texts.append(rec["title"] + "\n" + rec["text"])
    for line in (SHARED / "fnc1" / "bodies.jsonl").read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line)["text"])
    hyphens = joined = 0
    for text in texts:
        fixer = Dehyphenator([text])
        hyphens += len(_CANDIDATE.findall(text))
        joined += sum(1 for m in _CANDIDATE.finditer(text) if fixer.fix(m.group(0)) != m.group(0))
    assert hyphens > 1000
    assert joined <= hyphens * 0.002  # a handful out of thousands
