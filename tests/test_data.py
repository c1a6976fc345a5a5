"""The loader on broken copies of a dataset: every kind of problem named by file, row and field, all at once."""

from __future__ import annotations

import pytest

from compliance.data import DataValidationError, load_dataset, partial_date_bounds
from factory import SRC, base_tables, obs, write_dataset


def problems_of(tmp_path, mutate) -> list[str]:
    tables = base_tables()
    mutate(tables)
    root = write_dataset(tmp_path / "data", tables)
    with pytest.raises(DataValidationError) as exc:
        load_dataset(root)
    return [str(p) for p in exc.value.problems]


def test_valid_base_loads(tmp_path):
    ds = load_dataset(write_dataset(tmp_path / "data"))
    assert len(ds.items) == 3
    assert ds.warnings == [] or all("used by no row" in w for w in ds.warnings)


BROKEN = [
    ("bad literal",
     lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2020-01-01", "maybe")),
     'data/observations.csv, row 1, field "met": expected yes, partly or no; got \'maybe\''),
    ("bad date",
     lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2020-13-01", "yes")),
     'data/observations.csv, row 1, field "observed_date": expected a date YYYY-MM-DD, or YYYY-MM or YYYY'),
    ("unknown source",
     lambda t: t["recommendations.csv"][1].update(source_ids=f"{SRC};NOPE"),
     "data/recommendations.csv, row 2, field \"source_ids\": unknown source id (not in sources.csv) 'NOPE'"),
    ("unknown theme",
     lambda t: t["demands.csv"][0].update(themes="death-penalty;nonsense"),
     "data/demands.csv, row 1, field \"themes\": unknown theme (not in themes.csv) 'nonsense'"),
    ("unknown state",
     lambda t: t["recommendation_states.csv"][1].update(state_iso3="XYZ"),
     "data/recommendation_states.csv, row 2, field \"state_iso3\": unknown ISO 3166 alpha-3 country code 'XYZ'"),
    ("malformed state",
     lambda t: t["recommendation_states.csv"][1].update(state_iso3="Lithuania"),
     'data/recommendation_states.csv, row 2, field "state_iso3": expected an ISO 3166-1 alpha-3 code such as NOR'),
    ("unknown criterion",
     lambda t: t["item_criteria.csv"].append({"item_id": "D001", "criterion_id": "ghost", "weight": 1}),
     "data/item_criteria.csv, row 4, field \"criterion_id\": unknown criterion id (not in criteria.csv) 'ghost'"),
    ("unknown item",
     lambda t: t["item_criteria.csv"].append({"item_id": "D999", "criterion_id": "moratorium", "weight": 1}),
     "data/item_criteria.csv, row 4, field \"item_id\": unknown item id (not a recommendation_id or demand_id) 'D999'"),
    ("duplicate id",
     lambda t: t["demands.csv"].append(dict(t["demands.csv"][0])),
     "data/demands.csv, row 2, field \"demand_id\": duplicate id 'D001'"),
    ("missing required",
     lambda t: t["demands.csv"][0].update(summary=""),
     'data/demands.csv, row 1, field "summary": is required but empty'),
    ("negative weight",
     lambda t: t["item_criteria.csv"][0].update(weight=-1),
     'data/item_criteria.csv, row 1, field "weight": expected a positive weight'),
    ("cycle id mismatch",
     lambda t: t["recommendations.csv"][1].update(cycle=2),
     "data/recommendations.csv, row 2, field \"recommendation_id\": id 'C3-GBR-1' does not start with C2-"),
    ("response disagrees with states",
     lambda t: t["recommendations.csv"][0].update(response="supported"),
     "data/recommendations.csv, row 1, field \"response\": expected 'noted'"),
    # impossible values: a date that is no day of the calendar, a fact in the future, numbers that are not finite
    # or not whole, text with control characters
    ("no such day",
     lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2021-02-30", "yes")),
     "data/observations.csv, row 1, field \"observed_date\": '2021-02-30' is not a real calendar date"),
    ("fact in the future",
     lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2099-01-01", "yes")),
     "data/observations.csv, row 1, field \"observed_date\": '2099-01-01' is after today"),
    ("infinite amount",
     lambda t: t["pledges.csv"].append(pledge(amount="1e309")),
     'data/pledges.csv, row 1, field "amount": expected a positive number below 10 trillion'),
    ("not a number",
     lambda t: t["pledges.csv"].append(pledge(amount="nan")),
     'data/pledges.csv, row 1, field "amount": expected a positive number below 10 trillion'),
    ("cycle written as a decimal",
     lambda t: t["recommendations.csv"][0].update(cycle="1.0"),
     'data/recommendations.csv, row 1, field "cycle": expected a cycle number'),
    ("unknown cycle",
     lambda t: t["recommendations.csv"][1].update(recommendation_id="C7-GBR-1", cycle=7),
     "data/recommendations.csv, row 2, field \"cycle\": unknown cycle (not in cycles.csv) '7'"),
    ("control character",
     lambda t: t["criteria.csv"][0].update(description="A moratorium\x00 is in force"),
     "data/criteria.csv: line 2 holds the control character U+0000"),
    ("amount without currency",
     lambda t: t["pledges.csv"].append(pledge(currency="")),
     'data/pledges.csv, row 1, field "currency": is required when an amount is given'),
    ("state position without a state",
     lambda t: t["icc_events.csv"].append(icc_event(actor_iso3="")),
     'data/icc_events.csv, row 1, field "actor_iso3": a state position (joined) needs the state\'s ISO3 code'),
    ("second state under review",
     lambda t: t["dataset.csv"].append(dict(t["dataset.csv"][0], state_under_review_iso3="POL")),
     "data/dataset.csv: must have exactly one row"),
    ("named states without codes",
     lambda t: t["demands.csv"][0].update(addressee="named_states"),
     'data/demands.csv, row 1, field "addressee_iso3": is required when addressee is named_states'),
]


