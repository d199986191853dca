"""The main job: assess brands and write their scorecards, charts, decks and a portfolio page.

For each brand, ``OUT/<slug>/`` gets ``scorecard.json``, ``scorecard.md``, ``charts/``
(PNG and SVG, full and half slide) and ``deck.pptx``; ``OUT/index.html`` ranks them.
Every profile is validated before anything is written; each file is written to a temporary
name and moved into place, so an interrupted run leaves no half-written file, and a run
only ever overwrites the files it writes itself.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path

import yaml
from tqdm import tqdm

from research import notebooks
from research.data import profile_files
from research.data import profiles as brand
from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.data.profiles import BrandProfile
from research.decide.assess import DEFAULT_DRAWS, DEFAULT_SEED, assess
from research.decide.assessment import Assessment
from research.decide.reasons import strip_sources
from research.errors import InputError
from research.files import write_atomic
from research.formats import format_pct, format_rmb, format_score
from research.paths import BRANDS_DIR, BUILD_DIR, display
from research.present import deck, exhibits, plots
from research.present import text as summary
from research.present.html import render_index
from research.present.style import export_chart, house_style

CHART_SIZES = ("full", "half")


def write_charts(r: Assessment, exs: dict, ev, out_dir: Path) -> dict[str, list[Path]]:
    """Return the chart files written for one brand: ``{exhibit: [paths]}``.

    Every exhibit gets PNG and SVG at full and half slide size, with its title and source
    line; image-only exhibits also get ``<name>-slide.png`` without them, for the deck.
    """
    written = {}
    with house_style():
        for name, ex in exs.items():
            paths = []
            for size in CHART_SIZES:
                fig = plots.plot_exhibit(name, ex, r, ev, size).figure
                paths += export_chart(fig, out_dir, f"{name}-{size}")
            if ex.kind == "image":
                # The deck's slide carries the title and source line itself.
                fig = plots.plot_exhibit(name, ex, r, ev, "slide").figure
                fig.suptitle("")
                fig.supxlabel("")
                paths += export_chart(fig, out_dir, f"{name}-slide", ("png",), check_finished=False)
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
            f"{p.category} | {p.objective} | {format_rmb(p.price_rmb)} a month | figures as of "
            f"{r.as_of:%B %Y} | {r.draws} draws, seed {r.seed}"
        ),
        verdict=r.verdict,
        p_go=r.p_go,
        verdict_line=(
            f"{format_pct(r.p_go)} of uncertainty draws clear the bar of "
            f"{format_score(r.bar)} (median score {format_score(r.score.p50)})"
        ),
        reasons=tuple(strip_sources(x) for x in r.reasons),
        charts=tuple(slides),
        assumptions=tuple((a["name"], a["range"], a["rationale"]) for a in r.assumptions),
        sources=tuple((s["source_id"], s["citation"]) for s in r.sources),
        summary_notes="\n".join(r.reasons),
    )


def brand_folder(profile: BrandProfile, root: Path) -> Path:
    """Return ``root/<slug>``, the brand's output folder, checked to be directly in ``root``."""
    base = Path(root).resolve()
    target = (base / str(profile.slug)).resolve()
    if target.parent != base:
        raise InputError(f"slug '{profile.slug}': output folder {target} is outside {base}")
    return target


def write_brand(
    r: Assessment, ev, a, out_root: Path, *, analysis: bool = False, datasets=None
) -> dict[str, Path]:
    """Return the files written for one assessed brand under ``out_root/<slug>/``.

    With ``analysis``, the brand's profile is saved as ``profile.yaml`` and the go/no-go
    notebook is run on it with papermill (``analysis.ipynb``, ``analysis.html``).
    """
    folder = brand_folder(r.profile, out_root)
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
    profiles = profile_files.load_profiles(paths, ev)
    out_root = Path(args.out).expanduser() if args.out else BUILD_DIR
    if out_root.exists() and not out_root.is_dir():
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
