"""Categories: the four groups of Mini Programs, their penetration and the games figures.

Two different quantities, never forced into each other silently:

* **penetration** - the share of users who use a category (0-1 each). Users use several
  categories, so penetrations need not sum to one. Games: 42% (sourced); the other three
  are assumptions, each below games because the article calls games the most popular.
* **mix** - a split that sums to one. It is derived from penetration only under the stated
  assumption ``category_mix_from_penetration`` (equal use per user across categories).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions, resolve
from research.data.evidence import Evidence, latest_value
from research.model import distributions as u
from research.vocab import CATEGORIES

LABELS = {
    "e-commerce": "E-commerce",
    "games": "Games",
    "news": "News and information",
    "utility": "Utility",
}
_ASSUMED = {
    "e-commerce": "penetration_ecommerce",
    "news": "penetration_news",
    "utility": "penetration_utility",
}


def input_name(category: str) -> str:
    """Return the name of the input holding the penetration of ``category``."""
    return f"penetration_{category.replace('-', '')}"


def inputs(ev: Evidence, a: Assumptions) -> dict[str, u.Input]:
    """Return the penetration inputs of the four categories (share of users, 0-1)."""
    games = latest_value(ev, "category_penetration", "games")
    out = {
        input_name("games"): u.Input(
            input_name("games"),
            "Users who play games",
            u.TrustedShare(games.value / 100, a.node("trust_survey_n")),
            "sourced",
            (games.source_id,),
            ("trust_survey_n",),
        )
    }
    for cat, name in _ASSUMED.items():
        out[input_name(cat)] = u.Input(
            input_name(cat),
            f"Users who use {LABELS[cat].lower()}",
            a.node(name),
            "assumed",
            (),
            (name,),
        )
    return out


def penetration(draws: u.Draws, category: str) -> np.ndarray:
    """Return draws of the share of users who use ``category`` (0-1)."""
    return draws[input_name(category)]


def mix(draws: u.Draws) -> np.ndarray:
    """Return the (n, 4) category mix (rows sum to one), from penetration.

    Uses the stated assumption ``category_mix_from_penetration``.
    """
    pen = np.column_stack([penetration(draws, c) for c in CATEGORIES])
    return pen / pen.sum(axis=1, keepdims=True)


def games_engagement(ev: Evidence) -> dict[str, tuple[float, str]]:
    """Return the games engagement figures: {metric: (value, source_id)} (times and minutes a day)."""
    out = {}
    for metric in ("games_daily_opens", "games_daily_minutes"):
        obs = latest_value(ev, metric)
        out[metric] = (obs.value, obs.source_id)
    return out


def estimate_categories(
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = 4096,
    seed: int = 0,
    method: str = "qmc",
) -> pd.DataFrame:
    """Return penetration and mix of each category with p5/p50/p95 (0-1).

    Columns: category, label, measure (``penetration`` or ``mix``), p5, p50, p95, basis.
    """
    ev, a = resolve(ev, a)
    ins = inputs(ev, a)
    d = u.draw_inputs(ins, draws, seed, method)
    m = mix(d)
    rows = []
    for j, cat in enumerate(CATEGORIES):
        basis = ins[input_name(cat)].basis
        for measure, x in (("penetration", penetration(d, cat)), ("mix", m[:, j])):
            s = u.summarise(x)
            rows.append(
                {
                    "category": cat,
                    "label": LABELS[cat],
                    "measure": measure,
                    "p5": s.p5,
                    "p50": s.p50,
                    "p95": s.p95,
                    "basis": basis if measure == "penetration" else "assumed",
                }
            )
    return pd.DataFrame(rows)
