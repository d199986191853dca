"""The deck itself: :func:`build_deck` turns a :class:`DeckSpec` into a 16:9 presentation in
the house style and :func:`write_deck` saves it atomically.

Slides, in order: title; executive summary (verdict badge, P(GO), verdict line, the top
three reasons); one slide per chart (native chart or picture, with its action title and
source footnote); analyst assumptions; sources.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Final

import pptx
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.parts.image import Image
from pptx.presentation import Presentation
from pptx.slide import Slide, SlideLayout
from pptx.util import Emu, Inches, Pt

from research.files import atomic_write
from research.formats import format_pct
from research.present.deck.look import (
    BOTTOM_MARGIN,
    EMU_PER_INCH,
    FONT,
    GAP,
    MARGIN,
    MIN_IMAGE_DPI,
    MUTED,
    REASON_SIZES_PT,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    TEMPLATE_WIDTH,
    TEXT,
    TITLE_SIZES_PT,
    VERDICT_COLOURS,
    VERDICT_LINE_SIZES_PT,
    Box,
)
from research.present.deck.native_chart import add_key, add_native_chart, key_entries
from research.present.deck.spec import SOURCE_SHAPE, ChartSlide, DeckSpec
from research.present.deck.tables import add_table_slides
from research.present.deck.text import (
    body_box,
    contrast_text,
    count_lines,
    fit_size,
    place_footnote,
    place_title,
    set_alt_text,
    write_text,
)

#: The assumptions table: header, column widths (fractions) and footnote.
ASSUMPTIONS_HEADER: Final[tuple[str, ...]] = ("Assumption", "Range", "Rationale")
ASSUMPTIONS_WIDTHS: Final[tuple[float, ...]] = (0.25, 0.2, 0.55)
ASSUMPTIONS_FOOTNOTE: Final[str] = "Analyst assumptions, not sourced evidence."
#: The sources table: header and column widths (fractions).
SOURCES_HEADER: Final[tuple[str, ...]] = ("Source", "Citation")
SOURCES_WIDTHS: Final[tuple[float, ...]] = (0.18, 0.82)


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
    add_table_slides(
        prs,
        _layout(prs, "Title Only"),
        "Analyst assumptions",
        ASSUMPTIONS_HEADER,
        spec.assumptions,
        ASSUMPTIONS_WIDTHS,
        footnote=ASSUMPTIONS_FOOTNOTE,
        empty_text="No analyst assumptions enter this analysis.",
    )
    add_table_slides(
        prs,
        _layout(prs, "Title Only"),
        "Sources",
        SOURCES_HEADER,
        spec.sources,
        SOURCES_WIDTHS,
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


# --- template -----------------------------------------------------------------------------------


def _apply_house_template(prs: Presentation) -> None:
    """Make the default template 16:9 and give its master the house title and body style."""
    prs.slide_width = Emu(SLIDE_WIDTH)
    prs.slide_height = Emu(SLIDE_HEIGHT)
    scale = SLIDE_WIDTH / TEMPLATE_WIDTH
    master = prs.slide_master
    for shapes in [master.shapes, *(layout.shapes for layout in prs.slide_layouts)]:
        for shape in shapes:
            for xfrm in shape.element.xpath("./p:spPr/a:xfrm"):
                xfrm.off.x = int(xfrm.off.x * scale)
                xfrm.ext.cx = int(xfrm.ext.cx * scale)
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


# --- slides -------------------------------------------------------------------------------------


def _add_title_slide(prs: Presentation, spec: DeckSpec) -> None:
    """Add the title slide (title and subtitle)."""
    slide = prs.slides.add_slide(_layout(prs, "Title Slide"))
    width = SLIDE_WIDTH - 2 * Inches(1)
    title_size = fit_size([spec.title], (40, 36, 32, 28), width, Inches(2.2), "DeckSpec.title")
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Inches(1), Inches(1.9), width, Inches(2.2)
    write_text(title.text_frame, [spec.title], title_size, bold=True)
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    subtitle = next(
        s for s in slide.placeholders if s.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE
    )
    subtitle.left, subtitle.top = Inches(1), Inches(4.3)
    subtitle.width, subtitle.height = width, Inches(1.6)
    if spec.subtitle:
        size = fit_size(
            spec.subtitle.split("\n"), (20, 18, 16, 14), width, Inches(1.6), "DeckSpec.subtitle"
        )
        write_text(subtitle.text_frame, spec.subtitle.split("\n"), size, colour=MUTED)
        subtitle.text_frame.vertical_anchor = MSO_ANCHOR.TOP
    else:
        subtitle.element.getparent().remove(subtitle.element)


def _add_summary_slide(prs: Presentation, spec: DeckSpec) -> None:
    """Add the executive summary: verdict badge, P(GO), verdict line and top three reasons."""
    slide = prs.slides.add_slide(_layout(prs, "Title and Content"))
    top = place_title(slide, "Executive summary") + GAP
    bottom = SLIDE_HEIGHT - BOTTOM_MARGIN
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
        s for s in (44, 40, 36, 32, 28, 24) if count_lines(spec.verdict, s, left_width) == 1
    )
    write_text(
        badge.text_frame,
        [spec.verdict],
        badge_size,
        bold=True,
        colour=contrast_text(colour),
        align=PP_ALIGN.CENTER,
    )
    badge.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE

    p_top = top + Inches(1.5) + GAP
    p_box = slide.shapes.add_textbox(MARGIN, p_top, left_width, Inches(1.4))
    p_box.name = "P(GO)"
    write_text(p_box.text_frame, [format_pct(spec.p_go)], 44, bold=True, colour=TEXT)
    caption = p_box.text_frame.add_paragraph()
    run = caption.add_run()
    run.text = "probability of GO"
    run.font.name, run.font.size, run.font.color.rgb = FONT, Pt(16), MUTED

    right = MARGIN + left_width + Inches(0.4)
    right_width = SLIDE_WIDTH - MARGIN - right
    line_height = Inches(1.3)
    line_size = fit_size(
        [spec.verdict_line], VERDICT_LINE_SIZES_PT, right_width, line_height, "verdict_line"
    )
    line_box = slide.shapes.add_textbox(right, top, right_width, line_height)
    line_box.name = "Verdict line"
    write_text(line_box.text_frame, [spec.verdict_line], line_size, bold=True)

    shown, rest = spec.reasons[:3], spec.reasons[3:]
    body = next(s for s in slide.placeholders if s.placeholder_format.idx == 1)
    reasons_top = top + line_height + GAP
    body.left, body.top = right, reasons_top
    body.width, body.height = right_width, bottom - reasons_top
    bullet_width = right_width - Inches(0.375)  # the master's bullet indent
    size = fit_size(shown, REASON_SIZES_PT, bullet_width, body.height, "reasons", extra_pt=10)
    write_text(body.text_frame, shown, size, space_after_pt=10)
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
    title_bottom = place_title(slide, spec.title)
    footnote_top = place_footnote(slide, spec.source_line, SOURCE_SHAPE)
    box = body_box(title_bottom, footnote_top, f"ChartSlide {spec.title!r}")
    if spec.kind == "image":
        _add_picture(slide, spec, box)
    else:
        entries = key_entries(spec)
        if entries:
            box = add_key(slide, entries, box)
        add_native_chart(slide, spec, box)
    _add_notes(slide, spec.notes)


def _add_picture(slide: Slide, spec: ChartSlide, box: Box) -> None:
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
    set_alt_text(pic, spec.title)
    dpi = px_w / (w / EMU_PER_INCH)
    if dpi < MIN_IMAGE_DPI:
        warnings.warn(
            f"ChartSlide {spec.title!r}: {path.name} is {px_w}x{px_h} px, only {dpi:.0f} px per "
            f"inch on the slide (want >= {MIN_IMAGE_DPI}); save it at a higher dpi.",
            stacklevel=3,
        )
