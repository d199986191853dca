"""Notebook helpers: load a brand for a notebook run and show results as a research memo.

The notebooks in ``notebooks/`` call these so that they stay thin: every number they show
comes from one assessment's draws and ``datasets/``, and every display is deterministic
(charts as PNG at a fixed resolution, tables as Markdown), so a rerun stores the same
outputs and nbval can compare them. Brand-supplied text is escaped before it reaches
Markdown. Importing this module changes nothing (no backend is set, no style applied).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import JSON, Image, Markdown
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from research import clock
from research.data import profile_files
from research.data.assumptions import Assumptions, load_assumptions
from research.data.evidence import Evidence, load_evidence
from research.data.profiles import (
    BrandProfile,
    fields_table,
    profile_from_mapping,
    profile_to_dict,
)
from research.decide.assess import DEFAULT_DRAWS, DEFAULT_SEED, assess
from research.decide.assessment import Assessment
from research.formats import (
    format_date,
    format_probability,
    format_rmb,
    format_share,
    format_users,
)
from research.model import access, categories, spend
from research.model.factors import compute_factors, make_anchors, make_brands
from research.present import exhibits, labels, plots, story, style
from research.present import text as summary
from research.present.escape import markdown_prose, markdown_text
from research.present.exhibit import Exhibit
from research.present.labels import lower_first, source_label
from research.vocab import CATEGORIES, TIERS

#: Resolution of charts shown in notebooks (dots per inch); export uses style.EXPORT_DPI.
NOTEBOOK_DPI = 80


@dataclass(frozen=True)
class Analysis:
    """One brand's assessment with the evidence, assumptions and exhibits behind it."""

    ev: Evidence
    a: Assumptions
    result: Assessment
    exhibits: dict[str, Exhibit]

    @property
    def profile(self) -> BrandProfile:
        """The brand's profile (as assessed)."""
        return self.result.profile


def load_brand(
    profile_path: str | Path, as_of: str | None = None, ev: Evidence | None = None
) -> BrandProfile:
    """Return the profile in ``profile_path``, with its ``as_of`` replaced when given."""
    profile = profile_files.load_profile(profile_path, ev)
    if as_of is None:
        return profile
    data = profile_to_dict(profile) | {"as_of": str(as_of)}
    return profile_from_mapping(data, f"{profile_path} (parameter as_of)", ev)


def analyse(
    profile_path: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    draws: int = DEFAULT_DRAWS,
    as_of: str | None = None,
    datasets: str | Path | None = None,
    analysis_date: str | None = None,
) -> Analysis:
    """Return the full analysis of the brand in ``profile_path`` (what ``assess`` returns).

    ``analysis_date`` pins the run date for this process (notebooks pin it, so stored
    outputs stay the same from day to day).
    """
    day = clock.pin(analysis_date) if analysis_date else clock.analysis_date()
    ev = load_evidence(datasets)
    a = load_assumptions(ev.datasets_dir)
    profile = load_brand(profile_path, as_of, ev)
    r = assess(profile, ev=ev, a=a, draws=draws, seed=seed, analysis_date=day)
    return Analysis(ev, a, r, exhibits.build_exhibits(r, ev, a))


# --------------------------------------------------------------------------- words


def answer(text: str) -> Markdown:
    """Return the notebook's answer as a Markdown block (``**Answer.** text``)."""
    return Markdown(f"**Answer.** {markdown_prose(text)}")


def verdict_answer(r: Assessment) -> str:
    """Return the verdict in words: brand, verdict, the recommendation and the chance."""
    return f"{r.profile.name}: {r.verdict}. {story.headline(r)}. {story.probability_line(r)}."


def warning(r: Assessment) -> Markdown:
    """Return the data's age, as a warning when the newest figure is old."""
    text = story.warning(r)
    if text:
        return Markdown(f"> **Warning.** {markdown_prose(text)}")
    return Markdown(f"*{markdown_prose(story.data_age(r))}*")


