"""The brand charts, drawn from exhibits in the house style of :mod:`research.present.style`.

Each ``plot_*`` takes an :class:`~research.present.exhibits.Exhibit` (and ``ax=None``), draws the
chart with its uncertainty (p5 to p95), writes the exhibit's takeaway title and source
line, and returns the Axes. Saving is :func:`research.present.style.export_chart`.

Legends sit above the plot, outside the data, so they never cover a bar or a label; axis
labels are short and wrapped to the plot's width, so nothing is cut off at half size.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from research.formats import format_count, format_pct, format_users, interval_coverage
from research.present import palette, style
from research.present.exhibits import Exhibit
from research.present.timeline_chart import plot_timeline

#: Words for the whisker of an interval chart (from the series names p5 and p95).
INTERVAL_WORDS = f"{interval_coverage('p5', 'p95')} (p5 to p95)"


def _axes(ax: Axes | None, size: str = "full") -> Axes:
    if ax is not None:
        return ax
    _, ax = style.new_figure(size)
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

    Lays the figure out once to measure the plot height; when a row is less than 1.3
    times the ``lines`` of tick text it holds, text on the rows is set to fit (never
    below 8 pt).
    """
    fig = ax.get_figure(root=True)
    need_pt = 1.3 * lines * style.TICK_SIZE
    if fig.get_figheight() * 72 * 0.55 / max(rows, 1) >= need_pt * 1.15:
        return  # plainly roomy (a title, legend and source line take under 45 %): no layout
    fig.canvas.draw()
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


