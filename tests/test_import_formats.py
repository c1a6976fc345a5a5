"""Importing what researchers hold: OHCHR matrices (DOCX) in each layout and the real Slovenia sample, real-style
UHRI exports with a bullet list in every cell, any sheet by column mapping, assessments from a filled-in
assessment column, a file about another state (read, never merged), the plan as changed tables, linear speed,
and one clear message for each kind of broken file."""

from __future__ import annotations

import json
import shutil
import time
from datetime import date

import pandas as pd
import pytest
from conftest import ROOT
from factory import csv_text, import_target

from compliance.cli import main
from compliance.data import file_columns, load_dataset
from compliance.importer import ImportFormatError, ImportRefused, assessment_status, parse_map, parse_map_file, plan_import
from compliance.matrix import split_clauses, theme_labels

FIX = ROOT / "tests" / "fixtures"
SAMPLE = FIX / "upr48_slovenia_thematic_list_of_recommendations.docx"  # a copy of the shared sample


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
    got = ds.table("assessments.csv")
    got = got[got["assessor"] == "Test coalition"].set_index("item_id")
    assert got["read_verdict"].isna().all() and ds.assessments["assessor"].ne("Test coalition").all()  # unread: not yet
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
    # the same plan made again from the current data after applying it changes nothing
    from compliance.importer import apply_import
    from compliance.store import open_store

    applied, result = apply_import(open_store(data), (FIX / "uprinfo_bom.csv").read_bytes(), name="uprinfo_bom.csv",
                                   editor="test", summary="test")
    assert result.changed and applied.report.applied
    again = plan_import(load_dataset(data), (FIX / "uprinfo_bom.csv").read_bytes(), name="uprinfo_bom.csv")
    assert again.changes() == {}


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


# --- planning, fast: a small dataset in memory, the file as bytes ----------------------------------------------

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def small():
    """A small dataset to import into (factory.import_target)."""
    return import_target()


UHRI_ROW = {"Text": "- 98.16 Declare a moratorium", "UPR Reccomending States": "- Brazil", "UPR Position": "- Noted",
            "UPR Session": "- 8th Session", "Themes": "- Death penalty", "Countries Concerned": "- Belarus",
            "Reccomending Body": "- UPR", "Document Symbol": "- A/HRC/15/16"}


def uhri(*changes, **options):
    rows = [{**UHRI_ROW, **c} for c in changes] or [UHRI_ROW]
    return plan_import(options.pop("ds"), csv_text(rows), name="uhri.csv", today=TODAY, **options)


def errors(plan) -> list[tuple]:
    return [(e["row"], e["field"], e["message"]) for e in plan.report.errors]


def test_a_uhri_row_with_bullets_everywhere_is_recognised_by_its_paragraph(small):
    plan = uhri({}, {"UPR Reccomending States": "- Lithuania\n- Brazil"}, ds=small)
    r = plan.report
    assert (r.format, r.errors, r.cycles, r.sessions, r.recommendations, r.states) == ("uhri", [], [1], [8], 1, 2)
    assert (r.unchanged, r.added_state_rows) == (2, 0)  # Brazil's second row repeats its first
    assert r.warnings == [{"row": 2, "field": None,
                           "message": "repeats row 1 (paragraph 98.16, same recommending state): counted once"}]


def test_uhri_rows_of_other_bodies_are_skipped_and_counted(small):
    plan = uhri({}, {"Reccomending Body": "- Human Rights Committee"}, {"Reccomending Body": "- upr"}, ds=small)
    r = plan.report
    assert (r.rows_read, r.rows_not_upr, r.unchanged) == (3, 1, 1)
    assert r.warnings == [{"row": None, "field": None, "message": "1 rows are recommendations of other bodies (treaty "
                           "bodies, special procedures), not of the UPR: skipped"}, {"row": 3, "field": None, "message":
                           "repeats row 1 (paragraph 98.16, same recommending state): counted once"}]


