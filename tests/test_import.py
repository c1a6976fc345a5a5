"""Importing UPR Info and UHRI exports: each kind of mess, each kind of error with its row, idempotent
re-import, updates reported, the shipped Belarus export merging into the 93 first-cycle recommendations."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from datetime import date

import pandas as pd
import pytest
from conftest import ROOT
from factory import csv_text, import_target

from compliance.cli import main
from compliance.countries import split_states, to_iso3
from compliance.data import load_dataset
from compliance.importer import infer_ask_kind, plan_import, session_to_cycle, text_key

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
    assert (text_key("Abolish the death penalty ") == text_key("abolish  the death&nbsp;penalty.")
            == text_key("Abolish\r\nthe Death Penalty"))
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


# --- planning an import, fast: a small dataset in memory, the file as bytes, nothing written ----------------------


@pytest.fixture(scope="module")
def small():
    """A small dataset to import into (factory.import_target)."""
    return import_target()


TODAY = date(2026, 11, 25)
UPRINFO_ROW = {"To": "Belarus", "To-Rgrp": "EEG", "To-Org": "", "Text": "Test ask", "From": "Norway", "From-Rgrp": "WEOG",
               "From-Org": "", "Response": "Supported", "Action": "4", "Issue": "Death penalty", "Session": "8"}


def uprinfo(*changes: dict, **options):
    """Plan a UPR Info export with one row per dict of changes to UPRINFO_ROW."""
    return plan_import(options.pop("ds"), csv_text([{**UPRINFO_ROW, **c} for c in changes] or [UPRINFO_ROW]),
                       name="export.csv", today=TODAY, **options)


def errors(plan) -> list[tuple]:
    return [(e["row"], e["field"], e["message"]) for e in plan.report.errors]


UPRINFO_ERRORS = [
    ({"From": "Atlantis"}, "From", "unknown state name 'Atlantis': add it to ALIASES in compliance/countries.py if it is a "
                                   "real state"),
    ({"From": ""}, "From", "no recommending state"),
    ({"Response": "Maybe"}, "Response", "unknown response 'Maybe': expected Supported, Noted, Accepted, Partially "
                                        "supported or empty"),
    ({"Response": "- Supported\n- Noted\n- Rejected\n- Accepted"}, "Response",
     "4 values (Supported; Noted; Rejected) where one is expected; keep one"),
    ({"Action": "7"}, "Action", "expected an action category 1-5; got '7'"),
    ({"Action": "0"}, "Action", "expected an action category 1-5; got '0'"),
    ({"Action": "four"}, "Action", "expected an action category 1-5; got 'four'"),
    ({"Issue": "Death penalty, Weather"}, "Issue", "unknown UPR Info issue 'Weather': add it to data/theme_map_uprinfo.csv"),
    ({"Session": "eighth"}, "Session", "expected a session number such as 36 or '36th Session'; got 'eighth'"),
    ({"Session": "0"}, "Session", "expected a session number such as 36 or '36th Session'; got '0'"),
    ({"Session": "1234"}, "Session", "expected a session number such as 36 or '36th Session'; got '1234'"),
    ({"Session": ""}, "Session", "expected a session number such as 36 or '36th Session'; got ''"),
    ({"Text": " "}, "Text", "recommendation text is empty"),
    ({"To": "Atlantis"}, "To", "unknown state under review 'Atlantis': add it to ALIASES in compliance/countries.py if "
                               "it is a real state"),
]


@pytest.mark.parametrize("change,field,message", UPRINFO_ERRORS, ids=[m for _, _, m in UPRINFO_ERRORS])
def test_each_row_error_names_its_row_column_and_fix(small, change, field, message):
    plan = uprinfo(UPRINFO_ROW, change, ds=small)
    assert errors(plan) == [(2, field, message)]
    assert plan.report.skipped_rows == [2] and plan.report.recommendations == 1


def test_a_session_against_the_cycle_given_is_an_error(small):
    plan = uprinfo({"Session": "22"}, ds=small, cycle=1)
    assert errors(plan) == [(1, "Session", "the file says cycle 2 (session 22) but --cycle says 1: remove --cycle, or "
                                           "check that this is the file you meant")]
    assert uprinfo({"Session": ""}, ds=small, cycle=3).report.cycles == [3]  # no session: the cycle given
    assert uprinfo({"Session": "22"}, ds=small, cycle=2).report.errors == []


@pytest.mark.parametrize("word,response", [
    *[(w, r) for w, r in [("Accepted", "supported"), ("supported", "supported"), ("Support", "supported"),
                          ("Noted", "noted"), ("Rejected", "noted"), ("Not accepted", "noted"),
                          ("Not supported", "noted"), ("Partially accepted", "partially_supported"),
                          ("Partially Supported", "partially_supported"), ("Supported / Noted", "partially_supported"),
                          ("accepted/noted", "partially_supported"),
                          ("Supported and considered implemented", "supported_implemented"),
                          ("Accepted and considered implemented", "supported_implemented"),
                          ("Already implemented", "supported_implemented"),
                          ("Supported, already implemented", "supported_implemented")]],
    *[(w, "unknown") for w in ["", "-", "--", "n/a", "NA", "Unknown", "not known", "None", "null", "?", " N/A "]],
])
def test_each_response_wording(small, word, response):
    plan = uprinfo({"Response": word}, ds=small)
    assert plan.report.errors == [] and plan.report.responses == {response: 1}
    assert plan.recommendation_states.iloc[-1]["response"] == response


@pytest.mark.parametrize("session,cycle", [("8", 1), ("8th session", 1), ("Session 8", 1), ("UPR 8", 1), ("WG 8", 1),
                                           ("8th", 1), ("22nd Session", 2), ("36 session", 3), ("41", 4),
                                           ("- 50th Session", 4), ("wg session 13", 2)])
def test_each_session_wording(small, session, cycle):
    plan = uprinfo({"Session": session}, ds=small)
    assert plan.report.errors == [] and plan.report.cycles == [cycle]
    assert plan.report.sessions == [int("".join(ch for ch in session if ch.isdigit()))]


@pytest.mark.parametrize("issue,themes,unmapped", [
    ("Death penalty", "death-penalty", []),
    ("death PENALTY", "death-penalty", []),
    ("Detention, Death penalty", "death-penalty;political-prisoners", []),
    ("Women's rights", None, []),  # an issue we know, mapped to no theme of ours
    ("", None, []),
    ("-", None, []),
])
def test_upr_info_issues_become_themes(small, issue, themes, unmapped):
    plan = uprinfo({"Issue": issue}, ds=small)
    assert plan.report.errors == [] and plan.report.unmapped == unmapped
    assert plan.changes()["recommendations.csv"].iloc[-1]["themes"] == themes


@pytest.mark.parametrize("action,expected", [("3", 3), ("5", 5), ("1", 1), ("", None), ("-", None), ("n/a", None)])
def test_upr_info_action_category(small, action, expected):
    plan = uprinfo({"Action": action}, ds=small)
    assert plan.report.errors == []
    got = plan.changes()["recommendation_states.csv"].iloc[-1]["action_category"]
    assert got == expected


def test_rows_about_other_states_are_counted_not_read(small):
    plan = uprinfo({}, {"To": "Poland"}, {"To": "Poland", "Text": "Another"}, {"To": "Lithuania"}, {"To": ""}, ds=small)
    r = plan.report
    assert (r.rows_read, r.rows_for_other_states, r.recommendations) == (5, 4, 1)
    assert r.other_states == {"POL": 2, "LTU": 1, "(none named)": 1}
    assert plan.refusal() is None


def test_a_new_recommendation_from_a_upr_info_row(small):
    plan = uprinfo({"Text": "Abolish the death penalty", "From": "Norway; Sweden", "Action": "5"}, ds=small)
    key = text_key("Abolish the death penalty")
    r = plan.report
    assert r.added_recommendations == [f"C1-T{key[:10]}"] and r.added_state_rows == 2 and r.states == 2
    assert (r.recommendations, r.responses, r.cycles, r.sessions, r.unchanged) == (1, {"supported": 1}, [1], [8], 0)
    changes = plan.changes()
    assert set(changes) == {"recommendations.csv", "recommendation_states.csv", "sources.csv"}
    digest = hashlib.sha1(csv_text([{**UPRINFO_ROW, "Text": "Abolish the death penalty", "From": "Norway; Sweden",
                                     "Action": "5"}])).hexdigest()[:8]
    source = f"IMPORT-UPRINFO-{digest}"
    assert changes["recommendations.csv"].iloc[-1].to_dict() == {
        "recommendation_id": f"C1-T{key[:10]}", "cycle": 1, "paragraph": None, "summary": "Abolish the death penalty",
        "themes": "death-penalty", "response": "supported", "recurrence_id": None, "source_ids": source,
        "note": "Text as given in the imported uprinfo file (export.csv).", "ask_kind": None, "judgement": None}
    states = changes["recommendation_states.csv"].iloc[-2:]
    assert states.to_dict("records") == [
        {"recommendation_id": f"C1-T{key[:10]}", "state_iso3": s, "response": "supported", "action_category": 5,
         "text_key": key, "source_ids": source} for s in ("NOR", "SWE")]
    assert changes["sources.csv"].iloc[-1].to_dict() == {
        "source_id": source, "producer": "UPR Info", "title": "UPR Info export imported from export.csv",
        "url": "https://www.upr-info.org/database/", "published_date": None, "accessed_date": "2026-11-25",
        "citation": f"UPR Info, export file export.csv (SHA-1 {digest}…), imported 2026-11-25, https://www.upr-info.org/database/",
        "note": "Imported with python -m compliance import."}
    assert len(changes["sources.csv"]) == 2 and len(changes["recommendations.csv"]) == 3


def test_the_report_as_json(small):
    d = uprinfo({"To": "Poland"}, {}, ds=small).report.as_dict()
    assert list(d) == ["file", "format", "state_under_review", "file_state", "dataset_state", "rows_read",
                       "rows_for_other_states", "other_states", "rows_not_upr", "recommendations", "states", "responses",
                       "cycles", "sessions", "errors", "warnings", "unmapped", "skipped_rows", "compared_with_dataset",
                       "added_recommendations", "added_state_rows", "updated", "unchanged", "assessments", "refused",
                       "applied"]
    assert (d["file"], d["format"], d["state_under_review"], d["dataset_state"], d["rows_read"]) == (
        "export.csv", "uprinfo", "BLR", "BLR", 2)
    assert (d["added_recommendations"], d["added_state_rows"], d["compared_with_dataset"], d["applied"]) == (1, 1, True, False)
    assert (d["file_state"], d["refused"], d["rows_not_upr"], d["other_states"]) == (None, None, 0, {"POL": 1})


MAP_ALL = {"paragraph": "Para", "text": "Text", "recommending_states": "States", "response": "Response",
           "cycle": "Cycle", "themes": "Themes"}
MAPPED_ROW = {"Para": "98.16", "Text": "Declare a moratorium", "States": "Brazil", "Response": "Noted", "Cycle": "1",
              "Themes": "death-penalty"}


def mapped(*changes: dict, mapping=None, **options):
    """Plan a coalition's own sheet, one row per dict of changes to MAPPED_ROW, read with `mapping`."""
    rows = [{**MAPPED_ROW, **c} for c in changes] or [MAPPED_ROW]
    return plan_import(options.pop("ds"), csv_text(rows), name="sheet.csv", today=TODAY, mapping=mapping or MAP_ALL,
                       **options)


