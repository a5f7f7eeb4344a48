"""Loaded text is inert: nothing in it can drive a terminal, hide text or break encoding."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from index.textsafe import safe_text, sanitize, strip_invisible

DANGEROUS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

hostile_chars = st.sampled_from(
    list("\x00\x07\x08\x0b\x0c\x1b\x7f\x85\x9b\r\u2028\u2029\u200b\u00ad\ufeff\u202e\u2066\u200d")
    + ["\x1b[2J", "\x1b]0;t\x07", "\x1b]8;;u\x1b\\", "\ud800", "\U000e0041", "[bold]", "👍🏽"]
)
texts = st.one_of(
    st.text(),
    st.lists(st.one_of(st.text(max_size=5), hostile_chars), max_size=40).map("".join),
)


def test_escape_sequences_become_visible_text():
    assert sanitize("\x1b[31mred\x1b[0m\x07") == "\u241b[31mred\u241b[0m\u2407"
    assert sanitize("a\u202eb\u2066c") == "a<U+202E>b<U+2066>c"
    assert sanitize("x\x9by") == "x<U+009B>y"  # C1 CSI would start a sequence too


def test_line_breaks_are_normalised():
    assert sanitize("a\r\nb\rc\u2028d\u2029e\x0cf") == "a\nb\nc\nd\n\ne\n\nf"


def test_invisible_characters_are_removed_but_joiners_kept():
    assert (
        strip_invisible("Fer\u200bries soft\u00adhyphen in\ufeffner") == "Ferries softhyphen inner"
    )
    family = "👩\u200d👩\u200d👧"
    assert strip_invisible(family) == family
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert strip_invisible(scotland) == scotland
    smuggled = "ok" + "".join(chr(0xE0000 + ord(c)) for c in "secret")
    assert strip_invisible(smuggled) == "ok"


def test_markup_stays_literal():
    text = "[bold red]x[/] [link=https://e.example]y[/link] :smile:"
    assert safe_text(text) == text


@settings(max_examples=300)
@given(texts)
def test_safe_text_leaves_nothing_dangerous_and_is_idempotent(text):
    out = safe_text(text)
    assert not DANGEROUS.search(out)
    assert "\r" not in out and "\u200b" not in out
    assert safe_text(out) == out
    out.encode("utf-8")  # no lone surrogates: always storable and printable


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs", "So"])))
def test_ordinary_text_is_unchanged(text):
    text = unicodedata.normalize("NFC", text)
    assert safe_text(text) == text
