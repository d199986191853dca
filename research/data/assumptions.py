"""Analyst assumptions: the numbers the articles do not give, each a range with a rationale.

They live in ``datasets/assumptions.yaml``, apart from the evidence: each a 90% interval
``[low, high]`` (or a Dirichlet mean) with its ``dist``, ``unit``, a ``label`` for readers,
a ``rationale``, what it is ``needed_for`` and the sources its rationale ``cites``; plus
``statements`` (how figures combine, each a ``label``, a ``rationale`` and its ``cites``)
and the verdict's ``policy``. The file is read with the YAML 1.2 core schema (``1e3`` is
a number) and checked with pydantic models: no unknown keys (the closest name is
suggested), finite numbers, non-empty texts, ranges a distribution can have, policy values
within [0, 1], cited sources that ``sources.csv`` beside the file holds. Any failure is one
line, ``<file>: <dotted.key>: <problem>``.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from research.data.yaml12 import YamlError, parse_yaml
from research.errors import DataFileError, closest
from research.formats import format_range, format_share, format_users
from research.paths import display, resolve_datasets

#: The distributions an assumption may name (``dirichlet`` takes a mean, not a range).
DISTS: tuple[str, ...] = ("lognormal", "normal", "logit", "uniform", "dirichlet")


class _At(ValueError):
    """A problem found by a validator, at ``key`` below the mapping it checks."""

    def __init__(self, key: str | None, problem: str) -> None:
        super().__init__(problem)
        self.key, self.problem = key, problem


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is required (a non-empty text)")
    return value.strip()


def _share(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"{value:g} is outside [0, 1]")
    return value


Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Text = Annotated[str, Field(strict=True), AfterValidator(_text)]
Share = Annotated[Number, AfterValidator(_share)]


class _Strict(BaseModel):
    """A mapping of the file: strict types, no unknown keys (the closest name suggested)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = list(cls.model_fields)
            for key in data:
                if key not in allowed:
                    raise _At(
                        str(key),
                        f"unknown key (allowed: {', '.join(allowed)}){closest(str(key), allowed)}",
                    )
        return data


class Assumption(_Strict):
    """One analyst assumption: a 90% interval [low, high] (or a Dirichlet mean) in ``unit``."""

    label: Text
    dist: Literal[DISTS]  # type: ignore[valid-type]
    unit: Text
    rationale: Text
    needed_for: Text
    cites: list[Text] = Field(default_factory=list)
    low: Number | None = None
    high: Number | None = None
    mean: list[Number] | None = None
    concentration: Number | None = None

    @model_validator(mode="after")
    def _a_range_a_distribution_can_have(self) -> Assumption:
        if self.dist == "dirichlet":
            if self.mean is None or len(self.mean) < 2:
                raise _At("mean", "must be a list of 2+ shares summing to 1")
            if min(self.mean) <= 0 or abs(sum(self.mean) - 1) > 1e-6:
                raise _At("mean", f"{list(self.mean)} must be positive and sum to 1")
            if self.concentration is None or self.concentration <= 0:
                raise _At("concentration", "must be a number above 0")
            return self
        if self.low is None or self.high is None:
            raise _At("low" if self.low is None else "high", "is required (a number)")
        if self.low > self.high:
            raise _At(None, f"low {self.low:g} is above high {self.high:g}")
        if self.dist == "lognormal" and self.low <= 0:
            raise _At("low", f"{self.low:g} must be above 0 for a lognormal")
        if self.dist == "logit" and not (0 < self.low and self.high < 1):
            raise _At(None, f"[{self.low:g}, {self.high:g}] must lie inside (0, 1) for a logit")
        return self

    def range_text(self) -> str:
        """Return the 90% range in its unit's words (``'22% to 40%'``, ``'2 to 9 MB'``,
        ``'+0% to +48% a year'``), or a Dirichlet's mean (``'mean 45%, 33%, 22%'``)."""
        if self.dist == "dirichlet":
            return "mean " + ", ".join(format_share(m) for m in self.mean or ())
        unit = self.unit.lower()
        if unit.startswith("share"):
            return format_range(self.low, self.high, format_share)
        if unit.startswith("growth per year"):
            return format_range(self.low, self.high, lambda x: f"+{format_share(x)}") + " a year"
        if unit.startswith("multiple"):
            return format_range(self.low, self.high, lambda x: f"{x:g}x")
        if unit.startswith("users"):
            return format_range(self.low, self.high, format_users) + " daily users"
        if unit == "mb":
            return format_range(self.low, self.high, lambda x: f"{x:g}") + " MB"
        return format_range(self.low, self.high, lambda x: f"{x:g}")