def plot_intervals(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return horizontal bars of the median share (0-1) with p5-p95 whiskers; highlighted
    categories (the brand's) in the accent colour, groups (if any) under bold headings."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    med, lo, hi = np.array(s["median"]), np.array(s["p5"]), np.array(s["p95"])
    y, tick_labels, ticks = _rows(ex)
    colors = [palette.ACCENT if i in ex.highlight else palette.PRIMARY for i in range(len(med))]
    ax.barh(y, med, color=colors, height=0.65)
    ax.errorbar(
        med, y, xerr=[med - lo, hi - med], fmt="none", ecolor=palette.TEXT, capsize=4, lw=1.2
    )
    for yi, m, h in zip(y, med, hi, strict=True):
        ax.text(h + 0.01, yi, format_pct(m), va="center", fontsize=style.ANNOTATION_SIZE)
    ax.set_yticks(ticks, tick_labels)
    headings = set(ex.groups)
    for tick in ax.get_yticklabels():
        if tick.get_text() in headings:
            tick.set_fontweight("bold")
            tick.set_color(palette.TEXT)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(min(ticks) - 0.6, max(ticks) + 0.6)
    ax.set_xlim(0, min(1.0, max(hi) * 1.18 + 0.02))
    style.pct_axis(ax, "x")
    for k, label in ex.dividers:
        ax.axhline((y[k - 1] + y[k]) / 2, color=palette.VERMILLION, lw=1.5, ls="--", label=label)
    _set_xlabel(ax, ex.axis_label or "share of users")
    handles: list[Artist] = []
    if ex.highlight:
        handles += [
            Patch(color=palette.ACCENT, label=ex.highlight_label or "highlighted"),
            Patch(color=palette.PRIMARY, label="others"),
        ]
    else:
        handles.append(Patch(color=palette.PRIMARY, label="median"))
    handles.append(_whisker_handle())
    handles += [h for h in ax.get_legend_handles_labels()[0] if isinstance(h, Line2D)]
    _legend_above(ax, handles)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    style.finish(ax, style.ChartText(ex.title, ex.source_line))
    _fit_rows(ax, max(ticks) - min(ticks) + 1)
    return ax


def plot_funnel(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return the market funnel: users a day (log scale) with p5-p95 whiskers."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    med, lo, hi = (np.array(s[k]) for k in ("median", "p5", "p95"))
    y = np.arange(len(ex.categories))[::-1]
    highlight = set(ex.highlight) or {len(med) - 1}
    colors = [palette.ACCENT if i in highlight else palette.PRIMARY for i in range(len(med))]
    ax.barh(y, med, color=colors, height=0.6)
    ax.errorbar(
        med, y, xerr=[med - lo, hi - med], fmt="none", ecolor=palette.TEXT, capsize=4, lw=1.2
    )
    ax.set_xscale("log")
    for yi, m, h in zip(y, med, hi, strict=True):
        ax.text(h * 1.15, yi, format_users(m), va="center", fontsize=style.ANNOTATION_SIZE)
    ax.set_yticks(y, ex.categories)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(min(lo) / 3, max(hi) * 6)
    style.format_axis(ax, lambda v: format_count(v, compact=True), "x")
    _set_xlabel(ax, ex.axis_label or "users a day (log scale)")
    _legend_above(
        ax,
        [
            Patch(color=palette.ACCENT, label=ex.highlight_label or "the last stage"),
            Patch(color=palette.PRIMARY, label="the stages before"),
            _whisker_handle(),
        ],
    )
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    return style.finish(ax, style.ChartText(ex.title, ex.source_line))


def plot_scorecard(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return each criterion's median score (0-1) as a bar with its threshold marked."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    score, thr, weight = np.array(s["score"]), np.array(s["threshold"]), np.array(s["weight"])
    y = np.arange(len(score))[::-1]
    passed = score >= thr
    colors = [palette.GREEN if p else palette.VERMILLION for p in passed]
    ax.barh(y, score, color=colors, height=0.6)
    ax.scatter(thr, y, marker="|", s=900, color=palette.TEXT, zorder=3)
    for yi, sc, t in zip(y, score, thr, strict=True):
        ax.text(max(sc, t) + 0.02, yi, f"{sc:.2f}", va="center", fontsize=style.ANNOTATION_SIZE)
    labels = [f"{c}\nweight {w:.0%}" for c, w in zip(ex.categories, weight, strict=True)]
    ax.set_yticks(y, labels)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, 1.12)
    ax.set_xticks(np.linspace(0, 1, 6))
    _set_xlabel(ax, ex.axis_label or "median score (0-1)")
    outcomes = [
        Patch(color=palette.GREEN, label="passes its threshold"),
        Patch(color=palette.VERMILLION, label="falls short"),
    ]
    _legend_above(
        ax,
        [
            *(
                h
                for h, shown in zip(outcomes, (passed.any(), (~passed).any()), strict=True)
                if shown
            ),
            Line2D(
                [],
                [],
                color=palette.TEXT,
                marker="|",
                markersize=16,
                markeredgewidth=2,
                linestyle="none",
                label="threshold",
            ),
        ],
    )
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    style.finish(ax, style.ChartText(ex.title, ex.source_line))
    _fit_rows(ax, len(score), lines=2)
    return ax


def plot_tornado(
    ex: Exhibit, bar: float, base: float, ax: Axes | None = None, *, size: str = "full"
) -> Axes:
    """Return the tornado: weighted score with each input at its p5 and p95 around ``base``."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    low, high = np.array(s["score at p5"]), np.array(s["score at p95"])
    y = np.arange(len(low))[::-1]
    ax.barh(y, low - base, left=base, color=palette.SKY, height=0.6, label="input at its p5")
    ax.barh(y, high - base, left=base, color=palette.PRIMARY, height=0.6, label="input at its p95")
    ax.axvline(base, color=palette.TEXT, lw=1, label=f"mean score {base:.2f}")
    ax.axvline(bar, color=palette.VERMILLION, lw=1.5, ls="--", label=f"bar {bar:.2f}")
    ax.set_yticks(y, ex.categories)
    ax.tick_params(axis="y", length=0)
    span = max(np.max(np.abs(np.r_[low, high] - base)), abs(bar - base), 0.02)
    ax.set_xlim(base - span * 1.3, base + span * 1.3)
    _set_xlabel(ax, ex.axis_label or "mean weighted score")
    _legend_above(ax, list(ax.get_legend_handles_labels()[0]))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    return style.finish(ax, style.ChartText(ex.title, ex.source_line))


def plot_verdict(
    ex: Exhibit,
    scores: np.ndarray,
    bar: float,
    p_go: float,
    verdict: str,
    ax: Axes | None = None,
    *,
    size: str = "full",
) -> Axes:
    """Return the distribution of the weighted score (0-1) against the bar, with p_go.

    The verdict and p_go are written in the top corner away from most of the draws, and
    the y axis leaves room above the tallest bin, so the text never covers the histogram.
    """
    ax = _axes(ax, size)
    colour = palette.VERDICT_COLOURS[verdict]
    bins = np.linspace(0, 1, 51)
    counts, _, _ = ax.hist(
        scores[scores < bar], bins=bins, color=palette.NEUTRAL, label="draws below the bar"
    )
    counts2, _, _ = ax.hist(
        scores[scores >= bar], bins=bins, color=colour, label="draws that clear the bar"
    )
    ax.axvline(bar, color=palette.TEXT, lw=1.5, ls="--", label=f"bar {bar:.2f}")
    right = float(np.median(scores)) < 0.5
    ax.text(
        0.98 if right else 0.02,
        0.96,
        f"{verdict}\np_go = {p_go:.0%}",
        transform=ax.transAxes,
        fontsize=28 if ax.figure.get_figwidth() >= style.WIDE_FIGURE_IN else 20,
        color=colour,
        ha="right" if right else "left",
        va="top",
        weight="bold",
    )
    top = max(np.max(counts, initial=0), np.max(counts2, initial=0), 1)
    ax.set_ylim(0, top * 1.6)
    ax.set_xlim(0, 1)
    _set_xlabel(ax, ex.axis_label or "weighted score per uncertainty draw")
    ax.set_ylabel("draws")
    _legend_above(ax, list(ax.get_legend_handles_labels()[0]))
    return style.finish(ax, style.ChartText(ex.title, ex.source_line))


def plot_exhibit(name: str, ex: Exhibit, r, ev, size: str = "full") -> Axes:
    """Return the chart of exhibit ``name`` of assessment ``r``, as written for the deck."""
    if name == "timeline":
        ax = plot_timeline(ev, size=size)
        return style.finish(ax, style.ChartText(ex.title, ex.source_line))
    if name == "funnel":
        return plot_funnel(ex, size=size)
    if name == "scorecard":
        return plot_scorecard(ex, size=size)
    if name == "tornado":
        return plot_tornado(ex, r.bar, r.score.mean, size=size)
    if name == "verdict":
        return plot_verdict(ex, r.score_draws, r.bar, r.p_go, r.verdict, size=size)
    return plot_intervals(ex, size=size)
