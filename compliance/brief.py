"""A one-page PDF brief of a view (two A4 pages at most): a title naming Belarus and the view, the filters and the
"as of" date, three to five key figures, one or two charts as vector graphics (the same figure builders as the
pages, as SVG through kaleido), the sources with their full citations, and the link that reopens exactly this view.

fpdf2 lays the page out (pure Python, no system libraries, embeds fonts and SVG as vectors); the fonts are DejaVu
Sans Condensed, shipped in compliance/assets/fonts, because citations hold letters beyond Latin-1 (Łukašenka, ė, –).
Never imports streamlit: the page's "Brief (PDF)" button and `python -m compliance brief` make the same file.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go

from . import charts, metrics
from .charts import DASHBOARD_NAME, ChartContext
from .countries import state_name
from .data import Dataset
from .models import STATUS_LABELS, STATUSES
from .reading import reading_line
from .scoring import scored_items, status_sources
from .timeline import cutoff

FONTS = Path(__file__).parent / "assets" / "fonts"
#: where `python -m compliance brief` points the "reopen this view" link unless told otherwise
DEFAULT_BASE_URL = "http://localhost:8501"
MAX_PAGES = 2


@dataclass
class Brief:
    """What a brief holds, whichever view it comes from."""

    title: str
    filters: str
    as_of: pd.Timestamp
    figures: list[tuple[str, str]]
    notes: list[str]
    charts: list[go.Figure]
    source_ids: list[str]
    link: str
    extra: list[str] = field(default_factory=list)


def view_link(base_url: str, page: str, params: dict) -> str:
    """The address of a view with its filters and the pinned "as of" date."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def _context(ds: Dataset, filters: str, when: pd.Timestamp, sources) -> ChartContext:
    """The chart context the pages build (ui.shared.Filters.chart_context): sources named by publisher and year."""
    return ChartContext(filters=filters, as_of=when.date().isoformat(), sources=sorted(sources), catalogue=ds.sources,
                        weights=charts.citation_counts(ds))


def _describe(ds: Dataset, cycle, theme, state) -> str:
    labels = dict(zip(ds.themes["theme_slug"], ds.themes["label"]))
    parts = [f"cycle {cycle}" if cycle else None, f"theme: {labels.get(theme, theme)}" if theme else None,
             f"state: {state_name(state)}" if state else None]
    return "; ".join(p for p in parts if p) or "none (all items)"


def overview_brief(ds: Dataset, *, cycle=None, theme=None, state=None, as_of=None,
                   base_url: str = DEFAULT_BASE_URL) -> Brief:
    """The Overview as a brief: itemised statuses by cycle beside the published tallies."""
    when = cutoff(as_of)
    scored = scored_items(ds, when)
    recs = metrics.filter_items(scored, kind="recommendation", cycle=cycle, theme=theme, state=state)
    counts = metrics.status_counts(recs)
    rates = metrics.rates(counts)
    years = metrics.cycle_years(ds)
    filters = _describe(ds, cycle, theme, state)
    sources = set(status_sources(ds, when, recs["item_id"])) | {s for v in recs["source_ids"] for s in v.split(";")}
    ctx = _context(ds, filters, when, sources)
    by_cycle = metrics.summarize_cycles(recs, [cycle] if cycle else years)
    figs = [charts.build_status_bar_chart(by_cycle, "cycle", "Itemised recommendations by status and UPR cycle", ctx,
                                          labels=metrics.cycle_labels(by_cycle, years))]
    tallies = metrics.published_tallies(ds, cycle, as_of=when) if not (theme or state) else []
    if tallies:
        tally_sources = sorted({s for t in tallies for s in t["source_ids"]})
        sources |= set(tally_sources)
        figs.append(charts.build_tally_chart(tallies, "Published tallies of implementation",
                                             _context(ds, filters, when, tally_sources)))
    figures = [
        ("Recommendations itemised here", str(len(recs))),
        ("With a status", str(len(recs) - counts["not_assessed"])),
        ("Implemented", str(counts["implemented"])),
        ("Implementation rate of assessed", "n/a" if rates["implementation_rate"] is None else f"{rates['implementation_rate']:.0%}"),
        ("Weighted score", "n/a" if rates["weighted_score"] is None else f"{rates['weighted_score']:.0%}"),
    ]
    cov = metrics.coverage_by_cycle(ds, recs, when)
    notes = metrics.coverage_lines(cov, _describe(ds, None, theme, state) if (theme or state) else None, when)
    notes.append(reading_line(ds, recs))
    params = {"cycle": cycle, "theme": theme, "state": state, "as_of": when.date().isoformat()}
    return Brief(title="Belarus in the UN Universal Periodic Review: overview", filters=filters, as_of=when,
                 figures=figures, notes=notes, charts=figs, source_ids=sorted(sources),
                 link=view_link(base_url, "", params))


