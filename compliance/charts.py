"""Plotly figure builders. Each returns a briefing-ready figure: a title that says what it shows, a subtitle
naming the active filters, a source line, the "as of" date and the dashboard's name on the figure itself.
Never calls streamlit.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from .models import ICC_POSITION_LABELS, ICC_STATE_POSITIONS, RESPONSE_LABELS, STATUS_LABELS, STATUSES

DASHBOARD_NAME = "Belarus UPR compliance dashboard"
STATE_NAME = "Belarus"

#: Every export is a 16:9 slide: 1280 x 720 points (2560 x 1440 px as PNG), larger charts grow in both directions.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720

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
#: the heat map's steps: ColorBrewer YlGnBu (sequential, colour-blind safe), one colour per band of the weighted score,
#: so that 0 %, a few per cent and a fifth never look alike. (upper edge of the band, colour, label)
HEAT_STEPS = (
    (0.005, "#FFFFCC", "0 %"),
    (0.10, "#C7E9B4", "1–9 %"),
    (0.25, "#7FCDBB", "10–24 %"),
    (0.50, "#41B6C4", "25–49 %"),
    (0.75, "#1D91C0", "50–74 %"),
    (0.995, "#225EA8", "75–99 %"),
    (1.0, "#0C2C84", "100 %"),
)
MISSING_CELL = "#E4E4E4"
FONT = "Arial, Helvetica, sans-serif"
#: px from the image's top edge to the title, and the top margin that holds title, subtitle and legend
TITLE_TOP_PX, TOP_MARGIN_PX = 34, 132
#: characters of a footer line on a 1280-wide chart (11 px text, starting right of the y-axis labels); short enough to
#: fit the narrower chart on the page too (about 950 px wide beside the sidebar at 1440 px)
FOOTER_CHARS = 120
#: px of a marker plus the gap that keeps two markers apart (used to stack events of the same day)
MARKER_PX = 13


def slide_size(min_height: int = SLIDE_HEIGHT) -> tuple[int, int]:
    """(width, height) of a 16:9 figure at least `min_height` tall: a slide, never a strip or a scroll."""
    height = max(SLIDE_HEIGHT, -(-int(min_height) // 9) * 9)
    return height * 16 // 9, height


# --- sources on the image -------------------------------------------------------------------------------------


def short_source_name(producer: str, published_date=None, max_len: int = 42) -> str:
    """'Human Rights House Foundation 2021': the publisher without parenthetical detail, and the year (n.d. when the
    source shows none); the code beside it leads to the full citation."""
    name = re.sub(r"\s*\([^)]*\)", "", str(producer or "")).strip(" ,;") or str(producer or "").strip() or "unknown"
    if len(name) > max_len:
        name = name[: max_len - 1].rstrip(" ,;") + "…"
    year = str(published_date)[:4] if isinstance(published_date, str) and published_date[:4].isdigit() else "n.d."
    return f"{name} {year}"


def citation_counts(ds) -> dict[str, int]:
    """How many rows of the dataset cite each source: a chart names the sources behind most facts first."""
    cached = ds.__dict__.get("_citation_counts")
    if cached is None:
        counts: Counter = Counter()
        for name, df in ds.frames.items():
            if name != "sources.csv" and "source_ids" in df.columns:
                ids = df["source_ids"].dropna().astype(str).str.split(";").explode().str.strip()
                counts.update(ids[ids != ""].value_counts().to_dict())
        cached = ds.__dict__["_citation_counts"] = dict(counts)
    return cached


@dataclass
class ChartContext:
    """What every chart carries: filters in the subtitle, sources and date in the footer.

    `catalogue` is the sources table (source_id, producer, published_date, citation, url): with it the image names each
    source briefly (publisher and year, with its code) and the figure keeps every code's full citation and address for
    the briefing pack. `weights` rank the sources, most cited first."""

    filters: str = "all items"
    as_of: str = ""
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    catalogue: pd.DataFrame | None = field(default=None, repr=False)
    weights: dict[str, float] = field(default_factory=dict, repr=False)

    def ordered_sources(self) -> list[str]:
        ids = set(self.sources)
        return sorted(ids, key=lambda i: (-self.weights.get(i, 0), i))

    def _row(self, source_id: str) -> dict | None:
        if self.catalogue is None or self.catalogue.empty:
            return None
        index = self.__dict__.get("_index")
        if index is None or index[0] is not self.catalogue:  # built once per catalogue
            cols = [c for c in ("producer", "published_date", "citation", "url") if c in self.catalogue.columns]
            rows = self.catalogue[["source_id", *cols]].to_dict("records")
            index = self.__dict__["_index"] = (self.catalogue, {r["source_id"]: r for r in rows})
        return index[1].get(source_id)

    def short_name(self, source_id: str) -> str | None:
        row = self._row(source_id)
        return None if row is None else short_source_name(row.get("producer"), row.get("published_date"))

    def source_lines(self, max_chars: int = FOOTER_CHARS, max_lines: int = 2) -> list[str]:
        """'Sources: Viasna 2025 (S06); UN Human Rights Council 2020 (C05); … and 38 more — full list in the pack',
        most cited first, at most `max_lines` lines of about `max_chars` characters."""
        ids = self.ordered_sources()
        if not ids:
            return ["Sources: none"]
        named = self.catalogue is not None
        entries = [(f"{self.short_name(i)} ({i})" if named and self.short_name(i) else i) for i in ids]
        sep = "; " if named else ", "
        end = " — full citations in the pack" if named else ""
        lines, current, k = [], "Sources: ", 0
        while k < len(entries):
            last_line = len(lines) == max_lines - 1
            left = len(entries) - k - 1
            tail = (f" and {left} more — full list in the pack" if left else end) if last_line else sep.rstrip()
            piece = ("" if current in ("Sources: ", "") else sep) + entries[k]
            if len(current) + len(piece) + len(tail) <= max_chars or current in ("Sources: ", ""):
                current += piece
                k += 1
                continue
            if last_line:
                break
            lines.append(current + sep.rstrip())
            current = ""
        left = len(entries) - k
        lines.append(current + (f" and {left} more — full list in the pack" if left else end))
        return lines

    def source_line(self, max_ids: int = 12) -> str:
        return "<br>".join(self.source_lines())

    def refs(self) -> list[dict]:
        """Code, short name, full citation and address of every source, for the pack's README."""
        out = []
        for i in self.ordered_sources():
            row = self._row(i)
            out.append({"source_id": i, "short": self.short_name(i) or "",
                        "citation": "" if row is None else str(row.get("citation") or ""),
                        "url": "" if row is None else str(row.get("url") or "")})
        return out

    def weighted_by(self, source_ids: pd.Series) -> "ChartContext":
        """The same context with the sources of the drawn rows ranked by how many of those rows cite them."""
        local = Counter(s.strip() for v in source_ids.dropna() for s in str(v).split(";") if s.strip())
        weights = {i: local.get(i, 0) * 1_000_000 + self.weights.get(i, 0) for i in set(self.sources) | set(local)}
        return replace(self, sources=sorted(set(self.sources) | set(local)), weights=weights)

    def with_notes(self, *notes: str) -> "ChartContext":
        return replace(self, notes=[*self.notes, *(n for n in notes if n)])


