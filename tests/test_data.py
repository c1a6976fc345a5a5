"""The loader on broken copies of a dataset: every kind of problem named by file, row and field, all at once; every
rule the schema declares (row models, keys, dates, references) with a case that breaks it."""

from __future__ import annotations

import pandas as pd
import pytest
from factory import SRC, VALID_ROWS, base_tables, csv_bytes, obs, row, write_dataset

from compliance.data import DataValidationError, dataset_from_tables, load_dataset, partial_date_bounds
from compliance.models import ICC_POSITIONS, ICC_STATE_POSITIONS
from compliance.schema import TABLES

TODAY = pd.Timestamp("2026-11-25")  # the loader's "today", fixed so that "in the future" is the same every day


def load(tables=None):
    """Validate `tables` (default: base_tables()) in memory, as every store does before reading or writing."""
    return dataset_from_tables(csv_bytes(tables), today=TODAY)


def problems_in(tables) -> list[str]:
    with pytest.raises(DataValidationError) as exc:
        load(tables)
    return [str(p) for p in exc.value.problems]


def problems_of(mutate) -> list[str]:
    tables = base_tables()
    mutate(tables)
    return problems_in(tables)


def test_valid_base_loads():
    ds = load()
    assert list(ds.items["item_id"]) == ["C1-98.16", "C3-GBR-1", "D001"]
    assert ds.warnings == []


def test_a_folder_loads_as_in_memory(tmp_path):
    ds = load_dataset(write_dataset(tmp_path / "data"))
    assert list(ds.items["item_id"]) == ["C1-98.16", "C3-GBR-1", "D001"] and ds.row_count == load().row_count


def pledge(**kw) -> dict:
    return row("pledges.csv", **{"pledge_id": "P001", **kw})


def icc_event(**kw) -> dict:
    return row("icc_events.csv", **{"event_id": "I001", **kw})


def _unknown_cycle(t):
    t["recommendations.csv"][1].update(recommendation_id="C7-GBR-1", cycle=7)
    t["recommendation_states.csv"][2].update(recommendation_id="C7-GBR-1")


def _mixed_responses(t):
    t["recommendation_states.csv"][0].update(response="supported")


