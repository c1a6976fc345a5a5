"""Export bytes: each format valid, the image carries title/filters/source, spreadsheet neutralisation, file names,
concurrent exports, and the no-browser path."""

from __future__ import annotations

import csv
import io
import re
import threading
import zipfile

import pandas as pd
import pytest

from compliance import charts, export

needs_browser = pytest.mark.skipif(not export.images_available(), reason="no Chromium: image export unavailable")


def bar(n: int, filters: str = "cycle 3") -> "charts.go.Figure":
    table = pd.DataFrame({"cycle": [1, 3], "implemented": [n, 1], "partial": [2, 0], "unfulfilled": [3, 4],
                          "not_assessed": [4, 5], "total": [n + 9, 10]})
    ctx = charts.ChartContext(filters=filters, as_of="2026-11-24", sources=["S06", "S01"])
    return charts.build_status_bar_chart(table, "cycle", f"Status by cycle {n}", ctx)


def test_figure_carries_title_filters_sources_and_name():
    fig = bar(7)
    title = fig.layout.title.text
    footer = fig.layout.annotations[-1].text
    assert "Status by cycle 7" in title and "Filters: cycle 3" in title and "as of 2026-11-24" in title
    assert "S01, S06" in footer and charts.DASHBOARD_NAME in footer and "2026-11-24" in footer


def test_csv_equals_figure_data():
    fig = bar(7)
    raw = export.figure_csv(fig).decode("utf-8-sig")
    lines = raw.splitlines()
    assert lines[0].startswith("# Belarus: Status by cycle 7") and any("Filters: cycle 3" in line for line in lines[:5])
    body = pd.read_csv(io.StringIO("\n".join(line for line in lines if not line.startswith("#"))))
    assert list(body.columns) == ["status", "cycle", "items"]  # named for what they hold, not series/x/y
    impl = body[body["status"] == "Implemented"]
    assert list(impl["items"]) == [7, 1] and list(impl["cycle"].astype(str)) == ["1", "3"]
    assert len(body) == 8  # 4 statuses x 2 cycles


def test_html_is_self_contained_and_has_the_data():
    html = export.figure_html(bar(7)).decode()
    assert "<title>Belarus: Status by cycle 7</title>" in html
    assert not re.search(r"<script[^>]+src=", html) and len(html) > 1_000_000  # plotly.js inlined, no external script
    assert "Status by cycle 7" in html


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("plain", "plain"), (5, 5),
])
def test_neutralise(value, expected):
    assert export.neutralise(value) == expected


def test_xlsx_cells_are_text_not_formulas():
    import openpyxl
    data = export.table_xlsx({"t": pd.DataFrame({"a": ["=1+1", "ok"], "b": [1, 2]})}, ["note"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["t"]
    assert ws["A2"].value == "'=1+1" and ws["A2"].data_type == "s"
    assert ws["B3"].value == 2
    assert wb["README"]["A2"].value == "note"


def test_comment_lines_stay_one_cell_starting_with_a_hash():
    raw = export.table_csv(pd.DataFrame({"a": [1]}), ["Filters: x,=HYPERLINK(\"http://evil\"),+cmd"]).decode("utf-8-sig")
    first = next(csv.reader(io.StringIO(raw)))
    assert first == ["# Filters: x;=HYPERLINK('http://evil');+cmd"]


def test_table_csv_neutralises():
    text = export.table_csv(pd.DataFrame({"a": ["=cmd|' /C calc'!A0"]})).decode("utf-8-sig")
    assert "'=cmd" in text


@pytest.mark.parametrize("chart,filters,as_of,ext,expected", [
    ("Status by cycle", "cycle 3 (2020); theme: Death penalty", "2026-11-24", "png",
     "status-by-cycle_cycle-3-2020-theme-death-penalty_2026-11-24.png"),
    ("Pledges — in ‘EUR’", "none (all items)", "2026-11-24", "svg", "pledges-in-eur_all_2026-11-24.svg"),
    ("Łódź ünïcödé", "", "2026-11-24", "csv", "odz-unicode_all_2026-11-24.csv"),
])
def test_file_names_are_ascii_and_say_what_they_are(chart, filters, as_of, ext, expected):
    name = export.file_name(chart, filters, as_of, ext)
    assert name == expected and name.isascii()


@needs_browser
@pytest.mark.timeout(120)
def test_png_svg_pdf_magic():
    fig = bar(7)
    png = export.figure_image(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    import struct
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1280 * export.PNG_SCALE, 720 * export.PNG_SCALE)  # a 16:9 slide
    svg = export.figure_image(fig, "svg")
    assert svg.lstrip()[:4] in (b"<svg", b"<?xm") and b"Status by cycle 7" in svg and b"Filters: cycle 3" in svg
    assert b"S01, S06" in svg
    assert export.figure_image(fig, "pdf")[:5] == b"%PDF-"


@needs_browser
@pytest.mark.timeout(180)
def test_concurrent_exports_get_their_own_image():
    figs = [bar(n) for n in range(10, 14)]
    results: dict[int, bytes] = {}

    def work(i):
        results[i] = export.figure_image(figs[i], "svg")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(figs))]
    [t.start() for t in threads]
    [t.join(120) for t in threads]
    for i, n in enumerate(range(10, 14)):
        assert f"Status by cycle {n}".encode() in results[i]
        others = [m for m in range(10, 14) if m != n]
        assert not any(f"Status by cycle {m}<".encode() in results[i] for m in others)


