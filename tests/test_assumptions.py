"""Analyst assumptions: each a range with a label, a rationale that matches it, a unit and a
use; the verdict's policy within [0, 1]; a broken file fails in one line naming file and key."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from research.data.assumptions import load_assumptions
from research.data.consistency import find_stale_repeats
from research.data.evidence import latest_value, load_evidence, observations_for
from research.errors import DataFileError, InputError
from research.model import access, audience, spend
from research.model import distributions as u
from research.model import funnel as market
from research.model.dau import dau_cap_musers
from research.model.factors import platform_inputs

EV = load_evidence()
A = load_assumptions(EV.datasets_dir)
DISTS = ("lognormal", "normal", "logit", "uniform", "dirichlet")
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
RANGED = sorted(n for n, i in A.items.items() if i.dist != "dirichlet")
TOUCHPOINTS = tuple(str(t) for t in EV.touchpoints["touchpoint_id"])
#: Shared links: 'by far the most popular' access point, 35% of users (the article's figure).
SHARED_LINKS = 0.35
#: Games: 'the most popular category', 42% of users.
GAMES = 0.42


# --- the file as shipped ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(A.items))
def test_every_assumption_has_a_label_rationale_unit_and_use(name):
    item = A[name]
    for text in (item.label, item.rationale, item.unit, item.needed_for):
        assert isinstance(text, str) and len(text.strip()) >= 2
    assert item.dist in DISTS
    assert item.range_text()
    node = u.assumed(A, name)
    assert node.dims >= 1  # every assumption is uncertain, none a disguised constant
    x = u.draw({name: node}, 256, np.random.default_rng(0))[name]
    assert np.isfinite(x).all()


@pytest.mark.parametrize("name", RANGED)
def test_every_range_is_the_90_percent_interval_or_the_uniform_span(name):
    item = A[name]
    node = u.assumed(A, name)
    # a uniform puts the whole mass on [low, high]; the others 90% of it
    probs = [[0.0], [1.0]] if item.dist == "uniform" else [[0.05], [0.95]]
    np.testing.assert_allclose(node.ppf(np.array(probs)), [item.low, item.high], rtol=1e-9)


def test_shares_are_shares():
    shares = [n for n, i in A.items.items() if i.unit.startswith("share") or i.dist == "logit"]
    assert len(shares) >= 20
    for name in shares:
        item = A[name]
        if item.dist == "dirichlet":
            assert all(0 < m < 1 for m in item.mean), name
            assert sum(item.mean) == pytest.approx(1.0)
        else:
            assert 0 <= item.low <= item.high <= 1, name


def test_policy_cut_offs_lie_in_0_1_and_in_order():
    p = A.policy
    assert 0 <= p.no_go_below <= p.go_at_least <= 1
    assert p.no_go_below < p.go_at_least  # a CONDITIONAL band exists


def test_every_assumption_and_statement_the_model_names_is_in_the_file():
    named = {x for i in platform_inputs(EV, A).values() for x in i.assumptions}
    named |= {s for *_, rests_on in market.STEPS for s in rests_on}
    known = set(A.items) | set(A.statements)
    assert named - known == set()
    assert {"trait_independence", "stage_independence", "touchpoint_independence"} <= named
    for name in named & set(A.statements):
        assert len(A.statements[name].rationale) > 40, name


def test_every_touch_point_but_shared_links_has_an_assumed_reach_and_none_is_orphaned():
    assumed = {n.removeprefix("touchpoint_reach_") for n in A.items if n.startswith("touchpoint_")}
    assert assumed == set(TOUCHPOINTS) - {access.SHARED}


def test_unknown_assumption_names_the_file_and_suggests():
    with pytest.raises(
        DataFileError, match=r"assumptions\.yaml: assumption 'trust_survey' is "
    ) as e:
        A["trust_survey"]
    assert str(e.value).endswith("(did you mean 'trust_survey_n'?)")


def test_describe_gives_each_assumption_and_statement_once_and_skips_unknown_names():
    rows = A.describe(["spend_log_spread", "trait_independence", "spend_log_spread", "nope"])
    assert [r["name"] for r in rows] == ["spend_log_spread", "trait_independence"]
    spread, statement = rows
    assert spread["range"] == "0.8 to 1.4" and spread["label"] == A["spend_log_spread"].label
    assert statement["range"] == "statement"
    assert statement["label"] == A.statements["trait_independence"].label
    assert statement["label"] != "Trait independence"  # a label, not the id in words
    assert statement["rationale"] == A.statements["trait_independence"].rationale
    (split,) = A.describe(["tier_split_2_to_4"])
    assert split["range"] == "mean 45%, 33%, 22%"


# --- labels and rationales read as a consultant writes ----------------------------------------

#: Every label and rationale a client reads (deck appendix, pages, notebooks), by name.
TEXTS = [
    *((n, "label", i.label) for n, i in A.items.items()),
    *((n, "rationale", i.rationale) for n, i in A.items.items()),
    *((n, "label", s.label) for n, s in A.statements.items()),
    *((n, "rationale", s.rationale) for n, s in A.statements.items()),
]
#: A snake_case id, a formula or a code word: never in what a client reads.
JARGON = re.compile(
    r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b"  # ids such as age_log_spread or wechat_mau
    r"|\w\(|\bprod\b|\s[=x*]\s|\b1 - "  # share(gender), prod(1 - share), a = b x c
    r"|touchpoint|independence\b|right-skewed|\bSDK\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize(("name", "key", "text"), TEXTS, ids=[f"{n}.{k}" for n, k, _ in TEXTS])
def test_labels_and_rationales_are_plain_words(name, key, text):
    assert not JARGON.search(text), f"{name}.{key}: {JARGON.search(text)[0]!r} in {text!r}"
    if key == "label":  # a label says what it is, not the id in words ('Tier rest is tier 5')
        assert text.lower() != name.replace("_", " ").lower()
        assert text[:1].isupper()


def test_the_statements_the_reviewer_read_are_named_in_words():
    labels = {n: s.label for n, s in A.statements.items()}
    assert labels["tier_rest_is_tier_5"] == "Users in no named tier are tier 5 and below"
    assert labels["touchpoint_independence"] == "Touch points reach users independently"
    assert set(A.statements) == set(labels) and all(len(x.split()) >= 4 for x in labels.values())


def test_no_rationale_gives_a_stale_repeat_as_current():
    """A figure a later article restates as current (580,000 programs, 170 million users a
    day) may only be quoted with the period it describes; the count a Mini Program competes
    with is the latest that is not a repeat, dated."""
    stale = find_stale_repeats(EV)
    for row in stale.itertuples():
        shown = {f"{row.value:,.0f}", f"{row.value:,.0f} million"}
        for name, key, text in TEXTS:
            if any(re.search(rf"(?<![\d,.]){re.escape(s)}(?![\d,])", text) for s in shown):
                assert str(row.as_of.year) in text, f"{name}.{key} quotes {shown} undated"
    count = latest_value(EV, "mini_program_count")
    rationale = A["reach_to_users_share"].rationale
    assert "580,000" not in rationale
    assert f"{count.value:,.0f} in early {count.as_of.year}" in rationale
    assert "hundreds of thousands of others" in rationale


#: Figures the rationales quote, and the metric each comes from.
QUOTED = {
    "42%": "category_penetration",
    "35%": "access_share",
    "54%": "monthly_spend_share",
    "60%": "user_age_share",
    "53 million": "festival_618_new_users",
    "600,000": "mini_program_count",
    "1.15 billion": "wechat_mau",
    "10 MB": "package_size_limit",
    "170 million": "mini_program_dau",
    "300 million": "mini_program_dau",
}


@pytest.mark.parametrize(("name", "key", "text"), TEXTS, ids=[f"{n}.{k}" for n, k, _ in TEXTS])
def test_a_rationale_that_quotes_an_article_cites_it(name, key, text):
    """Every Sources list under an assumption names the articles its rationale quotes."""
    entry = A.items.get(name) or A.statements[name]
    known = set(EV.sources["source_id"])
    assert set(entry.cites) <= known
    for figure, metric in QUOTED.items():
        if re.search(rf"(?<![\d.]){re.escape(figure)}", text):
            sources = set(observations_for(EV, metric)["source_id"])
            assert sources & set(entry.cites), f"{name} quotes {figure} but cites {entry.cites}"
    if key == "rationale" and re.search(r"'[^']+'", text):  # words quoted from an article
        assert entry.cites, f"{name} quotes an article but cites none"


def test_every_touch_point_assumption_cites_the_article_that_names_the_touch_point():
    sources = EV.touchpoints.set_index("touchpoint_id")["source_id"]
    for name, item in A.items.items():
        if name.startswith("touchpoint_reach_"):
            assert sources[name.removeprefix("touchpoint_reach_")] in item.cites, name


def test_touch_points_combine_as_the_statement_says():
    # 'shared links, which reach 35% of users, and a touch point that reaches 20% reach 48%'
    text = A.statements["touchpoint_independence"].rationale
    together = access.channel_reach(np.array([[SHARED_LINKS], [0.20]]), np.ones((1, 2)))
    assert f"{together.item():.0%}" == "48%" and "35%" in text and "48% together" in text


def test_the_cap_on_daily_users_is_the_figure_the_statement_quotes():
    text = A.statements["dau_cap"].rationale
    assert dau_cap_musers(EV) == 1150 and "1.15 billion monthly users in 2019" in text


def test_cited_sources_of_assumptions_and_statements_in_order_once():
    names = ["penetration_ecommerce", "touchpoint_reach_qr_codes", "trait_independence", "nope"]
    assert A.cited_sources(names) == (
        "sinorblog_2019",
        "datawords_2019",
        "tmo_2025",
        "guide_2018",
    )
    assert A.cited_sources(["need_daily_users_sales"]) == ()


# --- the rationales state what their ranges give ----------------------------------------------
#
# Where a rationale states a consequence of its range, recompute it from the range and the
# articles' figures, so a rationale can never drift from its numbers.


def test_spend_spread_gives_17_to_28_percent_spending_1000_rmb_or_more():
    item = A["spend_log_spread"]
    share_le_500 = 0.54  # the article: 54% spend 500 RMB or less a month
    at_least = [
        stats.norm.sf((np.log(1000) - (np.log(500) - s * stats.norm.ppf(share_le_500))) / s)
        for s in (item.low, item.high)
    ]
    assert [round(x * 100) for x in at_least] == [17, 28]
    assert "17% to 28%" in item.rationale
    # and the model itself, not only this recomputation, gives the same
    model = spend.share_at_least(1000, share_le_500, np.array([item.low, item.high]), 500.0)
    np.testing.assert_allclose(model, at_least, rtol=1e-9)


def test_age_spread_gives_the_stated_90_percent_ranges_and_keeps_60_percent_at_30_or_below():
    item = A["age_log_spread"]
    bands = []
    for s in (item.low, item.high):
        log_median = np.log(31) - s * stats.norm.ppf(0.60)
        bands.append(tuple(round(np.exp(log_median + z * s)) for z in (-1.645, 1.645)))
    assert bands == [(20, 42), (15, 53)]
    assert "between about 20 and 42" in item.rationale
    assert "between about 15 and 53" in item.rationale
    share_le, cut, _ = audience.age_anchor(EV)
    assert (share_le, cut) == (0.60, 31.0)
    spreads = np.array([item.low, item.high])
    np.testing.assert_allclose(audience.age_share(share_le, spreads, 0, 30, cut), 0.60)
    assert (audience.age_share(share_le, spreads, 16, 55, cut) > 0.85).all()


def test_dau_growth_tops_out_at_the_pace_between_the_two_dated_figures():
    dau = observations_for(EV, "mini_program_dau")
    first = dau[dau["source_id"] == "guide_2018"].iloc[0]
    last = dau[dau["source_id"] == "datawords_2019"].iloc[0]
    assert (first["value"], last["value"]) == (170.0, 300.0)
    years = (last["as_of"] - first["as_of"]).days / 365.25
    pace = (last["value"] / first["value"]) ** (1 / years) - 1
    item = A["dau_growth_after_last_figure"]
    assert item.low == 0.0
    assert item.high == pytest.approx(pace, abs=0.005)
    assert f"+{pace:.0%}" in item.rationale


def test_unstated_package_fits_the_10_mb_limit_about_97_percent_of_the_time():
    assert set(observations_for(EV, "package_size_limit")["value"]) == {10.0}
    item = A["package_size_if_unstated"]
    lo, hi = np.log(item.low), np.log(item.high)
    fits = stats.norm.cdf((np.log(10) - (lo + hi) / 2) / ((hi - lo) / (2 * 1.645)))
    assert round(fits * 100) == 97
    # the model's distribution puts that same share at or below 10 MB
    node = u.assumed(A, "package_size_if_unstated")
    assert node.ppf(np.array([[fits]]))[0] == pytest.approx(10.0, rel=1e-3)
    assert "about 97%" in A["package_size_if_unstated"].rationale
    assert "10 MB" in A["package_size_if_unstated"].rationale


def test_trust_gives_a_35_percent_share_3_to_6_points_either_way():
    item = A["trust_survey_n"]
    half_widths = [1.645 * np.sqrt(0.35 * 0.65 / n) * 100 for n in (item.high, item.low)]
    assert [round(x) for x in half_widths] == [3, 6]
    assert "about 3 to 6 points" in item.rationale


def test_tier_split_is_45_33_22_about_ten_points_either_way():
    item = A["tier_split_2_to_4"]
    assert list(item.mean) == [0.45, 0.33, 0.22]
    mean = np.array(item.mean)
    half_widths = u.Z95 * np.sqrt(mean * (1 - mean) / (item.concentration + 1))
    assert ((half_widths > 0.07) & (half_widths < 0.12)).all()
    assert "45:33:22" in item.rationale and "10 points" in item.rationale


@pytest.mark.parametrize(
    ("name", "stated", "low", "high"),
    [
        ("dau_figure_error", "15% either way", 0.85, 1.15),
        ("need_daily_users_sales", "500 to 5,000", 500, 5000),
        ("need_daily_users_engagement", "2,000 to 20,000", 2000, 20000),
        ("need_daily_users_service", "300 to 3,000", 300, 3000),
        ("need_daily_users_loyalty", "200 to 2,000", 200, 2000),
        ("reach_to_users_share", "between 1 in 10,000 and 1 in 100", 1e-4, 1e-2),
    ],
)
def test_a_range_the_rationale_states_is_the_range(name, stated, low, high):
    item = A[name]
    assert stated in item.rationale
    assert (item.low, item.high) == pytest.approx((low, high))


@pytest.mark.parametrize(
    "name", ["penetration_ecommerce", "penetration_news", "penetration_utility"]
)
def test_assumed_categories_stay_below_games(name):
    assert A[name].high < GAMES
    assert "42%" in A[name].rationale


@pytest.mark.parametrize("name", [n for n in A.items if n.startswith("touchpoint_reach_")])
def test_no_assumed_touch_point_reaches_as_many_users_as_shared_links(name):
    item = A[name]
    assert item.high < SHARED_LINKS
    if "half of" in item.rationale:  # 'below half of shared links at the median'
        assert u.assumed(A, name).ppf(np.array([[0.5]]))[0] < SHARED_LINKS / 2


# --- a corrupted copy fails with a one-line message naming the file and the key ---------------


#: The shipped file, as text and parsed; each test below writes an edited copy to a fresh
#: folder (the loader reads only ``assumptions.yaml`` there).
TEXT = (EV.datasets_dir / "assumptions.yaml").read_text(encoding="utf-8")
RAW = yaml.safe_load(TEXT)


def corrupt(folder: Path, edit) -> Path:
    """Write the shipped assumptions, with ``edit`` applied to the parsed copy, to ``folder``."""
    raw = copy.deepcopy(RAW)
    edit(raw)
    path = folder / "assumptions.yaml"
    path.write_text(yaml.dump(raw, Dumper=Dumper, sort_keys=False), encoding="utf-8")
    return path


def write_text(folder: Path, text: str) -> Path:
    """Write ``text`` as ``assumptions.yaml`` of ``folder``."""
    path = folder / "assumptions.yaml"
    path.write_text(text, encoding="utf-8")
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


def load_error(data: Path) -> str:
    """Return the one-line message of loading the assumptions of ``data``."""
    with pytest.raises(DataFileError) as err:
        load_assumptions(data)
    assert isinstance(err.value, InputError)
    msg = str(err.value)
    assert "\n" not in msg and "\r" not in msg
    return msg


@pytest.mark.parametrize(
    ("edit", "key", "problem"),
    [
        (
            setitem(("assumptions", "trust_survey_n", "low"), 700),
            "assumptions.trust_survey_n",
            "low 700 is above high 600",
        ),
        (
            setitem(("assumptions", "spend_log_spread", "dist"), "lognorml"),
            "assumptions.spend_log_spread.dist",
            "did you mean 'lognormal'",
        ),
        (
            setitem(("assumptions", "spend_log_spread", "dist"), "beta"),
            "assumptions.spend_log_spread.dist",
            "'beta' is not allowed (allowed: lognormal, normal, logit, uniform, dirichlet)",
        ),
        (
            delitem(("assumptions", "spend_log_spread", "dist")),
            "assumptions.spend_log_spread.dist",
            "is required",
        ),
        (
            delitem(("assumptions", "age_log_spread", "label")),
            "assumptions.age_log_spread.label",
            "is required",
        ),
        (
            setitem(("assumptions", "age_log_spread", "label"), "   "),
            "assumptions.age_log_spread.label",
            "is required (a non-empty text)",
        ),
        (
            delitem(("assumptions", "age_log_spread", "rationale")),
            "assumptions.age_log_spread.rationale",
            "is required",
        ),
        (
            delitem(("assumptions", "age_log_spread", "needed_for")),
            "assumptions.age_log_spread.needed_for",
            "is required",
        ),
        (
            setitem(("assumptions", "age_log_spread", "unit"), ""),
            "assumptions.age_log_spread.unit",
            "is required (a non-empty text)",
        ),
        (
            delitem(("assumptions", "dau_figure_error", "high")),
            "assumptions.dau_figure_error.high",
            "is required (a number)",
        ),
        (
            setitem(("assumptions", "dau_figure_error", "low"), "low"),
            "assumptions.dau_figure_error.low",
            "'low' is not a number",
        ),
        (
            setitem(("assumptions", "trust_survey_n", "high"), True),
            "assumptions.trust_survey_n.high",
            "True is not a number",
        ),
        (
            setitem(("assumptions", "trust_survey_n", "high"), float("inf")),
            "assumptions.trust_survey_n.high",
            "inf is not a number",
        ),
        (
            setitem(("assumptions", "trust_survey_n", "low"), float("nan")),
            "assumptions.trust_survey_n.low",
            "nan is not a number",
        ),
        (
            setitem(("assumptions", "penetration_news", "high"), 1.3),
            "assumptions.penetration_news",
            "[0.1, 1.3] must lie inside (0, 1) for a logit",
        ),
        (
            setitem(("assumptions", "dau_figure_error", "low"), 0),
            "assumptions.dau_figure_error.low",
            "0 must be above 0 for a lognormal",
        ),
        (
            setitem(("assumptions", "tier_split_2_to_4", "mean"), [0.5, 0.4, 0.3]),
            "assumptions.tier_split_2_to_4.mean",
            "must be positive and sum to 1",
        ),
        (
            setitem(("assumptions", "tier_split_2_to_4", "mean"), [1.0]),
            "assumptions.tier_split_2_to_4.mean",
            "must be a list of 2+ shares summing to 1",
        ),
        (
            setitem(("assumptions", "tier_split_2_to_4", "mean"), [0.5, "half", 0.5]),
            "assumptions.tier_split_2_to_4.mean.1",
            "'half' is not a number",
        ),
        (
            delitem(("assumptions", "tier_split_2_to_4", "concentration")),
            "assumptions.tier_split_2_to_4.concentration",
            "must be a number above 0",
        ),
        (
            setitem(("assumptions", "tier_split_2_to_4", "concentration"), -5),
            "assumptions.tier_split_2_to_4.concentration",
            "must be a number above 0",
        ),
        (
            setitem(("assumptions", "trust_approx_n"), [40, 200]),
            "assumptions.trust_approx_n",
            "must be a mapping",
        ),
        (delitem(("assumptions",)), "assumptions", "is required"),
        (setitem(("assumptions",), [1, 2]), "assumptions", "must be a mapping"),
        (
            setitem(("statements", "trait_independence", "label"), 42),
            "statements.trait_independence.label",
            "is required (a non-empty text)",
        ),
        (
            setitem(("statements", "stage_independence", "rationale"), ""),
            "statements.stage_independence.rationale",
            "is required (a non-empty text)",
        ),
        (
            delitem(("statements", "tier_rest_is_tier_5", "label")),
            "statements.tier_rest_is_tier_5.label",
            "is required",
        ),
        (
            setitem(("statements", "trait_independence"), "Gender, age and tier combine."),
            "statements.trait_independence",
            "must be a mapping",
        ),
        (
            setitem(("assumptions", "penetration_news", "cites"), "sinorblog_2019"),
            "assumptions.penetration_news.cites",
            "must be a list of source ids",
        ),
        (delitem(("policy",)), "policy", "is required"),
        (setitem(("policy",), [0.7, 0.3]), "policy", "must be a mapping"),
        (delitem(("policy", "verdict")), "policy.verdict", "is required"),
        (
            delitem(("policy", "verdict", "go_at_least")),
            "policy.verdict.go_at_least",
            "is required",
        ),
        (
            setitem(("policy", "verdict", "no_go_below"), "0.3"),
            "policy.verdict.no_go_below",
            "'0.3' is not a number",
        ),
        (
            setitem(("policy", "verdict", "go_at_least"), 0.2),
            "policy.verdict",
            "need no_go_below <= go_at_least",
        ),
        (
            setitem(("policy", "note\nhere"), "a key with a line break"),
            "policy.note\\nhere",
            "unknown key",
        ),
    ],
)
def test_corrupted_assumptions_raise_naming_file_and_key(tmp_path, edit, key, problem):
    path = corrupt(tmp_path, edit)
    msg = load_error(tmp_path)
    assert msg.startswith(f"{path}: {key}: "), msg
    assert problem in msg


def test_a_file_that_is_not_a_mapping_names_the_file(tmp_path):
    for text in ("", "- trust_survey_n\n- spend_log_spread\n"):
        path = write_text(tmp_path, text)
        msg = load_error(tmp_path)
        assert msg == f"{path}: assumptions: is required (a mapping of named ranges)"


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    lines = TEXT.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("trust_approx_n:"))
    lines[at + 1] = "  low: [40, 200"  # unclosed list, wrong indent
    path = write_text(tmp_path, "\n".join(lines) + "\n")
    msg = load_error(tmp_path)
    assert msg.startswith(f"{path}: invalid YAML at line ")
    line = int(msg.split("at line ")[1].split(",")[0])
    assert at < line <= at + 4


def test_a_repeated_key_names_the_file_and_both_lines(tmp_path):
    lines = TEXT.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "low: 150")
    lines.insert(at + 1, "    low: 100")
    path = write_text(tmp_path, "\n".join(lines) + "\n")
    msg = load_error(tmp_path)
    assert msg.startswith(f"{path}: invalid YAML at line {at + 2}, ")
    assert msg.endswith(f"key 'low' repeats line {at + 1}")


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(DataFileError, match=r"assumptions\.yaml: file not found$"):
        load_assumptions(tmp_path)


def test_a_folder_in_place_of_the_file_names_the_file(tmp_path):
    (tmp_path / "assumptions.yaml").mkdir()
    with pytest.raises(DataFileError, match=r"assumptions\.yaml: is not a regular file$"):
        load_assumptions(tmp_path)


def test_a_file_that_is_not_utf8_names_the_file_and_line(tmp_path):
    path = tmp_path / "assumptions.yaml"
    line = TEXT[: TEXT.index("Users' ages")].count("\n") + 1
    path.write_bytes(TEXT.replace("Users' ages", "Users\u00e9 ages").encode("latin-1"))
    msg = load_error(tmp_path)
    assert msg.startswith(f"{path}: is not UTF-8 text (byte 0xe9 on line {line})")


def test_a_corrected_file_loads_again(tmp_path):
    """The loader caches by modification time and size: a fixed file is read afresh."""
    corrupt(tmp_path, setitem(("assumptions", "trust_survey_n", "low"), 700))
    load_error(tmp_path)
    corrupt(tmp_path, setitem(("assumptions", "trust_survey_n", "low"), 99))
    assert load_assumptions(tmp_path)["trust_survey_n"].low == 99


@pytest.mark.parametrize(
    ("name", "missing"),
    [
        ("spend_log_spread", lambda a: spend.inputs(EV, a)),
        ("touchpoint_reach_qr_codes", lambda a: access.inputs(EV, a)),
        ("trust_survey_n", lambda a: platform_inputs(EV, a)),
    ],
)
def test_an_assumption_the_model_needs_but_the_file_lacks_names_file_and_key(
    tmp_path, name, missing
):
    path = corrupt(tmp_path, delitem(("assumptions", name)))
    a = load_assumptions(tmp_path)  # the file itself is well formed
    with pytest.raises(DataFileError) as err:
        missing(a)
    assert str(err.value).startswith(f"{path}: assumption '{name}' is missing")


# --- unknown keys, policy values in [0, 1], YAML 1.2 numbers ----------------------------------


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
        (renamed(("assumptions",), "assumption"), "assumption", "assumptions"),
        (renamed(("statements",), "statement"), "statement", "statements"),
        (renamed(("policy", "verdict"), "verdicts"), "policy.verdicts", "verdict"),
        (
            renamed(("policy", "verdict", "go_at_least"), "go_at_lest"),
            "policy.verdict.go_at_lest",
            "go_at_least",
        ),
        (
            renamed(("assumptions", "trust_survey_n", "rationale"), "rationle"),
            "assumptions.trust_survey_n.rationle",
            "rationale",
        ),
        (
            renamed(("assumptions", "trust_survey_n", "label"), "lable"),
            "assumptions.trust_survey_n.lable",
            "label",
        ),
        (
            renamed(("assumptions", "trust_survey_n", "needed_for"), "needed_by"),
            "assumptions.trust_survey_n.needed_by",
            "needed_for",
        ),
        (
            setitem(("assumptions", "trust_survey_n", "distribution"), "normal"),
            "assumptions.trust_survey_n.distribution",
            "dist",
        ),
    ],
)
def test_unknown_keys_are_refused_naming_the_closest(tmp_path, edit, key, suggestion):
    path = corrupt(tmp_path, edit)
    msg = load_error(tmp_path)
    assert msg.startswith(f"{path}: {key}: unknown key (allowed: ")
    assert msg.endswith(f"(did you mean '{suggestion}'?)")


@pytest.mark.parametrize("keys", [("policy", "bar"), ("policy", "weights"), ("group_weights",)])
def test_keys_of_the_old_scoring_policy_are_refused(tmp_path, keys):
    path = corrupt(tmp_path, setitem(keys, 0.5))
    msg = load_error(tmp_path)
    assert msg.startswith(f"{path}: {'.'.join(keys)}: unknown key (allowed: ")


@pytest.mark.parametrize(
    ("key", "value"),
    [("go_at_least", 1.5), ("go_at_least", 1.0001), ("no_go_below", -0.3), ("no_go_below", -1e-9)],
)
def test_policy_values_lie_in_0_1(tmp_path, key, value):
    path = corrupt(tmp_path, setitem(("policy", "verdict", key), value))
    assert load_error(tmp_path) == f"{path}: policy.verdict.{key}: {value:g} is outside [0, 1]"


@pytest.mark.parametrize(("key", "value"), [("go_at_least", 1.0), ("no_go_below", 0.0)])
def test_policy_values_at_the_ends_of_0_1_are_allowed(tmp_path, key, value):
    corrupt(tmp_path, setitem(("policy", "verdict", key), value))
    assert getattr(load_assumptions(tmp_path).policy, key) == value


def _with_trust_range(folder: Path, low: str, high: str) -> Path:
    """Write the shipped file with ``low`` and ``high`` verbatim as the range of trust_survey_n."""
    assert TEXT.count("low: 150\n") == 1 and TEXT.count("high: 600\n") == 1
    text = TEXT.replace("low: 150\n", f"low: {low}\n").replace("high: 600\n", f"high: {high}\n")
    return write_text(folder, text)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ("1e2", "1e3", (100.0, 1000.0)),  # YAML 1.1 (PyYAML) reads these as text
        ("1.5E+2", "6.0e2", (150.0, 600.0)),
        ("150", "0x258", (150.0, 600.0)),
        ("150", "0o1130", (150.0, 600.0)),
    ],
)
def test_yaml_1_2_numbers_are_numbers(tmp_path, low, high, expected):
    _with_trust_range(tmp_path, low, high)
    item = load_assumptions(tmp_path)["trust_survey_n"]
    assert (item.low, item.high) == expected


def test_a_leading_zero_integer_is_decimal_as_in_yaml_1_2(tmp_path):
    _with_trust_range(tmp_path, "0150", "0600")
    item = load_assumptions(tmp_path)["trust_survey_n"]
    assert (item.low, item.high) == (150.0, 600.0)


@pytest.mark.parametrize(
    "high",
    ["'1e3'", "6_00", "1:30", "yes", "6e", "six hundred"],
    ids=["quoted", "underscore", "sexagesimal", "yes", "bad-exponent", "words"],
)
def test_what_yaml_1_2_reads_as_text_is_not_a_number(tmp_path, high):
    path = _with_trust_range(tmp_path, "150", high)
    msg = load_error(tmp_path)
    assert msg.startswith(f"{path}: assumptions.trust_survey_n.high: ")
    assert msg.endswith("is not a number")


def test_a_special_float_is_not_a_number(tmp_path):
    path = _with_trust_range(tmp_path, "150", ".inf")
    assert load_error(tmp_path) == f"{path}: assumptions.trust_survey_n.high: inf is not a number"


# --- cited sources must be sources ------------------------------------------------------------


def test_a_cited_source_that_sources_csv_lacks_names_file_key_and_closest(tmp_path):
    (tmp_path / "sources.csv").write_bytes((EV.datasets_dir / "sources.csv").read_bytes())
    path = corrupt(
        tmp_path, setitem(("assumptions", "penetration_news", "cites"), ["sinorblog_2091"])
    )
    assert load_error(tmp_path) == (
        f"{path}: assumptions.penetration_news.cites.0: 'sinorblog_2091' is not a source_id "
        "of sources.csv (did you mean 'sinorblog_2019'?)"
    )
    corrupt(tmp_path, setitem(("statements", "dau_cap", "cites"), ["datawords_2019", "nobody"]))
    assert load_error(tmp_path).endswith(
        "statements.dau_cap.cites.1: 'nobody' is not a source_id of sources.csv"
    )
