"""Import the lists researchers hold and merge them into the dataset: stable identities (re-importing the same file
changes nothing), updates reported, every problem named by row and field, nothing written here.

Formats (``--format``; ``auto`` tells them apart by content and says so when it cannot)
- ``docx``: the OHCHR "Thematic list of recommendations" (the UPR matrix), read by :mod:`compliance.matrix`; state,
  cycle and session from its page header; an NGO's filled-in assessment column can become assessments.
- ``uprinfo``: the classic UPR Info database export, one row per recommending state, columns
  ``To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response, Action, Issue, Session``.
- ``uhri``: the UN Universal Human Rights Index "Export to Excel" file (XLSX, or the same table as CSV): ``Text``
  starts with the report paragraph (``127.35 …``), ``Countries Concerned``, ``UPR Reccomending States`` (sic),
  ``UPR Position``, ``UPR Session`` (``8th Session``), ``Document Symbol``, ``Themes`` …; *every* cell may be a
  bullet list (one value a line, each prefixed ``- ``), the single-valued ones too. Rows of other bodies
  (``Reccomending Body`` not UPR) are skipped and counted.
- ``mapped``: any CSV or XLSX, with a column mapping (``--map FIELD=COLUMN,…`` or ``--map-file``; fields in
  :data:`MAP_FIELDS`).

Identity: a row with a paragraph is identified by (cycle, paragraph); a UPR Info row, which has none, by (cycle,
recommending state, fingerprint of its normalised text). Fingerprints (`text_key`) are stored in
recommendation_states.csv, so the shipped data needs no verbatim text to recognise a re-import.

Cycles come from the file (a cycle column, a session column, the matrix's page header, a document symbol of the
Working Group ``A/HRC/WG.6/<session>/…`` or one listed in data/cycles.csv) or from ``--cycle``. Sessions map to
cycles: 1–12 cycle 1, 13–26 cycle 2, 27–40 cycle 3, 41 onwards cycle 4 (sources in data/sources.csv:
UPRCYCLES-41, the 41st session opened the fourth cycle; UPRCYCLES-OHCHR, 14 sessions a cycle, so 27–40 and 13–26
before it, which leaves 1–12 for the first; Belarus's own reviews agree: session 8 in cycle 1, 22 in cycle 2, 36
in cycle 3, 50 in cycle 4).

The dataset is about one state under review (``ds.state_under_review``). A file about any state can be read and
checked (a dry run), but a plan for another state is never applied (:meth:`MergePlan.refusal`).

Speed: every step is linear in the rows (dictionaries, no per-row scans of a table), so 100,000 rows plan in a few
seconds; ``bench/import_speed.py`` measures it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from .countries import split_states, to_iso3
from .data import Dataset, split_list
from .models import CYCLES_TEXT, FIRST_SESSION
from .readers import MAX_ROWS, ImportFormatError, container, decode_text, read_table, read_table_lines  # noqa: F401

UPRINFO_COLUMNS = ["To", "To-Rgrp", "To-Org", "Text", "From", "From-Rgrp", "From-Org", "Response", "Action", "Issue", "Session"]
UHRI_REQUIRED = ["Text", "UPR Reccomending States", "UPR Position", "UPR Session"]
UNKNOWN_MARKERS = {"", "-", "--", "n/a", "na", "unknown", "not known", "none", "null", "?"}
FORMATS = ("auto", "docx", "uprinfo", "uhri", "mapped")

#: Fields a column mapping (--map / --map-file / the Data page's dropdowns) can fill, and what each holds.
MAP_FIELDS: dict[str, str] = {
    "text": "the recommendation's text (may start with its paragraph number, e.g. '127.35 Consider …')",
    "paragraph": "the report paragraph, e.g. 127.35",
    "recommending_states": "the recommending state(s): names, one a line or separated by ';'",
    "response": "the response: Supported, Noted, Accepted, Partially supported …",
    "session": "the UPR Working Group session, e.g. 36 or '36th session'",
    "cycle": f"the UPR cycle, {CYCLES_TEXT} (e.g. '3' or '3rd cycle')",
    "themes": "themes: our slugs, UPR Info issues or UHRI/OHCHR theme names, one a line or separated by ';'",
    "state_under_review": "the state under review (rows about other states are counted and skipped)",
    "assessment": "an assessment of implementation in words (imported as assessments with --assessor)",
}
REQUIRED_MAP_FIELDS = ("text", "recommending_states")

RESPONSE_WORDS = {
    "accepted": "supported", "supported": "supported", "support": "supported",
    "noted": "noted", "rejected": "noted", "not accepted": "noted", "not supported": "noted",
    "partially accepted": "partially_supported", "partially supported": "partially_supported",
    "supported/noted": "partially_supported", "accepted/noted": "partially_supported",
    "supported and considered implemented": "supported_implemented",
    "accepted and considered implemented": "supported_implemented",
    "already implemented": "supported_implemented",
    "supported, already implemented": "supported_implemented",
}

#: Clear wording of an assessment column -> our status; anything else is reported, never guessed.
ASSESSMENT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("not_assessed", r"no information|not assessed|no data|insufficient information|unable to assess|cannot be assessed|unknown"),
    ("unfulfilled", r"not (?:been |yet )?implemented|unimplemented|non-?implemented|no implementation|not fulfilled|unfulfilled"),
    ("partial", r"partial(?:ly)? implemented|partly implemented|partial implementation|implemented in part|partially fulfilled"),
    ("implemented", r"(?:fully )?implemented|fulfilled|implementation completed"),
)
ASSESSMENT_HINT = "write one of: implemented, partially implemented, not implemented, no information"


# --- report -----------------------------------------------------------------------------------------


@dataclass
class ImportedRecommendation:
    row: int  # first file row (1 = first data row)
    cycle: int
    paragraph: str | None
    text: str
    text_key: str
    states: list[str]
    response: str
    action: int | None
    themes: list[str]
    session: int | None = None
    assessment: str | None = None
    summary: str | None = None  # the whole paragraph's text where it differs from this clause's


@dataclass
class ImportReport:
    format: str
    rows_read: int
    file: str = "upload"
    state: str = ""  # the state under review this file was read for
    file_state: str | None = None  # the state the file itself names (matrix page header), if any
    dataset_state: str = ""
    rows_for_other_states: int = 0
    other_states: dict = field(default_factory=dict)  # ISO3 (or name) -> rows
    rows_not_upr: int = 0
    recommendations: int = 0
    states: int = 0
    responses: dict = field(default_factory=dict)
    cycles: list = field(default_factory=list)
    sessions: list = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    added_recommendations: list[str] = field(default_factory=list)
    added_state_rows: int = 0
    updated: list[dict] = field(default_factory=list)
    unchanged: int = 0
    compared: bool = True  # False for a file about another state: read and checked, not compared with the data
    assessments: dict = field(default_factory=dict)
    refused: str | None = None
    applied: bool = False

    def as_dict(self) -> dict:
        return {
            "file": self.file, "format": self.format, "state_under_review": self.state, "file_state": self.file_state,
            "dataset_state": self.dataset_state, "rows_read": self.rows_read,
            "rows_for_other_states": self.rows_for_other_states, "other_states": self.other_states,
            "rows_not_upr": self.rows_not_upr, "recommendations": self.recommendations, "states": self.states,
            "responses": self.responses, "cycles": self.cycles, "sessions": self.sessions,
            "errors": self.errors, "warnings": self.warnings, "unmapped": self.unmapped, "skipped_rows": self.skipped_rows,
            "compared_with_dataset": self.compared,
            "added_recommendations": len(self.added_recommendations), "added_state_rows": self.added_state_rows,
            "updated": self.updated, "unchanged": self.unchanged, "assessments": self.assessments,
            "refused": self.refused, "applied": self.applied,
        }


# --- small readers ----------------------------------------------------------------------------------


def text_key(text: str) -> str:
    """Fingerprint of a recommendation's wording that survives the mess of real exports (entities, case,
    spacing, curly quotes, line endings, trailing punctuation)."""
    t = unicodedata.normalize("NFKC", html.unescape(str(text)))
    t = t.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    t = re.sub(r"[^\w]+", " ", t.casefold()).strip()
    return hashlib.sha1(t.encode("utf-8")).hexdigest()[:12]


def session_to_cycle(session: int) -> int:
    return max((c for c, first in FIRST_SESSION.items() if session >= first), default=min(FIRST_SESSION))


def _cell(value) -> str:
    """A cell as text: XLSX numbers without '.0', dates as ISO, None as ''."""
    if value is None:
        return ""
    if isinstance(value, float):
        if pd.isna(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    return str(value)


def _clean(value) -> str:
    text = html.unescape(_cell(value))
    return re.sub(r"[ \t]+", " ", text).strip()


def _is_unknown(value: str) -> bool:
    return value.strip().casefold() in UNKNOWN_MARKERS


def _items(value) -> list[str]:
    """The values of a cell that may be a bullet list (one value a line, each prefixed '- ')."""
    out = []
    for line in _clean(value).split("\n"):
        v = re.sub(r"^[-\u2013\u2022*]\s*", "", line.strip()).strip()
        if v:
            out.append(v)
    return out


def _single(value, column: str, problems: list) -> str:
    """One value from a cell that may be a one-item bullet list ('- Supported'); several items are a problem."""
    items = _items(value)
    if len(items) > 1:
        problems.append((column, f"{len(items)} values ({'; '.join(items[:3])}) where one is expected; keep one"))
    return items[0] if items else ""


def _response(value: str) -> str | None:
    v = re.sub(r"\s*/\s*", "/", _clean(value).casefold())
    if _is_unknown(v):
        return "unknown"
    return RESPONSE_WORDS.get(v)


def _session(value) -> int | None:
    v = _clean(value)
    m = re.fullmatch(r"(?:(?:upr|wg)\s*)?(?:session\s*)?(\d{1,3})(?:st|nd|rd|th)?(?:\s*session)?", v, re.I)
    return int(m.group(1)) if m and int(m.group(1)) > 0 else None


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _cycle(value) -> int | None:
    v = _clean(value).casefold()
    m = re.fullmatch(r"(?:cycle\s*)?(\d)(?:st|nd|rd|th)?(?:\s*cycle)?", v) or re.fullmatch(r"(first|second|third|fourth)(?:\s*cycle)?", v)
    if not m:
        return None
    c = _ORDINALS.get(m.group(1)) or int(m.group(1))
    return c if c in FIRST_SESSION else None


def _symbol_cycle(symbol: str, ds: Dataset) -> tuple[int | None, int | None]:
    """(cycle, session) a document symbol tells: A/HRC/WG.6/<session>/… gives the session; a report symbol listed
    in data/cycles.csv (with or without /Add.n) gives that cycle."""
    s = symbol.strip().upper().replace(" ", "")
    m = re.match(r"A/HRC/WG\.6/(\d{1,3})/", s)
    if m:
        session = int(m.group(1))
        return session_to_cycle(session), session
    for cyc, rep in zip(ds.cycles["cycle"], ds.cycles["report_symbol"]):
        if isinstance(rep, str) and rep and (s == rep.upper() or s.startswith(rep.upper() + "/")):
            return int(cyc), None
    return None, None


PARA_RE = re.compile(r"^(\d{1,3}\.\d{1,3})\.?\s+(.*)$", re.S)


# --- column mapping -------------------------------------------------------------------------------


def _norm_col(name: str) -> str:
    return re.sub(r"\s+", " ", str(name)).strip().casefold().replace("reccom", "recom")


def parse_map(spec: str) -> dict[str, str]:
    """``FIELD=COLUMN[,FIELD=COLUMN…]`` -> {field: column}. A comma only separates pairs when a known field name
    and '=' follow it, so column names may themselves hold commas."""
    fields = "|".join(MAP_FIELDS)
    parts = re.split(rf",\s*(?=(?:{fields})\s*=)", spec.strip())
    mapping: dict[str, str] = {}
    for part in parts:
        if not part.strip():
            continue
        if "=" not in part:
            raise ImportFormatError(f"--map: {part.strip()!r} is not FIELD=COLUMN; fields: {', '.join(MAP_FIELDS)}")
        key, col = (x.strip() for x in part.split("=", 1))
        if key not in MAP_FIELDS:
            raise ImportFormatError(f"--map: unknown field {key!r}; the fields are {', '.join(MAP_FIELDS)}")
        if not col:
            raise ImportFormatError(f"--map: no column given for {key}; write {key}=COLUMN")
        mapping[key] = col
    if not mapping:
        raise ImportFormatError("--map is empty; write FIELD=COLUMN pairs, e.g. text=Recommendation,recommending_states=State")
    return mapping


def load_map_file(path: str | Path) -> dict[str, str]:
    """A mapping kept in a small TOML or JSON file: ``text = "Recommendation"`` … (optionally under ``[map]``)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"--map-file: cannot read {str(path)!r} ({exc.strerror})") from None
    return parse_map_file(raw, p.name)


