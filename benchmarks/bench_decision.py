"""Speed of the go/no-go engine: one CLI assessment, and a screen of 10,000 brands.

Run with ``.venv/bin/python benchmarks/bench_decision.py``. Prints figures; it is not a test.

1. Wall time of ``python -m research assess brands/fast-fashion.yaml --format json`` as a
   fresh process, interpreter start included (median of 5 runs after one warm-up run that
   fills the byte-code and disk caches). Goal: under 1.5 s.
2. ``decision.assess_many`` over 10,000 generated profiles (seeded: categories, objectives,
   genders, ages, city tiers, prices log-uniform 10-50,000 RMB, 1-5 channels from
   ``datasets/touchpoints.csv``) at 4,096 draws each, in-process. Only the assessment is
   timed, not the profile generation or the data loading. Goal: under 10 s.

The last line is ``screen_10k_s=<seconds>``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import numpy as np

from research.data import profiles as brand
from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.decide import assess as decision
from research.paths import ROOT
from research.vocab import CATEGORIES, GENDERS, OBJECTIVES, VERDICTS

CLI_RUNS = 5
N_PROFILES = 10_000
DRAWS = 4096
SEED = 20240601
PRICE_RANGE_RMB = (10.0, 50_000.0)


def time_cli_assess(runs: int = CLI_RUNS) -> list[float]:
    """Return the wall times (s) of ``runs`` fresh ``python -m research assess`` processes."""
    cmd = [
        sys.executable,
        "-m",
        "research",
        "assess",
        "brands/fast-fashion.yaml",
        "--format",
        "json",
    ]
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)  # warm-up, not counted
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def make_profiles(n: int, ev, seed: int = SEED) -> list[brand.BrandProfile]:
    """Return ``n`` random but seeded, valid brand profiles."""
    rng = np.random.default_rng(seed)
    touchpoints = [str(t) for t in ev.touchpoints["touchpoint_id"]]
    lo, hi = np.log(PRICE_RANGE_RMB[0]), np.log(PRICE_RANGE_RMB[1])
    profiles = []
    for i in range(n):
        age_min = int(rng.integers(12, 66))
        age_max = min(100, age_min + int(rng.integers(1, 36)))
        tiers = sorted(int(t) for t in rng.choice(5, size=rng.integers(1, 6), replace=False) + 1)
        channels = [str(c) for c in rng.choice(touchpoints, size=rng.integers(1, 6), replace=False)]
        data = {
            "name": f"Generated brand {i}",
            "slug": f"gen-{i}",
            "category": str(rng.choice(CATEGORIES)),
            "objective": str(rng.choice(OBJECTIVES)),
            "audience": {
                "gender": str(rng.choice(GENDERS)),
                "age_min": age_min,
                "age_max": age_max,
                "city_tiers": tiers,
            },
            "price_rmb": float(np.exp(rng.uniform(lo, hi))),
            "channels": channels,
        }
        profiles.append(brand.profile_from_mapping(data, f"generated {i}", ev))
    return profiles


def main() -> None:
    times = time_cli_assess()
    print(
        "assess_cli_s: median {:.2f} (runs: {})".format(
            statistics.median(times), ", ".join(f"{t:.2f}" for t in times)
        )
    )

    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    start = time.perf_counter()
    profiles = make_profiles(N_PROFILES, ev)
    print(f"generate_{N_PROFILES}_profiles_s={time.perf_counter() - start:.2f} (not counted)")

    start, cpu_start = time.perf_counter(), time.process_time()
    table = decision.assess_many(profiles, ev=ev, a=a, draws=DRAWS, seed=decision.DEFAULT_SEED)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    counts = table["verdict"].value_counts().reindex(VERDICTS, fill_value=0)
    print(
        f"screened {len(table)} profiles x {DRAWS} draws: "
        + ", ".join(f"{v} {n}" for v, n in counts.items())
        + f"; {len(table) / elapsed:,.0f} profiles/s; CPU time {cpu:.2f} s"
    )
    print(f"screen_10k_s={elapsed:.2f}")


if __name__ == "__main__":
    main()
