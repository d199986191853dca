"""Exhibits: the data, takeaway title, source line and notes behind every chart of a brand.

One exhibit feeds three outputs, so they always agree: the matplotlib chart (PNG/SVG),
the native PowerPoint chart, and the ``charts`` block of ``scorecard.json``. Titles are
generated from the numbers here, never typed by hand; source lines name the sources and,
separately, the assumptions behind the numbers.

:meth:`Exhibit.to_chart_slide` is the one mapping from an exhibit to its deck slide: the
interval kind, groups, highlight and its label, dividers, and the series the native
chart leaves out (the scorecard's weights), so the deck never rebuilds that by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions
from research.data.consistency import find_conflicts, find_stale_repeats
from research.data.evidence import (
    Evidence,
    dau_timeline,
    latest_value,
)
from research.decide.assessment import Assessment
from research.formats import (
    COUNT,
    SCORE,
    SHARE,
    USERS,
    NumberFormat,
    format_pct,
    format_rmb,
    format_users,
)
from research.model import access, audience, categories, spend
from research.model import distributions as u
from research.present import deck
from research.present.style import make_source_line
from research.present.timeline_chart import timeline_text

SERIES = deck.INTERVAL_SERIES
#: The audience traits as the deck groups them, in order.
TRAIT_GROUPS = {"gender": "Gender", "age": "Age", "tier": "City tier"}


@dataclass(frozen=True)
class Exhibit:
    """One chart's data and words. ``series`` holds (name, values) per series in ``unit``."""

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
    log_scale: bool = False
    #: Group label per category (the deck draws a two-level axis), or empty.
    groups: tuple[str, ...] = ()
    #: What the highlighted categories are, for chart keys and legends.
    highlight_label: str = ""
    #: Series kept in ``scorecard.json`` but not drawn on the deck's native chart.
    hidden_series: tuple[str, ...] = ()
    #: What the values are, with their unit, for the value axis ("share of users").
    axis_label: str = ""
    #: ``(k, label)``: a marked boundary between categories ``k - 1`` and ``k``.
    dividers: tuple[tuple[int, str], ...] = ()

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
            "log_scale": self.log_scale,
        }

    def to_chart_slide(self, image: Path | None = None) -> deck.ChartSlide:
        """Return the deck slide of this exhibit: native from its data, or ``image``."""
        if self.kind == "image":
            if image is None:
                raise ValueError(f"exhibit {self.name!r}: an image slide needs its PNG")
            return deck.ChartSlide(self.title, self.source_line, self.notes, "image", image=image)
        return deck.ChartSlide(
            self.title,
            self.source_line,
            self.notes,
            self.kind,
            categories=self.categories,
            series=tuple(s for s in self.series if s[0] not in self.hidden_series),
            number_format=self.number_format,
            highlight=self.highlight,
            log_scale=self.log_scale,
            groups=self.groups,
            highlight_label=self.highlight_label,
            dividers=self.dividers,
        )


def _source_line(ev: Evidence, sources, assumptions) -> str:
    """Return the chart's source line: its sources, then separately its assumptions."""
    return make_source_line(ev, list(dict.fromkeys(sources)), list(dict.fromkeys(assumptions)))


def _band(rows: pd.DataFrame) -> tuple[tuple[str, tuple[float, ...]], ...]:
    return tuple(
        (name, tuple(float(x) for x in rows[col]))
        for name, col in zip(SERIES, ("p5", "p50", "p95"), strict=True)
    )


def audience_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return users by gender, age band and tier, the brand's target highlighted (0-1)."""
    comp = audience.estimate_composition(ev=ev, a=a, draws=r.draws, seed=r.seed)
    aud = r.profile.audience
    hl = tuple(
        i
        for i, row in enumerate(comp.itertuples())
        if audience.group_in_target(
            row.trait, row.key, aud.gender, aud.age_min, aud.age_max, aud.city_tiers
        )
    )
    crit = r.criterion("audience_fit")
    female = latest_value(ev, "user_gender_share", "female").value / 100
    age_le, cut, _ = audience.age_anchor(ev)
    title = (
        f"The target audience is {format_pct(crit.value)} of Mini Program users; "
        f"{format_pct(female)} of users are female and {format_pct(age_le)} are "
        f"{cut - 1:g} or younger"
    )
    cats = tuple(g[:1].upper() + g[1:] for g in comp["group"])
    return Exhibit(
        "audience",
        title,
        _source_line(ev, crit.sources, crit.assumptions),
        crit.reason,
        "interval_bar",
        cats,
        _band(comp),
        SHARE,
        hl,
        groups=tuple(TRAIT_GROUPS.get(t, t) for t in comp["trait"]),
        highlight_label="the brand's target",
        axis_label="share of Mini Program users",
    )


