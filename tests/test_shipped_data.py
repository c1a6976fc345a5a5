"""Integrity of the shipped dataset in data/. Each test asserts how much it checked, so none can pass by
checking nothing."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict

import pandas as pd
import pycountry
from conftest import ROOT

from compliance.data import FILES, split_list
from compliance.schema import spec as schema_spec

DATA = ROOT / "data"


def test_every_file_validates_and_is_not_empty(shipped):
    assert len(shipped.frames) == len(FILES) == 21
    empty = [name for name, df in shipped.frames.items() if df.empty]
    assert empty == []
    assert shipped.row_count > 900


def test_readme_documents_every_column_and_no_more():
    readme = (DATA / "README.md").read_text()
    sections = dict(re.findall(r"^## (\S+\.csv)[^\n]*\n(.*?)(?=^## |\Z)", readme, re.S | re.M))
    checked = 0
    for spec in FILES:
        assert spec.name in sections, f"{spec.name} has no section in data/README.md"
        documented = set(re.findall(r"^\| `([a-z0-9_]+)`", sections[spec.name], re.M))
        documented |= {c for cell in re.findall(r"^\| (`[a-z_]+`(?:, `[a-z_]+`)+) \|", sections[spec.name], re.M)
                       for c in re.findall(r"`([a-z_]+)`", cell)}
        header = next(csv.reader(open(DATA / spec.name, encoding="utf-8")))
        assert set(header) == documented, (spec.name, set(header) ^ documented)
        checked += len(header)
    assert checked > 100


def test_first_cycle_has_all_93_paragraphs(shipped):
    recs = shipped.recommendations
    c1 = recs[recs["cycle"] == 1]
    expected = {f"97.{i}" for i in range(1, 56)} | {f"98.{i}" for i in range(1, 39)}
    assert set(c1["paragraph"]) == expected and len(c1) == 93
    assert (c1["recommendation_id"] == "C1-" + c1["paragraph"]).all()
    assert c1["summary"].str.len().between(20, 300).all()
    assert c1["source_ids"].str.contains("S01").all() and c1["source_ids"].str.contains("UPRINFO-S8").all()


def test_first_cycle_responses_match_the_uprinfo_export(shipped):
    recs = shipped.recommendations.set_index("recommendation_id")
    c1 = recs[recs["cycle"] == 1]
    assert Counter(c1["response"]) == {"supported": 73, "noted": 19, "partially_supported": 1}
    assert (c1.loc[c1["paragraph"].str.startswith("97."), "response"] == "supported").all()
    assert c1.at["C1-98.3", "response"] == "partially_supported"
    states = shipped.recommendation_states
    s1 = states[states["recommendation_id"].str.startswith("C1-")]
    export = list(csv.DictReader(open(ROOT / "tests" / "fixtures" / "uprinfo_export_belarus_session8.csv", encoding="utf-8")))
    assert len(s1) == len(export) == 169
    assert Counter(s1["response"]) == {"supported": Counter(r["Response"] for r in export)["Accepted"],
                                       "noted": Counter(r["Response"] for r in export)["Noted"]}
    assert Counter(s1["action_category"].astype(int)) == Counter(int(r["Action"]) for r in export)


def test_recommending_states_are_real_iso3(shipped):
    codes = set(shipped.recommendation_states["state_iso3"])
    assert len(codes) >= 47
    assert all(pycountry.countries.get(alpha_3=c) for c in codes)
    per_rec = shipped.recommendation_states.groupby("recommendation_id")["state_iso3"].apply(set)
    assert per_rec["C1-98.16"] == {"BRA", "LTU", "ITA", "ESP", "CHE"}
    assert per_rec["C1-98.17"] == {"AUT", "HUN", "NOR", "IRL", "NLD", "CZE", "BEL", "FIN", "FRA"}


def test_every_row_cites_sources_that_exist(shipped):
    known = set(shipped.sources["source_id"])
    cited = 0
    for name, df in shipped.frames.items():
        if "source_ids" not in df.columns:
            continue
        if schema_spec(name).required("source_ids"):
            assert df["source_ids"].notna().all(), name
        for value in df["source_ids"].dropna():
            ids = split_list(value)
            assert ids and set(ids) <= known, (name, value)
            cited += 1
    assert cited >= 500
    assert shipped.sources["url"].str.match(r"^https?://").all()


def test_cycles_and_published_tallies(shipped):
    cyc = shipped.cycles.set_index("cycle")
    assert list(cyc.index) == [1, 2, 3, 4]
    assert cyc.at[1, "total_recommendations"] == 93 and cyc.at[3, "total_recommendations"] == 266
    # unknown stays unknown
    assert pd.isna(cyc.at[2, "total_recommendations"]) and pd.isna(cyc.at[4, "total_recommendations"])
    assert pd.isna(cyc.at[3, "report_symbol"])
    t = shipped.tallies.set_index("tally_id")
    row = t[(t["source_ids"] == "S06") & (t["scope"] == "all")].iloc[0]
    assert [int(row[k]) for k in ("total", "implemented", "partial", "unfulfilled", "not_assessed")] == [266, 2, 24, 226, 14]
    # published parts never exceed their total
    for _, r in t.iterrows():
        parts = [r[k] for k in ("implemented", "partial", "unfulfilled", "not_assessed") if pd.notna(r[k])]
        if pd.notna(r["total"]):
            assert sum(parts) <= r["total"], r.name


def test_demands_from_the_seeds(shipped):
    d = shipped.demands.set_index("demand_id")
    assert list(d.index) == [f"D{i:03d}" for i in range(1, 32)]
    seeds = {f"SEED00{i}" for i in range(5)}
    from_seeds = d[d["source_ids"].map(lambda v: bool(set(split_list(v)) & seeds))]
    assert len(from_seeds) >= 20
    assert "moratorium" in d.at["D011", "summary"].lower() and "Viasna" in d.at["D009", "summary"]


def test_icc_history(shipped):
    ev = shipped.icc_events
    assert not (ev["position"] == "joined").any()  # no state other than Lithuania has joined
    ref = ev[ev["position"] == "referred"]
    assert set(ref["actor_iso3"]) == {"LTU"} and "2024-09-30" in set(ref["event_date"])
    assert set(ev.loc[ev["position"] == "court_step", "event_date"]) >= {"2024-09-30", "2026-03-12"}
    assert ev.loc[ev["position"].isin(["referred", "publicly_supports", "in_discussion", "urged_to_join"]), "actor_iso3"].notna().all()


def test_pledges_keep_their_currency(shipped):
    p = shipped.pledges
    assert len(shipped.table("pledges.csv")) == 39 and len(p) == 37  # P014 (source unreachable), P035 (not about Belarus)
    with_amount = p[p["amount"].notna()]
    assert with_amount["currency"].notna().all()
    assert set(with_amount["currency"]) <= {c.alpha_3 for c in pycountry.currencies}
    nor = p.set_index("pledge_id").loc["P001"]
    assert (nor["amount"], nor["currency"], nor["accountability"]) == (4_000_000, "NOK", "yes")


def test_observations_are_dated_in_the_past_and_evidence_is_real(shipped):
    obs = shipped.observations
    assert len(obs) > 100
    assert (obs["observed_date_start"] <= pd.Timestamp.today()).all()
    links = defaultdict(set)
    for _, r in shipped.item_criteria.iterrows():
        links[r["criterion_id"]].add(r["item_id"])
    # no empty criterion: each judges an item or keeps the evidence recorded for it (a criterion the standard of
    # 2026-12 unlinked, e.g. icrmw-ratified for a "consider" ask, keeps its observations as facts)
    recorded = set(shipped.table("observations.csv")["criterion_id"])
    assert set(shipped.criteria["criterion_id"]) == set(links) | recorded
    assert len(set(links) - recorded) <= 5  # criteria the standard added that no source has spoken to yet


def test_no_synthetic_content_in_data():
    checked = 0
    for path in DATA.glob("*.csv"):
        text = path.read_text(encoding="utf-8").lower()
        assert not re.search(r"lorem ipsum|synthetic|placeholder", text), path.name
        checked += 1
    assert checked == len(FILES)


def test_every_shipped_file_is_in_the_one_canonical_form_writers_produce(shipped):
    """Every writer serialises through frame_to_csv; a file in another form (CRLF, extra quotes, '1.0') would make
    the next write rewrite every line and hide the real change in the diff."""
    from compliance.store import frame_to_csv

    checked = 0
    for spec in FILES:
        assert frame_to_csv(shipped.table(spec.name), spec.name) == (DATA / spec.name).read_bytes(), spec.name
        checked += 1
    assert checked == len(FILES)