class Statement(_Strict):
    """A structural assumption: how figures combine, named for readers, with its reason."""

    label: Text
    rationale: Text
    cites: list[Text] = Field(default_factory=list)


class Policy(_Strict):
    """The verdict's cut-offs on the probability of the GO event (0-1)."""

    go_at_least: Share
    no_go_below: Share

    @model_validator(mode="after")
    def _ordered(self) -> Policy:
        if self.no_go_below > self.go_at_least:
            raise _At(None, "need no_go_below <= go_at_least")
        return self


class DataPolicy(_Strict):
    """When the market figures are too old to rely on without a warning."""

    warn_after_years: Annotated[Number, Field(gt=0, le=50)]  # years before the analysis


class _PolicyBlock(_Strict):
    verdict: Policy
    data: DataPolicy


class _File(_Strict):
    assumptions: dict[str, Assumption]
    statements: dict[str, Statement] = Field(default_factory=dict)
    policy: _PolicyBlock


@dataclass(frozen=True, eq=False)
class Assumptions:
    """Everything in ``assumptions.yaml``: named ranges, statements and the policy."""

    path: Path
    items: dict[str, Assumption]
    statements: dict[str, Statement]
    policy: Policy
    data_policy: DataPolicy

    def __getitem__(self, name: str) -> Assumption:
        if name not in self.items:
            raise DataFileError(
                f"{display(self.path)}: assumption '{name}' is missing"
                f"{closest(name, list(self.items))}"
            )
        return self.items[name]

    def describe(self, names: Sequence[str]) -> tuple[dict, ...]:
        """Return name, label, range, unit and rationale of each assumption or statement.

        Names that are neither are skipped.
        """
        rows = []
        for name in dict.fromkeys(names):
            if name in self.items:
                it = self.items[name]
                rows.append(
                    {
                        "name": name,
                        "label": it.label,
                        "range": it.range_text(),
                        "unit": it.unit,
                        "rationale": it.rationale,
                    }
                )
            elif name in self.statements:
                st = self.statements[name]
                rows.append(
                    {
                        "name": name,
                        "label": st.label,
                        "range": "statement",
                        "unit": "",
                        "rationale": st.rationale,
                    }
                )
        return tuple(rows)

    def cited_sources(self, names: Sequence[str]) -> tuple[str, ...]:
        """Return the source ids the rationales of the named assumptions and statements
        quote, in order, each once (names that are neither are skipped)."""
        found = [self.items.get(n) or self.statements.get(n) for n in dict.fromkeys(names)]
        return tuple(dict.fromkeys(s for x in found if x is not None for s in x.cites))


