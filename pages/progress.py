"""Progress across cycles: status by cycle, theme × cycle heat map, supported vs noted, recurring asks."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import charts, metrics  # noqa: E402
from compliance.models import RESPONSE_LABELS, STATUS_LABELS  # noqa: E402
from ui.downloads import briefing_pack_button  # noqa: E402
from ui.shared import current_filters, get_scored, require_dataset, show_chart, source_table, theme_labels  # noqa: E402

ds = require_dataset()
flt = current_filters()
scored = get_scored(ds, flt.as_of)
labels = theme_labels(ds)
as_of = flt.as_of.date().isoformat()

st.title("Progress across cycles")
st.caption("Compares cycles, so the sidebar's cycle filter is not applied here; theme and state filters are.")
recs = metrics.filter_items(scored, kind="recommendation", theme=flt.theme, state=flt.state)
sources = {s for v in recs["status_sources"] for s in v} | set(ds.cycles["source_ids"].str.split(";").explode())
ctx = flt.chart_context(ds, sources, use=("theme", "state"))

by_cycle = metrics.summarize(recs, "cycle")
fig_cycle = charts.build_status_bar_chart(by_cycle, "cycle", "Status of itemised recommendations by cycle", ctx,
                                          labels={c: f"Cycle {c}" for c in range(1, 5)})
show_chart(fig_cycle, "progress_cycle", ds)

themed = recs.explode("themes").rename(columns={"themes": "theme"})
heat = themed.groupby(["theme", "cycle"]).apply(
    lambda g: pd.Series({**metrics.status_counts(g), "total": len(g)}), include_groups=False).reset_index()
if len(heat):
    heat["assessed"] = heat["implemented"] + heat["partial"] + heat["unfulfilled"]
    heat["weighted_score"] = ((heat["implemented"] + 0.5 * heat["partial"]) / heat["assessed"].where(heat["assessed"] > 0))
fig_heat = charts.build_heatmap(heat, "Weighted implementation score by theme and cycle", ctx, row_labels=labels)
show_chart(fig_heat, "progress_heatmap", ds)
st.caption("Weighted score: implemented = 1, partial = ½, unfulfilled = 0, over assessed items only. "
           "'n/a' cells have recommendations but none with a status yet.")

by_response = metrics.summarize(recs, "response")
fig_resp = charts.build_status_bar_chart(by_response, "response", "Implementation of supported vs noted recommendations", ctx,
                                         labels=RESPONSE_LABELS, horizontal=True)
show_chart(fig_resp, "progress_response", ds)

st.subheader("Recurring recommendations")
st.caption("The same ask made in several cycles (and by civil society), with its status each time.")
rec_all = scored[scored["recurrence_id"].notna()]
if flt.theme:
    rec_all = rec_all[rec_all["themes"].map(lambda ts: flt.theme in ts)]
rows = []
for rid, g in rec_all.groupby("recurrence_id"):
    label = ds.recurrences.set_index("recurrence_id").at[rid, "label"]
    cycles = sorted(int(c) for c in g["cycle"].dropna().unique())
    row = {"ask": label, "asked in cycles": ", ".join(f"{c} ({ {1: 2010, 2: 2015, 3: 2020, 4: 2025}[c] })" for c in cycles),
           "demands": int((g["kind"] == "demand").sum())}
    for c in range(1, 5):
        sub = g[g["cycle"] == c]
        row[f"cycle {c}"] = "–" if sub.empty else ", ".join(f"{n}× {STATUS_LABELS[s].lower()}" for s, n in sub["status"].value_counts().items())
    rows.append(row)
recurring = pd.DataFrame(rows)
st.dataframe(recurring, hide_index=True, width="stretch")

briefing_pack_button(
    [fig_cycle, fig_heat, fig_resp],
    {"status-by-cycle": by_cycle, "theme-by-cycle": heat, "by-response": by_response, "recurring": recurring},
    filters=flt.describe(ds, use=("theme", "state")), as_of=as_of, page="progress", key="progress",
    citations=list(source_table(ds, sources)["citation"]),
)
