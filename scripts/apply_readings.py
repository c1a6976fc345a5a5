"""Apply a round of second readings and of the implementation standard to the data, through the store's one write path.

A round lives in one folder (the 2026-12 round: scripts/research/2026-12/), made by people who did not write the rows
they read:

    readings/R*.csv      first readings: table,row_id,verdict,locator,corrections,note,reader,read_date
    readings/V*.csv      checks of the first readings that corrected, rejected or could not reach a row (same columns;
                         verdict confirmed, corrected or disputed)
    readings/*_sources.csv, standard/standard_sources.csv   new sources (the columns of data/sources.csv)
    readings/*_rates.csv  new exchange rates (the columns of data/exchange_rates.csv; row_id CUR-YEAR in the checks)
    standard/ask_kinds.csv, item_kinds.csv, criteria_changes.csv, contested.csv, new_observations.csv,
    judgements.csv       the standard and how it applies to each item
    standard/REVIEW.csv  the second reading of the standard (file,row,verdict,corrections,note)
    decisions.csv        the lead's decision where a check disputed a reading (table,row_id,decision,corrections,note):
                         decision `first` keeps the first reading, `check` takes the check's, `edit` applies corrections

Corrections are `field=value || field=value`. A row a first reader corrected counts only when a check confirmed or
further corrected it (or the lead decided); a disputed row without a decision stops the script with the list.

    python scripts/apply_readings.py scripts/research/2026-12 --editor NAME [--store FOLDER|URL] [--dry-run]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compliance.schema import TABLES  # noqa: E402
from compliance.schema import spec as table_spec  # noqa: E402
from compliance.store import _cells, frame_to_csv, next_id, open_store  # noqa: E402

#: who wrote the rows that were in the data before the first round of second readings
EARLIER_ROUND = "research round of 2026-11"
#: who wrote the rows the standard added
STANDARD_AUTHOR = "S (implementation standard, 2026-12)"


def rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]


def corrections(text: str) -> dict[str, str]:
    out = {}
    for part in filter(None, (p.strip() for p in text.split(" || "))):
        field, _, value = part.partition("=")
        out[field.strip()] = value.strip()
    return out


class Round:
    """Everything one round changes, applied to the current tables (as written) inside the store's write path."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.readings = [r for f in sorted((folder / "readings").glob("R*.csv")) if "_" not in f.stem for r in rows(f)]
        self.checks = {(r["table"], r["row_id"]): r
                       for f in sorted((folder / "readings").glob("V*.csv")) if "_" not in f.stem for r in rows(f)}
        self.decisions = {(r["table"], r["row_id"]): r for r in rows(folder / "decisions.csv")}
        self.review = {(r["file"], r["row"]): r for r in rows(folder / "standard" / "REVIEW.csv")}
        self.lead_review = {f"{r['file']}:{r['row']}" if r["file"] != "lead_changes.csv" else r["row"]: r
                            for r in rows(folder / "standard" / "LEAD_REVIEW.csv")}
        self.report: list[str] = []

    # --- helpers -------------------------------------------------------------------------------------------------

    def _set(self, df: pd.DataFrame, key: str, row_id: str, values: dict) -> None:
        hit = df.index[df[key].astype(str) == row_id]
        if len(hit) != 1:
            raise SystemExit(f"{row_id}: not one row with that id in the data (found {len(hit)})")
        unknown = set(values) - set(df.columns)
        if unknown:
            raise SystemExit(f"{row_id}: unknown columns {sorted(unknown)}")
        for column, value in values.items():
            df.at[hit[0], column] = value if value != "" else None

    def _reviewed(self, file: str, row: str) -> dict:
        r = self.review.get((file, row))
        if r is None:
            raise SystemExit(f"standard/{file}, {row}: no second reading in standard/REVIEW.csv")
        d = self.decisions.get((f"standard/{file}", row))
        if r["verdict"] == "disputed" and d is None:
            raise SystemExit(f"standard/{file}, {row}: the second reader disputed it; decide in decisions.csv")
        if d is None:
            return r
        check = self.lead_review.get(f"standard/{file}:{row}")
        if check is None or check["verdict"] == "disputed":
            raise SystemExit(f"standard/{file}, {row}: the lead's decision is not confirmed in standard/LEAD_REVIEW.csv")
        fixes = {**corrections(d.get("corrections", "")), **corrections(check["corrections"])}
        return {"verdict": "decided", "corrections": " || ".join(f"{k}={v}" for k, v in fixes.items()),
                "note": f"{d.get('note', '')} Checked by {check.get('reader') or 'the second reader of the decisions'}: "
                        f"{check['note']}"}

    # --- the round -----------------------------------------------------------------------------------------------

    def plan(self, contents: dict[str, bytes | None]) -> dict[str, pd.DataFrame]:
        """The tables after the round, from the current files as written (read as text: the data before a round may
        lack the columns the round fills, so it need not be valid; the result is validated whole by the store)."""
        t = {}
        for s in TABLES:
            df = _cells(contents[s.name]) if contents.get(s.name) is not None else pd.DataFrame(columns=s.columns)
            t[s.name] = df.reindex(columns=s.columns).astype(object).replace("", None).astype(object)
        self._sources(t)
        self._readings(t)
        self._rates(t)
        self._standard(t)
        self._prune_sources(t, set(_cells(contents["sources.csv"])["source_id"]))
        return t

    def _prune_sources(self, t, had: set[str]) -> None:
        """A new source that no row cites after the round (a duplicate of an existing one, a replacement that was
        overturned) is not added."""
        cited = {s for df in t.values() if "source_ids" in df.columns
                 for cell in df["source_ids"].dropna() for s in str(cell).split(";")}
        src = t["sources.csv"]
        dropped = sorted(set(src["source_id"]) - had - cited)
        t["sources.csv"] = src[~src["source_id"].isin(dropped)].reset_index(drop=True)
        self.report.append(f"new sources cited by no row, not added: {', '.join(dropped) or 'none'}")

    def _sources(self, t) -> None:
        new = [r for f in sorted((self.folder / "readings").glob("*_sources.csv")) for r in rows(f)]
        new += rows(self.folder / "standard" / "standard_sources.csv")
        have = set(t["sources.csv"]["source_id"])
        add = [r for r in new if r["source_id"] not in have]
        t["sources.csv"] = pd.concat([t["sources.csv"], pd.DataFrame(add)], ignore_index=True)
        self.report.append(f"sources: {len(add)} added")

    def _readings(self, t) -> None:
        """Each row's reading: the first reader's verdict, and where that reader corrected, rejected or could not
        reach it, the check of that call by someone else (or the lead's decision where the check disputed it)."""
        for s in TABLES:
            if s.read_twice:
                df = t[s.name]
                df["recorded_by"] = df["recorded_by"].fillna(EARLIER_ROUND)
        disputed = []
        for r in self.readings:
            name, row_id = r["table"], r["row_id"]
            check = self.checks.get((name, row_id))
            if r["verdict"] != "confirmed" and check is None:
                raise SystemExit(f"{name} {row_id}: {r['verdict']} by {r['reader']} but not checked (readings/V*.csv)")
            decision = self.decisions.get((name, row_id))
            if check is not None and check["verdict"] == "disputed" and decision is None:
                disputed.append(f"{name} {row_id}: {check['note']}")
                continue
            values = self._reading(r, check, decision)
            self._set(t[name], table_spec(name).key[0], row_id, values)
        if disputed:
            raise SystemExit("disputed by a check; decide each in decisions.csv:\n" + "\n".join(disputed))
        self.report.append(f"readings: {len(self.readings)} rows read, {len(self.checks)} checked, "
                           f"{len(self.decisions)} decided by the lead")

    @staticmethod
    def _reading(r: dict, check: dict | None, decision: dict | None) -> dict:
        """The row's corrected cells and reading columns. A check that confirms keeps the first reading (noted); one
        that corrects a correction adds its own; one that corrects a rejection or an unreachable source overturns it
        (the row counts again, read by the checker). The lead's decision: `first` keeps the first reading, `check`
        takes the check's, `edit` applies the decision's corrections on top of the first reading."""
        first = corrections(r["corrections"]) if r["verdict"] == "corrected" else {}
        locator = r["locator"] or None
        if check is None:
            return {**first, "locator": locator, "read_by": r["reader"], "read_date": r["read_date"],
                    "read_verdict": r["verdict"], "read_note": r["note"]}
        verdict = check["verdict"]
        why = f"{check['note']}"
        if decision is not None:
            verdict = {"first": "confirmed", "check": "corrected", "edit": "corrected"}[decision["decision"]]
            why = f"{check['note']} Lead's decision: {decision['note']}"
            if decision["decision"] == "edit":
                check = {**check, "corrections": decision.get("corrections", "")}
            elif decision["decision"] == "first":
                check = {**check, "corrections": ""}
        locator = check.get("locator") or locator
        set_aside = r["verdict"] in ("rejected", "unreachable")
        if set_aside and (verdict == "corrected" or (decision is not None and decision["decision"] == "check")):
            later = corrections(check["corrections"])  # the call is overturned: the row counts, read by the checker
            return {**later, "locator": locator, "read_by": check["reader"], "read_date": check["read_date"],
                    "read_verdict": "corrected" if later else "confirmed",
                    "read_note": f"{why} (The first reader, {r['reader']}, had found it {r['verdict']}: {r['note']})"}
        later = corrections(check["corrections"]) if verdict == "corrected" else {}
        held = ("the lead decided after the check." if decision is not None
                else "it holds." if not later else "further corrected.")
        return {**first, **later, "locator": locator, "read_by": r["reader"], "read_date": r["read_date"],
                "read_verdict": "corrected" if (first or later) else r["verdict"],
                "read_note": f"{r['note']} Checked by {check['reader']} on {check['read_date']}: {held} {why}".strip()}

    def _rates(self, t) -> None:
        add = []
        for f in sorted((self.folder / "readings").glob("*_rates.csv")):
            for r in rows(f):
                check = self.checks.get(("exchange_rates.csv", f"{r['currency']}-{r['year']}"))
                if check is None or check["verdict"] == "disputed":
                    raise SystemExit(f"exchange rate {r['currency']} {r['year']}: not confirmed by a check")
                r = {**r, **corrections(check["corrections"])}
                add.append({**r, "rate_per_eur": float(r["rate_per_eur"])})  # written as the store writes numbers
        if add:
            t["exchange_rates.csv"] = pd.concat([t["exchange_rates.csv"], pd.DataFrame(add)], ignore_index=True)
        self.report.append(f"exchange rates: {len(add)} added")

    def _standard(self, t) -> None:
        folder = self.folder / "standard"
        if not (folder / "ask_kinds.csv").exists():
            return
        kinds = []
        lead = {r["ask_kind"]: r for r in rows(folder / "ask_kind_signals.csv")}  # the lead's: words and sources
        for r in rows(folder / "ask_kinds.csv"):
            r = {**r, **corrections(self._reviewed("ask_kinds.csv", r["ask_kind"])["corrections"]),
                 "signal_words": lead[r["ask_kind"]]["signal_words"], "source_ids": lead[r["ask_kind"]]["source_ids"]}
            kinds.append({c: r.get(c) or None for c in table_spec("ask_kinds.csv").columns})
        t["ask_kinds.csv"] = pd.DataFrame(kinds)
        for r in rows(folder / "item_kinds.csv"):
            r = {**r, **corrections(self._reviewed("item_kinds.csv", r["item_id"])["corrections"])}
            name, key = (("demands.csv", "demand_id") if r["item_id"].startswith("D")
                         else ("recommendations.csv", "recommendation_id"))
            self._set(t[name], key, r["item_id"], {"ask_kind": r["ask_kind"]})
        for r in rows(folder / "judgements.csv"):
            r = {**r, **corrections(self._reviewed("judgements.csv", r["item_id"])["corrections"])}
            name, key = (("demands.csv", "demand_id") if r["item_id"].startswith("D")
                         else ("recommendations.csv", "recommendation_id"))
            self._set(t[name], key, r["item_id"], {"judgement": r["judgement"]})
        self._criteria(t, folder)
        self._new_observations(t, folder)
        for name in ("recommendations.csv", "demands.csv"):
            t[name]["judgement"] = t[name]["judgement"].map(self._renumbered)
        contested = []
        for r in rows(folder / "contested.csv"):
            r = {**r, **corrections(self._reviewed("contested.csv", r["criterion_id"])["corrections"])}
            contested.append({"criterion_id": r["criterion_id"], "contested_since": r["contested_since"],
                              "note": self._renumbered(r["note"])})
        t["contested.csv"] = pd.DataFrame(contested, columns=table_spec("contested.csv").columns)
        self.report.append(f"standard: {len(kinds)} kinds, {len(contested)} contested criteria")

    def _renumbered(self, text):
        """Text that names the standard's new observations by their working ids (ON-001) names them by their ids."""
        if not isinstance(text, str):
            return text
        return re.sub(r"\bON-\d{3}\b", lambda m: self.ids.get(m.group(), m.group()), text)

    def _criteria(self, t, folder: Path) -> None:
        crit, links = t["criteria.csv"], t["item_criteria.csv"]
        for r in rows(folder / "criteria_changes.csv"):
            row_key = f"{r['action']}:{r['item_id']}:{r['criterion_id']}"
            rv = self._reviewed("criteria_changes.csv", row_key)
            if rv["verdict"] == "disputed":
                continue
            r = {**r, **corrections(rv["corrections"])}
            action, item, cid = r["action"], r["item_id"], r["criterion_id"]
            if action == "skip":
                continue
            if action == "add-criterion":
                crit = pd.concat([crit, pd.DataFrame([{"criterion_id": cid, "description": r["description"]}])],
                                 ignore_index=True)
            elif action == "reword":
                crit.loc[crit["criterion_id"] == cid, "description"] = r["description"]
            elif action == "link":
                links = links[~((links["item_id"] == item) & (links["criterion_id"] == cid))]
                links = pd.concat([links, pd.DataFrame([{"item_id": item, "criterion_id": cid,
                                                         "weight": float(r["weight"] or 1)}])], ignore_index=True)
            elif action == "unlink":
                links = links[~((links["item_id"] == item) & (links["criterion_id"] == cid))]
            else:
                raise SystemExit(f"criteria_changes.csv: unknown action {action!r}")
        t["criteria.csv"], t["item_criteria.csv"] = crit, links
        for r in rows(folder / "lead_changes.csv"):  # the lead's decisions where the standard's reader disputed it
            rv = self.lead_review.get(f"{r['action']}:{r['item_id']}:{r['criterion_id']}")
            if not r.get("proposed_by") and (rv is None or rv["verdict"] == "disputed"):
                raise SystemExit(f"standard/lead_changes.csv, {r['action']} {r['item_id']} {r['criterion_id']}: neither "
                                 "proposed by a second reader nor confirmed by one (standard/LEAD_REVIEW.csv)")
            item, cid = r["item_id"], r["criterion_id"]
            if r["action"] == "add-criterion":
                t["criteria.csv"] = pd.concat([t["criteria.csv"], pd.DataFrame([{"criterion_id": cid,
                                                                                 "description": r["description"]}])],
                                              ignore_index=True)
                continue
            links = t["item_criteria.csv"]
            links = links[~((links["item_id"] == item) & (links["criterion_id"] == cid))]
            if r["action"] == "link":
                links = pd.concat([links, pd.DataFrame([{"item_id": item, "criterion_id": cid,
                                                         "weight": float(r["weight"] or 1)}])], ignore_index=True)
            t["item_criteria.csv"] = links

    def _new_observations(self, t, folder: Path) -> None:
        obs = t["observations.csv"]
        ids = {}
        for r in rows(folder / "new_observations.csv"):
            rv = self._reviewed("new_observations.csv", r["observation_id"])
            r = {**r, **corrections(rv["corrections"])}
            oid = ids[r["observation_id"]] = next_id(list(obs["observation_id"]), "O", 4)
            verdict = {"confirmed": "confirmed", "corrected": "corrected",
                       "decided": "corrected" if rv["corrections"] else "confirmed"}.get(rv["verdict"])
            row = {c: r.get(c) or None for c in ("criterion_id", "observed_date", "met", "source_ids", "note", "locator")}
            row |= {"observation_id": oid, "recorded_by": STANDARD_AUTHOR, "read_by": "SR (second reader of the standard)",
                    "read_date": "2026-12-03", "read_verdict": verdict, "read_note": rv.get("note") or None}
            obs = pd.concat([obs, pd.DataFrame([row])], ignore_index=True)
        t["observations.csv"] = obs
        self.ids = ids
        self.report.append(f"new observations: {len(ids)} ({', '.join(f'{a} -> {b}' for a, b in ids.items())})")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folder")
    p.add_argument("--editor", required=True)
    p.add_argument("--store")
    p.add_argument("--dry-run", action="store_true")
    args = p.parse_args()
    rnd = Round(Path(args.folder))
    store = open_store(args.store)
    contents = {n: frame_to_csv(df, n) for n, df in rnd.plan(store.read_contents()).items()}
    if args.dry_run:
        from compliance.data import dataset_from_tables

        dataset_from_tables(contents)
        print("\n".join(rnd.report) + "\ndry run: valid, nothing written")
        return 0
    # the whole dataset in one audited change set, validated whole (the data before the round need not be valid)
    result = store.replace_all(contents, editor=args.editor,
                               summary=f"second readings and standard of {Path(args.folder).name}")
    print("\n".join(rnd.report))
    print(f"commit {result.commit_id or '(none)'}: {', '.join(result.files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
