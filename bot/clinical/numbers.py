"""Spelled-out numbers in a message: "thirty eight point five", "a hundred and one", "one oh two".

Pure functions. Only the numbers people use for temperatures and small counts are understood
(0-999 with an optional decimal part, also "38 point 5" with typed digits); anything else is
left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGIT_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEEN_WORDS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,  # a common misspelling
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# Counts and durations people spell out ("four times", "twenty minutes"): one to twenty.
SMALL_NUMBER_WORDS: dict[str, int] = {
    **{word: value for word, value in _DIGIT_WORDS.items() if value},
    **_TEEN_WORDS,
    "twenty": 20,
}
_ZERO_WORDS = {"zero", "oh", "o", "nought", "nil"}
_DECIMAL_WORDS = {"point", "dot", "decimal"}

_WORD_RE = re.compile(r"[A-Za-z]+|\d")
# words of one number are separated by spaces or a hyphen ("thirty-eight"), nothing else
_JOINER_RE = re.compile(r"[ \t]{0,3}-?[ \t]{0,3}")


@dataclass(frozen=True)
class SpelledNumber:
    """A number written in words, with its character span in the message."""

    value: float
    start: int
    end: int
    has_fraction: bool  # "point five" or "and a half" was said


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int
    joined_to_previous: bool
    touching_previous: bool  # no gap at all: the digits of one typed number
    after_decimal_mark: bool  # "." or "," before it: the fraction of a typed number


def find_spelled_numbers(text: str) -> list[SpelledNumber]:
    """Every number written in words in `text`, in order; each takes as many words as fit."""
    words = _words(text)
    found: list[SpelledNumber] = []
    index = 0
    while index < len(words):
        parsed = _parse_number(words, index)
        if parsed is None:
            index += 1
            continue
        value, next_index, has_fraction = parsed
        # "thirty eight nine": a temperature said the way it is read off, point left out
        if (
            not has_fraction
            and 32 <= value <= 43
            and next_index < len(words)
            and words[next_index].text.lower() in _SINGLE_DIGITS
            and (
                next_index + 1 == len(words)
                or words[next_index + 1].text.lower() not in _SINGLE_DIGITS
            )
        ):
            value += _SINGLE_DIGITS[words[next_index].text.lower()] / 10
            next_index, has_fraction = next_index + 1, True
        found.append(
            SpelledNumber(
                value=value,
                start=words[index].start,
                end=words[next_index - 1].end,
                has_fraction=has_fraction,
            )
        )
        index = next_index
    return found


_SINGLE_DIGITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}  # fmt: skip


def _words(text: str) -> list[_Word]:
    words = []
    previous_end = -1
    for match in _WORD_RE.finditer(text):
        gap = text[previous_end : match.start()] if previous_end >= 0 else ""
        joined = previous_end >= 0 and _JOINER_RE.fullmatch(gap) is not None
        words.append(
            _Word(
                text=match.group(0).lower(),
                start=match.start(),
                end=match.end(),
                joined_to_previous=joined,
                touching_previous=previous_end >= 0 and gap == "",
                after_decimal_mark=gap in (".", ","),
            )
        )
        previous_end = match.end()
    return words


def _parse_number(words: list[_Word], index: int) -> tuple[float, int, bool] | None:
    typed = _typed_digits(words, index)
    if typed is not None:
        # "38 point 5": typed digits are someone else's job unless a spoken fraction follows
        value, position = typed
        fraction = _parse_fraction(words, position)
        if fraction is None:
            return None
        return value + fraction[0], fraction[1], True
    whole = _parse_whole(words, index)
    if whole is None:
        return None
    value, position = whole
    fraction = _parse_fraction(words, position)
    if fraction is None:
        return float(value), position, False
    fraction_value, position = fraction
    return value + fraction_value, position, True


def _typed_digits(words: list[_Word], index: int) -> tuple[int, int] | None:
    if not words[index].text.isdigit():
        return None
    word = words[index]
    inside_typed_number = word.touching_previous or word.after_decimal_mark
    if index > 0 and words[index - 1].text.isdigit() and inside_typed_number:
        return None  # the middle or the fraction of a typed number
    position = index
    digits = ""
    while (
        position < len(words)
        and words[position].text.isdigit()
        and (position == index or words[position].touching_previous)
        and len(digits) < 4
    ):
        digits += words[position].text
        position += 1
    return int(digits), position


def _word_at(words: list[_Word], position: int, start_index: int) -> str | None:
    """The word at `position` if it continues the number started at `start_index`."""
    if position >= len(words):
        return None
    if position > start_index and not words[position].joined_to_previous:
        return None
    return words[position].text


def _parse_whole(words: list[_Word], index: int) -> tuple[int, int] | None:
    first = _word_at(words, index, index)
    if first is None:
        return None
    position = index
    hundreds = 0
    second = _word_at(words, index + 1, index)
    if first in ("a", "one") and second == "hundred":
        hundreds, position = 100, index + 2
    elif first in _DIGIT_WORDS and first != "zero" and second == "hundred":
        hundreds, position = _DIGIT_WORDS[first] * 100, index + 2
    elif first == "hundred":
        hundreds, position = 100, index + 1
    elif first == "one" and second in ("oh", "o", "zero"):
        # "one oh one" is how many people say 101
        third = _word_at(words, index + 2, index)
        if third in _DIGIT_WORDS:
            return 100 + _DIGIT_WORDS[third], index + 3
        return None

    if hundreds:
        after = _word_at(words, position, index)
        rest_position = position + 1 if after == "and" else position
        rest = _parse_below_hundred(words, rest_position, index)
        if rest is None:
            return hundreds, position
        return hundreds + rest[0], rest[1]
    return _parse_below_hundred(words, index, index)


def _parse_below_hundred(words: list[_Word], position: int, start: int) -> tuple[int, int] | None:
    word = _word_at(words, position, start)
    if word is None:
        return None
    if word in _TEEN_WORDS:
        return _TEEN_WORDS[word], position + 1
    if word in _TENS_WORDS:
        unit = _word_at(words, position + 1, start)
        if unit in _DIGIT_WORDS and unit != "zero":
            return _TENS_WORDS[word] + _DIGIT_WORDS[unit], position + 2
        return _TENS_WORDS[word], position + 1
    if word in _DIGIT_WORDS:
        return _DIGIT_WORDS[word], position + 1
    return None


def _parse_fraction(words: list[_Word], position: int) -> tuple[float, int] | None:
    word = _word_at(words, position, position - 1)
    if word in _DECIMAL_WORDS:
        digits = ""
        cursor = position + 1
        while len(digits) < 2:
            digit_word = _word_at(words, cursor, position)
            if digit_word in _ZERO_WORDS:
                digits += "0"
            elif digit_word in _DIGIT_WORDS:
                digits += str(_DIGIT_WORDS[digit_word])
            elif digit_word is not None and digit_word.isdigit():
                digits += digit_word
            else:
                break
            cursor += 1
        if not digits:
            return None
        return int(digits) / 10 ** len(digits), cursor
    if (
        word == "and"
        and _word_at(words, position + 1, position) == "a"
        and _word_at(words, position + 2, position) == "half"
    ):
        return 0.5, position + 3
    return None
