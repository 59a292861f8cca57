"""The real twilio client, driven by TwilioGateway, against the local fake Twilio."""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Iterator

import pytest

from bot.sms.gateway import (
    INVALID_TO_NUMBER,
    NOT_A_MOBILE_NUMBER,
    RECIPIENT_UNSUBSCRIBED,
    REGION_NOT_ENABLED,
    ConsoleGateway,
    TwilioGateway,
)
from tests.support.fake_twilio import FakeTwilio

FROM_NUMBER = "+15005550006"
PATIENT = "+15551234567"
CALLBACK_URL = "https://nadir.example.org/twilio/status"
SHORT_TIMEOUT = 0.3


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


def gateway_for(fake: FakeTwilio, *, auth_token: str | None = None) -> TwilioGateway:
    return TwilioGateway(
        account_sid=fake.account_sid,
        auth_token=fake.auth_token if auth_token is None else auth_token,
        from_number=FROM_NUMBER,
        api_base_url=fake.base_url,
        timeout_seconds=SHORT_TIMEOUT,
    )


@pytest.fixture
def gateway(fake: FakeTwilio) -> TwilioGateway:
    return gateway_for(fake)


def test_accepted_message_reaches_twilio_once_with_its_sid(
    fake: FakeTwilio, gateway: TwilioGateway
) -> None:
    result = gateway.send(PATIENT, "Your temperature check is due.", CALLBACK_URL)

    assert result.ok
    assert not result.retryable
    assert result.error_code is None
    [message] = fake.messages
    assert result.provider_sid == message["sid"]
    assert result.provider_sid.startswith("SM")
    assert len(result.provider_sid) == 34
    assert message["to"] == PATIENT
    assert message["from"] == FROM_NUMBER
    assert message["body"] == "Your temperature check is due."
    assert message["status_callback"] == CALLBACK_URL
    assert len(fake.requests) == 1


def test_message_without_status_callback_sends_none(
    fake: FakeTwilio, gateway: TwilioGateway
) -> None:
    assert gateway.send(PATIENT, "Hello").ok

    [request] = fake.requests
    assert "StatusCallback" not in request["form"]
    assert fake.messages[0]["status_callback"] is None


def test_one_gateway_sends_many_messages_each_with_its_own_sid(
    fake: FakeTwilio, gateway: TwilioGateway
) -> None:
    first = gateway.send(PATIENT, "first")
    second = gateway.send("+15557654321", "second")

    assert first.ok and second.ok
    assert first.provider_sid != second.provider_sid
    assert [(m["to"], m["body"]) for m in fake.messages] == [
        (PATIENT, "first"),
        ("+15557654321", "second"),
    ]


def test_unicode_body_arrives_intact(fake: FakeTwilio, gateway: TwilioGateway) -> None:
    body = "Température 38,5 °C — appelez l'équipe"

    assert gateway.send(PATIENT, body).ok
    assert fake.messages[0]["body"] == body


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, None), (500, 20500), (502, None), (503, 20503), (429, 20429)],
)
def test_server_errors_and_rate_limits_are_retryable(
    fake: FakeTwilio, gateway: TwilioGateway, status: int, code: int | None
) -> None:
    fake.fail_next(status, code, "try again later")

    result = gateway.send(PATIENT, "Hello")

    assert not result.ok
    assert result.retryable
    assert result.error_code == f"http_{status}"
    assert result.provider_sid is None
    assert fake.messages == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (INVALID_TO_NUMBER, "Invalid 'To' Phone Number"),
        (NOT_A_MOBILE_NUMBER, "'To' number is not a valid mobile number"),
        (RECIPIENT_UNSUBSCRIBED, "Attempt to send to unsubscribed recipient"),
        (REGION_NOT_ENABLED, "Permission to send an SMS has not been enabled for the region"),
    ],
)
def test_twilio_rejections_are_permanent_with_their_code(
    fake: FakeTwilio, gateway: TwilioGateway, code: str, message: str
) -> None:
    fake.fail_next(400, int(code), message)

    result = gateway.send(PATIENT, "Hello")

    assert not result.ok
    assert not result.retryable
    assert result.error_code == code
    assert message in (result.error_message or "")
    assert fake.messages == []


