"""Analyst assumptions: the numbers the articles do not give, each a range with a rationale.

They live in ``datasets/assumptions.yaml``, apart from the evidence. Every model result
lists the names of the assumptions it used, so charts and tables can show which inputs
are sourced and which are assumed.

The file is read with PyYAML (``1e3`` counts as a number, as in YAML 1.2) and checked with
pydantic models of its shape: no unknown keys, finite numbers, non-empty texts, policy
values within [0, 1]. Any failure is one line, ``<file>: <dotted.key>: <problem>``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

import numpy as np
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)

from research.errors import DataFileError, closest
from research.model import distributions as u
from research.paths import display, resolve_datasets
from research.vocab import CRITERIA, GROUPS, OBJECTIVES

#: The distributions an assumption may name (``dirichlet`` takes a mean, not a range).
DISTS: tuple[str, ...] = ("lognormal", "normal", "logit", "uniform", "dirichlet")


@dataclass(frozen=True)
class Assumption:
    """One analyst assumption: a 90% interval [low, high] (or a Dirichlet mean) in ``unit``."""

    name: str
    dist: str
    low: float
    high: float
    unit: str
    rationale: str
    needed_for: str
    mean: tuple[float, ...] = ()
    concentration: float = 0.0

    def node(self) -> u.Node:
        """Return the distribution this assumption stands for."""
        if self.dist == "dirichlet":
            return u.Dirichlet(self.mean, u.Fixed(self.concentration))
        return u.from_interval(self.low, self.high, self.dist)

    def range_text(self) -> str:
        """Return the range as text, e.g. ``'0.8 to 1.4'`` or a Dirichlet mean."""
        if self.dist == "dirichlet":
            shares = ", ".join(f"{m:.0%}" for m in self.mean)
            return f"mean {shares} (concentration {self.concentration:g})"
        return f"{self.low:g} to {self.high:g}"


@dataclass(frozen=True)
class Policy:
    """Decision rules: the bar a draw must reach, verdict cut-offs, thresholds, weights."""

    bar: float
    go_at_least: float
    no_go_below: float
    thresholds: dict
    weights: dict

    def weight_vector(self, objective: str) -> np.ndarray:
        """Return the criteria weights for ``objective`` in :data:`CRITERIA` order."""
        return np.array([self.weights[objective][c] for c in CRITERIA], float)


@dataclass(frozen=True, eq=False)
class Assumptions:
    """Everything in ``assumptions.yaml``: ranges, touch-point group weights, statements, policy."""

    path: Path
    items: dict
    group_weights: dict
    statements: dict
    policy: Policy

    def __getitem__(self, name: str) -> Assumption:
        if name not in self.items:
            raise DataFileError(
                f"{display(self.path)}: assumption '{name}' is missing"
                f"{closest(name, list(self.items))}"
            )
        return self.items[name]

    def node(self, name: str) -> u.Node:
        """Return the distribution of assumption ``name``."""
        return self[name].node()

    def describe(self, names: Sequence[str]) -> tuple[dict, ...]:
        """Return name, range, unit, dist and rationale of each named assumption or statement.

        Names that are neither (e.g. policy keys) are skipped.
        """
        rows = []
        for name in names:
            if name in self.items:
                it = self.items[name]
                rows.append(
                    {
                        "name": name,
                        "range": it.range_text(),
                        "unit": it.unit,
                        "dist": it.dist,
                        "rationale": it.rationale,
                    }
                )
            elif name in self.statements:
                rows.append(
                    {
                        "name": name,
                        "range": "statement",
                        "unit": "",
                        "dist": "",
                        "rationale": self.statements[name],
                    }
                )
            elif name == "access_group_weights":
                w = ", ".join(f"{k} {v:g}" for k, v in self.group_weights.items())
                rows.append(
                    {
                        "name": name,
                        "range": w,
                        "unit": "prior weight",
                        "dist": "",
                        "rationale": "Prior split of named touch points by group",
                    }
                )
        return tuple(rows)


# --------------------------------------------------------------------------- the file's shape
#
# pydantic models of assumptions.yaml. They describe the file, not the API: loading turns
# them into the frozen dataclasses above. Every failure becomes one line naming the file and
# the dotted key (see ``_message``).


class _At(ValueError):
    """A problem found by a validator, at ``key`` below the model it checks (None: the model)."""

    def __init__(self, key: Any, problem: str) -> None:
        super().__init__(problem)
        self.key, self.problem = key, problem


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is required (a non-empty text)")
    return value


def _share(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"{value:g} is outside [0, 1]")
    return value


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError(f"{value:g} must be >= 0")
    return value


#: A finite number (an int or a float; not a bool, not a text).
Number = Annotated[float, Field(allow_inf_nan=False)]
Text = Annotated[str, AfterValidator(_text)]
Share = Annotated[Number, AfterValidator(_share)]
Weight = Annotated[Number, AfterValidator(_non_negative)]


class _Model(BaseModel):
    """A mapping of the file: strict types, no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    #: What to say when this mapping is missing or is not a mapping.
    WHAT: ClassVar[str] = "must be a mapping"

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = list(cls.model_fields)
            for key in data:
                if key not in allowed:
                    raise _At(
                        key,
                        f"unknown key (allowed: {', '.join(allowed)}){closest(str(key), allowed)}",
                    )
        return data


