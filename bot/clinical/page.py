"""The words of a care-team page and of the escalation notices patients receive (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.clinical.model import (
    AncResult,
    Clinic,
    Disposition,
    FiredRule,
    Reading,
    Reporter,
    SymptomCode,
    SymptomEvent,
)
from bot.clinical.profiles import RuleProfile, celsius_to_fahrenheit, clinical_celsius

# The SMS budget Nadir keeps to (two segments' worth): past it, fewer readings and symptoms
# are listed rather than the page being cut.
PAGE_MAX_CHARS = 320
# Rules met by a fever or a 38.0-38.2 C reading: the readings at or above sustained_fever_c.
_FEVER_RULES = frozenset({"R2", "R3", "R4", "R5", "R6"})
# Rules met by a low-grade temperature (with symptoms, a fever reducer, or the UK profile).
_LOW_GRADE_RULES = frozenset({"R8", "R10"})


@dataclass(frozen=True)
class PageFacts:
    """Everything a page may say: the criteria and the numbers, nothing more of the patient's health."""

    code: str
    disposition: Disposition
    patient_name: str
    callback_phone: str  # who to call back: the patient, or the caregiver who reported
    reporter: Reporter
    fired: tuple[FiredRule, ...]
    criteria_readings: tuple[Reading, ...]  # the readings that met the criteria, oldest first
    latest_reading: Reading | None
    symptoms: tuple[SymptomEvent, ...]  # only symptoms that are criteria; oldest first
    last_chemo: date | None
    anc: AncResult | None  # the count the rules judged neutropenia by, not simply the newest


def readings_that_met(
    readings: Sequence[Reading], fired: Sequence[FiredRule], profile: RuleProfile
) -> tuple[Reading, ...]:
    """The readings in the rules' view that met a fired rule's temperature criterion, by the
    same profile thresholds the rules use, oldest first.

    The rules do not say which readings they used, so this takes every reading in the band each
    fired rule looks at: a later normal reading must never push the fever off the page.
    """
    rules = {rule.rule for rule in fired}
    fever = bool(rules & _FEVER_RULES) or any(
        rule.rule == "R11" and "fever" in rule.reason for rule in fired
    )

    # a raised reading just after a hot drink is no evidence of fever on its own (R0)
    readings = [
        r
        for r in readings
        if not (r.after_warming and clinical_celsius(r.celsius) < profile.warming_discount_below_c)
    ]

    def between(low: float | None, high: float | None) -> list[Reading]:
        return [
            r
            for r in readings
            if (low is None or clinical_celsius(r.celsius) >= low)
            and (high is None or clinical_celsius(r.celsius) < high)
        ]

    low_grade = min(t for t in (profile.low_grade_c, profile.escalate_low_grade_c) if t is not None)
    met: list[Reading] = []
    if fever:
        met += between(profile.sustained_fever_c, None)
    if rules & _LOW_GRADE_RULES:
        met += between(low_grade, None)
    # R8 and R7 may have used the team's own threshold, which the page is not told: the
    # highest (R8) or lowest (R7) reading is then the one that met it
    if "R8" in rules and readings and not between(low_grade, None):
        met.append(max(readings, key=lambda r: r.celsius))
    if "R7" in rules:
        met += between(None, profile.hypothermia_c) or (
            [min(readings, key=lambda r: r.celsius)] if readings else []
        )
    distinct = {id(r): r for r in met}.values()
    return tuple(sorted(distinct, key=lambda r: r.measured_at))


def clock_time(moment: datetime, tz: tzinfo) -> str:
    """'2:05pm' in the clinic's time zone: how every SMS shows a time."""
    return moment.astimezone(tz).strftime("%I:%M%p").lstrip("0").lower()


