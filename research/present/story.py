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

#: Evidence older than this (days) gets a warning on every output.
STALE_AFTER_DAYS = 2 * 365
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
    if r.evidence_age_days <= STALE_AFTER_DAYS:
        return ""
    when = r.evidence_as_of.strftime("%B %Y")
    return (
        f"The newest figure behind {subject} is from {when}, {_years(r.evidence_age_days)} "
        "before this analysis; add newer sources (README, Adding a source)."
    )


def need_words(r: Assessment) -> str:
    """Return the need in words: '1.6k daily users (assumed for a sales Mini Program)'."""
    if r.need.basis == "stated":
        return f"{format_users(r.need.daily_users)} daily users"
    return f"{format_users(r.need.daily_users)} daily users (assumed for {r.profile.objective})"


def headline(r: Assessment) -> str:
    """Return the recommendation as a full sentence: the executive summary's title."""
    failed = r.failed_gates()
    hard = [g for g in failed if g.caps == "NO-GO"]
    users, need = format_users(r.users.p50), format_users(r.need.daily_users)
    if r.verdict == "GO":
        return (
            f"Build the Mini Program: it can win about {users} daily users against the "
            f"{need} it needs"
        )
    if hard:
        gate = hard[0].name
        if gate == "price":
            return (
                f"Do not sell through a Mini Program at {format_rmb(r.profile.price_rmb)} a "
                f"month: the articles advise a native app above {format_rmb(_caution(r))}"
            )
        if gate == "package":
            return "Do not build it as planned: the code is over the 10 MB package limit"
        return "Do not build it yet: none of its touch points brings new users"
    if r.verdict == "NO-GO":
        return (
            f"Do not build a Mini Program: it would win about {users} daily users against "
            f"the {need} it needs"
        )
    if any(g.name == "use" for g in failed):
        return "Pilot before building: the articles show no brand using a Mini Program this way"
    return (
        f"Pilot before building: about {users} daily users against the {need} it needs is "
        "too close to call"
    )


def _caution(r: Assessment) -> float:
    return float(r.gate("price").limit or 0.0)


def probability_line(r: Assessment) -> str:
    """Return the chance behind the verdict and the event it is the chance of, in words."""
    return (
        f"{format_probability(r.p_go)} chance that it wins the {format_users(r.need.daily_users)}"
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
    if top is None or top.value_of_information < 0.0005:
        return (
            "until then, no research can change the answer"
            if r.flips
            else ("no research can change the answer")
        )
    return f"research {labels.the(top.label)} first"


def change_rows(r: Assessment) -> tuple[tuple[str, str], ...]:
    """Return (change, verdict it leads to) rows, as many as the flips."""
    return tuple((f.change, f.verdict) for f in r.flips)


def research_rows(r: Assessment, n: int = 3) -> tuple[tuple[str, str], ...]:
    """Return (what to pin down, why) rows for the top uncertainties."""
    rows = []
    for x in r.research_first[:n]:
        if x.value_of_information < 0.0005:
            continue
        points = 100 * x.value_of_information
        why = (
            f"knowing it would cut the chance of a wrong call by {format_points(x.value_of_information)}"
            if points >= 0.5
            else "it could barely change the answer"
        )
        rows.append((x.label, why))
    if not rows:
        why = labels.decided_by(r)
        rows.append(
            (
                "Nothing yet",
                f"{why[:1].upper()}{why[1:]}; research matters only once that changes",
            )
        )
    return tuple(rows)


def recommendation(r: Assessment) -> tuple[str, tuple[str, ...]]:
    """Return the recommendation slide: its title and the next steps, in order."""
    steps: list[str] = []
    top = [x for x in r.research_first[:2] if x.value_of_information >= 0.005]
    research = " and ".join(labels.the(x.label) for x in top)
    if r.verdict == "GO":
        title = "Go ahead: build the Mini Program and track its daily users against the need"
        steps.append(
            f"Build for the {format_users(r.need.daily_users)} daily users it needs; expect "
            f"{format_users(r.users.p5)} to {format_users(r.users.p95)} a day (90% range)"
        )
    elif r.verdict == "CONDITIONAL":
        title = "Run a pilot first, and decide on what it shows"
        steps.append("Build a small pilot and measure the daily users it wins")
    else:
        title = "Do not build now; revisit if one of the levers changes"
    if research:
        steps.append(f"Before committing, pin down {research}")
    for f in r.flips[:2]:
        steps.append(f"Watch the lever: {labels.lower_first(f.change)} would make it {f.verdict}")
    if warning(r):
        steps.append("Add figures newer than the articles' before relying on the verdict")
    if r.need.basis != "stated":
        steps.append(
            f"Replace the assumed need of {format_users(r.need.daily_users)} daily users with "
            "the brand's own target"
        )
    return title, tuple(steps)


def method_points(r: Assessment, a: Assumptions) -> tuple[str, ...]:
    """Return how the verdict is computed, for the appendix (seed and draws belong here)."""
    pol = a.policy
    return (
        f"The chance is of one event: {r.p_go_event}.",
        "Reach is the funnel: Mini Program users a day x the target's share x those who can "
        "pay x users of the category x the share the brand's touch points reach.",
        "Gates cap the verdict: a touch point that brings new users, the code package within "
        "the limit, and for a shop a price within the articles' caution point; an undocumented "
        "use caps it at CONDITIONAL.",
        f"GO at a chance of {format_probability(pol.go_at_least)} or more, NO-GO below "
        f"{format_probability(pol.no_go_below)}, CONDITIONAL between.",
        f"Computed from {r.draws:,} scrambled Sobol draws of the uncertain inputs (seed "
        f"{r.seed}); the conversion and the need enter exactly (conditional Monte Carlo).",
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
        f"{CATEGORY_LABELS[p.category]} | {p.objective} | {format_rmb(p.price_rmb)} a month | "
        f"{labels.audience_words(p)}"
    )
