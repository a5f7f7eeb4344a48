"""Loading a corpus of hostile files: it finishes, explains every skip, changes nothing."""

from __future__ import annotations

import os
from collections import defaultdict

import pytest
from hostile import (
    CJK,
    EMOJI,
    INDEXED,
    NEVER_LOADED,
    REASONS,
    RICH_MARKUP,
    SKIPPED,
    denied_reads,
    make_hostile_corpus,
    snapshot,
)

from index.load import RecordSkipped, ScanStats
from index.model import Article, Skipped
from index.pipeline import load_articles


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Build the corpus once, load it once (with the unreadable file denied)."""
    root = tmp_path_factory.mktemp("hostile").resolve() / "corpus"
    expected = make_hostile_corpus(root)
    before = snapshot(root)
    stats = ScanStats()
    with denied_reads():
        items = list(load_articles([root], stats=stats))
    after = snapshot(root)
    articles: dict[str, list[Article]] = defaultdict(list)
    skipped: dict[str, list[Skipped]] = defaultdict(list)
    for item in items:
        rel = os.path.relpath(item.path, root)
        (articles if isinstance(item, Article) else skipped)[rel].append(item)
    return root, expected, articles, skipped, stats, before, after


def text_of(articles: list[Article]) -> str:
    return "\n".join(a.title + "\n" + "\n".join(a.paragraphs) for a in articles)


def test_every_file_gets_its_expected_outcome(loaded):
    _, expected, articles, skipped, *_ = loaded
    for name, outcome in expected.items():
        if outcome == INDEXED:
            assert articles.get(name), f"{name!r}: no article ({skipped.get(name)})"
            assert not [s for s in skipped.get(name, []) if not isinstance(s, RecordSkipped)]
        else:
            assert not articles.get(name), f"{name!r} should have been skipped"
            (skip,) = skipped[name]
            assert REASONS[name] in skip.reason, f"{name!r}: {skip.reason!r}"
    unexpected = set(articles) | set(skipped)
    assert unexpected <= set(expected), (
        f"loaded files the corpus did not list: {unexpected - set(expected)}"
    )


def test_every_skipped_file_has_an_expected_reason_listed(loaded):
    _, expected, *_ = loaded
    assert {n for n, o in expected.items() if o == SKIPPED} == set(REASONS)


def test_nothing_hidden_indexed_or_foreign_is_read(loaded):
    _, _, articles, skipped, stats, *_ = loaded
    for name in NEVER_LOADED:
        assert name not in articles and name not in skipped
    assert stats.hidden == 2 and stats.index_folders == 2
    assert stats.ignored[".pdf"] == 1 and stats.ignored[".png"] == 1
    assert stats.duplicates >= 2  # the alias link and the loop folder


def test_no_file_was_changed(loaded):
    *_, before, after = loaded
    assert before == after


def test_bad_records_are_listed_while_their_files_load(loaded):
    _, _, articles, skipped, *_ = loaded
    (truncated,) = skipped["truncated.jsonl"]
    assert truncated.reason.startswith("line 4: truncated or invalid JSON")
    assert len(articles["truncated.jsonl"]) == 3
    reasons = [s.reason for s in skipped["mixed.jsonl"]]
    assert reasons == [
        "line 2: a list, not an article object",
        "line 3: no article text (expected a field: text, body, content)",
    ]
    assert [s.reason for s in skipped["feed_entities.rss"]] == [
        "entry 3: entry has no text (no content or summary)"
    ]


def test_markup_and_escapes_survive_as_inert_literal_text(loaded):
    _, _, articles, *_ = loaded
    rich = text_of(articles["rich_markup.txt"])
    assert RICH_MARKUP in rich and "[bold]not bold[/bold]" in rich
    (ansi_article,) = articles["ansi.txt"]
    ansi = text_of([ansi_article])
    assert "\x1b" not in ansi + ansi_article.raw and "\x07" not in ansi + ansi_article.raw
    # ESC shown as ␛, BEL as ␇, the rest of each sequence literal
    assert "\u241b[31mRed headline\u241b[0m" in ansi
    assert "\u241b]0;pwned title\u2407" in ansi
    assert "\u241b]8;;https://evil.example/\u241b\\a hidden link" in ansi
    for name in ("controls.txt", "bidi.txt", "nul_bytes.txt", "zero_width.txt", "mixed.jsonl"):
        body = text_of(articles[name])
        assert not any(ord(c) < 32 and c not in "\n\t" for c in body), name
        assert not any(0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E for c in body), name
    assert "<U+202E>SEMIT YREVE" in text_of(articles["bidi.txt"])
    zero = text_of(articles["zero_width.txt"])
    assert "Zerowidth ferries and wordjoiner" in zero and "\u200d" in zero
    assert not any(0xE0000 <= ord(c) <= 0xE007F for c in zero)


def test_wide_scripts_and_emoji_are_untouched(loaded):
    _, _, articles, *_ = loaded
    cjk = text_of(articles["cjk_hangul.txt"])
    for line in CJK.split("\n\n"):
        assert line in cjk
    assert EMOJI in text_of(articles["emoji.txt"])


def test_encodings_are_decoded_to_the_right_characters(loaded):
    _, _, articles, *_ = loaded
    plain = text_of(articles["plain.txt"])
    for name in (
        "utf8_bom.txt",
        "utf16le_bom.txt",
        "utf32_bom.txt",
        "utf16le_nobom.txt",
        "crlf.txt",
    ):
        assert text_of(articles[name]).startswith(plain), name
    assert (
        "\u201cnot tonight\u201d \u2014 it\u2019s the crews\u2019 call. Caf\u00e9 fares: \u20ac2."
        in text_of(articles["cp1252_quotes.txt"])
    )
    assert "Паромы будут отправляться" in text_of(articles["cp1251_cyrillic.txt"])
    assert "Паромы будут отправляться" in text_of(articles["html_charset.html"])
    assert "naïve résumé" in text_of(articles["invalid_utf8.txt"])
    assert "Café night ferries" in text_of(articles["latin1_feed.rss"])
    assert "ferries" in text_of(articles["nul_bytes.txt"])


def test_feeds_never_expand_entities(loaded):
    _, _, articles, *_ = loaded
    assert "TOP-SECRET" not in text_of(articles["xxe.rss"])
    assert len(text_of(articles["billion_laughs.xml"])) < 10_000


def test_hostile_file_names_load(loaded):
    _, expected, articles, *_ = loaded
    odd = [n for n in expected if "\x1b" in n or "\udce9" in n]
    assert odd and all(articles[n] for n in odd)