def parse_map_file(raw: bytes, name: str = "mapping") -> dict[str, str]:
    import tomllib

    text = raw.decode("utf-8-sig", errors="replace")
    data = None
    errors = []
    for kind, loader in (("JSON", json.loads), ("TOML", tomllib.loads)):
        try:
            data = loader(text)
            break
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            errors.append(f"{kind}: {exc}")
    if not isinstance(data, dict):
        raise ImportFormatError(f"{name} is neither a JSON object nor a TOML table of FIELD = \"COLUMN\" ({'; '.join(errors)})")
    if isinstance(data.get("map"), dict):
        data = data["map"]
    bad = [k for k in data if k not in MAP_FIELDS]
    if bad:
        raise ImportFormatError(f"{name}: unknown field(s) {', '.join(map(repr, bad))}; the fields are {', '.join(MAP_FIELDS)}")
    if not all(isinstance(v, str) and v.strip() for v in data.values()):
        raise ImportFormatError(f"{name}: every field must name a column as text, e.g. text = \"Recommendation\"")
    return {k: v.strip() for k, v in data.items()}


def map_file_text(mapping: dict[str, str]) -> str:
    """The TOML a mapping is saved as (what --map-file reads)."""
    lines = ["# Column mapping for python -m compliance import --map-file (fields: see README, 'Import')", "[map]"]
    lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in mapping.items() if v]
    return "\n".join(lines) + "\n"


