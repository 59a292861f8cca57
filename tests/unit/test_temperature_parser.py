"""Temperatures as patients and caregivers text them (clinical-anchors §1.4, §6, §7 R0, §11)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.clinical.model import ReadingProblem, Site
from bot.clinical.temperature import parse_temperatures

CLINIC_TZ = ZoneInfo("America/New_York")
# Friday 20 November 2026, 1:00 pm in New York (EST, UTC-5)
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)

# minutes before NOW of the New York clock times used below
YESTERDAY_3PM = 22 * 60
YESTERDAY_SAME_TIME = 24 * 60
THIS_MORNING_8AM = 5 * 60
LAST_NIGHT_10PM = 15 * 60

IMPLAUSIBLE = ReadingProblem.IMPLAUSIBLE
AMBIGUOUS = ReadingProblem.AMBIGUOUS
AGE_OR_TEMPERATURE = ReadingProblem.AGE_OR_TEMPERATURE


@dataclass(frozen=True)
class Want:
    """What one reading should look like."""

    celsius: float | None
    unit: str | None = None
    site: Site | None = None
    problem: ReadingProblem | None = None
    minutes_ago: int = 0


def flagged(problem: ReadingProblem, unit: str | None = None) -> Want:
    return Want(celsius=None, unit=unit, problem=problem)


READINGS: list[tuple[str, tuple[Want, ...]]] = [
    # thresholds and inferred units (clinical-anchors §1.4, §11)
    ("38.4", (Want(38.4),)),
    ("100.4", (Want(38.0),)),
    ("101", (Want(38.33),)),
    ("100.9", (Want(38.28),)),
    ("100.5", (Want(38.06),)),
    ("39", (Want(39.0),)),
    ("96.8", (Want(36.0),)),
    ("98.6", (Want(37.0),)),
    ("99.5", (Want(37.5),)),
    ("38.0", (Want(38.0),)),
    ("32", (Want(32.0),)),
    ("43", (Want(43.0),)),
    ("89.6", (Want(32.0),)),
    ("109.4", (Want(43.0),)),
    # comma decimals
    ("38,4", (Want(38.4),)),
    ("38,6", (Want(38.6),)),
    ("temp 37,9 this morning", (Want(37.9, minutes_ago=THIS_MORNING_8AM),)),
    ("101,2", (Want(38.44),)),
    # written units
    ("101.2F", (Want(38.44, "F"),)),
    ("101.2 °F", (Want(38.44, "F"),)),
    ("101 deg f", (Want(38.33, "F"),)),
    ("101.5 degrees F", (Want(38.61, "F"),)),
    ("101 fahrenheit", (Want(38.33, "F"),)),
    ("101 farenheit", (Want(38.33, "F"),)),
    ("100.4 F", (Want(38.0, "F"),)),
    ("37.9c", (Want(37.9, "C"),)),
    ("38.2 celsius", (Want(38.2, "C"),)),
    ("38.6 celcius", (Want(38.6, "C"),)),
    ("38.1 centigrade", (Want(38.1, "C"),)),
    ("38.5°C", (Want(38.5, "C"),)),
    ("38.5 ºC", (Want(38.5, "C"),)),
    ("38.6 degrees celsius", (Want(38.6, "C"),)),
    ("Temperature 38.5 C", (Want(38.5, "C"),)),
    # degree signs people's phones put in: º (ordinal), ˚ (ring above), or a space before C
    ("38.6ºC", (Want(38.6, "C"),)),
    ("38.6˚C", (Want(38.6, "C"),)),
    ("39.1 C", (Want(39.1, "C"),)),
    ("39°", (Want(39.0),)),
    ("39 °C", (Want(39.0, "C"),)),
    ("38.6 deg", (Want(38.6),)),
    ("T=38.9", (Want(38.9),)),
    ("T 38.9", (Want(38.9),)),
    ("temp:38.4", (Want(38.4),)),
    ("temp=38.4", (Want(38.4),)),
    # "degrees" alone is not a unit: the range decides
    ("101 degrees", (Want(38.33),)),
    ("38 degrees", (Want(38.0),)),
    ("she's 39 degrees", (Want(39.0),)),
    # temperature words, typos and the way people talk
    ("temp is 100.8", (Want(38.22),)),
    ("my husband is at 38.4", (Want(38.4),)),
    ("she's running 101", (Want(38.33),)),
    # reports phrased as questions: the number is the reading, not an age or a dose
    ("can i take tylenol for 38.6?", (Want(38.6),)),
    ("is 38 too high for someone on chemo", (Want(38.0),)),
    ("is 101 a fever", (Want(38.33),)),
    ("my husband is 101 what do i do", (Want(38.33),)),
    ("fever of 102", (Want(38.89),)),
    ("t 38.1", (Want(38.1),)),
    ("T=38.3", (Want(38.3),)),
    ("temp:38.6", (Want(38.6),)),
    ("tmp 101", (Want(38.33),)),
    ("temprature 38.5", (Want(38.5),)),
    ("tempreture is 38.2", (Want(38.2),)),
    ("my temp is 38", (Want(38.0),)),
    ("she is 39.2", (Want(39.2),)),
    ("it's 38", (Want(38.0),)),
    ("He's at 38.9 and shivering", (Want(38.9),)),
    ("thermometer says 38.7", (Want(38.7),)),
    ("Hi, my son is 12 and has 38.5", (Want(38.5),)),
    ("38.4!!!", (Want(38.4),)),
    ("🤒 38.9", (Want(38.9),)),
    # spelled-out numbers
    ("thirty eight point five", (Want(38.5),)),
    ("one hundred and one", (Want(38.33),)),
    ("a hundred point four", (Want(38.0),)),
    ("ninety nine point five", (Want(37.5),)),
    ("ninety eight point six", (Want(37.0),)),
    ("temp is thirty-nine", (Want(39.0),)),
    ("one oh two", (Want(38.89),)),
    ("38 point 5", (Want(38.5),)),
    ("temp 101 point 2", (Want(38.44),)),
    ("38 and a half", (Want(38.5),)),
    # thermometer site
    ("99.5 under my arm", (Want(37.5, site=Site.ARMPIT),)),
    ("37.5 armpit", (Want(37.5, site=Site.ARMPIT),)),
    ("axillary 37.9", (Want(37.9, site=Site.ARMPIT),)),
    ("38.5 in her ear", (Want(38.5, site=Site.EAR),)),
    ("tympanic 38.3", (Want(38.3, site=Site.EAR),)),
    ("forehead 37.8", (Want(37.8, site=Site.FOREHEAD),)),
    ("temporal scanner 38.0", (Want(38.0, site=Site.FOREHEAD),)),
    ("oral 38", (Want(38.0, site=Site.ORAL),)),
    ("38.1 under the tongue", (Want(38.1, site=Site.ORAL),)),
    ("38.2 by mouth", (Want(38.2, site=Site.ORAL),)),
    ("38.4 in mouth", (Want(38.4, site=Site.ORAL),)),
    ("38.6 (oral)", (Want(38.6, site=Site.ORAL),)),
    ("temp 38 rectally", (Want(38.0, site=Site.RECTAL),)),
    ("rectal 38.4", (Want(38.4, site=Site.RECTAL),)),
    ("38.3 in his bum", (Want(38.3, site=Site.RECTAL),)),
    (
        "forehead 37.8 and oral 38.4",
        (Want(37.8, site=Site.FOREHEAD), Want(38.4, site=Site.ORAL)),
    ),
    # when each reading was taken
    (
        "100.6. Half an hour later: 101.8",
        (Want(38.11, minutes_ago=30), Want(38.78)),
    ),
    (
        "it was 38.1 an hour ago and now 38.6",
        (Want(38.1, minutes_ago=60), Want(38.6)),
    ),
    ("38.4 at 3pm", (Want(38.4, minutes_ago=YESTERDAY_3PM),)),
    ("at 3pm it was 38.4", (Want(38.4, minutes_ago=YESTERDAY_3PM),)),
    ("101 this morning", (Want(38.33, minutes_ago=THIS_MORNING_8AM),)),
    ("38.4 30 min ago", (Want(38.4, minutes_ago=30),)),
    ("an hour ago it was 38.2", (Want(38.2, minutes_ago=60),)),
    ("38.9 last night", (Want(38.9, minutes_ago=LAST_NIGHT_10PM),)),
    ("38.4 yesterday", (Want(38.4, minutes_ago=YESTERDAY_SAME_TIME),)),
    ("38.3 at 2:45am", (Want(38.3, minutes_ago=10 * 60 + 15),)),
    ("38.5 this afternoon", (Want(38.5),)),
    ("temp 38.4 taken 2 hours ago", (Want(38.4, minutes_ago=120),)),
    (
        "temp was 38.2 at 11am and 38.5 at 12:15pm",
        (Want(38.2, minutes_ago=120), Want(38.5, minutes_ago=45)),
    ),
    (
        "38.6 at 3pm, 38.9 now",
        (Want(38.6, minutes_ago=YESTERDAY_3PM), Want(38.9)),
    ),
    (
        "Temperature was 101.3 last night and 102 now",
        (Want(38.5, minutes_ago=LAST_NIGHT_10PM), Want(38.89)),
    ),
    ("38.1, then 38.6 an hour later", (Want(38.1, minutes_ago=60), Want(38.6))),
    ("38.1 and 38.6 an hour apart", (Want(38.1, minutes_ago=60), Want(38.6))),
    (
        "temp 101 at noon, an hour later 101.8",
        (Want(38.33, minutes_ago=60), Want(38.78)),
    ),
    (
        "38.3 at 11am. 20 mins later 38.5",
        (Want(38.3, minutes_ago=120), Want(38.5, minutes_ago=100)),
    ),
    # a time about something else does not move the reading
    ("Took tylenol at 6, temp 38.4", (Want(38.4),)),
    ("Took tylenol 2 hours ago, temp 37.8", (Want(37.8),)),
    ("I had chemo yesterday. Temp 38.4", (Want(38.4),)),
    # other numbers in the same message
    ("temp 38.4 pulse 98", (Want(38.4),)),
    ("temp 38.1 sats 97 pulse 110", (Want(38.1),)),
    ("ANC 0.8, temp 38.4", (Want(38.4),)),
    ("BP 100/60 temp 37.2", (Want(37.2),)),
    ("38.4 and 5 times diarrhea", (Want(38.4),)),
    ("Temp 38.5. Had chemo on the 12th, cycle 3 day 10", (Want(38.5),)),
    ("39.1 then 38.2", (Want(39.1), Want(38.2))),
    ("still 38.1", (Want(38.1),)),
    # a measure named before "and" is another item, not this number
    (
        "on the scheduled ibuprofen for neulasta pain and its 100.9 this morning",
        (Want(38.28, minutes_ago=THIS_MORNING_8AM),),
    ),
    ("101.5 at 3am now 99", (Want(38.61, minutes_ago=10 * 60), Want(37.22))),
    # a duration is a sustained reading: the same value at the start and at the end of the spell
    ("100.5 for 2 hrs", (Want(38.06, minutes_ago=120), Want(38.06))),
    ("its been 38.1 for over an hour now", (Want(38.1, minutes_ago=60), Want(38.1))),
    ("temp 100.5 x3hrs", (Want(38.06, minutes_ago=180), Want(38.06))),
    (
        "shes been sat on 38 dead for the last hour and a half",
        (Want(38.0, minutes_ago=90), Want(38.0)),
    ),
    ("38.1 for the past 90 mins", (Want(38.1, minutes_ago=90), Want(38.1))),
    ("38.1 for 15 mins", (Want(38.1, minutes_ago=15), Want(38.1))),
    ("for the last hour she's been 38.1", (Want(38.1, minutes_ago=60), Want(38.1))),
    ("38.2 all night", (Want(38.2, minutes_ago=LAST_NIGHT_10PM), Want(38.2))),
    ("38.4 since this morning", (Want(38.4, minutes_ago=THIS_MORNING_8AM), Want(38.4))),
    ("38.4 since 8", (Want(38.4, minutes_ago=THIS_MORNING_8AM), Want(38.4))),
    # the spell told after the reading, in words that say it is the same one
    (
        "38.2 and its been stuck there since half 8",
        (Want(38.2, minutes_ago=THIS_MORNING_8AM - 30), Want(38.2)),
    ),
    (
        "been sat at 100.6 since then, must be 2 hours now",
        (Want(38.11, minutes_ago=120), Want(38.11)),
    ),
    # "took her temp at 8.15": the time is the reading's, not another event's
    (
        "took her temp at 8.15 it was 38.0, just done it again 38.1",
        (Want(38.0, minutes_ago=THIS_MORNING_8AM - 15), Want(38.1)),
    ),
    # clock times with a dot after "at" ("at 8.15") are times, not readings
    (
        "mouth 38.0 at 8.15 and 38.1 at 9.30",
        (
            Want(38.0, minutes_ago=THIS_MORNING_8AM - 15),
            Want(38.1, minutes_ago=THIS_MORNING_8AM - 90),
        ),
    ),
    (
        "38.0 38.1 38.1 38.2 checking every half hour since 8",
        (
            Want(38.0, minutes_ago=THIS_MORNING_8AM),
            Want(38.1, minutes_ago=THIS_MORNING_8AM - 30),
            Want(38.1, minutes_ago=THIS_MORNING_8AM - 60),
            Want(38.2, minutes_ago=THIS_MORNING_8AM - 90),
        ),
    ),
    (
        "38.0 38.1 38.2 every 30 mins",
        (Want(38.0, minutes_ago=60), Want(38.1, minutes_ago=30), Want(38.2)),
    ),
    # a duration about something else is not the reading's
    ("took tylenol 2 hrs ago, 38.1", (Want(38.1),)),
    ("fever for 2 days, now 38.1", (Want(38.1),)),
    ("38.1 and diarrhea for 2 days", (Want(38.1),)),
    ("chemo for 3 days, 38.4", (Want(38.4),)),
    ("leaflet says ring if 38 for an hour", (Want(38.0),)),  # a quoted rule, not a spell
    # a range is one reading at its highest value
    ("101-102", (Want(38.89),)),
    ("101/102", (Want(38.89),)),
    ("38.5-38.7", (Want(38.7),)),
    ("between 38.5 and 39", (Want(39.0),)),
    ("101 to 102", (Want(38.89),)),
    ("38.5 - 39", (Want(39.0),)),
    ("temp 101-102F", (Want(38.89, "F"),)),
    # a change is two readings, not a range
    ("went from 38.1 to 38.9", (Want(38.1), Want(38.9))),
    # not usable as a reading: ask the person to check (clinical-anchors §7 R0)
    ("38F", (flagged(IMPLAUSIBLE, "F"),)),
    ("101C", (flagged(IMPLAUSIBLE, "C"),)),
    ("45", (flagged(IMPLAUSIBLE),)),
    ("30", (flagged(IMPLAUSIBLE),)),
    ("1000", (flagged(IMPLAUSIBLE),)),
    ("43.1", (flagged(IMPLAUSIBLE),)),
    ("109.5", (flagged(IMPLAUSIBLE),)),
    ("89.5", (flagged(IMPLAUSIBLE),)),
    ("temp 45", (flagged(IMPLAUSIBLE),)),
    ("temp 110", (flagged(IMPLAUSIBLE),)),
    ("fever 50 degrees", (flagged(IMPLAUSIBLE),)),
    ("986", (flagged(AMBIGUOUS),)),
    ("1004", (flagged(AMBIGUOUS),)),
    ("384", (flagged(AMBIGUOUS),)),
    ("my temp is 986", (flagged(AMBIGUOUS),)),
    ("temp 9.86", (flagged(AMBIGUOUS),)),
    ("986F", (flagged(AMBIGUOUS, "F"),)),
    ("3 8 . 4", (flagged(AMBIGUOUS),)),
    ("38 . 4", (flagged(AMBIGUOUS),)),
    # a whole number about a person: an age or a temperature? ask
    ("she is 39", (flagged(AGE_OR_TEMPERATURE),)),
    ("my husband is 38", (flagged(AGE_OR_TEMPERATURE),)),
    ("mum is 38 today", (flagged(AGE_OR_TEMPERATURE),)),
    ("my wife is 38", (flagged(AGE_OR_TEMPERATURE),)),
    ("dad's 38", (flagged(AGE_OR_TEMPERATURE),)),
    ("shes 38", (flagged(AGE_OR_TEMPERATURE),)),
    ("I'm 38 and feel feverish", (flagged(AGE_OR_TEMPERATURE),)),
    # ... but not when it cannot be an age, or is said with a time
    ("hes 101", (Want(38.33),)),
    ("she's 101", (Want(38.33),)),
    ("mums 39 now", (Want(39.0),)),
    ("dad's 38.5", (Want(38.5),)),
    # numbers that are not temperatures
    ("I have 2 kids", ()),
    ("day 10 of cycle 3", ()),
    ("ANC 0.8", ()),
    ("anc 800", ()),
    ("neuts 1.2", ()),
    ("took 2 tylenol at 6", ()),
    ("pulse 110", ()),
    ("pulse is 98", ()),
    ("heart rate 98", ()),
    ("hr 104", ()),
    ("bp 120/80", ()),
    ("o2 95%", ()),
    ("sats 97", ()),
    ("spo2 96", ()),
    ("resp rate 20", ()),
    ("weight 98 kg", ()),
    ("she weighs 98 lbs", ()),
    ("diarrhea 5 times", ()),
    ("30 min ago", ()),
    ("at 3pm", ()),
    ("at 15:30", ()),
    ("room 101", ()),
    ("I'm in bay 39 waiting, nobody's come yet", ()),
    ("platelets 95 and pulse 98", ()),
    ("call me at 555 0100", ()),
    ("+1 617 555 0100", ()),
    ("(617) 555-0100", ()),
    ("chemo on the 12th", ()),
    ("2 days ago", ()),
    ("I'm 38 years old", ()),
    ("I'm 38", ()),
    ("she is 39 years old", ()),
    ("my husband is 38, we have 2 kids", ()),
    ("I'm 38 and this is my 3rd cycle", ()),
    ("take 500", ()),
    ("platelets 95", ()),
    ("platelets are 95", ()),
    ("wbc 2.1", ()),
    ("12/11", ()),
    ("120/80", ()),
    ("1-2 times", ()),
    ("37/38 weeks", ()),
    ("bp 98/100", ()),
    ("2026-11-20", ()),
    ("it's 20 degrees outside", ()),
    ("took 40 mg", ()),
    ("my temp is fine, I have 2 kids", ()),
]


@pytest.mark.parametrize(("text", "wanted"), READINGS, ids=[text for text, _ in READINGS])
def test_reads_the_temperatures_in_a_message(text: str, wanted: tuple[Want, ...]) -> None:
    readings = parse_temperatures(text, NOW, CLINIC_TZ)

    got = [
        Want(
            celsius=reading.celsius,
            unit=reading.unit_given,
            site=reading.site,
            problem=reading.problem,
            minutes_ago=round((NOW - reading.measured_at) / timedelta(minutes=1)),
        )
        for reading in readings
    ]
    assert got == list(wanted)
    for reading in readings:
        assert reading.raw
        assert reading.raw in " ".join(text.split())
        assert reading.measured_at.utcoffset() == timedelta(0)


def test_table_covers_at_least_a_hundred_phrasings() -> None:
    assert len(READINGS) >= 100


@pytest.mark.parametrize(
    ("text", "value"),
    [("38,4", 38.4), ("986", 986.0), ("101.2F", 101.2), ("thirty eight point five", 38.5)],
)
def test_value_is_the_number_as_written(text: str, value: float) -> None:
    (reading,) = parse_temperatures(text, NOW, CLINIC_TZ)

    assert reading.value == value


def test_flagged_values_are_never_valid_readings() -> None:
    for text in ("45", "986", "101C", "3 8 . 4"):
        (reading,) = parse_temperatures(text, NOW, CLINIC_TZ)
        assert not reading.is_valid
        assert reading.celsius is None


def test_raw_is_the_part_of_the_message_the_reading_came_from() -> None:
    text = "Morning! Slept badly. my husband is at 38.4 under his arm, shall I call?"

    (reading,) = parse_temperatures(text, NOW, CLINIC_TZ)

    assert "38.4" in reading.raw
    assert "under his arm" in reading.raw
    assert "Slept" not in reading.raw
    assert reading.site is Site.ARMPIT


def test_a_duration_gives_two_readings_with_the_same_value_and_words() -> None:
    first, last = parse_temperatures("its been 38.1 for over an hour now", NOW, CLINIC_TZ)

    assert first.raw == last.raw == "its been 38.1 for over an hour now"
    assert first.value == last.value == 38.1
    # "over an hour" is exactly the hour that makes a fever sustained (clinical-anchors §6)
    assert last.measured_at - first.measured_at == timedelta(hours=1)
    assert last.measured_at == NOW


def test_almost_an_hour_is_not_a_full_hour() -> None:
    first, last = parse_temperatures("38.2 for almost an hour", NOW, CLINIC_TZ)

    assert timedelta(0) < last.measured_at - first.measured_at < timedelta(hours=1)


def test_clock_times_later_than_now_are_yesterday() -> None:
    ten_am = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)

    readings = parse_temperatures("38.0 at 14:10 and 38.1 at 15:20", ten_am, CLINIC_TZ)

    assert [(reading.celsius, ten_am - reading.measured_at) for reading in readings] == [
        (38.0, timedelta(hours=19, minutes=50)),
        (38.1, timedelta(hours=18, minutes=40)),
    ]


@pytest.mark.parametrize(
    ("text", "raw", "value"),
    [
        ("101-102", "101-102", 102.0),
        ("its 101/102", "101/102", 102.0),
        ("38.5-38.7", "38.5-38.7", 38.7),
        ("temp between 38.5 and 39", "temp between 38.5 and 39", 39.0),
        ("101 to 102", "101 to 102", 102.0),
        ("38.5 - 39 all morning", "38.5 - 39", 39.0),
    ],
)
def test_a_range_is_read_as_its_highest_value(text: str, raw: str, value: float) -> None:
    reading = parse_temperatures(text, NOW, CLINIC_TZ)[-1]

    assert reading.from_range
    assert reading.value == value
    assert raw in reading.raw


def test_a_single_reading_is_not_a_range() -> None:
    (reading,) = parse_temperatures("38.5", NOW, CLINIC_TZ)

    assert not reading.from_range


def test_an_age_or_a_temperature_is_asked_about_and_never_valid() -> None:
    (reading,) = parse_temperatures("she is 39", NOW, CLINIC_TZ)

    assert reading.problem is ReadingProblem.AGE_OR_TEMPERATURE
    assert reading.value == 39.0
    assert not reading.is_valid


def test_readings_come_back_in_the_order_written() -> None:
    readings = parse_temperatures("39.4 at 11am then 37.9 now", NOW, CLINIC_TZ)

    assert [reading.celsius for reading in readings] == [39.4, 37.9]
    assert readings[0].measured_at < readings[1].measured_at


# --- robustness: an SMS can contain anything -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n",
        "🤒🌡️🔥😰",
        "\x00\x01\x02\x1b[31m\x7f",
        "'; DROP TABLE readings; --",
        "<script>alert(1)</script>",
        "SELECT * FROM patients WHERE 1=1",
        "İİİ ß ﬁ",
    ],
)
def test_garbage_gives_no_readings(text: str) -> None:
    assert parse_temperatures(text, NOW, CLINIC_TZ) == []


def test_control_characters_do_not_hide_a_reading() -> None:
    readings = parse_temperatures("temp\x00 38\u200b.4\x07", NOW, CLINIC_TZ)

    assert [reading.celsius for reading in readings] == [38.4]


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10_000,
        "9" * 10_000,
        "1 " * 5_000,
        "3 8 . 4 " * 1_250,
        "temp 38.4 an hour later 39 at 3 this morning oral " * 200,
        "555 0100 " * 1_100,
        "38,4," * 2_000,
        "thirty eight point five " * 400,
        "at " * 3_000 + "3pm",
        "((((((((((" * 1_000,
    ],
)
def test_huge_messages_are_handled_quickly(text: str) -> None:
    started = time.perf_counter()

    readings = parse_temperatures(text, NOW, CLINIC_TZ)

    assert time.perf_counter() - started < 2.0
    assert all(reading.measured_at <= NOW for reading in readings)


def test_random_input_never_raises_and_never_yields_an_invalid_reading() -> None:
    pieces = [
        *"0123456789 .,:/-°cfCF%\n\t!?",
        "temp ",
        "at ",
        "pm",
        " ago",
        "hour",
        "later",
        "oral",
        "ear",
        "she's ",
        "thirty ",
        "point ",
        "hundred ",
        "yesterday",
        "last night",
        "\x00",
        "İ",
        "١٢",
        "🙂",
    ]
    generator = random.Random(20261120)
    for _ in range(3_000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 40)))
        for reading in parse_temperatures(text, NOW, CLINIC_TZ):
            assert reading.measured_at <= NOW
            if reading.problem is None:
                assert reading.celsius is not None
                assert 32.0 <= reading.celsius <= 43.0
            else:
                assert reading.celsius is None


def test_a_reading_asked_about_after_phone_is_a_reading() -> None:
    readings = parse_temperatures("would you phone with 37.8?", NOW, CLINIC_TZ)
    assert [r.celsius for r in readings] == [37.8]


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("thirty eight nine", 38.9),
        ("38 something, cant read it properly", 38.9),
        ("its over 38 on the ear one", 38.5),
        ("39+ and shivering", 39.5),
        ("my father is with 38,4 of fever", 38.4),
    ],
)
def test_approximate_and_spoken_readings_are_read_at_their_highest(
    text: str, celsius: float
) -> None:
    readings = [r for r in parse_temperatures(text, NOW, CLINIC_TZ) if r.is_valid]
    assert readings and readings[0].celsius == celsius


def test_call_if_over_38_is_not_read_as_over_38() -> None:
    readings = parse_temperatures("my diary says phone if over 38", NOW, CLINIC_TZ)
    assert all(not r.from_range for r in readings)  # the instruction's number, read as written
