"""Sentence alignment: what a reader comparing two reports would notice.

The articles below are invented: two outlets reporting one (fictional) event with
different wording, quote marks and extra material on each side.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.align import ONLY_A, ONLY_B, SAME_QUOTE, SHARED, compare, word_diff
from index.align_score import match_sentence, normalise_words, score_gold
from index.model import Article, Mention
from index.quotes import find_quotes, quote_similarity

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"

A = Article(
    id="a",
    path="a.txt",
    title="Velmora and Ostrand agree to build cross-border rail tunnel",
    outlet="Northern Ledger",
    date="2031-04-12",
    paragraphs=(
        "Velmora and Ostrand on Tuesday agreed to build a rail tunnel under the Karst "
        "mountains, with construction starting before the end of 2032.",
        'Transport minister Ilse Varga said the tunnel "will cut the journey between the '
        'two capitals to ninety minutes," calling it a historic day.',
        "The project is expected to cost 4.2 billion euros, shared equally by both governments.",
        "Environmental groups in Ostrand have threatened legal action over the mountain route.",
    ),
)
B = Article(
    id="b",
    path="b.txt",
    title="Rail tunnel deal signed by Ostrand and Velmora",
    outlet="Evening Courier",
    date="2031-04-12",
    paragraphs=(
        "A tunnel beneath the Karst range will link Ostrand and Velmora by rail, the two "
        "governments announced on Tuesday, and work will begin before the end of 2032.",
        "Varga told reporters the line “will cut the trip between both capitals to 90 minutes.”",
        "The two countries will split the 4.2 billion euro bill equally.",
        "Last winter, heavy snow closed the only mountain road for six weeks.",
    ),
)


@pytest.fixture(scope="module")
def comparison():
    return compare(A, B)


def text_pairs(c):
    return {
        (c.sentences_a[p.a_idx].text[:25], c.sentences_b[p.b_idx].text[:25]): p for p in c.pairs
    }


def test_paraphrased_facts_are_aligned(comparison):
    pairs = text_pairs(comparison)
    assert ("Velmora and Ostrand on Tu", "A tunnel beneath the Kars") in pairs
    assert ("The project is expected t", "The two countries will sp") in pairs
    assert ("Velmora and Ostrand agree", "Rail tunnel deal signed b") in pairs  # headlines


def test_same_quote_with_other_marks_and_wording(comparison):
    pairs = text_pairs(comparison)
    quote = pairs[("Transport minister Ilse V", "Varga told reporters the ")]
    assert quote.kind == SAME_QUOTE


def test_unique_sentences_are_left_alone(comparison):
    only_a = [comparison.sentences_a[i].text for i in comparison.only_a]
    only_b = [comparison.sentences_b[j].text for j in comparison.only_b]
    assert only_a == [A.paragraphs[3]]
    assert only_b == [B.paragraphs[3]]
    assert comparison.summary() == "4 shared, 1 only in A, 1 only in B"


def test_rows_show_every_sentence_once_in_a_order(comparison):
    rows = comparison.rows
    shown_a = [r.a for r in rows if r.a is not None]
    shown_b = [r.b for r in rows if r.b is not None]
    assert shown_a == list(range(len(comparison.sentences_a)))
    assert sorted(shown_b) == list(range(len(comparison.sentences_b)))
    for r in rows:
        if r.kind == SHARED and r.a is not None and r.b is not None:
            p = comparison.pairs[r.pair]
            assert (p.a_idx, p.b_idx) == (r.a, r.b)
        if r.kind == ONLY_A:
            assert r.b is None and r.a in comparison.only_a
        if r.kind == ONLY_B:
            assert r.a is None and r.b in comparison.only_b


def test_b_only_sentence_sits_after_its_predecessor(comparison):
    rows = comparison.rows
    pos = {r.b: k for k, r in enumerate(rows) if r.b is not None}
    last = len(comparison.sentences_b) - 1
    assert pos[last] == pos[last - 1] + 1


def test_swap_exchanges_sides(comparison):
    swapped = comparison.swapped()
    assert swapped.a is B and swapped.b is A
    assert swapped.only_a == comparison.only_b
    assert {(p.b_idx, p.a_idx) for p in swapped.pairs} == {
        (p.a_idx, p.b_idx) for p in comparison.pairs
    }
    assert [r.a for r in swapped.rows if r.a is not None] == list(range(len(B.paragraphs) + 1))


def test_word_diff_marks_shared_and_changed_words():
    a = "The tunnel will cut the journey to ninety minutes."
    b = "The tunnel will cut the trip to ninety minutes."
    diff = word_diff(a, b)
    changed_a = [a[s.start : s.end] for s in diff.a if s.kind == "changed"]
    changed_b = [b[s.start : s.end] for s in diff.b if s.kind == "changed"]
    assert changed_a == ["journey"] and changed_b == ["trip"]
    assert "".join(a[s.start : s.end] for s in diff.a if s.kind == "same").startswith("The tunnel")


def test_quotes_found_with_any_marks():
    text = (
        "He said \"we go now\" and ‘they stay here’ while “all of us wait”; Korea’s 'threats' too."
    )
    found = [q.text for q in find_quotes(text)]
    assert found == ["we go now", "they stay here", "all of us wait"]
    assert (
        quote_similarity("will cut the journey to ninety minutes", "cut journeys to ninety minutes")
        > 0.6
    )
    assert quote_similarity("peace and prosperity", "war and famine") == 0.0


def test_quote_marks_and_entities_are_exposed_per_sentence(comparison):
    k = next(i for i, s in enumerate(comparison.sentences_a) if s.text.startswith("Transport"))
    quoted = [
        comparison.sentences_a[k].text[m.start : m.end]
        for m in comparison.marks_a[k]
        if m.kind == "quote"
    ]
    assert quoted == ["will cut the journey between the two capitals to ninety minutes,"]


def test_idf_callable_is_used_and_a_failing_one_is_survived():
    calls = []

    def idf(word: str) -> float:
        calls.append(word)
        return 5.0

    c = compare(A, B, idf=idf)
    assert calls and c.pairs

    def broken(word: str) -> float:
        raise RuntimeError("index closed")

    assert compare(A, B, idf=broken).summary() == compare(A, B).summary()


def test_empty_and_one_sided_articles():
    empty = Article(id="e", path="e.txt", title="", paragraphs=())
    c = compare(empty, A)
    assert c.pairs == [] and c.only_a == [] and len(c.only_b) == len(c.sentences_b)
    assert c.summary() == f"0 shared, 0 only in A, {len(c.sentences_b)} only in B"


def test_json_export_round_trips(comparison):
    data = json.loads(json.dumps(comparison.to_dict()))
    assert data["summary"] == comparison.summary()
    assert len(data["rows"]) == len(comparison.rows)


@pytest.mark.skipif(
    not (SHARED_DIR / "gold" / "alignment.json").exists(), reason="shared data missing"
)
def test_gold_seed_pairs_score():
    """Regression floor on the hand-made gold (see benchmarks/align_bench.py for the table)."""
    from index.pipeline import load_file

    gold = json.loads((SHARED_DIR / "gold" / "alignment.json").read_text(encoding="utf-8"))
    score = score_gold(
        gold, lambda name: load_file(SHARED_DIR / "corpus" / "seeds" / name)[0], compare
    )
    assert score.unique_recall >= 0.95
    assert round(score.f1, 3) >= 0.80  # 30 of 40 found, 35 predicted: exactly 0.80
    assert score.precision >= 0.84
    assert score.recall >= 0.75


def _mention(article: Article, para: int, text: str, type_: str, entity_id: str) -> Mention:
    start = article.paragraphs[para].index(text)
    return Mention(para, start, start + len(text), text, type_, entity_id, text)


def test_place_aliases_and_demonyms_meet_through_the_recogniser():
    a = Article(
        id="pa",
        path="pa.txt",
        title="",
        paragraphs=(
            "Karsk condemned the toll increase at the border crossing on Friday.",
            "Snow closed three mountain passes.",
        ),
    )
    b = Article(
        id="pb",
        path="pb.txt",
        title="",
        paragraphs=(
            "Velmoran officials condemned the toll increase at the crossing.",
            "A ferry line opened in the south.",
        ),
    )
    ma = [_mention(a, 0, "Karsk", "GPE", "gpe:velmora")]  # capital standing for the country
    mb = [_mention(b, 0, "Velmoran", "NORP", "norp:velmoran")]
    c = compare(a, b, mentions_a=ma, mentions_b=mb)
    pair = next(p for p in c.pairs if (p.a_idx, p.b_idx) == (0, 0))
    assert "Karsk" in pair.shared_terms  # the alias itself carried part of the match
    assert c.only_a == [1] and c.only_b == [1]


def test_gold_sentence_matches_the_closest_of_ours_or_its_split_pieces():
    ours = [
        normalise_words(t)
        for t in (
            "On Monday, minister Ilse Varga and envoy Bruno Lind posed for a photo in Karsk.",
            "On Monday, the ministry said minister Ilse Varga met envoy Bruno Lind in Karsk.",
            "The talks lasted an hour and covered the tunnel toll",
            "and the ferry timetable for the winter.",
        )
    ]
    gold = "On Monday, the ministry said minister Ilse Varga met envoy Bruno Lind in Karsk."
    assert match_sentence(ours, normalise_words(gold)) == {1}  # not the look-alike caption
    split = "The talks lasted an hour and covered the tunnel toll and the ferry timetable for the winter."
    assert match_sentence(ours, normalise_words(split)) == {2, 3}


WORDS = [
    "Idris",
    "said",
    "the",
    "U.S.",
    "harbour",
    "“closed”",
    '"we',
    'go"',
    "40",
    "per",
    "cent",
    "Mr.",
    "—",
    "?",
    "Lind.",
    "[b]",
    "\u202e",
    "ferry",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join), max_size=6),
    st.lists(st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join), max_size=6),
)
def test_any_text_aligns_without_error_and_rows_cover_every_sentence(paras_a, paras_b):
    a = Article(id="x", path="x.txt", title=" ".join(paras_a[:1])[:40], paragraphs=tuple(paras_a))
    b = Article(id="y", path="y.txt", title="", paragraphs=tuple(paras_b))
    c = compare(a, b, mentions_a=[], mentions_b=[])
    assert [r.a for r in c.rows if r.a is not None] == list(range(len(c.sentences_a)))
    assert sorted(r.b for r in c.rows if r.b is not None) == list(range(len(c.sentences_b)))
    for p in c.pairs:
        assert 0 <= p.score and p.kind in ("same_quote", "same_fact", "partial")


def _article(id_: str, title: str, paras: list[str], date: str | None = None) -> Article:
    return Article(id=id_, path=id_ + ".txt", title=title, paragraphs=tuple(paras), date=date)


def test_a_loose_paraphrase_between_two_clear_matches_is_aligned():
    """Outlets retelling one statement keep its order: the middle sentences share only
    two words, but sit between two aligned pairs."""
    a = _article(
        "ca",
        "",
        [
            "The Velmoran cabinet approved the tunnel budget of 4.2 billion euros on Tuesday.",
            "Ministers expect the first passenger trains to run through the tunnel within "
            "five years of construction.",
            "Transport minister Ilse Varga will present the timetable to parliament in Karsk "
            "next week.",
        ],
    )
    b = _article(
        "cb",
        "",
        [
            "On Tuesday the cabinet in Velmora signed off the 4.2 billion euro tunnel budget.",
            "Officials hope passenger services through the mountain tunnel will begin soon "
            "after the builders finish.",
            "Varga is due to present the timetable to the Karsk parliament next week.",
        ],
    )
    c = compare(a, b, mentions_a=[], mentions_b=[])
    assert {(p.a_idx, p.b_idx) for p in c.pairs} == {(0, 0), (1, 1), (2, 2)}
    assert c.only_a == [] and c.only_b == []


def test_relative_years_meet_the_year_they_name():
    body_a = ["Karsk says the toll bridge will reopen to lorries by the end of the year."]
    body_b = ["The toll bridge at Karsk reopens to lorries in 2031, the operator said."]
    dated = compare(
        _article("ya", "", body_a, "2031-03-02"),
        _article("yb", "", body_b),
        mentions_a=[],
        mentions_b=[],
    )
    (pair,) = dated.pairs
    assert "end of the year" in pair.shared_terms  # the undated side is read in A's year
    undated = compare(
        _article("ya", "", body_a), _article("yb", "", body_b), mentions_a=[], mentions_b=[]
    )
    assert undated.pairs[0].score < pair.score
    wrong_year = compare(
        _article("ya", "", body_a, "2029-03-02"),
        _article("yb", "", body_b, "2031-05-01"),
        mentions_a=[],
        mentions_b=[],
    )
    assert "end of the year" not in wrong_year.pairs[0].shared_terms
    last = compare(
        _article(
            "la", "", ["Freight through the Karsk tunnel fell sharply last year."], "2032-01-10"
        ),
        _article("lb", "", ["In 2031 freight through the Karsk tunnel fell sharply."]),
        mentions_a=[],
        mentions_b=[],
    )
    assert "last year" in last.pairs[0].shared_terms


def test_photo_captions_are_left_unaligned():
    a = _article(
        "pa",
        "",
        [
            "Ilse Varga (left) and Bruno Lind (right) shake hands in Karsk on Monday.",
            "Ilse Varga met Bruno Lind in Karsk on Monday to settle the tunnel toll.",
        ],
    )
    b = _article(
        "pb",
        "",
        ["Varga and Lind met in Karsk on Monday and settled the toll for the tunnel."],
    )
    c = compare(a, b, mentions_a=[], mentions_b=[])
    assert {(p.a_idx, p.b_idx) for p in c.pairs} == {(1, 0)}
    assert c.only_a == [0]


def test_matching_headlines_link_only_to_each_other():
    """A's lead repeats the headlines' fact; it is aligned with B's lead, not with B's
    headline as well, so the headline row does not swallow the lead's fact."""
    a = _article(
        "ha",
        "Velmora and Ostrand agree rail tunnel deal",
        [
            "Velmora and Ostrand agreed on Tuesday to build a rail tunnel under the Karst "
            "mountains.",
            "Snow closed three mountain passes last winter.",
        ],
    )
    b = _article(
        "hb",
        "Velmora, Ostrand agree to build rail tunnel under Karst mountains",
        [
            "The two governments signed the tunnel accord in Karsk on Tuesday, ending years "
            "of talks.",
            "A ferry line opened in the south.",
        ],
    )
    c = compare(a, b, mentions_a=[], mentions_b=[])
    pairs = {(p.a_idx, p.b_idx) for p in c.pairs}
    assert pairs == {(0, 0), (1, 1)}