def chart_title(title: str) -> str:
    """Every chart names the state it is about, so an image lifted into a slide still says so."""
    return title if STATE_NAME.lower() in title.lower() else f"{STATE_NAME}: {title}"


def finish(fig: go.Figure, title: str, ctx: ChartContext, *, height: int = SLIDE_HEIGHT, legend_title: str | None = None,
           csv_columns: dict | None = None) -> go.Figure:
    """Apply the one chart style: a 16:9 canvas; title naming Belarus, with a margin above it, and the filter subtitle
    on top; notes, sources (publisher, year and code) and date at the bottom. `height` is the least height the chart
    needs; `csv_columns` names what each drawn field holds in the chart's CSV (None leaves it out)."""
    title = chart_title(title)
    width, height = slide_size(height)
    subtitle = f"Filters: {ctx.filters}" + (f" · as of {ctx.as_of}" if ctx.as_of else "")
    chars = FOOTER_CHARS  # the footer starts where the plot does, right of the axis labels, on the page and the image
    notes = [line for note in ctx.notes for line in (textwrap.wrap(note, chars, break_on_hyphens=False) or [""])]
    footer = [*notes, *ctx.source_lines(max_chars=chars), f"Data as of {ctx.as_of or 'today'} · {DASHBOARD_NAME}"]
    empty = next((a.text for a in fig.layout.annotations if a.name == "empty"), None)
    fig.update_layout(
        template="plotly_white",
        font=dict(family=FONT, size=13, color="#222"),
        title=dict(text=f"<b>{html.escape(title, quote=False)}</b><br>"
                        f"<span style='font-size:13px;color:#555'>{html.escape(subtitle, quote=False)}</span>",
                   x=0.01, xanchor="left", y=1 - TITLE_TOP_PX / height, yref="container", yanchor="top", font=dict(size=19)),
        margin=dict(l=70, r=30, t=TOP_MARGIN_PX, b=62 + 15 * len(footer)),
        uniformtext=dict(mode="hide", minsize=10),
        width=width,
        height=height,
        # legend in the top margin, under the title; the source line owns the bottom margin
        legend=dict(title=legend_title, orientation="h", yanchor="bottom", y=1.01, x=0, xanchor="left", traceorder="normal"),
        meta={"chart_title": title, "filters": ctx.filters, "as_of": ctx.as_of, "sources": sorted(set(ctx.sources)),
              "source_refs": ctx.refs(), "csv_columns": csv_columns or {}, "empty": empty},
    )
    fig.update_yaxes(automargin=True)
    fig.add_annotation(
        text="<br>".join(html.escape(line, quote=False) for line in footer),
        xref="paper", yref="paper", x=0, y=0, yshift=-50, showarrow=False, xanchor="left", yanchor="top",
        align="left", font=dict(size=11, color="#444"), name="footer",
    )
    return fig


def _empty(fig: go.Figure, message: str) -> go.Figure:
    """An empty chart says why; `finish` records the message so briefing packs leave the chart out."""
    fig.add_annotation(text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font=dict(size=15, color="#777"),
                       name="empty")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def is_empty(fig: go.Figure) -> str | None:
    """The message of a chart that draws nothing ('No published tally for this selection'), else None."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return meta.get("empty")


# --- stacking events of the same day ------------------------------------------------------------------------------


def stack_lanes(starts: pd.Series, ends: pd.Series, gap_days: float) -> list[int]:
    """A lane (0, 1, 2 ...) per event so that no two events closer than `gap_days` share one: events of the same day
    (or a few days apart, which look like the same day) sit one above the other instead of hiding each other. An
    event known only to a month or a year occupies its whole period."""
    order = sorted(range(len(starts)), key=lambda i: (starts.iloc[i], ends.iloc[i]))
    lane_end: list[pd.Timestamp] = []
    lanes = [0] * len(starts)
    gap = pd.Timedelta(days=gap_days)
    for i in order:
        s, e = starts.iloc[i], max(ends.iloc[i], starts.iloc[i])
        for k, last in enumerate(lane_end):
            if s - last > gap:
                lanes[i], lane_end[k] = k, e
                break
        else:
            lanes[i] = len(lane_end)
            lane_end.append(e)
    return lanes


#: px a lane of stacked markers gets; a band (one row of the chart) is its lanes plus one lane of padding
LANE_PX = 17


def stacked_rows(groups: pd.Series, order: list, lanes: list[int]) -> tuple[list[float], list[float], list[float], float]:
    """y of every point, one band per group (in `order`, top first) as tall as its number of lanes plus a lane of
    padding; returns the points' y, the band centres, the boundaries between bands and the total height in lanes."""
    lanes_s = pd.Series(list(lanes), index=groups.index)
    n = {g: int(lanes_s[groups == g].max()) + 1 if (groups == g).any() else 1 for g in order}
    centres, bounds, y = {}, [], 0.0
    for g in order:  # top to bottom: y decreases
        centres[g] = y - (n[g] + 1) / 2
        y -= n[g] + 1
        bounds.append(y)
    ys = [centres[g] + ((n[g] - 1) / 2 - lane) for g, lane in zip(groups, lanes_s)]
    return ys, [centres[g] for g in order], bounds[:-1], -y


