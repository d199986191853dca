"""Tests of the charts: palette, house style (research.present.style), number formats
(research.formats), chart text, export, the timeline and the brand charts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from pathlib import Path

import matplotlib
import pptx
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.text import Text
from PIL import Image

from research.data import profile_files
from research.data.assumptions import load_assumptions
from research.data.consistency import find_stale_repeats
from research.data.evidence import Evidence, load_evidence, observations_for
from research.data.profiles import Needs
from research.decide.assess import assess
from research.errors import InputError
from research.formats import (
    COUNT,
    POINTS,
    SCORE,
    SHARE,
    USERS,
    format_count,
    format_date,
    format_musers,
    format_pct,
    format_period,
    format_probability,
    format_range,
    format_rmb,
    format_share,
    format_takeaway,
    format_users,
)
from research.model import access, categories
from research.paths import BRANDS_DIR
from research.present import exhibits, labels, plots
from research.present import style as charts
from research.present.deck import KEY_SHAPE, KEY_SWATCH
from research.present.deck.native_chart import add_key, add_native_chart, key_entries
from research.present.figures import export_chart, new_figure, split_axes
from research.present.palette import (
    ACCENT,
    CHART_FONT,
    NEUTRAL,
    PALETTE,
    PRIMARY,
    SKY,
    VERDICT_COLOURS,
)
from research.present.style import (
    ChartText,
    finish,
    house_style,
    make_source_line,
    musers_axis,
    pct_axis,
)
from research.present.timeline_chart import plot_timeline
from research.present.timeline_text import timeline_text


def _finished(size: str = "full") -> tuple[Figure, Axes]:
    """Return a small finished chart (a line and a title and source line)."""
    fig, ax = new_figure(size)
    ax.plot([0, 1, 2], [0.2, 0.5, 0.4])
    pct_axis(ax, "y")
    finish(ax, ChartText(title="Share rose", source_line="Sources: none. Assumed: none."))
    return fig, ax


# ----------------------------------------------------------------------------- theme


def test_palette_constants_are_okabe_ito() -> None:
    assert PRIMARY == "#0072B2" and ACCENT == "#E69F00" and NEUTRAL == "#8C8C8C"
    assert PALETTE == (
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#D55E00",
        "#CC79A7",
        "#56B4E9",
        "#F0E442",
        "#000000",
    )


def test_house_style_sets_palette_fonts_and_restores() -> None:
    before = dict(matplotlib.rcParams)
    style = house_style()
    assert isinstance(style, dict)
    with style:
        rc = matplotlib.rcParams
        colours = [to_hex(c) for c in rc["axes.prop_cycle"].by_key()["color"]]
        assert colours == [c.lower() for c in PALETTE]
        assert rc["font.sans-serif"][0] == CHART_FONT == "Carlito"
        # the packaged font is the one drawn, on any machine
        drawn = Path(findfont(FontProperties(family=["sans-serif"]), fallback_to_default=False))
        assert drawn.name == "Carlito-Regular.ttf" and drawn.parent == charts.FONT_DIR
        assert rc["figure.titlesize"] == 20
        assert rc["axes.labelsize"] == 14
        assert rc["xtick.labelsize"] == rc["ytick.labelsize"] == 12
        assert not rc["axes.spines.top"] and not rc["axes.spines.right"]
        assert rc["axes.grid"]
        assert rc["svg.hashsalt"] == charts.SVG_HASHSALT
        assert rc["savefig.dpi"] >= 200
    assert matplotlib.rcParams["svg.hashsalt"] == before["svg.hashsalt"]
    assert matplotlib.rcParams["axes.prop_cycle"] == before["axes.prop_cycle"]


def test_house_style_nests() -> None:
    with house_style(), house_style():
        assert matplotlib.rcParams["svg.hashsalt"] == charts.SVG_HASHSALT


@pytest.mark.parametrize(
    ("size", "inches"), [("full", (13.33, 7.5)), ("half", (6.5, 5.5)), ("slide", (12.33, 4.9))]
)
def test_new_figure_sizes_and_style(size: str, inches: tuple[float, float]) -> None:
    fig, ax = new_figure(size)
    assert tuple(fig.get_size_inches()) == pytest.approx(inches)
    assert fig.get_layout_engine() is not None
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    line = ax.plot([0, 1], [0, 1])[0]
    assert line.get_color() == PRIMARY
    # the tick style is kept on the Axes, so it holds outside the house_style() block
    assert ax.xaxis.get_major_ticks()[0].label1.get_fontsize() == 12


def test_new_figure_rejects_unknown_size() -> None:
    with pytest.raises(InputError, match="size"):
        new_figure("quarter")


# ------------------------------------------------------------------------ formatters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (format_pct(0.54), "54%"),
        (format_pct(0.545, 1), "54.5%"),
        (format_pct(54, unit="pct"), "54%"),
        (format_pct(-0.001), "0%"),
        (format_pct(1.3), "130%"),
        (format_rmb(1000), "1,000 RMB"),
        (format_rmb(499.5, 1), "499.5 RMB"),
        (format_musers(170), "170M users"),
        (format_musers(1150), "1,150M users"),
        (format_musers(170, with_unit=False), "170M"),
        (format_count(580000), "580,000"),
        (format_count(580000, compact=True), "580k"),
        (format_count(2_100_000, compact=True), "2.1M"),
        (format_count(0, compact=True), "0"),
        (format_period("2018-01-15"), "early 2018"),
        (format_period("2019-07-01"), "mid-2019"),
        (format_period("2019-09-11"), "late 2019"),
        (format_users(296_600_000), "300M"),
        (format_users(87_600_000), "88M"),
        (format_users(1_583), "1.6k"),
        (format_users(42_000), "42k"),
        (format_users(69), "69"),
        (format_share(0.0042), "0.4%"),
        (format_share(0.00004), "0.004%"),
        (format_share(0.000004), "<0.001%"),
        (format_share(0.354), "35%"),
        (format_share(0.997), ">99%"),
        (format_share(1.0), "100%"),
        (format_probability(0.0), "<1%"),
        (format_probability(1.0), ">99%"),
        (format_probability(0.4), "40%"),
        (format_range(0.31, 0.314, format_pct), "31%"),
        (format_range(0.2, 0.4, format_pct), "20% to 40%"),
        (format_date("2018-01-15", estimated=True), "c. Jan 2018"),
        (format_date("2017-04-01"), "Apr 2017"),
        (format_rmb(1583, sig=2), "1,600 RMB"),
    ],
)
def test_formatters(text: str, expected: str) -> None:
    assert text == expected


@pytest.mark.parametrize(
    ("number_format", "value", "text"),
    [
        (SHARE, 0.71, "71%"),
        (SHARE, 0.996, ">99%"),
        (SHARE, 1.0, "100%"),
        (SCORE, 0.768, "0.77"),
        (COUNT, 1234.6, "1,235"),
        (USERS, 296_600_000, "296.6M"),
        (USERS, 42_000, "42k"),
        (USERS, 69, "69"),
        (POINTS, 4.15, "4"),
        (POINTS, 2.5, "3"),
        (POINTS, 0.07, "<1"),
        (POINTS, 0.0, "0"),
    ],
)
def test_number_formats_write_what_their_excel_code_shows(number_format, value, text) -> None:
    assert number_format.text(value) == text
    assert number_format.excel  # what PowerPoint shows the same values with


def test_format_pct_rejects_unknown_unit() -> None:
    with pytest.raises(InputError, match="unit"):
        format_pct(0.5, unit="permille")  # type: ignore[arg-type]


def test_axis_helpers_format_ticks() -> None:
    _, ax = new_figure()
    pct_axis(ax, "x")
    musers_axis(ax, "y")
    assert ax.xaxis.get_major_formatter()(0.25, 0) == "25%"
    assert ax.yaxis.get_major_formatter()(100, 0) == "100M"
    with pytest.raises(InputError, match="axis"):
        pct_axis(ax, "z")


def test_format_takeaway_formats_numbers_and_refuses_typed_numbers() -> None:
    title = format_takeaway(
        "DAU rose to {dau:m} by {when:period}; {share:pct} spend little",
        dau=300,
        when="2019-07-01",
        share=0.54,
    )
    assert title == "DAU rose to 300M by mid-2019; 54% spend little"
    with pytest.raises(InputError, match="by hand"):
        format_takeaway("DAU rose to 300M by {when:year}", when="2019-07-01")
    with pytest.raises(InputError, match="dau"):
        format_takeaway("DAU rose to {dau:m}")


# ------------------------------------------------------------------------ chart text


def test_make_source_line_lists_sources_and_assumptions_apart(ev: Evidence) -> None:
    line = make_source_line(
        ev,
        ["sinorblog_2019", "datawords_2019", "sinorblog_2019"],
        ["spend dispersion", "tier split"],
    )
    assert line == (
        "Sources: Sinorblog (2019-09-11); Datawords (c. 2019). "
        "Assumed: spend dispersion, tier split."
    )


def test_make_source_line_says_none_assumed(ev: Evidence) -> None:
    line = make_source_line(ev, ["guide_2018"])
    assert line.startswith("Sources: Agency insight page (c. 2018).")
    assert line.endswith("Assumed: none.")
    assert make_source_line(ev, [], ["tier split"]) == "Sources: none. Assumed: tier split."


def test_make_source_line_names_unknown_source(ev: Evidence) -> None:
    with pytest.raises(InputError, match="sinorblog_2091.*did you mean 'sinorblog_2019'"):
        make_source_line(ev, ["sinorblog_2091"])


def test_chart_text_is_frozen_and_not_empty() -> None:
    text = ChartText(title="t", source_line="s")
    with pytest.raises(dataclasses.FrozenInstanceError):
        text.title = "other"  # type: ignore[misc]
    with pytest.raises(InputError, match="title"):
        ChartText(title="  ", source_line="s")


def _visible_texts(fig: Figure) -> list[Text]:
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure(root=True) is fig
    ]


@pytest.mark.parametrize("size", ["full", "half"])
def test_finish_wraps_title_and_keeps_source_line_clear_of_ticks(size: str) -> None:
    fig, ax = new_figure(size)
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("Month")
    long_title = " ".join(["Mini Program users spend little in a month"] * 4)
    finish(ax, ChartText(title=long_title, source_line=" ".join(["Sources: long list;"] * 20)))
    with house_style():  # as export_chart draws it
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        page = fig.bbox
        title, source = (
            next(t for t in fig.texts if t.get_text() == text)
            for text in (fig.get_suptitle(), fig.get_supxlabel())
        )
        assert "\n" in title.get_text() and "\n" in source.get_text()
        for t in (title, source):
            box = t.get_window_extent(renderer)
            assert box.x0 >= page.x0 and box.x1 <= page.x1 + 0.5, t.get_text()
            assert box.y0 >= page.y0 and box.y1 <= page.y1 + 0.5, t.get_text()
        lowest_axis_text = min(
            t.get_window_extent(renderer).y0
            for t in [*ax.get_xticklabels(), ax.xaxis.label]
            if t.get_visible() and t.get_text()
        )
        assert source.get_window_extent(renderer).y1 <= lowest_axis_text
        assert title.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1
    assert title.get_fontsize() == (20 if size == "full" else 16)


# ---------------------------------------------------------------------------- export


def test_export_chart_writes_png_and_svg_at_slide_size(tmp_path: Path) -> None:
    fig, _ = _finished("full")
    paths = export_chart(fig, tmp_path / "new" / "charts", "spend-share")
    assert [p.name for p in paths] == ["spend-share.png", "spend-share.svg"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    with Image.open(paths[0]) as img:
        dpi = img.info["dpi"]
        width_px, height_px = img.size
    assert min(dpi) >= 199.5 and dpi[0] == pytest.approx(220, abs=0.5)
    assert width_px == pytest.approx(13.33 * 220, abs=1)
    assert height_px == pytest.approx(7.5 * 220, abs=1)
    assert paths[1].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert not [p for p in paths[0].parent.iterdir() if p.name.startswith(".")]


def test_export_chart_keeps_half_size_and_explicit_dpi(tmp_path: Path) -> None:
    fig, _ = _finished("half")
    (png,) = export_chart(fig, tmp_path, "half", formats=("png",), dpi=300)
    with Image.open(png) as img:
        assert img.size == (pytest.approx(6.5 * 300, abs=1), pytest.approx(5.5 * 300, abs=1))
        assert img.info["dpi"][0] == pytest.approx(300, abs=0.5)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_export_chart_is_byte_identical(tmp_path: Path, fmt: str) -> None:
    fig, _ = _finished("half")
    first = export_chart(fig, tmp_path / "a", "chart", (fmt,))
    second = export_chart(fig, tmp_path / "b", "chart", (fmt,))
    again, _ = _finished("half")
    third = export_chart(again, tmp_path / "c", "chart", (fmt,))
    for a, b, c in zip(first, second, third, strict=True):
        assert a.read_bytes() == b.read_bytes() == c.read_bytes(), a.name


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("../x", "x"),
        ("A/B C?", "a-b-c"),
        ("..\\..\\etc\\passwd", "etc-passwd"),
        ("Timeline: DAU (2019)", "timeline-dau-2019"),
        ("Café crème", "cafe-creme"),
    ],
)
def test_export_chart_names_are_safe(tmp_path: Path, name: str, stem: str) -> None:
    fig, _ = _finished("half")
    out = tmp_path / "out"
    paths = export_chart(fig, out, name, ("png",))
    assert [p.name for p in paths] == [f"{stem}.png"]
    assert all(p.parent == out for p in paths)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        p.name for p in paths
    )


def test_export_chart_refuses_unfinished_figures_low_dpi_and_formats(tmp_path: Path) -> None:
    fig, ax = new_figure()
    with pytest.raises(InputError, match="finish"):
        export_chart(fig, tmp_path, "x")
    finish(ax, ChartText(title="t", source_line="s"))
    with pytest.raises(InputError, match="dpi"):
        export_chart(fig, tmp_path, "x", dpi=96)
    with pytest.raises(InputError, match="formats"):
        export_chart(fig, tmp_path, "x", formats=("jpg",))
    assert not list(tmp_path.iterdir())


# -------------------------------------------------------------------------- timeline


def test_timeline_text_is_generated_from_the_figures(ev: Evidence) -> None:
    text = timeline_text(ev)
    assert "170M" in text.title and "300M" in text.title
    # the stale repeats are named ('... repeats two 2018 figures as current')
    assert re.search(r"\brepeats? .+ as current", text.title), text.title
    for producer in ("Agency insight page", "Datawords", "Sinorblog", "Nora Holtmann"):
        assert producer in text.source_line
    assert text.source_line.startswith("Sources: ")
    assert text.source_line.endswith("Assumed: none.")


def test_timeline_text_follows_as_of(ev: Evidence) -> None:
    mid_2019 = timeline_text(ev, as_of="2019-08-01")  # the repeats date from 2018
    assert "300M" in mid_2019.title
    first_only = timeline_text(ev, as_of="2018-06-01")
    assert first_only.title == "Mini Program DAU was 170M users a day in early 2018"
    assert "Datawords" not in first_only.source_line
    with pytest.raises(InputError, match="as_of"):
        timeline_text(ev, as_of="2017-06-01")


def _markers(ax: Axes, prefix: str) -> dict[int, object]:
    return {
        int(line.get_gid().rsplit("-", 1)[1]): line
        for line in ax.get_lines()
        if (line.get_gid() or "").startswith(prefix)
    }


def test_plot_timeline_marks_every_dau_figure_and_the_stale_repeat(ev: Evidence) -> None:
    ax = plot_timeline(ev)
    assert isinstance(ax, Axes)
    assert ax.get_ylabel() == "Daily active users"
    dau = observations_for(ev, "mini_program_dau")
    markers = _markers(ax, "dau-obs-")
    assert sorted(markers) == sorted(dau["obs_id"])
    stale = find_stale_repeats(ev)
    stale_dau = stale[stale["metric"] == "mini_program_dau"]
    for obs_id, line in markers.items():
        hollow = line.get_markerfacecolor() == "white"
        assert hollow == (obs_id in set(stale_dau["obs_id"]))
    # the repeat's arrow runs from the repeat back to the original it copies
    row = stale_dau.iloc[0]
    arrows = [a for a in ax.texts if a.get_gid() == f"dau-repeat-{row['obs_id']}"]
    assert len(arrows) == 1
    original = dau.set_index("obs_id").loc[row["original_obs_id"]]
    assert arrows[0].xy[1] == original["value"]
    # no two sources disagree about the same period, so no bracket; events span both panels
    assert not any("conflict" in (line.get_gid() or "") for line in ax.get_lines())
    fig = ax.get_figure()
    assert len(fig.axes) == 2
    count_ax = fig.axes[1]
    assert sorted(_markers(count_ax, "count-obs-")) == sorted(
        observations_for(ev, "mini_program_count")["obs_id"]
    )
    events = {
        line.get_gid() for line in ax.get_lines() if (line.get_gid() or "").startswith("event-")
    }
    assert events == {"event-launch", "event-store_mini_program", "event-mini_programs_nearby"}


def test_plot_timeline_as_of_drops_later_figures(ev: Evidence) -> None:
    ax = plot_timeline(ev, as_of="2018-06-01", size="half")
    assert len(_markers(ax, "dau-obs-")) == 1  # the restatement came in 2019
    assert not any("conflict" in (line.get_gid() or "") for line in ax.get_lines())


def test_plot_timeline_draws_into_a_given_subplot(ev: Evidence) -> None:
    fig = Figure(figsize=(13.33, 7.5), layout="constrained")
    left, _ = fig.subplots(1, 2)
    assert plot_timeline(ev, ax=left) is left
    assert len(fig.axes) == 3
    loose = fig.add_axes((0.1, 0.1, 0.2, 0.2))
    with pytest.raises(InputError, match="subplot"):
        plot_timeline(ev, ax=loose)
    with pytest.raises(InputError, match="subplot"):
        split_axes(loose)


@pytest.mark.parametrize("size", ["full", "half"])
def test_timeline_text_stays_on_the_page_without_overlaps(ev: Evidence, size: str) -> None:
    ax = plot_timeline(ev, size=size)
    finish(ax, timeline_text(ev))
    fig = ax.get_figure(root=True)
    with house_style():  # as export_chart draws it
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _visible_texts(fig)]
    page = fig.bbox
    for text, box in boxes:
        assert box.x0 >= page.x0 - 0.5 and box.x1 <= page.x1 + 0.5, f"{text!r} leaves the page"
        assert box.y0 >= page.y0 - 0.5 and box.y1 <= page.y1 + 0.5, f"{text!r} leaves the page"
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


# --------------------------------------------------------------- the brand charts (plots)

#: The analysis date the brand charts are drawn for (it only dates the data's age).
DAY = dt.date(2026, 12, 1)
#: Brands whose charts are drawn as the report draws them: a GO brand, and a NO-GO brand
#: whose probability charts sit at zero.
RENDERED = ("fast-fashion", "luxury-direct")
EXHIBIT_NAMES = (*exhibits.QUESTIONS, *exhibits.APPENDIX)
#: The charts drawn: luxury-direct's price gate decides its verdict, so its appendix charts
#: (what moves the chance, what to research) would show nothing and are not drawn.
DRAWN = [
    (slug, name)
    for slug in RENDERED
    for name in EXHIBIT_NAMES
    if not (slug == "luxury-direct" and name in exhibits.APPENDIX)
]
#: A snake_case id (or p_go): never in a chart a client sees.
CODE_NAME = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")
#: A percentage of exactly 0 or 100, which a probability must never read.
CERTAIN = re.compile(r"(?<![\d.<>])(?:0|100)%")
EXAMPLES = sorted(p.stem for p in BRANDS_DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def assessed() -> dict[str, tuple]:
    """Every example brand assessed (512 draws) with its exhibits: ``{slug: (r, exhibits)}``."""
    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    out = {}
    for profile in profile_files.load_profiles([BRANDS_DIR], ev):
        r = assess(profile, ev=ev, a=a, draws=512, seed=7, analysis_date=DAY)
        out[profile.slug] = (r, exhibits.build_exhibits(r, ev, a))
    return out


@pytest.fixture(scope="module")
def rendered(assessed) -> dict[tuple[str, str], Axes]:
    """The charts of :data:`RENDERED` that a reader sees (an exhibit that would show nothing
    is not drawn), drawn and laid out in the house style at full slide size, as the report
    exports them: ``{(slug, exhibit): Axes}``."""
    out = {}
    with house_style():
        for slug in RENDERED:
            for name, ex in assessed[slug][1].items():
                if not ex.informative:
                    continue
                ax = plots.plot_exhibit(ex, "full")
                ax.get_figure(root=True).canvas.draw()
                out[slug, name] = ax
    return out


def _bars(ax: Axes) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def _is_horizontal(ex) -> bool:
    return ex.kind in ("interval_bar", "bar")


def _shown_values(ex) -> list[tuple[float, ...]]:
    """Return the values an exhibit's bars stand for, one tuple per series drawn."""
    if ex.kind.startswith("interval"):
        return [tuple(v for k, v in ex.series if k == "median")[0]]
    return [v for _, v in ex.series]


