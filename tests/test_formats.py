"""Each article format, with invented sample files: what a user gets out of them."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from index.formats.isodate import iso_date
from index.load import LoadError, read_documents, read_file
from index.pipeline import load_file

PARAS = (
    "The river authority opened the new flood gates at Wendle Weir on Monday morning.",
    "Engineers said the gates could hold back a metre more water than the old ones.",
    "Farmers downstream had asked for the work after three wet winters in a row.",
)


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def one(tmp_path: Path, name: str, data: str | bytes):
    docs = read_documents(write(tmp_path, name, data))
    assert len(docs) == 1
    return docs[0]


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p]


# --- plain text -------------------------------------------------------------------------


def test_txt_is_passed_through_for_cleaning(tmp_path):
    text = "Flood gates open\n\n" + "\n".join(PARAS) + "\n"
    doc = one(tmp_path, "a.txt", text)
    assert (doc.text, doc.format, doc.title, doc.source_id) == (text, "txt", None, None)
    assert doc.path == str((tmp_path / "a.txt").resolve())


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_syntax_is_stripped_and_title_comes_from_first_heading(tmp_path):
    md = (
        "# Flood gates *open* at [Wendle Weir][weir]\n\n"
        f"{PARAS[0]} See **the map** and `gate-7`,\nwhich was ~~late~~ ready.\n\n"
        "## What changes\n\n"
        f"- {PARAS[1]}\n- second [point](https://example.org/p)\n\n"
        f"> {PARAS[2]}\n\n"
        "| Gate | Height |\n|---|---|\n| North | 2 m |\n\n"
        "![a photo](photo.jpg)\n\n"
        "<div class='note'><p>An <b>HTML</b> block.</p><script>alert(1)</script></div>\n\n"
        "[weir]: https://example.org/weir\n"
    )
    doc = one(tmp_path, "gates.md", md)
    assert doc.format == "md"
    assert doc.title == "Flood gates open at Wendle Weir"
    assert paragraphs(doc.text) == [
        f"{PARAS[0]} See the map and gate-7, which was late ready.",
        "What changes",
        PARAS[1],
        "second point",
        PARAS[2],
        "Gate | Height",
        "North | 2 m",
        "An HTML block.",
    ]
    assert "https://" not in doc.text and "alert" not in doc.text


def test_markdown_front_matter_fills_metadata(tmp_path):
    md = (
        '---\ntitle: "Gates open"\ndate: 2023-11-02T09:00:00Z\nauthor: Ida Penhale\n'
        "source: https://news.example/gates\nsite: Valley News\n---\n\n# Heading\n\n" + PARAS[0]
    )
    doc = one(tmp_path, "fm.md", md)
    assert (doc.title, doc.date, doc.byline, doc.url, doc.outlet) == (
        "Gates open",
        "2023-11-02",
        "Ida Penhale",
        "https://news.example/gates",
        "Valley News",
    )
    assert paragraphs(doc.text) == ["Heading", PARAS[0]]


def test_markdown_setext_heading_and_no_heading(tmp_path):
    assert one(tmp_path, "s.md", "Gates open\n==========\n\n" + PARAS[0]).title == "Gates open"
    doc = one(tmp_path, "n.md", PARAS[0] + "\n\n" + PARAS[1])
    assert doc.title is None and paragraphs(doc.text) == list(PARAS[:2])


def test_markdown_keeps_rich_markup_as_literal_text(tmp_path):
    doc = one(tmp_path, "r.md", "# T\n\nWatch [bold red]this[/] and [link=x]that[/link].")
    assert doc.text == "Watch [bold red]this[/] and [link=x]that[/link]."


# --- HTML --------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html lang="en"><head>
<title>Flood gates open at Wendle Weir | Valley News</title>
<meta name="author" content="Ida Penhale">
<meta property="og:site_name" content="Valley News">
<meta property="article:published_time" content="2023-11-02T07:30:00+00:00">
<link rel="canonical" href="https://news.example/2023/11/gates">
<script>window.track = "SCRIPT-TEXT";</script><style>.x{{color:red}}</style></head>
<body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/weather">Weather</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article><h1>Flood gates open at Wendle Weir</h1>
<p>{}</p><p>{}</p><p>{}</p></article>
<aside><h3>Most read</h3><ul><li><a href="/a">Unrelated story one</a></li></ul></aside></main>
<footer><p>Copyright 2023 Valley News. Cookie settings.</p></footer></body></html>""".format(*PARAS)