def suggest_mapping(columns) -> dict[str, str]:
    """A first guess at the mapping from header words, for the Data page's dropdowns (the user confirms it)."""
    guesses = {
        "text": ("recommendation", "text", "recommendation text"),
        "paragraph": ("paragraph", "para", "recommendation number", "no.", "number"),
        "recommending_states": ("recommending state", "recommending states", "from", "state", "recommending country",
                                "upr recommending states"),
        "response": ("response", "position", "upr position", "status of recommendation"),
        "session": ("session", "upr session"),
        "cycle": ("cycle", "upr cycle"),
        "themes": ("themes", "theme", "issue", "issues"),
        "state_under_review": ("state under review", "to", "countries concerned", "sur"),
        "assessment": ("assessment", "implementation", "level of implementation", "status of implementation"),
    }
    cols = {_norm_col(c): c for c in columns}
    out = {}
    for f, names in guesses.items():
        for n in names:
            if n in cols and cols[n] not in out.values():
                out[f] = cols[n]
                break
    return out


# --- formats ---------------------------------------------------------------------------------------


@dataclass
class Layout:
    """Which column holds which field, and the format's own rules."""

    format: str
    columns: dict[str, str]
    theme_mode: str  # 'uprinfo' (exact UPR Info issues, unknown = error), 'keywords' (UHRI), 'any'
    action: str | None = None
    body: str | None = None
    symbol: str | None = None
    paragraph_required: bool = False
    empty_sur_is_state: bool = True


def _resolve(columns, wanted: str) -> str | None:
    by_norm = {_norm_col(c): c for c in columns}
    return by_norm.get(_norm_col(wanted))


def uprinfo_layout(columns) -> Layout:
    c = lambda n: _resolve(columns, n)  # noqa: E731
    return Layout("uprinfo", {"text": c("Text"), "recommending_states": c("From"), "response": c("Response"),
                              "session": c("Session"), "themes": c("Issue"), "state_under_review": c("To")},
                  "uprinfo", action=c("Action"), empty_sur_is_state=False)


def uhri_layout(columns) -> Layout:
    c = lambda n: _resolve(columns, n)  # noqa: E731
    cols = {"text": c("Text"), "recommending_states": c("UPR Reccomending States"), "response": c("UPR Position"),
            "session": c("UPR Session"), "themes": c("Themes"), "state_under_review": c("Countries Concerned")}
    return Layout("uhri", {k: v for k, v in cols.items() if v}, "keywords", body=c("Reccomending Body"),
                  symbol=c("Document Symbol"), paragraph_required=True)


def mapped_layout(columns, mapping: dict[str, str]) -> Layout:
    missing = [f for f in REQUIRED_MAP_FIELDS if f not in mapping]
    if missing:
        raise ImportFormatError(f"the mapping needs {' and '.join(missing)}: add {', '.join(f + '=COLUMN' for f in missing)}")
    resolved = {}
    for f, col in mapping.items():
        if f not in MAP_FIELDS:
            raise ImportFormatError(f"unknown mapping field {f!r}; the fields are {', '.join(MAP_FIELDS)}")
        real = _resolve(columns, col)
        if real is None:
            raise ImportFormatError(f"--map {f}={col}: the file has no column {col!r}; its columns are "
                                    f"{', '.join(map(repr, list(columns)[:20]))}")
        resolved[f] = real
    return Layout("mapped", resolved, "any")


def detect_format(columns) -> str | None:
    cols = {_norm_col(c) for c in columns}
    if {_norm_col(c) for c in UPRINFO_COLUMNS} <= cols:
        return "uprinfo"
    if {_norm_col(c) for c in UHRI_REQUIRED} <= cols:
        return "uhri"
    return None


def unrecognised_header_message(name: str, columns) -> str:
    shown = ", ".join(map(repr, list(map(str, columns))[:8])) + ("…" if len(columns) > 8 else "")
    return (f"{name}: unrecognised header ({shown}): not an OHCHR matrix (DOCX), a UHRI export (needs "
            f"{', '.join(UHRI_REQUIRED)}) or a classic UPR Info export ({', '.join(UPRINFO_COLUMNS)}). To import it "
            "anyway, say which column holds what: --map text=COLUMN,recommending_states=COLUMN[,response=COLUMN,"
            f"session=COLUMN…] or --map-file FILE (fields: {', '.join(MAP_FIELDS)})")


# --- parsing ----------------------------------------------------------------------------------------


@dataclass
class Parsed:
    format: str
    rows_read: int
    rows: list[ImportedRecommendation] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    unmapped: set = field(default_factory=set)
    other: int = 0
    other_states: dict = field(default_factory=dict)
    not_upr: int = 0
    file_state: str | None = None
    assessment_column: bool = False
    lines: list[int] | None = None


class _Themes:
    def __init__(self, ds: Dataset):
        self.issues = {r.uprinfo_issue.casefold(): r.theme_slug for r in ds.theme_map_uprinfo.itertuples()}
        t = ds.frames.get("theme_map_uhri.csv")
        self.keywords = [] if t is None else [(k.casefold(), v) for k, v in zip(t["keyword"], t["theme_slug"])]
        self.slugs = set(ds.themes["theme_slug"])
        self._kw_cache: dict[str, frozenset] = {}

    def by_keywords(self, label: str) -> frozenset:
        key = label.casefold()
        hit = self._kw_cache.get(key)
        if hit is None:
            hit = self._kw_cache[key] = frozenset(slug for kw, slug in self.keywords if kw in key)
        return hit

    def resolve(self, cell, mode: str, column: str, problems: list, unmapped: set) -> list[str]:
        themes: set[str] = set()
        if mode == "uprinfo":
            for issue in [x.strip() for x in _clean(cell).split(",") if x.strip() and not _is_unknown(x)]:
                key = issue.casefold()
                if key not in self.issues:
                    problems.append((column, f"unknown UPR Info issue {issue!r}: add it to data/theme_map_uprinfo.csv"))
                    unmapped.add(issue)
                elif isinstance(self.issues[key], str):
                    themes.add(self.issues[key])
            return sorted(themes)
        labels = _items(cell) if mode == "keywords" else [x.strip() for x in re.split(r"[\n;]+", _clean(cell)) if x.strip()]
        for label in labels:
            label = re.sub(r"^[-\u2013\u2022*]\s*", "", label).strip()
            if not label or _is_unknown(label):
                continue
            if mode == "any":
                if label in self.slugs:
                    themes.add(label)
                    continue
                if label.casefold() in self.issues:
                    if isinstance(self.issues[label.casefold()], str):
                        themes.add(self.issues[label.casefold()])
                    continue
                if "," in label and all(p.strip().casefold() in self.issues for p in label.split(",") if p.strip()):
                    themes |= {self.issues[p.strip().casefold()] for p in label.split(",") if p.strip()
                               and isinstance(self.issues[p.strip().casefold()], str)}
                    continue
            hits = self.by_keywords(label)
            if hits:
                themes |= hits
            else:
                unmapped.add(label)
        return sorted(themes)


def _recommending_states(names: list[str], column: str, problems: list) -> list[str]:
    """ISO3 codes of the names in one cell; each unmappable name is a problem of that row (never a guess)."""
    states = []
    for name in names:
        code = to_iso3(name)
        if code is None:
            problems.append((column, f"unknown state name {name!r}: add it to ALIASES in compliance/countries.py if it is a real state"))
        elif code not in states:
            states.append(code)
    if not names:
        problems.append((column, "no recommending state"))
    return states


def _no_cycle_message(name: str) -> str:
    return (f"{name} does not say which UPR cycle its recommendations belong to (no cycle or session column, no "
            f"matrix page header, no document symbol we know): add --cycle N ({CYCLES_TEXT}), or map a column with "
            "--map session=COLUMN or cycle=COLUMN")


