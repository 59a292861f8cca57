"""Starting the two systems under test, enrolling their simulated patients, reading their memory.

Nadir runs exactly as `make serve` runs it (`nadir serve`: action server, Rasa server with
Nadir's channel, worker). The baseline is Rasa's stock Twilio channel with the `rasa init`
default pipeline: our action server (the same actions, so the same answers and the same pages)
and `rasa run` started through `bench.baseline_rasa`, which only points the stock channel's
Twilio client at the fake Twilio API. Both use the same database and the same SQL tracker store.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.traffic import StampingTwilio, Webhook
from tests.support.stack import (
    NADIR,
    RunningNadir,
    child_pids,
    children_by_parent,
    free_port,
    stop_nadir,
)

ROOT = Path(__file__).resolve().parent.parent
TWILIO_NUMBER = "+16175550000"
CHEMO_DAYS_AGO = 9  # the nadir: white cells at their lowest, so any fever is an emergency


@dataclass(frozen=True)
class Population:
    primary: str
    backup: str
    regular: tuple[str, ...]  # questions and reports that must not page
    paging: tuple[str, ...]  # each sends one report that must page

    @property
    def care_team(self) -> frozenset[str]:
        return frozenset({self.primary, self.backup})


def make_population(exchange: int, regular: int, paging: int) -> Population:
    """Numbers +1 617 <exchange> NNNN: regular patients from 0000, paging ones from 5000."""
    if regular > 5000 or paging > 4990:
        raise ValueError("at most 5000 regular and 4990 paging patients per exchange")
    base = f"+1617{exchange:03d}"
    return Population(
        primary=base + "9998",
        backup=base + "9999",
        regular=tuple(f"{base}{i:04d}" for i in range(regular)),
        paging=tuple(f"{base}{5000 + i:04d}" for i in range(paging)),
    )


def base_env(work_dir: Path, twilio: StampingTwilio, database_url: str | None) -> dict[str, str]:
    """The environment both systems run in: fake Twilio, their own data dir and ports."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": "ignore",
        "DATABASE_URL": database_url or f"sqlite:///{work_dir / 'nadir.db'}",
        "NADIR_DATA_DIR": str(work_dir / "var"),
        "NADIR_CLINIC_NAME": "Riverside Cancer Center",
        "NADIR_CLINIC_PHONE": "617-555-0123",
        # no backup pages and no "go to the emergency department" notices during the run
        "NADIR_ACK_MINUTES": "240",
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_NUMBER": TWILIO_NUMBER,
        "TWILIO_API_URL": twilio.base_url,
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
    }


def enrol(env: dict[str, str], population: Population) -> frozenset[str]:
    """Migrate the database, enrol the care team and every simulated patient; returns every
    care-team number in the database (a reused PostgreSQL database may hold earlier ones)."""
    from bot.config import load_settings
    from bot.db.migrate import upgrade
    from bot.db.session import unit_of_work
    from bot.runtime import build_runtime
    from bot.services import enrolment

    settings = load_settings(env)
    rt = build_runtime(settings)
    try:
        upgrade(rt.engine)
        now = datetime.now(settings.timezone)
        chemo = now.date() - timedelta(days=CHEMO_DAYS_AGO)
        with unit_of_work(rt.sessions) as session:
            enrolment.add_team_member(
                session,
                name="Dana Reyes",
                phone=population.primary,
                role=enrolment.Role.PRIMARY,
                now=now,
            )
            enrolment.add_team_member(
                session,
                name="Lee Chen",
                phone=population.backup,
                role=enrolment.Role.BACKUP,
                now=now,
            )
            for number, phone in enumerate(population.regular + population.paging):
                enrolment.add_patient(
                    session,
                    name=f"Bench Patient {number}",
                    phone=phone,
                    now=now,
                    chemo_date=chemo,
                )
            return frozenset(member.phone for member in enrolment.paging_order(session))
    finally:
        rt.engine.dispose()


