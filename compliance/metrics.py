"""Aggregates over scored items: counts by status, implementation rate and weighted score, by cycle, theme,
recommending state, response and addressee, over time; published tallies beside itemised coverage; ICC
positions at a date; pledge totals per currency.

Rates leave `not_assessed` out of the denominator: "we do not know" is not evidence of failure.
The weighted score counts partial as half, mirroring how `partly` counts in the evidence score.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from .data import Dataset, isin
from .models import ICC_STATE_POSITIONS, STATUSES
from .scoring import status_changes
from .timeline import KNOWN_FROM, cutoff, existing

DIMENSIONS = ("cycle", "theme", "state", "response", "addressee", "issuer", "kind", "recurrence_id")
_LIST_DIMENSIONS = {"theme": "themes", "state": "states"}


def status_counts(scored: pd.DataFrame) -> dict[str, int]:
    """Number of items in each status; every status is present (0 where none)."""
    counts = scored["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES}


#: How much a partial implementation counts in the weighted score: half, as `partly` counts in the evidence score.
PARTIAL_WEIGHT = 0.5


def add_rates(table: pd.DataFrame) -> pd.DataFrame:
    """The one place the aggregates are computed, for any table with a column per status: `assessed` (implemented +
    partial + unfulfilled), the implementation rate (implemented / assessed) and the weighted score ((implemented +
    half of partial) / assessed); both empty where nothing is assessed, because not_assessed is never a failure."""
    table["assessed"] = table["implemented"] + table["partial"] + table["unfulfilled"]
    assessed = table["assessed"].where(table["assessed"] > 0)
    table["implementation_rate"] = table["implemented"] / assessed
    table["weighted_score"] = (table["implemented"] + PARTIAL_WEIGHT * table["partial"]) / assessed
    return table


def rates(counts: dict[str, int]) -> dict[str, float | int | None]:
    """Implementation rate and weighted score of one set of counts (add_rates); None when nothing is assessed."""
    row = add_rates(pd.DataFrame([counts]).astype("float64")).iloc[0]
    return {"assessed": int(row["assessed"]),
            **{k: None if pd.isna(row[k]) else float(row[k]) for k in ("implementation_rate", "weighted_score")}}


def filter_items(
    scored: pd.DataFrame,
    *,
    cycle: int | Iterable[int] | None = None,
    theme: str | None = None,
    state: str | None = None,
    response: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    addressee: str | None = None,
    text: str | None = None,
) -> pd.DataFrame:
    """Items matching every given filter. A cycle filter keeps recommendations only (demands have no cycle)."""
    mask = pd.Series(True, index=scored.index)
    if cycle is not None:
        cycles = {int(cycle)} if isinstance(cycle, (int, str)) else {int(c) for c in cycle}
        mask &= scored["cycle"].isin(cycles).fillna(False).astype(bool)
    if theme:
        mask &= scored["themes"].map(lambda ts: theme in ts)
    if state:
        mask &= scored["states"].map(lambda ss: state in ss)
    if response:
        mask &= scored["response"] == response
    if status:
        mask &= scored["status"] == status
    if kind:
        mask &= scored["kind"] == kind
    if addressee:
        mask &= scored["addressee"] == addressee
    if text:
        needle = text.casefold()
        hay = (
            scored["summary"].fillna("")
            + " "
            + scored["item_id"]
            + " "
            + scored["issuer"].fillna("")
            + " "
            + scored["paragraph"].fillna("")
            + " "
            + scored["states_names"].fillna("")
            + " "
            + scored["states_text"].fillna("")
        )
        mask &= hay.str.casefold().str.contains(needle, regex=False)
    return scored[mask]


def summarize(scored: pd.DataFrame, by: str) -> pd.DataFrame:
    """Counts per status and rates for each value of a dimension (list dimensions are exploded)."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}; expected one of {', '.join(DIMENSIONS)}")
    col = _LIST_DIMENSIONS.get(by, by)
    df = scored[[col, "status"]]
    if by in _LIST_DIMENSIONS:
        df = df.explode(col)
    df = df.dropna(subset=[col])
    table = pd.crosstab(df[col], df["status"]).reindex(columns=list(STATUSES), fill_value=0)
    table["total"] = table.sum(axis=1)
    add_rates(table)
    table.index.name = by
    return table.reset_index()


