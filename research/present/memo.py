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

import pandas as pd
from IPython.display import JSON, Image, Markdown
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from research.data import profile_files
from research.data import profiles as brand
from research.data.assumptions import Assumptions, load_assumptions
from research.data.consistency import find_conflicts, find_stale_repeats
from research.data.evidence import Evidence, load_evidence
from research.data.profiles import BrandProfile
from research.decide import portfolio
from research.decide.assess import DEFAULT_DRAWS, DEFAULT_SEED, assess
from research.decide.assessment import Assessment
from research.decide.reasons import strip_sources
from research.formats import format_pct, format_rmb, format_score, format_users
from research.model import access, audience, categories, dau, spend
from research.present import exhibits, plots
from research.present import text as summary
from research.present.portfolio_chart import plot_portfolio
from research.present.style import finish, house_style
from research.present.timeline_chart import plot_timeline, timeline_text
from research.vocab import TIERS

#: Resolution of charts shown in notebooks (dots per inch); export uses style.EXPORT_DPI.
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
    profile = profile_files.load_profile(profile_path, ev)
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
    "pct": format_pct,
    "users": format_users,
    "rmb": format_rmb,
    "score": format_score,
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
    words = ex.number_format.text
    data = {label: list(ex.categories)} | {k: [words(float(x)) for x in v] for k, v in ex.series}
    df = pd.DataFrame(data)
    if ex.highlight:
        df[marker] = ["yes" if i in ex.highlight else "" for i in range(len(df))]
    return df


# --------------------------------------------------------------------------- charts


def show(chart: Axes | Figure, dpi: int = NOTEBOOK_DPI) -> Image:
    """Return a chart as a PNG image for the notebook (fixed dpi, no software tag)."""
    fig = chart if isinstance(chart, Figure) else chart.figure
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return Image(data=buf.getvalue(), format="png")


def chart(an: Analysis, name: str, size: str = "full") -> Image:
    """Return the brand's exhibit ``name`` drawn in the house style, as in its deck."""
    if name not in an.exhibits:
        raise ValueError(f"name: '{name}' not in {sorted(an.exhibits)}")
    with house_style():
        ax = plots.plot_exhibit(name, an.exhibits[name], an.result, an.ev, size)
    return show(ax)


# --------------------------------------------------------------------------- evidence


def timeline_chart(ev: Evidence, as_of: str | None = None) -> Image:
    """Return the DAU and program-count timeline chart with its takeaway and source line."""
    with house_style():
        ax = plot_timeline(ev, size="full")
        finish(ax, timeline_text(ev, as_of))
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
        f"{timeline_text(ev, as_of).title}. {start}. {n_conf} pairs of figures "
        f"disagree and {stale}; all are kept and flagged below."
    )


# --------------------------------------------------------------------------- the brand


def verdict_answer(r: Assessment) -> str:
    """Return the verdict in one sentence with p_go, the bar and the first reason."""
    return (
        f"{r.profile.name}: **{r.verdict}**. {format_pct(r.p_go)} of the uncertainty "
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
                "price (RMB a month)": format_rmb(price),
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
    profiles = profile_files.load_profiles([folder], ev)
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
    with house_style():
        ax = plot_portfolio(results, a.policy, ev)
    return show(ax)
