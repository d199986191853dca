"""The house number formats: how every number and unit is written in text, charts, deck and HTML.

Numbers are written as a consultant writes them and rounded to what the uncertainty
supports: shares as ``'54%'``, money as ``'1,000 RMB'``, audiences as ``'170M users'`` or
``'296.6M'``, counts as ``'580,000'`` or ``'580k'``, approximate dates as ``'mid-2019'``.
Titles are put together by :func:`format_takeaway`, which refuses digits typed by hand.

A :class:`NumberFormat` pairs the Excel number format a native PowerPoint chart shows with
the same format as Python text, so the deck can size its labels in the words PowerPoint
will show (:data:`SHARE`, :data:`PROBABILITY`, :data:`POINTS`, :data:`SCORE`, :data:`USERS`,
:data:`COUNT`).
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from research.errors import InputError


def _clean_zero(x: float) -> float:
    return 0.0 if x == 0 else x  # turns -0.0 into 0.0 so nothing prints as "-0%"


def format_pct(x: float, decimals: int = 0, *, unit: Literal["share", "pct"] = "share") -> str:
    """Return ``x`` as a percentage string, e.g. ``0.54 -> '54%'``.

    Parameters
    ----------
    x : float
        A share on a 0-1 scale (default) or, with ``unit="pct"``, percentage points on
        a 0-100 scale as in ``datasets/`` (``format_pct(54, unit="pct") -> '54%'``).
    decimals : int
        Digits after the decimal point.
    unit : {"share", "pct"}
        The scale of ``x``.
    """
    if unit not in ("share", "pct"):
        raise InputError(f"unit: '{unit}' is not 'share' or 'pct'")
    value = round(float(x) * (100.0 if unit == "share" else 1.0), decimals)
    return f"{_clean_zero(value):,.{decimals}f}%"


def significant(x: float, digits: int = 2) -> float:
    """Return ``x`` rounded to ``digits`` significant digits (``1583 -> 1600``)."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def format_rmb(x: float, decimals: int = 0, *, sig: int | None = None) -> str:
    """Return an amount in RMB (yuan) as a string, e.g. ``1000 -> '1,000 RMB'``.

    ``sig`` rounds to that many significant digits first (``1583, sig=2 -> '1,600 RMB'``).
    """
    x = significant(x, sig) if sig else float(x)
    return f"{_clean_zero(round(x, decimals)):,.{decimals}f} RMB"


def format_share(x: float) -> str:
    """Return a share of a population (0-1) as a consultant writes it.

    Whole percentages from 1%; below that one significant digit (``0.004 -> '0.4%'``,
    ``0.0001 -> '0.01%'``), ``'<0.001%'`` below that, and ``'>99%'`` for shares that round
    to 100% but are not all.
    """
    x = float(x)
    if x <= 0:
        return "0%"
    if x < 0.00001:
        return "<0.001%"
    if x < 0.0095:
        return f"{significant(x * 100, 1):g}%"
    if 0.995 <= x < 1:
        return ">99%"
    return format_pct(x)


def whole_percent(x: float) -> int:
    """Return a share or probability (0-1) as the whole percentage it is shown as
    (``0.2989 -> 30``): what verdict cut-offs compare, so that a shown chance and its
    verdict never disagree."""
    return int(round(float(x) * 100.0))


def format_probability(p: float) -> str:
    """Return a probability (0-1) as a whole percentage, never 0% or 100%: ``'<1%'``,
    ``'>99%'``."""
    p = float(p)
    if p < 0.005:
        return "<1%"
    if p >= 0.995:
        return ">99%"
    return format_pct(p)


def format_range(low: float, high: float, fmt: Callable[[float], str]) -> str:
    """Return ``'low to high'`` in the format ``fmt``, or one value when both read the same."""
    a, b = fmt(low), fmt(high)
    return a if a == b else f"{a} to {b}"


def format_date(when, *, estimated: bool = False, day: bool = False) -> str:
    """Return a figure's date: ``'Jan 2018'`` (``'2018-01-15'`` with ``day``), prefixed
    ``'c. '`` when the article does not give it (the date is an estimate)."""
    ts = pd.Timestamp(when)
    text = ts.strftime("%Y-%m-%d") if day else ts.strftime("%b %Y")
    return f"c. {text}" if estimated else text


def format_musers(x: float, decimals: int = 0, *, with_unit: bool = True) -> str:
    """Return millions of users as a string, e.g. ``170 -> '170M users'``.

    ``with_unit=False`` drops the word for axis ticks and tight labels (``'170M'``).
    Values stay in millions at any size (``1150 -> '1,150M users'``).
    """
    text = f"{_clean_zero(round(float(x), decimals)):,.{decimals}f}M"
    return f"{text} users" if with_unit else text


