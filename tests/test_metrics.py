"""Aggregates: counts, rates (not_assessed left out), grouping by list dimensions, ICC positions, pledge totals."""

from __future__ import annotations

import pandas as pd
import pytest

from compliance import metrics


def frame(statuses, themes=None, states=None, cycles=None):
    n = len(statuses)
    return pd.DataFrame({
        "item_id": [f"X{i}" for i in range(n)], "status": statuses, "kind": "recommendation",
        "themes": themes or [["t"]] * n, "states": states or [["NOR"]] * n,
        "cycle": pd.array(cycles or [1] * n, dtype="Int64"), "summary": [f"s{i}" for i in range(n)],
        "issuer": None, "paragraph": None, "response": "supported", "addressee": None,
        "states_text": [", ".join(x) for x in (states or [["NOR"]] * n)],
        "states_names": [", ".join("Norway" if c == "NOR" else c for c in x) for x in (states or [["NOR"]] * n)],
    })


def test_counts_have_every_status():
    assert metrics.status_counts(frame(["implemented", "implemented"])) == {
        "implemented": 2, "partial": 0, "unfulfilled": 0, "not_assessed": 0}


@pytest.mark.parametrize("statuses,rate,weighted", [
    (["implemented", "unfulfilled"], 0.5, 0.5),
    (["implemented", "partial", "unfulfilled", "unfulfilled"], 0.25, 0.375),
    # not_assessed is excluded from the denominator, never counted as unfulfilled
    (["implemented", "not_assessed", "not_assessed"], 1.0, 1.0),
    (["not_assessed"], None, None),
])
def test_rates(statuses, rate, weighted):
    r = metrics.rates(metrics.status_counts(frame(statuses)))
    assert r["implementation_rate"] == (pytest.approx(rate) if rate is not None else None)
    assert r["weighted_score"] == (pytest.approx(weighted) if weighted is not None else None)


def test_summarize_explodes_themes():
    df = frame(["implemented", "unfulfilled"], themes=[["a", "b"], ["b"]])
    t = metrics.summarize(df, "theme").set_index("theme")
    assert t.loc["a", "total"] == 1 and t.loc["b", "total"] == 2
    assert t.loc["b", "implementation_rate"] == pytest.approx(0.5)


def test_filter_by_cycle_drops_demands():
    df = frame(["implemented", "partial"], cycles=[1, None])
    df.loc[1, "kind"] = "demand"
    assert list(metrics.filter_items(df, cycle=1)["item_id"]) == ["X0"]


def test_filter_text_is_case_insensitive():
    df = frame(["implemented", "partial"])
    df.loc[1, "summary"] = "Declare a MORATORIUM"
    assert list(metrics.filter_items(df, text="moratorium")["item_id"]) == ["X1"]


def test_filter_text_finds_a_state_by_name_or_code():
    df = frame(["implemented", "partial"], states=[["NOR"], ["LTU"]])
    assert list(metrics.filter_items(df, text="norway")["item_id"]) == ["X0"]
    assert list(metrics.filter_items(df, text="LTU")["item_id"]) == ["X1"]


def test_unknown_dimension():
    with pytest.raises(ValueError):
        metrics.summarize(frame(["implemented"]), "colour")


def test_pledge_totals_per_currency_and_missing_amounts_listed():
    p = pd.DataFrame({
        "pledge_id": ["P1", "P2", "P3", "P4", "P5"], "kind": ["pledge", "pledge", "pledge", "cumulative", "pledge"],
        "amount": pd.array([100.0, 50.0, 7.0, 1000.0, None], dtype="Float64"),
        "currency": ["EUR", "EUR", "NOK", "EUR", None],
    })
    t = metrics.pledge_totals(p)
    eur = t[t["currency"] == "EUR"].iloc[0]
    assert eur["amount"] == 150  # cumulative figures never added
    assert t[t["currency"] == "NOK"].iloc[0]["amount"] == 7
    assert t["without_amount"].sum() == 1


def test_theme_cycle_table():
    df = frame(["implemented", "unfulfilled", "partial", "not_assessed"], themes=[["a"], ["a"], ["a", "b"], ["b"]], cycles=[1, 1, 2, 2])
    t = metrics.theme_cycle_table(df).set_index(["theme", "cycle"])
    assert t.loc[("a", 1), "total"] == 2 and t.loc[("a", 1), "weighted_score"] == pytest.approx(0.5)
    assert t.loc[("b", 2), "assessed"] == 1 and t.loc[("b", 2), "weighted_score"] == pytest.approx(0.5)
    assert len(t) == 3


def test_recurrence_table():
    df = frame(["unfulfilled", "unfulfilled", "partial", "unfulfilled"], cycles=[1, 1, 2, None])
    df["recurrence_id"] = ["dp", "dp", "dp", "dp"]
    df.loc[3, "kind"] = "demand"
    rec = pd.DataFrame({"recurrence_id": ["dp"], "label": ["Moratorium"]})
    t = metrics.recurrence_table(df, rec).iloc[0]
    assert t["ask"] == "Moratorium" and t["asked in cycles"] == "1 (2010), 2 (2015)" and t["demands"] == 1
    assert t["cycle 1"] == "2× unfulfilled" and t["cycle 2"] == "1× partially implemented" and t["cycle 3"] == "–"


def test_a_cycle_without_a_review_date_says_so():
    """A cycle not yet reviewed whose date is not given says 'review date unknown' (it said 'review nan')."""
    from compliance.data import dataset_from_tables
    from compliance.scoring import scored_items
    from factory import base_tables, csv_bytes, row

    t = base_tables()
    t["cycles.csv"].append(row("cycles.csv", review_date=""))  # known from its source (2020), date not given
    undated = dataset_from_tables(csv_bytes(t))
    cov = metrics.coverage_by_cycle(undated, scored_items(undated, "2019-01-01"), "2019-01-01")
    assert metrics.coverage_lines(cov, as_of="2019-01-01")[-1] == (
        "Cycle 5 (2030): not yet reviewed as of 2019-01-01 (review date unknown)")
