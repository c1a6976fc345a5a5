"""Reading an import file's bytes into rows, with one clear message per unreadable file.

- What a file is, is told from its bytes, not its name: a ZIP holding ``word/document.xml`` is a Word document,
  one holding ``xl/workbook.xml`` an Excel workbook; anything else is text (CSV, TSV, semicolon-separated).
- Text is UTF-8 (with or without BOM), UTF-16 (with BOM, or without one when every other byte is NUL, as Excel's
  "Unicode text" is), else Windows-1252, else Mac Roman. A file with NUL bytes that is not UTF-16 is binary.
- CSV is read with Python's csv module in strict mode, so a broken file stops at the first broken line with one
  message naming it (an unbalanced quote, a row with more fields than the header), instead of shifting every
  later row into the wrong columns and reporting hundreds of errors for rows that are fine.

Row numbers: ``row 1`` is the first data row (under the header), as in every other message of this project;
``line`` is the physical line of a text file (1 = the header line), used for file-level problems.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile

import pandas as pd

MAX_ROWS = 500_000
DELIMITERS = (",", ";", "\t", "|")


class ImportFormatError(ValueError):
    """The file cannot be read as any supported export (empty, binary, broken, unknown header). One line."""


# --- what kind of file ------------------------------------------------------------------------------


def container(raw: bytes, name: str = "upload") -> str:
    """'docx', 'xlsx' or 'text'; a ZIP that is neither, or a damaged one, is an ImportFormatError that says so."""
    if raw[:4] != b"PK\x03\x04":
        if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: legacy .xls / .doc
            raise ImportFormatError(
                f"{name} is an old binary Office file (.xls or .doc); open it in Excel or Word and save it as .xlsx or .docx")
        return "text"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            names = set(z.namelist())
            bad = z.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise ImportFormatError(
            f"{name} is damaged: it starts like an XLSX/DOCX (ZIP) file but cannot be opened as one ({exc}); "
            "download it again, or open it in Excel/Word and save it again") from None
    if bad is not None:
        raise ImportFormatError(f"{name} is damaged: the part {bad!r} inside it is corrupt; download it again, or "
                                "open it in Excel/Word and save it again")
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    shown = ", ".join(sorted(names)[:5]) or "nothing"
    raise ImportFormatError(
        f"{name} is a ZIP archive but not an Excel workbook or Word document (it holds {shown}); "
        "import the .xlsx, .csv or .docx file itself")


# --- text -------------------------------------------------------------------------------------------


def _looks_utf16(raw: bytes) -> str | None:
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = raw[:4096]
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    return None


def decode_text(raw: bytes, name: str = "upload") -> str:
    """The file's text; bare CR line endings become LF. See the module docstring for the encodings tried."""
    utf16 = _looks_utf16(raw)
    if utf16:
        try:
            text = raw.decode(utf16)
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                f"{name} looks like UTF-16 text but byte {exc.start} is not valid UTF-16; save it again as "
                "UTF-8 CSV (Excel: File > Save As > CSV UTF-8)") from None
        text = text.lstrip("\ufeff")
    elif b"\x00" in raw[:4096]:
        raise ImportFormatError(f"{name} looks binary (it contains NUL bytes and is not UTF-16 text), not a CSV, "
                                "XLSX or DOCX export; import the export file itself")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Mac Roman puts printable letters where Windows-1252 has C1 controls; prefer the one without controls
            cp = raw.decode("cp1252", errors="replace")
            text = cp if cp.count("\ufffd") == 0 and not re.search(r"[\x80-\x9f]", cp) else raw.decode("mac_roman")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _delimiter(header_line: str) -> str:
    """The separator of the header line (outside quotes): the most frequent of , ; TAB |."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_text(text: str, name: str = "upload") -> tuple[pd.DataFrame, list[int]]:
    """A DataFrame of strings and, per data row, its physical line; one ImportFormatError for a broken file."""
    first = text.split("\n", 1)[0]
    delim = _delimiter(first)
    shown = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}[delim]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    start = 1
    try:
        for record in reader:
            end = reader.line_num
            if header is None:
                if not any(c.strip() for c in record):
                    start = end + 1
                    continue
                header = [c.strip() for c in record]
                width = len(header)
                start = end + 1
                continue
            if not record or not any(c.strip() for c in record):
                start = end + 1
                continue
            if len(record) > width:
                extra = [c for c in record[width:] if c.strip()]
                if extra:
                    raise ImportFormatError(
                        f"{name}, line {start} (row {len(rows) + 1}): {len(record)} fields where the header has {width} "
                        f"({shown}-separated); a cell with a {shown} in it must be in double quotes, or there is one "
                        f"field too many — fix that line and import again")
                record = record[:width]
            if end > start and len(record) < width + 1:
                # a quoted cell that runs over several lines: legitimate for text with line breaks, but a whole
                # record inside a cell means a quote was never closed
                for cell in record:
                    for piece in cell.split("\n")[1:]:
                        if piece.count(delim) >= max(2, width - 2):
                            raise ImportFormatError(
                                f"{name}, line {start} (row {len(rows) + 1}): a quoted cell opened on this line is not "
                                f"closed before line {end}, so the lines in between were read as one cell; add the "
                                "missing closing double quote (\") on that line, or double any quote inside the text "
                                "(\"\"), and import again")
            if len(record) < width:
                record = record + [""] * (width - len(record))
            rows.append(record)
            lines.append(start)
            if len(rows) > MAX_ROWS:
                raise ImportFormatError(f"{name} has more than {MAX_ROWS} rows; at most {MAX_ROWS} are imported at once: split the file")
            start = end + 1
    except csv.Error as exc:
        msg = str(exc)
        if "unexpected end of data" in msg or "EOF" in msg:
            raise ImportFormatError(
                f"{name}, line {start} (row {len(rows) + 1}): a quoted cell opened on this line is never closed (the "
                "file ends inside it); add the missing closing double quote (\") on that line and import again") from None
        if reader.line_num > start:
            raise ImportFormatError(
                f"{name}, line {start} (row {len(rows) + 1}): a quoted cell opened on this line is not closed (the "
                f"reader ran on to line {reader.line_num}); add the missing closing double quote (\") on line {start}, "
                "or double any quote inside the text (\"\"), and import again") from None
        raise ImportFormatError(
            f"{name}, line {reader.line_num} (row {len(rows) + 1}): a double quote (\") in the middle of a cell — "
            f"{msg}; put the whole cell in double quotes and double the quotes inside it (\"\"), then import again") from None
    if header is None:
        raise ImportFormatError(f"{name} is empty")
    if not rows:
        raise ImportFormatError(f"{name} has a header but no data rows")
    seen = set()
    for i, col in enumerate(header):
        if not col:
            header[i] = f"(column {i + 1})"
        if header[i] in seen:
            header[i] = f"{header[i]} ({i + 1})"
        seen.add(header[i])
    df = pd.DataFrame(rows, columns=header, dtype=object)
    return df, lines


# --- XLSX -------------------------------------------------------------------------------------------


def read_xlsx(raw: bytes, name: str = "upload") -> pd.DataFrame:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        detail = str(exc) or type(exc).__name__
        if isinstance(exc, KeyError):
            detail = f"a part every workbook has is missing: {str(exc.args[0]).strip(chr(34))}"
        raise ImportFormatError(f"{name} cannot be opened as an Excel workbook ({detail}); open it in Excel and save "
                                "it again as .xlsx, or export the sheet as CSV UTF-8") from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise ImportFormatError(f"{name} has no worksheet")
        it = ws.iter_rows(values_only=True)
        header = None
        for values in it:
            if values and any(v is not None and str(v).strip() for v in values):
                header = [("" if v is None else str(v).strip()) for v in values]
                break
        if header is None:
            raise ImportFormatError(f"{name}: the first worksheet ({ws.title!r}) is empty")
        while header and not header[-1]:
            header.pop()
        width = len(header)
        rows = []
        for values in it:
            cells = ["" if v is None else v for v in values[:width]]
            if not any(str(c).strip() for c in cells):
                continue
            cells += [""] * (width - len(cells))
            rows.append(cells)
            if len(rows) > MAX_ROWS:
                raise ImportFormatError(f"{name} has more than {MAX_ROWS} rows; at most {MAX_ROWS} are imported at once: split the file")
    finally:
        wb.close()
    if not rows:
        raise ImportFormatError(f"{name}: the first worksheet has a header but no data rows")
    for i, col in enumerate(header):
        if not col:
            header[i] = f"(column {i + 1})"
    return pd.DataFrame(rows, columns=header, dtype=object)


def read_table(raw: bytes, name: str = "upload") -> pd.DataFrame:
    """A DataFrame (cells as str, numbers as read from XLSX) from CSV or XLSX bytes; ImportFormatError otherwise."""
    return read_table_lines(raw, name)[0]


def read_table_lines(raw: bytes, name: str = "upload") -> tuple[pd.DataFrame, list[int] | None]:
    if not raw or not raw.strip():
        raise ImportFormatError(f"{name} is empty")
    kind = container(raw, name)
    if kind == "xlsx":
        return read_xlsx(raw, name), None
    if kind == "docx":
        raise ImportFormatError(f"{name} is a Word document, not a table export; import it as an OHCHR matrix (--format docx or auto)")
    text = decode_text(raw, name)
    if not text.strip():
        raise ImportFormatError(f"{name} is empty")
    return read_csv_text(text, name)
