"""One assessed brand's folder: its charts, deck, analysis page and scorecards.

This is the heavy half of the report (matplotlib, python-pptx); the report's workers import it,
so checking a run's input never waits for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence
from research.data.profiles import profile_to_dict
from research.decide.assessment import Assessment
from research.files import write_atomic
from research.present import deck, exhibits, html, labels, plots, story
from research.present import text as summary
from research.present.figures import export_chart
from research.present.style import EXPORT_DPI, house_style


def write_charts(exs: dict, folder: Path) -> dict[str, tuple[Path, int, int]]:
    """Write every informative exhibit as a full-slide PNG into ``folder``.

    Returns ``{exhibit: (PNG, width px, height px)}`` for the page.
    """
    out = {}
    with house_style():
        for name, ex in exs.items():
            if not ex.informative:
                continue  # the page states its title instead
            fig = plots.plot_exhibit(ex, "full").get_figure(root=True)
            (path,) = export_chart(fig, folder, f"{name}-full", ("png",))
            w, h = (int(round(x * EXPORT_DPI)) for x in fig.get_size_inches())
            out[name] = (path, w, h)
    return out


def deck_spec(r: Assessment, exs: dict, ev: Evidence, a: Assumptions) -> deck.DeckSpec:
    """Return the client deck of one brand: answer first, one slide per question."""
    title, steps = story.recommendation(r)
    # every source and assumption cited anywhere in the deck, its charts' footnotes included
    sources, assumed = labels.cited(r, exs.values(), ev, a)
    cover = [
        f"Go / no-go assessment, {r.analysis_date:%d %B %Y}",
        story.brand_line(r),
        story.data_age(r),
    ]
    return deck.DeckSpec(
        cover_title=f"Should {r.profile.name} build a WeChat Mini Program?",
        cover_lines=tuple(cover),
        verdict=r.verdict,
        headline=story.headline(r),
        probability_line=story.probability_line(r),
        summary_points=story.summary_points(r),
        questions=tuple(exs[name].to_chart_slide() for name in exhibits.QUESTIONS),
        change_title=story.change_title(r),
        changes=story.change_rows(r),
        research=story.research_rows(r),
        recommendation_title=title,
        recommendation_points=steps,
        appendix_charts=tuple(
            exs[name].to_chart_slide() for name in exhibits.APPENDIX if exs[name].informative
        ),
        method_points=story.method_points(r, a),
        assumptions=tuple((x["label"], x["range"], x["rationale"]) for x in assumed),
        sources=tuple((labels.source_label(ev, s["source_id"]), s["citation"]) for s in sources),
        warning=story.warning(r),
        notes="\n".join(x.text for x in r.reasons),
        date=r.analysis_date,
    )


def write_brand(r: Assessment, ev: Evidence, a: Assumptions, folder: Path) -> dict[str, Path]:
    """Write every file of one assessed brand into ``folder`` (a fresh, empty folder)."""
    exs = exhibits.build_exhibits(r, ev, a)
    charts = write_charts(exs, folder / "charts")
    card = r.to_dict() | {"charts": {k: v.to_dict() for k, v in exs.items()}}
    files = {
        "json": write_atomic(
            folder / "scorecard.json", json.dumps(card, indent=2, ensure_ascii=False) + "\n"
        ),
        "md": write_atomic(folder / "scorecard.md", summary.to_markdown(r, ev, a)),
        "profile": write_atomic(
            folder / "profile.yaml",
            yaml.safe_dump(profile_to_dict(r.profile), sort_keys=False, allow_unicode=True),
        ),
        "deck": deck.write_deck(deck_spec(r, exs, ev, a), folder / "deck.pptx"),
        "charts": folder / "charts",
    }
    page_charts = {
        name: (Path(path).relative_to(folder).as_posix(), w, h)
        for name, (path, w, h) in charts.items()
    }
    files["analysis"] = write_atomic(
        folder / "analysis.html", html.render_analysis(r, ev, a, exs, page_charts)
    )
    return files