def pledge(**kw) -> dict:
    return {"pledge_id": "P001", "donor": "Norway", "donor_iso3": "NOR", "recipient": "Test", "amount": "1000",
            "amount_qualifier": "exact", "currency": "NOK", "pledged_date": "2021", "purpose": "test",
            "accountability": "yes", "kind": "pledge", "source_ids": SRC, "note": "", **kw}


def icc_event(**kw) -> dict:
    return {"event_id": "I001", "event_date": "2024-10-01", "actor": "Poland", "actor_iso3": "POL",
            "position": "joined", "summary": "test", "source_ids": SRC, "note": "", **kw}


@pytest.mark.parametrize("name,mutate,expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_problem_names_file_row_field(tmp_path, name, mutate, expected):
    problems = problems_of(tmp_path, mutate)
    assert any(p.startswith(expected) for p in problems), problems


def test_all_problems_reported_at_once(tmp_path):
    def mutate(t):
        t["observations.csv"].append(obs("O1", "moratorium", "2020-01-01", "maybe"))
        t["demands.csv"][0].update(issuer_type="pirates")
        t["sources.csv"][0].update(url="not a url")
    problems = problems_of(tmp_path, mutate)
    files = {p.split(",")[0] for p in problems}
    assert files == {"data/observations.csv", "data/demands.csv", "data/sources.csv"}
    assert len(problems) == 3


def test_missing_file_and_column(tmp_path):
    root = write_dataset(tmp_path / "data")
    (root / "pledges.csv").unlink()
    text = (root / "criteria.csv").read_text().replace("description", "descr")
    (root / "criteria.csv").write_text(text)
    with pytest.raises(DataValidationError) as exc:
        load_dataset(root)
    msgs = [str(p) for p in exc.value.problems]
    assert any(m.startswith("data/pledges.csv: file is missing") for m in msgs)
    assert any(m.startswith('data/criteria.csv, field "description": column is missing') for m in msgs)
    assert any(m.startswith('data/criteria.csv, field "descr": is not a known column') for m in msgs)


@pytest.mark.parametrize("text,expected", [
    # a quote opened and never closed: one message at its line, not one per shifted row
    ('criterion_id,description\nmoratorium,"A moratorium\nno-executions,No executions\n',
     "data/criteria.csv: line 2: a quote opened in this record is never closed"),
    # one row with an extra field
    ("criterion_id,description\nmoratorium,A moratorium,extra\nno-executions,No executions\n",
     "data/criteria.csv: line 2: expected 2 fields as in the header, found 3"),
])
def test_a_broken_csv_structure_is_one_message_at_its_line(tmp_path, text, expected):
    root = write_dataset(tmp_path / "data")
    (root / "criteria.csv").write_text(text)
    with pytest.raises(DataValidationError) as exc:
        load_dataset(root)
    msgs = [str(p) for p in exc.value.problems]
    assert len(msgs) == 1 and msgs[0].startswith(expected), msgs


def test_a_folder_named_like_a_data_file_is_a_message(tmp_path):
    root = write_dataset(tmp_path / "data")
    (root / "pledges.csv").unlink()
    (root / "pledges.csv").mkdir()
    with pytest.raises(DataValidationError) as exc:
        load_dataset(root)
    assert "is a folder, not a file" in str(exc.value)


def test_not_utf8(tmp_path):
    root = write_dataset(tmp_path / "data")
    (root / "themes.csv").write_bytes("theme_slug,label,description\ndeath-penalty,Mus\xe9e,x\n".encode("latin-1"))
    with pytest.raises(DataValidationError) as exc:
        load_dataset(root)
    assert "data/themes.csv: is not valid UTF-8" in str(exc.value)


def test_unused_vocabulary_is_a_warning(tmp_path):
    tables = base_tables()
    tables["themes.csv"].append({"theme_slug": "elections", "label": "Elections", "description": "e"})
    ds = load_dataset(write_dataset(tmp_path / "data", tables))
    assert any("elections" in w and "theme" in w for w in ds.warnings)


@pytest.mark.parametrize("value,start,end", [
    ("2020", "2020-01-01", "2020-12-31"),
    ("2020-02", "2020-02-01", "2020-02-29"),
    ("2020-02-10", "2020-02-10", "2020-02-10"),
])
def test_partial_dates(value, start, end):
    import pandas as pd
    s, e = partial_date_bounds(pd.Series([value]))
    assert s[0] == pd.Timestamp(start) and e[0] == pd.Timestamp(end)
