"""Patient-facing advice texts: content, GSM-7, length and the words they must never use."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from bot.clinical.advice import (
    URGENT_TEXT_MAX_LENGTH,
    gsm7_length,
    is_gsm7,
    patient_advice,
    to_gsm7,
)
from bot.clinical.model import (
    Assessment,
    Clinic,
    ClinicalHistory,
    Disposition,
    PatientContext,
    Reading,
    Reporter,
)
from bot.clinical.profiles import get_profile
from bot.clinical.rules import Advice, assess
from bot.knowledge import load_knowledge_base

CLINIC = Clinic(name="Riverside Oncology", phone_24h="+1 (555) 010-0199", emergency_number="911")
UK_CLINIC = Clinic(name="Northgate", phone_24h="0161 446 3658", emergency_number="999")

# The disposition each advice key comes with from the rule engine.
DISPOSITION_FOR = {
    Advice.EMERGENCY_SERVICES: Disposition.EMERGENCY,
    Advice.CALL_TEAM_NOW_FN: Disposition.EMERGENCY,
    Advice.CALL_TEAM_NOW: Disposition.URGENT,
    Advice.USUAL_DOCTOR: Disposition.URGENT,
    Advice.RECHECK_ORAL: Disposition.URGENT,
    Advice.RECHECK_1H: Disposition.RECHECK,
    Advice.NONE: Disposition.NONE,
}
# RECHECK_ORAL also comes without paging, after an armpit or forehead reading.
ALL_CASES = [*DISPOSITION_FOR.items(), (Advice.RECHECK_ORAL, Disposition.RECHECK)]
CALL_NOW_CASES = [(a, d) for a, d in ALL_CASES if d.pages_care_team]

DRUG_NAMES = ("tylenol", "paracetamol", "acetaminophen", "ibuprofen", "advil", "aspirin")


def advice_text(
    advice: Advice,
    disposition: Disposition,
    addressee: Reporter = Reporter.PATIENT,
    *,
    paged: bool = True,
    clinic: Clinic = CLINIC,
) -> str:
    assessment = Assessment(disposition=disposition, advice=advice.value)
    return patient_advice(assessment, clinic, addressee, paged=paged)


def without_allowed_negations(text: str) -> str:
    """The text minus the sentences that forbid something ("Do not take ... first.")."""
    return re.sub(r"do not (?:take|give|wait)[^.]*\.", "", text.lower())


@pytest.mark.parametrize("addressee", list(Reporter))
@pytest.mark.parametrize(("advice", "disposition"), ALL_CASES)
def test_every_advice_renders_with_the_24_hour_number_in_gsm7(
    advice: Advice, disposition: Disposition, addressee: Reporter
) -> None:
    text = advice_text(advice, disposition, addressee)
    assert CLINIC.phone_24h in text
    assert is_gsm7(text), [ch for ch in text if not is_gsm7(ch)]
    assert "{" not in text


@pytest.mark.parametrize("addressee", list(Reporter))
@pytest.mark.parametrize(("advice", "disposition"), CALL_NOW_CASES)
def test_call_now_texts_fit_in_two_sms_segments(
    advice: Advice, disposition: Disposition, addressee: Reporter
) -> None:
    text = advice_text(advice, disposition, addressee, paged=True)
    assert gsm7_length(text) <= URGENT_TEXT_MAX_LENGTH


@pytest.mark.parametrize("addressee", list(Reporter))
@pytest.mark.parametrize(("advice", "disposition"), CALL_NOW_CASES)
def test_call_now_texts_never_suggest_waiting_rechecking_instead_or_a_fever_reducer(
    advice: Advice, disposition: Disposition, addressee: Reporter
) -> None:
    text = advice_text(advice, disposition, addressee)
    remaining = without_allowed_negations(text)
    for forbidden in ("wait", "morning", "later", "in 1 hour", "check again", *DRUG_NAMES):
        assert forbidden not in remaining, forbidden
    assert "call" in text.lower().split(".")[0]  # calling comes first


@pytest.mark.parametrize("addressee", list(Reporter))
@pytest.mark.parametrize(("advice", "disposition"), CALL_NOW_CASES)
def test_call_now_texts_say_now(
    advice: Advice, disposition: Disposition, addressee: Reporter
) -> None:
    assert " now" in advice_text(advice, disposition, addressee)


def test_fn_text_covers_every_step_of_the_fn_pathway() -> None:
    text = advice_text(Advice.CALL_TEAM_NOW_FN, Disposition.EMERGENCY)
    assert f"Call your care team on {CLINIC.phone_24h} now, day or night." in text
    assert "If you can't reach them right away, go to the emergency department" in text
    assert "tell staff you are on chemotherapy" in text
    assert "Do not take Tylenol, paracetamol or ibuprofen first." in text
    assert "Do not wait until morning." in text


def test_emergency_services_text_gives_the_emergency_number_and_the_team() -> None:
    text = advice_text(Advice.EMERGENCY_SERVICES, Disposition.EMERGENCY, clinic=UK_CLINIC)
    assert text.startswith("Please call 999 now")
    assert "emergency department" in text
    assert UK_CLINIC.phone_24h in text


def test_usual_doctor_text_still_says_now_and_gives_the_emergency_number() -> None:
    text = advice_text(Advice.USUAL_DOCTOR, Disposition.URGENT)
    assert "usual doctor now" in text
    assert "call 911" in text


def test_recheck_text_says_how_and_when_to_call_at_once() -> None:
    text = advice_text(Advice.RECHECK_1H, Disposition.RECHECK, paged=False)
    for expected in (
        "in 1 hour",
        "same thermometer",
        "15-30 min",
        "text me the number",
        f"Call {CLINIC.phone_24h} at once",
        # after a 100.6F reading, "still" says the new reading is meant, as the answers say
        "if it is still 100.4F (38C) or higher",
        "feel worse",
        "chills",
        "any new symptom",
    ):
        assert expected in text, expected
    assert not any(drug in text.lower() for drug in DRUG_NAMES)


def test_recheck_text_uses_the_uk_threshold_with_the_uk_profile() -> None:
    assessment = Assessment(disposition=Disposition.RECHECK, advice=Advice.RECHECK_1H.value)
    text = patient_advice(
        assessment, UK_CLINIC, Reporter.PATIENT, paged=False, profile=get_profile("uk")
    )
    assert "99.5F (37.5C) or higher" in text


def test_oral_recheck_without_paging_asks_for_a_reading_by_mouth() -> None:
    text = advice_text(Advice.RECHECK_ORAL, Disposition.RECHECK, paged=False)
    assert "by mouth" in text
    assert "Call" in text


def test_oral_recheck_when_urgent_tells_them_to_call_first() -> None:
    text = advice_text(Advice.RECHECK_ORAL, Disposition.URGENT)
    assert text.startswith(f"Call your care team on {CLINIC.phone_24h} now")
    assert "emergency department" in text
    assert "by mouth" in text


@pytest.mark.parametrize(("advice", "disposition"), ALL_CASES)
def test_paged_texts_say_the_team_was_texted(advice: Advice, disposition: Disposition) -> None:
    assert "We have texted your care team." in advice_text(advice, disposition, paged=True)
    assert "texted" not in advice_text(advice, disposition, paged=False)


@pytest.mark.parametrize(("advice", "disposition"), ALL_CASES)
def test_caregiver_texts_speak_about_the_patient_not_to_them(
    advice: Advice, disposition: Disposition
) -> None:
    text = advice_text(advice, disposition, Reporter.CAREGIVER).lower()
    for patient_wording in ("your temperature", "you are on", "your care team", "you feel"):
        assert patient_wording not in text, patient_wording
    assert re.search(r"\b(they|them|their|the patient)\b", text)


def test_caregiver_fn_text_tells_them_to_bring_the_patient_and_give_nothing_first() -> None:
    text = advice_text(Advice.CALL_TEAM_NOW_FN, Disposition.EMERGENCY, Reporter.CAREGIVER)
    assert "take them to the emergency department" in text
    assert "they are on chemotherapy" in text
    assert "Do not give Tylenol, paracetamol or ibuprofen first." in text
    assert "We have texted their care team." in text


def test_typographic_characters_in_clinic_settings_become_gsm7() -> None:
    clinic = Clinic(name="x", phone_24h="0161\u00a0446\u20133658", emergency_number="999")
    text = advice_text(Advice.CALL_TEAM_NOW_FN, Disposition.EMERGENCY, clinic=clinic)
    assert is_gsm7(text)
    assert "0161 446-3658" in text


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("\u201cdon\u2019t\u201d", '"don\'t"'),
        ("38\u00b0C", "38C"),
        ("H\u00f4pital", "Hopital"),
        ("caf\u00e9", "caf\u00e9"),  # é is in the GSM-7 alphabet
        ("ok \U0001f44d", "ok "),
    ],
)
def test_to_gsm7_makes_text_plain(raw: str, plain: str) -> None:
    assert to_gsm7(raw) == plain
    assert is_gsm7(to_gsm7(raw))


def test_gsm7_length_counts_extension_characters_twice() -> None:
    assert gsm7_length("a[b]") == 6
    assert not is_gsm7("\u2014")


def test_unknown_advice_key_is_refused() -> None:
    assessment = Assessment(disposition=Disposition.URGENT, advice="take_tylenol")
    with pytest.raises(ValueError, match="take_tylenol"):
        patient_advice(assessment, CLINIC, Reporter.PATIENT, paged=True)


def test_a_fever_on_chemo_turns_into_the_fn_text_end_to_end() -> None:
    now = datetime(2024, 5, 14, 3, 0, tzinfo=timezone.utc)
    assessment = assess(
        PatientContext(),
        ClinicalHistory(readings=(Reading(38.6, now),)),
        now,
        get_profile("default"),
    )
    text = patient_advice(assessment, CLINIC, Reporter.PATIENT, paged=True)
    assert "Do not wait until morning." in text
    assert gsm7_length(text) <= URGENT_TEXT_MAX_LENGTH


@pytest.mark.parametrize(
    ("advice", "topic_id", "shared"),
    [
        (Advice.RECHECK_1H, "fever_threshold", "if it is still 100.4F (38C) or higher"),
        (Advice.RECHECK_1H, "fever_threshold", "again in 1 hour"),
        (
            Advice.WAIT_RECHECK,
            "temperature_after_drinking",
            "heck again by mouth 15-30 minutes after the last food or drink",
        ),
        (Advice.WAIT_RECHECK, "temperature_after_drinking", "still 100.4F (38C) or higher"),
    ],
)
def test_the_recheck_advice_and_the_education_answer_say_the_same_thing(
    advice: Advice, topic_id: str, shared: str
) -> None:
    topic = load_knowledge_base().get(topic_id)
    assert topic is not None
    answer = " ".join(topic.answer.split())
    assert shared in advice_text(advice, Disposition.RECHECK, paged=False)
    assert shared in answer
