"""The deck layer: a generic, data-driven PowerPoint writer for consultants' decks.

This package knows nothing about the models. Another module maps results into a
:class:`DeckSpec` (a verdict, reasons, :class:`ChartSlide` specs, assumptions and
sources); :func:`build_deck` turns the spec into a 16:9 presentation in the house
style and :func:`write_deck` saves it atomically.

Modules, in the order a deck is made: ``spec`` (what a deck shows), ``look`` (font,
colours, sizes and geometry), ``text`` (fitting text into boxes), ``native_chart`` and
``chart_xml`` (editable charts), ``tables`` (table slides) and ``build`` (the slides).
"""

from research.present.deck.build import build_deck, write_deck
from research.present.deck.look import ACCENT, PRIMARY, TITLE_SIZES_PT, VERDICT_COLOURS
from research.present.deck.native_chart import key_entries
from research.present.deck.spec import (
    INTERVAL_SERIES,
    KEY_SHAPE,
    KEY_SWATCH,
    KINDS,
    SOURCE_SHAPE,
    ChartSlide,
    DeckSpec,
)
from research.present.deck.text import count_lines

__all__ = [
    "ACCENT",
    "INTERVAL_SERIES",
    "KEY_SHAPE",
    "KEY_SWATCH",
    "KINDS",
    "PRIMARY",
    "SOURCE_SHAPE",
    "TITLE_SIZES_PT",
    "VERDICT_COLOURS",
    "ChartSlide",
    "DeckSpec",
    "build_deck",
    "count_lines",
    "key_entries",
    "write_deck",
]
