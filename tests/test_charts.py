"""Every chart builder in compliance.charts, checked for what users rely on: a 16:9 slide, a title that names Belarus
with room above it, sources named by publisher and year with their codes, CSV columns named for what they hold, and
nothing hidden (every demand a visible point, same-day ICC markers apart, a state's own position kept apart from
calls made to it, heat-map steps that look different)."""

from __future__ import annotations

import itertools
import math
import struct

import pandas as pd
import pytest

from compliance import charts, export, metrics, money
from compliance.models import ADDRESSEE_LABELS, RESPONSE_LABELS
from compliance.scoring import scored_items

needs_browser = pytest.mark.skipif(not export.images_available(), reason="no Chromium: image export unavailable")
AS_OF = "2026-11-25"


@pytest.fixture(scope="module")
def scored(shipped):
    return scored_items(shipped, AS_OF)


def context(ds, sources, filters="none (all items)") -> charts.ChartContext:
    """A context as the pages build it (ui.shared.Filters.chart_context): with the sources table and weights."""
    return charts.ChartContext(filters=filters, as_of=AS_OF, sources=sorted(sources), catalogue=ds.sources,
                               weights=charts.citation_counts(ds))


def ids_of(frame: pd.DataFrame) -> set[str]:
    return {s for v in frame["source_ids"].dropna() for s in str(v).split(";") if s}


# --- one figure per builder, from the shipped data -----------------------------------------------------------------

def status_chart(ds, scored):
    recs = metrics.filter_items(scored, kind="recommendation")
    return charts.build_status_bar_chart(metrics.summarize(recs, "cycle"), "cycle", "Itemised recommendations by cycle",
                                         context(ds, ids_of(recs)), labels={c: f"Cycle {c}" for c in range(1, 5)})


def response_chart(ds, scored):
    recs = metrics.filter_items(scored, kind="recommendation")
    return charts.build_status_bar_chart(metrics.summarize(recs, "response"), "response", "By response",
                                         context(ds, ids_of(recs)), labels=RESPONSE_LABELS, horizontal=True)


def tally_chart(ds, scored):
    tallies = metrics.published_tallies(ds, as_of=AS_OF)
    return charts.build_tally_chart(tallies, "Published tallies", context(ds, {s for t in tallies for s in t["source_ids"]}))


def heatmap(ds, scored):
    recs = metrics.filter_items(scored, kind="recommendation")
    return charts.build_heatmap(metrics.theme_cycle_table(recs), "Weighted score by theme and cycle", context(ds, ids_of(recs)))


def demand_timeline(ds, scored):
    dem = metrics.filter_items(scored, kind="demand")
    return charts.build_demand_timeline(dem, "Demands over time", context(ds, ids_of(dem)), group_labels=ADDRESSEE_LABELS)


def icc_map(ds, scored):
    positions, calls = metrics.icc_positions(ds, AS_OF), metrics.icc_calls(ds, AS_OF)
    return charts.build_icc_map(positions, "ICC referral positions", context(ds, ids_of(metrics.icc_events(ds, AS_OF))),
                                calls=calls)


def icc_timeline(ds, scored):
    events = metrics.icc_events(ds, AS_OF)
    return charts.build_icc_timeline(events, "ICC referral over time", context(ds, ids_of(events)))


def donor_chart(ds, scored):
    p = metrics.pledges(ds, AS_OF, kinds=["pledge"])
    return charts.build_donor_chart(money.convert_pledges(p, ds.exchange_rates), "Pledges by donor, in euro",
                                    context(ds, ids_of(p)))


def pledge_timeline(ds, scored):
    p = metrics.pledges(ds, AS_OF, kinds=["pledge"])
    return charts.build_pledge_timeline(p, "Pledges over time", context(ds, ids_of(p)))


def over_time_series(ds):
    return metrics.with_rates(metrics.status_over_time(ds, metrics.period_dates("2010-01-01", AS_OF, "month"),
                                                        kind="recommendation"))


def reviews(ds):
    return [(r.review_date_start, f"Cycle {int(r.cycle)} review") for r in ds.cycles.itertuples()]


def status_over_time_chart(ds, scored):
    return charts.build_status_over_time_chart(over_time_series(ds), "Status of recommendations over time",
                                               context(ds, ids_of(scored)), markers=reviews(ds))


def rate_over_time_chart(ds, scored):
    return charts.build_rate_over_time_chart(over_time_series(ds), "Implementation rate over time",
                                             context(ds, ids_of(scored)), markers=reviews(ds))


