"""Make article text inert for terminals: no escape sequence or control character survives.

Article text is data.  ESC, C0/C1 controls (other than newline and tab), bidi
overrides and NULs are replaced by visible stand-ins, so a file that contains
"\\x1b[2J" or U+202E shows those characters instead of acting on the terminal.
Invisible format characters that only hide or split words (zero-width space,
word joiner, soft hyphen, stray BOMs, Unicode "tag" smuggling) are removed by
``strip_invisible``; ``safe_text`` does both and is what the loader applies.
"""

from __future__ import annotations

import re

# C0 except \t \n, DEL, C1; bidi embeddings/overrides/isolates; lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# Line/paragraph breaks that are not "\n": normalised rather than shown as symbols.
_NEEDS_BREAKS = re.compile("[\u2028\u2029\x0c\x0b]")
_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n\n", "\x0c": "\n\n", "\x0b": "\n"})

# Zero-width space, word joiner, invisible math operators, BOM/ZWNBSP, soft hyphen,
# Mongolian vowel separator.  ZWJ/ZWNJ (U+200C/D) stay: emoji and several scripts need them.
_INVISIBLE = re.compile("[\u200b\u2060-\u2064\ufeff\u00ad\u180e]")

# Unicode tag characters: legitimate only inside a subdivision flag (black flag + tags +
# cancel tag); anywhere else they carry hidden text.
_TAGS = re.compile("(\U0001f3f4[\U000e0020-\U000e007e]{1,8}\U000e007f)|[\U000e0000-\U000e007f]+")
_TAG_ANY = re.compile("[\U000e0000-\U000e007f]")


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ␀ ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"  # lone surrogate (e.g. from a JSON "\\ud800" escape)
    return f"<U+{code:04X}>"


def sanitize(text: str) -> str:
    """Replace control characters and bidi overrides with visible, harmless symbols.

    Idempotent: the stand-ins are ordinary printable characters.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _NEEDS_BREAKS.search(text):  # str.translate is slow; most text has none of these
        text = text.translate(_BREAKS)
    return _CONTROL.sub(_visible, text)


def strip_invisible(text: str) -> str:
    """Drop invisible characters that split or hide words without showing anything."""
    text = _INVISIBLE.sub("", text)
    if _TAG_ANY.search(text):
        text = _TAGS.sub(lambda m: m.group(1) or "", text)
    return text


def safe_text(text: str) -> str:
    """What every loaded string goes through: invisible junk removed, controls made visible."""
    return sanitize(strip_invisible(text))
