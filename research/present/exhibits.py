"""Exhibits: the data, action title, source line and notes behind every chart of a brand.

Every exhibit is computed from the draws of the brand's one assessment
(:attr:`research.decide.assessment.Assessment.values`), so chart bars, the deck's numbers
and the scorecard agree. One exhibit feeds three outputs: the matplotlib chart (PNG/SVG,
notebooks), the native PowerPoint chart, and the ``charts`` block of ``scorecard.json``.
Titles are full sentences generated from the numbers the chart shows; source lines name
the sources, then the assumptions behind the numbers, in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence
from research.decide.assessment import Assessment
from research.decide.context import make_context
from research.decide.engine import Needs, success
from research.formats import (
    POINTS,
    PROBABILITY,
    SHARE,
    NumberFormat,
    format_date,
    format_points,
    format_probability,
    format_range,
    format_rmb,
    format_share,
    format_users,
)
from research.model import access, audience, categories, dau, spend
from research.model.distributions import Z95, summarise
from research.present import labels
from research.present.deck.spec import INTERVAL_SERIES, ChartSlide
from research.vocab import CATEGORIES

SERIES = INTERVAL_SERIES
#: The audience traits as the charts group them, in order.
TRAIT_GROUPS = {"gender": "Gender", "age": "Age", "tier": "City tier"}
#: Prices shown on the price chart besides the brand's own, RMB a month.
PRICE_POINTS = (50.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0)
#: Inputs shown on the tornado and the research chart, at most.
TOP_INPUTS = 8


@dataclass(frozen=True)
class Exhibit:
    """One chart's data and words. ``series`` holds (name, values) per series."""

    name: str
    title: str
    source_line: str
    notes: str
    #: Deck chart kind: a native kind of :data:`research.present.deck.KINDS` or ``'image'``.
    kind: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    #: How the values are written: Excel code on the native chart, words everywhere else.
    number_format: NumberFormat
    highlight: tuple[int, ...] = ()
    #: Group label per category (a two-level axis), or empty.
    groups: tuple[str, ...] = ()
    #: What the highlighted categories are, for chart keys and legends.
    highlight_label: str = ""
    #: What the values are, with their unit, for the value axis ("share of users").
    axis_label: str = ""
    #: ``(k, label)``: a marked boundary between categories ``k - 1`` and ``k``.
    dividers: tuple[tuple[int, str], ...] = ()
    #: A fixed value axis (probabilities and shares run 0 to 1), or None.
    value_range: tuple[float, float] | None = None
    #: The values are probabilities (written '<1%' and '>99%' at the ends).
    is_probability: bool = False
    #: False when the chart would show nothing (a gate decides, so no input moves the
    #: chance): the title says so and no chart is drawn.
    informative: bool = True

    def series_dict(self) -> dict[str, list[float]]:
        """Return the series as ``{name: values}`` (rounded to 6 digits)."""
        return {k: [round(float(x), 6) for x in v] for k, v in self.series}

    def to_dict(self) -> dict:
        """Return the exhibit as a JSON-safe dict."""
        return {
            "title": self.title,
            "source_line": self.source_line,
            "kind": self.kind,
            "categories": list(self.categories),
            "series": self.series_dict(),
            "number_format": self.number_format.excel,
            "highlight": list(self.highlight),
            "highlight_label": self.highlight_label,
            "groups": list(self.groups),
            "axis_label": self.axis_label,
            "dividers": [list(d) for d in self.dividers],
            "value_range": list(self.value_range) if self.value_range else None,
        }

    def to_chart_slide(self) -> ChartSlide:
        """Return the deck slide of this exhibit, a native chart from its data."""
        return ChartSlide(
            self.title,
            self.source_line,
            self.notes,
            self.kind,
            categories=self.categories,
            series=self.series,
            number_format=self.number_format,
            highlight=self.highlight,
            groups=self.groups,
            highlight_label=self.highlight_label,
            dividers=self.dividers,
            value_range=self.value_range,
            axis_label=self.axis_label,
        )


def _band(draws: list[np.ndarray]) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """Return p5, median and p95 series of a list of 1-D draws."""
    q = np.array([np.quantile(np.asarray(x, float), [0.05, 0.5, 0.95]) for x in draws])
    return tuple((name, tuple(float(v) for v in q[:, i])) for i, name in enumerate(SERIES))