def state_brief(ds: Dataset, iso3: str, *, as_of=None, base_url: str = DEFAULT_BASE_URL) -> Brief:
    """One state's view as a brief: its recommendations and what became of them, its ICC position, its pledges."""
    from .states import state_profile

    when = cutoff(as_of)
    p = state_profile(ds, iso3, when)
    ctx = _context(ds, f"state: {p.name}", when, p.sources)
    years = metrics.cycle_years(ds)
    figs = [charts.build_status_bar_chart(p.by_cycle, "cycle", f"{p.name}'s recommendations to Belarus by status and cycle",
                                          ctx, labels=metrics.cycle_labels(p.by_cycle, years))]
    c = p.comparison
    extra = []
    if c["states_recommending"]:
        share = lambda v: "n/a" if pd.isna(v) else f"{v:.0%}"  # noqa: E731
        extra.append(f"Compared with all {c['states_recommending']} recommending states itemised here: Belarus supported "
                     f"{share(c['supported_share'])} of {p.name}'s recommendations (all states: "
                     f"{share(c['all_supported_share'])}); of those supported and assessed, {share(c['implemented_share_of_supported'])} "
                     f"were implemented (all states: {share(c['all_implemented_share_of_supported'])}).")
    if len(p.icc_calls):
        extra.append(f"Calls on {p.name} to join the ICC referral (not its own position): "
                     + "; ".join(f"{r.event_date or 'undated'}: {r.summary}" for r in p.icc_calls.itertuples()))
    if len(p.demands):
        counts = metrics.status_counts(p.demands)
        extra.append(f"Demands addressed to {p.name}: {len(p.demands)} (" + ", ".join(
            f"{STATUS_LABELS[s].lower()} {counts[s]}" for s in STATUSES if counts[s]) + ").")
    return Brief(title=f"Belarus and {p.name}: recommendations, the ICC referral and pledges", filters=f"state: {p.name}",
                 as_of=when, figures=p.key_figures, notes=p.coverage_lines, charts=figs, source_ids=p.sources,
                 link=view_link(base_url, "state", {"state": iso3, "as_of": when.date().isoformat()}), extra=extra)


