"""Bad data fails loudly: exit 2, one line on stderr naming the file, row and column.

Each case corrupts a copy of ``datasets/`` and runs ``python -m research CMD --datasets COPY``
as a real subprocess (all of them started together by one module fixture, to keep the suite
fast). Every case runs for the first command; each further command runs one case (round
robin), so every command is covered. ``EXTRA_CASES`` (a newline inside a cell, a resource
without a schema) are checked in-process.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import (
    copy_datasets,
    edit_cell,
    read_csv_rows,
    reported_row,
    run_cli_many,
    write_csv_rows,
)

from research.cli import main
from research.data.evidence import load_evidence

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


@pytest.mark.parametrize("case", EXTRA_CASES, ids=lambda case: case.name)
def test_more_bad_data_in_process(data_copy, capsys, case):
    case.corrupt(data_copy)
    code = main([*COMMANDS[0], "--datasets", str(data_copy)])
    out, err = capsys.readouterr()
    assert_names_the_place(assert_one_line_error(code, out, err), case)


def test_an_untouched_copy_passes(data_copy, capsys):
    # control: the copy itself is valid, so each failure above comes from its corruption
    code = main([*COMMANDS[0], "--datasets", str(data_copy)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "40 figures" in out


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
