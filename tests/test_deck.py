"""Tests for research.present.deck: layout, house style, round-tripped numbers and atomic writes."""

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

from research.formats import COUNT
from research.present.deck import (
    ACCENT,
    KEY_SHAPE,
    KEY_SWATCH,
    PRIMARY,
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

N_ASSUMPTIONS = 12
#: title + summary + 3 charts + 2 assumptions slides (12 rows, at most 10 a slide) + sources.
N_SLIDES = 1 + 1 + 3 + 2 + 1
CHART_SLIDES = slice(2, 5)


def _save_png(path: Path, figsize: tuple[float, float], dpi: int) -> Path:
    """Return ``path`` after saving a small synthetic line chart there."""
    fig = Figure(figsize=figsize)
    ax = fig.subplots()
    ax.plot([0, 1, 2, 3], [0.2, 0.4, 0.35, 0.6], color="#0072B2")
    ax.set_title("Synthetic")
    fig.savefig(path, dpi=dpi)
    return path


def _make_spec(png: Path, verdict: str = "CONDITIONAL", title: str = "Brand X") -> DeckSpec:
    """Return a deck spec with two native charts, one image chart and 12 assumptions."""
    charts = (
        ChartSlide(
            title="Two in three users open a Mini Program daily, more than any other channel",
            source_line="Source: S1 Tencent annual report 2024; S3 QuestMobile 2023.",
            notes="Reach is the strongest argument: lead with it.",
            kind="bar",
            categories=("Mini Programs", "Official accounts", "Channels", "Search"),
            series=(("Daily reach", (0.66, 0.41, 0.27, 0.125)),),
            highlight=(0, 2),
        ),
        ChartSlide(
            title="Spend per user is higher in tier-1 cities in both years",
            source_line="Source: S2 (2023, 2024). Tier split is an analyst assumption.",
            notes="Spend notes.",
            kind="column",
            categories=("Tier 1", "Tier 2", "Tier 3"),
            series=(("2023", (310.5, 220.0, 150.25)), ("2024", (335.0, 240.75, 160.0))),
            number_format=COUNT,
        ),
        ChartSlide(
            title="The verdict is most sensitive to the conversion rate",
            source_line="Model output, 10,000 draws; inputs from S1-S3 and assumptions A1-A12.",
            notes="Tornado chart notes.",
            kind="image",
            image=png,
        ),
    )
    assumptions = tuple(
        (f"Assumption {i}", f"{i}% to {2 * i}%", f"Rationale {i}: analyst judgement.")
        for i in range(1, N_ASSUMPTIONS + 1)
    )
    return DeckSpec(
        title=f"Should {title} build a WeChat Mini Program?",
        subtitle="Market assessment, illustrative data",
        verdict=verdict,
        p_go=0.62,
        verdict_line="Build it if the loyalty programme moves into the Mini Program.",
        reasons=("Reach is large", "Spend is high in tier 1", "Costs are moderate", "Fourth"),
        charts=charts,
        assumptions=assumptions,
        sources=(("S1", "Tencent, Annual report 2024"), ("S2", "Survey 2024")),
        summary_notes="Summary notes.",
    )


@pytest.fixture(scope="module")
def png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _save_png(tmp_path_factory.mktemp("img") / "chart.png", (8, 3.5), 300)


@pytest.fixture(scope="module")
def spec(png: Path) -> DeckSpec:
    return _make_spec(png)


@pytest.fixture(scope="module")
def deck_path(tmp_path_factory: pytest.TempPathFactory, spec: DeckSpec) -> Path:
    return write_deck(spec, tmp_path_factory.mktemp("deck") / "nested" / "deck.pptx")


@pytest.fixture(scope="module")
def deck(deck_path: Path) -> pptx.presentation.Presentation:
    return pptx.Presentation(str(deck_path))


def _by_name(slide, name: str):
    """Return the shape called ``name`` on ``slide``."""
    matches = [s for s in slide.shapes if s.name == name]
    assert len(matches) == 1, f"expected one shape {name!r}, got {[s.name for s in slide.shapes]}"
    return matches[0]


def _chart(slide):
    """Return the chart on ``slide``."""
    return next(s.chart for s in slide.shapes if s.has_chart)


# --- layout -----------------------------------------------------------------------------------


def test_deck_is_16_by_9(deck):
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)


