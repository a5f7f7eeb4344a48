"""Per-article resolution: candidates -> entities with one id and canonical name each.

Inside one article a name's shorter forms are safe to link: "Hamada" is the
"Yasukazu Hamada" of the same article when no other Hamada is there; "Security
Council" is the article's "UN Security Council"; "UNSC" abbreviates it; "the North"
is North Korea when North Korea is also named.  Unknown capitalised runs the
article never confirms are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import Article, Mention
from .cues import HEADS, NAME_PARTICLES, NAME_SUFFIXES
from .dates import normalise_date
from .keys import (
    acronym_of,
    core_parts,
    entity_key,
    make_id,
    name_edges,
    person_key,
    person_parts,
    short_form,
    spelling_variant,
)
from .recognise import Cand, Recogniser, SegmentScan

_NAMED = ("ORG", "EVENT", "LAW", "FAC", "LOC")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)?$")


@dataclass
class ArticleEntity:
    """One entity as one article names it."""

    id: str
    canonical: str
    type: str
    key: str
    forms: Counter = field(default_factory=Counter)  # surface form -> count
    cands: list[Cand] = field(default_factory=list)
    related: str | None = None
    from_gazetteer: bool = False


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def scan_article(article: Article, rec: Recogniser) -> SegmentScan:
    out = SegmentScan()
    if article.title:
        rec.scan(article.title, -1, out)
    for i, para in enumerate(article.paragraphs):
        rec.scan(para, i, out, dateline=i < 3)
    return out


def event_core(words: tuple[str, ...] | list[str]) -> frozenset[str]:
    """Distinctive stems of an event name: "20th Asian Security Conference" and "Asia
    Security Summit" share {asia, secu}; the head noun, ordinals and years don't count."""
    core = set()
    for w in words:
        if w in HEADS and HEADS[w] == "EVENT":
            continue
        for part in re.split(r"[\-‐]", w.replace("’", "'").split("'")[0]):
            low = part.lower()
            if not low or _ORDINAL.match(low) or low in ("the", "of", "on", "for"):
                continue
            core.add(low[:4] if len(low) > 4 else low)
    return frozenset(core)


def _tidy_person(name: str) -> str:
    """ "Yoon suk Yeol" -> "Yoon Suk Yeol"; generational suffixes dropped."""
    words = [w for w in name.split() if w not in NAME_SUFFIXES or w.startswith(("Jr", "Sr"))]
    return " ".join(
        w if w[:1].isupper() or w in NAME_PARTICLES else w[:1].upper() + w[1:] for w in words
    )


def _strip_the(text: str) -> str:
    return text[4:] if text.startswith(("The ", "the ")) else text


def home_country(article: Article, scan: SegmentScan, rec: Recogniser) -> str | None:
    """The country an article is written from: named in its outlet ("The Korea Defense
    Daily", "Japan Times") or its dateline city ("SEOUL (Yonhap)")."""
    for text in (article.outlet, article.copyright):
        for _s, _e, entry in rec.gazetteer_matches(text or ""):
            if entry.type == "GPE" and entry.kind in ("name", "official", "alias"):
                return entry.canonical
            if entry.type == "NORP" and entry.related:
                return entry.related
    for c in scan.cands:
        if c.evidence == "dateline" and c.entry is not None and c.entry.type == "GPE":
            return c.entry.canonical
    return None


def _qualify_government(cands: list[Cand], home: str | None) -> None:
    """ "the Defense Ministry" is the article's "Japan's Defense Ministry" if that is the
    only one named, else the home country's."""
    gov = [c for c in cands if c.type == "ORG" and c.government]
    named: dict[str, set[str]] = {}
    for c in gov:
        if c.qualifier:
            named.setdefault(entity_key(_strip_the(c.text)), set()).add(c.qualifier)
    for c in gov:
        if c.qualifier is None:
            known = named.get(entity_key(_strip_the(c.text)))
            if known:
                if len(known) == 1:
                    c.qualifier = next(iter(known))
            elif home:
                c.qualifier = home