def _basis_note(basis: str) -> str:
    return "" if basis == "sourced" else f" ({basis})"


def _sources_of(inputs) -> tuple[list[str], list[str]]:
    """Return (source ids, assumption names) behind ``inputs``, in order."""
    inputs = list(inputs)
    return (
        [x for i in inputs for x in i.sources],
        [x for i in inputs for x in i.assumptions],
    )


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
    srcs, assumed = _sources_of(audience.inputs(ev, a).values())
    return Exhibit(
        "audience",
        title,
        labels.source_line(
            ev, a, [*fit.reason.sources, *srcs], [*fit.reason.assumptions, *assumed]
        ),
        fit.reason.text,
        "interval_bar",
        tuple(comp["group"]),
        _band(list(comp["draws"])),
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
            f"The Mini Program does not sell, so price does not limit its reach; "
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
        _band(draws),
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
        f"{categories.LABELS[c]}{_basis_note(ins[categories.input_name(c)].basis)}"
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
        _band(list(pen)),
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
    srcs, assumed = _sources_of(ins[access.input_name(t)] for t in shown)
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
            ev, a, [*fit.reason.sources, *srcs], [*fit.reason.assumptions, *assumed]
        ),
        fit.reason.text + ". Each touch point's share is of all users; a user can use several.",
        "interval_bar",
        tuple(names),
        _band(draws),
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
        f"About {format_users(st[-1].p50)} users a day are within the brand's reach (its "
        f"audience and category, on its kinds of touch points), out of "
        f"{format_users(st[0].p50)} Mini Program users a day ({dau_date(r, ev)})"
    )
    srcs = [x for s in st for x in s.sources]
    assumed = [x for s in st for x in s.assumptions]
    notes = "; ".join(
        f"{s.label}: {format_users(s.p50)} a day ({format_users(s.p5)} to "
        f"{format_users(s.p95)}), {s.basis}"
        for s in st
    )
    return Exhibit(
        "funnel",
        title,
        labels.source_line(ev, a, srcs, assumed),
        notes,
        "interval_bar",
        cats,
        _band(steps),
        SHARE,
        (len(cats) - 1,),
        highlight_label="the last step, the brand's touch points",
        axis_label="share of the stage before kept at this step",
        value_range=(0.0, 1.0),
    )


