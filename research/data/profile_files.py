"""Reading brand profiles from files: YAML profiles, folders of them, and CSV lists of brands.

Files come from third parties, so they are read defensively: only regular files (no
FIFOs or devices), at most :data:`MAX_FILE_BYTES`, UTF-8, YAML read by
:mod:`research.data.yaml12` (``1e12`` is a number; ``1:30`` is text, not the base-60 number
90; no repeated keys). Every failure is one
:class:`~research.errors.ProfileError` line naming the file (and CSV row).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import Any

from research.data import yaml12
from research.data.evidence import Evidence, load_evidence
from research.data.names import show, show_line
from research.data.profiles import BrandProfile, profile_from_mapping
from research.errors import ProfileError, closest
from research.paths import BRANDS_DIR, display

#: File endings read as YAML profiles.
YAML_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
#: Largest profile or CSV file read, bytes.
MAX_FILE_BYTES: int = 5_000_000
#: Columns of a CSV of brands, one brand per row (the audience fields are flattened).
CSV_REQUIRED_COLUMNS: tuple[str, ...] = (
    "name",
    "category",
    "objective",
    "gender",
    "age_min",
    "age_max",
    "price_rmb",
    "channels",
)
#: Optional CSV columns; an empty cell means "not given" (the field's default).
CSV_OPTIONAL_COLUMNS: tuple[str, ...] = (
    "city_tiers",
    "package_size_mb",
    "needs_daily_users",
    "description",
    "as_of",
    "slug",
)
_AUDIENCE_COLUMNS = ("gender", "age_min", "age_max", "city_tiers")
_NUMBER_COLUMNS = ("age_min", "age_max", "price_rmb", "package_size_mb", "needs_daily_users")


def read_text(path: Path, origin: str) -> str:
    """Return the UTF-8 text of the regular file ``path``, or raise a one-line ProfileError."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ProfileError(f"{origin}: file not found") from None
    except OSError as err:
        raise ProfileError(
            f"{origin}: cannot be read ({err.strerror or type(err).__name__})"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise ProfileError(f"{origin}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ProfileError(f"{origin}: is not a regular file (a pipe, socket or device)")
    if info.st_size > MAX_FILE_BYTES:
        raise ProfileError(
            f"{origin}: is {info.st_size / 1e6:,.1f} MB; a profile or brand list is at most "
            f"{MAX_FILE_BYTES / 1e6:g} MB"
        )
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ProfileError(
            f"{origin}: cannot be read ({err.strerror or type(err).__name__})"
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ProfileError(
            f"{origin}: is not UTF-8 text (bad byte at offset {err.start})"
        ) from None


def parse_yaml(text: str, origin: str) -> Any:
    """Return the YAML document in ``text`` (see :mod:`research.data.yaml12`)."""
    try:
        return yaml12.parse_yaml(text)
    except yaml12.YamlError as err:
        raise ProfileError(show_line(f"{origin}: {err}")) from None


def load_profile(path: str | PathLike[str], ev: Evidence | None = None) -> BrandProfile:
    """Return the BrandProfile in the YAML file ``path``; channels are checked against the
    touch points of ``ev`` (default: the project's evidence)."""
    file = Path(path)
    origin = display(file)
    try:
        is_dir, exists, is_file = file.is_dir(), file.exists(), file.is_file()
    except OSError as err:  # a name too long, say: read_text gives the one-line reason
        read_text(file, origin)
        raise ProfileError(f"{origin[:200]}: cannot be read ({err.strerror})") from None
    if is_dir:
        raise ProfileError(f"{origin}: is a folder; give one profile file (.yaml or .yml)")
    if exists and not is_file:
        raise ProfileError(f"{origin}: is not a regular file (a device, a pipe or a socket)")
    if file.suffix.lower() == ".csv":
        raise ProfileError(
            f"{origin}: a CSV holds many brands; give one profile (.yaml or .yml), or screen "
            "or report the CSV"
        )
    if file.suffix.lower() not in YAML_SUFFIXES and exists:
        raise ProfileError(
            f"{origin}: '{file.suffix}' is not a profile file type (expected .yaml or .yml)"
        )
    data = parse_yaml(read_text(file, origin), origin)
    return profile_from_mapping(data, origin, ev)


def _csv_value(text: str) -> Any:
    """Return a CSV cell as int, float or (if neither) the stripped text."""
    cell = text.strip()
    try:
        return yaml12.number_or_text(cell)  # YAML 1.2's numbers: the profile files' rule
    except ValueError:  # too many digits: left as text, which validation refuses by field
        return cell


def _csv_row_mapping(row: dict[str, str]) -> dict[str, Any]:
    """Return one CSV row as a profile mapping (audience and needs nested; empty cells out)."""
    data: dict[str, Any] = {}
    audience: dict[str, Any] = {}
    for column, raw in row.items():
        cell = raw.strip()
        target = audience if column in _AUDIENCE_COLUMNS else data
        if column == "channels":
            data[column] = [c.strip() for c in cell.split(";") if c.strip()]
        elif not cell:
            continue
        elif column == "city_tiers":
            target[column] = [_csv_value(t) for t in cell.split(";") if t.strip()]
        elif column == "needs_daily_users":
            parts = [_csv_value(t) for t in cell.split(";") if t.strip()]
            data["needs"] = {"daily_users": parts[0] if len(parts) == 1 else parts}
        elif column in _NUMBER_COLUMNS:
            target[column] = _csv_value(cell)
        else:
            target[column] = cell
    data["audience"] = audience
    return data


def _load_csv(path: Path, ev: Evidence) -> list[tuple[BrandProfile, str]]:
    """Return (profile, origin) for each row of the CSV file ``path``."""
    origin = display(path)
    text = read_text(path, origin)
    allowed = CSV_REQUIRED_COLUMNS + CSV_OPTIONAL_COLUMNS
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out = []
    try:
        header = next(reader, None)
        while header is not None and not any(h.strip() for h in header):
            header = next(reader, None)  # blank lines above the header (a spreadsheet's)
        if header is None:
            raise ProfileError(f"{origin}: has no header row (columns: {', '.join(allowed)})")
        header = [h.strip() for h in header]
        for number, column in enumerate(header, start=1):
            if not column:
                raise ProfileError(f"{origin}: column {number} of the header has no name")
            if column not in allowed:
                hint = closest(column, allowed) or " (allowed: " + ", ".join(allowed) + ")"
                raise ProfileError(
                    show_line(f"{origin}: column {show(column)} is not allowed{hint}")
                )
            if header.count(column) > 1:
                raise ProfileError(f"{origin}: column '{column}' appears twice in the header")
        for column in CSV_REQUIRED_COLUMNS:
            if column not in header:
                raise ProfileError(f"{origin}: column '{column}' is required")
        for number, cells in enumerate(reader, start=1):
            where = f"{origin} row {number}"
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise ProfileError(
                    f"{where}: has {len(cells)} cells but the header has {len(header)} columns"
                )
            cells = cells + [""] * (len(header) - len(cells))
            data = _csv_row_mapping(dict(zip(header, cells, strict=True)))
            out.append((profile_from_mapping(data, where, ev), where))
    except csv.Error as err:
        raise ProfileError(
            show_line(f"{origin}: cannot be read as CSV at line {reader.line_num} ({err})")
        ) from None
    if not out:
        raise ProfileError(f"{origin}: has a header but no brands (one brand per row)")
    return out


def _profile_files(folder: Path) -> list[Path]:
    """Return the YAML profiles directly inside ``folder``, sorted by file name: every
    entry named like one, so a broken link or a pipe named ``*.yaml`` is refused by name
    when read rather than silently left out of the results."""
    return sorted(
        (
            p
            for p in folder.iterdir()
            if p.suffix.lower() in YAML_SUFFIXES and not p.name.startswith(".") and not p.is_dir()
        ),
        key=lambda p: p.name,
    )


def load_profiles(
    paths: str | PathLike[str] | Iterable[str | PathLike[str]] | None = None,
    ev: Evidence | None = None,
) -> list[BrandProfile]:
    """Return the BrandProfiles in ``paths``, in the order given.

    ``paths`` are profile files (``.yaml``/``.yml``), folders (every ``*.yaml``/``*.yml``
    directly inside, by name) or ``.csv`` files (one brand per row; ``city_tiers``,
    ``channels`` and a needs range ``;``-separated). Default: the project's ``brands/``.
    A file reached twice is read once; two profiles may not share a slug.
    """
    if paths is None:
        paths = [BRANDS_DIR]
    elif isinstance(paths, str | PathLike):
        paths = [paths]
    items = [Path(p) for p in paths]
    if not items:
        raise ProfileError("no brand profiles given (pass files, folders or .csv files)")
    ev = ev if ev is not None else load_evidence()
    loaded: list[tuple[BrandProfile, str]] = []
    read: set[Path] = set()
    for item in items:
        origin = display(item)
        try:
            is_dir = item.is_dir()
        except OSError as err:
            raise ProfileError(f"{origin}: cannot be read ({err.strerror})") from None
        if is_dir:
            files = _profile_files(item)
            if not files:
                raise ProfileError(f"{origin}: folder holds no brand profiles (*.yaml, *.yml)")
        else:
            files = [item]
        for file in files:
            try:
                key = file.resolve(strict=False)
            except (OSError, RuntimeError) as err:
                raise ProfileError(f"{display(file)}: cannot be read ({err})") from None
            if key in read:
                continue
            read.add(key)
            if file.suffix.lower() == ".csv":
                loaded.extend(_load_csv(file, ev))
            else:
                where = display(file)
                data = parse_yaml(read_text(file, where), where)
                if file.suffix.lower() not in YAML_SUFFIXES:
                    raise ProfileError(
                        f"{where}: '{file.suffix}' is not a profile file type (expected .yaml, "
                        ".yml or .csv)"
                    )
                loaded.append((profile_from_mapping(data, where, ev), where))
    owners: dict[str, str] = {}
    for profile, where in loaded:
        slug = str(profile.slug)
        if slug in owners:
            raise ProfileError(
                f"{where}: slug '{slug}' is already used by {owners[slug]} "
                "(give one of them a distinct 'slug')"
            )
        owners[slug] = where
    return [profile for profile, _ in loaded]
