"""Brand profiles: who the brand sells to, at what price, through which WeChat touch points.

A profile is validated once, at the edge, into a frozen :class:`BrandProfile` (pydantic);
everything downstream trusts it. Every failure is one :class:`~research.errors.ProfileError`
line naming where the profile came from, the field as a dotted path, the bad value and
what is allowed, with the closest valid name for a typo::

    brands/x.yaml: field 'audience.gender': 'femal' is not allowed (allowed: female, male, any) (did you mean 'female'?)

Units: ``price_rmb`` is RMB per customer per month; ``package_size_mb`` is the code
package in MB; ages are years; ``needs.daily_users`` is users a day. The rules (ranges,
lengths) are stated on each field and in ``brands/README.md``. Reading YAML and CSV files
is :mod:`research.data.profile_files`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from research import clock
from research.data.evidence import Evidence, load_evidence
from research.data.names import NAME_MAX_WIDTH, one_line_name, show, show_line
from research.errors import ProfileError, closest
from research.paths import SLUG_MAX_CHARS, slugify
from research.vocab import CATEGORIES, OBJECTIVES, TIERS, Category, Gender, Objective

#: An explicit slug: 1-64 characters of ``[a-z0-9-]``, starting with a letter or digit.
SLUG_PATTERN: str = rf"^[a-z0-9][a-z0-9-]{{0,{SLUG_MAX_CHARS - 1}}}$"
#: Longest description, in characters.
DESCRIPTION_MAX_CHARS: int = 2000
#: Highest price, RMB per customer per month.
PRICE_MAX_RMB: float = 1e7
#: Ages a profile may target, whole years.
AGE_RANGE: tuple[int, int] = (6, 100)
#: Largest stated package, MB.
PACKAGE_MAX_MB: float = 1000.0
#: Largest stated need, users a day.
NEED_MAX_USERS: float = 1e9


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _no_number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"{show(value)} must be a date YYYY-MM-DD")
    return value


def _rule(text: str) -> dict:
    """Return field metadata holding the rule a value must follow, for messages."""
    return {"rule": text}


Age = Annotated[
    int,
    Field(strict=True, ge=AGE_RANGE[0], le=AGE_RANGE[1]),
    Field(
        json_schema_extra=_rule(f"a whole number of years from {AGE_RANGE[0]} to {AGE_RANGE[1]}")
    ),
]
TierNumber = Annotated[
    int,
    Field(strict=True, ge=1, le=5),
    Field(json_schema_extra=_rule("a city tier: 1, 2, 3, 4 or 5 (5 = fifth tier and below)")),
]


class Audience(BaseModel):
    """Who the brand sells to: gender, an age range (years) and city tiers (1-5)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gender: Annotated[Gender, BeforeValidator(_lower)] = Field(description="female, male or any")
    age_min: Age = Field(description="youngest customer targeted, years (6-100)")
    age_max: Age = Field(description="oldest customer targeted, years (6-100, above age_min)")
    city_tiers: tuple[TierNumber, ...] = Field(
        default=TIERS,
        min_length=1,
        strict=True,
        description="city tiers targeted, 1-5 (5 = fifth tier and below); default all",
        json_schema_extra=_rule("a list of city tiers from 1 to 5 (5 = fifth tier and below)"),
    )

    @field_validator("city_tiers", mode="before")
    @classmethod
    def _tiers_as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @field_validator("city_tiers")
    @classmethod
    def _sorted_tiers(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(set(value)))

    @field_validator("age_max")
    @classmethod
    def _ages_in_order(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("age_min")
        if low is not None and value <= low:
            raise ValueError(
                f"{value} is not above age_min {low}: the age range is inverted or empty "
                "(age_min must be below age_max)"
            )
        return value


class Needs(BaseModel):
    """What the brand needs from its Mini Program: its own users a day (a value or a range)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    daily_users: (
        Annotated[float, Field(strict=True, gt=0, le=NEED_MAX_USERS)]
        | tuple[
            Annotated[float, Field(strict=True, gt=0, le=NEED_MAX_USERS)],
            Annotated[float, Field(strict=True, gt=0, le=NEED_MAX_USERS)],
        ]
    ) = Field(
        description="the brand's own users a day it needs: a number, or [low, high] as a 90% range",
        json_schema_extra=_rule(
            "a number of users a day above 0 (at most 1e9), or a list [low, high] of two"
        ),
    )

    @field_validator("daily_users", mode="before")
    @classmethod
    def _range_as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @field_validator("daily_users")
    @classmethod
    def _range_in_order(cls, value: Any) -> Any:
        if isinstance(value, tuple) and value[1] <= value[0]:
            raise ValueError(f"{show(list(value))} must be [low, high] with low below high")
        return value

    def range(self) -> tuple[float, float]:
        """Return (low, high) users a day; equal for a single value."""
        x = self.daily_users
        return (float(x[0]), float(x[1])) if isinstance(x, tuple) else (float(x), float(x))


class BrandProfile(BaseModel):
    """A brand to assess: category, objective, audience, price, touch points and needs.

    Build one with :func:`profile_from_mapping` or :mod:`research.data.profile_files`,
    which turn every failure into a one-line :class:`~research.errors.ProfileError`.
    ``slug`` is always set after validation (given, or derived from ``name``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(strict=True), AfterValidator(one_line_name)] = Field(
        description=f"brand or product name, one line (at most {NAME_MAX_WIDTH} characters wide)",
        json_schema_extra=_rule('text (quote it in YAML, e.g. name: "2048")'),
    )
    category: Annotated[Category, BeforeValidator(_lower)] = Field(
        description="Mini Program category: " + ", ".join(CATEGORIES)
    )
    objective: Annotated[Objective, BeforeValidator(_lower)] = Field(
        description="what the brand wants from the Mini Program: " + ", ".join(OBJECTIVES)
    )
    audience: Audience = Field(description="who the brand sells to")
    price_rmb: float = Field(
        strict=True,
        ge=0,
        le=PRICE_MAX_RMB,
        allow_inf_nan=False,
        description="the typical price a customer pays in one purchase, RMB (0 to 10,000,000)",
        json_schema_extra=_rule("a number from 0 to 10,000,000 (RMB per customer per month)"),
    )
    channels: tuple[Annotated[str, Field(strict=True)], ...] = Field(
        strict=True,
        description="planned touch points (touchpoint_id in datasets/touchpoints.csv)",
        json_schema_extra=_rule("a list of touch-point ids (e.g. [shared_links, qr_codes])"),
    )
    package_size_mb: float | None = Field(
        default=None,
        strict=True,
        gt=0,
        le=PACKAGE_MAX_MB,
        allow_inf_nan=False,
        description="code package size, MB; left out = not stated (assumed)",
        json_schema_extra=_rule(
            "a number of MB above 0 (at most 1,000); leave it out if not known"
        ),
    )
    needs: Needs | None = Field(
        default=None, description="the brand's own users a day it needs; left out = assumed"
    )
    description: str = Field(
        default="",
        strict=True,
        max_length=DESCRIPTION_MAX_CHARS,
        description=f"free text for reports (at most {DESCRIPTION_MAX_CHARS} characters)",
        json_schema_extra=_rule(f"text of at most {DESCRIPTION_MAX_CHARS:,} characters"),
    )
    as_of: Annotated[dt.date | None, BeforeValidator(_no_number)] = Field(
        default=None,
        description="date of the market figures, YYYY-MM-DD, no later than the analysis date; "
        "left out = the latest figures",
        json_schema_extra=_rule("a date YYYY-MM-DD (leave it out for the latest figures)"),
    )
    slug: str | None = Field(
        default=None,
        validate_default=True,
        pattern=SLUG_PATTERN,
        description="output folder name, [a-z0-9-], at most 64; left out = from the name",
        json_schema_extra=_rule(
            "1-64 lowercase letters, digits or hyphens, starting with a letter or digit"
        ),
    )

    @field_validator("channels", mode="before")
    @classmethod
    def _channels_as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @field_validator("channels")
    @classmethod
    def _known_channels(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        known = tuple((info.context or {}).get("touchpoints", ()))
        out: list[str] = []
        for item in value:
            channel = item.strip()
            if known and channel not in known:
                raise ValueError(
                    f"{show(item)} is not a known touch point{closest(channel, known)} "
                    f"(allowed: {', '.join(known)})"
                )
            if channel not in out:
                out.append(channel)
        return tuple(out)

    @field_validator("description", mode="before")
    @classmethod
    def _blank_description(cls, value: Any) -> Any:
        return "" if value is None else value.strip() if isinstance(value, str) else value

    @field_validator("as_of")
    @classmethod
    def _not_in_the_future(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value is None:
            return None
        today = clock.analysis_date((info.context or {}).get("analysis_date"))
        if value > today:
            raise ValueError(
                f"{value.isoformat()} is later than the analysis date {today.isoformat()} "
                "(figures cannot come from the future)"
            )
        first = (info.context or {}).get("first_figure")
        if first is not None and value < first:
            raise ValueError(
                f"{value.isoformat()} is before the first daily-user figure in the data "
                f"({first.isoformat()}), so there is no market to size then"
            )
        return value

    @field_validator("slug", mode="before")
    @classmethod
    def _default_slug(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and isinstance(info.data.get("name"), str):
            return slugify(info.data["name"])
        return value

    @property
    def is_package_size_stated(self) -> bool:
        """Return True when the profile states ``package_size_mb`` (else it is assumed)."""
        return self.package_size_mb is not None

    def need_range(self) -> tuple[float, float]:
        """Return the stated need (low, high) in users a day, or (NaN, NaN) when assumed."""
        return self.needs.range() if self.needs is not None else (math.nan, math.nan)


_PROFILE_FIELDS: tuple[str, ...] = tuple(BrandProfile.model_fields)
_NESTED = {"audience": tuple(Audience.model_fields), "needs": tuple(Needs.model_fields)}
_MODELS = {"": BrandProfile, "audience": Audience, "needs": Needs}


def _rule_of(loc: tuple) -> str | None:
    """Return the rule text of the field at ``loc`` (list indices skipped)."""
    names = [p for p in loc if isinstance(p, str)]
    if names[-1:] == ["city_tiers"] and isinstance(loc[-1], int):
        return "a city tier: 1, 2, 3, 4 or 5 (5 = fifth tier and below)"
    model = _MODELS.get(names[0] if len(names) > 1 else "", BrandProfile)
    field = model.model_fields.get(names[-1]) if names else None
    if field is None:
        return None
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    rule = extra.get("rule")
    for meta in field.metadata:
        rule = rule or (getattr(meta, "json_schema_extra", None) or {}).get("rule")
    return rule


def _field_loc(loc: tuple) -> tuple:
    """Return ``loc`` without what follows a leaf field's name but list indices: pydantic
    names the member of a union it tried ('constrained-float', 'tuple[...]'), not a field."""
    out: list = []
    leaf = False
    for part in loc:
        if isinstance(part, int):
            out.append(part)
        elif not leaf:
            out.append(part)
            leaf = not (len(out) == 1 and part in _NESTED)
    return tuple(out)


def _translate(err: ValidationError) -> str:
    """Return the first error of ``err`` as ``field 'a.b': <value> <problem>``.

    An unknown field (or a key that is not text) is reported before a missing one, so a
    misspelt required field ('price_rbm') is named with its suggestion rather than as
    'price_rmb is required'.
    """
    errors = err.errors()
    first = next(
        (e for e in errors if e.get("type") in ("extra_forbidden", "invalid_key")), errors[0]
    )
    loc = _field_loc(tuple(first.get("loc", ())))
    kind = first.get("type", "")
    names = [p for p in loc if isinstance(p, str)]
    path = ".".join(names)
    value = first.get("input")
    if kind == "missing":
        return f"field '{path}' is required"
    if kind == "invalid_key":  # a key that is not text ('0: 5', 'yes: 1' is text in YAML 1.2)
        allowed = _NESTED.get(path, _PROFILE_FIELDS)
        return (
            f"field '{path}': key {show(value)} is not a field name (allowed: {', '.join(allowed)})"
        )
    if kind == "extra_forbidden":
        allowed = _NESTED.get(names[0], _PROFILE_FIELDS) if len(names) > 1 else _PROFILE_FIELDS
        hint = closest(str(names[-1]), allowed) or f" (allowed: {', '.join(allowed)})"
        return f"field '{path}' is not allowed{hint}"
    if kind == "enum":
        allowed = [x.strip("'") for x in first["ctx"]["expected"].replace(" or ", ", ").split(", ")]
        text = value.strip().lower() if isinstance(value, str) else value
        return f"field '{path}': {show(value)} is not allowed (allowed: {', '.join(allowed)})" + (
            closest(text, allowed) if isinstance(text, str) else ""
        )
    where = f"field '{path}': " if path else ""
    if kind == "value_error":
        detail = str(first.get("ctx", {}).get("error", first.get("msg", "")))
        if detail.startswith(("is ", "must ")):
            detail = f"{show(value)} {detail}"
        return where + detail
    rule = _rule_of(loc)
    if rule:
        shown = show(list(value) if isinstance(value, tuple) else value)
        return f"{where}{shown} must be {rule}"
    if isinstance(value, Mapping) or kind in ("model_type", "model_attributes_type"):
        return f"{where}{show(value)} must be a mapping of {', '.join(_NESTED.get(path, ()))}"
    return f"{where}{show(value)} is not valid ({first.get('msg', kind)})"


def touchpoint_ids(ev: Evidence | None = None) -> tuple[str, ...]:
    """Return the touch-point ids a profile may list (default: the project's evidence)."""
    ev = ev if ev is not None else load_evidence()
    return tuple(str(t) for t in ev.touchpoints["touchpoint_id"])


def profile_from_mapping(
    data: Any,
    origin: str,
    ev: Evidence | None = None,
    *,
    analysis_date: dt.date | None = None,
) -> BrandProfile:
    """Return the BrandProfile described by ``data`` (parsed YAML or one CSV row).

    ``origin`` names where ``data`` came from in messages (``"brands/x.yaml"``, ``"my.csv
    row 3"``); channels are checked against the touch points of ``ev`` (default: the
    project's evidence); ``analysis_date`` bounds ``as_of`` (default
    :func:`research.clock.analysis_date`). Raises :class:`ProfileError`, one line.
    """
    if not isinstance(data, Mapping):
        kind = "a list" if isinstance(data, list) else type(data).__name__
        kind = {"NoneType": "nothing (empty)", "str": "text", "int": "a number"}.get(kind, kind)
        raise ProfileError(
            f"{origin}: top level must be a mapping of fields ({', '.join(_PROFILE_FIELDS)}); "
            f"got {kind}"
        )
    for key in data:
        if not isinstance(key, str):
            raise ProfileError(f"{origin}: field names must be text; got {show(key)}")
    ev = ev if ev is not None else load_evidence()
    dau = ev.observations.loc[ev.observations["metric"] == "mini_program_dau", "as_of"]
    context = {
        "touchpoints": touchpoint_ids(ev),
        "analysis_date": analysis_date,
        "first_figure": dau.min().date() if len(dau) else None,
    }
    try:
        return BrandProfile.model_validate(dict(data), context=context)
    except ValidationError as err:
        raise ProfileError(show_line(f"{origin}: {_translate(err)}")) from None


def profile_to_dict(profile: BrandProfile) -> dict[str, Any]:
    """Return ``profile`` as a JSON-safe dict that loads back into an equal profile."""
    return profile.model_dump(mode="json", exclude_none=False)


def fields_table() -> list[dict[str, str]]:
    """Return every field of a profile with whether it is required and what it means."""
    rows = []
    for prefix, model in (("", BrandProfile), ("audience.", Audience), ("needs.", Needs)):
        for name, f in model.model_fields.items():
            if prefix == "" and name in _NESTED:
                continue
            rows.append(
                {
                    "field": prefix + name,
                    "required": "yes" if f.is_required() else "no",
                    "meaning": f.description or "",
                }
            )
    return rows
