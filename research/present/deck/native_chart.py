"""Native, editable PowerPoint charts in the house style, built from a :class:`ChartSlide`.

Charts are built from python-pptx's ``CategoryChartData``, so a consultant can restyle
them and see the numbers behind them in PowerPoint. They read in data order: horizontal
bars top to bottom (category axis in reverse order, value axis at the bottom), columns
left to right, series in the order given. Their key is a line of text above the chart, not
a legend, because PowerPoint and LibreOffice list a horizontal bar chart's legend in
opposite orders. Interval charts (``'interval_bar'``, ``'interval_column'``) draw the
median as bars and p5 to p95 as custom error bars, each value label moved just past its
line; grouped categories get a two-level axis. The plot area and value scale are placed by
hand from measured label widths, so labels have room whichever application draws the chart;
a ``value_range`` fixes the value scale (a probability runs 0 to 1). The value axis's ticks
take as many decimals as their step needs, so no two read the same, and the spec's
``axis_label`` says what the values are and their unit: a native axis title under a
horizontal chart, a line of text above a column chart (where applications would wrap a
native title into the data labels). Colours have one meaning each: blue the bars the
chart is about (the highlighted ones, or every bar of an unhighlighted single series),
grey the others, dark grey dividers; verdict colours never appear on a chart.
"""

from __future__ import annotations

import re
from typing import Final
from xml.sax.saxutils import escape as xml_escape

from pptx.chart.data import CategoryChartData
from pptx.chart.datalabel import DataLabels
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.dml import MSO_LINE
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import PP_ALIGN
from pptx.slide import Slide
from pptx.util import Pt

from research.formats import interval_coverage
from research.present.deck import chart_xml
from research.present.deck.chart_geometry import (
    AXIS_TITLE_PAD_PT,
    LABEL_PAD_PT,
    Geometry,
    axis_code,
    check_value_range,
    plot_geometry,
    value_scale,
)
from research.present.deck.look import (
    CHART_TEXT_PT,
    CONTEXT,
    EMU_PER_PT,
    FONT,
    GRID,
    INSET_X,
    LINE_SPACING,
    PRIMARY,
    REFERENCE,
    SERIES_COLOURS,
    TEXT,
    Box,
)
from research.present.deck.spec import (
    HORIZONTAL_KINDS,
    INTERVAL_KINDS,
    INTERVAL_SERIES,
    KEY_SHAPE,
    KEY_SWATCH,
    ChartSlide,
)
from research.present.deck.text import (
    contrast_text,
    count_lines,
    drop_theme_style,
    set_alt_text,
    text_height,
    text_width_pt,
    write_text,
)

#: The python-pptx chart type of each native kind.
NATIVE_KINDS: Final[dict[str, XL_CHART_TYPE]] = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "interval_bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "interval_column": XL_CHART_TYPE.COLUMN_CLUSTERED,
}
#: Name of the text box holding a column chart's axis label, above the chart.
AXIS_TITLE_SHAPE: Final[str] = "Axis title"


# --- the key above a chart ----------------------------------------------------------------------


def key_entries(spec: ChartSlide) -> list[tuple[RGBColor | None, str]]:
    """Return the key of a native chart: ``(swatch colour or None, text)`` in reading order.

    Several series are listed in series order, each with its colour; highlighted bars
    (blue) are named by ``highlight_label`` and the others (grey), if any, are "others"; an
    interval chart says what its bars and lines are.
    PowerPoint and LibreOffice order a horizontal bar chart's legend differently, so the
    deck writes this key instead of a legend.
    """
    entries: list[tuple[RGBColor | None, str]] = []
    if spec.highlight:
        entries.append((PRIMARY, spec.highlight_label or "highlighted"))
        if len(set(spec.highlight)) < len(spec.categories):
            entries.append((CONTEXT, "others"))
    if spec.kind in INTERVAL_KINDS:
        low, mid, high = INTERVAL_SERIES
        entries.append((None, f"Bars show the {mid}, lines the {interval_coverage(low, high)}"))
    elif len(spec.series) > 1:
        entries += [
            (SERIES_COLOURS[i % len(SERIES_COLOURS)], name)
            for i, (name, _) in enumerate(spec.series)
        ]
    return entries


