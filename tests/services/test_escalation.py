"""Escalation: paging, acknowledgement, backups and the patient loop, with a controllable clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot import runtime as runtime_module
from bot.clinical.model import (
    Assessment,
    Disposition,
    FiredRule,
    ParsedTemperature,
    SymptomCode,
    SymptomMention,
)
from bot.clinical.page import clock_time
from bot.clinical.report import ParsedReport, parse_report
from bot.db.migrate import upgrade
from bot.db.models import Escalation, OutboundMessage, ScheduledJob
from bot.db.session import unit_of_work
from bot.runtime import Runtime, utc_now
from bot.services import enrolment, escalation
from bot.services.reporting import load_history, readings_and_symptoms, store_report
from bot.sms import outbox
from tests.conftest import BACKUP_PHONE, CAREGIVER_PHONE, PATIENT_PHONE, PRIMARY_PHONE
from tests.support.fake_twilio import FakeTwilio

FN = Assessment(
    disposition=Disposition.EMERGENCY,
    fired=(FiredRule("R2", Disposition.EMERGENCY, "38.6 C with presumed neutropenia"),),
    advice="call_team_now_fn",
)


def _open(rt: Runtime, now: datetime, phone: str = PATIENT_PHONE) -> str:
    with unit_of_work(rt.sessions) as session:
        caller = enrolment.identify(session, phone)
        assert escalation.escalate(session, rt.settings, caller, FN, now)
        return escalation.open_escalation(session, caller.patient.id).code


def _messages(rt: Runtime, purpose: str | None = None) -> list[OutboundMessage]:
    with unit_of_work(rt.sessions) as session:
        query = select(OutboundMessage).order_by(OutboundMessage.id)
        if purpose:
            query = query.where(OutboundMessage.purpose == purpose)
        return list(session.execute(query).scalars())


def _run_jobs(rt: Runtime, now: datetime) -> int:
    with unit_of_work(rt.sessions) as session:
        return escalation.run_due_jobs(session, rt.settings, now)


def _open_escalations(rt: Runtime) -> list[Escalation]:
    with unit_of_work(rt.sessions) as session:
        query = select(Escalation).where(Escalation.status.in_(escalation.OPEN_STATUSES))
        return list(session.execute(query).scalars())


def _care_team_says(rt: Runtime, phone: str, text: str, now: datetime) -> str:
    with unit_of_work(rt.sessions) as session:
        member = enrolment.identify(session, phone).member
        return escalation.handle_care_team_text(session, rt.settings, member, text, now)


def _events(rt: Runtime, code: str) -> list[str]:
    with unit_of_work(rt.sessions) as session:
        item = session.execute(select(Escalation).where(Escalation.code == code)).scalar_one()
        return [event.kind for event in item.events]


def test_page_says_what_the_nurse_needs_and_no_more(enrolled: Runtime) -> None:
    now = utc_now()
    code = _open(enrolled, now)
    (page,) = _messages(enrolled, "page")
    assert page.to_phone == PRIMARY_PHONE
    for expected in (
        "EMERGENCY",
        code,
        "Alex Morgan",
        PATIENT_PHONE,
        "R2",
        "chemo 9d ago",
        "ANC unknown",
        f"ACK {code}",
    ):
        assert expected in page.body
    assert len(page.body) <= 320


def _report(
    rt: Runtime,
    now: datetime,
    readings: tuple[tuple[float, datetime], ...] = (),
    symptoms: tuple[SymptomMention, ...] = (),
) -> Assessment | None:
    """Store readings (celsius, taken at) and symptoms as the patient's report; page if due."""
    parsed = ParsedReport(
        readings=tuple(
            ParsedTemperature(
                raw=f"{c}", value=c, unit_given="C", celsius=c, site=None, measured_at=taken
            )
            for c, taken in readings
        ),
        rejected=(),
        symptoms=symptoms,
        fever_reducers=(),
        says_no_symptoms=False,
        caregiver_concern=False,
    )
    with unit_of_work(rt.sessions) as session:
        caller = enrolment.identify(session, PATIENT_PHONE)
        result = store_report(
            session, caller=caller, parsed=parsed, text="", now=now, profile=rt.settings.profile
        )
        escalation.act_on(session, rt.settings, caller, result.assessment, now)
        return result.assessment


