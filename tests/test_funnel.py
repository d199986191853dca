"""The market funnel of an assessment: stages, the DAU it starts from, extrapolation, the cap."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data.assumptions import load_assumptions
from research.data.evidence import latest_value, load_evidence
from research.data.profiles import profile_from_mapping
from research.decide.assess import assess
from research.model import dau
from research.vocab import CATEGORIES, GENDERS, TIERS

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)
STAGE_KEYS = ["dau", "audience", "price", "category", "reach"]
TOUCHPOINTS = tuple(EV.touchpoints["touchpoint_id"])


def profile(**over):
    data = {
        "name": "Example",
        "category": "e-commerce",
        "objective": "sales",
        "audience": {"gender": "female", "age_min": 18, "age_max": 30},
        "price_rmb": 200,
        "channels": ["shared_links", "qr_codes"],
        "package_size_mb": 5,
    } | over
    return profile_from_mapping(data, "test", EV, analysis_date=dt.date(2040, 1, 1))


def funnel_of(draws: int = 1024, seed: int = 0, **over):
    return assess(profile(**over), ev=EV, a=A, draws=draws, seed=seed).funnel


@pytest.fixture(scope="module")
def stages():
    return funnel_of(4096)


def test_funnel_stages_units_and_basis(stages):
    assert [s.stage for s in stages] == STAGE_KEYS
    assert {s.unit for s in stages} == {"users a day"}
    basis = {s.stage: s.basis for s in stages}
    assert basis["category"] == "assumed"  # e-commerce penetration is an assumption
    assert basis["reach"] == "assumed"  # channels beyond shared links


def test_funnel_stages_never_increase(stages):
    for q in ("p5", "p50", "p95"):
        values = [getattr(s, q) for s in stages]
        assert all(b <= a for a, b in zip(values, values[1:], strict=False)), q
    for s in stages:
        assert 0 < s.p5 <= s.p50 <= s.p95


@given(
    gender=st.sampled_from(GENDERS),
    ages=st.tuples(st.integers(6, 100), st.integers(6, 100)).map(sorted),
    tiers=st.sets(st.sampled_from(TIERS), min_size=1).map(sorted),
    price=st.floats(0, 20_000),
    category=st.sampled_from(CATEGORIES),
    channels=st.lists(st.sampled_from(TOUCHPOINTS), min_size=1, max_size=5),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=15, deadline=None)
def test_funnel_stages_never_increase_for_any_brand(
    gender, ages, tiers, price, category, channels, seed
):
    lo, hi = ages
    if lo == hi:
        hi = lo + 1
    f = funnel_of(
        256,
        seed,
        audience={"gender": gender, "age_min": lo, "age_max": hi, "city_tiers": tiers},
        price_rmb=price,
        category=category,
        channels=channels,
    )
    for q in ("p5", "p50", "p95"):
        values = [getattr(s, q) for s in f]
        assert all(b <= a * (1 + 1e-12) for a, b in zip(values, values[1:], strict=False)), q


def test_funnel_starts_from_the_latest_non_stale_dau(stages):
    latest = latest_value(EV, "mini_program_dau")
    assert (latest.value, latest.source_id) == (300.0, "datawords_2019")
    err = A.node("dau_figure_error")
    median_error = float(np.exp(err.mu))
    assert median_error == pytest.approx(np.sqrt(0.85 * 1.15))
    assert stages[0].p50 == pytest.approx(300e6 * median_error, rel=0.005)
    assert stages[0].sources == ("datawords_2019",)
    assert "dau_growth_after_last_figure" not in stages[0].assumptions


def test_funnel_as_of_mid_2018_starts_from_170m():
    f = funnel_of(as_of="2018-06-30")
    assert f[0].sources == ("guide_2018",)
    years = (pd.Timestamp("2018-06-30") - pd.Timestamp("2018-01-15")).days / 365.25
    low = 170e6 * np.sqrt(0.85 * 1.15)
    assert low < f[0].p50 < low * 1.45**years


def test_funnel_after_the_last_figure_extrapolates_with_wider_interval(stages):
    later = funnel_of(4096, as_of="2021-07-01")
    assert "dau_growth_after_last_figure" in later[0].assumptions
    for a, now in zip(later, stages, strict=True):
        assert a.p95 / a.p5 > now.p95 / now.p5
        assert a.p50 > now.p50


def test_funnel_before_any_figure_raises():
    with pytest.raises(ValueError, match=r"^as_of: no figure for metric 'mini_program_dau'"):
        funnel_of(as_of="2017-06-30")


def test_funnel_lists_assumptions_that_exist(stages):
    raw = yaml.safe_load((EV.datasets_dir / "assumptions.yaml").read_text(encoding="utf-8"))
    known = set(A.items) | set(A.statements) | set(raw)
    names = {x for s in stages for x in s.assumptions}
    assert names and names <= known
    assert {"trait_independence", "stage_independence"} <= names
    for s in stages:
        assert set(s.sources) <= set(EV.sources["source_id"])


def test_extrapolated_dau_never_exceeds_wechat_users():
    cap = dau.dau_cap_musers(EV) * 1e6
    first = funnel_of(as_of="2035-01-01")[0]
    assert first.p95 <= cap and first.p50 <= cap
    assert "dau_cap" in first.assumptions
    assert cap == 1150e6
