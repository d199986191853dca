"""The market funnel: from Mini Program daily users to the users a brand can reach, a day.

Stages (users a day, p5 / p50 / p95): all daily users -> in the target audience -> who
spend at least the price -> who use the category -> reachable through the brand's
channels. Stages multiply as independent (stated assumption ``stage_independence``); the
factors they multiply come from :mod:`research.model.factors`, one set of draws per brand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from research.model import access, categories
from research.model import distributions as u

QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class Stage:
    """One funnel stage: users a day (p5, p50, p95) and where its numbers come from."""

    stage: str
    label: str
    p5: float
    p50: float
    p95: float
    unit: str
    basis: str
    sources: tuple[str, ...]
    assumptions: tuple[str, ...]


def funnel_stages(factors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return the users a day at each funnel stage from the factors."""
    audience_share = factors["gender_share"] * factors["age_share"] * factors["tier_share"]
    s0 = factors["dau"]
    s1 = s0 * audience_share
    s2 = s1 * factors["price_share"]
    s3 = s2 * factors["category_penetration"]
    s4 = s3 * factors["coverage"]
    return {"dau": s0, "audience": s1, "price": s2, "category": s3, "reach": s4}


_STAGES = (
    ("dau", "Mini Program users a day", ("dau_error", "dau_growth")),
    (
        "audience",
        "in the target audience",
        ("female_share", "age_le_share", "age_log_spread", "tier_shares", "tier_split"),
    ),
    ("price", "who spend at least the price", ("spend_le_share", "spend_log_spread")),
    ("category", "who use the category", ()),
    (
        "reach",
        "reachable through the brand's channels",
        ("shared_links_share", "unnamed_points_share", "listed_channel_share", "touchpoint_mix"),
    ),
)


def stage_basis(stage: str, category: str, channels: Sequence[str]) -> str:
    """Return ``sourced`` or ``assumed`` for a funnel stage of a brand.

    DAU, audience and price rest on article figures. The category stage is sourced only
    for games (the one category with a figure), the reach stage only when the brand uses
    nothing but shared links (the one access point with a figure).
    """
    if stage == "category":
        return "sourced" if category == "games" else "assumed"
    if stage == "reach":
        return "sourced" if set(channels) <= {access.SHARED} else "assumed"
    return "sourced"


def stage_provenance(
    ins: Mapping[str, u.Input], category: str, channels: Sequence[str], dau_source: str
) -> tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...]:
    """Return ``(stage, label, basis, sources, assumptions)`` of each funnel stage.

    ``ins`` are the inputs the funnel was drawn from (names an input set lacks are skipped).
    """
    cat_input = categories.input_name(category)
    out = []
    for key, label, names in _STAGES:
        names = names + ((cat_input,) if key == "category" else ())
        used = [ins[n] for n in names if n in ins]
        srcs = (
            (dau_source,)
            if key == "dau"
            else tuple(dict.fromkeys(s for i in used for s in i.sources))
        )
        assumed = tuple(dict.fromkeys(x for i in used for x in i.assumptions))
        if key == "dau" and "dau_growth" in ins:
            assumed += ("dau_cap",)
        if key == "audience":
            assumed += ("trait_independence",)
        if key in ("price", "category", "reach"):
            assumed += ("stage_independence",)
        out.append((key, label, stage_basis(key, category, channels), srcs, assumed))
    return tuple(out)


def _stages(provenance, quantiles: np.ndarray) -> tuple[Stage, ...]:
    return tuple(
        Stage(key, label, float(q[0]), float(q[1]), float(q[2]), "users a day", basis, srcs, used)
        for (key, label, basis, srcs, used), q in zip(provenance, quantiles, strict=True)
    )


def summarise_stages(
    values: dict[str, np.ndarray],
    ins: dict[str, u.Input],
    category: str,
    channels: Sequence[str],
    dau_source: str,
) -> tuple[Stage, ...]:
    """Return each funnel stage's p5 / p50 / p95 (users a day) with its basis and provenance.

    ``values`` are the stage draws of :func:`funnel_stages`; ``ins`` the inputs they were
    drawn from (names an input set lacks are skipped).
    """
    prov = stage_provenance(ins, category, channels, dau_source)
    return _stages(prov, np.array([np.quantile(values[p[0]], QUANTILES) for p in prov]))
