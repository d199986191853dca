"""Every path the toolkit uses, anchored on this package's own location."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from research.errors import InputError

PACKAGE_DIR: Path = Path(__file__).resolve().parent
ROOT: Path = PACKAGE_DIR.parent
DATASETS_DIR: Path = ROOT / "datasets"
BRANDS_DIR: Path = ROOT / "brands"
NOTEBOOKS_DIR: Path = ROOT / "notebooks"
BUILD_DIR: Path = ROOT / "build"
#: Longest slug, in characters.
SLUG_MAX_CHARS: int = 64


def resolve_datasets(datasets: str | Path | None = None) -> Path:
    """Return the data folder to use: ``datasets`` if given, else the project's own."""
    if datasets is None:
        return DATASETS_DIR
    if not str(datasets).strip():
        raise InputError("--datasets: an empty path is not a folder (leave it out for datasets/)")
    try:
        folder = Path(datasets).expanduser().resolve()
        is_dir = folder.is_dir()
    except (OSError, RuntimeError) as err:  # a link loop, a name too long
        reason = getattr(err, "strerror", None) or str(err)
        raise InputError(f"--datasets: {str(datasets)[:200]} cannot be used ({reason})") from None
    if not is_dir:
        raise InputError(f"--datasets: {str(datasets)[:200]} is not a folder")
    return folder


def display(path: str | Path) -> str:
    """Return ``path`` relative to the working directory when it is inside it (for messages)."""
    p = Path(path)
    try:  # abspath, not resolve: a message must never fail on a link loop
        return str(Path(os.path.abspath(p)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(p)


def slugify(text: str, max_chars: int = SLUG_MAX_CHARS) -> str:
    """Return ``text`` as a file-system-safe slug: 1 to ``max_chars`` characters of ``[a-z0-9-]``.

    The one slug rule of the toolkit (brand folders, chart files). Accents are folded to
    ASCII (``'Café Ünïcode'`` -> ``'cafe-unicode'``) and every other run of characters
    becomes one hyphen, so path separators and ``..`` cannot survive. The result is never
    empty: a blank text gives ``'brand'`` and one with no ASCII letters or digits
    (``'花西子'``) gives ``'brand-'`` plus 8 hex digits of its hash.
    """
    raw = str(text)
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_chars].rstrip("-")
    if slug:
        return slug
    if not raw.strip():
        return "brand"
    digest = hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"brand-{digest}"
