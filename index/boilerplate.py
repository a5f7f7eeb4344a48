"""Recognise site chrome in saved web pages: lines a reader should never see.

Rules describe families of chrome (cookie banners, advertisement markers, "Read more:"
teasers, comment and share widgets, navigation trails, attachment labels) by their
shape, not by any site's literal wording.  Each rule looks at one normalised line;
position-dependent chrome (site taglines above the headline, truncated headline copies,
widget labels after the copyright line) is handled by ``index.clean``.
"""

from __future__ import annotations

import re

# Longest line we bother classifying: chrome is short, a 1 MB line is never chrome.
MAX_CHROME_CHARS = 600
_MAX_CHROME_WORDS = 30  # teasers and labels are shorter than this

_COOKIE = re.compile(r"\bcookies?\b", re.I)
_READER_ADDRESS = re.compile(r"\b(we|our|you|your|this (?:web)?site)\b", re.I)
_COOKIE_CONTEXT = re.compile(
    r"\b(accept|consent|privacy|experience|opt[- ]?out|browser|browsing|website|this site|"
    r"continu\w+ to use|agree|settings|preferences|policy)\b",
    re.I,
)

_AD = re.compile(
    r"^[\W_]*(advertisements?|advertising|sponsored(?: content| post| links?)?|"
    r"paid (?:content|post)|ad|ads|promoted(?: content)?|"
    r"(?:story|article) continues (?:below|after)(?: (?:this|the))? (?:advertisement|ad))[\W_]*$",
    re.I,
)

# "Read more: headline", "SEE ALSO:", "Related: ...": a teaser label then a link text.
_TEASER = re.compile(
    r"^[\W_]*((?:read|see|view) more(?: [\w ]{1,30}$)?|more|read also|also read|more to read|see also|related(?: (?:stories|articles|"
    r"posts|news|coverage|content|reading|links?))?|recommended(?: (?:stories|articles|for you|"
    r"reading))?|more (?:from|on|stories)(?: [\w ]{0,30})?|you (?:may|might) also like|"
    r"don'?t miss|trending(?: now)?|popular(?: now| stories)?|must read|watch|listen|"
    r"more news|latest news|top stories|editor'?s picks?|continue reading|click here[\w ]{0,40})"
    r"\s*(?:[:|>»›]|$)",
    re.I,
)

# Whole-line widget labels: comment boxes, share buttons, attachment lists, page tools.
_WIDGET = re.compile(
    r"^[\W_]*(leave a (?:comment|reply)|post a comment|add (?:a )?comment|comments?(?: \(\d+\))?|"
    r"\d+ comments?|no comments(?: yet)?|view comments|show comments|join the (?:conversation|discussion)|"
    r"share(?: this)?(?: (?:article|story|post|page))?(?: on \w+)?|share via \w+|"
    r"(?:click to )?(?:share|tweet|email|print|pin)(?: this)?|like this|"
    r"follow us(?: on [\w ,&]{1,40})?|subscribe(?: now| to [\w ]{1,40})?|sign up(?: for [\w ]{1,40})?|"
    r"newsletter|log ?in|sign in|register|menu|search|close|skip to (?:main )?content|"
    r"back to top|scroll to top|previous (?:article|post|story)|next (?:article|post|story)|"
    r"files?|attachments?|downloads?|print this (?:article|page)|email this (?:article|page)|"
    r"(?:video|poll|image|gallery|player|content|comments) (?:is )?loading(?:\.\.\.|…| …)?|"
    r"tags?|filed under|loading(?:\.\.\.|…)?|more|home|(?:site |main |mobile )*navigation|"
    r"scroll (?:down|up) for (?:video|more|the video)|(?:ads|advertisements?) by [\w.]{1,30}|"
    r"all rights reserved)[\W_]*$",
    re.I,
)
_TAG_LINE = re.compile(r"^(tags?|filed under|categories|topics)\s*:", re.I)

# Navigation trails: several short items separated by | > » › / •.
_NAV_SEP = re.compile(r"\s[>•]\s|\s*[|»›]\s*")
_NAV_CHARS = "|»›>•"

_FILE_NAME = re.compile(r"^[\w.-]+\.(?:jpe?g|png|gif|webp|pdf|docx?|mp4|mp3)$", re.I)
_BULLET = "•·▪◦●‣∙*"


def is_cookie_notice(line: str) -> bool:
    """A banner addressed to the reader about cookies (an article *about* cookies is kept)."""
    return (
        "ookie" in line.lower()
        and bool(_COOKIE.search(line))
        and bool(_COOKIE_CONTEXT.search(line))
        and bool(_READER_ADDRESS.search(line))
        and len(line.split()) <= 80
    )


def is_nav_trail(line: str) -> bool:
    """'Home | World | Asia' or 'News > Politics > Korea': short items, no sentence."""
    if not any(sep in line for sep in _NAV_CHARS):
        return False
    parts = [p.strip() for p in _NAV_SEP.split(line)]
    parts = [p for p in parts if p]
    if len(parts) < 3:
        return False
    return all(len(p.split()) <= 4 and not p.endswith(".") for p in parts)


def is_slug(line: str) -> bool:
    """A file name or URL slug standing alone ("Apple-Watch-gold-edition", "img_2041.jpg")."""
    return " " not in line and (
        line.count("-") + line.count("_") >= 2 or bool(_FILE_NAME.match(line))
    )


def is_bare_bullet(line: str) -> bool:
    """A bullet with nothing but punctuation after it (a collapsed list widget)."""
    return line[:1] in _BULLET and not any(ch.isalnum() for ch in line)


def is_boilerplate(line: str) -> bool:
    """True for a normalised (stripped, single-spaced) line that is site chrome."""
    if not line:
        return True
    if len(line) > MAX_CHROME_CHARS:
        return False
    if not any(ch.isalnum() for ch in line):
        return line[:1] in _BULLET or line in {"-", "–", "—", "|", "»", "›"}
    if line.count(" ") > _MAX_CHROME_WORDS:
        return is_cookie_notice(line)  # running text; only a banner can be this long
    return bool(
        _AD.match(line)
        or _TEASER.match(line)
        or _WIDGET.match(line)
        or _TAG_LINE.match(line)
        or is_cookie_notice(line)
        or is_nav_trail(line)
        or is_bare_bullet(line)
        or is_slug(line)
    )