BUILDERS = [status_chart, response_chart, tally_chart, heatmap, demand_timeline, icc_map, icc_timeline, donor_chart,
            pledge_timeline, status_over_time_chart, rate_over_time_chart]


def test_every_builder_is_covered():
    """A new builder in compliance.charts must get a figure here (and so every check below)."""
    builders = {n for n in dir(charts) if n.startswith("build_")}
    assert builders == {"build_status_bar_chart", "build_tally_chart", "build_heatmap", "build_demand_timeline",
                        "build_icc_map", "build_icc_timeline", "build_donor_chart", "build_pledge_timeline",
                        "build_status_over_time_chart", "build_rate_over_time_chart"}


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_fits_a_16_by_9_slide(build, shipped, scored):
    fig = build(shipped, scored)
    assert fig.layout.width * 9 == fig.layout.height * 16
    assert fig.layout.height >= charts.SLIDE_HEIGHT


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_title_names_belarus_with_a_margin_above(build, shipped, scored):
    fig = build(shipped, scored)
    assert "Belarus" in fig.layout.meta["chart_title"] and "Belarus" in fig.layout.title.text
    assert fig.layout.title.yref == "container" and fig.layout.title.yanchor == "top"
    assert (1 - fig.layout.title.y) * fig.layout.height >= 24  # px between the image's top edge and the title


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_source_line_names_publishers_with_codes(build, shipped, scored):
    fig = build(shipped, scored)
    footer = next(a.text for a in fig.layout.annotations if a.name == "footer")
    refs = fig.layout.meta["source_refs"]
    top = refs[0]
    assert f"{top['short']} ({top['source_id']})" in footer  # e.g. "Human Rights House Foundation 2021 (S10)"
    assert top["short"].split()[-1].isdigit() or top["short"].endswith("n.d.")  # the year, or n.d.
    if len(refs) > 3:
        assert "more — full list in the pack" in footer or "full citations in the pack" in footer
    assert all(r["citation"] for r in refs)  # every code on the image has its full citation for the pack


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_csv_columns_say_what_they_hold(build, shipped, scored):
    data = charts.figure_data(build(shipped, scored))
    assert len(data) > 0
    assert not {"series", "x", "y", "label"} & set(data.columns), list(data.columns)


def test_source_line_puts_the_most_cited_first(shipped):
    ctx = context(shipped, ["S06", "RC01"])
    weights = charts.citation_counts(shipped)
    first, second = sorted(["S06", "RC01"], key=lambda i: -weights.get(i, 0))
    line = " ".join(ctx.source_lines())
    assert line.index(f"({first})") < line.index(f"({second})")
    assert "Idescat, data from the Banco de España 2024 (RC01)" in line


def test_many_sources_are_cut_short_with_a_count(shipped):
    ctx = context(shipped, list(shipped.sources["source_id"]))
    lines = ctx.source_lines()
    assert len(lines) == 2 and all(len(line) <= charts.FOOTER_CHARS for line in lines)
    shown = sum(line.count(" (") for line in lines)
    assert lines[-1].endswith(f" and {len(shipped.sources) - shown} more — full list in the pack")


# --- empty charts say so, and packs can leave them out ---------------------------------------------------------------

def test_empty_chart_is_marked(shipped):
    fig = charts.build_tally_chart([], "Published tallies", context(shipped, []))
    assert charts.is_empty(fig) == "No published tally for this selection"
    assert charts.is_empty(status_chart(shipped, scored_items(shipped, AS_OF))) is None


# --- heat map: visible steps, grey for no score, a legend for '–' -----------------------------------------------------