# Each broken copy gives exactly these problems, in words a researcher can act on.
BROKEN = [
    ("bad literal",
     lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2020-01-01", "maybe")),
     'data/observations.csv, row 1, field "met": expected yes, partly or no; got \'maybe\''),
    ("bad date",
     lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2020-13-01", "yes")),
     ('data/observations.csv, row 1, field "observed_date": expected a date YYYY-MM-DD, or YYYY-MM or YYYY when no '
      "more is known; got '2020-13-01'")),
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
     ('data/recommendation_states.csv, row 2, field "state_iso3": expected an ISO 3166-1 alpha-3 code such as NOR; '
      "got 'Lithuania'")),
    ("unknown criterion",
     lambda t: t["item_criteria.csv"].append({"item_id": "D001", "criterion_id": "ghost", "weight": 1}),
     "data/item_criteria.csv, row 4, field \"criterion_id\": unknown criterion id (not in criteria.csv) 'ghost'"),
    ("unknown item",
     lambda t: t["item_criteria.csv"].append({"item_id": "D999", "criterion_id": "moratorium", "weight": 1}),
     "data/item_criteria.csv, row 4, field \"item_id\": unknown item id (not a recommendation_id or demand_id) 'D999'"),
    ("duplicate id",
     lambda t: t["demands.csv"].append(dict(t["demands.csv"][0])),
     "data/demands.csv, row 2, field \"demand_id\": duplicate id 'D001'; ids must be unique"),
    ("missing required",
     lambda t: t["demands.csv"][0].update(summary=""),
     'data/demands.csv, row 1, field "summary": is required but empty'),
    ("only spaces is empty",
     lambda t: t["demands.csv"][0].update(summary="   "),
     'data/demands.csv, row 1, field "summary": is required but empty'),
    ("negative weight",
     lambda t: t["item_criteria.csv"][0].update(weight=-1),
     'data/item_criteria.csv, row 1, field "weight": expected a positive weight of at most 100; got \'-1\''),
    ("cycle id mismatch",
     lambda t: t["recommendations.csv"][1].update(cycle=2),
     "data/recommendations.csv, row 2, field \"recommendation_id\": id 'C3-GBR-1' does not start with C2- (its cycle)"),
    ("response disagrees with states",
     lambda t: t["recommendations.csv"][0].update(response="supported"),
     ("data/recommendations.csv, row 1, field \"response\": expected 'noted' from the recommending states' responses "
      "(noted); got 'supported'")),
    # states that answered differently make a partially supported paragraph
    ("mixed responses are partial",
     _mixed_responses,
     ("data/recommendations.csv, row 1, field \"response\": expected 'partially_supported' from the recommending "
      "states' responses (noted, supported); got 'noted'")),
    ("recommendation without a state",
     lambda t: t["recommendation_states.csv"].pop(),
     ("data/recommendations.csv, row 2, field \"recommendation_id\": 'C3-GBR-1' has no recommending state in "
      "recommendation_states.csv")),
    # impossible values: a date that is no day of the calendar, a fact in the future, numbers that are not finite
    # or not whole, text with control characters
    ("no such day",
     lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2021-02-30", "yes")),
     ("data/observations.csv, row 1, field \"observed_date\": '2021-02-30' is not a real calendar date; check the day "
      "and month (YYYY-MM-DD)")),
    ("fact in the future",
     lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2026-11-26", "yes")),
     ("data/observations.csv, row 1, field \"observed_date\": '2026-11-26' is after today (2026-11-25); a fact cannot "
      "be dated in the future")),
    ("infinite amount",
     lambda t: t["pledges.csv"].append(pledge(amount="1e309")),
     'data/pledges.csv, row 1, field "amount": expected a positive number below 10 trillion; got \'1e309\''),
    ("not a number",
     lambda t: t["pledges.csv"].append(pledge(amount="nan")),
     'data/pledges.csv, row 1, field "amount": expected a positive number below 10 trillion; got \'nan\''),
    ("cycle written as a decimal",
     lambda t: t["recommendations.csv"][0].update(cycle="1.0"),
     ('data/recommendations.csv, row 1, field "cycle": expected a cycle number such as 1 (one of cycles.csv); '
      "got '1.0'")),
    ("unknown cycle",
     _unknown_cycle,
     "data/recommendations.csv, row 2, field \"cycle\": unknown cycle (not in cycles.csv) '7'"),
    ("control character",
     lambda t: t["criteria.csv"][0].update(description="A moratorium\x00 is in force"),
     "data/criteria.csv: line 2 holds the control character U+0000, which has no place in a data file; remove it"),
    ("delete character",
     lambda t: t["criteria.csv"][1].update(description="No executions\x7f"),
     "data/criteria.csv: line 3 holds the control character U+007F, which has no place in a data file; remove it"),
    ("amount without currency",
     lambda t: t["pledges.csv"].append(pledge(currency="")),
     'data/pledges.csv, row 1, field "currency": is required when an amount is given'),
    *[(f"state position {position} without a state",
       lambda t, position=position: t["icc_events.csv"].append(icc_event(position=position, actor_iso3="")),
       (f'data/icc_events.csv, row 1, field "actor_iso3": a state position ({position}) needs the state\'s ISO3 code; '
        "use position context for other actors"))
      for position in ICC_STATE_POSITIONS],
    ("second state under review",
     lambda t: t["dataset.csv"].append(dict(t["dataset.csv"][0], state_under_review_iso3="POL")),
     "data/dataset.csv: must have exactly one row (the state under review); has 2"),
    ("no state under review",
     lambda t: t["dataset.csv"].clear(),
     "data/dataset.csv: must have exactly one row (the state under review); has 0"),
    ("named states without codes",
     lambda t: t["demands.csv"][0].update(addressee="named_states"),
     ('data/demands.csv, row 1, field "addressee_iso3": is required when addressee is named_states; list the states\' '
      "ISO3 codes")),
]


