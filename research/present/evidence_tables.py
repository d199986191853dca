"""The articles' evidence as display tables: figures by topic, conflicts, stale repeats, counts.

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
from research.data.evidence import Evidence, figures_table, find_conflicts, find_stale_repeats
from research.model import categories
from research.present.formats import format_pct


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
            "gap": [format_pct(x) for x in c["rel_gap"]],
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
            "touch point": tp["label"].to_numpy(),
            "id": tp["touchpoint_id"].to_numpy(),
            "paid": ["yes" if x else "" for x in tp["is_paid"]],
            "brand uses": ["yes" if x in channels else "" for x in tp["touchpoint_id"]],
        }
    )
