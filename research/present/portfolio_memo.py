"""Notebook helpers for several brands at once (notebook 07): assess a folder of profiles,
then rank and chart them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from IPython.display import Image, Markdown

from research import clock
from research.data import profile_files
from research.data.assumptions import Assumptions, load_assumptions
from research.data.evidence import Evidence, load_evidence
from research.decide import portfolio
from research.decide.assess import DEFAULT_DRAWS, DEFAULT_SEED, assess
from research.decide.assessment import Assessment
from research.present import style
from research.present.escape import markdown_text
from research.present.memo import present, show, sources
from research.present.portfolio_chart import plot_portfolio


def assess_folder(
    folder: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    draws: int = DEFAULT_DRAWS,
    datasets: str | Path | None = None,
    analysis_date: str | None = None,
) -> tuple[Evidence, Assumptions, list[Assessment]]:
    """Return the evidence, assumptions and assessments of every profile in ``folder``."""
    day = clock.pin(analysis_date) if analysis_date else clock.analysis_date()
    ev = load_evidence(datasets)
    a = load_assumptions(ev.datasets_dir)
    profiles = profile_files.load_profiles([folder], ev)
    return (
        ev,
        a,
        [assess(p, ev=ev, a=a, draws=draws, seed=seed, analysis_date=day) for p in profiles],
    )


def portfolio_table(results: Sequence[Assessment]) -> pd.DataFrame:
    """Return the ranked portfolio table for display."""
    t = portfolio.table(results).drop(columns=["category", "objective"])
    t["brand"] = [markdown_text(x) for x in t["brand"]]
    return present(
        t,
        {"price_rmb": "rmb", "p_go": "chance", "reach": "users", "users": "users", "need": "users"},
        rename={"price_rmb": "price", "p_go": "chance", "main_reason": "main reason"},
    )


def portfolio_sources(results: Sequence[Assessment], ev: Evidence, a: Assumptions) -> Markdown:
    """Return the Sources cell of a portfolio: every source and assumption the brands used."""
    return sources(ev, *portfolio.provenance(results), a)


def portfolio_chart(results: Sequence[Assessment], ev: Evidence, a: Assumptions) -> Image:
    """Return the portfolio chart: each brand's chance of winning the users it needs."""
    with style.house_style():
        ax = plot_portfolio(results, ev, a)
    return show(ax)
