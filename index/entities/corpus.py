"""Corpus-level entities: one id and canonical name per entity across every article.

Per article, ``find_mentions`` already merges what can be merged from one text
(case, hyphens, spacing, initials, surnames, acronyms defined in the text).  Across
articles ``EntityIndex`` adds what only the corpus shows:

- one-edit spelling variants of a person ("Lee Jong-sup" / "Lee Jong-sub");
- a middle initial ("Lloyd J. Austin" / "Lloyd Austin") when no other initial competes
  ("George W. Bush" / "George H. W. Bush" stay apart);
- an acronym in one article and its expansion in another ("KCNA");
- an alias one article states ("X, also known as Y") or a shared surface form;
- event names with the same distinctive words ("Asian Security Summit" / "20th Asian
  Security Conference").

The canonical name of a person is the most complete form, then the one most articles
use; of anything else the name most articles use.  Per-article ids (what
``canonical_entities`` puts in the index) map onto corpus ids through ``id_map``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..model import Article, Mention
from .backend import analyse, article_entities, scan
from .keys import (
    acronym_of,
    core_parts,
    entity_key,
    make_id,
    name_edges,
    person_parts,
    short_form,
    spelling_variant,
)
from .recognise import SegmentScan
from .resolve import ArticleEntity, event_core, link_initials

_NAMED = ("ORG", "EVENT", "LAW", "FAC", "LOC")
# A bare surname or given name ("Obama", in articles that never give the full name)
# joins the one person the corpus names in full with it, when that person holds this
# share of the articles of every such person, and at least this many of them.
SHORT_NAME_SHARE = 0.8
SHORT_NAME_MIN_ARTICLES = 3


@dataclass
class Entity:
    """One entity across the corpus."""

    id: str
    canonical: str
    type: str
    aliases: list[str]  # distinct surface forms, most used first
    counts: dict[str, dict[str, int]]  # article id -> surface form -> mentions
    related: str | None = None  # NORP: the country it belongs to

    @property
    def mentions(self) -> int:
        return sum(sum(forms.values()) for forms in self.counts.values())

    @property
    def article_count(self) -> int:
        return len(self.counts)


@dataclass
class EntitySummary:
    """What one article says about one entity: small, JSON-friendly, enough to merge."""

    id: str
    type: str
    canonical: str
    forms: dict[str, int]
    gazetteer: bool = False
    related: str | None = None

    @classmethod
    def of(cls, e: ArticleEntity) -> EntitySummary:
        return cls(e.id, e.type, e.canonical, dict(e.forms), e.from_gazetteer, e.related)


def first_pass(
    article: Article, found: SegmentScan | None = None
) -> tuple[list[EntitySummary], set[str]]:
    """The article's entities for ``EntityIndex`` and the keys of capitalised runs left
    unknown, which other articles may confirm (``EntityIndex.from_first_pass``)."""
    entities, unresolved = analyse(article, found=found)
    return _summaries(entities), set(unresolved)


def summarise(article: Article) -> list[EntitySummary]:
    """The article's entities (without dates) in the form ``EntityIndex`` merges."""
    return _summaries(article_entities(article))


def _summaries(entities: Iterable[ArticleEntity]) -> list[EntitySummary]:
    return [EntitySummary.of(e) for e in entities if e.type != "DATE"]


@dataclass
class _Node:
    id: str
    type: str
    canonical: str
    gazetteer: bool
    related: str | None
    forms: Counter = field(default_factory=Counter)  # form -> mentions
    form_articles: Counter = field(default_factory=Counter)  # form -> articles
    articles: set[str] = field(default_factory=set)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # article -> form -> n