def test_slide_count(deck):
    assert len(deck.slides) == N_SLIDES


def test_every_slide_has_a_title(deck):
    for i, slide in enumerate(deck.slides):
        assert slide.shapes.title is not None, f"slide {i} has no title"
        assert slide.shapes.title.text_frame.text.strip(), f"slide {i} has an empty title"


def test_nothing_leaves_the_slide(deck):
    for i, slide in enumerate(deck.slides):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (i, shape.name)
            assert shape.left + shape.width <= deck.slide_width, (i, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (i, shape.name)


def test_chart_slides_stack_title_body_footnote(deck, spec):
    for slide, chart in zip(list(deck.slides)[CHART_SLIDES], spec.charts, strict=True):
        title = slide.shapes.title
        foot = _by_name(slide, SOURCE_SHAPE)
        body = next(
            s for s in slide.shapes if s.has_chart or s.shape_type == MSO_SHAPE_TYPE.PICTURE
        )
        assert title.text_frame.text == chart.title
        assert title.top + title.height <= body.top
        assert body.top + body.height <= foot.top
        assert foot.text_frame.text == chart.source_line
        assert all(r.font.size == Pt(10) for p in foot.text_frame.paragraphs for r in p.runs)


def test_titles_use_the_house_font(deck):
    slide = deck.slides[2]
    runs = [r for p in slide.shapes.title.text_frame.paragraphs for r in p.runs]
    assert runs and all(r.font.name == "Calibri" and r.font.size == Pt(28) for r in runs)


def test_long_title_shrinks_and_wraps_without_truncation(png):
    long_title = " ".join(["Mini Programs reach more young urban shoppers than apps"] * 3)
    slide_spec = ChartSlide(
        long_title, "S1", "", "column", ("a", "b"), (("s", (0.1, 0.2)),), image=None
    )
    spec = dataclasses.replace(_make_spec(png), charts=(slide_spec,))
    title = build_deck(spec).slides[2].shapes.title
    sizes = {r.font.size for p in title.text_frame.paragraphs for r in p.runs}
    assert title.text_frame.text == long_title
    assert title.text_frame.word_wrap is True
    assert sizes and all(Pt(20) <= s < Pt(28) for s in sizes)


def test_text_too_long_to_fit_raises(png):
    slide_spec = ChartSlide("word " * 500, "S1", "", "column", ("a",), (("s", (0.1,)),))
    with pytest.raises(ValueError, match="shorten"):
        build_deck(dataclasses.replace(_make_spec(png), charts=(slide_spec,)))


# --- charts -----------------------------------------------------------------------------------


def test_chart_numbers_round_trip(deck_path, spec):
    read = read_chart_series(deck_path)
    expected = [
        {
            "title": c.title,
            "source": c.source_line,
            "categories": c.categories,
            "groups": c.groups,
            "series": dict(c.series),
        }
        for c in spec.charts
    ]
    assert read == expected


def test_speaker_notes_hold_the_notes(deck, spec):
    for slide, chart in zip(list(deck.slides)[CHART_SLIDES], spec.charts, strict=True):
        assert slide.has_notes_slide
        assert slide.notes_slide.notes_text_frame.text == chart.notes


def test_highlighted_bars_take_the_accent_colour(deck, spec):
    series = _chart(deck.slides[2]).plots[0].series[0]
    assert series.format.fill.fore_color.rgb == PRIMARY
    overridden = {int(i) for i in series._element.xpath("./c:dPt/c:idx/@val")}
    assert overridden == set(spec.charts[0].highlight)
    for idx in spec.charts[0].highlight:
        assert series.points[idx].format.fill.fore_color.rgb == ACCENT


def test_native_chart_style(deck, spec):
    single, multi = _chart(deck.slides[2]), _chart(deck.slides[3])
    # No native legend: PowerPoint and LibreOffice list a bar chart's legend in opposite
    # orders, so a key above the chart names the series instead (see test_chart_key_*).
    assert not single.has_legend and not multi.has_legend
    for chart, chart_spec in ((single, spec.charts[0]), (multi, spec.charts[1])):
        plot = chart.plots[0]
        assert plot.has_data_labels
        assert plot.data_labels.number_format == chart_spec.number_format.excel
        assert chart.value_axis.tick_labels.number_format == chart_spec.number_format.excel
        assert chart.value_axis.has_major_gridlines
        assert chart.value_axis.major_gridlines.format.line.color.rgb == pptx.dml.color.RGBColor(
            0xD9, 0xD9, 0xD9
        )
    colours = [s.format.fill.fore_color.rgb for s in multi.plots[0].series]
    assert colours[0] == PRIMARY and colours[1] == ACCENT


def test_stacked_bar_builds(png):
    stacked = ChartSlide(
        "Most spend is mid-range",
        "S2",
        "",
        "stacked_bar",
        ("2023", "2024"),
        (("Low", (0.3, 0.25)), ("Mid", (0.5, 0.5)), ("High", (0.2, 0.25))),
    )
    prs = build_deck(dataclasses.replace(_make_spec(png), charts=(stacked,)))
    chart = _chart(prs.slides[2])
    assert chart.chart_type == pptx.enum.chart.XL_CHART_TYPE.BAR_STACKED
    assert [s.values for s in chart.plots[0].series] == [v for _, v in stacked.series]


def test_image_fits_the_body_keeping_its_aspect_ratio(deck, png):
    slide = deck.slides[4]
    pic = _by_name(slide, "Chart image")
    px_w, px_h = pptx.parts.image.Image.from_file(str(png)).size
    assert pic.width / pic.height == pytest.approx(px_w / px_h, rel=1e-3)
    title, foot = slide.shapes.title, _by_name(slide, SOURCE_SHAPE)
    body_height = foot.top - (title.top + title.height)
    body_width = deck.slide_width - 2 * title.left
    # As large as fits: it fills the body in one direction.
    assert pic.width == pytest.approx(body_width, rel=0.01) or pic.height == pytest.approx(
        body_height, rel=0.1
    )


def test_low_resolution_image_warns(tmp_path, png):
    small = _save_png(tmp_path / "small.png", (2, 1), 50)
    slide_spec = ChartSlide("Small", "S1", "", "image", image=small)
    with pytest.warns(UserWarning, match="px per inch"):
        build_deck(dataclasses.replace(_make_spec(png), charts=(slide_spec,)))


def test_missing_image_raises(tmp_path, png):
    slide_spec = ChartSlide("Gone", "S1", "", "image", image=tmp_path / "missing.png")
    with pytest.raises(FileNotFoundError, match="missing.png"):
        build_deck(dataclasses.replace(_make_spec(png), charts=(slide_spec,)))


# --- summary and tables -----------------------------------------------------------------------


def test_exec_summary_holds_verdict_p_go_and_three_reasons(deck, spec):
    slide = deck.slides[1]
    assert _by_name(slide, "Verdict badge").text_frame.text == spec.verdict
    assert "62%" in _by_name(slide, "P(GO)").text_frame.text
    assert _by_name(slide, "Verdict line").text_frame.text == spec.verdict_line
    reasons = [p.text for p in _by_name(slide, "Reasons").text_frame.paragraphs]
    assert reasons == list(spec.reasons[:3])
    notes = slide.notes_slide.notes_text_frame.text
    assert spec.summary_notes in notes and spec.reasons[3] in notes


@pytest.mark.parametrize("verdict", ["GO", "CONDITIONAL", "NO-GO"])
def test_verdict_badge_colour(png, verdict):
    slide = build_deck(_make_spec(png, verdict=verdict)).slides[1]
    badge = _by_name(slide, "Verdict badge")
    assert badge.fill.fore_color.rgb == VERDICT_COLOURS[verdict]
    assert badge.text_frame.text == verdict


def test_assumptions_split_over_slides(deck, spec):
    slides = list(deck.slides)[5:7]
    titles = [s.shapes.title.text_frame.text for s in slides]
    assert titles == ["Analyst assumptions (1 of 2)", "Analyst assumptions (2 of 2)"]
    rows = []
    for slide in slides:
        table = next(s for s in slide.shapes if s.has_table).table
        assert [c.text for c in table.rows[0].cells] == ["Assumption", "Range", "Rationale"]
        assert len(table.rows) - 1 <= 10
        rows += [tuple(c.text for c in row.cells) for row in list(table.rows)[1:]]
    assert rows == list(spec.assumptions)


def test_sources_table(deck, spec):
    slide = deck.slides[-1]
    assert slide.shapes.title.text_frame.text == "Sources"
    table = next(s for s in slide.shapes if s.has_table).table
    assert [tuple(c.text for c in row.cells) for row in list(table.rows)[1:]] == list(spec.sources)


# --- specs ------------------------------------------------------------------------------------


def test_specs_are_frozen(spec):
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.verdict = "GO"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.charts[0].title = "x"  # type: ignore[misc]


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
    }
    with pytest.raises(ValueError, match=message):
        ChartSlide(**(base | kwargs))


