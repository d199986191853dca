"""Access points: the share of arrivals each touch point brings, and a brand's coverage.

Sourced: 35% of users arrive through shared links; there are 60+ access points. Assumed:
the share that goes to access points the taxonomy does not name (``access_other_points_share``)
and how the rest is split over the named touch points - a Dirichlet whose mean comes from
the group weights in ``assumptions.yaml`` (equal within a group) and whose concentration is
``access_prior_concentration``. Shares of arrivals sum to one across all access points.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions, resolve
from research.data.evidence import Evidence, latest_value
from research.errors import InputError
from research.model import distributions as u

SHARED = "shared_links"
OTHER = "other_unnamed"


def prior_weights(ev: Evidence, a: Assumptions) -> pd.Series:
    """Return the prior mean share (0-1, summing to one) of each named touch point other
    than shared links, within the arrivals that neither shared links nor unnamed points bring."""
    tp = ev.touchpoints[ev.touchpoints["touchpoint_id"] != SHARED]
    group_w = tp["group"].map(a.group_weights).astype(float)
    per = group_w / tp.groupby("group")["touchpoint_id"].transform("count")
    per = pd.Series(per.to_numpy(), index=tp["touchpoint_id"].to_numpy(), name="weight")
    per = per[per > 0]
    if per.empty:
        raise InputError("access_group_weights: every group weight is zero")
    return per / per.sum()


def _common(ev: Evidence, a: Assumptions) -> dict[str, u.Input]:
    shared = latest_value(ev, "access_share", SHARED)
    return {
        "shared_links_share": u.Input(
            "shared_links_share",
            "Arrivals through shared links",
            u.TrustedShare(shared.value / 100, a.node("trust_survey_n")),
            "sourced",
            (shared.source_id,),
            ("trust_survey_n",),
        ),
        "unnamed_points_share": u.Input(
            "unnamed_points_share",
            "Arrivals through unnamed access points",
            a.node("access_other_points_share"),
            "assumed",
            (),
            ("access_other_points_share",),
        ),
    }


def inputs(
    ev: Evidence, a: Assumptions, channels: Sequence[str] | None = None
) -> dict[str, u.Input]:
    """Return the access inputs.

    With ``channels`` the named touch points are aggregated into one exact Beta for the
    brand's set (``listed_channel_share``, the Dirichlet aggregation property); without,
    the full Dirichlet over every named touch point (``touchpoint_mix``) is drawn.
    """
    out = _common(ev, a)
    weights = prior_weights(ev, a)
    conc = a.node("access_prior_concentration")
    assumed = ("access_group_weights", "access_prior_concentration")
    if channels is None:
        out["touchpoint_mix"] = u.Input(
            "touchpoint_mix",
            "Split of the other arrivals",
            u.Dirichlet(tuple(weights.to_numpy()), conc),
            "assumed",
            (),
            assumed,
        )
    else:
        chosen = [c for c in dict.fromkeys(channels) if c != SHARED]
        mean = float(min(1.0, weights.reindex(chosen).fillna(0).sum()))
        out["listed_channel_share"] = u.Input(
            "listed_channel_share",
            "The brand's other channels' share of the rest",
            u.MeanShare(mean, conc),
            "assumed",
            (),
            assumed,
        )
    return out


def rest_share(draws: u.Draws) -> np.ndarray:
    """Return the share of arrivals left for the named touch points other than shared links."""
    return np.clip(1.0 - draws["shared_links_share"] - draws["unnamed_points_share"], 0.0, 1.0)


def coverage(draws: u.Draws, channels: Sequence[str]) -> np.ndarray:
    """Return draws of the share of arrivals the brand's ``channels`` cover (0-1).

    Needs draws made with ``inputs(ev, a, channels)`` for the same channels.
    """
    has_shared = SHARED in channels
    listed = draws["listed_channel_share"]
    return (draws["shared_links_share"] if has_shared else 0.0) + rest_share(draws) * listed


def touchpoint_shares(draws: u.Draws, ev: Evidence, a: Assumptions) -> pd.DataFrame:
    """Return an (n, k) frame of every access point's share of arrivals; rows sum to one.

    Needs draws made with ``inputs(ev, a)`` (no channels). Columns are touch-point ids,
    plus ``other_unnamed`` for the access points the taxonomy does not name.
    """
    weights = prior_weights(ev, a)
    mix = rest_share(draws)[:, None] * draws["touchpoint_mix"]
    frame = pd.DataFrame(mix, columns=weights.index)
    frame.insert(0, SHARED, draws["shared_links_share"])
    frame[OTHER] = 1.0 - frame.sum(axis=1)
    for tp in ev.touchpoints["touchpoint_id"]:
        if tp not in frame:
            frame[tp] = 0.0
    return frame


def estimate_coverage(
    channels: Sequence[str],
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = 4096,
    seed: int = 0,
    method: str = "qmc",
) -> u.Interval:
    """Return the share of arrivals that ``channels`` cover (0-1), as an interval."""
    ev, a = resolve(ev, a)
    d = u.draw_inputs(inputs(ev, a, channels), draws, seed, method)
    return u.summarise(coverage(d, channels))
