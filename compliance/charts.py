"""Plotly figure builders. Each returns a briefing-ready figure: a title that says what it shows, a subtitle
naming the active filters, a source line, the "as of" date and the dashboard's name on the figure itself.
Never calls streamlit.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from .models import ICC_POSITION_LABELS, ICC_STATE_POSITIONS, RESPONSE_LABELS, STATUS_LABELS, STATUSES

DASHBOARD_NAME = "Belarus UPR compliance dashboard"

#: Okabe–Ito colours (safe for the common colour-vision deficiencies); one meaning everywhere.
STATUS_COLORS = {
    "implemented": "#009E73",
    "partial": "#E69F00",
    "unfulfilled": "#D55E00",
    "not_assessed": "#BBBBBB",
}
ICC_COLORS = {
    "referred": "#0072B2",
    "joined": "#56B4E9",
    "publicly_supports": "#009E73",
    "in_discussion": "#E69F00",
    "urged_to_join": "#CC79A7",
    "rejects": "#D55E00",
    "court_step": "#000000",
    "context": "#999999",
}
FONT = "Arial, Helvetica, sans-serif"


@dataclass
class ChartContext:
    """What every chart carries: filters in the subtitle, sources and date in the footer."""

    filters: str = "all items"
    as_of: str = ""
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def source_line(self, max_ids: int = 12) -> str:
        ids = sorted(set(self.sources))
        shown = ", ".join(ids[:max_ids]) + (f" and {len(ids) - max_ids} more" if len(ids) > max_ids else "")
        return f"Sources: {shown or 'none'} (full citations on the Sources & methodology page)"


def finish(fig: go.Figure, title: str, ctx: ChartContext, *, height: int = 520, legend_title: str | None = None) -> go.Figure:
    """Apply the one chart style: title + filter subtitle on top, source/date/name line at the bottom."""
    subtitle = f"Filters: {ctx.filters}" + (f" · as of {ctx.as_of}" if ctx.as_of else "")
    fig.update_layout(
        template="plotly_white",
        font=dict(family=FONT, size=13, color="#222"),
        title=dict(text=f"<b>{title}</b><br><span style='font-size:13px;color:#555'>{subtitle}</span>",
                   x=0.01, xanchor="left", y=1, yref="container", yanchor="top", pad=dict(t=18)),
        margin=dict(l=70, r=30, t=115, b=125 + 15 * len(ctx.notes)),
        uniformtext=dict(mode="hide", minsize=10),
        height=height,
        # legend in the top margin, under the title; the source line owns the bottom margin
        legend=dict(title=legend_title, orientation="h", yanchor="bottom", y=1.01, x=0, xanchor="left", traceorder="normal"),
        meta={"chart_title": title, "filters": ctx.filters, "as_of": ctx.as_of, "sources": sorted(set(ctx.sources))},
    )
    fig.update_yaxes(automargin=True)
    fig.add_annotation(
        text="<br>".join([*ctx.notes, ctx.source_line(), f"Data as of {ctx.as_of or 'today'} · {DASHBOARD_NAME}"]),
        xref="paper", yref="paper", x=0, y=0, yshift=-62, showarrow=False, xanchor="left", yanchor="top",
        align="left", font=dict(size=10, color="#555"),
    )
    return fig


def _empty(fig: go.Figure, message: str) -> go.Figure:
    fig.add_annotation(text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font=dict(size=15, color="#777"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def build_status_bar_chart(table: pd.DataFrame, by: str, title: str, ctx: ChartContext, *, labels: dict | None = None,
                           horizontal: bool = False) -> go.Figure:
    """Stacked bars of item counts per status for each value of `by` (a `metrics.summarize` table)."""
    fig = go.Figure()
    if table.empty or table["total"].sum() == 0:
        return finish(_empty(fig, "No items match these filters"), title, ctx)
    cats = [labels.get(v, str(v)) if labels else str(v) for v in table[by]]
    for s in STATUSES:
        values = table[s].tolist()
        kw = dict(y=cats, x=values, orientation="h") if horizontal else dict(x=cats, y=values)
        fig.add_bar(name=STATUS_LABELS[s], marker_color=STATUS_COLORS[s], text=[v or "" for v in values],
                    textposition="inside", textangle=0, hovertemplate="%{fullData.name}: %{value}<extra></extra>", **kw)
    fig.update_layout(barmode="stack")
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category")
        fig.update_xaxes(title="Number of items")
    else:
        fig.update_xaxes(type="category")
        fig.update_yaxes(title="Number of items")
    return finish(fig, title, ctx, height=max(420, 28 * len(cats) + 250) if horizontal else 520, legend_title="Status")


def build_tally_chart(tallies: list[dict], title: str, ctx: ChartContext) -> go.Figure:
    """Published tallies as stacked bars, one bar per tally; unknown figures are left out and listed."""
    fig = go.Figure()
    if not tallies:
        return finish(_empty(fig, "No published tally for this selection"), title, ctx)
    scope_label = {"all": "all recommendations", **{k: v.lower() for k, v in RESPONSE_LABELS.items()}}
    names = []
    for t in tallies:
        missing = [t[s] is None for s in STATUSES]
        note = " (figures not published)" if all(missing) else (" (some figures not published)" if any(missing) else "")
        names.append(f"Cycle {t['cycle']} · {t['source_id']} · {scope_label.get(t['scope'], t['scope'])}{note}")
    assessors = {}
    for t in tallies:
        assessors.setdefault(t["source_id"], t["assessor"])
    ctx = ChartContext(ctx.filters, ctx.as_of, ctx.sources,
                       [*ctx.notes, *(f"{sid}: {name}" for sid, name in assessors.items())])
    for s in STATUSES:
        values = [t[s] for t in tallies]
        fig.add_bar(y=names, x=[v if v is not None else 0 for v in values], orientation="h", name=STATUS_LABELS[s],
                    marker_color=STATUS_COLORS[s], text=["unknown" if v is None else v for v in values], textposition="inside", textangle=0,
                    hovertemplate="%{fullData.name}: %{text}<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Recommendations (as published)")
    return finish(fig, title, ctx, height=max(380, 60 * len(tallies) + 260), legend_title="Status")


def build_heatmap(table: pd.DataFrame, title: str, ctx: ChartContext, *, value: str = "weighted_score",
                  row_labels: dict | None = None) -> go.Figure:
    """Theme × cycle heat map of the weighted score; cells with nothing assessed say 'not assessed'."""
    fig = go.Figure()
    if table.empty:
        return finish(_empty(fig, "No items match these filters"), title, ctx)
    pivot = table.pivot(index="theme", columns="cycle", values=value)
    counts = table.pivot(index="theme", columns="cycle", values="total").fillna(0).astype(int)
    assessed = table.pivot(index="theme", columns="cycle", values="assessed").fillna(0).astype(int)
    text = [[("–" if counts.loc[r, c] == 0 else (f"n/a<br>{counts.loc[r, c]} not assessed" if pd.isna(pivot.loc[r, c]) else f"{pivot.loc[r, c]:.0%}<br>{assessed.loc[r, c]} of {counts.loc[r, c]} assessed")) for c in pivot.columns] for r in pivot.index]
    fig.add_heatmap(
        z=pivot.values.astype(float), x=[f"Cycle {c}" for c in pivot.columns],
        y=[row_labels.get(r, r) if row_labels else r for r in pivot.index],
        text=text, texttemplate="%{text}", colorscale=[[0, "#D55E00"], [0.5, "#E69F00"], [1, "#009E73"]],
        zmin=0, zmax=1, colorbar=dict(title="Weighted<br>score", tickformat=".0%"), hoverongaps=False,
        hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed")
    return finish(fig, title, ctx, height=max(420, 34 * len(pivot.index) + 240))


def build_demand_timeline(demands: pd.DataFrame, title: str, ctx: ChartContext, *, group: str = "addressee",
                          group_labels: dict | None = None) -> go.Figure:
    """Demands on a timeline (x: date issued, y: addressee or issuer type), coloured by status."""
    fig = go.Figure()
    dated = demands[demands["date_start"].notna()]
    if dated.empty:
        return finish(_empty(fig, "No dated demands match these filters"), title, ctx)
    for s in STATUSES:
        sub = dated[dated["status"] == s]
        if sub.empty:
            continue
        fig.add_scatter(
            x=sub["date_start"], y=[group_labels.get(v, v) if group_labels else v for v in sub[group]], mode="markers",
            name=STATUS_LABELS[s], marker=dict(color=STATUS_COLORS[s], size=13, line=dict(color="#333", width=1)),
            text=sub["item_id"] + ": " + sub["summary"].str.slice(0, 90), customdata=sub["date"],
            hovertemplate="%{text}<br>issued %{customdata}<extra>%{fullData.name}</extra>",
        )
    undated = len(demands) - len(dated)
    if undated:
        ctx = ChartContext(ctx.filters + f" · {undated} undated demand(s) not shown", ctx.as_of, ctx.sources)
    fig.update_xaxes(title="Date issued (partial dates at the start of their period)", range=["2010-07-01", pd.Timestamp.today().strftime("%Y-12-31")])
    fig.update_yaxes(type="category")
    return finish(fig, title, ctx, legend_title="Status")


@lru_cache(maxsize=1)
def topojson_url() -> str:
    """plotly.js fetches `topojsonURL + name + '.json'` for every map even when the base map is hidden. A data:
    URL ending in '#' turns the appended name into a fragment, so the shipped topojson is used everywhere (the
    browser, the offline HTML file, kaleido) with no network."""
    raw = (Path(__file__).parent / "assets" / "europe_110m.topojson.json").read_bytes()
    return "data:application/json;base64," + base64.b64encode(raw).decode() + "#"


def plotly_config_base() -> dict:
    return {"displaylogo": False, "topojsonURL": topojson_url()}


@lru_cache(maxsize=1)
def europe_geojson() -> dict:
    """Country shapes shipped with the package (see scripts/build_europe_geojson.py), so maps need no network."""
    return json.loads((Path(__file__).parent / "assets" / "europe_110m.geojson").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def country_centres() -> dict[str, tuple[float, float]]:
    """A label point per country: the centre of the bounding box of its largest polygon."""
    out = {}
    for f in europe_geojson()["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        ring = max((p[0] for p in polys), key=len)
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        out[f["id"]] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return out


def build_icc_map(positions: pd.DataFrame, title: str, ctx: ChartContext) -> go.Figure:
    """European map of states by their position on Lithuania's referral; other states in light grey."""
    fig = go.Figure()
    geo = europe_geojson()
    all_ids = [f["id"] for f in geo["features"]]
    fig.add_choropleth(geojson=geo, locations=all_ids, z=[0] * len(all_ids), featureidkey="id",
                       colorscale=[[0, "#EEEEEE"], [1, "#EEEEEE"]], showscale=False, showlegend=False,
                       marker_line_color="#FFFFFF", marker_line_width=0.6, hoverinfo="skip", name="no position recorded")
    for pos in ICC_STATE_POSITIONS:
        sub = positions[positions["position"] == pos]
        if sub.empty:
            continue
        fig.add_choropleth(
            geojson=geo, featureidkey="id", locations=sub["actor_iso3"], z=[1] * len(sub), name=ICC_POSITION_LABELS[pos],
            colorscale=[[0, ICC_COLORS[pos]], [1, ICC_COLORS[pos]]], showscale=False, showlegend=True,
            marker_line_color="#FFFFFF", marker_line_width=0.6,
            text=sub["actor"] + " — " + ICC_POSITION_LABELS[pos] + " (" + sub["event_date"].fillna("") + ")",
            hovertemplate="%{text}<extra></extra>",
        )
    if not positions.empty:
        # names on the map, so a position is readable without colour (and in black-and-white print)
        centres = country_centres()
        known = positions[positions["actor_iso3"].isin(centres)]
        fig.add_scattergeo(
            lon=[centres[c][0] for c in known["actor_iso3"]], lat=[centres[c][1] for c in known["actor_iso3"]],
            text=known["actor"], mode="text", textfont=dict(size=11, color="#111"), showlegend=False, hoverinfo="skip")
    if positions.empty:
        _empty(fig, "No state position known at this date")
    fig.update_geos(visible=False, scope="europe", projection_type="mercator", lataxis_range=[36, 71], lonaxis_range=[-12, 42],
                    bgcolor="#FFFFFF")
    return finish(fig, title, ctx, height=640, legend_title="Position")


