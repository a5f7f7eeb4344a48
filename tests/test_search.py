"""Search: query syntax, snippets, facets, sorting, did-you-mean, forgiving parsing."""

from __future__ import annotations

import json

import pytest
from test_store_helpers import (
    OUTLETS,
    PLACES,
    isolated_cache,  # noqa: F401  (autouse: keeps the user's cache dir untouched)
    write_json,
)

from index import ingest
from index.store import Library

N = 20  # article i: topic i % 5 (ferry, missile, election, drought, museum), place i // 5


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    corpus = root / "corpus"
    corpus.mkdir()
    for i in range(N):
        date = None if i == 7 else f"2023-{1 + i % 6:02d}-{1 + i:02d}"
        write_json(corpus, i, date=date)
    # entities come from another stage; give every article a known set here
    mp = pytest.MonkeyPatch()
    mp.setattr(
        ingest,
        "canonical_entities",
        lambda a: ["Harbor Council"] + (["North Korea"] if "missile" in a.body else []),
    )
    lib = Library.open([corpus], root / "ix")
    lib.update()
    mp.undo()
    yield lib
    lib.close()


def ids(results):
    return {h.id for h in results.hits}


def titles(results):
    return [h.title for h in results.hits]


def test_words_are_anded_and_stemmed(lib):
    r = lib.search("ferries approving", limit=50)  # ferry + approved, via stems
    assert r.total == 4 and all("ferry" in t for t in titles(r))
    assert r.terms == ("ferries", "approving")


def test_boolean_operators(lib):
    ferry = lib.search("ferry", limit=50).total
    missile = lib.search("missile", limit=50).total
    assert lib.search("ferry OR missile", limit=50).total == ferry + missile == 8
    assert lib.search("ferry AND missile").total == 0
    velmora = lib.search("Velmora", limit=50)
    assert lib.search("Velmora NOT ferry", limit=50).total == velmora.total - 1
    assert lib.search("(ferry OR missile) AND Velmora").total == 2


def test_phrase_needs_adjacent_words(lib):
    assert lib.search('"new ferry schedule"').total == 4
    assert lib.search('"ferry new schedule"').total == 0


def test_field_queries(lib):
    assert lib.search("title:missile", limit=50).total == 4
    assert lib.search("title:harbor").total == 0  # "harbor" is only in bodies
    r = lib.search(f'outlet:"{OUTLETS[1]}"', limit=50)
    assert r.total == sum(1 for i in range(N) if i % 3 == 1)
    assert {h.outlet for h in r.hits} == {OUTLETS[1]}
    assert lib.search(f'outlet:"{OUTLETS[1].upper()}"').total == r.total  # any case
    assert lib.search('entity:"North Korea"', limit=50).total == 4
    assert lib.search("entity:'harbor council'", limit=50).total == N


def test_prefix_matches_unstemmed_forms(lib):
    # "electio" is not a prefix of the stem "elect", but it is of "election"
    assert lib.search("electio*", limit=50).total == 4
    assert lib.search("muse*", limit=50).total == 4


def test_fuzzy_terms(lib):
    assert lib.search("misile~", limit=50).total == 4
    assert lib.search("misile").total == 0


def test_date_ranges_and_months(lib):
    in_march = [i for i in range(N) if i != 7 and 1 + i % 6 == 3]
    assert lib.search("date:2023-03", limit=50).total == len(in_march)
    r = lib.search("date:[2023-01-01 to 2023-02-28]", limit=50)
    assert r.total == sum(1 for i in range(N) if i != 7 and 1 + i % 6 <= 2)
    assert lib.search("ferry date:2023", limit=50).total == 4


def test_filters_argument(lib):
    r = lib.search("", filters={"outlet": OUTLETS[0], "date": "2023-01"}, limit=50)
    expect = [i for i in range(N) if i % 3 == 0 and i != 7 and 1 + i % 6 == 1]
    assert r.total == len(expect)
    assert lib.search("missile", filters={"entity": "north korea"}).total == 4
    assert lib.search("ferry", filters={"entity": "north korea"}).total == 0


