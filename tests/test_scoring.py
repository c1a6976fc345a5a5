"""The scoring engine as a table: (observations, assessments, weights, as-of date) -> status and basis."""

from __future__ import annotations

import pandas as pd
import pytest

from compliance.data import load_dataset
from compliance.scoring import score_items, status_history, status_source_table, status_sources
from factory import assessment, base_tables, obs, write_dataset

ITEM = "C1-98.16"  # judged by two criteria: moratorium, no-executions (weight 1 each)


def score(tmp_path, observations=(), assessments=(), as_of="2026-01-01", weights=None):
    tables = base_tables()
    tables["observations.csv"] = list(observations)
    tables["assessments.csv"] = list(assessments)
    if weights:
        for row in tables["item_criteria.csv"]:
            if row["item_id"] == ITEM:
                row["weight"] = weights[row["criterion_id"]]
    ds = load_dataset(write_dataset(tmp_path / "data", tables))
    scored = score_items(ds, as_of).set_index("item_id")
    return scored.loc[ITEM]


CASES = [
    # no observations, no assessment: honestly not assessed (never counted as unfulfilled)
    ("nothing", [], [], None, "2026-01-01", "not_assessed", "none", None),
    # evidence only
    ("both met", [obs("O1", "moratorium", "2020-01-01", "yes"), obs("O2", "no-executions", "2020-01-01", "yes")], [], None, "2026-01-01", "implemented", "evidence", 1.0),
    ("none met", [obs("O1", "moratorium", "2020-01-01", "no"), obs("O2", "no-executions", "2020-01-01", "no")], [], None, "2026-01-01", "unfulfilled", "evidence", 0.0),
    ("one of two met", [obs("O1", "moratorium", "2020-01-01", "yes"), obs("O2", "no-executions", "2020-01-01", "no")], [], None, "2026-01-01", "partial", "evidence", 0.5),
    # partly counts half
    ("partly and yes", [obs("O1", "moratorium", "2020-01-01", "partly"), obs("O2", "no-executions", "2020-01-01", "yes")], [], None, "2026-01-01", "partial", "evidence", 0.75),
    # an unobserved criterion counts as not met, so one 'yes' alone is not 'implemented'
    ("one yes, other unobserved", [obs("O1", "moratorium", "2020-01-01", "yes")], [], None, "2026-01-01", "partial", "evidence", 0.5),
    ("one no, other unobserved", [obs("O1", "moratorium", "2020-01-01", "no")], [], None, "2026-01-01", "unfulfilled", "evidence", 0.0),
    # weights
    ("weighted 3:1", [obs("O1", "moratorium", "2020-01-01", "yes"), obs("O2", "no-executions", "2020-01-01", "no")], [], {"moratorium": 3, "no-executions": 1}, "2026-01-01", "partial", "evidence", 0.75),
    # the latest observation up to the date counts; later ones are ignored
    ("latest wins", [obs("O1", "moratorium", "2015-01-01", "no"), obs("O2", "moratorium", "2021-01-01", "yes"), obs("O3", "no-executions", "2021-01-01", "yes")], [], None, "2026-01-01", "implemented", "evidence", 1.0),
    ("after as-of ignored", [obs("O1", "moratorium", "2015-01-01", "no"), obs("O2", "moratorium", "2021-01-01", "yes"), obs("O3", "no-executions", "2021-01-01", "yes")], [], None, "2018-01-01", "unfulfilled", "evidence", 0.0),
    ("all after as-of", [obs("O1", "moratorium", "2021-01-01", "yes")], [], None, "2020-12-31", "not_assessed", "none", None),
    # a partial date counts from the end of its period
    ("year-only date before its end", [obs("O1", "moratorium", "2020", "no")], [], None, "2020-06-30", "not_assessed", "none", None),
    ("year-only date after its end", [obs("O1", "moratorium", "2020", "no")], [], None, "2020-12-31", "unfulfilled", "evidence", 0.0),
    # assessment only
    ("assessment only", [], [assessment("A1", ITEM, "2023-12-01", "partial")], None, "2026-01-01", "partial", "assessment", None),
    ("assessment after as-of", [], [assessment("A1", ITEM, "2023-12-01", "partial")], None, "2023-11-30", "not_assessed", "none", None),
    # both, agreeing
    ("both agree", [obs("O1", "moratorium", "2020-01-01", "no"), obs("O2", "no-executions", "2020-01-01", "no")], [assessment("A1", ITEM, "2023-12-01", "unfulfilled")], None, "2026-01-01", "unfulfilled", "assessment", 0.0),
    # both, disagreeing: the assessment stands, the evidence is kept
    ("both disagree", [obs("O1", "moratorium", "2020-01-01", "no"), obs("O2", "no-executions", "2020-01-01", "no")], [assessment("A1", ITEM, "2023-12-01", "partial")], None, "2026-01-01", "partial", "assessment", 0.0),
    # the latest assessment stands
    ("latest assessment", [], [assessment("A1", ITEM, "2021-01-01", "unfulfilled"), assessment("A2", ITEM, "2024-01-01", "implemented")], None, "2026-01-01", "implemented", "assessment", None),
]


