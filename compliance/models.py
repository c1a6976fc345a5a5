"""The vocabulary of the domain: enums, named types and one strict pydantic model per data row.

Every file in data/ has a row model here. Fields are kept to types that pydantic-core checks in Rust
(literals, patterns, bounded numbers) so a whole file validates in one call; cross-references and date
arithmetic are checked column-wise in :mod:`compliance.data`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

#: The first Working Group session of each UPR cycle (OHCHR's session calendar): sessions 1-12 are the first cycle,
#: 13-26 the second, 27-40 the third, 41 on the fourth. The cycles an imported file may name are these; a fifth
#: cycle needs its first session added here.
FIRST_SESSION = {1: 1, 2: 13, 3: 27, 4: 41}
CYCLES_TEXT = f"{min(FIRST_SESSION)}-{max(FIRST_SESSION)}"  # '1-4', for messages



class Status(StrEnum):
    """The status of an item at a date. Written once; imported everywhere."""

    IMPLEMENTED = "implemented"
    PARTIAL = "partial"
    UNFULFILLED = "unfulfilled"
    NOT_ASSESSED = "not_assessed"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
STATUS_LABELS = {
    "implemented": "Implemented",
    "partial": "Partially implemented",
    "unfulfilled": "Unfulfilled",
    "not_assessed": "Not assessed",
}

RESPONSES: tuple[str, ...] = (
    "supported",
    "supported_implemented",
    "partially_supported",
    "noted",
    "unknown",
)
RESPONSE_LABELS = {
    "supported": "Supported",
    "supported_implemented": "Supported, considered already implemented",
    "partially_supported": "Partially supported",
    "noted": "Noted",
    "unknown": "Response unknown",
}
ADDRESSEES: tuple[str, ...] = (
    "belarusian_authorities",
    "international_community",
    "european_union",
    "un",
    "icc_states_parties",
    "named_states",
)
ADDRESSEE_LABELS = {
    "belarusian_authorities": "Belarusian authorities",
    "international_community": "International community",
    "european_union": "European Union",
    "un": "UN bodies and member states",
    "icc_states_parties": "ICC States Parties",
    "named_states": "Named states",
}
ISSUER_TYPES: tuple[str, ...] = (
    "belarusian_civil_society",
    "international_civil_society",
    "belarusian_democratic_forces",
    "government",
)
ICC_POSITIONS: tuple[str, ...] = (
    "referred",
    "joined",
    "publicly_supports",
    "in_discussion",
    "urged_to_join",
    "rejects",
    "court_step",
    "context",
)
#: Positions a state can hold on the referral, strongest engagement first.
ICC_STATE_POSITIONS: tuple[str, ...] = (
    "referred",
    "joined",
    "publicly_supports",
    "in_discussion",
    "urged_to_join",
    "rejects",
)
ICC_POSITION_LABELS = {
    "referred": "Referred",
    "joined": "Joined the referral",
    "publicly_supports": "Publicly supports",
    "in_discussion": "In discussion",
    "urged_to_join": "Urged to join",
    "rejects": "Rejects",
    "court_step": "Court step",
    "context": "Context",
}
#: what an observation says of a criterion, and what it is worth in the evidence score (partly counts half)
MET_VALUES = {"yes": 1.0, "partly": 0.5, "no": 0.0}
AMOUNT_QUALIFIERS: tuple[str, ...] = ("exact", "about", "at_least", "up_to", "more_than")
#: a new commitment; a running total of several (never added to pledges); money paid out under an earlier commitment
#: (never added to pledged totals either)
PLEDGE_KINDS: tuple[str, ...] = ("pledge", "cumulative", "disbursement")
TALLY_SCOPES: tuple[str, ...] = ("all", "supported", "supported_implemented", "partially_supported", "noted")
SEARCH_RESULTS: tuple[str, ...] = ("nothing_found", "inconclusive")
#: What a second reader found on reading a row against its source. Only rows read as confirmed or corrected count
#: (score, show in totals and charts); rejected and unreachable rows stay in the data with the reason, set aside.
READ_VERDICTS: tuple[str, ...] = ("confirmed", "corrected", "rejected", "unreachable")
COUNTED_VERDICTS: tuple[str, ...] = ("confirmed", "corrected")
READ_VERDICT_LABELS = {
    "confirmed": "Confirmed by a second reader",
    "corrected": "Corrected by a second reader",
    "rejected": "Rejected by a second reader",
    "unreachable": "Source unreachable for the second reader",
    None: "Not yet read by a second person",
}

# --- named types -----------------------------------------------------------------------------


def _whole_number_text(value):
    """Cells are text: a whole number is written as digits ('1', not '1.0' or '1e0'), so a typo cannot pass."""
    if isinstance(value, str) and not re.fullmatch(r"\s*[+-]?\d+\s*", value):
        raise ValueError("not a whole number")
    return value


WholeNumber = BeforeValidator(_whole_number_text)

_DATE_RE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
_LIST_RE = r"^[^;]+(;[^;]+)*$"

NonEmptyStr = Annotated[str, Field(min_length=1, description="a non-empty text")]
"""Text that must not be empty."""
Iso3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="an ISO 3166-1 alpha-3 code such as NOR")]
"""ISO 3166-1 alpha-3 country code (existence is checked against pycountry in data.py)."""
Iso3List = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}(;[A-Z]{3})*$", description="ISO 3166-1 alpha-3 codes separated by ';'"),
]
"""One or more ISO3 codes separated by ';'."""
CycleNumber = Annotated[int, WholeNumber, Field(ge=1, le=99, description="a cycle number such as 1 (one of cycles.csv)")]
"""A UPR cycle: 1 (2010), 2 (2015), ... The cycles that exist are the rows of cycles.csv."""
PartialDate = Annotated[
    str, Field(pattern=_DATE_RE, description="a date YYYY-MM-DD, or YYYY-MM or YYYY when no more is known")
]
"""ISO date, possibly partial (YYYY or YYYY-MM)."""
FullDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="a date YYYY-MM-DD")]
"""ISO date with day."""
SourceIds = Annotated[
    str, Field(pattern=_LIST_RE, description="one or more source ids separated by ';'")
]
"""One or more source ids (checked against sources.csv)."""
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="a lower-case slug like death-penalty")]
"""Lower-case identifier with hyphens."""
SlugList = Annotated[
    str,
    Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*(;[a-z0-9]+(-[a-z0-9]+)*)*$", description="slugs separated by ';'"),
]
"""One or more slugs separated by ';'."""
Count = Annotated[int, WholeNumber, Field(ge=0, le=1_000_000, description="a whole number of 0 or more")]
"""A published count."""
# the vocabularies above, as the types the row models check (each list written once)
Response = Literal[RESPONSES]
StatusValue = Literal[STATUSES]
IssuerType = Literal[ISSUER_TYPES]
Addressee = Literal[ADDRESSEES]
IccPosition = Literal[ICC_POSITIONS]
MetValue = Literal[tuple(MET_VALUES)]
AmountQualifier = Literal[AMOUNT_QUALIFIERS]
PledgeKind = Literal[PLEDGE_KINDS]
TallyScope = Literal[TALLY_SCOPES]
SearchResult = Literal[SEARCH_RESULTS]
ReadVerdict = Literal[READ_VERDICTS]


class Record(BaseModel):
    """Base of every row model: unknown fields are an error, text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class ReadTwice(Record):
    """The columns of a fact that a second person reads against its source before it counts: where in the source
    the fact is said, who wrote the row, and the second reading (who, when, verdict, why). Rules across these
    columns (a verdict needs its reader and date; nobody reads their own row) are checked in compliance.data."""

    #: where in the source the fact is said (paragraph, page, section): required of every row that may count
    locator: str | None = None
    recorded_by: NonEmptyStr
    read_by: str | None = None
    read_date: FullDate | None = None
    read_verdict: ReadVerdict | None = None
    read_note: str | None = None


