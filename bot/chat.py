"""The terminal chat of `make run`: text Nadir as a phone number, see every SMS it sends.

Messages go in exactly as Twilio would deliver them (a signed webhook to the Rasa server), and
what comes out is read from the outbox, so the chat exercises the real path end to end.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta

from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.db.models import Caregiver, CareTeamMember, OutboundMessage, Patient
from bot.db.session import unit_of_work
from bot.phone import InvalidPhoneNumber, normalise_phone
from bot.runtime import LOCAL_AUTH_TOKEN_ENV, Runtime, utc_now
from bot.services import enrolment

DEMO_PATIENT = ("Alex Morgan", "+16175550101")
DEMO_CAREGIVER = ("Sam Morgan", "+16175550102")
DEMO_TEAM = (
    ("Dana Reyes RN", "+16175550190", enrolment.Role.PRIMARY),
    ("Lee Chen NP", "+16175550191", enrolment.Role.BACKUP),
)
DEMO_CHEMO_DAYS_AGO = 9

HELP = """Commands:
  /as NUMBER     text as another phone number (a care-team member, a caregiver, a stranger)
  /patient       text as the demo patient        /caregiver   as the demo caregiver
  /nurse         as the primary on-call nurse    /backup      as the backup
  /readings      the current patient's record    /escalations the audit trail
  /quit          stop Nadir
Anything else is sent as an SMS."""


def enrol_demo(rt: Runtime) -> None:
    """The demo patient, caregiver and care team, once."""
    now = utc_now()
    with unit_of_work(rt.sessions) as session:
        if session.execute(select(CareTeamMember.id)).first() is None:
            for name, phone, role in DEMO_TEAM:
                enrolment.add_team_member(session, name=name, phone=phone, role=role, now=now)
        if (
            session.execute(select(Patient.id).where(Patient.phone == DEMO_PATIENT[1])).first()
            is None
        ):
            enrolment.add_patient(
                session,
                name=DEMO_PATIENT[0],
                phone=DEMO_PATIENT[1],
                now=now,
                chemo_date=now.astimezone(rt.settings.timezone).date()
                - timedelta(days=DEMO_CHEMO_DAYS_AGO),
            )
        if (
            session.execute(
                select(Caregiver.id).where(Caregiver.phone == DEMO_CAREGIVER[1])
            ).first()
            is None
        ):
            enrolment.add_caregiver(
                session,
                name=DEMO_CAREGIVER[0],
                phone=DEMO_CAREGIVER[1],
                patient_phone=DEMO_PATIENT[1],
                now=now,
            )


def send_sms(rt: Runtime, token: str, sender: str, text: str) -> int:
    url = f"http://127.0.0.1:{rt.settings.rasa_port}/webhooks/twilio/webhook"
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "From": sender,
        "To": rt.settings.twilio.from_number if rt.settings.twilio else "+15550000000",
        "Body": text,
        "NumMedia": "0",
    }
    signature = RequestValidator(token).compute_signature(url, params)
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(params).encode(), headers={"X-Twilio-Signature": signature}
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return response.status


class OutboxPrinter:
    """Prints every SMS Nadir queues, labelled with who it is for."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.last_id = 0
        self.last_seen = time.monotonic()
        self.lock = threading.Lock()
        with unit_of_work(rt.sessions) as session:
            self.last_id = (
                session.execute(
                    select(OutboundMessage.id).order_by(OutboundMessage.id.desc())
                ).scalar()
                or 0
            )

    def label(self, session: object, phone: str, me: str) -> str:
        if phone == me:
            return "you"
        for model, kind in (
            (Patient, "patient"),
            (Caregiver, "caregiver"),
            (CareTeamMember, "care team"),
        ):
            person = session.execute(select(model).where(model.phone == phone)).scalar_one_or_none()  # type: ignore[attr-defined]
            if person is not None:
                role = f", {person.role}" if kind == "care team" else ""
                return f"{kind}: {person.name}{role}"
        return "unknown number"

    def print_new(self, me: str) -> int:
        with self.lock, unit_of_work(self.rt.sessions) as session:
            rows = list(
                session.execute(
                    select(OutboundMessage)
                    .where(OutboundMessage.id > self.last_id)
                    .order_by(OutboundMessage.id)
                ).scalars()
            )
            for row in rows:
                who = self.label(session, row.to_phone, me)
                held = ", NOT SENT: this number opted out" if row.status == "suppressed" else ""
                print(f"\n  [SMS to {row.to_phone} ({who}){held}]\n  {row.body}", flush=True)
                self.last_id = row.id
            if rows:
                self.last_seen = time.monotonic()
            return len(rows)


def run_chat(rt: Runtime, env: dict[str, str], stack: object, phone: str | None) -> int:
    enrol_demo(rt)
    me = DEMO_PATIENT[1]
    if phone:
        try:
            me = normalise_phone(phone, rt.settings.default_region)
        except InvalidPhoneNumber as error:
            print(f"nadir: {error}")
            return 2
    token = rt.settings.twilio.auth_token if rt.settings.twilio else env[LOCAL_AUTH_TOKEN_ENV]
    print(
        "Starting Nadir (action server, Rasa, worker); logs in",
        rt.settings.data_dir / "logs",
        flush=True,
    )
    stack.start(env)  # type: ignore[attr-defined]
    printer = OutboxPrinter(rt)
    stop = threading.Event()

    def watch() -> None:  # pages to backups and recheck reminders arrive on their own time
        while not stop.wait(1.0):
            printer.print_new(me)

    threading.Thread(target=watch, daemon=True).start()
    sms = "sent with Twilio" if rt.sends_real_sms else "recorded and printed here, not sent"
    print(
        f"\nNadir is running for {rt.settings.clinic.name}. Outbound SMS are {sms}.\n"
        f"You are texting as {me}. Try: temp 101.3 and chills   (type /help for commands)\n",
        flush=True,
    )
    shortcuts = {
        "/patient": DEMO_PATIENT[1],
        "/caregiver": DEMO_CAREGIVER[1],
        "/nurse": DEMO_TEAM[0][1],
        "/backup": DEMO_TEAM[1][1],
    }
    try:
        while True:
            try:
                line = input(f"{me}> ").strip()
            except EOFError:
                break
            if not line:
                continue
            if line in {"/quit", "/exit"}:
                break
            if line == "/help":
                print(HELP)
                continue
            if line in shortcuts or line.startswith("/as "):
                target = shortcuts.get(line) or line[4:]
                try:
                    me = normalise_phone(target, rt.settings.default_region)
                    print(f"Now texting as {me}.")
                except InvalidPhoneNumber as error:
                    print(error)
                continue
            if line in {"/readings", "/escalations"}:
                from bot.cli import main as cli

                cli(["readings", "--phone", me] if line == "/readings" else ["escalations"])
                continue
            try:
                send_sms(rt, token, me, line)
            except OSError as error:
                print(f"(could not reach the Rasa server: {error})")
                continue
            _wait_for_replies(printer, me)
    finally:
        stop.set()
        print("Stopping Nadir...", flush=True)
        stack.stop()  # type: ignore[attr-defined]
    return 0


def _wait_for_replies(
    printer: OutboxPrinter, me: str, quiet_seconds: float = 1.2, limit: float = 20.0
) -> None:
    """Show the replies before the next prompt: wait until Nadir has been quiet for a moment."""
    started = time.monotonic()
    got_any = False
    while time.monotonic() - started < limit:
        if printer.print_new(me):
            got_any = True
        if got_any and time.monotonic() - printer.last_seen > quiet_seconds:
            return
        time.sleep(0.1)
