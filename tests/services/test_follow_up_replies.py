"""Replies to Nadir's follow-up questions are read in full (issue 10, problem 3).

The checklist's numbers and the answer to "how many times?" are added on top of everything else
the reply says: a red flag, a reading or a dose in the same text is never thrown away.
"""

from __future__ import annotations

from sqlalchemy import select

from bot import conversation
from bot.conversation import Step
from bot.db.models import Escalation, FeverReducerRow, SymptomReportRow, TemperatureReadingRow
from bot.db.session import unit_of_work
from tests.conftest import CAREGIVER_PHONE, PATIENT_PHONE


def _rows(rt, model):  # type: ignore[no-untyped-def]
    with unit_of_work(rt.sessions) as session:
        return list(session.execute(select(model).order_by(model.id)).scalars())


def _escalation(rt):  # type: ignore[no-untyped-def]
    with unit_of_work(rt.sessions) as session:
        return session.execute(select(Escalation)).scalar_one_or_none()


def test_a_checklist_number_with_a_red_flag_keeps_the_red_flag_and_pages(enrolled) -> None:  # type: ignore[no-untyped-def]
    first = conversation.report(enrolled, PATIENT_PHONE, "37.9", None)
    assert first.step is Step.CHECKLIST
    turn = conversation.report(enrolled, PATIENT_PHONE, "4 and I can hardly breathe", "checklist")
    breathless = [s for s in _rows(enrolled, SymptomReportRow) if s.code == "short_of_breath"]
    assert len(breathless) == 1 and breathless[0].red_flag  # not the checklist's milder form
    assert _escalation(enrolled).disposition == "emergency"
    assert turn.urgent and "911" in turn.messages[0]


def test_a_checklist_reply_with_a_new_reading_keeps_both(enrolled) -> None:  # type: ignore[no-untyped-def]
    conversation.report(enrolled, PATIENT_PHONE, "37.6", None)
    turn = conversation.report(enrolled, PATIENT_PHONE, "1 and 12, temp now 38.9", "checklist")
    assert {s.code for s in _rows(enrolled, SymptomReportRow)} == {"chills", "unwell"}
    assert [round(r.celsius, 1) for r in _rows(enrolled, TemperatureReadingRow)] == [37.6, 38.9]
    assert _escalation(enrolled).disposition == "emergency"
    assert turn.step is None  # no second checklist


def test_a_checklist_reply_with_a_dose_records_the_dose(enrolled) -> None:  # type: ignore[no-untyped-def]
    conversation.report(enrolled, CAREGIVER_PHONE, "37.4", None)
    conversation.report(enrolled, CAREGIVER_PHONE, "3 and gave him 2 tylenol", "checklist")
    assert [d.medicine for d in _rows(enrolled, FeverReducerRow)] == ["acetaminophen"]
    assert {s.code for s in _rows(enrolled, SymptomReportRow)} == {"cough"}
    assert _escalation(enrolled) is not None


def test_a_count_reply_with_a_red_flag_sets_the_count_and_pages(enrolled) -> None:  # type: ignore[no-untyped-def]
    first = conversation.report(enrolled, CAREGIVER_PHONE, "she has diarrhea", None)
    assert first.step is Step.DIARRHOEA_COUNT
    turn = conversation.report(
        enrolled, CAREGIVER_PHONE, "2 and she's talking nonsense", "diarrhoea_count"
    )
    symptoms = _rows(enrolled, SymptomReportRow)
    diarrhoea = [s for s in symptoms if s.code == "diarrhoea"]
    assert len(diarrhoea) == 1 and diarrhoea[0].count == 2  # the same episode, now counted
    assert any(s.code == "confusion" for s in symptoms)
    assert _escalation(enrolled).disposition == "emergency"
    assert "diarrhea 2 times" in " ".join(turn.messages)


def test_a_count_is_not_taken_from_a_reading_in_the_same_reply(enrolled) -> None:  # type: ignore[no-untyped-def]
    conversation.report(enrolled, PATIENT_PHONE, "diarrhoea", None)
    conversation.report(enrolled, PATIENT_PHONE, "temp 38 and 6 times", "diarrhoea_count")
    diarrhoea = [s for s in _rows(enrolled, SymptomReportRow) if s.code == "diarrhoea"]
    assert diarrhoea[0].count == 6
    assert [round(r.celsius, 1) for r in _rows(enrolled, TemperatureReadingRow)] == [38.0]
    assert _escalation(enrolled) is not None  # 6 in a day is urgent (R9)


def test_a_bare_checklist_number_is_not_mistaken_for_a_temperature(enrolled) -> None:  # type: ignore[no-untyped-def]
    conversation.report(enrolled, PATIENT_PHONE, "37.2", None)
    turn = conversation.report(enrolled, PATIENT_PHONE, "12", "checklist")
    assert not any("could not use" in text for text in turn.messages)
    assert {s.code for s in _rows(enrolled, SymptomReportRow)} == {"unwell"}
