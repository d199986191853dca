"""Brand profiles: who the brand sells to, at what price, through which WeChat touch points.

A profile is a small YAML file (or one row of a CSV file) validated into a frozen
:class:`BrandProfile`. Every failure raises :class:`~research.errors.ProfileError` with one
line naming the file (and CSV row), the field as a dotted path, the bad value and what is
allowed, with the closest valid name for a typo::

    brands/x.yaml: field 'audience.gender': 'femal' is not allowed (allowed: female, male, any) (did you mean 'female'?)

Units: ``price_rmb`` is RMB per customer per month (the article's spend question is asked
per month); ``package_size_mb`` is the Mini Program's code package in MB (the platform
limit is 10 MB, not counting media hosted on a server); ages are years.

The ``slug`` names a brand's output folder. It is either given (and must match
:data:`SLUG_PATTERN`) or derived from the name by :func:`slugify`; either way it holds only
``[a-z0-9-]``, so nothing in a profile can make the toolkit write outside its output folder.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
import reprlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from research.data.evidence import Evidence, load_evidence
from research.errors import ProfileError, closest
from research.paths import BRANDS_DIR, display, slugify
from research.vocab import CATEGORIES, GENDERS, OBJECTIVES, TIERS

# Allowed values come from the models that use them (categories, objectives, genders, and
# city tiers, where 5 means fifth tier and below).
CITY_TIERS: tuple[int, ...] = TIERS
#: An explicit slug: 1-64 characters of ``[a-z0-9-]``, starting with a letter or digit.
SLUG_PATTERN: str = r"[a-z0-9][a-z0-9-]{0,63}"
#: Longest brand name, in characters.
NAME_MAX_CHARS: int = 200
#: File endings read as YAML profiles.
YAML_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")

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
    "description",
    "as_of",
    "slug",
)
_AUDIENCE_COLUMNS = ("gender", "age_min", "age_max", "city_tiers")

_SLUG_RE = re.compile(SLUG_PATTERN)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PRICE_RULE = "must be a number >= 0 (RMB per customer per month)"
_AGE_RULE = "must be a whole number of years from 0 to 100"
_SLUG_RULE = "must be 1-64 lowercase letters, digits or hyphens, starting with a letter or digit"

_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 5
_repr.maxlevel = 2


def _show(value: Any) -> str:
    """Return a short one-line rendering of a user's value for a message."""
    try:
        text = _repr.repr(value)
    except (ValueError, RecursionError):  # e.g. an integer too long to print
        return "an integer too long to print"
    return text if len(text) <= 80 else text[:77] + "..."


def _one_line(text: str) -> str:
    """Return ``text`` with every line break or control character escaped."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def _fail(origin: str, detail: str) -> ProfileError:
    """Return a one-line ProfileError ``"<origin>: <detail>"`` (for ``raise``)."""
    return ProfileError(_one_line(f"{origin}: {detail}"))


def _kind(value: Any) -> str:
    """Return a plain-words name of a YAML value's type (``a list``, ``text``, ...)."""
    if value is None:
        return "nothing (empty)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, numbers.Number):
        return "a number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _suggest(value: Any, allowed: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` when ``value`` is text close to an allowed name."""
    if isinstance(value, str) and len(value) <= 64:
        return closest(value.strip().lower(), list(allowed))
    return ""


