"""Where a native chart's plot sits and how its value axis is scaled and written: the room
its labels need, a round tick step, and tick words that never repeat (the PNG charts use
the same scale, so both read alike)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from research.formats import NumberFormat, format_pct
from research.present.deck.look import (
    CHART_TEXT_PT,
    EMU_PER_PT,
    INSET_X,
    LINE_SPACING,
    Box,
)
from research.present.deck.spec import (
    HORIZONTAL_KINDS,
    INTERVAL_KINDS,
    ChartSlide,
)
from research.present.deck.text import (
    count_lines,
    text_width_pt,
)

#: Gap (pt) between the end of an interval's line and its data label.
LABEL_PAD_PT: Final[float] = 8.0
#: Room (pt) besides its line of text between the value axis's title and what is next to it.
AXIS_TITLE_PAD_PT: Final[float] = 8.0


@dataclass(frozen=True)
class Geometry:
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


def round_unit(span: float) -> float:
    """Return a round step (1, 2, 2.5 or 5 times a power of ten) giving about five steps."""
    raw = span / 5 or 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))


def value_scale(
    vmin: float, vmax: float, log: bool, fixed: tuple[float, float] | None = None
) -> tuple[float, float, float | None]:
    """Return ``(min, max, major unit)`` of a value axis holding ``vmin`` to ``vmax``.

    A ``fixed`` range is kept as given (a round unit that divides it, where one of about
    five steps does). Otherwise linear axes start at zero (or below, for negative values)
    and end at the first round step (1, 2, 2.5 or 5 times a power of ten, about five
    steps) at or above the data; log axes span whole decades and leave the unit to the
    application.
    """
    if fixed is not None:
        lo, hi = fixed
        if log:
            return lo, hi, None
        span = hi - lo
        unit = round_unit(span)
        for candidate in (unit, unit / 2, unit * 2, unit * 2.5, unit / 2.5):
            steps = span / candidate
            if 3 <= round(steps) <= 10 and abs(steps - round(steps)) < 1e-9:
                return lo, hi, candidate
        return lo, hi, unit
    if log:
        lo = 10.0 ** math.floor(math.log10(vmin))
        hi = 10.0 ** math.ceil(math.log10(vmax))
        return lo, (hi if hi > lo else lo * 10), None
    top, bottom = max(vmax, 0.0), min(vmin, 0.0)
    unit = round_unit(top - bottom)
    hi = round(math.ceil(top / unit - 1e-9) * unit, 12)
    lo = round(math.floor(bottom / unit + 1e-9) * unit, 12)
    return lo, (hi if hi > lo else lo + unit), unit


def step_decimals(step: float) -> int:
    """Return the decimals that tell ticks ``step`` apart: 0 for 20, 1 for 0.5, 2 for 0.25."""
    for decimals in range(7):
        scaled = abs(step) * 10**decimals
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return decimals
    return 6


#: Plain axis codes whose decimals follow the tick step (a percentage, a number).
_STEPPED_CODES: Final[tuple[str, ...]] = ("0%", "0")


#: An axis code :func:`axis_code` writes: '0', '0.00', '0%', '0.0%'.
_PLAIN_CODE: Final[re.Pattern[str]] = re.compile(r"0(?:\.0+)?%?")


def axis_code(number_format: NumberFormat, unit: float | None) -> str:
    """Return the Excel code of a value axis ticking every ``unit``: the format's axis code
    with as many decimals as the step needs, so no two ticks read the same ('0%' for a
    step of 0.2, '0.5%' steps as '0.0%', points stepping 0.02 as '0.00')."""
    code = number_format.axis_excel or number_format.excel
    if unit is None or code not in _STEPPED_CODES:
        return code
    percent = code.endswith("%")
    decimals = step_decimals(unit * (100 if percent else 1))
    return "0" + ("." + "0" * decimals if decimals else "") + ("%" if percent else "")


def tick_words(number_format: NumberFormat, unit: float | None) -> Callable[[float], str]:
    """Return how the value axis writes a tick when it ticks every ``unit``: in
    :func:`axis_code`'s code (``'20%'``, ``'2.5%'``, ``'0.02'``), else as the format's text."""
    code = axis_code(number_format, unit)
    if not _PLAIN_CODE.fullmatch(code):
        return number_format.text
    decimals = len(code.partition(".")[2].rstrip("%"))
    if code.endswith("%"):
        return lambda value: format_pct(value, decimals)
    return lambda value: f"{float(value) + 0.0:.{decimals}f}"


def check_value_range(spec: ChartSlide) -> None:
    """Raise ``ValueError`` if a value (or an interval end) lies outside ``value_range``."""
    if spec.value_range is None:
        return
    lo, hi = spec.value_range
    if spec.log_scale and lo <= 0:
        raise ValueError(
            f"ChartSlide {spec.title!r}: a log-scale value_range must start above zero, "
            f"got {spec.value_range}."
        )
    values = [v for _, vs in spec.series for v in vs]
    tol = 1e-9 * max(abs(lo), abs(hi), 1.0)
    outside = [v for v in values if not lo - tol <= v <= hi + tol]
    if outside:
        raise ValueError(
            f"ChartSlide {spec.title!r}: values {outside[:3]} lie outside value_range "
            f"{spec.value_range}; widen the range or leave it to the deck."
        )


def plot_geometry(spec: ChartSlide, box: Box) -> Geometry:
    """Return the inner plot area and value scale of a native chart in ``box``.

    The plot area is placed by hand, leaving measured room for the category labels (and
    group labels), the value-axis labels and the data labels beyond the longest bar, so
    nothing is cut off or overlaps, whichever application draws the chart. Labels are
    measured as the chart's number format writes them.
    """
    _, _, width, height = box
    w_pt, h_pt = width / EMU_PER_PT, height / EMU_PER_PT
    size = CHART_TEXT_PT
    line = size * LINE_SPACING
    values = [v for _, vs in spec.series for v in vs]
    lo, hi, unit = value_scale(min(values), max(values), spec.log_scale, spec.value_range)
    labelled = spec.series[1][1] if spec.kind in INTERVAL_KINDS else values
    words, ticks = spec.number_format.text, tick_words(spec.number_format, unit)
    label_w = max(text_width_pt(words(v), size) for v in labelled)
    tick_w = max(text_width_pt(ticks(v), size) for v in (lo, hi))
    group_room = line + 12 if spec.groups else 0.0
    if spec.kind in HORIZONTAL_KINDS:
        title_room = line + AXIS_TITLE_PAD_PT if spec.axis_label else 0.0
        cat_w = min(max(text_width_pt(c, size) for c in spec.categories), 0.35 * w_pt)
        left = cat_w + group_room + 14
        right = max(label_w + 2 * LABEL_PAD_PT, tick_w / 2 + 4)
        top, bottom = 4.0, line + 12 + title_room
    else:
        left, right = tick_w + 14, 8.0
        slot = (w_pt - left - right) / len(spec.categories)
        slot_emu = int(slot * EMU_PER_PT) + 2 * INSET_X
        lines = max(count_lines(c, size, slot_emu) for c in spec.categories)
        top = line + 2 * LABEL_PAD_PT
        bottom = lines * line + 12 + group_room
    return Geometry(
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
