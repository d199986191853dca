"""Categories: the four groups of Mini Programs and the share of users who use each.

Penetration is the share of users who use a category (0-1 each); users use several, so
penetrations need not sum to one. Games: 42% (sourced); the other three are assumptions,
each below games because the article calls games the most popular category.
"""

from __future__ import annotations

import numpy as np

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence, latest_value
from research.model import distributions as u
from research.vocab import CATEGORIES, Category

LABELS = {
    Category.ECOMMERCE: "E-commerce",
    Category.GAMES: "Games",
    Category.NEWS: "News and information",
    Category.UTILITY: "Utility",
}


def input_name(category: str) -> str:
    """Return the name of the input holding the penetration of ``category``."""
    return f"penetration_{category.replace('-', '')}"


def inputs(ev: Evidence, a: Assumptions) -> dict[str, u.Input]:
    """Return the penetration inputs of the four categories (share of users, 0-1)."""
    games = latest_value(ev, "category_penetration", "games")
    out = {}
    for cat in CATEGORIES:
        name = input_name(cat)
        label = f"Users who use {LABELS[cat].lower()} Mini Programs"
        if cat == Category.GAMES:
            node = u.TrustedShare(games.value / 100, u.assumed(a, "trust_survey_n"))
            out[name] = u.Input(
                name, label, node, "sourced", (games.source_id,), ("trust_survey_n",)
            )
        else:
            out[name] = u.Input(name, label, u.assumed(a, name), "assumed", (), (name,))
    return out


def penetration_matrix(v) -> np.ndarray:
    """Return the (4, n) penetration of each category (rows in :data:`CATEGORIES` order)."""
    return np.stack([np.asarray(v[input_name(c)]) for c in CATEGORIES])


def games_engagement(ev: Evidence) -> dict[str, tuple[float, str]]:
    """Return the games figures: {metric: (value, source_id)} (times and minutes a day)."""
    out = {}
    for metric in ("games_daily_opens", "games_daily_minutes"):
        obs = latest_value(ev, metric)
        out[metric] = (obs.value, obs.source_id)
    return out
