"""The slide "what would change the answer": the changes in the brand's levers and the
verdict each leads to, beside what to research first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pptx.enum.shapes import MSO_CONNECTOR
from pptx.presentation import Presentation
from pptx.slide import Slide
from pptx.util import Inches, Pt

from research.present.deck.look import (
    CHANGE_SIZES_PT,
    EMU_PER_PT,
    GAP,
    INSET_X,
    MUTED,
    POINT_SPACE_PT,
    REFERENCE,
    Box,
)
from research.present.deck.slides import layout, verdict_parts
from research.present.deck.spec import DeckSpec
from research.present.deck.tables import add_table, row_height, table_height
from research.present.deck.text import (
    body_box,
    count_lines,
    drop_theme_style,
    place_title,
    text_height,
    text_width_pt,
    write_text,
)

#: Header of the table of changes.
CHANGES_HEADER: Final[tuple[str, str]] = ("Change", "Leads to")


#: Heading of the research list beside the table of changes.
RESEARCH_HEADING: Final[str] = "Research first"


#: Said in place of the table when no change moves the verdict.
NO_CHANGES: Final[str] = "No single change moves the verdict."


#: Share of the body the table of changes takes when the research list sits beside it.
CHANGES_SHARE: Final[float] = 0.64


#: Narrowest and widest the "Leads to" column may be (fractions of the table).
VERDICT_COLUMN: Final[tuple[float, float]] = (0.25, 0.45)


def changes_widths(rows: Sequence[tuple[str, ...]], size_pt: float, width: int) -> list[int]:
    """Return the two column widths of the table of changes at ``size_pt``: the verdict
    column as wide as its longest cell (within :data:`VERDICT_COLUMN`), the change the rest."""
    cells = [CHANGES_HEADER[1], *(row[1] for row in rows)]
    # bold runs are wider than the regular estimate; allow a tenth more
    needed = max(text_width_pt(c, size_pt) for c in cells) * 1.1 * EMU_PER_PT + 2 * INSET_X
    low, high = (int(f * width) for f in VERDICT_COLUMN)
    verdict = min(max(int(needed), low), high)
    return [width - verdict, verdict]


def add_change_slide(prs: Presentation, spec: DeckSpec) -> Slide:
    """Add "what would change the answer": the table of changes (each verdict word in its
    colour) and, beside it, what to research first."""
    slide = prs.slides.add_slide(layout(prs, "Title Only"))
    title_bottom = place_title(slide, spec.change_title)
    left, top, width, height = body_box(title_bottom, None, "DeckSpec.change_title")
    gap = Inches(0.5)
    table_width = int(width * CHANGES_SHARE) - gap // 2 if spec.research else width
    size = CHANGE_SIZES_PT[0]
    if spec.changes:
        size = _changes_size(spec.changes, table_width, height)
        if size is None:
            raise ValueError(
                f"DeckSpec.changes: {len(spec.changes)} rows do not fit one slide even at "
                f"{CHANGE_SIZES_PT[-1]} pt; shorten them or keep the most decisive."
            )
        add_table(
            slide,
            "Changes table",
            left,
            top,
            changes_widths(spec.changes, size, table_width),
            CHANGES_HEADER,
            spec.changes,
            size,
            parts=lambda _i, _j, text: verdict_parts(text),
            bold_first=False,
        )
    else:
        box = slide.shapes.add_textbox(left, top, table_width, text_height(1, CHANGE_SIZES_PT[0]))
        box.name = "Changes table"
        write_text(box.text_frame, [NO_CHANGES], CHANGE_SIZES_PT[0])
    if spec.research:
        right = left + table_width + gap
        box = (right, top, left + width - right, height)
        _add_research(slide, spec.research, box, [s for s in CHANGE_SIZES_PT if s <= size])
    return slide


def _changes_size(rows: Sequence[tuple[str, ...]], width: int, height: int) -> int | None:
    """Return the size of the table of changes: the largest at which the table fits
    ``height`` and no row wraps, else the largest at which it fits, else None."""
    fitting = []
    for size in CHANGE_SIZES_PT:
        widths = changes_widths(rows, size, width)
        if table_height(CHANGES_HEADER, rows, widths, size) > height:
            continue
        fitting.append(size)
        if all(row_height(r, widths, size) == text_height(1, size) for r in rows):
            return size
    return fitting[0] if fitting else None


def _add_research(
    slide: Slide, rows: Sequence[tuple[str, ...]], box: Box, sizes: Sequence[int]
) -> None:
    """Write the research list under its heading in ``box``: each item bold, its why below,
    at the largest of ``sizes`` that fits (never larger than the table beside it)."""
    left, top, width, height = box
    heading_size = sizes[0]
    heading_height = text_height(1, heading_size)
    heading = slide.shapes.add_textbox(left, top, width, heading_height)
    heading.name = "Research heading"
    write_text(heading.text_frame, [RESEARCH_HEADING], heading_size, bold=True)
    rule_y = top + heading_height
    rule = slide.shapes.add_connector(
        MSO_CONNECTOR.STRAIGHT, left + Inches(0.1), rule_y, left + width - Inches(0.1), rule_y
    )
    rule.name = "Research rule"
    rule.line.color.rgb = REFERENCE
    rule.line.width = Pt(1)
    drop_theme_style(rule)
    list_top = rule_y + GAP
    room = top + height - list_top
    paragraphs = [p for what, why in rows for p in (what, why)]

    def needed(size: int) -> int:
        lines = sum(count_lines(p, size, width) for p in paragraphs)
        return text_height(lines, size) + int(POINT_SPACE_PT * (len(rows) - 1) * EMU_PER_PT)

    size = next((s for s in sizes if needed(s) <= room), None)
    if size is None:
        raise ValueError(
            f"DeckSpec.research: {len(rows)} rows do not fit beside the changes even at "
            f"{CHANGE_SIZES_PT[-1]} pt; shorten them."
        )
    shape = slide.shapes.add_textbox(left, list_top, width, needed(size))
    shape.name = "Research"
    frame = shape.text_frame
    write_text(frame, paragraphs, size)
    for k, para in enumerate(frame.paragraphs):
        para.runs[0].font.bold = k % 2 == 0
        if k % 2 == 1:
            para.runs[0].font.color.rgb = MUTED
            if k < len(frame.paragraphs) - 1:
                para.space_after = Pt(POINT_SPACE_PT)
