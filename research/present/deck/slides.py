"""The slides of the storyline, one function each: cover, executive summary, chart slide,
what would change the answer, lists of points (recommendation, method), section divider.

Each function adds its slide(s) to a presentation whose template
:mod:`research.present.deck.build` has set up, measures every text before placing it
(shrinking it within the sizes :mod:`research.present.deck.look` allows) and raises
``ValueError`` when a text cannot fit even at the smallest size. Shapes are named so
tests and readers can find them.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Final

from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.parts.image import Image
from pptx.presentation import Presentation
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide, SlideLayout
from pptx.util import Inches, Pt

from research.present.deck.look import (
    BADGE_SIZES_PT,
    BAND,
    CONTENT_WIDTH,
    COVER_LINE_SIZES_PT,
    COVER_TITLE_SIZES_PT,
    EMU_PER_INCH,
    GAP,
    INSET_X,
    INSET_Y,
    MARGIN,
    MIN_IMAGE_DPI,
    MUTED,
    POINT_SIZES_PT,
    PROBABILITY_SIZES_PT,
    REFERENCE,
    SLIDE_WIDTH,
    TEXT,
    TITLE_MIN_HEIGHT,
    TITLE_TOP,
    VERDICT_COLOURS,
    WARNING_SIZES_PT,
    Box,
)
from research.present.deck.native_chart import add_key, add_native_chart, key_entries
from research.present.deck.spec import SOURCE_SHAPE, VERDICTS, ChartSlide, DeckSpec
from research.present.deck.text import (
    Part,
    body_box,
    contrast_text,
    count_lines,
    drop_theme_style,
    fit_list_size,
    fit_size,
    list_height,
    place_footnote,
    place_title,
    set_alt_text,
    text_height,
    write_list,
    write_text,
)

#: A verdict word inside a text (NO-GO before GO, so GO never matches inside NO-GO).
VERDICT_WORD: Final[re.Pattern[str]] = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(v) for v in sorted(VERDICTS, key=len, reverse=True))
    + r")(?![\w-])"
)
#: Inner margin (EMU) of the warning box.
WARNING_INSET: Final[int] = Inches(0.15)


def layout(prs: Presentation, name: str) -> SlideLayout:
    """Return the slide layout called ``name`` in the default template."""
    for candidate in prs.slide_layouts:
        if candidate.name == name:
            return candidate
    raise LookupError(f"The default template has no layout {name!r}.")


def add_notes(slide: Slide, text: str) -> None:
    """Put ``text`` in the slide's speaker notes (nothing when empty)."""
    if text:
        slide.notes_slide.notes_text_frame.text = text


def verdict_parts(text: str) -> list[Part]:
    """Return ``text`` as runs, each verdict word bold in its verdict colour, the rest plain."""
    parts: list[Part] = []
    last = 0
    for match in VERDICT_WORD.finditer(text):
        if match.start() > last:
            parts.append((text[last : match.start()], TEXT, False))
        parts.append((match.group(1), VERDICT_COLOURS[match.group(1)], True))
        last = match.end()
    if last < len(text):
        parts.append((text[last:], TEXT, False))
    return parts


def _add_rule(slide: Slide, left: int, y: int, name: str) -> None:
    """Add the short grey rule under a cover's or divider's title, from ``left`` (EMU) at
    height ``y`` (EMU)."""
    rule = slide.shapes.add_connector(
        MSO_CONNECTOR.STRAIGHT, left + Inches(0.1), y, left + Inches(2.6), y
    )
    rule.name = name
    rule.line.color.rgb = REFERENCE
    rule.line.width = Pt(2)
    drop_theme_style(rule)


# --- cover ------------------------------------------------------------------------------------

#: Cover geometry: the title ends at the rule; the lines and the warning sit below it.
COVER_LEFT: Final[int] = Inches(1)
COVER_WIDTH: Final[int] = SLIDE_WIDTH - 2 * COVER_LEFT
COVER_TITLE_TOP: Final[int] = Inches(0.8)
COVER_TITLE_HEIGHT: Final[int] = Inches(3.1)
COVER_LINES_TOP: Final[int] = Inches(4.3)
COVER_LINES_HEIGHT: Final[int] = Inches(1.3)
COVER_WARNING_TOP: Final[int] = Inches(5.8)
COVER_WARNING_HEIGHT: Final[int] = Inches(1.2)