@dataclass
class System:
    """A running system under test."""

    name: str
    webhook: Webhook
    processes: dict[str, int]  # role -> pid, for peak memory
    start_seconds: float  # first process spawned -> webhook answering
    log_path: Path
    stop: Callable[[], int | None]  # stops every process; the exit status of the last

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_nadir(work_dir: Path, twilio: StampingTwilio, env: dict[str, str]) -> System:
    """`nadir serve`, as tests/support/stack.py starts it, with our timestamping fake Twilio."""
    log_path = work_dir / "serve.log"
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [NADIR, "serve"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    running = RunningNadir(env, process, twilio, int(env["RASA_PORT"]), log_path)
    deadline = time.monotonic() + 240
    while b"Nadir is serving" not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_nadir(running)
            raise RuntimeError(f"nadir serve did not start:\n{running.log()[-4000:]}")
        time.sleep(0.1)
    start_seconds = time.perf_counter() - started
    roles = {"launcher": process.pid}
    for pid in child_pids(process.pid):
        roles[role_of(command_line(pid))] = pid
    return System(
        name="nadir",
        webhook=Webhook(running.webhook_url, twilio.auth_token, TWILIO_NUMBER),
        processes=roles,
        start_seconds=start_seconds,
        log_path=log_path,
        stop=lambda: stop_nadir(running),
    )


def _wait_until_up(url: str, process: subprocess.Popen, what: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited while starting ({process.returncode})")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


def start_baseline(
    work_dir: Path, twilio: StampingTwilio, env: dict[str, str], model: Path
) -> System:
    """Stock Rasa: the `twilio` channel of `rasa run`, our action server, no worker."""
    from bot.config import load_settings
    from bot.launcher import die_with_parent, write_endpoints

    # our action server; Rasa's own SQL tracker store and in-process locks
    endpoints = write_endpoints(load_settings(env), stock_rasa=True)
    credentials = work_dir / "credentials.yml"
    credentials.write_text(
        "twilio:\n"
        f'  account_sid: "{twilio.account_sid}"\n'
        f'  auth_token: "{twilio.auth_token}"\n'
        f'  twilio_number: "{TWILIO_NUMBER}"\n'
    )
    log_path = work_dir / "baseline.log"
    log = open(log_path, "ab")  # noqa: SIM115 - lives as long as the processes
    python = sys.executable
    rasa_port, action_port = env["RASA_PORT"], env["ACTION_PORT"]
    started = time.perf_counter()
    actions = subprocess.Popen(
        [python, "-m", "rasa_sdk", "--actions", "actions", "--port", action_port],
        env={**env, "SANIC_HOST": "127.0.0.1"},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent,
    )
    processes = [actions]

    def stop() -> int | None:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        return processes[-1].returncode

    try:
        _wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, "the action server")
        rasa = subprocess.Popen(
            [
                python, "-m", "bench.baseline_rasa", "run",
                "--model", str(model),
                "--endpoints", str(endpoints),
                "--credentials", str(credentials),
                "--port", rasa_port,
                "--interface", "127.0.0.1",
            ],
            env={**env, "BENCH_TWILIO_API_URL": twilio.base_url},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )  # fmt: skip
        processes.append(rasa)
        _wait_until_up(f"http://127.0.0.1:{rasa_port}/webhooks/twilio/", rasa, "stock Rasa")
    except BaseException:
        stop()
        raise
    return System(
        name="baseline",
        webhook=Webhook(
            f"http://127.0.0.1:{rasa_port}/webhooks/twilio/webhook",
            twilio.auth_token,
            TWILIO_NUMBER,
        ),
        processes={"actions": actions.pid, "rasa": rasa.pid},
        start_seconds=time.perf_counter() - started,
        log_path=log_path,
        stop=stop,
    )


# -- processes, from /proc (Linux) --------------------------------------------------------------


def command_line(pid: int) -> list[str]:
    with contextlib.suppress(OSError):
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        return [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    return []


def role_of(argv: list[str]) -> str:
    joined = " ".join(argv)
    if "rasa_sdk" in joined:
        return "actions"
    if "worker" in argv:
        return "worker"
    if "rasa" in joined:
        return "rasa"
    return Path(argv[0]).name if argv else "unknown"


def process_tree(
    pid: int, children: dict[int, list[int]], apart: Collection[int] = ()
) -> list[int]:
    """The process and its descendants (the Rasa server's forked workers, for instance), leaving
    out the processes in `apart` and theirs (the launcher's children are measured on their own)."""
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [
            child for parent in frontier for child in children.get(parent, []) if child not in apart
        ]
        tree += frontier
    return tree


def role_processes(processes: dict[str, int]) -> dict[str, list[int]]:
    """Each role's process with its descendants that belong to no other role."""
    roots = set(processes.values())
    children = children_by_parent()  # one pass over /proc for every role
    return {role: process_tree(pid, children, roots - {pid}) for role, pid in processes.items()}


def peak_memory_mb(pids: Collection[int]) -> float | None:
    """The largest peak resident set (VmHWM) among the processes, in MiB."""
    peaks = []
    for member in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=None)


def proportional_memory_mb(pids: Collection[int]) -> float | None:
    """The processes' summed PSS, in MiB: memory they share is counted once."""
    total, seen = 0.0, False
    for member in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
                    seen = True
                    break
    return total if seen else None


class MemorySampler:
    """Samples each role's summed PSS in the background and keeps the highest."""

    def __init__(self, processes: dict[str, int], every_seconds: float = 1.0) -> None:
        self.processes = processes
        self.every_seconds = every_seconds
        self.peaks: dict[str, float] = {}
        self.process_counts: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.every_seconds):
            self.sample()

    def sample(self) -> None:
        for role, pids in role_processes(self.processes).items():
            pss = proportional_memory_mb(pids)
            if pss is not None:
                self.peaks[role] = max(pss, self.peaks.get(role, 0.0))
            self.process_counts[role] = max(len(pids), self.process_counts.get(role, 0))


