"""The report actions against a real (in-memory SQLite) database."""

from __future__ import annotations

from sqlalchemy import func, select

from actions.action_cancel_report import ActionCancelReport
from actions.action_record_report import ActionRecordReport
from actions.action_start_report import ActionStartReport
from bot.db.models import (
    Escalation,
    FeverReducerRow,
    OutboundMessage,
    SymptomReportRow,
    TemperatureReadingRow,
)
from bot.db.session import unit_of_work
from tests.conftest import CAREGIVER_PHONE, PATIENT_PHONE, PRIMARY_PHONE, STRANGER_PHONE
from tests.support.trackers import run_action


def _count(rt, model) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(rt.sessions) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _readings(rt):  # type: ignore[no-untyped-def]
    with unit_of_work(rt.sessions) as session:
        return list(
            session.execute(
                select(TemperatureReadingRow).order_by(TemperatureReadingRow.id)
            ).scalars()
        )


def _symptoms(rt):  # type: ignore[no-untyped-def]
    with unit_of_work(rt.sessions) as session:
        return list(
            session.execute(select(SymptomReportRow).order_by(SymptomReportRow.id)).scalars()
        )


def test_temperature_and_symptom_in_one_message_are_stored(enrolled) -> None:  # type: ignore[no-untyped-def]
    texts, _, _ = run_action(ActionRecordReport(), PATIENT_PHONE, "temp 101.3 and chills")
    readings = _readings(enrolled)
    assert len(readings) == 1
    assert round(readings[0].celsius, 1) == 38.5
    assert readings[0].unit_given is None or readings[0].unit_given == "F"
    assert readings[0].reporter == "patient"
    assert [s.code for s in _symptoms(enrolled)] == ["chills"]
    assert any("Saved" in text for text in texts)


def test_fever_on_chemo_pages_the_primary_and_tells_the_patient_to_call_now(enrolled) -> None:  # type: ignore[no-untyped-def]
    texts, _, slots = run_action(ActionRecordReport(), PATIENT_PHONE, "101.5 and shaking")
    assert "617-555-0123" in texts[0]  # what to do now comes first, with the 24-hour line
    assert "care team" in texts[0].lower()
    with unit_of_work(enrolled.sessions) as session:
        escalation = session.execute(select(Escalation)).scalar_one()
        assert escalation.disposition == "emergency"
        pages = list(
            session.execute(
                select(OutboundMessage).where(OutboundMessage.purpose == "page")
            ).scalars()
        )
    assert [p.to_phone for p in pages] == [PRIMARY_PHONE]
    assert escalation.code in pages[0].body
    assert PATIENT_PHONE in pages[0].body
    assert pages[0].status == "recorded"  # no Twilio configured: kept and printed, not sent
    assert slots["report_step"] is None  # no questionnaire while someone should be on the phone


def test_a_second_qualifying_report_joins_the_open_escalation(enrolled) -> None:  # type: ignore[no-untyped-def]
    run_action(ActionRecordReport(), PATIENT_PHONE, "38.9")
    run_action(ActionRecordReport(), PATIENT_PHONE, "39.2 now and chills")
    assert _count(enrolled, Escalation) == 1
    with unit_of_work(enrolled.sessions) as session:
        pages = session.execute(
            select(func.count())
            .select_from(OutboundMessage)
            .where(OutboundMessage.purpose == "page")
        ).scalar_one()
    assert pages == 1


def test_two_readings_in_one_message_are_both_stored_half_an_hour_apart(enrolled) -> None:  # type: ignore[no-untyped-def]
    run_action(ActionRecordReport(), PATIENT_PHONE, "100.6. Half an hour later: 101.8")
    first, second = _readings(enrolled)
    assert round(first.celsius, 1) == 38.1 and round(second.celsius, 1) == 38.8
    gap = (second.measured_at - first.measured_at).total_seconds()
    assert 25 * 60 <= gap <= 35 * 60


def test_implausible_value_is_not_stored_and_the_patient_is_asked_to_check(enrolled) -> None:  # type: ignore[no-untyped-def]
    texts, _, slots = run_action(ActionRecordReport(), PATIENT_PHONE, "986")
    assert _count(enrolled, TemperatureReadingRow) == 0
    assert any("check" in text.lower() for text in texts)
    assert slots["report_step"] == "temperature"
    assert _count(enrolled, Escalation) == 0


