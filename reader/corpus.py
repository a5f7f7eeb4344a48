"""Where corpora and their indexes live (the bundled demo corpus, the user's cache dir)."""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).parent / "demo"


def demo_corpus() -> Path:
    """The bundled demo articles (shipped as package data)."""
    return DEMO_DIR
