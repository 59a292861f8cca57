"""Sending replies through the outbox, SMS keywords (STOP, START, HELP), delivery status
callbacks, and the words for messages Rasa never sees."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clinical.model import Clinic
from bot.conversation import help_text
from bot.db.models import Caregiver, Escalation, Patient
from bot.db.session import unit_of_work
from bot.runtime import Runtime, utc_now
from bot.services import escalation
from bot.services.enrolment import Caller, CallerKind, identify
from bot.sms import outbox

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# While a patient's escalation is this recent and not closed, replies to a number that texted
# STOP still go: anything said during an emergency may be what keeps them safe.
URGENT_EPISODE = timedelta(hours=24)


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
        row = outbox.enqueue(
            session,
            to=to,
            body=body,
            purpose=purpose,
            now=utc_now(),
            patient_id=patient_id,
            claim=True,
        )
        message_id, claim = row.id, outbox.Claimed.of(row)
    _send_claimed(rt, claim)
    return message_id


def _send_claimed(rt: Runtime, claim: outbox.Claimed | None) -> None:
    if claim is None:  # held for a number that texted STOP
        return
    outbox.deliver_claimed(
        rt.sessions,
        rt.gateway,
        claim,
        utc_now(),
        recorded_only=not rt.sends_real_sms,
        status_callback=rt.settings.twilio.status_callback_url if rt.settings.twilio else None,
    )


def _in_urgent_episode(session: Session, phone: str, now: datetime) -> bool:
    """The patient this number belongs to (as patient or caregiver) has a recent open escalation."""
    patient_ids = (
        select(Patient.id)
        .where(Patient.phone == phone)
        .union(select(Caregiver.patient_id).where(Caregiver.phone == phone))
    )
    return (
        session.execute(
            select(Escalation.id).where(
                Escalation.patient_id.in_(patient_ids.scalar_subquery()),
                Escalation.status.in_(escalation.OPEN_STATUSES),
                Escalation.opened_at >= now - URGENT_EPISODE,
            )
        ).first()
        is not None
    )


def send_reply(rt: Runtime, to: str, body: str, *, urgent: bool = False) -> int:
    """Queue and send a conversation reply.

    A number that texted STOP gets only urgent replies: those the conversation marks `urgent`,
    and every reply while the patient it concerns has a recent open escalation.
    """
    now = utc_now()
    with unit_of_work(rt.sessions) as session:
        stopped = False if urgent else outbox.opted_out(session, to)
        if stopped:
            urgent = _in_urgent_episode(session, to, now)
        row = outbox.enqueue(
            session,
            to=to,
            body=body,
            purpose=outbox.Purpose.URGENT_REPLY if urgent else outbox.Purpose.REPLY,
            now=now,
            claim=True,
            recipient_opted_out=stopped,
        )
        message_id, claim = row.id, outbox.Claimed.of(row)
    _send_claimed(rt, claim)
    return message_id


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


# --- SMS keywords -----------------------------------------------------------------------------


class Keyword(str, enum.Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


# The words carriers and Twilio treat as opt-out, opt-in and help when they are the whole message.
_KEYWORDS: dict[str, Keyword] = {
    **dict.fromkeys(
        ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"),
        Keyword.OPT_OUT,
    ),
    **dict.fromkeys(("START", "UNSTOP"), Keyword.OPT_IN),
    **dict.fromkeys(("HELP", "INFO"), Keyword.HELP),
}
_TRAILING_PUNCTUATION = ".!?,;:'\""


def sms_keyword(text: str) -> Keyword | None:
    """The keyword `text` is, when the whole message is one ("stop", " STOP! "); else None."""
    word = text.strip().strip(_TRAILING_PUNCTUATION).strip().upper()
    return _KEYWORDS.get(word)


def _set_consent(caller: Caller, opted_out: bool, now: datetime) -> None:
    person = caller.caregiver if caller.kind is CallerKind.CAREGIVER else caller.patient
    if person is None:
        return
    if person.opted_out != opted_out:
        person.opted_out = opted_out
        person.opted_out_at = now if opted_out else None


def opted_out_text(clinic: Clinic) -> str:
    return (
        f"You're unsubscribed from Nadir, the {clinic.name} text line, and will get no more "
        f"routine messages. Text START to come back. If you feel unwell or have a temperature, "
        f"call {clinic.phone_24h} now, day or night."
    )


def care_team_cannot_opt_out_text(clinic: Clinic) -> str:
    return (
        f"This number is on the {clinic.name} on-call list, so Nadir keeps sending it alerts: "
        "stopping them could leave a patient without help. Ask the clinic to take you off the "
        "list. Text STATUS for open alerts."
    )


def welcome_back_text(clinic: Clinic) -> str:
    return (
        f"Welcome back to Nadir from {clinic.name}. Text a temperature, a symptom or a question "
        f"any time. 24-hour line: {clinic.phone_24h}. Text HELP for help, STOP to unsubscribe."
    )


def not_enrolled_help_text(clinic: Clinic) -> str:
    return (
        f"Nadir, the {clinic.name} chemo text line. This number is not enrolled, so I can only "
        "answer general questions on avoiding infection. To report temperatures, ask your care "
        f"team to enroll it. 24-hour line: {clinic.phone_24h}. Emergency: "
        f"{clinic.emergency_number}."
    )


def _keyword_answer(rt: Runtime, session: Session, caller: Caller, keyword: Keyword) -> str:
    clinic = rt.settings.clinic
    now = utc_now()
    if caller.kind is CallerKind.CARE_TEAM:
        if keyword is Keyword.HELP:
            return escalation.handle_care_team_text(
                session, rt.settings, caller.member, "HELP", now
            )
        if keyword is Keyword.OPT_OUT:
            return care_team_cannot_opt_out_text(clinic)
        return "This number is on the care team. Text STATUS for open alerts, or ACK and the code."
    if keyword is Keyword.HELP:
        if caller.kind is CallerKind.UNKNOWN:
            return not_enrolled_help_text(clinic)
        return help_text(rt).messages[0]
    _set_consent(caller, keyword is Keyword.OPT_OUT, now)
    if keyword is Keyword.OPT_OUT:
        return opted_out_text(clinic)
    if caller.kind is CallerKind.UNKNOWN:
        return not_enrolled_help_text(clinic)
    return welcome_back_text(clinic)


def handle_keyword(rt: Runtime, phone: str, keyword: Keyword) -> str:
    """Carry out STOP/START/HELP for whoever `phone` is, answer them, and return the answer.

    Only patients and caregivers have a consent state; nothing is stored for unknown numbers,
    and care-team numbers cannot opt out of pages here.
    """
    with unit_of_work(rt.sessions) as session:
        caller = identify(session, phone, rt.settings.default_region)
        answer = _keyword_answer(rt, session, caller, keyword)
    queue_and_send(rt, phone, answer, outbox.Purpose.CONSENT)
    return answer


# --- delivery status callbacks ----------------------------------------------------------------


@dataclass(frozen=True)
class StatusOutcome:
    known: bool  # an outbound message has this sid
    next_member_paged: bool  # it was a page that failed, and the next member is now queued


def record_delivery_status(
    rt: Runtime, provider_sid: str, delivery_status: str, error_code: str | None
) -> StatusOutcome:
    """Record Twilio's status callback; a page reported undelivered or failed pages the next member.

    The next page is only queued here; `escalation.flush_outbox` sends it.
    """
    now = utc_now()
    with unit_of_work(rt.sessions) as session:
        update = outbox.record_delivery_status(session, provider_sid, delivery_status, now)
        if update is None:
            return StatusOutcome(known=False, next_member_paged=False)
        if not (update.newly_failed and update.purpose == outbox.Purpose.PAGE.value):
            return StatusOutcome(known=True, next_member_paged=False)
        why = f"Twilio reported the page {delivery_status}" + (
            f" (error {error_code})" if error_code else ""
        )
        escalation.page_failed(session, rt.settings, update.message_id, now, why)
    return StatusOutcome(known=True, next_member_paged=True)


# --- words ----------------------------------------------------------------------------------


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
