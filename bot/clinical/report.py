"""What one message reports, read in full whatever question it answers (pure).

Every message, the first of a report or the reply to a follow-up question (the numbered
checklist, "how many times?"), goes through the same parsers. A follow-up adds what its
numbers mean on top of that and never throws the rest away: "3 and I can hardly breathe"
keeps the red-flag breathlessness, and "1 and 12, temp now 38.9" keeps the reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from bot.clinical.model import (
    FeverReducerMention,
    ParsedTemperature,
    SymptomCode,
    SymptomMention,
)
from bot.clinical.symptoms import one_per_code, parse_symptoms
from bot.clinical.temperature import parse_temperatures, plausible_unit, to_celsius


@dataclass(frozen=True)
class ParsedReport:
    readings: tuple[ParsedTemperature, ...]
    rejected: tuple[ParsedTemperature, ...]  # implausible or ambiguous: ask to check
    symptoms: tuple[SymptomMention, ...]
    fever_reducers: tuple[FeverReducerMention, ...]
    says_no_symptoms: bool
    caregiver_concern: bool
    # the temperature the patient's own team says to call at, when the text quotes it ("my
    # card says ring at 37.5"): the team's threshold wins (clinical-anchors, purpose)
    team_threshold_c: float | None = None

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
    quoted = team_thresholds(text)
    temperatures = _without_quoted(parse_temperatures(text, now, local_tz), quoted)
    found = parse_symptoms(text, now, local_tz)
    calling = [celsius for celsius, is_upper in quoted if is_upper]
    return ParsedReport(
        team_threshold_c=min(calling) if calling else None,
        readings=tuple(t for t in temperatures if t.is_valid),
        rejected=tuple(t for t in temperatures if not t.is_valid),
        symptoms=found.symptoms,
        fever_reducers=found.fever_reducers,
        says_no_symptoms=found.says_no_symptoms,
        caregiver_concern=found.caregiver_concern,
    )


def with_symptoms(report: ParsedReport, added: tuple[SymptomMention, ...]) -> ParsedReport:
    """`report` with `added` merged in, one mention per symptom in its most severe form."""
    symptoms = one_per_code((*report.symptoms, *added))
    return replace(
        report, symptoms=symptoms, says_no_symptoms=report.says_no_symptoms and not symptoms
    )


def checklist_mentions(
    codes: tuple[SymptomCode, ...], text: str, now: datetime
) -> tuple[SymptomMention, ...]:
    """The symptoms chosen by number from the checklist, as mentions of their own."""
    return tuple(
        SymptomMention(code=code, raw=f"checklist: {text[:40]}", occurred_at=now) for code in codes
    )


# "my card says ring at 37.5", "nurse told us to call if she goes over 38", "the leaflet says
# 38 or above": a number the team gave, not a reading
_INSTRUCTION_RE = re.compile(
    r"(?:(?:card|book|booklet|sheet|leaflet|instructions?|nurse|team|hospital|onc\w*|doctor|dr"
    r"|chart|letter|they|he|she)\s+(?:\w+\s+){0,2}?(?:says?|said|told|tells|gave)\b"
    r"|\b(?:call|ring|phone|contact|go\s+in|come\s+in)\s+(?:\w+\s+){0,3}?"
    r"(?:at|if|over|above|when|from))"
    r"(?P<rest>(?:[^.?!\n]|\.(?=\d)){0,50})",
    re.IGNORECASE,
)
_QUOTED_NUMBER_RE = re.compile(
    r"(?P<below>\b(?:under|below|less\s+than|lower\s+than)\s+)?(?<![\d.])(?P<number>\d{2,3}"
    r"(?:[.,]\d)?)(?![\d])",
    re.IGNORECASE,
)


_JOINED_RE = re.compile(
    r"\s*(?:c|f|°c|°f|degrees)?\s*(?:or|to|-|and)\s+(?:over|above|under|below|more than|less than)?\s*",
    re.IGNORECASE,
)


def team_thresholds(text: str) -> list[tuple[float, bool]]:
    """Temperatures the text quotes from the team's instructions, in Celsius, each with
    whether it is an upper threshold ("over 37.5") rather than a lower one ("under 36")."""
    quoted: list[tuple[float, bool]] = []
    for instruction in _INSTRUCTION_RE.finditer(text[:2000]):
        rest = instruction.group("rest")
        previous_end: int | None = None
        for match in _QUOTED_NUMBER_RE.finditer(rest):
            # the first number, and others joined to it ("under 36 or over 37.5"); not the
            # reading that follows ("ring at 37.5 and I'm 37.8")
            if previous_end is not None and not _JOINED_RE.fullmatch(
                rest[previous_end : match.start()]
            ):
                break
            previous_end = match.end()
            value = float(match.group("number").replace(",", "."))
            unit = plausible_unit(value)
            if unit is not None:
                quoted.append((to_celsius(value, unit), match.group("below") is None))
    return quoted


def _without_quoted(
    temperatures: list[ParsedTemperature], quoted: list[tuple[float, bool]]
) -> list[ParsedTemperature]:
    """The readings less one for each quoted threshold, the first with the same value."""
    kept = list(temperatures)
    for celsius, _ in quoted:
        same = next((t for t in kept if t.celsius is not None and t.celsius == celsius), None)
        if same is not None:
            kept.remove(same)
    return kept