def _as_number(value: Any) -> float | None:
    """Return ``value`` as a finite float, or None for booleans, text, NaN, inf and others."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        return None
    return number if math.isfinite(number) else None


def _as_whole(value: Any) -> int | None:
    """Return ``value`` as an int when it is a whole number (``18`` or ``18.0``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    number = _as_number(value)
    return int(number) if number is not None and number.is_integer() else None


def _choice(value: Any, allowed: tuple[str, ...]) -> str:
    """Return ``value`` lower-cased if it is one of ``allowed``, else raise ValueError."""
    if isinstance(value, str) and value.strip().lower() in allowed:
        return value.strip().lower()
    raise ValueError(
        f"{_show(value)} is not allowed (allowed: {', '.join(allowed)}){_suggest(value, allowed)}"
    )


def _touchpoint_ids(ev: Evidence | None) -> tuple[str, ...]:
    """Return the touch-point ids of ``ev`` (default: the project's own evidence)."""
    ev = ev if ev is not None else load_evidence()
    return tuple(str(t) for t in ev.touchpoints["touchpoint_id"])


class Audience(BaseModel):
    """Who the brand sells to: gender, an age range (years) and city tiers (1-5)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gender: Literal["female", "male", "any"] = Field(description="female, male or any")
    age_min: int = Field(description="youngest customer targeted, years (0-100)")
    age_max: int = Field(description="oldest customer targeted, years (0-100, >= age_min)")
    city_tiers: tuple[int, ...] = Field(
        default=CITY_TIERS, description="city tiers targeted, 1-5 (5 = fifth tier and below)"
    )

    @field_validator("gender", mode="before")
    @classmethod
    def _check_gender(cls, value: Any) -> str:
        return _choice(value, GENDERS)

    @field_validator("age_min", "age_max", mode="before")
    @classmethod
    def _check_age(cls, value: Any) -> int:
        age = _as_whole(value)
        if age is None or not 0 <= age <= 100:
            raise ValueError(f"{_show(value)} {_AGE_RULE}")
        return age

    @field_validator("age_max")
    @classmethod
    def _check_age_order(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("age_min")
        if low is not None and value < low:
            raise ValueError(
                f"{value} is below age_min {low}: the age range is inverted "
                f"(age_min must be <= age_max)"
            )
        return value

    @field_validator("city_tiers", mode="before")
    @classmethod
    def _check_tiers(cls, value: Any) -> tuple[int, ...]:
        if not isinstance(value, list | tuple):
            raise ValueError(
                f"{_show(value)} must be a list of city tiers from 1 to 5 (e.g. [1, 2, 3])"
            )
        if not value:
            raise ValueError("[] must list at least one city tier from 1 to 5")
        tiers = []
        for item in value:
            tier = _as_whole(item)
            if tier not in CITY_TIERS:
                raise ValueError(
                    f"{_show(item)} is not a city tier (allowed: 1, 2, 3, 4, 5; "
                    f"5 means fifth tier and below)"
                )
            tiers.append(tier)
        return tuple(sorted(set(tiers)))


class BrandProfile(BaseModel):
    """A brand to assess: category, objective, audience, price and planned touch points.

    Build one with :func:`load_profile`, :func:`load_profiles` or
    :func:`profile_from_mapping`, which turn every validation failure into a one-line
    :class:`~research.errors.ProfileError`. ``slug`` is always set after validation (given,
    or derived from ``name`` by :func:`slugify`). Lists are stored as tuples.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="brand or product name, one line")
    category: Literal["e-commerce", "games", "news", "utility"] = Field(
        description="Mini Program category"
    )
    objective: Literal["sales", "engagement", "loyalty", "service"] = Field(
        description="what the brand wants from the Mini Program"
    )
    audience: Audience = Field(description="who the brand sells to")
    price_rmb: float = Field(description="typical spend, RMB per customer per month (>= 0)")
    channels: tuple[str, ...] = Field(
        description="planned touch points (touchpoint_id in datasets/touchpoints.csv)"
    )
    package_size_mb: float | None = Field(
        default=None, description="code package size, MB (> 0); None = not stated (assumed)"
    )
    description: str = Field(default="", description="free text for reports")
    as_of: date | None = Field(default=None, description="date of the figures; None = latest")
    slug: str | None = Field(
        default=None,
        validate_default=True,
        description="output folder name; None = slugify(name)",
    )

    @field_validator("name", mode="before")
    @classmethod
    def _check_name(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f'{_show(value)} must be text (quote it in YAML, e.g. name: "2048")')
        text = value.strip()
        if not text or len(text) > NAME_MAX_CHARS or not text.isprintable():
            raise ValueError(
                f"{_show(value)} must be non-empty text on one line "
                f"(at most {NAME_MAX_CHARS} characters)"
            )
        return text

    @field_validator("category", mode="before")
    @classmethod
    def _check_category(cls, value: Any) -> str:
        return _choice(value, CATEGORIES)

    @field_validator("objective", mode="before")
    @classmethod
    def _check_objective(cls, value: Any) -> str:
        return _choice(value, OBJECTIVES)

    @field_validator("audience", mode="before")
    @classmethod
    def _check_audience(cls, value: Any) -> Any:
        if isinstance(value, Audience):
            return value
        if not isinstance(value, Mapping):
            raise ValueError(
                f"{_show(value)} must be a mapping with gender, age_min, age_max "
                f"and optionally city_tiers"
            )
        for key in value:
            if not isinstance(key, str):
                raise ValueError(f"field names must be text; got {_show(key)}")
        return dict(value)

    @field_validator("price_rmb", mode="before")
    @classmethod
    def _check_price(cls, value: Any) -> float:
        price = _as_number(value)
        if price is None or price < 0:
            raise ValueError(f"{_show(value)} {_PRICE_RULE}")
        return price

    @field_validator("channels", mode="before")
    @classmethod
    def _check_channels(cls, value: Any, info: ValidationInfo) -> tuple[str, ...]:
        context = info.context if isinstance(info.context, Mapping) else {}
        known = tuple(context["touchpoints"] if "touchpoints" in context else _touchpoint_ids(None))
        if not isinstance(value, list | tuple):
            raise ValueError(
                f"{_show(value)} must be a list of touch-point ids (e.g. [shared_links, qr_codes])"
            )
        channels: list[str] = []
        for item in value:
            channel = item.strip() if isinstance(item, str) else item
            if not isinstance(channel, str) or channel not in known:
                raise ValueError(
                    f"{_show(item)} is not a known touch point{_suggest(item, known)} "
                    f"(allowed: {', '.join(known)})"
                )
            if channel not in channels:
                channels.append(channel)
        return tuple(channels)

    @field_validator("package_size_mb", mode="before")
    @classmethod
    def _check_package(cls, value: Any) -> float | None:
        if value is None:
            return None
        size = _as_number(value)
        if size is None or size <= 0:
            raise ValueError(f"{_show(value)} must be a number > 0 (MB; leave it out if not known)")
        return size

    @field_validator("description", mode="before")
    @classmethod
    def _check_description(cls, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError(f"{_show(value)} must be text")
        return value.strip()

    @field_validator("as_of", mode="before")
    @classmethod
    def _check_as_of(cls, value: Any) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError(f"{_show(value)} must be a date YYYY-MM-DD (leave it out for latest)")

    @field_validator("slug", mode="before")
    @classmethod
    def _check_slug(cls, value: Any, info: ValidationInfo) -> str | None:
        if value is None:
            name = info.data.get("name")
            return slugify(name) if isinstance(name, str) else None
        if not isinstance(value, str) or not _SLUG_RE.fullmatch(value):
            raise ValueError(f"{_show(value)} {_SLUG_RULE}")
        return value

    @property
    def is_package_size_stated(self) -> bool:
        """Return True when the profile states ``package_size_mb`` (else it is assumed)."""
        return self.package_size_mb is not None


_PROFILE_FIELDS: tuple[str, ...] = tuple(BrandProfile.model_fields)
_AUDIENCE_FIELDS: tuple[str, ...] = tuple(Audience.model_fields)


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(_show(p) if not isinstance(p, str) else p for p in loc)


def _translate(err: ValidationError) -> str:
    """Return the first error of a pydantic ValidationError as ``field '...': ...``.

    An unknown field is reported before a missing one, so a typo in a required field
    ('price_rbm') is named with its suggestion rather than as 'price_rmb is required'.
    """
    errors = err.errors()
    first = next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0])
    loc = tuple(first.get("loc", ()))
    path = _field_path(loc)
    kind = first.get("type", "")
    if kind == "missing":
        return f"field '{path}' is required"
    if kind == "extra_forbidden":
        allowed = _AUDIENCE_FIELDS if loc[:1] == ("audience",) else _PROFILE_FIELDS
        hint = _suggest(loc[-1], allowed) or f" (allowed: {', '.join(allowed)})"
        return f"field '{path}' is not allowed{hint}"
    error = (first.get("ctx") or {}).get("error")
    detail = str(error) if isinstance(error, ValueError) else first.get("msg", "is not valid")
    if kind != "value_error":
        detail = f"{_show(first.get('input'))} is not valid ({detail})"
    return f"field '{path}': {detail}" if path else detail


