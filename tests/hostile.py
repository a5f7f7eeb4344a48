"""A corpus of hostile input, generated at test time (no blobs in the repo).

``make_hostile_corpus(root)`` writes the files and returns ``{relative name: outcome}``
with outcome "indexed" (at least one article must come out) or "skipped" (a
Skipped with a clear reason).  ``REASONS`` gives the expected reason fragment for
every skipped file.  Files that must never be looked at (hidden folders, index
folders, other formats) are listed in ``NEVER_LOADED``.

The one case a generator cannot make on its own is an unreadable file (tests run
as root, which reads anything): wrap the load in ``denied_reads()``.

All article text here is invented for these tests.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

INDEXED = "indexed"
SKIPPED = "skipped"
UNREADABLE = "unreadable.txt"
HUGE_MB = 50

ESC = "\x1b"

TITLE = "Harbour council backs trial of night ferries"
PARAGRAPHS = (
    "The harbour council voted on Tuesday to run night ferries between the two piers "
    "for a six-month trial, after a petition signed by shift workers at the port.",
    "Councillor Edda Marlow said the boats would leave every forty minutes from ten "
    "at night until five in the morning, and that fares would match the daytime price.",
    "The ferry operator, Greyholm Lines, warned that crews were hard to find and that "
    "the trial could be cut short if fewer than two hundred passengers a night used it.",
    "Residents near the east pier asked for quieter engines; the council agreed to "
    "review noise readings after the first month.",
)
ARTICLE = TITLE + "\n\n" + "\n\n".join(PARAGRAPHS) + "\n"


def _around(hostile: str) -> str:
    """An ordinary article with ``hostile`` paragraphs in the middle of its body."""
    return "\n\n".join([TITLE, PARAGRAPHS[0], hostile, *PARAGRAPHS[1:]]) + "\n"


# Literal text that must survive loading unchanged (it is data, not markup).
RICH_MARKUP = (
    "[bold red]Breaking[/bold red] the council [link=https://evil.example/x]click here[/link] "
    "and [/] closes nothing; [red on white]styled?[/] [blink]no[/blink] :warning: "
    "\\[escaped] [[double]] [@click=app.quit]quit[/]"
)
CJK = (
    "港湾委员会周二投票决定试行夜间渡轮服务，为期六个月。\n\n"
    "港の議会は火曜日、夜間フェリーの試験運航を六か月間行うことを決めた。\n\n"
    "항만 의회는 화요일 야간 페리 시범 운항을 6개월 동안 하기로 의결했다.\n\n"
    "全角文字：ＡＢＣ１２３、半角カナ：ｶﾀｶﾅ。"
)
EMOJI = (
    "Commuters reacted 👍🏽 👍🏿 and 👩‍👩‍👧‍👦 families cheered 🎉. Flags: 🇰🇷 🇯🇵 🏳️‍🌈 "
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿 keycap 1️⃣ skin tones 🧑🏻‍🚒 and a ZWJ chain 🧔🏾‍♂️."
)
CYRILLIC = (
    "Совет гавани во вторник проголосовал за пробный запуск ночных паромов между "
    "двумя причалами на полгода.\n\nПаромы будут отправляться каждые сорок минут."
)

# Expected reason fragment for each skipped file (the test checks ``fragment in reason``).
REASONS: dict[str, str] = {
    "binary_png.txt": "binary file (not text)",
    "binary_noise.md": "binary file (not text)",
    "binary_zip.html": "binary file (not text)",
    "binary_pdf.json": "binary file (not text)",
    "empty.txt": "empty file",
    "blank.md": "no article text",
    "whitespace.txt": "only whitespace",
    "huge.txt": f"too large ({HUGE_MB}.0 MB; limit 20 MB)",
    "only_chrome.html": "no article text",
    "not_object.json": "not an article object",
    "string.json": "JSON is a string",
    "deep.json": "nested too deeply",
    "invalid.json": "invalid JSON",
    "huge_int.json": "invalid JSON",
    "no_text.json": "no article text",
    "all_bad.jsonl": "no usable article",
    "not_feed.xml": "not an RSS or Atom feed",
    "empty_feed.rss": "feed has no entries",
    UNREADABLE: "cannot read: permission denied",
    "loop_a.txt": "symbolic link loop",
    "loop_b.txt": "symbolic link loop",
    "dangling.txt": "broken symbolic link",
    "fifo.txt": "not a regular file",
}

# Relative paths that a load must never read (hidden, inside index folders, other formats).
NEVER_LOADED = (
    ".hidden/secret.txt",
    ".hidden_note.txt",
    "old-index/article.txt",
    "whoosh-index/article.txt",
    "notes.pdf",
    "photo.png",
    "README.md",
)


def make_hostile_corpus(root: Path) -> dict[str, str]:
    """Write the hostile corpus under ``root``; returns ``{relative path: outcome}``."""
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20240305)
    out: dict[str, str] = {}

    def put(name: str, data: bytes | str, outcome: str) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        out[name] = outcome

    put("plain.txt", ARTICLE, INDEXED)

    # Binary content with article extensions.
    put("binary_png.txt", b"\x89PNG\r\n\x1a\n" + rng.randbytes(4000), SKIPPED)
    put("binary_noise.md", rng.randbytes(6000), SKIPPED)
    put("binary_zip.html", b"PK\x03\x04" + rng.randbytes(3000), SKIPPED)
    put(
        "binary_pdf.json",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n" + rng.randbytes(2000),
        SKIPPED,
    )

    # Empty and oversized.
    put("empty.txt", b"", SKIPPED)
    put("blank.md", "\n\n   \n\t\n", SKIPPED)
    put("whitespace.txt", " \n\u00a0\n\t \n", SKIPPED)
    line = (TITLE + ". " + PARAGRAPHS[0] + "\n").encode()
    with open(root / "huge.txt", "wb") as fh:
        size = HUGE_MB * 1024 * 1024
        fh.write(line * (size // len(line)))
        fh.write(b"x" * (size % len(line)))
    out["huge.txt"] = SKIPPED

    # Encodings.
    good = ARTICLE.encode()
    put(
        "invalid_utf8.txt",
        good[:200] + b"\xff\xfe caf\xe9 \xc3( \x80" + "naïve résumé".encode() + good[200:],
        INDEXED,
    )
    put("utf8_bom.txt", codecs.BOM_UTF8 + good, INDEXED)
    put("utf16le_bom.txt", codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), INDEXED)
    put("utf16be_bom.md", codecs.BOM_UTF16_BE + ("# " + ARTICLE).encode("utf-16-be"), INDEXED)
    put("utf32_bom.txt", codecs.BOM_UTF32_LE + ARTICLE.encode("utf-32-le"), INDEXED)
    put("utf16le_nobom.txt", ARTICLE.encode("utf-16-le"), INDEXED)
    smart = "The mayor said \u201cnot tonight\u201d \u2014 it\u2019s the crews\u2019 call. Caf\u00e9 fares: \u20ac2.\n"
    put(
        "cp1252_quotes.txt",
        (TITLE + "\n\n" + smart + "\n".join(PARAGRAPHS)).encode("cp1252"),
        INDEXED,
    )
    put("cp1251_cyrillic.txt", ("Ночные паромы\n\n" + CYRILLIC).encode("cp1251"), INDEXED)
    put("crlf.txt", ARTICLE.replace("\n", "\r\n") + "old mac line\rend\r", INDEXED)
    put(
        "html_charset.html",
        b'<html><head><meta charset="windows-1251"><title>Ferries</title></head><body><article>'
        + b"".join(b"<p>" + p.encode("cp1251") + b"</p>" for p in CYRILLIC.split("\n\n"))
        + b"</article></body></html>",
        INDEXED,
    )

    # NULs, huge lines.
    nul = ARTICLE.replace(" the ", " the\x00 ").replace("ferries", "fer\x00ries")
    put("nul_bytes.txt", nul, INDEXED)
    words = " ".join(
        rng.choice(("ferry", "pier", "crew", "night", "fare", "tide")) for _ in range(180_000)
    )
    put("long_line_words.txt", TITLE + "\n\n" + words[: 1 << 20] + "\n", INDEXED)
    put("long_line_nospace.txt", TITLE + "\n\n" + "ferries" * ((1 << 20) // 7) + "\n", INDEXED)
    put(
        "long_line.jsonl",
        json.dumps({"id": "big", "title": TITLE, "text": words[: 1 << 20]}) + "\n",
        INDEXED,
    )

    # Text that would act on a terminal or a markup renderer if it were not inert.
    put(
        "rich_markup.txt",
        _around("Fares [bold]not bold[/bold] today.\n\n" + RICH_MARKUP),
        INDEXED,
    )
    ansi = (
        f"{ESC}[31mRed headline{ESC}[0m about ferries\n\n"
        f"{ESC}[2J{ESC}[HScreen cleared? The council voted.{ESC}[5A{ESC}[K\n\n"
        f"{ESC}]8;;https://evil.example/{ESC}\\a hidden link{ESC}]8;;{ESC}\\ in the text.\n\n"
        f"{ESC}]0;pwned title\x07 and {ESC}]2;another{ESC}\\ window titles.\n\n"
        f"{ESC}P1$qm{ESC}\\ device control, {ESC}[?1049h alternate screen, bell\x07."
    )
    put("ansi.txt", _around(ansi), INDEXED)
    c0 = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")
    c1 = "".join(chr(c) for c in range(0x80, 0xA0))
    put(
        "controls.txt",
        _around(f"Control characters in copy C0: {c0} DEL:\x7f C1: {c1} end."),
        INDEXED,
    )
    bidi = (
        "Ferry fares \u202eSEMIT YREVE\u202c reversed and \u2066isolated\u2069 text, "
        "\u202aembedded\u202c \u202doverride\u202c, marks \u200e\u200f.\n\n"
        'access_level = "user\u202e \u2066// Check if admin\u2069 \u2066"'
    )
    put("bidi.txt", _around(bidi), INDEXED)
    zero = (
        "Zero\u200bwidth fer\u200bries and word\u2060joiner, soft hy\u00adphen, "
        "inner\ufeffBOM, zwj\u200dzwnj\u200c kept, hidden "
        + "".join(chr(0xE0000 + ord(c)) for c in "ignore previous instructions")
        + " tags."
    )
    put("zero_width.txt", _around(zero), INDEXED)
    put("cjk_hangul.txt", "夜间渡轮 야간 페리 夜間フェリー\n\n" + CJK + "\n", INDEXED)
    put("emoji.txt", _around("Ferry fans 🚢⛴️ react.\n\n" + EMOJI), INDEXED)
    put("name_\x1b[31mred\x1b[0m.txt", ARTICLE, INDEXED)
    if os.name == "posix":
        name = os.fsdecode(b"latin1_\xe9t\xe9.txt")  # not valid UTF-8 as a file name
        put(name, ARTICLE, INDEXED)

    # HTML and Markdown.
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    put(
        "malformed.html",
        "<html><head><title>Ferries | Harbour Post</title><script>var s='</scr'+'ipt>';"
        "document.write('<p>injected</p>')</script>"
        '<style>p{color:red}</style></head><body><nav><a href="/">Home</a><a href=/news>News'
        '</nav><div class="art"><h1>'
        + TITLE
        + "<p>"
        + PARAGRAPHS[0]
        + "<p>"
        + PARAGRAPHS[1]
        + "<table><tr><td>"
        + PARAGRAPHS[2]
        + "<td><b>"
        + PARAGRAPHS[3]
        + " <i>unclosed"
        + "<<<>>> &bogus; &#x1b;[2J &#0; <img src=x onerror=alert(1)> <!-- unclosed comment",
        INDEXED,
    )
    deep = "<div>" * 20_000 + "deep text" + "</div>" * 20_000
    put("deep_nesting.html", f"<html><body><article>{body}</article>{deep}</body></html>", INDEXED)
    put(
        "only_chrome.html",
        "<html><head><title></title><script>alert(1)</script><style>a{}</style></head>"
        "<body><nav><a href='/'></a></nav><footer></footer></body></html>",
        SKIPPED,
    )
    md = (
        "---\ntitle: Night ferries [bold red]approved[/]\ndate: 2024-03-05\nauthor: Edda Marlow\n---\n\n"
        "# Heading that is not the front-matter title\n\n"
        + PARAGRAPHS[0]
        + " [a link](javascript:alert(1)) ![pic](x.png)\n\n<script>alert('md')</script>\n\n"
        "> " + PARAGRAPHS[1] + "\n\n- " + PARAGRAPHS[2] + "\n- [bold red]literal[/bold red]\n\n"
        "```\n"
        + f"{ESC}[2J code block\n"
        + "```\n\n"
        + "*" * 5000
        + "[" * 5000
        + "\n\n"
        + PARAGRAPHS[3]
        + "\n"
    )
    put("hostile.md", md, INDEXED)

    # JSON / JSON Lines.
    put("not_object.json", "[1, 2, 3]", SKIPPED)
    put("string.json", '"just a string"', SKIPPED)
    put("deep.json", "[" * 100_000 + "]" * 100_000, SKIPPED)
    put("invalid.json", '{"title": "' + TITLE + '", "text": "unterminated', SKIPPED)
    put("huge_int.json", '{"title": "n", "text": ' + "9" * 6000 + "}", SKIPPED)
    put("no_text.json", json.dumps({"title": TITLE, "outlet": "Harbour Post"}), SKIPPED)
    records = [
        {"id": f"r{i}", "title": f"Ferry update {i}", "text": p, "date": "2024-03-05"}
        for i, p in enumerate(PARAGRAPHS)
    ]
    lines = [json.dumps(r) for r in records[:3]] + [json.dumps(records[3])[:40]]
    put("truncated.jsonl", "\n".join(lines) + "\n", INDEXED)
    mixed = [
        json.dumps(records[0]),
        "[1, 2]",
        json.dumps({"id": "nt", "title": "no text here"}),
        '{"id": "sur", "title": "lone \\ud83d surrogate \\u001b[2J", "text": "nul \\u0000 esc \\u001b]0;x\\u0007 ok \\udc00"}',
        json.dumps(
            {
                "id": 7,
                "headline": ["list", "title"],
                "body": ["para one", "para two"],
                "published": 1709625600,
            }
        ),
        json.dumps({"id": "r0", "title": "duplicate id", "text": PARAGRAPHS[1]}),
        "",
        "   ",
    ]
    put("mixed.jsonl", "\n".join(mixed) + "\n", INDEXED)
    put("all_bad.jsonl", '{"id": 1\n[2]\n{"text": ""}\n', SKIPPED)
    put(
        "json_list.json",
        json.dumps([records[0], {"id": "x", "title": "no body"}, 42, records[1]]),
        INDEXED,
    )

    # Feeds.
    rss = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Harbour Post &amp; Tide Times</title><link>https://harbour.example/</link>"
        "<item><title>Ferries &amp; fares: council&#8217;s &lt;b&gt;vote&lt;/b&gt;</title>"
        "<link>https://harbour.example/ferries</link><guid>ferry-1</guid>"
        "<pubDate>Tue, 05 Mar 2024 08:30:00 +0000</pubDate><dc:creator>Edda Marlow</dc:creator>"
        "<content:encoded><![CDATA[<p>" + PARAGRAPHS[0] + "</p><p>Fares &amp; <b>times</b> "
        "[bold red]literal[/]</p><script>alert(1)</script>]]></content:encoded></item>"
        "<item><title>Crews wanted</title><link>https://harbour.example/crews</link>"
        "<pubDate>Wed, 06 Mar 2024 10:00:00 GMT</pubDate>"
        "<description>"
        + PARAGRAPHS[2].replace("&", "&amp;")
        + " &#x2014; &quot;soon&quot;</description></item>"
        "<item><title>Empty entry</title><link>https://harbour.example/empty</link></item>"
        "</channel></rss>"
    )
    put("feed_entities.rss", rss, INDEXED)
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Tide Times</title><id>urn:tide</id><updated>2024-03-06T00:00:00Z</updated>"
        "<entry><title type='html'>Night &lt;em&gt;ferries&lt;/em&gt;</title><id>urn:tide:1</id>"
        "<updated>2024-03-06T09:00:00Z</updated><author><name>Ansel Brook</name></author>"
        "<link href='https://tide.example/1'/><content type='html'>&lt;p&gt;"
        + PARAGRAPHS[3]
        + "&lt;/p&gt;</content></entry></feed>"
    )
    put("atom.xml", atom, INDEXED)
    put(
        "latin1_feed.rss",
        (
            '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Café Port</title>'
            "<item><title>Café night ferries</title><description>Les ferries de nuit partent à "
            "dix heures, a déclaré la mairie.</description></item></channel></rss>"
        ).encode("latin-1"),
        INDEXED,
    )
    secret = root.parent / f"{root.name}-outside-secret.txt"
    secret.write_text("TOP-SECRET-OUTSIDE-CORPUS\n")
    put(
        "xxe.rss",
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://'
        + str(secret)
        + '">]><rss version="2.0"><channel><title>XXE</title><item><title>Leak &xxe;</title>'
        "<description>" + PARAGRAPHS[0] + " &xxe;</description></item></channel></rss>",
        INDEXED,
    )
    lol = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    put(
        "billion_laughs.xml",
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">' + lol + ']><rss version="2.0">'
        "<channel><title>Laughs</title><item><title>&lol9;</title><description>"
        + PARAGRAPHS[1]
        + "</description></item></channel></rss>",
        INDEXED,
    )
    put(
        "not_feed.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://harbour.example/</loc></url></urlset>",
        SKIPPED,
    )
    put(
        "empty_feed.rss",
        '<rss version="2.0"><channel><title>Nothing</title></channel></rss>',
        SKIPPED,
    )

    # File-system oddities.
    put(UNREADABLE, ARTICLE, SKIPPED)
    put("folder.txt/inside.txt", ARTICLE, INDEXED)
    put("loopdir/inside.md", "# Loop folder\n\n" + PARAGRAPHS[0], INDEXED)
    if hasattr(os, "symlink"):
        os.symlink("..", root / "loopdir" / "back")  # folder loop: loopdir/back/loopdir/...
        os.symlink("loop_b.txt", root / "loop_a.txt")
        os.symlink("loop_a.txt", root / "loop_b.txt")
        os.symlink("nowhere.txt", root / "dangling.txt")
        os.symlink("plain.txt", root / "alias_of_plain.txt")  # same file: loaded once
        out.update({"loop_a.txt": SKIPPED, "loop_b.txt": SKIPPED, "dangling.txt": SKIPPED})
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "fifo.txt")
        out["fifo.txt"] = SKIPPED

    # Never loaded: hidden, index folders, other formats, folder docs.
    for name in NEVER_LOADED:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE)
    (root / "old-index" / ".reader-index").write_text("")
    (root / "whoosh-index" / "_MAIN_1.toc").write_bytes(b"\x00\x01")
    return out


@contextmanager
def denied_reads(names: tuple[str, ...] = (UNREADABLE,)) -> Iterator[None]:
    """Make files with these base names unreadable, as chmod 000 would for a normal user."""
    import index.load as load

    real_open = load.open_source

    def guarded(path):
        if Path(path).name in names:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path)

    with mock.patch.object(load, "open_source", guarded):
        yield


def snapshot(root: Path) -> dict[str, tuple]:
    """Bytes hash, size and mtime of every regular file under ``root`` (links not followed)."""
    import hashlib

    state: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            st = path.lstat()
            key = str(path.relative_to(root))
            if path.is_symlink() or not path.is_file():
                state[key] = (
                    st.st_mode,
                    st.st_mtime_ns,
                    os.readlink(path) if path.is_symlink() else "",
                )
                continue
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            state[key] = (digest, st.st_size, st.st_mtime_ns)
    return state
