"""Every path the toolkit uses, anchored on this package's own location."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent
ROOT: Path = PACKAGE_DIR.parent
DATASETS_DIR: Path = ROOT / "datasets"
BRANDS_DIR: Path = ROOT / "brands"
NOTEBOOKS_DIR: Path = ROOT / "notebooks"
BUILD_DIR: Path = ROOT / "build"
SEEDS_DIR: Path = ROOT.parent / "shared" / "seeds"


def resolve_datasets(datasets: str | Path | None = None) -> Path:
    """Return the data folder to use: ``datasets`` if given, else the project's own."""
    return Path(datasets).expanduser().resolve() if datasets else DATASETS_DIR


def display(path: str | Path) -> str:
    """Return ``path`` relative to the working directory when it is inside it (for messages)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