def cpu_seconds(pids: Collection[int]) -> float | None:
    """User plus system CPU time the (living) processes have used so far."""
    total, seen = 0.0, False
    for member in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            seen = True
    return total if seen else None


def machine_busy_seconds() -> float | None:
    """CPU time every core of the machine has spent busy (not idle, not waiting on I/O)."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        first = Path("/proc/stat").read_text().splitlines()[0].split()
        ticks = [int(x) for x in first[1:9]]  # user nice system idle iowait irq softirq steal
        return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
    return None


@dataclass(frozen=True)
class CpuSnapshot:
    at: float
    machine: float | None
    processes: dict[str, float | None]


def cpu_snapshot(processes: dict[str, int]) -> CpuSnapshot:
    """CPU used so far by the machine, by each process of a system, and by this benchmark."""
    used = {role: cpu_seconds(pids) for role, pids in role_processes(processes).items()}
    times = os.times()
    used["load generator and fake Twilio"] = times.user + times.system
    return CpuSnapshot(time.perf_counter(), machine_busy_seconds(), used)


def cpu_between(before: CpuSnapshot, after: CpuSnapshot) -> dict[str, object]:
    """Cores used by each process between two snapshots, and by everything else on the machine."""
    wall = after.at - before.at
    cores: dict[str, float | None] = {}
    for role, start in before.processes.items():
        end = after.processes.get(role)
        cores[role] = None if start is None or end is None else (end - start) / wall
    ours = sum(v for v in cores.values() if v is not None)
    machine = (
        None
        if before.machine is None or after.machine is None
        else (after.machine - before.machine) / wall
    )
    return {
        "seconds": wall,
        "cores": cores,
        "machine_cores": machine,
        "other_processes_cores": None if machine is None else max(machine - ours, 0.0),
    }
