"""The deck layer: a generic, data-driven PowerPoint writer for consultants' decks.

This module knows nothing about the models. Another module maps results into a
:class:`DeckSpec` (a verdict, reasons, :class:`ChartSlide` specs, assumptions and
sources); :func:`build_deck` turns the spec into a 16:9 presentation in the house
style and :func:`write_deck` saves it atomically. Native charts are built from
python-pptx's ``CategoryChartData`` so a consultant can restyle them and see the
numbers behind them in PowerPoint; :func:`read_chart_series` reopens a deck and
returns those numbers so tests and the report can check them against the data.

Native charts read in data order: horizontal bars top to bottom (category axis in
reverse order, value axis at the bottom), columns left to right, series in the order
given. Their key is a line of text above the chart, not a legend, because PowerPoint and
LibreOffice list a horizontal bar chart's legend in opposite orders. Interval charts
(``'interval_bar'``, ``'interval_column'``) draw the median as bars and p5 to p95 as
custom error bars, each value label moved just past its line; grouped categories get a
two-level axis. The plot area and value scale are placed by hand from measured label
widths, so labels have room whichever application draws the chart.

House style: one sans font (Calibri), dark grey text, the colourblind-safe
Okabe-Ito palette, titles at 28 pt (shrunk for long titles, never truncated),
body text at 14 pt or more and source footnotes at 10 pt. Text sizes are checked
against an estimate of how many lines the text needs; text that cannot fit even
at the smallest allowed size raises ``ValueError`` rather than overflowing.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pptx
from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.chart.datalabel import DataLabels
from pptx.chart.series import BarSeries
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.parts.image import Image
from pptx.presentation import Presentation
from pptx.shapes.base import BaseShape
from pptx.slide import Slide, SlideLayout
from pptx.table import _Cell
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from research.files import atomic_write
from research.present import style as charts

# --- house style -------------------------------------------------------------------------------

#: The one font of the house style.
FONT: Final[str] = "Calibri"


def _rgb(hex_colour: str) -> RGBColor:
    """Return a ``#RRGGBB`` colour of the charts' house style as a python-pptx colour."""
    return RGBColor.from_string(hex_colour.lstrip("#"))


#: Colour of single-series bars.
PRIMARY: Final[RGBColor] = _rgb(charts.PRIMARY)
#: Colour of highlighted bars.
ACCENT: Final[RGBColor] = _rgb(charts.ACCENT)
#: Colour of text.
TEXT: Final[RGBColor] = RGBColor.from_string("333333")
#: Colour of footnotes and captions.
MUTED: Final[RGBColor] = RGBColor.from_string("595959")
#: Colour of gridlines and axis lines.
GRID: Final[RGBColor] = RGBColor.from_string("D9D9D9")
#: Fill of every other table row.
BAND: Final[RGBColor] = RGBColor.from_string("F2F2F2")
WHITE: Final[RGBColor] = RGBColor.from_string("FFFFFF")
#: Verdict badge colours, as in the charts (:data:`research.present.style.VERDICT_COLOURS`).
VERDICT_COLOURS: Final[dict[str, RGBColor]] = {
    k: _rgb(v) for k, v in charts.VERDICT_COLOURS.items()
}
#: Series colours of multi-series charts, in order.
SERIES_COLOURS: Final[tuple[RGBColor, ...]] = tuple(_rgb(c) for c in charts.PALETTE)

#: Title sizes tried in turn (pt); the first at which the title fits on two lines is used.
TITLE_SIZES_PT: Final[tuple[int, ...]] = (28, 24, 20)
CHART_TEXT_PT: Final[int] = 14
TABLE_TEXT_PT: Final[int] = 14
FOOTNOTE_PT: Final[int] = 10
#: Verdict line sizes tried in turn (pt).
VERDICT_LINE_SIZES_PT: Final[tuple[int, ...]] = (22, 20, 18, 16)
#: Reason bullet sizes tried in turn (pt).
REASON_SIZES_PT: Final[tuple[int, ...]] = (20, 18, 16, 14)
#: Table rows per slide at most; longer tables continue on the next slide.
MAX_TABLE_ROWS: Final[int] = 10
#: Pictures shown at fewer pixels per inch than this trigger a warning (1920 px over 13.33 in).
MIN_IMAGE_DPI: Final[int] = 144

# --- geometry (EMU) ------------------------------------------------------------------------------

SLIDE_WIDTH: Final[int] = 12192000  # 13.333 in
SLIDE_HEIGHT: Final[int] = 6858000  # 7.5 in
_TEMPLATE_WIDTH: Final[int] = 9144000  # the default template is 4:3, 10 in wide
MARGIN: Final[int] = Inches(0.5)
CONTENT_WIDTH: Final[int] = SLIDE_WIDTH - 2 * MARGIN
_TITLE_TOP: Final[int] = Inches(0.3)
_TITLE_MIN_HEIGHT: Final[int] = Inches(1.1)
_BOTTOM_MARGIN: Final[int] = Inches(0.25)
_GAP: Final[int] = Inches(0.15)
_MIN_BODY_HEIGHT: Final[int] = Inches(2.5)
_INSET_X: Final[int] = Inches(0.1)  # python-pptx / PowerPoint default text insets
_INSET_Y: Final[int] = Inches(0.05)
_LINE_SPACING: Final[float] = 1.2
_EMU_PER_PT: Final[int] = 12700

KINDS: Final[tuple[str, ...]] = (
    "bar",
    "column",
    "stacked_bar",
    "interval_bar",
    "interval_column",
    "image",
)
NATIVE_KINDS: Final[dict[str, XL_CHART_TYPE]] = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "interval_bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "interval_column": XL_CHART_TYPE.COLUMN_CLUSTERED,
}
#: Kinds drawn as the central series with error bars from the low to the high series.
INTERVAL_KINDS: Final[tuple[str, ...]] = ("interval_bar", "interval_column")
#: Series names, in order, of an interval chart: low and high percentiles around the median.
INTERVAL_SERIES: Final[tuple[str, str, str]] = ("p5", "median", "p95")
#: Kinds whose categories run down the vertical axis, first category on top.
HORIZONTAL_KINDS: Final[tuple[str, ...]] = ("bar", "stacked_bar", "interval_bar")
VERDICTS: Final[tuple[str, ...]] = tuple(VERDICT_COLOURS)
#: Name of the source text box on every chart slide (tests and readers find it by name).
SOURCE_SHAPE: Final[str] = "Source footnote"
#: Name of the key above a native chart (what the colours and lines mean, in series order).
KEY_SHAPE: Final[str] = "Chart key"
#: The swatch that starts each entry of a chart key.
KEY_SWATCH: Final[str] = "\u25a0"
#: Gap (pt) between the end of an interval's line and its data label.
_LABEL_PAD_PT: Final[float] = 8.0
#: The Office 2012 chart namespace and the extension that switches data-label leader lines.
_C15: Final[str] = "http://schemas.microsoft.com/office/drawing/2012/chart"
_C15_LEADER_LINES_URI: Final[str] = "{CE6537A1-D6FC-4f65-9D91-7224C49458BB}"

