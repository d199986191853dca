"""The articles' evidence as display tables: figures by topic, repeats, conflicts, growth, counts.

Brand-independent tables for the notebooks (through :mod:`research.present.memo`'s
``table``): every figure with its unit, date, source, locator and flags, the pairs of
sources that disagree, the figures repeated as if current, how many figures each source
gives, the games engagement figures and the touch-point taxonomy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research.data import descriptor
from research.data.consistency import find_conflicts, find_growth, find_stale_repeats
from research.data.evidence import Evidence, figures_table
from research.formats import format_date, format_pct
from research.model import categories


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
            "as of": [
                format_date(d, estimated=e)
                for d, e in zip(table["as_of"], table["as_of_is_estimated"], strict=True)
            ],
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
    unit = "" if unit == "count" else unit
    sep = "" if unit == "%" else " "
    return f"{prefix}{value:,.10g}{sep}{unit}".strip()


def _figure(ev: Evidence, obs_id: int, with_source: bool = True) -> str:
    """Return one figure as text with its unit and date (``'170 million users (guide_2018,
    c. Jan 2018)'``), the date marked ``c.`` when it is estimated."""
    row = ev.observations.set_index("obs_id").loc[int(obs_id)]
    value = _value_text(row["value"], row["qualifier"], _unit_label(ev, row["unit"]))
    date = format_date(row["as_of"], estimated=bool(row["as_of_is_estimated"]))
    return f"{value} ({row['source_id']}, {date})" if with_source else f"{value} ({date})"


def conflicts(ev: Evidence) -> pd.DataFrame:
    """Return the pairs of sources that disagree about the same period, for display."""
    c = find_conflicts(ev)
    return pd.DataFrame(
        {
            "figure": _metric_labels(ev, c["metric"]),
            "a": [_figure(ev, i) for i in c["obs_id_a"]],
            "b": [_figure(ev, i) for i in c["obs_id_b"]],
        }
    )


def growth(ev: Evidence) -> pd.DataFrame:
    """Return how time-varying figures moved between periods (not repeats), for display."""
    g = find_growth(ev)
    return pd.DataFrame(
        {
            "figure": _metric_labels(ev, g["metric"]),
            "from": [_figure(ev, i) for i in g["obs_id_a"]],
            "to": [_figure(ev, i) for i in g["obs_id_b"]],
            "a year": [
                "" if pd.isna(x) else f"{'+' if x >= 0 else ''}{format_pct(x)}"
                for x in g["growth_per_year"]
            ],
        }
    )


def stale_repeats(ev: Evidence) -> pd.DataFrame:
    """Return the figures a later source restates from an earlier one as if current."""
    s = find_stale_repeats(ev)
    return pd.DataFrame(
        {
            "figure": _metric_labels(ev, s["metric"]),
            "value": [_figure(ev, i, with_source=False) for i in s["obs_id"]],
            "restated by": [
                f"{x} (published {format_date(d)})"
                for x, d in zip(s["source_id"], s["published"], strict=True)
            ],
            "first given by": [_figure(ev, i) for i in s["original_obs_id"]],
        }
    )


def summary_text(ev: Evidence) -> str:
    """Return the evidence in a few lines: counts, then repeats, conflicts and growth apart."""
    obs = ev.observations
    reps, confs, grow = find_stale_repeats(ev), find_conflicts(ev), find_growth(ev)
    lines = [
        f"{len(ev.sources)} sources, {len(obs)} figures "
        f"({int((obs['kind'] == 'reported').sum())} reported, "
        f"{int((obs['kind'] == 'derived').sum())} derived; "
        f"{int(obs['as_of_is_estimated'].sum())} with an estimated date, marked c.), "
        f"{obs['metric'].nunique()} metrics, {len(ev.touchpoints)} touch points",
        "",
        f"Stale repeats ({len(reps)}): a later source restating an earlier figure as current",
    ]
    for r in stale_repeats(ev).itertuples(index=False):
        lines.append(f"  {r.figure}: {r.value} restated by {r[2]}; first given by {r[3]}")
    lines += ["", f"Conflicts ({len(confs)}): sources that disagree about the same period"]
    for r in conflicts(ev).itertuples(index=False):
        lines.append(f"  {r.figure}: {r.a} vs {r.b}")
    if confs.empty:
        lines.append("  none")
    lines += ["", f"Growth ({len(grow)}): the same metric in different periods"]
    for r in growth(ev).itertuples(index=False):
        rate = f" ({r[3]} a year)" if r[3] else ""
        lines.append(f"  {r.figure}: {r[1]} -> {r[2]}{rate}")
    return "\n".join(lines)


def evidence_counts(ev: Evidence) -> pd.DataFrame:
    """Return how many figures each source gives, by topic (a source x topic count table)."""
    topic = ev.observations["metric"].map(ev.metrics.set_index("metric")["topic"])
    return (
        pd.crosstab(ev.observations["source_id"].astype(str), topic.astype(str))
        .rename_axis(index="source", columns=None)
        .reset_index()
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
        col: {v: i for i, v in enumerate(descriptor.enum_of(ev.datasets_dir, "touchpoints", col))}
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
            "touch point": [
                label + (" (analyst's addition)" if added else "")
                for label, added in zip(tp["label"], tp["is_analyst_addition"], strict=True)
            ],
            "phase and group from": [
                f"phase: {p}, group: {g}"
                for p, g in zip(tp["phase_basis"], tp["group_basis"], strict=True)
            ],
            "paid": ["yes" if x else "" for x in tp["is_paid"]],
            "brand uses": ["yes" if x in channels else "" for x in tp["touchpoint_id"]],
        }
    )
