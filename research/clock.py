"""The analysis date: the one place the run date enters the toolkit.

It defaults to today's date. The command line (``--analysis-date``), the notebooks (their
``analysis_date`` parameter) and the tests set it, so stored outputs and reruns stay
byte-identical from one day to the next. The environment variable
``RESEARCH_ANALYSIS_DATE`` (``YYYY-MM-DD``) sets it for every process of a run, the report's
workers and notebook kernels included.
"""

from __future__ import annotations

import datetime as dt
import os

from research.errors import InputError

#: Environment variable that pins the analysis date (``YYYY-MM-DD``).
ENV_VAR = "RESEARCH_ANALYSIS_DATE"


def parse_date(text: str, name: str = "analysis_date") -> dt.date:
    """Return ``text`` (``YYYY-MM-DD``) as a date, or raise a one-line InputError naming ``name``."""
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(f"{name}: {str(text)[:40]!r} is not a date (use YYYY-MM-DD)") from None


def analysis_date(value: str | dt.date | None = None) -> dt.date:
    """Return the analysis date: ``value`` if given, else ``$RESEARCH_ANALYSIS_DATE``, else today."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is not None:
        return parse_date(value)
    pinned = os.environ.get(ENV_VAR, "").strip()
    return parse_date(pinned, ENV_VAR) if pinned else dt.date.today()


def pin(value: str | dt.date) -> dt.date:
    """Return the analysis date ``value`` after pinning it for this process and its children."""
    day = analysis_date(value)
    os.environ[ENV_VAR] = day.isoformat()
    return day