def cached_status_changes(ds: Dataset) -> pd.DataFrame:
    """Every item's status changes (scoring.status_changes), computed once per loaded dataset."""
    cached = ds.__dict__.get("_status_changes")
    if cached is None:
        cached = ds.__dict__["_status_changes"] = status_changes(ds)
    return cached


def cycle_years(ds: Dataset) -> dict[int, int]:
    """Each cycle's review year, from cycles.csv (the cycles that exist are the data's, never a constant)."""
    return dict(zip(ds.cycles["cycle"].astype(int), ds.cycles["review_year"].astype(int)))


def summarize_cycles(scored: pd.DataFrame, cycles) -> pd.DataFrame:
    """`summarize(scored, "cycle")` with every cycle in `cycles` on it (zeros where nothing is itemised), so a chart
    by cycle never drops one."""
    table = summarize(scored, "cycle").set_index("cycle").reindex([int(c) for c in cycles])
    table[[*STATUSES, "total", "assessed"]] = table[[*STATUSES, "total", "assessed"]].fillna(0).astype(int)
    table.index.name = "cycle"
    return table.reset_index()


def cycle_labels(table: pd.DataFrame, years: dict) -> dict:
    """Axis labels for a by-cycle table: "Cycle 3 (2020)", and "… – not itemised" where it holds nothing."""
    return {int(c): f"Cycle {int(c)} ({years.get(int(c), '?')})" + (" – not itemised" if t == 0 else "")
            for c, t in zip(table["cycle"], table["total"])}


def status_over_time(ds: Dataset, dates: Iterable, **filters) -> pd.DataFrame:
    """Status counts of the items matching `filters` (cycle, theme, state, kind, response ...) at each date: one row
    per date (date, implemented, partial, unfulfilled, not_assessed), zeros before anything exists. Counted from each
    item's status changes with cumulative sums, so 200 dates cost about as much as one; equal, date by date, to
    scoring the items at that date."""
    dates = pd.DatetimeIndex([cutoff(d) for d in dates])
    ch = cached_status_changes(ds)
    if filters:
        keep = filter_items(ds.items, **filters)["item_id"]
        ch = ch[isin(ch["item_id"], keep)]
    previous = ch.groupby("item_id", sort=False)["status"].shift()
    plus = pd.DataFrame({"date": ch["date"].to_numpy(), "status": ch["status"].to_numpy(), "n": 1})
    was = previous.notna().to_numpy()
    minus = pd.DataFrame({"date": ch["date"].to_numpy()[was], "status": previous.to_numpy()[was], "n": -1})
    deltas = pd.concat([plus, minus], ignore_index=True)
    table = deltas.pivot_table(index="date", columns="status", values="n", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=list(STATUSES), fill_value=0).sort_index().cumsum()
    pos = table.index.searchsorted(dates, side="right") - 1
    values = np.where(pos[:, None] >= 0, table.to_numpy()[np.clip(pos, 0, None)], 0) if len(table) else \
        np.zeros((len(dates), len(STATUSES)), dtype=int)
    out = pd.DataFrame(values.astype(int), columns=list(STATUSES))
    out.insert(0, "date", dates)
    return out


def period_dates(start, end, every: str = "year") -> list[pd.Timestamp]:
    """`start`, the end of each month, quarter or year after it up to `end`, then `end` itself: the dates a series
    over time is counted at (the last one agrees with a status "as of" `end`)."""
    start, end = cutoff(start), cutoff(end)
    freq = {"month": "ME", "quarter": "QE", "year": "YE"}[every]
    inner = [d for d in pd.date_range(start, end, freq=freq) if start < d < end]
    return sorted({start, *inner, end})


TALLY_FIELDS = ("total", "implemented", "partial", "unfulfilled", "not_assessed")


