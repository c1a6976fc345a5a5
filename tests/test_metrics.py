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
    t = metrics.recurrence_table(df, rec, {1: 2010, 2: 2015, 3: 2020, 4: 2025}).iloc[0]
    assert t["ask"] == "Moratorium" and t["asked in cycles"] == "1 (2010), 2 (2015)" and t["demands"] == 1
    assert t["cycle 1"] == "2× unfulfilled" and t["cycle 2"] == "1× partially implemented" and t["cycle 3"] == "–"


# --- rates: not_assessed is never a failure, partial counts half ---------------------------------------------------


@pytest.mark.parametrize("counts,assessed,rate,weighted", [
    ({"implemented": 1, "partial": 1, "unfulfilled": 2, "not_assessed": 5}, 4, 0.25, 0.375),
    ({"implemented": 0, "partial": 2, "unfulfilled": 0, "not_assessed": 0}, 2, 0.0, 0.5),
    ({"implemented": 3, "partial": 0, "unfulfilled": 1, "not_assessed": 0}, 4, 0.75, 0.75),
    ({"implemented": 0, "partial": 0, "unfulfilled": 0, "not_assessed": 3}, 0, None, None),
])
def test_rates_of_counts(counts, assessed, rate, weighted):
    assert metrics.rates(counts) == {"assessed": assessed, "implementation_rate": rate, "weighted_score": weighted}


def test_summarize_counts_partial_as_half_per_value():
    df = frame(["implemented", "partial", "partial", "unfulfilled", "not_assessed"], cycles=[1, 1, 1, 1, 1])
    t = metrics.summarize(df, "cycle").iloc[0]
    assert (t["cycle"], t["total"], t["assessed"], t["not_assessed"]) == (1, 5, 4, 1)
    assert t["implementation_rate"] == pytest.approx(0.25) and t["weighted_score"] == pytest.approx(0.5)


@pytest.mark.parametrize("by,column,values,expected", [
    ("cycle", "cycle", [1, 2, 1], {1: 2, 2: 1}),
    ("response", "response", ["noted", "supported", "noted"], {"noted": 2, "supported": 1}),
    ("addressee", "addressee", ["un", None, "un"], {"un": 2}),  # items without one are left out
    ("issuer", "issuer", ["A", "B", None], {"A": 1, "B": 1}),
    ("kind", "kind", ["demand", "recommendation", "demand"], {"demand": 2, "recommendation": 1}),
    ("recurrence_id", "recurrence_id", ["dp", None, None], {"dp": 1}),
    ("state", "states", [["NOR", "SWE"], ["SWE"], []], {"NOR": 1, "SWE": 2}),
    ("theme", "themes", [["a"], ["a", "b"], ["b"]], {"a": 2, "b": 2}),
])
def test_summarize_by_each_dimension(by, column, values, expected):
    df = frame(["implemented", "unfulfilled", "partial"])
    df[column] = pd.Series(values, dtype="Int64" if by == "cycle" else object)
    t = metrics.summarize(df, by)
    assert list(t.columns) == [by, "implemented", "partial", "unfulfilled", "not_assessed", "total", "assessed",
                               "implementation_rate", "weighted_score"]
    assert dict(zip(t[by], t["total"])) == expected


def test_summarize_names_the_dimensions_it_knows():
    with pytest.raises(ValueError) as exc:
        metrics.summarize(frame(["implemented"]), "colour")
    assert str(exc.value) == ("unknown dimension 'colour'; expected one of cycle, theme, state, response, addressee, "
                              "issuer, kind, recurrence_id")


def test_summarize_cycles_keeps_every_cycle_with_zeros():
    t = metrics.summarize_cycles(frame(["implemented", "partial"], cycles=[3, 3]), [1, 2, 3, 4]).set_index("cycle")
    assert list(t.index) == [1, 2, 3, 4]
    assert t.loc[1, ["implemented", "partial", "unfulfilled", "not_assessed", "total", "assessed"]].tolist() == [0] * 6
    assert str(t["total"].dtype) == "int64" and pd.isna(t.at[1, "implementation_rate"])
    assert (t.at[3, "total"], t.at[3, "weighted_score"]) == (2, 0.75)
    assert metrics.cycle_labels(t.reset_index(), {1: 2010, 3: 2020}) == {
        1: "Cycle 1 (2010) – not itemised", 2: "Cycle 2 (?) – not itemised", 3: "Cycle 3 (2020)",
        4: "Cycle 4 (?) – not itemised"}


