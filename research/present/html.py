"""The web pages: the portfolio ``index.html`` and one self-contained ``analysis.html`` per brand.

Both are jinja2 templates (``templates/``) with autoescaping on, so brand names and every
other text are escaped, whatever a profile holds. Pages load nothing from the web (no
script, no fonts, no MathJax): charts are the brand's own PNG files beside the page, each
with its action title as alt text, so a page opens offline, as pages travel to clients.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path

import jinja2

from research.data.assumptions import Assumptions, Policy
from research.data.evidence import Evidence
from research.decide import portfolio
from research.decide.assessment import Assessment
from research.formats import format_probability, format_range, format_users
from research.present import labels, palette, story

#: The files of a brand that the index links to, in order: (key in its files, link text).
LINKS: tuple[tuple[str, str], ...] = (
    ("analysis", "page"),
    ("deck", "deck"),
    ("md", "scorecard"),
    ("json", "json"),
    ("charts", "charts"),
)
#: Chart headings on the analysis page, by exhibit name.
HEADINGS = {
    "audience": "Audience",
    "price": "Price",
    "categories": "Category",
    "channels": "Channels",
    "funnel": "Reach",
    "reach": "Reach against the need",
    "tornado": "Which uncertainties move the chance",
    "research": "What to research first",
}


@functools.cache
def _environment() -> jinja2.Environment:
    """Return the template environment: the package's templates, autoescaped."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("research.present", "templates"),
        autoescape=True,
        trim_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _index_row(rank: int, r: Assessment, files: dict[str, Path], out_root: Path) -> dict:
    links = []
    for key, label in LINKS:
        if key in files:
            href = Path(os.path.relpath(files[key], out_root)).as_posix()
            links.append((label, href + ("/" if key == "charts" else "")))
    return {
        "rank": rank,
        "name": r.profile.name,
        "line": story.brand_line(r),
        "verdict": r.verdict,
        "colour": palette.VERDICT_COLOURS[r.verdict],
        "chance": format_probability(r.p_go),
        "reach": format_users(r.reach.p50),
        "reason": story.main_reason(r),
        "links": links,
    }


def render_index(
    rows: Sequence[tuple[Assessment, dict[str, Path]]], out_root: Path, policy: Policy
) -> str:
    """Return the portfolio page: brands ranked by verdict, then chance, linked to their files.

    ``rows`` pairs each assessment with the files written for it; links are relative to
    ``out_root``, where the page is written.
    """
    files_of = {id(r): files for r, files in rows}
    ranked = portfolio.rank([r for r, _ in rows])
    first = ranked[0] if ranked else None
    stalest = max(ranked, key=lambda r: r.evidence_age_days) if ranked else None
    meta = (
        f"{len(ranked)} brands, analysed on {first.analysis_date:%d %B %Y}. "
        + story.data_age(stalest)
        if stalest
        else "No brands."
    )
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            title="Should these brands build a WeChat Mini Program?",
            meta=meta,
            warning=story.warning(
                stalest,
                "these verdicts"
                if len({r.evidence_as_of for r in ranked}) == 1
                else "some of these verdicts",
            )
            if stalest
            else "",
            go_at_least=format_probability(policy.go_at_least),
            no_go_below=format_probability(policy.no_go_below),
            rows=[_index_row(i, r, files_of[id(r)], out_root) for i, r in enumerate(ranked, 1)],
        )
    )


def render_analysis(
    r: Assessment,
    ev: Evidence,
    a: Assumptions,
    exhibits: dict,
    charts: dict[str, tuple[str, int, int]],
    index_href: str = "../index.html",
) -> str:
    """Return one brand's analysis page (the sections of notebook 06, no code, no kernel).

    ``charts`` maps exhibit names to (PNG path relative to the page, width, height in px).
    """
    sources, assumed = labels.cited(r, exhibits.values(), ev, a)
    gates = [
        {
            "label": g.label,
            "result": "pass" if g.passed else f"fails: caps the verdict at {g.caps}",
            "reason": g.reason.text,
        }
        for g in r.gates
    ]
    reasons = [
        {
            "text": x.text,
            "cited": "; ".join(labels.source_label(ev, s) for s in dict.fromkeys(x.sources)),
        }
        for x in r.reasons
    ]
    chart_rows = [
        {
            "heading": HEADINGS.get(name, name.capitalize()),
            "title": ex.title,
            "source": ex.source_line,
            "src": charts[name][0] if name in charts else "",
            "width": charts[name][1] if name in charts else 0,
            "height": charts[name][2] if name in charts else 0,
        }
        for name, ex in exhibits.items()
        if name in charts or not ex.informative
    ]
    funnel = [
        {
            "label": s.label[:1].upper() + s.label[1:],
            "p50": format_users(s.p50),
            "range": format_range(s.p5, s.p95, format_users),
            "basis": labels.basis_words(s.basis),
        }
        for s in r.funnel
    ]
    method = " ".join(story.method_points(r, a)[:1])
    return (
        _environment()
        .get_template("analysis.html.j2")
        .render(
            title=f"{r.profile.name}: should it build a WeChat Mini Program?",
            index_href=index_href,
            name=r.profile.name,
            line=story.brand_line(r),
            verdict=r.verdict,
            colour=palette.VERDICT_COLOURS[r.verdict],
            headline=story.headline(r),
            chance=story.probability_line(r),
            warning=story.warning(r),
            reasons=reasons,
            gates=gates,
            charts=chart_rows,
            funnel=funnel,
            changes=story.change_rows(r),
            recommendation_title=story.recommendation(r)[0],
            recommendation_steps=story.recommendation(r)[1],
            research=story.research_rows(r),
            assumptions=list(assumed),
            sources=[s["citation"] for s in sources],
            data_age=story.data_age(r),
            method=method,
        )
    )