def lanes_by_group(df: pd.DataFrame, group: str, start: str, end: str, gap: float) -> list[int]:
    """`stack_lanes` within each group (each band of the chart), in the frame's row order."""
    lanes = pd.Series(0, index=range(len(df)))
    pos = pd.Series(range(len(df)), index=df.index)
    for _, sub in df.groupby(group, sort=False):
        lanes.iloc[pos[sub.index].to_numpy()] = stack_lanes(sub[start], sub[end], gap)
    return lanes.tolist()


def gap_days(start: pd.Timestamp, end: pd.Timestamp, plot_px: float = 1000) -> float:
    """Days one marker covers on an axis from `start` to `end` drawn `plot_px` wide."""
    return max(1.0, (end - start).days * (MARKER_PX + 3) / plot_px)


def _partial_period_lines(x_start, x_end, ys, color: str) -> dict:
    """A thin line over the period of each date known only to a month or a year (None-separated)."""
    xs, yy = [], []
    for a, b, y in zip(x_start, x_end, ys):
        if pd.notna(a) and pd.notna(b) and b > a:
            xs += [a, b, None]
            yy += [y, y, None]
    return dict(x=xs, y=yy, mode="lines", line=dict(color=color, width=2), hoverinfo="skip", showlegend=False,
                meta={"csv": False})


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
    columns = {"series": "status", "x": "items" if horizontal else by, "y": by if horizontal else "items", "text": None}
    return finish(fig, title, ctx, height=max(SLIDE_HEIGHT, 26 * len(cats) + 330) if horizontal else SLIDE_HEIGHT,
                  legend_title="Status", csv_columns=columns)


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
    ctx = ctx.with_notes("Assessors: " + "; ".join(f"{sid}: {name}" for sid, name in assessors.items()))
    for s in STATUSES:
        values = [t[s] for t in tallies]
        fig.add_bar(y=names, x=[v if v is not None else 0 for v in values], orientation="h", name=STATUS_LABELS[s],
                    marker_color=STATUS_COLORS[s], text=["unknown" if v is None else v for v in values], textposition="inside", textangle=0,
                    hovertemplate="%{fullData.name}: %{text}<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Recommendations (as published)")
    return finish(fig, title, ctx, height=40 * len(tallies) + 330, legend_title="Status",
                  csv_columns={"series": "status", "y": "tally", "x": "recommendations_drawn", "text": "figure_as_published"})


def heat_step(value: float) -> int:
    """Which step of HEAT_STEPS a weighted score (0-1) falls in."""
    for i, (upper, _, _) in enumerate(HEAT_STEPS):
        if value < upper:
            return i
    return len(HEAT_STEPS) - 1


def heat_color(value: float) -> str:
    """The heat map's colour for a weighted score (0-1)."""
    return HEAT_STEPS[heat_step(value)][1]


def heat_colorscale() -> list:
    """One flat colour per step, equal room for each on the colour bar (z is the step number, 0-6)."""
    n = len(HEAT_STEPS)
    return [pair for i, (_, color, _) in enumerate(HEAT_STEPS) for pair in ([i / n, color], [(i + 1) / n, color])]


