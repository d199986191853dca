"""What scoring and reasons need besides the draws: figures from the data and the policy."""

from __future__ import annotations

from dataclasses import dataclass

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence, latest_value
from research.model import access, audience, categories, spend
from research.model.factors import Anchors, make_anchors


@dataclass(frozen=True)
class Context:
    """What scoring needs besides the draws: figures from the data and the policy.

    Shares are 0-1; ``age_cut`` is in exact years, prices in RMB, the limit in MB. The
    figures are read from ``datasets/`` so that reasons and titles never type a number.
    """

    ev: Evidence
    a: Assumptions
    anchors: Anchors
    age_cut: float
    age_le_share: float
    female_share: float
    spend_threshold: float
    spend_le_share: float
    caution_price: float
    package_limit_mb: float
    shared_links_share: float
    games_opens: float
    games_minutes: float
    new_users_618: float
    fact_sources: dict


def make_context(ev: Evidence, a: Assumptions, as_of=None) -> Context:
    """Return the scoring context: the DAU anchor and the article figures the reasons quote."""
    anchors = make_anchors(ev, as_of)
    age_le, cut, age_src = audience.age_anchor(ev)
    spend_le, threshold, spend_src = spend.spend_anchor(ev)
    female = latest_value(ev, "user_gender_share", "female")
    shared = latest_value(ev, "access_share", access.SHARED)
    limit = latest_value(ev, "package_size_limit")
    caution = latest_value(ev, "price_caution_threshold")
    new_618 = latest_value(ev, "festival_618_new_users")
    games = categories.games_engagement(ev)
    return Context(
        ev=ev,
        a=a,
        anchors=anchors,
        age_cut=cut,
        age_le_share=age_le,
        female_share=female.value / 100,
        spend_threshold=threshold,
        spend_le_share=spend_le,
        caution_price=caution.value,
        package_limit_mb=limit.value,
        shared_links_share=shared.value / 100,
        games_opens=games["games_daily_opens"][0],
        games_minutes=games["games_daily_minutes"][0],
        new_users_618=new_618.value,
        fact_sources={
            "audience_fit": (female.source_id, age_src),
            "price_fit": (spend_src, caution.source_id),
            "category_fit": (games["games_daily_opens"][1],),
            "channel_coverage": (shared.source_id,),
            "feasibility": (limit.source_id,),
            "objective_fit": (new_618.source_id, games["games_daily_opens"][1]),
        },
    )