# --- filters: each one keeps exactly the items it names --------------------------------------------------------


def filterable():
    df = frame(["implemented", "partial", "unfulfilled", "not_assessed"], themes=[["a"], ["a", "b"], ["b"], []],
               states=[["NOR"], ["NOR", "LTU"], ["LTU"], ["POL"]], cycles=[1, 2, 3, None])
    df["kind"] = ["recommendation"] * 3 + ["demand"]
    df["response"] = ["supported", "noted", "supported", None]
    df["addressee"] = [None, None, None, "un"]
    df["issuer"] = [None, None, None, "Viasna"]
    df["paragraph"] = ["98.16", "116.2", None, None]
    df["summary"] = ["Abolish the death penalty", "Release detainees", "Free media", "Open a case"]
    return df


@pytest.mark.parametrize("filters,kept", [
    ({}, ["X0", "X1", "X2", "X3"]),
    ({"cycle": 2}, ["X1"]),
    ({"cycle": "3"}, ["X2"]),  # as it comes from a link
    ({"cycle": [1, 3]}, ["X0", "X2"]),
    ({"cycle": []}, []),
    ({"theme": "b"}, ["X1", "X2"]),
    ({"state": "NOR"}, ["X0", "X1"]),
    ({"response": "supported"}, ["X0", "X2"]),
    ({"status": "unfulfilled"}, ["X2"]),
    ({"kind": "demand"}, ["X3"]),
    ({"addressee": "un"}, ["X3"]),
    ({"theme": "a", "state": "LTU"}, ["X1"]),  # every filter at once
    ({"theme": "a", "cycle": 1, "status": "partial"}, []),
    ({"cycle": [1, 3], "response": "noted"}, []),
    ({"theme": "b", "kind": "recommendation"}, ["X1", "X2"]),
    ({"state": "NOR", "addressee": "un"}, []),
    ({"kind": "demand", "text": "release"}, []),
    # the search looks at the text, the id, the issuer, the paragraph and the states by name and code
    ({"text": "DEATH"}, ["X0"]),
    ({"text": "x2"}, ["X2"]),
    ({"text": "viasna"}, ["X3"]),
    ({"text": "116.2"}, ["X1"]),
    ({"text": "lithuania"}, ["X1", "X2"]),
    ({"text": "pol"}, ["X3"]),
    ({"text": "1.6"}, []),  # a dot is a dot, not any character
    ({"text": "nothing like it"}, []),
    ({"text": "xx"}, []),  # nothing but what the items say is searched
])
def test_each_filter(filters, kept):
    df = filterable()
    df["states_names"] = df["states"].map(lambda cs: ", ".join({"NOR": "Norway", "LTU": "Lithuania", "POL": "Poland"}[c]
                                                                for c in cs))
    df["states_text"] = df["states"].map(", ".join)
    assert metrics.filter_items(df, **filters)["item_id"].tolist() == kept


# --- the dataset: timed facts, coverage, ICC, pledges --------------------------------------------------------------


