"""Exact checks of research.decide.voi.evppi, and its bounds on real assessments."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data import profile_files
from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.decide.assess import assess
from research.decide.voi import evppi
from research.paths import BRANDS_DIR

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.3, 0.5, 0.7, 0.93, 1.0])
def test_an_input_that_does_not_move_p_is_worth_nothing(p):
    assert evppi(np.full(40, p), p) == 0.0


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 10), (3, 10), (5, 10), (7, 10), (10, 10)])
def test_an_input_that_settles_the_event_is_worth_the_chance_of_a_wrong_call(k, n):
    px = np.array([1.0] * k + [0.0] * (n - k))
    p = k / n
    assert evppi(px, p) == pytest.approx(min(p, 1 - p), abs=1e-15)


def test_known_values():
    assert evppi(np.array([0.2, 0.8]), 0.5) == pytest.approx(0.3, abs=1e-15)
    # 0.1 -> 0.9 and 0.6 -> 0.6: E[max] = 0.75, max(p, 1 - p) = 0.65
    assert evppi(np.array([0.1, 0.6]), 0.35) == pytest.approx(0.10, abs=1e-15)
    # every p(X) on the same side of 1/2 as p: knowing X never changes the call
    assert evppi(np.array([0.6, 0.9, 0.75]), 0.75) == pytest.approx(0.0, abs=1e-15)


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60))
@settings(max_examples=200, deadline=None)
def test_evppi_is_never_negative_nor_above_perfect_information(px):
    px = np.array(px)
    p = float(px.mean())
    value = evppi(px, p)
    assert 0.0 <= value <= min(p, 1.0 - p) + 1e-12


def test_research_first_of_the_examples_is_bounded_by_perfect_information():
    """No input is worth more than knowing the outcome itself, min(p_go, 1 - p_go)."""
    for prof in profile_files.load_profiles(BRANDS_DIR, EV):
        r = assess(prof, ev=EV, a=A, draws=512, seed=5, analysis_date=dt.date(2030, 1, 1))
        bound = min(r.p_go, 1.0 - r.p_go)
        for x in r.research_first:
            assert 0.0 <= x.value_of_information <= bound + 1e-9, (prof.slug, x)


@pytest.mark.parametrize("value", [0.0, 0.002, 0.02])
def test_research_is_recommended_only_where_it_is_worth_it(value):
    """Every output says "research X first" only when knowing X would cut the chance of a
    wrong call by half a point or more; below that none of them asks for research."""
    import dataclasses

    from research.decide.voi import Value
    from research.present import story
    from research.present.decision_exhibits import research_exhibit

    prof = profile_files.load_profile(BRANDS_DIR / "news-publisher.yaml", EV)
    r = assess(prof, ev=EV, a=A, draws=512, seed=5, analysis_date=dt.date(2030, 1, 1))
    # every input worth ``value``, the top one the female share
    rest = [dataclasses.replace(x, value_of_information=value) for x in r.research_first[1:]]
    top = Value("female_share", "Share of users who are female", "sourced", value)
    r = dataclasses.replace(r, research_first=(top, *rest))
    worth = value >= 0.005
    ex = research_exhibit(r, EV, A)
    assert ex.title.startswith("Pin down") is worth, ex.title
    assert bool(ex.highlight) is worth
    assert ("research the share of users who are female first" in story.change_title(r)) is worth
    rows = story.research_rows(r)
    assert ("cut the chance of a wrong call" in rows[0][1]) is worth, rows
