"""The main job: assess brands and write, per brand, a page, a deck, a scorecard and charts.

For each brand, ``OUT/<slug>/`` gets ``analysis.html`` (the analysis page, self-contained),
``deck.pptx`` (the client deck), ``scorecard.md`` and ``scorecard.json``, ``profile.yaml``
(the profile as assessed) and ``charts/`` (PNG, full and half slide); ``OUT/index.html``
ranks the brands. Everything is checked before any work (:mod:`research.outputs`); each
brand's folder is built beside its final place and swapped in whole, so a run never leaves
half a brand or an old page beside a new scorecard.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from tqdm import tqdm

from research import clock, outputs, workers
from research.data import profile_files
from research.data.assumptions import Assumptions, load_assumptions
from research.data.evidence import Evidence, load_evidence
from research.data.profiles import profile_to_dict
from research.decide.assess import DEFAULT_DRAWS, DEFAULT_SEED, assess
from research.decide.assessment import Assessment
from research.files import write_atomic
from research.formats import format_probability
from research.paths import BRANDS_DIR, BUILD_DIR, display
from research.present import deck, exhibits, html, labels, plots, story
from research.present import text as summary
from research.present.style import EXPORT_DPI, export_chart, house_style

#: Chart sizes written for each exhibit: full slide and half slide.
CHART_SIZES = ("full",)


def write_charts(exs: dict, folder: Path) -> dict[str, tuple[Path, int, int]]:
    """Write every exhibit as PNG at full and half slide size into ``folder``.

    Returns ``{exhibit: (full-size PNG, width px, height px)}`` for the page.
    """
    out = {}
    with house_style():
        for name, ex in exs.items():
            for size in CHART_SIZES:
                fig = plots.plot_exhibit(ex, size).get_figure(root=True)
                (path,) = export_chart(fig, folder, f"{name}-{size}", ("png",))
                if size == "full":
                    w, h = (int(round(x * EXPORT_DPI)) for x in fig.get_size_inches())
                    out[name] = (path, w, h)
    return out


def deck_spec(r: Assessment, exs: dict, ev: Evidence, a: Assumptions) -> deck.DeckSpec:
    """Return the client deck of one brand: answer first, one slide per question."""
    title, steps = story.recommendation(r)
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
        appendix_charts=tuple(exs[name].to_chart_slide() for name in exhibits.APPENDIX),
        method_points=story.method_points(r, a),
        assumptions=tuple((x["label"], x["range"], x["rationale"]) for x in r.assumptions),
        sources=tuple((labels.source_label(ev, s["source_id"]), s["citation"]) for s in _cited(r)),
        warning=story.warning(r),
        notes="\n".join(x.text for x in r.reasons),
    )


def _cited(r: Assessment) -> list[dict]:
    """Return every source the assessment cites (its reasons, gates and charts use these)."""
    return list(r.sources)


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


def _assess_and_write(job: tuple) -> tuple[Assessment, dict[str, Path]]:
    """Assess one brand and write its folder (runs in a worker process)."""
    profile, datasets, draws, seed, day, out_root = job
    ev = load_evidence(datasets)
    a = load_assumptions(ev.datasets_dir)
    r = assess(profile, ev=ev, a=a, draws=draws, seed=seed, analysis_date=day)
    with outputs.brand_folder(out_root, profile.slug) as staging:
        files = write_brand(r, ev, a, staging.path)
    final = {k: staging.final / Path(v).relative_to(staging.path) for k, v in files.items()}
    return r, final


def run_report(args) -> int:
    """Run ``python -m research report``; return the exit status."""
    day = clock.pin(args.analysis_date) if args.analysis_date else clock.pin(clock.analysis_date())
    ev = load_evidence(args.datasets)
    a = load_assumptions(ev.datasets_dir)  # fails early on a bad assumptions file
    profiles = profile_files.load_profiles(args.profiles or [BRANDS_DIR], ev)
    out_root = outputs.check_out_root(args.out, default=BUILD_DIR)
    outputs.check_brand_folders(out_root, [p.slug for p in profiles])
    outputs.check_index(out_root)
    draws = getattr(args, "draws", DEFAULT_DRAWS)
    seed = getattr(args, "seed", DEFAULT_SEED)
    jobs = [(p, args.datasets, draws, seed, day, out_root) for p in profiles]
    bar = tqdm(total=len(jobs), desc="assessing brands", unit="brand", file=sys.stderr)
    try:
        rows = workers.run(_assess_and_write, jobs, on_done=lambda _: bar.update())
    except BaseException:
        outputs.remove_unfinished(out_root)
        raise
    finally:
        bar.close()
    index = outputs.write_index(out_root, html.render_index(rows, out_root, a.policy))
    for r, _ in sorted(rows, key=lambda x: -x[0].p_go):
        print(f"{r.verdict:<12} {format_probability(r.p_go):>5}  {r.profile.name}")
    print(f"wrote {display(index)}")
    return 0
