"""Every path the toolkit uses, anchored on this package's own location."""

from __future__ import annotations

import re
import unicodedata
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


def safe_stem(text: str, max_chars: int) -> str:
    """Return ``text`` as a file-name stem of ``[a-z0-9-]`` only, at most ``max_chars`` long.

    Accents are folded to ASCII and every other run of characters becomes one hyphen, so
    path separators and ``..`` cannot survive. The result may be empty; callers decide.
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return stem[:max_chars].rstrip("-")