@pytest.mark.parametrize("session,symbol,cycle,sessions", [
    ("", "A/HRC/WG.6/22/BLR/1", 2, [22]),  # the Working Group's document gives its session
    ("", "a/hrc/wg.6/8/blr/1", 1, [8]),
    ("", "A/HRC/15/16/Add.1", 1, []),  # a report listed in cycles.csv gives its cycle
    ("", "A/HRC/15/16", 1, []),
    ("- 36th Session", "A/HRC/15/16", 3, [36]),  # the session column wins
])
def test_a_uhri_cycle_from_its_session_or_document_symbol(small, session, symbol, cycle, sessions):
    plan = uhri({"UPR Session": session, "Document Symbol": symbol, "Text": "116.2 A new ask"}, ds=small)
    assert plan.report.errors == [] and (plan.report.cycles, plan.report.sessions) == ([cycle], sessions)


def test_a_uhri_row_without_a_known_symbol_or_session_has_no_cycle(small):
    assert errors(uhri({"UPR Session": "", "Document Symbol": "A/HRC/99/1"}, ds=small)) == [
        (1, "UPR Session", "no cycle for this row: fill in its session, or add --cycle N (1-4)")]
    assert uhri({"UPR Session": "", "Document Symbol": ""}, ds=small, cycle=1).report.errors == []


UHRI_ERRORS = [
    ({"Text": "Declare a moratorium"}, "Text",
     "expected the text to start with the report paragraph, e.g. '127.35 Consider ...'"),
    ({"UPR Position": "- Noted\n- Supported"}, "UPR Position", "2 values (Noted; Supported) where one is expected; keep one"),
    ({"Countries Concerned": "- Atlantis"}, "Countries Concerned",
     "unknown state under review 'Atlantis': add it to ALIASES in compliance/countries.py if it is a real state"),
    ({"UPR Reccomending States": "- Norway\n- Atlantis"}, "UPR Reccomending States",
     "unknown state name 'Atlantis': add it to ALIASES in compliance/countries.py if it is a real state"),
]


@pytest.mark.parametrize("change,field,message", UHRI_ERRORS, ids=[m for _, _, m in UHRI_ERRORS])
def test_each_uhri_error(small, change, field, message):
    assert errors(uhri(change, ds=small)) == [(1, field, message)]


def test_uhri_themes_by_keyword_and_an_empty_country_is_the_state(small):
    plan = uhri({"Text": "116.2 A new ask", "Themes": "- Death penalty\n- Detention conditions\n- Weather",
                 "Countries Concerned": ""}, ds=small)
    assert plan.report.errors == [] and plan.report.unmapped == ["Weather"]
    assert plan.changes()["recommendations.csv"].iloc[-1]["themes"] == "death-penalty;political-prisoners"
    assert plan.changes()["sources.csv"].iloc[-1][["producer", "url", "title"]].tolist() == [
        "OHCHR Universal Human Rights Index", "https://uhri.ohchr.org/",
        "OHCHR Universal Human Rights Index export imported from uhri.csv"]


# --- duplicates inside a file, refusals -------------------------------------------------------------------------


def test_a_repeated_row_with_another_response_is_an_error_and_both_are_left_out(small):
    plan = uhri({"Text": "116.2 A"}, {"Text": "116.2 A", "UPR Position": "- Supported"}, {"Text": "116.3 B"}, ds=small)
    assert errors(plan) == [(2, None, "repeats row 1 (paragraph 116.2, same recommending state) with another response "
                                      "(supported here, noted there): keep the row that is right and delete the other")]
    assert plan.report.skipped_rows == [2]
    assert plan.refusal() == ("uhri.csv has 1 problem(s) in 1 row(s); nothing is imported unless the rows with errors "
                              "are skipped (--skip-invalid). Nothing was written.")
    with pytest.raises(ImportRefused):
        plan.changes()
    skipped = uhri({"Text": "116.2 A"}, {"Text": "116.2 A", "UPR Position": "- Supported"}, {"Text": "116.3 B"},
                   ds=small, skip_invalid=True)
    assert skipped.refusal() is None and skipped.report.added_recommendations == ["C1-116.2", "C1-116.3"]


