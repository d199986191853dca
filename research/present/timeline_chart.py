"""The DAU timeline: Mini Program daily active users and live programs over time, by source.

:func:`plot_timeline` draws every source's figure as a labelled point, marks stale repeats
(a later source repeating an older figure as current) and same-period disagreements, and
draws dated platform events; :func:`research.present.timeline_text.timeline_text` writes
its title and source line from the same figures. Both take ``as_of`` to show only what was known at a date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, MaxNLocator

from research.data.evidence import (
    Evidence,
)
from research.errors import InputError
from research.formats import (
    format_count,
    format_musers,
    format_period,
)
from research.present.evidence_tables import EVENT_LABELS
from research.present.figures import new_figure, split_axes
from research.present.palette import ACCENT, MUTED, NEUTRAL, PRIMARY, TEXT, VERMILLION
from research.present.style import (
    ANNOTATION_SIZE,
    apply_house_style,
    count_axis,
    house_style,
    musers_axis,
    root_figure,
    text_width_pt,
)
from research.present.timeline_text import (
    COUNT,
    DAU,
    Timeline,
    timeline_data,
)

_EVENT_LABELS = EVENT_LABELS
_LABEL_BOX = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9}
#: Height of one row of event labels, points.
_EVENT_ROW_PT = 18.0


def _slot_inches(ax: Axes) -> tuple[float, float]:
    """Return the estimated plotting width and height (inches) of the slot ``ax`` fills.

    An estimate made before layout: a slide's title, source line, tick and axis labels
    take about 1.4 in of the width and 2.6 in of the height.
    """
    fig = root_figure(ax)
    spec = ax.get_subplotspec()
    nrows, ncols = spec.get_gridspec().get_geometry()
    width = fig.get_figwidth() * len(spec.colspan) / ncols
    height = fig.get_figheight() * len(spec.rowspan) / nrows
    return max(width - 1.4, 2.0), max(height - 2.6, 1.5)


_POINT_GAP_PT = 11.0  # gap between a marker's centre and a label beside it, points
_BOX_PAD_PT = 3.0  # white box around labels, points


def _label_extent_pt(text: str, where: str) -> tuple[float, float]:
    """Return how far a point label reaches left and right of its point, in points."""
    width = max(text_width_pt(line, ANNOTATION_SIZE, "normal") for line in text.splitlines())
    width += 2 * _BOX_PAD_PT
    return {
        "left": (width + _POINT_GAP_PT, 0.0),
        "right": (0.0, width + _POINT_GAP_PT),
        "above": (6.0, width - 6.0),
        "below": (width - 6.0, 6.0),
    }[where]


def _annotate_point(ax: Axes, x: pd.Timestamp, y: float, text: str, where: str) -> None:
    """Label a point ``above`` (reaching right), ``below`` (reaching left), ``left`` or ``right``.

    The label sits in a white box so grid and event lines do not run through its text.
    """
    (dx, dy), ha, va = {
        "left": ((-_POINT_GAP_PT, 0), "right", "center"),
        "right": ((_POINT_GAP_PT, 0), "left", "center"),
        "above": ((-6, _POINT_GAP_PT), "left", "bottom"),
        "below": ((6, -_POINT_GAP_PT - 2), "right", "top"),
    }[where]
    ax.annotate(
        text,
        (x, y),
        xytext=(dx, dy),
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=ANNOTATION_SIZE,
        color=TEXT,
        bbox=_LABEL_BOX,
        zorder=5,
        linespacing=1.15,
    )


@dataclass(frozen=True)
class _PointLabel:
    """Where and what to write beside one plotted figure."""

    obs_id: int
    x: pd.Timestamp
    y: float
    text: str
    where: str
    original_obs_id: int | None


def _point_labels(
    ev: Evidence, rows: pd.DataFrame, data: Timeline, fmt: Callable[[float], str]
) -> list[_PointLabel]:
    """Return the label of every figure of one metric (value, source, repeat note).

    A stale repeat is labelled below its point, the earliest figure left of its point,
    the latest right of it (above it when a bracket marks a disagreement there), the
    rest above.
    """
    if rows.empty:
        return []
    stale = data.stale.set_index("obs_id")["original_obs_id"]
    producers = ev.sources.set_index("source_id")["producer"]
    by_id = rows.set_index("obs_id")
    metric = rows["metric"].iloc[0]
    has_bracket = bool((data.conflicts["metric"] == metric).any())
    first, last = rows["as_of"].min(), rows["as_of"].max()
    labels = []
    for r in rows.itertuples():
        value = ("~" if r.qualifier == "approx" else "") + fmt(r.value)
        original = int(stale[r.obs_id]) if r.obs_id in stale.index else None
        if original is not None:
            when = format_period(by_id.loc[original, "as_of"])
            text, where = f"{value}  {producers[r.source_id]}\nrepeats {when}", "below"
        else:
            text = f"{value}\n{producers[r.source_id]}"
            if r.as_of == first and len(rows) > 1:
                where = "left"
            elif r.as_of == last and not has_bracket:
                where = "right"
            else:
                where = "above"
        labels.append(_PointLabel(int(r.obs_id), r.as_of, float(r.value), text, where, original))
    return labels


def _fit_xlim(
    needs: list[tuple[pd.Timestamp, float, float]],
    start: pd.Timestamp,
    end: pd.Timestamp,
    width_in: float,
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return x limits widened so each ``(x, left_pt, right_pt)`` has that room beside x.

    ``width_in`` is the plotting width the limits map onto (an estimate before layout).
    """
    x0, x1 = start, end
    for _ in range(25):
        pt_per_day = width_in * 72 / max((x1 - x0).days, 1)
        new0 = min([x0] + [x - pd.Timedelta(days=left / pt_per_day) for x, left, _ in needs])
        new1 = max([x1] + [x + pd.Timedelta(days=right / pt_per_day) for x, _, right in needs])
        if new0 == x0 and new1 == x1:
            break
        x0, x1 = new0, new1
    return x0.floor("D"), x1.ceil("D")


