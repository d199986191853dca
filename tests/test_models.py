"""The models reproduce the articles, keep their invariants and reject bad input by name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data.assumptions import load_assumptions
from research.data.evidence import latest_value, load_evidence
from research.model import access, audience, categories, spend
from research.model import distributions as u
from research.model import funnel as market

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)
SMALL = 512  # draws per call in property tests
PROPS = settings(max_examples=25, deadline=None)

TOUCHPOINTS = tuple(EV.touchpoints["touchpoint_id"])
methods = st.sampled_from(u.METHODS)
funnel_methods = st.sampled_from(market.METHODS)
seeds = st.integers(0, 2**32 - 1)
genders = st.sampled_from(audience.GENDERS)
tier_sets = st.sets(st.sampled_from(audience.TIERS), min_size=1).map(sorted)
prices = st.floats(0, 20_000, allow_nan=False)


@st.composite
def age_ranges(draw) -> tuple[int, int]:
    lo = draw(st.integers(0, 100))
    return lo, draw(st.integers(lo, 100))


@st.composite
def targets(draw) -> market.Target:
    lo, hi = draw(age_ranges())
    return market.make_target(
        gender=draw(genders),
        age_min=lo,
        age_max=hi,
        city_tiers=draw(tier_sets),
        price_rmb=draw(prices),
        category=draw(st.sampled_from(categories.CATEGORIES)),
        channels=draw(st.lists(st.sampled_from(TOUCHPOINTS), max_size=6)),
    )


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
    shares = access.estimate_shares(**kw(method, draws)).set_index("touchpoint_id")
    assert shares.loc["shared_links", "p50"] == pytest.approx(0.35, abs=tol)
    assert shares.loc["shared_links", "basis"] == "sourced"


@pytest.mark.parametrize(("method", "draws", "tol"), ACCURACY)
def test_categories_reproduce_42_percent_playing_games(method, draws, tol):
    table = categories.estimate_categories(**kw(method, draws))
    games = table.set_index(["category", "measure"]).loc[("games", "penetration")]
    assert games["p50"] == pytest.approx(0.42, abs=tol)
    assert games["basis"] == "sourced"
    pen = table[table["measure"] == "penetration"].set_index("category")["p50"]
    assert (pen.drop("games") < 0.42).all()  # games are the most popular category


def test_qmc_and_mc_agree_on_the_full_funnel():
    t = market.make_target("female", 18, 30, price_rmb=200, channels=["shared_links", "qr_codes"])
    q = market.estimate_funnel(t, **kw("qmc", 2**13))
    m = market.estimate_funnel(t, **kw("mc", 2**18))
    for sq, sm in zip(q.stages, m.stages, strict=True):
        assert sq.p50 == pytest.approx(sm.p50, rel=0.015)
        assert sq.p5 == pytest.approx(sm.p5, rel=0.03)
        assert sq.p95 == pytest.approx(sm.p95, rel=0.03)


@pytest.mark.parametrize(
    "target",
    [
        market.make_target("female", 18, 30, price_rmb=200, channels=["shared_links", "qr_codes"]),
        market.make_target("male", 25, 40, (1, 2), 800, "games", ["shared_links", "moments_ads"]),
    ],
    ids=["every-tier", "two-tiers"],
)
def test_convolution_agrees_with_a_large_plain_mc_run(target):
    """The convolution at 2^10 draws per factor is within 1.5% of 2^20 plain MC draws."""
    c = market.estimate_funnel(target, **kw("convolution", 2**10, seed=5))
    m = market.estimate_funnel(target, **kw("mc", 2**20, seed=6))
    assert c.draws.method == "convolution" and c.draws.n == 2**10
    for sc, sm in zip(c.stages, m.stages, strict=True):
        for q in ("p5", "p50", "p95"):
            assert getattr(sc, q) == pytest.approx(getattr(sm, q), rel=0.015), (sc.stage, q)
    # the per-factor draws, paired by index, are a (smaller) sample of the same funnel
    reach = market.funnel_stages(c.factors)["reach"]
    assert np.median(reach) == pytest.approx(c.stages[-1].p50, rel=0.05)


def test_convolution_is_the_default_and_more_accurate_than_qmc_at_equal_draws():
    t = market.make_target("female", 18, 30, price_rmb=200, channels=["shared_links", "qr_codes"])
    m = market.estimate_funnel(t, **kw("mc", 2**20, seed=6)).stages[-1]
    truth = np.array([m.p5, m.p50, m.p95])

    def worst(method: str) -> float:
        errors = []
        for seed in range(4):
            s = market.estimate_funnel(t, **kw(method, 2**8, seed)).stages[-1]
            errors.append(np.abs(np.array([s.p5, s.p50, s.p95]) / truth - 1).max())
        return max(errors)

    assert market.estimate_funnel(t, ev=EV, a=A, draws=64).draws.method == "convolution"
    assert worst("convolution") < 0.012 < worst("qmc")


@pytest.mark.parametrize("method", market.METHODS)
def test_funnel_same_seed_identical_output_other_seed_other_output(method):
    t = market.make_target("male", 18, 40, (1, 3), 300, "news", ["shared_links", "qr_codes"])
    f1, f2 = (market.estimate_funnel(t, **kw(method, SMALL, 7)) for _ in range(2))
    f3 = market.estimate_funnel(t, **kw(method, SMALL, 8))
    assert f1.stages == f2.stages and f1.stages != f3.stages
    assert list(f1.factors) == list(market.FACTORS)
    for name in market.FACTORS:
        assert f1.factors[name].tobytes() == f2.factors[name].tobytes(), name
    assert list(f1.draws.values) == list(f2.draws.values)
    for name, x in f1.draws.values.items():
        assert x.tobytes() == f2.draws[name].tobytes(), name


def test_funnel_plan_is_built_once_and_not_shared_mutably():
    t = market.make_target("female", 18, 30, price_rmb=100, channels=["qr_codes"])
    plan = market.funnel_plan(EV, A, t)
    assert market.funnel_plan(EV, A, t) is plan
    listed = market.Target("female", 18, 30, [1, 2, 3, 4, 5], 100, "e-commerce", ["qr_codes"])
    assert market.funnel_plan(EV, A, listed) is plan  # equal targets share a plan
    with pytest.raises(TypeError):
        plan.inputs["extra"] = None  # read-only
    assert market.funnel_plan(EV, A, t, "2021-07-01") is market.funnel_plan(
        EV, A, t, pd.Timestamp("2021-07-01")
    )
    f = market.estimate_funnel(t, **kw("convolution", SMALL))
    f.inputs.clear()  # a caller's copy
    assert market.estimate_funnel(t, **kw("convolution", SMALL)).inputs
    # factors that are exactly one for the target read nothing and are not drawn
    reads = market.factor_inputs(t, 0.0)
    assert reads["tier_share"] == () and reads["price_share"] != ()
    assert "tier_shares" not in f.draws.values
    np.testing.assert_array_equal(f.factors["tier_share"], 1.0)


# --- property tests ---------------------------------------------------------------------------


@given(target=targets(), method=methods, funnel_method=funnel_methods, seed=seeds)
@settings(max_examples=15, deadline=None)
def test_every_share_is_in_0_1(target, method, funnel_method, seed):
    a_kw = kw(method, SMALL, seed)
    assert_interval_in_0_1(
        audience.estimate_target_share(
            target.gender, target.age_min, target.age_max, target.city_tiers, **a_kw
        )
    )
    assert_interval_in_0_1(spend.estimate_share_at_least(target.price_rmb, **a_kw))
    assert_interval_in_0_1(access.estimate_coverage(target.channels, **a_kw))
    f = market.estimate_funnel(target, **kw(funnel_method, SMALL, seed))
    for name, x in f.factors.items():
        if name != "dau":
            assert ((np.asarray(x) >= 0) & (np.asarray(x) <= 1)).all(), name


@given(method=methods, seed=seeds)
@PROPS
def test_category_mix_rows_sum_to_one(method, seed):
    ins = categories.inputs(EV, A)
    d = u.draw(u.nodes_of(ins), SMALL, np.random.default_rng(seed), method)
    mix = categories.mix(d)
    assert mix.shape == (SMALL, len(categories.CATEGORIES))
    np.testing.assert_allclose(mix.sum(axis=1), 1.0, atol=1e-12)
    assert ((mix > 0) & (mix < 1)).all()
    for c in categories.CATEGORIES:
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
    more_tiers = audience.estimate_target_share(
        gender, lo, hi, audience.TIERS, **kw(method, SMALL, seed)
    )
    assert more_tiers.p50 >= narrow.p50


@given(target=targets(), method=methods, seed=seeds)
@settings(max_examples=8, deadline=None)
def test_same_seed_same_draws_and_results_other_seed_other_draws(target, method, seed):
    ins = market.inputs(EV, A, target)
    nodes = u.nodes_of(ins)
    a = u.draw(nodes, SMALL, np.random.default_rng(seed), method)
    b = u.draw(nodes, SMALL, np.random.default_rng(seed), method)
    c = u.draw(nodes, SMALL, np.random.default_rng(seed + 1), method)
    for name in ins:
        np.testing.assert_array_equal(a[name], b[name])
    varying = [n for n in ins if np.ptp(a[n]) > 0]
    assert varying
    assert all(not np.array_equal(a[n], c[n]) for n in varying)
    f1 = market.estimate_funnel(target, **kw(method, SMALL, seed))
    f2 = market.estimate_funnel(target, **kw(method, SMALL, seed))
    assert f1.stages == f2.stages
    s1 = spend.estimate_share_at_least(target.price_rmb, **kw(method, SMALL, seed))
    assert s1 == spend.estimate_share_at_least(target.price_rmb, **kw(method, SMALL, seed))


# --- bad input names the argument and what is allowed -----------------------------------------


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: spend.estimate_share_at_least(-1), r"^price_rmb: -1 .*allowed: RMB >= 0"),
        (lambda: spend.estimate_share_at_least(float("nan")), r"^price_rmb: .*allowed: RMB >= 0"),
        (lambda: spend.estimate_share_at_least("200"), r"^price_rmb: '200' is not a number"),
        (lambda: spend.estimate_share_at_least(None), r"^price_rmb: None is not a number"),
        (lambda: spend.band_table([1000, 500]), r"^edges_rmb: .*strictly increasing"),
        (lambda: market.make_target(price_rmb=-5), r"^price_rmb: .*allowed: RMB >= 0"),
        (
            lambda: audience.estimate_target_share("any", 40, 30),
            r"^age_min: 40 is above age_max 30 \(allowed: age_min <= age_max\)",
        ),
        (
            lambda: audience.estimate_target_share("any", -1, 30),
            r"^age_min: .*allowed: whole years 0 to 100",
        ),
        (
            lambda: audience.estimate_target_share("any", 18, 30.5),
            r"^age_max: .*allowed: whole years 0 to 100",
        ),
        (
            lambda: audience.estimate_target_share("any", 18, 30, []),
            r"^city_tiers: .*allowed: a non-empty subset of 1-5",
        ),
        (
            lambda: audience.estimate_target_share("any", 18, 30, [1, 6]),
            r"^city_tiers: 6 .*allowed: a non-empty subset of 1-5",
        ),
        (
            lambda: market.make_target(age_min=31, age_max=30),
            r"^age_min: 31 is above age_max 30",
        ),
        (lambda: market.make_target(city_tiers=[]), r"^city_tiers: .*non-empty subset of 1-5"),
        (
            lambda: audience.estimate_target_share("women"),
            r"^gender: 'women' is not allowed \(allowed: female, male, any\)",
        ),
        (lambda: market.make_target(gender="Female"), r"^gender: 'Female' .*female, male, any"),
        (
            lambda: access.estimate_coverage(["qr_code"]),
            r"^channels: 'qr_code' .*did you mean 'qr_codes'\?.*allowed: .*qr_codes",
        ),
        (lambda: access.estimate_coverage("qr_codes"), r"^channels: .*must be a list"),
        (lambda: market.make_target(channels="qr_codes"), r"^channels: .*must be a list"),
        (
            lambda: market.make_target(category="game"),
            r"^category: 'game' is not allowed \(allowed: e-commerce, games, news, utility\)"
            r" \(did you mean 'games'\?\)",
        ),
        (lambda: categories.input_name("sports"), r"^category: 'sports' .*allowed: e-commerce"),
        (lambda: u.check_share("female_share", 1.5), r"^female_share: 1.5 is outside \[0, 1\]"),
        (lambda: u.TrustedShare(1.5, u.Fixed(100.0)), r"^share: 1.5 is outside \[0, 1\]"),
        (
            lambda: spend.estimate_share_at_least(500, method="sobol"),
            r"^method: 'sobol' is not allowed \(allowed: qmc, mc\)",
        ),
        (lambda: audience.estimate_composition(draws=1), r"^draws: 1 must be an integer >= 2"),
        (
            lambda: market.estimate_funnel(EXAMPLE, method="fft"),
            r"^method: 'fft' is not allowed \(allowed: convolution, qmc, mc\)",
        ),
        (lambda: market.estimate_funnel(EXAMPLE, method=None), r"^method: 'None' is not allowed"),
        (lambda: market.estimate_funnel(EXAMPLE, draws=1), r"^draws: 1 must be an integer >= 2"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, pattern):
    with pytest.raises(ValueError, match=pattern) as err:
        call()
    assert "\n" not in str(err.value)


def test_bad_channel_in_a_funnel_is_caught_before_drawing():
    t = market.make_target(channels=["shared_links", "qr_code"])
    with pytest.raises(ValueError, match=r"^channels: 'qr_code' .*did you mean 'qr_codes'"):
        market.estimate_funnel(t, **kw())


# --- the market funnel ------------------------------------------------------------------------

EXAMPLE = market.make_target(
    "female", 18, 30, audience.TIERS, 200, "e-commerce", ["shared_links", "qr_codes"]
)
STAGE_KEYS = ["dau", "audience", "price", "category", "reach"]


@pytest.fixture(scope="module")
def funnel() -> market.Funnel:
    return market.estimate_funnel(EXAMPLE, **kw("qmc", 4096))


def test_funnel_stages_units_and_basis(funnel):
    assert [s.stage for s in funnel.stages] == STAGE_KEYS
    assert {s.unit for s in funnel.stages} == {"users a day"}
    assert {s.basis for s in funnel.stages} <= {"sourced", "assumed"}
    basis = {s.stage: s.basis for s in funnel.stages}
    assert basis["dau"] == basis["audience"] == basis["price"] == "sourced"
    assert basis["category"] == "assumed"  # e-commerce penetration is an assumption
    assert basis["reach"] == "assumed"  # channels beyond shared links
    table = funnel.table()
    assert list(table.columns) == ["stage", "p5_musers", "p50_musers", "p95_musers", "basis"]
    assert table["p50_musers"].iloc[0] == pytest.approx(funnel.stages[0].p50 / 1e6)


def test_funnel_stages_never_increase(funnel):
    for q in ("p5", "p50", "p95"):
        values = [getattr(s, q) for s in funnel.stages]
        assert all(b <= a for a, b in zip(values, values[1:], strict=False)), q
    for s in funnel.stages:
        assert 0 < s.p5 <= s.p50 <= s.p95


@given(target=targets(), method=funnel_methods, seed=seeds)
@settings(max_examples=20, deadline=None)
def test_funnel_stages_never_increase_for_any_target(target, method, seed):
    f = market.estimate_funnel(target, **kw(method, SMALL, seed))
    for q in ("p5", "p50", "p95"):
        values = [getattr(s, q) for s in f.stages]
        assert all(b <= a for a, b in zip(values, values[1:], strict=False)), q
    per_draw = market.funnel_stages(f.factors)
    for prev, nxt in zip(STAGE_KEYS, STAGE_KEYS[1:], strict=False):
        assert (per_draw[nxt] <= per_draw[prev]).all()
    if target.gender == "any" and target.city_tiers == audience.TIERS:
        if (target.age_min, target.age_max) == (0, 100):
            assert f.stages[1].p50 == pytest.approx(f.stages[0].p50, rel=1e-3)


def test_funnel_starts_from_the_latest_non_stale_dau(funnel):
    latest = latest_value(EV, "mini_program_dau")
    assert (latest.value, latest.source_id) == (300.0, "datawords_2019")
    assert funnel.dau == latest
    assert funnel.years_extrapolated == 0.0
    assert funnel.as_of == pd.Timestamp("2019-07-01")
    err = A.node("dau_figure_error")
    median_error = float(np.exp(err.mu))
    assert median_error == pytest.approx(np.sqrt(0.85 * 1.15))
    assert funnel.stages[0].p50 == pytest.approx(300e6 * median_error, rel=0.002)
    assert funnel.stages[0].sources == ("datawords_2019",)
    assert "dau_growth_after_last_figure" not in funnel.assumptions()


def test_funnel_reach_is_the_product_of_its_factors(funnel):
    f = funnel.factors
    reach = (
        f["dau"]
        * f["gender_share"]
        * f["age_share"]
        * f["tier_share"]
        * f["price_share"]
        * f["category_penetration"]
        * f["coverage"]
    )
    assert u.summarise(reach).p50 == pytest.approx(funnel.stages[-1].p50, rel=1e-12)


def test_funnel_as_of_mid_2018_starts_from_170m():
    f = market.estimate_funnel(EXAMPLE, **kw(), as_of="2018-06-30")
    assert (f.dau.value, f.dau.source_id) == (170.0, "guide_2018")
    assert f.as_of == pd.Timestamp("2018-06-30")
    days = (pd.Timestamp("2018-06-30") - pd.Timestamp("2018-01-15")).days
    assert f.years_extrapolated == pytest.approx(days / 365.25)
    low = 170e6 * np.sqrt(0.85 * 1.15)
    assert low < f.stages[0].p50 < low * 1.45**f.years_extrapolated
    assert f.stages[0].sources == ("guide_2018",)


def test_funnel_after_the_last_figure_extrapolates_with_wider_interval(funnel):
    f = market.estimate_funnel(EXAMPLE, **kw("qmc", 4096), as_of="2021-07-01")
    assert f.dau == funnel.dau  # still the 300M figure
    assert f.years_extrapolated == pytest.approx(2.0, abs=0.01)
    assert "dau_growth_after_last_figure" in f.assumptions()
    assert "dau_growth_after_last_figure" in f.stages[0].assumptions
    assert "dau_growth" in f.inputs
    for later, now in zip(f.stages, funnel.stages, strict=True):
        assert later.p95 / later.p5 > now.p95 / now.p5
        assert later.p50 > now.p50


def test_funnel_before_any_figure_raises():
    with pytest.raises(ValueError, match=r"^as_of: no figure for metric 'mini_program_dau'"):
        market.estimate_funnel(EXAMPLE, **kw(), as_of="2017-06-30")


def test_funnel_lists_assumptions_that_exist(funnel):
    raw = yaml.safe_load((EV.datasets_dir / "assumptions.yaml").read_text(encoding="utf-8"))
    known = set(A.items) | set(A.statements) | set(raw)
    names = funnel.assumptions()
    assert names and set(names) <= known
    assert {"trait_independence", "stage_independence"} <= set(names)
    used = {x for i in funnel.inputs.values() for x in i.assumptions}
    assert used <= set(names)
    assert set(funnel.sources()) <= set(EV.sources["source_id"])
    for s in funnel.stages:
        assert set(s.sources) <= set(EV.sources["source_id"])


def test_dau_timeline_flags_the_stale_repeat():
    t = market.dau_timeline(EV)
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


def test_extrapolated_dau_never_exceeds_wechat_users():
    ev = load_evidence()
    cap = market.dau_cap_musers(ev) * 1e6
    target = market.make_target(
        "female", 18, 30, (1, 2, 3, 4, 5), 200, "e-commerce", ("shared_links",)
    )
    funnel = market.estimate_funnel(target, as_of="2035-01-01", draws=1024)
    dau = funnel.stages[0]
    assert dau.p95 <= cap and dau.p50 <= cap
    assert "dau_cap" in dau.assumptions
    assert cap == 1150e6
