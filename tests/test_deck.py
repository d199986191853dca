"""Tests for research.present.deck: the storyline, house style, fitted text, native charts,
round-tripped numbers, one colour per meaning, slide numbers and atomic writes."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pptx
import pytest
from helpers import read_chart_series
from matplotlib.figure import Figure
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Pt

from research.formats import COUNT, POINTS, SHARE
from research.formats import PROBABILITY as CHANCE
from research.present.deck import (
    CONTEXT,
    KEY_SHAPE,
    KEY_SWATCH,
    NUMBER_SHAPE,
    PRIMARY,
    REFERENCE,
    SOURCE_SHAPE,
    TITLE_SIZES_PT,
    VERDICT_COLOURS,
    ChartSlide,
    DeckSpec,
    build_deck,
    count_lines,
    key_entries,
    write_deck,
)
from research.present.deck.chart_geometry import LABEL_PAD_PT, plot_geometry
from research.present.deck.look import MARGIN, SERIES_COLOURS, SLIDE_WIDTH, TEXT
from research.present.deck.native_chart import AXIS_TITLE_SHAPE
from research.present.deck.text import text_width_pt

#: A brand name of 150 characters and a Chinese one of 80.
LONG_NAME = (
    "The Extraordinarily Long Heritage Tea and Porcelain Trading Company of Greater Suzhou "
    "and Hangzhou Limited, Est. 1898, Purveyors to Discerning Households"
)[:150]
CHINESE_NAME = ("花间小径茶饮与瓷器贸易有限公司苏州杭州分公司" * 4)[:80]
N_ASSUMPTIONS = 13

NO_SOFFICE = "LibreOffice (soffice) is not on PATH; install libreoffice-impress to check PDFs"

#: An interval chart: three groups, two categories highlighted, a divider before "Tier 1".
INTERVAL = ChartSlide(
    title="Women aged 25-30 in tier-1 cities, the brand's target, are the core of the users",
    source_line="Sources: QuestMobile 2023; Tencent annual report 2024. Assumed: tier split.",
    notes="Audience notes.",
    kind="interval_bar",
    categories=("Female", "Male", "18-24", "25-30", "Tier 1", "Tier 2"),
    series=(
        ("p5", (0.66, 0.25, 0.22, 0.23, 0.25, 0.16)),
        ("median", (0.71, 0.29, 0.26, 0.28, 0.33, 0.22)),
        ("p95", (0.75, 0.34, 0.29, 0.35, 0.42, 0.29)),
    ),
    highlight=(0, 4),
    groups=("Gender", "Gender", "Age", "Age", "City tier", "City tier"),
    highlight_label="the brand's target",
    dividers=((4, "tiers below"),),
    axis_label="share of Mini Program users",
)
#: A probability chart whose value axis runs 0 to 1, one interval reaching the top.
PROBABILITY = ChartSlide(
    title="The brand wins the 1,600 daily users it needs in nine cases out of ten",
    source_line="Model estimate from the sources and assumptions in the appendix.",
    notes="",
    kind="interval_bar",
    categories=("Reach the audience", "Convert", "Clear every gate", "Win the users it needs"),
    series=(
        ("p5", (0.80, 0.55, 0.85, 0.79)),
        ("median", (0.92, 0.70, 0.95, 0.89)),
        ("p95", (0.98, 0.84, 1.0, 0.96)),
    ),
    number_format=CHANCE,
    highlight=(3,),
    highlight_label="the answer",
    value_range=(0.0, 1.0),
    axis_label="chance of each step",
)
#: Drops in the chance of a wrong call, in percentage points, the smallest under one.
POINTS_CHART = ChartSlide(
    title="Pin down the conversion first: knowing it would cut the chance of a wrong call",
    source_line="Model estimate.",
    notes="",
    kind="bar",
    categories=("Conversion", "Daily users needed", "Share of users aged 30 or below"),
    series=(("drop in the chance of a wrong call", (4.15, 0.07, 0.0)),),
    number_format=POINTS,
    highlight=(0,),
    highlight_label="research first",
    axis_label="drop in the chance of a wrong call, percentage points",
)
QUESTIONS = (
    INTERVAL,
    ChartSlide(
        title="Half of users spend at most 500 RMB a month, so the brand's price is mass market",
        source_line="Sources: Survey 2024 (n = 2,000).",
        notes="Price notes.",
        kind="column",
        categories=("<100", "100-500", "500-1,000", "1,000-3,000", ">3,000"),
        series=(("Share of users", (0.21, 0.33, 0.24, 0.15, 0.07)),),
        highlight=(1,),
        highlight_label="the brand's price",
        dividers=((3, "caution point"),),
        axis_label="share of users spending at least this many RMB a month",
    ),
    ChartSlide(
        title="Shared links and search bring most users in both years",
        source_line="Sources: Tencent 2023, 2024.",
        notes="",
        kind="bar",
        categories=("Shared links", "Search", "Official accounts", "QR codes"),
        series=(("2023", (0.35, 0.22, 0.18, 0.15)), ("2024", (0.38, 0.25, 0.14, 0.13))),
    ),
    PROBABILITY,
)
APPENDIX_CHARTS = (
    ChartSlide(
        title="Spend per user is higher in tier-1 cities",
        source_line="Source: Survey 2023, 2024.",
        notes="",
        kind="stacked_bar",
        categories=("Tier 1", "Tier 2", "Tier 3"),
        series=(("Low", (0.3, 0.4, 0.5)), ("Mid", (0.5, 0.4, 0.35)), ("High", (0.2, 0.2, 0.15))),
        value_range=(0, 1),
    ),
    ChartSlide(
        title="Mini Program users grew to 949 million",
        source_line="Source: Tencent.",
        notes="",
        kind="column",
        categories=("2019", "2020", "2021", "2022", "2023"),
        series=(("Monthly users (M)", (600.0, 700.0, 800.0, 900.0, 949.0)),),
        number_format=COUNT,
    ),
    POINTS_CHART,
)


def _make_spec(verdict: str = "GO", name: str = "Brand X", **changes) -> DeckSpec:
    """Return a storyline deck spec for brand ``name``: four questions, two appendix charts,
    13 long assumptions (two slides), and ``changes`` on top."""
    assumptions = tuple(
        (
            f"Conversion from a visit to a daily user, segment {i}",
            f"{i}% to {2 * i}%",
            "Analyst judgement from comparable launches in the category; no published figure. "
            * (1 + i % 3),
        )
        for i in range(1, N_ASSUMPTIONS + 1)
    )
    spec = DeckSpec(
        cover_title=f"Should {name} build a WeChat Mini Program?",
        cover_lines=("Go/no-go assessment for the management team", "March 2025"),
        verdict=verdict,
        headline=f"{name} should build a Mini Program and put its loyalty programme in it",
        probability_line="89% chance it wins the 1,600 daily users it needs, every gate passed",
        summary_points=(
            "Seven in ten users are women, and 25-30 year olds in tier-1 cities are the core.",
            "Half of users spend at most 500 RMB a month: the price sits in the mass band.",
            "Shared links bring a third of users, and the brand's community already shares.",
            "The package fits the 10 MB limit with room to spare.",
        ),
        questions=QUESTIONS,
        change_title="A lower conversion rate or fewer shared links would turn the answer",
        changes=(
            ("Conversion falls below 2%", "NO-GO"),
            ("Price rises above 1,000 RMB a month", "CONDITIONAL"),
            ("No shared-link campaign at launch", "CONDITIONAL at best"),
            ("Need drops to 800 daily users", "GO with more margin"),
        ),
        research=(
            ("Conversion rate", "Moves the chance of GO by 31 points across its range."),
            ("Daily users needed", "The figure is a guess; a sourced need halves the doubt."),
        ),
        recommendation_title="Build a lean Mini Program and review it at 90 days",
        recommendation_points=(
            "Test the conversion rate for two weeks before committing budget.",
            "Build the loyalty programme first; keep the package under 6 MB.",
            "Review daily users at 90 days against the 1,600 needed.",
        ),
        appendix_charts=APPENDIX_CHARTS,
        method_points=(
            "The verdict is the chance of winning the daily users needed with every gate passed.",
            "4,096 Sobol draws, seed 7; the tornado and value of information use the same draws.",
        ),
        assumptions=assumptions,
        sources=(("S1", "Tencent, Annual report 2024"), ("S2", "Survey 2024")),
        warning="Market figures are one to two years old; the verdict assumes they still hold.",
        notes="Lead with the answer.",
    )
    return dataclasses.replace(spec, **changes) if changes else spec


def _titles(spec: DeckSpec, pages: int) -> list[str]:
    """Return the slide titles the storyline of ``spec`` should have, in order, with the
    assumptions over ``pages`` slides."""
    return [
        spec.cover_title,
        spec.headline,
        *(q.title for q in spec.questions),
        spec.change_title,
        spec.recommendation_title,
        "Appendix",
        *(c.title for c in spec.appendix_charts),
        "How the verdict is computed",
        *(f"Assumptions ({k} of {pages})" for k in range(1, pages + 1)),
        "Sources",
    ]


def _save_png(path: Path, figsize: tuple[float, float], dpi: int) -> Path:
    """Return ``path`` after saving a small synthetic line chart there."""
    fig = Figure(figsize=figsize)
    ax = fig.subplots()
    ax.plot([0, 1, 2, 3], [0.2, 0.4, 0.35, 0.6], color="#0072B2")
    fig.savefig(path, dpi=dpi)
    return path


@pytest.fixture(scope="module")
def go_spec() -> DeckSpec:
    return _make_spec("GO", LONG_NAME)


@pytest.fixture(scope="module")
def nogo_spec() -> DeckSpec:
    return _make_spec("NO-GO", CHINESE_NAME, warning="")


@pytest.fixture(scope="module")
def go_path(tmp_path_factory: pytest.TempPathFactory, go_spec: DeckSpec) -> Path:
    return write_deck(go_spec, tmp_path_factory.mktemp("go") / "nested" / "go.pptx")


@pytest.fixture(scope="module")
def nogo_path(tmp_path_factory: pytest.TempPathFactory, nogo_spec: DeckSpec) -> Path:
    return write_deck(nogo_spec, tmp_path_factory.mktemp("nogo") / "nogo.pptx")


@pytest.fixture(scope="module")
def go(go_path: Path):
    return pptx.Presentation(str(go_path))


@pytest.fixture(scope="module")
def nogo(nogo_path: Path):
    return pptx.Presentation(str(nogo_path))


@pytest.fixture(scope="module")
def decks(go, nogo, go_spec, nogo_spec):
    """Both reopened decks with their specs."""
    return [(go, go_spec), (nogo, nogo_spec)]


@pytest.fixture(scope="module")
def png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _save_png(tmp_path_factory.mktemp("img") / "chart.png", (8, 3.5), 300)


def _by_name(slide, name: str):
    """Return the shape called ``name`` on ``slide``."""
    matches = [s for s in slide.shapes if s.name == name]
    assert len(matches) == 1, f"expected one shape {name!r}, got {[s.name for s in slide.shapes]}"
    return matches[0]


def _names(slide) -> list[str]:
    return [s.name for s in slide.shapes]


def _chart(slide):
    """Return the chart on ``slide``."""
    return next(s.chart for s in slide.shapes if s.has_chart)


def _chart_slides(prs, spec: DeckSpec) -> list[tuple[object, ChartSlide]]:
    """Return ``(slide, chart spec)`` of every question and appendix chart, by title."""
    by_title = {s.shapes.title.text_frame.text: s for s in prs.slides}
    return [(by_title[c.title], c) for c in (*spec.questions, *spec.appendix_charts)]


def _slide(prs, title: str):
    return next(s for s in prs.slides if s.shapes.title.text_frame.text == title)


def _runs(shape):
    return [r for p in shape.text_frame.paragraphs for r in p.runs]


# --- the storyline ----------------------------------------------------------------------------


def test_decks_reopen_at_16_by_9(decks):
    for prs, _ in decks:
        assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)


def test_slides_follow_the_storyline(decks):
    for prs, spec in decks:
        titles = [s.shapes.title.text_frame.text for s in prs.slides]
        pages = sum(t.startswith("Assumptions (") for t in titles)
        assert pages >= 2  # 13 long rows: continued over slides
        assert titles == _titles(spec, pages)


def test_cover_shows_the_question_lines_and_warning(go, go_spec):
    cover = go.slides[0]
    title = cover.shapes.title
    assert title.text_frame.text == go_spec.cover_title
    assert min(r.font.size.pt for r in _runs(title)) >= 24 and all(
        r.font.bold for r in _runs(title)
    )
    lines = _by_name(cover, "Cover lines")
    assert [p.text for p in lines.text_frame.paragraphs] == list(go_spec.cover_lines)
    assert lines.top >= title.top + title.height
    warning = _by_name(cover, "Warning")
    assert warning.text_frame.text == go_spec.warning
    assert warning.top >= lines.top + lines.height
    assert warning.fill.fore_color.rgb not in VERDICT_COLOURS.values()


def test_no_warning_box_without_a_warning(nogo):
    for slide in list(nogo.slides)[:2]:
        assert "Warning" not in _names(slide)


def test_every_slide_but_the_cover_carries_its_number(decks):
    for prs, _ in decks:
        assert NUMBER_SHAPE not in _names(prs.slides[0])
        for i, slide in enumerate(list(prs.slides)[1:], start=2):
            number = _by_name(slide, NUMBER_SHAPE)
            assert number.text_frame.text == str(i)
            assert all(r.font.size == Pt(10) for r in _runs(number))
            assert number.left + number.width == SLIDE_WIDTH - MARGIN  # bottom right
            assert number.top + number.height <= prs.slide_height
            assert number.top > prs.slide_height * 0.9


def test_executive_summary_answers_first(decks):
    for prs, spec in decks:
        slide = prs.slides[1]
        badge = _by_name(slide, "Verdict badge")
        assert badge.text_frame.text == spec.verdict
        assert badge.fill.fore_color.rgb == VERDICT_COLOURS[spec.verdict]
        probability = _by_name(slide, "Probability")
        assert probability.text_frame.text == spec.probability_line
        assert probability.top >= badge.top + badge.height  # under the badge
        assert min(r.font.size.pt for r in _runs(probability)) >= 16
        points = _by_name(slide, "Summary points").text_frame.paragraphs
        assert [p.text for p in points] == list(spec.summary_points)
        assert all(p._p.pPr.find(qn("a:buChar")) is not None for p in points)
        assert slide.notes_slide.notes_text_frame.text == spec.notes
        if spec.warning:
            warning = _by_name(slide, "Warning")
            assert warning.text_frame.text == spec.warning
            assert count_lines(spec.warning, _runs(warning)[0].font.size.pt, warning.width) == 1


@pytest.mark.parametrize("verdict", ["GO", "CONDITIONAL", "NO-GO"])
def test_verdict_badge_colour(verdict):
    slide = build_deck(_make_spec(verdict)).slides[1]
    badge = _by_name(slide, "Verdict badge")
    assert badge.fill.fore_color.rgb == VERDICT_COLOURS[verdict]
    assert badge.text_frame.text == verdict


def test_change_slide_colours_only_the_verdict_words(go, go_spec):
    slide = _slide(go, go_spec.change_title)
    table = _by_name(slide, "Changes table").table
    assert [c.text for c in table.rows[0].cells] == ["Change", "Leads to"]
    rows = [tuple(c.text for c in row.cells) for row in list(table.rows)[1:]]
    assert rows == list(go_spec.changes)
    for row in list(table.rows)[1:]:
        for run in (r for p in row.cells[0].text_frame.paragraphs for r in p.runs):
            assert run.font.color.rgb == TEXT
        runs = [r for p in row.cells[1].text_frame.paragraphs for r in p.runs]
        word = runs[0]
        assert word.text in VERDICT_COLOURS and word.font.bold
        assert word.font.color.rgb == VERDICT_COLOURS[word.text]
        assert all(r.font.color.rgb == TEXT for r in runs[1:])
        assert not any(r.font.color.rgb in VERDICT_COLOURS.values() for r in runs[1:])
    heading = _by_name(slide, "Research heading")
    assert heading.text_frame.text == "Research first"
    research = [p.text for p in _by_name(slide, "Research").text_frame.paragraphs]
    assert research == [x for row in go_spec.research for x in row]
    changes = _by_name(slide, "Changes table")
    assert changes.left + changes.width <= heading.left  # beside it


def test_recommendation_is_numbered(go, go_spec):
    slide = _slide(go, go_spec.recommendation_title)
    paragraphs = _by_name(slide, "Points").text_frame.paragraphs
    assert [p.text for p in paragraphs] == list(go_spec.recommendation_points)
    for p in paragraphs:
        assert p._p.pPr.find(qn("a:buAutoNum")).get("type") == "arabicPeriod"


def test_appendix_divider_and_method(go, go_spec):
    titles = [s.shapes.title.text_frame.text for s in go.slides]
    divider = go.slides[titles.index("Appendix")]
    assert titles.index("Appendix") == titles.index(go_spec.recommendation_title) + 1
    assert not any(s.has_chart or s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in divider.shapes)
    method = _slide(go, "How the verdict is computed")
    points = [p.text for p in _by_name(method, "Points").text_frame.paragraphs]
    assert points == list(go_spec.method_points)


def test_long_point_lists_continue_on_numbered_slides():
    steps = tuple(f"Step {i}: " + "check the figure with the brand's team " * 6 for i in range(12))
    spec = _make_spec(recommendation_points=steps, method_points=steps)
    prs = build_deck(spec)
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    pages = [t for t in titles if t.startswith(spec.recommendation_title)]
    assert len(pages) >= 2 and pages[0].endswith(f"(1 of {len(pages)})")
    assert any(t.startswith("How the verdict is computed (1 of ") for t in titles)
    shown = []
    for slide in prs.slides:
        if slide.shapes.title.text_frame.text in pages:
            paragraphs = _by_name(slide, "Points").text_frame.paragraphs
            # numbering runs on from the previous slide
            number = paragraphs[0]._p.pPr.find(qn("a:buAutoNum")).get("startAt", "1")
            assert int(number) == len(shown) + 1
            shown += [p.text for p in paragraphs]
    assert shown == list(steps)
    _check_text(prs)


def test_assumptions_split_over_slides(go, go_spec):
    slides = [s for s in go.slides if s.shapes.title.text_frame.text.startswith("Assumptions")]
    assert len(slides) >= 2
    rows = []
    for slide in slides:
        table = next(s for s in slide.shapes if s.has_table).table
        assert [c.text for c in table.rows[0].cells] == ["Assumption", "Range", "Rationale"]
        assert len(table.rows) - 1 <= 10
        rows += [tuple(c.text for c in row.cells) for row in list(table.rows)[1:]]
        assert _by_name(slide, "Footnote").text_frame.text.startswith("Analyst assumptions")
    assert rows == list(go_spec.assumptions)


def test_sources_table(go, go_spec):
    slide = go.slides[-1]
    assert slide.shapes.title.text_frame.text == "Sources"
    table = next(s for s in slide.shapes if s.has_table).table
    assert [c.text for c in table.rows[0].cells] == ["Source", "Citation"]
    assert [tuple(c.text for c in row.cells) for row in list(table.rows)[1:]] == list(
        go_spec.sources
    )


# --- charts -----------------------------------------------------------------------------------


def test_every_question_and_appendix_chart_is_native_with_alt_text(decks):
    for prs, spec in decks:
        for slide, chart in _chart_slides(prs, spec):
            frames = [s for s in slide.shapes if s.has_chart]
            assert len(frames) == 1, chart.title
            assert frames[0]._element.xpath("./*[1]/p:cNvPr/@descr") == [chart.title]
            assert _by_name(slide, SOURCE_SHAPE).text_frame.text == chart.source_line
            assert slide.notes_slide.notes_text_frame.text == chart.notes if chart.notes else True
        # none of the storyline's own parts is a picture
        assert not any(
            s.shape_type == MSO_SHAPE_TYPE.PICTURE for sl in prs.slides for s in sl.shapes
        )


def test_chart_slides_stack_title_key_chart_footnote(go, go_spec):
    for slide, chart in _chart_slides(go, go_spec):
        title, foot = slide.shapes.title, _by_name(slide, SOURCE_SHAPE)
        body = next(s for s in slide.shapes if s.has_chart)
        top = title.top + title.height
        if key_entries(chart):
            key = _by_name(slide, KEY_SHAPE)
            assert top <= key.top and key.top + key.height <= body.top
        assert top <= body.top and body.top + body.height <= foot.top
        assert all(r.font.size == Pt(10) for r in _runs(foot))


def test_chart_numbers_round_trip(go_path, go_spec):
    expected = [
        {
            "title": c.title,
            "source": c.source_line,
            "categories": c.categories,
            "groups": c.groups,
            "series": dict(c.series),
        }
        for c in (*go_spec.questions, *go_spec.appendix_charts)
    ]
    read = read_chart_series(go_path)
    assert [r["title"] for r in read] == [e["title"] for e in expected]
    for got, want in zip(read, expected, strict=True):
        assert got["categories"] == want["categories"] and got["groups"] == want["groups"]
        assert list(got["series"]) == list(want["series"])
        for name, values in want["series"].items():
            assert got["series"][name] == pytest.approx(values, abs=1e-12)


def test_value_range_fixes_the_value_axis(go, go_spec):
    for slide, chart in _chart_slides(go, go_spec):
        axis = _chart(slide).value_axis
        if chart.value_range is None:
            continue
        assert (axis.minimum_scale, axis.maximum_scale) == chart.value_range, chart.title
        steps = (chart.value_range[1] - chart.value_range[0]) / axis.major_unit
        assert steps == pytest.approx(round(steps)) and 3 <= round(steps) <= 10


def test_value_range_keeps_labels_inside_the_chart(go):
    g = plot_geometry(PROBABILITY, (0, 0, 11_000_000, 4_000_000))
    assert (g.lo, g.hi) == (0.0, 1.0)
    _, mid, high = (v for _, v in PROBABILITY.series)
    for m, h in zip(mid, high, strict=True):
        label_w = text_width_pt(PROBABILITY.number_format.text(m), 14)
        # the label starts just past its line and ends inside the chart's frame
        end = g.x + g.fraction(h) * g.w + (LABEL_PAD_PT + label_w) / g.width_pt
        assert end <= 1.0
    assert 0 < g.x and g.x + g.w < 1 and 0 < g.y and g.y + g.h < 1


def test_values_outside_the_value_range_are_refused():
    chart = dataclasses.replace(PROBABILITY, value_range=(0.0, 0.9))
    with pytest.raises(ValueError, match="outside value_range"):
        build_deck(_make_spec(questions=(chart,)))
    with pytest.raises(ValueError, match="low to high"):
        dataclasses.replace(PROBABILITY, value_range=(1.0, 0.0))


def test_charts_use_one_colour_per_meaning(go, go_spec):
    for slide, chart in _chart_slides(go, go_spec):
        plot = _chart(slide).plots[0]
        colours = [s.format.fill.fore_color.rgb for s in plot.series]
        if len(plot.series) > 1:
            assert colours == list(SERIES_COLOURS[: len(colours)])
            assert not set(colours) & {*VERDICT_COLOURS.values(), CONTEXT}
            continue
        series = plot.series[0]
        # highlighted bars are the brand's (blue), the others context (grey)
        assert colours == [CONTEXT if chart.highlight else PRIMARY], chart.title
        overridden = {int(i) for i in series._element.xpath("./c:dPt/c:idx/@val")}
        assert overridden == set(chart.highlight)
        for idx in chart.highlight:
            assert series.points[idx].format.fill.fore_color.rgb == PRIMARY
        for name in ("Divider", "Divider label"):
            for shape in (s for s in slide.shapes if s.name == name):
                colour = (
                    shape.line.color.rgb if name == "Divider" else _runs(shape)[0].font.color.rgb
                )
                assert colour == REFERENCE


def test_verdict_colours_appear_only_on_the_badge_and_verdict_words(decks):
    verdict_hex = {str(c): v for v, c in VERDICT_COLOURS.items()}
    for prs, spec in decks:
        for n, slide in enumerate(prs.slides):
            for shape in slide.shapes:
                for clr in shape._element.iter(qn("a:srgbClr")):
                    verdict = verdict_hex.get(clr.get("val"))
                    if verdict is None:
                        continue
                    where = f"slide {n}: {shape.name}"
                    if shape.name == "Verdict badge":
                        assert verdict == spec.verdict, where
                        continue
                    run = next(a for a in clr.iterancestors() if a.tag == qn("a:r"))
                    assert run.findtext(qn("a:t")) == verdict, where
                if getattr(shape, "has_chart", False):
                    xml = shape.chart.part.blob.decode().upper()
                    assert not any(h in xml for h in verdict_hex), f"slide {n}: chart"


def test_chart_key_lists_series_in_order_with_their_colours(go):
    slide = _slide(go, QUESTIONS[2].title)
    names = [name for name, _ in QUESTIONS[2].series]
    key = _by_name(slide, KEY_SHAPE)
    assert key.text_frame.text == "    ".join(f"{KEY_SWATCH} {n}" for n in names)
    swatches = [r.font.color.rgb for r in _runs(key) if r.text.strip() == KEY_SWATCH]
    assert swatches == list(SERIES_COLOURS[:2])


def test_chart_key_of_an_interval_chart_names_the_highlight_and_the_interval(go):
    key = _by_name(_slide(go, INTERVAL.title), KEY_SHAPE)
    assert key.text_frame.text.startswith(f"{KEY_SWATCH} the brand's target    {KEY_SWATCH} others")
    assert (
        "median" in key.text_frame.text
        and "90% interval" in key.text_frame.text
        and "p5" not in key.text_frame.text
    )
    swatches = [r.font.color.rgb for r in _runs(key) if r.text.strip() == KEY_SWATCH]
    assert swatches == [PRIMARY, CONTEXT]
    assert key_entries(dataclasses.replace(INTERVAL, highlight=()))[0][0] is None


def test_chart_key_names_no_others_when_every_bar_is_highlighted(go):
    """A chart whose bars are all the brand's (every touch point it uses) has no grey bars,
    so its key names none."""
    every = dataclasses.replace(INTERVAL, highlight=tuple(range(len(INTERVAL.categories))))
    assert [text for _, text in key_entries(every)][:1] == ["the brand's target"]
    assert (CONTEXT, "others") not in key_entries(every)
    assert (CONTEXT, "others") in key_entries(INTERVAL)


def test_interval_chart_draws_the_median_with_error_bars(go):
    chart = _chart(_slide(go, INTERVAL.title))
    plot = chart.plots[0]
    assert [s.name for s in plot.series] == ["median"]
    bars = plot.series[0]._element.xpath("./c:errBars")
    assert len(bars) == 1
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    assert bars[0].xpath("./c:errValType/@val", namespaces=ns) == ["cust"]
    low, mid, high = (v for _, v in INTERVAL.series)
    plus = [float(v) for v in bars[0].xpath("./c:plus/c:numLit/c:pt/c:v/text()", namespaces=ns)]
    minus = [float(v) for v in bars[0].xpath("./c:minus/c:numLit/c:pt/c:v/text()", namespaces=ns)]
    assert plus == pytest.approx([h - m for m, h in zip(mid, high, strict=True)])
    assert minus == pytest.approx([m - lo for lo, m in zip(low, mid, strict=True)])
    assert chart.value_axis.minimum_scale == 0
    assert chart.value_axis.maximum_scale >= max(high)


def test_grouped_categories_make_a_two_level_axis(go):
    categories = _chart(_slide(go, INTERVAL.title)).plots[0].categories
    assert categories.depth == 2
    assert categories.flattened_labels == tuple(
        zip(INTERVAL.groups, INTERVAL.categories, strict=True)
    )


def test_interval_labels_sit_past_the_end_of_their_lines(go):
    chart = _chart(_slide(go, INTERVAL.title))
    offsets = []
    for d_lbl in chart.plots[0].series[0]._element.xpath("./c:dLbls/c:dLbl"):
        x = d_lbl.xpath("./c:layout/c:manualLayout/c:x/@val")
        y = d_lbl.xpath("./c:layout/c:manualLayout/c:y/@val")
        offsets.append((float(x[0]), float(y[0])))
    _, mid, high = (v for _, v in INTERVAL.series)
    assert len(offsets) == len(mid)
    reach = [h - m for m, h in zip(mid, high, strict=True)]
    along = [x for x, _ in offsets]
    assert all(a > 0 for a in along) and all(y == 0 for _, y in offsets)
    order = sorted(range(len(reach)), key=reach.__getitem__)
    assert [along[i] for i in order] == sorted(along)
    d_lbls = chart.plots[0].series[0]._element.find(qn("c:dLbls"))
    assert d_lbls.find(qn("c:showLeaderLines")).get("val") == "0"


def test_horizontal_charts_read_top_down_with_the_value_axis_below(go, go_spec):
    for slide, spec in _chart_slides(go, go_spec):
        chart = _chart(slide)
        horizontal = spec.kind in ("bar", "stacked_bar", "interval_bar")
        assert chart.category_axis.reverse_order is horizontal
        crosses = chart.value_axis._element.xpath("./c:crosses/@val")
        assert crosses == (["max"] if horizontal else ["autoZero"])
        assert chart.category_axis._element.xpath("./c:tickLblSkip/@val") == ["1"]


def test_native_chart_style(go, go_spec):
    for slide, spec in _chart_slides(go, go_spec):
        chart = _chart(slide)
        assert not chart.has_legend and not chart.has_title
        assert chart.plots[0].has_data_labels
        assert chart.plots[0].data_labels.number_format == spec.number_format.excel
        axis_code = spec.number_format.axis_excel or spec.number_format.excel
        # the axis's own code, with only the decimals its step needs
        shown = chart.value_axis.tick_labels.number_format
        assert re.sub(r"\.0+", "", shown) == re.sub(r"\.0+", "", axis_code)
        assert chart.value_axis.has_major_gridlines


def _excel_ticks(axis, number_format) -> list[str]:
    """Return the value axis's tick labels as PowerPoint writes them with its code."""
    code = axis.tick_labels.number_format
    lo, hi, step = axis.minimum_scale, axis.maximum_scale, axis.major_unit
    ticks = [lo + k * step for k in range(round((hi - lo) / step) + 1)]
    plain = re.fullmatch(r"0(?:\.(0+))?(%?)", code)
    if not plain:
        assert code == (number_format.axis_excel or number_format.excel)
        return [number_format.text(t) for t in ticks]
    decimals, percent = len(plain[1] or ""), plain[2] == "%"
    return [f"{t * (100 if percent else 1):.{decimals}f}{plain[2]}" for t in ticks]


