"""The reasons behind a verdict, in plain words: gates, reach against need, and the evidence.

Every sentence takes its numbers from the draws and ``datasets/`` (never typed by hand) and
carries the source ids and assumption names behind it (:class:`Reason`).
"""

from __future__ import annotations

import numpy as np

from research.data.evidence import Observation
from research.data.profiles import BrandProfile
from research.decide.assessment import Criterion, Gate, Reason
from research.decide.context import Context, category_label
from research.decide.gates import CAPS, LABELS, GateArrays
from research.formats import (
    format_probability,
    format_range,
    format_rmb,
    format_share,
    format_users,
    in_sentence,
)
from research.model.distributions import Interval, summarise
from research.vocab import TIERS


def audience_words(p: BrandProfile) -> str:
    """Return the brand's audience in words, e.g. 'Women aged 18-30 in tier 1-4 cities'."""
    who = {"female": "Women", "male": "Men", "any": "People"}[p.audience.gender]
    tiers = sorted(p.audience.city_tiers)
    if tiers == list(TIERS):
        where = "every city tier"
    elif tiers == list(range(tiers[0], tiers[-1] + 1)) and len(tiers) > 1:
        where = f"tier {tiers[0]}-{tiers[-1]} cities"
    elif len(tiers) == 1:
        where = f"tier {tiers[0]} cities"
    else:  # 'tier 1 and 3 cities', 'tier 1, 3 and 5 cities'
        where = "tier " + ", ".join(str(t) for t in tiers[:-1]) + f" and {tiers[-1]} cities"
    return f"{who} aged {p.audience.age_min}-{p.audience.age_max} in {where}"


def _about(figure: str) -> str:
    """Return 'about 1.6k', or 'fewer than 1' for '<1'."""
    return "fewer than 1" if figure == "<1" else f"about {figure}"


def _iv(i: Interval, fmt) -> str:
    return format_range(i.p5, i.p95, fmt)


def gates(p: BrandProfile, g: GateArrays, ctx: Context, price_share: Interval) -> tuple:
    """Return the brand's :class:`Gate` list, each with the reason it passes or fails."""
    limit = ctx.package_limit
    caution = ctx.caution
    brings = ctx.brings_users
    labels = ctx.ev.touchpoints.set_index("touchpoint_id")["label"]
    tmo = tuple(dict.fromkeys(ctx.ev.touchpoints["source_id"]))
    bringing = [labels[c] for c in p.channels if brings.get(c, False)]
    if not p.channels:
        text = "The brand lists no touch points, so no one can find its Mini Program"
    elif not bringing:
        text = (
            "None of the brand's touch points brings users in: "
            + ", ".join(in_sentence(labels[c]) for c in p.channels)
            + " serve people who already use its Mini Program"
        )
    else:
        more = len(bringing) - 1
        others = {0: "", 1: " and one more of its touch points"}.get(
            more, f" and {more} more of its touch points"
        )
        text = (
            f"Users can reach it through {in_sentence(bringing[0])}{others}, which bring users "
            "to a Mini Program (the articles' discovery and re-engagement touch points)"
        )
    out = [
        Gate(
            "channels",
            LABELS["channels"],
            bool(g.channels[0]),
            float(g.channels[0]),
            CAPS["channels"],
            Reason(text, tmo),
        )
    ]
    p_pkg = float(g.package[0])
    if p.package_size_mb is None:
        text = (
            f"Package size not stated; a typical brand Mini Program fits the {limit.value:g} MB "
            f"limit ({format_probability(p_pkg)} chance, assumed)"
        )
        reason = Reason(text, (limit.source_id,), ("package_size_if_unstated",))
    elif p.package_size_mb <= limit.value:
        reason = Reason(
            f"The package of {p.package_size_mb:g} MB fits the {limit.value:g} MB limit",
            (limit.source_id,),
        )
    else:
        reason = Reason(
            f"The package of {p.package_size_mb:g} MB is over the {limit.value:g} MB limit: the "
            "features must be split over several Mini Programs",
            (limit.source_id,),
        )
    out.append(
        Gate(
            "package", LABELS["package"], p_pkg >= 0.5, p_pkg, CAPS["package"], reason, limit.value
        )
    )
    if p.objective != "sales":
        text = (
            f"The objective is {p.objective}, not sales, so the articles' "
            f"{format_rmb(caution.value)} caution on direct sales does not apply"
        )
    elif p.price_rmb <= caution.value:
        text = (
            f"At {format_rmb(p.price_rmb)} the price is within the "
            f"{format_rmb(caution.value)} above which the articles advise a native app"
        )
    else:
        text = (
            f"At {format_rmb(p.price_rmb)} the price is above the "
            f"{format_rmb(caution.value)} at which the articles advise a native app instead of "
            f"selling in a Mini Program; {format_share(price_share.p50)} of users spend that much "
            "a month in Mini Programs"
        )
    out.append(
        Gate(
            "price",
            LABELS["price"],
            bool(g.price[0]),
            float(g.price[0]),
            CAPS["price"],
            Reason(text, (caution.source_id,)),
            caution.value,
        )
    )
    docs = ctx.documented(p.category, p.objective)
    cat = category_label(p.category).lower()
    if len(docs):
        row = docs.iloc[0]
        text = (
            f"The articles document {cat} Mini Programs used for {p.objective}: '{row['locator']}'"
        )
        reason = Reason(text, tuple(dict.fromkeys(docs["source_id"])))
    else:
        text = (
            f"The articles give no example of a {cat} Mini Program used for {p.objective}: "
            "pilot it before committing"
        )
        reason = Reason(text)
    out.append(Gate("use", LABELS["use"], bool(g.use[0]), float(g.use[0]), CAPS["use"], reason))
    return tuple(out)


