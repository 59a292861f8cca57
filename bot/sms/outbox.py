"""The persisted outbox: every SMS is written to the database first, then delivered with retries.

Writing first means a crash, a Twilio outage or a restart loses nothing: the worker picks up
whatever is due. A row is claimed by moving it to "sending" with a short lease, so two workers
never send the same row, and a worker that dies mid-send leaves a row that is retried when the
lease runs out.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Caregiver, OutboundMessage, Patient
from bot.db.session import unit_of_work
from bot.sms.gateway import SendResult, SmsGateway
from bot.sms.gsm7 import to_gsm7


class Purpose(str, enum.Enum):
    REPLY = "reply"  # an answer in a conversation
    URGENT_REPLY = "urgent_reply"  # an answer carrying urgent or emergency advice
    PAGE = "page"  # a care-team page
    PATIENT_NOTICE = "patient_notice"  # escalation news for the patient or caregiver
    RECHECK = "recheck"  # "time to take your temperature again"
    CONSENT = "consent"  # the answer to STOP, START or HELP, which carriers require


# What a number that texted STOP no longer gets. Escalation news, urgent advice and the
# confirmation of the STOP itself still go: they are about safety, or the law requires them.
SUPPRESSED_WHEN_OPTED_OUT = frozenset({Purpose.REPLY, Purpose.RECHECK})


class Status(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"  # accepted by Twilio
    RECORDED = "recorded"  # no Twilio configured: printed and kept, not sent
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # the recipient opted out: kept for the audit, never sent


SEND_LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 12  # about half an hour of retries with the backoff below


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 2 s, 4 s, 8 s ... capped at 5 minutes."""
    return timedelta(seconds=min(2 ** max(attempts, 1), 300))


def opted_out(session: Session, phone: str) -> bool:
    """True when the patient or caregiver with this number texted STOP (and not START since)."""
    stopped = (
        select(Patient.id)
        .where(Patient.phone == phone, Patient.opted_out.is_(True))
        .union_all(
            select(Caregiver.id).where(Caregiver.phone == phone, Caregiver.opted_out.is_(True))
        )
        .limit(1)
    )
    return session.execute(stopped).first() is not None


def enqueue(
    session: Session,
    *,
    to: str,
    body: str,
    purpose: Purpose,
    now: datetime,
    patient_id: int | None = None,
    claim: bool = False,
    recipient_opted_out: bool | None = None,
) -> OutboundMessage:
    """Write one SMS to the outbox; non-urgent ones to an opted-out number are kept, not sent.

    With `claim`, the row is written already claimed (status "sending" under a lease) for the
    caller to hand to `deliver_claimed` once the transaction commits: one transaction fewer per
    message than claiming it afterwards. If the caller dies before sending, the worker sends it
    when the lease runs out. `recipient_opted_out`, when the caller has just looked it up, saves
    asking the database again.
    """
    if purpose in SUPPRESSED_WHEN_OPTED_OUT and recipient_opted_out is None:
        recipient_opted_out = opted_out(session, to)
    if purpose in SUPPRESSED_WHEN_OPTED_OUT and recipient_opted_out:
        status, next_attempt_at = Status.SUPPRESSED, now
    elif claim:
        status, next_attempt_at = Status.SENDING, now + SEND_LEASE
    else:
        status, next_attempt_at = Status.PENDING, now
    row = OutboundMessage(
        to_phone=to,
        body=to_gsm7(body),
        purpose=purpose.value,
        status=status.value,
        attempts=0,
        next_attempt_at=next_attempt_at,
        patient_id=patient_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Claimed:
    """An outbox row this process holds the lease on, with what it needs to send it."""

    id: int
    to: str
    body: str
    purpose: str

    @classmethod
    def of(cls, row: OutboundMessage) -> Claimed | None:
        """The claim on a row `enqueue(claim=True)` wrote; None when it was suppressed."""
        if row.status != Status.SENDING.value:
            return None
        return cls(row.id, row.to_phone, row.body, row.purpose)


@dataclass(frozen=True)
class DeliveryReport:
    message_id: int
    purpose: str
    to: str
    status: Status
    result: SendResult


def _take(session: Session, message_id: int, now: datetime) -> bool:
    """Claim one due message for sending; False when someone else has it or it is not due."""
    taken = session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id == message_id,
            OutboundMessage.next_attempt_at <= now,
            OutboundMessage.status.in_([Status.PENDING.value, Status.SENDING.value]),
        )
        .values(status=Status.SENDING.value, next_attempt_at=now + SEND_LEASE)
    )
    return taken.rowcount == 1


def _claim_due(session_factory: sessionmaker, now: datetime, limit: int) -> list[int]:
    with unit_of_work(session_factory) as session:
        due = session.execute(
            select(OutboundMessage.id)
            .where(
                or_(
                    OutboundMessage.status == Status.PENDING.value,
                    OutboundMessage.status
                    == Status.SENDING.value,  # lease ran out: the sender died
                ),
                OutboundMessage.next_attempt_at <= now,
            )
            .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
            .limit(limit)
        ).scalars()
        return [message_id for message_id in list(due) if _take(session, message_id, now)]


