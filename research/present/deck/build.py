"""The deck itself: :func:`build_deck` turns a :class:`DeckSpec` into a 16:9 presentation in
the house style, in the consultant's storyline, and :func:`write_deck` saves it atomically.

Slides, in order (answer first, then the evidence, then what would change it):

1. cover: the question, the lines under it and the warning;
2. executive summary: the recommendation as title, the verdict badge, the probability
   line, the reasons and the warning;
3. one chart slide per question (action title, native chart, key, source footnote);
4. what would change the answer: the changes and what to research first;
5. recommendation and next steps, numbered;
6. the appendix divider, then the appendix charts, how the verdict is computed, the
   assumptions and the sources (tables continued over as many slides as they need).

Every slide but the cover carries its number at the bottom right.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pptx
from lxml import etree
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation
from pptx.util import Emu

from research.files import atomic_write
from research.present.deck.change_slide import add_change_slide
from research.present.deck.look import (
    FOOTER_TOP,
    FOOTNOTE_PT,
    MARGIN,
    MUTED,
    NUMBER_HEIGHT,
    NUMBER_WIDTH,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    TEMPLATE_WIDTH,
    TEXT,
    TITLE_SIZES_PT,
)
from research.present.deck.package import deck_bytes
from research.present.deck.slides import (
    add_chart_slide,
    add_cover,
    add_divider,
    add_points_slides,
    add_summary,
    layout,
)
from research.present.deck.spec import DeckSpec
from research.present.deck.tables import add_table_slides
from research.present.deck.text import write_text
from research.present.palette import SLIDE_FONT_EAST_ASIAN

#: Name of the slide number's text box on every slide but the cover.
NUMBER_SHAPE: Final[str] = "Slide number"
#: Title of the appendix divider and the line under it.
APPENDIX_TITLE: Final[str] = "Appendix"
APPENDIX_LINE: Final[str] = (
    "Supporting analysis, how the verdict is computed, assumptions and sources"
)
#: Title of the method slide.
METHOD_TITLE: Final[str] = "How the verdict is computed"
#: The assumptions table: title, header, column widths (fractions) and footnote.
ASSUMPTIONS_TITLE: Final[str] = "Assumptions"
ASSUMPTIONS_HEADER: Final[tuple[str, ...]] = ("Assumption", "Range", "Rationale")
ASSUMPTIONS_WIDTHS: Final[tuple[float, ...]] = (0.3, 0.2, 0.5)
ASSUMPTIONS_FOOTNOTE: Final[str] = "Analyst assumptions, not sourced evidence."
#: The sources table: title, header and column widths (fractions).
SOURCES_TITLE: Final[str] = "Sources"
SOURCES_HEADER: Final[tuple[str, ...]] = ("Source", "Citation")
SOURCES_WIDTHS: Final[tuple[float, ...]] = (0.22, 0.78)


def build_deck(spec: DeckSpec) -> Presentation:
    """Return a new 16:9 presentation holding the storyline that ``spec`` describes.

    Slides, in order: cover; executive summary; one per question; what would change the
    answer; recommendation; appendix divider; one per appendix chart; how the verdict is
    computed; assumptions and sources (as many slides as each needs, at most 10 rows a
    slide). Every slide but the cover is numbered.

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
        If a text cannot fit its box even at the smallest allowed font size, or a chart's
        values lie outside its ``value_range``.
    FileNotFoundError
        If an image slide's PNG does not exist.
    """
    prs = pptx.Presentation()
    _apply_house_template(prs)
    add_cover(prs, spec)
    add_summary(prs, spec)
    for chart in spec.questions:
        add_chart_slide(prs, chart)
    add_change_slide(prs, spec)
    add_points_slides(
        prs,
        spec.recommendation_title,
        spec.recommendation_points,
        numbered=True,
        where="DeckSpec.recommendation_points",
    )
    add_divider(prs, APPENDIX_TITLE, APPENDIX_LINE)
    for chart in spec.appendix_charts:
        add_chart_slide(prs, chart)
    add_points_slides(
        prs, METHOD_TITLE, spec.method_points, numbered=False, where="DeckSpec.method_points"
    )
    title_only = layout(prs, "Title Only")
    add_table_slides(
        prs,
        title_only,
        ASSUMPTIONS_TITLE,
        ASSUMPTIONS_HEADER,
        spec.assumptions,
        ASSUMPTIONS_WIDTHS,
        footnote=ASSUMPTIONS_FOOTNOTE,
        empty_text="No analyst assumptions enter this analysis.",
    )
    add_table_slides(
        prs,
        title_only,
        SOURCES_TITLE,
        SOURCES_HEADER,
        spec.sources,
        SOURCES_WIDTHS,
        footnote=None,
        empty_text="No sources listed.",
    )
    _number_slides(prs)
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
    data = deck_bytes(build_deck(spec), spec.cover_title, spec.date)
    with atomic_write(target) as fh:
        fh.write(data)
    return target


def _number_slides(prs: Presentation) -> None:
    """Write each slide's 1-based number at its bottom right, on every slide but the cover."""
    left = SLIDE_WIDTH - MARGIN - NUMBER_WIDTH
    for number, slide in enumerate(prs.slides, start=1):
        if number == 1:
            continue
        box = slide.shapes.add_textbox(left, FOOTER_TOP, NUMBER_WIDTH, NUMBER_HEIGHT)
        box.name = NUMBER_SHAPE
        write_text(box.text_frame, [str(number)], FOOTNOTE_PT, colour=MUTED, align=PP_ALIGN.RIGHT)
        box.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM


# --- template -----------------------------------------------------------------------------------


def _apply_house_template(prs: Presentation) -> None:
    """Make the default template 16:9 and give its master the house title and body style."""
    prs.slide_width = Emu(SLIDE_WIDTH)
    prs.slide_height = Emu(SLIDE_HEIGHT)
    scale = SLIDE_WIDTH / TEMPLATE_WIDTH
    master = prs.slide_master
    for shapes in [master.shapes, *(lay.shapes for lay in prs.slide_layouts)]:
        for shape in shapes:
            for xfrm in shape.element.xpath("./p:spPr/a:xfrm"):
                xfrm.off.x = int(xfrm.off.x * scale)
                xfrm.ext.cx = int(xfrm.ext.cx * scale)
    _set_east_asian_font(prs)
    tx_styles = master.element.find(qn("p:txStyles"))
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


def _restyle_def_rpr(lvl, size_pt: int) -> None:
    """Set a master text level's default run to ``size_pt`` in the house text colour."""
    d = lvl.find(qn("a:defRPr"))
    if d is None:
        return
    d.set("sz", str(size_pt * 100))
    for fill in d.findall(qn("a:solidFill")):
        for child in list(fill):
            fill.remove(child)
        fill.append(fill.makeelement(qn("a:srgbClr"), {"val": str(TEXT)}))


def _set_east_asian_font(prs: Presentation) -> None:
    """Give the theme an East Asian font, so a Chinese brand name is set in a Chinese face
    (the default template leaves it empty, and each machine then picks its own)."""
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for font in root.iter(qn("a:majorFont"), qn("a:minorFont")):
        ea = font.find(qn("a:ea"))
        if ea is not None:
            ea.set("typeface", SLIDE_FONT_EAST_ASIAN)
    # python-pptx keeps a theme as a plain part: its bytes are the only way to change it
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
