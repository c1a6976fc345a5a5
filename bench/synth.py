"""A synthetic corpus at the scale of the whole UPR, in exactly the file format of data/.

`write_corpus(root, scale=1.0, seed=0)` writes every file that `compliance.data.load_dataset` reads (the list is
`compliance.data.FILES` and the headers come from the row models, so they always match data/), plus
`SYNTHETIC.txt`. At scale 1.0:

- 193 states under review x 4 cycles, 100,000 recommendations (ids `C{cycle}-{k}.{n}`, where `k` is the state
  under review's block number: the real data has one state under review, so the state is encoded in the paragraph),
- 1-5 recommending states each (real ISO3 codes from pycountry, never the state under review itself),
- 3 criteria per recommendation (300,000 criteria, slugs `crit-{n}`), 2 dated observations per criterion (600,000),
- 3,000 civil-society demands judged by 1-3 of the recommendations' (shared) criteria,
- assessments for a tenth of the items, tallies for about a quarter of the (state, cycle) pairs, ICC events,
  pledges, recurrences, the 4 cycles, and 8 synthetic sources (producer "bench generator", example.org urls).

Themes and the maps of outside vocabularies to them (theme_map_*.csv) are copied from the real data/, so the
theme filter behaves as in the app. Every other value is made up: each file's `note` column (where it has one) and SYNTHETIC.txt say so.
Nothing is ever written into data/. Generation is vectorised numpy/pandas: scale 1.0 takes a few seconds.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from compliance.data import DEFAULT_DATA_DIR, FILES

#: Sizes at scale 1.0.
STATES_UNDER_REVIEW = 193
RECOMMENDATIONS = 100_000
CRITERIA_PER_RECOMMENDATION = 3
OBSERVATIONS_PER_CRITERION = 2
DEMANDS = 3_000
ASSESSED_SHARE = 0.1
PLEDGES = 400
ICC_EVENTS = 250
RECURRENCES_PER_STATE = 14
SOURCES = 8

CYCLE_YEARS = {1: 2010, 2: 2015, 3: 2020, 4: 2025}
CYCLE_REVIEW_DATES = {1: "2010-05-12", 2: "2015-05-04", 3: "2020-11-04", 4: "2025-11-03"}
CYCLE_WEIGHTS = np.array([0.6, 0.9, 1.1, 1.4])  # later cycles produced more recommendations
LAST_DATE = np.datetime64("2025-12-31")
NOTE = "SYNTHETIC benchmark data (bench/synth.py), not a real fact"


def expected_counts(scale: float) -> dict[str, int]:
    """The row counts write_corpus produces for a scale (the sizes are deterministic; only values are random)."""
    n_sur = max(1, round(STATES_UNDER_REVIEW * scale))
    n_recs = max(4 * n_sur, round(RECOMMENDATIONS * scale))
    n_dem = max(5, round(DEMANDS * scale))
    n_items = n_recs + n_dem
    n_crit = CRITERIA_PER_RECOMMENDATION * n_recs
    return {
        "states_under_review": n_sur,
        "recommendations": n_recs,
        "demands": n_dem,
        "items": n_items,
        "criteria": n_crit,
        "observations": OBSERVATIONS_PER_CRITERION * n_crit,
        "assessments": max(1, round(ASSESSED_SHARE * n_items)),
        "pledges": max(10, round(PLEDGES * scale)),
        "icc_events": max(20, round(ICC_EVENTS * scale)),
        "recurrences": RECURRENCES_PER_STATE * n_sur,
    }


# --- vectorised helpers -------------------------------------------------------------------------------


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return (prefix + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)).to_numpy(dtype=object)


def _pick(rng: np.random.Generator, values, n: int, p=None) -> np.ndarray:
    values = np.asarray(values, dtype=object)
    p = None if p is None else np.asarray(p, dtype=float) / np.sum(p)
    return values[rng.choice(len(values), size=n, p=p)]


def _distinct(rng: np.random.Generator, n: int, k_max: int, pool: int, max_step: int) -> np.ndarray:
    """n x k_max indices into range(pool), distinct within each row (start + positive offsets, summing below pool)."""
    max_step = max(1, min(max_step, (pool - 1) // max(1, k_max - 1)))
    start = rng.integers(0, pool, size=(n, 1))
    steps = rng.integers(1, max_step + 1, size=(n, k_max - 1))
    return (start + np.concatenate([np.zeros((n, 1), dtype=int), np.cumsum(steps, axis=1)], axis=1)) % pool


def _join(columns: np.ndarray, k: np.ndarray, sep: str = ";") -> np.ndarray:
    """Join the first k[i] strings of row i of a 2-D object array."""
    out = pd.Series(columns[:, 0], dtype=object)
    for j in range(1, columns.shape[1]):
        part = pd.Series(columns[:, j], dtype=object)
        out = out.where(k <= j, out + sep + part)
    return out.to_numpy(dtype=object)


def _dates(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, partial_share=(0.2, 0.1), empty_share: float = 0.0):
    """Dates uniformly between lo and hi (datetime64[D]); a share given only as YYYY-MM or YYYY; some empty.
    Returns the strings and the full dates drawn."""
    lo = np.asarray(lo, dtype="datetime64[D]")
    hi = np.asarray(hi, dtype="datetime64[D]")
    n = len(lo)
    span = np.maximum((hi - lo).astype(int), 0)
    d = lo + (rng.random(n) * (span + 1)).astype(int).astype("timedelta64[D]")
    full = np.datetime_as_string(d, unit="D")
    u = rng.random(n)
    out = np.where(u < partial_share[0], full.astype("U7"), full)
    out = np.where(u > 1 - partial_share[1], full.astype("U4"), out).astype(object)
    if empty_share:
        out[rng.random(n) < empty_share] = ""
    return out, d


def _sources(rng: np.random.Generator, n: int) -> np.ndarray:
    ids = [f"BENCH{i:02d}" for i in range(1, SOURCES + 1)]
    choices = ids + [f"{a};{b}" for a, b in zip(ids, ids[1:] + ids[:1])]
    return _pick(rng, choices, n, p=[3] * len(ids) + [1] * len(ids))


def _country_table() -> tuple[np.ndarray, np.ndarray]:
    countries = sorted(pycountry.countries, key=lambda c: c.alpha_3)
    codes = np.array([c.alpha_3 for c in countries], dtype=object)
    names = np.array([getattr(c, "common_name", None) or c.name for c in countries], dtype=object)
    return codes, names


# --- the corpus -----------------------------------------------------------------------------------------


def build_tables(scale: float = 1.0, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Every file of the corpus as a DataFrame of strings (columns as generated; write_corpus orders them)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    rng = np.random.default_rng(seed)
    n = expected_counts(scale)
    codes, names = _country_table()
    n_codes = len(codes)
    sur = np.sort(rng.choice(n_codes, size=n["states_under_review"], replace=False))  # states under review

    themes = pd.read_csv(DEFAULT_DATA_DIR / "themes.csv", dtype=str, keep_default_na=False)
    theme_maps = {}  # the real maps of outside vocabularies to our themes (theme_map_uprinfo.csv, theme_map_uhri.csv, ...)
    for spec in FILES:
        path = DEFAULT_DATA_DIR / spec.name
        if spec.name.startswith("theme_map_") and path.exists():
            tm = pd.read_csv(path, dtype=str, keep_default_na=False)
            if "theme_slug" in tm.columns:
                tm = tm[(tm["theme_slug"] == "") | tm["theme_slug"].isin(themes["theme_slug"])]
            theme_maps[spec.name] = tm
    slugs = themes["theme_slug"].to_numpy(dtype=object)
    theme_labels = themes["label"].str.lower().to_numpy(dtype=object)
    n_themes = len(slugs)

    t: dict[str, pd.DataFrame] = {}
    t["dataset.csv"] = pd.DataFrame({"state_under_review_iso3": [codes[sur[0]]], "title": ["SYNTHETIC benchmark corpus"],
                                     "source_ids": ["BENCH01"], "note": ["not real data"]})
    t["sources.csv"] = pd.DataFrame({
        "source_id": [f"BENCH{i:02d}" for i in range(1, SOURCES + 1)],
        "producer": "bench generator",
        "title": [f"Synthetic benchmark source {i} (not a real document)" for i in range(1, SOURCES + 1)],
        "url": [f"https://example.org/bench/source-{i}" for i in range(1, SOURCES + 1)],
        "published_date": [f"{2010 + 2 * i}-0{1 + i % 9}" for i in range(SOURCES)],
        "accessed_date": "2026-01-01",
        "citation": [f'bench generator, "Synthetic benchmark source {i}", https://example.org/bench/source-{i} (synthetic)'
                     for i in range(1, SOURCES + 1)],
        "note": NOTE,
    })
    t["themes.csv"] = themes
    t.update(theme_maps)
    kinds = pd.read_csv(DEFAULT_DATA_DIR / "ask_kinds.csv", dtype=str, keep_default_na=False)  # a vocabulary, real
    t["ask_kinds.csv"] = kinds.assign(source_ids="")  # its real sources are not in the synthetic source list

    # --- recurrences: ~14 recurring asks per state under review
    n_rec_ids = n["recurrences"]
    rec_slugs = np.array([f"bench-ask-{i}" for i in range(1, n_rec_ids + 1)], dtype=object)
    t["recurrences.csv"] = pd.DataFrame({
        "recurrence_id": rec_slugs,
        "label": "Synthetic recurring ask " + pd.Series(np.arange(1, n_rec_ids + 1)).astype(str),
    })

    # --- recommendations: split over (state under review, cycle) pairs
    n_recs = n["recommendations"]
    n_sur = n["states_under_review"]
    pair_w = np.tile(CYCLE_WEIGHTS, n_sur) * rng.uniform(0.5, 1.5, size=4 * n_sur)
    per_pair = rng.multinomial(n_recs, pair_w / pair_w.sum())
    pair_state = np.repeat(np.arange(n_sur), 4)
    pair_cycle = np.tile(np.arange(1, 5), n_sur)
    state_i = np.repeat(pair_state, per_pair)  # index into sur
    cycle = np.repeat(pair_cycle, per_pair)
    starts = np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    para_n = np.arange(n_recs) - starts + 1
    block = state_i + 1
    paragraph = pd.Series(block).astype(str) + "." + pd.Series(para_n).astype(str)
    rec_id = ("C" + pd.Series(cycle).astype(str) + "-" + paragraph).to_numpy(dtype=object)

    k_themes = _pick(rng, [1, 2, 3], n_recs, p=[45, 35, 20]).astype(int)
    theme_idx = _distinct(rng, n_recs, 3, n_themes, n_themes // 3)
    rec_themes = _join(slugs[theme_idx], k_themes)

    response = np.where(
        cycle == 4,
        _pick(rng, ["supported", "noted", "partially_supported", "supported_implemented", "unknown"], n_recs, p=[45, 25, 4, 3, 23]),
        _pick(rng, ["supported", "noted", "partially_supported", "supported_implemented", "unknown"], n_recs, p=[60, 30, 4, 3, 3]),
    ).astype(object)
    verbs = np.array(["Ratify instruments on", "Adopt legislation on", "Ensure full respect for", "Strengthen safeguards on",
                      "Guarantee in practice", "Investigate violations concerning", "Take concrete measures on",
                      "Consider reviewing the law on", "Cooperate with UN mechanisms on", "Bring into line with standards"],
                     dtype=object)
    tails = np.array(["in line with its international obligations", "and report on progress at the next review",
                      "with the participation of civil society", "by allocating adequate resources",
                      "without discrimination of any kind", "and end impunity for past violations"], dtype=object)
    sur_codes = codes[sur][state_i]
    summary = (_pick(rng, verbs, n_recs) + " " + theme_labels[theme_idx[:, 0]] + " " + _pick(rng, tails, n_recs)
               + " (synthetic recommendation to " + sur_codes + ")")
    has_recurrence = rng.random(n_recs) < 0.3
    recurrence = np.where(has_recurrence, rec_slugs[state_i * RECURRENCES_PER_STATE + rng.integers(0, RECURRENCES_PER_STATE, n_recs)], "")
    t["recommendations.csv"] = pd.DataFrame({
        "recommendation_id": rec_id,
        "cycle": cycle.astype(str),
        "paragraph": paragraph.to_numpy(dtype=object),
        "summary": summary,
        "themes": rec_themes,
        "response": response,
        "recurrence_id": recurrence,
        "source_ids": _sources(rng, n_recs),
        "note": NOTE + "; state under review " + sur_codes,
    })

    # --- recommending states: 1-5 per recommendation, distinct, never the state under review
    k_states = _pick(rng, [1, 2, 3, 4, 5], n_recs, p=[60, 22, 10, 5, 3]).astype(int)
    st_idx = _distinct(rng, n_recs, 5, n_codes - 1, 40)
    st_idx = st_idx + (st_idx >= sur[state_i][:, None])  # skip the state under review
    keep = np.arange(5)[None, :] < k_states[:, None]
    rows_rec = np.repeat(np.arange(n_recs), k_states)
    pos = np.broadcast_to(np.arange(5), (n_recs, 5))[keep]
    rs_resp = response[rows_rec].copy()
    partial_multi = (response[rows_rec] == "partially_supported") & (k_states[rows_rec] > 1)
    rs_resp[partial_multi] = np.where(pos[partial_multi] == 0, "supported", "noted")
    rs_resp[rs_resp == "unknown"] = ""
    n_rs = len(rows_rec)
    action = rng.integers(1, 6, n_rs).astype(str).astype(object)
    action[rng.random(n_rs) < 0.2] = ""
    rs = pd.DataFrame({
        "recommendation_id": rec_id[rows_rec],
        "state_iso3": codes[st_idx[keep]],
        "response": rs_resp,
        "action_category": action,
        "source_ids": _sources(rng, n_rs),
    })
    rs["text_key"] = pd.Series(rng.integers(0, 16**12, n_rs, dtype=np.int64)).map("{:012x}".format).to_numpy(dtype=object)
    t["recommendation_states.csv"] = rs

    # --- cycles: the published totals are the generated counts (all states under review together)
    resp_s = pd.Series(response)
    cyc_rows = []
    for c in range(1, 5):
        sel = resp_s[cycle == c]
        vc = sel.value_counts()
        cyc_rows.append({
            "cycle": str(c), "review_year": str(CYCLE_YEARS[c]), "wg_session": str(8 + 14 * (c - 1)),
            "review_date": CYCLE_REVIEW_DATES[c], "hrc_adoption_date": f"{CYCLE_YEARS[c] + (c == 4)}-0{3 if c == 4 else 9}",
            "report_symbol": "", "total_recommendations": str(len(sel)),
            "supported": str(int(vc.get("supported", 0))), "partially_supported": str(int(vc.get("partially_supported", 0))),
            "supported_implemented": str(int(vc.get("supported_implemented", 0))), "noted": str(int(vc.get("noted", 0))),
            "source_ids": "BENCH01", "note": NOTE + "; totals are the generated counts over all states under review",
        })
    t["cycles.csv"] = pd.DataFrame(cyc_rows)

    # --- criteria and item_criteria: 3 own criteria per recommendation
    n_crit = n["criteria"]
    crit_id = ("crit-" + pd.Series(np.arange(1, n_crit + 1)).astype(str)).to_numpy(dtype=object)
    t["criteria.csv"] = pd.DataFrame({
        "criterion_id": crit_id,
        "description": "Synthetic testable criterion " + pd.Series(np.arange(1, n_crit + 1)).astype(str) + " (benchmark)",
    })
    crit_item = np.repeat(np.arange(n_recs), CRITERIA_PER_RECOMMENDATION)
    weight = _pick(rng, ["1", "0.5"], n_crit, p=[90, 10])

    # --- demands, judged by 1-3 of the recommendations' (shared) criteria
    n_dem = n["demands"]
    dem_id = _ids("D", n_dem, 5)
    issuer_type = _pick(rng, ["international_civil_society", "belarusian_civil_society", "belarusian_democratic_forces", "government"],
                        n_dem, p=[13, 11, 6, 1])
    addressee = _pick(rng, ["belarusian_authorities", "named_states", "international_community", "icc_states_parties",
                            "european_union", "un"], n_dem, p=[13, 9, 4, 3, 1, 1])
    k_addr = _pick(rng, [1, 2, 3], n_dem, p=[70, 20, 10]).astype(int)
    addr_iso3 = np.where(addressee == "named_states", _join(codes[_distinct(rng, n_dem, 3, n_codes, 60)], k_addr), "")
    issued, _ = _dates(rng, np.full(n_dem, "2010-01-01", dtype="datetime64[D]"), np.full(n_dem, LAST_DATE), empty_share=0.03)
    d_k_themes = _pick(rng, [1, 2, 3], n_dem, p=[45, 35, 20]).astype(int)
    d_theme_idx = _distinct(rng, n_dem, 3, n_themes, n_themes // 3)
    issuer = "Synthetic NGO " + pd.Series(rng.integers(1, max(20, n_dem // 15) + 1, n_dem)).astype(str)
    t["demands.csv"] = pd.DataFrame({
        "demand_id": dem_id,
        "issued_date": issued,
        "issuer": issuer.to_numpy(dtype=object),
        "issuer_type": issuer_type,
        "addressee": addressee,
        "addressee_iso3": addr_iso3,
        "addressee_detail": np.where(rng.random(n_dem) < 0.5, "synthetic addressee detail", ""),
        "summary": "Synthetic demand: " + _pick(rng, verbs, n_dem) + " " + theme_labels[d_theme_idx[:, 0]],
        "themes": _join(slugs[d_theme_idx], d_k_themes),
        "recurrence_id": np.where(rng.random(n_dem) < 0.1, _pick(rng, rec_slugs, n_dem), ""),
        "source_ids": _sources(rng, n_dem),
        "note": NOTE,
    })
    k_dc = _pick(rng, [1, 2, 3], n_dem, p=[50, 30, 20]).astype(int)
    dc_idx = _distinct(rng, n_dem, 3, n_crit, 1000)
    dc_keep = np.arange(3)[None, :] < k_dc[:, None]
    t["item_criteria.csv"] = pd.DataFrame({
        "item_id": np.concatenate([rec_id[crit_item], np.repeat(dem_id, k_dc)]),
        "criterion_id": np.concatenate([crit_id, crit_id[dc_idx[dc_keep]]]),
        "weight": np.concatenate([weight, np.full(int(k_dc.sum()), "1", dtype=object)]),
    })

    # --- observations: 2 per criterion, the first after the review, the second after the first
    n_obs = n["observations"]
    crit_review = np.array([CYCLE_REVIEW_DATES[c] for c in range(1, 5)], dtype="datetime64[D]")[cycle[crit_item] - 1]
    first, d1 = _dates(rng, crit_review, np.full(n_crit, LAST_DATE))
    second, _ = _dates(rng, d1, np.full(n_crit, LAST_DATE))
    # how far each recommendation got: mostly stalled (nearly every observation "no"), some mixed, a few done
    progress = rng.choice(3, size=n_recs, p=[0.72, 0.24, 0.04])
    p_no = np.array([0.95, 0.45, 0.05])[progress][np.repeat(crit_item, OBSERVATIONS_PER_CRITERION)]
    p_partly = np.array([0.04, 0.30, 0.10])[progress][np.repeat(crit_item, OBSERVATIONS_PER_CRITERION)]
    u = rng.random(n_obs)
    met = np.where(u < p_no, "no", np.where(u < p_no + p_partly, "partly", "yes")).astype(object)
    obs_dates = np.empty(n_obs, dtype=object)
    obs_dates[0::2], obs_dates[1::2] = first, second
    t["observations.csv"] = pd.DataFrame({
        "observation_id": _ids("O", n_obs, 7),
        "criterion_id": np.repeat(crit_id, OBSERVATIONS_PER_CRITERION),
        "observed_date": obs_dates,
        "met": met,
        "source_ids": _sources(rng, n_obs),
        "note": _pick(rng, ["synthetic: the source reports no change", "synthetic: the source reports some progress",
                            "synthetic: the source reports the step was taken"], n_obs),
    })

    # --- assessments: a tenth of the items, one each
    n_ass = n["assessments"]
    all_items = np.concatenate([rec_id, dem_id])
    item_made = np.concatenate([crit_review[::CRITERIA_PER_RECOMMENDATION], np.full(n_dem, "2011-01-01", dtype="datetime64[D]")])
    assessed = rng.choice(len(all_items), size=n_ass, replace=False)
    assessed_dates, _ = _dates(rng, item_made[assessed], np.full(n_ass, LAST_DATE))
    t["assessments.csv"] = pd.DataFrame({
        "assessment_id": _ids("A", n_ass, 6),
        "item_id": all_items[assessed],
        "assessor": _pick(rng, [f"Synthetic assessor {i}" for i in range(1, 8)], n_ass),
        "assessed_date": assessed_dates,
        "status": _pick(rng, ["implemented", "partial", "unfulfilled", "not_assessed"], n_ass, p=[5, 25, 60, 10]),
        "rationale": "synthetic rationale (benchmark)",
        "source_ids": _sources(rng, n_ass),
    })

    # --- tallies: for about a quarter of the (state under review, cycle) pairs
    pairs = np.flatnonzero((rng.random(4 * n_sur) < 0.25) & (per_pair > 0))
    if len(pairs) == 0:
        pairs = np.array([int(np.argmax(per_pair))])
    n_tal = len(pairs)
    totals = per_pair[pairs]
    split = np.array([rng.multinomial(tot, [0.05, 0.2, 0.65, 0.1]) for tot in totals]).reshape(n_tal, 4).astype(str).astype(object)
    split[rng.random((n_tal, 4)) < 0.1] = ""
    tal_codes = codes[sur][pair_state[pairs]]
    t["tallies.csv"] = pd.DataFrame({
        "tally_id": _ids("T", n_tal, 4),
        "cycle": pair_cycle[pairs].astype(str),
        "assessor": "Synthetic coalition for " + tal_codes,
        "report_title": "Synthetic implementation report on " + tal_codes,
        "published_date": _dates(rng, np.full(n_tal, "2012-01-01", dtype="datetime64[D]"), np.full(n_tal, LAST_DATE), empty_share=0.2)[0],
        "scope": "all",
        "total": totals.astype(str),
        "implemented": split[:, 0], "partial": split[:, 1], "unfulfilled": split[:, 2], "not_assessed": split[:, 3],
        "source_ids": _sources(rng, n_tal),
        "note": NOTE,
    })

    # --- ICC events: states' positions, the Court's steps, context
    n_ev = n["icc_events"]
    position = _pick(rng, ["urged_to_join", "in_discussion", "publicly_supports", "joined", "referred", "rejects", "court_step", "context"],
                     n_ev, p=[20, 15, 15, 4, 2, 4, 10, 30])
    is_state = ~np.isin(position, ["court_step", "context"])
    ev_country = rng.integers(0, n_codes, n_ev)
    actor = np.where(is_state, names[ev_country], np.where(position == "court_step", "ICC Office of the Prosecutor", "Synthetic NGO"))
    ev_dates, _ = _dates(rng, np.full(n_ev, "2020-08-01", dtype="datetime64[D]"), np.full(n_ev, LAST_DATE), empty_share=0.05)
    t["icc_events.csv"] = pd.DataFrame({
        "event_id": _ids("I", n_ev, 4),
        "event_date": ev_dates,
        "actor": actor,
        "actor_iso3": np.where(is_state, codes[ev_country], ""),
        "position": position,
        "summary": "Synthetic event: " + pd.Series(position).str.replace("_", " ").to_numpy(dtype=object),
        "source_ids": _sources(rng, n_ev),
        "note": NOTE,
    })

    # --- pledges
    n_pl = n["pledges"]
    is_country = rng.random(n_pl) < 0.8
    donor_country = rng.integers(0, n_codes, n_pl)
    amount = np.round(np.exp(rng.normal(13, 1.5, n_pl)), -3).clip(1000).astype(np.int64).astype(str).astype(object)
    no_amount = rng.random(n_pl) < 0.05
    amount[no_amount] = ""
    currency = _pick(rng, ["EUR", "USD", "NOK", "DKK", "SEK", "CAD", "GBP"], n_pl, p=[16, 8, 4, 3, 3, 1, 2])
    currency[no_amount & (rng.random(n_pl) < 0.5)] = ""
    qualifier = _pick(rng, ["exact", "more_than", "about", "at_least", "up_to"], n_pl, p=[28, 3, 2, 1, 1])
    qualifier[no_amount] = ""
    t["pledges.csv"] = pd.DataFrame({
        "pledge_id": _ids("P", n_pl, 4),
        "donor": np.where(is_country, names[donor_country], "European Union"),
        "donor_iso3": np.where(is_country, codes[donor_country], ""),
        "recipient": _pick(rng, [f"Synthetic recipient {i}" for i in range(1, 16)], n_pl),
        "amount": amount,
        "amount_qualifier": qualifier,
        "currency": currency,
        "pledged_date": _dates(rng, np.full(n_pl, "2020-08-01", dtype="datetime64[D]"), np.full(n_pl, LAST_DATE), empty_share=0.03)[0],
        "purpose": "Synthetic purpose (benchmark)",
        "accountability": _pick(rng, ["yes", "no"], n_pl, p=[40, 60]),
        "kind": _pick(rng, ["pledge", "cumulative"], n_pl, p=[85, 15]),
        "source_ids": _sources(rng, n_pl),
        "note": NOTE,
    })
    return t


#: the second reading of every synthetic fact (models.ReadTwice)
READ = {"locator": "p. 1", "recorded_by": "bench generator", "read_by": "bench reader", "read_date": "2026-01-01",
        "read_verdict": "confirmed", "read_note": ""}


def _check_target(root: Path) -> Path:
    root = Path(root).resolve()
    data = DEFAULT_DATA_DIR.resolve()
    if root == data or data in root.parents or root in data.parents:
        raise ValueError(f"refusing to write a synthetic corpus into or around the real data folder: {root}")
    return root


def _columns(spec) -> list[str]:
    """The header of data/<file> (same order as the real file) when it has exactly the model's columns, else the
    model's field order."""
    fields = list(spec.model.model_fields)
    try:
        with open(DEFAULT_DATA_DIR / spec.name, newline="", encoding="utf-8-sig") as fh:
            real = [c.strip() for c in next(csv.reader(fh))]
    except (OSError, StopIteration):
        return fields
    return real if sorted(real) == sorted(fields) else fields