def test_chart_slide_takes_a_number_format_not_an_excel_code():
    with pytest.raises(ValueError, match="NumberFormat"):
        ChartSlide("T", "S1", "", "column", ("a",), (("s", (0.1,)),), number_format="0%")


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


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"verdict": "MAYBE"}, "verdict"), ({"p_go": 1.5}, "p_go"), ({"reasons": ()}, "reasons")],
)
def test_deck_spec_rejects_bad_specs(png, changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(_make_spec(png), **changes)


# --- writing ----------------------------------------------------------------------------------


def test_write_replaces_existing_file_and_leaves_no_temp_files(tmp_path, png):
    target = tmp_path / "deck.pptx"
    write_deck(_make_spec(png, title="Brand A"), target)
    write_deck(_make_spec(png, title="Brand B"), target)
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]
    title = pptx.Presentation(str(target)).slides[0].shapes.title.text_frame.text
    assert "Brand B" in title


def test_failed_save_leaves_previous_file_untouched(tmp_path, png, monkeypatch):
    target = write_deck(_make_spec(png), tmp_path / "deck.pptx")
    before = target.read_bytes()

    def fail(self, file):
        file.write(b"half a deck")
        raise OSError("disk full")

    monkeypatch.setattr(pptx.presentation.Presentation, "save", fail)
    with pytest.raises(OSError, match="disk full"):
        write_deck(_make_spec(png, title="Brand B"), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]


