"""What one message reports, read in full whatever question it answers (pure).

Every message, the first of a report or the reply to a follow-up question (the numbered
checklist, "how many times?"), goes through the same parsers. A follow-up adds what its
numbers mean on top of that and never throws the rest away: "3 and I can hardly breathe"
keeps the red-flag breathlessness, and "1 and 12, temp now 38.9" keeps the reading.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from bot.clinical.model import (
    FeverReducerMention,
    ParsedTemperature,
    SymptomCode,
    SymptomMention,
)
from bot.clinical.symptoms import parse_symptoms
from bot.clinical.temperature import parse_temperatures


@dataclass(frozen=True)
class ParsedReport:
    readings: tuple[ParsedTemperature, ...]
    rejected: tuple[ParsedTemperature, ...]  # implausible or ambiguous: ask to check
    symptoms: tuple[SymptomMention, ...]
    fever_reducers: tuple[FeverReducerMention, ...]
    says_no_symptoms: bool
    caregiver_concern: bool

    @property
    def has_clinical_content(self) -> bool:
        return bool(
            self.readings
            or self.symptoms
            or self.fever_reducers
            or self.rejected
            or self.caregiver_concern
        )


def parse_report(text: str, now: datetime, local_tz: tzinfo) -> ParsedReport:
    temperatures = parse_temperatures(text, now, local_tz)
    found = parse_symptoms(text, now, local_tz)
    return ParsedReport(
        readings=tuple(t for t in temperatures if t.is_valid),
        rejected=tuple(t for t in temperatures if not t.is_valid),
        symptoms=found.symptoms,
        fever_reducers=found.fever_reducers,
        says_no_symptoms=found.says_no_symptoms,
        caregiver_concern=found.caregiver_concern,
    )


def with_symptoms(report: ParsedReport, added: tuple[SymptomMention, ...]) -> ParsedReport:
    """`report` with `added` merged in, one mention per symptom, keeping the most severe form:
    a red-flag wording wins, and the highest count given is kept."""
    merged: dict[SymptomCode, SymptomMention] = {}
    for mention in (*report.symptoms, *added):
        kept = merged.get(mention.code)
        merged[mention.code] = mention if kept is None else _more_severe(kept, mention)
    symptoms = tuple(merged.values())
    return replace(
        report, symptoms=symptoms, says_no_symptoms=report.says_no_symptoms and not symptoms
    )


def _more_severe(kept: SymptomMention, other: SymptomMention) -> SymptomMention:
    best = other if other.red_flag and not kept.red_flag else kept
    counts = [count for count in (kept.count, other.count) if count is not None]
    return replace(
        best,
        count=max(counts) if counts else None,
        red_flag=kept.red_flag or other.red_flag,
        occurred_at=max(kept.occurred_at, other.occurred_at),
    )


def checklist_mentions(
    codes: tuple[SymptomCode, ...], text: str, now: datetime
) -> tuple[SymptomMention, ...]:
    """The symptoms chosen by number from the checklist, as mentions of their own."""
    return tuple(
        SymptomMention(code=code, raw=f"checklist: {text[:40]}", occurred_at=now) for code in codes
    )