def format_users(x: float) -> str:
    """Return a count of users (not millions), rounded to two significant digits as the
    uncertainty supports: ``'300M'``, ``'88M'``, ``'1.6k'``, ``'43k'``, ``'69'``, ``'<1'``."""
    if 0 < float(x) < 0.5:
        return "<1"  # a fraction of a user a day is not 'about 0'
    x = significant(max(float(x), 0.0), 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if x >= size:
            return f"{x / size:,.1f}".removesuffix(".0") + suffix
    return f"{x:,.0f}"


def format_points(x: float) -> str:
    """Return a difference of two probabilities (0-1) in percentage points: ``'13 points'``,
    ``'1 point'``, ``'<1 point'``."""
    points = round(100 * float(x))
    if points < 1:
        return "<1 point"
    return f"{points} point" + ("" if points == 1 else "s")


def format_count(x: float, *, compact: bool = False) -> str:
    """Return a plain count as a string: ``580000 -> '580,000'`` or compact ``'580k'``.

    Compact form uses ``k`` (thousands), ``M`` (millions) and ``B`` (billions) with up to
    one decimal (``2_100_000 -> '2.1M'``).
    """
    x = float(x)
    if not compact:
        return f"{_clean_zero(round(x)):,.0f}"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= size:
            return f"{x / size:.1f}".removesuffix(".0") + suffix
    return f"{_clean_zero(round(x, 1)):g}"


def format_score(x: float) -> str:
    """Return a score on a 0-1 scale with two decimals: ``0.768 -> '0.77'``."""
    return f"{float(x):.2f}"


def format_period(when: str | pd.Timestamp) -> str:
    """Return a date as a loose period: ``'early 2018'`` (Jan-Apr), ``'mid-2019'``, ``'late 2019'``.

    Use it where the articles' dates are approximate, so titles do not claim a precision
    the sources lack.
    """
    ts = pd.Timestamp(when)
    if ts.month <= 4:
        return f"early {ts.year}"
    if ts.month <= 8:
        return f"mid-{ts.year}"
    return f"late {ts.year}"


_NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)


def format_number_word(n: int) -> str:
    """Return a small count as a word (``1 -> 'one'``, up to ten), larger ones as digits."""
    n = int(n)
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"


def interval_coverage(low: str = "p5", high: str = "p95") -> str:
    """Return the interval between two percentile names as words: ``'90% interval'``."""
    bounds = [re.fullmatch(r"p(\d{1,2})", name) for name in (low, high)]
    if not all(bounds):
        raise InputError(f"low, high: '{low}', '{high}' are not percentile names such as 'p5'")
    a, b = (int(m.group(1)) for m in bounds)
    return f"{b - a}% interval"


# ---------------------------------------------------------------------------- takeaways


class _TakeawayFormatter(string.Formatter):
    """A str.format with the house number formats as format specs (see format_takeaway)."""

    _SPECS: dict[str, Callable[[Any, int | None], str]] = {
        "pct": lambda v, d: format_pct(v, d or 0),
        "rmb": lambda v, d: format_rmb(v, d or 0),
        "musers": lambda v, d: format_musers(v, d or 0),
        "m": lambda v, d: format_musers(v, d or 0, with_unit=False),
        "count": lambda v, d: format_count(v),
        "k": lambda v, d: format_count(v, compact=True),
        "period": lambda v, d: format_period(v),
        "year": lambda v, d: str(pd.Timestamp(v).year),
        "word": lambda v, d: format_number_word(v),
    }
    _SPEC = re.compile(r"^([a-z]+)(\d?)$")

    def format_field(self, value: Any, format_spec: str) -> str:
        match = self._SPEC.match(format_spec)
        if match and match.group(1) in self._SPECS:
            decimals = int(match.group(2)) if match.group(2) else None
            return self._SPECS[match.group(1)](value, decimals)
        return super().format_field(value, format_spec)


def format_takeaway(template: str, **numbers: Any) -> str:
    """Return a takeaway sentence with ``numbers`` put into ``template`` in house formats.

    Fields take the usual ``str.format`` syntax plus these format specs: ``pct`` (share
    -> '54%'; ``pct1`` for one decimal), ``rmb``, ``musers`` ('170M users'), ``m``
    ('170M'), ``count`` ('580,000'), ``k`` ('580k'), ``period`` ('mid-2019'), ``year``
    ('2019') and ``word`` (1 -> 'one').

    The template itself may hold no digits, so no number in a title is typed by hand:
    ``format_takeaway("DAU rose to {dau:m}", dau=300) -> 'DAU rose to 300M'``.
    """
    literal = "".join(text for text, *_ in string.Formatter().parse(template))
    if re.search(r"\d", literal):
        raise InputError(
            f"template: '{template}' types a number by hand; pass it as a field, "
            "e.g. '{year:year}' or '{share:pct}'"
        )
    try:
        return _TakeawayFormatter().format(template, **numbers)
    except KeyError as err:
        raise InputError(f"template: no value given for field {err}") from None


