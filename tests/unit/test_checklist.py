"""The numbered symptom checklist sent by SMS, and the replies people send back."""

from __future__ import annotations

import pytest

from bot.clinical.checklist import (
    CHECKLIST,
    ChecklistReply,
    checklist_prompt,
    parse_checklist_reply,
)
from bot.clinical.model import SymptomCode
from bot.sms.gsm7 import is_gsm7

C = SymptomCode


def number_of(code: SymptomCode) -> int:
    return next(number for number, item_code, _ in CHECKLIST if item_code is code)


# --- the list ---------------------------------------------------------------------------------


def test_prompt_fits_the_sms_budget_in_plain_gsm7() -> None:
    prompt = checklist_prompt()
    assert len(prompt) <= 320
    assert is_gsm7(prompt)


def test_prompt_lists_every_item_by_number_and_offers_none() -> None:
    lines = checklist_prompt().splitlines()
    for number, _, label in CHECKLIST:
        assert f"{number} {label}" in lines
    assert "0 None" in lines


def test_list_has_at_most_twelve_items_numbered_from_one() -> None:
    numbers = [number for number, _, _ in CHECKLIST]
    assert len(CHECKLIST) <= 12
    assert numbers == list(range(1, len(CHECKLIST) + 1))
    assert len({code for _, code, _ in CHECKLIST}) == len(CHECKLIST)


@pytest.mark.parametrize(
    "code",
    [
        C.CHILLS,
        C.RIGORS,
        C.SHORT_OF_BREATH,
        C.URINARY_PAIN,
        C.DIARRHOEA,
        C.VOMITING,
        C.MOUTH_SORES,
        C.LINE_SITE,
        C.CONFUSION,
        C.UNWELL,
    ],
)
def test_the_issue_list_symptoms_each_have_an_item(code: SymptomCode) -> None:
    assert number_of(code) >= 1


def test_shaking_chills_are_not_recorded_as_plain_chills() -> None:
    # rigors are a red flag (clinical-anchors §3): picking them must not downgrade to chills
    reply = parse_checklist_reply(str(number_of(C.RIGORS)))
    assert reply is not None and reply.codes == (C.RIGORS,)


def test_confused_or_dizzy_records_the_red_flag() -> None:
    label = next(label for _, code, label in CHECKLIST if code is C.CONFUSION)
    assert "dizzy" in label.lower()
    reply = parse_checklist_reply(str(number_of(C.CONFUSION)))
    assert reply is not None and reply.codes == (C.CONFUSION,)


# --- replies ----------------------------------------------------------------------------------


REPLY_CASES = [
    ("1 3", (1, 3), False, ()),
    ("1,3", (1, 3), False, ()),
    ("1, 3 and 5", (1, 3, 5), False, ()),
    ("1+3", (1, 3), False, ()),
    ("1&3", (1, 3), False, ()),
    ("#2", (2,), False, ()),
    ("2.", (2,), False, ()),
    ("1 and 3 please", (1, 3), False, ()),
    ("number 9", (9,), False, ()),
    ("yes 1", (1,), False, ()),
    ("1 (chills) and 4", (1, 4), False, ()),
    ("10 and 12", (10, 12), False, ()),
    ("1-3", (1, 2, 3), False, ()),
    ("2 3 2", (2, 3), False, ()),
    ("12\n", (12,), False, ()),
    ("0", (), True, ()),
    ("none", (), True, ()),
    ("None of them", (), True, ()),
    ("no", (), True, ()),
    ("No.", (), True, ()),
    ("nope thanks", (), True, ()),
    ("0 3", (3,), False, ()),
    ("none except 4", (4,), False, ()),
    ("14", (), False, ("14",)),
    ("1 14", (1,), False, ("14",)),
    ("13, 99", (), False, ("13", "99")),
]


@pytest.mark.parametrize(("text", "numbers", "none", "invalid"), REPLY_CASES)
def test_checklist_replies(
    text: str, numbers: tuple[int, ...], none: bool, invalid: tuple[str, ...]
) -> None:
    by_number = {number: code for number, code, _ in CHECKLIST}
    assert parse_checklist_reply(text) == ChecklistReply(
        codes=tuple(by_number[n] for n in numbers), none=none, invalid=invalid
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "I have chills",
        "can I eat sushi?",
        "🙂",
        "38.5",  # a temperature, not item 38 or 5
        "I had 2 advil",  # the 2 counts tablets
        "3 times since 6",
        "at 4",
        "3pm",
        "3:30",
        "day 3 of chemo",
        "diarrhea x3",
    ],
)
def test_a_reply_that_does_not_answer_the_list_is_a_normal_message(text: str) -> None:
    assert parse_checklist_reply(text) is None


def test_a_huge_reply_is_handled() -> None:
    reply = parse_checklist_reply("1 " * 10_000)
    assert reply is not None and reply.codes == (C.CHILLS,)
