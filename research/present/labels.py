"""Human words for the toolkit's ids: assumptions, statements, sources, audiences, gates.

Client-facing text never shows a snake_case id: an assumption is named by its ``label`` in
``assumptions.yaml``, a statement by a short phrase, a source by its ``label`` in
``sources.csv``. Everything here is plain text; HTML and Markdown escaping happen where
the text is put into a page.
"""

from __future__ import annotations

from collections.abc import Iterable

from research.data.assumptions import Assumptions
from research.data.evidence import Evidence
from research.decide.assessment import Assessment
from research.decide.reasons import audience_words
from research.errors import InputError, closest

#: Statements (structural assumptions) in words.
STATEMENTS = {
    "trait_independence": "gender, age and city tier combined as independent",
    "tier_rest_is_tier_5": "the users the article leaves unnamed read as tier 5 and below",
    "stage_independence": "funnel steps combined as independent",
    "touchpoint_independence": "touch points combined as independent",
    "price_applies_to_sales": "price filters only a Mini Program that sells",
    "dau_cap": "daily users capped at WeChat's users",
    "age_lognormal": "a smooth age curve through the reported share",
    "spend_lognormal": "a smooth spend curve through the reported share",
}

#: Assumptions a source line names before it sends the reader to the appendix.
MAX_NAMED = 4

__all__ = ["audience_words", "assumption_label", "source_line", "decided_by"]


def assumption_label(a: Assumptions, name: str) -> str:
    """Return an assumption's or a statement's name in words (its label)."""
    if name in a.items:
        return a.items[name].label
    if name in STATEMENTS:
        return STATEMENTS[name]
    if name in a.statements:
        return name.replace("_", " ")
    raise InputError(
        f"assumption: '{name}' is not in assumptions.yaml{closest(name, list(a.items))}"
    )


def source_label(ev: Evidence, source_id: str) -> str:
    """Return a source's short label, e.g. 'Sinorblog (2019)'."""
    src = ev.sources.set_index("source_id")
    if source_id not in src.index:
        raise InputError(f"source_id: '{source_id}' is not a known source")
    return str(src.at[source_id, "label"])


class SourceLine(str):
    """A chart's source line in words that knows what it cites: ``sources`` (source ids) and
    ``assumptions`` (assumption names), so the sources and assumptions slides can list
    everything any chart cites."""

    sources: tuple[str, ...]
    assumptions: tuple[str, ...]

    def __new__(cls, text: str, sources: Iterable[str] = (), assumptions: Iterable[str] = ()):
        line = super().__new__(cls, text)
        line.sources, line.assumptions = tuple(sources), tuple(assumptions)
        return line


def cited(r: Assessment, exhibits: Iterable, ev: Evidence, a: Assumptions) -> tuple:
    """Return (source rows, assumption rows) of everything the assessment and its charts cite,
    the assessment's own first: what a deck's or page's sources and assumptions list."""
    ids = [s["source_id"] for s in r.sources]
    names = [x["name"] for x in r.assumptions]
    for ex in exhibits:
        ids += getattr(ex.source_line, "sources", ())
        names += getattr(ex.source_line, "assumptions", ())
    src = ev.sources.set_index("source_id")
    sources = tuple(
        {
            "source_id": s,
            "producer": str(src.at[s, "producer"]),
            "citation": str(src.at[s, "citation"]),
        }
        for s in dict.fromkeys(ids)
        if s in src.index
    )
    return sources, a.describe(list(dict.fromkeys(names)))


def source_line(
    ev: Evidence, a: Assumptions, source_ids: Iterable[str], assumptions: Iterable[str] = ()
) -> SourceLine:
    """Return a chart's source line in words: the sources, then what is assumed.

    ``'Sources: Sinorblog (2019); Datawords (c. 2019). Assumed: spread of users' ages;
    funnel steps combined as independent.'``
    """
    ids = list(dict.fromkeys(str(s) for s in source_ids))
    names = [assumption_label(a, n) for n in dict.fromkeys(str(x) for x in assumptions)]
    names = list(dict.fromkeys(lower_first(n) for n in names))
    srcs = "; ".join(source_label(ev, s) for s in ids) or "none"
    keys = list(dict.fromkeys(str(x) for x in assumptions))
    if len(names) > MAX_NAMED:
        more = len(names) - MAX_NAMED + 1
        names = [*names[: MAX_NAMED - 1], f"{more} more (see the appendix)"]
    return SourceLine(f"Sources: {srcs}. Assumed: {'; '.join(names) or 'none'}.", ids, keys)


def lower_first(text: str) -> str:
    """Return ``text`` with its first letter lower-case (for use inside a sentence)."""
    return text[:1].lower() + text[1:]


def the(label: str, *, start: bool = False) -> str:
    """Return a label as a noun phrase with its article: 'Share of users ...' -> 'the share of
    users ...' (``start``: 'The share ...', to begin a sentence)."""
    phrase = label if label.lower().startswith("the ") else "the " + lower_first(label)
    return phrase[:1].upper() + phrase[1:] if start else phrase


_DECIDED_BY = {
    "channels": "no touch point brings users in",
    "package": "the package is over the size limit",
    "price": "the price is above the articles' caution point for selling",
}


def decided_by(r: Assessment) -> str:
    """Return what decides a verdict no uncertainty can move, in words."""
    failed = [g for g in r.gates if not g.passed and g.caps == "NO-GO"]
    if failed:
        what = " and ".join(_DECIDED_BY[g.name] for g in failed)
        return what + (", and that decides it" if len(failed) == 1 else ", and those decide it")
    return "the reach is far from the need either way"


#: Inputs of the engine whose assumptions are not named like them.
_INPUT_ASSUMPTIONS = {
    "dau_error": ("dau_figure_error",),
    "dau_growth": ("dau_growth_after_last_figure",),
    "female_share": ("trust_survey_n",),
    "age_le_share": ("trust_survey_n",),
    "spend_le_share": ("trust_survey_n",),
    "shared_links_share": ("trust_survey_n",),
    "penetration_games": ("trust_survey_n",),
    "conversion": ("reach_to_users_share",),
    "package": ("package_size_if_unstated",),
    "tier_share": ("trust_approx_n", "tier_split_2_to_4", "tier_rest_is_tier_5"),
}


def assumption_names(input_name: str, r: Assessment, a: Assumptions) -> tuple[str, ...]:
    """Return the assumptions behind one of the brand's uncertain inputs (for source lines)."""
    if input_name == "need":
        return (r.need.assumption,) if r.need.assumption else ()
    if input_name in _INPUT_ASSUMPTIONS:
        return _INPUT_ASSUMPTIONS[input_name]
    return (input_name,) if input_name in a.items else ()


#: What a number rests on, in client words (the JSON keeps the codes).
BASIS_WORDS = {
    "sourced": "the articles",
    "assumed": "assumed",
    "mixed": "articles and assumptions",
}


def basis_words(basis: str) -> str:
    """Return what a number rests on in words: 'the articles', 'assumed' or 'articles and
    assumptions' (a stage mixing sourced figures and assumptions)."""
    return BASIS_WORDS.get(basis, basis)
