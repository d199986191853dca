"""Own compute time of each curated notebook (sum of its cells' run times, kernel start-up
excluded) and the wall time of a whole run. Prints figures; it is not a test.

Run ``.venv/bin/python benchmarks/bench_notebooks.py``. The goal is about 3 s of own compute
per notebook; the last line is ``notebook_max_s=<slowest notebook's own compute>``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from research import notebooks


def own_compute_s(nb: nbformat.NotebookNode) -> float:
    """Return the summed run time of the notebook's code cells (seconds)."""
    total = 0.0
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start = pd.Timestamp(timing["iopub.execute_input"])
            end = pd.Timestamp(timing["shell.execute_reply"])
            total += (end - start).total_seconds()
    return total


def main() -> None:
    worst = 0.0
    for path in notebooks.notebook_paths():
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=notebooks.KERNEL_NAME,
            timeout=notebooks.TIMEOUT_S,
            record_timing=True,
            extra_arguments=notebooks.KERNEL_ARGS,
            resources={"metadata": {"path": str(path.parent)}},
        )
        t0 = time.perf_counter()
        client.execute()
        wall = time.perf_counter() - t0
        own = own_compute_s(nb)
        worst = max(worst, own)
        print(f"{path.stem:<32} own compute {own:5.2f} s   wall (with kernel start) {wall:5.2f} s")
    print(f"notebook_max_s={worst:.2f}")


if __name__ == "__main__":
    main()
