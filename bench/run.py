"""Benchmark at the scale of the whole UPR: load, validate, score, aggregate and render a page on a synthetic corpus.

    python bench/run.py [--scale N] [--seed S] [--keep DIR] [--as-of YYYY-MM-DD] [--store postgresql://...]

With --store, the corpus is also copied into that store (its tables are replaced: use a database of its own) and
loaded back from it, to compare its load time with the CSV folder's, and its version check is timed.

Generates the corpus (bench/synth.py) into a temporary folder (or DIR with --keep, which is then kept), times every
step with time.perf_counter, prints a table with each time as a multiple of the physical floor (one pandas groupby
over the observations), and prints LAST one JSON line with every number (see bench/README.md).

To keep the numbers honest, three parts run in their own fresh Python process:
- generating the corpus (so the generator's memory does not count as the loader's),
- one page through streamlit's AppTest with the corpus cached (its own peak memory),
- the same for the real Belarus dataset in data/ (its cold load and page rerun).
Peak memory is each process's peak resident set size in MiB: VmHWM from /proc/self/status on Linux (the kernel's
high-water mark, reset by exec), else resource.getrusage(RUSAGE_SELF).ru_maxrss. ru_maxrss alone is misleading for
the child processes on Linux: it keeps the parent's resident size at fork time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MEMORY_METHOD = ("VmHWM: peak resident set size of each process, from /proc/self/status, in MiB"
                 if Path("/proc/self/status").exists() else
                 "ru_maxrss: resource.getrusage(RUSAGE_SELF).ru_maxrss of each process (KiB on Linux), in MiB")
PAGE = "pages/recommendations.py"
DEFAULT_AS_OF = "2025-12-31"
RESCORE_DATES = ["2011-06-30", "2012-12-31", "2014-06-30", "2015-12-31", "2017-06-30",
                 "2018-12-31", "2020-06-30", "2021-12-31", "2023-06-30", "2025-06-30"]
MIB = 1024.0

#: (name, JSON path, limit, unit, what) -- the targets of issue 6.
TARGETS = (
    ("score every item < 1 s", ("timings_s", "score_items"), 1.0, "s"),
    ("score every item within 20x the groupby baseline", ("x_baseline", "score_items"), 20.0, "x"),
    ("load + validate < 10 s", ("timings_s", "load_validate"), 10.0, "s"),
    ("page rerun with cached data < 0.3 s", ("timings_s", "page_rerun"), 0.3, "s"),
    ("peak memory, bench process < 1.5 GiB", ("peak_mem_mib", "bench_process"), 1536.0, "MiB"),
    ("peak memory, app process < 1.5 GiB", ("peak_mem_mib", "app_process"), 1536.0, "MiB"),
    ("Belarus: load + validate < 1 s", ("belarus", "load_validate_s"), 1.0, "s"),
    ("Belarus: page rerun < 0.1 s", ("belarus", "page_rerun_s"), 0.1, "s"),
    # with --store (issue 13): loading from the other store within 2x the CSV folder's load, cheap version checks
    # issue 10: the over-time series at about 200 dates, and one as-of re-score
    ("status counts at ~200 dates < 2 s", ("timings_s", "status_over_time"), 2.0, "s"),
    ("status counts at ~200 dates within 10x the groupby baseline", ("x_baseline", "status_over_time"), 10.0, "x"),
    ("one as-of re-score < 0.5 s", ("timings_s", "rescore_per_date_mean"), 0.5, "s"),
    ("store load within 2x the CSV load", ("store", "x_csv_load"), 2.0, "x"),
    ("store version check < 5 ms", ("store", "version_check_s"), 0.005, "s"),
)


def peak_rss_mib() -> float:
    """Peak resident set size of this process in MiB: VmHWM (reset by exec, so a child process's own peak), else
    ru_maxrss (KiB on Linux; on Linux it would include the parent's RSS at fork time)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / MIB  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MIB


def _last_json(stdout: str) -> dict:
    lines = [ln for ln in stdout.strip().splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"no JSON line in the child's output:\n{stdout[-2000:]}")
    return json.loads(lines[-1])


def _child(args: list[str], env: dict | None = None, timeout: float = 3600) -> dict:
    """Run this file in a fresh Python process with `args`; return its last JSON line."""
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"child {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return _last_json(proc.stdout)


# --- child: generate --------------------------------------------------------------------------------------


def child_generate(root: str, scale: float, seed: int) -> dict:
    from bench.synth import write_corpus

    t0 = time.perf_counter()
    counts = write_corpus(Path(root), scale=scale, seed=seed)
    return {"generate_s": time.perf_counter() - t0, "counts": counts, "peak_mem_mib": peak_rss_mib()}


# --- child: one page through AppTest ------------------------------------------------------------------------


def child_page(data_dir: str, load_first: bool) -> dict:
    """Cold load (optional), then the app: warm the cache with the default page, switch to the recommendations
    page, run it, and time the next runs (data and scores cached)."""
    os.environ["COMPLIANCE_DATA_DIR"] = data_dir
    out: dict = {}
    if load_first:
        from compliance.data import load_dataset

        t0 = time.perf_counter()
        ds = load_dataset(data_dir)
        out["load_validate_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_dataset(data_dir)
        out["load_validate_warm_s"] = time.perf_counter() - t0
        out["items"] = len(ds.items)
        del ds

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=1800)
    t0 = time.perf_counter()
    at.run()
    out["app_warm_run_s"] = time.perf_counter() - t0
    problems = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
    at.switch_page(str(ROOT / PAGE))
    t0 = time.perf_counter()
    at.run()
    out["page_first_run_s"] = time.perf_counter() - t0
    reruns = []
    for _ in range(3):
        t0 = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - t0)
    out["page_rerun_s"] = reruns[0]  # the second run of the page: what a user waits for after a click
    out["page_reruns_s"] = reruns
    problems += [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
    shown = None
    for md in at.markdown:
        match = re.match(r"\*\*(\d+) recommendations\*\*", md.value)
        if match:
            shown = int(match.group(1))
    out["recommendations_shown"] = shown
    out["problems"] = problems
    out["peak_mem_mib"] = peak_rss_mib()
    return out


# --- the domain steps (main process) ------------------------------------------------------------------------


def _timed(fn):
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def _best(fn, n: int = 3) -> float:
    return min(_timed(fn)[0] for _ in range(n))


def page_metrics(ds, scored, as_of) -> dict[str, float]:
    """The domain calls each page makes (pages/*.py), without streamlit; one timing per call."""
    import pandas as pd

    from compliance import metrics
    from compliance.models import RESPONSE_LABELS, STATUS_LABELS
    from compliance.scoring import status_sources

    t: dict[str, float] = {}
    recs_holder = {}

    def step(name, fn):
        t[name], value = _timed(fn)
        return value

    some_state = ds.recommendation_states["state_iso3"].iloc[0]
    some_theme = ds.themes["theme_slug"].iloc[0]

    # overview
    recs = step("overview.filter_items(kind=recommendation)", lambda: metrics.filter_items(scored, kind="recommendation"))
    recs_holder["recs"] = recs
    step("overview.coverage_by_cycle", lambda: metrics.coverage_by_cycle(ds, recs))
    step("overview.summarize(cycle)", lambda: metrics.summarize(recs, "cycle"))
    step("overview.status_counts+rates", lambda: metrics.rates(metrics.status_counts(recs)))
    step("overview.published_tallies", lambda: [metrics.published_tallies(ds, c, scope="all") for c in range(1, 5)]
         + [metrics.published_tallies(ds)])
    step("overview.icc_positions+court_steps", lambda: (metrics.icc_positions(ds, as_of), metrics.court_steps(ds, as_of)))
    step("overview.pledge_totals", lambda: metrics.pledge_totals(ds.pledges))
    step("overview.last_updated", lambda: ds.last_updated)

    # recommendations
    step("recommendations.filter_items(theme,state)",
         lambda: metrics.filter_items(scored, kind="recommendation", theme=some_theme, state=some_state))
    step("recommendations.filter_items(text)", lambda: metrics.filter_items(scored, kind="recommendation", text="moratorium"))

    def rec_table():
        rows = recs
        return pd.DataFrame({
            "id": rows["item_id"], "cycle": rows["cycle"], "paragraph": rows["paragraph"].fillna("not known"),
            "summary": rows["summary"], "recommending states": rows["states_text"],
            "response": rows["response"].map(RESPONSE_LABELS), "status": rows["status"].map(STATUS_LABELS),
            "basis": rows["basis"], "themes": rows["themes_text"],
        })

    step("recommendations.table frame", rec_table)
    step("overview/progress.status_sources(filtered items)", lambda: status_sources(ds, as_of, recs["item_id"]))

    # progress
    step("progress.summarize(response)", lambda: metrics.summarize(recs, "response"))
    step("progress.summarize(theme)", lambda: metrics.summarize(recs, "theme"))
    step("progress.summarize(state)", lambda: metrics.summarize(recs, "state"))
    step("progress.theme x cycle table", lambda: metrics.theme_cycle_table(recs))
    step("progress.recurring table", lambda: metrics.recurrence_table(scored, ds.recurrences, metrics.cycle_years(ds)))

    # demands
    dem = step("demands.filter_items(kind=demand)", lambda: metrics.filter_items(scored, kind="demand"))
    step("demands.summarize(addressee)", lambda: metrics.summarize(dem, "addressee"))
    step("demands.summarize(issuer)", lambda: metrics.summarize(dem, "issuer"))
    # methodology (coverage over all scored items, as the page does)
    step("methodology.coverage_by_cycle", lambda: metrics.coverage_by_cycle(ds, scored))
    return t


def run_domain(root: Path, as_of: str) -> dict:
    from compliance import metrics
    from compliance.data import load_dataset
    from compliance.scoring import score_items, scored_items

    out: dict = {"timings_s": {}}
    t = out["timings_s"]
    t["load_validate"], ds = _timed(lambda: load_dataset(root))
    out["warnings"] = list(ds.warnings)
    obs = ds.observations
    # the physical floor: one groupby over the observations (best of 3)
    # the floor: one groupby over the observations on the parsed date column (a datetime, as scoring uses)
    t["baseline_groupby"] = _best(lambda: obs.groupby("criterion_id")["observed_date_end"].max())
    t["score_items"], scores = _timed(lambda: score_items(ds, as_of))
    t["scored_items"], scored = _timed(lambda: scored_items(ds, as_of))
    out["status_counts"] = metrics.status_counts(scores)
    out["loaded"] = {
        "items": len(ds.items),
        "recommendations": len(ds.recommendations),
        "demands": len(ds.demands),
        "observations": len(obs),
        "item_criteria": len(ds.item_criteria),
        "criteria": len(ds.criteria),
        "scored": len(scores),
        "rows": ds.row_count,
    }
    m = page_metrics(ds, scored, as_of)
    t["metrics"] = m
    t["metrics_total"] = sum(m.values())
    per_date = []
    for d in RESCORE_DATES:
        per_date.append(_timed(lambda: score_items(ds, d))[0])
    t["rescore_10_dates"] = sum(per_date)
    t["rescore_per_date_mean"] = sum(per_date) / len(per_date)
    # issue 10: status counts at every month end from 2010 to 2026 (about 200 dates), from the status changes
    # computed once (metrics.status_over_time), not by re-scoring at each date
    months = metrics.period_dates("2010-01-01", "2026-12-31", "month")
    t["status_over_time"], series = _timed(lambda: metrics.status_over_time(ds, months))
    out["status_over_time_dates"] = len(months)
    out["status_over_time_last"] = {k: int(v) for k, v in series.iloc[-1].drop("date").items()}
    out["peak_mem_mib"] = peak_rss_mib()
    return out


def run_store(root: Path, url: str, csv_load_s: float) -> dict:
    """Copy the corpus into another store, load it back (validated), and time its version token."""
    from compliance.store import CsvFolderStore, open_store

    store = open_store(url)
    copy_s, _ = _timed(lambda: store.replace_all(CsvFolderStore(root).read_contents(), editor="bench", summary="bench corpus"))
    load_s, ds = _timed(store.load)
    n = 200
    t0 = time.perf_counter()
    for _ in range(n):
        store.version()
    version_s = (time.perf_counter() - t0) / n
    return {"store": store.describe(), "copy_s": copy_s, "load_validate_s": load_s, "rows": ds.row_count,
            "x_csv_load": load_s / csv_load_s, "version_check_s": version_s}


# --- report ---------------------------------------------------------------------------------------------------


def _get(d: dict, path: tuple):
    for k in path:
        if not isinstance(d, dict) or d.get(k) is None:
            return None
        d = d[k]
    return d


def evaluate_targets(result: dict) -> list[dict]:
    rows = []
    for name, path, limit, unit in TARGETS:
        value = _get(result, path)
        rows.append({"target": name, "value": value, "limit": limit, "unit": unit,
                     "ok": None if value is None else bool(value < limit if unit != "x" else value <= limit)})
    return rows


def print_table(result: dict) -> None:
    t = result["timings_s"]
    base = t["baseline_groupby"]
    c = result["counts"]
    print(f"UPR benchmark - synthetic corpus, scale {result['scale']} (seed {result['seed']}): "
          f"{c['states_under_review']} states under review x 4 cycles, {c['recommendations']:,} recommendations, "
          f"{c['demands']:,} demands, {c['observations']:,} observations, {c['bytes'] / 2**20:.0f} MiB of CSV")
    print(f"as of {result['as_of']}; times in seconds (time.perf_counter); x = multiple of the baseline groupby "
          f"({base * 1000:.1f} ms)")
    print()
    width = 57
    print(f"{'step':<{width}} {'seconds':>9} {'x baseline':>11}")
    print("-" * (width + 22))

    def line(name, secs):
        print(f"{name:<{width}} {secs:>9.3f} {secs / base:>11.1f}")

    line("generate corpus (not a target)", t["generate"])
    line("baseline: obs.groupby(criterion_id).observed_date_end.max", base)
    line("load + validate (load_dataset)", t["load_validate"])
    line("score every item (score_items)", t["score_items"])
    line("scored_items (items joined with scores, as pages)", t["scored_items"])
    for name, secs in t["metrics"].items():
        line(f"  metrics: {name}", secs)
    line("metrics behind every page, total", t["metrics_total"])
    line("re-score at 10 as-of dates, total", t["rescore_10_dates"])
    line("re-score, per date (mean)", t["rescore_per_date_mean"])
    line(f"status counts at {result.get('status_over_time_dates', 0)} month ends", t["status_over_time"])
    line("app: first run (load + score into the cache)", t["app_warm_run"])
    line(f"app: {PAGE}, first run", t["page_first_run"])
    line(f"app: {PAGE}, second run (cached data)", t["page_rerun"])
    print()
    pm = result["peak_mem_mib"]
    print(f"peak memory ({MEMORY_METHOD}):")
    print(f"  bench process (load, score, metrics, re-score): {pm['bench_process']:.0f} MiB")
    print(f"  app process (AppTest, corpus cached):            {pm['app_process']:.0f} MiB")
    print(f"  generator process:                               {pm['generator_process']:.0f} MiB")
    sc = result["status_counts"]
    print(f"status counts at {result['as_of']}: " + ", ".join(f"{k} {v:,}" for k, v in sc.items())
          + f" (sum {sum(sc.values()):,} = {result['loaded']['items']:,} items)")
    b = result["belarus"]
    print()
    if b.get("error"):
        print(f"Belarus dataset (data/): could not be measured: {b['error']}")
    else:
        print(f"Belarus dataset (data/, {b['items']} items): load + validate {b['load_validate_s']:.3f} s cold "
              f"({b['load_validate_warm_s']:.3f} s warm); app first run {b['app_warm_run_s']:.3f} s; "
              f"{PAGE} first run {b['page_first_run_s']:.3f} s, second run {b['page_rerun_s']:.3f} s; "
              f"peak memory {b['peak_mem_mib']:.0f} MiB")
    for key in ("app_problems",):
        if result.get(key):
            print(f"app problems: {result[key]}")
    print()
    print("targets:")
    for row in result["targets"]:
        v = row["value"]
        shown = "n/a" if v is None else (f"{v:.3f} {row['unit']}" if row["unit"] != "MiB" else f"{v:.0f} MiB")
        verdict = "n/a" if row["ok"] is None else ("ok" if row["ok"] else "MISSED")
        print(f"  {row['target']:<52} {shown:>14}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = 193 states x 4 cycles, about 100,000 recommendations")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (default: a temporary folder, removed)")
    ap.add_argument("--as-of", default=DEFAULT_AS_OF, help="date at which every item is scored")
    ap.add_argument("--store", metavar="URL", help="also copy the corpus into this store (e.g. a postgresql:// database "
                    "of its own: its tables are replaced) and time loading it back and its version check")
    ap.add_argument("--child-generate", nargs=3, metavar=("DIR", "SCALE", "SEED"), help=argparse.SUPPRESS)
    ap.add_argument("--child-page", metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("--load-first", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child_generate:
        d, scale, seed = args.child_generate
        print(json.dumps(child_generate(d, float(scale), int(seed))))
        return 0
    if args.child_page:
        print(json.dumps(child_page(args.child_page, args.load_first)))
        return 0
    if args.scale <= 0:
        ap.error("--scale must be positive")

    if args.keep:
        root = Path(args.keep).resolve()
        cleanup = False
    else:
        root = Path(tempfile.mkdtemp(prefix="upr-bench-"))
        cleanup = True
    try:
        gen = _child(["--child-generate", str(root), str(args.scale), str(args.seed)])
        result: dict = {"scale": args.scale, "seed": args.seed, "as_of": args.as_of, "corpus": str(root) if not cleanup else None,
                        "memory_method": MEMORY_METHOD, "counts": gen["counts"]}
        dom = run_domain(root, args.as_of)
        t = {"generate": gen["generate_s"], **dom["timings_s"]}
        app = _child(["--child-page", str(root)], env={"COMPLIANCE_DATA_DIR": str(root)})
        t["app_warm_run"] = app["app_warm_run_s"]
        t["page_first_run"] = app["page_first_run_s"]
        t["page_rerun"] = app["page_rerun_s"]
        t["page_reruns"] = app["page_reruns_s"]
        result.update({
            "status_over_time_dates": dom["status_over_time_dates"],
            "status_over_time_last": dom["status_over_time_last"],
            "loaded": dom["loaded"],
            "status_counts": dom["status_counts"],
            "app_recommendations_shown": app["recommendations_shown"],
            "app_problems": app["problems"],
            "warnings": dom["warnings"],
            "timings_s": t,
        })
        base = t["baseline_groupby"]
        result["x_baseline"] = {k: (v / base if isinstance(v, float) else {kk: vv / base for kk, vv in v.items()})
                                for k, v in t.items() if k != "page_reruns"}
        result["peak_mem_mib"] = {"bench_process": dom["peak_mem_mib"], "app_process": app["peak_mem_mib"],
                                  "generator_process": gen["peak_mem_mib"]}
        try:
            data_dir = str(ROOT / "data")
            b = _child(["--child-page", data_dir, "--load-first"], env={"COMPLIANCE_DATA_DIR": data_dir})
            result["belarus"] = {"error": None, "items": b["items"], "load_validate_s": b["load_validate_s"],
                                 "load_validate_warm_s": b["load_validate_warm_s"], "app_warm_run_s": b["app_warm_run_s"],
                                 "page_first_run_s": b["page_first_run_s"], "page_rerun_s": b["page_rerun_s"],
                                 "page_reruns_s": b["page_reruns_s"], "peak_mem_mib": b["peak_mem_mib"], "problems": b["problems"]}
        except RuntimeError as exc:  # e.g. data/ is invalid at the moment: report it, keep the synthetic numbers
            result["belarus"] = {"error": str(exc).strip().splitlines()[-1][:500], "items": None, "load_validate_s": None,
                                 "load_validate_warm_s": None, "app_warm_run_s": None, "page_first_run_s": None,
                                 "page_rerun_s": None, "page_reruns_s": None, "peak_mem_mib": None, "problems": []}
        if args.store:
            result["store"] = run_store(root, args.store, t["load_validate"])
            t.update({"store_copy": result["store"]["copy_s"], "load_validate_store": result["store"]["load_validate_s"],
                      "version_check": result["store"]["version_check_s"]})
        result["targets"] = evaluate_targets(result)
        result["all_targets_met"] = all(r["ok"] for r in result["targets"] if r["ok"] is not None)
        print_table(result)
        print(json.dumps(result))
        return 0
    finally:
        if cleanup:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
