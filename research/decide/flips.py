"""What would flip the verdict, in the brand's own levers, from the same draws.

Levers: the price, each touch point that brings users and the brand does not use yet, the
audience (gender, ages, city tiers) and the package size. Every variant of the brand is one row of
:class:`~research.model.factors.Brands`, evaluated on the assessment's draws with only the
factors it changes recomputed (:func:`~research.decide.engine.evaluate_variants`; prices a
few at a time, nearest first, until the verdict changes); for each lever the smallest
change that gives another verdict is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from research.decide.context import Context
from research.decide.engine import (
    Evaluation,
    Needs,
    evaluate_reach,
    evaluate_variants,
    needs_of,
    rows_of,
    variant_p_reach,
    verdicts,
)
from research.decide.gates import GATES, GateArrays, gate_arrays
from research.formats import format_rmb, in_sentence
from research.model.factors import Brands
from research.vocab import GENDERS, TIERS

#: Prices tried first, RMB (the caution point is added); then refined.
PRICE_GRID = np.geomspace(1.0, 100_000.0, 49)
#: Variants of the price evaluated at a time while looking for the nearest flip.
CHUNK = 8
#: Age steps tried when widening the audience, years on each side.
AGE_STEPS = (2, 5, 10, 15, 20, 30)


@dataclass(frozen=True)
class Flip:
    """A change to one of the brand's levers and the verdict it leads to."""

    lever: str  # price, channel, audience, package
    change: str  # the change, in words
    verdict: str
    p_go: float
    value: float | None = None  # the price (RMB) or package size (MB) it flips at


def _repeat(br1: Brands, rows: list[dict]) -> Brands:
    """Return one brand per entry of ``rows``: the single brand with those arrays replaced."""
    n = len(rows)
    arrays = {
        k: (val * n if k == "profiles" else np.repeat(np.asarray(val), n, axis=0))
        for k, val in br1.__dict__.items()
    }
    for i, changes in enumerate(rows):
        for k, val in changes.items():
            arrays[k][i] = val
    return Brands(**arrays)


def _first_other(v, br: Brands, ctx: Context, br1: Brands, base: Evaluation, verdict: str):
    """Return (index of the first of ``br`` whose verdict is not ``verdict`` or None, the
    verdicts, p_go), evaluating ``CHUNK`` variants at a time and stopping at the first."""
    gates = gate_arrays(br, ctx)
    needs = needs_of(br, ctx)
    got: list[str] = []
    p_go: list[float] = []
    for start in range(0, len(br), CHUNK):
        rows = np.arange(start, min(start + CHUNK, len(br)))
        p_reach = variant_p_reach(v, rows_of(br, rows), ctx, br1, base)
        g = GateArrays(**{k: np.asarray(gates.of(k))[rows] for k in GATES})
        need = Needs(needs.mu[rows], needs.sigma[rows], needs.is_stated[rows])
        part = Evaluation({}, g, need, np.empty((0, 0)), p_reach, p_reach * g.hard)
        got += verdicts(part, ctx)
        p_go += [float(x) for x in part.p_go]
        hit = next((i for i in range(start, len(got)) if got[i] != verdict), None)
        if hit is not None:
            return hit, got, p_go
    return None, got, p_go


def _price_flips(v, br1: Brands, verdict: str, ctx: Context, base: Evaluation) -> list[Flip]:
    """Return, on each side of today's price, the nearest price at which the verdict changes
    (none, one or two flips): a CONDITIONAL brand learns both how far it may raise the
    price and how far it would have to cut it."""
    now = br1.profiles[0].price_rmb
    grid = np.unique(np.concatenate([PRICE_GRID, [ctx.caution.value]]))
    out = []
    for side in ("up", "down"):
        pts = grid[grid < now][::-1] if side == "down" else grid[grid > now]
        if not len(pts):
            continue
        rows = _repeat(br1, [{"price": x} for x in pts])
        hit, _, _ = _first_other(v, rows, ctx, br1, base, verdict)
        if hit is None:
            continue
        keep = now if hit == 0 else pts[hit - 1]
        fine = np.geomspace(max(keep, 0.5), pts[hit], 17)[1:]
        j, got2, p_go2 = _first_other(
            v, _repeat(br1, [{"price": x} for x in fine]), ctx, br1, base, verdict
        )
        if j is None:
            j = len(fine) - 1
        kept = keep if j == 0 else float(fine[j - 1])
        flipped = float(fine[j])
        if side == "down" and pts[hit] == ctx.caution.value:
            flipped = float(ctx.caution.value)
        if side == "up":
            words = f"A price above {format_rmb(kept, sig=2)}"
        else:
            words = f"A price of {format_rmb(flipped, sig=2)} or less"
        out.append(Flip("price", words, got2[j], p_go2[j], flipped))
    return out