def test_a_file_for_another_state_is_read_but_never_merged(small):
    plan = uhri({"Countries Concerned": "- Poland"}, ds=small, state="pol")
    r = plan.report
    assert (r.state, r.dataset_state, r.compared, r.recommendations, r.unchanged) == ("POL", "BLR", False, 1, 0)
    assert plan.refusal() == ("uhri.csv was read for Poland (POL), but this dataset is about Belarus (BLR) "
                              "(data/dataset.csv): a file about another state can be checked with a dry run but never "
                              "merged. Nothing was written.")
    only_other = uhri({"Countries Concerned": "- Poland"}, {"Countries Concerned": "- Lithuania", "Text": "1.2 x"},
                      {"Reccomending Body": "CRC"}, ds=small)
    assert only_other.refusal() == ("uhri.csv is about Poland (POL), Lithuania (LTU), not Belarus (BLR), the state this "
                                    "dataset is about (data/dataset.csv): nothing in it can be merged. Check such a "
                                    "file with a dry run and --state ISO3. Nothing was written.")


# --- assessments in a sheet -------------------------------------------------------------------------------------

ASSESSED = {"paragraph": "Para", "text": "Text", "recommending_states": "States", "cycle": "Cycle",
            "assessment": "Our assessment"}


def assessed(*rows, **options):
    return plan_import(options.pop("ds"), csv_text([{"Para": "98.16", "Text": "Declare a moratorium", "States": "Brazil",
                                                     "Cycle": "1", **r} for r in rows]),
                       name="sheet.csv", today=TODAY, mapping=ASSESSED, **options)


def test_an_assessment_column_without_an_assessor_is_a_hint(small):
    plan = assessed({"Our assessment": "Not implemented"}, {"Para": "98.17", "Our assessment": "n/a"}, ds=small)
    assert plan.report.warnings == [{"row": None, "field": "assessment", "message": "1 recommendations have a filled-in "
                                     "assessment column; to import them as assessments add --assessor NAME "
                                     "--assessed-on DATE --source SOURCE_ID"}]
    assert plan.report.assessments == {}


def test_assessments_from_a_sheet(small):
    from compliance.importer import AssessmentOptions

    opts = AssessmentOptions("Test coalition", "2024", "TEST1")
    plan = assessed({"Our assessment": "Partially implemented: a visit"},  # C1-98.16
                    {"Para": "98.17", "Our assessment": "Implemented."},  # new
                    {"Para": "98.18", "Our assessment": "They promised"},  # no clear wording
                    {"Para": "98.19", "Our assessment": "Implemented", "States": "Chile"},
                    {"Para": "98.19", "Our assessment": "Not implemented", "States": "Peru"},  # two texts, one paragraph
                    {"Para": "98.20", "Our assessment": ""},
                    ds=small, assess=opts)
    a = plan.report.assessments
    assert (a["mapped"], a["statuses"], a["added"], a["changed"], a["unchanged"]) == (
        2, {"partial": 1, "implemented": 1}, 2, 0, 0)
    assert a["unmapped"] == [
        {"row": 3, "paragraph": "98.18", "message": "no clear wording of a status; write one of: implemented, partially "
                                                    "implemented, not implemented, no information"},
        {"row": 4, "paragraph": "98.19", "message": "rows 4, 5 give different assessments for the same recommendation; "
                                                    "keep one"}]
    new = plan.changes()["assessments.csv"].iloc[1:]
    # numbered after the highest id there is (A007)
    assert new.to_dict("records") == [
        {"assessment_id": "A008", "item_id": "C1-98.16", "assessor": "Test coalition", "assessed_date": "2024",
         "status": "partial", "rationale": "Partially implemented: a visit", "source_ids": "TEST1", **unread(1)},
        {"assessment_id": "A009", "item_id": "C1-98.17", "assessor": "Test coalition", "assessed_date": "2024",
         "status": "implemented", "rationale": "Implemented.", "source_ids": "TEST1", **unread(2)}]


def unread(row: int, by: str = "import") -> dict:
    """An imported assessment: where it stands in the file, who transcribed it, and no second reading yet (it counts
    once someone else has read it against the assessor's report)."""
    return {"locator": f"row {row} of the imported assessment column", "recorded_by": by, "read_by": None,
            "read_date": None, "read_verdict": None, "read_note": None}


