"""Take a full-page screenshot of every page of a running dashboard (for looking at it, not a test).

    python scripts/screenshots.py http://localhost:8501 OUT_DIR [query]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = ["", "recommendations", "progress", "demands", "icc_referral", "pledges", "methodology"]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(base: str, out: str, query: str = "") -> None:
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = b.new_page(viewport={"width": 1400, "height": int(__import__("os").environ.get("SHOT_HEIGHT", "4200"))})
        for name in PAGES:
            page.goto(f"{base}/{name}{('?' + query) if query else ''}")
            page.wait_for_timeout(1500)
            page.wait_for_selector('[data-testid="stStatusWidget"]', state="hidden", timeout=60000)
            page.wait_for_timeout(2500)
            page.screenshot(path=f"{out}/{name or 'overview'}.png", full_page=True)
            print("saved", name or "overview")
        b.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
