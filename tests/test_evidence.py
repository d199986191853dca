"""The evidence layer reproduces the articles' figures, conflicts and stale repeats."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data import evidence
from research.data.evidence import (
    Evidence,
    Observation,
    cite,
    figures_table,
    find_conflicts,
    find_stale_repeats,
    latest_value,
    load_evidence,
    observations_for,
)
from research.errors import InputError


def one_row(ev: Evidence, metric: str, segment: str | None = None, source_id: str | None = None):
    """Return the single observation of ``metric`` (and segment / source), as a Series."""
    obs = ev.observations
    mask = obs["metric"] == metric
    mask &= obs["segment"].isna() if segment is None else obs["segment"] == segment
    if source_id is not None:
        mask &= obs["source_id"] == source_id
    rows = obs[mask.fillna(False)]
    assert len(rows) == 1, f"expected one row for {metric}/{segment}/{source_id}, got {len(rows)}"
    return rows.iloc[0]


def with_observations(ev: Evidence, edits: dict[int, dict]) -> Evidence:
    """Return a copy of ``ev`` whose observations have the given cells replaced (by obs_id)."""
    obs = ev.observations.copy()
    for obs_id, cells in edits.items():
        idx = obs.index[obs["obs_id"] == obs_id]
        assert len(idx) == 1
        for col, value in cells.items():
            obs.loc[idx, col] = value
    return dataclasses.replace(ev, observations=obs)


def pairs(conflicts: pd.DataFrame) -> set[tuple[str, int, int]]:
    return {
        (m, int(a), int(b))
        for m, a, b in zip(
            conflicts["metric"], conflicts["obs_id_a"], conflicts["obs_id_b"], strict=True
        )
    }


# --- the articles' key figures --------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "segment", "source_id", "value", "unit", "qualifier"),
    [
        ("user_gender_share", "female", "sinorblog_2019", 71, "pct", "exact"),
        ("user_age_share", "le_30", "sinorblog_2019", 60, "pct", "exact"),
        ("monthly_spend_share", "le_500", "sinorblog_2019", 54, "pct", "exact"),
        ("category_penetration", "games", "sinorblog_2019", 42, "pct", "approx"),
        ("games_daily_opens", None, "sinorblog_2019", 6.4, "times_per_day", "exact"),
        ("games_daily_minutes", None, "sinorblog_2019", 17.4, "minutes_per_day", "exact"),
        ("access_share", "shared_links", "sinorblog_2019", 35, "pct", "exact"),
        ("mini_program_dau", None, "guide_2018", 170, "musers", "exact"),
        ("mini_program_dau", None, "sinorblog_2019", 170, "musers", "exact"),
        ("mini_program_dau", None, "datawords_2019", 300, "musers", "exact"),
        ("mini_program_count", None, "guide_2018", 600_000, "count", "approx"),
        ("mini_program_count", None, "sinorblog_2019", 580_000, "count", "exact"),
        ("package_size_limit", None, "sinorblog_2019", 10, "mb", "exact"),
        ("package_size_limit", None, "datawords_2019", 10, "mb", "exact"),
        ("access_point_count", None, "sinorblog_2019", 60, "count", "at_least"),
        ("wechat_mau", None, "datawords_2019", 1150, "musers", "exact"),
    ],
)
def test_key_figures_from_the_articles(ev, metric, segment, source_id, value, unit, qualifier):
    row = one_row(ev, metric, segment, source_id)
    assert row["value"] == pytest.approx(value)
    assert row["unit"] == unit
    assert row["qualifier"] == qualifier
    assert row["kind"] == "reported"


def test_dau_has_exactly_three_figures(ev):
    rows = observations_for(ev, "mini_program_dau")
    assert list(rows["obs_id"]) == [1, 3, 2]  # oldest as_of first
    assert list(rows["value"]) == [170, 300, 170]
    assert list(rows["source_id"]) == ["guide_2018", "datawords_2019", "sinorblog_2019"]


def test_observation_counts(ev):
    obs = ev.observations
    assert len(obs) == 40
    assert (obs["kind"] == "reported").sum() == 35
    assert set(obs.loc[obs["kind"] == "derived", "obs_id"]) == {15, 17, 20, 22, 25}
    assert len(ev.sources) == 5
    assert len(ev.touchpoints) == 18


def test_load_evidence_types(ev):
    obs = ev.observations
    assert pd.api.types.is_datetime64_any_dtype(obs["as_of"])
    assert pd.api.types.is_float_dtype(obs["value"])
    assert obs["as_of"].min() == pd.Timestamp("2017-01-01")
    assert ev.metrics["is_time_varying"].dtype == bool
    assert ev.datasets_dir == load_evidence().datasets_dir


def test_load_evidence_reloads_a_changed_folder(data_copy):
    first = load_evidence(data_copy)
    assert first is load_evidence(data_copy)  # cached
    obs = data_copy / "observations.csv"
    obs.write_text(obs.read_text(encoding="utf-8").replace(",71,pct,", ",72,pct,"), "utf-8")
    second = load_evidence(data_copy)
    assert one_row(second, "user_gender_share", "female")["value"] == 72
    assert one_row(first, "user_gender_share", "female")["value"] == 71


# --- derived shares ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "segments"),
    [
        ("user_gender_share", ["female", "male"]),
        ("user_age_share", ["le_30", "gt_30"]),
        ("monthly_spend_share", ["le_500", "gt_500"]),
        ("user_city_tier_share", ["tier_1", "tier_2_to_4", "tier_5_and_below"]),
    ],
)
def test_share_sets_sum_to_100(ev, metric, segments):
    rows = ev.observations[ev.observations["metric"] == metric]
    assert sorted(rows["segment"]) == sorted(segments)
    assert rows["value"].sum() == pytest.approx(100, abs=0.1)
    assert rows["source_id"].nunique() == 1


def test_every_derived_pct_completes_its_set_to_100(ev):
    obs = ev.observations
    derived = obs[(obs["kind"] == "derived") & (obs["unit"] == "pct")]
    assert len(derived) == 4
    for row in derived.itertuples():
        group = obs[
            (obs["metric"] == row.metric)
            & (obs["source_id"] == row.source_id)
            & (obs["as_of"] == row.as_of)
        ]
        assert len(group) >= 2
        assert group["value"].sum() == pytest.approx(100, abs=0.1), row.metric


# --- latest_value ---------------------------------------------------------------------------


def test_latest_value_skips_the_stale_repeat(ev):
    obs = latest_value(ev, "mini_program_dau", as_of="2019-12-31")
    assert isinstance(obs, Observation)
    assert (obs.value, obs.source_id, obs.obs_id) == (300, "datawords_2019", 3)
    assert obs.as_of == pd.Timestamp("2019-07-01")
    assert obs.segment is None
    assert latest_value(ev, "mini_program_dau") == obs


def test_latest_value_keeps_the_stale_repeat_when_asked(ev):
    obs = latest_value(ev, "mini_program_dau", as_of="2019-12-31", skip_stale=False)
    assert (obs.value, obs.source_id, obs.obs_id) == (170, "sinorblog_2019", 2)
    assert obs.as_of == pd.Timestamp("2019-09-11")


def test_latest_value_as_of_mid_2018(ev):
    obs = latest_value(ev, "mini_program_dau", as_of=pd.Timestamp("2018-06-30"))
    assert (obs.value, obs.source_id, obs.obs_id) == (170, "guide_2018", 1)


def test_latest_value_with_segment(ev):
    obs = latest_value(ev, "user_gender_share", "female")
    assert (obs.value, obs.unit, obs.segment) == (71, "pct", "female")


@pytest.mark.parametrize("as_of", ["2017-12-31", "2018-01-14"])
def test_latest_value_before_the_first_figure_raises(ev, as_of):
    with pytest.raises(InputError, match=rf"mini_program_dau.*{as_of}"):
        latest_value(ev, "mini_program_dau", as_of=as_of)


def test_latest_value_unknown_metric(ev):
    with pytest.raises(InputError, match="did you mean 'mini_program_dau'"):
        latest_value(ev, "mini_program_daus")


# --- conflicts ------------------------------------------------------------------------------


def test_find_conflicts_default_tolerance(ev):
    conflicts = find_conflicts(ev)
    assert pairs(conflicts) == {
        ("mini_program_dau", 1, 3),
        ("mini_program_dau", 2, 3),
        ("mini_program_count", 4, 5),
        ("mini_program_age_years", 9, 10),
    }
    dau = conflicts[conflicts["metric"] == "mini_program_dau"].set_index("obs_id_a")
    assert dau.at[1, "rel_gap"] == pytest.approx(130 / 300)
    assert dau.at[1, "gap_days"] == (pd.Timestamp("2019-07-01") - pd.Timestamp("2018-01-15")).days
    assert not dau.at[1, "is_same_period"]
    assert dau.at[2, "is_same_period"]
    count = conflicts[conflicts["metric"] == "mini_program_count"].iloc[0]
    assert count["rel_gap"] == pytest.approx(20_000 / 600_000)


def test_find_conflicts_huge_tolerance_returns_none(ev):
    assert find_conflicts(ev, tolerance=0.99).empty
    # gaps: count 20k/600k = 3.3 %, age 0.5/2.5 = 20 %, DAU 130/300 = 43 %
    assert {m for m, _, _ in pairs(find_conflicts(ev, tolerance=0.1))} == {
        "mini_program_dau",
        "mini_program_age_years",
    }
    assert pairs(find_conflicts(ev, tolerance=0.3)) == {
        ("mini_program_dau", 1, 3),
        ("mini_program_dau", 2, 3),
    }


@pytest.mark.parametrize("tolerance", [-0.1, 1.0, 5])
def test_find_conflicts_rejects_bad_tolerance(ev, tolerance):
    with pytest.raises(InputError, match="tolerance"):
        find_conflicts(ev, tolerance=tolerance)


@settings(max_examples=30, deadline=None)
@given(low=st.floats(0, 0.98), high=st.floats(0, 0.98))
def test_a_higher_tolerance_never_adds_conflicts(low, high):
    ev = load_evidence()
    low, high = sorted((low, high))
    assert pairs(find_conflicts(ev, high)) <= pairs(find_conflicts(ev, low))


def test_wechat_users_at_most_and_at_least_do_not_conflict(ev):
    rows = ev.observations.set_index("obs_id").loc[[12, 13], ["metric", "qualifier", "value"]]
    assert list(rows["qualifier"]) == ["at_most", "at_least"]
    assert "wechat_users" not in set(find_conflicts(ev)["metric"])


@pytest.mark.parametrize(
    ("edits", "conflict"),
    [
        # "over 1 billion" (obs 13, at_least 1000) vs a larger / smaller exact figure
        ({12: {"qualifier": "exact", "value": 1150.0}}, False),
        ({12: {"qualifier": "exact", "value": 900.0}}, True),
        # "almost a billion" (obs 12, at_most 1000) vs a smaller / larger exact figure
        ({13: {"qualifier": "exact", "value": 900.0}}, False),
        ({13: {"qualifier": "exact", "value": 1150.0}}, True),
        # two exact figures 15 % apart disagree
        ({12: {"qualifier": "exact"}, 13: {"qualifier": "exact", "value": 1150.0}}, True),
    ],
)
def test_open_bounds_only_conflict_on_the_wrong_side(ev, edits, conflict):
    edited = with_observations(ev, edits)
    assert (("wechat_users", 12, 13) in pairs(find_conflicts(edited))) == conflict


# --- stale repeats --------------------------------------------------------------------------


def test_find_stale_repeats_exactly_the_dau_repeat(ev):
    stale = find_stale_repeats(ev)
    assert len(stale) == 1
    row = stale.iloc[0]
    assert row["metric"] == "mini_program_dau"
    assert (row["obs_id"], row["source_id"], row["value"]) == (2, "sinorblog_2019", 170)
    assert (row["original_obs_id"], row["original_source_id"]) == (1, "guide_2018")
    assert row["as_of"] == pd.Timestamp("2019-09-11")
    assert row["original_as_of"] == pd.Timestamp("2018-01-15")


def test_find_stale_repeats_returns_a_copy(ev):
    stale = find_stale_repeats(ev)
    stale.loc[0, "value"] = -1.0
    assert find_stale_repeats(ev).loc[0, "value"] == 170


def test_package_size_limit_repeat_is_not_stale(ev):
    # sinorblog (published later, dated later) repeats datawords' 10 MB ...
    size = observations_for(ev, "package_size_limit")
    assert list(size["value"]) == [10, 10]
    assert list(size["source_id"]) == ["datawords_2019", "sinorblog_2019"]
    # ... but the limit is not a time-varying metric, so it is not a stale repeat
    assert "package_size_limit" not in set(find_stale_repeats(ev)["metric"])


def test_package_size_limit_would_be_stale_if_time_varying(ev):
    metrics = ev.metrics.copy()
    metrics.loc[metrics["metric"] == "package_size_limit", "is_time_varying"] = True
    edited = dataclasses.replace(ev, metrics=metrics)
    stale = find_stale_repeats(edited)
    size = stale[stale["metric"] == "package_size_limit"]
    assert list(zip(size["obs_id"], size["original_obs_id"], strict=True)) == [(32, 33)]


# --- figures_table and cite -----------------------------------------------------------------


def test_figures_table_flags(ev):
    table = figures_table(ev).set_index("obs_id")
    assert len(table) == 40
    expected_conflicts = {1: "3", 2: "3", 3: "1;2", 4: "5", 5: "4", 9: "10", 10: "9"}
    for obs_id, flag in table["conflicts_with"].items():
        assert flag == expected_conflicts.get(obs_id, ""), obs_id
    repeats = table["repeats_obs_id"]
    assert repeats[2] == "1"
    assert (repeats.drop(index=2) == "").all()
    assert table.at[1, "published"] == pd.Timestamp("2018-02-15")
    assert table.at[3, "published"] == pd.Timestamp("2019-07-01")


def test_figures_table_for_one_metric(ev):
    table = figures_table(ev, "mini_program_dau")
    assert list(table["obs_id"]) == [1, 3, 2]
    assert list(table["conflicts_with"]) == ["3", "1;2", "3"]
    assert list(table["repeats_obs_id"]) == ["", "", "1"]


def test_figures_table_unknown_metric(ev):
    with pytest.raises(InputError, match="unknown metric 'dau'"):
        figures_table(ev, "dau")


def test_cite(ev):
    assert cite(ev, ["sinorblog_2019"]) == "Sinorblog (2019-09-11)"
    assert cite(ev, ["sinorblog_2019", "datawords_2019", "sinorblog_2019"]) == (
        "Sinorblog (2019-09-11); Datawords (c. 2019)"
    )
    assert cite(ev, ("guide_2018",)) == "Agency insight page (c. 2018)"
    assert cite(ev, []) == ""


def test_summarise_names_conflicts_and_stale_repeat(ev):
    text = evidence.summarise(ev)
    assert "5 sources, 40 figures (35 reported, 5 derived), 24 metrics, 18 touch points" in text
    assert "4 conflicting pairs of figures, 1 stale repeats" in text
    assert (
        "stale     mini_program_dau: 170 in sinorblog_2019 (dated 2019-09-11) "
        "repeats guide_2018 (dated 2018-01-15)" in text
    )


def test_cite_names_an_unknown_source_and_suggests_the_closest(ev):
    with pytest.raises(
        InputError, match=r"source_id: 'sinorblog_2091' .*did you mean 'sinorblog_2019'"
    ):
        cite(ev, ["sinorblog_2091"])
