"""What to research first: the expected value of partial perfect information (EVPPI).

With a right/wrong payoff, the chance of the wrong call is min(p, 1 - p) when deciding on
p = P(GO event). Knowing input X exactly first, it is E_X[min(p(X), 1 - p(X))], where
p(X) = P(GO event | X). The value of researching X is the expected drop,

    EVPPI(X) = E_X[max(p(X), 1 - p(X))] - max(p, 1 - p)        (0-1, the chance of a wrong call)

p(X) is estimated from the assessment's own draws by binning (sort by X, the mean of the
exact conditional probability in equal-count bins; as ``empirical_EVPI`` in R's
decisionSupport), or, for the inputs entered exactly (conversion, need, package size), on
32 equal-probability quantiles of X. An input whose EVPPI is near zero cannot change the
answer, however wide its range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from research.decide.context import Context
from research.decide.engine import Evaluation
from research.decide.levers import Pinning, Uncertain, p_go_by_bin, values_of
from research.model.factors import Brands

#: Values of information (0-1) below this are the draws' noise: nothing to research.
MATTERS_AT_LEAST = 0.0005
#: From this value (0-1, half a percentage point) researching the input is recommended.
WORTH_RESEARCH_AT_LEAST = 0.005


@dataclass(frozen=True)
class Value:
    """The value of resolving one input before deciding."""

    input: str
    label: str
    basis: str
    value_of_information: float  # expected drop in the chance of a wrong call, 0-1

    @property
    def matters(self) -> bool:
        """Whether knowing the input first could change the call at all (0.05 points or
        more: less is the draws' noise)."""
        return self.value_of_information >= MATTERS_AT_LEAST

    @property
    def worth_research(self) -> bool:
        """Whether knowing it first is worth at least half a percentage point."""
        return self.value_of_information >= WORTH_RESEARCH_AT_LEAST


def evppi(p_given_x: np.ndarray, p: float) -> float:
    """Return E[max(p(X), 1 - p(X))] - max(p, 1 - p) for equally likely values of p(X)."""
    px = np.asarray(p_given_x, float)
    return max(0.0, float(np.mean(np.maximum(px, 1.0 - px))) - max(p, 1.0 - p))


def research_first(
    inputs: list[Uncertain], v, br1: Brands, ev1: Evaluation, ctx: Context
) -> tuple[Value, ...]:
    """Return every input's value of information, highest first (ties by name)."""
    p = float(ev1.p_go[0])
    rows = []
    pin = Pinning(v, br1, ev1, ctx)
    for x in inputs:
        if x.kind in ("conversion", "need", "package"):
            px = pin.each(x, values_of(x, v, ev1, ctx))
        else:
            px = p_go_by_bin(x, v, ev1, ctx)
        rows.append(Value(x.name, x.label, x.basis, evppi(px, p)))
    return tuple(sorted(rows, key=lambda r: (-round(r.value_of_information, 12), r.input)))
