"""The second reading: every fact is read against its source by someone who did not write it before it counts.

The columns are declared once (`models.ReadTwice`: locator, recorded_by, read_by, read_date, read_verdict,
read_note) on every table of facts; `data.counted` keeps only rows read as confirmed or corrected for every score,
total and chart. This module lists what still needs a reader, records a reader's verdict through the store's one write
path, and says per item what its status rests on.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .data import Dataset
from .models import COUNTED_VERDICTS, READ_VERDICTS
from .schema import TABLES
from .schema import spec as table_spec
from .timeline import cutoff

#: the tables whose rows are read twice, in the order the review lists them
READ_TWICE_TABLES: tuple[str, ...] = tuple(t.name for t in TABLES if t.read_twice)


def _what(name: str, row: pd.Series) -> str:
    """One line that says what a row claims, for a reader choosing what to read."""
    def v(col):
        x = row.get(col)
        return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)

    if name == "observations.csv":
        return f"{v('criterion_id')}: met {v('met')} ({v('observed_date')}). {v('note')}".strip()
    if name == "assessments.csv":
        return f"{v('item_id')}: {v('status')} by {v('assessor')} ({v('assessed_date')}). {v('rationale')}".strip()
    if name == "evidence_searches.csv":
        return f"{v('item_id')}: {v('result')} ({v('searched_date')}). {v('note')}".strip()
    if name == "icc_events.csv":
        return f"{v('actor')}: {v('position')} ({v('event_date')}). {v('summary')}".strip()
    if name == "pledges.csv":
        amount = f"{v('amount')} {v('currency')}".strip() or "amount unknown"
        return f"{v('donor')} to {v('recipient')}: {amount}, {v('kind')} ({v('pledged_date')}). {v('purpose')}".strip()
    return f"{v('issuer')} ({v('issued_date')}): {v('summary')}".strip()


def review_rows(ds: Dataset, which: str = "open") -> pd.DataFrame:
    """Rows of every read-twice table with what a reader needs: `open` = not yet read, or set aside (rejected or
    source unreachable) so that someone can mend them; `unread` = not yet read; `all` = every row."""
    out = []
    for name in READ_TWICE_TABLES:
        df = ds.table(name)
        key = table_spec(name).key[0]
        verdict = df["read_verdict"]
        if which == "unread":
            df = df[verdict.isna()]
        elif which == "open":
            df = df[~verdict.isin(COUNTED_VERDICTS)]
        for _, row in df.iterrows():
            out.append({"table": name, "row_id": row[key], "what": _what(name, row), "source_ids": row["source_ids"],
                        "locator": row["locator"], "recorded_by": row["recorded_by"], "read_verdict": row["read_verdict"],
                        "read_by": row["read_by"], "read_date": row["read_date"], "read_note": row["read_note"]})
    return pd.DataFrame(out, columns=["table", "row_id", "what", "source_ids", "locator", "recorded_by", "read_verdict",
                                      "read_by", "read_date", "read_note"])


def verdict_counts(ds: Dataset) -> dict[str, dict[str, int]]:
    """Per read-twice table, how many rows have each verdict (and `unread`)."""
    out = {}
    for name in READ_TWICE_TABLES:
        v = ds.table(name)["read_verdict"].fillna("unread")
        out[name] = {k: int((v == k).sum()) for k in (*READ_VERDICTS, "unread")}
    return out


class ReadingRefused(ValueError):
    """A reading that cannot be recorded (unknown row, the writer reading their own row, a missing reason)."""


def record_reading(store, *, table: str, row_id: str, verdict: str, reader: str, note: str | None = None,
                   locator: str | None = None, read_date: str | None = None):
    """Record a second reading of one row through the store's one write path. Nobody reads their own row; a
    rejected or unreachable row says why; a row that may count says where in its source the fact is."""
    if table not in READ_TWICE_TABLES:
        raise ReadingRefused(f"{table} is not a table of facts that are read twice ({', '.join(READ_TWICE_TABLES)})")
    if verdict not in READ_VERDICTS:
        raise ReadingRefused(f"verdict must be one of {', '.join(READ_VERDICTS)}; got {verdict!r}")
    reader = (reader or "").strip()
    if not reader:
        raise ReadingRefused("the reader's name is required")
    note = (note or "").strip() or None
    if verdict in ("rejected", "unreachable") and not note:
        raise ReadingRefused(f"say why the row is {verdict} (the note is shown where the row is set aside)")
    key = table_spec(table).key[0]
    when = read_date or date.today().isoformat()

    def plan(current: Dataset):
        df = current.table(table)
        hit = df.index[df[key] == row_id]
        if len(hit) != 1:
            raise ReadingRefused(f"no row {row_id!r} in {table}")
        i = hit[0]
        if str(df.at[i, "recorded_by"] or "").strip().casefold() == reader.casefold():
            raise ReadingRefused(f"{reader} wrote {row_id}; a second reading must be made by someone else")
        if locator:
            df.at[i, "locator"] = locator.strip()
        if verdict in COUNTED_VERDICTS and not df.at[i, "locator"]:
            raise ReadingRefused(f"{row_id} has no locator: say where in the source the fact is said")
        df.at[i, "read_by"], df.at[i, "read_date"], df.at[i, "read_verdict"], df.at[i, "read_note"] = reader, when, verdict, note
        return {table: df}

    return store.apply(plan, editor=reader, summary=f"second reading of {row_id} ({table}): {verdict}")


def item_reading(ds: Dataset, scored: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Per scored item: whether its status rests on evidence read twice (`verified`: its basis is an assessment or
    observations, all read and confirmed or corrected — the only ones that count), when the evidence behind it was
    last read (`last_read`), and how many rows about it still await a reader (`awaiting`)."""
    when = cutoff(as_of)
    obs = ds.observations[ds.observations["observed_date_end"] <= when]
    links = ds.item_criteria[["item_id", "criterion_id"]]
    read = links.merge(obs[["criterion_id", "read_date"]], on="criterion_id")
    a = ds.assessments[ds.assessments["assessed_date_end"] <= when][["item_id", "read_date"]]
    last = pd.concat([read[["item_id", "read_date"]], a]).groupby("item_id")["read_date"].max()
    pending_obs = ds.table("observations.csv")
    pending_obs = pending_obs[pending_obs["read_verdict"].isna()]
    pending = links.merge(pending_obs[["criterion_id"]], on="criterion_id").groupby("item_id").size()
    pa = ds.table("assessments.csv")
    pa = pa[pa["read_verdict"].isna()].groupby("item_id").size()
    awaiting = pending.add(pa, fill_value=0)
    out = pd.DataFrame({"item_id": scored["item_id"]})
    out["verified"] = scored["basis"].isin(["assessment", "evidence"]).to_numpy()
    out["last_read"] = out["item_id"].map(last)
    out["awaiting"] = out["item_id"].map(awaiting).fillna(0).astype(int)
    return out


