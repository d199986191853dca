"""Load the data package's tables and validate them against ``datapackage.json``.

The descriptor follows the Frictionless Table Schema (field types, ``constraints``,
``primaryKey``, ``foreignKeys``); ``x-uniqueKey`` adds a natural key. Unit ranges come
from ``units.csv`` (``pct`` within [0, 100], ``share`` within [0, 1], counts >= 0).

Every failure raises :class:`~research.errors.DataFileError` whose message is one line
naming the file, the data row (1 = first row under the header), its line and the column.
The test suite also validates the package with the reference ``frictionless`` validator.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from research.errors import DataFileError
from research.paths import display

_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_descriptor(datasets_dir: Path) -> dict:
    """Return the parsed ``datapackage.json`` of ``datasets_dir``."""
    path = datasets_dir / "datapackage.json"
    if not path.is_file():
        raise DataFileError(f"{display(path)}: file not found (is --datasets the data folder?)")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataFileError(f"{display(path)}: not valid JSON ({err})") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataFileError(f"{display(path)}: has no 'resources' list")
    for number, item in enumerate(descriptor["resources"], start=1):
        resource = item if isinstance(item, dict) else {}
        schema = resource.get("schema") if isinstance(resource.get("schema"), dict) else {}
        fields = schema.get("fields")
        if not (
            isinstance(resource.get("name"), str)
            and isinstance(resource.get("path"), str)
            and isinstance(fields, list)
            and all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields)
        ):
            raise DataFileError(
                f"{display(path)}: resource {number} ('{resource.get('name', '?')}') needs a "
                "'name', a 'path' and a 'schema' with a list of named 'fields'"
            )
    return descriptor


def enum_of(datasets_dir: Path, resource: str, field: str) -> tuple[str, ...]:
    """Return the allowed values of ``field`` in ``resource``, in the datapackage's order."""
    for res in load_descriptor(datasets_dir)["resources"]:
        if res["name"] == resource:
            for f in res["schema"]["fields"]:
                if f["name"] == field:
                    return tuple(f.get("constraints", {}).get("enum", ()))
    raise DataFileError(f"datapackage.json: no field '{field}' in resource '{resource}'")


def _where(path: Path, row: int, column: str) -> str:
    return f"{display(path)}: row {row} (line {row + 1}), column '{column}'"


