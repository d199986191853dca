"""The market funnel: from Mini Program daily users to the users a brand can reach, a day.

Stages (users a day, p5 / p50 / p95): all daily users -> in the target audience -> who
spend at least the price -> who use the category -> who use the kinds of touch points the
brand is on (its reach: the users it can address; the share of them it wins is the
conversion, an assumption of the decision, not of the funnel). Stages multiply as independent (the statement ``stage_independence``). Each
stage says what its number rests on: ``sourced`` only if every input behind it is an
article figure, ``assumed`` if every one is an assumption, ``mixed`` otherwise.

Every stage is the daily users times shares, and the daily users are the quoted figure
times its lognormal error (``dau_figure_error``), an input drawn independently of all the
others and entering only there. So, given the draws, each stage's CDF is known exactly as
a function of that error, and the quantiles are those of its average over the draws
(conditional Monte Carlo, :mod:`research.model.quantiles`), which is less noisy than the
draws' own quantiles, above all on scrambled Sobol points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from research.model import access, categories, dau
from research.model import distributions as u
from research.model.factors import Anchors
from research.model.quantiles import lognormal_product_quantiles

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
        "who use the kinds of touch points it is on",
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


def _dau_error(ins: Mapping[str, u.Input], values) -> u.LogNormal | None:
    """Return the lognormal error of the daily-user figure if the funnel can integrate it
    (drawn, lognormal and not fixed), else None."""
    node = ins["dau_error"].node if "dau_error" in ins else None
    if values is None or "dau_error" not in values:
        return None
    return node if isinstance(node, u.LogNormal) and node.sigma > 0 else None


def stages(
    factors: Mapping[str, np.ndarray],
    ins: Mapping[str, u.Input],
    profile,
    values: Mapping[str, np.ndarray] | None = None,
    anchors: Anchors | None = None,
) -> tuple[Stage, ...]:
    """Return the funnel of one brand from its factors (1-D draws each) and the inputs.

    Each stage's value is the running product of the steps up to it; its basis, sources
    and assumptions cover every input behind that value. Given the draws ``values`` the
    factors come from and their ``anchors``, the p5 / p50 / p95 integrate the daily-user
    figure's lognormal error exactly (see the module docstring); without them (or with an
    error that is not lognormal) they are the draws' own quantiles.
    """
    aud = profile.audience
    running = np.ones_like(np.asarray(factors["dau"], float))
    shares = np.ones_like(running)  # the running product without the daily users
    used: list[str] = []
    statements: list[str] = []
    rows, products = [], []
    for key, label, factor, rests_on in STEPS:
        running = running * np.asarray(factors[factor], float)
        if factor != "dau":
            shares = shares * np.asarray(factors[factor], float)
        products.append((running, shares))
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
            label = "who can pay (no price gate: the objective is not sales)"
        used += [n for n in names if n in ins]
        statements += list(rests_on)
        behind = [ins[n] for n in dict.fromkeys(used)]
        rows.append((key, label, behind, tuple(statements)))
    error = _dau_error(ins, values)
    if error is not None and anchors is not None:
        before = dau.dau_before_error(values, anchors.dau, anchors.years)
        cap = anchors.cap_musers * 1e6
        q = lognormal_product_quantiles(
            [before * sh for _, sh in products],
            error.mu,
            error.sigma,
            [cap * sh for _, sh in products],
            QUANTILES,
            np.array([np.quantile(run, QUANTILES) for run, _ in products]),
        )
    else:
        q = np.array([np.quantile(run, QUANTILES) for run, _ in products])
    out = []
    for (key, label, behind, statements_), qk in zip(rows, q, strict=True):
        out.append(
            Stage(
                key,
                label,
                float(qk[0]),
                float(qk[1]),
                float(qk[2]),
                "users a day",
                basis_of(behind),
                tuple(dict.fromkeys(s for i in behind for s in i.sources)),
                tuple(dict.fromkeys([*(x for i in behind for x in i.assumptions), *statements_])),
            )
        )
    return tuple(out)
