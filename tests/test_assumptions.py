"""Analyst assumptions: each a range with a rationale; a broken file fails loudly by key."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import special

from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence, observations_for
from research.errors import DataFileError
from research.model import audience
from research.model import distributions as u
from research.vocab import CRITERIA, GROUPS, OBJECTIVES

A = load_assumptions()
EV = load_evidence()
DISTS = {"lognormal", "normal", "logit", "uniform", "dirichlet"}


# --- the file as shipped ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(A.items))
def test_every_assumption_has_rationale_unit_and_use(name):
    item = A[name]
    assert item.name == name
    for field in ("rationale", "needed_for", "unit"):
        text = getattr(item, field)
        assert isinstance(text, str) and len(text.strip()) >= 2, field
    assert item.dist in DISTS
    assert item.low <= item.high
    assert item.range_text()
    node = item.node()
    assert node.dims >= 1  # every assumption is uncertain
    x = u.draw({name: node}, 256, np.random.default_rng(0))[name]
    assert np.isfinite(x).all()


@pytest.mark.parametrize(
    "name", sorted(n for n, i in A.items.items() if i.dist in ("lognormal", "logit", "normal"))
)
def test_interval_assumptions_have_their_range_as_90_percent_interval(name):
    item = A[name]
    np.testing.assert_allclose(
        item.node().ppf(np.array([[0.05], [0.95]])), [item.low, item.high], rtol=1e-9
    )


def test_share_assumptions_are_shares():
    for item in A.items.values():
        if item.unit.startswith("share") or item.dist == "logit":
            assert 0 <= item.low <= item.high <= 1, item.name


def test_policy_weights_sum_to_one_per_objective():
    assert set(A.policy.weights) == set(OBJECTIVES)
    for obj in OBJECTIVES:
        w = A.policy.weight_vector(obj)
        assert w.shape == (len(CRITERIA),)
        assert (w >= 0).all()
        assert w.sum() == pytest.approx(1.0, abs=1e-9), obj
    assert set(A.policy.thresholds) == set(CRITERIA)
    assert all(0 <= t <= 1 for t in A.policy.thresholds.values())
    assert 0 <= A.policy.no_go_below <= A.policy.go_at_least <= 1
    assert 0 < A.policy.bar < 1


def test_group_weights_and_statements():
    assert set(A.group_weights) == set(GROUPS)
    assert sum(A.group_weights.values()) == pytest.approx(1.0)
    for name in ("trait_independence", "stage_independence", "category_mix_from_penetration"):
        assert len(A.statements[name]) > 40


def test_unknown_assumption_names_the_file_and_suggests():
    with pytest.raises(DataFileError, match=r"assumptions\.yaml: assumption 'trust_survey' is "):
        A["trust_survey"]
    with pytest.raises(DataFileError, match=r"did you mean 'trust_survey_n'"):
        A["trust_survey"]


# --- the ranges say what their rationale says -------------------------------------------------


def test_spend_spread_puts_10_to_35_percent_at_1000_rmb_or_more():
    """Rationale of spend_log_spread: '10-35% of users spend 1000 RMB or more a month'."""
    item = A["spend_log_spread"]
    for spread in (item.low, item.high):
        log_median = np.log(500) - spread * special.ndtri(0.54)
        share = special.ndtr((log_median - np.log(1000)) / spread)
        assert 0.10 <= share <= 0.35


def test_age_spread_puts_most_users_between_16_and_55():
    item = A["age_log_spread"]
    share_le, cut, _ = audience.age_anchor(EV)
    for spread in (item.low, item.high):
        share = audience.age_share(np.array([share_le]), np.array([spread]), 16, 55, cut)[0]
        assert share > 0.85


def test_dau_growth_high_end_is_the_pace_of_the_two_dated_figures():
    dau = observations_for(load_evidence(), "mini_program_dau")
    first = dau[dau["source_id"] == "guide_2018"].iloc[0]
    last = dau[dau["source_id"] == "datawords_2019"].iloc[0]
    years = (last["as_of"] - first["as_of"]).days / 365.25
    pace = (last["value"] / first["value"]) ** (1 / years) - 1
    assert A["dau_growth_after_last_figure"].high == pytest.approx(pace, abs=0.05)
    assert A["dau_growth_after_last_figure"].low == 0.0


def test_tier_split_is_about_ten_points_either_way():
    item = A["tier_split_2_to_4"]
    assert sum(item.mean) == pytest.approx(1.0)
    half_widths = u.Z95 * np.sqrt(np.array(item.mean) * (1 - np.array(item.mean)))
    half_widths /= np.sqrt(item.concentration + 1)
    assert ((half_widths > 0.07) & (half_widths < 0.12)).all()


# --- a corrupted copy fails with a one-line message naming the file and the key ---------------


def write(path: Path, raw: dict) -> None:
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")


def corrupt(data: Path, edit) -> Path:
    """Apply ``edit`` to the parsed assumptions.yaml of ``data`` and write it back."""
    path = data / "assumptions.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(raw)
    write(path, raw)
    return path


def setitem(keys: tuple, value):
    def edit(raw):
        d = raw
        for k in keys[:-1]:
            d = d[k]
        d[keys[-1]] = value

    return edit


def delitem(keys: tuple):
    def edit(raw):
        d = raw
        for k in keys[:-1]:
            d = d[k]
        del d[keys[-1]]

    return edit


@pytest.mark.parametrize(
    ("edit", "key", "problem"),
    [
        (
            setitem(("assumptions", "trust_survey_n", "low"), 700),
            "assumptions.trust_survey_n:",
            "low 700 is above high 600",
        ),
        (
            setitem(("assumptions", "spend_log_spread", "dist"), "lognorml"),
            "assumptions.spend_log_spread.dist:",
            "did you mean 'lognormal'",
        ),
        (
            setitem(("assumptions", "spend_log_spread", "dist"), "beta"),
            "assumptions.spend_log_spread.dist:",
            "allowed: lognormal, normal, logit, uniform, dirichlet",
        ),
        (
            delitem(("assumptions", "age_log_spread", "rationale")),
            "assumptions.age_log_spread.rationale:",
            "is required",
        ),
        (
            delitem(("assumptions", "age_log_spread", "needed_for")),
            "assumptions.age_log_spread.needed_for:",
            "is required",
        ),
        (
            delitem(("assumptions", "dau_figure_error", "high")),
            "assumptions.dau_figure_error.high:",
            "not a number",
        ),
        (
            setitem(("assumptions", "dau_figure_error", "low"), "low"),
            "assumptions.dau_figure_error.low:",
            "'low' is not a number",
        ),
        (
            setitem(("assumptions", "penetration_news", "high"), 1.3),
            "assumptions.penetration_news:",
            "logit needs",
        ),
        (
            setitem(("assumptions", "dau_figure_error", "low"), 0),
            "assumptions.dau_figure_error:",
            "lognormal needs low > 0",
        ),
        (
            setitem(("assumptions", "tier_split_2_to_4", "mean"), [0.5, 0.4, 0.3]),
            "assumptions.tier_split_2_to_4.mean:",
            "sum to 1",
        ),
        (
            delitem(("assumptions", "tier_split_2_to_4", "concentration")),
            "assumptions.tier_split_2_to_4.concentration:",
            "not a number",
        ),
        (
            setitem(("assumptions", "trust_approx_n"), [40, 200]),
            "assumptions.trust_approx_n:",
            "must be a mapping",
        ),
        (delitem(("assumptions",)), "assumptions:", "is required"),
        (delitem(("access_group_weights",)), "access_group_weights:", "is required"),
        (
            delitem(("access_group_weights", "offline")),
            "access_group_weights.offline:",
            "not a number",
        ),
        (delitem(("policy", "weights", "loyalty")), "policy.weights.loyalty:", "is required"),
        (
            delitem(("policy", "weights", "sales", "price_fit")),
            "policy.weights.sales.price_fit:",
            "not a number",
        ),
        (
            setitem(("policy", "weights", "sales", "price_fit"), 0.5),
            "policy.weights.sales:",
            "must sum to 1",
        ),
        (
            setitem(("policy", "thresholds", "feasibility"), 1.5),
            "policy.thresholds.feasibility:",
            "outside [0, 1]",
        ),
        (
            setitem(("policy", "verdict", "go_at_least"), 0.2),
            "policy.verdict:",
            "no_go_below <= go_at_least",
        ),
        (delitem(("policy",)), "policy:", "must be a mapping"),
        (
            delitem(("assumptions", "spend_log_spread", "dist")),
            "assumptions.spend_log_spread.dist:",
            "is required",
        ),
        (
            setitem(("assumptions", "tier_split_2_to_4", "mean"), [0.5, "half", 0.5]),
            "assumptions.tier_split_2_to_4.mean[1]:",
            "'half' is not a number",
        ),
        (
            setitem(("assumptions", "trust_survey_n", "high"), True),
            "assumptions.trust_survey_n.high:",
            "True is not a number",
        ),
        (
            setitem(("assumptions", "trust_survey_n", "high"), float("inf")),
            "assumptions.trust_survey_n.high:",
            "inf is not a number",
        ),
        (
            setitem(("policy", "note\nhere"), "a key with a line break"),
            "policy.note\\nhere:",
            "unknown key",
        ),
        (
            setitem(("statements", "trait_independence"), 42),
            "statements.trait_independence:",
            "is required (a non-empty text)",
        ),
    ],
)
def test_corrupted_assumptions_raise_naming_file_and_key(data_copy, edit, key, problem):
    path = corrupt(data_copy, edit)
    with pytest.raises(DataFileError) as err:
        load_assumptions(data_copy)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(str(path) + ": ")
    assert f": {key}" in msg
    assert problem in msg


def test_invalid_yaml_names_the_file_and_line(data_copy):
    path = data_copy / "assumptions.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("trust_approx_n:"))
    lines[at + 1] = "  low: [40, 200"  # unclosed list, wrong indent
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_assumptions(data_copy)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}: not valid YAML at line ")
    line = int(msg.split("at line ")[1].split(",")[0])
    assert at < line <= at + 4


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(DataFileError, match=r"assumptions\.yaml: file not found"):
        load_assumptions(tmp_path)


def test_a_corrected_file_loads_again(data_copy):
    """The loader caches by modification time: a fixed file is read afresh."""
    corrupt(data_copy, setitem(("assumptions", "trust_survey_n", "low"), 700))
    with pytest.raises(DataFileError):
        load_assumptions(data_copy)
    corrupt(data_copy, setitem(("assumptions", "trust_survey_n", "low"), 99))
    assert load_assumptions(data_copy)["trust_survey_n"].low == 99


# --- new rules: unknown keys, policy values in [0, 1], encoding, YAML 1.2 numbers -------------


def renamed(keys: tuple, new: str):
    """Return an edit that renames the last of ``keys`` to ``new`` (a misspelt key)."""

    def edit(raw):
        d = raw
        for k in keys[:-1]:
            d = d[k]
        d[new] = d.pop(keys[-1])

    return edit


@pytest.mark.parametrize(
    ("edit", "key", "suggestion"),
    [
        (renamed(("statements",), "statement"), "statement:", "statements"),
        (
            renamed(("assumptions", "trust_survey_n", "rationale"), "rationle"),
            "assumptions.trust_survey_n.rationle:",
            "rationale",
        ),
        (
            setitem(("assumptions", "trust_survey_n", "distribution"), "normal"),
            "assumptions.trust_survey_n.distribution:",
            "dist",
        ),
        (renamed(("policy", "thresholds"), "tresholds"), "policy.tresholds:", "thresholds"),
        (
            renamed(("policy", "verdict", "go_at_least"), "go_at_lest"),
            "policy.verdict.go_at_lest:",
            "go_at_least",
        ),
        (
            renamed(("policy", "weights", "sales", "price_fit"), "pricefit"),
            "policy.weights.sales.pricefit:",
            "price_fit",
        ),
        (
            renamed(("policy", "weights", "loyalty"), "loyality"),
            "policy.weights.loyality:",
            "loyalty",
        ),
        (
            renamed(("access_group_weights", "offline"), "ofline"),
            "access_group_weights.ofline:",
            "offline",
        ),
    ],
)
def test_unknown_keys_are_refused_naming_the_closest(data_copy, edit, key, suggestion):
    path = corrupt(data_copy, edit)
    with pytest.raises(DataFileError) as err:
        load_assumptions(data_copy)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}: {key} unknown key (allowed: ")
    assert msg.endswith(f"(did you mean '{suggestion}'?)")


@pytest.mark.parametrize(
    ("keys", "value"),
    [
        (("policy", "bar"), 1.2),
        (("policy", "bar"), -0.1),
        (("policy", "verdict", "go_at_least"), 1.5),
        (("policy", "verdict", "no_go_below"), -0.3),
        (("policy", "thresholds", "price_fit"), 2),
        (("policy", "weights", "service", "feasibility"), -0.15),
        (("policy", "weights", "service", "feasibility"), 1.15),
    ],
)
def test_policy_values_lie_in_0_1(data_copy, keys, value):
    path = corrupt(data_copy, setitem(keys, value))
    with pytest.raises(DataFileError) as err:
        load_assumptions(data_copy)
    assert str(err.value) == f"{path}: {'.'.join(keys)}: {value:g} is outside [0, 1]"


def test_a_file_that_is_not_utf8_names_the_file(data_copy):
    path = data_copy / "assumptions.yaml"
    text = path.read_text(encoding="utf-8").replace("Users' ages", "Users\u00e9 ages")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(DataFileError) as err:
        load_assumptions(data_copy)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}: is not UTF-8 text (byte 0xe9 on line ")


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ("1e2", "1e3", (100.0, 1000.0)),
        ("1.5E+2", "6.0e2", (150.0, 600.0)),
        ("150", "6_00", (150.0, 600.0)),
    ],
)
def test_yaml_numbers_in_exponent_form_are_numbers(data_copy, low, high, expected):
    path = data_copy / "assumptions.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("low: 150\n", f"low: {low}\n").replace("high: 600\n", f"high: {high}\n")
    path.write_text(text, encoding="utf-8")
    item = load_assumptions(data_copy)["trust_survey_n"]
    assert (item.low, item.high) == expected


def test_a_quoted_number_is_still_text(data_copy):
    path = data_copy / "assumptions.yaml"
    text = path.read_text(encoding="utf-8").replace("high: 600\n", "high: '1e3'\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=r"assumptions\.trust_survey_n\.high: '1e3' is not a"):
        load_assumptions(data_copy)


# --- rationales state what their ranges give -----------------------------------------------
#
# Where a rationale states a consequence of its range, recompute it from the range and the
# articles' figures, so a rationale can never drift from its numbers again.


def _range(name: str) -> tuple[float, float]:
    item = load_assumptions()[name]
    return item.low, item.high


def test_spend_spread_gives_17_to_28_percent_spending_1000_rmb_or_more():
    from scipy import stats

    lo, hi = _range("spend_log_spread")
    share_le_500 = 0.54
    at_least = [
        stats.norm.sf((np.log(1000) - (np.log(500) - s * stats.norm.ppf(share_le_500))) / s)
        for s in (lo, hi)
    ]
    assert [round(x * 100) for x in at_least] == [17, 28]
    assert "17% to 28%" in load_assumptions()["spend_log_spread"].rationale


def test_age_spread_gives_the_stated_90_percent_ranges():
    from scipy import stats

    lo, hi = _range("age_log_spread")
    bands = []
    for s in (lo, hi):
        log_median = np.log(31) - s * stats.norm.ppf(0.60)
        bands.append(tuple(round(np.exp(log_median + z * s)) for z in (-1.645, 1.645)))
    assert bands == [(20, 42), (15, 53)]
    text = load_assumptions()["age_log_spread"].rationale
    assert "between about 20 and 42" in text and "between about 15 and 53" in text


def test_dau_growth_tops_out_at_the_pace_between_the_two_dated_figures():
    from research.data.evidence import load_evidence, observations_for

    dau = observations_for(load_evidence(), "mini_program_dau")
    first = dau[dau["source_id"] == "guide_2018"].iloc[0]
    last = dau[dau["source_id"] == "datawords_2019"].iloc[0]
    years = (last["as_of"] - first["as_of"]).days / 365.25
    pace = (last["value"] / first["value"]) ** (1 / years) - 1
    assert _range("dau_growth_after_last_figure")[1] == pytest.approx(pace, abs=0.005)
    assert f"+{pace:.0%}" in load_assumptions()["dau_growth_after_last_figure"].rationale


def test_unstated_package_fits_the_limit_about_97_percent_of_the_time():
    from scipy import stats

    lo, hi = _range("package_size_if_unstated")
    mu, sigma = (np.log(lo) + np.log(hi)) / 2, (np.log(hi) - np.log(lo)) / (2 * 1.645)
    assert round(stats.norm.cdf((np.log(10) - mu) / sigma) * 100) == 97
    assert "about 97%" in load_assumptions()["package_size_if_unstated"].rationale


def test_trust_gives_a_35_percent_share_4_to_6_points_either_way():
    lo, hi = _range("trust_survey_n")
    half_widths = [1.645 * np.sqrt(0.35 * 0.65 / n) * 100 for n in (hi, lo)]
    assert [round(x) for x in half_widths] == [3, 6]
    assert "about 3 to 6 points" in load_assumptions()["trust_survey_n"].rationale


@pytest.mark.parametrize(
    "name", ["penetration_ecommerce", "penetration_news", "penetration_utility"]
)
def test_assumed_categories_stay_below_games(name):
    assert _range(name)[1] < 0.42
