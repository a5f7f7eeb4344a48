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
5. A full grouping also returns a ``StoryModel`` (corpus size, threshold, document
   frequencies): a small update regroups a neighbourhood of the corpus with it, as
   the full pass would have (its own statistics would split stories).
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import random
import re
import zipfile
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np

from .files import replace_file
from .lexical import STOPWORDS, package_version, rarity, stem
from .lookups import look_up
from .model import Article, Story

BODY_WORDS = 400  # content words of body text that describe the event
BODY_CHARS = 8 * BODY_WORDS  # enough text to hold them
TITLE_SHARE = 0.3  # weight of title-to-title similarity (the rest is the body's)
ENTITY_WEIGHT = 2  # a canonical entity counts like this many mentions of a word
COUNT_MAX = 65_535  # counts are kept as uint16 (a body holds at most BODY_WORDS words)
VECTOR_TERMS = 80  # strongest terms kept per vector in corpora above TRUNCATE_ABOVE
TRUNCATE_ABOVE = 2000
TOP_TERMS = 20  # terms per article posted for blocking
PAIR_SLICE = 65_536  # blocking pairs made at once from one term (bounds temporaries)
FOLD_AT = 2_000_000  # blocking visits summed into distinct pairs this many at a time
FOLD_PART = 250_000  # pair keys sorted at once when summing blocking scores
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
HEAP_SLACK = 10_000  # stale heap entries tolerated beyond the live pairs before a clean-up


@dataclass(frozen=True)
class Profile:
    """What grouping needs from one article (small: the indexer may hold 100k)."""

    id: str
    title: str
    lead: str
    date: int | None  # proleptic ordinal day
    title_terms: dict[str, int]
    body_terms: dict[str, int]


_WORD = re.compile(r"[a-z][a-z']+")
_KEYS: dict[str, str] = {}  # word -> stem, or "" for words that carry nothing


def _words(text: str) -> list[str]:
    """Stemmed content words (a lighter tokenizer than alignment's: 100k articles)."""
    keys = _KEYS
    if len(keys) > 1_000_000:
        keys.clear()
    words = _WORD.findall(text.lower().replace("’", "'"))
    return list(filter(None, look_up(keys.get, words, _new_key)))  # "": carries nothing


def _new_key(word: str) -> str:
    key = _KEYS.get(word)  # (a new word met twice is keyed once)
    if key is None:
        key = _KEYS[word] = _key(word)
    return key


def _key(word: str) -> str:
    low = word.split("'", 1)[0]
    return stem(low) if len(low) > 2 and low not in STOPWORDS else ""


KEY_TABLE_WORDS = 30_000  # the commonest English words whose keys are kept on disk


def save_word_keys() -> None:
    """Keep the keys of the commonest English words in the cache folder, once (a build
    calls this: ~0.7 s).  A one-file update profiles ~30 stored articles in a fresh
    process, and stemming their ~3,000 distinct words from cold took ~60 ms of it;
    reading the table back takes ~10 ms (``load_word_keys``)."""
    path = _key_table()
    if path.exists():
        return
    from wordfreq import top_n_list

    table = {w: _key(w) for w in top_n_list("en", KEY_TABLE_WORDS) if _WORD.fullmatch(w)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, json.dumps(table, separators=(",", ":")))
    except OSError:
        pass  # a cache only: updates then stem from cold


def load_word_keys() -> None:
    """Fill this process' word -> key cache from the saved table, if there is one (once:
    the app's process runs many updates)."""
    global _KEYS_LOADED
    if _KEYS_LOADED:
        return
    try:
        table = json.loads(_key_table().read_bytes())
    except (OSError, ValueError):
        return
    if isinstance(table, dict) and set(map(type, table.values())) <= {str}:
        _KEYS.update(table)
        _KEYS_LOADED = True


_KEYS_LOADED = False


def _key_table() -> Path:
    """Named after what decides a key: the stemmer, the word list and the stopwords."""
    from .paths import cache_root

    stop = hashlib.blake2b(" ".join(sorted(STOPWORDS)).encode(), digest_size=4).hexdigest()
    versions = f"{package_version('whoosh-reloaded')}-{package_version('wordfreq')}"
    name = f"keys-{versions}-{stop}-{KEY_TABLE_WORDS}.json"
    return cache_root() / "words" / name


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
    terms: dict[str, int] = dict(Counter(words[:BODY_WORDS]))
    for name in entities or ():
        key = "=" + _name_key(name)
        terms[key] = min(COUNT_MAX, terms.get(key, 0) + ENTITY_WEIGHT)
    lead = article.paragraphs[0] if article.paragraphs else ""
    return Profile(
        id=article.id,
        title=article.title or "",
        lead=lead[:300],
        date=_ordinal(article.date),
        title_terms=dict(title_terms),
        body_terms=terms,
    )


def _rarity(term: str) -> float:
    return 3.0 if term[0] == "=" else rarity(term)  # "=name": a canonical entity


@lru_cache(maxsize=65536)  # canonical names recur across a corpus
def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", name.lower().replace("-", " ")).strip()


