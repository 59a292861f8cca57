"""What to text the patient (or their caregiver) after an assessment (clinical-anchors §7, §10).

Texts are plain GSM-7 (no curly quotes, dashes, emoji or degree signs) so they never fall back
to UCS-2, which would cut a segment to 70 characters. Urgent and emergency texts fit in two
concatenated segments (306 GSM-7 characters). Urgent and emergency texts never suggest waiting,
rechecking instead of calling, or taking a fever reducer: the only fever-reducer words allowed
are "Do not take ... first".
"""

from __future__ import annotations

import unicodedata

from bot.clinical.model import Assessment, Clinic, Reporter
from bot.clinical.profiles import DEFAULT_PROFILE, RuleProfile, celsius_to_fahrenheit
from bot.clinical.rules import Advice

# Two concatenated SMS segments of 153 GSM-7 characters each (7 go to the concatenation header).
URGENT_TEXT_MAX_LENGTH = 306

_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Allowed, but each costs two characters (escape + character).
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

_TYPOGRAPHIC_TO_GSM7 = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2026": "...",
        "\u00b0": "",
    }
)


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM7_BASIC or ch in _GSM7_EXTENSION for ch in text)


def gsm7_length(text: str) -> int:
    """Characters an SMS counts: extension characters take two."""
    return sum(2 if ch in _GSM7_EXTENSION else 1 for ch in text)


def to_gsm7(text: str) -> str:
    """Typographic characters made plain, accents dropped where GSM-7 lacks them, rest removed."""
    text = text.translate(_TYPOGRAPHIC_TO_GSM7)
    kept = []
    for ch in text:
        if ch in _GSM7_BASIC or ch in _GSM7_EXTENSION:
            kept.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)
        kept.extend(c for c in base if c in _GSM7_BASIC)
    return "".join(kept)


# {team}: the clinic's 24-hour line; {emergency}: emergency services; {threshold}: "100.4F (38C)"
_TEMPLATES: dict[tuple[Advice, Reporter], str] = {
    (Advice.EMERGENCY_SERVICES, Reporter.PATIENT): (
        "Please call {emergency} now or go to the nearest emergency department. These signs "
        "need care right away. Tell staff about your chemotherapy. Also call your care team "
        "on {team}."
    ),
    (Advice.EMERGENCY_SERVICES, Reporter.CAREGIVER): (
        "Please call {emergency} now or take the patient to the nearest emergency department. "
        "These signs need care right away. Tell staff about their chemotherapy. Also call "
        "their care team on {team}."
    ),
    (Advice.CALL_TEAM_NOW_FN, Reporter.PATIENT): (
        "Call your care team on {team} now, day or night. If you can't reach them right away, "
        "go to the emergency department and tell staff you are on chemotherapy. Do not take "
        "Tylenol, paracetamol or ibuprofen first. Do not wait until morning."
    ),
    (Advice.CALL_TEAM_NOW_FN, Reporter.CAREGIVER): (
        "Call their care team on {team} now, day or night. If you can't reach the team right "
        "away, take them to the emergency department and tell staff they are on chemotherapy. "
        "Do not give Tylenol, paracetamol or ibuprofen first. Do not wait until morning."
    ),
    (Advice.CALL_TEAM_NOW, Reporter.PATIENT): (
        "Please call your care team on {team} now, day or night, and tell them how you feel. "
        "If you can't reach them right away, go to the emergency department and tell staff you "
        "are on chemotherapy. Do not take Tylenol, paracetamol or ibuprofen first."
    ),
    (Advice.CALL_TEAM_NOW, Reporter.CAREGIVER): (
        "Call their care team on {team} now, day or night, and tell them what you see. If you "
        "can't reach the team right away, take them to the emergency department and tell staff "
        "they are on chemotherapy. Do not give Tylenol, paracetamol or ibuprofen first."
    ),
    (Advice.USUAL_DOCTOR, Reporter.PATIENT): (
        "Please call your usual doctor now, day or night (their out-of-hours line if closed). "
        "If you can't reach them, go to urgent care or the emergency department. You can also "
        "call your care team on {team}. If you feel much worse, call {emergency}."
    ),
    (Advice.USUAL_DOCTOR, Reporter.CAREGIVER): (
        "Please call their usual doctor now, day or night (the out-of-hours line if closed). "
        "If you can't reach the doctor, take them to urgent care or the emergency department. "
        "You can also call their care team on {team}. If they get much worse, call {emergency}."
    ),
    (Advice.RECHECK_1H, Reporter.PATIENT): (
        "Please check again in 1 hour with the same thermometer (no food or drink for 15-30 min "
        "before) and text me the number. Call {team} at once, day or night, if it is still "
        "{threshold} or higher, or if you feel worse, feel unwell, or get chills or any new "
        "symptom."
    ),
    (Advice.RECHECK_1H, Reporter.CAREGIVER): (
        "Please check the patient's temperature again in 1 hour with the same thermometer (no "
        "food or drink for 15-30 min before) and text me the number. Call {team} at once, day "
        "or night, if it is still {threshold} or higher, or if they seem worse, feel unwell, or "
        "get chills or any new symptom."
    ),
    (Advice.WAIT_RECHECK, Reporter.PATIENT): (
        "A hot drink, food, exercise or a hot bath can raise a mouth reading for a while. "
        "Check again by mouth 15-30 minutes after the last food or drink and text me the "
        "number. Call {team} at once, day or night, if it is still {threshold} or higher, "
        "or if you feel unwell, or get chills or any new symptom."
    ),
    (Advice.WAIT_RECHECK, Reporter.CAREGIVER): (
        "A hot drink, food, exercise or a hot bath can raise a mouth reading for a while. "
        "Check again by mouth 15-30 minutes after the last food or drink and text me the "
        "number. Call {team} at once, day or night, if it is still {threshold} or higher, "
        "or if they feel unwell, or get chills or any new symptom."
    ),
    (Advice.RECHECK_ORAL, Reporter.PATIENT): (
        "Armpit and forehead readings can be off. Please take your temperature by mouth (no "
        "food or drink for 15-30 min before) and text me the number. Call {team} at once, day "
        "or night, if the new reading is {threshold} or higher, or if you feel worse, feel unwell, or get "
        "chills or any new symptom."
    ),
    (Advice.RECHECK_ORAL, Reporter.CAREGIVER): (
        "Armpit and forehead readings can be off. Please take the patient's temperature by "
        "mouth (no food or drink for 15-30 min before) and text me the number. Call {team} at "
        "once, day or night, if the new reading is {threshold} or higher, or if they seem worse, feel "
        "unwell, or get chills or any new symptom."
    ),
    (Advice.NONE, Reporter.PATIENT): (
        "Thank you, I have noted that. Call {team} at once, day or night, if your temperature "
        "is {threshold} or higher, or if you feel unwell or get chills or any new symptom."
    ),
    (Advice.NONE, Reporter.CAREGIVER): (
        "Thank you, I have noted that. Call {team} at once, day or night, if the patient's "
        "temperature is {threshold} or higher, or if they feel unwell, seem different, or get "
        "chills or any new symptom."
    ),
}