def test_an_assessment_made_again_is_changed_or_unchanged(small):
    from compliance.importer import AssessmentOptions

    opts = AssessmentOptions("Test coalition", "2024", "TEST1")
    sheet = {"Para": "", "Text": "Release detainees", "States": "United Kingdom", "Cycle": "3"}
    same = assessed({**sheet, "Our assessment": "Not implemented"}, ds=small, assess=opts)
    a = same.report.assessments
    assert (a["mapped"], a["added"], a["changed"], a["unchanged"]) == (1, 0, 0, 1)
    assert same.changes() == {}
    other = assessed({**sheet, "Our assessment": "unfulfilled"}, ds=small, assess=opts)
    assert other.report.assessments["changed"] == 1
    row = other.changes()["assessments.csv"].iloc[0].to_dict()
    assert row == {"assessment_id": "A007", "item_id": "C3-GBR-1", "assessor": "Test coalition", "assessed_date": "2024",
                   "status": "unfulfilled", "rationale": "unfulfilled", "source_ids": "TEST1", **unread(1)}
    later = assessed({**sheet, "Our assessment": "Implemented"}, ds=small,
                     assess=AssessmentOptions("Test coalition", "2025", "TEST1"))
    assert later.report.assessments["added"] == 1  # another date: another assessment


@pytest.mark.parametrize("options,message", [
    (("", "2024", "TEST1"), "--assessor: give the name of the organisation that wrote the assessments"),
    (("X", "2024-13", "TEST1"), "--assessed-on: '2024-13' is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY)"),
    (("X", "24", "TEST1"), "--assessed-on: '24' is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY)"),
    (("X", "2024-02-30x", "TEST1"), "--assessed-on: '2024-02-30x' is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY)"),
    (("X", "2024", "NOPE"), "--source: 'NOPE' is not in data/sources.csv; add the assessor's report there first (see "
                            "data/README.md), then import with its source_id"),
])
def test_assessment_options_are_checked_before_reading(small, options, message):
    from compliance.importer import AssessmentOptions

    with pytest.raises(ImportFormatError) as exc:
        assessed({"Our assessment": "Implemented"}, ds=small, assess=AssessmentOptions(*options))
    assert str(exc.value) == message


# --- what cannot be read at all: one message -------------------------------------------------------------------


