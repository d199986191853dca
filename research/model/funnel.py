"""The market funnel: from Mini Program daily users to the users a brand can reach, a day.

Stages (users a day, p5 / p50 / p95): all daily users -> in the target audience -> who
spend at least the price -> who use the category -> reachable through the brand's
channels. Stages multiply as independent (the statement ``stage_independence``). Each
stage says what its number rests on: ``sourced`` only if every input behind it is an
article figure, ``assumed`` if every one is an assumption, ``mixed`` otherwise.
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
    """One funnel stage: users a day (p5, p50, p95) and what its number rests on."""

    stage: str
    label: str
    p5: float
    p50: float
    p95: float
    unit: str
    basis: str
    sources: tuple[str, ...]
    assumptions: tuple[str, ...]


#: (key, label, the factor this step multiplies by, the statements it rests on)
STEPS = (
    ("dau", "Mini Program users a day", "dau", ()),
    ("audience", "in the target audience", "audience_share", ("trait_independence",)),
    (
        "price",
        "who spend at least the price",
        "price_share",
        ("stage_independence", "price_applies_to_sales"),
    ),
    ("category", "who use the category", "category_penetration", ("stage_independence",)),
    (
        "reach",
        "reachable through the brand's channels",
        "channel_share",
        ("stage_independence", "touchpoint_independence"),
    ),
)

_STEP_INPUTS = {
    "dau": ("dau_figure", "dau_error", "dau_growth"),
    "audience": ("female_share", "age_le_share", "age_log_spread", "tier_bands", "tier_split"),
    "price": ("spend_le_share", "spend_log_spread"),
}


def step_inputs(
    key: str, category: str, channels: Sequence[str], gender: str, price: float, all_tiers: bool
) -> tuple[str, ...]:
    """Return the names of the inputs step ``key`` reads for a brand.

    A step a brand does not restrict (gender ``any``, every city tier, a price of 0) reads
    nothing for it.
    """
    if key == "category":
        return (categories.input_name(category),)
    if key == "reach":
        return tuple(access.input_name(c) for c in channels)
    names = _STEP_INPUTS[key]
    if key == "audience":
        names = tuple(
            n
            for n in names
            if not (n == "female_share" and gender == "any")
            and not (n in ("tier_bands", "tier_split") and all_tiers)
        )
    if key == "price" and price <= 0:
        return ()
    return names


def basis_of(inputs: Sequence[u.Input]) -> str:
    """Return ``sourced``, ``assumed`` or ``mixed``: what a number computed from ``inputs``
    rests on (an input whose central value is an article figure counts as sourced)."""
    kinds = {i.basis for i in inputs}
    if kinds <= {"sourced"} and kinds:
        return "sourced"
    if kinds <= {"assumed"} and kinds:
        return "assumed"
    return "mixed"


def stages(
    factors: Mapping[str, np.ndarray],
    ins: Mapping[str, u.Input],
    profile,
) -> tuple[Stage, ...]:
    """Return the funnel of one brand from its factors (1-D draws each) and the inputs.

    Each stage's value is the running product of the steps up to it; its basis, sources
    and assumptions cover every input behind that value.
    """
    aud = profile.audience
    running = np.ones_like(np.asarray(factors["dau"], float))
    used: list[str] = []
    statements: list[str] = []
    out = []
    for key, label, factor, rests_on in STEPS:
        running = running * np.asarray(factors[factor], float)
        sells = profile.objective == "sales"
        names = step_inputs(
            key,
            profile.category,
            profile.channels,
            aud.gender,
            profile.price_rmb if sells else 0.0,
            len(aud.city_tiers) == 5,
        )
        if key == "price" and not sells:
            label = "who can pay (no price: the Mini Program does not sell)"
        used += [n for n in names if n in ins]
        statements += list(rests_on)
        behind = [ins[n] for n in dict.fromkeys(used)]
        q = np.quantile(running, QUANTILES)
        out.append(
            Stage(
                key,
                label,
                float(q[0]),
                float(q[1]),
                float(q[2]),
                "users a day",
                basis_of(behind),
                tuple(dict.fromkeys(s for i in behind for s in i.sources)),
                tuple(dict.fromkeys([*(x for i in behind for x in i.assumptions), *statements])),
            )
        )
    return tuple(out)
