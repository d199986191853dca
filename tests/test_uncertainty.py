"""Distributions from intervals, trusted shares and Dirichlets, sampled by QMC or plain MC."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.errors import InputError
from research.model import distributions as u

FAST = settings(max_examples=40, deadline=None)


def ppf_at(node: u.Node, *ps: float) -> np.ndarray:
    """Return ``node.ppf`` at the probabilities ``ps`` (a one-dimensional node)."""
    return node.ppf(np.array(ps, float)[:, None])


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- from_interval: the 90% interval is [low, high] --------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "dist", "kind"),
    [
        (150.0, 600.0, "lognormal", u.LogNormal),
        (0.85, 1.15, "lognormal", u.LogNormal),
        (-3.0, 5.0, "normal", u.Normal),
        (0.22, 0.40, "logit", u.LogitNormal),
        (0.01, 0.02, "logit", u.LogitNormal),
    ],
)
def test_from_interval_puts_5th_and_95th_percentiles_at_the_ends(low, high, dist, kind):
    node = u.from_interval(low, high, dist)
    assert isinstance(node, kind)
    assert node.dims == 1
    np.testing.assert_allclose(ppf_at(node, 0.05, 0.95), [low, high], rtol=1e-9)
    # and the sampler agrees with the inverse CDF
    x = node.sample(rng(), 200_000)
    np.testing.assert_allclose(np.quantile(x, [0.05, 0.95]), [low, high], rtol=0.01)


def test_from_interval_uniform_spans_exactly_low_to_high():
    node = u.from_interval(0.8, 1.4, "uniform")
    assert isinstance(node, u.Uniform)
    np.testing.assert_allclose(ppf_at(node, 0.0, 0.5, 1.0), [0.8, 1.1, 1.4])
    x = node.sample(rng(), 10_000)
    assert x.min() >= 0.8 and x.max() <= 1.4
    assert np.quantile(x, 0.05) == pytest.approx(0.8 + 0.05 * 0.6, abs=0.01)


def test_from_interval_default_is_lognormal_and_a_point_is_fixed():
    assert isinstance(u.from_interval(1, 10), u.LogNormal)
    node = u.from_interval(0.3, 0.3, "logit")
    assert isinstance(node, u.Fixed)
    assert node.dims == 0
    np.testing.assert_array_equal(node.sample(rng(), 4), [0.3] * 4)
    np.testing.assert_array_equal(node.ppf(np.empty((3, 0))), [0.3] * 3)


@given(
    low=st.floats(0.001, 1e6, allow_nan=False),
    ratio=st.floats(1.001, 1e3),
    dist=st.sampled_from(["lognormal", "normal"]),
)
@FAST
def test_from_interval_property_positive_ranges(low, ratio, dist):
    high = low * ratio
    node = u.from_interval(low, high, dist)
    np.testing.assert_allclose(ppf_at(node, 0.05, 0.95), [low, high], rtol=1e-7)


@given(low=st.floats(0.001, 0.98), width=st.floats(0.001, 0.99))
@FAST
def test_from_interval_property_logit(low, width):
    high = min(low + width, 0.999)
    node = u.from_interval(low, high, "logit")
    np.testing.assert_allclose(ppf_at(node, 0.05, 0.95), [low, high], rtol=1e-6)
    x = ppf_at(node, 1e-9, 0.5, 1 - 1e-9)
    assert ((x > 0) & (x < 1)).all()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ((2.0, 1.0, "lognormal"), "interval"),
        ((float("nan"), 1.0, "normal"), "interval"),
        ((1.0, float("inf"), "uniform"), "interval"),
        ((0.0, 1.0, "lognormal"), "interval"),
        ((-1.0, 1.0, "lognormal"), "interval"),
        ((0.0, 0.5, "logit"), "interval"),
        ((0.5, 1.0, "logit"), "interval"),
        ((1.0, 2.0, "gamma"), "dist"),
    ],
)
def test_from_interval_bad_arguments_raise_naming_the_argument(args, named):
    with pytest.raises(ValueError, match=rf"^{named}:") as err:
        u.from_interval(*args)
    assert isinstance(err.value, InputError)
    if named == "dist":
        assert "lognormal, normal, logit, uniform" in str(err.value)


# --- check_share ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 0.0, 0.42, 1, 1.0, np.float64(0.5)])
def test_check_share_accepts_shares(value):
    assert u.check_share("female_share", value) == float(value)


@pytest.mark.parametrize("value", [-0.01, 1.5, float("nan"), float("inf")])
def test_check_share_rejects_values_outside_0_1(value):
    with pytest.raises(ValueError, match=r"^female_share: .*allowed: a share in \[0, 1\]"):
        u.check_share("female_share", value)


@pytest.mark.parametrize("value", ["0.5", None, True, [0.5]])
def test_check_share_rejects_non_numbers(value):
    with pytest.raises(ValueError, match=r"^female_share: .* is not a number"):
        u.check_share("female_share", value)


# --- TrustedShare -----------------------------------------------------------------------------


@pytest.mark.parametrize("share", [0.05, 0.35, 0.54, 0.71, 0.97])
@pytest.mark.parametrize("n", [40.0, 150.0, 600.0])
def test_trusted_share_median_is_the_share(share, n):
    node = u.TrustedShare(share, u.Fixed(n))
    assert node.dims == 1
    assert node.ppf(np.array([[0.5]]))[0] == pytest.approx(share, abs=1e-3)


def test_trusted_share_with_uncertain_trust_keeps_the_median():
    node = u.TrustedShare(0.71, u.from_interval(150, 600))
    assert node.dims == 2
    for method in u.METHODS:
        d = u.draw({"x": node}, 2**14, rng(3), method)
        assert np.median(d["x"]) == pytest.approx(0.71, abs=2e-3)
        assert ((d["x"] > 0) & (d["x"] < 1)).all()


def test_trusted_share_larger_trust_narrows():
    widths = []
    for lo, hi in [(20, 60), (150, 600), (2000, 6000)]:
        node = u.TrustedShare(0.35, u.from_interval(lo, hi))
        s = u.summarise(u.draw({"x": node}, 4096, rng(0))["x"])
        widths.append(s.p95 - s.p5)
    assert widths[0] > widths[1] > widths[2] > 0
    # a Beta of n respondents: 90% width ~ 2 * 1.645 * sqrt(p (1 - p) / n)
    fixed = u.TrustedShare(0.35, u.Fixed(1000.0))
    p5, p95 = fixed.ppf(np.array([[0.05], [0.95]]))
    assert p95 - p5 == pytest.approx(2 * u.Z95 * np.sqrt(0.35 * 0.65 / 1000), rel=0.02)


def test_trusted_share_at_the_edges_is_fixed():
    for share in (0.0, 1.0):
        node = u.TrustedShare(share, u.from_interval(150, 600))
        np.testing.assert_array_equal(node.sample(rng(), 5), [share] * 5)
        np.testing.assert_array_equal(node.ppf(np.full((5, 2), 0.3)), [share] * 5)


@pytest.mark.parametrize("share", [1.5, -0.1, float("nan")])
def test_trusted_share_outside_0_1_raises(share):
    with pytest.raises(ValueError, match=r"^share: .*outside \[0, 1\]"):
        u.TrustedShare(share, u.Fixed(100.0))


# --- Dirichlet --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", u.METHODS)
@pytest.mark.parametrize(
    ("mean", "trust"),
    [
        ((0.333, 0.5, 0.167), u.from_interval(40, 200)),
        ((0.45, 0.33, 0.22), u.Fixed(60.0)),
        ((0.1, 0.2, 0.3, 0.4), u.Fixed(5.0)),
    ],
)
def test_dirichlet_rows_sum_to_one_and_means_match(method, mean, trust):
    node = u.Dirichlet(mean, trust)
    assert node.dims == trust.dims + len(mean) - 1
    x = u.draw({"d": node}, 2**14, rng(7), method)["d"]
    assert x.shape == (2**14, len(mean))
    np.testing.assert_allclose(x.sum(axis=1), 1.0, atol=1e-12)
    assert (x >= 0).all() and (x <= 1).all()
    np.testing.assert_allclose(x.mean(axis=0), mean, atol=0.005)


def test_dirichlet_qmc_matches_numpy_spread():
    """Stick-breaking inverse CDFs give the same marginals as numpy's gamma sampler."""
    node = u.Dirichlet((0.45, 0.33, 0.22), u.Fixed(60.0))
    q = u.draw({"d": node}, 2**14, rng(0), "qmc")["d"]
    m = u.draw({"d": node}, 2**16, rng(0), "mc")["d"]
    np.testing.assert_allclose(q.std(axis=0), m.std(axis=0), rtol=0.03)
    # Dirichlet marginal sd: sqrt(m (1 - m) / (c + 1))
    expected = np.sqrt(np.array([0.45, 0.33, 0.22]) * [0.55, 0.67, 0.78] / 61)
    np.testing.assert_allclose(q.std(axis=0), expected, rtol=0.02)


