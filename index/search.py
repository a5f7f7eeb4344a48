"""Queries in, SearchResults out: parsing, filters, facets, snippets, did-you-mean.

Whoosh does the work (query language, postings, BM25F's formula, fragment
selection); this module makes it forgiving and fast for an interactive UI:
- a malformed query never raises: it is repaired (closing a quote or bracket,
  dropping a dangling operator or ``field:``) and ``SearchResults.message`` says how
  it was read;
- stemming-aware rewrites: ``immigra*`` also finds "immigration" (whose stem is
  "immigr"), ``word~`` expands with rapidfuzz, ``entity:DPRK`` resolves aliases;
- the total and facets come from a mask of all matches (docsets.py, facets.py),
  and the top N is ranked from it by BM25F a block of postings at a time
  (ranking.py) instead of Whoosh's one-document-at-a-time collector;
- snippets are built only for the hits returned: their matched words are found by
  a prefix regex and the indexer's stems (analysis.find_stems), then cut into
  passages by Whoosh's PinpointFragmenter; no Whoosh analyzer chain runs.
"""

from __future__ import annotations

import fnmatch
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.analysis import Token
from whoosh.highlight import SCORE, BasicFragmentScorer, PinpointFragmenter, top_fragments
from whoosh.qparser import FuzzyTermPlugin, GtLtPlugin, MultifieldParser

from .analysis import WORD, find_stems, stem_word
from .docsets import Mask, expanded_terms, indexed, matching_docs
from .facets import column_values, newest_first
from .facets import count as count_facets
from .model import Hit, SearchResults, Snippet, Span
from .ranking import field_lengths
from .ranking import top as rank_top
from .schema import unpack_article
from .spelling import correct_query, vocabulary, words_with_prefix

TEXT_FIELDS = ("title", "body")
EXACT_FIELDS = ("outlet", "entity", "story", "id", "path")
SNIPPET_CHARS = 240
SNIPPET_FRAGMENTS = 2
LEAD_CHARS = 200
SUGGEST_BELOW = 3  # offer a did-you-mean when fewer hits than this

_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_JUNK = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


TITLE_QUERY_BOOST = 1.5  # on top of the schema's index-time title boost


def make_parser(schema: Any) -> MultifieldParser:
    parser = MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts={"title": TITLE_QUERY_BOOST})
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())  # date:>2023-06-01
    return parser


_PARSERS: dict[int, MultifieldParser] = {}


def _parser(schema: Any) -> MultifieldParser:
    key = id(schema)
    if key not in _PARSERS:
        _PARSERS.clear()
        _PARSERS[key] = make_parser(schema)
    return _PARSERS[key]


# --------------------------------------------------------------------- repair


def repair(
    qstring: str, field_names: Iterable[str], exact_fields: Iterable[str] = ()
) -> tuple[str, list[str]]:
    """Make a query string parseable; returns the string and notes on what changed."""
    notes: list[str] = []
    text = _JUNK.sub(" ", qstring).strip()
    if text != qstring.strip():
        notes.append("ignored control characters")
    # outlet:"New York Times" is one exact value, not a phrase (these fields have no positions).
    exact = "|".join(re.escape(f) for f in exact_fields)
    if exact:
        text = re.sub(rf'\b({exact}):"([^"\']*)"', r"\1:'\2'", text, flags=re.IGNORECASE)
    if text.count('"') % 2:
        i = text.rfind('"')
        text = text[:i] + text[i + 1 :] if not text[i + 1 :].strip() else text + '"'
        notes.append("closed an unbalanced quote")
    text, n = _balance(text, "(", ")")
    if n:
        notes.append("balanced parentheses")
    text, n = _balance_ranges(text)
    if n:
        notes.append("completed an open range")
    fields = set(field_names)

    quoted_next = False  # the part being rewritten ends right before a "phrase"

    # "title:" with nothing after it, or an unknown field: drop the prefix.
    def _field(m: re.Match[str]) -> str:
        name, rest = m.group(1), m.group(2)
        if name.lower() not in fields:
            notes.append(f"ignored {name}: (no such field)")
            return rest
        if not rest and quoted_next and m.end() == len(m.string):
            return f"{name.lower()}:"  # title:"a phrase"
        if not rest.strip():
            notes.append(f"ignored the empty {name}: filter")
            return ""
        return f"{name.lower()}:{rest}"

    # only outside "quoted phrases" ("breaking news: fire" is not a field)
    parts = text.split('"')
    for i in range(0, len(parts), 2):
        quoted_next = i + 1 < len(parts)
        parts[i] = re.sub(r"(?<!\w)([A-Za-z_]\w*):(\S*)", _field, parts[i])
    text = '"'.join(parts)
    # operators with nothing to join inside a group: "(japan OR)" -> "(japan)"
    text = re.sub(r"\s+(?:AND|OR|NOT)\s*\)", ")", text)
    text = re.sub(r"\(\s*(?:AND|OR)\s+", "(", text)
    # web-search habits: -word excludes, +word requires (words are required anyway)
    text = re.sub(r'(?<!\S)-(?=[\w"(])', "NOT ", text)
    text = re.sub(r'(?<!\S)\+(?=[\w"(])', "", text)
    words = text.split()
    while words and words[0] in _OPERATORS - {"NOT"}:
        notes.append(f"ignored a leading {words.pop(0)}")
    while words and words[-1] in _OPERATORS:
        notes.append(f"ignored a trailing {words.pop()}")
    text = " ".join(words)
    if text and not re.search(r"\w", text):
        notes.append("the query has no words")
        text = ""
    return text, notes


