"""The notebook helpers and the portfolio: tables, rankings, charts and their errors."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pandas as pd
import pytest
from IPython.display import Image

from research import clock
from research.decide import portfolio
from research.formats import format_probability
from research.paths import BRANDS_DIR
from research.present import evidence_tables, exhibits, memo, plots, portfolio_chart, style
from research.vocab import VERDICTS

DRAWS = 512
#: A snake_case id (or p_go): never in what a notebook shows a reader.
CODE_NAME = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")


@pytest.fixture(scope="module", autouse=True)
def _restore_the_analysis_date():
    """The helpers pin the analysis date for their process; put it back afterwards."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(clock.ENV_VAR, "2026-12-01")
        yield


@pytest.fixture(scope="module")
def an() -> memo.Analysis:
    return memo.analyse(
        BRANDS_DIR / "fast-fashion.yaml", draws=DRAWS, seed=3, analysis_date="2026-12-01"
    )


@pytest.fixture(scope="module")
def folder():
    return memo.assess_folder(BRANDS_DIR, draws=DRAWS, seed=3, analysis_date="2026-12-01")


def _pct(text: str) -> float:
    return float(text.strip("<>%")) / 100


def test_present_formats_and_names_a_bad_format():
    df = pd.DataFrame({"x": [0.123, 0.5], "p": [0.0, 1.0], "n": [2_500_000.0, 69.0]})
    out = memo.present(df, {"x": "share", "p": "chance", "n": "users"})
    assert out.to_dict("list") == {"x": ["12%", "50%"], "p": ["<1%", ">99%"], "n": ["2.5M", "69"]}
    with pytest.raises((KeyError, ValueError), match="percent"):
        memo.present(df, {"x": "percent"})


def test_table_is_markdown_without_an_index_and_escapes_cells():
    md = memo.table(pd.DataFrame({"a": ["x|y"], "b": ["<script>"]})).data
    assert md.splitlines()[0].startswith("| a")
    assert "0 |" not in md
    assert "x\\|y" in md and "<script>" not in md


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


def test_price_table_never_rises_with_price_and_marks_the_brand_and_the_caution(an):
    t = memo.price_table(an)
    medians = [_pct(x) for x in t["median"]]
    assert medians == sorted(medians, reverse=True)
    notes = dict(zip(t["price a month"], t["note"], strict=True))
    assert notes["200 RMB"] == "the brand's"  # fast-fashion's price
    assert notes["1,000 RMB"] == "the articles' caution point"


def test_reach_never_falls_as_touch_points_are_added(an):
    t = memo.channel_steps(an)
    names = an.ev.touchpoints.set_index("touchpoint_id")["label"]
    assert list(t["adding"]) == [names[c] for c in an.profile.channels]
    for q in ("p5", "median", "p95"):
        values = [_pct(x) for x in t[q]]
        assert values == sorted(values), q


def test_relaxing_the_audience_never_shrinks_it(an):
    t = memo.audience_variants(an)
    m = [_pct(x) for x in t["median"]]
    assert m[0] <= m[1] <= m[3] and m[0] <= m[2] <= m[3]


def test_exhibit_tables_mark_the_brand_and_never_write_a_certain_chance(an):
    reach = an.exhibits["reach"]
    t = memo.exhibit_table(reach)
    assert list(t["the brand's"]) == ["yes" if i in reach.highlight else "" for i in range(len(t))]
    assert list(t["chance"]) == [format_probability(v) for v in reach.series[0][1]]
    tornado = memo.exhibit_table(an.exhibits["tornado"])
    for column in ("at its low end", "at its high end"):
        assert not {"0%", "100%"} & set(tornado[column]), column


def test_words_for_the_reader_hold_no_code_names(an):
    r = an.result
    shown = [
        memo.verdict_answer(r),
        memo.warning(r).data,
        memo.sources_of(an).data,
        *memo.flips(r).to_numpy().ravel(),
        *memo.research_first(r).to_numpy().ravel(),
        *(memo.section(an, k).data for k in ("answer", "reasons", "gates", "changes")),
    ]
    for text in shown:
        assert not CODE_NAME.search(str(text)), text
    assert memo.verdict_answer(r).startswith(f"{r.profile.name}: {r.verdict}.")


def test_chart_and_section_name_an_unknown_key(an):
    with pytest.raises(ValueError, match="name: 'funel' not in"):
        memo.chart(an, "funel")
    with pytest.raises(ValueError, match="key: 'reason' not in"):
        memo.section(an, "reason")


def test_a_notebook_chart_is_drawn_as_the_report_draws_it(an):
    """The PNG a notebook shows is the exported chart at the notebook's resolution."""
    with style.house_style():
        ax = plots.plot_exhibit(an.exhibits["tornado"])
        buf = io.BytesIO()
        ax.get_figure(root=True).savefig(
            buf, format="png", dpi=memo.NOTEBOOK_DPI, metadata={"Software": None}
        )
    assert memo.chart(an, "tornado").data == buf.getvalue()


def test_a_chart_that_would_show_nothing_is_said_in_words(folder):
    ev, a, results = folder
    (r,) = [x for x in results if x.profile.slug == "luxury-direct"]  # its price gate decides
    an = memo.Analysis(ev, a, r, exhibits.build_exhibits(r, ev, a))
    shown = memo.chart(an, "tornado")
    assert not isinstance(shown, Image)
    assert shown.data == f"*{an.exhibits['tornado'].title}.*"
    assert shown.data.startswith("*No uncertain input moves the answer")
    assert isinstance(memo.chart(an, "reach"), Image)  # the chance still has its chart


def test_portfolio_ranks_by_verdict_then_chance(folder):
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


def test_portfolio_table_writes_chances_as_a_consultant_does(folder):
    _, _, results = folder
    shown = memo.portfolio_table(results)
    assert "p_go" not in shown.columns and "chance" in shown.columns
    assert not {"0%", "100%"} & set(shown["chance"])
    assert "<1%" in set(shown["chance"])  # the NO-GO examples


def test_portfolio_source_line_names_sources_and_assumptions_in_words(folder):
    ev, a, results = folder
    line = portfolio_chart.source_line(results, ev, a)
    assert line.startswith("Sources: ") and "Assumed: " in line
    assert not CODE_NAME.search(line), line


def test_portfolio_chart_shows_every_brand(folder):
    ev, a, results = folder
    image = memo.portfolio_chart(results, ev, a)
    assert image.data.startswith(b"\x89PNG")
    with style.house_style():
        ax = portfolio_chart.plot_portfolio(results, ev, a)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [r.profile.name for r in portfolio.rank(results)]
    assert " ".join(ax.figure.get_suptitle().split()) == portfolio.title(results)
    bars = [p.get_width() for p in ax.patches]
    assert bars == pytest.approx([r.p_go for r in portfolio.rank(results)])


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
