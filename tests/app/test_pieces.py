"""The app's pure pieces: query-word matching, literal text, keymap and settings files."""

from __future__ import annotations

from pathlib import Path

from index.model import Article, Snippet, Span
from reader.config import Config
from reader.keymap import display_keys, key_rows, unknown_ids
from reader.screens.search import SearchScreen
from reader.widgets.article import source_label
from reader.widgets.highlight import TermMatcher, find_matches
from reader.widgets.safe import snippet_text, styled_text


def _words(matcher: TermMatcher, text: str) -> list[str]:
    return [text[s:e] for s, e in matcher.spans(text)]


def test_query_words_match_like_the_index_does():
    text = "Missiles flew; a missile test. Tunnels, tunnel-boring, tuna and a tunel."
    assert _words(TermMatcher.build(["missiles"]), text) == ["Missiles", "missile"]
    assert _words(TermMatcher.build(["tun"], "tun*"), text) == [
        "Tunnels",
        "tunnel",
        "tuna",
        "tunel",
    ]
    assert _words(TermMatcher.build(["tunel"], "tunel~"), text) == ["tunnel", "tunel"]
    assert _words(TermMatcher.build([]), text) == []


def test_matches_cover_title_and_paragraphs():
    article = Article(
        id="x", path="p", title="Ferry news", paragraphs=("No boats.", "The ferry left.")
    )
    found = [(m.paragraph, m.start) for m in find_matches(article, ["ferry"])]
    assert found == [(-1, 0), (1, 4)]


def test_control_characters_are_shown_and_spans_follow_them():
    text = "a\x1b[31mred\u202e! bold"
    out = styled_text(text, [(text.index("bold"), len(text), "bold")])
    assert "\x1b" not in out.plain and "\u202e" not in out.plain
    assert [out.plain[s.start : s.end] for s in out.spans] == ["bold"]
    snippet = Snippet("[b]x[/b] \x1b y", (Span(9, 10),))
    rendered = snippet_text(snippet)
    assert rendered.plain.startswith("[b]x[/b] ")
    assert [rendered.plain[s.start : s.end] for s in rendered.spans] == ["␛"]


def test_source_label_is_relative_to_the_corpus_folder(tmp_path):
    folder = tmp_path / "news"
    article = Article(
        id="1",
        path=str(folder / "a" / "b.jsonl"),
        title="t",
        paragraphs=(),
        format="jsonl",
        source_id="7",
    )
    assert source_label(article, [folder]) == str(Path("news", "a", "b.jsonl")) + " (record 7)"
    with_url = Article(
        id="2", path=str(folder / "c.txt"), title="t", paragraphs=(), url="https://example.org/c"
    )
    assert source_label(with_url, [folder]) == "https://example.org/c"


def test_keymap_rows_show_user_keys_and_flag_unknown_ids():
    assert display_keys("ctrl+d,pagedown") == "^d / pgdn"
    rows = {r.id: r.keys for r in key_rows([SearchScreen], {"search.sort": "ctrl+o"})}
    assert rows["search.sort"] == "^o" and rows["search.focus_query"] == "/"
    assert unknown_ids({"search.sort": "x", "nope.nothing": "y"}, [SearchScreen]) == [
        "nope.nothing"
    ]


def test_config_round_trip_and_bad_values(tmp_path):
    cfg = Config.load(tmp_path)
    assert cfg.theme is None and cfg.keymap == {} and cfg.warnings == []
    assert cfg.remember(theme="nord", last_corpus=["/data/news"]) is None
    again = Config.load(tmp_path)
    assert again.theme == "nord" and again.last_corpus == ["/data/news"]
    (tmp_path / "config.toml").write_text('[keymap]\n"search.sort" = ["ctrl+o", "f5"]\n"x.y" = 3\n')
    cfg = Config.load(tmp_path)
    assert cfg.keymap == {"search.sort": "ctrl+o,f5"}
    assert any("x.y" in w for w in cfg.warnings)


def test_default_keymap_file_lists_every_binding_with_its_default():
    import reader
    from reader.keymap import default_keymap_toml
    from reader.screens.help import binding_groups

    path = Path(reader.__file__).with_name("default_keymap.toml")
    assert path.read_text(encoding="utf-8") == default_keymap_toml(binding_groups()), (
        "out of date: python -m reader.keymap > reader/default_keymap.toml"
    )


async def test_the_indexing_gauge_shows_its_whole_label_beside_the_bar():
    """While a first build reads files, the footer gauge says what it is doing and how
    far it got, next to a short bar (not a bar across the line and one letter)."""
    from textual.app import App
    from textual.reactive import reactive

    from index.model import IndexProgress
    from reader.widgets.status import IndexStatus

    class GaugeApp(App):
        index_progress = reactive(None)

        def compose(self):
            yield IndexStatus()

    app = GaugeApp()
    async with app.run_test(size=(80, 5)) as pilot:
        app.index_progress = IndexProgress(63, 3000, "/c/article_0001.json", "reading")
        await pilot.pause()
        label = app.query_one("#index-label")
        text = str(label.render())
        assert text.startswith("Reading files 63/3000")
        assert label.region.width >= len(text)
        assert app.query_one("#index-bar").region.width < 40