def published_tallies(ds: Dataset, cycle: int | None = None, scope: str | None = None, as_of=None) -> list[dict]:
    """Tallies published by `as_of` (unknown figures as None), optionally for one cycle and scope."""
    t = existing(ds.tallies, as_of)
    if cycle is not None:
        t = t[t["cycle"] == int(cycle)]
    if scope is not None:
        t = t[t["scope"] == scope]
    out = []
    for _, row in t.iterrows():
        rec = {
            "tally_id": row["tally_id"],
            "cycle": int(row["cycle"]),
            "assessor": row["assessor"],
            "report_title": row["report_title"],
            "published_date": row["published_date"],
            "known_from": row[KNOWN_FROM].date().isoformat(),
            "scope": row["scope"],
            "source_id": row["source_ids"].split(";")[0],
            "source_ids": row["source_ids"].split(";"),
            "note": row["note"],
        }
        for f in TALLY_FIELDS:
            rec[f] = None if pd.isna(row[f]) else int(row[f])
        out.append(rec)
    return out


def coverage_by_cycle(ds: Dataset, scored: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Per cycle, as known at `as_of`: whether it had been reviewed, the recommendations published in total, how many
    of the selected items are itemised here, how many have a status, and how many published tallies exist."""
    recs = scored[scored["kind"] == "recommendation"]
    tallies = existing(ds.tallies, as_of)
    searched_ids = set(latest_searches(ds, as_of).index)
    when = cutoff(as_of)
    rows = []
    for _, c in ds.cycles.iterrows():
        reviewed = bool(pd.notna(c[KNOWN_FROM]) and c[KNOWN_FROM] <= when)
        sub = recs[recs["cycle"] == c["cycle"]]
        counts = status_counts(sub)
        total = None if pd.isna(c["total_recommendations"]) or not reviewed else int(c["total_recommendations"])
        rows.append(
            {
                "cycle": int(c["cycle"]),
                "review_year": int(c["review_year"]),
                "review_date": c["review_date"],
                "reviewed": reviewed,
                "total_published": total,
                "itemised": len(sub),
                "assessed": len(sub) - counts["not_assessed"],
                **counts,
                "searched": int((sub["status"].eq("not_assessed") & sub["item_id"].isin(searched_ids)).sum()),
                "tallies": int(((tallies["cycle"] == c["cycle"]) & (tallies["scope"] == "all")).sum()),
            }
        )
    return pd.DataFrame(rows)


def demand_coverage(ds: Dataset, scored: pd.DataFrame, as_of=None) -> dict:
    """Demands made by `as_of`: how many, with a status, and without one whether a search is documented."""
    dem = scored[scored["kind"] == "demand"]
    without = dem[dem["status"] == "not_assessed"]
    searched = int(without["item_id"].isin(set(latest_searches(ds, as_of).index)).sum())
    return {"demands": len(dem), "assessed": len(dem) - len(without), "searched": searched,
            "not_looked": len(without) - searched}


def coverage_lines(cov: pd.DataFrame, selection: str | None = None, as_of=None) -> list[str]:
    """Per cycle, in words, what a filtered view holds (from `coverage_by_cycle` of the filtered items): received as
    published, itemised here, with a status; a cycle with nothing itemised for the selection says so, and where a
    published tally covers it, that it is on the Overview. `selection` names the filters ("Norway"), or None."""
    lines = []
    for c in cov.itertuples():
        head = f"Cycle {c.cycle} ({c.review_year})"
        if not c.reviewed:
            review = c.review_date if isinstance(c.review_date, str) and c.review_date else "date unknown"  # NaN too
            lines.append(f"{head}: not yet reviewed as of {cutoff(as_of).date().isoformat()} (review {review})")
            continue
        received = ("total received unknown" if pd.isna(c.total_published)
                    else f"{int(c.total_published)} received{' in all' if selection else ''}")
        for_whom = f" for {selection}" if selection else ""
        if c.itemised == 0:
            tally = "; a published tally of the cycle is on the Overview" if c.tallies else ""
            lines.append(f"{head}: {received}; none itemised here{for_whom} yet{tally}")
        else:
            lines.append(f"{head}: {received}; {c.itemised} itemised here{for_whom}, {c.assessed} with a status")
    return lines


def latest_searches(ds: Dataset, as_of=None) -> pd.DataFrame:
    """Per item, its latest documented search for evidence made by `as_of` (evidence_searches.csv)."""
    s = existing(ds.evidence_searches, as_of).sort_values(["item_id", "searched_date", "search_id"])
    return s.drop_duplicates("item_id", keep="last").set_index("item_id")


SEARCH_RESULT_WORDS = {"nothing_found": "no public information found", "inconclusive": "what was found was not enough to judge"}


def basis_text(scored: pd.DataFrame, searches: pd.DataFrame) -> pd.Series:
    """What each status rests on, in words: a named assessment, the evidence, or, for an item without a status,
    whether anyone looked ("searched on 2026-11-25: no public information found") or not ("not looked into yet")."""
    assessor = scored["assessor"].astype(object).fillna("")
    searched = scored["item_id"].map(searches["searched_date"]).astype(object)
    result = scored["item_id"].map(searches["result"]).map(SEARCH_RESULT_WORDS).astype(object)
    none = ("searched on " + searched.fillna("") + ": " + result.fillna("")).where(searched.notna(), "not looked into yet")
    return pd.Series(np.select([scored["basis"] == "assessment", scored["basis"] == "evidence"],
                               ["assessment by " + assessor, "evidence"], default=none), index=scored.index)


def with_rates(series: pd.DataFrame) -> pd.DataFrame:
    """A status-count series (status_over_time) with the implementation rate and weighted score at each date."""
    return add_rates(series.copy())


#: A state's own positions, strongest first; `urged_to_join` is something others asked of it, never its position.
OWN_POSITIONS = tuple(p for p in ICC_STATE_POSITIONS if p != "urged_to_join")


def icc_events(ds: Dataset, as_of=None) -> pd.DataFrame:
    """Every ICC event that is part of the record by `as_of` (undated ones count from their sources' dates)."""
    return existing(ds.icc_events, as_of)


def icc_positions(ds: Dataset, as_of=None) -> pd.DataFrame:
    """Each state's own position on the referral by `as_of`: the strongest it has taken in a dated event (referred >
    joined > publicly supports > in discussion > rejects), because a later meeting does not undo public support.
    Calls made to a state (urged to join) are not its position: see `icc_calls`. Undated events are left out."""
    ev = icc_events(ds, as_of)
    ev = ev[ev["position"].isin(OWN_POSITIONS) & ev["event_date_end"].notna()]
    rank = {p: i for i, p in enumerate(OWN_POSITIONS)}
    ev = ev.assign(_rank=ev["position"].map(rank))
    ev = ev.sort_values(["actor_iso3", "_rank", "event_date_end", "event_id"], ascending=[True, False, True, True], kind="stable")
    latest = ev.drop_duplicates("actor_iso3", keep="last")
    return latest[["actor_iso3", "actor", "position", "event_date", "event_id", "summary", "source_ids"]].reset_index(drop=True)


def icc_calls(ds: Dataset, as_of=None) -> pd.DataFrame:
    """Calls on states to join the referral known by `as_of` (who was urged, when, by whom in the summary), one row
    per call, oldest first. Shown beside a state's own position, never as it."""
    ev = icc_events(ds, as_of)
    ev = ev[ev["position"] == "urged_to_join"].sort_values(["actor_iso3", KNOWN_FROM, "event_id"])
    return ev[["actor_iso3", "actor", "event_date", "event_id", "summary", "source_ids"]].reset_index(drop=True)


def court_steps(ds: Dataset, as_of=None) -> pd.DataFrame:
    """The Court's procedural steps known by `as_of`, oldest first."""
    ev = icc_events(ds, as_of)
    ev = ev[ev["position"] == "court_step"]
    return ev.sort_values(["event_date_start", "event_id"]).reset_index(drop=True)


def pledges(ds: Dataset, as_of=None, *, kinds=None, accountability_only: bool = False, donor_iso3: str | None = None
            ) -> pd.DataFrame:
    """The pledges made by `as_of`, optionally of some kinds (models.PLEDGE_KINDS), for accountability work only, or
    from one donor state."""
    p = existing(ds.pledges, as_of)
    if kinds is not None:
        p = p[p["kind"].isin(list(kinds))]
    if accountability_only:
        p = p[p["accountability"] == "yes"]
    if donor_iso3:
        p = p[p["donor_iso3"] == donor_iso3]
    return p


def pledge_totals(pledges: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Sum of new pledges (kind == pledge) per currency, optionally per another column; amounts are never
    converted. Pledges without an amount are counted in `without_amount`, not dropped."""
    p = pledges[pledges["kind"] == "pledge"]
    keys = [by, "currency"] if by else ["currency"]
    with_amount = p[p["amount"].notna()]
    sums = with_amount.groupby(keys, dropna=False).agg(amount=("amount", "sum"), pledges=("pledge_id", "count"))
    sums = sums.reset_index()
    sums["without_amount"] = 0
    missing = p[p["amount"].isna()]
    if len(missing):
        extra = missing.groupby([by] if by else lambda _: "", dropna=False).size()
        for key, n in extra.items():
            row = {"currency": None, "amount": None, "pledges": 0, "without_amount": int(n)}
            if by:
                row[by] = key
            sums = pd.concat([sums, pd.DataFrame([row])], ignore_index=True)
    return sums


def theme_cycle_table(scored: pd.DataFrame, cycles=None) -> pd.DataFrame:
    """Recommendations by theme and cycle: counts per status, assessed, weighted score (the heat map's data). With
    `cycles`, every one of them gets a column (total 0 where nothing is itemised), so no cycle drops off the map."""
    recs = scored.loc[scored["kind"] == "recommendation", ["themes", "cycle", "status"]].explode("themes")
    recs = recs.dropna(subset=["themes"]).rename(columns={"themes": "theme"})
    if recs.empty:
        return pd.DataFrame(columns=["theme", "cycle", *STATUSES, "total", "assessed", "implementation_rate", "weighted_score"])
    t = pd.crosstab([recs["theme"], recs["cycle"]], recs["status"]).reindex(columns=list(STATUSES), fill_value=0)
    if cycles is not None:
        full = pd.MultiIndex.from_product([sorted(set(recs["theme"])), [int(c) for c in cycles]], names=["theme", "cycle"])
        t = t.reindex(full, fill_value=0)
    t["total"] = t.sum(axis=1)
    add_rates(t)
    t.columns.name = None
    return t.reset_index()


def recurrence_table(scored: pd.DataFrame, recurrences: pd.DataFrame, years: dict[int, int]) -> pd.DataFrame:
    """The same ask across cycles and demands: per recurrence, the cycles asked in, the number of demands, and
    the statuses in each cycle ("2x unfulfilled, 1x partial")."""
    from .models import STATUS_LABELS

    s = scored[scored["recurrence_id"].notna()]
    if s.empty:
        return pd.DataFrame(columns=["ask", "asked in cycles", "demands", *(f"cycle {c}" for c in years)])
    labels = recurrences.set_index("recurrence_id")["label"]
    recs = s[s["kind"] == "recommendation"]
    counts = recs.groupby(["recurrence_id", "cycle", "status"]).size()
    text = (counts.index.get_level_values("status").map(lambda st: STATUS_LABELS[st].lower()))
    cells = pd.Series([f"{n}× {t}" for n, t in zip(counts.to_numpy(), text)], index=counts.index)
    per_cycle = cells.groupby(level=["recurrence_id", "cycle"]).agg(", ".join).unstack("cycle")
    demands = s[s["kind"] == "demand"].groupby("recurrence_id").size()
    ids = sorted(set(s["recurrence_id"]))
    out = pd.DataFrame({"recurrence_id": ids})
    out["ask"] = out["recurrence_id"].map(labels)
    asked = recs.groupby("recurrence_id")["cycle"].agg(lambda c: sorted(set(int(x) for x in c)))
    out["asked in cycles"] = out["recurrence_id"].map(asked).map(
        lambda cs: ", ".join(f"{c} ({years.get(c, '?')})" for c in cs) if isinstance(cs, list) else "–")
    out["demands"] = out["recurrence_id"].map(demands).fillna(0).astype(int)
    for c in years:
        col = per_cycle[c] if c in per_cycle.columns else pd.Series(dtype=object)
        out[f"cycle {c}"] = out["recurrence_id"].map(col).astype(object).fillna("–")
    return out.drop(columns="recurrence_id")
