"""The gazetteer: every known name -> entity, in one Aho-Corasick automaton.

Built from countryinfo (country names, official names, alternative spellings,
demonyms, capitals, states/provinces, regions) and the alias files, plus a table of
common English word frequencies (wordfreq) the rules use to tell "Hamada" from
"However".  Building takes ~0.3 s, so the result is pickled in the user cache dir,
keyed by package versions and the alias files' contents; loading it takes ~30 ms.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import ahocorasick

from ..files import replace_file
from .aliases import AliasTable, load_aliases, user_alias_file
from .cues import HEADS, STOP_CAPS, TITLE_DOMAIN
from .keys import entity_key, make_id

GAZETTEER_VERSION = "1"

# Which source wins when two claim the same surface form (lower wins).
_PRIORITY = {
    "user": 0,
    "alias": 1,
    "name": 2,
    "official": 3,
    "demonym": 4,
    "capital": 5,
    "region": 6,
    "province": 7,
}
_COMPASS = (
    "North",
    "South",
    "East",
    "West",
    "Northeast",
    "Northwest",
    "Southeast",
    "Southwest",
    "Central",
    "Eastern",
    "Western",
    "Northern",
    "Southern",
)
_CONTINENTS = ("Asia", "Europe", "Africa", "America", "Oceania")
_MIN_CAPITAL_POPULATION = 1_000_000  # "Victoria" (Seychelles) or "Douglas" are names first
_MIN_PROVINCE_POPULATION = 20_000_000  # states of big countries, not Ireland's "Kerry"
_MAX_PROVINCES = 60  # states and provinces, not the UK's 150 boroughs ("Reading", "Bury")
_COMMON_WORDS = 60_000


@dataclass(frozen=True)
class Entry:
    """What a gazetteer surface form stands for."""

    id: str
    canonical: str
    type: str
    kind: str  # name, official, alias, demonym, capital, region, province, user
    city: str | None = None  # capitals: the city itself, for literal uses ("in Seoul")
    contextual: bool = False  # "the North": needs "the" and another mention of the entity
    weak: bool = False  # capitals/provinces: yield to a longer capitalised name
    related: str | None = None  # NORP -> canonical GPE


@dataclass
class Gazetteer:
    entries: list[Entry]
    forms: dict[str, int]  # surface form -> index into entries
    automaton: ahocorasick.Automaton
    common: dict[str, float]  # lower-case word -> zipf frequency (top English words)
    ignore: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)
    by_canonical: dict[str, Entry] = field(default_factory=dict)

    def lookup(self, text: str) -> Entry | None:
        """The entity a surface form names, trying exact form then its key."""
        idx = self.forms.get(text)
        if idx is not None:
            return self.entries[idx]
        entry = self.by_canonical.get(entity_key(text))
        return entry

    def zipf(self, word: str) -> float:
        return self.common.get(word.lower(), 0.0)


def _latin(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z\u00c0-\u024f .’'\-()&]+", text))


def _cue_word(name: str) -> bool:
    """Provinces called "Central", "Western" or "Coast" would tag every "Coast Guard"."""
    return (
        len(name) < 4
        or name in HEADS
        or name in STOP_CAPS
        or name in TITLE_DOMAIN
        or name in _COMPASS
    )


def _country_sources() -> list[dict]:
    from countryinfo._cache import load_countries

    return list(load_countries()["countries"].values())


class _Builder:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.index: dict[tuple, int] = {}
        self.forms: dict[str, tuple[int, int]] = {}  # form -> (priority, entry index)
        self.removed: set[str] = set()

    def entry(self, entry: Entry) -> int:
        key = (entry.id, entry.kind, entry.city, entry.contextual)
        if key not in self.index:
            self.index[key] = len(self.entries)
            self.entries.append(entry)
        return self.index[key]

    def add(self, form: str, entry: Entry, source: str) -> None:
        form = form.strip()
        if not form or form in self.removed:
            return
        idx = self.entry(entry)
        prio = _PRIORITY[source]
        variants = {form}
        if "'" in form:
            variants.add(form.replace("'", "’"))
        for v in variants:
            old = self.forms.get(v)
            if old is None or prio < old[0]:
                self.forms[v] = (prio, idx)


def _compass_abbreviations(name: str) -> list[str]:
    """ "South Korea" -> "S. Korea", "S.Korea" (a pattern, not a list of countries)."""
    first, _, rest = name.partition(" ")
    if first in ("North", "South", "East", "West") and rest:
        return [f"{first[0]}. {rest}", f"{first[0]}.{rest}"]
    return []


def _demonym_plurals(demonym: str) -> list[str]:
    if demonym.endswith(("an", "i")):
        return [demonym + "s"]
    return []


def build_gazetteer(aliases: AliasTable | None = None) -> Gazetteer:
    """Build from countryinfo + alias files (slow path; ``load_gazetteer`` caches it)."""
    aliases = aliases if aliases is not None else load_aliases()
    b = _Builder()
    for entry in aliases.entries.values():
        b.removed.update(entry.remove)
    replaced = {name for name, e in aliases.entries.items() if e.replace}

    # Largest first: a demonym or capital shared by several entries ("American") belongs
    # to the country most people mean by it.
    countries = sorted(_country_sources(), key=lambda c: -(c.get("population") or 0))
    common = _common_words()
    for info in countries:
        name = info.get("name")
        if not isinstance(name, str) or not _latin(name):
            continue
        key = entity_key(name)
        small = (info.get("population") or 0) < _MIN_CAPITAL_POPULATION
        country = Entry(make_id("GPE", key), name, "GPE", "name")
        if name not in replaced:
            b.add(name, country, "name")
            for form in _compass_abbreviations(name):
                b.add(form, country, "official")
            iso = {str(v) for v in (info.get("ISO") or {}).values() if v}
            for alt in info.get("altSpellings") or []:
                # ISO codes ("KP", "PRK") are not how people write; "Korea, Republic of"
                # is an index form; one-word alternatives that are English words
                # ("Island" for Iceland) or belong to small territories ("Man") mislead.
                if not isinstance(alt, str) or alt in iso or "," in alt or not _latin(alt):
                    continue
                if " " not in alt and (small or common.get(alt.lower(), 0.0) >= 4.0):
                    continue
                b.add(alt, country, "official")
        demonym = info.get("demonym")
        if isinstance(demonym, str) and _latin(demonym) and demonym not in replaced:
            norp = Entry(
                make_id("NORP", entity_key(demonym)), demonym, "NORP", "demonym", related=name
            )
            for form in [demonym, *_demonym_plurals(demonym)]:
                b.add(form, norp, "demonym")
        population = info.get("population") or 0
        capital = info.get("capital")
        if (
            isinstance(capital, str)
            and "/" not in capital
            and population >= _MIN_CAPITAL_POPULATION
        ):
            city = re.sub(r"\s+[A-Z]\.[A-Z]\.$", "", capital)  # "Washington D.C." -> "Washington"
            if _latin(city) and not _cue_word(city):
                metonym = Entry(country.id, name, "GPE", "capital", city=city, weak=True)
                for form in {capital, city}:
                    b.add(form, metonym, "capital")
        provinces = info.get("provinces") or []
        if population >= _MIN_PROVINCE_POPULATION and len(provinces) <= _MAX_PROVINCES:
            for prov in provinces:
                if (
                    isinstance(prov, str)
                    and _latin(prov)
                    and "(" not in prov
                    and not _cue_word(prov)
                ):
                    entry = Entry(
                        make_id("GPE", entity_key(prov)), prov, "GPE", "province", weak=True
                    )
                    b.add(prov, entry, "province")
    regions = set()
    for info in countries:
        for fld in ("region", "subregion"):
            val = info.get(fld)
            if isinstance(val, str) and val and " and " not in val:
                regions.add(val)
    regions.update(f"{c} {r}" for c in _COMPASS for r in _CONTINENTS)
    for region in sorted(regions):
        b.add(region, Entry(make_id("LOC", entity_key(region)), region, "LOC", "region"), "region")

    by_name = {e.canonical: e for e in b.entries if e.kind in ("name", "demonym", "region")}
    for name, spec in aliases.entries.items():
        known = by_name.get(name)
        type_ = spec.type or (known.type if known else None)
        if type_ is None:
            aliases.warnings.append(
                f'aliases: "{name}" has no type and is not a known country; skipped'
            )
            continue
        entry = Entry(make_id(type_, entity_key(name)), name, type_, "alias", related=spec.related)
        b.add(name, entry, "alias")
        for alias in spec.aliases:
            if alias.lower().startswith("the ") and len(alias) > 4:
                ctx = Entry(entry.id, name, type_, "alias", contextual=True, related=spec.related)
                b.add(alias[4:], ctx, "alias")
            else:
                b.add(alias, entry, "alias")

    for form in aliases.ignore:
        b.forms.pop(form, None)
    automaton = ahocorasick.Automaton()
    forms = {}
    for form, (_prio, idx) in b.forms.items():
        forms[form] = idx
        automaton.add_word(form, (len(form), idx))
    automaton.make_automaton()
    by_canonical: dict[str, Entry] = {}
    for form, idx in forms.items():
        e = b.entries[idx]
        if not e.contextual:
            by_canonical.setdefault(entity_key(form), e)
    for e in b.entries:
        if not e.contextual and e.kind != "capital":
            by_canonical[entity_key(e.canonical)] = e
    return Gazetteer(
        entries=b.entries,
        forms=forms,
        automaton=automaton,
        common=common,
        ignore=frozenset(aliases.ignore),
        warnings=list(aliases.warnings),
        by_canonical=by_canonical,
    )


def _common_words() -> dict[str, float]:
    from wordfreq import top_n_list, zipf_frequency

    words = top_n_list("en", _COMMON_WORDS)
    return {w: round(zipf_frequency(w, "en"), 2) for w in words if w.isalpha()}


# --- cache -------------------------------------------------------------------------


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _source_stamp() -> str:
    here = Path(__file__).parent
    h = hashlib.blake2b(digest_size=8)
    for name in ("gazetteer.py", "aliases.py", "keys.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            pass
    return h.hexdigest()


def _cache_file(user_file: Path) -> Path:
    from ..paths import cache_root

    h = hashlib.blake2b(digest_size=10)
    parts = [
        GAZETTEER_VERSION,
        _source_stamp(),
        _version("countryinfo"),
        _version("pyahocorasick"),
        _version("wordfreq"),
    ]
    for path in (Path(__file__).parents[1] / "data" / "aliases.toml", user_file):
        try:
            parts.append(path.read_bytes().hex())
        except OSError:
            parts.append("-")
    h.update("\0".join(parts).encode())
    return cache_root() / "entities" / f"gazetteer-{h.hexdigest()}.pickle"


@lru_cache(maxsize=4)
def _load(user_file: str) -> Gazetteer:
    path = Path(user_file)
    cache = _cache_file(path)
    try:
        with cache.open("rb") as fh:
            gaz = pickle.load(fh)
        if isinstance(gaz, Gazetteer):
            return gaz
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    gaz = build_gazetteer(load_aliases(path))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        replace_file(cache, pickle.dumps(gaz, protocol=pickle.HIGHEST_PROTOCOL))
        for old in cache.parent.glob("gazetteer-*.pickle"):
            if old != cache:  # built for other package versions or alias files
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache only costs the build time
    return gaz


def load_gazetteer(user_file: Path | None = None) -> Gazetteer:
    """The gazetteer for the current alias files (cached in memory and on disk)."""
    return _load(str(user_file if user_file is not None else user_alias_file()))


def clear_cache() -> None:
    """Forget loaded gazetteers (after editing an alias file, or in tests)."""
    global GENERATION
    GENERATION += 1
    _load.cache_clear()


GENERATION = 0  # bumped by clear_cache, so holders of a Recogniser know to rebuild
