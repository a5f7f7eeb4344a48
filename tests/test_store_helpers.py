"""Invented articles for the index/search/CLI tests (no third-party text).

Imported by test_store*.py, test_search*.py, test_incremental*.py, test_cli*.py and
test_crash*.py; collected by pytest too, but holds no tests of its own.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"

PLACES = ["Velmora", "Ostrand", "Kesh Valley", "Port Lunen", "Marisol Bay", "Tarnfield"]
TOPICS = [
    ("ferry", "The harbor council of {p} approved a new ferry schedule after weeks of debate."),
    ("missile", "Officials in {p} said a test missile landed far from the coast on Tuesday."),
    ("election", "Voters in {p} will choose a new mayor in an election set for the spring."),
    ("drought", "Farmers around {p} warned that the drought had cut the barley harvest by half."),
    ("museum", "A museum in {p} reopened its glass gallery after a long restoration."),
]
FILLER = [
    "Residents gathered outside the town hall to hear the announcement.",
    "A spokesperson declined to give further details on the timetable.",
    "Local newspapers had reported rumours of the decision for several days.",
    "The regional governor is expected to comment later this week.",
    "Critics said the plan ignored the needs of smaller villages.",
    "Supporters argued that the change was long overdue.",
]
OUTLETS = ["Velmora Ledger", "The Coastal Courier", "Northern Wire"]


def article_text(i: int, topic: int | None = None, place: int | None = None) -> tuple[str, str]:
    """(title, body) of invented article ``i``: one topic sentence among filler."""
    rng = random.Random(i)
    t = TOPICS[i % len(TOPICS) if topic is None else topic]
    p = PLACES[(i // len(TOPICS)) % len(PLACES) if place is None else place]
    sentences = [t[1].format(p=p)] + rng.sample(FILLER, 3)
    title = f"{p} {t[0]} news, report {i}"
    return title, "\n\n".join(sentences)


def write_txt(folder: Path, i: int, **kw) -> Path:
    title, body = article_text(i, **kw)
    path = folder / f"article_{i:04d}.txt"
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def write_json(
    folder: Path, i: int, date: str | None = None, outlet: str | None = None, **kw
) -> Path:
    title, body = article_text(i, **kw)
    rec = {
        "id": f"r{i}",
        "title": title,
        "text": body,
        "outlet": outlet or OUTLETS[i % len(OUTLETS)],
    }
    if date:
        rec["date"] = date
    path = folder / f"article_{i:04d}.json"
    path.write_text(json.dumps(rec), encoding="utf-8")
    return path


def make_corpus(folder: Path, n: int = 12, kind: str = "json") -> list[Path]:
    """``n`` articles; JSON ones carry outlets and dates spread over 2022-2023."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        if kind == "txt":
            out.append(write_txt(folder, i))
        else:
            out.append(
                write_json(folder, i, date=f"{2022 + i % 2}-{1 + i % 12:02d}-{1 + i % 27:02d}")
            )
    return out


@pytest.fixture(autouse=True, scope="session")
def isolated_cache(tmp_path_factory):
    """Never touch the user's cache dir (the last-corpus state file lives there).

    Session-scoped so module-scoped libraries are built inside it too; test modules
    import it to activate it.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("READER_CACHE_DIR", str(tmp_path_factory.mktemp("reader-cache")))
        yield
