"""Build small, clearly synthetic data folders for tests (never written into data/)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from compliance.data import FILES

SRC = "TEST1"
#: Rows of the tables a second person reads (models.ReadTwice) are, unless a test says otherwise, read and confirmed:
#: a test about scoring should not have to say it each time.
READ = {"locator": "p. 1", "recorded_by": "Test writer", "read_by": "Test reader", "read_date": "2026-11-20",
        "read_verdict": "confirmed", "read_note": ""}


def base_tables() -> dict[str, list[dict]]:
    """A minimal valid dataset: two recommendations, one demand, two criteria (every file, most of them empty)."""
    return {spec.name: [] for spec in FILES} | {
        "dataset.csv": [{"state_under_review_iso3": "BLR", "title": "Synthetic test dataset", "source_ids": SRC, "note": ""}],
        "sources.csv": [
            {"source_id": SRC, "producer": "Test producer", "title": "Synthetic test source", "url": "https://example.org/test",
             "published_date": "2020", "accessed_date": "2026-11-24", "citation": "Test producer, synthetic",
             "note": "synthetic test data"},
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
        "ask_kinds.csv": [
            {"ask_kind": "practice", "label": "Guarantee a right in practice", "implemented": "The result holds in practice",
             "partial": "Some of it holds", "unfulfilled": "It does not hold", "signal_words": "ensure;guarantee"},
            {"ask_kind": "consider", "label": "Consider or examine", "implemented": "A documented decision either way",
             "partial": "Studied, no decision", "unfulfilled": "Nothing done", "signal_words": "consider;examine"},
        ],
        "recommendations.csv": [
            {"recommendation_id": "C1-98.16", "cycle": 1, "paragraph": "98.16", "summary": "Moratorium", "themes": "death-penalty",
             "response": "noted", "recurrence_id": "death-penalty-moratorium", "source_ids": SRC, "note": "",
             "ask_kind": "practice"},
            {"recommendation_id": "C3-GBR-1", "cycle": 3, "paragraph": "", "summary": "Release detainees", "themes": "political-prisoners",
             "response": "noted", "recurrence_id": "", "source_ids": SRC, "note": "", "ask_kind": "practice"},
        ],
        "recommendation_states.csv": [
            {"recommendation_id": "C1-98.16", "state_iso3": "BRA", "response": "noted", "action_category": 5, "source_ids": SRC},
            {"recommendation_id": "C1-98.16", "state_iso3": "LTU", "response": "noted", "action_category": 5, "source_ids": SRC},
            {"recommendation_id": "C3-GBR-1", "state_iso3": "GBR", "response": "", "action_category": "", "source_ids": SRC},
        ],
        "demands.csv": [
            {"demand_id": "D001", "issued_date": "2015-01-09", "issuer": "Test NGO", "issuer_type": "belarusian_civil_society",
             "addressee": "belarusian_authorities", "addressee_iso3": "", "addressee_detail": "", "summary": "Moratorium now",
             "themes": "death-penalty", "recurrence_id": "death-penalty-moratorium", "source_ids": SRC, "note": "",
             "ask_kind": "practice"},
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


def csv_bytes(tables: dict[str, list[dict]] | None = None) -> dict[str, bytes]:
    """`tables` (default: base_tables()) as the CSV bytes of every file, with the real headers: what
    compliance.data.dataset_from_tables reads, without a folder."""
    tables = tables or base_tables()
    out = {}
    for spec in FILES:
        columns = list(spec.model.model_fields)
        defaults = READ if spec.read_twice else {}
        fh = io.StringIO(newline="")
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for row in tables.get(spec.name, []):
            w.writerow({c: row.get(c, defaults.get(c, "")) for c in columns})
        out[spec.name] = fh.getvalue().encode("utf-8")
    return out


def write_dataset(root: Path, tables: dict[str, list[dict]] | None = None) -> Path:
    """Write `tables` (default: base_tables()) as CSV files with the real headers into `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in csv_bytes(tables).items():
        (root / name).write_bytes(content)
    return root


#: One more valid row for every file, fitting base_tables() (every reference resolves; ids are new), so a test can
#: add it, break one thing in it and see exactly that reported. A recommendation also needs a recommending state.
VALID_ROWS: dict[str, dict] = {
    "dataset.csv": {"state_under_review_iso3": "BLR", "title": "Synthetic test dataset", "source_ids": SRC, "note": ""},
    "sources.csv": {"source_id": "TEST2", "producer": "Test producer", "title": "Second synthetic source",
                    "url": "https://example.org/test2", "published_date": "2021-03", "accessed_date": "2026-11-24",
                    "citation": "Test producer, second", "note": ""},
    "themes.csv": {"theme_slug": "elections", "label": "Elections", "description": "e"},
    "theme_map_uprinfo.csv": {"uprinfo_issue": "Detention", "theme_slug": "political-prisoners"},
    "theme_map_uhri.csv": {"keyword": "death penalty", "theme_slug": "death-penalty"},
    "cycles.csv": {"cycle": 5, "review_year": 2030, "wg_session": 62, "review_date": "2030-05", "hrc_adoption_date": "",
                   "report_symbol": "A/HRC/75/1", "total_recommendations": 200, "supported": 100,
                   "partially_supported": 10, "supported_implemented": 5, "noted": 85, "source_ids": SRC, "note": ""},
    "recurrences.csv": {"recurrence_id": "release-prisoners", "label": "Release political prisoners"},
    "ask_kinds.csv": {"ask_kind": "ratify", "label": "Ratify or accede", "implemented": "Deposited",
                      "partial": "Signed", "unfulfilled": "Nothing", "signal_words": "ratify;accede",
                      "source_ids": SRC},
    "recommendations.csv": {"recommendation_id": "C2-NOR-1", "cycle": 2, "paragraph": "", "summary": "Release them",
                            "themes": "political-prisoners", "response": "supported", "recurrence_id": "",
                            "source_ids": SRC, "note": "", "ask_kind": "practice"},
    "recommendation_states.csv": {"recommendation_id": "C3-GBR-1", "state_iso3": "NOR", "response": "",
                                  "action_category": 3, "text_key": "0123456789ab", "source_ids": SRC},
    "demands.csv": {"demand_id": "D002", "issued_date": "2021-08", "issuer": "Test coalition",
                    "issuer_type": "international_civil_society", "addressee": "named_states", "addressee_iso3": "LTU;POL",
                    "addressee_detail": "", "summary": "Open a case", "themes": "political-prisoners",
                    "recurrence_id": "", "source_ids": SRC, "note": "", "ask_kind": "consider"},
    "criteria.csv": {"criterion_id": "law-repealed", "description": "The law is repealed"},
    "contested.csv": {"criterion_id": "moratorium", "contested_since": "2021-06", "note": "Two sources disagree"},
    "item_criteria.csv": {"item_id": "C3-GBR-1", "criterion_id": "no-executions", "weight": "2.5"},
    "observations.csv": {"observation_id": "O9", "criterion_id": "moratorium", "observed_date": "2020-01-01", "met": "yes",
                         "source_ids": SRC, "note": ""},
    "assessments.csv": {"assessment_id": "A9", "item_id": "C1-98.16", "assessor": "Test coalition",
                        "assessed_date": "2023-12", "status": "partial", "rationale": "because", "source_ids": SRC},
    "evidence_searches.csv": {"search_id": "ES9", "item_id": "C3-GBR-1", "searched_date": "2026-01-15",
                              "searched_for": "a release", "result": "nothing_found", "note": "searched the news",
                              "source_ids": ""},
    "tallies.csv": {"tally_id": "T9", "cycle": 3, "assessor": "Test coalition", "report_title": "Mid-term report",
                    "published_date": "2022", "scope": "all", "total": 10, "implemented": 1, "partial": 2,
                    "unfulfilled": 3, "not_assessed": 4, "source_ids": SRC, "note": ""},
    "icc_events.csv": {"event_id": "I9", "event_date": "2024-10-01", "actor": "Poland", "actor_iso3": "POL",
                       "position": "joined", "summary": "Joined the referral", "source_ids": SRC, "note": ""},
    "pledges.csv": {"pledge_id": "P9", "donor": "Norway", "donor_iso3": "NOR", "recipient": "Test fund", "amount": "1000",
                    "amount_qualifier": "exact", "currency": "NOK", "pledged_date": "2021", "purpose": "documentation",
                    "accountability": "yes", "kind": "pledge", "source_ids": SRC, "note": ""},
    "exchange_rates.csv": {"currency": "NOK", "year": 2021, "rate_per_eur": "10.16", "source_ids": SRC, "note": ""},
}


def row(table: str, **changes) -> dict:
    """A copy of the valid extra row of `table` (VALID_ROWS) with `changes`."""
    return {**VALID_ROWS[table], **changes}


def obs(oid: str, criterion: str, when: str, met: str, **reading) -> dict:
    """An observation, read and confirmed unless `reading` says otherwise (e.g. read_verdict="rejected")."""
    return {"observation_id": oid, "criterion_id": criterion, "observed_date": when, "met": met, "source_ids": SRC,
            "note": "", **reading}


def assessment(aid: str, item: str, when: str, status: str, **reading) -> dict:
    return {"assessment_id": aid, "item_id": item, "assessor": "Test coalition", "assessed_date": when, "status": status,
            "rationale": "because", "source_ids": SRC, **reading}


def csv_text(rows: list[dict], columns=None) -> bytes:
    """Rows as the bytes of a CSV file (a header of every key, in order of appearance): a file to import."""
    fh = io.StringIO()
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    w = csv.DictWriter(fh, fieldnames=columns, restval="", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return fh.getvalue().encode("utf-8")


def import_target(edit=None):
    """The base dataset to import into (Belarus; C1-98.16 recommended by Brazil and Lithuania, noted; C3-GBR-1 by the
    United Kingdom, its fingerprint kept), with UPR Info issues and UHRI keywords mapped to its two themes and cycle 1's
    report symbol. `edit(tables)` may change the tables before they are loaded."""
    from compliance.data import dataset_from_tables
    from compliance.importer import text_key

    t = base_tables()
    t["cycles.csv"][0]["report_symbol"] = "A/HRC/15/16"
    t["recommendation_states.csv"][2]["text_key"] = text_key("Release detainees")  # imported before, by its text
    t["theme_map_uprinfo.csv"] = [{"uprinfo_issue": "Death penalty", "theme_slug": "death-penalty"},
                                  {"uprinfo_issue": "Detention", "theme_slug": "political-prisoners"},
                                  {"uprinfo_issue": "Women's rights", "theme_slug": ""}]
    t["theme_map_uhri.csv"] = [{"keyword": "death penalty", "theme_slug": "death-penalty"},
                               {"keyword": "detention", "theme_slug": "political-prisoners"}]
    t["assessments.csv"] = [dict(assessment("A007", "C3-GBR-1", "2024", "unfulfilled"), rationale="Not implemented")]
    if edit:
        edit(t)
    return dataset_from_tables(csv_bytes(t))