@pytest.fixture(scope="module")
def ds():
    """The synthetic base with tallies, searches, ICC events and pledges."""
    from factory import assessment, base_tables, csv_bytes, obs, row

    from compliance.data import dataset_from_tables

    t = base_tables()
    t["cycles.csv"][2].update(total_recommendations=266)
    t["cycles.csv"].append(row("cycles.csv"))  # cycle 5, reviewed in 2030
    t["observations.csv"] = [obs("O1", "moratorium", "2012-01-01", "no"), obs("O2", "no-executions", "2012-01-01", "yes"),
                             obs("O3", "moratorium", "2018-06-30", "yes")]
    t["assessments.csv"] = [assessment("A1", "D001", "2016-01-01", "unfulfilled")]
    t["demands.csv"].append(row("demands.csv"))  # D002, made in August 2021, judged by no criterion
    t["tallies.csv"] = [
        row("tallies.csv", tally_id="T1", cycle=3, published_date="2022-03", scope="all"),
        row("tallies.csv", tally_id="T2", cycle=3, published_date="2023", scope="noted", implemented="", partial=""),
        row("tallies.csv", tally_id="T3", cycle=1, published_date="2012", scope="all", source_ids="TEST1;TEST1"),
    ]
    t["evidence_searches.csv"] = [
        row("evidence_searches.csv", search_id="ES3", item_id="D002", searched_date="2021-10-01"),
        row("evidence_searches.csv", search_id="ES1", item_id="C3-GBR-1", searched_date="2021-01-10"),
        row("evidence_searches.csv", search_id="ES2", item_id="C3-GBR-1", searched_date="2022-02-02", result="inconclusive"),
    ]
    t["icc_events.csv"] = [
        row("icc_events.csv", event_id="I1", event_date="2024-09-30", actor="Lithuania", actor_iso3="LTU", position="referred"),
        row("icc_events.csv", event_id="I2", event_date="2024-10-15", actor="Lithuania", actor_iso3="LTU", position="in_discussion"),
        row("icc_events.csv", event_id="I3", event_date="2024-10-01", actor="Poland", actor_iso3="POL", position="in_discussion"),
        row("icc_events.csv", event_id="I4", event_date="2025-01", actor="Poland", actor_iso3="POL", position="publicly_supports"),
        row("icc_events.csv", event_id="I5", event_date="", actor="Latvia", actor_iso3="LVA", position="joined"),
        row("icc_events.csv", event_id="I6", event_date="2024-11-02", actor="Germany", actor_iso3="DEU", position="urged_to_join"),
        row("icc_events.csv", event_id="I7", event_date="2024-10-20", actor="Czechia", actor_iso3="CZE", position="urged_to_join"),
        row("icc_events.csv", event_id="I8", event_date="2024-10-08", actor="Germany", actor_iso3="DEU", position="urged_to_join"),
        row("icc_events.csv", event_id="I9", event_date="2024-11", actor="Office of the Prosecutor", actor_iso3="",
            position="court_step"),
        row("icc_events.csv", event_id="I10", event_date="2024-10-02", actor="Office of the Prosecutor", actor_iso3="",
            position="court_step"),
        row("icc_events.csv", event_id="I11", event_date="2024-10-03", actor="Poland", actor_iso3="POL", position="rejects"),
        row("icc_events.csv", event_id="I12", event_date="2024-12-01", actor="Lithuania", actor_iso3="LTU", position="referred"),
        row("icc_events.csv", event_id="I13", event_date="2025-01", actor="Poland", actor_iso3="POL",
            position="publicly_supports"),
    ]
    t["pledges.csv"] = [
        row("pledges.csv", pledge_id="P1", donor="Norway", donor_iso3="NOR", amount="100", currency="EUR", pledged_date="2021-03"),
        row("pledges.csv", pledge_id="P2", donor="Norway", donor_iso3="NOR", amount="50", currency="NOK", pledged_date="2022",
            accountability="no"),
        row("pledges.csv", pledge_id="P3", donor="Sweden", donor_iso3="SWE", amount="", currency="", pledged_date="2022"),
        row("pledges.csv", pledge_id="P4", donor="Sweden", donor_iso3="SWE", amount="20", currency="EUR", pledged_date="2023",
            kind="cumulative"),
        row("pledges.csv", pledge_id="P5", donor="EU", donor_iso3="", amount="7", currency="EUR", pledged_date="2023"),
        row("pledges.csv", pledge_id="P6", donor="Norway", donor_iso3="NOR", amount="", currency="", pledged_date="2023"),
        row("pledges.csv", pledge_id="P7", donor="EU", donor_iso3="", amount="", currency="", pledged_date="2023"),
    ]
    return dataset_from_tables(csv_bytes(t), today=pd.Timestamp("2026-11-25"))


