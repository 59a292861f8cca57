"""STOP, START and HELP through the webhook, and who still gets what after STOP."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import cli
from bot.clinical.model import Assessment, Disposition, FiredRule
from bot.clinical.report import parse_report
from bot.db.models import Caregiver, Escalation, Patient
from bot.db.session import unit_of_work
from bot.runtime import utc_now
from bot.services import enrolment, escalation
from bot.services.enrolment import identify
from bot.services.reporting import store_report
from bot.sms.gsm7 import is_gsm7, segment_count
from tests.channels.conftest import ChannelServer
from tests.conftest import (
    CAREGIVER_PHONE,
    PATIENT_PHONE,
    PRIMARY_PHONE,
    STRANGER_PHONE,
)

FEVER = Assessment(
    disposition=Disposition.EMERGENCY,
    fired=(FiredRule("R2", Disposition.EMERGENCY, "38.6 C with presumed neutropenia"),),
    advice="call_team_now_fn",
)


def _patient(channel: ChannelServer) -> Patient:
    with unit_of_work(channel.rt.sessions) as session:
        return session.execute(select(Patient).where(Patient.phone == PATIENT_PHONE)).scalar_one()


def _caregiver(channel: ChannelServer) -> Caregiver:
    with unit_of_work(channel.rt.sessions) as session:
        return session.execute(
            select(Caregiver).where(Caregiver.phone == CAREGIVER_PHONE)
        ).scalar_one()


def _fits_two_gsm7_segments(text: str) -> bool:
    return is_gsm7(text) and segment_count(text) <= 2


@pytest.mark.parametrize(
    "word", ["STOP", "stop", " Stop. ", "STOPALL", "Unsubscribe", "cancel!", "END", "quit"]
)
def test_an_opt_out_keyword_opts_the_patient_out_and_never_reaches_rasa(
    channel: ChannelServer, word: str
) -> None:
    channel.text(PATIENT_PHONE, word)

    [confirmation] = channel.wait_for_sms(PATIENT_PHONE)
    assert "unsubscribed" in confirmation and "START" in confirmation
    assert "617-555-0123" in confirmation  # the 24-hour line, in case they feel unwell
    assert _fits_two_gsm7_segments(confirmation)
    patient = _patient(channel)
    assert patient.opted_out and patient.opted_out_at is not None
    assert channel.agent.messages == []


def test_stop_inside_a_sentence_is_a_message_not_an_opt_out(channel: ChannelServer) -> None:
    channel.text(PATIENT_PHONE, "stop the report please")
    channel.wait_until(lambda: len(channel.agent.messages) == 1)

    assert not _patient(channel).opted_out


@pytest.mark.parametrize("word", ["START", "unstop", "Start."])
def test_start_opts_back_in(channel: ChannelServer, word: str) -> None:
    channel.text(PATIENT_PHONE, "STOP")
    channel.wait_for_sms(PATIENT_PHONE, 1)
    channel.text(PATIENT_PHONE, word)

    welcome = channel.wait_for_sms(PATIENT_PHONE, 2)[1]
    assert "Welcome back" in welcome and _fits_two_gsm7_segments(welcome)
    patient = _patient(channel)
    assert not patient.opted_out and patient.opted_out_at is None
    assert channel.agent.messages == []


def test_help_returns_the_clinic_help_with_its_24_hour_number(channel: ChannelServer) -> None:
    channel.text(PATIENT_PHONE, "help")

    [help_text] = channel.wait_for_sms(PATIENT_PHONE)
    assert "Riverside Cancer Center" in help_text and "617-555-0123" in help_text
    assert "STOP" in help_text
    assert _fits_two_gsm7_segments(help_text)
    assert channel.agent.messages == []


def test_help_still_answers_after_stop(channel: ChannelServer) -> None:
    channel.text(PATIENT_PHONE, "STOP")
    channel.wait_for_sms(PATIENT_PHONE, 1)
    channel.text(PATIENT_PHONE, "HELP")

    assert "617-555-0123" in channel.wait_for_sms(PATIENT_PHONE, 2)[1]


def test_after_stop_routine_replies_and_rechecks_are_held_but_urgent_news_still_goes(
    channel: ChannelServer,
) -> None:
    channel.agent.reply = "Cats are fine; wash your hands after touching them."
    channel.text(PATIENT_PHONE, "STOP")
    channel.wait_for_sms(PATIENT_PHONE, 1)

    # a question: Rasa still answers, but the answer is kept, not sent
    channel.text(PATIENT_PHONE, "can I keep my cat")
    channel.wait_until(lambda: len(channel.outbox(PATIENT_PHONE)) == 2)
    routine = channel.outbox(PATIENT_PHONE)[1]
    assert (routine.purpose, routine.status) == ("reply", "suppressed")

    # the recheck reminder that falls due is not sent either
    now = utc_now()
    with unit_of_work(channel.rt.sessions) as session:
        escalation.schedule_recheck(session, _patient(channel).id, PATIENT_PHONE, 60, now)
    with unit_of_work(channel.rt.sessions) as session:
        escalation.run_due_jobs(session, channel.rt.settings, now + timedelta(minutes=61))
    escalation.flush_outbox(channel.rt)

    # an escalation, acknowledged by the nurse over SMS: the patient is still told
    with unit_of_work(channel.rt.sessions) as session:
        caller = enrolment.identify(session, PATIENT_PHONE)
        assert escalation.escalate(session, channel.rt.settings, caller, FEVER, utc_now())
        code = escalation.open_escalation(session, caller.patient.id).code
    escalation.flush_outbox(channel.rt)
    channel.text(PRIMARY_PHONE, f"ACK {code}")

    notice = channel.wait_for_sms(PATIENT_PHONE, 2)[1]
    assert "Dana" in notice
    assert len(channel.sms_to(PATIENT_PHONE)) == 2  # the STOP confirmation and the notice only

    # and while that episode is open, what Nadir says back to them goes too
    channel.agent.reply = "Call 617-555-0123 now."
    channel.text(PATIENT_PHONE, "what do I do")
    assert channel.wait_for_sms(PATIENT_PHONE, 3)[2] == "Call 617-555-0123 now."
    assert channel.outbox(PATIENT_PHONE)[-1].purpose == "urgent_reply"


def test_a_caregiver_opts_out_for_their_own_number_only(channel: ChannelServer) -> None:
    channel.text(CAREGIVER_PHONE, "STOP")
    channel.wait_for_sms(CAREGIVER_PHONE, 1)

    assert _caregiver(channel).opted_out
    assert not _patient(channel).opted_out

    now = utc_now()
    with unit_of_work(channel.rt.sessions) as session:
        store_report(  # the borderline reading the recheck was booked for
            session,
            caller=identify(session, CAREGIVER_PHONE),
            parsed=parse_report("38.1", now, channel.rt.settings.timezone),
            text="38.1",
            now=now,
            profile=channel.rt.settings.profile,
        )
        escalation.schedule_recheck(session, _patient(channel).id, CAREGIVER_PHONE, 60, now)
    with unit_of_work(channel.rt.sessions) as session:
        escalation.run_due_jobs(session, channel.rt.settings, now + timedelta(minutes=61))
    escalation.flush_outbox(channel.rt)

    recheck = channel.outbox(CAREGIVER_PHONE)[-1]
    assert (recheck.purpose, recheck.status) == ("recheck", "suppressed")
    assert len(channel.sms_to(CAREGIVER_PHONE)) == 1


def test_a_reply_the_conversation_marks_urgent_reaches_an_opted_out_number(
    channel: ChannelServer,
) -> None:
    import asyncio

    from bot.channels.twilio_sms import OutboxOutput

    channel.text(CAREGIVER_PHONE, "STOP")
    channel.wait_for_sms(CAREGIVER_PHONE, 1)
    output = OutboxOutput(channel.rt)

    asyncio.run(output.send_text_message(CAREGIVER_PHONE, "Just a routine note."))
    asyncio.run(output.send_text_message(CAREGIVER_PHONE, "Call 911 now.", urgent=True))

    assert channel.sms_to(CAREGIVER_PHONE)[1:] == ["Call 911 now."]
    assert [m.status for m in channel.outbox(CAREGIVER_PHONE)[1:]] == ["suppressed", "sent"]


def test_stop_from_an_unknown_number_stores_nothing(channel: ChannelServer) -> None:
    channel.text(STRANGER_PHONE, "STOP")

    [confirmation] = channel.wait_for_sms(STRANGER_PHONE)
    assert "unsubscribed" in confirmation
    with unit_of_work(channel.rt.sessions) as session:
        assert enrolment.identify(session, STRANGER_PHONE).kind is enrolment.CallerKind.UNKNOWN
        assert [p.opted_out for p in session.execute(select(Patient)).scalars()] == [False]
        assert [c.opted_out for c in session.execute(select(Caregiver)).scalars()] == [False]


def test_help_from_an_unknown_number_says_how_to_enrol(channel: ChannelServer) -> None:
    channel.text(STRANGER_PHONE, "HELP")

    [answer] = channel.wait_for_sms(STRANGER_PHONE)
    assert "enroll" in answer and "617-555-0123" in answer
    assert _fits_two_gsm7_segments(answer)


def test_the_care_team_cannot_opt_out_of_pages_by_text(channel: ChannelServer) -> None:
    channel.text(PRIMARY_PHONE, "STOP")

    [answer] = channel.wait_for_sms(PRIMARY_PHONE)
    assert "on-call list" in answer
    with unit_of_work(channel.rt.sessions) as session:
        caller = enrolment.identify(session, PATIENT_PHONE)
        assert escalation.escalate(session, channel.rt.settings, caller, FEVER, utc_now())
    escalation.flush_outbox(channel.rt)

    assert "EMERGENCY" in channel.sms_to(PRIMARY_PHONE)[1]


def test_help_from_the_care_team_lists_the_commands(channel: ChannelServer) -> None:
    channel.text(PRIMARY_PHONE, "HELP")

    assert "ACK" in channel.wait_for_sms(PRIMARY_PHONE)[0]
    assert channel.agent.messages == []


def test_readings_show_the_consent_of_the_patient_and_each_caregiver(
    channel: ChannelServer, capsys: pytest.CaptureFixture[str]
) -> None:
    channel.text(CAREGIVER_PHONE, "STOP")
    channel.wait_until(lambda: _caregiver(channel).opted_out)

    assert cli.main(["readings", "--phone", PATIENT_PHONE, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["patient"]["opted_out"] is False
    assert record["caregivers"] == [
        {"name": "Sam Morgan", "phone": CAREGIVER_PHONE, "opted_out": True}
    ]
    assert cli.main(["readings", "--phone", PATIENT_PHONE]) == 0
    assert f"caregiver Sam Morgan ({CAREGIVER_PHONE}), opted out of texts" in (
        capsys.readouterr().out
    )


def test_an_open_escalation_is_what_lets_replies_through(channel: ChannelServer) -> None:
    """Without an open episode, the same reply to the same opted-out patient is held."""
    channel.agent.reply = "Call 617-555-0123 now."
    channel.text(PATIENT_PHONE, "STOP")
    channel.wait_for_sms(PATIENT_PHONE, 1)
    with unit_of_work(channel.rt.sessions) as session:
        caller = enrolment.identify(session, PATIENT_PHONE)
        escalation.escalate(session, channel.rt.settings, caller, FEVER, utc_now())
        for row in session.execute(select(Escalation)).scalars():
            row.status = "closed"

    channel.text(PATIENT_PHONE, "what do I do")
    channel.wait_until(lambda: len(channel.outbox(PATIENT_PHONE)) == 2)

    assert channel.outbox(PATIENT_PHONE)[1].status == "suppressed"