@pytest.mark.parametrize(("slug", "name"), DRAWN)
def test_brand_chart_text_stays_on_the_page_and_legend_off_the_data(
    rendered: dict, assessed: dict, slug: str, name: str
) -> None:
    ax = rendered[slug, name]
    ex = assessed[slug][1][name]
    fig = ax.get_figure(root=True)
    with house_style():  # measured in the font the chart is exported in
        renderer = fig.canvas.get_renderer()
        page = fig.bbox
        hidden = set()  # labels of ticks outside the view limits, which are not drawn
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    hidden.update({id(tick.label1), id(tick.label2)})
        for t in _visible_texts(fig):
            if id(t) in hidden:
                continue
            box = t.get_window_extent(renderer)
            assert box.x0 >= page.x0 - 0.5 and box.x1 <= page.x1 + 0.5, (
                f"{t.get_text()!r} leaves the page"
            )
            assert box.y0 >= page.y0 - 0.5 and box.y1 <= page.y1 + 0.5, (
                f"{t.get_text()!r} leaves the page"
            )
        colours = {to_hex(r.get_facecolor()) for c in _bars(ax) for r in c}
        legend = ax.get_legend()
        if len(colours) > 1:
            assert legend is not None, "a chart with two colours says what they mean"
        if legend is not None:
            assert legend.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1 - 0.5
        # labels on the y axis do not run into each other
        boxes = [t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()]
        for a, b in itertools.pairwise(sorted(boxes, key=lambda bb: bb.y0)):
            assert a.y1 <= b.y0 + 1.0, "y tick labels overlap"
    # the title and source line are the exhibit's own, generated from the data
    assert " ".join(fig.get_suptitle().split()) == ex.title
    assert " ".join(fig.get_supxlabel().split()) == ex.source_line


