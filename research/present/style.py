"""The house style and the chart plumbing every chart in a client deck goes through.

One theme (:func:`house_style`), one set of number formats (``format_*`` and the ``*_axis``
helpers), titles generated from numbers (:func:`format_takeaway`), source lines generated
from provenance (:func:`make_source_line`), a fixed slide geometry (:func:`new_figure`) and
a deterministic, atomic export (:func:`export_chart`).

The recipe for a chart::

    fig, ax = new_figure("full")                     # 13.33 x 7.5 in, house style
    plot_timeline(ev, ax=ax)                         # any plot_* function, returns ax
    finish(ax, timeline_text(ev))                    # takeaway title + source line
    export_chart(fig, BUILD_DIR / "charts", "timeline")   # PNG (220 dpi) + SVG
    plt.close(fig)

Writing a new plot function (model charts)
------------------------------------------
- Signature ``plot_<thing>(..., ax: Axes | None = None) -> Axes``; when ``ax`` is None,
  call ``new_figure()``; otherwise call :func:`apply_house_style` on the given ``ax``.
- Draw inside ``with house_style():`` so text, lines and ticks created while drawing pick
  up the theme even when the caller's global rcParams differ.
- Colours: :data:`PRIMARY` for the main series, :data:`ACCENT` for the one thing the title
  talks about, :data:`NEUTRAL` for context bars, then :data:`PALETTE` in order. Never
  colour alone: a highlighted bar also gets a direct label.
- Numbers on axes and in labels go through the ``format_*`` helpers; the title is built
  by a ``<thing>_text(...) -> ChartText`` function from the same numbers that are plotted
  (use :func:`format_takeaway`, which refuses digits typed into the template), and the
  source line by :func:`make_source_line`, listing sourced inputs and assumed inputs apart.
- Do not call ``finish`` or ``export_chart`` inside ``plot_*``: the caller owns the figure.

Sizes are in points and tuned so text is legible when a 13.33 x 7.5 in figure fills a
16:9 slide (title 20 pt, axis labels 14 pt, ticks and annotations 12 pt, source 10 pt).
"""

from __future__ import annotations

import contextlib
import functools
import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from research.data.evidence import (
    Evidence,
    cite,
    find_conflicts,
    find_stale_repeats,
    observations_for,
)
from research.errors import InputError, closest
from research.files import atomic_write
from research.paths import slugify

# --------------------------------------------------------------------------- palette

#: Main series (Okabe-Ito blue).
PRIMARY: str = "#0072B2"
#: The highlight: the one thing the title talks about (Okabe-Ito orange).
ACCENT: str = "#E69F00"
#: Okabe-Ito bluish green.
GREEN: str = "#009E73"
#: Okabe-Ito vermillion; the toolkit uses it for disagreement between sources.
VERMILLION: str = "#D55E00"
#: Okabe-Ito reddish purple.
PURPLE: str = "#CC79A7"
#: Okabe-Ito sky blue.
SKY: str = "#56B4E9"
#: Okabe-Ito yellow (weak on white: use for fills, not lines or text).
YELLOW: str = "#F0E442"
#: Black.
BLACK: str = "#000000"
#: Neutral grey for context bars, reference lines and events.
NEUTRAL: str = "#8C8C8C"
#: The colour cycle of every chart (Okabe-Ito, colourblind-safe), in order of use.
PALETTE: tuple[str, ...] = (PRIMARY, ACCENT, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK)
#: Verdict colours of every chart, deck badge and page: GO green, CONDITIONAL orange,
#: NO-GO vermillion.
VERDICT_COLOURS: dict[str, str] = {"GO": GREEN, "CONDITIONAL": ACCENT, "NO-GO": VERMILLION}
#: Body text colour (near-black).
TEXT_COLOR: str = "#1A1A1A"
#: Source-line and secondary text colour (grey with 5.7:1 contrast on white).
MUTED_COLOR: str = "#666666"
#: Grid colour (light grey).
GRID_COLOR: str = "#E3E3E3"

# ------------------------------------------------------------------------------ sizes

#: Takeaway title size, points, on figures at least :data:`WIDE_FIGURE_IN` wide.
TITLE_SIZE: float = 20.0
#: Takeaway title size, points, on narrower (half-slide) figures, so a title stays <= 4 lines.
TITLE_SIZE_NARROW: float = 16.0
#: Figure width, inches, from which :data:`TITLE_SIZE` is used.
WIDE_FIGURE_IN: float = 10.0
#: Axis label size, points.
LABEL_SIZE: float = 14.0
#: Tick label size, points.
TICK_SIZE: float = 12.0
#: Annotation and data-label size, points.
ANNOTATION_SIZE: float = 12.0
#: Source-line size, points.
SOURCE_SIZE: float = 10.0
#: Figure sizes, inches (width, height): a full 16:9 slide, one column of two, and the body
#: of a deck slide under its title and above its source line (for charts placed at 100 %).
FIGURE_SIZES: dict[str, tuple[float, float]] = {
    "full": (13.33, 7.5),
    "half": (6.5, 5.5),
    "slide": (12.33, 4.9),
}
#: Padding between the figure edge and its content, inches.
EDGE_PAD_IN: float = 0.12
#: Default export resolution, dots per inch (seaborn's 96 is too low for decks).
EXPORT_DPI: int = 220
#: Lowest resolution :func:`export_chart` accepts, dots per inch.
MIN_DPI: int = 200
#: Salt of the SVG element ids, fixed so the same figure gives byte-identical SVG.
SVG_HASHSALT: str = "research-charts"

