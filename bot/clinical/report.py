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
    Reporter,
    SymptomCode,
    SymptomMention,
    TeamThresholds,
)
from bot.clinical.symptoms import not_the_patients_now, one_per_code, parse_symptoms
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
    team: TeamThresholds | None = None
    unclear: bool = False  # vague words about how someone is, nothing recordable: ask
    # "still 38.1", "it's still up": a raised reading the texter says has stayed raised
    still_raised: bool = False

    @property
    def has_clinical_content(self) -> bool:
        return bool(
            self.readings
            or self.symptoms
            or self.fever_reducers
            or self.rejected
            or self.caregiver_concern
            or self.team is not None
        )


def parse_report(
    text: str, now: datetime, local_tz: tzinfo, texter: Reporter | None = None
) -> ParsedReport:
    """Everything `text` reports about the patient. `texter`: who sent it (see
    `parse_symptoms`); readings of someone else, or from an earlier cycle's story, are left
    out ("my son's got 101, mine's 98.1", "back in March I was 38.9")."""
    quoted = team_thresholds(text)
    temperatures = [
        reading
        for reading in _without_quoted(parse_temperatures(text, now, local_tz), quoted)
        if not _not_the_patients_now(text, reading, texter)
    ]
    warmed = _just_after_warming(text)
    if warmed:
        temperatures = [replace(t, after_warming=True) for t in temperatures]
    found = parse_symptoms(text, now, local_tz, texter)
    symptoms = found.symptoms
    if warmed:
        # "hot and sweaty" straight after the gym or a bath is the warming, not chills
        symptoms = tuple(s for s in symptoms if not _SWEAT_RE.fullmatch(s.raw))
    above = [celsius for celsius, is_upper in quoted if is_upper]
    below = [celsius for celsius, is_upper in quoted if not is_upper]
    return ParsedReport(
        team=TeamThresholds(
            at_or_above_c=min(above) if above else None, below_c=max(below) if below else None
        )
        if quoted
        else None,
        readings=tuple(t for t in temperatures if t.is_valid),
        rejected=tuple(t for t in temperatures if not t.is_valid),
        symptoms=symptoms,
        fever_reducers=found.fever_reducers,
        says_no_symptoms=found.says_no_symptoms,
        caregiver_concern=found.caregiver_concern,
        unclear=found.unclear,
        still_raised=_STILL_RAISED_RE.search(text[:2000]) is not None,
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
# 38 or above": a number the team gave, not a reading ("should I ring at 37.6?" is a reading)
_INSTRUCTION_RE = re.compile(
    r"(?:\b(?:card|book|booklet|sheet|leaflet|instructions?|nurse|team|hospital|onc\w*|doctor|dr"
    r"|chart|letter|they|he|she|ha?ematology|ward|unit|hotline|triage|consultant)\s+"
    r"(?:\w+\s+){0,3}?(?:says?|said|told|tells|gave)\b|\b(?:card|sheet|booklet)\s*[:=]"
    # a hospital by its name ("the christie said anything over 37.5"), when a rule follows
    r"|\bthe\s+\w+(?:\s+\w+)?\s+(?:says?|said|told\s+(?:us|me|him|her|them)|tells\s+(?:us|me))\s+"
    r"(?=anything\s+(?:over"
    r"|above)|any\s+(?:temp|reading)|to\s+(?:ring|call|phone)|(?:ring|call|phone|go\s+in)\s+"
    r"(?:if|at|when|over|above)))"
    # a lookahead, so that a second instruction inside this one's reach is found too
    r"(?=(?P<rest>(?:[^.?!\n]|\.(?=\d)){0,80}))",
    re.IGNORECASE,
)
_QUOTED_NUMBER_RE = re.compile(
    r"(?P<below>\b(?:under|below|less\s+than|lower\s+than)\s+)?(?<![\d.])(?P<number>\d{2,3}"
    r"(?:[.,]\d)?)(?![\d])",
    re.IGNORECASE,
)


_NORMAL_RE = re.compile(r"\bnormal\b", re.IGNORECASE)
_ELSEWHERE_RE = re.compile(
    r"[,;]\s*(?:and\s+|but\s+|so\s+)?(?:now|today|tonight|i'm|im|i've|ive|i\s+am|she's|shes|he's"
    r"|hes|it's|its\s+(?:now|at|reading|showing)|my|her|his)\b",
    re.IGNORECASE,
)
# "... and go straight in if it's 38.3": a second number the instruction gives
_CONDITION_RE = re.compile(
    r"\bif\s+(?:it's|its|it\s+is|you're|your\s+temp\s+is|over|above|at|it\s+reaches|it\s+hits)"
    r"\s*$",
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
        # the instruction ends at a comma that starts something else ("..., and now I've got 38.1")
        rest = _ELSEWHERE_RE.split(instruction.group("rest"), maxsplit=1)[0]
        previous_end: int | None = None
        for match in _QUOTED_NUMBER_RE.finditer(rest):
            # the first number, and others joined to it ("under 36 or over 37.5"); not the
            # reading that follows ("ring at 37.5 and I'm 37.8")
            between = rest[previous_end : match.start()] if previous_end is not None else ""
            if previous_end is not None and not (
                _JOINED_RE.fullmatch(between) or _CONDITION_RE.search(between)
            ):
                break
            previous_end = match.end()
            value = float(match.group("number").replace(",", "."))
            unit = plausible_unit(value)
            if unit is None or _NORMAL_RE.search(rest[: match.start()]):
                continue  # "normal is 36 to 37.2" describes normal, not when to call
            celsius, upper = to_celsius(value, unit), match.group("below") is None
            # a call threshold is above normal, a low one below it
            if (upper and 37.0 <= celsius <= 39.5) or (not upper and 34.0 <= celsius <= 36.5):
                quoted.append((celsius, upper))
    return quoted


def _without_quoted(
    temperatures: list[ParsedTemperature], quoted: list[tuple[float, bool]]
) -> list[ParsedTemperature]:
    """The readings less the one each quoted threshold became (the first with its value, and
    any held-for-a-while twin with the same words: "ring if 38 for an hour")."""
    kept = list(temperatures)
    for celsius, _ in quoted:
        same = next((t for t in kept if t.celsius is not None and t.celsius == celsius), None)
        if same is not None:
            # the reading and its twin held for a while: same words, different times
            kept = [
                t
                for t in kept
                if t is not same
                and not (
                    t.raw == same.raw
                    and t.value == same.value
                    and t.measured_at != same.measured_at
                )
            ]
    return kept


def _not_the_patients_now(text: str, reading: ParsedTemperature, texter: Reporter | None) -> bool:
    start = _position_of(text, reading)
    return start is not None and not_the_patients_now(text, start, texter)


def _position_of(text: str, reading: ParsedTemperature) -> int | None:
    """Where the reading's number is written (the raw fragment holds it as typed)."""
    number = re.search(r"\d+(?:[.,]\d+)?", reading.raw)
    if number is None:
        return None
    found = text.find(number.group(0))
    return found if found >= 0 else None


_STILL_RAISED_RE = re.compile(
    r"\bstill\s+(?:(?:at|on|about|around|reading|showing|says|is|up|high|been)\s+){0,2}"
    r"(?:\d{2,3}(?:[.,]\d)?|up|high|raised|hot)\b|\bnot\s+(?:come|coming|gone|going)\s+down\b",
    re.IGNORECASE,
)

# §4: a hot drink, food, exercise or a hot bath raises an oral reading for 15-30 minutes
_WARMING = (
    r"(?:hot |warm )?(?:drink|tea|cuppa|cup of tea|coffee|brew|soup|hot chocolate|cocoa|meal"
    r"|dinner|lunch|breakfast|bath|shower|gym|run|walk|workout|exercise|jog|sauna|hot water"
    r" bottle)"
)
_JUST_AFTER_WARMING_RE = re.compile(
    r"\b(?:(?:just|only just|literally just|straight|right|immediately|directly|minutes)"
    r"\s+(?:\w+\s+){0,4}?(?:after|had|finished|drunk|drank|out of|got out of|come in from"
    r"|came in from|back from|in from|been)\b[^.?!\n]{0,30}?"
    + _WARMING
    + r"|"
    + _WARMING
    + r"\b[^.?!\n]{0,40}?\b(?:(?:[1-9]|[12][0-9]|30)\s*(?:mins?|minutes)"
    r"\s+ago|just now|straight after|right after|then (?:checked|took|did))"
    r"|\b(?:[1-9]|[12][0-9]|30|a few|a couple of)\s*(?:mins?|minutes)\s+after\s+(?:my |a |the "
    r"|his |her )?"
    + _WARMING
    + r"|(?:had|after|drank|drinking|finished)\s+(?:a |my |his |her |some )?"
    + _WARMING
    + r"\b[^.?!\n]{0,20}?\bthen\s+(?:checked|took|did)"
    # "after a hot bath it said 100.9": the reading that came straight after it
    + r"|(?<!hour\s)(?<!hours\s)(?<!hrs\s)(?<!hr\s)\bafter\s+(?:a |my |his |her |the )?"
    r"(?:big |long |nice |quick )?"
    + _WARMING
    + r"\b[^.?!\n,]{0,12}?\b(?:it|temp|thermometer|reading)\s+(?:said|says|was|read|showed))",
    re.IGNORECASE,
)


_SWEAT_RE = re.compile(r"(?:hot and |all )?sweat(?:y|ing|s)", re.IGNORECASE)


def _just_after_warming(text: str) -> bool:
    return _JUST_AFTER_WARMING_RE.search(text[:2000]) is not None