def add_key(slide: Slide, entries: list[tuple[RGBColor | None, str]], box: Box) -> Box:
    """Write the chart key at the top of ``box`` and return the box left below it."""
    left, top, width, height = box
    spacer = "    "
    text = spacer.join(f"{KEY_SWATCH} {t}" if c is not None else t for c, t in entries)
    key_height = text_height(count_lines(text, CHART_TEXT_PT, width), CHART_TEXT_PT)
    shape = slide.shapes.add_textbox(left, top, width, key_height)
    shape.name = KEY_SHAPE
    frame = shape.text_frame
    write_text(frame, [""], CHART_TEXT_PT)
    para = frame.paragraphs[0]
    para.runs[0].text = ""
    for i, (colour, label) in enumerate(entries):
        parts = [(spacer if i else "", TEXT)]
        if colour is not None:
            parts.append((f"{KEY_SWATCH} ", colour))
        parts.append((label, TEXT))
        for part, part_colour in parts:
            if not part:
                continue
            run = para.add_run()
            run.text = part
            run.font.name, run.font.size = FONT, Pt(CHART_TEXT_PT)
            run.font.color.rgb = part_colour
    para._p.remove(para.runs[0]._r)
    return left, top + key_height, width, height - key_height


# --- geometry -----------------------------------------------------------------------------------


# --- the chart ----------------------------------------------------------------------------------


def _chart_data(spec: ChartSlide) -> CategoryChartData:
    """Return the chart's data: categories (two levels when grouped) and plotted series."""
    # python-pptx pastes this code into its chart XML unescaped ('<' in '[<0.005]' would
    # break it); the label and axis formats below go through lxml, which escapes them.
    data = CategoryChartData(number_format=xml_escape(spec.number_format.excel))
    if spec.groups:
        parent = None
        for group, label in zip(spec.groups, spec.categories, strict=True):
            if parent is None or parent.label != group:
                parent = data.add_category(group)
            parent.add_sub_category(label)
    else:
        data.categories = list(spec.categories)
    plotted = spec.series[1:2] if spec.kind in INTERVAL_KINDS else spec.series
    for name, values in plotted:
        data.add_series(name, values)
    return data


