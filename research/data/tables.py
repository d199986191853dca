"""Load the data package's tables, each validated against its Table Schema.

The field rules (types, ``required``, ``enum``, ``pattern``, ``minimum``/``maximum``,
lengths) are the ``frictionless`` library's own field readers, run on the cells pandas has
read; keys (``unique``, ``primaryKey``, ``x-uniqueKey``, ``foreignKeys``) are compared on
the typed values, as frictionless compares them. Unit ranges come from ``units.csv``
(``pct`` within [0, 100], ``share`` within [0, 1], counts >= 0) and each observation's
unit must be the one ``metrics.csv`` gives its metric.

Every failure raises :class:`~research.errors.DataFileError` whose message is one line
naming the file, the data row (1 = first row under the header), its line and the column.
The test suite also validates the package with the full ``frictionless`` validator.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research.data.descriptor import a_type, key_fields, package_schemas
from research.errors import DataFileError
from research.paths import display

if TYPE_CHECKING:
    from frictionless import Field

#: The resources the toolkit reads; each must have at least one data row.
NEEDED: tuple[str, ...] = ("sources", "units", "metrics", "observations", "touchpoints", "uses")
#: Order in which a column's problems are reported (the first kind found in any row wins).
_RANK: tuple[str, ...] = (
    "required",
    "type",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
)
#: How a broken constraint reads, given the cell's text and the constraint's value.
_BROKEN: dict[str, str] = {
    "pattern": "'{text}' does not match {value}",
    "minLength": "'{text}' is shorter than the minLength {value}",
    "maxLength": "'{text}' is longer than the maxLength {value}",
    "minimum": "{text} is below the minimum {value}",
    "maximum": "{text} is above the maximum {value}",
    "exclusiveMinimum": "{text} is not above the exclusiveMinimum {value}",
    "exclusiveMaximum": "{text} is not below the exclusiveMaximum {value}",
}
_INT64 = (-(2**63), 2**63 - 1)


# --------------------------------------------------------------------------- tables


def _where(path: Path, row: int, column: str) -> str:
    return f"{display(path)}: row {row} (line {row + 1}), column '{column}'"


def _csv_problem(err: Exception) -> str:
    """Return the first line of why pandas could not read a file."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _quote_problem(text: str) -> str | None:
    """Return where the CSV ``text`` breaks the quoting rules (RFC 4180), or None.

    pandas reads a stray quote leniently, pairing it with the next one, so a cell that
    opens a quote and never closes it would shift the rest of the row into other columns.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error as err:
        if "expected after" in str(err):
            return (
                f"line {reader.line_num}: text follows a closing quote (a quote is never "
                "closed, or a quote inside a cell is not doubled)"
            )
        lines = text.splitlines()
        odd = next((n for n, line in enumerate(lines, start=1) if line.count('"') % 2), None)
        if "unexpected end of data" in str(err) and odd is not None:
            return f"a quote is never closed; line {odd} is the first with an odd number of '\"'"
        return f"line {reader.line_num}: {err}"
    return None


def _read_raw(path: Path, names: list[str]) -> pd.DataFrame:
    if path.is_symlink() and not path.exists():
        raise DataFileError(f"{display(path)}: is a broken symbolic link (or a link loop)")
    if not path.exists():
        raise DataFileError(f"{display(path)}: file not found")
    if not path.is_file():
        raise DataFileError(f"{display(path)}: is not a regular file (a folder or a device)")
    try:
        problem = _quote_problem(path.read_text(encoding="utf-8"))
        if problem is None:
            raw = pd.read_csv(
                path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8"
            )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        problem = _csv_problem(err)
    if problem is not None:
        raise DataFileError(f"{display(path)}: cannot be read as CSV ({problem})")
    missing = [n for n in names if n not in raw.columns]
    if missing:
        raise DataFileError(
            f"{display(path)}: missing column '{missing[0]}' (expected columns: {', '.join(names)})"
        )
    raw = raw[names].copy()
    raw.index = pd.RangeIndex(1, len(raw) + 1)
    return raw


def _shown(text: object) -> str:
    """Return a cell's text for a one-line message (line breaks written as ``\\n``)."""
    return str(text).replace("\r", "\\r").replace("\n", "\\n")