_ASSUMPTIONS_HEADER: Final[tuple[str, ...]] = ("Assumption", "Range", "Rationale")
_ASSUMPTIONS_WIDTHS: Final[tuple[float, ...]] = (0.25, 0.2, 0.55)
_ASSUMPTIONS_FOOTNOTE: Final[str] = "Analyst assumptions, not sourced evidence."
_SOURCES_HEADER: Final[tuple[str, ...]] = ("Source", "Citation")
_SOURCES_WIDTHS: Final[tuple[float, ...]] = (0.18, 0.82)


# --- specs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartSlide:
    """One chart slide: an action title, a chart, a source footnote and speaker notes.

    Parameters
    ----------
    title
        The action title: the one sentence the chart proves.
    source_line
        Shown verbatim as the footnote at the bottom of the slide.
    notes
        Speaker notes.
    kind
        ``'bar'`` (horizontal clustered bars, first category on top), ``'column'``
        (clustered columns), ``'stacked_bar'`` (horizontal stacked bars),
        ``'interval_bar'`` / ``'interval_column'`` (the median as bars, with a line from
        the low to the high percentile on each; ``series`` must be named
        :data:`INTERVAL_SERIES` in that order and hold non-negative values) or ``'image'``
        (a PNG from ``image``, fitted inside the body keeping its aspect ratio).
    categories
        Category labels of a native chart, in reading order (top to bottom on
        horizontal kinds, left to right on columns).
    series
        ``(name, values)`` pairs of a native chart, one value per category; series keep
        this order in the chart and in its key.
    number_format
        Excel number format of the value axis and data labels, ``'0%'`` for shares 0-1.
    image
        PNG file of an ``'image'`` slide.
    highlight
        Category indexes whose bars take the accent colour (single-series and interval
        charts only).
    log_scale
        Draw the value axis on a log-10 scale (for values spanning several orders of
        magnitude, such as a market funnel); values must be positive.
    groups
        Optional group label per category (such as ``'Age'`` for ``'18-24'``); each group
        must be one contiguous run. Grouped categories are drawn as a two-level axis.
    highlight_label
        What the highlighted bars are (``"the brand's target"``), shown in the chart key.
    dividers
        ``(k, label)`` pairs: a dashed line between categories ``k - 1`` and ``k`` with a
        short label (such as a caution price between two spend bands). Not on stacked bars.
    """

    title: str
    source_line: str
    notes: str
    kind: str
    categories: tuple[str, ...] = ()
    series: tuple[tuple[str, tuple[float, ...]], ...] = ()
    number_format: str = "0%"
    image: Path | None = None
    highlight: tuple[int, ...] = ()
    log_scale: bool = False
    groups: tuple[str, ...] = ()
    highlight_label: str = ""
    dividers: tuple[tuple[int, str], ...] = ()

    def __post_init__(self) -> None:
        """Check the spec and normalise its sequences to tuples of plain Python values."""
        where = f"ChartSlide {self.title!r}"
        if self.kind not in KINDS:
            raise ValueError(f"{where}: kind {self.kind!r} is not one of {', '.join(KINDS)}.")
        if not str(self.title).strip():
            raise ValueError(f"ChartSlide: title is empty (source line {self.source_line!r}).")
        if not str(self.source_line).strip():
            raise ValueError(f"{where}: source_line is empty; every chart names its sources.")
        categories = tuple(str(c) for c in self.categories)
        series = tuple((str(name), tuple(float(v) for v in values)) for name, values in self.series)
        highlight = tuple(int(i) for i in self.highlight)
        groups = tuple(str(g) for g in self.groups)
        dividers = tuple((int(k), str(label)) for k, label in self.dividers)
        image = Path(self.image) if self.image is not None else None
        object.__setattr__(self, "categories", categories)
        object.__setattr__(self, "series", series)
        object.__setattr__(self, "highlight", highlight)
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "dividers", dividers)
        object.__setattr__(self, "highlight_label", str(self.highlight_label).strip())
        object.__setattr__(self, "image", image)
        if self.kind == "image":
            if image is None:
                raise ValueError(f"{where}: kind 'image' needs an image path.")
            if categories or series or highlight or groups or dividers:
                raise ValueError(
                    f"{where}: an 'image' slide holds a picture, not data; leave categories, "
                    "series, highlight, groups and dividers empty or use a native kind."
                )
            return
        if image is not None:
            raise ValueError(f"{where}: image is only used by kind 'image', not {self.kind!r}.")
        if not categories:
            raise ValueError(f"{where}: a {self.kind!r} chart needs at least one category.")
        if not series:
            raise ValueError(f"{where}: a {self.kind!r} chart needs at least one series.")
        names = [name for name, _ in series]
        if len(set(names)) != len(names) or not all(n.strip() for n in names):
            raise ValueError(f"{where}: series names must be unique and non-empty, got {names}.")
        for name, values in series:
            if len(values) != len(categories):
                raise ValueError(
                    f"{where}: series {name!r} has {len(values)} values "
                    f"for {len(categories)} categories."
                )
            if not all(math.isfinite(v) for v in values):
                raise ValueError(f"{where}: series {name!r} holds a non-finite value: {values}.")
        interval = self.kind in INTERVAL_KINDS
        if interval:
            _check_interval(where, series)
        if highlight and len(series) > 1 and not interval:
            raise ValueError(f"{where}: highlight works on single-series charts only.")
        bad = [i for i in highlight if not 0 <= i < len(categories)]
        if bad:
            raise ValueError(
                f"{where}: highlight indexes {bad} are outside 0..{len(categories) - 1}."
            )
        for k, label in dividers:
            if self.kind == "stacked_bar" or not 0 < k < len(categories) or not label.strip():
                raise ValueError(
                    f"{where}: divider ({k}, {label!r}) must fall between two categories "
                    f"(1..{len(categories) - 1}), have a label and not be on stacked bars."
                )
        if self.log_scale and any(v <= 0 for _, values in series for v in values):
            raise ValueError(f"{where}: a log-scale chart needs positive values only.")
        if groups:
            if len(groups) != len(categories):
                raise ValueError(
                    f"{where}: {len(groups)} groups for {len(categories)} categories; "
                    "give one group label per category."
                )
            if not all(g.strip() for g in groups):
                raise ValueError(f"{where}: group labels must be non-empty, got {groups}.")
            runs = [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
            if len(set(runs)) != len(runs):
                raise ValueError(
                    f"{where}: each group must be one contiguous run of categories, "
                    f"got {list(groups)}."
                )


def _check_interval(where: str, series: tuple[tuple[str, tuple[float, ...]], ...]) -> None:
    """Raise ``ValueError`` unless ``series`` are p5, median and p95 with p5 <= median <= p95."""
    names = tuple(name for name, _ in series)
    if names != INTERVAL_SERIES:
        raise ValueError(
            f"{where}: an interval chart needs the series {list(INTERVAL_SERIES)} in that "
            f"order, got {list(names)}."
        )
    low, mid, high = (values for _, values in series)
    for i, (lo, m, hi) in enumerate(zip(low, mid, high, strict=True)):
        if lo < 0:
            raise ValueError(f"{where}: interval charts show non-negative values; {lo} at {i}.")
        tol = 1e-9 * max(abs(hi), 1.0)
        if not lo - tol <= m <= hi + tol:
            raise ValueError(
                f"{where}: category {i} has {names[1]} {m} outside "
                f"{names[0]} {lo} to {names[2]} {hi}."
            )


def interval_coverage(low: str = INTERVAL_SERIES[0], high: str = INTERVAL_SERIES[2]) -> str:
    """Return the interval between two percentile names as words: ``'90% interval'``."""
    a, b = (int(re.fullmatch(r"p(\d{1,2})", n).group(1)) for n in (low, high))
    return f"{b - a}% interval"


@dataclass(frozen=True)
class DeckSpec:
    """Everything a deck shows, in the order it shows it.

    Parameters
    ----------
    title, subtitle
        The title slide.
    verdict
        ``'GO'``, ``'CONDITIONAL'`` or ``'NO-GO'``.
    p_go
        Probability (0-1) of the GO outcome, shown as a percentage.
    verdict_line
        One sentence that states the verdict and its main condition.
    reasons
        Reasons, most important first; the first three go on the summary slide and the rest
        into its speaker notes.
    charts
        One slide each, in order.
    assumptions
        ``(name, range text, rationale)`` rows of the assumptions table.
    sources
        ``(source id, citation)`` rows of the sources table.
    summary_notes
        Speaker notes of the executive summary.
    """

    title: str
    subtitle: str
    verdict: str
    p_go: float
    verdict_line: str
    reasons: tuple[str, ...]
    charts: tuple[ChartSlide, ...]
    assumptions: tuple[tuple[str, str, str], ...]
    sources: tuple[tuple[str, str], ...]
    summary_notes: str = ""

    def __post_init__(self) -> None:
        """Check the spec and normalise its sequences to tuples of strings."""
        if self.verdict not in VERDICTS:
            raise ValueError(
                f"DeckSpec: verdict {self.verdict!r} is not one of {', '.join(VERDICTS)}."
            )
        p_go = float(self.p_go)
        if not 0.0 <= p_go <= 1.0:
            raise ValueError(f"DeckSpec: p_go must be a probability in [0, 1], got {p_go}.")
        if not str(self.title).strip():
            raise ValueError("DeckSpec: title is empty.")
        reasons = tuple(str(r) for r in self.reasons)
        if not reasons or not all(r.strip() for r in reasons):
            raise ValueError("DeckSpec: reasons must hold at least one non-empty reason.")
        charts = tuple(self.charts)
        if not all(isinstance(c, ChartSlide) for c in charts):
            raise ValueError("DeckSpec: charts must be ChartSlide objects.")
        object.__setattr__(self, "p_go", p_go)
        object.__setattr__(self, "reasons", reasons)
        object.__setattr__(self, "charts", charts)
        object.__setattr__(self, "assumptions", _rows(self.assumptions, 3, "assumptions"))
        object.__setattr__(self, "sources", _rows(self.sources, 2, "sources"))


def _rows(rows: Sequence[Sequence[str]], width: int, field: str) -> tuple[tuple[str, ...], ...]:
    """Return ``rows`` as tuples of strings, each checked to hold ``width`` cells."""
    out = tuple(tuple(str(cell) for cell in row) for row in rows)
    for i, row in enumerate(out):
        if len(row) != width:
            raise ValueError(f"DeckSpec: {field} row {i} has {len(row)} cells, expected {width}.")
    return out


# --- public API ----------------------------------------------------------------------------------


def build_deck(spec: DeckSpec) -> Presentation:
    """Return a new 16:9 presentation holding the deck that ``spec`` describes.

    Slides, in order: title; executive summary; one per chart; assumptions (as many
    slides as the table needs, at most 10 rows each); sources (likewise).

    Parameters
    ----------
    spec
        What the deck shows.

    Returns
    -------
    pptx.presentation.Presentation
        The unsaved presentation.

    Raises
    ------
    ValueError
        If a text cannot fit its box even at the smallest allowed font size.
    FileNotFoundError
        If an image slide's PNG does not exist.
    """
    prs = pptx.Presentation()
    _apply_house_template(prs)
    _add_title_slide(prs, spec)
    _add_summary_slide(prs, spec)
    for chart in spec.charts:
        _add_chart_slide(prs, chart)
    _add_table_slides(
        prs,
        "Analyst assumptions",
        _ASSUMPTIONS_HEADER,
        spec.assumptions,
        _ASSUMPTIONS_WIDTHS,
        footnote=_ASSUMPTIONS_FOOTNOTE,
        empty_text="No analyst assumptions enter this analysis.",
    )
    _add_table_slides(
        prs,
        "Sources",
        _SOURCES_HEADER,
        spec.sources,
        _SOURCES_WIDTHS,
        footnote=None,
        empty_text="No sources listed.",
    )
    return prs


def write_deck(spec: DeckSpec, path: str | Path) -> Path:
    """Return the path of the ``.pptx`` deck written atomically from ``spec``.

    The deck is saved to a temporary file in the target's folder and moved onto the
    target with ``os.replace``, so an interrupted or failed run leaves either the
    previous file or the new one, never a half-written deck. The folder is created
    if needed.

    Parameters
    ----------
    spec
        What the deck shows.
    path
        Target file; must end in ``.pptx``.

    Returns
    -------
    pathlib.Path
        ``path`` as a Path.
    """
    target = Path(path)
    if target.suffix.lower() != ".pptx":
        raise ValueError(f"write_deck: deck path {str(target)!r} must end in '.pptx'.")
    prs = build_deck(spec)
    with atomic_write(target) as fh:
        prs.save(fh)
    return target






# --- text fitting --------------------------------------------------------------------------------


def _char_em(ch: str) -> float:
    """Return an upper estimate of a Calibri character's advance width, in em."""
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch == " ":
        return 0.25
    if ch.isupper() or ch in "%&@#mwMW":
        return 0.65
    return 0.52


def _count_lines(text: str, size_pt: float, width_emu: int) -> int:
    """Return the estimated number of lines ``text`` wraps to in a box ``width_emu`` wide."""
    width = (width_emu - 2 * _INSET_X) / _EMU_PER_PT  # pt
    lines = 0
    for paragraph in str(text).split("\n"):
        n, used = 1, 0.0
        for word in paragraph.split(" "):
            w = sum(_char_em(c) for c in word) * size_pt
            space = 0.25 * size_pt if used else 0.0
            if used and used + space + w > width:
                n, used = n + 1, w
            else:
                used += space + w
            while used > width:  # a word longer than the line breaks anywhere
                n, used = n + 1, used - width
        lines += n
    return lines


def _text_height(lines: int, size_pt: float) -> int:
    """Return the height (EMU) of ``lines`` lines of ``size_pt`` text plus the box insets."""
    return int(lines * size_pt * _LINE_SPACING * _EMU_PER_PT) + 2 * _INSET_Y


def _fit_size(
    paragraphs: Sequence[str],
    sizes: Sequence[int],
    width: int,
    height: int,
    where: str,
    extra_pt: float = 0.0,
) -> int:
    """Return the largest of ``sizes`` at which ``paragraphs`` fit the box, else raise."""
    for size in sizes:
        lines = sum(_count_lines(p, size, width) for p in paragraphs)
        needed = _text_height(lines, size) + int(extra_pt * (len(paragraphs) - 1) * _EMU_PER_PT)
        if needed <= height:
            return size
    raise ValueError(
        f"{where}: the text does not fit its box even at {sizes[-1]} pt "
        f"({sum(len(p) for p in paragraphs)} characters); shorten it."
    )


def _write(
    frame: TextFrame,
    paragraphs: Sequence[str],
    size_pt: float,
    *,
    bold: bool = False,
    colour: RGBColor = TEXT,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    space_after_pt: float = 0.0,
) -> None:
    """Fill ``frame`` with one house-style paragraph per item of ``paragraphs``."""
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for i, text in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = align
        if space_after_pt:
            para.space_after = Pt(space_after_pt)
        run = para.add_run()
        run.text = text
        font = run.font
        font.name = FONT
        font.size = Pt(size_pt)
        font.bold = bold
        font.color.rgb = colour


def _contrast_text(fill: RGBColor) -> RGBColor:
    """Return white or dark text, whichever contrasts more with ``fill`` (WCAG luminance)."""

    def luminance(rgb: RGBColor) -> float:
        channels = []
        for c in rgb:
            s = c / 255
            channels.append(s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    bg = luminance(fill)
    on_white = 1.05 / (bg + 0.05)
    on_dark = (bg + 0.05) / (luminance(RGBColor.from_string("000000")) + 0.05)
    return WHITE if on_white >= on_dark else RGBColor.from_string("000000")


def _set_alt_text(shape: BaseShape, text: str) -> None:
    """Set the accessibility description (alt text) of a picture or graphic frame."""
    c_nv_pr = shape._element.xpath("./*[1]/p:cNvPr")
    if c_nv_pr:
        c_nv_pr[0].set("descr", text)


# --- template and slides -------------------------------------------------------------------------


def _apply_house_template(prs: Presentation) -> None:
    """Make the default template 16:9 and give its master the house title and body style."""
    prs.slide_width = Emu(SLIDE_WIDTH)
    prs.slide_height = Emu(SLIDE_HEIGHT)
    scale = SLIDE_WIDTH / _TEMPLATE_WIDTH
    master = prs.slide_master
    for shapes in [master.shapes, *(layout.shapes for layout in prs.slide_layouts)]:
        for shape in shapes:
            for xfrm in shape._element.xpath("./p:spPr/a:xfrm"):
                xfrm.off.x = int(xfrm.off.x * scale)
                xfrm.ext.cx = int(xfrm.ext.cx * scale)
    tx_styles = master._element.find(qn("p:txStyles"))
    if tx_styles is None:
        return
    title = tx_styles.find(qn("p:titleStyle"))
    if title is not None:
        for lvl in title.findall(qn("a:lvl1pPr")):
            lvl.set("algn", "l")
            _restyle_def_rpr(lvl, TITLE_SIZES_PT[0])
    body = tx_styles.find(qn("p:bodyStyle"))
    if body is not None:
        for level in range(1, 10):
            for lvl in body.findall(qn(f"a:lvl{level}pPr")):
                _restyle_def_rpr(lvl, 20 if level == 1 else 18 if level == 2 else 16)


def _restyle_def_rpr(lvl: etree._Element, size_pt: int) -> None:
    """Set a master text level's default run to ``size_pt`` in the house text colour."""
    d = lvl.find(qn("a:defRPr"))
    if d is None:
        return
    d.set("sz", str(size_pt * 100))
    for fill in d.findall(qn("a:solidFill")):
        for child in list(fill):
            fill.remove(child)
        clr = fill.makeelement(qn("a:srgbClr"), {"val": str(TEXT)})
        fill.append(clr)


def _layout(prs: Presentation, name: str) -> SlideLayout:
    """Return the slide layout called ``name`` in the default template."""
    for layout in prs.slide_layouts:
        if layout.name == name:
            return layout
    raise LookupError(f"The default template has no layout {name!r}.")


def _add_notes(slide: Slide, text: str) -> None:
    """Put ``text`` in the slide's speaker notes (nothing when empty)."""
    if text:
        slide.notes_slide.notes_text_frame.text = text


def _place_title(slide: Slide, text: str) -> int:
    """Write the slide title (shrinking long ones) and return the bottom of its box (EMU)."""
    shape = slide.shapes.title
    for size in TITLE_SIZES_PT:
        lines = _count_lines(text, size, CONTENT_WIDTH)
        if lines <= 2:
            break
    height = max(_TITLE_MIN_HEIGHT, _text_height(lines, size))
    shape.left, shape.top, shape.width, shape.height = MARGIN, _TITLE_TOP, CONTENT_WIDTH, height
    frame = shape.text_frame
    _write(frame, text.split("\n"), size, bold=True)
    frame.vertical_anchor = MSO_ANCHOR.TOP
    return _TITLE_TOP + height


def _place_footnote(slide: Slide, text: str, name: str) -> int:
    """Add a footnote text box at the bottom of the slide and return its top (EMU)."""
    lines = sum(_count_lines(p, FOOTNOTE_PT, CONTENT_WIDTH) for p in text.split("\n"))
    height = _text_height(lines, FOOTNOTE_PT)
    top = SLIDE_HEIGHT - _BOTTOM_MARGIN - height
    box = slide.shapes.add_textbox(MARGIN, top, CONTENT_WIDTH, height)
    box.name = name
    _write(box.text_frame, text.split("\n"), FOOTNOTE_PT, colour=MUTED)
    box.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    return top


def _body_box(title_bottom: int, footnote_top: int, where: str) -> tuple[int, int, int, int]:
    """Return ``(left, top, width, height)`` of the body between title and footnote (EMU)."""
    top = title_bottom + _GAP
    height = footnote_top - _GAP - top
    if height < _MIN_BODY_HEIGHT:
        raise ValueError(
            f"{where}: title and footnote leave only {height / 914400:.1f} in for the body; "
            "shorten them."
        )
    return MARGIN, top, CONTENT_WIDTH, height


def _add_title_slide(prs: Presentation, spec: DeckSpec) -> None:
    """Add the title slide (title and subtitle)."""
    slide = prs.slides.add_slide(_layout(prs, "Title Slide"))
    width = SLIDE_WIDTH - 2 * Inches(1)
    title_size = _fit_size([spec.title], (40, 36, 32, 28), width, Inches(2.2), "DeckSpec.title")
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Inches(1), Inches(1.9), width, Inches(2.2)
    _write(title.text_frame, [spec.title], title_size, bold=True)
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    subtitle = next(
        s for s in slide.placeholders if s.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE
    )
    subtitle.left, subtitle.top = Inches(1), Inches(4.3)
    subtitle.width, subtitle.height = width, Inches(1.6)
    if spec.subtitle:
        size = _fit_size(
            spec.subtitle.split("\n"), (20, 18, 16, 14), width, Inches(1.6), "DeckSpec.subtitle"
        )
        _write(subtitle.text_frame, spec.subtitle.split("\n"), size, colour=MUTED)
        subtitle.text_frame.vertical_anchor = MSO_ANCHOR.TOP
    else:
        subtitle._element.getparent().remove(subtitle._element)


def _add_summary_slide(prs: Presentation, spec: DeckSpec) -> None:
    """Add the executive summary: verdict badge, P(GO), verdict line and top three reasons."""
    slide = prs.slides.add_slide(_layout(prs, "Title and Content"))
    top = _place_title(slide, "Executive summary") + _GAP
    bottom = SLIDE_HEIGHT - _BOTTOM_MARGIN
    left_width = Inches(3.9)

    colour = VERDICT_COLOURS[spec.verdict]
    badge = slide.shapes.add_shape(
        MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN, top, left_width, Inches(1.5)
    )
    badge.name = "Verdict badge"
    badge.fill.solid()
    badge.fill.fore_color.rgb = colour
    badge.line.fill.background()
    badge.shadow.inherit = False
    badge_size = next(
        s for s in (44, 40, 36, 32, 28, 24) if _count_lines(spec.verdict, s, left_width) == 1
    )
    _write(
        badge.text_frame,
        [spec.verdict],
        badge_size,
        bold=True,
        colour=_contrast_text(colour),
        align=PP_ALIGN.CENTER,
    )
    badge.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE

    p_top = top + Inches(1.5) + _GAP
    p_box = slide.shapes.add_textbox(MARGIN, p_top, left_width, Inches(1.4))
    p_box.name = "P(GO)"
    _write(p_box.text_frame, [f"{spec.p_go:.0%}"], 44, bold=True, colour=TEXT)
    caption = p_box.text_frame.add_paragraph()
    run = caption.add_run()
    run.text = "probability of GO"
    run.font.name, run.font.size, run.font.color.rgb = FONT, Pt(16), MUTED

    right = MARGIN + left_width + Inches(0.4)
    right_width = SLIDE_WIDTH - MARGIN - right
    line_height = Inches(1.3)
    line_size = _fit_size(
        [spec.verdict_line], VERDICT_LINE_SIZES_PT, right_width, line_height, "verdict_line"
    )
    line_box = slide.shapes.add_textbox(right, top, right_width, line_height)
    line_box.name = "Verdict line"
    _write(line_box.text_frame, [spec.verdict_line], line_size, bold=True)

    shown, rest = spec.reasons[:3], spec.reasons[3:]
    body = next(s for s in slide.placeholders if s.placeholder_format.idx == 1)
    reasons_top = top + line_height + _GAP
    body.left, body.top = right, reasons_top
    body.width, body.height = right_width, bottom - reasons_top
    bullet_width = right_width - Inches(0.375)  # the master's bullet indent
    size = _fit_size(shown, REASON_SIZES_PT, bullet_width, body.height, "reasons", extra_pt=10)
    _write(body.text_frame, shown, size, space_after_pt=10)
    body.name = "Reasons"

    notes = spec.summary_notes
    if rest:
        further = "\n".join(f"- {r}" for r in rest)
        notes = f"{notes}\n\nFurther reasons (not on the slide):\n{further}".strip()
    _add_notes(slide, notes)


def _add_chart_slide(prs: Presentation, spec: ChartSlide) -> None:
    """Add one chart slide: action title, chart or picture, source footnote, notes.

    A native chart that needs a key (several series, an interval or highlighted bars)
    gets one line above it saying what each colour and line is, in series order.
    """
    slide = prs.slides.add_slide(_layout(prs, "Title Only"))
    title_bottom = _place_title(slide, spec.title)
    footnote_top = _place_footnote(slide, spec.source_line, SOURCE_SHAPE)
    box = _body_box(title_bottom, footnote_top, f"ChartSlide {spec.title!r}")
    if spec.kind == "image":
        _add_picture(slide, spec, box)
    else:
        entries = key_entries(spec)
        if entries:
            box = _add_key(slide, entries, box)
        _add_native_chart(slide, spec, box)
    _add_notes(slide, spec.notes)


def _add_picture(slide: Slide, spec: ChartSlide, box: tuple[int, int, int, int]) -> None:
    """Place the spec's PNG centred in ``box``, as large as fits, keeping its aspect ratio."""
    path = spec.image
    if path is None or not path.is_file():
        raise FileNotFoundError(f"ChartSlide {spec.title!r}: image {str(path)!r} does not exist.")
    left, top, width, height = box
    px_w, px_h = Image.from_file(str(path)).size
    scale = min(width / px_w, height / px_h)
    w, h = int(px_w * scale), int(px_h * scale)
    pic = slide.shapes.add_picture(
        str(path), left + (width - w) // 2, top + (height - h) // 2, w, h
    )
    pic.name = "Chart image"
    _set_alt_text(pic, spec.title)
    dpi = px_w / (w / 914400)
    if dpi < MIN_IMAGE_DPI:
        warnings.warn(
            f"ChartSlide {spec.title!r}: {path.name} is {px_w}x{px_h} px, only {dpi:.0f} px per "
            f"inch on the slide (want >= {MIN_IMAGE_DPI}); save it at a higher dpi.",
            stacklevel=3,
        )


def key_entries(spec: ChartSlide) -> list[tuple[RGBColor | None, str]]:
    """Return the key of a native chart: ``(swatch colour or None, text)`` in reading order.

    Several series are listed in series order, each with its colour; highlighted bars
    are named by ``highlight_label``; an interval chart says what its bars and lines are.
    PowerPoint and LibreOffice order a horizontal bar chart's legend differently, so the
    deck writes this key instead of a legend.
    """
    entries: list[tuple[RGBColor | None, str]] = []
    if spec.highlight:
        entries += [(ACCENT, spec.highlight_label or "highlighted"), (PRIMARY, "others")]
    if spec.kind in INTERVAL_KINDS:
        low, mid, high = INTERVAL_SERIES
        entries.append(
            (None, f"Bars show the {mid}, lines the {interval_coverage(low, high)} ({low}-{high})")
        )
    elif len(spec.series) > 1:
        entries += [
            (SERIES_COLOURS[i % len(SERIES_COLOURS)], name)
            for i, (name, _) in enumerate(spec.series)
        ]
    return entries


def _add_key(
    slide: Slide, entries: list[tuple[RGBColor | None, str]], box: tuple[int, int, int, int]
) -> tuple[int, int, int, int]:
    """Write the chart key at the top of ``box`` and return the box left below it."""
    left, top, width, height = box
    spacer = "    "
    text = spacer.join(f"{KEY_SWATCH} {t}" if c is not None else t for c, t in entries)
    key_height = _text_height(_count_lines(text, CHART_TEXT_PT, width), CHART_TEXT_PT)
    shape = slide.shapes.add_textbox(left, top, width, key_height)
    shape.name = KEY_SHAPE
    frame = shape.text_frame
    _write(frame, [""], CHART_TEXT_PT)
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


@dataclass(frozen=True)
class _Geometry:
    """Where a native chart draws: inner plot area (fractions of the frame) and value scale."""

    x: float
    y: float
    w: float
    h: float
    width_pt: float
    height_pt: float
    lo: float
    hi: float
    unit: float | None
    log: bool

    def fraction(self, value: float) -> float:
        """Return how far along the value axis ``value`` lies (0 at ``lo``, 1 at ``hi``)."""
        if self.log:
            span = math.log10(self.hi) - math.log10(self.lo)
            return (math.log10(value) - math.log10(self.lo)) / span
        return (value - self.lo) / (self.hi - self.lo)


def _value_scale(vmin: float, vmax: float, log: bool) -> tuple[float, float, float | None]:
    """Return ``(min, max, major unit)`` of a value axis holding ``vmin`` to ``vmax``.

    Linear axes start at zero (or below, for negative values) and end at the first round
    step (1, 2, 2.5 or 5 times a power of ten, about five steps) at or above the data;
    log axes span whole decades and leave the unit to the application.
    """
    if log:
        lo = 10.0 ** math.floor(math.log10(vmin))
        hi = 10.0 ** math.ceil(math.log10(vmax))
        return lo, (hi if hi > lo else lo * 10), None
    top, bottom = max(vmax, 0.0), min(vmin, 0.0)
    raw = (top - bottom) / 5 or 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    unit = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))
    hi = round(math.ceil(top / unit - 1e-9) * unit, 12)
    lo = round(math.floor(bottom / unit + 1e-9) * unit, 12)
    return lo, (hi if hi > lo else lo + unit), unit


