"""The verdict's probability: does the brand reach the users it needs, and do the gates pass?

The event is S = "reachable users a day x conversion >= the users a day the brand needs,
and every gate passes". Reach R comes from the funnel's draws; the conversion c and the
need N are lognormal and independent of R, so P(S | the draw) is exact:
Phi((log R + mu_c - mu_N) / sqrt(sigma_c^2 + sigma_N^2)). p_go is the mean of that smooth
function over the draws (conditional Monte Carlo, which scrambled Sobol points integrate
far better than a 0/1 indicator), times the probability that the gates pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import special

from research.decide.context import Context, LogNormalParams
from research.decide.gates import GateArrays, gate_arrays
from research.formats import whole_percent
from research.model.factors import (
    FACTORS,
    Brands,
    compute_factors,
    factor,
    factor_alone,
    paying_price,
    reach_of,
)
from research.model.quantiles import bisect_crossing

#: The event p_go is the probability of, as a sentence (the need filled in per brand).
EVENT = (
    "the brand's Mini Program wins at least the {need} daily users it needs (the users "
    "it can reach a day times the share of them it converts), and every gate passes"
)


@dataclass(frozen=True)
class Needs:
    """The users a day each brand needs: log-normal parameters per brand, shape (B,)."""

    mu: np.ndarray
    sigma: np.ndarray
    is_stated: np.ndarray


def needs_of(br: Brands, ctx: Context) -> Needs:
    """Return each brand's need: stated in its profile (a value or a 90% range), else the
    default for its objective from ``assumptions.yaml``."""
    from research.model.distributions import Z95
    from research.vocab import OBJECTIVES

    low, high = np.asarray(br.need_low, float), np.asarray(br.need_high, float)
    stated = ~np.isnan(low)
    default_mu = np.array([ctx.needs[OBJECTIVES[o]].mu for o in br.objective])
    default_sigma = np.array([ctx.needs[OBJECTIVES[o]].sigma for o in br.objective])
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = np.where(stated, (np.log(low) + np.log(high)) / 2, default_mu)
        sigma = np.where(stated, (np.log(high) - np.log(low)) / (2 * Z95), default_sigma)
    return Needs(mu, sigma, stated)


def success(
    reach: np.ndarray, needs: Needs, conversion: LogNormalParams, conv_log: float | None = None
) -> np.ndarray:
    """Return P(reach x conversion >= need | the draw), shape (B, n).

    ``conv_log`` fixes the conversion's log at a value (its sigma then drops out).
    """
    mu_c = conversion.mu if conv_log is None else conv_log
    sd_c = conversion.sigma if conv_log is None else 0.0
    scale = np.sqrt(sd_c**2 + needs.sigma**2)[:, None]
    with np.errstate(divide="ignore"):
        margin = np.log(reach) + mu_c - needs.mu[:, None]
    if (scale > 0).all() and np.isfinite(margin).all():
        return special.ndtr(margin / scale)  # the general case below, without its branches
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(scale > 0, margin / np.where(scale > 0, scale, 1.0), np.sign(margin) * np.inf)
    return np.where(np.isfinite(margin) | (margin > 0), special.ndtr(z), 0.0)


@dataclass(frozen=True)
class Evaluation:
    """One pass of the engine over brands x draws."""

    factors: dict[str, np.ndarray]
    gates: GateArrays
    needs: Needs
    success: np.ndarray  # (B, n) P(reach clears the need | draw)
    p_reach: np.ndarray  # (B,) P(reach clears the need)
    p_go: np.ndarray  # (B,) P(reach clears the need and every gate passes)


def evaluate(
    v: Mapping[str, np.ndarray], br: Brands, ctx: Context, overrides: Mapping | None = None
) -> Evaluation:
    """Return the engine's pass over ``br`` on draws ``v`` (see the module docstring)."""
    f = compute_factors(v, br, ctx.anchors, overrides)
    gates = gate_arrays(br, ctx)
    needs = needs_of(br, ctx)
    s = success(f["reach"], needs, ctx.conversion)
    p_reach = s.mean(axis=1)
    return Evaluation(f, gates, needs, s, p_reach, p_reach * gates.hard)


