"""The same code on PostgreSQL: a throwaway cluster, the migrations, a report that pages, the audit."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.clinical.profiles import get_profile
from bot.clinical.report import parse_report
from bot.config import load_settings
from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_session_factory, unit_of_work
from bot.runtime import utc_now
from bot.services import enrolment, escalation
from bot.services.audit import escalation_log
from bot.services.reporting import store_report
from tests.support.stack import free_port

pytestmark = pytest.mark.integration


def _postgres_tools() -> tuple[str, str] | None:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not (initdb and pg_ctl):
        return None
    return initdb, pg_ctl


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    tools = _postgres_tools()
    if tools is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    initdb, pg_ctl = tools
    # not under pytest's private temp folder: the server's own user must be able to reach it
    base = Path(tempfile.mkdtemp(prefix="nadir-pg-"))
    data = base / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server")
        os.chown(base, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-A", "trust", "-U", "nadir"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {base} -c listen_addresses=''"
    # -l: the server must not inherit our pipes, or waiting for pg_ctl never ends
    start = [
        *run_as,
        pg_ctl,
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(base / "server.log"),
        "-w",
        "start",
    ]
    subprocess.run(
        start, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60
    )
    try:
        admin = make_engine(f"postgresql://nadir@/postgres?host={base}&port={port}")
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("CREATE DATABASE nadir"))
        admin.dispose()
        yield f"postgresql://nadir@/nadir?host={base}&port={port}"
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-m", "fast", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


def test_the_escalation_flow_runs_on_postgresql(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    settings = load_settings({"DATABASE_URL": postgres_url, "NADIR_DATA_DIR": str(Path("var"))})
    now = utc_now()
    with unit_of_work(sessions) as session:
        enrolment.add_team_member(
            session, name="Dana Reyes", phone="+16175550190", role=enrolment.Role.PRIMARY, now=now
        )
        enrolment.add_team_member(
            session, name="Lee Chen", phone="+16175550191", role=enrolment.Role.BACKUP, now=now
        )
        enrolment.add_patient(
            session,
            name="Alex Morgan",
            phone="+16175550101",
            now=now,
            chemo_date=(now - timedelta(days=9)).date(),
        )
    with unit_of_work(sessions) as session:
        caller = enrolment.identify(session, "+16175550101")
        parsed = parse_report("101.5 and shaking", now, settings.timezone)
        result = store_report(
            session,
            caller=caller,
            parsed=parsed,
            text="101.5 and shaking",
            now=now,
            profile=get_profile("default"),
        )
        assert result.assessment is not None and result.assessment.disposition.value == "emergency"
        assert escalation.act_on(session, settings, caller, result.assessment, now)
    with unit_of_work(sessions) as session:
        assert escalation.run_due_jobs(session, settings, now + timedelta(minutes=10)) == 1
    with unit_of_work(sessions) as session:
        (item,) = escalation_log(session)
    kinds = [event["kind"] for event in item["events"]]
    assert kinds[:2] == ["opened", "paged"] and "backup_paged" in kinds
    assert item["events"][1]["at"].endswith("+00:00")  # times come back as aware UTC
    engine.dispose()
