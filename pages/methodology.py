"""Sources & methodology: the scoring method in plain words, every source, coverage, validation status."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import methodology, metrics  # noqa: E402
from compliance.reading import verdict_counts  # noqa: E402
from ui.shared import current_filters, get_dataset, get_scored, require_dataset, show_table  # noqa: E402

ds = require_dataset()
flt = current_filters()
scored = get_scored(ds, flt.as_of)

st.title("Sources & methodology")
st.header("How a status is decided")
st.markdown(methodology.markdown())

st.header("The implementation standard")
kinds = ds.ask_kinds
per_kind = scored.groupby("ask_kind").size()
st.table(pd.DataFrame({"kind of ask": kinds["label"] + " (" + kinds["ask_kind"].map(per_kind).fillna(0).astype(int).astype(str)
                       + " items)", "implemented when": kinds["implemented"], "partial when": kinds["partial"],
                       "unfulfilled when": kinds["unfulfilled"]}).set_index("kind of ask"))
st.caption("Each recommendation and demand shows its kind and, where the standard needed explaining, how it applies "
           "to it. Sources for the standard's categories are in the list of every source below.")

st.header("Read twice")
verdicts = pd.DataFrame(verdict_counts(ds)).T
verdicts.index.name = "table"
show_table(verdicts.reset_index(), width="stretch")
st.caption("Rows per table by the verdict of the second reading; only confirmed and corrected rows count. "
           "`python -m compliance review` lists the others with the reason, and the Data page records new readings.")

st.header("What is itemised, tallied or unknown")
cov = metrics.coverage_by_cycle(ds, scored, flt.as_of)
dem = metrics.demand_coverage(ds, scored, flt.as_of)
cov_table = pd.DataFrame({
    "cycle": [f"{c} ({y})" for c, y in zip(cov["cycle"], cov["review_year"])] + ["demands (no cycle)"],
    "received (published)": [("not yet reviewed" if not r else "unknown" if pd.isna(v) else str(int(v)))
                             for v, r in zip(cov["total_published"], cov["reviewed"])] + [str(dem["demands"])],
    "itemised here": [*cov["itemised"], dem["demands"]],
    "with a status": [*cov["assessed"], dem["assessed"]],
    "no status: searched, nothing found": [*cov["searched"], dem["searched"]],
    "no status: not looked into yet": [*(cov["not_assessed"] - cov["searched"]), dem["not_looked"]],
    "published tallies": [*cov["tallies"], 0],
})
show_table(cov_table, width="stretch")
st.caption(f"As of {flt.as_of.date().isoformat()}. 'Searched, nothing found' means a documented search for public "
           "evidence (evidence_searches.csv, shown on each recommendation) found nothing that settles its criteria: "
           "the item stays not assessed, and the search says so.")
cyc = ds.cycles[["cycle", "review_date", "wg_session", "report_symbol", "hrc_adoption_date", "total_recommendations",
                 "supported", "partially_supported", "supported_implemented", "noted", "source_ids", "note"]]
show_table(cyc.astype("string").fillna("unknown"), width="stretch")

st.header("Validation status")
_, error = get_dataset()
if error is None:
    st.success(f"All {len(ds.frames)} data files are valid: {ds.row_count} rows, every source id, theme, state code and "
               "item id cross-checked.")
else:
    st.error(f"The files on disk currently have {len(error.problems)} problem(s); the dashboard shows the last valid data.")
for w in ds.warnings:
    st.caption(f"Note: {w}")

st.header("Every source")
src = ds.sources[["source_id", "producer", "title", "published_date", "url", "citation", "note"]]
show_table(src, width="stretch", column_config={"url": st.column_config.LinkColumn("address")})
st.caption("Summaries in this dataset are written in our own words. The data files and their column documentation "
           "are in the project's data/ folder (data/README.md).")
