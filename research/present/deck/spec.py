"""What a deck shows: :class:`DeckSpec` and its :class:`ChartSlide` specs, checked on creation.

A spec is plain data (strings, numbers, a PNG path and a
:class:`~research.formats.NumberFormat`); it knows nothing about the models and
nothing about python-pptx. :func:`research.present.deck.build.build_deck` turns it into
slides.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from research.formats import SHARE, NumberFormat
from research.present.palette import VERDICT_COLOURS

#: Chart kinds a :class:`ChartSlide` can be.
KINDS: Final[tuple[str, ...]] = (
    "bar",
    "column",
    "stacked_bar",
    "interval_bar",
    "interval_column",
    "image",
)
#: Kinds drawn as the central series with error bars from the low to the high series.
INTERVAL_KINDS: Final[tuple[str, ...]] = ("interval_bar", "interval_column")
#: Series names, in order, of an interval chart: low and high percentiles around the median.
INTERVAL_SERIES: Final[tuple[str, str, str]] = ("p5", "median", "p95")
#: Kinds whose categories run down the vertical axis, first category on top.
HORIZONTAL_KINDS: Final[tuple[str, ...]] = ("bar", "stacked_bar", "interval_bar")
#: The verdicts a deck can state.
VERDICTS: Final[tuple[str, ...]] = tuple(VERDICT_COLOURS)
#: Name of the source text box on every chart slide (tests and readers find it by name).
SOURCE_SHAPE: Final[str] = "Source footnote"
#: Name of the key above a native chart (what the colours and lines mean, in series order).
KEY_SHAPE: Final[str] = "Chart key"
#: The swatch that starts each entry of a chart key.
KEY_SWATCH: Final[str] = "\u25a0"


@dataclass(frozen=True)
class ChartSlide:
    """One chart slide: an action title, a chart, a source footnote and speaker notes.

    Parameters
    ----------
    title
        The action title: the one sentence the chart proves.
    source_line
        Shown verbatim as the footnote at the bottom of the slide.
    notes
        Speaker notes.
    kind
        ``'bar'`` (horizontal clustered bars, first category on top), ``'column'``
        (clustered columns), ``'stacked_bar'`` (horizontal stacked bars),
        ``'interval_bar'`` / ``'interval_column'`` (the median as bars, with a line from
        the low to the high percentile on each; ``series`` must be named
        :data:`INTERVAL_SERIES` in that order and hold non-negative values) or ``'image'``
        (a PNG from ``image``, fitted inside the body keeping its aspect ratio).
    categories
        Category labels of a native chart, in reading order (top to bottom on
        horizontal kinds, left to right on columns).
    series
        ``(name, values)`` pairs of a native chart, one value per category; series keep
        this order in the chart and in its key.
    number_format
        How the value axis and data labels write the values (``formats.SHARE`` for shares
        0-1): PowerPoint shows its Excel code, and the deck sizes the labels from its text.
    image
        PNG file of an ``'image'`` slide.
    highlight
        Category indexes whose bars take the accent colour (single-series and interval
        charts only).
    log_scale
        Draw the value axis on a log-10 scale (for values spanning several orders of
        magnitude, such as a market funnel); values must be positive.
    groups
        Optional group label per category (such as ``'Age'`` for ``'18-24'``); each group
        must be one contiguous run. Grouped categories are drawn as a two-level axis.
    highlight_label
        What the highlighted bars are (``"the brand's target"``), shown in the chart key.
    dividers
        ``(k, label)`` pairs: a dashed line between categories ``k - 1`` and ``k`` with a
        short label (such as a caution price between two spend bands). Not on stacked bars.
    value_range
        ``(minimum, maximum)`` of the value axis, fixed (a probability chart runs 0 to 1);
        ``None`` lets the deck choose from the data.
    axis_label
        What the values are, with their unit (``"share of users reached"``): the value
        axis's title, one line, horizontal (under a horizontal chart's axis, above a
        column chart's). Empty for none.
    """

    title: str
    source_line: str
    notes: str
    kind: str
    categories: tuple[str, ...] = ()
    series: tuple[tuple[str, tuple[float, ...]], ...] = ()
    number_format: NumberFormat = SHARE
    image: Path | None = None
    highlight: tuple[int, ...] = ()
    log_scale: bool = False
    groups: tuple[str, ...] = ()
    highlight_label: str = ""
    dividers: tuple[tuple[int, str], ...] = ()
    value_range: tuple[float, float] | None = None
    axis_label: str = ""

    def __post_init__(self) -> None:
        """Check the spec and normalise its sequences to tuples of plain Python values."""
        where = f"ChartSlide {self.title!r}"
        if self.value_range is not None:
            lo, hi = (float(x) for x in self.value_range)
            if not lo < hi:
                raise ValueError(f"{where}: value_range {self.value_range} must run low to high.")
            object.__setattr__(self, "value_range", (lo, hi))
        if self.kind not in KINDS:
            raise ValueError(f"{where}: kind {self.kind!r} is not one of {', '.join(KINDS)}.")
        if not str(self.title).strip():
            raise ValueError(f"ChartSlide: title is empty (source line {self.source_line!r}).")
        if not str(self.source_line).strip():
            raise ValueError(f"{where}: source_line is empty; every chart names its sources.")
        if not isinstance(self.number_format, NumberFormat):
            raise ValueError(
                f"{where}: number_format must be a formats.NumberFormat such as formats.SHARE, "
                f"got {self.number_format!r}."
            )
        categories = tuple(str(c) for c in self.categories)
        series = tuple((str(name), tuple(float(v) for v in values)) for name, values in self.series)
        highlight = tuple(int(i) for i in self.highlight)
        groups = tuple(str(g) for g in self.groups)
        dividers = tuple((int(k), str(label)) for k, label in self.dividers)
        image = Path(self.image) if self.image is not None else None
        object.__setattr__(self, "categories", categories)
        object.__setattr__(self, "series", series)
        object.__setattr__(self, "highlight", highlight)
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "dividers", dividers)
        object.__setattr__(self, "highlight_label", str(self.highlight_label).strip())
        object.__setattr__(self, "axis_label", " ".join(str(self.axis_label).split()))
        object.__setattr__(self, "image", image)
        if self.kind == "image":
            if image is None:
                raise ValueError(f"{where}: kind 'image' needs an image path.")
            if categories or series or highlight or groups or dividers or self.axis_label:
                raise ValueError(
                    f"{where}: an 'image' slide holds a picture, not data; leave categories, "
                    "series, highlight, groups, dividers and axis_label empty or use a native "
                    "kind."
                )
            return
        if image is not None:
            raise ValueError(f"{where}: image is only used by kind 'image', not {self.kind!r}.")
        self._check_data(where)

    def _check_data(self, where: str) -> None:
        """Raise ``ValueError`` unless the native chart's data, highlight and groups agree."""
        categories, series, groups = self.categories, self.series, self.groups
        if not categories:
            raise ValueError(f"{where}: a {self.kind!r} chart needs at least one category.")
        if not series:
            raise ValueError(f"{where}: a {self.kind!r} chart needs at least one series.")
        names = [name for name, _ in series]
        if len(set(names)) != len(names) or not all(n.strip() for n in names):
            raise ValueError(f"{where}: series names must be unique and non-empty, got {names}.")
        for name, values in series:
            if len(values) != len(categories):
                raise ValueError(
                    f"{where}: series {name!r} has {len(values)} values "
                    f"for {len(categories)} categories."
                )
            if not all(math.isfinite(v) for v in values):
                raise ValueError(f"{where}: series {name!r} holds a non-finite value: {values}.")
        interval = self.kind in INTERVAL_KINDS
        if interval:
            _check_interval(where, series)
        if self.highlight and len(series) > 1 and not interval:
            raise ValueError(f"{where}: highlight works on single-series charts only.")
        bad = [i for i in self.highlight if not 0 <= i < len(categories)]
        if bad:
            raise ValueError(
                f"{where}: highlight indexes {bad} are outside 0..{len(categories) - 1}."
            )
        for k, label in self.dividers:
            if self.kind == "stacked_bar" or not 0 < k < len(categories) or not label.strip():
                raise ValueError(
                    f"{where}: divider ({k}, {label!r}) must fall between two categories "
                    f"(1..{len(categories) - 1}), have a label and not be on stacked bars."
                )
        if self.log_scale and any(v <= 0 for _, values in series for v in values):
            raise ValueError(f"{where}: a log-scale chart needs positive values only.")
        if groups:
            if len(groups) != len(categories):
                raise ValueError(
                    f"{where}: {len(groups)} groups for {len(categories)} categories; "
                    "give one group label per category."
                )
            if not all(g.strip() for g in groups):
                raise ValueError(f"{where}: group labels must be non-empty, got {groups}.")
            runs = [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
            if len(set(runs)) != len(runs):
                raise ValueError(
                    f"{where}: each group must be one contiguous run of categories, "
                    f"got {list(groups)}."
                )


def _check_interval(where: str, series: tuple[tuple[str, tuple[float, ...]], ...]) -> None:
    """Raise ``ValueError`` unless ``series`` are p5, median and p95 with p5 <= median <= p95."""
    names = tuple(name for name, _ in series)
    if names != INTERVAL_SERIES:
        raise ValueError(
            f"{where}: an interval chart needs the series {list(INTERVAL_SERIES)} in that "
            f"order, got {list(names)}."
        )
    low, mid, high = (values for _, values in series)
    for i, (lo, m, hi) in enumerate(zip(low, mid, high, strict=True)):
        if lo < 0:
            raise ValueError(f"{where}: interval charts show non-negative values; {lo} at {i}.")
        tol = 1e-9 * max(abs(hi), 1.0)
        if not lo - tol <= m <= hi + tol:
            raise ValueError(
                f"{where}: category {i} has {names[1]} {m} outside "
                f"{names[0]} {lo} to {names[2]} {hi}."
            )


@dataclass(frozen=True)
class DeckSpec:
    """Everything a client deck shows, in storyline order (answer first).

    Slides: cover; executive summary (its title is the recommendation); one slide per
    question (``questions``: audience, price, category, channels, reach); what would change
    the answer; recommendation and next steps; an appendix divider; then the appendix
    (``appendix_charts``, how the verdict is computed, assumptions, sources). Every slide
    but the cover carries its number. No text outside the appendix holds a code name,
    a seed or a draw count.

    Parameters
    ----------
    cover_title
        The question, e.g. "Should Petal Lane build a WeChat Mini Program?".
    cover_lines
        Lines under it: what the deck is, its date, the data's age.
    verdict
        ``'GO'``, ``'CONDITIONAL'`` or ``'NO-GO'`` (the badge).
    headline
        The executive summary's title: the recommendation as a full sentence.
    probability_line
        The chance behind the verdict in words (e.g. "89% chance it wins the 1.6k daily
        users it needs, with every gate passed").
    summary_points
        The answer's reasons, most decisive first (three or four fit).
    warning
        A plain warning shown on the cover and the summary (e.g. the data's age); may be "".
    questions
        One chart slide per question, in order.
    change_title
        Title of "what would change the answer": a full sentence.
    changes
        ``(change, the verdict it leads to)`` rows, cheapest first.
    research
        ``(what to pin down, why in words)`` rows: the uncertainties most able to change
        the answer, first to research first.
    recommendation_title
        Title of the recommendation slide, a full sentence.
    recommendation_points
        Next steps, in order.
    appendix_charts
        Chart slides after the divider (e.g. the sensitivity tornado, the market timeline).
    method_points
        How the verdict is computed, for the appendix (here seeds and draw counts belong).
    assumptions
        ``(assumption in words, range, rationale)`` rows.
    sources
        ``(source, citation)`` rows: every source cited anywhere in the deck.
    notes
        Speaker notes of the executive summary.
    date
        The analysis date: the deck's document date (so a rerun gives the same bytes).
    """

    cover_title: str
    cover_lines: tuple[str, ...]
    verdict: str
    headline: str
    probability_line: str
    summary_points: tuple[str, ...]
    questions: tuple[ChartSlide, ...]
    change_title: str
    changes: tuple[tuple[str, str], ...]
    research: tuple[tuple[str, str], ...]
    recommendation_title: str
    recommendation_points: tuple[str, ...]
    appendix_charts: tuple[ChartSlide, ...]
    method_points: tuple[str, ...]
    assumptions: tuple[tuple[str, str, str], ...]
    sources: tuple[tuple[str, str], ...]
    warning: str = ""
    notes: str = ""
    date: dt.date = dt.date(2000, 1, 1)

    def __post_init__(self) -> None:
        """Check the spec and normalise its sequences to tuples of strings."""
        if self.verdict not in VERDICTS:
            raise ValueError(
                f"DeckSpec: verdict {self.verdict!r} is not one of {', '.join(VERDICTS)}."
            )
        for name in ("cover_title", "headline", "change_title", "recommendation_title"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"DeckSpec: {name} is empty.")
        for name in ("cover_lines", "summary_points", "recommendation_points", "method_points"):
            object.__setattr__(self, name, tuple(str(x) for x in getattr(self, name)))
        if not self.summary_points:
            raise ValueError("DeckSpec: summary_points must hold at least one point.")
        for name in ("questions", "appendix_charts"):
            charts = tuple(getattr(self, name))
            if not all(isinstance(c, ChartSlide) for c in charts):
                raise ValueError(f"DeckSpec: {name} must be ChartSlide objects.")
            object.__setattr__(self, name, charts)
        object.__setattr__(self, "changes", _rows(self.changes, 2, "changes"))
        object.__setattr__(self, "research", _rows(self.research, 2, "research"))
        object.__setattr__(self, "assumptions", _rows(self.assumptions, 3, "assumptions"))
        object.__setattr__(self, "sources", _rows(self.sources, 2, "sources"))


def _rows(rows: Sequence[Sequence[str]], width: int, field: str) -> tuple[tuple[str, ...], ...]:
    """Return ``rows`` as tuples of strings, each checked to hold ``width`` cells."""
    out = tuple(tuple(str(cell) for cell in row) for row in rows)
    for i, row in enumerate(out):
        if len(row) != width:
            raise ValueError(f"DeckSpec: {field} row {i} has {len(row)} cells, expected {width}.")
    return out
