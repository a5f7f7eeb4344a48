"""Entity recognition and alias resolution on invented text (no third-party articles)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.entities import (
    EntityIndex,
    active_backend,
    canonical_entities,
    entity_key,
    find_mentions,
    lookup,
    set_backend,
    spacy_backend,
)
from index.entities import gazetteer as gazetteer_mod
from index.entities.aliases import AliasFileError, load_aliases, merge, parse_alias_text
from index.entities.keys import acronym_of, person_parts, spelling_variant
from index.model import Article

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    """Own cache and config dirs, rules backend, fresh gazetteer per test module."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("READER_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    set_backend("rules")
    yield
    set_backend(None)


def art(*paragraphs: str, title: str = "", id: str = "a1", outlet: str | None = None) -> Article:
    return Article(
        id=id, path=f"/tmp/{id}.txt", title=title, paragraphs=tuple(paragraphs), outlet=outlet
    )


def by_canonical(article: Article) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in find_mentions(article):
        out.setdefault(m.canonical, set()).add(m.text)
    return out


def types_of(article: Article) -> dict[str, str]:
    return {m.canonical: m.type for m in find_mentions(article)}


# -- spans and offsets -------------------------------------------------------------------


def test_mention_offsets_point_at_their_text_in_title_and_paragraphs():
    a = art(
        "Foreign Minister Maria Kovalenko met Japan’s Defense Ministry officials in Tokyo on Monday.",
        "Kovalenko said the talks with the DPRK were frank.",
        title="Kovalenko visits Japan",
    )
    mentions = find_mentions(a)
    assert mentions, "nothing recognised"
    for m in mentions:
        text = a.title if m.paragraph == -1 else a.paragraphs[m.paragraph]
        assert text[m.start : m.end] == m.text
    assert any(m.paragraph == -1 for m in mentions)


def test_titles_possessives_and_leading_the_are_not_part_of_spans():
    a = art(
        "Defense Minister Tomas Varga said the United States would help. "
        "Japan’s Defense Ministry agreed, and The Netherlands abstained."
    )
    texts = {m.text for m in find_mentions(a)}
    assert "Tomas Varga" in texts and "Defense Minister Tomas Varga" not in texts
    assert "United States" in texts and "the United States" not in texts
    assert "Japan" in texts and "Japan’s" not in texts
    assert types_of(a)["Tomas Varga"] == "PERSON"


def test_surname_links_to_the_full_name_of_the_same_article():
    a = art(
        "Prime Minister Lena Ostrova arrived on Friday.", "Ostrova told reporters she was hopeful."
    )
    groups = by_canonical(a)
    assert groups["Lena Ostrova"] == {"Lena Ostrova", "Ostrova"}


def test_people_sharing_a_surname_are_never_merged_and_a_bare_surname_stays_ambiguous():
    a = art(
        "Leader Kim Jong Un watched the launch with his sister Kim Yo Jong.",
        "Officials said Kim Man-gi, a deputy minister, was not present.",
        "Kim did not comment.",
    )
    people = {m.canonical for m in find_mentions(a) if m.type == "PERSON"}
    assert {"Kim Jong Un", "Kim Yo Jong", "Kim Man-gi"} <= people
    ids = {m.entity_id for m in find_mentions(a) if m.type == "PERSON"}
    assert len(ids) == 3
    assert not any(m.text == "Kim" for m in find_mentions(a))


def test_junior_and_father_are_two_people():
    a = art("Senator Robert Allen Jr. praised the bill.", "His father, Robert Allen, did not.")
    people = {m.canonical for m in find_mentions(a) if m.type == "PERSON"}
    assert "Robert Allen Jr." in people and "Robert Allen" in people


# -- gazetteer, metonyms, datelines, demonyms ----------------------------------------------