@pytest.mark.parametrize("name,mutate,expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_problem_names_file_row_field(name, mutate, expected):
    assert problems_of(mutate) == [expected]


# What the rules above allow: each of these loads.
ALLOWED = [
    ("another actor's event needs no state", lambda t: t["icc_events.csv"].extend(
        [icc_event(position=p, actor_iso3="", event_id=f"I00{i}") for i, p in enumerate(
            [p for p in ICC_POSITIONS if p not in ICC_STATE_POSITIONS], start=1)])),
    ("a currency without an amount", lambda t: t["pledges.csv"].append(pledge(amount=""))),
    ("neither amount nor currency", lambda t: t["pledges.csv"].append(pledge(amount="", currency=""))),
    ("named states with their codes", lambda t: t["demands.csv"][0].update(addressee="named_states",
                                                                            addressee_iso3="LTU;POL")),
    ("a state without a response", lambda t: t["recommendation_states.csv"][0].update(response="")),
    ("a scheduled review in the future", lambda t: t["cycles.csv"].append(row("cycles.csv", review_date="2030-05-04",
                                                                               hrc_adoption_date="2030-09"))),
    # keys of several columns: rows that share all but one of them are different rows
    ("a keyword for two themes", lambda t: t["theme_map_uhri.csv"].extend(
        [row("theme_map_uhri.csv"), row("theme_map_uhri.csv", theme_slug="political-prisoners")])),
    ("one state, one paragraph, two wordings", lambda t: t["recommendation_states.csv"].extend(
        [row("recommendation_states.csv", recommendation_id="C1-98.16", state_iso3="BRA", text_key="aaaaaaaaaaaa"),
         row("recommendation_states.csv", recommendation_id="C1-98.16", state_iso3="BRA", text_key="bbbbbbbbbbbb")])),
    ("a rate per currency and year", lambda t: t["exchange_rates.csv"].extend(
        [row("exchange_rates.csv"), row("exchange_rates.csv", year=2022), row("exchange_rates.csv", currency="SEK")])),
    ("one criterion for two items", lambda t: t["item_criteria.csv"].append(row("item_criteria.csv",
                                                                                  criterion_id="moratorium"))),
    ("a fact dated today", lambda t: t["observations.csv"].append(obs("O1", "moratorium", "2026-11-25", "yes"))),
]


@pytest.mark.parametrize("name,mutate", ALLOWED, ids=[a[0] for a in ALLOWED])
def test_what_the_rules_allow_loads(name, mutate):
    tables = base_tables()
    mutate(tables)
    ds = load(tables)
    assert ds.row_count == sum(len(rows) for rows in tables.values())


def test_edge_spaces_are_stripped_from_every_cell():
    tables = base_tables()
    tables["observations.csv"].append(obs(" O1", "moratorium ", " 2020", "yes "))
    o = load(tables).observations.iloc[0]
    assert (o["observation_id"], o["criterion_id"], o["observed_date"], o["met"]) == ("O1", "moratorium", "2020", "yes")


def test_all_problems_reported_at_once():
    def mutate(t):
        t["observations.csv"].append(obs("O1", "moratorium", "2020-01-01", "maybe"))
        t["demands.csv"][0].update(issuer_type="pirates")
        t["sources.csv"][0].update(url="not a url")
    assert problems_of(mutate) == [
        "data/sources.csv, row 1, field \"url\": expected an http(s) address; got 'not a url'",
        ("data/demands.csv, row 1, field \"issuer_type\": expected belarusian_civil_society, international_civil_society, "
         "belarusian_democratic_forces or government; got 'pirates'"),
         "data/observations.csv, row 1, field \"met\": expected yes, partly or no; got 'maybe'",
    ]


def test_the_error_counts_and_lists_every_problem():
    tables = base_tables()
    tables["demands.csv"][0].update(summary="")
    tables["criteria.csv"][0].update(description="")
    with pytest.raises(DataValidationError) as exc:
        load(tables)
    assert str(exc.value) == ("2 problem(s) in the data:\n"
                              '- data/demands.csv, row 1, field "summary": is required but empty\n'
                              '- data/criteria.csv, row 1, field "description": is required but empty')


def test_missing_file_and_column():
    contents = csv_bytes()
    contents["pledges.csv"] = None
    contents["criteria.csv"] = contents["criteria.csv"].replace(b"description", b"descr")
    with pytest.raises(DataValidationError) as exc:
        dataset_from_tables(contents, today=TODAY)
    assert [str(p) for p in exc.value.problems] == [
        'data/criteria.csv, field "description": column is missing from the header; see data/README.md',
        'data/criteria.csv, field "descr": is not a known column; see data/README.md for the columns of this file',
        "data/pledges.csv: file is missing; every file in data/README.md is required",
    ]


def test_a_header_with_spaces_is_read():
    contents = csv_bytes()
    contents["criteria.csv"] = b"criterion_id , description\nmoratorium,A moratorium\nno-executions,No executions\n"
    assert list(dataset_from_tables(contents, today=TODAY).criteria["criterion_id"]) == ["moratorium", "no-executions"]


@pytest.mark.parametrize("content,expected", [
    # a quote opened and never closed: one message at its line, not one per shifted row
    (b'criterion_id,description\nmoratorium,"A moratorium\nno-executions,No executions\n',
     'data/criteria.csv: line 2: a quote opened in this record is never closed; close it (or double it: "")'),
    # one row with an extra field
    (b"criterion_id,description\nmoratorium,A moratorium,extra\nno-executions,No executions\n",
     ("data/criteria.csv: line 2: expected 2 fields as in the header, found 3 (a quote opened in this record is closed "
      "only later, or a cell holds an unquoted comma); fix that line and the rows after it are read as before")),
    (b"criterion_id,description\nmoratorium,A moratorium\nno-executions,No executions,extra\n",
     ("data/criteria.csv: line 3: expected 2 fields as in the header, found 3 (a quote opened in this record is closed "
      "only later, or a cell holds an unquoted comma); fix that line and the rows after it are read as before")),
    # a field too few at the end of a row reads as an empty cell, which the row's own rules then judge
    (b"criterion_id,description\nmoratorium,A moratorium\nno-executions\n",
     'data/criteria.csv, row 2, field "description": is required but empty'),
    # a quoted cell over two lines is one record: the line named is where the broken record starts
    (b'criterion_id,description\nmoratorium,"A moratorium\nover two lines"\nno-executions,No,executions\n',
     ("data/criteria.csv: line 4: expected 2 fields as in the header, found 3 (a quote opened in this record is closed "
      "only later, or a cell holds an unquoted comma); fix that line and the rows after it are read as before")),
    (b'criterion_id,description\nmoratorium,"A moratorium\nover two lines",extra\nno-executions,No executions\n',
     ("data/criteria.csv: line 2: expected 2 fields as in the header, found 3 (a quote opened in this record is closed "
      "only later, or a cell holds an unquoted comma); fix that line and the rows after it are read as before")),
    # the first record whose width differs is named, even when a later one made the file unreadable
    (b"criterion_id,description\nmoratorium,A moratorium\nno-executions\nlaw,A law,extra\n",
     ("data/criteria.csv: line 3: expected 2 fields as in the header, found 1 (a cell or a comma is missing); fix that "
      "line and the rows after it are read as before")),
    (b"", "data/criteria.csv: is empty; it needs at least its header row (see data/README.md)"),
    (b"\xff\xfec\x00r\x00", "data/criteria.csv: is UTF-16; save it as UTF-8"),
    (b"\xfe\xff\x00c\x00r", "data/criteria.csv: is UTF-16; save it as UTF-8"),
    (b"criterion_id,description\nmoratorium,Mus\xe9e\n",
     "data/criteria.csv: is not valid UTF-8 (invalid continuation byte at byte 39); save it as UTF-8"),
    (b"criterion_id,description\nmoratorium,A\nno-executions,No\n\x01",
     "data/criteria.csv: line 4 holds the control character U+0001, which has no place in a data file; remove it"),
])
def test_a_broken_file_is_one_message_at_its_line(content, expected):
    contents = csv_bytes()
    contents["criteria.csv"] = content
    with pytest.raises(DataValidationError) as exc:
        dataset_from_tables(contents, today=TODAY)
    assert [str(p) for p in exc.value.problems] == [expected]


def test_a_folder_named_like_a_data_file_is_a_message(tmp_path):
    root = write_dataset(tmp_path / "data")
    (root / "pledges.csv").unlink()
    (root / "pledges.csv").mkdir()
    with pytest.raises(DataValidationError) as exc:
        load_dataset(root)
    assert "is a folder, not a file" in str(exc.value)


def test_unused_vocabulary_is_a_warning():
    tables = base_tables()
    for name in ("sources.csv", "themes.csv", "criteria.csv", "recurrences.csv"):
        tables[name].append(row(name))
    tables["evidence_searches.csv"] = [row("evidence_searches.csv", source_ids="TEST2")]  # a use of TEST2
    assert load(tables).warnings == [
        "1 theme(s) defined but used by no row: elections",
        "1 criterion(s) defined but used by no row: law-repealed",
        "1 recurrence(s) defined but used by no row: release-prisoners",
    ]
    tables["observations.csv"].append(obs("O1", "law-repealed", "2020", "no"))  # judges no item, but keeps its evidence
    tables["evidence_searches.csv"] = []
    tables["recurrences.csv"].append(row("recurrences.csv", recurrence_id="another"))
    assert load(tables).warnings[0] == "1 source(s) defined but used by no row: TEST2"
    assert load(tables).warnings[2] == "2 recurrence(s) defined but used by no row: another, release-prisoners"
    assert not any("criterion" in w for w in load(tables).warnings)
    tables["observations.csv"][0]["read_note"] = "TEST2 could not be found; TEST1 replaces it"  # named in a reading
    assert not any("source(s)" in w for w in load(tables).warnings)


@pytest.mark.parametrize("value,start,end", [
    ("2020", "2020-01-01", "2020-12-31"),
    ("2020-02", "2020-02-01", "2020-02-29"),
    ("2021-02", "2021-02-01", "2021-02-28"),
    ("2020-02-10", "2020-02-10", "2020-02-10"),
])
def test_partial_dates(value, start, end):
    s, e = partial_date_bounds(pd.Series([value]))
    assert (s[0], e[0]) == (pd.Timestamp(start), pd.Timestamp(end))


def test_an_empty_date_has_no_bounds():
    s, e = partial_date_bounds(pd.Series(["2020", None], dtype=object))
    assert pd.isna(s[1]) and pd.isna(e[1]) and e[0] == pd.Timestamp("2020-12-31")


# --- every rule the row models declare has a failing case ----------------------------------------------------------
# The rules are read from compliance/models.py, so a new field or rule is checked without a new line here; a new
# pattern needs a value that breaks it (BAD_FOR_PATTERN), and the count below fails when a rule disappears.

#: For each pattern in the row models, a value it must refuse (a near miss: the mistake a person would make).
BAD_FOR_PATTERN = {
    r"^[A-Z]{3}$": "Nor",  # ISO3 and currency codes: upper case only
    r"^[A-Z]{3}(;[A-Z]{3})*$": "LTU,POL",  # lists are separated by ';'
    r"^[^;]+(;[^;]+)*$": "TEST1;",  # source ids: no empty list entry
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$": "-S01",
    r"^https?://\S+$": "www.example.org",
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$": "2020-13",
    r"^\d{4}-\d{2}-\d{2}$": "2020-05",  # a full date: the day is required
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "death_penalty",
    r"^[a-z0-9]+(-[a-z0-9]+)*(;[a-z0-9]+(-[a-z0-9]+)*)*$": "death-penalty, torture",
    r"^C\d+-[A-Za-z0-9.]+(-\d+)?$": "R1-98.16",
    r"^\d+\.\d+$": "98",
    r"^[0-9a-f]{12}$": "0123456789AB",
    r"^D\d{3,}$": "D01",
    r"^O\d+$": "OB1",
    r"^A\d+$": "A-1",
    r"^ES\d+$": "E1",
    r"^T\d+$": "T",
    r"^I\d+$": "I1a",
    r"^P\d+$": "P-1",
}


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def declared_rules() -> list[tuple[str, str, str, str, str]]:
    """Every rule of every row model as (file, field, rule, a value that breaks it, the message expected for it)."""
    import types
    import typing

    from annotated_types import Ge, Gt, Le, Lt, MinLen
    from pydantic import BeforeValidator
    from pydantic.fields import FieldInfo

    from compliance import models

    def parts(annotation) -> list:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            return [p for a in typing.get_args(annotation) for p in parts(a)]
        if origin is typing.Annotated:
            base, *meta = typing.get_args(annotation)
            return parts(base) + meta
        if origin is typing.Literal:
            return [typing.get_args(annotation)]
        return []

    rules = []
    for t in TABLES:
        for name, info in t.model.model_fields.items():
            found, description = [], info.description
            todo = parts(info.annotation) + list(info.metadata)
            while todo:
                item = todo.pop(0)
                if isinstance(item, FieldInfo):  # Field(...) inside an optional type
                    todo[:0] = item.metadata
                    description = description or item.description
                else:
                    found.append(item)

            def expected(value, description=description):
                return f"expected {description}; got {value!r}"

            if info.is_required():
                rules.append((t.name, name, "required", "", "is required but empty"))
            for item in found:
                if isinstance(item, tuple):  # a Literal: a closed vocabulary
                    words = f"{', '.join(item[:-1])} or {item[-1]}"
                    rules.append((t.name, name, "vocabulary", "bogus", f"expected {words}; got 'bogus'"))
                elif getattr(item, "pattern", None):
                    assert item.pattern in BAD_FOR_PATTERN, f"{t.name} {name}: add a value that breaks {item.pattern}"
                    bad = BAD_FOR_PATTERN[item.pattern]
                    rules.append((t.name, name, "pattern", bad, expected(bad)))
                elif isinstance(item, (Ge, Gt, Le, Lt)):
                    kind = type(item).__name__.lower()
                    bound = getattr(item, kind)
                    bad = _number(bound - 1 if kind == "ge" else bound + 1 if kind == "le" else bound)
                    rules.append((t.name, name, kind, bad, expected(bad)))
                elif isinstance(item, BeforeValidator) and item.func is models._whole_number_text:
                    rules.append((t.name, name, "whole number", "1.5", expected("1.5")))
                elif getattr(item, "allow_inf_nan", None) is False:
                    rules.append((t.name, name, "finite", "inf", expected("inf")))
                elif isinstance(item, MinLen):  # text stripped to nothing is an empty cell: the 'required' case
                    assert item.min_length == 1 and info.is_required(), f"{t.name} {name}: a new kind of length rule"
                else:
                    raise AssertionError(f"{t.name} {name}: no failing case for the rule {item!r}")
    return rules


RULES = declared_rules()


@pytest.fixture(scope="module")
def rule_problems() -> set[str]:
    """Every file holding one row per rule, each row breaking only that rule: every problem of one load."""
    tables: dict[str, list[dict]] = {}
    for file, field, _, bad, _ in RULES:
        tables.setdefault(file, []).append({**VALID_ROWS[file], field: bad})
    with pytest.raises(DataValidationError) as exc:
        dataset_from_tables(csv_bytes(tables))
    return {str(p) for p in exc.value.problems}


def test_every_model_rule_is_checked(rule_problems):
    # 204 rules today: a rule switched off in models.py lowers the count; a new one raises it (and is checked)
    assert len(RULES) >= 204
    assert len(rule_problems) == len(RULES)


@pytest.mark.parametrize("file,field,rule,bad,message", RULES, ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in RULES])
def test_each_model_rule_has_a_failing_case(rule_problems, file, field, rule, bad, message):
    row = 1 + [r for r in RULES if r[0] == file].index((file, field, rule, bad, message))
    assert f'data/{file}, row {row}, field "{field}": {message}' in rule_problems