def _pick_cycle(file_cycle: int | None, how: str, cli_cycle: int | None, problems: list, column: str) -> int | None:
    if file_cycle is not None:
        if cli_cycle is not None and cli_cycle != file_cycle:
            problems.append((column, f"the file says cycle {file_cycle} ({how}) but --cycle says {cli_cycle}: "
                                     "remove --cycle, or check that this is the file you meant"))
            return None
        return file_cycle
    if cli_cycle is not None:
        return cli_cycle
    problems.append((column, f"no cycle for this row: fill in its session, or add --cycle N ({CYCLES_TEXT})"))
    return None


def parse_table(df: pd.DataFrame, layout: Layout, ds: Dataset, state: str, cli_cycle: int | None,
                name: str) -> Parsed:
    cols = layout.columns
    out = Parsed(layout.format, len(df))
    if not any(cols.get(f) for f in ("session", "cycle")) and layout.symbol is None and cli_cycle is None:
        raise ImportFormatError(_no_cycle_message(name))
    themes = _Themes(ds)
    out.assessment_column = bool(cols.get("assessment"))
    get = {f: (df[c].tolist() if c else None) for f, c in cols.items()}
    extra = {k: df[c].tolist() for k, c in (("action", layout.action), ("body", layout.body), ("symbol", layout.symbol)) if c}
    n = len(df)
    sur_col, text_col, states_col = cols.get("state_under_review"), cols["text"], cols["recommending_states"]
    symbol_cache: dict[str, tuple] = {}
    sur_cache: dict[str, tuple] = {}
    for i in range(n):
        row = i + 1
        problems: list = []
        if "body" in extra:
            body = _single(extra["body"][i], layout.body, [])
            if body and body.casefold() != "upr":
                out.not_upr += 1
                continue
        if sur_col:
            cell = _clean(get["state_under_review"][i])
            hit = sur_cache.get(cell)
            if hit is None:
                names = [x for x in _items(cell) if not _is_unknown(x)]
                codes = [to_iso3(x) for x in names]
                hit = sur_cache[cell] = (names, codes)
            names, codes = hit
            if state not in codes:
                if not names:
                    if not layout.empty_sur_is_state:
                        out.other += 1
                        out.other_states["(none named)"] = out.other_states.get("(none named)", 0) + 1
                        continue
                elif any(c is None for c in codes):
                    bad = next(x for x, c in zip(names, codes) if c is None)
                    problems.append((sur_col, f"unknown state under review {bad!r}: "
                                              "add it to ALIASES in compliance/countries.py if it is a real state"))
                else:
                    out.other += 1
                    key = ";".join(codes)
                    out.other_states[key] = out.other_states.get(key, 0) + 1
                    continue
        raw_text = _clean(get["text"][i])
        if raw_text.startswith("- ") and "\n- " not in raw_text:
            raw_text = raw_text[2:].strip()
        paragraph = None
        text = raw_text
        if cols.get("paragraph"):
            pv = get["paragraph"][i]
            p = _single(pv, cols["paragraph"], problems)
            if p:
                if re.fullmatch(r"\d{1,3}\.\d{1,3}", p):
                    paragraph = p
                    if isinstance(pv, float):
                        out.warnings.append({"row": row, "field": cols["paragraph"], "message":
                                             f"paragraph {p} is stored as a number in the spreadsheet, so 97.10 and 97.1 "
                                             "cannot be told apart; format that column as text and export again"})
                else:
                    problems.append((cols["paragraph"], f"expected a paragraph number such as 127.35; got {p!r}"))
            m = PARA_RE.match(raw_text)
            if m and paragraph and m.group(1) == paragraph:
                text = m.group(2).strip()
        else:
            m = PARA_RE.match(raw_text)
            if m:
                paragraph, text = m.group(1), m.group(2).strip()
            elif layout.paragraph_required:
                problems.append((text_col, "expected the text to start with the report paragraph, e.g. '127.35 Consider ...'"))
        if not text:
            problems.append((text_col, "recommendation text is empty"))
        states = _recommending_states(split_states(_cell(get["recommending_states"][i])), states_col, problems)
        if cols.get("response"):
            rv = _single(get["response"][i], cols["response"], problems)
            resp = _response(rv)
            if resp is None:
                problems.append((cols["response"],
                                 f"unknown response {rv!r}: expected Supported, Noted, Accepted, Partially supported or empty"))
        else:
            resp = "unknown"
        action = None
        if "action" in extra:
            a = _clean(extra["action"][i])
            if not _is_unknown(a):
                if a.isdigit() and 1 <= int(a) <= 5:
                    action = int(a)
                else:
                    problems.append((layout.action, f"expected an action category 1-5; got {a!r}"))
        session = None
        file_cycle, how = None, ""
        if cols.get("cycle"):
            cv = _single(get["cycle"][i], cols["cycle"], problems)
            if cv:
                file_cycle = _cycle(cv)
                how = f"column {cols['cycle']}"
                if file_cycle is None:
                    problems.append((cols["cycle"], f"expected a cycle {CYCLES_TEXT} such as 3 or '3rd cycle'; got {cv!r}"))
        if cols.get("session"):
            sv = _single(get["session"][i], cols["session"], problems)
            if sv or not (file_cycle or "symbol" in extra or cli_cycle):
                session = _session(sv)
                if session is None:
                    problems.append((cols["session"], f"expected a session number such as 36 or '36th Session'; got {sv!r}"))
                elif file_cycle is None:
                    file_cycle, how = session_to_cycle(session), f"session {session}"
                elif session_to_cycle(session) != file_cycle:
                    problems.append((cols["session"],
                                     f"session {session} is in cycle {session_to_cycle(session)}, but the row says cycle {file_cycle}"))
        if file_cycle is None and "symbol" in extra:
            sym = _single(extra["symbol"][i], layout.symbol, [])
            if sym:
                hit = symbol_cache.get(sym)
                if hit is None:
                    hit = symbol_cache[sym] = _symbol_cycle(sym, ds)
                file_cycle, s2 = hit
                session = session or s2
                how = f"document symbol {sym}"
        cycle = None
        if not any(f == cols.get("session") for f, _ in problems):
            cycle = _pick_cycle(file_cycle, how, cli_cycle, problems, cols.get("session") or cols.get("cycle") or text_col)
        row_themes = (themes.resolve(get["themes"][i], layout.theme_mode, cols["themes"], problems, out.unmapped)
                      if cols.get("themes") else [])
        assessment = None
        if cols.get("assessment"):
            assessment = _clean(get["assessment"][i]) or None
            if assessment and _is_unknown(assessment):
                assessment = None
        if problems:
            out.errors.extend({"row": row, "field": f, "message": msg} for f, msg in problems)
            continue
        out.rows.append(ImportedRecommendation(row, cycle, paragraph, text, text_key(text), states, resp, action,
                                               row_themes, session, assessment))
    return out


