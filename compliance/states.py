"""One state in one view: what it recommended to Belarus and what became of it, the asks it repeated, the demands
addressed to it, its place in Lithuania's ICC referral (its own positions and the calls made to it, kept apart), its
pledges (original currency and euro), and how it compares with every other recommending state. Never imports
streamlit; the state page, the PDF brief and the CLI read the same figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import metrics, money
from .countries import state_name
from .data import Dataset
from .models import ICC_POSITION_LABELS
from .scoring import scored_items
from .timeline import cutoff

SUPPORTED = ("supported", "supported_implemented", "partially_supported")


def state_table(ds: Dataset, as_of=None, scored: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every state that made a recommendation to Belarus, received a demand, took part in the ICC referral or pledged,
    with its figures side by side as of `as_of`: recommendations itemised here, supported by Belarus, the share
    supported, of those the share implemented (over assessed ones), demands addressed to it, its own ICC position,
    calls made to it, and its pledges in euro."""
    scored = scored if scored is not None else scored_items(ds, as_of)
    recs = scored[scored["kind"] == "recommendation"].explode("states").rename(columns={"states": "iso3"})
    recs = recs.dropna(subset=["iso3"])
    supported = recs["response"].isin(SUPPORTED)
    known = recs["response"] != "unknown"
    g = recs.assign(supported=supported, known=known,
                    sup_impl=supported & (recs["status"] == "implemented"),
                    sup_assessed=supported & recs["status"].isin(["implemented", "partial", "unfulfilled"])).groupby("iso3")
    table = pd.DataFrame({
        "recommendations": g.size(),
        "with_known_response": g["known"].sum(),
        "supported": g["supported"].sum(),
        "supported_assessed": g["sup_assessed"].sum(),
        "supported_implemented": g["sup_impl"].sum(),
    })
    dem = scored[scored["kind"] == "demand"].explode("states").dropna(subset=["states"])
    table = table.join(dem.groupby("states").size().rename("demands_addressed"), how="outer")
    positions = metrics.icc_positions(ds, as_of).set_index("actor_iso3")["position"]
    calls = metrics.icc_calls(ds, as_of).groupby("actor_iso3").size()
    table = table.join(positions.rename("icc_position"), how="outer").join(calls.rename("icc_calls"), how="outer")
    pledged = money.convert_pledges(metrics.pledges(ds, as_of), ds.exchange_rates)
    pledged = pledged[pledged["donor_iso3"].notna()]
    by_donor = pledged.groupby("donor_iso3")
    table = table.join(by_donor.size().rename("pledges"), how="outer")
    table = table.join(by_donor["amount_eur"].sum(min_count=1).rename("pledged_eur"), how="outer")
    for col in ("recommendations", "with_known_response", "supported", "supported_assessed", "supported_implemented",
                "demands_addressed", "icc_calls", "pledges"):
        table[col] = table[col].fillna(0).astype(int)
    table["supported_share"] = (table["supported"] / table["with_known_response"].where(table["with_known_response"] > 0))
    table["implemented_share_of_supported"] = (
        table["supported_implemented"] / table["supported_assessed"].where(table["supported_assessed"] > 0))
    table.index.name = "iso3"
    table = table.reset_index()
    table.insert(1, "state", table["iso3"].map(state_name))
    return table.sort_values(["recommendations", "state"], ascending=[False, True]).reset_index(drop=True)