def test_a_fever_page_shows_the_raised_readings_and_the_anc_the_rules_used(
    enrolled: Runtime,
) -> None:
    now = utc_now()
    tz = enrolled.settings.timezone
    with unit_of_work(enrolled.sessions) as session:
        patient = enrolment.find_patient(session, PATIENT_PHONE)
        for value, hours_ago in ((0.4, 30), (2.1, 2)):  # a recent low, then a newer normal
            enrolment.record_anc(
                session,
                patient=patient,
                value=value,
                measured_at=now - timedelta(hours=hours_ago),
                now=now,
            )
    fever = ((38.1, now - timedelta(hours=5)), (38.2, now - timedelta(hours=4)))
    normal = tuple((c, now - timedelta(hours=h)) for c, h in ((37.0, 3), (37.1, 2), (36.9, 1)))
    assessment = _report(enrolled, now, readings=fever + normal)  # a sustained fever: R2
    assert assessment is not None and "R2" in {rule.rule for rule in assessment.fired}
    # acknowledged, a later normal reading sends the member an update: the fever stays on it
    (code,) = [e.code for e in _open_escalations(enrolled)]
    _care_team_says(enrolled, PRIMARY_PHONE, f"ACK {code}", now + timedelta(minutes=5))
    later = now + timedelta(minutes=20)
    _report(enrolled, later, readings=((36.8, later),))
    first, update = _messages(enrolled, "page")
    assert update.body.startswith("UPDATE")
    for page, latest in ((first, "36.9C/98.4F"), (update, "36.8C/98.2F")):
        for celsius, taken in fever:
            assert f"{celsius:.1f}C/" in page.body and clock_time(taken, tz) in page.body
        assert f". Latest {latest} " in page.body
        assert "37.0C" not in page.body and "37.1C" not in page.body
        assert "ANC 0.4 (30h old)" in page.body and "2.1" not in page.body
        assert "Sx" not in page.body, "no symptom was a criterion"
        assert len(page.body) <= 320


def test_a_symptom_page_says_since_when(enrolled: Runtime) -> None:
    now = utc_now()
    onset = now - timedelta(days=2)
    confusion = SymptomMention(SymptomCode.CONFUSION, "confused since", now, onset_at=onset)
    _report(enrolled, now, symptoms=(confusion,))
    (page,) = _messages(enrolled, "page")
    day = onset.astimezone(enrolled.settings.timezone).strftime("%a")
    assert f"Sx confusion since {day}" in page.body


def test_a_symptom_onset_is_stored_and_read_back(enrolled: Runtime) -> None:
    now = utc_now()
    onset = now - timedelta(days=2, hours=3)
    _report(
        enrolled,
        now,
        symptoms=(
            SymptomMention(SymptomCode.COUGH, "cough since sunday", now, onset_at=onset),
            # an onset after the report is a misreading: it began by the report at the latest
            SymptomMention(
                SymptomCode.SORE_THROAT, "sore throat", now, onset_at=now + timedelta(hours=1)
            ),
            SymptomMention(SymptomCode.RASH, "rash", now),
        ),
    )
    with unit_of_work(enrolled.sessions) as session:
        patient = enrolment.find_patient(session, PATIENT_PHONE)
        history = load_history(session, patient, now, enrolled.settings.profile)
        onsets = {event.code: event.onset_at for event in history.symptoms}
        listed = {
            item["code"]: item["onset_at"]
            for item in readings_and_symptoms(session, patient)
            if item["kind"] == "symptom"
        }
    expected = {SymptomCode.COUGH: onset, SymptomCode.SORE_THROAT: now, SymptomCode.RASH: None}
    assert onsets == expected
    assert listed == {code.value: when for code, when in expected.items()}


def test_no_acknowledgement_pages_the_backup_and_sends_the_patient_to_the_ed(
    enrolled: Runtime,
) -> None:
    now = utc_now()
    code = _open(enrolled, now)
    assert _run_jobs(enrolled, now + timedelta(minutes=9, seconds=59)) == 0
    assert _run_jobs(enrolled, now + timedelta(minutes=10)) == 1
    pages = [m.to_phone for m in _messages(enrolled, "page")]
    assert pages == [PRIMARY_PHONE, BACKUP_PHONE]
    (notice,) = _messages(enrolled, "patient_notice")
    assert notice.to_phone == PATIENT_PHONE and "emergency department" in notice.body
    # the next window goes back round to the primary
    _run_jobs(enrolled, now + timedelta(minutes=20))
    assert [m.to_phone for m in _messages(enrolled, "page")] == [
        PRIMARY_PHONE,
        BACKUP_PHONE,
        PRIMARY_PHONE,
    ]
    assert len(_messages(enrolled, "patient_notice")) == 1, "the patient is told once"
    events = _events(enrolled, code)
    assert events[:2] == ["opened", "paged"] and "no_ack" in events and "backup_paged" in events


