"""Speed of the engine ``assess`` runs, and what its quasi-random draws buy over plain ones.

Run with ``.venv/bin/python benchmarks/bench_models.py``. Prints figures; it is not a test.

1. ``warm_assess_ms``: one full :func:`research.decide.assess.assess` of each example brand
   (``brands/*.yaml``; verdict, funnel, sensitivity, flips and research first) at the
   default 4,096 draws in a warm process: the median of 5 calls after one warm-up call,
   per brand, then the median over the brands.
2. ``time_to_accuracy_ratio_vs_plain_mc``: p_go and the funnel of one brand, computed two
   ways, each at the fewest draws that reach the same accuracy.

   * Ours is the engine code ``assess`` runs, called as ``assess`` calls it (not a copy):
     :func:`research.model.factors.draw_platform` (scrambled Sobol points through inverse
     CDFs), :func:`research.decide.engine.evaluate` (p_go by conditional Monte Carlo: the
     conversion and the need integrated exactly) and :func:`research.model.funnel.stages`
     (every stage's p5 / p50 / p95, the daily-user figure's lognormal error integrated
     exactly, :mod:`research.model.quantiles`).
   * Plain Monte Carlo at numpy speed is :func:`plain_mc` below, the baseline, built from
     the same model pieces (the same inputs and distributions, the same factors and
     gates): every input drawn with numpy's own samplers (``method="mc"``), the
     conversion, the need and an unstated package size drawn too, p_go the mean of the
     0/1 event "reach x conversion >= need and every gate passes", and each stage's
     p5 / p50 / p95 ``np.quantile`` of its draws.

   Accuracy: over 20 seeds, the WORST seed has p_go within +-0.01 and the reachable
   audience (the funnel's last stage) within 2% at p5, p50 and p95 of a reference. The
   reference is 10^7 plain draws, in chunks: p_go by the engine's conditional estimator on
   them (the lowest-variance one), the reach quantiles ``np.quantile`` of the 10^7 draws;
   :func:`plain_mc` on the same draws gives the check ``plain_reference_p_go``, which must
   agree within a few standard errors. References are cached under ``.cache/`` by a
   fingerprint of the inputs, the brand, the engine's source and this file; ``--fresh``
   recomputes them. Each method runs at the smallest power of two that is accurate; the
   ratio is the median wall time of a whole call of plain Monte Carlo at its draw count
   over ours at its draw count, per reference brand; the figure printed last is the
   smaller of the two.

The machine's load (``os.getloadavg()``) is printed with each part: other work on the
machine slows every figure. The last line is ``time_to_accuracy_ratio_vs_plain_mc=``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.data.profile_files import load_profiles
from research.decide.assess import assess
from research.decide.context import make_context
from research.decide.engine import evaluate, needs_of
from research.decide.gates import gate_arrays
from research.model import funnel as market
from research.model.factors import FACTORS, draw_platform, factor, make_brands, platform_inputs
from research.paths import PACKAGE_DIR, ROOT

#: Where the 10^7-draw references are kept between runs: not in ``build/``, the report's
#: output folder, which the report refuses to write into once it holds other files.
CACHE_DIR = ROOT / ".cache" / "bench_models"
WARM_CALLS = 5
REFERENCE_BRANDS = ("fast-fashion", "news-publisher")
REFERENCE_DRAWS = 10_000_000
REFERENCE_CHUNK = 250_000
REFERENCE_SEED = 1_000_000  # chunk i uses seed REFERENCE_SEED + i (the trial seeds are 0-19)
SEEDS = 20
P_GO_TOLERANCE = 0.01  # absolute, on the 0-1 probability
REACH_TOLERANCE = 0.02  # relative, at each of p5, p50, p95
POWERS = range(6, 20)  # draw counts tried: 2^6 .. 2^19
TIMED_CALLS = 7
#: The second stream of :func:`plain_mc` (conversion, need, package size) for a seed.
PLAIN_STREAM = 1
ENGINE_SOURCES = (
    "model/factors.py",
    "model/distributions.py",
    "model/funnel.py",
    "model/quantiles.py",
    "model/dau.py",
    "model/audience.py",
    "model/spend.py",
    "model/categories.py",
    "model/access.py",
    "decide/engine.py",
    "decide/gates.py",
    "decide/context.py",
)


def load() -> str:
    """Return the load averages over 1, 5 and 15 minutes, as text."""
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def warm_assess(ev, a, profiles) -> float:
    """Print each brand's median warm ``assess`` time and return the median over brands (ms)."""
    per_brand = []
    for p in profiles:
        assess(p, ev=ev, a=a)  # warm
        times = []
        for _ in range(WARM_CALLS):
            t0 = time.perf_counter()
            assess(p, ev=ev, a=a)
            times.append(time.perf_counter() - t0)
        per_brand.append(statistics.median(times) * 1e3)
        print(f"{p.slug}: {per_brand[-1]:.1f} ms")
    return statistics.median(per_brand)


