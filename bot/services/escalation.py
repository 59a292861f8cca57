"""Paging the care team, acknowledgement, backups, rechecks: the closed loop of an escalation.

One escalation per episode: a further qualifying report while one is open is added to it rather
than paging again. The primary on-call member is paged at once; if nobody acknowledges within
the window, the patient is told to go to the emergency department and the next backup is paged,
and so on down the list (and round again) until someone acknowledges. Every hop is an event.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clinical.anc import deciding_anc
from bot.clinical.model import Assessment, Disposition, FiredRule, Reporter
from bot.clinical.page import (
    PageFacts,
    acknowledged_notice,
    care_team_page,
    clock_time,
    no_answer_notice,
    readings_that_met,
    recheck_reminder,
    second_recheck_reminder,
    team_will_call_after_silence,
)
from bot.clinical.profiles import RuleProfile
from bot.clinical.recheck import FollowUp, next_recheck_step
from bot.config import Settings
from bot.db.models import (
    CareTeamMember,
    Escalation,
    EscalationEvent,
    OutboundMessage,
    Patient,
    ScheduledJob,
    TemperatureReadingRow,
)
from bot.db.session import unit_of_work
from bot.runtime import Runtime, utc_now
from bot.services.enrolment import Caller, CallerKind, identify, paging_order
from bot.services.reporting import assess_patient, load_history, patient_context
from bot.sms import outbox

OPEN_STATUSES = ("open", "acknowledged")
# rules whose criteria are symptoms (red flags, infection signs, feeling unwell, fever reducers)
SYMPTOM_RULES = frozenset({"R1", "R7", "R8", "R9", "R10", "R12"})
# An acknowledged episode ends this long after acknowledgement: a qualifying report after that
# is a new episode and pages afresh. Until then, new reports go to the member who took it.
EPISODE_HOURS_AFTER_ACK = 24
MAX_PAGING_ROUNDS = 3  # down the whole list this many times before giving up on paging
_CODE_ALPHABET = (
    "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O or 1/I/L: read aloud and typed on phones
)


def _event(
    session: Session,
    escalation: Escalation,
    kind: str,
    now: datetime,
    *,
    member: CareTeamMember | None = None,
    message: OutboundMessage | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        EscalationEvent(
            escalation_id=escalation.id,
            kind=kind,
            member_id=member.id if member else None,
            outbound_message_id=message.id if message else None,
            detail=detail,
            at=now,
        )
    )


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(3))
        if session.execute(select(Escalation.id).where(Escalation.code == code)).first() is None:
            return code


def open_escalation(session: Session, patient_id: int) -> Escalation | None:
    return session.execute(
        select(Escalation)
        .where(Escalation.patient_id == patient_id, Escalation.status.in_(OPEN_STATUSES))
        .order_by(Escalation.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _page_facts(
    session: Session,
    escalation: Escalation,
    assessment_rules: tuple[FiredRule, ...],
    now: datetime,
    profile: RuleProfile,
) -> PageFacts:
    """What the page says, from the same view of the record the rules took."""
    patient: Patient = escalation.patient
    history = load_history(session, patient, now, profile)
    context = patient_context(patient)
    reporter = Reporter.PATIENT if escalation.notify_phone == patient.phone else Reporter.CAREGIVER
    return PageFacts(
        code=escalation.code,
        disposition=Disposition(escalation.disposition),
        patient_name=patient.name,
        callback_phone=escalation.notify_phone,
        reporter=reporter,
        fired=assessment_rules,
        criteria_readings=readings_that_met(history.readings, assessment_rules, profile),
        latest_reading=history.readings[-1] if history.readings else None,
        # symptoms only when they are part of the criteria met: nothing more of their health
        symptoms=history.symptoms
        if any(rule.rule in SYMPTOM_RULES for rule in assessment_rules)
        else (),
        last_chemo=max(context.chemo_dates, default=None),
        anc=deciding_anc(context.anc_results, now, profile),
    )


def _queue_page(
    session: Session, escalation: Escalation, member: CareTeamMember, body: str, now: datetime
) -> OutboundMessage:
    message = outbox.enqueue(
        session,
        to=member.phone,
        body=body,
        purpose=outbox.Purpose.PAGE,
        now=now,
        patient_id=escalation.patient_id,
    )
    message.escalation_id = escalation.id
    message.member_id = member.id
    return message


def _page_member(
    session: Session,
    settings: Settings,
    escalation: Escalation,
    member: CareTeamMember,
    body: str,
    kind: str,
    now: datetime,
) -> None:
    message = _queue_page(session, escalation, member, body, now)
    escalation.hop += 1
    _event(session, escalation, kind, now, member=member, message=message)
    session.add(
        ScheduledJob(
            kind="ack_timeout",
            run_at=now + timedelta(minutes=settings.ack_minutes),
            status="pending",
            patient_id=escalation.patient_id,
            escalation_id=escalation.id,
            hop=escalation.hop,
            created_at=now,
        )
    )


def _rules_of(escalation: Escalation) -> tuple[FiredRule, ...]:
    fired = []
    for line in escalation.criteria.splitlines():
        rule, _, reason = line.partition(": ")
        if rule:
            fired.append(
                FiredRule(rule=rule, disposition=Disposition(escalation.disposition), reason=reason)
            )
    return tuple(fired)


def escalate(
    session: Session,
    settings: Settings,
    caller: Caller,
    assessment: Assessment,
    now: datetime,
    *,
    patient_told: str = "instructions for now sent in the reply",
) -> bool:
    """Open (or add to) the patient's escalation and page; True when the care team has been paged."""
    patient = caller.patient
    assert patient is not None and assessment.pages_care_team
    criteria = "\n".join(f"{rule.rule}: {rule.reason}" for rule in assessment.fired)
    current = open_escalation(session, patient.id)
    if current is not None and _episode_over(current, now):
        _close(session, current, now, "episode ended 24 h after acknowledgement")
        current = None
    if current is not None:
        _add_report(session, settings, current, assessment, criteria, now)
        return current.hop > 0  # the team has been paged for this episode
    order = paging_order(session)
    escalation = Escalation(
        code=_new_code(session),
        patient_id=patient.id,
        disposition=assessment.disposition.value,
        status="open",
        criteria=criteria,
        notify_phone=caller.phone,
        hop=0,
        opened_at=now,
    )
    session.add(escalation)
    session.flush()
    reporter = "caregiver" if caller.kind is CallerKind.CAREGIVER else "patient"
    _event(session, escalation, "opened", now, detail=f"reported by {reporter}\n{criteria}")
    if not order:
        _event(session, escalation, "no_care_team", now, detail="nobody is enrolled to page")
        return False
    facts = _page_facts(session, escalation, assessment.fired, now, settings.profile)
    _page_member(
        session,
        settings,
        escalation,
        order[0],
        care_team_page(facts, now, settings.timezone),
        "paged",
        now,
    )
    _event(session, escalation, "patient_told", now, detail=patient_told)
    return True


