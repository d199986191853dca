"""The portfolio page, ``index.html``: brands ranked by verdict then p_go, linked to their files.

The page is a jinja2 template (``templates/index.html.j2``) with autoescaping on, so brand
names, reasons, links and every other text are escaped by the template, whatever a brand
profile holds. Numbers are written in the house formats of :mod:`research.formats`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path

import jinja2

from research.data.assumptions import Policy
from research.decide import portfolio
from research.decide.assessment import Assessment
from research.decide.reasons import strip_sources
from research.formats import format_pct, format_rmb, format_score
from research.present import palette

#: The files of a brand that the page links to, in order: (key in its files, link text).
LINKS: tuple[tuple[str, str], ...] = (
    ("md", "scorecard"),
    ("json", "json"),
    ("deck", "deck"),
    ("charts", "charts"),
    ("analysis", "analysis"),
)


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


def _row(rank: int, r: Assessment, files: dict[str, Path], out_root: Path) -> dict:
    """Return the table row of one brand, as text for the template."""
    links = []
    for key, label in LINKS:
        if key in files:
            href = os.path.relpath(files[key], out_root) + ("/" if key == "charts" else "")
            links.append((label, href))
    return {
        "rank": rank,
        "name": r.profile.name,
        "category": r.profile.category,
        "objective": r.profile.objective,
        "price": format_rmb(r.profile.price_rmb),
        "verdict": r.verdict,
        "colour": palette.VERDICT_COLOURS[r.verdict],
        "p_go": format_pct(r.p_go),
        "score": format_score(r.score.p50),
        "reason": strip_sources(r.reasons[0]),
        "links": links,
    }


def render_index(
    rows: Sequence[tuple[Assessment, dict[str, Path]]], out_root: Path, policy: Policy
) -> str:
    """Return the portfolio page: brands ranked by verdict then p_go, linked to their files.

    ``rows`` pairs each assessment with the files written for it (keys ``md``, ``json``,
    ``deck``, ``charts`` and, when the notebook ran, ``analysis``); links are relative to
    ``out_root``, where the page is written.
    """
    files_of = {id(r): files for r, files in rows}
    ranked = portfolio.rank([r for r, _ in rows])
    first = ranked[0] if ranked else None
    meta = (
        f"{len(ranked)} brands, {first.draws} draws, seed {first.seed}, figures as of "
        f"{first.as_of:%Y-%m-%d}"
        if first
        else "no brands"
    )
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            meta=meta,
            go_at_least=format_pct(policy.go_at_least),
            bar=format_score(policy.bar),
            no_go_below=format_pct(policy.no_go_below),
            rows=[_row(i, r, files_of[id(r)], out_root) for i, r in enumerate(ranked, 1)],
        )
    )
