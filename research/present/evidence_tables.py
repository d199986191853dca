"""The articles' evidence as display tables: figures by topic, repeats, conflicts, growth, counts.

Brand-independent tables for the notebooks (through :mod:`research.present.memo`'s
``table``): every figure with its unit, date, source, locator and flags, the pairs of
sources that disagree, the figures repeated as if current, how many figures each source
gives, the games engagement figures and the touch-point taxonomy. Tables are for readers:
sources are named by their ``label`` (``sources.csv``), segments, groups and phases in
words; only the ``#`` column (the figure's ``obs_id``, which the flags refer to) is an id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from research.data import descriptor
from research.data.consistency import find_conflicts, find_growth, find_stale_repeats
from research.data.evidence import Evidence, figures_table
from research.formats import format_date, format_pct
from research.model import categories
from research.present.labels import source_label

#: Segments in words, where neither a touch point nor a category names them.
SEGMENT_LABELS = {
    "apple_app_store": "Apple App Store",
    "google_play": "Google Play",
    "apple_app_store_and_google_play": "Apple App Store and Google Play",
    "female": "Women",
    "male": "Men",
    "any": "Everyone",
}
#: Dated platform events (segments of ``timeline_event``) in words.
EVENT_LABELS = {
    "launch": "Launch",
    "store_mini_program": "Store Mini Program",
    "mini_programs_nearby": "Mini Programs Nearby",
}
#: The touch-point groups of the taxonomy in the article's words (``TouchpointGroup``).
GROUP_LABELS = {
    "system_level": "System level",
    "free_traffic": "Free traffic",
    "paid": "Paid traffic",
    "offline": "Offline",
    "partnerships_external": "Partnerships and external platforms",
}
#: The engagement phases in the article's words.
PHASE_LABELS = {
    "discovery": "Discovery",
    "retention": "Retention",
    "re_engagement": "Re-engagement",
}


def _words(identifier: str) -> str:
    """Return an id in words, first letter capital (``'tier_2_to_4'`` -> ``'Tier 2 to 4'``)."""
    text = str(identifier).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def segment_label(ev: Evidence, metric: str, segment: object) -> str:
    """Return a figure's segment in words ('' for none): a touch point's or a category's
    label, a city tier, an age or spend band, an event, else the id in words."""
    if segment is None or pd.isna(segment) or segment == "":
        return ""
    seg = str(segment)
    touchpoints = ev.touchpoints.set_index("touchpoint_id")["label"]
    if seg in SEGMENT_LABELS:
        return SEGMENT_LABELS[seg]
    if seg in EVENT_LABELS:
        return EVENT_LABELS[seg]
    if seg in touchpoints.index:
        return str(touchpoints[seg])
    if seg in categories.LABELS:
        return categories.LABELS[seg]
    if m := re.fullmatch(r"tier_(\d+)(?:_to_(\d+))?", seg):
        tiers = m[1] if m[2] is None else f"{m[1]} to {m[2]}"
        return f"Tier {tiers} cities"
    if m := re.fullmatch(r"(le|gt)_(\d+(?:\.\d+)?)", seg):
        below = m[1] == "le"
        if "spend" in metric:
            return f"{m[2]} RMB or less a month" if below else f"Over {m[2]} RMB a month"
        if "age" in metric:
            return f"Aged {m[2]} or younger" if below else f"Aged over {m[2]}"
        return f"{m[2]} or less" if below else f"Over {m[2]}"
    return _words(seg)


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
            "segment": [
                segment_label(ev, m, s)
                for m, s in zip(table["metric"], table["segment"], strict=True)
            ],
            "value": [
                _value_text(v, q, _unit_label(ev, u_))
                for v, q, u_ in zip(table["value"], table["qualifier"], table["unit"], strict=True)
            ],
            "as of": [
                format_date(d, estimated=e)
                for d, e in zip(table["as_of"], table["as_of_is_estimated"], strict=True)
            ],
            "source": [source_label(ev, s) for s in table["source_id"]],
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
    """Return one figure as text with its unit and date, then its source's label
    (``'170 million users (c. Jan 2018), Guide to WeChat Mini-Programs (c. 2018)'``), the
    date marked ``c.`` when it is estimated."""
    row = ev.observations.set_index("obs_id").loc[int(obs_id)]
    value = _value_text(row["value"], row["qualifier"], _unit_label(ev, row["unit"]))
    date = format_date(row["as_of"], estimated=bool(row["as_of_is_estimated"]))
    text = f"{value} ({date})"
    return f"{text}, {source_label(ev, row['source_id'])}" if with_source else text


def published_text(ev: Evidence, source_id: str) -> str:
    """Return a source's label and publication date: ``'Sinorblog (2019), published Sep
    2019'`` (the date marked ``c.`` when it is estimated)."""
    row = ev.sources.set_index("source_id").loc[source_id]
    when = format_date(row["published"], estimated=bool(row["is_published_estimated"]))
    return f"{source_label(ev, source_id)}, published {when}"


