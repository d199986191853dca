"""Plain-text, Markdown and JSON renderings of an assessment (the scorecard).

Text and Markdown are for people: the answer first, then the reach against the need, the
gates, what would change the answer and what to research first, in the house number
formats (probabilities never 0% or 100%). Brand-supplied text is escaped in Markdown. JSON
is for machines and holds every number, with ids.
"""

from __future__ import annotations

import json

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence
from research.decide.assessment import Assessment
from research.formats import format_probability, format_range, format_users
from research.present import labels, story
from research.present.escape import markdown_prose, markdown_text


def to_json(result: Assessment) -> str:
    """Return the assessment as JSON text; the same profile and seed give the same bytes."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def to_text(r: Assessment) -> str:
    """Return a one-screen plain-text summary of the assessment."""
    lines = [
        f"{r.profile.name}: {r.verdict}",
        story.headline(r),
        story.probability_line(r),
    ]
    if story.warning(r):
        lines += ["", "WARNING: " + story.warning(r)]
    # Reach, users and need are in the reasons (the reach reason says all three).
    lines += ["", "Gates:"]
    for g in r.gates:
        mark = "pass" if g.passed else ("caps at CONDITIONAL" if g.caps != "NO-GO" else "FAIL")
        lines.append(f"  {g.label:<36}{mark}: {g.reason.text}")
    title, steps = story.recommendation(r, levers=False)  # the changes are listed below
    lines += ["", f"Recommendation: {title}"]
    lines += [f"  {i}. {step}" for i, step in enumerate(steps, 1)]
    lines += ["", "Why, most decisive first:"]
    lines += [f"  - {x}" for x in story.summary_points(r, 5)]
    lines += ["", "Funnel (users a day, median and 90% interval):"]
    width = max(len(s.label) for s in r.funnel) + 2
    for s in r.funnel:
        lines.append(
            f"  {s.label:<{width}}{format_users(s.p50):>5}  "
            f"({format_range(s.p5, s.p95, format_users)}, {labels.basis_words(s.basis)})"
        )
    lines += ["", "What would change the answer:"]
    lines += [f"  - {change} -> {verdict}" for change, verdict in story.change_rows(r)] or [
        "  - no single change to price, channels, audience or package"
    ]
    lines += ["", "Research first:"]
    lines += [f"  - {what}: {why}" for what, why in story.research_rows(r)]
    if not story.warning(r):  # the warning at the top already says how old the data is
        lines += ["", story.data_age(r)]
    return "\n".join(lines) + "\n"


SECTION_HEADINGS = {
    "recommendation": "Recommendation",
    "reasons": "Why, most decisive first",
    "gates": "Gates",
    "funnel": "Reach: the market funnel (users a day)",
    "changes": "What would change the answer",
    "research": "What to research first",
    "sensitivity": "Which uncertainties move the chance",
    "assumptions": "Assumptions",
    "sources": "Sources",
}


def _table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


def markdown_sections(r: Assessment, ev: Evidence, a: Assumptions) -> dict[str, str]:
    """Return the scorecard's Markdown by section (no headings): ``answer`` first, then the
    keys of :data:`SECTION_HEADINGS`. Brand-supplied text is escaped."""
    md = markdown_prose
    out = {
        "answer": (
            f"**{r.verdict}.** {md(story.headline(r))}. {md(story.probability_line(r))}."
            + (f"\n\n> **Warning.** {md(story.warning(r))}" if story.warning(r) else "")
        )
    }
    title, steps = story.recommendation(r)
    out["recommendation"] = f"**{md(title)}.**\n\n" + "\n".join(
        f"{i}. {md(step)}" for i, step in enumerate(steps, 1)
    )
    out["reasons"] = "\n".join(
        f"{i}. {md(x.text)}" + (f" ({md(_cited(ev, x.sources))})" if x.sources else "")
        for i, x in enumerate(r.reasons, 1)
    )
    out["gates"] = _table(
        ["Gate", "Result", "Why"],
        [
            [g.label, "pass" if g.passed else f"fails: caps at {g.caps}", md(g.reason.text)]
            for g in r.gates
        ],
    )
    out["funnel"] = _table(
        ["Stage", "Median", "90% interval", "Rests on"],
        [
            [
                s.label[:1].upper() + s.label[1:],
                format_users(s.p50),
                format_range(s.p5, s.p95, format_users),
                labels.basis_words(s.basis),
            ]
            for s in r.funnel
        ],
    )
    out["changes"] = _table(
        ["Change", "Verdict it leads to"],
        [[md(c), v] for c, v in story.change_rows(r)] or [["No single change flips it", "-"]],
    )
    out["research"] = _table(
        ["Pin down", "Why"], [[md(w), md(y)] for w, y in story.research_rows(r)]
    )
    out["sensitivity"] = _table(
        ["Input", "Rests on", "Chance at its low end", "At its high end"],
        [
            [
                md(s.label),
                labels.basis_words(s.basis),
                format_probability(s.p_go_low),
                format_probability(s.p_go_high),
            ]
            for s in r.sensitivity[:8]
        ],
    )
    out["assumptions"] = _table(
        ["Assumption", "Range", "Why"],
        [[md(x["label"]), md(x["range"]), md(x["rationale"])] for x in r.assumptions],
    )
    out["sources"] = "\n".join(f"- {md(s['citation'])}" for s in r.sources)
    return out


def _cited(ev: Evidence, ids) -> str:
    return "; ".join(labels.source_label(ev, s) for s in dict.fromkeys(ids))


def to_markdown(r: Assessment, ev: Evidence, a: Assumptions) -> str:
    """Return the scorecard as Markdown: the answer, then every section with its heading."""
    sections = markdown_sections(r, ev, a)
    out = [
        f"# {markdown_text(r.profile.name)}: {r.verdict}",
        "",
        markdown_prose(story.brand_line(r)),
        "",
        sections["answer"],
    ]
    for key, heading in SECTION_HEADINGS.items():
        out += ["", f"## {heading}", "", sections[key]]
    out += ["", f"*{markdown_prose(story.data_age(r))}*"]
    return "\n".join(out) + "\n"
