"""When did it happen? Time words in an SMS, read in the clinic's timezone (New York)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.clinical.timewords import (
    find_durations,
    find_elapsed_phrases,
    find_intervals,
    find_time_reference,
    find_time_references,
    resolve_time,
)

CLINIC_TZ = ZoneInfo("America/New_York")
# Friday 20 November 2026, 1:00 pm in New York (EST, UTC-5)
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A New York wall-clock time in 2026, as the UTC datetime the parser should return."""
    return datetime(2026, month, day, hour, minute, tzinfo=CLINIC_TZ).astimezone(timezone.utc)


def at_local(hour: int, minute: int = 0, day: int = 20) -> datetime:
    """A `now` at the given New York clock time."""
    return local(day, hour, minute)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("just now", NOW),
        ("now", NOW),
        ("right now", NOW),
        ("an hour ago", NOW - timedelta(hours=1)),
        ("1 hr ago", NOW - timedelta(hours=1)),
        ("1 hour ago", NOW - timedelta(hours=1)),
        ("2h ago", NOW - timedelta(hours=2)),
        ("30 min ago", NOW - timedelta(minutes=30)),
        ("30 mins ago", NOW - timedelta(minutes=30)),
        ("45 minutes ago", NOW - timedelta(minutes=45)),
        ("half an hour ago", NOW - timedelta(minutes=30)),
        ("half hour ago", NOW - timedelta(minutes=30)),
        ("2 hours ago", NOW - timedelta(hours=2)),
        ("two hours ago", NOW - timedelta(hours=2)),
        ("a couple of hours ago", NOW - timedelta(hours=2)),
        ("an hour and a half ago", NOW - timedelta(minutes=90)),
        ("1.5 hours ago", NOW - timedelta(minutes=90)),
        ("1h30 ago", NOW - timedelta(minutes=90)),
        ("2 days ago", NOW - timedelta(days=2)),
        # a clock time later than now (1 pm) is yesterday
        ("at 3pm", local(19, 15)),
        ("at 3 pm", local(19, 15)),
        ("at 3:30 pm", local(19, 15, 30)),
        ("at 3.30pm", local(19, 15, 30)),
        ("at 15:30", local(19, 15, 30)),
        ("3pm", local(19, 15)),
        ("@ 3pm", local(19, 15)),
        ("at 11am", local(20, 11)),
        ("at 12:30", local(20, 12, 30)),
        ("at noon", local(20, 12)),
        ("at midnight", local(20, 0)),
        # "at 3" could be am or pm: the most recent 3 o'clock that has passed
        ("at 3", local(20, 3)),
        ("at 3 o'clock", local(20, 3)),
        ("at 7 this morning", local(20, 7)),
        ("at 11 last night", local(19, 23)),
        ("at 2 last night", local(20, 2)),
        ("yesterday at 3pm", local(19, 15)),
        ("today at 11am", local(20, 11)),
        ("today at 3pm", NOW),
        ("at 9am yesterday", local(19, 9)),
        ("this morning", local(20, 8)),
        ("this am", local(20, 8)),
        ("last night", local(19, 22)),
        ("yesterday", local(19, 13)),
        ("yesterday evening", local(19, 19)),
        # later today has not happened yet: clamp to now
        ("this afternoon", NOW),
        ("this evening", NOW),
        ("tonight", NOW),
    ],
)
def test_phrase_resolves_to_the_time_it_means(text: str, expected: datetime) -> None:
    reference = find_time_reference(text, NOW, CLINIC_TZ)

    assert reference is not None
    assert reference.when == expected
    assert reference.when.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("this morning", at_local(6, 30), at_local(6, 30)),
        ("this afternoon", at_local(17), local(20, 14)),
        ("this evening", at_local(21), local(20, 19)),
        ("tonight", at_local(21), local(20, 19)),
        ("last night", at_local(0, 30), local(19, 22)),
        ("at 3", at_local(16), local(20, 15)),
        ("at 3pm", at_local(16), local(20, 15)),
        ("at 3pm", at_local(15), local(20, 15)),
        ("at 3pm", at_local(14, 59), local(19, 15)),
    ],
)
def test_period_and_clock_words_depend_on_the_time_now(
    text: str, now: datetime, expected: datetime
) -> None:
    assert resolve_time(text, now, CLINIC_TZ) == expected