@pytest.mark.parametrize(("slug", "name"), DRAWN)
def test_brand_chart_draws_the_exhibits_numbers_and_colours(
    rendered: dict, assessed: dict, slug: str, name: str
) -> None:
    """Bars are the exhibit's values, the highlighted ones (only) in the brand's colour, each
    labelled in the words the deck's native chart shows (its number format): a probability
    never reads 0% or 100%."""
    ax = rendered[slug, name]
    ex = assessed[slug][1][name]
    bars, values = _bars(ax), _shown_values(ex)
    assert len(bars) == len(values)
    for container, series in zip(bars, values, strict=True):
        lengths = [r.get_width() if _is_horizontal(ex) else r.get_height() for r in container]
        assert lengths == pytest.approx(series, abs=1e-6)
        if ex.highlight and len(bars) == 1:
            brand = [to_hex(r.get_facecolor()) == PRIMARY.lower() for r in container]
            assert brand == [i in ex.highlight for i in range(len(series))]
    verdict_colours = {c.lower() for c in VERDICT_COLOURS.values()}
    assert not {to_hex(r.get_facecolor()) for c in bars for r in c} & verdict_colours
    shown = sorted(t.get_text() for t in ax.texts if t.get_visible())
    assert shown == sorted(ex.number_format.text(v) for series in values for v in series)
    if ex.is_probability:
        assert not [s for s in shown if CERTAIN.fullmatch(s)], shown


