"""How the articles' figures relate: stale repeats, real conflicts, and growth between periods.

Two figures of one metric and segment from two sources are compared as intervals that
respect how they were stated: an ``exact`` figure stands for its rounding (half a unit of
its last significant digit: 580,000 is 575,000 to 585,000), an ``approx`` figure for at
least 10% either way ("about 2 years" is 1.5 to 2.5), ``at_least`` and ``at_most`` are
the stated value and open on the other side. Then, for figures dated within :data:`SAME_PERIOD_DAYS` of each other:

* they **agree** when the intervals overlap;
* a later source **repeats** an earlier one when they agree, the metric changes over
  time, and the later source dates its figure well before its own publication (it
  restates an old figure as current, like Sinorblog's 2019 "580,000 mini programs",
  the January 2018 figure): the repeat is a *stale repeat* and models skip it;
* they **conflict** when the intervals do not overlap: two sources disagree about the
  same period.

Figures of a time-varying metric from different periods are **growth** (or decline),
never a conflict; growth is computed between figures that are not repeats.
"""

from __future__ import annotations

import math
import weakref
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from research.data.evidence import Evidence

#: Figures dated this close (days) describe the same period.
SAME_PERIOD_DAYS: int = 183
#: An "about" figure stands for at least this relative margin either way (0.1 = 10%).
APPROX_MARGIN: float = 0.10
#: A figure dated this long (days) before its source's publication is restated, not new.
STALE_DAYS: int = 183


def rounding(value: float) -> float:
    """Return half a unit of the last significant digit of ``value`` (580000 -> 5000)."""
    v = abs(float(value))
    if v == 0 or not math.isfinite(v):
        return 0.0
    text = f"{v:.10g}"
    mantissa = text.split("e")[0]
    if "." in mantissa and "e" not in text:
        return 0.5 * 10.0 ** -len(mantissa.split(".")[1])
    digits = mantissa.rstrip("0").replace(".", "")
    exponent = math.floor(math.log10(v))
    return 0.5 * 10.0 ** (exponent - len(digits) + 1)


def bounds(value: float, qualifier: str) -> tuple[float, float]:
    """Return the interval a stated figure stands for, in its unit."""
    half = rounding(value)
    if qualifier == "approx":
        half = max(half, APPROX_MARGIN * abs(value))
    lo, hi = value - half, value + half
    if qualifier == "at_least":
        return float(value), math.inf
    if qualifier == "at_most":
        return -math.inf, float(value)
    return lo, hi


def _pairs(ev: Evidence) -> pd.DataFrame:
    """Return every pair of figures of one metric and segment from two sources (a before b)."""
    obs = ev.observations.assign(segment=ev.observations["segment"].fillna(""))
    published = obs["source_id"].map(ev.sources.set_index("source_id")["published"])
    lo_hi = [bounds(v, q) for v, q in zip(obs["value"], obs["qualifier"], strict=True)]
    obs = obs.assign(published=published, lo=[x[0] for x in lo_hi], hi=[x[1] for x in lo_hi])
    cols = [
        "obs_id",
        "metric",
        "segment",
        "value",
        "qualifier",
        "as_of",
        "source_id",
        "published",
        "lo",
        "hi",
    ]
    p = obs[cols].merge(obs[cols], on=["metric", "segment"], suffixes=("_a", "_b"))
    p = p[(p["obs_id_a"] < p["obs_id_b"]) & (p["source_id_a"] != p["source_id_b"])]
    varying = ev.metrics.set_index("metric")["is_time_varying"]
    return p.assign(
        gap_days=(p["as_of_b"] - p["as_of_a"]).dt.days.abs(),
        agree=(p["lo_a"] <= p["hi_b"]) & (p["lo_b"] <= p["hi_a"]),
        is_time_varying=p["metric"].map(varying).fillna(False).astype(bool),
    ).reset_index(drop=True)


#: Relations computed once per Evidence object (weakly held: freed with the evidence).
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _relations(ev: Evidence) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    if ev not in _CACHE:
        _CACHE[ev] = _compute(ev)
    return _CACHE[ev]