def format_number(value: float, number_format: str) -> str:
    """Return ``value`` as text in the Excel ``number_format`` (the subset the deck uses).

    Handles percentages (``'0%'``, ``'0.0%'``), fixed decimals (``'0.00'``), thousands
    separators (``'#,##0'``), scaling commas (``'0.0,,'`` shows millions), quoted
    literals and conditional sections (``'[>=1000000]0.0,,"M";0'``). Used to size the
    room that data labels and axis labels need.
    """
    chosen = None
    for section in number_format.split(";"):
        cond = re.match(r"^\[(>=|<=|>|<|=)(-?[\d.]+)\](.*)$", section)
        if cond is None:
            chosen = section
            break
        op, limit, code = cond.group(1), float(cond.group(2)), cond.group(3)
        ok = {
            ">=": value >= limit,
            "<=": value <= limit,
            ">": value > limit,
            "<": value < limit,
            "=": value == limit,
        }[op]
        if ok:
            chosen = code
            break
    if chosen is None:
        chosen = number_format.split(";")[-1]
    literal = "".join(re.findall(r'"([^"]*)"', chosen))
    code = re.sub(r'"[^"]*"', "", chosen)
    x = float(value) * (100.0 if "%" in code else 1.0)
    scaling = re.search(r"[0#.](,+)(?![0#])", code)
    if scaling:
        x /= 1000.0 ** len(scaling.group(1))
    decimals = len(re.search(r"\.([0#]*)", code).group(1)) if "." in code else 0
    text = f"{x:,.{decimals}f}" if re.search(r"[0#],[0#]", code) else f"{x:.{decimals}f}"
    return text + ("%" if "%" in code else "") + literal


