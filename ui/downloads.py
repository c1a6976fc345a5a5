"""Download buttons for every chart (PNG, SVG, HTML, CSV) and the Plotly camera button set the same way.
Image bytes are made only when a button is clicked (deferred), by compliance.export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from compliance import charts, export


def plotly_config(fig, key: str) -> dict:
    """Camera button: PNG at 2x, the figure's own size, the same file name as the download button."""
    return {
        **charts.plotly_config_base(),
        "toImageButtonOptions": {
            "format": "png",
            "filename": export.chart_file_name(fig, "png")[:-4],
            "scale": export.PNG_SCALE,
            "width": fig.layout.width or 1100,
            "height": fig.layout.height or 520,
        },
    }


def chart_downloads(fig, key: str, ds) -> None:
    cols = st.columns(4)
    images = export.images_available()
    cols[0].download_button("PNG", data=lambda: export.figure_image(fig, "png"), file_name=export.chart_file_name(fig, "png"),
                            mime="image/png", key=f"dl_png_{key}", icon=":material/image:", disabled=not images,
                            on_click="ignore")
    cols[1].download_button("SVG", data=lambda: export.figure_image(fig, "svg"), file_name=export.chart_file_name(fig, "svg"),
                            mime="image/svg+xml", key=f"dl_svg_{key}", icon=":material/draw:", disabled=not images,
                            on_click="ignore")
    cols[2].download_button("HTML", data=lambda: export.figure_html(fig), file_name=export.chart_file_name(fig, "html"),
                            mime="text/html", key=f"dl_html_{key}", icon=":material/code:", on_click="ignore")
    cols[3].download_button("Data (CSV)", data=lambda: export.figure_csv(fig), file_name=export.chart_file_name(fig, "csv"),
                            mime="text/csv", key=f"dl_csv_{key}", icon=":material/table:", on_click="ignore")
    if not images:
        st.caption("PNG and SVG need Chromium on the server (Debian package `chromium`); HTML and CSV work without it.")
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    refs = meta.get("source_refs") or [{"source_id": s, "short": "", "citation": "", "url": ""} for s in meta.get("sources", [])]
    if not refs:
        st.caption("Sources: none")
        return
    from ui.shared import show_table

    # the codes on the image, each with its full citation and address, one click away
    with st.expander(f"Sources of this chart ({len(refs)}, most cited first): code, publisher and year, full citation, address"):
        show_table(pd.DataFrame(refs, columns=["source_id", "short", "citation", "url"]).rename(
                       columns={"source_id": "code", "short": "publisher and year"}),
                   width="stretch", column_config={"url": st.column_config.LinkColumn("address")})


def table_downloads(df, table: str, filters: str, as_of: str, key: str, notes: list[str]) -> None:
    """CSV and XLSX of a filtered table, formula-like cells neutralised; the file name says table, filters, date."""
    name = export.file_name(table, filters, as_of, "csv")[:-4]
    c1, c2 = st.columns(2)
    c1.download_button("Table (CSV)", data=lambda: export.table_csv(df, notes), file_name=f"{name}.csv",
                       mime="text/csv", key=f"tbl_csv_{key}", icon=":material/table:", on_click="ignore")
    c2.download_button("Table (XLSX)", data=lambda: export.table_xlsx({table: df}, notes), file_name=f"{name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"tbl_xlsx_{key}",
                       icon=":material/grid_on:", on_click="ignore")


def briefing_pack_button(figures, tables, *, filters: str, as_of: str, citations: list[str], page: str, key: str) -> None:
    """The page's briefing pack. The page's citations are matched to their codes in the sources table, so the pack's
    README lists code, full citation and address for every source (the charts' own sources come with the figures)."""
    from ui.shared import get_dataset

    ds, _ = get_dataset()
    sources = None
    if ds is not None:
        wanted = set(citations)
        sources = ds.sources.loc[ds.sources["citation"].isin(wanted), ["source_id", "citation", "url"]]
    name = export.file_name(f"briefing-pack-{page}", filters, as_of, "zip")
    st.download_button("Briefing pack (ZIP: charts, data, sources)", type="primary", icon=":material/folder_zip:",
                       data=lambda: export.briefing_pack(figures, tables, filters=filters, as_of=as_of, citations=citations,
                                                         page=page, sources=sources),
                       file_name=name, mime="application/zip", key=f"pack_{key}", on_click="ignore")


def brief_button(ds, flt, *, key: str, **view) -> None:
    """"Brief (PDF)": one A4 page (two at most) of this view, made only when clicked (compliance.brief)."""
    from compliance.brief import make_brief
    from ui.shared import view_link

    link = view_link(flt.as_of)
    base = link.split("?")[0].rsplit("/", 1)[0] if "://" in link else "http://localhost:8501"
    name = export.file_name(f"brief-{key}", "-".join(str(v) for v in view.values() if v) or "all", flt.as_of.date(), "pdf")
    st.download_button("Brief (PDF)", icon=":material/picture_as_pdf:", file_name=name, mime="application/pdf",
                       key=f"brief_{key}", on_click="ignore", disabled=not export.images_available(),
                       data=lambda: make_brief(ds, as_of=flt.as_of, base_url=base, **view),
                       help="One A4 page (two at most): the key figures, the chart, every source with its citation "
                            "and the link that reopens this view." if export.images_available()
                       else "Needs Chromium on the server for the chart (Debian package `chromium`).")
