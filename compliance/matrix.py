"""Read the OHCHR "Thematic list of recommendations" (the UPR matrix, DOCX) with python-docx.

OHCHR publishes one per state under review and session; NGOs download it, and its older layouts carry a column
where they write their assessment of implementation. Its shape, in every generation seen:

- One table (continuation tables with the same columns are read on). A header row; then ``Theme: …`` section
  rows (one merged cell, which python-docx repeats in every column); then one row per recommendation.
- The page header names the state, cycle and session: ``UPR of Slovenia (4th Cycle - 48th Session)``, or with an
  en dash and lower case ``(2nd Cycle – 20th session)``.
- Column headers, 4th cycle: ``Recommendation and recommending State | Position of the State under review |
  Human rights themes and groups of persons | Relevant SDGs``; 2nd and 3rd cycles: ``Recommendation | Position |
  Full list of themes | Assessment/comments on level of implementation``.
- Recommendation cell: ``140.7 Ratify … (Maldives) (Portugal);`` — the paragraph, the text, the recommending
  state(s) in parentheses at the end of each clause (several clauses by different states may share a paragraph;
  names can hold their own parentheses, ``(Iran (Islamic Republic of))``; the text can hold bracketed acronyms
  that are not states, ``(ICRMW)``), then ``Source of Position: A/HRC/59/15/Add.1 - Para.3``.
- Themes cell: ``- theme`` lines, then sections ``SDGs:``, ``Affected persons:`` or ``Groups of Persons:`` with
  their own ``- `` lines; the oldest layout prefixes themes with a code (``A12 Acceptance of international norms``).

This module only reads: it returns cells and what the document says about itself. Turning them into
recommendations (state names to ISO3, themes to slugs, responses) is compliance.importer's job.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from .countries import normalise_name, to_iso3
from .readers import ImportFormatError

#: Column roles, recognised by how a header cell starts (lower case).
ROLES = (
    ("recommendation", ("recommendation",)),
    ("position", ("position",)),
    ("themes", ("human rights themes", "full list of themes", "themes", "theme")),
    ("sdgs", ("relevant sdgs", "sdgs", "sdg")),
    ("assessment", ("assessment", "comments on level of implementation", "level of implementation")),
)
HEADER_RE = re.compile(
    r"UPR\s+of\s+(?P<state>.+?)\s*\(\s*(?P<cycle>\d{1,2})\s*(?:st|nd|rd|th)?\s+cycle\s*[-\u2013\u2014]\s*"
    r"(?P<session>\d{1,3})\s*(?:st|nd|rd|th)?\s+session\s*\)", re.I)
SOURCE_RE = re.compile(r"^\s*Source\s+of\s+position\s*:\s*(?P<symbol>[^\n]*?)"
                       r"\s*(?:[-\u2013]\s*Para\.?\s*(?P<para>[\w.]+))?\s*$", re.I | re.M)
PARAGRAPH_RE = re.compile(r"^\s*(?P<para>\d{1,3}\.\d{1,3})\.?\s+(?P<rest>.*)$", re.S)
SECTION_RE = re.compile(r"^\s*(sdgs?|affected persons|groups? of persons|persons affected)\s*:\s*(.*)$", re.I)
THEME_CODE_RE = re.compile(r"^[A-Z]\d{1,2}(?:\.\d+)?\s+(?=\S)")


@dataclass
class MatrixRow:
    row: int  # 1 = the first row under the header (section rows count, so a row can be found in Word)
    section: str | None
    recommendation: str
    position: str
    themes: str
    assessment: str | None


@dataclass
class Matrix:
    rows: list[MatrixRow]
    columns: list[str]
    header_text: str | None = None
    state_name: str | None = None
    cycle: int | None = None
    session: int | None = None
    has_assessment_column: bool = False
    role_columns: dict[str, str] = field(default_factory=dict)  # role -> the column's header text


def _role(text: str) -> str | None:
    t = re.sub(r"\s+", " ", text).strip().casefold()
    for role, starts in ROLES:
        if any(t.startswith(s) for s in starts):
            return role
    return None


def _roles(cells: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, c in enumerate(cells):
        r = _role(c)
        if r and r not in found:
            found[r] = i
    return found if {"recommendation", "position"} <= set(found) else None


def _row_texts(row) -> list[str]:
    # python-docx repeats a merged (gridSpan) cell in every grid column it spans
    return [c.text for c in row.cells]


def read_matrix(raw: bytes, name: str = "upload") -> Matrix:
    import docx  # python-docx; imported here so the rest of the package loads without it

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx / lxml raise many types for broken documents
        raise ImportFormatError(f"{name} cannot be opened as a Word document ({exc or type(exc).__name__}); open it "
                                "in Word and save it again as .docx") from None
    texts = []
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header):
            try:
                texts.extend(p.text for p in part.paragraphs)
                texts.extend(c.text for t in part.tables for r in t.rows for c in r.cells)
            except Exception:  # a missing header part
                continue
    texts.extend(p.text for p in document.paragraphs[:50])
    matrix = Matrix(rows=[], columns=[])
    for t in texts:
        m = HEADER_RE.search(t)
        if m:
            matrix.header_text = re.sub(r"\s+", " ", m.group(0))
            matrix.state_name = m.group("state").strip()
            matrix.cycle, matrix.session = int(m.group("cycle")), int(m.group("session"))
            break
    roles = None
    width = 0
    n = 0
    section = None
    for table in document.tables:
        rows = table.rows
        start = 0
        if len(rows):
            first = _row_texts(rows[0])
            found = _roles(first)
            if found is not None:
                if roles is None:
                    matrix.columns = [re.sub(r"\s+", " ", c).strip() for c in first]
                roles, width, start = found, len(first), 1
            elif roles is None or len(first) != width:
                continue  # a table before the matrix, or an unrelated one
        for row in rows[start:]:
            cells = _row_texts(row)
            n += 1
            stripped = [c.strip() for c in cells]
            if not any(stripped):
                continue
            if len(set(stripped)) == 1 or stripped[0].casefold().startswith("theme:"):
                label = stripped[0]
                section = re.sub(r"^theme\s*:\s*", "", label, flags=re.I).strip() or None
                continue
            get = lambda role: cells[roles[role]] if role in roles and roles[role] < len(cells) else ""  # noqa: E731
            matrix.rows.append(MatrixRow(n, section, get("recommendation"), get("position"), get("themes"),
                                         (get("assessment").strip() or None) if "assessment" in roles else None))
    if roles is None:
        raise ImportFormatError(
            f"{name} is a Word document without a recommendations table: expected a table whose header has "
            "'Recommendation' and 'Position' columns (the OHCHR \"Thematic list of recommendations\")")
    matrix.has_assessment_column = "assessment" in roles
    if matrix.columns:
        matrix.role_columns = {r: matrix.columns[i] for r, i in roles.items() if i < len(matrix.columns)}
    return matrix


# --- the recommendation cell -------------------------------------------------------------------------


@dataclass
class Clause:
    text: str  # without the states' parentheses
    states: list[str]  # the names as written
    unknown: list[str]  # names in the states' position that are not states (errors for the caller)
    ignored: list[str]  # name-like groups just before the states, read as part of the text (warnings)


def state_code(name: str) -> str | None:
    """ISO3 of a state as a matrix writes it; bare two- or three-letter codes are not states here (an acronym such
    as (CAT) or (IT) in the text must not become a country)."""
    key = normalise_name(name)
    if re.fullmatch(r"[a-z]{2,3}", key):
        from .countries import ALIASES

        return ALIASES.get(key)
    return to_iso3(name)


def _trailing_groups(s: str, end: int) -> list[tuple[int, int, str]]:
    """Balanced parenthesised groups that end the text s[:end], separated only by spaces; left to right."""
    groups = []
    i = end
    while True:
        j = i - 1
        while j >= 0 and s[j] in " \t\u00a0":
            j -= 1
        if j < 0 or s[j] != ")":
            break
        depth, k = 0, j
        while k >= 0:
            if s[k] == ")":
                depth += 1
            elif s[k] == "(":
                depth -= 1
                if depth == 0:
                    break
            k -= 1
        if k < 0:
            break
        groups.append((k, j + 1, s[k + 1:j].strip()))
        i = k
    return groups[::-1]


def _name_like(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][^\d()]*[a-z][^\d]*", text)) and len(text) <= 60


def split_clauses(body: str) -> list[Clause]:
    """The clauses of a recommendation's text, each with the states that made it.

    A clause ends where a run of parenthesised groups, at least one of them a state, is followed by ';', '.' or
    the end of the text. In that run, the groups from the leftmost state on are the states (an unmappable one among
    them is reported, never dropped); groups before it belong to the text (an acronym such as (ICRMW))."""
    s = body.rstrip()
    clauses: list[Clause] = []
    pos = 0
    candidates = [m.start() for m in re.finditer(r";", s)] + [len(s)]
    for c in candidates:
        end = c
        tail = s[pos:end].rstrip(" .;\t\n")
        if not tail:
            continue
        stop = pos + len(tail)
        groups = _trailing_groups(s, stop)
        codes = [state_code(g[2]) for g in groups]
        mapped = [i for i, code in enumerate(codes) if code]
        is_last = c == len(s)
        if not mapped and not is_last:
            continue  # a ';' inside the text
        if mapped:
            first = mapped[0]
            states = [g[2] for g in groups[first:]]
            unknown = [g[2] for g, code in zip(groups[first:], codes[first:]) if not code]
            ignored = [g[2] for g in groups[:first] if _name_like(g[2])]
            text = s[pos:groups[first][0]].strip().rstrip(",;:")
        else:
            last = groups[-1][2] if groups else None
            states = []
            unknown = [last] if last and _name_like(last) else []
            ignored = []
            text = tail.strip()
        clauses.append(Clause(text.strip(), [x for x in states if x not in unknown], unknown, ignored))
        pos = end + 1
    return clauses


def parse_recommendation_cell(cell: str) -> tuple[str | None, str, str | None]:
    """(paragraph, body without the 'Source of Position' line, source symbol) of a recommendation cell."""
    text = cell.replace("\r", "\n")
    symbol = None
    m = SOURCE_RE.search(text)
    if m:
        symbol = m.group("symbol").strip() or None
        text = (text[:m.start()] + text[m.end():]).strip()
    p = PARAGRAPH_RE.match(text)
    if not p:
        return None, re.sub(r"\s+", " ", text).strip(), symbol
    return p.group("para"), re.sub(r"[ \t]+", " ", p.group("rest")).strip(), symbol


def theme_labels(cell: str, section: str | None = None) -> list[str]:
    """The themes of a themes cell (the lines before SDGs / Affected persons / Groups of Persons), codes removed."""
    out = []
    for line in cell.replace("\r", "\n").split("\n"):
        if SECTION_RE.match(line):
            break
        label = line.strip().lstrip("-\u2013\u2022").strip()
        label = re.sub(r"^themes?\s*:\s*", "", label, flags=re.I)
        label = THEME_CODE_RE.sub("", label).strip()
        if label:
            out.append(label)
    if section:
        label = THEME_CODE_RE.sub("", section).strip()
        if label and label not in out:
            out.insert(0, label)
    return out
