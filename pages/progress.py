"""Progress across cycles: status by cycle, theme × cycle heat map, supported vs noted, recurring asks."""

import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import charts, metrics  # noqa: E402
from compliance.models import RESPONSE_LABELS  # noqa: E402
from ui.downloads import briefing_pack_button  # noqa: E402
from ui.shared import current_filters, get_scored, get_status_sources, require_dataset, show_chart, show_table, source_table, theme_labels  # noqa: E402

ds = require_dataset()
flt = current_filters()
scored = get_scored(ds, flt.as_of)
labels = theme_labels(ds)
as_of = flt.as_of.date().isoformat()

st.title("Progress across cycles")
st.caption("Compares cycles, so the sidebar's cycle filter is not applied here; theme and state filters are.")
recs = metrics.filter_items(scored, kind="recommendation", theme=flt.theme, state=flt.state)
sources = set(get_status_sources(ds, flt.as_of, kind="recommendation", theme=flt.theme, state=flt.state)) | set(
    ds.cycles["source_ids"].str.split(";").explode())
ctx = flt.chart_context(ds, sources, use=("theme", "state"))

by_cycle = metrics.summarize(recs, "cycle")
fig_cycle = charts.build_status_bar_chart(by_cycle, "cycle", "Status of itemised recommendations by cycle", ctx,
                                          labels={c: f"Cycle {c}" for c in range(1, 5)})
show_chart(fig_cycle, "progress_cycle", ds)

heat = metrics.theme_cycle_table(recs)
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
rec_all = metrics.filter_items(scored, theme=flt.theme, state=flt.state)
recurring = metrics.recurrence_table(rec_all, ds.recurrences)
show_table(recurring, width="stretch")

briefing_pack_button(
    [fig_cycle, fig_heat, fig_resp],
    {"status-by-cycle": by_cycle, "theme-by-cycle": heat, "by-response": by_response, "recurring": recurring},
    filters=flt.describe(ds, use=("theme", "state")), as_of=as_of, page="progress", key="progress",
    citations=list(source_table(ds, sources)["citation"]),
)