def add_native_chart(slide: Slide, spec: ChartSlide, box: Box) -> None:
    """Add an editable chart in the house style: palette, data labels, light gridlines.

    Categories read in the order given (top to bottom on horizontal kinds); grouped
    categories get a two-level axis; every category label is shown. Except on stacked
    bars, the plot area and value scale are set by hand (:func:`plot_geometry`) so the
    labels have room; a ``value_range`` fixes the value axis on every kind. Interval kinds
    draw the median as bars with custom error bars from p5 to p95, each data label just
    past its line. Colours: one series is blue, or grey with its highlighted bars blue;
    several series take the house palette without the verdict colours.

    Raises
    ------
    ValueError
        If a value lies outside the chart's ``value_range``.
    """
    check_value_range(spec)
    interval = spec.kind in INTERVAL_KINDS
    stacked = spec.kind == "stacked_bar"
    number_format = spec.number_format.excel
    if spec.axis_label and spec.kind not in HORIZONTAL_KINDS:
        box = _add_axis_text(slide, spec.axis_label, box)
    frame = slide.shapes.add_chart(NATIVE_KINDS[spec.kind], *box, _chart_data(spec))
    frame.name = "Chart"
    set_alt_text(frame, spec.title)
    chart = frame.chart
    chart.has_title = False
    chart.has_legend = False  # the key above the chart names the series, in order
    chart.font.name = FONT
    chart.font.size = Pt(CHART_TEXT_PT)
    chart.font.color.rgb = TEXT

    plot = chart.plots[0]
    multi = len(plot.series) > 1
    plot.vary_by_categories = False
    plot.gap_width = 60
    plot.overlap = 100 if stacked else (-10 if multi else 0)
    position = XL_LABEL_POSITION.CENTER if stacked else XL_LABEL_POSITION.OUTSIDE_END
    plot.has_data_labels = True
    _style_labels(plot.data_labels, number_format, position, TEXT)

    for i, series in enumerate(plot.series):
        if multi:
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        else:
            colour = CONTEXT if spec.highlight else PRIMARY
        series.invert_if_negative = False
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
        label_colour = contrast_text(colour) if stacked else TEXT
        _style_labels(series.data_labels, number_format, position, label_colour)
        for idx in spec.highlight:
            point = series.points[idx]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = PRIMARY

    value_axis = chart.value_axis
    g = None if stacked else plot_geometry(spec, box)
    # Log axes tick at whole decades, which need no decimals ('1,000M', not '1,000.0M');
    # linear ones take the decimals their step needs.
    axis_format = axis_code(spec.number_format, g.unit if g is not None else None)
    axis_format = re.sub(r"\.0+", "", axis_format) if spec.log_scale else axis_format
    value_axis.tick_labels.number_format = axis_format
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.tick_labels.font.size = Pt(CHART_TEXT_PT)
    value_axis.has_major_gridlines = True
    value_axis.has_minor_gridlines = False
    gridlines = value_axis.major_gridlines.format.line
    gridlines.color.rgb = GRID
    gridlines.width = Pt(0.75)
    value_axis.format.line.fill.background()
    if spec.log_scale:
        chart_xml.set_log_scale(value_axis)

    category_axis = chart.category_axis
    category_axis.has_major_gridlines = False
    category_axis.tick_labels.font.size = Pt(CHART_TEXT_PT)
    category_axis.format.line.color.rgb = GRID
    chart_xml.show_every_label(category_axis)
    if spec.kind in HORIZONTAL_KINDS:
        # Read top-down in the order given, with the value axis kept at the bottom.
        category_axis.reverse_order = True
        chart_xml.cross_at_last_category(value_axis)

    if g is None:  # stacked bars: the application places the plot
        if spec.value_range is not None:
            lo, hi, unit = value_scale(0.0, 1.0, spec.log_scale, spec.value_range)
            value_axis.minimum_scale, value_axis.maximum_scale = lo, hi
            if unit is not None:
                value_axis.major_unit = unit
                value_axis.tick_labels.number_format = axis_code(spec.number_format, unit)
        _add_axis_title(value_axis, spec, None)
        return
    chart_xml.set_plot_area(chart, g.x, g.y, g.w, g.h)
    value_axis.minimum_scale = g.lo
    value_axis.maximum_scale = g.hi
    if g.unit is not None:
        value_axis.major_unit = g.unit
    if interval:
        _draw_interval(plot.series[0], spec, g)
    for k, label in spec.dividers:
        _add_divider(slide, spec, box, g, k, label)
    _add_axis_title(value_axis, spec, g)


def _add_axis_text(slide: Slide, label: str, box: Box) -> Box:
    """Write a column chart's axis label above its value axis, reading left to right, and
    return the box left below it (an application would wrap a native title there)."""
    left, top, width, height = box
    text_h = text_height(count_lines(label, CHART_TEXT_PT, width), CHART_TEXT_PT)
    shape = slide.shapes.add_textbox(left, top, width, text_h)
    shape.name = AXIS_TITLE_SHAPE
    write_text(shape.text_frame, [label], CHART_TEXT_PT, colour=TEXT)
    return left, top + text_h, width, height - text_h


