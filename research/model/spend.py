"""Monthly spend of Mini Program users (RMB a month), fitted to the reported 54% at or below 500.

Spend is lognormal: its spread (sd of log RMB) is the assumption ``spend_log_spread``; its
median is set so P(spend <= 500 RMB) equals the reported share exactly. Price fit for a
brand is the share of users spending at least its price (0-1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from research.data.assumptions import Assumptions, resolve
from research.data.evidence import Evidence, latest_value, observations_for
from research.errors import InputError
from research.model import distributions as u

DEFAULT_EDGES_RMB: tuple[float, ...] = (500.0, 1000.0, 2000.0)


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
    share, _, src = spend_anchor(ev)
    return {
        "spend_le_share": u.Input(
            "spend_le_share",
            "Share spending 500 RMB or less a month",
            u.TrustedShare(share, a.node("trust_survey_n")),
            "sourced",
            (src,),
            ("trust_survey_n",),
        ),
        "spend_log_spread": u.Input(
            "spend_log_spread",
            "Spread of monthly spend (sd of log RMB)",
            a.node("spend_log_spread"),
            "assumed",
            (),
            ("spend_log_spread",),
            "sd of log(RMB)",
        ),
    }


def share_at_least(price_rmb, share_le: np.ndarray, spread: np.ndarray, threshold: float):
    """Return the share of users spending at least ``price_rmb`` a month (0-1).

    Broadcasts: ``price_rmb`` may be (B, 1) against draws of shape (n,).
    """
    log_median = np.log(threshold) - spread * special.ndtri(share_le)
    price = np.asarray(price_rmb, float)
    with np.errstate(divide="ignore"):
        z = (log_median - np.log(np.where(price > 0, price, 1.0))) / spread
    return np.where(price > 0, special.ndtr(z), 1.0)


def estimate_share_at_least(
    price_rmb: float,
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = 4096,
    seed: int = 0,
    method: str = "qmc",
) -> u.Interval:
    """Return the share of users spending at least ``price_rmb`` a month, as an interval (0-1)."""
    price = float(price_rmb)
    ev, a = resolve(ev, a)
    d = u.draw_inputs(inputs(ev, a), draws, seed, method)
    _, threshold, _ = spend_anchor(ev)
    return u.summarise(share_at_least(price, d["spend_le_share"], d["spend_log_spread"], threshold))


def band_table(
    edges_rmb: Sequence[float] = DEFAULT_EDGES_RMB,
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = 4096,
    seed: int = 0,
    method: str = "qmc",
) -> pd.DataFrame:
    """Return the share of users in each monthly spend band, with p5/p50/p95 (0-1).

    Columns: band (label), low_rmb, high_rmb (inf for the top band), p5, p50, p95,
    is_caution (the band starts at or above the articles' caution price).
    """
    edges = [float(e) for e in edges_rmb]
    if not edges or any(b <= a_ for a_, b in zip(edges, edges[1:], strict=False)) or edges[0] <= 0:
        raise InputError("edges_rmb: must be positive and strictly increasing (RMB)")
    ev, a = resolve(ev, a)
    d = u.draw_inputs(inputs(ev, a), draws, seed, method)
    _, threshold, _ = spend_anchor(ev)
    caution = caution_price_rmb(ev)
    bounds = [0.0, *edges, np.inf]
    at_least = [
        share_at_least(b, d["spend_le_share"], d["spend_log_spread"], threshold)
        if np.isfinite(b)
        else np.zeros(d.n)
        for b in bounds
    ]
    rows = []
    for i in range(len(bounds) - 1):
        lo, hi = bounds[i], bounds[i + 1]
        s = u.summarise(at_least[i] - at_least[i + 1])
        label = (
            f"up to {hi:,.0f}"
            if lo == 0
            else f"over {lo:,.0f}"
            if not np.isfinite(hi)
            else f"{lo:,.0f} to {hi:,.0f}"
        )
        rows.append(
            {
                "band": label + " RMB",
                "low_rmb": lo,
                "high_rmb": hi,
                "p5": s.p5,
                "p50": s.p50,
                "p95": s.p95,
                "is_caution": lo >= caution,
            }
        )
    return pd.DataFrame(rows)