def act_on(
    session: Session,
    settings: Settings,
    caller: Caller,
    assessment: Assessment | None,
    now: datetime,
) -> bool:
    """Page the team, or book the recheck reminder; True when the team has been paged."""
    if assessment is None or caller.patient is None:
        return False
    if assessment.pages_care_team:
        return escalate(session, settings, caller, assessment, now)
    if assessment.recheck_after_minutes:
        schedule_recheck(
            session, caller.patient.id, caller.phone, assessment.recheck_after_minutes, now
        )
    return False


def _episode_over(escalation: Escalation, now: datetime) -> bool:
    return (
        escalation.status == "acknowledged"
        and escalation.acknowledged_at is not None
        and now - escalation.acknowledged_at >= timedelta(hours=EPISODE_HOURS_AFTER_ACK)
    )


def _close(
    session: Session,
    escalation: Escalation,
    now: datetime,
    why: str,
    member: CareTeamMember | None = None,
) -> None:
    escalation.status = "closed"
    _cancel_jobs(session, escalation, now)
    _event(session, escalation, "closed", now, member=member, detail=why)


def _add_report(
    session: Session,
    settings: Settings,
    escalation: Escalation,
    assessment: Assessment,
    criteria: str,
    now: datetime,
) -> None:
    """A further qualifying report joins the open episode: no new page storm, but no silence either.

    While unacknowledged, the member being paged gets an update only when the urgency rises (the
    backup chain is already running). Once acknowledged, the member who took it gets every update.
    """
    _event(session, escalation, "report_added", now, detail=criteria)
    upgraded = assessment.disposition.rank > Disposition(escalation.disposition).rank
    if upgraded:
        escalation.disposition = assessment.disposition.value
        escalation.criteria = criteria
    if escalation.status == "acknowledged":
        member = escalation.acknowledged_by
    elif upgraded:
        member = _last_paged_member(session, escalation)
    else:
        member = None
    if member is None:
        return
    facts = _page_facts(session, escalation, assessment.fired, now, settings.profile)
    body = care_team_page(facts, now, settings.timezone, update=True)
    message = _queue_page(session, escalation, member, body, now)
    _event(session, escalation, "update_paged", now, member=member, message=message)


