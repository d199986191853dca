"""Mini Program daily active users (DAU): the figure the funnel starts from, a day.

The figure is the latest non-stale one dated on or before the analysis's ``as_of``; its
error (``dau_figure_error``) is assumed, and so is growth after it when the analysis is
dated later (``dau_growth_after_last_figure``), capped at the largest WeChat user figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence, Observation, latest_value
from research.model import distributions as u

DAYS_PER_YEAR = 365.25


def dau_anchor(
    ev: Evidence, as_of: str | pd.Timestamp | None = None
) -> tuple[Observation, pd.Timestamp, float]:
    """Return the DAU figure to start from, the as-of date used, and years extrapolated.

    The figure is the latest non-stale one dated on or before ``as_of`` (default: the
    latest figure's own date, so nothing is extrapolated).
    """
    if as_of is None:
        obs = latest_value(ev, "mini_program_dau")
        return obs, obs.as_of, 0.0
    when = pd.Timestamp(as_of)
    obs = latest_value(ev, "mini_program_dau", as_of=when)
    return obs, when, max(0.0, (when - obs.as_of).days / DAYS_PER_YEAR)


def dau_inputs(
    ev: Evidence, a: Assumptions, as_of: str | pd.Timestamp | None = None
) -> dict[str, u.Input]:
    """Return the DAU inputs: the quoted figure's error, and growth when extrapolating."""
    dau, _, years = dau_anchor(ev, as_of)
    out = {
        "dau_error": u.Input(
            "dau_error",
            "Error of the quoted DAU (multiple)",
            a.node("dau_figure_error"),
            "assumed",
            (dau.source_id,),
            ("dau_figure_error",),
            "multiple",
        )
    }
    if years > 0:
        out["dau_growth"] = u.Input(
            "dau_growth",
            "DAU growth a year after the last figure",
            a.node("dau_growth_after_last_figure"),
            "assumed",
            (),
            ("dau_growth_after_last_figure",),
            "growth a year",
        )
    return out


def dau_cap_musers(ev: Evidence) -> float:
    """Return the most WeChat users any source gives (millions): Mini Program DAU can't exceed it.

    See the statement ``dau_cap`` in ``assumptions.yaml``.
    """
    obs = ev.observations
    return float(obs.loc[obs["metric"].isin(["wechat_mau", "wechat_users"]), "value"].max())


def dau_users(
    draws: u.Draws, dau: Observation, years: float, cap_musers: float = np.inf
) -> np.ndarray:
    """Return draws of Mini Program daily active users (users a day), at most ``cap_musers``."""
    growth = (1.0 + draws["dau_growth"]) ** years if years > 0 else 1.0
    return np.minimum(dau.value * draws["dau_error"] * growth, cap_musers) * 1e6