@pytest.mark.parametrize("query", ["Residents OR Critics OR ferry", "title:news OR drought", "the"])
def test_total_counts_every_match_even_with_a_small_page(lib, query):
    everything = lib.search(query, limit=N).total
    assert everything == len(lib.search(query, limit=N).hits)
    for limit in (1, 2, 5):
        r = lib.search(query, limit=limit)
        assert r.total == everything and len(r.hits) == min(limit, everything)
        assert [h.id for h in r.hits] == [h.id for h in lib.search(query, limit=N).hits][:limit]


def test_total_includes_weak_matches_that_cannot_make_the_page(tmp_path):
    # Whoosh's top-N collector may drop the body half of (title OR body) once the
    # page is full of title matches; the total and facets must still count them.
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(30):
        rec = {"title": f"Zebra herd {i}", "text": "Zebra zebra zebra crossing the plain."}
        (corpus / f"z{i}.json").write_text(json.dumps(rec))
    for i in range(10):
        rec = {"title": f"Notes {i}", "text": "A zebra was seen. " + "Long quiet afternoon. " * 40}
        (corpus / f"y{i}.json").write_text(json.dumps(rec))
    with Library.open([corpus], tmp_path / "ix") as lib:
        lib.update()
        r = lib.search("zebra", limit=1)
        assert r.total == 40 and len(r.hits) == 1 and r.hits[0].title.startswith("Zebra")


def test_snippet_spans_point_at_the_query_words(lib):
    r = lib.search("ferry schedule", limit=5)
    assert r.hits
    for h in r.hits:
        words = [h.snippet.text[s.start : s.end].lower() for s in h.snippet.spans]
        assert words and set(words) <= {"ferry", "schedule"}
        assert "ferry" in words and "schedule" in words


def test_snippet_skips_words_under_not(lib):
    r = lib.search("Residents NOT ferry", limit=50)
    for h in r.hits:
        assert all(h.snippet.text[s.start : s.end] == "Residents" for s in h.snippet.spans)


def test_snippets_can_be_turned_off(lib):
    r = lib.search("ferry", snippets=False)
    assert r.hits and all(h.snippet.text == "" for h in r.hits)


def test_title_matches_rank_above_body_matches(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    body_only = {
        "title": "Weekly digest",
        "text": "The lighthouse keeper retired. " + "Calm seas. " * 20,
    }
    in_title = {
        "title": "Lighthouse keeper retires",
        "text": "A keeper retired. " + "Calm seas. " * 20,
    }
    (corpus / "a.json").write_text(json.dumps(body_only))
    (corpus / "b.json").write_text(json.dumps(in_title))
    with Library.open([corpus], tmp_path / "ix") as lib:
        lib.update()
        assert titles(lib.search("lighthouse")) == ["Lighthouse keeper retires", "Weekly digest"]


def test_facets_count_all_matches_not_just_the_page(lib):
    r = lib.search("Residents OR Critics OR Supporters OR spokesperson", limit=3)
    assert len(r.hits) == 3 and r.total > 3
    assert sum(n for _, n in r.facets["outlet"]) == r.total
    outlets = dict(r.facets["outlet"])
    assert set(outlets) <= set(OUTLETS)
    missile = lib.search("missile", limit=1)
    assert dict(missile.facets["entity"]) == {"Harbor Council": 4, "North Korea": 4}
    months = dict(missile.facets["date"])
    assert all(len(k) == 7 and k.startswith("2023-") for k in months)
    assert sum(months.values()) == 4 - (1 if 7 % 5 == 1 else 0)


def test_sort_by_date_puts_newest_first_and_undated_last(lib):
    r = lib.search("", sort="date", limit=N)
    dates = [h.date for h in r.hits]
    assert dates[-1] is None
    assert dates[:-1] == sorted(dates[:-1], reverse=True)


def test_empty_query_lists_newest_with_total_of_all(lib):
    r = lib.search("", limit=5)
    assert r.total == N and len(r.hits) == 5
    assert r.hits[0].date == max(h.date for h in lib.search("", limit=N).hits if h.date)


def test_did_you_mean_for_misspelled_words(lib):
    r = lib.search("misile")
    assert r.total == 0 and r.suggestion == "missile"
    r = lib.search(f"electon {PLACES[0]}")
    assert r.suggestion == f"election {PLACES[0]}"
    assert lib.search("missile").suggestion is None


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "title:",
        "ferry AND",
        "(ferry",
        'ferry "schedule',
        "date:[2023",
        "date:notadate",
        "outlet:",
        "nosuchfield:ferry",
        "*",
        "~",
        "^2",
        "ferry^",
        "\x00\x1b[2J",
        "\u202eferry",
        "🚢 ferry",
        "[]",
        "{}",
        ":",
        "::ferry",
        "a" * 500,
    ],
)
def test_malformed_queries_never_raise(lib, query):
    r = lib.search(query)
    assert r.total >= 0
    if r.message:
        assert "\n" not in r.message