_HOUSE_RC: dict[str, Any] = {
    # palette
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "image.cmap": "cividis",
    # fonts (DejaVu Sans ships with matplotlib, so every machine renders alike)
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": ANNOTATION_SIZE,
    "text.color": TEXT_COLOR,
    "figure.titlesize": TITLE_SIZE,
    "figure.titleweight": "bold",
    "figure.labelsize": SOURCE_SIZE,
    "axes.titlesize": LABEL_SIZE + 2,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": LABEL_SIZE,
    "axes.labelcolor": TEXT_COLOR,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "xtick.color": "#4D4D4D",
    "ytick.color": "#4D4D4D",
    "legend.fontsize": TICK_SIZE,
    "legend.frameon": False,
    # axes: light grid behind the data, no top or right spine
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#4D4D4D",
    "axes.linewidth": 1.0,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": GRID_COLOR,
    "grid.linewidth": 0.8,
    "grid.linestyle": "-",
    "lines.linewidth": 2.5,
    "lines.markersize": 9,
    # figure and layout
    "figure.facecolor": "white",
    "figure.constrained_layout.use": True,
    "figure.constrained_layout.h_pad": EDGE_PAD_IN,
    "figure.constrained_layout.w_pad": EDGE_PAD_IN,
    # output: explicit dpi, no resizing, deterministic SVG (ids from a fixed salt,
    # glyphs as paths so the chart renders the same without the font installed)
    "savefig.dpi": EXPORT_DPI,
    "savefig.bbox": None,
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}


class HouseStyle(dict):
    """The house rcParams: a plain dict that is also a context manager.

    ``with house_style(): ...`` applies the theme for the block and restores the previous
    rcParams afterwards; ``matplotlib.rcParams.update(house_style())`` applies it globally.
    """

    def __init__(self, rc: Mapping[str, Any]) -> None:
        super().__init__(rc)
        self._stack: list[contextlib.AbstractContextManager] = []

    def __enter__(self) -> HouseStyle:
        ctx = mpl.rc_context(dict(self))
        ctx.__enter__()
        self._stack.append(ctx)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.pop().__exit__(*exc)


def house_style() -> HouseStyle:
    """Return the house theme as an rcParams dict usable as ``with house_style(): ...``.

    Okabe-Ito colour cycle (:data:`PALETTE`), DejaVu Sans sized for slides, light y grid,
    no top/right spines, constrained layout, white background, 220 dpi, deterministic SVG
    (fixed ``svg.hashsalt``; :func:`export_chart` also drops the SVG date).
    """
    return HouseStyle(_HOUSE_RC)


def apply_house_style(ax: Axes) -> Axes:
    """Return ``ax`` restyled in place to the house theme (for Axes made elsewhere).

    Sets the colour cycle, spines, grid and tick label size, so an Axes from
    ``plt.subplots()`` or seaborn looks like one from :func:`new_figure`. Tick styles
    are stored on the Axes, so they hold even when it is drawn outside ``house_style()``.
    """
    ax.set_prop_cycle(color=list(PALETTE))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#4D4D4D")
    ax.tick_params(axis="both", which="both", labelsize=TICK_SIZE, colors="#4D4D4D")
    ax.tick_params(axis="both", which="both", labelcolor=TEXT_COLOR)
    ax.set_axisbelow(True)
    ax.grid(False)
    ax.grid(True, axis="y", color=GRID_COLOR, linewidth=0.8)
    ax.xaxis.label.set_size(LABEL_SIZE)
    ax.yaxis.label.set_size(LABEL_SIZE)
    return ax


# ------------------------------------------------------------------------- formatters


def _clean_zero(x: float) -> float:
    return 0.0 if x == 0 else x  # turns -0.0 into 0.0 so nothing prints as "-0%"


def format_pct(x: float, decimals: int = 0, *, unit: Literal["share", "pct"] = "share") -> str:
    """Return ``x`` as a percentage string, e.g. ``0.54 -> '54%'``.

    Parameters
    ----------
    x : float
        A share on a 0-1 scale (default) or, with ``unit="pct"``, percentage points on
        a 0-100 scale as in ``datasets/`` (``format_pct(54, unit="pct") -> '54%'``).
    decimals : int
        Digits after the decimal point.
    unit : {"share", "pct"}
        The scale of ``x``.
    """
    if unit not in ("share", "pct"):
        raise InputError(f"unit: '{unit}' is not 'share' or 'pct'")
    value = round(float(x) * (100.0 if unit == "share" else 1.0), decimals)
    return f"{_clean_zero(value):,.{decimals}f}%"


def format_rmb(x: float, decimals: int = 0) -> str:
    """Return an amount in RMB (yuan) as a string, e.g. ``1000 -> '1,000 RMB'``."""
    return f"{_clean_zero(round(float(x), decimals)):,.{decimals}f} RMB"


def format_musers(x: float, decimals: int = 0, *, with_unit: bool = True) -> str:
    """Return millions of users as a string, e.g. ``170 -> '170M users'``.

    ``with_unit=False`` drops the word for axis ticks and tight labels (``'170M'``).
    Values stay in millions at any size (``1150 -> '1,150M users'``).
    """
    text = f"{_clean_zero(round(float(x), decimals)):,.{decimals}f}M"
    return f"{text} users" if with_unit else text


