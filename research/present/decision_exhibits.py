"""The decision's exhibits: reach against the need, the tornado and what to research first,
from the assessment's own draws (the market's exhibits are in
:mod:`research.present.exhibits`)."""

from __future__ import annotations

import numpy as np

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence
from research.decide.assessment import Assessment
from research.decide.context import make_context
from research.decide.engine import Needs, success
from research.formats import (
    POINTS,
    PROBABILITY,
    format_points,
    format_probability,
    format_range,
    format_share,
    format_users,
)
from research.model.distributions import Z95
from research.present import labels
from research.present.exhibit import TOP_INPUTS, Exhibit


def reach_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the chance (0-1) that the brand wins at least each number of daily users, the
    need highlighted (its bar is the chance of clearing the need)."""
    need = r.need.daily_users
    levels = sorted({need, *(need * k for k in (0.1, 0.3, 3.0, 10.0))})
    reach = np.asarray(r.factors["reach"], float)[None, :]
    conv = make_context(ev, a, r.profile.as_of).conversion
    spread = (np.log(r.need.high) - np.log(r.need.low)) / (2 * Z95)

    def chance(users: float, sigma: float) -> float:
        needs = Needs(np.array([np.log(users)]), np.array([sigma]), np.array([True]))
        return float(success(reach, needs, conv).mean())

    # the need's own bar integrates its uncertainty, as the verdict does
    chances = [chance(x, spread if x == need else 0.0) for x in levels]
    hl = (levels.index(need),)
    chance = chances[hl[0]]
    stated = r.need.basis == "stated"
    # a stated range is named as the brand gave it, not as its median
    is_range = stated and r.need.low != r.need.high
    need_words = format_range(r.need.low, r.need.high, format_users) if is_range else None
    title = (
        f"{format_probability(chance)} chance of winning the "
        f"{need_words or format_users(need)} daily users it needs"
        f"{'' if stated else ' (an assumed need)'}"
    )
    if format_probability(r.p_go) != format_probability(chance):
        title += f"; {format_probability(r.p_go)} with every gate passed"
    basis = "stated in the brand's profile" if stated else "assumed"
    notes = (
        f"Users the brand can reach a day times the share it converts "
        f"({format_share(r.conversion.p5)} to {format_share(r.conversion.p95)}, assumed); "
        f"the need of {need_words or format_users(need)} daily users is {basis}."
    )
    assumed = ["reach_to_users_share", *([r.need.assumption] if r.need.assumption else [])]
    srcs = [x for s in r.funnel for x in s.sources]
    return Exhibit(
        "reach",
        title,
        labels.source_line(ev, a, srcs, assumed + [x for s in r.funnel for x in s.assumptions]),
        notes,
        "column",
        tuple(need_words if x == need and need_words else f"{format_users(x)}+" for x in levels),
        (("chance", tuple(chances)),),
        PROBABILITY,
        hl,
        highlight_label="the users it needs",
        axis_label="chance of at least this many daily users",
        value_range=(0.0, 1.0),
        is_probability=True,
    )


def tornado_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return the chance of the GO event (0-1) with each uncertain input at its low and at
    its high end, the others as drawn: the inputs that move it most first."""
    rows = r.sensitivity[:TOP_INPUTS]
    names = [s.label for s in rows]
    first = rows[0]
    if not first.moves:
        title = "No uncertain input moves the answer: " + labels.decided_by(r)
    else:
        title = (
            f"{labels.the(names[0], start=True)} moves the chance most: from "
            f"{format_probability(first.p_go_low)} to {format_probability(first.p_go_high)} "
            "across its range"
        )
    assumed = [x for s in rows for x in labels.assumption_names(s.input, r, a)]
    srcs = [s["source_id"] for s in r.sources]
    return Exhibit(
        "tornado",
        title,
        labels.source_line(ev, a, srcs, assumed),
        "; ".join(
            f"{n}: {format_probability(s.p_go_low)} to {format_probability(s.p_go_high)}"
            for n, s in zip(names, rows, strict=True)
        ),
        "bar",
        tuple(names),
        (
            ("at its low end", tuple(s.p_go_low for s in rows)),
            ("at its high end", tuple(s.p_go_high for s in rows)),
        ),
        PROBABILITY,
        axis_label="chance that it wins the users it needs and passes every gate",
        value_range=(0.0, 1.0),
        is_probability=True,
        informative=first.moves,
    )


def research_exhibit(r: Assessment, ev: Evidence, a: Assumptions) -> Exhibit:
    """Return how far knowing each input first would cut the chance of a wrong call, in
    percentage points (0-100), as the title says it."""
    rows = [x for x in r.research_first if x.matters][:5]
    rows = rows if len(rows) >= 3 else list(r.research_first[:3])
    names = [s.label for s in rows]
    top = rows[0]
    if top.worth_research:
        title = (
            f"Pin down {labels.the(names[0])} first: knowing it would cut the chance of "
            f"a wrong call by {format_points(top.value_of_information)}"
        )
    elif top.matters:
        title = (
            "Nothing is worth researching before deciding: knowing "
            f"{labels.the(names[0])} first would cut the chance of a wrong call by "
            f"{format_points(top.value_of_information)}"
        )
    else:
        title = "Nothing left to research before deciding: " + labels.decided_by(r)
    assumed = [x for s in rows for x in labels.assumption_names(s.input, r, a)]
    return Exhibit(
        "research",
        title,
        labels.source_line(ev, a, [s["source_id"] for s in r.sources], assumed),
        "Expected drop in the chance of a wrong call if the input were known before deciding "
        "(expected value of partial perfect information, from the assessment's own draws).",
        "bar",
        tuple(names),
        (
            (
                "drop in the chance of a wrong call",
                tuple(100 * s.value_of_information for s in rows),
            ),
        ),
        POINTS,
        (0,) if top.worth_research else (),
        highlight_label="research first" if top.worth_research else "",
        axis_label="drop in the chance of a wrong call, percentage points",
        informative=top.matters,
    )
