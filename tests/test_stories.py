"""Story grouping: same event together, different events apart, at any corpus size."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from index.model import Article
from index.stories import candidate_pairs, group_stories, profile, vectorise

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
needs_shared = pytest.mark.skipif(not (SHARED / "gold").exists(), reason="shared data missing")


def art(
    id: str, title: str, body: str, date: str | None = None, outlet: str | None = None
) -> Article:
    return Article(
        id=id,
        path=f"{id}.txt",
        title=title,
        paragraphs=tuple(body.split("\n")),
        date=date,
        outlet=outlet,
    )


FLOOD = [
    art(
        "f1",
        "Floods close Dravic bridge as river Senna bursts its banks",
        "The river Senna burst its banks in Dravic on Monday, closing the old stone bridge.\n"
        "Mayor Tomas Ebner ordered the evacuation of 300 homes near the riverbank.",
        "2030-03-04",
    ),
    art(
        "f2",
        "Dravic evacuates riverside homes after Senna flooding",
        "Around 300 households were evacuated in Dravic after the Senna flooded on Monday.\n"
        "Mayor Ebner said the stone bridge would stay shut until engineers inspect it.",
        "2030-03-04",
    ),
    art(
        "f3",
        "Senna flood: Ebner orders evacuation, bridge shut",
        "Floodwater from the Senna forced Dravic to close its bridge and move 300 families,\n"
        "Tomas Ebner told reporters on Monday evening.",
        "2030-03-05",
    ),
]
ELECTION = [
    art(
        "e1",
        "Karvo wins Lindholm mayoral election by a narrow margin",
        "Anna Karvo won the Lindholm mayoral race with 51 percent of the vote on Sunday.\n"
        "Her rival, Petr Sola, conceded early on Monday.",
        "2030-03-03",
    ),
    art(
        "e2",
        "Sola concedes Lindholm race to Karvo",
        "Petr Sola conceded the Lindholm election to Anna Karvo, who took 51 percent.\n"
        "Turnout was the highest in a decade.",
        "2030-03-04",
    ),
]


def ids(stories) -> list[list[str]]:
    return sorted(sorted(s.article_ids) for s in stories)


def test_same_event_together_other_event_apart():
    stories = group_stories(FLOOD + ELECTION)
    assert ids(stories) == [["e1", "e2"], ["f1", "f2", "f3"]]


def test_every_article_in_exactly_one_story_with_stable_ids_and_labels():
    arts = (
        FLOOD
        + ELECTION
        + [art("x", "Lone report on a comet", "A comet passed Earth.", "2030-03-04")]
    )
    first = group_stories(arts)
    again = group_stories(list(reversed(arts)))
    assert Counter(i for s in first for i in s.article_ids) == Counter(a.id for a in arts)
    assert {s.id: s.article_ids for s in first} == {s.id: s.article_ids for s in again}
    flood = next(s for s in first if "f1" in s.article_ids)
    assert flood.id == "s-f1"  # the earliest article names the story
    assert flood.date == "2030-03-04"
    assert "Senna" in flood.label or "Dravic" in flood.label
    assert next(s for s in first if s.article_ids == ("x",)).id == "s-x"


def test_same_story_text_months_apart_is_two_events():
    later = [art(a.id + "-later", a.title, "\n".join(a.paragraphs), "2030-09-20") for a in FLOOD]
    stories = group_stories(FLOOD + later + ELECTION)
    assert ids(stories) == [["e1", "e2"], ["f1", "f2", "f3"], ["f1-later", "f2-later", "f3-later"]]


def test_undated_article_cannot_bridge_events_months_apart():
    later = [art(a.id + "-later", a.title, "\n".join(a.paragraphs), "2030-09-20") for a in FLOOD]
    undated = art("u", FLOOD[0].title, "\n".join(FLOOD[0].paragraphs), None)
    stories = group_stories(FLOOD + later + ELECTION + [undated])
    for s in stories:
        dates = {a.date for a in FLOOD + later if a.id in s.article_ids}
        assert len(dates - {None}) <= 2  # never March and September together
        assert not ({"2030-03-04", "2030-09-20"} <= dates)


def test_entities_make_aliases_count_as_one_name():
    a = art(
        "a", "Ministers of Ostrand and Velmora meet", "The ministers met in Vesk.", "2030-01-01"
    )
    b = art(
        "b", "ROV defence chief in talks", "The defence chief held talks in Vesk.", "2030-01-01"
    )
    ents = {"a": ["Republic of Velmora", "Vesk"], "b": ["Republic of Velmora", "Vesk"]}
    pa, pb = profile(a, ents["a"]), profile(b, ents["b"])
    assert "=republic of velmora" in pa.body_terms and "=republic of velmora" in pb.body_terms


def test_empty_and_single():
    assert group_stories([]) == []
    (only,) = group_stories([FLOOD[0]])
    assert only.article_ids == ("f1",) and only.id == "s-f1"


def test_blocking_does_not_score_all_pairs_in_a_larger_corpus():
    arts = []
    for k in range(60):  # 60 unrelated one-off events, each in 2 reports, in one week
        tag = "abcdefghij"[k // 10] + "klmnopqrst"[k % 10]
        word, place = f"zorb{tag}at", f"Venn{tag}ick"
        for r in range(2):
            arts.append(
                art(
                    f"{k}-{r}",
                    f"{word.title()} festival opens in {place}",
                    f"The {word} festival opened in {place} with {word} parades.",
                    f"2030-05-0{1 + r}",
                )
            )
    v = vectorise([profile(a) for a in arts])
    budget = 20 * len(arts)
    pairs = candidate_pairs(v, budget=budget)
    assert len(pairs) <= budget < len(arts) * (len(arts) - 1) // 2
    assert all((2 * k, 2 * k + 1) in pairs for k in range(60))
    stories = group_stories(arts)
    assert len(stories) == 60 and all(len(s.article_ids) == 2 for s in stories)


@needs_shared
def test_seed_groups_equal_gold():
    from index.pipeline import load_articles

    arts = [a for a in load_articles([SHARED / "corpus" / "seeds"]) if isinstance(a, Article)]
    name = {a.id: Path(a.path).name for a in arts}
    got = sorted(sorted(name[i] for i in s.article_ids) for s in group_stories(arts))
    gold = json.loads((SHARED / "gold" / "stories.json").read_text(encoding="utf-8"))
    assert got == sorted(sorted(g["articles"]) for g in gold["groups"])


@needs_shared
def test_basil_three_outlet_events_are_neither_lumped_nor_split():
    """BASIL has ~100 events each covered once by Fox, HuffPost and the NYT."""
    from index.pipeline import load_articles

    arts = [a for a in load_articles([SHARED / "corpus" / "basil"]) if isinstance(a, Article)]
    by_id = {a.id: a for a in arts}
    alias = {"NYT": "The New York Times", "HPO": "HuffPost", "FOX": "Fox News"}
    stories = group_stories(arts)
    lumped = [
        s
        for s in stories
        if len({alias.get(by_id[i].outlet, by_id[i].outlet) for i in s.article_ids})
        < len(s.article_ids)
    ]
    triples = [s for s in stories if len(s.article_ids) == 3]
    assert lumped == []
    assert len(triples) >= 85


@needs_shared
def test_a_neighbourhood_weighed_with_the_corpus_model_gets_the_full_pass_stories():
    """A small update regroups only the stories near the change.  Weighed by its own
    statistics a neighbourhood splits stories nobody touched (a story's own words look
    common there); weighed by the corpus' model it gets the full pass' stories."""
    import random

    from index.pipeline import load_articles
    from index.stories import group_profiles, profile_table

    arts = [a for a in load_articles([SHARED / "corpus" / "basil"]) if isinstance(a, Article)]
    full, model = group_profiles(profile_table(arts))
    assert model is not None and model.articles == len(arts)
    by_id = {a.id: a for a in arts}
    rng = random.Random(3)
    for _ in range(12):  # neighbourhoods: whole stories, as the corpus pass takes them
        near = rng.sample(full, 8)
        group = [by_id[i] for s in near for i in s.article_ids]
        want = sorted(sorted(s.article_ids) for s in near)
        got = sorted(sorted(s.article_ids) for s in group_stories(group, model=model))
        assert got == want


def test_story_model_survives_a_round_trip_and_a_damaged_file_is_no_model(tmp_path):
    from index.stories import StoryModel, group_profiles, profile_table

    _, model = group_profiles(profile_table(FLOOD + ELECTION))
    path = tmp_path / "stories.npz"
    model.save(path)
    again = StoryModel.load(path)
    assert again is not None
    assert (again.articles, again.threshold) == (model.articles, model.threshold)
    terms = ["senna", "ebner", "never-seen"]
    assert again.frequency(terms).tolist() == model.frequency(terms).tolist()
    assert model.frequency(["senna"])[0] >= 2 and model.frequency(["never-seen"])[0] == 1
    assert model.fits(model.articles * 2) and not model.fits(model.articles * 2 + 1)
    path.write_bytes(path.read_bytes()[:40])
    assert StoryModel.load(path) is None
    assert StoryModel.load(tmp_path / "missing.npz") is None


def test_a_tiny_part_sharing_no_strong_term_is_grouped_with_the_model():
    from index.stories import group_profiles, profile_table

    _, model = group_profiles(profile_table(FLOOD + ELECTION))
    lone = art("z1", "Zeppelin visit", "A zeppelin flew over.")
    assert ids(group_stories([lone], model=model)) == [["z1"]]
    assert len(group_stories([lone, ELECTION[0]], model=model)) == 2


def test_regrouped_stories_keep_their_members_ids_and_stay_unique():
    """After a regroup the bigger part of an old story keeps its id (a saved
    ``story:ID`` search still finds it); every other story gets an id of its own."""
    from index.corpus_pass import keep_story_ids
    from index.model import Story

    old = {"a": "s-a", "b": "s-a", "c": "s-a", "d": "s-d", "e": "s-e"}
    regrouped = [
        Story(id="s-b", label="", article_ids=("b", "c"), date=None),  # a left
        Story(id="s-a", label="", article_ids=("a",), date=None),
        Story(id="s-d", label="", article_ids=("d", "e"), date=None),  # d and e met
        Story(id="s-f", label="", article_ids=("f",), date=None),  # new article
    ]
    kept = {s.article_ids: s.id for s in keep_story_ids(regrouped, old.get)}
    assert kept[("b", "c")] == "s-a"
    assert kept[("d", "e")] == "s-d" and kept[("f",)] == "s-f"
    assert len(set(kept.values())) == len(kept)
    assert keep_story_ids(regrouped, old.get) == keep_story_ids(regrouped, old.get)


# ------------------------------------------------------------- memory-lean internals
# At 100k articles the story pass' peak memory comes from a few NumPy and heap
# structures; these tests pin that their leaner forms give the same answers.


def test_heap_clean_up_does_not_change_the_grouping(monkeypatch):
    """Dropping stale heap entries mid-clustering must pop pairs in the same order."""
    import numpy as np

    from index import stories

    rng = np.random.default_rng(7)
    n = 400
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, n, size=(3000, 2)) if a < b}
    left = np.array([a for a, _ in sorted(pairs)], dtype=np.int64)
    right = np.array([b for _, b in sorted(pairs)], dtype=np.int64)
    sims = rng.uniform(0.05, 0.9, size=len(left))
    dates = [int(d) if d >= 0 else None for d in rng.integers(-5, 40, size=n)]

    def run(slack: int):
        monkeypatch.setattr(stories, "HEAP_SLACK", slack)
        groups, kept = stories._average_linkage(n, (left, right, sims), 0.2, dates)
        return sorted(sorted(g) for g in groups), kept

    never = run(10**9)
    always = run(0)
    assert always == never
    assert any(len(g) > 2 for g in never[0])  # real merges happened


def test_fold_sums_equal_keys_like_unique_and_bincount():
    from array import array

    import numpy as np

    from index.stories import _fold

    rng = np.random.default_rng(3)
    old_keys = np.unique(rng.integers(0, 500, size=300))
    old = (old_keys, rng.uniform(size=len(old_keys)))
    keys = array("q", rng.integers(0, 800, size=5000).tolist())
    scores = array("d", rng.uniform(size=5000).tolist())
    unique, sums = _fold([*old, keys, scores])
    all_keys = np.concatenate([old[0], np.array(keys)])
    all_scores = np.concatenate([old[1], np.array(scores)])
    want_keys, inverse = np.unique(all_keys, return_inverse=True)
    want = np.bincount(inverse, weights=all_scores, minlength=len(want_keys))
    assert unique.tolist() == want_keys.tolist()
    assert sums.tolist() == want.tolist()  # bit for bit: same order of addition


def test_vectors_written_in_place_equal_joined_blocks(monkeypatch):
    """Weighing writes blocks straight into the result; joining per-block parts (the
    simple way) must give the same vectors, with and without truncation."""
    import numpy as np

    from index import stories

    words = "river bank flood mayor bridge senna dravic storm rain council road".split()
    arts = [
        art(
            f"a{i}",
            " ".join(words[(i + k) % len(words)] for k in range(3)),
            " ".join(words[(i * k) % len(words)] for k in range(1, 30)),
        )
        for i in range(50)
    ]
    monkeypatch.setattr(stories, "BLOCK_ROWS", 7)  # several blocks, a short last one
    for keep in (None, 4):
        table = stories.ProfileTable(profile(a) for a in arts)
        ptr, terms, counts = table._body.arrays()
        base = np.linspace(0.5, 3.0, len(table.vocab))
        got = stories._weigh(table._body, base, keep)

        def rows_of(lo, hi, ptr=ptr, terms=terms, counts=counts, base=base, keep=keep):
            a, b = ptr[lo], ptr[hi]
            return stories._weigh_rows(ptr[lo : hi + 1] - a, terms[a:b], counts[a:b], base, keep)

        parts = stories._by_blocks(len(ptr) - 1, rows_of)  # no lengths: blocks joined
        assert got.ptr.tolist() == parts.ptr.tolist()
        assert got.terms.tolist() == parts.terms.tolist()
        assert got.weights.tolist() == parts.weights.tolist()
        if keep:
            assert max(np.diff(got.ptr)) == keep


def test_a_table_spilled_to_files_groups_as_one_in_memory(tmp_path, monkeypatch):
    """A build's parent keeps the profiles' term counts in files (a 100k corpus' counts
    are ~135 MB): read back a block at a time, they must give the same stories, and
    the files must be gone once weighed."""
    from index import stories

    monkeypatch.setattr(stories, "BLOCK_ROWS", 7)  # several blocks, a short last one
    arts = FLOOD + [
        art(f"x{i}", f"Bridge {i} closed by flood", f"The river rose {i} metres. " * 3)
        for i in range(20)
    ]
    chunks = [arts[i : i + 6] for i in range(0, len(arts), 6)]
    memory = stories.ProfileTable()
    spilled = stories.ProfileTable(spill=tmp_path / ".profiles")
    for chunk in chunks:
        for table in (memory, spilled):
            table.extend(stories.ProfileTable(profile(a) for a in chunk))
    assert len(list(tmp_path.iterdir())) == 4  # title and body, terms and counts
    for a, b in ((memory._title, spilled._title), (memory._body, spilled._body)):
        assert [x.tolist() for x in a.arrays()] == [x.tolist() for x in b.arrays()]
    want, _ = stories.group_profiles(memory)
    got, _ = stories.group_profiles(spilled)
    assert [s.article_ids for s in got] == [s.article_ids for s in want]
    assert any(len(s.article_ids) > 1 for s in got)
    assert not list(tmp_path.iterdir())


def test_tables_extended_chunk_by_chunk_equal_one_built_profile_by_profile():
    """A first build's parent joins the workers' per-chunk tables; term ids (which
    break ties between equally weighted terms) must come out as if each profile had
    been added in order."""
    from index.stories import ProfileTable

    profiles = [
        profile(a, ["Tomas Ebner"] if i % 2 else None) for i, a in enumerate((FLOOD + ELECTION) * 2)
    ]
    whole = ProfileTable(profiles)
    joined = ProfileTable()
    for lo, hi in ((0, 2), (2, 3), (3, 3), (3, len(profiles))):
        joined.extend(ProfileTable(profiles[lo:hi]))
    assert joined.vocab == whole.vocab
    assert joined.rarity.tolist() == whole.rarity.tolist()
    assert (joined.ids, joined.titles, joined.dates) == (whole.ids, whole.titles, whole.dates)
    for a, b in ((joined._title, whole._title), (joined._body, whole._body)):
        assert [x.tolist() for x in a.arrays()] == [x.tolist() for x in b.arrays()]


def test_heaviest_first_orders_exactly_like_lexsort():
    """The fast float-key sort must give lexsort's order bit for bit, near-ties and
    exact ties included (they decide which terms a truncated row keeps)."""
    import numpy as np

    from index.stories import _heaviest_first

    rng = np.random.default_rng(5)
    for trial in range(400):
        m = int(rng.integers(0, 300))
        rows = np.sort(rng.integers(0, 40, m)) * (1000 if trial % 9 == 0 else 1)
        w = rng.random(m)
        if m and trial % 3 == 0:
            w[rng.integers(0, m, m // 3)] = w[0]  # exact ties: earliest first
        if m and trial % 4 == 0:
            w[: m // 2] = 0.5 + rng.integers(0, 3, m // 2) * 1e-15  # below the key's precision
        if m and trial % 5 == 0:
            w[0], w[-1] = 1.0, 0.0
        assert _heaviest_first(rows, w).tolist() == np.lexsort((-w, rows)).tolist()
    outside = np.array([0.5, 1.5, 0.2])  # not unit-vector weights: lexsort itself
    assert _heaviest_first(np.zeros(3, np.int64), outside).tolist() == [1, 0, 2]


def test_batched_cosines_equal_one_dot_product_per_pair(monkeypatch):
    """Pairs scored in batches of rows against small dense copies give each pair's dot
    product, summed in the same order (bit for bit), for unsorted and repeated pairs."""
    import numpy as np

    from index import stories

    rng = np.random.default_rng(11)
    n, size = 60, 40
    lengths = rng.integers(0, 12, n)
    ptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    terms = np.concatenate([rng.choice(size, k, replace=False) for k in lengths.tolist()]).astype(
        np.int32
    )
    weights = rng.random(int(ptr[-1])).astype(stories.WEIGHT)
    vecs = stories._CSR(ptr, terms, weights)
    i = rng.integers(0, n, 500)
    j = rng.integers(0, n, 500)

    def dot(a: int, b: int) -> float:
        dense = np.zeros(size)
        dense[terms[ptr[a] : ptr[a + 1]]] = weights[ptr[a] : ptr[a + 1]]
        prod = dense[terms[ptr[b] : ptr[b + 1]]] * weights[ptr[b] : ptr[b + 1]]
        return float(np.bincount(np.zeros(len(prod), np.int64), prod, 1)[0])

    want = [dot(a, b) for a, b in zip(i.tolist(), j.tolist(), strict=True)]
    monkeypatch.setattr(stories, "COSINE_ROWS", 7)  # several batches, a short last one
    for order in (slice(None), np.argsort(i, kind="stable")):
        got = stories._cosines(vecs, i[order], j[order], size)
        assert got.tolist() == np.asarray(want)[order].tolist()


def test_candidates_are_the_pairs_sharing_a_strong_term_within_the_window():
    """Blocking, with dated and undated articles (undated ones pair with anything):
    every pair sharing a strong term within the window, no other, scored by the dot
    product of their strong terms."""
    import random

    import numpy as np

    from index import stories

    rng = random.Random(4)
    words = [f"zorb{a}{b}at" for a in "abcdef" for b in "ghijkl"]
    arts = []
    for k in range(120):
        day = None if k % 9 == 0 else f"2030-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
        picked = rng.sample(words, 4)
        arts.append(art(f"a{k}", " ".join(picked[:2]), " ".join(picked * 3), day))
    v = vectorise([profile(a) for a in arts])
    i, j = stories._candidates(v, budget=10**9, floor=0.0)
    got = dict(zip(zip(i.tolist(), j.tolist(), strict=True), [0] * len(i), strict=True))

    blk, dates = v.blocking, v.table.dates
    strong = [
        dict(
            zip(
                blk.terms[blk.ptr[r] : blk.ptr[r + 1]].tolist(),
                blk.weights[blk.ptr[r] : blk.ptr[r + 1]].tolist(),
                strict=True,
            )
        )
        for r in range(len(arts))
    ]
    want = {}
    for a in range(len(arts)):
        for b in range(a + 1, len(arts)):
            if None not in (dates[a], dates[b]) and abs(dates[a] - dates[b]) >= stories.WINDOW_DAYS:
                continue
            shared = strong[a].keys() & strong[b].keys()
            if shared:
                want[(a, b)] = sum(strong[a][t] * strong[b][t] for t in shared)
    assert set(got) == set(want)
    assert any(dates[a] is None for a, _ in want) and any(
        None not in (dates[a], dates[b]) for a, b in want
    )
    # the scores: a floor keeps the pairs whose strong-term product reaches it
    floor = float(np.median(list(want.values())))
    i, j = stories._candidates(v, budget=10**9, floor=floor)
    kept = set(zip(i.tolist(), j.tolist(), strict=True))
    assert {p for p, s in want.items() if s > floor + 1e-9} <= kept
    assert not {p for p, s in want.items() if s < floor - 1e-9} & kept


def test_fold_in_key_ranges_sums_like_one_sort(monkeypatch):
    """Folding key range by key range (the 100k pass' memory bound) must give the
    same keys and bit-identical sums as one sort over everything."""
    from array import array

    import numpy as np

    from index import stories

    rng = np.random.default_rng(11)
    old_keys = np.unique(rng.integers(0, 10_000, size=2_000))
    old_scores = rng.uniform(size=len(old_keys))
    keys = rng.integers(0, 12_000, size=20_000).tolist()
    scores = rng.uniform(size=20_000).tolist()

    def fold():
        return stories._fold([old_keys, old_scores, array("q", keys), array("d", scores)])

    whole = fold()
    monkeypatch.setattr(stories, "FOLD_PART", 1_000)  # ~22 key ranges
    parts = fold()
    assert parts[0].tolist() == whole[0].tolist()
    assert parts[1].tolist() == whole[1].tolist()
    all_keys = np.concatenate([old_keys, np.array(keys)])
    all_scores = np.concatenate([old_scores, np.array(scores)])
    want_keys, inverse = np.unique(all_keys, return_inverse=True)
    assert parts[1].tolist() == np.bincount(inverse, weights=all_scores).tolist()
    assert stories._fold([old_keys[:0], old_scores[:0], array("q"), array("d")])[0].size == 0


def _naive_average_linkage(n, pairs, threshold, dates, span, separation):
    """Average linkage the slow, obvious way: every step scans every pair of clusters
    for the best average (ties: lowest ids), never the same refused pair twice."""
    sums = {i: {} for i in range(n)}
    for (a, b), s in pairs.items():
        sums[a][b] = sums[b][a] = s
    size, inner = dict.fromkeys(range(n), 1), dict.fromkeys(range(n), 0.0)
    items = {i: [i] for i in range(n)}
    first = {i: dates[i] for i in range(n)}
    last = dict(first)
    refused, next_id = set(), n
    while True:
        best = None
        for a in sums:
            for b, s in sums[a].items():
                if a < b and (a, b) not in refused:
                    key = (-(s / (size[a] * size[b])), a, b)
                    best = key if best is None or key < best else best
        if best is None or -best[0] < threshold:
            break
        avg, a, b = -best[0], best[1], best[2]
        cohesion = min(
            inner[c] / (size[c] * (size[c] - 1) / 2) if size[c] > 1 else 0 for c in (a, b)
        )
        known = [d for d in (first[a], first[b], last[a], last[b]) if d is not None]
        if (size[a] > 1 and size[b] > 1 and avg < separation * cohesion) or (
            known and max(known) - min(known) >= span
        ):
            refused.add((a, b))
            continue
        c, next_id = next_id, next_id + 1
        row = {}
        for src in (a, b):
            for d, s in sums.pop(src).items():
                if d not in (a, b):
                    row[d] = row.get(d, 0.0) + s
                    sums[d].pop(src, None)
        sums[c] = row
        for d, s in row.items():
            sums[d][c] = s
        inner[c] = inner.pop(a) + inner.pop(b) + avg * size[a] * size[b]
        size[c] = size.pop(a) + size.pop(b)
        items[c] = items.pop(a) + items.pop(b)
        known = [d for d in (first.pop(a), first.pop(b)) if d is not None]
        first[c] = min(known) if known else None
        known = [d for d in (last.pop(a), last.pop(b)) if d is not None]
        last[c] = max(known) if known else None
    return sorted(sorted(g) for g in items.values())


def test_average_linkage_equals_the_naive_algorithm():
    """The heap holds only pairs that can still merge; grouping must equal the
    obvious algorithm's on random graphs, most of whose pairs lie below the threshold."""
    import numpy as np

    from index import stories

    for seed in range(6):
        rng = np.random.default_rng(seed)
        n = 60
        raw = {tuple(sorted(map(int, p))) for p in rng.integers(0, n, size=(500, 2))}
        pairs = {p: float(rng.uniform(0.01, 0.6)) for p in sorted(raw) if p[0] != p[1]}
        dates = [int(d) if d >= 0 else None for d in rng.integers(-3, 30, size=n)]
        left = np.array([a for a, _ in pairs], dtype=np.int64)
        right = np.array([b for _, b in pairs], dtype=np.int64)
        sims = np.array(list(pairs.values()))
        threshold = 0.3
        assert (sims < threshold).mean() > 0.4
        groups, _ = stories._average_linkage(n, (left, right, sims), threshold, dates, 14)
        want = _naive_average_linkage(n, pairs, threshold, dates, 14, stories.SEPARATION)
        assert sorted(sorted(g) for g in groups) == want
        assert any(len(g) > 2 for g in want)


def test_saved_word_keys_give_the_same_profiles(tmp_path, monkeypatch):
    """A one-file update reads the keys of common words from a table a build saved,
    instead of stemming them from cold: the profiles must come out the same, and a
    damaged table is ignored."""
    from index import stories

    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(stories, "_KEYS", {})
    cold = [profile(a) for a in FLOOD]
    stories.save_word_keys()
    monkeypatch.setattr(stories, "_KEYS", {})
    monkeypatch.setattr(stories, "_KEYS_LOADED", False)
    stories.load_word_keys()
    assert len(stories._KEYS) > 20_000 and stories._KEYS["floods"] == "flood"
    assert [profile(a) for a in FLOOD] == cold
    stories._key_table().write_text('{"floods": ', encoding="utf-8")  # torn
    monkeypatch.setattr(stories, "_KEYS", {})
    monkeypatch.setattr(stories, "_KEYS_LOADED", False)
    stories.load_word_keys()
    assert stories._KEYS == {} and not stories._KEYS_LOADED
    assert [profile(a) for a in FLOOD] == cold
