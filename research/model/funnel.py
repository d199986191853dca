"""The market funnel: from Mini Program daily users to the users a brand can reach, a day.

Stages (users a day, p5 / p50 / p95): all daily users -> in the target audience -> who
spend at least the price -> who use the category -> reachable through the brand's
channels. Stages multiply as independent (stated assumption ``stage_independence``).

The funnel is a product of seven independent factors (:data:`FACTORS`), each read from
its own inputs. :func:`estimate_funnel` summarises it three ways (:data:`METHODS`):
``convolution`` (default) samples each factor's inputs from its own small Sobol net and
convolves the factors' log-densities (:func:`research.model.distributions.product_quantiles`);
``qmc`` maps one Sobol sequence over all inputs jointly; ``mc`` is plain seeded Monte
Carlo, the checked fallback. What does not depend on the draws (the inputs, anchors and
provenance) is built once per evidence, assumptions, target and date (:func:`funnel_plan`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions, resolve
from research.data.evidence import (
    Evidence,
    Observation,
    find_conflicts,
    find_stale_repeats,
    latest_value,
    load_evidence,
    observations_for,
)
from research.errors import InputError
from research.model import access, audience, categories, spend
from research.model import distributions as u

DAYS_PER_YEAR = 365.25
METHODS = ("convolution", "qmc", "mc")
QUANTILES = (0.05, 0.5, 0.95)
#: The funnel's factors, in the order they multiply (users a day, then shares 0-1).
FACTORS = (
    "dau",
    "gender_share",
    "age_share",
    "tier_share",
    "price_share",
    "category_penetration",
    "coverage",
)
#: Each stage and the last factor in its product.
STAGE_ENDS = {
    "dau": "dau",
    "audience": "tier_share",
    "price": "price_share",
    "category": "category_penetration",
    "reach": "coverage",
}


@dataclass(frozen=True)
class Target:
    """Who and what a brand targets: audience, price (RMB a month), category, channels."""

    gender: str = "any"
    age_min: int = 0
    age_max: int = 100
    city_tiers: tuple[int, ...] = audience.TIERS
    price_rmb: float = 0.0
    category: str = "e-commerce"
    channels: tuple[str, ...] = ("shared_links",)

    def __post_init__(self) -> None:
        audience.check_audience(self.gender, self.age_min, self.age_max, self.city_tiers)
        spend.check_price(self.price_rmb)
        categories.check_category(self.category)
        if isinstance(self.channels, str):
            raise InputError(f"channels: '{self.channels}' must be a list of touch-point ids")


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


@dataclass(frozen=True)
class Funnel:
    """The funnel of one target: its stages, the DAU figure it starts from, and its draws.

    ``inputs`` are every input of the funnel; ``draws`` the draws of those the factors
    read (all of them for ``qmc``); ``factors`` the draws of each of :data:`FACTORS`, so
    ``funnel_stages(factors)`` gives per-draw stages. With ``convolution`` they are the
    per-factor draws, shuffled so that draws paired by index are an independent sample.
    """

    target: Target
    as_of: pd.Timestamp
    dau: Observation
    years_extrapolated: float
    stages: tuple[Stage, ...]
    inputs: dict = field(repr=False)
    draws: u.Draws = field(repr=False)
    factors: dict = field(repr=False)

    def table(self) -> pd.DataFrame:
        """Return the stages as a table (users a day; millions in columns ending ``_musers``)."""
        rows = [
            {
                "stage": s.label,
                "p5_musers": s.p5 / 1e6,
                "p50_musers": s.p50 / 1e6,
                "p95_musers": s.p95 / 1e6,
                "basis": s.basis,
            }
            for s in self.stages
        ]
        return pd.DataFrame(rows)

    def sources(self) -> tuple[str, ...]:
        """Return the source ids behind the funnel, in order of first use."""
        return tuple(dict.fromkeys(x for s in self.stages for x in s.sources))

    def assumptions(self) -> tuple[str, ...]:
        """Return the names of the assumptions the funnel used."""
        return tuple(dict.fromkeys(x for s in self.stages for x in s.assumptions))


def dau_anchor(
    ev: Evidence, as_of: str | pd.Timestamp | None = None
) -> tuple[Observation, pd.Timestamp, float]:
    """Return the DAU figure to start from, the as-of date used, and years extrapolated.

    The figure is the latest non-stale one dated on or before ``as_of`` (default: the
    latest figure's own date, so nothing is extrapolated).
    """
    if as_of is None:
        obs = latest_value(ev, "mini_program_dau")
        return obs, obs.as_of, 0.0
    when = pd.Timestamp(as_of)
    obs = latest_value(ev, "mini_program_dau", as_of=when)
    return obs, when, max(0.0, (when - obs.as_of).days / DAYS_PER_YEAR)


def inputs(
    ev: Evidence, a: Assumptions, target: Target, as_of: str | pd.Timestamp | None = None
) -> dict[str, u.Input]:
    """Return every uncertain input of the funnel for ``target``, keyed by name."""
    out = dau_inputs(ev, a, as_of)
    out |= audience.inputs(ev, a)
    out |= spend.inputs(ev, a)
    cat = categories.input_name(target.category)
    out |= {k: v for k, v in categories.inputs(ev, a).items() if k == cat}
    out |= access.inputs(ev, a, target.channels)
    return out


def dau_inputs(
    ev: Evidence, a: Assumptions, as_of: str | pd.Timestamp | None = None
) -> dict[str, u.Input]:
    """Return the DAU inputs: the quoted figure's error, and growth when extrapolating."""
    dau, _, years = dau_anchor(ev, as_of)
    out = {
        "dau_error": u.Input(
            "dau_error",
            "Error of the quoted DAU (multiple)",
            a.node("dau_figure_error"),
            "assumed",
            (dau.source_id,),
            ("dau_figure_error",),
            "multiple",
        )
    }
    if years > 0:
        out["dau_growth"] = u.Input(
            "dau_growth",
            "DAU growth a year after the last figure",
            a.node("dau_growth_after_last_figure"),
            "assumed",
            (),
            ("dau_growth_after_last_figure",),
            "growth a year",
        )
    return out


def dau_cap_musers(ev: Evidence) -> float:
    """Return the most WeChat users any source gives (millions): Mini Program DAU can't exceed it.

    See the statement ``dau_cap`` in ``assumptions.yaml``.
    """
    obs = ev.observations
    return float(obs.loc[obs["metric"].isin(["wechat_mau", "wechat_users"]), "value"].max())


def dau_users(
    draws: u.Draws, dau: Observation, years: float, cap_musers: float = np.inf
) -> np.ndarray:
    """Return draws of Mini Program daily active users (users a day), at most ``cap_musers``."""
    growth = (1.0 + draws["dau_growth"]) ** years if years > 0 else 1.0
    return np.minimum(dau.value * draws["dau_error"] * growth, cap_musers) * 1e6


@functools.lru_cache(maxsize=32)
def _anchors(ev: Evidence) -> tuple[float, float, float]:
    """Return (age cut in years, spend threshold in RMB, DAU cap in millions) of ``ev``."""
    return audience.age_anchor(ev)[1], spend.spend_anchor(ev)[1], dau_cap_musers(ev)


def _is_one(name: str, target: Target) -> bool:
    """Return whether factor ``name`` is exactly one for ``target``."""
    if name == "gender_share":
        return target.gender == "any"
    if name == "tier_share":
        return set(target.city_tiers) == set(audience.TIERS)
    return name == "price_share" and target.price_rmb == 0


def factor_inputs(target: Target, years: float) -> dict[str, tuple[str, ...]]:
    """Return the names of the inputs each factor of :data:`FACTORS` reads.

    A factor that is exactly one for ``target`` (gender ``any``, every city tier, a price
    of 0 RMB) reads nothing and is not sampled.
    """
    reads = {
        "dau": ("dau_error", "dau_growth") if years > 0 else ("dau_error",),
        "gender_share": ("female_share",),
        "age_share": ("age_le_share", "age_log_spread"),
        "tier_share": ("tier_shares", "tier_split"),
        "price_share": ("spend_le_share", "spend_log_spread"),
        "category_penetration": (categories.input_name(target.category),),
        "coverage": ("shared_links_share", "unnamed_points_share", "listed_channel_share"),
    }
    return {f: () if _is_one(f, target) else names for f, names in reads.items()}


def factor_values(
    name: str,
    v: Mapping[str, np.ndarray] | u.Draws,
    target: Target,
    ev: Evidence,
    dau: Observation,
    years: float,
    n: int,
) -> np.ndarray:
    """Return ``n`` draws of factor ``name`` (users a day for ``dau``, else a share 0-1).

    ``v`` maps the names of :func:`factor_inputs` to their draws.
    """
    t = target
    if _is_one(name, t):
        return np.ones(n)
    cut, threshold, cap = _anchors(ev)
    if name == "dau":
        return dau_users(v, dau, years, cap)
    if name == "gender_share":
        return audience.gender_share(v["female_share"], t.gender)
    if name == "age_share":
        return audience.age_share(v["age_le_share"], v["age_log_spread"], t.age_min, t.age_max, cut)
    if name == "tier_share":
        w = audience.tier_weights(t.city_tiers)
        return audience.tier_share(v["tier_shares"], v["tier_split"], w)
    if name == "price_share":
        return spend.share_at_least(
            t.price_rmb, v["spend_le_share"], v["spend_log_spread"], threshold
        )
    if name == "category_penetration":
        return categories.penetration(v, t.category)
    if name == "coverage":
        return access.coverage(v, t.channels)
    raise InputError(f"name: '{name}' is not a funnel factor (allowed: {', '.join(FACTORS)})")


def compute_factors(
    draws: u.Draws, target: Target, ev: Evidence, dau: Observation, years: float
) -> dict[str, np.ndarray]:
    """Return the per-draw factors of the funnel (shares 0-1, DAU in users a day)."""
    return {f: factor_values(f, draws, target, ev, dau, years, draws.n) for f in FACTORS}


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


@dataclass(frozen=True, eq=False)
class Plan:
    """What a funnel needs besides its draws, for one target and date (see :func:`funnel_plan`)."""

    target: Target
    inputs: Mapping[str, u.Input] = field(repr=False)  # read-only, see inputs
    dau: Observation
    as_of: pd.Timestamp
    years: float
    reads: Mapping[str, tuple[str, ...]] = field(repr=False)  # see factor_inputs
    provenance: tuple = field(repr=False)  # see stage_provenance


def funnel_plan(
    ev: Evidence, a: Assumptions, target: Target, as_of: str | pd.Timestamp | None = None
) -> Plan:
    """Return the inputs, DAU anchor, factor inputs and stage provenance of ``target``.

    Cached per evidence and assumptions object (both hash by identity and are not
    changed after loading), target and date, so repeated funnels skip the tables.
    """
    if not isinstance(target.city_tiers, tuple) or not isinstance(target.channels, tuple):
        target = make_target(**vars(target))  # lists become tuples, so it can key the cache
    return _plan(ev, a, target, None if as_of is None else pd.Timestamp(as_of))


@functools.lru_cache(maxsize=64)
def _plan(ev: Evidence, a: Assumptions, target: Target, as_of: pd.Timestamp | None) -> Plan:
    ins = inputs(ev, a, target, as_of)
    dau, when, years = dau_anchor(ev, as_of)
    prov = stage_provenance(ins, target.category, target.channels, dau.source_id)
    reads = factor_inputs(target, years)
    return Plan(target, MappingProxyType(ins), dau, when, years, MappingProxyType(reads), prov)


@functools.lru_cache(maxsize=64)
def _factor_groups(plan: Plan) -> tuple[dict[str, u.Node], ...]:
    """Return each factor's inputs as one-uniform nodes where tables allow (cached)."""
    return tuple({k: u.marginal(plan.inputs[k].node) for k in plan.reads[f]} for f in FACTORS)


def estimate_funnel(
    target: Target,
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    as_of: str | pd.Timestamp | None = None,
    draws: int = 4096,
    seed: int = 0,
    method: str = "convolution",
) -> Funnel:
    """Return the market funnel of ``target``: users a day at each stage, p5 / p50 / p95.

    ``as_of`` picks the DAU figure (latest non-stale on or before it) and extrapolates
    with the assumed growth; the default is the latest figure's own date. ``method`` is
    one of :data:`METHODS`:

    * ``convolution`` (default): ``draws`` draws per factor, each factor's inputs from its
      own Sobol net; stage quantiles from the FFT convolution of the factors' log-densities,
      made non-increasing along the funnel (as they are exactly: every factor after DAU is
      a share of at most one) to remove binning noise. ``draws`` and ``factors`` hold the
      per-factor draws, shuffled so that draws paired by index are an independent sample.
    * ``qmc``: ``draws`` joint draws of every input from one Sobol sequence.
    * ``mc``: ``draws`` plain seeded Monte Carlo draws of the inputs the factors read.

    The same seed gives the same funnel, for each method.
    """
    if method not in METHODS:
        raise InputError(f"method: '{method}' is not allowed (allowed: {', '.join(METHODS)})")
    ev, a = resolve(ev, a)
    plan = funnel_plan(ev, a, target, as_of)
    rng = np.random.default_rng(seed)
    if method == "convolution":
        drawn = u.draw_groups(_factor_groups(plan), draws, rng)
        n = int(draws)
        factors = {
            f: factor_values(f, g, target, ev, plan.dau, plan.years, n)
            for f, g in zip(FACTORS, drawn, strict=True)
        }
        d = u.Draws({k: x for g in drawn for k, x in g.items()}, n, method)
        stops = [FACTORS.index(STAGE_ENDS[p[0]]) for p in plan.provenance]
        q = u.product_quantiles([factors[f] for f in FACTORS], QUANTILES, stops)
        q = np.minimum.accumulate(q, axis=0)
    else:
        nodes = {k: i.node for k, i in plan.inputs.items()}
        if method == "mc":  # only what the factors read
            read = {k for f in FACTORS for k in plan.reads[f]}
            nodes = {k: node for k, node in nodes.items() if k in read}
        d = u.draw(nodes, draws, rng, method)
        factors = compute_factors(d, target, ev, plan.dau, plan.years)
        values = funnel_stages(factors)
        q = np.array([np.quantile(values[p[0]], QUANTILES) for p in plan.provenance])
    stages = _stages(plan.provenance, q)
    return Funnel(target, plan.as_of, plan.dau, plan.years, stages, dict(plan.inputs), d, factors)


def dau_timeline(ev: Evidence | None = None) -> pd.DataFrame:
    """Return every dated DAU and program-count figure with its flags.

    Columns: metric, as_of, value, unit, source_id, obs_id, is_stale_repeat,
    is_in_conflict.
    """
    ev = ev or load_evidence()
    stale = set(find_stale_repeats(ev)["obs_id"])
    conflicts = find_conflicts(ev)
    in_conflict = set(conflicts["obs_id_a"]) | set(conflicts["obs_id_b"])
    frames = []
    for metric in ("mini_program_dau", "mini_program_count"):
        rows = observations_for(ev, metric)
        frames.append(
            rows.assign(
                is_stale_repeat=rows["obs_id"].isin(stale),
                is_in_conflict=rows["obs_id"].isin(in_conflict),
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out[
        [
            "metric",
            "as_of",
            "value",
            "unit",
            "source_id",
            "obs_id",
            "is_stale_repeat",
            "is_in_conflict",
        ]
    ]


def make_target(
    gender: str = "any",
    age_min: int = 0,
    age_max: int = 100,
    city_tiers: Sequence[int] = audience.TIERS,
    price_rmb: float = 0.0,
    category: str = "e-commerce",
    channels: Sequence[str] = ("shared_links",),
) -> Target:
    """Return a validated :class:`Target` (lists become tuples)."""
    if not isinstance(channels, str):  # a string stays one, so Target rejects it by name
        channels = tuple(channels)
    return Target(gender, age_min, age_max, tuple(city_tiers), price_rmb, category, channels)
