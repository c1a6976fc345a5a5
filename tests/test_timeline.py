"""Time that tells the truth: nothing exists before its own date (one rule, every kind of thing), and the fast
counts over time equal scoring at each date one by one."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from factory import SRC, base_tables, obs, write_dataset

from compliance import metrics
from compliance.cli import build_summary, main
from compliance.data import load_dataset
from compliance.scoring import score_items, status_changes
from compliance.timeline import KNOWN_FROM, cutoff, existing


def dataset(tmp_path, mutate=None):
    tables = base_tables()
    tables["sources.csv"].append({"source_id": "UNDATED", "producer": "P", "title": "T", "url": "https://example.org/u",
                                  "published_date": "", "accessed_date": "2026-11-01", "citation": "c", "note": ""})
    if mutate:
        mutate(tables)
    return load_dataset(write_dataset(tmp_path / "data", tables))


def tally(tid: str, published: str, source: str = SRC) -> dict:
    return {"tally_id": tid, "cycle": 3, "assessor": "A", "report_title": "R", "published_date": published,
            "scope": "all", "total": 10, "implemented": 1, "partial": 2, "unfulfilled": 3, "not_assessed": 4,
            "source_ids": source, "note": ""}


def pledge(pid: str, when: str, source: str = SRC) -> dict:
    return {"pledge_id": pid, "donor": "Norway", "donor_iso3": "NOR", "recipient": "R", "amount": "1000",
            "amount_qualifier": "exact", "currency": "NOK", "pledged_date": when, "purpose": "p", "accountability": "yes",
            "kind": "pledge", "source_ids": source, "note": ""}


def event(eid: str, when: str, position: str = "publicly_supports", source: str = SRC) -> dict:
    return {"event_id": eid, "event_date": when, "actor": "Poland", "actor_iso3": "POL", "position": position,
            "summary": "s", "source_ids": source, "note": ""}


# --- the rule, kind by kind (one test per kind: break the rule for one kind and exactly its test fails) ---------


def test_a_recommendation_exists_from_its_cycles_review(tmp_path):
    ds = dataset(tmp_path)
    # base cycles are reviewed on 1 May; C1-98.16 is cycle 1 (2010), C3-GBR-1 cycle 3 (2020)
    assert set(score_items(ds, "2010-04-30")["item_id"]) == set()
    assert set(score_items(ds, "2010-05-01")["item_id"]) == {"C1-98.16"}
    assert set(score_items(ds, "2020-05-01")["item_id"]) == {"C1-98.16", "C3-GBR-1", "D001"}


def test_a_demand_exists_from_its_date_and_a_partial_date_from_the_end_of_its_period(tmp_path):
    ds = dataset(tmp_path, lambda t: t["demands.csv"][0].update(issued_date="2015-03"))
    assert "D001" not in set(score_items(ds, "2015-03-30")["item_id"])
    assert "D001" in set(score_items(ds, "2015-03-31")["item_id"])


def test_an_undated_row_exists_from_its_sources_date(tmp_path):
    def mutate(t):
        t["demands.csv"][0].update(issued_date="", source_ids="UNDATED")  # source read 2026-11-01, no publication
        t["sources.csv"][0].update(published_date="2019-06")
        t["tallies.csv"].append(tally("T001", "", source="UNDATED;" + SRC))  # the earliest source date counts
    ds = dataset(tmp_path, mutate)
    assert "D001" not in set(score_items(ds, "2026-10-31")["item_id"])
    assert "D001" in set(score_items(ds, "2026-11-01")["item_id"])
    assert ds.tallies.iloc[0][KNOWN_FROM] == pd.Timestamp("2019-06-30")


def test_a_published_tally_exists_from_its_publication(tmp_path):
    ds = dataset(tmp_path, lambda t: t["tallies.csv"].append(tally("T001", "2025")))
    assert metrics.published_tallies(ds, as_of="2025-12-30") == []
    assert [t["tally_id"] for t in metrics.published_tallies(ds, as_of="2025-12-31")] == ["T001"]


def test_a_pledge_exists_from_its_date(tmp_path):
    ds = dataset(tmp_path, lambda t: t["pledges.csv"].append(pledge("P001", "2021-03-24")))
    assert metrics.pledges(ds, "2021-03-23").empty
    assert list(metrics.pledges(ds, "2021-03-24")["pledge_id"]) == ["P001"]
    assert metrics.pledge_totals(metrics.pledges(ds, "2021-03-23")).empty


def test_an_icc_event_exists_from_its_date(tmp_path):
    ds = dataset(tmp_path, lambda t: t["icc_events.csv"].extend([event("I001", "2024-10-03"),
                                                                 event("I002", "2024-10-04", "urged_to_join")]))
    assert metrics.icc_positions(ds, "2024-10-02").empty and metrics.icc_events(ds, "2024-10-02").empty
    assert list(metrics.icc_positions(ds, "2024-10-03")["position"]) == ["publicly_supports"]
    assert metrics.icc_calls(ds, "2024-10-03").empty and len(metrics.icc_calls(ds, "2024-10-04")) == 1


def test_being_urged_to_join_is_never_a_states_own_position(tmp_path):
    ds = dataset(tmp_path, lambda t: t["icc_events.csv"].append(event("I001", "2024-10-04", "urged_to_join")))
    assert metrics.icc_positions(ds, "2025-01-01").empty
    assert list(metrics.icc_calls(ds, "2025-01-01")["actor_iso3"]) == ["POL"]


def test_evidence_dated_before_the_ask_counts_once_the_ask_exists(tmp_path):
    """An observation from before the review judges the recommendation from the review on (not before)."""
    ds = dataset(tmp_path, lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2009-01-01", "no")))
    assert score_items(ds, "2009-06-01").empty
    s = score_items(ds, "2010-05-01").set_index("item_id")
    assert s.at["C1-98.16", "status"] == "unfulfilled"


def test_the_cutoff_is_a_whole_day_and_today_by_default():
    assert cutoff("2020-05-01 17:30") == pd.Timestamp("2020-05-01")
    assert cutoff(None) == pd.Timestamp.today().normalize()


def test_existing_keeps_rows_known_by_the_date(shipped):
    p = existing(shipped.pledges, "2021-12-31")
    assert (p[KNOWN_FROM] <= "2021-12-31").all() and len(p) < len(shipped.pledges)


# --- what the "done when" names ------------------------------------------------------------------------


@pytest.mark.parametrize("cycle,as_of,items", [(4, "2015-01-01", 0), (3, "2020-01-01", 0), (1, "2010-01-01", 0)])
def test_summary_shows_nothing_before_its_date(capsys, cycle, as_of, items):
    assert main(["summary", "--cycle", str(cycle), "--as-of", as_of, "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["items"] == items and s["published_tallies"] == []


def test_today_cycle_1_has_its_93(shipped):
    assert build_summary(shipped, cycle=1)["items"] == 93


def test_progress_starts_at_zero_and_ends_where_summary_is(capsys):
    assert main(["progress", "--every", "year", "--from", "2009-01-01", "--to", "2026-06-30", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"date": "2009-01-01", "implemented": 0, "partial": 0, "unfulfilled": 0, "not_assessed": 0}
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows) and rows[-1]["date"] == "2026-06-30"
    assert main(["summary", "--as-of", "2026-06-30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status_counts"] == {k: v for k, v in rows[-1].items() if k != "date"}


@pytest.mark.parametrize("args", [["--theme", "death-penalty"], ["--state", "NOR", "--kind", "recommendation"],
                                  ["--cycle", "1"]])
def test_progress_with_filters_agrees_with_summary(capsys, args):
    assert main(["progress", "--every", "quarter", "--from", "2010-01-01", "--to", "2024-02-29", *args, "--json"]) == 0
    last = json.loads(capsys.readouterr().out)[-1]
    if "--kind" in args:  # summary has no --kind (it counts demands addressed to a state too): count directly
        from compliance.scoring import scored_items

        shown = metrics.filter_items(scored_items(load_dataset(), "2024-02-29"), state="NOR", kind="recommendation")
        expected = metrics.status_counts(shown)
    else:
        assert main(["summary", "--as-of", "2024-02-29", *args, "--json"]) == 0
        expected = json.loads(capsys.readouterr().out)["status_counts"]
    assert sum(expected.values()) > 0 and expected == {k: v for k, v in last.items() if k != "date"}


# --- the fast counts equal scoring date by date -------------------------------------------------------------


def counts_by_scoring(ds, dates, **filters):
    from compliance.scoring import scored_items

    rows = []
    for d in dates:
        scored = scored_items(ds, d)
        rows.append({"date": cutoff(d), **metrics.status_counts(metrics.filter_items(scored, **filters))})
    return pd.DataFrame(rows)


def assert_fast_equals_slow(ds, dates, **filters):
    fast = metrics.status_over_time(ds, dates, **filters).reset_index(drop=True)
    slow = counts_by_scoring(ds, dates, **filters)
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)


MONTHS = metrics.period_dates("2009-06-30", "2026-11-24", "month")


@pytest.mark.parametrize("filters", [{}, {"theme": "death-penalty"}, {"kind": "demand"}, {"cycle": 1}, {"state": "NOR"}])
def test_fast_counts_equal_scoring_at_each_date_on_the_belarus_data(shipped, filters):
    assert_fast_equals_slow(shipped, MONTHS, **filters)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    from bench.synth import write_corpus

    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, scale=0.005, seed=3)
    return load_dataset(root)


def test_fast_counts_equal_scoring_at_each_date_on_a_synthetic_corpus(small_corpus):
    assert len(small_corpus.items) > 400 and len(small_corpus.assessments) > 10
    assert_fast_equals_slow(small_corpus, metrics.period_dates("2009-01-01", "2026-11-24", "quarter"))


def test_status_changes_match_each_items_status_and_basis(small_corpus):
    changes = status_changes(small_corpus)
    for d in ("2012-06-30", "2019-12-31", "2026-11-24"):
        direct = score_items(small_corpus, d).set_index("item_id")[["status", "basis"]].sort_index()
        fast = changes[changes["date"] <= d].groupby("item_id").tail(1).set_index("item_id")[["status", "basis"]]
        pd.testing.assert_frame_equal(fast.sort_index(), direct, check_dtype=False, check_names=False,
                                      check_index_type=False)


def test_period_dates_start_end_and_period_ends():
    d = metrics.period_dates("2009-01-01", "2010-02-10", "quarter")
    assert [x.date().isoformat() for x in d] == ["2009-01-01", "2009-03-31", "2009-06-30", "2009-09-30", "2009-12-31",
                                                 "2010-02-10"]


# --- the pieces of the rule -------------------------------------------------------------------------------------


def test_a_source_shows_its_publication_else_the_day_we_read_it():
    from compliance.timeline import source_dates

    sources = pd.DataFrame({"source_id": ["S1", "S2"],
                            "published_date_end": pd.to_datetime(["2019-06-30", None]),
                            "accessed_date_end": pd.to_datetime(["2026-01-01", "2026-02-02"])})
    assert source_dates(sources).to_dict() == {"S1": pd.Timestamp("2019-06-30"), "S2": pd.Timestamp("2026-02-02")}


@pytest.mark.parametrize("own,sources,expected", [
    ("2020-03-31", "S2", "2020-03-31"),  # its own date, whatever its sources show
    (None, "S2", "2026-02-02"),
    (None, "S2;S1", "2019-06-30"),  # the earliest a source can prove
    (None, " S1 ; S2", "2019-06-30"),
    (None, "S9;S2", "2026-02-02"),  # an unknown id proves nothing
    (None, "S9", None),
    (None, None, None),
])
def test_when_a_row_becomes_part_of_the_record(own, sources, expected):
    from compliance.timeline import known_from

    by_source = pd.Series(pd.to_datetime(["2019-06-30", "2026-02-02"]), index=["S1", "S2"])
    dates = pd.Series([pd.Timestamp("2001-01-01"), pd.Timestamp(own) if own else pd.NaT])
    ids = pd.Series(["S1", sources], dtype=object)
    got = known_from(dates, ids, by_source)
    assert got[0] == pd.Timestamp("2001-01-01")
    assert (pd.isna(got[1]) if expected is None else got[1] == pd.Timestamp(expected))


def test_every_timed_table_gets_its_known_from(tmp_path):
    from compliance.schema import TABLES

    def mutate(t):
        t["cycles.csv"][1].update(review_date="")  # cycle 2 undated: from its source, published 2020
        t["recommendations.csv"].append({"recommendation_id": "C2-X-1", "cycle": 2, "summary": "s", "response": "noted",
                                         "source_ids": SRC})
        t["recommendation_states.csv"].append({"recommendation_id": "C2-X-1", "state_iso3": "NOR", "source_ids": SRC})
        t["evidence_searches.csv"].append({"search_id": "ES1", "item_id": "D001", "searched_date": "2026-01-15",
                                           "searched_for": "x", "result": "nothing_found", "note": "n"})
    ds = dataset(tmp_path, mutate)
    timed = [t.name for t in TABLES if t.exists_from]
    assert len(timed) >= 9 and all(KNOWN_FROM in ds.frames[name].columns for name in timed)
    assert not any(KNOWN_FROM in ds.frames[t.name].columns for t in TABLES if not t.exists_from)
    recs = ds.recommendations.set_index("recommendation_id")[KNOWN_FROM]
    assert recs.to_dict() == {"C1-98.16": pd.Timestamp("2010-05-01"), "C3-GBR-1": pd.Timestamp("2020-05-01"),
                              "C2-X-1": pd.Timestamp("2020-12-31")}
    assert ds.cycles[KNOWN_FROM].tolist()[:2] == [pd.Timestamp("2010-05-01"), pd.Timestamp("2020-12-31")]
    assert ds.evidence_searches[KNOWN_FROM].tolist() == [pd.Timestamp("2026-01-15")]  # its own date, no source


def test_existing_keeps_the_rows_known_on_the_day_itself():
    df = pd.DataFrame({"id": ["a", "b", "c"], KNOWN_FROM: pd.to_datetime(["2020-01-01", "2020-01-02", None])})
    assert existing(df, "2020-01-01 23:59")["id"].tolist() == ["a"]
    assert existing(df, "2020-01-02")["id"].tolist() == ["a", "b"]  # an undatable row is never shown