# RECHECK_ORAL when the care team must be called as well (symptoms, armpit/forehead reading):
# calling comes first; the oral reading is extra, never instead.
_CALL_AND_CHECK_BY_MOUTH: dict[Reporter, str] = {
    Reporter.PATIENT: (
        "Call your care team on {team} now, day or night, even if the reading is normal. If "
        "you can't reach them right away, go to the emergency department. Armpit and forehead "
        "readings can miss a fever: if you can, also check by mouth and text me."
    ),
    Reporter.CAREGIVER: (
        "Call their care team on {team} now, day or night, even if the reading is normal. If "
        "you can't reach the team right away, take them to the emergency department. Armpit "
        "and forehead readings can miss a fever: if you can, also check by mouth and text me."
    ),
}

_PAGED: dict[Reporter, str] = {
    Reporter.PATIENT: " We have texted your care team.",
    Reporter.CAREGIVER: " We have texted their care team.",
}


def patient_advice(
    assessment: Assessment,
    clinic: Clinic,
    addressee: Reporter,
    *,
    paged: bool,
    profile: RuleProfile = DEFAULT_PROFILE,
) -> str:
    """The SMS telling the patient, or their caregiver, what to do now.

    `profile` sets the temperature the recheck texts say to call at (the UK profile: 37.5 C).
    """
    try:
        advice = Advice(assessment.advice)
    except ValueError:
        raise ValueError(f"Unknown advice key {assessment.advice!r}") from None
    if advice is Advice.RECHECK_ORAL and assessment.disposition.pages_care_team:
        template = _CALL_AND_CHECK_BY_MOUTH[addressee]
    else:
        template = _TEMPLATES[(advice, addressee)]
    text = template.format(
        team=to_gsm7(clinic.phone_24h),
        emergency=to_gsm7(clinic.emergency_number),
        threshold=_call_threshold_text(profile),
    )
    if paged:
        text += _PAGED[addressee]
    return text


def _call_threshold_text(profile: RuleProfile) -> str:
    celsius = (
        profile.escalate_low_grade_c
        if profile.escalate_low_grade_c is not None
        else profile.sustained_fever_c
    )
    # written as the education answers write it: "100.4F (38C)"
    return f"{celsius_to_fahrenheit(celsius):.1f}F ({celsius:g}C)"
