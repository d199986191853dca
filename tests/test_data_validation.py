"""Bad data fails loudly: exit 2, one line on stderr naming the file, row and column.

Each case corrupts a copy of ``datasets/`` and runs ``python -m research CMD --datasets COPY``
as a real subprocess (all of them started together by one module fixture, to keep the suite
fast). Every case runs for the first command; each further command runs one case (round
robin), so every command is covered. ``EXTRA_CASES`` (more ways to break a table),
``REVISION_CASES`` (the columns and rules of the revised package: a source's url or stored
text, estimated dates, touch points' bases, uses.csv) and ``DESCRIPTOR_CASES`` (ways to
break ``datapackage.json``) are checked in-process.
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

#: Figures in observations.csv (35 reported, 4 derived); obs 20 was removed, so from obs 21
#: on an observation's data row is its obs_id minus one.
N_FIGURES = 39
#: Data row of obs 21 (54% of users spend 500 RMB or less a month).
LE_500_ROW = 20
#: Data row of obs 30 (35% of users arrive through shared links).
ACCESS_SHARE_ROW = 29


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
    # a new metric measured as a 0-1 share, used consistently by row 29 = obs 30, the 35% of
    # users arriving through shared links (metric and unit)
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
    assert read_csv_rows(obs)[1][ACCESS_SHARE_ROW - 1]["obs_id"] == "30"
    edit_cell(obs, ACCESS_SHARE_ROW, "metric", "access_share_fraction")
    edit_cell(obs, ACCESS_SHARE_ROW, "unit", "share")
    edit_cell(obs, ACCESS_SHARE_ROW, "value", "1.35")


def _duplicate_natural_key(folder: Path) -> None:
    header, rows = read_csv_rows(folder / "observations.csv")
    twin = dict(rows[13])  # row 14: female share, sinorblog_2019, 2019-09-11
    twin.update(obs_id="41", value="70", note="same metric, segment, source and date")
    assert len(rows) == N_FIGURES  # so the twin is row 40
    write_csv_rows(folder / "observations.csv", header, [*rows, twin])


def _drop_column(file: str, column: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        header, rows = read_csv_rows(folder / file)
        header.remove(column)
        for r in rows:
            del r[column]
        write_csv_rows(folder / file, header, rows)

    return corrupt


#: A source known only by its address on the web (no stored text); appended as row 6.
WEB_ONLY_SOURCE: dict[str, str] = {
    "source_id": "example_news_2024",
    "label": "Example News (2024)",
    "producer": "Example News",
    "author": "",
    "title": "Mini Programs seven years on",
    "kind": "news",
    "published": "2024-03-01",
    "is_published_estimated": "false",
    "published_note": "",
    "url": "https://news.example.com/mini-programs",
    "seed_file": "",
    "accessed": "2026-11-29",
    "citation": "Example News (2024-03-01). Mini Programs seven years on [news].",
}
#: Data row of the appended source.
NEW_SOURCE_ROW = 6


def _add_source(**changes: str) -> Callable[[Path], None]:
    """Return a corruption (or, unchanged, a valid edit) appending WEB_ONLY_SOURCE as row 6."""

    def corrupt(folder: Path) -> None:
        header, rows = read_csv_rows(folder / "sources.csv")
        assert len(rows) == NEW_SOURCE_ROW - 1
        write_csv_rows(folder / "sources.csv", header, [*rows, {**WEB_ONLY_SOURCE, **changes}])

    return corrupt


def _duplicate_use(folder: Path) -> None:
    # the passage of row 1 recorded again for the same category and objective (row 14)
    header, rows = read_csv_rows(folder / "uses.csv")
    assert len(rows) == 13
    write_csv_rows(folder / "uses.csv", header, [*rows, {**rows[0], "note": "again"}])


def _header_only_uses(folder: Path) -> None:
    header, _ = read_csv_rows(folder / "uses.csv")
    write_csv_rows(folder / "uses.csv", header, [])


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
    # a last row whose note opens a quote that the file never closes (line 41)
    path = folder / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == N_FIGURES + 1
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
        _set("observations.csv", LE_500_ROW, "value", "154"),
        "observations.csv",
        row=LE_500_ROW,
        column="value",
        says=("154 is outside [0, 100] for unit 'pct'",),
    ),
    Case(
        "share_above_1",
        _share_above_one,
        "observations.csv",
        row=ACCESS_SHARE_ROW,
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
        row=N_FIGURES + 1,
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
        "source_without_url_or_seed_file",
        _set("sources.csv", 2, "seed_file", ""),  # Sinorblog, which has no url
        "sources.csv",
        row=2,
        column="url",
        says=("a source needs a 'url'",),
    ),
    Case(
        "estimated_publication_date_without_note",
        _set("sources.csv", 1, "published_note", ""),  # TMO Group, undated (c. mid-2025)
        "sources.csv",
        row=1,
        column="published_note",
        says=("the publication date is estimated",),
    ),
    Case(
        "unknown_uses_source_id",
        _set("uses.csv", 5, "source_id", "sinorblog_2091"),
        "uses.csv",
        row=5,
        column="source_id",
        says=("'sinorblog_2091' is not a known source_id", "sources.csv"),
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
        says=("cannot be read as CSV", "a quote is never closed; line 41 is the first"),
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
            edit_cell(folder / "observations.csv", ACCESS_SHARE_ROW, "unit", "share"),
        ),
        "observations.csv",
        row=ACCESS_SHARE_ROW,
        column="metric",
        says=("(metric='access_share', unit='share') is not a known (metric, unit)", "metrics.csv"),
    ),
]

#: Cases for the columns and the table of the revised package (sources' url and label,
#: observations' estimated dates, touch points' bases, uses.csv), checked in-process.
REVISION_CASES: list[Case] = [
    Case(
        "new_source_without_url_or_seed_file",
        _add_source(url=""),
        "sources.csv",
        row=NEW_SOURCE_ROW,
        column="url",
        says=("a source needs a 'url' (or the 'seed_file' of its stored text)",),
    ),
    Case(
        "new_source_url_without_scheme",
        _add_source(url="news.example.com/mini-programs"),
        "sources.csv",
        row=NEW_SOURCE_ROW,
        column="url",
        says=("'news.example.com/mini-programs' does not match ^https?://",),
    ),
    Case(
        "new_source_url_not_web",
        _add_source(url="javascript:alert(1)"),
        "sources.csv",
        row=NEW_SOURCE_ROW,
        column="url",
        says=("'javascript:alert(1)' does not match ^https?://",),
    ),
    Case(
        "new_source_estimated_without_note",
        _add_source(is_published_estimated="true"),
        "sources.csv",
        row=NEW_SOURCE_ROW,
        column="published_note",
        says=("the publication date is estimated",),
    ),
    Case(
        "blank_published_note_of_an_estimated_date",
        _set("sources.csv", 4, "published_note", "   "),  # Holtmann, c. winter 2019/20
        "sources.csv",
        row=4,
        column="published_note",
        says=("the publication date is estimated",),
    ),
    Case(
        "sources_without_label",
        _drop_column("sources.csv", "label"),
        "sources.csv",
        column="label",
        says=("missing column 'label'",),
    ),
    Case(
        "empty_source_label",
        _set("sources.csv", 3, "label", ""),
        "sources.csv",
        row=3,
        column="label",
        says=("value is required but empty",),
    ),
    Case(
        "observations_without_as_of_is_estimated",
        _drop_column("observations.csv", "as_of_is_estimated"),
        "observations.csv",
        column="as_of_is_estimated",
        says=("missing column 'as_of_is_estimated'",),
    ),
    Case(
        "as_of_is_estimated_not_a_boolean",
        _set("observations.csv", 2, "as_of_is_estimated", "maybe"),
        "observations.csv",
        row=2,
        column="as_of_is_estimated",
        says=("'maybe' is not true or false",),
    ),
    Case(
        "as_of_is_estimated_empty",
        _set("observations.csv", 9, "as_of_is_estimated", ""),
        "observations.csv",
        row=9,
        column="as_of_is_estimated",
        says=("value is required but empty",),
    ),
    Case(
        "unknown_phase_basis",
        _set("touchpoints.csv", 4, "phase_basis", "guess"),
        "touchpoints.csv",
        row=4,
        column="phase_basis",
        says=("'guess' is not allowed (allowed: article, analyst)",),
    ),
    Case(
        "phase_basis_in_capitals",
        _set("touchpoints.csv", 12, "phase_basis", "Analyst"),
        "touchpoints.csv",
        row=12,
        column="phase_basis",
        says=("'Analyst' is not allowed (allowed: article, analyst)",),
    ),
    Case(
        "empty_group_basis",
        _set("touchpoints.csv", 7, "group_basis", ""),
        "touchpoints.csv",
        row=7,
        column="group_basis",
        says=("value is required but empty",),
    ),
    Case(
        "analyst_addition_not_a_boolean",
        _set("touchpoints.csv", 3, "is_analyst_addition", "yes"),
        "touchpoints.csv",
        row=3,
        column="is_analyst_addition",
        says=("'yes' is not true or false",),
    ),
    Case(
        "touchpoints_without_phase_basis",
        _drop_column("touchpoints.csv", "phase_basis"),
        "touchpoints.csv",
        column="phase_basis",
        says=("missing column 'phase_basis'",),
    ),
    Case(
        "unknown_touchpoint_source_id",
        _set("touchpoints.csv", 17, "source_id", "holtmann_2021"),
        "touchpoints.csv",
        row=17,
        column="source_id",
        says=("'holtmann_2021' is not a known source_id", "sources.csv"),
    ),
    Case(
        "unknown_uses_category",
        _set("uses.csv", 2, "category", "travel"),
        "uses.csv",
        row=2,
        column="category",
        says=("'travel' is not allowed (allowed: e-commerce, games, news, utility)",),
    ),
    Case(
        "unknown_uses_objective",
        _set("uses.csv", 3, "objective", "fun"),
        "uses.csv",
        row=3,
        column="objective",
        says=("'fun' is not allowed (allowed: sales, engagement, loyalty, service)",),
    ),
    Case(
        "uses_source_id_in_wrong_case",
        _set("uses.csv", 11, "source_id", "Holtmann_2020"),
        "uses.csv",
        row=11,
        column="source_id",
        says=("'Holtmann_2020' is not a known source_id", "sources.csv"),
    ),
    Case(
        "empty_uses_locator",
        _set("uses.csv", 10, "locator", ""),
        "uses.csv",
        row=10,
        column="locator",
        says=("value is required but empty",),
    ),
    Case(
        "duplicate_use",
        _duplicate_use,
        "uses.csv",
        row=14,
        column="category",
        says=(
            "duplicate key",
            "category='e-commerce'",
            "objective='sales'",
            "source_id='sinorblog_2019'",
            "locator='complete closed-loop transactions'",
        ),
    ),
    Case(
        "missing_uses_file",
        lambda folder: (folder / "uses.csv").unlink(),
        "uses.csv",
        says=("file not found",),
    ),
    Case(
        "header_only_uses",
        _header_only_uses,
        "uses.csv",
        says=("no data rows",),
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
        "uses_resource_removed",
        _descriptor(
            lambda d: d.__setitem__("resources", [r for r in d["resources"] if r["name"] != "uses"])
        ),
        "datapackage.json",
        says=("no resource named 'uses'",),
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


@pytest.mark.parametrize(
    "case", EXTRA_CASES + REVISION_CASES + DESCRIPTOR_CASES, ids=lambda case: case.name
)
def test_more_bad_data_in_process(data_copy, capsys, case):
    case.corrupt(data_copy)
    code = main([*COMMANDS[0], "--datasets", str(data_copy)])
    out, err = capsys.readouterr()
    assert_names_the_place(assert_one_line_error(code, out, err), case)


@pytest.mark.parametrize(
    "case",
    CASES + EXTRA_CASES + REVISION_CASES + DESCRIPTOR_CASES,
    ids=lambda case: case.name,
)
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
    assert "5 sources, 39 figures (35 reported, 4 derived;" in out


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
    assert obs["as_of_is_estimated"].dtype == bool
    assert tables["touchpoints"]["is_paid"].dtype == bool
    assert tables["touchpoints"]["is_analyst_addition"].dtype == bool
    assert tables["touchpoints"]["phase_basis"].dtype == "string"
    assert tables["uses"]["category"].dtype == "string"
    assert tables["sources"]["url"].isna().all()  # every current source has a stored text
    assert pd.api.types.is_datetime64_dtype(tables["sources"]["published"])
    assert tables["units"]["minimum"].dtype == "float64"


def test_a_valid_composite_foreign_key_passes(data_copy):
    # control for composite_foreign_key: every observation's (metric, unit) is in metrics.csv
    _descriptor(_add_metric_unit_key)(data_copy)
    assert len(load_tables(data_copy)["observations"]) == N_FIGURES


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
    edit_cell(data_copy / "observations.csv", ACCESS_SHARE_ROW, "value", "0.35")
    ev = load_evidence(data_copy)
    row = ev.observations[ev.observations["obs_id"] == 30].iloc[0]
    assert (row["metric"], row["unit"], row["value"]) == ("access_share_fraction", "share", 0.35)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"is_published_estimated": "true", "published_note": "Undated; cites a 2023 figure"},
        {"url": "http://news.example.com/mini-programs?id=7", "author": "A. Writer"},
    ],
    ids=["dated", "estimated-with-note", "plain-http"],
)
def test_a_new_source_with_only_a_url_is_accepted(data_copy, capsys, changes):
    # control for the url/seed_file cases: a source found on the web needs no stored text
    _add_source(**changes)(data_copy)
    edit_cell(data_copy / "uses.csv", 10, "source_id", WEB_ONLY_SOURCE["source_id"])
    sources = load_tables(data_copy)["sources"]
    added = sources.loc[NEW_SOURCE_ROW]
    assert added["source_id"] == WEB_ONLY_SOURCE["source_id"]
    assert added["url"] == changes.get("url", WEB_ONLY_SOURCE["url"])
    assert pd.isna(added["seed_file"])
    code = main([*COMMANDS[0], "--datasets", str(data_copy)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "6 sources, 39 figures" in out


def test_a_dated_source_needs_no_publication_note(data_copy):
    # control: an estimated date passes with its note, and a dated source needs none
    sources = load_tables(data_copy)["sources"].set_index("source_id")
    assert not sources.at["sinorblog_2019", "is_published_estimated"]
    assert pd.isna(sources.at["sinorblog_2019", "published_note"])
    assert sources.at["tmo_2025", "is_published_estimated"]
    assert "155M+" in sources.at["tmo_2025", "published_note"]


def test_a_valid_phase_basis_change_is_accepted(data_copy):
    # control for unknown_phase_basis: the other allowed value passes
    edit_cell(data_copy / "touchpoints.csv", 4, "phase_basis", "analyst")
    touchpoints = load_tables(data_copy)["touchpoints"]
    assert touchpoints.at[4, "touchpoint_id"] == "me_services"
    assert touchpoints.at[4, "phase_basis"] == "analyst"


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
