"""The fake must behave like Twilio for the parts our code relies on."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.sms.gateway import TwilioGateway
from tests.support.fake_twilio import FakeTwilio, twilio_signature

FROM_NUMBER = "+15005550006"
PATIENT = "+15551234567"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


def client_for(fake: FakeTwilio) -> Client:
    client = Client(fake.account_sid, fake.auth_token)
    client.api.base_url = fake.base_url
    return client


class CallbackReceiver:
    """Our side of a status callback: checks the signature as the real webhook must."""

    def __init__(self, auth_token: str) -> None:
        self.validator = RequestValidator(auth_token)
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                url = receiver.url + self.path.removeprefix("/twilio/status")
                signature = self.headers.get("X-Twilio-Signature", "")
                valid = receiver.validator.validate(url, params, signature)
                receiver.received.append({"params": params, "valid": valid})
                self.send_response(204 if valid else 403)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        host, port = self.server.server_address[:2]
        self.url = f"http://{host}:{port}/twilio/status"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(fake: FakeTwilio) -> Iterator[CallbackReceiver]:
    callback_receiver = CallbackReceiver(fake.auth_token)
    yield callback_receiver
    callback_receiver.close()


def test_real_client_parses_the_created_message(fake: FakeTwilio) -> None:
    message = client_for(fake).messages.create(to=PATIENT, from_=FROM_NUMBER, body="Hello")

    assert message.sid == fake.messages[0]["sid"]
    assert message.status == "queued"
    assert message.to == PATIENT
    assert message.from_ == FROM_NUMBER
    assert message.body == "Hello"
    assert message.account_sid == fake.account_sid
    assert isinstance(message.date_created, datetime)
    assert message.num_segments == "1"


def test_error_reaches_the_client_as_twilio_rest_exception(fake: FakeTwilio) -> None:
    fake.fail_next(400, 21614, "'To' number is not a valid mobile number")

    with pytest.raises(TwilioRestException) as raised:
        client_for(fake).messages.create(to=PATIENT, from_=FROM_NUMBER, body="Hello")

    assert raised.value.status == 400
    assert raised.value.code == 21614
    assert "not a valid mobile number" in raised.value.msg


def test_fail_next_applies_to_that_many_requests(fake: FakeTwilio) -> None:
    gateway = TwilioGateway(fake.account_sid, fake.auth_token, FROM_NUMBER, fake.base_url, 2.0)
    fake.fail_next(503, times=2)

    results = [gateway.send(PATIENT, f"attempt {n}") for n in range(3)]

    assert [r.ok for r in results] == [False, False, True]
    assert [m["body"] for m in fake.messages] == ["attempt 2"]
    assert len(fake.requests) == 3


def test_outage_records_requests_but_no_messages(fake: FakeTwilio) -> None:
    gateway = TwilioGateway(fake.account_sid, fake.auth_token, FROM_NUMBER, fake.base_url, 2.0)
    fake.outage(True)

    gateway.send(PATIENT, "one")
    gateway.send(PATIENT, "two")

    assert fake.messages == []
    assert [r["form"]["Body"] for r in fake.requests] == ["one", "two"]


def test_wait_for_messages_returns_when_they_arrive(fake: FakeTwilio) -> None:
    gateway = TwilioGateway(fake.account_sid, fake.auth_token, FROM_NUMBER, fake.base_url, 2.0)
    sender = threading.Timer(0.1, gateway.send, args=(PATIENT, "later"))
    sender.start()

    messages = fake.wait_for_messages(1, timeout=5)

    sender.join()
    assert [m["body"] for m in messages] == ["later"]


def test_wait_for_messages_fails_when_they_do_not_arrive(fake: FakeTwilio) -> None:
    with pytest.raises(AssertionError, match="expected 1 message"):
        fake.wait_for_messages(1, timeout=0.1)


def send_with_callback(fake: FakeTwilio, callback_url: str) -> str:
    gateway = TwilioGateway(fake.account_sid, fake.auth_token, FROM_NUMBER, fake.base_url, 2.0)
    result = gateway.send(PATIENT, "Please call the oncology line now.", callback_url)
    assert result.provider_sid is not None
    return result.provider_sid


def test_status_callback_is_signed_so_the_webhook_accepts_it(
    fake: FakeTwilio, receiver: CallbackReceiver
) -> None:
    sid = send_with_callback(fake, receiver.url)

    status = fake.send_status_callback(sid, "delivered")

    assert status == 204
    [callback] = receiver.received
    assert callback["valid"]
    assert callback["params"]["MessageSid"] == sid
    assert callback["params"]["MessageStatus"] == "delivered"
    assert callback["params"]["To"] == PATIENT
    assert callback["params"]["From"] == FROM_NUMBER
    assert callback["params"]["AccountSid"] == fake.account_sid
    assert "ErrorCode" not in callback["params"]


def test_failed_status_callback_carries_an_error_code(
    fake: FakeTwilio, receiver: CallbackReceiver
) -> None:
    sid = send_with_callback(fake, receiver.url)

    assert fake.send_status_callback(sid, "undelivered", error_code=30007) == 204
    assert receiver.received[0]["params"]["ErrorCode"] == "30007"


def test_status_callback_signed_with_another_token_is_rejected(
    fake: FakeTwilio, receiver: CallbackReceiver
) -> None:
    sid = send_with_callback(fake, receiver.url + "?outbox_id=42")

    status = fake.send_status_callback(sid, "failed", sign_with="someone-elses-token")

    assert status == 403
    assert not receiver.received[0]["valid"]


def test_twilio_signature_verifies_only_for_the_same_url_and_params() -> None:
    url = "https://nadir.example.org/webhooks/twilio/webhook"
    params = {"From": PATIENT, "Body": "38.9", "MessageSid": "SM" + "a" * 32}
    validator = RequestValidator("secret")

    signature = twilio_signature("secret", url, params)

    assert validator.validate(url, params, signature)
    assert not validator.validate(url, {**params, "Body": "37.0"}, signature)
    assert not validator.validate(url + "?x=1", params, signature)
    assert not RequestValidator("other").validate(url, params, signature)
