"""Recommendations: a searchable, filterable table; one recommendation in detail with its evidence."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import metrics  # noqa: E402
from compliance.export import neutralise_frame  # noqa: E402
from compliance.models import RESPONSE_LABELS, RESPONSES, STATUS_LABELS, STATUSES  # noqa: E402
from compliance.reading import item_reading, set_aside_evidence  # noqa: E402
from compliance.scoring import evidence_timeline, status_history, status_sources  # noqa: E402
from ui.downloads import table_downloads  # noqa: E402
from ui.shared import (  # noqa: E402
    cached_view,
    current_filters,
    get_scored,
    require_dataset,
    show_coverage,
    show_table,
    source_table,
    sources_expander,
    state_name,
    url_text_input,
)

ds = require_dataset()
flt = current_filters()
scored = get_scored(ds, flt.as_of)

st.title("Recommendations")
st.caption("Every recommendation itemised here, with Belarus's response and its status as of "
           f"{flt.as_of.date().isoformat()}. Sidebar filters apply (cycle, theme, recommending state); the filters "
           "below are kept in the link too.")

c1, c2, c3 = st.columns([1, 1, 2])
response = c1.selectbox("Belarus's response", RESPONSES, index=None, placeholder="Any response", format_func=RESPONSE_LABELS.get,
                        key="rec_response", bind="query-params")
status = c2.selectbox("Status", STATUSES, index=None, placeholder="Any status", format_func=STATUS_LABELS.get,
                      key="rec_status", bind="query-params")
with c3:
    text = url_text_input("Search text, paragraph, id or recommending state", "rec_text",
                          placeholder="e.g. moratorium, 98.16, Norway")

view_filters = dict(cycle=flt.cycle, theme=flt.theme, state=flt.state, response=response, status=status, text=text or None)


def build_view(ds, scored):
    """The filtered recommendations and the table shown (made safe for spreadsheets), built once per filters."""
    rows = metrics.filter_items(scored, kind="recommendation", **view_filters)
    searches = metrics.latest_searches(ds, flt.as_of)
    table = pd.DataFrame({
        "id": rows["item_id"],
        "status": rows["status"].map(STATUS_LABELS),
        "summary": rows["summary"],
        "recommending states": rows["states_names"],
        "response": rows["response"].map(RESPONSE_LABELS),
        "cycle": rows["cycle"],
        "paragraph": rows["paragraph"].fillna("not known"),
        "basis": metrics.basis_text(rows, searches),
        "themes": rows["themes_text"],
    })
    return rows, table, neutralise_frame(table)


rows, table, safe_table = cached_view(ds, flt.as_of, "recommendations", view_filters, build_view)
counts = metrics.status_counts(rows)
st.markdown(f"**{len(rows)} recommendations** · " + " · ".join(f"{STATUS_LABELS[s]}: {counts[s]}" for s in STATUSES))
if flt.state:
    st.info(f"Showing what **{state_name(flt.state)}** recommended to Belarus and what became of it.")
show_coverage(ds, flt)

st.caption("Select a row to see the evidence and the sources behind its status.")
event = show_table(safe_table, neutralised=True, width="stretch", on_select="rerun", selection_mode="single-row", key="rec_table",
                   height=min(35 * (len(table) + 1) + 3, 640),
                   column_config={"id": st.column_config.TextColumn(width="small", pinned=True),
                                  "status": st.column_config.TextColumn(width="small", pinned=True),
                                  "summary": st.column_config.TextColumn(width="large"),
                                  "recommending states": st.column_config.TextColumn(width="medium"),
                                  "cycle": st.column_config.NumberColumn(width="small"),
                                  "paragraph": st.column_config.TextColumn(width="small"),
                                  "basis": st.column_config.TextColumn(width="medium")})
table_downloads(table, "recommendations", flt.describe(ds), flt.as_of.date().isoformat(), "recs",
                [f"Filters: {flt.describe(ds)}; response: {response or 'any'}; status: {status or 'any'}; text: {text or '-'}",
                 f"Status as of {flt.as_of.date().isoformat()}"])

selected = event.selection.rows if event and event.selection else []
choice = table.iloc[selected[0]]["id"] if selected else None
MAX_PICK = 5000  # a selectbox of every id of a whole-UPR dataset would slow every rerun
ids = list(table["id"]) if len(table) <= MAX_PICK else ([choice] if choice else [])
pick = st.selectbox("Show one recommendation in detail", ids, index=ids.index(choice) if choice in ids else None,
                    placeholder="Select a row above or pick an id" if len(table) <= MAX_PICK
                    else f"Select a row above (or filter to {MAX_PICK:,} rows or fewer to pick an id)", key="rec_pick",
                    bind="query-params")
if pick:
    item = rows.set_index("item_id").loc[pick]
    rec = ds.recommendations.set_index("recommendation_id").loc[pick]
    st.subheader(f"{pick} — cycle {item['cycle']}" + (f", paragraph {item['paragraph']}" if item["paragraph"] else ""))
    st.markdown(f"**What is asked (our summary):** {item['summary']}")
    st.markdown(f"**Recommending states:** {', '.join(f'{state_name(s)} ({s})' for s in item['states'])}")
    st.markdown(f"**Belarus's response:** {RESPONSE_LABELS[item['response']]}")
    if isinstance(rec["note"], str) and rec["note"]:
        st.caption(rec["note"])
    kinds = ds.ask_kinds.set_index("ask_kind")
    if isinstance(item["ask_kind"], str):
        k = kinds.loc[item["ask_kind"]]
        st.markdown(f"**Kind of ask:** {k['label']} — implemented when: {k['implemented']}")
    if isinstance(item["judgement"], str):
        st.markdown(f"**How the standard applies here:** {item['judgement']}")
    basis = table.set_index("id").at[pick, "basis"] if pick in set(table["id"]) else item["basis"]
    st.markdown(f"**Status as of {flt.as_of.date().isoformat()}:** {STATUS_LABELS[item['status']]} (basis: {basis})")
    read = item_reading(ds, rows[rows["item_id"] == pick], flt.as_of).iloc[0]
    if read["verified"]:
        st.caption(f"This status rests only on evidence a second person read against its sources (last read "
                   f"{read['last_read'] if pd.notna(read['last_read']) else 'on an unknown date'}).")
    if read["awaiting"]:
        st.caption(f"{read['awaiting']} further piece(s) of evidence about it await a second reading and do not count yet.")
    if item["disagreement"]:
        st.warning(f"The assessor's judgement ({STATUS_LABELS[item['assessment_status']]}) differs from the evidence score "
                   f"({STATUS_LABELS[item['evidence_status']]}). The judgement is shown; both are kept.")
    behind = status_sources(ds, flt.as_of, [pick])
    st.markdown("**Sources behind this status**" + ("" if behind else ": none (no evidence or assessment yet)"))
    if behind:
        show_table(source_table(ds, behind), width="stretch",
                   column_config={"url": st.column_config.LinkColumn("address"),
                                  "citation": st.column_config.TextColumn(width="large")})
    searched = ds.evidence_searches[ds.evidence_searches["item_id"] == pick]
    if len(searched):
        st.markdown("**Searches for evidence**")
        show_table(searched[["searched_date", "result", "searched_for", "note", "source_ids"]], width="stretch")
    states_rows = ds.recommendation_states[ds.recommendation_states["recommendation_id"] == pick]
    with st.expander("Per recommending state (UPR Info action category, response)"):
        show_table(states_rows[["state_iso3", "response", "action_category", "source_ids"]])
    timeline = evidence_timeline(ds, pick)
    crit = ds.item_criteria[ds.item_criteria["item_id"] == pick].merge(ds.criteria, on="criterion_id")
    st.markdown("**Criteria** (what must be true for it to count as implemented)")
    if crit.empty:
        st.caption("No criteria defined yet: no source has been linked to judge this recommendation, so it is not assessed.")
    else:
        contested = ds.contested.set_index("criterion_id")
        crit["contested"] = crit["criterion_id"].map(
            lambda c: f"since {contested.at[c, 'contested_since']}: {contested.at[c, 'note']}" if c in contested.index else "")
        show_table(crit[["criterion_id", "description", "weight", "contested"]], width="stretch")
        for c, what in crit.loc[crit["contested"] != "", ["criterion_id", "description"]].itertuples(index=False):
            st.warning(f"Contested since {contested.at[c, 'contested_since']}: credible sources disagree on whether "
                       f"\"{what}\". Both sides are in the evidence timeline below with their sources; from that date "
                       "the criterion counts at most as partly met, never as met.")
        st.markdown("**Evidence timeline** (only evidence a second person confirmed or corrected counts)")
        show_table(timeline[["observed_date", "criterion_id", "met", "note", "source_ids", "locator", "read_by",
                             "read_date", "read_verdict"]], width="stretch")
        aside = set_aside_evidence(ds, pick)
        if len(aside):
            with st.expander(f"Evidence that does not count ({len(aside)}: set aside by a second reader, or not yet read)"):
                show_table(aside[["observation_id", "observed_date", "criterion_id", "met", "note", "source_ids",
                                  "read_verdict", "read_by", "read_note"]], width="stretch")
        hist = status_history(ds, pick)
        if len(hist):
            hist["status"] = hist["status"].map(STATUS_LABELS)
            hist["as_of"] = hist["as_of"].dt.date
            st.markdown("**Status history**")
            show_table(hist)
    assessments = ds.assessments[ds.assessments["item_id"] == pick]
    if len(assessments):
        st.markdown("**Assessments**")
        show_table(assessments[["assessed_date", "assessor", "status", "rationale", "source_ids"]], width="stretch")
    if isinstance(item["recurrence_id"], str):
        same = scored[(scored["recurrence_id"] == item["recurrence_id"]) & (scored["item_id"] != pick)]
        label = ds.recurrences.set_index("recurrence_id").at[item["recurrence_id"], "label"]
        elsewhere = ", ".join(f"{r.item_id} ({STATUS_LABELS[r.status]})" for r in same.itertuples()) or "none"
        st.markdown(f"**The same ask elsewhere** ({label}): {elsewhere}")
    sources_expander(ds, [item["source_ids"], *behind, *timeline["source_ids"]],
                     "Every source for this recommendation (its text, response, evidence and assessments)")
