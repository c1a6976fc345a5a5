"""The schema, declared once as data: per table its row model (columns and types), primary key, date columns and
references. The loader's checks, the data README test, the CSV folder and the PostgreSQL tables all read it.

A reference names the column, what it must point at (one or more `table.column` targets, or a vocabulary such as
ISO 3166 codes) and whether the cell holds a `;`-separated list.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from . import models as m


@dataclass(frozen=True)
class Reference:
    """Every non-empty value of `column` must exist among `targets` (`(file, column)` pairs) or in `vocabulary`."""

    column: str
    targets: tuple[tuple[str, str], ...] = ()
    vocabulary: str | None = None  # "iso3": ISO 3166-1 alpha-3 codes (pycountry)
    is_list: bool = False
    what: str = ""

    @property
    def is_foreign_key(self) -> bool:
        """A plain one-to-one reference to one table: enforceable as an SQL foreign key."""
        return len(self.targets) == 1 and not self.is_list and self.vocabulary is None


@dataclass(frozen=True)
class TableSpec:
    """One table (one CSV file in the folder store)."""

    name: str  # file name in the folder store, e.g. "observations.csv"
    model: type[BaseModel]
    key: tuple[str, ...]
    dates: tuple[str, ...] = ()
    #: date columns that may lie in the future (a scheduled review); every other date must not
    future_dates: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    #: what times a row's existence (compliance.timeline): a date column, or "cycle" (its cycle's review date)
    exists_from: str | None = None

    @property
    def table(self) -> str:
        """The table's name without the file extension (the SQL table name)."""
        return self.name.removesuffix(".csv")

    @property
    def columns(self) -> list[str]:
        return list(self.model.model_fields)

    def required(self, column: str) -> bool:
        return self.model.model_fields[column].is_required()

    @property
    def read_twice(self) -> bool:
        """Its rows are facts a second person reads against their sources before they count (models.ReadTwice)."""
        return issubclass(self.model, m.ReadTwice)


def _sources() -> Reference:
    return Reference("source_ids", (("sources.csv", "source_id"),), is_list=True, what="source id (not in sources.csv)")


def _themes(column: str = "themes", is_list: bool = True) -> Reference:
    return Reference(column, (("themes.csv", "theme_slug"),), is_list=is_list, what="theme (not in themes.csv)")


def _iso3(column: str, is_list: bool = False) -> Reference:
    return Reference(column, vocabulary="iso3", is_list=is_list, what="ISO 3166 alpha-3 country code")


_ITEMS = (("recommendations.csv", "recommendation_id"), ("demands.csv", "demand_id"))
_ITEM_WHAT = "item id (not a recommendation_id or demand_id)"
_CRITERION = Reference("criterion_id", (("criteria.csv", "criterion_id"),), what="criterion id (not in criteria.csv)")
_ASK_KIND = Reference("ask_kind", (("ask_kinds.csv", "ask_kind"),), what="kind of ask (not in ask_kinds.csv)")
_RECURRENCE = Reference("recurrence_id", (("recurrences.csv", "recurrence_id"),), what="recurrence id (not in recurrences.csv)")

#: Every table of the dataset, in load order (a table's references point to tables above it where possible).
TABLES: tuple[TableSpec, ...] = (
    TableSpec("dataset.csv", m.DatasetInfo, ("state_under_review_iso3",),
              references=(_iso3("state_under_review_iso3"), _sources())),
    TableSpec("sources.csv", m.Source, ("source_id",), dates=("published_date", "accessed_date")),
    TableSpec("themes.csv", m.Theme, ("theme_slug",)),
    TableSpec("theme_map_uprinfo.csv", m.ThemeMapping, ("uprinfo_issue",), references=(_themes("theme_slug", False),)),
    TableSpec("theme_map_uhri.csv", m.ThemeKeyword, ("keyword", "theme_slug"), references=(_themes("theme_slug", False),)),
    TableSpec("cycles.csv", m.Cycle, ("cycle",), dates=("review_date", "hrc_adoption_date"),
              future_dates=("review_date", "hrc_adoption_date"), references=(_sources(),), exists_from="review_date"),
    TableSpec("recurrences.csv", m.Recurrence, ("recurrence_id",)),
    TableSpec("ask_kinds.csv", m.AskKind, ("ask_kind",), references=(_sources(),)),
    TableSpec("recommendations.csv", m.Recommendation, ("recommendation_id",), references=(
        Reference("cycle", (("cycles.csv", "cycle"),), what="cycle (not in cycles.csv)"),
        _themes(), _RECURRENCE, _ASK_KIND, _sources()), exists_from="cycle"),
    TableSpec("recommendation_states.csv", m.RecommendingState, ("recommendation_id", "state_iso3", "text_key"), references=(
        Reference("recommendation_id", (("recommendations.csv", "recommendation_id"),),
                  what="recommendation id (not in recommendations.csv)"),
        _iso3("state_iso3"), _sources())),
    TableSpec("demands.csv", m.Demand, ("demand_id",), dates=("issued_date", "read_date"),
              references=(_iso3("addressee_iso3", True), _themes(), _RECURRENCE, _ASK_KIND, _sources()),
              exists_from="issued_date"),
    TableSpec("criteria.csv", m.Criterion, ("criterion_id",)),
    TableSpec("contested.csv", m.ContestedCriterion, ("criterion_id",), dates=("contested_since",),
              references=(_CRITERION,)),
    TableSpec("item_criteria.csv", m.ItemCriterion, ("item_id", "criterion_id"), references=(
        Reference("item_id", _ITEMS, what=_ITEM_WHAT), _CRITERION)),
    TableSpec("observations.csv", m.Observation, ("observation_id",), dates=("observed_date", "read_date"),
              references=(_CRITERION, _sources()), exists_from="observed_date"),
    TableSpec("assessments.csv", m.Assessment, ("assessment_id",), dates=("assessed_date", "read_date"),
              references=(Reference("item_id", _ITEMS, what=_ITEM_WHAT), _sources()), exists_from="assessed_date"),
    TableSpec("evidence_searches.csv", m.EvidenceSearch, ("search_id",), dates=("searched_date", "read_date"),
              references=(Reference("item_id", _ITEMS, what=_ITEM_WHAT), _sources()), exists_from="searched_date"),
    TableSpec("tallies.csv", m.Tally, ("tally_id",), dates=("published_date",),
              references=(Reference("cycle", (("cycles.csv", "cycle"),), what="cycle (not in cycles.csv)"), _sources()),
              exists_from="published_date"),
    TableSpec("icc_events.csv", m.IccEvent, ("event_id",), dates=("event_date", "read_date"),
              references=(_iso3("actor_iso3"), _sources()), exists_from="event_date"),
    TableSpec("pledges.csv", m.Pledge, ("pledge_id",), dates=("pledged_date", "read_date"),
              references=(_iso3("donor_iso3"), _sources()), exists_from="pledged_date"),
    TableSpec("exchange_rates.csv", m.ExchangeRate, ("currency", "year"), references=(_sources(),)),
)

TABLE_NAMES: tuple[str, ...] = tuple(t.name for t in TABLES)
#: Date columns that record the project's own work (when a source was read, a search made, a row read twice), not
#: a fact about the state under review: they never make a fact "newer".
BOOKKEEPING_DATES: tuple[str, ...] = ("accessed_date", "searched_date", "read_date")
_BY_NAME = {t.name: t for t in TABLES}


def spec(name: str) -> TableSpec:
    """The declaration of one table, by file name (`observations.csv`) or table name (`observations`)."""
    return _BY_NAME.get(name) or _BY_NAME[f"{name}.csv"]