class _Item(_Model):
    """One assumption: a 90% interval [low, high], or a Dirichlet mean and concentration."""

    WHAT: ClassVar[str] = "must be a mapping with dist, low, high, unit, rationale"

    dist: Literal[DISTS]  # type: ignore[valid-type]
    label: Text | None = None
    unit: Text
    rationale: Text
    needed_for: Text
    low: Number | None = None
    high: Number | None = None
    mean: list[Number] | None = None
    concentration: Number | None = None

    @model_validator(mode="after")
    def _consistent(self) -> _Item:
        if self.dist == "dirichlet":
            if self.mean is None or len(self.mean) < 2:
                raise _At("mean", "must be a list of 2+ shares summing to 1")
            if min(self.mean) <= 0 or abs(sum(self.mean) - 1) > 1e-6:
                raise _At("mean", f"{self.mean} must be positive and sum to 1")
            if self.concentration is None:
                raise _At("concentration", "None is not a number")
            if self.concentration <= 0:
                raise _At("concentration", f"{self.concentration} must be > 0")
            return self
        for key in ("low", "high"):
            if getattr(self, key) is None:
                raise _At(key, "None is not a number")
        if self.low > self.high:
            raise _At(None, f"low {self.low:g} is above high {self.high:g}")
        try:
            u.from_interval(self.low, self.high, self.dist)
        except ValueError as err:
            raise _At(None, str(err)) from None
        return self

    def to_assumption(self, name: str) -> Assumption:
        """Return the assumption this entry describes, named ``name``."""
        common = {
            "name": name,
            "dist": self.dist,
            "unit": self.unit,
            "rationale": self.rationale,
            "needed_for": self.needed_for,
        }
        if self.dist == "dirichlet":
            m = tuple(self.mean)
            return Assumption(
                low=min(m), high=max(m), mean=m, concentration=self.concentration, **common
            )
        return Assumption(low=self.low, high=self.high, **common)


def _mapping(name: str, what: str, fields: Sequence[str], kind: Any) -> type[_Model]:
    """Return a model with one required ``kind`` field per name in ``fields``."""
    model = create_model(name, __base__=_Model, **{f: (kind, ...) for f in fields})
    model.WHAT = what
    return model


_GroupWeights = _mapping(
    "_GroupWeights", "is required (a weight per touch-point group)", GROUPS, Weight
)
_Thresholds = _mapping(
    "_Thresholds", "is required (a threshold per criterion, each in [0, 1])", CRITERIA, Share
)


class _WeightRow(_mapping("_WeightRowFields", "", CRITERIA, Share)):
    """One objective's criterion weights, each in [0, 1], summing to 1."""

    WHAT: ClassVar[str] = "is required (a mapping of criterion weights)"

    @model_validator(mode="after")
    def _sums_to_one(self) -> _WeightRow:
        if abs(sum(getattr(self, c) for c in CRITERIA) - 1) > 1e-6:
            raise ValueError("weights must sum to 1")
        return self


_Weights = _mapping(
    "_Weights", "is required (criterion weights for each objective)", OBJECTIVES, _WeightRow
)


class _Verdict(_Model):
    WHAT: ClassVar[str] = "is required (a mapping with go_at_least and no_go_below)"

    go_at_least: Share
    no_go_below: Share

    @model_validator(mode="after")
    def _ordered(self) -> _Verdict:
        if not self.no_go_below <= self.go_at_least:
            raise ValueError("need 0 <= no_go_below <= go_at_least <= 1")
        return self


class _Policy(_Model):
    WHAT: ClassVar[str] = "must be a mapping"

    bar: Share
    verdict: _Verdict
    thresholds: _Thresholds  # type: ignore[valid-type]
    weights: _Weights  # type: ignore[valid-type]

    def to_policy(self) -> Policy:
        """Return the decision rules as a :class:`Policy`."""
        return Policy(
            self.bar,
            self.verdict.go_at_least,
            self.verdict.no_go_below,
            self.thresholds.model_dump(),
            {obj: row.model_dump() for obj, row in self.weights},
        )


