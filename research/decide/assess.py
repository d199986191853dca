"""Go / no-go: a brand profile in, a verdict with its probability, reasons and sensitivity out.

Six criteria, each a score in [0, 1] on every uncertainty draw:

* audience_fit - target share of users / ``audience_full_marks_share`` (capped at 1);
* price_fit - share of users spending at least the brand's price a month;
* category_fit - the category's penetration / games' (games are the most popular);
* channel_coverage - share of arrivals the brand's channels cover / ``coverage_full_marks_share``;
* feasibility - 10 MB package limit / the brand's package size (capped at 1);
* objective_fit - how well the articles say Mini Programs serve the objective (assumed).

A draw is GO when the weighted score (weights by objective, ``policy.weights``) reaches
``policy.bar``; ``p_go`` is the share of GO draws, and the verdict is GO, CONDITIONAL or
NO-GO by ``policy.verdict``. All brands share one set of draws (common random numbers),
and the engine is vectorised over brands x draws, so a portfolio is scored in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.data.assumptions import CRITERIA, OBJECTIVES, Assumptions, resolve
from research.data.evidence import Evidence, Observation, cite, latest_value
from research.data.profiles import BrandProfile, profile_to_dict
from research.model import access, audience, categories, spend
from research.model import distributions as u
from research.model import funnel as market

VERDICTS = ("GO", "CONDITIONAL", "NO-GO")
DEFAULT_DRAWS = 4096
DEFAULT_SEED = 20190911
LABELS = {
    "audience_fit": "Audience fit",
    "price_fit": "Price fit",
    "category_fit": "Category fit",
    "channel_coverage": "Channel coverage",
    "feasibility": "Feasibility ({limit:g} MB limit)",
    "objective_fit": "Objective fit",
}
_OBJECTIVE_WHY = {
    "sales": "closed-loop checkout and impulse buying work ({new_618:g}M new users during the "
    "618 festival), for small purchases",
    "engagement": "games and gamification engage most ({opens:g} opens and {minutes:g} minutes "
    "a day)",
    "loyalty": "luxury brands run membership and loyalty programmes in Mini Programs",
    "service": "Mini Programs are interactive, suiting personalised customer service",
}


# --------------------------------------------------------------------------- inputs


def platform_inputs(ev: Evidence, a: Assumptions, as_of=None) -> dict[str, u.Input]:
    """Return every uncertain input the decision uses, shared by all brands."""
    out = market.dau_inputs(ev, a, as_of)
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


@dataclass(frozen=True)
class Portfolio:
    """Brands as arrays (one row per brand), ready for the vectorised scoring."""

    profiles: tuple[BrandProfile, ...]
    gender: np.ndarray  # 0 female, 1 male, 2 any
    age_min: np.ndarray
    age_max: np.ndarray
    tiers: np.ndarray  # (B, 5) 0/1
    price: np.ndarray  # RMB a month
    category: np.ndarray  # index into categories.CATEGORIES
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
        access.check_channels(ev, p.channels)
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
        category=np.array([categories.CATEGORIES.index(p.category) for p in profiles]),
        objective=np.array([OBJECTIVES.index(p.objective) for p in profiles]),
        has_shared=np.array([1.0 if access.SHARED in p.channels else 0.0 for p in profiles]),
        channels=chan,
        package_mb=np.array(
            [np.nan if p.package_size_mb is None else p.package_size_mb for p in profiles], float
        ),
    )


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Context:
    """What scoring needs besides the draws: figures from the data and the policy.

    Shares are 0-1; ``age_cut`` is in exact years, prices in RMB, the limit in MB. The
    figures are read from ``datasets/`` so that reasons and titles never type a number.
    """

    ev: Evidence
    a: Assumptions
    dau: Observation
    years: float
    as_of: pd.Timestamp
    age_cut: float
    age_le_share: float
    female_share: float
    spend_threshold: float
    spend_le_share: float
    caution_price: float
    package_limit_mb: float
    shared_links_share: float
    games_opens: float
    games_minutes: float
    new_users_618: float
    fact_sources: dict


def make_context(ev: Evidence, a: Assumptions, as_of=None) -> Context:
    """Return the scoring context: the DAU anchor and the article figures the reasons quote."""
    dau, when, years = market.dau_anchor(ev, as_of)
    age_le, cut, age_src = audience.age_anchor(ev)
    spend_le, threshold, spend_src = spend.spend_anchor(ev)
    female = latest_value(ev, "user_gender_share", "female")
    shared = latest_value(ev, "access_share", access.SHARED)
    limit = latest_value(ev, "package_size_limit")
    caution = latest_value(ev, "price_caution_threshold")
    new_618 = latest_value(ev, "festival_618_new_users")
    games = categories.games_engagement(ev)
    return Context(
        ev=ev,
        a=a,
        dau=dau,
        years=years,
        as_of=when,
        age_cut=cut,
        age_le_share=age_le,
        female_share=female.value / 100,
        spend_threshold=threshold,
        spend_le_share=spend_le,
        caution_price=caution.value,
        package_limit_mb=limit.value,
        shared_links_share=shared.value / 100,
        games_opens=games["games_daily_opens"][0],
        games_minutes=games["games_daily_minutes"][0],
        new_users_618=new_618.value,
        fact_sources={
            "audience_fit": (female.source_id, age_src),
            "price_fit": (spend_src, caution.source_id),
            "category_fit": (games["games_daily_opens"][1],),
            "channel_coverage": (shared.source_id,),
            "feasibility": (limit.source_id,),
            "objective_fit": (new_618.source_id, games["games_daily_opens"][1]),
        },
    )


def compute_factors(v: dict, pf: Portfolio, ctx: Context) -> dict[str, np.ndarray]:
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
    pens = np.stack([v[categories.input_name(c)] for c in categories.CATEGORIES])  # (4, n)
    fits = np.stack([v[f"objective_fit_{o}"] for o in OBJECTIVES])  # (4, n)
    rest = np.clip(1 - v["shared_links_share"] - v["unnamed_points_share"], 0, 1)
    f = {
        "gender_share": gender,
        "age_share": audience.age_share(
            v["age_le_share"][None, :],
            v["age_log_spread"][None, :],
            col(pf.age_min),
            col(pf.age_max),
            ctx.age_cut,
        ),
        "tier_share": pf.tiers @ per_tier.T,
        "price_share": spend.share_at_least(
            col(pf.price),
            v["spend_le_share"][None, :],
            v["spend_log_spread"][None, :],
            ctx.spend_threshold,
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
    f["dau"] = np.broadcast_to(
        market.dau_users(v, ctx.dau, ctx.years, market.dau_cap_musers(ctx.ev)), gender.shape
    )
    return f


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


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Criterion:
    """One scorecard line: median score (0-1) with its interval, weight, threshold, reason.

    ``value`` is the median of the quantity scored, in ``value_unit``: the audience's
    share of users, the share spending at least the price, the category's penetration,
    the channels' share of arrivals, the package size (MB) or the objective score.
    """

    name: str
    label: str
    value: float
    value_unit: str
    score: float
    p5: float
    p95: float
    weight: float
    threshold: float
    passed: bool
    reason: str
    sources: tuple[str, ...]
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class Sensitivity:
    """How far the mean weighted score moves when one input swings from its p5 to its p95."""

    input: str
    label: str
    value_low: float
    value_high: float
    low: float
    high: float
    swing: float
    p_go_low: float
    p_go_high: float
    basis: str


@dataclass(frozen=True)
class BreakEven:
    """The value of an input (or of the brand's price) at which the verdict would flip."""

    input: str
    label: str
    current: float
    value: float | None
    flips_to: str | None
    unit: str


@dataclass(frozen=True)
class Assessment:
    """The full answer for one brand."""

    profile: BrandProfile
    verdict: str
    p_go: float
    score: u.Interval
    seed: int
    draws: int
    method: str
    as_of: pd.Timestamp
    criteria: tuple[Criterion, ...]
    funnel: tuple[market.Stage, ...]
    sensitivity: tuple[Sensitivity, ...]
    break_even: tuple[BreakEven, ...]
    reasons: tuple[str, ...]
    assumptions: tuple[dict, ...]
    sources: tuple[dict, ...]
    bar: float
    score_draws: np.ndarray = field(repr=False, compare=False)

    def criterion(self, name: str) -> Criterion:
        """Return the scorecard line of criterion ``name`` (one of :data:`CRITERIA`)."""
        return next(c for c in self.criteria if c.name == name)

    def to_dict(self) -> dict:
        """Return the assessment as a JSON-safe dict (rounded, stable key order)."""
        r = lambda x, d=4: None if x is None else round(float(x), d)  # noqa: E731
        return {
            "brand": self.profile.name,
            "slug": self.profile.slug,
            "verdict": self.verdict,
            "p_go": r(self.p_go),
            "score": {"p5": r(self.score.p5), "p50": r(self.score.p50), "p95": r(self.score.p95)},
            "bar": self.bar,
            "seed": self.seed,
            "draws": self.draws,
            "method": self.method,
            "as_of": self.as_of.strftime("%Y-%m-%d"),
            "profile": profile_to_dict(self.profile),
            "reasons": list(self.reasons),
            "criteria": [
                {
                    "name": c.name,
                    "label": c.label,
                    "value": r(c.value),
                    "value_unit": c.value_unit,
                    "score": r(c.score),
                    "p5": r(c.p5),
                    "p95": r(c.p95),
                    "weight": r(c.weight),
                    "threshold": r(c.threshold),
                    "passed": c.passed,
                    "reason": c.reason,
                    "sources": list(c.sources),
                    "assumptions": list(c.assumptions),
                }
                for c in self.criteria
            ],
            "funnel": [
                {
                    "stage": s.stage,
                    "label": s.label,
                    "p5": round(s.p5),
                    "p50": round(s.p50),
                    "p95": round(s.p95),
                    "unit": s.unit,
                    "basis": s.basis,
                }
                for s in self.funnel
            ],
            "sensitivity": [
                {
                    "input": s.input,
                    "label": s.label,
                    "low": r(s.low),
                    "high": r(s.high),
                    "swing": r(s.swing),
                    "value_low": r(s.value_low, 6),
                    "value_high": r(s.value_high, 6),
                    "p_go_low": r(s.p_go_low),
                    "p_go_high": r(s.p_go_high),
                    "basis": s.basis,
                }
                for s in self.sensitivity
            ],
            "break_even": [
                {
                    "input": b.input,
                    "label": b.label,
                    "current": r(b.current, 6),
                    "value": r(b.value, 6),
                    "flips_to": b.flips_to,
                    "unit": b.unit,
                }
                for b in self.break_even
            ],
            "assumptions": list(self.assumptions),
            "sources": list(self.sources),
        }


# --------------------------------------------------------------------------- engine


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _audience_text(p: BrandProfile) -> str:
    who = {"female": "Women", "male": "Men", "any": "People"}[p.audience.gender]
    tiers = sorted(p.audience.city_tiers)
    tier_text = (
        "all city tiers"
        if tiers == list(audience.TIERS)
        else ("tier " + ", ".join(str(t) for t in tiers) + " cities")
    )
    return f"{who} aged {p.audience.age_min}-{p.audience.age_max} in {tier_text}"


def strip_sources(reason: str) -> str:
    """Return a reason sentence without its bracketed ``[Sources: ...]`` tail."""
    return reason.split(" [")[0]


def _reason(name: str, p: BrandProfile, f: dict, sc: np.ndarray, ctx: Context, cite_: str) -> str:
    """Return the plain-language reason for one criterion, with its numbers and sources."""

    def med(x) -> str:
        return _pct(float(np.median(x)))

    def iv(x) -> str:
        return f"90% interval {_pct(np.quantile(x, 0.05))}-{_pct(np.quantile(x, 0.95))}"

    limit = ctx.package_limit_mb
    if name == "audience_fit":
        text = (
            f"{_audience_text(p)} are {med(f['audience_share'])} of Mini Program users "
            f"({iv(f['audience_share'])}); the core audience the articles name is young women: "
            f"{_pct(ctx.female_share)} of users are female and {_pct(ctx.age_le_share)} are "
            f"{ctx.age_cut - 1:g} or younger"
        )
    elif name == "price_fit":
        text = (
            f"At {p.price_rmb:,.0f} RMB a month, {med(f['price_share'])} of users spend at least "
            f"the price ({iv(f['price_share'])}); {_pct(ctx.spend_le_share)} spend "
            f"{ctx.spend_threshold:,.0f} RMB or less and the articles caution against direct "
            f"sales above {ctx.caution_price:,.0f} RMB"
        )
        if p.objective != "sales":
            text += f"; price weighs little for a {p.objective} objective"
    elif name == "category_fit" and p.category == "games":
        text = (
            f"Games are the most popular category: {med(f['games_penetration'])} of users play, "
            f"{ctx.games_opens:g} times and {ctx.games_minutes:g} minutes a day"
        )
    elif name == "category_fit":
        text = (
            f"{categories.LABELS[p.category]} reaches {med(f['category_penetration'])} of users "
            f"against {med(f['games_penetration'])} for games, the most popular category"
        )
    elif name == "channel_coverage":
        n = len(p.channels)
        text = (
            f"The brand's {n} channel{'s' if n != 1 else ''} cover {med(f['coverage'])} of "
            f"arrivals ({iv(f['coverage'])}); shared links alone bring "
            f"{_pct(ctx.shared_links_share)}"
        )
        if access.SHARED not in p.channels:
            text += ", and the brand does not use them"
    elif name == "feasibility" and p.package_size_mb is None:
        fits = _pct(float(np.mean(f["package_mb"] <= limit)))
        text = (
            f"Package size not stated; a typical brand Mini Program fits the {limit:g} MB limit "
            f"({fits} of draws)"
        )
    elif name == "feasibility" and p.package_size_mb <= limit:
        text = f"A {p.package_size_mb:g} MB package fits the {limit:g} MB limit"
    elif name == "feasibility":
        text = (
            f"A {p.package_size_mb:g} MB package exceeds the {limit:g} MB limit: the features "
            f"must be split over several Mini Programs"
        )
    else:
        why = _OBJECTIVE_WHY[p.objective].format(
            new_618=ctx.new_users_618, opens=ctx.games_opens, minutes=ctx.games_minutes
        )
        text = f"For {p.objective}, {why}"
    return f"{text}. Score {float(np.median(sc)):.2f}. [{cite_}]"


# The factor each criterion scores, and its unit.
_VALUE_OF = {
    "audience_fit": ("audience_share", "share of users"),
    "price_fit": ("price_share", "share of users"),
    "category_fit": ("category_penetration", "share of users"),
    "channel_coverage": ("coverage", "share of arrivals"),
    "feasibility": ("package_mb", "MB"),
    "objective_fit": ("objective_score", "score"),
}

_CRITERION_INPUTS = {
    "audience_fit": (
        "female_share",
        "age_le_share",
        "age_log_spread",
        "tier_shares",
        "tier_split",
        "audience_full_marks_share",
    ),
    "price_fit": ("spend_le_share", "spend_log_spread"),
    "category_fit": (),
    "channel_coverage": (
        "shared_links_share",
        "unnamed_points_share",
        "touchpoint_mix",
        "coverage_full_marks_share",
    ),
    "feasibility": ("package_size_if_unstated",),
    "objective_fit": (),
}

# Inputs swung one at a time; Dirichlet inputs are swung through the brand's derived share.
_SWING_FACTORS = {"tier_shares": "tier_share", "touchpoint_mix": "coverage"}


def _criterion_inputs(name: str, p: BrandProfile) -> tuple[str, ...]:
    if name == "category_fit":
        return tuple(
            dict.fromkeys((categories.input_name(p.category), categories.input_name("games")))
        )
    if name == "objective_fit":
        return (f"objective_fit_{p.objective}",)
    if name == "feasibility" and p.package_size_mb is not None:
        return ()
    return _CRITERION_INPUTS[name]


def _provenance(ins: dict, names: Sequence[str], ev: Evidence, extra_sources=()) -> tuple:
    srcs = tuple(dict.fromkeys([*extra_sources, *(s for n in names for s in ins[n].sources)]))
    assumed = tuple(dict.fromkeys(x for n in names for x in ins[n].assumptions))
    parts = []
    if srcs:
        parts.append("Sources: " + cite(ev, srcs))
    if assumed:
        parts.append("Assumed: " + ", ".join(assumed))
    return srcs, assumed, ". ".join(parts) if parts else "Brand profile"


def _p_go(v: dict, pf: Portfolio, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    f = compute_factors(v, pf, ctx)
    total = total_score(criterion_scores(f, ctx), pf, ctx.a)
    return (total >= ctx.a.policy.bar).mean(axis=1), total.mean(axis=1)


def _swing_values(v: dict, f: dict) -> dict[str, tuple[np.ndarray, str]]:
    """Return, per swingable input, its draws (1-D) and the key it overrides."""
    out = {}
    for name, x in v.items():
        if name in _SWING_FACTORS:
            key = _SWING_FACTORS[name]
            out[name] = (np.asarray(f[key])[0], key)
        elif np.ndim(x) == 1:
            out[name] = (x, name)
    return out


def _sensitivity(v: dict, pf: Portfolio, ctx: Context, ins: dict, p: BrandProfile) -> list:
    f = compute_factors(v, pf, ctx)
    rows = []
    for name, (x, key) in _swing_values(v, f).items():
        if name.startswith("objective_fit_") and name != f"objective_fit_{p.objective}":
            continue
        if name.startswith("penetration_") and name not in _criterion_inputs("category_fit", p):
            continue
        if name == "package_size_if_unstated" and p.package_size_mb is not None:
            continue
        if name == "dau_growth" and ctx.years <= 0:
            continue
        lo_v, hi_v = np.quantile(x, [0.05, 0.95])
        res = []
        for val in (lo_v, hi_v):
            pg, mean = _p_go({**v, key: np.full(len(x), val)}, pf, ctx)
            res.append((float(pg[0]), float(mean[0])))
        rows.append(
            Sensitivity(
                name,
                ins[name].label,
                float(lo_v),
                float(hi_v),
                res[0][1],
                res[1][1],
                abs(res[1][1] - res[0][1]),
                res[0][0],
                res[1][0],
                ins[name].basis,
            )
        )
    rows.sort(key=lambda s: (-round(s.swing, 12), s.input))
    return rows


def _flip_target(verdict: str, a: Assumptions) -> list[tuple[float, str]]:
    """Return the p_go boundaries whose crossing changes ``verdict``, nearest first."""
    if verdict == "GO":
        return [(a.policy.go_at_least, "CONDITIONAL")]
    if verdict == "NO-GO":
        return [(a.policy.no_go_below, "CONDITIONAL")]
    return [(a.policy.go_at_least, "GO"), (a.policy.no_go_below, "NO-GO")]


def _find_crossing(fn, grid: np.ndarray, boundary: float, above: bool) -> float | None:
    """Return the first grid value (refined by bisection) where fn crosses ``boundary``."""
    vals = np.array([fn(g) for g in grid])
    hit = (vals >= boundary) if above else (vals < boundary)
    idx = np.flatnonzero(hit)
    if not len(idx):
        return None
    i = int(idx[0])
    if i == 0:
        return float(grid[0])
    lo, hi = grid[i - 1], grid[i]
    for _ in range(20):
        mid = (lo + hi) / 2
        ok = fn(mid) >= boundary if above else fn(mid) < boundary
        lo, hi = (lo, mid) if ok else (mid, hi)
    return float(hi)


def _break_even(v, pf, ctx, verdict, p_go, sens, p: BrandProfile, ins) -> list[BreakEven]:
    out = []
    f = compute_factors(v, pf, ctx)
    swing = _swing_values(v, f)
    targets = _flip_target(verdict, ctx.a)

    def flip(fn, grid, cur, name, label, unit):
        best = None
        for boundary, to in targets:
            above = boundary > p_go
            grid_sorted = grid if (fn(grid[-1]) - fn(grid[0]) >= 0) == above else grid[::-1]
            val = _find_crossing(fn, grid_sorted, boundary, above)
            if val is not None and (best is None or abs(val - cur) < abs(best[0] - cur)):
                best = (val, to)
        out.append(
            BreakEven(
                name,
                label,
                cur,
                None if best is None else best[0],
                None if best is None else best[1],
                unit,
            )
        )

    for s in [s for s in sens if s.swing > 0][:3]:
        x, key = swing[s.input]
        lo, hi = np.quantile(x, [0.001, 0.999])
        grid = np.linspace(lo, hi, 25)
        n_draws = len(x)

        def fn(val: float, key: str = key, n: int = n_draws) -> float:
            return float(_p_go({**v, key: np.full(n, val)}, pf, ctx)[0][0])

        flip(fn, grid, float(np.median(x)), s.input, s.label, ins[s.input].unit)
    # The brand's own lever: its price.
    grid = np.concatenate([[0.0], np.geomspace(1, 1e5, 40)])

    def price_fn(val: float) -> float:
        pf2 = Portfolio(**{**pf.__dict__, "price": np.array([val])})
        return float(_p_go(v, pf2, ctx)[0][0])

    flip(price_fn, grid, p.price_rmb, "price_rmb", "The brand's price (RMB a month)", "RMB")
    return out


def _assumption_rows(a: Assumptions, used: Sequence[str]) -> tuple[dict, ...]:
    rows = list(a.describe(used))
    pol = a.policy
    rows.append(
        {
            "name": "policy.bar",
            "range": f"{pol.bar:g}",
            "unit": "score",
            "dist": "policy",
            "rationale": "A draw is GO when the weighted score reaches this",
        }
    )
    rows.append(
        {
            "name": "policy.verdict",
            "range": f"GO if p_go >= {pol.go_at_least:g}; NO-GO if p_go < {pol.no_go_below:g}",
            "unit": "probability",
            "dist": "policy",
            "rationale": "Verdict cut-offs on the probability of clearing the bar",
        }
    )
    return tuple(rows)


def _draw_platform(ev: Evidence, a: Assumptions, as_of, draws: int, seed: int, method: str):
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


def assess_many(
    profiles: Sequence[BrandProfile],
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    method: str = "qmc",
    as_of=None,
    chunk: int = 512,
) -> pd.DataFrame:
    """Return p_go, verdict and median criterion scores for many brands, vectorised.

    All brands share the same draws. Columns: slug, name, category, objective, price_rmb,
    p_go, verdict, score_p50 and one ``<criterion>`` column (median score) each.
    """
    ev, a = resolve(ev, a)
    ctx = make_context(ev, a, as_of)
    ins, v = _draw_platform(ev, a, as_of, draws, seed, method)
    frames = []
    for start in range(0, len(profiles), chunk):
        part = profiles[start : start + chunk]
        pf = make_portfolio(part, ev, a)
        sc = criterion_scores(compute_factors(v, pf, ctx), ctx)
        total = total_score(sc, pf, a)
        p_go = (total >= a.policy.bar).mean(axis=1)
        med = np.median(sc, axis=2)
        frame = pd.DataFrame(
            {
                "slug": [p.slug for p in part],
                "name": [p.name for p in part],
                "category": [p.category for p in part],
                "objective": [p.objective for p in part],
                "price_rmb": pf.price,
                "p_go": p_go,
                "verdict": [verdict_of(float(x), a) for x in p_go],
                "score_p50": np.median(total, axis=1),
            }
        )
        for i, c in enumerate(CRITERIA):
            frame[c] = med[i]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if out.empty:
        return out
    order = out["verdict"].map({v_: i for i, v_ in enumerate(VERDICTS)})
    return (
        out.assign(_o=order)
        .sort_values(["_o", "p_go", "score_p50", "slug"], ascending=[True, False, False, True])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def assess(
    profile: BrandProfile,
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    method: str = "qmc",
) -> Assessment:
    """Return the full :class:`Assessment` of one brand: verdict, p_go, reasons, sensitivity."""
    ev, a = resolve(ev, a)
    as_of = profile.as_of
    ctx = make_context(ev, a, as_of)
    ins, v = _draw_platform(ev, a, as_of, draws, seed, method)
    pf = make_portfolio([profile], ev, a)
    f = compute_factors(v, pf, ctx)
    sc = criterion_scores(f, ctx)
    total = total_score(sc, pf, a)[0]
    p_go = float((total >= a.policy.bar).mean())
    verdict = verdict_of(p_go, a)
    weights = a.policy.weight_vector(profile.objective)
    f1 = {k: np.asarray(x)[0] for k, x in f.items()}
    crits, used = [], []
    for i, name in enumerate(CRITERIA):
        names = _criterion_inputs(name, profile)
        srcs, assumed, cite_ = _provenance(ins, names, ev, ctx.fact_sources[name])
        if name == "audience_fit":
            assumed = (*assumed, "trait_independence")
        used.extend(assumed)
        score = sc[i, 0]
        med = float(np.median(score))
        thr = float(a.policy.thresholds[name])
        crits.append(
            Criterion(
                name,
                LABELS[name].format(limit=ctx.package_limit_mb),
                float(np.median(f1[_VALUE_OF[name][0]])),
                _VALUE_OF[name][1],
                med,
                float(np.quantile(score, 0.05)),
                float(np.quantile(score, 0.95)),
                float(weights[i]),
                thr,
                bool(med >= thr),
                _reason(name, profile, f1, score, ctx, cite_),
                srcs,
                assumed,
            )
        )
    # The funnel, from the same draws as the scores.
    funnel = market.summarise_stages(
        market.funnel_stages(f1), ins, profile.category, profile.channels, ctx.dau.source_id
    )
    used.extend(["dau_figure_error", "stage_independence"])
    if ctx.years > 0:
        used.extend(["dau_growth_after_last_figure", "dau_cap"])
    sens = _sensitivity(v, pf, ctx, ins, profile)
    be = _break_even(v, pf, ctx, verdict, p_go, sens, profile, ins)
    failing = [c for c in crits if not c.passed]
    passing = sorted([c for c in crits if c.passed], key=lambda c: -c.weight * c.score)
    ordered = (
        (sorted(failing, key=lambda c: -c.weight) + passing)
        if verdict != "GO"
        else (passing + sorted(failing, key=lambda c: -c.weight))
    )
    reasons = tuple(c.reason for c in ordered)
    all_sources = tuple(dict.fromkeys([ctx.dau.source_id, *(s for c in crits for s in c.sources)]))
    src_tbl = ev.sources.set_index("source_id")
    sources = tuple(
        {"source_id": s, "citation": str(src_tbl.at[s, "citation"])} for s in all_sources
    )
    return Assessment(
        profile,
        verdict,
        p_go,
        u.summarise(total),
        seed,
        draws,
        method,
        ctx.as_of,
        tuple(crits),
        funnel,
        tuple(sens),
        tuple(be),
        reasons,
        _assumption_rows(a, list(dict.fromkeys(used))),
        sources,
        a.policy.bar,
        total,
    )
