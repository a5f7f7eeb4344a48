"""`reader compare A B` and `reader stories`: output, formats, errors (invented articles)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli

LEDGER = """Storm Idris shuts Porto Vell harbour for three days

Storm Idris closed the harbour of Porto Vell on Monday, halting all ferries for three days.

Harbour master Bruno Lind said the closure was "the only safe choice for crews and passengers."

Two cranes were toppled by gusts of 140 kilometres an hour.

Fishing crews say they lost a week of income.
"""
COURIER = """Porto Vell harbour closed as Storm Idris hits

Ferries were halted for three days after Storm Idris forced Porto Vell to close its harbour on Monday.

Gusts reaching 140 kilometres an hour knocked over two cranes.

Lind called the closure “the only safe choice for crews and passengers”.

The last storm of this strength hit the coast in 1987.
"""
ELECTION = """Karvo wins Lindholm mayoral race

Anna Karvo won the Lindholm mayoral race with 51 percent of the vote on Sunday.
"""


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in (
        ("ledger.txt", LEDGER),
        ("courier.txt", COURIER),
        ("election.txt", ELECTION),
    ):
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_compare_files_prints_side_by_side_and_summary(files):
    r = run("compare", str(files / "ledger.txt"), str(files / "courier.txt"))
    assert r.exit_code == 0, r.output
    assert "4 shared, 1 only in A, 1 only in B" in r.output
    assert "Fishing crews" in r.output and "The last storm" in r.output
    lines = r.output.splitlines()
    assert any("Storm Idris closed" in ln and "Ferries were halted" in ln for ln in lines)


def test_compare_json_and_markdown(files):
    r = run("compare", str(files / "ledger.txt"), str(files / "courier.txt"), "--json")
    data = json.loads(r.output)
    assert data["summary"] == "4 shared, 1 only in A, 1 only in B"
    kinds = {p["kind"] for p in data["pairs"]}
    assert "same_quote" in kinds
    quote = next(p for p in data["pairs"] if p["kind"] == "same_quote")
    assert (
        "Lind" in data["a"]["sentences"][quote["a"]]
        and "Lind" in data["b"]["sentences"][quote["b"]]
    )
    r = run("compare", str(files / "ledger.txt"), str(files / "courier.txt"), "--markdown")
    assert r.output.startswith("# Comparison: 4 shared")
    assert "| same quote |" in r.output and "| only in A |" in r.output


def test_markdown_escapes_pipes_in_article_text(files, tmp_path):
    odd = tmp_path / "odd.txt"
    odd.write_text(
        "A | B headline\n\nThe vote was 3 | 2 in favour of the harbour plan.\n", encoding="utf-8"
    )
    r = run("compare", str(odd), str(files / "ledger.txt"), "--markdown")
    assert r.exit_code == 0
    assert "3 \\| 2" in r.output


def test_compare_unknown_key_is_a_clear_error(files, tmp_path):
    r = CliRunner().invoke(
        cli, ["compare", str(files / "ledger.txt"), "nope", "--corpus", str(tmp_path / "none")]
    )
    assert r.exit_code != 0
    assert "Traceback" not in r.output
    assert "nope" in r.output


def test_compare_ids_through_the_index(files):
    assert run("index", str(files)).exit_code == 0
    r = run("search", "Idris", "--corpus", str(files), "--json")
    hits = json.loads(r.output)["hits"]
    by_file = {Path(h["path"]).name: h["id"] for h in hits}
    r = run(
        "compare", by_file["ledger.txt"], by_file["courier.txt"], "--corpus", str(files), "--json"
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["summary"].startswith("4 shared")


def test_stories_from_files_and_json(files):
    r = run("stories", str(files))
    assert r.exit_code == 0, r.output
    assert "2 stories from 3 articles" in r.output
    r = run("stories", str(files), "--json")
    data = json.loads(r.output)
    groups = sorted(sorted(Path(a["path"]).name for a in s["articles"]) for s in data)
    assert groups == [["courier.txt", "ledger.txt"], ["election.txt"]]
    r = run("stories", str(files), "--json", "--min-size", "2")
    assert len(json.loads(r.output)) == 1


def test_stories_without_articles_exits_nonzero(tmp_path):
    r = CliRunner().invoke(cli, ["stories", str(tmp_path / "missing")])
    assert r.exit_code == 1
    assert "No articles found" in r.output
