"""The portfolio chart: several brands' chance of winning the users they need, by verdict.

The ranking, table and title come from :mod:`research.decide.portfolio`; this module draws
them in the house style (bars in the verdict colour, the only place besides badges where a
verdict colour appears, because the bar *is* the verdict) and writes the source line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence
from research.decide import portfolio
from research.decide.assessment import Assessment
from research.formats import format_probability
from research.present import labels, palette
from research.present.figures import new_figure
from research.present.style import ANNOTATION_SIZE, ChartText, finish, pct_axis


def source_line(results: Sequence[Assessment], ev: Evidence, a: Assumptions) -> str:
    """Return the source line: every source and assumption behind the brands' verdicts."""
    return labels.source_line(ev, a, *portfolio.provenance(results))


def plot_portfolio(
    results: Sequence[Assessment],
    ev: Evidence,
    a: Assumptions,
    ax: Axes | None = None,
    *,
    size: str = "full",
) -> Axes:
    """Return each brand's chance (0-1) of winning the users it needs with every gate
    passed, coloured by verdict, with the policy's GO and NO-GO cut-offs marked."""
    if ax is None:
        _, ax = new_figure(size)
    ranked = portfolio.rank(results)
    y = np.arange(len(ranked))[::-1]
    p = np.array([r.p_go for r in ranked])
    ax.barh(y, p, color=[palette.VERDICT_COLOURS[r.verdict] for r in ranked], height=0.6)
    for cut, word in (
        (a.policy.go_at_least, "GO from here"),
        (a.policy.no_go_below, "NO-GO below"),
    ):
        ax.axvline(cut, color=palette.AXIS, lw=1.2, ls="--")
        ax.text(cut, len(ranked) - 0.45, f" {word}", fontsize=ANNOTATION_SIZE, color=palette.AXIS)
    for yi, v, r in zip(y, p, ranked, strict=True):
        ax.text(
            min(v, 0.78) + 0.015,
            yi,
            f"{r.verdict}, {format_probability(v)}",
            va="center",
            fontsize=ANNOTATION_SIZE,
        )
    ax.set_yticks(y, [r.profile.name for r in ranked])
    ax.set_xlim(0, 1.0)
    ax.set_ylim(-0.6, len(ranked) - 0.1)
    pct_axis(ax, "x")
    ax.set_xlabel("chance that it wins the daily users it needs and passes every gate")
    ax.grid(axis="y", visible=False)
    return finish(ax, ChartText(portfolio.title(results), source_line(results, ev, a)))
