"""Find when something happened from the words of an SMS ("an hour ago", "at 3pm", "last night").

Pure functions. `now` is a timezone-aware UTC datetime; clock words ("at 3pm", "this morning")
are read in the clinic's local timezone. A resolved time is never later than `now`: people
report what already happened, so a clock time later than now means yesterday at that time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from bot.clinical.numbers import SMALL_NUMBER_WORDS

# Long messages are cut before searching: a time phrase that matters sits near the reading.
MAX_TEXT_CHARS = 2000

_WORD_NUMBERS = {
    **SMALL_NUMBER_WORDS,
    "a": 1,
    "an": 1,
    "thirty": 30,
    "forty": 40,
    "fortyfive": 45,
    "forty five": 45,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "couple": 2,
    "a couple": 2,
    "a couple of": 2,
    "couple of": 2,
    "few": 3,
    "a few": 3,
}

_AMOUNT = (
    r"(?P<amount>(?<![0-9][.,])\d{1,3}(?:[.,]\d{1,2})?"
    r"|half\s+an|half\s+a|half|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few"
    r"|forty[\s-]?five|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|thirty|forty|fifty|sixty|ninety)"
)
_UNIT = (
    r"(?P<unit>minutes?|mins?|m|hours?|hrs?|h|days?|d)(?:\b|(?=\d))"
    r"(?P<and_half>\s+and\s+a\s+half)?(?P<and_bit>\s+and\s+a\s+bit)?"
    r"(?:\s*(?:and\s+)?(?P<extra_minutes>\d{1,2})\s*(?:minutes?|mins?|m)?\b)?"
)
# "an hour ago", "1 hr ago", "30 mins ago", "half an hour ago", "2h ago", "an hour and a half ago"
_AGO_RE = re.compile(
    r"\b" + _AMOUNT + r"\s*" + _UNIT + r"\s*(?:ago|back|before\s+now)\b",
    re.IGNORECASE,
)
# the same amounts followed by "later"/"after"/"apart": a gap between two events, not a time
_LATER_RE = re.compile(
    r"\b" + _AMOUNT + r"\s*" + _UNIT + r"\s*(?:later|after(?:wards)?|apart)\b",
    re.IGNORECASE,
)

# "for 2 hrs", "for over an hour", "x3hrs", "for the last hour and a half", "over the past 90
# mins": how long a state has lasted, up to now. The amount may be left out ("for the past
# hour", "for hours").
_LASTED_RE = re.compile(
    r"(?:\b(?:for|over)|(?<![a-z])x)\s*"
    r"(?:(?P<qualifier>over|more\s+than|at\s+least|about|around|roughly|a\s+good|almost|nearly)\s+)?"
    r"(?:(?:the\s+)?(?:last|past)\s+)?"
    r"(?:" + _AMOUNT + r"\s*)?" + _UNIT,
    re.IGNORECASE,
)
# "an hour and a half now", "must be 2 hours now", "3 hrs so far": the same, said after the amount
_LASTED_NOW_RE = re.compile(
    r"\b(?:(?P<qualifier>over|more\s+than|at\s+least|about|around|roughly|a\s+good|almost|nearly)"
    r"\s+)?" + _AMOUNT + r"(?:\s+|(?<=\d))" + _UNIT + r"\s+(?:now|so\s+far|and\s+counting)\b",
    re.IGNORECASE,
)
# "every half hour", "every 30 mins", "every hour": the time between checks in a series
_EVERY_RE = re.compile(r"\bevery\s+(?:" + _AMOUNT + r"\s*)?" + _UNIT, re.IGNORECASE)
# "all night", "all evening long", "all day"
_ALL_PART_RE = re.compile(
    r"\ball\s+(?P<part>night|evening|afternoon|morning|day)(?:\s+long)?\b", re.IGNORECASE
)
# an "all <part of the day>" that cannot be placed today (e.g. "all evening" said in the
# morning) is taken as lasting this long: more than the hour that makes a fever sustained, so
# the report is not played down, without inventing a day-long fever
_ALL_PART_FALLBACK = timedelta(hours=2)

_MERIDIEM = r"(?P<meridiem>a\.?\s?m\b\.?|p\.?\s?m\b\.?)"
_PERIOD = (
    r"(?P<period>this\s+morning|this\s+am\b|in\s+the\s+morning|this\s+afternoon"
    r"|in\s+the\s+afternoon|this\s+evening|in\s+the\s+evening|tonight|last\s+night"
    r"|overnight|yesterday(?:\s+(?:morning|afternoon|evening|night))?)"
)
_DAY_WORD = r"(?P<day_word>yesterday|today)"

# "at 3pm", "at 3:30 pm", "at 15:30", "at 3", "at noon", "3pm", "15:30", "at 7 this morning",
# "yesterday at 3pm". A clock number must not be the start of a larger number ("at 38.4").
_CLOCK_CORE = (
    r"(?:(?<![0-9][.,:])(?P<hour>\d{1,2})"
    r"(?::(?P<minute>[0-5]\d)|\.(?P<dot_minute>[0-5]\d)(?=\s*[ap]\.?m))?"
    r"(?!\d|[.,]\d|\s*(?:°|deg|degrees?\b|c\b|f\b|celsius|fahrenheit))"
    r"\s*(?:" + _MERIDIEM + r"|o'?\s?clock\b)?"
    r"|(?P<named>noon|midday|midnight))"
)
_AT = r"(?:\b(?:at|around|about|by)|@)\s*(?:(?:around|about|approx\.?|roughly)\s+)?"
_DAY_AFTER = (
    r"(?:\s*,?\s*(?:" + _PERIOD + r"|" + _DAY_WORD.replace("day_word", "day_word_after") + r"))?"
)
_CLOCK_RE = re.compile(
    r"(?:\b" + _DAY_WORD + r"\s+)?(?P<at>" + _AT + r"|\b)" + _CLOCK_CORE + _DAY_AFTER,
    re.IGNORECASE,
)
# "at 8.15", "@ 21.30": hours and minutes split by a dot, a clock time only after "at" (the
# group names are the clock's, so one resolver reads both)
_DOT_CLOCK_RE = re.compile(
    r"(?:\b" + _DAY_WORD + r"\s+)?(?P<at>" + _AT + r")"
    r"(?:(?<![0-9][.,:])(?P<hour>[01]?\d|2[0-3])(?P<minute>(?!))?\.(?P<dot_minute>[0-5]\d)"
    r"(?![\d]|[.,]\d|\s*(?:°|deg|degrees?\b|c\b|f\b|celsius|fahrenheit))"
    r"\s*(?:" + _MERIDIEM + r")?|(?P<named>(?!)))" + _DAY_AFTER,
    re.IGNORECASE,
)
# "since 8", "since 3pm", "since this morning", "since yesterday"
# ("since 8 weeks", "since 2 days": a count of something else, not a clock time)
_SINCE_CLOCK_RE = re.compile(
    r"\bsince\s+"
    + _CLOCK_RE.pattern
    + r"(?!\s*(?:weeks?|wks?|days?|months?|years?|yrs?|hours?|hrs?|min|mins|minutes?|cycles?"
    r"|rounds?)\b)",
    re.IGNORECASE,
)
_SINCE_PERIOD_RE = re.compile(r"\bsince\s+" + _PERIOD + r"\b", re.IGNORECASE)
# "since before breakfast", "since lunch": a spell that began at a meal
_SINCE_MEAL_RE = re.compile(
    r"\bsince\s+(?:(?P<relation>before|after|just\s+after)\s+)?(?:(?:his|her|my|our)\s+)?"
    r"(?P<meal>breakfast|brekkie|lunch|lunchtime|tea|teatime|tea\s+time|dinner|supper)\b",
    re.IGNORECASE,
)
_MEAL_CLOCK = {
    "breakfast": time(8, 0), "brekkie": time(8, 0), "lunch": time(12, 30),
    "lunchtime": time(12, 30), "tea": time(17, 0), "teatime": time(17, 0),
    "tea time": time(17, 0), "dinner": time(18, 0), "supper": time(19, 0),
}  # fmt: skip
# "since i woke at 6", "since he got up at 7am": a spell that began at a clock time
_SINCE_WAKING_RE = re.compile(
    r"\bsince\s+(?:i|he|she|we|they|mum|mom|dad|you)\s+(?:woke(?:\s+up)?|got\s+up|got\s+home"
    r"|came\s+home|got\s+back|came\s+in|went\s+to\s+bed|had\s+(?:breakfast|lunch|tea|dinner))\s+"
    + _CLOCK_RE.pattern,
    re.IGNORECASE,
)
_PERIOD_RE = re.compile(r"\b" + _PERIOD + r"\b", re.IGNORECASE)
# "quarter to nine", "half past 8", "ten past two": the latest such time
_HOUR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
# and "half 8", which in Britain is half past eight (not "half 8 hours")
_PAST_TO = (
    r"(?:(?P<minutes>quarter|half|five|ten|twenty|twenty[\s-]five)\s+(?P<relation>to|past)\s+"
    r"|(?P<half>half)\s+)"
    r"(?P<hour>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|1[0-2]|[1-9])\b"
    r"(?![.,:]\d|\s*(?:hours?|hrs?|mins?|minutes?|days?|weeks?|months?|times?|%)(?!\w))"
)
_PAST_TO_RE = re.compile(r"\b" + _PAST_TO, re.IGNORECASE)
_SINCE_PAST_TO_RE = re.compile(
    r"\bsince\s+(?:(?:about|around|roughly|approx\.?)\s+)?" + _PAST_TO, re.IGNORECASE
)
_PAST_TO_MINUTES = {"quarter": 15, "half": 30, "five": 5, "ten": 10, "twenty": 20}
# "since Sunday", "on Saturday", "monday night": the latest such day (not "next Monday")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_RE = re.compile(
    r"(?<!next )(?<!coming )\b(?P<weekday>mon|tues?|wed(?:nes)?|thur?s?|fri|satur|sun)day"
    r"(?:\s+(?P<part>morning|afternoon|evening|night|tea ?time|lunch ?time))?\b",
    re.IGNORECASE,
)
_WEEKDAY_PART_CLOCK = {"teatime": time(17, 0), "tea time": time(17, 0), "lunchtime": time(12, 0)}
_NOW_RE = re.compile(
    r"\b(?:just\s+now|right\s+now|now|currently|at\s+the\s+moment)\b", re.IGNORECASE
)

_PERIOD_CLOCK = {
    "morning": time(8, 0),
    "am": time(8, 0),
    "afternoon": time(14, 0),
    "evening": time(19, 0),
    "tonight": time(19, 0),
    "night": time(22, 0),
}


@dataclass(frozen=True)
class TimeReference:
    """A phrase in a message that says when something happened."""

    when: datetime  # timezone-aware, in the timezone of `now` (UTC)
    start: int  # character span of the phrase in the text
    end: int
    phrase: str


def find_time_reference(text: str, now: datetime, local_tz: tzinfo) -> TimeReference | None:
    """The first phrase in `text` that says when, resolved against `now`; None if there is none."""
    references = find_time_references(text, now, local_tz)
    return references[0] if references else None


def resolve_time(text: str, now: datetime, local_tz: tzinfo) -> datetime:
    """The time the first time phrase in `text` refers to, or `now` when no phrase says when."""
    reference = find_time_reference(text, now, local_tz)
    return reference.when if reference else now


def find_time_references(text: str, now: datetime, local_tz: tzinfo) -> list[TimeReference]:
    """Every time phrase in `text`, in the order written, without overlaps."""
    if not text:
        return []
    text = text[:MAX_TEXT_CHARS]
    candidates: list[TimeReference] = []
    finders: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], datetime | None]], ...] = (
        (_AGO_RE, lambda match: _resolve_ago(match, now)),
        (_CLOCK_RE, lambda match: _resolve_clock(match, now, local_tz)),
        (_PERIOD_RE, lambda match: _resolve_period(match.group("period"), now, local_tz)),
        (_NOW_RE, lambda _match: now),
        (_WEEKDAY_RE, lambda match: _resolve_weekday(match, now, local_tz)),
        (_PAST_TO_RE, lambda match: _resolve_past_to(match, now, local_tz)),
        (_DOT_CLOCK_RE, lambda match: _resolve_clock(match, now, local_tz)),
    )
    for pattern, resolve in finders:
        for match in pattern.finditer(text):
            when = resolve(match)
            if when is None:
                continue
            start, end = _trimmed_span(text, match.start(), match.end())
            candidates.append(
                TimeReference(
                    when=min(when, now).astimezone(now.tzinfo),
                    start=start,
                    end=end,
                    phrase=text[start:end],
                )
            )
    return _without_overlaps(candidates)


@dataclass(frozen=True)
class ElapsedPhrase:
    """A "half an hour later" / "an hour apart" phrase: the time between two events."""

    elapsed: timedelta
    start: int
    end: int
    phrase: str


def find_elapsed_phrases(text: str) -> list[ElapsedPhrase]:
    """Every "<amount> later" / "<amount> after" / "<amount> apart" phrase in `text`, in order."""
    return _elapsed_phrases(_LATER_RE, text, _duration)


@dataclass(frozen=True)
class DurationPhrase:
    """ "for 2 hrs", "x3hrs", "all night", "since 8am": how long something has lasted up to now."""

    began: datetime | None  # when it started ("since 8am", "all night"), in the timezone of `now`
    lasted: timedelta | None  # how long, for "for 2 hrs": counted back from the reading's time
    start: int
    end: int
    phrase: str


def find_durations(text: str, now: datetime, local_tz: tzinfo) -> list[DurationPhrase]:
    """Every "for <amount>" / "since <time>" / "all <part of day>" phrase in `text`, in order.

    "over an hour" and "more than an hour" last exactly an hour: the sustained-fever rule counts
    60 minutes (clinical-anchors §6). "almost an hour" is read as 50 minutes, so it is not taken
    for a full hour.
    """
    if not text:
        return []
    text = text[:MAX_TEXT_CHARS]
    found: list[DurationPhrase] = []
    for pattern in (_LASTED_RE, _LASTED_NOW_RE):
        for match in pattern.finditer(text):
            lasted = _lasted(match)
            if lasted is not None:
                found.append(_duration_phrase(text, match, None, lasted))
    for pattern in (_SINCE_CLOCK_RE, _SINCE_WAKING_RE):
        for match in pattern.finditer(text):
            began = _resolve_clock(match, now, local_tz, anchored=True)
            if began is not None:
                found.append(_duration_phrase(text, match, began, None))
    for match in _SINCE_PAST_TO_RE.finditer(text):
        found.append(_duration_phrase(text, match, _resolve_past_to(match, now, local_tz), None))
    for match in _SINCE_MEAL_RE.finditer(text):
        found.append(_duration_phrase(text, match, _resolve_meal(match, now, local_tz), None))
    for match in _SINCE_PERIOD_RE.finditer(text):
        began = _resolve_period(match.group("period"), now, local_tz)
        found.append(_duration_phrase(text, match, began, None))
    for match in _ALL_PART_RE.finditer(text):
        began = _start_of_part(match.group("part").lower(), now, local_tz)
        lasted = _ALL_PART_FALLBACK if began is None else None
        found.append(_duration_phrase(text, match, began, lasted))
    found = [
        replace(phrase, began=min(phrase.began, now).astimezone(now.tzinfo))
        if phrase.began is not None
        else phrase
        for phrase in found
    ]
    kept: list[DurationPhrase] = []
    for phrase in sorted(found, key=lambda found: (found.start, -(found.end - found.start))):
        if not kept or phrase.start >= kept[-1].end:
            kept.append(phrase)
    return kept


def find_intervals(text: str) -> list[ElapsedPhrase]:
    """Every "every <amount>" phrase ("checking every half hour"), with the time between checks."""
    return _elapsed_phrases(_EVERY_RE, text, _positive_lasted)


def _elapsed_phrases(
    pattern: re.Pattern[str], text: str, measure: Callable[[re.Match[str]], timedelta | None]
) -> list[ElapsedPhrase]:
    """Each match of `pattern` in `text` with the time it measures (when it measures one)."""
    if not text:
        return []
    phrases = []
    for match in pattern.finditer(text[:MAX_TEXT_CHARS]):
        elapsed = measure(match)
        if elapsed is not None:
            phrases.append(ElapsedPhrase(elapsed, match.start(), match.end(), match.group(0)))
    return phrases


def _positive_lasted(match: re.Match[str]) -> timedelta | None:
    lasted = _lasted(match)
    return lasted if lasted is not None and lasted > timedelta(0) else None


def _lasted(match: re.Match[str]) -> timedelta | None:
    unit = match.group("unit").lower()
    if match.group("amount") is None:
        # "for the past hour", "every hour"; a bare "for h" or "x m" is not a duration
        if len(unit) == 1:
            return None
        amount = 2.0 if unit.endswith("s") else 1.0  # "for hours": at least two
        duration = _scaled(amount + (0.5 if match.group("and_half") else 0.0), unit)
    else:
        duration = _duration(match)
    if duration is None:
        return None
    qualifier = " ".join((match.groupdict().get("qualifier") or "").lower().split())
    if qualifier in ("almost", "nearly"):
        duration -= duration / 6  # "almost an hour": 50 minutes, short of the full hour
    return duration


def _duration_phrase(
    text: str, match: re.Match[str], began: datetime | None, lasted: timedelta | None
) -> DurationPhrase:
    start, end = _trimmed_span(text, match.start(), match.end())
    return DurationPhrase(began, lasted, start, end, text[start:end])


def _start_of_part(part: str, now: datetime, local_tz: tzinfo) -> datetime | None:
    """When "all <part>" began: the latest start of that part of the day before now."""
    today = now.astimezone(local_tz).date()
    clock = _PERIOD_CLOCK["morning" if part == "day" else part]
    began = _local(today, clock, local_tz)
    if part == "night" and began >= now:
        return _local(today - timedelta(days=1), clock, local_tz)  # the night just gone
    return began if began < now else None


def _without_overlaps(candidates: list[TimeReference]) -> list[TimeReference]:
    # the earliest phrase wins; at the same start, the longest (most specific) one
    ordered = sorted(candidates, key=lambda ref: (ref.start, -(ref.end - ref.start)))
    kept: list[TimeReference] = []
    for reference in ordered:
        if kept and reference.start < kept[-1].end:
            continue
        kept.append(reference)
    return kept


def _trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " \t\r\n,":
        end -= 1
    return start, end


def _duration(match: re.Match[str]) -> timedelta | None:
    amount_text = " ".join(match.group("amount").lower().split())
    if amount_text.startswith("half"):
        amount = 0.5
    elif amount_text in _WORD_NUMBERS:
        amount = float(_WORD_NUMBERS[amount_text])
    else:
        amount = float(amount_text.replace(",", "."))
    if match.group("and_half"):
        amount += 0.5
    duration = _scaled(amount, match.group("unit").lower())
    if match.group("extra_minutes"):
        duration += timedelta(minutes=int(match.group("extra_minutes")))
    # beyond a month the phrase is not about a reading this conversation cares about
    if duration > timedelta(days=31):
        return None
    return duration


def _scaled(amount: float, unit: str) -> timedelta:
    if unit.startswith("d"):
        return timedelta(days=amount)
    if unit.startswith("h"):
        return timedelta(hours=amount)
    return timedelta(minutes=amount)


def _resolve_ago(match: re.Match[str], now: datetime) -> datetime | None:
    duration = _duration(match)
    return now - duration if duration is not None else None


def _resolve_clock(
    match: re.Match[str], now: datetime, local_tz: tzinfo, anchored: bool = False
) -> datetime | None:
    """`anchored`: a word such as "since" before the number already makes it a clock time."""
    named = (match.group("named") or "").lower()
    meridiem = (match.group("meridiem") or "").lower().replace(".", "").replace(" ", "")
    # "at 3" is a clock time; "about 3" is as likely to be a count ("about 3 times")
    said_at = anchored or match.group("at").strip().lower().startswith(("at", "@"))
    period = " ".join((match.group("period") or "").lower().split())
    day_word = (match.group("day_word") or match.group("day_word_after") or "").lower()
    if named:
        hour, minute = (0, 0) if named == "midnight" else (12, 0)
        meridiem = "24h"
    else:
        hour = int(match.group("hour"))
        minute = int(match.group("minute") or match.group("dot_minute") or 0)
        has_colon = match.group("minute") is not None
        # a bare number is a clock time only with "at ..." or a word that places it in the day
        if not (meridiem or has_colon or said_at or period or "clock" in match.group(0).lower()):
            return None
        if meridiem:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
            meridiem = "24h"
        elif hour > 23:
            return None
        elif hour > 12 or hour == 0 or (has_colon and hour >= 10 and not period):
            meridiem = "24h"

    now_local = now.astimezone(local_tz)
    if period.startswith("yesterday"):
        day_word = "yesterday"
        period = period.removeprefix("yesterday").strip() or ""
    day = now_local.date() - timedelta(days=1) if day_word == "yesterday" else now_local.date()

    hours = _candidate_hours(hour, meridiem, period)
    candidates = [_local(day, time(h, minute), local_tz) for h in hours]
    if day_word == "yesterday":
        return max(candidates)
    if period in ("last night", "overnight", "night"):
        # the night just gone: evening hours belong to yesterday, small hours to today
        candidates = [
            _local(day - timedelta(days=1), time(h, minute), local_tz) if h >= 12 else candidate
            for h, candidate in zip(hours, candidates, strict=True)
        ]
    past = [candidate for candidate in candidates if candidate <= now]
    if past:
        return max(past)
    if (period or day_word == "today") and period not in ("last night", "overnight"):
        # "at 7 tonight" or "today at 3pm" said at 1pm: later today, clamp to now
        return now
    # a clock time later than now means that time yesterday
    return max(candidate - timedelta(days=1) for candidate in candidates)


def _candidate_hours(hour: int, meridiem: str, period: str) -> list[int]:
    if meridiem == "24h":
        return [hour]
    # hour in 1..12 with no am/pm: the period decides, otherwise either is possible
    morning = hour % 12
    evening = hour % 12 + 12
    if period in ("this morning", "this am", "in the morning"):
        return [morning]
    if period in (
        "this afternoon",
        "in the afternoon",
        "this evening",
        "in the evening",
        "tonight",
        "afternoon",
        "evening",
    ):
        return [evening]
    if period in ("last night", "overnight", "night"):
        return [evening] if hour >= 6 and hour != 12 else [morning]
    if period == "morning":
        return [morning]
    return [morning, evening]


def _resolve_period(period_text: str, now: datetime, local_tz: tzinfo) -> datetime:
    period = " ".join(period_text.lower().split())
    now_local = now.astimezone(local_tz)
    today = now_local.date()
    if period == "yesterday":
        yesterday_local = datetime.combine(today - timedelta(days=1), now_local.time())
        return yesterday_local.replace(tzinfo=local_tz)
    if period.startswith("yesterday"):
        part = period.split()[1]
        return _local(today - timedelta(days=1), _PERIOD_CLOCK[part], local_tz)
    if period in ("last night", "overnight"):
        return _local(today - timedelta(days=1), _PERIOD_CLOCK["night"], local_tz)
    part = period.split()[-1]
    return min(_local(today, _PERIOD_CLOCK[part], local_tz), now)


def _resolve_past_to(match: re.Match[str], now: datetime, local_tz: tzinfo) -> datetime:
    """ "quarter to nine": 8:45, "half 8": 8:30, morning or evening, whichever was last."""
    hour_text = match.group("hour").lower()
    hour = _HOUR_WORDS.get(hour_text) or int(hour_text)
    words = " ".join(
        (match.group("minutes") or match.group("half")).lower().replace("-", " ").split()
    )
    minutes = 25 if words == "twenty five" else _PAST_TO_MINUTES[words]
    if (match.group("relation") or "").lower() == "to":
        hour, minutes = hour - 1, 60 - minutes
    now_local = now.astimezone(local_tz)
    candidates = [
        _local(
            now_local.date() - timedelta(days=days_back),
            time((hour + half) % 24, minutes),
            local_tz,
        )
        for days_back in (0, 1)
        for half in (0, 12)
    ]
    return max(c for c in candidates if c <= now)


def _resolve_meal(match: re.Match[str], now: datetime, local_tz: tzinfo) -> datetime:
    """ "since before breakfast": the last such meal before now (half an hour before or after
    it when the text says so)."""
    meal = " ".join(match.group("meal").lower().split())
    relation = (match.group("relation") or "").lower()
    shift = timedelta(minutes=-30 if relation == "before" else 30 if relation else 0)
    today = now.astimezone(local_tz).date()
    began = _local(today, _MEAL_CLOCK[meal], local_tz) + shift
    return began if began <= now else began - timedelta(days=1)


def _resolve_weekday(match: re.Match[str], now: datetime, local_tz: tzinfo) -> datetime:
    """The latest such day up to today, at the part of day named (noon when none is)."""
    prefix = match.group("weekday").lower()[:3]
    weekday = next(index for index, name in enumerate(_WEEKDAYS) if name.startswith(prefix))
    today = now.astimezone(local_tz).date()
    day = today - timedelta(days=(today.weekday() - weekday) % 7)
    part = " ".join((match.group("part") or "").lower().split())
    clock = _WEEKDAY_PART_CLOCK.get(part) or _PERIOD_CLOCK.get(part) or time(12, 0)
    return min(_local(day, clock, local_tz), now)


def _local(day: date, clock: time, local_tz: tzinfo) -> datetime:
    return datetime.combine(day, clock).replace(tzinfo=local_tz)