def test_value_axis_ticks_never_read_the_same(go, go_spec):
    for slide, spec in _chart_slides(go, go_spec):
        ticks = _excel_ticks(_chart(slide).value_axis, spec.number_format)
        assert len(set(ticks)) == len(ticks) >= 3, (spec.title, ticks)


@pytest.mark.parametrize(
    ("number_format", "values", "code"),
    [
        (POINTS, (4.15, 0.07, 0.0), "0"),
        (POINTS, (0.07, 0.03, 0.01), "0.00"),
        (SHARE, (0.009, 0.004, 0.001), "0.0%"),
        (SHARE, (0.012, 0.004, 0.001), "0.00%"),
        (SHARE, (0.0007, 0.0002, 0.0001), "0.00%"),
    ],
)
def test_small_values_get_ticks_that_read_apart(number_format, values, code):
    """Values far below one step of the format's whole numbers ('0%, 0%, 1%, 1%' before)
    take the decimals that tell their ticks apart."""
    chart = dataclasses.replace(POINTS_CHART, number_format=number_format, series=(("v", values),))
    prs = build_deck(_make_spec(appendix_charts=(chart,)))
    axis = _chart(_slide(prs, chart.title)).value_axis
    assert axis.tick_labels.number_format == code
    ticks = _excel_ticks(axis, number_format)
    assert len(set(ticks)) == len(ticks) >= 3, ticks
    assert axis.maximum_scale >= max(values)