@pytest.mark.parametrize("slug", RENDERED)
def test_brand_charts_show_no_code_names(rendered: dict, slug: str) -> None:
    for name in EXHIBIT_NAMES:
        if (slug, name) not in rendered:
            continue
        fig = rendered[slug, name].get_figure(root=True)
        for t in _visible_texts(fig):
            assert not CODE_NAME.search(t.get_text()), (name, t.get_text())


def test_interval_chart_legend_names_the_highlight_the_interval_and_the_divider(
    rendered: dict, assessed: dict
) -> None:
    ex = assessed["fast-fashion"][1]["price"]
    texts = [t.get_text() for t in rendered["fast-fashion", "price"].get_legend().get_texts()]
    assert texts[0] == ex.highlight_label
    assert "90% interval" in texts
    assert ex.dividers and ex.dividers[0][1] in texts


# ----------------------------------------------- every example's titles agree with its bars


def _pct(text: str) -> float:
    """Return a share written by the house formats ('31%', '0.4%', '<1%', '>99%') as 0-1."""
    return float(text.strip("<>%")) / 100


def _users(text: str) -> float:
    """Return a count written by format_users ('11M', '1.6k', '120') as a number."""
    scale = {"B": 1e9, "M": 1e6, "k": 1e3}.get(text[-1], 1.0)
    return float(text.rstrip("BMk").replace(",", "")) * scale


def _medians(ex) -> list[float]:
    return list(ex.series_dict()["median"])