class Engine:
    """One brand's p_go and funnel, computed ours (:meth:`ours`) or plainly (:func:`plain_mc`)."""

    def __init__(self, ev, a, profile) -> None:
        self.profile = profile
        self.ctx = make_context(ev, a, profile.as_of)
        self.ins = platform_inputs(ev, a, profile.as_of)
        self.br1 = make_brands([profile], self.ctx.anchors.touchpoints)

    def ours(self, n: int, seed: int) -> tuple[float, np.ndarray]:
        """Return p_go and the reachable audience's p5, p50, p95 from ``n`` draws, by the
        engine's functions called as :func:`research.decide.assess.assess` calls them."""
        v = draw_platform(self.ins, n, seed, "qmc")
        ev1 = evaluate(v, self.br1, self.ctx)
        f1 = {k: np.asarray(x)[0] for k, x in ev1.factors.items()}
        last = market.stages(f1, self.ins, self.profile, v, self.ctx.anchors)[-1]
        return float(ev1.p_go[0]), np.array([last.p5, last.p50, last.p95])

    def plain(self, n: int, seed: int) -> tuple[float, np.ndarray]:
        """Return :func:`plain_mc` of ``n`` draws seeded with ``seed``."""
        return plain_mc(self, draw_platform(self.ins, n, seed, "mc"), seed)

    def run(self, n: int, seed: int, method: str) -> tuple[float, np.ndarray]:
        """Return p_go and the reach's p5, p50, p95 by ``method`` (``ours`` or ``plain``)."""
        return self.ours(n, seed) if method == "ours" else self.plain(n, seed)

    def fingerprint(self) -> str:
        """Return a hash of what the reference depends on: inputs, brand, need, code."""
        h = hashlib.sha256()
        h.update(repr(sorted((k, repr(i.node)) for k, i in self.ins.items())).encode())
        h.update(self.profile.model_dump_json().encode())
        h.update(repr((self.ctx.anchors, self.ctx.conversion, self.ctx.needs)).encode())
        h.update(repr((self.ctx.a.policy, self.ctx.package_if_unstated)).encode())
        h.update(repr((REFERENCE_DRAWS, REFERENCE_CHUNK, REFERENCE_SEED)).encode())
        for name in ENGINE_SOURCES:
            h.update((PACKAGE_DIR / name).read_bytes())
        h.update(Path(__file__).read_bytes())
        return h.hexdigest()[:16]

    def reference(self, fresh: bool) -> dict:
        """Return p_go, the reach's p5, p50, p95 and the check from 10^7 plain draws."""
        path = CACHE_DIR / f"reference-{self.profile.slug}.json"
        key = self.fingerprint()
        if not fresh and path.is_file():
            got = json.loads(path.read_text())
            if got.get("fingerprint") == key:
                return got
        t0 = time.perf_counter()
        p_reach_sum, plain_sum, last, hard = 0.0, 0.0, [], None
        for i in range(REFERENCE_DRAWS // REFERENCE_CHUNK):
            v = draw_platform(self.ins, REFERENCE_CHUNK, REFERENCE_SEED + i, "mc")
            ev1 = evaluate(v, self.br1, self.ctx)
            p_reach_sum += float(ev1.success[0].sum())
            hard = float(ev1.gates.hard[0])
            plain_sum += plain_mc(self, v, REFERENCE_SEED + i)[0] * REFERENCE_CHUNK
            running = np.ones(REFERENCE_CHUNK)
            for _, _, name, _ in market.STEPS:
                running = running * np.asarray(ev1.factors[name])[0]  # the funnel's product
            last.append(running)
            del v, ev1
        p_go = p_reach_sum / REFERENCE_DRAWS * hard
        plain_p_go = plain_sum / REFERENCE_DRAWS
        out = {
            "fingerprint": key,
            "p_go": p_go,
            "reach": np.quantile(np.concatenate(last), market.QUANTILES).tolist(),
            "plain_p_go": plain_p_go,
            "plain_p_go_se": float(np.sqrt(plain_p_go * (1 - plain_p_go) / REFERENCE_DRAWS)),
            "seconds": time.perf_counter() - t0,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out))
        return out