def resolve(
    scan: SegmentScan,
    ignore: frozenset[str] = frozenset(),
    home: str | None = None,
    corpus: dict[str, str] | None = None,
) -> list[ArticleEntity]:
    """Group one article's candidates into entities (order: first mention first).

    ``corpus`` (multi-word name key -> type) lets names confirmed in other articles
    type an unknown run here ("Choi Sung Bak spoke" with no cue in this article);
    keys of runs still unknown are left in ``scan.unresolved``."""
    cands = [c for c in scan.cands if c.text not in scan.not_entities and c.text not in ignore]
    _qualify_government(cands, home)
    cands = _drop_overlaps(cands)
    # contextual aliases ("the North") need another mention of the same entity
    named_ids = {c.entry.id for c in cands if c.entry is not None and not c.entry.contextual}
    cands = [
        c for c in cands if c.entry is None or not c.entry.contextual or c.entry.id in named_ids
    ]

    _names_over_places(cands)
    typed = [c for c in cands if c.type is not None]
    unknown = [c for c in cands if c.type is None]
    index = {id(c): i for i, c in enumerate(typed)}
    uf = _UnionFind(len(typed))
    group_key: dict[tuple, int] = {}
    for i, c in enumerate(typed):
        k = _group_key(c)
        if k in group_key:
            uf.union(group_key[k], i)
        else:
            group_key[k] = i
    for a, b in scan.links:
        if id(a) in index and id(b) in index:
            uf.union(index[id(a)], index[id(b)])
    _link_persons(typed, uf)
    _link_named(typed, uf)
    for c, type_ in scan.aka:
        if id(c) not in index:
            continue
        before = [
            i
            for i, o in enumerate(typed)
            if o.type == type_
            and (o.seg, o.start) < (c.seg, c.start)
            and uf.find(i) != uf.find(index[id(c)])
        ]
        if before:
            uf.union(before[-1], index[id(c)])

    # unknown capitalised runs: keep those the article confirms
    if unknown:
        _confirm_unknown(unknown, typed, uf, corpus or {})
    scan.unresolved = {
        entity_key(u.text) for u in unknown if u.type is None and len(u.text.split()) >= 2
    }

    groups: dict[int, list[Cand]] = {}
    for i, c in enumerate(typed):
        groups.setdefault(uf.find(i), []).append(c)
    entities = [_entity(members) for members in groups.values()]
    entities.sort(key=lambda e: min((c.seg, c.start) for c in e.cands))
    return entities


def _names_over_places(cands: list[Cand]) -> None:
    """ "Kerry" is a county and "Washington" a capital, but in an article about John
    Kerry or George Washington the lone word is the person."""
    parts: dict[str, int] = {}
    for c in cands:
        if c.type == "PERSON" and c.entry is None:
            core = core_parts(person_parts(c.text))
            if short_form(core) is None:
                for p, _gen in name_edges(core):
                    parts[p] = parts.get(p, 0) + 1
    if not parts:
        return
    for c in cands:
        if c.entry is not None and c.entry.weak and " " not in c.text and c.text[:1].isupper():
            if entity_key(c.text) in parts:
                c.entry, c.type, c.evidence, c.literal = None, "PERSON", "name-part", False


def _drop_overlaps(cands: list[Cand]) -> list[Cand]:
    cands = sorted(cands, key=lambda c: (c.seg, c.start, -(c.end - c.start), c.type is None))
    out: list[Cand] = []
    last_seg, last_end = None, -1
    for c in cands:
        if c.seg == last_seg and c.start < last_end:
            continue
        out.append(c)
        last_seg, last_end = c.seg, c.end
    return out


def _group_key(c: Cand) -> tuple:
    if c.type == "DATE":
        return ("DATE", normalise_date(c.text))
    if c.evidence == "dateline":
        return ("GPE", entity_key(c.qualifier or c.text))
    if c.entry is not None:
        if c.literal and c.entry.city:
            return ("GPE", entity_key(c.entry.city))
        return ("ID", c.entry.id)
    if c.type == "PERSON":
        return ("PERSON", person_key(c.text))
    return (c.type, entity_key(_strip_the(c.text)), c.qualifier)


