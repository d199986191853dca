"""Time the main job (`python -m research report`) on the example brands, warm environment.

Each run writes every brand's page, deck, scorecard and charts and the index into a fresh
folder. Prints the wall time of each run, the machine's load, and as its last line
``report_s=<seconds>`` (the median).
Usage: .venv/bin/python benchmarks/bench_report.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    brands = sorted((ROOT / "brands").glob("*.yaml"))
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs + 1):  # the first run warms the disk cache
            out = Path(tmp) / f"run-{i}"
            cmd = [sys.executable, "-m", "research", "report", "--out", str(out)]
            start = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
            if i:
                times.append(time.perf_counter() - start)
                print(f"run {i}: {times[-1]:.2f} s for {len(brands)} brands")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"report_s={statistics.median(times):.2f}")


if __name__ == "__main__":
    main()
