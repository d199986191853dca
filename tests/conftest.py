"""Fixtures shared by the test suite (helpers live in tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_datasets, run_cli

from research.data.evidence import Evidence, load_evidence

__all__ = ["run_cli"]


@pytest.fixture
def ev() -> Evidence:
    """The project's evidence (``research.data.evidence.load_evidence()``, cached per folder)."""
    return load_evidence()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A fresh copy of ``datasets/`` under ``tmp_path``; returns the copied folder."""
    return copy_datasets(tmp_path)
