"""The uncertain inputs behind one brand's verdict, and the verdict with one of them pinned.

Sensitivity (the tornado) and value of information both ask "what is P(GO) if we knew
this input?". The engine's factors make that cheap: each input feeds one factor of the
funnel, so pinning it recomputes one factor and the product, on the same draws. The
conversion from reach to users, the need and an unstated package size are not drawn:
they enter the probability exactly, so pinning one changes a formula, not a draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import special

from research.decide.context import Context
from research.decide.engine import Evaluation, Needs, success
from research.decide.gates import package_pass
from research.model import access
from research.model import distributions as u
from research.model import funnel as market
from research.model.factors import Brands, factor, factor_of, reach_of


@dataclass(frozen=True)
class Uncertain:
    """One uncertain input of a brand's verdict.

    ``kind`` is ``draws`` (an input of the funnel, 1-D draws), ``tier_share`` (the brand's
    share of users in its city tiers, from two Dirichlet inputs), or ``conversion``,
    ``need``, ``package`` (entered exactly, see the module docstring).
    """

    name: str
    label: str
    basis: str
    kind: str
    unit: str
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()


def brand_inputs(ins: Mapping[str, u.Input], br1: Brands, needs: Needs, ctx: Context) -> list:
    """Return the uncertain inputs behind the verdict of the single brand ``br1``."""
    p = br1.profiles[0]
    aud = p.audience
    out = []
    all_tiers = len(aud.city_tiers) == 5
    for key, *_ in market.STEPS:
        price = p.price_rmb if p.objective == "sales" else 0.0
        for name in market.step_inputs(key, p.category, p.channels, aud.gender, price, all_tiers):
            if name not in ins or isinstance(ins[name].node, u.Fixed):
                continue
            i = ins[name]
            if name in ("tier_bands", "tier_split"):
                if any(x.name == "tier_share" for x in out):
                    continue
                tiers = ins["tier_bands"], ins["tier_split"]
                out.append(
                    Uncertain(
                        "tier_share",
                        "Share of users in the brand's city tiers",
                        "mixed",
                        "tier_share",
                        "share of users",
                        tuple(s for t in tiers for s in t.sources),
                        tuple(x for t in tiers for x in t.assumptions),
                    )
                )
                continue
            out.append(Uncertain(name, i.label, i.basis, "draws", i.unit, i.sources, i.assumptions))
    out.append(
        Uncertain(
            "conversion",
            "Share of reachable users who become the brand's daily users",
            "assumed",
            "conversion",
            "share of reachable users",
            (),
            ("reach_to_users_share",),
        )
    )
    if needs.sigma[0] > 0:
        stated = bool(needs.is_stated[0])
        out.append(
            Uncertain(
                "need",
                "Daily users the brand needs",
                "stated" if stated else "assumed",
                "need",
                "users a day",
                (),
                () if stated else (f"need_daily_users_{p.objective}",),
            )
        )
    if np.isnan(br1.package_mb[0]):
        out.append(
            Uncertain(
                "package",
                "Code package size (not stated)",
                "assumed",
                "package",
                "MB",
                (),
                ("package_size_if_unstated",),
            )
        )
    return out


def values_of(x: Uncertain, v, ev1: Evaluation, ctx: Context) -> np.ndarray:
    """Return the input's values to bin or swing: its draws, or quantiles for exact ones."""
    if x.kind == "draws":
        return np.asarray(v[x.name], float)
    if x.kind == "tier_share":
        return np.asarray(ev1.factors["tier_share"][0], float)
    q = (np.arange(32) + 0.5) / 32
    if x.kind == "conversion":
        c = ctx.conversion
        return np.exp(c.mu + c.sigma * special.ndtri(q))
    if x.kind == "need":
        return np.exp(ev1.needs.mu[0] + ev1.needs.sigma[0] * special.ndtri(q))
    pkg = ctx.package_if_unstated
    return np.exp(pkg.mu + pkg.sigma * special.ndtri(q))


def p_go_pinned(x: Uncertain, value: float, v, br1: Brands, ev1: Evaluation, ctx: Context) -> float:
    """Return P(GO event) of the single brand with input ``x`` pinned at ``value``."""
    g = ev1.gates
    hard = float(g.channels[0] * g.price[0])
    if x.kind == "package":
        return hard * float(package_pass(np.array([value]), ctx)[0]) * float(ev1.p_reach[0])
    hard *= float(g.package[0])
    if x.kind == "conversion":
        s = success(ev1.factors["reach"], ev1.needs, ctx.conversion, conv_log=np.log(value))
        return hard * float(s.mean())
    if x.kind == "need":
        pinned = Needs(np.array([np.log(value)]), np.array([0.0]), ev1.needs.is_stated)
        return hard * float(success(ev1.factors["reach"], pinned, ctx.conversion).mean())
    n = len(np.asarray(v["spend_le_share"]))
    if x.kind == "tier_share":
        new = np.full((1, n), value)
        name = "tier_share"
    else:
        name = factor_of(x.name)
        new = factor(name, {**v, x.name: np.full(n, value)}, br1, ctx.anchors)
    reach = reach_of(ev1.factors, **{name: new})
    return hard * float(success(reach, ev1.needs, ctx.conversion).mean())


