"""How fast an import is planned: rows per second at 1,000, 10,000 and 100,000 rows about the state under review.

    .venv/bin/python bench/import_speed.py                 # 1k, 10k, 100k rows (about half a minute in all)
    .venv/bin/python bench/import_speed.py --rows 1000 5000

Each size is a synthetic UPR Info export (CSV, one row per recommending state; invented "Synthetic test ask …"
texts, real state names, sessions 22 and 36, issues from data/theme_map_uprinfo.csv), every row about the
dataset's state under review, so every row goes through parsing *and* merging. What is timed is
`compliance.importer.plan_import` on the shipped data (loaded once, not timed): read the bytes, parse, check, merge
— a dry run; nothing is written. The files are made in memory and never written to data/. The real OHCHR matrix
(tests/fixtures/, a copy of the shared sample) is timed too. The last line is JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from compliance.data import load_dataset  # noqa: E402
from compliance.importer import UPRINFO_COLUMNS, plan_import  # noqa: E402

STATES = ["Norway", "Lithuania", "Czechia", "France", "Brazil", "Japan", "Canada", "Chile", "Kenya", "Mexico",
          "Palestine", "Holy See", "Republic of Korea", "United Kingdom of Great Britain and Northern Ireland",
          "Iran (Islamic Republic of)", "Poland", "Germany", "Spain", "Italy", "Switzerland"]
SAMPLE = ROOT / "tests" / "fixtures" / "upr48_slovenia_thematic_list_of_recommendations.docx"


def synthetic_uprinfo(rows: int, state_name: str = "Belarus", seed: int = 0, issues: list[str] | None = None) -> bytes:
    """A UPR Info export of exactly `rows` rows about one state under review (1.5 rows a recommendation, each row
    another recommending state)."""
    issues = issues or ["Death penalty", "Justice", "Detention"]
    i = np.arange(rows)
    rec = i * 2 // 3 + seed * rows  # rows 3k, 3k+1, 3k+2 -> recommendations 2k, 2k, 2k+1
    df = pd.DataFrame({
        "To": state_name, "To-Rgrp": "EEG", "To-Org": "",
        "Text": [f"Synthetic test ask number {r} for the benchmark" for r in rec],
        "From": [STATES[k % len(STATES)] for k in i],
        "From-Rgrp": "", "From-Org": "",
        "Response": np.where(rec % 3 == 0, "Noted", "Accepted"),
        "Action": (rec % 5 + 1).astype(str),
        "Issue": [issues[r % len(issues)] for r in rec],
        "Session": np.where(rec % 2 == 0, "22", "36"),
    }, columns=UPRINFO_COLUMNS)
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def time_plan(ds, raw: bytes, name: str, **kw) -> tuple[float, object]:
    t0 = time.perf_counter()
    plan = plan_import(ds, raw, name=name, **kw)
    return time.perf_counter() - t0, plan


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--data", help="data folder (default: the shipped data/)")
    args = ap.parse_args(argv)
    ds = load_dataset(args.data)
    issues = list(ds.theme_map_uprinfo["uprinfo_issue"])[:12]
    state_name = {"BLR": "Belarus"}.get(ds.state_under_review, ds.state_under_review)
    results = {"sizes": []}
    print(f"{'rows':>8} {'read':>8} {'seconds':>8} {'rows/s':>10}  recommendations / errors")
    for n in args.rows:
        raw = synthetic_uprinfo(n, state_name, issues=issues)
        secs, plan = time_plan(ds, raw, f"synthetic_{n}.csv")
        r = plan.report
        entry = {"rows": n, "rows_read": r.rows_read, "seconds": round(secs, 3), "rows_per_second": round(r.rows_read / secs),
                 "recommendations": r.recommendations, "errors": len(r.errors)}
        results["sizes"].append(entry)
        print(f"{n:>8} {r.rows_read:>8} {secs:>8.2f} {entry['rows_per_second']:>10,}  {r.recommendations} / {len(r.errors)}")
    if SAMPLE.exists():
        secs, plan = time_plan(ds, SAMPLE.read_bytes(), SAMPLE.name, state="SVN")
        r = plan.report
        results["matrix_sample"] = {"file": SAMPLE.name, "seconds": round(secs, 3), "recommendations": r.recommendations,
                                    "responses": r.responses, "errors": len(r.errors)}
        print(f"OHCHR matrix {SAMPLE.name}: {r.recommendations} recommendations in {secs:.2f} s")
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