@pytest.mark.parametrize("mean", [(0.5, 0.6), (1.0,), (0.0, 1.0), (-0.2, 1.2)])
def test_dirichlet_bad_mean_raises(mean):
    with pytest.raises(ValueError, match=r"^mean: "):
        u.Dirichlet(mean, u.Fixed(10.0))


# --- draw -------------------------------------------------------------------------------------


def nodes() -> dict[str, u.Node]:
    return {
        "fixed": u.Fixed(2.0),
        "uniform": u.from_interval(0.8, 1.4, "uniform"),
        "normal": u.from_interval(-1.0, 3.0, "normal"),
        "lognormal": u.from_interval(0.85, 1.15),
        "logit": u.from_interval(0.1, 0.3, "logit"),
        "trusted": u.TrustedShare(0.6, u.from_interval(150, 600)),
        "tiers": u.Dirichlet((0.333, 0.5, 0.167), u.from_interval(40, 200)),
    }


def test_draw_qmc_and_mc_agree_on_means():
    q = u.draw(nodes(), 2**14, rng(0), "qmc")
    m = u.draw(nodes(), 2**17, rng(0), "mc")
    assert q.method == "qmc" and m.method == "mc"
    assert q.n == 2**14 and m.n == 2**17
    for name in nodes():
        assert q[name].shape[0] == 2**14 and q[name].shape[1:] == m[name].shape[1:]
        np.testing.assert_allclose(q[name].mean(axis=0), m[name].mean(axis=0), rtol=0.01)
        np.testing.assert_allclose(q[name].std(axis=0), m[name].std(axis=0), rtol=0.05)
    # and both land on the analytic means
    assert q["uniform"].mean() == pytest.approx(1.1, abs=1e-4)
    assert q["normal"].mean() == pytest.approx(1.0, abs=1e-3)
    np.testing.assert_array_equal(q["fixed"], 2.0)


