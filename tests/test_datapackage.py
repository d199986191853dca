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
from research.paths import DATASETS_DIR
from research.vocab import CATEGORIES, GROUPS, OBJECTIVES

PHASES = {"discovery", "retention", "re_engagement"}
BASES = {"article", "analyst"}
MAX_LOCATOR_WORDS = 12
#: The tables whose rows carry a locator copied from the article of their source_id.
LOCATED = ["observations.csv", "touchpoints.csv", "uses.csv"]
#: Environment variable naming the folder of stored article texts (``seed_file`` names).
SEEDS_ENV = "RESEARCH_SEEDS_DIR"


def descriptor() -> dict:
    return json.loads((DATASETS_DIR / "datapackage.json").read_text(encoding="utf-8"))


def rows(name: str) -> list[dict[str, str]]:
    return read_csv_rows(DATASETS_DIR / name)[1]


def _seeds_folder() -> Path:
    """Return the folder of stored article texts, taken only from ``RESEARCH_SEEDS_DIR``.

    The texts are not part of the repository, so the tests that need them skip, saying
    why, when the variable is unset or names no folder.
    """
    value = os.environ.get(SEEDS_ENV, "").strip()
    if not value:
        pytest.skip(
            f"{SEEDS_ENV} is not set; set it to the folder of article texts to check locators"
        )
    folder = Path(value).expanduser()
    if not folder.is_dir():
        pytest.skip(
            f"{SEEDS_ENV}={value} is not a folder; locators not checked against the articles"
        )
    return folder


@pytest.fixture(scope="module")
def seeds_dir() -> Path:
    """The folder of stored article texts (see ``_seeds_folder``)."""
    return _seeds_folder()