def test_malformed_number_is_rejected_by_twilio_as_invalid_to(
    fake: FakeTwilio, gateway: TwilioGateway
) -> None:
    result = gateway.send("555-1234", "Hello")

    assert (result.ok, result.retryable, result.error_code) == (False, False, INVALID_TO_NUMBER)
    assert fake.messages == []


def test_wrong_auth_token_is_a_permanent_failure(fake: FakeTwilio) -> None:
    result = gateway_for(fake, auth_token="not-the-token").send(PATIENT, "Hello")

    assert not result.ok
    assert not result.retryable
    assert result.error_code == "20003"
    assert fake.messages == []
    assert len(fake.requests) == 1


def test_outage_is_retryable_and_sending_resumes_after_it(
    fake: FakeTwilio, gateway: TwilioGateway
) -> None:
    fake.outage(True)
    during = gateway.send(PATIENT, "during outage")
    fake.outage(False)
    after = gateway.send(PATIENT, "after outage")

    assert (during.ok, during.retryable, during.error_code) == (False, True, "http_503")
    assert after.ok
    assert [m["body"] for m in fake.messages] == ["after outage"]


def test_hung_server_times_out_as_retryable(fake: FakeTwilio, gateway: TwilioGateway) -> None:
    fake.hang_next(SHORT_TIMEOUT + 1.0)

    started = time.monotonic()
    result = gateway.send(PATIENT, "Hello")
    elapsed = time.monotonic() - started

    assert (result.ok, result.retryable, result.error_code) == (False, True, "timeout")
    assert elapsed < SHORT_TIMEOUT + 0.8


def test_stopped_server_is_a_retryable_network_failure(fake: FakeTwilio) -> None:
    gateway = gateway_for(fake)
    assert gateway.send(PATIENT, "before").ok
    fake.stop()

    result = gateway.send(PATIENT, "after")

    assert (result.ok, result.retryable, result.error_code) == (False, True, "network")


def test_missing_credentials_are_reported_not_raised() -> None:
    # The client is built on first send, so a misconfigured gateway can still be created.
    gateway = TwilioGateway(account_sid="", auth_token="", from_number=FROM_NUMBER)

    result = gateway.send(PATIENT, "Hello")

    assert not result.ok
    assert not result.retryable
    assert result.error_code == "unexpected"


def test_malformed_base_url_is_reported_not_raised() -> None:
    gateway = TwilioGateway("AC" + "1" * 32, "token", FROM_NUMBER, api_base_url="not a url")

    result = gateway.send(PATIENT, "Hello")

    assert not result.ok
    assert not result.retryable


def test_twilio_edge_in_environment_does_not_redirect_requests(
    fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    monkeypatch.setenv("TWILIO_REGION", "au1")

    assert gateway_for(fake).send(PATIENT, "Hello").ok
    assert len(fake.messages) == 1


def test_console_gateway_prints_recipient_and_body() -> None:
    stream = io.StringIO()
    gateway = ConsoleGateway(stream)

    first = gateway.send(PATIENT, "Please call the oncology line now.")
    second = gateway.send(PATIENT, "Second message")

    printed = stream.getvalue()
    assert PATIENT in printed
    assert "Please call the oncology line now." in printed
    assert "Second message" in printed
    assert first.ok and second.ok
    assert first.provider_sid and second.provider_sid
    assert first.provider_sid != second.provider_sid


def test_console_gateway_uses_stdout_at_send_time(monkeypatch: pytest.MonkeyPatch) -> None:
    gateway = ConsoleGateway()
    replaced_stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", replaced_stdout)

    gateway.send(PATIENT, "Hello from the console")

    assert "Hello from the console" in replaced_stdout.getvalue()
    assert PATIENT in replaced_stdout.getvalue()