def colour_at(scale: list, z: float, zmin: float, zmax: float) -> str:
    """The colour a stepped plotly colour scale gives to z."""
    t = (z - zmin) / (zmax - zmin)
    for (a, ca), (b, cb) in zip(scale, scale[1:]):
        if a <= t <= b and ca == cb:
            return ca
    raise AssertionError(f"{z} falls between steps")


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_heatmap_steps_look_different_at_0_7_and_19_percent():
    table = pd.DataFrame({"theme": ["a", "b", "c", "d"], "cycle": [1, 1, 1, 2], "implemented": [0, 0, 0, 0],
                          "partial": [0, 1, 3, 0], "unfulfilled": [10, 6, 5, 0], "not_assessed": [0, 0, 0, 2],
                          "total": [10, 7, 8, 2], "assessed": [10, 7, 8, 0]})
    table["weighted_score"] = [0.0, 1 / 14, 3 / 16, None]  # 0 %, 7 %, 19 %, nothing assessed
    fig = charts.build_heatmap(table, "Heat", charts.ChartContext(sources=["S1"]))
    trace = next(t for t in fig.data if t.name == "weighted score")
    colours = {}
    for theme, score in zip(table["theme"][:3], table["weighted_score"][:3]):
        row = list(trace.y).index(theme)
        colours[theme] = colour_at([list(p) for p in trace.colorscale], trace.z[row][0], trace.zmin, trace.zmax)
    assert len(set(colours.values())) == 3
    lum = sorted(luminance(c) for c in colours.values())
    assert all(b / a >= 1.15 for a, b in zip(lum, lum[1:]))  # neighbouring steps differ in lightness, not hue alone
    # one sequential scale: lightness falls step by step (readable in grey and by colour-blind readers)
    steps = [luminance(c) for _, c, _ in charts.HEAT_STEPS]
    assert steps == sorted(steps, reverse=True)
    # the colour bar names each step, and its title sits beside the bar, never on top of '100 %'
    assert list(trace.colorbar.ticktext)[-1] == "100 %" and trace.colorbar.title.side == "right"
    # a cell with nothing assessed is grey underneath and says n/a; a legend line says what '–' and 'n/a' mean
    grey = next(t for t in fig.data if t.name != "weighted score")
    assert grey.colorscale[0][1] == charts.MISSING_CELL
    assert trace.text[list(trace.y).index("d")][list(trace.x).index("Cycle 2")] == "n/a · 0/2"
    assert trace.text[list(trace.y).index("d")][list(trace.x).index("Cycle 1")] == "–"
    footer = next(a.text for a in fig.layout.annotations if a.name == "footer").replace("<br>", " ")
    assert "– = no itemised recommendation" in footer and "n/a = itemised, none assessed" in footer


# --- points that would hide each other are drawn apart --------------------------------------------------------------

def pixels(fig, trace) -> list[tuple[float, float]]:
    """Where each marker of a trace lands on the image, in px."""
    w, h, m = fig.layout.width, fig.layout.height, fig.layout.margin
    x0, x1 = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    y0, y1 = fig.layout.yaxis.range
    plot_w, plot_h = w - m.l - m.r - 200, h - m.t - m.b  # 200 px: the widest y-axis labels, a lower bound
    return [((pd.Timestamp(x) - x0) / (x1 - x0) * plot_w, (y1 - y) / (y1 - y0) * plot_h) for x, y in zip(trace.x, trace.y)]


def marker_points(fig) -> list[tuple[str, tuple[float, float]]]:
    out = []
    for t in fig.data:
        if t.mode == "markers":
            out += [(cd[0], p) for cd, p in zip(t.customdata, pixels(fig, t))]
    return out


def test_every_demand_is_a_visible_point(shipped, scored):
    fig = demand_timeline(shipped, scored)
    points = marker_points(fig)
    dem = metrics.filter_items(scored, kind="demand")
    assert sorted(i for i, _ in points) == sorted(dem["item_id"]) and len(points) == 31
    for (a, pa), (b, pb) in itertools.combinations(points, 2):
        assert math.dist(pa, pb) >= charts.MARKER_PX, f"{a} and {b} overlap"
    same_day = [cd for t in fig.data if t.mode == "markers" for cd in t.customdata if cd[0] == "D001"][0]
    assert same_day[4] == "4 on this day: D001, D002, D003, D004"  # the hover lists them


def test_same_day_icc_markers_are_all_visible(shipped):
    fig = icc_timeline(shipped, None)
    points = dict(marker_points(fig))
    # Poland: publicly supports and in discussion on 2024-10-03, urged to join on 2024-10-04
    for a, b in itertools.combinations(["I004", "I005", "I006"], 2):
        assert math.dist(points[a], points[b]) >= charts.MARKER_PX, f"{a} and {b} overlap"
    for (a, pa), (b, pb) in itertools.combinations(points.items(), 2):
        assert math.dist(pa, pb) >= charts.MARKER_PX, f"{a} and {b} overlap"
    # every colour of the legend is on the chart
    assert {t.name for t in fig.data if t.mode == "markers"} >= {"Publicly supports", "In discussion",
                                                                  "Urged to join (a call by others)"}
    # an event without a date is named, not silently dropped
    footer = next(a.text for a in fig.layout.annotations if a.name == "footer")
    assert "I010 Sweden, urged to join" in footer


