"""Gates: conditions that cap the verdict whatever the reach, each named as the reason.

* ``channels`` - at least one of the brand's touch points brings users new to the brand
  (a discovery or re-engagement touch point); otherwise nobody can find it: NO-GO.
* ``package`` - the code package fits the platform's 10 MB limit; a stated size over it is
  NO-GO, an unstated size passes with the assumed probability that it fits.
* ``price`` - with the objective ``sales``, a price above the articles' caution point
  (products above 1,000 RMB) is NO-GO: the article advises a native app instead.
* ``use`` - the articles document Mini Programs of the brand's category used for its
  objective; if not, the verdict is at most CONDITIONAL (pilot first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from research.decide.context import Context
from research.model.factors import Brands
from research.vocab import OBJECTIVES, Objective

#: Gate names, in the order they are reported.
GATES = ("channels", "package", "price", "use")
#: What a failed gate caps the verdict at.
CAPS = {"channels": "NO-GO", "package": "NO-GO", "price": "NO-GO", "use": "CONDITIONAL"}
LABELS = {
    "channels": "A touch point that brings users in",
    "package": "Package within the size limit",
    "price": "A price users pay in Mini Programs",
    "use": "A use the articles document",
}


@dataclass(frozen=True)
class GateArrays:
    """Each gate for every brand: the probability it passes (0-1), shape (B,)."""

    channels: np.ndarray
    package: np.ndarray
    price: np.ndarray
    use: np.ndarray

    @property
    def hard(self) -> np.ndarray:
        """Probability that every NO-GO gate passes (gates are independent of reach)."""
        return self.channels * self.package * self.price

    def of(self, name: str) -> np.ndarray:
        """Return gate ``name``'s pass probabilities."""
        return getattr(self, name)


def package_pass(package_mb: np.ndarray, ctx: Context) -> np.ndarray:
    """Return P(package fits the limit): 1/0 for a stated size, the assumed lognormal's CDF
    at the limit for an unstated one (NaN)."""
    limit = ctx.package_limit.value
    unstated = ctx.package_if_unstated
    p_unstated = special.ndtr((np.log(limit) - unstated.mu) / max(unstated.sigma, 1e-12))
    size = np.asarray(package_mb, float)
    return np.where(np.isnan(size), p_unstated, (size <= limit).astype(float))


def gate_arrays(br: Brands, ctx: Context) -> GateArrays:
    """Return every gate of every brand in ``br``."""
    brings = np.array([bool(ctx.brings_users.get(t, False)) for t in ctx.anchors.touchpoints])
    has_acquisition = (np.asarray(br.channels, float) @ brings.astype(float)) > 0
    sales = br.objective == OBJECTIVES.index(Objective.SALES)
    price_ok = ~(sales & (br.price > ctx.caution.value))
    use_ok = ctx.documented_matrix()[br.category, br.objective] > 0
    return GateArrays(
        channels=has_acquisition.astype(float),
        package=package_pass(br.package_mb, ctx),
        price=price_ok.astype(float),
        use=use_ok.astype(float),
    )