def test_status_over_time_counts_at_each_date(ds):
    s = metrics.status_over_time(ds, ["2009-12-31", "2010-05-01", "2012-01-01", "2016-06-30", "2018-06-30", "2020-05-01"])
    assert list(s.columns) == ["date", "implemented", "partial", "unfulfilled", "not_assessed"]
    assert [d.date().isoformat() for d in s["date"]] == ["2009-12-31", "2010-05-01", "2012-01-01", "2016-06-30",
                                                          "2018-06-30", "2020-05-01"]
    assert s[["implemented", "partial", "unfulfilled", "not_assessed"]].to_numpy().tolist() == [
        [0, 0, 0, 0],  # nothing exists before the first review
        [0, 0, 0, 1],
        [0, 1, 0, 0],  # C1-98.16: one of two criteria met
        [0, 1, 1, 0],  # D001 exists from 2015 and is assessed unfulfilled in 2016
        [1, 0, 1, 0],
        [1, 0, 1, 1],  # C3-GBR-1 from its review, without evidence
    ]
    assert [str(t) for t in s.dtypes.iloc[1:]] == ["int64"] * 4  # counts, never 1.0
    nothing = metrics.status_over_time(ds, ["2010-01-01", "2020-05-01"], theme="no-such-theme")
    assert nothing[["implemented", "partial", "unfulfilled", "not_assessed"]].to_numpy().tolist() == [[0] * 4] * 2
    by_kind = metrics.status_over_time(ds, ["2020-05-01"], kind="demand")
    assert by_kind[["implemented", "partial", "unfulfilled", "not_assessed"]].to_numpy().tolist() == [[0, 0, 1, 0]]
    assert metrics.status_over_time(ds, ["2020-05-01"], cycle=1)["implemented"].tolist() == [1]


def test_period_dates_are_year_ends_unless_asked():
    assert [d.date().isoformat() for d in metrics.period_dates("2019-06-30", "2020-12-31")] == [
        "2019-06-30", "2019-12-31", "2020-12-31"]


@pytest.mark.parametrize("start,end,every,expected", [
    ("2020-01-15", "2020-04-10", "month", ["2020-01-15", "2020-01-31", "2020-02-29", "2020-03-31", "2020-04-10"]),
    ("2019-06-30", "2021-12-31", "year", ["2019-06-30", "2019-12-31", "2020-12-31", "2021-12-31"]),
    ("2020-03-31", "2020-09-30", "quarter", ["2020-03-31", "2020-06-30", "2020-09-30"]),
    ("2020-05-05", "2020-05-05", "year", ["2020-05-05"]),
])
def test_period_dates(start, end, every, expected):
    assert [d.date().isoformat() for d in metrics.period_dates(start, end, every)] == expected


def test_published_tallies_as_published(ds):
    assert [t["tally_id"] for t in metrics.published_tallies(ds)] == ["T1", "T2", "T3"]
    assert [t["tally_id"] for t in metrics.published_tallies(ds, as_of="2022-12-31")] == ["T1", "T3"]
    assert [t["tally_id"] for t in metrics.published_tallies(ds, cycle=3)] == ["T1", "T2"]
    assert [t["tally_id"] for t in metrics.published_tallies(ds, cycle="3", scope="noted")] == ["T2"]
    t1, t2, t3 = metrics.published_tallies(ds)
    assert t1 == {"tally_id": "T1", "cycle": 3, "assessor": "Test coalition", "report_title": "Mid-term report",
                  "published_date": "2022-03", "known_from": "2022-03-31", "scope": "all", "source_id": "TEST1",
                  "source_ids": ["TEST1"], "note": None, "total": 10, "implemented": 1, "partial": 2, "unfulfilled": 3,
                  "not_assessed": 4}
    assert (t2["implemented"], t2["partial"], t2["unfulfilled"]) == (None, None, 3)  # unknown is not 0
    assert t3["source_ids"] == ["TEST1", "TEST1"] and t3["source_id"] == "TEST1" and t3["cycle"] == 1