class Pinning:
    """:func:`p_go_pinned` for the inputs of one assessment (draws ``v`` of the single brand
    ``br1``, evaluated as ``ev1``), sharing the work the pins have in common: log(1 - share)
    of every touch point on every draw is computed once, and a pinned touch point replaces
    its row only."""

    def __init__(self, v, br1: Brands, ev1: Evaluation, ctx: Context) -> None:
        self.v, self.br1, self.ev1, self.ctx = v, br1, ev1, ctx
        self._log_miss: np.ndarray | None = None

    def each(self, x: Uncertain, values) -> np.ndarray:
        """Return :func:`p_go_pinned` at each of ``values``, the same numbers bit for bit.

        The inputs entered exactly (conversion, need, package) are pinned at every value in
        one pass over the draws; a drawn input is pinned one value at a time.
        """
        v, br1, ev1, ctx = self.v, self.br1, self.ev1, self.ctx
        values = np.asarray(values, float)
        g = ev1.gates
        hard = float(g.channels[0] * g.price[0])
        if x.kind == "package":
            fits = package_pass(values, ctx)
            return np.array([hard * float(f) * float(ev1.p_reach[0]) for f in fits])
        hard *= float(g.package[0])
        if x.kind == "draws" and factor_of(x.name) == "channel_share":
            return np.array([hard * self._channel_pinned(x.name, q) for q in values])
        if x.kind not in ("conversion", "need"):
            return np.array([p_go_pinned(x, q, v, br1, ev1, ctx) for q in values])
        reach = ev1.factors["reach"]
        logs = np.array([np.log(q) for q in values])  # as p_go_pinned takes each, one by one
        if x.kind == "conversion":
            s = success(reach, ev1.needs, ctx.conversion, conv_log=logs[:, None])
        else:
            k = len(values)
            pinned = Needs(logs, np.zeros(k), np.repeat(ev1.needs.is_stated[:1], k))
            s = success(reach, pinned, ctx.conversion)
        return np.array([hard * float(m) for m in s.mean(axis=1)])

    def _channel_pinned(self, name: str, value: float) -> float:
        """Return P(reach clears the need) with touch-point share ``name`` pinned at ``value``."""
        ids = self.ctx.anchors.touchpoints
        n = len(np.asarray(self.v["spend_le_share"]))
        if self._log_miss is None:
            self._log_miss = access.log_miss(access.reach_matrix(self.v, ids))
        row = [access.input_name(t) for t in ids].index(name)
        kept = self._log_miss[row].copy()
        try:
            self._log_miss[row] = access.log_miss(np.full((1, n), value))[0]
            new = access.reach_of_log_miss(self._log_miss, self.br1.channels)
        finally:
            self._log_miss[row] = kept
        reach = reach_of(self.ev1.factors, channel_share=np.broadcast_to(new, (1, n)))
        return float(success(reach, self.ev1.needs, self.ctx.conversion).mean())


def p_go_by_bin(x: Uncertain, v, ev1: Evaluation, ctx: Context, bins: int = 32) -> np.ndarray:
    """Return P(GO event | the input's value), one value per equal-probability bin.

    Drawn inputs are binned on the assessment's own draws (the mean of the exact
    conditional probability within each bin); exact inputs use their quantiles.
    """
    if x.kind in ("conversion", "need", "package"):
        raise ValueError("p_go_by_bin: use p_go_pinned on the quantiles of an exact input")
    values = values_of(x, v, ev1, ctx)
    order = np.argsort(values, kind="stable")
    per_draw = ev1.success[0] * float(ev1.gates.hard[0])
    k = max(4, min(bins, len(values) // 32))
    # np.array_split's k equal-count bins (the first n % k one longer), each bin's mean
    # taken row by row of a matrix: the same sums as one bin at a time
    ordered = per_draw[order]
    size, longer = divmod(len(ordered), k)
    cut = longer * (size + 1)
    head = ordered[:cut].reshape(longer, size + 1).mean(axis=1)
    tail = ordered[cut:].reshape(k - longer, size).mean(axis=1)
    return np.concatenate([head, tail])