def add_cover(prs: Presentation, spec: DeckSpec) -> Slide:
    """Add the cover: the question large, the lines under it and the warning in a box."""
    slide = prs.slides.add_slide(layout(prs, "Title Slide"))
    where = "DeckSpec.cover_title"
    size = fit_size(
        [spec.cover_title], COVER_TITLE_SIZES_PT, COVER_WIDTH, COVER_TITLE_HEIGHT, where
    )
    title = slide.shapes.title
    title.left, title.top = COVER_LEFT, COVER_TITLE_TOP
    title.width, title.height = COVER_WIDTH, COVER_TITLE_HEIGHT
    write_text(title.text_frame, [spec.cover_title], size, bold=True)
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM

    _add_rule(slide, COVER_LEFT, COVER_TITLE_TOP + COVER_TITLE_HEIGHT + Inches(0.2), "Cover rule")

    subtitle = next(
        s for s in slide.placeholders if s.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE
    )
    if spec.cover_lines:
        lines = list(spec.cover_lines)
        size = fit_size(
            lines, COVER_LINE_SIZES_PT, COVER_WIDTH, COVER_LINES_HEIGHT, "DeckSpec.cover_lines"
        )
        subtitle.left, subtitle.top = COVER_LEFT, COVER_LINES_TOP
        subtitle.width, subtitle.height = COVER_WIDTH, COVER_LINES_HEIGHT
        write_text(subtitle.text_frame, lines, size, colour=MUTED)
        subtitle.text_frame.vertical_anchor = MSO_ANCHOR.TOP
        subtitle.name = "Cover lines"
    else:
        subtitle.element.getparent().remove(subtitle.element)
    if spec.warning:
        add_warning(
            slide, spec.warning, (COVER_LEFT, COVER_WARNING_TOP, COVER_WIDTH, COVER_WARNING_HEIGHT)
        )
    return slide


def add_warning(slide: Slide, text: str, room: Box, *, bottom: bool = False) -> Shape:
    """Add the warning in a calm grey box as tall as it needs within ``room``.

    The box sits at the top of ``room`` (at its bottom with ``bottom``).
    """
    left, top, width, height = room
    # count_lines and text_height allow for the default insets; the box has wider ones.
    inner = width - 2 * WARNING_INSET + 2 * INSET_X
    extra = 2 * WARNING_INSET - 2 * INSET_Y
    size = fit_size([text], WARNING_SIZES_PT, inner, height - extra, "DeckSpec.warning")
    needed = text_height(count_lines(text, size, inner), size) + extra
    box = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, left, top + height - needed if bottom else top, width, needed
    )
    box.name = "Warning"
    box.fill.solid()
    box.fill.fore_color.rgb = BAND
    box.line.color.rgb = REFERENCE
    box.line.width = Pt(0.75)
    drop_theme_style(box)
    frame = box.text_frame
    write_text(frame, [text], size, colour=TEXT)
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = frame.margin_right = WARNING_INSET
    frame.margin_top = frame.margin_bottom = WARNING_INSET
    return box


# --- executive summary ------------------------------------------------------------------------

#: Width of the summary's left column (badge and probability line).
SUMMARY_LEFT_WIDTH: Final[int] = Inches(4.1)
BADGE_HEIGHT: Final[int] = Inches(1.2)


