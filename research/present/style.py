"""The matplotlib house style and the plumbing every chart in a client deck goes through.

One theme (:func:`house_style`, built on ``seaborn.set_theme``), number formats on the axes
(the ``*_axis`` helpers, in the words of :mod:`research.formats`), source lines
generated from provenance (:func:`make_source_line`), a fixed slide geometry
(:func:`new_figure`) and a deterministic, atomic export (:func:`export_chart`). Colours and
fonts are those of :mod:`research.present.palette`.

The recipe for a chart::

    fig, ax = new_figure("full")                     # 13.33 x 7.5 in, house style
    plot_timeline(ev, ax=ax)                         # any plot_* function, returns ax
    finish(ax, timeline_text(ev))                    # takeaway title + source line
    export_chart(fig, BUILD_DIR / "charts", "timeline")   # PNG (220 dpi) + SVG

Writing a new plot function (model charts)
------------------------------------------
- Signature ``plot_<thing>(..., ax: Axes | None = None) -> Axes``; when ``ax`` is None,
  call ``new_figure()``; otherwise call :func:`apply_house_style` on the given ``ax``.
- Draw inside ``with house_style():`` so text, lines and ticks created while drawing pick
  up the theme even when the caller's global rcParams differ.
- Colours: ``palette.PRIMARY`` for the main series, ``palette.ACCENT`` for the one thing
  the title talks about, ``palette.NEUTRAL`` for context bars, then ``palette.PALETTE`` in
  order. Never colour alone: a highlighted bar also gets a direct label.
- Numbers on axes and in labels go through :mod:`research.formats`; the title is
  built by a ``<thing>_text(...) -> ChartText`` function from the same numbers that are
  plotted (``formats.format_takeaway`` refuses digits typed into the template), and the
  source line by :func:`make_source_line`, listing sourced inputs and assumed inputs apart.
- Do not call ``finish`` or ``export_chart`` inside ``plot_*``: the caller owns the figure.

Sizes are in points and tuned so text is legible when a 13.33 x 7.5 in figure fills a
16:9 slide (title 20 pt, axis labels 14 pt, ticks and annotations 12 pt, source 10 pt).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter

from research.data.evidence import Evidence, cite
from research.errors import InputError, closest
from research.formats import format_count, format_musers, format_pct
from research.present import measure, palette

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

# ------------------------------------------------------------------------------ theme

#: The seaborn theme the house style starts from (``seaborn.set_theme`` arguments).
SEABORN_THEME: dict[str, Any] = {"context": "notebook", "style": "ticks", "font": "sans-serif"}

#: The house settings laid over the seaborn theme (matplotlib rcParams).
HOUSE_RC: dict[str, Any] = {
    "image.cmap": "cividis",
    # fonts: the packaged Carlito (as the deck's Calibri), DejaVu Sans only as a fallback
    "font.sans-serif": [palette.CHART_FONT, "DejaVu Sans"],
    "font.size": ANNOTATION_SIZE,
    "text.color": palette.TEXT,
    "figure.titlesize": TITLE_SIZE,
    "figure.titleweight": "bold",
    "figure.labelsize": SOURCE_SIZE,
    "axes.titlesize": LABEL_SIZE + 2,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": LABEL_SIZE,
    "axes.labelcolor": palette.TEXT,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "xtick.color": palette.AXIS,
    "ytick.color": palette.AXIS,
    "legend.fontsize": TICK_SIZE,
    "legend.title_fontsize": None,
    "legend.frameon": False,
    # axes: light grid behind the data, no top or right spine, matplotlib's thin ticks
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": palette.AXIS,
    "axes.linewidth": 1.0,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": palette.GRID,
    "grid.linewidth": 0.8,
    "grid.linestyle": "-",
    "xtick.major.size": 3.5,
    "xtick.major.width": 0.8,
    "xtick.minor.size": 2.0,
    "xtick.minor.width": 0.6,
    "ytick.major.size": 3.5,
    "ytick.major.width": 0.8,
    "ytick.minor.size": 2.0,
    "ytick.minor.width": 0.6,
    "lines.linewidth": 2.5,
    "lines.markersize": 9,
    "lines.solid_capstyle": "projecting",
    # bars without outlines
    "patch.force_edgecolor": False,
    "patch.edgecolor": "black",
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


#: The chart font ships with the package (Carlito, metric-compatible with the deck's
#: Calibri; SIL Open Font License), so every machine draws the same charts as the deck.
FONT_DIR = Path(__file__).resolve().parent / "fonts"


@functools.cache
def register_fonts() -> str:
    """Register the packaged chart font with matplotlib (once); return its family name."""
    from matplotlib import font_manager

    for path in sorted(FONT_DIR.glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))
    return palette.CHART_FONT


@functools.cache
def _theme() -> dict[str, Any]:
    """Return the rcParams ``seaborn.set_theme`` sets for the house theme, without keeping them
    (set inside ``rc_context``; seaborn is imported here as its import registers colour maps).
    """
    import seaborn as sns

    register_fonts()
    with mpl.rc_context():
        sns.set_theme(**SEABORN_THEME, palette=list(palette.PALETTE), color_codes=False)
        mpl.rcParams.update(HOUSE_RC)
        keys = {*sns.axes_style(), *sns.plotting_context(), "axes.prop_cycle", *HOUSE_RC}
        return {k: mpl.rcParams[k] for k in sorted(keys)}


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

    Seaborn's ``ticks`` theme with the Okabe-Ito colour cycle, DejaVu Sans sized for slides,
    light y grid, no top/right spines, constrained layout, white background, 220 dpi and
    deterministic SVG (fixed ``svg.hashsalt``; :func:`export_chart` drops the SVG date).
    """
    return HouseStyle(_theme())


