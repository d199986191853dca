"""Shared helpers for the test suite: run the CLI as a subprocess, edit CSV copies."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from research.paths import DATASETS_DIR, ROOT

#: The folder every subprocess runs in (the project root, /work/main).
CLI_CWD: Path = ROOT

_ROW = re.compile(r"\brow (\d+) \(line (\d+)\)")


def run_cli(args: Sequence[str], timeout: float = 60) -> tuple[int, str, str]:
    """Return ``(exit_code, stdout, stderr)`` of ``python -m research *args`` in a subprocess."""
    proc = subprocess.run(
        [sys.executable, "-m", "research", *[str(a) for a in args]],
        cwd=CLI_CWD,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


def run_cli_many(arg_lists: Sequence[Sequence[str]]) -> list[tuple[int, str, str]]:
    """Return ``run_cli`` results for several argument lists, run concurrently (one per CPU)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(run_cli, arg_lists))


def copy_datasets(dest: Path) -> Path:
    """Return ``dest/datasets``, a fresh copy of the project's data folder."""
    import shutil

    return Path(shutil.copytree(DATASETS_DIR, dest / "datasets"))


def read_csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Return the header and the data rows (as dicts of strings) of a CSV file."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_csv_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """Write ``rows`` under ``header`` to ``path`` (quoting only where needed)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set ``column`` of data row ``row`` (1 = first row under the header) to ``value``."""
    header, rows = read_csv_rows(path)
    assert column in header, f"{path.name} has no column {column!r}"
    rows[row - 1][column] = value
    write_csv_rows(path, header, rows)


def reported_row(message: str) -> tuple[int, int] | None:
    """Return ``(row, line)`` named in an error message (``row N (line M)``), or None."""
    match = _ROW.search(message)
    return (int(match.group(1)), int(match.group(2))) if match else None
