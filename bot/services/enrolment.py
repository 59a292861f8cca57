"""Enrolling care-team members, patients and caregivers, and recording chemo dates and ANC results."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import AncResultRow, Caregiver, CareTeamMember, ChemoDose, Patient
from bot.phone import normalise_phone


class EnrolmentError(ValueError):
    """A request that cannot be carried out; the message is meant for the person who asked."""


class Role(str, enum.Enum):
    PRIMARY = "primary"
    BACKUP = "backup"


def _phone_in_use(session: Session, phone: str) -> str | None:
    """Which kind of person already owns `phone`, if any: one number, one meaning."""
    for model, kind in (
        (Patient, "a patient"),
        (Caregiver, "a caregiver"),
        (CareTeamMember, "a care-team member"),
    ):
        if session.execute(select(model.id).where(model.phone == phone)).first():
            return kind
    return None


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise EnrolmentError("a name is required")
    if len(cleaned) > 120:
        raise EnrolmentError("the name is too long (120 characters at most)")
    if any(not ch.isprintable() for ch in cleaned):
        raise EnrolmentError("the name contains control characters")
    return cleaned


def add_team_member(
    session: Session, *, name: str, phone: str, role: Role, now: datetime, region: str = "US"
) -> CareTeamMember:
    number = normalise_phone(phone, region)
    owner = _phone_in_use(session, number)
    if owner:
        raise EnrolmentError(f"{number} is already enrolled as {owner}")
    if role is Role.PRIMARY:
        # the primary is paged first; backups follow in the order they were added
        session.execute(
            CareTeamMember.__table__.update()
            .where(CareTeamMember.role == Role.PRIMARY.value)
            .values(role=Role.BACKUP.value)
        )
        lowest = session.execute(select(func.min(CareTeamMember.position))).scalar()
        position = (1 if lowest is None else lowest) - 1
    else:
        highest = session.execute(select(func.max(CareTeamMember.position))).scalar()
        position = (0 if highest is None else highest) + 1
    member = CareTeamMember(
        name=_clean_name(name),
        phone=number,
        role=role.value,
        position=position,
        active=True,
        created_at=now,
    )
    session.add(member)
    session.flush()
    return member


def paging_order(session: Session) -> list[CareTeamMember]:
    """Active care-team members, primary first, then backups in the order added."""
    rows = session.execute(
        select(CareTeamMember)
        .where(CareTeamMember.active.is_(True))
        .order_by(CareTeamMember.position)
    )
    return list(rows.scalars())


def add_patient(
    session: Session,
    *,
    name: str,
    phone: str,
    now: datetime,
    chemo_date: date | None = None,
    birth_year: int | None = None,
    region: str = "US",
) -> Patient:
    number = normalise_phone(phone, region)
    owner = _phone_in_use(session, number)
    if owner:
        raise EnrolmentError(f"{number} is already enrolled as {owner}")
    if birth_year is not None and not (1900 <= birth_year <= now.year):
        raise EnrolmentError(f"birth year {birth_year} is not plausible")
    patient = Patient(
        name=_clean_name(name), phone=number, birth_year=birth_year, opted_out=False, created_at=now
    )
    session.add(patient)
    session.flush()
    if chemo_date is not None:
        record_chemo(session, patient=patient, given_on=chemo_date, now=now)
    return patient


def find_patient(session: Session, phone: str, region: str = "US") -> Patient:
    number = normalise_phone(phone, region)
    patient = session.execute(select(Patient).where(Patient.phone == number)).scalar_one_or_none()
    if patient is None:
        raise EnrolmentError(f"no patient is enrolled with {number}")
    return patient


def record_chemo(session: Session, *, patient: Patient, given_on: date, now: datetime) -> ChemoDose:
    if given_on > now.date():
        raise EnrolmentError(
            f"{given_on.isoformat()} is in the future; record a dose once it is given"
        )
    existing = session.execute(
        select(ChemoDose).where(ChemoDose.patient_id == patient.id, ChemoDose.given_on == given_on)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    dose = ChemoDose(patient_id=patient.id, given_on=given_on, recorded_at=now)
    session.add(dose)
    session.flush()
    return dose


def record_anc(
    session: Session, *, patient: Patient, value: float, measured_at: datetime, now: datetime
) -> AncResultRow:
    if measured_at > now:
        raise EnrolmentError("the ANC measurement time is in the future")
    row = AncResultRow(patient_id=patient.id, value=value, measured_at=measured_at, recorded_at=now)
    session.add(row)
    session.flush()
    return row


def add_caregiver(
    session: Session,
    *,
    name: str,
    phone: str,
    patient_phone: str,
    now: datetime,
    region: str = "US",
) -> Caregiver:
    patient = find_patient(session, patient_phone, region)
    number = normalise_phone(phone, region)
    owner = _phone_in_use(session, number)
    if owner:
        raise EnrolmentError(f"{number} is already enrolled as {owner}")
    caregiver = Caregiver(
        name=_clean_name(name), phone=number, patient_id=patient.id, created_at=now
    )
    session.add(caregiver)
    session.flush()
    return caregiver


class CallerKind(str, enum.Enum):
    PATIENT = "patient"
    CAREGIVER = "caregiver"
    CARE_TEAM = "care_team"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Caller:
    """Who is texting, decided by their phone number alone."""

    kind: CallerKind
    phone: str
    patient: Patient | None = None
    caregiver: Caregiver | None = None
    member: CareTeamMember | None = None


def identify(session: Session, phone: str, region: str = "US") -> Caller:
    try:
        number = normalise_phone(phone, region)
    except ValueError:
        return Caller(CallerKind.UNKNOWN, phone)
    patient = session.execute(select(Patient).where(Patient.phone == number)).scalar_one_or_none()
    if patient is not None:
        return Caller(CallerKind.PATIENT, number, patient=patient)
    caregiver = session.execute(
        select(Caregiver).where(Caregiver.phone == number)
    ).scalar_one_or_none()
    if caregiver is not None:
        return Caller(CallerKind.CAREGIVER, number, patient=caregiver.patient, caregiver=caregiver)
    member = session.execute(
        select(CareTeamMember).where(CareTeamMember.phone == number)
    ).scalar_one_or_none()
    if member is not None:
        return Caller(CallerKind.CARE_TEAM, number, member=member)
    return Caller(CallerKind.UNKNOWN, number)