def reach_reason(
    reach: Interval,
    users: Interval,
    need,
    conversion: Interval,
    p_reach: float,
    p_go: float,
    sources,
    assumptions,
) -> Reason:
    """Return the reach-against-need sentence (and what the gates take off the chance)."""
    chance = f"{format_probability(p_reach)} chance of clearing the need"
    if format_probability(p_go) != format_probability(p_reach):
        chance += f"; {format_probability(p_go)} with every gate passed"
    text = (
        f"About {format_users(reach.p50)} users a day in its audience and category use the "
        f"kinds of touch points it is on ({_iv(reach, format_users)}); converting {_iv(conversion, format_share)} of them gives "
        f"{_about(format_users(users.p50))} daily users against the {need.figure()} it needs "
        f"({chance})"
    )
    return Reason(text, tuple(sources), tuple(assumptions))


def criteria(p: BrandProfile, f1: dict, ctx: Context, provenance: dict) -> tuple[Criterion, ...]:
    """Return the evidence lines: audience, price, category, channels (from the brand's draws)."""
    s = {
        k: summarise(f1[k])
        for k in (
            "audience_share",
            "core_share",
            "price_share",
            "category_penetration",
            "channel_share",
        )
    }
    female = ctx.female_share.value / 100
    cut = ctx.anchors.age_cut
    rows = []
    text = (
        f"{audience_words(p)} are {format_share(s['audience_share'].p50)} of Mini Program users; "
        f"{format_share(s['core_share'].p50)} of them are in the articles' core segment, women "
        f"{cut - 1:g} or younger ({format_share(female)} of users are female, "
        f"{format_share(ctx.age_le_share)} are {cut - 1:g} or younger)"
    )
    rows.append(
        ("audience_fit", "Audience in the core segment", "core_share", "share of the target", text)
    )
    text = (
        f"{format_share(s['price_share'].p50)} of users spend at least {format_rmb(p.price_rmb)} a "
        f"month in Mini Programs; {format_share(ctx.spend_le_share)} spend "
        f"{format_rmb(ctx.spend_threshold)} or less"
    )
    if p.objective != "sales":
        text = (
            f"The objective is {p.objective}, not sales, so its price of "
            f"{format_rmb(p.price_rmb)} does not limit who it can reach"
        )
    rows.append(("price_fit", "Users who can pay the price", "price_share", "share of users", text))
    games = ctx.games_penetration.value / 100
    if p.category == "games":
        text = (
            f"Games are the most popular category: {format_share(games)} of users play, "
            f"{ctx.games_opens.value:g} times and {ctx.games_minutes.value:g} minutes a day"
        )
    else:
        text = (
            f"{category_label(p.category)} reaches {format_share(s['category_penetration'].p50)} of "
            f"users (assumed); games, the most popular category, reach {format_share(games)}"
        )
    rows.append(
        ("category_fit", "Users of the category", "category_penetration", "share of users", text)
    )
    n = len(p.channels)
    text = (
        (
            f"The brand's {n} touch points reach "
            if n != 1
            else "The brand's one touch point reaches "
        )
        + f"{format_share(s['channel_share'].p50)} of users; shared links alone reach "
        f"{format_share(ctx.shared_links.value / 100)}"
        + ("" if "shared_links" in p.channels else ", and the brand does not use them")
    )
    rows.append(
        ("channel_reach", "Users the channels reach", "channel_share", "share of users", text)
    )
    # the figures a sentence quotes beside the criterion's own inputs are cited too
    quoted = {
        "category_fit": (ctx.games_penetration, ctx.games_opens, ctx.games_minutes)
        if p.category == "games"
        else (ctx.games_penetration,),
        "channel_reach": (ctx.shared_links,),
    }
    out = []
    for name, label, key, unit, text in rows:
        basis, srcs, assumed = provenance[name]
        srcs = tuple(dict.fromkeys((*srcs, *(o.source_id for o in quoted.get(name, ())))))
        iv = s[key]
        out.append(
            Criterion(name, label, iv.p50, iv.p5, iv.p95, unit, basis, Reason(text, srcs, assumed))
        )
    return tuple(out)


def ordered(verdict: str, gates_: tuple[Gate, ...], reach: Reason, crits) -> tuple[Reason, ...]:
    """Return the reasons, most decisive first: failed NO-GO gates, then reach against need
    (or an undocumented use when it is what caps a GO), then the evidence."""
    failed_hard = [g.reason for g in gates_ if not g.passed and g.caps == "NO-GO"]
    use = next(g for g in gates_ if g.name == "use")
    passed = [g.reason for g in gates_ if g.passed and g.name != "use"]
    head = failed_hard + ([use.reason, reach] if not use.passed else [reach, use.reason])
    return tuple(head + [c.reason for c in crits] + passed)


def p_go_event(need: str) -> str:
    """Return the event p_go is the probability of, for a need written ``need`` ('1.6k')."""
    from research.decide.engine import EVENT

    return EVENT.format(need=need)


def newest_figure(ctx: Context) -> Observation:
    """Return the newest figure the verdict uses (the latest ``as_of``)."""
    obs = [
        ctx.anchors.dau,
        ctx.female_share,
        ctx.caution,
        ctx.package_limit,
        ctx.shared_links,
        ctx.games_penetration,
    ]
    return max(obs, key=lambda o: o.as_of)


def evidence_dates(ctx: Context) -> tuple:
    """Return the date of the newest figure the verdict uses: (as_of, is it estimated)."""
    newest = newest_figure(ctx)
    return newest.as_of, bool(newest.as_of_is_estimated)


_ = np  # numpy is used by callers through Interval