def test_value_axis_says_what_the_values_are(go, go_spec):
    """Under a horizontal chart the axis title, one line read left to right; above a column
    chart a line of text (applications wrap a native title there into the labels)."""
    for slide, spec in _chart_slides(go, go_spec):
        chart, frame = _chart(slide), next(s for s in slide.shapes if s.has_chart)
        texts = [s for s in slide.shapes if s.name == AXIS_TITLE_SHAPE]
        if not spec.axis_label:
            assert not chart.value_axis.has_title and not texts
        elif spec.kind in ("bar", "stacked_bar", "interval_bar"):
            assert chart.value_axis.has_title and not texts
            title = chart.value_axis.axis_title
            assert title.text_frame.text == spec.axis_label
            body = title._element.find(qn("c:tx")).find(qn("c:rich")).find(qn("a:bodyPr"))
            assert (body.get("rot"), body.get("wrap")) == ("0", "none")
        else:
            assert not chart.value_axis.has_title
            (text,) = texts
            assert text.text_frame.text == spec.axis_label
            assert text.top + text.height <= frame.top and text.left == frame.left
    assert POINTS_CHART in go_spec.appendix_charts


def test_divider_is_drawn_between_its_categories(go):
    slide = _slide(go, INTERVAL.title)
    line, label = _by_name(slide, "Divider"), _by_name(slide, "Divider label")
    frame = next(s for s in slide.shapes if s.has_chart)
    assert label.text_frame.text == "tiers below"
    assert line.begin_y == line.end_y
    assert frame.top < line.begin_y < frame.top + frame.height
    assert frame.left <= line.begin_x < line.end_x <= frame.left + frame.width