def _overlaps(label: str, aud) -> bool:
    """Return whether an age band ('31-40', '51+') holds any of the target's ages."""
    if not label[:1].isdigit():
        return False
    lo, _, hi = label.rstrip("+").partition("-")
    return not (int(hi or 100) < aud.age_min or int(lo) > aud.age_max)


@pytest.mark.parametrize("slug", EXAMPLES)
def test_audience_title_names_the_highlighted_groups(assessed: dict, slug: str) -> None:
    r, exs = assessed[slug]
    ex = exs["audience"]
    m = re.fullmatch(
        r"(Women|Men|People) aged (\d+)-(\d+) in (every city tier|tier ([\d, -]+) cities) are "
        r"(\S+) of Mini Program users; (\S+) of them are in the articles' core segment of young "
        r"women",
        ex.title,
    )
    assert m, ex.title
    aud = r.profile.audience
    assert (int(m[2]), int(m[3])) == (aud.age_min, aud.age_max)
    lit = {ex.categories[i] for i in ex.highlight}
    genders = {"Women": {"Female"}, "Men": {"Male"}, "People": {"Female", "Male"}}[m[1]]
    assert lit & {"Female", "Male"} == genders
    for label, group in zip(ex.categories, ex.groups, strict=True):
        if group == "Age":  # the brand's when at least half of the band's ages are targeted
            lo, _, hi = label.rstrip("+").partition("-")
            ages = range(int(lo), int(hi or 100) + 1)
            targeted = [x for x in ages if aud.age_min <= x <= aud.age_max]
            assert (label in lit) == (2 * len(targeted) >= len(ages)), label
    tiers = [int(c.split()[1]) for c in lit if c.startswith("Tier")]
    if m[4] == "every city tier":
        assert sorted(tiers) == [1, 2, 3, 4, 5]
    else:
        ends = [int(x) for x in re.split(r"[-, ]+", m[5])]
        named = list(range(ends[0], ends[-1] + 1)) if "-" in m[5] else ends
        assert sorted(tiers) == named == list(aud.city_tiers)
    # the audience is inside the groups it overlaps: never more than their sum
    share = _pct(m[6])
    med = _medians(ex)
    for group in set(ex.groups):
        touched = [
            v
            for i, v in enumerate(med)
            if ex.groups[i] == group and (i in ex.highlight or _overlaps(ex.categories[i], aud))
        ]
        assert share <= sum(touched) + 0.01, (group, share, sum(touched))


@pytest.mark.parametrize("slug", EXAMPLES)
def test_price_title_quotes_the_brands_column(assessed: dict, slug: str) -> None:
    r, exs = assessed[slug]
    ex = exs["price"]
    price = r.profile.price_rmb
    med = _medians(ex)
    assert med == sorted(med, reverse=True), "a higher price never reaches more users"
    (i,) = ex.highlight
    assert ex.categories[i] == f"{price:,.0f}+"
    assert format_share(med[i]) in ex.title
    (k, label), *_ = ex.dividers
    assert label == "caution above 1,000 RMB"
    assert ex.categories[k - 1] == "1,000+", "the caution line sits right after 1,000 RMB"
    if r.profile.objective == "sales":
        assert ex.title.startswith(
            f"{format_share(med[i])} of users spend at least {format_rmb(price)} a month"
        )
        assert "above 1,000 RMB" in ex.title
    else:
        assert "objective is not sales" in ex.title


@pytest.mark.parametrize(
    "slug",
    [s for s in ("casual-game", "news-publisher", "o2o-store", "luxury-loyalty")],
)
def test_price_title_of_a_brand_that_does_not_sell_says_at_least(assessed, slug) -> None:
    r, exs = assessed[slug]
    assert r.profile.objective != "sales"
    assert f"spend at least {format_rmb(r.profile.price_rmb)}" in exs["price"].title


@pytest.mark.parametrize("slug", EXAMPLES)
def test_categories_title_agrees_that_games_are_the_most_popular(assessed, slug) -> None:
    r, exs = assessed[slug]
    ex = exs["categories"]
    med = _medians(ex)
    games = ex.categories.index("Games")
    assert "most popular" in ex.title
    assert max(range(len(med)), key=med.__getitem__) == games
    assert format_share(med[games]) in ex.title
    (i,) = ex.highlight
    assert ex.categories[i].startswith(categories.LABELS[r.profile.category])
    if r.profile.category == "games":
        assert (
            ex.title == f"Games are the most popular category: {format_share(med[i])} of users play"
        )
    else:
        assert ex.title.startswith(
            f"{categories.LABELS[r.profile.category]} Mini Programs reach about "
            f"{format_share(med[i])} of users (assumed)"
        )


@pytest.mark.parametrize("slug", EXAMPLES)
def test_channels_title_agrees_with_the_highlighted_total(assessed, slug) -> None:
    r, exs = assessed[slug]
    ex = exs["channels"]
    m = re.fullmatch(
        r"The brand's (\d+|one) touch points? reach(?:es)? (\S+) of users; shared links"
        r"(, which it does not use,| alone) reach (\S+)",
        ex.title,
    )
    assert m, ex.title
    med = _medians(ex)
    n = 1 if m[1] == "one" else int(m[1])
    assert n == len(r.profile.channels) == len(ex.categories) - 1 - ("not use" in m[3])
    # every bar is the brand's but shared links it does not use
    assert ex.categories[-1] == "All the brand's touch points"
    assert ex.highlight == tuple(i for i, c in enumerate(ex.categories) if "(not used)" not in c)
    assert m[2] == format_share(med[-1])
    (shared,) = [i for i, c in enumerate(ex.categories) if c.startswith("One-on-one or group")]
    assert m[4] == format_share(med[shared])
    assert ("(not used)" in ex.categories[shared]) == ("not use" in m[3])
    used = [v for c, v in zip(ex.categories[:-1], med, strict=False) if "(not used)" not in c]
    assert med[-1] >= max(used) - 1e-9, "together they reach at least as many as any one"


@pytest.mark.parametrize("slug", EXAMPLES)
def test_funnel_title_is_the_last_steps_users(assessed, slug) -> None:
    r, exs = assessed[slug]
    ex = exs["funnel"]
    m = re.fullmatch(
        r"About (\S+) users a day are within the brand's reach, out of (\S+) Mini Program users "
        r"a day \((.+)\)",
        ex.title,
    )
    assert m, ex.title
    assert m[2] == format_users(r.funnel[0].p50)
    assert m[3] == _dau_date(), "the daily users are dated by the figure they start from"
    assert ex.categories[-1].endswith(f": {m[1]}") and ex.highlight == (len(ex.categories) - 1,)
    users = [_users(m[2])] + [_users(c.rsplit(": ", 1)[1]) for c in ex.categories]
    assert users == sorted(users, reverse=True)
    for before, after, kept in zip(users, users[1:], _medians(ex), strict=False):
        assert 0.0 <= kept <= 1.0
        # each bar is the share of the stage before that the users on its label keep
        assert after == pytest.approx(before * kept, rel=0.25, abs=50), (before, after, kept)


