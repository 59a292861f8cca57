"""Starting the real Nadir stack (`nadir serve`) for black-box tests, with a fake Twilio."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.fake_twilio import FakeTwilio
from tests.support.http import post_form

ROOT = Path(__file__).resolve().parents[2]
NADIR = str(Path(sys.executable).with_name("nadir"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningNadir:
    env: dict[str, str]
    process: subprocess.Popen
    twilio: FakeTwilio
    rasa_port: int
    log_path: Path
    sent: list[str] = field(default_factory=list)

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/twilio/webhook"

    @property
    def auth_token(self) -> str:
        return self.env["TWILIO_AUTH_TOKEN"]

    def post(
        self, form: dict[str, str], signature: str | None = "valid", url: str | None = None
    ) -> tuple[int, str]:
        return post_form(
            url or self.webhook_url, form, auth_token=self.auth_token, signature=signature
        )

    def text(self, sender: str, body: str, sid: str | None = None) -> tuple[int, str]:
        sid = sid or "SM" + uuid.uuid4().hex
        self.sent.append(sid)
        return self.post(
            {
                "MessageSid": sid,
                "From": sender,
                "To": self.env["TWILIO_NUMBER"],
                "Body": body,
                "NumMedia": "0",
            }
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [NADIR, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=60
        )

    def cli_json(self, *args: str) -> object:
        done = self.cli(*args, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def messages_to(self, phone: str) -> list[dict]:
        return [m for m in self.twilio.messages if m["to"] == phone]

    def wait_for(self, phone: str, count: int, timeout: float = 20.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages_to(phone)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} SMS to {phone}, got {self.messages_to(phone)}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def rasa_workers(self) -> list[int]:
        """The Rasa server processes that answer webhooks: the one `nadir serve` starts and those
        it forks."""
        (rasa,) = (
            pid
            for pid in child_pids(self.process.pid)
            if b"bot.rasa_server" in Path(f"/proc/{pid}/cmdline").read_bytes()
        )
        return [rasa, *child_pids(rasa)]


def children_by_parent() -> dict[int, list[int]]:
    """Every process's children, from one pass over /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            # the command name is in parentheses and may hold spaces: parse after the last ")"
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return {parent: sorted(pids) for parent, pids in children.items()}


def child_pids(pid: int) -> list[int]:
    """Processes whose parent is `pid`."""
    return children_by_parent().get(pid, [])


def start_nadir(
    tmp_dir: Path, extra_env: dict[str, str] | None = None, timeout: float = 180.0
) -> RunningNadir:
    twilio = FakeTwilio()
    twilio.start()
    rasa_port, action_port = free_port(), free_port()
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "DATABASE_URL": f"sqlite:///{tmp_dir / 'nadir.db'}",
        "NADIR_DATA_DIR": str(tmp_dir / "var"),
        "NADIR_CLINIC_NAME": "Riverside Cancer Center",
        "NADIR_CLINIC_PHONE": "617-555-0123",
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_NUMBER": "+16175550000",
        "TWILIO_API_URL": twilio.base_url,
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        **(extra_env or {}),
    }
    log_path = tmp_dir / "serve.log"
    log = open(log_path, "wb")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        [NADIR, "serve"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    running = RunningNadir(env, process, twilio, rasa_port, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nadir serve exited early:\n{running.log()[-4000:]}")
        if b"Nadir is serving" in log_path.read_bytes():
            return running
        time.sleep(0.3)
    stop_nadir(running)
    raise RuntimeError(f"nadir serve did not start:\n{running.log()[-4000:]}")


def stop_nadir(running: RunningNadir) -> int:
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGTERM)
        try:
            running.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            running.process.kill()
            running.process.wait()
    running.twilio.stop()
    return running.process.returncode
