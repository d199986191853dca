"""Table slides: rows of text as native tables, continued over as many slides as they need.

Rows are measured before they are placed, so a table never runs off its slide: at most
:data:`~research.present.deck.look.MAX_TABLE_ROWS` rows and one slide's height a page,
pages balanced where they can be. A table's header is white on dark grey and its rows
are banded; a cell can hold differently coloured runs (a verdict word in its colour).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR
from pptx.presentation import Presentation
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide, SlideLayout
from pptx.util import Inches

from research.present.deck.look import (
    BAND,
    CONTENT_WIDTH,
    GAP,
    MARGIN,
    MAX_TABLE_ROWS,
    REFERENCE,
    TABLE_TEXT_PT,
    TEXT,
    TITLE_MIN_HEIGHT,
    TITLE_TOP,
    WHITE,
)
from research.present.deck.text import (
    Part,
    body_box,
    count_lines,
    footnote_top,
    place_footnote,
    place_title,
    text_height,
    write_parts,
    write_text,
)

#: Turns a body cell's text (row, column) into coloured runs; ``None`` writes it plainly.
CellParts = Callable[[int, int, str], Sequence[Part] | None]


def row_height(row: Sequence[str], widths: Sequence[int], size_pt: float) -> int:
    """Return the estimated height (EMU) of a table row at ``size_pt``."""
    lines = max(
        sum(count_lines(p, size_pt, w) for p in cell.split("\n"))
        for cell, w in zip(row, widths, strict=True)
    )
    return text_height(lines, size_pt)


def column_widths(fractions: Sequence[float], width: int) -> list[int]:
    """Return column widths (EMU) that split ``width`` by ``fractions`` exactly."""
    widths = [int(width * f) for f in fractions]
    widths[-1] = width - sum(widths[:-1])
    return widths


def table_height(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int], size_pt: float
) -> int:
    """Return the height (EMU) of a whole table, header included, at ``size_pt``."""
    return sum(row_height(r, widths, size_pt) for r in [header, *rows])


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


def add_table(
    slide: Slide,
    name: str,
    left: int,
    top: int,
    widths: Sequence[int],
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    size_pt: float,
    parts: CellParts | None = None,
    *,
    bold_first: bool = True,
) -> GraphicFrame:
    """Add a native table at ``(left, top)``, each row as tall as its text needs.

    The header is bold white on dark grey; body rows are banded, their first column bold
    (unless ``bold_first`` is false). ``parts`` may turn a body cell into coloured runs
    (the first column stays as it is).
    """
    heights = [row_height(r, widths, size_pt) for r in [header, *rows]]
    frame = slide.shapes.add_table(len(rows) + 1, len(header), left, top, sum(widths), sum(heights))
    frame.name = name
    table = frame.table
    table.first_row = True
    table.horz_banding = False
    for j, w in enumerate(widths):
        table.columns[j].width = w
    for i, h in enumerate(heights):
        table.rows[i].height = h
    for j, text in enumerate(header):
        _fill_cell(table.cell(0, j), text, size_pt, REFERENCE, WHITE, bold=True)
    for i, row in enumerate(rows, start=1):
        fill = BAND if i % 2 == 0 else WHITE
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            _fill_cell(cell, text, size_pt, fill, TEXT, bold=bold_first and j == 0)
            runs = parts(i - 1, j, text) if parts is not None and j > 0 else None
            if runs:
                write_parts(cell.text_frame, runs, size_pt)
    return frame


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
    ``empty_text`` when there are no rows. Continued tables are titled "(1 of 2)" and so on.
    """
    widths = column_widths(fractions, CONTENT_WIDTH)
    size = TABLE_TEXT_PT
    # Room under a one-line title, above the footnote (or slide number), minus the header.
    foot = footnote_top(footnote) if footnote else None
    _, _, _, body = body_box(TITLE_TOP + TITLE_MIN_HEIGHT, foot, title)
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
        add_table(slide, f"{title} table", MARGIN, top, widths, header, rows[a:b], size)


def _fill_cell(cell, text: str, size_pt: float, fill: RGBColor, colour: RGBColor, *, bold: bool):
    """Write ``text`` into a table cell (``table.cell(i, j)``) with a solid ``fill``."""
    cell.fill.solid()
    cell.fill.fore_color.rgb = fill
    cell.vertical_anchor = MSO_ANCHOR.TOP
    write_text(cell.text_frame, text.split("\n"), size_pt, bold=bold, colour=colour)
