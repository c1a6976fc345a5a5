"""The scoring engine as a table: (observations, assessments, weights, as-of date) -> status and basis."""

from __future__ import annotations

import pandas as pd
import pytest
from factory import assessment, base_tables, obs, write_dataset

from compliance.data import load_dataset
from compliance.scoring import score_items, status_history, status_source_table, status_sources

ITEM = "C1-98.16"  # judged by two criteria: moratorium, no-executions (weight 1 each)


def score(tmp_path, observations=(), assessments=(), as_of="2026-01-01", weights=None, contested=()):
    tables = base_tables()
    tables["observations.csv"] = list(observations)
    tables["assessments.csv"] = list(assessments)
    tables["contested.csv"] = [{"criterion_id": c, "contested_since": since, "note": "two sources disagree"}
                               for c, since in contested]
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
    ("same-day assessments: the later id", [], [assessment("A2", ITEM, "2024-01-01", "partial"), assessment("A1", ITEM, "2024-01-01", "implemented")], None, "2026-01-01", "partial", "assessment", None),
    # an assessor who says the evidence does not allow a judgement is a judgement too
    ("assessed as not assessable", [obs("O1", "moratorium", "2020-01-01", "yes")], [assessment("A1", ITEM, "2023-12-01", "not_assessed")], None, "2026-01-01", "not_assessed", "assessment", 0.5),
    # an assessment stands over later evidence until a newer assessment
    ("evidence after the assessment", [obs("O1", "moratorium", "2024-06-01", "yes"), obs("O2", "no-executions", "2024-06-01", "yes")], [assessment("A1", ITEM, "2023-12-01", "unfulfilled")], None, "2026-01-01", "unfulfilled", "assessment", 1.0),
    # partly counts half: alone, and both
    ("partly alone", [obs("O1", "moratorium", "2020-01-01", "partly")], [], None, "2026-01-01", "partial", "evidence", 0.25),
    ("both partly", [obs("O1", "moratorium", "2020-01-01", "partly"), obs("O2", "no-executions", "2020-01-01", "partly")], [], None, "2026-01-01", "partial", "evidence", 0.5),
    ("partly weighted 1:3", [obs("O1", "moratorium", "2020-01-01", "partly"), obs("O2", "no-executions", "2020-01-01", "yes")], [], {"moratorium": 1, "no-executions": 3}, "2026-01-01", "partial", "evidence", 0.875),
    # weights that do not add up exactly in floating point still make a whole
    ("decimal weights all met", [obs("O1", "moratorium", "2020-01-01", "yes"), obs("O2", "no-executions", "2020-01-01", "yes")], [], {"moratorium": 0.1, "no-executions": 0.7}, "2026-01-01", "implemented", "evidence", 1.0),
    # two observations of one criterion on the same day: the later id is the later word
    ("same-day observations: the later id", [obs("O1", "moratorium", "2020-01-01", "no"), obs("O2", "moratorium", "2020-01-01", "yes"), obs("O3", "no-executions", "2020-01-01", "yes")], [], None, "2026-01-01", "implemented", "evidence", 1.0),
    ("same-day observations, ids in reverse", [obs("O2", "moratorium", "2020-01-01", "no"), obs("O1", "moratorium", "2020-01-01", "yes"), obs("O3", "no-executions", "2020-01-01", "yes")], [], None, "2026-01-01", "partial", "evidence", 0.5),
    # a year-only date counts from its end, so it is later than a dated one of the same year
    ("year-only after a dated one", [obs("O1", "moratorium", "2020-06-01", "yes"), obs("O2", "moratorium", "2020", "no"), obs("O3", "no-executions", "2020-06-01", "yes")], [], None, "2021-01-01", "partial", "evidence", 0.5),
    ("on the day itself", [obs("O1", "moratorium", "2021-03-04", "yes"), obs("O2", "no-executions", "2021-03-04", "yes")], [], None, "2021-03-04", "implemented", "evidence", 1.0),
    ("the day before", [obs("O1", "moratorium", "2021-03-04", "yes"), obs("O2", "no-executions", "2021-03-04", "yes")], [], None, "2021-03-03", "not_assessed", "none", None),
    ("assessment on the day itself", [], [assessment("A1", ITEM, "2023-12-01", "partial")], None, "2023-12-01", "partial", "assessment", None),
    # only what a second person read and confirmed or corrected counts (compliance.data.counted)
    ("unread evidence does not count", [obs("O1", "moratorium", "2020-01-01", "yes", read_verdict="", read_by="", read_date=""), obs("O2", "no-executions", "2020-01-01", "yes")], [], None, "2026-01-01", "partial", "evidence", 0.5),
    ("rejected evidence does not count", [obs("O1", "moratorium", "2020-01-01", "yes", read_verdict="rejected", read_note="about another country"), obs("O2", "no-executions", "2020-01-01", "yes")], [], None, "2026-01-01", "partial", "evidence", 0.5),
    ("unreachable evidence does not count", [obs("O1", "moratorium", "2020-01-01", "yes", read_verdict="unreachable", read_note="not found")], [], None, "2026-01-01", "not_assessed", "none", None),
    ("corrected evidence counts", [obs("O1", "moratorium", "2020-01-01", "yes", read_verdict="corrected"), obs("O2", "no-executions", "2020-01-01", "yes")], [], None, "2026-01-01", "implemented", "evidence", 1.0),
    ("a rejected older word does not stand in", [obs("O1", "moratorium", "2015-01-01", "no"), obs("O2", "moratorium", "2021-01-01", "yes", read_verdict="rejected", read_note="wrong"), obs("O3", "no-executions", "2021-01-01", "yes")], [], None, "2026-01-01", "partial", "evidence", 0.5),
    ("unread assessment does not stand", [obs("O1", "moratorium", "2020-01-01", "no")], [assessment("A1", ITEM, "2023-12-01", "implemented", read_verdict="", read_by="", read_date="")], None, "2026-01-01", "unfulfilled", "evidence", 0.0),
]

