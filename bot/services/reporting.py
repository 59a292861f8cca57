"""Recording temperatures, symptoms and fever reducers, and assessing the patient after each one.

A complete fact (a valid temperature, a symptom) is stored and assessed the moment it arrives:
Nadir never holds a reading back until a follow-up question is answered, because the antibiotic
clock is already running. Values that need checking are not stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.clinical.model import (
    AncResult,
    Assessment,
    ClinicalHistory,
    FeverReducer,
    FeverReducerDose,
    FeverReducerMention,
    ParsedTemperature,
    PatientContext,
    Reading,
    Reporter,
    Site,
    SymptomCode,
    SymptomEvent,
    SymptomMention,
    TeamThresholds,
)
from bot.clinical.profiles import RuleProfile
from bot.clinical.report import ParsedReport
from bot.clinical.rules import assess
from bot.db.models import FeverReducerRow, Patient, SymptomReportRow, TemperatureReadingRow
from bot.services.enrolment import Caller, CallerKind


@dataclass(frozen=True)
class ReportResult:
    """What one message added to the record, and how the patient now stands."""

    readings: tuple[ParsedTemperature, ...] = ()
    rejected: tuple[ParsedTemperature, ...] = ()  # implausible or ambiguous: ask to check
    symptoms: tuple[SymptomMention, ...] = ()
    fever_reducers: tuple[FeverReducerMention, ...] = ()
    says_no_symptoms: bool = False
    caregiver_concern: bool = False
    team: TeamThresholds | None = None  # quoted from the team's own instructions
    assessment: Assessment | None = None
    patient_id: int | None = None
    reporter: Reporter = Reporter.PATIENT

    @property
    def stored_anything(self) -> bool:
        return bool(self.readings or self.symptoms or self.fever_reducers)


def reporter_of(caller: Caller) -> Reporter:
    return Reporter.CAREGIVER if caller.kind is CallerKind.CAREGIVER else Reporter.PATIENT


def store_report(
    session: Session,
    *,
    caller: Caller,
    parsed: ParsedReport,
    text: str,
    now: datetime,
    profile: RuleProfile,
) -> ReportResult:
    """Store what `parsed` found for the caller's patient, then assess the patient."""
    patient = caller.patient
    if patient is None:
        raise ValueError("only a patient or a linked caregiver can store a report")
    reporter = reporter_of(caller)
    raw = text[:1000]
    common = {
        "patient_id": patient.id,
        "reporter": reporter.value,
        "reporter_phone": caller.phone,
        "recorded_at": now,
    }
    for reading in parsed.readings:
        session.add(
            TemperatureReadingRow(
                raw_text=reading.raw[:1000] or raw,
                celsius=reading.celsius,
                value_given=reading.value,
                unit_given=reading.unit_given,
                site=reading.site.value if reading.site else None,
                measured_at=min(reading.measured_at, now),
                after_warming=reading.after_warming,
                **common,
            )
        )
    for symptom in parsed.symptoms:
        session.add(
            SymptomReportRow(
                raw_text=symptom.raw[:1000] or raw,
                code=symptom.code.value,
                count=symptom.count,
                red_flag=symptom.red_flag,
                occurred_at=min(symptom.occurred_at, now),
                onset_at=min(symptom.onset_at, now) if symptom.onset_at else None,
                **common,
            )
        )
    for dose in parsed.fever_reducers:
        session.add(
            FeverReducerRow(
                raw_text=dose.raw[:1000] or raw,
                medicine=dose.medicine.value,
                taken_at=min(dose.taken_at, now),
                scheduled=dose.scheduled,
                **common,
            )
        )
    session.flush()
    result = ReportResult(
        readings=parsed.readings,
        rejected=parsed.rejected,
        symptoms=parsed.symptoms,
        fever_reducers=parsed.fever_reducers,
        says_no_symptoms=parsed.says_no_symptoms,
        caregiver_concern=parsed.caregiver_concern,
        team=parsed.team,
        patient_id=patient.id,
        reporter=reporter,
    )
    if not (result.stored_anything or result.caregiver_concern or result.team is not None):
        return result
    assessment = assess_patient(
        session,
        patient,
        now,
        profile,
        latest_reporter=reporter,
        caregiver_concern=parsed.caregiver_concern,
        team=parsed.team,
        still_raised=parsed.still_raised,
    )
    return replace(result, assessment=assessment)


def patient_context(patient: Patient) -> PatientContext:
    return PatientContext(
        chemo_dates=tuple(dose.given_on for dose in patient.chemo_doses),
        anc_results=tuple(AncResult(row.value, row.measured_at) for row in patient.anc_results),
    )