@pytest.mark.parametrize("raw,options,message", [
    (b"Text,From\nx,Norway\n", {"state": "XX"}, "state under review 'XX' is not an ISO 3166 alpha-3 code (e.g. BLR, SVN)"),
    (b"Text,From\nx,Norway\n", {"state": "ABC"}, "state under review 'ABC' is not an ISO 3166 alpha-3 code (e.g. BLR, SVN)"),
    (b"Text,From\nx,Norway\n", {"fmt": "excel"}, "unknown format 'excel'; use one of auto, docx, uprinfo, uhri, mapped"),
    (b"Text,From\nx,Norway\n", {"cycle": 5}, "--cycle 5: UPR cycles are 1-4"),
    (b"Text,From\nx,Norway\n", {"cycle": 0}, "--cycle 0: UPR cycles are 1-4"),
    (b"  \n ", {}, "sheet.csv is empty"),
    (b"Text,From\nx,Norway\n", {"fmt": "docx"}, "sheet.csv is not a Word document (.docx): use --format auto for CSV "
                                                "and XLSX files"),
    (b"Text,From\nx,Norway\n", {"fmt": "mapped"}, "--format mapped needs a mapping: --map text=COLUMN,"
                                                  "recommending_states=COLUMN… or --map-file FILE"),
    (b"Text,From\nx,Norway\n", {"fmt": "uhri"}, "sheet.csv is not a uhri export: its header does not have the expected "
                                                "columns (missing UPR Reccomending States, UPR Position, UPR Session); "
                                                "use --format auto, or --map to say which column holds what"),
    (b"Text,From\nx,Norway\n", {"fmt": "uprinfo"}, "sheet.csv is not a uprinfo export: its header does not have the "
                                                   "expected columns (missing To, To-Rgrp, To-Org, From-Rgrp, From-Org, "
                                                   "Response, Action, Issue, Session); use --format auto, or --map to "
                                                   "say which column holds what"),
    (b"Text,From\nx,Norway\n", {"mapping": {"text": "Text"}}, "the mapping needs recommending_states: add "
                                                              "recommending_states=COLUMN"),
    (b"Text,From\nx,Norway\n", {"mapping": {"paragraph": "P"}}, "the mapping needs text and recommending_states: add "
                                                                "text=COLUMN, recommending_states=COLUMN"),
    (b"Text,From\nx,Norway\n", {"mapping": {"text": "Text", "recommending_states": "From", "colour": "Text"}},
     "unknown mapping field 'colour'; the fields are text, paragraph, recommending_states, response, session, cycle, "
     "themes, state_under_review, assessment"),
    (b"Text,From\nx,Norway\n", {"mapping": {"text": "Text", "recommending_states": "To"}},
     "--map recommending_states=To: the file has no column 'To'; its columns are 'Text', 'From'"),
    (b"Text,From\nx,Norway\n", {"mapping": {"text": " text ", "recommending_states": "FROM"}},
     "sheet.csv does not say which UPR cycle its recommendations belong to (no cycle or session column, no matrix page "
     "header, no document symbol we know): add --cycle N (1-4), or map a column with --map session=COLUMN or "
     "cycle=COLUMN"),
    (b"A,B,C,D,E,F,G,H,I\n1,2,3,4,5,6,7,8,9\n", {},
     "sheet.csv: unrecognised header ('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'…): not an OHCHR matrix (DOCX), a UHRI "
     "export (needs Text, UPR Reccomending States, UPR Position, UPR Session) or a classic UPR Info export (To, To-Rgrp, "
     "To-Org, Text, From, From-Rgrp, From-Org, Response, Action, Issue, Session). To import it anyway, say which column "
     "holds what: --map text=COLUMN,recommending_states=COLUMN[,response=COLUMN,session=COLUMN…] or --map-file FILE "
     "(fields: text, paragraph, recommending_states, response, session, cycle, themes, state_under_review, assessment)"),
    (b"A,B\n1,2\n", {}, "sheet.csv: unrecognised header ('A', 'B'): not an OHCHR matrix (DOCX), a UHRI export (needs "
                        "Text, UPR Reccomending States, UPR Position, UPR Session) or a classic UPR Info export (To, "
                        "To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response, Action, Issue, Session). To import "
                        "it anyway, say which column holds what: --map text=COLUMN,recommending_states=COLUMN[,response="
                        "COLUMN,session=COLUMN…] or --map-file FILE (fields: text, paragraph, recommending_states, "
                        "response, session, cycle, themes, state_under_review, assessment)"),
])
def test_a_file_that_cannot_be_read_is_one_message(small, raw, options, message):
    with pytest.raises(ImportFormatError) as exc:
        plan_import(small, raw, name="sheet.csv", **options)
    assert str(exc.value) == message


def test_a_word_document_with_a_format_or_a_mapping_is_one_message(small):
    raw = (FIX / "matrix_cycle4.docx").read_bytes()
    with pytest.raises(ImportFormatError) as exc:
        plan_import(small, raw, name="m.docx", fmt="uhri")
    assert str(exc.value) == "m.docx is a Word document (an OHCHR matrix?), not a uhri export: use --format docx or auto"
    with pytest.raises(ImportFormatError) as exc:
        plan_import(small, raw, name="m.docx", mapping={"text": "A"})
    assert str(exc.value) == "m.docx is a Word document: --map applies to CSV and XLSX files; the matrix's columns are known"


def test_headers_are_told_apart_whatever_their_case_and_spacing(small):
    header = "to,TO-RGRP,To-Org,text,From ,From-Rgrp,From-Org,Response,Action,Issue,  Session\n"
    plan = plan_import(small, (header + "Belarus,,,A new ask,Norway,,,Noted,,,8\n").encode(), name="x.csv", fmt="uprinfo")
    assert plan.report.format == "uprinfo" and plan.report.errors == []
    uhri_header = "Text,UPR RECCOMENDING STATES,UPR  Position,upr session\n"
    plan = plan_import(small, (uhri_header + "1.1 x,Norway,Noted,8\n").encode(), name="x.csv")
    assert plan.report.format == "uhri" and plan.report.errors == []


