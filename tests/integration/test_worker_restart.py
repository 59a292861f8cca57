"""The worker killed and restarted mid-escalation: nothing lost, nothing sent twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.db.migrate import upgrade
from bot.db.session import unit_of_work
from bot.runtime import build_runtime, utc_now
from bot.services import enrolment, escalation
from tests.services.test_escalation import FN
from tests.support.fake_twilio import FakeTwilio

pytestmark = pytest.mark.integration

PATIENT, PRIMARY, BACKUP = "+16175550101", "+16175550190", "+16175550191"
NADIR = str(Path(sys.executable).with_name("nadir"))


def _start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [NADIR, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _wait(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_killing_the_worker_mid_escalation_loses_nothing_and_doubles_nothing(
    tmp_path: Path,
) -> None:
    with FakeTwilio() as fake:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'nadir.db'}",
            "NADIR_DATA_DIR": str(tmp_path),
            "TWILIO_ACCOUNT_SID": fake.account_sid,
            "TWILIO_AUTH_TOKEN": fake.auth_token,
            "TWILIO_NUMBER": "+16175550000",
            "TWILIO_API_URL": fake.base_url,
        }
        rt = build_runtime(load_settings(env))
        upgrade(rt.engine)
        # the page was opened almost a full acknowledgement window ago: the backup is due in 4 s
        opened = utc_now() - timedelta(minutes=rt.settings.ack_minutes) + timedelta(seconds=4)
        with unit_of_work(rt.sessions) as session:
            enrolment.add_team_member(
                session, name="Dana Reyes", phone=PRIMARY, role=enrolment.Role.PRIMARY, now=opened
            )
            enrolment.add_team_member(
                session, name="Lee Chen", phone=BACKUP, role=enrolment.Role.BACKUP, now=opened
            )
            enrolment.add_patient(session, name="Alex Morgan", phone=PATIENT, now=opened)
        with unit_of_work(rt.sessions) as session:
            caller = enrolment.identify(session, PATIENT)
            assert escalation.escalate(session, rt.settings, caller, FN, opened)

        worker = _start_worker(env)
        _wait(lambda: any(m["to"] == PRIMARY for m in fake.messages))
        worker.send_signal(signal.SIGKILL)  # no clean shutdown
        worker.wait()

        worker = _start_worker(env)
        _wait(lambda: any(m["to"] == BACKUP for m in fake.messages))
        _wait(lambda: any(m["to"] == PATIENT for m in fake.messages))
        worker.send_signal(signal.SIGKILL)
        worker.wait()

        worker = _start_worker(env)  # a third start must find nothing left to do
        time.sleep(3)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0, worker.stderr.read().decode() if worker.stderr else ""

        recipients = sorted(m["to"] for m in fake.messages)
        assert recipients == sorted([PRIMARY, BACKUP, PATIENT]), fake.messages
        (notice,) = [m for m in fake.messages if m["to"] == PATIENT]
        assert "emergency department" in notice["body"]
        rt.engine.dispose()