def test_ack_by_code_closes_the_loop_with_the_patient_and_stops_backups(enrolled: Runtime) -> None:
    now = utc_now()
    code = _open(enrolled, now)
    reply = _care_team_says(
        enrolled, PRIMARY_PHONE, f"ack {code.lower()}", now + timedelta(minutes=3)
    )
    assert code in reply and PATIENT_PHONE in reply
    (notice,) = _messages(enrolled, "patient_notice")
    assert notice.to_phone == PATIENT_PHONE and "Dana" in notice.body and "call you" in notice.body
    assert _run_jobs(enrolled, now + timedelta(minutes=30)) == 0
    assert [m.to_phone for m in _messages(enrolled, "page")] == [PRIMARY_PHONE]
    with unit_of_work(enrolled.sessions) as session:
        item = session.execute(select(Escalation).where(Escalation.code == code)).scalar_one()
        assert item.status == "acknowledged" and item.acknowledged_by.name == "Dana Reyes"
        assert item.acknowledged_at == now + timedelta(minutes=3)
    again = _care_team_says(enrolled, BACKUP_PHONE, f"ACK {code}", now + timedelta(minutes=4))
    assert "already acknowledged by Dana Reyes" in again


def test_one_means_the_only_alert_open_for_that_member(enrolled: Runtime) -> None:
    now = utc_now()
    code = _open(enrolled, now)
    assert "no open alerts" in _care_team_says(enrolled, BACKUP_PHONE, "1", now).lower()
    assert code in _care_team_says(enrolled, PRIMARY_PHONE, "1", now)
    status = _care_team_says(enrolled, BACKUP_PHONE, "STATUS", now + timedelta(minutes=5))
    assert code in status and "ACKED by Dana" in status


def test_unknown_code_and_gibberish_get_clear_answers(enrolled: Runtime) -> None:
    now = utc_now()
    _open(enrolled, now)
    assert "No alert has the code ZZZ" in _care_team_says(enrolled, PRIMARY_PHONE, "ACK ZZZ", now)
    assert "ACK" in _care_team_says(enrolled, PRIMARY_PHONE, "what is going on", now)


def test_caregiver_report_sends_escalation_news_to_the_caregiver(enrolled: Runtime) -> None:
    now = utc_now()
    code = _open(enrolled, now, phone=CAREGIVER_PHONE)
    (page,) = _messages(enrolled, "page")
    assert f"Call caregiver {CAREGIVER_PHONE}" in page.body
    _care_team_says(enrolled, PRIMARY_PHONE, f"ACK {code}", now)
    assert [m.to_phone for m in _messages(enrolled, "patient_notice")] == [CAREGIVER_PHONE]


def test_recheck_reminder_is_a_stored_job_that_texts_the_patient(enrolled: Runtime) -> None:
    now = utc_now()
    with unit_of_work(enrolled.sessions) as session:
        caller = enrolment.identify(session, PATIENT_PHONE)
        store_report(
            session,
            caller=caller,
            parsed=parse_report("38.1", now, enrolled.settings.timezone),
            text="38.1",
            now=now,
            profile=enrolled.settings.profile,
        )
        escalation.schedule_recheck(session, caller.patient.id, PATIENT_PHONE, 60, now)
        escalation.schedule_recheck(
            session, caller.patient.id, PATIENT_PHONE, 60, now + timedelta(minutes=5)
        )
    assert _run_jobs(enrolled, now + timedelta(minutes=61)) == 0, (
        "the newer reminder replaced the older"
    )
    assert _run_jobs(enrolled, now + timedelta(minutes=65)) == 1
    (reminder,) = _messages(enrolled, "recheck")
    assert reminder.to_phone == PATIENT_PHONE and "temperature again" in reminder.body


