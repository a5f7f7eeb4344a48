"""Score entity output against a hand-made gold file (the format of shared/gold/entities.json).

Per article, entities are compared as sets: a predicted entity matches a gold entity
when one of its surface forms in that article is among the gold entity's mentions
(raw, de-hyphenated or optional forms) and its type is the gold type or one of the
gold ``alt_types``.  Optional entities and optional-only matches neither count for
nor against.  Precision is per predicted entity, recall per gold entity; the id
checks ask whether every gold entity got exactly one id across the corpus and
whether any id swallowed two gold entities.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SCORED_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "LAW")


def _norm(form: str) -> str:
    form = unicodedata.normalize("NFKC", form).replace("’", "'").replace("‘", "'")
    return " ".join(form.split())


@dataclass(frozen=True)
class GoldEntity:
    id: str
    type: str
    alt_types: tuple[str, ...]
    optional: bool
    required: dict[str, frozenset[str]]  # article -> forms that must be found
    allowed: dict[str, frozenset[str]]  # article -> every acceptable form (incl. optional)


@dataclass(frozen=True)
class Predicted:
    """One predicted entity in one article."""

    id: str
    type: str
    forms: frozenset[str]


def predictions(articles, mentions_of) -> dict[str, list[Predicted]]:
    """file name -> the entities ``mentions_of(article)`` finds, as scored here."""
    preds = {}
    for a in articles:
        forms, types = defaultdict(set), {}
        for m in mentions_of(a):
            forms[m.entity_id].add(m.text)
            types[m.entity_id] = m.type
        preds[os.path.basename(a.path)] = [
            Predicted(i, types[i], frozenset(f)) for i, f in forms.items()
        ]
    return preds


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    found: int = 0
    required: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.required if self.required else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    overall: Counts = field(default_factory=Counts)
    false_positives: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # article, type, forms
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # article, gold id, type
    splits: list[tuple[str, str]] = field(default_factory=list)  # article, gold id
    ids_per_gold: dict[str, set[str]] = field(default_factory=dict)
    gold_per_id: dict[str, set[str]] = field(default_factory=dict)

    @property
    def multi_id_gold(self) -> dict[str, set[str]]:
        """Gold entities that got more than one id across the corpus."""
        return {g: ids for g, ids in self.ids_per_gold.items() if len(ids) > 1}

    @property
    def shared_ids(self) -> dict[str, set[str]]:
        """Predicted ids that stand for more than one gold entity."""
        return {i: gs for i, gs in self.gold_per_id.items() if len(gs) > 1}


def load_gold(path: str | Path) -> list[GoldEntity]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for g in data["entities"]:
        required: dict[str, frozenset[str]] = {}
        allowed: dict[str, set[str]] = defaultdict(set)
        for art, forms in g.get("mentions", {}).items():
            allowed[art].update(_norm(f) for f in forms)
        for art, forms in g.get("mentions_clean", {}).items():
            allowed[art].update(_norm(f) for f in forms)
        if not g.get("optional"):
            for art, forms in allowed.items():
                required[art] = frozenset(forms)
        for art, forms in g.get("optional_mentions", {}).items():
            allowed[art].update(_norm(f) for f in forms)
        out.append(
            GoldEntity(
                id=g["id"],
                type=g["type"],
                alt_types=tuple(g.get("alt_types", ())),
                optional=bool(g.get("optional")),
                required=required,
                allowed={a: frozenset(f) for a, f in allowed.items()},
            )
        )
    return out


def gold_articles(gold: list[GoldEntity]) -> set[str]:
    return {a for g in gold for a in g.allowed}


def score(predictions: dict[str, list[Predicted]], gold: list[GoldEntity]) -> Report:
    """``predictions``: article name (as the gold file names it) -> predicted entities."""
    report = Report()
    ids_per_gold: dict[str, set[str]] = defaultdict(set)
    gold_per_id: dict[str, set[str]] = defaultdict(set)
    for art in sorted(gold_articles(gold)):
        preds = [p for p in predictions.get(art, []) if p.type in SCORED_TYPES]
        found: dict[str, int] = defaultdict(int)
        for p in preds:
            forms = {_norm(f) for f in p.forms}
            matches = [g for g in gold if forms & g.allowed.get(art, frozenset())]
            typed = [g for g in matches if p.type == g.type or p.type in g.alt_types]
            counted = [g for g in typed if forms & g.required.get(art, frozenset())]
            if counted:
                report.by_type[p.type].tp += 1
                for g in counted:
                    found[g.id] += 1
                    ids_per_gold[g.id].add(p.id)
                    gold_per_id[p.id].add(g.id)
            elif typed:
                continue  # optional entity or optional form only: neutral
            else:
                report.by_type[p.type].fp += 1
                report.false_positives.append((art, p.type, " | ".join(sorted(forms))))
        for g in gold:
            if art not in g.required or not g.required[art]:
                continue
            report.by_type[g.type].required += 1
            if found.get(g.id):
                report.by_type[g.type].found += 1
                if found[g.id] > 1:
                    report.splits.append((art, g.id))
            else:
                report.missed.append((art, g.id, g.type))
    for c in report.by_type.values():
        report.overall.tp += c.tp
        report.overall.fp += c.fp
        report.overall.found += c.found
        report.overall.required += c.required
    report.ids_per_gold = dict(ids_per_gold)
    report.gold_per_id = dict(gold_per_id)
    return report


def format_report(report: Report, title: str = "entities vs gold") -> str:
    """A plain-text table (type, P, R, F1, support) plus the errors, for benchmarks."""
    lines = [title, f"{'type':8} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'gold':>5}"]
    for t in SCORED_TYPES:
        c = report.by_type.get(t)
        if c is None:
            continue
        lines.append(
            f"{t:8} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:4} {c.fp:4} {c.required:5}"
        )
    o = report.overall
    lines.append(
        f"{'overall':8} {o.precision:6.3f} {o.recall:6.3f} {o.f1:6.3f} {o.tp:4} {o.fp:4} {o.required:5}"
    )
    for art, type_, forms in report.false_positives:
        lines.append(f"  FP   {art[:3]} {type_:6} {forms}")
    for art, gid, type_ in report.missed:
        lines.append(f"  MISS {art[:3]} {type_:6} {gid}")
    for art, gid in report.splits:
        lines.append(f"  SPLIT {art[:3]} {gid} (several predicted entities)")
    for gid, ids in sorted(report.multi_id_gold.items()):
        lines.append(f"  IDS  {gid}: {', '.join(sorted(ids))}")
    for pid, gids in sorted(report.shared_ids.items()):
        lines.append(f"  SHARED {pid}: {', '.join(sorted(gids))}")
    return "\n".join(lines)
