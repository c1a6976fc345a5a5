"""The second reading (compliance.reading): the rules of the reading columns, what counts, what is listed for a
reader, recording a reading through the store, and the command line."""

from __future__ import annotations

import json

import pytest
from factory import assessment, base_tables, csv_bytes, obs, write_dataset

from compliance import cli, reading
from compliance.data import DataValidationError, dataset_from_tables, load_dataset
from compliance.store import CsvFolderStore

UNREAD = {"read_by": "", "read_date": "", "read_verdict": ""}


def problems_in(tables) -> list[str]:
    try:
        dataset_from_tables(csv_bytes(tables), today=__import__("pandas").Timestamp("2026-11-25"))
    except DataValidationError as exc:
        return [str(p) for p in exc.problems]
    return []


# --- the rules of the reading columns (compliance.data._check_readings) -----------------------------------------

RULES = [
    ("a verdict names its reader", {"read_by": ""}, 'data/observations.csv, row 1, field "read_by": is required when read_verdict is given; name the second reader'),
    ("a verdict has its date", {"read_date": ""}, 'data/observations.csv, row 1, field "read_date": is required when read_verdict is given (YYYY-MM-DD)'),
    ("a reader gives a verdict", {"read_verdict": ""}, 'data/observations.csv, row 1, field "read_verdict": is required when read_by or read_date is given: one of confirmed, corrected, rejected, unreachable'),
    ("nobody reads their own row", {"read_by": " test WRITER "}, "data/observations.csv, row 1, field \"read_by\": 'test WRITER' also wrote this row (recorded_by); a second reading must be made by someone else"),
    ("a row set aside says why", {"read_verdict": "rejected", "read_note": ""}, 'data/observations.csv, row 1, field "read_note": is required when the row is rejected: say why'),
    ("a row that may count says where", {"locator": ""}, 'data/observations.csv, row 1, field "locator": is required: say where in the source the fact is said (paragraph, page, section or heading) so that a reader can find it'),
    ("an unread row says where too", {"locator": "", **UNREAD}, 'data/observations.csv, row 1, field "locator": is required: say where in the source the fact is said (paragraph, page, section or heading) so that a reader can find it'),
    ("a verdict is one of four", {"read_verdict": "fine"}, 'data/observations.csv, row 1, field "read_verdict": expected confirmed, corrected, rejected or unreachable; got \'fine\''),
]


@pytest.mark.parametrize("name,change,problem", RULES, ids=[r[0] for r in RULES])
def test_each_reading_rule_names_row_field_and_fix(name, change, problem):
    tables = base_tables()
    tables["observations.csv"] = [obs("O1", "moratorium", "2020-01-01", "yes", **change)]
    assert problems_in(tables) == [problem]


def test_a_row_set_aside_needs_no_locator_and_an_unread_one_is_valid():
    tables = base_tables()
    tables["observations.csv"] = [obs("O1", "moratorium", "2020", "yes", locator="", read_verdict="unreachable",
                                      read_note="no copy found"), obs("O2", "moratorium", "2021", "no", **UNREAD)]
    assert problems_in(tables) == []


def test_every_table_of_facts_has_the_rules():
    tables = base_tables()
    tables["assessments.csv"] = [assessment("A1", "C1-98.16", "2023", "partial", read_by="Test writer")]
    tables["demands.csv"][0]["read_verdict"] = ""
    assert problems_in(tables) == [
        'data/demands.csv, row 1, field "read_verdict": is required when read_by or read_date is given: one of confirmed, '
        "corrected, rejected, unreachable",
        "data/assessments.csv, row 1, field \"read_by\": 'Test writer' also wrote this row (recorded_by); a second reading "
        "must be made by someone else"]


def test_a_contested_criterion_needs_both_sides_recorded():
    tables = base_tables()
    tables["contested.csv"] = [{"criterion_id": "moratorium", "contested_since": "2021", "note": "they disagree"}]
    tables["observations.csv"] = [obs("O1", "moratorium", "2020", "yes"), obs("O2", "moratorium", "2022", "yes")]
    assert problems_in(tables) == [
        "data/contested.csv, row 1, field \"criterion_id\": 'moratorium' is marked contested but observations.csv does not "
        "record both sides (two observations of it with different 'met'); add the other side's observation or remove the row"]
    tables["observations.csv"][1]["met"] = "no"
    assert problems_in(tables) == []


# --- what counts, and what a reader is shown -----------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    tables = base_tables()
    tables["observations.csv"] = [
        obs("O1", "moratorium", "2020", "yes"),
        obs("O2", "moratorium", "2021", "no", **UNREAD),
        obs("O3", "no-executions", "2021", "yes", read_verdict="rejected", read_note="about another country"),
    ]
    tables["pledges.csv"] = [{"pledge_id": "P1", "donor": "Norway", "donor_iso3": "NOR", "recipient": "A fund",
                              "amount": "1000", "amount_qualifier": "exact", "currency": "EUR", "pledged_date": "2021",
                              "purpose": "documentation", "accountability": "yes", "kind": "pledge", "source_ids": "TEST1",
                              "note": "", "read_verdict": "unreachable", "read_note": "no copy", "locator": ""}]
    return write_dataset(tmp_path / "d", tables)


def test_only_rows_read_as_confirmed_or_corrected_count_but_every_row_is_kept(folder):
    ds = load_dataset(folder)
    assert list(ds.observations["observation_id"]) == ["O1"]
    assert ds.pledges.empty
    assert list(ds.table("observations.csv")["observation_id"]) == ["O1", "O2", "O3"]  # what writers change
    assert ds.row_count == sum(len(ds.table(n)) for n in ds.written)


