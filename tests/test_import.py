"""Importing UPR Info and UHRI exports: each kind of mess, each kind of error with its row, idempotent
re-import, updates reported, the shipped Belarus export merging into the 93 first-cycle recommendations."""

from __future__ import annotations

import json
import shutil
import time

import pandas as pd
import pytest

from compliance.cli import main
from compliance.countries import split_states, to_iso3
from compliance.data import load_dataset
from compliance.importer import ImportFormatError, plan_import, session_to_cycle, text_key
from conftest import ROOT

FIX = ROOT / "tests" / "fixtures"


@pytest.fixture
def data(tmp_path):
    """A private copy of the shipped data folder to import into."""
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    return root


def run_import(capsys, data, *args):
    code = main(["import", "--data", str(data), *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name,iso3", [
    ("Palestine", "PSE"), ("Holy See", "VAT"), ("Republic of Korea", "KOR"), ("Czech Republic", "CZE"),
    ("United Kingdom of Great Britain and Northern Ireland", "GBR"), ("DPR Korea", "PRK"), ("Libyan Arab Jamahiriya", "LBY"),
    ("  Norway ", "NOR"), ("C&ocirc;te d&#39;Ivoire", "CIV"), ("Korea, Republic of", "KOR"), ("Atlantis", None), ("", None),
])
def test_state_names(name, iso3):
    assert to_iso3(name) == iso3


def test_several_states_in_one_cell():
    assert [to_iso3(s) for s in split_states("- Lithuania\n- Czechia")] == ["LTU", "CZE"]
    assert [to_iso3(s) for s in split_states("Palestine; Norway")] == ["PSE", "NOR"]
    assert [to_iso3(s) for s in split_states("Korea, Republic of")] == ["KOR"]


@pytest.mark.parametrize("session,cycle", [(1, 1), (8, 1), (12, 1), (13, 2), (22, 2), (26, 2), (27, 3), (36, 3), (40, 3), (41, 4), (50, 4)])
def test_sessions_map_to_cycles(session, cycle):
    assert session_to_cycle(session) == cycle


def test_text_key_survives_mess():
    assert text_key("Abolish the death penalty ") == text_key("abolish  the death&nbsp;penalty.") == text_key("Abolish\r\nthe Death Penalty")
    assert text_key("Abolish the death penalty") != text_key("Abolish the death penalty now")


def test_shipped_export_merges_into_the_93_recommendations(capsys, data):
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    code, out, _ = run_import(capsys, data, FIX / "uprinfo_export_belarus_session8.csv", "--json")
    report = json.loads(out)
    assert code == 0
    assert report["rows_read"] == 169 and report["recommendations"] == 93 and report["states"] == 47
    assert report["unchanged"] == 169 and report["added_recommendations"] == 0 and report["updated"] == []
    # counted per recommendation as merged (UPR Info words a paragraph differently for each state)
    assert report["responses"] == {"supported": 73, "noted": 19, "partially_supported": 1}
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before  # nothing changed on disk


def test_dry_run_json_keys_and_nothing_written(capsys, data):
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    code, out, _ = run_import(capsys, data, FIX / "uprinfo_multi.csv", "--dry-run", "--json")
    report = json.loads(out)
    assert code == 0
    assert {"rows_read", "recommendations", "states", "errors"} <= set(report)
    assert report["rows_read"] == 2 and report["rows_for_other_states"] == 1
    assert report["recommendations"] == 1 and report["states"] == 2
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before


@pytest.mark.slow
@pytest.mark.parametrize("fixture,expected_states,expected_response", [
    ("uprinfo_cr_cp1252.csv", {"CZE", "KOR"}, {"supported", "noted"}),
    ("uprinfo_macroman.csv", {"FRA"}, {"supported"}),
    ("uprinfo_bom.csv", {"VAT"}, {"noted"}),
    ("uprinfo_multi.csv", {"PSE", "GBR"}, {"unknown"}),
])
def test_messy_files_import_and_reimport_changes_nothing(capsys, data, fixture, expected_states, expected_response):
    code, out, _ = run_import(capsys, data, FIX / fixture, "--json")
    report = json.loads(out)
    assert code == 0 and report["applied"] and report["errors"] == []
    ds = load_dataset(data)
    new = ds.recommendation_states[ds.recommendation_states["source_ids"].str.startswith("IMPORT-")]
    assert set(new["state_iso3"]) == expected_states
    assert set(new["response"]) == expected_response
    texts = set(ds.recommendations.loc[ds.recommendations["recommendation_id"].isin(new["recommendation_id"]), "summary"])
    assert all("&amp;" not in t and not t.endswith(" ") for t in texts)
    if fixture == "uprinfo_cr_cp1252.csv":
        assert "Test ask one & its café clause" in texts
    if fixture == "uprinfo_macroman.csv":
        assert "Test ask élève" in texts
    if fixture == "uprinfo_multi.csv":
        assert "Test ask on two\nlines" in texts
    snapshot = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    code, out, _ = run_import(capsys, data, FIX / fixture, "--json")
    again = json.loads(out)
    assert again["added_recommendations"] == 0 and again["added_state_rows"] == 0 and again["updated"] == []
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == snapshot