@pytest.mark.parametrize("slug", EXAMPLES)
def test_reach_title_is_the_highlighted_chance_and_the_verdicts(assessed, slug) -> None:
    r, exs = assessed[slug]
    ex = exs["reach"]
    ((_, chances),) = ex.series
    assert list(chances) == sorted(chances, reverse=True), "more users are never likelier"
    (i,) = ex.highlight
    assert ex.categories[i] == f"{format_users(r.need.daily_users)}+"
    assert ex.title.startswith(
        f"{format_probability(chances[i])} chance of winning the "
        f"{format_users(r.need.daily_users)} daily users it needs"
    )
    assert not CERTAIN.search(ex.title)
    if not r.failed_gates():  # then winning the users is the whole GO event
        assert chances[i] == pytest.approx(r.p_go, abs=0.01)


@pytest.mark.parametrize("slug", EXAMPLES)
def test_tornado_title_names_the_input_that_moves_the_chance_most(assessed, slug) -> None:
    _, exs = assessed[slug]
    ex = exs["tornado"]
    (_, low), (_, high) = ex.series
    swings = [abs(h - lo) for lo, h in zip(low, high, strict=True)]
    assert all(0.0 <= x <= 1.0 for x in (*low, *high))
    assert not CERTAIN.search(ex.title)
    if ex.title.startswith("No uncertain input moves the answer"):
        assert max(swings) < 0.005 and not ex.informative
        return
    assert ex.informative
    assert swings[0] == max(swings)
    head, _, tail = ex.title.partition(" moves the chance most: ")
    assert ex.categories[0].lower() in head.lower()
    assert tail == (
        f"from {format_probability(low[0])} to {format_probability(high[0])} across its range"
    )


@pytest.mark.parametrize("slug", EXAMPLES)
def test_research_title_names_the_highlighted_largest_bar(assessed, slug) -> None:
    _, exs = assessed[slug]
    ex = exs["research"]
    ((_, drops),) = ex.series  # percentage points, as the title says them
    if ex.title.startswith("Nothing left to research"):
        assert max(drops) < 0.05 and not ex.highlight and not ex.informative
        return
    assert ex.informative
    assert ex.highlight == (0,) and drops[0] == max(drops)
    assert ex.title.startswith(f"Pin down {labels.the(ex.categories[0])} first")
    points = re.search(r"by (\d+) points?", ex.title)
    if points:  # the title's points are the highlighted bar's label
        assert points[1] == ex.number_format.text(drops[0])


@pytest.mark.parametrize("slug", EXAMPLES)
def test_exhibit_words_hold_no_code_names(assessed, slug) -> None:
    for name, ex in assessed[slug][1].items():
        words = [ex.title, ex.source_line, ex.notes, ex.axis_label, ex.highlight_label]
        words += [*ex.categories, *ex.groups, *(k for k, _ in ex.series)]
        for text in words:
            assert not CODE_NAME.search(text), (name, text)


# ------------------------------------ what the PNG and the deck show, the same in both


def _dau_date() -> str:
    """Return the date of the latest daily-user figure in the articles, as a reader sees it."""
    rows = observations_for(load_evidence(), "mini_program_dau").sort_values("as_of")
    row = rows.iloc[-1]
    return format_date(row["as_of"], estimated=bool(row["as_of_is_estimated"]))


def _native(ex):
    """Return the deck's native chart of an exhibit and the slide it is drawn on."""
    prs = pptx.Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    spec, box = ex.to_chart_slide(), (0, 0, 11_000_000, 4_500_000)
    if key_entries(spec):  # the key above the chart, as the deck's chart slides have it
        box = add_key(slide, key_entries(spec), box)
    add_native_chart(slide, spec, box)
    return next(s.chart for s in slide.shapes if s.has_chart), slide


def _drawn(ex) -> Axes:
    """Return an exhibit drawn as the report draws it (full size, laid out)."""
    with house_style():
        ax = plots.plot_exhibit(ex, "full")
        ax.get_figure(root=True).canvas.draw()
    return ax


def _deck_colours(chart) -> list[str]:
    """Return the fill of every bar of a one-series native chart, as '#rrggbb'."""
    series = chart.plots[0].series[0]
    base = str(series.format.fill.fore_color.rgb)
    points = {
        int(i): str(series.points[int(i)].format.fill.fore_color.rgb)
        for i in series._element.xpath("./c:dPt/c:idx/@val")
    }
    return [f"#{points.get(i, base)}".lower() for i in range(len(chart.plots[0].categories))]


def _assessed_with(slug: str, **changes):
    """Return an example brand assessed (512 draws) with ``changes`` to its profile, and its
    exhibits."""
    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    profile = profile_files.load_profile(BRANDS_DIR / f"{slug}.yaml", ev)
    r = assess(profile.model_copy(update=changes), ev=ev, a=a, draws=512, seed=7, analysis_date=DAY)
    return r, exhibits.build_exhibits(r, ev, a)


@pytest.mark.parametrize("slug", ["fast-fashion", "b2b-equipment"])
def test_channel_chart_shows_every_touch_point_of_the_brand_in_its_colour(assessed, slug):
    """Blue is the brand's: each touch point it uses and all of them together, in the PNG and
    the deck; grey only shared links when the brand does not use them."""
    r, exs = assessed[slug]
    ex = exs["channels"]
    brands = [not c.endswith("(not used)") for c in ex.categories]
    assert brands.count(False) == (access.SHARED not in r.profile.channels)
    want = [PRIMARY.lower() if b else NEUTRAL.lower() for b in brands]
    ax = _drawn(ex)
    assert [to_hex(bar.get_facecolor()) for bar in _bars(ax)[0]] == want
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "the brand's touch points"
    assert ("others" in legend) == (not all(brands))
    chart, slide = _native(ex)
    assert _deck_colours(chart) == want
    key = _by_name(slide, KEY_SHAPE).text_frame.text
    assert key.startswith(f"{KEY_SWATCH} the brand's touch points")
    assert ("others" in key) == (not all(brands))