def _plot_series(ax: Axes, rows: pd.DataFrame, labels: list[_PointLabel], gid: str) -> None:
    """Draw one metric: fresh figures joined by a line, stale repeats hollow, all labelled."""
    stale_ids = {lab.obs_id for lab in labels if lab.original_obs_id is not None}
    fresh = rows[~rows["obs_id"].isin(stale_ids)]
    ax.plot(fresh["as_of"], fresh["value"], color=PRIMARY, lw=2.5, zorder=2, gid=f"{gid}-trend")
    points = {lab.obs_id: lab for lab in labels}
    for lab in labels:
        is_stale = lab.original_obs_id is not None
        ax.plot(
            [lab.x],
            [lab.y],
            linestyle="none",
            marker="o",
            markersize=11,
            markeredgewidth=2.2,
            markeredgecolor=PRIMARY,
            markerfacecolor="white" if is_stale else PRIMARY,
            zorder=4,
            gid=f"{gid}-obs-{lab.obs_id}",
        )
        if is_stale:
            orig = points[lab.original_obs_id]
            ax.annotate(
                "",
                xy=(orig.x, orig.y),
                xytext=(lab.x, lab.y),
                arrowprops={
                    "arrowstyle": "-|>,head_width=0.35,head_length=0.7",
                    "color": ACCENT,
                    "lw": 2.2,
                    "shrinkA": 9,
                    "shrinkB": 9,
                    "connectionstyle": "arc3,rad=0.1",
                },
                zorder=3,
                gid=f"{gid}-repeat-{lab.obs_id}",
            )
        _annotate_point(ax, lab.x, lab.y, lab.text, lab.where)


_CONFLICT_LABEL = "Sources\ndisagree"


def _conflict_xs(metric: str, data: Timeline) -> list[tuple[pd.Timestamp, float, float]]:
    """Return (x, low, high) of each bracket marking a same-period disagreement."""
    pairs = data.conflicts[data.conflicts["metric"] == metric]
    return [
        (
            max(p.as_of_a, p.as_of_b) + pd.Timedelta(days=45 + 60 * i),
            *sorted((p.value_a, p.value_b)),
        )
        for i, p in enumerate(pairs.itertuples())
    ]