def test_html_extracts_the_article_and_its_metadata(tmp_path):
    doc = one(tmp_path, "page.html", PAGE)
    assert doc.format == "html"
    assert doc.title == "Flood gates open at Wendle Weir"
    assert paragraphs(doc.text) == list(PARAS)  # no nav, aside, footer, script or repeated h1
    assert (doc.byline, doc.outlet, doc.date, doc.url) == (
        "Ida Penhale",
        "Valley News",
        "2023-11-02",
        "https://news.example/2023/11/gates",
    )


def test_short_html_falls_back_to_page_text(tmp_path):
    page = "<html><head><title>Gate note</title></head><body><nav>Home</nav><p>Gates open.</p></body></html>"
    doc = one(tmp_path, "short.htm", page)
    assert (doc.title, doc.text) == ("Gate note", "Gates open.")


@pytest.mark.parametrize(
    "page",
    [
        "<p>unclosed <b>bold <i>both" + PARAS[0],
        "<<<>>> <html <body>> " + PARAS[0] + " </div></div></span>",
        "<table><tr><td>" + PARAS[0] + "<td>" + PARAS[1],
        "<html><body>" + "<div>" * 1500 + PARAS[0] + "</div>" * 10 + "</body></html>",
        "\ufeff<?xml version='1.0'?><html><body><p>" + PARAS[0] + "</p></body></html>",
    ],
    ids=["unclosed", "stray-brackets", "table", "deep", "xml-prolog"],
)
def test_malformed_html_still_gives_its_text(tmp_path, page):
    doc = one(tmp_path, "bad.html", page)
    assert PARAS[0] in " ".join(doc.text.split())


def test_html_without_text_is_skipped(tmp_path):
    path = write(
        tmp_path,
        "chrome.html",
        "<html><body><nav><a href='/'>x</a></nav><script>1</script></body></html>",
    )
    with pytest.raises(LoadError, match="no article text found in the HTML page"):
        read_file(path)


def test_lxml_html_clean_works_with_installed_lxml():
    import lxml
    from lxml.html import fromstring, tostring
    from lxml.html.clean import Cleaner

    assert int(lxml.__version__.split(".")[0]) >= 5  # the split-out cleaner is needed
    cleaned = Cleaner(scripts=True, javascript=True).clean_html(
        fromstring("<div><p onclick='x()'>hi</p><script>bad()</script></div>")
    )
    assert tostring(cleaned) == b"<div><p>hi</p></div>"


# --- JSON --------------------------------------------------------------------------------


def test_json_object_with_all_fields(tmp_path):
    record = {
        "id": "vn-1",
        "title": "Gates open",
        "outlet": "Valley News",
        "date": "2023-11-02",
        "url": "https://news.example/gates",
        "text": "\n\n".join(PARAS),
    }
    doc = one(tmp_path, "a.json", json.dumps(record))
    assert (doc.source_id, doc.title, doc.outlet, doc.date, doc.url, doc.format) == (
        "vn-1",
        "Gates open",
        "Valley News",
        "2023-11-02",
        "https://news.example/gates",
        "json",
    )
    assert doc.text == record["text"]


