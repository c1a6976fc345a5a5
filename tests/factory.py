"""Build small, clearly synthetic data folders for tests (never written into data/)."""

from __future__ import annotations

import csv
from pathlib import Path

from compliance.data import FILES

SRC = "TEST1"


def base_tables() -> dict[str, list[dict]]:
    """A minimal valid dataset: two recommendations, one demand, two criteria."""
    return {
        "dataset.csv": [{"state_under_review_iso3": "BLR", "title": "Synthetic test dataset", "source_ids": SRC, "note": ""}],
        "sources.csv": [
            {"source_id": SRC, "producer": "Test producer", "title": "Synthetic test source", "url": "https://example.org/test",
             "published_date": "2020", "accessed_date": "2026-11-24", "citation": "Test producer, synthetic", "note": "synthetic test data"},
        ],
        "themes.csv": [
            {"theme_slug": "death-penalty", "label": "Death penalty", "description": "d"},
            {"theme_slug": "political-prisoners", "label": "Political prisoners", "description": "p"},
        ],
        "theme_map_uprinfo.csv": [{"uprinfo_issue": "Death penalty", "theme_slug": "death-penalty"}],
        "cycles.csv": [
            {"cycle": c, "review_year": y, "wg_session": "", "review_date": f"{y}-05-01", "hrc_adoption_date": "",
             "report_symbol": "", "total_recommendations": "", "supported": "", "partially_supported": "",
             "supported_implemented": "", "noted": "", "source_ids": SRC, "note": ""}
            for c, y in ((1, 2010), (2, 2015), (3, 2020), (4, 2025))
        ],
        "recurrences.csv": [{"recurrence_id": "death-penalty-moratorium", "label": "Moratorium"}],
        "recommendations.csv": [
            {"recommendation_id": "C1-98.16", "cycle": 1, "paragraph": "98.16", "summary": "Moratorium", "themes": "death-penalty",
             "response": "noted", "recurrence_id": "death-penalty-moratorium", "source_ids": SRC, "note": ""},
            {"recommendation_id": "C3-GBR-1", "cycle": 3, "paragraph": "", "summary": "Release detainees", "themes": "political-prisoners",
             "response": "noted", "recurrence_id": "", "source_ids": SRC, "note": ""},
        ],
        "recommendation_states.csv": [
            {"recommendation_id": "C1-98.16", "state_iso3": "BRA", "response": "noted", "action_category": 5, "source_ids": SRC},
            {"recommendation_id": "C1-98.16", "state_iso3": "LTU", "response": "noted", "action_category": 5, "source_ids": SRC},
            {"recommendation_id": "C3-GBR-1", "state_iso3": "GBR", "response": "", "action_category": "", "source_ids": SRC},
        ],
        "demands.csv": [
            {"demand_id": "D001", "issued_date": "2015-01-09", "issuer": "Test NGO", "issuer_type": "belarusian_civil_society",
             "addressee": "belarusian_authorities", "addressee_iso3": "", "addressee_detail": "", "summary": "Moratorium now",
             "themes": "death-penalty", "recurrence_id": "death-penalty-moratorium", "source_ids": SRC, "note": ""},
        ],
        "criteria.csv": [
            {"criterion_id": "moratorium", "description": "A moratorium is in force"},
            {"criterion_id": "no-executions", "description": "No executions in the period"},
        ],
        "item_criteria.csv": [
            {"item_id": "C1-98.16", "criterion_id": "moratorium", "weight": 1},
            {"item_id": "C1-98.16", "criterion_id": "no-executions", "weight": 1},
            {"item_id": "D001", "criterion_id": "moratorium", "weight": 1},
        ],
        "observations.csv": [],
        "assessments.csv": [],
        "tallies.csv": [],
        "icc_events.csv": [],
        "pledges.csv": [],
    }


def write_dataset(root: Path, tables: dict[str, list[dict]] | None = None) -> Path:
    """Write `tables` (default: base_tables()) as CSV files with the real headers into `root`."""
    tables = tables or base_tables()
    root.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        columns = list(spec.model.model_fields)
        with open(root / spec.name, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=columns)
            w.writeheader()
            for row in tables.get(spec.name, []):
                w.writerow({c: row.get(c, "") for c in columns})
    return root


def obs(oid: str, criterion: str, when: str, met: str) -> dict:
    return {"observation_id": oid, "criterion_id": criterion, "observed_date": when, "met": met, "source_ids": SRC, "note": ""}


def assessment(aid: str, item: str, when: str, status: str) -> dict:
    return {"assessment_id": aid, "item_id": item, "assessor": "Test coalition", "assessed_date": when, "status": status,
            "rationale": "because", "source_ids": SRC}
