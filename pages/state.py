"""One state in one view: what it recommended to Belarus and what became of it, the asks it repeated, the demands
addressed to it, its ICC referral history (its own positions and the calls made to it, kept apart), its pledges, and
how it compares with every recommending state. With no state chosen: every state side by side."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import charts, metrics, states  # noqa: E402
from compliance.models import ICC_POSITION_LABELS, RESPONSE_LABELS, STATUS_LABELS, STATUSES  # noqa: E402
from ui.downloads import brief_button, briefing_pack_button, table_downloads  # noqa: E402
from ui.shared import (  # noqa: E402
    current_filters,
    get_scored,
    require_dataset,
    show_chart,
    show_table,
    source_table,
    sources_expander,
)

ds = require_dataset()
flt = current_filters()
scored = get_scored(ds, flt.as_of)
as_of = flt.as_of.date().isoformat()


def pct(v) -> str:
    return "n/a" if pd.isna(v) else f"{v:.0%}"


def all_states() -> None:
    st.title("States and Belarus")
    st.caption(f"As of {as_of}: every state the data names — its recommendations to Belarus, Belarus's response and "
               "what was implemented, demands addressed to it, its own position on Lithuania's ICC referral, the calls "
               "made to it, and its pledges in euro. Sort by any column; choose a state (here or in the sidebar) for "
               "its page.")
    table = states.state_table(ds, flt.as_of, scored)
    shown = pd.DataFrame({
        "state": table["state"],
        "page": "./state?state=" + table["iso3"] + "&as_of=" + as_of,
        "recommendations": table["recommendations"],
        "share supported": table["supported_share"],
        "implemented (of supported, assessed)": table["implemented_share_of_supported"],
        "demands addressed": table["demands_addressed"],
        "own ICC position": table["icc_position"].map(ICC_POSITION_LABELS),
        "calls to join": table["icc_calls"],
        "pledges": table["pledges"],
        "pledged (EUR)": table["pledged_eur"].astype("float64"),
    })
    show_table(shown, width="stretch", height=min(35 * (len(shown) + 1) + 3, 720), column_config={
        "page": st.column_config.LinkColumn("page", display_text="open"),
        "share supported": st.column_config.NumberColumn(format="percent"),
        "implemented (of supported, assessed)": st.column_config.NumberColumn(format="percent"),
        "pledged (EUR)": st.column_config.NumberColumn(format="%,.0f")})
    table_downloads(shown.drop(columns="page"), "states", "all states", as_of, "states",
                    [f"Status as of {as_of}", "Shares over recommendations with a known response; implemented over "
                     "supported recommendations with a status"])


def one_state(iso3: str) -> None:
    p = states.state_profile(ds, iso3, flt.as_of, scored)
    st.title(f"{p.name} and Belarus")
    st.caption(f"As of {as_of}. What {p.name} recommended to Belarus in the UPR and what became of it, the demands "
               f"addressed to {p.name}, its part in Lithuania's ICC referral and its pledges. Choose another state in the "
               "sidebar; the link keeps its code.")
    figures = p.key_figures
    for row in (figures[:3], figures[3:]):  # two rows: the labels and values stay whole at any width
        for col, (label, value) in zip(st.columns(3), row):
            col.metric(label, value)
    st.caption("**What this view covers.** " + " · ".join(p.coverage_lines))
    c = p.comparison
    if c["states_recommending"] and c["recommendations"]:
        st.markdown(
            f"**Compared with all {c['states_recommending']} recommending states itemised here:** {p.name} made "
            f"{c['recommendations']} (rank {c['rank_by_recommendations']}; median {c['median_recommendations']:.0f}); Belarus "
            f"supported {pct(c['supported_share'])} of them (all states: {pct(c['all_supported_share'])}); of those supported "
            f"and assessed, {pct(c['implemented_share_of_supported'])} were implemented (all states: "
            f"{pct(c['all_implemented_share_of_supported'])}).")

    ctx = flt.chart_context(ds, p.sources, use=("state",))
    years = metrics.cycle_years(ds)
    fig_cycle = charts.build_status_bar_chart(p.by_cycle, "cycle", f"{p.name}'s recommendations to Belarus by status and cycle",
                                              ctx, labels=metrics.cycle_labels(p.by_cycle, years))
    show_chart(fig_cycle, "state_cycle", ds)

    st.subheader(f"What {p.name} recommended")
    searches = metrics.latest_searches(ds, flt.as_of)
    recs = pd.DataFrame({
        "id": p.recommendations["item_id"], "cycle": p.recommendations["cycle"],
        "status": p.recommendations["status"].map(STATUS_LABELS), "summary": p.recommendations["summary"],
        "response": p.recommendations["response"].map(RESPONSE_LABELS),
        "basis": metrics.basis_text(p.recommendations, searches), "themes": p.recommendations["themes_text"],
    })
    show_table(recs, width="stretch", height=min(35 * (len(recs) + 1) + 3, 560),
               column_config={"summary": st.column_config.TextColumn(width="large")})
    table_downloads(recs, f"recommendations-{p.iso3}", f"state {p.iso3}", as_of, "state_recs",
                    [f"State: {p.name}", f"Status as of {as_of}"])
    if len(p.recurring):
        st.markdown(f"**Asks {p.name} repeated across cycles**")
        show_table(p.recurring, width="stretch")

    st.subheader(f"Demands addressed to {p.name}")
    if len(p.demands):
        counts = metrics.status_counts(p.demands)
        st.caption(" · ".join(f"{STATUS_LABELS[s]}: {counts[s]}" for s in STATUSES))
        show_table(pd.DataFrame({"id": p.demands["item_id"], "issued": p.demands["date"], "issuer": p.demands["issuer"],
                                 "summary": p.demands["summary"], "status": p.demands["status"].map(STATUS_LABELS),
                                 "basis": metrics.basis_text(p.demands, searches)}), width="stretch",
                   column_config={"summary": st.column_config.TextColumn(width="large")})
    else:
        st.caption(f"No demand in the data is addressed to {p.name} by name.")

    st.subheader("Lithuania's ICC referral")
    own_cols = ["event_date", "position", "summary", "source_ids"]
    st.markdown(f"**{p.name}'s own positions**")
    if len(p.icc_own):
        show_table(p.icc_own[own_cols].assign(position=p.icc_own["position"].map(ICC_POSITION_LABELS)), width="stretch")
    else:
        st.caption(f"No position of {p.name}'s own is recorded (as of {as_of}).")
    st.markdown(f"**Calls made to {p.name} to join** (what others asked of it, never its position)")
    if len(p.icc_calls):
        show_table(p.icc_calls[["event_date", "summary", "source_ids"]], width="stretch")
    else:
        st.caption("None recorded.")

    st.subheader(f"{p.name}'s pledges")
    if len(p.pledges):
        pl = p.pledges
        show_table(pd.DataFrame({
            "id": pl["pledge_id"], "date": pl["pledged_date"], "recipient": pl["recipient"], "amount": pl["amount"].astype("float64"),
            "currency": pl["currency"], "EUR": pl["amount_eur"].astype("float64"), "rate (per EUR)": pl["rate_per_eur"].astype("float64"),
            "not converted because": pl["unconverted_reason"], "kind": pl["kind"], "sources": pl["source_ids"]}),
            width="stretch", column_config={"amount": st.column_config.NumberColumn(format="%,.0f"),
                                            "EUR": st.column_config.NumberColumn(format="%,.0f")})
        st.caption("Converted at the cited yearly average rate of the pledge's year (data/exchange_rates.csv); a pledge "
                   "without a rate or an amount is listed, never dropped.")
    else:
        st.caption(f"No pledge by {p.name} is recorded (as of {as_of}).")

    sources_expander(ds, p.sources, f"Every source for {p.name}'s page")
    b1, b2 = st.columns(2)
    with b1:
        brief_button(ds, flt, key="state", state=p.iso3)
    with b2:
        briefing_pack_button([fig_cycle], {f"recommendations-{p.iso3}": recs}, filters=f"state: {p.name}", as_of=as_of,
                             page=f"state-{p.iso3}", key="state", citations=list(source_table(ds, p.sources)["citation"]))


if flt.state:
    one_state(flt.state)
else:
    all_states()
