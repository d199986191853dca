"""New chart figures at slide size in the house style, and their export to PNG or SVG files."""

from __future__ import annotations

from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from research.errors import InputError
from research.files import atomic_write
from research.paths import slugify
from research.present.style import (
    EXPORT_DPI,
    FIGURE_SIZES,
    MIN_DPI,
    apply_house_style,
    house_style,
)


def new_figure(size: str = "full") -> tuple[Figure, Axes]:
    """Return a new (Figure, Axes) in the house style with constrained layout.

    The figure has its own Agg canvas and is not registered with pyplot: nothing needs
    closing, and no matplotlib backend is selected.

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
        fig = Figure(figsize=FIGURE_SIZES[size], layout="constrained")
        FigureCanvasAgg(fig)
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


#: Formats :func:`export_chart` writes.
EXPORT_FORMATS: tuple[str, ...] = ("png", "svg")


def export_chart(
    fig: Figure,
    out_dir: str | Path,
    name: str,
    formats: tuple[str, ...] = EXPORT_FORMATS,
    dpi: int = EXPORT_DPI,
    *,
    check_finished: bool = True,
) -> list[Path]:
    """Return the paths written: ``fig`` saved as ``out_dir/<slug>.<format>`` per format.

    ``fig`` is saved at its own size (export never resizes or crops) in ``formats`` (png,
    svg), in that order, to ``out_dir`` (created if missing) under :func:`slugify` of
    ``name``; PNGs at ``dpi`` dots per inch (at least :data:`MIN_DPI`). With
    ``check_finished``, a figure without a title and source line (see :func:`finish`) is
    refused. Each file is written to a temporary file and moved into place with
    ``os.replace``, so a reader never sees half a chart. Output is deterministic: the same
    figure exported twice gives byte-identical files (fixed SVG salt, no SVG date).
    """
    if check_finished and not (fig.get_suptitle() and fig.get_supxlabel()):
        raise InputError(
            "fig: has no takeaway title or source line; call finish(ax, text) before export_chart"
        )
    formats = tuple(dict.fromkeys(str(f).lower().lstrip(".") for f in formats))
    bad = [f for f in formats if f not in EXPORT_FORMATS]
    if bad or not formats:
        raise InputError(
            f"formats: {bad or 'none'} not supported (use {', '.join(EXPORT_FORMATS)})"
        )
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
                extra = (
                    {"metadata": {"Date": None}}
                    if fmt == "svg"
                    else {"pil_kwargs": {"compress_level": 3}}  # 3: a third faster than 6
                )
                fig.savefig(fh, format=fmt, dpi=int(dpi), **extra)
            written.append(target)
    return written
