"""Reading a whole report: the team's own thresholds and merging follow-up replies (pure)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.clinical.model import Reporter, SymptomCode, SymptomMention
from bot.clinical.report import parse_report, team_thresholds, with_symptoms

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc)


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_report(text, NOW, timezone.utc)


@pytest.mark.parametrize(
    ("text", "threshold", "readings"),
    [
        ("my card says ring at 37.5 and Im 37.8", 37.5, [37.8]),
        ("nurse told us to ring if she goes over 37.5, shes 37.9", 37.5, [37.9]),
        ("christie card says 37.5 or above and im 37.5", 37.5, [37.5]),
        ("fever card says 38.3 for emerg and im 38.2, feel fine", 38.3, [38.2]),
        ("the leaflet says call at 100.4, I'm 99.9", 38.0, [37.72]),
        # the hospital by its name
        ("the christie said anything over 37.5, just got 37.6 on the boots one", 37.5, [37.6]),
    ],
)
def test_a_quoted_team_threshold_is_not_a_reading(
    text: str, threshold: float, readings: list[float]
) -> None:
    report = parse(text)
    assert report.team is not None and report.team.at_or_above_c == threshold
    assert [r.celsius for r in report.readings] == readings


def test_a_lower_threshold_is_not_a_call_threshold() -> None:
    quoted = team_thresholds("my sheet says ring if under 36 or over 37.5")
    assert quoted == [(36.0, False), (37.5, True)]
    team = parse("my sheet says ring if under 36 or over 37.5. its 35.8").team
    assert team is not None and (team.at_or_above_c, team.below_c) == (37.5, 36.0)


def test_a_reading_without_instructions_has_no_team_threshold() -> None:
    assert parse("38.1 and shivery").team is None


def test_merging_keeps_the_red_flag_form_and_the_highest_count() -> None:
    report = parse("short of breath, diarrhoea 3 times")
    added = (
        SymptomMention(SymptomCode.SHORT_OF_BREATH, "can hardly breathe", NOW, red_flag=True),
        SymptomMention(SymptomCode.DIARRHOEA, "checklist", NOW, count=5),
    )
    merged = {m.code: m for m in with_symptoms(report, added).symptoms}
    assert merged[SymptomCode.SHORT_OF_BREATH].red_flag
    assert merged[SymptomCode.DIARRHOEA].count == 5


@pytest.mark.parametrize(
    "text",
    [
        "38.4 but id literally just had a cup of tea",
        "just out of a hot bath and its saying 38.6",
        "had a hot chocolate 10 mins ago now 101.5",
        "38.6ºC but I'd just come in from the gym 20 mins ago",
        "after a hot bath it said 100.9",
    ],
)
def test_a_reading_just_after_a_hot_drink_or_bath_is_marked(text: str) -> None:
    (reading,) = parse(text).readings
    assert reading.after_warming


@pytest.mark.parametrize(
    "text",
    [
        "38.5, had a bath an hour ago",
        "did it again well over an hour after the tea and it was 38.1",
    ],
)
def test_a_bath_or_a_drink_an_hour_ago_does_not_mark_the_reading(text: str) -> None:
    (reading,) = parse(text).readings
    assert not reading.after_warming


def test_someone_elses_reading_is_not_the_patients() -> None:
    report = parse_report(
        "my son's got 101 and Im worried Ill catch it, mine's 98.1",
        NOW,
        timezone.utc,
        Reporter.PATIENT,
    )
    assert [round(r.celsius, 1) for r in report.readings] == [36.7]


def test_a_caregivers_husband_is_the_patient() -> None:
    report = parse_report("my husband is at 38.4", NOW, timezone.utc, Reporter.CAREGIVER)
    assert [r.celsius for r in report.readings] == [38.4]


def test_an_earlier_cycles_fever_told_as_history_is_not_a_reading() -> None:
    report = parse("back in march on FEC i was 38.9 and admitted, so far so good this time 98.0")
    assert [round(r.celsius, 1) for r in report.readings] == [36.7]


@pytest.mark.parametrize(("text", "still"), [("still 38.1", True), ("38.1", False)])
def test_still_raised_is_read(text: str, still: bool) -> None:
    assert parse(text).still_raised is still


@pytest.mark.parametrize(
    ("text", "texter", "celsius"),
    [
        ("hubby's come down with something nasty, 38.8 and shivering", Reporter.PATIENT, []),
        ("my cat has a temperature of 39.2 and the vet says thats normal", None, []),
        ("101 degrees in phoenix today lol staying in the AC, my temp 98.1", None, [36.72]),
        ("gran turns 101 next week, can I go to the party?", None, []),
        ("the chemo nurses did a 'chemo 101' session yesterday", None, []),
        (
            "had neutropenic sepsis in august, 39.5 and 4 days in. all fine now, 36.7",
            None,
            [36.7],
        ),
        ("she's running 101 and I'm fine", Reporter.PATIENT, []),
        ("she's running 101", Reporter.CAREGIVER, [38.33]),
    ],
)
def test_readings_that_are_not_the_patients_now_are_left_out(
    text: str, texter: Reporter | None, celsius: list[float]
) -> None:
    report = parse_report(text, NOW, timezone.utc, texter)
    assert [r.celsius for r in report.readings] == celsius


def test_every_number_an_instruction_gives_is_quoted() -> None:
    report = parse(
        "my instructions say check again in an hour if its 38, and go straight in if its 38.3"
    )
    assert report.readings == ()


def test_minutes_after_a_coffee_marks_the_reading() -> None:
    (reading,) = parse("100.9 about 5 mins after my coffee, no other symptoms").readings
    assert reading.after_warming


def test_sweating_straight_after_the_gym_is_not_chills() -> None:
    report = parse("100.6 right after the gym, I'm not ill just hot and sweaty")
    assert report.symptoms == ()