def reading_line(ds: Dataset, items: pd.DataFrame) -> str:
    """One sentence for the Overview and the PDF brief: how many of the shown statuses rest on evidence a second
    person read against its sources, and how many facts are set aside or still await a reader."""
    with_status = int(items["basis"].isin(["assessment", "evidence"]).sum())
    counts = verdict_counts(ds)
    set_aside = sum(c["rejected"] + c["unreachable"] for c in counts.values())
    unread = sum(c["unread"] for c in counts.values())
    return (f"All {with_status} statuses shown rest only on evidence that a second person read against its sources "
            f"(the other {len(items) - with_status} items have no such evidence yet and are not assessed). "
            f"{set_aside} fact(s) set aside by a second reader (wrong, or source unreachable) and {unread} awaiting a "
            "reading do not count; `python -m compliance review` lists them.")


def set_aside_evidence(ds: Dataset, item_id: str) -> pd.DataFrame:
    """Observations of an item's criteria that do not count: set aside by a second reader (with the reason) or not
    yet read. Kept in the data and shown on the item's page, never scored."""
    crit = ds.item_criteria.loc[ds.item_criteria["item_id"] == item_id, "criterion_id"]
    obs = ds.table("observations.csv")
    return obs[obs["criterion_id"].isin(set(crit)) & ~obs["read_verdict"].isin(COUNTED_VERDICTS)].reset_index(drop=True)
