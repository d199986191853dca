"""The brand charts, drawn from exhibits in the house style of :mod:`research.present.style`.

Each ``plot_*`` takes an :class:`~research.present.exhibit.Exhibit` (and ``ax=None``), draws the
chart with its uncertainty (p5 to p95), writes the exhibit's action title and source line,
and returns the Axes. Saving is :func:`research.present.figures.export_chart`. Colours mean
one thing each: the brand's bars in :data:`~research.present.palette.PRIMARY`, others in a
light grey; verdict colours never appear on a data chart.

Legends sit above the plot, outside the data, so they never cover a bar or a label; axis
labels are short and wrapped to the plot's width, so nothing is cut off at half size. Value
labels sit a few points past their bar (or its interval line) whatever the scale, and read
exactly as on the deck's native chart (the exhibit's :class:`~research.formats.NumberFormat`);
ticks take as many decimals as their step needs, so no two read the same.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, MultipleLocator
from matplotlib.transforms import blended_transform_factory

from research.formats import NumberFormat, interval_coverage
from research.present import palette, style
from research.present.deck.chart_geometry import tick_words, value_scale
from research.present.exhibit import Exhibit
from research.present.figures import new_figure

#: Words for the whisker of an interval chart (from the series names p5 and p95).
INTERVAL_WORDS = interval_coverage("p5", "p95")
#: Gap (pt) between the end of a bar (or of its interval line) and its value label.
LABEL_PAD_PT = 4.0


class StepFormatter(Formatter):
    """Tick labels in a number format's axis code, with the decimals the tick step needs
    (the native chart's :func:`~research.present.deck.chart_geometry.axis_code`), so no two
    ticks read the same: '0%, 0.5%, 1%' is written '0.0%, 0.5%, 1.0%'."""

    def __init__(self, number_format: NumberFormat) -> None:
        self.number_format = number_format
        self.words = tick_words(number_format, None)

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        steps = np.diff(np.unique(np.asarray(locs, float)))
        self.words = tick_words(self.number_format, float(steps.min()) if steps.size else None)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.words(x)


def _value_axis(ax: Axes, ex: Exhibit, which: str) -> None:
    """Write the ticks of the value axis (``'x'`` or ``'y'``) in the exhibit's format."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_formatter(StepFormatter(ex.number_format))


def _label(ax: Axes, text: str, xy: tuple[float, float], horizontal: bool) -> None:
    """Write a value label a few points past ``xy`` (right of a bar, above a column)."""
    offset = (LABEL_PAD_PT, 0.0) if horizontal else (0.0, LABEL_PAD_PT)
    ax.annotate(
        text,
        xy,
        xytext=offset,
        textcoords="offset points",
        ha="left" if horizontal else "center",
        va="center" if horizontal else "bottom",
        fontsize=style.ANNOTATION_SIZE,
    )


def _axes(ax: Axes | None, size: str = "full") -> Axes:
    if ax is not None:
        return ax
    _, ax = new_figure(size)
    return ax


def _legend_above(ax: Axes, handles: list[Artist]) -> None:
    """Put the legend above the plot, left-aligned under the title, in as few rows as fit.

    It hangs above the axes (so constrained layout makes room for it) and starts at the
    figure's left edge, so it can never cover a bar, a label or a line.
    """
    fig = ax.get_figure(root=True)
    size = style.TICK_SIZE
    handle_pt, spacing_pt = 2.0 * size, 1.6 * size  # handle + its pad, gap between columns
    widths = [handle_pt + style.text_width_pt(h.get_label(), size, "normal") for h in handles]
    room = (fig.get_figwidth() - 2 * style.EDGE_PAD_IN) * 72 - 8
    ncol = 1
    for cols in range(len(handles), 0, -1):
        rows = -(-len(handles) // cols)
        columns = [widths[j * rows : (j + 1) * rows] for j in range(cols)]
        total = sum(max(c) for c in columns if c) + spacing_pt * (cols - 1)
        if total <= room:
            ncol = cols
            break
    # x from the figure's left edge (under the title), y just above the plot.
    anchor = blended_transform_factory(fig.transFigure, ax.transAxes)
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(style.EDGE_PAD_IN / fig.get_figwidth(), 1.02),
        bbox_transform=anchor,
        borderaxespad=0.0,
        borderpad=0.0,
        ncol=ncol,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.6,
        fontsize=size,
    )


def _fit_rows(ax: Axes, rows: float, lines: int = 1) -> None:
    """Shrink the y tick labels and value labels of ``ax`` when its rows are too tight.

    Lays the figure out once (without rasterising) to measure the plot height; when a row is less than 1.3
    times the ``lines`` of tick text it holds, text on the rows is set to fit (never
    below 8 pt).
    """
    fig = ax.get_figure(root=True)
    need_pt = 1.3 * lines * style.TICK_SIZE
    if fig.get_figheight() * 72 * 0.55 / max(rows, 1) >= need_pt * 1.15:
        return  # plainly roomy (a title, legend and source line take under 45 %): no layout
    fig.draw_without_rendering()
    pitch_pt = ax.get_window_extent().height * 72 / fig.dpi / max(rows, 1)
    size = max(8.0, min(style.TICK_SIZE, pitch_pt / (1.3 * lines)))
    if size >= style.TICK_SIZE:
        return
    for label in ax.get_yticklabels():
        label.set_fontsize(size)
    for text in ax.texts:
        text.set_fontsize(min(text.get_fontsize(), size))


def _set_xlabel(ax: Axes, text: str) -> None:
    """Set a short x label, wrapped to about the width the plot gets."""
    fig = ax.figure
    width_pt = (fig.get_figwidth() - 2 * style.EDGE_PAD_IN) * 72 * 0.6
    ax.set_xlabel(style.wrap_to_width(text, width_pt, style.LABEL_SIZE))


def _whisker_handle() -> Line2D:
    return Line2D(
        [],
        [],
        color=palette.TEXT,
        lw=1.2,
        marker="|",
        markersize=10,
        label=INTERVAL_WORDS,
    )


def _rows(ex: Exhibit) -> tuple[np.ndarray, list[str], list[float]]:
    """Return the y position of each category, top first, with group headings between.

    Returns ``(y of each category, tick labels, tick positions)``; a group's heading takes
    a row of its own above its first category.
    """
    ys, labels, ticks = [], [], []
    row = 0.0
    previous = None
    for i, cat in enumerate(ex.categories):
        group = ex.groups[i] if ex.groups else None
        if group is not None and group != previous:
            if previous is not None:
                row += 0.4  # a little air between groups
            labels.append(group)
            ticks.append(-row)
            row += 1
            previous = group
        ys.append(-row)
        labels.append(cat)
        ticks.append(-row)
        row += 1
    return np.array(ys), labels, ticks


#: Bars that are not the brand's: a light grey, so the brand's stand out.
CONTEXT = palette.NEUTRAL  # the deck's "others" grey


def _colours(ex: Exhibit, n: int) -> list[str]:
    if not ex.highlight:
        return [palette.PRIMARY] * n
    return [palette.PRIMARY if i in ex.highlight else CONTEXT for i in range(n)]


def _key(ex: Exhibit, whiskers: bool = True) -> list[Artist]:
    handles: list[Artist] = []
    if ex.highlight:
        handles.append(Patch(color=palette.PRIMARY, label=ex.highlight_label or "the brand's"))
        if len(set(ex.highlight)) < len(ex.categories):  # some bars are grey
            handles.append(Patch(color=CONTEXT, label="others"))
    if whiskers:
        handles.append(_whisker_handle())
    return handles


def _value_limits(ex: Exhibit, top: float) -> tuple[float, float]:
    """Return the value axis: the exhibit's fixed range (with room for labels above a bar
    near its top), else from 0 to a little above the data."""
    if ex.value_range is not None:
        lo, hi = ex.value_range
        return lo, hi + 0.1 * (hi - lo) if top > 0.85 * hi else hi
    return 0.0, max(top * 1.18, 1e-9)


def _wrapped(ax: Axes, labels: list[str], share: float) -> list[str]:
    """Return tick labels wrapped to ``share`` of the figure's width (long names on half-size
    charts would squeeze the plot)."""
    width_pt = ax.get_figure(root=True).get_figwidth() * 72 * share
    return [style.wrap_to_width(str(x), width_pt, style.TICK_SIZE) for x in labels]


def _text(ex: Exhibit, value: float) -> str:
    """Return a value label as the deck's native chart writes it."""
    return ex.number_format.text(float(value))


def plot_intervals(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return horizontal bars of the median share (0-1) with p5-p95 whiskers; the brand's
    bars in the primary colour, groups (if any) under bold headings."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    med, lo, hi = np.array(s["median"]), np.array(s["p5"]), np.array(s["p95"])
    y, tick_labels, ticks = _rows(ex)
    ax.barh(y, med, color=_colours(ex, len(med)), height=0.65)
    ax.errorbar(
        med, y, xerr=[med - lo, hi - med], fmt="none", ecolor=palette.TEXT, capsize=4, lw=1.2
    )
    for yi, m, h in zip(y, med, hi, strict=True):
        _label(ax, _text(ex, m), (h, yi), horizontal=True)
    ax.set_yticks(ticks, _wrapped(ax, tick_labels, 0.3))
    headings = set(ex.groups)
    for tick in ax.get_yticklabels():
        if tick.get_text() in headings:
            tick.set_fontweight("bold")
            tick.set_color(palette.TEXT)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(min(ticks) - 0.6, max(ticks) + 0.6)
    lo_x, hi_x = _value_limits(ex, float(max(hi)))
    ax.set_xlim(lo_x, min(hi_x, max(float(max(hi)) * 1.25 + 0.05, 0.1)))
    _value_axis(ax, ex, "x")
    for k, label in ex.dividers:
        ax.axhline((y[k - 1] + y[k]) / 2, color=palette.AXIS, lw=1.2, ls="--", label=label)
    _set_xlabel(ax, ex.axis_label or "share of users")
    handles = _key(ex) + [h for h in ax.get_legend_handles_labels()[0] if isinstance(h, Line2D)]
    _legend_above(ax, handles)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    style.finish(ax, style.ChartText(ex.title, ex.source_line))
    _fit_rows(ax, max(ticks) - min(ticks) + 1)
    return ax


def plot_interval_columns(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return columns of the median share (0-1) with p5-p95 whiskers, left to right; the
    brand's column in the primary colour, dividers as dashed lines between columns."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    med, lo, hi = np.array(s["median"]), np.array(s["p5"]), np.array(s["p95"])
    x = np.arange(len(med))
    ax.bar(x, med, color=_colours(ex, len(med)), width=0.65)
    ax.errorbar(
        x, med, yerr=[med - lo, hi - med], fmt="none", ecolor=palette.TEXT, capsize=4, lw=1.2
    )
    for xi, m, h in zip(x, med, hi, strict=True):
        _label(ax, _text(ex, m), (xi, h), horizontal=False)
    ax.set_xticks(x, _wrapped(ax, list(ex.categories), 0.75 / len(x)))
    ax.tick_params(axis="x", length=0)
    ax.set_ylim(*_value_limits(ex, float(max(hi))))
    _value_axis(ax, ex, "y")
    for k, label in ex.dividers:
        ax.axvline(k - 0.5, color=palette.AXIS, lw=1.2, ls="--", label=label)
    ax.set_ylabel(style.wrap_to_width(ex.axis_label, 150, style.LABEL_SIZE))
    handles = _key(ex) + [h for h in ax.get_legend_handles_labels()[0] if isinstance(h, Line2D)]
    _legend_above(ax, handles)
    ax.grid(axis="x", visible=False)
    return style.finish(ax, style.ChartText(ex.title, ex.source_line))


def plot_columns(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return one series as columns (a chance or share, 0-1), the highlighted column the
    one the title talks about."""
    ax = _axes(ax, size)
    values = np.array(ex.series[0][1])
    x = np.arange(len(values))
    ax.bar(x, values, color=_colours(ex, len(values)), width=0.65)
    for xi, v in zip(x, values, strict=True):
        _label(ax, _text(ex, v), (xi, v), horizontal=False)
    ax.set_xticks(x, _wrapped(ax, list(ex.categories), 0.75 / len(x)))
    ax.tick_params(axis="x", length=0)
    ax.set_ylim(*_value_limits(ex, float(max(values))))
    _value_axis(ax, ex, "y")
    ax.set_ylabel(style.wrap_to_width(ex.axis_label, 150, style.LABEL_SIZE))
    if ex.highlight:
        _legend_above(ax, _key(ex, whiskers=False))
    ax.grid(axis="x", visible=False)
    return style.finish(ax, style.ChartText(ex.title, ex.source_line))


def plot_bars(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return horizontal bars, one or two series (clustered), first category on top."""
    ax = _axes(ax, size)
    y = np.arange(len(ex.categories))[::-1]
    n = len(ex.series)
    height = 0.7 / n
    shades = list(palette.SERIES) if n > 1 else [palette.PRIMARY]
    for j, (name, values) in enumerate(ex.series):
        v = np.array(values)
        offset = (j - (n - 1) / 2) * height
        colours = _colours(ex, len(v)) if n == 1 else [shades[j]] * len(v)
        ax.barh(y - offset, v, height=height * 0.95, color=colours, label=name)
        for yi, val in zip(y - offset, v, strict=True):
            _label(ax, _text(ex, val), (val, yi), horizontal=True)
    ax.set_yticks(y, _wrapped(ax, list(ex.categories), 0.3))
    ax.tick_params(axis="y", length=0)
    top = float(max(max(v) for _, v in ex.series))
    if ex.value_range:
        ax.set_xlim(*_value_limits(ex, top))
    else:  # the deck's scale: round steps from zero, a step more when a label needs room
        lo_x, hi_x, unit = value_scale(0.0, max(top, 1e-9), False)
        ax.set_xlim(lo_x, hi_x + unit if top > 0.85 * hi_x else hi_x)
        ax.xaxis.set_major_locator(MultipleLocator(unit))
    _value_axis(ax, ex, "x")
    _set_xlabel(ax, ex.axis_label)
    handles = list(ax.get_legend_handles_labels()[0]) if n > 1 else _key(ex, whiskers=False)
    if handles:
        _legend_above(ax, handles)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    style.finish(ax, style.ChartText(ex.title, ex.source_line))
    _fit_rows(ax, len(ex.categories))
    return ax


def plot_exhibit(ex: Exhibit, size: str = "full") -> Axes:
    """Return the chart of an exhibit, the kind its deck slide has."""
    if ex.kind == "interval_bar":
        return plot_intervals(ex, size=size)
    if ex.kind == "interval_column":
        return plot_interval_columns(ex, size=size)
    if ex.kind == "column":
        return plot_columns(ex, size=size)
    return plot_bars(ex, size=size)
