"""Outbound SMS: one message per call, with a result the outbox can act on.

`send` never raises. It reports whether the failure is worth retrying, so the outbox
decides retries from the result alone.
"""

from __future__ import annotations

import logging
import sys
import threading
import uuid
from dataclasses import dataclass
from typing import Protocol, TextIO, runtime_checkable

import requests
from twilio.base import values
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

logger = logging.getLogger(__name__)

DEFAULT_TWILIO_API_URL = "https://api.twilio.com"

# Twilio error codes the outbox may want to act on (all permanent).
INVALID_TO_NUMBER = "21211"
REGION_NOT_ENABLED = "21408"
RECIPIENT_UNSUBSCRIBED = "21610"  # the recipient texted STOP
NOT_A_MOBILE_NUMBER = "21614"

TIMEOUT = "timeout"
NETWORK = "network"
UNEXPECTED = "unexpected"

# Statuses where the same request may succeed later.
_RETRYABLE_HTTP_STATUSES = frozenset({408, 429})
# Transport failures worth retrying. Other requests errors (a malformed URL, say) are
# configuration mistakes that a retry cannot fix.
_NETWORK_ERRORS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    provider_sid: str | None = None
    retryable: bool = False
    error_code: str | None = None
    error_message: str | None = None


@runtime_checkable
class SmsGateway(Protocol):
    def send(self, to: str, body: str, status_callback: str | None = None) -> SendResult: ...


class TwilioGateway:
    """Sends through the real twilio client; `api_base_url` points it at a fake in tests."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base_url: str = DEFAULT_TWILIO_API_URL,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._from_number = from_number
        self._api_base_url = api_base_url
        self._timeout_seconds = timeout_seconds
        self._client: Client | None = None
        self._client_lock = threading.Lock()

    def send(self, to: str, body: str, status_callback: str | None = None) -> SendResult:
        try:
            return self._send(to, body, status_callback)
        except TwilioRestException as error:
            result = _result_from_rest_error(error)
        except requests.exceptions.Timeout as error:
            result = SendResult(
                ok=False, retryable=True, error_code=TIMEOUT, error_message=str(error)
            )
        except _NETWORK_ERRORS as error:
            # Connection refused or reset, DNS failure, broken response stream.
            result = SendResult(
                ok=False, retryable=True, error_code=NETWORK, error_message=str(error)
            )
        except Exception as error:
            # A bug or a malformed success response: the message may already have gone
            # out, so a retry risks a duplicate. Report it as permanent for a human to see.
            logger.exception("Unexpected error sending SMS to %s", _masked(to))
            return SendResult(ok=False, error_code=UNEXPECTED, error_message=repr(error))
        logger.warning(
            "SMS to %s failed (%s, retryable=%s): %s",
            _masked(to),
            result.error_code,
            result.retryable,
            result.error_message,
        )
        return result

    def _send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        message = self._get_client().messages.create(
            to=to,
            from_=self._from_number,
            body=body,
            status_callback=status_callback if status_callback else values.unset,
        )
        return SendResult(ok=True, provider_sid=message.sid)

    def _get_client(self) -> Client:
        # Built on first use, not at import or construction, and then reused so its
        # HTTP session keeps connections to Twilio alive between messages.
        with self._client_lock:
            if self._client is None:
                self._client = self._build_client()
            return self._client

    def _build_client(self) -> Client:
        client = Client(
            self._account_sid,
            self._auth_token,
            http_client=TwilioHttpClient(timeout=self._timeout_seconds),
            # Our own settings only: an ambient TWILIO_EDGE or TWILIO_REGION would make the
            # client rewrite the host of `api_base_url`.
            environment={"TWILIO_ACCOUNT_SID": self._account_sid},
        )
        client.api.base_url = self._api_base_url
        return client


class ConsoleGateway:
    """No Twilio credentials: prints each SMS clearly marked with its recipient and returns
    ok with a local sid."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, to: str, body: str, status_callback: str | None = None) -> SendResult:
        stream = self._stream if self._stream is not None else sys.stdout
        header = f"----- SMS to {to} (not sent: console gateway) -----"
        stream.write(f"{header}\n{body}\n{'-' * len(header)}\n")
        stream.flush()
        # Same length as a Twilio sid, so it fits wherever a real sid is stored.
        local_sid = "LOCAL" + uuid.uuid4().hex[:29]
        return SendResult(ok=True, provider_sid=local_sid)


def _result_from_rest_error(error: TwilioRestException) -> SendResult:
    status = error.status
    retryable = status in _RETRYABLE_HTTP_STATUSES or status >= 500
    # The client falls back to the HTTP status as the code when the body carries none.
    has_twilio_code = error.code is not None and error.code != status
    error_code = f"http_{status}" if retryable or not has_twilio_code else str(error.code)
    return SendResult(
        ok=False, retryable=retryable, error_code=error_code, error_message=str(error.msg)
    )


def _masked(phone_number: str) -> str:
    """Enough of the number to match up log lines without writing it out in full."""
    return f"...{phone_number[-4:]}" if len(phone_number) > 4 else "..."
