"""The notebook helpers and the portfolio: tables, rankings and their errors."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from research.decide import portfolio
from research.paths import BRANDS_DIR
from research.present import evidence_tables, memo, portfolio_chart
from research.vocab import VERDICTS

DRAWS = 512


@pytest.fixture(scope="module")
def an() -> memo.Analysis:
    return memo.analyse(BRANDS_DIR / "fast-fashion.yaml", draws=DRAWS, seed=3)


@pytest.fixture(scope="module")
def folder():
    return memo.assess_folder(BRANDS_DIR, draws=DRAWS, seed=3)


def _pct(text: str) -> float:
    return float(text.rstrip("%")) / 100


def test_present_formats_and_names_a_bad_format():
    df = pd.DataFrame({"x": [0.123, 0.5], "n": [2_500_000.0, 69.0]})
    out = memo.present(df, {"x": "pct", "n": "users"})
    assert out.to_dict("list") == {"x": ["12%", "50%"], "n": ["2.5M", "69"]}
    with pytest.raises(ValueError, match="formats: \\['percent'\\] not in"):
        memo.present(df, {"x": "percent"})


def test_table_is_markdown_without_an_index():
    md = memo.table(pd.DataFrame({"a": ["x|y"], "b": ["1"]})).data
    assert md.splitlines()[0].startswith("| a")
    assert "0 |" not in md


def test_figures_by_topic_keep_and_flag_the_stale_repeats(an):
    platform = evidence_tables.figures(an.ev, "platform")
    flags = " ".join(platform["flags"])
    assert "stale repeat of #1" in flags and "stale repeat of #4" in flags
    assert "disagrees with" not in flags
    assert any(d.startswith("c. ") for d in platform["as of"])  # estimated dates are marked
    assert "170 million users" in " ".join(platform["value"])
    with pytest.raises(ValueError, match="topic: 'platfrom' not in"):
        evidence_tables.figures(an.ev, "platfrom")


def test_demographic_figures_are_the_articles(an):
    demo = evidence_tables.figures(an.ev, "demographics")
    assert "71%" in demo.loc[demo["segment"] == "female", "value"].item()
    assert "60%" in demo.loc[demo["segment"] == "le_30", "value"].item()


def test_price_table_never_rises_with_price(an):
    t = memo.price_table(an)
    medians = [_pct(x) for x in t["median"]]
    assert medians == sorted(medians, reverse=True)
    assert "the brand's price" in " ".join(t["note"])
    assert "caution" in " ".join(t["note"])


def test_coverage_never_falls_as_channels_are_added(an):
    t = memo.coverage_steps(an)
    assert list(t["adding"]) == list(an.profile.channels)
    medians = [_pct(x) for x in t["median"]]
    assert medians == sorted(medians)


def test_relaxing_the_audience_never_shrinks_it(an):
    t = memo.audience_variants(an)
    m = [_pct(x) for x in t["median"]]
    assert m[0] <= m[1] <= m[3] and m[0] <= m[2] <= m[3]


def test_chart_names_an_unknown_exhibit(an):
    with pytest.raises(ValueError, match="name: 'funel' not in"):
        memo.chart(an, "funel")
    with pytest.raises(ValueError, match="key: 'reason' not in"):
        memo.section(an.result, "reason")


def test_portfolio_ranks_by_verdict_then_p_go(folder):
    _, _, results = folder
    ranked = portfolio.rank(results)
    keys = [(VERDICTS.index(r.verdict), -r.p_go) for r in ranked]
    assert keys == sorted(keys)
    t = portfolio.table(results)
    assert list(t["rank"]) == list(range(1, len(results) + 1))
    assert list(t["brand"]) == [r.profile.name for r in ranked]
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    title = portfolio.title(results)
    assert title.startswith(f"{len(results)} brands: {counts['GO']} GO")
    assert ranked[0].profile.name in title


def test_portfolio_source_line_names_sources_and_assumptions(folder):
    ev, _, results = folder
    line = portfolio_chart.source_line(results, ev)
    assert line.startswith("Sources: ") and "Assumed: " in line and "policy." not in line


def test_portfolio_chart_shows_every_brand(folder):
    ev, a, results = folder
    image = memo.portfolio_chart(results, a, ev)
    assert image.data.startswith(b"\x89PNG")
    ax = portfolio_chart.plot_portfolio(results, a.policy, ev)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [r.profile.name for r in portfolio.rank(results)]
    assert ax.figure.get_suptitle() == portfolio.title(results)


def test_importing_the_notebook_helpers_and_the_report_changes_nothing():
    """No backend is chosen and no rcParams change on import; figures are made on demand."""
    code = (
        "import sys, matplotlib\n"
        "before = matplotlib.rcParams.copy()\n"
        "import research.present.memo, research.report\n"
        "after = matplotlib.rcParams.copy()\n"
        "print([k for k in before if before[k] != after[k]], 'matplotlib.pyplot' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[] False"
