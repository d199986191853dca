"""The main job: assess brands and write, per brand, a page, a deck, a scorecard and charts.

For each brand, ``OUT/<slug>/`` gets ``analysis.html`` (the analysis page, self-contained),
``deck.pptx`` (the client deck), ``scorecard.md`` and ``scorecard.json``, ``profile.yaml``
(the profile as assessed) and ``charts/`` (full-slide PNGs); ``OUT/index.html``
ranks the brands. Everything is checked before any work (:mod:`research.outputs`); each
brand's folder is built beside its final place and swapped in whole, so a run never leaves
half a brand or an old page beside a new scorecard.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from research import clock, outputs, workers
from research.data import profile_files
from research.data.assumptions import load_assumptions
from research.data.evidence import load_evidence
from research.formats import format_probability
from research.paths import BRANDS_DIR, BUILD_DIR, display


def _assess_and_write(job: tuple) -> tuple:
    """Assess one brand and write its folder (runs in a worker process); return
    ``(assessment, {file kind: final path})``."""
    from research.decide.assess import assess
    from research.present.brand_folder import write_brand

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
    from research.decide.assess import check_figure_dates

    check_figure_dates(profiles, ev, a, day)
    out_root = outputs.check_out_root(args.out, default=BUILD_DIR)
    outputs.remove_unfinished(out_root)  # what a killed run left
    outputs.check_brand_folders(out_root, [p.slug for p in profiles])
    outputs.check_index(out_root)
    jobs = [(p, args.datasets, args.draws, args.seed, day, out_root) for p in profiles]
    # The bar shows only on a terminal, so a log or a pipe gets one line per outcome.
    bar = tqdm(
        total=len(jobs), desc="assessing brands", unit="brand", file=sys.stderr, disable=None
    )
    try:
        rows = workers.run(_assess_and_write, jobs, on_done=lambda _: bar.update())
    except BaseException:
        outputs.remove_unfinished(out_root)
        raise
    finally:
        bar.close()
    from research.present import html

    index = outputs.write_index(out_root, html.render_index(rows, out_root, a.policy))
    for r, _ in sorted(rows, key=lambda x: -x[0].p_go):
        print(f"{r.verdict:<12} {format_probability(r.p_go):>5}  {r.profile.name}")
    print(f"wrote {display(index)}")
    return 0