# ----------------------------------------------------------------- native chart formats


@dataclass(frozen=True)
class NumberFormat:
    """One number format in two forms: the Excel code PowerPoint shows and the same as text.

    ``text(value)`` writes ``value`` exactly as PowerPoint shows it with ``excel``, so a
    deck can measure its labels before PowerPoint draws them.
    """

    name: str
    excel: str
    text: Callable[[float], str]
    #: The value axis's Excel code, when its ticks need a plainer one ('0%', not '<1%').
    axis_excel: str = ""
    #: The Excel code of a value that rounds to 100% but is not all ('>99%'), set on its
    #: own label (an Excel code holds two conditions, and ``excel`` uses both).
    excel_almost_all: str = ""

    def excel_for(self, value: float) -> str:
        """Return the Excel code of one label showing ``value``."""
        if self.excel_almost_all and 0.995 <= float(value) < 1:
            return self.excel_almost_all
        return self.excel


def _share_as_excel(x: float) -> str:
    """Return a share as :data:`SHARE`'s Excel code shows it (``'54%'``, ``'0.4%'``, ``'<0.1%'``)."""
    if x < 0.0005:
        return "<0.1%"
    if x < 0.0095:
        return f"{x * 100:.1f}%"
    if 0.995 <= x < 1:
        return ">99%"
    return format_pct(x)


#: Shares 0-1 as whole percentages, small ones with a decimal (``'54%'``, ``'0.4%'``), so a
#: small share the title names never shows as 0%, and one that is not all never as 100%.
SHARE = NumberFormat("share", '[<0.0005]"<0.1%";[<0.0095]0.0%;0%', _share_as_excel, "0%", '">99%"')
#: Probabilities 0-1 as whole percentages, never 0% or 100% (``'<1%'``, ``'>99%'``).
PROBABILITY = NumberFormat(
    "probability", '[<0.005]"<1%";[>=0.995]">99%";0%', format_probability, "0%"
)
#: Scores 0-1 with two decimals (``'0.77'``).
SCORE = NumberFormat("score", "0.00", format_score)


def _users_as_excel(x: float) -> str:
    """Return a count of users as :data:`USERS`' Excel code shows it (``'296.6M'``)."""
    if x >= 1e6:
        return f"{x / 1e6:,.1f}M"
    if x >= 1e3:
        return f"{x / 1e3:,.0f}k"
    return f"{x:,.0f}"


#: Counts of users on a native chart's axis and labels (``'296.6M'``, ``'43k'``, ``'69'``).
USERS = NumberFormat("users", '[>=1000000]#,##0.0,,"M";[>=1000]#,##0,"k";0', _users_as_excel)
#: Whole counts with thousands separators (``'1,235'``).
COUNT = NumberFormat("count", "#,##0", format_count)


def _points_as_excel(x: float) -> str:
    """Return percentage points as :data:`POINTS`' Excel code shows them (``'<1'``, ``'4'``)."""
    x = float(x)
    if x == 0:
        return "0"
    if x < 0.5:
        return "<1"
    return f"{math.floor(x + 0.5):.0f}"  # Excel rounds halves away from zero


#: Percentage points (a difference of two chances, 0-100) as whole points, ``'<1'`` from
#: just above 0 to half a point (``'0'``, ``'<1'``, ``'4'``); the axis label says
#: "percentage points".
POINTS = NumberFormat("points", '[=0]0;[<0.5]"<1";0', _points_as_excel, "0")


#: First words of touch-point labels that are names (WeChat's features, other apps): they
#: keep their capital inside a sentence, as acronyms (QR, H5, SDK) do.
NAMES = frozenset(
    {"Discover", "Me", "Mini", "Moments", "Official", "WeChat", "Weixin", "Xiaohongshu"}
)


def in_sentence(label: str) -> str:
    """Return a touch point's label as written inside a sentence: its first letter in lower
    case ('One-on-one or group chat sharing' -> 'one-on-one ...'), unless it begins with a
    name or an acronym ('Moments ads', 'QR codes' stay as they are)."""
    first = label.split(" ", 1)[0]
    if first in NAMES or any(c.isupper() or c.isdigit() for c in first[1:]):
        return label
    return label[:1].lower() + label[1:]
