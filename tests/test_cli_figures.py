"""``python -m research figures``: table, CSV and JSON output of the articles' figures."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from helpers import run_cli

from research.cli import main

REQUIRED_KEYS = {"metric", "segment", "value", "unit", "as_of", "source_id", "locator", "kind"}
#: The columns of the CSV and the keys of each JSON record, in order.
COLUMNS = [
    "obs_id",
    "metric",
    "segment",
    "value",
    "unit",
    "qualifier",
    "as_of",
    "as_of_is_estimated",
    "source_id",
    "published",
    "locator",
    "kind",
    "repeats_obs_id",
    "conflicts_with",
]
#: Figures in observations.csv: 35 the articles report, 4 derived from them.
N_FIGURES = 39
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
    assert len(records) == N_FIGURES
    for record in records:
        assert isinstance(record, dict)
        assert list(record) == COLUMNS
        assert REQUIRED_KEYS <= record.keys()
        assert DATE.match(record["as_of"]), record["as_of"]
        assert DATE.match(record["published"]), record["published"]
        assert isinstance(record["value"], int | float)
        assert isinstance(record["as_of_is_estimated"], bool)
    assert sum(r["kind"] == "reported" for r in records) == 35
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
    assert female["as_of_is_estimated"] is True  # an undated survey: publication date used
    assert by_id[1]["segment"] is None
    assert by_id[1]["published"] == "2018-02-15"
    # "In the space of just 2 years", stated as now on a dated article
    assert (by_id[9]["value"], by_id[9]["as_of"], by_id[9]["as_of_is_estimated"]) == (
        2,
        "2019-09-11",
        False,
    )
    assert 20 not in by_id  # the invented tier-5 share is gone


def test_json_for_one_metric_has_three_rows(capsys):
    # Sinorblog's 2019 "170 million daily active users" is the January 2018 Technode figure,
    # so it is dated then and marked a stale repeat of obs 1; 300M (mid-2019) is growth, and
    # no two figures conflict
    records = json.loads(figures(capsys, "--metric", "mini_program_dau", "--format", "json"))
    assert [(r["obs_id"], r["value"], r["source_id"]) for r in records] == [
        (1, 170, "guide_2018"),
        (2, 170, "sinorblog_2019"),
        (3, 300, "datawords_2019"),
    ]
    assert [(r["as_of"], r["as_of_is_estimated"]) for r in records] == [
        ("2018-01-15", True),
        ("2018-01-15", True),
        ("2019-07-01", True),
    ]
    assert [r["published"] for r in records] == ["2018-02-15", "2019-09-11", "2019-07-01"]
    assert [r["repeats_obs_id"] for r in records] == ["", "1", ""]
    assert [r["conflicts_with"] for r in records] == ["", "", ""]


def test_table_for_one_metric_has_three_rows(capsys):
    out = figures(capsys, "--metric", "mini_program_dau")
    rows = [line for line in out.splitlines() if re.match(r"^\s*\d+\s+mini_program_dau\b", line)]
    assert len(rows) == 3


def test_csv_parses_back_to_39_rows(capsys):
    table = pd.read_csv(io.StringIO(figures(capsys, "--format", "csv")))
    assert len(table) == N_FIGURES
    assert list(table.columns) == COLUMNS
    assert table["as_of"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert table.loc[table["obs_id"] == 21, "value"].item() == 54
    assert table["obs_id"].is_unique
    assert set(table["obs_id"]) == set(range(1, 41)) - {20}
    assert table["as_of_is_estimated"].dtype == bool
    assert table["as_of_is_estimated"].sum() == 31
    repeats = table.dropna(subset=["repeats_obs_id"])
    assert dict(zip(repeats["obs_id"], repeats["repeats_obs_id"], strict=True)) == {2: 1, 5: 4}
    assert table["conflicts_with"].isna().all()


def test_csv_for_one_metric(capsys):
    table = pd.read_csv(
        io.StringIO(figures(capsys, "--metric", "mini_program_count", "--format", "csv"))
    )
    assert list(table["value"]) == [600_000, 580_000]
    # Sinorblog's "there are now 580,000" restates the January 2018 figure of about 600,000
    assert list(table["as_of"]) == ["2018-01-15", "2018-01-15"]
    assert list(table["repeats_obs_id"].fillna(0).astype(int)) == [0, 4]


def test_table_ends_with_repeats_conflicts_and_growth(capsys):
    lines = figures(capsys).rstrip("\n").splitlines()
    assert lines[0].split()[:3] == ["obs_id", "metric", "segment"]
    blank = lines.index("")
    assert blank == N_FIGURES + 1  # header + 39 figures, then a blank line, then the summary
    assert all(re.match(r"^\s*\d+\s+[a-z0-9_]+\s", line) for line in lines[1:blank])
    summary = lines[blank + 1 :]
    assert summary[0] == (
        "5 sources, 39 figures (35 reported, 4 derived; 31 with an estimated date, marked c.), "
        "24 metrics, 20 touch points"
    )
    sections = {}
    for i, line in enumerate(summary):
        if line and not line.startswith(" ") and i > 0:
            sections[line.split(" (")[0]] = (line, summary[i + 1 :])
    assert list(sections) == ["Stale repeats", "Conflicts", "Growth"]

    header, body = sections["Stale repeats"]
    assert header.startswith("Stale repeats (2): ")
    repeats = body[: body.index("")]
    assert len(repeats) == 2
    # the summary is prose for readers: sources by their label, as every other output names
    # them (the table above keeps the ids)
    guide = "Guide to WeChat Mini-Programs (c. 2018)"
    assert repeats[0].startswith("  Number of Mini Programs: 580,000 (c. Jan 2018) restated by ")
    assert "restated by Sinorblog (2019), published Sep 2019;" in repeats[0]
    assert repeats[0].endswith(f"first given by about 600,000 (c. Jan 2018), {guide}")
    assert repeats[1].startswith("  Mini Program daily active users: 170 million users")
    assert "restated by Sinorblog (2019), published Sep 2019;" in repeats[1]
    assert repeats[1].endswith(f"first given by 170 million users (c. Jan 2018), {guide}")
    assert not re.search(r"\b[a-z]+_\d{4}\b", "\n".join(summary)), "a source id in the summary"

    header, body = sections["Conflicts"]
    assert header.startswith("Conflicts (0): ")
    assert body[: body.index("")] == ["  none"]

    header, body = sections["Growth"]
    assert header.startswith("Growth (2): ")
    assert len(body) == 2
    assert body[0] == (
        f"  Mini Program daily active users: 170 million users (c. Jan 2018), {guide} -> "
        "300 million users (c. Jul 2019), Datawords (c. 2019) (+48% a year)"
    )
    # bounds only ("almost a billion" then "over 1 billion"): a direction, no rate
    assert body[1].startswith("  WeChat users")
    assert f"at most 1,000 million users (c. Jan 2018), {guide} -> at least 1,000" in body[1]
    assert "a year" not in body[1]


def test_table_marks_estimated_dates_and_repeats(capsys):
    lines = figures(capsys, "--metric", "mini_program_dau").splitlines()
    header = lines[0].split()
    assert header[-2:] == ["repeats_obs_id", "conflicts_with"]
    assert "as_of_is_estimated" not in header and "published" not in header
    rows = {int(line.split()[0]): line for line in lines[1 : lines.index("")]}
    assert sorted(rows) == [1, 2, 3]
    assert "c. 2018-01-15 sinorblog_2019" in rows[2]
    assert rows[2].rstrip().endswith(" 1")  # repeats obs 1
    assert "c. 2019-07-01 datawords_2019" in rows[3]
    undated = figures(capsys, "--metric", "mini_program_age_years").splitlines()
    (two_years,) = [line for line in undated[: undated.index("")] if line.split()[0] == "9"]
    assert " 2019-09-11 sinorblog_2019" in two_years and "c. 2019-09-11" not in two_years


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
    records = json.loads(out)
    assert [r["value"] for r in records] == [170, 170, 300]
    assert [r["repeats_obs_id"] for r in records] == ["", "1", ""]