def test_stack_lanes_keeps_close_events_apart():
    d = pd.to_datetime(pd.Series(["2024-10-03", "2024-10-03", "2024-10-04", "2024-12-02", "2025-01-01"]))
    ends = d.copy()
    ends.iloc[4] = pd.Timestamp("2025-12-31")  # a date given as '2025' occupies the year
    lanes = charts.stack_lanes(d, ends, gap_days=5)
    assert lanes[:3] == [0, 1, 2] and lanes[3] == 0
    assert charts.stack_lanes(pd.to_datetime(pd.Series(["2025-06-01"])), pd.to_datetime(pd.Series(["2025-06-01"])), 5) == [0]
    both = pd.to_datetime(pd.Series(["2025-01-01", "2025-06-01"]))
    assert charts.stack_lanes(both, pd.to_datetime(pd.Series(["2025-12-31", "2025-06-01"])), 5) == [0, 1]


# --- the ICC map: a state's own position, calls as calls, every name readable -----------------------------------------

def test_icc_map_colours_own_positions_and_shows_calls_apart(shipped):
    fig = icc_map(shipped, None)
    coloured = {t.name: set(t.locations) for t in fig.data if t.type == "choropleth" and t.showlegend}
    assert "POL" in coloured["Publicly supports"] and "LTU" in coloured["Referred"]
    assert not any("urged" in name.lower() for name in coloured)  # a call never colours a state
    assert all(len([n for n, locs in coloured.items() if c in locs]) == 1 for locs in coloured.values() for c in locs)
    calls = next(t for t in fig.data if t.type == "scattergeo" and t.mode == "markers")
    assert "not its position" in calls.name and calls.showlegend is not False
    by_state = {cd[0]: cd for cd in calls.customdata}
    assert by_state["Poland"][1] == "2024-10-04; 2024-12-02" and "Tsikhanouskaya" in by_state["Poland"][3]
    panel = next(a.text for a in fig.layout.annotations if a.name == "panel")
    assert "<b>Poland, 2024-10-04</b> (I006): In a TVP World interview, Sviatlana" in panel  # who urged, and when
    assert "Poland: publicly supports (2024-10-03, I004)" in panel


def test_icc_map_state_only_urged_is_not_coloured(shipped):
    positions = pd.DataFrame(columns=["actor_iso3", "actor", "position", "event_date", "event_id", "summary", "source_ids"])
    calls = pd.DataFrame({"actor_iso3": ["NOR"], "actor": ["Norway"], "event_date": ["2025-03-01"], "event_id": ["X1"],
                          "summary": ["On 1 March 2025, a coalition urged Norway to join."], "source_ids": ["S1"]})
    fig = charts.build_icc_map(positions, "t", charts.ChartContext(), calls=calls)
    assert not [t for t in fig.data if t.type == "choropleth" and t.showlegend]
    assert charts.is_empty(fig) is None  # a call alone is worth a map
    panel = next(a.text for a in fig.layout.annotations if a.name == "panel")
    assert "<b>Norway, 2025-03-01</b> (X1): A coalition urged Norway to join." in panel


def test_icc_map_names_belarus_and_every_state_without_overlap(shipped):
    fig = icc_map(shipped, None)
    text = list(next(t for t in fig.data if t.name == "labels").text)
    assert "<b>Belarus</b>" in text
    for state in ("Lithuania", "Latvia", "Poland", "Sweden", "Netherlands"):
        assert state in text
    # the label boxes as the chart placed them: none overlaps another, nor a call ring
    centres = charts.country_centres()
    points = [("BLR", *centres["BLR"], "Belarus", 0), ("LTU", *centres["LTU"], "Lithuania", 0),
              ("LVA", *centres["LVA"], "Latvia", charts.CALL_RADIUS_PX), ("POL", *centres["POL"], "Poland", charts.CALL_RADIUS_PX)]
    placed = charts.place_labels(points, width_px=700, height_px=460)
    boxes = [box for _, box, _, _ in placed.values()]
    assert all(charts._overlap(a, b) == 0 for a, b in itertools.combinations(boxes, 2))
    rings = []
    for _, lon, lat, _, radius in points:
        if radius:
            x, y = charts.map_pixels(lon, lat, 700, 460)
            rings.append((x - radius, y - radius, x + radius, y + radius))
    assert all(charts._overlap(box, ring) == 0 for box in boxes for ring in rings)  # no name hidden by a call ring
    # the map takes most of the width; the words beside it take the rest
    assert fig.layout.geo.domain.x[1] - fig.layout.geo.domain.x[0] >= 0.55