def profile_from_mapping(data: Any, origin: str, ev: Evidence | None = None) -> BrandProfile:
    """Return the BrandProfile described by ``data`` (parsed YAML or one CSV row).

    Parameters
    ----------
    data : Mapping
        Field names to values, as in a YAML profile (``audience`` nested).
    origin : str
        Where ``data`` came from, for messages (``"brands/x.yaml"``, ``"my.csv row 3"``).
    ev : Evidence, optional
        Evidence whose ``touchpoints`` table lists the allowed channels; default the
        project's ``datasets/``.

    Raises
    ------
    ProfileError
        One line: origin, field (dotted path), bad value and what is allowed.
    """
    if not isinstance(data, Mapping):
        raise _fail(
            origin,
            f"top level must be a mapping of fields ({', '.join(_PROFILE_FIELDS)}); "
            f"got {_kind(data)}",
        )
    for key in data:
        if not isinstance(key, str):
            raise _fail(origin, f"field names must be text; got {_show(key)}")
    context = {"touchpoints": _touchpoint_ids(ev)}
    try:
        return BrandProfile.model_validate(dict(data), context=context)
    except ValidationError as err:
        raise _fail(origin, _translate(err)) from None


def profile_to_dict(profile: BrandProfile) -> dict[str, Any]:
    """Return ``profile`` as a JSON-safe dict (dates as ``YYYY-MM-DD``, tuples as lists).

    The result loads back into an equal profile through :func:`profile_from_mapping`.
    """
    return profile.model_dump(mode="json")


