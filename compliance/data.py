"""Load data/ into typed pandas frames, validating every row of every file and every cross-reference.

All problems are collected and raised together in one :class:`DataValidationError`, each naming the file,
the row (1 = first data row), the field, the bad value and what was expected. Nothing is silently mapped to
missing: an unknown code stops the load.
"""

from __future__ import annotations

import os
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

#: Environment variable that points the app and the CLI at another data folder.
DATA_DIR_ENV = "COMPLIANCE_DATA_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class FileSpec:
    name: str
    model: type[BaseModel]
    key: tuple[str, ...]


#: Every file of the dataset, in load order. The key columns must be unique.
FILES: tuple[FileSpec, ...] = (
    FileSpec("dataset.csv", m.DatasetInfo, ("state_under_review_iso3",)),
    FileSpec("sources.csv", m.Source, ("source_id",)),
    FileSpec("themes.csv", m.Theme, ("theme_slug",)),
    FileSpec("theme_map_uprinfo.csv", m.ThemeMapping, ("uprinfo_issue",)),
    FileSpec("theme_map_uhri.csv", m.ThemeKeyword, ("keyword", "theme_slug")),
    FileSpec("cycles.csv", m.Cycle, ("cycle",)),
    FileSpec("recurrences.csv", m.Recurrence, ("recurrence_id",)),
    FileSpec("recommendations.csv", m.Recommendation, ("recommendation_id",)),
    FileSpec("recommendation_states.csv", m.RecommendingState, ("recommendation_id", "state_iso3", "text_key")),
    FileSpec("demands.csv", m.Demand, ("demand_id",)),
    FileSpec("criteria.csv", m.Criterion, ("criterion_id",)),
    FileSpec("item_criteria.csv", m.ItemCriterion, ("item_id", "criterion_id")),
    FileSpec("observations.csv", m.Observation, ("observation_id",)),
    FileSpec("assessments.csv", m.Assessment, ("assessment_id",)),
    FileSpec("evidence_searches.csv", m.EvidenceSearch, ("search_id",)),
    FileSpec("tallies.csv", m.Tally, ("tally_id",)),
    FileSpec("icc_events.csv", m.IccEvent, ("event_id",)),
    FileSpec("pledges.csv", m.Pledge, ("pledge_id",)),
)
FILE_NAMES = tuple(f.name for f in FILES)


def file_columns(name: str) -> list[str]:
    """The columns of a data file, in order (its row model's fields)."""
    return list(next(s for s in FILES if s.name == name).model.model_fields)

