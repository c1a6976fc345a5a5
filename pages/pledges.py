"""Funding pledges: by donor, by recipient and purpose, over time; original currency always visible."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import charts, metrics  # noqa: E402
from ui.downloads import briefing_pack_button, table_downloads  # noqa: E402
from ui.shared import current_filters, require_dataset, show_chart, show_table, source_table  # noqa: E402

ds = require_dataset()
flt = current_filters()
as_of = flt.as_of.date().isoformat()

st.title("Funding pledges")
st.caption("Amounts in their original currency. Nothing is converted: no cited exchange-rate table is shipped yet, "
           "so totals are per currency. Running totals (kind 'cumulative') are shown but never added to pledges.")
c1, c2 = st.columns(2)
only_acc = c1.toggle("Accountability work only", key="pl_acc", bind="query-params")
kinds = c2.multiselect("Kinds", ["pledge", "cumulative"], default=["pledge"], key="pl_kind", bind="query-params")
p = metrics.pledges(ds, flt.as_of, kinds=kinds, accountability_only=only_acc, donor_iso3=flt.state)

totals = metrics.pledge_totals(p)
shown_totals = pd.DataFrame({
    "currency": totals["currency"].fillna("amount not stated"),
    "sum of amounts": totals["amount"],
    "pledges summed": totals["pledges"],
    "pledges without an amount": totals["without_amount"],
})
st.markdown("**Totals per original currency** (never converted, never added across currencies)")
show_table(shown_totals, key="pledge_totals",
             column_config={"sum of amounts": st.column_config.NumberColumn(format="%,.0f")})

sources = {s for v in p["source_ids"] for s in v.split(";")}
filters = ("accountability work only; " if only_acc else "") + f"kinds: {', '.join(kinds)}" + (f"; donor {flt.state}" if flt.state else "")
ctx = flt.chart_context(ds, sources, use=())
ctx.filters = filters
fig_bar = charts.build_pledge_chart(p, "Pledges by donor and recipient, in original currency", ctx)
show_chart(fig_bar, "pledges_bar", ds)
fig_time = charts.build_pledge_timeline(p, "Pledges over time, in original currency", ctx)
show_chart(fig_time, "pledges_time", ds)

table = pd.DataFrame({
    "id": p["pledge_id"], "date": p["pledged_date"], "donor": p["donor"], "recipient": p["recipient"],
    "amount": p["amount"], "qualifier": p["amount_qualifier"], "currency": p["currency"], "purpose": p["purpose"],
    "accountability": p["accountability"], "kind": p["kind"], "sources": p["source_ids"], "note": p["note"],
})
show_table(table, width="stretch", column_config={"amount": st.column_config.NumberColumn(format="%,.0f")})
missing = table[table["amount"].isna()]
if len(missing):
    st.caption("Listed without an amount (the source states none): " + ", ".join(missing["id"] + " " + missing["donor"]))
table_downloads(table, "pledges", filters, as_of, "pledges", [f"Filters: {filters}", "Amounts in original currency; never converted"])
briefing_pack_button([fig_bar, fig_time], {"pledges": table, "totals-per-currency": totals}, filters=filters, as_of=as_of,
                     page="pledges", key="pledges", citations=list(source_table(ds, sources)["citation"]))
