"""Status of every item at a date, from criteria, dated observations and explicit assessments; and each item's
status changes over time, computed once.

The rules in plain words are written once, in compliance/methodology.py (the methodology page and the briefing
packs show that text); this module implements them: the evidence score is the weighted share of criteria
met using the latest observation of each criterion up to the date (`partly` = half, an unobserved criterion = not
met); 1 is implemented, 0 unfulfilled, between partial, nothing observed not_assessed; the latest assessment by a
named assessor stands over the evidence, both kept and disagreements flagged; every status carries its basis and
sources. Everything here is vectorised pandas so that 100,000 items score in well under a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import Dataset, isin
from .models import MET_VALUES, STATUSES
from .timeline import KNOWN_FROM, cutoff

SCORE_COLUMNS = [
    "item_id",
    "evidence_score",
    "evidence_status",
    "criteria_count",
    "criteria_observed",
    "assessment_status",
    "assessor",
    "assessment_id",
    "status",
    "basis",
    "disagreement",
]


#: `met` of the marker a contested criterion gets on the day its sources start to disagree (contested.csv)
CONTESTED = "contested"
#: what a contested criterion is worth at most: it never counts as met (models.MET_VALUES["partly"])
CONTESTED_CAP = MET_VALUES["partly"]


def scoring_observations(ds: Dataset) -> pd.DataFrame:
    """The observations that score, each with its `value` (models.MET_VALUES: partly = half), sorted once per
    dataset by criterion, date and id (re-scoring at many dates reuses it). Only observations a second reader
    confirmed or corrected are in `ds.observations` (compliance.data.counted).

    A contested criterion (contested.csv) never counts as met from the day its sources disagree (the end of a partial
    date, as for every date): every observation of it from then is worth at most `CONTESTED_CAP`, and that day it
    gets a marker row (`met` = "contested", the sources of both sides) that caps the value it had before."""
    cached = ds.__dict__.get("_observations_sorted")
    if cached is not None:
        return cached
    obs = ds.observations.assign(value=ds.observations["met"].map(MET_VALUES).astype("float64"))
    obs = obs.sort_values(["criterion_id", "observed_date_end", "observation_id"], kind="stable")
    contested = ds.contested
    if len(contested):
        since = obs["criterion_id"].map(contested.set_index("criterion_id")["contested_since_end"])
        later = (obs["observed_date_end"] >= since).to_numpy()
        obs.loc[later, "value"] = obs.loc[later, "value"].clip(upper=CONTESTED_CAP)
        before = obs[since.notna().to_numpy() & ~later].drop_duplicates("criterion_id", keep="last")
        both_sides = obs.groupby("criterion_id")["source_ids"].agg(lambda s: ";".join(dict.fromkeys(";".join(s).split(";"))))
        c = contested.merge(before[["criterion_id", "value"]], on="criterion_id")  # nothing to cap without an earlier value
        markers = pd.DataFrame({"observation_id": "", "criterion_id": c["criterion_id"], "observed_date": c["contested_since"],
                                "met": CONTESTED, "value": c["value"].clip(upper=CONTESTED_CAP),
                                "source_ids": c["criterion_id"].map(both_sides), "note": c["note"],
                                "observed_date_start": c["contested_since_start"],
                                "observed_date_end": c["contested_since_end"]})
        obs = pd.concat([obs, markers], ignore_index=True)
        obs = obs.sort_values(["criterion_id", "observed_date_end", "observation_id"], kind="stable")
        # while contested, a status rests on both sides: each row from the contest on names every source so far
        contested_rows = (obs["observed_date_end"] >= obs["criterion_id"].map(
            contested.set_index("criterion_id")["contested_since_end"])).to_numpy()
        for crit, group in obs[obs["criterion_id"].isin(set(contested["criterion_id"]))].groupby("criterion_id"):
            seen: dict[str, None] = {}
            for idx, cell in zip(group.index, group["source_ids"]):
                seen.update(dict.fromkeys(str(cell).split(";")))
                if contested_rows[obs.index.get_loc(idx)]:
                    obs.at[idx, "source_ids"] = ";".join(seen)
    ds.__dict__["_observations_sorted"] = obs
    return obs


def latest_observations(ds: Dataset, as_of) -> pd.DataFrame:
    """The latest observation of each criterion known by `as_of` (partial dates count from their end; a contested
    criterion's marker, once it stands, is the latest, and later observations of it are worth 0)."""
    obs = scoring_observations(ds)
    obs = obs[(obs["observed_date_end"] <= cutoff(as_of)).to_numpy()]
    return obs.drop_duplicates("criterion_id", keep="last")


def _latest_assessments(ds: Dataset, as_of) -> pd.DataFrame:
    a = ds.assessments[ds.assessments["assessed_date_end"] <= cutoff(as_of)]
    a = a.sort_values(["item_id", "assessed_date_end", "assessment_id"], kind="stable")
    return a.drop_duplicates("item_id", keep="last")


def evidence_status(score: pd.Series, observed: pd.Series) -> pd.Series:
    """Map evidence scores to statuses; items with nothing observed are not_assessed."""
    status = np.select(
        [~observed, score >= 1.0 - 1e-9, score <= 1e-9],
        ["not_assessed", "implemented", "unfulfilled"],
        default="partial",
    )
    return pd.Series(status, index=score.index)


def score_items(ds: Dataset, as_of=None) -> pd.DataFrame:
    """Status at `as_of` (default today) of every item that exists by then (compliance.timeline: a recommendation
    from its cycle's review, a demand from its date), with basis, sources and disagreements."""
    when = cutoff(as_of)
    items = ds.items.loc[(ds.items[KNOWN_FROM] <= when).to_numpy(), ["item_id"]]
    latest = latest_observations(ds, when)[["criterion_id", "value"]]
    links = ds.item_criteria[["item_id", "criterion_id", "weight"]].merge(latest, on="criterion_id", how="left")
    value = links["value"].to_numpy(dtype="float64")
    w = links["weight"].to_numpy(dtype="float64")
    seen = ~np.isnan(value)
    links = pd.DataFrame({"item_id": links["item_id"].to_numpy(dtype=object), "w": w,
                          "wv": w * np.where(seen, value, 0.0), "seen": seen})
    g = links.groupby("item_id", sort=False)
    ev = g.agg(weight_total=("w", "sum"), weighted_met=("wv", "sum"), criteria_count=("w", "size"),
               criteria_observed=("seen", "sum"))
    out = items.merge(ev, left_on="item_id", right_index=True, how="left")
    out["criteria_count"] = out["criteria_count"].fillna(0).astype(int)
    out["criteria_observed"] = out["criteria_observed"].fillna(0).astype(int)
    observed = out["criteria_observed"] > 0
    out["evidence_score"] = (out["weighted_met"] / out["weight_total"]).where(observed)
    out["evidence_status"] = evidence_status(out["evidence_score"].fillna(0.0), observed)

    a = _latest_assessments(ds, when).set_index("item_id")
    out["assessment_status"] = out["item_id"].map(a["status"])
    out["assessor"] = out["item_id"].map(a["assessor"])
    out["assessment_id"] = out["item_id"].map(a["assessment_id"])
    has_assessment = out["assessment_status"].notna()
    out["status"] = out["assessment_status"].where(has_assessment, out["evidence_status"])
    out["basis"] = np.select([has_assessment, observed], ["assessment", "evidence"], default="none")
    out["disagreement"] = has_assessment & observed & (out["assessment_status"] != out["evidence_status"])
    return out[SCORE_COLUMNS].reset_index(drop=True)


def status_source_table(ds: Dataset, as_of=None, item_ids=None) -> pd.DataFrame:
    """(item_id, source_id) pairs behind each status at `as_of`: the sources of the observations used and of the
    assessment that stands (both kept). Built on demand, for the items shown, not for every item on every score."""
    when = cutoff(as_of)
    links = ds.item_criteria[["item_id", "criterion_id"]]
    assessments = _latest_assessments(ds, when)[["item_id", "source_ids"]]
    if item_ids is not None:
        links = links[isin(links["item_id"], item_ids)]
        assessments = assessments[isin(assessments["item_id"], item_ids)]
    latest = latest_observations(ds, when)[["criterion_id", "source_ids"]]
    used = links.merge(latest, on="criterion_id")[["item_id", "source_ids"]]
    pairs = pd.concat([used, assessments], ignore_index=True).drop_duplicates()
    pairs = pairs.assign(source_id=pairs["source_ids"].str.split(";")).explode("source_id")
    return pairs[["item_id", "source_id"]].drop_duplicates().sort_values(["item_id", "source_id"]).reset_index(drop=True)


def status_sources(ds: Dataset, as_of=None, item_ids=None) -> list[str]:
    """Distinct sources behind the statuses of the given items (all items when None), sorted. The union needs
    no per-item pairs: the latest observations of the items' criteria plus their standing assessments."""
    when = cutoff(as_of)
    links = ds.item_criteria
    assessments = _latest_assessments(ds, when)
    if item_ids is not None:
        links = links[isin(links["item_id"], item_ids)]
        assessments = assessments[isin(assessments["item_id"], item_ids)]
    latest = latest_observations(ds, when)
    cells = set(pd.unique(latest.loc[isin(latest["criterion_id"], pd.unique(links["criterion_id"])), "source_ids"]))
    cells |= set(pd.unique(assessments["source_ids"]))
    return sorted({s for cell in cells for s in cell.split(";") if s})


def scored_items(ds: Dataset, as_of=None) -> pd.DataFrame:
    """The items that exist at `as_of`, with their scores then: the table pages, metrics and commands work from."""
    return ds.items.merge(score_items(ds, as_of), on="item_id", how="inner")


def evidence_timeline(ds: Dataset, item_id: str) -> pd.DataFrame:
    """Every observation of every criterion of one item, oldest first, with the criterion text and weight."""
    links = ds.item_criteria[ds.item_criteria["item_id"] == item_id]
    obs = ds.observations.merge(links[["criterion_id", "weight"]], on="criterion_id")
    obs = obs.merge(ds.criteria, on="criterion_id", how="left")
    return obs.sort_values(["observed_date_start", "observation_id"]).reset_index(drop=True)


def status_changes(ds: Dataset, items: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every item's status as a step function of time, computed once from its observations and assessments: one row
    per change (item_id, date, status, basis, evidence_score), the first at the day the item exists (its status then,
    earlier evidence included). The status at any date is the last row on or before it, and it equals
    `score_items(ds, date)` for every item that exists by then (the tests check this date by date).

    How: each observation changes its criterion's value (the latest by date, then id, wins, as in scoring); that
    change moves the weighted sum of every item the criterion judges by weight x (new - old) and, the first time,
    marks the criterion observed. Cumulative sums per item give the evidence score after each change; the latest
    assessment up to each date stands over it."""
    items = ds.items if items is None else items
    items = items[["item_id", KNOWN_FROM]].dropna(subset=[KNOWN_FROM])
    # integer codes instead of strings: every join and group below runs on numbers
    item_index = pd.Index(items["item_id"].to_numpy(dtype=object), dtype=object)
    links = ds.item_criteria
    link_item = item_index.get_indexer(links["item_id"].to_numpy(dtype=object))
    keep = link_item >= 0
    crit_index = pd.Index(pd.unique(links["criterion_id"].to_numpy(dtype=object)[keep]), dtype=object)
    link = pd.DataFrame({"item": link_item[keep],
                         "crit": crit_index.get_indexer(links["criterion_id"].to_numpy(dtype=object)[keep]),
                         "w": links["weight"].to_numpy(dtype="float64")[keep]})
    weight_total = np.bincount(link["item"].to_numpy(), weights=link["w"].to_numpy(), minlength=len(item_index))

    # each criterion's value changes, in the order scoring resolves them (sorted by criterion, date, id)
    obs = scoring_observations(ds)
    crit = crit_index.get_indexer(obs["criterion_id"].to_numpy(dtype=object))
    on = crit >= 0
    crit = crit[on]
    value = obs["value"].to_numpy(dtype="float64")[on]
    first = np.r_[True, crit[1:] != crit[:-1]] if len(crit) else np.array([], dtype=bool)
    previous = np.where(first, 0.0, np.r_[0.0, value[:-1]])
    changes = pd.DataFrame({"crit": crit, "date": obs["observed_date_end"].to_numpy()[on], "dv": value - previous,
                            "dobs": first.astype("int64")})
    ev = link.merge(changes, on="crit")
    ev = pd.DataFrame({"item": ev["item"].to_numpy(), "date": ev["date"].to_numpy(),
                       "dmet": ev["w"].to_numpy() * ev["dv"].to_numpy(), "dobs": ev["dobs"].to_numpy()})
    ev = ev.groupby(["item", "date"], sort=True).sum().reset_index()
    g = ev.groupby("item", sort=False)
    met = g["dmet"].cumsum().to_numpy()
    observed = g["dobs"].cumsum().to_numpy() > 0
    total = weight_total[ev["item"].to_numpy()]
    score = np.where(observed, met / np.where(total > 0, total, 1.0), np.nan)
    # statuses as codes (the order of STATUSES) until the end: no text in the joins and groups
    filled = np.nan_to_num(score)
    ev_status = np.select([~observed, filled >= 1.0 - 1e-9, filled <= 1e-9], [3, 0, 2], default=1).astype("float64")
    ev = pd.DataFrame({"item": ev["item"].to_numpy(), "date": ev["date"].to_numpy(), "evidence_score": score,
                       "evidence_status": ev_status})

    # the latest assessment up to each date
    a = ds.assessments
    a_item = item_index.get_indexer(a["item_id"].to_numpy(dtype=object))
    code = {st: float(i) for i, st in enumerate(STATUSES)}
    a = pd.DataFrame({"item": a_item, "date": a["assessed_date_end"].to_numpy(),
                      "order": a["assessment_id"].rank(method="first").to_numpy(),
                      "assessment_status": a["status"].map(code).to_numpy(dtype="float64")})[a_item >= 0]
    a = a.sort_values(["item", "date", "order"], kind="stable").drop_duplicates(["item", "date"], keep="last")
    a = a.drop(columns="order")

    # each item's days of existence: it enters with whatever held then
    entry = items[KNOWN_FROM].to_numpy()
    start = pd.DataFrame({"item": np.arange(len(item_index)), "date": entry})
    steps = pd.concat([start, ev, a], ignore_index=True)
    steps = steps.sort_values(["item", "date"], kind="stable")
    steps = steps.groupby(["item", "date"], sort=False).last().reset_index()  # one row per day: all that changed
    g = steps.groupby("item", sort=False)
    for col in ("evidence_score", "evidence_status", "assessment_status"):
        steps[col] = g[col].ffill()
    steps["evidence_status"] = steps["evidence_status"].fillna(3.0)  # not_assessed
    has_assessment = steps["assessment_status"].notna().to_numpy()
    steps["status"] = np.where(has_assessment, steps["assessment_status"], steps["evidence_status"]).astype("int64")
    steps["basis"] = np.select([has_assessment, steps["evidence_score"].notna().to_numpy()], [0, 1], default=2)
    # nothing before the item exists: the last state before it becomes its state on the day it exists
    item_entry = entry[steps["item"].to_numpy()]
    before = steps["date"].to_numpy() < item_entry
    nxt_item = np.r_[steps["item"].to_numpy()[1:], -1]
    nxt_before = np.r_[before[1:], False]
    last_before = before & ~((nxt_item == steps["item"].to_numpy()) & nxt_before)
    dates = steps["date"].to_numpy().copy()
    dates[last_before] = item_entry[last_before]
    steps["date"] = dates
    steps = steps[~before | last_before]
    steps = steps.sort_values(["item", "date"], kind="stable").drop_duplicates(["item", "date"], keep="last")
    out = pd.DataFrame({"item_id": item_index.to_numpy()[steps["item"].to_numpy()], "date": steps["date"].to_numpy(),
                        "status": np.array(STATUSES, dtype=object)[steps["status"].to_numpy()],
                        "basis": np.array(["assessment", "evidence", "none"], dtype=object)[steps["basis"].to_numpy()],
                        "evidence_score": steps["evidence_score"].to_numpy(dtype="float64")})
    return out


def status_history(ds: Dataset, item_id: str) -> pd.DataFrame:
    """One item's status from the day it exists, at each date its evidence or assessments changed it."""
    rows = status_changes(ds, ds.items[ds.items["item_id"] == item_id])
    return rows.rename(columns={"date": "as_of"})[["as_of", "status", "basis", "evidence_score"]]
