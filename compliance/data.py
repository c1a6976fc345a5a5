"""Load data/ into typed pandas frames, validating every row of every file and every cross-reference.

All problems are collected and raised together in one :class:`DataValidationError`, each naming the file,
the row (1 = first data row), the field, the bad value and what was expected. Nothing is silently mapped to
missing: an unknown code stops the load.
"""

from __future__ import annotations

import csv
import io
import os
import re
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry
from pydantic import BaseModel, TypeAdapter, ValidationError

from . import models as m
from .schema import BOOKKEEPING_DATES, TABLE_NAMES, TABLES, TableSpec
from .schema import spec as schema_spec
from .timeline import KNOWN_FROM, add_known_from

#: Environment variable that points the app and the CLI at another data folder.
DATA_DIR_ENV = "COMPLIANCE_DATA_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


#: Every table, declared once in compliance.schema (kept here under its old name for the loader's callers).
FILES = TABLES
FILE_NAMES = TABLE_NAMES


def file_columns(name: str) -> list[str]:
    """The columns of a data file, in order (its row model's fields)."""
    return schema_spec(name).columns


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, phrased for the person who will fix it."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [f"data/{self.file}" if "/" not in self.file else self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f'field "{self.field}"')
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(Exception):
    """The data folder is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the data:\n{lines}")


@dataclass
class Dataset:
    """The validated dataset: one DataFrame per file plus derived tables.

    `frames` holds what counts: for the tables whose rows are read twice (models.ReadTwice), only the rows a second
    reader confirmed or corrected; every score, total, chart and command reads these. `written` holds every row as
    written (rows not yet read, rejected or unreachable included): what writers change and the review lists."""

    frames: dict[str, pd.DataFrame]
    store: Any = None  # the compliance.store.Store it was read from (None for tables validated in memory)
    version: str = ""  # the store's version token when it was read
    warnings: list[str] = field(default_factory=list)
    items: pd.DataFrame = field(default_factory=pd.DataFrame)
    written: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if f"{name}.csv" in frames:
            return frames[f"{name}.csv"]
        raise AttributeError(name)

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one file as written (its own columns, none of the loader's derived ones); missing = None."""
        df = (self.written or self.frames)[name][file_columns(name)].copy()
        return df.astype(object).where(df.notna(), None)

    @property
    def state_under_review(self) -> str:
        """ISO3 of the state this dataset is about (dataset.csv); imports about another state are refused."""
        return str(self.frames["dataset.csv"]["state_under_review_iso3"].iloc[0])

    @property
    def row_count(self) -> int:
        return sum(len(df) for df in (self.written or self.frames).values())

    @property
    def last_updated(self) -> pd.Timestamp | None:
        """Newest dated fact in the dataset (observation, assessment, event, pledge, demand or source)."""
        stamps = []
        for t in TABLES:
            for col in t.dates:
                if col in BOOKKEEPING_DATES or col in t.future_dates:  # when we read or searched is no fact
                    continue
                s = self.frames[t.name][f"{col}_start"].dropna()
                if len(s):
                    stamps.append(s.max())
        return max(stamps) if stamps else None


@lru_cache(maxsize=1)
def valid_iso3() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def isin(series: pd.Series, values) -> np.ndarray:
    """Fast membership test for string columns (pyarrow's hash lookup; pandas' isin on Arrow strings is ~15×
    slower at 300,000 rows). Missing values are never members."""
    arr = pa.array(series, from_pandas=True)
    wanted = values.astype(object) if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    value_set = pa.array(pd.unique(wanted), type=pa.string())
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.string())
    return pc.fill_null(pc.is_in(arr, value_set=value_set), False).to_numpy(zero_copy_only=False)


