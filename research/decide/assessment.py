"""The results of an assessment, as frozen dataclasses with one JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.data.profiles import BrandProfile, profile_to_dict
from research.model import distributions as u
from research.model import funnel as market


@dataclass(frozen=True)
class Criterion:
    """One scorecard line: median score (0-1) with its interval, weight, threshold, reason.

    ``value`` is the median of the quantity scored, in ``value_unit``: the audience's
    share of users, the share spending at least the price, the category's penetration,
    the channels' share of arrivals, the package size (MB) or the objective score.
    """

    name: str
    label: str
    value: float
    value_unit: str
    score: float
    p5: float
    p95: float
    weight: float
    threshold: float
    passed: bool
    reason: str
    sources: tuple[str, ...]
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class Sensitivity:
    """How far the mean weighted score moves when one input swings from its p5 to its p95."""

    input: str
    label: str
    value_low: float
    value_high: float
    low: float
    high: float
    swing: float
    p_go_low: float
    p_go_high: float
    basis: str


@dataclass(frozen=True)
class BreakEven:
    """The value of an input (or of the brand's price) at which the verdict would flip."""

    input: str
    label: str
    current: float
    value: float | None
    flips_to: str | None
    unit: str


@dataclass(frozen=True)
class Assessment:
    """The full answer for one brand."""

    profile: BrandProfile
    verdict: str
    p_go: float
    score: u.Interval
    seed: int
    draws: int
    method: str
    as_of: pd.Timestamp
    criteria: tuple[Criterion, ...]
    funnel: tuple[market.Stage, ...]
    sensitivity: tuple[Sensitivity, ...]
    break_even: tuple[BreakEven, ...]
    reasons: tuple[str, ...]
    assumptions: tuple[dict, ...]
    sources: tuple[dict, ...]
    bar: float
    score_draws: np.ndarray = field(repr=False, compare=False)

    def criterion(self, name: str) -> Criterion:
        """Return the scorecard line of criterion ``name`` (one of :data:`CRITERIA`)."""
        return next(c for c in self.criteria if c.name == name)

    def to_dict(self) -> dict:
        """Return the assessment as a JSON-safe dict (rounded, stable key order)."""
        r = lambda x, d=4: None if x is None else round(float(x), d)  # noqa: E731
        return {
            "brand": self.profile.name,
            "slug": self.profile.slug,
            "verdict": self.verdict,
            "p_go": r(self.p_go),
            "score": {"p5": r(self.score.p5), "p50": r(self.score.p50), "p95": r(self.score.p95)},
            "bar": self.bar,
            "seed": self.seed,
            "draws": self.draws,
            "method": self.method,
            "as_of": self.as_of.strftime("%Y-%m-%d"),
            "profile": profile_to_dict(self.profile),
            "reasons": list(self.reasons),
            "criteria": [
                {
                    "name": c.name,
                    "label": c.label,
                    "value": r(c.value),
                    "value_unit": c.value_unit,
                    "score": r(c.score),
                    "p5": r(c.p5),
                    "p95": r(c.p95),
                    "weight": r(c.weight),
                    "threshold": r(c.threshold),
                    "passed": c.passed,
                    "reason": c.reason,
                    "sources": list(c.sources),
                    "assumptions": list(c.assumptions),
                }
                for c in self.criteria
            ],
            "funnel": [
                {
                    "stage": s.stage,
                    "label": s.label,
                    "p5": round(s.p5),
                    "p50": round(s.p50),
                    "p95": round(s.p95),
                    "unit": s.unit,
                    "basis": s.basis,
                }
                for s in self.funnel
            ],
            "sensitivity": [
                {
                    "input": s.input,
                    "label": s.label,
                    "low": r(s.low),
                    "high": r(s.high),
                    "swing": r(s.swing),
                    "value_low": r(s.value_low, 6),
                    "value_high": r(s.value_high, 6),
                    "p_go_low": r(s.p_go_low),
                    "p_go_high": r(s.p_go_high),
                    "basis": s.basis,
                }
                for s in self.sensitivity
            ],
            "break_even": [
                {
                    "input": b.input,
                    "label": b.label,
                    "current": r(b.current, 6),
                    "value": r(b.value, 6),
                    "flips_to": b.flips_to,
                    "unit": b.unit,
                }
                for b in self.break_even
            ],
            "assumptions": list(self.assumptions),
            "sources": list(self.sources),
        }
