"""ICC referral: each state's own position on a map (calls made to it to join shown apart, as calls), a dated
timeline of positions, calls and the Court's steps, the table."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import charts, metrics  # noqa: E402
from compliance.models import ICC_POSITION_LABELS  # noqa: E402
from ui.downloads import briefing_pack_button, table_downloads  # noqa: E402
from ui.shared import current_filters, require_dataset, show_chart, show_table, source_table, state_name  # noqa: E402

ds = require_dataset()
flt = current_filters()
as_of = flt.as_of.date().isoformat()

st.title("Lithuania's referral of the situation in Belarus to the ICC")
st.caption(f"Positions as of {as_of}: the strongest position each state has itself taken in a dated event (referred > "
           "joined > publicly supports > in discussion; or rejects). A call on a state to join, made by somebody else, is "
           "not its position: it is shown as a call (a ring on the map, listed with who urged and when). Only the 'as of' "
           "filter applies here; a chosen state's events are listed first in the table.")
positions = metrics.icc_positions(ds, flt.as_of)
calls = metrics.icc_calls(ds, flt.as_of)
steps = metrics.court_steps(ds, flt.as_of)
events = metrics.icc_events(ds, flt.as_of)

cols = st.columns(4)
for col, pos in zip(cols, ("referred", "joined", "publicly_supports", "in_discussion")):
    names = sorted(state_name(s) for s in positions.loc[positions["position"] == pos, "actor_iso3"])
    col.metric(ICC_POSITION_LABELS[pos], len(names))
    col.caption(", ".join(names) or "none")
if len(steps):
    last = steps.iloc[-1]
    st.info(f"**The Court's latest step ({last['event_date']}):** {last['summary']}")

sources = {s for v in events["source_ids"] for s in v.split(";")}
ctx = flt.chart_context(ds, sources, use=())
fig_map = charts.build_icc_map(positions, "Lithuania's ICC referral on Belarus: each state's own position and the calls to join",
                               ctx, calls=calls)
show_chart(fig_map, "icc_map", ds)
fig_time = charts.build_icc_timeline(
    events, "Lithuania's ICC referral on Belarus over time: positions, calls to join, the Court's steps", ctx)
show_chart(fig_time, "icc_timeline", ds)

table = events.sort_values(["event_date_start", "event_id"], na_position="last")
table = pd.DataFrame({
    "id": table["event_id"], "date": table["event_date"].fillna("date not shown"), "actor": table["actor"],
    "position": table["position"].map(ICC_POSITION_LABELS), "what happened": table["summary"], "sources": table["source_ids"],
    "note": table["note"],
})
if flt.state:  # matched on the ISO3 code, never on a piece of the name ("Niger" is not "Nigeria")
    about = (events.set_index("event_id").loc[table["id"], "actor_iso3"] == flt.state).to_numpy()
    table = pd.concat([table[about], table[~about]])
    st.caption(f"Events about {state_name(flt.state)} first.")
show_table(table, width="stretch", column_config={"what happened": st.column_config.TextColumn(width="large")})
table_downloads(table, "icc-referral-events", "", as_of, "icc", [f"Events known by {as_of}"])
st.caption("Undated events are listed but never used for a state's position. No state other than Lithuania "
           "has been found to have formally joined the referral.")
briefing_pack_button([fig_map, fig_time], {"icc-events": table, "positions": positions, "calls-to-join": calls}, filters="none",
                     as_of=as_of, page="icc-referral", key="icc", citations=list(source_table(ds, sources)["citation"]))
