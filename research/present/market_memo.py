"""Notebook helpers for the market (notebook 01): the daily-user timeline, the answer it
gives, and how the sources relate (stale repeats, conflicts)."""

from __future__ import annotations

from IPython.display import Image

from research.data.consistency import find_conflicts, find_stale_repeats
from research.data.evidence import Evidence
from research.formats import (
    format_date,
    format_number_word,
)
from research.model import dau
from research.present import style
from research.present.labels import source_label
from research.present.memo import show
from research.present.timeline_chart import plot_timeline
from research.present.timeline_text import timeline_text


def timeline_chart(ev: Evidence, as_of: str | None = None) -> Image:
    """Return the daily-user and program-count timeline with its title and source line."""
    with style.house_style():
        ax = plot_timeline(ev, size="full")
        style.finish(ax, timeline_text(ev, as_of))
    return show(ax)


def market_answer(ev: Evidence, as_of: str | None = None) -> str:
    """Return the market overview's answer: the timeline's takeaway, where the funnel starts,
    and how the figures relate."""
    obs, when, years = dau.dau_anchor(ev, as_of)
    date = format_date(obs.as_of, estimated=bool(obs.as_of_is_estimated))
    start = (
        f"The funnel starts from {obs.value:,.0f}M users a day as of {date}, the figure in "
        f"{source_label(ev, obs.source_id)}"
    )
    if years > 0:
        start += f", grown by the assumed rate for {years:.1f} years to {format_date(when)}"
    return f"{timeline_text(ev, as_of).title}. {start}. {relations_text(ev)}"


def relations_text(ev: Evidence) -> str:
    """Return how the articles' figures relate, in words: the sources that disagree about
    the same period, and the stale repeats with the sources that make them."""
    n_conf = len(find_conflicts(ev))
    if n_conf == 0:
        conf = "No two sources disagree about the same period"
    elif n_conf == 1:
        conf = "One pair of sources disagrees about the same period"
    else:
        conf = f"{format_number_word(n_conf)} pairs of sources disagree about the same period"
    stale = find_stale_repeats(ev)
    by = " and ".join(source_label(ev, s) for s in dict.fromkeys(stale["source_id"]))
    n = len(stale)
    if n == 0:
        rep = "no figure is a stale repeat"
    elif n == 1:
        rep = f"one figure is a stale repeat, from {by}"
    else:  # count the sources that repeat, not only the figures
        whose = ("both" if n == 2 else "all") if stale["source_id"].nunique() == 1 else ""
        rep = f"{format_number_word(n)} figures are stale repeats, {whose} from {by}"
    rep = " ".join(rep.split())
    return f"{conf[:1].upper()}{conf[1:]}, and {rep}; all are kept and flagged below."
