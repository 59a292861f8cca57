"""SQLAlchemy models (1.4, written in 2.0 style). The schema itself is owned by Alembic."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import declarative_base, relationship

# Stable constraint names so migrations work the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base = declarative_base(metadata=metadata)


class UtcDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: SQLite keeps no zone, PostgreSQL gets the same values."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class CareTeamMember(Base):
    __tablename__ = "care_team_members"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    phone = Column(String(20), nullable=False, unique=True)
    role = Column(String(10), nullable=False)  # "primary" | "backup"
    # paging order: the primary first, then backups in the order they were added
    position = Column(Integer, nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UtcDateTime, nullable=False)


class Patient(Base):
    __tablename__ = "patients"

    id = Column(Integer, primary_key=True)
    phone = Column(String(20), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    birth_year = Column(Integer, nullable=True)
    opted_out = Column(Boolean, nullable=False, default=False)
    opted_out_at = Column(UtcDateTime, nullable=True)
    created_at = Column(UtcDateTime, nullable=False)

    chemo_doses = relationship("ChemoDose", back_populates="patient", order_by="ChemoDose.given_on")
    anc_results = relationship(
        "AncResultRow", back_populates="patient", order_by="AncResultRow.measured_at"
    )
    caregivers = relationship("Caregiver", back_populates="patient")


class ChemoDose(Base):
    __tablename__ = "chemo_doses"
    __table_args__ = (
        UniqueConstraint("patient_id", "given_on", name="uq_chemo_doses_patient_day"),
    )

    id = Column(Integer, primary_key=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False, index=True)
    given_on = Column(Date, nullable=False)
    recorded_at = Column(UtcDateTime, nullable=False)

    patient = relationship("Patient", back_populates="chemo_doses")


class AncResultRow(Base):
    __tablename__ = "anc_results"

    id = Column(Integer, primary_key=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False, index=True)
    value = Column(Float, nullable=False)  # 10^9/L
    measured_at = Column(UtcDateTime, nullable=False)
    recorded_at = Column(UtcDateTime, nullable=False)

    patient = relationship("Patient", back_populates="anc_results")


class Caregiver(Base):
    __tablename__ = "caregivers"

    id = Column(Integer, primary_key=True)
    # one patient per caregiver number, so an inbound text always has one meaning
    phone = Column(String(20), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False, index=True)
    created_at = Column(UtcDateTime, nullable=False)
    # texted STOP: no more non-urgent messages to this number until START
    opted_out = Column(Boolean, nullable=False, default=False, server_default=false())
    opted_out_at = Column(UtcDateTime, nullable=True)

    patient = relationship("Patient", back_populates="caregivers")


class InboundMessage(Base):
    """Every text received, once: MessageSid is unique so a redelivery is processed once."""

    __tablename__ = "inbound_messages"

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=True, unique=True)
    phone = Column(String(20), nullable=False, index=True)
    body = Column(Text, nullable=False)
    received_at = Column(UtcDateTime, nullable=False)


class _ReportColumns:
    """Who reported what, and from which text: shared by every kind of report."""

    raw_text = Column(Text, nullable=False)
    reporter = Column(String(10), nullable=False)  # "patient" | "caregiver"
    reporter_phone = Column(String(20), nullable=False)
    recorded_at = Column(UtcDateTime, nullable=False)


class TemperatureReadingRow(_ReportColumns, Base):
    __tablename__ = "temperature_readings"

    id = Column(Integer, primary_key=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False, index=True)
    celsius = Column(Float, nullable=False)
    value_given = Column(Float, nullable=False)
    unit_given = Column(String(1), nullable=True)  # "C" | "F" | None (inferred)
    site = Column(String(10), nullable=True)
    measured_at = Column(UtcDateTime, nullable=False, index=True)
    # just after a hot drink, food, exercise or a hot bath (clinical-anchors §4)
    after_warming = Column(Boolean, nullable=False, default=False, server_default=false())


class SymptomReportRow(_ReportColumns, Base):
    __tablename__ = "symptom_reports"

    id = Column(Integer, primary_key=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False, index=True)
    code = Column(String(30), nullable=False)
    count = Column(Integer, nullable=True)
    red_flag = Column(Boolean, nullable=False, default=False)
    occurred_at = Column(UtcDateTime, nullable=False, index=True)  # when present: report time
    onset_at = Column(UtcDateTime, nullable=True)  # when it began, if the report said


class FeverReducerRow(_ReportColumns, Base):
    __tablename__ = "fever_reducer_doses"

    id = Column(Integer, primary_key=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False, index=True)
    medicine = Column(String(20), nullable=False)
    taken_at = Column(UtcDateTime, nullable=False)
    scheduled = Column(Boolean, nullable=False, default=False, server_default=false())


class OutboundMessage(Base):
    """The outbox: every SMS Nadir sends is written here first, then delivered by the worker."""

    __tablename__ = "outbound_messages"

    id = Column(Integer, primary_key=True)
    to_phone = Column(String(20), nullable=False, index=True)
    body = Column(Text, nullable=False)
    # reply | urgent_reply | page | patient_notice | recheck | consent
    purpose = Column(String(20), nullable=False)
    # pending -> sent -> delivered | undelivered | failed; "recorded" when no Twilio is configured;
    # "suppressed" when the recipient opted out and the message was not urgent
    status = Column(String(12), nullable=False, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UtcDateTime, nullable=False)
    provider_sid = Column(String(64), nullable=True, unique=True)
    last_error = Column(Text, nullable=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=True, index=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id"), nullable=True, index=True)
    member_id = Column(Integer, ForeignKey("care_team_members.id"), nullable=True)
    created_at = Column(UtcDateTime, nullable=False)
    sent_at = Column(UtcDateTime, nullable=True)
    delivery_status = Column(String(12), nullable=True)  # Twilio's last status callback
    delivery_updated_at = Column(UtcDateTime, nullable=True)


class Escalation(Base):
    """One episode of concern for a patient: opened once, acknowledged by one care-team member."""

    __tablename__ = "escalations"

    id = Column(Integer, primary_key=True)
    code = Column(String(8), nullable=False, unique=True)  # short reference quoted in ACK replies
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False, index=True)
    disposition = Column(String(10), nullable=False)  # urgent | emergency
    status = Column(String(12), nullable=False, index=True)  # open | acknowledged | closed
    criteria = Column(Text, nullable=False)  # the rules that fired, for the audit
    notify_phone = Column(String(20), nullable=False)  # who reported: the patient or a caregiver
    hop = Column(Integer, nullable=False, default=0)  # how many members have been paged
    opened_at = Column(UtcDateTime, nullable=False)
    acknowledged_at = Column(UtcDateTime, nullable=True)
    acknowledged_by_id = Column(Integer, ForeignKey("care_team_members.id"), nullable=True)
    patient_told_ed_at = Column(UtcDateTime, nullable=True)

    patient = relationship("Patient")
    acknowledged_by = relationship("CareTeamMember")
    events = relationship(
        "EscalationEvent", back_populates="escalation", order_by="EscalationEvent.id"
    )


class EscalationEvent(Base):
    """Every hop of an escalation, timestamped: the audit trail."""

    __tablename__ = "escalation_events"

    id = Column(Integer, primary_key=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id"), nullable=False, index=True)
    kind = Column(String(24), nullable=False)
    member_id = Column(Integer, ForeignKey("care_team_members.id"), nullable=True)
    outbound_message_id = Column(Integer, ForeignKey("outbound_messages.id"), nullable=True)
    detail = Column(Text, nullable=True)
    at = Column(UtcDateTime, nullable=False)

    escalation = relationship("Escalation", back_populates="events")
    member = relationship("CareTeamMember")


class ScheduledJob(Base):
    """Work due later (a backup page, a recheck reminder), kept in the database to survive restarts."""

    __tablename__ = "scheduled_jobs"

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)  # ack_timeout | recheck | recheck_follow_up
    run_at = Column(UtcDateTime, nullable=False, index=True)
    status = Column(String(10), nullable=False, index=True)  # pending | running | done | cancelled
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=True, index=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id"), nullable=True, index=True)
    # ack_timeout: the hop it guards; recheck_follow_up: the reminders sent so far
    hop = Column(Integer, nullable=True)
    notify_phone = Column(String(20), nullable=True)
    created_at = Column(UtcDateTime, nullable=False)
    done_at = Column(UtcDateTime, nullable=True)
