"""Which inputs each criterion reads, and the sources and assumptions behind them."""

from __future__ import annotations

from collections.abc import Sequence

from research.data.evidence import Evidence, cite
from research.data.profiles import BrandProfile
from research.model import categories

# The factor each criterion scores, and its unit.
VALUE_OF = {
    "audience_fit": ("audience_share", "share of users"),
    "price_fit": ("price_share", "share of users"),
    "category_fit": ("category_penetration", "share of users"),
    "channel_coverage": ("coverage", "share of arrivals"),
    "feasibility": ("package_mb", "MB"),
    "objective_fit": ("objective_score", "score"),
}

_CRITERION_INPUTS = {
    "audience_fit": (
        "female_share",
        "age_le_share",
        "age_log_spread",
        "tier_shares",
        "tier_split",
        "audience_full_marks_share",
    ),
    "price_fit": ("spend_le_share", "spend_log_spread"),
    "category_fit": (),
    "channel_coverage": (
        "shared_links_share",
        "unnamed_points_share",
        "touchpoint_mix",
        "coverage_full_marks_share",
    ),
    "feasibility": ("package_size_if_unstated",),
    "objective_fit": (),
}


def criterion_inputs(name: str, p: BrandProfile) -> tuple[str, ...]:
    if name == "category_fit":
        return tuple(
            dict.fromkeys((categories.input_name(p.category), categories.input_name("games")))
        )
    if name == "objective_fit":
        return (f"objective_fit_{p.objective}",)
    if name == "feasibility" and p.package_size_mb is not None:
        return ()
    return _CRITERION_INPUTS[name]


def provenance(ins: dict, names: Sequence[str], ev: Evidence, extra_sources=()) -> tuple:
    srcs = tuple(dict.fromkeys([*extra_sources, *(s for n in names for s in ins[n].sources)]))
    assumed = tuple(dict.fromkeys(x for n in names for x in ins[n].assumptions))
    parts = []
    if srcs:
        parts.append("Sources: " + cite(ev, srcs))
    if assumed:
        parts.append("Assumed: " + ", ".join(assumed))
    return srcs, assumed, ". ".join(parts) if parts else "Brand profile"