class AskKind(Record):
    """One kind of ask and what counts as implemented, partial and unfulfilled for it: the one implementation
    standard every recommendation and demand is judged by (its words are shown on the methodology page)."""

    ask_kind: Slug
    label: NonEmptyStr
    implemented: NonEmptyStr
    partial: NonEmptyStr
    unfulfilled: NonEmptyStr
    signal_words: Annotated[str, Field(pattern=_LIST_RE, description="words that open an ask of this kind, separated by ';'")] | None = None
    source_ids: SourceIds | None = None


class DatasetInfo(Record):
    """The one row that says what the dataset is about: its state under review, declared once in the data."""

    state_under_review_iso3: Iso3
    title: NonEmptyStr
    source_ids: SourceIds
    note: str | None = None


class Source(Record):
    source_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", description="a short id like S01")]
    producer: NonEmptyStr
    title: NonEmptyStr
    url: Annotated[str, Field(pattern=r"^https?://\S+$", description="an http(s) address")]
    published_date: PartialDate | None = None
    accessed_date: FullDate
    citation: NonEmptyStr
    note: str | None = None


class Theme(Record):
    theme_slug: Slug
    label: NonEmptyStr
    description: NonEmptyStr


class ThemeMapping(Record):
    uprinfo_issue: NonEmptyStr
    theme_slug: Slug | None = None