def split_list(value: Any) -> list[str]:
    """Split a ';'-separated cell into a list (empty cell -> [])."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def partial_date_bounds(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Start and end timestamps of partial ISO dates (YYYY, YYYY-MM, YYYY-MM-DD); None -> NaT."""
    s = values.astype("string")
    full = pd.to_datetime(s.where(s.str.len() == 10), format="%Y-%m-%d", errors="coerce")
    month = pd.to_datetime(s.where(s.str.len() == 7), format="%Y-%m", errors="coerce")
    year = pd.to_datetime(s.where(s.str.len() == 4), format="%Y", errors="coerce")
    start = full.fillna(month).fillna(year)
    end = full.fillna(month + pd.offsets.MonthEnd(0)).fillna(year + pd.offsets.YearEnd(0))
    return start, end


# --- reading ---------------------------------------------------------------------------------


def _describe_error(model: type[BaseModel], field_name: str, err: dict) -> str:
    got = err.get("input")
    kind = err["type"]
    if kind == "missing":
        return "is required but empty"
    if kind == "extra_forbidden":
        return "is not a known column"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"expected {expected.replace(chr(39), '')}; got {got!r}"
    # type annotations nested in Optional/Annotated carry their description on the inner type; fall back to
    # pydantic's message when there is none
    expected = _field_description(model, field_name)
    if expected:
        return f"expected {expected}; got {got!r}"
    return f"{err['msg']}; got {got!r}"


@lru_cache(maxsize=None)
def _field_description(model: type[BaseModel], field_name: str) -> str | None:
    info = model.model_fields.get(field_name)
    if info is None:
        return None
    if info.description:
        return info.description
    ann = info.annotation
    candidates = [ann, *typing.get_args(ann)]
    for c in candidates:
        for meta in getattr(c, "__metadata__", ()):
            if getattr(meta, "description", None):
                return meta.description
    for meta in info.metadata:
        if getattr(meta, "description", None):
            return meta.description
    return None


#: Characters that have no place in a data cell (C0 controls other than tab, line feed and carriage return; DEL).
_CONTROL_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Signs of a cell with a space or tab at its end or at the start of a line (spaces after a comma are skipped by
#: the parser itself): rare, so the costly strip of every cell runs only when a file shows one.
_EDGE_SPACE_MARKS = (b" ,", b" \n", b" \r", b"\n ", b"\t")


def parse_table(t: TableSpec, content: bytes | None, problems: list[Problem]) -> pd.DataFrame | None:
    """CSV bytes of one table -> a frame of stripped strings ('' for empty), or None with the problems recorded.
    A structural problem (bad encoding, control character, unbalanced quote, wrong number of fields) is reported
    once, at its line, instead of as hundreds of errors in the rows it shifts."""
    name = t.name
    if content is None:
        problems.append(Problem(name, None, None, "file is missing; every file in data/README.md is required"))
        return None
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        problems.append(Problem(name, None, None, "is UTF-16; save it as UTF-8"))
        return None
    bad = _CONTROL_RE.search(content)
    if bad:
        line = content.count(b"\n", 0, bad.start()) + 1
        problems.append(Problem(name, None, None, f"line {line} holds the control character U+{bad.group()[0]:04X}, "
                                                  "which has no place in a data file; remove it"))
        return None
    structural = None
    try:
        # object columns: set/isin/unique on plain Python strings are much faster than on Arrow-backed ones
        df = pd.read_csv(io.BytesIO(content), dtype=object, keep_default_na=False, encoding="utf-8-sig",
                         skipinitialspace=True)
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, None, f"is not valid UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8"))
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        structural = _structure_problem(content.decode("utf-8-sig")) or f"cannot be read as CSV: {str(exc).strip()}"
    else:
        # a short record is filled with NaN, an unclosed quote swallows the rest of the file, and a first row with
        # one field too many silently becomes an index: say where
        if (content.count(b'"') % 2 or not isinstance(df.index, pd.RangeIndex)
                or (len(df.columns) and df.iloc[:, -1].isna().any())):
            structural = _structure_problem(content.decode("utf-8-sig"))
    if structural:
        problems.append(Problem(name, None, None, structural))
        return None
    df.columns = [c.strip() for c in df.columns]
    expected = t.columns
    missing = [c for c in expected if c not in df.columns]
    unknown = [c for c in df.columns if c not in expected]
    for c in missing:
        problems.append(Problem(name, None, c, "column is missing from the header; see data/README.md"))
    for c in unknown:
        problems.append(Problem(name, None, c, "is not a known column; see data/README.md for the columns of this file"))
    if missing or unknown:
        return None
    if content.startswith((b" ", b"\t")) or any(mark in content for mark in _EDGE_SPACE_MARKS):
        df = df.apply(lambda col: col.str.strip())
    return df