def spend_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return monthly spend bands (share of users, 0-1) with the brand's price band marked."""
    table = spend.band_table(ev=ev, a=a, draws=r.draws, seed=r.seed)
    price = r.profile.price_rmb
    hl = tuple(
        int(i) for i in np.flatnonzero((table["low_rmb"] <= price) & (price < table["high_rmb"]))
    )
    crit = r.criterion("price_fit")
    caution = spend.caution_price_rmb(ev)
    title = (
        f"{format_pct(crit.value)} of users spend at least {format_rmb(price)} a month; the "
        f"articles caution against direct sales above {format_rmb(caution)}"
    )
    above = np.flatnonzero(table["low_rmb"] >= caution)
    dividers = (
        ((int(above[0]), f"caution above {format_rmb(caution)}"),)
        if len(above) and 0 < above[0] < len(table)
        else ()
    )
    return Exhibit(
        "spend",
        title,
        _source_line(ev, crit.sources, crit.assumptions),
        crit.reason,
        "interval_column",
        tuple(table["band"]),
        _band(table),
        SHARE,
        hl,
        highlight_label=f"band of the brand's price ({format_rmb(price)})",
        axis_label="share of users by monthly spend",
        dividers=dividers,
    )


def categories_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return category penetration (share of users who use it, 0-1), the brand's marked."""
    table = categories.estimate_categories(ev=ev, a=a, draws=r.draws, seed=r.seed)
    pen = table[table["measure"] == "penetration"].reset_index(drop=True)
    eng = categories.games_engagement(ev)
    opens, minutes = eng["games_daily_opens"][0], eng["games_daily_minutes"][0]
    hl = tuple(int(i) for i in np.flatnonzero(pen["category"] == r.profile.category))
    games = float(pen.loc[pen["category"] == "games", "p50"].iloc[0])
    own = float(pen.loc[pen["category"] == r.profile.category, "p50"].iloc[0])
    if r.profile.category == "games":
        title = (
            f"Games are the most popular category: {format_pct(games)} of users play, "
            f"{opens:g} times and {minutes:g} minutes a day"
        )
    else:
        title = (
            f"Games reach {format_pct(games)} of users ({opens:g} opens, {minutes:g} minutes a "
            f"day); {categories.LABELS[r.profile.category].lower()} reaches {format_pct(own)}"
        )
    ins = categories.inputs(ev, a).values()
    srcs = [eng["games_daily_opens"][1], *(x for i in ins for x in i.sources)]
    assumed = [x for i in ins for x in i.assumptions]
    notes = (
        r.criterion("category_fit").reason
        + " Penetration is the share of users who use a category; it need not sum to one."
    )
    return Exhibit(
        "categories",
        title,
        _source_line(ev, srcs, assumed),
        notes,
        "interval_bar",
        tuple(pen["label"]),
        _band(pen),
        SHARE,
        hl,
        highlight_label="the brand's category",
        axis_label="share of users who use the category",
    )


def access_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the share of arrivals by touch-point group (0-1), the brand's groups marked."""
    d = u.draw_inputs(access.inputs(ev, a), r.draws, r.seed)
    shares = access.touchpoint_shares(d, ev, a)
    group = ev.touchpoints.set_index("touchpoint_id")["group"].str.replace("_", " ")
    group_of = {c: str(group.get(c, "")) for c in shares.columns}
    group_of |= {access.SHARED: "shared links", access.OTHER: "unnamed access points"}
    groups = list(dict.fromkeys(group_of.values()))
    rows = pd.DataFrame(
        [
            {
                "group": g,
                **vars(u.summarise(shares[[c for c in shares if group_of[c] == g]].sum(axis=1))),
            }
            for g in groups
        ]
    )
    brand_groups = {group_of[c] for c in r.profile.channels if c in group_of}
    hl = tuple(i for i, g in enumerate(groups) if g in brand_groups)
    crit = r.criterion("channel_coverage")
    shared = float(rows.loc[rows["group"] == "shared links", "p50"].iloc[0])
    title = (
        f"The brand's channels cover {format_pct(crit.value)} of arrivals; shared links alone "
        f"bring {format_pct(shared)}"
    )
    return Exhibit(
        "access",
        title,
        _source_line(ev, crit.sources, crit.assumptions),
        crit.reason,
        "interval_bar",
        tuple(g[:1].upper() + g[1:] for g in groups),
        _band(rows),
        SHARE,
        hl,
        highlight_label="the brand's channels",
        axis_label="share of arrivals",
    )


