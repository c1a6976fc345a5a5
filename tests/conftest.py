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


@pytest.fixture(scope="session")
def pg_cluster():
    """A real PostgreSQL server for the whole session (see tests/pgcluster.py)."""
    from pgcluster import Cluster

    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    return pg_cluster.new_database()
