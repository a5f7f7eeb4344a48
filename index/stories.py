"""Group articles that report the same event into stories.

CONTRACT: ``group_stories(articles: Sequence[Article]) -> list[Story]``; every article
id appears in exactly one story.  The indexer stores each article's story id in the
``story`` field.

Method (``benchmarks/stories_report.py`` shows what it does on real corpora):

1. Each article becomes two TF-IDF vectors of stemmed content words: its title, and
   the first ``BODY_WORDS`` content words of its body (the event is in the top of a
   news story; the tail is background), plus canonical entities when the caller has
   them.  IDF is the corpus' own, times general-English rarity, so a five-article
   corpus still knows "said" from "Hamada".
2. Similarity = TITLE_SHARE x title cosine + (1 - TITLE_SHARE) x body cosine, times a
   date factor: 1 within ``SAME_DAYS``, falling to 0 at ``window_days`` (an event is
   covered within days; articles months apart are different events).
3. Candidate pairs come from blocking, never from all pairs: each article's strongest
   shared terms go to an inverted index; postings longer than ``max_df`` are skipped
   (too common to name an event) and dated articles only meet within the window.
4. Average-linkage agglomerative clustering over the candidate graph (absent pairs
   count as 0, so a group must be similar on average, not through a chain), stopping
   at a threshold taken from the corpus itself: NULL_MARGIN x the NULL_QUANTILE of
   random-pair similarity (random pairs are almost all unrelated), within
   [MIN_THRESHOLD, MAX_THRESHOLD]; corpora too small to measure use DEFAULT_THRESHOLD.
"""

from __future__ import annotations

import heapq
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date

from .lexical import STOPWORDS, rarity, stem
from .model import Article, Story

BODY_WORDS = 400  # content words of body text that describe the event
BODY_CHARS = 8 * BODY_WORDS  # enough text to hold them
TITLE_SHARE = 0.3  # weight of title-to-title similarity (the rest is the body's)
ENTITY_WEIGHT = 2.0  # a canonical entity counts like this many mentions of a word
VECTOR_TERMS = 80  # strongest terms kept per vector in corpora above TRUNCATE_ABOVE
TRUNCATE_ABOVE = 2000
TOP_TERMS = 20  # terms per article posted for blocking
PAIR_BUDGET = 300  # blocking visits at most this many pairs per article
PREFILTER = 0.2  # candidates need a strong-term dot product >= PREFILTER x threshold
SAME_DAYS = 3  # date difference that costs nothing
WINDOW_DAYS = 14  # date difference at which two articles can no longer be one event
DEFAULT_THRESHOLD = 0.12  # for corpora too small to measure (< MIN_MEASURE articles)
MIN_MEASURE = 30
NULL_QUANTILE = 0.95  # unrelated pairs rarely reach this quantile of random-pair similarity
NULL_MARGIN = 2.0  # ...and the grouping threshold sits this far above it
MIN_THRESHOLD, MAX_THRESHOLD = 0.08, 0.25
# Two groups of two or more merge only if their link reaches this fraction of the
# tighter group's own average similarity: related events (a bill, then the reaction to
# it days later) are each tight and only loosely linked.
SEPARATION = 0.6


@dataclass(frozen=True)
class Profile:
    """What grouping needs from one article (small: the indexer may hold 100k)."""

    id: str
    title: str
    lead: str
    date: int | None  # proleptic ordinal day
    title_terms: dict[str, int]
    body_terms: dict[str, float]


_WORD = re.compile(r"[a-z][a-z']+")
_KEYS: dict[str, str] = {}  # word -> stem, or "" for words that carry nothing


def _words(text: str) -> list[str]:
    """Stemmed content words (a lighter tokenizer than alignment's: 100k articles)."""
    keys = _KEYS
    if len(keys) > 1_000_000:
        keys.clear()
    out = []
    for w in _WORD.findall(text.lower().replace("’", "'")):
        key = keys.get(w)
        if key is None:
            low = w.split("'", 1)[0]
            key = stem(low) if len(low) > 2 and low not in STOPWORDS else ""
            keys[w] = key
        if key:
            out.append(key)
    return out


