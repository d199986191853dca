"""Tests for research.deck: layout, house style, round-tripped numbers and atomic writes."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pptx
import pytest
from matplotlib.figure import Figure
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt

from research.deck import (
    ACCENT,
    PRIMARY,
    SOURCE_SHAPE,
    VERDICT_COLOURS,
    ChartSlide,
    DeckSpec,
    build_deck,
    read_chart_series,
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
            number_format="#,##0",
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
    assert not single.has_legend and multi.has_legend
    for chart, chart_spec in ((single, spec.charts[0]), (multi, spec.charts[1])):
        plot = chart.plots[0]
        assert plot.has_data_labels
        assert plot.data_labels.number_format == chart_spec.number_format
        assert chart.value_axis.tick_labels.number_format == chart_spec.number_format
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


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_deck_converts_to_pdf(deck_path, tmp_path):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck_path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "deck.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
