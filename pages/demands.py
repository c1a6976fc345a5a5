"""Civil-society demands: the same scoring as recommendations, by issuer and addressee, on a timeline."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import charts, metrics  # noqa: E402
from compliance.models import ADDRESSEE_LABELS, STATUS_LABELS, STATUSES  # noqa: E402
from ui.downloads import briefing_pack_button, table_downloads  # noqa: E402
from ui.shared import current_filters, get_scored, get_status_sources, require_dataset, show_chart, show_table, source_table, state_name  # noqa: E402

ds = require_dataset()
flt = current_filters()
scored = get_scored(ds, flt.as_of)
as_of = flt.as_of.date().isoformat()

st.title("Civil-society demands")
st.caption("Asks made outside the UPR — by Belarusian and international civil society, the democratic forces and governments — "
           "scored with the same method. Demands belong to no UPR cycle: the cycle filter does not apply; theme and "
           "state (as addressee) do.")
addressee = st.selectbox("Addressee", list(ADDRESSEE_LABELS), index=None, placeholder="Any addressee",
                         format_func=ADDRESSEE_LABELS.get, key="dem_addressee", bind="query-params")
dem = metrics.filter_items(scored, kind="demand", theme=flt.theme, state=flt.state, addressee=addressee)
counts = metrics.status_counts(dem)
st.markdown(f"**{len(dem)} demands** · " + " · ".join(f"{STATUS_LABELS[s]}: {counts[s]}" for s in STATUSES))
later = len(metrics.filter_items(ds.items, kind="demand", theme=flt.theme, state=flt.state, addressee=addressee)) - len(dem)
if later > 0:
    st.caption(f"{later} more demand(s) matching these filters were made after {as_of} and are not shown.")

sources = {s for v in dem["source_ids"] for s in v.split(";")} | set(
    get_status_sources(ds, flt.as_of, kind="demand", theme=flt.theme, state=flt.state, addressee=addressee))
ctx = flt.chart_context(ds, sources, use=("theme", "state"))
if addressee:
    ctx.filters += f"; addressee: {ADDRESSEE_LABELS[addressee]}"

fig_time = charts.build_demand_timeline(dem, "Demands over time, by addressee and status", ctx, group_labels=ADDRESSEE_LABELS)
show_chart(fig_time, "demands_timeline", ds)

by_addr = metrics.summarize(dem, "addressee")
fig_addr = charts.build_status_bar_chart(by_addr, "addressee", "Status of demands by addressee", ctx, labels=ADDRESSEE_LABELS,
                                         horizontal=True)
show_chart(fig_addr, "demands_addressee", ds)

by_issuer = metrics.summarize(dem, "issuer")
fig_issuer = charts.build_status_bar_chart(by_issuer, "issuer", "Status of demands by issuer", ctx, horizontal=True)
show_chart(fig_issuer, "demands_issuer", ds)

table = pd.DataFrame({
    "id": dem["item_id"], "issued": dem["date"], "issuer": dem["issuer"],
    "addressee": dem["addressee"].map(ADDRESSEE_LABELS) + dem["states"].map(lambda s: f" ({', '.join(map(state_name, s))})" if s else ""),
    "summary": dem["summary"], "status": dem["status"].map(STATUS_LABELS),
    "basis": metrics.basis_text(dem, metrics.latest_searches(ds, flt.as_of)),
    "themes": dem["themes_text"], "sources": dem["source_ids"],
})
show_table(table, width="stretch", column_config={"summary": st.column_config.TextColumn(width="large")})
table_downloads(table, "demands", ctx.filters, as_of, "demands", [f"Filters: {ctx.filters}", f"Status as of {as_of}"])

briefing_pack_button([fig_time, fig_addr, fig_issuer], {"demands": table}, filters=ctx.filters, as_of=as_of, page="demands",
                     key="demands", citations=list(source_table(ds, sources)["citation"]))