@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_locator_checks_skip_without_the_environment_variable(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(SEEDS_ENV, raising=False)
    else:
        monkeypatch.setenv(SEEDS_ENV, value)
    with pytest.raises(pytest.skip.Exception, match=f"{SEEDS_ENV} is not set"):
        _seeds_folder()


def test_locator_checks_skip_when_the_folder_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv(SEEDS_ENV, str(tmp_path / "no-such-folder"))
    with pytest.raises(pytest.skip.Exception, match="is not a folder"):
        _seeds_folder()
    monkeypatch.setenv(SEEDS_ENV, str(tmp_path))
    assert _seeds_folder() == tmp_path


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
        "observations": 39,
        "touchpoints": 20,
        "uses": 13,
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
        ("observations.csv", 2, "as_of_is_estimated", "maybe"),
        ("sources.csv", 1, "url", "www.tmogroup.asia/insights"),
        ("sources.csv", 3, "label", ""),
        ("touchpoints.csv", 4, "phase_basis", "guess"),
        ("touchpoints.csv", 7, "group_basis", "article_and_analyst"),
        ("touchpoints.csv", 5, "is_analyst_addition", "yes"),
        ("uses.csv", 2, "category", "travel"),
        ("uses.csv", 3, "objective", "fun"),
        ("uses.csv", 5, "source_id", "sinorblog_2091"),
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
    assert file in str(err.value)


@pytest.mark.parametrize(
    ("row", "column", "value", "reported"),
    [
        (2, "seed_file", "", "url"),  # Sinorblog: no url, and now no stored text either
        (1, "published_note", "", "published_note"),  # TMO Group: undated, c. mid-2025
    ],
    ids=["neither-url-nor-seed-file", "estimated-date-without-note"],
)
def test_the_source_rules_the_schema_cannot_state_are_ours(data_copy, row, column, value, reported):
    # a rule across two columns is beyond Table Schema: frictionless accepts the edit, so
    # load_tables must refuse it itself (research.data.tables.check_sources)
    edit_cell(data_copy / "sources.csv", row, column, value)
    report = frictionless.Package(str(data_copy / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    with pytest.raises(DataFileError) as err:
        load_tables(data_copy)
    assert "sources.csv" in str(err.value)
    assert reported_row(str(err.value)) == (row, row + 1)
    assert f"column '{reported}'" in str(err.value)


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
    assert len(observations) == 39
    for i, obs in enumerate(observations, start=1):
        assert obs["metric"] in metrics, f"row {i}: unknown metric {obs['metric']!r}"
        assert obs["unit"] in units, f"row {i}: unknown unit {obs['unit']!r}"
        assert obs["unit"] == metrics[obs["metric"]], f"row {i}: unit differs from metrics.csv"
        assert obs["source_id"] in sources, f"row {i}: unknown source {obs['source_id']!r}"
    for table in ("touchpoints.csv", "uses.csv"):
        for i, row in enumerate(rows(table), start=1):
            assert row["source_id"] in sources, f"{table} row {i}: unknown source"
    assert set(metrics.values()) <= units


def test_reported_and_derived_figures():
    # 35 figures the articles give, 4 the analyst derives (100 minus a share, or a count)
    kinds = [r["kind"] for r in rows("observations.csv")]
    assert (kinds.count("reported"), kinds.count("derived")) == (35, 4)
    derived = {r["obs_id"] for r in rows("observations.csv") if r["kind"] == "derived"}
    assert derived == {"15", "17", "22", "25"}
    # the tier "5 and below" share no article names is an assumption now, not a figure
    assert "tier_5_and_below" not in {r["segment"] for r in rows("observations.csv")}


def test_restated_figures_are_dated_when_first_given():
    # Sinorblog (2019-09-11) presents 170 million DAU and 580,000 programs as current; both
    # are January 2018 figures, so they carry that (estimated) date, not the publication date
    by_id = {r["obs_id"]: r for r in rows("observations.csv")}
    for restated, first in (("2", "1"), ("5", "4")):
        assert by_id[restated]["source_id"] == "sinorblog_2019"
        assert by_id[restated]["as_of"] == by_id[first]["as_of"] == "2018-01-15"
        assert by_id[restated]["as_of_is_estimated"] == "true"
    assert (by_id["2"]["value"], by_id["5"]["value"]) == ("170", "580000")
    assert {r["as_of_is_estimated"] for r in by_id.values()} == {"true", "false"}


def test_every_metric_is_observed():
    observed = {r["metric"] for r in rows("observations.csv")}
    assert observed == {r["metric"] for r in rows("metrics.csv")}


# --- provenance: locators come verbatim from the seed articles -------------------------------


def _seed_texts(seeds_dir: Path) -> dict[str, str]:
    """Return the stored article text of every source that has one (a ``seed_file``)."""
    return {
        s["source_id"]: (seeds_dir / s["seed_file"]).read_text(encoding="utf-8")
        for s in rows("sources.csv")
        if s["seed_file"]
    }


def _unfound_locators(table: str, table_rows: list[dict[str, str]], texts: dict[str, str]):
    """Return one message per row whose locator is not copied verbatim from the article of
    its source_id, and the number of rows checked (rows of a source that has only a url
    have no stored text to check against)."""
    problems, checked = [], 0
    for i, row in enumerate(table_rows, start=1):
        locator, source = row["locator"], row["source_id"]
        if not locator or locator.strip() != locator:
            problems.append(f"{table} row {i}: locator {locator!r} is empty or padded")
        elif source in texts:
            checked += 1
            if locator not in texts[source]:
                problems.append(f"{table} row {i}: locator {locator!r} not in {source}'s article")
    return problems, checked


def test_every_seed_file_is_stored(seeds_dir):
    named = [s for s in rows("sources.csv") if s["seed_file"]]
    assert named, "no source names a stored text"
    for source in named:
        path = seeds_dir / source["seed_file"]
        assert path.is_file(), f"{source['source_id']}: seed file {path} is missing"
        assert path.stat().st_size > 1000


@pytest.mark.parametrize("table", LOCATED)
def test_locators_appear_verbatim_in_their_seed(seeds_dir, table):
    texts = _seed_texts(seeds_dir)
    table_rows = rows(table)
    problems, checked = _unfound_locators(table, table_rows, texts)
    assert problems == []
    # every source has a stored text today, so every row was checked
    assert checked == len(table_rows) > 0


def test_a_locator_from_another_article_is_not_found(seeds_dir):
    # the check above can fail: obs 3's locator is Datawords', not Sinorblog's
    texts = _seed_texts(seeds_dir)
    assert "reached 300 million DAU" in texts["datawords_2019"]
    assert "reached 300 million DAU" not in texts["sinorblog_2019"]


@pytest.mark.parametrize(
    ("table", "row", "column", "value"),
    [
        ("observations.csv", 3, "source_id", "sinorblog_2019"),  # Datawords' 300M DAU
        ("touchpoints.csv", 17, "source_id", "tmo_2025"),  # Holtmann's Store Mini Program
        ("touchpoints.csv", 12, "locator", "Weixin Search Ads"),  # TMO: 'Weixin Search Zone'
        ("uses.csv", 13, "source_id", "sinorblog_2019"),  # the Guide's supermarket passage
        ("uses.csv", 3, "locator", "Gamification and personalisation"),  # respelt
        ("uses.csv", 1, "locator", " complete closed-loop transactions"),  # padded
    ],
)
def test_a_wrong_locator_is_refused(seeds_dir, table, row, column, value):
    table_rows = rows(table)
    table_rows[row - 1][column] = value
    problems, _ = _unfound_locators(table, table_rows, _seed_texts(seeds_dir))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{table} row {row}: locator ")


@pytest.mark.parametrize("table", LOCATED)
def test_locators_are_short(table):
    for i, row in enumerate(rows(table), start=1):
        words = len(row["locator"].split())
        assert 1 <= words <= MAX_LOCATOR_WORDS, f"{table} row {i}: locator has {words} words"


def test_seed_files_are_distinct_file_names():
    seeds = [s["seed_file"] for s in rows("sources.csv") if s["seed_file"]]
    assert len(set(seeds)) == len(seeds) == 5
    for seed in seeds:  # a bare name inside the folder of texts, never a path out of it
        assert seed == Path(seed).name and not seed.startswith("."), seed


def test_every_source_can_be_found():
    # a source needs a url or a stored text; an estimated publication date says how
    for i, source in enumerate(rows("sources.csv"), start=1):
        assert source["url"] or source["seed_file"], f"sources.csv row {i}: no url or seed_file"
        if source["is_published_estimated"] == "true":
            assert source["published_note"].strip(), f"sources.csv row {i}: no published_note"
        assert source["label"].strip()


# --- touch points ---------------------------------------------------------------------------


def test_touchpoint_groups_and_phases_all_appear():
    touchpoints = rows("touchpoints.csv")
    assert {t["group"] for t in touchpoints} == set(GROUPS)
    assert {t["phase"] for t in touchpoints} == PHASES


def test_touchpoint_bases():
    # phase_basis and group_basis say whether the article or the analyst placed the entry
    touchpoints = rows("touchpoints.csv")
    assert len(touchpoints) == 20
    for tp in touchpoints:
        assert tp["phase_basis"] in BASES, tp["touchpoint_id"]
        assert tp["group_basis"] in BASES, tp["touchpoint_id"]
        assert tp["is_analyst_addition"] in {"true", "false"}, tp["touchpoint_id"]
    additions = {t["touchpoint_id"] for t in touchpoints if t["is_analyst_addition"] == "true"}
    # the Store Mini Program comes from Nora Holtmann's article, not from TMO's list
    assert additions == {"store_mini_program"}


def test_an_analyst_addition_is_a_touch_point_the_taxonomy_article_does_not_name():
    # TMO's article names every touch point it is the source of, 'Nearby Mini Programs'
    # (under Discover) and H5 (its Discovery row) included: only a touch point taken from
    # another article is the analyst's addition to its list (shown so in notebook 05)
    touchpoints = rows("touchpoints.csv")
    taxonomy = max(
        {t["source_id"] for t in touchpoints}, key=[t["source_id"] for t in touchpoints].count
    )
    assert taxonomy == "tmo_2025"
    for tp in touchpoints:
        assert (tp["is_analyst_addition"] == "true") == (tp["source_id"] != taxonomy), tp
    by_id = {t["touchpoint_id"]: t for t in touchpoints}
    assert by_id["nearby_mini_programs"]["locator"] == "Nearby Mini Programs"
    assert by_id["h5_pages"]["locator"] == "WeChat System (H5, Official Accounts, QR codes)"


def test_the_touch_points_of_tmos_phase_table():
    # TMO's table of phases names 'Mobile Number Authentication' for Retention and
    # 'Official Account Pushes' for Re-engagement; the article gives no group for either
    by_id = {t["touchpoint_id"]: t for t in rows("touchpoints.csv")}
    for tid, phase, group in (
        ("mobile_number_authentication", "retention", "system_level"),
        ("official_account_pushes", "re_engagement", "free_traffic"),
    ):
        tp = by_id[tid]
        assert (tp["phase"], tp["phase_basis"]) == (phase, "article")
        assert (tp["group"], tp["group_basis"]) == (group, "analyst")
        assert (tp["source_id"], tp["is_analyst_addition"]) == ("tmo_2025", "false")


def test_uses_categories_and_objectives():
    # the datapackage's enums are the toolkit's vocabulary, and every value is documented
    fields = {f["name"]: f for f in _uses_resource()["schema"]["fields"]}
    assert tuple(fields["category"]["constraints"]["enum"]) == CATEGORIES
    assert tuple(fields["objective"]["constraints"]["enum"]) == OBJECTIVES
    uses = rows("uses.csv")
    assert {u["category"] for u in uses} == set(CATEGORIES)
    assert {u["objective"] for u in uses} == set(OBJECTIVES)
    keys = [(u["category"], u["objective"], u["source_id"], u["locator"]) for u in uses]
    assert len(set(keys)) == len(keys) == 13


def _uses_resource() -> dict:
    (resource,) = [r for r in descriptor()["resources"] if r["name"] == "uses"]
    return resource


def test_is_paid_exactly_for_the_paid_group():
    for tp in rows("touchpoints.csv"):
        assert tp["is_paid"] in {"true", "false"}
        assert (tp["is_paid"] == "true") == (tp["group"] == "paid"), tp["touchpoint_id"]
    assert sum(tp["is_paid"] == "true" for tp in rows("touchpoints.csv")) == 2


def test_a_source_with_an_estimated_date_is_cited_as_circa():
    from research.data.evidence import load_evidence

    """A citation must not print an estimated publication year as if the page gave it."""
    ev = load_evidence()
    for row in ev.sources.itertuples():
        if row.is_published_estimated:
            assert "(c. " in row.citation, (row.source_id, row.citation)