def _last_paged_member(session: Session, escalation: Escalation) -> CareTeamMember | None:
    event = session.execute(
        select(EscalationEvent)
        .where(
            EscalationEvent.escalation_id == escalation.id,
            EscalationEvent.kind.in_(("paged", "backup_paged")),
        )
        .order_by(EscalationEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return event.member if event else None


def _cancel_jobs(session: Session, escalation: Escalation, now: datetime) -> None:
    session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.escalation_id == escalation.id, ScheduledJob.status == "pending")
        .values(status="cancelled", done_at=now)
    )


def _page_next(
    session: Session, settings: Settings, escalation: Escalation, now: datetime, why: str
) -> bool:
    """Page the next member in order; False when every round has been used."""
    order = paging_order(session)
    if not order or escalation.hop >= len(order) * MAX_PAGING_ROUNDS:
        _event(session, escalation, "paging_exhausted", now, detail=why)
        return False
    member = order[escalation.hop % len(order)]
    facts = _page_facts(session, escalation, _rules_of(escalation), now, settings.profile)
    body = care_team_page(facts, now, settings.timezone)
    _page_member(session, settings, escalation, member, body, "backup_paged", now)
    _event(session, escalation, "page_reason", now, member=member, detail=why)
    return True


def _tell_patient_go_to_ed(
    session: Session, settings: Settings, escalation: Escalation, now: datetime
) -> None:
    if escalation.patient_told_ed_at is not None:
        return
    message = outbox.enqueue(
        session,
        to=escalation.notify_phone,
        body=no_answer_notice(settings.clinic),
        purpose=outbox.Purpose.PATIENT_NOTICE,
        now=now,
        patient_id=escalation.patient_id,
    )
    message.escalation_id = escalation.id
    escalation.patient_told_ed_at = now
    _event(session, escalation, "patient_told_go_to_ed", now, message=message)


# --- care-team commands -------------------------------------------------------------------


def _paged_open_for(session: Session, member: CareTeamMember) -> list[Escalation]:
    paged_ids = select(EscalationEvent.escalation_id).where(
        EscalationEvent.member_id == member.id, EscalationEvent.kind.in_(("paged", "backup_paged"))
    )
    return list(
        session.execute(
            select(Escalation)
            .where(Escalation.id.in_(paged_ids), Escalation.status == "open")
            .order_by(Escalation.opened_at)
        ).scalars()
    )


def handle_care_team_text(
    session: Session, settings: Settings, member: CareTeamMember, text: str, now: datetime
) -> str:
    """ACK <code>, "1" (when one escalation is open for them), or STATUS."""
    words = " ".join(text.split()).strip()
    upper = words.upper()
    if upper in {"STATUS", "LIST", "OPEN"}:
        return _status(session, now)
    if upper in {"HELP", "?"}:
        return (
            "Care-team commands: ACK <code> to take an alert, 1 when only one is open for you, "
            "STATUS to list open alerts, CLOSE <code> when the episode is dealt with."
        )
    closing = re.fullmatch(r"(?:CLOSE|DONE|RESOLVED?)\s*#?\s*([A-Z0-9]{3})\.?", upper)
    if closing:
        return close_by_member(session, member, closing.group(1), now)
    mine = _paged_open_for(session, member)
    code: str | None = None
    match = re.fullmatch(r"(?:ACK(?:NOWLEDGED?)?\s*#?\s*)([A-Z0-9]{3})\.?", upper)
    if match:
        code = match.group(1)
    elif upper in {"1", "ACK", "OK", "YES"}:
        if len(mine) == 1:
            code = mine[0].code
        elif not mine:
            return "You have no open alerts to acknowledge. Text STATUS to see all open alerts."
        else:
            listing = ", ".join(f"{e.code} ({e.patient.name})" for e in mine)
            return f"You have {len(mine)} open alerts: {listing}. Reply ACK and the code."
    if code is None:
        return "Sorry, I didn't understand. Reply ACK and the alert code (like ACK 4F2), or STATUS."
    return acknowledge(session, settings, member, code, now)