def _structure_problem(text: str) -> str | None:
    """The first record whose number of fields differs from the header's, or a quote left open: one message
    naming the line where the trouble starts (run only when pandas' parse shows something is off)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return "is empty; it needs at least its header row (see data/README.md)"
    except csv.Error as exc:
        return f"cannot be read as CSV: {exc}"
    width = len(header)
    previous_end = reader.line_num
    start = previous_end + 1
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if row and len(row) != width:
                hint = ("a quote opened in this record is closed only later, or a cell holds an unquoted comma"
                        if len(row) > width or any("\n" in c for c in row) else "a cell or a comma is missing")
                return (f"line {start}: expected {width} fields as in the header, found {len(row)} ({hint}); "
                        "fix that line and the rows after it are read as before")
    except csv.Error as exc:
        return f"line {start}: cannot be read as CSV ({exc}); look for an unbalanced quote"
    if text.count('"') % 2:
        return f"line {start}: a quote opened in this record is never closed; close it (or double it: \"\")"
    return None


def _columns_valid(df: pd.DataFrame, spec: TableSpec) -> bool:
    """Fast path: validate each column's distinct values against its field type in one call per column.
    Row models have no cross-field validators, so a file whose columns all pass is valid row by row too."""
    for name, info in spec.model.model_fields.items():
        values = df[name].to_numpy(dtype=object)
        empty = values == ""
        if empty.any() and info.is_required():
            return False
        distinct = pd.unique(values[~empty])
        try:
            _field_adapter(spec.model, name).validate_python(list(distinct))
        except ValidationError:
            return False
    return True


@lru_cache(maxsize=None)
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    info = model.model_fields[name]
    item = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(list[item])


def _validate_rows(df: pd.DataFrame, spec: TableSpec, problems: list[Problem]) -> bool:
    if _columns_valid(df, spec):
        return True
    # slow path, only for files with a problem: row-wise, so each message names its row and field
    cols = list(df.columns)
    arrays = [df[c].to_numpy(dtype=object) for c in cols]
    records = [{k: v for k, v in zip(cols, row) if v != ""} for row in zip(*arrays)]
    adapter = _adapter(spec.model)
    try:
        adapter.validate_python(records)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            row = loc[0] + 1 if loc and isinstance(loc[0], int) else None
            field_name = str(loc[1]) if len(loc) > 1 else None
            problems.append(Problem(spec.name, row, field_name, _describe_error(spec.model, field_name or "", err)))
        return False
    return True


@lru_cache(maxsize=None)
def _adapter(model: type[BaseModel]) -> TypeAdapter:
    return TypeAdapter(list[model])


@lru_cache(maxsize=None)
def _numeric_fields(model: type[BaseModel]) -> dict[str, str]:
    """Fields whose (optional) type is int or float, with the nullable pandas dtype to use."""
    out = {}
    for name, info in model.model_fields.items():
        ann = info.annotation
        args = typing.get_args(ann) if typing.get_origin(ann) in (typing.Union, types.UnionType) else (ann,)
        base = {typing.get_args(a)[0] if typing.get_origin(a) is typing.Annotated else a for a in args} - {type(None)}
        if base == {int}:
            out[name] = "Int64"
        elif base == {float}:
            out[name] = "Float64"
    return out


def _typed(df: pd.DataFrame, t: TableSpec, problems: list[Problem], today: pd.Timestamp) -> pd.DataFrame:
    """Turn the validated string frame into typed columns (numbers, None for empty); dates must be real calendar
    dates and, unless the schema allows it for the column, not later than today."""
    out = df.replace("", None)
    for name, kind in _numeric_fields(t.model).items():
        out[name] = pd.to_numeric(out[name]).astype(kind)
    for col in t.dates:
        start, end = partial_date_bounds(out[col])
        out[f"{col}_start"], out[f"{col}_end"] = start, end
        given = out[col].notna()
        for row in _rows_where(given & start.isna()):
            problems.append(Problem(t.name, row, col, f"{out.at[row - 1, col]!r} is not a real calendar date; "
                                                      "check the day and month (YYYY-MM-DD)"))
        if col not in t.future_dates:
            for row in _rows_where(given & (start > today)):
                problems.append(Problem(t.name, row, col, f"{out.at[row - 1, col]!r} is after today "
                                                          f"({today.date().isoformat()}); a fact cannot be dated in the future"))
    return out


# --- cross-references --------------------------------------------------------------------------


def _rows_where(mask: pd.Series) -> Iterable[int]:
    return (int(i) + 1 for i in mask[mask].index)


def _check_keys(df: pd.DataFrame, t: TableSpec, problems: list[Problem]) -> None:
    dup = df.duplicated(list(t.key), keep="first")
    for row in _rows_where(dup):
        values = ", ".join(str(df.iloc[row - 1][k]) for k in t.key if df.iloc[row - 1][k] is not None)
        problems.append(Problem(t.name, row, t.key[0], f"duplicate id {values!r}; ids must be unique"))


def _check_refs(
    col: pd.Series, file: str, column: str, allowed: set[str], what: str, problems: list[Problem], *, is_list: bool = False
) -> None:
    """Every (non-empty) value of `col` must be in `allowed`. Checked on distinct cells, so it stays fast."""
    cells = pd.unique(col.dropna().to_numpy(dtype=object))
    if not len(cells):
        return
    if is_list:
        bad_cells = {c for c in cells if any(v.strip() not in allowed for v in c.split(";"))}
    else:
        bad_cells = {c for c in cells if c not in allowed}
    if not bad_cells:
        return
    for idx, cell in col[col.isin(bad_cells)].items():
        values = [v.strip() for v in cell.split(";")] if is_list else [cell]
        for value in values:
            if value not in allowed:
                problems.append(Problem(file, int(idx) + 1, column, f"unknown {what} {value!r}"))


def _cross_check(f: dict[str, pd.DataFrame], problems: list[Problem], warnings: list[str]) -> None:
    # the declared references (compliance.schema): every value must exist where it points
    iso3 = set(valid_iso3())
    for t in TABLES:
        for ref in t.references:
            if ref.vocabulary == "iso3":
                allowed = iso3
            else:
                allowed = set()
                for table, column in ref.targets:
                    allowed |= {str(v) for v in f[table][column].dropna()}
            col = f[t.name][ref.column]
            if col.dtype != object:  # numbers (a cycle) are compared as the text they were written as
                col = col.astype("string").astype(object)
            _check_refs(col, t.name, ref.column, allowed, ref.what, problems, is_list=ref.is_list)

    # rules across columns and tables that a reference cannot say
    if len(f["dataset.csv"]) != 1:
        problems.append(Problem("dataset.csv", None, None,
                                f"must have exactly one row (the state under review); has {len(f['dataset.csv'])}"))
    recs = f["recommendations.csv"]
    demands = f["demands.csv"]
    prefix_cycle = recs["recommendation_id"].str.extract(r"^C(\d+)-")[0].astype("Int64")
    for row in _rows_where((prefix_cycle != recs["cycle"]).fillna(False)):
        rec = recs.iloc[row - 1]
        problems.append(Problem("recommendations.csv", row, "recommendation_id",
                                f"id {rec['recommendation_id']!r} does not start with C{rec['cycle']}- (its cycle)"))
    rs = f["recommendation_states.csv"]
    without_states = set(recs["recommendation_id"]) - set(rs["recommendation_id"])
    for idx in recs.index[recs["recommendation_id"].isin(without_states)]:
        problems.append(Problem("recommendations.csv", int(idx) + 1, "recommendation_id",
                                f"{recs.at[idx, 'recommendation_id']!r} has no recommending state in recommendation_states.csv"))
    # the paragraph response must agree with the per-state responses where those are given
    g = rs.dropna(subset=["response"]).groupby("recommendation_id")["response"]
    expected = g.first().where(g.nunique() == 1, "partially_supported")
    exp = recs["recommendation_id"].map(expected)
    for idx in recs.index[exp.notna() & (exp != recs["response"])]:
        got = sorted(set(rs.loc[rs["recommendation_id"] == recs.at[idx, "recommendation_id"], "response"].dropna()))
        problems.append(Problem("recommendations.csv", int(idx) + 1, "response",
                                f"expected {exp[idx]!r} from the recommending states' responses ({', '.join(got)}); "
                                f"got {recs.at[idx, 'response']!r}"))

    named = demands["addressee"] == "named_states"
    for row in _rows_where(named & demands["addressee_iso3"].isna()):
        problems.append(Problem("demands.csv", row, "addressee_iso3",
                                "is required when addressee is named_states; list the states' ISO3 codes"))

    ev = f["icc_events.csv"]
    state_pos = ev["position"].isin(m.ICC_STATE_POSITIONS)
    for row in _rows_where(state_pos & ev["actor_iso3"].isna()):
        problems.append(Problem("icc_events.csv", row, "actor_iso3",
                                f"a state position ({ev.iloc[row-1]['position']}) needs the state's ISO3 code; "
                                "use position context for other actors"))
    pl = f["pledges.csv"]
    for row in _rows_where(pl["amount"].notna() & pl["currency"].isna()):
        problems.append(Problem("pledges.csv", row, "currency", "is required when an amount is given"))

    sources = set(f["sources.csv"]["source_id"])
    themes = set(f["themes.csv"]["theme_slug"])
    recurrences = set(f["recurrences.csv"]["recurrence_id"])
    criteria = set(f["criteria.csv"]["criterion_id"])
    ic = f["item_criteria.csv"]

    # vocabulary entries that no row uses: a warning, not an error
    def used_in(series_list) -> set[str]:
        return {v for series in series_list for cell in pd.unique(series.dropna().to_numpy(dtype=object)) for v in split_list(cell)}

    used_sources = used_in([df["source_ids"] for df in f.values() if "source_ids" in df.columns])
    # a source a second reader names in a reading (the one a replacement stands in for) is part of the record too
    notes = " ".join(str(v) for t in TABLES if t.read_twice for v in pd.unique(f[t.name]["read_note"].dropna()))
    used_sources |= {s for s in sources - used_sources if re.search(rf"\b{re.escape(s)}\b", notes)}
    used_themes = used_in([f[name]["themes"] for name in ("recommendations.csv", "demands.csv")])
    for what, vocab, used in (
        ("source", sources, used_sources),
        ("theme", themes, used_themes),
        ("criterion", criteria, set(ic["criterion_id"]) | set(f["observations.csv"]["criterion_id"])),
        ("recurrence", recurrences, set(recs["recurrence_id"].dropna()) | set(demands["recurrence_id"].dropna())),
    ):
        unused = sorted(vocab - used)
        if unused:
            warnings.append(f"{len(unused)} {what}(s) defined but used by no row: {', '.join(unused)}")


def _check_readings(f: dict[str, pd.DataFrame], problems: list[Problem], warnings: list[str]) -> None:
    """The second reading of every fact (models.ReadTwice): a verdict names its reader and date, a reader gives a
    verdict, nobody reads their own row, and a row set aside says why."""
    for t in TABLES:
        if not t.read_twice:
            continue
        df = f[t.name]
        verdict, reader = df["read_verdict"], df["read_by"]
        set_aside = verdict.isin(["rejected", "unreachable"])
        for row in _rows_where(df["locator"].isna() & ~set_aside):
            problems.append(Problem(t.name, row, "locator", "is required: say where in the source the fact is said "
                                    "(paragraph, page, section or heading) so that a reader can find it"))
        for row in _rows_where(verdict.notna() & reader.isna()):
            problems.append(Problem(t.name, row, "read_by", "is required when read_verdict is given; name the second reader"))
        for row in _rows_where(verdict.notna() & df["read_date"].isna()):
            problems.append(Problem(t.name, row, "read_date", "is required when read_verdict is given (YYYY-MM-DD)"))
        for row in _rows_where(verdict.isna() & (reader.notna() | df["read_date"].notna())):
            problems.append(Problem(t.name, row, "read_verdict", "is required when read_by or read_date is given: "
                                    f"one of {', '.join(m.READ_VERDICTS)}"))
        own = reader.notna() & (reader.fillna("").str.strip().str.casefold()
                                == df["recorded_by"].fillna("").str.strip().str.casefold())
        for row in _rows_where(own):
            problems.append(Problem(t.name, row, "read_by", f"{reader.iloc[row - 1]!r} also wrote this row (recorded_by); "
                                    "a second reading must be made by someone else"))
        for row in _rows_where(set_aside & df["read_note"].isna()):
            problems.append(Problem(t.name, row, "read_note", f"is required when the row is {verdict.iloc[row - 1]}: say why"))
    # a contested criterion shows both sides: at least two observations that disagree
    contested = f["contested.csv"]["criterion_id"]
    contested = contested[isin(contested, f["criteria.csv"]["criterion_id"]) & ~contested.duplicated(keep=False)]
    obs = f["observations.csv"]
    sides = obs[isin(obs["criterion_id"], contested)].groupby("criterion_id")["met"].nunique()
    for idx in contested.index:
        if sides.get(contested[idx], 0) < 2:
            problems.append(Problem("contested.csv", int(idx) + 1, "criterion_id",
                                    f"{contested[idx]!r} is marked contested but observations.csv does not record both "
                                    "sides (two observations of it with different 'met'); add the other side's "
                                    "observation or remove the row"))
    without_kind = [i for name, col in (("recommendations.csv", "recommendation_id"), ("demands.csv", "demand_id"))
                    for i in f[name].loc[f[name]["ask_kind"].isna(), col]]
    if without_kind:
        warnings.append(f"{len(without_kind)} item(s) have no ask_kind yet (the kind of ask the standard judges them by): "
                        + ", ".join(without_kind[:20]) + (" …" if len(without_kind) > 20 else ""))


def counted(f: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """What counts: every table, with the rows of read-twice tables that no second reader has confirmed or
    corrected left out (not yet read, rejected, source unreachable). The one place this rule is applied."""
    out = {}
    for t in TABLES:
        df = f[t.name]
        if t.read_twice:
            df = df[df["read_verdict"].isin(m.COUNTED_VERDICTS).to_numpy()].reset_index(drop=True)
        out[t.name] = df
    return out


# --- derived tables -----------------------------------------------------------------------------


def _split_cells(series: pd.Series) -> pd.Series:
    """';'-lists as Python lists, splitting each distinct cell once (lists are shared, treat as read-only)."""
    cells = series.astype(object)
    distinct = {c: split_list(c) for c in pd.unique(cells.dropna().to_numpy(dtype=object))}
    return cells.map(lambda c: distinct.get(c, []) if isinstance(c, str) else [])


def build_items(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per scorable item (recommendations and demands) with the columns filters need."""
    recs = f["recommendations.csv"]
    pairs = f["recommendation_states.csv"][["recommendation_id", "state_iso3"]].drop_duplicates()
    pairs = pairs.sort_values(["recommendation_id", "state_iso3"])
    rid = pairs["recommendation_id"].to_numpy(dtype=object)
    codes = pairs["state_iso3"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, rid[1:] != rid[:-1]]) if len(rid) else np.array([], dtype=int)
    states = dict(zip(rid[starts], (a.tolist() for a in np.split(codes, starts[1:]))))
    r = pd.DataFrame(
        {
            "item_id": recs["recommendation_id"],
            "kind": "recommendation",
            "cycle": recs["cycle"],
            "paragraph": recs["paragraph"],
            "summary": recs["summary"],
            "themes": _split_cells(recs["themes"]),
            "response": recs["response"],
            "states": [states.get(r, []) for r in recs["recommendation_id"].to_numpy(dtype=object)],
            "issuer": None,
            "issuer_type": None,
            "addressee": None,
            "date": None,
            "date_start": recs["cycle"].map(f["cycles.csv"].set_index("cycle")["review_date_start"]),
            KNOWN_FROM: recs[KNOWN_FROM],
            "recurrence_id": recs["recurrence_id"],
            "source_ids": recs["source_ids"],
            "ask_kind": recs["ask_kind"],
            "judgement": recs["judgement"],
        }
    )
    d = f["demands.csv"]
    dm = pd.DataFrame(
        {
            "item_id": d["demand_id"],
            "kind": "demand",
            "cycle": pd.array([pd.NA] * len(d), dtype="Int64"),
            "paragraph": None,
            "summary": d["summary"],
            "themes": _split_cells(d["themes"]),
            "response": None,
            "states": _split_cells(d["addressee_iso3"]),
            "issuer": d["issuer"],
            "issuer_type": d["issuer_type"],
            "addressee": d["addressee"],
            "date": d["issued_date"],
            "date_start": d["issued_date_start"],
            KNOWN_FROM: d[KNOWN_FROM],
            "recurrence_id": d["recurrence_id"],
            "source_ids": d["source_ids"],
            "ask_kind": d["ask_kind"],
            "judgement": d["judgement"],
        }
    )
    items = pd.concat([r, dm], ignore_index=True)
    items["cycle"] = items["cycle"].astype("Int64")
    # display text, made once per load so pages only filter
    labels = dict(zip(f["themes.csv"]["theme_slug"], f["themes.csv"]["label"]))
    items["states_text"] = items["states"].map(", ".join)
    from .countries import state_name

    names = {c: state_name(c) for c in {c for cs in items["states"] for c in cs}}
    items["states_names"] = items["states"].map(lambda cs: ", ".join(names[c] for c in cs))
    items["themes_text"] = items["themes"].map(lambda ts: ", ".join(labels.get(t, t) for t in ts))
    return items


