"""Exhibits: the data, takeaway title, source line and notes behind every chart of a brand.

One exhibit feeds three outputs, so they always agree: the matplotlib chart (PNG/SVG),
the native PowerPoint chart, and the ``charts`` block of ``scorecard.json``. Titles are
generated from the numbers here, never typed by hand; source lines name the sources and,
separately, the assumptions behind the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research import access, audience, categories, spend
from research import uncertainty as u
from research.assumptions import CRITERIA, Assumptions
from research.decision import LABELS, Assessment
from research.evidence import Evidence, cite, find_conflicts, find_stale_repeats
from research.market import dau_timeline

SERIES = ("p5", "median", "p95")


@dataclass(frozen=True)
class Exhibit:
    """One chart's data and words. ``series`` holds (name, values) per series in ``unit``."""

    name: str
    title: str
    source_line: str
    notes: str
    kind: str  # native chart kind for the deck: 'bar', 'column' or 'image'
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    number_format: str
    highlight: tuple[int, ...] = ()

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
            "number_format": self.number_format,
            "highlight": list(self.highlight),
        }


def source_line(ev: Evidence, sources, assumptions) -> str:
    """Return 'Sources: ... Assumed: ...' naming sources and, separately, assumptions."""
    srcs = [s for s in dict.fromkeys(sources) if s in set(ev.sources["source_id"])]
    text = "Sources: " + (cite(ev, srcs) if srcs else "none") + "."
    assumed = list(dict.fromkeys(assumptions))
    return text + " Assumed: " + (", ".join(assumed) if assumed else "none") + "."


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _band(rows: pd.DataFrame) -> tuple[tuple[str, tuple[float, ...]], ...]:
    return tuple(
        (name, tuple(float(x) for x in rows[col]))
        for name, col in zip(SERIES, ("p5", "p50", "p95"), strict=True)
    )


def _draws(ev, a, seed, n, ins):
    return u.draw(u.nodes_of(ins), n, np.random.default_rng(seed), "qmc")


def audience_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return users by gender, age band and tier, the brand's target highlighted (0-1)."""
    comp = audience.estimate_composition(ev=ev, a=a, draws=r.draws, seed=r.seed)
    p = r.profile
    cats, hl = [], []
    for i, row in comp.iterrows():
        label = f"{row['trait']}: {row['group']}"
        cats.append(label)
        g = row["group"]
        if row["trait"] == "gender":
            hit = p.audience.gender in ("any", g)
        elif row["trait"] == "age":
            lo, hi = audience.AGE_BANDS[int(i) - 2]
            hit = not (hi < p.audience.age_min or lo > p.audience.age_max)
        else:
            tier = 5 if "5" in g else int(g.split()[-1])
            hit = tier in p.audience.city_tiers
        if hit:
            hl.append(len(cats) - 1)
    crit = next(c for c in r.criteria if c.name == "audience_fit")
    title = (
        f"The target audience is {_reason_number(crit.reason)} of Mini Program users; "
        f"71% of users are female and 60% are 30 or younger"
    )
    return Exhibit(
        "audience",
        title,
        source_line(ev, crit.sources, crit.assumptions),
        crit.reason,
        "bar",
        tuple(cats),
        _band(comp),
        "0%",
        tuple(hl),
    )


def _reason_number(reason: str) -> str:
    """Return the first percentage in a reason sentence (the headline number)."""
    for tok in reason.replace("(", " ").split():
        if tok.endswith("%") and tok[:-1].replace(".", "").isdigit():
            return tok
    return "n/a"