def test_the_same_paragraph_and_state_changes_nothing(small):
    plan = mapped({}, {"States": "Lithuania"}, ds=small)
    r = plan.report
    assert (r.errors, r.unchanged, r.updated, r.added_recommendations, r.added_state_rows) == ([], 2, [], [], 0)
    assert (r.recommendations, r.states, r.responses) == (1, 2, {"noted": 1})
    assert plan.changes() == {} and plan.changed_tables == () and not plan.changed


def test_a_changed_response_is_an_update_and_the_paragraph_follows_its_states(small):
    plan = mapped({"Response": "Accepted"}, ds=small)
    r = plan.report
    assert r.updated == [{"recommendation_id": "C1-98.16", "state_iso3": "BRA", "row": 1,
                          "response": {"from": "noted", "to": "supported"}}]
    assert (r.unchanged, r.responses) == (0, {"supported": 1})
    changes = plan.changes()
    assert set(changes) == {"recommendations.csv", "recommendation_states.csv", "sources.csv"}
    bra = changes["recommendation_states.csv"].iloc[0]
    assert (bra["state_iso3"], bra["response"], bra["source_ids"]) == ("BRA", "supported",
                                                                      f"TEST1;{changes['sources.csv'].iloc[-1]['source_id']}")
    assert changes["recommendation_states.csv"].iloc[1]["response"] == "noted"  # Lithuania's row as it was
    # Brazil supported, Lithuania noted: the paragraph is partially supported
    assert changes["recommendations.csv"].iloc[0]["response"] == "partially_supported"
    assert changes["sources.csv"].iloc[-1][["producer", "url"]].tolist() == [
        "Researcher's spreadsheet", "https://www.ohchr.org/en/hr-bodies/upr"]
    assert changes["sources.csv"].iloc[-1]["title"] == "Researcher's spreadsheet table imported from sheet.csv"