@pytest.mark.parametrize("slug", EXAMPLES)
def test_every_chart_cites_the_source_of_each_sourced_bar(assessed, ev, slug):
    """The channel chart cites the shared-links figure it always shows (used or not); the
    audience chart cites the gender, age and city-tier figures it shows, from two articles."""
    r, exs = assessed[slug]
    cited = {
        "channels": ["access_share"],
        "audience": ["user_gender_share", "user_age_share", "user_city_tier_share"],
    }
    for name, metrics in cited.items():
        line = exs[name].source_line
        assert not line.startswith("Sources: none."), (name, line)
        for metric in metrics:
            rows = observations_for(ev, metric)
            for source_id in set(rows.loc[rows["kind"] == "reported", "source_id"]):
                assert labels.source_label(ev, source_id) in line, (name, metric, line)
    tier_sources = set(observations_for(ev, "user_city_tier_share")["source_id"])
    gender_sources = set(observations_for(ev, "user_gender_share")["source_id"])
    assert tier_sources - gender_sources, "the tier shares come from another article"


def test_tornado_series_colours_mean_nothing_else_and_match_in_png_and_deck(assessed):
    ex = assessed["fast-fashion"][1]["tornado"]
    ax = _drawn(ex)
    png = [{to_hex(bar.get_facecolor()) for bar in bars} for bars in _bars(ax)]
    assert all(len(c) == 1 for c in png) and len(png) == 2
    png_colours = [c.pop() for c in png]
    chart, slide = _native(ex)
    deck_colours = [f"#{s.format.fill.fore_color.rgb}".lower() for s in chart.plots[0].series]
    assert png_colours == deck_colours
    assert len(set(png_colours)) == 2
    # neither reads as the brand's (blue or sky blue), context (grey) or a verdict
    taken = {PRIMARY, SKY, NEUTRAL, *VERDICT_COLOURS.values()}
    assert not set(png_colours) & {c.lower() for c in taken}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [name for name, _ in ex.series]
    key = _by_name(slide, KEY_SHAPE)
    swatches = [
        f"#{r.font.color.rgb}".lower()
        for p in key.text_frame.paragraphs
        for r in p.runs
        if r.text.strip() == KEY_SWATCH
    ]
    assert swatches == png_colours


def _label_gaps_pt(ax: Axes) -> list[float]:
    """Return how far (pt) each value label of a horizontal bar chart starts past its bar."""
    fig = ax.get_figure(root=True)
    renderer = fig.canvas.get_renderer()
    ends = sorted(
        (
            (bar.get_y() + bar.get_height() / 2, bar.get_x() + bar.get_width())
            for c in _bars(ax)
            for bar in c
        ),
    )
    gaps = []
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        y_mid = ax.transData.inverted().transform(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))[1]
        _, end = min(ends, key=lambda e: abs(e[0] - y_mid))
        end_px = ax.transData.transform((end, 0))[0]
        gaps.append((box.x0 - end_px) * 72 / fig.dpi)
    return gaps


def _visible_ticks(ax: Axes) -> list[str]:
    """Return the x tick labels drawn inside the view."""
    lo, hi = ax.get_xlim()
    return [
        t.get_text()
        for t in ax.get_xticklabels()
        if t.get_text() and lo - 1e-9 <= t.get_position()[0] <= hi + 1e-9
    ]


def _by_name(slide, name: str):
    (shape,) = [s for s in slide.shapes if s.name == name]
    return shape


@pytest.mark.parametrize("drops", [None, (0.07, 0.03, 0.01), (38.0, 12.0, 0.4)])
def test_research_chart_reads_in_points_alike_in_png_and_deck(assessed, drops):
    """The drops are percentage points, as the title says: '4' and '<1', never '4%' or a
    share; the PNG and the deck write the same words; labels sit just past their bars at any
    scale; no two ticks read the same."""
    ex = assessed["fast-fashion"][1]["research"]
    if drops is not None:
        ex = dataclasses.replace(ex, series=((ex.series[0][0], drops),))
    ((_, values),) = ex.series
    points = re.search(r"by (\d+) points", ex.title)
    if drops is None:
        assert points and points[1] == POINTS.text(values[0]) and "%" not in POINTS.text(values[0])
    words = [POINTS.text(v) for v in values]
    ax = _drawn(ex)
    assert sorted(t.get_text() for t in ax.texts) == sorted(words)
    assert ax.get_xlabel() == "drop in the chance of a wrong call, percentage points"
    assert all(0.0 <= gap <= 2 * plots.LABEL_PAD_PT for gap in _label_gaps_pt(ax))
    visible = _visible_ticks(ax)
    assert len(set(visible)) == len(visible) >= 3, visible
    assert not any(t.endswith("%") for t in visible)
    chart, _ = _native(ex)
    assert chart.plots[0].data_labels.number_format == POINTS.excel
    assert chart.value_axis.axis_title.text_frame.text == ex.axis_label
    assert [float(v) for v in chart.plots[0].series[0].values] == pytest.approx(values)


@pytest.mark.parametrize("values", [(0.012, 0.004, 0.001), (0.0007, 0.0002, 0.0001)])
def test_png_ticks_of_small_shares_never_repeat(assessed, values):
    """'0%, 0%, 1%, 1%': a share axis over a small range writes the decimals its step needs."""
    ex = dataclasses.replace(
        assessed["fast-fashion"][1]["research"],
        series=(("drop", values),),
        number_format=SHARE,
        axis_label="share",
    )
    ax = _drawn(ex)
    visible = _visible_ticks(ax)
    assert len(set(visible)) == len(visible) >= 3, visible
    assert sorted(t.get_text() for t in ax.texts) == sorted(SHARE.text(v) for v in values)


def test_audience_chart_highlights_a_band_only_when_half_its_ages_are_targeted(assessed):
    """Men aged 35-60: 31-40 (six of its ten ages) and 41-50 are the brand's, 51+ (ten of
    its fifty) is not; women aged 25-45: 41-50 (five of ten) is."""
    for slug, want in (
        ("b2b-equipment", {"31-40", "41-50"}),
        ("luxury-direct", {"25-30", "31-40", "41-50"}),
    ):
        ex = assessed[slug][1]["audience"]
        ages = {
            c for i, c in enumerate(ex.categories) if ex.groups[i] == "Age" and i in ex.highlight
        }
        assert ages == want, slug
    ex = assessed["b2b-equipment"][1]["audience"]
    ax = _drawn(ex)
    colours = [to_hex(bar.get_facecolor()) for bar in _bars(ax)[0]]
    assert colours[ex.categories.index("51+")] == NEUTRAL.lower()
    assert colours[ex.categories.index("41-50")] == PRIMARY.lower()


