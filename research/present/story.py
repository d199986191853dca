"""The storyline in client words: headline, the chance, reasons, what would change it, the
recommendation, and the warning about the data's age.

Every sentence comes from one :class:`~research.decide.assessment.Assessment`; probabilities
are written as ``'<1%'``/``'>99%'`` at the ends, users and shares as a consultant writes them.
No code name, seed or draw count appears here except in :func:`method_points`, which is
for the appendix.
"""

from __future__ import annotations

from research.data.assumptions import Assumptions
from research.decide.assessment import Assessment
from research.formats import format_points, format_probability, format_rmb, format_users
from research.model.categories import LABELS as CATEGORY_LABELS
from research.present import labels

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _years(days: int) -> str:
    years = int(days // 365.25)
    word = _NUMBER_WORDS[years] if years < len(_NUMBER_WORDS) else str(years)
    return f"{word} year{'s' if years != 1 else ''}"


def data_age(r: Assessment) -> str:
    """Return the data's age in one sentence (always shown, small, on covers and pages)."""
    when = r.evidence_as_of.strftime("%B %Y")
    prefix = "about " if r.evidence_as_of_is_estimated else ""
    return f"Market figures: the newest is from {prefix}{when}, {_years(r.evidence_age_days)} old."


def warning(r: Assessment, subject: str = "this verdict") -> str:
    """Return the plain warning about old data, or "" when the newest figure is recent."""
    if not r.evidence_is_old:
        return ""
    when = r.evidence_as_of.strftime("%B %Y")
    prefix = "about " if r.evidence_as_of_is_estimated else ""
    return (
        f"The newest market figure behind {subject} is from {prefix}{when}, "
        f"{_years(r.evidence_age_days)} before this analysis; add newer market figures before "
        "relying on it."
    )


def need_words(r: Assessment) -> str:
    """Return the need in words: '1.6k daily users (assumed for a sales Mini Program)'."""
    if r.need.basis == "stated":
        return f"{r.need.figure()} daily users"
    return f"{r.need.figure()} daily users (assumed for {r.profile.objective})"


def headline(r: Assessment) -> str:
    """Return the recommendation as a full sentence: the executive summary's title."""
    failed = r.failed_gates()
    hard = [g for g in failed if g.caps == "NO-GO"]
    users, need = format_users(r.users.p50), r.need.figure()
    users = "fewer than 1" if users == "<1" else f"about {users}"
    if r.verdict == "GO":
        return f"Build the Mini Program: it can win {users} daily users against the {need} it needs"
    if hard:
        gate = hard[0].name
        if gate == "price":
            return (
                f"Do not sell through a Mini Program at {format_rmb(r.profile.price_rmb)}: the "
                f"articles advise a native app for products above {format_rmb(_caution(r))}"
            )
        if gate == "package":
            limit = r.gate("package").limit or 0.0
            return f"Do not build it as planned: the code is over the {limit:g} MB package limit"
        return "Do not build it yet: none of its touch points brings users in"
    if r.verdict == "NO-GO":
        return (
            f"Do not build a Mini Program: it would win {users} daily users against "
            f"the {need} it needs"
        )
    if any(g.name == "use" for g in failed):
        return "Pilot before building: the articles show no brand using a Mini Program this way"
    return (
        f"Pilot before building: {users} daily users against the {need} it needs is "
        "too close to call"
    )


def _caution(r: Assessment) -> float:
    return float(r.gate("price").limit or 0.0)


def probability_line(r: Assessment) -> str:
    """Return the chance behind the verdict and the event it is the chance of, in words."""
    return (
        f"{format_probability(r.p_go)} chance that it wins the {r.need.figure()}"
        " daily users it needs and passes every gate"
    )


def summary_points(r: Assessment, n: int = 4) -> tuple[str, ...]:
    """Return the most decisive reasons, in words (without their citations)."""
    return tuple(reason.text for reason in r.reasons[:n])


def main_reason(r: Assessment) -> str:
    """Return the most decisive reason for this brand (the index's 'main reason')."""
    return r.reasons[0].text


def change_title(r: Assessment) -> str:
    """Return the title of 'what would change the answer', as a full sentence."""
    if r.flips:
        first = r.flips[0]
        return f"{first.change} would make it {first.verdict}; {_research_clause(r)}"
    return (
        f"No single change to price, channels, audience or package flips it; {_research_clause(r)}"
    )


def _research_clause(r: Assessment) -> str:
    top = r.research_first[0] if r.research_first else None
    if top is not None and top.worth_research:
        return f"research {labels.the(top.label)} first"
    can = "is likely to" if top is not None and top.matters else "can"
    return f"{'until then, ' if r.flips else ''}no research {can} change the answer"


def change_rows(r: Assessment) -> tuple[tuple[str, str], ...]:
    """Return (change, verdict it leads to and its chance) rows, as many as the flips: the
    chance says why ('A price above 960 RMB' -> 'NO-GO (29% chance)': fewer users can pay,
    before the 1,000 RMB caution is reached)."""
    return tuple((f.change, f"{f.verdict} ({format_probability(f.p_go)} chance)") for f in r.flips)


def research_rows(r: Assessment, n: int = 3) -> tuple[tuple[str, str], ...]:
    """Return (what to pin down, why) rows for the top uncertainties."""
    rows = []
    for x in r.research_first[:n]:
        if not x.matters:
            continue
        why = (
            f"knowing it would cut the chance of a wrong call by {format_points(x.value_of_information)}"
            if x.worth_research
            else "it could barely change the answer"
        )
        rows.append((x.label, why))
    if not rows:
        why = labels.decided_by(r)
        rows.append(
            (
                "Nothing yet",
                f"{why[:1].upper()}{why[1:]}; research matters only once "
                + ("those change" if why.endswith("those decide it") else "that changes"),
            )
        )
    return tuple(rows)


def recommendation(r: Assessment, *, levers: bool = True) -> tuple[str, tuple[str, ...]]:
    """Return the recommendation slide: its title and the next steps, in order.

    ``levers=False`` leaves out the levers to watch, for outputs that list the changes that
    would flip the verdict right beside it.
    """
    steps: list[str] = []
    top = [x for x in r.research_first[:2] if x.worth_research]
    research = " and ".join(labels.the(x.label) for x in top)
    hard = [g for g in r.failed_gates() if g.caps == "NO-GO"]
    if r.verdict == "GO":
        title = "Go ahead: build the Mini Program and track its daily users against the need"
        steps.append(
            f"Build for the {r.need.figure()} daily users it needs; expect "
            f"{format_users(r.users.p5)} to {format_users(r.users.p95)} a day (90% range)"
        )
        if research:
            steps.append(f"Track {research} from launch: it moves the answer most")
    elif r.verdict == "CONDITIONAL":
        title = "Run a pilot first, and decide on what it shows"
        steps.append("Build a small pilot and measure the daily users it wins")
        if research:
            steps.append(f"Before committing, pin down {research}")
    elif hard and not r.flips:
        title = "Do not build as planned: " + " and ".join(_GATE_SHORT[g.name] for g in hard)
    else:
        title = "Do not build now; revisit if one of the levers changes"
        if research:
            steps.append(f"Before deciding again, pin down {research}")
    steps += [_GATE_STEP[g.name](r) for g in hard]
    for f in r.flips[:2] if levers else ():
        steps.append(f"Watch the lever: {labels.lower_first(f.change)} would make it {f.verdict}")
    if warning(r):
        steps.append("Add market figures newer than the articles' before relying on the verdict")
    if r.need.basis != "stated":
        steps.append(
            f"Replace the assumed need of {r.need.figure()} daily users with the brand's own target"
        )
    return title, tuple(steps)


#: What a failed NO-GO gate is, in a few words (for the recommendation's title).
_GATE_SHORT = {
    "channels": "no touch point brings users in",
    "package": "the code is over the package limit",
    "price": "the price is above the articles' caution point",
}

#: What to do about each failed NO-GO gate (the articles' remedies).
_GATE_STEP = {
    "channels": lambda r: (
        "Add a touch point that brings users in, such as shared links or QR codes"
    ),
    "package": lambda r: (
        f"Split the features over several Mini Programs so each fits the "
        f"{(r.gate('package').limit or 0.0):g} MB limit, or serve media from a server"
    ),
    "price": lambda r: (
        f"Sell products above {format_rmb(_caution(r))} in a native app; a Mini Program that "
        "serves loyalty, service or engagement is not held to this caution"
    ),
}


def method_points(r: Assessment, a: Assumptions) -> tuple[str, ...]:
    """Return how the verdict is computed, for the appendix (seed and draws belong here)."""
    pol = a.policy
    return (
        f"The chance is of one event: {r.p_go_event}.",
        "Reach is the funnel: Mini Program users a day x the target's share x those who can "
        "pay x users of the category x the share the brand's touch points reach.",
        "Gates the chance cannot buy back: with no touch point that brings users in, a code "
        "package over the limit, or a shop priced above the articles' caution point, the "
        "verdict is NO-GO; a use the articles do not document caps it at CONDITIONAL.",
        f"GO at a chance of {format_probability(pol.go_at_least)} or more, NO-GO below "
        f"{format_probability(pol.no_go_below)}, CONDITIONAL between.",
        f"Computed from {r.draws:,} draws of every uncertain input (seed {r.seed}, so a rerun "
        "gives the same numbers); the conversion and the need are integrated exactly.",
        f"Analysis date {r.analysis_date:%d %B %Y}"
        + (
            f"; market figures dated on or before {r.profile.as_of:%d %B %Y} (the profile's "
            "as-of date). "
            if r.profile.as_of is not None
            else ". "
        )
        + data_age(r),
    )


def brand_line(r: Assessment) -> str:
    """Return the brand in one line for covers and the index: category, objective, price."""
    p = r.profile
    return (
        f"{CATEGORY_LABELS[p.category]} | {p.objective} | price {format_rmb(p.price_rmb)} | "
        f"{labels.audience_words(p)}"
    )
