"""General cleaning behaviour on invented articles (no third-party text)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.clean import article_id_for, clean
from index.model import RawDocument

BODY = [
    "The harbour authority in Port Velan said on Tuesday that the new ferry terminal would "
    "open in the spring, after two years of delays caused by flooding and a dispute over steel.",
    "Engineers told the council that the terminal's floating pontoons had passed their final "
    "load tests, and that the ticket hall needed only its glass roof.",
    "Residents have complained about the noise of pile drivers since the works began, and "
    "the council promised a quieter schedule for the last weeks of construction.",
    "The ferry operator expects the terminal to double the number of crossings to the islands "
    "and to cut waiting times for freight lorries by half.",
]
TITLE = "Port Velan ferry terminal to open in spring after flooding delays"


def doc(text: str, **kw) -> RawDocument:
    kw.setdefault("format", "txt")
    return RawDocument(path=kw.pop("path", "a.txt"), text=text, **kw)


def page(*lines: str, sep: str = "\n\n") -> str:
    return sep.join(lines)


def test_site_chrome_above_the_headline_is_dropped():
    text = page("Coastal Daily Voice", "Latest Headlines", TITLE, *BODY)
    article = clean(doc(text))
    assert article.title == TITLE
    assert article.paragraphs == tuple(BODY)


def test_headline_is_the_first_line_when_there_is_no_chrome():
    article = clean(doc(page(TITLE, *BODY, sep="\n")))
    assert article.title == TITLE
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    "chrome",
    [
        "- Advertisement -",
        "ADVERTISEMENT",
        "Story continues below advertisement",
        "Read more: Island bus routes to change next month",
        "READ MORE: Ferry prices rise again",
        "SEE ALSO:",
        "Related: Harbour dredging finished",
        "Leave a Comment",
        "Leave a reply",
        "Share this article",
        "Follow us on Twitter and Facebook",
        "Home | News | Local | Transport",
        "File",
        "Attachments",
        "Scroll down for video",
        "We use cookies to give you the best experience on our website. By continuing you agree "
        "to our cookie policy. Accept",
        "\u00a0",
        "  \u00a0 ",
        "•",
    ],
)
def test_chrome_lines_are_dropped(chrome):
    article = clean(doc(page(TITLE, BODY[0], chrome, *BODY[1:])))
    assert article.paragraphs == tuple(BODY)


def test_an_article_about_cookies_keeps_its_paragraphs():
    para = (
        "Regulators said the browser maker must stop third-party cookies that track shoppers "
        "across sites, citing privacy complaints from consumer groups."
    )
    article = clean(doc(page(TITLE, para, *BODY)))
    assert para in article.paragraphs


def test_truncated_copy_of_the_headline_is_dropped_but_not_similar_sentences():
    truncated = TITLE[:30] + "\u00a0"
    sentence = "Port Velan ferry terminal staff were hired last month from nearby towns."
    article = clean(doc(page(TITLE, truncated, BODY[0], sentence, *BODY[1:])))
    assert all(not p.startswith(TITLE[:30]) or p == sentence for p in article.paragraphs)
    assert sentence in article.paragraphs


def test_standfirst_printed_twice_keeps_the_later_copy():
    standfirst = "The opening ends a saga that has cost the port more than it earned in a decade."
    text = page(TITLE, standfirst, BODY[0], BODY[1], standfirst, BODY[2], sep="\n")
    article = clean(doc(text))
    assert article.paragraphs.count(standfirst) == 1
    assert article.paragraphs.index(standfirst) == 2


def test_repeated_paragraph_in_the_body_keeps_the_first_copy():
    text = page(TITLE, BODY[0], BODY[1], BODY[2], BODY[1], BODY[3])
    article = clean(doc(text))
    assert article.paragraphs == tuple(BODY)


def test_decks_and_crossheads_are_subheadings_and_stay_in_place():
    deck = "Pontoons pass final load tests at the new Port Velan terminal"
    crosshead = "Quieter pile drivers"
    text = page(TITLE, deck, BODY[0], BODY[1], crosshead, BODY[2], BODY[3])
    article = clean(doc(text))
    assert article.subheadings == (deck, crosshead)
    assert article.paragraphs == (deck, BODY[0], BODY[1], crosshead, BODY[2], BODY[3])


def test_dateline_with_agency_gives_dateline_and_outlet():
    lead = "PORT VELAN (Islands Press): " + BODY[0]
    article = clean(doc(page(TITLE, lead, *BODY[1:])))
    assert article.dateline == "PORT VELAN (Islands Press)"
    assert article.outlet == "Islands Press"
    assert article.paragraphs[0] == lead  # the dateline stays part of the lead


def test_dateline_without_agency_names_no_outlet():
    article = clean(doc(page(TITLE, "MARENTA - " + BODY[0], *BODY[1:])))
    assert article.dateline == "MARENTA"
    assert article.outlet is None


@pytest.mark.parametrize("label", ["UPDATE: ", "BREAKING - "])
def test_labels_are_not_datelines(label):
    article = clean(doc(page(TITLE, label + BODY[0], *BODY[1:])))
    assert article.dateline is None


def test_byline_and_copyright_move_to_metadata():
    text = page(
        TITLE,
        *BODY,
        "By Ana Ribeiro-Solt <ana@velan-news.example >\u00a0",
        "<Copyright © Velan Harbour Gazette, All rights reserved>\u00a0",
        "File",
        "  • (Terminal plan, second draft)",
    )
    article = clean(doc(text))
    assert article.byline == "Ana Ribeiro-Solt <ana@velan-news.example >"
    assert article.copyright == "<Copyright © Velan Harbour Gazette, All rights reserved>"
    assert article.outlet == "Velan Harbour Gazette"
    assert article.paragraphs == tuple(BODY)


def test_a_sentence_starting_with_by_is_not_a_byline():
    sentence = "By Friday, the council had approved the quieter schedule for the works."
    article = clean(doc(page(TITLE, BODY[0], sentence, *BODY[1:])))
    assert sentence in article.paragraphs
    assert article.byline is None


def test_photo_credit_is_not_a_copyright_notice():
    article = clean(doc(page(TITLE, *BODY, "© Mira Tal/Harbour Photos")))
    assert article.copyright is None
    assert article.outlet is None


def test_structured_metadata_wins():
    raw = doc(
        page(TITLE, "SOMEWHERE (Wire Service): " + BODY[0], *BODY[1:]),
        format="json",
        title="Given headline",
        outlet="Given Outlet",
        date="2020-02-02",
        url="https://example.org/a",
    )
    article = clean(raw)
    assert (article.title, article.outlet, article.date, article.url) == (
        "Given headline",
        "Given Outlet",
        "2020-02-02",
        "https://example.org/a",
    )
    assert article.dateline == "SOMEWHERE (Wire Service)"


def test_structured_title_repeated_in_the_body_is_not_shown_twice():
    article = clean(doc(page(TITLE, *BODY), format="json", title=TITLE))
    assert article.paragraphs == tuple(BODY)


def wrap(para: str, width: int = 60) -> str:
    """Hard-wrap a paragraph the way a plain-text editor would."""
    line, lines = "", []
    for w in para.split():
        if line and len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)


def test_hard_wrapped_text_is_joined_into_paragraphs():
    article = clean(doc(TITLE + "\n\n" + "\n\n".join(wrap(p) for p in BODY)))
    assert article.paragraphs == tuple(BODY)


def test_hyphen_ending_a_wrapped_line_is_resolved():
    lead = (
        "The harbour authority said the terminal's construc-\n"
        "tion ran late because the long-\nterm weather forecast was wrong, and the council\n"
        "agreed to pay the extra costs of the delay in full."
    )
    article = clean(doc(f"{TITLE}\n\n{lead}\n\n" + "\n\n".join(wrap(p) for p in BODY)))
    assert "construction ran late" in article.paragraphs[0]
    assert "long-term weather" in article.paragraphs[0]


def test_caption_above_its_paragraph_is_not_joined_to_it():
    caption = "The new pontoons at dawn"
    text = TITLE + "\n\n" + "\n\n".join(BODY[:2]) + f"\n\n{caption}\n{BODY[2]}\n\n{BODY[3]}"
    article = clean(doc(text))
    assert caption in article.paragraphs and BODY[2] in article.paragraphs


def test_markdown_headings_and_links():
    text = (
        f"# {TITLE}\n\n{BODY[0]}\n\n## Noise complaints\n\n"
        f"{BODY[1]} See [the council notice](https://example.org/n).\n\n{BODY[2]}"
    )
    article = clean(doc(text, format="md", path="a.md"))
    assert article.title == TITLE
    assert "Noise complaints" in article.subheadings
    assert article.paragraphs[2].endswith("See the council notice.")


def test_control_characters_never_reach_the_output_but_raw_is_kept():
    text = page(TITLE + "\x1b[2J", BODY[0] + "\x07\u202e", *BODY[1:])
    article = clean(doc(text))
    shown = article.title + "".join(article.paragraphs)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert article.raw == text


def test_typesetting_hyphens_in_invented_text_are_joined():
    para = (
        "The harbour mas-ter said the govern-ment would pay for the ter-minal, "
        "while the well-known long-term plan stays on the table."
    )
    article = clean(doc(page(TITLE, para, *BODY)))
    fixed = article.paragraphs[0]
    assert "master" in fixed and "government" in fixed and "terminal" in fixed
    assert "well-known" in fixed and "long-term" in fixed


def test_title_less_body_gets_its_opening_as_title():
    article = clean(doc("\n\n".join(BODY), format="jsonl"))
    assert article.paragraphs == tuple(BODY)
    assert article.title and BODY[0].startswith(article.title.rstrip(" …"))


def test_id_is_stable_and_depends_on_record():
    a = doc("x", path="f.jsonl", source_id="1")
    b = doc("x", path="f.jsonl", source_id="2")
    assert article_id_for(a) == article_id_for(a)
    assert article_id_for(a) != article_id_for(b)
    assert clean(a, article_id="fixed").id == "fixed"


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "\u00a0\n\u00a0",
        "x",
        "-",
        "• • •",
        "a-b c-d e-f",
        "\x00\x01\x02\x1b[31m",
        "Title\n\nTitle",
        "word " * 200_000,
        "a" * 1_000_000,
        "-" * 100_000,
        "Monday, June 2 " * 10_000,
        "By " + "A " * 1000,
        "<Copyright " + "x" * 10_000,
        "HEADLINE (" + "(" * 10_000,
    ],
    ids=lambda t: f"{len(t)}-chars",
)
def test_never_crashes_on_odd_input(text):
    article = clean(doc(text))
    assert isinstance(article.title, str)
    assert all(p for p in article.paragraphs)


def test_never_crashes_on_random_junk():
    rng = random.Random(7)
    alphabet = "ab -–\u00a0\n.,:()<>©•'\"\x00\x1b\u200bÉ1"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400)))
        clean(doc(text))


def _render(article) -> str:
    return article.title + "\n\n" + article.body if article.title else article.body


@pytest.mark.parametrize(
    "text",
    [
        page("Coastal Daily Voice", TITLE, *BODY),
        page(TITLE, *BODY, sep="\n"),
        "\n\n".join(BODY),
        BODY[0],
        "Short note",
        page(TITLE, "Deck line about the new ferry terminal pontoons", *BODY),
    ],
)
def test_cleaning_is_stable(text):
    first = clean(doc(text))
    again = clean(doc(_render(first)))
    assert (again.title, again.paragraphs) == (first.title, first.paragraphs)


BASIL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "basil"


@pytest.mark.skipif(not BASIL.exists(), reason="shared corpus not available")
def test_cleaning_is_stable_on_real_articles():
    for path in sorted(BASIL.glob("*.json"))[:60]:
        rec = json.loads(path.read_text(encoding="utf-8"))
        first = clean(doc(rec["text"], format="json", title=rec["title"]))
        again = clean(doc(first.body, format="json", title=first.title))
        assert again.paragraphs == first.paragraphs, path.name


_TOKENS = (
    "the harbour Velan ferry said on Saturday, June 3, 2023 - By Read more: Copyright © "
    "<Copyright ⓒ All rights reserved> cookies we accept File • gov- ernment long-term "
    "Sou-th (AP) PORT — : \u00a0 Advertisement Leave a Comment news zone ” “ . # ** "
    "[link](http://x) ministers agreed \x1b[2J \u202e \u00ad | » SEE ALSO: <a@b.example >"
).split(" ")


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    lines=st.lists(
        st.lists(st.sampled_from(_TOKENS), max_size=40).map(" ".join) | st.text(max_size=80),
        max_size=16,
    ),
    sep=st.sampled_from(["\n", "\n\n", "\r\n", "\n\u00a0\n"]),
    fmt=st.sampled_from(["txt", "md"]),
)
# a Markdown heading that reads as a sentence: as a title it would come back unmarked
# from the article's own output, as running text
@example(lines=["# the the the the the the the the the the the more:", "the"], sep="\n", fmt="md")
# a headline pushed out of the first lines by repeated junk that cleaning then drops
@example(
    lines=["0"] * 4 + ["0\r0"] * 2 + ["the", "the", "the harbour", "harbour"], sep="\n", fmt="txt"
)
def test_cleaning_is_stable_on_generated_pages(lines, sep, fmt):
    text = sep.join(lines)
    first = clean(doc(text, format=fmt))
    assert first.raw == text
    assert all(p and p == p.strip() and "\n" not in p and "\x1b" not in p for p in first.paragraphs)
    again = clean(doc(_render(first), format=fmt))
    assert (again.title, again.paragraphs) == (first.title, first.paragraphs)