def test_an_action_category_given_is_an_update(small):
    text = csv_text([{**UPRINFO_ROW, "Text": "Declare a moratorium", "From": "Brazil", "Response": "Rejected",
                      "Action": "3"}])
    first = plan_import(small, text, name="export.csv", today=TODAY)
    assert first.report.added_state_rows == 1  # UPR Info has no paragraph: a new recommendation by its text
    plan = mapped({"Response": "Noted"}, ds=small)
    assert plan.report.updated == []  # no action category in the sheet: nothing to compare


def test_a_state_new_to_a_known_paragraph_is_added_to_it(small):
    plan = mapped({"States": "Chile; Norway"}, ds=small)
    r = plan.report
    assert (r.added_recommendations, r.added_state_rows, r.unchanged) == ([], 2, 0)
    added = plan.changes()["recommendation_states.csv"].iloc[-2:]
    assert added[["recommendation_id", "state_iso3", "response"]].to_numpy().tolist() == [
        ["C1-98.16", "CHL", "noted"], ["C1-98.16", "NOR", "noted"]]
    assert added["text_key"].tolist() == [text_key("Declare a moratorium")] * 2


@pytest.mark.parametrize("change,rid", [
    ({"Para": "116.2", "Cycle": "3"}, "C3-116.2"),
    # C2-98.16 exists without a paragraph: the new id is made unique with the number of ids there were
    ({"Para": "98.16", "Cycle": "2"}, "C2-98.16-3"),
])
def test_a_new_paragraph_is_a_new_recommendation(small, change, rid):
    from factory import csv_bytes

    from compliance.data import dataset_from_tables

    tables = {t: small.table(t).astype(object).where(small.table(t).notna(), "").to_dict("records")
              for t in small.frames}
    tables["recommendations.csv"].append({"recommendation_id": "C2-98.16", "cycle": 2, "paragraph": "", "summary": "s",
                                          "response": "noted", "source_ids": "TEST1"})
    tables["recommendation_states.csv"].append({"recommendation_id": "C2-98.16", "state_iso3": "NOR", "source_ids": "TEST1"})
    ds = dataset_from_tables(csv_bytes(tables))
    plan = mapped(change, ds=ds)
    assert plan.report.added_recommendations == [rid]
    new = plan.changes()["recommendations.csv"].iloc[-1]
    assert (new["recommendation_id"], new["paragraph"], new["cycle"], new["themes"]) == (rid, change["Para"],
                                                                                         int(change["Cycle"]), "death-penalty")


