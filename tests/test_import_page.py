"""The Data page's import tab through AppTest: an unknown header gets one dropdown per field (pre-filled from a
guess or a saved mapping file), the mapping can be saved, the plan is made once per uploaded file, a matrix
previews, and a file about another state is refused on the page."""

from __future__ import annotations

from conftest import ROOT
from test_pages import data_app, no_errors, shipped_data, unlock  # noqa: F401  (shipped_data: autouse fixture)

import compliance.importer as importer

FIX = ROOT / "tests" / "fixtures"


def upload(at, name: str, mime: str = "text/csv"):
    at.file_uploader(key="imp_file").set_value((name, (FIX / name).read_bytes(), mime)).run()
    return at


def dropdown(at, field: str):
    return next(s for s in at.selectbox if s.key and s.key.startswith(f"imp_map_{field}_"))


def text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_unknown_header_gets_mapping_dropdowns_then_imports(monkeypatch, tmp_path):
    data, at = data_app(monkeypatch, tmp_path, "pw")
    unlock(at, "pw")
    before = (data / "recommendations.csv").read_bytes()
    upload(at, "coalition_sheet.csv")
    no_errors(at)
    assert any("not one the importer knows" in i.value for i in at.info)
    # guessed from the header words; the rest are chosen by hand
    assert dropdown(at, "text").value == "Recommendation"
    assert dropdown(at, "recommending_states").value == "Recommending State"
    assert dropdown(at, "cycle").value == "UPR cycle"
    dropdown(at, "paragraph").select("Rec no.").run()
    dropdown(at, "response").select("Government response").run()
    dropdown(at, "themes").select("Topic").run()
    no_errors(at)
    assert "**3 recommendations** about BLR" in text(at) and "Would add **3** recommendations" in text(at)
    assert any("Save this mapping" in str(b.proto) for b in at.get("download_button"))
    assert (data / "recommendations.csv").read_bytes() == before  # the preview writes nothing
    next(b for b in at.button if b.label == "Apply import").click().run()
    no_errors(at)
    assert any("Imported" in s.value for s in at.success)
    written = (data / "recommendations.csv").read_text()
    assert "C3-127.81" in written and "Test ask about the media law" in written


def test_saved_mapping_file_fills_the_dropdowns(monkeypatch, tmp_path):
    data, at = data_app(monkeypatch, tmp_path, "pw")
    unlock(at, "pw")
    upload(at, "coalition_sheet.csv")
    at.file_uploader(key="imp_map_file").set_value(
        ("coalition_sheet.map.toml", (FIX / "coalition_sheet.map.toml").read_bytes(), "application/toml")).run()
    no_errors(at)
    assert dropdown(at, "paragraph").value == "Rec no." and dropdown(at, "assessment").value == "Our assessment"
    assert "**3 recommendations** about BLR" in text(at)


def test_plan_is_made_once_per_uploaded_file(monkeypatch, tmp_path):
    calls = []
    real = importer.plan_import

    def counting(*a, **kw):
        calls.append(kw.get("name"))
        return real(*a, **kw)

    monkeypatch.setattr(importer, "plan_import", counting)
    data, at = data_app(monkeypatch, tmp_path, "pw")
    unlock(at, "pw")
    upload(at, "uprinfo_bom.csv")
    assert calls == ["uprinfo_bom.csv"]
    at.selectbox(key="obs_item").select("D011").run()  # a click elsewhere on the page
    at.selectbox(key="up_kind").select("assessments.csv").run()
    assert calls == ["uprinfo_bom.csv"]  # the preview was not made again
    at.checkbox(key="imp_skip").check().run()  # an import option changed: a new plan
    assert len(calls) == 2


def test_matrix_previews_on_the_page(monkeypatch, tmp_path):
    data, at = data_app(monkeypatch, tmp_path, "pw")
    unlock(at, "pw")
    upload(at, "matrix_cycle4.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    no_errors(at)
    assert "**3 rows read** (docx)" in text(at) and "responses: supported 2, noted 1" in text(at)
    assert not next(b for b in at.button if b.label == "Apply import").disabled


def test_file_about_another_state_is_refused_on_the_page(monkeypatch, tmp_path):
    data, at = data_app(monkeypatch, tmp_path, "pw")
    unlock(at, "pw")
    assert at.text_input(key="imp_state").value == "BLR"  # the dataset's state under review
    at.text_input(key="imp_state").input("POL").run()
    upload(at, "uprinfo_multi.csv")
    assert any("this dataset is about Belarus (BLR)" in e.value for e in at.error)
    assert next(b for b in at.button if b.label == "Apply import").disabled
    assert "**1 recommendations** about POL" in text(at)
