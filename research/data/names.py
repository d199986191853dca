"""Text a user writes into a brand's name, and a user's value shown in a message.

A name must fit a slide title (:data:`NAME_MAX_WIDTH` character cells, a Chinese character
taking two) and may hold only the invisible characters that belong in names; a value quoted
in a one-line error is shortened and has its control characters escaped.
"""

from __future__ import annotations

import reprlib
import unicodedata
from typing import Any

#: Widest brand name, in character cells (a CJK character is two): what a slide title shows.
NAME_MAX_WIDTH: int = 160
_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 60
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 5
_repr.maxlevel = 2


def show(value: Any) -> str:
    """Return a short one-line rendering of a user's value for a message."""
    try:
        text = _repr.repr(value)
    except (ValueError, RecursionError):  # e.g. an integer too long to print
        return "an integer too long to print"
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return text if len(text) <= 80 else text[:77] + "..."


def display_width(text: str) -> int:
    """Return how many character cells ``text`` takes: East Asian wide characters take two,
    combining marks and invisible joiners none (they sit on the character before)."""
    return sum(
        0
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(c) in "WF"
        else 1
        for c in text
    )


#: Invisible characters a name may hold: joiners inside emoji and scripts, the marks that
#: set a right-to-left name's direction, and emoji presentation selectors. Other invisible
#: or control characters are refused by name (bidi overrides can make a name read as
#: another, the "Trojan Source" trick).
NAME_INVISIBLES = frozenset("\u200c\u200d\u200e\u200f\u061c\ufe0e\ufe0f")
#: Most code points a name may hold (a name of accents stacked on one letter is refused).
NAME_MAX_CHARS = 320


def one_line_name(text: str) -> str:
    """Return a brand name as checked: one line, spaces plain, no invisible character but
    the allowed ones, at most :data:`NAME_MAX_CHARS` code points and :data:`NAME_MAX_WIDTH`
    cells wide; raise ValueError saying what is wrong."""
    # spaces of every kind (a no-break space pasted from a spreadsheet) are plain spaces
    text = "".join(" " if unicodedata.category(c) == "Zs" else c for c in text).strip()
    if not text or any(c in "\n\r\v\f\x85\u2028\u2029" for c in text):
        raise ValueError(f"{show(text)} must be non-empty text on one line")
    bad = next(
        (c for c in text if not c.isprintable() and c != " " and c not in NAME_INVISIBLES), None
    )
    if bad is not None:
        name = unicodedata.name(bad, "a control character")
        raise ValueError(
            f"holds U+{ord(bad):04X} ({name}), an invisible character that can change how "
            "the name reads; remove it"
        )
    if len(text) > NAME_MAX_CHARS:
        raise ValueError(f"has {len(text)} characters; at most {NAME_MAX_CHARS}")
    width = display_width(text)
    if width > NAME_MAX_WIDTH:
        raise ValueError(
            f"is {width} characters wide; at most {NAME_MAX_WIDTH} fit a slide title "
            "(a Chinese, Japanese or Korean character counts as two)"
        )
    return text


def show_line(text: str) -> str:
    """Return ``text`` with every line break or control character escaped (one line)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