@dataclass
class StateProfile:
    """Everything the state page and the brief show about one state, as of one date."""

    iso3: str
    name: str
    as_of: pd.Timestamp
    recommendations: pd.DataFrame  # its itemised recommendations with status, basis, cycle
    coverage: pd.DataFrame  # metrics.coverage_by_cycle of its recommendations
    coverage_lines: list[str]
    by_cycle: pd.DataFrame  # metrics.summarize_cycles
    recurring: pd.DataFrame  # asks it made in more than one cycle
    demands: pd.DataFrame  # demands addressed to it, with status
    icc_own: pd.DataFrame  # its own positions (dated events)
    icc_calls: pd.DataFrame  # calls made to it to join
    pledges: pd.DataFrame  # its pledges, converted where a rate exists
    comparison: dict  # its figures against every recommending state
    sources: list[str]  # every source behind what the profile shows

    @property
    def key_figures(self) -> list[tuple[str, str]]:
        """Three to five (label, value) pairs for the top of a page or a brief."""
        c = self.comparison
        supported = "n/a" if pd.isna(c["supported_share"]) else f"{c['supported_share']:.0%}"
        implemented = "n/a" if pd.isna(c["implemented_share_of_supported"]) else f"{c['implemented_share_of_supported']:.0%}"
        eur = self.pledges["amount_eur"].sum(min_count=1) if len(self.pledges) else np.nan
        position = ICC_POSITION_LABELS.get(c["icc_position"], "no position recorded") if isinstance(c["icc_position"], str) \
            else "no position recorded"
        return [
            ("Recommendations to Belarus itemised here", str(len(self.recommendations))),
            ("Share Belarus supported", supported),
            ("Of those supported and assessed, implemented", implemented),
            ("Own position on the ICC referral", position),
            ("Pledged (converted to euro)", "none recorded" if pd.isna(eur) else f"EUR {eur:,.0f}"),
        ]


def state_profile(ds: Dataset, iso3: str, as_of=None, scored: pd.DataFrame | None = None) -> StateProfile:
    when = cutoff(as_of)
    scored = scored if scored is not None else scored_items(ds, when)
    recs = metrics.filter_items(scored, kind="recommendation", state=iso3)
    years = metrics.cycle_years(ds)
    cov = metrics.coverage_by_cycle(ds, recs, when)
    rec_ids = set(recs["recurrence_id"].dropna())
    recurring = metrics.recurrence_table(scored[scored["recurrence_id"].isin(rec_ids) & scored["item_id"].isin(
        set(recs["item_id"]) | set(scored.loc[scored["kind"] == "demand", "item_id"]))], ds.recurrences, years)
    recurring = recurring[recurring["asked in cycles"].str.contains(",", regex=False)] if len(recurring) else recurring
    demands = metrics.filter_items(scored, kind="demand", state=iso3)
    events = metrics.icc_events(ds, when)
    own = events[(events["actor_iso3"] == iso3) & events["position"].isin(metrics.OWN_POSITIONS)]
    calls = metrics.icc_calls(ds, when)
    calls = calls[calls["actor_iso3"] == iso3]
    pledges = money.convert_pledges(metrics.pledges(ds, when, donor_iso3=iso3), ds.exchange_rates)
    table = state_table(ds, when, scored)
    row = table.set_index("iso3").reindex([iso3]).iloc[0]
    ranked = table[table["recommendations"] > 0]
    comparison = {
        **{k: row[k] for k in ("recommendations", "supported", "supported_share", "supported_assessed",
                               "supported_implemented", "implemented_share_of_supported", "icc_position")},
        "states_recommending": len(ranked),
        "median_recommendations": float(ranked["recommendations"].median()) if len(ranked) else np.nan,
        "all_supported_share": (ranked["supported"].sum() / ranked["with_known_response"].sum())
        if ranked["with_known_response"].sum() else np.nan,
        "all_implemented_share_of_supported": (ranked["supported_implemented"].sum() / ranked["supported_assessed"].sum())
        if ranked["supported_assessed"].sum() else np.nan,
        "rank_by_recommendations": int((ranked["recommendations"] > row["recommendations"]).sum() + 1)
        if row["recommendations"] > 0 else None,
    }
    from .scoring import status_sources

    sources = set(status_sources(ds, when, recs["item_id"])) | {s for v in recs["source_ids"] for s in v.split(";")}
    sources |= {s for v in demands["source_ids"] for s in v.split(";")}
    sources |= {s for v in pd.concat([own["source_ids"], calls["source_ids"], pledges["source_ids"]]) for s in str(v).split(";")}
    sources |= set(money.rate_source_ids(pledges))
    return StateProfile(
        iso3=iso3, name=state_name(iso3), as_of=when, recommendations=recs, coverage=cov,
        coverage_lines=metrics.coverage_lines(cov, state_name(iso3), when), by_cycle=metrics.summarize_cycles(recs, years),
        recurring=recurring, demands=demands, icc_own=own, icc_calls=calls, pledges=pledges, comparison=comparison,
        sources=sorted(s for s in sources if s),
    )