def test_a_deck_links_to_the_other_headline_not_to_its_body():
    """A deck ("To open the line by 2035") restates a fact its own body reports in
    full; the other article's body sentence aligns with that body sentence, not the deck."""
    a = _article(
        "da",
        "Ostrand and Velmora sign Karst rail tunnel accord",
        [
            "To open the Karst line to passengers by 2035",
            "Ostrand and Velmora signed the Karst tunnel accord in Karsk on Tuesday.",
            "The first passenger trains will run through the Karst tunnel by 2035, the "
            "ministers said.",
        ],
    )
    b = _article(
        "db",
        "Rail tunnel under the Karst agreed",
        [
            "Passenger trains are to run through the Karst tunnel by 2035, officials said.",
            "Snow closed three mountain passes last winter.",
        ],
    )
    c = compare(a, b, mentions_a=[], mentions_b=[])
    pairs = {(p.a_idx, p.b_idx) for p in c.pairs}
    assert (3, 1) in pairs  # body to body
    assert not any(i == 1 and j > 0 for i, j in pairs)  # the deck takes no body sentence
    assert 1 in c.only_a or (1, 0) in pairs


def test_one_phrase_quoted_by_two_different_speakers_is_not_the_same_quote():
    a = _article(
        "qa",
        "",
        [
            'Velmora has pledged to reopen the pass "as soon as possible," officials in '
            "Karsk said.",
            "Snow closed three mountain passes last winter.",
        ],
    )
    b = _article(
        "qb",
        "",
        [
            "Bruno Lind told reporters the ferry line would be rebuilt “as soon as possible.”",
            "A ferry line opened in the south.",
        ],
    )
    same = _article(
        "qc",
        "",
        ["Velmora will reopen the pass “as soon as possible,” Karsk officials said."],
    )
    assert not any(p.kind == SAME_QUOTE for p in compare(a, b, mentions_a=[], mentions_b=[]).pairs)
    kinds = {
        (p.a_idx, p.b_idx): p.kind for p in compare(a, same, mentions_a=[], mentions_b=[]).pairs
    }
    assert kinds.get((0, 0)) == SAME_QUOTE


