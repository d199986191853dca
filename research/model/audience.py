"""Demographics: gender, age and city tier of Mini Program users, and a brand's target.

Shares are fractions of Mini Program users (0-1). Sourced: 71% female, 60% aged 30 or
below, about a third from first-tier cities and half from tiers 2-4. Assumed: the age
spread, the split of tiers 2-4, reading the unnamed rest as tier 5 and below, the trust
in each figure, and independence of the traits.
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
from research.vocab import TIERS

#: Age bands shown in the audience exhibit, (youngest, oldest) in whole years.
AGE_BANDS = ((6, 17), (18, 24), (25, 30), (31, 40), (41, 50), (51, 100))
#: The tier bands the article names, in the order of the ``tier_bands`` input.
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
    """Return the uncertain inputs of the audience model (shares of users, 0-1).

    ``tier_bands`` is a Dirichlet over tier 1, tiers 2-4 and the rest the article leaves
    unnamed (1 minus the two named shares); the rest is read as tier 5 and below (the
    statement ``tier_rest_is_tier_5``).
    """
    trust = u.assumed(a, "trust_survey_n")
    female = latest_value(ev, "user_gender_share", "female")
    share_le, cut, age_src = age_anchor(ev)
    named = [latest_value(ev, "user_city_tier_share", s) for s in TIER_SEGMENTS]
    shares = [t.value / 100 for t in named]
    rest = 1.0 - sum(shares)
    if rest <= 0:
        raise InputError("user_city_tier_share: the named tier shares leave nothing for the rest")
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
            f"Share of users aged {cut - 1:g} or below",
            u.TrustedShare(share_le, trust),
            "sourced",
            (age_src,),
            ("trust_survey_n",),
        ),
        "age_log_spread": u.Input(
            "age_log_spread",
            "Spread of users' ages",
            u.assumed(a, "age_log_spread"),
            "assumed",
            (),
            ("age_log_spread",),
            "sd of log(age)",
        ),
        "tier_bands": u.Input(
            "tier_bands",
            "Users by city tier (1, 2-4, the rest)",
            u.Dirichlet((*shares, rest), u.assumed(a, "trust_approx_n")),
            "sourced",
            tuple(dict.fromkeys(t.source_id for t in named)),
            ("trust_approx_n", "tier_rest_is_tier_5"),
        ),
        "tier_split": u.Input(
            "tier_split",
            "Split of tiers 2-4 into 2, 3 and 4",
            u.assumed(a, "tier_split_2_to_4"),
            "assumed",
            (),
            ("tier_split_2_to_4",),
        ),
    }


def gender_share(female: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Return the share of users of each brand's gender (B, n): code 0 female, 1 male, 2 any."""
    code = np.asarray(code)[:, None]
    return np.where(code == 0, female, np.where(code == 1, 1.0 - female, 1.0))


def _log_median(share_le: np.ndarray, spread: np.ndarray, cut: float) -> np.ndarray:
    return np.log(cut) - spread * special.ndtri(share_le)


def _cdf(age, log_median, spread):
    """Return P(age < ``age`` exact years) under the lognormal age model."""
    age = np.asarray(age, float)
    with np.errstate(divide="ignore"):
        z = (np.log(np.maximum(age, 1e-9)) - log_median) / spread
    return np.where(age > 0, special.ndtr(z), 0.0)


def age_share(share_le, spread, age_min, age_max, cut: float) -> np.ndarray:
    """Return the share of users aged ``age_min`` to ``age_max`` (whole years, inclusive).

    Ages are lognormal with sd ``spread`` of log(age) and a median set so the share below
    ``cut`` exact years equals ``share_le``. Arguments broadcast (brands x draws).
    """
    m = _log_median(share_le, spread, cut)
    upper = _cdf(np.asarray(age_max, float) + 1.0, m, spread)
    return np.clip(upper - _cdf(age_min, m, spread), 0.0, 1.0)


def core_age_share(share_le, spread, age_min, age_max, cut: float) -> np.ndarray:
    """Return the share of a target age range that is below ``cut`` (0-1, brands x draws).

    The articles' core segment is young: this is 1 for a range wholly below the cut, falls
    as the range reaches above it, and is 0 for a range wholly above it.
    """
    m = _log_median(share_le, spread, cut)
    lo = _cdf(age_min, m, spread)
    hi = _cdf(np.asarray(age_max, float) + 1.0, m, spread)
    young = np.clip(np.minimum(hi, _cdf(cut, m, spread)) - lo, 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(hi > lo, young / (hi - lo), (np.asarray(age_max, float) < cut) * 1.0)
    return np.clip(out, 0.0, 1.0)


def per_tier(tier_bands: np.ndarray, tier_split: np.ndarray) -> np.ndarray:
    """Return the (n, 5) share of users in tiers 1-5 from the band and split draws."""
    return np.column_stack([tier_bands[:, 0], tier_bands[:, [1]] * tier_split, tier_bands[:, 2]])


def tier_share(tier_bands, tier_split, indicator: np.ndarray) -> np.ndarray:
    """Return the share of users in the tiers marked by ``indicator`` ((B, 5) 0/1): (B, n)."""
    return tier_share_of(per_tier(tier_bands, tier_split).T, indicator)


def tier_share_of(tiers: np.ndarray, indicator: np.ndarray) -> np.ndarray:
    """Return :func:`tier_share` from the (5, n) transposed :func:`per_tier` shares."""
    return np.clip(np.asarray(indicator, float) @ tiers, 0.0, 1.0)


def tier_indicator(tiers) -> np.ndarray:
    """Return the 0/1 indicator of ``tiers`` over tiers 1-5."""
    return np.array([1.0 if t in tiers else 0.0 for t in TIERS])


def composition(v, cut: float) -> pd.DataFrame:
    """Return users by gender, age band and city tier from draws ``v``: one row per group.

    Columns: trait, group (label), key (the gender, the (low, high) age band in years or
    the tier), draws (the group's share of users on every draw, 0-1), basis.
    """
    rows = []
    female = np.asarray(v["female_share"])
    for g, x in (("female", female), ("male", 1.0 - female)):
        rows.append(("gender", g.capitalize(), g, x, "sourced"))
    for lo, hi in AGE_BANDS:
        label = f"{lo}-{hi}" if hi < 100 else f"{lo}+"
        x = age_share(v["age_le_share"], v["age_log_spread"], lo, hi, cut)
        rows.append(("age", label, (lo, hi), x, "mixed"))
    tiers = per_tier(v["tier_bands"], v["tier_split"])
    for t in TIERS:
        label = "Tier 5 and below" if t == 5 else f"Tier {t}"
        basis = {1: "sourced", 5: "mixed"}.get(t, "mixed")
        rows.append(("tier", label, t, tiers[:, t - 1], basis))
    return pd.DataFrame(rows, columns=["trait", "group", "key", "draws", "basis"])


def group_in_target(trait: str, key, gender: str, age_min: int, age_max: int, tiers) -> bool:
    """Return whether a :func:`composition` group overlaps the target audience."""
    if trait == "gender":
        return gender in ("any", key)
    if trait == "age":
        lo, hi = key
        return not (hi < age_min or lo > age_max)
    return key in tiers
