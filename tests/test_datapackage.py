"""The data package: valid for the reference validator, consistent, and traceable to the seeds."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import frictionless
import pytest
from helpers import edit_cell, read_csv_rows, reported_row

from research.data.tables import load_tables
from research.errors import DataFileError
from research.paths import DATASETS_DIR, SEEDS_DIR
from research.vocab import GROUPS

PHASES = {"discovery", "retention", "re_engagement"}
MAX_LOCATOR_WORDS = 12


def descriptor() -> dict:
    return json.loads((DATASETS_DIR / "datapackage.json").read_text(encoding="utf-8"))


def rows(name: str) -> list[dict[str, str]]:
    return read_csv_rows(DATASETS_DIR / name)[1]


@pytest.fixture(scope="module")
def seeds_dir() -> Path:
    """The folder of article texts (``RESEARCH_SEEDS_DIR`` overrides ``paths.SEEDS_DIR``)."""
    folder = Path(os.environ.get("RESEARCH_SEEDS_DIR", SEEDS_DIR))
    if not folder.is_dir():
        pytest.skip(f"seed articles folder {folder} is missing (set RESEARCH_SEEDS_DIR)")
    return folder


# --- the reference validator ----------------------------------------------------------------


def test_package_is_valid_for_frictionless():
    package = frictionless.Package(str(DATASETS_DIR / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["title", "rowNumber", "fieldName", "note"])
    rows_per_resource = {task.name: task.stats["rows"] for task in report.tasks}
    assert rows_per_resource == {
        "sources": 5,
        "units": 12,
        "metrics": 24,
        "observations": 40,
        "touchpoints": 18,
    }


@pytest.mark.parametrize(
    ("file", "row", "column", "value"),
    [
        ("observations.csv", 14, "value", "abc"),
        ("observations.csv", 4, "qualifier", "roughly"),
        ("observations.csv", 3, "as_of", "2019-13-01"),
        ("observations.csv", 7, "obs_id", "6"),
        ("observations.csv", 5, "source_id", "sinorblog_2091"),
        ("touchpoints.csv", 3, "touchpoint_id", "Mini Program Code"),
        ("touchpoints.csv", 2, "is_paid", "yes"),
    ],
)
def test_our_loader_and_frictionless_reject_the_same_cell(data_copy, file, row, column, value):
    # load_tables runs frictionless's field rules without its (slow) package validator:
    # both must fail, and at the same place
    edit_cell(data_copy / file, row, column, value)
    report = frictionless.Package(str(data_copy / "datapackage.json")).validate()
    # frictionless counts the header as row 1; a foreign-key error names no single field
    places = {(n - 1, name) for n, name in report.flatten(["rowNumber", "fieldName"])}
    assert (row, column) in places or (row, None) in places, places
    with pytest.raises(DataFileError) as err:
        load_tables(data_copy)
    assert reported_row(str(err.value)) == (row, row + 1)
    assert f"column '{column}'" in str(err.value)


# --- descriptor and CSV agree ---------------------------------------------------------------


@pytest.mark.parametrize("resource", descriptor()["resources"], ids=lambda r: r["name"])
def test_schema_fields_match_csv_header_in_order(resource):
    with (DATASETS_DIR / resource["path"]).open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == [f["name"] for f in resource["schema"]["fields"]]


def test_every_csv_is_a_resource():
    paths = {r["path"] for r in descriptor()["resources"]}
    assert paths == {p.name for p in DATASETS_DIR.glob("*.csv")}


def test_observations_reference_known_metrics_units_and_sources():
    metrics = {r["metric"]: r["unit"] for r in rows("metrics.csv")}
    units = {r["unit"] for r in rows("units.csv")}
    sources = {r["source_id"] for r in rows("sources.csv")}
    observations = rows("observations.csv")
    assert len(observations) == 40
    for i, obs in enumerate(observations, start=1):
        assert obs["metric"] in metrics, f"row {i}: unknown metric {obs['metric']!r}"
        assert obs["unit"] in units, f"row {i}: unknown unit {obs['unit']!r}"
        assert obs["unit"] == metrics[obs["metric"]], f"row {i}: unit differs from metrics.csv"
        assert obs["source_id"] in sources, f"row {i}: unknown source {obs['source_id']!r}"
    for tp in rows("touchpoints.csv"):
        assert tp["source_id"] in sources
    assert set(metrics.values()) <= units


def test_every_metric_is_observed():
    observed = {r["metric"] for r in rows("observations.csv")}
    assert observed == {r["metric"] for r in rows("metrics.csv")}


# --- provenance: locators come verbatim from the seed articles -------------------------------


def _seed_texts(seeds_dir: Path) -> dict[str, str]:
    return {
        s["source_id"]: (seeds_dir / s["seed_file"]).read_text(encoding="utf-8")
        for s in rows("sources.csv")
    }


def test_every_source_has_its_seed_file(seeds_dir):
    for source in rows("sources.csv"):
        path = seeds_dir / source["seed_file"]
        assert path.is_file(), f"{source['source_id']}: seed file {path} is missing"
        assert path.stat().st_size > 1000


@pytest.mark.parametrize("table", ["observations.csv", "touchpoints.csv"])
def test_locators_appear_verbatim_in_their_seed(seeds_dir, table):
    texts = _seed_texts(seeds_dir)
    for i, row in enumerate(rows(table), start=1):
        locator = row["locator"]
        assert locator.strip() == locator and locator
        assert locator in texts[row["source_id"]], (
            f"{table} row {i}: locator {locator!r} not found in {row['source_id']}'s article"
        )


def test_a_locator_from_another_article_is_not_found(seeds_dir):
    # the check above can fail: obs 3's locator is Datawords', not Sinorblog's
    texts = _seed_texts(seeds_dir)
    assert "reached 300 million DAU" in texts["datawords_2019"]
    assert "reached 300 million DAU" not in texts["sinorblog_2019"]


@pytest.mark.parametrize("table", ["observations.csv", "touchpoints.csv"])
def test_locators_are_short(table):
    for i, row in enumerate(rows(table), start=1):
        words = len(row["locator"].split())
        assert 1 <= words <= MAX_LOCATOR_WORDS, f"{table} row {i}: locator has {words} words"


def test_seed_files_are_distinct():
    seeds = [s["seed_file"] for s in rows("sources.csv")]
    assert len(set(seeds)) == len(seeds) == 5


# --- touch points ---------------------------------------------------------------------------


def test_touchpoint_groups_and_phases_all_appear():
    touchpoints = rows("touchpoints.csv")
    assert {t["group"] for t in touchpoints} == set(GROUPS)
    assert {t["phase"] for t in touchpoints} == PHASES


def test_is_paid_exactly_for_the_paid_group():
    for tp in rows("touchpoints.csv"):
        assert tp["is_paid"] in {"true", "false"}
        assert (tp["is_paid"] == "true") == (tp["group"] == "paid"), tp["touchpoint_id"]
    assert sum(tp["is_paid"] == "true" for tp in rows("touchpoints.csv")) == 2
