"""compliance.money: each pledge converted at its own year's rate, the unconverted listed with a reason, per-donor euro
totals that count every pledge once; and the `pledges` object of `summary --json`."""

from __future__ import annotations

import pandas as pd
import pytest

from compliance import metrics, money

RATES = pd.DataFrame({
    "currency": ["NOK", "NOK", "USD"],
    "year": pd.array([2011, 2021, 2011], dtype="Int64"),
    "rate_per_eur": pd.array([8.0, 10.0, 1.25], dtype="Float64"),
    "source_ids": ["R1", "R1;R2", "R3"],
    "note": ["", "", ""],
})


def pledge_rows(*rows) -> pd.DataFrame:
    """Pledges as the loader gives them: (id, donor, iso3, amount, currency, date, kind)."""
    df = pd.DataFrame(rows, columns=["pledge_id", "donor", "donor_iso3", "amount", "currency", "pledged_date", "kind"])
    df["amount"] = pd.array(df["amount"], dtype="Float64")
    df["pledged_date_start"] = pd.to_datetime(df["pledged_date"], format="mixed", errors="coerce")
    df["source_ids"] = "S1"
    return df


PLEDGES = pledge_rows(
    ("P1", "Norway", "NOR", 4_000_000, "NOK", "2021-03-26", "pledge"),
    ("P2", "Norway", "NOR", 8_000_000, "NOK", "2011", "pledge"),
    ("P3", "Norway", "NOR", 1_000_000, "NOK", "2024-04", "pledge"),           # no NOK rate for 2024
    ("P4", "United States", "USA", 5_000_000, "USD", "2011-02", "pledge"),
    ("P5", "United States", "USA", 9_000_000, "USD", None, "pledge"),        # undated: no year's rate
    ("P6", "United States", "USA", 140_000_000, "USD", "2011", "cumulative"),  # running total: never added
    ("P7", "Poland (Ministry of Foreign Affairs)", "POL", None, None, "2021", "pledge"),  # no amount
    ("P8", "European Union (High Representative A)", None, 30_000_000, "EUR", "2023-12-10", "pledge"),
    ("P9", "European Union (High Representative B)", None, 20_000_000, "EUR", None, "pledge"),  # EUR needs no rate
    ("P10", "Norway", "NOR", 2_000_000, "NOK", "2021", "disbursement"),  # paid out under an earlier pledge: never added
)


@pytest.fixture
def converted() -> pd.DataFrame:
    return money.convert_pledges(PLEDGES, RATES)


# --- conversion: the rate of the pledge's own year -----------------------------------------------------------

@pytest.mark.parametrize("pledge_id,eur,rate,rate_sources", [
    ("P1", 400_000.0, 10.0, "R1;R2"),   # 2021 rate, not 2011's
    ("P2", 1_000_000.0, 8.0, "R1"),     # 2011 rate
    ("P4", 4_000_000.0, 1.25, "R3"),    # a partial date converts at its year's rate
    ("P8", 30_000_000.0, 1.0, ""),      # EUR: no rate needed
    ("P9", 20_000_000.0, 1.0, ""),      # EUR even undated
])
def test_converts_at_the_rate_of_the_pledge_year(converted, pledge_id, eur, rate, rate_sources):
    row = converted.set_index("pledge_id").loc[pledge_id]
    assert row["amount_eur"] == pytest.approx(eur)
    assert row["rate_per_eur"] == rate and row["rate_source_ids"] == rate_sources
    assert pd.isna(row["unconverted_reason"])


# --- what cannot be converted is listed with its reason, never dropped ---------------------------------------

