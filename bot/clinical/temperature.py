"""Find the temperatures in a patient's or caregiver's SMS (clinical-anchors §1.4, §4, §6, §7 R0).

Pure functions. A number becomes a reading only when it reads as a temperature: it is in the
plausible range, or a temperature word, unit or thermometer site goes with it. Numbers that are
other things (counts, blood results, pulse, ages, phone numbers, dates, clock times) are left
alone. A plausible-looking number with a problem (out of range, a missing decimal point, a unit
that contradicts the value) is returned with `problem` set, so the bot asks the person to check
it instead of acting on it.

Conservative choices:
- A reading with a duration ("38.1 for over an hour", "101 all night", "38 since 8am") comes
  back as two readings of the same value, at the start and at the end of the spell, so the
  sustained-fever rule sees it (clinical-anchors §6). "over/more than an hour" is exactly an hour,
  which counts; "almost an hour" does not.
- A range ("101-102", "between 38.5 and 39") is one reading at its highest value, marked
  `from_range`, so nothing is played down and the reply can say how it was read.
- A whole number about a person ("she is 39", "dad's 38") is as likely a temperature as an age
  on a fever line: it comes back with problem AGE_OR_TEMPERATURE so the bot asks. It is left
  alone only when the message shows it is an age ("39 years old", "we have 2 kids", "I'm 38"
  with no temperature word anywhere).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from bot.clinical.model import ParsedTemperature, ReadingProblem, Site
from bot.clinical.numbers import find_spelled_numbers
from bot.clinical.timewords import (
    DurationPhrase,
    ElapsedPhrase,
    find_durations,
    find_elapsed_phrases,
    find_intervals,
    find_time_references,
)

# An SMS is at most 1,600 characters (10 segments); anything longer is cut to bound the work.
MAX_TEXT_CHARS = 2000

CELSIUS_RANGE = (32.0, 43.0)
FAHRENHEIT_RANGE = (89.6, 109.4)

_CONTEXT_WORDS = 4  # how many words before a number are read for its meaning
_SITE_REACH = 30  # characters between a reading and the site words that go with it
_TIME_REACH = 50  # characters between a reading and the time words that go with it
# characters between a reading and the "for 2 hrs" that goes with it: the same clause
_DURATION_REACH = 25
# between a series of readings and the "every half hour" / "since 8" that spaces them
_SERIES_REACH = 20
_RAW_MAX_CHARS = 80
# A message with more numbers than this is not a temperature report; reading the first ones
# keeps the work small on pasted or malicious text.
MAX_NUMBERS = 40

_DIGITS_RE = re.compile(
    r"(?<![0-9A-Za-z_$£€#+])(?P<number>[0-9]{1,4}(?:[.,][0-9]{1,3})?)(?![0-9]|\.[0-9])"
)
# "3 8 . 4", "38 . 4": a number typed with spaces inside it
_SPACED_RE = re.compile(
    r"(?<![0-9A-Za-z.,])(?P<number>[0-9](?:[ \t]*[0-9]){0,2}[ \t]*[.,][ \t]*[0-9])(?![0-9A-Za-z])"
)
# North American and international phone numbers: "555 0100", "(617) 555-0100", "+1 617 555 0100"
_PHONE_RE = re.compile(
    r"(?<![0-9.,])(?:\+[0-9]{1,3}[ .-]*)?(?:\([0-9]{3}\)[ .-]*|[0-9]{3}[ .-]+)?"
    r"[0-9]{3}[ .-]?[0-9]{4}(?![0-9])"
)
_UNIT_RE = re.compile(
    r"[ \t]*(?P<degrees>(?:°|º|˚)[ \t]*|deg(?:ree)?s?\b\.?[ \t]*)?"
    r"(?P<unit>fa+h?r[ae]?n+h?e?i?e?g?h?t\b|cel[cs][a-z]{1,5}\b|centigrade\b|[cf](?![a-z]))?",
)
# "101-102", "101/102", "38.5 - 39", "101 to 102", "between 38.5 and 39"
_RANGE_RE = re.compile(
    r"(?<![0-9A-Za-z_$£€#+.,/:-])(?:(?P<between>between)[ \t]+)?"
    r"(?P<low>[0-9]{2,3}(?:[.,][0-9]{1,2})?)(?:[ \t]*(?:°|º|˚)?[ \t]*[cf](?![a-z]))?"
    r"(?P<separator>[ \t]*[-–/][ \t]*|[ \t]+(?:to|and)[ \t]+)"
    r"(?P<high>[0-9]{2,3}(?:[.,][0-9]{1,2})?)(?![0-9]|[.,][0-9])",
    re.IGNORECASE,
)
# between a reading and a duration, words that start another clause or join on another thing
_JOINED_RE = re.compile(r"[,;:!?()\n]|\.(?![0-9])|&|\b(?:and|but|with|plus|also|had|has)\b", re.I)
# a spell told after the reading, in words that say it is the same reading
_SAME_READING_RE = re.compile(
    r"\b(?:stuck|stayed|staying|stays|sat|sitting|hovering|hovered|holding|held|been|steady)\s+"
    r"(?:there|at\s+(?:that|it)|the\s+same|like\s+that|around\s+(?:there|that))\b",
    re.IGNORECASE,
)
# "..., must be 2 hours now", "... so an hour and a half now"
_AFTERTHOUGHT_RE = re.compile(
    r"\b(?:must\s+be|so|that's|thats|that\s+is|it's\s+been|its\s+been|been\s+like\s+that)\s*$",
    re.IGNORECASE,
)
# "ring if 38 for an hour", "call if over 38 for more than an hour": the team's rule quoted, not a
# spell of fever; it must not become two readings
_RULE_BEFORE_RE = re.compile(
    r"\bif[ \t]+(?:(?:over|above|more[ \t]+than|at[ \t]+least|>=?|≥)[ \t]*)?$", re.IGNORECASE
)
_ABOUT_SUFFIX = re.compile(r"ish\b")
_IF_BEFORE_RE = re.compile(
    r"\b(?:if|when|unless)\s+(?:it'?s\s+|its\s+|it\s+is\s+|you'?re\s+|temp(?:erature)?\s+(?:is\s+)?"
    r"|(?:he|she)'?s\s+|goes\s+|gets\s+)?$"
)
_OF_FEVER_RE = re.compile(r"\s*of\s+(?:fever|temp|temperature)\b", re.IGNORECASE)
_APPROXIMATE_RE = re.compile(
    r"(?:(?<![0-9A-Za-z_])(?:over|above|more\s+than)\s+(?P<whole_over>[0-9]{2,3})(?![0-9.,])"
    r"|(?<![0-9A-Za-z_.,])(?P<whole>[0-9]{2,3})(?:\s*(?P<suffix>something|point\s+something|odd)\b"
    r"|\s*(?P<plus>\+|plus\b)))",
    re.IGNORECASE,
)
_AND_A_BIT_RE = re.compile(
    r"(?<![0-9A-Za-z_.,])(?P<whole>[0-9]{2,3})[ \t]+and[ \t]+a[ \t]+(?P<part>half|bit)\b",
    re.IGNORECASE,
)
# the widest spread read as one range: wider, the two numbers are not one reading
_RANGE_MAX_SPREAD = {"C": 2.0, "F": 4.0}
_SENTENCE_END_RE = re.compile(r"[!?;\n]|\.(?![0-9])")
_CLAUSE_END_CHARS = frozenset("!?;\n,()")
_NEXT_WORD_RE = re.compile(r"[ \t]*(?P<word>[a-z%/]+(?:'[a-z]+)?)")
_WORD_RE = re.compile(r"[a-z0-9°%#$]+(?:['’][a-z]+)?")

_SITE_PATTERNS: tuple[tuple[Site, re.Pattern[str]], ...] = tuple(
    (site, re.compile(pattern, re.IGNORECASE))
    for site, pattern in (
        (
            Site.ORAL,
            r"\b(?:oral(?:ly)?|by\s+mouth|under\s+(?:(?:the|my|his|her|their|your)\s+)?tongue"
            r"|in\s+(?:(?:the|my|his|her|their|your)\s+)?mouth)\b",
        ),
        (
            Site.ARMPIT,
            r"\b(?:under\s*(?:(?:the|my|his|her|their|your)\s+)?arm(?:pit)?s?|arm\s*pits?"
            r"|axill(?:a|ary)|underarms?)\b",
        ),
        (
            Site.EAR,
            r"\b(?:(?:in\s+(?:(?:the|my|his|her|their|your)\s+)?)?ears?|tympanic)\b",
        ),
        (
            Site.FOREHEAD,
            r"\b(?:forehead|temporal(?:\s+artery)?|(?:forehead\s+|infrared\s+|no[\s-]?touch\s+)?"
            r"scann?er)\b",
        ),
        (
            Site.RECTAL,
            r"\b(?:rectal(?:ly)?|rectum|in\s+(?:(?:the|his|her|their|my)\s+)?(?:bum|butt|bottom)"
            r"|bum|butt)\b",
        ),
    )
)

# Words that say "this number is a temperature" when they come shortly before it.
_TEMPERATURE_CUES = frozenset(
    {
        "t",
        "tmp",
        "fever",
        "fevers",
        "feverish",
        "febrile",
        "running",
        "runs",
        "ran",
        "spiked",
        "spiking",
        "spike",
        "reading",
        "readings",
        "registered",
        "thermometer",
        "thermo",
        "peaked",
        "degrees",
        "degree",
        "deg",
        "°",
    }
)
# Words that make a plausible number read as a temperature ("she is at 38", "it's 38") but are
# too common to make an out-of-range number one ("from 1 to 5").
_LINKING_CUES = frozenset(
    {
        "at",
        "to",
        "from",
        "it",
        "it's",
        "it’s",
        "its",
        "says",
        "said",
        "read",
        "reads",
        "showing",
        "shows",
        "showed",
        "hit",
        "hits",
        "reached",
    }
)
_TEMP_WORD_RE = re.compile(r"te?mp[a-z]{0,9}|tenp[a-z]{0,9}|temo")
_TEMP_LOOKALIKES = frozenset(
    {"temporal", "temporary", "temporarily", "temper", "tempo", "temple", "tempt", "tempted"}
)
# "took 2 tylenol", "take 500": a number right after a dose verb is a dose. Further away the verb
# says nothing about the number ("can i take tylenol for 38.6?" is a reading).
_DOSE_VERBS = frozenset({"took", "take", "taking", "taken"})
# Words that say "this number is something else" when they come shortly before it.
_OTHER_MEASURE_WORDS = frozenset(
    {
        "anc",
        "neut",
        "neuts",
        "neutro",
        "neutrophil",
        "neutrophils",
        "wbc",
        "wbcs",
        "white",
        "platelet",
        "platelets",
        "plt",
        "plts",
        "hb",
        "hgb",
        "haemoglobin",
        "hemoglobin",
        "hct",
        "crp",
        "count",
        "counts",
        "pulse",
        "heart",
        "hr",
        "bpm",
        "rate",
        "bp",
        "pressure",
        "systolic",
        "diastolic",
        "o2",
        "oxygen",
        "sat",
        "sats",
        "spo2",
        "saturation",
        "saturations",
        "oximeter",
        "weight",
        "weigh",
        "weighs",
        "weighed",
        "wt",
        "height",
        "bmi",
        "glucose",
        "sugar",
        "sugars",
        "potassium",
        "sodium",
        "creatinine",
        "room",
        "bay",
        "cubicle",
        "rm",
        "bed",
        "ward",
        "floor",
        "suite",
        "apt",
        "apartment",
        "ext",
        "extension",
        "page",
        "bus",
        "route",
        "number",
        "no",
        "#",
        "$",
        "mrn",
        "id",
        "code",
        "pin",
        "zip",
        "day",
        "days",
        "cycle",
        "cycles",
        "round",
        "chemo",  # "chemo 101", a course
        "turns",  # "gran turns 101 next week": an age
        "turning",
        "dose",
        "doses",
        "week",
        "weeks",
        "session",
        "visit",
        "pain",
        "score",
        "grade",
        "age",
        "aged",
        "x",
        "breaths",
        "resp",
        "respiratory",
        "rr",
        "call",
        "phone",
        "tel",
    }
)
# Words right after a number that say it counts or measures something else.
_OTHER_UNIT_WORDS = frozenset(
    {
        "kids",
        "kid",
        "children",
        "child",
        "times",
        "time",
        "x",
        "pills",
        "pill",
        "tablets",
        "tablet",
        "tabs",
        "tab",
        "caps",
        "capsules",
        "mg",
        "mcg",
        "ml",
        "mls",
        "cc",
        "units",
        "kg",
        "kgs",
        "kilos",
        "lb",
        "lbs",
        "pounds",
        "stone",
        "st",
        "nd",
        "rd",
        "th",
        "years",
        "year",
        "yrs",
        "yr",
        "yo",
        "y",
        "days",
        "day",
        "weeks",
        "week",
        "wks",
        "months",
        "month",
        "hours",
        "hour",
        "hrs",
        "hr",
        "h",
        "minutes",
        "minute",
        "mins",
        "min",
        "m",
        "seconds",
        "secs",
        "sec",
        "bpm",
        "beats",
        "breaths",
        "percent",
        "%",
        "people",
        "steps",
        "doses",
        "cycles",
        "stools",
        "episodes",
        "visits",
        "miles",
        "km",
        "floors",
        "cups",
        "glasses",
        "oz",
        "ounces",
        "g",
        "grams",
        "mmhg",
        "am",
        "pm",
        "oclock",
        "o'clock",
        "dollars",
        "bucks",
        "calories",
        "inches",
        "cm",
        "mm",
        "feet",
        "ft",
        "nights",
        "meals",
        "over",
        "out",
        "of",
        "street",
        "ave",
        "avenue",
        "road",
    }
)
# "it's 20 degrees outside" is the weather, not the patient
_WEATHER_WORDS = frozenset({"outside", "outdoors", "inside", "indoors", "out"})
_COPULAS = frozenset({"is", "am", "was", "turned", "turns", "turning", "i'm", "im", "i’m"})
_FIRST_PERSON = frozenset({"i'm", "im", "i’m", "am"})
# Words that show a whole number about a person is their age ("we have 2 kids", "39 years old")
_AGE_WORDS = frozenset(
    {
        "years",
        "year",
        "yrs",
        "yr",
        "yo",
        "old",
        "age",
        "aged",
        "birthday",
        "born",
        "kids",
        "kid",
        "children",
        "grandchildren",
        "grandkids",
        "married",
    }
)
# Subjects of "is/was" whose number is not an age ("it is 38", "temp was 38").
_NON_PERSON_SUBJECTS = frozenset(
    {"it", "that", "this", "which", "what", "reading", "thermometer", "number", "there"}
)
# An event other than taking a temperature: a time phrase next to it belongs to that event.
_TEMP_TAKEN_RE = re.compile(
    r"\s+(?:(?:his|her|my|the|their|your)\s+)?(?:temp|temperature|reading)", re.IGNORECASE
)
_OTHER_EVENT_RE = re.compile(
    r"\b(?:took|take|taking|gave|give|given|chemo\w*|infusion|treatment|tylenol|paracetamol"
    r"|acetaminophen|panadol|advil|motrin|ibuprofen|nurofen|aspirin|aleve|naproxen|meds?"
    r"|medicine|medication|pills?|tablets?|ate|eaten|drank|appointment|appt|bloods|labs?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Number:
    """A number in the message that might be a temperature."""

    value: float
    start: int
    end: int  # end of the number itself
    unit_end: int  # end of the number with its unit ("38.4 °C")
    unit: str | None  # "C" / "F" when the person wrote one
    degrees_written: bool  # "degrees" or "°" without a unit letter
    has_decimal: bool
    digits: str  # the digits as typed, without separators, for the missing-point check
    spaced: bool  # typed with spaces inside ("3 8 . 4")
    from_range: bool = False  # the top of a range ("101-102"); the span covers the whole range


@dataclass(frozen=True)
class _Candidate:
    number: _Number
    cue_start: int | None  # where the temperature word before the number starts
    celsius: float | None
    problem: ReadingProblem | None


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


def parse_temperatures(text: str, now: datetime, local_tz: tzinfo) -> list[ParsedTemperature]:
    """Every temperature in `text`, in the order written, each with its site and time."""
    if not text:
        return []
    text = _readable(text[:MAX_TEXT_CHARS])
    lower = _lowercase_same_length(text)

    time_references = find_time_references(text, now, local_tz)
    elapsed_phrases = find_elapsed_phrases(text)
    durations = find_durations(text, now, local_tz)
    intervals = find_intervals(text)
    duration_spans = [_Span(phrase.start, phrase.end) for phrase in durations]
    not_numbers = [_Span(ref.start, ref.end) for ref in time_references]
    not_numbers += [_Span(phrase.start, phrase.end) for phrase in elapsed_phrases]
    not_numbers += duration_spans + [_Span(phrase.start, phrase.end) for phrase in intervals]
    not_numbers += [_Span(match.start(), match.end()) for match in _PHONE_RE.finditer(text)]

    site_spans = [
        (site, _Span(match.start(), match.end()))
        for site, pattern in _SITE_PATTERNS
        for match in pattern.finditer(text)
    ]
    # a number inside a time phrase or phone number ("30 min ago", "555 0100") is not a reading
    word_text = _blank_spans(lower, not_numbers)
    numbers = [
        number
        for number in _find_numbers(text, lower)
        if word_text[number.start : number.unit_end] == lower[number.start : number.unit_end]
    ][:MAX_NUMBERS]
    candidates = []
    for number in numbers:
        candidate = _classify(number, numbers, word_text, text, site_spans, not_numbers)
        if candidate is not None:
            candidates.append(candidate)
    if not candidates:
        return []

    sites = _assign_sites(candidates, site_spans, text)
    # "since this morning" says when a spell began, not when a reading was taken
    reading_times = [
        ref
        for ref in time_references
        if not any(_overlaps(ref.start, ref.end, span) for span in duration_spans)
    ]
    time_spans = [_Span(ref.start, ref.end) for ref in reading_times]
    time_owner = _assign_times(candidates, time_spans, text, _TIME_REACH)
    explicit_times = [
        reading_times[time_owner[index]].when if index in time_owner else None
        for index in range(len(candidates))
    ]
    gaps = _gaps_between_readings(candidates, elapsed_phrases, text)
    measured_at = _chain_times(explicit_times, gaps, now)
    series_times, spacing_phrases = _space_series(
        candidates, explicit_times, intervals, durations, text, now
    )
    measured_at = [series_times.get(index, when) for index, when in enumerate(measured_at)]
    lasting = _assign_durations(
        candidates, [phrase for phrase in durations if phrase not in spacing_phrases], text
    )

    readings = []
    for index, candidate in enumerate(candidates):
        raw_spans = [_Span(candidate.number.start, candidate.number.unit_end)]
        if candidate.cue_start is not None:
            raw_spans.append(_Span(candidate.cue_start, candidate.number.start))
        if index in sites:
            raw_spans.append(sites[index][1])
        if index in time_owner:
            raw_spans.append(time_spans[time_owner[index]])
        if index in lasting:
            raw_spans.append(_Span(lasting[index].start, lasting[index].end))
        reading = ParsedTemperature(
            raw=_raw_fragment(text, raw_spans),
            value=candidate.number.value,
            unit_given=candidate.number.unit,
            celsius=candidate.celsius,
            site=sites[index][0] if index in sites else None,
            measured_at=measured_at[index],
            problem=candidate.problem,
            from_range=candidate.number.from_range,
        )
        if index in lasting:
            # "38.1 for over an hour": the same value at the start of the spell and at its end
            began = _spell_start(lasting[index], reading.measured_at)
            if began < reading.measured_at:
                readings.append(replace(reading, measured_at=began))
        readings.append(reading)
    return readings


def to_celsius(value: float, unit: str) -> float:
    """`value` in degrees `unit` ("C" or "F") as Celsius, to 2 decimal places."""
    celsius = (value - 32.0) * 5.0 / 9.0 if unit == "F" else value
    return round(celsius, 2)


def plausible_unit(value: float) -> str | None:
    """The unit a temperature written without one is in: "C", "F", or None if neither fits."""
    if CELSIUS_RANGE[0] <= value <= CELSIUS_RANGE[1]:
        return "C"
    if FAHRENHEIT_RANGE[0] <= value <= FAHRENHEIT_RANGE[1]:
        return "F"
    return None


# --- finding numbers -------------------------------------------------------------------------


def _readable(text: str) -> str:
    """Control characters become spaces; invisible format characters (zero-width) go."""
    return "".join(
        " " if category == "Cc" and char != "\n" else char
        for char in text
        if (category := unicodedata.category(char)) != "Cf"
    )


def _lowercase_same_length(text: str) -> str:
    # str.lower() can lengthen a few characters ("İ"), which would shift every span after them
    return "".join(lowered if len(lowered := char.lower()) == 1 else char for char in text)


def _find_numbers(text: str, lower: str) -> list[_Number]:
    numbers: list[_Number] = []
    taken = [False] * len(text)  # characters already read as part of a number

    def claim(number: _Number) -> None:
        numbers.append(number)
        taken[number.start : number.end] = [True] * (number.end - number.start)

    for match in _RANGE_RE.finditer(text):
        top = _range_top(text, lower, match)
        if top is not None:
            claim(top)
    for match in _APPROXIMATE_RE.finditer(text):
        # "38 something", "over 38", "39+": read at the highest it may be, and said so; "call
        # if over 38" is an instruction, not a reading
        if _IF_BEFORE_RE.search(lower, max(0, match.start() - 25), match.start()):
            continue
        whole = float(match.group("whole") or match.group("whole_over"))
        vague = " ".join((match.group("suffix") or "").lower().split())
        value = whole + (0.9 if vague in ("something", "point something", "odd") else 0.5)
        digits = f"{value:g}".replace(".", "")
        number = _with_unit(lower, value, match.start(), match.end(), True, digits, False)
        claim(replace(number, from_range=True))
    for match in _AND_A_BIT_RE.finditer(text):
        # "38 and a half" is 38.5; "38 and a bit" is at least 38
        whole = float(match.group("whole"))
        value = whole + (0.5 if match.group("part").lower() == "half" else 0.0)
        digits = f"{value:g}".replace(".", "")
        claim(_with_unit(lower, value, match.start(), match.end(), True, digits, False))
    for match in _SPACED_RE.finditer(text):
        spaced = _spaced_number(lower, match)
        if spaced is not None and not any(taken[spaced.start : spaced.end]):
            claim(spaced)
    # words before digits: "38 point 5" is one number, not 38 followed by words
    for spelled in find_spelled_numbers(text):
        if any(taken[spelled.start : spelled.end]):
            continue
        digits = f"{spelled.value:g}".replace(".", "")
        claim(
            _with_unit(
                lower,
                spelled.value,
                spelled.start,
                spelled.end,
                has_decimal=spelled.has_fraction,
                digits=digits,
                spaced=False,
            )
        )
    for match in _DIGITS_RE.finditer(text):
        if any(taken[match.start() : match.end()]):
            continue
        if not _stands_alone(text, match.start(), match.end()):
            continue
        typed = match.group("number")
        value, has_decimal = _number_value(typed)
        digits = typed.replace(".", "").replace(",", "")
        number = _with_unit(lower, value, match.start(), match.end(), has_decimal, digits, False)
        if (
            number.unit_end < len(lower)
            and lower[number.unit_end].isalpha()
            and not _ABOUT_SUFFIX.match(lower, number.unit_end)
        ):
            continue  # "12th", "5x", "3pm": glued to a word that is not a unit ("100.5ish" is)
        claim(number)
    return sorted(numbers, key=lambda number: number.start)


def _range_top(text: str, lower: str, match: re.Match[str]) -> _Number | None:
    """The top of "101-102" or "between 38.5 and 39", spanning the whole range; None if the
    two numbers are not one temperature range ("120/80", "12/11", "from 38.1 to 38.9")."""
    separator = match.group("separator").strip().lower()
    if separator == "and" and not match.group("between"):
        return None  # "38.1 and 38.6": two readings
    if separator == "to" and lower[: match.start()].rstrip().endswith("from"):
        return None  # "went from 38.1 to 38.9": a change, two readings
    low, _ = _number_value(match.group("low"))
    high, has_decimal = _number_value(match.group("high"))
    unit = plausible_unit(high)
    if (
        unit is None
        or plausible_unit(low) != unit
        or not 0 <= high - low <= _RANGE_MAX_SPREAD[unit]
    ):
        return None
    if not _stands_alone(text, match.start(), match.end()):
        return None  # "101/102/103", "38-39%"
    digits = match.group("high").replace(".", "").replace(",", "")
    number = _with_unit(lower, high, match.start(), match.end(), has_decimal, digits, False)
    if number.unit_end < len(lower) and lower[number.unit_end].isalpha():
        return None
    return replace(number, from_range=True)


def _spaced_number(lower: str, match: re.Match[str]) -> _Number | None:
    """ "3 8 . 4" or "38 . 4"; None for "38.4" and for "38. 4", which is a sentence end."""
    typed = match.group("number")
    whole, _, fraction = re.split(r"([.,])", typed, maxsplit=1)
    spaced_whole = re.search(r"[0-9][ \t]+[0-9]", whole) is not None
    spaced_point = re.search(r"[ \t][.,][ \t]", typed) is not None
    if not (spaced_whole or spaced_point):
        return None
    whole_digits = re.sub(r"[^0-9]", "", whole)
    fraction_digits = re.sub(r"[^0-9]", "", fraction)
    value = float(f"{whole_digits}.{fraction_digits}")
    return _with_unit(
        lower,
        value,
        match.start(),
        match.end(),
        has_decimal=True,
        digits=whole_digits + fraction_digits,
        spaced=True,
    )


def _number_value(typed: str) -> tuple[float, bool]:
    if "," in typed:
        whole, fraction = typed.split(",")
        if len(fraction) == 3:  # "1,000": a thousands separator
            return float(whole + fraction), False
        return float(f"{whole}.{fraction}"), True
    return float(typed), "." in typed


def _stands_alone(text: str, start: int, end: int) -> bool:
    """False for numbers that are part of a date, clock time, ratio, version or percentage."""
    before = text[start - 1] if start >= 1 else ""
    before_that = text[start - 2] if start >= 2 else ""
    if before and before in "/-:." and before_that.isdigit():
        return False  # "12/11", "2026-11-20", "15:30", "1.2.3"
    after = text[end : end + 2]
    if after.startswith(("%", "/")):
        return False  # "95%", "120/80"
    return not (len(after) == 2 and after[0] in ":/-." and after[1].isdigit())


def _with_unit(
    lower: str,
    value: float,
    start: int,
    end: int,
    has_decimal: bool,
    digits: str,
    spaced: bool,
) -> _Number:
    match = _UNIT_RE.match(lower, end)
    unit = None
    degrees_written = False
    unit_end = end
    if match is not None and (match.group("degrees") or match.group("unit")):
        unit_word = match.group("unit") or ""
        degrees_written = bool(match.group("degrees"))
        if unit_word:
            unit = "C" if unit_word[0] == "c" else "F"
            unit_end = match.end()
        else:
            unit_end = match.start("degrees") + len(match.group("degrees").rstrip())
    return _Number(
        value=value,
        start=start,
        end=end,
        unit_end=unit_end,
        unit=unit,
        degrees_written=degrees_written,
        has_decimal=has_decimal,
        digits=digits,
        spaced=spaced,
    )


# --- deciding what a number is ---------------------------------------------------------------


def _classify(
    number: _Number,
    numbers: list[_Number],
    word_text: str,
    text: str,
    site_spans: list[tuple[Site, _Span]],
    not_numbers: list[_Span],
) -> _Candidate | None:
    words_before = _words_before(word_text, number, numbers)
    context = _read_words_before(words_before)
    unit_written = number.unit is not None or number.degrees_written
    if context.other_measure and not unit_written:
        return None
    next_word = _next_word(word_text, number.unit_end)
    of_fever = _OF_FEVER_RE.match(word_text, number.unit_end) is not None  # "38,4 of fever"
    if next_word in _WEATHER_WORDS or (
        not unit_written and next_word in _OTHER_UNIT_WORDS and not of_fever
    ):
        return None
    site_nearby = any(
        _distance(number.start, number.unit_end, span) <= _SITE_REACH
        and _same_sentence(text, number.start, span)
        for _, span in site_spans
    )
    # enough to treat a number outside the plausible range as a (mistyped) temperature
    about_temperature = context.temperature_word or unit_written or site_nearby
    cue_start = context.cue_start

    if number.spaced:
        if plausible_unit(number.value) is None and not about_temperature:
            return None
        return _Candidate(number, cue_start, None, ReadingProblem.AMBIGUOUS)

    unit = number.unit or plausible_unit(number.value)
    in_range = unit is not None and plausible_unit(number.value) == unit
    if in_range and unit is not None:
        cued = about_temperature or cue_start is not None
        if not cued and _reads_as_age(number, words_before, not_numbers):
            if _clearly_an_age(words_before, word_text):
                return None
            # "she is 39" sent to a fever line: her temperature as likely as her age, so ask
            return _Candidate(number, cue_start, None, ReadingProblem.AGE_OR_TEMPERATURE)
        return _Candidate(number, cue_start, to_celsius(number.value, unit), None)
    if not (about_temperature or _is_whole_message(text, number, not_numbers, site_spans)):
        return None
    problem = (
        ReadingProblem.AMBIGUOUS if _missing_decimal_point(number) else ReadingProblem.IMPLAUSIBLE
    )
    return _Candidate(number, cue_start, None, problem)


@dataclass(frozen=True)
class _Word:
    text: str
    start: int


def _words_before(word_text: str, number: _Number, numbers: list[_Number]) -> list[_Word]:
    """Up to a few words before `number`, nearest first, within its clause."""
    clause_start = 0
    for index in range(number.start - 1, max(-1, number.start - 60), -1):
        if word_text[index] in _CLAUSE_END_CHARS or (
            word_text[index] == "." and not word_text[index + 1 : index + 2].isdigit()
        ):
            clause_start = index + 1
            break
    else:
        clause_start = max(0, number.start - 60)
    for other in numbers:
        if other.unit_end <= number.start and other.unit_end > clause_start:
            clause_start = other.unit_end  # another number ends this number's context
    words = [
        _Word(match.group(0), clause_start + match.start())
        for match in _WORD_RE.finditer(word_text[clause_start : number.start])
    ]
    return list(reversed(words[-_CONTEXT_WORDS:]))


@dataclass(frozen=True)
class _WordsBefore:
    cue_start: int | None  # where the nearest word that points to a temperature starts
    temperature_word: bool  # a word that names a temperature ("temp", "fever"), not just "at"
    other_measure: bool  # a word that names something else ("pulse", "ANC", "room")


def _read_words_before(words_before: list[_Word]) -> _WordsBefore:
    """What the words just before a number say it is, reading from the nearest word back."""
    cue_start = None
    for index, word in enumerate(words_before):
        if word.text in _DOSE_VERBS and index <= 1:
            return _WordsBefore(cue_start, temperature_word=False, other_measure=True)
        if _is_temperature_word(word.text):
            return _WordsBefore(word.start, temperature_word=True, other_measure=False)
        if (
            word.text in _OTHER_MEASURE_WORDS
            and not _sat_on(words_before, index)
            # "phone 0800...", but "would you phone with 37.8?" asks about a reading
            and not (word.text in _CALL_WORDS and index > 0)
        ):
            # "heart rate is at 98": only a temperature word nearer than the measure wins
            return _WordsBefore(cue_start, temperature_word=False, other_measure=True)
        if word.text in _LINKING_CUES and cue_start is None:
            cue_start = word.start
        if word.text in ("and", "but"):
            break  # "neulasta pain and its 100.9": the words before "and" are another item
    return _WordsBefore(cue_start, temperature_word=False, other_measure=False)


_CALL_WORDS = frozenset({"call", "phone", "tel"})


def _sat_on(words_before: list[_Word], index: int) -> bool:
    """ "she's been sat on/at 38": sitting on a number, not an oxygen saturation ("sats 97")."""
    return (
        words_before[index].text == "sat"
        and index > 0
        and words_before[index - 1].text in ("on", "at")
    )


def _is_temperature_word(word: str) -> bool:
    """'temp', 'temprature', 'fever', 'thermometer'... (not 'temporal', which is a site)."""
    if word in _TEMPERATURE_CUES:
        return True
    stem = word.split("'")[0].split("’")[0]
    return stem not in _TEMP_LOOKALIKES and _TEMP_WORD_RE.fullmatch(stem) is not None


def _next_word(word_text: str, position: int) -> str:
    match = _NEXT_WORD_RE.match(word_text, position)
    return match.group("word") if match else ""


def _reads_as_age(number: _Number, words_before: list[_Word], not_numbers: list[_Span]) -> bool:
    """'my husband is 38', 'I'm 38', 'she's 39': a whole number about a person is an age."""
    if number.has_decimal or not words_before:
        return False
    if any(0 <= span.start - number.unit_end <= 3 for span in not_numbers):
        return False  # "she was 38 this morning": ages do not change by the hour
    if number.value >= 99:
        return False  # "my dad is 101", "he's 101": a reading in F far more often than an age
    nearest = words_before[0].text.replace("’", "'")
    if nearest.endswith("'s") or nearest in ("hes", "shes"):
        return nearest.removesuffix("s").removesuffix("'") not in _NON_PERSON_SUBJECTS
    if nearest not in _COPULAS:
        return False
    if nearest in ("i'm", "im", "am"):
        return True
    subject = words_before[1].text if len(words_before) > 1 else ""
    if not subject:
        return False  # "is 38 too high?": no person named, so no age
    return subject not in _NON_PERSON_SUBJECTS and not _is_temperature_word(subject)


def _clearly_an_age(words_before: list[_Word], word_text: str) -> bool:
    """True when the message shows an age: "I'm 38" with no temperature word anywhere, or a
    word about years or family ("she is 39 years old", "my husband is 38, we have 2 kids")."""
    words = [match.group(0) for match in _WORD_RE.finditer(word_text)]
    if any(word in _AGE_WORDS for word in words):
        return True
    first_person = words_before[0].text.replace("’", "'") in _FIRST_PERSON
    return first_person and not any(_is_temperature_word(word) for word in words)


def _is_whole_message(
    text: str, number: _Number, not_numbers: list[_Span], site_spans: list[tuple[Site, _Span]]
) -> bool:
    """True when the message is essentially just this number ("45", "986?")."""
    removed = [_Span(number.start, number.unit_end), *not_numbers]
    removed += [span for _, span in site_spans]
    rest = _blank_spans(text, removed)
    return not any(char.isalnum() for char in rest)


def _missing_decimal_point(number: _Number) -> bool:
    """True for '986' (98.6), '1004' (100.4), '384' (38.4): a real reading with the point lost."""
    digits = number.digits.lstrip("0")
    if len(digits) < 3 or digits.endswith("0"):
        return False
    for point in range(1, len(digits)):
        value = float(f"{digits[:point]}.{digits[point:]}")
        if value == number.value:
            continue
        unit = plausible_unit(value)
        if unit is not None and number.unit in (None, unit):
            return True
    return False


# --- sites and times -------------------------------------------------------------------------


def _assign_sites(
    candidates: list[_Candidate], site_spans: list[tuple[Site, _Span]], text: str
) -> dict[int, tuple[Site, _Span]]:
    spans = [span for _, span in site_spans]
    owner = _nearest_pairs(candidates, spans, text, _SITE_REACH)
    return {index: site_spans[span_index] for index, span_index in owner.items()}


def _assign_times(
    candidates: list[_Candidate], time_spans: list[_Span], text: str, reach: int
) -> dict[int, int]:
    eligible = [span for span in time_spans if not _belongs_to_other_event(text, span)]
    owner = _nearest_pairs(candidates, eligible, text, reach)
    return {index: time_spans.index(eligible[span_index]) for index, span_index in owner.items()}


def _assign_durations(
    candidates: list[_Candidate], durations: list[DurationPhrase], text: str
) -> dict[int, DurationPhrase]:
    """ "38.1 for over an hour": a duration in the reading's clause says how long it lasted.
    Only valid readings get one: a number to check is asked about once."""
    spans = [_Span(phrase.start, phrase.end) for phrase in durations]
    owner = _assign_times(candidates, spans, text, _TIME_REACH)
    lasting = {}
    for index, span_index in owner.items():
        number, span = candidates[index].number, spans[span_index]
        between = _between(text, number.start, number.unit_end, span)
        # "38.1, had diarrhoea for 2 days", "38.1 and coughing for 2 days": the duration is
        # about something else in another clause or joined on, not about the reading ...
        near = _distance(number.start, number.unit_end, span) <= _DURATION_REACH
        own_clause = near and not _JOINED_RE.search(between)
        # ... unless the words say it is the same reading: "38.2 and it's been stuck there
        # since half 8", "100.6 since before tea, must be 2 hours now"
        same_reading = span.start > number.start and (
            _SAME_READING_RE.search(between) or _AFTERTHOUGHT_RE.search(text, 0, span.start)
        )
        rule = _RULE_BEFORE_RE.search(text, max(0, number.start - 30), number.start)
        if candidates[index].problem is None and (own_clause or same_reading) and not rule:
            lasting[index] = durations[span_index]
    return lasting


def _spell_start(phrase: DurationPhrase, end: datetime) -> datetime:
    if phrase.began is not None:
        return phrase.began
    return end - (phrase.lasted or timedelta(0))


def _space_series(
    candidates: list[_Candidate],
    explicit: list[datetime | None],
    intervals: list[ElapsedPhrase],
    durations: list[DurationPhrase],
    text: str,
    now: datetime,
) -> tuple[dict[int, datetime], list[DurationPhrase]]:
    """ "38.0 38.1 38.2 checking every half hour since 8": readings spaced by the interval, the
    first at the stated start, else the last one now. Also the "since 8" used for the start."""
    times: dict[int, datetime] = {}
    used: list[DurationPhrase] = []
    for interval in intervals:
        span = _Span(interval.start, interval.end)
        series = [
            index
            for index, candidate in enumerate(candidates)
            if explicit[index] is None
            and index not in times
            and _same_sentence(text, candidate.number.start, span)
        ]
        if len(series) < 2:
            continue
        first = now - interval.elapsed * (len(series) - 1)
        for phrase in durations:
            if (
                phrase not in used
                and _distance(interval.start, interval.end, _Span(phrase.start, phrase.end))
                <= _SERIES_REACH
            ):
                first = _spell_start(phrase, now)
                used.append(phrase)
                break
        for position, index in enumerate(series):
            times[index] = min(first + interval.elapsed * position, now)
    return times, used


def _belongs_to_other_event(text: str, span: _Span) -> bool:
    """'took tylenol at 6', 'chemo yesterday': the time is about the medicine or the chemo."""
    before = text[max(0, span.start - 25) : span.start]
    clause = re.split(r"[,.;!?\n]", before)[-1]
    event = _OTHER_EVENT_RE.search(clause)
    # "took her temp at 8.15": the time is the reading's
    return event is not None and not _TEMP_TAKEN_RE.match(clause, event.end())


def _nearest_pairs(
    candidates: list[_Candidate], spans: list[_Span], text: str, reach: int
) -> dict[int, int]:
    """Pair readings with phrases, nearest first; each reading and phrase is used at most once."""
    pairs = []
    for index, candidate in enumerate(candidates):
        number = candidate.number
        for span_index, span in enumerate(spans):
            distance = _distance(number.start, number.unit_end, span)
            if distance > reach or not _same_sentence(text, number.start, span):
                continue
            between = _between(text, number.start, number.unit_end, span)
            if _OTHER_EVENT_RE.search(between):
                continue
            if any(
                other is not candidate and _inside(other.number, span, number)
                for other in candidates
            ):
                continue  # another reading sits between this one and the phrase
            # a phrase after the number ("38.4 at 3pm") wins a tie with one before it
            tie_break = 0.5 if span.end <= number.start else 0.0
            pairs.append((distance + tie_break, index, span_index))
    owner: dict[int, int] = {}
    used: set[int] = set()
    for _, index, span_index in sorted(pairs):
        if index in owner or span_index in used:
            continue
        owner[index] = span_index
        used.add(span_index)
    return owner


def _gaps_between_readings(
    candidates: list[_Candidate], elapsed_phrases: list[ElapsedPhrase], text: str
) -> list[timedelta | None]:
    """gaps[i]: the time between reading i and reading i + 1, when the message says it."""
    gaps: list[timedelta | None] = [None] * max(0, len(candidates) - 1)
    for phrase in elapsed_phrases:
        previous = [i for i, c in enumerate(candidates) if c.number.unit_end <= phrase.start]
        following = [i for i, c in enumerate(candidates) if c.number.start >= phrase.end]
        if (
            previous
            and following
            and _same_sentence(
                text, candidates[following[0]].number.start, _Span(phrase.start, phrase.end)
            )
        ):
            gaps[previous[-1]] = phrase.elapsed  # "100.6. Half an hour later: 101.8"
        elif len(previous) >= 2:
            gaps[previous[-2]] = phrase.elapsed  # "38.1, then 38.6 an hour later"
        elif len(following) >= 2 and phrase.phrase.lower().endswith("apart"):
            gaps[following[0]] = phrase.elapsed  # "two readings an hour apart: 38.1 and 38.6"
    return gaps


def _chain_times(
    explicit: list[datetime | None], gaps: list[timedelta | None], now: datetime
) -> list[datetime]:
    """Each reading's time: its own time words, else worked out from the next or previous one."""
    times = list(explicit)
    for index, gap in enumerate(gaps):
        if gap is not None and times[index] is not None and times[index + 1] is None:
            times[index + 1] = times[index] + gap  # "38.1 at 3pm, an hour later 38.6"
    resolved: list[datetime] = [now] * len(times)
    for index in range(len(times) - 1, -1, -1):
        known = times[index]
        if known is not None:
            resolved[index] = known
        elif index < len(gaps) and gaps[index] is not None:
            resolved[index] = resolved[index + 1] - gaps[index]
        else:
            resolved[index] = now  # the last reading of a chain was taken now
    return [min(when, now) for when in resolved]


