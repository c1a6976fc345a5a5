"""Import recommendations from UPR Info and UN Universal Human Rights Index (UHRI) exports and merge them into the
dataset: stable identities (re-importing the same file changes nothing), updates reported, errors per row.

Formats
- ``uprinfo``: the classic UPR Info database export, one row per recommending state, columns
  ``To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response, Action, Issue, Session``.
- ``uhri``: the UHRI "Export to Excel" file (XLSX, or the same table as CSV): ``Text`` starts with the report
  paragraph (``127.35 …``), ``Countries Concerned``, ``UPR Reccomending States`` (sic), ``UPR Position``,
  ``UPR Session``, ``Document Symbol``, ``Themes`` …; multi-valued cells hold one value a line prefixed ``- ``.

Identity: a UHRI row is identified by (cycle, paragraph); a UPR Info row, which has no paragraph, by (cycle,
recommending state, fingerprint of its normalised text). Fingerprints (`text_key`) are stored in
recommendation_states.csv, so the shipped data needs no verbatim text to recognise a re-import.

Sessions map to cycles: 1–12 cycle 1, 13–26 cycle 2, 27–40 cycle 3, 41 onwards cycle 4 (sources in data/sources.csv:
UPRCYCLES-41, the 41st session opened the fourth cycle; UPRCYCLES-OHCHR, 14 sessions a cycle, so 27–40 and 13–26
before it, which leaves 1–12 for the first; Belarus's own reviews agree: session 8 in cycle 1, 22 in cycle 2, 36
in cycle 3, 50 in cycle 4).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from .countries import split_states, to_iso3
from .data import Dataset, split_list

UPRINFO_COLUMNS = ["To", "To-Rgrp", "To-Org", "Text", "From", "From-Rgrp", "From-Org", "Response", "Action", "Issue", "Session"]
UHRI_REQUIRED = ["Text", "UPR Reccomending States", "UPR Position", "UPR Session"]
UNKNOWN_MARKERS = {"", "-", "--", "n/a", "na", "unknown", "not known", "none", "null", "?"}
MAX_ROWS = 500_000

RESPONSE_WORDS = {
    "accepted": "supported", "supported": "supported", "support": "supported",
    "noted": "noted", "rejected": "noted", "not accepted": "noted", "not supported": "noted",
    "partially accepted": "partially_supported", "partially supported": "partially_supported",
    "supported/noted": "partially_supported", "accepted/noted": "partially_supported",
    "supported and considered implemented": "supported_implemented",
    "accepted and considered implemented": "supported_implemented",
    "already implemented": "supported_implemented",
}


class ImportFormatError(ValueError):
    """The file cannot be read as any supported export (empty, binary, unknown header)."""


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


@dataclass
class ImportReport:
    format: str
    rows_read: int
    rows_for_other_states: int = 0
    recommendations: int = 0
    states: int = 0
    errors: list[dict] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    added_recommendations: list[str] = field(default_factory=list)
    added_state_rows: int = 0
    updated: list[dict] = field(default_factory=list)
    unchanged: int = 0
    applied: bool = False

    def as_dict(self) -> dict:
        return {
            "format": self.format, "rows_read": self.rows_read, "rows_for_other_states": self.rows_for_other_states,
            "recommendations": self.recommendations, "states": self.states, "errors": self.errors,
            "unmapped": self.unmapped, "skipped_rows": self.skipped_rows,
            "added_recommendations": len(self.added_recommendations), "added_state_rows": self.added_state_rows,
            "updated": self.updated, "unchanged": self.unchanged, "applied": self.applied,
        }


# --- reading ---------------------------------------------------------------------------------------


def text_key(text: str) -> str:
    """Fingerprint of a recommendation's wording that survives the mess of real exports (entities, case,
    spacing, curly quotes, line endings, trailing punctuation)."""
    t = unicodedata.normalize("NFKC", html.unescape(str(text)))
    t = t.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    t = re.sub(r"[^\w]+", " ", t.casefold()).strip()
    return hashlib.sha1(t.encode("utf-8")).hexdigest()[:12]


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Mac Roman; bare CR line endings become LF."""
    if b"\x00" in raw[:4096]:
        raise ImportFormatError("the file looks binary (it contains NUL bytes), not a CSV or XLSX export")
    for enc in ("utf-8-sig",):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            text = None
    if text is None:
        # Mac Roman puts printable letters where Windows-1252 has C1 controls; prefer the one without controls
        cp = raw.decode("cp1252", errors="replace")
        mac = raw.decode("mac_roman")
        text = cp if cp.count("\ufffd") == 0 and not re.search(r"[\x80-\x9f]", cp) else mac
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_table(raw: bytes, name: str = "upload") -> pd.DataFrame:
    """A DataFrame of strings from CSV or XLSX bytes; raises ImportFormatError with a plain message."""
    if not raw or not raw.strip():
        raise ImportFormatError(f"{name} is empty")
    if raw[:4] == b"PK\x03\x04":  # XLSX is a ZIP
        try:
            df = pd.read_excel(io.BytesIO(raw), dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for broken files
            raise ImportFormatError(f"{name} is not a readable XLSX file ({type(exc).__name__})") from None
        df = df.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
        return df.astype(object)
    try:
        text = decode_text(raw)
    except ImportFormatError as exc:
        raise ImportFormatError(f"{name}: {exc}") from None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFormatError(f"{name} cannot be read as CSV: {str(exc).strip()}") from None
    if df.empty and len(df.columns) <= 1:
        raise ImportFormatError(f"{name} has no data rows")
    if len(df) > MAX_ROWS:
        raise ImportFormatError(f"{name} has {len(df)} rows; at most {MAX_ROWS} are imported at once")
    return df


def detect_format(columns) -> str | None:
    cols = {str(c).strip() for c in columns}
    if set(UPRINFO_COLUMNS) <= cols:
        return "uprinfo"
    if set(UHRI_REQUIRED) <= cols:
        return "uhri"
    return None


def session_to_cycle(session: int) -> int:
    if session <= 12:
        return 1
    if session <= 26:
        return 2
    if session <= 40:
        return 3
    return 4


def _clean(value) -> str:
    text = html.unescape(str(value)) if value is not None else ""
    return re.sub(r"[ \t]+", " ", text).strip()


def _is_unknown(value: str) -> bool:
    return value.strip().casefold() in UNKNOWN_MARKERS


def _response(value: str) -> str | None:
    v = _clean(value).casefold()
    if _is_unknown(v):
        return "unknown"
    return RESPONSE_WORDS.get(v)


def _session(value) -> int | None:
    v = _clean(value)
    m = re.fullmatch(r"(?:session\s*)?(\d{1,3})(?:st|nd|rd|th)?(?:\s*session)?", v, re.I)
    return int(m.group(1)) if m and int(m.group(1)) > 0 else None


def _list_cell(value) -> list[str]:
    return [p.strip().lstrip("-").strip() for p in re.split(r"[\n;]+", _clean(str(value)).replace("\r", "\n")) if p.strip().lstrip("-").strip()]


# --- parsing -------------------------------------------------------------------------------------------


def _recommending_states(names: list[str], column: str, problems: list) -> list[str]:
    """ISO3 codes of the names in one cell; each unmappable name is a problem of that row (never a guess)."""
    states = []
    for name in names:
        code = to_iso3(name)
        if code is None:
            problems.append((column, f"unknown state name {name!r}: add it to ALIASES in compliance/countries.py if it is a real state"))
        else:
            states.append(code)
    if not names:
        problems.append((column, "no recommending state"))
    return states


def parse_uprinfo(df: pd.DataFrame, ds: Dataset, state: str) -> tuple[list[ImportedRecommendation], list[dict], list[str], int]:
    issue_map = {r.uprinfo_issue.casefold(): r.theme_slug for r in ds.theme_map_uprinfo.itertuples()}
    rows, errors, unmapped, other = [], [], set(), 0
    df = df.rename(columns=lambda c: str(c).strip())
    for i, rec in enumerate(df.to_dict("records"), start=1):
        problems = []
        to = _clean(rec["To"])
        if to_iso3(to) != state:
            if to_iso3(to) is None and not _is_unknown(to):
                problems.append(("To", f"unknown state under review {to!r}"))
            else:
                other += 1
                continue
        text = _clean(rec["Text"])
        if not text:
            problems.append(("Text", "recommendation text is empty"))
        states = _recommending_states(split_states(rec["From"]), "From", problems)
        resp = _response(rec["Response"])
        if resp is None:
            problems.append(("Response", f"unknown response {rec['Response']!r}: expected Accepted, Noted, Partially accepted or empty"))
        action = None
        a = _clean(rec["Action"])
        if not _is_unknown(a):
            if a.isdigit() and 1 <= int(a) <= 5:
                action = int(a)
            else:
                problems.append(("Action", f"expected an action category 1-5; got {a!r}"))
        session = _session(rec["Session"])
        if session is None:
            problems.append(("Session", f"expected a session number such as 8; got {_clean(rec['Session'])!r}"))
        themes = set()
        for issue in [x.strip() for x in _clean(rec["Issue"]).split(",") if x.strip() and not _is_unknown(x)]:
            key = issue.casefold()
            if key not in issue_map:
                problems.append(("Issue", f"unknown UPR Info issue {issue!r}: add it to data/theme_map_uprinfo.csv"))
                unmapped.add(issue)
            elif isinstance(issue_map[key], str):
                themes.add(issue_map[key])
        if problems:
            errors.extend({"row": i, "field": f, "message": msg} for f, msg in problems)
            continue
        rows.append(ImportedRecommendation(i, session_to_cycle(session), None, text, text_key(text), states, resp, action, sorted(themes)))
    return rows, errors, sorted(unmapped), other


def _uhri_theme_table(ds: Dataset) -> list[tuple[str, str]]:
    t = ds.frames.get("theme_map_uhri.csv")
    if t is None:
        return []
    return [(k.casefold(), v) for k, v in zip(t["keyword"], t["theme_slug"])]


def parse_uhri(df: pd.DataFrame, ds: Dataset, state: str) -> tuple[list[ImportedRecommendation], list[dict], list[str], int]:
    keywords = _uhri_theme_table(ds)
    rows, errors, unmapped, other = [], [], set(), 0
    df = df.rename(columns=lambda c: str(c).strip())
    for i, rec in enumerate(df.to_dict("records"), start=1):
        problems = []
        concerned = [to_iso3(c) for c in _list_cell(rec.get("Countries Concerned", ""))]
        if concerned and state not in concerned:
            other += 1
            continue
        text = _clean(rec["Text"])
        m = re.match(r"^(\d{2,3}\.\d{1,3})\.?\s+(.*)$", text, re.S)
        if not m:
            problems.append(("Text", "expected the text to start with the report paragraph, e.g. '127.35 Consider ...'"))
            paragraph, body = None, text
        else:
            paragraph, body = m.group(1), m.group(2).strip()
        states = _recommending_states(_list_cell(rec["UPR Reccomending States"]), "UPR Reccomending States", problems)
        resp = _response(rec["UPR Position"])
        if resp is None:
            problems.append(("UPR Position", f"unknown position {rec['UPR Position']!r}: expected Supported, Noted or empty"))
        session = _session(rec["UPR Session"])
        if session is None:
            problems.append(("UPR Session", f"expected a session number such as 36; got {_clean(rec['UPR Session'])!r}"))
        themes = set()
        for label in _list_cell(rec.get("Themes", "")):
            hits = {slug for kw, slug in keywords if kw in label.casefold()}
            if hits:
                themes |= hits
            else:
                unmapped.add(label)
        if problems:
            errors.extend({"row": i, "field": f, "message": msg} for f, msg in problems)
            continue
        rows.append(ImportedRecommendation(i, session_to_cycle(session), paragraph, body, text_key(body), sorted(set(states)), resp, None, sorted(themes)))
    return rows, errors, sorted(unmapped), other


# --- merging -----------------------------------------------------------------------------------------


@dataclass
class MergePlan:
    report: ImportReport
    recommendations: pd.DataFrame
    recommendation_states: pd.DataFrame
    sources: pd.DataFrame
    changed: bool

    def changes(self) -> dict[str, pd.DataFrame]:
        """The changed tables as written, for `Store.apply`."""
        return {"recommendations.csv": self.recommendations, "recommendation_states.csv": self.recommendation_states,
                "sources.csv": self.sources}

    def tables(self) -> dict[str, bytes]:
        """The files to commit (compliance.store.commit) to apply this import."""
        from .store import frame_to_csv

        return {"recommendations.csv": frame_to_csv(self.recommendations, "recommendations.csv"),
                "recommendation_states.csv": frame_to_csv(self.recommendation_states, "recommendation_states.csv"),
                "sources.csv": frame_to_csv(self.sources, "sources.csv")}


def _paragraph_response(responses: set[str]) -> str:
    responses = set(responses) - {None}
    if not responses:
        return "unknown"
    if len(responses) == 1:
        return next(iter(responses))
    return "partially_supported"


def plan_import(ds: Dataset, raw: bytes, *, name: str = "upload", fmt: str = "auto", state: str = "BLR",
                skip_invalid: bool = False, today: date | None = None) -> MergePlan:
    """Parse an export and work out what merging it would change. Nothing is written here."""
    table = read_table(raw, name)
    detected = detect_format(table.columns)
    if fmt == "auto":
        if detected is None:
            raise ImportFormatError(
                f"{name}: unrecognised header ({', '.join(map(str, list(table.columns)[:6]))}…); expected a UPR Info export "
                f"({', '.join(UPRINFO_COLUMNS)}) or a UHRI export (with {', '.join(UHRI_REQUIRED)})")
        fmt = detected
    elif detected != fmt:
        raise ImportFormatError(f"{name} is not a {fmt} export: its header does not have the expected columns")
    parse = parse_uprinfo if fmt == "uprinfo" else parse_uhri
    rows, errors, unmapped, other = parse(table, ds, state)
    report = ImportReport(format=fmt, rows_read=len(table), rows_for_other_states=other, errors=errors, unmapped=unmapped)
    report.skipped_rows = sorted({e["row"] for e in errors})
    recs = ds.table("recommendations.csv")
    states_df = ds.table("recommendation_states.csv")
    sources = ds.table("sources.csv")

    # group rows into recommendations
    groups: dict[tuple, list[ImportedRecommendation]] = {}
    for r in rows:
        key = (r.cycle, "p", r.paragraph) if r.paragraph else (r.cycle, "t", r.text_key)
        groups.setdefault(key, []).append(r)
    report.recommendations = len(groups)
    report.states = len({s for r in rows for s in r.states})
    if errors and not skip_invalid:
        return MergePlan(report, recs, states_df, sources, False)

    today = today or date.today()
    digest = hashlib.sha1(raw).hexdigest()[:8]
    source_id = f"IMPORT-{fmt.upper()}-{digest}"
    by_key = {(r.recommendation_id, r.state_iso3, r.text_key): idx for idx, r in states_df.iterrows() if r.text_key}
    by_para = {(int(r.cycle), r.paragraph): r.recommendation_id for r in recs.itertuples() if r.paragraph}
    existing_ids = set(recs["recommendation_id"])
    rec_of_key = {}
    for (rid, st, tk) in by_key:
        rec_of_key.setdefault((tk, st), rid)
    new_rec_rows, new_state_rows, touched, target_ids = [], [], set(), set()
    for key, members in groups.items():
        cycle = key[0]
        # find the existing recommendation
        rid = by_para.get((cycle, key[2])) if key[1] == "p" else None
        if rid is None:
            rid = next((rec_of_key.get((m.text_key, s)) for m in members for s in m.states if rec_of_key.get((m.text_key, s))), None)
        if rid is None:
            rid = f"C{cycle}-{key[2]}" if key[1] == "p" else f"C{cycle}-T{members[0].text_key[:10]}"
            if rid in existing_ids:
                rid = f"{rid}-{len(existing_ids)}"
            existing_ids.add(rid)
            themes = sorted({t for m in members for t in m.themes})
            new_rec_rows.append({
                "recommendation_id": rid, "cycle": cycle, "paragraph": key[2] if key[1] == "p" else None,
                "summary": members[0].text, "themes": ";".join(themes) or None,
                "response": _paragraph_response({m.response for m in members}), "recurrence_id": None,
                "source_ids": source_id, "note": f"Text as given in the imported {fmt} export ({name}).",
            })
            report.added_recommendations.append(rid)
        target_ids.add(rid)
        for m in members:
            for s in m.states:
                idx = by_key.get((rid, s, m.text_key))
                if idx is None:
                    match = states_df[(states_df["recommendation_id"] == rid) & (states_df["state_iso3"] == s) & states_df["text_key"].isna()]
                    idx = match.index[0] if len(match) else None
                    if idx is not None:  # an existing row without fingerprint: adopt it
                        states_df.at[idx, "text_key"] = m.text_key
                if idx is None:
                    new_state_rows.append({"recommendation_id": rid, "state_iso3": s, "response": m.response,
                                           "action_category": m.action, "text_key": m.text_key, "source_ids": source_id})
                    touched.add(rid)
                    continue
                old = states_df.loc[idx]
                changes = {}
                if (old["response"] or "unknown") != m.response:
                    changes["response"] = (old["response"], m.response)
                if m.action is not None and (pd.isna(old["action_category"]) or int(old["action_category"]) != m.action):
                    changes["action_category"] = (None if pd.isna(old["action_category"]) else int(old["action_category"]), m.action)
                if changes:
                    for col, (_, new) in changes.items():
                        states_df.at[idx, col] = new
                    ids = split_list(states_df.at[idx, "source_ids"])
                    if source_id not in ids:
                        states_df.at[idx, "source_ids"] = ";".join([*ids, source_id])
                    report.updated.append({"recommendation_id": rid, "state_iso3": s, "row": m.row,
                                           **{k: {"from": v[0], "to": v[1]} for k, v in changes.items()}})
                    touched.add(rid)
                else:
                    report.unchanged += 1
    report.added_state_rows = len(new_state_rows)
    report.recommendations = len(target_ids)
    if new_rec_rows:
        recs = pd.concat([recs, pd.DataFrame(new_rec_rows)], ignore_index=True)
    if new_state_rows:
        states_df = pd.concat([states_df, pd.DataFrame(new_state_rows)], ignore_index=True)
    # paragraph responses follow their states' responses
    for rid in touched:
        resp = _paragraph_response(set(states_df.loc[states_df["recommendation_id"] == rid, "response"].dropna()))
        recs.loc[recs["recommendation_id"] == rid, "response"] = resp
    changed = bool(new_rec_rows or new_state_rows or report.updated)
    if changed and source_id not in set(sources["source_id"]):
        producer, url = (("UPR Info", "https://www.upr-info.org/database/") if fmt == "uprinfo"
                         else ("OHCHR Universal Human Rights Index", "https://uhri.ohchr.org/"))
        sources = pd.concat([sources, pd.DataFrame([{
            "source_id": source_id, "producer": producer, "title": f"{producer} export imported from {Path(name).name}",
            "url": url, "published_date": None, "accessed_date": today.isoformat(),
            "citation": f"{producer}, export file {Path(name).name} (SHA-1 {digest}…), imported {today.isoformat()}, {url}",
            "note": "Imported with python -m compliance import.",
        }])], ignore_index=True)
    return MergePlan(report, recs, states_df, sources, changed)
