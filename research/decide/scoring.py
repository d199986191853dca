"""Criterion scores (0-1 each, per brand and draw), the weighted score and the verdict."""

from __future__ import annotations

import numpy as np

from research.data.assumptions import Assumptions
from research.decide.context import Context
from research.model.factors import Portfolio, compute_factors
from research.vocab import OBJECTIVES


def criterion_scores(f: dict, ctx: Context) -> np.ndarray:
    """Return the six criterion scores, shape (6, B, n), in :data:`CRITERIA` order."""
    with np.errstate(over="ignore", divide="ignore"):  # a tiny package scores min(1, inf) = 1
        return _stack_scores(f, ctx)


def _stack_scores(f: dict, ctx: Context) -> np.ndarray:
    return np.stack(
        [
            np.minimum(1.0, f["audience_share"] / f["audience_full_marks"]),
            f["price_share"],
            np.minimum(1.0, f["category_penetration"] / f["games_penetration"]),
            np.minimum(1.0, f["coverage"] / f["coverage_full_marks"]),
            np.minimum(1.0, ctx.package_limit_mb / f["package_mb"]),
            f["objective_score"],
        ]
    )


def total_score(scores: np.ndarray, pf: Portfolio, a: Assumptions) -> np.ndarray:
    """Return the weighted score (B, n): weights by each brand's objective."""
    w = np.stack([a.policy.weight_vector(o) for o in OBJECTIVES])[pf.objective]  # (B, 6)
    return np.einsum("cbn,bc->bn", scores, w)


def verdict_of(p_go: float, a: Assumptions) -> str:
    """Return GO, CONDITIONAL or NO-GO for a probability of clearing the bar."""
    if p_go >= a.policy.go_at_least:
        return "GO"
    if p_go < a.policy.no_go_below:
        return "NO-GO"
    return "CONDITIONAL"


def p_go_and_mean(v: dict, pf: Portfolio, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    f = compute_factors(v, pf, ctx.anchors)
    total = total_score(criterion_scores(f, ctx), pf, ctx.a)
    return (total >= ctx.a.policy.bar).mean(axis=1), total.mean(axis=1)