def resolve_output_dir(profile: BrandProfile, root: str | PathLike[str]) -> Path:
    """Return ``root/<slug>``, the brand's output folder, checked to be directly in ``root``.

    Raises ProfileError if the folder would resolve elsewhere (e.g. ``root/<slug>`` is a
    symbolic link out of ``root``). Nothing is created.
    """
    base = Path(root).resolve()
    slug = profile.slug or slugify(profile.name)
    target = (base / slug).resolve()
    if not _SLUG_RE.fullmatch(slug) or target.parent != base:
        raise ProfileError(_one_line(f"slug '{slug}': output folder {target} is outside {base}"))
    return target


def _read_text(path: Path, origin: str) -> str:
    """Return the UTF-8 text of ``path`` or raise a one-line ProfileError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(origin, "file not found") from None
    except IsADirectoryError:
        raise _fail(origin, "is a folder, not a file") from None
    except OSError as err:
        raise _fail(origin, f"cannot be read ({err.strerror or type(err).__name__})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _fail(origin, f"is not UTF-8 text (bad byte at offset {err.start})") from None


def _yaml_where(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or getattr(err, "context", None)
    if not problem:
        lines = str(err).strip().splitlines()
        problem = lines[0] if lines else type(err).__name__
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"invalid YAML{where}: {problem}"


def _check_duplicate_keys(text: str, origin: str) -> None:
    """Raise ProfileError when the top level or ``audience`` repeats a key (YAML keeps the last)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return
    nodes = [root] if isinstance(root, yaml.MappingNode) else []
    seen_nodes = 0
    while nodes and seen_nodes < 2:
        node = nodes.pop(0)
        seen_nodes += 1
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            line = key_node.start_mark.line + 1
            if key_node.value in seen:
                raise _fail(
                    origin,
                    f"invalid YAML at line {line}, column {key_node.start_mark.column + 1}: "
                    f"key '{key_node.value}' repeats line {seen[key_node.value]}",
                )
            seen[key_node.value] = line
            if key_node.value == "audience" and isinstance(value_node, yaml.MappingNode):
                nodes.append(value_node)


def _parse_yaml(path: Path, origin: str) -> Any:
    """Return the parsed YAML document of ``path`` (safe_load) or raise ProfileError."""
    text = _read_text(path, origin)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise _fail(origin, _yaml_where(err)) from None
    except (ValueError, RecursionError, OverflowError) as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise _fail(origin, f"cannot be read as YAML ({first})") from None
    _check_duplicate_keys(text, origin)
    return data


def load_profile(path: str | PathLike[str], ev: Evidence | None = None) -> BrandProfile:
    """Return the BrandProfile in the YAML file ``path``.

    Parameters
    ----------
    path : str or PathLike
        A ``.yaml`` or ``.yml`` file holding one profile (read with ``yaml.safe_load``).
    ev : Evidence, optional
        Evidence whose touch points the channels are checked against; default
        ``load_evidence()``. Pass the evidence of ``--datasets`` to use another data folder.

    Raises
    ------
    ProfileError
        One line naming the file, the field, the bad value and what is allowed.
    """
    file = Path(path)
    origin = display(file)
    if file.is_dir():
        raise _fail(origin, "is a folder, not a profile file (load_profiles reads folders)")
    if file.exists() and file.suffix.lower() not in YAML_SUFFIXES:
        raise _fail(
            origin,
            f"'{file.suffix}' is not a profile file type (expected .yaml or .yml; "
            f"load_profiles also reads .csv)",
        )
    return profile_from_mapping(_parse_yaml(file, origin), origin, ev)


