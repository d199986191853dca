"""Chart settings python-pptx has no property for, written into the chart's XML (DrawingML).

Each function changes one thing of a native chart: where its plot area sits, custom error
bars, the offset of one data label, leader lines, a log axis, which category labels show,
where the value axis crosses, and where an axis title sits and which way it reads.
Elements are inserted where the schema wants them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from lxml import etree
from pptx.chart.axis import AxisTitle, CategoryAxis, ValueAxis
from pptx.chart.chart import Chart
from pptx.chart.datalabel import DataLabel
from pptx.chart.series import BarSeries
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import BaseOxmlElement
from pptx.util import Pt

#: The Office 2012 chart namespace and the extension that switches data-label leader lines.
C15: Final[str] = "http://schemas.microsoft.com/office/drawing/2012/chart"
C15_LEADER_LINES_URI: Final[str] = "{CE6537A1-D6FC-4f65-9D91-7224C49458BB}"


def insert_before(
    parent: BaseOxmlElement, child: BaseOxmlElement, successors: Sequence[str]
) -> None:
    """Insert ``child`` into ``parent`` before the first of ``successors`` present, or last."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def set_plot_area(chart: Chart, x: float, y: float, w: float, h: float) -> None:
    """Place the chart's inner plot area at fractions of the frame (``c:manualLayout``)."""
    plot_area = chart.element.xpath("c:chart/c:plotArea")[0]
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = etree.SubElement(plot_area, qn("c:layout"))
        plot_area.remove(layout)
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    fields = [("c:layoutTarget", "inner"), ("c:xMode", "edge"), ("c:yMode", "edge")]
    fields += [(f"c:{k}", f"{v:.6f}") for k, v in (("x", x), ("y", y), ("w", w), ("h", h))]
    for tag, val in fields:
        etree.SubElement(manual, qn(tag)).set("val", val)


def add_error_bars(
    series: BarSeries, minus: Sequence[float], plus: Sequence[float], colour: RGBColor
) -> None:
    """Give ``series`` custom error bars reaching ``minus`` below and ``plus`` above each bar."""
    ser = series._element
    bars = etree.SubElement(ser, qn("c:errBars"))
    ser.remove(bars)
    for tag, val in (("c:errBarType", "both"), ("c:errValType", "cust"), ("c:noEndCap", "0")):
        etree.SubElement(bars, qn(tag)).set("val", val)
    for tag, values in (("c:plus", plus), ("c:minus", minus)):
        lit = etree.SubElement(etree.SubElement(bars, qn(tag)), qn("c:numLit"))
        etree.SubElement(lit, qn("c:formatCode")).text = "General"
        etree.SubElement(lit, qn("c:ptCount")).set("val", str(len(values)))
        for i, v in enumerate(values):
            pt = etree.SubElement(lit, qn("c:pt"))
            pt.set("idx", str(i))
            etree.SubElement(pt, qn("c:v")).text = repr(max(float(v), 0.0))
    line = etree.SubElement(etree.SubElement(bars, qn("c:spPr")), qn("a:ln"))
    line.set("w", str(int(Pt(1.25))))
    fill = etree.SubElement(line, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr")).set("val", str(colour))
    insert_before(ser, bars, ("c:cat", "c:val", "c:shape", "c:extLst"))


def offset_label(label: DataLabel, dx: float, dy: float, number_format: str) -> None:
    """Move one data label by ``dx``, ``dy`` (fractions of the chart) and set its format."""
    d_lbl = label._dLbl
    layout = etree.Element(qn("c:layout"))
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    etree.SubElement(manual, qn("c:x")).set("val", f"{dx:.6f}")
    etree.SubElement(manual, qn("c:y")).set("val", f"{dy:.6f}")
    d_lbl.find(qn("c:idx")).addnext(layout)
    num_fmt = etree.Element(qn("c:numFmt"))
    num_fmt.set("formatCode", number_format)
    num_fmt.set("sourceLinked", "0")
    layout.addnext(num_fmt)


def hide_leader_lines(series: BarSeries) -> None:
    """Switch off the leader lines from moved data labels back to their bars."""
    d_lbls = series._element.find(qn("c:dLbls"))
    hide = d_lbls.find(qn("c:showLeaderLines"))
    if hide is None:
        hide = etree.Element(qn("c:showLeaderLines"))
        insert_before(d_lbls, hide, ("c:leaderLines", "c:extLst"))
    hide.set("val", "0")
    ext_lst = d_lbls.find(qn("c:extLst"))
    if ext_lst is None:
        ext_lst = etree.SubElement(d_lbls, qn("c:extLst"))
    ext = etree.SubElement(ext_lst, qn("c:ext"), nsmap={"c15": C15})
    ext.set("uri", C15_LEADER_LINES_URI)
    etree.SubElement(ext, f"{{{C15}}}showLeaderLines").set("val", "0")


def set_log_scale(value_axis: ValueAxis) -> None:
    """Draw ``value_axis`` on a log-10 scale (``c:logBase``, the first child of ``c:scaling``)."""
    scaling = value_axis._element.find(qn("c:scaling"))
    log_base = etree.SubElement(scaling, qn("c:logBase"))
    log_base.set("val", "10")
    scaling.remove(log_base)
    scaling.insert(0, log_base)


def show_every_label(category_axis: CategoryAxis) -> None:
    """Show every category label, never every other one (``c:tickLblSkip`` of 1)."""
    cat_ax = category_axis._element
    for old in cat_ax.findall(qn("c:tickLblSkip")):
        cat_ax.remove(old)
    skip = etree.Element(qn("c:tickLblSkip"))
    skip.set("val", "1")
    insert_before(cat_ax, skip, ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst"))


def cross_at_last_category(value_axis: ValueAxis) -> None:
    """Make the value axis cross the category axis at its last category.

    ``c:crosses`` on ``c:valAx`` says where that axis crosses the other one; python-pptx
    only exposes the opposite direction.
    """
    for crosses in value_axis._element.findall(qn("c:crosses")):
        crosses.set("val", "max")


def horizontal_title(title: AxisTitle) -> None:
    """Make an axis title read left to right (a vertical axis's title is turned by default)."""
    body = title._title.find(qn("c:tx")).find(qn("c:rich")).find(qn("a:bodyPr"))
    body.set("rot", "0")
    body.set("vert", "horz")
    body.set("wrap", "none")


def place_title(title: AxisTitle, x: float, y: float) -> None:
    """Put an axis title's top left corner at ``x``, ``y`` (fractions of the chart frame)."""
    layout = title._title.find(qn("c:layout"))
    if layout is None:
        layout = etree.Element(qn("c:layout"))
        insert_before(title._title, layout, ("c:overlay", "c:spPr", "c:txPr", "c:extLst"))
    for child in list(layout):
        layout.remove(child)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    for tag, val in (("c:xMode", "edge"), ("c:yMode", "edge"), ("c:x", x), ("c:y", y)):
        etree.SubElement(manual, qn(tag)).set("val", val if isinstance(val, str) else f"{val:.6f}")