def parse_docx(raw: bytes, ds: Dataset, state: str, cli_cycle: int | None, name: str) -> Parsed:
    from .matrix import parse_recommendation_cell, read_matrix, split_clauses, state_code, theme_labels

    m = read_matrix(raw, name)
    out = Parsed("docx", len(m.rows), assessment_column=m.has_assessment_column)
    rc = m.role_columns
    col_rec, col_pos, col_th = rc.get("recommendation", "Recommendation"), rc.get("position", "Position"), rc.get("themes", "Themes")
    if m.state_name:
        out.file_state = to_iso3(m.state_name)
        if out.file_state is None:
            out.warnings.append({"row": None, "field": "page header", "message":
                                 f"the page header names {m.state_name!r}, which is not a state we can map; the file is "
                                 f"taken to be about {state} (add the name to ALIASES in compliance/countries.py)"})
    else:
        out.warnings.append({"row": None, "field": "page header", "message":
                             f"no page header 'UPR of <State> (<N>th Cycle - <N>th Session)' found; the file is taken "
                             f"to be about {state}"})
    if out.file_state and out.file_state != state:
        out.other = len(m.rows)
        out.other_states[out.file_state] = len(m.rows)
        return out
    header_cycle = m.cycle
    if header_cycle is not None and header_cycle not in FIRST_SESSION:
        raise ImportFormatError(f"{name}: the page header says cycle {header_cycle}; UPR cycles are {CYCLES_TEXT}")
    if header_cycle and m.session and session_to_cycle(m.session) != header_cycle:
        out.warnings.append({"row": None, "field": "page header", "message":
                             f"the page header's session {m.session} is in cycle {session_to_cycle(m.session)} by our "
                             f"session table, but the header says cycle {header_cycle}; cycle {header_cycle} is used"})
    themes = _Themes(ds)
    symbol_cache: dict = {}
    no_cycle_anywhere = header_cycle is None and cli_cycle is None
    for r in m.rows:
        problems: list = []
        paragraph, body, symbol = parse_recommendation_cell(r.recommendation)
        if not r.recommendation.strip():
            problems.append((col_rec, "the recommendation cell is empty"))
        elif paragraph is None:
            problems.append((col_rec, f"expected the cell to start with the paragraph number, e.g. '140.7 Ratify …'; got {body[:60]!r}"))
        clauses = split_clauses(body) if body else []
        where = f"paragraph {paragraph}" if paragraph else "this row"
        for c in clauses:
            for u in c.unknown:
                problems.append((col_rec, f"{where}: unknown state name {u!r} in the recommending states' parentheses: "
                                          "add it to ALIASES in compliance/countries.py if it is a real state"))
            for g in c.ignored:
                out.warnings.append({"row": r.row, "field": col_rec, "message":
                                     f"{where}: '({g})' just before the recommending states was read as part of the text; "
                                     "if it is a state, add its name to ALIASES in compliance/countries.py"})
            if not c.states and not c.unknown:
                problems.append((col_rec, f"{where}: no recommending state in parentheses at the end of "
                                          f"'…{c.text[-50:]}'; a clause ends with its states, e.g. '… (Maldives) (Portugal);'"))
        resp = _response(r.position)
        if resp is None:
            problems.append((col_pos, f"{where}: unknown position {r.position.strip()!r}: expected Supported or Noted"))
        file_cycle, how, session = header_cycle, "page header", m.session
        if file_cycle is None and symbol:
            hit = symbol_cache.get(symbol)
            if hit is None:
                hit = symbol_cache[symbol] = _symbol_cycle(symbol, ds)
            file_cycle, s2 = hit
            session, how = session or s2, f"document symbol {symbol}"
        if file_cycle is None and no_cycle_anywhere:
            problems.append((col_rec, "no cycle: the page header does not say it and the source symbol is not one we "
                                      f"know; add --cycle N ({CYCLES_TEXT})"))
            cycle = None
        else:
            cycle = _pick_cycle(file_cycle, how, cli_cycle, problems, col_rec)
        row_themes = themes.resolve("\n".join(theme_labels(r.themes, r.section)), "keywords", col_th, problems, out.unmapped)
        if problems:
            out.errors.extend({"row": r.row, "field": f, "message": msg} for f, msg in problems)
            continue
        multi = len(clauses) > 1
        summary = "; ".join(f"{c.text} ({') ('.join(c.states)})" for c in clauses) if multi else None
        for c in clauses:
            codes = []
            for s in c.states:
                code = state_code(s)
                if code not in codes:
                    codes.append(code)
            out.rows.append(ImportedRecommendation(r.row, cycle, paragraph, c.text, text_key(c.text), codes, resp, None,
                                                   row_themes, session, r.assessment, summary))
    return out


# --- assessments -----------------------------------------------------------------------------------


_ASSESS_RES = [(status, re.compile(rf"\b(?:{pat})\b")) for status, pat in ASSESSMENT_PATTERNS]


def assessment_status(text: str) -> tuple[str | None, str]:
    """Our status for an assessment written in words, or (None, why not). Clear wording only: a text that starts
    with one status phrase, or names exactly one, is mapped; none or several are reported, never guessed."""
    t = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()
    found: list[tuple[int, str]] = []
    rest = t
    for status, rx in _ASSESS_RES:
        for mm in rx.finditer(rest):
            found.append((mm.start(), status))
        rest = rx.sub(lambda mm: " " * len(mm.group(0)), rest)  # 'not implemented' must not count as 'implemented'
    if not found:
        return None, f"no clear wording of a status; {ASSESSMENT_HINT}"
    found.sort()
    statuses = {s for _, s in found}
    if len(statuses) == 1:
        return statuses.pop(), ""
    first_pos, first = found[0]
    if first_pos <= 2:  # the text starts with it: 'Partially implemented. The law …'
        return first, ""
    return None, f"names several statuses ({', '.join(sorted(statuses))}); start the text with the one that applies, or {ASSESSMENT_HINT}"


@dataclass
class AssessmentOptions:
    assessor: str
    assessed_on: str
    source: str
    #: who transcribes the assessments into the data (the editor): a second person reads them before they count
    recorded_by: str = "import"


def check_assessment_options(ds: Dataset, opts: AssessmentOptions) -> None:
    if not opts.assessor.strip():
        raise ImportFormatError("--assessor: give the name of the organisation that wrote the assessments")
    if not re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?", opts.assessed_on.strip()):
        raise ImportFormatError(f"--assessed-on: {opts.assessed_on!r} is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY)")
    if opts.source not in set(ds.sources["source_id"]):
        raise ImportFormatError(f"--source: {opts.source!r} is not in data/sources.csv; add the assessor's report there "
                                "first (see data/README.md), then import with its source_id")


def infer_ask_kind(text: str, kinds: pd.DataFrame) -> str | None:
    """The kind of ask of a recommendation's text (ask_kinds.csv): the kind whose signal word comes first in it
    ('Consider ratifying …' is a consider ask), the longer word on a tie; None when no signal word occurs (the item
    then has no kind until someone sets one, and `validate` lists it)."""
    best = None
    low = str(text or "").casefold()
    for kind, words in zip(kinds["ask_kind"], kinds["signal_words"]):
        for word in (w.strip().casefold() for w in str(words or "").split(";") if w.strip()):
            m = re.search(rf"\b{re.escape(word)}", low)
            if m and (best is None or (m.start(), -len(word)) < best[0]):
                best = ((m.start(), -len(word)), kind)
    return best[1] if best else None


# --- merging ---------------------------------------------------------------------------------------


class ImportRefused(ValueError):
    """A plan that must not be applied: about another state than the dataset's, or with errors not skipped."""


#: The tables an import may change, in the order they are written.
PLAN_TABLES = ("sources.csv", "recommendations.csv", "recommendation_states.csv", "assessments.csv")