@pytest.mark.parametrize("pledge_id,reason", [
    ("P3", "no cited yearly average rate for NOK 2024"),
    ("P5", money.REASON_NO_DATE),
    ("P6", money.REASON_CUMULATIVE),
    ("P10", money.REASON_DISBURSEMENT),
    ("P7", money.REASON_NO_AMOUNT),
])
def test_unconverted_pledges_are_listed_with_the_reason(converted, pledge_id, reason):
    listed = money.unconverted(converted).set_index("pledge_id")
    assert listed.at[pledge_id, "reason"] == reason
    assert pd.isna(converted.set_index("pledge_id").at[pledge_id, "amount_eur"])


def test_nothing_is_dropped(converted):
    assert list(converted["pledge_id"]) == list(PLEDGES["pledge_id"])
    assert len(money.unconverted(converted)) + converted["amount_eur"].notna().sum() == len(PLEDGES)


# --- per-donor totals: every pledge once ----------------------------------------------------------------------

def test_donor_totals_count_every_pledge_once(converted):
    t = money.donor_totals(converted).set_index("donor")
    assert t["pledges"].sum() == len(PLEDGES)
    assert set(t.index) == {"Norway", "United States", "Poland", "European Union"}  # states by ISO3, others by name
    assert t.at["Norway", "pledges"] == 4 and t.at["Norway", "converted"] == 2 and t.at["Norway", "unconverted"] == 2
    assert t.at["Norway", "total_eur"] == pytest.approx(1_400_000)  # the disbursement is not added
    assert t.at["Norway", "converted_from"] == "NOK 12,000,000"  # what the euro total was converted from
    assert "P3 NOK 1,000,000: no cited yearly average rate for NOK 2024" in t.at["Norway", "not_converted"]
    assert t.at["United States", "total_eur"] == pytest.approx(4_000_000)  # the running total is not added
    assert pd.isna(t.at["Poland", "total_eur"])  # nothing convertible: unknown, not zero
    assert t.at["European Union", "total_eur"] == pytest.approx(50_000_000)
    assert list(t.index[:2]) == ["European Union", "United States"]  # largest euro total first


def test_rate_sources_are_those_used(converted):
    assert money.rate_source_ids(converted) == ["R1", "R2", "R3"]


# --- on the shipped data and in summary --json ----------------------------------------------------------------

def test_shipped_summary_counts_every_pledge_once(shipped):
    s = money.pledge_summary(shipped)
    assert sum(d["pledges"] for d in s["by_donor"]) == len(metrics.pledges(shipped))
    ids = [u["pledge_id"] for d in s["by_donor"] for u in d["unconverted"]]
    assert len(ids) == len(set(ids))
    norway = next(d for d in s["by_donor"] if d["donor_iso3"] == "NOR")
    # P001 4m NOK (2021, 10.16) + P005 20m (2011, 7.79) + P006 30m (2021) + P039 6m (2011) + P037 10m (2024, 11.629);
    # P007, the 0.5m of grants paid out in 2019, is a disbursement: listed, never added to what was pledged
    expected = 4e6 / 10.16 + 20e6 / 7.79 + 30e6 / 10.16 + 6e6 / 7.79 + 10e6 / 11.629
    assert norway["total_eur"] == round(expected)
    assert norway["unconverted"] == [{"pledge_id": "P007", "amount": 500_000.0, "currency": "NOK",
                                      "reason": money.REASON_DISBURSEMENT}]
    sweden = next(d for d in s["by_donor"] if d["donor_iso3"] == "SWE")
    assert "P028" in [u["pledge_id"] for u in sweden["unconverted"]]  # Sida's 2020 disbursement is not pledged money
    assert s["rate_source_ids"] == ["R4-002", "RC01", "RC02", "RC03"]


def test_shipped_summary_honours_the_as_of_date(shipped):
    s = money.pledge_summary(shipped, "2015-01-01")
    assert sum(d["pledges"] for d in s["by_donor"]) == len(metrics.pledges(shipped, "2015-01-01"))
    assert "P037" not in {u["pledge_id"] for d in s["by_donor"] for u in d["unconverted"]}
    assert s["rate_source_ids"] == ["RC01"]  # only 2011 rates were needed
