"""Tests of research.decide.assess: example verdicts, direction of effects, the scorecard's
invariants, screen/assess parity, and that any profile is assessed or refused cleanly."""

from __future__ import annotations

import json
import re
from datetime import date

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.data import profile_files
from research.data import profiles as brand
from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.decide import assess as decision
from research.errors import InputError
from research.paths import BRANDS_DIR
from research.present import text as summary
from research.vocab import CRITERIA, OBJECTIVES

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)
BAR = A.policy.bar
TOUCHPOINTS = [str(t) for t in EV.touchpoints["touchpoint_id"]]
QUICK = 1024  # draws where only the direction of an effect matters

#: The example brands' verdicts with the default draws and seed.
EXPECTED_VERDICTS = {
    "fast-fashion": "GO",
    "casual-game": "GO",
    "luxury-loyalty": "GO",
    "o2o-store": "GO",
    "news-publisher": "GO",
    "luxury-direct": "NO-GO",
    "b2b-equipment": "NO-GO",
}

#: Fast-fashion's profile as a mapping; tests vary one field at a time.
BASE = {
    "name": "Petal Lane",
    "category": "e-commerce",
    "objective": "sales",
    "audience": {"gender": "female", "age_min": 18, "age_max": 30, "city_tiers": [1, 2, 3, 4]},
    "price_rmb": 200,
    "channels": ["shared_links", "moments_ads", "official_account", "qr_codes"],
    "package_size_mb": 7.5,
}


def _profile(**changes) -> brand.BrandProfile:
    """Return BASE with ``changes`` (``audience`` merged) as a validated profile."""
    data = {**BASE, **changes}
    data["audience"] = {**BASE["audience"], **changes.get("audience", {})}
    return brand.profile_from_mapping(data, "test profile", EV)


def _criterion(result: decision.Assessment, name: str) -> decision.Criterion:
    return next(c for c in result.criteria if c.name == name)


@pytest.fixture(scope="module")
def examples() -> dict[str, decision.Assessment]:
    """The example brands assessed with the default draws and seed, keyed by slug."""
    return {
        p.slug: decision.assess(p, ev=EV, a=A) for p in profile_files.load_profiles(BRANDS_DIR, EV)
    }


# --------------------------------------------------------------------------- example verdicts


def test_every_example_brand_has_an_expected_verdict(examples):
    assert set(examples) == set(EXPECTED_VERDICTS)


@pytest.mark.parametrize("slug", sorted(EXPECTED_VERDICTS))
def test_example_verdict(examples, slug):
    result = examples[slug]
    assert result.draws == decision.DEFAULT_DRAWS
    assert result.seed == decision.DEFAULT_SEED
    assert result.verdict == EXPECTED_VERDICTS[slug], f"{slug}: p_go {result.p_go:.4f}"
    assert result.verdict == decision.verdict_of(result.p_go, A)


def test_failing_examples_fail_for_the_articles_reasons(examples):
    luxury = {c.name: c for c in examples["luxury-direct"].criteria}
    assert not luxury["price_fit"].passed  # 8000 RMB: few users spend that much a month
    b2b = {c.name: c for c in examples["b2b-equipment"].criteria}
    assert not b2b["price_fit"].passed
    assert not b2b["feasibility"].passed  # a 14 MB package
    assert not b2b["audience_fit"].passed  # men 35-60
    # A failing brand's first reason is a failing criterion's.
    first = examples["b2b-equipment"].reasons[0]
    assert first in {c.reason for c in b2b.values() if not c.passed}


# --------------------------------------------------------------------------- scorecard invariants


@pytest.mark.parametrize("slug", sorted(EXPECTED_VERDICTS))
def test_p_go_is_the_share_of_score_draws_at_or_above_the_bar(examples, slug):
    result = examples[slug]
    draws = result.score_draws
    assert draws.shape == (result.draws,)
    assert result.p_go == float(np.mean(draws >= BAR))
    assert result.to_dict()["p_go"] == round(float(np.mean(draws >= BAR)), 4)
    assert result.to_dict()["bar"] == BAR
    assert result.score.p5 <= result.score.p50 <= result.score.p95