def format_count(x: float, *, compact: bool = False) -> str:
    """Return a plain count as a string: ``580000 -> '580,000'`` or compact ``'580k'``.

    Compact form uses ``k`` (thousands), ``M`` (millions) and ``B`` (billions) with up to
    one decimal (``2_100_000 -> '2.1M'``).
    """
    x = float(x)
    if not compact:
        return f"{_clean_zero(round(x)):,.0f}"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= size:
            return f"{x / size:.1f}".removesuffix(".0") + suffix
    return f"{_clean_zero(round(x, 1)):g}"


def format_period(when: str | pd.Timestamp) -> str:
    """Return a date as a loose period: ``'early 2018'`` (Jan-Apr), ``'mid-2019'``, ``'late 2019'``.

    Use it where the articles' dates are approximate, so titles do not claim a precision
    the sources lack.
    """
    ts = pd.Timestamp(when)
    if ts.month <= 4:
        return f"early {ts.year}"
    if ts.month <= 8:
        return f"mid-{ts.year}"
    return f"late {ts.year}"


_NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)


def format_number_word(n: int) -> str:
    """Return a small count as a word (``1 -> 'one'``, up to ten), larger ones as digits."""
    n = int(n)
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"


def format_axis(ax: Axes, func: Callable[[float], str], axis: str = "y") -> Axes:
    """Return ``ax`` with the tick labels of ``axis`` ('x', 'y' or 'both') made by ``func``.

    ``func`` maps a tick value to its label, e.g. ``lambda v: format_pct(v)``.
    """
    if axis not in ("x", "y", "both"):
        raise InputError(f"axis: '{axis}' is not 'x', 'y' or 'both'")
    formatter = FuncFormatter(lambda value, _pos: func(value))
    if axis in ("x", "both"):
        ax.xaxis.set_major_formatter(formatter)
    if axis in ("y", "both"):
        ax.yaxis.set_major_formatter(formatter)
    return ax


def pct_axis(
    ax: Axes, axis: str = "x", decimals: int = 0, *, unit: Literal["share", "pct"] = "share"
) -> Axes:
    """Return ``ax`` with percentage tick labels on ``axis`` (data as 0-1 shares by default)."""
    return format_axis(ax, lambda v: format_pct(v, decimals, unit=unit), axis)


def musers_axis(ax: Axes, axis: str = "y", decimals: int = 0) -> Axes:
    """Return ``ax`` with millions-of-users tick labels (``'170M'``) on ``axis``.

    The word "users" is left to the axis label, so ticks stay short.
    """
    return format_axis(ax, lambda v: format_musers(v, decimals, with_unit=False), axis)


def count_axis(ax: Axes, axis: str = "y") -> Axes:
    """Return ``ax`` with compact count tick labels (``'600k'``, ``'2.1M'``) on ``axis``."""
    return format_axis(ax, lambda v: format_count(v, compact=True), axis)


# ----------------------------------------------------------------------- chart text


@dataclass(frozen=True)
class ChartText:
    """The words around a chart: a takeaway title and a source line (both required).

    Build them with a ``<thing>_text(...)`` function from the numbers the chart plots
    (:func:`format_takeaway`) and with :func:`make_source_line`; never type them by hand.
    """

    title: str
    source_line: str

    def __post_init__(self) -> None:
        for name in ("title", "source_line"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"ChartText.{name}: must be non-empty text, got {value!r}")


class _TakeawayFormatter(string.Formatter):
    """A str.format with the house number formats as format specs (see format_takeaway)."""

    _SPECS: dict[str, Callable[[Any, int | None], str]] = {
        "pct": lambda v, d: format_pct(v, d or 0),
        "rmb": lambda v, d: format_rmb(v, d or 0),
        "musers": lambda v, d: format_musers(v, d or 0),
        "m": lambda v, d: format_musers(v, d or 0, with_unit=False),
        "count": lambda v, d: format_count(v),
        "k": lambda v, d: format_count(v, compact=True),
        "period": lambda v, d: format_period(v),
        "year": lambda v, d: str(pd.Timestamp(v).year),
        "word": lambda v, d: format_number_word(v),
    }
    _SPEC = re.compile(r"^([a-z]+)(\d?)$")

    def format_field(self, value: Any, format_spec: str) -> str:
        match = self._SPEC.match(format_spec)
        if match and match.group(1) in self._SPECS:
            decimals = int(match.group(2)) if match.group(2) else None
            return self._SPECS[match.group(1)](value, decimals)
        return super().format_field(value, format_spec)


def format_takeaway(template: str, **numbers: Any) -> str:
    """Return a takeaway sentence with ``numbers`` put into ``template`` in house formats.

    Fields take the usual ``str.format`` syntax plus these format specs: ``pct`` (share
    -> '54%'; ``pct1`` for one decimal), ``rmb``, ``musers`` ('170M users'), ``m``
    ('170M'), ``count`` ('580,000'), ``k`` ('580k'), ``period`` ('mid-2019'), ``year``
    ('2019') and ``word`` (1 -> 'one').

    The template itself may hold no digits, so no number in a title is typed by hand:
    ``format_takeaway("DAU rose to {dau:m}", dau=300) -> 'DAU rose to 300M'``.
    """
    literal = "".join(text for text, *_ in string.Formatter().parse(template))
    if re.search(r"\d", literal):
        raise InputError(
            f"template: '{template}' types a number by hand; pass it as a field, "
            "e.g. '{year:year}' or '{share:pct}'"
        )
    try:
        return _TakeawayFormatter().format(template, **numbers)
    except KeyError as err:
        raise InputError(f"template: no value given for field {err}") from None