def evaluate_reach(v: Mapping[str, np.ndarray], br: Brands, ctx: Context) -> Evaluation:
    """Return :func:`evaluate` without the factors derived for the criteria (the audience
    share and the core share): the factors the reach multiplies, the reach, the gates and
    the probabilities, the same numbers. The base of :func:`variant_p_reach`."""
    f = {name: factor(name, v, br, ctx.anchors) for name in FACTORS}
    f["reach"] = reach_of(f)
    gates = gate_arrays(br, ctx)
    needs = needs_of(br, ctx)
    s = success(f["reach"], needs, ctx.conversion)
    p_reach = s.mean(axis=1)
    return Evaluation(f, gates, needs, s, p_reach, p_reach * gates.hard)


def _reads(br: Brands) -> dict[str, np.ndarray]:
    """Return what each factor reads of each brand, one row per brand (see :func:`factor`)."""
    col = lambda a: np.asarray(a, float).reshape(len(br), -1)  # noqa: E731
    return {
        "dau": np.zeros((len(br), 0)),
        "gender_share": col(br.gender),
        "age_share": np.column_stack([col(br.age_min), col(br.age_max)]),
        "tier_share": col(br.tiers),
        "price_share": col(paying_price(br)),
        "category_penetration": col(br.category),
        "channel_share": col(br.channels),
    }


def rows_of(br: Brands, rows) -> Brands:
    """Return the brands at positions ``rows`` of ``br``."""
    idx = np.asarray(rows, int)
    return Brands(
        **{
            k: tuple(val[i] for i in idx) if k == "profiles" else np.asarray(val)[idx]
            for k, val in br.__dict__.items()
        }
    )


def variant_p_reach(
    v: Mapping[str, np.ndarray], br: Brands, ctx: Context, br1: Brands, base: Evaluation
) -> np.ndarray:
    """Return P(reach clears the need) of each of ``br``, variants of the single brand ``br1``
    whose :func:`evaluate` (or :func:`evaluate_reach`) on the same draws ``v`` is ``base``,
    shape (B,).

    Only the factors a variant changes are recomputed, on the rows that change them, each
    as for the variant alone (:func:`~research.model.factors.factor_alone`); the others are
    the base's, multiplied in the same order, so every value equals :func:`evaluate`'s of
    the variant alone. A variant that changes no factor and not the need (say, only its
    package size) has the base's probability.
    """
    n = base.success.shape[1]
    reads, base_reads = _reads(br), _reads(br1)
    changed = {name: (reads[name] != base_reads[name]).any(axis=1) for name in FACTORS}
    needs = needs_of(br, ctx)
    same_need = (needs.mu == base.needs.mu[0]) & (needs.sigma == base.needs.sigma[0])
    redo = np.flatnonzero(np.logical_or.reduce([~same_need, *changed.values()]))
    out = np.full(len(br), float(base.p_reach[0]))
    if not len(redo):
        return out
    sub = rows_of(br, redo)
    reach = np.ones((1, n))  # the running product; rows apart from the first factor that differs
    for name in FACTORS:
        f = np.asarray(base.factors[name], float)[:1]
        rows = np.flatnonzero(changed[name][redo])
        if len(rows) == len(redo):
            f = factor_alone(name, v, sub, ctx.anchors)
        elif len(rows):
            f = np.repeat(f, len(redo), axis=0)
            f[rows] = factor_alone(name, v, rows_of(sub, rows), ctx.anchors)
        reach = reach * f
    sub_needs = Needs(needs.mu[redo], needs.sigma[redo], needs.is_stated[redo])
    out[redo] = success(reach, sub_needs, ctx.conversion).mean(axis=1)
    return out


