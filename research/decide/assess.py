"""Go / no-go: a brand profile in, a verdict with its probability, reasons and levers out.

The verdict rests on quantities a strategist can check: the users a day the brand can
reach (the funnel), the users it needs, and the gates (:mod:`research.decide.gates`).
p_go is the probability of the event "the brand wins at least the daily users it needs,
and every gate passes" (:mod:`research.decide.engine`); GO at p_go >= ``go_at_least``,
NO-GO below ``no_go_below``, CONDITIONAL between, and a failed gate caps it. The fit
criteria are evidence shown beside it, not weights. Every number of one assessment, the
funnel, the tornado, the flips and the value of information included, comes from one set
of draws.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from research import clock
from research.data.assumptions import Assumptions, resolve
from research.data.evidence import Evidence
from research.data.profiles import BrandProfile
from research.decide import flips as flip_levers
from research.decide import reasons
from research.decide.assessment import Assessment, Need
from research.decide.context import Context, make_context
from research.decide.engine import evaluate, users_quantiles, verdicts
from research.decide.levers import brand_inputs
from research.decide.sensitivity import swings
from research.decide.voi import research_first
from research.errors import InputError
from research.model import distributions as u
from research.model import funnel as market
from research.model.factors import draw_platform, make_brands, platform_inputs
from research.vocab import VERDICTS

DEFAULT_DRAWS = 4096
DEFAULT_SEED = 20190911
#: Brands scored at once by :func:`assess_many` (bounds memory: brands x draws floats).
CHUNK = 256


@functools.lru_cache(maxsize=16)
def _prepared(ev: Evidence, a: Assumptions, as_of) -> tuple[Context, Mapping[str, u.Input]]:
    """Return the decision context and the platform's inputs for figures dated ``as_of``.

    Built once per evidence, assumptions and date: both are frozen and hash by identity, and
    the cache holds them (so an id is never reused while cached); the loaders return the
    same objects until a data file changes. The inputs are returned read-only.
    """
    ctx = make_context(ev, a, as_of)
    return ctx, types.MappingProxyType(platform_inputs(ev, a, as_of))


def _interval(q) -> u.Interval:
    """Return an interval from its p5, p50 and p95 (the mean is not known: NaN)."""
    return u.Interval(float(q[0]), float(q[1]), float(q[2]), float("nan"))


def _need(ev1, p: BrandProfile, ctx: Context) -> Need:
    mu, sigma = float(ev1.needs.mu[0]), float(ev1.needs.sigma[0])
    lo, hi = np.exp(mu - u.Z95 * sigma), np.exp(mu + u.Z95 * sigma)
    stated = bool(ev1.needs.is_stated[0])
    return Need(
        float(np.exp(mu)),
        float(lo),
        float(hi),
        "stated" if stated else "assumed",
        None if stated else f"need_daily_users_{p.objective}",
    )


def _provenance(ins, p: BrandProfile) -> dict:
    """Return (basis, sources, assumptions) of each evidence line of brand ``p``."""
    aud = p.audience
    all_tiers = len(aud.city_tiers) == 5
    names = {
        # the fit's own inputs, and those of the audience share its sentence quotes
        "audience_fit": tuple(
            dict.fromkeys(
                ("female_share", "age_le_share", "age_log_spread")
                + market.step_inputs("audience", p.category, (), aud.gender, 0, all_tiers)
            )
        ),
        "price_fit": market.step_inputs(
            "price", p.category, p.channels, aud.gender, 1.0, all_tiers
        ),
        "category_fit": market.step_inputs("category", p.category, (), aud.gender, 0, all_tiers),
        "channel_reach": market.step_inputs(
            "reach", p.category, p.channels, aud.gender, 0, all_tiers
        ),
    }
    out = {}
    for key, used in names.items():
        behind = [ins[n] for n in used if n in ins]
        out[key] = (
            market.basis_of(behind),
            tuple(dict.fromkeys(s for i in behind for s in i.sources)),
            tuple(dict.fromkeys(x for i in behind for x in i.assumptions)),
        )
    return out


def _assumption_rows(a: Assumptions, names: Sequence[str]) -> tuple[dict, ...]:
    return tuple(a.describe(list(dict.fromkeys(names))))


def _source_rows(ev: Evidence, ids: Sequence[str]) -> tuple[dict, ...]:
    src = _sources(ev)
    return tuple(
        {"source_id": s, "producer": src[s][0], "citation": src[s][1]}
        for s in dict.fromkeys(ids)
        if s in src
    )


@functools.lru_cache(maxsize=16)
def _sources(ev: Evidence) -> Mapping[str, tuple[str, str]]:
    """Return (producer, citation) of each source id of ``ev`` (cached as :func:`_prepared`)."""
    src = ev.sources.set_index("source_id")
    return types.MappingProxyType(
        {s: (str(src.at[s, "producer"]), str(src.at[s, "citation"])) for s in src.index}
    )


def check_figure_dates(
    profiles: Sequence[BrandProfile], ev: Evidence, a: Assumptions, day: dt.date
) -> None:
    """Raise :class:`~research.errors.InputError` when a figure a verdict would use is dated
    after the analysis date ``day`` (a figure cannot come from the future, and the data's
    age would be negative), naming the figure's file and id."""
    for as_of in dict.fromkeys(p.as_of for p in profiles):
        newest = reasons.newest_figure(_prepared(ev, a, as_of)[0])
        if newest.as_of.date() > day:
            raise InputError(
                f"{ev.datasets_dir / 'observations.csv'}: figure {newest.obs_id} "
                f"({newest.metric}) is dated {newest.as_of.date().isoformat()}, after the "
                f"analysis date {day.isoformat()}; set a later --analysis-date or correct its "
                "as_of"
            )


