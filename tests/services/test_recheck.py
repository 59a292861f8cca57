"""Rechecks, followed up: a reminder when the recheck falls due, a second when it goes
unanswered, and then, after a single 38.0-38.2 C reading (R5), the care team asked to call."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.clinical.report import parse_report
from bot.db.models import Escalation, OutboundMessage
from bot.db.session import unit_of_work
from bot.runtime import Runtime, utc_now
from bot.services import enrolment, escalation
from bot.services.reporting import store_report
from tests.conftest import CAREGIVER_PHONE, PATIENT_PHONE, PRIMARY_PHONE

MINUTES = timedelta(minutes=1)


def _report(rt: Runtime, phone: str, text: str, now: datetime) -> str:
    with unit_of_work(rt.sessions) as session:
        caller = enrolment.identify(session, phone)
        result = store_report(
            session,
            caller=caller,
            parsed=parse_report(text, now, rt.settings.timezone),
            text=text,
            now=now,
            profile=rt.settings.profile,
        )
        escalation.act_on(session, rt.settings, caller, result.assessment, now)
        return result.assessment.disposition.value


def _run_jobs(rt: Runtime, now: datetime) -> None:
    with unit_of_work(rt.sessions) as session:
        escalation.run_due_jobs(session, rt.settings, now)


def _texts(rt: Runtime, to: str) -> list[str]:
    with unit_of_work(rt.sessions) as session:
        rows = session.execute(
            select(OutboundMessage)
            .where(OutboundMessage.to_phone == to)
            .order_by(OutboundMessage.id)
        ).scalars()
        return [row.body for row in rows]


def _escalations(rt: Runtime) -> list[Escalation]:
    with unit_of_work(rt.sessions) as session:
        return list(session.execute(select(Escalation)).scalars())


def test_silence_after_a_borderline_fever_ends_with_the_team_asked_to_call(
    enrolled: Runtime,
) -> None:
    start = utc_now()
    assert _report(enrolled, PATIENT_PHONE, "38.1 no symptoms", start) == "recheck"

    _run_jobs(enrolled, start + 61 * MINUTES)
    assert "temperature again" in _texts(enrolled, PATIENT_PHONE)[-1]
    _run_jobs(enrolled, start + 92 * MINUTES)
    assert "haven't had a new temperature since my reminder" in _texts(enrolled, PATIENT_PHONE)[-1]
    assert _escalations(enrolled) == []

    _run_jobs(enrolled, start + 123 * MINUTES)

    (opened,) = _escalations(enrolled)
    assert opened.disposition == "urgent" and "no new reading after 2 reminders" in opened.criteria
    (page,) = _texts(enrolled, PRIMARY_PHONE)
    assert "URGENT" in page and PATIENT_PHONE in page
    notice = _texts(enrolled, PATIENT_PHONE)[-1]
    assert "asked your care team to call you" in notice
    assert enrolled.settings.clinic.phone_24h in notice

    _run_jobs(enrolled, start + 300 * MINUTES)  # from here on it is the escalation's loop
    reminders = [
        t for t in _texts(enrolled, PATIENT_PHONE) if "Please check it" in t or "again" in t
    ]
    assert len(reminders) == 2


def test_a_reading_after_the_reminder_ends_the_follow_up(enrolled: Runtime) -> None:
    start = utc_now()
    _report(enrolled, PATIENT_PHONE, "38.1 no symptoms", start)
    _run_jobs(enrolled, start + 61 * MINUTES)
    assert _report(enrolled, PATIENT_PHONE, "37.0", start + 70 * MINUTES) == "none"

    _run_jobs(enrolled, start + 400 * MINUTES)

    reminders = [t for t in _texts(enrolled, PATIENT_PHONE) if "temperature" in t.lower()]
    assert len([t for t in reminders if "check" in t]) == 1
    assert _escalations(enrolled) == []


def test_a_normal_reading_before_the_recheck_is_due_means_no_reminder(enrolled: Runtime) -> None:
    start = utc_now()
    _report(enrolled, PATIENT_PHONE, "38.1 no symptoms", start)
    _report(enrolled, PATIENT_PHONE, "36.9", start + 30 * MINUTES)

    _run_jobs(enrolled, start + 400 * MINUTES)

    assert _texts(enrolled, PATIENT_PHONE) == []
    assert _escalations(enrolled) == []


def test_a_low_grade_recheck_is_reminded_twice_but_pages_nobody(enrolled: Runtime) -> None:
    start = utc_now()
    assert _report(enrolled, PATIENT_PHONE, "37.6 no symptoms", start) == "recheck"

    for minutes in (61, 92, 123, 400):
        _run_jobs(enrolled, start + minutes * MINUTES)

    assert len(_texts(enrolled, PATIENT_PHONE)) == 2
    assert _escalations(enrolled) == [] and _texts(enrolled, PRIMARY_PHONE) == []


def test_a_caregivers_recheck_is_followed_up_with_the_caregiver(enrolled: Runtime) -> None:
    start = utc_now()
    _report(enrolled, CAREGIVER_PHONE, "her temp is 38.1, nothing else", start)

    for minutes in (61, 92, 123):
        _run_jobs(enrolled, start + minutes * MINUTES)

    texts = _texts(enrolled, CAREGIVER_PHONE)
    assert len(texts) == 3 and "asked your care team to call you" in texts[-1]
    assert _texts(enrolled, PATIENT_PHONE) == []
    (opened,) = _escalations(enrolled)
    assert opened.notify_phone == CAREGIVER_PHONE


def test_a_lower_armpit_reading_does_not_end_the_follow_up_of_an_oral_38_1(
    enrolled: Runtime,
) -> None:
    start = utc_now()
    assert _report(enrolled, PATIENT_PHONE, "38.1 by mouth, no symptoms", start) == "recheck"
    later = start + 5 * MINUTES
    assert _report(enrolled, PATIENT_PHONE, "36.8 under my arm", later) == "recheck"

    _run_jobs(enrolled, later + 61 * MINUTES)
    _run_jobs(enrolled, later + 92 * MINUTES)
    _run_jobs(enrolled, later + 123 * MINUTES)

    (opened,) = _escalations(enrolled)  # silence after it still ends with the team asked to call
    assert "R5" in opened.criteria


def test_silence_after_a_raised_reading_straight_after_a_hot_drink_asks_the_team_to_call(
    enrolled: Runtime,
) -> None:
    start = utc_now()
    assert _report(enrolled, PATIENT_PHONE, "38.6 but I just had a cup of tea", start) == "recheck"
    assert _escalations(enrolled) == []

    _run_jobs(enrolled, start + 21 * MINUTES)
    _run_jobs(enrolled, start + 52 * MINUTES)
    _run_jobs(enrolled, start + 83 * MINUTES)

    (opened,) = _escalations(enrolled)
    assert "R0" in opened.criteria