def test_coverage_by_cycle(ds):
    from compliance.scoring import scored_items

    scored = scored_items(ds, "2022-12-31")
    cov = metrics.coverage_by_cycle(ds, scored, "2022-12-31")
    assert list(cov.columns) == ["cycle", "review_year", "review_date", "reviewed", "total_published", "itemised",
                                 "assessed", "implemented", "partial", "unfulfilled", "not_assessed", "searched",
                                 "tallies"]
    assert cov.astype(object).where(cov.notna(), None).to_dict("records") == [
        {"cycle": 1, "review_year": 2010, "review_date": "2010-05-01", "reviewed": True, "total_published": None,
         "itemised": 1, "assessed": 1, "implemented": 1, "partial": 0, "unfulfilled": 0, "not_assessed": 0,
         "searched": 0, "tallies": 1},
        {"cycle": 2, "review_year": 2015, "review_date": "2015-05-01", "reviewed": True, "total_published": None,
         "itemised": 0, "assessed": 0, "implemented": 0, "partial": 0, "unfulfilled": 0, "not_assessed": 0,
         "searched": 0, "tallies": 0},
        {"cycle": 3, "review_year": 2020, "review_date": "2020-05-01", "reviewed": True, "total_published": 266,
         "itemised": 1, "assessed": 0, "implemented": 0, "partial": 0, "unfulfilled": 0, "not_assessed": 1,
         "searched": 1, "tallies": 1},
        {"cycle": 4, "review_year": 2025, "review_date": "2025-05-01", "reviewed": False, "total_published": None,
         "itemised": 0, "assessed": 0, "implemented": 0, "partial": 0, "unfulfilled": 0, "not_assessed": 0,
         "searched": 0, "tallies": 0},
        {"cycle": 5, "review_year": 2030, "review_date": "2030-05", "reviewed": False, "total_published": None,
         "itemised": 0, "assessed": 0, "implemented": 0, "partial": 0, "unfulfilled": 0, "not_assessed": 0,
         "searched": 0, "tallies": 0},
    ]
    # before the review of cycle 3 its published total is not shown, nor its tally, nor the search
    early = metrics.coverage_by_cycle(ds, scored_items(ds, "2020-04-30"), "2020-04-30").set_index("cycle")
    assert not early.at[3, "reviewed"] and early.at[3, "total_published"] is None and early.at[3, "tallies"] == 0
    assert metrics.demand_coverage(ds, scored, "2022-12-31") == {"demands": 2, "assessed": 1, "searched": 1,
                                                                 "not_looked": 0}
    # D002 has no status; it was searched for in October 2021
    for day, searched in (("2021-09-30", 0), ("2021-10-01", 1)):
        assert metrics.demand_coverage(ds, scored_items(ds, day), day) == {
            "demands": 2, "assessed": 1, "searched": searched, "not_looked": 1 - searched}
    # on the day of the review a cycle is reviewed; a search made later is not counted earlier
    on_day = metrics.coverage_by_cycle(ds, scored_items(ds, "2020-12-31"), "2020-12-31").set_index("cycle")
    assert on_day.at[3, "reviewed"] and (on_day.at[3, "not_assessed"], on_day.at[3, "searched"]) == (1, 0)
    assert metrics.coverage_by_cycle(ds, scored_items(ds, "2020-05-01"), "2020-05-01").set_index("cycle").at[3, "reviewed"]
    first = metrics.coverage_by_cycle(ds, scored_items(ds, "2010-06-01"), "2010-06-01").set_index("cycle")
    assert (first.at[1, "not_assessed"], first.at[1, "searched"]) == (1, 0)  # not assessed, and nobody looked


