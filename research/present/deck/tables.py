"""Table slides: rows of text as native tables, continued over as many slides as they need.

Rows are measured before they are placed, so a table never runs off its slide: at most
:data:`~research.present.deck.look.MAX_TABLE_ROWS` rows and one slide's height a page,
pages balanced where they can be.
"""

from __future__ import annotations

from collections.abc import Sequence

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR
from pptx.presentation import Presentation
from pptx.slide import SlideLayout
from pptx.util import Inches

from research.present.deck.look import (
    BAND,
    BOTTOM_MARGIN,
    CONTENT_WIDTH,
    GAP,
    MARGIN,
    MAX_TABLE_ROWS,
    PRIMARY,
    SLIDE_HEIGHT,
    TABLE_TEXT_PT,
    TEXT,
    TITLE_MIN_HEIGHT,
    TITLE_TOP,
    WHITE,
)
from research.present.deck.text import (
    count_lines,
    footnote_height,
    place_footnote,
    place_title,
    text_height,
    write_text,
)


def row_height(row: Sequence[str], widths: Sequence[int], size_pt: float) -> int:
    """Return the estimated height (EMU) of a table row at ``size_pt``."""
    lines = max(count_lines(cell, size_pt, w) for cell, w in zip(row, widths, strict=True))
    return text_height(lines, size_pt)


def paginate(heights: Sequence[int], room: int, where: str) -> list[tuple[int, int]]:
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


def add_table_slides(
    prs: Presentation,
    layout: SlideLayout,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    fractions: Sequence[float],
    *,
    footnote: str | None,
    empty_text: str,
) -> None:
    """Add one or more slides of ``layout`` holding ``rows`` as a native table under ``header``.

    ``fractions`` are the column widths as fractions of the content width; a slide says
    ``empty_text`` when there are no rows.
    """
    widths = [int(CONTENT_WIDTH * f) for f in fractions]
    widths[-1] = CONTENT_WIDTH - sum(widths[:-1])
    size = TABLE_TEXT_PT
    # Room left under a one-line title, above an optional footnote, minus the header row.
    title_bottom = TITLE_TOP + TITLE_MIN_HEIGHT
    foot = footnote_height(footnote) if footnote else 0
    body = SLIDE_HEIGHT - BOTTOM_MARGIN - foot - GAP - (title_bottom + GAP)
    header_height = row_height(header, widths, size)
    heights = [row_height(r, widths, size) for r in rows]
    pages = paginate(heights, body - header_height, title) if rows else [(0, 0)]
    for page, (a, b) in enumerate(pages, start=1):
        label = f"{title} ({page} of {len(pages)})" if len(pages) > 1 else title
        slide = prs.slides.add_slide(layout)
        top = place_title(slide, label) + GAP
        if footnote:
            place_footnote(slide, footnote, "Footnote")
        if not rows:
            box = slide.shapes.add_textbox(MARGIN, top, CONTENT_WIDTH, Inches(1))
            write_text(box.text_frame, [empty_text], 18)
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


def _fill_cell(cell, text: str, size_pt: float, fill: RGBColor, colour: RGBColor, *, bold: bool):
    """Write ``text`` into a table cell (``table.cell(i, j)``) with a solid ``fill``."""
    cell.fill.solid()
    cell.fill.fore_color.rgb = fill
    cell.vertical_anchor = MSO_ANCHOR.TOP
    write_text(cell.text_frame, text.split("\n"), size_pt, bold=bold, colour=colour)