def source_entry(ev: Evidence, source_id: str) -> str:
    """Return one source as a Sources list names it, plain text: its label (as every other
    place names it), title, author and publisher, kind, publication date (``c.`` and how
    it was estimated when the source is undated), address and access date.

    ``'Sinorblog (2019): Our quick-fire guide to WeChat mini programs. Dandan Cheng,
    Sinorblog; agency blog, published 2019-09-11. Accessed 2026-11-29.'``
    """
    row = ev.sources.set_index("source_id").loc[source_id]

    def field(name: str) -> str:
        value = row.get(name)
        return "" if value is None or pd.isna(value) else str(value).strip()

    estimated = bool(row["is_published_estimated"])
    when = format_date(row["published"], estimated=estimated, day=not estimated)
    if estimated and field("published_note"):
        when += f" ({lower_first(field('published_note'))})"
    by = ", ".join(x for x in dict.fromkeys((field("author"), field("producer"))) if x)
    text = f"{source_label(ev, source_id)}: {field('title')}. {by}; "
    text += f"{field('kind').replace('_', ' ')}, published {when}."
    if field("url"):
        text += f" {field('url')}"
    if field("accessed"):
        text += f" Accessed {format_date(row['accessed'], day=True)}."
    return text


def sources(
    ev: Evidence,
    source_ids: Sequence[str] | None = None,
    assumptions: Sequence[str] = (),
    a: Assumptions | None = None,
) -> Markdown:
    """Return the Sources cell: every source named by its label with its details, then the
    assumptions used, in words.

    The sources are ``source_ids`` (every source when None) and the sources the rationales
    of ``assumptions`` quote (their ``cites`` in ``assumptions.yaml``), so every figure the
    cell's text and tables show has its source listed.
    """
    names = list(dict.fromkeys(assumptions))
    if names and a is None:
        a = load_assumptions(ev.datasets_dir)
    if source_ids is None:
        ids = list(ev.sources["source_id"])
    else:
        cited = a.cited_sources(names) if a is not None else ()
        ids = list(dict.fromkeys([*source_ids, *cited]))
    lines = [f"- {markdown_prose(source_entry(ev, s))}" for s in ids]
    text = "### Sources\n\n" + (
        "\n".join(lines) or "- None: what is shown rests on the assumptions below."
    )
    if names:
        rows = a.describe(names)
        table_rows = [[x["label"], x["range"], x["rationale"]] for x in rows]
        text += "\n\n### Assumptions used\n\n" + _markdown_table(
            ["Assumption", "Range", "Why"], table_rows
        )
    return Markdown(text)


# --------------------------------------------------------------------------- tables


def _cell(value: object) -> str:
    return markdown_prose(value).replace("|", "\\|")


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def table(df: pd.DataFrame) -> Markdown:
    """Return a display table as Markdown (no index; cells escaped)."""
    return Markdown(_markdown_table(list(df.columns), df.astype(str).to_numpy().tolist()))


Formatter = Callable[[float], str]
FORMATS: dict[str, Formatter] = {
    "share": format_share,
    "chance": format_probability,
    "users": format_users,
    "rmb": format_rmb,
}