@pytest.mark.parametrize("slug", sorted(EXPECTED_VERDICTS))
def test_scorecard_is_complete_and_consistent(examples, slug):
    d = examples[slug].to_dict()
    json.dumps(d, allow_nan=False)  # plain JSON, no NaN or inf
    assert [c["name"] for c in d["criteria"]] == list(CRITERIA)
    assert sum(c["weight"] for c in d["criteria"]) == pytest.approx(1, abs=1e-3)
    weights = A.policy.weight_vector(d["profile"]["objective"])
    assert [c["weight"] for c in d["criteria"]] == pytest.approx(list(weights), abs=1e-4)
    for c in d["criteria"]:
        assert 0 <= c["p5"] <= c["score"] <= c["p95"] <= 1, c["name"]
        assert (
            c["passed"] == (c["score"] >= c["threshold"]) or abs(c["score"] - c["threshold"]) < 1e-4
        )
        assert re.search(r"\d", c["reason"]), c["reason"]
        assert "Sources:" in c["reason"] or "Assumed:" in c["reason"], c["reason"]
    assert sorted(d["reasons"]) == sorted(c["reason"] for c in d["criteria"])
    swings = [s["swing"] for s in d["sensitivity"]]
    assert swings == sorted(swings, reverse=True)
    for s in d["funnel"]:
        assert s["basis"] in {"sourced", "assumed"}
        assert 0 <= s["p5"] <= s["p50"] <= s["p95"]
    p50 = [s["p50"] for s in d["funnel"]]
    assert p50 == sorted(p50, reverse=True), "each funnel stage narrows the previous one"


# --------------------------------------------------------------------------- direction of effects


def test_higher_price_never_raises_p_go_or_mean_score_for_sales():
    prices = [0, 10, 50, 100, 200, 500, 1000, 1500, 2000, 5000, 10_000, 50_000, 100_000]
    results = [decision.assess(_profile(price_rmb=p), ev=EV, a=A, draws=QUICK) for p in prices]
    p_go = [r.p_go for r in results]
    mean = [float(r.score_draws.mean()) for r in results]
    assert all(b <= a for a, b in zip(p_go, p_go[1:], strict=False)), p_go
    assert all(b <= a + 1e-12 for a, b in zip(mean, mean[1:], strict=False)), mean
    # The grid spans the whole effect: GO when free, NO-GO at 100,000 RMB a month.
    assert decision.verdict_of(p_go[0], A) == "GO" and decision.verdict_of(p_go[-1], A) == "NO-GO"
    assert mean[-1] < mean[0] - 0.2


@pytest.mark.parametrize("objective", ["sales", "engagement", "loyalty", "service"])
def test_higher_price_never_raises_p_go_in_a_screen(objective):
    prices = np.geomspace(1, 1e5, 30)
    profiles = [
        _profile(name=f"Price {p:.0f}", objective=objective, price_rmb=float(p)) for p in prices
    ]
    table = decision.assess_many(profiles, ev=EV, a=A, draws=QUICK)
    by_price = table.sort_values("price_rmb")
    assert by_price["p_go"].is_monotonic_decreasing
    assert by_price["price_fit"].is_monotonic_decreasing
    assert by_price["price_fit"].iloc[-1] < by_price["price_fit"].iloc[0]


def test_older_men_fit_the_audience_worse_than_young_women():
    young_women = decision.assess(_profile(), ev=EV, a=A, draws=QUICK)
    older_men = decision.assess(
        _profile(audience={"gender": "male", "age_min": 45, "age_max": 60}), ev=EV, a=A, draws=QUICK
    )
    women_fit = _criterion(young_women, "audience_fit")
    men_fit = _criterion(older_men, "audience_fit")
    assert men_fit.score < women_fit.score
    assert men_fit.p95 < women_fit.p5  # lower on the whole interval, not just the median
    assert not men_fit.passed and women_fit.passed
    assert older_men.p_go <= young_women.p_go


def test_adding_a_channel_never_lowers_channel_coverage():
    chain = [[]] + [TOUCHPOINTS[: i + 1] for i in range(len(TOUCHPOINTS))]
    profiles = [_profile(name=f"Chain {i}", channels=c) for i, c in enumerate(chain)]
    table = decision.assess_many(profiles, ev=EV, a=A, draws=QUICK).set_index("name")
    cover = [float(table.at[p.name, "channel_coverage"]) for p in profiles]
    assert all(b >= a for a, b in zip(cover, cover[1:], strict=False)), cover
    assert cover[0] == 0.0 and cover[-1] == 1.0
    # The scorecard's criterion says the same as the screen's column.
    for i in (0, 4, len(chain) - 1):
        one = decision.assess(profiles[i], ev=EV, a=A, draws=QUICK)
        assert _criterion(one, "channel_coverage").score == pytest.approx(cover[i])


