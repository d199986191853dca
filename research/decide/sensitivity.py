"""Sensitivity: the probability of the GO event with each uncertain input at its 5th and
95th percentile, the others as drawn (the tornado), from the assessment's own draws."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from research.decide.context import Context
from research.decide.engine import Evaluation
from research.decide.levers import Pinning, Uncertain, values_of
from research.model.factors import Brands

#: A swing below this (0-1) reads as the same whole percentage at both ends.
MOVES_AT_LEAST = 0.005


@dataclass(frozen=True)
class Swing:
    """P(GO event) with one input at its low (p5) and high (p95) value."""

    input: str
    label: str
    basis: str
    unit: str
    value_low: float
    value_high: float
    p_go_low: float
    p_go_high: float

    @property
    def swing(self) -> float:
        """How far the probability moves across the input's range (0-1)."""
        return abs(self.p_go_high - self.p_go_low)

    @property
    def moves(self) -> bool:
        """Whether the input moves the chance at all: by half a percentage point or more,
        which shows as a different whole percentage."""
        return self.swing >= MOVES_AT_LEAST


def swings(
    inputs: list[Uncertain], v, br1: Brands, ev1: Evaluation, ctx: Context
) -> tuple[Swing, ...]:
    """Return one :class:`Swing` per input, largest first (ties by name)."""
    rows = []
    pin = Pinning(v, br1, ev1, ctx)
    for x in inputs:
        values = values_of(x, v, ev1, ctx)
        lo, hi = (float(q) for q in np.quantile(values, [0.05, 0.95]))
        p_lo, p_hi = (float(p) for p in pin.each(x, [lo, hi]))
        rows.append(Swing(x.name, x.label, x.basis, x.unit, lo, hi, p_lo, p_hi))
    return tuple(sorted(rows, key=lambda s: (-round(s.swing, 12), s.input)))
