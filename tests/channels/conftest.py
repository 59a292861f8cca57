"""The real SMS channel, in process: Rasa registers it on a Sanic app the way `rasa run` does, with
an agent that only records what reaches Rasa. Requests are signed the way Twilio signs them, and
outbound SMS go through the real twilio client to a local fake Twilio."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic
from sqlalchemy import event, func, select
from twilio.request_validator import RequestValidator

from bot import runtime as runtime_module
from bot.channels.twilio_sms import TwilioSmsInput
from bot.db.migrate import upgrade
from bot.db.models import OutboundMessage
from bot.db.session import unit_of_work
from bot.runtime import Runtime
from tests.conftest import _ENV_NAMES, enrol_people
from tests.support.fake_twilio import FakeTwilio
from tests.support.http import post_form
from tests.support.stack import free_port

# Twilio posts to the public URL; Nadir, behind a TLS proxy, receives it at another one.
PUBLIC_WEBHOOK_URL = "https://nadir.example.org/webhooks/twilio/webhook"
NADIR_NUMBER = "+16175550000"
Form = Mapping[str, str] | Sequence[tuple[str, str]]


class MultiForm(dict):
    """Form fields with repeated names, as the twilio validator reads them."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        for name, value in pairs:
            self.setdefault(name, []).append(value)

    def getlist(self, name: str) -> list[str]:
        return self[name]


def sign(auth_token: str, url: str, form: Form) -> str:
    """The X-Twilio-Signature Twilio would send for a POST of `form` to `url`."""
    pairs = list(form.items()) if isinstance(form, Mapping) else list(form)
    return RequestValidator(auth_token).compute_signature(url, MultiForm(pairs))


class RecordingAgent:
    """Stands in for Rasa's agent: records each message; optionally answers like a bot turn."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []
        self.reply: str | None = None

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.reply is not None:
            await message.output_channel.send_text_message(message.sender_id, self.reply)

    def texts_from(self, phone: str) -> list[str]:
        return [m.text for m in self.messages if m.sender_id == phone]


@dataclass
class ChannelServer:
    rt: Runtime
    twilio: FakeTwilio
    agent: RecordingAgent
    port: int
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    _thread: threading.Thread | None = None
    _server: Any = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/twilio"

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/webhook"

    @property
    def status_url(self) -> str:
        return f"{self.base_url}/status"

    @property
    def auth_token(self) -> str:
        return self.twilio.auth_token

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        app = Sanic(f"nadir_channel_test_{uuid.uuid4().hex}")
        app.ctx.agent = self.agent
        register([TwilioSmsInput()], app, route="/webhooks/")
        ready = threading.Event()

        async def serve() -> Any:
            server = await app.create_server(
                host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
            )
            await server.startup()
            await server.start_serving()
            return server

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self._server = self.loop.run_until_complete(serve())
            ready.set()
            self.loop.run_forever()
            self._server.close()
            self.loop.run_until_complete(self._settle(10.0))
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the channel server did not start")

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=20)

    async def _settle(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        me = asyncio.current_task()
        while time.monotonic() < deadline:
            if not [t for t in asyncio.all_tasks() if t is not me and not t.done()]:
                return
            await asyncio.sleep(0.02)

    def settle(self, timeout: float = 20.0) -> None:
        """Wait until every background turn has finished."""
        asyncio.run_coroutine_threadsafe(self._settle(timeout), self.loop).result(timeout + 5)

    # -- Twilio's side -------------------------------------------------------------------

    def post(
        self,
        form: Form,
        *,
        signature: str | None = "valid",
        url: str | None = None,
        signed_url: str = PUBLIC_WEBHOOK_URL,
        raw_body: bytes | None = None,
    ) -> tuple[int, str]:
        """POST to the inbound webhook; `signature="valid"` signs it as Twilio would."""
        return post_form(
            url or self.webhook_url,
            form,
            auth_token=self.auth_token,
            signature=signature,
            signed_url=signed_url,
            raw_body=raw_body,
        )

    def text(self, sender: str, body: str, sid: str | None = None) -> tuple[int, str]:
        return self.post(sms_form(sender, body, sid))

    def post_status(
        self, form: Form, *, signature: str | None = "valid", signed_url: str | None = None
    ) -> tuple[int, str]:
        return self.post(
            form,
            signature=signature,
            url=self.status_url,
            signed_url=signed_url or self.status_url,
        )

    # -- what happened -------------------------------------------------------------------

    def sms_to(self, phone: str) -> list[str]:
        return [m["body"] for m in self.twilio.messages if m["to"] == phone]

    def wait_for_sms(self, phone: str, count: int = 1, timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sms_to(phone)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} SMS to {phone}, got {self.sms_to(phone)}")

    def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.02)
        raise AssertionError("the condition did not become true in time")

    def outbox(self, to: str | None = None) -> list[OutboundMessage]:
        with unit_of_work(self.rt.sessions) as session:
            query = select(OutboundMessage).order_by(OutboundMessage.id)
            if to:
                query = query.where(OutboundMessage.to_phone == to)
            return list(session.execute(query).scalars())

    def count(self, model: type) -> int:
        with unit_of_work(self.rt.sessions) as session:
            return session.execute(select(func.count()).select_from(model)).scalar_one()


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def sms_form(sender: str, body: str, sid: str | None = None) -> dict[str, str]:
    """The fields Twilio posts for an inbound SMS."""
    sid = sid or new_sid()
    return {
        "ToCountry": "US",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "MessageSid": sid,
        "From": sender,
        "To": NADIR_NUMBER,
        "Body": body,
        "NumSegments": "1",
        "AccountSid": "AC" + "0" * 32,
        "ApiVersion": "2010-04-01",
    }


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


@pytest.fixture
def channel(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[ChannelServer]:
    """The SMS channel on a free port, a migrated SQLite file, the enrolled patient, caregiver,
    primary nurse and backup, and Twilio configured against a local fake.

    Parametrize it indirectly with a dict to change the environment (None unsets a variable).
    """
    # Sanic's own switch for several apps in one process (it rewrites its protocol per start)
    monkeypatch.setattr(Sanic, "test_mode", True)
    twilio = FakeTwilio()
    twilio.start()
    port = free_port()
    for name in _ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'nadir.db'}",
        "NADIR_DATA_DIR": str(tmp_path / "var"),
        "NADIR_CLINIC_NAME": "Riverside Cancer Center",
        "NADIR_CLINIC_PHONE": "617-555-0123",
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_NUMBER": NADIR_NUMBER,
        "TWILIO_API_URL": twilio.base_url,
        "TWILIO_WEBHOOK_URL": PUBLIC_WEBHOOK_URL,
        "TWILIO_STATUS_CALLBACK_URL": f"http://127.0.0.1:{port}/webhooks/twilio/status",
        **getattr(request, "param", {}),
    }.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    runtime_module.runtime.cache_clear()
    rt = runtime_module.runtime()
    # no fsync per commit: these tests are about the channel, not about surviving power cuts
    event.listen(rt.engine, "connect", _no_fsync)
    rt.engine.dispose()
    upgrade(rt.engine)
    enrol_people(rt)
    server = ChannelServer(rt, twilio, RecordingAgent(), port)
    server.start()
    yield server
    server.stop()
    twilio.stop()
    runtime_module.runtime.cache_clear()
    rt.engine.dispose()