def test_image_slide_fits_the_body_with_alt_text(png):
    image = ChartSlide("The tornado", "Model.", "", "image", image=png)
    prs = build_deck(_make_spec(appendix_charts=(image,)))
    slide = _slide(prs, "The tornado")
    pic = _by_name(slide, "Chart image")
    px_w, px_h = pptx.parts.image.Image.from_file(str(png)).size
    assert pic.width / pic.height == pytest.approx(px_w / px_h, rel=1e-3)
    assert pic._element.xpath("./*[1]/p:cNvPr/@descr") == ["The tornado"]


def test_low_resolution_image_warns(tmp_path):
    small = _save_png(tmp_path / "small.png", (2, 1), 50)
    image = ChartSlide("Small", "S1", "", "image", image=small)
    with pytest.warns(UserWarning, match="px per inch"):
        build_deck(_make_spec(appendix_charts=(image,)))


def test_missing_image_raises(tmp_path):
    image = ChartSlide("Gone", "S1", "", "image", image=tmp_path / "missing.png")
    with pytest.raises(FileNotFoundError, match="missing.png"):
        build_deck(_make_spec(appendix_charts=(image,)))


# --- text fits its box ------------------------------------------------------------------------


def _text_frames(slide):
    """Yield ``(where, text_frame, width, height)`` for every text frame on ``slide``."""
    for shape in slide.shapes:
        if shape.has_text_frame:
            yield shape.name, shape.text_frame, shape.width, shape.height
        if getattr(shape, "has_table", False):
            table = shape.table
            for i, row in enumerate(table.rows):
                for j, cell in enumerate(row.cells):
                    yield (
                        f"{shape.name}[{i},{j}]",
                        cell.text_frame,
                        table.columns[j].width,
                        row.height,
                    )


