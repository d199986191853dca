"""One exhibit: the data, action title, source line and notes behind one chart. One exhibit
feeds the matplotlib chart (PNG, notebooks), the native PowerPoint chart and the ``charts``
block of ``scorecard.json`` alike. Also the helpers every exhibit builder shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from research.formats import (
    NumberFormat,
)
from research.present import labels
from research.present.deck.spec import INTERVAL_SERIES, ChartSlide

SERIES = INTERVAL_SERIES


#: Inputs shown on the tornado and the research chart, at most.
TOP_INPUTS = 8


@dataclass(frozen=True)
class Exhibit:
    """One chart's data and words. ``series`` holds (name, values) per series."""

    name: str
    title: str
    source_line: str
    notes: str
    #: Deck chart kind: a native kind of :data:`research.present.deck.KINDS` or ``'image'``.
    kind: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    #: How the values are written: Excel code on the native chart, words everywhere else.
    number_format: NumberFormat
    highlight: tuple[int, ...] = ()
    #: Group label per category (a two-level axis), or empty.
    groups: tuple[str, ...] = ()
    #: What the highlighted categories are, for chart keys and legends.
    highlight_label: str = ""
    #: What the values are, with their unit, for the value axis ("share of users").
    axis_label: str = ""
    #: ``(k, label)``: a marked boundary between categories ``k - 1`` and ``k``.
    dividers: tuple[tuple[int, str], ...] = ()
    #: A fixed value axis (probabilities and shares run 0 to 1), or None.
    value_range: tuple[float, float] | None = None
    #: The values are probabilities (written '<1%' and '>99%' at the ends).
    is_probability: bool = False
    #: False when the chart would show nothing (a gate decides, so no input moves the
    #: chance): the title says so and no chart is drawn.
    informative: bool = True

    def series_dict(self) -> dict[str, list[float]]:
        """Return the series as ``{name: values}`` (rounded to 6 digits)."""
        return {k: [round(float(x), 6) for x in v] for k, v in self.series}

    def to_dict(self) -> dict:
        """Return the exhibit as a JSON-safe dict."""
        return {
            "title": self.title,
            "source_line": self.source_line,
            "kind": self.kind,
            "categories": list(self.categories),
            "series": self.series_dict(),
            "number_format": self.number_format.excel,
            "highlight": list(self.highlight),
            "highlight_label": self.highlight_label,
            "groups": list(self.groups),
            "axis_label": self.axis_label,
            "dividers": [list(d) for d in self.dividers],
            "value_range": list(self.value_range) if self.value_range else None,
        }

    def to_chart_slide(self) -> ChartSlide:
        """Return the deck slide of this exhibit, a native chart from its data."""
        return ChartSlide(
            self.title,
            self.source_line,
            self.notes,
            self.kind,
            categories=self.categories,
            series=self.series,
            number_format=self.number_format,
            highlight=self.highlight,
            groups=self.groups,
            highlight_label=self.highlight_label,
            dividers=self.dividers,
            value_range=self.value_range,
            axis_label=self.axis_label,
        )


def band(draws: list[np.ndarray]) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """Return p5, median and p95 series of a list of 1-D draws."""
    q = np.array([np.quantile(np.asarray(x, float), [0.05, 0.5, 0.95]) for x in draws])
    return tuple((name, tuple(float(v) for v in q[:, i])) for i, name in enumerate(SERIES))


def basis_note(basis: str) -> str:
    return "" if basis == "sourced" else f" ({labels.basis_words(basis)})"


def sources_of(inputs) -> tuple[list[str], list[str]]:
    """Return (source ids, assumption names) behind ``inputs``, in order."""
    inputs = list(inputs)
    return (
        [x for i in inputs for x in i.sources],
        [x for i in inputs for x in i.assumptions],
    )