def test_no_browser_degrades_to_html_and_csv(monkeypatch):
    monkeypatch.setenv(export.BROWSER_ENV, "")
    assert not export.images_available()
    with pytest.raises(export.ExportUnavailable):
        export.figure_image(bar(7), "png")
    pack = export.briefing_pack([bar(7)], {"t": pd.DataFrame({"a": [1]})}, filters="cycle 3", as_of="2026-11-24",
                                citations=["S06: coalition report"], page="overview")
    z = zipfile.ZipFile(io.BytesIO(pack))
    names = z.namelist()
    assert not any(n.endswith(".png") for n in names)
    assert any(n.endswith(".csv") for n in names)
    readme = z.read("README.txt").decode()
    assert "No browser was available" in readme and "S06: coalition report" in readme


@needs_browser
@pytest.mark.timeout(180)
def test_briefing_pack_contents():
    pack = export.briefing_pack([bar(7), bar(8)], {"recommendations": pd.DataFrame({"a": ["=x"]})}, filters="cycle 3",
                                as_of="2026-11-24", citations=["S06 full citation", "S01 full citation"], page="overview")
    z = zipfile.ZipFile(io.BytesIO(pack))
    names = z.namelist()
    assert sum(n.endswith(".png") for n in names) == 2 and sum(n.endswith(".svg") for n in names) == 2
    assert "data/recommendations.csv" in names
    readme = z.read("README.txt").decode()
    assert "Filters: cycle 3" in readme and "2026-11-24" in readme and "S01 full citation" in readme
    assert z.read(names[0])[:4] == b"\x89PNG"


# --- briefing packs: empty charts left out, every source by its code ----------------------------------------------

CATALOGUE = pd.DataFrame({
    "source_id": ["S01", "S06", "S09"],
    "producer": ["Right-Docs", "Belarusian Helsinki Committee (coordinator)", "Office of Sviatlana Tsikhanouskaya"],
    "published_date": ["2010", None, "2025-01"],
    "citation": ["Right-Docs, 'Report of the Working Group', 2010", "Belarusian Helsinki Committee, 'Coalition report'",
                 "Office of Sviatlana Tsikhanouskaya, 'Statement', 2025-01"],
    "url": ["https://example.org/s01", "https://example.org/s06", "https://example.org/s09"],
})


def named_bar(n: int) -> "charts.go.Figure":
    table = pd.DataFrame({"cycle": [1], "implemented": [n], "partial": [0], "unfulfilled": [1], "not_assessed": [0], "total": [n + 1]})
    ctx = charts.ChartContext(filters="cycle 1", as_of="2026-11-24", sources=["S06", "S01"], catalogue=CATALOGUE)
    return charts.build_status_bar_chart(table, "cycle", f"Status by cycle {n}", ctx)


def test_figure_names_sources_by_publisher_year_and_code():
    footer = next(a.text for a in named_bar(3).layout.annotations if a.name == "footer")
    assert "Right-Docs 2010 (S01)" in footer and "Belarusian Helsinki Committee n.d. (S06)" in footer


def test_pack_leaves_out_empty_charts_and_says_so():
    empty = charts.build_tally_chart([], "Published tallies of implementation", charts.ChartContext(filters="cycle 2"))
    pack = export.briefing_pack([named_bar(3), empty], {}, filters="cycle 2", as_of="2026-11-24", page="overview", images=False)
    z = zipfile.ZipFile(io.BytesIO(pack))
    assert not any("published-tallies" in n for n in z.namelist())
    assert sum(n.startswith("data/") for n in z.namelist()) == 1
    readme = z.read("README.txt").decode()
    assert "Left out because they draw nothing for these filters:" in readme
    assert "Belarus: Published tallies of implementation: No published tally for this selection" in readme


def test_pack_readme_lists_every_code_with_citation_and_address():
    tables_sources = CATALOGUE[CATALOGUE["source_id"] == "S09"][["source_id", "citation", "url"]]
    pack = export.briefing_pack([named_bar(3)], {"t": pd.DataFrame({"a": [1]})}, filters="cycle 1", as_of="2026-11-24",
                                page="overview", images=False, sources=tables_sources,
                                citations=list(CATALOGUE["citation"]) + ["A citation with no code"])
    readme = z_readme = zipfile.ZipFile(io.BytesIO(pack)).read("README.txt").decode()
    for code, citation, url in CATALOGUE[["source_id", "citation", "url"]].itertuples(index=False):
        assert f"  {code}: {citation}\n      {url}\n" in readme, code  # the chart's S01, S06 and the table's S09
    assert "Sources (3), by the code shown on the charts" in readme
    assert "Other sources cited by this page:\n  A citation with no code" in z_readme
    csv_text = zipfile.ZipFile(io.BytesIO(pack)).read(next(n for n in zipfile.ZipFile(io.BytesIO(pack)).namelist()
                                                             if n.startswith("data/belarus"))).decode("utf-8-sig")
    assert "S01 = Right-Docs 2010" in csv_text  # the chart's CSV names its codes too


def test_the_pack_readme_carries_the_method_written_once():
    from compliance import methodology

    z = zipfile.ZipFile(io.BytesIO(export.briefing_pack([], {}, filters="none", as_of="2026-01-01", citations=[],
                                                        page="test", images=False)))
    readme = z.read("README.txt").decode()
    for line in methodology.plain_text(width=100):
        assert line in readme
    assert "never counted as unfulfilled" in readme and "Nothing appears before its own date" in readme