class ThemeKeyword(Record):
    keyword: NonEmptyStr
    theme_slug: Slug


class Cycle(Record):
    cycle: CycleNumber
    review_year: Annotated[int, WholeNumber, Field(ge=2008, le=2100, description="a year")]
    wg_session: Annotated[int, WholeNumber, Field(ge=1, le=999, description="a session number")] | None = None
    review_date: PartialDate | None = None
    hrc_adoption_date: PartialDate | None = None
    report_symbol: str | None = None
    total_recommendations: Count | None = None
    supported: Count | None = None
    partially_supported: Count | None = None
    supported_implemented: Count | None = None
    noted: Count | None = None
    source_ids: SourceIds
    note: str | None = None


class Recommendation(Record):
    recommendation_id: Annotated[str, Field(pattern=r"^C\d+-[A-Za-z0-9.]+(-\d+)?$", description="an id like C1-98.16 or C2-NOR-1")]
    cycle: CycleNumber
    paragraph: Annotated[str, Field(pattern=r"^\d+\.\d+$", description="a paragraph number like 98.16")] | None = None
    summary: NonEmptyStr
    themes: SlugList | None = None
    response: Response
    recurrence_id: Slug | None = None
    source_ids: SourceIds
    note: str | None = None
    ask_kind: Slug | None = None
    judgement: str | None = None


class RecommendingState(Record):
    recommendation_id: NonEmptyStr
    state_iso3: Iso3
    response: Response | None = None
    action_category: Annotated[int, WholeNumber, Field(ge=1, le=5, description="UPR Info action category 1-5")] | None = None
    text_key: Annotated[str, Field(pattern=r"^[0-9a-f]{12}$", description="12 hex digits (see compliance.importer.text_key)")] | None = None
    source_ids: SourceIds


class Recurrence(Record):
    recurrence_id: Slug
    label: NonEmptyStr


class _DemandFields(Record):
    demand_id: Annotated[str, Field(pattern=r"^D\d{3,}$", description="an id like D001")]
    issued_date: PartialDate | None = None
    issuer: NonEmptyStr
    issuer_type: IssuerType
    addressee: Addressee
    addressee_iso3: Iso3List | None = None
    addressee_detail: str | None = None
    summary: NonEmptyStr
    themes: SlugList
    recurrence_id: Slug | None = None
    source_ids: SourceIds
    note: str | None = None
    ask_kind: Slug | None = None
    judgement: str | None = None


class Demand(ReadTwice, _DemandFields):
    """A demand by civil society or a government outside the UPR (an item, scored like a recommendation)."""


class Criterion(Record):
    criterion_id: Slug
    description: NonEmptyStr


class ContestedCriterion(Record):
    """Credible sources disagree on the fact a criterion rests on (official against independent figures, say): from
    `contested_since` the criterion never counts as met, and both sides are shown with their observations."""

    criterion_id: Slug
    contested_since: PartialDate
    note: NonEmptyStr


