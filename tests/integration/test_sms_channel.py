"""The SMS channel through the real stack (`nadir serve` with the trained model, the action server
and the worker), Twilio played by the local fake: signatures, STOP/START/HELP, caregivers, the
care team, strangers, delivery status callbacks, red flags, hostile input and check-webhook."""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from sqlalchemy import select, update

from bot.db.models import InboundMessage, OutboundMessage, ScheduledJob
from bot.db.session import make_engine, make_session_factory, unit_of_work
from bot.runtime import utc_now
from tests.support.fake_twilio import twilio_signature
from tests.support.stack import NADIR, ROOT, RunningNadir, free_port, start_nadir, stop_nadir

pytestmark = pytest.mark.integration

NURSE = "+16175550190"
BACKUP = "+16175550191"
ALEX, SAM = "+16175550101", "+16175550102"  # patient and caregiver
BLAKE = "+16175550111"  # opts out and back in
CASEY = "+16175550121"  # a red flag in the middle of a report
DREW = "+16175550131"  # whose page goes undelivered
STRANGER = "+16175550177"
# safety-corpus texts through the real stack, one new patient each
CORPUS_PATIENTS = {
    "fl-01": ("+16175550141", "Eli Novak"),  # a checklist reply carrying a red flag
    "fl-07": ("+16175550142", "Fay Osei"),
    "tp-011": ("+16175550143", "Gus Park"),  # a sustained fever in one text
    "ms-002": ("+16175550144", "Hana Reid"),  # a negation that must not swallow a symptom
    "tr-098": ("+16175550145", "Ivo Sato"),  # just out of a hot bath: wait and recheck
}


@pytest.fixture(scope="module")
def nadir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNadir]:
    # Twilio must be able to call the status callback, so it names Rasa's port: choose it here.
    port = free_port()
    running = start_nadir(
        tmp_path_factory.mktemp("nadir"),
        {
            "RASA_PORT": str(port),
            "TWILIO_STATUS_CALLBACK_URL": f"http://127.0.0.1:{port}/webhooks/twilio/status",
        },
    )
    running.rasa_port = port
    chemo = (date.today() - timedelta(days=9)).isoformat()
    commands = [
        ["team", "add", "--name", "Dana Reyes", "--phone", NURSE],
        ["team", "add", "--name", "Lee Chen", "--phone", BACKUP, "--role", "backup"],
        ["caregiver", "add", "--phone", SAM, "--patient", ALEX, "--name", "Sam Morgan"],
    ]
    for phone, name in ((ALEX, "Alex Morgan"), (BLAKE, "Blake Ito"), (CASEY, "Casey Lund")):
        commands.insert(
            -1, ["patient", "add", "--phone", phone, "--name", name, "--chemo-date", chemo]
        )
    commands.append(
        ["patient", "add", "--phone", DREW, "--name", "Drew Park", "--chemo-date", chemo]
    )
    for phone, name in CORPUS_PATIENTS.values():
        commands.append(["patient", "add", "--phone", phone, "--name", name, "--chemo-date", chemo])
    for args in commands:
        done = running.cli(*args)
        assert done.returncode == 0, done.stderr
    yield running
    assert stop_nadir(running) == 0, "nadir serve shuts down cleanly on SIGTERM"
    assert "Traceback" not in running.log(), running.log()[-3000:]


def _sessions(nadir: RunningNadir) -> Any:
    return make_session_factory(make_engine(nadir.env["DATABASE_URL"]))


def _open_code(nadir: RunningNadir, patient_phone: str) -> str:
    [item] = [
        e for e in nadir.cli_json("escalations", "--open") if e["patient_phone"] == patient_phone
    ]
    return item["code"]


def _items(nadir: RunningNadir, phone: str) -> list[dict]:
    return nadir.cli_json("readings", "--phone", phone)["items"]


# --- signatures and redelivery ---------------------------------------------------------------


