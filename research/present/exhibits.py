"""Exhibits: every chart of a brand, and the market's (audience, price, category, channels,
funnel); the decision's are in :mod:`research.present.decision_exhibits`.

Every exhibit is computed from the draws of the brand's one assessment
(:attr:`research.decide.assessment.Assessment.values`), so chart bars, the deck's numbers
and the scorecard agree. One exhibit feeds three outputs: the matplotlib chart (PNG/SVG,
notebooks), the native PowerPoint chart, and the ``charts`` block of ``scorecard.json``.
Titles are full sentences generated from the numbers the chart shows; source lines name
the sources, then the assumptions behind the numbers, in words.
"""

from __future__ import annotations

import numpy as np

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence
from research.decide.assessment import Assessment
from research.formats import (
    SHARE,
    format_date,
    format_rmb,
    format_share,
    format_users,
)
from research.model import access, audience, categories, dau, spend
from research.model.distributions import summarise
from research.present import labels
from research.present.decision_exhibits import reach_exhibit, research_exhibit, tornado_exhibit
from research.present.exhibit import Exhibit, band, basis_note, sources_of
from research.vocab import CATEGORIES

#: The audience traits as the charts group them, in order.
TRAIT_GROUPS = {"gender": "Gender", "age": "Age", "tier": "City tier"}
#: Prices shown on the price chart besides the brand's own, RMB a month.
PRICE_POINTS = (50.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0)


def band_in_target(band: tuple[int, int], age_min: int, age_max: int) -> bool:
    """Return whether at least half of the whole-year ages of ``band`` (low, high, inclusive)
    lie in the target's ``age_min`` to ``age_max``: a band the target only grazes is not
    the brand's."""
    lo, hi = band
    inside = max(0, min(hi, age_max) - max(lo, age_min) + 1)
    return 2 * inside >= hi - lo + 1


def _in_target(trait: str, key, aud) -> bool:
    if trait == "age":
        return band_in_target(key, aud.age_min, aud.age_max)
    return audience.group_in_target(
        trait, key, aud.gender, aud.age_min, aud.age_max, aud.city_tiers
    )


