"""Speed of the engine users run: one full ``assess`` of each example brand, warm.

Prints ``warm_assess_ms=`` (median over the example brands of the median of 5 calls).
"""

from __future__ import annotations

import statistics
import time

from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.data.profiles import load_profiles
from research.decide.assess import assess


def main() -> None:
    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    profiles = load_profiles(None, ev)
    per_brand = []
    for p in profiles:
        assess(p, ev=ev, a=a)  # warm
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            assess(p, ev=ev, a=a)
            times.append(time.perf_counter() - t0)
        per_brand.append(statistics.median(times))
        print(f"{p.slug}: {statistics.median(times) * 1e3:.1f} ms")
    print(f"warm_assess_ms={statistics.median(per_brand) * 1e3:.1f}")


if __name__ == "__main__":
    main()
