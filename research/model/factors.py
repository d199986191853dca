"""The factors of every brand on every draw: arrays of shape (brands, draws).

One set of draws of the platform's uncertain inputs (:func:`draw_platform`) is shared by
all brands; :func:`compute_factors` turns it, with the brands as arrays
(:class:`Portfolio`), into the shares the funnel multiplies and the criteria score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence, Observation
from research.data.profiles import BrandProfile
from research.model import access, audience, categories, dau, spend
from research.model import distributions as u
from research.vocab import CATEGORIES, OBJECTIVES


@dataclass(frozen=True)
class Anchors:
    """The figures the factors are fitted to: the DAU figure and the date it is read at.

    ``age_cut`` is in exact years (the reported share is of users below it),
    ``spend_threshold`` in RMB a month, ``cap_musers`` in millions of users.
    """

    dau: Observation
    as_of: pd.Timestamp
    years: float
    age_cut: float
    spend_threshold: float
    cap_musers: float


def make_anchors(ev: Evidence, as_of=None) -> Anchors:
    """Return the anchors of ``ev`` for an analysis dated ``as_of`` (None: the latest figure)."""
    obs, when, years = dau.dau_anchor(ev, as_of)
    return Anchors(
        dau=obs,
        as_of=when,
        years=years,
        age_cut=audience.age_anchor(ev)[1],
        spend_threshold=spend.spend_anchor(ev)[1],
        cap_musers=dau.dau_cap_musers(ev),
    )


def platform_inputs(ev: Evidence, a: Assumptions, as_of=None) -> dict[str, u.Input]:
    """Return every uncertain input the decision uses, shared by all brands."""
    out = dau.dau_inputs(ev, a, as_of)
    out |= audience.inputs(ev, a)
    out |= spend.inputs(ev, a)
    out |= categories.inputs(ev, a)
    out |= access.inputs(ev, a)
    for name, label in (
        ("audience_full_marks_share", "Audience share for full marks"),
        ("coverage_full_marks_share", "Coverage for full marks"),
        ("package_size_if_unstated", "Package size if not stated (MB)"),
    ):
        out[name] = u.Input(
            name,
            label,
            a.node(name),
            "assumed",
            (),
            (name,),
            "MB" if "package" in name else "share",
        )
    for obj in OBJECTIVES:
        name = f"objective_fit_{obj}"
        out[name] = u.Input(
            name, f"Objective fit of {obj}", a.node(name), "assumed", (), (name,), "score"
        )
    return out


def draw_platform(ev: Evidence, a: Assumptions, as_of, draws: int, seed: int, method: str):
    """Return the platform inputs for ``as_of`` and their draws (name -> array).

    The inputs the scores use do not depend on ``as_of`` and are drawn first, from the same
    nodes whatever the date, so a brand gets the same score draws (and p_go) alone or in a
    screen; inputs only a later date adds (DAU growth, funnel only) are drawn after them.
    """
    rng = np.random.default_rng(seed)
    base = platform_inputs(ev, a)
    ins = platform_inputs(ev, a, as_of)
    v = dict(u.draw(u.nodes_of(base), draws, rng, method).values)
    extra = {k: i.node for k, i in ins.items() if k not in base}
    if extra:
        v |= u.draw(extra, draws, rng, method).values
    return ins, v


@dataclass(frozen=True)
class Portfolio:
    """Brands as arrays (one row per brand), ready for the vectorised scoring."""

    profiles: tuple[BrandProfile, ...]
    gender: np.ndarray  # 0 female, 1 male, 2 any
    age_min: np.ndarray
    age_max: np.ndarray
    tiers: np.ndarray  # (B, 5) 0/1
    price: np.ndarray  # RMB a month
    category: np.ndarray  # index into CATEGORIES
    objective: np.ndarray  # index into OBJECTIVES
    has_shared: np.ndarray  # (B,) 0/1
    channels: np.ndarray  # (B, K) 0/1 over access.prior_weights index
    package_mb: np.ndarray  # NaN when not stated

    def __len__(self) -> int:
        return len(self.profiles)


def make_portfolio(profiles: Sequence[BrandProfile], ev: Evidence, a: Assumptions) -> Portfolio:
    """Return ``profiles`` as a :class:`Portfolio` of arrays."""
    names = list(access.prior_weights(ev, a).index)
    pos = {n: i for i, n in enumerate(names)}
    chan = np.zeros((len(profiles), len(names)))
    for b, p in enumerate(profiles):
        for c in p.channels:
            if c in pos:
                chan[b, pos[c]] = 1.0
    g = {"female": 0, "male": 1, "any": 2}
    return Portfolio(
        profiles=tuple(profiles),
        gender=np.array([g[p.audience.gender] for p in profiles]),
        age_min=np.array([p.audience.age_min for p in profiles], float),
        age_max=np.array([p.audience.age_max for p in profiles], float),
        tiers=np.array([audience.tier_weights(p.audience.city_tiers) for p in profiles]).reshape(
            -1, 5
        ),
        price=np.array([p.price_rmb for p in profiles], float),
        category=np.array([CATEGORIES.index(p.category) for p in profiles]),
        objective=np.array([OBJECTIVES.index(p.objective) for p in profiles]),
        has_shared=np.array([1.0 if access.SHARED in p.channels else 0.0 for p in profiles]),
        channels=chan,
        package_mb=np.array(
            [np.nan if p.package_size_mb is None else p.package_size_mb for p in profiles], float
        ),
    )


def compute_factors(v: dict, pf: Portfolio, an: Anchors) -> dict[str, np.ndarray]:
    """Return per-brand, per-draw factors, each an array of shape (B, n).

    ``v`` maps input names to draws (as :class:`~research.model.distributions.Draws` values);
    entries named like a factor (e.g. ``"tier_share"``) override that factor, which is
    how the sensitivity analysis swings derived quantities.
    """
    col = lambda x: np.asarray(x, float)[:, None]  # noqa: E731
    female = v["female_share"][None, :]
    gender = np.where(col(pf.gender) == 0, female, np.where(col(pf.gender) == 1, 1 - female, 1.0))
    per_tier = np.column_stack(
        [v["tier_shares"][:, 0], v["tier_shares"][:, [1]] * v["tier_split"], v["tier_shares"][:, 2]]
    )
    pens = np.stack([v[categories.input_name(c)] for c in CATEGORIES])  # (4, n)
    fits = np.stack([v[f"objective_fit_{o}"] for o in OBJECTIVES])  # (4, n)
    rest = np.clip(1 - v["shared_links_share"] - v["unnamed_points_share"], 0, 1)
    f = {
        "gender_share": gender,
        "age_share": audience.age_share(
            v["age_le_share"][None, :],
            v["age_log_spread"][None, :],
            col(pf.age_min),
            col(pf.age_max),
            an.age_cut,
        ),
        "tier_share": pf.tiers @ per_tier.T,
        "price_share": spend.share_at_least(
            col(pf.price),
            v["spend_le_share"][None, :],
            v["spend_log_spread"][None, :],
            an.spend_threshold,
        ),
        "category_penetration": pens[pf.category],
        "games_penetration": np.broadcast_to(
            v[categories.input_name("games")], (len(pf), len(female[0]))
        ),
        "coverage": col(pf.has_shared) * v["shared_links_share"][None, :]
        + rest[None, :] * (pf.channels @ v["touchpoint_mix"].T),
        "package_mb": np.where(
            np.isnan(col(pf.package_mb)), v["package_size_if_unstated"][None, :], col(pf.package_mb)
        ),
        "objective_score": fits[pf.objective],
        "audience_full_marks": np.broadcast_to(v["audience_full_marks_share"], gender.shape),
        "coverage_full_marks": np.broadcast_to(v["coverage_full_marks_share"], gender.shape),
    }
    for key in f:
        if key in v:
            f[key] = np.broadcast_to(v[key], gender.shape)
    f["audience_share"] = f["gender_share"] * f["age_share"] * f["tier_share"]
    f["dau"] = np.broadcast_to(dau.dau_users(v, an.dau, an.years, an.cap_musers), gender.shape)
    return f