def test_a_paragraph_read_differently_by_two_states_is_one_recommendation(small):
    plan = mapped({"Para": "116.2", "Cycle": "3", "States": "Chile", "Response": "Accepted"},
                  {"Para": "116.2", "Cycle": "3", "States": "Peru", "Text": "Declare a moratorium now", "Response": "Noted"},
                  ds=small)
    r = plan.report
    assert (r.recommendations, r.added_recommendations, r.added_state_rows) == (1, ["C3-116.2"], 2)
    assert r.responses == {"partially_supported": 1}
    assert plan.changes()["recommendations.csv"].iloc[-1]["summary"] == "Declare a moratorium"  # the first row's text


def test_a_file_imported_again_is_recognised_by_its_fingerprints(small):
    from compliance.data import dataset_from_tables

    text = csv_text([{**UPRINFO_ROW, "Text": "Abolish the death penalty"}])
    plan = plan_import(small, text, name="export.csv", today=TODAY)
    changes = plan.changes()
    after = dataset_from_tables({name: changes.get(name, small.table(name)).to_csv(index=False).encode()
                                 for name in small.frames})
    again = plan_import(after, text, name="export.csv", today=TODAY)
    assert again.report.unchanged == 1 and again.report.added_state_rows == 0 and again.changes() == {}
    # the same words with other spacing, case and punctuation are the same recommendation
    reworded = plan_import(after, text.replace(b"Abolish the death penalty", b"abolish  the DEATH penalty."),
                           name="export.csv", today=TODAY)
    assert reworded.report.unchanged == 1 and reworded.report.added_recommendations == []


