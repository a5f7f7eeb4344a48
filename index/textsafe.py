"""Make article text inert for terminals: no escape sequence or control character survives.

Article text is data.  ESC, C0/C1 controls (other than newline and tab), bidi
overrides and NULs are replaced by visible stand-ins, so a file that contains
"\\x1b[2J" or U+202E shows those characters instead of acting on the terminal.
"""

from __future__ import annotations

import re

# C0 except \t \n, DEL, C1; bidi embeddings/overrides/isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ␀ ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def sanitize(text: str) -> str:
    """Replace control characters and bidi overrides with visible, harmless symbols."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(_visible, text)