def acknowledge(
    session: Session, settings: Settings, member: CareTeamMember, code: str, now: datetime
) -> str:
    escalation = session.execute(
        select(Escalation).where(Escalation.code == code.upper())
    ).scalar_one_or_none()
    if escalation is None:
        return f"No alert has the code {code.upper()}. Text STATUS to see open alerts."
    if escalation.status != "open":
        who = escalation.acknowledged_by.name if escalation.acknowledged_by else "someone"
        at = (
            clock_time(escalation.acknowledged_at, settings.timezone)
            if escalation.acknowledged_at
            else "earlier"
        )
        return f"Alert {escalation.code} was already acknowledged by {who} at {at}."
    escalation.status = "acknowledged"
    escalation.acknowledged_at = now
    escalation.acknowledged_by_id = member.id
    _event(session, escalation, "acknowledged", now, member=member)
    _cancel_jobs(session, escalation, now)
    notice = outbox.enqueue(
        session,
        to=escalation.notify_phone,
        body=acknowledged_notice(member.name, settings.clinic),
        purpose=outbox.Purpose.PATIENT_NOTICE,
        now=now,
        patient_id=escalation.patient_id,
    )
    notice.escalation_id = escalation.id
    _event(session, escalation, "patient_told_ack", now, message=notice)
    return (
        f"Thanks {member.name.split()[0]}. Alert {escalation.code} is yours: please call "
        f"{escalation.notify_phone} now. The patient has been told you will call."
    )


def close_by_member(session: Session, member: CareTeamMember, code: str, now: datetime) -> str:
    escalation = session.execute(
        select(Escalation).where(Escalation.code == code)
    ).scalar_one_or_none()
    if escalation is None:
        return f"No alert has the code {code}. Text STATUS to see open alerts."
    if escalation.status == "closed":
        return f"Alert {code} is already closed."
    if escalation.status == "open":
        return f"Alert {code} has not been acknowledged yet: reply ACK {code} first."
    _close(session, escalation, now, "closed by the care team", member=member)
    return f"Alert {code} is closed. A new report from {escalation.patient.name} will page the team again."


def _status(session: Session, now: datetime) -> str:
    rows = list(
        session.execute(
            select(Escalation)
            .where(Escalation.status.in_(OPEN_STATUSES))
            .order_by(Escalation.opened_at)
        ).scalars()
    )
    if not rows:
        return "No open alerts."
    parts = []
    for e in rows[:6]:
        minutes = int((now - e.opened_at).total_seconds() // 60)
        state = (
            "ACKED by " + e.acknowledged_by.name.split()[0]
            if e.status == "acknowledged"
            else "NOT ACKED"
        )
        parts.append(f"{e.code} {e.disposition} {e.patient.name} {minutes}m {state}")
    more = f" (+{len(rows) - 6} more)" if len(rows) > 6 else ""
    return "Open alerts: " + "; ".join(parts) + more


# --- jobs the worker runs -------------------------------------------------------------------


def run_due_jobs(session: Session, settings: Settings, now: datetime) -> int:
    """Run every scheduled job that is due; returns how many ran."""
    jobs = list(
        session.execute(
            select(ScheduledJob)
            .where(ScheduledJob.status == "pending", ScheduledJob.run_at <= now)
            .order_by(ScheduledJob.run_at, ScheduledJob.id)
            .limit(100)
        ).scalars()
    )
    ran = 0
    for job in jobs:
        # claim atomically so two workers never run the same job
        claimed = session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.id == job.id, ScheduledJob.status == "pending")
            .values(status="done", done_at=now)
        )
        if claimed.rowcount != 1:
            continue
        ran += 1
        if job.kind == "ack_timeout":
            _ack_timeout(session, settings, job, now)
        elif job.kind in ("recheck", "recheck_follow_up"):
            _recheck(session, settings, job, now)
    return ran


def _ack_timeout(session: Session, settings: Settings, job: ScheduledJob, now: datetime) -> None:
    escalation = session.get(Escalation, job.escalation_id)
    if escalation is None or escalation.status != "open" or escalation.hop != job.hop:
        return  # acknowledged, or a newer page already superseded this timer
    _event(
        session,
        escalation,
        "no_ack",
        now,
        detail=f"no acknowledgement within {settings.ack_minutes} min",
    )
    _tell_patient_go_to_ed(session, settings, escalation, now)
    _page_next(session, settings, escalation, now, "no acknowledgement")