class _File(_Model):
    """The whole of ``assumptions.yaml``."""

    assumptions: dict[str, _Item]
    access_group_weights: _GroupWeights  # type: ignore[valid-type]
    statements: dict[str, Text] | None = None
    policy: _Policy


#: What to say when a top-level mapping of names is missing or is not a mapping.
_WHAT_AT: dict[str, str] = {
    "assumptions": "is required (a mapping of named assumptions)",
    "statements": "must be a mapping of name: text",
}


def _expected(loc: tuple) -> Any:
    """Return the type the file's model expects at ``loc`` (None when not found)."""
    kind: Any = _File
    for part in loc:
        kind = _plain(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if part not in kind.model_fields:
                return None
            kind = kind.model_fields[part].annotation
        elif get_origin(kind) in (dict, list):
            kind = get_args(kind)[-1]
        else:
            return None
    return _plain(kind)


def _plain(kind: Any) -> Any:
    """Return ``kind`` without ``Annotated[...]`` and ``| None``."""
    while True:
        if get_origin(kind) is Annotated:
            kind = get_args(kind)[0]
        elif get_origin(kind) in (Union, type(int | None)):
            kind = next(a for a in get_args(kind) if a is not type(None))
        else:
            return kind


def _dotted(loc: tuple) -> str:
    """Return ``('assumptions', 'x', 'mean', 1)`` as ``'assumptions.x.mean[1]'``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _message(path: Path, err: dict) -> str:
    """Return the one-line message for the first error of a pydantic ValidationError."""
    loc, kind, value = tuple(err["loc"]), err["type"], err.get("input")
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, _At):
        loc, problem = (loc if cause.key is None else (*loc, cause.key)), cause.problem
    elif isinstance(cause, ValueError):
        problem = str(cause)
    elif loc and loc[-1] == "[key]":  # a name that YAML read as a number, a date, ...
        loc, problem = (*loc[:-2], str(loc[-2])), f"the name {loc[-2]!r} must be a text"
    else:
        expected = _expected(loc)
        if kind == "missing":
            value = None
        if isinstance(expected, type) and issubclass(expected, _Model):
            problem = expected.WHAT
        elif loc and loc[0] in _WHAT_AT and len(loc) == 1:
            problem = _WHAT_AT[loc[0]]
        elif loc and loc[-1] == "mean" and kind in ("missing", "list_type"):
            problem = "must be a list of 2+ shares summing to 1"
        elif loc and loc[-1] == "dist" and kind == "literal_error":
            allowed = ", ".join(DISTS)
            problem = f"'{value}' is not allowed (allowed: {allowed}){closest(str(value), DISTS)}"
        elif expected is str or (loc and loc[-1] == "dist"):
            problem = "is required (a non-empty text)"
        elif expected is float:
            problem = f"{value!r} is not a number"
        else:
            problem = err["msg"]
    line = f"{display(path)}: {_dotted(loc) or 'assumptions'}: {problem}"
    return line.replace("\r", "\\r").replace("\n", "\\n")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's safe loader (libyaml's when built), reading ``1e3`` as a number (YAML 1.2)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def resolve(ev=None, a: Assumptions | None = None):
    """Return ``(evidence, assumptions)``, loading the project's own for any not given.

    Assumptions default to the ``assumptions.yaml`` beside the evidence's tables.
    """
    from research.data.evidence import load_evidence

    ev = ev or load_evidence()
    return ev, a or load_assumptions(ev.datasets_dir)


def load_assumptions(datasets: str | Path | None = None) -> Assumptions:
    """Return the validated assumptions of ``datasets/assumptions.yaml``.

    Raises :class:`~research.errors.DataFileError` naming the file and the key at fault.
    """
    path = resolve_datasets(datasets) / "assumptions.yaml"
    if not path.is_file():
        raise DataFileError(f"{display(path)}: file not found")
    stat = path.stat()
    return _load_cached(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime: int, size: int) -> Assumptions:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise DataFileError(
            f"{display(path)}: is not UTF-8 text (byte 0x{data[err.start]:02x} on line {line}); "
            "save it as UTF-8"
        ) from None
    try:
        raw = yaml.load(text, Loader=_Loader)  # a SafeLoader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataFileError(f"{display(path)}: not valid YAML{at}") from None
    if not isinstance(raw, dict):
        raise DataFileError(
            f"{display(path)}: assumptions: is required (a mapping of named assumptions)"
        )
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as err:
        raise DataFileError(_message(path, err.errors()[0])) from None
    return Assumptions(
        path,
        {name: item.to_assumption(name) for name, item in parsed.assumptions.items()},
        parsed.access_group_weights.model_dump(),
        dict(parsed.statements or {}),
        parsed.policy.to_policy(),
    )