def _person_groups(typed: list[Cand], uf: _UnionFind) -> dict[int, list[tuple[str, ...]]]:
    groups: dict[int, list[tuple[str, ...]]] = {}
    for i, c in enumerate(typed):
        if c.type == "PERSON" and c.entry is None:
            parts = person_parts(c.text)
            groups.setdefault(uf.find(i), []).append(parts)
    return groups


def _link_persons(typed: list[Cand], uf: _UnionFind) -> None:
    """Spelling variants and initials: "Kim Man-ki" = "Kim Man-gi"; "Lloyd J. Austin" =
    "Lloyd Austin"; a lone "Austin" = the article's only full name ending in Austin."""
    people = [
        (i, person_parts(c.text))
        for i, c in enumerate(typed)
        if c.type == "PERSON" and c.entry is None
    ]
    multi = [(i, p) for i, p in people if short_form(core_parts(p)) is None]
    for n, (i, a) in enumerate(multi):
        for j, b in multi[n + 1 :]:
            if core_parts(a) != core_parts(b) and spelling_variant(a, b):
                uf.union(i, j)
    link_initials([(i, p) for i, p in multi], uf.union)
    edges: dict[tuple[str, str], set[int]] = {}
    for j, q in multi:
        for edge in name_edges(core_parts(q)):
            edges.setdefault(edge, set()).add(j)
    for i, p in people:
        short = short_form(core_parts(p))
        if short is None:
            continue
        roots = {uf.find(j) for j in edges.get(short, ())}
        if len(roots) == 1:
            uf.union(i, roots.pop())


def _same_initials(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    sa = tuple(p for p in a if len(p) == 1)
    sb = tuple(p for p in b if len(p) == 1)
    return sa == sb or not sa or not sb


def link_initials(people: list[tuple], union) -> None:
    """Same name but for middle initials: "Lloyd J. Austin" = "Lloyd Austin" unless two
    different initials compete ("George W. Bush" / "George H. W. Bush")."""
    by_core: dict[tuple[str, ...], list[tuple]] = {}
    for ref, parts in people:
        by_core.setdefault(core_parts(parts), []).append(
            (ref, tuple(p for p in parts if len(p) == 1))
        )
    for group in by_core.values():
        sigs = {sig for _, sig in group if sig}
        for n, (ref, sig) in enumerate(group):
            for other, osig in group[n + 1 :]:
                if sig == osig or (len(sigs) <= 1 and (not sig or not osig)):
                    union(ref, other)


def _link_named(typed: list[Cand], uf: _UnionFind) -> None:
    named = [(i, c) for i, c in enumerate(typed) if c.type in _NAMED and c.entry is None]
    # one representative per distinct multi-word name (an article repeats its names)
    multi: dict[tuple[str, str], tuple[int, Cand]] = {}
    for i, c in named:
        if len(c.words) >= 2:
            multi.setdefault((c.type, c.text), (i, c))
    reps = list(multi.values())
    acronym_hits: dict[str, set[int]] = {}
    for i, c in named:
        # acronyms: "UNSC" abbreviates the article's "UN Security Council"
        if len(c.words) == 1 and c.text.replace(".", "").isupper():
            if c.text not in acronym_hits:
                acronym_hits[c.text] = {j for j, o in reps if acronym_of(c.text, list(o.words))}
            hits = {uf.find(j) for j in acronym_hits[c.text]}
            if len(hits) == 1:
                root = hits.pop()
                uf.union(i, root)
                c.type = typed[root].type
    keys = [(i, c, entity_key(_strip_the(c.text)).split()) for i, c in reps]
    cores = {i: event_core(c.words) for i, c in reps if c.type == "EVENT"}
    for n, (i, c, key) in enumerate(keys):
        for j, o, okey in keys[n + 1 :]:
            if c.type != o.type or uf.find(i) == uf.find(j):
                continue
            if c.type == "ORG":
                short, long_, sq = (
                    (key, okey, c.qualifier) if len(key) < len(okey) else (okey, key, o.qualifier)
                )
                if len(short) < len(long_) and long_[-len(short) :] == short and sq is None:
                    uf.union(i, j)  # "Security Council" -> "UN Security Council"
            elif c.type == "EVENT":
                a, b = cores[i], cores[j]
                if a and b and (a <= b or b <= a):
                    uf.union(i, j)
    for i, c in named:  # repeated names join their representative
        rep = multi.get((c.type, c.text))
        if rep is not None and rep[0] != i:
            uf.union(i, rep[0])


_TOKEN = re.compile(r"[^\s,:;\"“”‘]+")


def _sub_spans(
    u: Cand, known: dict[str, int], edge: dict[tuple[str, str], set[int]], corpus: dict[str, str]
) -> list[Cand]:
    """Names the body confirms inside a headline run: "Joe Arpaio Endorses Rick Perry"
    -> "Joe Arpaio", "Rick Perry" (longest first, left to right)."""
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(u.text)]
    out: list[Cand] = []
    i = 0
    while i < len(toks):
        for j in range(len(toks), i, -1):
            s, e = toks[i][0], toks[j - 1][1]
            piece = u.text[s:e].rstrip("’'.")
            if piece.endswith(("’s", "'s")):
                piece = piece[:-2]
            key = entity_key(piece)
            single = j - i == 1 and len(edge.get((key, ""), ())) == 1
            if key in known or single or (j - i > 1 and key in corpus):
                out.append(
                    Cand(
                        u.seg,
                        u.start + s,
                        u.start + s + len(piece),
                        piece,
                        None,
                        evidence="titlecase-part",
                        words=tuple(piece.split()),
                    )
                )
                i = j - 1
                break
        i += 1
    return out


