"""Notebook helpers: load a brand for a notebook run and show results as a research memo.

The notebooks in ``notebooks/`` call these so that they stay thin: every number they show
comes from the models and ``datasets/``, and every display is deterministic (charts as
PNG at a fixed resolution, tables as pre-formatted text), so a rerun stores the same
outputs and nbval can compare them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import JSON, Image, Markdown
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from research.data import profiles as brand
from research.data import tables as schema
from research.data.assumptions import Assumptions, load_assumptions
from research.data.evidence import (
    Evidence,
    figures_table,
    find_conflicts,
    find_stale_repeats,
    load_evidence,
)
from research.data.profiles import BrandProfile
from research.decide import portfolio
from research.decide.assess import DEFAULT_DRAWS, DEFAULT_SEED, assess
from research.decide.assessment import Assessment
from research.decide.reasons import strip_sources
from research.model import access, audience, categories, dau, spend
from research.present import exhibits, plots
from research.present import style as charts
from research.present import text as summary
from research.present.text import format_users
from research.vocab import TIERS

#: Resolution of charts shown in notebooks (dots per inch); export uses charts.EXPORT_DPI.
NOTEBOOK_DPI = 80


@dataclass(frozen=True)
class Analysis:
    """One brand's assessment with the evidence, assumptions and exhibits behind it."""

    ev: Evidence
    a: Assumptions
    result: Assessment
    exhibits: dict[str, exhibits.Exhibit]

    @property
    def profile(self) -> BrandProfile:
        """The brand's profile (as assessed)."""
        return self.result.profile


def load_brand(
    profile_path: str | Path, as_of: str | None = None, ev: Evidence | None = None
) -> BrandProfile:
    """Return the profile in ``profile_path``, with its ``as_of`` replaced when given.

    ``as_of`` is an ISO date (``YYYY-MM-DD``); it is validated like the profile's own field.
    """
    profile = brand.load_profile(profile_path, ev)
    if as_of is None:
        return profile
    data = brand.profile_to_dict(profile) | {"as_of": str(as_of)}
    return brand.profile_from_mapping(data, f"{profile_path} (parameter as_of)", ev)


def analyse(
    profile_path: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    draws: int = DEFAULT_DRAWS,
    as_of: str | None = None,
    datasets: str | Path | None = None,
) -> Analysis:
    """Return the full analysis of the brand in ``profile_path`` (what ``assess`` returns)."""
    ev = load_evidence(datasets)
    a = load_assumptions(ev.datasets_dir)
    profile = load_brand(profile_path, as_of, ev)
    r = assess(profile, ev=ev, a=a, draws=draws, seed=seed)
    return Analysis(ev, a, r, exhibits.build_exhibits(r, ev, a))


# --------------------------------------------------------------------------- words


def answer(text: str) -> Markdown:
    """Return the notebook's answer as a Markdown block (``**Answer.** text``)."""
    return Markdown(f"**Answer.** {text}")


def sources(
    ev: Evidence,
    source_ids: Sequence[str] | None = None,
    assumptions: Sequence[str] = (),
    a: Assumptions | None = None,
) -> Markdown:
    """Return the Sources cell: each source's citation, then the assumptions used.

    ``source_ids`` None lists every source in ``datasets/sources.csv``. Assumptions are
    listed with their 90% range and rationale from ``assumptions.yaml``.
    """
    src = ev.sources.set_index("source_id")["citation"]
    ids = list(src.index) if source_ids is None else list(dict.fromkeys(source_ids))
    rows = [{"source_id": sid, "citation": src[sid]} for sid in ids]
    text = "### Sources\n\n" + summary.sources_markdown(rows)
    names = list(dict.fromkeys(assumptions))
    if names:
        described = (a or load_assumptions(ev.datasets_dir)).describe(names)
        text += "\n\n### Assumptions used\n\n" + summary.assumptions_markdown(described)
    return Markdown(text)


# --------------------------------------------------------------------------- tables

Formatter = Callable[[float], str]

FORMATS: dict[str, Formatter] = {
    "pct": charts.format_pct,
    "users": format_users,
    "rmb": charts.format_rmb,
    "score": lambda x: f"{x:.2f}",
}


