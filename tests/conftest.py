"""Shared fixtures: the shipped dataset (loaded once) and the path setup for tests' helpers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def shipped():
    """The bundled dataset in data/, validated."""
    from compliance.data import load_dataset

    return load_dataset(ROOT / "data")