def test_coverage_in_words():
    cov = pd.DataFrame([
        {"cycle": 1, "review_year": 2010, "review_date": "2010-05-12", "reviewed": True, "total_published": 93,
         "itemised": 93, "assessed": 40, "tallies": 0},
        {"cycle": 2, "review_year": 2015, "review_date": "2015-05-04", "reviewed": True, "total_published": None,
         "itemised": 0, "assessed": 0, "tallies": 2},
        {"cycle": 3, "review_year": 2020, "review_date": "2020-11-11", "reviewed": True, "total_published": 266,
         "itemised": 0, "assessed": 0, "tallies": 0},
        {"cycle": 4, "review_year": 2025, "review_date": None, "reviewed": False, "total_published": None,
         "itemised": 0, "assessed": 0, "tallies": 0},
    ])
    assert metrics.coverage_lines(cov, as_of="2024-01-01") == [
        "Cycle 1 (2010): 93 received; 93 itemised here, 40 with a status",
        "Cycle 2 (2015): total received unknown; none itemised here yet; a published tally of the cycle is on the Overview",
        "Cycle 3 (2020): 266 received; none itemised here yet",
        "Cycle 4 (2025): not yet reviewed as of 2024-01-01 (review date unknown)",
    ]
    cov.loc[3, "review_date"] = "2025-05"
    assert metrics.coverage_lines(cov, "Norway", "2024-01-01") == [
        "Cycle 1 (2010): 93 received in all; 93 itemised here for Norway, 40 with a status",
        "Cycle 2 (2015): total received unknown; none itemised here for Norway yet; a published tally of the cycle is on "
        "the Overview",
        "Cycle 3 (2020): 266 received in all; none itemised here for Norway yet",
        "Cycle 4 (2025): not yet reviewed as of 2024-01-01 (review 2025-05)",
    ]


def test_what_a_status_rests_on_in_words(ds):
    searches = metrics.latest_searches(ds, "2026-01-01")
    assert list(searches.index) == ["C3-GBR-1", "D002"] and searches.at["C3-GBR-1", "search_id"] == "ES2"
    assert metrics.latest_searches(ds, "2021-06-30").at["C3-GBR-1", "search_id"] == "ES1"
    assert metrics.latest_searches(ds, "2021-01-09").empty
    scored = pd.DataFrame({"item_id": ["A", "B", "C3-GBR-1", "D"], "basis": ["assessment", "evidence", "none", "none"],
                           "assessor": ["Viasna", None, None, None]})
    assert metrics.basis_text(scored, searches).tolist() == [
        "assessment by Viasna", "evidence", "searched on 2022-02-02: what was found was not enough to judge",
        "not looked into yet"]
    nothing = metrics.latest_searches(ds, "2021-06-30")
    one = metrics.basis_text(scored.iloc[2:3], nothing)
    assert one.tolist() == ["searched on 2021-01-10: no public information found"] and one.index.tolist() == [2]


def test_with_rates_adds_rates_to_a_copy():
    series = pd.DataFrame({"implemented": [1], "partial": [1], "unfulfilled": [0], "not_assessed": [3]})
    out = metrics.with_rates(series)
    assert out.loc[0, ["assessed", "implementation_rate", "weighted_score"]].tolist() == [2, 0.5, 0.75]
    assert list(series.columns) == ["implemented", "partial", "unfulfilled", "not_assessed"]


def test_a_states_own_icc_position_is_the_strongest_it_has_taken(ds):
    p = metrics.icc_positions(ds, "2026-01-01")
    assert list(p.columns) == ["actor_iso3", "actor", "position", "event_date", "event_id", "summary", "source_ids"]
    # Lithuania referred, then met to discuss: still 'referred'; Poland discussed, rejected, then supported publicly;
    # Latvia's undated event is left out; calls on Germany and Czechia are no position of theirs
    # of the same position the latest is shown (then the later id on the same day)
    assert p[["actor_iso3", "position", "event_id"]].to_numpy().tolist() == [
        ["LTU", "referred", "I12"], ["POL", "publicly_supports", "I4"]]
    early = metrics.icc_positions(ds, "2024-11-30")
    assert early[["actor_iso3", "position", "event_id"]].to_numpy().tolist() == [
        ["LTU", "referred", "I1"], ["POL", "in_discussion", "I3"]]  # in discussion ranks above rejects
    assert metrics.OWN_POSITIONS == ("referred", "joined", "publicly_supports", "in_discussion", "rejects")


