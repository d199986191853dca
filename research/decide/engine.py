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
from research.model.factors import Brands, compute_factors

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


def verdicts(ev_: Evaluation, ctx: Context) -> list[str]:
    """Return each brand's verdict: GO, CONDITIONAL or NO-GO by the policy's cut-offs on
    p_go; a failed NO-GO gate gives NO-GO, an undocumented use caps it at CONDITIONAL."""
    pol = ctx.a.policy
    out = []
    for p, hard, use in zip(ev_.p_go, ev_.gates.hard, ev_.gates.use, strict=True):
        if hard <= 0 or p < pol.no_go_below:
            out.append("NO-GO")
        elif p >= pol.go_at_least and use > 0:
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
    probability by bisection on log u. Draws with no reach are an atom at zero.
    """
    with np.errstate(divide="ignore"):
        log_r = np.log(np.asarray(reach, float))
    pos = log_r[np.isfinite(log_r)]
    out = np.zeros(len(probs))
    if not len(pos):
        return out
    zero = 1.0 - len(pos) / len(log_r)
    lo = np.full(len(probs), pos.min() + conversion.mu - 8 * conversion.sigma - 1)
    hi = np.full(len(probs), pos.max() + conversion.mu + 8 * conversion.sigma + 1)
    target = np.asarray(probs, float)
    for _ in range(50):
        mid = (lo + hi) / 2
        z = (mid[:, None] - pos[None, :] - conversion.mu) / max(conversion.sigma, 1e-12)
        cdf = zero + (1 - zero) * special.ndtr(z).mean(axis=1)
        below = cdf < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    out = np.exp((lo + hi) / 2)
    out[target <= zero] = 0.0
    return out