@pytest.fixture
def twilio_rt(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[tuple[Runtime, FakeTwilio]]:  # type: ignore[no-untyped-def]
    with FakeTwilio() as fake:
        monkeypatch.setenv("DATABASE_URL", "sqlite://")
        monkeypatch.setenv("NADIR_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", fake.account_sid)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", fake.auth_token)
        monkeypatch.setenv("TWILIO_NUMBER", "+16175550000")
        monkeypatch.setenv("TWILIO_API_URL", fake.base_url)
        runtime_module.runtime.cache_clear()
        rt = runtime_module.runtime()
        upgrade(rt.engine)
        now = utc_now()
        with unit_of_work(rt.sessions) as session:
            enrolment.add_team_member(
                session,
                name="Dana Reyes",
                phone=PRIMARY_PHONE,
                role=enrolment.Role.PRIMARY,
                now=now,
            )
            enrolment.add_team_member(
                session, name="Lee Chen", phone=BACKUP_PHONE, role=enrolment.Role.BACKUP, now=now
            )
            enrolment.add_patient(session, name="Alex Morgan", phone=PATIENT_PHONE, now=now)
        yield rt, fake
        runtime_module.runtime.cache_clear()


def test_a_page_to_a_landline_goes_straight_to_the_backup(
    twilio_rt: tuple[Runtime, FakeTwilio],
) -> None:
    rt, fake = twilio_rt
    fake.fail_next(400, code=21614, message="To number is not a mobile number")
    code = _open(rt, utc_now())
    escalation.flush_outbox(rt)
    delivered = [m["to"] for m in fake.messages]
    assert delivered == [BACKUP_PHONE]
    events = _events(rt, code)
    assert "page_failed" in events and events.count("backup_paged") == 1


def test_an_outage_delays_pages_and_replies_but_loses_and_doubles_none(
    twilio_rt: tuple[Runtime, FakeTwilio],
) -> None:
    rt, fake = twilio_rt
    start = utc_now()
    clock = {"now": start}
    fake.outage(True)
    _open(rt, start)
    with unit_of_work(rt.sessions) as session:
        outbox.enqueue(
            session, to=PATIENT_PHONE, body="reply one", purpose=outbox.Purpose.REPLY, now=start
        )
        outbox.enqueue(
            session, to=PATIENT_PHONE, body="reply two", purpose=outbox.Purpose.REPLY, now=start
        )
    for minute in range(5):
        clock["now"] = start + timedelta(minutes=minute)
        outbox.deliver_due(rt.sessions, rt.gateway, lambda: clock["now"], recorded_only=False)
    assert fake.messages == [] and len(fake.requests) >= 3
    assert {m.status for m in _messages(rt)} == {"pending"}
    fake.outage(False)
    for minute in range(5, 20):
        clock["now"] = start + timedelta(minutes=minute)
        outbox.deliver_due(rt.sessions, rt.gateway, lambda: clock["now"], recorded_only=False)
    bodies = sorted(m["body"] for m in fake.messages)
    assert len(bodies) == 3 and bodies.count("reply one") == 1 and bodies.count("reply two") == 1
    assert {m.status for m in _messages(rt)} == {"sent"}
    assert all(m.provider_sid for m in _messages(rt))


def test_jobs_are_in_the_database_so_a_restart_loses_none(enrolled: Runtime) -> None:
    now = utc_now()
    _open(enrolled, now)
    with unit_of_work(enrolled.sessions) as session:
        (job,) = session.execute(select(ScheduledJob)).scalars()
        assert job.kind == "ack_timeout" and job.status == "pending"
        assert job.run_at == now + timedelta(minutes=10)


def test_after_acknowledgement_new_reports_go_to_whoever_took_it(enrolled: Runtime) -> None:
    now = utc_now()
    code = _open(enrolled, now)
    _care_team_says(enrolled, BACKUP_PHONE, f"ACK {code}", now + timedelta(minutes=2))
    _open(enrolled, now + timedelta(hours=2))  # a new qualifying report in the same episode
    pages = _messages(enrolled, "page")
    assert [p.to_phone for p in pages] == [PRIMARY_PHONE, BACKUP_PHONE]
    assert pages[1].body.startswith("UPDATE") and code in pages[1].body
    with unit_of_work(enrolled.sessions) as session:
        assert len(list(session.execute(select(Escalation)).scalars())) == 1


def test_an_episode_ends_a_day_after_acknowledgement_or_when_closed(enrolled: Runtime) -> None:
    now = utc_now()
    first = _open(enrolled, now)
    assert "not been acknowledged" in _care_team_says(
        enrolled, PRIMARY_PHONE, f"CLOSE {first}", now
    )
    _care_team_says(enrolled, PRIMARY_PHONE, f"ACK {first}", now)
    second = _open(enrolled, now + timedelta(hours=25))
    assert second != first
    _care_team_says(enrolled, PRIMARY_PHONE, f"ACK {second}", now + timedelta(hours=25))
    assert "is closed" in _care_team_says(
        enrolled, PRIMARY_PHONE, f"close {second}", now + timedelta(hours=26)
    )
    third = _open(enrolled, now + timedelta(hours=27))
    assert third not in (first, second)
    with unit_of_work(enrolled.sessions) as session:
        statuses = {e.code: e.status for e in session.execute(select(Escalation)).scalars()}
    assert statuses == {first: "closed", second: "closed", third: "open"}
