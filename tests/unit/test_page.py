"""The care-team page shows what met the criteria: the readings and symptoms, with their times,
then the latest reading, and the ANC the rules judged by."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.clinical.anc import deciding_anc
from bot.clinical.model import (
    AncResult,
    Assessment,
    ClinicalHistory,
    Disposition,
    FiredRule,
    PatientContext,
    Reading,
    Reporter,
    SymptomCode,
    SymptomEvent,
)
from bot.clinical.page import PAGE_MAX_CHARS, PageFacts, care_team_page, readings_that_met
from bot.clinical.profiles import DEFAULT_PROFILE, UK_PROFILE, RuleProfile
from bot.clinical.rules import assess

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 24, 23, 0, tzinfo=timezone.utc)  # Tuesday 6:00pm in New York
CHEMO = date(2026, 11, 15)


def at(hours_ago: float) -> datetime:
    return NOW - timedelta(hours=hours_ago)


def page_for(
    readings: tuple[Reading, ...] = (),
    symptoms: tuple[SymptomEvent, ...] = (),
    ancs: tuple[AncResult, ...] = (),
    *,
    name: str = "Alex Morgan",
    profile: RuleProfile = DEFAULT_PROFILE,
    update: bool = False,
) -> tuple[Assessment, str]:
    """Assess as the rules do, then build the page as escalation does."""
    context = PatientContext(chemo_dates=(CHEMO,), anc_results=ancs)
    assessment = assess(
        context, ClinicalHistory(readings=readings, symptoms=symptoms), NOW, profile
    )
    facts = PageFacts(
        code="K7Q",
        disposition=assessment.disposition,
        patient_name=name,
        callback_phone="+16175550101",
        reporter=Reporter.PATIENT,
        fired=assessment.fired,
        criteria_readings=readings_that_met(readings, assessment.fired, profile),
        latest_reading=readings[-1] if readings else None,
        symptoms=symptoms,
        last_chemo=CHEMO,
        anc=deciding_anc(ancs, NOW, profile),
    )
    return assessment, care_team_page(facts, NOW, TZ, update=update)


def test_a_sustained_fever_stays_on_the_page_after_normal_readings() -> None:
    readings = (
        Reading(38.1, at(6)),  # 12:00pm
        Reading(38.2, at(5)),  # 1:00pm
        Reading(37.0, at(3)),
        Reading(37.1, at(2)),
        Reading(36.9, at(1)),  # 5:00pm
    )
    assessment, page = page_for(readings)
    assert {rule.rule for rule in assessment.fired} >= {"R2", "R6"}
    assert "Temp 38.1C/100.6F 12:00pm; 38.2C/100.8F 1:00pm" in page
    assert "1:00pm. Latest 36.9C/98.4F 5:00pm" in page
    assert "37.0C" not in page and "37.1C" not in page
    assert len(page) <= PAGE_MAX_CHARS


def test_a_fever_from_yesterday_shows_its_day() -> None:
    readings = (Reading(38.6, at(20)), Reading(37.0, at(1)))  # Mon 10:00pm, then today
    _, page = page_for(readings)
    assert "Temp 38.6C/101.5F Mon 10:00pm" in page and "Latest 37.0C/98.6F 5:00pm" in page


def test_no_latest_line_when_the_latest_reading_met_the_criteria() -> None:
    _, page = page_for((Reading(37.0, at(3)), Reading(38.7, at(1))))
    assert "Temp 38.7C/101.7F 5:00pm" in page and "Latest" not in page and "37.0C" not in page


def test_many_raised_readings_show_the_first_the_highest_and_the_last() -> None:
    readings = tuple(Reading(38.0 + step / 10, at(8 - step)) for step in range(8))
    readings += (Reading(38.1, at(0.5)),)
    _, page = page_for(readings)
    assert "Temp 38.0C/100.4F 10:00am; 38.7C/101.7F 5:00pm; 38.1C/100.6F 5:30pm" in page


def test_the_page_shows_the_recent_low_anc_the_rules_used_not_a_newer_normal_one() -> None:
    ancs = (AncResult(0.3, at(30)), AncResult(1.8, at(3)))
    assessment, page = page_for((Reading(38.1, at(1)),), ancs=ancs)  # R3: 38.0-38.2, ANC<0.5
    assert [rule.rule for rule in assessment.fired] == ["R3"]
    assert "ANC 0.3 (30h old)" in page and "1.8" not in page
    assessment, page = page_for((Reading(38.9, at(1)),), ancs=(AncResult(0.8, at(40)), *ancs[1:]))
    assert [rule.rule for rule in assessment.fired] == ["R2"]
    assert "ANC 0.8 (40h old)" in page


def test_the_page_anc_is_the_one_the_fever_rule_names() -> None:
    cases = [
        (AncResult(0.3, at(30)), AncResult(1.8, at(3))),  # recent low wins over newer normal
        (AncResult(0.9, at(60)), AncResult(1.8, at(3))),  # low too old: recent normal
        (AncResult(0.4, at(20)), AncResult(0.7, at(2))),  # two lows: the lowest
        (AncResult(2.2, at(30)), AncResult(1.6, at(10))),  # two normals: the latest recent one
    ]
    for ancs in cases:
        assessment = assess(
            PatientContext(chemo_dates=(CHEMO,), anc_results=ancs),
            ClinicalHistory(readings=(Reading(38.9, at(1)),)),
            NOW,
            DEFAULT_PROFILE,
        )
        chosen = deciding_anc(ancs, NOW, DEFAULT_PROFILE)
        assert chosen is not None
        assert f"ANC {chosen.value:g} measured" in assessment.fired[0].reason, ancs


def test_deciding_anc_falls_back_to_the_latest_on_record() -> None:
    assert deciding_anc((), NOW, DEFAULT_PROFILE) is None
    old = (AncResult(0.2, at(100)), AncResult(2.0, at(72)))
    assert deciding_anc(old, NOW, DEFAULT_PROFILE) == old[1]


def test_a_criteria_symptom_shows_since_when() -> None:
    sunday = datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc)
    symptoms = (
        SymptomEvent(SymptomCode.CONFUSION, at(1), onset_at=sunday),
        SymptomEvent(SymptomCode.COUGH, at(2)),
    )
    assessment, page = page_for((Reading(37.0, at(1)),), symptoms)
    assert assessment.disposition is Disposition.EMERGENCY
    assert "Sx confusion since Sun, cough 4:00pm" in page
    assert "Latest temp 37.0C/98.6F 5:00pm" in page


def test_readings_that_met_follow_each_rules_band() -> None:
    readings = (Reading(35.4, at(3)), Reading(37.6, at(2)), Reading(38.4, at(1)))
    by_rules = {
        ("R2",): [38.4],
        ("R8",): [37.6, 38.4],
        ("R7",): [35.4],
        ("R9",): [],
        ("R1", "R10"): [37.6, 38.4],
    }
    for rules, expected in by_rules.items():
        fired = tuple(FiredRule(rule, Disposition.URGENT, rule) for rule in rules)
        met = readings_that_met(readings, fired, DEFAULT_PROFILE)
        assert [r.celsius for r in met] == expected, rules


def test_a_team_threshold_the_page_is_not_told_still_shows_its_reading() -> None:
    readings = (Reading(37.2, at(3)), Reading(37.4, at(2)), Reading(36.8, at(1)))
    fired = (FiredRule("R8", Disposition.URGENT, "R8 (the team's own threshold): 37.4 C"),)
    assert [r.celsius for r in readings_that_met(readings, fired, UK_PROFILE)] == [37.4]


def test_a_busy_page_keeps_within_the_sms_budget() -> None:
    readings = tuple(Reading(38.0 + step / 10, at(12 - step)) for step in range(10))
    readings += (Reading(36.9, at(0.5)),)
    symptoms = tuple(
        SymptomEvent(code, at(1), onset_at=at(40))
        for code in (
            SymptomCode.CONFUSION,
            SymptomCode.SHORT_OF_BREATH,
            SymptomCode.URINARY_PAIN,
            SymptomCode.MOUTH_SORES,
            SymptomCode.LINE_SITE,
            SymptomCode.SORE_THROAT,
        )
    )
    for update in (False, True):
        _, page = page_for(
            readings,
            symptoms,
            (AncResult(0.05, at(20)),),
            name="Alexandra Montgomery-Fitzwilliam",
            update=update,
        )
        assert len(page) <= PAGE_MAX_CHARS and page.startswith("UPDATE NADIR") == update
    for expected in ("38.9C", "Latest 36.9C", "Sx confusion since Mon", "ANC 0.05", "ACK K7Q"):
        assert expected in page
