"""Text on slides: how many lines it needs, the size at which it fits, and writing it.

Widths are estimated with :func:`research.present.measure.estimate_width_pt` (an upper
estimate of Calibri), since the deck cannot ask PowerPoint how wide a line is; text that
cannot fit even at the smallest allowed size raises ``ValueError`` rather than
overflowing its box.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.shapes.base import BaseShape
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Pt

from research.present import measure
from research.present.deck.look import (
    BLACK,
    BODY_BOTTOM,
    BOTTOM_MARGIN,
    CONTENT_WIDTH,
    EMU_PER_INCH,
    EMU_PER_PT,
    FONT,
    FOOTNOTE_PT,
    FOOTNOTE_WIDTH,
    GAP,
    INSET_X,
    INSET_Y,
    LINE_SPACING,
    MARGIN,
    MIN_BODY_HEIGHT,
    MUTED,
    POINT_SPACE_PT,
    SLIDE_HEIGHT,
    TEXT,
    TITLE_MIN_HEIGHT,
    TITLE_SIZES_PT,
    TITLE_TOP,
    WHITE,
    Box,
)


def text_width_pt(text: str, size_pt: float) -> float:
    """Return an upper estimate of the width of one line of slide text in points."""
    return measure.estimate_width_pt(text, size_pt)


def count_lines(text: str, size_pt: float, width_emu: int) -> int:
    """Return the estimated number of lines ``text`` wraps to in a box ``width_emu`` wide."""
    width_pt = (width_emu - 2 * INSET_X) / EMU_PER_PT
    return measure.count_lines(
        str(text), width_pt, functools.partial(measure.estimate_width_pt, size_pt=size_pt)
    )


def text_height(lines: int, size_pt: float) -> int:
    """Return the height (EMU) of ``lines`` lines of ``size_pt`` text plus the box insets."""
    return int(lines * size_pt * LINE_SPACING * EMU_PER_PT) + 2 * INSET_Y


def fit_size(
    paragraphs: Sequence[str],
    sizes: Sequence[int],
    width: int,
    height: int,
    where: str,
    extra_pt: float = 0.0,
) -> int:
    """Return the largest of ``sizes`` at which ``paragraphs`` fit the box, else raise.

    ``extra_pt`` is the space after each paragraph but the last.
    """
    for size in sizes:
        lines = sum(count_lines(p, size, width) for p in paragraphs)
        needed = text_height(lines, size) + int(extra_pt * (len(paragraphs) - 1) * EMU_PER_PT)
        if needed <= height:
            return size
    raise ValueError(
        f"{where}: the text does not fit its box even at {sizes[-1]} pt "
        f"({sum(len(p) for p in paragraphs)} characters); shorten it."
    )


def write_text(
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


#: Indent (EMU) of bulleted and numbered points: the bullet or number sits in it.
BULLET_INDENT: int = Emu(320040)  # 0.35 in
NUMBER_INDENT: int = Emu(411480)  # 0.45 in
#: A run of text: ``(text, colour, bold)``.
Part = tuple[str, RGBColor, bool]


def list_indent(numbered: bool) -> int:
    """Return the indent (EMU) of a bulleted or numbered list."""
    return NUMBER_INDENT if numbered else BULLET_INDENT


def list_height(points: Sequence[str], size_pt: float, width: int, numbered: bool) -> int:
    """Return the height (EMU) of ``points`` written as a list in a box ``width`` wide."""
    indent = list_indent(numbered)
    lines = sum(count_lines(p, size_pt, width - indent) for p in points)
    gaps = POINT_SPACE_PT * max(len(points) - 1, 0) * EMU_PER_PT
    return text_height(lines, size_pt) + int(gaps)


def fit_list_size(
    points: Sequence[str], sizes: Sequence[int], width: int, height: int, where: str, numbered: bool
) -> int:
    """Return the largest of ``sizes`` at which ``points`` fit the box as a list, else raise."""
    for size in sizes:
        if list_height(points, size, width, numbered) <= height:
            return size
    raise ValueError(
        f"{where}: {len(points)} points do not fit their box even at {sizes[-1]} pt "
        f"({sum(len(p) for p in points)} characters); shorten them."
    )


def write_list(
    frame: TextFrame, points: Sequence[str], size_pt: float, *, numbered: bool, start: int = 1
) -> None:
    """Fill ``frame`` with ``points`` as bullets or as a numbered list (``start``., ...)."""
    write_text(frame, points, size_pt, space_after_pt=POINT_SPACE_PT)
    indent = list_indent(numbered)
    for para in frame.paragraphs:
        p_pr = para._p.get_or_add_pPr()
        p_pr.set("marL", str(indent))
        p_pr.set("indent", str(-indent))
        colour = p_pr.makeelement(qn("a:buClr"), {})
        colour.append(colour.makeelement(qn("a:srgbClr"), {"val": str(TEXT)}))
        p_pr.append(colour)
        p_pr.append(p_pr.makeelement(qn("a:buFont"), {"typeface": "Arial"}))
        if numbered:
            number = {"type": "arabicPeriod"} | ({"startAt": str(start)} if start > 1 else {})
            p_pr.append(p_pr.makeelement(qn("a:buAutoNum"), number))
        else:
            p_pr.append(p_pr.makeelement(qn("a:buChar"), {"char": "\u2022"}))


def write_parts(frame: TextFrame, parts: Sequence[Part], size_pt: float) -> None:
    """Fill ``frame`` with one paragraph made of differently coloured runs."""
    write_text(frame, [""], size_pt)
    para = frame.paragraphs[0]
    template = para.runs[0]._r
    for text, colour, bold in parts:
        run = para.add_run()
        run.text = text
        run.font.name, run.font.size, run.font.bold = FONT, Pt(size_pt), bold
        run.font.color.rgb = colour
    para._p.remove(template)


def contrast_text(fill: RGBColor) -> RGBColor:
    """Return white or black text, whichever contrasts more with ``fill`` (WCAG luminance)."""

    def luminance(rgb: RGBColor) -> float:
        channels = []
        for c in rgb:
            s = c / 255
            channels.append(s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    bg = luminance(fill)
    on_white = 1.05 / (bg + 0.05)
    on_dark = (bg + 0.05) / (luminance(BLACK) + 0.05)
    return WHITE if on_white >= on_dark else BLACK


def drop_theme_style(shape: BaseShape) -> None:
    """Remove the theme style of an added shape or line, so no theme shadow or outline shows.

    python-pptx gives new autoshapes and connectors the theme's style, whose effect is a
    shadow that LibreOffice draws even under an empty effect list; the deck sets fill,
    line and text colours itself.
    """
    for style in shape.element.findall(qn("p:style")):
        shape.element.remove(style)


def set_alt_text(shape: BaseShape, text: str) -> None:
    """Set the accessibility description (alt text) of a picture or graphic frame."""
    c_nv_pr = shape.element.xpath("./*[1]/p:cNvPr")
    if c_nv_pr:
        c_nv_pr[0].set("descr", text)


def place_title(slide: Slide, text: str) -> int:
    """Write the slide title (shrinking long ones) and return the bottom of its box (EMU)."""
    shape = slide.shapes.title
    for size in TITLE_SIZES_PT:
        lines = count_lines(text, size, CONTENT_WIDTH)
        if lines <= 2:
            break
    height = max(TITLE_MIN_HEIGHT, text_height(lines, size))
    shape.left, shape.top, shape.width, shape.height = MARGIN, TITLE_TOP, CONTENT_WIDTH, height
    frame = shape.text_frame
    write_text(frame, text.split("\n"), size, bold=True)
    frame.vertical_anchor = MSO_ANCHOR.TOP
    return TITLE_TOP + height


def footnote_height(text: str) -> int:
    """Return the height (EMU) of a footnote box holding ``text`` (left of the slide number)."""
    lines = sum(count_lines(p, FOOTNOTE_PT, FOOTNOTE_WIDTH) for p in text.split("\n"))
    return text_height(lines, FOOTNOTE_PT)


def footnote_top(text: str) -> int:
    """Return the top (EMU) of the footnote box that :func:`place_footnote` adds for ``text``."""
    return SLIDE_HEIGHT - BOTTOM_MARGIN - footnote_height(text)


def place_footnote(slide: Slide, text: str, name: str) -> int:
    """Add a footnote text box at the bottom left of the slide and return its top (EMU).

    It ends where the slide number's box ends and stops short of it on the right.
    """
    height = footnote_height(text)
    top = footnote_top(text)
    box = slide.shapes.add_textbox(MARGIN, top, FOOTNOTE_WIDTH, height)
    box.name = name
    write_text(box.text_frame, text.split("\n"), FOOTNOTE_PT, colour=MUTED)
    box.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    return top


def body_box(title_bottom: int, footnote_top: int | None, where: str) -> Box:
    """Return ``(left, top, width, height)`` of the body between title and footnote (EMU).

    Without a footnote (``None``) the body ends above the slide number.
    """
    top = title_bottom + GAP
    bottom = BODY_BOTTOM if footnote_top is None else min(footnote_top - GAP, BODY_BOTTOM)
    height = bottom - top
    if height < MIN_BODY_HEIGHT:
        raise ValueError(
            f"{where}: title and footnote leave only {height / EMU_PER_INCH:.1f} in for the "
            "body; shorten them."
        )
    return MARGIN, top, CONTENT_WIDTH, height
