"""End to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; never `playwright install`):
a fresh server, a deep link first, the sidebar filters and the URL, and the download path."""

from __future__ import annotations

import io
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

if not os.access(CHROMIUM, os.X_OK):
    if os.environ.get("CI"):
        raise RuntimeError("CI must have Debian's chromium at /usr/bin/chromium (make test installs it)")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(**env_extra):
    """A freshly started dashboard server (its first request is whatever the first test opens)."""
    port = free_port()
    env = {**os.environ, **env_extra}
    env.pop("COMPLIANCE_DATA_DIR", None)
    if "COMPLIANCE_STORE" not in env_extra:
        env.pop("COMPLIANCE_STORE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not start: " + (proc.stdout.read() if proc.stdout else ""))
    return url, proc


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server():
    """A freshly started server: its very first request is the deep link in the first test."""
    url, proc = start_server()
    yield url
    stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Page:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    yield pg
    ctx.close()


def wait_idle(page: Page, timeout: float = 60_000) -> None:
    """Wait until the app has finished running (the status widget is gone)."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="hidden", timeout=timeout)
    page.wait_for_timeout(300)


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option in a Streamlit selectbox (an ARIA combobox) by typing it."""
    box = page.locator('[data-testid="stSelectbox"]', has_text=label).first
    box.get_by_role("combobox").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    wait_idle(page)


def test_deep_link_first_on_fresh_server(server, page):
    page.goto(f"{server}/icc_referral")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Lithuania's referral of the situation in Belarus to the ICC")).to_be_visible(timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("UPR cycle")).to_be_visible()
    expect(sidebar.get_by_text("Theme", exact=True)).to_be_visible()
    # the navigation of the router is there too, not the legacy page list alone
    expect(sidebar.get_by_text("Sources & methodology")).to_be_visible()
    if (ROOT / "tests" / "screenshots").is_dir():
        page.screenshot(path=str(ROOT / "tests" / "screenshots" / "icc_deep_link.png"), full_page=False)
    choose(page, "UPR cycle", "3")
    page.wait_for_function("() => window.location.search.includes('cycle=3')", timeout=30_000)
    assert "/icc_referral" in page.url


def test_link_reopens_the_filtered_view(server, page):
    page.goto(f"{server}/recommendations?cycle=1&theme=death-penalty")
    wait_idle(page)
    expect(page.get_by_text("6 recommendations", exact=True).first).to_be_visible(timeout=60_000)
    page.goto(f"{server}/recommendations?cycle=9")
    wait_idle(page)
    expect(page.get_by_text("is not a known cycle")).to_be_visible()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_download_is_the_chart_for_the_chosen_filter(server, page, tmp_path):
    page.goto(f"{server}/")
    wait_idle(page)
    choose(page, "UPR cycle", "1")
    page.wait_for_function("() => window.location.search.includes('cycle=1')", timeout=30_000)
    button = page.locator('[data-testid="stDownloadButton"]', has_text="PNG").first
    with page.expect_download(timeout=120_000) as dl:
        button.click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    data = path.read_bytes()
    assert png_size(data) == (2560, 1440)  # a 16:9 slide at 2x
    assert "cycle-1" in dl.value.suggested_filename and dl.value.suggested_filename.isascii()
    svg_button = page.locator('[data-testid="stDownloadButton"]', has_text="SVG").first
    with page.expect_download(timeout=120_000) as dl2:
        svg_button.click()
    svg = Path(dl2.value.path()).read_text()
    assert "Filters: cycle 1 (2010)" in svg and "Cycle 1" in svg and "Cycle 3" not in svg

    choose(page, "UPR cycle", "3")
    page.wait_for_function("() => window.location.search.includes('cycle=3')", timeout=30_000)
    with page.expect_download(timeout=120_000) as dl3:
        page.locator('[data-testid="stDownloadButton"]', has_text="PNG").first.click()
    data3 = Path(dl3.value.path()).read_bytes()
    assert png_size(data3) == (2560, 1440) and data3 != data
    assert "cycle-3" in dl3.value.suggested_filename