@pytest.mark.parametrize(
    "text",
    [
        "earlier",
        "a while ago",
        "I feel awful",
        "",
        "my husband is at 38.4",
        "at 101",
        "call me at 555 0100",
        "I have 2 kids",
        "about 3 times",
        "12/11",
        "I know",
    ],
)
def test_no_time_reference_keeps_now(text: str) -> None:
    assert find_time_reference(text, NOW, CLINIC_TZ) is None
    assert resolve_time(text, NOW, CLINIC_TZ) == NOW


def test_reference_reports_the_phrase_and_where_it_is() -> None:
    text = "temp 38.4 at 3pm, felt cold"

    reference = find_time_reference(text, NOW, CLINIC_TZ)

    assert reference is not None
    assert reference.phrase == "at 3pm"
    assert text[reference.start : reference.end] == "at 3pm"


def test_first_reference_is_the_one_written_first() -> None:
    text = "it was 38.1 an hour ago and now 38.6"

    references = find_time_references(text, NOW, CLINIC_TZ)

    assert [reference.phrase for reference in references] == ["an hour ago", "now"]
    assert resolve_time(text, NOW, CLINIC_TZ) == NOW - timedelta(hours=1)


@pytest.mark.parametrize(
    "text",
    [
        "at 3pm",
        "at 11pm",
        "at 23:59",
        "this evening",
        "tonight",
        "this afternoon",
        "this morning",
        "at 3",
        "now",
        "yesterday at 11pm",
        "at 9 tonight",
    ],
)
@pytest.mark.parametrize("now_hour", [0, 6, 8, 12, 13, 18, 23])
def test_never_returns_a_time_in_the_future(text: str, now_hour: int) -> None:
    now = at_local(now_hour)

    reference = find_time_reference(text, now, CLINIC_TZ)

    assert reference is not None
    assert reference.when <= now


def test_yesterday_keeps_the_local_clock_time_across_a_clock_change() -> None:
    # 8 March 2026: New York moved from EST to EDT at 2 am, so that day had 23 hours
    now = datetime(2026, 3, 8, 14, 0, tzinfo=CLINIC_TZ).astimezone(timezone.utc)

    when = resolve_time("yesterday", now, CLINIC_TZ)

    assert when.astimezone(CLINIC_TZ).replace(tzinfo=None) == datetime(2026, 3, 7, 14, 0)
    assert now - when == timedelta(hours=23)


def test_clock_words_use_the_clinic_timezone() -> None:
    london = ZoneInfo("Europe/London")

    new_york = resolve_time("at 11am", NOW, CLINIC_TZ)
    in_london = resolve_time("at 11am", NOW, london)

    assert new_york.astimezone(CLINIC_TZ).hour == 11
    assert in_london.astimezone(london).hour == 11
    assert new_york != in_london


@pytest.mark.parametrize(
    ("text", "elapsed"),
    [
        ("100.6. Half an hour later: 101.8", timedelta(minutes=30)),
        ("38.1, an hour later 38.6", timedelta(hours=1)),
        ("38.1 and 38.6 an hour apart", timedelta(hours=1)),
        ("20 mins after that it was 38.9", timedelta(minutes=20)),
    ],
)
def test_elapsed_phrases_give_the_gap_between_two_events(text: str, elapsed: timedelta) -> None:
    phrases = find_elapsed_phrases(text)

    assert [phrase.elapsed for phrase in phrases] == [elapsed]


def test_later_is_not_read_as_ago() -> None:
    assert find_time_reference("half an hour later it was 38.9", NOW, CLINIC_TZ) is None


def test_long_repetitive_input_still_resolves_every_phrase_to_the_past() -> None:
    text = "an hour ago at 3pm 38.4 " * 500

    references = find_time_references(text, NOW, CLINIC_TZ)

    assert references
    assert all(reference.when <= NOW for reference in references)