def _text_width_pt(text: str, size_pt: float) -> float:
    """Return an upper estimate of the width of one line of ``text`` in points."""
    return sum(_char_em(c) for c in text) * size_pt


def _plot_geometry(spec: ChartSlide, box: tuple[int, int, int, int]) -> _Geometry:
    """Return the inner plot area and value scale of a native chart in ``box``.

    The plot area is placed by hand, leaving measured room for the category labels (and
    group labels), the value-axis labels and the data labels beyond the longest bar, so
    nothing is cut off or overlaps, whichever application draws the chart.
    """
    _, _, width, height = box
    w_pt, h_pt = width / _EMU_PER_PT, height / _EMU_PER_PT
    size = CHART_TEXT_PT
    line = size * _LINE_SPACING
    values = [v for _, vs in spec.series for v in vs]
    lo, hi, unit = _value_scale(min(values), max(values), spec.log_scale)
    labelled = spec.series[1][1] if spec.kind in INTERVAL_KINDS else values
    fmt = spec.number_format
    label_w = max(_text_width_pt(format_number(v, fmt), size) for v in labelled)
    tick_w = max(_text_width_pt(format_number(v, fmt), size) for v in (lo, hi))
    group_room = line + 12 if spec.groups else 0.0
    if spec.kind in HORIZONTAL_KINDS:
        cat_w = min(max(_text_width_pt(c, size) for c in spec.categories), 0.35 * w_pt)
        left = cat_w + group_room + 14
        right = max(label_w + 2 * _LABEL_PAD_PT, tick_w / 2 + 4)
        top, bottom = 4.0, line + 12
    else:
        left, right = tick_w + 14, 8.0
        slot = (w_pt - left - right) / len(spec.categories)
        slot_emu = int(slot * _EMU_PER_PT) + 2 * _INSET_X
        lines = max(_count_lines(c, size, slot_emu) for c in spec.categories)
        top = line + 2 * _LABEL_PAD_PT
        bottom = lines * line + 12 + group_room
    return _Geometry(
        x=left / w_pt,
        y=top / h_pt,
        w=(w_pt - left - right) / w_pt,
        h=(h_pt - top - bottom) / h_pt,
        width_pt=w_pt,
        height_pt=h_pt,
        lo=lo,
        hi=hi,
        unit=unit,
        log=spec.log_scale,
    )