def test_icc_calls_and_court_steps(ds):
    calls = metrics.icc_calls(ds, "2026-01-01")
    assert list(calls.columns) == ["actor_iso3", "actor", "event_date", "event_id", "summary", "source_ids"]
    assert calls[["actor_iso3", "event_id"]].to_numpy().tolist() == [["CZE", "I7"], ["DEU", "I8"], ["DEU", "I6"]]
    assert metrics.icc_calls(ds, "2024-10-31")["event_id"].tolist() == ["I8", "I7"][::-1]
    steps = metrics.court_steps(ds, "2026-01-01")
    assert steps["event_id"].tolist() == ["I10", "I9"] and list(steps.index) == [0, 1] and "index" not in steps.columns
    assert metrics.court_steps(ds, "2024-11-29")["event_id"].tolist() == ["I10"]  # 2024-11 counts from its end
    # the undated event counts from its source's publication (2020)
    assert metrics.icc_events(ds, "2024-10-02")["event_id"].tolist() == ["I1", "I3", "I5", "I10"]


@pytest.mark.parametrize("options,expected", [
    ({}, ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]),
    ({"as_of": "2022-12-30"}, ["P1"]),
    ({"kinds": ["pledge"]}, ["P1", "P2", "P3", "P5", "P6", "P7"]),
    ({"kinds": ("cumulative",)}, ["P4"]),
    ({"accountability_only": True}, ["P1", "P3", "P4", "P5", "P6", "P7"]),
    ({"donor_iso3": "SWE"}, ["P3", "P4"]),
    ({"donor_iso3": "SWE", "kinds": ["pledge"], "as_of": "2022-12-31"}, ["P3"]),
])
def test_pledges_by_date_kind_purpose_and_donor(ds, options, expected):
    options = dict(options)
    as_of = options.pop("as_of", "2026-01-01")
    assert metrics.pledges(ds, as_of, **options)["pledge_id"].tolist() == expected


def test_pledge_totals_per_donor_and_currency(ds):
    p = metrics.pledges(ds, "2026-01-01")
    t = metrics.pledge_totals(p, by="donor")
    rows = sorted(t.astype(object).where(t.notna(), None).to_dict("records"), key=lambda r: (r["donor"], str(r["currency"])))
    assert rows == [
        {"donor": "EU", "currency": "EUR", "amount": 7.0, "pledges": 1, "without_amount": 0},
        {"donor": "EU", "currency": None, "amount": None, "pledges": 0, "without_amount": 1},
        {"donor": "Norway", "currency": "EUR", "amount": 100.0, "pledges": 1, "without_amount": 0},
        {"donor": "Norway", "currency": "NOK", "amount": 50.0, "pledges": 1, "without_amount": 0},
        {"donor": "Norway", "currency": None, "amount": None, "pledges": 0, "without_amount": 1},
        {"donor": "Sweden", "currency": None, "amount": None, "pledges": 0, "without_amount": 1},
    ]
    total = metrics.pledge_totals(p)
    assert total[total["currency"] == "EUR"][["amount", "pledges"]].to_numpy().tolist() == [[107.0, 2]]
    assert total["without_amount"].tolist() == [0, 0, 3]
    assert list(total.index) == [0, 1, 2] and list(t.index) == list(range(6))
    # a donor without a state code is a donor too
    by_code = metrics.pledge_totals(p, by="donor_iso3")
    by_code = by_code.astype(object).where(by_code.notna(), None)
    assert sorted(map(tuple, by_code[["donor_iso3", "currency", "pledges", "without_amount"]].to_numpy().tolist()),
                  key=str) == sorted([(None, "EUR", 1, 0), ("NOR", "EUR", 1, 0), ("NOR", "NOK", 1, 0), (None, None, 0, 1),
                                      ("NOR", None, 0, 1), ("SWE", None, 0, 1)], key=str)


