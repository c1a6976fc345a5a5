"""Importing what researchers hold: OHCHR matrices (DOCX) in each layout and the real Slovenia sample, real-style
UHRI exports with a bullet list in every cell, any sheet by column mapping, assessments from a filled-in
assessment column, a file about another state (read, never merged), the plan as changed tables, linear speed,
and one clear message for each kind of broken file."""

from __future__ import annotations

import json
import shutil
import time

import pandas as pd
import pytest

from compliance.cli import main
from compliance.data import file_columns, load_dataset
from compliance.importer import (ImportFormatError, ImportRefused, assessment_status, parse_map, parse_map_file,
                                 plan_import)
from compliance.matrix import split_clauses, theme_labels
from conftest import ROOT

FIX = ROOT / "tests" / "fixtures"
SAMPLE = ROOT.parent / "shared" / "samples" / "upr48_slovenia_thematic_list_of_recommendations.docx"


@pytest.fixture
def data(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    return root


def snapshot(root):
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.is_file()}


def run(capsys, data, *args):
    code = main(["import", "--data", str(data), *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, data, *args):
    code, out, err = run(capsys, data, *args, "--json")
    return code, json.loads(out)


# --- the real OHCHR matrix -------------------------------------------------------------------------


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample is not beside the repository")
def test_real_slovenia_matrix_dry_runs_to_254_recommendations(capsys, data):
    before = snapshot(data)
    started = time.perf_counter()
    code, r = run_json(capsys, data, SAMPLE, "--state", "SVN", "--dry-run")
    elapsed = time.perf_counter() - started
    assert code == 0, r
    assert r["format"] == "docx" and r["file_state"] == "SVN"
    assert r["rows_read"] == 254 and r["recommendations"] == 254
    assert r["responses"] == {"supported": 217, "noted": 37}
    assert r["errors"] == [] and r["warnings"] == []
    assert r["states"] >= 70
    assert r["cycles"] == [4] and r["sessions"] == [48]
    assert snapshot(data) == before
    print(f"\nSlovenia matrix dry run (CLI, with data load): {elapsed:.2f} s")
    assert elapsed < 10  # 'well under a second' for the plan itself; see bench/import_speed.py


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample is not beside the repository")
def test_real_matrix_about_another_state_is_refused_and_writes_nothing(capsys, data):
    before = snapshot(data)
    code, out, _ = run(capsys, data, SAMPLE)  # default --state: the dataset's (BLR)
    assert code == 1
    assert "is about Slovenia (SVN), not Belarus (BLR)" in out and "Nothing was written" in out
    code, out, _ = run(capsys, data, SAMPLE, "--state", "SVN")
    assert code == 1
    assert "read for Slovenia (SVN), but this dataset is about Belarus (BLR)" in out
    assert snapshot(data) == before


# --- matrix layouts (fixtures built with python-docx) ---------------------------------------------------


@pytest.mark.slow
def test_matrix_fourth_cycle_layout(capsys, data):
    code, r = run_json(capsys, data, FIX / "matrix_cycle4.docx")
    assert code == 0 and r["errors"] == [] and r["applied"]
    assert r["rows_read"] == 3  # the merged 'Theme:' rows are sections, not recommendations
    assert r["cycles"] == [4] and r["sessions"] == [50] and r["responses"] == {"supported": 2, "noted": 1}
    ds = load_dataset(data)
    st = ds.recommendation_states
    states = lambda rid: set(st.loc[st["recommendation_id"] == rid, "state_iso3"])  # noqa: E731
    assert states("C4-150.1") == {"IRN", "PRT"}  # '(Iran (Islamic Republic of)) (Portugal)'
    assert states("C4-150.2") == {"IRN"}  # '(ICRMW)' is part of the text, not a state
    assert states("C4-150.3") == {"FRA", "DEU", "CHL"}  # two clauses by different states share the paragraph
    recs = ds.recommendations.set_index("recommendation_id")
    assert recs.at["C4-150.2", "summary"].endswith("Members of Their Families (ICRMW)")
    assert "test ask two (Germany) (Chile)" in recs.at["C4-150.3", "summary"]
    assert "with a semicolon inside its text (France)" in recs.at["C4-150.3", "summary"]
    assert recs.at["C4-150.1", "response"] == "noted" and "death-penalty" in recs.at["C4-150.1", "themes"]
    keys = st.loc[st["recommendation_id"] == "C4-150.3", "text_key"]
    assert keys.nunique() == 2  # each clause keeps its own fingerprint
    before = snapshot(data)
    code, again = run_json(capsys, data, FIX / "matrix_cycle4.docx")
    assert code == 0 and again["added_recommendations"] == 0 and again["added_state_rows"] == 0 and again["updated"] == []
    assert snapshot(data) == before


def test_clauses_nested_parentheses_and_acronyms():
    c = split_clauses("Ratify the ICRMW (ICRMW) (Iran (Islamic Republic of)) (Togo); then do more (No. 189) (Chile).")
    assert [x.states for x in c] == [["Iran (Islamic Republic of)", "Togo"], ["Chile"]]
    assert c[0].text == "Ratify the ICRMW (ICRMW)" and c[1].text == "then do more (No. 189)"
    c = split_clauses("Do this; and that (Norway)")  # a ';' inside the text does not end a clause
    assert len(c) == 1 and c[0].states == ["Norway"] and c[0].text == "Do this; and that"
    c = split_clauses("Do it (Norway) (Atlantis) (Chile)")  # an unknown name among the states is reported
    assert c[0].states == ["Norway", "Chile"] and c[0].unknown == ["Atlantis"]


def test_theme_cell_codes_and_sections():
    assert theme_labels("A12 Acceptance of international norms\nAffected persons:\n- general") == ["Acceptance of international norms"]
    assert theme_labels("- Death penalty\n- Right to life\nGroups of Persons: \n- Children", "D26 Conditions of detention") == [
        "Conditions of detention", "Death penalty", "Right to life"]
    assert theme_labels("- Migrants\nSDGs:\n- 16") == ["Migrants"]


@pytest.mark.slow
def test_matrix_older_layout_with_assessments(capsys, data):
    # without --assessor: the recommendations import and the report says how to take the assessments too
    code, r = run_json(capsys, data, FIX / "matrix_cycle2_assessed.docx", "--dry-run")
    assert code == 0 and r["cycles"] == [2] and r["sessions"] == [22]  # '(2nd Cycle – 22nd session)', en dash
    assert any("--assessor NAME --assessed-on DATE --source SOURCE_ID" in w["message"] for w in r["warnings"])
    assert not any(u.startswith(("A12", "D26", "B51")) for u in r["unmapped"])
    code, r = run_json(capsys, data, FIX / "matrix_cycle2_assessed.docx", "--assessor", "Test coalition",
                       "--assessed-on", "2019-05", "--source", "S06")
    assert code == 0 and r["applied"]
    a = r["assessments"]
    assert a["mapped"] == 4 and a["added"] == 4
    assert a["statuses"] == {"unfulfilled": 1, "partial": 1, "implemented": 1, "not_assessed": 1}
    assert [(u["row"], u["paragraph"]) for u in a["unmapped"]] == [(7, "131.5"), (8, "131.6")]
    assert "no clear wording" in a["unmapped"][0]["message"] and "several statuses" in a["unmapped"][1]["message"]
    ds = load_dataset(data)
    got = ds.assessments[ds.assessments["assessor"] == "Test coalition"].set_index("item_id")
    assert got.at["C2-131.1", "status"] == "unfulfilled" and got.at["C2-131.1", "rationale"] == "Not implemented. No step was taken."
    assert got.at["C2-131.2", "status"] == "partial" and got.at["C2-131.4", "status"] == "not_assessed"
    assert "C2-131.5" not in got.index and "C2-131.7" not in got.index  # unmappable and empty: no assessment
    [entry] = [json.loads(line) for line in (data / "audit.log").read_text().splitlines()]
    assert entry["files"]["assessments.csv"]["rows_added"] == 4  # in the same change set as the recommendations
    assert entry["files"]["recommendations.csv"]["rows_added"] > 0
    before = snapshot(data)
    code, r = run_json(capsys, data, FIX / "matrix_cycle2_assessed.docx", "--assessor", "Test coalition",
                       "--assessed-on", "2019-05", "--source", "S06")
    assert r["assessments"]["added"] == 0 and r["assessments"]["unchanged"] == 4
    assert snapshot(data) == before


@pytest.mark.parametrize("text,status", [
    ("Not implemented. No step was taken.", "unfulfilled"), ("Partially implemented: one visit", "partial"),
    ("Implemented.", "implemented"), ("No information", "not_assessed"), ("not yet implemented", "unfulfilled"),
    ("The recommendation was not implemented.", "unfulfilled"), ("It was partially implemented in 2019", "partial"),
    ("Partially implemented, the rest not implemented", "partial"),  # starts with its status
    ("Some parts implemented, other parts not implemented", None), ("They promised a review", None),
])
def test_assessment_wording(text, status):
    assert assessment_status(text)[0] == status


@pytest.mark.parametrize("args,message", [
    (["--assessor", "X"], "missing --assessed-on --source"),
    (["--assessor", "X", "--assessed-on", "2019-05", "--source", "NOPE"], "'NOPE' is not in data/sources.csv"),
    (["--assessor", "X", "--assessed-on", "last May", "--source", "S06"], "is not a date"),
])
def test_assessment_options_are_checked(capsys, data, args, message):
    code, _, err = run(capsys, data, FIX / "matrix_cycle2_assessed.docx", *args)
    assert code == 2 and message in err and err.count("\n") == 1


@pytest.mark.slow
def test_matrix_errors_by_row_and_field(capsys, data):
    before = snapshot(data)
    code, r = run_json(capsys, data, FIX / "matrix_errors.docx")
    assert code == 1 and not r["applied"] and r["refused"]
    got = {(e["row"], e["field"]) for e in r["errors"]}
    assert got == {(2, "Recommendation and recommending State"), (3, "Position of the State under review"),
                   (4, "Recommendation and recommending State")}
    msgs = " ".join(e["message"] for e in r["errors"])
    assert "'Atlantis'" in msgs and "'Maybe later'" in msgs and "paragraph number" in msgs
    assert snapshot(data) == before
    code, r = run_json(capsys, data, FIX / "matrix_errors.docx", "--skip-invalid")
    assert code == 0 and r["applied"] and r["skipped_rows"] == [2, 3, 4]
    assert set(load_dataset(data).recommendations["recommendation_id"]) >= {"C4-150.24"}


@pytest.mark.slow
def test_matrix_without_header_needs_cycle(capsys, data):
    code, r = run_json(capsys, data, FIX / "matrix_no_header.docx", "--dry-run")
    assert code == 1 and any("--cycle" in e["message"] for e in r["errors"])
    code, r = run_json(capsys, data, FIX / "matrix_no_header.docx", "--cycle", "3")
    assert code == 0 and r["applied"] and r["cycles"] == [3]
    assert any("no page header" in w["message"] for w in r["warnings"])


# --- UHRI as it really comes ---------------------------------------------------------------------


@pytest.mark.slow
def test_real_style_uhri_export_with_bullets_in_every_cell(capsys, data):
    code, r = run_json(capsys, data, FIX / "uhri_real_style.xlsx")
    assert code == 0 and r["format"] == "uhri" and r["errors"] == []
    assert r["rows_read"] == 6 and r["rows_not_upr"] == 1 and r["rows_for_other_states"] == 1
    assert r["cycles"] == [1, 3] and 8 in r["sessions"] and 36 in r["sessions"]
    # the three cycle-1 paragraphs are recognised by paragraph (97.3 by its document symbol, its session is empty)
    assert r["unchanged"] == 9 and r["added_recommendations"] == 1 and r["added_state_rows"] == 1
    assert r["responses"] == {"supported": 2, "noted": 2}
    ds = load_dataset(data)
    recs = ds.recommendations.set_index("recommendation_id")
    assert recs.at["C3-127.77", "response"] == "noted" and recs.at["C3-127.77", "themes"] == "expression-media"
    before = snapshot(data)
    code, again = run_json(capsys, data, FIX / "uhri_real_style.xlsx")
    assert again["added_state_rows"] == 0 and again["updated"] == [] and snapshot(data) == before


# --- any sheet by column mapping --------------------------------------------------------------------


MAP = ("paragraph=Rec no.,text=Recommendation,recommending_states=Recommending State,response=Government response,"
       "cycle=UPR cycle,themes=Topic")


def test_unknown_header_says_to_map(capsys, data):
    code, _, err = run(capsys, data, FIX / "coalition_sheet.csv")
    assert code == 2 and "unrecognised header" in err and "--map text=COLUMN" in err and "--map-file" in err


@pytest.mark.slow
def test_mapped_csv_imports(capsys, data):
    code, r = run_json(capsys, data, FIX / "coalition_sheet.csv", "--map", MAP)
    assert code == 0 and r["format"] == "mapped" and r["errors"] == [] and r["applied"]
    assert r["recommendations"] == 3 and r["states"] == 4 and r["cycles"] == [3]
    ds = load_dataset(data)
    recs = ds.recommendations.set_index("recommendation_id")
    assert recs.at["C3-127.80", "themes"] == "fair-trial-justice" and recs.at["C3-127.81", "themes"] == "expression-media"
    st = ds.recommendation_states
    assert set(st.loc[st["recommendation_id"] == "C3-127.81", "state_iso3"]) == {"SWE", "NOR"}
    code, again = run_json(capsys, data, FIX / "coalition_sheet.csv", "--map-file", FIX / "coalition_sheet.map.toml")
    assert again["added_state_rows"] == 0 and again["unchanged"] == 4


@pytest.mark.slow
def test_mapped_csv_with_assessments(capsys, data):
    code, r = run_json(capsys, data, FIX / "coalition_sheet.csv", "--map-file", FIX / "coalition_sheet.map.toml",
                       "--assessor", "Test coalition", "--assessed-on", "2024", "--source", "S06")
    assert code == 0 and r["assessments"]["added"] == 2
    assert [u["row"] for u in r["assessments"]["unmapped"]] == [3]


@pytest.mark.parametrize("spec,message", [
    ("txt=Recommendation", "unknown field 'txt'"),
    ("text=Recommendation,recommending_states=Nope", "no column 'Nope'"),
    ("text=Recommendation", "the mapping needs recommending_states"),
])
def test_bad_mapping_gets_one_line(capsys, data, spec, message):
    code, _, err = run(capsys, data, FIX / "coalition_sheet.csv", "--map", spec)
    assert code == 2 and message in err and err.count("\n") == 1


def test_map_syntax():
    assert parse_map("text=A, b,recommending_states=C") == {"text": "A, b", "recommending_states": "C"}
    assert parse_map_file(b'{"text": "A", "recommending_states": "B"}') == {"text": "A", "recommending_states": "B"}
    assert parse_map_file(b'text = "A"\nrecommending_states = "B"\n') == {"text": "A", "recommending_states": "B"}


def test_mapped_file_without_cycle_says_which_flag(capsys, data, tmp_path):
    f = tmp_path / "nocycle.csv"
    f.write_text("Recommendation,State\nTest ask with no cycle,Norway\n")
    code, _, err = run(capsys, data, f, "--map", "text=Recommendation,recommending_states=State")
    assert code == 2 and "add --cycle N" in err
    code, r = run_json(capsys, data, f, "--map", "text=Recommendation,recommending_states=State", "--cycle", "2", "--dry-run")
    assert code == 0 and r["cycles"] == [2] and r["responses"] == {"unknown": 1}


# --- another state's file, the plan as changed tables ----------------------------------------------------


def test_file_about_another_state_can_be_checked_but_not_applied(capsys, data):
    before = snapshot(data)
    code, r = run_json(capsys, data, FIX / "uprinfo_multi.csv", "--state", "POL", "--dry-run")
    assert code == 0 and r["recommendations"] == 1 and r["state_under_review"] == "POL" and not r["compared_with_dataset"]
    code, out, _ = run(capsys, data, FIX / "uprinfo_multi.csv", "--state", "POL")
    assert code == 1 and "this dataset is about Belarus (BLR)" in out
    assert snapshot(data) == before
    ds = load_dataset(data)
    plan = plan_import(ds, (FIX / "uprinfo_multi.csv").read_bytes(), name="uprinfo_multi.csv", state="POL")
    with pytest.raises(ImportRefused, match="another state"):
        plan.changes()


@pytest.mark.slow
def test_changes_are_the_changed_tables_as_written(data):
    ds = load_dataset(data)
    before = snapshot(data)
    plan = plan_import(ds, (FIX / "uprinfo_bom.csv").read_bytes(), name="uprinfo_bom.csv")
    assert snapshot(data) == before  # planning is pure
    changes = plan.changes()
    assert set(changes) == {"recommendations.csv", "recommendation_states.csv", "sources.csv"}
    for name, df in changes.items():
        assert list(df.columns) == file_columns(name)
        assert df.map(lambda v: v is None or v == v).all().all()  # empty cells are None, never NaN
    new = changes["recommendations.csv"].set_index("summary").loc["Test ask with BOM"]
    assert new["paragraph"] is None and new["recurrence_id"] is None  # 'None for empty', as the store expects
    assert set(plan.tables()) == set(changes)
    # the same plan made again from the current data after applying it changes nothing
    from compliance.importer import apply_import
    from compliance.store import open_store

    applied, result = apply_import(open_store(data), (FIX / "uprinfo_bom.csv").read_bytes(), name="uprinfo_bom.csv",
                                   editor="test", summary="test")
    assert result.changed and applied.report.applied
    again = plan_import(load_dataset(data), (FIX / "uprinfo_bom.csv").read_bytes(), name="uprinfo_bom.csv")
    assert again.changes() == {} and again.tables() == {}


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# --- one clear message per broken file (issue 9, point 7) ------------------------------------------------------

HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"


def _rows(n=200):
    return [f'Belarus,EEG,CIS,"Test ask {i}",Norway,WEOG,,Accepted,4,Justice,22\n' for i in range(n)]


def test_unbalanced_quote_is_one_error_naming_the_line(capsys, data, tmp_path):
    rows = _rows()
    rows[5] = 'Belarus,EEG,CIS,"Test ask with an open quote,Norway,WEOG,,Accepted,4,Justice,22\n'
    f = tmp_path / "quote.csv"
    f.write_text(HEADER + "".join(rows))
    code, _, err = run(capsys, data, f, "--dry-run")
    assert code == 2 and err.count("\n") == 1
    assert "quote.csv, line 7 (row 6)" in err and "closing double quote" in err


def test_quote_left_open_to_the_end(capsys, data, tmp_path):
    f = tmp_path / "eof.csv"
    f.write_text(HEADER + "".join(_rows(3)) + 'Belarus,EEG,CIS,"Test ask never closed,Norway,WEOG,,Accepted,4,Justice,22\n')
    code, _, err = run(capsys, data, f, "--dry-run")
    assert code == 2 and "eof.csv, line 5 (row 4)" in err and "the file ends inside it" in err and err.count("\n") == 1


def test_unreadable_file_with_json_prints_the_message_as_json(capsys, data):
    code, out, err = run(capsys, data, FIX / "coalition_sheet.csv", "--json")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    report = json.loads(out)
    assert report["applied"] is False and "unrecognised header" in report["errors"][0]["message"]


def test_row_with_extra_fields_is_one_error_naming_the_line(capsys, data, tmp_path):
    rows = _rows()
    rows[5] = "Belarus,EEG,CIS,Test ask, with a comma,Norway,WEOG,,Accepted,4,Justice,22\n"
    f = tmp_path / "extra.csv"
    f.write_text(HEADER + "".join(rows))
    code, _, err = run(capsys, data, f, "--dry-run")
    assert code == 2 and err.count("\n") == 1
    assert "extra.csv, line 7 (row 6): 12 fields where the header has 11" in err and "double quotes" in err


def test_multiline_cell_is_not_mistaken_for_an_open_quote(capsys, data):
    code, r = run_json(capsys, data, FIX / "uprinfo_multi.csv", "--dry-run")
    assert code == 0 and r["errors"] == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_is_decoded(capsys, data, tmp_path, encoding):
    f = tmp_path / "utf16.csv"
    f.write_bytes((HEADER.replace(",", "\t") + "".join(r.replace(",", "\t") for r in _rows(3))).encode(encoding))
    code, r = run_json(capsys, data, f, "--dry-run")
    assert code == 0 and r["rows_read"] == 3 and r["errors"] == []


def test_junk_xlsx_says_what_is_wrong(capsys, data, tmp_path):
    import zipfile

    f = tmp_path / "junk.xlsx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("notes.txt", "hello")
    code, _, err = run(capsys, data, f)
    assert code == 2 and "is a ZIP archive but not an Excel workbook" in err and "KeyError" not in err
    g = tmp_path / "junk2.xlsx"
    with zipfile.ZipFile(g, "w") as z:
        z.writestr("xl/workbook.xml", "<nonsense/>")
    code, _, err = run(capsys, data, g)
    assert code == 2 and "cannot be opened as an Excel workbook" in err and "[Content_Types].xml" in err
    h = tmp_path / "cut.xlsx"
    h.write_bytes((FIX / "uhri_export.xlsx").read_bytes()[:2000])
    code, _, err = run(capsys, data, h)
    assert code == 2 and "is damaged" in err


@pytest.mark.slow
def test_duplicated_rows_are_reported_against_the_input_rows(capsys, data, tmp_path):
    rows = _rows(3)
    f = tmp_path / "dup.csv"
    f.write_text(HEADER + rows[0] + rows[1] + rows[0])
    code, r = run_json(capsys, data, f)
    assert code == 0 and r["applied"] and r["added_state_rows"] == 2
    assert {"row": 3, "field": None, "message": "repeats row 1 (the same text, same recommending state): counted once"} in r["warnings"]
    g = tmp_path / "dup_conflict.csv"
    g.write_text(HEADER + rows[1] + rows[2] + rows[2].replace("Accepted", "Noted"))
    before = snapshot(data)
    code, r = run_json(capsys, data, g)
    assert code == 1 and [e["row"] for e in r["errors"]] == [3]
    assert "repeats row 2" in r["errors"][0]["message"] and "recommendation_states.csv" not in json.dumps(r)
    assert snapshot(data) == before


def test_folder_instead_of_file(capsys, data, tmp_path):
    code, _, err = run(capsys, data, tmp_path)
    assert code == 2 and "is a folder" in err and "Traceback" not in err


def test_word_document_that_is_not_a_matrix(data, tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Just a letter.")
    p = tmp_path / "letter.docx"
    d.save(p)
    with pytest.raises(ImportFormatError, match="without a recommendations table"):
        plan_import(load_dataset(data), p.read_bytes(), name="letter.docx")


def test_read_frame_is_not_shifted_by_short_rows(data, tmp_path):
    f = tmp_path / "short.csv"
    f.write_text(HEADER + "Belarus,EEG,CIS,Test ask short,Norway,WEOG,,Accepted,4,Justice,22\nBelarus,EEG,CIS,Test ask two,Norway\n")
    plan = plan_import(load_dataset(data), f.read_bytes(), name="short.csv")
    assert [e["row"] for e in plan.report.errors] == [2]  # the short row, and only it
    assert isinstance(pd.DataFrame(plan.report.errors), pd.DataFrame)


def test_a_repeated_row_still_adds_the_states_it_alone_names(data):
    """Row 2 repeats row 1's Brazil and adds Lithuania: Brazil is counted once, Lithuania is kept (it was dropped)."""
    from factory import csv_text

    row = {"Text": "116.2 Declare a moratorium", "UPR Reccomending States": "- Brazil", "UPR Position": "- Noted",
           "UPR Session": "- 8th Session"}
    raw = csv_text([row, {**row, "UPR Reccomending States": "- Lithuania\n- Brazil"}])
    plan = plan_import(load_dataset(data), raw, name="u.csv")
    assert plan.report.warnings == [{"row": 2, "field": None,
                                     "message": "repeats row 1 (paragraph 116.2, same recommending state): counted once"}]
    assert (plan.report.states, plan.report.added_state_rows) == (2, 2)
    added = plan.changes()["recommendation_states.csv"].iloc[-2:]
    assert added[["recommendation_id", "state_iso3"]].to_numpy().tolist() == [["C1-116.2", "BRA"], ["C1-116.2", "LTU"]]