def _ordinal(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        return Date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return None


# --------------------------------------------------------------------------- profiles


class ProfileTable:
    """The profiles of a corpus in columns: every article's term ids and counts in flat
    arrays (CSR) rather than two dicts per article, so grouping 100k articles holds
    ~2 KB per article instead of ~9 KB, and weighting runs in NumPy."""

    def __init__(self, profiles: Iterable[Profile] = (), spill: Path | None = None) -> None:
        """With ``spill`` (a file name prefix), the term counts go to files there as
        they arrive instead of staying in memory: a 100k-article build's parent would
        otherwise hold ~135 MB of counts from the first file read to the story pass."""
        self.vocab: dict[str, int] = {}
        self.ids: list[str] = []
        self.titles: list[str] = []
        self.leads: list[str] = []  # kept only for title-less articles (their label)
        self.dates: list[int | None] = []
        # each term's general-English rarity (entities: a fixed weight), found when the
        # term first appears: a build's workers ship it with their chunk, so the parent
        # never loads the 300k-word frequency list (~35 MB) for the weighing
        self.rarity = array("d")
        self._title = _Rows(spill and spill.with_name(spill.name + "-title"))
        self._body = _Rows(spill and spill.with_name(spill.name + "-body"))
        for p in profiles:
            self.add(p)

    def add(self, p: Profile) -> None:
        self.ids.append(p.id)
        self.titles.append(p.title)
        self.leads.append("" if p.title.strip() else p.lead)
        self.dates.append(p.date)
        for rows, terms in ((self._title, p.title_terms), (self._body, p.body_terms)):
            rows.add(look_up(self.vocab.get, list(terms), self._term_id), terms.values())

    def _term_id(self, term: str, rare: float | None = None) -> int:
        i = self.vocab.get(term)
        if i is None:
            i = self.vocab[term] = len(self.vocab)
            self.rarity.append(rare if rare is not None else _rarity(term))
        return i

    def extend(self, other: ProfileTable) -> None:
        """Append another table's profiles (a worker's chunk) in a few array operations:
        a build's parent gets one small table per chunk instead of 100k Profile objects,
        whose freed dicts would leave its memory fragmented for the rest of the build."""
        self.ids.extend(other.ids)
        self.titles.extend(other.titles)
        self.leads.extend(other.leads)
        self.dates.extend(other.dates)
        remap = np.array(
            [self._term_id(t, r) for t, r in zip(other.terms(), other.rarity, strict=True)],
            dtype=np.int32,
        )
        for mine, theirs in ((self._title, other._title), (self._body, other._body)):
            ptr, terms, counts = theirs.arrays()
            mine.append(ptr, remap[terms], counts)

    def __len__(self) -> int:
        return len(self.ids)

    def drop_terms(self) -> None:
        """Free the term counts once they are weighed (ids, titles and dates stay)."""
        self._title.drop()
        self._body.drop()
        self._title = _Rows()
        self._body = _Rows()

    def terms(self) -> list[str]:
        """Term strings by id."""
        out = [""] * len(self.vocab)
        for term, i in self.vocab.items():
            out[i] = term
        return out


class _Rows:
    """Rows of (term id, count) appended one article at a time (CSR in the making);
    given a ``spill`` path, the terms and counts are appended to files there (only
    the row pointers stay in memory) and read back a block of rows at a time."""

    def __init__(self, spill: Path | None = None) -> None:
        self.ptr = array("q", [0])
        self.terms = array("i")
        self.counts = array("H")  # counts and entity weights: small integers
        self._files: tuple[Path, Path] | None = None
        if spill is not None:
            self._files = (spill.with_suffix(".terms"), spill.with_suffix(".counts"))
            for f in self._files:
                f.write_bytes(b"")

    def add(self, term_ids: list[int], counts: Iterable[int]) -> None:
        if self._files is not None:
            self.append(
                np.array([0, len(term_ids)], dtype=np.int64),
                np.array(term_ids, dtype=np.int32),
                np.fromiter(counts, dtype=np.uint16, count=len(term_ids)),
            )
            return
        self.terms.extend(term_ids)
        self.counts.extend(counts)
        self.ptr.append(len(self.terms))

    def append(self, ptr: np.ndarray, terms: np.ndarray, counts: np.ndarray) -> None:
        """Append rows given as CSR arrays (``ptr`` starting at 0)."""
        self.ptr.extend((ptr[1:] + self.ptr[-1]).tolist())
        if self._files is None:
            self.terms.frombytes(terms.astype(np.int32, copy=False).tobytes())
            self.counts.frombytes(counts.astype(np.uint16, copy=False).tobytes())
            return
        for f, values, dtype in zip(
            self._files, (terms, counts), (np.int32, np.uint16), strict=True
        ):
            with open(f, "ab") as fh:
                fh.write(values.astype(dtype, copy=False).tobytes())

    def __len__(self) -> int:
        return len(self.ptr) - 1

    def block(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows ``lo:hi`` as CSR arrays, their pointers starting at 0."""
        ptr = np.frombuffer(self.ptr, dtype=np.int64)[lo : hi + 1]
        a, b = int(ptr[0]), int(ptr[-1])
        if self._files is None:
            terms = np.frombuffer(self.terms, dtype=np.int32)[a:b]
            counts = np.frombuffer(self.counts, dtype=np.uint16)[a:b]
        else:
            terms = np.fromfile(self._files[0], dtype=np.int32, count=b - a, offset=4 * a)
            counts = np.fromfile(self._files[1], dtype=np.uint16, count=b - a, offset=2 * a)
        return ptr - a, terms, counts

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.block(0, len(self))

    def drop(self) -> None:
        """Remove the spill files (the rows are gone after this)."""
        for f in self._files or ():
            f.unlink(missing_ok=True)


COSINE_ROWS = 64  # rows of a pair batch in _cosines (a dense copy of ~2 MB)
BLOCK_ROWS = 2_000  # articles weighed together: bounds the NumPy temporaries (~40 MB)
# vector weights are kept in single precision (sums and products are done in double):
# at 100k articles the vectors are ~130 MB in double, the story pass' largest part
WEIGHT = np.float32
_Part = tuple[np.ndarray, np.ndarray, np.ndarray]  # (row lengths, terms, weights)


@dataclass
class _CSR:
    """One sparse vector per article: ``terms[ptr[i]:ptr[i+1]]`` and their ``weights``."""

    ptr: np.ndarray
    terms: np.ndarray
    weights: np.ndarray

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.ptr[i], self.ptr[i + 1]
        return self.terms[a:b], self.weights[a:b]

    def lengths(self) -> np.ndarray:
        return np.diff(self.ptr)


# --------------------------------------------------------------------------- vectors


@dataclass
class _Vectors:
    table: ProfileTable
    titles: _CSR  # unit-length TF-IDF of the title
    bodies: _CSR  # unit-length TF-IDF of the body (+ entities)
    blocking: _CSR  # strongest shared terms and their joint weight
    df: np.ndarray  # articles holding each term (the corpus', with a model)
    part: bool = False  # part of a corpus (weighed with its model)


def vectorise(
    profiles: Sequence[Profile] | ProfileTable, model: StoryModel | None = None
) -> _Vectors:
    """TF-IDF vectors (title, body) and blocking terms for profiles of one corpus, or of
    a part of one whose ``model`` (see ``StoryModel``) gives the corpus' frequencies."""
    table = profiles if isinstance(profiles, ProfileTable) else ProfileTable(profiles)
    n, size = len(table), len(table.vocab)
    df = _document_frequency(n, size, table._title, table._body)
    corpus = n
    if model is not None:
        df = np.maximum(df, model.frequency(table.terms()))
        corpus = max(n, model.articles)
    base = np.log((corpus + 1) / (df + 0.5)) * np.array(table.rarity, dtype=np.float64)
    keep = VECTOR_TERMS if corpus > TRUNCATE_ABOVE else None
    titles = _weigh(table._title, base, keep)
    bodies = _weigh(table._body, base, keep)
    # the raw counts are the biggest part of a profile table (~130 MB at 100k articles)
    table.drop_terms()
    blocking = _blocking(titles, bodies, df, size)
    return _Vectors(table, titles, bodies, blocking, df, part=model is not None)


def _row_ids(ptr: np.ndarray, dtype: type = np.int64) -> np.ndarray:
    return np.repeat(np.arange(len(ptr) - 1, dtype=dtype), np.diff(ptr))


def _document_frequency(n: int, size: int, *parts: _Rows) -> np.ndarray:
    """Articles holding each term (in the title or the body), a block of rows at a time."""
    df = np.zeros(size, dtype=np.int64)
    for lo in range(0, n, BLOCK_ROWS):
        hi = min(n, lo + BLOCK_ROWS)
        keys = []
        for rows in parts:
            ptr, terms, _ = rows.block(lo, hi)
            keys.append((_row_ids(ptr) + lo) * size + terms)
        unique = _unique(np.concatenate(keys))
        df += np.bincount(unique % size, minlength=size)
    return df


def _unique(keys: np.ndarray) -> np.ndarray:
    """``np.unique(keys)`` by sorting: NumPy 2.3+ answers plain ``np.unique`` with a
    hash table that takes ~2 s for the 2.5M keys of a 10k-article block (a sort: 0.05 s)."""
    keys = np.sort(keys)
    return keys[_run_starts(keys)]


def _run_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """True where a run of equal keys begins in a sorted array."""
    first = np.empty(len(sorted_keys), dtype=bool)
    first[:1] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=first[1:])
    return first


def _by_blocks(
    n: int, rows_of: Callable[[int, int], _Part], lengths: np.ndarray | None = None
) -> _CSR:
    """One CSR from ``rows_of(lo, hi)`` run over blocks of rows: the whole corpus'
    temporaries at once would cost ~1 GB at 100k articles.  Given each row's output
    ``lengths`` up front, blocks are written straight into the result instead of being
    joined at the end (which holds the result twice)."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    if lengths is not None:
        np.cumsum(lengths, out=ptr[1:])
        terms = np.empty(int(ptr[-1]), dtype=np.int32)
        weights = np.empty(int(ptr[-1]), dtype=WEIGHT)
        for lo in range(0, n, BLOCK_ROWS):
            hi = min(n, lo + BLOCK_ROWS)
            _, block_terms, block_weights = rows_of(lo, hi)
            terms[ptr[lo] : ptr[hi]] = block_terms
            weights[ptr[lo] : ptr[hi]] = block_weights
        return _CSR(ptr, terms, weights)
    parts = [rows_of(lo, min(n, lo + BLOCK_ROWS)) for lo in range(0, n, BLOCK_ROWS)]
    if not parts:
        return _CSR(ptr, np.zeros(0, np.int32), np.zeros(0, WEIGHT))
    np.cumsum(np.concatenate([p[0] for p in parts]), out=ptr[1:])
    weights = np.concatenate([p[2].astype(WEIGHT) for p in parts])
    return _CSR(ptr, np.concatenate([p[1] for p in parts]), weights)


def _weigh(rows: _Rows, base: np.ndarray, keep: int | None) -> _CSR:
    """Unit-length (1 + log count) x base weights per row; with ``keep``, only each row's
    strongest terms stay (the tail carries little of any cosine and most of its cost),
    still divided by the full norm."""

    def rows_of(lo: int, hi: int) -> _Part:
        return _weigh_rows(*rows.block(lo, hi), base, keep)

    n = len(rows)
    lengths = np.zeros(n, dtype=np.int64)  # each row's positive counts, at most ``keep``
    for lo in range(0, n, BLOCK_ROWS):
        hi = min(n, lo + BLOCK_ROWS)
        ptr, _, counts = rows.block(lo, hi)
        lengths[lo:hi] = np.bincount(_row_ids(ptr)[counts > 0], minlength=hi - lo)
    if keep is not None:
        np.minimum(lengths, keep, out=lengths)
    return _by_blocks(n, rows_of, lengths)


def _weigh_rows(
    ptr: np.ndarray, terms: np.ndarray, counts: np.ndarray, base: np.ndarray, keep: int | None
) -> _Part:
    """``_weigh`` for one block of rows."""
    n = len(ptr) - 1
    positive = counts > 0
    rows = _row_ids(ptr)[positive]
    terms = terms[positive]
    w = (1 + np.log(counts[positive].astype(np.float64))) * base[terms]
    norm = np.sqrt(np.bincount(rows, weights=w * w, minlength=n))
    norm[norm == 0] = 1.0
    w = w / norm[rows]
    if keep is not None:
        rows, terms, w = _strongest(rows, terms, w, n, keep)
    return np.bincount(rows, minlength=n), terms.astype(np.int32), w


def _strongest(
    rows: np.ndarray, terms: np.ndarray, w: np.ndarray, n: int, keep: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``keep`` heaviest entries, rows in order, heaviest first (a stable
    sort: equal weights keep their order)."""
    order = _heaviest_first(rows, w)
    rows, terms, w = rows[order], terms[order], w[order]
    starts = np.searchsorted(rows, np.arange(n))
    chosen = np.arange(len(rows)) - starts[rows] < keep
    return rows[chosen], terms[chosen], w[chosen]


def _heaviest_first(rows: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``np.lexsort((-w, rows))``, ~5x faster: one float sort of ``4 x row - weight``
    keeps rows apart while weights lie in [0, 1] (they are unit-vector parts).  Two
    weights closer than the key's precision could come out in another order, so the
    result is checked against lexsort's (row, heaviest, earliest) order and lexsort
    runs only if it fails: the same order either way, bit for bit."""
    if not len(w) or not (w.min() >= 0.0 and w.max() <= 1.0):  # NaN fails too
        return np.lexsort((-w, rows))
    order = np.argsort(rows * 4.0 - w, kind="stable")
    r, v = rows[order], w[order]
    same = r[1:] == r[:-1]
    wrong = (r[1:] < r[:-1]) | (
        same & ((v[1:] > v[:-1]) | ((v[1:] == v[:-1]) & (order[1:] < order[:-1])))
    )
    return np.lexsort((-w, rows)) if wrong.any() else order


def _blocking(titles: _CSR, bodies: _CSR, df: np.ndarray, size: int) -> _CSR:
    """Each article's TOP_TERMS terms by TITLE_SHARE x title + the rest x body weight,
    among terms another article also has."""
    return _by_blocks(
        len(titles.ptr) - 1, lambda lo, hi: _blocking_rows(titles, bodies, df, size, lo, hi)
    )


def _blocking_rows(
    titles: _CSR, bodies: _CSR, df: np.ndarray, size: int, lo: int, hi: int
) -> _Part:
    rows_parts, term_parts, weight_parts = [], [], []
    for vecs, share in ((titles, TITLE_SHARE), (bodies, 1 - TITLE_SHARE)):
        a, b = vecs.ptr[lo], vecs.ptr[hi]
        rows_parts.append(_row_ids(vecs.ptr[lo : hi + 1] - a))
        term_parts.append(vecs.terms[a:b].astype(np.int64))
        weight_parts.append(share * vecs.weights[a:b])
    rows = np.concatenate(rows_parts)
    terms = np.concatenate(term_parts)
    w = np.concatenate(weight_parts)
    shared = df[terms] > 1
    rows, terms, w = rows[shared], terms[shared], w[shared]
    keys, inverse = np.unique(rows * size + terms, return_inverse=True)
    joint = np.bincount(inverse, weights=w, minlength=len(keys))
    count = hi - lo
    rows, terms, joint = _strongest(keys // size, keys % size, joint, count, TOP_TERMS)
    return np.bincount(rows, minlength=count), terms.astype(np.int32), joint


def _date_factors(v: _Vectors, i: np.ndarray, j: np.ndarray, window: int) -> np.ndarray:
    """1 within SAME_DAYS, falling to 0 at ``window``; 1 when either date is unknown."""
    # an array of every article's date, indexed (lists of 2M pairs' dates: ~130 MB)
    dates = np.array([-1 if d is None else d for d in v.table.dates], np.int64)
    di, dj = dates[i], dates[j]
    gap = np.abs(di - dj).astype(np.float64)
    factor = np.clip(1.0 - (gap - SAME_DAYS) / (window - SAME_DAYS), 0.0, 1.0)
    factor[gap <= SAME_DAYS] = 1.0
    factor[(di < 0) | (dj < 0)] = 1.0
    return factor


def _cosines(vecs: _CSR, i: np.ndarray, j: np.ndarray, size: int) -> np.ndarray:
    """Dot products of rows ``i[k]`` and ``j[k]``.  Pairs are scored COSINE_ROWS
    distinct ``i`` rows at a time against a small dense copy of those rows (one column
    per term they hold): a loop per row cost ~25 µs of NumPy calls, most of the time
    at 100k articles.  Each dot product is summed in ``j``'s row order, as before."""
    out = np.zeros(len(i), dtype=np.float64)
    if not len(i):
        return out
    if np.any(i[1:] < i[:-1]):
        order = np.argsort(i, kind="stable")
        si, sj = i[order], j[order]
    else:  # candidate pairs come sorted: no copies
        order, si, sj = None, i, j
    ptr, terms, weights = vecs.ptr, vecs.terms, vecs.weights
    firsts = np.r_[0, np.flatnonzero(np.diff(si)) + 1]  # where each distinct i starts
    bounds = np.r_[firsts, len(si)]
    column = np.zeros(size, dtype=np.int64)  # term -> its column in ``dense``; 0: none
    for g in range(0, len(firsts), COSINE_ROWS):
        heads = firsts[g : g + COSINE_ROWS]
        a, b = int(heads[0]), int(bounds[g + len(heads)])
        left = si[heads]
        iflat, irow = _entries(ptr, left)
        iterms = terms[iflat]
        cols = np.unique(iterms)
        column[cols] = np.arange(1, len(cols) + 1)
        dense = np.zeros((len(left), len(cols) + 1), dtype=np.float64)
        dense[irow, column[iterms]] = weights[iflat]
        pair_row = np.repeat(np.arange(len(left)), np.diff(bounds[g : g + len(heads) + 1]))
        jflat, owner = _entries(ptr, sj[a:b])
        prod = dense[pair_row[owner], column[terms[jflat]]] * weights[jflat]
        dots = np.bincount(owner, weights=prod, minlength=b - a)
        column[cols] = 0
        if order is None:
            out[a:b] = dots
        else:
            out[order[a:b]] = dots
    return out


def _entries(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The flat indexes of ``rows``' entries (rows in the given order) and, for each,
    its row's position in ``rows``."""
    starts, lengths = ptr[rows], ptr[rows + 1] - ptr[rows]
    return _ranges(starts, lengths), np.repeat(np.arange(len(rows)), lengths)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[k], starts[k] + 1, ... (lengths[k] of them)`` for every k, joined."""
    flat = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    flat += np.arange(len(flat))
    return flat


def similarities(
    v: _Vectors, i: np.ndarray, j: np.ndarray, window: int = WINDOW_DAYS
) -> np.ndarray:
    """TITLE_SHARE x title cosine + the rest x body cosine, times the date factor, for
    each pair ``(i[k], j[k])``; a title-less article is judged on the body alone."""
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    size = len(v.table.vocab)
    # in place, one array at a time: at 100k articles each is ~15 MB (2M pairs)
    body = _cosines(v.bodies, i, j, size)
    mixed = _cosines(v.titles, i, j, size)
    mixed *= TITLE_SHARE
    mixed += (1 - TITLE_SHARE) * body
    lengths = v.titles.lengths()
    both = lengths[i] > 0
    both &= lengths[j] > 0
    np.copyto(body, mixed, where=both)  # body alone where either title is missing
    del mixed, both
    body *= _date_factors(v, i, j, window)
    return body


# --------------------------------------------------------------------------- blocking


def candidate_pairs(
    v: _Vectors, *, window: int = WINDOW_DAYS, budget: int | None = None, floor: float = 0.0
) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, i < j, worth scoring (see ``_candidates``)."""
    i, j = _candidates(v, window=window, budget=budget, floor=floor)
    return set(zip(i.tolist(), j.tolist(), strict=True))


def _candidates(
    v: _Vectors, *, window: int = WINDOW_DAYS, budget: int | None = None, floor: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (as two arrays, i < j, sorted) worth scoring: they share strong terms (each
    article's TOP_TERMS), are close enough in time, and the dot product of those strong
    terms reaches ``floor``.  Terms are taken rarest first while they fit in ``budget``
    pair visits (PAIR_BUDGET per article), so the work stays linear in the corpus: a
    term too common to fit names a topic, not an event.  Small corpora get every pair.
    Scores are summed in arrays, folded every few million visits, so memory stays
    proportional to the distinct pairs, not the visits."""
    n = len(v.table)
    if n < MIN_MEASURE and not v.part:  # a part of a corpus pairs up as the corpus did
        left, right = np.triu_indices(n, 1)
        return left.astype(np.int64), right.astype(np.int64)
    blk = v.blocking
    if not len(blk.terms):  # no article shares a strong term with another
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # (int32: at 100k articles these postings are 2M entries, held through the loop)
    rows = _row_ids(blk.ptr, np.int32)
    # postings: by term, rows ascending; terms visited by posting length, then by
    # where they first appear (the order a dict of postings would have)
    by_term = np.argsort(blk.terms, kind="stable").astype(np.int32)
    terms_sorted = blk.terms[by_term]
    cuts = np.flatnonzero(np.diff(terms_sorted)) + 1
    del terms_sorted
    starts, ends = np.r_[0, cuts], np.r_[cuts, len(by_term)]
    visit = np.lexsort((by_term[starts], ends - starts))
    budget = PAIR_BUDGET * n if budget is None else budget
    dates = v.table.dates
    days = np.array([_UNDATED if d is None else d for d in dates], dtype=np.int64)
    weights = blk.weights
    keys: array = array("q")
    scores: array = array("d")
    folded = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
    spent = 0
    for t in visit.tolist():
        a, b = int(starts[t]), int(ends[t])
        if b - a < 2:
            continue
        entries = by_term[a:b]
        docs = rows[entries]
        term_days = days[docs]
        if (term_days != _UNDATED).all():  # the common case, in arrays
            by_day = np.argsort(term_days, kind="stable")  # (date, article), as sorted()
            sorted_days = term_days[by_day]
            lo = np.searchsorted(sorted_days, sorted_days - window, side="right")
            counts = np.arange(len(lo)) - lo  # earlier articles within the window
            visits = int(counts.sum())
            if spent + visits > budget:
                continue  # too common to afford; a later term may still fit its window
            spent += visits
            ids = docs[by_day].astype(np.int64)  # (pair keys go past 2**31)
            w = weights[entries][by_day].astype(np.float64)
            # a common term makes millions of pairs: made PAIR_SLICE at a time, its
            # temporaries stay a few MB (all at once they lifted the 100k peak by ~20 MB)
            done = np.cumsum(counts)
            cuts = np.searchsorted(done, np.arange(PAIR_SLICE, visits, PAIR_SLICE), "right")
            for h0, h1 in pairwise([0, *cuts.tolist(), len(lo)]):
                part = counts[h0:h1]
                later = np.repeat(np.arange(h0, h1), part)
                earlier = _ranges(lo[h0:h1], part)
                i, j = ids[earlier], ids[later]
                keys.frombytes((np.minimum(i, j) * n + np.maximum(i, j)).tobytes())
                scores.frombytes((w[earlier] * w[later]).tobytes())
        else:
            docs_list = docs.tolist()
            visits = _count_in_window(docs_list, dates, window)
            if spent + visits > budget:
                continue
            spent += visits
            wd = dict(zip(docs_list, weights[entries].tolist(), strict=True))
            for i, j in _pairs_in_window(docs_list, dates, window):
                keys.append(i * n + j)
                scores.append(wd[i] * wd[j])
        if len(keys) > FOLD_AT:
            batch = [*folded, keys, scores]
            del folded, keys, scores
            folded = _fold(batch)
            keys, scores = array("q"), array("d")
    del rows, by_term  # the postings are done with: room for the last fold
    batch = [*folded, keys, scores]
    del folded, keys, scores
    pair_keys, pair_scores = _fold(batch)
    chosen = pair_keys[pair_scores >= floor]
    return chosen // n, chosen % n


def _fold(batch: list) -> tuple[np.ndarray, np.ndarray]:
    """Sum the scores of equal pair keys: ``batch`` is [folded keys (sorted, unique),
    their scores, new visits' keys (array "q"), their scores (array "d")].

    Key range by key range (about FOLD_PART entries each), a stable sort then one
    pass: sorting all ~6M keys at once held four arrays of them plus the inputs,
    the 100k story pass' peak.  Equal keys are summed in visiting order (the folded
    sum first), as ``np.unique`` + ``bincount`` over everything would.  ``batch`` is
    emptied, so what the caller passed is freed once it is folded.
    """
    folded_keys, folded_scores, keys, scores = batch
    batch.clear()
    new_keys = np.frombuffer(keys, dtype=np.int64)
    new_scores = np.frombuffer(scores, dtype=np.float64)
    total = len(folded_keys) + len(new_keys)
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    present = [k for k in (folded_keys, new_keys) if len(k)]
    lowest = min(int(k.min()) for k in present)
    beyond = max(int(k.max()) for k in present) + 1
    bounds = np.linspace(lowest, beyond, -(-total // FOLD_PART) + 1).astype(np.int64)
    bounds[-1] = beyond  # (exact, whatever the float rounding)
    out_keys, out_scores = [], []
    for lo, hi in pairwise(bounds.tolist()):
        a, b = np.searchsorted(folded_keys, [lo, hi])
        mine = (new_keys >= lo) & (new_keys < hi)
        part_keys = np.concatenate([folded_keys[a:b], new_keys[mine]])
        part_scores = np.concatenate([folded_scores[a:b], new_scores[mine]])
        del mine
        order = np.argsort(part_keys, kind="stable")
        part_keys, part_scores = part_keys[order], part_scores[order]
        del order
        first = _run_starts(part_keys)
        unique = part_keys[first]
        group = np.cumsum(first) - 1
        out_keys.append(unique)
        out_scores.append(np.bincount(group, weights=part_scores, minlength=len(unique)))
    del folded_keys, folded_scores, new_keys, new_scores, keys, scores
    return np.concatenate(out_keys), np.concatenate(out_scores)


_UNDATED = np.iinfo(np.int64).min  # an article without a date, in an array of days


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
    n = len(v.table)
    if n < MIN_MEASURE:
        return DEFAULT_THRESHOLD
    left, right = [], []
    for _ in range(min(5000, 10 * n)):
        i, j = rng.randrange(n), rng.randrange(n - 1)
        j += j >= i
        left.append(i)
        right.append(j)
    samples = sorted(similarities(v, np.array(left), np.array(right), window=10**6).tolist())
    q = samples[int(NULL_QUANTILE * (len(samples) - 1))]
    return min(MAX_THRESHOLD, max(MIN_THRESHOLD, q * NULL_MARGIN))


# --------------------------------------------------------------------------- clustering


def _average_linkage(
    n: int,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray] | list[np.ndarray],
    threshold: float,
    dates: Sequence[int | None] = (),
    span: int = WINDOW_DAYS,
) -> tuple[list[list[int]], list[float]]:
    """Average linkage over a sparse similarity graph ``(i, j, similarity)`` (absent
    pairs = 0).  A group's dated articles must lie within ``span`` days: undated
    articles may not bridge two events months apart.  Returns the groups and each
    article's summed similarity to the other members of its group.

    Given ``edges`` as a list, this empties it: its arrays (~45 MB at 100k articles)
    are freed as soon as the filtered copies exist, not after the clustering."""
    left, right, sims = edges
    if isinstance(edges, list):
        edges.clear()
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    strong = sims >= threshold
    for i, j in zip(left[strong].tolist(), right[strong].tolist(), strict=True):
        parent[find(i)] = find(j)
    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    components: dict[int, list[int]] = defaultdict(list)
    for i, root in enumerate(roots.tolist()):
        components[root].append(i)
    inside = (roots[left] == roots[right]) & (sims > 0)
    left, right, sims = left[inside], right[inside], sims[inside]
    # each component's edges as one slice, in their original order (a stable sort):
    # Python tuples are made for one component at a time, not for every edge at once
    order = np.argsort(roots[left], kind="stable")
    left, right, sims = left[order], right[order], sims[order]
    edge_roots = roots[left]
    kept = np.zeros(len(left), dtype=bool)  # edges inside the final groups
    out: list[list[int]] = []
    group_of = np.zeros(n, dtype=np.int64)  # per component: its members' group
    for root, members in components.items():
        if len(members) == 1:
            out.append(members)
            continue
        a, b = np.searchsorted(edge_roots, [root, root + 1])
        mine = (left[a:b], right[a:b], sims[a:b])
        groups = _cluster_component(members, mine, threshold, dates, span)
        for g, members_g in enumerate(groups):
            group_of[members_g] = g
        kept[a:b] = group_of[mine[0]] == group_of[mine[1]]
        out.extend(groups)
    # each article's total similarity to the rest of its group (a dict of the kept
    # edges was ~100 MB at 100k articles, the story pass' peak)
    centrality = np.bincount(left[kept], weights=sims[kept], minlength=n)
    centrality += np.bincount(right[kept], weights=sims[kept], minlength=n)
    return out, centrality.tolist()


def _cluster_component(
    members: list[int],
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    threshold: float,
    dates: Sequence[int | None] = (),
    span: int = WINDOW_DAYS,
) -> list[list[int]]:
    """Average linkage inside one connected component: ``members`` ascending, ``edges``
    its unique pairs (i < j) as arrays.  Stale heap entries (pairs of clusters merged
    away) are dropped whenever they outnumber the live pairs, so the heap of a 65k-article
    component does not grow to millions of entries."""
    local = np.asarray(members)
    firsts = np.searchsorted(local, edges[0]).tolist()
    seconds = np.searchsorted(local, edges[1]).tolist()
    values = edges[2].tolist()
    # sums[c][d] = total similarity between clusters c and d (average = sum / sizes)
    sums: dict[int, dict[int, float]] = {k: {} for k in range(len(members))}
    for a, b, s in zip(firsts, seconds, values, strict=True):
        sums[a][b] = s
        sums[b][a] = s
    # only pairs at or above the threshold go on the heap (``sums`` keeps them all): one
    # below it would pop after every pair above it, when no merge is possible any
    # more, and could only end the loop, as an empty heap does
    heap = [(-s, a, b) for a, b, s in zip(firsts, seconds, values, strict=True) if s >= threshold]
    live = len(firsts)  # pairs of current clusters
    del firsts, seconds, values
    heapq.heapify(heap)
    size = {k: 1 for k in sums}
    inner = {k: 0.0 for k in sums}  # total similarity inside each cluster
    items = {k: [members[k]] for k in sums}
    known = [dates[m] if dates else None for m in members]
    first = {k: d for k, d in enumerate(known)}
    last = dict(first)
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
        fa, fb, la, lb = first[a], first[b], last[a], last[b]
        lo = fb if fa is None else fa if fb is None else min(fa, fb)
        hi = lb if la is None else la if lb is None else max(la, lb)
        if lo is not None and hi is not None and hi - lo >= span:
            continue  # would put reports weeks apart in one event
        c = next_id
        next_id += 1
        live -= len(sums[a]) + len(sums[b]) - 1
        row: dict[int, float] = defaultdict(float)
        for src in (a, b):
            for d, s in sums.pop(src).items():
                if d not in (a, b):
                    row[d] += s
                    sums[d].pop(src, None)
        sums[c] = dict(row)
        live += len(row)
        first[c], last[c] = lo, hi
        inner[c] = inner.pop(a) + inner.pop(b) + avg * size[a] * size[b]
        size[c] = size.pop(a) + size.pop(b)
        items[c] = items.pop(a) + items.pop(b)
        push, size_c = heapq.heappush, size[c]
        for d, s in row.items():  # d < c: every older cluster's id is smaller
            sums[d][c] = s
            link = s / (size_c * size[d])
            if link >= threshold:
                push(heap, (-link, d, c))
        if len(heap) > 2 * live + HEAP_SLACK:
            heap = [e for e in heap if e[1] in sums and e[2] in sums]
            heapq.heapify(heap)
    return list(items.values())


def _cohesion(total: float, size: int) -> float:
    return total / (size * (size - 1) / 2)


# --------------------------------------------------------------------------- stories


class StoryModel:
    """What a full grouping learned about its corpus: its size, its threshold and how
    many articles hold each term (terms held by two or more; others count as one).

    A small update regroups only a neighbourhood of a few dozen articles.  Weighed by
    the neighbourhood's own statistics, the story's own words look common and every
    pair looks alike, so the threshold rises and stories nobody touched split; weighed
    by the model, the neighbourhood is grouped as the full pass grouped it.
    """

    def __init__(
        self, articles: int, threshold: float, keys: np.ndarray, counts: np.ndarray
    ) -> None:
        self.articles = articles
        self.threshold = threshold
        self.keys = keys  # sorted 64-bit hashes of the terms
        self.counts = counts  # articles holding each

    @classmethod
    def learn(cls, v: _Vectors, threshold: float) -> StoryModel:
        held = np.flatnonzero(v.df > 1)
        terms = v.table.terms()
        keys = _term_keys([terms[i] for i in held.tolist()])
        order = np.argsort(keys)
        counts = np.minimum(v.df[held][order], np.iinfo(np.uint32).max).astype(np.uint32)
        return cls(len(v.table), threshold, keys[order], counts)

    def frequency(self, terms: Sequence[str]) -> np.ndarray:
        """Articles of the corpus holding each term (1 for a term it did not have)."""
        keys = _term_keys(terms)
        at = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        out = np.ones(len(keys), dtype=np.int64)
        if len(self.keys):
            found = self.keys[at] == keys
            out[found] = self.counts[at[found]]
        return out

    def fits(self, articles: int) -> bool:
        """Is it still the corpus' model?  (Within a factor of two of its size: beyond
        that the corpus is another one, and a full pass learns it again.)"""
        return self.articles <= 2 * articles and articles <= 2 * self.articles

    def save(self, path: Path) -> None:
        """Write atomically (a reader never sees half a model); raises OSError."""
        replace_file(path, self._bytes())

    def _bytes(self) -> bytes:
        out = io.BytesIO()  # a file object: given a name, ``np.savez`` would add ".npz"
        np.savez(
            out,
            articles=np.int64(self.articles),
            threshold=np.float64(self.threshold),
            keys=self.keys,
            counts=self.counts,
        )
        return out.getvalue()

    @classmethod
    def load(cls, path: Path) -> StoryModel | None:
        """The saved model, or None (missing, unreadable, or from another version)."""
        try:
            with np.load(path, allow_pickle=False) as z:
                keys, counts = z["keys"], z["counts"]
                if keys.dtype != np.uint64 or counts.shape != keys.shape:
                    return None
                return cls(int(z["articles"]), float(z["threshold"]), keys, counts)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None


def _term_keys(terms: Sequence[str]) -> np.ndarray:
    """A stable 64-bit hash of each term (Python's ``hash`` changes per process)."""
    digests = b"".join(
        hashlib.blake2b(t.encode("utf-8", "replace"), digest_size=8).digest() for t in terms
    )
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def profile_table(
    articles: Iterable[Article], entities: Mapping[str, Iterable[str]] | None = None
) -> ProfileTable:
    """The profiles of ``articles``, one article at a time (a lazy sequence of 100k
    articles is never all in memory)."""
    table = ProfileTable()
    for a in articles:
        table.add(profile(a, (entities or {}).get(a.id)))
    return table


def group_stories(
    articles: Iterable[Article],
    *,
    entities: Mapping[str, Iterable[str]] | None = None,
    threshold: float | None = None,
    window_days: int = WINDOW_DAYS,
    model: StoryModel | None = None,
) -> list[Story]:
    """Stories of ``articles``: every article in exactly one story, largest first.

    ``entities`` maps an article id to its canonical entity names (the indexer has
    them; they make aliases count as one name).  ``threshold`` overrides the one
    derived from the corpus; ``window_days`` is how far apart in time two reports of
    one event can be; ``model`` is the corpus' when ``articles`` are part of one.
    """
    table = profile_table(articles, entities)
    return group_profiles(table, threshold=threshold, window_days=window_days, model=model)[0]


def group_profiles(
    profiles: Sequence[Profile] | ProfileTable,
    *,
    threshold: float | None = None,
    window_days: int = WINDOW_DAYS,
    model: StoryModel | None = None,
) -> tuple[list[Story], StoryModel | None]:
    """Stories, and the model of the corpus: ``model`` itself when given (the profiles
    are part of its corpus), else the one learned from these profiles."""
    if not len(profiles):
        return [], model
    v = vectorise(profiles, model)
    n = len(v.table)
    if threshold is None:
        threshold = model.threshold if model else corpus_threshold(v, random.Random(n))
    if model is None:
        model = StoryModel.learn(v, threshold)
    left, right = _candidates(v, window=window_days, floor=PREFILTER * threshold)
    sims = similarities(v, left, right, window_days)
    scored = sims > 0
    edges = [left[scored], right[scored], sims[scored]]
    # clustering needs only the scored edges and the table: at 100k articles the
    # vectors and unscored candidates are ~200 MB the clustering's own peak would add to
    table = v.table
    del v, left, right, sims, scored
    groups, centrality = _average_linkage(n, edges, threshold, table.dates, window_days)
    stories = [_story(table, g, centrality) for g in groups]
    stories.sort(key=lambda s: (-len(s.article_ids), s.date or "9999", s.id))
    return stories, model


def story_id(first_article_id: str) -> str:
    """A story's id: its first article's (earliest date, then id).  So the story an
    article forms alone is known without grouping anything (the indexer's provisional
    value, which the corpus pass then corrects)."""
    return f"s-{first_article_id}"


def _story(table: ProfileTable, members: list[int], centrality: list[float]) -> Story:
    if len(members) == 1:  # most stories: one article
        i = members[0]
        day = table.dates[i]
        return Story(
            id=story_id(table.ids[i]),
            label=_label(table.titles[i], table.leads[i]),
            article_ids=(table.ids[i],),
            date=Date.fromordinal(day).isoformat() if day is not None else None,
        )

    def when(i: int) -> tuple[int, str]:
        d = table.dates[i]
        return (d if d is not None else 10**9, table.ids[i])

    ordered = sorted(members, key=when)
    central = max(members, key=lambda i: (centrality[i], -len(table.titles[i])))
    dates = [table.dates[i] for i in members if table.dates[i] is not None]
    return Story(
        id=story_id(table.ids[ordered[0]]),
        label=_label(table.titles[central], table.leads[central]),
        article_ids=tuple(table.ids[i] for i in ordered),
        date=Date.fromordinal(min(dates)).isoformat() if dates else None,
    )


_SPACES = re.compile(r"\s+")


def _label(title: str, lead: str, limit: int = 80) -> str:
    """A headline-like phrase: the most central article's title, else its first words."""
    text = _SPACES.sub(" ", title.strip() or lead.strip())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-") + "…"
