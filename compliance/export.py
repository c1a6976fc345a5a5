"""Bytes for downloads: PNG/SVG (kaleido + the system Chromium), self-contained HTML, CSV and XLSX, and the
briefing pack (ZIP). Pure functions, bytes in and bytes out; no streamlit.

kaleido's kept browser (`start_sync_server`) makes an export ~0.15 s instead of ~2 s, but it is not
thread-safe and, started without a browser, makes later exports hang. So: look for a browser first, start the
kept browser lazily, serialise exports with a lock, and cache the bytes per figure.
"""

from __future__ import annotations

import atexit
import hashlib
import html
import io
import os
import re
import shutil
import threading
import unicodedata
import zipfile
from collections import OrderedDict
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from . import methodology
from .charts import DASHBOARD_NAME, figure_data, is_empty, plotly_config_base, topojson_url

BROWSER_ENV = "COMPLIANCE_BROWSER"
BROWSER_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
PNG_SCALE = 2
_LOCK = threading.Lock()
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_MAX = 64
_server_running = False

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportUnavailable(RuntimeError):
    """Static images cannot be made here (no browser); HTML and CSV still can."""


def find_browser() -> str | None:
    """Path of a Chromium kaleido can drive, or None. $COMPLIANCE_BROWSER overrides ('' disables)."""
    if BROWSER_ENV in os.environ:
        path = os.environ[BROWSER_ENV]
        return path if path and os.access(path, os.X_OK) else None
    for path in BROWSER_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    found = shutil.which("chromium")
    return found


def images_available() -> bool:
    return find_browser() is not None


def _ensure_server(browser: str) -> None:
    global _server_running
    if _server_running:
        return
    import kaleido

    os.environ.setdefault("BROWSER_PATH", browser)
    kaleido.start_sync_server(n=1, silence_warnings=True)
    _server_running = True
    # stop the kept browser before the interpreter's own clean-up, which otherwise races Chromium for its temporary
    # profile folder and prints a traceback at exit
    atexit.register(_stop_server)


def _stop_server() -> None:
    global _server_running
    if _server_running:
        import kaleido

        try:
            kaleido.stop_sync_server(silence_warnings=True)
        except Exception:  # noqa: BLE001 - at exit, nothing more can be done
            pass
        _server_running = False


def _has_geo(fig: go.Figure) -> bool:
    return any(t.type in ("choropleth", "scattergeo") for t in fig.data)


def _fig_key(fig: go.Figure, fmt: str, scale: float) -> str:
    return hashlib.sha256(f"{fmt}|{scale}|{fig.to_json()}".encode()).hexdigest()


def figure_image(fig: go.Figure, fmt: str = "png", *, scale: float = PNG_SCALE) -> bytes:
    """PNG, SVG or PDF bytes of a figure at its layout size (PNG at `scale`× for print)."""
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"unknown image format {fmt!r}")
    browser = find_browser()
    if browser is None:
        raise ExportUnavailable("No Chromium browser found: install Debian's 'chromium' package to make PNG/SVG images")
    key = _fig_key(fig, fmt, scale)
    with _LOCK:  # the kept browser is not thread-safe; one export at a time
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        import kaleido

        _ensure_server(browser)
        layout = fig.layout
        opts = {"format": fmt, "scale": scale if fmt == "png" else 1, "width": layout.width or 1100, "height": layout.height or 520}
        data = kaleido.calc_fig_sync(fig, opts=opts, topojson=topojson_url() if _has_geo(fig) else None)
        _CACHE[key] = data
        if len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
        return data


def figure_html(fig: go.Figure) -> bytes:
    """A self-contained interactive HTML file (plotly.js inlined) that works offline."""
    meta = fig.layout.meta or {}
    title = meta.get("chart_title", DASHBOARD_NAME) if isinstance(meta, dict) else DASHBOARD_NAME
    body = fig.to_html(include_plotlyjs=True, full_html=True, config=plotly_config_base(), default_width="100%")
    return body.replace("<head>", f"<head><title>{html.escape(str(title))}</title>", 1).encode("utf-8")


