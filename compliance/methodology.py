"""The method in plain words, written once: the methodology page shows it, every briefing pack's README carries
it, the project README points to it, and the scoring and timeline modules implement it."""

from __future__ import annotations

import re

from .timeline import EXISTENCE_RULE

#: (heading, text) in Markdown; `plain_text()` gives the same for README.txt files.
RULES: tuple[tuple[str, str], ...] = (
    ("Criteria", "Each recommendation or demand that can be judged has criteria: testable statements of what must be "
                 "true for it to count as implemented (for example \"a moratorium on executions is in force\"). Each has "
                 "a weight (default 1). Criteria are shared, so the same evidence judges the same ask in every cycle."),
    ("Observations", "Dated, sourced evidence records whether a criterion was met: *yes*, *partly* or *no*."),
    ("Read twice", "Every fact (evidence, assessment, demand, ICC event, pledge, documented search) says where in its "
                   "source it is said, and is read against that source by someone who did not write it: the date and "
                   "the verdict (*confirmed*, *corrected*, *rejected*, *source unreachable*). Only confirmed or "
                   "corrected facts count; the others stay in the data with the reason and are shown apart."),
    ("One standard", "Every recommendation and demand has a kind of ask (ratify, legislate, create an institution, "
                     "consider, a policy, a right in practice, cooperate, end a practice, an act of another actor). "
                     "For each kind the standard (the table on the methodology page) says what counts as implemented, "
                     "partial and unfulfilled, and criteria are written to it, so two equally soft asks are judged "
                     "alike. Adopting a plan is never enough for *implemented* when a result in practice is asked; a "
                     "*consider* ask is met by a documented decision either way."),
    ("Contested facts", "Where credible sources disagree on the fact a criterion rests on (official against "
                        "independent figures), both are recorded and the criterion is contested from the day they "
                        "disagree: from then it counts at most as *partly* met, never as met, and the item shows both "
                        "sides with their sources."),
    ("Evidence score", "At a date, the weighted share of criteria met, using the latest observation of each criterion "
                       "up to that date. *Partly* counts half. A criterion nobody has observed yet counts as not met: "
                       "we never credit what no source shows. Score 1 means **implemented**; between 0 and 1, "
                       "**partial**; 0, **unfulfilled**; no observation at all, **not assessed**."),
    ("Assessments", "Where a named assessor published a judgement on the item, it stands; the evidence score is kept "
                    "beside it and the item is flagged where the two disagree."),
    ("Basis and sources", "Every status shows its basis (an assessment, the evidence, or none) and the sources behind "
                          "it. An item without a status says whether anyone looked: \"searched on DATE, no public "
                          "information found\" (a documented search) or \"not looked into yet\"."),
    ("Time", EXISTENCE_RULE),
    ("Aggregates", "Counts by status; the implementation rate is implemented ÷ assessed; the weighted score is "
                   "(implemented + half of partial) ÷ assessed. **Not assessed is never counted as unfulfilled**: it "
                   "is left out of both, because \"we do not know\" is not evidence of failure."),
    ("Published tallies", "An assessor's own aggregate figures for a cycle (for example the coalition's count for "
                          "cycle 3). Itemised data for whole cycles is mostly not available, so a published tally is "
                          "shown with its source beside the itemised coverage and never mixed with it."),
    ("Money", "Amounts keep their original currency. Where converted to euros, each pledge uses the cited yearly "
              "average rate of its year; a pledge without an amount or a rate is listed as not converted, never "
              "dropped; running totals and disbursements of money pledged earlier are never added to pledges."),
)


def markdown() -> str:
    """The rules as a numbered Markdown list (the methodology page)."""
    return "\n".join(f"{i}. **{head}.** {text}" for i, (head, text) in enumerate(RULES, start=1))


def plain_text(width: int = 100) -> list[str]:
    """The same rules as plain, wrapped text lines (README.txt of a briefing pack, the PDF brief)."""
    import textwrap

    lines = []
    for head, text in RULES:
        body = re.sub(r"\*\*?([^*]+)\*\*?", r"\1", text)
        lines.extend(textwrap.wrap(f"{head}: {body}", width=width, subsequent_indent="  "))
    return lines