def _confirm_unknown(
    unknown: list[Cand], typed: list[Cand], uf: _UnionFind, corpus: dict[str, str]
) -> None:
    """Type an unknown run the article names elsewhere: the same name, a surname or
    given name of exactly one person, a spelling variant, or an acronym of a name."""
    known: dict[str, int] = {}
    for i, c in enumerate(typed):
        if c.type != "DATE":
            known.setdefault(entity_key(c.text), i)
    first_of: dict[int, int] = {}
    edge: dict[tuple[str, str], set[int]] = {}  # (given name or surname, jr/sr) -> roots
    fulls: list[tuple[int, tuple[str, ...]]] = []
    for i, c in enumerate(typed):
        if c.type != "PERSON" or c.entry is not None:
            continue
        root = uf.find(i)
        first_of.setdefault(root, i)
        parts = person_parts(c.text)
        core = core_parts(parts)
        if short_form(core) is None:
            fulls.append((root, parts))
            for e in name_edges(core):
                edge.setdefault(e, set()).add(root)
    named = [i for i, c in enumerate(typed) if c.type in _NAMED and len(c.words) >= 2]
    pending = list(unknown)
    from_corpus: dict[str, int] = {}
    acronyms: dict[str, int | None] = {}
    for u in unknown:
        if (
            u.evidence == "titlecase"
            and entity_key(u.text) not in known
            and len(u.text.split()) > 1
        ):
            pending.extend(_sub_spans(u, known, edge, corpus))
    keys: dict[str, tuple[str, str]] = {}  # an article repeats its unknown words
    person_hit: dict[str, int | None] = {}
    for u in pending:
        both = keys.get(u.text)
        if both is None:
            both = keys[u.text] = (
                entity_key(u.text),
                " ".join(core_parts(person_parts(u.text))),
            )
        key = both[0]
        hit = known.get(key)
        if hit is None and key not in corpus:
            key = both[1]
        if hit is None and key in corpus and " " in key:
            u.type, u.evidence = corpus[key], "corpus"
            typed.append(u)
            uf.parent.append(len(uf.parent))
            if key in from_corpus:
                uf.union(from_corpus[key], len(typed) - 1)
            from_corpus.setdefault(key, len(typed) - 1)
            continue
        if hit is None and u.evidence == "acronym":
            if u.text not in acronyms:
                acronyms[u.text] = next(
                    (i for i in named if acronym_of(u.text, list(typed[i].words))), None
                )
            hit = acronyms[u.text]
        elif hit is None:
            if u.text not in person_hit:
                person_hit[u.text] = _person_hit(u.text, edge, fulls, first_of)
            hit = person_hit[u.text]
        if hit is None:
            continue
        u.type = typed[hit].type
        u.entry = typed[hit].entry
        typed.append(u)
        uf.parent.append(len(uf.parent))
        uf.union(hit, len(typed) - 1)