def _check_text(prs) -> None:
    """Assert no text frame is empty and every text fits its box at its own font size."""
    for n, slide in enumerate(prs.slides):
        for where, frame, width, height in _text_frames(slide):
            assert frame.text.strip(), f"slide {n}: {where} is empty"
            lines, needed = 0, 0
            for para in frame.paragraphs:
                sizes = [r.font.size.pt for r in para.runs if r.font.size is not None]
                assert sizes, f"slide {n}: {where} has text without a set size"
                para_lines = count_lines(para.text, max(sizes), width)
                lines += para_lines
                needed += para_lines * max(sizes) * 1.2 * 12700
            assert needed <= height, (
                f"slide {n}: {where} needs {lines} lines ({needed / 914400:.2f} in) "
                f"in a {height / 914400:.2f} in box: {frame.text[:60]!r}"
            )


def test_every_text_fits_its_box(decks):
    for prs, _ in decks:
        _check_text(prs)


def test_body_text_is_at_least_14_pt(decks):
    small = {SOURCE_SHAPE, NUMBER_SHAPE, "Footnote"}
    for prs, _ in decks:
        for n, slide in enumerate(prs.slides):
            for where, frame, _, _ in _text_frames(slide):
                if where in small:
                    continue
                sizes = [r.font.size.pt for p in frame.paragraphs for r in p.runs]
                assert min(sizes) >= 14, f"slide {n}: {where} at {min(sizes)} pt"


