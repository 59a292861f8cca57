"""The numbered symptom checklist: SMS has no buttons, so people reply "1 3" or "0".

Pure functions. The list keeps shaking chills (a red flag, clinical-anchors §3) apart from plain
chills, and diarrhoea apart from vomiting (the conversation asks how many times for diarrhoea).
Where one line names two symptoms, its code is the one the rules treat at least as urgently:
"Confused or dizzy" is CONFUSION (a red flag); sore throat and cough are the same rule (R9).

A number counts as a choice only when it stands alone or next to list words: in "I had 2 advil"
or "3 times since 6" the numbers are about something else, so the reply is read as a normal
message instead of choosing items 2 and 3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.clinical.model import SymptomCode

CHECKLIST: tuple[tuple[int, SymptomCode, str], ...] = (
    (1, SymptomCode.CHILLS, "Chills or sweats"),
    (2, SymptomCode.RIGORS, "Shaking you can't stop"),
    (3, SymptomCode.COUGH, "Sore throat or cough"),
    (4, SymptomCode.SHORT_OF_BREATH, "Short of breath"),
    (5, SymptomCode.URINARY_PAIN, "Pain or burning when you pee"),
    (6, SymptomCode.DIARRHOEA, "Diarrhea"),
    (7, SymptomCode.VOMITING, "Vomiting"),
    (8, SymptomCode.MOUTH_SORES, "Mouth sores"),
    (9, SymptomCode.LINE_SITE, "Port/PICC/line red, sore or oozing"),
    (10, SymptomCode.CONFUSION, "Confused or dizzy"),
    (11, SymptomCode.NEW_PAIN, "Rash or new pain"),
    (12, SymptomCode.UNWELL, "Feel generally unwell"),
)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_CODES_BY_NUMBER = {number: code for number, code, _ in CHECKLIST}
_MAX_TEXT_CHARS = 500  # a checklist reply is a few characters; this bounds the work

_TOKEN_RE = re.compile(r"\d+\.\d+|\d+|[a-z]+(?:'[a-z]+)?|\S", re.IGNORECASE)
_RANGE_DASHES = frozenset({"-", "–", "—"})
# words that may sit next to a chosen number: "1 and 3 please", "2 shaking", "#4 only"
_LIST_WORDS = _word_set(
    """
    and or also plus then both number numbers no yes yeah yep y please pls thanks thank you thx
    ta ok okay i i'm im have got feel feeling the just only all of them these those with a an bit
    little some my is are am it's its for me hi hello hey option options item items choice
    choices same again too as well maybe think st nd rd th none nothing except but apart from
    other than chills chill sweats sweating shaking shivering shakes sore throat cough coughing
    short breath breathless pain burning pee peeing wee urine diarrhea diarrhoea runs vomiting
    vomit sick mouth sores ulcers port picc line site red oozing confused dizzy rash new
    generally unwell
    """
)
# a number right after these words is a day, a time or a count, not a choice ("day 3", "at 4")
_NOT_AFTER_WORDS = _word_set(
    "day days cycle round week weeks temp temperature at since about around approx by x dose @ × :"
)
_NONE_WORDS = frozenset({"0", "zero", "none", "no", "nope", "nah", "nothing", "nil", "n"})
_NONE_FILLER = _word_set(
    """
    of them these those the above thanks thank you thx ta symptoms at all please i have got
    ve any for now
    """
)


@dataclass(frozen=True)
class ChecklistReply:
    """The items a person chose from the checklist."""

    codes: tuple[SymptomCode, ...]  # chosen, in the order written
    none: bool  # "0", "none", "no"
    invalid: tuple[str, ...]  # numbers out of range, e.g. "14"


def checklist_prompt() -> str:
    """The numbered list as one SMS (GSM-7 characters only, at most 320 characters)."""
    lines = ["Any of these now? Reply with the numbers, e.g. 1 3"]
    lines += [f"{number} {label}" for number, _, label in CHECKLIST]
    lines.append("0 None")
    return "\n".join(lines)


def parse_checklist_reply(text: str) -> ChecklistReply | None:
    """The choices in a reply to the checklist; None when the reply does not answer it."""
    tokens = [token.lower() for token in _TOKEN_RE.findall((text or "")[:_MAX_TEXT_CHARS])]
    chosen: list[int] = []
    invalid: list[str] = []
    for number in _chosen_numbers(tokens):
        if number in _CODES_BY_NUMBER or number == 0:
            chosen.append(number)
        else:
            invalid.append(str(number))
    codes = tuple(dict.fromkeys(_CODES_BY_NUMBER[n] for n in chosen if n != 0))
    says_none = 0 in chosen or _is_none_reply(tokens)
    if not (chosen or invalid or says_none):
        return None
    return ChecklistReply(
        codes=codes,
        none=says_none and not codes and not invalid,
        invalid=tuple(dict.fromkeys(invalid)),
    )


def _chosen_numbers(tokens: list[str]) -> list[int]:
    numbers: list[int] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not token.isdigit() or not _stands_as_choice(tokens, index):
            index += 1
            continue
        # "1-3" lists every item from 1 to 3
        if (
            index + 2 < len(tokens)
            and tokens[index + 1] in _RANGE_DASHES
            and tokens[index + 2].isdigit()
            and _stands_as_choice(tokens, index + 2)
            and int(token) < int(tokens[index + 2]) <= max(_CODES_BY_NUMBER)
        ):
            numbers.extend(range(int(token), int(tokens[index + 2]) + 1))
            index += 3
            continue
        numbers.append(int(token))
        index += 1
    return numbers


def _stands_as_choice(tokens: list[str], index: int) -> bool:
    previous = tokens[index - 1] if index > 0 else ""
    following = tokens[index + 1] if index + 1 < len(tokens) else ""
    if previous in _NOT_AFTER_WORDS or following == ":":
        return False
    # "2 advil", "3pm", "4 times": the number counts something else
    return not (following[:1].isalpha() and following not in _LIST_WORDS)


def _is_none_reply(tokens: list[str]) -> bool:
    words = [token for token in tokens if token[:1].isalnum()]
    return (
        bool(words)
        and any(word in _NONE_WORDS for word in words)
        and all(word in _NONE_WORDS or word in _NONE_FILLER for word in words)
    )
