"""The house look of a slide: font, colours (from :mod:`research.present.palette`), text
sizes and the slide geometry, as python-pptx values.

House style: one sans font (Calibri), dark grey text, the colourblind-safe Okabe-Ito
palette, titles at 28 pt (shrunk for long titles, never truncated), body text at 14 pt or
more and source footnotes at 10 pt. Lengths are in EMU (914,400 to the inch).
"""

from __future__ import annotations

from typing import Final

from pptx.dml.color import RGBColor
from pptx.util import Inches

from research.present import palette


def rgb(hex_colour: str) -> RGBColor:
    """Return a ``#RRGGBB`` colour of the house palette as a python-pptx colour."""
    return RGBColor.from_string(hex_colour.lstrip("#"))


# --- font and colours ---------------------------------------------------------------------------

#: The one font of the house style.
FONT: Final[str] = palette.SLIDE_FONT
#: Colour of single-series bars.
PRIMARY: Final[RGBColor] = rgb(palette.PRIMARY)
#: Colour of highlighted bars.
ACCENT: Final[RGBColor] = rgb(palette.ACCENT)
#: Colour of dividers (limits between categories).
VERMILLION: Final[RGBColor] = rgb(palette.VERMILLION)
#: Colour of text.
TEXT: Final[RGBColor] = rgb(palette.SLIDE_TEXT)
#: Colour of footnotes and captions.
MUTED: Final[RGBColor] = rgb(palette.SLIDE_MUTED)
#: Colour of gridlines and axis lines.
GRID: Final[RGBColor] = rgb(palette.SLIDE_GRID)
#: Fill of every other table row.
BAND: Final[RGBColor] = rgb(palette.SLIDE_BAND)
WHITE: Final[RGBColor] = rgb(palette.WHITE)
BLACK: Final[RGBColor] = rgb(palette.BLACK)
#: Verdict badge colours, as in the charts (:data:`research.present.palette.VERDICT_COLOURS`).
VERDICT_COLOURS: Final[dict[str, RGBColor]] = {
    k: rgb(v) for k, v in palette.VERDICT_COLOURS.items()
}
#: Series colours of multi-series charts, in order.
SERIES_COLOURS: Final[tuple[RGBColor, ...]] = tuple(rgb(c) for c in palette.PALETTE)

# --- text sizes (pt) ----------------------------------------------------------------------------

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

# --- geometry (EMU) -----------------------------------------------------------------------------

SLIDE_WIDTH: Final[int] = 12192000  # 13.333 in
SLIDE_HEIGHT: Final[int] = 6858000  # 7.5 in
#: Width of python-pptx's default template (4:3, 10 in), which the deck widens to 16:9.
TEMPLATE_WIDTH: Final[int] = 9144000
MARGIN: Final[int] = Inches(0.5)
CONTENT_WIDTH: Final[int] = SLIDE_WIDTH - 2 * MARGIN
TITLE_TOP: Final[int] = Inches(0.3)
TITLE_MIN_HEIGHT: Final[int] = Inches(1.1)
BOTTOM_MARGIN: Final[int] = Inches(0.25)
#: Gap between title, body and footnote.
GAP: Final[int] = Inches(0.15)
MIN_BODY_HEIGHT: Final[int] = Inches(2.5)
#: python-pptx / PowerPoint default text insets.
INSET_X: Final[int] = Inches(0.1)
INSET_Y: Final[int] = Inches(0.05)
#: Line height as a multiple of the font size.
LINE_SPACING: Final[float] = 1.2
EMU_PER_PT: Final[int] = 12700
EMU_PER_INCH: Final[int] = 914400

#: A box on a slide: ``(left, top, width, height)`` in EMU.
Box = tuple[int, int, int, int]