def deliver_one(
    session_factory: sessionmaker,
    gateway: SmsGateway,
    message_id: int,
    now: datetime,
    *,
    recorded_only: bool,
    status_callback: str | None = None,
) -> DeliveryReport:
    """Send one message claimed by `_take` and record the outcome."""
    with unit_of_work(session_factory) as session:
        row = session.get(OutboundMessage, message_id)
        message = Claimed(row.id, row.to_phone, row.body, row.purpose)
    return deliver_claimed(
        session_factory,
        gateway,
        message,
        now,
        recorded_only=recorded_only,
        status_callback=status_callback,
    )


def deliver_claimed(
    session_factory: sessionmaker,
    gateway: SmsGateway,
    message: Claimed,
    now: datetime,
    *,
    recorded_only: bool,
    status_callback: str | None = None,
) -> DeliveryReport:
    """Send a message this process has claimed and record the outcome.

    A send that worked is recorded with one UPDATE; a failure reads the row for its attempts.
    """
    result = gateway.send(message.to, message.body, status_callback=status_callback)
    with unit_of_work(session_factory) as session:
        if result.ok:
            status = Status.RECORDED if recorded_only else Status.SENT
            session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.id == message.id)
                .values(
                    attempts=OutboundMessage.attempts + 1,
                    status=status.value,
                    provider_sid=result.provider_sid,
                    sent_at=now,
                    last_error=None,
                )
            )
        else:
            row = session.get(OutboundMessage, message.id)
            row.attempts += 1
            row.last_error = f"{result.error_code}: {result.error_message}"[:500]
            if result.retryable and row.attempts < MAX_ATTEMPTS:
                row.status = Status.PENDING.value
                row.next_attempt_at = now + retry_delay(row.attempts)
            else:
                row.status = Status.FAILED.value
            status = Status(row.status)
    return DeliveryReport(message.id, message.purpose, message.to, status, result)


def deliver_due(
    session_factory: sessionmaker,
    gateway: SmsGateway,
    clock: Callable[[], datetime],
    *,
    recorded_only: bool,
    status_callback: str | None = None,
    limit: int = 50,
) -> list[DeliveryReport]:
    """Send every message that is due now; returns what happened to each."""
    now = clock()
    return [
        deliver_one(
            session_factory,
            gateway,
            message_id,
            clock(),
            recorded_only=recorded_only,
            status_callback=status_callback,
        )
        for message_id in _claim_due(session_factory, now, limit)
    ]


# --- delivery status callbacks ---------------------------------------------------------------

# How far along Twilio's delivery lifecycle each status is. Callbacks can arrive out of order,
# so a late "sent" never overwrites "delivered".
DELIVERY_PROGRESS: dict[str, int] = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "canceled": 3,
    "read": 4,
}
DELIVERY_FAILURES = frozenset({"undelivered", "failed"})
_FINAL_OUTBOX_STATUSES = {
    "delivered": Status.DELIVERED,
    "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
}


@dataclass(frozen=True)
class DeliveryUpdate:
    message_id: int
    purpose: str
    delivery_status: str
    newly_failed: bool  # this callback is the first to report the message undelivered or failed


def record_delivery_status(
    session: Session, provider_sid: str, delivery_status: str, now: datetime
) -> DeliveryUpdate | None:
    """Record Twilio's status callback for the message it calls `provider_sid`.

    None when no message has that sid or the status is not one Twilio documents. The update is
    one conditional UPDATE, so when the same failure is reported twice (or by two processes at
    once) exactly one caller sees `newly_failed` and acts on it.
    """
    progress = DELIVERY_PROGRESS.get(delivery_status)
    if progress is None:
        return None
    row = session.execute(
        select(OutboundMessage.id, OutboundMessage.purpose).where(
            OutboundMessage.provider_sid == provider_sid
        )
    ).first()
    if row is None:
        return None
    replaceable = {status for status, rank in DELIVERY_PROGRESS.items() if rank <= progress}
    failure = delivery_status in DELIVERY_FAILURES
    if failure:
        replaceable -= DELIVERY_FAILURES
    values: dict[str, object] = {"delivery_status": delivery_status, "delivery_updated_at": now}
    if delivery_status in _FINAL_OUTBOX_STATUSES:
        values["status"] = _FINAL_OUTBOX_STATUSES[delivery_status].value
    changed = session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id == row.id,
            or_(
                OutboundMessage.delivery_status.is_(None),
                OutboundMessage.delivery_status.in_(sorted(replaceable)),
            ),
        )
        .values(**values)
    )
    return DeliveryUpdate(
        message_id=row.id,
        purpose=row.purpose,
        delivery_status=delivery_status,
        newly_failed=failure and changed.rowcount == 1,
    )
