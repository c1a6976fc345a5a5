"""Pledges in one currency, so donors can be compared: each pledge converted to euro at the yearly average rate of
its own year (data/exchange_rates.csv, units per euro), per-donor totals in euro beside the original amounts, and the
pledges that cannot be converted listed with the reason, never dropped. Never imports streamlit.

Why a yearly average of the pledge's year: a pledge is announced once, in its own currency, and paid out over time;
the year's average is the cited figure closest to what the amount was worth when it was made. A rate is never
estimated (no rate for a currency and year means the pledge stays unconverted), a running total (kind
`cumulative`) includes other pledges, so adding it would count money twice, and a disbursement (kind `disbursement`)
pays out money pledged before, so it is listed, never added to what was pledged.
"""

from __future__ import annotations

import re

import pandas as pd

#: why a pledge is not in the euro totals (the wording users see; one reason per pledge, first that applies)
REASON_CUMULATIVE = "running total that includes other pledges: never added"
REASON_DISBURSEMENT = "money paid out under an earlier commitment, not a new pledge: never added to pledged totals"
REASON_NO_AMOUNT = "no amount stated by the source"
REASON_NO_DATE = "no pledge date, so no year's rate"
REASON_NO_RATE = "no cited yearly average rate for {currency} {year}"

CONVERTED_COLUMNS = ("pledge_year", "rate_per_eur", "rate_source_ids", "amount_eur", "unconverted_reason")


def _split_ids(value) -> list[str]:
    return [s.strip() for s in str(value or "").split(";") if s.strip()]


def convert_pledges(pledges: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Every pledge with `pledge_year`, the `rate_per_eur` used (1 for EUR), its `rate_source_ids`, `amount_eur` and,
    where it cannot be converted, `unconverted_reason` (then `amount_eur` is missing). One row per pledge, in order."""
    p = pledges.copy()
    year = p["pledged_date_start"].dt.year.astype("Int64")
    table = {(str(r.currency), int(r.year)): (float(r.rate_per_eur), str(r.source_ids)) for r in rates.itertuples()}
    rate, rate_sources, eur, reason = [], [], [], []
    for cur, yr, amount, kind in zip(p["currency"], year, p["amount"], p["kind"]):
        r, src, why = None, None, None
        if kind == "cumulative":
            why = REASON_CUMULATIVE
        elif kind == "disbursement":
            why = REASON_DISBURSEMENT
        elif pd.isna(amount):
            why = REASON_NO_AMOUNT
        elif cur == "EUR":
            r, src = 1.0, ""
        elif pd.isna(yr):
            why = REASON_NO_DATE
        elif (cur, int(yr)) in table:
            r, src = table[(cur, int(yr))]
        else:
            why = REASON_NO_RATE.format(currency=cur, year=int(yr))
        rate.append(r)
        rate_sources.append(src)
        eur.append(None if r is None else float(amount) / r)
        reason.append(why)
    p["pledge_year"] = year
    p["rate_per_eur"] = pd.array(rate, dtype="Float64")
    p["rate_source_ids"] = rate_sources
    p["amount_eur"] = pd.array(eur, dtype="Float64")
    p["unconverted_reason"] = reason
    return p


def donor_key(donor: str, donor_iso3) -> tuple[str, str]:
    """(grouping key, display name): a state by its ISO3 code; any other donor by its name without the parenthesis
    that only says who spoke for it ('European Union (High Representative Josep Borrell)' -> 'European Union')."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", str(donor)).strip() or str(donor)
    if isinstance(donor_iso3, str) and donor_iso3:
        return donor_iso3, name
    return "name:" + name, name


def original_amounts(rows: pd.DataFrame) -> str:
    """'NOK 60,500,000; EUR 500,000': summed amounts per original currency of the given pledges (those with an
    amount)."""
    p = rows[rows["amount"].notna()]
    if p.empty:
        return ""
    sums = p.groupby("currency")["amount"].sum().sort_index()
    return "; ".join(f"{cur} {float(v):,.0f}" for cur, v in sums.items())


def not_converted_text(rows: pd.DataFrame) -> str:
    """'P037 NOK 10,000,000: no cited yearly average rate for NOK 2024; P034: no amount stated by the source'."""
    parts = []
    for r in rows[rows["amount_eur"].isna()].itertuples():
        amount = f" {r.currency} {float(r.amount):,.0f}" if pd.notna(r.amount) else ""
        parts.append(f"{r.pledge_id}{amount}: {r.unconverted_reason}")
    return "; ".join(parts)