def neutralise(value):
    """Prefix a cell that a spreadsheet would run as a formula (=, +, -, @) with an apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell that a spreadsheet would run as a formula neutralised (vectorised: it runs on
    every public table at every rerun, 100,000 rows included); list cells become '; '-joined text."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
            continue
        present = s.dropna()
        if s.dtype == object and len(present) and isinstance(present.iloc[0], (list, tuple, set)):
            s = s.map(_plain)
        try:
            mask = s.str.startswith(DANGEROUS_PREFIXES, na=False) if len(present) else None
        except AttributeError:  # an object column holding no text at all (dates, numbers)
            mask = None
        if mask is not None and mask.any():
            s = s.where(~mask, "'" + s.astype(str))
        out[col] = s
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _plain(v):
    if isinstance(v, (list, tuple, set)):
        return "; ".join(map(str, v))
    return v


def table_csv(df: pd.DataFrame, header_lines: list[str] | None = None) -> bytes:
    """CSV (UTF-8 with BOM so spreadsheets read accents) with formula-like cells neutralised."""
    buf = io.StringIO()
    for line in header_lines or ():
        # comment lines start with '#' and hold no comma or quote, so each stays one cell: nothing after a comma can
        # become a cell that a spreadsheet would run as a formula (and pandas' comment="#" still skips them)
        text = " ".join(str(line).lstrip("# ").split()).replace(",", ";").replace('"', "'")
        buf.write("# " + text + "\n")
    neutralise_frame(df).to_csv(buf, index=False, lineterminator="\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def table_xlsx(sheets: dict[str, pd.DataFrame], notes: list[str] | None = None) -> bytes:
    """An XLSX workbook, one sheet per table, cells neutralised and written as text (never as formulas)."""
    buf = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": options}) as xw:
        for name, df in sheets.items():
            neutralise_frame(df).to_excel(xw, sheet_name=_sheet_name(name), index=False)
        if notes:
            pd.DataFrame({"about this file": [neutralise(n) for n in notes]}).to_excel(xw, sheet_name="README", index=False)
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Sheet1"


def figure_csv(fig: go.Figure) -> bytes:
    """The CSV of exactly the data drawn, columns named for what they hold, with the chart's title, filters, date and
    sources (codes and short names; full citations in the pack's README) above it."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    refs = meta.get("source_refs") or []
    named = "; ".join(f"{r['source_id']} = {r['short']}" for r in refs if r.get("short"))
    header = [
        meta.get("chart_title", "Chart"),
        f"Filters: {meta.get('filters', '')}",
        f"Data as of {meta.get('as_of', '')}",
        f"Sources: {named or ', '.join(meta.get('sources', []))}",
        "Full citations and addresses: README.txt of the briefing pack, or the Sources & methodology page",
        DASHBOARD_NAME,
    ]
    return table_csv(figure_data(fig), header)


def slug(text: str, max_len: int = 60) -> str:
    """ASCII-only, lower-case, hyphenated: safe in any file system."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-zA-Z0-9]+", "-", ascii_text).strip("-").lower()
    return s[:max_len].strip("-") or "chart"


def file_name(chart: str, filters: str, as_of: str | date, ext: str) -> str:
    """e.g. status-by-cycle_cycle-3-theme-death-penalty_2026-11-24.png"""
    f = slug(filters, 50) if filters and not filters.startswith("none") else "all"
    return f"{slug(chart)}_{f}_{slug(str(as_of), 10)}.{ext}"


def chart_file_name(fig: go.Figure, ext: str) -> str:
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return file_name(meta.get("chart_title", "chart"), meta.get("filters", ""), meta.get("as_of", ""), ext)


def source_refs(figures: list[go.Figure], sources: pd.DataFrame | None = None) -> list[dict]:
    """Every source behind a pack: those on its charts (their figure metadata) and those of its tables (`sources`:
    source_id, citation, url), each once, by code."""
    refs: dict[str, dict] = {}
    for fig in figures:
        meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
        for r in meta.get("source_refs") or []:
            refs.setdefault(r["source_id"], {"source_id": r["source_id"], "citation": r.get("citation", ""), "url": r.get("url", "")})
        for sid in meta.get("sources") or []:
            refs.setdefault(sid, {"source_id": sid, "citation": "", "url": ""})
    if sources is not None:
        for r in sources.itertuples():
            ref = refs.setdefault(r.source_id, {"source_id": r.source_id, "citation": "", "url": ""})
            ref["citation"] = ref["citation"] or str(getattr(r, "citation", "") or "")
            ref["url"] = ref["url"] or str(getattr(r, "url", "") or "")
    return [refs[k] for k in sorted(refs, key=_natural)]


def _natural(code: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", code)]


def briefing_pack(
    figures: list[go.Figure],
    tables: dict[str, pd.DataFrame],
    *,
    filters: str,
    as_of: str,
    citations: list[str] | None = None,
    page: str,
    images: bool | None = None,
    sources: pd.DataFrame | None = None,
) -> bytes:
    """ZIP: every chart that draws something as PNG and SVG (if a browser exists) and its CSV, the tables as CSV, and
    README.txt with the filters, the date, the charts left out because they are empty, and every source by its code
    (as on the charts) with its full citation and address. `sources` (source_id, citation, url) adds the sources of
    the tables; `citations` without a code found anywhere are listed as they are."""
    images = images_available() if images is None else images
    buf = io.BytesIO()
    names, left_out = [], []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for fig in figures:
            empty = is_empty(fig)
            if empty:
                meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
                left_out.append(f"  {meta.get('chart_title', 'A chart')}: {empty}")
                continue
            for ext in (("png", "svg") if images else ()):
                name = "charts/" + chart_file_name(fig, ext)
                z.writestr(name, figure_image(fig, ext))
                names.append(name)
            name = "data/" + chart_file_name(fig, "csv")
            z.writestr(name, figure_csv(fig))
            names.append(name)
        for tname, df in tables.items():
            name = f"data/{slug(tname)}.csv"
            z.writestr(name, table_csv(df))
            names.append(name)
        refs = source_refs(figures, sources)
        known = {r["citation"] for r in refs}
        uncoded = [c for c in citations or () if c and c not in known]
        source_lines = []
        for r in refs:
            source_lines.append(f"  {r['source_id']}: {r['citation'] or '(citation not found in the sources table)'}")
            if r["url"]:
                source_lines.append(f"      {r['url']}")
        readme = [
            f"{DASHBOARD_NAME} — briefing pack",
            f"Page: {page}",
            f"Filters: {filters}",
            f"Status as of: {as_of}",
            f"Made on: {date.today().isoformat()}",
            "",
            "How a status is decided (the same text as the Sources & methodology page):",
            *[f"  {line}" for line in methodology.plain_text(width=100)],
            "",
            "" if images else "No browser was available, so charts are included as data (CSV) only.",
            "Files:",
            *[f"  {n}" for n in names],
            *(["", "Left out because they draw nothing for these filters:", *left_out] if left_out else []),
            "",
            f"Sources ({len(refs)}), by the code shown on the charts and in the data files: code, full citation, address.",
            *source_lines,
            *(["", "Other sources cited by this page:", *[f"  {c}" for c in uncoded]] if uncoded else []),
        ]
        z.writestr("README.txt", "\n".join(readme) + "\n")
    return buf.getvalue()
