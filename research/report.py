"""The main job: assess brands and write their scorecards, charts, decks and a portfolio page.

For each brand, ``OUT/<slug>/`` gets ``scorecard.json``, ``scorecard.md``, ``charts/``
(PNG and SVG, full and half slide) and ``deck.pptx``; ``OUT/index.html`` ranks them.
Every profile is validated before anything is written; each file is written to a temporary
name and moved into place, so an interrupted run leaves no half-written file, and a run
only ever overwrites the files it writes itself.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import yaml
from tqdm import tqdm

from research import notebooks
from research.data import profiles as brand
from research.data.assumptions import Policy, load_assumptions
from research.data.evidence import load_evidence
from research.decide import portfolio
from research.decide.assess import DEFAULT_DRAWS, DEFAULT_SEED, assess
from research.decide.assessment import Assessment
from research.decide.reasons import strip_sources
from research.files import write_atomic
from research.paths import BRANDS_DIR, BUILD_DIR, display
from research.present import deck, exhibits, plots
from research.present import style as charts
from research.present import text as summary

CHART_SIZES = ("full", "half")


def write_charts(r: Assessment, exs: dict, ev, out_dir: Path) -> dict[str, list[Path]]:
    """Return the chart files written for one brand: ``{exhibit: [paths]}``.

    Every exhibit gets PNG and SVG at full and half slide size, with its title and source
    line; image-only exhibits also get ``<name>-slide.png`` without them, for the deck.
    """
    written = {}
    with charts.house_style():
        for name, ex in exs.items():
            paths = []
            for size in CHART_SIZES:
                ax = plots.plot_exhibit(name, ex, r, ev, size)
                fig = ax.figure
                paths += charts.export_chart(fig, out_dir, f"{name}-{size}")
                plt.close(fig)
            if ex.kind == "image":
                # The deck's slide carries the title and source line itself.
                fig = plots.plot_exhibit(name, ex, r, ev, "slide").figure
                fig.suptitle("")
                fig.supxlabel("")
                paths += charts.export_chart(
                    fig, out_dir, f"{name}-slide", ("png",), check_finished=False
                )
                plt.close(fig)
            written[name] = paths
    return written


def deck_spec(r: Assessment, exs: dict, chart_files: dict) -> deck.DeckSpec:
    """Return the deck of one brand: native charts where python-pptx can draw them."""
    slides = []
    for name, ex in exs.items():
        png = next((p for p in chart_files[name] if p.name == f"{name}-slide.png"), None)
        slides.append(ex.to_chart_slide(png))
    p = r.profile
    return deck.DeckSpec(
        title=f"Should {p.name} build a WeChat Mini Program?",
        subtitle=(
            f"{p.category} | {p.objective} | {p.price_rmb:,.0f} RMB a month | figures as of "
            f"{r.as_of:%B %Y} | {r.draws} draws, seed {r.seed}"
        ),
        verdict=r.verdict,
        p_go=r.p_go,
        verdict_line=(
            f"{r.p_go:.0%} of uncertainty draws clear the bar of "
            f"{r.bar:.2f} (median score {r.score.p50:.2f})"
        ),
        reasons=tuple(strip_sources(x) for x in r.reasons),
        charts=tuple(slides),
        assumptions=tuple((a["name"], a["range"], a["rationale"]) for a in r.assumptions),
        sources=tuple((s["source_id"], s["citation"]) for s in r.sources),
        summary_notes="\n".join(r.reasons),
    )


def write_brand(
    r: Assessment, ev, a, out_root: Path, *, analysis: bool = False, datasets=None
) -> dict[str, Path]:
    """Return the files written for one assessed brand under ``out_root/<slug>/``.

    With ``analysis``, the brand's profile is saved as ``profile.yaml`` and the go/no-go
    notebook is run on it with papermill (``analysis.ipynb``, ``analysis.html``).
    """
    folder = brand.resolve_output_dir(r.profile, out_root)
    out: dict[str, Path] = {}
    with ThreadPoolExecutor(max_workers=1) as side:
        pending = None
        if analysis:
            # The notebook runs in its own kernel process, alongside the charts below.
            out["profile"] = write_atomic(
                folder / "profile.yaml",
                yaml.safe_dump(
                    brand.profile_to_dict(r.profile), sort_keys=False, allow_unicode=True
                ),
            )
            pending = side.submit(
                notebooks.write_analysis,
                out["profile"],
                folder,
                f"{r.profile.name}: go/no-go analysis",
                seed=r.seed,
                draws=r.draws,
                datasets=datasets,
            )
        exs = exhibits.build_exhibits(r, ev, a)
        files = write_charts(r, exs, ev, folder / "charts")
        card = r.to_dict() | {"charts": {k: v.to_dict() for k, v in exs.items()}}
        out["json"] = write_atomic(
            folder / "scorecard.json", json.dumps(card, indent=2, ensure_ascii=False) + "\n"
        )
        out["md"] = write_atomic(folder / "scorecard.md", summary.to_markdown(r))
        out["deck"] = deck.write_deck(deck_spec(r, exs, files), folder / "deck.pptx")
        out["charts"] = folder / "charts"
        if pending is not None:
            out |= pending.result()
    return out


def render_index(
    rows: Sequence[tuple[Assessment, dict[str, Path]]], out_root: Path, policy: Policy
) -> str:
    """Return the portfolio page: brands ranked by verdict then p_go, linked to their files."""
    files_of = {id(r): files for r, files in rows}
    ranked = [(r, files_of[id(r)]) for r in portfolio.rank([r for r, _ in rows])]
    body = []
    for rank, (r, files) in enumerate(ranked, 1):
        rel = lambda p: html.escape(os.path.relpath(p, out_root))  # noqa: E731
        links = [
            f'<a href="{rel(files["md"])}">scorecard</a>',
            f'<a href="{rel(files["json"])}">json</a>',
            f'<a href="{rel(files["deck"])}">deck</a>',
            f'<a href="{rel(files["charts"])}/">charts</a>',
        ]
        if "analysis" in files:
            links.append(f'<a href="{rel(files["analysis"])}">analysis</a>')
        reason = html.escape(strip_sources(r.reasons[0]))
        body.append(
            f"<tr><td>{rank}</td><td><strong>{html.escape(r.profile.name)}</strong><br>"
            f"<small>{html.escape(r.profile.category)} | {html.escape(r.profile.objective)} | "
            f"{r.profile.price_rmb:,.0f} RMB</small></td>"
            f'<td><span class="badge" style="background:{charts.VERDICT_COLOURS[r.verdict]}">{r.verdict}</span></td>'
            f"<td>{r.p_go:.0%}</td><td>{r.score.p50:.2f}</td><td>{reason}</td>"
            f"<td>{' | '.join(links)}</td></tr>"
        )
    first = ranked[0][0] if ranked else None
    meta = (
        f"{len(ranked)} brands, {first.draws} draws, seed {first.seed}, figures as of "
        f"{first.as_of:%Y-%m-%d}"
        if first
        else "no brands"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>WeChat Mini Program go/no-go: portfolio</title>
<style>
body {{ font-family: Calibri, 'DejaVu Sans', Arial, sans-serif; margin: 2rem; color: #1a1a1a; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: .5rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }}
th {{ background: #f3f3f3; }}
.badge {{ color: #fff; padding: .15rem .5rem; border-radius: .3rem; font-weight: bold; white-space: nowrap; }}
small {{ color: #666; }}
</style></head><body>
<h1>Should these brands build a WeChat Mini Program?</h1>
<p>{html.escape(meta)}. A brand is GO when at least {policy.go_at_least:.0%} of uncertainty draws
clear the bar of {policy.bar:.2f}, NO-GO below {policy.no_go_below:.0%}, CONDITIONAL in between
(see each scorecard for the assumptions).</p>
<table><thead><tr><th>#</th><th>Brand</th><th>Verdict</th><th>p_go</th><th>Score</th>
<th>Main reason</th><th>Files</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table></body></html>
"""