# --- entry point ---------------------------------------------------------------------------------


def dataset_from_tables(contents: dict[str, bytes | None], *, store: Any = None, version: str = "",
                        today: pd.Timestamp | None = None) -> Dataset:
    """Validate a whole dataset given as CSV bytes per table (None = missing) and build the typed frames; raise
    DataValidationError listing every problem at once. Every store reads through here, and every write validates
    its would-be dataset here before anything is written."""
    today = (today or pd.Timestamp.today()).normalize()
    problems: list[Problem] = []
    raw: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        df = parse_table(t, contents.get(t.name), problems)
        if df is not None and _validate_rows(df, t, problems):
            raw[t.name] = df
    if problems:
        raise DataValidationError(problems)
    frames = {t.name: _typed(raw[t.name], t, problems, today) for t in TABLES}
    add_known_from(frames, TABLES)
    for t in TABLES:
        _check_keys(frames[t.name], t, problems)
    warnings: list[str] = []
    _cross_check(frames, problems, warnings)
    _check_readings(frames, problems, warnings)
    if problems:
        raise DataValidationError(problems)
    counting = counted(frames)
    ds = Dataset(frames=counting, store=store, version=version, warnings=warnings, written=frames)
    ds.items = build_items(counting)
    return ds


def load_dataset(data_dir: str | os.PathLike | None = None) -> Dataset:
    """Read and validate the dataset of a store (a data folder, or a postgresql:// address); default: the
    configured store ($COMPLIANCE_STORE, $COMPLIANCE_DATA_DIR or the bundled data/)."""
    from .store import open_store

    return open_store(data_dir).load()
