"""The evidence layer reproduces the articles' figures, conflicts and stale repeats."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from research.data import consistency
from research.data.consistency import find_conflicts, find_growth, find_stale_repeats
from research.data.evidence import (
    Evidence,
    Observation,
    cite,
    figures_table,
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
    assert list(rows["obs_id"]) == [1, 2, 3]  # oldest as_of first
    assert list(rows["value"]) == [170, 170, 300]
    assert list(rows["source_id"]) == ["guide_2018", "sinorblog_2019", "datawords_2019"]


def test_observation_counts(ev):
    obs = ev.observations
    assert len(obs) == 39
    assert (obs["kind"] == "reported").sum() == 35
    # 100 minus a reported share, and a count read off a list; no invented tier 5 share
    assert set(obs.loc[obs["kind"] == "derived", "obs_id"]) == {15, 17, 22, 25}
    assert len(ev.sources) == 5
    assert len(ev.touchpoints) == 20
    # the TMO article names all but the Store Mini Program (Nora Holtmann's article)
    assert int(ev.touchpoints["is_analyst_addition"].sum()) == 1


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
    ],
)
def test_share_sets_sum_to_100(ev, metric, segments):
    rows = ev.observations[ev.observations["metric"] == metric]
    assert sorted(rows["segment"]) == sorted(segments)
    assert rows["value"].sum() == pytest.approx(100, abs=0.1)
    assert rows["source_id"].nunique() == 1


def test_the_tier_shares_are_what_the_article_says_and_the_rest_is_unnamed(ev):
    rows = ev.observations[ev.observations["metric"] == "user_city_tier_share"]
    assert sorted(rows["segment"]) == ["tier_1", "tier_2_to_4"]
    assert set(rows["qualifier"]) == {"approx"} and set(rows["kind"]) == {"reported"}
    assert rows["value"].sum() < 100  # the rest is not a figure of the article


def test_every_derived_pct_completes_its_set_to_100(ev):
    obs = ev.observations
    derived = obs[(obs["kind"] == "derived") & (obs["unit"] == "pct")]
    assert len(derived) == 3
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
    obs = latest_value(ev, "mini_program_dau", as_of="2018-06-30", skip_stale=False)
    assert (obs.value, obs.source_id, obs.obs_id) == (170, "sinorblog_2019", 2)
    assert obs.as_of == pd.Timestamp("2018-01-15") and obs.as_of_is_estimated


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


# --- repeats, conflicts and growth ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "qualifier", "low", "high"),
    [
        (580_000, "exact", 575_000, 585_000),
        (170, "exact", 165, 175),
        (2.5, "exact", 2.45, 2.55),
        (2, "approx", 1.5, 2.5),  # "about 2 years": rounding to the year
        (600_000, "approx", 540_000, 660_000),  # "close to 600,000": at least 10%
        (1000, "at_least", 1000, float("inf")),
        (1000, "at_most", float("-inf"), 1000),
    ],
)
def test_a_figure_stands_for_its_rounding_and_qualifier(value, qualifier, low, high):
    assert consistency.bounds(value, qualifier) == pytest.approx((low, high))


def test_the_two_stale_repeats_are_sinorblogs_restated_2018_figures(ev):
    stale = find_stale_repeats(ev).set_index("obs_id")
    assert set(stale.index) == {2, 5}
    assert stale.at[2, "original_obs_id"] == 1 and stale.at[5, "original_obs_id"] == 4
    assert set(stale["source_id"]) == {"sinorblog_2019"}
    assert set(stale["original_source_id"]) == {"guide_2018"}
    assert (stale["published"] == pd.Timestamp("2019-09-11")).all()
    assert (stale["as_of"] == pd.Timestamp("2018-01-15")).all()


def test_no_pair_of_the_articles_is_a_conflict(ev):
    # 600k vs 580k is one figure rounded; "about 2 years" vs 2.5 years agree within "about";
    # 170M (2018) vs 300M (2019) is growth between periods.
    assert find_conflicts(ev).empty


def test_growth_between_periods_is_growth_not_a_conflict(ev):
    growth = find_growth(ev)
    dau = growth[growth["metric"] == "mini_program_dau"]
    assert list(zip(dau["obs_id_a"], dau["obs_id_b"], strict=True)) == [(1, 3)]  # repeat left out
    years = (pd.Timestamp("2019-07-01") - pd.Timestamp("2018-01-15")).days / 365.25
    assert dau["growth_per_year"].iloc[0] == pytest.approx((300 / 170) ** (1 / years) - 1)
    users = growth[growth["metric"] == "wechat_users"]
    assert len(users) == 1 and users["growth_per_year"].isna().all()  # bounds: no rate


def test_latest_count_is_the_original_not_the_repeat(ev):
    count = latest_value(ev, "mini_program_count")
    assert (count.obs_id, count.value, count.source_id) == (4, 600_000, "guide_2018")
    assert latest_value(ev, "mini_program_count", skip_stale=False).obs_id in (4, 5)


@pytest.mark.parametrize(
    ("edits", "kind"),
    [
        # the same period, beyond rounding: a conflict
        ({5: {"value": 450_000.0}}, "conflict"),
        # the same period, within rounding, restated long after it: a stale repeat
        ({5: {"as_of": pd.Timestamp("2018-02-01")}}, "repeat"),
        # dated when published, a year and a half later: a change between periods
        ({5: {"as_of": pd.Timestamp("2019-09-11")}}, "growth"),
    ],
)
def test_relations_follow_periods_and_rounding(ev, edits, kind):
    edited = with_observations(ev, edits)
    conflicts, stale, growth = (
        find_conflicts(edited),
        find_stale_repeats(edited),
        find_growth(edited),
    )
    if kind == "conflict":
        assert ("mini_program_count", 4, 5) in pairs(conflicts)
        assert 5 not in set(stale["obs_id"])
    elif kind == "repeat":
        assert 5 in set(stale["obs_id"]) and conflicts.empty
    else:
        assert conflicts.empty and 5 not in set(stale["obs_id"])
        assert {(4, 5)} <= set(zip(growth["obs_id_a"], growth["obs_id_b"], strict=True))


def test_open_bounds_only_conflict_on_the_wrong_side(ev):
    same_day = {13: {"as_of": pd.Timestamp("2018-01-15")}}
    agree = with_observations(ev, {**same_day, 12: {"qualifier": "exact", "value": 1150.0}})
    clash = with_observations(ev, {12: {"qualifier": "exact", "value": 900.0}, **same_day})
    assert find_conflicts(agree).empty
    assert ("wechat_users", 12, 13) in pairs(find_conflicts(clash))


def test_time_invariant_figures_are_never_repeats(ev):
    size = observations_for(ev, "package_size_limit")
    assert list(size["value"]) == [10, 10]
    assert "package_size_limit" not in set(find_stale_repeats(ev)["metric"])


# --- figures_table and cite -----------------------------------------------------------------


def test_figures_table_flags(ev):
    table = figures_table(ev).set_index("obs_id")
    assert len(table) == 39
    assert (table["conflicts_with"] == "").all()
    repeats = table["repeats_obs_id"]
    assert repeats[2] == "1" and repeats[5] == "4"
    assert (repeats.drop(index=[2, 5]) == "").all()
    assert table.at[1, "published"] == pd.Timestamp("2018-02-15")
    assert bool(table.at[14, "as_of_is_estimated"])  # an undated survey share
    assert not bool(table.at[39, "as_of_is_estimated"])  # "April 2017" is given


def test_figures_table_for_one_metric(ev):
    table = figures_table(ev, "mini_program_dau")
    assert list(table["obs_id"]) == [1, 2, 3]
    assert list(table["repeats_obs_id"]) == ["", "1", ""]


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


def test_cite_names_an_unknown_source_and_suggests_the_closest(ev):
    with pytest.raises(
        InputError, match=r"source_id: 'sinorblog_2091' .*did you mean 'sinorblog_2019'"
    ):
        cite(ev, ["sinorblog_2091"])


def test_adding_a_source_as_the_readme_says_dates_the_evidence_from_it(tmp_path):
    """README, *Adding a source*: a newer public figure (url only, no stored text) is
    validated, listed with growth from the older figures, and starts the funnel."""
    from helpers import CLI_CWD, copy_datasets, run_main

    data = copy_datasets(tmp_path)
    with (data / "sources.csv").open("a", encoding="utf-8") as fh:
        fh.write(
            "news_2021,Example News (2021),Example News,,Mini Programs pass 400 million daily "
            "users,news,2021-01-20,false,,https://news.example.com/mini-programs-2021,,"
            '2026-12-01,"Example News (2021-01-20). Mini Programs pass 400 million daily '
            'users. Accessed 2026-12-01."\n'
        )
    with (data / "observations.csv").open("a", encoding="utf-8") as fh:
        fh.write(
            "41,mini_program_dau,,400,musers,at_least,2021-01-19,false,Stated for the day of "
            "the announcement,news_2021,more than 400 million,reported,\n"
        )
    code, out, err = run_main(["figures", "--metric", "mini_program_dau", "--datasets", data])
    assert code == 0, err
    assert "news_2021" in out  # the table keeps the id; the summary names the source's label
    assert "at least 400 million users (Jan 2021), Example News (2021)" in out
    brand = str(CLI_CWD / "brands" / "fast-fashion.yaml")
    args = ["assess", brand, "--format", "json", "--draws", "256", "--analysis-date", "2026-12-01"]
    code, out, err = run_main([*args, "--datasets", data])
    assert code == 0, err
    assert json.loads(out)["evidence_as_of"] == "2021-01-19"
    code, out, err = run_main(args)
    assert json.loads(out)["evidence_as_of"] != "2021-01-19"