def test_capital_as_government_is_the_country_but_a_dateline_or_in_city_is_the_city():
    a = art(
        "SEOUL (Wirepress) — Pyongyang fired a missile, and Seoul protested.",
        "Ministers met in Seoul on Tuesday.",
    )
    mentions = find_mentions(a)
    got = {(m.text, m.paragraph): m.canonical for m in mentions}
    assert got[("Pyongyang", 0)] == "North Korea"
    assert got[("SEOUL", 0)] == "Seoul"
    assert got[("Seoul", 0)] == "South Korea"
    assert got[("Seoul", 1)] == "Seoul"
    assert types_of(a)["Wirepress"] == "ORG"


def test_demonyms_are_separate_norp_entities():
    a = art("The South Korean and Australian envoys met North Korean officials in Canberra.")
    t = types_of(a)
    assert t["South Korean"] == t["Australian"] == t["North Korean"] == "NORP"
    assert "South Korea" not in t and "Australia" not in t


def test_aliases_abbreviations_and_the_north():
    a = art(
        "The DPRK and the ROK met at the UN. S. Korea said the North must stop.",
        "U.S. officials agreed.",
    )
    groups = by_canonical(a)
    assert {"DPRK", "North"} <= groups["North Korea"]
    assert {"ROK", "S. Korea"} <= groups["South Korea"]
    assert groups["United States"] == {"U.S."}
    assert types_of(a)["United Nations"] == "ORG"


def test_the_north_needs_north_korea_named_in_the_article():
    a = art("Voters in the North backed the measure, officials said.")
    assert "North Korea" not in by_canonical(a)


def test_nested_names_are_one_mention():
    a = art(
        "The UN Security Council met. The Korean Peninsula and the Taiwan Strait were discussed "
        "at the Harbour Summit in Washington, under the United Nations Convention on the Law of the Sea."
    )
    t = types_of(a)
    assert t["UN Security Council"] == "ORG"
    assert t["Korean Peninsula"] == "LOC" and t["Taiwan Strait"] == "LOC"
    assert t["United Nations Convention on the Law of the Sea"] == "LAW"
    assert t["Harbour Summit"] == "EVENT"
    texts = {m.text for m in find_mentions(a)}
    assert "UN" not in texts and "Korean" not in texts and "Taiwan" not in texts


def test_hyphenated_country_compounds_are_split():
    a = art("Japan-ROK-US defense cooperation grew, a US-led plan said.")
    groups = by_canonical(a)
    assert "Japan" in groups and "South Korea" in groups and "United States" in groups


# -- organisations, acronyms, events, laws ---------------------------------------------------


def test_acronym_defined_in_parentheses_is_an_alias_and_common_noun_acronyms_are_not():
    a = art(
        "The Joint Maritime Council (JMC) met. The JMC warned of weapons of mass destruction (WMD).",
        "Members signed the Coastal Data-Sharing Accord (CDSA).",
    )
    groups = by_canonical(a)
    assert groups["Joint Maritime Council"] == {"Joint Maritime Council", "JMC"}
    assert groups["Coastal Data-Sharing Accord"] == {"Coastal Data-Sharing Accord", "CDSA"}
    assert not any("WMD" in forms for forms in groups.values())
    assert types_of(a)["Coastal Data-Sharing Accord"] == "LAW"


def test_government_body_takes_its_countrys_name():
    a = art("Japan’s Defense Ministry said so. Later the Defense Ministry repeated it.")
    groups = by_canonical(a)
    assert groups["Defense Ministry (Japan)"] == {"Defense Ministry"}


def test_named_vehicle_is_a_facility():
    a = art("The Zorvath-2 rocket carried the Kelpie-1 satellite.")
    assert types_of(a)["Zorvath-2"] == "FAC"


def test_headline_words_are_not_people_unless_the_body_names_them():
    a = art(
        "Governor Hana Beltrami signed the budget on Monday.",
        title="Beltrami Signs Budget Despite Protests Over Cuts",
    )
    people = {m.text for m in find_mentions(a) if m.type == "PERSON"}
    assert "Beltrami" in people
    assert not people & {"Signs Budget", "Despite Protests", "Beltrami Signs Budget"}


def test_sentence_initial_words_are_not_people():
    a = art("Following the vote, Regarding the plan, However the council said. Meanwhile nothing.")
    assert not [m for m in find_mentions(a) if m.type == "PERSON"]