def _compute(ev: Evidence) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    p = _pairs(ev)
    same = p["gap_days"] <= SAME_PERIOD_DAYS
    rows = []
    for r in p[same & p["agree"] & p["is_time_varying"]].itertuples():
        later = "b" if (r.published_b, r.obs_id_b) > (r.published_a, r.obs_id_a) else "a"
        first = "a" if later == "b" else "b"
        age = (getattr(r, f"published_{later}") - getattr(r, f"as_of_{later}")).days
        if age > STALE_DAYS:
            rows.append(
                {
                    "metric": r.metric,
                    "segment": r.segment,
                    "obs_id": getattr(r, f"obs_id_{later}"),
                    "source_id": getattr(r, f"source_id_{later}"),
                    "as_of": getattr(r, f"as_of_{later}"),
                    "published": getattr(r, f"published_{later}"),
                    "value": getattr(r, f"value_{later}"),
                    "original_obs_id": getattr(r, f"obs_id_{first}"),
                    "original_source_id": getattr(r, f"source_id_{first}"),
                    "original_as_of": getattr(r, f"as_of_{first}"),
                    "original_value": getattr(r, f"value_{first}"),
                }
            )
    repeats = (
        pd.DataFrame(
            rows,
            columns=[
                "metric",
                "segment",
                "obs_id",
                "source_id",
                "as_of",
                "published",
                "value",
                "original_obs_id",
                "original_source_id",
                "original_as_of",
                "original_value",
            ],
        )
        .drop_duplicates("obs_id")
        .sort_values(["metric", "obs_id"])
        .reset_index(drop=True)
    )
    stale = set(repeats["obs_id"])
    fresh = ~p["obs_id_a"].isin(stale) & ~p["obs_id_b"].isin(stale)
    keep = [
        "metric",
        "segment",
        "obs_id_a",
        "source_id_a",
        "value_a",
        "qualifier_a",
        "as_of_a",
        "obs_id_b",
        "source_id_b",
        "value_b",
        "qualifier_b",
        "as_of_b",
        "gap_days",
    ]
    conflicts = p[same & ~p["agree"] & fresh][keep].sort_values(["metric", "obs_id_a", "obs_id_b"])
    moves = p[~same & p["is_time_varying"] & fresh][keep].copy()
    early_first = moves["as_of_a"] <= moves["as_of_b"]
    swapped = moves.copy()
    for col in ("obs_id", "source_id", "value", "qualifier", "as_of"):
        swapped[f"{col}_a"] = np.where(early_first, moves[f"{col}_a"], moves[f"{col}_b"])
        swapped[f"{col}_b"] = np.where(early_first, moves[f"{col}_b"], moves[f"{col}_a"])
    years = swapped["gap_days"] / 365.25
    exact = (swapped["qualifier_a"] != "at_least") & (swapped["qualifier_a"] != "at_most")
    exact &= (swapped["qualifier_b"] != "at_least") & (swapped["qualifier_b"] != "at_most")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (swapped["value_b"].astype(float) / swapped["value_a"].astype(float)) ** (
            1.0 / years
        ) - 1.0
    growth = swapped.assign(
        as_of_a=pd.to_datetime(swapped["as_of_a"]),
        as_of_b=pd.to_datetime(swapped["as_of_b"]),
        years=years,
        growth_per_year=rate.where(exact & (swapped["value_a"] > 0)),
    ).sort_values(["metric", "as_of_a", "as_of_b"])
    return repeats, conflicts.reset_index(drop=True), growth.reset_index(drop=True)


def find_stale_repeats(ev: Evidence) -> pd.DataFrame:
    """Return the figures a later source restates from an earlier one (see the module).

    Columns: the repeat (obs_id, source_id, as_of, published, value) and the original it
    repeats (original_obs_id, original_source_id, original_as_of, original_value).
    """
    return _relations(ev)[0].copy()


def find_conflicts(ev: Evidence) -> pd.DataFrame:
    """Return pairs of sources that disagree about the same period, beyond their qualifiers.

    Columns: metric, segment, then obs_id, source_id, value, qualifier, as_of of figure a
    and of figure b, and gap_days between their dates.
    """
    return _relations(ev)[1].copy()


def find_growth(ev: Evidence) -> pd.DataFrame:
    """Return pairs of figures of a time-varying metric from different periods, earlier
    first, with ``years`` between them and ``growth_per_year`` (0.1 = +10% a year; empty
    when a figure is only a bound)."""
    return _relations(ev)[2].copy()