def _set_plot_area(chart: Chart, g: _Geometry) -> None:
    """Place the chart's inner plot area by hand (``c:plotArea/c:layout/c:manualLayout``)."""
    plot_area = chart._chartSpace.xpath("c:chart/c:plotArea")[0]
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = etree.SubElement(plot_area, qn("c:layout"))
        plot_area.remove(layout)
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    fields = [("c:layoutTarget", "inner"), ("c:xMode", "edge"), ("c:yMode", "edge")]
    fields += [(f"c:{k}", f"{getattr(g, k):.6f}") for k in ("x", "y", "w", "h")]
    for tag, val in fields:
        etree.SubElement(manual, qn(tag)).set("val", val)


def _insert_before(
    parent: etree._Element, child: etree._Element, successors: Sequence[str]
) -> None:
    """Insert ``child`` into ``parent`` before the first of ``successors`` present, or last."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def _add_error_bars(series: BarSeries, minus: Sequence[float], plus: Sequence[float]) -> None:
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
    etree.SubElement(fill, qn("a:srgbClr")).set("val", str(TEXT))
    _insert_before(ser, bars, ("c:cat", "c:val", "c:shape", "c:extLst"))


def _place_interval_labels(series: BarSeries, spec: ChartSlide, g: _Geometry) -> None:
    """Move each data label past the end of its interval line, so the two never overlap."""
    _, mid, high = (values for _, values in spec.series)
    horizontal = spec.kind in HORIZONTAL_KINDS
    for i, (m, h) in enumerate(zip(mid, high, strict=True)):
        reach = g.fraction(h) - g.fraction(m)
        if horizontal:
            dx, dy = reach * g.w + _LABEL_PAD_PT / g.width_pt, 0.0
        else:
            dx, dy = 0.0, -(reach * g.h + _LABEL_PAD_PT / g.height_pt)
        label = series.points[i].data_label
        label.position = XL_LABEL_POSITION.OUTSIDE_END
        label.font.name, label.font.size = FONT, Pt(CHART_TEXT_PT)
        label.font.color.rgb = TEXT
        d_lbl = label._dLbl
        layout = etree.Element(qn("c:layout"))
        manual = etree.SubElement(layout, qn("c:manualLayout"))
        etree.SubElement(manual, qn("c:x")).set("val", f"{dx:.6f}")
        etree.SubElement(manual, qn("c:y")).set("val", f"{dy:.6f}")
        d_lbl.find(qn("c:idx")).addnext(layout)
        num_fmt = etree.Element(qn("c:numFmt"))
        num_fmt.set("formatCode", spec.number_format)
        num_fmt.set("sourceLinked", "0")
        layout.addnext(num_fmt)
    # A moved label would get a leader line back to its bar, drawn over the interval line.
    d_lbls = series._element.find(qn("c:dLbls"))
    hide = d_lbls.find(qn("c:showLeaderLines"))
    if hide is None:
        hide = etree.Element(qn("c:showLeaderLines"))
        _insert_before(d_lbls, hide, ("c:leaderLines", "c:extLst"))
    hide.set("val", "0")
    ext_lst = d_lbls.find(qn("c:extLst"))
    if ext_lst is None:
        ext_lst = etree.SubElement(d_lbls, qn("c:extLst"))
    ext = etree.SubElement(ext_lst, qn("c:ext"), nsmap={"c15": _C15})
    ext.set("uri", _C15_LEADER_LINES_URI)
    etree.SubElement(ext, f"{{{_C15}}}showLeaderLines").set("val", "0")


def _add_native_chart(slide: Slide, spec: ChartSlide, box: tuple[int, int, int, int]) -> None:
    """Add an editable chart in the house style: palette, data labels, light gridlines.

    Categories read in the order given (top to bottom on horizontal kinds); grouped
    categories get a two-level axis; every category label is shown. Except on stacked
    bars, the plot area and value scale are set by hand (:func:`_plot_geometry`) so the
    labels have room. Interval kinds draw the median as bars with custom error bars from
    p5 to p95, each data label just past its line.
    """
    interval = spec.kind in INTERVAL_KINDS
    horizontal = spec.kind in HORIZONTAL_KINDS
    stacked = spec.kind == "stacked_bar"
    plotted = spec.series[1:2] if interval else spec.series
    data = CategoryChartData(number_format=spec.number_format)
    if spec.groups:
        parent = None
        for group, label in zip(spec.groups, spec.categories, strict=True):
            if parent is None or parent.label != group:
                parent = data.add_category(group)
            parent.add_sub_category(label)
    else:
        data.categories = list(spec.categories)
    for name, values in plotted:
        data.add_series(name, values)
    frame = slide.shapes.add_chart(NATIVE_KINDS[spec.kind], *box, data)
    frame.name = "Chart"
    _set_alt_text(frame, spec.title)
    chart = frame.chart
    chart.has_title = False
    chart.has_legend = False  # the key above the chart names the series, in order
    chart.font.name = FONT
    chart.font.size = Pt(CHART_TEXT_PT)
    chart.font.color.rgb = TEXT

    multi = len(plotted) > 1
    plot = chart.plots[0]
    plot.vary_by_categories = False
    plot.gap_width = 60
    plot.overlap = 100 if stacked else (-10 if multi else 0)
    position = XL_LABEL_POSITION.CENTER if stacked else XL_LABEL_POSITION.OUTSIDE_END
    plot.has_data_labels = True
    _style_labels(plot.data_labels, spec.number_format, position, TEXT)

    for i, series in enumerate(plot.series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)] if multi else PRIMARY
        series.invert_if_negative = False
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
        label_colour = _contrast_text(colour) if stacked else TEXT
        _style_labels(series.data_labels, spec.number_format, position, label_colour)
        for idx in spec.highlight:
            point = series.points[idx]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = ACCENT

    value_axis = chart.value_axis
    # Log axes tick at whole decades, which need no decimals ('1,000M', not '1,000.0M').
    axis_format = re.sub(r"\.0+", "", spec.number_format) if spec.log_scale else spec.number_format
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
        # python-pptx has no setting for a log axis; c:logBase is the first child of c:scaling.
        scaling = value_axis._element.find(qn("c:scaling"))
        log_base = etree.SubElement(scaling, qn("c:logBase"))
        log_base.set("val", "10")
        scaling.remove(log_base)
        scaling.insert(0, log_base)

    category_axis = chart.category_axis
    category_axis.has_major_gridlines = False
    category_axis.tick_labels.font.size = Pt(CHART_TEXT_PT)
    category_axis.format.line.color.rgb = GRID
    cat_ax = category_axis._element
    for old in cat_ax.findall(qn("c:tickLblSkip")):
        cat_ax.remove(old)
    skip = etree.Element(qn("c:tickLblSkip"))
    skip.set("val", "1")  # every label, never every other one
    _insert_before(cat_ax, skip, ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst"))
    if horizontal:
        # Read top-down in the order given, with the value axis kept at the bottom.
        category_axis.reverse_order = True
        # The value axis crosses the category axis at its last category (``c:crosses`` on
        # ``c:valAx`` says where that axis crosses the other one); python-pptx only exposes
        # the opposite direction, so set it in the XML.
        for crosses in value_axis._element.findall(qn("c:crosses")):
            crosses.set("val", "max")

    if stacked:
        return
    geometry = _plot_geometry(spec, box)
    _set_plot_area(chart, geometry)
    value_axis.minimum_scale = geometry.lo
    value_axis.maximum_scale = geometry.hi
    if geometry.unit is not None:
        value_axis.major_unit = geometry.unit
    if interval:
        low, mid, high = (values for _, values in spec.series)
        series = plot.series[0]
        _add_error_bars(
            series,
            minus=[m - lo for lo, m in zip(low, mid, strict=True)],
            plus=[h - m for m, h in zip(mid, high, strict=True)],
        )
        _place_interval_labels(series, spec, geometry)
    for k, label in spec.dividers:
        _add_divider(slide, spec, box, geometry, k, label)


def _add_divider(
    slide: Slide,
    spec: ChartSlide,
    box: tuple[int, int, int, int],
    g: _Geometry,
    k: int,
    label: str,
) -> None:
    """Draw a dashed vermillion line between categories ``k - 1`` and ``k``, labelled."""
    left, top, width, height = box
    px, py = left + int(g.x * width), top + int(g.y * height)
    pw, ph = int(g.w * width), int(g.h * height)
    frac = k / len(spec.categories)
    colour = _rgb(charts.VERMILLION)
    label_w = int((_text_width_pt(label, CHART_TEXT_PT) + 8) * _EMU_PER_PT) + 2 * _INSET_X
    label_h = _text_height(1, CHART_TEXT_PT)
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
    line.line.color.rgb = colour
    line.line.width = Pt(1.5)
    line.line.dash_style = MSO_LINE.DASH
    box_ = slide.shapes.add_textbox(*where)
    box_.name = "Divider label"
    _write(box_.text_frame, [label], CHART_TEXT_PT, colour=colour, align=align)


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


# --- tables --------------------------------------------------------------------------------------


def _row_height(row: Sequence[str], widths: Sequence[int], size_pt: float) -> int:
    """Return the estimated height (EMU) of a table row at ``size_pt``."""
    lines = max(_count_lines(cell, size_pt, w) for cell, w in zip(row, widths, strict=True))
    return _text_height(lines, size_pt)


def _paginate(heights: Sequence[int], room: int, where: str) -> list[tuple[int, int]]:
    """Return ``(start, stop)`` row ranges per page: at most 10 rows and ``room`` EMU each.

    Pages are balanced (12 rows become 6 + 6, not 10 + 2) whenever that still fits.
    """
    too_tall = [i for i, h in enumerate(heights) if h > room]
    if too_tall:
        raise ValueError(f"{where}: row {too_tall[0]} is taller than a slide; shorten it.")
    greedy: list[tuple[int, int]] = []
    start, used = 0, 0
    for i, h in enumerate(heights):
        if i > start and (i - start >= MAX_TABLE_ROWS or used + h > room):
            greedy.append((start, i))
            start, used = i, 0
        used += h
    if heights:
        greedy.append((start, len(heights)))
    pages = len(greedy)
    if pages <= 1:
        return greedy
    bounds = [round(k * len(heights) / pages) for k in range(pages + 1)]
    balanced = list(zip(bounds[:-1], bounds[1:], strict=True))
    fits = all(b - a <= MAX_TABLE_ROWS and sum(heights[a:b]) <= room for a, b in balanced if b > a)
    return balanced if fits else greedy


def _add_table_slides(
    prs: Presentation,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    fractions: Sequence[float],
    *,
    footnote: str | None,
    empty_text: str,
) -> None:
    """Add one or more slides holding ``rows`` as a native table under ``header``."""
    widths = [int(CONTENT_WIDTH * f) for f in fractions]
    widths[-1] = CONTENT_WIDTH - sum(widths[:-1])
    size = TABLE_TEXT_PT
    # Room left under a one-line title, above an optional footnote, minus the header row.
    title_bottom = _TITLE_TOP + _TITLE_MIN_HEIGHT
    foot = (
        _text_height(_count_lines(footnote, FOOTNOTE_PT, CONTENT_WIDTH), FOOTNOTE_PT)
        if footnote
        else 0
    )
    body = SLIDE_HEIGHT - _BOTTOM_MARGIN - foot - _GAP - (title_bottom + _GAP)
    header_height = _row_height(header, widths, size)
    heights = [_row_height(r, widths, size) for r in rows]
    pages = _paginate(heights, body - header_height, title) if rows else [(0, 0)]
    for page, (a, b) in enumerate(pages, start=1):
        label = f"{title} ({page} of {len(pages)})" if len(pages) > 1 else title
        slide = prs.slides.add_slide(_layout(prs, "Title Only"))
        top = _place_title(slide, label) + _GAP
        if footnote:
            _place_footnote(slide, footnote, "Footnote")
        if not rows:
            box = slide.shapes.add_textbox(MARGIN, top, CONTENT_WIDTH, Inches(1))
            _write(box.text_frame, [empty_text], 18)
            continue
        page_rows = rows[a:b]
        height = header_height + sum(heights[a:b])
        frame = slide.shapes.add_table(
            len(page_rows) + 1, len(header), MARGIN, top, CONTENT_WIDTH, height
        )
        frame.name = f"{title} table"
        table = frame.table
        table.first_row = True
        table.horz_banding = False
        for j, w in enumerate(widths):
            table.columns[j].width = w
        table.rows[0].height = header_height
        for i, h in enumerate(heights[a:b], start=1):
            table.rows[i].height = h
        for j, text in enumerate(header):
            _fill_cell(table.cell(0, j), text, size, PRIMARY, WHITE, bold=True)
        for i, row in enumerate(page_rows, start=1):
            fill = BAND if i % 2 == 0 else WHITE
            for j, text in enumerate(row):
                _fill_cell(table.cell(i, j), text, size, fill, TEXT, bold=j == 0)


def _fill_cell(
    cell: _Cell, text: str, size_pt: float, fill: RGBColor, colour: RGBColor, *, bold: bool
) -> None:
    """Write ``text`` into a table cell with a solid ``fill``."""
    cell.fill.solid()
    cell.fill.fore_color.rgb = fill
    cell.vertical_anchor = MSO_ANCHOR.TOP
    _write(cell.text_frame, text.split("\n"), size_pt, bold=bold, colour=colour)
