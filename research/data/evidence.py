"""The evidence layer: the articles' figures as typed tables, each traced to its source and date.

Units follow the column ``unit`` of each observation (``pct`` is 0-100, ``musers`` is
millions of users). Nothing here is an assumption: those live in ``assumptions.yaml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from research.data import consistency
from research.data.tables import load_tables
from research.errors import InputError, closest
from research.paths import resolve_datasets


@dataclass(frozen=True, eq=False)
class Evidence:
    """The validated tables of one data folder (hashed by identity, so it can key caches)."""

    datasets_dir: Path
    sources: pd.DataFrame
    units: pd.DataFrame
    metrics: pd.DataFrame
    observations: pd.DataFrame
    touchpoints: pd.DataFrame
    uses: pd.DataFrame


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
    as_of_is_estimated: bool
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
        **{
            k: tables[k]
            for k in ("sources", "units", "metrics", "observations", "touchpoints", "uses")
        },
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
        as_of_is_estimated=bool(row["as_of_is_estimated"]),
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
    check_metric(ev, metric)
    ranked = _ranked(ev)
    keep = ranked["metric"] == metric
    if segment is not None:
        keep &= ranked["segment"].fillna("") == segment
    if skip_stale:
        keep &= ~ranked["_stale"]
    if as_of is not None:
        keep &= ranked["as_of"] <= pd.Timestamp(as_of)
    rows = ranked[keep]
    if rows.empty:
        seg = f" segment '{segment}'" if segment else ""
        when = f" on or before {pd.Timestamp(as_of).date()}" if as_of is not None else ""
        where = "as_of" if as_of is not None else f"{ev.datasets_dir / 'observations.csv'}"
        raise InputError(f"{where}: no figure for metric '{metric}'{seg}{when}")
    return _as_observation(rows.iloc[-1])


@functools.lru_cache(maxsize=8)
def _ranked(ev: Evidence) -> pd.DataFrame:
    """Return the observations oldest first (ties: the source published earlier first), with
    ``_stale`` marking stale repeats; cached per evidence (hashed by identity)."""
    stale = set(consistency.find_stale_repeats(ev)["obs_id"])
    published = ev.observations["source_id"].map(ev.sources.set_index("source_id")["published"])
    return (
        ev.observations.assign(_published=published, _stale=ev.observations["obs_id"].isin(stale))
        .sort_values(["as_of", "_published", "obs_id"])
        .reset_index(drop=True)
    )


def figures_table(ev: Evidence, metric: str | None = None) -> pd.DataFrame:
    """Return the observations joined with their source's publication date and relations.

    Adds ``published`` (the source's publication date), ``repeats_obs_id`` (the earlier
    figure a stale repeat restates, else empty) and ``conflicts_with`` (``;``-separated
    obs_ids of figures that disagree about the same period), see
    :mod:`research.data.consistency`.
    """
    obs = ev.observations if metric is None else observations_for(ev, metric)
    conflicts = consistency.find_conflicts(ev)
    stale = consistency.find_stale_repeats(ev)
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
            repeats_obs_id=[
                str(repeats[int(i)]) if int(i) in repeats else "" for i in obs["obs_id"]
            ],
            conflicts_with=[
                ";".join(str(x) for x in sorted(links.get(int(i), []))) for i in obs["obs_id"]
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
