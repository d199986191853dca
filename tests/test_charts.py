"""Tests of the charts: palette, house style (research.present.style), number formats
(research.formats), chart text, export, the timeline and the brand charts."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import matplotlib
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from research.data.consistency import find_stale_repeats
from research.data.evidence import Evidence, observations_for
from research.errors import InputError
from research.formats import (
    COUNT,
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
from research.present import style as charts
from research.present.palette import ACCENT, NEUTRAL, PALETTE, PRIMARY
from research.present.style import (
    ChartText,
    export_chart,
    finish,
    house_style,
    make_source_line,
    musers_axis,
    new_figure,
    pct_axis,
    split_axes,
)
from research.present.timeline_chart import plot_timeline, timeline_text


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
        assert rc["font.sans-serif"][0] == "DejaVu Sans"
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
        (SCORE, 0.768, "0.77"),
        (COUNT, 1234.6, "1,235"),
        (USERS, 296_600_000, "296.6M"),
        (USERS, 42_000, "42k"),
        (USERS, 69, "69"),
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


def test_export_chart_is_byte_identical(tmp_path: Path) -> None:
    fig, _ = _finished()
    first = export_chart(fig, tmp_path / "a", "chart")
    second = export_chart(fig, tmp_path / "b", "chart")
    again, _ = _finished()
    third = export_chart(again, tmp_path / "c", "chart")
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
    fig, _ = _finished()
    out = tmp_path / "out"
    paths = export_chart(fig, out, name)
    assert [p.name for p in paths] == [f"{stem}.png", f"{stem}.svg"]
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
    assert "repeat older figures as current" in text.title
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


@pytest.fixture(scope="module")
def brand_exhibits() -> dict:
    """Exhibits of a GO and a NO-GO brand (512 draws): ``{slug: (assessment, exhibits)}``."""
    from research.data import profile_files
    from research.data.assumptions import load_assumptions
    from research.data.evidence import load_evidence
    from research.decide.assess import assess
    from research.paths import BRANDS_DIR
    from research.present import exhibits

    ev = load_evidence()
    a = load_assumptions(ev.datasets_dir)
    out = {}
    for slug in ("fast-fashion", "luxury-direct"):
        (profile,) = profile_files.load_profiles([BRANDS_DIR / f"{slug}.yaml"], ev)
        r = assess(profile, ev=ev, a=a, draws=512, seed=7)
        out[slug] = (r, exhibits.build_exhibits(r, ev, a))
    return out


_EXHIBITS = (
    "audience",
    "spend",
    "categories",
    "access",
    "funnel",
    "scorecard",
    "tornado",
    "verdict",
)


@pytest.mark.parametrize("slug", ["fast-fashion", "luxury-direct"])
@pytest.mark.parametrize("size", ["full", "half"])
@pytest.mark.parametrize("name", _EXHIBITS)
def test_brand_chart_text_stays_on_the_page_and_legend_off_the_data(
    brand_exhibits: dict, ev: Evidence, slug: str, size: str, name: str
) -> None:
    from research.present import plots

    r, exs = brand_exhibits[slug]
    with house_style():
        ax = plots.plot_exhibit(name, exs[name], r, ev, size)
    fig = ax.get_figure(root=True)
    fig.canvas.draw()
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
    legend = ax.get_legend()
    assert legend is not None, "every brand chart says what its colours mean"
    assert legend.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1 - 0.5
    # the title and source line are the exhibit's own, generated from the data
    assert " ".join(fig.get_suptitle().split()) == exs[name].title
    assert " ".join(fig.get_supxlabel().split()) == exs[name].source_line
    # labels on the y axis do not run into each other
    ticks = [t for t in ax.get_yticklabels() if t.get_text().strip()]
    boxes = [t.get_window_extent(renderer) for t in ticks]
    for a, b in itertools.pairwise(sorted(boxes, key=lambda bb: bb.y0)):
        assert a.y1 <= b.y0 + 1.0, "y tick labels overlap"


def test_interval_chart_legend_names_the_highlight_and_the_interval(
    brand_exhibits: dict, ev: Evidence
) -> None:
    from research.present import plots

    r, exs = brand_exhibits["fast-fashion"]
    with house_style():
        ax = plots.plot_exhibit("spend", exs["spend"], r, ev, "full")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == exs["spend"].highlight_label
    assert "90% interval (p5 to p95)" in labels
    assert exs["spend"].dividers and exs["spend"].dividers[0][1] in labels


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