def test_only_requests_signed_by_twilio_for_this_url_are_processed(nadir: RunningNadir) -> None:
    form = {"MessageSid": "SM" + "5" * 32, "From": ALEX, "To": "+16175550000", "Body": "39.4"}
    signed = twilio_signature(nadir.auth_token, nadir.webhook_url, form)
    tampered = {**form, "Body": "36.4"}
    elsewhere = twilio_signature(
        nadir.auth_token, "https://other.example/webhooks/twilio/webhook", form
    )

    assert nadir.post(form, signature="bm90IGEgc2lnbmF0dXJl")[0] == 403
    assert nadir.post(form, signature=None)[0] == 403
    assert nadir.post(tampered, signature=signed)[0] == 403
    assert nadir.post(form, signature=elsewhere)[0] == 403
    with unit_of_work(_sessions(nadir)) as session:
        assert session.execute(select(InboundMessage)).first() is None
    assert "39.4" not in nadir.log()  # refusals are logged without the message


def test_a_replayed_message_sid_is_processed_once(nadir: RunningNadir) -> None:
    sid = "SM" + "7" * 32
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda: statuses.append(nadir.text(SAM, "she is 37.2", sid=sid)[0]))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert nadir.text(SAM, "she is 37.2", sid=sid)[0] == 200  # and once more, later

    assert statuses == [200, 200]
    nadir.wait_for(SAM, 2)  # what was saved, and the symptom checklist
    readings = [i for i in _items(nadir, ALEX) if i.get("celsius") == pytest.approx(37.2)]
    assert len(readings) == 1


# --- who is texting -----------------------------------------------------------------------------


def test_a_caregiver_reports_for_the_patient_and_is_the_one_advised(nadir: RunningNadir) -> None:
    before = len(nadir.messages_to(SAM))
    nadir.text(SAM, "she has 38.7 and chills")

    page = _wait_sms(nadir, NURSE, "Alex Morgan")["body"]
    assert "Alex Morgan" in page and SAM in page  # the nurse calls back whoever reported
    advice = nadir.wait_for(SAM, before + 1)[before]["body"]
    assert "617-555-0123" in advice
    fever = next(i for i in _items(nadir, ALEX) if i.get("celsius") == pytest.approx(38.7))
    assert fever["reporter"] == "caregiver" and fever["reporter_phone"] == SAM
    assert all(m["to"] != ALEX for m in nadir.twilio.messages)  # the patient was not texted


def test_the_care_team_acknowledges_by_sms_and_the_reporter_is_told(nadir: RunningNadir) -> None:
    code = _open_code(nadir, ALEX)

    nadir.text(NURSE, f"ack {code}")

    assert _wait_sms(nadir, NURSE, f"Alert {code} is yours")
    assert _wait_sms(nadir, SAM, "Dana")
    assert _open_code(nadir, ALEX) == code
    assert (
        next(e for e in nadir.cli_json("escalations", "--open") if e["code"] == code)["status"]
        == "acknowledged"
    )


def test_a_stranger_asking_for_a_patients_readings_gets_no_patient_data(
    nadir: RunningNadir,
) -> None:
    before = len(nadir.messages_to(STRANGER))
    nadir.text(STRANGER, "what are Alex Morgan's readings")

    replies = [m["body"] for m in nadir.wait_for(STRANGER, before + 1)[before:]]
    text = " ".join(replies)
    assert "Alex" not in text and "Morgan" not in text
    assert "38.7" not in text and "101" not in text
    assert all(i.get("reporter_phone") != STRANGER for i in _items(nadir, ALEX))


# --- STOP, START, HELP ----------------------------------------------------------------------


def test_after_stop_a_recheck_is_held_but_escalation_news_still_goes(nadir: RunningNadir) -> None:
    sessions = _sessions(nadir)
    nadir.text(BLAKE, "STOP")
    assert "unsubscribed" in nadir.wait_for(BLAKE, 1)[0]["body"]
    patients = nadir.cli("patient", "list").stdout
    assert any("Blake Ito" in line and "OPTED OUT" in line for line in patients.splitlines())

    # a borderline reading is stored and books a recheck; the routine answers are held
    nadir.text(BLAKE, "38.1")
    _wait_rows(sessions, BLAKE, 2)
    assert any(i.get("celsius") == pytest.approx(38.1) for i in _items(nadir, BLAKE))
    with unit_of_work(sessions) as session:
        # the worker's clock cannot be moved: make the recheck due now instead
        session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.kind == "recheck", ScheduledJob.notify_phone == BLAKE)
            .values(run_at=utc_now() - timedelta(minutes=1))
        )
    _wait_job_done(sessions, BLAKE)
    held = _wait_rows(sessions, BLAKE, 2)[1:]
    assert {(row.purpose, row.status) for row in held} == {
        ("reply", "suppressed"),
        ("recheck", "suppressed"),  # kept for the audit; its follow-up still runs
    }
    assert len(nadir.messages_to(BLAKE)) == 1  # still only the STOP confirmation

    # a fever while opted out: the advice and the acknowledgement still reach them
    nadir.text(BLAKE, "now 39.2 and shaking chills")
    assert "EMERGENCY" in _wait_sms(nadir, NURSE, "Blake Ito")["body"]
    assert "617-555-0123" in nadir.wait_for(BLAKE, 2)[1]["body"]
    nadir.text(NURSE, f"ACK {_open_code(nadir, BLAKE)}")
    assert _wait_sms(nadir, BLAKE, "Dana")


