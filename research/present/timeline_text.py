"""The daily-user timeline's evidence and words: the figures it plots, cut at a date, with
stale repeats and conflicts flagged, and the title and source line that say what it shows
(:mod:`research.present.timeline_chart` draws it)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from research.data.consistency import find_conflicts, find_stale_repeats
from research.data.evidence import (
    Evidence,
    observations_for,
)
from research.errors import InputError
from research.formats import (
    format_takeaway,
)
from research.present.style import (
    ChartText,
    make_source_line,
)

DAU = "mini_program_dau"


COUNT = "mini_program_count"


EVENT = "timeline_event"


METRIC_NOUNS = {DAU: "DAU figure", COUNT: "Mini Program count"}


@dataclass(frozen=True)
class Timeline:
    """The evidence the timeline plots, cut at ``as_of``, with its flags."""

    dau: pd.DataFrame
    count: pd.DataFrame
    events: pd.DataFrame
    stale: pd.DataFrame
    conflicts: pd.DataFrame
    source_ids: tuple[str, ...]


def timeline_data(ev: Evidence, as_of: str | pd.Timestamp | None) -> Timeline:
    cutoff = None if as_of is None else pd.Timestamp(as_of)

    def rows(metric: str) -> pd.DataFrame:
        r = observations_for(ev, metric)
        return r if cutoff is None else r[r["as_of"] <= cutoff].reset_index(drop=True)

    dau, count = rows(DAU), rows(COUNT)
    events = rows(EVENT).drop_duplicates(["segment", "as_of"], keep="first")
    if dau.empty:
        when = f" on or before {cutoff.date()}" if cutoff is not None else ""
        raise InputError(f"as_of: no Mini Program DAU figure{when} to plot")
    shown_rows = pd.concat([dau, count, rows(EVENT)])
    shown = set(shown_rows["obs_id"].astype(int))
    stale = find_stale_repeats(ev)
    if cutoff is not None:  # a restatement published after the cut-off was not yet made
        later = set(stale.loc[stale["published"] > cutoff, "obs_id"])
        dau, count = (r[~r["obs_id"].isin(later)].reset_index(drop=True) for r in (dau, count))
        shown -= later
    stale = stale[stale["obs_id"].isin(shown) & stale["original_obs_id"].isin(shown)]
    # A stale repeat is drawn when it was restated (its source's publication), not at the
    # period it describes, with an arrow back to the original.
    restated = stale.set_index("obs_id")["published"]
    dau, count = (
        r.assign(as_of=[restated.get(i, d) for i, d in zip(r["obs_id"], r["as_of"], strict=True)])
        for r in (dau, count)
    )
    conflicts = find_conflicts(ev)
    conflicts = conflicts[
        conflicts["metric"].isin([DAU, COUNT])
        & conflicts["obs_id_a"].isin(shown)
        & conflicts["obs_id_b"].isin(shown)
    ]
    published = ev.sources.set_index("source_id")["published"]
    order = sorted(shown_rows["source_id"].unique(), key=lambda s: (published[s], s))
    return Timeline(
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
    ignoring stale repeats, and says how many sources (not figures) repeat an older figure
    as current, naming the figures when one source repeats them all;
    the source line cites every source the timeline plots (DAU, program count, events),
    oldest first. Nothing in the timeline is assumed ('Assumed: none.').
    """
    data = timeline_data(ev, as_of)
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
    n_sources = data.stale["source_id"].nunique()
    if n_sources == 1:  # one source may repeat several figures: count sources, not figures
        rep = data.stale.iloc[0]
        periods = data.stale["original_as_of"].dt.year.unique()
        if len(data.stale) == 1:
            what = format_takeaway(
                "the {orig:year} {noun}",
                orig=rep["original_as_of"],
                noun=METRIC_NOUNS.get(rep["metric"], "figure"),
            )
        elif len(periods) == 1:
            what = format_takeaway(
                "{n:word} {orig:year} figures", n=len(data.stale), orig=rep["original_as_of"]
            )
        else:
            what = format_takeaway("{n:word} older figures", n=len(data.stale))
        title += format_takeaway(
            "; one {rep:year} source repeats {what} as current", rep=rep["published"], what=what
        )
    elif n_sources > 1:
        title += format_takeaway(
            "; {n:word} later sources repeat older figures as current", n=n_sources
        )
    return ChartText(title=title, source_line=make_source_line(ev, data.source_ids))
