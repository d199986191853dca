"""The evidence layer: the articles' figures as typed tables, with conflicts and stale repeats.

Units follow the column ``unit`` of each observation (``pct`` is 0-100, ``musers`` is
millions of users). Nothing here is an assumption: those live in ``assumptions.yaml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from research.data.tables import load_tables
from research.errors import InputError, closest
from research.paths import resolve_datasets

#: Relative gap above which two sources are said to disagree (0.02 = 2 %).
CONFLICT_TOLERANCE: float = 0.02
#: Relative gap below which a later figure counts as a repeat of an earlier one.
REPEAT_TOLERANCE: float = 0.005


@dataclass(frozen=True, eq=False)
class Evidence:
    """The validated tables of one data folder (hashed by identity, so it can key caches)."""

    datasets_dir: Path
    sources: pd.DataFrame
    units: pd.DataFrame
    metrics: pd.DataFrame
    observations: pd.DataFrame
    touchpoints: pd.DataFrame


@dataclass(frozen=True)
class Observation:
    """One figure from one article."""

    obs_id: int
    metric: str
    segment: str | None
    value: float
    unit: str
    qualifier: str
    as_of: pd.Timestamp
    source_id: str
    locator: str
    kind: str


def load_evidence(datasets: str | Path | None = None) -> Evidence:
    """Return the evidence tables of ``datasets`` (default: the project's ``datasets/``).

    Raises :class:`~research.errors.DataFileError` naming file, row and column when a
    table fails its schema. Results are cached per folder and file modification times.
    """
    folder = resolve_datasets(datasets)
    stamp = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.glob("*"))
        if p.is_file()
    )
    return _load_cached(folder, stamp)


@functools.lru_cache(maxsize=8)
def _load_cached(folder: Path, stamp: tuple) -> Evidence:
    tables = load_tables(folder)
    return Evidence(
        datasets_dir=folder,
        **{k: tables[k] for k in ("sources", "units", "metrics", "observations", "touchpoints")},
    )


def check_metric(ev: Evidence, metric: str) -> str:
    """Return ``metric`` if the data know it, else raise a ValueError naming the choices."""
    known = list(ev.metrics["metric"])
    if metric not in known:
        raise InputError(
            f"metric: unknown metric '{metric}'{closest(metric, known)} (known: {', '.join(known)})"
        )
    return metric


def observations_for(ev: Evidence, metric: str, segment: str | None = None) -> pd.DataFrame:
    """Return the rows of ``metric`` (and ``segment`` if given), oldest ``as_of`` first."""
    check_metric(ev, metric)
    obs = ev.observations
    rows = obs[obs["metric"] == metric]
    if segment is not None:
        rows = rows[rows["segment"].fillna("") == segment]
    return rows.sort_values(["as_of", "obs_id"]).reset_index(drop=True)


def _as_observation(row: pd.Series) -> Observation:
    return Observation(
        obs_id=int(row["obs_id"]),
        metric=str(row["metric"]),
        segment=None if pd.isna(row["segment"]) else str(row["segment"]),
        value=float(row["value"]),
        unit=str(row["unit"]),
        qualifier=str(row["qualifier"]),
        as_of=pd.Timestamp(row["as_of"]),
        source_id=str(row["source_id"]),
        locator=str(row["locator"]),
        kind=str(row["kind"]),
    )


def latest_value(
    ev: Evidence,
    metric: str,
    segment: str | None = None,
    as_of: str | pd.Timestamp | None = None,
    *,
    skip_stale: bool = True,
) -> Observation:
    """Return the figure of ``metric`` with the latest ``as_of`` on or before ``as_of``.

    Stale repeats (an older figure presented as new) are skipped unless ``skip_stale`` is
    False. Ties on ``as_of`` go to the source published later. Raises ``InputError`` when
    no figure is dated on or before ``as_of``.
    """
    rows = observations_for(ev, metric, segment)
    if skip_stale:
        stale = set(find_stale_repeats(ev)["obs_id"])
        rows = rows[~rows["obs_id"].isin(stale)]
    if as_of is not None:
        cutoff = pd.Timestamp(as_of)
        rows = rows[rows["as_of"] <= cutoff]
    if rows.empty:
        seg = f" segment '{segment}'" if segment else ""
        when = f" on or before {pd.Timestamp(as_of).date()}" if as_of is not None else ""
        raise InputError(f"as_of: no figure for metric '{metric}'{seg}{when}")
    published = rows["source_id"].map(ev.sources.set_index("source_id")["published"])
    rows = rows.assign(_published=published).sort_values(["as_of", "_published", "obs_id"])
    return _as_observation(rows.iloc[-1])


def _bounds(obs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    v = obs["value"].to_numpy(float)
    q = obs["qualifier"].to_numpy(str)
    lo = np.where(q == "at_most", -np.inf, v)
    hi = np.where(q == "at_least", np.inf, v)
    return lo, hi


def _pairs(ev: Evidence) -> pd.DataFrame:
    """Return every pair of observations of one metric and segment from two sources."""
    obs = ev.observations.assign(segment=ev.observations["segment"].fillna(""))
    lo, hi = _bounds(obs)
    obs = obs.assign(lo=lo, hi=hi)
    cols = [
        "obs_id",
        "metric",
        "segment",
        "value",
        "qualifier",
        "as_of",
        "source_id",
        "lo",
        "hi",
        "kind",
    ]
    pairs = obs[cols].merge(obs[cols], on=["metric", "segment"], suffixes=("_a", "_b"))
    return pairs[
        (pairs["obs_id_a"] < pairs["obs_id_b"]) & (pairs["source_id_a"] != pairs["source_id_b"])
    ]


def find_conflicts(ev: Evidence, tolerance: float = CONFLICT_TOLERANCE) -> pd.DataFrame:
    """Return pairs of sources whose figures for one metric and segment disagree.

    Two figures disagree when the gap between them, as a share of the larger, exceeds
    ``tolerance`` (0-1). "At least" and "at most" figures are read as open intervals,
    so "over 1 billion" does not conflict with "1.15 billion". ``gap_days`` is the
    distance between the two ``as_of`` dates and ``is_same_period`` marks pairs dated
    within a year of each other, so growth can be told apart from disagreement.
    """
    if not 0 <= tolerance < 1:
        raise InputError(f"tolerance: {tolerance} is outside [0, 1)")
    p = _pairs(ev)
    gap = np.maximum(p["lo_a"], p["lo_b"]) - np.minimum(p["hi_a"], p["hi_b"])
    scale = np.maximum(p["value_a"].abs(), p["value_b"].abs())
    rel = (gap / scale.where(scale > 0, 1)).clip(lower=0)
    out = p.assign(rel_gap=rel, gap_days=(p["as_of_b"] - p["as_of_a"]).dt.days.abs())
    out = out[out["rel_gap"] > tolerance]
    out = out.assign(is_same_period=out["gap_days"] <= 365)
    keep = [
        "metric",
        "segment",
        "obs_id_a",
        "source_id_a",
        "value_a",
        "as_of_a",
        "obs_id_b",
        "source_id_b",
        "value_b",
        "as_of_b",
        "rel_gap",
        "gap_days",
        "is_same_period",
    ]
    return out[keep].sort_values(["metric", "obs_id_a", "obs_id_b"]).reset_index(drop=True)


def find_stale_repeats(ev: Evidence, tolerance: float = REPEAT_TOLERANCE) -> pd.DataFrame:
    """Return figures a later source repeats from an earlier one as if they were new.

    A row is a stale repeat when, for a time-varying metric (``metrics.is_time_varying``),
    a source published later gives the same value (within ``tolerance``, 0-1) as an
    earlier source's figure while dating it later. Columns: the repeat (``obs_id``,
    ``source_id``, ``as_of``, ``value``) and the original it repeats.
    """
    return _stale_cached(ev, tolerance).copy()


@functools.lru_cache(maxsize=16)
def _stale_cached(ev: Evidence, tolerance: float) -> pd.DataFrame:
    p = _pairs(ev)
    varying = set(ev.metrics.loc[ev.metrics["is_time_varying"], "metric"])
    published = ev.sources.set_index("source_id")["published"]
    rows = []
    for first, second in (("a", "b"), ("b", "a")):
        orig_pub = p[f"source_id_{first}"].map(published)
        rep_pub = p[f"source_id_{second}"].map(published)
        same = (p[f"value_{first}"] - p[f"value_{second}"]).abs() <= tolerance * p[
            [f"value_{first}", f"value_{second}"]
        ].abs().max(axis=1)
        mask = (
            p["metric"].isin(varying)
            & same
            & (rep_pub > orig_pub)
            & (p[f"as_of_{second}"] > p[f"as_of_{first}"])
            & (p[f"qualifier_{first}"] == p[f"qualifier_{second}"])
        )
        hit = p[mask]
        rows.append(
            pd.DataFrame(
                {
                    "metric": hit["metric"],
                    "segment": hit["segment"],
                    "obs_id": hit[f"obs_id_{second}"],
                    "source_id": hit[f"source_id_{second}"],
                    "as_of": hit[f"as_of_{second}"],
                    "value": hit[f"value_{second}"],
                    "original_obs_id": hit[f"obs_id_{first}"],
                    "original_source_id": hit[f"source_id_{first}"],
                    "original_as_of": hit[f"as_of_{first}"],
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["metric", "obs_id"]).reset_index(drop=True)


def figures_table(ev: Evidence, metric: str | None = None) -> pd.DataFrame:
    """Return the observations joined with their source's publication date and flags.

    Adds ``published`` (the source's publication date), ``conflicts_with`` (obs_ids,
    ``;``-separated, of figures that disagree) and ``repeats_obs_id`` (the original a
    stale repeat copies, else empty).
    """
    obs = ev.observations if metric is None else observations_for(ev, metric)
    conflicts = find_conflicts(ev)
    stale = find_stale_repeats(ev)
    links: dict[int, list[int]] = {}
    for a, b in zip(conflicts["obs_id_a"], conflicts["obs_id_b"], strict=True):
        links.setdefault(int(a), []).append(int(b))
        links.setdefault(int(b), []).append(int(a))
    repeats = dict(
        zip(stale["obs_id"].astype(int), stale["original_obs_id"].astype(int), strict=True)
    )
    published = obs["source_id"].map(ev.sources.set_index("source_id")["published"])
    return (
        obs.assign(
            published=published,
            conflicts_with=[
                ";".join(str(x) for x in sorted(links.get(int(i), []))) for i in obs["obs_id"]
            ],
            repeats_obs_id=[
                str(repeats[int(i)]) if int(i) in repeats else "" for i in obs["obs_id"]
            ],
        )
        .sort_values(["metric", "as_of", "obs_id"])
        .reset_index(drop=True)
    )


def cite(ev: Evidence, source_ids: list[str] | tuple[str, ...]) -> str:
    """Return a short citation list, e.g. ``"Sinorblog (2019-09-11); Datawords (c. 2019)"``.

    Estimated publication dates show only the year, after "c.". An unknown id raises a
    ValueError naming it and the closest known id.
    """
    src = ev.sources.set_index("source_id")
    parts = []
    for sid in dict.fromkeys(source_ids):
        if sid not in src.index:
            known = list(src.index)
            raise InputError(f"source_id: '{sid}' is not a known source{closest(str(sid), known)}")
        row = src.loc[sid]
        date = row["published"].strftime("%Y-%m-%d" if not row["is_published_estimated"] else "%Y")
        prefix = "c. " if row["is_published_estimated"] else ""
        parts.append(f"{row['producer']} ({prefix}{date})")
    return "; ".join(parts)


def summarise(ev: Evidence) -> str:
    """Return a short plain-text summary of the evidence: counts, conflicts, stale repeats."""
    obs = ev.observations
    conflicts, stale = find_conflicts(ev), find_stale_repeats(ev)
    lines = [
        f"Evidence in {ev.datasets_dir}",
        f"  {len(ev.sources)} sources, {len(obs)} figures "
        f"({int((obs['kind'] == 'reported').sum())} reported, "
        f"{int((obs['kind'] == 'derived').sum())} derived), "
        f"{obs['metric'].nunique()} metrics, {len(ev.touchpoints)} touch points",
        f"  {len(conflicts)} conflicting pairs of figures, {len(stale)} stale repeats",
    ]
    for r in conflicts.itertuples():
        lines.append(
            f"  conflict  {r.metric}{'/' + r.segment if r.segment else ''}: "
            f"{r.value_a:g} ({r.source_id_a}, {r.as_of_a.date()}) vs "
            f"{r.value_b:g} ({r.source_id_b}, {r.as_of_b.date()})"
        )
    for r in stale.itertuples():
        lines.append(
            f"  stale     {r.metric}: {r.value:g} in {r.source_id} (dated {r.as_of.date()}) "
            f"repeats {r.original_source_id} (dated {r.original_as_of.date()})"
        )
    return "\n".join(lines)


def dau_timeline(ev: Evidence | None = None) -> pd.DataFrame:
    """Return every dated DAU and program-count figure with its flags.

    Columns: metric, as_of, value, unit, source_id, obs_id, is_stale_repeat,
    is_in_conflict.
    """
    ev = ev or load_evidence()
    stale = set(find_stale_repeats(ev)["obs_id"])
    conflicts = find_conflicts(ev)
    in_conflict = set(conflicts["obs_id_a"]) | set(conflicts["obs_id_b"])
    frames = []
    for metric in ("mini_program_dau", "mini_program_count"):
        rows = observations_for(ev, metric)
        frames.append(
            rows.assign(
                is_stale_repeat=rows["obs_id"].isin(stale),
                is_in_conflict=rows["obs_id"].isin(in_conflict),
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out[
        [
            "metric",
            "as_of",
            "value",
            "unit",
            "source_id",
            "obs_id",
            "is_stale_repeat",
            "is_in_conflict",
        ]
    ]