def test_two_long_sentences_sharing_what_no_other_sentence_names_are_aligned():
    """Two sentences that alone in their articles name a strait and its "importance"
    report the same thing, though each carries much the other lacks (one-to-one
    anchors); neither has an aligned neighbour to lean on."""
    a = _article(
        "aa",
        "",
        [
            "Velmora and Ostrand signed the tunnel accord in Karsk on Tuesday.",
            "Snow closed three mountain passes last winter, stranding hundreds of lorries.",
            "Apart from the tunnel, the ministers also reaffirmed the importance of "
            "navigation rights in the Lindholm Strait, where fishing fleets and naval "
            "patrols have clashed repeatedly this spring, and rejected any unilateral "
            "attempt to close shipping lanes by coercion or blockade.",
        ],
    )
    b = _article(
        "ab",
        "",
        [
            "Velmora and Ostrand signed the tunnel accord in Karsk on Tuesday, officials said.",
            "A ferry line opened in the south.",
            "Freight volumes on the old coast road fell sharply.",
            "Concerning the Lindholm Strait, they emphasised the importance of free passage "
            "under maritime law, including overflight, cable laying and other legitimate uses "
            "of the oceans agreed in conventions signed decades ago, and the right of ports "
            "to levy harbour dues on tankers.",
        ],
    )
    c = compare(a, b, mentions_a=[], mentions_b=[])
    assert {(p.a_idx, p.b_idx) for p in c.pairs} == {(0, 0), (2, 3)}