def apply_house_style(ax: Axes) -> Axes:
    """Return ``ax`` restyled in place to the house theme (for Axes made elsewhere).

    Sets the colour cycle, spines, grid and tick label size, so an Axes from
    ``plt.subplots()`` or seaborn looks like one from :func:`new_figure`. Tick styles
    are stored on the Axes, so they hold even when it is drawn outside ``house_style()``.
    """
    ax.set_prop_cycle(color=list(palette.PALETTE))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(palette.AXIS)
    ax.tick_params(axis="both", which="both", labelsize=TICK_SIZE, colors=palette.AXIS)
    ax.tick_params(axis="both", which="both", labelcolor=palette.TEXT)
    ax.set_axisbelow(True)
    ax.grid(False)
    ax.grid(True, axis="y", color=palette.GRID, linewidth=0.8)
    ax.xaxis.label.set_size(LABEL_SIZE)
    ax.yaxis.label.set_size(LABEL_SIZE)
    return ax


# ------------------------------------------------------------------------- axis formats


def format_axis(ax: Axes, func: Callable[[float], str], axis: str = "y") -> Axes:
    """Return ``ax`` with the tick labels of ``axis`` ('x', 'y' or 'both') made by ``func``.

    ``func`` maps a tick value to its label, e.g. ``formats.format_pct``.
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
    (``formats.format_takeaway``) and with :func:`make_source_line`; never type them by hand.
    """

    title: str
    source_line: str

    def __post_init__(self) -> None:
        for name in ("title", "source_line"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"ChartText.{name}: must be non-empty text, got {value!r}")


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


# ------------------------------------------------------------------ measuring & finish


@functools.cache
def _renderers() -> tuple[RendererAgg, ...]:
    """Return renderers at screen, export and print resolution (hinting varies with it)."""
    return tuple(RendererAgg(1, 1, dpi) for dpi in (100, EXPORT_DPI, 720))


@functools.lru_cache(maxsize=16384)
def _word_width_pt(word: str, size: float, weight: str) -> float:
    """Return the widest reading, in points, of one word at screen, export and print resolution."""
    register_fonts()
    prop = FontProperties(family=[palette.CHART_FONT], size=size, weight=weight)
    return max(
        r.get_text_width_height_descent(word, prop, ismath=False)[0] * 72 / r.dpi
        for r in _renderers()
    )


def text_width_pt(text: str, size: float, weight: str = "normal") -> float:
    """Return the width of one line of chart text in points, as matplotlib draws it.

    Each word (and the space) is measured in the house font at ``size`` points and
    ``weight`` at screen, export and print resolutions, and the widest reading is used; the
    line is the sum, plus 2 % for kerning between words. Words are cached (matplotlib takes
    about 2 ms a measurement, and wrapping measures every candidate line).
    """
    words = str(text).split(" ")
    space = _word_width_pt("a a", size, weight) - 2 * _word_width_pt("a", size, weight)
    total = sum(_word_width_pt(w, size, weight) for w in words if w)
    return 1.02 * (total + space * (len(words) - 1))


def wrap_to_width(text: str, width_pt: float, size: float, weight: str = "normal") -> str:
    """Return chart ``text`` with line breaks so no line is wider than ``width_pt`` points."""
    return "\n".join(
        measure.wrap_lines(text, width_pt, lambda line: text_width_pt(line, size, weight))
    )


def root_figure(ax: Axes) -> Figure:
    """Return the figure ``ax`` is drawn on (the outermost one, for subfigures)."""
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
    fig = root_figure(ax)
    if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        fig.set_layout_engine("constrained", h_pad=EDGE_PAD_IN, w_pad=EDGE_PAD_IN)
    width_in = fig.get_figwidth()
    usable_pt = (width_in - 2 * EDGE_PAD_IN) * 72 - 2  # 2 pt slack for anti-aliasing
    x = EDGE_PAD_IN / width_in
    title_size = TITLE_SIZE if width_in >= WIDE_FIGURE_IN else TITLE_SIZE_NARROW
    with house_style():
        fig.suptitle(
            wrap_to_width(text.title.strip(), usable_pt, title_size, "bold"),
            x=x,
            ha="left",
            fontsize=title_size,
            fontweight="bold",
            color=palette.TEXT,
            linespacing=1.25,
            parse_math=False,
        )
        fig.supxlabel(
            wrap_to_width(text.source_line.strip(), usable_pt, SOURCE_SIZE),
            x=x,
            ha="left",
            fontsize=SOURCE_SIZE,
            fontweight="normal",
            color=palette.MUTED,
            linespacing=1.3,
            parse_math=False,
        )
    return ax


# ------------------------------------------------------------------ figures & export
