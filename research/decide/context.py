"""What the decision needs besides the draws: the articles' figures, the gates' limits, the
documented uses, and the assumed need and conversion. Built once per data and date."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence, Observation, latest_value
from research.model import access, audience, categories, spend
from research.model import distributions as u
from research.model.factors import Anchors, make_anchors
from research.vocab import CATEGORIES, OBJECTIVES


@dataclass(frozen=True)
class LogNormalParams:
    """A positive quantity whose log is Normal(mu, sigma); sigma 0 for a known value."""

    mu: float
    sigma: float

    @property
    def median(self) -> float:
        """The median, in the quantity's unit."""
        return float(np.exp(self.mu))

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (0-1), in the quantity's unit."""
        from scipy import special

        return float(np.exp(self.mu + self.sigma * special.ndtri(q)))


def lognormal_of(a: Assumptions, name: str) -> LogNormalParams:
    """Return the lognormal of assumption ``name`` (its dist must be ``lognormal``)."""
    node = u.assumed(a, name)
    sigma = float(getattr(node, "sigma", 0.0))
    mu = float(getattr(node, "mu", np.log(getattr(node, "value", 1.0))))
    return LogNormalParams(mu, sigma)


@dataclass(frozen=True)
class Context:
    """The figures and limits the decision reads, in their units (shares 0-1, RMB, MB)."""

    ev: Evidence
    a: Assumptions
    anchors: Anchors
    age_le_share: float
    female_share: Observation
    spend_threshold: float
    spend_le_share: float
    caution: Observation
    package_limit: Observation
    shared_links: Observation
    games_opens: Observation
    games_minutes: Observation
    games_penetration: Observation
    #: (category, objective) pairs the articles document, with their source ids and locators
    uses: pd.DataFrame
    #: per touch-point id: does it bring users new to the brand
    brings_users: pd.Series
    conversion: LogNormalParams
    needs: dict[str, LogNormalParams]
    package_if_unstated: LogNormalParams

    def documented(self, category: str, objective: str) -> pd.DataFrame:
        """Return the rows of the uses table documenting ``category`` used for ``objective``."""
        u = self.uses
        return u[(u["category"] == category) & (u["objective"] == objective)]

    def documented_matrix(self) -> np.ndarray:
        """Return a (categories x objectives) 0/1 matrix of documented uses."""
        m = np.zeros((len(CATEGORIES), len(OBJECTIVES)))
        for row in self.uses.itertuples():
            m[CATEGORIES.index(row.category), OBJECTIVES.index(row.objective)] = 1.0
        return m


def make_context(ev: Evidence, a: Assumptions, as_of=None) -> Context:
    """Return the decision context of ``ev`` and ``a`` for figures dated ``as_of``."""
    age_le, _, _ = audience.age_anchor(ev)
    spend_le, threshold, _ = spend.spend_anchor(ev)
    return Context(
        ev=ev,
        a=a,
        anchors=make_anchors(ev, as_of),
        age_le_share=age_le,
        female_share=latest_value(ev, "user_gender_share", "female"),
        spend_threshold=threshold,
        spend_le_share=spend_le,
        caution=latest_value(ev, "price_caution_threshold"),
        package_limit=latest_value(ev, "package_size_limit"),
        shared_links=latest_value(ev, "access_share", access.SHARED),
        games_opens=latest_value(ev, "games_daily_opens"),
        games_minutes=latest_value(ev, "games_daily_minutes"),
        games_penetration=latest_value(ev, "category_penetration", "games"),
        uses=ev.uses,
        brings_users=access.brings_users(ev),
        conversion=lognormal_of(a, "reach_to_users_share"),
        needs={o: lognormal_of(a, f"need_daily_users_{o}") for o in OBJECTIVES},
        package_if_unstated=lognormal_of(a, "package_size_if_unstated"),
    )


def category_label(category: str) -> str:
    """Return the readable name of a category."""
    return categories.LABELS[category]