def _balance(text: str, open_: str, close: str) -> tuple[str, int]:
    depth, out, fixes = 0, [], 0
    in_quote = False
    for ch in text:
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote and ch == open_:
            depth += 1
        elif not in_quote and ch == close:
            if depth == 0:
                fixes += 1
                continue
            depth -= 1
        out.append(ch)
    if depth:
        fixes += depth
        out.append(close * depth)
    return "".join(out), fixes


def _balance_ranges(text: str) -> tuple[str, int]:
    """``date:[2023 to`` -> ``date:[2023 to]``; a stray ``]`` is dropped."""
    fixes = 0
    out, open_at = [], None
    for ch in text:
        if ch in "[{":
            if open_at is not None:
                fixes += 1
                continue
            open_at = ch
        elif ch in "]}":
            if open_at is None:
                fixes += 1
                continue
            open_at = None
        out.append(ch)
    if open_at is not None:
        out.append("]" if open_at == "[" else "}")
        fixes += 1
    return "".join(out), fixes


def parse(searcher: Any, qstring: str) -> tuple[Q.Query | None, str, list[str]]:
    """(query or None for 'everything', the string actually parsed, notes)."""
    text, notes = repair(qstring, _user_fields(searcher.schema), EXACT_FIELDS)
    if not text:
        return None, "", notes
    parser = _parser(searcher.schema)
    q = _try_parse(parser, text)
    if q is not None and _has_error(q):
        # a bad field value (date:2023-13): drop just that clause, keep the rest
        bad = [m.group(0) for m in re.finditer(r"\b(date|sortdate):\S+", text)]
        for clause in bad:
            clause_q = _try_parse(parser, clause)
            if clause_q is None or _has_error(clause_q):
                text = " ".join(text.replace(clause, " ").split())
                notes.append(f"ignored {clause} (dates look like 2023, 2023-06 or 2023-06-05)")
        q = _try_parse(parser, text) if text else None
        if q is None and not text:
            return None, "", notes
    if q is None or _has_error(q) or _uses_hidden_field(q, searcher.schema):
        words = [w for w in re.findall(r"\w+", text) if w not in _OPERATORS]
        notes.append("read the query as plain words")
        text = " ".join(words)
        q = _try_parse(parser, text) if words else None
    if q is None or isinstance(q, type(Q.NullQuery)):
        return None, "", notes
    _clamp_fuzzy(q)
    return q, text, notes


_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
MAX_EDITS = 2  # fuzzy~N beyond 2 edits matches nearly everything and takes seconds


def _try_parse(parser: Any, text: str) -> Q.Query | None:
    try:
        return parser.parse(text)
    except Exception:  # noqa: BLE001 - whoosh raises assorted errors on odd input
        return None


def _walk(q: Q.Query):
    yield q
    for child in q.children():
        yield from _walk(child)


def _uses_hidden_field(q: Q.Query, schema: Any) -> bool:
    """A field glued to a word ("x~2sortdate:y") can slip past repair(); refuse it."""
    allowed = set(_user_fields(schema))
    return any(getattr(sub, "fieldname", None) not in (None, *allowed) for sub in _walk(q))