def build_heatmap(table: pd.DataFrame, title: str, ctx: ChartContext, *, value: str = "weighted_score",
                  row_labels: dict | None = None) -> go.Figure:
    """Theme × cycle heat map of the weighted score in visible steps; cells with nothing itemised ('–') or nothing
    assessed ('n/a') are grey and say so."""
    fig = go.Figure()
    if table.empty:
        return finish(_empty(fig, "No items match these filters"), title, ctx)
    pivot = table.pivot(index="theme", columns="cycle", values=value).astype(float)
    counts = table.pivot(index="theme", columns="cycle", values="total").fillna(0).astype(int)
    assessed = table.pivot(index="theme", columns="cycle", values="assessed").fillna(0).astype(int)
    x = [f"Cycle {c}" for c in pivot.columns]
    y = [row_labels.get(r, r) if row_labels else r for r in pivot.index]

    def cell(r, c):
        if counts.loc[r, c] == 0:
            return "–"
        if pd.isna(pivot.loc[r, c]):
            return f"n/a · 0/{counts.loc[r, c]}"
        return f"{pivot.loc[r, c]:.0%} · {assessed.loc[r, c]}/{counts.loc[r, c]}".replace("%", " %")

    text = [[cell(r, c) for c in pivot.columns] for r in pivot.index]
    score = lambda r, c: None if pd.isna(pivot.loc[r, c]) else round(float(pivot.loc[r, c]), 4)  # noqa: E731
    custom = [[[int(counts.loc[r, c]), int(assessed.loc[r, c]), score(r, c)] for c in pivot.columns] for r in pivot.index]
    steps = [[None if pd.isna(pivot.loc[r, c]) else heat_step(pivot.loc[r, c]) for c in pivot.columns] for r in pivot.index]
    missing = [[1.0 if pd.isna(pivot.loc[r, c]) else None for c in pivot.columns] for r in pivot.index]
    # grey under the cells with no score, so '–' and 'n/a' never pass for a low score
    fig.add_heatmap(z=missing, x=x, y=y, colorscale=[[0, MISSING_CELL], [1, MISSING_CELL]], showscale=False, hoverinfo="skip",
                    xgap=2, ygap=2, meta={"csv": False})
    n = len(HEAT_STEPS)
    fig.add_heatmap(
        z=steps, x=x, y=y, text=text, texttemplate="%{text}", textfont=dict(size=12), customdata=custom,
        colorscale=heat_colorscale(), zmin=-0.5, zmax=n - 0.5, xgap=2, ygap=2, hoverongaps=False, name="weighted score",
        colorbar=dict(title=dict(text="Weighted score", side="right"), tickmode="array", tickvals=list(range(n)),
                      ticktext=[label for _, _, label in HEAT_STEPS], ticks="", thickness=18, len=0.9),
        hovertemplate="%{y}, %{x}: %{text}<br>itemised %{customdata[0]}, assessed %{customdata[1]}<extra></extra>",
        meta={"csv": ["itemised", "assessed", value]},
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    ctx = ctx.with_notes("Cells: weighted score · assessed/itemised. – = no itemised recommendation on this theme in this cycle; "
                         "n/a = itemised, none assessed yet (grey, never a low score).")
    return finish(fig, title, ctx, height=24 * len(y) + 300,
                  csv_columns={"x": "cycle", "y": "theme", "value": None, "text": "cell", "series": None})


def _same_day_text(df: pd.DataFrame, group: str, id_col: str, day_col: str) -> list[str]:
    """For each row, the other rows of its group on the same day ('3 on this day: D001, D002, D003'), else ''."""
    keys = list(zip(df[group], df[day_col]))
    ids: dict = {}
    for k, i in zip(keys, df[id_col]):
        ids.setdefault(k, []).append(i)
    return [f"{len(ids[k])} on this day: {', '.join(ids[k])}" if len(ids[k]) > 1 else "" for k in keys]


def build_demand_timeline(demands: pd.DataFrame, title: str, ctx: ChartContext, *, group: str = "addressee",
                          group_labels: dict | None = None) -> go.Figure:
    """Demands on a timeline (x: date issued, one band per addressee or issuer), coloured by status. Demands of the
    same day are stacked one above the other, so every demand is a visible point."""
    fig = go.Figure()
    dated = demands[demands["date_start"].notna()].copy()
    if dated.empty:
        return finish(_empty(fig, "No dated demands match these filters"), title, ctx)
    ctx = ctx.weighted_by(dated["source_ids"]) if "source_ids" in dated.columns else ctx
    dated["_label"] = [group_labels.get(v, v) if group_labels else v for v in dated[group]]
    dated["_end"] = _period_end(dated["date"], dated["date_start"])
    x0 = pd.Timestamp("2010-07-01")
    x1 = pd.Timestamp(pd.Timestamp.today().strftime("%Y-12-31"))
    lanes = lanes_by_group(dated, "_label", "date_start", "_end", gap_days(x0, x1))
    order = sorted(dated["_label"].unique(), key=str)
    ys, centres, bounds, units = stacked_rows(dated["_label"], order, lanes)
    dated["_y"] = ys
    dated["_same"] = _same_day_text(dated, "_label", "item_id", "date")
    fig.add_scatter(**_partial_period_lines(dated["date_start"], dated["_end"], dated["_y"], "#888"))
    for s in STATUSES:
        sub = dated[dated["status"] == s]
        if sub.empty:
            continue
        fig.add_scatter(
            x=sub["date_start"], y=sub["_y"], mode="markers", name=STATUS_LABELS[s],
            marker=dict(color=STATUS_COLORS[s], size=MARKER_PX, line=dict(color="#333", width=1)),
            customdata=list(zip(sub["item_id"], sub["date"], sub["_label"], sub["summary"].str.slice(0, 160), sub["_same"])),
            hovertemplate="<b>%{customdata[0]}</b> (%{customdata[2]}, issued %{customdata[1]})<br>%{customdata[3]}"
                          "<br>%{customdata[4]}<extra>%{fullData.name}</extra>",
            meta={"csv": ["demand_id", "date_issued", group, "summary", "same_day"]},
        )
    notes = ["Demands of the same day are stacked one above the other; a line marks a date known only to the month or year."]
    undated = len(demands) - len(dated)
    if undated:
        notes.append(f"{undated} undated demand(s) not drawn: " + ", ".join(demands.loc[demands["date_start"].isna(), "item_id"]))
    fig.update_xaxes(title="Date issued", range=[x0, x1])
    fig.update_yaxes(tickmode="array", tickvals=centres, ticktext=order, showgrid=False, zeroline=False, range=[-units, 0])
    for b in bounds:
        fig.add_hline(y=b, line=dict(color="#DDD", width=1))
    return finish(fig, title, ctx.with_notes(*notes), height=LANE_PX * units + 340,
                  legend_title="Status",
                  csv_columns={"series": "status", "x": "date_drawn", "y": None, "text": None})


def _period_end(dates: pd.Series, starts: pd.Series) -> pd.Series:
    """End of the period a date names: the day itself, or the last day of its month or year."""
    out = []
    for d, s in zip(dates.fillna(""), starts):
        d = str(d)
        if pd.isna(s):
            out.append(pd.NaT)
        elif len(d) == 4:
            out.append(pd.Timestamp(year=s.year, month=12, day=31))
        elif len(d) == 7:
            out.append(s + pd.offsets.MonthEnd(0))
        else:
            out.append(s)
    return pd.Series(out, index=dates.index, dtype="datetime64[ns]")


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


#: the map's frame: Western Europe to Belarus's eastern border and beyond, the Baltic and Scandinavia (Mercator)
MAP_LON = (-12.0, 46.0)
MAP_LAT = (46.5, 69.6)
#: the map's share of the width; the rest lists each state's own position and the calls made to states, in words
MAP_DOMAIN_X = (0.0, 0.6)
LABEL_FONT_PX = 12
LABEL_POSITIONS = ("middle center", "top center", "bottom center", "middle right", "middle left", "top right",
                   "bottom right", "top left", "bottom left")
CALL_SYMBOL = "circle-open"
PANEL_CHARS = 62
PANEL_LINES = 30
CALL_RADIUS_PX = 9


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def map_pixels(lon: float, lat: float, width_px: float, height_px: float) -> tuple[float, float]:
    """Where a point lands, in px from the top left of the map's box, once plotly fits MAP_LON x MAP_LAT into it."""
    lon_span = math.radians(MAP_LON[1] - MAP_LON[0])
    lat_span = _mercator(MAP_LAT[1]) - _mercator(MAP_LAT[0])
    scale = min(width_px / lon_span, height_px / lat_span)
    x = math.radians(lon - MAP_LON[0]) * scale + (width_px - lon_span * scale) / 2
    y = (_mercator(MAP_LAT[1]) - _mercator(lat)) * scale + (height_px - lat_span * scale) / 2
    return x, y


def label_box(x: float, y: float, text: str, position: str, font_px: float = LABEL_FONT_PX, radius: float = 0
              ) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) a label of `text` covers when drawn at `position` around the point (x, y), beside a
    marker of `radius` px (plotly sets text outside its marker)."""
    w, h = 0.56 * font_px * len(text) + 2, 1.25 * font_px
    vertical, horizontal = position.split()
    gap = 3 + radius
    y0 = {"top": y - gap - h, "bottom": y + gap, "middle": y - h / 2}[vertical]
    x0 = {"left": x - gap - w, "right": x + gap, "center": x - w / 2}[horizontal]
    return x0, y0, x0 + w, y0 + h


def _overlap(a, b) -> float:
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _lat_at(y: float, width_px: float, height_px: float) -> float:
    """The latitude drawn `y` px from the top of the map's box (inverse of `map_pixels`)."""
    lon_span = math.radians(MAP_LON[1] - MAP_LON[0])
    lat_span = _mercator(MAP_LAT[1]) - _mercator(MAP_LAT[0])
    scale = min(width_px / lon_span, height_px / lat_span)
    m = _mercator(MAP_LAT[1]) - (y - (height_px - lat_span * scale) / 2) / scale
    return math.degrees(2 * math.atan(math.exp(m)) - math.pi / 2)