@pytest.mark.parametrize("text,paragraph,kept", [
    ("98.16 Declare a moratorium", "98.16", "Declare a moratorium"),  # the number the column gives, taken off the text
    ("98.16. Declare a moratorium", "98.16", "Declare a moratorium"),
    ("97.3 Declare a moratorium", "98.16", "97.3 Declare a moratorium"),  # another number is part of the text
])
def test_a_paragraph_at_the_start_of_the_text(small, text, paragraph, kept):
    plan = mapped({"Text": text, "Para": paragraph, "Cycle": "3"}, ds=small)
    assert plan.changes()["recommendations.csv"].iloc[-1][["paragraph", "summary"]].tolist() == [paragraph, kept]


def test_without_a_paragraph_column_the_text_gives_it(small):
    plan = mapped({"Text": "116.2 Declare a moratorium", "Cycle": "3"}, mapping={k: v for k, v in MAP_ALL.items()
                                                                                   if k != "paragraph"}, ds=small)
    assert plan.changes()["recommendations.csv"].iloc[-1][["recommendation_id", "summary"]].tolist() == [
        "C3-116.2", "Declare a moratorium"]


MAPPED_ERRORS = [
    ({"Para": "98"}, "Para", "expected a paragraph number such as 127.35; got '98'"),
    ({"Cycle": ""}, "Cycle", "no cycle for this row: fill in its session, or add --cycle N (1-4)"),
    ({"Text": "", "Para": ""}, "Text", "recommendation text is empty"),
    ({"Response": "Perhaps"}, "Response", "unknown response 'Perhaps': expected Supported, Noted, Accepted, Partially "
                                          "supported or empty"),
]


@pytest.mark.parametrize("change,field,message", MAPPED_ERRORS, ids=[m for _, _, m in MAPPED_ERRORS])
def test_each_error_of_a_mapped_sheet(small, change, field, message):
    assert errors(mapped(change, ds=small)) == [(1, field, message)]


@pytest.mark.parametrize("cell", ["5", "fifth", "0"])
def test_a_cycle_that_is_no_cycle(small, cell):
    # said twice: what is wrong with the cell, and that the row then has no cycle
    assert errors(mapped({"Cycle": cell}, ds=small)) == [
        (1, "Cycle", f"expected a cycle 1-4 such as 3 or '3rd cycle'; got {cell!r}"),
        (1, "Cycle", "no cycle for this row: fill in its session, or add --cycle N (1-4)")]


@pytest.mark.parametrize("cell,cycle", [("1", 1), ("3rd cycle", 3), ("Cycle 2", 2), ("second", 2), ("Fourth cycle", 4),
                                        ("4th", 4), ("- 3", 3)])
def test_each_cycle_wording(small, cell, cycle):
    plan = mapped({"Cycle": cell, "Para": "116.2"}, ds=small)
    assert plan.report.errors == [] and plan.report.cycles == [cycle]


def test_a_session_and_a_cycle_must_agree(small):
    mapping = {**MAP_ALL, "session": "Session"}
    assert errors(mapped({"Session": "22", "Cycle": "3"}, mapping=mapping, ds=small)) == [
        (1, "Session", "session 22 is in cycle 2, but the row says cycle 3")]
    plan = mapped({"Session": "36", "Cycle": "3", "Para": "116.2"}, mapping=mapping, ds=small)
    assert plan.report.errors == [] and plan.report.sessions == [36]
    plan = mapped({"Session": "", "Cycle": "3", "Para": "116.2"}, mapping=mapping, ds=small)  # a cycle is enough
    assert plan.report.errors == [] and plan.report.sessions == []


