"""Funding pledges: donors compared in euro (each pledge at its year's average rate, with the rate's source), the
original amounts and currencies beside them, the pledges that cannot be converted listed with the reason, over time."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import charts, metrics, money  # noqa: E402
from compliance.models import PLEDGE_KINDS  # noqa: E402
from ui.downloads import briefing_pack_button, table_downloads  # noqa: E402
from ui.shared import current_filters, require_dataset, show_chart, show_table, source_table  # noqa: E402

ds = require_dataset()
flt = current_filters()
as_of = flt.as_of.date().isoformat()

st.title("Funding pledges")
st.caption("Amounts as pledged, in their original currency. To compare donors, each new pledge is also converted to "
           "euro at the yearly average rate of its own year (data/exchange_rates.csv, each rate with its source). A pledge "
           "without an amount, without a date, without a cited rate for its currency and year, a running total (kind "
           "'cumulative', which includes other pledges) or a disbursement of money pledged before (kind "
           "'disbursement') is never added: it is listed below with the reason. Donors are named as their "
           "sources name them (the European Commission and the European Union are kept apart).")
c1, c2 = st.columns(2)
only_acc = c1.toggle("Accountability work only", key="pl_acc", bind="query-params")
kinds = c2.multiselect("Kinds", list(PLEDGE_KINDS), default=["pledge"], key="pl_kind", bind="query-params")
p = metrics.pledges(ds, flt.as_of, kinds=kinds, accountability_only=only_acc, donor_iso3=flt.state)

totals = metrics.pledge_totals(p)
shown_totals = pd.DataFrame({
    "currency": totals["currency"].fillna("amount not stated"),
    "sum of amounts": totals["amount"],
    "pledges summed": totals["pledges"],
    "pledges without an amount": totals["without_amount"],
})
st.markdown("**Totals per original currency** (as pledged, never added across currencies)")
show_table(shown_totals, key="pledge_totals",
           column_config={"sum of amounts": st.column_config.NumberColumn(format="%,.0f")})

converted = money.convert_pledges(p, ds.exchange_rates)
by_donor = money.donor_totals(converted)
left_out = money.unconverted(converted)
rate_ids = money.rate_source_ids(converted)

sources = {s for v in p["source_ids"] for s in v.split(";")} | set(rate_ids)
filters = ("accountability work only; " if only_acc else "") + f"kinds: {', '.join(kinds)}" + (f"; donor {flt.state}" if flt.state else "")
ctx = flt.chart_context(ds, sources, use=())
ctx.filters = filters

st.subheader("Donors compared, in euro")
fig_donor = charts.build_donor_chart(
    converted, "Pledges to Belarusian civil society and accountability work, by donor, in euro", ctx)
show_chart(fig_donor, "pledges_donors", ds)
donor_table = pd.DataFrame({
    "donor": by_donor["donor"], "ISO3": by_donor["donor_iso3"], "total in euro": by_donor["total_eur"],
    "converted from (original amounts)": by_donor["converted_from"], "pledges": by_donor["pledges"],
    "not converted": by_donor["unconverted"], "why not": by_donor["not_converted"], "pledge ids": by_donor["pledge_ids"],
})
keyed = money.with_donor_keys(converted)
left_ids = keyed[keyed["amount_eur"].isna()].groupby("donor_key")["pledge_id"].agg(", ".join)
shown_donors = donor_table.drop(columns=["ISO3", "pledge ids", "why not"]).assign(
    **{"not in the total (reasons below)": [left_ids.get(k, "") for k in by_donor["donor_key"]]})
show_table(shown_donors, width="stretch", key="pledges_by_donor", height=min(35 * (len(shown_donors) + 1) + 3, 760),
           column_config={"total in euro": st.column_config.NumberColumn(format="%,.0f"),
                          "converted from (original amounts)": st.column_config.TextColumn("converted from"),
                          "not converted": st.column_config.NumberColumn("not converted", help="pledges not in the euro total")})
if len(left_out):
    st.markdown(f"**Not in the euro totals: {len(left_out)} pledge(s)**, each with the reason")
    show_table(left_out, width="stretch", key="pledges_not_converted",
               column_config={"amount": st.column_config.NumberColumn(format="%,.0f")})
else:
    st.caption("Every pledge shown was converted to euro.")
used = ds.exchange_rates.merge(
    converted.loc[converted["amount_eur"].notna() & (converted["currency"] != "EUR"), ["currency", "pledge_year"]]
    .drop_duplicates().rename(columns={"pledge_year": "year"}), on=["currency", "year"])
with st.expander(f"Exchange rates used ({len(used)}), units per euro, with their sources"):
    show_table(used[["currency", "year", "rate_per_eur", "source_ids", "note"]], width="stretch")
    show_table(source_table(ds, rate_ids), width="stretch", column_config={"url": st.column_config.LinkColumn("address")})

fig_time = charts.build_pledge_timeline(p, "Pledges to Belarusian civil society over time, in original currency", ctx)
show_chart(fig_time, "pledges_time", ds)

table = pd.DataFrame({
    "id": p["pledge_id"], "date": p["pledged_date"], "donor": p["donor"], "recipient": p["recipient"],
    "amount": p["amount"], "qualifier": p["amount_qualifier"], "currency": p["currency"],
    "in euro": converted["amount_eur"].round(0), "rate per euro": converted["rate_per_eur"], "purpose": p["purpose"],
    "accountability": p["accountability"], "kind": p["kind"], "sources": p["source_ids"], "note": p["note"],
})
show_table(table, width="stretch", column_config={"amount": st.column_config.NumberColumn(format="%,.0f"),
                                                  "in euro": st.column_config.NumberColumn(format="%,.0f")})
missing = table[table["amount"].isna()]
if len(missing):
    st.caption("Listed without an amount (the source states none): " + ", ".join(missing["id"] + " " + missing["donor"]))
table_downloads(table, "pledges", filters, as_of, "pledges",
                [f"Filters: {filters}", "Amounts in original currency; 'in euro' at the yearly average rate of each pledge's "
                 f"year (sources {', '.join(rate_ids) or 'none'}); empty where not converted"])
briefing_pack_button([fig_donor, fig_time],
                     {"pledges": table, "per-donor-in-euro": donor_table, "not-converted": left_out,
                      "exchange-rates-used": used[["currency", "year", "rate_per_eur", "source_ids", "note"]],
                      "totals-per-currency": totals},
                     filters=filters, as_of=as_of, page="pledges", key="pledges",
                     citations=list(source_table(ds, sources)["citation"]))
