"""The house look of a slide: font, colours (from :mod:`research.present.palette`), text
sizes and the slide geometry, as python-pptx values.

House style: one sans font (Calibri), dark grey text, the colourblind-safe Okabe-Ito
palette, titles at 28 pt (shrunk for long titles, never truncated), body text at 14 pt or
more and source footnotes and slide numbers at 10 pt. One colour has one meaning: blue
(:data:`PRIMARY`) the bars a chart is about, grey (:data:`CONTEXT`) the bars around them,
dark grey (:data:`REFERENCE`) reference lines and dividers, and the verdict colours
(:data:`VERDICT_COLOURS`) a verdict, on the badge and verdict words only. Lengths are in
EMU (914,400 to the inch).
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
#: Colour of the bars a chart is about: the highlighted (the brand's) bars, or every bar of a
#: single-series chart without a highlight.
PRIMARY: Final[RGBColor] = rgb(palette.PRIMARY)
#: Colour of the other bars when some are highlighted (context, not the brand's).
CONTEXT: Final[RGBColor] = rgb(palette.NEUTRAL)
#: Colour of reference lines, dividers and their labels, and of table headers.
REFERENCE: Final[RGBColor] = rgb(palette.AXIS)
#: Colour of text.
TEXT: Final[RGBColor] = rgb(palette.SLIDE_TEXT)
#: Colour of footnotes and captions.
MUTED: Final[RGBColor] = rgb(palette.SLIDE_MUTED)
#: Colour of gridlines and axis lines.
GRID: Final[RGBColor] = rgb(palette.SLIDE_GRID)
#: Fill of every other table row and of the warning box.
BAND: Final[RGBColor] = rgb(palette.SLIDE_BAND)
WHITE: Final[RGBColor] = rgb(palette.WHITE)
BLACK: Final[RGBColor] = rgb(palette.BLACK)
#: Verdict colours (:data:`research.present.palette.VERDICT_COLOURS`): used on the verdict
#: badge and verdict words only, never on a chart.
VERDICT_COLOURS: Final[dict[str, RGBColor]] = {
    k: rgb(v) for k, v in palette.VERDICT_COLOURS.items()
}
#: Series colours of multi-series charts, in order (:data:`palette.SERIES`: not the brand's
#: blue, not grey, not a verdict colour).
SERIES_COLOURS: Final[tuple[RGBColor, ...]] = tuple(rgb(c) for c in palette.SERIES)

# --- text sizes (pt) ----------------------------------------------------------------------------

#: Title sizes tried in turn (pt); the first at which the title fits on two lines is used.
TITLE_SIZES_PT: Final[tuple[int, ...]] = (28, 24, 20)
CHART_TEXT_PT: Final[int] = 14
TABLE_TEXT_PT: Final[int] = 14
FOOTNOTE_PT: Final[int] = 10
#: Cover title sizes tried in turn (pt).
COVER_TITLE_SIZES_PT: Final[tuple[int, ...]] = (40, 36, 32, 28, 24)
#: Sizes of the lines under the cover title (pt).
COVER_LINE_SIZES_PT: Final[tuple[int, ...]] = (20, 18, 16, 14)
#: Verdict badge sizes (pt); the first at which the verdict fits on one line is used.
BADGE_SIZES_PT: Final[tuple[int, ...]] = (40, 36, 32, 28, 24)
#: Sizes of the probability line beside the badge (pt).
PROBABILITY_SIZES_PT: Final[tuple[int, ...]] = (28, 24, 22, 20, 18, 16)
#: Sizes of bullet and numbered points (pt); body text never goes below 14 pt.
POINT_SIZES_PT: Final[tuple[int, ...]] = (20, 18, 16, 14)
#: Sizes of the warning box text (pt).
WARNING_SIZES_PT: Final[tuple[int, ...]] = (16, 14)
#: Sizes of the table of changes and the research list (pt).
CHANGE_SIZES_PT: Final[tuple[int, ...]] = (18, 16, 14)
#: Space after each point of a list (pt).
POINT_SPACE_PT: Final[int] = 10
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

#: The slide number's box at the bottom right (its text is right-aligned in it).
NUMBER_WIDTH: Final[int] = Inches(0.6)
NUMBER_HEIGHT: Final[int] = int(FOOTNOTE_PT * LINE_SPACING * EMU_PER_PT) + 2 * INSET_Y
#: Top of the footer band that holds the slide number; bodies end a gap above it.
FOOTER_TOP: Final[int] = SLIDE_HEIGHT - BOTTOM_MARGIN - NUMBER_HEIGHT
#: Lowest point of a slide's body when the slide has no footnote.
BODY_BOTTOM: Final[int] = FOOTER_TOP - GAP
#: Width of a footnote: the content width, less room for the slide number at its right.
FOOTNOTE_WIDTH: Final[int] = CONTENT_WIDTH - NUMBER_WIDTH - GAP

#: A box on a slide: ``(left, top, width, height)`` in EMU.
Box = tuple[int, int, int, int]
