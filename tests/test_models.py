"""The models reproduce the articles, keep their invariants and reject bad input by name."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data import evidence
from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.model import access, audience, categories, spend
from research.model import distributions as u
from research.vocab import CATEGORIES, GENDERS, TIERS

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)
SMALL = 512  # draws per call in property tests
PROPS = settings(max_examples=25, deadline=None)

TOUCHPOINTS = tuple(EV.touchpoints["touchpoint_id"])
methods = st.sampled_from(u.METHODS)
seeds = st.integers(0, 2**32 - 1)
genders = st.sampled_from(GENDERS)
tier_sets = st.sets(st.sampled_from(TIERS), min_size=1).map(sorted)
prices = st.floats(0, 20_000, allow_nan=False)


@st.composite
def age_ranges(draw) -> tuple[int, int]:
    lo = draw(st.integers(0, 100))
    return lo, draw(st.integers(lo, 100))


@st.composite
def targets(draw) -> dict:
    lo, hi = draw(age_ranges())
    return {
        "gender": draw(genders),
        "age_min": lo,
        "age_max": hi,
        "city_tiers": draw(tier_sets),
        "price_rmb": draw(prices),
        "category": draw(st.sampled_from(CATEGORIES)),
        "channels": draw(st.lists(st.sampled_from(TOUCHPOINTS), max_size=6)),
    }


def kw(method: str = "qmc", draws: int = SMALL, seed: int = 0) -> dict:
    return {"ev": EV, "a": A, "method": method, "draws": draws, "seed": seed}


def assert_interval_in_0_1(s: u.Interval) -> None:
    assert 0.0 <= s.p5 <= s.p50 <= s.p95 <= 1.0
    assert 0.0 <= s.mean <= 1.0


# --- the models reproduce the articles ------------------------------------------------------

# (method, draws, tolerance on the median): QMC is near-exact at 4096 draws.
ACCURACY = [("qmc", 4096, 0.002), ("mc", 2**17, 0.005)]


@pytest.mark.parametrize(("method", "draws", "tol"), ACCURACY)
def test_spend_reproduces_54_percent_at_or_below_500_rmb(method, draws, tol):
    s = spend.estimate_share_at_least(500, **kw(method, draws))
    assert s.p50 == pytest.approx(1 - 0.54, abs=tol)
    assert s.p5 < 0.46 < s.p95


@pytest.mark.parametrize(("method", "draws", "tol"), ACCURACY)
def test_audience_reproduces_71_percent_female(method, draws, tol):
    s = audience.estimate_target_share("female", **kw(method, draws))
    assert s.p50 == pytest.approx(0.71, abs=tol)
    comp = audience.estimate_composition(**kw(method, draws)).set_index(["trait", "group"])
    assert comp.loc[("gender", "female"), "p50"] == pytest.approx(0.71, abs=tol)
    assert comp.loc[("gender", "male"), "p50"] == pytest.approx(0.29, abs=tol)


@pytest.mark.parametrize(("method", "draws", "tol"), ACCURACY)
def test_audience_reproduces_60_percent_aged_30_or_below(method, draws, tol):
    s = audience.estimate_target_share("any", 0, 30, **kw(method, draws))
    assert s.p50 == pytest.approx(0.60, abs=tol)
    over = audience.estimate_target_share("any", 31, 100, **kw(method, draws))
    assert over.p50 == pytest.approx(0.40, abs=tol)


@pytest.mark.parametrize(("method", "draws", "tol"), ACCURACY)
def test_access_reproduces_35_percent_through_shared_links(method, draws, tol):
    s = access.estimate_coverage(["shared_links"], **kw(method, draws))
    assert s.p50 == pytest.approx(0.35, abs=tol)


@pytest.mark.parametrize(("method", "draws", "tol"), ACCURACY)
def test_categories_reproduce_42_percent_playing_games(method, draws, tol):
    table = categories.estimate_categories(**kw(method, draws))
    games = table.set_index(["category", "measure"]).loc[("games", "penetration")]
    assert games["p50"] == pytest.approx(0.42, abs=tol)
    assert games["basis"] == "sourced"
    pen = table[table["measure"] == "penetration"].set_index("category")["p50"]
    assert (pen.drop("games") < 0.42).all()  # games are the most popular category


# --- property tests ---------------------------------------------------------------------------


@given(target=targets(), method=methods, seed=seeds)
@settings(max_examples=15, deadline=None)
def test_every_share_is_in_0_1(target, method, seed):
    a_kw = kw(method, SMALL, seed)
    assert_interval_in_0_1(
        audience.estimate_target_share(
            target["gender"], target["age_min"], target["age_max"], target["city_tiers"], **a_kw
        )
    )
    assert_interval_in_0_1(spend.estimate_share_at_least(target["price_rmb"], **a_kw))
    assert_interval_in_0_1(access.estimate_coverage(target["channels"], **a_kw))


@given(method=methods, seed=seeds)
@PROPS
def test_category_mix_rows_sum_to_one(method, seed):
    ins = categories.inputs(EV, A)
    d = u.draw(u.nodes_of(ins), SMALL, np.random.default_rng(seed), method)
    mix = categories.mix(d)
    assert mix.shape == (SMALL, len(CATEGORIES))
    np.testing.assert_allclose(mix.sum(axis=1), 1.0, atol=1e-12)
    assert ((mix > 0) & (mix < 1)).all()
    for c in CATEGORIES:
        pen = categories.penetration(d, c)
        assert ((pen > 0) & (pen < 1)).all()


@given(method=methods, seed=seeds)
@PROPS
def test_touchpoint_shares_rows_sum_to_one(method, seed):
    d = u.draw(u.nodes_of(access.inputs(EV, A)), SMALL, np.random.default_rng(seed), method)
    shares = access.touchpoint_shares(d, EV, A)
    assert set(TOUCHPOINTS) | {access.OTHER} == set(shares.columns)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=1e-12)
    assert ((shares.to_numpy() >= -1e-12) & (shares.to_numpy() <= 1)).all()
    # the unnamed access points keep exactly their assumed share unless the rest is clipped
    rest = access.rest_share(d)
    ok = rest > 0
    np.testing.assert_allclose(shares[access.OTHER][ok], d["unnamed_points_share"][ok], atol=1e-12)


def test_prior_weights_sum_to_one_and_follow_the_groups():
    w = access.prior_weights(EV, A)
    assert w.sum() == pytest.approx(1.0)
    assert access.SHARED not in w.index
    assert w["qr_codes"] == pytest.approx(w["indoor_navigation"])  # equal within a group


@given(method=methods, seed=seeds)
@PROPS
def test_composition_gender_rows_sum_to_one(method, seed):
    comp = audience.estimate_composition(**kw(method, SMALL, seed))
    assert set(comp["basis"]) <= {"sourced", "assumed"}
    assert ((comp[["p5", "p50", "p95"]] >= 0) & (comp[["p5", "p50", "p95"]] <= 1)).all().all()
    g = comp[comp["trait"] == "gender"].set_index("group")
    assert list(g.index) == ["female", "male"]
    assert g["p50"].sum() == pytest.approx(1.0, abs=1e-12)
    assert g.at["female", "p5"] + g.at["male", "p95"] == pytest.approx(1.0, abs=1e-12)
    assert g.at["female", "p95"] + g.at["male", "p5"] == pytest.approx(1.0, abs=1e-12)
    assert len(comp[comp["trait"] == "tier"]) == 5


@given(method=methods, seed=seeds)
@PROPS
def test_tiers_and_age_bands_partition_the_users(method, seed):
    d = u.draw(u.nodes_of(audience.inputs(EV, A)), SMALL, np.random.default_rng(seed), method)
    per_tier = audience.tier_share(d["tier_shares"], d["tier_split"], np.eye(5))
    assert per_tier.shape == (5, SMALL)
    np.testing.assert_allclose(per_tier.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(
        audience.tier_share(d["tier_shares"], d["tier_split"], audience.tier_weights([2, 3, 4])),
        d["tier_shares"][:, 1],
        atol=1e-12,
    )
    bands = sum(
        audience.age_share(d["age_le_share"], d["age_log_spread"], lo, hi)
        for lo, hi in audience.AGE_BANDS
    )
    whole = audience.age_share(d["age_le_share"], d["age_log_spread"], 0, 100)
    np.testing.assert_allclose(bands, whole, atol=1e-12)
    assert (whole > 0.99).all()  # almost nobody is over 100


@given(
    share_le=st.floats(0.01, 0.99),
    spread=st.floats(0.1, 3.0),
    p1=prices,
    p2=prices,
)
@PROPS
def test_share_at_least_never_rises_with_price_on_arrays(share_le, spread, p1, p2):
    lo, hi = sorted((p1, p2))
    s_le = np.array([share_le, 0.54, 0.3])
    sd = np.array([spread, 1.1, 0.8])
    at_lo = spend.share_at_least(lo, s_le, sd, 500.0)
    at_hi = spend.share_at_least(hi, s_le, sd, 500.0)
    assert (at_hi <= at_lo).all()
    assert ((at_hi >= 0) & (at_lo <= 1)).all()
    # broadcasting a column of prices against draws gives the same, row by row
    grid = spend.share_at_least(np.array([[lo], [hi]]), s_le, sd, 500.0)
    np.testing.assert_array_equal(grid, np.vstack([at_lo, at_hi]))
    np.testing.assert_array_equal(spend.share_at_least(0.0, s_le, sd, 500.0), 1.0)


@given(p1=prices, p2=prices, method=methods, seed=seeds)
@PROPS
def test_estimate_share_at_least_never_rises_with_price(p1, p2, method, seed):
    lo, hi = sorted((p1, p2))
    at_lo = spend.estimate_share_at_least(lo, **kw(method, SMALL, seed))
    at_hi = spend.estimate_share_at_least(hi, **kw(method, SMALL, seed))
    for q in ("p5", "p50", "p95", "mean"):
        assert getattr(at_hi, q) <= getattr(at_lo, q)


@given(
    channels=st.lists(st.sampled_from(TOUCHPOINTS), max_size=8, unique=True),
    extra=st.sampled_from(TOUCHPOINTS),
    seed=seeds,
)
@PROPS
def test_adding_a_channel_never_lowers_coverage(channels, extra, seed):
    before = access.estimate_coverage(channels, **kw("qmc", SMALL, seed))
    after = access.estimate_coverage([*channels, extra], **kw("qmc", SMALL, seed))
    for q in ("p5", "p50", "p95"):
        assert getattr(after, q) >= getattr(before, q) - 1e-12
    if extra not in channels:
        assert after.p50 > before.p50


@given(
    gender=genders,
    inner=age_ranges(),
    widen_lo=st.integers(0, 100),
    widen_hi=st.integers(0, 100),
    tiers=tier_sets,
    seed=seeds,
    method=methods,
)
@PROPS
def test_widening_the_age_range_never_lowers_the_audience(
    gender, inner, widen_lo, widen_hi, tiers, seed, method
):
    lo, hi = inner
    wide_lo, wide_hi = max(0, lo - widen_lo), min(100, hi + widen_hi)
    narrow = audience.estimate_target_share(gender, lo, hi, tiers, **kw(method, SMALL, seed))
    wide = audience.estimate_target_share(
        gender, wide_lo, wide_hi, tiers, **kw(method, SMALL, seed)
    )
    for q in ("p5", "p50", "p95", "mean"):
        assert getattr(wide, q) >= getattr(narrow, q)
    more_tiers = audience.estimate_target_share(gender, lo, hi, TIERS, **kw(method, SMALL, seed))
    assert more_tiers.p50 >= narrow.p50


@given(target=targets(), method=methods, seed=seeds)
@settings(max_examples=8, deadline=None)
def test_same_seed_same_draws_and_results_other_seed_other_draws(target, method, seed):
    ins = audience.inputs(EV, A) | spend.inputs(EV, A) | access.inputs(EV, A, target["channels"])
    nodes = u.nodes_of(ins)
    a = u.draw(nodes, SMALL, np.random.default_rng(seed), method)
    b = u.draw(nodes, SMALL, np.random.default_rng(seed), method)
    c = u.draw(nodes, SMALL, np.random.default_rng(seed + 1), method)
    for name in ins:
        np.testing.assert_array_equal(a[name], b[name])
    varying = [n for n in ins if np.ptp(a[n]) > 0]
    assert varying
    assert all(not np.array_equal(a[n], c[n]) for n in varying)
    s1 = spend.estimate_share_at_least(target["price_rmb"], **kw(method, SMALL, seed))
    assert s1 == spend.estimate_share_at_least(target["price_rmb"], **kw(method, SMALL, seed))


# --- bad input names the argument and what is allowed -----------------------------------------


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: u.check_share("female_share", 1.5), r"^female_share: 1.5 is outside \[0, 1\]"),
        (lambda: u.TrustedShare(1.5, u.Fixed(100.0)), r"^share: 1.5 is outside \[0, 1\]"),
        (
            lambda: spend.estimate_share_at_least(500, method="sobol"),
            r"^method: 'sobol' is not allowed \(allowed: qmc, mc\)",
        ),
        (lambda: audience.estimate_composition(draws=1), r"^draws: 1 must be an integer >= 2"),
        (lambda: spend.band_table([1000, 500]), r"^edges_rmb: .*strictly increasing"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, pattern):
    with pytest.raises(ValueError, match=pattern) as err:
        call()
    assert "\n" not in str(err.value)


def test_dau_timeline_flags_the_stale_repeat():
    t = evidence.dau_timeline(EV)
    dau = t[t["metric"] == "mini_program_dau"]
    stale = dau[dau["is_stale_repeat"]]
    assert list(stale["source_id"]) == ["sinorblog_2019"]
    assert list(stale["value"]) == [170.0]
    assert not t.loc[t["source_id"] != "sinorblog_2019", "is_stale_repeat"].any()
    assert set(t["metric"]) == {"mini_program_dau", "mini_program_count"}
    assert (
        t["as_of"].is_monotonic_increasing
        or t.groupby("metric")["as_of"].apply(lambda s: s.is_monotonic_increasing).all()
    )