@dataclass
class MergePlan:
    report: ImportReport
    recommendations: pd.DataFrame
    recommendation_states: pd.DataFrame
    sources: pd.DataFrame
    changed: bool
    assessments: pd.DataFrame | None = None
    changed_tables: tuple = ()
    skip_invalid: bool = False

    def refusal(self) -> str | None:
        """Why this plan must not be applied (None when it may be)."""
        r = self.report
        if r.state and r.dataset_state and r.state != r.dataset_state:
            return (f"{r.file} was read for {_state_label(r.state)}, but this dataset is about "
                    f"{_state_label(r.dataset_state)} (data/dataset.csv): a file about another state can be checked "
                    "with a dry run but never merged. Nothing was written.")
        if r.rows_read and r.rows_for_other_states and r.rows_for_other_states == r.rows_read - r.rows_not_upr:
            about = ", ".join(_state_label(s) for s in list(r.other_states)[:5])
            return (f"{r.file} is about {about}, not {_state_label(r.dataset_state)}, the state this dataset is about "
                    "(data/dataset.csv): nothing in it can be merged. Check such a file with a dry run and "
                    f"--state ISO3. Nothing was written.")
        if r.errors and not self.skip_invalid:
            return (f"{r.file} has {len(r.errors)} problem(s) in {len(r.skipped_rows)} row(s); nothing is imported "
                    "unless the rows with errors are skipped (--skip-invalid). Nothing was written.")
        return None

    def changes(self) -> dict[str, pd.DataFrame]:
        """The tables this import changes, as written (each file's own columns, None for empty); {} when nothing
        changes. Raises ImportRefused for a plan that must not be applied (see refusal())."""
        reason = self.refusal()
        if reason:
            raise ImportRefused(reason)
        if not self.changed:
            return {}
        from .data import file_columns

        frames = {"recommendations.csv": self.recommendations, "recommendation_states.csv": self.recommendation_states,
                  "sources.csv": self.sources, "assessments.csv": self.assessments}
        out = {}
        for name in PLAN_TABLES:
            if name in self.changed_tables and frames[name] is not None:
                df = frames[name][file_columns(name)].reset_index(drop=True)
                out[name] = df.astype(object).where(df.notna(), None)
        return out


def _state_label(code: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_3=code) if code and len(code) == 3 else None
    return f"{c.name} ({code})" if c else str(code)


def apply_import(store, raw: bytes, *, editor: str, summary: str, **options) -> tuple[MergePlan, object]:
    """The one place an import is written: through `store.apply`, the plan is made again from the data as it is
    inside the writers' lock (so an edit saved meanwhile is kept), refused for another state or with errors
    (ImportRefused, nothing written), validated whole and committed with one audit entry.
    Returns the plan that was applied and the store's CommitResult."""
    final = {}

    def replan(current):
        final["plan"] = plan_import(current, raw, **options)
        return final["plan"].changes()

    result = store.apply(replan, editor=editor, summary=summary)
    plan = final["plan"]
    plan.report.applied = result.changed
    return plan, result


def _paragraph_response(responses) -> str:
    responses = set(responses) - {None}
    if not responses:
        return "unknown"
    if len(responses) == 1:
        return next(iter(responses))
    return "partially_supported"