def profile(article: Article, entities: Iterable[str] | None = None) -> Profile:
    """Term counts of one article; ``entities`` (canonical names, when the caller has
    them) join the body terms so "DPRK" and "North Korea" count as one thing."""
    title_terms = Counter(_words(article.title or ""))
    body, size = [], 0
    for para in article.paragraphs:
        body.append(para)
        size += len(para)
        if size >= BODY_CHARS:
            break
    words = _words("\n".join(body))
    terms: dict[str, float] = dict(Counter(words[:BODY_WORDS]))
    for name in entities or ():
        key = "=" + _name_key(name)
        terms[key] = terms.get(key, 0) + ENTITY_WEIGHT
    lead = article.paragraphs[0] if article.paragraphs else ""
    return Profile(
        id=article.id,
        title=article.title or "",
        lead=lead[:300],
        date=_ordinal(article.date),
        title_terms=dict(title_terms),
        body_terms=terms,
    )


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", name.lower().replace("-", " ")).strip()


def _ordinal(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        return Date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return None


# --------------------------------------------------------------------------- vectors


@dataclass
class _Vectors:
    profiles: list[Profile]
    titles: list[dict[str, float]]  # unit-length TF-IDF of the title
    bodies: list[dict[str, float]]  # unit-length TF-IDF of the body (+ entities)
    blocking: list[dict[str, float]]  # strongest shared terms and their joint weight


def vectorise(profiles: list[Profile]) -> _Vectors:
    """TF-IDF vectors (title, body) and blocking terms for profiles of one corpus."""
    n = len(profiles)
    df: Counter[str] = Counter()
    for p in profiles:
        df.update(p.body_terms.keys() | p.title_terms.keys())
    base = {
        t: math.log((n + 1) / (d + 0.5)) * (3.0 if t[0] == "=" else rarity(t))
        for t, d in df.items()
    }
    log = math.log

    def weigh(counts: Mapping[str, float]) -> dict[str, float]:
        vec = {t: (1 + log(c)) * base[t] for t, c in counts.items() if c > 0}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        if n > TRUNCATE_ABOVE:
            # Big corpora keep each vector's strongest terms only: the tail carries
            # little of any cosine and most of the cost of computing it.
            vec = dict(sorted(vec.items(), key=lambda tw: tw[1], reverse=True)[:VECTOR_TERMS])
        return {t: w / norm for t, w in vec.items()}

    titles, bodies, blocking = [], [], []
    for p in profiles:
        t, b = weigh(p.title_terms), weigh(p.body_terms)
        titles.append(t)
        bodies.append(b)
        joint: dict[str, float] = defaultdict(float)
        for vec, share in ((t, TITLE_SHARE), (b, 1 - TITLE_SHARE)):
            for term, w in vec.items():
                if df[term] > 1:
                    joint[term] += share * w
        top = sorted(joint, key=joint.__getitem__, reverse=True)[:TOP_TERMS]
        blocking.append({term: joint[term] for term in top})
    return _Vectors(profiles, titles, bodies, blocking)


def _date_factor(a: int | None, b: int | None, window: int) -> float:
    if a is None or b is None:
        return 1.0
    gap = abs(a - b)
    if gap <= SAME_DAYS:
        return 1.0
    if gap >= window:
        return 0.0
    return 1.0 - (gap - SAME_DAYS) / (window - SAME_DAYS)


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    # Key-view intersection runs in C; only the few shared terms are visited in Python.
    return sum(a[t] * b[t] for t in a.keys() & b.keys())


def pair_similarity(v: _Vectors, i: int, j: int, window: int = WINDOW_DAYS) -> float:
    """TITLE_SHARE x title cosine + the rest x body cosine, times the date factor."""
    factor = _date_factor(v.profiles[i].date, v.profiles[j].date, window)
    if factor == 0.0:
        return 0.0
    title = _cos(v.titles[i], v.titles[j]) if v.titles[i] and v.titles[j] else None
    body = _cos(v.bodies[i], v.bodies[j])
    if title is None:  # a title-less article: judge on the body alone
        return factor * body
    return factor * (TITLE_SHARE * title + (1 - TITLE_SHARE) * body)


# --------------------------------------------------------------------------- blocking


def candidate_pairs(
    v: _Vectors, *, window: int = WINDOW_DAYS, budget: int | None = None, floor: float = 0.0
) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, i < j, worth scoring: they share strong terms (each article's
    TOP_TERMS), are close enough in time, and the dot product of those strong terms
    reaches ``floor``.  Terms are taken rarest first while they fit in ``budget`` pair
    visits (PAIR_BUDGET per article), so the work stays linear in the corpus: a term
    too common to fit names a topic, not an event.  Small corpora get every pair."""
    n = len(v.profiles)
    if n < MIN_MEASURE:
        return {(i, j) for i in range(n) for j in range(i + 1, n)}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, terms in enumerate(v.blocking):
        for t in terms:
            postings[t].append(i)
    budget = PAIR_BUDGET * n if budget is None else budget
    dates = [p.date for p in v.profiles]
    score: dict[tuple[int, int], float] = defaultdict(float)
    spent = 0
    for term, docs in sorted(postings.items(), key=lambda kv: len(kv[1])):
        if len(docs) < 2:
            continue
        visits = _count_in_window(docs, dates, window)
        if spent + visits > budget:
            continue  # too common to afford; a later term may still fit its window
        spent += visits
        for i, j in _pairs_in_window(docs, dates, window):
            score[(i, j)] += v.blocking[i][term] * v.blocking[j][term]
    return {pair for pair, s in score.items() if s >= floor}


def _count_in_window(docs: list[int], dates: list[int | None], window: int) -> int:
    """How many pairs ``_pairs_in_window`` would yield, without making them."""
    dated = sorted(dates[i] for i in docs if dates[i] is not None)
    undated = len(docs) - len(dated)
    count = undated * (undated - 1) // 2 + undated * len(dated)
    lo = 0
    for hi in range(len(dated)):
        while dated[hi] - dated[lo] >= window:
            lo += 1
        count += hi - lo
    return count


def _pairs_in_window(docs: list[int], dates: list[int | None], window: int):
    """Pairs of ``docs`` (as (low, high)) whose dates are within ``window`` or unknown."""
    dated = sorted((dates[i], i) for i in docs if dates[i] is not None)
    undated = [i for i in docs if dates[i] is None]
    for x, i in enumerate(undated):
        for j in undated[x + 1 :]:
            yield (i, j) if i < j else (j, i)
        for _, j in dated:
            yield (i, j) if i < j else (j, i)
    lo = 0
    for hi in range(len(dated)):
        while dated[hi][0] - dated[lo][0] >= window:
            lo += 1
        j = dated[hi][1]
        for k in range(lo, hi):
            i = dated[k][1]
            yield (i, j) if i < j else (j, i)


def corpus_threshold(v: _Vectors, rng: random.Random) -> float:
    """Where "more similar than unrelated articles" starts in this corpus: random pairs
    are almost all unrelated (a story rarely holds more than a few percent of a
    corpus), so a high quantile of their similarity, with a margin, marks the start."""
    n = len(v.profiles)
    if n < MIN_MEASURE:
        return DEFAULT_THRESHOLD
    samples = []
    for _ in range(min(5000, 10 * n)):
        i, j = rng.randrange(n), rng.randrange(n - 1)
        j += j >= i
        samples.append(pair_similarity(v, i, j, window=10**6))
    samples.sort()
    q = samples[int(NULL_QUANTILE * (len(samples) - 1))]
    return min(MAX_THRESHOLD, max(MIN_THRESHOLD, q * NULL_MARGIN))


# --------------------------------------------------------------------------- clustering


def _average_linkage(
    n: int,
    edges: dict[tuple[int, int], float],
    threshold: float,
    dates: Sequence[int | None] = (),
    span: int = WINDOW_DAYS,
) -> list[list[int]]:
    """Average linkage over a sparse similarity graph (absent pairs = 0).  A group's
    dated articles must lie within ``span`` days: undated articles may not bridge
    two events months apart."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (i, j), s in edges.items():
        if s >= threshold:
            parent[find(i)] = find(j)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        components[find(i)].append(i)
    inner: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for (i, j), s in edges.items():
        root = find(i)
        if root == find(j) and s > 0:
            inner[root].append((i, j, s))
    out: list[list[int]] = []
    for root, members in components.items():
        if len(members) == 1:
            out.append(members)
        else:
            out.extend(_cluster_component(members, inner[root], threshold, dates, span))
    return out


def _cluster_component(
    members: list[int],
    edges: list[tuple[int, int, float]],
    threshold: float,
    dates: Sequence[int | None] = (),
    span: int = WINDOW_DAYS,
) -> list[list[int]]:
    index = {m: k for k, m in enumerate(members)}
    # sums[c][d] = total similarity between clusters c and d (average = sum / sizes)
    sums: dict[int, dict[int, float]] = {k: {} for k in range(len(members))}
    for i, j, s in edges:
        a, b = index[i], index[j]
        sums[a][b] = s
        sums[b][a] = s
    size = {k: 1 for k in sums}
    inner = {k: 0.0 for k in sums}  # total similarity inside each cluster
    items = {k: [members[k]] for k in sums}
    known = [dates[m] if dates else None for m in members]
    first = {k: d for k, d in enumerate(known)}
    last = dict(first)
    heap = [(-s, a, b) for a, row in sums.items() for b, s in row.items() if a < b]
    heapq.heapify(heap)
    next_id = len(members)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in sums or b not in sums:
            continue
        avg = sums[a].get(b, 0.0) / (size[a] * size[b])
        if abs(avg + neg) > 1e-12:
            continue  # stale entry
        if avg < threshold:
            break
        if (
            size[a] > 1
            and size[b] > 1
            and avg < SEPARATION * min(_cohesion(inner[a], size[a]), _cohesion(inner[b], size[b]))
        ):
            continue  # two established groups, each much tighter than their link
        lo = min((d for d in (first[a], first[b]) if d is not None), default=None)
        hi = max((d for d in (last[a], last[b]) if d is not None), default=None)
        if lo is not None and hi is not None and hi - lo >= span:
            continue  # would put reports weeks apart in one event
        c = next_id
        next_id += 1
        row: dict[int, float] = defaultdict(float)
        for src in (a, b):
            for d, s in sums.pop(src).items():
                if d not in (a, b):
                    row[d] += s
                    sums[d].pop(src, None)
        sums[c] = dict(row)
        first[c], last[c] = lo, hi
        inner[c] = inner.pop(a) + inner.pop(b) + avg * size[a] * size[b]
        size[c] = size.pop(a) + size.pop(b)
        items[c] = items.pop(a) + items.pop(b)
        for d, s in row.items():
            sums[d][c] = s
            heapq.heappush(heap, (-(s / (size[c] * size[d])), min(c, d), max(c, d)))
    return list(items.values())


def _cohesion(total: float, size: int) -> float:
    return total / (size * (size - 1) / 2)


# --------------------------------------------------------------------------- stories


def group_stories(
    articles: Sequence[Article],
    *,
    entities: Mapping[str, Iterable[str]] | None = None,
    threshold: float | None = None,
    window_days: int = WINDOW_DAYS,
) -> list[Story]:
    """Stories of ``articles``: every article in exactly one story, largest first.

    ``entities`` maps an article id to its canonical entity names (the indexer has
    them; they make aliases count as one name).  ``threshold`` overrides the one
    derived from the corpus; ``window_days`` is how far apart in time two reports of
    one event can be.
    """
    profiles = [profile(a, (entities or {}).get(a.id)) for a in articles]
    return stories_from_profiles(profiles, threshold=threshold, window_days=window_days)


def stories_from_profiles(
    profiles: list[Profile], *, threshold: float | None = None, window_days: int = WINDOW_DAYS
) -> list[Story]:
    if not profiles:
        return []
    v = vectorise(profiles)
    if threshold is None:
        threshold = corpus_threshold(v, random.Random(len(profiles)))
    edges = {}
    for i, j in candidate_pairs(v, window=window_days, floor=PREFILTER * threshold):
        s = pair_similarity(v, i, j, window_days)
        if s > 0:
            edges[(i, j)] = s
    dates = [p.date for p in profiles]
    groups = _average_linkage(len(profiles), edges, threshold, dates, window_days)
    stories = [_story(v, g, edges) for g in groups]
    stories.sort(key=lambda s: (-len(s.article_ids), s.date or "9999", s.id))
    return stories


def story_id(first_article_id: str) -> str:
    """A story's id: its first article's (earliest date, then id).  So the story an
    article forms alone is known without grouping anything (the indexer's provisional
    value, which the corpus pass then corrects)."""
    return f"s-{first_article_id}"


def _story(v: _Vectors, members: list[int], edges: dict[tuple[int, int], float]) -> Story:
    profiles = [v.profiles[i] for i in members]
    first = min(profiles, key=lambda p: (p.date if p.date is not None else 10**9, p.id))
    ordered = sorted(profiles, key=lambda p: (p.date if p.date is not None else 10**9, p.id))
    central = max(
        members,
        key=lambda i: (
            sum(edges.get((min(i, j), max(i, j)), 0.0) for j in members if j != i),
            -len(v.profiles[i].title),
        ),
    )
    dates = [p.date for p in profiles if p.date is not None]
    return Story(
        id=story_id(first.id),
        label=_label(v.profiles[central]),
        article_ids=tuple(p.id for p in ordered),
        date=Date.fromordinal(min(dates)).isoformat() if dates else None,
    )


def _label(p: Profile, limit: int = 80) -> str:
    """A headline-like phrase: the most central article's title, else its first words."""
    text = p.title.strip() or p.lead.strip()
    text = re.sub(r"\s+", " ", text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-") + "…"