@pytest.mark.slow
def test_newer_export_updates_and_reports(capsys, data, tmp_path):
    newer = pd.read_csv(FIX / "uprinfo_export_belarus_session8.csv", dtype=str, keep_default_na=False)
    idx = newer.index[(newer["From"] == "Brazil") & newer["Text"].str.startswith("Ratify the Second Optional")][0]
    newer.loc[idx, "Response"] = "Accepted"  # a (fictional) change of response
    path = tmp_path / "newer.csv"
    newer.to_csv(path, index=False)
    code, out, _ = run_import(capsys, data, path, "--json")
    report = json.loads(out)
    assert code == 0 and len(report["updated"]) == 1
    u = report["updated"][0]
    assert u["recommendation_id"] == "C1-98.1" and u["state_iso3"] == "BRA" and u["response"] == {"from": "noted", "to": "supported"}
    ds = load_dataset(data)
    rec = ds.recommendations.set_index("recommendation_id").loc["C1-98.1"]
    assert rec["response"] == "partially_supported"  # Italy's row is still noted
    log = (data / "audit.log").read_text().splitlines()
    assert any("recommendation_states.csv" in line and '"rows_changed": 1' in line for line in log)


@pytest.mark.slow
def test_uhri_xlsx(capsys, data):
    code, out, _ = run_import(capsys, data, FIX / "uhri_export.xlsx", "--json")
    report = json.loads(out)
    assert code == 0 and report["format"] == "uhri" and report["rows_for_other_states"] == 1
    assert "Something entirely unmapped" in report["unmapped"]
    ds = load_dataset(data)
    recs = ds.recommendations.set_index("recommendation_id")
    assert recs.at["C3-127.35", "paragraph"] == "127.35" and recs.at["C3-127.35", "response"] == "noted"
    assert "death-penalty" in recs.at["C3-127.35", "themes"]
    st = ds.recommendation_states
    assert set(st.loc[st["recommendation_id"] == "C3-127.35", "state_iso3"]) == {"LTU", "CZE"}
    code, out, _ = run_import(capsys, data, FIX / "uhri_export.xlsx", "--json")
    assert json.loads(out)["added_state_rows"] == 0


def test_errors_name_the_row_and_import_nothing(capsys, data):
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    code, out, _ = run_import(capsys, data, FIX / "uprinfo_errors.csv", "--json")
    report = json.loads(out)
    assert code == 1 and not report["applied"]
    by_row = {(e["row"], e["field"]) for e in report["errors"]}
    assert by_row == {(1, "From"), (2, "Issue"), (3, "Session")}
    assert any("Atlantis" in e["message"] for e in report["errors"])
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before


@pytest.mark.slow
def test_skip_invalid_imports_the_valid_rows_and_says_which_were_left_out(capsys, data):
    code, out, _ = run_import(capsys, data, FIX / "uprinfo_errors.csv", "--skip-invalid")
    assert code == 0
    assert "rows left out: 1, 2, 3" in out
    ds = load_dataset(data)
    assert ds.recommendations["summary"].eq("Test ask D").sum() == 1


@pytest.mark.parametrize("fixture,message", [
    ("empty.csv", "empty.csv is empty"),
    ("wrong_format.csv", "unrecognised header"),
    ("binary.bin", "binary"),
])
def test_unreadable_files_get_one_line(capsys, data, fixture, message):
    code, out, err = run_import(capsys, data, FIX / fixture)
    assert code == 2 and message in err and "Traceback" not in err and err.count("\n") == 1


def test_format_mismatch(capsys, data):
    code, _, err = run_import(capsys, data, FIX / "uhri_export.xlsx", "--format", "uprinfo")
    assert code == 2 and "is not a uprinfo export" in err


@pytest.mark.slow
def test_large_export_imports_in_seconds(data, tmp_path):
    """Tens of thousands of rows for many states under review (timing is printed, not asserted)."""
    base = pd.read_csv(FIX / "uprinfo_export_belarus_session8.csv", dtype=str, keep_default_na=False)
    states = ["Poland", "Norway", "France", "Chile", "Kenya", "Japan", "Brazil", "Canada", "India", "Mexico"] * 12
    big = pd.concat([base.assign(To=s, Text=base["Text"] + f" ({i})") for i, s in enumerate(states)] + [base], ignore_index=True)
    path = tmp_path / "big.csv"
    big.to_csv(path, index=False)
    ds = load_dataset(data)
    started = time.perf_counter()
    plan = plan_import(ds, path.read_bytes(), name="big.csv")
    elapsed = time.perf_counter() - started
    print(f"\nimport of {len(big)} rows: {elapsed:.2f} s")
    assert plan.report.rows_read == len(big) > 20_000
    assert plan.report.rows_for_other_states == len(big) - 169
    assert plan.report.unchanged == 169