def test_place_labels_moves_a_label_off_its_neighbour():
    # two points 1 px apart: the second label cannot sit centred on the first
    placed = charts.place_labels([("A", 24.0, 56.0, "Lithuania"), ("B", 24.0, 56.02, "Latvia")], width_px=700, height_px=460)
    assert placed["A"][0] == "middle center" and placed["A"][3] == 56.0  # the first stays on its point
    assert placed["B"][0] != "middle center" or placed["B"][3] != 56.02  # the second moves
    assert charts._overlap(placed["A"][1], placed["B"][1]) == 0


# --- pledges: donors in euro, nothing dropped ----------------------------------------------------------------------------

def test_donor_chart_totals_match_money_and_name_the_rate_source(shipped):
    p = metrics.pledges(shipped, AS_OF, kinds=["pledge"])
    converted = money.convert_pledges(p, shipped.exchange_rates)
    fig = donor_chart(shipped, None)
    bars = [t for t in fig.data if t.type == "bar"]
    drawn = pd.DataFrame({"donor": [y for t in bars for y in t.y], "eur": [x for t in bars for x in t.x]})
    totals = money.donor_totals(converted).dropna(subset=["total_eur"]).set_index("donor")["total_eur"]
    assert drawn.groupby("donor")["eur"].sum().round(2).to_dict() == totals.astype(float).round(2).to_dict()
    assert sum(len(t.x) for t in bars) == converted["amount_eur"].notna().sum()  # one segment per converted pledge
    footer = next(a.text for a in fig.layout.annotations if a.name == "footer").replace("<br>", " ")
    assert "Idescat, data from the Banco de España 2024 (RC01)" in footer and "NOK 2021 10.16" in footer
    assert "cross-checked with Board of Governors of the Federal Reserve" in footer and "(RC02, RC03)" in footer
    assert "NOK 2024 11.63" in footer and "(R4-002)" in footer  # the ECB's 2024 average converts P037
    assert "P037" not in footer and {"RC01", "R4-002"} <= set(fig.layout.meta["sources"])


def test_pledge_timeline_draws_every_dated_pledge_with_an_amount(shipped):
    p = metrics.pledges(shipped, AS_OF, kinds=["pledge"])
    fig = pledge_timeline(shipped, None)
    drawn = sorted(cd[0] for t in fig.data for cd in t.customdata)
    assert drawn == sorted(p.loc[p["amount"].notna() & p["pledged_date_start"].notna(), "pledge_id"])


# --- the exported image itself -------------------------------------------------------------------------------------------

@needs_browser
@pytest.mark.timeout(180)
@pytest.mark.parametrize("build", [donor_chart, heatmap], ids=lambda b: b.__name__)
def test_png_is_16_by_9(build, shipped, scored):
    png = export.figure_image(build(shipped, scored), "png")
    width, height = struct.unpack(">II", png[16:24])
    assert width * 9 == height * 16 and height <= 2000


# --- over time ---------------------------------------------------------------------------------------------------


def test_the_status_over_time_chart_stacks_every_status_and_marks_every_review(shipped):
    series = over_time_series(shipped)
    fig = charts.build_status_over_time_chart(series, "Over time", context(shipped, set()), markers=reviews(shipped))
    areas = [t for t in fig.data if t.type == "scatter"]
    assert [t.name for t in areas] == ["Implemented", "Partially implemented", "Unfulfilled", "Not assessed"]
    assert {t.stackgroup for t in areas} == {"status"}
    last = {t.name: t.y[-1] for t in areas}
    counts = metrics.status_counts(metrics.filter_items(scored_items(shipped, AS_OF), kind="recommendation"))
    assert sum(last.values()) == sum(counts.values())  # the last date is the status as of AS_OF
    labels = [a.text for a in fig.layout.annotations]
    assert all(f"Cycle {c} review" in labels for c in (1, 2, 3, 4))


def test_the_rate_chart_leaves_gaps_where_nothing_is_assessed(shipped):
    series = over_time_series(shipped)
    series.loc[:5, "implementation_rate"] = float("nan")
    fig = charts.build_rate_over_time_chart(series, "Rate", context(shipped, set()))
    rate = next(t for t in fig.data if t.name.startswith("Implementation rate"))
    assert rate.connectgaps is False and all(math.isnan(v) for v in rate.y[:6])
    assert fig.layout.yaxis.tickformat == ".0%"
    empty = charts.build_rate_over_time_chart(series.assign(implementation_rate=float("nan")), "Rate", context(shipped, set()))
    assert not [t for t in empty.data if t.type == "scatter"]