# --- every declared reference has a failing case ---------------------------------------------------------------
# Read from compliance/schema.py: a new reference is checked without a new line here.


def _unknown_value(ref) -> str:
    """A value that fits the column's own rules but exists nowhere the reference points."""
    if ref.vocabulary == "iso3":
        return "XYZ"  # well-formed, and no country's code
    if ref.targets == (("cycles.csv", "cycle"),):
        return "7"
    return "ghost"


@pytest.fixture(scope="module")
def reference_cases() -> tuple[list, list[str], list[str]]:
    """(every declared reference, the problems expected, the problems of one load): each file with references gets
    an extra valid row in which every referencing cell also holds an unknown value (lists: a known and an unknown)."""
    tables = base_tables()
    declared, expected = [], []
    for t in TABLES:
        if not t.references:
            continue
        extra = row(t.name)
        rows = tables.setdefault(t.name, [])
        if t.name == "dataset.csv":  # it holds exactly one row: break that one
            rows.clear()
        rows.append(extra)
        for ref in t.references:
            bad = _unknown_value(ref)
            extra[ref.column] = f"{extra[ref.column]};{bad}" if ref.is_list and extra[ref.column] else bad
            declared.append((t.name, ref.column))
            expected.append(f'data/{t.name}, row {len(rows)}, field "{ref.column}": unknown {ref.what} {bad!r}')
    # the extra recommendation's id names its cycle, and it has a recommending state (rules of their own)
    rec = tables["recommendations.csv"][-1]
    rec["recommendation_id"] = f"C{rec['cycle']}-NOR-1"
    tables["recommendation_states.csv"].append(row("recommendation_states.csv", recommendation_id=rec["recommendation_id"]))
    with pytest.raises(DataValidationError) as exc:
        dataset_from_tables(csv_bytes(tables))
    return declared, expected, [str(p) for p in exc.value.problems]


