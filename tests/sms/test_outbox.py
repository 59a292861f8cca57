"""The outbox's lease: a message written already claimed is sent once, by its writer or, if the
writer dies before sending, by the worker when the lease runs out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import OutboundMessage
from bot.db.session import unit_of_work
from bot.runtime import Runtime, utc_now
from bot.services import messaging
from bot.sms import outbox
from tests.conftest import PATIENT_PHONE


def _rows(rt: Runtime) -> list[OutboundMessage]:
    with unit_of_work(rt.sessions) as session:
        return list(session.execute(select(OutboundMessage)).scalars())


def _worker_pass(rt: Runtime, after: timedelta) -> list[outbox.DeliveryReport]:
    later = utc_now() + after
    return outbox.deliver_due(rt.sessions, rt.gateway, lambda: later, recorded_only=True)


def test_a_reply_is_sent_once_and_the_worker_leaves_it_alone(enrolled: Runtime) -> None:
    messaging.send_reply(enrolled, PATIENT_PHONE, "Wash your hands often.")

    (row,) = _rows(enrolled)
    assert (row.status, row.attempts, row.body) == ("recorded", 1, "Wash your hands often.")
    assert _worker_pass(enrolled, outbox.SEND_LEASE * 2) == []


def test_a_claimed_message_whose_writer_died_is_sent_by_the_worker_after_the_lease(
    enrolled: Runtime,
) -> None:
    with unit_of_work(enrolled.sessions) as session:
        message_id = outbox.enqueue(
            session,
            to=PATIENT_PHONE,
            body="Time to take your temperature again.",
            purpose=outbox.Purpose.RECHECK,
            now=utc_now(),
            claim=True,
        ).id
    # the writer stops here, before sending

    assert _worker_pass(enrolled, outbox.SEND_LEASE / 2) == []  # still leased: not sent twice
    (report,) = _worker_pass(enrolled, outbox.SEND_LEASE + timedelta(seconds=1))
    assert (report.message_id, report.status) == (message_id, outbox.Status.RECORDED)
    assert _worker_pass(enrolled, outbox.SEND_LEASE * 3) == []