def _response_counts(responses_per_recommendation) -> dict[str, int]:
    """{response: recommendations}, most common first: each recommendation's response from its states' responses."""
    counts: dict[str, int] = {}
    for responses in responses_per_recommendation:
        r = _paragraph_response(responses)
        counts[r] = counts.get(r, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _isna(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or v is pd.NA


def plan_import(ds: Dataset, raw: bytes, *, name: str = "upload", fmt: str = "auto", state: str | None = None,
                skip_invalid: bool = False, today: date | None = None, mapping: dict[str, str] | None = None,
                cycle: int | None = None, assess: AssessmentOptions | None = None) -> MergePlan:
    """Read an export and work out what merging it would change. Pure: nothing is written here.

    `state` defaults to the dataset's state under review; a plan for another state is read and checked (a dry run)
    but its refusal() says why it must not be applied. `mapping` ({field: column}) reads any table; `cycle` fills
    in the cycle where the file gives none; `assess` turns a filled-in assessment column into assessments."""
    dataset_state = ds.state_under_review
    state = (state or dataset_state).strip().upper()
    from .data import valid_iso3

    if state not in valid_iso3():
        raise ImportFormatError(f"state under review {state!r} is not an ISO 3166 alpha-3 code (e.g. BLR, SVN)")
    if fmt not in FORMATS:
        raise ImportFormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if cycle is not None and int(cycle) not in FIRST_SESSION:
        raise ImportFormatError(f"--cycle {cycle}: UPR cycles are {CYCLES_TEXT}")
    if assess is not None:
        check_assessment_options(ds, assess)
    if not raw or not raw.strip():
        raise ImportFormatError(f"{name} is empty")
    kind = container(raw, name)
    if kind == "docx":
        if fmt not in ("auto", "docx"):
            raise ImportFormatError(f"{name} is a Word document (an OHCHR matrix?), not a {fmt} export: use --format docx or auto")
        if mapping:
            raise ImportFormatError(f"{name} is a Word document: --map applies to CSV and XLSX files; the matrix's columns are known")
        parsed = parse_docx(raw, ds, state, cycle, name)
    else:
        if fmt == "docx":
            raise ImportFormatError(f"{name} is not a Word document (.docx): use --format auto for CSV and XLSX files")
        table, lines = read_table_lines(raw, name)
        if mapping or fmt == "mapped":
            if not mapping:
                raise ImportFormatError("--format mapped needs a mapping: --map text=COLUMN,recommending_states=COLUMN… or --map-file FILE")
            layout = mapped_layout(table.columns, mapping)
        else:
            detected = detect_format(table.columns)
            if fmt == "auto":
                if detected is None:
                    raise ImportFormatError(unrecognised_header_message(name, list(table.columns)))
                fmt = detected
            elif detected != fmt:
                need = UPRINFO_COLUMNS if fmt == "uprinfo" else UHRI_REQUIRED
                missing = [c for c in need if _resolve(table.columns, c) is None]
                raise ImportFormatError(f"{name} is not a {fmt} export: its header does not have the expected columns "
                                        f"(missing {', '.join(missing)}); use --format auto, or --map to say which column holds what")
            layout = uprinfo_layout(table.columns) if fmt == "uprinfo" else uhri_layout(table.columns)
        parsed = parse_table(table, layout, ds, state, cycle, name)
        parsed.lines = lines
    return _merge(ds, parsed, raw, name=name, state=state, dataset_state=dataset_state, skip_invalid=skip_invalid,
                  today=today, assess=assess)


def _merge(ds: Dataset, parsed: Parsed, raw: bytes, *, name: str, state: str, dataset_state: str, skip_invalid: bool,
           today: date | None, assess: AssessmentOptions | None) -> MergePlan:
    fmt = parsed.format
    rows = parsed.rows
    report = ImportReport(format=fmt, rows_read=parsed.rows_read, file=Path(name).name, state=state,
                          file_state=parsed.file_state, dataset_state=dataset_state,
                          rows_for_other_states=parsed.other, other_states=parsed.other_states,
                          rows_not_upr=parsed.not_upr, errors=parsed.errors, warnings=parsed.warnings,
                          unmapped=sorted(parsed.unmapped))
    if parsed.not_upr:
        report.warnings.append({"row": None, "field": None, "message":
                                f"{parsed.not_upr} rows are recommendations of other bodies (treaty bodies, special "
                                "procedures), not of the UPR: skipped"})
    if parsed.other and parsed.file_state and parsed.file_state != state:
        report.warnings.append({"row": None, "field": "page header", "message":
                                f"the file is about {_state_label(parsed.file_state)}, not {_state_label(state)}: its "
                                f"{parsed.other} recommendations were not read; to check it, run a dry run with "
                                f"--state {parsed.file_state}"})
    recs = ds.table("recommendations.csv")
    states_df = ds.table("recommendation_states.csv")
    sources = ds.table("sources.csv")
    assessments = ds.table("assessments.csv")

    # duplicates inside the file, reported against the file's own rows
    first_of: dict[tuple, ImportedRecommendation] = {}
    kept: list[ImportedRecommendation] = []
    bad_rows: set[int] = set()
    for r in rows:
        dup_keys = [(r.cycle, r.paragraph or "", r.text_key, s) for s in r.states]
        clash = None
        for k in dup_keys:
            prev = first_of.get(k)
            if prev is not None and prev.row != r.row:
                clash = prev
                break
        if clash is None:
            for k in dup_keys:
                first_of.setdefault(k, r)
            kept.append(r)
            continue
        what = f"paragraph {r.paragraph}" if r.paragraph else "the same text"
        if (clash.response, clash.action) == (r.response, r.action):
            report.warnings.append({"row": r.row, "field": None, "message":
                                    f"repeats row {clash.row} ({what}, same recommending state): counted once"})
            # the states this row names that no earlier row did are still this row's to add
            new = [(s, k) for s, k in zip(r.states, dup_keys) if first_of.get(k) is None]
            if new:
                r.states = [s for s, _ in new]
                for _, k in new:
                    first_of[k] = r
                kept.append(r)
        else:
            report.errors.append({"row": r.row, "field": None, "message":
                                  f"repeats row {clash.row} ({what}, same recommending state) with another response "
                                  f"({r.response} here, {clash.response} there): keep the row that is right and delete the other"})
            bad_rows.add(r.row)
    if bad_rows:
        kept = [r for r in kept if r.row not in bad_rows]
    rows = kept
    report.skipped_rows = sorted({e["row"] for e in report.errors if e["row"] is not None})

    groups: dict[tuple, list[ImportedRecommendation]] = {}
    for r in rows:
        key = (r.cycle, "p", r.paragraph) if r.paragraph else (r.cycle, "t", r.text_key)
        groups.setdefault(key, []).append(r)
    report.recommendations = len(groups)
    report.states = len({s for r in rows for s in r.states})
    report.responses = _response_counts([m.response for m in members] for members in groups.values())
    report.cycles = sorted({r.cycle for r in rows})
    report.sessions = sorted({r.session for r in rows if r.session})
    with_text = [r for r in rows if r.assessment]
    if parsed.assessment_column and with_text and assess is None:
        report.warnings.append({"row": None, "field": "assessment", "message":
                                f"{len({(r.cycle, r.paragraph or r.text_key) for r in with_text})} recommendations have a "
                                "filled-in assessment column; to import them as assessments add --assessor NAME "
                                "--assessed-on DATE --source SOURCE_ID"})

    def plan(changed=False, tables=()):
        return MergePlan(report, recs, states_df, sources, changed, assessments, tuple(tables), skip_invalid)

    if state != dataset_state or (parsed.file_state and parsed.file_state != state):
        report.compared = False  # a file about another state: read and checked, never compared with this dataset
        if assess is not None:
            report.assessments = _assessment_preview(groups)
        return plan()
    if report.errors and not skip_invalid:
        if assess is not None:
            report.assessments = _assessment_preview(groups)
        return plan()

    today = today or date.today()
    digest = hashlib.sha1(raw).hexdigest()[:8]
    source_id = f"IMPORT-{fmt.upper()}-{digest}"

    # indexes of what exists, built once (linear)
    s_rid = states_df["recommendation_id"].tolist()
    s_iso = states_df["state_iso3"].tolist()
    s_key = states_df["text_key"].tolist()
    s_resp = states_df["response"].tolist()
    s_act = states_df["action_category"].tolist()
    s_src = states_df["source_ids"].tolist()
    by_key: dict[tuple, int] = {}
    by_rs: dict[tuple, list[int]] = {}
    used: set[int] = set()
    keyless: dict[tuple, list[int]] = {}
    rec_of_key: dict[tuple, str] = {}
    for idx, (rid, iso, tk) in enumerate(zip(s_rid, s_iso, s_key)):
        by_rs.setdefault((rid, iso), []).append(idx)
        if isinstance(tk, str) and tk:
            by_key[(rid, iso, tk)] = idx
            rec_of_key.setdefault((tk, iso), rid)
        else:
            keyless.setdefault((rid, iso), []).append(idx)
    by_para = {(int(c), p): rid for rid, c, p in zip(recs["recommendation_id"], recs["cycle"], recs["paragraph"]) if p}
    existing_ids = set(recs["recommendation_id"])
    new_rec_rows, new_state_rows, touched = [], [], set()
    target_of_group: dict[tuple, str] = {}
    states_changed = False
    for key, members in groups.items():
        cyc = key[0]
        rid = by_para.get((cyc, key[2])) if key[1] == "p" else None
        if rid is None:
            rid = next((rec_of_key[(m.text_key, s)] for m in members for s in m.states if (m.text_key, s) in rec_of_key), None)
        if rid is None:
            rid = f"C{cyc}-{key[2]}" if key[1] == "p" else f"C{cyc}-T{members[0].text_key[:10]}"
            if rid in existing_ids:
                rid = f"{rid}-{len(existing_ids)}"
            existing_ids.add(rid)
            themes = sorted({t for m in members for t in m.themes})
            new_rec_rows.append({
                "recommendation_id": rid, "cycle": cyc, "paragraph": key[2] if key[1] == "p" else None,
                "summary": members[0].summary or members[0].text, "themes": ";".join(themes) or None,
                "response": _paragraph_response({m.response for m in members}), "recurrence_id": None,
                "source_ids": source_id, "note": f"Text as given in the imported {fmt} file ({Path(name).name}).",
                "ask_kind": infer_ask_kind(members[0].text, ds.ask_kinds),
            })
            report.added_recommendations.append(rid)
        target_of_group[key] = rid
        for m in members:
            for s in m.states:
                idx = by_key.get((rid, s, m.text_key))
                if idx is None and key[1] == "p":
                    # a paragraph is its identity: the one row of this state is this recommendation, whatever the
                    # wording of this file (UHRI and UPR Info word the same paragraph differently)
                    same = by_rs.get((rid, s), [])
                    if len(same) == 1 and same[0] not in used:
                        idx = same[0]
                if idx is None:
                    free = keyless.get((rid, s))
                    if free:  # an existing row without fingerprint: adopt it
                        idx = free.pop(0)
                        s_key[idx] = m.text_key
                        by_key[(rid, s, m.text_key)] = idx
                        states_changed = True
                if idx is None:
                    new_state_rows.append({"recommendation_id": rid, "state_iso3": s, "response": m.response,
                                           "action_category": m.action, "text_key": m.text_key, "source_ids": source_id})
                    by_key[(rid, s, m.text_key)] = -1
                    touched.add(rid)
                    continue
                if idx < 0:
                    continue  # the same state and text twice in one paragraph: counted once
                used.add(idx)
                changes = {}
                if (s_resp[idx] or "unknown") != m.response:
                    changes["response"] = (s_resp[idx], m.response)
                old_a = s_act[idx]
                if m.action is not None and (_isna(old_a) or int(old_a) != m.action):
                    changes["action_category"] = (None if _isna(old_a) else int(old_a), m.action)
                if changes:
                    if "response" in changes:
                        s_resp[idx] = m.response
                    if "action_category" in changes:
                        s_act[idx] = m.action
                    ids = split_list(s_src[idx])
                    if source_id not in ids:
                        s_src[idx] = ";".join([*ids, source_id])
                    report.updated.append({"recommendation_id": rid, "state_iso3": s, "row": m.row,
                                           **{k: {"from": v[0], "to": v[1]} for k, v in changes.items()}})
                    touched.add(rid)
                    states_changed = True
                else:
                    report.unchanged += 1
    report.added_state_rows = len(new_state_rows)
    report.recommendations = len(set(target_of_group.values()))
    # responses per recommendation as merged (UPR Info words one paragraph differently per state: several of the
    # file's groups can be one recommendation)
    merged_resp: dict[str, set] = {}
    for key, members in groups.items():
        merged_resp.setdefault(target_of_group[key], set()).update(m.response for m in members)
    report.responses = _response_counts(merged_resp.values())
    tables = set()
    if states_changed or new_state_rows:
        states_df = states_df.copy()
        for col, values in (("text_key", s_key), ("response", s_resp), ("action_category", s_act), ("source_ids", s_src)):
            states_df[col] = pd.Series(values, index=states_df.index, dtype=object)  # as read: ints stay ints
        if new_state_rows:
            states_df = pd.concat([states_df, pd.DataFrame(new_state_rows, columns=states_df.columns)], ignore_index=True)
        tables.add("recommendation_states.csv")
    if new_rec_rows:
        recs = pd.concat([recs, pd.DataFrame(new_rec_rows, columns=recs.columns)], ignore_index=True)
        tables.add("recommendations.csv")
    if touched:
        # paragraph responses follow their states' responses (one grouping over the touched recommendations)
        sub = states_df[states_df["recommendation_id"].isin(touched)]
        agg = {rid: _paragraph_response(g) for rid, g in sub.groupby("recommendation_id")["response"]}
        new_resp = recs["recommendation_id"].map(agg)
        mask = new_resp.notna() & (new_resp != recs["response"])
        if mask.any():
            recs = recs.copy()
            recs.loc[mask, "response"] = new_resp[mask]
            tables.add("recommendations.csv")

    if assess is not None:
        assessments, a_report = _plan_assessments(groups, target_of_group, assessments, assess)
        report.assessments = a_report
        if a_report["added"] or a_report["changed"]:
            tables.add("assessments.csv")
    if tables and source_id not in set(sources["source_id"]):
        producer, url = {"uprinfo": ("UPR Info", "https://www.upr-info.org/database/"),
                         "uhri": ("OHCHR Universal Human Rights Index", "https://uhri.ohchr.org/"),
                         "docx": ("OHCHR", "https://www.ohchr.org/en/hr-bodies/upr/documentation"),
                         }.get(fmt, ("Researcher's spreadsheet", "https://www.ohchr.org/en/hr-bodies/upr"))
        what = {"docx": "thematic list of recommendations (UPR matrix)", "mapped": "table"}.get(fmt, "export")
        sources = pd.concat([sources, pd.DataFrame([{
            "source_id": source_id, "producer": producer, "title": f"{producer} {what} imported from {Path(name).name}",
            "url": url, "published_date": None, "accessed_date": today.isoformat(),
            "citation": f"{producer}, {what} file {Path(name).name} (SHA-1 {digest}…), imported {today.isoformat()}, {url}",
            "note": "Imported with python -m compliance import.",
        }], columns=sources.columns)], ignore_index=True)
        tables.add("sources.csv")
    return plan(bool(tables), tables)


def _assessment_texts(groups) -> list[tuple[tuple, list[int], str | None, str]]:
    """Per recommendation with a filled-in assessment: (group key, rows, status or None, message or text)."""
    out = []
    for key, members in groups.items():
        texts = {}
        for m in members:
            if m.assessment:
                texts.setdefault(m.assessment, []).append(m.row)
        if not texts:
            continue
        rows = sorted({r for rs in texts.values() for r in rs})
        if len(texts) > 1:
            out.append((key, rows, None, f"rows {', '.join(map(str, rows))} give different assessments for the same "
                                         "recommendation; keep one"))
            continue
        text = next(iter(texts))
        status, why = assessment_status(text)
        out.append((key, rows, status, text if status else why))
    return out


def _assessment_preview(groups) -> dict:
    mapped, unmapped, counts = 0, [], {}
    for key, rows, status, msg in _assessment_texts(groups):
        if status:
            mapped += 1
            counts[status] = counts.get(status, 0) + 1
        else:
            unmapped.append({"row": rows[0], "paragraph": key[2] if key[1] == "p" else None, "message": msg})
    return {"mapped": mapped, "statuses": counts, "unmapped": unmapped, "added": 0, "changed": 0, "unchanged": 0}


def _plan_assessments(groups, target_of_group, assessments: pd.DataFrame, opts: AssessmentOptions):
    rep = {"mapped": 0, "statuses": {}, "unmapped": [], "added": 0, "changed": 0, "unchanged": 0}
    existing = {(i, a, d): idx for idx, (i, a, d) in enumerate(zip(assessments["item_id"], assessments["assessor"],
                                                                   assessments["assessed_date"]))}
    nums = [int(x[1:]) for x in assessments["assessment_id"] if isinstance(x, str) and x[1:].isdigit()]
    next_num = max(nums, default=0) + 1
    new_rows = []
    assessments = assessments.copy()
    for key, rows, status, msg in _assessment_texts(groups):
        if status is None:
            rep["unmapped"].append({"row": rows[0], "paragraph": key[2] if key[1] == "p" else None,
                                    "message": msg})
            continue
        rep["mapped"] += 1
        rep["statuses"][status] = rep["statuses"].get(status, 0) + 1
        rid = target_of_group[key]
        idx = existing.get((rid, opts.assessor, opts.assessed_on))
        if idx is not None:
            if (assessments.at[idx, "status"], assessments.at[idx, "rationale"]) == (status, msg):
                rep["unchanged"] += 1
            else:  # new words are a new row to read: its earlier second reading does not carry over
                assessments.loc[idx, ["status", "rationale", "source_ids", "locator", "recorded_by"]] = [
                    status, msg, opts.source, f"row {rows[0]} of the imported assessment column", opts.recorded_by]
                assessments.loc[idx, ["read_by", "read_date", "read_verdict", "read_note"]] = None
                rep["changed"] += 1
            continue
        aid = f"A{next_num:03d}"
        next_num += 1
        new_rows.append({"assessment_id": aid, "item_id": rid, "assessor": opts.assessor,
                         "assessed_date": opts.assessed_on, "status": status, "rationale": msg,
                         "source_ids": opts.source, "locator": f"row {rows[0]} of the imported assessment column",
                         "recorded_by": opts.recorded_by})
        existing[(rid, opts.assessor, opts.assessed_on)] = -1
        rep["added"] += 1
    if new_rows:
        assessments = pd.concat([assessments, pd.DataFrame(new_rows, columns=assessments.columns)], ignore_index=True)
    return assessments, rep
