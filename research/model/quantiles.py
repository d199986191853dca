"""Quantiles of a product with one independent lognormal factor, by conditional Monte Carlo.

If X = min(L x R, C) where L is lognormal (log L ~ Normal(mu, sigma)) and independent of
R >= 0 and of the cap C (C may be infinite), then given the draws of R and C the CDF of X
is known exactly: P(X <= x | R, C) = 1 when x >= C, else Phi((log x - log R - mu) / sigma).
Averaging that smooth function over the draws of R and C (instead of counting the draws of
X below x) estimates the CDF with less noise, and scrambled Sobol points integrate it far
better than they integrate a 0/1 count. Each quantile is the root of the averaged CDF,
located by Newton steps and then bisection (:func:`bisect_crossing`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import special

#: Halvings of the bracket in :func:`bisect_crossing`; the answer is the last midpoint.
BISECTIONS = 50
#: Newton steps at most, and rounds of probes either side, before the bisection.
_NEWTON = 8
_PROBES = 8
_SQRT_2PI = float(np.sqrt(2 * np.pi))


def bisect_crossing(
    cdf: Callable[[float, bool], tuple[float, float]],
    t: float,
    start: float,
    stop: float,
    guess: float,
) -> tuple[float, float]:
    """Return the bracket after :data:`BISECTIONS` halvings of [start, stop] toward where
    ``cdf`` crosses ``t`` (a halving keeps the upper half when cdf(mid) < t).
    ``cdf(m, slope)`` returns the CDF at m and, when ``slope`` is true, its density (else
    NaN).

    The bracket is the one plain bisection gives, bit for bit: the CDF as computed never
    decreases, so a midpoint at or beyond a point already known to be below t (or at or
    above it) takes the same branch without evaluating the CDF. Newton steps from ``guess``
    and probes either side first find such points close to the crossing, so the halvings
    evaluate the CDF only between them (none, usually). Two CDFs one of which is nowhere
    below the other, bisected on the same [start, stop], give brackets in the same order.
    """
    below, above = -np.inf, np.inf  # the CDF is < t at ``below`` and >= t at ``above``

    def probe(m: float, slope: bool = False) -> tuple[float, float]:
        nonlocal below, above
        value, density = cdf(m, slope)
        if value < t:
            below = max(below, m)
        else:
            above = min(above, m)
        return value, density

    m = guess
    for _ in range(_NEWTON):
        value, density = probe(m, True)
        step = (value - t) / density if density > 0 else np.nan
        if not np.isfinite(step) or abs(step) <= 4 * np.spacing(abs(m)):
            break
        nxt = m - step
        if not below < nxt < above:
            if not (np.isfinite(below) and np.isfinite(above)):
                break
            nxt = (below + above) / 2
        m = nxt
    width = 8 * np.spacing(abs(m))
    for _ in range(_PROBES):
        if above - below <= 2 * width:
            break
        if below < m - width:
            probe(m - width)
        if m + width < above:
            probe(m + width)
        width *= 8
    a, b = start, stop
    for _ in range(BISECTIONS):
        mid = (a + b) / 2
        if mid <= below:
            low = True
        elif mid >= above:
            low = False
        else:
            low = probe(mid)[0] < t
        a, b = (mid, b) if low else (a, mid)
    return a, b


def lognormal_product_quantiles(
    rests: Sequence[np.ndarray],
    mu: float,
    sigma: float,
    caps: Sequence[np.ndarray] | None = None,
    probs: Sequence[float] = (0.05, 0.5, 0.95),
    guesses: np.ndarray | None = None,
) -> np.ndarray:
    """Return quantiles of X_k = min(L x R_k, C_k) for each k, shape (len(rests), len(probs)).

    ``rests[k]`` are 1-D draws of R_k >= 0, ``caps[k]`` the matching draws of the cap C_k
    (None: no cap), and L is lognormal with log-mean ``mu`` and log-sd ``sigma`` > 0,
    independent of every R_k and C_k. Each quantile is the root of the conditional CDF
    (see the module docstring), at the midpoint of a bracket narrowed by
    :data:`BISECTIONS` halvings. Draws with R_k = 0 are an atom at zero: a probability at
    or below their share gives 0. A quantile is never above the largest cap. ``guesses``
    (same shape as the result; say, quantiles of draws of X_k) are where the search for
    each root starts; they change how many CDF evaluations it takes, not the answer.

    All k share one bracket, so if R_(k+1) <= R_k and C_(k+1) <= C_k draw by draw (a
    running product of shares, say), the quantiles of k + 1 are never above those of k.
    """
    if not sigma > 0:
        raise ValueError(f"sigma: {sigma} must be > 0 (a known factor needs no integration)")
    with np.errstate(divide="ignore"):
        logs = [np.log(np.asarray(r, float)) for r in rests]
        log_caps = (
            [None] * len(logs)
            if caps is None
            else [
                np.log(np.asarray(c, float)) * np.ones_like(x)
                for c, x in zip(caps, logs, strict=True)
            ]
        )
    out = np.zeros((len(logs), len(probs)))
    finite = [x[np.isfinite(x)] for x in logs]
    if not any(len(f) for f in finite):
        return out
    start = min(f.min() for f in finite if len(f)) + mu - 8 * sigma - 1
    stop = max(f.max() for f in finite if len(f)) + mu + 8 * sigma + 1
    target = np.asarray(probs, float)
    for k, (log_r, log_c) in enumerate(zip(logs, log_caps, strict=True)):
        if not len(finite[k]):
            continue
        zero = 1.0 - len(finite[k]) / len(log_r)
        shift = (log_r + mu) / sigma  # -inf where R is 0
        lowest_cap = np.inf if log_c is None else float(np.min(log_c))

        def cdf(m: float, slope: bool, shift=shift, log_c=log_c, lowest_cap=lowest_cap):
            z = m / sigma - shift  # +inf where R is 0
            capped = m >= lowest_cap  # else no draw is at its cap
            phi = special.ndtr(z)
            if capped:
                phi = np.where(m >= log_c, 1.0, phi)
            value = float(phi.mean())
            if not slope:
                return value, np.nan
            with np.errstate(over="ignore"):  # a huge z gives a density of exactly 0
                np.square(z, out=z)
                z *= -0.5
                dens = np.exp(z, out=z)
            if capped:
                dens = np.where(m >= log_c, 0.0, dens)
            return value, float(dens.mean()) / (sigma * _SQRT_2PI)

        centre = float(np.median(finite[k])) + mu
        lo, hi = np.empty(len(target)), np.empty(len(target))
        for j, t in enumerate(target):
            share = min(max((t - zero) / (1 - zero), 1e-9), 1 - 1e-9)
            guess = centre + sigma * float(special.ndtri(share))
            if guesses is not None and guesses[k, j] > 0 and np.isfinite(guesses[k, j]):
                guess = float(np.log(guesses[k, j]))
            lo[j], hi[j] = bisect_crossing(cdf, float(t), start, stop, guess)
        out[k] = np.exp((lo + hi) / 2)
        out[k, target <= zero] = 0.0
        if caps is not None:
            out[k] = np.minimum(out[k], float(np.max(caps[k])))
    return out
