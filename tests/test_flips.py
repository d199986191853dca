"""Flips are what they say: the brand with the flip's change, assessed on the same draws,
gets the flip's verdict and p_go (research.decide.flips)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data import profile_files
from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.data.profiles import BrandProfile, profile_from_mapping, profile_to_dict
from research.decide.assess import assess, assess_many
from research.decide.flips import Flip
from research.formats import in_sentence
from research.paths import BRANDS_DIR
from research.vocab import CATEGORIES, OBJECTIVES, TIERS

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)
DRAWS, SEED = 512, 17
DAY = dt.date(2030, 1, 1)
LABEL_TO_ID = dict(zip(EV.touchpoints["label"], EV.touchpoints["touchpoint_id"], strict=True))
TOUCHPOINTS = tuple(LABEL_TO_ID.values())
IN_SENTENCE = {in_sentence(label): tp for label, tp in LABEL_TO_ID.items()}
AGES = re.compile(r"^Widening the ages to (\d+)-(\d+)$")


def _changed(p: BrandProfile, f: Flip) -> dict:
    """Return the profile mapping of ``p`` with the change flip ``f`` describes."""
    data = profile_to_dict(p)
    data = {k: v for k, v in data.items() if v is not None}
    aud = dict(data["audience"])
    if f.lever == "price":
        data["price_rmb"] = float(f.value)
    elif f.lever == "package":
        data["package_size_mb"] = float(f.value)
    elif f.lever == "channel":
        label = f.change.removeprefix("Adding ")
        assert f.change.startswith("Adding ") and label in IN_SENTENCE, f.change
        data["channels"] = [*data["channels"], IN_SENTENCE[label]]
    elif f.change == "Targeting any gender":
        aud["gender"] = "any"
    elif f.change == "Targeting every city tier":
        aud["city_tiers"] = list(TIERS)
    else:
        m = AGES.match(f.change)
        assert f.lever == "audience" and m, f.change
        aud["age_min"], aud["age_max"] = int(m.group(1)), int(m.group(2))
    data["audience"] = aud
    return data


def _check_flips_reproduce(p: BrandProfile) -> None:
    r = assess(p, ev=EV, a=A, draws=DRAWS, seed=SEED, analysis_date=DAY)
    if not r.flips:
        return
    variants = [
        profile_from_mapping({**_changed(p, f), "slug": f"flip-{i}"}, "flip", EV, analysis_date=DAY)
        for i, f in enumerate(r.flips)
    ]
    screen = assess_many(variants, ev=EV, a=A, draws=DRAWS, seed=SEED).set_index("slug")
    for i, f in enumerate(r.flips):
        row = screen.loc[f"flip-{i}"]
        assert row["verdict"] == f.verdict != r.verdict, (p.slug, f)
        assert float(row["p_go"]) == pytest.approx(f.p_go, abs=1e-9), (p.slug, f)


@pytest.mark.parametrize(
    "profile", profile_files.load_profiles(BRANDS_DIR, EV), ids=lambda p: p.slug
)
def test_example_flips_reproduce_on_reassessment(profile):
    _check_flips_reproduce(profile)


@st.composite
def _brands(draw) -> BrandProfile:
    lo = draw(st.integers(6, 99))
    data = {
        "name": "Flip brand",
        "category": str(draw(st.sampled_from(CATEGORIES))),
        "objective": str(draw(st.sampled_from(OBJECTIVES))),
        "audience": {
            "gender": draw(st.sampled_from(["female", "male", "any"])),
            "age_min": lo,
            "age_max": draw(st.integers(lo + 1, 100)),
            "city_tiers": sorted(draw(st.sets(st.sampled_from(TIERS), min_size=1))),
        },
        "price_rmb": draw(st.integers(0, 5000)),
        "channels": draw(st.lists(st.sampled_from(TOUCHPOINTS), max_size=5, unique=True)),
    }
    size = draw(st.one_of(st.none(), st.floats(0.5, 15.0)))
    if size is not None:
        data["package_size_mb"] = size
    return profile_from_mapping(data, "flip brand", EV, analysis_date=DAY)


@given(p=_brands())
@settings(max_examples=15, deadline=None)
def test_flips_reproduce_on_reassessment(p):
    _check_flips_reproduce(p)


def test_a_price_flip_is_the_nearest_price_that_changes_the_verdict():
    """Fast-fashion's upward flip: just below the flip price the verdict is unchanged."""
    p = next(x for x in profile_files.load_profiles(BRANDS_DIR, EV) if x.slug == "fast-fashion")
    r = assess(p, ev=EV, a=A, draws=DRAWS, seed=SEED, analysis_date=DAY)
    f = next(x for x in r.flips if x.lever == "price")
    assert f.value > p.price_rmb
    data = {k: v for k, v in profile_to_dict(p).items() if v is not None}
    below = profile_from_mapping(
        {**data, "price_rmb": f.value * 0.97}, "below", EV, analysis_date=DAY
    )
    assert assess(below, ev=EV, a=A, draws=DRAWS, seed=SEED, analysis_date=DAY).verdict == (
        r.verdict
    )