def present(
    df: pd.DataFrame, formats: Mapping[str, str], rename: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Return ``df`` for display: numbers formatted as text (:data:`FORMATS`), renamed."""
    out = df.copy()
    for col, kind in formats.items():
        out[col] = [FORMATS[kind](float(x)) if pd.notna(x) else "" for x in out[col]]
    return out.rename(columns=dict(rename or {})).reset_index(drop=True)


def exhibit_table(ex: Exhibit, label: str = "group") -> pd.DataFrame:
    """Return an exhibit's data as a table: one row per bar, the brand's marked."""
    data = {label: list(ex.categories)} | {
        k: [ex.number_format.text(x) for x in v] for k, v in ex.series
    }  # written as the chart writes them ('<1%', '4' points)
    df = pd.DataFrame(data)
    if ex.highlight:
        df["the brand's"] = ["yes" if i in ex.highlight else "" for i in range(len(df))]
    return df


# --------------------------------------------------------------------------- charts


def show(chart: Axes | Figure, dpi: int = NOTEBOOK_DPI) -> Image:
    """Return a chart as a PNG image for the notebook (fixed dpi)."""
    fig = chart if isinstance(chart, Figure) else chart.get_figure(root=True)
    buf = io.BytesIO()
    with style.house_style():  # draw in the font the titles were wrapped for
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return Image(data=buf.getvalue(), format="png")


def chart(an: Analysis, name: str) -> Image | Markdown:
    """Return the brand's exhibit ``name`` drawn in the house style, as in its deck (its
    title alone when it would show nothing, as when a gate decides the verdict)."""
    if name not in an.exhibits:
        raise ValueError(f"name: '{name}' not in {sorted(an.exhibits)}")
    if not an.exhibits[name].informative:
        return Markdown(f"*{markdown_prose(an.exhibits[name].title)}.*")
    with style.house_style():
        ax = plots.plot_exhibit(an.exhibits[name])
    return show(ax)


# --------------------------------------------------------------------------- the brand


def profile_fields() -> pd.DataFrame:
    """Return the fields of a brand profile file with what they mean (from the model).

    A field inside an optional section (``needs.daily_users``) is required only when the
    section is given, and says so, rather than 'yes'.
    """
    rows = []
    for row in fields_table():
        section, _, _ = row["field"].rpartition(".")
        parent = BrandProfile.model_fields.get(section)
        if section and parent is not None and not parent.is_required() and row["required"] == "yes":
            row = row | {"required": f"no; yes when {section} is given"}
        rows.append(row)
    return pd.DataFrame(rows)


#: What a field left out of a profile means, shown in place of an empty value.
_UNSTATED = {
    "needs": "not stated: assumed for its objective",
    "package_size_mb": "not stated: assumed",
    "as_of": "not set: the latest figures",
    "description": "none",
}


def profile_table(profile: BrandProfile, ev: Evidence | None = None) -> pd.DataFrame:
    """Return a profile as a two-column (field, value) table: the field as written in a
    profile file, its value in words (touch points by their labels; what a field left out
    means)."""
    flat: dict[str, object] = {}
    for key, value in profile_to_dict(profile).items():
        if isinstance(value, dict):
            flat |= {f"{key}.{k}": v for k, v in value.items()}
        else:
            flat[key] = value
    ev = load_evidence() if ev is None else ev
    touchpoints = ev.touchpoints.set_index("touchpoint_id")["label"]

    def shown(field: str, v: object) -> str:
        if field == "channels" and isinstance(v, list | tuple):
            return ", ".join(str(touchpoints.get(c, c)) for c in v) or "none"
        if v is None or v == "":
            return _UNSTATED.get(field, "")
        if isinstance(v, list | tuple):
            return ", ".join(f"{x:,.10g}" if isinstance(x, float) else str(x) for x in v)
        return f"{v:,.10g}" if isinstance(v, float) else str(v)

    return pd.DataFrame(
        {"field": list(flat), "value": [markdown_text(shown(k, v)) for k, v in flat.items()]}
    )


def _variant_share(an: Analysis, changes: dict) -> np.ndarray:
    """Return the audience share (draws) of the brand with its audience changed."""
    data = profile_to_dict(an.profile)
    data["audience"] = data["audience"] | changes
    variant = profile_from_mapping(data, "variant", an.ev)
    anchors = make_anchors(an.ev, an.profile.as_of)
    f = compute_factors(an.result.values, make_brands([variant], anchors.touchpoints), anchors)
    return np.asarray(f["audience_share"])[0]


def audience_variants(an: Analysis) -> pd.DataFrame:
    """Return the brand's audience and three relaxations, each as a share of users (from
    the assessment's draws)."""
    aud = an.profile.audience
    variants = [
        ("the brand's audience", {}),
        ("any gender", {"gender": "any"}),
        ("every city tier", {"city_tiers": list(TIERS)}),
        ("any gender, every city tier", {"gender": "any", "city_tiers": list(TIERS)}),
    ]
    rows = []
    for label, changes in variants:
        x = _variant_share(an, changes)
        rows.append(
            {
                "audience": label,
                "gender": changes.get("gender", aud.gender),
                "ages": f"{aud.age_min}-{aud.age_max}",
                "p5": float(np.quantile(x, 0.05)),
                "median": float(np.median(x)),
                "p95": float(np.quantile(x, 0.95)),
            }
        )
    return present(pd.DataFrame(rows), {"p5": "share", "median": "share", "p95": "share"})