def test_every_declared_reference_is_checked(reference_cases):
    declared, expected, problems = reference_cases
    assert len(declared) >= 31  # 31 today: a reference dropped from compliance/schema.py lowers the count
    assert sorted(problems) == sorted(expected)


# --- every declared key and date column has a failing case ---------------------------------------------------------


def _another(value):
    """Another valid id like `value` (O9 -> O91, 5 -> 6); a criterion (the key of contested.csv, also a reference) is
    another criterion that exists."""
    if value in ("moratorium", "no-executions"):
        return {"moratorium": "no-executions", "no-executions": "moratorium"}[value]
    return value + 1 if isinstance(value, int) else f"{value}1"


def test_every_declared_key_refuses_a_duplicate():
    tables = base_tables()
    expected = ["data/dataset.csv: must have exactly one row (the state under review); has 2"]
    for t in TABLES:
        rows = tables.setdefault(t.name, [])
        if t.name == "dataset.csv":  # it holds one row: two copies of it
            rows.clear()
        rows += [row(t.name), row(t.name)]
        shown = ", ".join(str(VALID_ROWS[t.name][k]) for k in t.key if VALID_ROWS[t.name][k] != "")
        expected.append(f'data/{t.name}, row {len(rows)}, field "{t.key[0]}": duplicate id {shown!r}; ids must be unique')
    tables["recommendation_states.csv"].append(row("recommendation_states.csv", recommendation_id="C2-NOR-1"))
    checked = len(TABLES)
    assert checked >= 19  # a key per file, 19 files today
    assert sorted(problems_in(tables)) == sorted(expected)