def _read_raw(path: Path, names: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise DataFileError(f"{display(path)}: file not found")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataFileError(f"{display(path)}: cannot be read as CSV ({first})") from None
    missing = [n for n in names if n not in raw.columns]
    if missing:
        raise DataFileError(
            f"{display(path)}: missing column '{missing[0]}' (expected columns: {', '.join(names)})"
        )
    raw = raw[names].copy()
    raw.index = pd.RangeIndex(1, len(raw) + 1)
    return raw


def _first_bad(mask: pd.Series) -> int | None:
    hits = mask[mask]
    return int(hits.index[0]) if len(hits) else None


def _convert(path: Path, field: dict, text: pd.Series) -> pd.Series:
    """Return ``text`` converted to the field's type, raising on the first bad cell."""
    name, ftype = field["name"], field.get("type", "string")
    cons = field.get("constraints", {})
    empty = text.str.strip() == ""
    if cons.get("required") and (row := _first_bad(empty)) is not None:
        raise DataFileError(f"{_where(path, row, name)}: value is required but empty")
    if ftype == "string":
        values = text.astype("string").mask(empty, pd.NA)
        if "enum" in cons:
            bad = ~empty & ~text.isin(cons["enum"])
            if (row := _first_bad(bad)) is not None:
                raise DataFileError(
                    f"{_where(path, row, name)}: '{text[row]}' is not allowed "
                    f"(allowed: {', '.join(cons['enum'])})"
                )
        if "pattern" in cons:
            bad = ~empty & ~text.str.fullmatch(cons["pattern"])
            if (row := _first_bad(bad)) is not None:
                raise DataFileError(
                    f"{_where(path, row, name)}: '{text[row]}' does not match {cons['pattern']}"
                )
        return values
    if ftype in ("number", "integer"):
        numbers = pd.to_numeric(text.str.strip().mask(empty), errors="coerce")
        bad = ~empty & (numbers.isna() | ~np.isfinite(numbers.fillna(0)))
        if ftype == "integer":
            bad |= ~empty & numbers.notna() & (numbers != np.floor(numbers.fillna(0)))
        if (row := _first_bad(bad)) is not None:
            kind = "an integer" if ftype == "integer" else "a number"
            raise DataFileError(f"{_where(path, row, name)}: '{text[row]}' is not {kind}")
        for key, op, word in (("minimum", np.less, "below"), ("maximum", np.greater, "above")):
            if (
                key in cons
                and (row := _first_bad(op(numbers, cons[key]).fillna(False))) is not None
            ):
                raise DataFileError(
                    f"{_where(path, row, name)}: {text[row]} is {word} the {key} {cons[key]}"
                )
        return numbers.astype("Int64") if ftype == "integer" else numbers.astype("float64")
    if ftype == "date":
        parsed = pd.to_datetime(
            text.where(text.str.match(_DATE)), format="%Y-%m-%d", errors="coerce"
        )
        if (row := _first_bad(~empty & parsed.isna())) is not None:
            raise DataFileError(
                f"{_where(path, row, name)}: '{text[row]}' is not a date (use YYYY-MM-DD)"
            )
        return parsed
    if ftype == "boolean":
        bad = ~empty & ~text.isin(_TRUE | _FALSE)
        if (row := _first_bad(bad)) is not None:
            raise DataFileError(f"{_where(path, row, name)}: '{text[row]}' is not true or false")
        return text.isin(_TRUE)
    raise DataFileError(f"{display(path)}: column '{name}' has unsupported type '{ftype}'")


def _check_unique(path: Path, raw: pd.DataFrame, key: list[str]) -> None:
    dup = raw.duplicated(subset=key, keep="first")
    if (row := _first_bad(dup)) is not None:
        shown = ", ".join(f"{k}={raw.at[row, k]!r}" for k in key)
        raise DataFileError(
            f"{_where(path, row, key[0])}: duplicate key ({shown}) repeats an earlier row"
        )


def read_table(datasets_dir: Path, resource: dict) -> pd.DataFrame:
    """Return one resource as a typed DataFrame, validated against its Table Schema."""
    path = datasets_dir / resource["path"]
    fields = resource["schema"]["fields"]
    raw = _read_raw(path, [f["name"] for f in fields])
    table = pd.DataFrame({f["name"]: _convert(path, f, raw[f["name"]]) for f in fields})
    for f in fields:
        if f.get("constraints", {}).get("unique"):
            _check_unique(path, raw, [f["name"]])
    for key_name in ("primaryKey", "x-uniqueKey"):
        key = resource["schema"].get(key_name)
        if key:
            _check_unique(path, raw, [key] if isinstance(key, str) else list(key))
    return table


def check_foreign_keys(
    datasets_dir: Path, descriptor: dict, tables: dict[str, pd.DataFrame]
) -> None:
    """Raise on the first row whose foreign key names no row of the referenced table."""
    for resource in descriptor["resources"]:
        path = datasets_dir / resource["path"]
        table = tables[resource["name"]]
        for fk in resource["schema"].get("foreignKeys", []):
            ref = fk["reference"]
            target = tables.get(ref["resource"])
            if target is None:
                raise DataFileError(
                    f"{display(datasets_dir / 'datapackage.json')}: foreign key of "
                    f"'{resource['name']}' names unknown resource '{ref['resource']}'"
                )
            (col,), (ref_col,) = fk["fields"], ref["fields"]
            allowed = set(target[ref_col].dropna())
            bad = table[col].notna() & ~table[col].isin(allowed)
            if (row := _first_bad(bad)) is not None:
                ref_path = display(
                    datasets_dir
                    / [r for r in descriptor["resources"] if r["name"] == ref["resource"]][0][
                        "path"
                    ]
                )
                raise DataFileError(
                    f"{_where(path, row, col)}: '{table.at[row, col]}' is not a known "
                    f"{ref_col} in {ref_path}"
                )


def check_units(datasets_dir: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Raise when an observation's value is outside its unit's range or its metric's unit."""
    obs, units, metrics = tables["observations"], tables["units"], tables["metrics"]
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


def load_tables(datasets_dir: Path) -> dict[str, pd.DataFrame]:
    """Return every resource of the data package as a validated, typed DataFrame."""
    descriptor = load_descriptor(datasets_dir)
    tables = {r["name"]: read_table(datasets_dir, r) for r in descriptor["resources"]}
    for needed in ("sources", "units", "metrics", "observations", "touchpoints"):
        if needed not in tables:
            raise DataFileError(
                f"{display(datasets_dir / 'datapackage.json')}: no resource named '{needed}'"
            )
    check_foreign_keys(datasets_dir, descriptor, tables)
    check_units(datasets_dir, tables)
    return tables
