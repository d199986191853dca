"""Several brands side by side: ranking, a comparison table, a title and their provenance.

Used by the report's ``index.html``, the portfolio chart and ``notebooks/07-portfolio``.
Brands rank by verdict (GO, CONDITIONAL, NO-GO), then by ``p_go`` (the chance that the
brand wins the users it needs with every gate passed, 0-1), then by slug, so the order is
stable.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from research.decide.assessment import Assessment
from research.formats import format_probability
from research.vocab import VERDICTS


def rank(results: Sequence[Assessment]) -> list[Assessment]:
    """Return the assessments best first: by verdict, then p_go (high first), then slug."""
    order = {v: i for i, v in enumerate(VERDICTS)}
    return sorted(results, key=lambda r: (order[r.verdict], -r.p_go, r.profile.slug))


def table(results: Sequence[Assessment]) -> pd.DataFrame:
    """Return one row per brand, ranked: verdict, p_go (0-1), reach and users a day
    (median), the need (users a day), the first failed gate and the main reason."""
    rows = []
    for i, r in enumerate(rank(results), 1):
        failed = r.failed_gates()
        rows.append(
            {
                "rank": i,
                "brand": r.profile.name,
                "category": r.profile.category,
                "objective": r.profile.objective,
                "price_rmb": r.profile.price_rmb,
                "verdict": r.verdict,
                "p_go": r.p_go,
                "reach": r.reach.p50,
                "users": r.users.p50,
                "need": r.need.daily_users,
                "gate": failed[0].label if failed else "",
                "main_reason": r.reasons[0].text,
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
        f"{len(ranked)} brands: {', '.join(parts)}; {lead.profile.name} leads with a "
        f"{format_probability(lead.p_go)} chance of winning the users it needs"
    )


def provenance(results: Sequence[Assessment]) -> tuple[list[str], list[str]]:
    """Return the source ids and the assumption names behind the brands' verdicts."""
    srcs = [s["source_id"] for r in results for s in r.sources]
    assumed = [a["name"] for r in results for a in r.assumptions]
    return list(dict.fromkeys(srcs)), list(dict.fromkeys(assumed))
