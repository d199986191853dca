"""Access points: the share of users each touch point reaches, and a brand's channel reach.

Sourced: 35% of users open Mini Programs through shared links (a share of *users*; users
use several access points, so shares need not sum to one). Assumed: the share of users
each other touch point of the taxonomy reaches (``touchpoint_reach_<id>`` in
``assumptions.yaml``, each with its range and rationale). A brand's channels reach the
users who use at least one of them, 1 - prod(1 - share), touch points taken as
independent (the statement ``touchpoint_independence``): adding a channel never lowers it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence, latest_value
from research.formats import in_sentence
from research.model import distributions as u

SHARED = "shared_links"
#: Engagement phases whose touch points bring users to a brand they do not yet use.
ACQUISITION_PHASES = ("discovery", "re_engagement")


def input_name(touchpoint_id: str) -> str:
    """Return the name of the input holding the share of users ``touchpoint_id`` reaches."""
    return "shared_links_share" if touchpoint_id == SHARED else f"touchpoint_reach_{touchpoint_id}"


def inputs(ev: Evidence, a: Assumptions) -> dict[str, u.Input]:
    """Return, per touch point of the taxonomy, the share of users it reaches (0-1)."""
    shared = latest_value(ev, "access_share", SHARED)
    out = {}
    for tp in ev.touchpoints.itertuples():
        name = input_name(tp.touchpoint_id)
        label = f"Users reached through {in_sentence(tp.label)}"
        if tp.touchpoint_id == SHARED:
            node = u.TrustedShare(shared.value / 100, u.assumed(a, "trust_survey_n"))
            out[name] = u.Input(
                name, label, node, "sourced", (shared.source_id,), ("trust_survey_n",)
            )
        else:
            out[name] = u.Input(name, label, u.assumed(a, name), "assumed", (), (name,))
    return out


def touchpoint_ids(ev: Evidence) -> tuple[str, ...]:
    """Return the touch-point ids in taxonomy order (the columns of a channel matrix)."""
    return tuple(str(t) for t in ev.touchpoints["touchpoint_id"])


def reach_matrix(v, ids) -> np.ndarray:
    """Return the (K, n) share of users each touch point in ``ids`` reaches, on every draw."""
    return np.stack([np.asarray(v[input_name(t)], float) for t in ids])


def channel_reach(shares: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Return the share of users reached by each brand's channels, (B, n), 0-1.

    ``shares`` is (K, n) from :func:`reach_matrix`; ``chosen`` is (B, K) 0/1. A user is
    reached when they use at least one chosen touch point: 1 - prod(1 - share).
    """
    return reach_of_log_miss(log_miss(shares), chosen)


def log_miss(shares: np.ndarray) -> np.ndarray:
    """Return log(1 - share) of each touch point on every draw, (K, n) (see
    :func:`channel_reach`)."""
    with np.errstate(divide="ignore"):
        return np.log1p(-np.clip(shares, 0.0, 1.0 - 1e-12))


def reach_of_log_miss(log_miss_: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Return :func:`channel_reach` from :func:`log_miss` of the shares, (B, n), 0-1."""
    return np.clip(-np.expm1(np.asarray(chosen, float) @ log_miss_), 0.0, 1.0) + 0.0  # no -0.0


def brings_users(ev: Evidence) -> pd.Series:
    """Return, per touch-point id, whether it brings users new to the brand (its phase is
    discovery or re-engagement, not retention alone)."""
    tp = ev.touchpoints.set_index("touchpoint_id")
    return tp["phase"].isin(ACQUISITION_PHASES)