def with_donor_keys(converted: pd.DataFrame) -> pd.DataFrame:
    """The pledges with `donor_key` (what donors are grouped by) and `donor_name` (how the group is named)."""
    keys = [donor_key(d, i) for d, i in zip(converted["donor"], converted["donor_iso3"])]
    return converted.assign(donor_key=[k for k, _ in keys], donor_name=[n for _, n in keys])


def donor_totals(converted: pd.DataFrame) -> pd.DataFrame:
    """Per donor: `donor`, `donor_iso3`, `pledges` (every pledge row once, new pledges and running totals alike),
    `converted`, `total_eur` (missing when nothing could be converted), `converted_from` (the original amounts in that
    total, per currency), `unconverted` (how many are not in it), `not_converted` (each of those with its amount and
    reason), `pledge_ids` and `donor_key`. Largest euro total first, then by name."""
    cols = ["donor", "donor_iso3", "pledges", "converted", "total_eur", "converted_from", "unconverted", "not_converted",
            "pledge_ids", "donor_key"]
    if converted.empty:
        return pd.DataFrame(columns=cols)
    c = with_donor_keys(converted)
    rows = []
    for key, g in c.groupby("donor_key", sort=False):
        ok = g["amount_eur"].notna()
        iso3 = g["donor_iso3"].dropna()
        rows.append({
            "donor": min(g["donor_name"], key=lambda n: (len(n), n)),
            "donor_iso3": iso3.iloc[0] if len(iso3) else None,
            "pledges": int(len(g)),
            "converted": int(ok.sum()),
            "total_eur": float(g.loc[ok, "amount_eur"].sum()) if ok.any() else None,
            "converted_from": original_amounts(g[ok]),
            "unconverted": int((~ok).sum()),
            "not_converted": not_converted_text(g),
            "pledge_ids": ", ".join(g["pledge_id"]),
            "donor_key": key,
        })
    out = pd.DataFrame(rows, columns=cols)
    out["_sort"] = out["total_eur"].astype(float).fillna(-1.0)
    return out.sort_values(["_sort", "donor"], ascending=[False, True], kind="stable").drop(columns="_sort").reset_index(drop=True)


def unconverted(converted: pd.DataFrame) -> pd.DataFrame:
    """The pledges not in any euro total, each with its reason (and its amount as published, if any)."""
    u = converted[converted["amount_eur"].isna()]
    return pd.DataFrame({
        "pledge_id": u["pledge_id"], "donor": u["donor"], "amount": u["amount"], "currency": u["currency"],
        "pledged_date": u["pledged_date"], "kind": u["kind"], "reason": u["unconverted_reason"],
        "source_ids": u["source_ids"],
    }).reset_index(drop=True)


def rate_source_ids(converted: pd.DataFrame) -> list[str]:
    """The sources of the rates actually used (EUR needs none)."""
    return sorted({s for v in converted["rate_source_ids"].dropna() for s in _split_ids(v)})


def pledge_summary(ds, as_of=None) -> dict:
    """The `pledges` object of `summary --json`: every pledge made by `as_of` counted once, per donor, with its euro
    total (whole euros; null when nothing could be converted) and the pledges left out of it (id, amount as
    published, currency, reason); and the sources of the rates used."""
    from .metrics import pledges

    converted = with_donor_keys(convert_pledges(pledges(ds, as_of), ds.exchange_rates))
    out = []
    for row in donor_totals(converted).itertuples():
        left_out = converted[(converted["donor_key"] == row.donor_key) & converted["amount_eur"].isna()]
        out.append({
            "donor": row.donor,
            "donor_iso3": row.donor_iso3 if isinstance(row.donor_iso3, str) else None,
            "pledges": int(row.pledges),
            "total_eur": None if pd.isna(row.total_eur) else round(float(row.total_eur)),
            "unconverted": [
                {"pledge_id": r.pledge_id, "amount": None if pd.isna(r.amount) else float(r.amount),
                 "currency": r.currency if isinstance(r.currency, str) else None, "reason": r.unconverted_reason}
                for r in left_out.itertuples()
            ],
        })
    return {"by_donor": out, "rate_source_ids": rate_source_ids(converted)}
