"""Distributions built from evidence and assumptions, sampled in one vectorised pass.

* a reported share becomes a Beta whose width reflects the trust assumption for its source
  (:class:`TrustedShare`; its effective sample size is itself uncertain);
* a range becomes a distribution from its 90% interval (:func:`from_interval`);
* shares that must sum to one become a Dirichlet (:class:`Dirichlet`).

Every node can be sampled two ways from the one ``numpy.random.Generator`` passed in:
``method="qmc"`` (default) maps a scrambled Sobol sequence through inverse CDFs, which
reaches a given accuracy with far fewer draws; ``method="mc"`` is plain seeded Monte Carlo
with numpy's own samplers, kept as a checked fallback. The same seed gives the same draws.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy import special
from scipy.stats import qmc

from research.errors import InputError
from research.vocab import METHODS

Z95: float = float(special.ndtri(0.95))  # 1.6449: half-width of a 90% interval in sds
_EPS = 1e-12


class Node(Protocol):
    """An uncertain input: ``dims`` uniforms in, one array (or matrix) of draws out."""

    dims: int

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray: ...

    def ppf(self, u: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Fixed:
    """A known value (no uncertainty)."""

    value: float
    dims: int = 0

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, float(self.value))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.full(len(u), float(self.value))


@dataclass(frozen=True)
class Uniform:
    """Uniform on [low, high]."""

    low: float
    high: float
    dims: int = 1

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * u[:, 0]


@dataclass(frozen=True)
class Normal:
    """Normal with mean ``mu`` and standard deviation ``sigma``."""

    mu: float
    sigma: float
    dims: int = 1

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.mu + self.sigma * rng.standard_normal(n)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.mu + self.sigma * special.ndtri(u[:, 0])


@dataclass(frozen=True)
class LogNormal:
    """exp(Normal(mu, sigma)): positive quantities."""

    mu: float
    sigma: float
    dims: int = 1

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.exp(self.mu + self.sigma * rng.standard_normal(n))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.exp(self.mu + self.sigma * special.ndtri(u[:, 0]))


@dataclass(frozen=True)
class LogitNormal:
    """expit(Normal(mu, sigma)): shares in (0, 1)."""

    mu: float
    sigma: float
    dims: int = 1

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return special.expit(self.mu + self.sigma * rng.standard_normal(n))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return special.expit(self.mu + self.sigma * special.ndtri(u[:, 0]))


def from_interval(low: float, high: float, dist: str = "lognormal") -> Node:
    """Return a distribution whose 90% interval is [low, high] (squigglepy's ``to``).

    ``dist`` is ``lognormal`` (both ends > 0), ``normal``, ``logit`` (both ends in (0, 1))
    or ``uniform`` (the whole mass on [low, high]). ``low == high`` gives :class:`Fixed`.
    """
    low, high = float(low), float(high)
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise InputError(f"interval: [{low}, {high}] must be finite with low <= high")
    if low == high:
        return Fixed(low)
    if dist == "uniform":
        return Uniform(low, high)
    if dist == "normal":
        return Normal((low + high) / 2, (high - low) / (2 * Z95))
    if dist == "lognormal":
        if low <= 0:
            raise InputError(f"interval: lognormal needs low > 0, got {low}")
        a, b = math.log(low), math.log(high)
        return LogNormal((a + b) / 2, (b - a) / (2 * Z95))
    if dist == "logit":
        if not (0 < low and high < 1):
            raise InputError(f"interval: logit needs 0 < low <= high < 1, got [{low}, {high}]")
        a, b = float(special.logit(low)), float(special.logit(high))
        return LogitNormal((a + b) / 2, (b - a) / (2 * Z95))
    raise InputError(f"dist: '{dist}' is not allowed (allowed: lognormal, normal, logit, uniform)")


def assumed(a, name: str) -> Node:
    """Return the distribution of assumption ``name`` of ``a`` (``assumptions.yaml``)."""
    item = a[name]
    if item.dist == "dirichlet":
        return Dirichlet(tuple(item.mean), Fixed(item.concentration))
    return from_interval(item.low, item.high, item.dist)


def check_share(name: str, value: float) -> float:
    """Return ``value`` if it is a share in [0, 1], else raise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise InputError(f"{name}: {value!r} is not a number (allowed: a share in [0, 1])")
    if not 0.0 <= float(value) <= 1.0:
        raise InputError(f"{name}: {value} is outside [0, 1] (allowed: a share in [0, 1])")
    return float(value)


def _beta_params(share: np.ndarray | float, n: np.ndarray | float) -> tuple:
    """Return Beta (a, b) of concentration ``n`` whose median is ``share``.

    Uses the median approximation (a - 1/3) / (a + b - 2/3), exact to O(1/n^2).
    """
    a = share * (n - 2.0 / 3.0) + 1.0 / 3.0
    return a, n - a


@dataclass(frozen=True)
class TrustedShare:
    """A reported share as a Beta whose median is the share and whose concentration
    (effective sample size, respondents) is drawn from ``trust``."""

    share: float
    trust: Node
    dims: int = field(init=False)

    def __post_init__(self) -> None:
        check_share("share", self.share)
        object.__setattr__(self, "dims", self.trust.dims + 1)

    def _edge(self, n: int) -> np.ndarray | None:
        return np.full(n, self.share) if self.share in (0.0, 1.0) else None

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        edge = self._edge(n)
        if edge is not None:
            return edge
        a, b = _beta_params(self.share, self.trust.sample(rng, n))
        return rng.beta(a, b)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        edge = self._edge(len(u))
        if edge is not None:
            return edge
        a, b = _beta_params(self.share, self.trust.ppf(u[:, :-1]))
        return special.betaincinv(a, b, u[:, -1])


@dataclass(frozen=True)
class Dirichlet:
    """Shares that sum to one: Dirichlet with mean ``mean`` and concentration from ``trust``.

    Draws are an (n, k) matrix whose rows sum to one. Inverse-CDF sampling uses the
    stick-breaking construction (k - 1 nested Betas).
    """

    mean: tuple[float, ...]
    trust: Node
    dims: int = field(init=False)

    def __post_init__(self) -> None:
        m = np.asarray(self.mean, float)
        if m.ndim != 1 or len(m) < 2 or (m <= 0).any() or abs(m.sum() - 1) > 1e-6:
            raise InputError(f"mean: {self.mean} must be 2+ positive shares summing to 1")
        object.__setattr__(self, "dims", self.trust.dims + len(m) - 1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        c = self.trust.sample(rng, n)
        g = rng.standard_gamma(np.outer(c, np.asarray(self.mean)))
        return g / g.sum(axis=1, keepdims=True)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        k, t = len(self.mean), self.trust.dims
        c = self.trust.ppf(u[:, :t])
        alpha = np.outer(c, np.asarray(self.mean))
        out = np.empty((len(u), k))
        left = np.ones(len(u))
        for j in range(k - 1):
            rest = alpha[:, j + 1 :].sum(axis=1)
            x = special.betaincinv(alpha[:, j], rest, u[:, t + j])
            out[:, j] = left * x
            left = left * (1 - x)
        out[:, -1] = left
        return out


@dataclass(frozen=True)
class Input:
    """A named uncertain input with its provenance.

    ``basis`` is ``sourced`` when the input's central value is an article figure (its
    ``sources``) and ``assumed`` when it is an analyst assumption (its ``assumptions``).
    """

    name: str
    label: str
    node: Node
    basis: str
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    unit: str = "share"


def nodes_of(inputs: Mapping[str, Input]) -> dict[str, Node]:
    """Return the distribution of each input, keyed and ordered as ``inputs``."""
    return {k: v.node for k, v in inputs.items()}


@dataclass(frozen=True)
class Draws:
    """Draws of every named input: arrays of length ``n`` (or (n, k) for Dirichlets)."""

    values: Mapping[str, np.ndarray]
    n: int
    method: str
    seed: int | None = None

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]


def draw(
    nodes: Mapping[str, Node],
    n: int,
    rng: np.random.Generator,
    method: str = "qmc",
) -> Draws:
    """Return ``n`` joint draws of ``nodes`` (independent inputs) from ``rng``.

    ``qmc`` uses one scrambled Sobol sequence across all inputs' dimensions, seeded from
    ``rng``; powers of two give the best balance. ``mc`` calls numpy's samplers. Inputs are
    drawn in the mapping's order, so the same nodes, ``n`` and seed give identical draws.
    """
    if method not in METHODS:
        raise InputError(f"method: '{method}' is not allowed (allowed: {', '.join(METHODS)})")
    n = _check_draw_args(n, rng)
    if method == "mc":
        return Draws({k: node.sample(rng, n) for k, node in nodes.items()}, n, method)
    total = sum(node.dims for node in nodes.values())
    u = np.empty((n, 0))
    if total:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "balance properties" for non-2^m n
            u = qmc.Sobol(total, scramble=True, seed=rng).random(n)
        u = np.clip(u, _EPS, 1 - _EPS)
    out, col = {}, 0
    for k, node in nodes.items():
        out[k] = node.ppf(u[:, col : col + node.dims])
        col += node.dims
    return Draws(out, n, method)


def _check_draw_args(n: int, rng: np.random.Generator) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise InputError(f"draws: {n!r} must be an integer >= 2")
    if not isinstance(rng, np.random.Generator):
        raise InputError("rng: pass a numpy.random.Generator (numpy.random.default_rng(seed))")
    return int(n)


@dataclass(frozen=True)
class Interval:
    """A summary of draws: 5th, 50th and 95th percentile and mean, in the draws' unit."""

    p5: float
    p50: float
    p95: float
    mean: float

    def as_dict(self, digits: int = 6) -> dict[str, float]:
        """Return the interval as a dict of rounded floats."""
        return {k: round(float(v), digits) for k, v in vars(self).items()}


def summarise(x: np.ndarray) -> Interval:
    """Return the p5 / p50 / p95 / mean :class:`Interval` of a 1-D array of draws."""
    x = np.asarray(x, float)
    p5, p50, p95 = np.quantile(x, [0.05, 0.5, 0.95])
    return Interval(float(p5), float(p50), float(p95), float(x.mean()))