def test_every_declared_date_must_be_a_real_day_and_not_in_the_future():
    tables = base_tables()
    # both sides of the criteria the contested rows name, so that only their dates are wrong
    tables["observations.csv"] += [obs(f"O{i}{n}", c, "2019", met) for i, c in enumerate(("moratorium", "no-executions"))
                                   for n, met in ((1, "yes"), (2, "no"))]
    expected, checked = [], 0
    for t in TABLES:
        for col in t.dates:
            checked += 1
            rows = tables.setdefault(t.name, [])
            key = t.key[0]
            for bad in ("2021-02-30", "2026-11-26"):
                rows.append(row(t.name, **{col: bad, key: _another(rows[-1][key] if rows else VALID_ROWS[t.name][key])}))
                if bad == "2021-02-30":
                    expected.append(f"data/{t.name}, row {len(rows)}, field \"{col}\": '2021-02-30' is not a real "
                                    "calendar date; check the day and month (YYYY-MM-DD)")
                elif col not in t.future_dates:  # a scheduled review may lie ahead; a fact may not
                    expected.append(f"data/{t.name}, row {len(rows)}, field \"{col}\": '2026-11-26' is after today "
                                    "(2026-11-25); a fact cannot be dated in the future")
    assert checked >= 11  # 11 date columns today
    assert sorted(problems_in(tables)) == sorted(expected)


# --- the dataset as the pages and commands read it --------------------------------------------------------------


