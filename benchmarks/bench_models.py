"""Speed of the engine ``assess`` runs, and what its quasi-random draws buy over plain ones.

Run with ``.venv/bin/python benchmarks/bench_models.py``. Prints figures; it is not a test.

1. ``warm_assess_ms``: one full :func:`research.decide.assess.assess` of each example brand
   (``brands/*.yaml``; verdict, funnel, sensitivity, flips and research first) at the
   default 4,096 draws in a warm process: the median of 5 calls after one warm-up call,
   per brand, then the median over the brands.
2. ``time_to_accuracy_ratio_vs_plain_mc``: the engine part that turns draws into p_go and
   the funnel (:func:`research.model.factors.draw_platform`,
   :func:`research.decide.engine.evaluate` and the funnel's quantiles,
   :func:`research.model.funnel.stages`, as ``assess`` computes them) run two ways:
   plain Monte Carlo with numpy's samplers (``method="mc"``) and ours, scrambled Sobol
   points (``method="qmc"``). Both integrate the conversion and the need exactly (the
   engine's conditional Monte Carlo); only the draws differ. Each method runs at the
   smallest power-of-two draw count at which, over 20 seeds, the WORST seed has p_go within
   +-0.01 and the reachable audience (the funnel's last stage) within 2% at p5, p50 and p95
   of a reference: 10^7 plain draws through the same functions, in chunks (cached under
   ``build/`` by a fingerprint of the inputs, the brand and the engine's source;
   ``--fresh`` recomputes it). The ratio is the median wall time of a whole call of plain
   Monte Carlo at its draw count over ours at its draw count, per reference brand; the
   figure printed last is the smaller of the two.

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

import numpy as np

from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.data.profile_files import load_profiles
from research.decide.assess import assess
from research.decide.context import make_context
from research.decide.engine import evaluate
from research.model import funnel as market
from research.model.factors import draw_platform, make_brands, platform_inputs
from research.paths import BUILD_DIR, PACKAGE_DIR

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
ENGINE_SOURCES = (
    "model/factors.py",
    "model/distributions.py",
    "model/funnel.py",
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
    """The engine part ``assess`` computes p_go and the funnel with, for one brand."""

    def __init__(self, ev, a, profile) -> None:
        self.profile = profile
        self.ctx = make_context(ev, a, profile.as_of)
        self.ins = platform_inputs(ev, a, profile.as_of)
        self.br1 = make_brands([profile], self.ctx.anchors.touchpoints)

    def run(self, n: int, seed: int, method: str) -> tuple[float, np.ndarray]:
        """Return p_go and the reachable audience's p5, p50, p95 from ``n`` draws."""
        v = draw_platform(self.ins, n, seed, method)
        ev1 = evaluate(v, self.br1, self.ctx)
        f1 = {k: np.asarray(x)[0] for k, x in ev1.factors.items()}
        last = market.stages(f1, self.ins, self.profile)[-1]
        return float(ev1.p_go[0]), np.array([last.p5, last.p50, last.p95])

    def fingerprint(self) -> str:
        """Return a hash of what the reference depends on: inputs, brand, need, code."""
        h = hashlib.sha256()
        h.update(repr(sorted((k, repr(i.node)) for k, i in self.ins.items())).encode())
        h.update(self.profile.model_dump_json().encode())
        h.update(repr((self.ctx.anchors, self.ctx.conversion, self.ctx.needs)).encode())
        h.update(repr(self.ctx.a.policy).encode())
        h.update(repr((REFERENCE_DRAWS, REFERENCE_CHUNK, REFERENCE_SEED)).encode())
        for name in ENGINE_SOURCES:
            h.update((PACKAGE_DIR / name).read_bytes())
        return h.hexdigest()[:16]

    def reference(self, fresh: bool) -> tuple[float, np.ndarray]:
        """Return p_go and the reachable audience's p5, p50, p95 from 10^7 plain draws."""
        path = BUILD_DIR / "bench_models" / f"reference-{self.profile.slug}.json"
        key = self.fingerprint()
        if not fresh and path.is_file():
            got = json.loads(path.read_text())
            if got.get("fingerprint") == key:
                return got["p_go"], np.array(got["reach"])
        t0 = time.perf_counter()
        p_reach_sum, last, hard = 0.0, [], None
        for i in range(REFERENCE_DRAWS // REFERENCE_CHUNK):
            v = draw_platform(self.ins, REFERENCE_CHUNK, REFERENCE_SEED + i, "mc")
            ev1 = evaluate(v, self.br1, self.ctx)
            p_reach_sum += float(ev1.success[0].sum())
            hard = float(ev1.gates.hard[0])
            f1 = {k: np.asarray(x)[0] for k, x in ev1.factors.items()}
            running = np.ones(REFERENCE_CHUNK)
            for _, _, factor, _ in market.STEPS:
                running = running * f1[factor]  # the funnel's running product, as stages
            last.append(running)
            del v, ev1, f1
        p_go = p_reach_sum / REFERENCE_DRAWS * hard
        reach = np.quantile(np.concatenate(last), market.QUANTILES)
        seconds = time.perf_counter() - t0
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {"fingerprint": key, "p_go": p_go, "reach": reach.tolist(), "seconds": seconds}
            )
        )
        return p_go, reach


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
    """Return the median wall time (ms) of a whole engine call at ``n`` draws."""
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
    ratios, needed = [], {"mc": [], "qmc": []}
    for slug in REFERENCE_BRANDS:
        engine = Engine(ev, a, by_slug[slug])
        t0 = time.perf_counter()
        ref_p, ref_reach = engine.reference(fresh)
        print(
            f"reference {slug}: p_go={ref_p:.4f} reach p5/p50/p95="
            + "/".join(f"{x:,.0f}" for x in ref_reach)
            + f" ({REFERENCE_DRAWS:,} plain draws, {time.perf_counter() - t0:.1f} s)"
        )
        ms = {}
        for method in ("mc", "qmc"):
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
        ratios.append(ms["mc"] / ms["qmc"])
        print(f"{slug}: time_to_accuracy_ratio={ratios[-1]:.2f}")
    print(f"draws_needed_plain_mc={','.join(str(n) for n in needed['mc'])}")
    print(f"draws_needed_qmc={','.join(str(n) for n in needed['qmc'])}")
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
