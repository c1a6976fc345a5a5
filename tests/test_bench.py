"""The whole-UPR benchmark (bench/): the synthetic corpus has the real file format and validates, and a small run of
bench/run.py reports every number it promises. Correctness only: no timing is compared with a target here."""

from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys

import pytest
from conftest import ROOT

from bench.synth import expected_counts, write_corpus
from compliance.data import DEFAULT_DATA_DIR, FILES, load_dataset

SCALE = 0.01


def header(path) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return next(csv.reader(fh))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench-corpus")
    counts = write_corpus(root, scale=SCALE, seed=1)
    return root, counts


def test_corpus_has_the_real_file_format_and_validates(corpus, shipped):
    root, counts = corpus
    for spec in FILES:
        assert header(root / spec.name) == header(DEFAULT_DATA_DIR / spec.name), spec.name
    ds = load_dataset(root)
    n = expected_counts(SCALE)
    assert counts["recommendations"] == n["recommendations"] == len(ds.recommendations) == round(100_000 * SCALE)
    assert counts["observations"] == n["observations"] == len(ds.observations) == 6 * len(ds.recommendations)
    assert len(ds.items) == n["items"] == n["recommendations"] + n["demands"]
    assert len(ds.criteria) == 3 * len(ds.recommendations)
    assert len(ds.assessments) == round(0.1 * len(ds.items))
    assert sorted(ds.cycles["cycle"]) == [1, 2, 3, 4]
    per_rec = ds.recommendation_states.groupby("recommendation_id").size()
    assert per_rec.between(1, 5).all() and len(per_rec) == len(ds.recommendations)
    assert ds.recommendations["recommendation_id"].str.fullmatch(r"C[1-4]-\d+\.\d+").all()
    assert set(ds.themes["theme_slug"]) == set(shipped.themes["theme_slug"])


def test_corpus_is_marked_synthetic(corpus):
    root, _ = corpus
    assert "SYNTHETIC" in (root / "SYNTHETIC.txt").read_text()
    ds = load_dataset(root)
    assert (ds.sources["producer"] == "bench generator").all()
    assert ds.sources["title"].str.contains("synthetic", case=False).all()
    assert ds.sources["url"].str.startswith("https://example.org/").all()
    assert ds.recommendations["note"].str.contains("SYNTHETIC").all()


def test_generator_never_writes_into_data():
    with pytest.raises(ValueError):
        write_corpus(DEFAULT_DATA_DIR, scale=SCALE)
    with pytest.raises(ValueError):
        write_corpus(DEFAULT_DATA_DIR / "sub", scale=SCALE)


def _numbers(d, prefix=""):
    """Every number in a nested dict/list, with its path."""
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _numbers(v, f"{prefix}.{k}")
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield from _numbers(v, f"{prefix}[{i}]")
    else:
        yield prefix, d


def test_small_benchmark_run_reports_every_number():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--scale", str(SCALE)], cwd=ROOT,
                          capture_output=True, text=True, timeout=150)
    assert proc.returncode == 0, proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    result = json.loads(last)
    assert "x baseline" in proc.stdout and "targets:" in proc.stdout  # the human-readable table comes first

    for key in ("scale", "seed", "as_of", "memory_method", "counts", "loaded", "status_counts", "timings_s", "x_baseline",
                "peak_mem_mib", "belarus", "targets", "all_targets_met", "app_recommendations_shown", "app_problems"):
        assert key in result, key
    t = result["timings_s"]
    for key in ("generate", "baseline_groupby", "load_validate", "score_items", "scored_items", "metrics", "metrics_total",
                "rescore_10_dates", "rescore_per_date_mean", "status_over_time", "app_warm_run", "page_first_run", "page_rerun"):
        assert key in t, key
    for page in ("overview", "recommendations", "progress", "demands", "methodology"):
        assert any(k.startswith(page + ".") for k in t["metrics"]), page
    for path, value in _numbers(t):
        assert isinstance(value, float) and value > 0 and math.isfinite(value), (path, value)
    for path, value in _numbers(result["x_baseline"]):
        assert value > 0, path
    assert result["x_baseline"]["baseline_groupby"] == 1.0
    for key in ("bench_process", "app_process", "generator_process"):
        assert 0 < result["peak_mem_mib"][key] < 64 * 1024
    assert "VmHWM" in result["memory_method"] or "ru_maxrss" in result["memory_method"]

    n = expected_counts(SCALE)
    assert result["counts"]["recommendations"] == result["loaded"]["recommendations"] == n["recommendations"]
    assert result["counts"]["observations"] == result["loaded"]["observations"] == n["observations"]
    assert result["loaded"]["items"] == result["loaded"]["scored"] == n["items"]
    assert sum(result["status_counts"].values()) == n["items"]
    assert set(result["status_counts"]) == {"implemented", "partial", "unfulfilled", "not_assessed"}
    # the app shows every synthetic recommendation on the recommendations page, without errors
    assert result["app_recommendations_shown"] == n["recommendations"]
    assert result["app_problems"] == []

    b = result["belarus"]
    assert b["error"] is None, b["error"]
    assert b["items"] > 0 and b["problems"] == []
    for key in ("load_validate_s", "load_validate_warm_s", "app_warm_run_s", "page_first_run_s", "page_rerun_s", "peak_mem_mib"):
        assert isinstance(b[key], float) and b[key] > 0, key

    from bench.run import TARGETS

    names = [row["target"] for row in result["targets"]]
    assert len(names) == len(TARGETS) >= 13 and all(re.search(r"\d", name) for name in names)
    for row, (_, path, _, _) in zip(result["targets"], TARGETS):
        if path[0] == "store":  # measured only with --store
            assert row["value"] is None and row["ok"] is None
        else:
            assert row["value"] is not None and isinstance(row["ok"], bool)
    assert result["all_targets_met"] == all(row["ok"] for row in result["targets"] if row["ok"] is not None)