@pytest.fixture(scope="module")
def fuller():
    """The base dataset with one more valid row in every file (a demand to named states, a recommendation with a
    state recommending it twice in other words, a tally, a pledge, an ICC event, a search ...)."""
    tables = base_tables()
    for name, extra in VALID_ROWS.items():
        if name != "dataset.csv":
            tables.setdefault(name, []).append(dict(extra))
    tables["recommendation_states.csv"] += [
        row("recommendation_states.csv", recommendation_id="C2-NOR-1", text_key="aaaaaaaaaaaa"),
        row("recommendation_states.csv", recommendation_id="C2-NOR-1", text_key="bbbbbbbbbbbb"),
        row("recommendation_states.csv", recommendation_id="C2-NOR-1", state_iso3="DEU", text_key=""),
    ]
    tables["observations.csv"].append(row("observations.csv", observation_id="O10", met="no"))  # the contested other side
    return load(tables)


def test_items_are_recommendations_then_demands_with_what_filters_need(fuller):
    items = fuller.items.set_index("item_id")
    assert list(items.index) == ["C1-98.16", "C3-GBR-1", "C2-NOR-1", "D001", "D002"]
    rec, dem = items.loc["C1-98.16"], items.loc["D002"]
    assert (rec["kind"], rec["cycle"], rec["paragraph"], rec["response"], rec["recurrence_id"]) == (
        "recommendation", 1, "98.16", "noted", "death-penalty-moratorium")
    assert rec["states"] == ["BRA", "LTU"] and rec["states_text"] == "BRA, LTU"
    assert rec["states_names"] == "Brazil, Lithuania"
    assert rec["themes"] == ["death-penalty"] and rec["themes_text"] == "Death penalty"
    assert rec["date_start"] == pd.Timestamp("2010-05-01") and rec["known_from"] == pd.Timestamp("2010-05-01")
    assert pd.isna(rec["date"]) and pd.isna(rec["issuer"]) and pd.isna(rec["addressee"])
    # a state that recommended the same thing twice in other words counts once; states are in code order
    assert items.at["C2-NOR-1", "states"] == ["DEU", "NOR"] and items.at["C2-NOR-1", "cycle"] == 2
    assert (dem["kind"], dem["issuer"], dem["issuer_type"], dem["addressee"], dem["date"]) == (
        "demand", "Test coalition", "international_civil_society", "named_states", "2021-08")
    assert pd.isna(dem["cycle"]) and pd.isna(dem["paragraph"]) and pd.isna(dem["response"])
    assert dem["states"] == ["LTU", "POL"] and dem["states_names"] == "Lithuania, Poland"
    assert dem["themes_text"] == "Political prisoners" and dem["source_ids"] == SRC
    assert dem["date_start"] == pd.Timestamp("2021-08-01") and dem["known_from"] == pd.Timestamp("2021-08-31")
    assert items.at["D001", "states"] == [] and items.at["D001", "states_text"] == ""
    assert str(fuller.items["cycle"].dtype) == "Int64"


def test_numbers_are_typed_and_empty_cells_missing(fuller):
    ic = fuller.item_criteria
    assert str(ic["weight"].dtype) == "Float64" and list(ic["weight"]) == [1.0, 1.0, 1.0, 2.5]
    c = fuller.cycles.set_index("cycle")
    assert str(fuller.cycles["total_recommendations"].dtype) == "Int64"
    assert c.at[5, "total_recommendations"] == 200 and pd.isna(c.at[1, "total_recommendations"])
    assert pd.isna(fuller.recommendations.set_index("recommendation_id").at["C3-GBR-1", "paragraph"])
    assert fuller.recommendation_states["action_category"].tolist()[:2] == [5, 5]


def test_a_table_as_written(fuller):
    t = fuller.table("recommendations.csv")
    assert list(t.columns) == ["recommendation_id", "cycle", "paragraph", "summary", "themes", "response",
                               "recurrence_id", "source_ids", "note", "ask_kind", "judgement"]
    assert t.iloc[1]["paragraph"] is None and t.iloc[1]["note"] is None  # empty cells as None, never NaN
    t.loc[0, "summary"] = "changed"
    assert fuller.recommendations.iloc[0]["summary"] == "Moratorium"  # a copy


def test_dataset_facts(fuller):
    assert fuller.state_under_review == "BLR"
    assert fuller.row_count == sum(len(df) for df in fuller.frames.values()) == 47
    assert fuller.sources is fuller.frames["sources.csv"]
    with pytest.raises(AttributeError, match="^no_such_table$"):
        _ = fuller.no_such_table


def test_last_updated_is_the_newest_fact_about_the_state(fuller):
    # not when we searched (2026-01-15), read a source (2026-11-24) or a review still to come (2030-05)
    assert fuller.last_updated == pd.Timestamp("2024-10-01")  # the ICC event; partial dates from their start
    tables = base_tables()
    tables["sources.csv"][0]["published_date"] = ""
    tables["demands.csv"][0]["issued_date"] = ""
    assert load(tables).last_updated is None
    tables["observations.csv"].append(obs("O1", "moratorium", "2019-03", "yes"))
    assert load(tables).last_updated == pd.Timestamp("2019-03-01")


