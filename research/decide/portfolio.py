"""Several brands side by side: ranking, a comparison table and the portfolio chart.

Used by the report's ``index.html`` and by ``notebooks/07-portfolio``. Brands rank by
verdict (GO, CONDITIONAL, NO-GO), then by ``p_go`` (probability of clearing the bar, 0-1),
then by slug, so the order is stable.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from research.data.assumptions import Policy
from research.data.evidence import Evidence
from research.decide.assessment import Assessment
from research.decide.reasons import strip_sources
from research.present import style as charts
from research.vocab import VERDICTS


def rank(results: Sequence[Assessment]) -> list[Assessment]:
    """Return the assessments best first: by verdict, then p_go (high first), then slug."""
    order = {v: i for i, v in enumerate(VERDICTS)}
    return sorted(results, key=lambda r: (order[r.verdict], -r.p_go, r.profile.slug))


def table(results: Sequence[Assessment]) -> pd.DataFrame:
    """Return one row per brand, ranked: verdict, p_go (0-1), score p5/p50/p95 (0-1), the
    weakest criterion and the first reason (without its sources)."""
    rows = []
    for i, r in enumerate(rank(results), 1):
        weakest = min(r.criteria, key=lambda c: c.score - c.threshold)
        rows.append(
            {
                "rank": i,
                "brand": r.profile.name,
                "category": r.profile.category,
                "objective": r.profile.objective,
                "price_rmb": r.profile.price_rmb,
                "verdict": r.verdict,
                "p_go": r.p_go,
                "score_p5": r.score.p5,
                "score_p50": r.score.p50,
                "score_p95": r.score.p95,
                "weakest": weakest.label,
                "main_reason": strip_sources(r.reasons[0]),
            }
        )
    return pd.DataFrame(rows)


def title(results: Sequence[Assessment]) -> str:
    """Return the portfolio's takeaway: how many brands get each verdict, and the leader."""
    ranked = rank(results)
    counts = {v: sum(r.verdict == v for r in ranked) for v in VERDICTS}
    parts = [f"{n} {v}" for v, n in counts.items() if n]
    lead = ranked[0]
    return (
        f"{len(ranked)} brands: {', '.join(parts)}; {lead.profile.name} leads with "
        f"p_go {charts.format_pct(lead.p_go)}"
    )


def provenance(results: Sequence[Assessment]) -> tuple[list[str], list[str]]:
    """Return the source ids and the assumption names behind the brands' scores (no policy)."""
    srcs = [s["source_id"] for r in results for s in r.sources]
    assumed = [
        a["name"] for r in results for a in r.assumptions if not a["name"].startswith("policy.")
    ]
    return list(dict.fromkeys(srcs)), list(dict.fromkeys(assumed))


def source_line(results: Sequence[Assessment], ev: Evidence) -> str:
    """Return the source line: every source and assumption behind the brands' scores."""
    return charts.make_source_line(ev, *provenance(results))


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
        _, ax = charts.new_figure(size)
    ranked = rank(results)
    y = np.arange(len(ranked))[::-1]
    med = np.array([r.score.p50 for r in ranked])
    lo = np.array([r.score.p5 for r in ranked])
    hi = np.array([r.score.p95 for r in ranked])
    ax.barh(y, med, color=[charts.VERDICT_COLOURS[r.verdict] for r in ranked], height=0.6)
    ax.errorbar(
        med, y, xerr=[med - lo, hi - med], fmt="none", ecolor=charts.TEXT_COLOR, capsize=4, lw=1.2
    )
    ax.axvline(policy.bar, color=charts.TEXT_COLOR, lw=1.5, ls="--")
    for yi, h, r in zip(y, hi, ranked, strict=True):
        ax.text(
            h + 0.015,
            yi,
            f"{r.verdict}, p_go {charts.format_pct(r.p_go)}",
            va="center",
            fontsize=charts.ANNOTATION_SIZE,
        )
    ax.set_yticks(y, [r.profile.name for r in ranked])
    ax.set_xlim(0, 1.3)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_xlabel(
        f"weighted score (median, bars show the 90% interval); dashed line: the bar "
        f"{policy.bar:.2f}"
    )
    for verdict, colour in charts.VERDICT_COLOURS.items():
        ax.plot([], [], "s", color=colour, label=verdict)
    ax.legend(loc="lower right", frameon=False)
    ax.grid(axis="y", visible=False)
    return charts.finish(ax, charts.ChartText(title(results), source_line(results, ev)))