def test_caregiver_report_is_stored_against_the_patient_and_marked(enrolled) -> None:  # type: ignore[no-untyped-def]
    run_action(ActionRecordReport(), CAREGIVER_PHONE, "my husband is at 38.4 and has a cough")
    (reading,) = _readings(enrolled)
    assert reading.reporter == "caregiver" and reading.reporter_phone == CAREGIVER_PHONE
    with unit_of_work(enrolled.sessions) as session:
        escalation = session.execute(select(Escalation)).scalar_one()
    assert escalation.notify_phone == CAREGIVER_PHONE  # the advice and news go to who reported


def test_unknown_number_stores_nothing_and_is_told_how_to_enrol(enrolled) -> None:  # type: ignore[no-untyped-def]
    texts, _, _ = run_action(ActionRecordReport(), STRANGER_PHONE, "38.9 and chills")
    assert _count(enrolled, TemperatureReadingRow) == 0
    assert _count(enrolled, SymptomReportRow) == 0
    assert "617-555-0123" in texts[0]


def test_guided_report_asks_for_the_reading_then_the_checklist(enrolled) -> None:  # type: ignore[no-untyped-def]
    texts, _, slots = run_action(
        ActionStartReport(), PATIENT_PHONE, "I want to report", "report_start"
    )
    assert slots["report_step"] == "temperature"
    texts, _, slots = run_action(ActionRecordReport(), PATIENT_PHONE, "37.2", slots=slots)
    assert slots["report_step"] == "checklist"
    assert any("1" in text and "0" in text for text in texts)
    texts, _, slots = run_action(
        ActionRecordReport(), PATIENT_PHONE, "2", "choose_number", slots=slots
    )
    assert _symptoms(enrolled), "the chosen symptom is stored"
    assert slots["report_step"] in (None, "diarrhoea_count")


def test_cancel_mid_report_stores_nothing_more(enrolled) -> None:  # type: ignore[no-untyped-def]
    _, _, slots = run_action(ActionStartReport(), PATIENT_PHONE, "log my temp", "report_start")
    texts, _, slots = run_action(
        ActionCancelReport(), PATIENT_PHONE, "cancel", "cancel", slots=slots
    )
    assert slots["report_step"] is None
    assert _count(enrolled, TemperatureReadingRow) == 0
    assert "stopped" in texts[0].lower()


def test_fever_reducer_is_stored_with_its_time(enrolled) -> None:  # type: ignore[no-untyped-def]
    run_action(ActionRecordReport(), PATIENT_PHONE, "took tylenol 2 hours ago, feel shivery")
    with unit_of_work(enrolled.sessions) as session:
        (dose,) = session.execute(select(FeverReducerRow)).scalars()
    assert dose.medicine == "acetaminophen"


def test_hostile_and_garbage_input_gets_a_polite_reply_and_stores_nothing(enrolled) -> None:  # type: ignore[no-untyped-def]
    for text in ["", "🙂🙂🙂", "x" * 2000, "'; DROP TABLE patients; --", "\x00\x07\x1b[31m"]:
        texts, _, _ = run_action(ActionRecordReport(), PATIENT_PHONE, text)
        assert texts and all(t.strip() for t in texts)
    assert _count(enrolled, TemperatureReadingRow) == 0
    assert _count(enrolled, Escalation) == 0


def test_urgent_advice_is_marked_so_it_reaches_a_number_that_opted_out(enrolled) -> None:  # type: ignore[no-untyped-def]
    from rasa_sdk.executor import CollectingDispatcher

    from tests.support.trackers import make_tracker

    dispatcher = CollectingDispatcher()
    ActionRecordReport().run(dispatcher, make_tracker(PATIENT_PHONE, "36.9"), {})
    assert dispatcher.messages and not any(m.get("urgent") for m in dispatcher.messages)
    dispatcher = CollectingDispatcher()
    ActionRecordReport().run(dispatcher, make_tracker(PATIENT_PHONE, "39.1 and chills"), {})
    assert dispatcher.messages and all(m.get("urgent") is True for m in dispatcher.messages)


def test_not_understood_offers_numbered_choices_and_strangers_learn_how_to_enrol(enrolled) -> None:  # type: ignore[no-untyped-def]
    from actions.action_fallback import ActionFallback

    texts, _, slots = run_action(
        ActionFallback(), STRANGER_PHONE, "what are alex morgans readings", "nlu_fallback"
    )
    assert "1 Report" in texts[0] and "enroll" in texts[0] and slots["report_step"] == "menu"
    texts, _, _ = run_action(ActionFallback(), PATIENT_PHONE, "blorp", "nlu_fallback")
    assert "enroll" not in texts[0]