def _csv_value(text: str) -> Any:
    """Return a CSV cell as int, float or (if neither) the stripped text."""
    cell = text.strip()
    for convert in (int, float):
        try:
            return convert(cell)
        except ValueError:
            continue
    return cell


def _csv_row_mapping(row: dict[str, str]) -> dict[str, Any]:
    """Return one CSV row as a profile mapping (audience nested; empty cells left out)."""
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
        elif column in ("age_min", "age_max", "price_rmb", "package_size_mb"):
            target[column] = _csv_value(cell)
        else:
            target[column] = cell
    data["audience"] = audience
    return data


def _load_csv(path: Path, ev: Evidence | None) -> list[tuple[BrandProfile, str]]:
    """Return (profile, origin) for each row of the CSV file ``path``."""
    origin = display(path)
    text = _read_text(path, origin)
    allowed = CSV_REQUIRED_COLUMNS + CSV_OPTIONAL_COLUMNS
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise _fail(origin, f"has no header row (columns: {', '.join(allowed)})")
        header = [h.strip() for h in header]
        for number, column in enumerate(header, start=1):
            if not column:
                raise _fail(origin, f"column {number} of the header has no name")
            if column not in allowed:
                raise _fail(
                    origin,
                    f"column '{column}' is not allowed"
                    f"{_suggest(column, allowed) or ' (allowed: ' + ', '.join(allowed) + ')'}",
                )
            if header.count(column) > 1:
                raise _fail(origin, f"column '{column}' appears twice in the header")
        for column in CSV_REQUIRED_COLUMNS:
            if column not in header:
                raise _fail(origin, f"column '{column}' is required")
        out = []
        for number, cells in enumerate(reader, start=1):
            where = f"{origin} row {number}"
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise _fail(
                    where, f"has {len(cells)} cells but the header has {len(header)} columns"
                )
            cells = cells + [""] * (len(header) - len(cells))
            data = _csv_row_mapping(dict(zip(header, cells, strict=True)))
            out.append((profile_from_mapping(data, where, ev), where))
    except csv.Error as err:
        raise _fail(origin, f"cannot be read as CSV at line {reader.line_num} ({err})") from None
    if not out:
        raise _fail(origin, "has a header but no brands (one brand per row)")
    return out


def _profile_files(folder: Path) -> list[Path]:
    """Return the YAML profiles directly inside ``folder``, sorted by file name."""
    return sorted(
        (
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() in YAML_SUFFIXES and not p.name.startswith(".")
        ),
        key=lambda p: p.name,
    )


def load_profiles(
    paths: str | PathLike[str] | Iterable[str | PathLike[str]] | None = None,
    ev: Evidence | None = None,
) -> list[BrandProfile]:
    """Return the BrandProfiles in ``paths``, in the order given.

    Parameters
    ----------
    paths : path or iterable of paths, optional
        Profile files (``.yaml``/``.yml``), folders (every ``*.yaml``/``*.yml`` directly
        inside, sorted by name) or ``.csv`` files (one brand per row; see
        :data:`CSV_REQUIRED_COLUMNS`, ``city_tiers`` and ``channels`` ``;``-separated).
        Default: the project's ``brands/`` folder. A file reached twice is read once.
    ev : Evidence, optional
        Evidence whose touch points the channels are checked against; default
        ``load_evidence()``.

    Raises
    ------
    ProfileError
        One line for the first bad file or row, a folder with no profiles, or two
        profiles with the same slug (naming both origins).
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
        if item.is_dir():
            files = _profile_files(item)
            if not files:
                raise _fail(origin, "folder holds no brand profiles (*.yaml, *.yml)")
        elif not item.exists():
            raise _fail(origin, "file not found")
        else:
            files = [item]
        for file in files:
            key = file.resolve()
            if key in read:
                continue
            read.add(key)
            if file.suffix.lower() == ".csv":
                loaded.extend(_load_csv(file, ev))
            else:
                loaded.append((load_profile(file, ev), display(file)))
    owners: dict[str, str] = {}
    for profile, where in loaded:
        slug = str(profile.slug)
        if slug in owners:
            raise _fail(
                where,
                f"slug '{slug}' is already used by {owners[slug]} "
                f"(give one of them a distinct 'slug')",
            )
        owners[slug] = where
    return [profile for profile, _ in loaded]
