"""Time: the one rule for when a thing is part of the record, and the one "as of" cutoff.

The rule (stated on the methodology page, `EXISTENCE_RULE`):
- A recommendation exists from its cycle's review in the Working Group; a demand from the day it was made; a
  published tally from its publication; a pledge from the day it was made; an ICC event from the day it happened;
  an observation or an assessment from its own date.
- A partial date counts from the END of its period (`2015` -> 31 December 2015, `2017-10` -> 31 October 2017):
  we never show something as known earlier than the source lets us.
- An undated row counts from the earliest date one of its sources shows: the source's publication date, or the day
  the project read it when the source shows none. So it is part of today's picture, and of a past one only as far
  back as a source can prove it.
Before that moment a thing is absent from every count, chart, table, download and command.

Which date column times each table is declared once, in compliance.schema (`TableSpec.exists_from`).
"""

from __future__ import annotations

import pandas as pd

EXISTENCE_RULE = (
    "Nothing appears before its own date. A recommendation exists from its cycle's review in the Working Group; a "
    "demand from the day it was made; a published tally from its publication; a pledge from the day it was pledged; "
    "an ICC event from the day it happened; evidence and assessments from their own dates. A date given only as a "
    "month or a year counts from the end of that month or year. An undated row counts from the earliest date one of "
    "its sources shows (its publication date, or else the day the project read it), so it belongs to today's picture "
    "and to a past one only as far back as a source can prove it."
)

#: the derived column every timed table gets when it is loaded
KNOWN_FROM = "known_from"


def cutoff(as_of=None) -> pd.Timestamp:
    """The one "as of" cutoff: the given date (a whole day), or today when none is given."""
    return pd.Timestamp(as_of).normalize() if as_of is not None else pd.Timestamp.today().normalize()


def source_dates(sources: pd.DataFrame) -> pd.Series:
    """Per source id, the earliest date it shows a thing existed: its publication (end of a partial period), else the
    day the project read it."""
    shown = sources["published_date_end"].fillna(sources["accessed_date_end"])
    return pd.Series(shown.to_numpy(), index=sources["source_id"].to_numpy())


def known_from(dates_end: pd.Series, source_ids: pd.Series, by_source: pd.Series) -> pd.Series:
    """When each row becomes part of the record: its own date (end of a partial period), else the earliest date
    one of its sources shows."""
    out = pd.to_datetime(dates_end)
    missing = out.isna()
    if missing.any():
        ids = source_ids[missing].fillna("").astype(str).str.split(";")
        fallback = ids.map(lambda xs: min((by_source.get(x.strip()) for x in xs if x.strip() in by_source.index),
                                          default=pd.NaT))
        out = out.copy()
        out[missing] = pd.to_datetime(fallback)
    return out


def add_known_from(frames: dict[str, pd.DataFrame], tables) -> None:
    """Add `known_from` to every table the schema times (`TableSpec.exists_from`), in place."""
    by_source = source_dates(frames["sources.csv"])
    reviews = frames["cycles.csv"].set_index("cycle")
    for t in tables:
        if not t.exists_from:
            continue
        df = frames[t.name]
        if t.exists_from == "cycle":  # a recommendation: its cycle's review (the review's sources when undated)
            review = dict(zip(reviews.index, known_from(reviews["review_date_end"], reviews["source_ids"], by_source)))
            df[KNOWN_FROM] = pd.to_datetime(pd.Series([review.get(c, pd.NaT) for c in df["cycle"]], index=df.index,
                                                      dtype="datetime64[ns]"))
        else:
            df[KNOWN_FROM] = known_from(df[f"{t.exists_from}_end"], df["source_ids"], by_source)


def existing(df: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """The rows of a timed table that are part of the record by `as_of`."""
    return df[(df[KNOWN_FROM] <= cutoff(as_of)).to_numpy()]
