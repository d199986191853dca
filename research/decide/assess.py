"""Go / no-go: a brand profile in, a verdict with its probability, reasons and sensitivity out.

Six criteria, each a score in [0, 1] on every uncertainty draw:

* audience_fit - target share of users / ``audience_full_marks_share`` (capped at 1);
* price_fit - share of users spending at least the brand's price a month;
* category_fit - the category's penetration / games' (games are the most popular);
* channel_coverage - share of arrivals the brand's channels cover / ``coverage_full_marks_share``;
* feasibility - 10 MB package limit / the brand's package size (capped at 1);
* objective_fit - how well the articles say Mini Programs serve the objective (assumed).

A draw is GO when the weighted score (weights by objective, ``policy.weights``) reaches
``policy.bar``; ``p_go`` is the share of GO draws, and the verdict is GO, CONDITIONAL or
NO-GO by ``policy.verdict``. All brands share one set of draws (common random numbers),
and the engine is vectorised over brands x draws, so a portfolio is scored in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research.data.assumptions import Assumptions, resolve
from research.data.evidence import Evidence
from research.data.profiles import BrandProfile
from research.decide import reasons as prose
from research.decide.assessment import Assessment, Criterion
from research.decide.context import make_context
from research.decide.inputs import VALUE_OF, criterion_inputs, provenance
from research.decide.scoring import criterion_scores, total_score, verdict_of
from research.decide.sensitivity import break_even, sensitivity
from research.model import distributions as u
from research.model import funnel as market
from research.model.factors import compute_factors, draw_platform, make_portfolio
from research.vocab import CRITERIA, VERDICTS

DEFAULT_DRAWS = 4096

DEFAULT_SEED = 20190911


def _assumption_rows(a: Assumptions, used: Sequence[str]) -> tuple[dict, ...]:
    rows = list(a.describe(used))
    pol = a.policy
    rows.append(
        {
            "name": "policy.bar",
            "range": f"{pol.bar:g}",
            "unit": "score",
            "dist": "policy",
            "rationale": "A draw is GO when the weighted score reaches this",
        }
    )
    rows.append(
        {
            "name": "policy.verdict",
            "range": f"GO if p_go >= {pol.go_at_least:g}; NO-GO if p_go < {pol.no_go_below:g}",
            "unit": "probability",
            "dist": "policy",
            "rationale": "Verdict cut-offs on the probability of clearing the bar",
        }
    )
    return tuple(rows)


def assess_many(
    profiles: Sequence[BrandProfile],
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    method: str = "qmc",
    as_of=None,
    chunk: int = 512,
) -> pd.DataFrame:
    """Return p_go, verdict and median criterion scores for many brands, vectorised.

    All brands share the same draws. Columns: slug, name, category, objective, price_rmb,
    p_go, verdict, score_p50 and one ``<criterion>`` column (median score) each.
    """
    ev, a = resolve(ev, a)
    ctx = make_context(ev, a, as_of)
    ins, v = draw_platform(ev, a, as_of, draws, seed, method)
    frames = []
    for start in range(0, len(profiles), chunk):
        part = profiles[start : start + chunk]
        pf = make_portfolio(part, ev, a)
        sc = criterion_scores(compute_factors(v, pf, ctx.anchors), ctx)
        total = total_score(sc, pf, a)
        p_go = (total >= a.policy.bar).mean(axis=1)
        med = np.median(sc, axis=2)
        frame = pd.DataFrame(
            {
                "slug": [p.slug for p in part],
                "name": [p.name for p in part],
                "category": [p.category for p in part],
                "objective": [p.objective for p in part],
                "price_rmb": pf.price,
                "p_go": p_go,
                "verdict": [verdict_of(float(x), a) for x in p_go],
                "score_p50": np.median(total, axis=1),
            }
        )
        for i, c in enumerate(CRITERIA):
            frame[c] = med[i]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if out.empty:
        return out
    order = out["verdict"].map({v_: i for i, v_ in enumerate(VERDICTS)})
    return (
        out.assign(_o=order)
        .sort_values(["_o", "p_go", "score_p50", "slug"], ascending=[True, False, False, True])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def assess(
    profile: BrandProfile,
    *,
    ev: Evidence | None = None,
    a: Assumptions | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    method: str = "qmc",
) -> Assessment:
    """Return the full :class:`Assessment` of one brand: verdict, p_go, reasons, sensitivity."""
    ev, a = resolve(ev, a)
    as_of = profile.as_of
    ctx = make_context(ev, a, as_of)
    ins, v = draw_platform(ev, a, as_of, draws, seed, method)
    pf = make_portfolio([profile], ev, a)
    f = compute_factors(v, pf, ctx.anchors)
    sc = criterion_scores(f, ctx)
    total = total_score(sc, pf, a)[0]
    p_go = float((total >= a.policy.bar).mean())
    verdict = verdict_of(p_go, a)
    weights = a.policy.weight_vector(profile.objective)
    f1 = {k: np.asarray(x)[0] for k, x in f.items()}
    crits, used = [], []
    for i, name in enumerate(CRITERIA):
        names = criterion_inputs(name, profile)
        srcs, assumed, cite_ = provenance(ins, names, ev, ctx.fact_sources[name])
        if name == "audience_fit":
            assumed = (*assumed, "trait_independence")
        used.extend(assumed)
        score = sc[i, 0]
        med = float(np.median(score))
        thr = float(a.policy.thresholds[name])
        crits.append(
            Criterion(
                name,
                prose.LABELS[name].format(limit=ctx.package_limit_mb),
                float(np.median(f1[VALUE_OF[name][0]])),
                VALUE_OF[name][1],
                med,
                float(np.quantile(score, 0.05)),
                float(np.quantile(score, 0.95)),
                float(weights[i]),
                thr,
                bool(med >= thr),
                prose.reason(name, profile, f1, score, ctx, cite_),
                srcs,
                assumed,
            )
        )
    # The funnel, from the same draws as the scores.
    funnel = market.summarise_stages(
        market.funnel_stages(f1), ins, profile.category, profile.channels, ctx.anchors.dau.source_id
    )
    used.extend(["dau_figure_error", "stage_independence"])
    if ctx.anchors.years > 0:
        used.extend(["dau_growth_after_last_figure", "dau_cap"])
    sens = sensitivity(v, pf, ctx, ins, profile)
    be = break_even(v, pf, ctx, verdict, p_go, sens, profile, ins)
    failing = [c for c in crits if not c.passed]
    passing = sorted([c for c in crits if c.passed], key=lambda c: -c.weight * c.score)
    ordered = (
        (sorted(failing, key=lambda c: -c.weight) + passing)
        if verdict != "GO"
        else (passing + sorted(failing, key=lambda c: -c.weight))
    )
    reasons = tuple(c.reason for c in ordered)
    all_sources = tuple(
        dict.fromkeys([ctx.anchors.dau.source_id, *(s for c in crits for s in c.sources)])
    )
    src_tbl = ev.sources.set_index("source_id")
    sources = tuple(
        {"source_id": s, "citation": str(src_tbl.at[s, "citation"])} for s in all_sources
    )
    return Assessment(
        profile,
        verdict,
        p_go,
        u.summarise(total),
        seed,
        draws,
        method,
        ctx.anchors.as_of,
        tuple(crits),
        funnel,
        tuple(sens),
        tuple(be),
        reasons,
        _assumption_rows(a, list(dict.fromkeys(used))),
        sources,
        a.policy.bar,
        total,
    )