# a contested criterion (contested.csv) counts at most as partly met from the day its sources disagree, never as met
CONTESTED_CASES = [
    ("yes after the contest is worth half", [obs("O1", "moratorium", "2021-01-01", "no"), obs("O2", "moratorium", "2022-01-01", "yes"), obs("O3", "no-executions", "2020-01-01", "yes")], "2021-06", "2026-01-01", "partial", 0.75),
    ("the contest caps an earlier yes", [obs("O1", "moratorium", "2020-01-01", "yes"), obs("O2", "moratorium", "2019-01-01", "no"), obs("O3", "no-executions", "2020-01-01", "yes")], "2021-06", "2026-01-01", "partial", 0.75),
    ("before the contest a yes is a yes", [obs("O1", "moratorium", "2020-01-01", "yes"), obs("O2", "moratorium", "2022-01-01", "no"), obs("O3", "no-executions", "2020-01-01", "yes")], "2021-06", "2021-06-29", "implemented", 1.0),
    ("the contest counts from the end of its month", [obs("O1", "moratorium", "2020-01-01", "yes"), obs("O2", "moratorium", "2022-01-01", "no"), obs("O3", "no-executions", "2020-01-01", "yes")], "2021-06", "2021-06-30", "partial", 0.75),
    ("a later no still counts as no", [obs("O1", "moratorium", "2020-01-01", "yes"), obs("O2", "moratorium", "2022-01-01", "no"), obs("O3", "no-executions", "2020-01-01", "yes")], "2021-06", "2026-01-01", "partial", 0.5),
    ("partly stays partly", [obs("O1", "moratorium", "2022-01-01", "partly"), obs("O2", "moratorium", "2021-01-01", "no"), obs("O3", "no-executions", "2020-01-01", "yes")], "2021-06", "2026-01-01", "partial", 0.75),
]


