"""The data package's descriptor, ``datapackage.json``: read, checked and compiled once.

The descriptor follows the Frictionless Table Schema (field types, ``constraints``,
``primaryKey``, ``foreignKeys``); ``x-uniqueKey`` adds a natural key. frictionless's own
descriptor validation imports ``jsonschema``, which alone takes longer than a whole
assessment, so the descriptor is checked here (the checks frictionless would make, each a
one-line :class:`~research.errors.DataFileError` naming ``datapackage.json``, the resource
and the field), then each resource's schema is compiled into a frictionless ``Schema``.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from research.errors import DataFileError, closest
from research.paths import display

if TYPE_CHECKING:
    from frictionless import Field, Schema

#: The field types a table may use (each becomes one pandas dtype; see ``_typed``).
TYPES: tuple[str, ...] = ("boolean", "date", "integer", "number", "string")
#: Field properties passed on to frictionless: its attribute, and the JSON type it needs.
_FIELD_PROPERTIES: dict[str, tuple[str, type]] = {
    "format": ("format", str),
    "trueValues": ("true_values", list),
    "falseValues": ("false_values", list),
    "bareNumber": ("bare_number", bool),
    "groupChar": ("group_char", str),
    "decimalChar": ("decimal_char", str),
}


# --------------------------------------------------------------------------- descriptor


def enum_of(datasets_dir: Path, resource: str, field: str) -> tuple[str, ...]:
    """Return the allowed values of ``field`` in ``resource``, in the datapackage's order."""
    for res in package_schemas(datasets_dir)[0]["resources"]:
        if res["name"] == resource:
            for f in res["schema"]["fields"]:
                if f["name"] == field:
                    return tuple(f.get("constraints", {}).get("enum", ()))
    raise DataFileError(f"datapackage.json: no field '{field}' in resource '{resource}'")


def package_schemas(datasets_dir: Path) -> tuple[dict, dict[str, Schema]]:
    """Return the descriptor and a frictionless Schema per resource (cached per file state)."""
    path = datasets_dir / "datapackage.json"
    if not path.is_file():
        raise DataFileError(f"{display(path)}: file not found (is --datasets the data folder?)")
    stat = path.stat()
    return _load_package(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_package(path: Path, mtime: int, size: int) -> tuple[dict, dict[str, Schema]]:
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataFileError(f"{display(path)}: not valid JSON ({err})") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataFileError(f"{display(path)}: has no 'resources' list")
    resources = descriptor["resources"]
    for number, item in enumerate(resources, start=1):
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
    names = [r["name"] for r in resources]
    if dup := _first_repeat(names):
        raise DataFileError(f"{display(path)}: resource '{dup}' is listed twice")
    fields_of = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in resources}
    schemas = {r["name"]: _compile(path, r, fields_of) for r in resources}
    return descriptor, schemas


def _first_repeat(items: list) -> Any:
    seen: set = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


def key_fields(value: Any) -> list[str] | None:
    """Return a key (a field name or a list of them) as a list, or None if malformed."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _compile(path: Path, resource: dict, fields_of: dict[str, list[str]]) -> Schema:
    """Return the resource's schema as a frictionless Schema, or raise naming what is wrong."""
    from frictionless import Schema

    name, schema = resource["name"], resource["schema"]
    where = f"{display(path)}: resource '{name}'"
    relative = PurePosixPath(resource["path"])
    if relative.is_absolute() or ".." in relative.parts or ":" in resource["path"]:
        raise DataFileError(
            f"{where}: path '{resource['path']}' must be a file inside the data folder"
        )
    names = fields_of[name]
    if dup := _first_repeat(names):
        raise DataFileError(f"{where}: field '{dup}' is listed twice")
    for field in schema["fields"]:
        _check_field(f"{where}, field '{field['name']}'", field)
    missing = schema.get("missingValues", [""])
    if not (isinstance(missing, list) and all(isinstance(m, str) for m in missing)):
        raise DataFileError(f"{where}: 'missingValues' must be a list of texts")
    for key_name in ("primaryKey", "x-uniqueKey"):
        if key_name in schema:
            key = key_fields(schema[key_name])
            if key is None:
                raise DataFileError(
                    f"{where}: '{key_name}' must be a field name or a list of field names"
                )
            for k in key:
                if k not in names:
                    raise DataFileError(
                        f"{where}: '{key_name}' names '{k}', which is not one of its fields"
                        f"{closest(k, names)}"
                    )
    foreign_keys = schema.get("foreignKeys", [])
    if not isinstance(foreign_keys, list):
        raise DataFileError(f"{where}: 'foreignKeys' must be a list")
    for number, fk in enumerate(foreign_keys, start=1):
        _check_foreign_key(path, f"{where}, foreign key {number}", name, fk, fields_of)

    compiled = Schema(
        fields=[_field(f) for f in schema["fields"]],
        missing_values=list(missing),
        primary_key=key_fields(schema.get("primaryKey")) or [],
        foreign_keys=[
            {
                "fields": key_fields(fk["fields"]),
                "reference": {
                    "resource": fk["reference"]["resource"],
                    "fields": key_fields(fk["reference"]["fields"]),
                },
            }
            for fk in foreign_keys
        ],
    )
    for field in compiled.fields:
        fwhere = f"{where}, field '{field.name}'"
        try:
            read = field.create_value_reader()
            field.create_cell_reader()
        except Exception as err:  # e.g. a format whose reader needs a missing package
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise DataFileError(
                f"{fwhere}: frictionless cannot read type '{field.type}' in format "
                f"'{field.format}' ({reason})"
            ) from None
        cons = field.constraints
        for value in cons.get("enum", []):
            if read(value) is None:
                raise DataFileError(
                    f"{fwhere}: enum value {json.dumps(value)} is not {a_type(field)}"
                )
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if key in cons:
                bound = read(cons[key])
                if bound is None or (isinstance(bound, float) and not math.isfinite(bound)):
                    raise DataFileError(
                        f"{fwhere}: constraint '{key}' {json.dumps(cons[key])} is not {a_type(field)}"
                    )
    return compiled