# --- column mappings -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec,message", [
    ("text", "--map: 'text' is not FIELD=COLUMN; fields: text, paragraph, recommending_states, response, session, cycle, "
             "themes, state_under_review, assessment"),
    ("txt=A", "--map: unknown field 'txt'; the fields are text, paragraph, recommending_states, response, session, "
              "cycle, themes, state_under_review, assessment"),
    ("text= ", "--map: no column given for text; write text=COLUMN"),
    ("  ", "--map is empty; write FIELD=COLUMN pairs, e.g. text=Recommendation,recommending_states=State"),
    (",", "--map: ',' is not FIELD=COLUMN; fields: text, paragraph, recommending_states, response, session, cycle, "
          "themes, state_under_review, assessment"),
])
def test_a_bad_map_is_one_message(spec, message):
    with pytest.raises(ImportFormatError) as exc:
        parse_map(spec)
    assert str(exc.value) == message


def test_map_pairs_and_commas_in_column_names():
    assert parse_map(" text = A , b , recommending_states=C,cycle =D ") == {"text": "A , b", "recommending_states": "C",
                                                                            "cycle": "D"}
    assert parse_map("text=A=B") == {"text": "A=B"}


@pytest.mark.parametrize("raw,message", [
    (b"[1, 2]", "m.toml is neither a JSON object nor a TOML table of FIELD = \"COLUMN\" ()"),
    (b"text = ", "m.toml is neither a JSON object nor a TOML table of FIELD = \"COLUMN\" (JSON: Expecting value: line 1 "
                 "column 1 (char 0); TOML: "),
    (b'colour = "A"', "m.toml: unknown field(s) 'colour'; the fields are text, paragraph, recommending_states, response, "
                      "session, cycle, themes, state_under_review, assessment"),
    (b'text = 3', 'm.toml: every field must name a column as text, e.g. text = "Recommendation"'),
    (b'text = " "', 'm.toml: every field must name a column as text, e.g. text = "Recommendation"'),
])
def test_a_bad_map_file_is_one_message(raw, message):
    with pytest.raises(ImportFormatError) as exc:
        parse_map_file(raw, "m.toml")
    assert str(exc.value).startswith(message)


def test_a_map_file_saved_and_read_again(tmp_path):
    from compliance.importer import load_map_file, map_file_text

    text = map_file_text({"text": "Recommendation \"A\"", "recommending_states": "État", "cycle": ""})
    assert text == ('# Column mapping for python -m compliance import --map-file (fields: see README, \'Import\')\n'
                    '[map]\ntext = "Recommendation \\"A\\""\nrecommending_states = "État"\n')
    (tmp_path / "m.toml").write_text(text, encoding="utf-8")
    assert load_map_file(tmp_path / "m.toml") == {"text": 'Recommendation "A"', "recommending_states": "État"}
    assert parse_map_file(b'\xef\xbb\xbf{"map": {"text": " A "}}') == {"text": "A"}
    with pytest.raises(ImportFormatError) as exc:
        load_map_file(tmp_path / "none.toml")
    assert str(exc.value) == f"--map-file: cannot read {str(tmp_path / 'none.toml')!r} (No such file or directory)"


def test_a_first_guess_at_the_mapping_from_the_header():
    from compliance.importer import suggest_mapping

    assert suggest_mapping(["Recommendation", "Para", "Recommending  State", "Position", "UPR Session", "Cycle",
                            "Issues", "SuR", "Level of implementation", "Notes"]) == {
        "text": "Recommendation", "paragraph": "Para", "recommending_states": "Recommending  State",
        "response": "Position", "session": "UPR Session", "cycle": "Cycle", "themes": "Issues",
        "state_under_review": "SuR", "assessment": "Level of implementation"}
    # a column is offered for one field only; nothing is guessed from words it does not know
    assert suggest_mapping(["Text", "From", "To", "Comment"]) == {"text": "Text", "recommending_states": "From",
                                                                  "state_under_review": "To"}
    assert suggest_mapping(["Session"]) == {"session": "Session"}