def reach_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the chance (0-1) that the brand wins at least each number of daily users, the
    need highlighted (its bar is the chance of clearing the need)."""
    need = r.need.daily_users
    levels = sorted({need, *(need * k for k in (0.1, 0.3, 3.0, 10.0))})
    reach = np.asarray(r.factors["reach"], float)[None, :]
    conv = make_context(ev, a, r.profile.as_of).conversion
    spread = (np.log(r.need.high) - np.log(r.need.low)) / (2 * Z95)

    def chance(users: float, sigma: float) -> float:
        needs = Needs(np.array([np.log(users)]), np.array([sigma]), np.array([True]))
        return float(success(reach, needs, conv).mean())

    # the need's own bar integrates its uncertainty, as the verdict does
    chances = [chance(x, spread if x == need else 0.0) for x in levels]
    hl = (levels.index(need),)
    chance = chances[hl[0]]
    stated = r.need.basis == "stated"
    # a stated range is named as the brand gave it, not as its median
    is_range = stated and r.need.low != r.need.high
    need_words = format_range(r.need.low, r.need.high, format_users) if is_range else None
    title = (
        f"{format_probability(chance)} chance of winning the "
        f"{need_words or format_users(need)} daily users it needs"
        f"{'' if stated else ' (an assumed need)'}"
    )
    basis = "stated in the brand's profile" if stated else "assumed"
    notes = (
        f"Users the brand can reach a day times the share it converts "
        f"({format_share(r.conversion.p5)} to {format_share(r.conversion.p95)}, assumed); "
        f"the need of {need_words or format_users(need)} daily users is {basis}."
    )
    assumed = ["reach_to_users_share", *([r.need.assumption] if r.need.assumption else [])]
    srcs = [x for s in r.funnel for x in s.sources]
    return Exhibit(
        "reach",
        title,
        labels.source_line(ev, a, srcs, assumed + [x for s in r.funnel for x in s.assumptions]),
        notes,
        "column",
        tuple(need_words if x == need and need_words else f"{format_users(x)}+" for x in levels),
        (("chance", tuple(chances)),),
        PROBABILITY,
        hl,
        highlight_label="the users it needs",
        axis_label="chance of at least this many daily users",
        value_range=(0.0, 1.0),
        is_probability=True,
    )


#: First words of touch-point labels that are names (WeChat's features, other apps): they
#: keep their capital inside a sentence, as acronyms (QR, H5, SDK) do.
NAMES = frozenset(
    {"Discover", "Me", "Mini", "Moments", "Official", "WeChat", "Weixin", "Xiaohongshu"}
)


def in_sentence(label: str) -> str:
    """Return a touch point's label as written inside a sentence: its first letter in lower
    case ('One-on-one or group chat sharing' -> 'one-on-one ...'), unless it begins with a
    name or an acronym ('Moments ads', 'QR codes' stay as they are)."""
    first = label.split(" ", 1)[0]
    if first in NAMES or any(c.isupper() or c.isdigit() for c in first[1:]):
        return label
    return labels.lower_first(label)


def input_label(name: str, label: str, ev: Evidence) -> str:
    """Return an uncertain input's label for a chart row: a touch point named inside it is
    written as inside a sentence ('Users reached through one-on-one or group chat
    sharing')."""
    for t, words in ev.touchpoints.set_index("touchpoint_id")["label"].items():
        if name == access.input_name(str(t)) and not label.startswith(str(words)):
            return label.replace(str(words), in_sentence(str(words)))
    return label


def tornado_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the chance of the GO event (0-1) with each uncertain input at its low and at
    its high end, the others as drawn: the inputs that move it most first."""
    rows = r.sensitivity[:TOP_INPUTS]
    names = [input_label(s.input, s.label, ev) for s in rows]
    first = rows[0]
    if first.swing < 0.005:
        title = "No uncertain input moves the answer: " + labels.decided_by(r)
    else:
        title = (
            f"{labels.the(names[0], start=True)} moves the chance most: from "
            f"{format_probability(first.p_go_low)} to {format_probability(first.p_go_high)} "
            "across its range"
        )
    assumed = [x for s in rows for x in labels.assumption_names(s.input, r, a)]
    srcs = [s["source_id"] for s in r.sources]
    return Exhibit(
        "tornado",
        title,
        labels.source_line(ev, a, srcs, assumed),
        "; ".join(
            f"{n}: {format_probability(s.p_go_low)} to {format_probability(s.p_go_high)}"
            for n, s in zip(names, rows, strict=True)
        ),
        "bar",
        tuple(names),
        (
            ("at its low end", tuple(s.p_go_low for s in rows)),
            ("at its high end", tuple(s.p_go_high for s in rows)),
        ),
        PROBABILITY,
        axis_label="chance that it wins the users it needs and passes every gate",
        value_range=(0.0, 1.0),
        is_probability=True,
        informative=first.swing >= 0.005,
    )


def research_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return how far knowing each input first would cut the chance of a wrong call, in
    percentage points (0-100), as the title says it."""
    rows = [x for x in r.research_first if x.value_of_information >= 0.0005][:5]
    rows = rows if len(rows) >= 3 else list(r.research_first[:3])
    names = [input_label(s.input, s.label, ev) for s in rows]
    top = rows[0]
    if top.value_of_information < 0.0005:
        title = "Nothing left to research before deciding: " + labels.decided_by(r)
    else:
        title = (
            f"Pin down {labels.the(names[0])} first: knowing it would cut the chance of "
            f"a wrong call by {format_points(top.value_of_information)}"
            if top.value_of_information >= 0.005
            else f"Pin down {labels.the(names[0])} first: little else could change the answer"
        )
    assumed = [x for s in rows for x in labels.assumption_names(s.input, r, a)]
    return Exhibit(
        "research",
        title,
        labels.source_line(ev, a, [s["source_id"] for s in r.sources], assumed),
        "Expected drop in the chance of a wrong call if the input were known before deciding "
        "(expected value of partial perfect information, from the assessment's own draws).",
        "bar",
        tuple(names),
        (
            (
                "drop in the chance of a wrong call",
                tuple(100 * s.value_of_information for s in rows),
            ),
        ),
        POINTS,
        (0,) if top.value_of_information >= 0.0005 else (),
        highlight_label="research first" if top.value_of_information >= 0.0005 else "",
        axis_label="drop in the chance of a wrong call, percentage points",
        informative=top.value_of_information >= 0.0005,
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
