"""Text, Markdown and JSON renderings of an assessment (the scorecard)."""

from __future__ import annotations

import json

from research.decide.assessment import Assessment
from research.decide.reasons import strip_sources
from research.formats import format_users


def to_json(result: Assessment) -> str:
    """Return the assessment as JSON text; the same profile and seed give the same bytes."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def flip_text(b: dict) -> str:
    """Return where a break-even input flips the verdict, as words."""
    if b["value"] is None:
        return "does not flip the verdict within its range"
    return f"flips it to {b['flips_to']} at {b['value']:,.4g} {b['unit']}"


def to_text(result: Assessment) -> str:
    """Return a one-screen plain-text summary of the assessment."""
    d = result.to_dict()
    lines = [
        f"{d['brand']}: {d['verdict']}  (p_go {d['p_go']:.0%}, weighted score {d['score']['p50']:.2f}"
        f" vs bar {d['bar']:.2f}; {d['draws']} draws, seed {d['seed']})",
        "",
        f"{'criterion':<28}{'score':>6}{'  90% interval':>15}{'weight':>8}{'thresh':>8}  pass",
    ]
    for c in d["criteria"]:
        lines.append(
            f"{c['label']:<28}{c['score']:>6.2f}{c['p5']:>8.2f}-{c['p95']:<6.2f}"
            f"{c['weight']:>8.2f}{c['threshold']:>8.2f}  {'yes' if c['passed'] else 'NO'}"
        )
    lines += ["", "Funnel (users a day, p5 / p50 / p95):"]
    for s in d["funnel"]:
        lines.append(
            f"  {s['stage']:<10}{format_users(s['p5']):>9}{format_users(s['p50']):>9}"
            f"{format_users(s['p95']):>9}  {s['basis']}"
        )
    lines += ["", "Top reasons:"]
    lines += [f"  - {strip_sources(r)}" for r in d["reasons"][:3]]
    lines += ["", "Most sensitive inputs (score at p5 -> p95):"]
    for s in d["sensitivity"][:3]:
        lines.append(
            f"  {s['label']:<42}{s['low']:.2f} -> {s['high']:.2f} (swing {s['swing']:.2f})"
        )
    lines += ["", "Break-even:"]
    for b in d["break_even"]:
        lines.append(f"  {b['label']:<42}now {b['current']:,.4g}: {flip_text(b)}")
    return "\n".join(lines) + "\n"


#: The headings of :func:`to_markdown`, by section key of :func:`markdown_sections`.
SECTION_HEADINGS = {
    "scorecard": "Scorecard",
    "reasons": "Reasons",
    "funnel": "Market funnel (users a day)",
    "sensitivity": "Sensitivity (weighted score with the input at its p5 and p95)",
    "break_even": "Break-even",
    "assumptions": "Assumptions",
    "sources": "Sources",
}


def markdown_sections(result: Assessment) -> dict[str, str]:
    """Return the scorecard's Markdown by section (no headings): ``verdict`` first, then the
    keys of :data:`SECTION_HEADINGS`."""
    d = result.to_dict()
    out = {
        "verdict": (
            f"Probability of clearing the bar (p_go): **{d['p_go']:.0%}**; weighted score "
            f"{d['score']['p50']:.2f} (90% interval {d['score']['p5']:.2f}-{d['score']['p95']:.2f})"
            f" against a bar of {d['bar']:.2f}. {d['draws']} draws, seed {d['seed']}, figures "
            f"as of {d['as_of']}."
        )
    }
    rows = [
        "| Criterion | Score | 90% interval | Weight | Threshold | Passed |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for c in d["criteria"]:
        rows.append(
            f"| {c['label']} | {c['score']:.2f} | {c['p5']:.2f}-{c['p95']:.2f} | "
            f"{c['weight']:.2f} | {c['threshold']:.2f} | {'yes' if c['passed'] else 'no'} |"
        )
    out["scorecard"] = "\n".join(rows)
    out["reasons"] = "\n".join(f"{i}. {r}" for i, r in enumerate(d["reasons"], 1))
    rows = ["| Stage | p5 | p50 | p95 | Basis |", "|---|---:|---:|---:|---|"]
    for s in d["funnel"]:
        rows.append(
            f"| {s['stage']} | {format_users(s['p5'])} | {format_users(s['p50'])} | "
            f"{format_users(s['p95'])} | {s['basis']} |"
        )
    out["funnel"] = "\n".join(rows)
    rows = ["| Input | Low | High | Swing | Basis |", "|---|---:|---:|---:|---|"]
    for s in d["sensitivity"][:8]:
        rows.append(
            f"| {s['label']} | {s['low']:.2f} | {s['high']:.2f} | {s['swing']:.3f} | {s['basis']} |"
        )
    out["sensitivity"] = "\n".join(rows)
    out["break_even"] = "\n".join(
        f"- {b['label']} (now {b['current']:,.4g}): {flip_text(b)}" for b in d["break_even"]
    )
    out["assumptions"] = assumptions_markdown(d["assumptions"])
    out["sources"] = sources_markdown(d["sources"])
    return out


def assumptions_markdown(rows: list[dict] | tuple[dict, ...]) -> str:
    """Return assumptions (dicts with name, range, rationale) as a Markdown table."""
    lines = ["| Name | Range | Rationale |", "|---|---|---|"]
    return "\n".join(lines + [f"| {a['name']} | {a['range']} | {a['rationale']} |" for a in rows])


def sources_markdown(rows: list[dict] | tuple[dict, ...]) -> str:
    """Return sources (dicts with source_id, citation) as a Markdown list."""
    return "\n".join(f"- `{s['source_id']}`: {s['citation']}" for s in rows)


def to_markdown(result: Assessment) -> str:
    """Return the scorecard as Markdown: verdict, criteria table, funnel, reasons, sources."""
    sections = markdown_sections(result)
    out = [f"# {result.profile.name}: {result.verdict}", "", sections["verdict"]]
    for key, heading in SECTION_HEADINGS.items():
        out += ["", f"## {heading}", "", sections[key]]
    return "\n".join(out) + "\n"