def test_start_and_help(nadir: RunningNadir) -> None:
    nadir.text(BLAKE, "Start")
    assert _wait_sms(nadir, BLAKE, "Welcome back")
    assert not nadir.cli_json("readings", "--phone", BLAKE)["patient"]["opted_out"]

    before = len(nadir.messages_to(BLAKE))
    nadir.text(BLAKE, "HELP")
    help_text = nadir.wait_for(BLAKE, before + 1)[before]["body"]
    assert "617-555-0123" in help_text and "Riverside Cancer Center" in help_text


# --- emergencies and delivery ---------------------------------------------------------------


def test_a_red_flag_in_the_middle_of_a_temperature_report_takes_the_emergency_path(
    nadir: RunningNadir,
) -> None:
    nadir.text(CASEY, "log my temp")
    assert "temperature" in nadir.wait_for(CASEY, 1)[0]["body"].lower()

    nadir.text(CASEY, "she can't breathe")

    assert "EMERGENCY" in _wait_sms(nadir, NURSE, "Casey Lund")["body"]
    advice = nadir.wait_for(CASEY, 2)[1]["body"]
    assert "617-555-0123" in advice or "911" in advice
    assert any(i.get("red_flag") for i in _items(nadir, CASEY))


def test_an_undelivered_page_goes_to_the_backup_at_once(nadir: RunningNadir) -> None:
    nadir.text(DREW, "temp 38.9")
    page = _wait_sms(nadir, NURSE, "Drew Park")
    backups_before = len(nadir.messages_to(BACKUP))

    assert nadir.twilio.send_status_callback(page["sid"], "undelivered", error_code=30003) == 204

    backup_page = nadir.wait_for(BACKUP, backups_before + 1, timeout=10)[backups_before]
    assert "Drew Park" in backup_page["body"]
    drew = next(e for e in nadir.cli_json("escalations", "--open") if e["patient_phone"] == DREW)
    kinds = [hop["kind"] for hop in drew["events"]]
    assert "page_failed" in kinds and "backup_paged" in kinds
    assert any(hop.get("delivery") == "undelivered" for hop in drew["events"])


def test_delivery_reports_are_recorded(nadir: RunningNadir) -> None:
    sent = nadir.messages_to(DREW)[0]
    assert nadir.twilio.send_status_callback(sent["sid"], "delivered") == 204
    with unit_of_work(_sessions(nadir)) as session:
        row = session.execute(
            select(OutboundMessage).where(OutboundMessage.provider_sid == sent["sid"])
        ).scalar_one()
        assert row.delivery_status == "delivered"
    assert nadir.twilio.send_status_callback(sent["sid"], "failed", sign_with="wrong") == 403


# --- hostile input and the set-up check ----------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\x00\x01\x02\x1b[31m",
    "🙂" * 80,
    "x" * 1600,
    "é" * 3000,
    "Body=1&From=+15555550100&MessageSid=SM1",
    "%26From%3D%2B16175550101",
    "'; DELETE FROM temperature_readings; --",
    "<Response><Message>hi</Message></Response>",
    "{{7*7}} ${jndi:ldap://x/a}",
    "\u202e39.9\u202c",
    "A\u0301\u0302\u0303" * 100,
    "stop texting me",
    "STOP STOP STOP",
    "\r\n\r\nHTTP/1.1 200 OK",
    "null",
    "NaN°F",
    "-40",
    "9" * 400,
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_bodies_from_a_stranger_get_a_reply_and_store_nothing(
    nadir: RunningNadir, body: str
) -> None:
    before = len(nadir.messages_to(STRANGER))
    status, _ = nadir.text(STRANGER, body)
    assert status == 200
    assert nadir.wait_for(STRANGER, before + 1)[before]["body"].strip()
    record = nadir.cli_json("readings", "--phone", ALEX)
    assert all(i.get("reporter_phone") != STRANGER for i in record["items"])