def test_a_name_that_is_also_a_frequent_word_is_a_person_after_a_title():
    """wordfreq counts "Obama" or "Smith" as often as "says": after a title in a
    sentence they are names, and the article's other mentions join them; a label
    ("President Says") and sentence-initial common words stay out."""
    a = art(
        "Now that President Obama has embraced the plan, the debate is open.",
        "Obama said on Tuesday that the vote would come soon.",
        "Senator Smith told reporters the bill would pass.",
        "Following the vote, the council adjourned.",
        "President Says",
    )
    people = by_canonical(a)
    assert people.get("Obama") == {"Obama"} and "Smith" in people
    obama = [m for m in find_mentions(a) if m.canonical == "Obama"]
    assert len(obama) == 2 and {m.type for m in obama} == {"PERSON"}
    assert not {"Following", "Says"} & set(people)


def test_dates_are_mentions_with_iso_canonicals_but_not_index_entities():
    a = art("The talks on November 13, 2022 followed a meeting in May and one on 2 June 2023.")
    dates = {m.text: m.canonical for m in find_mentions(a) if m.type == "DATE"}
    assert dates["November 13, 2022"] == "2022-11-13"
    assert dates["2 June 2023"] == "2023-06-02"
    assert "May" in dates
    assert not any(name.startswith("20") for name in canonical_entities(a))


def test_canonical_entities_are_sorted_and_distinct():
    a = art("North Korea and the DPRK and Pyongyang.", "Japan and Tokyo.")
    names = canonical_entities(a)
    assert names == sorted(set(names))
    assert "North Korea" in names and "Japan" in names and "DPRK" not in names


_WORDS = st.sampled_from(
    list("abXYZ .,'’-()\"“”:;0123456789")
    + [
        "Korea",
        "US",
        "Mr.",
        "Minister",
        "Kim Jong",
        "the North",
        "(NCG)",
        "Summit",
        "of",
        "Jr.",
        "’s",
    ]
    + ["SEOUL", " — ", "Jong-sup", "U.S.", "A.", "Ministry", "President", "June 3"]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_WORDS, max_size=30).map("".join), max_size=3),
    st.lists(_WORDS, max_size=10).map("".join),
)
def test_any_text_gives_mentions_whose_offsets_hold(paragraphs, title):
    a = art(*paragraphs, title=title)
    for m in find_mentions(a):
        text = a.title if m.paragraph == -1 else a.paragraphs[m.paragraph]
        assert m.end > m.start and text[m.start : m.end] == m.text
    assert canonical_entities(a) == sorted(set(canonical_entities(a)))


# -- keys --------------------------------------------------------------------------------------


def test_entity_key_ignores_case_hyphens_dots_and_spacing():
    assert entity_key("Lee Jong-sup") == entity_key("Lee Jong Sup") == entity_key("LEE JONG-SUP")
    assert entity_key("U.S.") == entity_key("US")
    assert entity_key("Japan’s") == "japan"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Choi Sung-bak", "Choi Sung-pak", True),
        ("Choi Sung-bak", "Choi Sung Bak", True),
        ("Marta Kowalski", "Marta Kowalsky", True),
        ("Kim Jong Un", "Kim Jong-in", False),
        ("John Smith", "Joan Smith", False),
        ("Kim Jong Un", "Kim Yo Jong", False),
    ],
)
def test_spelling_variants(a, b, same):
    assert spelling_variant(person_parts(a), person_parts(b)) is same


def test_acronyms_match_their_expansions():
    assert acronym_of("UNSC", "UN Security Council".split())
    assert acronym_of("GSOMIA", "General Security of Military Information Agreement".split())
    assert acronym_of("TISA", "Trilateral Information-Sharing Agreement".split())
    assert not acronym_of("UNSCR", "UN Security Council".split())


# -- corpus-level merging -------------------------------------------------------------------