def _clamp_fuzzy(q: Q.Query) -> None:
    for sub in _walk(q):
        if isinstance(sub, Q.FuzzyTerm) and sub.maxdist > MAX_EDITS:
            sub.maxdist = MAX_EDITS


def _user_fields(schema: Any) -> list[str]:
    """Fields a query may name (not the internal spelling/sort/blob ones)."""
    hidden = {"article", "sortdate", "hash", "url"}
    return [n for n in schema.names() if n not in hidden and not n.startswith("spell_")]


def _has_error(q: Q.Query) -> bool:
    """Whoosh marks unparseable parts (bad dates, ranges) with an ``error`` attribute."""
    if getattr(q, "error", None):
        return True
    return any(_has_error(c) for c in q.children())


# --------------------------------------------------------------------- filters


def filter_query(searcher: Any, filters: Mapping[str, str] | None) -> Q.Query | None:
    """{"outlet": "HuffPost", "date": "2023-06", ...} -> one And query (None when empty)."""
    if not filters:
        return None
    schema = searcher.schema
    parts: list[Q.Query] = []
    for key, value in filters.items():
        if value is None or str(value).strip() == "":
            continue
        name = "date" if key in ("date", "month", "year") else key
        if name not in schema.names():
            continue
        value = str(value).strip()
        if name == "date":
            parts.append(schema["date"].parse_query("date", value))
        else:
            terms = (
                [t.text for t in schema[name].analyzer(value, mode="query")]
                if schema[name].analyzer
                else [value]
            )
            parts.append(Q.Term(name, terms[0] if len(terms) == 1 else value))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


# --------------------------------------------------------------------- search


def _prepare(searcher: Any, qstring: str) -> tuple[Q.Query | None, str, list[str], Q.Query | None]:
    """(query as typed, how it was read, notes, the query searched: stemming-aware
    expansions added) for a query string; the Nones mean "no query"."""
    typed, parsed, notes = parse(searcher, qstring)
    return typed, parsed, notes, expand_unstemmed(searcher, typed) if typed is not None else None