def place_labels(points: list[tuple], *, width_px: float, height_px: float, obstacles: list[tuple] = ()
                 ) -> dict[str, tuple[str, tuple, float, float]]:
    """Where to write each (key, lon, lat, text[, marker radius]) so that no two labels overlap and none covers a
    marker: the first free spot among LABEL_POSITIONS around the point, then the same a line or two above or below
    it; else the least covered. Returns {key: (text position, box, lon, lat of the label's anchor)}."""
    placed: dict[str, tuple[str, tuple, float, float]] = {}
    taken = list(obstacles)
    for key, lon, lat, text, *rest in points:
        radius = rest[0] if rest else 0
        if radius:
            x, y = map_pixels(lon, lat, width_px, height_px)
            taken.append((x - radius, y - radius, x + radius, y + radius))
    line = 1.25 * LABEL_FONT_PX
    for key, lon, lat, text, *rest in points:
        x, y = map_pixels(lon, lat, width_px, height_px)
        best = None
        for dy in (0, -line, line, -2 * line, 2 * line):
            for pos in LABEL_POSITIONS:
                box = label_box(x, y + dy, text, pos)
                cost = sum(_overlap(box, t) for t in taken) + abs(dy) / 1000  # nearer is better when both are free
                if best is None or cost < best[0]:
                    best = (cost, pos, box, dy)
                if cost < 1:
                    break
            if best[0] < 1:
                break
        _, pos, box, dy = best
        placed[key] = (pos, box, lon, lat if dy == 0 else _lat_at(y + dy, width_px, height_px))
        taken.append(box)
    return placed


def _call_text(summary: str, limit: int = 330) -> str:
    """A call's summary without its leading 'On 4 October 2024,' (the date is shown beside it), cut to `limit`."""
    text = re.sub(r"^On [^,]{3,40}, ", "", str(summary or "")).strip()
    text = text[:1].upper() + text[1:]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_icc_map(positions: pd.DataFrame, title: str, ctx: ChartContext, *, calls: pd.DataFrame | None = None) -> go.Figure:
    """Map of each state's own position on Lithuania's referral (`metrics.icc_positions`), Belarus and every state with
    a position or a call named without overlaps; calls made to a state to join (`metrics.icc_calls`) as their own
    marker and listed with who urged and when, never as the state's position."""
    fig = go.Figure()
    calls = calls if calls is not None else pd.DataFrame(columns=["actor_iso3", "actor", "event_date", "event_id", "summary", "source_ids"])
    geo = europe_geojson()
    centres = country_centres()
    all_ids = [f["id"] for f in geo["features"]]
    weighted = pd.concat([positions.get("source_ids", pd.Series(dtype=object)), calls.get("source_ids", pd.Series(dtype=object))])
    ctx = ctx.weighted_by(weighted) if len(weighted) else ctx
    fig.add_choropleth(geojson=geo, locations=all_ids, z=[0] * len(all_ids), featureidkey="id",
                       colorscale=[[0, "#EEEEEE"], [1, "#EEEEEE"]], showscale=False, showlegend=False,
                       marker_line_color="#FFFFFF", marker_line_width=0.6, hoverinfo="skip", name="no position recorded",
                       meta={"csv": False})
    for pos in ICC_STATE_POSITIONS:
        sub = positions[positions["position"] == pos]
        if sub.empty:
            continue
        fig.add_choropleth(
            geojson=geo, featureidkey="id", locations=sub["actor_iso3"], z=[1] * len(sub), name=ICC_POSITION_LABELS[pos],
            colorscale=[[0, ICC_COLORS[pos]], [1, ICC_COLORS[pos]]], showscale=False, showlegend=True,
            marker_line_color="#FFFFFF", marker_line_width=0.8,
            customdata=list(zip(sub["actor"], sub["event_date"].fillna(""), sub["event_id"])),
            hovertemplate="%{customdata[0]}: " + ICC_POSITION_LABELS[pos] + " (%{customdata[1]}, %{customdata[2]})<extra></extra>",
            meta={"csv": ["state", "date", "event_id"]},
        )
    # calls to join: a ring on the state, never its colour; every state with a position or a call, and Belarus, named
    call_states = [c for c in dict.fromkeys(calls["actor_iso3"].dropna()) if c in centres]
    footer_lines = len(ctx.notes) + len(ctx.source_lines()) + 1
    width_px = (SLIDE_WIDTH - 100) * (MAP_DOMAIN_X[1] - MAP_DOMAIN_X[0])
    height_px = SLIDE_HEIGHT - TOP_MARGIN_PX - (62 + 15 * footer_lines)
    names = dict(zip(positions["actor_iso3"], positions["actor"]))
    names.update({c: a for c, a in zip(calls["actor_iso3"], calls["actor"]) if isinstance(c, str) and c not in names})
    names["BLR"] = STATE_NAME if "BLR" not in names else names["BLR"]
    labelled = ["BLR"] + sorted((c for c in names if c != "BLR" and c in centres), key=lambda c: -centres[c][1])
    points = [(c, *centres[c], names[c], CALL_RADIUS_PX if c in call_states else 0) for c in labelled if c in centres]
    placed = place_labels(points, width_px=width_px, height_px=height_px)
    if call_states:
        per_state = {c: calls[calls["actor_iso3"] == c] for c in call_states}
        fig.add_scattergeo(
            lon=[centres[c][0] for c in call_states], lat=[centres[c][1] for c in call_states], mode="markers",
            name="Urged to join (a call made to the state, not its position)",
            marker=dict(symbol=CALL_SYMBOL, size=2 * CALL_RADIUS_PX, color=ICC_COLORS["urged_to_join"], line=dict(width=3)),
            customdata=[[per_state[c]["actor"].iloc[0],
                         "; ".join(per_state[c]["event_date"].map(lambda v: "no date" if pd.isna(v) else str(v))),
                         "; ".join(per_state[c]["event_id"]), " | ".join(per_state[c]["summary"].fillna(""))] for c in call_states],
            hovertemplate="<b>%{customdata[0]}</b> urged to join: %{customdata[1]} (%{customdata[2]})<extra></extra>",
            meta={"csv": ["state", "date", "event_id", "summary"]},
        )
    fig.add_scattergeo(
        lon=[placed[c][2] for c, *_ in points], lat=[placed[c][3] for c, *_ in points],
        text=[f"<b>{t}</b>" if c == "BLR" else t for c, _, _, t, _ in points],
        textposition=[placed[c][0] for c, *_ in points], mode="text",
        textfont=dict(size=LABEL_FONT_PX, color="#111"), showlegend=False, hoverinfo="skip", name="labels", meta={"csv": False})
    # the same in words, beside the map: own positions, then calls with who urged and when
    def when(v) -> str:
        return "no date" if v is None or pd.isna(v) or not str(v) else str(v)

    lines = ["<b>Each state's own position</b> (the strongest it has taken)"]
    for pos in ICC_STATE_POSITIONS:
        for _, r in positions[positions["position"] == pos].iterrows():
            said = f"{r['actor']}: {ICC_POSITION_LABELS[pos].lower()} ({when(r['event_date'])}, {r['event_id']})"
            lines.append(html.escape(said, quote=False))
    if positions.empty:
        lines.append("none known at this date")
    off_map = sorted(set(positions["actor"][~positions["actor_iso3"].isin(centres)]))
    if off_map:
        lines.append(html.escape("Not on this map: " + ", ".join(off_map), quote=False))
    lines += ["", "<b>Calls to join</b> (made to a state by others; not its position)"]
    for k, (_, r) in enumerate(calls.sort_values(["event_date", "event_id"], na_position="last").iterrows()):
        if len(lines) >= PANEL_LINES:
            lines.append(f"… and {len(calls) - k} more calls: listed on the page and in the briefing pack")
            break
        head = f"{r['actor']}, {when(r['event_date'])}"
        wrapped = textwrap.wrap(f"{head} ({r['event_id']}): {_call_text(r['summary'])}", PANEL_CHARS)
        first = html.escape(wrapped[0], quote=False).replace(html.escape(head, quote=False), f"<b>{html.escape(head, quote=False)}</b>", 1)
        lines += [first, *("   " + html.escape(w, quote=False) for w in wrapped[1:])]
    if calls.empty:
        lines.append("none known at this date")
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=MAP_DOMAIN_X[1] + 0.02, y=1, xanchor="left",
                       yanchor="top", align="left", showarrow=False, font=dict(size=11, color="#222"), name="panel")
    if positions.empty and calls.empty:
        _empty(fig, "No state position known at this date")
    fig.update_geos(visible=False, projection_type="mercator", lataxis_range=list(MAP_LAT), lonaxis_range=list(MAP_LON),
                    bgcolor="#FFFFFF", domain=dict(x=list(MAP_DOMAIN_X), y=[0, 1]))
    return finish(fig, title, ctx, legend_title="Shown as",
                  csv_columns={"series": "shown_as", "location": "state_iso3", "text": None, "lon": None, "lat": None})


