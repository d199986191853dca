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
from research.data.evidence import latest_value
from research.decide import portfolio
from research.formats import format_probability
from research.paths import BRANDS_DIR
from research.present import (
    evidence_tables,
    exhibits,
    market_memo,
    memo,
    plots,
    portfolio_chart,
    portfolio_memo,
    style,
)
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
    return portfolio_memo.assess_folder(BRANDS_DIR, draws=DRAWS, seed=3, analysis_date="2026-12-01")


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
    assert "71%" in demo.loc[demo["segment"] == "Women", "value"].item()
    assert "60%" in demo.loc[demo["segment"] == "Aged 30 or younger", "value"].item()
    assert set(demo["source"]) == {"Sinorblog (2019)", "Guide to WeChat Mini-Programs (c. 2018)"}


def _display_tables(an) -> dict[str, pd.DataFrame]:
    """Every table a notebook shows a strategist, by name."""
    ev = an.ev
    tables = {f"figures {t}": evidence_tables.figures(ev, t) for t in ev.metrics["topic"].unique()}
    return tables | {
        "stale repeats": evidence_tables.stale_repeats(ev),
        "growth": evidence_tables.growth(ev),
        "conflicts": evidence_tables.conflicts(ev),
        "evidence counts": evidence_tables.evidence_counts(ev),
        "games engagement": evidence_tables.games_engagement(ev),
        "taxonomy": evidence_tables.taxonomy(ev, an.profile.channels),
        "profile": memo.profile_table(an.profile, ev).drop(columns="field"),  # keys of the file
        "categories": memo.categories_table(an),
        "channel steps": memo.channel_steps(an),
        "audience": memo.audience_variants(an),
    }


def test_display_tables_name_things_in_words_not_ids(an):
    """A strategist reads labels: sources by their label, segments, groups and touch points in
    words; only the '#' column (the figure's id the flags refer to) is an id, and the
    profile's field names (what a profile file is written with)."""
    for name, df in _display_tables(an).items():
        assert not CODE_NAME.search(" ".join(df.columns)), name
        cells = df.drop(columns=[c for c in df.columns if c == "#"]).astype(str).to_numpy()
        for cell in cells.ravel():
            assert not CODE_NAME.search(cell), f"{name}: {cell!r}"
    sources = set(an.ev.sources["label"])
    assert set(evidence_tables.evidence_counts(an.ev)["source"]) == sources
    assert set(evidence_tables.figures(an.ev, "platform")["source"]) <= sources
    platform = evidence_tables.figures(an.ev, "platform")
    assert "Apple App Store and Google Play" in set(platform["segment"])
    groups = set(evidence_tables.taxonomy(an.ev)["group"])
    assert "Partnerships and external platforms" in groups
    shown = dict(memo.profile_table(an.profile, an.ev).to_numpy().tolist())
    labels = an.ev.touchpoints.set_index("touchpoint_id")["label"]
    assert "One\\-on\\-one or group chat sharing" in shown["channels"]  # Markdown-escaped
    assert "Moments ads" in shown["channels"] and "moments" not in shown["channels"]
    assert len(labels) == 20


def test_the_taxonomy_marks_only_touch_points_its_article_does_not_name(an):
    """TMO names 'Nearby Mini Programs' (under Discover) and H5 (its Discovery row): only the
    Store Mini Program, from Nora Holtmann's article, is the analyst's addition."""
    tax = evidence_tables.taxonomy(an.ev)
    added = [x for x in tax["touch point"] if "analyst's addition" in x]
    assert added == [
        "Store Mini Program (store business card) (analyst's addition, from Nora Holtmann (c. 2020))"
    ]
    rows = dict(zip(tax["touch point"], tax["phase and group from"], strict=True))
    assert rows["Mini Programs Nearby"] == "phase: the analyst; group: TMO Group (c. 2025)"
    assert rows["H5 page links"] == "phase: TMO Group (c. 2025); group: the analyst"
    assert rows["QR codes"] == "TMO Group (c. 2025)"


def test_the_market_answer_names_its_source_and_counts_sources_not_figures(an):
    text = market_memo.market_answer(an.ev)
    assert "the figure in Datawords (c. 2019)" in text and "c. Jul 2019" in text
    assert not CODE_NAME.search(text), text
    # both stale repeats come from Sinorblog: one source, not two
    assert "one 2019 source repeats two 2018 figures as current" in text
    assert "two later sources" not in text
    assert "both from Sinorblog (2019)" in text
    assert "No two sources disagree about the same period" in text and "0 pairs" not in text


def test_profile_fields_show_a_field_of_an_optional_section_as_optional():
    fields = memo.profile_fields().set_index("field")["required"]
    assert fields["needs.daily_users"] == "no; yes when needs is given"  # needs is optional
    assert fields["audience.gender"] == "yes"  # audience itself is required
    assert fields["name"] == "yes" and fields["package_size_mb"] == "no"


def _labels_in(text: str, ev) -> set[str]:
    return {label for label in ev.sources["label"] if f"- {label}: " in text}


@pytest.mark.parametrize(
    ("criterion", "topic"),
    [
        ("category_fit", "categories"),  # notebook 04: an assumed category, no source of its own
        ("channel_reach", "access"),  # notebook 05
        ("price_fit", "spend"),  # notebook 03
    ],
)
def test_a_notebooks_sources_cell_lists_the_source_of_every_figure_it_shows(an, criterion, topic):
    """The Sources cell, as a brand notebook calls it (with its criterion's sources and
    assumptions), names the source of every figure of the notebook's tables and of every
    figure the assumptions' rationales quote: notebook 04 once listed nothing under
    'Sources' while showing Sinorblog's 42% and Datawords' four groups."""
    fit = an.result.criterion(criterion)
    text = memo.sources(an.ev, fit.reason.sources, fit.reason.assumptions, an.a).data
    listed = _labels_in(text, an.ev)
    shown = set(evidence_tables.figures(an.ev, topic)["source"])
    if topic == "categories":
        shown |= set(evidence_tables.games_engagement(an.ev)["source"])
        # e-commerce: its own number is assumed; its sentence cites only games' reach it quotes
        games = latest_value(an.ev, "category_penetration", "games").source_id
        assert fit.reason.sources == (games,)
    assert shown and shown <= listed, (criterion, shown - listed)
    label = an.ev.sources.set_index("source_id")["label"]
    assert listed >= {label[s] for s in an.a.cited_sources(fit.reason.assumptions)}


def test_a_sources_list_names_each_source_by_its_label(an):
    """'Datawords (c. 2019)' in the citations is 'Datawords (c. 2019)' in the Sources list
    too, with its publication date marked c. and how it was estimated."""
    text = memo.sources(an.ev).data
    assert text.startswith("### Sources\n\n")
    entries = text.split("\n\n", 1)[1].splitlines()
    labels = list(an.ev.sources["label"])
    assert [e.split(": ", 1)[0] for e in entries] == [f"- {x}" for x in labels]
    assert "Datawords (2019)" not in text and "Datawords (c. 2019): " in text
    assert "published c. Jul 2019 (page shows only '2019'" in text
    assert "Sinorblog (2019): Our quick-fire guide to WeChat mini programs. Dandan Cheng" in text
    assert "published 2019-09-11." in text
    assert not CODE_NAME.search(text), text
    empty = memo.sources(an.ev, [], (), an.a).data
    assert empty.startswith("### Sources\n\n- None")


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
    shown = portfolio_memo.portfolio_table(results)
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
    image = portfolio_memo.portfolio_chart(results, ev, a)
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
