"""General-English word frequencies (index/lexical.py)."""

from __future__ import annotations


def test_word_rarity_lookup_matches_wordfreq_exactly():
    """lexical.zipf looks plain words up in wordfreq's table directly; every answer must
    be wordfreq's own (story grouping and alignment weigh words by it)."""
    import random

    from wordfreq import get_frequency_dict, zipf_frequency

    from index.lexical import zipf

    table = get_frequency_dict("en", "best")
    plain = sorted(w for w in table if w.isascii() and w.isalpha() and w.islower())
    words = random.Random(7).sample(plain, 5000)
    words += ["hamada", "qzxv", "Korea", "don't", "sou-th", "naïve", "2024", "", "ÉTÉ"]
    assert [zipf(w) for w in words] == [zipf_frequency(w, "en") for w in words]
