"""The portfolio chart: several brands' weighted scores against the bar, coloured by verdict.

The ranking, table and title come from :mod:`research.decide.portfolio`; this module draws
them in the house style and writes the chart's source line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from research.data.assumptions import Policy
from research.data.evidence import Evidence
from research.decide import portfolio
from research.decide.assessment import Assessment
from research.formats import format_pct
from research.present import palette
from research.present.style import ANNOTATION_SIZE, ChartText, finish, make_source_line, new_figure


def source_line(results: Sequence[Assessment], ev: Evidence) -> str:
    """Return the source line: every source and assumption behind the brands' scores."""
    return make_source_line(ev, *portfolio.provenance(results))


def plot_portfolio(
    results: Sequence[Assessment],
    policy: Policy,
    ev: Evidence,
    ax: Axes | None = None,
    *,
    size: str = "full",
) -> Axes:
    """Return each brand's weighted score (median, p5-p95 whiskers) against the bar, coloured
    by verdict and labelled with p_go."""
    if ax is None:
        _, ax = new_figure(size)
    ranked = portfolio.rank(results)
    y = np.arange(len(ranked))[::-1]
    med = np.array([r.score.p50 for r in ranked])
    lo = np.array([r.score.p5 for r in ranked])
    hi = np.array([r.score.p95 for r in ranked])
    ax.barh(y, med, color=[palette.VERDICT_COLOURS[r.verdict] for r in ranked], height=0.6)
    ax.errorbar(
        med, y, xerr=[med - lo, hi - med], fmt="none", ecolor=palette.TEXT, capsize=4, lw=1.2
    )
    ax.axvline(policy.bar, color=palette.TEXT, lw=1.5, ls="--")
    for yi, h, r in zip(y, hi, ranked, strict=True):
        ax.text(
            h + 0.015,
            yi,
            f"{r.verdict}, p_go {format_pct(r.p_go)}",
            va="center",
            fontsize=ANNOTATION_SIZE,
        )
    ax.set_yticks(y, [r.profile.name for r in ranked])
    ax.set_xlim(0, 1.3)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_xlabel(
        f"weighted score (median, bars show the 90% interval); dashed line: the bar "
        f"{policy.bar:.2f}"
    )
    for verdict, colour in palette.VERDICT_COLOURS.items():
        ax.plot([], [], "s", color=colour, label=verdict)
    ax.legend(loc="lower right", frameon=False)
    ax.grid(axis="y", visible=False)
    return finish(ax, ChartText(portfolio.title(results), source_line(results, ev)))