def evaluate_variants(
    v: Mapping[str, np.ndarray], br: Brands, ctx: Context, br1: Brands, base: Evaluation
) -> Evaluation:
    """Return p_reach, p_go, gates and needs of ``br``, variants of the single brand ``br1``
    whose :func:`evaluate` (or :func:`evaluate_reach`) is ``base`` (see
    :func:`variant_p_reach`): the values :func:`evaluate` gives, without the factors and the
    per-draw success (left empty)."""
    gates = gate_arrays(br, ctx)
    p_reach = variant_p_reach(v, br, ctx, br1, base)
    n = base.success.shape[1]
    return Evaluation({}, gates, needs_of(br, ctx), np.empty((0, n)), p_reach, p_reach * gates.hard)


def verdicts(ev_: Evaluation, ctx: Context) -> list[str]:
    """Return each brand's verdict: GO, CONDITIONAL or NO-GO by the policy's cut-offs on
    p_go, both read as the whole percentages every output shows (a chance shown as 30% is
    not "below 30%"); a failed NO-GO gate gives NO-GO, an undocumented use caps it at
    CONDITIONAL."""
    pol = ctx.a.policy
    no_go_below, go_at_least = whole_percent(pol.no_go_below), whole_percent(pol.go_at_least)
    out = []
    for p, hard, use in zip(ev_.p_go, ev_.gates.hard, ev_.gates.use, strict=True):
        if hard <= 0 or whole_percent(p) < no_go_below:
            out.append("NO-GO")
        elif whole_percent(p) >= go_at_least and use > 0:
            out.append("GO")
        else:
            out.append("CONDITIONAL")
    return out


def users_quantiles(
    reach: np.ndarray, conversion: LogNormalParams, probs=(0.05, 0.5, 0.95)
) -> np.ndarray:
    """Return quantiles of the brand's own users a day, reach x conversion.

    ``reach`` is 1-D draws; the conversion is lognormal and independent, so the CDF of users
    is the mean over draws of Phi((log u - log R - mu_c) / sigma_c), solved for each
    probability by bisection on log u (:data:`~research.model.quantiles.BISECTIONS`
    halvings of a bracket around every draw; see
    :func:`~research.model.quantiles.bisect_crossing`, which skips the evaluations whose
    outcome is already known). Draws with no reach are an atom at zero.
    """
    with np.errstate(divide="ignore"):
        log_r = np.log(np.asarray(reach, float))
    pos = log_r[np.isfinite(log_r)]
    out = np.zeros(len(probs))
    if not len(pos):
        return out
    zero = 1.0 - len(pos) / len(log_r)
    start = pos.min() + conversion.mu - 8 * conversion.sigma - 1
    stop = pos.max() + conversion.mu + 8 * conversion.sigma + 1
    sd = max(conversion.sigma, 1e-12)
    target = np.asarray(probs, float)

    def cdf(m: float, slope: bool) -> tuple[float, float]:
        z = (np.array([m])[:, None] - pos[None, :] - conversion.mu) / sd
        value = float((zero + (1 - zero) * special.ndtr(z).mean(axis=1))[0])
        if not slope:
            return value, np.nan
        with np.errstate(over="ignore"):
            density = (1 - zero) * float(np.exp(-0.5 * z**2).mean()) / (sd * np.sqrt(2 * np.pi))
        return value, density

    centre = float(np.median(pos)) + conversion.mu
    lo, hi = np.full(len(probs), start), np.full(len(probs), stop)
    for k, t in enumerate(target):
        share = min(max((t - zero) / (1 - zero), 1e-9), 1 - 1e-9)
        guess = centre + conversion.sigma * float(special.ndtri(share))
        lo[k], hi[k] = bisect_crossing(cdf, float(t), start, stop, guess)
    out = np.exp((lo + hi) / 2)
    out[target <= zero] = 0.0
    return out