def page_failed(
    session: Session, settings: Settings, message_id: int, now: datetime, why: str
) -> None:
    """A page could not be delivered (invalid number, landline, undelivered): page the next member now."""
    message = session.get(OutboundMessage, message_id)
    if (
        message is None
        or message.escalation_id is None
        or message.purpose != outbox.Purpose.PAGE.value
    ):
        return
    escalation = session.get(Escalation, message.escalation_id)
    if escalation is None or escalation.status != "open":
        return
    member = session.get(CareTeamMember, message.member_id) if message.member_id else None
    _event(session, escalation, "page_failed", now, member=member, message=message, detail=why)
    _cancel_jobs(session, escalation, now)
    if not _page_next(session, settings, escalation, now, f"page to previous member failed: {why}"):
        _tell_patient_go_to_ed(session, settings, escalation, now)


def schedule_recheck(
    session: Session, patient_id: int, notify_phone: str, minutes: int, now: datetime
) -> None:
    """One pending recheck per patient: a newer one replaces the older and its follow-ups."""
    session.execute(
        update(ScheduledJob)
        .where(
            ScheduledJob.patient_id == patient_id,
            ScheduledJob.kind.in_(["recheck", "recheck_follow_up"]),
            ScheduledJob.status == "pending",
        )
        .values(status="cancelled", done_at=now)
    )
    session.add(
        ScheduledJob(
            kind="recheck",
            run_at=now + timedelta(minutes=minutes),
            status="pending",
            patient_id=patient_id,
            notify_phone=notify_phone,
            created_at=now,
        )
    )


def _recheck(session: Session, settings: Settings, job: ScheduledJob, now: datetime) -> None:
    """A recheck fell due, or a reminder went unanswered: remind, ask the team to call, or stop.

    Reminders to a number that texted STOP are held, but the steps go on: silence after a
    borderline fever still ends with the care team asked to call.
    """
    patient = session.get(Patient, job.patient_id)
    if patient is None:
        return
    sent = job.hop or 0  # reminders sent so far: none when the recheck first falls due
    reading_since = session.execute(
        select(TemperatureReadingRow.id).where(
            TemperatureReadingRow.patient_id == patient.id,
            TemperatureReadingRow.recorded_at > job.created_at,
        )
    ).first()
    step = next_recheck_step(
        reminders_sent=sent,
        reading_since=reading_since is not None,
        now_assessed=assess_patient(session, patient, now, settings.profile),
        max_reminders=settings.profile.recheck_reminders,
    )
    if step.action is FollowUp.REMIND:
        reminder = second_recheck_reminder if sent else recheck_reminder
        outbox.enqueue(
            session,
            to=job.notify_phone,
            body=reminder(settings.clinic),
            purpose=outbox.Purpose.RECHECK,
            now=now,
            patient_id=patient.id,
        )
        session.add(
            ScheduledJob(
                kind="recheck_follow_up",
                run_at=now + timedelta(minutes=settings.profile.recheck_follow_up_minutes),
                status="pending",
                patient_id=patient.id,
                notify_phone=job.notify_phone,
                hop=sent + 1,
                created_at=now,
            )
        )
    elif step.action is FollowUp.ASK_TEAM_TO_CALL and step.assessment is not None:
        caller = identify(session, job.notify_phone, settings.default_region)
        if caller.patient is None or caller.patient.id != patient.id:
            caller = identify(session, patient.phone, settings.default_region)
        told = "texted that the care team will call (no reading after the recheck reminders)"
        if escalate(session, settings, caller, step.assessment, now, patient_told=told):
            outbox.enqueue(
                session,
                to=caller.phone,
                body=team_will_call_after_silence(settings.clinic),
                purpose=outbox.Purpose.PATIENT_NOTICE,
                now=now,
                patient_id=patient.id,
            )


def flush_outbox(rt: Runtime) -> list[outbox.DeliveryReport]:
    """Send whatever is due (pages included) now; a page that fails for good goes to the next member."""
    callback = rt.settings.twilio.status_callback_url if rt.settings.twilio else None
    reports: list[outbox.DeliveryReport] = []
    for _ in range(MAX_PAGING_ROUNDS * 4):  # a failed page queues the next; bounded
        batch = outbox.deliver_due(
            rt.sessions,
            rt.gateway,
            utc_now,
            recorded_only=not rt.sends_real_sms,
            status_callback=callback,
        )
        reports += batch
        failed_pages = [
            r
            for r in batch
            if r.purpose == outbox.Purpose.PAGE.value and r.status is outbox.Status.FAILED
        ]
        if not failed_pages:
            break
        with unit_of_work(rt.sessions) as session:
            for report in failed_pages:
                page_failed(
                    session,
                    rt.settings,
                    report.message_id,
                    utc_now(),
                    report.result.error_code or "failed",
                )
    return reports
