"""Analyst assumptions: the numbers the articles do not give, each a range with a rationale.

They live in ``datasets/assumptions.yaml``, apart from the evidence. Every model result
lists the names of the assumptions it used, so charts and tables can show which inputs
are sourced and which are assumed.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from research.errors import DataFileError, closest
from research.model import distributions as u
from research.paths import display, resolve_datasets
from research.vocab import CRITERIA, GROUPS, OBJECTIVES


@dataclass(frozen=True)
class Assumption:
    """One analyst assumption: a 90% interval [low, high] (or a Dirichlet mean) in ``unit``."""

    name: str
    dist: str
    low: float
    high: float
    unit: str
    rationale: str
    needed_for: str
    mean: tuple[float, ...] = ()
    concentration: float = 0.0

    def node(self) -> u.Node:
        """Return the distribution this assumption stands for."""
        if self.dist == "dirichlet":
            return u.Dirichlet(self.mean, u.Fixed(self.concentration))
        return u.from_interval(self.low, self.high, self.dist)

    def range_text(self) -> str:
        """Return the range as text, e.g. ``'0.8 to 1.4'`` or a Dirichlet mean."""
        if self.dist == "dirichlet":
            shares = ", ".join(f"{m:.0%}" for m in self.mean)
            return f"mean {shares} (concentration {self.concentration:g})"
        return f"{self.low:g} to {self.high:g}"


@dataclass(frozen=True)
class Policy:
    """Decision rules: the bar a draw must reach, verdict cut-offs, thresholds, weights."""

    bar: float
    go_at_least: float
    no_go_below: float
    thresholds: dict
    weights: dict

    def weight_vector(self, objective: str) -> np.ndarray:
        """Return the criteria weights for ``objective`` in :data:`CRITERIA` order."""
        return np.array([self.weights[objective][c] for c in CRITERIA], float)


@dataclass(frozen=True, eq=False)
class Assumptions:
    """Everything in ``assumptions.yaml``: ranges, touch-point group weights, statements, policy."""

    path: Path
    items: dict
    group_weights: dict
    statements: dict
    policy: Policy

    def __getitem__(self, name: str) -> Assumption:
        if name not in self.items:
            raise DataFileError(
                f"{display(self.path)}: assumption '{name}' is missing"
                f"{closest(name, list(self.items))}"
            )
        return self.items[name]

    def node(self, name: str) -> u.Node:
        """Return the distribution of assumption ``name``."""
        return self[name].node()

    def describe(self, names: Sequence[str]) -> tuple[dict, ...]:
        """Return name, range, unit, dist and rationale of each named assumption or statement.

        Names that are neither (e.g. policy keys) are skipped.
        """
        rows = []
        for name in names:
            if name in self.items:
                it = self.items[name]
                rows.append(
                    {
                        "name": name,
                        "range": it.range_text(),
                        "unit": it.unit,
                        "dist": it.dist,
                        "rationale": it.rationale,
                    }
                )
            elif name in self.statements:
                rows.append(
                    {
                        "name": name,
                        "range": "statement",
                        "unit": "",
                        "dist": "",
                        "rationale": self.statements[name],
                    }
                )
            elif name == "access_group_weights":
                w = ", ".join(f"{k} {v:g}" for k, v in self.group_weights.items())
                rows.append(
                    {
                        "name": name,
                        "range": w,
                        "unit": "prior weight",
                        "dist": "",
                        "rationale": "Prior split of named touch points by group",
                    }
                )
        return tuple(rows)


def _fail(path: Path, where: str, problem: str) -> DataFileError:
    return DataFileError(f"{display(path)}: {where}: {problem}")


def _number(path: Path, where: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise _fail(path, where, f"{value!r} is not a number")
    return float(value)


def _parse_item(path: Path, name: str, raw: object) -> Assumption:
    where = f"assumptions.{name}"
    if not isinstance(raw, dict):
        raise _fail(path, where, "must be a mapping with dist, low, high, unit, rationale")
    for key in ("dist", "unit", "rationale", "needed_for"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _fail(path, f"{where}.{key}", "is required (a non-empty text)")
    dist = raw["dist"]
    allowed = ("lognormal", "normal", "logit", "uniform", "dirichlet")
    if dist not in allowed:
        raise _fail(
            path,
            f"{where}.dist",
            f"'{dist}' is not allowed (allowed: {', '.join(allowed)}){closest(dist, allowed)}",
        )
    common = {
        "name": name,
        "dist": dist,
        "unit": raw["unit"],
        "rationale": raw["rationale"],
        "needed_for": raw["needed_for"],
    }
    if dist == "dirichlet":
        mean = raw.get("mean")
        if not isinstance(mean, list) or len(mean) < 2:
            raise _fail(path, f"{where}.mean", "must be a list of 2+ shares summing to 1")
        m = tuple(_number(path, f"{where}.mean", x) for x in mean)
        if min(m) <= 0 or abs(sum(m) - 1) > 1e-6:
            raise _fail(path, f"{where}.mean", f"{list(m)} must be positive and sum to 1")
        conc = _number(path, f"{where}.concentration", raw.get("concentration"))
        if conc <= 0:
            raise _fail(path, f"{where}.concentration", f"{conc} must be > 0")
        return Assumption(low=min(m), high=max(m), mean=m, concentration=conc, **common)
    low = _number(path, f"{where}.low", raw.get("low"))
    high = _number(path, f"{where}.high", raw.get("high"))
    if low > high:
        raise _fail(path, where, f"low {low:g} is above high {high:g}")
    item = Assumption(low=low, high=high, **common)
    try:
        item.node()
    except ValueError as err:
        raise _fail(path, where, str(err)) from None
    return item


def _parse_policy(path: Path, raw: object) -> Policy:
    if not isinstance(raw, dict):
        raise _fail(path, "policy", "must be a mapping")
    bar = _number(path, "policy.bar", raw.get("bar"))
    verdict = raw.get("verdict") or {}
    go = _number(path, "policy.verdict.go_at_least", verdict.get("go_at_least"))
    nogo = _number(path, "policy.verdict.no_go_below", verdict.get("no_go_below"))
    if not 0 <= nogo <= go <= 1:
        raise _fail(path, "policy.verdict", "need 0 <= no_go_below <= go_at_least <= 1")
    thresholds = raw.get("thresholds") or {}
    for c in CRITERIA:
        t = _number(path, f"policy.thresholds.{c}", thresholds.get(c))
        if not 0 <= t <= 1:
            raise _fail(path, f"policy.thresholds.{c}", f"{t} is outside [0, 1]")
    weights = raw.get("weights") or {}
    for obj in OBJECTIVES:
        row = weights.get(obj)
        if not isinstance(row, dict):
            raise _fail(
                path, f"policy.weights.{obj}", "is required (a mapping of criterion weights)"
            )
        for c in CRITERIA:
            w = _number(path, f"policy.weights.{obj}.{c}", row.get(c))
            if w < 0:
                raise _fail(path, f"policy.weights.{obj}.{c}", f"{w} must be >= 0")
        if abs(sum(row[c] for c in CRITERIA) - 1) > 1e-6:
            raise _fail(path, f"policy.weights.{obj}", "weights must sum to 1")
    return Policy(bar, go, nogo, dict(thresholds), {k: dict(v) for k, v in weights.items()})


def resolve(ev=None, a: Assumptions | None = None):
    """Return ``(evidence, assumptions)``, loading the project's own for any not given.

    Assumptions default to the ``assumptions.yaml`` beside the evidence's tables.
    """
    from research.data.evidence import load_evidence

    ev = ev or load_evidence()
    return ev, a or load_assumptions(ev.datasets_dir)


def load_assumptions(datasets: str | Path | None = None) -> Assumptions:
    """Return the validated assumptions of ``datasets/assumptions.yaml``.

    Raises :class:`~research.errors.DataFileError` naming the file and the key at fault.
    """
    path = resolve_datasets(datasets) / "assumptions.yaml"
    if not path.is_file():
        raise DataFileError(f"{display(path)}: file not found")
    stat = path.stat()
    return _load_cached(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime: int, size: int) -> Assumptions:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataFileError(f"{display(path)}: not valid YAML{at}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("assumptions"), dict):
        raise _fail(path, "assumptions", "is required (a mapping of named assumptions)")
    items = {name: _parse_item(path, name, v) for name, v in raw["assumptions"].items()}
    gw = raw.get("access_group_weights")
    if not isinstance(gw, dict):
        raise _fail(path, "access_group_weights", "is required (a weight per touch-point group)")
    for g in GROUPS:
        if _number(path, f"access_group_weights.{g}", gw.get(g)) < 0:
            raise _fail(path, f"access_group_weights.{g}", "must be >= 0")
    statements = raw.get("statements") or {}
    if not isinstance(statements, dict):
        raise _fail(path, "statements", "must be a mapping of name: text")
    return Assumptions(
        path,
        items,
        {g: float(gw[g]) for g in GROUPS},
        dict(statements),
        _parse_policy(path, raw.get("policy")),
    )