def assess(
    profile: BrandProfile,
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    method: str = "qmc",
    analysis_date: str | dt.date | None = None,
) -> Assessment:
    """Return the full :class:`Assessment` of one brand, every number from one set of draws."""
    ev, a = resolve(ev, a)
    day = clock.analysis_date(analysis_date)
    check_figure_dates([profile], ev, a, day)
    ctx, ins = _prepared(ev, a, profile.as_of)
    v = draw_platform(ins, draws, seed, method)
    br1 = make_brands([profile], ctx.anchors.touchpoints)
    ev1 = evaluate(v, br1, ctx)
    verdict = verdicts(ev1, ctx)[0]
    f1 = {k: np.asarray(x)[0] for k, x in ev1.factors.items()}
    users = _interval(users_quantiles(f1["reach"], ctx.conversion))
    conv = _interval([ctx.conversion.quantile(q) for q in (0.05, 0.5, 0.95)])
    need = _need(ev1, profile, ctx)
    gates = reasons.gates(profile, ev1.gates, ctx, u.summarise(f1["price_share"]))
    crits = reasons.criteria(profile, f1, ctx, _provenance(ins, profile))
    stages = market.stages(f1, ins, profile, v, ctx.anchors)
    reach_stage = stages[-1]
    # The reach the text quotes is the funnel's last stage, so page, deck and JSON agree.
    reach_iv = u.Interval(
        reach_stage.p5, reach_stage.p50, reach_stage.p95, float(np.mean(f1["reach"]))
    )
    reach_reason = reasons.reach_reason(
        reach_iv,
        users,
        need,
        conv,
        float(ev1.p_reach[0]),
        float(ev1.p_go[0]),
        reach_stage.sources,
        (
            *reach_stage.assumptions,
            "reach_to_users_share",
            *([need.assumption] if need.assumption else []),
        ),
    )
    uncertain = brand_inputs(ins, br1, ev1.needs, ctx)
    as_of, estimated = reasons.evidence_dates(ctx)
    used = [x for s in stages for x in s.assumptions]
    used += [x for g in gates for x in g.reason.assumptions]
    used += ["reach_to_users_share", *([need.assumption] if need.assumption else [])]
    cited = [s for s in reach_stage.sources] + [x for g in gates for x in g.reason.sources]
    cited += [x for c in crits for x in c.reason.sources]
    return Assessment(
        profile=profile,
        verdict=verdict,
        p_go=float(ev1.p_go[0]),
        p_go_event=reasons.p_go_event(need.figure()),
        seed=seed,
        draws=draws,
        method=method,
        as_of=ctx.anchors.as_of,
        analysis_date=day,
        evidence_as_of=as_of,
        evidence_as_of_is_estimated=estimated,
        need=need,
        reach=reach_iv,
        users=users,
        conversion=conv,
        gates=gates,
        criteria=crits,
        funnel=stages,
        sensitivity=swings(uncertain, v, br1, ev1, ctx),
        research_first=research_first(uncertain, v, br1, ev1, ctx),
        flips=flip_levers.flips(v, br1, verdict, ctx),
        reasons=reasons.ordered(verdict, gates, reach_reason, crits),
        assumptions=_assumption_rows(a, used),
        sources=_source_rows(ev, cited),
        warn_after_days=round(a.data_policy.warn_after_years * 365.25),
        values=v,
        factors=f1,
    )


def assess_many(
    profiles: Sequence[BrandProfile],
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    method: str = "qmc",
) -> pd.DataFrame:
    """Return verdict, p_go, reach and need of many brands, vectorised over brands x draws.

    All brands with the same figures date share one set of draws, so a brand gets the same
    p_go alone (:func:`assess`) or in a screen. Columns: slug, name, category, objective,
    price_rmb, verdict, p_go, reach_p50 (users a day), need (users a day), gate (the first
    failed gate, or empty). Sorted by verdict, then p_go.
    """
    ev, a = resolve(ev, a)
    check_figure_dates(profiles, ev, a, clock.analysis_date())
    frames = []
    groups: dict = {}
    for p in profiles:
        groups.setdefault(p.as_of, []).append(p)
    for as_of, group in groups.items():
        ctx, ins = _prepared(ev, a, as_of)
        v = draw_platform(ins, draws, seed, method)
        for start in range(0, len(group), CHUNK):
            part = group[start : start + CHUNK]
            br = make_brands(part, ctx.anchors.touchpoints)
            res = evaluate(v, br, ctx)
            got = verdicts(res, ctx)
            failed = []
            for i in range(len(part)):
                names = [
                    g for g in ("channels", "package", "price", "use") if res.gates.of(g)[i] < 0.5
                ]
                failed.append(names[0] if names else "")
            frames.append(
                pd.DataFrame(
                    {
                        "slug": [p.slug for p in part],
                        "name": [p.name for p in part],
                        "category": [p.category for p in part],
                        "objective": [p.objective for p in part],
                        "price_rmb": br.price,
                        "verdict": got,
                        "p_go": res.p_go,
                        "reach_p50": np.median(res.factors["reach"], axis=1),
                        "need": np.exp(res.needs.mu),
                        "gate": failed,
                    }
                )
            )
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    order = out["verdict"].map({v_: i for i, v_ in enumerate(VERDICTS)})
    return (
        out.assign(_o=order)
        .sort_values(["_o", "p_go", "slug"], ascending=[True, False, True])
        .drop(columns="_o")
        .reset_index(drop=True)
    )