@pytest.mark.parametrize("cell,themes,unmapped", [
    ("death-penalty", "death-penalty", []),  # our own slug
    ("Detention", "political-prisoners", []),  # a UPR Info issue
    ("Death penalty, Detention", "death-penalty;political-prisoners", []),  # UPR Info's comma list
    ("Women's rights", None, []),
    ("The abolition of the death penalty", "death-penalty", []),  # a UHRI/OHCHR keyword in a longer name
    ("Pre-trial detention; death-penalty", "death-penalty;political-prisoners", []),
    ("- Weather\n- Detention", "political-prisoners", ["Weather"]),
    ("n/a", None, []),
])
def test_themes_of_a_mapped_sheet(small, cell, themes, unmapped):
    plan = mapped({"Themes": cell, "Para": "116.2"}, ds=small)
    assert plan.report.errors == [] and plan.report.unmapped == unmapped
    assert plan.changes()["recommendations.csv"].iloc[-1]["themes"] == themes


def test_a_state_under_review_column_keeps_other_states_out(small):
    plan = mapped({}, {"SUR": "Poland"}, {"SUR": "- Belarus", "States": "Lithuania"}, {"SUR": "", "States": "Chile"},
                  mapping={**MAP_ALL, "state_under_review": "SUR"}, ds=small)
    assert (plan.report.rows_read, plan.report.rows_for_other_states, plan.report.other_states) == (4, 1, {"POL": 1})
    # an empty cell is the state the file is read for
    assert (plan.report.unchanged, plan.report.added_state_rows) == (2, 1)


def test_a_changed_action_is_an_update_with_the_import_added_to_the_row_sources(small):
    plan = uprinfo({"Text": "98.16 Declare a moratorium", "From": "Brazil", "Response": "Noted", "Action": "4"}, ds=small)
    r = plan.report
    assert r.updated == [{"recommendation_id": "C1-98.16", "state_iso3": "BRA", "row": 1,
                          "action_category": {"from": 5, "to": 4}}]
    assert (r.unchanged, r.added_recommendations, r.added_state_rows) == (0, [], 0)
    rows = plan.changes()["recommendation_states.csv"].set_index("state_iso3")
    assert rows.at["BRA", "action_category"] == 4 and rows.at["BRA", "response"] == "noted"
    assert rows.at["BRA", "source_ids"].split(";")[0] == "TEST1"
    assert rows.at["BRA", "source_ids"].split(";")[1].startswith("IMPORT-UPRINFO-")
    assert rows.at["LTU", "action_category"] == 5 and rows.at["LTU", "source_ids"] == "TEST1"  # untouched
    same = uprinfo({"Text": "98.16 Declare a moratorium", "From": "Brazil", "Response": "Noted", "Action": "5"}, ds=small)
    assert (same.report.updated, same.report.unchanged, same.changed) == ([], 1, False)
    blank = uprinfo({"Text": "98.16 Declare a moratorium", "From": "Brazil", "Response": "Noted", "Action": ""},
                    ds=small)  # no action in the file: the one we have stands
    assert (blank.report.updated, blank.report.unchanged) == ([], 1)


def test_responses_are_counted_per_recommendation_most_common_first(small):
    plan = uprinfo({"Text": "Ask A", "Response": "Noted"}, {"Text": "Ask B", "From": "Chile"},
                   {"Text": "Ask C", "From": "Peru"}, {"Text": "Ask D", "From": "Peru"}, ds=small)
    assert list(plan.report.responses.items()) == [("supported", 3), ("noted", 1)]
    assert (plan.report.recommendations, plan.report.states) == (4, 3)
    # refused (another state under review) before merging: counted the same way, from the file
    pol = {"To": "Poland"}
    other = uprinfo({**pol, "Text": "Ask A", "Response": "Noted"}, {**pol, "Text": "Ask B", "From": "Chile"},
                    {**pol, "Text": "Ask C", "From": "Peru"}, {**pol, "Text": "Ask D", "From": "Peru"}, ds=small,
                    state="POL")
    assert list(other.report.responses.items()) == [("supported", 3), ("noted", 1)]
    assert (other.report.recommendations, other.report.states, other.report.cycles, other.report.sessions) == (
        4, 3, [1], [8])
    assert other.report.compared is False and not other.changed