class ItemCriterion(Record):
    item_id: NonEmptyStr
    criterion_id: Slug
    weight: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False, description="a positive weight of at most 100")] = 1.0


class _ObservationFields(Record):
    observation_id: Annotated[str, Field(pattern=r"^O\d+$", description="an id like O001")]
    criterion_id: Slug
    observed_date: PartialDate
    met: MetValue
    source_ids: SourceIds
    note: str | None = None


class Observation(ReadTwice, _ObservationFields):
    """Dated, sourced evidence of whether a criterion was met, read twice before it counts."""



class _AssessmentFields(Record):
    assessment_id: Annotated[str, Field(pattern=r"^A\d+$", description="an id like A001")]
    item_id: NonEmptyStr
    assessor: NonEmptyStr
    assessed_date: PartialDate
    status: StatusValue
    rationale: NonEmptyStr
    source_ids: SourceIds


class Assessment(ReadTwice, _AssessmentFields):
    """A named assessor's judgement of an item, read twice before it stands."""



class _EvidenceSearchFields(Record):
    search_id: Annotated[str, Field(pattern=r"^ES\d+$", description="an id like ES001")]
    item_id: NonEmptyStr
    searched_date: FullDate
    searched_for: NonEmptyStr
    result: SearchResult
    note: NonEmptyStr
    source_ids: SourceIds | None = None


class EvidenceSearch(ReadTwice, _EvidenceSearchFields):
    """A documented search for evidence about an item: what was looked for, when, and what came of it. Lets the
    dashboard tell "nobody has looked" from "looked, and nothing public was found"."""


class Tally(Record):
    tally_id: Annotated[str, Field(pattern=r"^T\d+$", description="an id like T001")]
    cycle: CycleNumber
    assessor: NonEmptyStr
    report_title: NonEmptyStr
    published_date: PartialDate | None = None
    scope: TallyScope
    total: Count | None = None
    implemented: Count | None = None
    partial: Count | None = None
    unfulfilled: Count | None = None
    not_assessed: Count | None = None
    source_ids: SourceIds
    note: str | None = None


class _IccEventFields(Record):
    event_id: Annotated[str, Field(pattern=r"^I\d+$", description="an id like I001")]
    event_date: PartialDate | None = None
    actor: NonEmptyStr
    actor_iso3: Iso3 | None = None
    position: IccPosition
    summary: NonEmptyStr
    source_ids: SourceIds
    note: str | None = None


class IccEvent(ReadTwice, _IccEventFields):
    """A state's position on the ICC referral, a call to join or a step of the Court, read twice before it counts."""



class ExchangeRate(Record):
    """A yearly average rate: units of `currency` per 1 euro, from a cited official table."""

    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="an ISO 4217 currency code such as NOK")]
    year: Annotated[int, WholeNumber, Field(ge=1999, le=2100, description="a year from 1999 (the euro's first)")]
    rate_per_eur: Annotated[float, Field(gt=0, lt=1e6, allow_inf_nan=False, description="a positive rate (units per euro)")]
    source_ids: SourceIds
    note: str | None = None


class _PledgeFields(Record):
    pledge_id: Annotated[str, Field(pattern=r"^P\d+$", description="an id like P001")]
    donor: NonEmptyStr
    donor_iso3: Iso3 | None = None
    recipient: NonEmptyStr
    amount: Annotated[float, Field(gt=0, lt=1e13, allow_inf_nan=False, description="a positive number below 10 trillion")] | None = None
    amount_qualifier: AmountQualifier | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="an ISO 4217 currency code such as EUR")] | None = None
    pledged_date: PartialDate | None = None
    purpose: NonEmptyStr
    accountability: Literal["yes", "no"]  # does it fund accountability work
    kind: PledgeKind
    source_ids: SourceIds
    note: str | None = None


class Pledge(ReadTwice, _PledgeFields):
    """Money pledged (or paid out) by a donor, read twice before it counts."""

