"""The toolkit's allowed values: categories, objectives, genders, city tiers, verdicts, bases.

Everything else takes its allowed values from here. This module imports nothing from the
package, so any stage can use it.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Category(StrEnum):
    """The four groups most Mini Programs fall into (the articles' own grouping)."""

    ECOMMERCE = "e-commerce"
    GAMES = "games"
    NEWS = "news"
    UTILITY = "utility"


class Objective(StrEnum):
    """What a brand wants from its Mini Program."""

    SALES = "sales"
    ENGAGEMENT = "engagement"
    LOYALTY = "loyalty"
    SERVICE = "service"


class Gender(StrEnum):
    """Who a brand targets by gender; ``any`` puts no restriction."""

    FEMALE = "female"
    MALE = "male"
    ANY = "any"


class Tier(IntEnum):
    """City tiers; 5 stands for the fifth tier and below."""

    T1 = 1
    T2 = 2
    T3 = 3
    T4 = 4
    T5 = 5


class Verdict(StrEnum):
    """The answer, best first."""

    GO = "GO"
    CONDITIONAL = "CONDITIONAL"
    NO_GO = "NO-GO"


class Criterion(StrEnum):
    """The fit criteria a brand is scored on."""

    AUDIENCE_FIT = "audience_fit"
    PRICE_FIT = "price_fit"
    CATEGORY_FIT = "category_fit"
    CHANNEL_COVERAGE = "channel_coverage"
    FEASIBILITY = "feasibility"
    OBJECTIVE_FIT = "objective_fit"


class TouchpointGroup(StrEnum):
    """The groups of the touch-point taxonomy (``datasets/touchpoints.csv``)."""

    SYSTEM_LEVEL = "system_level"
    FREE_TRAFFIC = "free_traffic"
    PAID = "paid"
    OFFLINE = "offline"
    PARTNERSHIPS_EXTERNAL = "partnerships_external"


class Method(StrEnum):
    """How uncertain inputs are sampled: scrambled Sobol (quasi-) or plain Monte Carlo."""

    QMC = "qmc"
    MC = "mc"


CATEGORIES: tuple[str, ...] = tuple(x.value for x in Category)
OBJECTIVES: tuple[str, ...] = tuple(x.value for x in Objective)
GENDERS: tuple[str, ...] = tuple(x.value for x in Gender)
TIERS: tuple[int, ...] = tuple(int(t) for t in Tier)
VERDICTS: tuple[str, ...] = tuple(x.value for x in Verdict)
METHODS: tuple[str, ...] = tuple(x.value for x in Method)
CRITERIA: tuple[str, ...] = tuple(x.value for x in Criterion)
GROUPS: tuple[str, ...] = tuple(x.value for x in TouchpointGroup)
