"""One state in one view (compliance/states.py and pages/state.py) and its PDF brief (compliance/brief.py)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from conftest import ROOT
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from compliance import states
from compliance.brief import make_brief, state_brief
from compliance.cli import main
from compliance.export import images_available


@pytest.fixture(autouse=True)
def shipped_data(monkeypatch):
    monkeypatch.delenv("COMPLIANCE_DATA_DIR", raising=False)
    monkeypatch.delenv("COMPLIANCE_STORE", raising=False)


def state_page(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(str(ROOT / "pages/state.py")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figure(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_state_table_counts_each_states_recommendations(shipped):
    t = states.state_table(shipped).set_index("iso3")
    direct = shipped.recommendation_states.groupby("state_iso3")["recommendation_id"].nunique()
    assert t.loc[direct.index, "recommendations"].to_dict() == direct.to_dict()
    assert t.at["LTU", "icc_position"] == "referred" and t.at["POL", "icc_position"] == "publicly_supports"
    assert t.at["POL", "icc_calls"] == 2  # urged twice, kept apart from its own position


def test_a_profile_keeps_own_positions_and_calls_apart(shipped):
    pol = states.state_profile(shipped, "POL")
    assert set(pol.icc_own["position"]) <= {"publicly_supports", "in_discussion"}
    assert len(pol.icc_calls) == 2 and "urged_to_join" not in set(pol.icc_own["position"])
    assert dict(pol.key_figures)["Own position on the ICC referral"] == "Publicly supports"


def test_a_profile_follows_the_as_of_date(shipped):
    now, before = states.state_profile(shipped, "LTU"), states.state_profile(shipped, "LTU", "2024-09-29")
    assert dict(now.key_figures)["Own position on the ICC referral"] == "Referred"
    assert dict(before.key_figures)["Own position on the ICC referral"] == "no position recorded"
    nor_2009 = states.state_profile(shipped, "NOR", "2009-12-31")
    assert len(nor_2009.recommendations) == 0 and nor_2009.pledges.empty


def test_the_state_page_offers_states_by_name_and_lists_them_all():
    at = state_page()
    assert at.title[0].value == "States and Belarus"
    picker = at.sidebar.selectbox(key="state")
    assert "Norway (NOR)" in picker.options and "Lithuania (LTU)" in picker.options
    table = at.dataframe[0].value
    assert {"Norway", "Lithuania", "Poland"} <= set(table["state"])
    assert table.set_index("state").at["Norway", "page"].startswith("./state?state=NOR")


def test_a_chosen_states_figures_change_with_the_as_of_date():
    now = state_page(state="LTU")
    assert now.title[0].value == "Lithuania and Belarus"
    assert figure(now, "Own position on the ICC referral") == "Referred"
    assert figure(now, "Recommendations to Belarus itemised here") == "7"
    before = state_page(state="LTU", as_of="2010-01-01")
    assert figure(before, "Own position on the ICC referral") == "no position recorded"
    assert figure(before, "Recommendations to Belarus itemised here") == "0"


def test_picking_a_state_by_name_keeps_its_code_in_the_link():
    at = state_page()
    at.sidebar.selectbox(key="state").select("NOR").run()
    assert at.title[0].value == "Norway and Belarus"
    link = at.sidebar.code[0].value  # "Link to this view"
    assert "state=NOR" in link and "Norway" not in link


needs_chromium = pytest.mark.skipif(not images_available(), reason="PDF charts need Debian's chromium")


@needs_chromium
@pytest.mark.parametrize("view,name", [({"state": "NOR"}, "Norway"), ({"cycle": 1, "theme": "death-penalty"}, "overview")])
def test_the_brief_is_one_or_two_a4_pages_with_the_view_the_date_and_full_citations(shipped, view, name):
    pdf = make_brief(shipped, as_of="2025-06-30", base_url="https://dash.example.org", **view)
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2
    w, h = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(w), round(h)) == (595, 842)  # A4 in points
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Belarus" in text and name in text and "2025-06-30" in text
    # a full citation, with its code, and the link that reopens the view
    s01 = shipped.sources.set_index("source_id").at["S01", "citation"]
    assert "S01" in text and s01[:40] in " ".join(text.split())
    assert "https://dash.example.org/" in text and "as_of=2025-06-30" in text


@needs_chromium
def test_the_brief_charts_are_vector_graphics(shipped):
    pdf = make_brief(shipped, state="NOR")
    reader = PdfReader(io.BytesIO(pdf))
    assert not any("/Image" in str(x.get("/Subtype")) for p in reader.pages
                   for x in (p.get("/Resources", {}).get("/XObject", {}) or {}).values())


def test_the_state_brief_names_own_position_and_calls_apart(shipped):
    b = state_brief(shipped, "POL", as_of="2025-01-01")
    assert dict(b.figures)["Own position on the ICC referral"] == "Publicly supports"
    assert any(line.startswith("Calls on Poland to join the ICC referral (not its own position)") for line in b.extra)


@needs_chromium
def test_brief_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "nor.pdf"
    assert main(["brief", "--state", "NOR", "--out", str(out)]) == 0
    assert len(PdfReader(str(out)).pages) in (1, 2)
    assert main(["brief", "--state", "XX", "--out", str(out)]) == 2
    assert main(["brief", "--out", str(tmp_path / "missing" / "x.pdf")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_pages_list_one_state_page(shipped):
    from ui.shared import PAGE_SPECS

    assert "pages/state.py" in [p[0] for p in PAGE_SPECS]
    assert pd.notna(states.state_table(shipped)["recommendations"]).all()


@needs_chromium
def test_a_brief_with_more_sources_than_fit_stops_at_two_pages_and_says_how_many_more(shipped):
    from compliance.brief import overview_brief, render_pdf

    b = overview_brief(shipped)
    b.source_ids = sorted(shipped.sources["source_id"])  # every source: far more than two pages hold
    reader = PdfReader(io.BytesIO(render_pdf(shipped, b)))
    assert len(reader.pages) == 2
    last = " ".join(reader.pages[-1].extract_text().split())
    assert "more: the full list is on the Sources & methodology page" in last
