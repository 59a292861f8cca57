"""POST /webhooks/twilio/webhook: signatures, answering at once, one turn per MessageSid."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

from bot.db.models import InboundMessage
from tests.channels.conftest import (
    PUBLIC_WEBHOOK_URL,
    ChannelServer,
    RecordingAgent,
    new_sid,
    sign,
    sms_form,
)
from tests.conftest import CAREGIVER_PHONE, PATIENT_PHONE, STRANGER_PHONE


def test_a_signed_sms_is_answered_with_empty_twiml_and_reaches_rasa(
    channel: ChannelServer,
) -> None:
    sid = new_sid()
    status, body = channel.post(sms_form("(617) 555-0101", "temp 38.4 and chills", sid))

    assert status == 200
    assert body == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    channel.wait_until(lambda: len(channel.agent.messages) == 1)
    [message] = channel.agent.messages
    assert message.sender_id == PATIENT_PHONE  # E.164, whatever the carrier sent
    assert message.text == "temp 38.4 and chills"
    assert message.message_id == sid
    assert message.input_channel == "twilio"


@pytest.mark.parametrize(
    "case",
    ["forged", "missing", "tampered body", "signed for another URL", "signed with another token"],
)
def test_a_request_twilio_did_not_sign_is_refused_logged_without_its_text_and_stores_nothing(
    channel: ChannelServer, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    form = sms_form(PATIENT_PHONE, "secret words 39.9")
    signature: str | None
    if case == "forged":
        signature = "bm90IGEgcmVhbCBzaWduYXR1cmU="
    elif case == "missing":
        signature = None
    elif case == "tampered body":
        signature = sign(channel.auth_token, PUBLIC_WEBHOOK_URL, form)
        form = {**form, "Body": "secret words 36.6"}
    elif case == "signed for another URL":
        signature = sign(
            channel.auth_token, "https://evil.example.com/webhooks/twilio/webhook", form
        )
    else:
        signature = sign("someone-elses-token", PUBLIC_WEBHOOK_URL, form)

    with caplog.at_level(logging.INFO):
        status, _ = channel.post(form, signature=signature)

    assert status == 403
    assert channel.count(InboundMessage) == 0
    assert channel.agent.messages == []
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refusals, "a refused webhook is logged"
    assert not any("secret words" in line for line in refusals)


def test_behind_a_proxy_the_signature_is_checked_against_the_public_url(
    channel: ChannelServer,
) -> None:
    form = sms_form(PATIENT_PHONE, "hello")
    # Signed for the address Nadir itself sees, not the public URL Twilio was given: refused.
    assert channel.post(form, signed_url=channel.webhook_url)[0] == 403
    assert channel.post(form, signed_url=PUBLIC_WEBHOOK_URL)[0] == 200


def test_twilio_gets_its_answer_while_the_turn_is_still_running(channel: ChannelServer) -> None:
    finished = threading.Event()

    class SlowAgent(RecordingAgent):
        async def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
            await asyncio.sleep(2.0)
            await super().handle_message(message)
            finished.set()

    slow = SlowAgent()
    channel.agent.handle_message = slow.handle_message  # type: ignore[method-assign]
    started = time.monotonic()
    status, _ = channel.text(PATIENT_PHONE, "what can I eat")
    answered_after = time.monotonic() - started

    assert status == 200
    assert answered_after < 1.5
    assert not finished.is_set()
    assert finished.wait(10)
    assert slow.texts_from(PATIENT_PHONE) == ["what can I eat"]


def test_a_redelivered_message_sid_is_processed_once(channel: ChannelServer) -> None:
    form = sms_form(CAREGIVER_PHONE, "she is at 37.3")

    assert channel.post(form)[0] == 200
    assert channel.post(form)[0] == 200
    channel.settle()

    assert channel.agent.texts_from(CAREGIVER_PHONE) == ["she is at 37.3"]
    assert channel.count(InboundMessage) == 1


def test_the_same_message_sid_twice_at_once_is_processed_once(channel: ChannelServer) -> None:
    form = sms_form(PATIENT_PHONE, "37.9 armpit")
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def deliver() -> None:
        barrier.wait()
        statuses.append(channel.post(form)[0])

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    channel.settle()

    assert statuses == [200] * 4
    assert channel.agent.texts_from(PATIENT_PHONE) == ["37.9 armpit"]
    assert channel.count(InboundMessage) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"MessageSid": ""}, "MessageSid"),
        ({"MessageSid": "SM" + "a" * 80}, "MessageSid"),
        ({"MessageSid": "SM12/../../x"}, "MessageSid"),
        ({"From": ""}, "From"),
        ({"From": "not a phone"}, "From"),
    ],
)
def test_a_signed_request_without_a_usable_sid_or_sender_is_a_bad_request_and_stores_nothing(
    channel: ChannelServer, change: dict[str, str], expected: str
) -> None:
    status, body = channel.post({**sms_form(PATIENT_PHONE, "38.5"), **change})

    assert status == 400 and expected in body
    assert channel.count(InboundMessage) == 0
    assert channel.agent.messages == []


@pytest.mark.parametrize(
    ("body", "media", "words"),
    [("", "0", "empty"), ("   \x00\x07  ", "0", "empty"), ("", "1", "pictures")],
)
def test_an_empty_or_picture_only_message_gets_a_friendly_reply(
    channel: ChannelServer, body: str, media: str, words: str
) -> None:
    status, _ = channel.post({**sms_form(STRANGER_PHONE, body), "NumMedia": media})

    assert status == 200
    [reply] = channel.wait_for_sms(STRANGER_PHONE)
    assert words in reply
    assert channel.agent.messages == []


def test_control_characters_never_reach_rasa(channel: ChannelServer) -> None:
    channel.text(PATIENT_PHONE, "temp\x00 38.1\x1b[2J\r\nthis   morning")
    channel.wait_until(lambda: len(channel.agent.messages) == 1)

    assert channel.agent.messages[0].text == "temp 38.1 [2J this morning"
