"""Plain-language reasons: one sentence per criterion, with its numbers and sources."""

from __future__ import annotations

import numpy as np

from research.data.profiles import BrandProfile
from research.decide.context import Context
from research.model import access, categories
from research.vocab import TIERS

LABELS = {
    "audience_fit": "Audience fit",
    "price_fit": "Price fit",
    "category_fit": "Category fit",
    "channel_coverage": "Channel coverage",
    "feasibility": "Feasibility ({limit:g} MB limit)",
    "objective_fit": "Objective fit",
}

_OBJECTIVE_WHY = {
    "sales": "closed-loop checkout and impulse buying work ({new_618:g}M new users during the "
    "618 festival), for small purchases",
    "engagement": "games and gamification engage most ({opens:g} opens and {minutes:g} minutes "
    "a day)",
    "loyalty": "luxury brands run membership and loyalty programmes in Mini Programs",
    "service": "Mini Programs are interactive, suiting personalised customer service",
}


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _audience_text(p: BrandProfile) -> str:
    who = {"female": "Women", "male": "Men", "any": "People"}[p.audience.gender]
    tiers = sorted(p.audience.city_tiers)
    tier_text = (
        "all city tiers"
        if tiers == list(TIERS)
        else ("tier " + ", ".join(str(t) for t in tiers) + " cities")
    )
    return f"{who} aged {p.audience.age_min}-{p.audience.age_max} in {tier_text}"


def strip_sources(reason: str) -> str:
    """Return a reason sentence without its bracketed ``[Sources: ...]`` tail."""
    return reason.split(" [")[0]


def reason(name: str, p: BrandProfile, f: dict, sc: np.ndarray, ctx: Context, cite_: str) -> str:
    """Return the plain-language reason for one criterion, with its numbers and sources."""

    def med(x) -> str:
        return _pct(float(np.median(x)))

    def iv(x) -> str:
        return f"90% interval {_pct(np.quantile(x, 0.05))}-{_pct(np.quantile(x, 0.95))}"

    limit = ctx.package_limit_mb
    if name == "audience_fit":
        text = (
            f"{_audience_text(p)} are {med(f['audience_share'])} of Mini Program users "
            f"({iv(f['audience_share'])}); the core audience the articles name is young women: "
            f"{_pct(ctx.female_share)} of users are female and {_pct(ctx.age_le_share)} are "
            f"{ctx.age_cut - 1:g} or younger"
        )
    elif name == "price_fit":
        text = (
            f"At {p.price_rmb:,.0f} RMB a month, {med(f['price_share'])} of users spend at least "
            f"the price ({iv(f['price_share'])}); {_pct(ctx.spend_le_share)} spend "
            f"{ctx.spend_threshold:,.0f} RMB or less and the articles caution against direct "
            f"sales above {ctx.caution_price:,.0f} RMB"
        )
        if p.objective != "sales":
            text += f"; price weighs little for a {p.objective} objective"
    elif name == "category_fit" and p.category == "games":
        text = (
            f"Games are the most popular category: {med(f['games_penetration'])} of users play, "
            f"{ctx.games_opens:g} times and {ctx.games_minutes:g} minutes a day"
        )
    elif name == "category_fit":
        text = (
            f"{categories.LABELS[p.category]} reaches {med(f['category_penetration'])} of users "
            f"against {med(f['games_penetration'])} for games, the most popular category"
        )
    elif name == "channel_coverage":
        n = len(p.channels)
        text = (
            f"The brand's {n} channel{'s' if n != 1 else ''} cover {med(f['coverage'])} of "
            f"arrivals ({iv(f['coverage'])}); shared links alone bring "
            f"{_pct(ctx.shared_links_share)}"
        )
        if access.SHARED not in p.channels:
            text += ", and the brand does not use them"
    elif name == "feasibility" and p.package_size_mb is None:
        fits = _pct(float(np.mean(f["package_mb"] <= limit)))
        text = (
            f"Package size not stated; a typical brand Mini Program fits the {limit:g} MB limit "
            f"({fits} of draws)"
        )
    elif name == "feasibility" and p.package_size_mb <= limit:
        text = f"A {p.package_size_mb:g} MB package fits the {limit:g} MB limit"
    elif name == "feasibility":
        text = (
            f"A {p.package_size_mb:g} MB package exceeds the {limit:g} MB limit: the features "
            f"must be split over several Mini Programs"
        )
    else:
        why = _OBJECTIVE_WHY[p.objective].format(
            new_618=ctx.new_users_618, opens=ctx.games_opens, minutes=ctx.games_minutes
        )
        text = f"For {p.objective}, {why}"
    return f"{text}. Score {float(np.median(sc)):.2f}. [{cite_}]"
