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


def _sample_words(n: int) -> list[str]:
    import random

    from wordfreq import get_frequency_dict

    table = get_frequency_dict("en", "best")
    plain = sorted(w for w in table if w.isascii() and w.isalpha() and w.islower())
    return random.Random(11).sample(plain, n) + ["qzxv", "a", "zzzzzz", "aaaaaa"]


def test_a_small_update_answers_from_the_sorted_copy_without_loading_wordfreq(tmp_path):
    """The first lookups of a process bisect a sorted copy in the cache folder (a
    one-file update must not pay ~0.3 s for wordfreq's whole list); the answers are
    wordfreq's own, and a process that looks up many words switches to the dict."""
    from wordfreq import get_frequency_dict

    from index import lexical

    words = _sample_words(300)
    want = get_frequency_dict("en", "best")
    first = lexical.Frequencies(lambda: tmp_path)
    assert [first.get(w) for w in words] == [want.get(w) for w in words]
    (made,) = tmp_path.iterdir()  # the copy, made from the dict on first use

    later = lexical.Frequencies(lambda: tmp_path)  # the next process
    assert [later.get(w) for w in words] == [want.get(w) for w in words]
    assert later._dict is None  # answered from the copy alone

    made.write_bytes(made.read_bytes()[: made.stat().st_size // 2])  # damaged
    again = lexical.Frequencies(lambda: tmp_path)
    assert [again.get(w) for w in words] == [want.get(w) for w in words]
    assert lexical.Frequencies(lambda: tmp_path)._open() is not None  # made again

    busy = lexical.Frequencies(lambda: tmp_path)
    busy._lookups = lexical.DICT_AFTER
    assert busy.get("hello") == want["hello"] and busy._dict is not None


def test_frequencies_work_when_the_cache_folder_cannot_be_written(tmp_path):
    from wordfreq import get_frequency_dict

    from index import lexical

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    freqs = lexical.Frequencies(lambda: blocker / "words")
    words = _sample_words(50)
    want = get_frequency_dict("en", "best")
    assert [freqs.get(w) for w in words] == [want.get(w) for w in words]
