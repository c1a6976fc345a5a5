"""Time the download path on the shipped data: first PNG export (starts the kept browser), a warm PNG of another
figure, a cached repeat, and the briefing pack of the Overview's default view.

    .venv/bin/python bench/export_speed.py
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from compliance import charts, export, metrics  # noqa: E402
from compliance.data import load_dataset  # noqa: E402
from compliance.scoring import scored_items  # noqa: E402


def timed(fn):
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def main() -> None:
    if not export.images_available():
        raise SystemExit("no Chromium: PNG export unavailable (install Debian's chromium)")
    ds = load_dataset()
    as_of = pd.Timestamp.today().normalize()
    scored = scored_items(ds, as_of)
    recs = metrics.filter_items(scored, kind="recommendation")
    ctx = charts.ChartContext("none (all items)", as_of.date().isoformat(), ["S01"])
    labels = {c: f"Cycle {c}" for c in range(1, 5)}
    fig1 = charts.build_status_bar_chart(metrics.summarize(recs, "cycle"), "cycle", "Itemised recommendations by status and UPR cycle",
                                         ctx, labels=labels)
    fig2 = charts.build_tally_chart(metrics.published_tallies(ds), "Published tallies of implementation", ctx)
    fig3 = charts.build_status_bar_chart(metrics.summarize(recs, "response"), "response", "By response", ctx, horizontal=True)
    results = {}
    results["first_png_s"], png = timed(lambda: export.figure_image(fig1, "png"))
    results["warm_png_other_figure_s"], _ = timed(lambda: export.figure_image(fig3, "png"))
    results["cached_png_same_figure_s"], _ = timed(lambda: export.figure_image(fig1, "png"))
    export._CACHE.clear()
    results["briefing_pack_overview_s"], pack = timed(lambda: export.briefing_pack(
        [fig1, fig2], {"recommendations-by-cycle": metrics.summarize(recs, "cycle")}, filters="none (all items)",
        as_of=as_of.date().isoformat(), citations=list(ds.sources["citation"]), page="overview"))
    results["briefing_pack_bytes"] = len(pack)
    for k, v in results.items():
        print(f"{k:<32} {v:.3f}" if isinstance(v, float) else f"{k:<32} {v}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
