"""Mini Program daily active users (DAU): the figure the funnel starts from, a day.

The figure is the latest non-stale one dated on or before the analysis's ``as_of``
(default: the latest figure, not extrapolated). Its error (``dau_figure_error``) is
assumed, and so is growth after it when ``as_of`` is later than the figure
(``dau_growth_after_last_figure``), capped at the largest WeChat user figure (``dau_cap``).
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
    """Return the DAU figure to start from, the as-of date used, and years extrapolated."""
    if as_of is None:
        obs = latest_value(ev, "mini_program_dau")
        return obs, obs.as_of, 0.0
    when = pd.Timestamp(as_of)
    obs = latest_value(ev, "mini_program_dau", as_of=when)
    return obs, when, max(0.0, (when - obs.as_of).days / DAYS_PER_YEAR)


def inputs(ev: Evidence, a: Assumptions, as_of=None) -> dict[str, u.Input]:
    """Return the DAU inputs: the quoted figure, its error, and growth when extrapolating."""
    dau, _, years = dau_anchor(ev, as_of)
    out = {
        "dau_figure": u.Input(
            "dau_figure",
            "Mini Program users a day, as quoted",
            u.Fixed(dau.value),
            "sourced",
            (dau.source_id,),
            (),
            "million users",
        ),
        "dau_error": u.Input(
            "dau_error",
            "Error of the quoted daily-user figure",
            u.assumed(a, "dau_figure_error"),
            "assumed",
            (),
            ("dau_figure_error",),
            "multiple",
        ),
    }
    if years > 0:
        out["dau_growth"] = u.Input(
            "dau_growth",
            "Growth of daily users after the last figure",
            u.assumed(a, "dau_growth_after_last_figure"),
            "assumed",
            (),
            ("dau_growth_after_last_figure", "dau_cap"),
            "growth a year",
        )
    return out


def dau_cap_musers(ev: Evidence) -> float:
    """Return the most WeChat users any source gives (millions): Mini Program DAU can't exceed it."""
    obs = ev.observations
    return float(obs.loc[obs["metric"].isin(["wechat_mau", "wechat_users"]), "value"].max())


def dau_users(v, dau: Observation, years: float, cap_musers: float = np.inf) -> np.ndarray:
    """Return draws of Mini Program daily active users (users a day), at most ``cap_musers``."""
    growth = (1.0 + np.asarray(v["dau_growth"])) ** years if years > 0 else 1.0
    return np.minimum(dau.value * np.asarray(v["dau_error"]) * growth, cap_musers) * 1e6


def dau_before_error(v, dau: Observation, years: float) -> np.ndarray | float:
    """Return Mini Program daily users before the figure's error and the cap (users a day).

    :func:`dau_users` is ``min(this x v["dau_error"], cap_musers x 1e6)``; the error is its
    own input, drawn independently of every other (the funnel integrates it exactly).
    """
    growth = (1.0 + np.asarray(v["dau_growth"])) ** years if years > 0 else 1.0
    return dau.value * growth * 1e6