def flips(v: Mapping[str, np.ndarray], br1: Brands, verdict: str, ctx: Context) -> tuple:
    """Return the smallest change per lever that gives another verdict, as :class:`Flip`s.

    Price: the nearest price on each side at which the verdict changes. Channels: up to
    three touch points that bring users whose addition changes it, the strongest first.
    Audience: the smallest widening. Package: splitting an oversized package, or growing
    past the limit. Changes to a better verdict come first, then those to a worse one.
    """
    p = br1.profiles[0]
    aud = p.audience
    limit = ctx.package_limit.value
    labels = ctx.ev.touchpoints.set_index("touchpoint_id")["label"]
    specs: list[tuple[str, str, float | None, dict]] = []
    for j, tp in enumerate(ctx.anchors.touchpoints):
        # a lever is a touch point that brings users: one that serves only the brand's own
        # users (a pinned top-bar entry, subscription messages) cannot be "added" to win them
        if br1.channels[0, j] == 0 and bool(ctx.brings_users.get(tp, False)):
            chan = br1.channels[0].copy()
            chan[j] = 1.0
            specs.append(("channel", f"Adding {in_sentence(labels[tp])}", None, {"channels": chan}))
    if aud.gender != "any":
        specs.append(("audience", "Targeting any gender", 0.0, {"gender": GENDERS.index("any")}))
    if len(aud.city_tiers) < len(TIERS):
        specs.append(("audience", "Targeting every city tier", 0.0, {"tiers": np.ones(5)}))
    for step in AGE_STEPS:
        lo, hi = max(6, aud.age_min - step), min(100, aud.age_max + step)
        if (lo, hi) != (aud.age_min, aud.age_max):
            specs.append(
                (
                    "audience",
                    f"Widening the ages to {lo}-{hi}",
                    float(step),
                    {"age_min": lo, "age_max": hi},
                )
            )
    size = br1.package_mb[0]
    if not np.isnan(size) and size > limit:
        specs.append(
            (
                "package",
                f"Splitting the code to fit the {limit:g} MB limit",
                limit,
                {"package_mb": limit},
            )
        )
    else:
        over = float(limit) * 1.5
        specs.append(
            ("package", f"A code package over the {limit:g} MB limit", over, {"package_mb": over})
        )
    out: list[Flip] = []
    base = evaluate_reach(v, br1, ctx)
    out += _price_flips(v, br1, verdict, ctx, base)
    ev = evaluate_variants(v, _repeat(br1, [s[3] for s in specs]), ctx, br1, base)
    got = verdicts(ev, ctx)
    changed = [i for i in range(len(specs)) if got[i] != verdict]
    for lever in ("package", "channel", "audience"):
        rows = [i for i in changed if specs[i][0] == lever]
        if lever == "channel":
            rows = sorted(rows, key=lambda k: (-ev.p_go[k], k))[:3]
        elif rows:
            rows = [min(rows, key=lambda k: (specs[k][2] or 0.0, k))]
        out += [Flip(lever, specs[i][1], got[i], float(ev.p_go[i]), specs[i][2]) for i in rows]
    # the brand's opportunities (a better verdict) first, then its risks; stable otherwise
    better = {v_: k for k, v_ in enumerate(("NO-GO", "CONDITIONAL", "GO"))}
    return tuple(sorted(out, key=lambda f: better[f.verdict] <= better[verdict]))