#: Columns holding partial dates; each gets `<col>_start` and `<col>_end` timestamps.
DATE_COLUMNS = {
    "sources.csv": ("published_date",),
    "cycles.csv": ("review_date", "hrc_adoption_date"),
    "demands.csv": ("issued_date",),
    "observations.csv": ("observed_date",),
    "assessments.csv": ("assessed_date",),
    "evidence_searches.csv": ("searched_date",),
    "tallies.csv": ("published_date",),
    "icc_events.csv": ("event_date",),
    "pledges.csv": ("pledged_date",),
}


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
    """The validated dataset: one DataFrame per file plus derived tables."""

    frames: dict[str, pd.DataFrame]
    data_dir: Path
    warnings: list[str] = field(default_factory=list)
    items: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if f"{name}.csv" in frames:
            return frames[f"{name}.csv"]
        raise AttributeError(name)

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one file as written (its own columns, none of the loader's derived ones); missing = None."""
        df = self.frames[name][file_columns(name)].copy()
        return df.astype(object).where(df.notna(), None)

    @property
    def state_under_review(self) -> str:
        """ISO3 of the state this dataset is about (dataset.csv); imports about another state are refused."""
        return str(self.frames["dataset.csv"]["state_under_review_iso3"].iloc[0])

    @property
    def row_count(self) -> int:
        return sum(len(df) for df in self.frames.values())

    @property
    def last_updated(self) -> pd.Timestamp | None:
        """Newest dated fact in the dataset (observation, assessment, event, pledge, demand or source)."""
        stamps = []
        for name, cols in DATE_COLUMNS.items():
            for col in cols:
                s = self.frames[name][f"{col}_start"].dropna()
                if len(s):
                    stamps.append(s.max())
        return max(stamps) if stamps else None


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data folder: the argument, else $COMPLIANCE_DATA_DIR, else the bundled data/."""
    if data_dir:
        return Path(data_dir)
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else DEFAULT_DATA_DIR


@lru_cache(maxsize=1)
def valid_iso3() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def isin(series: pd.Series, values) -> np.ndarray:
    """Fast membership test for string columns (pyarrow's hash lookup; pandas' isin on Arrow strings is ~15×
    slower at 300,000 rows). Missing values are never members."""
    arr = pa.array(series, from_pandas=True)
    value_set = pa.array(pd.unique(pd.Series(list(values) if not isinstance(values, pd.Series) else values, dtype=object)), type=pa.string())
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


def _read_file(path: Path, spec: FileSpec, problems: list[Problem]) -> pd.DataFrame | None:
    name = spec.name
    if not path.exists():
        problems.append(Problem(name, None, None, f"file is missing from {path.parent}; every file in data/README.md is required"))
        return None
    try:
        # object columns: set/isin/unique on plain Python strings are much faster than on Arrow-backed ones
        df = pd.read_csv(path, dtype=object, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, None, f"is not valid UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8"))
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problems.append(Problem(name, None, None, f"cannot be read as CSV: {str(exc).strip()}"))
        return None
    df.columns = [c.strip() for c in df.columns]
    expected = list(spec.model.model_fields)
    missing = [c for c in expected if c not in df.columns]
    unknown = [c for c in df.columns if c not in expected]
    for c in missing:
        problems.append(Problem(name, None, c, "column is missing from the header; see data/README.md"))
    for c in unknown:
        problems.append(Problem(name, None, c, "is not a known column; see data/README.md for the columns of this file"))
    if missing or unknown:
        return None
    df = df.apply(lambda col: col.str.strip())
    return df


def _columns_valid(df: pd.DataFrame, spec: FileSpec) -> bool:
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


def _validate_rows(df: pd.DataFrame, spec: FileSpec, problems: list[Problem]) -> bool:
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


def _typed(df: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Turn the validated string frame into typed columns (numbers, None for empty)."""
    out = df.replace("", None)
    for name, kind in _numeric_fields(spec.model).items():
        out[name] = pd.to_numeric(out[name]).astype(kind)
    for col in DATE_COLUMNS.get(spec.name, ()):
        out[f"{col}_start"], out[f"{col}_end"] = partial_date_bounds(out[col])
    return out


# --- cross-references --------------------------------------------------------------------------


def _rows_where(mask: pd.Series) -> Iterable[int]:
    return (int(i) + 1 for i in mask[mask].index)


def _check_keys(df: pd.DataFrame, spec: FileSpec, problems: list[Problem]) -> None:
    if not spec.key:
        return
    dup = df.duplicated(list(spec.key), keep="first")
    for row in _rows_where(dup):
        values = ", ".join(str(df.iloc[row - 1][k]) for k in spec.key)
        problems.append(Problem(spec.name, row, spec.key[0], f"duplicate id {values!r}; ids must be unique"))


def _check_refs(
    df: pd.DataFrame, file: str, column: str, allowed: set[str], what: str, problems: list[Problem], *, is_list: bool = False
) -> None:
    """Every (non-empty) value of `column` must be in `allowed`. Checked on distinct cells, so it stays fast."""
    col = df[column]
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
    sources = set(f["sources.csv"]["source_id"])
    themes = set(f["themes.csv"]["theme_slug"])
    recurrences = set(f["recurrences.csv"]["recurrence_id"])
    criteria = set(f["criteria.csv"]["criterion_id"])
    recs = f["recommendations.csv"]
    demands = f["demands.csv"]
    items = set(recs["recommendation_id"]) | set(demands["demand_id"])
    cycles = set(int(c) for c in f["cycles.csv"]["cycle"])
    iso3 = valid_iso3()

    for name, df in f.items():
        if "source_ids" in df.columns:
            _check_refs(df, name, "source_ids", sources, "source id (not in sources.csv)", problems, is_list=True)
        if "themes" in df.columns:
            _check_refs(df, name, "themes", themes, "theme (not in themes.csv)", problems, is_list=True)
        if "recurrence_id" in df.columns and name != "recurrences.csv":
            _check_refs(df, name, "recurrence_id", recurrences, "recurrence id (not in recurrences.csv)", problems)
    for name in ("theme_map_uprinfo.csv", "theme_map_uhri.csv"):
        _check_refs(f[name], name, "theme_slug", themes, "theme (not in themes.csv)", problems)
    if len(f["dataset.csv"]) != 1:
        problems.append(Problem("dataset.csv", None, None, f"must have exactly one row (the state under review); has {len(f['dataset.csv'])}"))
    for name, column, is_list in (
        ("dataset.csv", "state_under_review_iso3", False),
        ("recommendation_states.csv", "state_iso3", False),
        ("demands.csv", "addressee_iso3", True),
        ("icc_events.csv", "actor_iso3", False),
        ("pledges.csv", "donor_iso3", False),
    ):
        _check_refs(f[name], name, column, set(iso3), "ISO 3166 alpha-3 country code", problems, is_list=is_list)

    _check_refs(recs, "recommendations.csv", "cycle", cycles, "cycle (not in cycles.csv)", problems)
    prefix_cycle = recs["recommendation_id"].str.extract(r"^C(\d)-")[0].astype("Int64")
    for row in _rows_where((prefix_cycle != recs["cycle"]).fillna(False)):
        problems.append(Problem("recommendations.csv", row, "recommendation_id", f"id {recs.iloc[row-1]['recommendation_id']!r} does not start with C{recs.iloc[row-1]['cycle']}- (its cycle)"))
    rs = f["recommendation_states.csv"]
    _check_refs(rs, "recommendation_states.csv", "recommendation_id", set(recs["recommendation_id"]), "recommendation id (not in recommendations.csv)", problems)
    without_states = set(recs["recommendation_id"]) - set(rs["recommendation_id"])
    for idx in recs.index[recs["recommendation_id"].isin(without_states)]:
        problems.append(Problem("recommendations.csv", int(idx) + 1, "recommendation_id", f"{recs.at[idx, 'recommendation_id']!r} has no recommending state in recommendation_states.csv"))
    # the paragraph response must agree with the per-state responses where those are given
    g = rs.dropna(subset=["response"]).groupby("recommendation_id")["response"]
    expected = g.first().where(g.nunique() == 1, "partially_supported")
    exp = recs["recommendation_id"].map(expected)
    for idx in recs.index[exp.notna() & (exp != recs["response"])]:
        got = sorted(set(rs.loc[rs["recommendation_id"] == recs.at[idx, "recommendation_id"], "response"].dropna()))
        problems.append(Problem("recommendations.csv", int(idx) + 1, "response", f"expected {exp[idx]!r} from the recommending states' responses ({', '.join(got)}); got {recs.at[idx, 'response']!r}"))

    named = demands["addressee"] == "named_states"
    for row in _rows_where(named & demands["addressee_iso3"].isna()):
        problems.append(Problem("demands.csv", row, "addressee_iso3", "is required when addressee is named_states; list the states' ISO3 codes"))

    ic = f["item_criteria.csv"]
    _check_refs(ic, "item_criteria.csv", "item_id", items, "item id (not a recommendation_id or demand_id)", problems)
    _check_refs(ic, "item_criteria.csv", "criterion_id", criteria, "criterion id (not in criteria.csv)", problems)
    _check_refs(f["observations.csv"], "observations.csv", "criterion_id", criteria, "criterion id (not in criteria.csv)", problems)
    _check_refs(f["assessments.csv"], "assessments.csv", "item_id", items, "item id (not a recommendation_id or demand_id)", problems)
    _check_refs(f["evidence_searches.csv"], "evidence_searches.csv", "item_id", items, "item id (not a recommendation_id or demand_id)", problems)

    ev = f["icc_events.csv"]
    state_pos = ev["position"].isin(m.ICC_STATE_POSITIONS)
    for row in _rows_where(state_pos & ev["actor_iso3"].isna()):
        problems.append(Problem("icc_events.csv", row, "actor_iso3", f"a state position ({ev.iloc[row-1]['position']}) needs the state's ISO3 code; use position context for other actors"))
    pl = f["pledges.csv"]
    for row in _rows_where(pl["amount"].notna() & pl["currency"].isna()):
        problems.append(Problem("pledges.csv", row, "currency", "is required when an amount is given"))

    # vocabulary entries that no row uses: a warning, not an error
    def used_in(series_list) -> set[str]:
        return {v for series in series_list for cell in pd.unique(series.dropna().to_numpy(dtype=object)) for v in split_list(cell)}

    used_sources = used_in([df["source_ids"] for df in f.values() if "source_ids" in df.columns])
    used_themes = used_in([f[name]["themes"] for name in ("recommendations.csv", "demands.csv")])
    for what, vocab, used in (
        ("source", sources, used_sources),
        ("theme", themes, used_themes),
        ("criterion", criteria, set(ic["criterion_id"])),
        ("recurrence", recurrences, set(recs["recurrence_id"].dropna()) | set(demands["recurrence_id"].dropna())),
    ):
        unused = sorted(vocab - used)
        if unused:
            warnings.append(f"{len(unused)} {what}(s) defined but used by no row: {', '.join(unused)}")


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
            "date_start": recs["cycle"].map({c: pd.Timestamp(f"{y}-01-01") for c, y in m.CYCLE_YEARS.items()}),
            "recurrence_id": recs["recurrence_id"],
            "source_ids": recs["source_ids"],
        }
    )
    cyc = f["cycles.csv"].set_index("cycle")["review_date_start"]
    r["date_start"] = recs["cycle"].map(cyc).fillna(r["date_start"])
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
            "recurrence_id": d["recurrence_id"],
            "source_ids": d["source_ids"],
        }
    )
    items = pd.concat([r, dm], ignore_index=True)
    items["cycle"] = items["cycle"].astype("Int64")
    # display text, made once per load so pages only filter
    labels = dict(zip(f["themes.csv"]["theme_slug"], f["themes.csv"]["label"]))
    items["states_text"] = items["states"].map(", ".join)
    items["themes_text"] = items["themes"].map(lambda ts: ", ".join(labels.get(t, t) for t in ts))
    return items


# --- entry point ---------------------------------------------------------------------------------


def load_dataset(data_dir: str | os.PathLike | None = None) -> Dataset:
    """Read and validate every file; raise DataValidationError listing every problem at once."""
    root = resolve_data_dir(data_dir)
    problems: list[Problem] = []
    if not root.is_dir():
        raise DataValidationError([Problem(str(root), None, None, "data folder does not exist")])
    raw: dict[str, pd.DataFrame] = {}
    for spec in FILES:
        df = _read_file(root / spec.name, spec, problems)
        if df is not None and _validate_rows(df, spec, problems):
            raw[spec.name] = df
    if problems:
        raise DataValidationError(problems)
    frames = {spec.name: _typed(raw[spec.name], spec) for spec in FILES}
    for spec in FILES:
        _check_keys(frames[spec.name], spec, problems)
    warnings: list[str] = []
    _cross_check(frames, problems, warnings)
    if problems:
        raise DataValidationError(problems)
    ds = Dataset(frames=frames, data_dir=root, warnings=warnings)
    ds.items = build_items(frames)
    return ds