def test_a_repeated_row_still_adds_the_states_it_alone_names(data):
    """Row 2 repeats row 1's Brazil and adds Lithuania: Brazil is counted once, Lithuania is kept (it was dropped)."""
    row = {"Text": "116.2 Declare a moratorium", "UPR Reccomending States": "- Brazil", "UPR Position": "- Noted",
           "UPR Session": "- 8th Session"}
    raw = csv_text([row, {**row, "UPR Reccomending States": "- Lithuania\n- Brazil"}])
    plan = plan_import(load_dataset(data), raw, name="u.csv")
    assert plan.report.warnings == [{"row": 2, "field": None,
                                     "message": "repeats row 1 (paragraph 116.2, same recommending state): counted once"}]
    assert (plan.report.states, plan.report.added_state_rows) == (2, 2)
    added = plan.changes()["recommendation_states.csv"].iloc[-2:]
    assert added[["recommendation_id", "state_iso3"]].to_numpy().tolist() == [["C1-116.2", "BRA"], ["C1-116.2", "LTU"]]


def test_a_changed_assessment_takes_the_new_status_text_and_source():
    from factory import VALID_ROWS

    from compliance.importer import AssessmentOptions

    small = import_target(lambda t: t["sources.csv"].append(dict(VALID_ROWS["sources.csv"])))  # TEST2
    sheet = {"Para": "", "Text": "Release detainees", "States": "United Kingdom", "Cycle": "3"}
    plan = assessed({**sheet, "Our assessment": "Implemented: all were released"}, ds=small,
                    assess=AssessmentOptions("Test coalition", "2024", "TEST2"))
    a = plan.report.assessments
    assert (a["mapped"], a["added"], a["changed"], a["unchanged"], a["statuses"]) == (1, 0, 1, 0, {"implemented": 1})
    rows = plan.changes()["assessments.csv"].to_dict("records")
    assert rows == [{"assessment_id": "A007", "item_id": "C3-GBR-1", "assessor": "Test coalition",
                     "assessed_date": "2024", "status": "implemented", "rationale": "Implemented: all were released",
                     "source_ids": "TEST2", **unread(1)}]  # changed words are read again before they count


def test_assessments_are_numbered_after_the_highest_id_and_from_a001_in_an_empty_table(small):
    from compliance.importer import AssessmentOptions

    opts = AssessmentOptions("Another coalition", "2025", "TEST1")
    many = assessed({"Our assessment": "Implemented"}, {"Para": "98.17", "Our assessment": "Not implemented"},
                    {"Para": "98.18", "Our assessment": "Partially implemented"}, ds=small, assess=opts)
    a = many.report.assessments
    assert (a["added"], a["changed"], a["unchanged"], a["mapped"]) == (3, 0, 0, 3)
    new = many.changes()["assessments.csv"]
    assert list(new["assessment_id"]) == ["A007", "A008", "A009", "A010"] and list(new.index) == [0, 1, 2, 3]
    assert list(new["status"]) == ["unfulfilled", "implemented", "unfulfilled", "partial"]
    # ids past A099 keep counting (A123 -> A124), and an empty table starts at A001
    high = import_target(lambda t: t["assessments.csv"][0].update(assessment_id="A123"))
    plan = assessed({"Para": "98.17", "Our assessment": "Implemented"}, ds=high, assess=opts)
    assert list(plan.changes()["assessments.csv"]["assessment_id"]) == ["A123", "A124"]
    empty = import_target(lambda t: t["assessments.csv"].clear())
    plan = assessed({"Para": "98.17", "Our assessment": "Implemented"}, ds=empty, assess=opts)
    assert list(plan.changes()["assessments.csv"]["assessment_id"]) == ["A001"]


def test_the_uhri_layout_reads_its_columns_and_maps_themes_by_keyword():
    from compliance.importer import uhri_layout

    cols = ["Text", "Countries Concerned", "Reccomending Body", "UPR Reccomending States", "UPR Position",
            "UPR Session", "Themes", "Document Symbol"]
    lay = uhri_layout(cols)
    assert (lay.format, lay.theme_mode, lay.body, lay.symbol, lay.paragraph_required) == (
        "uhri", "keywords", "Reccomending Body", "Document Symbol", True)
    assert lay.columns == {"text": "Text", "recommending_states": "UPR Reccomending States", "response": "UPR Position",
                           "session": "UPR Session", "themes": "Themes", "state_under_review": "Countries Concerned"}
    assert uhri_layout(["Text"]).columns == {"text": "Text"}  # columns that are not there are left out