@given(
    base=st.lists(st.sampled_from(TOUCHPOINTS), max_size=5, unique=True),
    extra=st.sampled_from(TOUCHPOINTS),
)
@settings(max_examples=25, deadline=None)
def test_adding_any_channel_to_any_set_never_lowers_coverage(base, extra):
    before = _profile(name="Before", channels=base)
    after = _profile(name="After", channels=[*base, extra])
    table = decision.assess_many([before, after], ev=EV, a=A, draws=256).set_index("name")
    assert table.at["After", "channel_coverage"] >= table.at["Before", "channel_coverage"]


def test_luxury_direct_does_better_with_a_loyalty_objective():
    direct = profile_files.load_profile(BRANDS_DIR / "luxury-direct.yaml", EV)
    loyalty = brand.profile_from_mapping(
        {**brand.profile_to_dict(direct), "objective": "loyalty"}, "luxury as loyalty", EV
    )
    sales_result = decision.assess(direct, ev=EV, a=A, draws=QUICK)
    loyalty_result = decision.assess(loyalty, ev=EV, a=A, draws=QUICK)
    assert loyalty_result.p_go > sales_result.p_go
    assert float(loyalty_result.score_draws.mean()) > float(sales_result.score_draws.mean())


@pytest.mark.parametrize(("size_mb", "passes"), [(14, False), (8, True)])
def test_package_size_against_the_10_mb_limit(size_mb, passes):
    result = decision.assess(_profile(package_size_mb=size_mb), ev=EV, a=A, draws=QUICK)
    feasibility = _criterion(result, "feasibility")
    assert feasibility.passed is passes
    assert feasibility.score == pytest.approx(min(1.0, 10 / size_mb))
    assert f"{size_mb:g} MB" in feasibility.reason
    assert ("exceeds" in feasibility.reason) is not passes


def test_unstated_package_size_is_an_assumption():
    data = {k: v for k, v in BASE.items() if k != "package_size_mb"}
    result = decision.assess(brand.profile_from_mapping(data, "t", EV), ev=EV, a=A, draws=QUICK)
    feasibility = _criterion(result, "feasibility")
    assert "package_size_if_unstated" in feasibility.assumptions
    assert "not stated" in feasibility.reason
    assert "package_size_if_unstated" in {s.input for s in result.sensitivity}


# --------------------------------------------------------------------------- determinism and parity


def test_same_seed_same_answer_and_another_seed_another():
    one = decision.assess(_profile(price_rmb=1500), ev=EV, a=A, draws=QUICK, seed=1)
    again = decision.assess(_profile(price_rmb=1500), ev=EV, a=A, draws=QUICK, seed=1)
    other = decision.assess(_profile(price_rmb=1500), ev=EV, a=A, draws=QUICK, seed=2)
    assert summary.to_json(one) == summary.to_json(again)
    np.testing.assert_array_equal(one.score_draws, again.score_draws)
    assert not np.array_equal(one.score_draws, other.score_draws)


def test_screen_p_go_equals_assess_p_go_for_the_examples(examples):
    table = decision.assess_many(list(profile_files.load_profiles(BRANDS_DIR, EV)), ev=EV, a=A)
    for row in table.itertuples():
        assert row.p_go == examples[row.slug].p_go, row.slug
        assert row.verdict == examples[row.slug].verdict, row.slug
        crit = {c.name: c.score for c in examples[row.slug].criteria}
        assert [getattr(row, c) for c in CRITERIA] == pytest.approx([crit[c] for c in CRITERIA])


@pytest.mark.parametrize("as_of", [None, "2019-06-30", "2021-01-01"])
@pytest.mark.parametrize("seed", [3, decision.DEFAULT_SEED])
def test_screen_p_go_equals_assess_p_go_whatever_the_as_of_date(as_of, seed):
    # A close case (p_go strictly between 0 and 1), so a change of draws would show.
    profile = _profile(price_rmb=1500, as_of=as_of)
    alone = decision.assess(profile, ev=EV, a=A, draws=QUICK, seed=seed)
    screened = decision.assess_many([profile], ev=EV, a=A, draws=QUICK, seed=seed)
    assert 0 < alone.p_go < 1
    assert screened["p_go"].iloc[0] == alone.p_go
    # The date changes the funnel (DAU), never the score.
    undated = decision.assess(_profile(price_rmb=1500), ev=EV, a=A, draws=QUICK, seed=seed)
    np.testing.assert_array_equal(alone.score_draws, undated.score_draws)