def price_table(an: Analysis) -> pd.DataFrame:
    """Return the share of users spending at least each price a month (from the draws)."""
    _, threshold, _ = spend.spend_anchor(an.ev)
    caution = spend.caution_price_rmb(an.ev)
    v = an.result.values
    rows = []
    for price in sorted({*exhibits.PRICE_POINTS, an.profile.price_rmb, caution}):
        x = spend.share_at_least(price, v["spend_le_share"], v["spend_log_spread"], threshold)
        notes = [
            t
            for t, on in (
                ("the brand's", price == an.profile.price_rmb),
                ("the articles' caution point", price == caution),
            )
            if on
        ]
        rows.append(
            {
                "price a month": format_rmb(price),
                "p5": float(np.quantile(x, 0.05)),
                "median": float(np.median(x)),
                "p95": float(np.quantile(x, 0.95)),
                "note": "; ".join(notes),
            }
        )
    return present(pd.DataFrame(rows), {"p5": "share", "median": "share", "p95": "share"})


def categories_table(an: Analysis) -> pd.DataFrame:
    """Return each category's share of users (from the draws), the brand's marked."""
    pen = categories.penetration_matrix(an.result.values)
    ins = categories.inputs(an.ev, an.a)
    rows = [
        {
            "category": categories.LABELS[c],
            "p5": float(np.quantile(pen[i], 0.05)),
            "median": float(np.median(pen[i])),
            "p95": float(np.quantile(pen[i], 0.95)),
            "rests on": labels.basis_words(ins[categories.input_name(c)].basis),
            "the brand's": "yes" if c == an.profile.category else "",
        }
        for i, c in enumerate(CATEGORIES)
    ]
    return present(pd.DataFrame(rows), {"p5": "share", "median": "share", "p95": "share"})


def channel_steps(an: Analysis) -> pd.DataFrame:
    """Return the share of users the brand's touch points reach as each one is added."""
    ids = access.touchpoint_ids(an.ev)
    shares = access.reach_matrix(an.result.values, ids)
    labels_ = an.ev.touchpoints.set_index("touchpoint_id")["label"]
    rows, chosen = [], np.zeros((1, len(ids)))
    for c in an.profile.channels:
        chosen[0, ids.index(c)] = 1.0
        x = access.channel_reach(shares, chosen)[0]
        rows.append(
            {
                "adding": labels_[c],
                "p5": float(np.quantile(x, 0.05)),
                "median": float(np.median(x)),
                "p95": float(np.quantile(x, 0.95)),
            }
        )
    return present(pd.DataFrame(rows), {"p5": "share", "median": "share", "p95": "share"})


def flips(r: Assessment) -> pd.DataFrame:
    """Return what would change the verdict: the change and the verdict it leads to."""
    rows = story.change_rows(r) or (("No single change flips it", ""),)
    return pd.DataFrame(rows, columns=["change", "verdict it leads to"])


def research_first(r: Assessment) -> pd.DataFrame:
    """Return what to pin down before deciding, and why."""
    return pd.DataFrame(story.research_rows(r), columns=["pin down", "why"])


def section(an: Analysis, key: str) -> Markdown:
    """Return one section of the brand's scorecard (see :func:`text.markdown_sections`)."""
    sections = summary.markdown_sections(an.result, an.ev, an.a)
    if key not in sections:
        raise ValueError(f"key: '{key}' not in {list(sections)}")
    return Markdown(sections[key])


def sources_of(an: Analysis) -> Markdown:
    """Return the Sources cell of one brand: every source and assumption its verdict used."""
    names = [x["name"] for x in an.result.assumptions]
    return sources(an.ev, [s["source_id"] for s in an.result.sources], names, an.a)


def machine_readable(r: Assessment) -> JSON:
    """Return the assessment as JSON (the same dict as ``assess --format json``)."""
    return JSON(r.to_dict())


# --------------------------------------------------------------------------- portfolio
