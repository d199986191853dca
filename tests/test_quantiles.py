"""Quantiles of a product with one lognormal factor, integrated exactly (model/quantiles.py),
and the funnel that uses them: against brute-force samples, monotone, atoms and caps."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import example_profile
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.decide.assess import assess
from research.decide.context import make_context
from research.model import dau as dau_model
from research.model import funnel as market
from research.model.factors import platform_inputs
from research.model.quantiles import lognormal_product_quantiles

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)
PROBS = (0.05, 0.5, 0.95)


def _brute(rest, mu, sigma, cap=np.inf, copies=400, seed=1):
    """Return np.quantile of min(L x R, cap) with ``copies`` lognormal draws per draw of R."""
    rng = np.random.default_rng(seed)
    x = np.repeat(np.asarray(rest, float), copies)
    x = np.minimum(x * np.exp(mu + sigma * rng.standard_normal(len(x))), cap)
    return np.quantile(x, PROBS)


def test_quantiles_match_brute_force_samples():
    rng = np.random.default_rng(0)
    rest = rng.lognormal(3.0, 0.4, 2000)
    got = lognormal_product_quantiles([rest], -0.01, 0.09)[0]
    np.testing.assert_allclose(got, _brute(rest, -0.01, 0.09), rtol=4e-3)


def test_a_constant_rest_gives_the_lognormal_quantiles():
    got = lognormal_product_quantiles([np.full(64, 300e6)], 0.1, 0.2)[0]
    exact = 300e6 * np.exp(0.1 + 0.2 * np.array([-1.6448536269514722, 0.0, 1.6448536269514722]))
    np.testing.assert_allclose(got, exact, rtol=1e-12)


def test_zero_rests_are_an_atom_at_zero():
    rest = np.concatenate([np.zeros(30), np.linspace(1.0, 2.0, 70)])
    got = lognormal_product_quantiles([rest], 0.0, 0.1)[0]
    assert got[0] == 0.0  # 30% of the mass is at zero
    np.testing.assert_allclose(got[1:], _brute(rest, 0.0, 0.1)[1:], rtol=5e-3)
    assert (lognormal_product_quantiles([np.zeros(10)], 0.0, 0.1) == 0).all()


def test_a_cap_is_respected_and_matches_brute_force():
    rng = np.random.default_rng(2)
    rest = rng.lognormal(0.0, 0.3, 2000)
    cap = np.full_like(rest, 1.2)
    got = lognormal_product_quantiles([rest], 0.0, 0.1, [cap])[0]
    assert got[2] == pytest.approx(1.2, rel=1e-12)  # P(X >= 1.2) > 5%: the p95 is the cap
    assert got[2] <= 1.2
    np.testing.assert_allclose(got, _brute(rest, 0.0, 0.1, 1.2), rtol=4e-3)


def test_guesses_change_nothing_but_the_search():
    rest = np.random.default_rng(3).lognormal(1.0, 0.5, 500)
    plain = lognormal_product_quantiles([rest], 0.0, 0.1)
    far = lognormal_product_quantiles([rest], 0.0, 0.1, guesses=np.array([[1e-3, 1e3, 1e9]]))
    np.testing.assert_allclose(far, plain, rtol=1e-12)


@given(
    probs=st.lists(st.floats(0.001, 0.999), min_size=2, max_size=6, unique=True).map(sorted),
    seed=st.integers(0, 2**32 - 1),
    sigma=st.floats(0.01, 1.0),
)
@settings(max_examples=30, deadline=None)
def test_quantiles_are_monotone_in_the_probability(probs, seed, sigma):
    rng = np.random.default_rng(seed)
    rest = rng.lognormal(0.0, 0.5, 300) * (rng.random(300) > 0.1)
    got = lognormal_product_quantiles([rest], 0.0, sigma, probs=probs)[0]
    assert (np.diff(got) >= 0).all()


@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=20, deadline=None)
def test_quantiles_never_rise_along_a_running_product_of_shares(seed):
    rng = np.random.default_rng(seed)
    rest = [rng.lognormal(5.0, 0.3, 256)]
    for _ in range(3):
        rest.append(rest[-1] * np.where(rng.random(256) < 0.3, 1.0, rng.random(256)))
    got = lognormal_product_quantiles(rest, 0.0, 0.1, [10 * r for r in rest])
    assert (np.diff(got, axis=0) <= 0).all()


def test_a_sigma_of_zero_is_refused():
    with pytest.raises(ValueError, match="sigma"):
        lognormal_product_quantiles([np.ones(4)], 0.0, 0.0)


def _profile(**over):
    return example_profile(**over)


@pytest.mark.parametrize("as_of", [None, "2035-01-01"])
def test_funnel_quantiles_match_brute_force_over_the_figures_error(as_of):
    """Each stage integrates the DAU error exactly: the same as redrawing the error many
    times for every draw of the other inputs (2035: growth, and the cap binds)."""
    p = _profile(**({"as_of": as_of} if as_of else {}))
    r = assess(p, ev=EV, a=A, draws=512, seed=3)
    ctx, ins = make_context(EV, A, p.as_of), platform_inputs(EV, A, p.as_of)
    err = ins["dau_error"].node
    dau = dau_model.dau_before_error(r.values, ctx.anchors.dau, ctx.anchors.years)
    dau = np.broadcast_to(dau, np.shape(r.values["dau_error"]))
    cap = ctx.anchors.cap_musers * 1e6
    running_shares = np.ones_like(dau)
    for got, (_, _, name, _) in zip(r.funnel, market.STEPS, strict=True):
        if name != "dau":
            running_shares = running_shares * np.asarray(r.factors[name])
        rng = np.random.default_rng(7)
        copies = 400
        e = np.exp(err.mu + err.sigma * rng.standard_normal(len(dau) * copies))
        x = np.minimum(np.repeat(dau, copies) * e, cap) * np.repeat(running_shares, copies)
        want = np.quantile(x, PROBS)
        np.testing.assert_allclose([got.p5, got.p50, got.p95], want, rtol=5e-3, err_msg=got.stage)
        assert got.p95 <= cap


def test_the_funnel_without_the_draws_gives_the_draws_quantiles():
    p = _profile()
    r = assess(p, ev=EV, a=A, draws=256, seed=0)
    ins = platform_inputs(EV, A, p.as_of)
    last = market.stages(r.factors, ins, p)[-1]
    reach = np.asarray(r.factors["reach"])
    np.testing.assert_allclose([last.p5, last.p50, last.p95], np.quantile(reach, PROBS), 1e-12)
    conditional = r.funnel[-1]
    np.testing.assert_allclose(
        [conditional.p5, conditional.p50, conditional.p95], [last.p5, last.p50, last.p95], 0.05
    )