def test_write_rejects_other_suffixes(tmp_path, png):
    with pytest.raises(ValueError, match=".pptx"):
        write_deck(_make_spec(png), tmp_path / "deck.pdf")


NO_SOFFICE = "LibreOffice (soffice) is not on PATH; install libreoffice-impress to check PDFs"


def _to_pdf(deck_path: Path, out_dir: Path) -> Path:
    """Return the PDF LibreOffice makes of ``deck_path`` (own profile, so runs never clash)."""
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
            str(deck_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out_dir / f"{deck_path.stem}.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), f"no PDF from {deck_path}"
    return pdf


def _pdf_pages(pdf: Path) -> int:
    """Return the number of pages of ``pdf``."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


@pytest.mark.skipif(shutil.which("soffice") is None, reason=NO_SOFFICE)
def test_deck_converts_to_pdf_one_page_per_slide(deck_path, deck, tmp_path):
    pdf = _to_pdf(deck_path, tmp_path)
    assert _pdf_pages(pdf) == len(deck.slides)


# --- interval charts, groups, keys and dividers -------------------------------------------------

#: An interval chart: three groups, the second category highlighted, a divider before "Tier 1".
INTERVAL = ChartSlide(
    title="Women are seven in ten users",
    source_line="Sources: S1. Assumed: none.",
    notes="Interval notes.",
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
)


@pytest.fixture(scope="module")
def interval_deck(tmp_path_factory: pytest.TempPathFactory, png: Path) -> Path:
    column = dataclasses.replace(
        INTERVAL, kind="interval_column", groups=(), dividers=(), title="Columns too"
    )
    spec = dataclasses.replace(_make_spec(png), charts=(INTERVAL, column))
    return write_deck(spec, tmp_path_factory.mktemp("interval") / "deck.pptx")


def _manual_layouts(series) -> list[tuple[float, float]]:
    """Return the (x, y) manual offsets of a series' data labels, by point."""
    out = []
    for d_lbl in series._element.xpath("./c:dLbls/c:dLbl"):
        x = d_lbl.xpath("./c:layout/c:manualLayout/c:x/@val")
        y = d_lbl.xpath("./c:layout/c:manualLayout/c:y/@val")
        out.append((float(x[0]), float(y[0])))
    return out


def test_interval_chart_draws_the_median_with_error_bars(interval_deck):
    chart = _chart(pptx.Presentation(str(interval_deck)).slides[2])
    plot = chart.plots[0]
    assert [s.name for s in plot.series] == ["median"]
    bars = plot.series[0]._element.xpath("./c:errBars")
    assert len(bars) == 1
    ns = {"c": bars[0].nsmap.get("c", "http://schemas.openxmlformats.org/drawingml/2006/chart")}
    assert bars[0].xpath("./c:errValType/@val", namespaces=ns) == ["cust"]
    low, mid, high = (v for _, v in INTERVAL.series)
    plus = [float(v) for v in bars[0].xpath("./c:plus/c:numLit/c:pt/c:v/text()", namespaces=ns)]
    minus = [float(v) for v in bars[0].xpath("./c:minus/c:numLit/c:pt/c:v/text()", namespaces=ns)]
    assert plus == pytest.approx([h - m for m, h in zip(mid, high, strict=True)])
    assert minus == pytest.approx([m - lo for lo, m in zip(low, mid, strict=True)])
    assert chart.value_axis.minimum_scale == 0
    assert chart.value_axis.maximum_scale >= max(high)


def test_interval_chart_round_trips_all_three_series_and_groups(interval_deck):
    horizontal, column = read_chart_series(interval_deck)
    for read in (horizontal, column):
        assert read["categories"] == INTERVAL.categories
        assert list(read["series"]) == ["p5", "median", "p95"]
        for name, values in INTERVAL.series:
            assert read["series"][name] == pytest.approx(values, abs=1e-12)
    assert horizontal["groups"] == INTERVAL.groups
    assert column["groups"] == ()


def test_grouped_categories_make_a_two_level_axis(interval_deck):
    chart = _chart(pptx.Presentation(str(interval_deck)).slides[2])
    categories = chart.plots[0].categories
    assert categories.depth == 2
    assert categories.flattened_labels == tuple(
        zip(INTERVAL.groups, INTERVAL.categories, strict=True)
    )


def test_interval_labels_sit_past_the_end_of_their_lines(interval_deck):
    slides = pptx.Presentation(str(interval_deck)).slides
    low, mid, high = (v for _, v in INTERVAL.series)
    for slide, horizontal in ((slides[2], True), (slides[3], False)):
        chart = _chart(slide)
        offsets = _manual_layouts(chart.plots[0].series[0])
        assert len(offsets) == len(mid)
        # the longer the line beyond the bar, the further its label moves out
        reach = [h - m for m, h in zip(mid, high, strict=True)]
        along = [x if horizontal else -y for x, y in offsets]
        across = [y if horizontal else x for x, y in offsets]
        assert all(a > 0 for a in along) and all(c == 0 for c in across)
        order = sorted(range(len(reach)), key=reach.__getitem__)
        assert [along[i] for i in order] == sorted(along)
        # leader lines from a moved label back to its bar are switched off
        d_lbls = chart.plots[0].series[0]._element.find(qn("c:dLbls"))
        assert d_lbls.find(qn("c:showLeaderLines")).get("val") == "0"


def test_plot_area_is_placed_inside_the_chart(interval_deck):
    for slide in list(pptx.Presentation(str(interval_deck)).slides)[2:4]:
        chart = _chart(slide)
        layout = chart._chartSpace.xpath("c:chart/c:plotArea/c:layout/c:manualLayout")[0]
        x, y, w, h = (float(layout.find(qn(f"c:{k}")).get("val")) for k in "xywh")
        assert 0 < x and 0 < y and 0.4 < w and 0.4 < h
        assert x + w < 1 and y + h < 1


def test_horizontal_charts_read_top_down_with_the_value_axis_below(deck, interval_deck):
    charts = [
        (_chart(deck.slides[2]), True),
        (_chart(deck.slides[3]), False),
        (_chart(pptx.Presentation(str(interval_deck)).slides[2]), True),
        (_chart(pptx.Presentation(str(interval_deck)).slides[3]), False),
    ]
    for chart, horizontal in charts:
        assert chart.category_axis.reverse_order is horizontal
        crosses = chart.value_axis._element.xpath("./c:crosses/@val")
        assert crosses == (["max"] if horizontal else ["autoZero"])
        # every category label is shown, none skipped to save room
        assert chart.category_axis._element.xpath("./c:tickLblSkip/@val") == ["1"]


def test_highlighted_interval_bars_take_the_accent_colour(interval_deck):
    series = _chart(pptx.Presentation(str(interval_deck)).slides[2]).plots[0].series[0]
    for i in range(len(INTERVAL.categories)):
        colour = series.points[i].format.fill.fore_color.rgb if i in INTERVAL.highlight else None
        assert colour in (ACCENT, None)
    assert {int(i) for i in series._element.xpath("./c:dPt/c:idx/@val")} == set(INTERVAL.highlight)


def _key_text(slide) -> str:
    return _by_name(slide, KEY_SHAPE).text_frame.text


def test_chart_key_lists_series_in_order_with_their_colours(deck, spec):
    slide = deck.slides[3]
    names = [name for name, _ in spec.charts[1].series]
    assert _key_text(slide) == "    ".join(f"{KEY_SWATCH} {n}" for n in names)
    runs = [r for p in _by_name(slide, KEY_SHAPE).text_frame.paragraphs for r in p.runs]
    swatches = [r.font.color.rgb for r in runs if r.text.strip() == KEY_SWATCH]
    assert swatches == [PRIMARY, ACCENT]
    # the key sits above the chart, inside the body
    chart_frame = next(s for s in slide.shapes if s.has_chart)
    key = _by_name(slide, KEY_SHAPE)
    assert key.top + key.height <= chart_frame.top


def test_chart_key_of_an_interval_chart_names_the_highlight_and_the_interval(interval_deck):
    text = _key_text(pptx.Presentation(str(interval_deck)).slides[2])
    assert text.startswith(f"{KEY_SWATCH} the brand's target    {KEY_SWATCH} others")
    assert "median" in text and "90% interval (p5-p95)" in text
    assert key_entries(dataclasses.replace(INTERVAL, highlight=()))[0][0] is None


def test_divider_is_drawn_between_its_categories(interval_deck):
    slide = pptx.Presentation(str(interval_deck)).slides[2]
    line = _by_name(slide, "Divider")
    label = _by_name(slide, "Divider label")
    chart_frame = next(s for s in slide.shapes if s.has_chart)
    assert label.text_frame.text == "tiers below"
    assert line.begin_y == line.end_y  # horizontal on a horizontal bar chart
    assert chart_frame.top < line.begin_y < chart_frame.top + chart_frame.height
    assert chart_frame.left <= line.begin_x < line.end_x <= chart_frame.left + chart_frame.width


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


def test_every_text_fits_its_box(deck, interval_deck):
    _check_text(deck)
    _check_text(pptx.Presentation(str(interval_deck)))


def test_chart_titles_fit_two_lines_at_a_readable_size(deck):
    for slide in list(deck.slides)[CHART_SLIDES]:
        title = slide.shapes.title
        size = min(r.font.size.pt for p in title.text_frame.paragraphs for r in p.runs)
        assert size >= min(TITLE_SIZES_PT)
        assert count_lines(title.text_frame.text, size, title.width) <= 2


# --- a real brand deck ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def brand_deck(tmp_path_factory: pytest.TempPathFactory):
    """A NO-GO brand's deck built from its exhibits, as the report builds it (512 draws)."""
    from research.data import profile_files
    from research.data.assumptions import load_assumptions
    from research.data.evidence import load_evidence
    from research.decide.assess import assess
    from research.decide.reasons import strip_sources
    from research.paths import BRANDS_DIR
    from research.present import exhibits, plots
    from research.present.style import export_chart, house_style

    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    (profile,) = profile_files.load_profiles([BRANDS_DIR / "luxury-direct.yaml"], ev)
    r = assess(profile, ev=ev, a=a, draws=512, seed=7)
    exs = exhibits.build_exhibits(r, ev, a)
    folder = tmp_path_factory.mktemp("brand")
    slides = []
    with house_style():
        for name, ex in exs.items():
            png = None
            if ex.kind == "image":
                fig = plots.plot_exhibit(name, ex, r, ev, "slide").figure
                fig.suptitle("")
                fig.supxlabel("")
                (png,) = export_chart(fig, folder, f"{name}-slide", ("png",), check_finished=False)
            slides.append(ex.to_chart_slide(png))
    spec = DeckSpec(
        title=f"Should {profile.name} build a WeChat Mini Program?",
        subtitle=f"{profile.category} | {profile.objective}",
        verdict=r.verdict,
        p_go=r.p_go,
        verdict_line=f"{r.p_go:.0%} of uncertainty draws clear the bar of {r.bar:.2f}",
        reasons=tuple(strip_sources(x) for x in r.reasons),
        charts=tuple(slides),
        assumptions=tuple((x["name"], x["range"], x["rationale"]) for x in r.assumptions),
        sources=tuple((x["source_id"], x["citation"]) for x in r.sources),
    )
    return write_deck(spec, folder / "deck.pptx"), exs, r


def test_brand_deck_native_charts_hold_the_exhibit_numbers(brand_deck):
    path, exs, _ = brand_deck
    read = read_chart_series(path)
    assert len(read) == len(exs)
    native = 0
    for slide, ex in zip(read, exs.values(), strict=True):
        assert slide["title"] == ex.title and slide["source"] == ex.source_line
        if ex.kind == "image":
            assert slide["series"] == {} and slide["categories"] == ()
            continue
        native += 1
        card = ex.to_dict()
        assert list(slide["categories"]) == card["categories"], ex.name
        assert list(slide["groups"]) == card["groups"], ex.name
        shown = {k: v for k, v in card["series"].items() if k not in ex.hidden_series}
        assert list(slide["series"]) == list(shown), ex.name
        for name, values in shown.items():
            assert slide["series"][name] == pytest.approx(values, abs=1e-6), (ex.name, name)
    assert native >= 6


def test_brand_deck_audience_chart_is_one_series_in_three_groups(brand_deck):
    path, exs, _ = brand_deck
    prs = pptx.Presentation(str(path))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    ex = exs["audience"]
    slide = prs.slides[titles.index(ex.title)]
    chart = _chart(slide)
    assert len(chart.plots[0].series) == 1
    assert chart.plots[0].categories.depth == 2
    assert list(dict.fromkeys(ex.groups)) == ["Gender", "Age", "City tier"]
    assert ex.highlight and KEY_SHAPE in [s.name for s in slide.shapes]
    labels = [str(c) for c in chart.plots[0].categories]
    assert not any(":" in c for c in labels)  # no "tier: tier 1" labels


def test_brand_deck_text_fits(brand_deck):
    path, _, _ = brand_deck
    prs = pptx.Presentation(str(path))
    _check_text(prs)
    for i, slide in enumerate(prs.slides):
        title = slide.shapes.title
        size = min(r.font.size.pt for p in title.text_frame.paragraphs for r in p.runs)
        assert size >= min(TITLE_SIZES_PT), i
        assert count_lines(title.text_frame.text, size, title.width) <= 2, i


def test_brand_deck_images_are_shown_at_full_size(brand_deck):
    path, _, _ = brand_deck
    for slide in pptx.Presentation(str(path)).slides:
        for pic in (s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE):
            px_w, _ = pic.image.size
            dpi = px_w / (pic.width / 914400)
            # drawn at the body's size, so the chart's text keeps its point size
            assert dpi <= 240, f"picture scaled down to {220 / dpi:.0%}; text shrinks with it"


@pytest.mark.skipif(shutil.which("soffice") is None, reason=NO_SOFFICE)
def test_brand_deck_converts_to_pdf_with_every_title_on_its_page(brand_deck, tmp_path):
    path, _, _ = brand_deck
    prs = pptx.Presentation(str(path))
    pdf = _to_pdf(path, tmp_path)
    assert _pdf_pages(pdf) == len(prs.slides)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not on PATH; page count checked only")
    for i, slide in enumerate(prs.slides, start=1):
        page = subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        words = " ".join(page.split())
        title = " ".join(slide.shapes.title.text_frame.text.split())
        assert title in words, f"page {i}: title {title!r} not found whole on the page"