def _add_axis_title(value_axis, spec: ChartSlide, g: Geometry | None) -> None:
    """Title a horizontal chart's value axis with ``spec.axis_label``, centred under its
    tick labels in the room :func:`plot_geometry` left (where the application places it
    when ``g`` is None)."""
    if not spec.axis_label or spec.kind not in HORIZONTAL_KINDS:
        return
    value_axis.has_title = True
    frame = value_axis.axis_title.text_frame
    frame.text = spec.axis_label
    for run in frame.paragraphs[0].runs:
        run.font.name, run.font.size, run.font.bold = FONT, Pt(CHART_TEXT_PT), False
        run.font.color.rgb = TEXT
    chart_xml.horizontal_title(value_axis.axis_title)
    if g is None:
        return
    line = CHART_TEXT_PT * LINE_SPACING
    width = text_width_pt(spec.axis_label, CHART_TEXT_PT) / g.width_pt
    x = max(0.0, g.x + g.w / 2 - width / 2)
    y = 1.0 - (line + AXIS_TITLE_PAD_PT / 2) / g.height_pt
    chart_xml.place_title(value_axis.axis_title, x, y)


def _draw_interval(series, spec: ChartSlide, g: Geometry) -> None:
    """Draw p5 to p95 as error bars on the median bars and move each label past its line."""
    low, mid, high = (values for _, values in spec.series)
    chart_xml.add_error_bars(
        series,
        minus=[m - lo for lo, m in zip(low, mid, strict=True)],
        plus=[h - m for m, h in zip(mid, high, strict=True)],
        colour=TEXT,
    )
    horizontal = spec.kind in HORIZONTAL_KINDS
    for i, (m, h) in enumerate(zip(mid, high, strict=True)):
        reach = g.fraction(h) - g.fraction(m)
        if horizontal:
            dx, dy = reach * g.w + LABEL_PAD_PT / g.width_pt, 0.0
        else:
            dx, dy = 0.0, -(reach * g.h + LABEL_PAD_PT / g.height_pt)
        label = series.points[i].data_label
        label.position = XL_LABEL_POSITION.OUTSIDE_END
        label.font.name, label.font.size = FONT, Pt(CHART_TEXT_PT)
        label.font.color.rgb = TEXT
        chart_xml.offset_label(label, dx, dy, spec.number_format.excel_for(m))
    # A moved label would get a leader line back to its bar, drawn over the interval line.
    chart_xml.hide_leader_lines(series)


def _add_divider(slide: Slide, spec: ChartSlide, box: Box, g: Geometry, k: int, label: str) -> None:
    """Draw a dashed dark grey line between categories ``k - 1`` and ``k``, labelled."""
    left, top, width, height = box
    px, py = left + int(g.x * width), top + int(g.y * height)
    pw, ph = int(g.w * width), int(g.h * height)
    frac = k / len(spec.categories)
    label_w = int((text_width_pt(label, CHART_TEXT_PT) + 8) * EMU_PER_PT) + 2 * INSET_X
    label_h = text_height(1, CHART_TEXT_PT)
    if spec.kind in HORIZONTAL_KINDS:
        y = py + int(frac * ph)
        ends = (px, y, px + pw, y)
        where = (px + pw - label_w, y, label_w, label_h)
        align = PP_ALIGN.RIGHT
    else:
        x = px + int(frac * pw)
        ends = (x, py, x, py + ph)
        where = (x, py, label_w, label_h)
        align = PP_ALIGN.LEFT
    line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, *ends)
    line.name = "Divider"
    line.line.color.rgb = REFERENCE
    line.line.width = Pt(1.5)
    line.line.dash_style = MSO_LINE.DASH
    drop_theme_style(line)
    text_box = slide.shapes.add_textbox(*where)
    text_box.name = "Divider label"
    write_text(text_box.text_frame, [label], CHART_TEXT_PT, colour=REFERENCE, align=align)


def _style_labels(
    labels: DataLabels, number_format: str, position: XL_LABEL_POSITION, colour: RGBColor
) -> None:
    """Show values on ``labels`` in ``number_format`` and the house font."""
    labels.show_value = True
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.position = position
    font = labels.font
    font.name = FONT
    font.size = Pt(CHART_TEXT_PT)
    font.color.rgb = colour