def add_summary(prs: Presentation, spec: DeckSpec) -> Slide:
    """Add the executive summary: the headline as title, the verdict badge, the probability
    line under it, the summary points beside them and the warning along the bottom."""
    slide = prs.slides.add_slide(layout(prs, "Title Only"))
    title_bottom = place_title(slide, spec.headline)
    left, top, width, height = body_box(title_bottom, None, "DeckSpec.headline")
    bottom = top + height
    if spec.warning:
        room = (left, top + height // 2, width, height - height // 2)
        warning = add_warning(slide, spec.warning, room, bottom=True)
        bottom = warning.top - GAP

    colour = VERDICT_COLOURS[spec.verdict]
    badge = slide.shapes.add_shape(
        MSO_SHAPE.ROUNDED_RECTANGLE, left, top, SUMMARY_LEFT_WIDTH, BADGE_HEIGHT
    )
    badge.name = "Verdict badge"
    badge.fill.solid()
    badge.fill.fore_color.rgb = colour
    badge.line.fill.background()
    drop_theme_style(badge)
    badge_size = next(
        s for s in BADGE_SIZES_PT if count_lines(spec.verdict, s, SUMMARY_LEFT_WIDTH) == 1
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

    if spec.probability_line:
        p_top = top + BADGE_HEIGHT + GAP
        p_height = bottom - p_top
        size = fit_size(
            [spec.probability_line],
            PROBABILITY_SIZES_PT,
            SUMMARY_LEFT_WIDTH,
            p_height,
            "DeckSpec.probability_line",
        )
        needed = text_height(count_lines(spec.probability_line, size, SUMMARY_LEFT_WIDTH), size)
        p_box = slide.shapes.add_textbox(left, p_top, SUMMARY_LEFT_WIDTH, needed)
        p_box.name = "Probability"
        write_text(p_box.text_frame, [spec.probability_line], size, bold=True)

    right = left + SUMMARY_LEFT_WIDTH + Inches(0.5)
    right_width = left + width - right
    points = list(spec.summary_points)
    size = fit_list_size(
        points, POINT_SIZES_PT, right_width, bottom - top, "DeckSpec.summary_points", False
    )
    box = slide.shapes.add_textbox(right, top, right_width, bottom - top)
    box.name = "Summary points"
    write_list(box.text_frame, points, size, numbered=False)
    add_notes(slide, spec.notes)
    return slide


# --- chart slides -----------------------------------------------------------------------------


def add_chart_slide(prs: Presentation, spec: ChartSlide) -> Slide:
    """Add one chart slide: action title, chart or picture, source footnote, notes.

    A native chart that needs a key (several series, an interval or highlighted bars)
    gets one line above it saying what each colour and line is, in series order.
    """
    slide = prs.slides.add_slide(layout(prs, "Title Only"))
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
    add_notes(slide, spec.notes)
    return slide


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
            stacklevel=4,
        )


# --- what would change the answer -------------------------------------------------------------


# --- lists of points and the divider ----------------------------------------------------------


def add_points_slides(
    prs: Presentation, title: str, points: Sequence[str], *, numbered: bool, where: str
) -> list[Slide]:
    """Add ``points`` as a bulleted or numbered list under ``title``, on one slide if they fit,
    else over as few slides as they need (titled "(1 of 2)" and so on), every page at the
    same size, the largest that needs no more pages; numbering runs on across pages."""
    points = list(points) or ["None."]
    _, _, width, height = body_box(TITLE_TOP + TITLE_MIN_HEIGHT, None, where)
    fewest = len(_paginate_points(points, POINT_SIZES_PT[-1], width, height, numbered, where))
    for size in POINT_SIZES_PT:
        pages = _paginate_points(points, size, width, height, numbered, where, strict=False)
        if pages and len(pages) <= fewest:
            break
    sizes = [s for s in POINT_SIZES_PT if s <= size]
    slides, start = [], 1
    for k, page in enumerate(pages, start=1):
        label = f"{title} ({k} of {len(pages)})" if len(pages) > 1 else title
        slide = prs.slides.add_slide(layout(prs, "Title Only"))
        left, top, width, height = body_box(place_title(slide, label), None, where)
        page_size = fit_list_size(page, sizes, width, height, where, numbered)
        box = slide.shapes.add_textbox(
            left, top, width, list_height(page, page_size, width, numbered)
        )
        box.name = "Points"
        write_list(box.text_frame, page, page_size, numbered=numbered, start=start)
        start += len(page)
        slides.append(slide)
    return slides


def _paginate_points(
    points: Sequence[str],
    size: int,
    width: int,
    height: int,
    numbered: bool,
    where: str,
    *,
    strict: bool = True,
) -> list[list[str]]:
    """Return ``points`` split into as few pages as fit ``height`` at ``size``, balanced
    (12 points become 6 + 6, not 8 + 4) where that still fits.

    A point taller than a page raises ``ValueError`` (returns ``[]`` unless ``strict``).
    """
    pages: list[list[str]] = []
    page: list[str] = []
    for point in points:
        if list_height([point], size, width, numbered) > height:
            if not strict:
                return []
            raise ValueError(f"{where}: a point is taller than a slide at {size} pt; shorten it.")
        if page and list_height([*page, point], size, width, numbered) > height:
            pages.append(page)
            page = []
        page.append(point)
    pages.append(page)
    n = len(pages)
    bounds = [round(k * len(points) / n) for k in range(n + 1)]
    balanced = [list(points[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    if all(list_height(pg, size, width, numbered) <= height for pg in balanced):
        return balanced
    return pages


def add_divider(prs: Presentation, title: str, line: str) -> Slide:
    """Add a section divider: ``title`` large in the middle of the slide, ``line`` under it."""
    slide = prs.slides.add_slide(layout(prs, "Title Only"))
    shape = slide.shapes.title
    height = text_height(1, 44)
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(2.6), CONTENT_WIDTH, height
    write_text(shape.text_frame, [title], 44, bold=True)
    shape.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    rule_y = Inches(2.6) + height + Inches(0.1)
    _add_rule(slide, MARGIN, rule_y, "Divider rule")
    if line:
        size = fit_size([line], (20, 18, 16), CONTENT_WIDTH, Inches(1.2), "divider line")
        box = slide.shapes.add_textbox(
            MARGIN,
            rule_y + Inches(0.2),
            CONTENT_WIDTH,
            text_height(count_lines(line, size, CONTENT_WIDTH), size),
        )
        box.name = "Divider line"
        write_text(box.text_frame, [line], size, colour=MUTED)
    return slide
