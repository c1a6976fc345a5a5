"""Entry point and router: page config, the shared sidebar filters, then the selected page.

Run with `make run` (or `streamlit run dashboard.py`). The data folder is data/ unless $COMPLIANCE_DATA_DIR says
otherwise.
"""

import streamlit as st

from ui.shared import ROUTED_KEY, build_pages, link_to_this_view, require_dataset, sidebar_filters

st.set_page_config(page_title="Belarus UPR compliance", page_icon=":material/balance:", layout="wide")

# Mark the session before routing: a page that finds no mark was run without this frame (legacy multipage
# mode on a fresh server) and sends itself through the router (ui.shared.ensure_routed).
st.session_state[ROUTED_KEY] = True
page = st.navigation(build_pages())

ds = require_dataset()
st.session_state["_filters"] = sidebar_filters(ds)
with st.sidebar:
    st.caption(
        "Belarus UPR compliance dashboard — open data on the Universal Periodic Review, civil-society demands, "
        "the ICC referral and pledges. Every figure cites its source."
    )
try:
    page.run()
    link_to_this_view(st.session_state["_filters"])  # after the page: its own filters are in the link by then
finally:
    # cleared after every run, so a later run of a page without this frame is caught by the guard
    st.session_state[ROUTED_KEY] = False
