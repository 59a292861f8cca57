"""The words of a care-team page and of the escalation notices patients receive (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.clinical.model import AncResult, Clinic, Disposition, FiredRule, Reading, Reporter
from bot.clinical.profiles import celsius_to_fahrenheit


@dataclass(frozen=True)
class PageFacts:
    """Everything a page may say: the criteria and the numbers, nothing more of the patient's health."""

    code: str
    disposition: Disposition
    patient_name: str
    callback_phone: str  # who to call back: the patient, or the caregiver who reported
    reporter: Reporter
    fired: tuple[FiredRule, ...]
    readings: tuple[Reading, ...]  # newest last
    symptom_words: tuple[str, ...]
    last_chemo: date | None
    latest_anc: AncResult | None


def clock_time(moment: datetime, tz: tzinfo) -> str:
    """'2:05pm' in the clinic's time zone: how every SMS shows a time."""
    return moment.astimezone(tz).strftime("%I:%M%p").lstrip("0").lower()


def _age(hours: float) -> str:
    return f"{hours:.0f}h" if hours < 48 else f"{hours / 24:.0f}d"


def care_team_page(facts: PageFacts, now: datetime, tz: tzinfo) -> str:
    urgency = "EMERGENCY" if facts.disposition is Disposition.EMERGENCY else "URGENT"
    rules = ", ".join(dict.fromkeys(rule.rule for rule in facts.fired)) or "-"
    readings = "; ".join(
        f"{r.celsius:.1f}C/{celsius_to_fahrenheit(r.celsius):.1f}F {clock_time(r.measured_at, tz)}"
        for r in facts.readings[-3:]
    )
    chemo = (
        f"chemo {(now.astimezone(tz).date() - facts.last_chemo).days}d ago"
        if facts.last_chemo
        else "chemo date unknown"
    )
    if facts.latest_anc is not None:
        hours = (now - facts.latest_anc.measured_at).total_seconds() / 3600
        anc = f"ANC {facts.latest_anc.value:g} ({_age(hours)} old)"
    else:
        anc = "ANC unknown"
    who = "caregiver" if facts.reporter is Reporter.CAREGIVER else "patient"
    parts = [
        f"NADIR {urgency} {facts.code}: {facts.patient_name}",
        f"Met: {rules} {_criteria(facts.fired)}".strip(),
    ]
    if readings:
        parts.append(f"Temp {readings}")
    if facts.symptom_words:
        parts.append("Sx " + ", ".join(facts.symptom_words[:5]))
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
