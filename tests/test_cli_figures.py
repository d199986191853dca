"""``python -m research figures``: table, CSV and JSON output of the articles' figures."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from helpers import run_cli

from research.cli import main
from research.paths import ROOT

REQUIRED_KEYS = {"metric", "segment", "value", "unit", "as_of", "source_id", "locator", "kind"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def figures(capsys, *args: str) -> str:
    """Return stdout of an in-process ``figures`` run that must succeed."""
    code = main(["figures", *args])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return out


def test_json_is_a_list_of_complete_records(capsys):
    records = json.loads(figures(capsys, "--format", "json"))
    assert isinstance(records, list)
    assert len(records) == 40
    for record in records:
        assert isinstance(record, dict)
        assert REQUIRED_KEYS <= record.keys()
        assert DATE.match(record["as_of"]), record["as_of"]
        assert DATE.match(record["published"]), record["published"]
        assert isinstance(record["value"], int | float)
    by_id = {r["obs_id"]: r for r in records}
    female = by_id[14]
    assert (female["metric"], female["segment"], female["value"], female["unit"]) == (
        "user_gender_share",
        "female",
        71,
        "pct",
    )
    assert (female["as_of"], female["source_id"], female["kind"]) == (
        "2019-09-11",
        "sinorblog_2019",
        "reported",
    )
    assert female["locator"] == "predominantly female (71%)"
    assert by_id[1]["segment"] is None
    assert by_id[1]["published"] == "2018-02-15"


def test_json_for_one_metric_has_three_rows(capsys):
    records = json.loads(figures(capsys, "--metric", "mini_program_dau", "--format", "json"))
    assert [(r["obs_id"], r["value"], r["source_id"]) for r in records] == [
        (1, 170, "guide_2018"),
        (3, 300, "datawords_2019"),
        (2, 170, "sinorblog_2019"),
    ]
    assert [r["conflicts_with"] for r in records] == ["3", "1;2", "3"]
    assert [r["repeats_obs_id"] for r in records] == ["", "", "1"]


def test_table_for_one_metric_has_three_rows(capsys):
    out = figures(capsys, "--metric", "mini_program_dau")
    rows = [line for line in out.splitlines() if re.match(r"^\s*\d+\s+mini_program_dau\b", line)]
    assert len(rows) == 3


def test_csv_parses_back_to_40_rows(capsys):
    table = pd.read_csv(io.StringIO(figures(capsys, "--format", "csv")))
    assert len(table) == 40
    assert REQUIRED_KEYS <= set(table.columns)
    assert table["as_of"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert table.loc[table["obs_id"] == 21, "value"].item() == 54
    assert table["obs_id"].is_unique


def test_csv_for_one_metric(capsys):
    table = pd.read_csv(
        io.StringIO(figures(capsys, "--metric", "mini_program_count", "--format", "csv"))
    )
    assert list(table["value"]) == [600_000, 580_000]


def test_table_ends_with_conflicts_and_stale_summary(capsys):
    lines = figures(capsys).rstrip("\n").splitlines()
    assert lines[-6] == "  4 conflicting pairs of figures, 1 stale repeats"
    tail = lines[-5:]
    assert [line.split()[0] for line in tail] == ["conflict"] * 4 + ["stale"]
    assert tail[0].startswith("  conflict  mini_program_age_years: 2 (sinorblog_2019")
    assert "mini_program_dau: 170 (guide_2018, 2018-01-15) vs 300 (datawords_2019" in tail[2]
    assert tail[-1] == (
        "  stale     mini_program_dau: 170 in sinorblog_2019 (dated 2019-09-11) "
        "repeats guide_2018 (dated 2018-01-15)"
    )
    assert lines[0].split()[:3] == ["obs_id", "metric", "segment"]
    blank = lines.index("")
    assert blank == 41  # header + 40 figures, then a blank line, then the summary
    assert all(re.match(r"^\s*\d+\s+[a-z0-9_]+\s", line) for line in lines[1:blank])
    assert lines[blank + 1] == f"Evidence in {ROOT / 'datasets'}"


def test_unknown_metric_suggests_the_closest(capsys):
    code = main(["figures", "--metric", "mini_program_daus"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "unknown metric 'mini_program_daus'" in err
    assert "did you mean 'mini_program_dau'?" in err


def test_bad_format_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["figures", "--format", "xml"])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "invalid choice: 'xml'" in err


def test_figures_as_a_real_subprocess():
    code, out, err = run_cli(["figures", "--metric", "mini_program_dau", "--format", "json"])
    assert (code, err) == (0, "")
    assert [r["value"] for r in json.loads(out)] == [170, 300, 170]