def funnel_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the market funnel in users a day (p5, median, p95), for a log-scale chart."""
    st = r.funnel
    # Users a day, floored at one user so the log-scale chart can draw it.
    series = tuple(
        (name, tuple(max(getattr(s, k), 1.0) for s in st))
        for name, k in zip(SERIES, ("p5", "p50", "p95"), strict=True)
    )
    last = st[-1]
    title = (
        f"About {format_users(last.p50)} users a day are reachable through the brand's channels "
        f"(90% interval {format_users(last.p5)} to {format_users(last.p95)})"
    )
    srcs = [s["source_id"] for s in r.sources]
    assumed = [x["name"] for x in r.assumptions if not x["name"].startswith("policy")]
    notes = "; ".join(f"{s.label}: {format_users(s.p50)} ({s.basis})" for s in st)
    return Exhibit(
        "funnel",
        title,
        _source_line(ev, srcs, assumed),
        notes,
        "interval_bar",
        tuple(s.label for s in st),
        series,
        USERS,
        highlight=(len(st) - 1,),
        log_scale=True,
        highlight_label="the brand's reachable users",
        axis_label="users a day (log scale)",
    )


def scorecard_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return each criterion's median score against its threshold (0-1)."""
    crits = r.criteria
    failing = [c.label.lower() for c in crits if not c.passed]
    title = f"{len(crits) - len(failing)} of {len(crits)} criteria pass"
    if failing:
        title += (
            "; " + " and ".join(failing) + (" falls short" if len(failing) == 1 else " fall short")
        )
    else:
        title += "; none falls short"
    srcs = [s for c in crits for s in c.sources]
    assumed = [x for c in crits for x in c.assumptions]
    series = (
        ("score", tuple(c.score for c in crits)),
        ("threshold", tuple(c.threshold for c in crits)),
        ("weight", tuple(c.weight for c in crits)),
    )
    return Exhibit(
        "scorecard",
        title,
        _source_line(ev, srcs, assumed),
        " ".join(c.reason for c in crits),
        "bar",
        tuple(c.label for c in crits),
        series,
        SCORE,
        hidden_series=("weight",),
        axis_label="median score (0-1)",
    )


def tornado_exhibit(r: Assessment, ev: Evidence, a: Assumptions, top: int = 8) -> Exhibit:
    """Return the weighted score with each input at its p5 and p95 (tornado data)."""
    rows = r.sensitivity[:top]
    first = rows[0]
    title = (
        f"{first.label} moves the score most: {first.low:.2f} to {first.high:.2f} "
        f"against a bar of {r.bar:.2f}"
    )
    assumed = [s.input for s in rows if s.basis == "assumed"]
    srcs = [s["source_id"] for s in r.sources]
    notes = "; ".join(f"{s.label}: {s.low:.2f} to {s.high:.2f}" for s in rows)
    series = (
        ("score at p5", tuple(s.low for s in rows)),
        ("score at p95", tuple(s.high for s in rows)),
    )
    return Exhibit(
        "tornado",
        title,
        _source_line(ev, srcs, assumed),
        notes,
        "image",
        tuple(s.label for s in rows),
        series,
        SCORE,
    )


def verdict_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the verdict with p_go and the weighted-score distribution against the bar."""
    title = (
        f"{r.verdict}: {format_pct(r.p_go)} of draws clear the bar of {r.bar:.2f} "
        f"(median score {r.score.p50:.2f})"
    )
    srcs = [s["source_id"] for s in r.sources]
    notes = " ".join(r.reasons[:3])
    series = (("score", (r.score.p5, r.score.p50, r.score.p95)),)
    return Exhibit(
        "verdict",
        title,
        _source_line(ev, srcs, ["policy.bar", "policy.verdict"]),
        notes,
        "image",
        ("p5", "median", "p95"),
        series,
        SCORE,
    )


def timeline_exhibit(r: Assessment | None, ev: Evidence, a: Assumptions | None = None) -> Exhibit:
    """Return the DAU and program-count figures over time, stale repeats and conflicts marked."""
    tl = dau_timeline(ev)
    dau = tl[tl["metric"] == "mini_program_dau"]
    stale = find_stale_repeats(ev)
    text = timeline_text(ev)
    notes = (
        f"{len(find_conflicts(ev))} pairs of sources disagree about the same period. "
        "Stale repeats: "
        + "; ".join(
            f"{s.source_id} repeats {s.original_source_id} ({s.value:g})"
            for s in stale.itertuples()
        )
    )
    cats = tuple(f"{row.source_id} {row.as_of:%Y-%m}" for row in dau.itertuples())
    series = (("DAU (million users)", tuple(float(x) for x in dau["value"])),)
    return Exhibit("timeline", text.title, text.source_line, notes, "image", cats, series, COUNT)


BUILDERS = {
    "verdict": verdict_exhibit,
    "scorecard": scorecard_exhibit,
    "funnel": funnel_exhibit,
    "audience": audience_exhibit,
    "spend": spend_exhibit,
    "categories": categories_exhibit,
    "access": access_exhibit,
    "tornado": tornado_exhibit,
    "timeline": timeline_exhibit,
}


def build_exhibits(r: Assessment, ev: Evidence, a: Assumptions) -> dict[str, Exhibit]:
    """Return every exhibit of one assessment, in deck order."""
    return {name: fn(r, ev, a) for name, fn in BUILDERS.items()}
