"""What every page shares: the page list, the deep-link guard, the cached dataset, the sidebar filters and
the way a chart is shown with its downloads. Domain logic stays in compliance/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from compliance.charts import ChartContext
from compliance.countries import all_state_codes, state_label, state_name
from compliance.data import Dataset, DataValidationError
from compliance.export import neutralise_frame
from compliance.scoring import scored_items
from compliance.store import Store, configured_store_spec, open_store

ROOT = Path(__file__).resolve().parent.parent
ROUTED_KEY = "_routed_by_dashboard"

#: The one page list: the router in dashboard.py and the guard below both use it.
PAGE_SPECS = (
    ("pages/overview.py", "Overview", ":material/dashboard:", True),
    ("pages/recommendations.py", "Recommendations", ":material/list_alt:", False),
    ("pages/progress.py", "Progress across cycles", ":material/stacked_bar_chart:", False),
    ("pages/demands.py", "Civil-society demands", ":material/campaign:", False),
    ("pages/icc_referral.py", "ICC referral", ":material/gavel:", False),
    ("pages/pledges.py", "Funding pledges", ":material/payments:", False),
    ("pages/state.py", "One state", ":material/flag:", False),
    ("pages/methodology.py", "Sources & methodology", ":material/menu_book:", False),
    ("pages/data.py", "Data (editors)", ":material/edit_note:", False),
)


def build_pages() -> list:
    return [st.Page(str(ROOT / path), title=title, icon=icon, default=default) for path, title, icon, default in PAGE_SPECS]


def ensure_routed() -> None:
    """Make a page that Streamlit ran on its own (legacy multipage mode on a fresh server's first deep link)
    go through the router instead, so it gets the sidebar filters and page config."""
    if not st.session_state.get(ROUTED_KEY):
        st.navigation(build_pages(), position="hidden")
        st.rerun()


# --- data ---------------------------------------------------------------------------------------------


@st.cache_resource
def _store(spec: str) -> Store:
    return open_store(spec)


def current_store() -> Store:
    """The configured store ($COMPLIANCE_STORE, $COMPLIANCE_DATA_DIR or data/), one object per server process."""
    return _store(configured_store_spec())


@st.cache_resource(show_spinner="Loading and validating the data…", max_entries=4)
def _load(spec: str, version: str) -> Dataset:
    return _store(spec).load()


@st.cache_resource
def _last_good() -> dict:
    return {}


def get_dataset() -> tuple[Dataset | None, DataValidationError | None]:
    """The validated dataset (cached per store version: an edit made anywhere shows on the next rerun), or the
    last good one plus the error when the stored data is invalid."""
    spec = configured_store_spec()
    try:
        ds = _load(spec, _store(spec).version())
    except DataValidationError as exc:
        return _last_good().get(spec), exc
    _last_good()[spec] = ds
    return ds, None


def _key(ds: Dataset) -> tuple[str, str]:
    return configured_store_spec(), ds.version


@st.cache_resource(max_entries=32)
def _scored(spec: str, version: str, as_of: str) -> pd.DataFrame:
    return scored_items(_load(spec, version), as_of)


def get_scored(ds: Dataset, as_of: pd.Timestamp) -> pd.DataFrame:
    """Scored items at a date (cached per data version and date); treat as read-only."""
    try:
        return _scored(*_key(ds), as_of.date().isoformat())
    except DataValidationError:  # serving the last good data: compute directly
        return scored_items(ds, as_of)


@st.cache_resource(max_entries=64)
def _sources(spec: str, version: str, as_of: str, filters: tuple) -> list[str]:
    from compliance.metrics import filter_items
    from compliance.scoring import status_sources

    ids = filter_items(_scored(spec, version, as_of), **dict(filters))["item_id"]
    return status_sources(_load(spec, version), as_of, ids)


def get_status_sources(ds: Dataset, as_of: pd.Timestamp, **filters) -> list[str]:
    """Sources behind the statuses of the items matching `filters` (cached per data version, date and filters)."""
    from compliance.metrics import filter_items
    from compliance.scoring import status_sources

    try:
        return _sources(*_key(ds), as_of.date().isoformat(), tuple(sorted(filters.items())))
    except DataValidationError:  # serving the last good data: compute directly
        return status_sources(ds, as_of, filter_items(scored_items(ds, as_of), **filters)["item_id"])


@st.cache_resource(max_entries=32)
def _view(spec: str, version: str, as_of: str, name: str, filters: tuple, _build):
    return _build(_load(spec, version), _scored(spec, version, as_of))


def cached_view(ds: Dataset, as_of: pd.Timestamp, name: str, filters: dict, build):
    """What a page derives from the scored items for one set of filters (its table, counts, coverage), built once per
    data version, date and filters: a rerun that changes nothing else (a click on a row, a download) costs nothing.
    `build(ds, scored)` must depend only on those."""
    try:
        return _view(*_key(ds), as_of.date().isoformat(), name, tuple(sorted(filters.items())), build)
    except DataValidationError:  # serving the last good data: build directly
        return build(ds, scored_items(ds, as_of))


def require_dataset() -> Dataset:
    """The dataset for a page; stops the page with a clear message if there has never been valid data."""
    ds, error = get_dataset()
    if error is not None:
        problems = error.problems
        shown = "\n".join(str(p) for p in problems[:30])
        more = f"\n… and {len(problems) - 30} more (run: python -m compliance validate)" if len(problems) > 30 else ""
        keep = " The dashboard keeps showing the last valid data meanwhile." if ds is not None else ""
        st.error(f"The data files on disk are invalid ({len(problems)} problem(s)); fix them and reload.{keep}",
                 icon=":material/error:")
        st.code(shown + more, language=None)  # shown verbatim: file, row, field, value, fix
        if ds is None:
            st.stop()
    return ds


# --- filters --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    cycle: int | None
    theme: str | None
    state: str | None
    as_of: pd.Timestamp

    def describe(self, ds: Dataset, *, use=("cycle", "theme", "state")) -> str:
        parts = []
        if "cycle" in use and self.cycle:
            parts.append(f"cycle {self.cycle} ({ds.cycles.set_index('cycle').at[self.cycle, 'review_year']})")
        if "theme" in use and self.theme:
            parts.append(f"theme: {theme_labels(ds).get(self.theme, self.theme)}")
        if "state" in use and self.state:
            parts.append(f"state: {state_name(self.state)}")
        return "; ".join(parts) or "none (all items)"

    def chart_context(self, ds: Dataset, sources, *, use=("cycle", "theme", "state")) -> ChartContext:
        """The chart's filters, date and sources; with the sources table, so the image names each source by publisher,
        year and code (most cited first) and the briefing pack lists every code with its full citation."""
        from compliance.charts import citation_counts

        return ChartContext(filters=self.describe(ds, use=use), as_of=self.as_of.date().isoformat(), sources=list(sources),
                            catalogue=ds.sources, weights=citation_counts(ds))


def theme_labels(ds: Dataset) -> dict[str, str]:
    return dict(zip(ds.themes["theme_slug"], ds.themes["label"]))


def state_options(ds: Dataset) -> list[str]:
    """Every state, by name: the states the data names (recommending, addressed, ICC, donors) first, then the rest
    (a diplomat whose state made no recommendation still finds it, and sees that nothing is itemised for it)."""
    cached = ds.__dict__.get("_state_options")
    if cached is None:
        named = set(pd.unique(ds.recommendation_states["state_iso3"].to_numpy(dtype=object)))
        named |= {c for v in pd.unique(ds.demands["addressee_iso3"].dropna().to_numpy(dtype=object)) for c in v.split(";")}
        named |= set(ds.icc_events["actor_iso3"].dropna()) | set(ds.pledges["donor_iso3"].dropna())
        codes = all_state_codes()
        cached = ds.__dict__["_state_options"] = [c for c in codes if c in named] + [c for c in codes if c not in named]
    return cached


def sidebar_filters(ds: Dataset) -> Filters:
    """The shared sidebar filters, bound to the URL's query parameters so a copied link reopens the view.
    Invalid parameters (e.g. ?cycle=9) are ignored by Streamlit; we say so once, visibly."""
    cycles = [str(int(c)) for c in ds.cycles["cycle"]]
    themes = list(ds.themes["theme_slug"])
    states = state_options(ds)
    labels = theme_labels(ds)
    _notice_invalid_params({"cycle": cycles, "theme": themes, "state": states})
    with st.sidebar:
        st.markdown("**Filters** · shared by every page, kept in the link")
        cycle = st.selectbox("UPR cycle", cycles, index=None, placeholder="All cycles", key="cycle", bind="query-params",
                             help="1 = 2010 · 2 = 2015 · 3 = 2020 · 4 = 2025. Demands belong to no cycle.")
        theme = _coded_select("Theme", themes, "theme", lambda slug: labels.get(slug, slug), "All themes",
                              "What the recommendation or demand is about; the link keeps the theme's short id.")
        state = _coded_select("Recommending or addressed state", states, "state", state_label, "All states",
                              "Type a name or a code, e.g. Norway or NOR; states named in the data come first. "
                              "The link keeps the ISO 3166 code.")
        as_of = st.date_input("Status as of", value=pd.Timestamp.today().date(), min_value=pd.Timestamp("2010-01-01").date(),
                              max_value=pd.Timestamp.today().date(), key="as_of", bind="query-params", format="YYYY-MM-DD")
        notices = st.session_state.get("_param_notices", {})
        for key, value in (("cycle", cycle), ("theme", theme), ("state", state)):
            if value is not None:  # the user picked a valid value: the link is valid for it now
                notices.pop(key, None)
        if notices:
            st.warning("Ignored in the link: " + "; ".join(notices.values()), icon=":material/link_off:")
    return Filters(int(cycle) if cycle else None, theme, state, pd.Timestamp(as_of))


def _coded_select(label: str, options: list[str], key: str, format_func, placeholder: str, help: str):
    """A selectbox that shows names but keeps the code in the link (?state=NOR, ?theme=death-penalty).
    Streamlit's own binding would put the shown name in the address, so this one syncs by hand: a link sets the
    value when it names a valid code (a changed link, e.g. a pasted one, wins), and the chosen value is written back."""
    raw = st.query_params.get(key)
    seen = f"_url_{key}"
    if raw != st.session_state.get(seen):  # the address changed (first visit, pasted link, browser navigation)
        st.session_state[seen] = raw
        st.session_state[key] = raw if raw in options else None
    value = st.selectbox(label, options, index=None, placeholder=placeholder, key=key, format_func=format_func, help=help)
    if value:
        st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]
    st.session_state[seen] = value
    return value


def url_text_input(label: str, key: str, placeholder: str = "", help: str | None = None):
    """A text input kept in the link by hand, so a value longer than MAX_PARAM_CHARS in a link is dropped (with the
    sidebar's notice) instead of reaching the widget: Streamlit's own binding would seed it whatever its length."""
    raw = st.query_params.get(key)
    seen = f"_url_{key}"
    if raw != st.session_state.get(seen):  # a changed address: take it if it is a sane value
        st.session_state[seen] = raw
        st.session_state[key] = raw if raw and len(raw) <= MAX_PARAM_CHARS else ""
    value = st.text_input(label, key=key, max_chars=MAX_PARAM_CHARS, placeholder=placeholder, help=help)
    if value:
        st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]
    st.session_state[seen] = value or None
    return value


def view_link(as_of: pd.Timestamp) -> str:
    """The address that reopens exactly this view: this page, every filter in the link, and the "as of" date pinned
    (today's when none was chosen), so a link shared today shows the same numbers next year."""
    from urllib.parse import urlencode, urlsplit, urlunsplit

    params = {k: st.query_params.get(k) for k in st.query_params.keys()}
    params["as_of"] = params.get("as_of") or as_of.date().isoformat()
    url = st.context.url if isinstance(st.context.url, str) else ""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))


def link_to_this_view(flt: Filters) -> None:
    """A box with the link to this view, with a copy button (st.code), at the foot of the sidebar."""
    with st.sidebar.expander("Link to this view", icon=":material/link:"):
        st.code(view_link(flt.as_of), language=None, wrap_lines=True)
        st.caption("Copy it with the button at its right. The 'as of' date is pinned, so the link shows these numbers "
                   "whenever it is opened.")


#: Longest value a link parameter may have; longer ones are dropped (a search text or an id is far shorter).
MAX_PARAM_CHARS = 200


def shown_value(value: str, limit: int = 40) -> str:
    """A link value as a notice shows it: quoted, and cut short when long."""
    value = str(value)
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"… ({len(value):,} characters)"


def _notice_invalid_params(valid: dict[str, list[str]]) -> None:
    """Say once, visibly, which link parameters were ignored. Streamlit drops an invalid bound value from the
    address after the first run, so the notice is kept (per parameter) until the link holds a valid value for it:
    as soon as the user picks one, it goes."""
    kept: dict[str, str] = st.session_state.setdefault("_param_notices", {})
    params = st.query_params
    for key in list(params.keys()):
        value = params.get(key) or ""
        if len(value) > MAX_PARAM_CHARS:
            kept[key] = f"{key}={shown_value(value)} is too long"
            del params[key]
    for key, options in valid.items():
        value = params.get(key)
        if value in (None, ""):
            continue
        if value in options:
            kept.pop(key, None)
        else:
            kept[key] = f"{key}={shown_value(value)} is not a known {key}"
    raw_date = params.get("as_of")
    if raw_date not in (None, ""):
        try:
            d = pd.Timestamp(raw_date)
            if not (pd.Timestamp("2010-01-01") <= d <= pd.Timestamp.today()):
                kept["as_of"] = f"as_of={shown_value(raw_date)} is outside 2010-01-01 to today"
            else:
                kept.pop("as_of", None)
        except (ValueError, TypeError):
            kept["as_of"] = f"as_of={shown_value(raw_date)} is not a date (use YYYY-MM-DD)"


def current_filters() -> Filters:
    """The filters set in the sidebar (read by pages)."""
    return st.session_state["_filters"]


# --- display --------------------------------------------------------------------------------------


def selection_name(ds: Dataset, flt: Filters) -> str | None:
    """The sidebar's theme and state filters in words ("Norway", "Death penalty, Norway"), or None."""
    parts = [theme_labels(ds).get(flt.theme, flt.theme) if flt.theme else None, state_name(flt.state) if flt.state else None]
    return ", ".join(p for p in parts if p) or None


def show_coverage(ds: Dataset, flt: Filters, *, use_cycle: bool = True) -> None:
    """Per cycle, what the view's recommendations hold and what they do not (received, itemised here, with a status)
    for the sidebar's filters, so a filter never silently hides a cycle."""
    from compliance.metrics import coverage_by_cycle, coverage_lines, filter_items

    filters = {"cycle": flt.cycle if use_cycle else None, "theme": flt.theme, "state": flt.state}
    who = selection_name(ds, flt)

    def build(ds, scored):
        recs = filter_items(scored, kind="recommendation", **filters)
        return coverage_lines(coverage_by_cycle(ds, recs, flt.as_of), who, flt.as_of)

    lines = cached_view(ds, flt.as_of, "coverage", filters, build)
    st.caption("**What this view covers.** " + " · ".join(lines))


def source_table(ds: Dataset, source_ids) -> pd.DataFrame:
    ids = sorted({s for v in source_ids for s in (v if isinstance(v, list) else str(v).split(";")) if s})
    src = ds.sources.set_index("source_id")
    return pd.DataFrame({"source": ids, "citation": [src.at[i, "citation"] for i in ids], "url": [src.at[i, "url"] for i in ids]})


def show_chart(fig, key: str, ds: Dataset) -> None:
    """A chart with the camera button set up for briefings, and its source line under it."""
    from ui.downloads import chart_downloads, plotly_config

    # theme=None: the figure looks exactly like its PNG/SVG download (one chart style everywhere)
    st.plotly_chart(fig, width="stretch", key=f"chart_{key}", config=plotly_config(fig, key), theme=None)
    chart_downloads(fig, key, ds)


def show_table(df: pd.DataFrame, *, neutralised: bool = False, **kwargs):
    """st.dataframe with every formula-like cell (=, +, -, @ ...) neutralised, so the table's own "Download as
    CSV" is as safe in a spreadsheet as our CSV/XLSX buttons. Every public table goes through here (a frame that
    `neutralise_frame` already made safe, e.g. a cached one, says so with neutralised=True)."""
    kwargs.setdefault("hide_index", True)
    return st.dataframe(df if neutralised else neutralise_frame(df), **kwargs)


def sources_expander(ds: Dataset, source_ids, label: str = "Sources for this page") -> None:
    with st.expander(label):
        show_table(source_table(ds, source_ids), width="stretch",
                   column_config={"url": st.column_config.LinkColumn("address")})
