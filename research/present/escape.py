"""Escaping text that came from users (brand names, descriptions) for the page it goes into.

A brand name is data from a third party's spreadsheet: it must never run as script or
render as markup. HTML gets :func:`html.escape`; Markdown gets the same plus a backslash
before every character Markdown gives a meaning (so ``[x](javascript:...)`` stays text);
spreadsheet cells starting with ``= + - @`` (or a tab or carriage return) get a leading
quote, the OWASP rule against formula injection.
"""

from __future__ import annotations

import html
import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def markdown_text(text: object) -> str:
    """Return ``text`` safe to put in Markdown: HTML-escaped, Markdown punctuation escaped,
    one line."""
    flat = " ".join(str(text).split())
    return _MARKDOWN.sub(r"\\\1", html.escape(flat, quote=False))


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def markdown_prose(text: object) -> str:
    """Return the toolkit's own sentences safe for Markdown: nothing that starts a tag
    survives (``'<1%'`` stays readable), on one line."""
    return _TAG_START.sub("&lt;", " ".join(str(text).split()))


def spreadsheet_cell(value: object) -> object:
    """Return a CSV cell that a spreadsheet program will not run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
