"""Demographics: gender, age and city tier of Mini Program users, and a target's share.

Shares are fractions of Mini Program users (0-1). Sourced: 71% female, 60% aged 30 or
below, about a third from first-tier cities and half from tiers 2-4. Assumed: the age
spread, the split of tiers 2-4, the trust in each figure, and independence of the traits.
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
from research.vocab import TIERS

AGE_BANDS = ((0, 17), (18, 24), (25, 30), (31, 40), (41, 50), (51, 100))
TIER_SEGMENTS = ("tier_1", "tier_2_to_4")


def age_anchor(ev: Evidence) -> tuple[float, float, str]:
    """Return (share aged at or below the cut, cut in exact years, source_id) from the data.

    The segment ``le_30`` ("30 or below") becomes the exact-age cut 31 years.
    """
    rows = observations_for(ev, "user_age_share")
    rows = rows[rows["segment"].fillna("").str.match(r"^le_\d+$") & (rows["kind"] == "reported")]
    if rows.empty:
        raise InputError("user_age_share: no reported 'le_N' figure in the data")
    row = rows.iloc[-1]
    cut = int(re.match(r"le_(\d+)", row["segment"]).group(1)) + 1
    return float(row["value"]) / 100, float(cut), str(row["source_id"])


def inputs(ev: Evidence, a: Assumptions) -> dict[str, u.Input]:
    """Return the uncertain inputs of the audience model (shares of users, 0-1)."""
    trust = a.node("trust_survey_n")
    female = latest_value(ev, "user_gender_share", "female")
    share_le, _, age_src = age_anchor(ev)
    tiers = [latest_value(ev, "user_city_tier_share", s) for s in TIER_SEGMENTS]
    named = [t.value / 100 for t in tiers]
    mean = (*named, 1.0 - sum(named))  # the rest, read as tier 5 and below
    tier_sources = tuple(dict.fromkeys(t.source_id for t in tiers))
    return {
        "female_share": u.Input(
            "female_share",
            "Female share of users",
            u.TrustedShare(female.value / 100, trust),
            "sourced",
            (female.source_id,),
            ("trust_survey_n",),
        ),
        "age_le_share": u.Input(
            "age_le_share",
            "Share of users aged 30 or below",
            u.TrustedShare(share_le, trust),
            "sourced",
            (age_src,),
            ("trust_survey_n",),
        ),
        "age_log_spread": u.Input(
            "age_log_spread",
            "Spread of users' ages (sd of log age)",
            a.node("age_log_spread"),
            "assumed",
            (),
            ("age_log_spread",),
            "sd of log(age)",
        ),
        "tier_shares": u.Input(
            "tier_shares",
            "Users by tier band (1, 2-4, 5+)",
            u.Dirichlet(mean, a.node("trust_approx_n")),
            "sourced",
            tier_sources,
            ("trust_approx_n", "tier_rest_is_tier_5"),
        ),
        "tier_split": u.Input(
            "tier_split",
            "Split of tiers 2-4 into 2, 3, 4",
            a.node("tier_split_2_to_4"),
            "assumed",
            (),
            ("tier_split_2_to_4",),
        ),
    }


def gender_share(female: np.ndarray, gender: str) -> np.ndarray:
    """Return the share of users of ``gender`` (0-1) given draws of the female share."""
    if gender == "female":
        return female
    if gender == "male":
        return 1.0 - female
    return np.ones_like(female)


def age_share(share_le: np.ndarray, spread: np.ndarray, age_min, age_max, cut: float = 31.0):
    """Return the share of users aged ``age_min`` to ``age_max`` (whole years, inclusive).

    Ages are lognormal with sd ``spread`` of log(age) and a median set so the share below
    ``cut`` exact years equals ``share_le``. Arguments broadcast (brands x draws).
    """
    log_median = np.log(cut) - spread * special.ndtri(share_le)
    upper = special.ndtr((np.log(np.asarray(age_max, float) + 1.0) - log_median) / spread)
    lo = np.asarray(age_min, float)
    with np.errstate(divide="ignore"):
        lower = np.where(
            lo > 0, special.ndtr((np.log(np.maximum(lo, 1e-9)) - log_median) / spread), 0.0
        )
    return np.clip(upper - lower, 0.0, 1.0)


def tier_weights(tiers: Sequence[int]) -> np.ndarray:
    """Return the 0/1 indicator of ``tiers`` over tiers 1-5."""
    return np.array([1.0 if t in tiers else 0.0 for t in TIERS])


def tier_share(
    tier_shares: np.ndarray, tier_split: np.ndarray, indicator: np.ndarray
) -> np.ndarray:
    """Return the share of users in the tiers marked by ``indicator`` (length 5, or B x 5).

    ``tier_shares`` is (n, 3): tier 1, tiers 2-4, tier 5 and below; ``tier_split`` (n, 3)
    splits tiers 2-4. The result has shape (n,) or (B, n).
    """
    per_tier = np.column_stack(
        [tier_shares[:, 0], tier_shares[:, [1]] * tier_split, tier_shares[:, 2]]
    )  # (n, 5)
    return np.clip(np.asarray(indicator, float) @ per_tier.T, 0.0, 1.0)  # rounding can pass 1


def target_share(
    draws: u.Draws, gender: str, age_min: int, age_max: int, tiers: Sequence[int], cut: float = 31.0
) -> np.ndarray:
    """Return draws of the share of users in the target (gender x age x tiers, independent)."""
    return (
        gender_share(draws["female_share"], gender)
        * age_share(draws["age_le_share"], draws["age_log_spread"], age_min, age_max, cut)
        * tier_share(draws["tier_shares"], draws["tier_split"], tier_weights(tiers))
    )


def estimate_target_share(
    gender: str = "any",
    age_min: int = 0,
    age_max: int = 100,
    tiers: Sequence[int] = TIERS,
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = 4096,
    seed: int = 0,
    method: str = "qmc",
) -> u.Interval:
    """Return the share of Mini Program users in an audience (0-1) as a p5/p50/p95 interval."""
    ev, a = resolve(ev, a)
    d = u.draw_inputs(inputs(ev, a), draws, seed, method)
    _, cut, _ = age_anchor(ev)
    return u.summarise(target_share(d, gender, age_min, age_max, tiers, cut))


def estimate_composition(
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = 4096,
    seed: int = 0,
    method: str = "qmc",
) -> pd.DataFrame:
    """Return users by gender, age band and city tier: one row per group with p5/p50/p95 (0-1).

    Columns: trait, group (label), key (the gender, the (low, high) age band in years, or
    the tier), p5, p50, p95, basis (``sourced`` or ``assumed``).
    """
    ev, a = resolve(ev, a)
    d = u.draw_inputs(inputs(ev, a), draws, seed, method)
    _, cut, _ = age_anchor(ev)
    rows = []
    for g in ("female", "male"):
        rows.append(("gender", g, g, gender_share(d["female_share"], g), "sourced"))
    for lo, hi in AGE_BANDS:
        label = f"under {hi + 1}" if lo == 0 else f"{lo}-{hi}" if hi < 100 else f"{lo}+"
        share = age_share(d["age_le_share"], d["age_log_spread"], lo, hi, cut)
        rows.append(("age", label, (lo, hi), share, "assumed"))
    for t in TIERS:
        label = "tier 5 and below" if t == 5 else f"tier {t}"
        share = tier_share(d["tier_shares"], d["tier_split"], tier_weights([t]))
        rows.append(("tier", label, t, share, "sourced" if t in (1, 5) else "assumed"))
    out = []
    for trait, group, key, x, basis in rows:
        s = u.summarise(x)
        out.append(
            {
                "trait": trait,
                "group": group,
                "key": key,
                "p5": s.p5,
                "p50": s.p50,
                "p95": s.p95,
                "basis": basis,
            }
        )
    return pd.DataFrame(out)


def group_in_target(
    trait: str, key, gender: str, age_min: int, age_max: int, tiers: Sequence[int]
) -> bool:
    """Return whether a composition group (``trait`` and ``key`` of
    :func:`estimate_composition`) overlaps the target audience."""
    if trait == "gender":
        return gender in ("any", key)
    if trait == "age":
        lo, hi = key
        return not (hi < age_min or lo > age_max)
    return key in tiers