def test_nothing_leaves_the_slide_or_overlaps(decks):
    allowed = {frozenset(p) for p in (("Chart", "Divider"), ("Chart", "Divider label"))}
    allowed.add(frozenset(("Divider", "Divider label")))
    for prs, _ in decks:
        for n, slide in enumerate(prs.slides):
            shapes = list(slide.shapes)
            for shape in shapes:
                assert shape.left >= 0 and shape.top >= 0, (n, shape.name)
                assert shape.left + shape.width <= prs.slide_width, (n, shape.name)
                assert shape.top + shape.height <= prs.slide_height, (n, shape.name)
            for i, a in enumerate(shapes):
                for b in shapes[i + 1 :]:
                    if frozenset((a.name, b.name)) in allowed:
                        continue
                    apart = (
                        a.left + a.width <= b.left
                        or b.left + b.width <= a.left
                        or a.top + a.height <= b.top
                        or b.top + b.height <= a.top
                    )
                    assert apart, f"slide {n}: {a.name} overlaps {b.name}"


def test_titles_fit_at_a_readable_size(decks):
    for prs, _ in decks:
        for i, slide in enumerate(list(prs.slides)[1:], start=1):
            title = slide.shapes.title
            size = min(r.font.size.pt for r in _runs(title))
            assert size >= min(TITLE_SIZES_PT), i
            assert title.text_frame.word_wrap is True
            if slide.shapes.title.text_frame.text in {q.title for q in QUESTIONS}:
                assert count_lines(title.text_frame.text, size, title.width) <= 2, i


