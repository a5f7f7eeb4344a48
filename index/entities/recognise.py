"""The default recogniser: gazetteer matches plus rules over capitalised name runs.

One paragraph (or the title) at a time:

1. dates (regex) and gazetteer names (Aho-Corasick, word-bounded, leftmost-longest);
2. capitalised tokens grouped into runs ("Secretary of Defense Lloyd J. Austin III",
   "United Nations Convention on the Law of the Sea"), split at function words,
   possessives and dates;
3. each run typed by its head noun (Ministry -> ORG, Summit -> EVENT, Agreement ->
   LAW, Hotel -> FAC, Strait -> LOC), by a title before a name ("Defense Minister"),
   or by context cues and name shapes for people;
4. acronyms defined in parentheses, "also known as" and datelines.

Runs with no evidence are kept as *unknown* candidates; ``resolve`` types them when
the same article confirms the name elsewhere ("Hamada" after "Yasukazu Hamada").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from .cues import (
    GOVERNMENT_HEADS,
    HEADS,
    KINSHIP,
    NAME_ADJECTIVES,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    NOT_ORG_ACRONYMS,
    PERSON_CUES_AFTER,
    PERSON_CUES_BEFORE,
    PREFIX_HEADS,
    SINGLE_NAME_CUES,
    STANDALONE_ORGS,
    STOP_CAPS,
    TITLE_DOMAIN,
    TITLE_MODIFIERS,
    TITLES,
)
from .dates import find_dates
from .gazetteer import Entry, Gazetteer
from .keys import acronym_of

_CAP = "A-ZÀ-ÖØ-Þ"
# A capitalised word and what may hang on it; trailing dots, hyphens and quotes are
# trimmed in Python (a charset-first pattern is ~10x faster than an alternation).
TOKEN_RE = re.compile(rf"[{_CAP}][\w’'.\-‐]*")
_DOTTED = re.compile(r"(?:[A-Z]\.)+$")
_ABBREVIATIONS = frozenset(
    "Mr. Mrs. Ms. Dr. Jr. Sr. St. Sen. Rep. Gov. Gen. Lt. Col. Maj. Capt. Sgt. Adm. Prof. "
    "Rev. Corp. Inc. Ltd. Co. Mt. Ft. Brig. Gens. Sens. Reps. No.".split()
)
_ORDINAL_BEFORE = re.compile(r"(?<![\w.,])\d{1,3}(?:st|nd|rd|th)[ \u00a0]$")
_SPACE = re.compile(r"[ \t\u00a0]+")
_CONNECTOR_GAP = re.compile(r"[ \t\u00a0]+(of|for|on|against)[ \t\u00a0]+(?:(the)[ \t\u00a0]+)?")
_PARTICLE_GAP = re.compile(r"[ \t\u00a0]+(?:([a-z]{1,4})[ \t\u00a0]+|(?:al|el|bin|ibn|ad)-)")
_POSSESSIVE = ("’s", "'s")
_NAME_ATOM = re.compile(
    rf"[{_CAP}](?:[’'][{_CAP}])?[a-zà-ÿ]+(?:[{_CAP}][a-zà-ÿ]+)*(?:[’'\-‐][{_CAP}a-z][a-zà-ÿ]*)*$|[A-Z]\.$"
)
_KOREAN_GIVEN = re.compile(r"[A-Z][a-z]{1,5}[\-‐][A-Za-z][a-z]{1,3}$")  # "Jong-sup", "Man-ki"
_INNER_CAP = re.compile(r"(?:Mc|Mac|O[’']|D[’']|Di|De|La|Le|Van)[A-Z][a-z]+$")
_PRODUCT = re.compile(r"([A-Z][a-z]{3,})-\d{1,3}$")
_SENT_END = re.compile(r"(?:[.!?:;]['\"’”)]*|[\"“‘(\[—–-])\s*$")
# (the run is possessive and starts only where one begins: the same matches as the
# plain "([\w.’'\-]+)\W{0,3}$", without retrying every position inside each word)
_PREV_WORD = re.compile(r"(?<![\w.’'\-])([\w.’'\-]++)\W{0,3}$")
_NEXT_WORD = re.compile(r"^\W{0,3}?([\w’'\-]+)")
_AFTER_PERSON = re.compile(
    r"^(?:,\s*(?:who|whose)\b|\s+(?:" + "|".join(PERSON_CUES_AFTER) + r")\b)"
)
_AGE_OR_ROLE = re.compile(
    r"^,\s+(?:\d{1,3}(?:,|\s+years?\s+old)|(?:a|an|the)\s+(?:[a-z\-]+\s+){0,3}?(?:"
    + "|".join(sorted(PERSON_CUES_BEFORE - {"mr.", "mrs.", "ms.", "dr."}))
    + r"|therapist|doctor|teacher|student|worker|resident|woman|man|girl|boy|mother|father)\b)"
)
_AKA = re.compile(r"(?:also known as|known as|a\.k\.a\.|aka|dubbed)\s+(?:the\s+)?$", re.I)
_PAREN = re.compile(r"\s*\(([^()]{2,80})\)")
DATELINE_RE = re.compile(
    r"^\s*(?P<city>[A-Z][A-Z’'.\-]+(?: [A-Z][A-Z’'.\-]+){0,2})"
    r"(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?"
    r"\s*(?:\((?P<agency>[^)]{2,40})\))?\s*(?:[-—–―‒]+|:)\s?"
)
_HONORIFICS = frozenset(
    {"Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr", "Sir", "Dame", "Lord", "Lady"}
)
_COMMON_POSSESSORS = frozenset({"People", "Women", "Children", "Men", "Veterans", "Workers"})
_LITERAL_BEFORE = frozenset(
    {"in", "at", "near", "outside", "inside", "around", "across", "throughout", "within"}
)


# what a lone unknown capitalised word is, whatever its context (Recogniser._kind)
_ACRONYM, _PRODUCT_NAME, _NOT_NAME, _NAME, _COMMON_NAME = range(5)
_KINDS_MAX = 200_000


@dataclass(slots=True)
class Cand:
    """A mention candidate inside one segment (paragraph index, -1 = title)."""

    seg: int
    start: int
    end: int
    text: str
    type: str | None  # None: an unknown capitalised name, typed later or dropped
    entry: Entry | None = None
    evidence: str = ""
    qualifier: str | None = None  # canonical country of a government body
    literal: bool = False  # a capital named as a city ("in Seoul"), not a government
    government: bool = False  # a generic government body ("the Defense Ministry")
    sent_start: bool = False
    words: tuple[str, ...] = ()


@dataclass(slots=True)
class Atom:
    start: int
    end: int  # without a possessive 's
    text: str
    poss: bool = False
    gaz: Entry | None = None
    part_of_token: int = -1  # hyphen parts of one token share this id
    gap: str = "break"  # gap to the next atom: space, hyphen, conn:<word>, particle, break


@dataclass
class SegmentScan:
    cands: list[Cand] = field(default_factory=list)
    links: list[tuple[Cand, Cand]] = field(default_factory=list)  # same entity
    not_entities: set[str] = field(default_factory=set)  # acronyms of common nouns (WMD)
    aka: list[tuple[Cand, str]] = field(default_factory=list)  # "also known as X"
    unresolved: set[str] = field(default_factory=set)  # keys of unknown runs left untyped


class Recogniser:
    """Finds candidates in one segment; holds nothing between articles."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.auto = gaz.automaton
        self.entries = gaz.entries
        self.common = gaz.common
        self._kinds: dict[str, int] = {}  # word -> _word_kind

    # -- gazetteer ------------------------------------------------------------------

    def gazetteer_matches(self, text: str) -> list[tuple[int, int, Entry]]:
        found: list[tuple[int, int, int]] = []
        n = len(text)
        for end, (length, idx) in self.auto.iter(text):
            start = end - length + 1
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_"):
                continue
            if end + 1 < n and (text[end + 1].isalnum() or text[end + 1] == "_"):
                continue
            entry = self.entries[idx]
            if entry.contextual and not re.search(r"\b[Tt]he\s$", text[max(0, start - 4) : start]):
                continue
            found.append((start, end + 1, idx))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        out: list[tuple[int, int, Entry]] = []
        last = -1
        for start, end, idx in found:
            if start >= last:
                out.append((start, end, self.entries[idx]))
                last = end
        return out

    # -- atoms ----------------------------------------------------------------------

    def atoms(self, text: str, gaz: list[tuple[int, int, Entry]], skip_to: int) -> list[Atom]:
        raw: list[Atom] = []
        gaz_starts = {g[0] for g in gaz}
        for tid, m in enumerate(TOKEN_RE.finditer(text, skip_to)):
            s, e = m.span()
            if s and text[s - 1].isalnum():
                continue  # inside a word ("McDonald" is one token, not "Donald")
            t = m.group()
            if t in STOP_CAPS and s not in gaz_starts:
                continue  # "The", "But": never part of a name; the gap they leave breaks runs
            if t.isalpha():  # most words: nothing to trim, no possessive, no hyphen
                raw.append(Atom(s, e, t, False, None, tid))
                continue
            last = t[-1]
            if last in ".-‐":
                t = _trim(t, text, e)
                if not t:
                    continue
                e = s + len(t)
                last = t[-1]
            poss = False
            if last in "s’'":
                if t.endswith(_POSSESSIVE) and len(t) > 2:
                    poss, e, t = True, e - 2, t[:-2]
                elif last != "s":
                    nxt = text[e + 1 : e + 2]
                    if not t.endswith(("s’", "s'")):
                        e, t = e - 1, t[:-1]  # a closing quote
                    elif not nxt.isupper():
                        poss, e, t = True, e - 1, t[:-1]  # "Mattis’ performance"
                    if not t:
                        continue
            if "-" in t or "‐" in t:
                raw.extend(self._hyphen_parts(text, s, e, t, poss, tid, gaz))
            else:
                raw.append(Atom(s, e, t, poss, None, tid))
        if not raw:
            return raw
        atoms = self._merge_gazetteer(text, raw, gaz) if gaz else raw
        for a, b in zip(atoms, atoms[1:], strict=False):
            n = b.start - a.end
            if n == 1 and text[a.end] == " ":
                a.gap = "space"  # the commonest gaps, decided without a call
            elif n > 15 or n <= 0:
                a.gap = "break"
            else:
                a.gap = self._gap(text, a, b)
        return atoms

    def _hyphen_parts(self, text, s, e, t, poss, tid, gaz) -> list[Atom]:
        """Split "Japan-ROK-US" / "US-led" into parts when gazetteer names cover every
        capitalised part; "Indo-Pacific" and "Jong-sup" stay whole."""
        parts = [(s + m.start(), s + m.end(), m.group()) for m in re.finditer(r"[^\-‐]+", t)]
        spans = {(gs, ge) for gs, ge, _ in gaz if s <= gs and ge <= e}
        covered = [p for p in parts if (p[0], p[1]) in spans]
        caps = [p for p in parts if p[2][:1].isupper()]
        if not covered or any((p[0], p[1]) not in spans for p in caps):
            return [Atom(s, e, t, poss, part_of_token=tid)]
        out = []
        for ps, pe, pt in parts:
            if not pt[:1].isupper():
                # "US-led", "Seoul-based": a lower-case word ends the name; "Man-ki" is a
                # given name, not the Isle of Man
                if len(pt) < 3 or self.common.get(pt.lower(), 0.0) < 3.5:
                    return [Atom(s, e, t, poss, part_of_token=tid)]
                break
            out.append(Atom(ps, pe, pt, False, part_of_token=tid, gap="hyphen"))
        if out and out[-1].end == e:
            out[-1].poss = poss
        return out

    def _merge_gazetteer(self, text, raw: list[Atom], gaz) -> list[Atom]:
        """The atoms a gazetteer name spans become one atom carrying its entry (in place:
        most names are one atom, which just gets the entry)."""
        starts = [a.start for a in raw]
        n = len(raw)
        for gs, ge, entry in reversed(gaz):  # right to left: indices stay valid
            i = bisect_left(starts, gs)
            if i == n or starts[i] != gs:
                continue
            a = raw[i]
            if a.end == ge:
                a.gaz = entry
                continue
            j = i
            while j < n and raw[j].end < ge:
                j += 1
            if j < n and raw[j].end == ge:
                merged = Atom(gs, ge, text[gs:ge], raw[j].poss, entry, a.part_of_token)
                raw[i : j + 1] = [merged]
                del starts[i + 1 : j + 1]
                n = len(raw)
        return raw

    def _gap(self, text: str, a: Atom, b: Atom) -> str:
        n = b.start - a.end
        if n > 15 or n <= 0:
            return "break"
        if n == 1 and text[a.end] == " ":
            return "space"
        if a.poss:
            g = text[a.end : b.start]
            g = g[1:] if g[:1] in "’'" else g
            g = g[1:] if g[:1] == "s" else g
            return "poss" if _SPACE.fullmatch(g) else "break"
        if (
            a.part_of_token == b.part_of_token
            and a.part_of_token >= 0
            and text[a.end : b.start] in "-‐"
        ):
            return "hyphen"
        gap = text[a.end : b.start]
        if not gap:
            return "break"
        if _SPACE.fullmatch(gap):
            return "space"
        m = _CONNECTOR_GAP.fullmatch(gap)
        if m:
            return "conn:" + m.group(1)
        m = _PARTICLE_GAP.fullmatch(gap)
        if m:
            word = m.group(1)
            if word is None or word in NAME_PARTICLES or self.common.get(word, 0.0) < 3.3:
                return "particle"
        return "break"

    # -- segments -------------------------------------------------------------------

    def scan(self, text: str, seg: int, out: SegmentScan, *, dateline: bool = False) -> None:
        """Add the candidates of one paragraph (or the title, ``seg == -1``) to ``out``."""
        skip_to = 0
        if dateline:
            skip_to = self._dateline(text, seg, out)
        dates = find_dates(text)
        for ds, de in dates:
            if ds >= skip_to:
                out.cands.append(Cand(seg, ds, de, text[ds:de], "DATE", evidence="date"))
        gaz = [g for g in self.gazetteer_matches(text) if g[0] >= skip_to]
        atoms = self.atoms(text, gaz, skip_to)
        if not atoms:
            self._outside_runs(text, seg, gaz, [], out)
            return
        upper = _LazyUpper(text)
        start_count = len(out.cands)
        run: list[Atom] = []
        for a in atoms:
            if a.gap == "break" and not run:  # a run of one word: most runs
                if a.gaz is None and a.text in STOP_CAPS:
                    continue  # "The", "But", "He": the commonest run of all
                if not dates or not any(ds <= a.start < de for ds, de in dates):
                    self._one(text, seg, a, upper, out)
                continue
            run.append(a)
            if a.gap == "break":
                self._run(text, seg, run, dates, upper, out)
                run = []
        if run:
            self._run(text, seg, run, dates, upper, out)
        self._outside_runs(text, seg, gaz, atoms, out)
        self._parentheticals(text, seg, out, start_count)
        if _title_case(text):
            # "Reid Breaks With Obama Over Proposed Ground Zero Mosque": in a headline
            # every word is capitalised, so only names the body confirms are kept
            for c in out.cands[start_count:]:
                if (
                    c.entry is None
                    and c.type != "DATE"
                    and c.evidence not in ("dateline", "acronym-def")
                ):
                    c.type, c.evidence = None, "titlecase"

    def _outside_runs(self, text, seg, gaz, atoms, out) -> None:
        """Gazetteer names that start lower-case ("mainland China") never form atoms."""
        starts = {a.start for a in atoms}
        for gs, ge, entry in gaz:
            if (
                gs not in starts
                and not text[gs].isupper()
                and not any(a.start <= gs < a.end for a in atoms)
            ):
                out.cands.append(self._gaz_cand(text, seg, gs, ge, entry))

    def _dateline(self, text: str, seg: int, out: SegmentScan) -> int:
        m = DATELINE_RE.match(text)
        if not m or len(m.group("city")) < 3:
            return 0
        city = m.group("city").strip()
        if sum(c.isalpha() for c in city) < 3 or city.upper() != city:
            return 0
        pretty = " ".join(w.capitalize() for w in city.split())
        entry = self.gaz.lookup(pretty)
        canonical = entry.city if entry is not None and entry.city else pretty
        if entry is not None and entry.kind in ("name", "official") and entry.type == "GPE":
            canonical = entry.canonical  # "SINGAPORE -" is the city-state itself
        out.cands.append(
            Cand(
                seg,
                m.start("city"),
                m.end("city"),
                city,
                "GPE",
                entry,
                "dateline",
                canonical,
                literal=True,
            )
        )
        agency = m.group("agency")
        if agency and re.fullmatch(r"[A-Z][\w&.\- ]+", agency.strip()):
            a = agency.strip()
            s = m.start("agency") + agency.index(a)
            out.cands.append(Cand(seg, s, s + len(a), a, "ORG", evidence="dateline-agency"))
        return m.end()

    # -- runs -----------------------------------------------------------------------

    def _run(self, text, seg, run: list[Atom], dates, upper: bool, out: SegmentScan) -> None:
        pieces: list[list[Atom]] = []
        cur: list[Atom] = []
        possessor: Entry | None = None
        qualifiers: dict[int, Entry] = {}
        for a in run:
            in_date = bool(dates) and any(ds <= a.start < de for ds, de in dates)
            if in_date or (a.gaz is None and a.text in STOP_CAPS):
                if cur:
                    pieces.append(cur)
                cur = []
                continue
            if cur and cur[-1].gap.startswith("conn:") and not self._joins(cur):
                pieces.append(cur)
                cur = []
            if not cur and possessor is not None:
                qualifiers[len(pieces)] = possessor
            possessor = None
            cur.append(a)
            if a.poss and a.text not in _COMMON_POSSESSORS:
                pieces.append(cur)
                cur = []
                if a.gaz is not None and a.gaz.type == "GPE":
                    possessor = a.gaz
        if cur:
            pieces.append(cur)
        for i, piece in enumerate(pieces):
            self._piece(text, seg, piece, upper, out, qualifiers.get(i))

    def _one(self, text, seg, a: Atom, upper, out: SegmentScan) -> None:
        """``_piece`` of a one-word run, its commonest case (an unknown capitalised word
        that could be a name) decided without building pieces or asking twice what the
        word itself is (``_kind``)."""
        if a.gaz is not None:  # a gazetteer name on its own (what ``_plain`` makes of it)
            out.cands.append(self._gaz_cand(text, seg, a.start, a.end, a.gaz))
            return
        if a.text in HEADS:
            self._piece(text, seg, [a], upper, out, None)
            return
        t = a.text
        kind = self._kind(t)
        if kind == _ACRONYM or kind == _PRODUCT_NAME:
            self._unknown(text, seg, [a], upper, out)
            return
        if kind == _NOT_NAME:
            return
        s = a.start
        sent_start = self._sentence_start(text, s)
        if sent_start and kind == _COMMON_NAME:
            out.cands.append(
                Cand(seg, s, a.end, t, None, None, "sentence-start", sent_start=True, words=(t,))
            )
            return
        before = text[max(0, s - 30) : s]
        m = _PREV_WORD.search(before)
        if (
            m
            and m.group(1).lower() in SINGLE_NAME_CUES
            and not before.rstrip().endswith((".", ";"))
        ):
            type_, evidence = "PERSON", "cue-before"
        elif text[a.end : a.end + 8].lstrip().startswith("region"):
            type_, evidence, sent_start = "LOC", "region", False
        else:
            type_, evidence = None, "unknown"
        out.cands.append(
            Cand(seg, s, a.end, t, type_, None, evidence, sent_start=sent_start, words=(t,))
        )

    def _kind(self, t: str) -> int:
        """What a capitalised word is on its own (asked once per distinct word)."""
        kind = self._kinds.get(t)
        if kind is None:
            if len(self._kinds) >= _KINDS_MAX:
                self._kinds.clear()
            kind = self._kinds[t] = self._word_kind(t)
        return kind

    def _word_kind(self, t: str) -> int:
        if t.isupper() and t.isalpha() and len(t) >= 2 and "." not in t:
            return _ACRONYM  # an acronym, or shouting
        product = _PRODUCT.match(t)
        if product and self.common.get(product.group(1).lower(), 0) < 3.5:
            return _PRODUCT_NAME  # "Hwasong-17"
        if not _name_word(t):
            return _NOT_NAME
        return _COMMON_NAME if self.common.get(t.lower(), 0) >= 4.0 else _NAME

    def _joins(self, cur: list[Atom]) -> bool:
        """Does a connector ("of", "for", "on") continue this name?"""
        last = cur[-1].text
        if last in PREFIX_HEADS or last in TITLES or last in TITLE_DOMAIN:
            return True
        return any(a.text in PREFIX_HEADS and a.gap.startswith("conn:") for a in cur[:-1])

    def _piece(
        self, text, seg, atoms: list[Atom], upper, out: SegmentScan, possessor: Entry | None
    ):
        n = len(atoms)
        if n == 1:  # most pieces: one word, so no title before a name, no "X of Y" head
            a = atoms[0]
            if a.gaz is None and a.text in HEADS:
                if HEADS[a.text] != "GPE":
                    self._named(text, seg, atoms, (0, HEADS[a.text]), out, possessor)
                else:
                    self._emit(text, seg, atoms, "GPE", "head", out)
            elif a.gaz is None:
                self._unknown(text, seg, atoms, upper, out)
            else:
                self._plain(text, seg, atoms, upper, out)
            return
        title_at = -1
        for i, a in enumerate(atoms):
            if a.text in TITLES and a.gaz is None:
                title_at = i
        head = None
        for i, a in enumerate(atoms):
            if a.gaz is None and a.gap.startswith("conn:") and i < n - 1 and a.text in PREFIX_HEADS:
                head = (i, PREFIX_HEADS[a.text])
                break
        if head is None and atoms[-1].gaz is None and atoms[-1].text in HEADS:
            head = (n - 1, HEADS[atoms[-1].text])
        if (
            title_at >= 0
            and head is not None
            and head[0] > title_at
            and atoms[title_at].text not in TITLE_MODIFIERS
        ):
            # "Reporter for Fox News", "Director of the Federal Bureau of Investigation":
            # the name after the title's connector is the organisation
            conn = next(
                (k for k in range(title_at, head[0]) if atoms[k].gap.startswith("conn:")), None
            )
            if conn is not None:
                atoms = atoms[conn + 1 :]
                n = len(atoms)
                head = (head[0] - conn - 1, head[1])
                title_at = -1
        if title_at >= 0 and (head is None or head[0] < title_at) and title_at < n - 1:
            self._person_after_title(text, seg, atoms, title_at, out)
        elif head is not None and head[1] != "GPE":
            self._named(text, seg, atoms, head, out, possessor)
        elif head is not None:  # "Republic of X" not in the gazetteer
            self._emit(text, seg, atoms, "GPE", "head", out)
        else:
            self._plain(text, seg, atoms, upper, out)

    def _person_after_title(
        self, text, seg, atoms: list[Atom], title_at: int, out: SegmentScan
    ) -> None:
        for a in atoms[:title_at]:
            if a.gaz is not None:
                out.cands.append(self._gaz_cand(text, seg, a.start, a.end, a.gaz))
        rest = atoms[title_at + 1 :]
        if any(a.gap.startswith("conn:") for a in atoms[title_at:-1]):
            name: list[Atom] = []
            stop: Atom | None = None
            for a in reversed(rest):
                weak = a.gaz is not None and self._name_like(a) and bool(name)
                if (
                    (a.gaz is not None and not weak)
                    or a.text in TITLE_DOMAIN
                    or a.text in HEADS
                    or not self._name_like(a)
                ):
                    if a.gaz is not None:
                        out.cands.append(self._gaz_cand(text, seg, a.start, a.end, a.gaz))
                    stop = a
                    break
                if a.gap.startswith("conn:"):
                    stop = a
                    break
                name.insert(0, a)
            if stop is None or stop.gap.startswith("conn:"):
                return  # "Queen of Rage": what follows "of" is the title's domain, not a name
            name = name[-4:]
        else:
            name = []
            while rest and rest[0].gaz is None and rest[0].text in TITLE_DOMAIN and len(rest) > 1:
                rest = rest[1:]  # "President Pro Tem David Long"
            for a in rest:
                if (
                    (a.gaz is not None and not (self._name_like(a) and name))
                    or not self._name_like(a)
                    or (name and a.text in TITLES)
                ):
                    break
                name.append(a)
                if a.gap.startswith("conn:") or a.gap == "hyphen" or a.text in NAME_SUFFIXES:
                    break  # "Thomas J. Bliley Jr. Reaching that pinnacle ..."
        if not name or len(name) > 5 or all(len(a.text) <= 2 for a in name):
            return
        title = atoms[title_at].text
        if (
            len(name) == 1
            and title in TITLE_MODIFIERS
            and (title_at == 0 or atoms[title_at - 1].text not in TITLES)
        ):
            return  # "General Electric", "Vice Versa": the title word is an adjective here
        if len(name) == 1 and title not in _HONORIFICS:
            low = name[0].text.lower()
            if self.common.get(low, 0.0) >= 4.8 and _label_like(text):
                # "Secretary Clinton" yes, "President Says" no; in a sentence the
                # frequent word is a name ("President Obama said", "Senator Smith")
                return
            if (
                atoms[title_at].text in TITLE_MODIFIERS
                and low.endswith("s")
                and self.common.get(low[:-1], 0.0) >= 3.5
            ):
                return  # "Associated General Contractors"
        out.cands.append(self._cand(text, seg, name, "PERSON", "title"))

    def _named(
        self, text, seg, atoms: list[Atom], head, out: SegmentScan, possessor: Entry | None
    ) -> None:
        idx, type_ = head
        if len(atoms) == 1:
            if atoms[0].text in STANDALONE_ORGS and not self._sentence_start(text, atoms[0].start):
                out.cands.append(self._cand(text, seg, atoms, "ORG", "head"))
            return  # "the Summit", "the Council": a common noun, not a name
        if (
            len(atoms) == 2
            and atoms[0].gaz is not None
            and atoms[0].gaz.type == "NORP"
            and atoms[1].text in STANDALONE_ORGS
        ):
            # "Republican Senate" = Republican + Senate, unlike "Republican Party"
            out.cands.append(self._gaz_cand(text, seg, atoms[0].start, atoms[0].end, atoms[0].gaz))
            out.cands.append(self._cand(text, seg, atoms[1:], "ORG", "head"))
            return
        start = 0
        # A hyphenated compound of places modifies a longer name ("Korea-Japan General
        # Security ... Agreement"), but is the name of a bare "Korea-US Summit".
        k = 0
        while k < len(atoms) - 1 and atoms[k].gaz is not None and atoms[k].gap == "hyphen":
            k += 1
        if k >= 1 and atoms[k].gaz is not None and len(atoms) - (k + 1) > 1:
            for a in atoms[: k + 1]:
                out.cands.append(self._gaz_cand(text, seg, a.start, a.end, a.gaz))
            start = k + 1
        body = atoms[start:]
        if (
            len(body) >= 2
            and body[0].gaz is None
            and body[0].text not in TITLE_DOMAIN
            and body[0].text not in NAME_ADJECTIVES
            and self.common.get(body[0].text.lower(), 0.0) >= (4.5 if len(body) > 2 else 5.0)
            and self._sentence_start(text, body[0].start)
        ):
            body = body[1:]  # "Local Republican Party officials said": "Local" starts the sentence
        if len(body) < 2 and not (body and body[0].text not in HEADS):
            return
        qualifier = None
        generic = False
        if type_ == "ORG" and atoms[-1].text in GOVERNMENT_HEADS:
            lead = body[0].gaz
            rest = body[1:] if lead is not None else body
            generic = all(
                a.gaz is None and (a.text in TITLE_DOMAIN or a.text in HEADS) for a in rest
            )
            country = lead is not None and (
                lead.type == "NORP" or lead.kind in ("name", "official", "alias")
            )
            if lead is not None and lead.type in ("GPE", "NORP") and country and generic and rest:
                # "Japanese Defense Ministry" = Japanese + Defense Ministry (Japan), like
                # "Japan's Defense Ministry"
                qualifier = lead.related if lead.type == "NORP" else lead.canonical
                out.cands.append(self._gaz_cand(text, seg, body[0].start, body[0].end, lead))
                body = rest
            elif possessor is not None and generic:
                qualifier = possessor.canonical
        cand = self._cand(text, seg, body, type_, "head")
        if type_ == "EVENT":
            ordinal = _ORDINAL_BEFORE.search(text, max(0, cand.start - 8), cand.start)
            if ordinal:  # "20th Asian Security Conference"
                cand.start = ordinal.start()
                cand.text = text[cand.start : cand.end]
                cand.words = tuple(cand.text.split())
        cand.qualifier = qualifier
        cand.government = generic
        out.cands.append(cand)

    def _plain(self, text, seg, atoms: list[Atom], upper: bool, out: SegmentScan) -> None:
        if all(a.gaz is None for a in atoms):  # the commonest run: no gazetteer name in it
            self._unknown(text, seg, atoms, upper, out)
            return
        names = [a for a in atoms if a.gaz is None]
        weak_blocked = any(
            a.gaz is not None and (a.gaz.weak or a.gaz.contextual) for a in atoms
        ) and any(self._name_like(a) and a.text not in STOP_CAPS for a in names)
        if weak_blocked:
            self._unknown(text, seg, atoms, upper, out)
            return
        if (
            len(atoms) == 2
            and atoms[0].gaz is not None
            and atoms[0].gaz.type == "GPE"
            and atoms[0].gap == "space"
            and atoms[1].gaz is None
            and re.fullmatch(r"[A-Z]{2,6}", atoms[1].text)
            and atoms[1].text not in NOT_ORG_ACRONYMS
            and not upper
        ):
            out.cands.append(self._cand(text, seg, atoms, "ORG", "acronym"))  # "US DOD"
            return
        sub: list[Atom] = []
        for a in atoms:
            if a.gaz is not None:
                if sub:
                    self._unknown(text, seg, sub, upper, out)
                    sub = []
                out.cands.append(self._gaz_cand(text, seg, a.start, a.end, a.gaz))
            else:
                sub.append(a)
        if sub:
            self._unknown(text, seg, sub, upper, out)

    def _unknown(self, text, seg, atoms: list[Atom], upper: bool, out: SegmentScan) -> None:
        # split at connectors that did not join ("Santos of Colombia" handled earlier)
        while atoms and (
            atoms[0].text in STOP_CAPS
            or (atoms[0].gaz is not None and not self._name_like(atoms[0]))
        ):
            atoms = atoms[1:]
        if not atoms:
            return
        first = atoms[0]
        sent_start = self._sentence_start(text, first.start)
        if len(atoms) == 1:
            t = first.text
            kind = self._kind(t)
            if kind == _ACRONYM:
                if upper or t in NOT_ORG_ACRONYMS or t in self.gaz.ignore:
                    return
                entry = self.gaz.forms.get(t.title()) if len(t) >= 4 else None
                if entry is not None:  # "WASHINGTON" in a caps line or dateline
                    e = self.gaz.entries[entry]
                    out.cands.append(self._gaz_cand(text, seg, first.start, first.end, e))
                    return
                if self.common.get(t.lower(), 0.0) >= (
                    3.5 if len(t) >= 5 else 4.5 if len(t) == 4 else 5.5
                ):
                    return  # "VERY", "CORRECTION": shouting, not an acronym
                type_ = "ORG" if len(t) >= 3 else None
                out.cands.append(self._cand(text, seg, atoms, type_, "acronym", sent_start))
                return
            if kind == _PRODUCT_NAME:
                out.cands.append(self._cand(text, seg, atoms, "FAC", "product"))
                return
        for k, a in enumerate(atoms[:-1]):
            if a.text in NAME_SUFFIXES:
                atoms = atoms[: k + 1]
                break
        if len(atoms) > 5 or not (
            self._name_like(first) if len(atoms) == 1 else all(map(self._name_like, atoms))
        ):
            return
        if len(atoms) == 1 and sent_start and self.common.get(first.text.lower(), 0) >= 4.0:
            # "Following ...", "Regarding ...": a capitalised common word, unless the
            # article names it elsewhere ("Obama said ..." after "President Obama")
            out.cands.append(self._cand(text, seg, atoms, None, "sentence-start", sent_start))
            return
        evidence = self._person_evidence(text, atoms)
        if evidence and (len(atoms) >= 2 or evidence == "cue-before"):
            out.cands.append(self._cand(text, seg, atoms, "PERSON", evidence, sent_start))
            return
        if len(atoms) == 1 and text[atoms[0].end : atoms[0].end + 8].lstrip().startswith("region"):
            out.cands.append(self._cand(text, seg, atoms, "LOC", "region"))
            return
        out.cands.append(self._cand(text, seg, atoms, None, "unknown", sent_start))

    def _person_evidence(self, text: str, atoms: list[Atom]) -> str:
        s, e = atoms[0].start, atoms[-1].end
        before = text[max(0, s - 30) : s]
        m = _PREV_WORD.search(before)
        if m and not before.rstrip().endswith((".", ";")):
            cue = m.group(1).lower()
            if cue in SINGLE_NAME_CUES or (len(atoms) >= 2 and cue in PERSON_CUES_BEFORE):
                return "cue-before"
        after = text[e : e + 40]
        if atoms[-1].poss:
            nxt = _NEXT_WORD.match(text[e + 2 : e + 30])
            if nxt and nxt.group(1).lower() in KINSHIP:
                return "kinship"
        if len(atoms) < 2:
            return ""
        words = [a.text for a in atoms]
        if any(w in TITLES or w in HEADS for w in words):
            return ""  # "America's Toughest Sheriff, who ..."
        rare = any(self.common.get(w.lower(), 0.0) < 4.5 for w in words)
        if _AFTER_PERSON.match(after) and rare:
            return "cue-after"
        if rare and _AGE_OR_ROLE.match(text[e : e + 80]):
            return "apposition"  # "Jasmine Tridevil, a massage therapist", "Ann Lee, 42,"
        if _KOREAN_GIVEN.match(words[-1]) and len(words) == 2 and len(words[0]) <= 5:
            return "shape"
        names = [w for w in words if w not in NAME_SUFFIXES]
        if len(names) >= 2 and (
            any(re.fullmatch(r"[A-Z]\.", w) for w in words[1:-1]) or words[-1] in NAME_SUFFIXES
        ):
            return "shape"
        if _INNER_CAP.match(words[-1]):
            return "shape"
        if before.endswith(", ") and after.startswith(",") and rare:
            prev = _PREV_WORD.search(before)
            if prev and prev.group(1)[:1].islower():
                return "appositive"
        return ""

    def _name_like(self, a: Atom) -> bool:
        """Could this word be part of a person's name?  A weak gazetteer word can:
        "John Kerry", "George Washington"."""
        t = a.text
        if a.gaz is not None and not (a.gaz.weak and " " not in t):
            return False
        return _name_word(t)

    # -- candidates -----------------------------------------------------------------

    def _sentence_start(self, text: str, pos: int) -> bool:
        if pos == 0:
            return True
        before = text[max(0, pos - 4) : pos]
        if before[-2:-1].isalpha() and before[-1:] == " ":
            return False  # "said Kim": the commonest case, decided without a regex
        return bool(_SENT_END.search(before))

    def _cand(self, text, seg, atoms: list[Atom], type_, evidence, sent_start=False) -> Cand:
        s, e = atoms[0].start, atoms[-1].end
        return Cand(
            seg,
            s,
            e,
            text[s:e],
            type_,
            evidence=evidence,
            sent_start=sent_start,
            words=tuple(text[s:e].split()),
        )

    def _emit(self, text, seg, atoms, type_, evidence, out) -> None:
        out.cands.append(self._cand(text, seg, atoms, type_, evidence))

    def _gaz_cand(self, text: str, seg: int, s: int, e: int, entry: Entry) -> Cand:
        literal = False
        if entry.kind == "capital":
            m = _PREV_WORD.search(text[max(0, s - 20) : s])
            literal = bool(m and m.group(1).lower() in _LITERAL_BEFORE)
        return Cand(
            seg,
            s,
            e,
            text[s:e],
            entry.type,
            entry,
            "gazetteer",
            literal=literal,
            words=tuple(text[s:e].split()),
        )

    # -- definitions ----------------------------------------------------------------

    def _parentheticals(self, text: str, seg: int, out: SegmentScan, first: int) -> None:
        """ "Nuclear Consultative Group (NCG)": NCG names the group; "weapons of mass
        destruction (WMD)": WMD names nothing; "X (Y)" with Y of X's type: one entity."""
        cands = out.cands[first:]
        if (
            "(" not in text
            and "known as" not in text
            and "aka" not in text
            and "dubbed" not in text
        ):
            return
        by_end = {c.end: c for c in cands if c.type != "DATE"}
        by_start = {c.start: c for c in cands if c.type != "DATE"}
        for m in _PAREN.finditer(text):
            inner = m.group(1).strip()
            inner_start = m.start(1) + m.group(1).index(inner)
            prev = by_end.get(m.start())
            acr = inner.replace(".", "")
            if re.fullmatch(r"[A-Z][A-Z0-9&\-]{1,9}s?", acr):
                if prev is not None and prev.type and acronym_of(acr.rstrip("s"), list(prev.words)):
                    alias = by_start.get(inner_start)
                    if alias is None:
                        alias = Cand(
                            seg,
                            inner_start,
                            inner_start + len(inner),
                            inner,
                            prev.type,
                            evidence="acronym-def",
                        )
                        out.cands.append(alias)
                    alias.type = prev.type
                    alias.evidence = "acronym-def"
                    alias.entry = None
                    out.links.append((prev, alias))
                elif prev is None:
                    words = re.findall(r"[\w’'\-]+", text[max(0, m.start() - 80) : m.start()])
                    for k in range(2, min(8, len(words)) + 1):
                        tail = words[-k:]
                        lower = [
                            w
                            for w in tail
                            if w[:1].islower() and w not in ("of", "and", "the", "for", "on")
                        ]
                        if lower and acronym_of(acr.rstrip("s"), tail):
                            out.not_entities.add(inner)
                            break
                continue
            inner_cand = by_start.get(inner_start)
            if (
                prev is not None
                and inner_cand is not None
                and prev.type
                and inner_cand.type == prev.type
            ):
                if inner_cand.end == inner_start + len(inner) and prev.type not in (
                    "PERSON",
                    "DATE",
                    "GPE",
                    "NORP",
                ):
                    out.links.append((prev, inner_cand))
        for c in cands:
            if c.type in ("EVENT", "ORG", "LAW", "FAC", "LOC") and _AKA.search(
                text[max(0, c.start - 30) : c.start]
            ):
                out.aka.append((c, c.type))


