"""Sensitivity (one input swung at a time) and break-even values, from the same draws."""

from __future__ import annotations

import numpy as np

from research.data.assumptions import Assumptions
from research.data.profiles import BrandProfile
from research.decide.assessment import BreakEven, Sensitivity
from research.decide.context import Context
from research.decide.inputs import criterion_inputs
from research.decide.scoring import p_go_and_mean
from research.model.factors import Portfolio, compute_factors

# Inputs swung one at a time; Dirichlet inputs are swung through the brand's derived share.
_SWING_FACTORS = {"tier_shares": "tier_share", "touchpoint_mix": "coverage"}


def _swing_values(v: dict, f: dict) -> dict[str, tuple[np.ndarray, str]]:
    """Return, per swingable input, its draws (1-D) and the key it overrides."""
    out = {}
    for name, x in v.items():
        if name in _SWING_FACTORS:
            key = _SWING_FACTORS[name]
            out[name] = (np.asarray(f[key])[0], key)
        elif np.ndim(x) == 1:
            out[name] = (x, name)
    return out


def sensitivity(v: dict, pf: Portfolio, ctx: Context, ins: dict, p: BrandProfile) -> list:
    f = compute_factors(v, pf, ctx.anchors)
    rows = []
    for name, (x, key) in _swing_values(v, f).items():
        if name.startswith("objective_fit_") and name != f"objective_fit_{p.objective}":
            continue
        if name.startswith("penetration_") and name not in criterion_inputs("category_fit", p):
            continue
        if name == "package_size_if_unstated" and p.package_size_mb is not None:
            continue
        if name == "dau_growth" and ctx.anchors.years <= 0:
            continue
        lo_v, hi_v = np.quantile(x, [0.05, 0.95])
        res = []
        for val in (lo_v, hi_v):
            pg, mean = p_go_and_mean({**v, key: np.full(len(x), val)}, pf, ctx)
            res.append((float(pg[0]), float(mean[0])))
        rows.append(
            Sensitivity(
                name,
                ins[name].label,
                float(lo_v),
                float(hi_v),
                res[0][1],
                res[1][1],
                abs(res[1][1] - res[0][1]),
                res[0][0],
                res[1][0],
                ins[name].basis,
            )
        )
    rows.sort(key=lambda s: (-round(s.swing, 12), s.input))
    return rows


def _flip_target(verdict: str, a: Assumptions) -> list[tuple[float, str]]:
    """Return the p_go boundaries whose crossing changes ``verdict``, nearest first."""
    if verdict == "GO":
        return [(a.policy.go_at_least, "CONDITIONAL")]
    if verdict == "NO-GO":
        return [(a.policy.no_go_below, "CONDITIONAL")]
    return [(a.policy.go_at_least, "GO"), (a.policy.no_go_below, "NO-GO")]


def _find_crossing(fn, grid: np.ndarray, boundary: float, above: bool) -> float | None:
    """Return the first grid value (refined by bisection) where fn crosses ``boundary``."""
    vals = np.array([fn(g) for g in grid])
    hit = (vals >= boundary) if above else (vals < boundary)
    idx = np.flatnonzero(hit)
    if not len(idx):
        return None
    i = int(idx[0])
    if i == 0:
        return float(grid[0])
    lo, hi = grid[i - 1], grid[i]
    for _ in range(20):
        mid = (lo + hi) / 2
        ok = fn(mid) >= boundary if above else fn(mid) < boundary
        lo, hi = (lo, mid) if ok else (mid, hi)
    return float(hi)


def break_even(v, pf, ctx, verdict, p_go, sens, p: BrandProfile, ins) -> list[BreakEven]:
    out = []
    f = compute_factors(v, pf, ctx.anchors)
    swing = _swing_values(v, f)
    targets = _flip_target(verdict, ctx.a)

    def flip(fn, grid, cur, name, label, unit):
        best = None
        for boundary, to in targets:
            above = boundary > p_go
            grid_sorted = grid if (fn(grid[-1]) - fn(grid[0]) >= 0) == above else grid[::-1]
            val = _find_crossing(fn, grid_sorted, boundary, above)
            if val is not None and (best is None or abs(val - cur) < abs(best[0] - cur)):
                best = (val, to)
        out.append(
            BreakEven(
                name,
                label,
                cur,
                None if best is None else best[0],
                None if best is None else best[1],
                unit,
            )
        )

    for s in [s for s in sens if s.swing > 0][:3]:
        x, key = swing[s.input]
        lo, hi = np.quantile(x, [0.001, 0.999])
        grid = np.linspace(lo, hi, 25)
        n_draws = len(x)

        def fn(val: float, key: str = key, n: int = n_draws) -> float:
            return float(p_go_and_mean({**v, key: np.full(n, val)}, pf, ctx)[0][0])

        flip(fn, grid, float(np.median(x)), s.input, s.label, ins[s.input].unit)
    # The brand's own lever: its price.
    grid = np.concatenate([[0.0], np.geomspace(1, 1e5, 40)])

    def price_fn(val: float) -> float:
        pf2 = Portfolio(**{**pf.__dict__, "price": np.array([val])})
        return float(p_go_and_mean(v, pf2, ctx)[0][0])

    flip(price_fn, grid, p.price_rmb, "price_rmb", "The brand's price (RMB a month)", "RMB")
    return out