def _when(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """'2:05pm' today, 'Sun 11:40pm' on another day: a 24 h window spans two dates."""
    if moment.astimezone(tz).date() == now.astimezone(tz).date():
        return clock_time(moment, tz)
    return f"{moment.astimezone(tz):%a} {clock_time(moment, tz)}"


def _since(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """'since 8:00am' today, 'since Sun' before: an onset's day matters more than its minute."""
    if moment.astimezone(tz).date() == now.astimezone(tz).date():
        return f"since {clock_time(moment, tz)}"
    return f"since {moment.astimezone(tz):%a}"


def _age(hours: float) -> str:
    return f"{hours:.0f}h" if hours < 48 else f"{hours / 24:.0f}d"


def _spread(readings: tuple[Reading, ...], most: int) -> tuple[Reading, ...]:
    """At most `most` readings: the first and last show how long it has lasted, the one
    furthest from normal how bad it is."""
    if len(readings) <= most:
        return readings
    first, last = readings[0], readings[-1]
    extreme = max(readings, key=lambda r: abs(r.celsius - 37.0))
    chosen = {id(r): r for r in (extreme, last, first)[:most]}
    return tuple(sorted(chosen.values(), key=lambda r: r.measured_at))


def _temperature(reading: Reading, now: datetime, tz: tzinfo) -> str:
    return (
        f"{reading.celsius:.1f}C/{celsius_to_fahrenheit(reading.celsius):.1f}F "
        f"{_when(reading.measured_at, now, tz)}"
    )


def _symptom_words(symptoms: tuple[SymptomEvent, ...], now: datetime, tz: tzinfo) -> list[str]:
    """One entry per symptom, newest first: since when, if the report said, else when reported."""
    latest: dict[SymptomCode, SymptomEvent] = {}
    onsets: dict[SymptomCode, list[datetime]] = {}
    for symptom in symptoms:
        latest[symptom.code] = symptom
        if symptom.onset_at is not None:
            onsets.setdefault(symptom.code, []).append(symptom.onset_at)
    words = []
    for code, symptom in sorted(latest.items(), key=lambda item: item[1].occurred_at, reverse=True):
        # reported again later, it began when it was first said to begin
        onset = min(onsets[code]) if code in onsets else None
        when = _since(onset, now, tz) if onset else _when(symptom.occurred_at, now, tz)
        words.append(f"{code.value.replace('_', ' ')} {when}")
    return words


def care_team_page(facts: PageFacts, now: datetime, tz: tzinfo, *, update: bool = False) -> str:
    """The page (an "UPDATE" to an open episode's), within PAGE_MAX_CHARS: with many readings
    or symptoms, fewer are listed (only an extremely long name could still push the shortest
    form past it)."""
    heading = "UPDATE " if update else ""
    for most_readings, most_symptoms in ((3, 5), (3, 3), (2, 3), (2, 2), (1, 2), (1, 1)):
        page = heading + _page(facts, now, tz, most_readings, most_symptoms)
        if len(page) <= PAGE_MAX_CHARS:
            break
    return page


def _page(
    facts: PageFacts, now: datetime, tz: tzinfo, most_readings: int, most_symptoms: int
) -> str:
    urgency = "EMERGENCY" if facts.disposition is Disposition.EMERGENCY else "URGENT"
    rules = ", ".join(dict.fromkeys(rule.rule for rule in facts.fired)) or "-"
    chemo = (
        f"chemo {(now.astimezone(tz).date() - facts.last_chemo).days}d ago"
        if facts.last_chemo
        else "chemo date unknown"
    )
    if facts.anc is not None:
        hours = (now - facts.anc.measured_at).total_seconds() / 3600
        anc = f"ANC {facts.anc.value:g} ({_age(hours)} old)"
    else:
        anc = "ANC unknown"
    who = "caregiver" if facts.reporter is Reporter.CAREGIVER else "patient"
    parts = [
        f"NADIR {urgency} {facts.code}: {facts.patient_name}",
        f"Met: {rules} {_criteria(facts.fired)}".strip(),
    ]
    shown = _spread(facts.criteria_readings, most_readings)
    if shown:
        parts.append("Temp " + "; ".join(_temperature(r, now, tz) for r in shown))
    latest = facts.latest_reading
    if latest is not None and (not shown or latest.measured_at > shown[-1].measured_at):
        parts.append(f"Latest{'' if shown else ' temp'} {_temperature(latest, now, tz)}")
    if facts.symptoms:
        parts.append("Sx " + ", ".join(_symptom_words(facts.symptoms, now, tz)[:most_symptoms]))
    parts += [chemo, anc, f"Call {who} {facts.callback_phone}", f"Reply ACK {facts.code}"]
    return ". ".join(parts) + "."


def _criteria(fired: tuple[FiredRule, ...]) -> str:
    labels = {
        "R1": "red flag",
        "R2": "fever, presumed neutropenic",
        "R3": "38.0-38.2C with ANC<0.5",
        "R4": "fever, recent ANC>=1.0",
        "R7": "low temp and unwell",
        "R8": "low-grade temp and unwell",
        "R9": "infection symptoms",
        "R10": "fever reducer taken",
        "R11": "not on chemo",
        "R12": "caregiver concern",
    }
    words = [labels[r.rule] for r in fired if r.rule in labels]
    return "(" + "; ".join(dict.fromkeys(words)) + ")" if words else ""


def acknowledged_notice(member_name: str, clinic: Clinic) -> str:
    first = member_name.split()[0] if member_name.strip() else "Someone"
    return (
        f"{first} from your care team has your message and will call you soon at this number. "
        f"If you get worse, or nobody calls within 15 minutes, call {clinic.phone_24h} or go to "
        "the emergency department."
    )


def no_answer_notice(clinic: Clinic) -> str:
    return (
        "We have not been able to reach your care team yet. Please go to the nearest emergency "
        f"department now, or call {clinic.emergency_number}. Tell them you are on chemotherapy. "
        f"We will keep trying the team at {clinic.phone_24h}."
    )


def recheck_reminder(clinic: Clinic) -> str:
    return (
        "Time to check the temperature again (same thermometer, no food or drink for 15 min "
        f"before). Text me the number. If you feel worse, call {clinic.phone_24h} now."
    )


def second_recheck_reminder(clinic: Clinic) -> str:
    return (
        "I haven't had a new temperature since my reminder. Please check it now and text me the "
        f"number. If you can't, or you feel worse, call {clinic.phone_24h} now."
    )


def team_will_call_after_silence(clinic: Clinic) -> str:
    return (
        "I haven't had a new temperature, so I've asked your care team to call you. If you feel "
        f"worse, or can't wait, call {clinic.phone_24h} now; if nobody answers, go to the "
        "emergency department and say you are on chemotherapy."
    )
