"""Corpus-level fields, computed after the documents are committed.

Some values depend on the whole corpus, not one article: the story an article
belongs to (and later corpus-level dates).  ``finalize`` returns the values each
article should have; the store compares them with what is indexed and rewrites only
the documents whose values changed, in one extra commit.

Cheap for small changes: regrouping 100k articles costs minutes, so when only a few
articles changed we regroup their *neighbourhood* instead: the stories of the
articles most similar to each changed one (found with a Whoosh more-like-this
query), plus the changed articles.  A changed article can only join a story whose
members resemble it, and the neighbourhood is weighed with the corpus' statistics
the last full pass learned (``stories.StoryModel``), so this finds the same stories
the full pass would, except for rare chain effects across many stories.  A large
change, a first build, or a corpus without a fitting model runs the full pass.

``articles`` is a lazy sequence (``store.StoredArticles``): indexing it loads one
article; it also offers ``neighbours``, ``story_members`` and ``entities_of`` for
the neighbourhood pass.  Any plain sequence of Articles works (full pass only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import count
from typing import Any

from .dates import DateSurvey, fill_missing_dates
from .model import Article, Story
from .stories import (
    ProfileTable,
    StoryModel,
    group_profiles,
    group_stories,
    profile_table,
    story_id,
)

# Fields finalize may set; the store re-indexes a document when one of them changes.
FIELDS = ("story", "entity", "date")

# Corpus-wide entity names (one spelling per person/organisation across articles) are
# recomputed for groups up to this size; beyond it the per-article names stay (the
# recogniser costs ~5-10 ms per article, too slow to rerun over a whole large corpus).
ENTITY_PASS_MAX = 1000

NEIGHBOURS = 12  # similar articles looked up per changed article
SMALL_CHANGE = 50  # up to this many changed articles (or 1% of the corpus) -> neighbourhood
MAX_REGROUP = 2000  # a neighbourhood bigger than this is regrouped by the full pass


@dataclass
class Finalized:
    values: dict[str, dict[str, str]]  # article id -> {field: value}
    model: StoryModel | None = None  # learned by a full pass (to keep for the next ones)


Progress = Callable[[int, int], None]  # (done, total): articles gone through so far
PROGRESS_EVERY = 500  # a full pass reports every this many articles read


def finalize(
    articles: Sequence[Article],
    changed_ids: Collection[str],
    model: StoryModel | None = None,
    progress: Progress | None = None,
) -> Finalized:
    """The values of the articles whose corpus-level fields were computed.

    ``changed_ids`` are the ids added, updated or removed by this update; ``model`` is
    what the last full pass learned about the corpus (a small change needs one).
    ``progress`` is told how far the pass got (a full pass of 100k articles takes
    a minute; the neighbourhoods of a few hundred added ones, seconds).
    """
    n = len(articles)
    tick = progress or (lambda done, total: None)
    small = 0 < len(changed_ids) <= max(SMALL_CHANGE, n // 100)
    if _can_go_local(articles) and small and model is not None and model.fits(n):
        local = _neighbourhood(articles, changed_ids, tick)
        if local is not None and len(local) <= MAX_REGROUP:
            return Finalized(_stories(local, articles, model)[0])
        # The neighbourhood reaches into a huge story: regrouping it costs as much as
        # the full pass, so attach each changed article to its neighbours' story.
        return Finalized(_attach(articles, changed_ids, model, tick))
    return Finalized(*_stories(articles, articles, tick=tick))


def _counted(articles: Sequence[Article], total: int, tick: Progress) -> Iterable[Article]:
    """``articles``, telling ``tick`` every ``PROGRESS_EVERY`` of them."""
    for i, article in enumerate(articles, 1):
        if i % PROGRESS_EVERY == 0:
            tick(i, total)
        yield article
    tick(total, total)


def _attach(
    articles: Any,
    changed_ids: Collection[str],
    model: StoryModel,
    tick: Progress,
) -> dict[str, dict[str, str]]:
    """Story of each changed article, from grouping it with its nearest neighbours only.

    Grouped with neighbours -> the existing story most of those neighbours belong to;
    alone -> its own new story.  Every other article keeps its story.
    """
    entities = _EntityMap(articles)
    values: dict[str, dict[str, str]] = {}
    for done, article_id in enumerate(changed_ids):
        tick(done, len(changed_ids))
        article = articles.get(article_id)
        if article is None:
            continue
        near = [
            articles.get(i) for i in articles.neighbours(article, NEIGHBOURS) if i != article_id
        ]
        group = [article, *(a for a in near if a is not None)]
        for story in group_stories(group, entities=entities, model=model):
            if article_id not in story.article_ids:
                continue
            mates = [articles.story_of(i) for i in story.article_ids if i != article_id]
            mates = [m for m in mates if m]
            values[article_id] = {"story": max(set(mates), key=mates.count) if mates else story.id}
    return values


def _can_go_local(articles: Any) -> bool:
    return all(hasattr(articles, m) for m in ("neighbours", "story_members", "get"))


def _neighbourhood(
    articles: Any, changed_ids: Collection[str], tick: Progress
) -> list[Article] | None:
    ids: dict[str, None] = {}
    for done, article_id in enumerate(changed_ids):
        tick(done, len(changed_ids))
        article = articles.get(article_id)
        if article is None:  # removed
            continue
        ids[article_id] = None
        for other in articles.neighbours(article, NEIGHBOURS):
            ids.setdefault(other, None)
    stories = {articles.story_of(i) for i in ids} - {None, ""}
    for story in stories:
        for member in articles.story_members(story):
            ids.setdefault(member, None)
        if len(ids) > MAX_REGROUP:
            return None
    loaded = [articles.get(i) for i in ids]
    return [a for a in loaded if a is not None]


def finalize_new(
    profiles: ProfileTable,
    survey: DateSurvey,
    articles: Any,
    first: Mapping[str, tuple[list, set[str]]] | None = None,
) -> Finalized:
    """``finalize`` for a first build, before anything is indexed: the workers that
    read the articles made their ``profiles``, date ``survey`` and (small corpora)
    each article's entity ``first`` pass; ``articles`` (a sequence with ``get`` and
    ``entities_of``) loads the few the date and entity passes read again.  The
    documents are then written once, with these values."""
    entity_index = None
    if first is not None:
        from .entities.corpus import EntityIndex

        entity_index = EntityIndex.from_first_pass(
            {i: f[0] for i, f in first.items()},
            {i: f[1] for i, f in first.items()},
            lambda article_id: (articles.get(article_id), None),
        )
    stories, model = group_profiles(profiles)
    return Finalized(_values(stories, articles, articles, survey, entity_index), model)


def _stories(
    group: Sequence[Article],
    articles: Any,
    model: StoryModel | None = None,
    tick: Progress | None = None,
) -> tuple[dict[str, dict[str, str]], StoryModel | None]:
    """Values from regrouping ``group`` (the corpus, or with the corpus' ``model`` a
    part of it), and the model: the one given, else the one learned from ``group``;
    ``tick`` is told how many of ``group`` were read."""
    entities = _EntityMap(articles) if hasattr(articles, "entities_of") else None
    survey = DateSurvey()  # the date pass learns what it needs from the story pass' read
    read = _counted(group, len(group), tick) if tick is not None else group
    table = profile_table(survey.watch(read), entities)
    stories, model = group_profiles(table, model=model)
    if hasattr(articles, "story_of"):
        stories = keep_story_ids(stories, articles.story_of)
    return _values(stories, group, articles, survey), model


def _values(
    stories: list[Story],
    group: Sequence[Article],
    articles: Any,
    survey: DateSurvey,
    entity_index: Any = None,
) -> dict[str, dict[str, str]]:
    """Field values from the stories: story ids, dates borrowed within a story, and
    (small corpora) corpus-wide entity names."""
    values: dict[str, dict[str, str]] = {}
    for story in stories:
        for article_id in story.article_ids:
            values[article_id] = {"story": story.id}
    related = {aid: story.article_ids for story in stories for aid in story.article_ids}
    for article_id, when in fill_missing_dates(group, related, survey).items():
        values.setdefault(article_id, {})["date"] = when
    # the corpus decides, not the group: a neighbourhood of a large corpus renaming
    # its entities would give names a rebuild never gives, and churn them each update
    if len(group) <= ENTITY_PASS_MAX and len(articles) <= ENTITY_PASS_MAX:
        stored = articles.entities_of if hasattr(articles, "entities_of") else None
        for article_id, names in corpus_entity_names(group, stored, entity_index).items():
            values.setdefault(article_id, {})["entity"] = names
    return values


def keep_story_ids(stories: list[Story], story_of: Callable[[str], str | None]) -> list[Story]:
    """Stories with the ids their members already had where that id still fits.

    A regrouped story whose members mostly share an indexed story id keeps that id
    (largest stories choose first, each id used once), even when its earliest
    article changed: a user's ``story:ID`` search keeps finding it, and its
    documents need no rewrite.  Otherwise the story keeps its own id.
    """
    taken: set[str] = set()
    out = []
    for story in sorted(stories, key=lambda s: -len(s.article_ids)):
        votes = Counter(x for x in map(story_of, story.article_ids) if x and x not in taken)
        best = max(votes.values(), default=0)
        new_id = story.id
        if best > 1 and votes.get(story.id, 0) < best:
            new_id = min(x for x, n in votes.items() if n == best)
        if new_id in taken:  # its own id went to another story: a member's, unused
            free = (x for x in map(story_id, story.article_ids) if x not in taken)
            new_id = next(free, None) or next(
                f"{story.id}-{k}" for k in count(2) if f"{story.id}-{k}" not in taken
            )
        taken.add(new_id)
        out.append(story if new_id == story.id else replace(story, id=new_id))
    return out


def corpus_entity_names(
    group: Sequence[Article],
    stored: Callable[[str], list[str]] | None = None,
    index: Any = None,
) -> dict[str, str]:
    """article id -> the ``entity`` field value with corpus-wide canonical names.

    "Lee Jong-sub" in one article and "Lee Jong Sup" in another become one name, so
    ``entity:"Lee Jong-sup"`` finds both.  With ``stored`` (the names already
    indexed for an article) names are only renamed, never added or dropped.  Same
    format as ``schema.document``.
    """
    from .entities.corpus import EntityIndex

    if index is None:  # else built already, from the articles' first pass
        index = EntityIndex.build(list(group))
    out = {}
    for a in group:
        if stored is None:
            names = index.canonical_entities(a)
        else:
            names = sorted({_corpus_name(index, n) for n in stored(a.id)})
        out[a.id] = ",".join(e.replace(",", " ") for e in names)
    return out


def is_stale(articles: Any, article_id: str, fields: Mapping[str, str]) -> bool:
    """Does the indexed document differ from these corpus-level values?

    A date is only ever filled in (an article's own date wins), so it is stale when
    the stored article has none.
    """
    for name, value in fields.items():
        if name == "date":
            article = _get(articles, article_id)
            if article is not None and not article.date:
                return True
        elif articles.value(article_id, name) not in (None, value):
            return True
    return False


def _get(articles: Any, article_id: str) -> Article | None:
    if hasattr(articles, "get"):
        return articles.get(article_id)
    return next((a for a in articles if a.id == article_id), None)


def _corpus_name(index, name: str) -> str:
    entity = index.resolve(name)
    return entity.canonical if entity is not None else name


class _EntityMap(Mapping[str, list[str]]):
    """article id -> canonical entity names, read from the index on demand."""

    def __init__(self, articles: Any) -> None:
        self._articles = articles

    def __getitem__(self, key: str) -> list[str]:
        return self._articles.entities_of(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self._articles.entities_of(key) or default

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return len(self._articles)