def run_search(
    searcher: Any,
    qstring: str,
    *,
    limit: int = 20,
    sort: str = "relevance",
    filters: Mapping[str, str] | None = None,
    snippets: bool = True,
    facets: bool = True,
) -> SearchResults:
    started = time.perf_counter()
    qstring = qstring or ""
    typed, parsed, notes, q = _prepare(searcher, qstring)
    limit = max(1, int(limit or 20))
    filt = filter_query(searcher, filters)
    terms = _highlight_terms(searcher, q) if q is not None else {}
    body_terms = terms.get("body", ())
    # Every match as a mask (fast, see docsets.py): the total, the facets, and the
    # filter for the scored top-N search, which then only has to rank.
    matched = _matched_docs(searcher, q, filt)
    scoring = _scoring_part(q) if q is not None else None
    if scoring is not None and sort != "date":
        ranked = rank_top(searcher, scoring, matched, limit)
        if ranked is None:  # a query kind ranking.py cannot score: Whoosh ranks it
            allowed = set(np.flatnonzero(matched).tolist()) if matched is not None else None
            results = searcher.search(scoring, limit=limit, filter=allowed)
            ranked = [(h.docnum, h.score or 0.0) for h in results[:limit]]
        top = ranked
    else:
        # newest first from a per-reader date order: no sorting per query
        top = [(d, 0.0) for d in newest_first(searcher.reader(), matched, limit)]
    total = int(np.count_nonzero(matched)) if matched is not None else searcher.doc_count()
    hits = tuple(
        _hit(searcher, d, rank, score, body_terms, snippets)
        for rank, (d, score) in enumerate(top, 1)
    )
    facet_counts: dict[str, list[tuple[str, int]]] = {}
    if facets:
        facet_counts = count_facets(searcher.reader(), matched)
    suggestion = None
    if q is not None and total < SUGGEST_BELOW:
        suggestion = _suggest(searcher, typed, parsed, total, filt)
    message = None
    if notes:
        note = "; ".join(dict.fromkeys(notes))
        message = note[:1].upper() + note[1:] + (f"; searched: {parsed}" if parsed else "")
    return SearchResults(
        query=qstring,
        total=total,
        hits=hits,
        facets=facet_counts,
        suggestion=suggestion,
        message=message,
        terms=tuple(_typed_words(typed, parsed)) if typed is not None else (),
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def run_facets(
    searcher: Any, qstring: str, filters: Mapping[str, str] | None = None
) -> dict[str, list[tuple[str, int]]]:
    """The facet counts ``run_search(..., facets=True)`` would give, on their own: the
    app paints the hits first and the sidebar a moment later.  The query's postings
    are cached by then, so this costs little more than the counting."""
    q = _prepare(searcher, qstring or "")[3]
    matched = _matched_docs(searcher, q, filter_query(searcher, filters))
    return count_facets(searcher.reader(), matched)


def warm_caches(reader: Any) -> None:
    """Fill the per-segment caches searches use (columns, field lengths); any reader
    of the same segments benefits (see ``Library.warm``)."""
    n = reader.doc_count_all()
    column_values(reader, "sortdate", n, numeric=True)
    for name in ("outlet", "story", "entity"):
        column_values(reader, name, n)
    for field in TEXT_FIELDS:
        field_lengths(reader, field)


def _scoring_part(q: Q.Query) -> Q.Query | None:
    """The query without top-level date ranges: they only filter (already in ``matched``)
    and Whoosh would expand each into many numeric terms per segment."""

    def is_range(c: Q.Query) -> bool:
        return isinstance(c, Q.NumericRange) and c.fieldname == "date"

    if is_range(q):
        return None
    if isinstance(q, Q.And):
        kept = [c for c in q.children() if not is_range(c)]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Q.And(kept)
    return q


def _matched_docs(searcher: Any, q: Q.Query | None, filt: Q.Query | None) -> Mask | None:
    """Mask of every live docnum matching query AND filter (None = all, unfiltered)."""
    if q is None and filt is None:
        return None
    docs = matching_docs(searcher, q) if q is not None else None
    if filt is not None:
        fdocs = matching_docs(searcher, filt)
        docs = fdocs if docs is None else docs & fdocs
    return docs


def expand_unstemmed(searcher: Any, q: Q.Query) -> Q.Query:
    """Make ``immigra*`` find "immigration" although the index holds the stem "immigr".

    Prefix and wildcard patterns are also matched against a dictionary of whole
    words; each match is stemmed into a Term next to the original pattern.
    """
    if isinstance(q, (Q.Prefix, Q.Wildcard)) and q.fieldname in TEXT_FIELDS:
        return _expand_pattern(searcher, q)
    if isinstance(q, Q.FuzzyTerm):
        return _expand_fuzzy(searcher, q)
    if isinstance(q, Q.Term) and q.fieldname == "entity":
        return _entity_alias(searcher, q)
    if q.is_leaf():
        return q
    try:
        return q.apply(lambda c: expand_unstemmed(searcher, c))
    except Exception:  # noqa: BLE001
        return q


MAX_EXPANSIONS = 256
_LEXICONS: dict[tuple[int, str], tuple[Any, list[str]]] = {}


def _lexicon(reader: Any, field: str) -> list[str]:
    """All terms of a field, cached per reader (for C-speed fuzzy matching)."""
    key = (id(reader), field)
    hit = _LEXICONS.get(key)
    if hit is None or hit[0] is not reader:
        if len(_LEXICONS) > 8:
            _LEXICONS.clear()
        hit = _LEXICONS[key] = (reader, [t.decode("utf-8") for t in reader.lexicon(field)])
    return hit[1]


def _expand_fuzzy(searcher: Any, q: Q.FuzzyTerm) -> Q.Query:
    """``word~``: the indexed terms within its edit distance, matched with rapidfuzz.

    Whoosh's own expansion walks the whole term dictionary in Python (seconds on a
    large index, and again for highlighting).
    """
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    text = str(q.text)
    if q.fieldname not in searcher.schema:
        return q
    prefix = text[: q.prefixlength]
    terms = _lexicon(searcher.reader(), q.fieldname)
    found = process.extract(
        text, terms, scorer=Levenshtein.distance, score_cutoff=q.maxdist, limit=MAX_EXPANSIONS
    )
    words = sorted(w for w, _, _ in found if w.startswith(prefix))
    if not words:
        return Q.NullQuery
    return Q.Or([Q.Term(q.fieldname, w, boost=q.boost) for w in words])


def _entity_alias(searcher: Any, q: Q.Term) -> Q.Query:
    """``entity:DPRK`` -> the canonical entity the gazetteer says DPRK stands for."""
    if ("entity", q.text) in searcher.reader():
        return q
    try:
        from .entities import lookup

        found = lookup(str(q.text))
    except Exception:  # noqa: BLE001 - no gazetteer: search the name as typed
        return q
    if not found:
        return q
    return Q.Term("entity", found[1].lower(), boost=q.boost)


def _expand_pattern(searcher: Any, q: Q.Query) -> Q.Query:
    """Add the stems of dictionary words the pattern matches and the index holds."""
    pattern = q.text.lower()
    if not pattern or not pattern[0].isalpha():
        return q
    if isinstance(q, Q.Prefix):
        words = words_with_prefix(pattern)
    else:
        rx = re.compile(fnmatch.translate(pattern))
        words = [w for w in vocabulary(pattern[0]) if rx.match(w)]
    reader = searcher.reader()
    stems = {stem_word(w) for w in words[:MAX_EXPANSIONS]}
    prefix = pattern if isinstance(q, Q.Prefix) else ""
    extra = [
        Q.Term(q.fieldname, t, boost=q.boost)
        for t in sorted(stems)
        if not (prefix and t.startswith(prefix)) and (q.fieldname, t) in reader
    ]
    return Q.Or([q, *extra]) if extra else q


def _hit(
    searcher: Any, docnum: int, rank: int, score: float, body_terms: Iterable[bytes], snippets: bool
) -> Hit:
    fields = searcher.stored_fields(docnum)
    article = unpack_article(fields["article"])
    date = fields.get("date")
    snippet = make_snippet(searcher, docnum, article.body, body_terms) if snippets else Snippet("")
    return Hit(
        id=fields["id"],
        title=article.title,
        outlet=article.outlet,
        date=article.date or (date.strftime("%Y-%m-%d") if date else None),
        path=article.path,
        score=float(score or 0.0),
        snippet=snippet,
        url=article.url,
        story=fields.get("story"),
        rank=rank,
    )


# --------------------------------------------------------------------- snippets


def _positive(q: Q.Query) -> Q.Query | None:
    """The query without its NOT branches (their words must not be highlighted)."""
    if isinstance(q, Q.Not):
        return None
    if isinstance(q, Q.AndNot):
        return _positive(q.a)
    if q.is_leaf():
        return q
    kids = [k for k in (_positive(c) for c in q.children()) if k is not None]
    if not kids:
        return None
    try:
        return q.__class__(kids)
    except TypeError:
        return kids[0]


def _highlight_terms(searcher: Any, q: Q.Query) -> dict[str, tuple[bytes, ...]]:
    """field -> the indexed terms (prefix/fuzzy expanded) the positive query matches."""
    pos = _positive(q)
    if pos is None:
        return {}
    # Not Query.existing_terms: it reuses its ``fieldname`` argument as a loop
    # variable, so after the first leaf it skips every other field.
    reader = searcher.reader()
    schema = searcher.schema
    out: dict[str, set[bytes]] = {}
    for leaf in pos.leaves() if not pos.is_leaf() else [pos]:
        try:
            expanded = expanded_terms(searcher, leaf)
        except Exception:  # noqa: BLE001 - odd queries: no highlight rather than no results
            continue
        for field, text in expanded:
            if field not in schema:
                continue
            try:
                btext = text if isinstance(text, bytes) else schema[field].to_bytes(text)
            except Exception:  # noqa: BLE001 - a value the field cannot encode (date:"x")
                continue
            if indexed(reader, field, btext):
                out.setdefault(field, set()).add(btext)
    return {k: tuple(v) for k, v in out.items()}


def make_snippet(searcher: Any, docnum: int, body: str, terms: Iterable[bytes]) -> Snippet:
    """The best passages of ``body`` around matched terms.

    The matched words are found with the indexing analyzer's own regex and stems
    (analysis.find_stems), which gives exactly the indexed terms and offsets: a
    regex pass over one body is cheaper than reading its positions out of large
    posting blocks, and no Whoosh analyzer chain runs.  ``searcher`` and ``docnum`` are
    kept for callers; the body is all it needs.
    """
    wanted = {t.decode("utf-8") if isinstance(t, bytes) else t for t in terms}
    tokens = [
        Token(text=s, pos=i, startchar=a, endchar=b, matched=True, boost=1.0)
        for i, (s, a, b) in enumerate(find_stems(body, wanted))
    ]
    if not tokens:
        return Snippet(_lead(body))
    tokens.sort(key=lambda t: t.startchar)
    frag = PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=60, autotrim=True)
    frags = top_fragments(
        list(frag.fragment_matches(body, tokens)), SNIPPET_FRAGMENTS, BasicFragmentScorer(), SCORE
    )
    # Merge fragments that overlap or touch, so no passage is shown twice.
    ranges: list[list[int]] = []
    for f in sorted(frags, key=lambda f: f.startchar):
        if ranges and f.startchar <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], f.endchar)
        else:
            ranges.append([f.startchar, f.endchar])
    text_parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for i, (start, end) in enumerate(ranges):
        prefix = ("… " if start > 0 else "") if i == 0 else " … "
        piece = body[start:end].replace("\n", " ")
        offset += len(prefix)
        last = -1
        for t in tokens:
            if start <= t.startchar and t.endchar <= end and t.startchar >= last:
                spans.append(Span(offset + t.startchar - start, offset + t.endchar - start))
                last = t.endchar
        text_parts.append(prefix + piece)
        offset += len(piece)
    text = "".join(text_parts)
    if ranges and ranges[-1][1] < len(body):
        text += " …"
    return Snippet(text, tuple(spans))