def write_corpus(root: Path, scale: float = 1.0, seed: int = 0) -> dict:
    """Write the synthetic corpus into `root` (created if needed; never data/). Returns the row counts."""
    root = _check_target(root)
    root.mkdir(parents=True, exist_ok=True)
    tables = build_tables(scale, seed)
    files: dict[str, int] = {}
    for spec in FILES:
        columns = _columns(spec)
        df = tables.get(spec.name, pd.DataFrame())
        df = df.reindex(columns=columns, fill_value="")  # exactly the model's header; columns not generated stay empty
        if spec.read_twice:  # every synthetic fact has been read by a second (synthetic) reader, so it counts
            for col, value in READ.items():
                if col not in tables.get(spec.name, pd.DataFrame()).columns:
                    df[col] = value
        df.to_csv(root / spec.name, index=False, encoding="utf-8", lineterminator="\n")
        files[spec.name] = len(df)
    n = expected_counts(scale)
    (root / "SYNTHETIC.txt").write_text(
        "SYNTHETIC BENCHMARK DATA - NOT REAL.\n"
        f"Generated by bench/synth.py (scale {scale}, seed {seed}) for performance tests at the scale of the whole UPR:\n"
        f"{n['states_under_review']} made-up states under review x 4 cycles, {n['recommendations']} recommendations, "
        f"{n['observations']} observations.\n"
        "Only the theme vocabulary (themes.csv, theme_map_*.csv) and ISO country codes are real; every other value is "
        "invented, and the sources (producer 'bench generator', https://example.org/...) do not exist.\n"
        "Never copy these files into data/.\n",
        encoding="utf-8",
    )
    return {
        **n,
        "recommendation_states": files["recommendation_states.csv"],
        "item_criteria": files["item_criteria.csv"],
        "tallies": files["tallies.csv"],
        "files": files,
        "bytes": sum(p.stat().st_size for p in root.glob("*.csv")),
    }