def test_theme_cycle_table_keeps_every_cycle_asked_for():
    df = frame(["implemented", "partial"], themes=[["a"], ["a"]], cycles=[1, 1])
    t = metrics.theme_cycle_table(df, cycles=[1, 2]).set_index(["theme", "cycle"])
    assert list(t.index) == [("a", 1), ("a", 2)]
    assert t.loc[("a", 2), ["implemented", "partial", "unfulfilled", "not_assessed", "total", "assessed"]].tolist() == [0] * 6
    assert pd.isna(t.loc[("a", 2), "weighted_score"])
    assert t.loc[("a", 1), "weighted_score"] == pytest.approx(0.75)
    empty = metrics.theme_cycle_table(frame(["implemented"], themes=[[]]))
    assert empty.empty and list(empty.columns) == ["theme", "cycle", "implemented", "partial", "unfulfilled",
                                                   "not_assessed", "total", "assessed", "implementation_rate",
                                                   "weighted_score"]
    demands = frame(["implemented"], themes=[["a"]])
    demands["kind"] = "demand"
    assert metrics.theme_cycle_table(demands).empty


YEARS = {1: 2010, 2: 2015, 3: 2020, 4: 2025}


def test_recurrence_table_without_recurrences_and_with_demands_only():
    df = frame(["implemented", "partial"])
    df["recurrence_id"] = [None, None]
    rec = pd.DataFrame({"recurrence_id": ["dp"], "label": ["Moratorium"]})
    empty = metrics.recurrence_table(df, rec, YEARS)
    assert empty.empty and list(empty.columns) == ["ask", "asked in cycles", "demands", "cycle 1", "cycle 2", "cycle 3",
                                                   "cycle 4"]
    df["recurrence_id"] = ["dp", None]
    df["kind"] = ["demand", "recommendation"]
    t = metrics.recurrence_table(df, rec, YEARS).iloc[0]
    assert (t["ask"], t["asked in cycles"], t["demands"], t["cycle 1"]) == ("Moratorium", "–", 1, "–")


def test_a_cycle_without_a_review_date_says_so():
    """A cycle not yet reviewed whose date is not given says 'review date unknown' (it said 'review nan')."""
    from factory import base_tables, csv_bytes, row

    from compliance.data import dataset_from_tables
    from compliance.scoring import scored_items

    t = base_tables()
    t["cycles.csv"].append(row("cycles.csv", review_date=""))  # known from its source (2020), date not given
    undated = dataset_from_tables(csv_bytes(t))
    cov = metrics.coverage_by_cycle(undated, scored_items(undated, "2019-01-01"), "2019-01-01")
    assert metrics.coverage_lines(cov, as_of="2019-01-01")[-1] == (
        "Cycle 5 (2030): not yet reviewed as of 2019-01-01 (review date unknown)")


def test_recurrence_table_lists_each_status_of_a_cycle_and_counts_demands_as_numbers():
    df = frame(["unfulfilled", "partial", "implemented"], cycles=[1, 1, 2])
    df["recurrence_id"] = ["dp", "dp", "fp"]
    rec = pd.DataFrame({"recurrence_id": ["dp", "fp"], "label": ["Moratorium", "Free press"]})
    t = metrics.recurrence_table(df, rec, YEARS).set_index("ask")
    assert t.at["Moratorium", "cycle 1"] in ("1× unfulfilled, 1× partially implemented",
                                             "1× partially implemented, 1× unfulfilled")
    assert t["demands"].tolist() == [0, 0] and str(t["demands"].dtype) == "int64"
    assert t.at["Free press", "asked in cycles"] == "2 (2015)" and t.at["Free press", "cycle 1"] == "–"


def test_cycle_years_come_from_cycles_csv(shipped):
    assert metrics.cycle_years(shipped) == {1: 2010, 2: 2015, 3: 2020, 4: 2025}
    from factory import base_tables, csv_bytes, row

    from compliance.data import dataset_from_tables

    t = base_tables()
    t["cycles.csv"].append(row("cycles.csv"))  # a fifth cycle appears once cycles.csv has it
    years = metrics.cycle_years(dataset_from_tables(csv_bytes(t)))
    assert years[5] == 2030 and all(isinstance(k, int) and isinstance(v, int) for k, v in years.items())