def _lead(body: str) -> str:
    text = body[: LEAD_CHARS + 40].replace("\n", " ")
    if len(body) <= LEAD_CHARS:
        return text
    cut = text.rfind(" ", 0, LEAD_CHARS)
    return text[: cut if cut > 0 else LEAD_CHARS] + " …"


# --------------------------------------------------------------------- facets


def _suggest(
    searcher: Any, q: Q.Query, parsed: str, total: int, filt: Q.Query | None
) -> str | None:
    """A whole corrected query string, offered only when it finds more than the original."""
    reader = searcher.reader()
    spans = []
    pos = _positive(q)
    for leaf in pos.leaves() if pos is not None and not pos.is_leaf() else [pos] if pos else []:
        if not isinstance(leaf, (Q.Term, Q.Phrase)) or leaf.fieldname not in TEXT_FIELDS:
            continue
        if isinstance(leaf, (Q.Prefix, Q.Wildcard, Q.FuzzyTerm)):
            continue
        start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
        ranges = [(start, end)] if start is not None and end is not None else _quoted(parsed)
        for m in (m for a, b in ranges for m in WORD.finditer(parsed, a, b)):
            stem = stem_word(m.group().lower())
            if not any((f, stem) in reader for f in TEXT_FIELDS):
                spans.append(m.span())
    if not spans:
        return None
    try:
        corrected = correct_query(searcher, parsed, spans)
        if not corrected:
            return None
        # counted like any query (fuzzy edits capped, our expansions, match masks):
        # Whoosh's own search of "word~9" builds an automaton for seconds or minutes
        q = _prepare(searcher, corrected)[3]
        if q is None:
            return None
        better = _matched_docs(searcher, q, filt)
    except Exception:  # noqa: BLE001 - a suggestion is optional
        return None
    return corrected if better is not None and int(np.count_nonzero(better)) > total else None


def _quoted(parsed: str) -> list[tuple[int, int]]:
    """Spans of "quoted phrases" in title/body (Whoosh keeps no offsets for phrases)."""
    return [
        m.span(2)
        for m in re.finditer(r'(?:(\w+):)?"([^"]*)"', parsed)
        if m.group(1) is None or m.group(1) in TEXT_FIELDS
    ]


def _typed_words(q: Q.Query, parsed: str) -> list[str]:
    """The words the user typed for title/body matches, for highlighting while reading."""
    pos = _positive(q)
    if pos is None:
        return []
    words: list[str] = []
    for leaf in pos.leaves() if not pos.is_leaf() else [pos]:
        if getattr(leaf, "fieldname", None) not in TEXT_FIELDS:
            continue
        start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
        if start is not None and end is not None:
            raw = parsed[start:end]
        else:
            raw = " ".join(getattr(leaf, "words", None) or [str(getattr(leaf, "text", ""))])
        for w in re.findall(r"\w+", raw.split(":", 1)[-1]):
            if w not in _OPERATORS and w.lower() not in (x.lower() for x in words):
                words.append(w)
    return words
