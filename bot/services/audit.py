"""The escalation audit trail, as plain data for the CLI and for reports."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Escalation, OutboundMessage
from bot.services.escalation import OPEN_STATUSES


def _delivery(message: OutboundMessage | None) -> str | None:
    if message is None:
        return None
    return message.delivery_status or message.status


def escalation_log(session: Session, *, only_open: bool = False) -> list[dict]:
    query = select(Escalation).order_by(Escalation.opened_at.desc(), Escalation.id.desc())
    if only_open:
        query = query.where(Escalation.status.in_(OPEN_STATUSES))
    log = []
    for escalation in session.execute(query).scalars():
        events = []
        for event in escalation.events:
            message = (
                session.get(OutboundMessage, event.outbound_message_id)
                if event.outbound_message_id
                else None
            )
            events.append(
                {
                    "kind": event.kind,
                    "at": event.at.isoformat(),
                    "member": event.member.name if event.member else None,
                    "member_phone": event.member.phone if event.member else None,
                    "to": message.to_phone if message else None,
                    "delivery": _delivery(message),
                    "detail": event.detail,
                }
            )
        log.append(
            {
                "code": escalation.code,
                "status": escalation.status,
                "disposition": escalation.disposition,
                "patient": escalation.patient.name,
                "patient_phone": escalation.patient.phone,
                "notify_phone": escalation.notify_phone,
                "opened_at": escalation.opened_at.isoformat(),
                "acknowledged_at": escalation.acknowledged_at.isoformat()
                if escalation.acknowledged_at
                else None,
                "acknowledged_by": escalation.acknowledged_by.name
                if escalation.acknowledged_by
                else None,
                "criteria": escalation.criteria.splitlines(),
                "events": events,
            }
        )
    return log
