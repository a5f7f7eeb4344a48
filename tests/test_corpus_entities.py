"""Across a corpus, one person is one entity, however each outlet spells the name."""

import json
from pathlib import Path

import pytest

from index.entities import entity_key
from index.store import Library

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "entities.json"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="../shared/gold not available")


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    lib = Library.open([SEEDS], index_dir=tmp_path_factory.mktemp("ix"))
    lib.update()
    yield lib
    lib.close()


def _people_in_several_articles():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    for entity in gold["entities"]:
        if entity["type"] == "PERSON" and len(entity["mentions"]) >= 2:
            forms = {f for forms in entity["mentions"].values() for f in forms}
            yield pytest.param(entity["id"], set(entity["mentions"]), forms, id=entity["id"])


@pytest.mark.parametrize("gold_id,files,forms", list(_people_in_several_articles()))
def test_one_entity_query_finds_every_spelling(library, gold_id, files, forms):
    keys = {entity_key(f) for f in forms}
    names = [n for n, _ in library.search("", limit=1).facets.get("entity", [])]
    names += [
        n
        for n, _ in library.search(" OR ".join(f'"{f}"' for f in forms), limit=50).facets["entity"]
    ]
    candidates = [n for n in dict.fromkeys(names) if entity_key(n) in keys]
    assert candidates, f"no indexed entity name for {gold_id}"
    found = set()
    for name in candidates:
        hits = library.search(f'entity:"{name}"', limit=50).hits
        found = max(found, {Path(h.path).name for h in hits}, key=len)
    assert files <= found, f"{gold_id}: entity query found {sorted(found)}, gold {sorted(files)}"


def test_an_index_from_each_articles_first_pass_equals_one_built_in_one_go():
    """A first build's workers recognise each article once (first_pass); the corpus-wide
    merge from those, revisiting only articles where a name another article confirmed
    stayed unknown, names every entity as a full ``EntityIndex.build`` does."""
    from index.entities.corpus import EntityIndex, first_pass
    from index.model import Article
    from index.pipeline import load_file

    cued = Article(
        id="cued",
        path="cued.txt",
        title="Tunnel talks resume",
        paragraphs=("Finance Minister Tarvo Ilves said on Monday that the budget was final.",),
    )
    bare = Article(  # no cue: only the other article says Tarvo Ilves is a person
        id="bare",
        path="bare.txt",
        title="Costs questioned",
        paragraphs=("Tarvo Ilves spoke about costs in Tallinn.",),
    )
    articles = [a for p in sorted(SEEDS.glob("*.txt")) for a in load_file(str(p))]
    articles += [cued, bare]
    revisited = []

    def load(article_id):
        revisited.append(article_id)
        return next(a for a in articles if a.id == article_id), None

    firsts = {a.id: first_pass(a) for a in articles}
    merged = EntityIndex.from_first_pass(
        {i: f[0] for i, f in firsts.items()}, {i: f[1] for i, f in firsts.items()}, load
    )
    whole = EntityIndex.build(articles)
    for a in articles:
        assert merged.canonical_entities(a) == whole.canonical_entities(a), a.path
    assert "Tarvo Ilves" in merged.canonical_entities(bare)
    assert "bare" in revisited and len(revisited) < len(articles)


OTHER_NEWS = [  # invented, unrelated to the seeds: they make the corpus "large"
    ("Harbour cranes idle as Port Velle dockers strike", "Dockers at Port Velle walked out."),
    ("Orchard frost cuts Brenna apple harvest by half", "Growers in Brenna lost blossoms."),
    ("Velmora library reopens after two-year repair", "The Velmora library opened again."),
    ("Tram line to Ostrik airport delayed to spring", "Engineers found faults in the Ostrik line."),
    ("Chess prodigy Ana Kirsch wins Dravic open", "Ana Kirsch, 14, won the Dravic open."),
    ("Coastal path at Senna Point closed by rockfall", "A rockfall shut the Senna Point path."),
]


def test_an_update_of_a_large_corpus_never_renames_entities_elsewhere(tmp_path, monkeypatch):
    """Above ENTITY_PASS_MAX articles a build keeps each article's own entity names; an
    update's neighbourhood pass must not rename them in articles nobody changed (it
    did: each edit rewrote neighbours with group-dependent names, "Isis" -> "ISIS",
    "ISIS" -> "Islamic State", changing what entity: queries find)."""
    import shutil

    from index import corpus_pass

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    for k, (title, text) in enumerate(OTHER_NEWS):
        record = {
            "title": title,
            "text": text,
            "outlet": "Velle Post",
            "date": f"2031-05-0{k + 1}",
        }
        (corpus / f"other{k}.json").write_text(json.dumps(record), encoding="utf-8")
    n = len(list(corpus.iterdir()))
    monkeypatch.setattr(corpus_pass, "ENTITY_PASS_MAX", n - 3)  # a group fits, the corpus not
    monkeypatch.setattr(corpus_pass, "NEIGHBOURS", 2)  # ...so the neighbourhood is small

    def entity_values(lib) -> dict[str, str]:  # file -> its indexed entity field
        return {Path(f["path"]).name: f.get("entity") for f in lib.searcher().all_stored_fields()}

    with Library.open([corpus], index_dir=tmp_path / "ix") as lib:
        lib.update()
        before = entity_values(lib)
        edited = sorted(SEEDS.iterdir())[0].name
        path = corpus / edited
        path.write_text(path.read_text(encoding="utf-8") + "\n\nCorrection: a date was wrong.\n")
        assert lib.update().updated == 1
        after = entity_values(lib)
    changed = {name for name in before if before[name] != after[name] and name != edited}
    assert not changed, {name: (before[name], after[name]) for name in changed}
    with Library.open([corpus], index_dir=tmp_path / "fresh") as lib:
        lib.update()
        assert entity_values(lib) == after  # as a rebuild names them


def test_a_bare_surname_is_the_person_the_corpus_names_in_full_unless_two_share_it(tmp_path):
    """An outlet that only writes "Governor Beltrami" is about Hana Beltrami when the
    corpus names no other Beltrami; with two Vargas named in full, a bare "Varga"
    stays its own entity.  ``entity:"Hana Beltrami"`` then finds every article."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    texts = {
        "full1": "Governor Hana Beltrami signed the harbour budget on Monday in Velmora.",
        "full2": "Hana Beltrami, the governor, defended the harbour budget on Tuesday.",
        "full3": "Critics of Governor Hana Beltrami rallied outside the assembly.",
        "bare": "Governor Beltrami told reporters the harbour budget would pass this week.",
        "v1": "Minister Tomas Varga opened the new ferry terminal on Friday.",
        "v2": "Judge Ilona Varga ruled on the ferry contract on Thursday.",
        "v3": "Minister Tomas Varga and Judge Ilona Varga met on Saturday.",
        "v4": "Ilona Varga spoke on Sunday; Tomas Varga did not.",
        "vbare": "Minister Varga said the terminal would stay open all winter.",
    }
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(f"Harbour news {name}\n\n{text}\n", encoding="utf-8")
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        found = {Path(h.path).stem for h in lib.search('entity:"Hana Beltrami"', limit=20).hits}
        assert found == {"full1", "full2", "full3", "bare"}
        names = dict(lib.search("", limit=1).facets["entity"])
        assert "Varga" in names and "Beltrami" not in names
