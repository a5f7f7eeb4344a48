"""`reader index | search | show` from the command line: output, JSON, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_store_helpers import (
    isolated_cache,  # noqa: F401  (autouse: keeps the user's cache dir untouched)
    make_corpus,
)

from reader.cli import cli


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An isolated cache dir (never the user's) and a small corpus."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("READER_CACHE_DIR", str(cache))
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 10)
    return corpus, cache


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_index_prints_a_summary_and_json(env):
    corpus, cache = env
    r = run("index", str(corpus))
    assert r.exit_code == 0, r.output
    assert "added" in r.output and "10" in r.output
    assert str(cache / "indexes") in r.output.replace("\n", "")
    r = run("index", str(corpus), "--json")
    data = json.loads(r.output)
    assert (data["added"], data["unchanged"], data["documents"]) == (0, 10, 10)


def test_index_says_it_finished_the_stories_an_interrupted_run_left(env, monkeypatch):
    from index import corpus_pass

    corpus, _ = env
    assert run("index", str(corpus)).exit_code == 0
    (corpus / "article_0003.json").unlink()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(corpus_pass, "finalize", interrupted)
        assert run("index", str(corpus)).exit_code != 0  # Ctrl+C while grouping
    r = run("index", str(corpus))
    assert "Grouped the stories an interrupted run left undone." in r.output
    assert "removed" in r.output and "9 articles in" in r.output
    assert json.loads(run("index", str(corpus), "--json").output)["stories_caught_up"] is False


def test_index_lists_skipped_files_with_reasons(env):
    corpus, _ = env
    (corpus / "bad.json").write_text("{oops", encoding="utf-8")
    r = run("index", str(corpus), "--json")
    data = json.loads(r.output)
    assert [Path(s["path"]).name for s in data["skipped"]] == ["bad.json"]
    assert data["skipped"][0]["reason"]
    r = run("index", str(corpus))
    assert "bad.json" in r.output and "skipped" in r.output


def test_index_rebuild_and_custom_index_dir(env, tmp_path):
    corpus, _ = env
    ix = tmp_path / "my-index"
    assert run("index", str(corpus), "--index", str(ix)).exit_code == 0
    r = run("index", str(corpus), "--index", str(ix), "--rebuild", "--json")
    assert json.loads(r.output)["added"] == 10
    assert (ix / ".reader-index").exists()


def test_search_uses_the_last_corpus_and_says_so(env):
    corpus, _ = env
    run("index", str(corpus))
    r = run("search", "ferry")
    assert r.exit_code == 0
    assert "last corpus indexed" in r.output  # (CliRunner mixes stderr into output)
    assert "ferry" in r.output.lower() and "2 articles matched" in r.output


def test_search_json_has_hits_snippets_facets(env):
    corpus, _ = env
    run("index", str(corpus))
    r = run("search", "missile OR ferry", "--corpus", str(corpus), "--json", "--limit", "3")
    data = json.loads(r.output)
    assert data["total"] == 4 and len(data["hits"]) == 3
    hit = data["hits"][0]
    assert {"id", "title", "outlet", "date", "path", "snippet", "score", "rank"} <= set(hit)
    text = hit["snippet"]["text"]
    assert all(text[a:b].lower() in ("missile", "ferry") for a, b in hit["snippet"]["spans"])
    assert sum(n for _, n in data["facets"]["outlet"]) == 4


def test_search_options_filter_and_sort(env):
    corpus, _ = env
    run("index", str(corpus))
    r = run("search", "", "--corpus", str(corpus), "--sort", "date", "--json", "--limit", "10")
    dates = [h["date"] for h in json.loads(r.output)["hits"]]
    assert dates == sorted(dates, reverse=True)
    outlet = json.loads(r.output)["hits"][0]["outlet"]
    r = run("search", "", "--corpus", str(corpus), "--outlet", outlet, "--json")
    assert {h["outlet"] for h in json.loads(r.output)["hits"]} == {outlet}


def test_search_without_hits_exits_1_and_suggests(env):
    corpus, _ = env
    run("index", str(corpus))
    r = run("search", "misile", "--corpus", str(corpus))
    assert r.exit_code == 1
    assert "Did you mean" in r.output and "missile" in r.output


def test_search_with_nothing_indexed_exits_2_without_traceback(env, tmp_path):
    r = run("search", "ferry")
    assert r.exit_code == 2 and "reader index" in r.output and "Traceback" not in r.output
    r = run("search", "ferry", "--corpus", str(tmp_path / "elsewhere"))
    assert r.exit_code == 2 and "no index" in r.output


def test_malformed_search_is_explained_not_a_crash(env):
    corpus, _ = env
    run("index", str(corpus))
    r = run("search", '"ferry', "--corpus", str(corpus))
    assert r.exit_code == 0 and "quote" in r.output


def test_show_by_id_path_raw_and_json(env):
    corpus, _ = env
    run("index", str(corpus))
    hit = json.loads(run("search", "ferry", "--json", "--limit", "1").output)["hits"][0]
    r = run("show", hit["id"])
    assert r.exit_code == 0 and hit["title"] in r.output and "outlet:" in r.output
    r = run("show", hit["path"], "--json")
    data = json.loads(r.output)
    assert data["id"] == hit["id"] and data["paragraphs"] and "raw" not in data
    raw = json.loads(run("show", hit["id"], "--json", "--raw").output)["raw"]
    r = run("show", Path(hit["path"]).name, "--corpus", str(corpus), "--raw")
    assert r.exit_code == 0 and r.output.strip() == raw.strip()  # text before cleaning, unwrapped
    r = run("show", "nope")
    assert r.exit_code == 1 and "No article" in r.output


def test_show_reads_an_unindexed_file_directly(env):
    corpus, _ = env
    target = sorted(corpus.glob("*.json"))[0]
    r = run("show", str(target))
    assert r.exit_code == 0 and "ferry" in r.output.lower()


@pytest.mark.parametrize("name", ["index", "search", "show"])
def test_every_command_has_help_with_examples_and_exit_codes(name):
    r = run(name, "--help")
    assert r.exit_code == 0
    assert "Examples:" in r.output and "Exit codes" in r.output


def test_installed_script_runs_for_real(env, tmp_path):
    corpus, cache = env
    script = Path(sys.executable).with_name("reader")
    if not script.exists():
        pytest.skip("reader is not installed in this environment (pip install -e .)")
    environ = {**os.environ, "READER_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [script, "index", str(corpus), "--json"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["documents"] == 10
    out = subprocess.run(
        [script, "search", "drought", "--json"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    assert out.returncode == 0 and json.loads(out.stdout)["total"] == 2
    out = subprocess.run(
        [script, "search", "zzzz"], capture_output=True, text=True, env=environ, timeout=120
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr
