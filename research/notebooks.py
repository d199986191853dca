"""Run the curated notebooks: refresh their stored outputs, or run the go/no-go analysis for
any brand with papermill and publish it as HTML (code hidden).

``python -m research notebooks`` (``make notebooks``) re-executes every notebook in place
after a change; ``report`` calls :func:`write_analysis` for each brand.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from research.files import write_atomic
from research.paths import NOTEBOOKS_DIR

KERNEL_NAME = "python3"
ANALYSIS_NOTEBOOK = NOTEBOOKS_DIR / "06-go-no-go.ipynb"
TIMEOUT_S = 300  # per cell
#: Kernel options: only errors on the kernel's own log (not the notebook's outputs).
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]
#: The parameters every brand notebook takes (the cell tagged ``parameters``).
PARAMETERS = ("profile_path", "seed", "draws", "as_of", "datasets")
#: Cells with this tag hold machine-readable results; the HTML export leaves them out.
MACHINE_TAG = "machine-readable"


def notebook_paths(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Return the curated notebooks, in reading order (``NN-name.ipynb``)."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if p.is_file())


def execute(nb: nbformat.NotebookNode, cwd: Path = NOTEBOOKS_DIR) -> nbformat.NotebookNode:
    """Return ``nb`` executed top to bottom in a fresh kernel started in ``cwd``.

    No timing metadata is recorded, so the same inputs give the same notebook file.
    """
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=TIMEOUT_S,
        record_timing=False,
        extra_arguments=KERNEL_ARGS,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return nb


def refresh(paths: Sequence[Path] | None = None) -> list[Path]:
    """Return the notebooks re-executed in place (default: all of them).

    Each is written only after it ran without error; a failing notebook raises and keeps
    its previous outputs.
    """
    done = []
    for path in paths or notebook_paths():
        nb = nbformat.read(path, as_version=4)
        execute(nb, path.parent)
        write_atomic(path, nbformat.writes(nb) + "\n")
        done.append(Path(path))
    return done


def run_analysis(
    profile_path: str | Path,
    *,
    seed: int,
    draws: int,
    as_of: str | None = None,
    datasets: str | Path | None = None,
    notebook: Path = ANALYSIS_NOTEBOOK,
) -> nbformat.NotebookNode:
    """Return the go/no-go notebook executed by papermill for one brand profile file."""
    import papermill

    params = {
        "profile_path": str(Path(profile_path).resolve()),
        "seed": int(seed),
        "draws": int(draws),
        "as_of": as_of,
        "datasets": None if datasets is None else str(Path(datasets).resolve()),
    }
    return papermill.execute_notebook(
        str(notebook),
        None,
        parameters=params,
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        cwd=str(notebook.parent),
        execution_timeout=TIMEOUT_S,
        extra_arguments=KERNEL_ARGS,
    )


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Return the executed notebook as a stand-alone HTML page with the code hidden."""
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.remove_cell_tags = {MACHINE_TAG}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config)
    # nbconvert gives charts a generic alt text and warns that it did; the warning is noise.
    exporter.log.setLevel(logging.ERROR)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def write_analysis(
    profile_path: str | Path,
    out_dir: Path,
    title: str,
    *,
    seed: int,
    draws: int,
    datasets: str | Path | None = None,
) -> dict[str, Path]:
    """Return ``analysis.ipynb`` and ``analysis.html`` written to ``out_dir`` for one brand."""
    nb = run_analysis(profile_path, seed=seed, draws=draws, datasets=datasets)
    return {
        "analysis_ipynb": write_atomic(out_dir / "analysis.ipynb", nbformat.writes(nb) + "\n"),
        "analysis": write_atomic(out_dir / "analysis.html", to_html(nb, title)),
    }