def _plot_conflicts(ax: Axes, metric: str, data: Timeline) -> None:
    """Mark pairs of sources that disagree about the same period with a bracket."""
    for i, (x, lo, hi) in enumerate(_conflict_xs(metric, data)):
        ax.plot(
            [x, x],
            [lo, hi],
            color=VERMILLION,
            lw=2.2,
            zorder=3,
            gid=f"{metric}-conflict-{i}",
            marker="_",
            markersize=12,
            markeredgewidth=2.2,
        )
        ax.annotate(
            _CONFLICT_LABEL,
            (x, (lo + hi) / 2),
            xytext=(8, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=ANNOTATION_SIZE,
            color=VERMILLION,
            fontweight="bold",
            linespacing=1.15,
        )


def _plot_events(panels: tuple[Axes, ...], events: pd.DataFrame) -> None:
    """Draw dated platform events as grey dashed lines, labelled in rows atop the first panel.

    The latest event takes the top row: it is the one nearest the data, so its label is
    kept furthest from the data labels.
    """
    n = len(events)
    for i, e in enumerate(events.itertuples()):
        for panel in panels:
            panel.axvline(
                e.as_of, color=NEUTRAL, lw=1.4, ls=(0, (4, 3)), zorder=1, gid=f"event-{e.segment}"
            )
        panels[0].annotate(
            _EVENT_LABELS.get(e.segment, str(e.segment).replace("_", " ").capitalize()),
            (e.as_of, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(5, -4 - _EVENT_ROW_PT * (n - 1 - i)),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=ANNOTATION_SIZE,
            color=MUTED,
            bbox={**_LABEL_BOX, "pad": 0.1},
            zorder=4,
        )


def _set_data_ticks(axis: Any, top: float, n: int) -> None:
    """Put about ``n`` round ticks from 0 to ``top`` on ``axis``, none in the headroom above."""
    ticks = MaxNLocator(n, steps=[1, 2, 2.5, 3, 5, 10]).tick_values(0, top)
    axis.set_major_locator(FixedLocator([t for t in ticks if 0 <= t <= top * 1.1]))


def plot_timeline(
    ev: Evidence,
    ax: Axes | None = None,
    as_of: str | pd.Timestamp | None = None,
    *,
    size: str = "full",
) -> Axes:
    """Return the Axes of Mini Program DAU (millions of users a day) over time, by source.

    Draws two stacked panels sharing the time axis: DAU on top (the returned Axes) and
    the number of live Mini Programs below (``ax.figure.axes``). Every source's figure
    is a point labelled with its value and source; a figure a later source repeats as
    current (``find_stale_repeats``) is hollow, drawn when it was restated, with an arrow
    back to the original; sources that disagree about the same period (``find_conflicts``)
    get a vermillion bracket; dated platform events
    (``timeline_event``) are grey dashed lines across both panels. Differences between
    periods are drawn as change, not flagged. Add the title and source line with
    ``finish(ax, timeline_text(ev, as_of))``.

    Parameters
    ----------
    ev : Evidence
        From :func:`research.data.evidence.load_evidence`.
    ax : Axes, optional
        A subplot to draw in; its slot is split into the two panels. Default: a new
        figure of ``size`` (see :func:`new_figure`).
    as_of : str or Timestamp, optional
        Only figures and events dated on or before this date are drawn.
    size : {"full", "half", "slide"}
        Figure size when ``ax`` is None.
    """
    data = timeline_data(ev, as_of)
    if ax is None:
        _, ax = new_figure(size)
    elif ax.get_subplotspec() is None:
        raise InputError("ax: must be a subplot (made by new_figure or fig.subplots)")
    else:
        apply_house_style(ax)
    width_in, height_in = _slot_inches(ax)
    dau_fmt = lambda v: format_musers(v, with_unit=False)  # noqa: E731
    cnt_fmt = lambda v: format_count(v, compact=True)  # noqa: E731
    dau_labels = _point_labels(ev, data.dau, data, dau_fmt)
    cnt_labels = _point_labels(ev, data.count, data, cnt_fmt)
    # x: from before the first event to where every label and bracket fits
    needs = [(lab.x, *_label_extent_pt(lab.text, lab.where)) for lab in dau_labels + cnt_labels]
    bracket_pt = 16 + max(
        text_width_pt(t, ANNOTATION_SIZE, "bold") for t in _CONFLICT_LABEL.splitlines()
    )
    needs += [(x, 0.0, bracket_pt) for m in (DAU, COUNT) for x, _, _ in _conflict_xs(m, data)]
    dates = pd.concat([data.dau, data.count, data.events])["as_of"]
    xlim = _fit_xlim(
        needs,
        dates.min() - pd.DateOffset(months=3),
        dates.max() + pd.DateOffset(months=3),
        width_in,
    )
    # y: event labels sit in a band at the top of the DAU panel, above the data
    top_pt = height_in * 72 * 2.4 / 3.4
    band_pt = max(len(data.events) * _EVENT_ROW_PT + 10, 46)
    free = min(max(1 - band_pt / top_pt, 0.45), 0.85)
    with house_style():
        top, bottom = split_axes(ax, (2.4, 1.0))
        top.set_xlim(*xlim)
        _plot_events((top, bottom), data.events)
        _plot_series(top, data.dau, dau_labels, "dau")
        _plot_conflicts(top, DAU, data)
        top.set_ylim(0, data.dau["value"].max() / free)
        top.set_ylabel("Daily active users")
        musers_axis(top)
        _set_data_ticks(top.yaxis, data.dau["value"].max(), 4)
        if not data.count.empty:
            _plot_series(bottom, data.count, cnt_labels, "count")
            _plot_conflicts(bottom, COUNT, data)
            bottom.set_ylim(0, data.count["value"].max() * 1.5)
        bottom.set_ylabel("Mini Programs")
        count_axis(bottom)
        if not data.count.empty:
            _set_data_ticks(bottom.yaxis, data.count["value"].max(), 2)
        years = [  # ticks only inside the plotted range
            pd.Timestamp(year=y, month=1, day=1)
            for y in range(xlim[0].year, xlim[1].year + 1)
            if xlim[0] <= pd.Timestamp(year=y, month=1, day=1) <= xlim[1]
        ]
        bottom.xaxis.set_major_locator(FixedLocator([mdates.date2num(y) for y in years]))
        bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    return top
