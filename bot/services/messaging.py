"""Sending replies through the outbox, and the words for messages Rasa never sees."""

from __future__ import annotations

import re
import unicodedata

from bot.db.session import unit_of_work
from bot.runtime import Runtime, utc_now
from bot.services import escalation
from bot.services.enrolment import CallerKind, identify
from bot.sms import outbox

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_inbound_text(body: str | None) -> str:
    """Text as Rasa should see it: no control characters, tidy spaces."""
    text = unicodedata.normalize("NFKC", body or "")
    text = _CONTROL.sub(" ", text).replace("¡", "@")  # carriers corrupt "@" into "¡"
    return " ".join(text.split())


def queue_and_send(
    rt: Runtime, to: str, body: str, purpose: outbox.Purpose, patient_id: int | None = None
) -> int:
    """Write the SMS to the outbox, then try it straight away; the worker retries failures."""
    with unit_of_work(rt.sessions) as session:
        message_id = outbox.enqueue(
            session, to=to, body=body, purpose=purpose, now=utc_now(), patient_id=patient_id
        ).id
    outbox.send_now(
        rt.sessions,
        rt.gateway,
        message_id,
        utc_now,
        recorded_only=not rt.sends_real_sms,
        status_callback=rt.settings.twilio.status_callback_url if rt.settings.twilio else None,
    )
    return message_id


def send_reply(rt: Runtime, to: str, body: str) -> int:
    return queue_and_send(rt, to, body, outbox.Purpose.REPLY)


def handle_care_team_text(rt: Runtime, phone: str, text: str) -> bool:
    """Answer ACK/1/STATUS from a care-team number; False when `phone` is not on the care team."""
    with unit_of_work(rt.sessions) as session:
        caller = identify(session, phone, rt.settings.default_region)
        if caller.kind is not CallerKind.CARE_TEAM:
            return False
        answer = escalation.handle_care_team_text(
            session, rt.settings, caller.member, text, utc_now()
        )
    send_reply(rt, phone, answer)
    escalation.flush_outbox(rt)  # the patient's "someone will call" notice goes at once
    return True


def empty_message_reply(had_media: bool) -> str:
    if had_media:
        return (
            "Thanks. I can only read text, not pictures. Please text your temperature or your "
            "question in words."
        )
    return "Your message came through empty. Text your temperature, a symptom or a question."


def turn_failed_reply(rt: Runtime) -> str:
    clinic = rt.settings.clinic
    return (
        "Sorry, something went wrong on our side and I could not read that. Please send it again. "
        f"If you feel unwell or have a temperature, call {clinic.phone_24h} now."
    )
