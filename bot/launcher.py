"""Starting the whole assistant: action server, Rasa server and worker, plus the chat for `run`."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bot.config import Settings, load_settings
from bot.db.migrate import upgrade
from bot.runtime import LOCAL_AUTH_TOKEN_ENV, Runtime, build_runtime, utc_now

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def latest_model(models_dir: Path) -> Path:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit(
            "No trained model in models/. Run `make train` (make run and make serve do it for you)."
        )
    return models[-1]


def write_endpoints(settings: Settings, *, stock_rasa: bool = False) -> Path:
    """Rasa's endpoints for this run: our action server, a tracker store that survives restarts,
    and conversation locks shared by the Rasa workers. `stock_rasa` keeps Rasa's own stores (the
    benchmark's baseline)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    data_dir = settings.data_dir.resolve()
    if settings.database_url.startswith("sqlite"):
        database = f"  dialect: sqlite\n  db: {data_dir / 'rasa_tracker.db'}\n"
    else:
        database = f"  url: {settings.database_url}\n"
    if stock_rasa:
        stores = f"tracker_store:\n  type: SQL\n{database}"
    else:
        locks = data_dir / "locks"
        stores = (
            "tracker_store:\n  type: bot.rasa_tracker_store.SharedSQLTrackerStore\n"
            f"{database}  init_lock: {locks / 'tracker-store-init.lock'}\n"
            f"lock_store:\n  type: bot.rasa_lock_store.FileLockStore\n  directory: {locks}\n"
        )
        locks.mkdir(exist_ok=True)
    path = settings.data_dir / "endpoints.yml"
    path.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{settings.action_port}/webhook"\n{stores}'
    )
    return path


def _port_free(port: int) -> bool:
    """Nobody is listening on `port` (connections lingering after a stop don't count)."""
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def die_with_parent() -> None:
    """Linux: children get SIGTERM if the launcher dies, so no orphaned servers hold the ports."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_until_up(url: str, process: subprocess.Popen, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"{what} stopped while starting (exit {process.returncode}); see its log."
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{what} did not start within {timeout:.0f} s.")


class Stack:
    """The three processes of a running Nadir, started in order and stopped together."""

    def __init__(self, settings: Settings, log_dir: Path | None) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        else:
            out = None
        process = subprocess.Popen(
            argv,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            cwd=PROJECT_ROOT,
            preexec_fn=die_with_parent,
        )
        self.processes.append((name, process))
        return process

    def start(self, env: dict[str, str]) -> None:
        settings = self.settings
        for port in (settings.action_port, settings.rasa_port):
            if not _port_free(port):
                raise SystemExit(
                    f"Port {port} is already in use: is Nadir already running? Stop it, or set "
                    "RASA_PORT and ACTION_PORT to free ports."
                )
        python = sys.executable
        actions = self._spawn(
            "actions",
            [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
            {**env, "SANIC_HOST": env.get("NADIR_ACTION_HOST", "127.0.0.1")},
        )
        _wait_until_up(
            f"http://127.0.0.1:{settings.action_port}/health", actions, "The action server"
        )
        endpoints = write_endpoints(settings)
        rasa = self._spawn(
            "rasa",
            [
                python, "-m", "bot.rasa_server", "run",
                "--model", str(latest_model(PROJECT_ROOT / "models")),
                "--endpoints", str(endpoints),
                "--credentials", str(PROJECT_ROOT / "credentials.yml"),
                "--port", str(settings.rasa_port),
                "--interface", env.get("NADIR_RASA_HOST", "0.0.0.0"),
            ],
            {**env, "SANIC_WORKERS": str(settings.rasa_workers)},
        )  # fmt: skip
        _wait_until_up(
            f"http://127.0.0.1:{settings.rasa_port}/webhooks/twilio/", rasa, "The Rasa server"
        )
        self._spawn("worker", [python, "-m", "bot.cli", "worker"], env)

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def first_exit(self) -> tuple[str, int] | None:
        for name, process in self.processes:
            if process.poll() is not None:
                return name, process.returncode
        return None


def child_environment(rt: Runtime) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env["DATABASE_URL"] = rt.settings.database_url
    env["NADIR_DATA_DIR"] = str(rt.settings.data_dir)
    if not rt.sends_real_sms:
        # no Twilio: webhooks from the local chat are signed with a key made for this run
        env.setdefault(LOCAL_AUTH_TOKEN_ENV, secrets.token_hex(16))
    return env


def run_worker(rt: Runtime, stop: threading.Event, poll_seconds: float = 0.5) -> None:
    """Deliver the outbox and run due jobs until `stop` is set."""
    from bot.db.session import unit_of_work
    from bot.services import escalation

    while not stop.is_set():
        try:
            with unit_of_work(rt.sessions) as session:
                escalation.run_due_jobs(session, rt.settings, utc_now())
            escalation.flush_outbox(rt)
        except Exception as error:  # keep paging alive through a transient database error
            print(f"worker: {error!r}", file=sys.stderr, flush=True)
        stop.wait(poll_seconds)


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def main(args: argparse.Namespace) -> int:
    rt = build_runtime(load_settings())
    upgrade(rt.engine)
    if args.command == "worker":
        stop = threading.Event()
        _stop_on_signals(stop)
        run_worker(rt, stop)
        return 0
    env = child_environment(rt)
    if LOCAL_AUTH_TOKEN_ENV in env:
        os.environ[LOCAL_AUTH_TOKEN_ENV] = env[LOCAL_AUTH_TOKEN_ENV]
    if args.command == "serve":
        return _serve(rt, env)
    from bot.chat import run_chat

    return run_chat(rt, env, Stack(rt.settings, rt.settings.data_dir / "logs"), phone=args.phone)


def _serve(rt: Runtime, env: dict[str, str]) -> int:
    stop = threading.Event()
    _stop_on_signals(stop)
    stack = Stack(rt.settings, log_dir=None)
    try:
        stack.start(env)
        sms = "Twilio" if rt.sends_real_sms else "recorded and printed (no Twilio credentials)"
        print(
            f"Nadir is serving: Rasa on port {rt.settings.rasa_port}, actions on {rt.settings.action_port}; "
            f"outbound SMS {sms}. Stop with Ctrl-C or SIGTERM.",
            flush=True,
        )
        while not stop.wait(0.5):
            exited = stack.first_exit()
            if exited:
                print(
                    f"nadir: the {exited[0]} process exited ({exited[1]}); stopping.",
                    file=sys.stderr,
                )
                return 1
        return 0
    finally:
        stack.stop()