def test_entity_index_merges_variants_across_articles_and_keeps_people_apart():
    a1 = art(
        "Defense Minister Choi Sung-bak met Marcus T. Holloway.",
        "Northern Fisheries Authority staff came.",
        id="x1",
    )
    a2 = art("Choi Sung Bak spoke at the 3rd Harbour Security Forum.", "The NFA agreed.", id="x2")
    a3 = art(
        "Minister Choi Sung-pak and Marcus Holloway attended the Harbour Security Forum.", id="x3"
    )
    a4 = art("Chairman Choi Sung-min disagreed with George W. Bush and George H. W. Bush.", id="x4")
    index = EntityIndex.build([a1, a2, a3, a4])
    choi = index.resolve("Choi Sung-bak")
    assert choi is not None and set(choi.counts) == {"x1", "x2", "x3"}
    assert {"Choi Sung-bak", "Choi Sung Bak", "Choi Sung-pak"} <= set(choi.aliases)
    assert index.resolve("Choi Sung-min").id != choi.id
    holloway = index.resolve("Marcus Holloway")
    assert holloway is index.resolve("Marcus T. Holloway")
    assert index.resolve("George W. Bush").id != index.resolve("George H. W. Bush").id
    nfa = index.resolve("NFA")
    assert nfa is not None and nfa.canonical == "Northern Fisheries Authority"
    forum = index.resolve("Harbour Security Forum")
    assert forum is index.resolve("3rd Harbour Security Forum")
    ids = {m.entity_id for m in index.mentions(a2) if m.text == "Choi Sung Bak"}
    assert ids == {choi.id}
    assert choi.canonical in index.canonical_entities(a2)


def test_entity_index_round_trips_through_json():
    a1 = art("President Ilse Varga visited Japan.", id="r1")
    index = EntityIndex.build([a1])
    again = EntityIndex.from_dict(json.loads(json.dumps(index.to_dict())))
    assert [e.canonical for e in again.entities()] == [e.canonical for e in index.entities()]


def test_lookup_resolves_aliases_for_queries():
    assert lookup("DPRK")[1] == "North Korea"
    assert lookup("U.S.")[1] == "United States"
    assert lookup("no such place at all") is None


# -- alias files -------------------------------------------------------------------------------


def test_alias_file_format_and_merge_semantics():
    base = parse_alias_text('[entities."Freedonia"]\ntype = "GPE"\naliases = ["FRD", "Fredonia"]\n')
    extra = parse_alias_text(
        '[entities."Freedonia"]\nremove = ["FRD"]\naliases = ["Free State"]\n'
        '[entities."Orbis Group"]\ntype = "ORG"\naliases = ["OG"]\n[ignore]\nforms = ["Fredonia"]\n'
    )
    table = merge(base, extra)
    assert table.entries["Freedonia"].aliases == ["Fredonia", "Free State"]
    assert table.entries["Orbis Group"].type == "ORG"
    assert "Fredonia" in table.ignore
    with pytest.raises(AliasFileError, match="type must be one of"):
        parse_alias_text('[entities."X"]\ntype = "THING"\n')
    with pytest.raises(AliasFileError, match="not valid TOML"):
        parse_alias_text("[entities\n")


def test_user_alias_file_extends_the_gazetteer(tmp_path):
    user = tmp_path / "aliases.toml"
    user.write_text(
        '[entities."Freedonia"]\ntype = "GPE"\naliases = ["the Free Republic", "FRD"]\n',
        encoding="utf-8",
    )
    gaz = gazetteer_mod.build_gazetteer(load_aliases(user))
    assert gaz.entries[gaz.forms["FRD"]].canonical == "Freedonia"
    assert gaz.entries[gaz.forms["Free Republic"]].contextual


def test_broken_user_alias_file_is_a_warning_not_a_crash(tmp_path):
    user = tmp_path / "aliases.toml"
    user.write_text("this is [not toml", encoding="utf-8")
    table = load_aliases(user)
    assert table.warnings and "not valid TOML" in table.warnings[0]
    assert "North Korea" in table.entries


