"""The curated notebooks: list them and re-execute them in place (refresh stored outputs).

``python -m research notebooks`` (``make notebooks``) re-executes every notebook after a
change; nothing else runs a kernel. A strategist runs a notebook for their own brand with
papermill (see the README).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from research.errors import InputError
from research.files import write_atomic
from research.paths import NOTEBOOKS_DIR

KERNEL_NAME = "python3"
TIMEOUT_S = 300  # per cell
#: Kernel options: only errors on the kernel's own log (not the notebook's outputs).
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]
#: The parameters every brand notebook takes (the cell tagged ``parameters``).
PARAMETERS = ("profile_path", "seed", "draws", "as_of", "datasets", "analysis_date")
#: Cells with this tag hold machine-readable results.
MACHINE_TAG = "machine-readable"


def notebook_paths(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Return the curated notebooks, in reading order (``NN-name.ipynb``)."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if p.is_file())


def check_notebook(path: Path) -> None:
    """Raise :class:`~research.errors.InputError` unless ``path`` is a valid notebook."""
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as err:  # nbformat raises JSON, schema and reader errors of many kinds
        first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        raise InputError(f"{path}: not a valid notebook ({first})") from None


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