def spend_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return monthly spend bands (share of users, 0-1) with the brand's price band marked."""
    table = spend.band_table(ev=ev, a=a, draws=r.draws, seed=r.seed)
    price = r.profile.price_rmb
    hl = tuple(
        int(i) for i in np.flatnonzero((table["low_rmb"] <= price) & (price < table["high_rmb"]))
    )
    crit = next(c for c in r.criteria if c.name == "price_fit")
    caution = spend.caution_price_rmb(ev)
    title = (
        f"{_pct(crit.score)} of users spend at least {price:,.0f} RMB a month; the "
        f"articles caution against direct sales above {caution:,.0f} RMB"
    )
    return Exhibit(
        "spend",
        title,
        source_line(ev, crit.sources, crit.assumptions),
        crit.reason,
        "column",
        tuple(table["band"]),
        _band(table),
        "0%",
        hl,
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
    title = (
        f"Games reach {_pct(games)} of users ({opens:g} opens, {minutes:g} minutes a day); "
        f"{categories.LABELS[r.profile.category].lower()} reaches {_pct(own)}"
    )
    if r.profile.category == "games":
        title = (
            f"Games are the most popular category: {_pct(games)} of users play, "
            f"{opens:g} times and {minutes:g} minutes a day"
        )
    srcs = [eng["games_daily_opens"][1]]
    assumed = [
        a_
        for a_ in (
            "penetration_ecommerce",
            "penetration_news",
            "penetration_utility",
            "trust_survey_n",
        )
    ]
    notes = (
        next(c for c in r.criteria if c.name == "category_fit").reason
        + " Penetration is the share of users who use a category; it need not sum to one."
    )
    return Exhibit(
        "categories",
        title,
        source_line(ev, srcs, assumed),
        notes,
        "bar",
        tuple(pen["label"]),
        _band(pen),
        "0%",
        hl,
    )


def access_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the share of arrivals by touch-point group (0-1), the brand's groups marked."""
    ins = access.inputs(ev, a)
    d = _draws(ev, a, r.seed, r.draws, ins)
    shares = access.touchpoint_shares(d, ev, a)
    tp = ev.touchpoints.set_index("touchpoint_id")
    group_of = {
        c: (
            "shared links"
            if c == access.SHARED
            else "unnamed access points"
            if c == access.OTHER
            else str(tp.at[c, "group"]).replace("_", " ")
        )
        for c in shares.columns
    }
    groups = list(dict.fromkeys(group_of.values()))
    sums = {
        g: shares[[c for c in shares.columns if group_of[c] == g]].sum(axis=1).to_numpy()
        for g in groups
    }
    rows = pd.DataFrame([{"group": g, **vars(u.summarise(x))} for g, x in sums.items()])
    brand_groups = {group_of[c] for c in r.profile.channels if c in group_of}
    hl = tuple(i for i, g in enumerate(groups) if g in brand_groups)
    crit = next(c for c in r.criteria if c.name == "channel_coverage")
    title = (
        f"The brand's channels cover {_reason_number(crit.reason)} of arrivals; shared "
        f"links alone bring {_pct(float(rows.loc[rows['group'] == 'shared links', 'p50'].iloc[0]))}"
    )
    return Exhibit(
        "access",
        title,
        source_line(ev, crit.sources, crit.assumptions),
        crit.reason,
        "bar",
        tuple(groups),
        _band(rows),
        "0%",
        hl,
    )


def _users(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:,.1f}M"
    if x >= 1e3:
        return f"{x / 1e3:,.0f}k"
    return f"{x:,.0f}"


def funnel_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the market funnel, users a day in millions (p5, median, p95)."""
    labels = {
        "dau": "Mini Program users a day",
        "audience": "in the target audience",
        "price": "spend at least the price",
        "category": "use the category",
        "reach": "reachable through the channels",
    }
    st = r.funnel
    series = tuple(
        (name, tuple(getattr(s, k) / 1e6 for s in st))
        for name, k in zip(SERIES, ("p5", "p50", "p95"), strict=True)
    )
    last = st[-1]
    title = (
        f"About {_users(last.p50)} users a day are reachable through the brand's channels "
        f"(90% interval {_users(last.p5)} to {_users(last.p95)})"
    )
    srcs = [s["source_id"] for s in r.sources]
    assumed = [x["name"] for x in r.assumptions if not x["name"].startswith("policy")]
    notes = "; ".join(f"{labels[s.stage]}: {_users(s.p50)} ({s.basis})" for s in st)
    return Exhibit(
        "funnel",
        title,
        source_line(ev, srcs, assumed),
        notes,
        "bar",
        tuple(labels[s.stage] for s in st),
        series,
        "#,##0.00",
    )


def scorecard_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return each criterion's median score against its threshold (0-1)."""
    crits = r.criteria
    passed = [c for c in crits if c.passed]
    failing = [c.label.lower() for c in crits if not c.passed]
    title = f"{len(passed)} of {len(crits)} criteria pass"
    title += ("; " + " and ".join(failing) + " fall short") if failing else "; none falls short"
    srcs = [s for c in crits for s in c.sources]
    assumed = [x for c in crits for x in c.assumptions]
    notes = " ".join(c.reason for c in crits)
    series = (
        ("score", tuple(c.score for c in crits)),
        ("threshold", tuple(c.threshold for c in crits)),
        ("weight", tuple(c.weight for c in crits)),
    )
    return Exhibit(
        "scorecard",
        title,
        source_line(ev, srcs, assumed),
        notes,
        "bar",
        tuple(LABELS[c] for c in CRITERIA),
        series,
        "0.00",
    )


def tornado_exhibit(r: Assessment, ev: Evidence, a: Assumptions, top: int = 8) -> Exhibit:
    """Return the weighted score with each input at its p5 and p95 (tornado data)."""
    rows = r.sensitivity[:top]
    first = rows[0]
    title = (
        f"{first.label} moves the score most: {first.low:.2f} to {first.high:.2f} "
        f"against a bar of {r.assumptions_policy_bar:.2f}"
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
        source_line(ev, srcs, assumed),
        notes,
        "image",
        tuple(s.label for s in rows),
        series,
        "0.00",
    )


def verdict_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the verdict with p_go and the weighted-score distribution against the bar."""
    bar = r.assumptions_policy_bar
    title = (
        f"{r.verdict}: {_pct(r.p_go)} of draws clear the bar of {bar:.2f} "
        f"(median score {r.score.p50:.2f})"
    )
    srcs = [s["source_id"] for s in r.sources]
    assumed = ["policy.bar", "policy.verdict"]
    notes = " ".join(r.reasons[:3])
    series = (("score", (r.score.p5, r.score.p50, r.score.p95)),)
    return Exhibit(
        "verdict",
        title,
        source_line(ev, srcs, assumed),
        notes,
        "image",
        ("p5", "median", "p95"),
        series,
        "0.00",
    )


def timeline_exhibit(r: Assessment | None, ev: Evidence, a: Assumptions | None = None) -> Exhibit:
    """Return the DAU and program-count figures over time, stale repeats and conflicts marked."""
    tl = dau_timeline(ev)
    dau = tl[tl["metric"] == "mini_program_dau"]
    stale = find_stale_repeats(ev)
    conflicts = find_conflicts(ev)
    from research.charts import timeline_text

    text = timeline_text(ev)
    title = text.title
    notes = (
        f"{len(conflicts)} pairs of figures disagree by more than 2%. Stale repeats: "
        + "; ".join(
            f"{s.source_id} repeats {s.original_source_id} ({s.value:g})"
            for s in stale.itertuples()
        )
    )
    cats = tuple(f"{row.source_id} {row.as_of:%Y-%m}" for row in dau.itertuples())
    series = (("DAU (million users)", tuple(float(x) for x in dau["value"])),)
    return Exhibit("timeline", title, text.source_line, notes, "image", cats, series, "#,##0")


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