def audience_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return users by gender, age band and tier (0-1), the groups of the target highlighted
    (an age band when at least half of its ages are the target's)."""
    comp = audience.composition(r.values, audience.age_anchor(ev)[1])
    aud = r.profile.audience
    hl = tuple(i for i, row in enumerate(comp.itertuples()) if _in_target(row.trait, row.key, aud))
    fit = r.criterion("audience_fit")
    share = summarise(r.factors["audience_share"]).p50
    who = labels.audience_words(r.profile)
    title = (
        f"{who} are {format_share(share)} of Mini Program users; "
        f"{format_share(fit.value)} of them are in the articles' core segment of young women"
    )
    # the bars show every trait (gender, age, city tier): cite the figures behind each
    srcs, assumed = sources_of(audience.inputs(ev, a).values())
    return Exhibit(
        "audience",
        title,
        labels.source_line(
            ev, a, [*fit.reason.sources, *srcs], [*fit.reason.assumptions, *assumed]
        ),
        fit.reason.text,
        "interval_bar",
        tuple(comp["group"]),
        band(list(comp["draws"])),
        SHARE,
        hl,
        groups=tuple(TRAIT_GROUPS[t] for t in comp["trait"]),
        highlight_label="the brand's target",
        axis_label="share of Mini Program users",
        value_range=(0.0, 1.0),
    )


def price_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the share of users spending at least each price a month (0-1), the brand's
    price highlighted and the articles' caution point marked."""
    _, threshold, _ = spend.spend_anchor(ev)
    caution = spend.caution_price_rmb(ev)
    price = r.profile.price_rmb
    points = sorted({*PRICE_POINTS, float(price)} - {0.0})
    v = r.values
    draws = [
        spend.share_at_least(p, v["spend_le_share"], v["spend_log_spread"], threshold)
        for p in points
    ]
    hl = tuple(i for i, p in enumerate(points) if p == price)
    after = [i for i, p in enumerate(points) if p > caution]
    dividers = ((after[0], f"caution above {format_rmb(caution)}"),) if after and after[0] else ()
    fit = r.criterion("price_fit")
    at_price = float(np.median(draws[hl[0]])) if hl else 1.0
    if r.profile.objective == "sales":
        title = (
            f"{format_share(at_price)} of users spend at least {format_rmb(price)} a month in "
            f"Mini Programs; the articles caution against selling above {format_rmb(caution)}"
        )
    else:
        title = (
            f"The objective is not sales, so price does not limit its reach; "
            f"{format_share(at_price)} of users spend at least {format_rmb(price)} a month in "
            "Mini Programs"
        )
    return Exhibit(
        "price",
        title,
        labels.source_line(ev, a, fit.reason.sources, fit.reason.assumptions),
        fit.reason.text,
        "interval_column",
        tuple(f"{p:,.0f}+" for p in points),
        band(draws),
        SHARE,
        hl,
        highlight_label=f"the brand's price ({format_rmb(price)})" if hl else "",
        axis_label="share of users spending at least this many RMB a month",
        dividers=dividers,
        value_range=(0.0, 1.0),
    )


def categories_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the share of users who use each category (0-1), the brand's highlighted."""
    ins = categories.inputs(ev, a)
    pen = categories.penetration_matrix(r.values)
    cats = tuple(
        f"{categories.LABELS[c]}{basis_note(ins[categories.input_name(c)].basis)}"
        for c in CATEGORIES
    )
    hl = (CATEGORIES.index(r.profile.category),)
    fit = r.criterion("category_fit")
    own = summarise(pen[hl[0]]).p50
    games = summarise(pen[CATEGORIES.index("games")]).p50
    label = categories.LABELS[r.profile.category]
    if r.profile.category == "games":
        title = f"Games are the most popular category: {format_share(games)} of users play"
    else:
        title = (
            f"{label} Mini Programs reach about {format_share(own)} of users (assumed); "
            f"games, the most popular, reach {format_share(games)}"
        )
    srcs = [s for i in ins.values() for s in i.sources]
    assumed = [x for i in ins.values() for x in i.assumptions]
    return Exhibit(
        "categories",
        title,
        labels.source_line(ev, a, srcs, assumed),
        fit.reason.text + ". A user can use several categories, so the bars need not add up.",
        "interval_bar",
        cats,
        band(list(pen)),
        SHARE,
        hl,
        highlight_label="the brand's category",
        axis_label="share of users who use the category",
        value_range=(0.0, 1.0),
    )


def channels_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the share of users each of the brand's touch points reaches and all of them
    together (0-1), the brand's bars highlighted; shared links shown (not highlighted) even
    when the brand does not use them."""
    tp = ev.touchpoints.set_index("touchpoint_id")
    shown = list(r.profile.channels)
    if access.SHARED not in shown:
        shown = [access.SHARED, *shown]
    draws = [np.asarray(r.values[access.input_name(t)], float) for t in shown]
    names = [
        str(tp.at[t, "label"]) + ("" if t in r.profile.channels else " (not used)") for t in shown
    ]
    fit = r.criterion("channel_reach")
    hl = tuple(i for i, t in enumerate(shown) if t in r.profile.channels)
    if r.profile.channels:
        names.append("All the brand's touch points")
        draws.append(np.asarray(r.factors["channel_share"], float))
        hl = (*hl, len(names) - 1)
    # every bar's figure is cited, the shared-links bar too when the brand does not use it
    ins = access.inputs(ev, a)
    srcs, assumed = sources_of(ins[access.input_name(t)] for t in shown)
    shared = summarise(draws[shown.index(access.SHARED)]).p50
    n = len(r.profile.channels)
    if not n:
        title = "The brand lists no touch points, so no one can reach its Mini Program"
    elif access.SHARED in r.profile.channels:
        title = (
            f"The brand's {n} touch points reach "
            if n != 1
            else "The brand's one touch point reaches "
        ) + f"{format_share(fit.value)} of users; shared links alone reach {format_share(shared)}"
    else:
        title = (
            (
                f"The brand's {n} touch points reach "
                if n != 1
                else "The brand's one touch point reaches "
            )
            + f"{format_share(fit.value)} of users; shared links, which it does not use, "
            f"reach {format_share(shared)}"
        )
    return Exhibit(
        "channels",
        title,
        labels.source_line(
            ev,
            a,
            # the figures, then the taxonomy that names each touch point shown
            [*fit.reason.sources, *srcs, *(str(tp.at[t, "source_id"]) for t in shown)],
            [*fit.reason.assumptions, *assumed],
        ),
        fit.reason.text + ". Each touch point's share is of all users; a user can use several.",
        "interval_bar",
        tuple(names),
        band(draws),
        SHARE,
        hl,
        highlight_label="the brand's touch points" if hl else "",
        axis_label="share of users reached",
        value_range=(0.0, 1.0),
    )


def dau_date(r: Assessment, ev: Evidence) -> str:
    """Return when the daily-user figure the funnel starts from holds, in words: the quoted
    figure's date (``'c. Jul 2019'``), or the date it is projected to from it."""
    obs, when, years = dau.dau_anchor(ev, r.profile.as_of)
    quoted = format_date(obs.as_of, estimated=obs.as_of_is_estimated)
    return quoted if years <= 0 else f"projected to {format_date(when)} from {quoted}"


def funnel_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the share of the previous stage each funnel step keeps (0-1), each category
    naming the users a day the stage leaves (median)."""
    st = r.funnel
    f = r.factors
    steps = [
        np.asarray(f["audience_share"], float),
        np.asarray(f["price_share"], float),
        np.asarray(f["category_penetration"], float),
        np.asarray(f["channel_share"], float),
    ]
    cats = tuple(f"{s.label[:1].upper()}{s.label[1:]}: {format_users(s.p50)}" for s in st[1:])
    title = (
        f"About {format_users(st[-1].p50)} users a day are within the brand's reach, "
        f"out of {format_users(st[0].p50)} Mini Program users a day ({dau_date(r, ev)})"
    )
    srcs = [x for s in st for x in s.sources]
    assumed = [x for s in st for x in s.assumptions]
    notes = "; ".join(
        f"{s.label}: {format_users(s.p50)} a day ({format_users(s.p5)} to "
        f"{format_users(s.p95)}), {labels.basis_words(s.basis)}"
        for s in st
    )
    return Exhibit(
        "funnel",
        title,
        labels.source_line(ev, a, srcs, assumed),
        notes,
        "interval_bar",
        cats,
        band(steps),
        SHARE,
        (len(cats) - 1,),
        highlight_label="the last step, the brand's touch points",
        axis_label="share of the stage before kept at this step",
        value_range=(0.0, 1.0),
    )


#: The question slides, in storyline order, then the appendix charts.
QUESTIONS = {
    "audience": audience_exhibit,
    "price": price_exhibit,
    "categories": categories_exhibit,
    "channels": channels_exhibit,
    "funnel": funnel_exhibit,
    "reach": reach_exhibit,
}
APPENDIX = {"tornado": tornado_exhibit, "research": research_exhibit}


def build_exhibits(r: Assessment, ev: Evidence, a: Assumptions) -> dict[str, Exhibit]:
    """Return every exhibit of one assessment: the questions, then the appendix charts."""
    return {name: fn(r, ev, a) for name, fn in {**QUESTIONS, **APPENDIX}.items()}