def test_screen_ranks_go_first():
    profiles = [_profile(name=f"P{p}", price_rmb=p) for p in (50_000, 200, 1500, 3000)]
    table = decision.assess_many(profiles, ev=EV, a=A, draws=QUICK)
    order = [decision.VERDICTS.index(v) for v in table["verdict"]]
    assert order == sorted(order)
    assert table["verdict"].iloc[0] == "GO"
    assert list(table.columns[:8]) == [
        "slug",
        "name",
        "category",
        "objective",
        "price_rmb",
        "p_go",
        "verdict",
        "score_p50",
    ]


# --------------------------------------------------------------------------- any input


_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=8))
_NUMBER = st.one_of(
    st.integers(-10, 10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e-320, max_value=1e-300),
    _JUNK,
)
_AUDIENCE = st.fixed_dictionaries(
    {
        "gender": st.one_of(st.sampled_from(["female", "male", "any", "Female", "femal"]), _JUNK),
        "age_min": st.one_of(st.integers(-3, 105), _NUMBER),
        "age_max": st.one_of(st.integers(-3, 105), _NUMBER),
    },
    optional={
        "city_tiers": st.one_of(st.lists(st.integers(0, 6), max_size=6), _JUNK),
        "age_mn": st.integers(0, 100),
    },
)
_MAPPING = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.text(max_size=30), _JUNK),
        "category": st.one_of(st.sampled_from([*brand.CATEGORIES, "ecommerce", "game"]), _JUNK),
        "objective": st.one_of(st.sampled_from([*OBJECTIVES, "sale"]), _JUNK),
        "audience": st.one_of(_AUDIENCE, _JUNK),
        "price_rmb": st.one_of(st.floats(0, 1e6), _NUMBER),
        "channels": st.one_of(
            st.lists(st.sampled_from([*TOUCHPOINTS, "shared_link", ""]), max_size=6), _JUNK
        ),
        "package_size_mb": st.one_of(st.floats(0, 40), _NUMBER),
        "as_of": st.one_of(st.dates(date(2010, 1, 1), date(2035, 12, 31)), _JUNK),
        "description": st.one_of(st.text(max_size=20), _JUNK),
        "slug": st.one_of(st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True), _JUNK),
        "price": _NUMBER,
    },
)
# Mostly-valid mappings, so that many examples reach the engine.
_VALID_ISH = st.builds(
    lambda price, size, tiers, chans, gender, ages, as_of: {
        **BASE,
        "price_rmb": price,
        "package_size_mb": size,
        "audience": {"gender": gender, "age_min": min(ages), "age_max": max(ages)}
        | ({"city_tiers": tiers} if tiers else {}),
        "channels": chans,
        **({"as_of": as_of} if as_of else {}),
    },
    st.one_of(st.floats(0, 1e7), st.just(0), st.floats(1e300, 1e308)),
    st.one_of(st.none(), st.floats(1e-320, 50), st.just(10.0)),
    st.lists(st.integers(1, 5), max_size=5, unique=True),
    st.lists(st.sampled_from(TOUCHPOINTS), max_size=6),
    st.sampled_from(["female", "male", "any"]),
    st.tuples(st.integers(0, 100), st.integers(0, 100)),
    st.one_of(st.none(), st.dates(date(2015, 1, 1), date(2035, 12, 31))),
)


@given(data=st.one_of(_MAPPING, _VALID_ISH))
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_profile_is_assessed_or_refused_with_one_line(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("profile") / "brand.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        result = decision.assess(profile_files.load_profile(path, EV), ev=EV, a=A, draws=256)
    except InputError as err:
        message = str(err)
        assert message and "\n" not in message and "\r" not in message
        return
    assert result.verdict in decision.VERDICTS
    assert 0 <= result.p_go <= 1
    assert result.p_go == float(np.mean(result.score_draws >= BAR))
    json.dumps(result.to_dict(), allow_nan=False)
    assert summary.to_text(result) and summary.to_markdown(result)