def test_gazetteer_is_cached_on_disk(monkeypatch, tmp_path):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path))
    gazetteer_mod.clear_cache()
    first = gazetteer_mod.load_gazetteer()
    assert list((tmp_path / "entities").glob("gazetteer-*.pickle"))
    gazetteer_mod.clear_cache()
    monkeypatch.setattr(gazetteer_mod, "build_gazetteer", lambda *a, **k: pytest.fail("rebuilt"))
    second = gazetteer_mod.load_gazetteer()
    assert second.forms == first.forms
    gazetteer_mod.clear_cache()


# -- optional spaCy backend ---------------------------------------------------------------------


class _FakeDoc:
    def __init__(self, text: str, spans: list[tuple[str, str]]):
        self.ents = []
        for surface, label in spans:
            start = text.find(surface)
            if start >= 0:
                self.ents.append(
                    SimpleNamespace(
                        start_char=start, end_char=start + len(surface), label_=label, text=surface
                    )
                )


class _FakeNLP:
    """Stands in for a spaCy pipeline: returns the entities it was told about."""

    def __init__(self, spans):
        self.spans = spans

    def pipe(self, texts):
        return [_FakeDoc(t, self.spans) for t in texts]


def test_spacy_backend_adds_names_the_rules_miss_and_keeps_gazetteer_decisions(monkeypatch):
    fake = _FakeNLP(
        [
            ("Zorba Quill", "PERSON"),
            ("the Pyongyang", "GPE"),
            ("Quillmart’s", "ORG"),
            ("today", "DATE"),
        ]
    )
    monkeypatch.setattr(spacy_backend, "_state", {"name": "fake_pipeline", "nlp": fake})
    set_backend("spacy")
    assert active_backend() == "spacy:fake_pipeline"
    a = art("Zorba Quill visited the Pyongyang office of Quillmart’s today.")
    got = {m.text: (m.type, m.canonical) for m in find_mentions(a)}
    assert got["Zorba Quill"][0] == "PERSON"  # no cue: only spaCy finds it
    assert got["Pyongyang"] == ("GPE", "North Korea")  # "the" stripped, gazetteer decides
    assert got["Quillmart"][0] == "ORG"  # possessive stripped


def test_spacy_requested_but_missing_falls_back_to_rules(monkeypatch):
    monkeypatch.setattr(spacy_backend, "_state", {"name": None})
    set_backend("spacy")
    assert active_backend() == "rules"
    assert by_canonical(art("Pyongyang protested."))["North Korea"] == {"Pyongyang"}


def test_engine_entities_import_neither_spacy_nor_the_app():
    code = "import index.entities, sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'textual', 'reader')))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# -- CLI ----------------------------------------------------------------------------------------


@pytest.fixture()
def corpus(tmp_path):
    d = tmp_path / "news"
    d.mkdir()
    (d / "one.txt").write_text(
        "Envoys meet in Oslo\n\nForeign Minister Ada Lindqvist met the DPRK envoy. Lindqvist said talks went well.\n",
        encoding="utf-8",
    )
    (d / "two.txt").write_text(
        "Talks end\n\nMinister Ada Lindqvist left Pyongyang. North Korea made no comment.\n",
        encoding="utf-8",
    )
    return d


def test_cli_lists_entities_with_aliases_and_filters_by_type(corpus):
    from click.testing import CliRunner

    from reader.commands.entities import command

    runner = CliRunner()
    result = runner.invoke(command, [str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    north = next(e for e in data["entities"] if e["canonical"] == "North Korea")
    assert {"DPRK", "Pyongyang", "North Korea"} <= set(north["aliases"])
    assert len(north["articles"]) == 2
    result = runner.invoke(command, [str(corpus), "--type", "person"])
    assert result.exit_code == 0
    assert "Ada Lindqvist" in result.output and "North Korea" not in result.output


def test_cli_reports_a_missing_path_without_traceback(tmp_path):
    from click.testing import CliRunner

    from reader.commands.entities import command

    result = CliRunner().invoke(command, [str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "no such file" in result.output and "Traceback" not in result.output


def test_cli_prints_alias_file_locations():
    from click.testing import CliRunner

    from reader.commands.entities import command

    result = CliRunner().invoke(command, ["--aliases"])
    assert result.exit_code == 0
    assert "aliases.toml" in result.output
