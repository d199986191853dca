"""The one text measurer of charts and deck: how text wraps into lines of a given width.

Text is measured with a *width function*, ``width_pt(line) -> float``: the width in points
of one line of text in one font, size and weight. The charts pass matplotlib's measurement
of the font they draw with (:func:`research.present.style.text_width_pt`); the deck, which
cannot ask PowerPoint how wide Calibri is, passes :func:`estimate_width_pt`, an upper
estimate from character classes, so text sized here never overflows its box there.

Both wrap the same way (:func:`wrap_lines`): greedily, word by word at single spaces, a
word wider than the line broken between characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

#: A width function: the width in points of one line of text.
WidthFunction = Callable[[str], float]


def char_em(ch: str) -> float:
    """Return an upper estimate of a Calibri character's advance width, in em."""
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch == " ":
        return 0.25
    if ch.isupper() or ch in "%&@#mwMW":
        return 0.65
    return 0.52


def estimate_width_pt(text: str, size_pt: float) -> float:
    """Return an upper estimate of the width (points) of one line of Calibri text."""
    return sum(char_em(c) for c in text) * size_pt


def wrap_lines(text: str, width_pt: float, width_of: WidthFunction) -> list[str]:
    """Return ``text`` as lines no wider than ``width_pt`` points, measured by ``width_of``.

    Each line of ``text`` is its own paragraph. Words are the runs between single spaces
    and are kept whole where they fit; a word wider than a line is broken between
    characters (never below one character a line).
    """
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if width_of(candidate) <= width_pt:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while width_of(line) > width_pt and len(line) > 1:
                cut = len(line) - 1  # a word wider than the line: break it
                while cut > 1 and width_of(line[:cut]) > width_pt:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def count_lines(text: str, width_pt: float, width_of: WidthFunction) -> int:
    """Return how many lines ``text`` wraps to at ``width_pt`` points (see :func:`wrap_lines`)."""
    return len(wrap_lines(text, width_pt, width_of))
