"""Time the main job (`python -m research report`) on the example brands, warm environment.

Prints the wall time of each run, first without the papermill analysis pages
(``--no-notebooks``: scorecards, charts, decks, index), then the full job, and as its last
line ``report_s=<seconds>`` (the median of the full job).
Usage: .venv/bin/python benchmarks/bench_report.py [--runs N]
"""

from __future__ import annotations

import argparse
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
    medians = {}
    for label, extra in (("without analysis pages", ["--no-notebooks"]), ("full job", [])):
        times = []
        with tempfile.TemporaryDirectory() as out:
            cmd = [sys.executable, "-m", "research", "report", "--out", out, *extra]
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)  # warm-up
            for i in range(args.runs):
                start = time.perf_counter()
                subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
                times.append(time.perf_counter() - start)
                print(f"{label}: run {i + 1}: {times[-1]:.2f} s for {len(brands)} brands")
        medians[label] = statistics.median(times)
        print(f"{label}: median {medians[label]:.2f} s")
    print(f"report_s={medians['full job']:.2f}")


if __name__ == "__main__":
    main()
