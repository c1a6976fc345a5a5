"""Overview: per cycle, what Belarus received and how it stands; the ICC referral in one line; pledges."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import charts, metrics, money  # noqa: E402
from compliance.models import STATUS_LABELS  # noqa: E402
from compliance.reading import reading_line  # noqa: E402
from ui.downloads import brief_button, briefing_pack_button  # noqa: E402
from ui.shared import (  # noqa: E402
    current_filters,
    get_scored,
    get_status_sources,
    require_dataset,
    show_chart,
    show_coverage,
    source_table,
    state_name,
)

ds = require_dataset()
flt = current_filters()
scored = get_scored(ds, flt.as_of)
as_of = flt.as_of.date().isoformat()

st.title("Belarus in the Universal Periodic Review")
last = ds.last_updated
st.caption(f"Status as of {as_of}. Newest dated fact in the data: {last.date().isoformat() if last is not None else 'unknown'}. "
           "Itemised statuses come from dated evidence and named assessments; published tallies are shown beside them, "
           "each with its source.")

recs = metrics.filter_items(scored, kind="recommendation", theme=flt.theme, state=flt.state,
                            cycle=flt.cycle if flt.cycle else None)
coverage = metrics.coverage_by_cycle(ds, recs, flt.as_of)
if flt.cycle:
    coverage = coverage[coverage["cycle"] == flt.cycle]

st.subheader("Recommendations per cycle")
cols = st.columns(len(coverage) or 1)
for col, (_, c) in zip(cols, coverage.iterrows()):
    with col.container(border=True):
        if not c["reviewed"]:
            st.metric(f"Cycle {int(c['cycle'])} ({int(c['review_year'])})", "not yet",
                      help="This cycle's review came after the 'as of' date: nothing of it existed then.")
            st.markdown(f"reviewed on {c['review_date'] or 'a date not known'}, after {as_of}")
            continue
        total = "unknown" if pd.isna(c["total_published"]) else str(int(c["total_published"]))
        st.metric(f"Cycle {int(c['cycle'])} ({int(c['review_year'])})", total,
                  help="Total number of recommendations as published (sources on the methodology page); "
                       "'unknown' where no source gives it.")
        st.markdown(f"recommendations received  \n**{int(c['itemised'])}** itemised here · **{int(c['assessed'])}** with a status")
        tallies = metrics.published_tallies(ds, int(c["cycle"]), scope="all", as_of=flt.as_of)
        for t in tallies[:1]:
            figs = ", ".join(f"{STATUS_LABELS[k].lower()} {'unknown' if t[k] is None else t[k]}"
                             for k in ("implemented", "partial", "unfulfilled", "not_assessed"))
            st.caption(f"Published tally ({t['source_id']}): of {t['total']}, {figs}.")
        if not tallies:
            st.caption("No published tally found for this cycle.")

show_coverage(ds, flt)
years = metrics.cycle_years(ds)
selection = metrics.summarize_cycles(recs, [flt.cycle] if flt.cycle else years)
counts = metrics.status_counts(recs)
r = metrics.rates(counts)
m1, m2, m3 = st.columns(3)
m1.metric("Itemised recommendations (filtered)", len(recs))
m2.metric("Implementation rate of assessed items", "n/a" if r["implementation_rate"] is None else f"{r['implementation_rate']:.0%}",
          help="implemented ÷ assessed; items not assessed are left out, never counted as unfulfilled")
m3.metric("Weighted score", "n/a" if r["weighted_score"] is None else f"{r['weighted_score']:.0%}",
          help="implemented = 1, partial = 0.5, unfulfilled = 0; not assessed left out")
st.caption(reading_line(ds, recs))

cycle_rows = ds.cycles if not flt.cycle else ds.cycles[ds.cycles["cycle"] == flt.cycle]
sources = set(cycle_rows["source_ids"].str.split(";").explode()) | set(
    get_status_sources(ds, flt.as_of, kind="recommendation", theme=flt.theme, state=flt.state, cycle=flt.cycle))
ctx = flt.chart_context(ds, sources)
fig_status = charts.build_status_bar_chart(selection, "cycle", "Itemised recommendations by status and UPR cycle", ctx,
                                           labels=metrics.cycle_labels(selection, years))
show_chart(fig_status, "overview_status", ds)

tallies = metrics.published_tallies(ds, flt.cycle, as_of=flt.as_of)
tally_sources = {s for t in tallies for s in t["source_ids"]}
fig_tally = charts.build_tally_chart(tallies, "Published tallies of implementation", flt.chart_context(ds, tally_sources, use=("cycle",)))
show_chart(fig_tally, "overview_tallies", ds)
st.caption("Published tallies are an assessor's own counts for a whole cycle; the dashboard shows them as published "
           "(unknown figures say so) and does not mix them with the itemised statuses above.")

st.subheader("ICC referral")
positions = metrics.icc_positions(ds, flt.as_of)
steps = metrics.court_steps(ds, flt.as_of)
by_pos = {p: sorted(state_name(s) for s in positions.loc[positions["position"] == p, "actor_iso3"]) for p in positions["position"].unique()}
referred = ", ".join(by_pos.get("referred", [])) or "no state"
supports = ", ".join(by_pos.get("publicly_supports", [])) or "none"
joined = ", ".join(by_pos.get("joined", [])) or "no other state"
step = f"{steps.iloc[-1]['summary']} ({steps.iloc[-1]['event_date']})" if len(steps) else "no step recorded"
calls = metrics.icc_calls(ds, flt.as_of)
urged = ", ".join(f"{state_name(c)} ({', '.join(g['event_date'].fillna('undated'))})" for c, g in calls.groupby("actor_iso3")) or "none"
st.markdown(f"**Referred:** {referred} · **Joined:** {joined} · **Publicly supports:** {supports}  \n"
            f"**Urged to join** (calls made by others, not the state's own position): {urged}  \n"
            f"**The Court's latest step:** {step}")

st.subheader("Funding pledges")
made = metrics.pledges(ds, flt.as_of)
totals = metrics.pledge_totals(made)
with_amount = totals[totals["currency"].notna()]
converted = money.convert_pledges(made[made["kind"] == "pledge"], ds.exchange_rates)
in_eur = converted["amount_eur"].sum(min_count=1)
left_out = int(converted["amount_eur"].isna().sum())
st.markdown(("**EUR {:,.0f}** in new pledges converted at each pledge's year's rate · ".format(in_eur) if pd.notna(in_eur) else "")
            + (" · ".join(f"{row.amount:,.0f} {row.currency} ({row.pledges} pledges)" for row in with_amount.itertuples()) or "none"))
st.caption(f"Sums of new pledges made by {as_of}, in euro and per original currency; {left_out} pledge(s) could not be "
           "converted (no amount, or no cited rate for their year) and are listed on the pledges page with the reason. "
           "Running totals such as the EU's cumulative figures, and disbursements of money pledged before, are never added.")

briefing_pack_button(
    [fig_status, fig_tally],
    {"recommendations-by-cycle": selection,
     "published-tallies": pd.DataFrame(
         [{k: t[k] for k in ("tally_id", "cycle", "assessor", "report_title", "published_date", "scope", *metrics.TALLY_FIELDS,
                             "source_ids", "note")} for t in tallies],
         columns=["tally_id", "cycle", "assessor", "report_title", "published_date", "scope", *metrics.TALLY_FIELDS,
                  "source_ids", "note"]),
     "recommendations": pd.DataFrame({
         "id": recs["item_id"], "cycle": recs["cycle"], "paragraph": recs["paragraph"], "summary": recs["summary"],
         "recommending states": recs["states_text"], "response": recs["response"], "status": recs["status"],
         "basis": recs["basis"], "themes": recs["themes_text"], "sources": recs["source_ids"]})},
    filters=flt.describe(ds), as_of=as_of, page="overview", key="overview",
    citations=list(source_table(ds, sources | tally_sources | {s for v in recs["source_ids"] for s in v.split(";")})["citation"]),
)
brief_button(ds, flt, key="overview", state=flt.state, cycle=flt.cycle, theme=flt.theme)