def test_malformed_requests_signed_correctly_are_refused_without_an_error(
    nadir: RunningNadir,
) -> None:
    for form in (
        {"From": STRANGER, "Body": "hi"},  # no MessageSid
        {"MessageSid": "SM" + "1" * 200, "From": STRANGER, "Body": "hi"},
        {"MessageSid": "SM" + "2" * 32, "From": "not a phone", "Body": "hi"},
        {"MessageSid": "SM" + "3" * 32, "Body": "hi"},
    ):
        assert nadir.post(form)[0] == 400
    too_many = urllib.parse.urlencode([(f"f{i}", "x") for i in range(300)])
    assert nadir.post(dict(urllib.parse.parse_qsl(too_many)))[0] == 400


def test_check_webhook_confirms_the_set_up(nadir: RunningNadir) -> None:
    done = nadir.cli("check-webhook", "--url", nadir.webhook_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("OK") == 2

    wrong = subprocess.run(
        [NADIR, "check-webhook", "--url", nadir.webhook_url],
        env={**nadir.env, "TWILIO_AUTH_TOKEN": "not-the-token"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wrong.returncode == 1 and "TWILIO_AUTH_TOKEN" in wrong.stdout


# --- helpers ---------------------------------------------------------------------------------


def _wait_rows(
    sessions: Any, phone: str, count: int, timeout: float = 20.0
) -> list[OutboundMessage]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with unit_of_work(sessions) as session:
            rows = list(
                session.execute(
                    select(OutboundMessage)
                    .where(OutboundMessage.to_phone == phone)
                    .order_by(OutboundMessage.id)
                ).scalars()
            )
        if len(rows) >= count:
            return rows
        time.sleep(0.1)
    raise AssertionError(f"expected {count} outbox rows to {phone}")


def _wait_job_done(sessions: Any, phone: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with unit_of_work(sessions) as session:
            pending = session.execute(
                select(ScheduledJob.id).where(
                    ScheduledJob.notify_phone == phone,
                    ScheduledJob.kind == "recheck",
                    ScheduledJob.status == "pending",
                )
            ).first()
        if pending is None:
            return
        time.sleep(0.1)
    raise AssertionError("the worker did not run the recheck")


# --- the safety corpus, through the real stack ----------------------------------------------


def _corpus_texts(case_id: str) -> list[str]:
    corpus = yaml.safe_load((ROOT / "tests" / "safety" / "corpus.yml").read_text(encoding="utf-8"))
    for entry in corpus["items"]:
        if entry["id"] == case_id:
            return [entry["text"]]
    flow = next(entry for entry in corpus["flows"] if entry["id"] == case_id)
    return [turn["text"] for turn in flow["turns"]]


@pytest.mark.parametrize("case_id", ["fl-01", "fl-07", "tp-011", "ms-002"])
def test_messy_reports_from_the_corpus_page_the_team(nadir: RunningNadir, case_id: str) -> None:
    phone, name = CORPUS_PATIENTS[case_id]
    for count, text in enumerate(_corpus_texts(case_id), start=1):
        nadir.text(phone, text)
        nadir.wait_for(phone, count)  # each text is answered before the next is sent
    assert name in _wait_sms(nadir, NURSE, name)["body"]
    assert any("617-555-0123" in m["body"] for m in nadir.messages_to(phone))


def test_a_reading_straight_out_of_a_hot_bath_is_rechecked_not_paged(nadir: RunningNadir) -> None:
    phone, name = CORPUS_PATIENTS["tr-098"]
    [text] = _corpus_texts("tr-098")
    nadir.text(phone, text)
    reply = " ".join(m["body"] for m in nadir.wait_for(phone, 1))
    assert "15-30 minutes after the last food or drink" in reply
    time.sleep(1.0)  # a page, if one were coming, is sent in the same turn
    assert not any(name in m["body"] for m in nadir.messages_to(NURSE))


def _wait_sms(nadir: RunningNadir, phone: str, containing: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in nadir.messages_to(phone):
            if containing in message["body"]:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no SMS to {phone} with {containing!r}: {nadir.messages_to(phone)}")
