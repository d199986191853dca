"""Distributions built from evidence and assumptions, sampled in one vectorised pass.

* a reported share becomes a Beta whose width reflects the trust assumption for its source
  (:class:`TrustedShare`; its effective sample size is itself uncertain);
* a range becomes a distribution from its 90% interval (:func:`from_interval`);
* shares that must sum to one become a Dirichlet (:class:`Dirichlet`).

Every node can be sampled two ways from the one ``numpy.random.Generator`` passed in:
``method="qmc"`` (default) maps a scrambled Sobol sequence through inverse CDFs, which
reaches a given accuracy with far fewer draws; ``method="mc"`` is plain seeded Monte Carlo
with numpy's own samplers, kept as a checked fallback. The same seed gives the same draws.

Products of independent factors (the market funnel) have a third route:
:func:`draw_groups` draws each factor's few inputs from its own low-dimensional Sobol net,
and :func:`product_quantiles` convolves the factors' log-densities with FFTs, so every draw
of one factor is combined with every draw of the others.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy import fft, special
from scipy.stats import qmc

from research.errors import InputError

Z95: float = float(special.ndtri(0.95))  # 1.6449: half-width of a 90% interval in sds
METHODS = ("qmc", "mc")
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
class MeanShare:
    """A share as a Beta with mean ``mean`` and concentration drawn from ``trust``.

    By the Dirichlet aggregation property this is exactly the distribution of the summed
    shares of a subset of Dirichlet components whose weights add up to ``mean``.
    """

    mean: float
    trust: Node
    dims: int = field(init=False)

    def __post_init__(self) -> None:
        check_share("mean", self.mean)
        object.__setattr__(self, "dims", self.trust.dims + 1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.mean in (0.0, 1.0):
            return np.full(n, self.mean)
        c = self.trust.sample(rng, n)
        return rng.beta(self.mean * c, (1 - self.mean) * c)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        if self.mean in (0.0, 1.0):
            return np.full(len(u), self.mean)
        c = self.trust.ppf(u[:, :-1])
        return special.betaincinv(self.mean * c, (1 - self.mean) * c, u[:, -1])


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


@dataclass(frozen=True, eq=False)
class Tabulated:
    """A share given by its quantile function on a grid: ``expit(interp(ndtri(u), z, y))``.

    ``z`` are standard-normal scores of the CDF (increasing) and ``y`` the logits of the
    share at them; see :func:`marginal`.
    """

    z: np.ndarray
    y: np.ndarray
    dims: int = 1

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.ppf(rng.random((n, 1)))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return special.expit(np.interp(special.ndtri(u[:, 0]), self.z, self.y))


_HERMITE = 24  # Gauss-Hermite nodes over the concentration's normal score
_LEVELS = np.linspace(-7.0, 7.0, 29)  # normal scores at which each component is tabulated


def marginal(node: Node) -> Node:
    """Return ``node``, or the same distribution from one uniform where a table gives it.

    A share whose Beta concentration is itself uncertain (:class:`TrustedShare`,
    :class:`MeanShare` with a one-dimensional ``trust``) becomes its marginal
    distribution, the Beta mixed over the concentration, as a :class:`Tabulated` quantile
    function built once per node (Gauss-Hermite quadrature over the concentration's
    normal score of regularised incomplete Betas; quantiles within about 1e-3 normal
    scores). Sampling it takes one uniform instead of two and no inverse Beta. Other
    nodes are returned as they are.
    """
    if isinstance(node, TrustedShare | MeanShare) and node.trust.dims <= 1:
        return _tabulate(node)
    return node


@functools.lru_cache(maxsize=256)
def _tabulate(node: TrustedShare | MeanShare) -> Node:
    centre = node.share if isinstance(node, TrustedShare) else node.mean
    if centre in (0.0, 1.0):
        return Fixed(centre)
    if node.trust.dims:
        z, w = special.roots_hermitenorm(_HERMITE)
        m = node.trust.ppf(np.clip(special.ndtr(z), _EPS, 1 - _EPS)[:, None])
        w = w / w.sum()
    else:
        m, w = node.trust.ppf(np.empty((1, 0))), np.ones(1)
    if isinstance(node, TrustedShare):
        a, b = _beta_params(node.share, m)
    else:
        a, b = node.mean * m, (1 - node.mean) * m
    a, b = a[:, None], b[:, None]
    lower, upper = _LEVELS[_LEVELS <= 0], -_LEVELS[_LEVELS > 0]
    with np.errstate(divide="ignore"):
        y = np.concatenate(  # each component's quantiles, as logits (upper half via 1 - x)
            [
                special.logit(special.betaincinv(a, b, special.ndtr(lower))).ravel(),
                -special.logit(special.betaincinv(b, a, special.ndtr(upper))).ravel(),
            ]
        )
    y = np.unique(y[np.isfinite(y)])
    x, xc = special.expit(y), special.expit(-y)  # the share and 1 - share, each accurate
    cdf = w @ special.betainc(a, b, x)
    sf = w @ special.betainc(b, a, xc)
    z = np.where(cdf <= 0.5, special.ndtri(cdf), -special.ndtri(sf))
    ok = np.isfinite(z)
    z, y = z[ok], y[ok]
    keep = z > np.maximum.accumulate(np.concatenate(([-np.inf], z[:-1])))  # strictly rising
    return Tabulated(z[keep], y[keep])


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


def draw_groups(
    groups: Sequence[Mapping[str, Node]], n: int, rng: np.random.Generator
) -> list[dict[str, np.ndarray]]:
    """Return ``n`` draws of each group of nodes, the groups independent of each other.

    Group ``g`` takes its uniforms from block ``g`` of ``n`` consecutive points of one
    scrambled Sobol sequence (seeded from ``rng``) whose dimension is that of the largest
    group, so each group is sampled from its own low-dimensional net (a power-of-two ``n``
    keeps each block a net; ``bits`` of at least 20 put the points at the centres of
    cells 2^-20 wide). Each group's draws are then shuffled with ``rng``, so draws
    paired by index across groups form an independent joint sample. Same nodes, ``n`` and
    seed give identical draws.
    """
    n = _check_draw_args(n, rng)
    dims = [sum(node.dims for node in g.values()) for g in groups]
    u = np.empty((0, 0))
    if max(dims, default=0):
        total = n * len(groups)
        bits = max(20, int(total - 1).bit_length() + 8)  # points on a 2^-bits grid
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "balance properties" for non-2^m n
            u = qmc.Sobol(max(dims), scramble=True, bits=bits, seed=rng).random(total)
        u += 0.5 ** (bits + 1)  # the centre of each point's grid cell: never 0 or 1
    out = []
    for i, g in enumerate(groups):
        block = u[i * n : (i + 1) * n]
        order = rng.permutation(n) if dims[i] else None
        values, col = {}, 0
        for k, node in g.items():
            x = node.ppf(block[:, col : col + node.dims]) if node.dims else node.ppf(np.empty(n))
            values[k] = x if order is None else x[order]
            col += node.dims
        out.append(values)
    return out


def draw_inputs(inputs: Mapping[str, Input], n: int, seed: int, method: str = "qmc") -> Draws:
    """Return ``n`` draws of named inputs from a generator seeded with ``seed``."""
    return draw(nodes_of(inputs), n, np.random.default_rng(seed), method)


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


def product_quantiles(
    factors: Sequence[np.ndarray],
    probs: Sequence[float] = (0.05, 0.5, 0.95),
    stops: Sequence[int] | None = None,
    resolution: int = 16,
    max_bins: int = 2**16,
) -> np.ndarray:
    """Return quantiles of running products of independent non-negative factors.

    ``factors`` holds k 1-D arrays of equally weighted draws, one per independent factor.
    Row ``i`` of the result holds the ``probs`` quantiles of ``factors[0] * ... *
    factors[stops[i]]`` (default: every running product), in the factors' unit.

    Each factor's log is binned onto one grid by linear binning (which keeps its mean)
    and the binned densities are convolved through FFTs, so the result combines every
    draw of each factor with every draw of the others. The bin width is ``1 / resolution``
    of the smallest standard deviation of the log of a product asked for (coarser only if
    the grid would exceed ``max_bins``). Exact zeros are carried as an atom at zero.
    Quantiles are read from the piecewise-linear CDF of the binned density (each bin's
    mass spread evenly over the bin) and kept within the product's range of draws.
    """
    probs = np.asarray(probs, float)
    k = len(factors)
    stops = np.arange(k) if stops is None else np.asarray(stops, np.intp)
    if not k or not len(stops) or stops.min() < 0 or stops.max() >= k:
        raise InputError(f"stops: {list(stops)} must index the {k} factors (0 to {k - 1})")
    f = [np.asarray(x, float) for x in factors[: stops.max() + 1]]
    if any(x.ndim != 1 or not len(x) for x in f):
        raise InputError("factors: each factor must be a non-empty 1-D array of draws")
    lens = np.array([len(x) for x in f])
    starts, row = np.cumsum(lens) - lens, np.repeat(np.arange(len(f)), lens)
    x = np.concatenate(f)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(x)
    if not np.isfinite(logs.sum()):  # zeros (or bad draws): an atom at zero
        if not np.isfinite(x).all() or (x < 0).any():
            raise InputError("factors: draws must be finite and >= 0")
        w = (x > 0).astype(float)
        lo = np.minimum.reduceat(np.where(w > 0, logs, np.inf), starts)
        hi = np.maximum.reduceat(np.where(w > 0, logs, -np.inf), starts)
        lo, hi = np.where(np.isfinite(lo), lo, 0.0), np.where(np.isfinite(hi), hi, 0.0)
        logs = np.where(w > 0, logs, lo[row])
        count = np.add.reduceat(w, starts)
    else:
        w, count = 1.0, lens.astype(float)
        lo, hi = np.minimum.reduceat(logs, starts), np.maximum.reduceat(logs, starts)
    d = logs - lo[row]
    safe = np.maximum(count, 1.0)
    mean = np.add.reduceat(d * w, starts) / safe
    var = np.maximum(np.add.reduceat(d * d * w, starts) / safe - mean**2, 0.0)
    sd = np.sqrt(np.cumsum(var))[stops]  # of each product's log
    h = max(sd[sd > 0].min(initial=np.inf) / resolution, (hi - lo).sum() / max_bins)
    h = h if np.isfinite(h) and h > 0 else 1.0  # every factor constant
    sizes = ((hi - lo) / h).astype(np.intp) + 2
    length = fft.next_fast_len(int(sizes.sum()))
    pos = d / h
    i = pos.astype(np.intp)
    frac = pos - i
    i += row * length  # factor j's bins are row j of a (k, length) grid
    size = len(f) * length
    mass = np.bincount(i, (1.0 - frac) * w, size) + np.bincount(i + 1, frac * w, size)
    mass = mass.reshape(len(f), length) / safe[:, None]
    spec = np.cumprod(fft.rfft(mass, axis=1), axis=0)[stops]  # transforms of the products
    cdf = np.zeros((len(stops), length + 1))
    np.cumsum(np.maximum(fft.irfft(spec, length, axis=1), 0.0), axis=1, out=cdf[:, 1:])
    p_zero = 1.0 - np.cumprod(count / lens)[stops]
    edges = h * (np.arange(length + 1) - 0.5)  # bin j covers [h (j - 1/2), h (j + 1/2)]
    out = np.zeros((len(stops), len(probs)))
    for r in np.flatnonzero(p_zero < 1.0):
        out[r] = np.interp(_positive_probs(probs, p_zero[r]) * cdf[r, -1], cdf[r], edges)
    out += np.cumsum(lo)[stops][:, None]
    np.clip(out, np.cumsum(lo)[stops][:, None], np.cumsum(hi)[stops][:, None], out=out)
    np.exp(out, out=out)
    out[probs[None, :] <= p_zero[:, None]] = 0.0  # within the atom at zero
    return out


def _positive_probs(probs: np.ndarray, p_zero: float) -> np.ndarray:
    """Return ``probs`` as probabilities within the positive part, given an atom ``p_zero`` at 0."""
    if p_zero <= 0.0:
        return probs
    return np.clip((probs - p_zero) / (1.0 - p_zero), 0.0, 1.0)
