"""What Nadir says back to a messy report (issue 10, problems 6, 7, 8 and 12)."""

from __future__ import annotations

from sqlalchemy import select

from bot import conversation
from bot.db.models import Escalation, TemperatureReadingRow
from bot.db.session import unit_of_work
from tests.conftest import CAREGIVER_PHONE, PATIENT_PHONE


def _readings(rt):  # type: ignore[no-untyped-def]
    with unit_of_work(rt.sessions) as session:
        return list(session.execute(select(TemperatureReadingRow)).scalars())


def _paged(rt) -> bool:  # type: ignore[no-untyped-def]
    with unit_of_work(rt.sessions) as session:
        return session.execute(select(Escalation)).first() is not None


def test_a_number_that_may_be_an_age_is_asked_about_not_dropped(enrolled) -> None:  # type: ignore[no-untyped-def]
    turn = conversation.report(enrolled, CAREGIVER_PHONE, "she is 39", None)
    assert any("Is 39 her temperature?" in text for text in turn.messages)
    assert _readings(enrolled) == []  # nothing stored until it is confirmed


def test_a_range_is_stored_at_its_highest_and_the_reply_says_so(enrolled) -> None:  # type: ignore[no-untyped-def]
    turn = conversation.report(enrolled, PATIENT_PHONE, "101-102 all evening", None)
    assert max(round(r.celsius, 1) for r in _readings(enrolled)) == 38.9
    assert any('the highest of "101-102' in text for text in turn.messages)
    assert _paged(enrolled)


def test_a_report_that_needs_nothing_still_says_when_to_call(enrolled) -> None:  # type: ignore[no-untyped-def]
    turn = conversation.report(enrolled, PATIENT_PHONE, "36.8 and no other symptoms", None)
    assert "day or night" in turn.messages[-1]
    assert not _paged(enrolled)


def test_vague_words_get_a_clarifying_question(enrolled) -> None:  # type: ignore[no-untyped-def]
    turn = conversation.report(
        enrolled, CAREGIVER_PHONE, "she says she feels funny wont say what kind", None
    )
    assert "?" in turn.messages[0] and "617-555-0123" in turn.messages[0]
    assert not _paged(enrolled)


def test_the_teams_card_wins_and_the_reply_says_to_follow_it(enrolled) -> None:  # type: ignore[no-untyped-def]
    turn = conversation.report(
        enrolled, PATIENT_PHONE, "my card says ring at 37.5 and Im 37.8", None
    )
    assert [round(r.celsius, 1) for r in _readings(enrolled)] == [37.8]  # 37.5 is the card's
    assert _paged(enrolled)
    assert any("Follow your own team's instructions" in text for text in turn.messages)


def test_a_duration_in_one_text_is_a_sustained_fever(enrolled) -> None:  # type: ignore[no-untyped-def]
    turn = conversation.report(enrolled, PATIENT_PHONE, "its been 38.1 for over an hour now", None)
    assert _paged(enrolled)
    assert turn.urgent
    assert any("from" in text and "38.1C" in text for text in turn.messages)


def test_yes_to_is_39_her_temperature_stores_it_and_pages(enrolled) -> None:  # type: ignore[no-untyped-def]
    asked = conversation.report(enrolled, CAREGIVER_PHONE, "she is 39", None)
    assert asked.step_slot == "confirm_temperature:39"
    conversation.report(enrolled, CAREGIVER_PHONE, "yes", asked.step_slot)
    assert [round(r.celsius, 1) for r in _readings(enrolled)] == [39.0]
    assert _paged(enrolled)


def test_a_reply_that_neither_confirms_nor_reports_keeps_the_number_to_confirm(enrolled) -> None:  # type: ignore[no-untyped-def]
    asked = conversation.report(enrolled, CAREGIVER_PHONE, "she is 39", None)
    waiting = conversation.report(enrolled, CAREGIVER_PHONE, "hmm", asked.step_slot)
    assert "Was 39 a temperature?" in waiting.messages[0]
    conversation.report(enrolled, CAREGIVER_PHONE, "yes", waiting.step_slot)
    assert [round(r.celsius, 1) for r in _readings(enrolled)] == [39.0]
    assert _paged(enrolled)


def test_no_its_her_age_stores_nothing(enrolled) -> None:  # type: ignore[no-untyped-def]
    asked = conversation.report(enrolled, CAREGIVER_PHONE, "she is 39", None)
    turn = conversation.report(enrolled, CAREGIVER_PHONE, "no thats her age lol", asked.step_slot)
    assert _readings(enrolled) == [] and not _paged(enrolled)
    assert "not a temperature" in turn.messages[0]


def test_a_question_whether_to_call_is_answered_directly(enrolled) -> None:  # type: ignore[no-untyped-def]
    turn = conversation.report(
        enrolled, PATIENT_PHONE, "would you phone with 37.8? my card says 37.5", None
    )
    assert turn.messages[0].startswith("Yes, call now.")
    other = conversation.report(enrolled, CAREGIVER_PHONE, "should I ring at 37.6?", None)
    assert other.messages[-1].startswith("Not yet at this reading.") or any(
        m.startswith("Not yet at this reading.") for m in other.messages
    )


def test_a_patients_husbands_cough_is_not_theirs_but_a_caregivers_husband_is_the_patient(
    enrolled,
) -> None:  # type: ignore[no-untyped-def]
    conversation.report(enrolled, PATIENT_PHONE, "husband has a bad cough, i feel fine 36.4", None)
    assert not _paged(enrolled)
    conversation.report(enrolled, CAREGIVER_PHONE, "my husband has a bad cough", None)
    assert _paged(enrolled)


def test_a_number_picks_a_topic_from_the_clarifying_menu(enrolled) -> None:  # type: ignore[no-untyped-def]
    menu = conversation.fallback(enrolled, PATIENT_PHONE, ["ask_pets", "ask_litter_box"])
    picked = conversation.report(enrolled, PATIENT_PHONE, "2", menu.step_slot)
    litter = conversation.knowledge_base().by_intent("ask_litter_box")
    assert litter is not None and picked.messages[0].startswith(litter.answer[:30])
    other = conversation.report(enrolled, PATIENT_PHONE, "3", menu.step_slot)
    assert other.messages[0].startswith("Ask me in your own words")
    assert not _paged(enrolled)


def test_with_no_likely_topic_the_general_menu_is_offered(enrolled) -> None:  # type: ignore[no-untyped-def]
    turn = conversation.fallback(enrolled, PATIENT_PHONE, ["nlu_fallback", "greet"])
    assert turn.messages[0].startswith("Sorry, I didn't understand.")
    assert turn.step_slot == "menu"
