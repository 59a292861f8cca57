"""The outbox honours STOP: which purposes are held for an opted-out number; the caregiver
consent columns arrive by migration with existing caregivers opted in."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select, text

from bot.db.migrate import alembic_config
from bot.db.models import Caregiver, Patient
from bot.db.session import make_engine, unit_of_work
from bot.runtime import Runtime, utc_now
from bot.sms import outbox
from tests.conftest import CAREGIVER_PHONE, PATIENT_PHONE, PRIMARY_PHONE, STRANGER_PHONE


def _opt_out(rt: Runtime, model: type, phone: str) -> None:
    with unit_of_work(rt.sessions) as session:
        person = session.execute(select(model).where(model.phone == phone)).scalar_one()
        person.opted_out, person.opted_out_at = True, utc_now()


def _status_of(rt: Runtime, to: str, purpose: outbox.Purpose) -> str:
    with unit_of_work(rt.sessions) as session:
        return outbox.enqueue(session, to=to, body="x", purpose=purpose, now=utc_now()).status


@pytest.mark.parametrize(
    ("purpose", "expected"),
    [
        (outbox.Purpose.REPLY, "suppressed"),
        (outbox.Purpose.RECHECK, "suppressed"),
        (outbox.Purpose.URGENT_REPLY, "pending"),
        (outbox.Purpose.PATIENT_NOTICE, "pending"),
        (outbox.Purpose.CONSENT, "pending"),
    ],
)
@pytest.mark.parametrize(
    ("model", "phone"), [(Patient, PATIENT_PHONE), (Caregiver, CAREGIVER_PHONE)]
)
def test_only_routine_messages_to_an_opted_out_number_are_held(
    enrolled: Runtime, purpose: outbox.Purpose, expected: str, model: type, phone: str
) -> None:
    _opt_out(enrolled, model, phone)

    assert _status_of(enrolled, phone, purpose) == expected


def test_numbers_that_did_not_opt_out_get_everything(enrolled: Runtime) -> None:
    _opt_out(enrolled, Patient, PATIENT_PHONE)

    for phone in (CAREGIVER_PHONE, PRIMARY_PHONE, STRANGER_PHONE):
        assert _status_of(enrolled, phone, outbox.Purpose.REPLY) == "pending"


def test_a_held_message_is_never_delivered(enrolled: Runtime) -> None:
    _opt_out(enrolled, Patient, PATIENT_PHONE)
    with unit_of_work(enrolled.sessions) as session:
        held = outbox.enqueue(
            session,
            to=PATIENT_PHONE,
            body="x",
            purpose=outbox.Purpose.REPLY,
            now=utc_now(),
            claim=True,
        )
        claim = outbox.Claimed.of(held)

    later = outbox.deliver_due(enrolled.sessions, enrolled.gateway, utc_now, recorded_only=True)

    assert claim is None and later == []


def test_existing_caregivers_are_opted_in_after_the_consent_migration(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO patients (id, phone, name, opted_out, created_at) "
                "VALUES (1, '+16175550101', 'Alex Morgan', 0, '2026-11-01 10:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO caregivers (id, phone, name, patient_id, created_at) "
                "VALUES (1, '+16175550102', 'Sam Morgan', 1, '2026-11-01 10:00:00')"
            )
        )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        row = connection.execute(text("SELECT opted_out, opted_out_at FROM caregivers")).one()
    assert tuple(row) == (0, None)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
        columns = [c[1] for c in connection.execute(text("PRAGMA table_info(caregivers)"))]
    assert "opted_out" not in columns
    engine.dispose()