@pytest.mark.parametrize(
    ("text", "lasted"),
    [
        ("100.5 for 2 hrs", timedelta(hours=2)),
        ("for over an hour now", timedelta(hours=1)),  # exactly the hour that counts
        ("for more than an hour", timedelta(hours=1)),
        ("temp 100.5 x3hrs", timedelta(hours=3)),
        ("for the last hour and a half", timedelta(minutes=90)),
        ("for the past 90 mins", timedelta(minutes=90)),
        ("for the last half hour", timedelta(minutes=30)),
        ("for 15 mins", timedelta(minutes=15)),
        ("over the past hour", timedelta(hours=1)),
        ("for hours", timedelta(hours=2)),
        ("for almost an hour", timedelta(minutes=50)),
        # the amount said first, "now" after it
        ("so an hour and a half now", timedelta(minutes=90)),
        ("must be 2 hours now", timedelta(hours=2)),
        ("3hrs so far", timedelta(hours=3)),
    ],
)
def test_durations_say_how_long_a_state_lasted(text: str, lasted: timedelta) -> None:
    (phrase,) = find_durations(text, NOW, CLINIC_TZ)

    assert phrase.lasted == lasted
    assert phrase.began is None


@pytest.mark.parametrize(
    ("text", "began"),
    [
        ("since 8", local(20, 8)),
        ("since 8am", local(20, 8)),
        ("since this morning", local(20, 8)),
        ("since last night", local(19, 22)),
        ("all night", local(19, 22)),
        ("all day", local(20, 8)),
        ("since about half 8", local(20, 8, 30)),  # half past eight, as said in Britain
        ("since quarter to nine", local(20, 8, 45)),
        ("since i woke at 6", local(20, 6)),
        ("since he got up at 7am", local(20, 7)),
        ("since before breakfast", local(20, 7, 30)),
        ("since lunch", local(20, 12, 30)),
        ("since teatime", local(19, 17)),  # not yet teatime today: yesterday's
    ],
)
def test_durations_with_a_start_say_when_it_began(text: str, began: datetime) -> None:
    (phrase,) = find_durations(text, NOW, CLINIC_TZ)

    assert phrase.began == began
    assert phrase.began.utcoffset() == timedelta(0)


def test_a_part_of_the_day_still_to_come_lasts_a_conservative_two_hours() -> None:
    (phrase,) = find_durations("all evening", NOW, CLINIC_TZ)

    assert phrase.began is None
    assert phrase.lasted == timedelta(hours=2)


@pytest.mark.parametrize(
    "text",
    ["2 hours ago", "x3", "120 over 80", "since 8 weeks", "for 2", "an hour later", "and now"],
)
def test_other_phrases_are_not_durations(text: str) -> None:
    assert find_durations(text, NOW, CLINIC_TZ) == []


def test_intervals_give_the_time_between_checks() -> None:
    phrases = find_intervals("checking every half hour, then every hour, every 15 min")

    assert [phrase.elapsed for phrase in phrases] == [
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(minutes=15),
    ]


@pytest.mark.parametrize(
    ("phrase", "days_back", "hour"),
    [("since Sunday", 2, 12), ("on saturday night", 3, 22), ("Tuesday morning", 0, 8)],
)
def test_a_weekday_is_the_latest_such_day(phrase: str, days_back: int, hour: int) -> None:
    now = datetime(2026, 12, 1, 15, 0, tzinfo=CLINIC_TZ)  # a Tuesday afternoon
    (reference,) = find_time_references(phrase, now.astimezone(timezone.utc), CLINIC_TZ)
    local = reference.when.astimezone(CLINIC_TZ)
    assert (now.date() - local.date()).days == days_back
    assert local.hour == hour


def test_next_monday_is_not_a_past_time() -> None:
    now = datetime(2026, 12, 1, 15, 0, tzinfo=CLINIC_TZ)
    assert find_time_references("see the GP next monday", now, CLINIC_TZ) == []
