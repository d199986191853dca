"""The brand charts, drawn from exhibits in the house style of :mod:`research.charts`.

Each ``plot_*`` takes an :class:`~research.exhibits.Exhibit` (and ``ax=None``), draws the
chart with its uncertainty (p5 to p95), writes the exhibit's takeaway title and source
line, and returns the Axes. Saving is :func:`research.charts.export_chart`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from research import charts
from research.exhibits import Exhibit
from research.summary import format_users


def _axes(ax: Axes | None, size: str = "full") -> Axes:
    if ax is not None:
        return ax
    _, ax = charts.new_figure(size)
    return ax


def plot_intervals(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return horizontal bars of the median share (0-1) with p5-p95 whiskers; highlighted
    categories (the brand's) in the accent colour."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    med, lo, hi = np.array(s["median"]), np.array(s["p5"]), np.array(s["p95"])
    y = np.arange(len(ex.categories))[::-1]
    colors = [charts.ACCENT if i in ex.highlight else charts.PRIMARY for i in range(len(med))]
    ax.barh(y, med, color=colors, height=0.65)
    ax.errorbar(
        med, y, xerr=[med - lo, hi - med], fmt="none", ecolor=charts.TEXT_COLOR, capsize=4, lw=1.2
    )
    for yi, m, h in zip(y, med, hi, strict=True):
        ax.text(h + 0.01, yi, charts.format_pct(m), va="center", fontsize=charts.ANNOTATION_SIZE)
    ax.set_yticks(y, ex.categories)
    ax.set_xlim(0, min(1.0, max(hi) * 1.18 + 0.02))
    charts.pct_axis(ax, "x")
    ax.set_xlabel("share of users (median, bars show the 90% interval)")
    if ex.highlight:
        ax.plot([], [], "s", color=charts.ACCENT, label="the brand's target")
        ax.plot([], [], "s", color=charts.PRIMARY, label="other groups")
        ax.legend(loc="lower right", frameon=False)
    ax.grid(axis="y", visible=False)
    return charts.finish(ax, charts.ChartText(ex.title, ex.source_line))


def plot_funnel(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return the market funnel: users a day (log scale) with p5-p95 whiskers."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    med, lo, hi = (np.array(s[k]) for k in ("median", "p5", "p95"))
    y = np.arange(len(ex.categories))[::-1]
    colors = [charts.PRIMARY] * (len(med) - 1) + [charts.ACCENT]
    ax.barh(y, med, color=colors, height=0.6)
    ax.errorbar(
        med, y, xerr=[med - lo, hi - med], fmt="none", ecolor=charts.TEXT_COLOR, capsize=4, lw=1.2
    )
    ax.set_xscale("log")
    for yi, m, h in zip(y, med, hi, strict=True):
        ax.text(h * 1.15, yi, format_users(m), va="center", fontsize=charts.ANNOTATION_SIZE)
    ax.set_yticks(y, ex.categories)
    ax.set_xlim(min(lo) / 3, max(hi) * 6)
    charts.format_axis(ax, format_users, "x")
    ax.set_xlabel("users a day (median; bars show the 90% interval; log scale)")
    ax.grid(axis="y", visible=False)
    return charts.finish(ax, charts.ChartText(ex.title, ex.source_line))


def plot_scorecard(ex: Exhibit, ax: Axes | None = None, *, size: str = "full") -> Axes:
    """Return each criterion's median score (0-1) as a bar with its threshold marked."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    score, thr, weight = np.array(s["score"]), np.array(s["threshold"]), np.array(s["weight"])
    y = np.arange(len(score))[::-1]
    colors = [
        charts.GREEN if sc >= t else charts.VERMILLION for sc, t in zip(score, thr, strict=True)
    ]
    ax.barh(y, score, color=colors, height=0.6)
    ax.scatter(thr, y, marker="|", s=900, color=charts.TEXT_COLOR, zorder=3, label="threshold")
    for yi, sc, w in zip(y, score, weight, strict=True):
        ax.text(
            1.02, yi, f"{sc:.2f}  (weight {w:.0%})", va="center", fontsize=charts.ANNOTATION_SIZE
        )
    ax.set_yticks(y, ex.categories)
    ax.set_xlim(0, 1.35)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_xlabel("median score (0-1); green passes its threshold, red falls short")
    ax.legend(loc="lower right", frameon=False)
    ax.grid(axis="y", visible=False)
    return charts.finish(ax, charts.ChartText(ex.title, ex.source_line))


def plot_tornado(
    ex: Exhibit, bar: float, base: float, ax: Axes | None = None, *, size: str = "full"
) -> Axes:
    """Return the tornado: weighted score with each input at its p5 and p95 around ``base``."""
    ax = _axes(ax, size)
    s = ex.series_dict()
    low, high = np.array(s["score at p5"]), np.array(s["score at p95"])
    y = np.arange(len(low))[::-1]
    ax.barh(y, low - base, left=base, color=charts.SKY, height=0.6, label="input at its p5")
    ax.barh(y, high - base, left=base, color=charts.PRIMARY, height=0.6, label="input at its p95")
    ax.axvline(base, color=charts.TEXT_COLOR, lw=1)
    ax.axvline(bar, color=charts.VERMILLION, lw=1.5, ls="--", label=f"bar {bar:.2f}")
    ax.set_yticks(y, ex.categories)
    span = max(np.max(np.abs(np.r_[low, high] - base)), abs(bar - base), 0.02)
    ax.set_xlim(base - span * 1.3, base + span * 1.3)
    ax.set_xlabel("mean weighted score")
    ax.legend(loc="best", frameon=False)
    ax.grid(axis="y", visible=False)
    return charts.finish(ax, charts.ChartText(ex.title, ex.source_line))


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
    """Return the distribution of the weighted score (0-1) against the bar, with p_go."""
    ax = _axes(ax, size)
    colour = {"GO": charts.GREEN, "CONDITIONAL": charts.ACCENT, "NO-GO": charts.VERMILLION}[verdict]
    bins = np.linspace(0, 1, 51)
    ax.hist(scores[scores < bar], bins=bins, color=charts.NEUTRAL, label="draws below the bar")
    ax.hist(scores[scores >= bar], bins=bins, color=colour, label="draws that clear the bar")
    ax.axvline(bar, color=charts.TEXT_COLOR, lw=1.5, ls="--")
    ax.text(
        0.02,
        0.9,
        f"{verdict}\np_go = {p_go:.0%}",
        transform=ax.transAxes,
        fontsize=28,
        color=colour,
        va="top",
        weight="bold",
    )
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"weighted score per uncertainty draw (bar {bar:.2f})")
    ax.set_ylabel("draws")
    ax.legend(loc="upper right", frameon=False)
    return charts.finish(ax, charts.ChartText(ex.title, ex.source_line))


def plot_exhibit(name: str, ex: Exhibit, r, ev, size: str = "full") -> Axes:
    """Return the chart of exhibit ``name`` of assessment ``r``, as written for the deck."""
    if name == "timeline":
        ax = charts.plot_timeline(ev, size=size)
        return charts.finish(ax, charts.ChartText(ex.title, ex.source_line))
    if name == "funnel":
        return plot_funnel(ex, size=size)
    if name == "scorecard":
        return plot_scorecard(ex, size=size)
    if name == "tornado":
        return plot_tornado(ex, r.bar, r.score.mean, size=size)
    if name == "verdict":
        return plot_verdict(ex, r.score_draws, r.bar, r.p_go, r.verdict, size=size)
    return plot_intervals(ex, size=size)
