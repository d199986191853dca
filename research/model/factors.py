"""The factors of every brand on every draw: arrays of shape (brands, draws).

One set of draws of the platform's uncertain inputs (:func:`draw_platform`) is shared by
all brands (common random numbers); :func:`compute_factors` turns it, with the brands as
arrays (:class:`Brands`), into the shares the funnel multiplies. Units: ``dau`` and
``reach`` in users a day, every other factor a share 0-1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence, Observation
from research.data.profiles import BrandProfile
from research.model import access, audience, categories, dau, spend
from research.model import distributions as u
from research.vocab import CATEGORIES, GENDERS, OBJECTIVES, Objective


@dataclass(frozen=True)
class Anchors:
    """The figures the factors are fitted to, and the date the DAU figure is read at.

    ``age_cut`` is in exact years (the reported share is of users below it),
    ``spend_threshold`` in RMB a month, ``cap_musers`` in millions of users.
    """

    dau: Observation
    as_of: pd.Timestamp
    years: float
    age_cut: float
    spend_threshold: float
    cap_musers: float
    touchpoints: tuple[str, ...]


def make_anchors(ev: Evidence, as_of=None) -> Anchors:
    """Return the anchors of ``ev`` for figures dated ``as_of`` (None: the latest figure)."""
    obs, when, years = dau.dau_anchor(ev, as_of)
    return Anchors(
        dau=obs,
        as_of=when,
        years=years,
        age_cut=audience.age_anchor(ev)[1],
        spend_threshold=spend.spend_anchor(ev)[1],
        cap_musers=dau.dau_cap_musers(ev),
        touchpoints=access.touchpoint_ids(ev),
    )


def platform_inputs(ev: Evidence, a: Assumptions, as_of=None) -> dict[str, u.Input]:
    """Return every uncertain input of the market model, shared by all brands."""
    return (
        dau.inputs(ev, a, as_of)
        | audience.inputs(ev, a)
        | spend.inputs(ev, a)
        | categories.inputs(ev, a)
        | access.inputs(ev, a)
    )


@dataclass(frozen=True)
class Brands:
    """Brands as arrays (one row per brand), the one shape the engine computes on."""

    profiles: tuple[BrandProfile, ...]
    gender: np.ndarray  # index into GENDERS
    age_min: np.ndarray  # years
    age_max: np.ndarray  # years
    tiers: np.ndarray  # (B, 5) 0/1
    price: np.ndarray  # RMB a month
    category: np.ndarray  # index into CATEGORIES
    objective: np.ndarray  # index into OBJECTIVES
    channels: np.ndarray  # (B, K) 0/1 over Anchors.touchpoints
    package_mb: np.ndarray  # MB; NaN when the profile does not state it
    need_low: np.ndarray  # users a day (90% range); NaN when the profile states no need
    need_high: np.ndarray

    def __len__(self) -> int:
        return len(self.profiles)

    def replace(self, **arrays: np.ndarray) -> Brands:
        """Return a copy with some arrays replaced (for what-if variants of the same brands)."""
        return Brands(**{**self.__dict__, **arrays})


def make_brands(profiles: Sequence[BrandProfile], touchpoints: Sequence[str]) -> Brands:
    """Return ``profiles`` as :class:`Brands`; channels are columns in ``touchpoints`` order."""
    pos = {t: i for i, t in enumerate(touchpoints)}
    chan = np.zeros((len(profiles), len(touchpoints)))
    for b, p in enumerate(profiles):
        for c in p.channels:
            chan[b, pos[c]] = 1.0
    return Brands(
        profiles=tuple(profiles),
        gender=np.array([GENDERS.index(p.audience.gender) for p in profiles], int),
        age_min=np.array([p.audience.age_min for p in profiles], float),
        age_max=np.array([p.audience.age_max for p in profiles], float),
        tiers=np.array([audience.tier_indicator(p.audience.city_tiers) for p in profiles]).reshape(
            -1, 5
        ),
        price=np.array([p.price_rmb for p in profiles], float),
        category=np.array([CATEGORIES.index(p.category) for p in profiles], int),
        objective=np.array([OBJECTIVES.index(p.objective) for p in profiles], int),
        channels=chan,
        package_mb=np.array(
            [np.nan if p.package_size_mb is None else p.package_size_mb for p in profiles], float
        ),
        need_low=np.array([p.need_range()[0] for p in profiles], float),
        need_high=np.array([p.need_range()[1] for p in profiles], float),
    )


def draw_platform(
    ins: Mapping[str, u.Input], draws: int, seed: int, method: str = "qmc"
) -> dict[str, np.ndarray]:
    """Return ``draws`` joint draws of ``ins`` from one generator seeded with ``seed``."""
    return dict(u.draw(u.nodes_of(ins), draws, np.random.default_rng(seed), method).values)


#: The factors the funnel multiplies, in order, and the inputs each one reads.
FACTORS = (
    "dau",
    "gender_share",
    "age_share",
    "tier_share",
    "price_share",
    "category_penetration",
    "channel_share",
)


def factor_of(input_name: str) -> str:
    """Return the factor an input feeds (``penetration_*`` and touch-point shares included)."""
    fixed = {
        "dau_figure": "dau",
        "dau_error": "dau",
        "dau_growth": "dau",
        "female_share": "gender_share",
        "age_le_share": "age_share",
        "age_log_spread": "age_share",
        "tier_bands": "tier_share",
        "tier_split": "tier_share",
        "tier_share": "tier_share",
        "spend_le_share": "price_share",
        "spend_log_spread": "price_share",
    }
    if input_name in fixed:
        return fixed[input_name]
    if input_name.startswith("penetration_"):
        return "category_penetration"
    return "channel_share"


def paying_price(br: Brands) -> np.ndarray:
    """Return the price users pay inside each brand's Mini Program (RMB a month): its price
    when it sells (objective ``sales``), else 0 (the statement ``price_applies_to_sales``)."""
    return np.where(br.objective == OBJECTIVES.index(Objective.SALES), br.price, 0.0)


def factor(name: str, x: Mapping[str, np.ndarray], br: Brands, an: Anchors) -> np.ndarray:
    """Return factor ``name`` of every brand on every draw of ``x``, shape (B, n)."""
    col = lambda a: np.asarray(a, float)[:, None]  # noqa: E731
    if name == "dau":
        out = dau.dau_users(x, an.dau, an.years, an.cap_musers)[None, :]
    elif name == "gender_share":
        out = audience.gender_share(np.asarray(x["female_share"]), br.gender)
    elif name == "age_share":
        out = audience.age_share(
            x["age_le_share"], x["age_log_spread"], col(br.age_min), col(br.age_max), an.age_cut
        )
    elif name == "tier_share":
        out = audience.tier_share(x["tier_bands"], x["tier_split"], br.tiers)
    elif name == "price_share":
        out = spend.share_at_least(
            col(paying_price(br)), x["spend_le_share"], x["spend_log_spread"], an.spend_threshold
        )
    elif name == "category_penetration":
        out = categories.penetration_matrix(x)[br.category]
    elif name == "channel_share":
        out = access.channel_reach(access.reach_matrix(x, an.touchpoints), br.channels)
    else:
        raise ValueError(f"factor: '{name}' is not one of {', '.join(FACTORS)}")
    n = len(np.asarray(x["spend_le_share"]))
    return np.broadcast_to(out, (len(br), n))


def factor_alone(name: str, x: Mapping[str, np.ndarray], br: Brands, an: Anchors) -> np.ndarray:
    """Return :func:`factor` of each brand as computed for that brand alone, shape (B, n).

    The factors that are matrix products over tiers or touch points are computed one brand
    at a time (the same product :func:`factor` takes for a single brand, whose last bits can
    differ from a product over many, and which no BLAS threads are started for), with the
    draws' side of the product computed once; the others are elementwise and computed for
    all brands at once.
    """
    if name == "tier_share":
        tiers = audience.per_tier(x["tier_bands"], x["tier_split"]).T
        rows = [audience.tier_share_of(tiers, br.tiers[b : b + 1]) for b in range(len(br))]
    elif name == "channel_share":
        log_miss = access.log_miss(access.reach_matrix(x, an.touchpoints))
        rows = [access.reach_of_log_miss(log_miss, br.channels[b : b + 1]) for b in range(len(br))]
    else:
        return factor(name, x, br, an)
    n = len(np.asarray(x["spend_le_share"]))
    return np.concatenate(rows, axis=0) if rows else np.empty((0, n))


def reach_of(f: Mapping[str, np.ndarray], **replace: np.ndarray) -> np.ndarray:
    """Return reachable users a day, the product of the factors, with some replaced."""
    out = np.ones_like(np.asarray(f["dau"], float))
    for name in FACTORS:
        out = out * np.asarray(replace.get(name, f[name]), float)
    return out


def core_share(x: Mapping[str, np.ndarray], br: Brands, an: Anchors) -> np.ndarray:
    """Return the share of each brand's target inside the articles' core segment, young
    women (female and below the age cut), (B, n), 0-1."""
    col = lambda a: np.asarray(a, float)[:, None]  # noqa: E731
    female = np.asarray(x["female_share"])
    female_in_target = np.where(
        col(br.gender) == 0, 1.0, np.where(col(br.gender) == 1, 0.0, female)
    )
    return female_in_target * audience.core_age_share(
        x["age_le_share"], x["age_log_spread"], col(br.age_min), col(br.age_max), an.age_cut
    )


def compute_factors(
    v: Mapping[str, np.ndarray], br: Brands, an: Anchors, overrides: Mapping | None = None
) -> dict[str, np.ndarray]:
    """Return every factor of every brand on every draw, each of shape (B, n).

    ``v`` maps input names to draws; ``overrides`` replaces some of them (or the derived
    ``tier_share``) by other draws. Adds ``audience_share``, ``reach`` (users a day) and
    ``core_share`` (see :func:`core_share`).
    """
    o = dict(overrides or {})
    x = {**v, **{k: val for k, val in o.items() if k in v}}
    f = {name: factor(name, x, br, an) for name in FACTORS}
    if "tier_share" in o:
        f["tier_share"] = np.broadcast_to(np.asarray(o["tier_share"], float), f["dau"].shape)
    f["audience_share"] = f["gender_share"] * f["age_share"] * f["tier_share"]
    f["reach"] = reach_of(f)
    f["core_share"] = core_share(x, br, an)
    return f