def load_history(
    session: Session,
    patient: Patient,
    now: datetime,
    profile: RuleProfile,
    *,
    latest_reporter: Reporter = Reporter.PATIENT,
    caregiver_concern: bool = False,
    team: TeamThresholds | None = None,
    still_raised: bool = False,
) -> ClinicalHistory:
    """What the rules look at: the profile's window, and raised readings reported recently."""
    since = now - timedelta(hours=profile.history_window_hours)
    reported_hold_hours = profile.reported_fever_hold_hours

    def rows(model: type, time_column: object) -> Iterable:
        return session.execute(
            select(model)
            .where(model.patient_id == patient.id, time_column >= since)  # type: ignore[attr-defined]
            .order_by(time_column, model.id)  # type: ignore[attr-defined]
        ).scalars()

    # raised readings reported recently but taken before the window stay in view (R6)
    reported_since = now - timedelta(hours=reported_hold_hours)
    reading_rows = session.execute(
        select(TemperatureReadingRow)
        .where(
            TemperatureReadingRow.patient_id == patient.id,
            or_(
                TemperatureReadingRow.measured_at >= since,
                TemperatureReadingRow.recorded_at >= reported_since,
            ),
        )
        .order_by(TemperatureReadingRow.measured_at, TemperatureReadingRow.id)
    ).scalars()
    readings = tuple(
        Reading(
            celsius=row.celsius,
            measured_at=row.measured_at,
            site=Site(row.site) if row.site else None,
            reporter=Reporter(row.reporter),
            reported_at=row.recorded_at,
            after_warming=row.after_warming,
        )
        for row in reading_rows
    )
    symptoms = tuple(
        SymptomEvent(
            code=SymptomCode(row.code),
            occurred_at=row.occurred_at,
            count=row.count,
            red_flag=row.red_flag,
            reporter=Reporter(row.reporter),
            onset_at=row.onset_at,
        )
        for row in rows(SymptomReportRow, SymptomReportRow.occurred_at)
    )
    reducers = tuple(
        FeverReducerDose(
            medicine=FeverReducer(row.medicine), taken_at=row.taken_at, scheduled=row.scheduled
        )
        for row in rows(FeverReducerRow, FeverReducerRow.taken_at)
    )
    return ClinicalHistory(
        readings=readings,
        symptoms=symptoms,
        fever_reducers=reducers,
        latest_reporter=latest_reporter,
        caregiver_concern=caregiver_concern,
        team=team,
        still_raised=still_raised,
    )


def assess_patient(
    session: Session,
    patient: Patient,
    now: datetime,
    profile: RuleProfile,
    *,
    latest_reporter: Reporter = Reporter.PATIENT,
    caregiver_concern: bool = False,
    team: TeamThresholds | None = None,
    still_raised: bool = False,
) -> Assessment:
    """Run the rules over everything reported within the profile's window."""
    history = load_history(
        session,
        patient,
        now,
        profile,
        latest_reporter=latest_reporter,
        caregiver_concern=caregiver_concern,
        team=team,
        still_raised=still_raised,
    )
    return assess(patient_context(patient), history, now, profile)


def readings_and_symptoms(session: Session, patient: Patient) -> list[dict]:
    """Every reading, symptom and fever reducer for a patient, newest first (for `nadir readings`)."""

    def rows(model: type) -> Iterable:
        return session.execute(select(model).where(model.patient_id == patient.id)).scalars()  # type: ignore[attr-defined]

    def item(kind: str, row: object, at: datetime, **fields: object) -> dict:
        return {
            "kind": kind,
            "at": at,
            **fields,
            "reporter": row.reporter,  # type: ignore[attr-defined]
            "reporter_phone": row.reporter_phone,  # type: ignore[attr-defined]
            "raw_text": row.raw_text,  # type: ignore[attr-defined]
            "recorded_at": row.recorded_at,  # type: ignore[attr-defined]
        }

    items = [
        item(
            "temperature",
            r,
            r.measured_at,
            celsius=round(r.celsius, 2),
            value_given=r.value_given,
            unit_given=r.unit_given,
            site=r.site,
        )
        for r in rows(TemperatureReadingRow)
    ]
    items += [
        item(
            "symptom",
            r,
            r.occurred_at,
            code=r.code,
            count=r.count,
            red_flag=r.red_flag,
            onset_at=r.onset_at,
        )
        for r in rows(SymptomReportRow)
    ]
    items += [
        item("fever_reducer", r, r.taken_at, medicine=r.medicine) for r in rows(FeverReducerRow)
    ]
    items.sort(key=lambda entry: (entry["at"], entry["recorded_at"]), reverse=True)
    return items