# --- small helpers ---------------------------------------------------------------------------


def _overlaps(start: int, end: int, span: _Span) -> bool:
    return start < span.end and span.start < end


def _distance(start: int, end: int, span: _Span) -> int:
    if span.start >= end:
        return span.start - end
    if span.end <= start:
        return start - span.end
    return 0


def _between(text: str, start: int, end: int, span: _Span) -> str:
    if span.start >= end:
        return text[end : span.start]
    if span.end <= start:
        return text[span.end : start]
    return ""


def _inside(number: _Number, span: _Span, reading: _Number) -> bool:
    low = min(span.end, reading.unit_end)
    high = max(span.start, reading.start)
    return low <= number.start and number.unit_end <= high


def _same_sentence(text: str, position: int, span: _Span) -> bool:
    low, high = (position, span.start) if span.start >= position else (span.end, position)
    return _SENTENCE_END_RE.search(text, low, high) is None


def _blank_spans(text: str, spans: list[_Span]) -> str:
    characters = list(text)
    for span in spans:
        for index in range(max(0, span.start), min(len(characters), span.end)):
            characters[index] = " "
    return "".join(characters)


def _raw_fragment(text: str, spans: list[_Span]) -> str:
    start = min(span.start for span in spans)
    end = max(span.end for span in spans)
    fragment = " ".join(text[start:end].split())
    return fragment[:_RAW_MAX_CHARS]