def _conditional_serum() -> BrandProfile:
    """A premium serum sold directly just under the 1,000 RMB caution: CONDITIONAL."""
    data = {
        "name": "Serum Club",
        "category": "e-commerce",
        "objective": "sales",
        "audience": {"gender": "female", "age_min": 24, "age_max": 38, "city_tiers": [1, 2, 3]},
        "price_rmb": 980,
        "channels": ["shared_links", "official_account", "moments_ads", "xiaohongshu"],
        "package_size_mb": 8.2,
        "needs": {"daily_users": [1500, 6000]},
    }
    return profile_from_mapping(data, "serum", EV, analysis_date=DAY)


def test_a_price_flip_is_given_on_each_side_and_the_better_verdict_first():
    """Just under the caution point a brand learns both what a small rise costs (NO-GO) and
    what a cut would buy; the changes to a better verdict come before the risks, so the
    slide's title leads with what the brand can do."""
    r = assess(_conditional_serum(), ev=EV, a=A, draws=DRAWS, seed=SEED, analysis_date=DAY)
    assert r.verdict == "CONDITIONAL", r.p_go
    price = {f.value > r.profile.price_rmb: f for f in r.flips if f.lever == "price"}
    assert set(price) == {True, False}, r.flips
    assert price[True].verdict == "NO-GO" and price[True].change == "A price above 1,000 RMB"
    rank = {"NO-GO": 0, "CONDITIONAL": 1, "GO": 2}
    better = [rank[f.verdict] > rank[r.verdict] for f in r.flips]
    assert better == sorted(better, reverse=True), [(f.change, f.verdict) for f in r.flips]


def test_only_touch_points_that_bring_users_are_offered_as_levers():
    """A pinned top-bar entry or subscription messages serve users the brand already has: no
    flip proposes adding them to win users."""
    brings = set(
        EV.touchpoints.loc[
            EV.touchpoints["phase"].isin(["discovery", "re_engagement"]), "touchpoint_id"
        ]
    )
    data = {
        "name": "Tea Members",
        "category": "utility",
        "objective": "loyalty",
        "audience": {"gender": "any", "age_min": 28, "age_max": 55, "city_tiers": [1, 2]},
        "price_rmb": 0,
        "channels": ["official_account_pushes"],
    }
    p = profile_from_mapping(data, "tea", EV, analysis_date=DAY)
    r = assess(p, ev=EV, a=A, draws=DRAWS, seed=SEED, analysis_date=DAY)
    added = [IN_SENTENCE[f.change.removeprefix("Adding ")] for f in r.flips if f.lever == "channel"]
    assert added and set(added) <= brings, (r.verdict, r.flips)