def _field_class(ftype: str) -> type[Field]:
    """Return frictionless's field class for one of :data:`TYPES`."""
    from frictionless import fields

    return {
        "boolean": fields.BooleanField,
        "date": fields.DateField,
        "integer": fields.IntegerField,
        "number": fields.NumberField,
        "string": fields.StringField,
    }[ftype]


def _field(field: dict) -> Field:
    """Return the frictionless field of a checked field descriptor (numbers read as floats)."""
    ftype = field.get("type", "string")
    options = {attr: field[key] for key, (attr, _) in _FIELD_PROPERTIES.items() if key in field}
    if ftype == "number":
        options["float_number"] = True
    constraints = copy.deepcopy(field.get("constraints", {}))
    return _field_class(ftype)(name=field["name"], constraints=constraints, **options)


def _check_field(where: str, field: dict) -> None:
    """Raise on a field descriptor frictionless would misread (the checks it does not make)."""
    ftype = field.get("type", "string")
    if ftype not in TYPES:
        raise DataFileError(
            f"{where}: type {json.dumps(ftype)} is not supported (supported: "
            f"{', '.join(TYPES)}){closest(str(ftype), TYPES)}"
        )
    for key, (_, kind) in _FIELD_PROPERTIES.items():
        value = field.get(key)
        if value is not None and (
            not isinstance(value, kind)
            or (kind is list and not all(isinstance(v, str) for v in value))
        ):
            wanted = {str: "a text", bool: "true or false", list: "a list of texts"}[kind]
            raise DataFileError(f"{where}: '{key}' must be {wanted}, not {json.dumps(value)}")
    cons = field.get("constraints", {})
    if not isinstance(cons, dict):
        raise DataFileError(
            f"{where}: 'constraints' must be an object (e.g. {{\"required\": true}}), "
            f"not {json.dumps(cons)}"
        )
    allowed = [*_field_class(ftype).supported_constraints, "unique"]
    for key, value in cons.items():
        if key not in allowed:
            raise DataFileError(
                f"{where}: constraint '{key}' does not apply to type '{ftype}' (allowed: "
                f"{', '.join(allowed)}){closest(key, allowed)}"
            )
        if key in ("required", "unique") and not isinstance(value, bool):
            raise DataFileError(
                f"{where}: constraint '{key}' must be true or false, not {json.dumps(value)}"
            )
        if key in ("minLength", "maxLength") and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise DataFileError(
                f"{where}: constraint '{key}' must be a whole number >= 0, not {json.dumps(value)}"
            )
        if key == "enum" and not (isinstance(value, list) and value):
            raise DataFileError(
                f"{where}: constraint 'enum' must be a non-empty list, not {json.dumps(value)}"
            )
        if key == "pattern":
            if not isinstance(value, str):
                raise DataFileError(
                    f"{where}: constraint 'pattern' must be a text, not {json.dumps(value)}"
                )
            try:
                re.compile(f"^{value}$")
            except re.error as err:
                raise DataFileError(
                    f"{where}: constraint 'pattern' {json.dumps(value)} is not a valid "
                    f"regular expression ({err})"
                ) from None


def _check_foreign_key(
    path: Path, where: str, name: str, fk: Any, fields_of: dict[str, list[str]]
) -> None:
    ref = fk.get("reference") if isinstance(fk, dict) else None
    fields = key_fields(fk.get("fields")) if isinstance(fk, dict) else None
    ref_fields = key_fields(ref.get("fields")) if isinstance(ref, dict) else None
    if fields is None or ref_fields is None or not isinstance(ref.get("resource"), str):
        raise DataFileError(
            f"{where}: needs 'fields' and a 'reference' with a 'resource' and its 'fields'"
        )
    if len(fields) != len(ref_fields):
        raise DataFileError(
            f"{where}: has {len(fields)} fields ({', '.join(fields)}) but its reference has "
            f"{len(ref_fields)} ({', '.join(ref_fields)}); they must pair up one to one"
        )
    for f in fields:
        if f not in fields_of[name]:
            raise DataFileError(
                f"{where}: names '{f}', which is not one of its fields{closest(f, fields_of[name])}"
            )
    target = ref["resource"] or name  # "" refers to the resource itself
    if target not in fields_of:
        raise DataFileError(
            f"{display(path)}: foreign key of '{name}' names unknown resource '{target}'"
        )
    for f in ref_fields:
        if f not in fields_of[target]:
            raise DataFileError(
                f"{where}: reference names '{f}', which is not a field of '{target}'"
                f"{closest(f, fields_of[target])}"
            )


def a_type(field: Field) -> str:
    """Return ``'a number'``, ``'an integer'``, ... for the field's type."""
    return {"integer": "an integer", "date": "a date", "boolean": "true or false"}.get(
        field.type, f"a {field.type}"
    )
