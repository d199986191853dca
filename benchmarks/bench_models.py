"""Time to accuracy of the market funnel: ``research`` (convolution) against squigglepy.

Prints figures; it is not a test. Run ``.venv/bin/python benchmarks/bench_models.py`` (under a
minute on two cores) or add ``--quick`` for a smaller run, ``--profile`` to profile the
research run. The last line is
``time_to_accuracy_ratio_vs_squigglepy=<squigglepy time / research time>``.

1. One fixed target (women 18-30, all city tiers, 200 RMB a month, e-commerce, channels
   shared_links, qr_codes, official_account). ``research`` builds its funnel with
   ``market.estimate_funnel`` and its default ``method="convolution"`` (``draws`` per
   factor; each factor's inputs from its own small Sobol net, the factors' log-densities
   convolved by FFT); ``method="qmc"`` (one joint Sobol sequence) is shown for comparison.
   The same funnel is rebuilt here with squigglepy doing all the sampling: the parameters
   are read from ``market.inputs`` (each research node is translated to squigglepy
   distributions and checked to match), and the age, spend, tier and coverage maths are
   re-implemented on squigglepy's arrays. Both engines skip the inputs of factors that
   are exactly one for the target (here: the city-tier shares, as every tier is chosen).
2. Reference: p5 / p50 / p95 of the last stage (``reach``, users a day) from 10^7 plain
   draws (research ``method="mc"``, chunks of 10^6 with different seeds, pooled).
3. For each engine, over a doubling grid of draw counts (2^5 up) and 20 seeds, the smallest
   count at which the worst of the three quantiles is within 1% (relative) of the reference
   for every seed; then the wall time of one run at that count: the median over repeated
   calls (at least 5, and at least a second's worth) from a warm process. For research
   that is a full ``estimate_funnel`` call, whose inputs, anchors and tables are cached
   after the first call for the same evidence, assumptions and target - what a user gets
   on repeat calls. The cold first call (a fresh process, evidence already loaded) is
   printed too, as is the time of 10^6 plain-MC draws of the full funnel.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core for the numerical work

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import squigglepy as sq  # noqa: E402
from scipy import special  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from research.data.assumptions import load_assumptions  # noqa: E402
from research.data.evidence import load_evidence  # noqa: E402
from research.model import (
    access,
    audience,
    categories,
    spend,
)
from research.model import distributions as u  # noqa: E402
from research.model import funnel as market

TARGET = market.make_target(
    gender="female",
    age_min=18,
    age_max=30,
    city_tiers=audience.TIERS,
    price_rmb=200,
    category="e-commerce",
    channels=("shared_links", "qr_codes", "official_account"),
)
QUANTILES = (0.05, 0.5, 0.95)
TOLERANCE = 0.01  # relative, worst of the three quantiles, every seed

Sampler = Callable[[int], np.ndarray]


# --- research ---------------------------------------------------------------------------------


def research_reach(ev, a, n: int, seed: int, method: str = "convolution") -> np.ndarray:
    """Return p5, p50, p95 of reach (users a day) from one ``estimate_funnel`` call."""
    s = market.estimate_funnel(TARGET, ev=ev, a=a, draws=n, seed=seed, method=method).stages[-1]
    assert s.stage == "reach"
    return np.array([s.p5, s.p50, s.p95])


COLD = """
import sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from research.model import funnel as market
from research.model.funnel import Target
from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
t1 = time.perf_counter()
ev = load_evidence()
a = load_assumptions(ev.datasets_dir)
t2 = time.perf_counter()
market.estimate_funnel({target!r}, ev=ev, a=a, draws={n}, seed=0)
t3 = time.perf_counter()
market.estimate_funnel({target!r}, ev=ev, a=a, draws={n}, seed=1)
t4 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def cold_call(n: int) -> tuple[float, float, float, float]:
    """Return seconds for (import, loading data, first call, second call) in a fresh process."""
    root = str(Path(__file__).resolve().parents[1])
    code = COLD.format(root=root, target=TARGET, n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return tuple(float(x) for x in out.stdout.split())


def reference(ev, a, chunks: int, size: int = 10**6) -> np.ndarray:
    """Return p5, p50, p95 of reach pooled from ``chunks`` plain-MC runs of ``size`` draws."""
    pooled = []
    for k in range(chunks):
        f = market.estimate_funnel(TARGET, ev=ev, a=a, draws=size, seed=10_000 + k, method="mc")
        pooled.append(market.funnel_stages(f.factors)["reach"])
    return np.quantile(np.concatenate(pooled), QUANTILES)


# --- the same funnel in squigglepy ------------------------------------------------------------


def _sample(dist, n: int) -> np.ndarray:
    return np.asarray(sq.sample(dist, n=n, verbose=False), float)


def _close(x: float, y: float) -> None:
    assert abs(x - y) <= 1e-9 * max(1.0, abs(y)), (x, y)


def squigglepy_sampler(node: u.Node) -> Sampler:
    """Return ``n -> draws`` of ``node`` sampled by squigglepy, with research's parameters."""
    if isinstance(node, u.Fixed):
        return lambda n: np.full(n, float(node.value))
    if isinstance(node, u.Uniform):
        dist = sq.uniform(node.low, node.high)
        return lambda n: _sample(dist, n)
    if isinstance(node, u.LogNormal):  # squigglepy's `to`: lognormal from its 90% interval
        dist = sq.to(np.exp(node.mu - u.Z95 * node.sigma), np.exp(node.mu + u.Z95 * node.sigma))
        _close(dist.norm_mean, node.mu)
        _close(dist.norm_sd, node.sigma)
        return lambda n: _sample(dist, n)
    if isinstance(node, u.Normal | u.LogitNormal):  # normal (on the logit scale) from 90% CI
        dist = sq.norm(node.mu - u.Z95 * node.sigma, node.mu + u.Z95 * node.sigma)
        _close(dist.mean, node.mu)
        _close(dist.sd, node.sigma)
        if isinstance(node, u.Normal):
            return lambda n: _sample(dist, n)
        return lambda n: special.expit(_sample(dist, n))
    if isinstance(node, u.TrustedShare):  # Beta with median `share`, uncertain effective n
        trust, share = squigglepy_sampler(node.trust), node.share

        def trusted(n: int) -> np.ndarray:
            m = trust(n)
            a = share * (m - 2.0 / 3.0) + 1.0 / 3.0
            return _sample(sq.beta(a, m - a), n)

        return trusted
    if isinstance(node, u.MeanShare):  # aggregated Dirichlet components: Beta(mean c, (1-mean) c)
        trust, mean = squigglepy_sampler(node.trust), node.mean

        def aggregated(n: int) -> np.ndarray:
            c = trust(n)
            return _sample(sq.beta(mean * c, (1 - mean) * c), n)

        return aggregated
    if isinstance(node, u.Dirichlet):
        mean = np.asarray(node.mean, float)
        if isinstance(node.trust, u.Fixed):
            dist = sq.dirichlet([float(x) for x in mean * node.trust.value])
            return lambda n: _sample(dist, n)
        trust = squigglepy_sampler(node.trust)

        def dirichlet(n: int) -> np.ndarray:  # uncertain concentration: normalised gammas
            c = trust(n)
            g = np.column_stack([_sample(sq.gamma(m * c, 1), n) for m in mean])
            return g / g.sum(axis=1, keepdims=True)

        return dirichlet
    raise TypeError(f"no squigglepy translation for {type(node).__name__}")


class SquigglepyFunnel:
    """The research funnel for one target, sampled by squigglepy, maths written out here."""

    def __init__(self, ev, a, target: market.Target) -> None:
        self.target = target
        self.dau, _, self.years = market.dau_anchor(ev)
        reads = market.factor_inputs(target, self.years)  # factors exactly one read nothing
        read = {k for names in reads.values() for k in names}
        self.samplers = {
            k: squigglepy_sampler(node)
            for k, node in u.nodes_of(market.inputs(ev, a, target)).items()
            if k in read
        }
        _, self.age_cut, _ = audience.age_anchor(ev)
        _, self.spend_threshold, _ = spend.spend_anchor(ev)
        self.category = categories.input_name(target.category)
        self.tiers = np.array([1.0 if t in target.city_tiers else 0.0 for t in audience.TIERS])

    def reach(self, n: int, seed: int) -> np.ndarray:
        """Return ``n`` draws of reachable users a day."""
        t = self.target
        sq.set_seed(seed)
        x = {k: f(n) for k, f in self.samplers.items()}
        dau = self.dau.value * 1e6 * x["dau_error"]
        if self.years > 0:
            dau = dau * (1 + x["dau_growth"]) ** self.years
        gender = 1.0
        if t.gender != "any":
            female = x["female_share"]
            gender = female if t.gender == "female" else 1 - female
        # ages: lognormal, median set so P(age < cut) is the reported share
        sd = x["age_log_spread"]
        log_median = np.log(self.age_cut) - sd * special.ndtri(x["age_le_share"])
        age = special.ndtr((np.log(t.age_max + 1.0) - log_median) / sd)
        if t.age_min > 0:
            age = age - special.ndtr((np.log(t.age_min) - log_median) / sd)
        # tiers: (tier 1, tiers 2-4, tier 5+) with tiers 2-4 split into 2, 3, 4
        tier = 1.0
        if self.tiers.sum() < len(self.tiers):
            band, split = x["tier_shares"], x["tier_split"]
            per_tier = (band[:, 0], band[:, 1] * split[:, 0], band[:, 1] * split[:, 1])
            per_tier += (band[:, 1] * split[:, 2], band[:, 2])
            tier = sum(w * p for w, p in zip(self.tiers, per_tier, strict=True) if w)
        # spend: lognormal, median set so P(spend <= threshold) is the reported share
        price = 1.0
        if t.price_rmb > 0:
            sd = x["spend_log_spread"]
            log_median = np.log(self.spend_threshold) - sd * special.ndtri(x["spend_le_share"])
            price = special.ndtr((log_median - np.log(t.price_rmb)) / sd)
        # channels: shared links plus the brand's share of the named rest
        shared = x["shared_links_share"]
        rest = np.clip(1.0 - shared - x["unnamed_points_share"], 0.0, 1.0)
        coverage = (shared if access.SHARED in t.channels else 0.0) + rest * x[
            "listed_channel_share"
        ]
        return dau * gender * age * tier * price * x[self.category] * coverage

    def quantiles(self, n: int, seed: int) -> np.ndarray:
        """Return p5, p50, p95 of reach from one run of ``n`` draws."""
        return np.quantile(self.reach(n, seed), QUANTILES)


# --- time to accuracy -------------------------------------------------------------------------


def worst_error(run: Callable[[int, int], np.ndarray], n: int, seeds, ref) -> float:
    """Return the worst relative error of the three quantiles over ``seeds`` (stops at a miss)."""
    worst = 0.0
    for s in seeds:
        worst = max(worst, float(np.max(np.abs(run(n, s) / ref - 1))))
        if worst > TOLERANCE:
            break
    return worst


def draws_to_accuracy(name: str, run, grid, seeds, ref) -> int | None:
    """Return the smallest draw count in ``grid`` that meets the tolerance for every seed."""
    for n in grid:
        worst = worst_error(run, n, seeds, ref)
        ok = worst <= TOLERANCE
        shown = f"{worst:.4f}" if ok else f">{TOLERANCE:.2f} ({worst:.4f})"
        print(f"  {name:<11} n=2^{int(np.log2(n)):<2} worst rel. error {shown}", flush=True)
        if ok:
            return n
    return None


def wall_time(fn: Callable[[], object], min_seconds: float = 1.0, min_runs: int = 5) -> float:
    """Return the median wall time of ``fn()`` in seconds (after a warm-up call), over at
    least ``min_runs`` calls and ``min_seconds`` of calls."""
    fn()
    times: list[float] = []
    while len(times) < min_runs or sum(times) < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def load() -> str:
    """Return the 1-minute load average and the core count, as text."""
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller reference, grid and seeds")
    parser.add_argument("--profile", action="store_true", help="cProfile one research run")
    args = parser.parse_args(argv)
    chunks, n_seeds, top, min_seconds = (2, 5, 18, 0.3) if args.quick else (10, 20, 20, 1.0)
    grid = [2**k for k in range(5, top + 1)]
    seeds = range(n_seeds)

    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    sqf = SquigglepyFunnel(ev, a, TARGET)
    print(f"target: {TARGET}")
    print(f"inputs sampled: {', '.join(sqf.samplers)}")
    print(f"at start: {load()}")

    t0 = time.perf_counter()
    ref = reference(ev, a, chunks)
    print(
        f"reference reach (users a day, {chunks} x 10^6 plain draws, "
        f"{time.perf_counter() - t0:.1f} s): p5 {ref[0] / 1e6:.3f}M  "
        f"p50 {ref[1] / 1e6:.3f}M  p95 {ref[2] / 1e6:.3f}M"
    )
    check = np.quantile(np.concatenate([sqf.reach(10**6, 99 + k) for k in range(2)]), QUANTILES)
    print(
        "squigglepy model vs reference at 2 x 10^6 draws (same model check): "
        f"max rel. diff {np.max(np.abs(check / ref - 1)):.4f}"
    )

    print(f"draws needed: worst of p5/p50/p95 within {TOLERANCE:.0%} for all {n_seeds} seeds")
    engines = {
        "convolution": lambda n, s: research_reach(ev, a, n, s, "convolution"),
        "qmc": lambda n, s: research_reach(ev, a, n, s, "qmc"),
        "squigglepy": sqf.quantiles,
    }
    needed = {k: draws_to_accuracy(k, run, grid, seeds, ref) for k, run in engines.items()}
    if None in needed.values():
        print("an engine did not reach the tolerance within the grid")
        sys.exit(1)
    times = {k: wall_time(lambda k=k: engines[k](needed[k], 0), min_seconds) for k in engines}
    first = cold_call(needed["convolution"])
    mc_t = wall_time(lambda: research_reach(ev, a, 10**6, 0, "mc"), min_seconds, 3)
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as prof:
            for s in range(200):
                research_reach(ev, a, needed["convolution"], s)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(r"research[/\\]", 16)
    conv, qmc_, sq_ = (times[k] for k in ("convolution", "qmc", "squigglepy"))
    print(
        f"research   (convolution): {needed['convolution']:>6} draws per factor, "
        f"{conv * 1e3:8.3f} ms per run (warm, inputs cached)"
    )
    print(f"research   (qmc, joint):  {needed['qmc']:>6} draws, {qmc_ * 1e3:8.3f} ms per run")
    print(f"squigglepy (mc):          {needed['squigglepy']:>6} draws, {sq_ * 1e3:8.3f} ms per run")
    print(
        f"research cold first call (fresh process, evidence loaded): {first[2] * 1e3:.1f} ms "
        f"(second call {first[3] * 1e3:.2f} ms; imports {first[0]:.2f} s, "
        f"loading the data {first[1] * 1e3:.0f} ms)"
    )
    print(f"research 10^6 plain (mc) draws of the full funnel: {mc_t:.3f} s (goal < 0.25 s)")
    print(f"qmc time to accuracy vs squigglepy: {sq_ / qmc_:.2f}")
    print(f"at end: {load()}")
    print(f"time_to_accuracy_ratio_vs_squigglepy={sq_ / conv:.2f}")


if __name__ == "__main__":
    main()
