"""The rule engine R0-R12 (clinical-anchors §6, §7) and the rule profiles."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.clinical.model import (
    AncResult,
    Assessment,
    ClinicalHistory,
    Disposition,
    FeverReducer,
    FeverReducerDose,
    PatientContext,
    Reading,
    Reporter,
    Site,
    SymptomCode,
    SymptomEvent,
    TeamThresholds,
)
from bot.clinical.profiles import PROFILES, RuleProfile, clinical_celsius, get_profile
from bot.clinical.rules import ADVICE_KEYS, RED_FLAG_CODES, Advice, assess

NOW = datetime(2024, 5, 14, 15, 0, tzinfo=timezone.utc)
DEFAULT = get_profile("default")
UK = get_profile("uk")

Event = Reading | SymptomEvent | FeverReducerDose


# --- builders -----------------------------------------------------------------------------------


def fahrenheit(value: float) -> float:
    """Celsius for a Fahrenheit reading, converted as the parser does."""
    return (value - 32) * 5 / 9


def reading(
    celsius: float,
    minutes_ago: float = 0,
    *,
    site: Site | None = None,
    reporter: Reporter = Reporter.PATIENT,
) -> Reading:
    return Reading(celsius, NOW - timedelta(minutes=minutes_ago), site=site, reporter=reporter)


def symptom(
    code: SymptomCode,
    minutes_ago: float = 0,
    *,
    count: int | None = None,
    red_flag: bool = False,
    reporter: Reporter = Reporter.PATIENT,
) -> SymptomEvent:
    return SymptomEvent(
        code,
        NOW - timedelta(minutes=minutes_ago),
        count=count,
        red_flag=red_flag,
        reporter=reporter,
    )


def dose(
    minutes_ago: float, medicine: FeverReducer = FeverReducer.ACETAMINOPHEN
) -> FeverReducerDose:
    return FeverReducerDose(medicine, NOW - timedelta(minutes=minutes_ago))


def patient(
    chemo_days_ago: int | None = 9, anc: tuple[tuple[float, float], ...] = ()
) -> PatientContext:
    """A patient whose last chemo was `chemo_days_ago` days ago (None: no dates on record),
    with ANC results given as (value, hours_ago)."""
    chemo_dates = () if chemo_days_ago is None else (NOW.date() - timedelta(days=chemo_days_ago),)
    return PatientContext(
        chemo_dates=chemo_dates,
        anc_results=tuple(AncResult(value, NOW - timedelta(hours=age)) for value, age in anc),
    )


def history(*events: Event, caregiver_concern: bool = False) -> ClinicalHistory:
    return ClinicalHistory(
        readings=tuple(e for e in events if isinstance(e, Reading)),
        symptoms=tuple(e for e in events if isinstance(e, SymptomEvent)),
        fever_reducers=tuple(e for e in events if isinstance(e, FeverReducerDose)),
        caregiver_concern=caregiver_concern,
    )


def run(
    *events: Event,
    context: PatientContext | None = None,
    profile: RuleProfile = DEFAULT,
    caregiver_concern: bool = False,
) -> Assessment:
    return assess(
        context if context is not None else patient(),
        history(*events, caregiver_concern=caregiver_concern),
        NOW,
        profile,
    )


def rules(assessment: Assessment) -> set[str]:
    return {rule.rule for rule in assessment.fired}


def reason(assessment: Assessment, rule: str) -> str:
    return next(fired.reason for fired in assessment.fired if fired.rule == rule)


# --- profiles -----------------------------------------------------------------------------------


def test_profiles_offer_default_and_uk() -> None:
    assert set(PROFILES) == {"default", "uk"}
    assert get_profile("default").escalate_low_grade_c is None
    assert get_profile("uk").escalate_low_grade_c == 37.5


def test_unknown_profile_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="default, uk"):
        get_profile("us")


def test_override_changes_one_threshold_and_keeps_the_rest() -> None:
    tuned = DEFAULT.with_overrides(single_fever_c=38.0)
    assert tuned.single_fever_c == 38.0
    assert tuned.sustained_minutes == DEFAULT.sustained_minutes
    assert run(reading(38.0), profile=tuned).disposition is Disposition.EMERGENCY
    assert run(reading(38.0)).disposition is Disposition.RECHECK


def test_override_rejects_unknown_settings() -> None:
    with pytest.raises(ValueError, match="single_fever"):
        DEFAULT.with_overrides(single_fever=38.0)


@pytest.mark.parametrize(
    ("celsius", "shown"),
    [
        (fahrenheit(100.9), 38.3),
        (fahrenheit(100.4), 38.0),
        (fahrenheit(101.0), 38.3),
        (38.25, 38.3),
        (38.24, 38.2),
        (fahrenheit(96.8), 36.0),
    ],
)
def test_clinical_celsius_rounds_like_a_thermometer(celsius: float, shown: float) -> None:
    assert clinical_celsius(celsius) == shown


# --- fever thresholds (R2, R5) --------------------------------------------------------------------


def test_exactly_38_3_once_is_fever_and_an_fn_emergency() -> None:
    assessment = run(reading(38.3))
    assert assessment.disposition is Disposition.EMERGENCY
    assert rules(assessment) == {"R2"}
    assert assessment.advice == Advice.CALL_TEAM_NOW_FN
    assert assessment.pages_care_team


def test_100_9_f_meets_the_single_reading_threshold() -> None:
    assert run(reading(fahrenheit(100.9))).disposition is Disposition.EMERGENCY


def test_100_8_f_is_below_the_single_reading_threshold() -> None:
    assessment = run(reading(fahrenheit(100.8)))
    assert assessment.disposition is Disposition.RECHECK
    assert rules(assessment) == {"R5"}


def test_single_38_2_asks_for_a_recheck_in_60_minutes() -> None:
    assessment = run(reading(38.2))
    assert assessment.disposition is Disposition.RECHECK
    assert assessment.recheck_after_minutes == 60
    assert assessment.advice == Advice.RECHECK_1H
    assert not assessment.pages_care_team


def test_exactly_38_0_once_asks_for_a_recheck_never_nothing() -> None:
    assessment = run(reading(38.0))
    assert assessment.disposition is Disposition.RECHECK
    assert rules(assessment) == {"R5"}


def test_100_4_f_counts_as_38_0() -> None:
    assert run(reading(fahrenheit(100.4))).disposition is Disposition.RECHECK
    sustained = run(reading(fahrenheit(100.4), 60), reading(fahrenheit(100.4), 0))
    assert sustained.disposition is Disposition.EMERGENCY


def test_100_3_f_is_below_38_0() -> None:
    assessment = run(reading(fahrenheit(100.3)))
    assert rules(assessment) == {"R8"}


def test_two_readings_of_38_0_exactly_60_minutes_apart_are_fever() -> None:
    assessment = run(reading(38.0, 60), reading(38.0, 0))
    assert assessment.disposition is Disposition.EMERGENCY
    assert rules(assessment) == {"R2"}
    assert "60 min" in reason(assessment, "R2")


def test_two_readings_of_38_0_59_minutes_apart_are_not_yet_fever() -> None:
    assert run(reading(38.0, 59), reading(38.0, 0)).disposition is Disposition.RECHECK


def test_two_readings_20_minutes_apart_are_not_fever() -> None:
    assessment = run(reading(38.1, 20), reading(38.2, 0))
    assert assessment.disposition is Disposition.RECHECK
    assert assessment.recheck_after_minutes == 60


def test_a_37_8_in_between_breaks_the_sustained_run() -> None:
    assessment = run(reading(38.1, 70), reading(37.8, 35), reading(38.1, 0))
    assert assessment.disposition is Disposition.RECHECK


def test_three_raised_readings_over_90_minutes_are_fever() -> None:
    assessment = run(reading(38.1, 90), reading(38.0, 45), reading(38.2, 0))
    assert assessment.disposition is Disposition.EMERGENCY


def test_an_earlier_38_1_followed_by_a_normal_recheck_needs_nothing_more() -> None:
    assessment = run(reading(38.1, 70), reading(37.0, 0))
    assert assessment.disposition is Disposition.NONE
    assert assessment.advice == Advice.NONE
    assert assessment.fired == ()


def test_a_reading_of_38_3_any_time_in_the_window_is_fever() -> None:
    assessment = run(reading(38.4, 600), reading(37.1, 0))
    assert assessment.disposition is Disposition.EMERGENCY


def test_38_1_with_a_symptom_escalates_without_waiting_for_a_recheck() -> None:
    assessment = run(reading(38.1), symptom(SymptomCode.UNWELL))
    assert assessment.disposition is Disposition.URGENT
    assert "R5" in rules(assessment)
    assert assessment.recheck_after_minutes is None


# --- neutrophils (R2, R3, R4) ---------------------------------------------------------------------


def test_fever_with_no_anc_on_record_presumes_neutropenia() -> None:
    assessment = run(reading(38.6), context=patient(9))
    assert assessment.presumed_neutropenic
    assert assessment.disposition is Disposition.EMERGENCY


def test_fever_with_normal_anc_within_24_hours_is_urgent_not_emergency() -> None:
    assessment = run(reading(38.6), context=patient(9, anc=((1.5, 10),)))
    assert not assessment.presumed_neutropenic
    assert assessment.disposition is Disposition.URGENT
    assert rules(assessment) == {"R4"}
    assert assessment.advice == Advice.CALL_TEAM_NOW
    assert "1.5" in reason(assessment, "R4")


def test_anc_of_exactly_1_0_within_24_hours_counts_as_normal() -> None:
    assessment = run(reading(38.6), context=patient(9, anc=((1.0, 23),)))
    assert assessment.disposition is Disposition.URGENT


def test_normal_anc_25_hours_old_is_stale_so_neutropenia_is_presumed() -> None:
    assessment = run(reading(38.6), context=patient(9, anc=((2.0, 25),)))
    assert assessment.presumed_neutropenic
    assert assessment.disposition is Disposition.EMERGENCY
    assert "last ANC 2 measured 25 h ago" in reason(assessment, "R2")


def test_anc_0_8_within_48_hours_counts_even_after_a_newer_normal_count() -> None:
    assessment = run(reading(38.6), context=patient(9, anc=((0.8, 40), (1.4, 5))))
    assert assessment.presumed_neutropenic
    assert assessment.disposition is Disposition.EMERGENCY
    assert "0.8" in reason(assessment, "R2")


def test_low_anc_49_hours_old_no_longer_counts() -> None:
    assessment = run(reading(38.6), context=patient(9, anc=((0.3, 49), (1.4, 5))))
    assert not assessment.presumed_neutropenic
    assert assessment.disposition is Disposition.URGENT


def test_single_38_1_with_known_severe_neutropenia_is_an_emergency() -> None:
    assessment = run(reading(38.1), context=patient(9, anc=((0.4, 20),)))
    assert assessment.disposition is Disposition.EMERGENCY
    assert rules(assessment) == {"R3"}
    assert assessment.advice == Advice.CALL_TEAM_NOW_FN
    assert "0.4" in reason(assessment, "R3")


def test_single_38_1_with_anc_below_0_5_but_49_hours_old_is_a_recheck() -> None:
    assessment = run(reading(38.1), context=patient(9, anc=((0.4, 49),)))
    assert assessment.disposition is Disposition.RECHECK


def test_single_38_1_with_anc_0_8_is_a_recheck_not_r3() -> None:
    assessment = run(reading(38.1), context=patient(9, anc=((0.8, 20),)))
    assert assessment.disposition is Disposition.RECHECK


# --- chemotherapy dates (R11) ---------------------------------------------------------------------


def test_last_chemo_42_days_ago_is_still_on_chemo() -> None:
    assessment = run(reading(38.6), context=patient(42))
    assert assessment.on_chemo
    assert assessment.disposition is Disposition.EMERGENCY


def test_more_than_42_days_since_chemo_is_not_the_fn_pathway() -> None:
    assessment = run(reading(38.6), context=patient(43))
    assert not assessment.on_chemo
    assert not assessment.presumed_neutropenic
    assert assessment.disposition is Disposition.URGENT
    assert rules(assessment) == {"R11"}
    assert assessment.advice == Advice.USUAL_DOCTOR


def test_no_chemo_dates_on_record_is_treated_as_on_chemo() -> None:
    assessment = run(reading(38.6), context=patient(None))
    assert assessment.on_chemo
    assert assessment.disposition is Disposition.EMERGENCY
    assert "no chemo dates" in reason(assessment, "R2")


def test_a_chemo_date_in_the_future_only_is_treated_as_on_chemo() -> None:
    context = PatientContext(chemo_dates=(NOW.date() + timedelta(days=3),))
    assert run(reading(38.6), context=context).disposition is Disposition.EMERGENCY


def test_an_old_course_and_a_recent_dose_use_the_recent_dose() -> None:
    context = PatientContext(chemo_dates=(date(2023, 1, 2), NOW.date() - timedelta(days=5)))
    assessment = run(reading(38.6), context=context)
    assert assessment.disposition is Disposition.EMERGENCY
    assert "5 days ago" in reason(assessment, "R2")


def test_a_measured_low_anc_keeps_the_fn_pathway_after_42_days() -> None:
    assessment = run(reading(38.6), context=patient(50, anc=((0.4, 10),)))
    assert assessment.presumed_neutropenic
    assert assessment.disposition is Disposition.EMERGENCY


def test_red_flags_off_chemo_still_call_emergency_services() -> None:
    assessment = run(symptom(SymptomCode.CONFUSION), context=patient(60))
    assert assessment.disposition is Disposition.EMERGENCY
    assert assessment.advice == Advice.EMERGENCY_SERVICES
    assert assessment.pages_care_team


def test_infection_symptoms_off_chemo_point_to_the_usual_doctor() -> None:
    assessment = run(symptom(SymptomCode.COUGH), context=patient(60))
    assert assessment.disposition is Disposition.URGENT
    assert rules(assessment) == {"R11"}
    assert assessment.advice == Advice.USUAL_DOCTOR


def test_borderline_reading_off_chemo_still_asks_for_a_recheck() -> None:
    assessment = run(reading(38.1), context=patient(60))
    assert assessment.disposition is Disposition.RECHECK
    assert assessment.advice == Advice.RECHECK_1H


# --- red flags (R1) -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(RED_FLAG_CODES, key=lambda c: c.value))
def test_red_flag_with_a_normal_temperature_is_an_emergency(code: SymptomCode) -> None:
    assessment = run(reading(36.8), symptom(code))
    assert assessment.disposition is Disposition.EMERGENCY
    assert rules(assessment) == {"R1"}
    assert assessment.advice == Advice.EMERGENCY_SERVICES


def test_red_flag_without_any_reading_is_an_emergency() -> None:
    assessment = run(symptom(SymptomCode.RIGORS))
    assert assessment.disposition is Disposition.EMERGENCY


def test_severe_breathlessness_marked_as_red_flag_is_an_emergency() -> None:
    assessment = run(symptom(SymptomCode.SHORT_OF_BREATH, red_flag=True))
    assert assessment.disposition is Disposition.EMERGENCY
    assert assessment.advice == Advice.EMERGENCY_SERVICES


def test_red_flag_with_fever_reports_both_and_sends_to_emergency_services() -> None:
    assessment = run(reading(39.0), symptom(SymptomCode.RIGORS))
    assert rules(assessment) == {"R1", "R2"}
    assert assessment.disposition is Disposition.EMERGENCY
    assert assessment.advice == Advice.EMERGENCY_SERVICES


# --- later readings do not cancel a fever (R6) ---------------------------------------------------


def test_a_later_normal_reading_does_not_cancel_a_fever() -> None:
    assessment = run(reading(38.5, 120), reading(37.0, 0))
    assert assessment.disposition is Disposition.EMERGENCY
    assert {"R2", "R6"} <= rules(assessment)
    assert "37.0 C" in reason(assessment, "R6")


def test_a_normal_reading_after_a_fever_reducer_does_not_cancel_a_fever() -> None:
    assessment = run(reading(38.4, 90), dose(80), reading(36.9, 0))
    assert assessment.disposition is Disposition.EMERGENCY


# --- low temperature (R7) -------------------------------------------------------------------------


def test_below_36_and_feeling_well_asks_for_a_recheck() -> None:
    assessment = run(reading(35.8))
    assert assessment.disposition is Disposition.RECHECK
    assert rules(assessment) == {"R7"}
    assert assessment.recheck_after_minutes == 60


def test_below_36_and_feeling_unwell_is_urgent() -> None:
    assessment = run(reading(35.8), symptom(SymptomCode.UNWELL))
    assert assessment.disposition is Disposition.URGENT
    assert "R7" in rules(assessment)
    assert assessment.advice == Advice.CALL_TEAM_NOW


def test_below_36_with_any_symptom_is_urgent() -> None:
    assessment = run(reading(35.8), symptom(SymptomCode.DIARRHOEA, count=1))
    assert assessment.disposition is Disposition.URGENT
    assert "R7" in rules(assessment)


def test_below_36_with_a_red_flag_is_an_emergency() -> None:
    assessment = run(reading(35.5), symptom(SymptomCode.MOTTLED_SKIN))
    assert assessment.disposition is Disposition.EMERGENCY


def test_96_8_f_is_not_below_36() -> None:
    assert run(reading(fahrenheit(96.8))).disposition is Disposition.NONE
    assert run(reading(fahrenheit(96.7))).disposition is Disposition.RECHECK


def test_low_armpit_reading_asks_for_an_oral_recheck() -> None:
    assessment = run(reading(35.7, site=Site.ARMPIT))
    assert assessment.disposition is Disposition.RECHECK
    assert assessment.advice == Advice.RECHECK_ORAL


# --- low-grade temperature (R8) -------------------------------------------------------------------


def test_default_profile_37_5_asks_for_a_recheck() -> None:
    assessment = run(reading(37.5))
    assert assessment.disposition is Disposition.RECHECK
    assert rules(assessment) == {"R8"}
    assert assessment.advice == Advice.RECHECK_1H


def test_default_profile_37_4_needs_nothing() -> None:
    assert run(reading(37.4)).disposition is Disposition.NONE


def test_default_profile_37_8_while_feeling_unwell_is_urgent() -> None:
    assessment = run(reading(37.8), symptom(SymptomCode.UNWELL))
    assert assessment.disposition is Disposition.URGENT
    assert "R8" in rules(assessment)


def test_default_profile_37_8_with_a_little_diarrhoea_is_urgent() -> None:
    assessment = run(reading(37.8), symptom(SymptomCode.DIARRHOEA, count=1))
    assert assessment.disposition is Disposition.URGENT
    assert "R8" in rules(assessment)


def test_uk_profile_37_5_is_urgent() -> None:
    assessment = run(reading(37.5), profile=UK)
    assert assessment.disposition is Disposition.URGENT
    assert rules(assessment) == {"R8"}
    assert assessment.advice == Advice.CALL_TEAM_NOW
    assert "37.5 C" in reason(assessment, "R8")


def test_uk_profile_37_4_needs_nothing() -> None:
    assert run(reading(37.4), profile=UK).disposition is Disposition.NONE


def test_uk_profile_99_5_f_is_urgent() -> None:
    assert run(reading(fahrenheit(99.5)), profile=UK).disposition is Disposition.URGENT


def test_uk_profile_38_1_is_urgent_not_a_recheck() -> None:
    assessment = run(reading(38.1), profile=UK)
    assert assessment.disposition is Disposition.URGENT
    assert assessment.recheck_after_minutes is None


def test_uk_profile_keeps_the_fn_emergency_for_fever() -> None:
    assert run(reading(38.3), profile=UK).disposition is Disposition.EMERGENCY


def test_uk_profile_below_36_and_well_is_a_recheck() -> None:
    assert run(reading(35.8), profile=UK).disposition is Disposition.RECHECK


# --- infection symptoms without fever (R9) --------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        SymptomCode.CHILLS,
        SymptomCode.LINE_SITE,
        SymptomCode.URINARY_PAIN,
        SymptomCode.COUGH,
        SymptomCode.SORE_THROAT,
        SymptomCode.UNWELL,
        SymptomCode.VOMITING,
        SymptomCode.MOUTH_SORES,
        SymptomCode.RASH,
        SymptomCode.NEW_PAIN,
        SymptomCode.DIZZINESS,
        SymptomCode.SHORT_OF_BREATH,
    ],
)
def test_infection_symptom_on_chemo_without_fever_is_urgent(code: SymptomCode) -> None:
    assessment = run(reading(36.9), symptom(code))
    assert assessment.disposition is Disposition.URGENT
    assert rules(assessment) == {"R9"}
    assert assessment.advice == Advice.CALL_TEAM_NOW


def test_symptoms_are_assessed_without_any_reading() -> None:
    # R0: an invalid reading never reaches the engine, but the symptoms still count
    assert run(symptom(SymptomCode.CHILLS)).disposition is Disposition.URGENT


def test_four_episodes_of_diarrhoea_are_urgent() -> None:
    assessment = run(symptom(SymptomCode.DIARRHOEA, count=4))
    assert assessment.disposition is Disposition.URGENT
    assert "diarrhoea x4" in reason(assessment, "R9")


def test_three_episodes_of_diarrhoea_ask_for_a_recheck() -> None:
    assessment = run(symptom(SymptomCode.DIARRHOEA, count=3))
    assert assessment.disposition is Disposition.RECHECK
    assert assessment.advice == Advice.RECHECK_1H


def test_diarrhoea_reports_in_the_window_are_added_up() -> None:
    assessment = run(
        symptom(SymptomCode.DIARRHOEA, 600, count=2), symptom(SymptomCode.DIARRHOEA, count=2)
    )
    assert assessment.disposition is Disposition.URGENT


def test_a_diarrhoea_report_without_a_count_counts_as_one_episode() -> None:
    one = run(symptom(SymptomCode.DIARRHOEA))
    four = run(*(symptom(SymptomCode.DIARRHOEA, minutes) for minutes in (300, 200, 100, 0)))
    assert one.disposition is Disposition.RECHECK
    assert four.disposition is Disposition.URGENT


def test_feeling_unwell_with_a_normal_armpit_reading_calls_and_asks_for_an_oral_reading() -> None:
    assessment = run(reading(36.6, site=Site.ARMPIT), symptom(SymptomCode.UNWELL))
    assert assessment.disposition is Disposition.URGENT
    assert assessment.advice == Advice.RECHECK_ORAL
    assert assessment.pages_care_team


# --- fever reducers (R10) -------------------------------------------------------------------------


def test_fever_reducer_with_no_reading_first_is_urgent() -> None:
    assessment = run(dose(120))
    assert assessment.disposition is Disposition.URGENT
    assert rules(assessment) == {"R10"}
    assert "acetaminophen" in reason(assessment, "R10")


def test_fever_reducer_after_a_normal_reading_needs_nothing() -> None:
    assessment = run(reading(36.8, 130), dose(120), reading(36.7, 0))
    assert assessment.disposition is Disposition.NONE


def test_fever_reducer_after_a_raised_reading_is_urgent() -> None:
    assessment = run(reading(37.8, 130), dose(120))
    assert assessment.disposition is Disposition.URGENT
    assert "37.8 C" in reason(assessment, "R10")


def test_fever_reducer_with_chills_is_urgent() -> None:
    assessment = run(reading(36.9, 70), dose(60), symptom(SymptomCode.CHILLS, 60))
    assert assessment.disposition is Disposition.URGENT
    assert {"R9", "R10"} <= rules(assessment)


def test_fever_reducer_taken_more_than_6_hours_ago_no_longer_triggers_r10() -> None:
    assert run(dose(7 * 60)).disposition is Disposition.NONE


def test_normal_reading_after_a_dose_does_not_lower_a_borderline_reading() -> None:
    assessment = run(reading(38.1, 90), dose(80, FeverReducer.IBUPROFEN), reading(36.9, 0))
    assert assessment.disposition is Disposition.URGENT
    assert "R10" in rules(assessment)


def test_raised_reading_after_a_dose_is_urgent() -> None:
    assessment = run(reading(36.9, 200), dose(190), reading(37.6, 0))
    assert assessment.disposition is Disposition.URGENT


def test_a_low_reading_after_a_dose_does_not_break_a_sustained_fever() -> None:
    assessment = run(reading(38.1, 70), dose(65), reading(37.2, 30), reading(38.0, 0))
    assert assessment.disposition is Disposition.EMERGENCY
    assert "R2" in rules(assessment)


def test_fever_reducer_off_chemo_does_not_page_on_its_own() -> None:
    assert run(dose(60), context=patient(60)).disposition is Disposition.NONE


# --- the evaluation window ------------------------------------------------------------------------


def test_readings_older_than_24_hours_are_not_evaluated() -> None:
    assessment = run(reading(39.0, 25 * 60))
    assert assessment.disposition is Disposition.NONE
    assert assessment.fired == ()


def test_readings_23_hours_old_are_evaluated() -> None:
    assert run(reading(39.0, 23 * 60)).disposition is Disposition.EMERGENCY


def test_symptoms_older_than_24_hours_are_not_evaluated() -> None:
    assert run(symptom(SymptomCode.RIGORS, 25 * 60)).disposition is Disposition.NONE


def test_nothing_reported_needs_nothing() -> None:
    assessment = run()
    assert assessment.disposition is Disposition.NONE
    assert assessment.advice == Advice.NONE
    assert assessment.recheck_after_minutes is None


# --- caregivers (R12) -----------------------------------------------------------------------------


def test_caregiver_worried_about_changed_behaviour_is_urgent() -> None:
    assessment = run(reading(36.8), caregiver_concern=True)
    assert assessment.disposition is Disposition.URGENT
    assert rules(assessment) == {"R12"}


def test_caregiver_reported_fever_follows_the_same_rules() -> None:
    assessment = run(reading(38.6, reporter=Reporter.CAREGIVER))
    assert assessment.disposition is Disposition.EMERGENCY
    assert "caregiver" in reason(assessment, "R2")


def test_caregiver_concern_off_chemo_points_to_the_usual_doctor() -> None:
    assessment = run(caregiver_concern=True, context=patient(60))
    assert assessment.disposition is Disposition.URGENT
    assert assessment.advice == Advice.USUAL_DOCTOR


# --- reasons and the overall disposition ----------------------------------------------------------


def test_fn_reason_names_the_reading_time_chemo_and_count() -> None:
    assessment = run(Reading(38.6, NOW.replace(hour=14, minute=5)), context=patient(9))
    text = reason(assessment, "R2")
    assert text.startswith("R2:")
    for expected in ("38.6 C", "101.5 F", "14:05", "9 days ago", "no ANC"):
        assert expected in text


def test_reason_shows_a_fahrenheit_reading_as_the_patient_gave_it() -> None:
    text = reason(run(reading(fahrenheit(100.9))), "R2")
    assert "38.3 C" in text
    assert "100.9 F" in text


def test_disposition_is_the_highest_of_the_fired_rules() -> None:
    assessment = run(reading(37.8), symptom(SymptomCode.COUGH), symptom(SymptomCode.NO_URINE))
    assert {"R1", "R8", "R9"} <= rules(assessment)
    assert assessment.disposition is Disposition.EMERGENCY


def test_a_recheck_is_dropped_once_the_team_must_be_called() -> None:
    assessment = run(reading(38.1), caregiver_concern=True)
    assert assessment.disposition is Disposition.URGENT
    assert all(rule.disposition.rank >= Disposition.URGENT.rank for rule in assessment.fired)
    assert assessment.recheck_after_minutes is None


def test_every_advice_given_is_one_of_the_known_keys() -> None:
    cases = [
        run(),
        run(reading(38.1)),
        run(reading(38.6)),
        run(symptom(SymptomCode.COUGH)),
        run(symptom(SymptomCode.CONFUSION)),
        run(reading(38.6), context=patient(60)),
        run(reading(35.7, site=Site.FOREHEAD)),
        run(Reading(38.6, NOW, after_warming=True)),
    ]
    assert {case.advice for case in cases} == ADVICE_KEYS


# --- issue 10: a less reliable site, and fevers reported from earlier ---------------------------


def test_a_lower_armpit_reading_after_an_oral_38_1_keeps_the_recheck() -> None:
    later = run(reading(38.1, 5), reading(36.8, 0, site=Site.ARMPIT))
    assert later.disposition is Disposition.RECHECK
    assert "R5" in rules(later)
    assert later.advice == Advice.RECHECK_ORAL.value  # and take the next one by mouth


def test_a_lower_forehead_reading_does_not_break_a_sustained_run() -> None:
    result = run(reading(38.1, 70), reading(36.9, 40, site=Site.FOREHEAD), reading(38.2, 0))
    assert result.disposition is Disposition.EMERGENCY
    assert "R2" in rules(result)


def test_a_lower_oral_reading_still_ends_a_recheck() -> None:
    assert run(reading(38.1, 65), reading(37.0, 0)).disposition is Disposition.NONE


def test_a_fever_reported_now_from_30_hours_ago_still_pages() -> None:
    taken = NOW - timedelta(hours=30)
    fever = Reading(39.0, taken, reported_at=NOW)
    result = run(fever)
    assert result.disposition is Disposition.EMERGENCY
    assert "R2" in rules(result)


def test_a_reported_fever_leaves_the_rules_view_48_hours_after_it_was_reported() -> None:
    fever = Reading(39.0, NOW - timedelta(hours=50), reported_at=NOW - timedelta(hours=49))
    assert run(fever).disposition is Disposition.NONE


def test_a_normal_reading_taken_long_ago_is_not_held_in_view() -> None:
    old = Reading(37.9, NOW - timedelta(hours=30), reported_at=NOW)
    assert run(old).disposition is Disposition.NONE


def test_the_teams_own_lower_threshold_wins() -> None:
    card = ClinicalHistory(readings=(reading(37.8),), team=TeamThresholds(at_or_above_c=37.5))
    result = assess(patient(), card, NOW, DEFAULT)
    assert result.disposition is Disposition.URGENT
    assert "team's own threshold" in reason(result, "R8")


def test_a_reading_below_the_teams_threshold_still_gets_the_default_recheck() -> None:
    card = ClinicalHistory(readings=(reading(37.6),), team=TeamThresholds(at_or_above_c=38.0))
    assert assess(patient(), card, NOW, DEFAULT).disposition is Disposition.RECHECK


def test_the_teams_own_low_threshold_wins() -> None:
    card = ClinicalHistory(readings=(reading(35.8),), team=TeamThresholds(below_c=36.0))
    result = assess(patient(), card, NOW, DEFAULT)
    assert result.disposition is Disposition.URGENT
    assert "team's own threshold" in reason(result, "R7")


# --- issue 10, problem 11: over-escalation that trains the team to ignore pages ------------------


def test_a_raised_reading_just_after_a_hot_drink_asks_to_wait_and_recheck() -> None:
    warm = Reading(38.6, NOW, after_warming=True)
    result = run(warm)
    assert result.disposition is Disposition.RECHECK
    assert result.advice == Advice.WAIT_RECHECK.value
    assert result.recheck_after_minutes == DEFAULT.warming_recheck_minutes


def test_a_very_high_reading_after_a_hot_drink_still_pages() -> None:
    assert run(Reading(39.4, NOW, after_warming=True)).disposition is Disposition.EMERGENCY


def test_a_reading_after_a_hot_drink_with_a_symptom_still_pages() -> None:
    warm = Reading(38.5, NOW, after_warming=True)
    assert run(warm, symptom(SymptomCode.CHILLS)).pages_care_team


def test_a_normal_recheck_after_a_hot_drink_ends_it() -> None:
    warm = Reading(38.6, NOW - timedelta(minutes=25), after_warming=True)
    assert run(warm, reading(36.9, 0)).disposition is Disposition.NONE


def test_a_raised_recheck_after_a_hot_drink_is_a_fever() -> None:
    warm = Reading(38.6, NOW - timedelta(minutes=25), after_warming=True)
    assert run(warm, reading(38.5, 0)).disposition is Disposition.EMERGENCY


def test_ibuprofen_on_the_teams_schedule_with_a_normal_reading_needs_nothing() -> None:
    scheduled = FeverReducerDose(FeverReducer.IBUPROFEN, NOW, scheduled=True)
    assert run(scheduled, reading(36.8, 0)).disposition is Disposition.NONE


def test_scheduled_ibuprofen_with_chills_is_still_urgent() -> None:
    scheduled = FeverReducerDose(FeverReducer.IBUPROFEN, NOW, scheduled=True)
    result = run(scheduled, reading(36.8, 0), symptom(SymptomCode.CHILLS))
    assert result.pages_care_team and "R10" in rules(result)


def test_an_unscheduled_dose_with_no_reading_before_it_is_urgent() -> None:
    assert "R10" in rules(run(dose(30)))


def test_a_borderline_reading_the_texter_says_is_still_raised_is_urgent() -> None:
    still = ClinicalHistory(readings=(reading(38.1),), still_raised=True)
    result = assess(patient(), still, NOW, DEFAULT)
    assert result.disposition is Disposition.URGENT
    assert "still raised" in reason(result, "R5")
