"""Several brands side by side: ranking, a comparison table, a title and their provenance.

Used by the report's ``index.html``, the portfolio chart and ``notebooks/07-portfolio``.
Brands rank by verdict (GO, CONDITIONAL, NO-GO), then by ``p_go`` (probability of clearing
the bar, 0-1), then by slug, so the order is stable.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from research.decide.assessment import Assessment
from research.decide.reasons import strip_sources
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
        f"p_go {round(lead.p_go * 100)}%"  # as present.formats.format_pct writes it
    )


def provenance(results: Sequence[Assessment]) -> tuple[list[str], list[str]]:
    """Return the source ids and the assumption names behind the brands' scores (no policy)."""
    srcs = [s["source_id"] for r in results for s in r.sources]
    assumed = [
        a["name"] for r in results for a in r.assumptions if not a["name"].startswith("policy.")
    ]
    return list(dict.fromkeys(srcs)), list(dict.fromkeys(assumed))