def build_icc_timeline(events: pd.DataFrame, title: str, ctx: ChartContext) -> go.Figure:
    """Dated events, one band per actor: states' own positions (filled), calls made to them (rings) and the Court's
    steps (diamonds). Events of the same day, or days apart, are stacked in the band, so every marker is visible."""
    fig = go.Figure()
    shown = events[events["position"] != "context"]
    dated = shown[shown["event_date_start"].notna()].copy()
    if dated.empty:
        return finish(_empty(fig, "No dated events"), title, ctx)
    ctx = ctx.weighted_by(dated["source_ids"])
    dated["_end"] = _period_end(dated["event_date"], dated["event_date_start"])
    x0 = dated["event_date_start"].min() - pd.Timedelta(days=20)
    x1 = dated["_end"].max() + pd.Timedelta(days=30)
    court = sorted(dated.loc[dated["position"] == "court_step", "actor"].unique())
    order = court + sorted(a for a in dated["actor"].unique() if a not in court)
    lanes = lanes_by_group(dated, "actor", "event_date_start", "_end", gap_days(x0, x1))
    ys, centres, bounds, units = stacked_rows(dated["actor"], order, lanes)
    dated["_y"] = ys
    dated["_same"] = _same_day_text(dated, "actor", "event_id", "event_date")
    fig.add_scatter(**_partial_period_lines(dated["event_date_start"], dated["_end"], dated["_y"], "#888"))
    for pos in (*ICC_STATE_POSITIONS, "court_step"):
        sub = dated[dated["position"] == pos]
        if sub.empty:
            continue
        name = {"urged_to_join": "Urged to join (a call by others)"}.get(pos, ICC_POSITION_LABELS[pos])
        symbol = {"court_step": "diamond", "urged_to_join": CALL_SYMBOL}.get(pos, "circle")
        line = dict(color=ICC_COLORS[pos], width=3) if pos == "urged_to_join" else dict(color="#333", width=1)
        fig.add_scatter(
            x=sub["event_date_start"], y=sub["_y"], mode="markers", name=name,
            marker=dict(color=ICC_COLORS[pos], size=MARKER_PX + 1, symbol=symbol, line=line),
            customdata=list(zip(sub["event_id"], sub["event_date"], sub["actor"], sub["summary"].str.slice(0, 180), sub["_same"])),
            hovertemplate="<b>%{customdata[2]}</b>, %{customdata[1]} (%{customdata[0]})<br>%{customdata[3]}<br>%{customdata[4]}"
                          "<extra>%{fullData.name}</extra>",
            meta={"csv": ["event_id", "event_date", "actor", "summary", "same_day"]},
        )
    notes = ["Events of the same day are stacked in their row; a line marks a date known only to the month or year."]
    undated = shown[shown["event_date_start"].isna()]
    if len(undated):
        notes.append("Not drawn (no date in the source): " + "; ".join(
            f"{r.event_id} {r.actor}, {ICC_POSITION_LABELS.get(r.position, r.position).lower()}" for r in undated.itertuples()))
    fig.update_xaxes(title="Date", range=[x0, x1])
    fig.update_yaxes(tickmode="array", tickvals=centres, ticktext=order, showgrid=False, zeroline=False, range=[-units, 0])
    for b in bounds:
        fig.add_hline(y=b, line=dict(color="#DDD", width=1))
    return finish(fig, title, ctx.with_notes(*notes), height=LANE_PX * units + 340, legend_title=None,
                  csv_columns={"series": "position", "x": "date_drawn", "y": None, "text": None})


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def money_text(value: float, currency: str) -> str:
    """'EUR 153.5 m', 'NOK 4.00 m', 'EUR 35,000': short enough for a bar label."""
    v = float(value)
    if abs(v) >= 1e9:
        return f"{currency} {v / 1e9:,.2f} bn"
    if abs(v) >= 1e7:
        return f"{currency} {v / 1e6:,.1f} m"
    if abs(v) >= 1e6:
        return f"{currency} {v / 1e6:,.2f} m"
    return f"{currency} {v:,.0f}"