@pytest.mark.parametrize("name,observations,since,as_of,status,evidence", CONTESTED_CASES, ids=[c[0] for c in CONTESTED_CASES])
def test_a_contested_criterion_never_counts_as_met(tmp_path, name, observations, since, as_of, status, evidence):
    row = score(tmp_path, observations, as_of=as_of, contested=[("moratorium", since)])
    assert (row["status"], row["basis"]) == (status, "evidence")
    assert row["evidence_score"] == pytest.approx(evidence)


def test_a_contested_criterion_names_both_sides_as_its_sources(tmp_path):
    tables = base_tables()
    tables["sources.csv"].append(dict(tables["sources.csv"][0], source_id="TEST2"))
    tables["observations.csv"] = [obs("O1", "moratorium", "2020-01-01", "yes"),
                                  dict(obs("O2", "moratorium", "2019-01-01", "no"), source_ids="TEST2")]
    tables["contested.csv"] = [{"criterion_id": "moratorium", "contested_since": "2021-06", "note": "they disagree"}]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    assert status_sources(ds, "2026-01-01", [ITEM]) == ["TEST1", "TEST2"]  # the marker: both sides
    assert status_sources(ds, "2021-01-01", [ITEM]) == ["TEST1"]  # before the contest: the latest word
    tables["observations.csv"].append(obs("O3", "moratorium", "2023-01-01", "yes"))  # a later word on one side
    ds = load_dataset(write_dataset(tmp_path / "d2", tables))
    assert status_sources(ds, "2026-01-01", [ITEM]) == ["TEST1", "TEST2"]  # while contested: both sides still


@pytest.mark.parametrize("name,observations,assessments,weights,as_of,status,basis,evidence", CASES, ids=[c[0] for c in CASES])
def test_status_table(tmp_path, name, observations, assessments, weights, as_of, status, basis, evidence):
    row = score(tmp_path, observations, assessments, as_of, weights)
    assert row["status"] == status
    assert row["basis"] == basis
    if evidence is None:
        assert pd.isna(row["evidence_score"])
    else:
        assert row["evidence_score"] == pytest.approx(evidence)