def make_source_line(
    ev: Evidence,
    source_ids: Iterable[str],
    assumptions: Iterable[str] = (),
    *,
    note: str | None = None,
) -> str:
    """Return a chart's source line: cited sources, then the assumed inputs, by name.

    ``'Sources: Sinorblog (2019-09-11); Datawords (c. 2019). Assumed: spend dispersion,
    tier split.'`` Sources are cited with :func:`research.data.evidence.cite` in the order
    given (duplicates dropped); ``assumptions`` are the names of the analyst assumptions
    the chart uses ('Assumed: none.' when there are none); ``note`` is appended as a
    last sentence (e.g. how points are dated).
    """
    ids = list(dict.fromkeys(str(s) for s in source_ids))
    known = list(ev.sources["source_id"])
    for sid in ids:
        if sid not in known:
            raise InputError(
                f"source_ids: unknown source '{sid}'{closest(sid, known)} "
                f"(known: {', '.join(known)})"
            )
    names = list(dict.fromkeys(str(a).strip() for a in assumptions if str(a).strip()))
    line = f"Sources: {cite(ev, ids) if ids else 'none'}. Assumed: {', '.join(names) or 'none'}."
    if note and note.strip():
        line += " " + note.strip().rstrip(".") + "."
    return line


# ------------------------------------------------------------------ wrapping & finish

# Glyph widths vary a little with the output resolution (hinting), so text is measured
# at screen, export and print resolutions and the widest reading is used.
_MEASURERS = tuple(RendererAgg(1, 1, dpi) for dpi in (100, EXPORT_DPI, 720))


@functools.lru_cache(maxsize=8192)
def _text_width_pt(text: str, size: float, weight: str) -> float:
    """Return the width of one line of ``text`` in points (widest over resolutions, +1 %).

    Cached: the house fonts do not change within a process."""
    prop = FontProperties(family=_HOUSE_RC["font.sans-serif"], size=size, weight=weight)
    widths = (
        r.get_text_width_height_descent(text, prop, ismath=False)[0] * 72 / r.dpi
        for r in _MEASURERS
    )
    return 1.01 * max(widths)