def plain_mc(engine: Engine, v, seed: int) -> tuple[float, np.ndarray]:
    """Return p_go and the reachable audience's p5, p50, p95 by plain Monte Carlo.

    The baseline, not user code: ``v`` are plain draws of every input (numpy's samplers);
    the factors and gates are the engine's (:func:`~research.model.factors.factor`,
    :func:`~research.decide.gates.gate_arrays`), the conversion, the need and an unstated
    package size are drawn from their lognormals with a second stream of ``seed``, p_go is
    the share of draws with reach x conversion >= need and every gate passing, and each
    funnel stage's quantiles are ``np.quantile`` of its draws.
    """
    ctx, br1 = engine.ctx, engine.br1
    n = len(np.asarray(v["spend_le_share"]))
    f = {name: factor(name, v, br1, ctx.anchors)[0] for name in FACTORS}
    f["audience_share"] = f["gender_share"] * f["age_share"] * f["tier_share"]
    running = np.ones(n)
    for _, _, name, _ in market.STEPS:
        running = running * f[name]
        q = np.quantile(running, market.QUANTILES)  # each stage, as the funnel shows them
    rng = np.random.default_rng([seed, PLAIN_STREAM])
    conv, needs = ctx.conversion, needs_of(br1, ctx)
    users = running * np.exp(conv.mu + conv.sigma * rng.standard_normal(n))
    need = np.exp(needs.mu[0] + needs.sigma[0] * rng.standard_normal(n))
    gates = gate_arrays(br1, ctx)
    passes = gates.channels[0] > 0 and gates.price[0] > 0
    if np.isnan(br1.package_mb[0]):
        size = ctx.package_if_unstated
        fits = np.exp(size.mu + size.sigma * rng.standard_normal(n)) <= ctx.package_limit.value
    else:
        fits = gates.package[0] > 0
    event = (users >= need) & fits & passes
    return float(event.mean()), q


def draws_needed(engine: Engine, ref_p: float, ref_reach: np.ndarray, method: str):
    """Return (draw count, worst p_go error, worst relative reach error) of the smallest
    power of two whose worst seed is within both tolerances, or None for the count if none."""
    worst_p = worst_r = float("nan")
    for m in POWERS:
        n = 2**m
        worst_p = worst_r = 0.0
        for seed in range(SEEDS):
            p, reach = engine.run(n, seed, method)
            worst_p = max(worst_p, abs(p - ref_p))
            worst_r = max(worst_r, float(np.max(np.abs(reach / ref_reach - 1.0))))
            if worst_p > P_GO_TOLERANCE or worst_r > REACH_TOLERANCE:
                break
        if worst_p <= P_GO_TOLERANCE and worst_r <= REACH_TOLERANCE:
            return n, worst_p, worst_r
    return None, worst_p, worst_r


def call_ms(engine: Engine, n: int, method: str) -> float:
    """Return the median wall time (ms) of a whole call at ``n`` draws."""
    engine.run(n, 0, method)  # warm
    times = []
    for seed in range(1, TIMED_CALLS + 1):
        t0 = time.perf_counter()
        engine.run(n, seed, method)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def time_to_accuracy(ev, a, profiles, fresh: bool) -> float:
    """Print the draw counts, call times and ratio per reference brand; return the smaller."""
    by_slug = {p.slug: p for p in profiles}
    ratios, needed = [], {"plain": [], "ours": []}
    for slug in REFERENCE_BRANDS:
        engine = Engine(ev, a, by_slug[slug])
        t0 = time.perf_counter()
        ref = engine.reference(fresh)
        ref_p, ref_reach = ref["p_go"], np.array(ref["reach"])
        gap = (ref["plain_p_go"] - ref_p) / max(ref["plain_p_go_se"], 1e-12)
        print(
            f"reference {slug}: p_go={ref_p:.4f} reach p5/p50/p95="
            + "/".join(f"{x:,.0f}" for x in ref_reach)
            + f" ({REFERENCE_DRAWS:,} plain draws, {time.perf_counter() - t0:.1f} s)"
        )
        print(
            f"reference {slug}: plain_reference_p_go={ref['plain_p_go']:.4f} "
            f"(the 0/1 event on the same draws; {gap:+.1f} standard errors from p_go)"
        )
        ms = {}
        for method in ("plain", "ours"):
            n, err_p, err_r = draws_needed(engine, ref_p, ref_reach, method)
            if n is None:
                print(f"{slug} {method}: not within tolerance by {2 ** POWERS[-1]:,} draws")
                return float("nan")
            needed[method].append(n)
            ms[method] = call_ms(engine, n, method)
            print(
                f"{slug} {method}: draws={n} worst p_go error={err_p:.4f} "
                f"worst reach error={err_r:.2%} call={ms[method]:.2f} ms"
            )
        ratios.append(ms["plain"] / ms["ours"])
        print(f"{slug}: time_to_accuracy_ratio={ratios[-1]:.2f}")
    print(f"draws_needed_plain_mc={','.join(str(n) for n in needed['plain'])}")
    print(f"draws_needed_ours={','.join(str(n) for n in needed['ours'])}")
    return min(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--fresh", action="store_true", help="recompute the 10^7 references")
    args = parser.parse_args()
    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    profiles = load_profiles(None, ev)
    print(f"load_before={load()}")
    warm = warm_assess(ev, a, profiles)
    print(f"load_after_assess={load()}")
    print(f"warm_assess_ms={warm:.1f}")
    ratio = time_to_accuracy(ev, a, profiles, args.fresh)
    print(f"load_after_accuracy={load()}")
    print(f"time_to_accuracy_ratio_vs_plain_mc={ratio:.2f}")


if __name__ == "__main__":
    main()