def test_pledges_chart_png_fits_a_slide(server, page, tmp_path):
    """The donors chart (once a 2200 x 3296 strip, one bar per pledge) downloads as a 16:9 image."""
    page.goto(f"{server}/pledges")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Donors compared, in euro")).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=120_000) as dl:
        page.locator('[data-testid="stDownloadButton"]', has_text="PNG").first.click()
    assert dl.value.suggested_filename.startswith("pledges-to-belarusian-civil-society")
    width, height = png_size(Path(dl.value.path()).read_bytes())
    assert width * 9 == height * 16 and height <= 2000, (width, height)


def test_briefing_pack_download(server, page):
    page.goto(f"{server}/progress?theme=death-penalty")
    wait_idle(page)
    with page.expect_download(timeout=180_000) as dl:
        page.locator('[data-testid="stDownloadButton"]', has_text="Briefing pack").first.click()
    z = zipfile.ZipFile(io.BytesIO(Path(dl.value.path()).read_bytes()))
    names = z.namelist()
    charts_drawn = sum(n.endswith(".png") for n in names)
    assert charts_drawn >= 4 and sum(n.endswith(".svg") for n in names) == charts_drawn
    readme = z.read("README.txt").decode()
    assert "theme: Death penalty" in readme
    assert "United Nations" in readme or "A/HRC/15/16" in readme


def test_the_state_page_brief_downloads_as_a_pdf(server, page):
    from pypdf import PdfReader

    page.goto(f"{server}/state?state=NOR")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Norway and Belarus")).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=180_000) as dl:
        page.locator('[data-testid="stDownloadButton"]', has_text="Brief (PDF)").first.click()
    assert dl.value.suggested_filename.endswith(".pdf") and "nor" in dl.value.suggested_filename
    reader = PdfReader(dl.value.path())
    text = " ".join(p.extract_text() for p in reader.pages)
    assert 1 <= len(reader.pages) <= 2 and "Norway" in text and "state=NOR" in text


@pytest.fixture(scope="module")
def planted_server(tmp_path_factory):
    """A server on a copy of the data where an imported summary holds a spreadsheet formula."""
    import shutil

    data = tmp_path_factory.mktemp("planted") / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns(".*", "audit.log"))
    rec = data / "recommendations.csv"
    rec.write_text(rec.read_text().replace("Consider acceding to the disability rights convention (CRPD).",
                                           '"=HYPERLINK(""http://evil.example"",""CRPD"")"', 1))
    url, proc = start_server(COMPLIANCE_STORE=str(data))
    yield url
    stop_server(proc)


def test_a_tables_own_csv_download_holds_no_live_formula(planted_server, page):
    """Streamlit's "Download as CSV" on a table exports cells as they are: what a user can reach that way must be
    neutralised too (our CSV and XLSX buttons are, and so is this)."""
    import csv

    # Chromium would open a "save as" dialog (the File System Access API); without it, the table saves as a download
    page.add_init_script("delete window.showSaveFilePicker")
    page.goto(f"{planted_server}/recommendations?rec_text=CRPD")
    wait_idle(page)
    page.locator('[data-testid="stDataFrame"]').first.hover()
    with page.expect_download(timeout=60_000) as dl:
        page.locator('[data-testid="stElementToolbar"] button[aria-label="Download as CSV"]').first.click()
    rows = list(csv.reader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8-sig"))))
    cells = [c for r in rows[1:] for c in r]
    assert any("HYPERLINK" in c for c in cells)
    assert not any(c.startswith(("=", "+", "@")) for c in cells), [c for c in cells if "HYPERLINK" in c]
    # and our own CSV button
    with page.expect_download(timeout=60_000) as dl2:
        page.locator('[data-testid="stDownloadButton"]', has_text="Table (CSV)").first.click()
    ours = Path(dl2.value.path()).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in ours and "\n=HYPERLINK" not in ours and ",=HYPERLINK" not in ours