def conflicts(ev: Evidence) -> pd.DataFrame:
    """Return the pairs of sources that disagree about the same period, for display."""
    c = find_conflicts(ev)
    return pd.DataFrame(
        {
            "figure": _metric_labels(ev, c["metric"]),
            "one source": [_figure(ev, i) for i in c["obs_id_a"]],
            "the other": [_figure(ev, i) for i in c["obs_id_b"]],
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
            "restated by": [published_text(ev, x) for x in s["source_id"]],
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
        lines.append(f"  {r[0]}: {r[1]} vs {r[2]}")
    if confs.empty:
        lines.append("  none")
    lines += ["", f"Growth ({len(grow)}): the same metric in different periods"]
    for r in growth(ev).itertuples(index=False):
        rate = f" ({r[3]} a year)" if r[3] else ""
        lines.append(f"  {r.figure}: {r[1]} -> {r[2]}{rate}")
    return "\n".join(lines)


def evidence_counts(ev: Evidence) -> pd.DataFrame:
    """Return how many figures each source gives, by topic (a source x topic count table),
    sources named by their label in the order of ``sources.csv``."""
    topic = ev.observations["metric"].map(ev.metrics.set_index("metric")["topic"])
    counts = pd.crosstab(ev.observations["source_id"].astype(str), topic.astype(str))
    order = [s for s in ev.sources["source_id"] if s in counts.index]
    counts = counts.loc[order]
    counts.index = [source_label(ev, s) for s in counts.index]
    return counts.rename_axis(index="source", columns=None).reset_index()


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
            "source": [source_label(ev, source) for _, source in figures_.values()],
        }
    )


def taxonomy(ev: Evidence, channels: Sequence[str] = ()) -> pd.DataFrame:
    """Return the touch-point taxonomy by engagement phase and group, the brand's marked.

    Phases and groups are in the article's words; 'phase and group from' names who placed
    each touch point (its article, by label, or the analyst); a touch point the taxonomy's
    article does not name is marked as the analyst's addition, with the article it is from.
    """
    order = {
        col: {v: i for i, v in enumerate(descriptor.enum_of(ev.datasets_dir, "touchpoints", col))}
        for col in ("phase", "group")
    }
    tp = ev.touchpoints.sort_values(
        ["phase", "group", "touchpoint_id"],
        key=lambda c: c.map(order[c.name]) if c.name in order else c,
        kind="stable",
    )

    def added(label: str, is_added: bool, source_id: str) -> str:
        return (
            f"{label} (analyst's addition, from {source_label(ev, source_id)})"
            if is_added
            else label
        )

    def basis(phase: str, group: str, source_id: str) -> str:
        """Who placed the touch point: its article, the analyst, or each for one."""
        who = {"article": source_label(ev, source_id), "analyst": "the analyst"}
        if phase == group:
            return who.get(phase, phase)
        return f"phase: {who.get(phase, phase)}; group: {who.get(group, group)}"

    return pd.DataFrame(
        {
            "phase": [PHASE_LABELS.get(x, _words(x)) for x in tp["phase"]],
            "group": [GROUP_LABELS.get(x, _words(x)) for x in tp["group"]],
            "touch point": [
                added(*row)
                for row in zip(tp["label"], tp["is_analyst_addition"], tp["source_id"], strict=True)
            ],
            "phase and group from": [
                basis(p, g, s)
                for p, g, s in zip(
                    tp["phase_basis"], tp["group_basis"], tp["source_id"], strict=True
                )
            ],
            "paid": ["yes" if x else "" for x in tp["is_paid"]],
            "brand uses": ["yes" if x in channels else "" for x in tp["touchpoint_id"]],
        }
    )