def present(
    df: pd.DataFrame,
    formats: Mapping[str, str],
    rename: Mapping[str, str] | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return ``df`` for display: numbers formatted as text, columns picked and renamed.

    ``formats`` maps a column to one of :data:`FORMATS` (``pct`` for shares 0-1, ``users``,
    ``rmb``, ``score``). The index is dropped.
    """
    unknown = sorted(set(formats.values()) - set(FORMATS))
    if unknown:
        raise ValueError(f"formats: {unknown} not in {sorted(FORMATS)}")
    out = df.copy()
    for col, kind in formats.items():
        out[col] = [FORMATS[kind](float(x)) if pd.notna(x) else "" for x in out[col]]
    if columns is not None:
        out = out[list(columns)]
    return out.rename(columns=dict(rename or {})).reset_index(drop=True)


def table(df: pd.DataFrame) -> Markdown:
    """Return a display table as Markdown (no index; every cell shown in full)."""
    return Markdown(df.to_markdown(index=False, disable_numparse=True))


def exhibit_table(
    ex: exhibits.Exhibit, label: str = "group", marker: str = "brand"
) -> pd.DataFrame:
    """Return an exhibit's data as a display table (first column ``label``), its highlighted
    rows marked in a column ``marker``."""
    fmt = "users" if ex.number_format == exhibits.USERS_FORMAT else "pct"
    if ex.number_format == "0.00":
        fmt = "score"
    data = {label: list(ex.categories)} | {k: list(v) for k, v in ex.series}
    df = pd.DataFrame(data)
    if ex.highlight:
        df[marker] = ["yes" if i in ex.highlight else "" for i in range(len(df))]
    return present(df, {k: fmt for k, _ in ex.series})


# --------------------------------------------------------------------------- charts


def show(chart: Axes | Figure, dpi: int = NOTEBOOK_DPI) -> Image:
    """Return a chart as a PNG image for the notebook (fixed dpi), and close its figure."""
    fig = chart if isinstance(chart, Figure) else chart.figure
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return Image(data=buf.getvalue(), format="png")


def chart(an: Analysis, name: str, size: str = "full") -> Image:
    """Return the brand's exhibit ``name`` drawn in the house style, as in its deck."""
    if name not in an.exhibits:
        raise ValueError(f"name: '{name}' not in {sorted(an.exhibits)}")
    with charts.house_style():
        ax = plots.plot_exhibit(name, an.exhibits[name], an.result, an.ev, size)
    return show(ax)


# --------------------------------------------------------------------------- evidence


def figures(ev: Evidence, topic: str) -> pd.DataFrame:
    """Return the articles' figures on ``topic`` (a ``topic`` of ``datasets/metrics.csv``) for
    display: figure, segment, value with its unit, date, source, locator and flags."""
    topics = sorted(ev.metrics["topic"].unique())
    if topic not in topics:
        raise ValueError(f"topic: '{topic}' not in {topics}")
    table = figures_table(ev)
    table = table[table["metric"].map(ev.metrics.set_index("metric")["topic"]) == topic]
    flags = []
    for row in table.itertuples():
        flag = []
        if row.repeats_obs_id:
            flag.append(f"stale repeat of #{row.repeats_obs_id}")
        if row.conflicts_with:
            flag.append("disagrees with #" + ", #".join(row.conflicts_with.split(";")))
        flags.append("; ".join(flag))
    return pd.DataFrame(
        {
            "#": table["obs_id"].astype(int).to_numpy(),
            "figure": _metric_labels(ev, table["metric"]),
            "segment": table["segment"].fillna("").to_numpy(),
            "value": [
                _value_text(v, q, _unit_label(ev, u_))
                for v, q, u_ in zip(table["value"], table["qualifier"], table["unit"], strict=True)
            ],
            "as of": table["as_of"].dt.strftime("%Y-%m-%d").to_numpy(),
            "source": table["source_id"].to_numpy(),
            "locator": table["locator"].to_numpy(),
            "flags": flags,
        }
    )


def _metric_labels(ev: Evidence, metrics: pd.Series) -> np.ndarray:
    """Return the readable label of each metric id (``datasets/metrics.csv``)."""
    return metrics.map(ev.metrics.set_index("metric")["label"]).to_numpy()


def _unit_label(ev: Evidence, unit: str) -> str:
    """Return the readable label of a unit id (``datasets/units.csv``), else the id."""
    units = ev.units.set_index("unit")["label"]
    return str(units[unit]) if unit in units.index else unit


def _value_text(value: float, qualifier: str, unit: str) -> str:
    prefix = {"at_least": "at least ", "at_most": "at most ", "approx": "about "}.get(qualifier, "")
    sep = "" if unit == "%" else " "
    return f"{prefix}{value:,.10g}{sep}{unit}".strip()


def conflicts(ev: Evidence) -> pd.DataFrame:
    """Return the pairs of figures that disagree, for display (relative gap in %)."""
    c = find_conflicts(ev)
    return pd.DataFrame(
        {
            "figure": _metric_labels(ev, c["metric"]),
            "a": [
                f"{v:,.10g} ({s}, {d:%Y-%m})"
                for v, s, d in zip(c["value_a"], c["source_id_a"], c["as_of_a"], strict=True)
            ],
            "b": [
                f"{v:,.10g} ({s}, {d:%Y-%m})"
                for v, s, d in zip(c["value_b"], c["source_id_b"], c["as_of_b"], strict=True)
            ],
            "gap": [charts.format_pct(x) for x in c["rel_gap"]],
            "same period": ["yes" if x else "no" for x in c["is_same_period"]],
        }
    )


def stale_repeats(ev: Evidence) -> pd.DataFrame:
    """Return the figures that repeat an older figure as if current, for display."""
    s = find_stale_repeats(ev)
    return pd.DataFrame(
        {
            "figure": _metric_labels(ev, s["metric"]),
            "value": [f"{v:,.10g}" for v in s["value"]],
            "repeated by": [
                f"{x} ({d:%Y-%m-%d})" for x, d in zip(s["source_id"], s["as_of"], strict=True)
            ],
            "first given by": [
                f"{x} ({d:%Y-%m-%d})"
                for x, d in zip(s["original_source_id"], s["original_as_of"], strict=True)
            ],
        }
    )


def evidence_counts(ev: Evidence) -> pd.DataFrame:
    """Return how many figures each source gives, by topic (a source x topic count table)."""
    topic = ev.observations["metric"].map(ev.metrics.set_index("metric")["topic"])
    return (
        pd.crosstab(ev.observations["source_id"].astype(str), topic.astype(str))
        .rename_axis(index="source", columns=None)
        .reset_index()
    )


def timeline_chart(ev: Evidence, as_of: str | None = None) -> Image:
    """Return the DAU and program-count timeline chart with its takeaway and source line."""
    with charts.house_style():
        ax = charts.plot_timeline(ev, size="full")
        charts.finish(ax, charts.timeline_text(ev, as_of))
    return show(ax)


def market_answer(ev: Evidence, as_of: str | None = None) -> str:
    """Return the market overview's answer: the timeline's takeaway, where the funnel starts,
    and how many figures disagree or are stale."""
    obs, when, years = dau.dau_anchor(ev, as_of)
    start = (
        f"The funnel starts from {obs.value:,.0f}M users a day ({obs.source_id}, {obs.as_of:%B %Y})"
    )
    if years > 0:
        start += f", grown by the assumed rate for {years:.1f} years to {when:%B %Y}"
    n_conf, n_stale = len(find_conflicts(ev)), len(find_stale_repeats(ev))
    stale = "1 is a stale repeat" if n_stale == 1 else f"{n_stale} are stale repeats"
    return (
        f"{charts.timeline_text(ev, as_of).title}. {start}. {n_conf} pairs of figures "
        f"disagree and {stale}; all are kept and flagged below."
    )


# --------------------------------------------------------------------------- the brand


def verdict_answer(r: Assessment) -> str:
    """Return the verdict in one sentence with p_go, the bar and the first reason."""
    return (
        f"{r.profile.name}: **{r.verdict}**. {charts.format_pct(r.p_go)} of the uncertainty "
        f"draws clear the bar of {r.bar:.2f} (median weighted score {r.score.p50:.2f}, 90% "
        f"interval {r.score.p5:.2f}-{r.score.p95:.2f}). {strip_sources(r.reasons[0])}"
    )


def profile_fields() -> pd.DataFrame:
    """Return the fields of a brand profile file with their descriptions (from the model)."""
    rows = [
        {"field": name, "required": "yes" if f.is_required() else "no", "meaning": f.description}
        for name, f in BrandProfile.model_fields.items()
    ]
    rows += [
        {
            "field": f"audience.{name}",
            "required": "yes" if f.is_required() else "no",
            "meaning": f.description,
        }
        for name, f in brand.Audience.model_fields.items()
    ]
    return pd.DataFrame(rows)


def profile_table(profile: BrandProfile) -> pd.DataFrame:
    """Return a profile as a two-column (field, value) table."""
    flat = {}
    for key, value in brand.profile_to_dict(profile).items():
        if isinstance(value, dict):
            flat |= {f"{key}.{k}": v for k, v in value.items()}
        else:
            flat[key] = value

    def show_(v: object) -> str:
        if isinstance(v, list | tuple):
            return ", ".join(map(str, v))
        return f"{v:,.10g}" if isinstance(v, float) else "" if v is None else str(v)

    return pd.DataFrame({"field": list(flat), "value": [show_(v) for v in flat.values()]})


def audience_variants(an: Analysis) -> pd.DataFrame:
    """Return the target-share calculator for the brand's audience and its relaxations.

    Rows: the brand's audience, then the same with any gender, with all city tiers, and
    with both; each with the share of Mini Program users (p5, median, p95).
    """
    aud = an.profile.audience
    variants = [
        ("the brand's audience", aud.gender, aud.city_tiers),
        ("any gender", "any", aud.city_tiers),
        ("all city tiers", aud.gender, TIERS),
        ("any gender, all city tiers", "any", TIERS),
    ]
    rows = []
    for label, gender, tiers in variants:
        s = audience.estimate_target_share(
            gender,
            aud.age_min,
            aud.age_max,
            tiers,
            ev=an.ev,
            a=an.a,
            draws=an.result.draws,
            seed=an.result.seed,
        )
        rows.append(
            {
                "audience": label,
                "gender": gender,
                "ages": f"{aud.age_min}-{aud.age_max}",
                "city tiers": ", ".join(map(str, sorted(tiers))),
                "p5": s.p5,
                "median": s.p50,
                "p95": s.p95,
            }
        )
    return present(pd.DataFrame(rows), {"p5": "pct", "median": "pct", "p95": "pct"})


def price_table(an: Analysis) -> pd.DataFrame:
    """Return the share of users spending at least each band edge and the brand's price."""
    prices = sorted({*spend.DEFAULT_EDGES_RMB, an.profile.price_rmb})
    rows = []
    for price in prices:
        s = spend.estimate_share_at_least(
            price, ev=an.ev, a=an.a, draws=an.result.draws, seed=an.result.seed
        )
        rows.append(
            {
                "price (RMB a month)": charts.format_rmb(price),
                "p5": s.p5,
                "median": s.p50,
                "p95": s.p95,
                "note": "; ".join(
                    x
                    for x, on in (
                        ("the brand's price", price == an.profile.price_rmb),
                        ("the articles' caution point", price == spend.caution_price_rmb(an.ev)),
                    )
                    if on
                ),
            }
        )
    return present(pd.DataFrame(rows), {"p5": "pct", "median": "pct", "p95": "pct"})


def break_even(r: Assessment) -> pd.DataFrame:
    """Return the break-even table: each input's current value and where the verdict flips."""
    rows = r.to_dict()["break_even"]
    return pd.DataFrame(
        {
            "input": [b["label"] for b in rows],
            "now": [f"{b['current']:,.4g} {b['unit']}" for b in rows],
            "verdict": [summary.flip_text(b) for b in rows],
        }
    )


def categories_table(an: Analysis) -> pd.DataFrame:
    """Return each category's penetration and mix (p5, median, p95), the brand's marked."""
    t = categories.estimate_categories(ev=an.ev, a=an.a, draws=an.result.draws, seed=an.result.seed)
    t = t.assign(brand=["yes" if c == an.profile.category else "" for c in t["category"]])
    return present(
        t,
        {"p5": "pct", "p50": "pct", "p95": "pct"},
        rename={"label": "category", "p50": "median"},
        columns=["label", "measure", "p5", "p50", "p95", "basis", "brand"],
    )


def games_engagement(ev: Evidence) -> pd.DataFrame:
    """Return the games engagement figures with their sources."""
    figures_ = categories.games_engagement(ev)
    units = ev.metrics.set_index("metric")["unit"]
    return pd.DataFrame(
        {
            "figure": _metric_labels(ev, pd.Series(list(figures_))),
            "value": [
                _value_text(value, "exact", _unit_label(ev, units[m]))
                for m, (value, _) in figures_.items()
            ],
            "source": [source for _, source in figures_.values()],
        }
    )


def taxonomy(ev: Evidence, channels: Sequence[str] = ()) -> pd.DataFrame:
    """Return the touch-point taxonomy by engagement phase and group, the brand's marked."""
    order = {
        col: {v: i for i, v in enumerate(schema.enum_of(ev.datasets_dir, "touchpoints", col))}
        for col in ("phase", "group")
    }
    tp = ev.touchpoints.sort_values(
        ["phase", "group", "touchpoint_id"],
        key=lambda c: c.map(order[c.name]) if c.name in order else c,
        kind="stable",
    )
    return pd.DataFrame(
        {
            "phase": tp["phase"].str.replace("_", "-").to_numpy(),
            "group": tp["group"].str.replace("_", " ").to_numpy(),
            "touch point": tp["label"].to_numpy(),
            "id": tp["touchpoint_id"].to_numpy(),
            "paid": ["yes" if x else "" for x in tp["is_paid"]],
            "brand uses": ["yes" if x in channels else "" for x in tp["touchpoint_id"]],
        }
    )


def coverage_steps(an: Analysis) -> pd.DataFrame:
    """Return the share of arrivals the brand's channels cover as each one is added."""
    rows = []
    chans = list(an.profile.channels)
    for k in range(1, len(chans) + 1):
        s = access.estimate_coverage(
            chans[:k], ev=an.ev, a=an.a, draws=an.result.draws, seed=an.result.seed
        )
        rows.append({"adding": chans[k - 1], "p5": s.p5, "median": s.p50, "p95": s.p95})
    return present(pd.DataFrame(rows), {"p5": "pct", "median": "pct", "p95": "pct"})


def section(r: Assessment, key: str) -> Markdown:
    """Return one section of the brand's scorecard (see :func:`summary.markdown_sections`)."""
    sections = summary.markdown_sections(r)
    if key not in sections:
        raise ValueError(f"key: '{key}' not in {list(sections)}")
    return Markdown(sections[key])


def sources_of(an: Analysis) -> Markdown:
    """Return the Sources cell of one brand: every source and assumption its verdict used."""
    names = [x["name"] for x in an.result.assumptions if not x["name"].startswith("policy.")]
    return sources(an.ev, [s["source_id"] for s in an.result.sources], names, an.a)


def machine_readable(r: Assessment) -> JSON:
    """Return the assessment as JSON (the same dict as ``assess --format json``)."""
    return JSON(r.to_dict())


# --------------------------------------------------------------------------- portfolio


def assess_folder(
    folder: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    draws: int = DEFAULT_DRAWS,
    datasets: str | Path | None = None,
) -> tuple[Evidence, Assumptions, list[Assessment]]:
    """Return the evidence, assumptions and assessments of every profile in ``folder``."""
    ev = load_evidence(datasets)
    a = load_assumptions(ev.datasets_dir)
    profiles = brand.load_profiles([folder], ev)
    return ev, a, [assess(p, ev=ev, a=a, draws=draws, seed=seed) for p in profiles]


def portfolio_table(results: Sequence[Assessment]) -> pd.DataFrame:
    """Return the ranked portfolio table for display."""
    return present(
        portfolio.table(results),
        {
            "price_rmb": "rmb",
            "p_go": "pct",
            "score_p5": "score",
            "score_p50": "score",
            "score_p95": "score",
        },
        rename={
            "price_rmb": "price",
            "score_p50": "score",
            "score_p5": "p5",
            "score_p95": "p95",
            "main_reason": "main reason",
        },
    )


def portfolio_sources(results: Sequence[Assessment], ev: Evidence, a: Assumptions) -> Markdown:
    """Return the Sources cell of a portfolio: every source and assumption the brands used."""
    return sources(ev, *portfolio.provenance(results), a)


def portfolio_chart(results: Sequence[Assessment], a: Assumptions, ev: Evidence) -> Image:
    """Return the portfolio chart: each brand's score against the bar, by verdict."""
    with charts.house_style():
        ax = portfolio.plot_portfolio(results, a.policy, ev)
    return show(ax)