def test_qmc_is_more_accurate_than_mc_at_equal_draws():
    """The point of QMC: at 2^12 draws the median of a lognormal is much closer to the truth."""
    node = {"x": u.from_interval(150, 600)}
    truth = np.sqrt(150 * 600)
    errors = {
        m: max(abs(np.median(u.draw(node, 2**12, rng(s), m)["x"]) / truth - 1) for s in range(10))
        for m in u.METHODS
    }
    assert errors["qmc"] < errors["mc"] / 3


@pytest.mark.parametrize("method", u.METHODS)
def test_draw_same_seed_same_draws_other_seed_other_draws(method):
    a = u.draw(nodes(), 1000, rng(11), method)
    b = u.draw(nodes(), 1000, rng(11), method)
    c = u.draw(nodes(), 1000, rng(12), method)
    assert list(a.values) == list(nodes())
    for name in nodes():
        np.testing.assert_array_equal(a[name], b[name])
        if name != "fixed":
            assert not np.array_equal(a[name], c[name])


def test_draw_of_no_uncertain_inputs():
    d = u.draw({"fixed": u.Fixed(1.5)}, 8, rng(), "qmc")
    np.testing.assert_array_equal(d["fixed"], [1.5] * 8)
    assert u.draw({}, 8, rng(), "qmc").values == {}


@pytest.mark.parametrize(
    ("kwargs", "named", "allowed"),
    [
        ({"method": "sobol"}, "method", "qmc, mc"),
        ({"method": None}, "method", "qmc, mc"),
        ({"n": 1}, "draws", ">= 2"),
        ({"n": 0}, "draws", ">= 2"),
        ({"n": 2.5}, "draws", "integer"),
        ({"n": True}, "draws", "integer"),
        ({"n": "100"}, "draws", "integer"),
        ({"rng": 0}, "rng", "numpy.random.Generator"),
        ({"rng": None}, "rng", "numpy.random.Generator"),
        ({"rng": np.random.RandomState(0)}, "rng", "numpy.random.Generator"),
    ],
)
def test_draw_bad_arguments_raise_naming_the_argument(kwargs, named, allowed):
    args = {"nodes": nodes(), "n": 64, "rng": rng(), "method": "qmc"} | kwargs
    with pytest.raises(ValueError, match=rf"^{named}:") as err:
        u.draw(**args)
    assert allowed in str(err.value)


def test_draw_accepts_numpy_integers_and_non_powers_of_two():
    d = u.draw(nodes(), np.int64(1000), rng(), "qmc")
    assert d.n == 1000 and d["logit"].shape == (1000,)


# --- summaries --------------------------------------------------------------------------------


def test_summarise_gives_percentiles_and_mean():
    x = np.arange(101, dtype=float)
    s = u.summarise(x)
    assert (s.p5, s.p50, s.p95, s.mean) == (5.0, 50.0, 95.0, 50.0)
    assert s.as_dict(2) == {"p5": 5.0, "p50": 50.0, "p95": 95.0, "mean": 50.0}