def _wrap_to_width(text: str, width_pt: float, size: float, weight: str = "normal") -> str:
    """Return ``text`` with line breaks so no line is wider than ``width_pt`` points."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if _text_width_pt(candidate, size, weight) <= width_pt:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while _text_width_pt(line, size, weight) > width_pt and len(line) > 1:
                cut = len(line) - 1  # a word wider than the figure: hard-break it
                while cut > 1 and _text_width_pt(line[:cut], size, weight) > width_pt:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


def _root_figure(ax: Axes) -> Figure:
    fig = ax.get_figure(root=True)
    if fig is None:
        raise InputError("ax: the Axes belongs to no figure")
    return fig


def finish(ax: Axes, text: ChartText) -> Axes:
    """Return ``ax`` after writing the takeaway title and source line on its figure.

    The title goes top-left in bold (:data:`TITLE_SIZE`, or :data:`TITLE_SIZE_NARROW`
    on half-slide figures), the source line bottom-left in small grey type; both are
    wrapped to the figure width at the current figure size. Constrained layout reserves
    room for them, so neither is cut off nor overlaps tick labels (the figure is switched
    to constrained layout if it used none or another engine). Calling ``finish`` again
    replaces both texts.
    """
    fig = _root_figure(ax)
    if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        fig.set_layout_engine("constrained", h_pad=EDGE_PAD_IN, w_pad=EDGE_PAD_IN)
    width_in = fig.get_figwidth()
    usable_pt = (width_in - 2 * EDGE_PAD_IN) * 72 - 2  # 2 pt slack for anti-aliasing
    x = EDGE_PAD_IN / width_in
    title_size = TITLE_SIZE if width_in >= WIDE_FIGURE_IN else TITLE_SIZE_NARROW
    with house_style():
        fig.suptitle(
            _wrap_to_width(text.title.strip(), usable_pt, title_size, "bold"),
            x=x,
            ha="left",
            fontsize=title_size,
            fontweight="bold",
            color=TEXT_COLOR,
            linespacing=1.25,
            parse_math=False,
        )
        fig.supxlabel(
            _wrap_to_width(text.source_line.strip(), usable_pt, SOURCE_SIZE),
            x=x,
            ha="left",
            fontsize=SOURCE_SIZE,
            fontweight="normal",
            color=MUTED_COLOR,
            linespacing=1.3,
            parse_math=False,
        )
    return ax


# ------------------------------------------------------------------ figures & export


def new_figure(size: str = "full") -> tuple[Figure, Axes]:
    """Return a new (Figure, Axes) in the house style with constrained layout.

    Parameters
    ----------
    size : {"full", "half", "slide"}
        ``"full"`` is a whole 16:9 slide, 13.33 x 7.5 in. ``"half"`` is one column of a
        two-column slide, 6.5 x 5.5 in: two side by side fill the 13.33 in width with a
        0.33 in gutter and leave 2 in of slide height for the slide's own heading.
        ``"slide"`` is the body of a deck slide, 12.33 x 4.9 in, for a picture the deck
        places under its own title and above its own source line (so it is drawn without
        them and shown at 100 %). Text keeps the same point sizes in all three, so
        placed at 100 % they match on a slide.
    """
    if size not in FIGURE_SIZES:
        raise InputError(f"size: '{size}' is not one of {', '.join(FIGURE_SIZES)}")
    with house_style():
        fig = plt.figure(figsize=FIGURE_SIZES[size], layout="constrained")
        ax = fig.add_subplot()
        apply_house_style(ax)
    return fig, ax


def split_axes(ax: Axes, height_ratios: tuple[float, ...] = (2.0, 1.0)) -> tuple[Axes, ...]:
    """Return ``ax`` and new panels stacked below it in its place, all sharing the x axis.

    ``ax`` becomes the top panel (its identity is kept, so callers can still return it);
    the others are added below with ``height_ratios`` of the original slot, and only the
    bottom panel shows x tick labels. ``ax`` must be a subplot (from :func:`new_figure`,
    ``fig.subplots`` or ``fig.add_subplot``).
    """
    spec = ax.get_subplotspec()
    if spec is None:
        raise InputError("ax: must be a subplot (made by new_figure or fig.subplots) to split")
    if len(height_ratios) < 2 or min(height_ratios) <= 0:
        raise InputError(f"height_ratios: need two or more positive numbers, got {height_ratios}")
    fig = ax.get_figure()
    grid = spec.subgridspec(len(height_ratios), 1, height_ratios=list(height_ratios))
    ax.set_subplotspec(grid[0])
    with house_style():
        panels = [ax] + [fig.add_subplot(grid[i], sharex=ax) for i in range(1, len(height_ratios))]
        for panel in panels[1:]:
            apply_house_style(panel)
    for panel in panels[:-1]:
        panel.tick_params(axis="x", labelbottom=False)
    return tuple(panels)


_FORMATS = ("png", "svg")


def export_chart(
    fig: Figure,
    out_dir: str | Path,
    name: str,
    formats: tuple[str, ...] = ("png", "svg"),
    dpi: int = EXPORT_DPI,
    *,
    check_finished: bool = True,
) -> list[Path]:
    """Return the paths written: ``fig`` saved as ``out_dir/<slug>.<format>`` per format.

    Parameters
    ----------
    fig : Figure
        Saved at its own size (set by :func:`new_figure`); export never resizes or crops.
    out_dir : str or Path
        Created if missing.
    name : str
        Turned into a safe file stem with :func:`slugify`.
    formats : tuple of {"png", "svg"}
        Output formats, written in this order.
    dpi : int
        PNG resolution in dots per inch (at least :data:`MIN_DPI`; stored in the PNG).
    check_finished : bool
        Refuse a figure without a title and source line (see :func:`finish`).

    Each file is written to a temporary file in ``out_dir`` and moved into place with
    ``os.replace``, so a reader never sees half a chart. Output is deterministic: the same
    figure exported twice gives byte-identical files (fixed SVG salt, no SVG date).
    The caller closes the figure (``plt.close(fig)``) when done.
    """
    if check_finished and not (fig.get_suptitle() and fig.get_supxlabel()):
        raise InputError(
            "fig: has no takeaway title or source line; call finish(ax, text) before export_chart"
        )
    formats = tuple(dict.fromkeys(str(f).lower().lstrip(".") for f in formats))
    bad = [f for f in formats if f not in _FORMATS]
    if bad or not formats:
        raise InputError(f"formats: {bad or 'none'} not supported (use {', '.join(_FORMATS)})")
    if int(dpi) < MIN_DPI:
        raise InputError(f"dpi: {dpi} is below {MIN_DPI}, too coarse for a slide")
    stem = slugify(name)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with house_style():
        for fmt in formats:
            target = folder / f"{stem}.{fmt}"
            with atomic_write(target) as fh:
                fig.savefig(
                    fh,
                    format=fmt,
                    dpi=int(dpi),
                    metadata={"Date": None} if fmt == "svg" else None,
                )
            written.append(target)
    return written


# ---------------------------------------------------------------- the timeline chart

_DAU = "mini_program_dau"
_COUNT = "mini_program_count"
_EVENT = "timeline_event"
_EVENT_LABELS = {
    "launch": "Launch",
    "store_mini_program": "Store Mini Program",
    "mini_programs_nearby": "Mini Programs Nearby",
}
_METRIC_NOUNS = {_DAU: "DAU figure", _COUNT: "Mini Program count"}
_LABEL_BOX = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9}
#: Height of one row of event labels, points.
_EVENT_ROW_PT = 18.0


@dataclass(frozen=True)
class _Timeline:
    """The evidence the timeline plots, cut at ``as_of``, with its flags."""

    dau: pd.DataFrame
    count: pd.DataFrame
    events: pd.DataFrame
    stale: pd.DataFrame
    conflicts: pd.DataFrame
    source_ids: tuple[str, ...]


def _timeline_data(ev: Evidence, as_of: str | pd.Timestamp | None) -> _Timeline:
    cutoff = None if as_of is None else pd.Timestamp(as_of)

    def rows(metric: str) -> pd.DataFrame:
        r = observations_for(ev, metric)
        return r if cutoff is None else r[r["as_of"] <= cutoff].reset_index(drop=True)

    dau, count = rows(_DAU), rows(_COUNT)
    events = rows(_EVENT).drop_duplicates(["segment", "as_of"], keep="first")
    if dau.empty:
        when = f" on or before {cutoff.date()}" if cutoff is not None else ""
        raise InputError(f"as_of: no Mini Program DAU figure{when} to plot")
    shown_rows = pd.concat([dau, count, rows(_EVENT)])
    shown = set(shown_rows["obs_id"].astype(int))
    stale = find_stale_repeats(ev)
    stale = stale[stale["obs_id"].isin(shown) & stale["original_obs_id"].isin(shown)]
    conflicts = find_conflicts(ev)
    conflicts = conflicts[
        conflicts["metric"].isin([_DAU, _COUNT])
        & conflicts["obs_id_a"].isin(shown)
        & conflicts["obs_id_b"].isin(shown)
    ]
    published = ev.sources.set_index("source_id")["published"]
    order = sorted(shown_rows["source_id"].unique(), key=lambda s: (published[s], s))
    return _Timeline(
        dau=dau,
        count=count,
        events=events.reset_index(drop=True),
        stale=stale.reset_index(drop=True),
        conflicts=conflicts.reset_index(drop=True),
        source_ids=tuple(order),
    )


def timeline_text(ev: Evidence, as_of: str | pd.Timestamp | None = None) -> ChartText:
    """Return the timeline's title and source line, generated from the plotted figures.

    The title gives the first and latest Mini Program DAU (millions of users a day),
    ignoring stale repeats, and says how many sources repeat an older figure as current;
    the source line cites every source the timeline plots (DAU, program count, events),
    oldest first. Nothing in the timeline is assumed ('Assumed: none.').
    """
    data = _timeline_data(ev, as_of)
    fresh = data.dau[~data.dau["obs_id"].isin(set(data.stale["obs_id"]))]
    first, last = fresh.iloc[0], fresh.iloc[-1]
    if len(fresh) == 1:
        title = format_takeaway(
            "Mini Program DAU was {v:m} users a day in {t:period}",
            v=first["value"],
            t=first["as_of"],
        )
    elif first["value"] == last["value"]:
        title = format_takeaway(
            "Mini Program DAU held at {v:m} users a day from {t0:period} to {t1:period}",
            v=first["value"],
            t0=first["as_of"],
            t1=last["as_of"],
        )
    else:
        title = format_takeaway(
            "Mini Program DAU {verb} from {v0:m} users a day in {t0:period} to {v1:m} by "
            "{t1:period}",
            verb="rose" if last["value"] > first["value"] else "fell",
            v0=first["value"],
            t0=first["as_of"],
            v1=last["value"],
            t1=last["as_of"],
        )
    if len(data.stale) == 1:
        rep = data.stale.iloc[0]
        title += format_takeaway(
            "; one {rep:year} source repeats the {orig:year} {noun} as current",
            rep=rep["as_of"],
            orig=rep["original_as_of"],
            noun=_METRIC_NOUNS.get(rep["metric"], "figure"),
        )
    elif len(data.stale) > 1:
        title += format_takeaway(
            "; {n:word} later sources repeat older figures as current", n=len(data.stale)
        )
    return ChartText(title=title, source_line=make_source_line(ev, data.source_ids))


def _slot_inches(ax: Axes) -> tuple[float, float]:
    """Return the estimated plotting width and height (inches) of the slot ``ax`` fills.

    An estimate made before layout: a slide's title, source line, tick and axis labels
    take about 1.4 in of the width and 2.6 in of the height.
    """
    fig = _root_figure(ax)
    spec = ax.get_subplotspec()
    nrows, ncols = spec.get_gridspec().get_geometry()
    width = fig.get_figwidth() * len(spec.colspan) / ncols
    height = fig.get_figheight() * len(spec.rowspan) / nrows
    return max(width - 1.4, 2.0), max(height - 2.6, 1.5)


_POINT_GAP_PT = 11.0  # gap between a marker's centre and a label beside it, points
_BOX_PAD_PT = 3.0  # white box around labels, points


def _label_extent_pt(text: str, where: str) -> tuple[float, float]:
    """Return how far a point label reaches left and right of its point, in points."""
    width = max(_text_width_pt(line, ANNOTATION_SIZE, "normal") for line in text.splitlines())
    width += 2 * _BOX_PAD_PT
    return {
        "left": (width + _POINT_GAP_PT, 0.0),
        "right": (0.0, width + _POINT_GAP_PT),
        "above": (6.0, width - 6.0),
        "below": (width - 6.0, 6.0),
    }[where]


def _annotate_point(ax: Axes, x: pd.Timestamp, y: float, text: str, where: str) -> None:
    """Label a point ``above`` (reaching right), ``below`` (reaching left), ``left`` or ``right``.

    The label sits in a white box so grid and event lines do not run through its text.
    """
    (dx, dy), ha, va = {
        "left": ((-_POINT_GAP_PT, 0), "right", "center"),
        "right": ((_POINT_GAP_PT, 0), "left", "center"),
        "above": ((-6, _POINT_GAP_PT), "left", "bottom"),
        "below": ((6, -_POINT_GAP_PT - 2), "right", "top"),
    }[where]
    ax.annotate(
        text,
        (x, y),
        xytext=(dx, dy),
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=ANNOTATION_SIZE,
        color=TEXT_COLOR,
        bbox=_LABEL_BOX,
        zorder=5,
        linespacing=1.15,
    )


@dataclass(frozen=True)
class _PointLabel:
    """Where and what to write beside one plotted figure."""

    obs_id: int
    x: pd.Timestamp
    y: float
    text: str
    where: str
    original_obs_id: int | None


def _point_labels(
    ev: Evidence, rows: pd.DataFrame, data: _Timeline, fmt: Callable[[float], str]
) -> list[_PointLabel]:
    """Return the label of every figure of one metric (value, source, repeat note).

    A stale repeat is labelled below its point, the earliest figure left of its point,
    the latest right of it (above it when a bracket marks a disagreement there), the
    rest above.
    """
    if rows.empty:
        return []
    stale = data.stale.set_index("obs_id")["original_obs_id"]
    producers = ev.sources.set_index("source_id")["producer"]
    by_id = rows.set_index("obs_id")
    metric = rows["metric"].iloc[0]
    has_bracket = bool(
        data.conflicts.loc[data.conflicts["metric"] == metric, "is_same_period"].any()
    )
    first, last = rows["as_of"].min(), rows["as_of"].max()
    labels = []
    for r in rows.itertuples():
        value = ("~" if r.qualifier == "approx" else "") + fmt(r.value)
        original = int(stale[r.obs_id]) if r.obs_id in stale.index else None
        if original is not None:
            when = format_period(by_id.loc[original, "as_of"])
            text, where = f"{value}  {producers[r.source_id]}\nrepeats {when}", "below"
        else:
            text = f"{value}\n{producers[r.source_id]}"
            if r.as_of == first and len(rows) > 1:
                where = "left"
            elif r.as_of == last and not has_bracket:
                where = "right"
            else:
                where = "above"
        labels.append(_PointLabel(int(r.obs_id), r.as_of, float(r.value), text, where, original))
    return labels


def _fit_xlim(
    needs: list[tuple[pd.Timestamp, float, float]],
    start: pd.Timestamp,
    end: pd.Timestamp,
    width_in: float,
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return x limits widened so each ``(x, left_pt, right_pt)`` has that room beside x.

    ``width_in`` is the plotting width the limits map onto (an estimate before layout).
    """
    x0, x1 = start, end
    for _ in range(25):
        pt_per_day = width_in * 72 / max((x1 - x0).days, 1)
        new0 = min([x0] + [x - pd.Timedelta(days=left / pt_per_day) for x, left, _ in needs])
        new1 = max([x1] + [x + pd.Timedelta(days=right / pt_per_day) for x, _, right in needs])
        if new0 == x0 and new1 == x1:
            break
        x0, x1 = new0, new1
    return x0.floor("D"), x1.ceil("D")


