"""Sentence splitting: the cases news copy throws at a splitter (invented text)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.model import Article
from index.sentences import TITLE_PARAGRAPH, split_sentences, split_text


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_text(text)]


def test_dotted_acronyms_do_not_end_sentences():
    text = "The U.S. and N.K. envoys met in Geneva. They spoke for an hour."
    assert sentences(text) == ["The U.S. and N.K. envoys met in Geneva.", "They spoke for an hour."]


def test_middle_initials_and_abbreviated_countries():
    text = "Defense Secretary Lloyd J. Austin flew to S. Korea on Friday. He met troops there."
    assert sentences(text) == [
        "Defense Secretary Lloyd J. Austin flew to S. Korea on Friday.",
        "He met troops there.",
    ]


def test_acronym_at_the_end_of_a_sentence_before_an_opener():
    text = "New tariffs were announced by the U.S. The move surprised Ottawa."
    assert sentences(text) == [
        "New tariffs were announced by the U.S.",
        "The move surprised Ottawa.",
    ]


def test_titles_months_and_decimals():
    text = (
        "Gen. Ortiz said growth of 3.5 percent was due by Jan. 5 at the latest. Sen. Ruiz agreed."
    )
    assert sentences(text) == [
        "Gen. Ortiz said growth of 3.5 percent was due by Jan. 5 at the latest.",
        "Sen. Ruiz agreed.",
    ]


def test_quotes_that_close_after_the_full_stop():
    straight = 'It was "a big step for peace." Officials then left.'
    curly = "She called it “a big step for peace.” Officials then left."
    assert sentences(straight) == ['It was "a big step for peace."', "Officials then left."]
    assert sentences(curly) == ["She called it “a big step for peace.”", "Officials then left."]


def test_quote_followed_by_attribution_stays_one_sentence():
    text = '"We will build the bridge," the mayor said. Work starts in May.'
    assert sentences(text) == ['"We will build the bridge," the mayor said.', "Work starts in May."]


def test_question_and_exclamation_marks():
    assert sentences("Who knew? Nobody did! The end.") == ["Who knew?", "Nobody did!", "The end."]


def test_article_sentences_carry_paragraph_and_offsets():
    article = Article(
        id="x",
        path="x.txt",
        title="  Bridge opens in Lisbon ",
        paragraphs=("The bridge opened. Crowds cheered.", "Traffic was light."),
    )
    out = split_sentences(article)
    assert [s.text for s in out] == [
        "Bridge opens in Lisbon",
        "The bridge opened.",
        "Crowds cheered.",
        "Traffic was light.",
    ]
    assert out[0].paragraph == TITLE_PARAGRAPH
    for s in out[1:]:
        assert article.paragraphs[s.paragraph][s.start : s.end] == s.text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Mr.", "U.S.", "J.", "said", "“Yes.”", "3.5", "Why?", "The", "end.", "x"]),
        max_size=30,
    )
)
def test_spans_are_ordered_disjoint_and_cover_all_text(words):
    text = " ".join(words)
    spans = split_text(text)
    covered = "".join(text[s:e] for s, e in spans).replace(" ", "")
    assert covered == text.replace(" ", "")
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False))