def test_the_review_lists_unread_and_set_aside_rows_with_what_they_claim(folder):
    ds = load_dataset(folder)
    rows = reading.review_rows(ds)
    assert list(zip(rows["table"], rows["row_id"], rows["read_verdict"].fillna("unread"))) == [
        ("observations.csv", "O2", "unread"), ("observations.csv", "O3", "rejected"), ("pledges.csv", "P1", "unreachable")]
    assert rows.iloc[0]["what"] == "moratorium: met no (2021)."
    assert list(reading.review_rows(ds, "unread")["row_id"]) == ["O2"]
    assert len(reading.review_rows(ds, "all")) == 5  # 3 observations, 1 pledge, 1 demand
    assert reading.verdict_counts(ds)["observations.csv"] == {"confirmed": 1, "corrected": 0, "rejected": 1,
                                                              "unreachable": 0, "unread": 1}


def test_an_item_says_what_its_status_rests_on(folder):
    from compliance.scoring import scored_items

    ds = load_dataset(folder)
    scored = scored_items(ds, "2026-01-01")
    r = reading.item_reading(ds, scored).set_index("item_id")
    assert bool(r.at["C1-98.16", "verified"]) and r.at["C1-98.16", "last_read"] == "2026-11-20"
    assert r.at["C1-98.16", "awaiting"] == 1  # O2
    assert not r.at["C3-GBR-1", "verified"] and r.at["C3-GBR-1", "awaiting"] == 0
    aside = reading.set_aside_evidence(ds, "C1-98.16")
    assert list(aside["observation_id"]) == ["O2", "O3"]


# --- recording a reading through the store ---------------------------------------------------------------------


def test_a_reading_is_recorded_through_the_one_write_path_with_its_audit_entry(folder):
    store = CsvFolderStore(folder)
    result = reading.record_reading(store, table="observations.csv", row_id="O2", verdict="confirmed", reader="Ana",
                                    read_date="2026-11-21")
    assert result.files == ["observations.csv"]
    ds = load_dataset(folder)
    assert list(ds.observations["observation_id"]) == ["O1", "O2"]
    row = ds.table("observations.csv").set_index("observation_id").loc["O2"]
    assert (row["read_by"], row["read_date"], row["read_verdict"]) == ("Ana", "2026-11-21", "confirmed")
    assert store.history()[0]["editor"] == "Ana"
    assert store.history()[0]["summary"] == "second reading of O2 (observations.csv): confirmed"


REFUSALS = [
    ("the writer", dict(row_id="O2", verdict="confirmed", reader="test writer"), "test writer wrote O2; a second reading must be made by someone else"),
    ("no reason to reject", dict(row_id="O2", verdict="rejected", reader="Ana"), "say why the row is rejected"),
    ("an unknown row", dict(row_id="O9", verdict="confirmed", reader="Ana"), "no row 'O9' in observations.csv"),
    ("an unknown verdict", dict(row_id="O2", verdict="ok", reader="Ana"), "verdict must be one of"),
    ("no reader", dict(row_id="O2", verdict="confirmed", reader=" "), "the reader's name is required"),
]


@pytest.mark.parametrize("name,args,message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_reading_that_cannot_stand_is_refused_and_nothing_is_written(folder, name, args, message):
    before = (folder / "observations.csv").read_bytes()
    with pytest.raises(reading.ReadingRefused, match=message):
        reading.record_reading(CsvFolderStore(folder), table="observations.csv", **args)
    assert (folder / "observations.csv").read_bytes() == before


def test_a_reader_can_add_the_locator_a_row_lacks(tmp_path):
    tables = base_tables()
    tables["observations.csv"] = [obs("O1", "moratorium", "2020", "yes", locator="", read_verdict="unreachable",
                                      read_note="not found")]
    folder = write_dataset(tmp_path / "d", tables)
    with pytest.raises(reading.ReadingRefused, match="has no locator"):
        reading.record_reading(CsvFolderStore(folder), table="observations.csv", row_id="O1", verdict="confirmed",
                               reader="Ana")
    reading.record_reading(CsvFolderStore(folder), table="observations.csv", row_id="O1", verdict="confirmed",
                           reader="Ana", locator="para 4")
    assert list(load_dataset(folder).observations["locator"]) == ["para 4"]


# --- the command line --------------------------------------------------------------------------------------------


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_refuses_rows_nobody_has_read(folder, capsys):
    code, out, err = run(capsys, "validate", "--data", str(folder))
    assert code == 1 and out == ""
    assert ('- data/observations.csv, row 2, field "read_verdict": O2 (recorded by Test writer) has not been read by a '
            "second person") in err
    assert "1 row(s) not yet read by a second person" in err
    run(capsys, "review", "record", "observations.csv", "O2", "--verdict", "confirmed", "--reader", "Ana", "--data",
        str(folder))
    assert run(capsys, "validate", "--data", str(folder))[0] == 0


def test_review_lists_and_records(folder, capsys):
    code, out, _ = run(capsys, "review", "--data", str(folder), "--json")
    assert code == 0 and [r["row_id"] for r in json.loads(out)] == ["O2", "O3", "P1"]
    code, out, _ = run(capsys, "review", "--unread", "--data", str(folder))
    assert "observations.csv O2 [not read yet] written by Test writer" in out and out.endswith("1 row(s)\n")
    code, _, err = run(capsys, "review", "record", "observations.csv", "O2", "--verdict", "confirmed", "--reader",
                       "Test writer", "--data", str(folder))
    assert code == 2 and err == "error: Test writer wrote O2; a second reading must be made by someone else\n"
    code, out, _ = run(capsys, "review", "record", "observations.csv", "O2", "--verdict", "corrected", "--reader", "Ana",
                       "--note", "date checked", "--data", str(folder))
    assert code == 0 and out.startswith("recorded: O2 (observations.csv) corrected by Ana (change set ")