def _plot_series(ax: Axes, rows: pd.DataFrame, labels: list[_PointLabel], gid: str) -> None:
    """Draw one metric: fresh figures joined by a line, stale repeats hollow, all labelled."""
    stale_ids = {lab.obs_id for lab in labels if lab.original_obs_id is not None}
    fresh = rows[~rows["obs_id"].isin(stale_ids)]
    ax.plot(fresh["as_of"], fresh["value"], color=PRIMARY, lw=2.5, zorder=2, gid=f"{gid}-trend")
    points = {lab.obs_id: lab for lab in labels}
    for lab in labels:
        is_stale = lab.original_obs_id is not None
        ax.plot(
            [lab.x],
            [lab.y],
            linestyle="none",
            marker="o",
            markersize=11,
            markeredgewidth=2.2,
            markeredgecolor=PRIMARY,
            markerfacecolor="white" if is_stale else PRIMARY,
            zorder=4,
            gid=f"{gid}-obs-{lab.obs_id}",
        )
        if is_stale:
            orig = points[lab.original_obs_id]
            ax.annotate(
                "",
                xy=(orig.x, orig.y),
                xytext=(lab.x, lab.y),
                arrowprops={
                    "arrowstyle": "-|>,head_width=0.35,head_length=0.7",
                    "color": ACCENT,
                    "lw": 2.2,
                    "shrinkA": 9,
                    "shrinkB": 9,
                    "connectionstyle": "arc3,rad=0.1",
                },
                zorder=3,
                gid=f"{gid}-repeat-{lab.obs_id}",
            )
        _annotate_point(ax, lab.x, lab.y, lab.text, lab.where)


