"""The market funnel of an assessment: stages, the DAU it starts from, extrapolation, the cap,
and what each stage rests on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import example_profile
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data.assumptions import load_assumptions
from research.data.evidence import latest_value, load_evidence
from research.decide.assess import assess
from research.errors import InputError
from research.model import dau
from research.model import distributions as u
from research.model.funnel import basis_of
from research.vocab import CATEGORIES, GENDERS, OBJECTIVES, TIERS

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)
STAGE_KEYS = ["dau", "audience", "price", "category", "reach"]
TOUCHPOINTS = tuple(EV.touchpoints["touchpoint_id"])
DRAWS = 1024
#: The median of the assumed error of the quoted daily-user figure (90% range 0.85 to 1.15).
MEDIAN_ERROR = float(np.sqrt(0.85 * 1.15))


def profile(**over):
    return example_profile(**over)


def funnel_of(draws: int = DRAWS, seed: int = 0, **over):
    return assess(profile(**over), ev=EV, a=A, draws=draws, seed=seed).funnel


def stage(funnel, key: str):
    return next(s for s in funnel if s.stage == key)


@pytest.fixture(scope="module")
def stages():
    return funnel_of()


@pytest.fixture(scope="module")
def in_2021():
    return funnel_of(as_of="2021-07-01")


def test_funnel_stages_in_order_in_users_a_day(stages):
    assert [s.stage for s in stages] == STAGE_KEYS
    assert {s.unit for s in stages} == {"users a day"}
    assert all(s.label for s in stages)


def test_funnel_stages_never_increase(stages):
    for q in ("p5", "p50", "p95"):
        values = [getattr(s, q) for s in stages]
        assert all(b <= a for a, b in zip(values, values[1:], strict=False)), q
    for s in stages:
        assert 0 < s.p5 <= s.p50 <= s.p95


@given(
    gender=st.sampled_from(GENDERS),
    age_min=st.integers(6, 99),
    age_span=st.integers(1, 94),
    tiers=st.sets(st.sampled_from(TIERS), min_size=1).map(sorted),
    price=st.floats(0, 20_000),
    category=st.sampled_from(CATEGORIES),
    objective=st.sampled_from(OBJECTIVES),
    channels=st.lists(st.sampled_from(TOUCHPOINTS), min_size=1, max_size=5),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=12, deadline=None)
def test_funnel_stages_never_increase_for_any_brand(
    gender, age_min, age_span, tiers, price, category, objective, channels, seed
):
    audience = {
        "gender": gender,
        "age_min": age_min,
        "age_max": min(100, age_min + age_span),
        "city_tiers": tiers,
    }
    f = funnel_of(
        256,
        seed,
        audience=audience,
        price_rmb=price,
        category=category,
        objective=objective,
        channels=channels,
    )
    for q in ("p5", "p50", "p95"):
        values = [getattr(s, q) for s in f]
        assert all(b <= a * (1 + 1e-12) for a, b in zip(values, values[1:], strict=False)), q
    for s in f:
        assert s.p5 <= s.p50 <= s.p95


def test_each_stage_rests_on_every_stage_before_it(stages):
    for before, after in zip(stages, stages[1:], strict=False):
        assert set(before.sources) <= set(after.sources), after.stage
        assert set(before.assumptions) <= set(after.assumptions), after.stage
    first = stages[0]
    assert first.sources == ("datawords_2019",)
    assert "dau_figure_error" in first.assumptions
    # e-commerce penetration is assumed: it enters at the category stage, not before
    assert "penetration_ecommerce" not in stage(stages, "price").assumptions
    assert "penetration_ecommerce" in stage(stages, "category").assumptions
    # shared links are sourced (35%), QR codes assumed: both enter at the reach stage
    reach = stage(stages, "reach")
    assert "touchpoint_reach_qr_codes" in reach.assumptions
    assert "touchpoint_independence" in reach.assumptions
    assert "sinorblog_2019" in reach.sources


def test_the_audience_stage_cites_only_the_traits_the_brand_restricts():
    everyone = stage(
        funnel_of(256, audience={"gender": "any", "age_min": 6, "age_max": 100}), "audience"
    )
    narrow = stage(
        funnel_of(
            256, audience={"gender": "female", "age_min": 18, "age_max": 30, "city_tiers": [1, 2]}
        ),
        "audience",
    )
    for name in ("tier_split_2_to_4", "trust_approx_n"):
        assert name not in everyone.assumptions
        assert name in narrow.assumptions
    assert "guide_2018" not in everyone.sources  # the tier figures' source
    assert "guide_2018" in narrow.sources
    assert narrow.p50 < everyone.p50


def test_a_brand_that_does_not_sell_keeps_everyone_at_the_price_stage():
    free = funnel_of(256, objective="loyalty", price_rmb=5000)
    assert stage(free, "price").p50 == stage(free, "audience").p50
    assert "spend_log_spread" not in stage(free, "price").assumptions
    assert "price_applies_to_sales" in stage(free, "price").assumptions
    sells = funnel_of(256, objective="sales", price_rmb=5000)
    assert stage(sells, "price").p50 < 0.1 * stage(sells, "audience").p50
    assert "spend_log_spread" in stage(sells, "price").assumptions


def test_a_higher_price_never_widens_the_price_stage():
    p50 = [stage(funnel_of(256, price_rmb=p), "price").p50 for p in (0, 200, 1000, 5000)]
    assert p50 == sorted(p50, reverse=True)
    assert p50[0] > p50[-1]


def test_funnel_starts_from_the_latest_non_stale_dau(stages):
    latest = latest_value(EV, "mini_program_dau")
    assert (latest.value, latest.source_id) == (300.0, "datawords_2019")
    error = u.assumed(A, "dau_figure_error")
    assert error.ppf(np.array([[0.5]]))[0] == pytest.approx(MEDIAN_ERROR)
    assert stages[0].p50 == pytest.approx(300e6 * MEDIAN_ERROR, rel=0.005)
    assert "dau_growth_after_last_figure" not in stages[0].assumptions


def test_funnel_as_of_mid_2018_starts_from_170m():
    f = funnel_of(256, as_of="2018-06-30")
    assert f[0].sources == ("guide_2018",)
    years = (pd.Timestamp("2018-06-30") - pd.Timestamp("2018-01-15")).days / 365.25
    low = 170e6 * MEDIAN_ERROR
    assert low < f[0].p50 < low * 1.48**years


def test_funnel_after_the_last_figure_extrapolates_with_wider_interval(stages, in_2021):
    assert "dau_growth_after_last_figure" in in_2021[0].assumptions
    for later, now in zip(in_2021, stages, strict=True):
        assert later.p95 / later.p5 > now.p95 / now.p5
        assert later.p50 > now.p50


def test_a_profile_dated_before_any_figure_is_refused_naming_the_field():
    with pytest.raises(InputError) as err:
        profile(as_of="2017-06-30")
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith("test: field 'as_of': 2017-06-30 is before the first daily-user figure")
    assert "(2018-01-15)" in msg


def test_funnel_lists_assumptions_and_sources_that_exist(stages, in_2021):
    known = set(A.items) | set(A.statements)
    names = {x for f in (stages, in_2021) for s in f for x in s.assumptions}
    assert names and names <= known
    assert {"trait_independence", "stage_independence", "dau_cap"} <= names
    for s in (*stages, *in_2021):
        assert set(s.sources) <= set(EV.sources["source_id"])


def test_extrapolated_dau_never_exceeds_wechat_users():
    cap = dau.dau_cap_musers(EV) * 1e6
    assert cap == 1150e6
    first = funnel_of(256, as_of="2035-01-01")[0]
    assert first.p95 <= cap and first.p50 <= cap
    assert "dau_cap" in first.assumptions


def _input(basis: str, source: str = "") -> u.Input:
    return u.Input("x", "x", u.Fixed(0.5), basis, (source,) if source else ())


@pytest.mark.parametrize(
    ("bases", "expected"),
    [
        (["sourced"], "sourced"),
        (["sourced", "sourced"], "sourced"),
        (["assumed", "assumed"], "assumed"),
        (["sourced", "assumed"], "mixed"),
        (["assumed", "mixed"], "mixed"),
    ],
)
def test_a_stage_is_sourced_only_if_every_input_behind_it_is(bases, expected):
    assert basis_of([_input(b) for b in bases]) == expected
