"""`nadir check-webhook`: probes the URLs Twilio will call, signed as Twilio signs, and says what
is wrong when Nadir would refuse Twilio's requests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import cli
from bot.channels.twilio_sms import check_webhooks
from bot.config import load_settings
from bot.db.models import InboundMessage, OutboundMessage
from bot.runtime import Runtime
from tests.channels.conftest import PUBLIC_WEBHOOK_URL, ChannelServer

DIRECT = {"TWILIO_WEBHOOK_URL": None}  # no proxy: Nadir checks against the URL it receives


@pytest.mark.parametrize("channel", [DIRECT], indirect=True)
def test_a_correct_set_up_passes_and_the_probes_change_nothing(
    channel: ChannelServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = channel.count(OutboundMessage)

    status = cli.main(["check-webhook", "--url", channel.webhook_url])

    out = capsys.readouterr().out
    assert status == 0, out
    assert out.count("OK") == 2 and channel.webhook_url in out and channel.status_url in out
    channel.settle()
    assert channel.count(InboundMessage) == 0
    assert channel.count(OutboundMessage) == before
    assert channel.agent.messages == []


@pytest.mark.parametrize("channel", [DIRECT], indirect=True)
def test_a_wrong_auth_token_is_reported(channel: ChannelServer) -> None:
    settings = load_settings()
    wrong = replace(settings, twilio=replace(settings.twilio, auth_token="not-the-token"))

    inbound, status = check_webhooks(wrong, inbound_url=channel.webhook_url)

    assert not inbound.ok and not status.ok
    assert "TWILIO_AUTH_TOKEN" in inbound.detail


def test_a_proxy_url_mismatch_is_reported(channel: ChannelServer) -> None:
    # Nadir checks signatures against its configured public URL; probing it at another address
    # is what Twilio would do if the console and TWILIO_WEBHOOK_URL disagreed.
    inbound, status = check_webhooks(load_settings(), inbound_url=channel.webhook_url)

    assert not inbound.ok and "TWILIO_WEBHOOK_URL" in inbound.detail
    assert status.ok


def test_an_unreachable_url_is_reported(channel: ChannelServer) -> None:
    [inbound, _] = check_webhooks(load_settings(), inbound_url=PUBLIC_WEBHOOK_URL, timeout=2)

    assert not inbound.ok and "could not reach" in inbound.detail


def test_without_twilio_it_says_what_to_set(
    rt: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["check-webhook"]) == 1
    assert "TWILIO_ACCOUNT_SID" in capsys.readouterr().out