def _problem(field: Field, kind: str, text: str) -> str:
    """Return what is wrong with cell ``text`` of ``field`` (``kind``: a frictionless note)."""
    cons = field.constraints
    text = _shown(text)
    if kind == "required":
        return "value is required but empty"
    if kind == "enum":
        allowed = ", ".join(str(v) for v in cons["enum"])
        return f"'{text}' is not allowed (allowed: {allowed})"
    if kind in _BROKEN:
        return _BROKEN[kind].format(text=text, value=cons[kind])
    if field.type == "date":
        use = {"default": " (use YYYY-MM-DD)", "any": ""}.get(
            field.format, f" (use {field.format})"
        )
        return f"'{text}' is not a date{use}"
    if field.type == "boolean":
        return f"'{text}' is not true or false"
    if field.type == "string":
        return f"'{text}' is not a valid {field.format}"
    return f"'{text}' is not {a_type(field)}"


def _convert(path: Path, field: Field, text: pd.Series) -> pd.Series:
    """Return ``text`` read by the field's frictionless cell reader, raising on the worst cell.

    A blank cell counts as empty. Of a column's problems, ``required`` is reported first,
    then type, then the other constraints (see ``_RANK``), each at its first row.
    """
    read = field.create_cell_reader()
    cells = text.where(text.str.strip() != "", "")
    values: list[Any] = []
    worst: tuple[int, int, str] | None = None
    for row, cell in zip(text.index, cells, strict=True):
        value, notes = read(cell)
        if notes is None and value is not None:
            if field.type == "number" and not math.isfinite(value):
                notes = {"type": "not finite"}
            elif field.type == "integer" and not _INT64[0] <= value <= _INT64[1]:
                notes = {"type": "out of range"}
        if notes:
            for kind in notes:
                rank = _RANK.index(kind) if kind in _RANK else len(_RANK)
                worst = min(worst or (rank, row, kind), (rank, row, kind))
            value = None
        values.append(value)
    if worst is not None:
        _, row, kind = worst
        raise DataFileError(f"{_where(path, row, field.name)}: {_problem(field, kind, text[row])}")
    return _typed(field.type, values, text.index)


def _typed(ftype: str, values: list, index: pd.Index) -> pd.Series:
    """Return ``values`` (None where missing) as a Series of the type's pandas dtype."""
    if ftype == "string":
        return pd.Series(values, index=index, dtype="string")
    if ftype == "number":
        return pd.Series([np.nan if v is None else v for v in values], index=index, dtype=float)
    if ftype == "integer":
        return pd.Series(pd.array(values, dtype="Int64"), index=index)
    if ftype == "date":  # via ISO text, so the resolution is pandas's own default
        iso = [None if v is None else v.isoformat() for v in values]
        return pd.to_datetime(pd.Series(iso, index=index, dtype=object), format="%Y-%m-%d")
    return pd.Series([v is True for v in values], index=index, dtype=bool)


def _cells(table: pd.DataFrame, key: list[str]) -> list[tuple]:
    """Return each row's values of ``key`` as a tuple, None where missing."""
    columns = [table[k].astype(object).where(table[k].notna(), None) for k in key]
    return list(zip(*columns, strict=True))


def _check_unique(
    path: Path, raw: pd.DataFrame, table: pd.DataFrame, key: list[str], *, primary: bool = False
) -> None:
    """Raise on the first row whose ``key`` repeats an earlier row's (typed values compared).

    A single-field ``unique`` ignores empty cells; a key whose cells are all empty is an
    error for a primary key and otherwise compared like any value (frictionless's rules).
    """
    seen: set[tuple] = set()
    for row, cells in zip(table.index, _cells(table, key), strict=True):
        if all(c is None for c in cells):
            if primary:
                raise DataFileError(f"{_where(path, row, key[0])}: primary key is empty")
            if len(key) == 1:
                continue
        if cells in seen:
            shown = ", ".join(f"{k}={raw.at[row, k]!r}" for k in key)
            raise DataFileError(
                f"{_where(path, row, key[0])}: duplicate key ({shown}) repeats an earlier row"
            )
        seen.add(cells)


def read_table(datasets_dir: Path, resource: dict) -> pd.DataFrame:
    """Return one resource as a typed DataFrame, validated against its Table Schema."""
    schema = package_schemas(datasets_dir)[1][resource["name"]]
    path = datasets_dir / resource["path"]
    names = [f.name for f in schema.fields]
    raw = _read_raw(path, names)
    table = pd.DataFrame({f.name: _convert(path, f, raw[f.name]) for f in schema.fields})
    for f in schema.fields:
        if f.constraints.get("unique"):
            _check_unique(path, raw, table, [f.name])
    if schema.primary_key:
        _check_unique(path, raw, table, list(schema.primary_key), primary=True)
    natural = key_fields(resource["schema"].get("x-uniqueKey"))
    if natural:
        _check_unique(path, raw, table, natural)
    return table


