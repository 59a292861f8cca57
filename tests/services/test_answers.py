"""Answers to questions as a patient receives them: SMS-sized, sourced, ending with the clinic's line."""

from __future__ import annotations

import pytest

from bot import conversation
from bot import runtime as runtime_module
from bot.runtime import Runtime
from bot.sms.gsm7 import is_gsm7


@pytest.fixture
def clinic_line(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv(
        "NADIR_WHEN_TO_CALL", "Fever of 100.4F or chills? Ring our nurses on {phone}, any hour."
    )
    runtime_module.runtime.cache_clear()
    return runtime_module.runtime()


def test_every_first_answer_fits_two_sms_and_names_its_source_when_it_fits(
    clinic_line: Runtime,
) -> None:
    for topic in conversation.knowledge_base().topics():
        answer = conversation.answer_question(clinic_line, topic.intent, "question", None)
        first = answer.turn.messages[0]
        assert len(first) <= conversation.SMS_BUDGET, topic.id
        assert is_gsm7(first), topic.id
        assert "{" not in first, topic.id  # every placeholder filled
        if topic.more:
            assert "Text MORE" in first and answer.topic == topic.id


def test_fever_answers_end_with_the_clinics_own_when_to_call_line(clinic_line: Runtime) -> None:
    answer = conversation.answer_question(
        clinic_line, "ask_fever_threshold", "what counts as a fever", None
    )
    assert answer.turn.messages[-1].endswith("Ring our nurses on 617-555-0123, any hour.")
    sushi = conversation.answer_question(clinic_line, "ask_raw_seafood", "sushi?", None)
    assert "Ring our nurses" not in " ".join(sushi.turn.messages)


def test_an_anc_number_is_explained_in_its_own_message(clinic_line: Runtime) -> None:
    answer = conversation.answer_question(
        clinic_line, "ask_anc_meaning", "my counts are 400 what does it mean", None
    )
    assert answer.turn.messages[0].startswith("An ANC of 0.4 (400 per uL) is severely low")
    assert all(len(message) <= conversation.SMS_BUDGET for message in answer.turn.messages)


def test_more_sends_the_rest_then_the_source_and_review_date(clinic_line: Runtime) -> None:
    first = conversation.answer_question(clinic_line, "ask_fever_threshold", "fever?", None)
    follow = conversation.more(clinic_line, first.topic, first.parts_sent, None)
    assert any("Source:" in message and "reviewed" in message for message in follow.turn.messages)
    done = conversation.more(clinic_line, follow.topic, follow.parts_sent, None)
    assert "That's all" in done.turn.messages[0]


def test_a_question_mid_report_is_answered_then_the_report_resumes(clinic_line: Runtime) -> None:
    answer = conversation.answer_question(
        clinic_line, "ask_pets", "can I keep my cat", "temperature"
    )
    assert answer.turn.messages[-1].startswith("Back to your report")
    assert answer.turn.step is conversation.Step.TEMPERATURE


def test_the_report_is_offered_again_once_then_a_new_question_drops_it(
    clinic_line: Runtime,
) -> None:
    first = conversation.answer_question(
        clinic_line, "ask_pets", "can I keep my cat", "checklist"
    ).turn
    assert first.messages[-1].startswith("Back to your report")
    second = conversation.answer_question(
        clinic_line, "ask_raw_seafood", "and is sushi ok", first.step_slot
    ).turn
    assert not any(m.startswith("Back to your report") for m in second.messages)
    assert second.step is None


def test_a_number_to_confirm_survives_one_question_and_keeps_the_when_to_call_line(
    clinic_line: Runtime,
) -> None:
    first = conversation.answer_question(
        clinic_line, "ask_pets", "can I keep my cat", "confirm_temperature:39"
    ).turn
    assert first.step_slot == "confirm_temperature:39;reoffered"
    assert "39" in first.messages[-1]
    second = conversation.answer_question(
        clinic_line, "ask_raw_seafood", "and is sushi ok", first.step_slot
    ).turn
    assert second.step is None
    assert second.messages[-1].endswith("Ring our nurses on 617-555-0123, any hour.")


def test_when_unsure_the_two_likeliest_topics_are_offered_by_number(clinic_line: Runtime) -> None:
    turn = conversation.fallback(
        clinic_line,
        "+16175550999",
        ["nlu_fallback", "ask_pets", "ask_litter_box", "ask_reptiles_birds_fish"],
    )
    (text,) = turn.messages
    assert "1 Keeping a pet." in text and "3 Something else." in text
    assert "Reptiles" not in text
    assert turn.step_slot == "menu:ask_pets,ask_litter_box"
    assert len(text) <= conversation.SMS_BUDGET and is_gsm7(text)