def test_funnel_title_dates_the_daily_users_it_starts_from():
    r, exs = _assessed_with("fast-fashion")
    assert exs["funnel"].title.endswith(
        f"out of {format_users(r.funnel[0].p50)} Mini Program users a day ({_dau_date()})"
    )
    # figures read at an earlier date start from the figure of then, grown to that date
    r, exs = _assessed_with("fast-fashion", as_of=dt.date(2018, 6, 1))
    assert exs["funnel"].title.endswith(
        f"out of {format_users(r.funnel[0].p50)} Mini Program users a day "
        "(projected to Jun 2018 from c. Jan 2018)"
    )


def test_reach_title_says_the_need_is_assumed_not_the_chance(assessed):
    ex = assessed["fast-fashion"][1]["reach"]
    assert ex.title.endswith("daily users it needs (an assumed need)"), ex.title
    assert "(assumed)" not in ex.title


@pytest.mark.parametrize(
    ("need", "words", "category"),
    [((200.0, 800.0), "200 to 800", "200 to 800"), (500.0, "500", "500+")],
)
def test_reach_title_names_a_stated_need_as_stated(need, words, category):
    r, exs = _assessed_with("fast-fashion", needs=Needs(daily_users=need))
    ex = exs["reach"]
    ((_, chances),) = ex.series
    (i,) = ex.highlight
    assert ex.title == (
        f"{format_probability(chances[i])} chance of winning the {words} daily users it needs"
    )
    assert ex.categories[i] == category
    assert words in ex.notes


#: Each touch point as written inside a sentence: lower case, but for WeChat's and other
#: apps' names and acronyms.
IN_SENTENCE = {
    "Top bar entry (saved or pinned Mini Programs)": (
        "top bar entry (saved or pinned Mini Programs)"
    ),
    "Discover > Mini Programs": "Discover > Mini Programs",
    "Mini Programs Nearby": "Mini Programs Nearby",
    "Me > Services": "Me > Services",
    "One-on-one or group chat sharing": "one-on-one or group chat sharing",
    "Official Account menu": "Official Account menu",
    "Official Account pushes": "Official Account pushes",
    "Subscription messages": "subscription messages",
    "Mobile number authentication": "mobile number authentication",
    "H5 page links": "H5 page links",
    "Moments ads": "Moments ads",
    "Weixin Search Zone ads": "Weixin Search Zone ads",
    "QR codes": "QR codes",
    "Indoor navigation": "indoor navigation",
    "In-store member registration": "in-store member registration",
    "In-store customer service": "in-store customer service",
    "Store Mini Program (store business card)": "store Mini Program (store business card)",
    "Exchange partnerships": "exchange partnerships",
    "Xiaohongshu (RED) links": "Xiaohongshu (RED) links",
    "External SDK apps": "external SDK apps",
}


def test_tornado_and_research_rows_write_touch_points_inside_the_sentence(assessed, ev):
    """'Users reached through one-on-one or group chat sharing', not '... through One-on-one';
    names and acronyms keep their capitals ('through QR codes', 'through Moments ads')."""
    assert set(IN_SENTENCE) == set(ev.touchpoints["label"])
    rows = [
        c.removeprefix("Users reached through ")
        for _, exs in assessed.values()
        for name in ("tornado", "research")
        for c in exs[name].categories
        if c.startswith("Users reached through ")
    ]
    assert set(rows) <= set(IN_SENTENCE.values()), sorted(set(rows) - set(IN_SENTENCE.values()))
    assert "one-on-one or group chat sharing" in rows
    assert "QR codes" in rows  # an acronym keeps its capitals
    titles = [exs[n].title for _, exs in assessed.values() for n in ("tornado", "research")]
    assert not [t for t in titles if "through One-on-one" in t]


# ---------------------------------------------------------------------- the measurer


@pytest.mark.parametrize("width_pt", [40.0, 120.0, 400.0])
def test_wrap_lines_fits_the_width_and_keeps_every_word(width_pt: float) -> None:
    from research.present import measure

    text = "Mini Programs reach shoppers\nin tier-one cities supercalifragilisticexpialidocious"
    width_of = lambda line: measure.estimate_width_pt(line, 12)  # noqa: E731
    lines = measure.wrap_lines(text, width_pt, width_of)
    assert all(width_of(line) <= width_pt or len(line) == 1 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
    assert measure.count_lines(text, width_pt, width_of) == len(lines) >= 2


def test_a_share_that_is_not_all_never_shows_as_100_percent_on_a_slide():
    """The news publisher's 15 RMB bar (over 99.5% of users spend that much) is labelled
    '>99%' on the slide and in the PNG, as its title writes it, not '100%'."""
    r, exs = _assessed_with("news-publisher")
    ex = exs["price"]
    ((_, med),) = [(k, v) for k, v in ex.series if k == "median"]
    top = max(range(len(med)), key=lambda i: med[i])
    assert 0.995 <= med[top] < 1 and ">99% of users" in ex.title, (med[top], ex.title)
    chart, _ = _native(ex)
    codes = chart._chartSpace.xpath(
        f".//c:ser/c:dLbls/c:dLbl[c:idx/@val='{top}']/c:numFmt/@formatCode"
    )
    assert codes == ['">99%"'], codes
    labels_drawn = [t.get_text() for t in _drawn(ex).texts]
    assert ">99%" in labels_drawn and "100%" not in labels_drawn, labels_drawn


@pytest.mark.parametrize("tiers", [[1, 2, 3, 4, 5], [1, 2]])
def test_the_deck_lists_every_source_and_assumption_its_charts_cite(tiers):
    """A chart's footnote may cite more than the verdict uses (the audience chart shows every
    trait's bars): the sources and assumptions slides list all of it, for a brand in every
    city tier as for one in two."""
    from research.present.brand_folder import deck_spec

    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    p = profile_files.load_profile(BRANDS_DIR / "fast-fashion.yaml", ev)
    aud = p.audience.model_copy(update={"city_tiers": tiers})
    r = assess(p.model_copy(update={"audience": aud}), ev=ev, a=a, draws=256, analysis_date=DAY)
    exs = exhibits.build_exhibits(r, ev, a)
    spec = deck_spec(r, exs, ev, a)
    listed_sources = {label for label, _ in spec.sources}
    listed_assumptions = {row[0] for row in spec.assumptions}
    for name, ex in exs.items():
        for s in ex.source_line.sources:
            assert labels.source_label(ev, s) in listed_sources, (name, s)
        for x in a.describe(ex.source_line.assumptions):
            assert x["label"] in listed_assumptions, (name, x["name"])