def _message(path: Path, err: dict) -> str:
    """Return the one-line message of one pydantic error."""
    loc = [str(p) for p in err.get("loc", ()) if p != "[key]"]
    cause = (err.get("ctx") or {}).get("error")
    kind, value = err.get("type", ""), err.get("input")
    if isinstance(cause, _At):
        loc = loc + ([cause.key] if cause.key else [])
        problem = cause.problem
    elif isinstance(cause, ValueError):
        problem = str(cause)
    elif kind == "missing":
        problem = "is required"
    elif kind == "literal_error" and loc and loc[-1] == "dist":
        problem = (
            f"{value!r} is not allowed (allowed: {', '.join(DISTS)}){closest(str(value), DISTS)}"
        )
    elif kind in ("float_type", "float_parsing", "finite_number") or (
        kind.endswith("_type")
        and isinstance(value, str | bool | type(None))
        and loc
        and loc[-1] in ("low", "high", "concentration", "go_at_least", "no_go_below")
    ):
        problem = f"{value!r} is not a number"
    elif kind in ("string_type",):
        problem = "is required (a non-empty text)"
    elif kind in ("dict_type", "model_type"):
        problem = "must be a mapping"
    elif kind == "list_type" and loc and loc[-1] == "cites":
        problem = f"{value!r} must be a list of source ids (source_id in sources.csv)"
    else:
        problem = err.get("msg", kind)
    where = ".".join(loc) or "assumptions"
    return f"{display(path)}: {where}: {problem}".replace("\n", "\\n").replace("\r", "\\r")


def load_assumptions(datasets: str | Path | None = None) -> Assumptions:
    """Return the validated assumptions of ``datasets/assumptions.yaml``.

    Raises :class:`~research.errors.DataFileError` naming the file and the key at fault.
    """
    path = resolve_datasets(datasets) / "assumptions.yaml"
    try:
        stat = path.stat()
    except OSError:
        raise DataFileError(f"{display(path)}: file not found") from None
    if not path.is_file():
        raise DataFileError(f"{display(path)}: is not a regular file")
    sources = path.with_name("sources.csv")
    try:
        s = sources.stat()
        stamp = (s.st_mtime_ns, s.st_size)
    except OSError:
        stamp = None
    return _load_cached(path, stat.st_mtime_ns, stat.st_size, stamp)


def _source_ids(path: Path) -> list[str] | None:
    """Return the source ids of ``sources.csv``, or None when it cannot be read (the
    evidence loader, which reads it properly, then says why)."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if not rows or "source_id" not in rows[0]:
        return None
    return [str(r["source_id"]).strip() for r in rows]


def _check_cites(path: Path, a: Assumptions) -> None:
    """Raise when a rationale cites a source that ``sources.csv`` beside ``path`` lacks."""
    known = _source_ids(path.with_name("sources.csv"))
    if known is None:
        return
    blocks = (("assumptions", a.items), ("statements", a.statements))
    for block, entries in blocks:
        for name, entry in entries.items():
            for i, sid in enumerate(entry.cites):
                if sid not in known:
                    raise DataFileError(
                        f"{display(path)}: {block}.{name}.cites.{i}: '{sid}' is not a source_id "
                        f"of sources.csv{closest(sid, known)}"
                    )


@functools.lru_cache(maxsize=8)
def _load_cached(
    path: Path, mtime: int, size: int, sources_stamp: tuple[int, int] | None
) -> Assumptions:
    try:
        raw = parse_yaml(path.read_bytes())
    except YamlError as err:
        raise DataFileError(f"{display(path)}: {err}") from None
    if not isinstance(raw, dict):
        raise DataFileError(
            f"{display(path)}: assumptions: is required (a mapping of named ranges)"
        )
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as err:
        raise DataFileError(_message(path, err.errors()[0])) from None
    out = Assumptions(
        path=path,
        items=dict(parsed.assumptions),
        statements=dict(parsed.statements),
        policy=parsed.policy.verdict,
        data_policy=parsed.policy.data,
    )
    _check_cites(path, out)
    return out


def resolve(ev=None, a: Assumptions | None = None):
    """Return ``(evidence, assumptions)``, loading the project's own for any not given.

    Assumptions default to the ``assumptions.yaml`` beside the evidence's tables.
    """
    from research.data.evidence import load_evidence

    ev = ev or load_evidence()
    return ev, a or load_assumptions(ev.datasets_dir)