@pytest.mark.parametrize("name,observations,assessments,weights,as_of,status,basis,evidence", CASES, ids=[c[0] for c in CASES])
def test_status_table(tmp_path, name, observations, assessments, weights, as_of, status, basis, evidence):
    row = score(tmp_path, observations, assessments, as_of, weights)
    assert row["status"] == status
    assert row["basis"] == basis
    if evidence is None:
        assert pd.isna(row["evidence_score"])
    else:
        assert row["evidence_score"] == pytest.approx(evidence)


def test_disagreement_flagged_and_both_kept(tmp_path):
    row = score(tmp_path, [obs("O1", "moratorium", "2020-01-01", "no"), obs("O2", "no-executions", "2020-01-01", "no")],
                [assessment("A1", ITEM, "2023-12-01", "partial")])
    assert row["disagreement"]
    assert row["evidence_status"] == "unfulfilled"
    assert row["assessment_status"] == "partial"
    assert row["assessor"] == "Test coalition"


def test_no_disagreement_without_evidence(tmp_path):
    row = score(tmp_path, [], [assessment("A1", ITEM, "2023-12-01", "partial")])
    assert not row["disagreement"]


def test_status_names_its_sources(tmp_path):
    tables = base_tables()
    tables["sources.csv"].append(dict(tables["sources.csv"][0], source_id="TEST2"))
    tables["observations.csv"] = [obs("O1", "moratorium", "2020-01-01", "no"), dict(obs("O2", "moratorium", "2022-01-01", "no"), source_ids="TEST2")]
    tables["assessments.csv"] = [dict(assessment("A1", "C3-GBR-1", "2023-01-01", "partial"), source_ids="TEST1")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    # only the observation that counts at the date (the latest) and the standing assessment are cited
    assert status_sources(ds, "2026-01-01", ["C1-98.16"]) == ["TEST2"]
    assert status_sources(ds, "2021-01-01", ["C1-98.16"]) == ["TEST1"]
    assert status_sources(ds, "2026-01-01", ["C3-GBR-1"]) == ["TEST1"]
    assert status_sources(ds, "2019-01-01", ["C1-98.16", "C3-GBR-1"]) == []
    table = status_source_table(ds, "2026-01-01")
    assert set(map(tuple, table.to_numpy())) == {("C1-98.16", "TEST2"), ("D001", "TEST2"), ("C3-GBR-1", "TEST1")}


def test_shared_criterion_scores_every_item_it_judges(tmp_path):
    tables = base_tables()
    tables["observations.csv"] = [obs("O1", "moratorium", "2020-01-01", "no")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    s = score_items(ds, "2026-01-01").set_index("item_id")
    assert s.loc["D001", "status"] == "unfulfilled"  # the demand shares the criterion
    assert s.loc["C3-GBR-1", "status"] == "not_assessed"  # no criteria at all


def test_status_history_follows_the_evidence(tmp_path):
    tables = base_tables()
    tables["observations.csv"] = [obs("O1", "moratorium", "2015-01-01", "no"), obs("O2", "moratorium", "2021-06-01", "yes")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    hist = status_history(ds, "D001")
    assert list(hist["status"]) == ["unfulfilled", "implemented"]
    assert list(hist["as_of"].dt.year) == [2015, 2021]