def build_donor_chart(converted: pd.DataFrame, title: str, ctx: ChartContext, *, rates: pd.DataFrame | None = None) -> go.Figure:
    """Per donor, the euro total of its pledges (`money.convert_pledges` rows), one segment per pledge (blue =
    accountability work), each converted at the yearly average rate of its own year; the original amounts beside each
    bar; the rates and their source, and every pledge that could not be converted, named under the chart."""
    from .money import donor_totals, with_donor_keys

    fig = go.Figure()
    ok = with_donor_keys(converted[converted["amount_eur"].notna()])
    if ok.empty:
        return finish(_empty(fig, "No pledge with an amount in euro or a cited rate matches these filters"), title, ctx)
    totals = donor_totals(converted)
    shown = totals[totals["total_eur"].notna()]
    name_of = dict(zip(shown["donor_key"], shown["donor"]))
    ok = ok.assign(_donor=ok["donor_key"].map(name_of))
    rate_ids = sorted({s for v in ok["rate_source_ids"].dropna() for s in str(v).split(";") if s})
    ctx = ctx.weighted_by(converted["source_ids"])
    ctx = replace(ctx, sources=sorted(set(ctx.sources) | set(rate_ids)))
    for acc, color, label in (("yes", "#0072B2", "Accountability work"), ("no", "#8C8C8C", "Other support")):
        sub = ok[ok["accountability"] == acc]
        if sub.empty:
            continue
        original = [f"{'' if q in ('exact', None) or pd.isna(q) else str(q).replace('_', ' ') + ' '}{c} {float(a):,.0f}"
                    for a, c, q in zip(sub["amount"], sub["currency"], sub["amount_qualifier"])]
        rate_text = ["no conversion (euro)" if c == "EUR" else f"{c} {r:.2f} per euro, {y} average ({src})"
                     for c, r, y, src in zip(sub["currency"], sub["rate_per_eur"], sub["pledge_year"], sub["rate_source_ids"])]
        fig.add_bar(
            y=sub["_donor"], x=sub["amount_eur"].astype(float), orientation="h", name=label, marker_color=color,
            marker_line=dict(color="#FFFFFF", width=1),
            customdata=list(zip(sub["pledge_id"], sub["recipient"].map(lambda t: _short(str(t), 60)), original,
                                sub["pledged_date"].fillna(""), rate_text)),
            hovertemplate="<b>%{customdata[0]}</b> %{y} → %{customdata[1]}<br>%{customdata[2]} (%{customdata[3]})"
                          "<br>= EUR %{x:,.0f} at %{customdata[4]}<extra>%{fullData.name}</extra>",
            meta={"csv": ["pledge_id", "recipient", "amount_as_published", "pledged_date", "rate_used"]},
        )
    labels = []
    for r in shown.itertuples():
        mine = ok[ok["donor_key"] == r.donor_key]
        origin = " + ".join(money_text(v, c) for c, v in mine.groupby("currency")["amount"].sum().sort_index().items())
        extra = f"; {r.unconverted} not converted" if r.unconverted else ""
        eur = money_text(r.total_eur, "EUR")
        labels.append(eur + ("" if origin == eur else f"  (from {origin})") + extra)
    fig.add_scatter(x=shown["total_eur"].astype(float), y=shown["donor"], mode="text", text=labels, textposition="middle right",
                    textfont=dict(size=11, color="#222"), showlegend=False, hoverinfo="skip", meta={"csv": False})
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(shown["donor"])[::-1])
    fig.update_xaxes(title="Euro (each pledge at the yearly average rate of its year)", tickformat="~s",
                     range=[0, float(shown["total_eur"].max()) * 1.6])
    notes = []
    used = ok[ok["currency"] != "EUR"].drop_duplicates(["currency", "pledge_year"]).sort_values(["currency", "pledge_year"])
    if len(used):
        # the first source of each rate is where it comes from; any other only cross-checks it
        primary = sorted({str(v).split(";")[0] for v in used["rate_source_ids"] if v})
        checks = sorted(set(rate_ids) - set(primary))
        by_name: dict[str, list[str]] = {}
        for i in checks:
            by_name.setdefault(re.sub(r" (\d{4}|n\.d\.)$", "", ctx.short_name(i) or i), []).append(i)
        notes.append("Rates, units per euro (yearly averages): " + " · ".join(
            f"{r.currency} {r.pledge_year} {r.rate_per_eur:.2f}" for r in used.itertuples())
            + " — source: " + "; ".join(f"{ctx.short_name(i) or i} ({i})" for i in primary)
            + ("; cross-checked with " + "; ".join(f"{n} ({', '.join(ids)})" for n, ids in by_name.items()) if checks else ""))
    left = converted[converted["amount_eur"].isna()]
    if len(left):
        groups: dict[str, list[str]] = {}
        for r in left.itertuples():
            groups.setdefault(r.unconverted_reason, []).append(
                r.pledge_id + (f" {money_text(r.amount, r.currency)}" if pd.notna(r.amount) else "") + f" {_short(str(r.donor), 24)}")
        notes.append(f"Not in the euro totals ({len(left)}, listed in full on the page and in the pack): "
                     + "; ".join(f"{why}: {', '.join(ids[:4])}{' …' if len(ids) > 4 else ''}" for why, ids in groups.items()))
    return finish(fig, title, ctx.with_notes(*notes), height=24 * len(shown) + 340, legend_title="Segments = pledges",
                  csv_columns={"series": "kind_of_work", "y": "donor", "x": "amount_eur", "text": None})