def test_long_title_shrinks_and_wraps_without_truncation():
    long_title = " ".join(["Mini Programs reach more young urban shoppers than apps"] * 3)
    chart = ChartSlide(long_title, "S1", "", "column", ("a", "b"), (("s", (0.1, 0.2)),))
    title = _slide(build_deck(_make_spec(questions=(chart,))), long_title).shapes.title
    sizes = {r.font.size for r in _runs(title)}
    assert title.text_frame.text == long_title
    assert sizes and all(Pt(20) <= s < Pt(28) for s in sizes)


@pytest.mark.parametrize(
    "changes",
    [
        {"questions": (ChartSlide("word " * 500, "S1", "", "column", ("a",), (("s", (0.1,)),)),)},
        {"summary_points": ("A reason that goes on and on. " * 40,) * 4},
        {"cover_title": "Should " + "a brand with a long name " * 40 + "build it?"},
        {"changes": (("A change described at great length. " * 8, "GO"),) * 8},
    ],
    ids=["chart title", "summary points", "cover title", "changes"],
)
def test_text_too_long_to_fit_raises(changes):
    with pytest.raises(ValueError, match="shorten"):
        build_deck(_make_spec(**changes))


# --- specs ------------------------------------------------------------------------------------


def test_specs_are_frozen(go_spec):
    with pytest.raises(dataclasses.FrozenInstanceError):
        go_spec.verdict = "GO"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        go_spec.questions[0].title = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "pie"}, "kind"),
        ({"series": (("s", (0.1,)),)}, "1 values for 2 categories"),
        ({"highlight": (5,)}, "outside"),
        ({"series": (("a", (0.1, 0.2)), ("b", (0.3, 0.4))), "highlight": (0,)}, "single-series"),
        ({"series": (("s", (0.1, float("nan"))),)}, "non-finite"),
        ({"source_line": " "}, "source_line"),
        ({"kind": "image"}, "image"),
        ({"number_format": "0%"}, "NumberFormat"),
        (
            {"kind": "image", "image": "x.png", "categories": (), "series": (), "axis_label": "a"},
            "axis_label",
        ),
    ],
)
def test_chart_slide_rejects_bad_specs(kwargs, message):
    base = {
        "title": "T",
        "source_line": "S1",
        "notes": "",
        "kind": "column",
        "categories": ("a", "b"),
        "series": (("s", (0.1, 0.2)),),
        "number_format": SHARE,
    }
    with pytest.raises(ValueError, match=message):
        ChartSlide(**(base | kwargs))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"series": (("low", (0.1,) * 6), ("median", (0.2,) * 6), ("p95", (0.3,) * 6))}, "p5"),
        ({"series": (("p5", (0.3,) * 6), ("median", (0.2,) * 6), ("p95", (0.4,) * 6))}, "outside"),
        ({"series": (("p5", (-0.1,) * 6), ("median", (0.2,) * 6), ("p95", (0.4,) * 6))}, "non-neg"),
        ({"groups": ("A", "B", "A", "A", "C", "C")}, "contiguous"),
        ({"groups": ("A", "B")}, "one group label per category"),
        ({"dividers": ((0, "x"),)}, "between two categories"),
        ({"dividers": ((6, "x"),)}, "between two categories"),
        ({"log_scale": True, "series": (("p5", (0.0,) * 6),) + INTERVAL.series[1:]}, "positive"),
    ],
)
def test_interval_chart_rejects_bad_specs(changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(INTERVAL, **changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"verdict": "MAYBE"}, "verdict"),
        ({"headline": " "}, "headline"),
        ({"summary_points": ()}, "summary_points"),
        ({"changes": (("only one cell",),)}, "changes row 0"),
        ({"questions": ("not a chart",)}, "questions"),
    ],
)
def test_deck_spec_rejects_bad_specs(changes, message):
    with pytest.raises(ValueError, match=message):
        _make_spec(**changes)


