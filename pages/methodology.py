"""Sources & methodology: the scoring method in plain words, every source, coverage, validation status."""

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from compliance import metrics  # noqa: E402
from compliance.data import DataValidationError  # noqa: E402
from ui.shared import current_filters, get_dataset, get_scored, require_dataset, show_table  # noqa: E402

ds = require_dataset()
flt = current_filters()
scored = get_scored(ds, flt.as_of)

st.title("Sources & methodology")
st.header("How a status is decided")
st.markdown(
    """
1. **Criteria.** Each recommendation or demand that we can judge has *criteria*: testable statements of what must be true
   for it to count as implemented (for example "a moratorium on executions is in force"). Each has a weight (default 1).
   Criteria are shared, so the same evidence judges the same ask in every cycle.
2. **Observations.** Dated, sourced evidence records whether a criterion was met: *yes*, *partly* or *no*.
3. **Evidence score** at a date: the weighted share of criteria met, using the latest observation of each criterion up
   to that date. *Partly* counts half. A criterion nobody has observed yet counts as not met — we never credit what no
   source shows. Score 1 → **implemented**; between 0 and 1 → **partial**; 0 → **unfulfilled**; no observation at all →
   **not assessed**.
4. **Assessments.** Where a named assessor published a judgement on the item, it stands; the evidence score is kept
   beside it and the item is flagged when the two disagree.
5. **Basis and sources.** Every status shows its basis (assessment, evidence, or none) and the sources behind it.
6. **Dates.** A fact dated only by month or year counts from the end of that period when you pick an "as of" date.

**Aggregates.** Counts by status; the *implementation rate* = implemented ÷ assessed; the *weighted score* =
(implemented plus half of partial) ÷ assessed. **Not assessed is never counted as unfulfilled**: it is left out of both, because "we do not
know" is not evidence of failure.

**Published tallies** (for example the coalition's count for cycle 3) are the assessor's own aggregate figures. Itemised
data for whole cycles is mostly not available, so the dashboard shows the published tally with its source beside the
itemised coverage and never mixes the two.
"""
)

st.header("What is itemised, tallied or unknown")
cov = metrics.coverage_by_cycle(ds, scored, flt.as_of)
cov_table = pd.DataFrame({
    "cycle": cov["cycle"].astype(str) + " (" + cov["review_year"].astype(str) + ")",
    "recommendations received (published)": cov["total_published"].map(lambda v: "unknown" if pd.isna(v) else str(int(v))),
    "itemised here": cov["itemised"],
    "with a status": cov["assessed"],
    "published tallies": cov["tallies"],
})
show_table(cov_table, width="stretch")
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