class EntityIndex:
    """Entities of a whole corpus, with cross-article merging."""

    def __init__(self) -> None:
        self._summaries: dict[str, list[EntitySummary]] = {}
        self._cluster: dict[str, str] = {}  # per-article id -> corpus id
        self._entities: dict[str, Entity] = {}
        self._known: dict[str, str] = {}  # multi-word name key -> type, confirmed somewhere
        self._by_key: tuple[dict[str, Entity], dict[str, Entity]] | None = None

    # -- building -------------------------------------------------------------------

    @classmethod
    def build(
        cls, articles: Iterable[Article], progress: Callable[[int], None] | None = None
    ) -> EntityIndex:
        """Recognise every article, then merge across them.

        A second pass revisits the articles where a capitalised name stayed unknown
        that another article confirmed ("Choi Sung Bak spoke ..." with no cue)."""
        articles = list(articles)
        summaries: dict[str, list[EntitySummary]] = {}
        unresolved: dict[str, set[str]] = {}
        scans: dict[str, SegmentScan] = {}
        for n, article in enumerate(articles, 1):
            found = scan(article)
            summaries[article.id], unresolved[article.id] = first_pass(article, found)
            if unresolved[article.id]:
                scans[article.id] = found
            if progress is not None:
                progress(n)
        by_id = {a.id: a for a in articles}
        return cls.from_first_pass(summaries, unresolved, lambda i: (by_id[i], scans.get(i)))

    @classmethod
    def from_first_pass(
        cls,
        summaries: dict[str, list[EntitySummary]],
        unresolved: dict[str, set[str]],
        load: Callable[[str], tuple[Article | None, SegmentScan | None]],
    ) -> EntityIndex:
        """``build`` from each article's ``first_pass`` (made where the article was read,
        e.g. by the indexing workers): ``load`` gives back, by id, an article (and its
        scan, if kept) that the second pass must revisit."""
        known = _corpus_names(summaries)
        for article_id, names in unresolved.items():
            if names & known.keys():
                article, found = load(article_id)
                if article is not None:
                    summaries[article_id] = _summaries(analyse(article, known, found)[0])
        return cls.from_summaries(summaries)

    @classmethod
    def from_summaries(cls, summaries: dict[str, list[EntitySummary]]) -> EntityIndex:
        """Merge stored per-article summaries (e.g. kept next to the search index)."""
        index = cls()
        index._summaries = dict(summaries)
        index._merge()
        return index

    def _merge(self) -> None:
        self._by_key = None
        self._known = _corpus_names(self._summaries)
        nodes: dict[str, _Node] = {}
        for art, ents in self._summaries.items():
            for e in ents:
                node = nodes.get(e.id)
                if node is None:
                    node = nodes[e.id] = _Node(e.id, e.type, e.canonical, e.gazetteer, e.related)
                node.articles.add(art)
                per = node.counts.setdefault(art, {})
                for form, n in e.forms.items():
                    node.forms[form] += n
                    node.form_articles[form] += 1
                    per[form] = per.get(form, 0) + n
        ids = sorted(nodes)
        pos = {i: n for n, i in enumerate(ids)}
        parent = list(range(len(ids)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        gaz_root: dict[int, bool] = {pos[i]: nodes[i].gazetteer for i in ids}

        def union(a: str, b: str) -> None:
            ra, rb = find(pos[a]), find(pos[b])
            if ra == rb or (gaz_root[ra] and gaz_root[rb]):
                return  # two gazetteer entities are never one
            keep, drop = min(ra, rb), max(ra, rb)
            parent[drop] = keep
            gaz_root[keep] = gaz_root[ra] or gaz_root[rb]

        _merge_shared_forms(nodes, union)
        _merge_government(nodes, union)
        _merge_people(nodes, union)
        _merge_short_names(nodes, union, lambda node_id: find(pos[node_id]))
        _merge_acronyms(nodes, union)
        _merge_events(nodes, union)

        clusters: dict[int, list[_Node]] = defaultdict(list)
        for i in ids:
            clusters[find(pos[i])].append(nodes[i])
        self._cluster = {}
        self._entities = {}
        for members in clusters.values():
            entity = self._entity(members)
            while entity.id in self._entities:  # different entities, same display key
                entity.id += "~"
            self._entities[entity.id] = entity
            for m in members:
                self._cluster[m.id] = entity.id

    def _entity(self, members: list[_Node]) -> Entity:
        gaz = [m for m in members if m.gazetteer]
        type_ = Counter(m.type for m in members for _ in m.articles).most_common(1)[0][0]
        form_articles: Counter = Counter()
        form_mentions: Counter = Counter()
        for m in members:
            form_articles.update(m.form_articles)
            form_mentions.update(m.forms)
        if gaz:
            node = gaz[0]
            eid, canonical = node.id, node.canonical
        elif type_ == "PERSON":
            canonical = _canonical_person(members, form_articles, form_mentions)
            eid = make_id("PERSON", " ".join(person_parts(canonical)))
        elif len(members) == 1:
            canonical = members[0].canonical
            eid = members[0].id
        else:
            canonical = _canonical_name(members, form_articles, form_mentions)
            eid = make_id(type_, entity_key(canonical))
        counts: dict[str, dict[str, int]] = {}
        for m in members:
            for art, per in m.counts.items():
                bucket = counts.setdefault(art, {})
                for form, n in per.items():
                    bucket[form] = bucket.get(form, 0) + n
        aliases = sorted(form_mentions, key=lambda f: (-form_mentions[f], f))
        related = next((m.related for m in members if m.related), None)
        return Entity(eid, canonical, type_, aliases, counts, related)

    # -- queries --------------------------------------------------------------------

    def entities(self, type: str | None = None, *, min_articles: int = 1) -> list[Entity]:
        """Entities by number of articles, then mentions (most discussed first)."""
        out = [
            e
            for e in self._entities.values()
            if (type is None or e.type == type) and e.article_count >= min_articles
        ]
        return sorted(out, key=lambda e: (-e.article_count, -e.mentions, e.canonical))

    def entity(self, entity_id: str) -> Entity | None:
        """By corpus id or by any per-article id that was merged into it."""
        return self._entities.get(entity_id) or self._entities.get(self._cluster.get(entity_id, ""))

    def resolve(self, name: str) -> Entity | None:
        """The entity a name or alias stands for ("DPRK", "Lee Jong Sup", "KCNA").

        A canonical name wins; else the most mentioned entity with that alias."""
        if self._by_key is None:
            canonical: dict[str, Entity] = {}
            alias: dict[str, Entity] = {}
            for e in self._entities.values():
                canonical.setdefault(entity_key(e.canonical), e)
                for key in {entity_key(a) for a in e.aliases}:
                    best = alias.get(key)
                    if best is None or e.mentions > best.mentions:
                        alias[key] = e
            self._by_key = (canonical, alias)
        key = entity_key(name)
        return self._by_key[0].get(key) or self._by_key[1].get(key)

    def id_map(self) -> dict[str, tuple[str, str]]:
        """Per-article id -> (corpus id, corpus canonical name)."""
        return {pid: (cid, self._entities[cid].canonical) for pid, cid in self._cluster.items()}

    def canonical_entities(self, article: Article) -> list[str]:
        """Like the module-level function, with corpus-wide canonical names."""
        names = set()
        for s in self._summaries.get(article.id) or summarise(article):
            ent = self.entity(s.id)
            names.add(ent.canonical if ent is not None else s.canonical)
        return sorted(names)

    def mentions(self, article: Article) -> list[Mention]:
        """The article's mentions, with corpus ids and canonical names."""
        from .resolve import mentions_of

        out = []
        entities, _ = analyse(article, self._known or None)
        for m in mentions_of(article, entities):
            ent = self.entity(m.entity_id)
            if ent is not None:
                m = Mention(
                    m.paragraph,
                    m.start,
                    m.end,
                    m.text,
                    ent.type if m.type != "DATE" else m.type,
                    ent.id,
                    ent.canonical,
                )
            out.append(m)
        return out

    # -- persistence ----------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "version": 1,
            "articles": {a: [vars(s) for s in ents] for a, ents in self._summaries.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> EntityIndex:
        arts = data.get("articles", {})
        return cls.from_summaries(
            {a: [EntitySummary(**s) for s in ents] for a, ents in arts.items()}
        )


# -- merge rules ------------------------------------------------------------------------


def _corpus_names(summaries: dict[str, list[EntitySummary]]) -> dict[str, str]:
    """Multi-word names some article confirmed, by key -> type (ambiguous keys left out)."""
    known: dict[str, str] = {}
    clash: set[str] = set()
    for ents in summaries.values():
        for e in ents:
            if e.gazetteer or e.type not in ("PERSON", *_NAMED):
                continue
            for form in e.forms:
                if e.type == "PERSON":
                    if short_form(core_parts(person_parts(form))) is not None:
                        continue
                elif len(form.split()) < 2:
                    continue
                keys = {entity_key(form)}
                if e.type == "PERSON":  # "Marcus Holloway" for "Marcus T. Holloway"
                    keys.add(" ".join(core_parts(person_parts(form))))
                for key in keys:
                    if known.setdefault(key, e.type) != e.type:
                        clash.add(key)
    for key in clash:
        known.pop(key, None)
    return known


def _distinctive(form: str, node: _Node) -> bool:
    """A surface form that can stand for one entity across articles."""
    if node.type == "PERSON":
        return short_form(core_parts(person_parts(form))) is None
    if node.type in ("DATE", "GPE", "NORP") or node.canonical.endswith(")"):
        return False  # gazetteer-backed, or a government body tied to its country
    words = form.split()
    return len(words) >= 2 or (form.replace(".", "").isupper() and len(form) >= 3)


def _merge_shared_forms(nodes: dict[str, _Node], union) -> None:
    by_form: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node in nodes.values():
        for form in node.forms:
            if _distinctive(form, node):
                by_form[(node.type, entity_key(form))].append(node.id)
    for ids in by_form.values():
        for other in ids[1:]:
            union(ids[0], other)


def _merge_government(nodes: dict[str, _Node], union) -> None:
    """ "the State Department" = the corpus' only "State Department (United States)";
    with two countries' defence ministries in the corpus, an unqualified one stays apart."""
    qualified: dict[str, list[str]] = defaultdict(list)
    for node in nodes.values():
        m = re.fullmatch(r"(.+) \((.+)\)", node.canonical)
        if node.type == "ORG" and m:
            qualified[entity_key(m.group(1))].append(node.id)
    for node in nodes.values():
        if node.type == "ORG" and not node.canonical.endswith(")"):
            ids = qualified.get(entity_key(node.canonical), [])
            if len(ids) == 1:
                union(ids[0], node.id)


def _merge_people(nodes: dict[str, _Node], union) -> None:
    people = [n for n in nodes.values() if n.type == "PERSON" and not n.gazetteer]
    full = {}
    for n in people:
        forms = [person_parts(f) for f in n.forms]
        forms = [p for p in forms if short_form(core_parts(p)) is None]
        if forms:
            full[n.id] = max(forms, key=lambda p: (len(core_parts(p)), len(p)))
    link_initials(list(full.items()), union)
    # one-edit spelling variants (same first part, same number of parts)
    buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for nid, parts in full.items():
        core = core_parts(parts)
        buckets[(core[0], len(core))].append(nid)
    for ids in buckets.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                ca, cb = core_parts(full[a]), core_parts(full[b])
                if ca != cb and spelling_variant(ca, cb):  # equal cores: initials decide
                    union(a, b)


def _merge_short_names(nodes: dict[str, _Node], union, root: Callable[[str], int]) -> None:
    """Bare surnames and given names onto the person the corpus names in full with
    them, when one person clearly dominates: "Obama" -> "Barack Obama" (a few
    articles name Michelle Obama), but "Clinton" stays apart while Hillary and Bill
    share the corpus.  Full names already merged (initials, spellings) count as one."""
    people = [n for n in nodes.values() if n.type == "PERSON" and not n.gazetteer]
    articles: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(dict)
    short: list[tuple[_Node, tuple[str, str]]] = []
    first: dict[int, str] = {}  # a full name's cluster -> one node id of it
    for n in people:
        cores = [core_parts(person_parts(f)) for f in n.forms]
        full = [c for c in cores if short_form(c) is None]
        if full:
            person = first.setdefault(root(n.id), n.id)
            for edge in name_edges(max(full, key=len)):
                articles[edge].setdefault(person, set()).update(n.articles)
            continue
        forms = {short_form(c) for c in cores}
        if len(forms) == 1:
            short.append((n, forms.pop()))
    for node, edge in short:
        by_person = articles.get(edge)
        if not by_person:
            continue
        counts = {person: len(arts) for person, arts in by_person.items()}
        best = max(counts, key=counts.get)
        if counts[best] >= SHORT_NAME_MIN_ARTICLES and counts[best] >= SHORT_NAME_SHARE * sum(
            counts.values()
        ):
            union(node.id, best)


def _initials(words: list[str]) -> str:
    return "".join(w[0].upper() for w in words if w[:1].isupper())


def _merge_acronyms(nodes: dict[str, _Node], union) -> None:
    """An all-caps name in one article = the only multi-word name in the corpus it abbreviates."""
    expansions: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for node in nodes.values():
        if node.type not in _NAMED or node.canonical.endswith(")"):
            continue
        for form in node.forms:
            words = re.sub(r"^(?:The|the)\s+", "", form).split()
            if len(words) >= 2:
                expansions[_initials(words)[:1]].append((node.id, words))
    for node in nodes.values():
        if node.type not in _NAMED or node.gazetteer:
            continue
        acronyms = [
            f for f in node.forms if " " not in f and f.replace(".", "").isupper() and len(f) >= 3
        ]
        if not acronyms or any(len(f.split()) >= 2 for f in node.forms):
            continue
        for acr in acronyms:
            hits = {
                nid
                for nid, words in expansions.get(acr[0], ())
                if nid != node.id and len(words) <= 2 * len(acr) and acronym_of(acr, words)
            }
            if len(hits) == 1:
                union(hits.pop(), node.id)
                break


def _merge_events(nodes: dict[str, _Node], union) -> None:
    """Event names with the same distinctive words, or one more ("Shangri-La Dialogue" /
    "Shangri-La Defense Dialogue Summit")."""
    by_core: dict[frozenset[str], list[str]] = defaultdict(list)
    cores: list[tuple[str, frozenset[str]]] = []
    for node in nodes.values():
        if node.type != "EVENT":
            continue
        for form in node.forms:
            core = event_core(form.split())
            if core:
                by_core[core].append(node.id)
                cores.append((node.id, core))
    for ids in by_core.values():
        for other in ids[1:]:
            union(ids[0], other)
    for nid, core in cores:
        if len(core) < 2:
            continue
        for word in core:
            smaller = core - {word}
            for other in by_core.get(smaller, ()):
                union(nid, other)


def _canonical_person(members: list[_Node], articles: Counter, mentions: Counter) -> str:
    from .resolve import _tidy_person

    forms = [f for f in articles if short_form(core_parts(person_parts(f))) is None] or list(
        articles
    )

    def rank(form: str) -> tuple:
        parts = person_parts(form)
        return (-len(core_parts(parts)), -articles[form], -mentions[form], len(parts), form)

    return _tidy_person(min(forms, key=rank))


def _canonical_name(members: list[_Node], articles: Counter, mentions: Counter) -> str:
    def rank(form: str) -> tuple:
        acronym = " " not in form and form.replace(".", "").isupper()
        return (acronym, -articles[form], -len(form.split()), -mentions[form], form)

    best = min(articles, key=rank)
    return re.sub(r"^(?:The|the)\s+", "", best)