def test_the_data_folder_is_the_argument_then_the_environment_then_the_bundled_one(monkeypatch, tmp_path):
    from compliance.data import DATA_DIR_ENV, DEFAULT_DATA_DIR
    from compliance.store import STORE_ENV, configured_store_spec

    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.delenv(STORE_ENV, raising=False)
    assert configured_store_spec() == str(DEFAULT_DATA_DIR) and DEFAULT_DATA_DIR.name == "data"
    assert (DEFAULT_DATA_DIR / "dataset.csv").exists()
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path))
    assert configured_store_spec() == str(tmp_path)
    assert configured_store_spec(tmp_path / "x") == str(tmp_path / "x")
    monkeypatch.setenv(STORE_ENV, "postgresql://somewhere/db")  # the store wins over the folder
    assert configured_store_spec() == "postgresql://somewhere/db"


def test_isin_and_split_list():
    from compliance.data import isin, split_list

    assert isin(pd.Series(["a", None, "b", "c"]), ["a", "c"]).tolist() == [True, False, False, True]
    assert isin(pd.Series([1, 2, 3]), pd.Series(["2"])).tolist() == [False, True, False]  # numbers as their text
    assert isin(pd.Series(["a"], dtype="string"), set()).tolist() == [False]
    assert split_list(" a; b;;c ;") == ["a", "b", "c"]
    assert split_list(None) == split_list(float("nan")) == split_list("") == []


def test_a_problem_names_a_file_outside_the_folder_as_given():
    from compliance.data import Problem

    assert str(Problem("/srv/upr/pledges.csv", None, None, "is a folder")) == "/srv/upr/pledges.csv: is a folder"
    assert str(Problem("pledges.csv", 3, None, "x")) == "data/pledges.csv, row 3: x"
    assert str(Problem("pledges.csv", None, "amount", "x")) == 'data/pledges.csv, field "amount": x'


@pytest.mark.parametrize("content", [
    b"criterion_id,description\nmoratorium ,A moratorium\nno-executions,No executions\n",  # before a comma
    b"criterion_id,description\nmoratorium,A moratorium \nno-executions,No executions\n",  # at a line's end
    b"criterion_id,description\r\nmoratorium,A moratorium \r\nno-executions,No executions\r\n",  # the same, CRLF
    b"criterion_id,description\n moratorium,A moratorium\nno-executions,No executions\n",  # at a line's start
    b"criterion_id,description\nmoratorium\t,A moratorium\nno-executions,No executions\n",  # a tab
])
def test_spaces_at_the_edge_of_a_cell_are_not_part_of_it(content):
    contents = csv_bytes()
    contents["criteria.csv"] = content
    c = dataset_from_tables(contents, today=TODAY).criteria
    assert list(c["criterion_id"]) == ["moratorium", "no-executions"]
    assert list(c["description"]) == ["A moratorium", "No executions"]


def test_the_dataset_remembers_its_store_and_version():
    ds = dataset_from_tables(csv_bytes(), store="the store", version="v7")
    assert (ds.store, ds.version) == ("the store", "v7")
    tables = base_tables()
    tables["observations.csv"].append(obs("O1", "moratorium", pd.Timestamp.today().date().isoformat(), "yes"))
    assert len(dataset_from_tables(csv_bytes(tables)).observations) == 1  # today by default: a fact of today loads


# --- vocabularies: the tuples the pages offer and the values the row models accept say the same -------------------


def _literal(model, field):
    import typing

    ann = model.model_fields[field].annotation
    args = typing.get_args(ann)
    return args if typing.get_origin(ann) is typing.Literal else next(typing.get_args(a) for a in args if a is not type(None))


def test_each_vocabulary_is_the_same_everywhere():
    from compliance import models as m

    assert m.STATUSES == _literal(m.Assessment, "status") == tuple(m.STATUS_LABELS)
    assert m.STATUSES == ("implemented", "partial", "unfulfilled", "not_assessed")
    assert m.RESPONSES == _literal(m.Recommendation, "response") == _literal(m.RecommendingState, "response")
    assert m.RESPONSES == tuple(m.RESPONSE_LABELS)
    assert m.ADDRESSEES == _literal(m.Demand, "addressee") == tuple(m.ADDRESSEE_LABELS)
    assert m.ISSUER_TYPES == _literal(m.Demand, "issuer_type")
    assert m.ICC_POSITIONS == _literal(m.IccEvent, "position") == tuple(m.ICC_POSITION_LABELS)
    assert set(m.ICC_STATE_POSITIONS) == set(m.ICC_POSITIONS) - {"court_step", "context"}
    assert tuple(m.MET_VALUES) == _literal(m.Observation, "met") and m.MET_VALUES == {"yes": 1.0, "partly": 0.5, "no": 0.0}