def _assess_and_write(profile, datasets, draws: int, seed: int, out_root: Path, analysis: bool):
    """Assess one brand and write its files (runs in a worker process)."""
    ev = load_evidence(datasets)
    a = load_assumptions(ev.datasets_dir)
    r = assess(profile, ev=ev, a=a, draws=draws, seed=seed)
    return r, write_brand(r, ev, a, out_root, analysis=analysis, datasets=datasets)


def run_report(args) -> int:
    """Run ``python -m research report``; return the exit status."""
    ev = load_evidence(args.datasets)
    a = load_assumptions(ev.datasets_dir)  # fails early on a bad assumptions file
    paths = args.profiles or [BRANDS_DIR]
    profiles = brand.load_profiles(paths, ev)
    out_root = Path(args.out).expanduser() if args.out else BUILD_DIR
    if out_root.exists() and not out_root.is_dir():
        from research.errors import InputError

        raise InputError(f"--out: {display(out_root)} exists and is not a folder")
    draws = getattr(args, "draws", DEFAULT_DRAWS)
    seed = getattr(args, "seed", DEFAULT_SEED)
    analysis = not getattr(args, "no_notebooks", False)
    jobs = [(p, args.datasets, draws, seed, out_root, analysis) for p in profiles]
    workers = min(len(jobs), os.cpu_count() or 1, 4)
    bar = tqdm(total=len(jobs), desc="assessing brands", unit="brand", file=sys.stderr)
    if workers > 1:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = [pool.submit(_assess_and_write, *job) for job in jobs]
            for fut in as_completed(futures):
                fut.result()
                bar.update()
            rows = [f.result() for f in futures]
    else:
        rows = []
        for job in jobs:
            rows.append(_assess_and_write(*job))
            bar.update()
    bar.close()
    index = write_atomic(out_root / "index.html", render_index(rows, out_root, a.policy))
    for r, _ in sorted(rows, key=lambda x: -x[0].p_go):
        print(f"{r.verdict:<12} p_go {r.p_go:>4.0%}  {r.profile.name}")
    print(f"wrote {display(index)}")
    return 0
