"""The deck layer: a generic, data-driven PowerPoint writer for consultants' decks.

This package knows nothing about the models. Another module maps results into a
:class:`DeckSpec` (the question, the verdict and its reasons, one :class:`ChartSlide` per
question, what would change the answer, the next steps, the appendix); :func:`build_deck`
turns the spec into a 16:9 presentation in the house style, in storyline order, and
:func:`write_deck` saves it atomically.

Modules, in the order a deck is made: ``spec`` (what a deck shows), ``look`` (font,
colours, sizes and geometry), ``text`` (fitting text into boxes), ``native_chart`` and
``chart_xml`` (editable charts), ``tables`` (native tables, continued over slides),
``slides`` (each slide of the storyline) and ``build`` (the storyline and slide numbers).
"""

from research.present.deck.build import NUMBER_SHAPE, build_deck, write_deck
from research.present.deck.look import (
    CONTEXT,
    PRIMARY,
    REFERENCE,
    TITLE_SIZES_PT,
    VERDICT_COLOURS,
)
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
    "CONTEXT",
    "INTERVAL_SERIES",
    "KEY_SHAPE",
    "KEY_SWATCH",
    "KINDS",
    "NUMBER_SHAPE",
    "PRIMARY",
    "REFERENCE",
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
