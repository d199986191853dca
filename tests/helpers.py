"""Shared helpers for the test suite: run the CLI as a subprocess, edit CSV copies."""

from __future__ import annotations

import ast
import csv
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
import pptx
from lxml import etree
from pptx.oxml.ns import qn

from research.errors import InputError
from research.notebooks import MACHINE_TAG
from research.paths import DATASETS_DIR, ROOT
from research.present.deck import INTERVAL_SERIES, SOURCE_SHAPE

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


def run_main(args: Sequence[str]) -> tuple[int, str, str]:
    """Return ``(exit_code, stdout, stderr)`` of the CLI's ``main(args)`` run in this process.

    The same code path as ``python -m research`` without a new interpreter (1-2 s each);
    the analysis date it pins is restored afterwards.
    """
    import contextlib
    import io
    import os

    from research import clock
    from research.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get(clock.ENV_VAR)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        if saved is None:
            os.environ.pop(clock.ENV_VAR, None)
        else:
            os.environ[clock.ENV_VAR] = saved
    return code, out.getvalue(), err.getvalue()


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


def parameters_of(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """Return the default values in the notebook's cell tagged ``parameters``."""
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise InputError(f"notebook: needs exactly one cell tagged 'parameters', has {len(cells)}")
    values: dict[str, Any] = {}
    for node in ast.parse(cells[0].source).body:
        if not (
            isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets)
        ):
            raise InputError(f"notebook: parameters line {node.lineno} is not 'name = value'")
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            raise InputError(
                f"notebook: parameter on line {node.lineno} is not a plain value"
            ) from None
        values |= {t.id: value for t in node.targets}
    return values


def scorecard_of(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """Return the assessment JSON an executed brand notebook stored (``application/json`` in a
    cell tagged :data:`MACHINE_TAG`); the same dict as ``assess --format json``."""
    for cell in nb.cells:
        if MACHINE_TAG in cell.get("metadata", {}).get("tags", []):
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if "application/json" in data:
                    payload = data["application/json"]
                    return json.loads(payload) if isinstance(payload, str) else dict(payload)
    raise InputError(f"notebook: no application/json output in a cell tagged '{MACHINE_TAG}'")


def read_chart_series(path: str | Path) -> list[dict]:
    """Return, per chart slide of a saved deck, its title, source line and chart data.

    Chart slides are the slides that hold a ``'Source footnote'`` shape, in deck
    order, so the list lines up with ``DeckSpec.questions + DeckSpec.appendix_charts``.

    Parameters
    ----------
    path
        A deck written by :func:`write_deck`.

    Returns
    -------
    list of dict
        ``{'title': str, 'source': str, 'categories': tuple[str, ...],
        'groups': tuple[str, ...], 'series': {name: tuple[float, ...]}}`` per chart
        slide, categories being the leaf labels and groups their parents (empty when the
        axis has one level). An interval chart's low and high series are read back from
        its error bars, so ``series`` holds all of :data:`INTERVAL_SERIES`. Image slides
        have empty ``categories``, ``groups`` and ``series``.
    """
    out: list[dict] = []
    for slide in pptx.Presentation(str(path)).slides:
        footnotes = [s for s in slide.shapes if s.name == SOURCE_SHAPE and s.has_text_frame]
        if not footnotes:
            continue
        charts = [s.chart for s in slide.shapes if getattr(s, "has_chart", False)]
        categories: tuple[str, ...] = ()
        groups: tuple[str, ...] = ()
        series: dict[str, tuple[float, ...]] = {}
        if charts:
            plot = charts[0].plots[0]
            labels = plot.categories.flattened_labels
            categories = tuple(str(c[-1]) for c in labels)
            if plot.categories.depth > 1:
                groups = tuple(str(c[0]) for c in labels)
            for s in plot.series:
                values = tuple(float(v) for v in s.values)
                bars = read_error_bars(s._element, len(values))
                if bars is None:
                    series[s.name] = values
                    continue
                minus, plus = bars
                low, _, high = INTERVAL_SERIES
                series[low] = tuple(v - m for v, m in zip(values, minus, strict=True))
                series[s.name] = values
                series[high] = tuple(v + p for v, p in zip(values, plus, strict=True))
        title = slide.shapes.title
        out.append(
            {
                "title": title.text_frame.text if title is not None else "",
                "source": footnotes[0].text_frame.text,
                "categories": categories,
                "groups": groups,
                "series": series,
            }
        )
    return out


def read_error_bars(ser: etree._Element, n: int) -> tuple[list[float], list[float]] | None:
    """Return ``(minus, plus)`` of a series' custom error bars, or None when it has none."""
    bars = ser.find(qn("c:errBars"))
    if bars is None:
        return None
    out = []
    for tag in ("c:minus", "c:plus"):
        values = [0.0] * n
        for pt in bars.findall(f"{qn(tag)}/{qn('c:numLit')}/{qn('c:pt')}"):
            values[int(pt.get("idx"))] = float(pt.find(qn("c:v")).text)
        out.append(values)
    return out[0], out[1]


#: A valid brand profile (a fast-fashion-like e-commerce seller) that tests vary field by field.
BASE_PROFILE: dict[str, Any] = {
    "name": "Petal Lane",
    "category": "e-commerce",
    "objective": "sales",
    "audience": {"gender": "female", "age_min": 18, "age_max": 30},
    "price_rmb": 200,
    "channels": ["shared_links", "qr_codes"],
    "package_size_mb": 5,
}


def example_profile(**over: Any):
    """Return :data:`BASE_PROFILE` with top-level fields ``over`` replaced, validated against
    the project's data for an analysis in 2040 (every ``as_of`` the data allows is past)."""
    import datetime as dt

    from research.data.evidence import load_evidence
    from research.data.profiles import profile_from_mapping

    data = BASE_PROFILE | over
    return profile_from_mapping(data, "test", load_evidence(), analysis_date=dt.date(2040, 1, 1))
