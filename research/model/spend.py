"""Monthly spend of Mini Program users (RMB a month), fitted to the reported 54% at or below 500.

Spend is lognormal: its spread (sd of log RMB) is the assumption ``spend_log_spread``; its
median is set so P(spend <= 500 RMB) equals the reported share exactly. A brand's price
fit is the share of users spending at least its price (0-1).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import special

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence, latest_value, observations_for
from research.errors import InputError
from research.model import distributions as u

#: Edges of the spend bands shown in the price exhibit, RMB a month.
BAND_EDGES_RMB: tuple[float, ...] = (200.0, 500.0, 1000.0, 2000.0, 5000.0)


def spend_anchor(ev: Evidence) -> tuple[float, float, str]:
    """Return (share spending at or below the threshold, threshold in RMB, source_id)."""
    rows = observations_for(ev, "monthly_spend_share")
    rows = rows[rows["segment"].fillna("").str.match(r"^le_\d+$") & (rows["kind"] == "reported")]
    if rows.empty:
        raise InputError("monthly_spend_share: no reported 'le_N' figure in the data")
    row = rows.iloc[-1]
    threshold = float(re.match(r"le_(\d+)", row["segment"]).group(1))
    return float(row["value"]) / 100, threshold, str(row["source_id"])


def caution_price_rmb(ev: Evidence) -> float:
    """Return the articles' caution price (RMB) above which direct sales may not get traction."""
    return latest_value(ev, "price_caution_threshold").value


def inputs(ev: Evidence, a: Assumptions) -> dict[str, u.Input]:
    """Return the uncertain inputs of the spend model."""
    share, threshold, src = spend_anchor(ev)
    return {
        "spend_le_share": u.Input(
            "spend_le_share",
            f"Share of users spending {threshold:,.0f} RMB or less a month",
            u.TrustedShare(share, u.assumed(a, "trust_survey_n")),
            "sourced",
            (src,),
            ("trust_survey_n",),
        ),
        "spend_log_spread": u.Input(
            "spend_log_spread",
            "Spread of users' monthly spend",
            u.assumed(a, "spend_log_spread"),
            "assumed",
            (),
            ("spend_log_spread",),
            "sd of log(RMB)",
        ),
    }


def share_at_least(price_rmb, share_le, spread, threshold: float) -> np.ndarray:
    """Return the share of users spending at least ``price_rmb`` a month (0-1).

    Broadcasts: ``price_rmb`` may be (B, 1) against draws of shape (n,). A price of 0
    gives 1 (everyone can pay nothing).
    """
    log_median = np.log(threshold) - spread * special.ndtri(share_le)
    price = np.asarray(price_rmb, float)
    with np.errstate(divide="ignore"):
        z = (log_median - np.log(np.where(price > 0, price, 1.0))) / spread
    return np.where(price > 0, special.ndtr(z), 1.0)


def bands(v, threshold: float, edges=BAND_EDGES_RMB) -> pd.DataFrame:
    """Return the share of users in each monthly spend band from draws ``v``.

    Columns: low_rmb, high_rmb (inf for the top band), draws (0-1 on every draw).
    """
    bounds = [0.0, *edges, np.inf]
    n = len(np.asarray(v["spend_le_share"]))
    at_least = [
        share_at_least(b, v["spend_le_share"], v["spend_log_spread"], threshold)
        if np.isfinite(b)
        else np.zeros(n)
        for b in bounds
    ]
    rows = [
        (bounds[i], bounds[i + 1], at_least[i] - at_least[i + 1]) for i in range(len(bounds) - 1)
    ]
    return pd.DataFrame(rows, columns=["low_rmb", "high_rmb", "draws"])
