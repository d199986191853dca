"""The market models reproduce the articles' figures, keep their invariants over brands x
draws, and refuse data they cannot use with a message naming what is missing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data import evidence
from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.data.profiles import profile_from_mapping
from research.errors import InputError
from research.model import access, audience, categories, dau, spend
from research.model.factors import (
    FACTORS,
    compute_factors,
    draw_platform,
    make_anchors,
    make_brands,
    platform_inputs,
)
from research.vocab import CATEGORIES, GENDERS, OBJECTIVES, TIERS

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)
INS = platform_inputs(EV, A)
TOUCHPOINTS = access.touchpoint_ids(EV)
CUT = audience.age_anchor(EV)[1]  # 31 exact years: the article's '30 or below'
THRESHOLD = spend.spend_anchor(EV)[1]  # 500 RMB a month
SMALL = 256  # draws in property tests
PROPS = settings(max_examples=25, deadline=None)
#: One set of draws the property tests share (every brand is computed on the same draws).
V = draw_platform(INS, SMALL, seed=3)

prices = st.floats(0, 20_000, allow_nan=False)
tier_sets = st.sets(st.sampled_from(TIERS), min_size=1).map(sorted)


@st.composite
def age_ranges(draw, low: int = 0) -> tuple[int, int]:
    lo = draw(st.integers(low, 100))
    return lo, draw(st.integers(lo, 100))


def one_hot(chosen, ids=TOUCHPOINTS) -> np.ndarray:
    """Return the (1, K) 0/1 row of the touch points ``chosen`` among ``ids``."""
    return np.array([[1.0 if t in chosen else 0.0 for t in ids]])


def assert_shares(x) -> None:
    x = np.asarray(x, float)
    assert np.isfinite(x).all()
    assert ((x >= 0) & (x <= 1)).all()


# --- the models reproduce the articles' figures -----------------------------------------------


@dataclass(frozen=True)
class Sample:
    """Draws of every platform input by one method, and the tolerance on a median there."""

    method: str
    tol: float
    v: dict


@pytest.fixture(scope="module", params=[("qmc", 0.002), ("mc", 0.01)], ids=["qmc", "mc"])
def sample(request) -> Sample:
    """1,024 draws by scrambled Sobol (near-exact medians) and by plain Monte Carlo."""
    method, tol = request.param
    return Sample(method, tol, draw_platform(INS, 1024, 2019, method))


def test_spend_model_gives_54_percent_at_or_below_500_rmb(sample):
    assert spend.spend_anchor(EV) == (0.54, 500.0, "sinorblog_2019")
    v = sample.v
    at_least_500 = spend.share_at_least(500, v["spend_le_share"], v["spend_log_spread"], THRESHOLD)
    assert np.median(1 - at_least_500) == pytest.approx(0.54, abs=sample.tol)
    # fitted to the figure on every draw, whatever the drawn spread
    np.testing.assert_allclose(1 - at_least_500, v["spend_le_share"], atol=1e-12)
    p5, p95 = np.quantile(1 - at_least_500, [0.05, 0.95])
    assert p5 < 0.54 < p95  # and uncertain: a survey share, not a census


def test_spend_model_puts_17_to_28_percent_at_1000_rmb_or_more(sample):
    """At exactly 54% below 500 RMB, the assumed spread puts 17% to 28% at 1,000 RMB+."""
    at_1000 = spend.share_at_least(1000, 0.54, sample.v["spend_log_spread"], THRESHOLD)
    assert (at_1000 >= 0.17 - 0.005).all() and (at_1000 <= 0.28 + 0.005).all()
    assert at_1000.min() < 0.18 and at_1000.max() > 0.27  # the whole stated range is used


def test_spend_bands_partition_the_users_and_keep_54_percent_at_or_below_500(sample):
    v = sample.v
    table = spend.bands(v, THRESHOLD)
    draws = np.stack(table["draws"].to_list())
    assert_shares(draws)
    np.testing.assert_allclose(draws.sum(axis=0), 1.0, atol=1e-12)
    up_to_500 = draws[(table["high_rmb"] <= 500).to_numpy()].sum(axis=0)
    np.testing.assert_allclose(up_to_500, v["spend_le_share"], atol=1e-12)


def test_audience_gives_71_percent_female_and_29_percent_male(sample):
    female = sample.v["female_share"]
    by_gender = audience.gender_share(female, np.array([GENDERS.index(g) for g in GENDERS]))
    f, m, anyone = (np.median(row) for row in by_gender)
    assert f == pytest.approx(0.71, abs=sample.tol)
    assert m == pytest.approx(0.29, abs=sample.tol)
    assert anyone == 1.0
    np.testing.assert_allclose(by_gender[0] + by_gender[1], 1.0, atol=1e-12)


def test_age_model_gives_60_percent_aged_30_or_below(sample):
    v = sample.v
    young = audience.age_share(v["age_le_share"], v["age_log_spread"], 0, 30, CUT)
    older = audience.age_share(v["age_le_share"], v["age_log_spread"], 31, 100, CUT)
    assert np.median(young) == pytest.approx(0.60, abs=sample.tol)
    assert np.median(older) == pytest.approx(0.40, abs=sample.tol)
    # fitted to the figure on every draw, whatever the drawn spread
    np.testing.assert_allclose(young, v["age_le_share"], atol=1e-12)


def test_city_tiers_give_a_third_in_tier_1_and_half_in_tiers_2_to_4(sample):
    v = sample.v
    per_tier = audience.per_tier(v["tier_bands"], v["tier_split"])
    assert per_tier.shape == (1024, 5)
    assert_shares(per_tier)
    np.testing.assert_allclose(per_tier.sum(axis=1), 1.0, atol=1e-12)
    means = per_tier.mean(axis=0)
    assert means[0] == pytest.approx(1 / 3, abs=0.005)
    assert means[1:4].sum() == pytest.approx(0.50, abs=0.005)
    assert means[4] == pytest.approx(1 / 6, abs=0.005)  # the unnamed rest, read as tier 5
    np.testing.assert_allclose(means[1:4] / means[1:4].sum(), [0.45, 0.33, 0.22], atol=0.01)
    tiers_2_to_4 = audience.tier_share(
        v["tier_bands"], v["tier_split"], audience.tier_indicator([2, 3, 4])[None, :]
    )
    np.testing.assert_allclose(tiers_2_to_4[0], v["tier_bands"][:, 1], atol=1e-12)


def test_shared_links_reach_35_percent_of_users(sample):
    reach = access.channel_reach(
        access.reach_matrix(sample.v, TOUCHPOINTS), one_hot(["shared_links"])
    )
    assert np.median(reach) == pytest.approx(0.35, abs=sample.tol)
    shared = INS[access.input_name("shared_links")]
    assert (shared.basis, shared.sources) == ("sourced", ("sinorblog_2019",))
    assert all(
        INS[access.input_name(t)].basis == "assumed" for t in TOUCHPOINTS if t != "shared_links"
    )


def test_games_are_42_percent_and_the_most_used_category(sample):
    pen = categories.penetration_matrix(sample.v)
    assert pen.shape == (len(CATEGORIES), 1024)
    assert_shares(pen)
    medians = dict(zip(CATEGORIES, np.median(pen, axis=1), strict=True))
    assert medians["games"] == pytest.approx(0.42, abs=sample.tol)
    assert max(medians, key=medians.get) == "games"
    assert INS[categories.input_name("games")].basis == "sourced"
    others = [c for c in CATEGORIES if c != "games"]
    assert all(INS[categories.input_name(c)].basis == "assumed" for c in others)


def test_dau_starts_from_300_million_not_the_stale_170(sample):
    obs, when, years = dau.dau_anchor(EV)
    assert (obs.value, obs.source_id, years) == (300.0, "datawords_2019", 0.0)
    users = dau.dau_users(sample.v, obs, years, dau.dau_cap_musers(EV))
    # the quoted figure times its assumed error, whose 90% range is 0.85 to 1.15
    assert np.median(users) == pytest.approx(300e6 * np.sqrt(0.85 * 1.15), rel=0.01)
    p5, p95 = np.quantile(users, [0.05, 0.95])
    assert (p5, p95) == pytest.approx((0.85 * 300e6, 1.15 * 300e6), rel=0.03)
    mid_2018 = dau.dau_anchor(EV, "2018-06-30")[0]
    assert (mid_2018.value, mid_2018.source_id) == (170.0, "guide_2018")


def test_dau_after_the_last_figure_grows_but_never_past_wechat_users():
    cap = dau.dau_cap_musers(EV)
    assert cap == 1150.0  # WeChat's 1.15 billion monthly users
    obs, _, years = dau.dau_anchor(EV, "2035-01-01")
    assert years > 15
    ins = dau.inputs(EV, A, "2035-01-01")
    assert "dau_growth_after_last_figure" in ins["dau_growth"].assumptions
    v = draw_platform(ins, SMALL, seed=1)
    now = dau.dau_users(v, obs, 0.0, cap)
    later = dau.dau_users(v, obs, years, cap)
    assert (later >= now).all() and (later <= cap * 1e6).all()
    assert (later == cap * 1e6).any()  # the cap binds at the fast-growth end


# --- invariants -------------------------------------------------------------------------------


@given(
    gender=st.sampled_from(GENDERS),
    ages=age_ranges(),
    tiers=tier_sets,
    price=prices,
    channels=st.lists(st.sampled_from(TOUCHPOINTS), max_size=6),
)
@PROPS
def test_every_share_lies_in_0_1_for_any_target(gender, ages, tiers, price, channels):
    lo, hi = ages
    code = np.array([GENDERS.index(gender)])
    assert_shares(audience.gender_share(V["female_share"], code))
    assert_shares(audience.age_share(V["age_le_share"], V["age_log_spread"], lo, hi, CUT))
    assert_shares(audience.core_age_share(V["age_le_share"], V["age_log_spread"], lo, hi, CUT))
    indicator = audience.tier_indicator(tiers)[None, :]
    assert_shares(audience.tier_share(V["tier_bands"], V["tier_split"], indicator))
    assert_shares(spend.share_at_least(price, V["spend_le_share"], V["spend_log_spread"], 500.0))
    assert_shares(access.channel_reach(access.reach_matrix(V, TOUCHPOINTS), one_hot(channels)))


@given(
    share_le=st.floats(0.01, 0.99),
    spread=st.floats(0.1, 3.0),
    p1=prices,
    p2=prices,
)
@PROPS
def test_a_higher_price_never_raises_price_fit(share_le, spread, p1, p2):
    lo, hi = sorted((p1, p2))
    s_le = np.array([share_le, 0.54, 0.3])
    sd = np.array([spread, 1.1, 0.8])
    at_lo = spend.share_at_least(lo, s_le, sd, 500.0)
    at_hi = spend.share_at_least(hi, s_le, sd, 500.0)
    assert (at_hi <= at_lo).all()
    # a column of prices against draws gives the same, row by row
    grid = spend.share_at_least(np.array([[lo], [hi]]), s_le, sd, 500.0)
    np.testing.assert_array_equal(grid, np.vstack([at_lo, at_hi]))
    np.testing.assert_array_equal(spend.share_at_least(0.0, s_le, sd, 500.0), 1.0)


@given(
    channels=st.lists(st.sampled_from(TOUCHPOINTS), max_size=8, unique=True),
    extra=st.sampled_from(TOUCHPOINTS),
)
@PROPS
def test_adding_a_channel_never_lowers_reach(channels, extra):
    matrix = access.reach_matrix(V, TOUCHPOINTS)
    both = access.channel_reach(matrix, np.vstack([one_hot(channels), one_hot([*channels, extra])]))
    before, after = both
    assert (after >= before).all()
    if extra not in channels:
        assert (after > before).all()  # every touch point reaches someone on every draw


def test_no_channel_reaches_no_one_and_every_channel_reaches_most_users():
    matrix = access.reach_matrix(V, TOUCHPOINTS)
    assert (access.channel_reach(matrix, one_hot([])) == 0).all()
    everything = access.channel_reach(matrix, one_hot(TOUCHPOINTS))[0]
    assert (everything > 0.35).all() and (everything < 1).all()


@given(gender=st.sampled_from(GENDERS), inner=age_ranges(), wider=age_ranges(), tiers=tier_sets)
@PROPS
def test_widening_the_age_range_or_adding_tiers_never_lowers_the_audience(
    gender, inner, wider, tiers
):
    (lo, hi), (w_lo, w_hi) = inner, wider
    w_lo, w_hi = min(lo, w_lo), max(hi, w_hi)
    narrow = audience.age_share(V["age_le_share"], V["age_log_spread"], lo, hi, CUT)
    wide = audience.age_share(V["age_le_share"], V["age_log_spread"], w_lo, w_hi, CUT)
    assert (wide >= narrow).all()
    some = audience.tier_share(
        V["tier_bands"], V["tier_split"], audience.tier_indicator(tiers)[None, :]
    )
    every = audience.tier_share(
        V["tier_bands"], V["tier_split"], audience.tier_indicator(TIERS)[None, :]
    )
    assert (every >= some - 1e-12).all()
    np.testing.assert_allclose(every, 1.0, atol=1e-12)


@given(lo=st.integers(0, 99))
@PROPS
def test_age_bands_partition_the_users(lo):
    share_le, spread = V["age_le_share"], V["age_log_spread"]
    bands = sum(audience.age_share(share_le, spread, a, b, CUT) for a, b in audience.AGE_BANDS)
    first, last = audience.AGE_BANDS[0][0], audience.AGE_BANDS[-1][1]
    np.testing.assert_allclose(
        bands, audience.age_share(share_le, spread, first, last, CUT), atol=1e-12
    )
    split = audience.age_share(share_le, spread, 0, lo, CUT) + audience.age_share(
        share_le, spread, lo + 1, 100, CUT
    )
    np.testing.assert_allclose(split, audience.age_share(share_le, spread, 0, 100, CUT), atol=1e-12)
    assert (audience.age_share(share_le, spread, 0, 100, CUT) > 0.99).all()  # few are over 100


def test_composition_shares_sum_to_one_within_each_trait():
    comp = audience.composition(V, CUT)
    assert set(comp["trait"]) == {"gender", "age", "tier"}
    assert set(comp["basis"]) <= {"sourced", "mixed", "assumed"}
    for trait, rows in comp.groupby("trait"):
        draws = np.stack(rows["draws"].to_list())
        assert_shares(draws)
        total = draws.sum(axis=0)
        if trait == "age":  # the bands start at 6 years: nearly everyone, not everyone
            assert ((total > 0.95) & (total <= 1.0)).all()
        else:
            np.testing.assert_allclose(total, 1.0, atol=1e-12, err_msg=trait)
    female = comp[(comp["trait"] == "gender") & (comp["key"] == "female")]
    assert female["basis"].item() == "sourced"


@given(ages=age_ranges(low=6))
@PROPS
def test_the_core_age_share_is_1_below_the_cut_0_above_and_between_across_it(ages):
    lo, hi = ages
    core = audience.core_age_share(V["age_le_share"], V["age_log_spread"], lo, hi, CUT)
    assert_shares(core)
    if hi < CUT:
        np.testing.assert_allclose(core, 1.0)
    elif lo >= CUT:
        np.testing.assert_allclose(core, 0.0)
    else:
        assert ((core > 0) & (core < 1)).all()


@st.composite
def brand_mappings(draw) -> dict:
    lo = draw(st.integers(6, 99))
    return {
        "name": "Property brand",
        "category": draw(st.sampled_from(CATEGORIES)),
        "objective": draw(st.sampled_from(OBJECTIVES)),
        "audience": {
            "gender": draw(st.sampled_from(GENDERS)),
            "age_min": lo,
            "age_max": draw(st.integers(lo + 1, 100)),
            "city_tiers": draw(tier_sets),
        },
        "price_rmb": draw(st.floats(0, 20_000)),
        "channels": draw(st.lists(st.sampled_from(TOUCHPOINTS), max_size=6, unique=True)),
    }


@given(data=st.lists(brand_mappings(), min_size=1, max_size=4))
@settings(max_examples=15, deadline=None)
def test_reach_is_daily_users_times_shares_each_in_0_1(data):
    profiles = [
        profile_from_mapping(d, "test", EV, analysis_date=dt.date(2030, 1, 1)) for d in data
    ]
    an = make_anchors(EV)
    f = compute_factors(V, make_brands(profiles, an.touchpoints), an)
    for name in (*FACTORS[1:], "audience_share", "core_share"):
        assert f[name].shape == (len(profiles), SMALL), name
        assert_shares(f[name])
    product = f["dau"] * f["audience_share"] * f["price_share"]
    product = product * f["category_penetration"] * f["channel_share"]
    np.testing.assert_allclose(f["reach"], product, rtol=1e-12)
    assert (f["reach"] <= f["dau"]).all()
    # a brand that does not sell is not filtered by price
    for b, p in enumerate(profiles):
        if p.objective != "sales" or p.price_rmb == 0:
            np.testing.assert_array_equal(f["price_share"][b], 1.0)


def test_same_seed_same_draws_other_seed_other_draws():
    a = draw_platform(INS, SMALL, seed=5)
    b = draw_platform(INS, SMALL, seed=5)
    c = draw_platform(INS, SMALL, seed=6)
    assert list(a) == list(INS)
    varying = [name for name in INS if np.ptp(a[name]) > 0]
    assert len(varying) == len(INS) - 1  # all but the quoted daily-user figure
    for name in INS:
        np.testing.assert_array_equal(a[name], b[name])
    assert all(not np.array_equal(a[name], c[name]) for name in varying)


# --- data the models cannot use -----------------------------------------------------------------


def without(metric: str, segment: str | None = None) -> evidence.Evidence:
    """Return the evidence with the figures of ``metric`` (and ``segment``) left out."""
    obs = EV.observations
    drop = obs["metric"] == metric
    if segment is not None:
        drop &= obs["segment"].fillna("") == segment
    return dataclasses.replace(EV, observations=obs[~drop].reset_index(drop=True))


def with_value(metric: str, segment: str, value: float) -> evidence.Evidence:
    """Return the evidence with the figure of ``metric`` / ``segment`` set to ``value``."""
    obs = EV.observations.copy()
    at = (obs["metric"] == metric) & (obs["segment"].fillna("") == segment)
    assert at.sum() == 1
    obs.loc[at, "value"] = value
    return dataclasses.replace(EV, observations=obs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: audience.age_anchor(without("user_age_share", "le_30")),
            "user_age_share: no reported 'le_N' figure in the data",
        ),
        (
            lambda: spend.spend_anchor(without("monthly_spend_share", "le_500")),
            "monthly_spend_share: no reported 'le_N' figure in the data",
        ),
        (
            lambda: audience.inputs(with_value("user_city_tier_share", "tier_2_to_4", 70), A),
            "user_city_tier_share: the named tier shares leave nothing for the rest",
        ),
        (
            lambda: access.inputs(without("access_share"), A),
            "no figure for metric 'access_share' segment 'shared_links'",
        ),
        (
            lambda: dau.dau_anchor(EV, "2017-06-30"),
            "as_of: no figure for metric 'mini_program_dau' on or before 2017-06-30",
        ),
    ],
    ids=["no-age-figure", "no-spend-figure", "tiers-over-100", "no-shared-links", "before-dau"],
)
def test_data_the_models_cannot_use_raise_one_line_naming_the_metric(call, message):
    with pytest.raises(InputError) as err:
        call()
    assert "\n" not in str(err.value)
    assert message in str(err.value)


def test_the_figures_table_flags_the_stale_repeat():
    t = evidence.figures_table(EV)
    t = t[t["metric"].isin(["mini_program_dau", "mini_program_count"])]
    dau_rows = t[t["metric"] == "mini_program_dau"]
    stale = dau_rows[dau_rows["repeats_obs_id"].notna() & (dau_rows["repeats_obs_id"] != "")]
    assert list(stale["source_id"]) == ["sinorblog_2019"]
    assert list(stale["value"]) == [170.0]
    flagged = t["repeats_obs_id"].notna() & (t["repeats_obs_id"] != "")
    assert not (flagged & (t["source_id"] != "sinorblog_2019")).any()
    assert set(t["metric"]) == {"mini_program_dau", "mini_program_count"}


def test_touch_point_inputs_name_their_touch_point_as_inside_a_sentence():
    """'Users reached through one-on-one or group chat sharing', not 'through One-on-one';
    names and acronyms keep their capitals ('through QR codes', 'through Moments ads')."""
    from research.model import access

    ev = load_evidence()
    labels = {
        i.name: i.label for i in access.inputs(ev, load_assumptions(ev.datasets_dir)).values()
    }
    assert labels["shared_links_share"] == "Users reached through one-on-one or group chat sharing"
    assert labels["touchpoint_reach_qr_codes"] == "Users reached through QR codes"
    assert labels["touchpoint_reach_moments_ads"] == "Users reached through Moments ads"