def build_icc_timeline(events: pd.DataFrame, title: str, ctx: ChartContext) -> go.Figure:
    """Dated events: states' positions and the Court's steps, one row per actor."""
    fig = go.Figure()
    dated = events[events["event_date_start"].notna() & (events["position"] != "context")]
    if dated.empty:
        return finish(_empty(fig, "No dated events"), title, ctx)
    for pos in (*ICC_STATE_POSITIONS, "court_step"):
        sub = dated[dated["position"] == pos]
        if sub.empty:
            continue
        fig.add_scatter(
            x=sub["event_date_start"], y=sub["actor"], mode="markers", name=ICC_POSITION_LABELS[pos],
            marker=dict(color=ICC_COLORS[pos], size=14, symbol="diamond" if pos == "court_step" else "circle", line=dict(color="#333", width=1)),
            text=sub["event_id"] + " (" + sub["event_date"] + "): " + sub["summary"].str.slice(0, 100),
            hovertemplate="%{text}<extra>%{fullData.name}</extra>",
        )
    fig.update_yaxes(type="category", categoryorder="category descending")
    fig.update_xaxes(title="Date (partial dates at the start of their period)")
    return finish(fig, title, ctx, height=max(420, 40 * dated["actor"].nunique() + 260), legend_title="Position")


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def build_pledge_chart(pledges: pd.DataFrame, title: str, ctx: ChartContext) -> go.Figure:
    """One bar per pledge with an amount, in its original currency; one panel per currency (never summed across)."""
    from plotly.subplots import make_subplots

    p = pledges[pledges["amount"].notna()].copy()
    if p.empty:
        return finish(_empty(go.Figure(), "No pledge with an amount matches these filters"), title, ctx)
    currencies = sorted(p["currency"].unique())
    p["label"] = p["pledge_id"] + " " + p["donor"].map(_short) + " → " + p["recipient"].map(_short)
    fig = make_subplots(rows=len(currencies), cols=1, subplot_titles=[f"Amounts in {c}" for c in currencies],
                        row_heights=[max(1, (p["currency"] == c).sum()) for c in currencies], vertical_spacing=0.08)
    for i, cur in enumerate(currencies, start=1):
        sub = p[p["currency"] == cur].sort_values("amount")
        colors = ["#0072B2" if a == "yes" else "#999999" for a in sub["accountability"]]
        fig.add_bar(y=sub["label"], x=sub["amount"].astype(float), orientation="h", marker_color=colors, showlegend=False,
                    text=[f"{q.replace('_', ' ') + ' ' if q and q != 'exact' else ''}{a:,.0f} {cur}" for a, q in zip(sub["amount"], sub["amount_qualifier"].fillna(""))],
                    textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>", row=i, col=1)
    ctx = ChartContext(ctx.filters + " · blue = accountability work", ctx.as_of, ctx.sources)
    fig.update_xaxes(tickformat="~s")
    return finish(fig, title, ctx, height=max(460, 26 * len(p) + 120 * len(currencies) + 200))


def build_pledge_timeline(pledges: pd.DataFrame, title: str, ctx: ChartContext) -> go.Figure:
    """Dated pledges over time, amount on a log axis, one colour per original currency."""
    fig = go.Figure()
    p = pledges[pledges["amount"].notna() & pledges["pledged_date_start"].notna()]
    if p.empty:
        return finish(_empty(fig, "No dated pledge with an amount"), title, ctx)
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
    for i, (cur, sub) in enumerate(p.groupby("currency")):
        fig.add_scatter(x=sub["pledged_date_start"], y=sub["amount"].astype(float), mode="markers", name=cur,
                        marker=dict(size=12, color=palette[i % len(palette)], line=dict(color="#333", width=1)),
                        text=sub["pledge_id"] + " " + sub["donor"] + " → " + sub["recipient"],
                        hovertemplate="%{text}<br>%{y:,.0f} " + cur + "<extra></extra>")
    fig.update_yaxes(type="log", title="Amount in original currency (log scale)")
    fig.update_xaxes(title="Date pledged")
    return finish(fig, title, ctx, legend_title="Currency")


def build_status_over_time_chart(series: pd.DataFrame, title: str, ctx: ChartContext, *,
                                 markers: list[tuple[pd.Timestamp, str]] = ()) -> go.Figure:
    """Status counts over time as stacked areas (one colour per status, as everywhere), from a
    `metrics.status_over_time` series; `markers` (the review dates) are drawn as labelled dotted lines."""
    fig = go.Figure()
    if series.empty or not series[list(STATUSES)].to_numpy().any():
        return finish(_empty(fig, "Nothing exists yet for these filters at these dates"), title, ctx)
    for st in STATUSES:
        fig.add_scatter(x=series["date"], y=series[st], name=STATUS_LABELS[st], mode="lines", stackgroup="status",
                        line=dict(color=STATUS_COLORS[st], width=0.5, shape="hv"), fillcolor=STATUS_COLORS[st],
                        hovertemplate="%{x|%Y-%m-%d}: %{y} " + STATUS_LABELS[st].lower() + "<extra></extra>")
    _time_markers(fig, markers)
    fig.update_yaxes(title="Number of items", rangemode="tozero")
    fig.update_xaxes(title="Date (status as of each date)")
    return finish(fig, title, ctx, legend_title="Status")


def build_rate_over_time_chart(series: pd.DataFrame, title: str, ctx: ChartContext, *,
                               markers: list[tuple[pd.Timestamp, str]] = ()) -> go.Figure:
    """The implementation rate and the weighted score over time (a `metrics.with_rates` series), over assessed items
    only; dates where nothing was assessed are gaps, not zeros."""
    fig = go.Figure()
    if series.empty or series["implementation_rate"].isna().all():
        return finish(_empty(fig, "Nothing assessed yet for these filters at these dates"), title, ctx)
    for col, name, color, dash in (("implementation_rate", "Implementation rate (implemented / assessed)", "#009E73", "solid"),
                                   ("weighted_score", "Weighted score (partial counts half)", "#0072B2", "dash")):
        fig.add_scatter(x=series["date"], y=series[col], name=name, mode="lines", connectgaps=False,
                        line=dict(color=color, width=2.5, dash=dash, shape="hv"),
                        customdata=series["assessed"], hovertemplate="%{x|%Y-%m-%d}: %{y:.0%} of %{customdata} assessed<extra></extra>")
    _time_markers(fig, markers)
    fig.update_yaxes(title="Share of assessed items", tickformat=".0%", range=[0, 1])
    fig.update_xaxes(title="Date")
    return finish(fig, title, ctx, legend_title="Measure")


def _time_markers(fig: go.Figure, markers) -> None:
    for when, label in markers:
        fig.add_vline(x=pd.Timestamp(when).value / 1e6, line_dash="dot", line_color="#555", line_width=1)
        fig.add_annotation(x=pd.Timestamp(when), y=1, yref="paper", text=label, showarrow=False, xanchor="left",
                           yanchor="top", font=dict(size=10, color="#555"), textangle=-90, xshift=2)


def figure_data(fig: go.Figure) -> pd.DataFrame:
    """The data drawn in a figure, one row per point (trace name, x, y, text): the CSV beside every chart."""
    rows = []
    for trace in fig.data:
        d = trace.to_plotly_json()
        name = d.get("name")
        if d.get("type") == "heatmap":
            for yi, ylab in enumerate(d["y"]):
                for xi, xlab in enumerate(d["x"]):
                    z = d["z"][yi][xi]
                    rows.append({"series": name or "value", "x": xlab, "y": ylab, "value": None if pd.isna(z) else z})
            continue
        if d.get("type") == "choropleth":
            for loc, text in zip(d["locations"], d.get("text", [None] * len(d["locations"]))):
                rows.append({"series": name, "x": loc, "y": None, "value": None, "label": text})
            continue
        xs, ys = list(d.get("x", [])), list(d.get("y", []))
        texts = d.get("text")
        texts = list(texts) if isinstance(texts, (list, tuple)) else [texts] * max(len(xs), len(ys))
        for i in range(max(len(xs), len(ys))):
            rows.append({"series": name, "x": xs[i] if i < len(xs) else None, "y": ys[i] if i < len(ys) else None,
                         "label": texts[i] if i < len(texts) else None})
    return pd.DataFrame(rows)
