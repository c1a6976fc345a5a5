"""Shared fixtures: the shipped dataset (loaded once) and the path setup for tests' helpers."""

from __future__ import annotations

import os
import sys
import tomllib
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


def pytest_collection_modifyitems(config, items):
    """Under `make mutants` (mutmut names the mutant in MUTANT_UNDER_TEST): a mutant of compliance/X.py runs against
    X's own test files only, as listed in pyproject.toml ([tool.compliance.mutation_tests]), so every rule of a
    module is pinned by its own tests and a survivor costs seconds, not the whole suite. A mutant whose module has
    no own tests among those mutmut chose runs none, and counts as not killed."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if "__mutmut_" not in mutant:
        return
    # mutmut's names: compliance.data.x_parse_table__mutmut_3, compliance.data.xǁDatasetǁtable__mutmut_1
    parts = mutant.split(".")
    module = "/".join(parts[: next(i for i, p in enumerate(parts) if p.startswith(("x_", "xǁ")))]) + ".py"
    own = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["compliance"]["mutation_tests"]
    files = set(own.get(module, ()))
    keep = [item for item in items if item.nodeid.split("::")[0] in files]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid.split("::")[0] not in files])
        items[:] = keep
