"""The results of an assessment, as frozen dataclasses with one JSON shape (:meth:`to_dict`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.data.profiles import BrandProfile, profile_to_dict
from research.decide.flips import Flip
from research.decide.sensitivity import Swing
from research.decide.voi import Value
from research.formats import format_range, format_users
from research.model.distributions import Interval
from research.model.funnel import Stage

#: How many inputs the JSON, text and deck list under "research first".
RESEARCH_FIRST = 3


@dataclass(frozen=True)
class Reason:
    """One reason, in plain words, with the source ids and assumption names behind it."""

    text: str
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Return the reason as a JSON-safe dict."""
        return {
            "text": self.text,
            "sources": list(self.sources),
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True)
class Gate:
    """A condition that caps the verdict: NO-GO (or CONDITIONAL for ``use``) when it fails."""

    name: str
    label: str
    passed: bool
    p_pass: float  # probability it passes, 0-1 (1 or 0 unless an input is assumed)
    caps: str
    reason: Reason
    limit: float | None = None  # the gate's limit in its unit (RMB, MB), if any


@dataclass(frozen=True)
class Criterion:
    """One line of evidence: a quantity the verdict rests on, with its 90% interval."""

    name: str
    label: str
    value: float  # median, in value_unit
    p5: float
    p95: float
    value_unit: str
    basis: str
    reason: Reason


@dataclass(frozen=True)
class Need:
    """The users a day the brand needs: stated in its profile or assumed by objective."""

    daily_users: float  # median
    low: float  # 90% interval
    high: float
    basis: str  # stated or assumed
    assumption: str | None

    def figure(self) -> str:
        """Return the need as a reader should see it: a stated range as its range ('200 to
        800'), else its median ('1.6k')."""
        if self.basis == "stated" and self.low < self.high:
            return format_range(self.low, self.high, format_users)
        return format_users(self.daily_users)


