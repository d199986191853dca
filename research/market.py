"""The market funnel: from Mini Program daily users to the users a brand can reach, a day.

Stages (users a day, p5 / p50 / p95): all daily users -> in the target audience -> who
spend at least the price -> who use the category -> reachable through the brand's
channels. Stages multiply as independent (stated assumption ``stage_independence``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research import access, audience, categories, spend
from research import uncertainty as u
from research.assumptions import Assumptions, resolve
from research.errors import InputError
from research.evidence import (
    Evidence,
    Observation,
    find_conflicts,
    find_stale_repeats,
    latest_value,
    load_evidence,
    observations_for,
)

DAYS_PER_YEAR = 365.25


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
    """The funnel of one target: its stages, the DAU figure it starts from, and its draws."""

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


def compute_factors(
    draws: u.Draws, target: Target, ev: Evidence, dau: Observation, years: float
) -> dict[str, np.ndarray]:
    """Return the per-draw factors of the funnel (shares 0-1, DAU in users a day)."""
    _, cut, _ = audience.age_anchor(ev)
    _, threshold, _ = spend.spend_anchor(ev)
    return {
        "dau": dau_users(draws, dau, years, dau_cap_musers(ev)),
        "gender_share": audience.gender_share(draws["female_share"], target.gender),
        "age_share": audience.age_share(
            draws["age_le_share"], draws["age_log_spread"], target.age_min, target.age_max, cut
        ),
        "tier_share": audience.tier_share(
            draws["tier_shares"], draws["tier_split"], audience.tier_weights(target.city_tiers)
        ),
        "price_share": spend.share_at_least(
            target.price_rmb, draws["spend_le_share"], draws["spend_log_spread"], threshold
        ),
        "category_penetration": categories.penetration(draws, target.category),
        "coverage": access.coverage(draws, target.channels),
    }


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
    cat_input = categories.input_name(category)
    stages = []
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
        s = u.summarise(values[key])
        basis = stage_basis(key, category, channels)
        stages.append(Stage(key, label, s.p5, s.p50, s.p95, "users a day", basis, srcs, assumed))
    return tuple(stages)


def estimate_funnel(
    target: Target,
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    as_of: str | pd.Timestamp | None = None,
    draws: int = 4096,
    seed: int = 0,
    method: str = "qmc",
) -> Funnel:
    """Return the market funnel of ``target``: users a day at each stage, p5 / p50 / p95.

    ``as_of`` picks the DAU figure (latest non-stale on or before it) and extrapolates
    with the assumed growth; the default is the latest figure's own date.
    """
    ev, a = resolve(ev, a)
    ins = inputs(ev, a, target, as_of)
    dau, when, years = dau_anchor(ev, as_of)
    d = u.draw_inputs(ins, draws, seed, method)
    factors = compute_factors(d, target, ev, dau, years)
    values = funnel_stages(factors)
    stages = summarise_stages(values, ins, target.category, target.channels, dau.source_id)
    return Funnel(target, when, dau, years, stages, ins, d, factors)


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