def _name_word(t: str) -> bool:
    """Is the word shaped like a part of a person's name ("Hamada", "J.", "Jr.")?"""
    return bool(_NAME_ATOM.match(t)) or t in NAME_SUFFIXES


def _trim(t: str, text: str, end: int) -> str:
    """Drop what a sentence, a quote or a dash left on a token ("Korea." -> "Korea"),
    keeping "U.S.", "Jr." and initials ("J." before a capital)."""
    while t and t[-1] in "-‐":
        t = t[:-1]
    if t.endswith("."):
        if t in _ABBREVIATIONS or (
            _DOTTED.match(t) and (len(t) > 2 or text[end : end + 2].strip()[:1].isupper())
        ):
            return t
        t = t.rstrip(".")
        while t and t[-1] in "-‐":
            t = t[:-1]
    return t


_WORD = re.compile(r"[A-Za-z][\w’'\-]*")


def _label_like(text: str) -> bool:
    """A headline or a short label rather than a sentence ("President Says")."""
    return _title_case(text) or len(_WORD.findall(text)) < 5


def _title_case(text: str) -> bool:
    """Headline capitalisation: nearly every word of four letters or more capitalised
    (a sentence full of names still has its verbs and nouns in lower case)."""
    if len(text) > 200 or text.rstrip().rstrip("\"”’'").endswith((".", "!", "?")):
        return False  # headlines do not end with a full stop; sentences do
    long = [w for w in _WORD.findall(text) if len(w) >= 4]
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.8 * len(long)


# bytes.translate deletes all but A-Z (a-z): counting letters in C, ~15x a regex findall
_NOT_UPPER = bytes(c for c in range(256) if not 65 <= c <= 90)
_NOT_LOWER = bytes(c for c in range(256) if not 97 <= c <= 122)


def _mostly_upper(text: str) -> bool:
    """A headline or label in capitals ("SEE ALSO:"): its words are not acronyms."""
    sample = text[:300].encode("ascii", "ignore")  # the ASCII letters are what count
    up = len(sample.translate(None, _NOT_UPPER))
    return up >= 4 and up > 1.5 * len(sample.translate(None, _NOT_LOWER))


class _LazyUpper:
    """``_mostly_upper`` computed only if a rule asks (most paragraphs never do)."""

    __slots__ = ("text", "value")

    def __init__(self, text: str) -> None:
        self.text = text
        self.value: bool | None = None

    def __bool__(self) -> bool:
        if self.value is None:
            self.value = _mostly_upper(self.text)
        return self.value
