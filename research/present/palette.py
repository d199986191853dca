"""The house colours and fonts as plain values, shared by the charts, the deck and the web page.

Colours are ``#RRGGBB`` strings; fonts are family names. This module imports nothing, so the
PowerPoint writer and the HTML page use the same values as the matplotlib charts without
loading matplotlib. One colour has one meaning everywhere: :data:`PRIMARY` is the main
series, :data:`ACCENT` the one thing a title talks about, :data:`VERMILLION` a disagreement
or a limit, and :data:`VERDICT_COLOURS` the verdicts.
"""

from __future__ import annotations

# --------------------------------------------------------------------- Okabe-Ito palette

#: Main series (Okabe-Ito blue).
PRIMARY: str = "#0072B2"
#: The highlight: the one thing the title talks about (Okabe-Ito orange).
ACCENT: str = "#E69F00"
#: Okabe-Ito bluish green.
GREEN: str = "#009E73"
#: Okabe-Ito vermillion; the toolkit uses it for disagreement between sources and for limits.
VERMILLION: str = "#D55E00"
#: Okabe-Ito reddish purple.
PURPLE: str = "#CC79A7"
#: Okabe-Ito sky blue (not on data charts: beside the brand's blue it reads as the brand's).
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
#: Series of a chart with several (the tornado's low and high ends), in order: neither the
#: brand's blue nor the sky blue that reads as it, nor grey (context), nor a verdict colour,
#: so each colour keeps one meaning. Yellow, weak on white, only fills a third series.
SERIES: tuple[str, ...] = (PURPLE, BLACK, YELLOW)

# ------------------------------------------------------------------------- chart greys

#: Body text of charts (near-black).
TEXT: str = "#1A1A1A"
#: Source lines and secondary text of charts (grey with 5.7:1 contrast on white).
MUTED: str = "#666666"
#: Chart gridlines (light grey).
GRID: str = "#E3E3E3"
#: Chart axis lines and tick marks (dark grey).
AXIS: str = "#4D4D4D"

# ------------------------------------------------------------------------- slide greys

#: Text on slides.
SLIDE_TEXT: str = "#333333"
#: Footnotes and captions on slides.
SLIDE_MUTED: str = "#595959"
#: Gridlines and axis lines of native slide charts.
SLIDE_GRID: str = "#D9D9D9"
#: Fill of every other table row on slides.
SLIDE_BAND: str = "#F2F2F2"
#: White.
WHITE: str = "#FFFFFF"

# ---------------------------------------------------------------------------------- fonts

#: Font of the matplotlib charts: Carlito, shipped in ``research/present/fonts`` (metric-
#: compatible with Calibri), so charts and deck share one typeface on every machine.
CHART_FONT: str = "Carlito"
#: The one font of the deck.
SLIDE_FONT: str = "Calibri"
#: The deck's font for Chinese, Japanese and Korean text (a brand's Chinese name): the
#: theme's East Asian font, the one Office on Windows and Mac has for Simplified Chinese.
SLIDE_FONT_EAST_ASIAN: str = "Microsoft YaHei"