def test_every_item_that_exists_is_scored_with_its_counts(tmp_path):
    tables = base_tables()
    tables["observations.csv"] = [obs("O1", "moratorium", "2020-01-01", "partly")]
    tables["assessments.csv"] = [assessment("A7", "C3-GBR-1", "2023-12-01", "unfulfilled")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    s = score_items(ds, "2026-01-01")
    assert list(s.columns) == ["item_id", "evidence_score", "evidence_status", "criteria_count", "criteria_observed",
                               "assessment_status", "assessor", "assessment_id", "status", "basis", "disagreement"]
    s = s.set_index("item_id")
    assert list(s.index) == ["C1-98.16", "C3-GBR-1", "D001"]
    assert (s.at["C1-98.16", "criteria_count"], s.at["C1-98.16", "criteria_observed"]) == (2, 1)
    assert (s.at["D001", "criteria_count"], s.at["D001", "criteria_observed"]) == (1, 1)
    assert s.at["D001", "evidence_score"] == 0.5 and s.at["D001", "evidence_status"] == "partial"
    assert (s.at["C3-GBR-1", "criteria_count"], s.at["C3-GBR-1", "criteria_observed"]) == (0, 0)  # no criteria
    assert s.at["C3-GBR-1", "evidence_status"] == "not_assessed" and s.at["C3-GBR-1", "status"] == "unfulfilled"
    assert (s.at["C3-GBR-1", "assessor"], s.at["C3-GBR-1", "assessment_id"]) == ("Test coalition", "A7")
    assert not s.at["C3-GBR-1", "disagreement"]  # nothing observed: nothing to disagree with
    assert pd.isna(s.at["D001", "assessor"]) and pd.isna(s.at["D001", "assessment_id"])
    assert score_items(ds, "2012-01-01")["item_id"].tolist() == ["C1-98.16"]  # the others do not exist yet


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


def test_sources_of_the_items_asked_for_only(tmp_path):
    tables = base_tables()
    tables["sources.csv"] += [dict(tables["sources.csv"][0], source_id=x) for x in ("TEST2", "TEST3", "TEST4")]
    tables["observations.csv"] = [dict(obs("O1", "no-executions", "2020-01-01", "no"), source_ids="TEST3;TEST2"),
                                  dict(obs("O2", "moratorium", "2020-01-01", "no"), source_ids="TEST4")]
    tables["assessments.csv"] = [dict(assessment("A1", "D001", "2023-01-01", "partial"), source_ids="TEST1;TEST3")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    assert status_sources(ds, "2026-01-01") == ["TEST1", "TEST2", "TEST3", "TEST4"]
    assert status_sources(ds, "2026-01-01", ["C1-98.16"]) == ["TEST2", "TEST3", "TEST4"]
    assert status_sources(ds, "2026-01-01", ["D001"]) == ["TEST1", "TEST3", "TEST4"]
    assert status_sources(ds, "2022-01-01", ["D001"]) == ["TEST4"]  # the assessment is not made yet
    table = status_source_table(ds, "2026-01-01", ["D001"])
    assert list(table.columns) == ["item_id", "source_id"]
    assert table.to_numpy().tolist() == [["D001", "TEST1"], ["D001", "TEST3"], ["D001", "TEST4"]]
    assert status_source_table(ds, "2026-01-01")["item_id"].tolist() == ["C1-98.16"] * 3 + ["D001"] * 3
    # as of a date: only what was known then
    assert status_source_table(ds, "2022-01-01", ["D001"]).to_numpy().tolist() == [["D001", "TEST4"]]
    assert status_source_table(ds, "2019-12-31").empty


def test_scored_items_are_the_items_that_exist_with_their_status(tmp_path):
    from compliance.scoring import scored_items

    tables = base_tables()
    tables["observations.csv"] = [obs("O1", "moratorium", "2020-01-01", "yes")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    s = scored_items(ds, "2016-01-01").set_index("item_id")
    assert list(s.index) == ["C1-98.16", "D001"]
    assert s.at["D001", "kind"] == "demand" and s.at["D001", "status"] == "not_assessed"
    assert s.at["C1-98.16", "summary"] == "Moratorium" and s.at["C1-98.16", "basis"] == "none"
    assert scored_items(ds, "2026-01-01").set_index("item_id").at["D001", "status"] == "implemented"


def test_evidence_timeline_lists_every_observation_of_the_items_criteria(tmp_path):
    from compliance.scoring import evidence_timeline

    tables = base_tables()
    tables["item_criteria.csv"][1]["weight"] = 3
    tables["observations.csv"] = [obs("O3", "no-executions", "2019-05-01", "no"), obs("O2", "moratorium", "2019-05-01", "partly"),
                                  obs("O1", "moratorium", "2021", "yes")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    t = evidence_timeline(ds, ITEM)
    assert t["observation_id"].tolist() == ["O2", "O3", "O1"]  # oldest first, same day by id
    assert list(t.index) == [0, 1, 2] and "index" not in t.columns
    assert {"observed_date", "met", "source_ids", "note", "weight", "description"} <= set(t.columns)
    assert t["weight"].tolist() == [1, 3, 1] and t["description"].tolist()[1] == "No executions in the period"
    assert evidence_timeline(ds, "D001")["observation_id"].tolist() == ["O2", "O1"]
    assert evidence_timeline(ds, "C3-GBR-1").empty


def test_status_history_follows_the_evidence(tmp_path):
    tables = base_tables()
    tables["observations.csv"] = [obs("O1", "moratorium", "2015-01-01", "no"), obs("O2", "moratorium", "2021-06-01", "yes")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    hist = status_history(ds, "D001")
    assert list(hist["status"]) == ["unfulfilled", "implemented"]
    assert list(hist["as_of"].dt.year) == [2015, 2021]


def test_status_history_starts_the_day_the_item_exists(tmp_path):
    tables = base_tables()
    tables["item_criteria.csv"].append({"item_id": "C3-GBR-1", "criterion_id": "no-executions", "weight": 1})
    tables["observations.csv"] = [obs("O1", "moratorium", "2009-01-01", "no"), obs("O2", "moratorium", "2011-02", "yes"),
                                  obs("O3", "no-executions", "2011-02-28", "yes"), obs("O4", "no-executions", "2019-01-01", "partly"),
                                  obs("O5", "moratorium", "2019-01-01", "no")]
    tables["assessments.csv"] = [assessment("A1", ITEM, "2022-07-01", "partial"), assessment("A2", ITEM, "2023-07-01", "implemented")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    h = status_history(ds, ITEM)
    assert list(h.columns) == ["as_of", "status", "basis", "evidence_score"]
    # evidence from before the review counts from the review's day (2010-05-01), then each change on its day
    assert [d.date().isoformat() for d in h["as_of"]] == ["2010-05-01", "2011-02-28", "2019-01-01", "2022-07-01", "2023-07-01"]
    assert h["status"].tolist() == ["unfulfilled", "implemented", "partial", "partial", "implemented"]
    assert h["basis"].tolist() == ["evidence", "evidence", "evidence", "assessment", "assessment"]
    assert h["evidence_score"].tolist() == [0.0, 1.0, 0.25, 0.25, 0.25]
    # cycle 3's recommendation exists from 2020-05-01 with what held then; a later criterion change moves it
    g = status_history(ds, "C3-GBR-1")
    assert [d.date().isoformat() for d in g["as_of"]] == ["2020-05-01"]
    assert g["status"].tolist() == ["partial"] and g["evidence_score"].tolist() == [0.5]


def test_status_history_of_an_item_without_evidence(tmp_path):
    ds = load_dataset(write_dataset(tmp_path / "d"))
    h = status_history(ds, "C3-GBR-1")
    assert [d.date().isoformat() for d in h["as_of"]] == ["2020-05-01"]
    assert (h["status"].tolist(), h["basis"].tolist()) == (["not_assessed"], ["none"])
    assert h["evidence_score"].isna().all()


def test_status_changes_match_scoring_on_every_day_that_matters(tmp_path):
    """Each item's step function equals scoring at each change and on the day before it."""
    from compliance.scoring import status_changes

    tables = base_tables()
    tables["observations.csv"] = [obs("O1", "moratorium", "2009-01-01", "no"), obs("O2", "moratorium", "2016", "partly"),
                                  obs("O3", "no-executions", "2016-12-31", "yes"), obs("O4", "moratorium", "2018-03", "yes"),
                                  obs("O5", "no-executions", "2018-03-31", "no"), obs("O6", "moratorium", "2018-03-31", "yes")]
    tables["contested.csv"] = [{"criterion_id": "no-executions", "contested_since": "2017-06", "note": "they disagree"}]
    tables["assessments.csv"] = [assessment("A1", "C3-GBR-1", "2021-01-01", "unfulfilled"),
                                 assessment("A2", "D001", "2015-01-09", "partial"),
                                 assessment("A3", "D001", "2017-01-01", "not_assessed"),
                                 assessment("A5", "C3-GBR-1", "2022-02-02", "implemented"),  # same day: the later id
                                 assessment("A4", "C3-GBR-1", "2022-02-02", "partial")]
    ds = load_dataset(write_dataset(tmp_path / "d", tables))
    changes = status_changes(ds)
    days = sorted({d for d in changes["date"]} | {d - pd.Timedelta(days=1) for d in changes["date"]})
    for day in days:
        direct = score_items(ds, day).set_index("item_id")[["status", "basis"]]
        fast = changes[changes["date"] <= day].groupby("item_id").tail(1).set_index("item_id")[["status", "basis"]]
        assert fast.sort_index().to_dict() == direct.sort_index().to_dict(), day
    assert len(days) >= 10
