"""Shared fixtures: a real database (in-memory SQLite, migrated with Alembic) and a clean runtime."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot import runtime as runtime_module
from bot.conversation import knowledge_base
from bot.db.migrate import upgrade
from bot.db.session import unit_of_work
from bot.runtime import Runtime, utc_now
from bot.services import enrolment

PATIENT_PHONE = "+16175550101"
CAREGIVER_PHONE = "+16175550102"
PRIMARY_PHONE = "+16175550190"
BACKUP_PHONE = "+16175550191"
STRANGER_PHONE = "+16175550177"

_ENV_NAMES = (
    "DATABASE_URL",
    "NADIR_DATA_DIR",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_NUMBER",
    "TWILIO_API_URL",
    "TWILIO_WEBHOOK_URL",
    "TWILIO_STATUS_CALLBACK_URL",
    "NADIR_CLINIC_NAME",
    "NADIR_CLINIC_PHONE",
    "NADIR_RULE_PROFILE",
    "NADIR_ACK_MINUTES",
    "NADIR_TIMEZONE",
)


@pytest.fixture
def rt(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    """The process runtime, on a fresh in-memory database; no Twilio (outbound SMS are recorded)."""
    for name in _ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("NADIR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("NADIR_CLINIC_NAME", "Riverside Cancer Center")
    monkeypatch.setenv("NADIR_CLINIC_PHONE", "617-555-0123")
    runtime_module.runtime.cache_clear()
    current = runtime_module.runtime()
    upgrade(current.engine)
    yield current
    runtime_module.runtime.cache_clear()
    current.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _fresh_knowledge_base() -> None:
    knowledge_base.cache_clear()


def enrol_people(rt: Runtime) -> None:
    """A patient 9 days after chemotherapy, a linked caregiver, a primary nurse and a backup."""
    now = utc_now()
    with unit_of_work(rt.sessions) as session:
        enrolment.add_team_member(
            session, name="Dana Reyes", phone=PRIMARY_PHONE, role=enrolment.Role.PRIMARY, now=now
        )
        enrolment.add_team_member(
            session, name="Lee Chen", phone=BACKUP_PHONE, role=enrolment.Role.BACKUP, now=now
        )
        enrolment.add_patient(
            session,
            name="Alex Morgan",
            phone=PATIENT_PHONE,
            now=now,
            chemo_date=now.astimezone(rt.settings.timezone).date() - timedelta(days=9),
        )
        enrolment.add_caregiver(
            session, name="Sam Morgan", phone=CAREGIVER_PHONE, patient_phone=PATIENT_PHONE, now=now
        )


@pytest.fixture
def enrolled(rt: Runtime) -> Runtime:
    enrol_people(rt)
    return rt