def check_foreign_keys(
    datasets_dir: Path, descriptor: dict, tables: dict[str, pd.DataFrame]
) -> None:
    """Raise on the first row whose foreign key names no row of the referenced table."""
    schemas = package_schemas(datasets_dir)[1]
    paths = {r["name"]: datasets_dir / r["path"] for r in descriptor["resources"]}
    for resource in descriptor["resources"]:
        name = resource["name"]
        table = tables[name]
        for fk in schemas[name].foreign_keys:
            cols, ref = list(fk["fields"]), fk["reference"]
            target = ref["resource"] or name
            known = set(_cells(tables[target], list(ref["fields"])))
            for row, cells in zip(table.index, _cells(table, cols), strict=True):
                if all(c is None for c in cells) or cells in known:
                    continue
                if len(cols) == 1:
                    what = f"'{_shown(table.at[row, cols[0]])}' is not a known {ref['fields'][0]}"
                else:
                    shown = ", ".join(f"{c}='{_shown(table.at[row, c])}'" for c in cols)
                    what = f"({shown}) is not a known ({', '.join(ref['fields'])})"
                raise DataFileError(
                    f"{_where(paths[name], row, cols[0])}: {what} in {display(paths[target])}"
                )


def check_sources(datasets_dir: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Raise when a source can be found neither on the web (``url``) nor in a stored text
    (``seed_file``), or gives an estimated publication date without saying how."""
    src = tables["sources"]
    path = datasets_dir / "sources.csv"
    row = _first_bad(src["url"].isna() & src["seed_file"].isna())
    if row is not None:
        raise DataFileError(
            f"{_where(path, row, 'url')}: a source needs a 'url' (or the 'seed_file' of its "
            "stored text)"
        )
    row = _first_bad(src["is_published_estimated"] & src["published_note"].isna())
    if row is not None:
        raise DataFileError(
            f"{_where(path, row, 'published_note')}: the publication date is estimated, so "
            "say how (e.g. 'Undated; cites a 2024 figure')"
        )


def check_units(datasets_dir: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Raise when an observation's value is outside its unit's range or its metric's unit."""
    obs, units, metrics = tables["observations"], tables["units"], tables["metrics"]
    inverted = units["minimum"].notna() & units["maximum"].notna()
    inverted &= units["minimum"] > units["maximum"]
    if (row := _first_bad(inverted)) is not None:
        raise DataFileError(
            f"{_where(datasets_dir / 'units.csv', row, 'minimum')}: {units.at[row, 'minimum']:g} "
            f"is above the maximum {units.at[row, 'maximum']:g}"
        )
    path = datasets_dir / "observations.csv"
    lo = obs["unit"].map(units.set_index("unit")["minimum"])
    hi = obs["unit"].map(units.set_index("unit")["maximum"])
    bad = (obs["value"] < lo.fillna(-np.inf)) | (obs["value"] > hi.fillna(np.inf))
    if (row := _first_bad(bad)) is not None:
        lo_s = "" if pd.isna(lo[row]) else f"{lo[row]:g}"
        hi_s = "" if pd.isna(hi[row]) else f"{hi[row]:g}"
        raise DataFileError(
            f"{_where(path, row, 'value')}: {obs.at[row, 'value']:g} is outside "
            f"[{lo_s or '-inf'}, {hi_s or 'inf'}] for unit '{obs.at[row, 'unit']}'"
        )
    expected = obs["metric"].map(metrics.set_index("metric")["unit"])
    bad = expected.notna() & (obs["unit"] != expected)
    if (row := _first_bad(bad)) is not None:
        raise DataFileError(
            f"{_where(path, row, 'unit')}: '{obs.at[row, 'unit']}' does not match the unit "
            f"'{expected[row]}' that metrics.csv gives metric '{obs.at[row, 'metric']}'"
        )


def _first_bad(mask: pd.Series) -> int | None:
    hits = mask[mask.fillna(False).astype(bool)]
    return int(hits.index[0]) if len(hits) else None


def load_tables(datasets_dir: Path) -> dict[str, pd.DataFrame]:
    """Return every resource of the data package as a validated, typed DataFrame."""
    descriptor, _ = package_schemas(datasets_dir)
    resources = descriptor["resources"]
    for needed in NEEDED:
        if needed not in {r["name"] for r in resources}:
            raise DataFileError(
                f"{display(datasets_dir / 'datapackage.json')}: no resource named '{needed}'"
            )
    tables = {}
    for resource in resources:
        table = read_table(datasets_dir, resource)
        if resource["name"] in NEEDED and table.empty:
            raise DataFileError(
                f"{display(datasets_dir / resource['path'])}: has no data rows, only a header"
            )
        tables[resource["name"]] = table
    check_foreign_keys(datasets_dir, descriptor, tables)
    check_sources(datasets_dir, tables)
    check_units(datasets_dir, tables)
    return tables