def test_apply_import_writes_once_through_the_store_and_refuses_what_must_not_be_merged(tmp_path):
    from factory import base_tables, write_dataset

    from compliance.importer import ImportRefused, apply_import
    from compliance.store import open_store

    root = write_dataset(tmp_path / "d", base_tables())
    store = open_store(root)
    raw = csv_text([{**UPRINFO_ROW, "Text": "Test ask applied", "From": "Chile"}])
    plan, result = apply_import(store, raw, editor="tester", summary="import e.csv", name="e.csv", today=TODAY)
    assert result.changed and plan.report.applied is True and plan.report.added_state_rows == 1
    assert set(result.files) == {"recommendations.csv", "recommendation_states.csv", "sources.csv"}
    assert (result.audit["editor"], result.audit["summary"]) == ("tester", "import e.csv")
    assert "Test ask applied" in set(store.load().recommendations["summary"])
    before = {p.name: p.read_bytes() for p in root.glob("*.csv")}
    again, result = apply_import(store, raw, editor="tester", summary="again", name="e.csv", today=TODAY)
    assert not result.changed and again.report.applied is False and again.report.unchanged == 1
    pol = csv_text([{**UPRINFO_ROW, "To": "Poland", "Text": "Test ask about Poland"}])
    with pytest.raises(ImportRefused, match="read for Poland"):
        apply_import(store, pol, editor="tester", summary="x", name="p.csv", state="POL", today=TODAY)
    assert {p.name: p.read_bytes() for p in root.glob("*.csv")} == before  # refused: nothing written
    assert [h["summary"] for h in store.history()][:1] == ["import e.csv"]  # one entry, for the one change


HEADER_WORDS = {  # each header word a coalition's sheet may use, and the field the Data page suggests for it
    "text": ("Recommendation", "Text", "Recommendation text"),
    "paragraph": ("Paragraph", "Para", "Recommendation number", "No.", "Number"),
    "recommending_states": ("Recommending state", "Recommending states", "From", "State", "Recommending country",
                            "UPR recommending states"),
    "response": ("Response", "Position", "UPR position", "Status of recommendation"),
    "session": ("Session", "UPR session"),
    "cycle": ("Cycle", "UPR cycle"),
    "themes": ("Themes", "Theme", "Issue", "Issues"),
    "state_under_review": ("State under review", "To", "Countries concerned", "SuR"),
    "assessment": ("Assessment", "Implementation", "Level of implementation", "Status of implementation"),
}


@pytest.mark.parametrize("field,header", [(f, h) for f, words in HEADER_WORDS.items() for h in words])
def test_each_header_word_suggests_its_field(field, header):
    from compliance.importer import suggest_mapping

    assert suggest_mapping([header]) == {field: header}
    assert suggest_mapping([f"  {header.upper()}  ", "Unrelated"]) == {field: f"  {header.upper()}  "}


def test_a_suggestion_takes_each_column_once_and_the_first_word_that_fits():
    from compliance.importer import suggest_mapping

    cols = ["Recommendation", "Recommending State", "State", "Position", "Issue", "Level of implementation", "Notes"]
    assert suggest_mapping(cols) == {"text": "Recommendation", "recommending_states": "Recommending State",
                                     "response": "Position", "themes": "Issue",
                                     "assessment": "Level of implementation"}
    assert suggest_mapping(["Text", "Recommendation text"]) == {"text": "Text"}  # the first word in the list wins
    assert suggest_mapping([]) == {} and suggest_mapping(["Comment"]) == {}


@pytest.mark.parametrize("text,kind", [
    ("Consider ratifying the Optional Protocol", "consider"),  # the first signal word decides, not the treaty verb
    ("Ratify the Convention against enforced disappearance", "ratify"),
    ("Accede to the Rome Statute", "ratify"),
    ("Release all political prisoners immediately", "end-practice"),
    ("Establish a national human rights institution", "institution"),
    ("Ensure that journalists can work freely", "practice"),
    ("Continue its efforts to combat trafficking", "policy"),
    ("Extend a standing invitation to the special procedures", "cooperate"),
    ("Abolish the death penalty", "legislate"),
    ("Share its experience in this field", None),  # no signal word: no guess, validate lists it
])
def test_the_kind_of_ask_is_guessed_from_the_first_signal_word(shipped, text, kind):
    assert infer_ask_kind(text, shipped.ask_kinds) == kind
