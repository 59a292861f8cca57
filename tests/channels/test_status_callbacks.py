"""POST /webhooks/twilio/status: delivery recorded per message; a page that fails goes to the backup."""

from __future__ import annotations

from sqlalchemy import select

from bot.clinical.model import Assessment, Disposition, FiredRule
from bot.db.models import Escalation, OutboundMessage
from bot.db.session import unit_of_work
from bot.runtime import utc_now
from bot.services import enrolment, escalation
from tests.channels.conftest import ChannelServer
from tests.conftest import BACKUP_PHONE, PATIENT_PHONE, PRIMARY_PHONE

FEVER = Assessment(
    disposition=Disposition.EMERGENCY,
    fired=(FiredRule("R2", Disposition.EMERGENCY, "38.6 C with presumed neutropenia"),),
    advice="call_team_now_fn",
)


def _page_the_primary(channel: ChannelServer) -> str:
    """Open an escalation; returns the Twilio sid of the page the primary was sent."""
    with unit_of_work(channel.rt.sessions) as session:
        caller = enrolment.identify(session, PATIENT_PHONE)
        assert escalation.escalate(session, channel.rt.settings, caller, FEVER, utc_now())
    escalation.flush_outbox(channel.rt)
    [page] = [m for m in channel.twilio.messages if m["to"] == PRIMARY_PHONE]
    assert page["status_callback"] == channel.status_url  # Twilio is told where to report
    return page["sid"]


def _row(channel: ChannelServer, sid: str) -> OutboundMessage:
    with unit_of_work(channel.rt.sessions) as session:
        return session.execute(
            select(OutboundMessage).where(OutboundMessage.provider_sid == sid)
        ).scalar_one()


def _events(channel: ChannelServer) -> list[str]:
    with unit_of_work(channel.rt.sessions) as session:
        return [e.kind for e in session.execute(select(Escalation)).scalar_one().events]


def test_each_status_twilio_reports_is_recorded_against_the_message(
    channel: ChannelServer,
) -> None:
    sid = _page_the_primary(channel)

    assert channel.twilio.send_status_callback(sid, "sent") == 204
    assert _row(channel, sid).delivery_status == "sent"
    assert channel.twilio.send_status_callback(sid, "delivered") == 204
    row = _row(channel, sid)
    assert (row.delivery_status, row.status) == ("delivered", "delivered")
    assert row.delivery_updated_at is not None
    # callbacks can arrive out of order: a late "sent" does not undo "delivered"
    assert channel.twilio.send_status_callback(sid, "sent") == 204
    assert _row(channel, sid).delivery_status == "delivered"
    assert channel.sms_to(BACKUP_PHONE) == []


def test_an_undelivered_page_goes_to_the_backup_at_once(channel: ChannelServer) -> None:
    sid = _page_the_primary(channel)

    assert channel.twilio.send_status_callback(sid, "undelivered", error_code=30003) == 204

    [backup_page] = channel.wait_for_sms(BACKUP_PHONE)
    assert "EMERGENCY" in backup_page and "Alex Morgan" in backup_page
    assert _row(channel, sid).delivery_status == "undelivered"
    assert "page_failed" in _events(channel) and "backup_paged" in _events(channel)


def test_a_failure_reported_twice_pages_the_backup_once(channel: ChannelServer) -> None:
    sid = _page_the_primary(channel)

    assert channel.twilio.send_status_callback(sid, "failed") == 204
    channel.wait_for_sms(BACKUP_PHONE)
    assert channel.twilio.send_status_callback(sid, "failed") == 204
    assert channel.twilio.send_status_callback(sid, "undelivered") == 204
    channel.settle()
    escalation.flush_outbox(channel.rt)

    assert len(channel.sms_to(BACKUP_PHONE)) == 1
    assert _events(channel).count("page_failed") == 1


def test_an_undelivered_patient_message_is_recorded_and_pages_nobody(
    channel: ChannelServer,
) -> None:
    channel.text(PATIENT_PHONE, "HELP")
    channel.wait_for_sms(PATIENT_PHONE)
    [help_sms] = [m for m in channel.twilio.messages if m["to"] == PATIENT_PHONE]

    assert channel.twilio.send_status_callback(help_sms["sid"], "undelivered") == 204
    assert _row(channel, help_sms["sid"]).delivery_status == "undelivered"
    assert channel.sms_to(PRIMARY_PHONE) == [] and channel.sms_to(BACKUP_PHONE) == []


def test_a_status_callback_with_a_bad_signature_is_refused_and_changes_nothing(
    channel: ChannelServer,
) -> None:
    sid = _page_the_primary(channel)

    assert channel.twilio.send_status_callback(sid, "failed", sign_with="not-the-token") == 403
    form = {"MessageSid": sid, "MessageStatus": "failed"}
    assert channel.post_status(form, signature=None)[0] == 403
    assert channel.post_status(form, signed_url="https://elsewhere.example/status")[0] == 403

    assert _row(channel, sid).delivery_status is None
    assert channel.sms_to(BACKUP_PHONE) == []


def test_a_status_for_a_message_nadir_never_sent_is_acknowledged_and_ignored(
    channel: ChannelServer,
) -> None:
    _page_the_primary(channel)
    unknown = {"MessageSid": "SM" + "f" * 32, "MessageStatus": "failed", "ErrorCode": "30003"}
    odd_status = {"MessageSid": "SM" + "e" * 32, "MessageStatus": "x" * 500}

    assert channel.post_status(unknown)[0] == 204
    assert channel.post_status(odd_status)[0] == 204
    assert channel.post_status({"MessageStatus": "failed"})[0] == 400
    assert channel.sms_to(BACKUP_PHONE) == []