def test_malformed_queries_get_the_best_reading(lib):
    r = lib.search('"new ferry schedule')
    assert r.total == 4 and "quote" in r.message
    r = lib.search("ferry AND")
    assert r.total == 4 and "AND" in r.message
    r = lib.search("(ferry OR missile")
    assert r.total == 8
    r = lib.search("nosuchfield:ferry")
    assert r.total == 4 and "nosuchfield" in r.message


def test_search_sees_new_documents_from_another_writer(lib, tmp_path):
    corpus = lib.corpus[0]
    reader_side = Library.open([corpus], lib.index_dir, readonly=True)
    assert reader_side.search("zeppelin").total == 0
    (corpus / "extra.json").write_text(
        json.dumps({"title": "Zeppelin visit", "text": "A zeppelin flew over."})
    )
    lib.update()
    assert reader_side.search("zeppelin").total == 1
    (corpus / "extra.json").unlink()
    lib.update()
    assert reader_side.search("zeppelin").total == 0
    assert len(reader_side) == N
    reader_side.close()


def test_place_names_are_searchable(lib):
    assert lib.search(PLACES[0], limit=50).total == 5


def test_colons_inside_phrases_are_words_not_fields(lib):
    r = lib.search('"ferry schedule: after"')
    assert r.message is None or "field" not in r.message


def test_field_with_a_quoted_phrase(lib):
    assert lib.search('title:"missile news"', limit=50).total == 4
    assert lib.search('title:"news missile"').total == 0


def test_web_search_habits_and_date_comparisons(lib):
    ferry = lib.search("ferry", limit=50).total
    velmora = lib.search(PLACES[0], limit=50).total
    assert lib.search(f"{PLACES[0]} -ferry", limit=50).total == velmora - 1
    assert lib.search("+ferry", limit=50).total == ferry
    dated = [i for i in range(N) if i != 7]
    later = [i for i in dated if 1 + i % 6 >= 4]
    assert lib.search("date:>2023-03-31", limit=50).total == len(later)


def test_bad_parts_are_dropped_not_the_whole_query(lib):
    r = lib.search("ferry date:2023-13", limit=50)
    assert r.total == 4 and "date:2023-13" in r.message
    r = lib.search("(ferry OR)", limit=50)
    assert r.total == 4


@pytest.mark.parametrize("prefix", ["inte", "a", "zz", "char", "qu", "xylo"])
def test_dictionary_words_for_a_prefix_come_most_frequent_first(prefix):
    """prefix* adds the stems of the commonest English words it matches (up to a cap):
    the binary search must list exactly those words, in frequency order."""
    from index.spelling import vocabulary, words_with_prefix

    expected = [w for w in vocabulary(prefix[0]) if w.startswith(prefix)]
    assert words_with_prefix(prefix) == expected