@dataclass(frozen=True)
class Assessment:
    """The full answer for one brand, every number from one set of draws."""

    profile: BrandProfile
    verdict: str
    p_go: float
    p_go_event: str
    seed: int
    draws: int
    method: str
    as_of: pd.Timestamp  # the date the market figures are read at
    analysis_date: dt.date
    evidence_as_of: pd.Timestamp  # the newest figure the verdict used
    evidence_as_of_is_estimated: bool
    need: Need
    reach: Interval  # users a day the brand can reach
    users: Interval  # the brand's own users a day (reach x conversion)
    conversion: Interval  # share of reachable users converted, 0-1
    gates: tuple[Gate, ...]
    criteria: tuple[Criterion, ...]
    funnel: tuple[Stage, ...]
    sensitivity: tuple[Swing, ...]
    research_first: tuple[Value, ...]
    flips: tuple[Flip, ...]
    reasons: tuple[Reason, ...]
    assumptions: tuple[dict, ...]
    sources: tuple[dict, ...]
    warn_after_days: int  # the data is old beyond this many days (assumptions.yaml policy)
    values: dict = field(repr=False, compare=False)  # the draws of every input
    factors: dict = field(repr=False, compare=False)  # the brand's factors, 1-D draws each

    @property
    def evidence_age_days(self) -> int:
        """Days from the newest figure used to the analysis date (never negative: a figure
        dated after the analysis date is refused before any work). A profile's ``as_of``
        dates the market model, not the analysis, so it does not shorten the age: a profile
        read at 2018 figures and analysed in 2026 rests on figures seven years old."""
        return int((pd.Timestamp(self.analysis_date) - self.evidence_as_of).days)

    @property
    def evidence_is_old(self) -> bool:
        """Whether the newest figure is older than the policy's warning age."""
        return self.evidence_age_days > self.warn_after_days

    def criterion(self, name: str) -> Criterion:
        """Return the evidence line ``name``."""
        return next(c for c in self.criteria if c.name == name)

    def gate(self, name: str) -> Gate:
        """Return the gate ``name``."""
        return next(g for g in self.gates if g.name == name)

    def failed_gates(self) -> tuple[Gate, ...]:
        """Return the gates that fail, NO-GO gates first."""
        return tuple(g for g in self.gates if not g.passed)

    def to_dict(self) -> dict:
        """Return the assessment as a JSON-safe dict (rounded, stable key order)."""
        r = lambda x, d=4: None if x is None else round(float(x), d)  # noqa: E731
        users = lambda x: int(round(float(x)))  # noqa: E731
        iv = lambda i, f=users: {"p5": f(i.p5), "p50": f(i.p50), "p95": f(i.p95)}  # noqa: E731
        return {
            "brand": self.profile.name,
            "slug": self.profile.slug,
            "verdict": self.verdict,
            "p_go": r(self.p_go),
            "p_go_event": self.p_go_event,
            "seed": self.seed,
            "draws": self.draws,
            "method": self.method,
            "as_of": self.as_of.strftime("%Y-%m-%d"),
            "analysis_date": self.analysis_date.isoformat(),
            "evidence_as_of": self.evidence_as_of.strftime("%Y-%m-%d"),
            "evidence_as_of_is_estimated": self.evidence_as_of_is_estimated,
            "evidence_age_days": self.evidence_age_days,
            "evidence_is_old": self.evidence_is_old,
            "profile": profile_to_dict(self.profile),
            "need": {
                "daily_users": users(self.need.daily_users),
                "low": users(self.need.low),
                "high": users(self.need.high),
                "basis": self.need.basis,
                "assumption": self.need.assumption,
            },
            "reach": iv(self.reach) | {"unit": "users a day"},
            "users": iv(self.users) | {"unit": "users a day"},
            "conversion": iv(self.conversion, lambda x: r(x, 6)) | {"unit": "share"},
            "gates": [
                {
                    "name": g.name,
                    "label": g.label,
                    "passed": g.passed,
                    "p_pass": r(g.p_pass),
                    "caps": g.caps,
                    "reason": g.reason.text,
                    "sources": list(g.reason.sources),
                    "assumptions": list(g.reason.assumptions),
                }
                for g in self.gates
            ],
            "criteria": [
                {
                    "name": c.name,
                    "label": c.label,
                    "value": r(c.value),
                    "p5": r(c.p5),
                    "p95": r(c.p95),
                    "value_unit": c.value_unit,
                    "basis": c.basis,
                    "reason": c.reason.text,
                    "sources": list(c.reason.sources),
                    "assumptions": list(c.reason.assumptions),
                }
                for c in self.criteria
            ],
            "funnel": [
                {
                    "stage": s.stage,
                    "label": s.label,
                    "p5": users(s.p5),
                    "p50": users(s.p50),
                    "p95": users(s.p95),
                    "unit": s.unit,
                    "basis": s.basis,
                    "sources": list(s.sources),
                    "assumptions": list(s.assumptions),
                }
                for s in self.funnel
            ],
            "sensitivity": [
                {
                    "input": s.input,
                    "label": s.label,
                    "basis": s.basis,
                    "unit": s.unit,
                    "value_low": r(s.value_low, 6),
                    "value_high": r(s.value_high, 6),
                    "p_go_low": r(s.p_go_low),
                    "p_go_high": r(s.p_go_high),
                    "swing": r(s.swing),
                }
                for s in self.sensitivity
            ],
            "research_first": [
                {
                    "input": x.input,
                    "label": x.label,
                    "basis": x.basis,
                    "value_of_information": r(x.value_of_information),
                }
                for x in self.research_first[:RESEARCH_FIRST]
            ],
            "flips": [
                {
                    "lever": f.lever,
                    "change": f.change,
                    "verdict": f.verdict,
                    "p_go": r(f.p_go),
                    "value": r(f.value, 2),
                }
                for f in self.flips
            ],
            "reasons": [x.to_dict() for x in self.reasons],
            "assumptions": list(self.assumptions),
            "sources": list(self.sources),
        }


def interval(x: np.ndarray) -> Interval:
    """Return the p5 / p50 / p95 / mean of 1-D draws."""
    x = np.asarray(x, float)
    p5, p50, p95 = np.quantile(x, [0.05, 0.5, 0.95])
    return Interval(float(p5), float(p50), float(p95), float(x.mean()))