def build_pledge_timeline(pledges: pd.DataFrame, title: str, ctx: ChartContext) -> go.Figure:
    """Dated pledges over time, amount on a log axis, one colour per original currency."""
    fig = go.Figure()
    p = pledges[pledges["amount"].notna() & pledges["pledged_date_start"].notna()]
    if p.empty:
        return finish(_empty(fig, "No dated pledge with an amount"), title, ctx)
    ctx = ctx.weighted_by(p["source_ids"])
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
    for i, (cur, sub) in enumerate(p.groupby("currency")):
        fig.add_scatter(x=sub["pledged_date_start"], y=sub["amount"].astype(float), mode="markers", name=cur,
                        marker=dict(size=12, color=palette[i % len(palette)], line=dict(color="#333", width=1)),
                        customdata=list(zip(sub["pledge_id"], sub["donor"], sub["recipient"], sub["pledged_date"])),
                        hovertemplate="%{customdata[0]} %{customdata[1]} → %{customdata[2]}<br>%{y:,.0f} " + cur
                        + " (%{customdata[3]})<extra></extra>",
                        meta={"csv": ["pledge_id", "donor", "recipient", "pledged_date"]})
    fig.update_yaxes(type="log", title="Amount in original currency (log scale)")
    fig.update_xaxes(title="Date pledged (a month or year only: at its start)")
    return finish(fig, title, ctx, legend_title="Currency",
                  csv_columns={"series": "currency", "x": "date_drawn", "y": "amount", "text": None})


#: what a drawn field is called in a chart's CSV when the chart does not name it
_GENERIC = {"series": "series", "x": "x", "y": "y", "value": "value", "text": "label", "location": "location",
            "lon": "lon", "lat": "lat"}


def _listify(v, n: int) -> list:
    if v is None:
        return [None] * n
    if isinstance(v, (list, tuple)):
        return list(v)
    if hasattr(v, "tolist"):
        return list(v.tolist())
    return [v] * n


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
    return finish(fig, title, ctx, legend_title="Status", csv_columns={"series": "status", "x": "date", "y": "items", "text": None})


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
                        customdata=series[["assessed"]].to_numpy(), meta={"csv": ["assessed"]},
                        hovertemplate="%{x|%Y-%m-%d}: %{y:.0%} of %{customdata[0]} assessed<extra></extra>")
    _time_markers(fig, markers)
    fig.update_yaxes(title="Share of assessed items", tickformat=".0%", range=[0, 1])
    fig.update_xaxes(title="Date")
    return finish(fig, title, ctx, legend_title="Measure",
                  csv_columns={"series": "measure", "x": "date", "y": "share", "text": None})


def _time_markers(fig: go.Figure, markers) -> None:
    for when, label in markers:
        fig.add_vline(x=pd.Timestamp(when).value / 1e6, line_dash="dot", line_color="#555", line_width=1)
        fig.add_annotation(x=pd.Timestamp(when), y=1, yref="paper", text=label, showarrow=False, xanchor="left",
                           yanchor="top", font=dict(size=10, color="#555"), textangle=-90, xshift=2)


def figure_data(fig: go.Figure) -> pd.DataFrame:
    """The data drawn in a figure, one row per point, with columns named for what they hold (the chart names them in
    its meta `csv_columns`; per trace `meta.csv` names the customdata fields or leaves a decorative trace out)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    names = {**_GENERIC, **(meta.get("csv_columns") or {})}
    rows = []
    for trace in fig.data:
        d = trace.to_plotly_json()
        tmeta = d.get("meta") if isinstance(d.get("meta"), dict) else {}
        if tmeta.get("csv") is False:
            continue
        extra = list(tmeta.get("csv") or [])
        name = d.get("name")
        kind = d.get("type")
        if kind == "heatmap":
            for yi, ylab in enumerate(d["y"]):
                for xi, xlab in enumerate(d["x"]):
                    z = d["z"][yi][xi]
                    row = {"series": name or "value", "x": xlab, "y": ylab, "value": None if z is None or pd.isna(z) else z,
                           "text": d["text"][yi][xi] if d.get("text") is not None else None}
                    cd = d["customdata"][yi][xi] if d.get("customdata") is not None else []
                    row.update({k: cd[i] if i < len(cd) else None for i, k in enumerate(extra)})
                    rows.append(row)
            continue
        if kind == "choropleth":
            keys = {"location": _listify(d.get("locations"), 0)}
        elif kind == "scattergeo":
            n = len(_listify(d.get("lon"), 0))
            keys = {"lon": _listify(d.get("lon"), n), "lat": _listify(d.get("lat"), n), "location": _listify(d.get("locations"), n)}
        else:
            xs, ys = _listify(d.get("x"), 0), _listify(d.get("y"), 0)
            keys = {"x": xs, "y": ys}
        n = max((len(v) for v in keys.values()), default=0)
        keys["text"] = _listify(d.get("text"), n)
        custom = _listify(d.get("customdata"), n) if d.get("customdata") is not None else [[]] * n
        for i in range(n):
            row = {"series": name}
            row.update({k: (v[i] if i < len(v) else None) for k, v in keys.items()})
            cd = custom[i] if i < len(custom) and isinstance(custom[i], (list, tuple)) else []
            row.update({k: cd[j] if j < len(cd) else None for j, k in enumerate(extra)})
            rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    drop = [c for c in df.columns if c in names and names[c] is None]
    drop += [c for c in df.columns if c in _GENERIC and c not in (meta.get("csv_columns") or {}) and df[c].isna().all()]
    df = df.drop(columns=sorted(set(drop)))
    return df.rename(columns={c: names[c] for c in df.columns if c in names})
