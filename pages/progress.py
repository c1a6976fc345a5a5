"""Progress over time and across cycles: status counts and the implementation rate from the first review to the
"as of" date, status by cycle (every cycle on the axis), theme × cycle heat map, supported vs noted, recurring asks."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import charts, metrics  # noqa: E402
from compliance.models import RESPONSE_LABELS  # noqa: E402
from ui.downloads import briefing_pack_button  # noqa: E402
from ui.shared import (  # noqa: E402
    current_filters,
    get_scored,
    get_status_sources,
    require_dataset,
    show_chart,
    show_coverage,
    show_table,
    source_table,
    theme_labels,
)

ds = require_dataset()
flt = current_filters()
scored = get_scored(ds, flt.as_of)
labels = theme_labels(ds)
as_of = flt.as_of.date().isoformat()
years = metrics.cycle_years(ds)

st.title("Progress over time and across cycles")
kind = st.segmented_control("Show", ["recommendation", "demand"], default="recommendation", key="pr_kind",
                            bind="query-params", format_func=lambda k: {"recommendation": "Recommendations",
                                                                         "demand": "Civil-society demands"}[k])
kind = kind or "recommendation"
over_time_filters = {"kind": kind, "theme": flt.theme, "state": flt.state,
                     "cycle": flt.cycle if kind == "recommendation" else None}
st.caption("Status as it stood at each month's end, from the first review to the 'as of' date: an item counts from "
           "the day it exists (a recommendation from its cycle's review, a demand from its date). Theme and state "
           "filters apply" + (", and the cycle filter to the charts over time." if kind == "recommendation" else "."))
recs = metrics.filter_items(scored, kind="recommendation", theme=flt.theme, state=flt.state)
show_coverage(ds, flt, use_cycle=False)

sources = set(get_status_sources(ds, flt.as_of, **{k: v for k, v in over_time_filters.items() if v})) | set(
    ds.cycles["source_ids"].str.split(";").explode())
ctx = flt.chart_context(ds, sources, use=("cycle", "theme", "state") if kind == "recommendation" else ("theme", "state"))
if kind == "demand":
    ctx.filters = "demands" + ("" if ctx.filters.startswith("none") else f"; {ctx.filters}")

start = ds.cycles["review_date_start"].min()
dates = metrics.period_dates(start, flt.as_of, "month") if flt.as_of >= start else [flt.as_of]
series = metrics.with_rates(metrics.status_over_time(ds, dates, **{k: v for k, v in over_time_filters.items() if v}))
reviews = [(r.review_date_start, f"Cycle {int(r.cycle)} review") for r in ds.cycles.itertuples()
           if pd.notna(r.review_date_start) and r.review_date_start <= flt.as_of]
what = "recommendations" if kind == "recommendation" else "demands"
fig_time = charts.build_status_over_time_chart(series, f"Status of {what} over time", ctx, markers=reviews)
show_chart(fig_time, "progress_over_time", ds)
fig_rate = charts.build_rate_over_time_chart(series, f"Implementation rate of {what} over time", ctx, markers=reviews)
show_chart(fig_rate, "progress_rate", ds)
series_table = series.assign(date=series["date"].dt.date.astype(str))

st.header("Across cycles")
st.caption("Compares cycles, so the sidebar's cycle filter is not applied below; theme and state filters are. "
           "A cycle with nothing itemised for the filters stays on the axis, marked 'not itemised'.")
ctx_cycles = flt.chart_context(ds, sources, use=("theme", "state"))
by_cycle = metrics.summarize_cycles(recs, years)
fig_cycle = charts.build_status_bar_chart(by_cycle, "cycle", "Status of itemised recommendations by cycle", ctx_cycles,
                                          labels=metrics.cycle_labels(by_cycle, years))
show_chart(fig_cycle, "progress_cycle", ds)

heat = metrics.theme_cycle_table(recs, years)
fig_heat = charts.build_heatmap(heat, "Weighted implementation score by theme and cycle", ctx_cycles, row_labels=labels)
show_chart(fig_heat, "progress_heatmap", ds)
st.caption("Weighted score: implemented = 1, partial = ½, unfulfilled = 0, over assessed items only. "
           "'n/a' cells have recommendations but none with a status yet; '–' cells have no itemised recommendation.")

by_response = metrics.summarize(recs, "response")
fig_resp = charts.build_status_bar_chart(by_response, "response", "Implementation of supported vs noted recommendations",
                                         ctx_cycles, labels=RESPONSE_LABELS, horizontal=True)
show_chart(fig_resp, "progress_response", ds)

st.subheader("Recurring recommendations")
st.caption("The same ask made in several cycles (and by civil society), with its status each time.")
rec_all = metrics.filter_items(scored, theme=flt.theme, state=flt.state)
recurring = metrics.recurrence_table(rec_all, ds.recurrences, years)
show_table(recurring, width="stretch", height=min(38 * (len(recurring) + 1) + 3, 700),
           column_config={"ask": st.column_config.TextColumn(width="large"),
                          "asked in cycles": st.column_config.TextColumn(width="medium")})

briefing_pack_button(
    [fig_time, fig_rate, fig_cycle, fig_heat, fig_resp],
    {"status-over-time": series_table, "status-by-cycle": by_cycle, "theme-by-cycle": heat, "by-response": by_response,
     "recurring": recurring},
    filters=ctx.filters, as_of=as_of,
    page="progress", key="progress", citations=list(source_table(ds, sources)["citation"]),
)