def render_pdf(ds: Dataset, brief: Brief) -> bytes:
    """Lay a brief out on A4 (two pages at most) and return the PDF bytes."""
    from fpdf import FPDF

    from .export import figure_image

    logging.getLogger("fpdf.svg").setLevel(logging.ERROR)  # plotly's clip paths are not needed on paper
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(14, 12, 14)
    pdf.set_auto_page_break(True, margin=12)
    # the charts' SVG text asks for Arial/Helvetica: give it the same Unicode font (core fonts stop at Latin-1)
    for family in ("DejaVu", "Arial", "Helvetica"):
        with warnings.catch_warnings():  # "helvetica" shadows a core font on purpose
            warnings.simplefilter("ignore", UserWarning)
            pdf.add_font(family, "", str(FONTS / "DejaVuSansCondensed.ttf"))
            pdf.add_font(family, "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
    pdf.set_title(brief.title)
    pdf.set_author(DASHBOARD_NAME)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    line = _writer(pdf, width)
    line(brief.title, 15, 7, "B")
    pdf.set_text_color(80, 80, 80)
    line(f"Filters: {brief.filters} · status as of {brief.as_of.date().isoformat()} · made on {date.today().isoformat()} "
         f"· {DASHBOARD_NAME}", 8.5, 4.5)
    pdf.set_text_color(0, 60, 140)
    line(f"Reopen this view: {brief.link}", 8.5, 4.5, link=brief.link)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)

    # key figures: one box each, side by side
    n = len(brief.figures)
    box = width / n
    top = pdf.get_y()
    for i, (label, value) in enumerate(brief.figures):
        x = pdf.l_margin + i * box
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(x + 0.5, top, box - 1, 19)
        pdf.set_xy(x + 2, top + 1.5)
        pdf.set_font("DejaVu", "B", 11 if len(value) <= 12 else 8.5)
        pdf.multi_cell(box - 4, 4.6, value, align="L")
        pdf.set_xy(x + 2, top + 10.5)
        pdf.set_font("DejaVu", "", 6.8)
        pdf.multi_cell(box - 4, 3, label, align="L")
    pdf.set_xy(pdf.l_margin, top + 21)

    for note in [*brief.notes, *brief.extra]:
        line(note, 7.5, 3.6)
    pdf.ln(1)

    for fig in brief.charts:
        # drawn on a smaller 16:9 canvas than the slide export, so its text reads at A4 width
        w_px, h_px = 880, round(880 * (fig.layout.height or 720) / (fig.layout.width or 1280))
        fig = go.Figure(fig).update_layout(width=w_px, height=h_px)
        svg = figure_image(fig, "svg")
        h = width * h_px / w_px
        if pdf.get_y() + h > pdf.h - pdf.b_margin:
            if pdf.page_no() >= MAX_PAGES:
                break
            pdf.add_page()
        pdf.image(io.BytesIO(svg), x=pdf.l_margin, y=pdf.get_y(), w=width, h=h)
        pdf.set_y(pdf.get_y() + h + 1)

    _sources(pdf, ds, brief, width)
    return bytes(pdf.output())


def _writer(pdf, width: float):
    """Left-aligned text that wraps and moves to the next line (fpdf2's multi_cell otherwise stays to the right)."""
    def line(text: str, size: float, height: float, style: str = "", link: str = "") -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(width, height, text, align="L", new_x="LMARGIN", new_y="NEXT", link=link)
    return line


def _sources(pdf, ds: Dataset, brief: Brief, width: float) -> None:
    """Every source with its full citation, in as much room as two pages leave; then how many more, and where."""
    src = ds.sources.set_index("source_id")
    ids = [s for s in brief.source_ids if s in src.index]
    line = _writer(pdf, width)
    if pdf.get_y() + 12 > pdf.h - pdf.b_margin and pdf.page_no() < MAX_PAGES:
        pdf.add_page()
    line(f"Sources ({len(ids)}), with their full citations", 9, 5, "B")
    pdf.set_font("DejaVu", "", 6.3)
    last_page_end = pdf.h - pdf.b_margin
    for i, sid in enumerate(ids):
        text = f"{sid} — {src.at[sid, 'citation']}"
        lines = len(pdf.multi_cell(width, 2.9, text, dry_run=True, output="LINES", align="L"))
        if pdf.get_y() + 2.9 * (lines + 1) > last_page_end:
            if pdf.page_no() < MAX_PAGES:
                pdf.add_page()
            else:
                line(f"… and {len(ids) - i} more: the full list is on the Sources & methodology page and in the page's "
                     f"briefing pack ({brief.link}).", 6.5, 3, "B")
                return
        line(text, 6.3, 2.9)


def make_brief(ds: Dataset, *, state=None, cycle=None, theme=None, as_of=None, base_url: str = DEFAULT_BASE_URL) -> bytes:
    """The PDF brief of a view: a state's page when only a state is chosen, else the Overview with its filters."""
    if state and not cycle and not theme:
        return render_pdf(ds, state_brief(ds, state, as_of=as_of, base_url=base_url))
    return render_pdf(ds, overview_brief(ds, cycle=cycle, theme=theme, state=state, as_of=as_of, base_url=base_url))
