"""Reading OHCHR matrices (DOCX), fast and exact: every row the parser makes from each fixture and from the real
Slovenia matrix, field by field, and each thing a page header or a row can get wrong, with the message users see.

The import end to end (CLI, store, files on disk) is in test_import_formats.py; these tests call the parser and the
planner directly so that `make mutants` can run them for every mutant of compliance/importer.py."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from conftest import ROOT
from fixtures.make_import_fixtures import _matrix

from compliance.importer import ImportFormatError, parse_docx, plan_import

FIX = ROOT / "tests" / "fixtures"
# the real "Thematic list of recommendations" of Slovenia's 4th-cycle review (UPR 48), as OHCHR publishes it; a copy
# of ../shared/samples/upr48_slovenia_thematic_list_of_recommendations.docx so the tests do not depend on where the
# checkout sits
SLOVENIA = FIX / "upr48_slovenia_thematic_list_of_recommendations.docx"
COLS4 = ["Recommendation and recommending State", "Position of the State under review",
         "Human rights themes and groups of persons", "Relevant SDGs"]
REC_COL = COLS4[0]
HEADER4 = "UPR of Belarus (4th Cycle - 50th Session)"
NO_HEADER = "no page header 'UPR of <State> (<N>th Cycle - <N>th Session)' found; the file is taken to be about BLR"


def parse(shipped, path, state="BLR", cycle=None):
    return parse_docx(path.read_bytes(), shipped, state, cycle, path.name)


def rows(parsed) -> list[tuple]:
    return [dataclasses.astuple(r) for r in parsed.rows]


def matrix(tmp_path, header, *body, name="m.docx"):
    """A one-table matrix in the 4th-cycle layout: `body` rows are [cell, position, themes, sdgs] or section titles."""
    path = tmp_path / name
    _matrix(path, header, COLS4, list(body))
    return path


def ask(cell: str, position: str = "Supported", themes: str = "- Death penalty") -> list[str]:
    return [cell + "\nSource of Position: A/HRC/TEST - Para.3", position, themes, ""]


# --- the fixtures, row by row ------------------------------------------------------------------------


def test_fourth_cycle_layout_row_by_row(shipped):
    p = parse(shipped, FIX / "matrix_cycle4.docx")
    assert (p.format, p.file_state, p.rows_read, p.assessment_column, p.other, p.other_states) == (
        "docx", "BLR", 3, False, 0, {})
    assert (p.errors, p.warnings, p.unmapped) == ([], [], {"Right to life"})
    both = "Test ask one; with a semicolon inside its text (France); test ask two (Germany) (Chile)"
    assert rows(p) == [
        (2, 4, "150.1", "Test ask to introduce a moratorium", "cc51b5251be9", ["IRN", "PRT"], "noted", None,
         ["death-penalty"], 50, None, None),
        (4, 4, "150.2", "Test ask to ratify the Convention on the Rights of All Migrant Workers and Members of Their "
         "Families (ICRMW)", "76aaa58d50a2", ["IRN"], "supported", None,
         ["discrimination-minorities", "international-instruments"], 50, None, None),
        (5, 4, "150.3", "Test ask one; with a semicolon inside its text", "4eeaba820ac4", ["FRA"], "supported", None,
         ["international-instruments"], 50, None, both),
        (5, 4, "150.3", "test ask two", "9c03ea50f68e", ["DEU", "CHL"], "supported", None,
         ["international-instruments"], 50, None, both),
    ]


def test_older_layout_keeps_each_assessment_text(shipped):
    p = parse(shipped, FIX / "matrix_cycle2_assessed.docx")
    assert (p.file_state, p.rows_read, p.assessment_column, p.errors, p.warnings, p.unmapped) == (
        "BLR", 7, True, [], [], set())
    got = rows(p)
    assert [(r[0], r[1], r[2], r[5], r[6], r[9], r[10]) for r in got] == [
        (2, 2, "131.1", ["EST"], "noted", 22, "Not implemented. No step was taken."),
        (3, 2, "131.2", ["LVA"], "noted", 22, "Partially implemented: one visit."),
        (5, 2, "131.3", ["AUT"], "supported", 22, "Implemented."),
        (6, 2, "131.4", ["SVK"], "supported", 22, "No information"),
        (7, 2, "131.5", ["IRL"], "supported", 22, "The authorities said they would consider it."),
        (8, 2, "131.6", ["CHL"], "supported", 22, "Some parts implemented, other parts not implemented."),
        (9, 2, "131.7", ["MEX"], "supported", 22, None),
    ]
    assert got[1][3:5] == ("Test ask to cooperate with the Special Rapporteur", "60640d02491e")
    assert got[1][8] == ["accountability", "international-instruments"]  # coded themes 'A12 …', 'B51 …'
    assert {tuple(r[8]) for r in got[2:]} == {("torture-detention",)}


def test_each_broken_row_is_named_and_the_good_row_is_kept(shipped):
    p = parse(shipped, FIX / "matrix_errors.docx")
    assert p.errors == [
        {"row": 2, "field": REC_COL, "message": "paragraph 150.21: unknown state name 'Atlantis' in the recommending "
         "states' parentheses: add it to ALIASES in compliance/countries.py if it is a real state"},
        {"row": 3, "field": "Position of the State under review",
         "message": "paragraph 150.22: unknown position 'Maybe later': expected Supported or Noted"},
        {"row": 4, "field": REC_COL, "message": "expected the cell to start with the paragraph number, e.g. '140.7 "
         "Ratify …'; got 'Test ask without its paragraph (Norway);'"},
    ]
    assert rows(p) == [(5, 4, "150.24", "Test ask that is fine", "f9f972b8326f", ["NOR"], "supported", None,
                        ["death-penalty"], 50, None, None)]
    assert (p.rows_read, p.warnings) == (4, [])


def test_without_a_page_header_the_cycle_comes_from_the_command(shipped):
    p = parse(shipped, FIX / "matrix_no_header.docx")
    assert p.file_state is None and p.rows == []
    assert p.warnings == [{"row": None, "field": "page header", "message": NO_HEADER}]
    assert p.errors == [{"row": 2, "field": "Recommendation", "message": "no cycle: the page header does not say it and "
                         "the source symbol is not one we know; add --cycle N (1-4)"}]
    p = parse(shipped, FIX / "matrix_no_header.docx", cycle=3)
    assert p.errors == [] and p.warnings == [{"row": None, "field": "page header", "message": NO_HEADER}]
    assert rows(p) == [(2, 3, "127.90", "Test ask in a matrix without header", "900909e15e6d", ["NOR"], "noted", None,
                        ["death-penalty"], None, None, None)]


# --- the real matrix ---------------------------------------------------------------------------------


def test_the_real_slovenia_matrix_row_by_row(shipped):
    p = parse(shipped, SLOVENIA, state="SVN")
    assert (p.format, p.file_state, p.rows_read, len(p.rows), p.errors, p.warnings, p.assessment_column) == (
        "docx", "SVN", 254, 254, [], [], False)
    got = rows(p)
    assert Counter(r[6] for r in got) == {"supported": 217, "noted": 37}
    assert {r[1] for r in got} == {4} and {r[9] for r in got} == {48}
    assert len({r[2] for r in got}) == 254 and all(r[10] is None and r[11] is None for r in got)
    assert len({s for r in got for s in r[5]}) == 94  # recommending states
    assert got[0] == (2, 4, "140.7", "Ratify the Optional Protocol to the International Covenant on Economic, Social "
                      "and Cultural Rights", "5e1676fdc66e", ["MDV", "PRT"], "supported", None,
                      ["international-instruments"], 48, None, None)
    assert got[-1] == (307, 4, "140.253", "Establish a specific procedure for determining stateless status and adopt "
                       "concrete measures to improve the registration of stateless persons", "a97d035ab394", ["CRI"],
                       "noted", None, ["discrimination-minorities"], 48, None, None)
    first = next(r for r in got if r[2] == "140.1")  # eight states, in the order the matrix names them
    assert first[5] == ["DZA", "CPV", "PRY", "SSD", "LKA", "TGO", "URY", "VEN"] and first[6] == "noted"
    assert first[8] == ["discrimination-minorities", "international-instruments"]
    assert len(p.unmapped) == 20 and "Right to life" in p.unmapped


def test_the_real_matrix_about_another_state_is_read_but_not_taken(shipped):
    p = parse(shipped, SLOVENIA)  # read for Belarus, the dataset's state
    assert (p.file_state, p.rows, p.other, p.other_states, p.errors) == ("SVN", [], 254, {"SVN": 254}, [])
    plan = plan_import(shipped, SLOVENIA.read_bytes(), name=SLOVENIA.name)
    assert not plan.changed and "is about Slovenia (SVN), not Belarus (BLR)" in plan.refusal()
    r = plan.report
    assert (r.file_state, r.dataset_state, r.rows_for_other_states, r.recommendations, r.responses) == (
        "SVN", "BLR", 254, 0, {})
    assert r.warnings == [{"row": None, "field": "page header", "message": "the file is about Slovenia (SVN), not "
                           "Belarus (BLR): its 254 recommendations were not read; to check it, run a dry run with "
                           "--state SVN"}]


# --- what a page header or a row can get wrong -------------------------------------------------------


def test_a_header_naming_no_state_we_know_is_a_warning_and_the_rows_count(shipped, tmp_path):
    path = matrix(tmp_path, "UPR of Atlantis (4th Cycle - 50th Session)", ask("150.1 Test ask (Norway);"))
    p = parse(shipped, path)
    assert p.file_state is None and p.warnings == [{"row": None, "field": "page header", "message":
        "the page header names 'Atlantis', which is not a state we can map; the file is taken to be about BLR (add "
        "the name to ALIASES in compliance/countries.py)"}]
    assert [(r[1], r[2], r[5], r[9]) for r in rows(p)] == [(4, "150.1", ["NOR"], 50)]


def test_a_header_cycle_outside_the_reviews_is_refused(shipped, tmp_path):
    path = matrix(tmp_path, "UPR of Belarus (5th Cycle - 50th Session)", ask("150.1 Test ask (Norway);"))
    with pytest.raises(ImportFormatError) as exc:
        parse(shipped, path)
    assert str(exc.value) == "m.docx: the page header says cycle 5; UPR cycles are 1-4"
    path = matrix(tmp_path, "UPR of Belarus (0th Cycle - 50th Session)", ask("150.1 Test ask (Norway);"))
    with pytest.raises(ImportFormatError, match="says cycle 0"):
        parse(shipped, path)
    for n, word in ((1, "1st"), (4, "4th")):  # the first and the last cycle are read
        path = matrix(tmp_path, f"UPR of Belarus ({word} Cycle - 8th Session)", ask("97.1 Test ask (Norway);"))
        assert {r.cycle for r in parse(shipped, path).rows} == {n}


def test_a_session_of_another_cycle_in_the_header_is_a_warning_and_the_header_cycle_stands(shipped, tmp_path):
    path = matrix(tmp_path, "UPR of Belarus (4th Cycle - 22nd Session)", ask("150.1 Test ask (Norway);"))
    p = parse(shipped, path)
    assert p.warnings == [{"row": None, "field": "page header", "message": "the page header's session 22 is in cycle "
                           "2 by our session table, but the header says cycle 4; cycle 4 is used"}]
    assert [(r.cycle, r.session) for r in p.rows] == [(4, 22)]
    p = parse(shipped, matrix(tmp_path, HEADER4, ask("150.1 Test ask (Norway);")))  # 50 is in cycle 4: no warning
    assert p.warnings == []


def test_a_header_about_another_state_counts_its_rows_as_theirs(shipped, tmp_path):
    path = matrix(tmp_path, "UPR of Norway (4th Cycle - 50th Session)", "Theme: Death penalty",
                  ask("150.1 Test ask (Sweden);"), ask("150.2 Another (Chile);"))
    p = parse(shipped, path)
    assert (p.file_state, p.rows, p.other, p.other_states, p.errors, p.warnings) == ("NOR", [], 2, {"NOR": 2}, [], [])
    p = parse(shipped, path, state="NOR")  # read for the state it is about
    assert (p.other, [r.states for r in p.rows]) == (0, [["SWE"], ["CHL"]])


def test_row_problems_each_with_their_words(shipped, tmp_path):
    path = matrix(tmp_path, HEADER4,
                  ["", "Supported", "- Death penalty", ""],
                  ask("150.2 Test ask with no state at the end;"),
                  ask("150.3 Test ask (Norway);", position=""),
                  ask("150.4 Test ask for Utopia (Norway) (Utopia Land);"))
    p = parse(shipped, path)
    assert p.errors == [
        {"row": 1, "field": REC_COL, "message": "the recommendation cell is empty"},
        {"row": 2, "field": REC_COL, "message": "paragraph 150.2: no recommending state in parentheses at the end of "
         "'…Test ask with no state at the end'; a clause ends with its states, e.g. '… (Maldives) (Portugal);'"},
        {"row": 4, "field": REC_COL, "message": "paragraph 150.4: unknown state name 'Utopia Land' in the "
         "recommending states' parentheses: add it to ALIASES in compliance/countries.py if it is a real state"},
    ]
    # a position not filled in yet is an unknown response, not an error
    assert [(r.row, r.paragraph, r.states, r.response) for r in p.rows] == [(3, "150.3", ["NOR"], "unknown")]
    assert p.rows_read == 4 and p.warnings == []


def test_a_name_before_the_states_is_read_as_text_with_a_warning(shipped, tmp_path):
    path = matrix(tmp_path, HEADER4, ask("150.1 Cooperate with the Office (Special Rapporteur) (Norway);"))
    p = parse(shipped, path)
    assert p.warnings == [{"row": 1, "field": REC_COL, "message": "paragraph 150.1: '(Special Rapporteur)' just before "
                           "the recommending states was read as part of the text; if it is a state, add its name to "
                           "ALIASES in compliance/countries.py"}]
    assert [(r.text, r.states) for r in p.rows] == [("Cooperate with the Office (Special Rapporteur)", ["NOR"])]


def test_a_state_named_twice_in_a_clause_counts_once(shipped, tmp_path):
    p = parse(shipped, matrix(tmp_path, HEADER4, ask("150.1 Test ask (Norway) (Kingdom of Norway) (Chile);")))
    assert [r.states for r in p.rows] == [["NOR", "CHL"]]


def test_the_cycle_of_a_headerless_matrix_comes_from_the_source_symbol(shipped, tmp_path):
    body = ["127.1 Test ask (Norway);\nSource of position: A/HRC/WG.6/36/L.1 - Para. 3", "Noted", "- Death penalty", ""]
    p = parse(shipped, matrix(tmp_path, None, body))
    assert [(r.cycle, r.session) for r in p.rows] == [(3, 36)] and p.errors == []
    report = shipped.cycles.set_index("cycle").at[2, "report_symbol"]  # a report symbol in cycles.csv names its cycle
    body = [f"131.1 Test ask (Norway);\nSource of position: {report}/Add.1 - Para. 3", "Noted", "- Death penalty", ""]
    p = parse(shipped, matrix(tmp_path, None, body, name="n.docx"))
    assert [(r.cycle, r.session) for r in p.rows] == [(2, None)] and p.errors == []
    p = parse(shipped, matrix(tmp_path, None, body, name="n.docx"), cycle=3)  # the symbol and --cycle disagree
    assert p.rows == [] and p.errors == [{"row": 1, "field": REC_COL, "message": "the file says cycle 2 (document "
                                          f"symbol {report}/Add.1) but --cycle says 3: remove --cycle, or check that "
                                          "this is the file you meant"}]


def test_the_header_cycle_and_the_command_must_agree(shipped, tmp_path):
    path = matrix(tmp_path, HEADER4, ask("150.1 Test ask (Norway);"))
    p = parse(shipped, path, cycle=3)
    assert p.rows == [] and p.errors == [{"row": 1, "field": REC_COL, "message": "the file says cycle 4 (page header) "
                                          "but --cycle says 3: remove --cycle, or check that this is the file you "
                                          "meant"}]
    assert [r.cycle for r in parse(shipped, path, cycle=4).rows] == [4]


# --- a matrix's assessment column when the plan cannot be applied -------------------------------------

COLS2 = ["Recommendation", "Position", "Full list of themes", "Assessment/comments on level of implementation"]
SRC2 = "\nSource of position: A/HRC/30/3/Add.1 - Para. 3"
HINT = "write one of: implemented, partially implemented, not implemented, no information"


def assessed_matrix(tmp_path, header, *extra):
    path = tmp_path / "assessed.docx"
    _matrix(path, header, COLS2, [
        ["131.1 Test ask one (Estonia);" + SRC2, "Noted", "- Death penalty", "Not implemented."],
        ["131.2 Test ask two (Latvia);" + SRC2, "Supported", "- Death penalty", "Partially implemented: a visit."],
        ["131.3 Test ask three (Austria);" + SRC2, "Supported", "- Death penalty", "Not implemented at all."],
        ["131.4 Test ask four (Chile);" + SRC2, "Supported", "- Death penalty", "They said they would."],
        ["131.5 Test ask five (Mexico);" + SRC2, "Supported", "- Death penalty", ""],
        *extra])
    return path


def options(shipped):
    from compliance.importer import AssessmentOptions

    return AssessmentOptions("Test coalition", "2024-05-01", shipped.sources["source_id"].iloc[0])


PREVIEW = {"mapped": 3, "statuses": {"unfulfilled": 2, "partial": 1},
           "unmapped": [{"row": 4, "paragraph": "131.4", "message": f"no clear wording of a status; {HINT}"}],
           "added": 0, "changed": 0, "unchanged": 0}


def test_a_matrix_about_another_state_previews_its_assessments_and_adds_none(shipped, tmp_path):
    path = assessed_matrix(tmp_path, "UPR of Norway (2nd Cycle - 22nd Session)")
    plan = plan_import(shipped, path.read_bytes(), name=path.name, state="NOR", assess=options(shipped))
    assert plan.report.assessments == PREVIEW and not plan.changed
    r = plan.report
    assert (r.recommendations, r.states, r.cycles, r.sessions, r.compared) == (5, 5, [2], [22], False)
    assert list(r.responses.items()) == [("supported", 4), ("noted", 1)] and r.warnings == []
    assert "read for Norway (NOR), but this dataset is about Belarus (BLR)" in plan.refusal()


def test_a_matrix_with_errors_previews_its_assessments_unless_the_errors_are_skipped(shipped, tmp_path):
    path = assessed_matrix(tmp_path, "UPR of Belarus (2nd Cycle - 22nd Session)",
                           ["131.6 Test ask six (Atlantis);" + SRC2, "Supported", "- Death penalty", "Implemented."])
    plan = plan_import(shipped, path.read_bytes(), name=path.name, assess=options(shipped))
    assert plan.report.assessments == PREVIEW and [e["row"] for e in plan.report.errors] == [6]
    assert (plan.report.skipped_rows, plan.report.recommendations, plan.changed) == ([6], 5, False)
    skipped = plan_import(shipped, path.read_bytes(), name=path.name, assess=options(shipped), skip_invalid=True)
    a = skipped.report.assessments
    assert (a["mapped"], a["statuses"], a["unmapped"], a["added"]) == (3, PREVIEW["statuses"], PREVIEW["unmapped"], 3)
