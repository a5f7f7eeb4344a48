"""The engine (`index/`) must stay usable without Textual or the app package."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import importlib, pkgutil, sys
import index
for mod in pkgutil.walk_packages(index.__path__, 'index.'):
    importlib.import_module(mod.name)
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'reader'))
print(' '.join(bad))
"""


def test_engine_imports_without_textual_or_app():
    out = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", f"index/ pulled in: {out.stdout.strip()}"


def test_engine_source_never_names_the_app():
    offenders = []
    for path in (ROOT / "index").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(
                ("import textual", "from textual", "import reader", "from reader")
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []


def test_opening_and_searching_an_index_does_not_import_the_loading_stack():
    """trafilatura and wordfreq cost ~0.35 s to import: a search or a small update
    must not pay for them at start-up (they load when a page or many words are read)."""
    check = (
        "import sys, index.store, index.search\n"
        "print(' '.join(m for m in ('trafilatura', 'wordfreq') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