def test_json_list_and_wrapper_and_field_aliases(tmp_path):
    records = [
        {"headline": "One", "body": PARAS[0], "published": "Thu, 02 Nov 2023 08:00:00 GMT"},
        {"Title": "Two", "content": [PARAS[1], PARAS[2]], "authors": ["A. Bell", "C. Dunn"],
         "source": {"id": None, "name": "Valley News"}, "link": "https://news.example/2"},
        "not an object",
    ]  # fmt: skip
    for name, data in (("l.json", records), ("w.json", {"status": "ok", "articles": records})):
        loaded = read_file(write(tmp_path, name, json.dumps(data)))
        first, second = loaded.documents
        assert (first.title, first.text, first.date, first.source_id) == (
            "One",
            PARAS[0],
            "2023-11-02",
            "1",
        )
        assert (second.title, second.byline, second.outlet, second.url) == (
            "Two",
            "A. Bell, C. Dunn",
            "Valley News",
            "https://news.example/2",
        )
        assert second.text == PARAS[1] + "\n\n" + PARAS[2]
        assert [s.reason for s in loaded.skipped] == ["item 3: a string, not an article object"]


def test_json_html_body_becomes_text(tmp_path):
    doc = one(
        tmp_path,
        "h.json",
        json.dumps({"text": "<p>" + PARAS[0] + "</p><p>" + PARAS[1] + "<br></p>"}),
    )
    assert paragraphs(doc.text) == list(PARAS[:2])


@pytest.mark.parametrize(
    "data, reason",
    [
        ("42", "JSON is a number, not an article object"),
        ("null", "JSON is null"),
        ("[]", "JSON list is empty"),
        (
            '["a", "b"]',
            "no usable article in the JSON list: item 1: a string, not an article object (and 1 more records)",
        ),
        ('{"title": "x"}', "no article text (expected a field: text, body, content)"),
        ('{"text": "  "}', "article text is empty"),
        (
            '{"text": "x",}',
            "invalid JSON at line 1, column 14: Expecting property name enclosed in double quotes",
        ),
    ],
)
def test_json_that_is_not_articles_is_skipped_with_reason(tmp_path, data, reason):
    result = load_file(write(tmp_path, "x.json", data))
    assert result.reason.startswith(reason)


def test_json_with_several_objects_is_read_as_lines(tmp_path):
    data = json.dumps({"text": PARAS[0]}) + "\n" + json.dumps({"text": PARAS[1]}) + "\n"
    assert [d.text for d in read_documents(write(tmp_path, "multi.json", data))] == list(PARAS[:2])


# --- JSON Lines ---------------------------------------------------------------------------


def test_jsonl_records_ids_blank_lines_and_crlf(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": PARAS[0]}),
        "",
        json.dumps({"id": "a", "text": PARAS[1]}),  # repeated id stays distinct
        json.dumps({"text": "line\u2028separator inside a string"}, ensure_ascii=False),
    ]
    docs = read_documents(write(tmp_path, "b.jsonl", "\r\n".join(lines) + "\r\n"))
    assert [d.source_id for d in docs] == ["a", "a@3", "4"]
    assert docs[2].text == "line\nseparator inside a string"
    assert all(d.format == "jsonl" for d in docs)


def test_jsonl_truncated_line_skips_only_that_record(tmp_path):
    text = "\n".join(json.dumps({"id": i, "text": p}) for i, p in enumerate(PARAS))
    loaded = read_file(write(tmp_path, "t.jsonl", text[:-25]))
    assert [d.text for d in loaded.documents] == list(PARAS[:2])
    (skip,) = loaded.skipped
    assert skip.record == "line 3" and skip.reason.startswith(
        "line 3: truncated or invalid JSON at column"
    )
    assert skip.path == str((tmp_path / "t.jsonl").resolve())


def test_pretty_printed_json_saved_as_jsonl_still_loads(tmp_path):
    data = json.dumps([{"text": PARAS[0]}, {"text": PARAS[1]}], indent=2)
    assert len(read_documents(write(tmp_path, "pretty.jsonl", data))) == 2


# --- RSS / Atom ---------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Valley News &amp; Weather</title><link>https://news.example/</link>
<item><title>Gates &amp; sluices: the authority&#8217;s &lt;i&gt;plan&lt;/i&gt;</title>
<link>https://news.example/gates</link><guid isPermaLink="false">vn-gates</guid>
<pubDate>Thu, 02 Nov 2023 23:30:00 -0500</pubDate><dc:creator>Ida Penhale</dc:creator>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>{}</p><p>{} <b>&amp;</b> more</p><script>evil()</script>]]></content:encoded>
</item>
<item><title>Plain summary</title><link>https://news.example/plain</link>
<description>{} &#x2014; &quot;quoted&quot; &amp; done</description></item>
<item><title>No text</title></item>
</channel></rss>""".format(*PARAS)


def test_rss_entries_become_articles_with_entities_and_cdata(tmp_path):
    loaded = read_file(write(tmp_path, "feed.rss", RSS))
    first, second = loaded.documents
    assert first.title == "Gates & sluices: the authority\u2019s plan"  # escaped HTML read as HTML
    assert paragraphs(first.text) == [PARAS[0], PARAS[1] + " & more"]
    assert (first.url, first.date, first.byline, first.outlet, first.source_id, first.format) == (
        "https://news.example/gates",
        "2023-11-02",  # the publisher's day, not shifted to UTC
        "Ida Penhale",
        "Valley News & Weather",
        "vn-gates",
        "rss",
    )
    assert second.text == PARAS[2] + ' \u2014 "quoted" & done'
    assert [s.reason for s in loaded.skipped] == [
        "entry 3: entry has no text (no content or summary)"
    ]


def test_atom_and_rss1_feeds_are_recognised_by_content(tmp_path):
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Weir Watch</title>'
        "<entry><title>Gates</title><id>urn:1</id><published>2023-11-02T10:00:00Z</published>"
        "<author><name>Ida Penhale</name></author><link href='https://w.example/1'/>"
        f"<summary>{PARAS[0]}</summary></entry></feed>"
    )
    rdf = (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>Old</title></channel>'
        f'<item rdf:about="https://o.example/1"><title>Gates</title><link>https://o.example/1</link>'
        f"<description>{PARAS[1]}</description></item></rdf:RDF>"
    )
    (a,) = read_documents(write(tmp_path, "w.xml", atom))
    assert (a.title, a.text, a.date, a.byline, a.url) == (
        "Gates", PARAS[0], "2023-11-02", "Ida Penhale", "https://w.example/1",
    )  # fmt: skip
    (r,) = read_documents(write(tmp_path, "o.atom", rdf))
    assert (r.title, r.text, r.outlet) == ("Gates", PARAS[1], "Old")


def test_utf16_feed_with_bom(tmp_path):
    data = codecs.BOM_UTF16_LE + RSS.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(
        "utf-16-le"
    )
    assert len(read_documents(write(tmp_path, "u16.rss", data))) == 2


def test_xml_that_is_not_a_feed_is_skipped(tmp_path):
    with pytest.raises(LoadError, match="^XML file is not an RSS or Atom feed$"):
        read_file(write(tmp_path, "sitemap.xml", "<?xml version='1.0'?><urlset><url/></urlset>"))


def test_feed_entities_are_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<rss version="2.0"><channel><title>T</title><item><title>&x; &b;</title>'
        f"<description>{PARAS[0]} &x;</description></item></channel></rss>"
    )
    (doc,) = read_documents(write(tmp_path, "x.rss", feed))
    assert "SECRET" not in doc.text + (doc.title or "") and "aaaa" not in (doc.title or "")
    assert PARAS[0] in doc.text


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-11-02", "2023-11-02"),
        ("2023-11-02T23:59:59+09:00", "2023-11-02"),
        ("2023-2-5", "2023-02-05"),
        ("Thu, 02 Nov 2023 08:00:00 GMT", "2023-11-02"),
        ("2 November 2023", "2023-11-02"),
        ("Nov 2, 2023", "2023-11-02"),
        ("2023/11/02", "2023-11-02"),
        (1698912000, "2023-11-02"),
        ("11/02/2023", None),  # ambiguous: not guessed
        ("2023-02-30", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
        (10**15, None),
    ],
)
def test_iso_date(value, expected):
    assert iso_date(value) == expected
