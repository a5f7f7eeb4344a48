"""``reader doctor``: installation checks and the cleaning score table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.commands.doctor import command

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "gold"


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.chdir(tmp_path)  # no ../shared/gold next to it: installation checks only
    return CliRunner()


def test_installation_checks_pass(runner):
    result = runner.invoke(command, [])
    assert result.exit_code == 0, result.output
    for name in ("textual", "whoosh-reloaded", "rich", "cache dir", "wordfreq"):
        assert name in result.output
    assert "Cleaning score" not in result.output


def test_unwritable_cache_dir_fails(runner, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("READER_CACHE_DIR", str(blocker / "cache"))
    result = runner.invoke(command, [])
    assert result.exit_code == 1
    assert "READER_CACHE_DIR" in result.output


@pytest.mark.skipif(not (GOLD / "cleaning.json").exists(), reason="shared gold not available")
def test_gold_score_table(runner):
    result = runner.invoke(command, ["--gold", str(GOLD)])
    assert result.exit_code == 0, result.output
    assert "Cleaning score" in result.output
    articles = json.loads((GOLD / "cleaning.json").read_text(encoding="utf-8"))["articles"]
    for name in articles:
        assert name.split("_")[0] in result.output
    assert "FAIL" not in result.output


def test_failing_gold_gives_exit_code_1(runner, tmp_path):
    """A gold whose answer the cleaner cannot meet is reported, not crashed on."""
    seeds = tmp_path / "shared" / "corpus" / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "a.txt").write_text(
        "Harbour reopens\nThe Velan harbour reopened on Monday after storms closed it for a week.\n",
        encoding="utf-8",
    )
    gold = tmp_path / "shared" / "gold"
    gold.mkdir()
    entry = {"title": "Some other headline", "outlet": None, "dateline": None, "byline": None}
    (gold / "cleaning.json").write_text(
        json.dumps({"articles": {"a.txt": entry}}), encoding="utf-8"
    )
    result = runner.invoke(command, ["--gold", str(gold)])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "title" in result.output


def test_missing_gold_dir_is_a_usage_error(runner):
    result = runner.invoke(command, ["--gold", "no/such/dir"])
    assert result.exit_code == 2