_CONFLICT_LABEL = "Sources\ndisagree"


def _conflict_xs(metric: str, data: _Timeline) -> list[tuple[pd.Timestamp, float, float]]:
    """Return (x, low, high) of each bracket marking a same-period disagreement."""
    pairs = data.conflicts[(data.conflicts["metric"] == metric) & data.conflicts["is_same_period"]]
    return [
        (
            max(p.as_of_a, p.as_of_b) + pd.Timedelta(days=45 + 60 * i),
            *sorted((p.value_a, p.value_b)),
        )
        for i, p in enumerate(pairs.itertuples())
    ]


def _plot_conflicts(ax: Axes, metric: str, data: _Timeline) -> None:
    """Mark pairs of sources that disagree about the same period with a bracket."""
    for i, (x, lo, hi) in enumerate(_conflict_xs(metric, data)):
        ax.plot(
            [x, x],
            [lo, hi],
            color=VERMILLION,
            lw=2.2,
            zorder=3,
            gid=f"{metric}-conflict-{i}",
            marker="_",
            markersize=12,
            markeredgewidth=2.2,
        )
        ax.annotate(
            _CONFLICT_LABEL,
            (x, (lo + hi) / 2),
            xytext=(8, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=ANNOTATION_SIZE,
            color=VERMILLION,
            fontweight="bold",
            linespacing=1.15,
        )


def _plot_events(panels: tuple[Axes, ...], events: pd.DataFrame) -> None:
    """Draw dated platform events as grey dashed lines, labelled in rows atop the first panel.

    The latest event takes the top row: it is the one nearest the data, so its label is
    kept furthest from the data labels.
    """
    n = len(events)
    for i, e in enumerate(events.itertuples()):
        for panel in panels:
            panel.axvline(
                e.as_of, color=NEUTRAL, lw=1.4, ls=(0, (4, 3)), zorder=1, gid=f"event-{e.segment}"
            )
        panels[0].annotate(
            _EVENT_LABELS.get(e.segment, str(e.segment).replace("_", " ").capitalize()),
            (e.as_of, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(5, -4 - _EVENT_ROW_PT * (n - 1 - i)),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=ANNOTATION_SIZE,
            color=MUTED_COLOR,
            bbox={**_LABEL_BOX, "pad": 0.1},
            zorder=4,
        )


def _set_data_ticks(axis: Any, top: float, n: int) -> None:
    """Put about ``n`` round ticks from 0 to ``top`` on ``axis``, none in the headroom above."""
    ticks = MaxNLocator(n, steps=[1, 2, 2.5, 3, 5, 10]).tick_values(0, top)
    axis.set_major_locator(FixedLocator([t for t in ticks if 0 <= t <= top * 1.1]))


def plot_timeline(
    ev: Evidence,
    ax: Axes | None = None,
    as_of: str | pd.Timestamp | None = None,
    *,
    size: str = "full",
) -> Axes:
    """Return the Axes of Mini Program DAU (millions of users a day) over time, by source.

    Draws two stacked panels sharing the time axis: DAU on top (the returned Axes) and
    the number of live Mini Programs below (``ax.figure.axes``). Every source's figure
    is a point labelled with its value and source; a figure a later source repeats as
    current (``find_stale_repeats``) is hollow, with an orange arrow back to the original;
    sources that disagree about the same period (``find_conflicts`` with
    ``is_same_period``) get a vermillion bracket; dated platform events
    (``timeline_event``) are grey dashed lines across both panels. Differences between
    periods are drawn as change, not flagged. Add the title and source line with
    ``finish(ax, timeline_text(ev, as_of))``.

    Parameters
    ----------
    ev : Evidence
        From :func:`research.data.evidence.load_evidence`.
    ax : Axes, optional
        A subplot to draw in; its slot is split into the two panels. Default: a new
        figure of ``size`` (see :func:`new_figure`).
    as_of : str or Timestamp, optional
        Only figures and events dated on or before this date are drawn.
    size : {"full", "half", "slide"}
        Figure size when ``ax`` is None.
    """
    data = _timeline_data(ev, as_of)
    if ax is None:
        _, ax = new_figure(size)
    elif ax.get_subplotspec() is None:
        raise InputError("ax: must be a subplot (made by new_figure or fig.subplots)")
    else:
        apply_house_style(ax)
    width_in, height_in = _slot_inches(ax)
    dau_fmt = lambda v: format_musers(v, with_unit=False)  # noqa: E731
    cnt_fmt = lambda v: format_count(v, compact=True)  # noqa: E731
    dau_labels = _point_labels(ev, data.dau, data, dau_fmt)
    cnt_labels = _point_labels(ev, data.count, data, cnt_fmt)
    # x: from before the first event to where every label and bracket fits
    needs = [(lab.x, *_label_extent_pt(lab.text, lab.where)) for lab in dau_labels + cnt_labels]
    bracket_pt = 16 + max(
        _text_width_pt(t, ANNOTATION_SIZE, "bold") for t in _CONFLICT_LABEL.splitlines()
    )
    needs += [(x, 0.0, bracket_pt) for m in (_DAU, _COUNT) for x, _, _ in _conflict_xs(m, data)]
    dates = pd.concat([data.dau, data.count, data.events])["as_of"]
    xlim = _fit_xlim(
        needs,
        dates.min() - pd.DateOffset(months=3),
        dates.max() + pd.DateOffset(months=3),
        width_in,
    )
    # y: event labels sit in a band at the top of the DAU panel, above the data
    top_pt = height_in * 72 * 2.4 / 3.4
    band_pt = max(len(data.events) * _EVENT_ROW_PT + 10, 46)
    free = min(max(1 - band_pt / top_pt, 0.45), 0.85)
    with house_style():
        top, bottom = split_axes(ax, (2.4, 1.0))
        top.set_xlim(*xlim)
        _plot_events((top, bottom), data.events)
        _plot_series(top, data.dau, dau_labels, "dau")
        _plot_conflicts(top, _DAU, data)
        top.set_ylim(0, data.dau["value"].max() / free)
        top.set_ylabel("Daily active users")
        musers_axis(top)
        _set_data_ticks(top.yaxis, data.dau["value"].max(), 4)
        if not data.count.empty:
            _plot_series(bottom, data.count, cnt_labels, "count")
            _plot_conflicts(bottom, _COUNT, data)
            bottom.set_ylim(0, data.count["value"].max() * 1.5)
        bottom.set_ylabel("Mini Programs")
        count_axis(bottom)
        if not data.count.empty:
            _set_data_ticks(bottom.yaxis, data.count["value"].max(), 2)
        years = range(dates.min().year, dates.max().year + 2)  # ticks only where data are
        bottom.xaxis.set_major_locator(
            FixedLocator([mdates.date2num(pd.Timestamp(year=y, month=1, day=1)) for y in years])
        )
        bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    return top