def _person_hit(
    text: str,
    edge: dict[tuple[str, str], set[int]],
    fulls: list[tuple[int, tuple[str, ...]]],
    first_of: dict[int, int],
) -> int | None:
    """The one person of the article an unknown name points at (a surname, a given
    name, a spelling variant), as the index of its first mention; else None."""
    parts = person_parts(text)
    core = core_parts(parts)
    short = short_form(core)
    if short is not None:
        roots = set(edge.get(short, ()))
    else:
        roots = {
            r
            for r, f in fulls
            if spelling_variant(parts, f) or (core == core_parts(f) and _same_initials(parts, f))
        }
    return first_of[roots.pop()] if len(roots) == 1 else None


def _entity(members: list[Cand]) -> ArticleEntity:
    if len(members) == 1:  # most entities: named once
        type_ = members[0].type
        forms = Counter()
        forms[members[0].text] = 1
    else:
        type_ = Counter(c.type for c in members).most_common(1)[0][0]
        forms = Counter(c.text for c in members)
    gaz = [c for c in members if c.entry is not None and not c.literal]
    if type_ == "DATE":
        canonical = normalise_date(members[0].text)
        key = canonical
    elif any(c.evidence == "dateline" for c in members):
        canonical = next(c.qualifier or c.text for c in members if c.evidence == "dateline")
        key = entity_key(canonical)
    elif gaz:
        entry = gaz[0].entry
        ent = ArticleEntity(
            entry.id,
            entry.canonical,
            entry.type,
            entity_key(entry.canonical),
            forms,
            members,
            entry.related,
            True,
        )
        return ent
    elif any(c.literal for c in members):
        city = next(c.entry.city for c in members if c.literal and c.entry is not None)
        canonical, key = city, entity_key(city)
    elif type_ == "PERSON":
        canonical = _tidy_person(_most_complete(members))
        key = person_key(canonical)
    else:
        canonical = _strip_the(_longest_name(members))
        qualifier = next((c.qualifier for c in members if c.qualifier), None)
        if qualifier:
            canonical = f"{canonical} ({qualifier})"
        key = entity_key(canonical)
    return ArticleEntity(make_id(type_, key), canonical, type_, key, forms, members)


def _most_complete(members: list[Cand]) -> str:
    if len(members) == 1:
        return members[0].text
    counts = Counter(c.text for c in members if c.type == "PERSON")
    order = {c.text: n for n, c in reversed(list(enumerate(members)))}

    def rank(text: str) -> tuple:
        parts = person_parts(text)
        return (-len(core_parts(parts)), -len(parts), -counts[text], order[text])

    return min(counts, key=rank)


def _longest_name(members: list[Cand]) -> str:
    if len(members) == 1:
        return members[0].text
    counts = Counter(c.text for c in members)
    order = {c.text: n for n, c in reversed(list(enumerate(members)))}

    def rank(text: str) -> tuple:
        acronym = text.replace(".", "").isupper() and " " not in text
        return (acronym, -len(text.split()), -counts[text], order[text])

    return min(counts, key=rank)


def mentions_of(article: Article, entities: list[ArticleEntity]) -> list[Mention]:
    out = []
    for ent in entities:
        for c in ent.cands:
            out.append(Mention(c.seg, c.start, c.end, c.text, ent.type, ent.id, ent.canonical))
    out.sort(key=lambda m: (m.paragraph, m.start))
    return out
