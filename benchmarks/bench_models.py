"""Time to accuracy of the market funnel: ``research`` (QMC) against the same model in squigglepy.

Prints figures; it is not a test. Run ``.venv/bin/python benchmarks/bench_models.py`` (about
two minutes on two cores) or add ``--quick`` for a smaller run. The last line is
``time_to_accuracy_ratio_vs_squigglepy=<squigglepy time / research time>``.

1. One fixed target (women 18-30, all city tiers, 200 RMB a month, e-commerce, channels
   shared_links, qr_codes, official_account). ``research`` builds its funnel with
   ``market.estimate_funnel(method="qmc")``. The same funnel is rebuilt here with squigglepy
   doing all the sampling: the parameters are read from ``market.inputs`` (each research
   node is translated to squigglepy distributions and checked to match), and the age,
   spend, tier and coverage maths are re-implemented on squigglepy's arrays.
2. Reference: p5 / p50 / p95 of the last stage (``reach``, users a day) from 10^7 plain
   draws (research ``method="mc"``, chunks of 10^6 with different seeds, pooled).
3. For each engine, over a doubling grid of draw counts and 20 seeds, the smallest count
   at which the worst of the three quantiles is within 1% (relative) of the reference for
   every seed; then the wall time of one run at that count (median of a few repeats).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core for the numerical work

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import squigglepy as sq  # noqa: E402
from scipy import special  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from research import access, audience, categories, market, spend  # noqa: E402
from research import uncertainty as u  # noqa: E402
from research.assumptions import load_assumptions  # noqa: E402
from research.evidence import load_evidence  # noqa: E402

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


def research_reach(ev, a, n: int, seed: int, method: str = "qmc") -> np.ndarray:
    """Return p5, p50, p95 of reach (users a day) from one ``estimate_funnel`` call."""
    s = market.estimate_funnel(TARGET, ev=ev, a=a, draws=n, seed=seed, method=method).stages[-1]
    assert s.stage == "reach"
    return np.array([s.p5, s.p50, s.p95])


def research_prebuilt(ev, a) -> Callable[[int, int], np.ndarray]:
    """Return ``(n, seed) -> p5, p50, p95`` of reach with the inputs built once (no pandas)."""
    nodes = u.nodes_of(market.inputs(ev, a, TARGET))
    dau, _, years = market.dau_anchor(ev)

    def run(n: int, seed: int) -> np.ndarray:
        d = u.draw(nodes, n, np.random.default_rng(seed), "qmc")
        reach = market.funnel_stages(market.compute_factors(d, TARGET, ev, dau, years))["reach"]
        s = u.summarise(reach)
        return np.array([s.p5, s.p50, s.p95])

    return run


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
        self.samplers = {
            k: squigglepy_sampler(node)
            for k, node in u.nodes_of(market.inputs(ev, a, target)).items()
        }
        self.dau, _, self.years = market.dau_anchor(ev)
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
        female = x["female_share"]
        gender = {"female": female, "male": 1 - female, "any": np.ones(n)}[t.gender]
        # ages: lognormal, median set so P(age < cut) is the reported share
        sd = x["age_log_spread"]
        log_median = np.log(self.age_cut) - sd * special.ndtri(x["age_le_share"])
        age = special.ndtr((np.log(t.age_max + 1.0) - log_median) / sd)
        if t.age_min > 0:
            age = age - special.ndtr((np.log(t.age_min) - log_median) / sd)
        # tiers: (tier 1, tiers 2-4, tier 5+) with tiers 2-4 split into 2, 3, 4
        band, split = x["tier_shares"], x["tier_split"]
        per_tier = (band[:, 0], band[:, 1] * split[:, 0], band[:, 1] * split[:, 1])
        per_tier += (band[:, 1] * split[:, 2], band[:, 2])
        tier = sum(w * p for w, p in zip(self.tiers, per_tier, strict=True) if w)
        # spend: lognormal, median set so P(spend <= threshold) is the reported share
        sd = x["spend_log_spread"]
        log_median = np.log(self.spend_threshold) - sd * special.ndtri(x["spend_le_share"])
        price = special.ndtr((log_median - np.log(t.price_rmb)) / sd) if t.price_rmb > 0 else 1.0
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


def wall_time(fn: Callable[[], object], repeats: int) -> float:
    """Return the median wall time of ``fn()`` in seconds over ``repeats`` runs (after a warm-up)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller reference, grid and seeds")
    parser.add_argument("--profile", action="store_true", help="cProfile one research run")
    args = parser.parse_args(argv)
    chunks, n_seeds, top, repeats = (2, 5, 18, 3) if args.quick else (10, 20, 20, 5)
    grid = [2**k for k in range(8, top + 1)]
    seeds = range(n_seeds)

    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    sqf = SquigglepyFunnel(ev, a, TARGET)
    print(f"target: {TARGET}")
    print(f"inputs: {', '.join(sqf.samplers)}")

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
    ours_n = draws_to_accuracy(
        "research", lambda n, s: research_reach(ev, a, n, s, "qmc"), grid, seeds, ref
    )
    sq_n = draws_to_accuracy("squigglepy", sqf.quantiles, grid, seeds, ref)
    if ours_n is None or sq_n is None:
        print("an engine did not reach the tolerance within the grid")
        sys.exit(1)

    ours_t = wall_time(lambda: research_reach(ev, a, ours_n, 0, "qmc"), repeats)
    sq_t = wall_time(lambda: sqf.quantiles(sq_n, 0), repeats)
    prebuilt = research_prebuilt(ev, a)
    assert np.array_equal(prebuilt(ours_n, 0), research_reach(ev, a, ours_n, 0, "qmc"))
    pre_t = wall_time(lambda: prebuilt(ours_n, 0), repeats)
    mc_t = wall_time(lambda: research_reach(ev, a, 10**6, 0, "mc"), 3)
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as prof:
            for s in range(10):
                research_reach(ev, a, ours_n, s, "qmc")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(r"research[/\\]", 16)
    print(f"research   (qmc): {ours_n:>8} draws, {ours_t * 1e3:8.1f} ms per run")
    print(f"  of which sampling and maths (inputs built once): {pre_t * 1e3:8.1f} ms")
    print(f"squigglepy (mc):  {sq_n:>8} draws, {sq_t * 1e3:8.1f} ms per run")
    print(f"research 10^6 plain (mc) draws of the full funnel: {mc_t:.3f} s (goal < 0.25 s)")
    print(f"time_to_accuracy_ratio_vs_squigglepy={sq_t / ours_t:.2f}")


if __name__ == "__main__":
    main()
