"""Distributions from intervals, trusted shares and Dirichlets, sampled by QMC or plain MC."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

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


def test_mean_share_has_the_mean_and_rejects_bad_means():
    node = u.MeanShare(0.2, u.from_interval(20, 80))
    for method in u.METHODS:
        x = u.draw({"x": node}, 2**15, rng(1), method)["x"]
        assert x.mean() == pytest.approx(0.2, abs=3e-3)
    with pytest.raises(ValueError, match=r"^mean: "):
        u.MeanShare(1.2, u.Fixed(10.0))


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


def test_z95_is_the_half_width_of_a_90_percent_interval():
    assert special.ndtr(u.Z95) == pytest.approx(0.95)
    assert u.Z95 == pytest.approx(1.6448536, abs=1e-6)


# --- marginal: a share with uncertain trust as one tabulated distribution ----------------------


@pytest.mark.parametrize(
    "node",
    [
        u.TrustedShare(0.71, u.from_interval(150, 600)),
        u.TrustedShare(0.2, u.from_interval(20, 80, "uniform")),
        u.MeanShare(0.11, u.from_interval(20, 80)),
        u.MeanShare(0.01, u.from_interval(20, 80)),  # a Beta with a < 1: a long left tail
        u.TrustedShare(0.35, u.Fixed(1000.0)),
    ],
    ids=["trusted", "uniform-trust", "mean", "small-mean", "fixed-trust"],
)
def test_marginal_is_the_beta_mixed_over_its_concentration(node):
    flat = u.marginal(node)
    assert isinstance(flat, u.Tabulated) and flat.dims == 1
    assert u.marginal(node) is flat  # built once
    ps = np.array([0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999])
    x = ppf_at(flat, *ps)
    # brute force: the Beta CDF averaged over 20,000 equally likely concentrations
    v = (np.arange(20_000) + 0.5) / 20_000
    m = node.trust.ppf(v[:, None]) if node.trust.dims else np.full(1, node.trust.value)
    if isinstance(node, u.TrustedShare):
        a, b = node.share * (m - 2 / 3) + 1 / 3, m - (node.share * (m - 2 / 3) + 1 / 3)
    else:
        a, b = node.mean * m, (1 - node.mean) * m
    cdf = special.betainc(a[:, None], b[:, None], x[None, :]).mean(axis=0)
    assert np.abs(special.ndtri(cdf) - special.ndtri(ps)).max() < 2e-3  # in normal scores
    # and the two-level draws agree with it
    y = u.draw({"x": node}, 2**16, rng(2), "qmc")["x"]
    np.testing.assert_allclose(np.quantile(y, ps[2:-2]), x[2:-2], atol=0.01 * y.std())
    z = flat.sample(rng(3), 2**16)
    assert ((z > 0) & (z < 1)).all()
    assert z.mean() == pytest.approx(y.mean(), abs=0.02 * y.std())


def test_marginal_keeps_other_nodes_and_fixes_edge_shares():
    for node in (u.from_interval(150, 600), u.Fixed(3.0), u.Dirichlet((0.5, 0.5), u.Fixed(9.0))):
        assert u.marginal(node) is node
    assert u.marginal(u.TrustedShare(1.0, u.from_interval(150, 600))) == u.Fixed(1.0)
    assert u.marginal(u.MeanShare(0.0, u.from_interval(20, 80))) == u.Fixed(0.0)


# --- draw_groups: independent groups, each from its own small Sobol net ------------------------


def groups() -> list[dict[str, u.Node]]:
    n = nodes()
    return [
        {"lognormal": n["lognormal"]},
        {"trusted": u.marginal(n["trusted"]), "uniform": n["uniform"]},
        {},
        {"fixed": n["fixed"]},
        {"tiers": n["tiers"], "logit": n["logit"]},
    ]


def test_draw_groups_same_seed_same_draws_and_right_marginals():
    a = u.draw_groups(groups(), 2**12, rng(4))
    b = u.draw_groups(groups(), 2**12, rng(4))
    c = u.draw_groups(groups(), 2**12, rng(5))
    assert [list(g) for g in a] == [list(g) for g in groups()]
    for ga, gb, gc in zip(a, b, c, strict=True):
        for k in ga:
            assert ga[k].tobytes() == gb[k].tobytes()
            if k != "fixed":
                assert not np.array_equal(ga[k], gc[k])
    np.testing.assert_array_equal(a[3]["fixed"], 2.0)
    assert a[4]["tiers"].shape == (2**12, 3)
    m = u.draw(nodes(), 2**17, rng(0), "mc")
    for g in a:
        for k, x in g.items():
            np.testing.assert_allclose(x.mean(axis=0), m[k].mean(axis=0), rtol=0.01)
            np.testing.assert_allclose(x.std(axis=0), m[k].std(axis=0), rtol=0.03)
    # a group is a Sobol net: its 1-D draws hit every stratum of width 1/n exactly once
    uniform = (a[1]["uniform"] - 0.8) / 0.6
    np.testing.assert_array_equal(np.sort((uniform * 2**12).astype(int)), np.arange(2**12))
    # groups are shuffled: index-paired draws of two groups are uncorrelated
    assert abs(np.corrcoef(a[0]["lognormal"], a[1]["uniform"])[0, 1]) < 0.05


def test_draw_groups_rejects_bad_draws_and_rng():
    with pytest.raises(ValueError, match=r"^draws: 1 must be an integer >= 2"):
        u.draw_groups(groups(), 1, rng())
    with pytest.raises(ValueError, match=r"^rng: pass a numpy.random.Generator"):
        u.draw_groups(groups(), 8, 0)


# --- product_quantiles: convolution of independent log-factors -------------------------------


def test_product_quantiles_of_lognormals_are_exact():
    """A product of independent lognormals is lognormal: compare every running product."""
    mus, sigmas = np.array([19.5, -0.4, -1.0, -0.2]), np.array([0.09, 0.03, 0.25, 0.6])
    g = [{"x": u.LogNormal(m, s)} for m, s in zip(mus, sigmas, strict=True)]
    factors = [d["x"] for d in u.draw_groups(g, 2**12, rng(1))]
    probs = np.array([0.05, 0.5, 0.95])
    got = u.product_quantiles(factors, probs)
    assert got.shape == (4, 3)
    mu, sd = np.cumsum(mus), np.sqrt(np.cumsum(sigmas**2))
    want = np.exp(mu[:, None] + sd[:, None] * special.ndtri(probs)[None, :])
    np.testing.assert_allclose(got, want, rtol=1e-3)
    np.testing.assert_allclose(u.product_quantiles(factors, probs, [3, 1]), got[[3, 1]], rtol=1e-3)


@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(1, 3),
    zeros=st.floats(0.0, 0.5),
    constant=st.booleans(),
)
@settings(max_examples=25, deadline=None)
def test_product_quantiles_combine_every_draw_with_every_other(seed, k, zeros, constant):
    """The convolution is the distribution of all n^k products (up to the bin width)."""
    r = rng(seed)
    factors = [np.exp(r.normal(0, r.uniform(0.05, 1.0), 40)) for _ in range(k)]
    factors[0][: int(zeros * 40)] = 0.0  # an atom at zero
    if constant:
        factors.append(np.full(40, 0.5))
    every = factors[0]
    for f in factors[1:]:
        every = np.multiply.outer(every, f).ravel()
    probs = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    got = u.product_quantiles(factors, probs, resolution=64)[-1]
    # each quantile is that of the n^k products to within 1% in probability (a single
    # factor: within one of its 40 draws), the rest being the binning
    slack = 0.01 + (1 / 40 if k == 1 else 0.0)
    low = np.quantile(every, np.clip(probs - slack, 0, 1))
    high = np.quantile(every, np.clip(probs + slack, 0, 1))
    assert (low * (1 - 1e-9) <= got).all() and (got <= high * (1 + 1e-9)).all()
    assert (got[np.quantile(every, probs) == 0] == 0).all()
    assert (np.diff(got) >= 0).all()


def test_product_quantiles_edge_cases_and_bad_input():
    np.testing.assert_array_equal(u.product_quantiles([np.zeros(5), np.ones(5)]), 0.0)
    np.testing.assert_allclose(u.product_quantiles([np.full(4, 2.0), np.full(4, 3.0)])[1], 6.0)
    with pytest.raises(ValueError, match=r"^stops: .*must index the 2 factors"):
        u.product_quantiles([np.ones(3), np.ones(3)], stops=[2])
    for bad in ([np.array([1.0, -1.0])], [np.array([1.0, np.nan])], [np.array([])]):
        with pytest.raises(ValueError, match=r"^factors: "):
            u.product_quantiles(bad)
