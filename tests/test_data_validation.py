"""Bad data fails loudly: exit 2, one line on stderr naming the file, row and column.

Each case corrupts a copy of ``datasets/`` and runs ``python -m research CMD --datasets COPY``
as a real subprocess (all of them started together by one module fixture, to keep the suite
fast). Every case runs for the first command; each further command runs one case (round
robin), so every command is covered. ``EXTRA_CASES`` (more ways to break a table) and
``DESCRIPTOR_CASES`` (ways to break ``datapackage.json``) are checked in-process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from helpers import (
    CLI_CWD,
    copy_datasets,
    edit_cell,
    read_csv_rows,
    reported_row,
    run_cli_many,
    write_csv_rows,
)

from research.cli import main
from research.data.evidence import load_evidence
from research.data.tables import load_tables
from research.errors import DataFileError

#: Commands that read the data package (later commands are appended here).
COMMANDS: list[list[str]] = [["figures"], ["figures", "--format", "json"], ["report"]]


@dataclass(frozen=True)
class Case:
    """One way to corrupt the data, and what the one-line error must say."""

    name: str
    corrupt: Callable[[Path], None]
    file: str
    row: int | None = None
    column: str | None = None
    says: tuple[str, ...] = ()


def _drop_value_column(folder: Path) -> None:
    header, rows = read_csv_rows(folder / "observations.csv")
    header.remove("value")
    for r in rows:
        del r["value"]
    write_csv_rows(folder / "observations.csv", header, rows)


def _share_above_one(folder: Path) -> None:
    # a new metric measured as a 0-1 share, used consistently by row 30 (metric and unit)
    header, metrics = read_csv_rows(folder / "metrics.csv")
    metrics.append(
        {
            "metric": "access_share_fraction",
            "label": "Users arriving through an access point (fraction)",
            "topic": "access",
            "unit": "share",
            "is_time_varying": "false",
            "description": "As access_share, on a 0-1 scale",
        }
    )
    write_csv_rows(folder / "metrics.csv", header, metrics)
    obs = folder / "observations.csv"
    edit_cell(obs, 30, "metric", "access_share_fraction")
    edit_cell(obs, 30, "unit", "share")
    edit_cell(obs, 30, "value", "1.35")


def _duplicate_natural_key(folder: Path) -> None:
    header, rows = read_csv_rows(folder / "observations.csv")
    twin = dict(rows[13])  # row 14: female share, sinorblog_2019, 2019-09-11
    twin.update(obs_id="41", value="70", note="same metric, segment, source and date")
    write_csv_rows(folder / "observations.csv", header, [*rows, twin])


def _truncate_descriptor(folder: Path) -> None:
    path = folder / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")


def _descriptor_without_schema(folder: Path) -> None:
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    (obs,) = [r for r in descriptor["resources"] if r["name"] == "observations"]
    del obs["schema"]
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def _set(file: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    return lambda folder: edit_cell(folder / file, row, column, value)


def _unclosed_quote(folder: Path) -> None:
    # row 5 (line 6): a quote opens the metric cell and is never closed
    path = folder / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[5].startswith("5,mini_program_count,")
    lines[5] = lines[5].replace(",", ',"', 1)
    path.write_text("".join(lines), encoding="utf-8")


def _quote_left_open_at_the_end(folder: Path) -> None:
    # a last row whose note opens a quote that the file never closes (line 42)
    path = folder / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 41
    path.write_text("".join(lines) + lines[-1].rstrip("\n") + '"note\n', encoding="utf-8")


def _header_only(folder: Path) -> None:
    header, _ = read_csv_rows(folder / "observations.csv")
    write_csv_rows(folder / "observations.csv", header, [])


def _descriptor(edit: Callable[[dict], object]) -> Callable[[Path], None]:
    """Return a corruption that applies ``edit`` to the parsed datapackage.json."""

    def corrupt(folder: Path) -> None:
        path = folder / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        edit(descriptor)
        path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    return corrupt


def _resource(descriptor: dict, name: str) -> dict:
    (resource,) = [r for r in descriptor["resources"] if r["name"] == name]
    return resource


def _field(descriptor: dict, resource: str, name: str) -> dict:
    (field,) = [f for f in _resource(descriptor, resource)["schema"]["fields"] if f["name"] == name]
    return field


def _set_field(resource: str, name: str, key: str, value: object) -> Callable[[Path], None]:
    return _descriptor(lambda d: _field(d, resource, name).__setitem__(key, value))


def _set_constraint(resource: str, name: str, key: str, value: object) -> Callable[[Path], None]:
    return _descriptor(
        lambda d: _field(d, resource, name).setdefault("constraints", {}).__setitem__(key, value)
    )


def _set_foreign_key(number: int, fields: list[str], ref: dict) -> Callable[[Path], None]:
    def edit(d: dict) -> None:
        _resource(d, "observations")["schema"]["foreignKeys"][number - 1] = {
            "fields": fields,
            "reference": ref,
        }

    return _descriptor(edit)


def _add_metric_unit_key(d: dict) -> None:
    # a composite foreign key: each observation's (metric, unit) is a row of metrics.csv
    _resource(d, "observations")["schema"]["foreignKeys"].append(
        {
            "fields": ["metric", "unit"],
            "reference": {"resource": "metrics", "fields": ["metric", "unit"]},
        }
    )


CASES: list[Case] = [
    Case(
        "missing_column",
        _drop_value_column,
        "observations.csv",
        column="value",
        says=("missing column 'value'",),
    ),
    Case(
        "non_numeric_value",
        _set("observations.csv", 14, "value", "abc"),
        "observations.csv",
        row=14,
        column="value",
        says=("'abc' is not a number",),
    ),
    Case(
        "pct_above_100",
        _set("observations.csv", 21, "value", "154"),
        "observations.csv",
        row=21,
        column="value",
        says=("154 is outside [0, 100] for unit 'pct'",),
    ),
    Case(
        "share_above_1",
        _share_above_one,
        "observations.csv",
        row=30,
        column="value",
        says=("1.35 is outside [0, 1] for unit 'share'",),
    ),
    Case(
        "unknown_source_id",
        _set("observations.csv", 5, "source_id", "sinorblog_2091"),
        "observations.csv",
        row=5,
        column="source_id",
        says=("'sinorblog_2091' is not a known source_id", "sources.csv"),
    ),
    Case(
        "duplicate_obs_id",
        _set("observations.csv", 7, "obs_id", "6"),
        "observations.csv",
        row=7,
        column="obs_id",
        says=("duplicate key (obs_id='6')",),
    ),
    Case(
        "duplicate_natural_key",
        _duplicate_natural_key,
        "observations.csv",
        row=41,
        says=(
            "duplicate key",
            "metric='user_gender_share'",
            "segment='female'",
            "source_id='sinorblog_2019'",
            "as_of='2019-09-11'",
        ),
    ),
    Case(
        "bad_date",
        _set("observations.csv", 3, "as_of", "2019-13-01"),
        "observations.csv",
        row=3,
        column="as_of",
        says=("'2019-13-01' is not a date",),
    ),
    Case(
        "bad_enum",
        _set("observations.csv", 4, "qualifier", "roughly"),
        "observations.csv",
        row=4,
        column="qualifier",
        says=("'roughly' is not allowed", "exact, approx, at_least, at_most"),
    ),
    Case(
        "missing_observations_file",
        lambda folder: (folder / "observations.csv").unlink(),
        "observations.csv",
        says=("file not found",),
    ),
    Case(
        "corrupt_datapackage_json",
        _truncate_descriptor,
        "datapackage.json",
        says=("not valid JSON",),
    ),
]


#: Further cases, checked in-process (``research.cli.main``) to keep the suite fast.
EXTRA_CASES: list[Case] = [
    Case(
        "newline_in_cell",
        _set("observations.csv", 4, "qualifier", "ex\nact"),
        "observations.csv",
        row=4,
        column="qualifier",
        says=("'ex\\nact' is not allowed",),
    ),
    Case(
        "datapackage_resource_without_schema",
        _descriptor_without_schema,
        "datapackage.json",
        says=("observations", "schema"),
    ),
    Case(
        "unclosed_quote",
        _unclosed_quote,
        "observations.csv",
        says=("cannot be read as CSV", "line 6: ", "a quote is never closed"),
    ),
    Case(
        "quote_left_open_at_the_end",
        _quote_left_open_at_the_end,
        "observations.csv",
        says=("cannot be read as CSV", "a quote is never closed; line 42 is the first"),
    ),
    Case(
        "header_only_observations",
        _header_only,
        "observations.csv",
        says=("no data rows",),
    ),
    Case(
        "blank_required_cell",
        _set("observations.csv", 9, "metric", "   "),
        "observations.csv",
        row=9,
        column="metric",
        says=("value is required but empty",),
    ),
    Case(
        "integer_below_minimum",
        _set("observations.csv", 2, "obs_id", "0"),
        "observations.csv",
        row=2,
        column="obs_id",
        says=("0 is below the minimum 1",),
    ),
    Case(
        "integer_with_fraction",
        _set("observations.csv", 2, "obs_id", "2.5"),
        "observations.csv",
        row=2,
        column="obs_id",
        says=("'2.5' is not an integer",),
    ),
    Case(
        "infinite_value",
        _set("observations.csv", 11, "value", "inf"),
        "observations.csv",
        row=11,
        column="value",
        says=("'inf' is not a number",),
    ),
    Case(
        "pattern_mismatch",
        _set("touchpoints.csv", 3, "touchpoint_id", "Mini Program Code"),
        "touchpoints.csv",
        row=3,
        column="touchpoint_id",
        says=("'Mini Program Code' does not match ^[a-z0-9_]+$",),
    ),
    Case(
        "bad_boolean",
        _set("touchpoints.csv", 2, "is_paid", "yes"),
        "touchpoints.csv",
        row=2,
        column="is_paid",
        says=("'yes' is not true or false",),
    ),
    Case(
        "composite_foreign_key",
        lambda folder: (
            _descriptor(_add_metric_unit_key)(folder),
            edit_cell(folder / "observations.csv", 30, "unit", "share"),
        ),
        "observations.csv",
        row=30,
        column="metric",
        says=("(metric='access_share', unit='share') is not a known (metric, unit)", "metrics.csv"),
    ),
]

#: Broken descriptors: one line naming datapackage.json, the resource and the field.
DESCRIPTOR_CASES: list[Case] = [
    Case(
        "pattern_not_a_regex",
        _set_constraint("sources", "source_id", "pattern", "^[a-z0-9_+$"),
        "datapackage.json",
        says=("resource 'sources', field 'source_id'", "not a valid regular expression"),
    ),
    Case(
        "constraints_not_an_object",
        _set_field("observations", "qualifier", "constraints", ["required"]),
        "datapackage.json",
        says=("field 'qualifier'", "'constraints' must be an object", '["required"]'),
    ),
    Case(
        "minimum_not_a_number",
        _set_constraint("observations", "value", "minimum", "zero"),
        "datapackage.json",
        says=("field 'value'", "constraint 'minimum' \"zero\" is not a number"),
    ),
    Case(
        "foreign_key_with_two_fields",
        _set_foreign_key(
            1, ["source_id", "metric"], {"resource": "sources", "fields": ["source_id"]}
        ),
        "datapackage.json",
        says=("resource 'observations', foreign key 1", "has 2 fields", "reference has 1"),
    ),
    Case(
        "foreign_key_to_unknown_resource",
        _set_foreign_key(1, ["source_id"], {"resource": "articles", "fields": ["source_id"]}),
        "datapackage.json",
        says=("foreign key of 'observations' names unknown resource 'articles'",),
    ),
    Case(
        "foreign_key_to_unknown_field",
        _set_foreign_key(1, ["source_id"], {"resource": "sources", "fields": ["sourceid"]}),
        "datapackage.json",
        says=("'sourceid', which is not a field of 'sources'", "did you mean 'source_id'"),
    ),
    Case(
        "unknown_type",
        _set_field("observations", "value", "type", "numbr"),
        "datapackage.json",
        says=("field 'value'", 'type "numbr" is not supported', "did you mean 'number'"),
    ),
    Case(
        "misspelt_constraint",
        _set_constraint("observations", "metric", "requird", True),
        "datapackage.json",
        says=("constraint 'requird' does not apply", "did you mean 'required'"),
    ),
    Case(
        "required_not_a_boolean",
        _set_constraint("observations", "metric", "required", "yes"),
        "datapackage.json",
        says=("constraint 'required' must be true or false",),
    ),
    Case(
        "enum_not_a_list",
        _set_constraint("observations", "qualifier", "enum", "exact"),
        "datapackage.json",
        says=("constraint 'enum' must be a non-empty list",),
    ),
    Case(
        "primary_key_names_no_field",
        _descriptor(
            lambda d: _resource(d, "observations")["schema"].__setitem__("primaryKey", "id")
        ),
        "datapackage.json",
        says=("'primaryKey' names 'id', which is not one of its fields",),
    ),
    Case(
        "path_outside_the_folder",
        _descriptor(lambda d: _resource(d, "units").__setitem__("path", "../units.csv")),
        "datapackage.json",
        says=("resource 'units'", "must be a file inside the data folder"),
    ),
]


def _pairs() -> list[tuple[list[str], Case]]:
    """Every case for the first command, then one case (round robin) per further command."""
    pairs = [(COMMANDS[0], case) for case in CASES]
    pairs += [(cmd, CASES[i % len(CASES)]) for i, cmd in enumerate(COMMANDS[1:], start=1)]
    return pairs


def _id(command: list[str], case: Case) -> str:
    return f"{' '.join(command)}-{case.name}"


#: Wrong arguments run as real subprocesses (more variants run in-process below).
WRONG_ARGS: list[list[str]] = [["figures", "--format", "xml"], ["frobnicate"]]
WRONG_ARGS_IDS = ["format-xml", "unknown-subcommand"]


def _args_id(args: list[str]) -> str:
    return "args:" + " ".join(args)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, tuple[int, str, str]]:
    """Run every subprocess of this module at once; return ``{id: (code, stdout, stderr)}``.

    The subprocesses are real and independent; they only run concurrently to keep the
    suite fast.
    """
    jobs: dict[str, list[str]] = {}
    for command, case in _pairs():
        folder = copy_datasets(tmp_path_factory.mktemp("data"))
        case.corrupt(folder)
        jobs[_id(command, case)] = [*command, "--datasets", str(folder)]
    for args in WRONG_ARGS:
        jobs[_args_id(args)] = args
    return dict(zip(jobs, run_cli_many(list(jobs.values())), strict=True))


def assert_one_line_error(code: int, out: str, err: str) -> str:
    """Assert the CLI's bad-input contract and return the error line."""
    assert "Traceback" not in out + err, err
    assert code == 2, (code, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {err!r}"
    assert lines[0].strip()
    assert lines[0].startswith("error: ")
    return lines[0]


def assert_names_the_place(line: str, case: Case) -> None:
    """Assert the error line names the case's file, row (and its line) and column."""
    assert case.file in line
    if case.row is None:
        assert reported_row(line) is None, line
    else:
        assert reported_row(line) == (case.row, case.row + 1), line
    if case.column is not None:
        assert f"'{case.column}'" in line
    for text in case.says:
        assert text in line


@pytest.mark.parametrize(
    ("command", "case"), [pytest.param(cmd, case, id=_id(cmd, case)) for cmd, case in _pairs()]
)
def test_bad_data_gives_one_line_naming_file_row_column(outcomes, command, case):
    line = assert_one_line_error(*outcomes[_id(command, case)])
    assert_names_the_place(line, case)


@pytest.mark.parametrize("case", EXTRA_CASES + DESCRIPTOR_CASES, ids=lambda case: case.name)
def test_more_bad_data_in_process(data_copy, capsys, case):
    case.corrupt(data_copy)
    code = main([*COMMANDS[0], "--datasets", str(data_copy)])
    out, err = capsys.readouterr()
    assert_names_the_place(assert_one_line_error(code, out, err), case)


@pytest.mark.parametrize("case", CASES + EXTRA_CASES + DESCRIPTOR_CASES, ids=lambda case: case.name)
def test_the_error_itself_is_one_line(data_copy, case):
    # in a notebook no CLI escapes line breaks: the message itself must be one line
    case.corrupt(data_copy)
    with pytest.raises(DataFileError) as err:
        load_tables(data_copy)
    message = str(err.value)
    assert "\n" not in message and "\r" not in message
    assert_names_the_place(message, case)


def test_an_untouched_copy_passes(data_copy, capsys):
    # control: the copy itself is valid, so each failure above comes from its corruption
    code = main([*COMMANDS[0], "--datasets", str(data_copy)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "40 figures" in out


def test_tables_are_typed(data_copy):
    # dates datetime64, booleans bool, integers Int64, numbers float64, text "string" with NA
    edit_cell(data_copy / "observations.csv", 3, "segment", "  ")
    tables = load_tables(data_copy)
    obs = tables["observations"]
    assert obs.index[0] == 1
    assert obs["obs_id"].dtype == "Int64"
    assert obs["value"].dtype == "float64"
    assert pd.api.types.is_datetime64_dtype(obs["as_of"])
    assert obs["metric"].dtype == "string"
    assert obs["segment"].isna()[3]
    assert tables["touchpoints"]["is_paid"].dtype == bool
    assert tables["units"]["minimum"].dtype == "float64"


def test_a_valid_composite_foreign_key_passes(data_copy):
    # control for composite_foreign_key: every observation's (metric, unit) is in metrics.csv
    _descriptor(_add_metric_unit_key)(data_copy)
    assert len(load_tables(data_copy)["observations"]) == 40


def test_loading_the_data_does_not_import_jsonschema():
    # frictionless's descriptor validation imports jsonschema (over a second); we avoid it
    code = (
        "import sys; from research.data.evidence import load_evidence; load_evidence(); "
        "print('jsonschema' in sys.modules, 'frictionless' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=CLI_CWD, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]


def test_a_valid_share_unit_figure_passes(data_copy):
    # control for the share_above_1 case: the same edit with 0.35 is accepted
    _share_above_one(data_copy)
    edit_cell(data_copy / "observations.csv", 30, "value", "0.35")
    ev = load_evidence(data_copy)
    row = ev.observations[ev.observations["obs_id"] == 30].iloc[0]
    assert (row["metric"], row["unit"], row["value"]) == ("access_share_fraction", "share", 0.35)


@pytest.mark.parametrize("args", WRONG_ARGS, ids=WRONG_ARGS_IDS)
def test_wrong_arguments_give_one_line(outcomes, args):
    line = assert_one_line_error(*outcomes[_args_id(args)])
    assert "python -m research" in line


@pytest.mark.parametrize(
    "args",
    [
        ["figures", "--format", "xml"],
        ["frobnicate"],
        [],
        ["figures", "--metric"],
        ["figures", "-x"],
    ],
    ids=["format-xml", "unknown-subcommand", "no-subcommand", "missing-value", "unknown-option"],
)
def test_wrong_arguments_in_process(capsys, args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    line = assert_one_line_error(exc.value.code, out, err)
    assert line.startswith("error: python -m research")