def test_the_deck_loads_neither_matplotlib_nor_the_chart_style():
    code = (
        "import sys, research.present.deck; "
        "print(sorted(m for m in sys.modules "
        "if m.startswith('matplotlib') or m == 'research.present.style'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- writing ----------------------------------------------------------------------------------


def test_write_replaces_existing_file_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "deck.pptx"
    write_deck(_make_spec(name="Brand A"), target)
    write_deck(_make_spec(name="Brand B"), target)
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]
    title = pptx.Presentation(str(target)).slides[0].shapes.title.text_frame.text
    assert "Brand B" in title


def test_failed_save_leaves_previous_file_untouched(tmp_path, monkeypatch):
    target = write_deck(_make_spec(), tmp_path / "deck.pptx")
    before = target.read_bytes()

    def fail(self, file):
        file.write(b"half a deck")
        raise OSError("disk full")

    monkeypatch.setattr(pptx.presentation.Presentation, "save", fail)
    with pytest.raises(OSError, match="disk full"):
        write_deck(_make_spec(name="Brand B"), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]


def test_write_rejects_other_suffixes(tmp_path):
    with pytest.raises(ValueError, match=".pptx"):
        write_deck(_make_spec(), tmp_path / "deck.pdf")


# --- rendered by LibreOffice ------------------------------------------------------------------


def _to_pdfs(paths: list[Path], out_dir: Path) -> list[Path]:
    """Return the PDFs LibreOffice makes of ``paths`` in one run (own profile, so runs never
    clash)."""
    profile = (out_dir / "lo-profile").resolve().as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *(str(p) for p in paths),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdfs = [out_dir / f"{p.stem}.pdf" for p in paths]
    for pdf in pdfs:
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), f"no PDF {pdf.name}"
    return pdfs


def _pdf_pages(pdf: Path) -> int:
    """Return the number of pages of ``pdf``."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


@pytest.mark.skipif(shutil.which("soffice") is None, reason=NO_SOFFICE)
def test_decks_convert_to_pdf_one_page_per_slide_with_every_title_whole(
    go_path, nogo_path, decks, tmp_path
):
    pdfs = _to_pdfs([go_path, nogo_path], tmp_path)
    for pdf, (prs, _) in zip(pdfs, decks, strict=True):
        assert _pdf_pages(pdf) == len(prs.slides)
        if shutil.which("pdftotext") is None:
            continue  # page count checked only: pdftotext (poppler-utils) is not on PATH
        for i, slide in enumerate(prs.slides, start=1):
            page = subprocess.run(
                ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            title = slide.shapes.title.text_frame.text
            # compared without whitespace: wrapped lines and CJK line breaks add spaces
            assert "".join(title.split()) in "".join(page.split()), (
                f"{pdf.name} page {i}: title {title!r} not found whole"
            )


def test_probability_labels_never_read_0_or_100_percent(go_path):
    """The chance chart's labels use '<1%' and '>99%' (their '<' survives python-pptx's XML)
    while its axis ticks read plain 0% to 100%."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(go_path) as z:
        charts = [
            etree.fromstring(z.read(n)) for n in z.namelist() if n.startswith("ppt/charts/chart")
        ]
    codes = {
        el.text or el.get("formatCode")
        for tree in charts
        for el in tree.iter(qn("c:formatCode"), qn("c:numFmt"))
    }
    assert CHANCE.excel in codes and "0%" in codes
    assert CHANCE.text(0.001) == "<1%" and CHANCE.text(0.999) == ">99%"
    assert SHARE.text(0.004) == "0.4%" and SHARE.text(0.0001) == "<0.1%"


def test_a_chinese_name_is_set_in_a_chinese_face(go_path: Path):
    """The theme names an East Asian font (PowerPoint uses it for Chinese characters), so
    a Chinese brand name is not left to whatever face each machine falls back to."""
    import zipfile

    with zipfile.ZipFile(go_path) as z:
        theme = z.read("ppt/theme/theme1.xml").decode()
    assert theme.count('<a:ea typeface="Microsoft YaHei"/>') == 2, "major and minor fonts"
