"""A local stand-in for Twilio's Messages API, so tests run the real twilio client offline.

Speaks the same HTTP as api.twilio.com for `POST /2010-04-01/Accounts/{sid}/Messages.json`:
form-encoded parameters, HTTP Basic auth, a 201 JSON message resource on success and
Twilio's JSON error shape on failure. It can also play Twilio's part in a status callback,
signed the way Twilio signs it.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from twilio.request_validator import RequestValidator

from bot.sms.gsm7 import segment_count

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "test-token"

_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account_sid>[^/]+)/Messages\.json$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_FAILED_STATUSES = frozenset({"failed", "undelivered"})


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for a form POST of `params` to `url`."""
    return RequestValidator(auth_token).compute_signature(url, dict(params))


class FakeTwilio:
    def __init__(
        self, account_sid: str = DEFAULT_ACCOUNT_SID, auth_token: str = DEFAULT_AUTH_TOKEN
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._messages: list[dict[str, Any]] = []
        self._requests: list[dict[str, Any]] = []
        self._planned_failures: list[tuple[int, int | None, str]] = []
        self._outage = False
        self._next_hang_seconds = 0.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            return
        self._stopping.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes any request held by hang_next
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeTwilio:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeTwilio is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- what happened -------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Accepted messages, oldest first (a snapshot)."""
        with self._lock:
            return [dict(message) for message in self._messages]

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every request received, accepted or not, oldest first (a snapshot)."""
        with self._lock:
            return [dict(request) for request in self._requests]

    def wait_for_messages(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until at least `count` messages were accepted; fail the test otherwise."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self._messages) >= count, timeout)
            snapshot = [dict(message) for message in self._messages]
        if not arrived:
            raise AssertionError(
                f"expected {count} message(s) within {timeout}s, got {len(snapshot)}: "
                f"{[(m['to'], m['body']) for m in snapshot]}"
            )
        return snapshot

    # -- misbehaviour on demand ------------------------------------------------------------

    def fail_next(
        self, status: int, code: int | None = None, message: str = "", times: int = 1
    ) -> None:
        """Answer the next `times` authenticated message requests with this error."""
        with self._lock:
            self._planned_failures.extend([(status, code, message)] * times)

    def outage(self, on: bool) -> None:
        """While on, every request gets 503 and nothing is recorded as sent."""
        with self._lock:
            self._outage = on

    def hang_next(self, seconds: float) -> None:
        """Hold the next request this long before answering it normally.

        Like real Twilio, a message held past the client's timeout is still accepted.
        """
        with self._lock:
            self._next_hang_seconds = seconds

    # -- Twilio calling us back ----------------------------------------------------------

    def send_status_callback(
        self,
        message_sid: str,
        status: str,
        *,
        sign_with: str | None = None,
        error_code: int = 30003,
    ) -> int:
        """POST Twilio's status callback for a message to its StatusCallback URL.

        Signed with the account's auth token unless `sign_with` gives another one.
        `error_code` is sent only for failed/undelivered (30003: unreachable handset).
        Returns the HTTP status the application answered with.
        """
        message = next((m for m in self.messages if m["sid"] == message_sid), None)
        if message is None:
            raise KeyError(f"no accepted message with sid {message_sid}")
        url = message["status_callback"]
        if not url:
            raise ValueError(f"message {message_sid} was sent without a StatusCallback")
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "From": message["from"],
            "MessageSid": message_sid,
            "MessageStatus": status,
            "SmsSid": message_sid,
            "SmsStatus": status,
            "To": message["to"],
        }
        if status in _FAILED_STATUSES:
            params["ErrorCode"] = str(error_code)
        signature = twilio_signature(sign_with or self.auth_token, url, params)
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(params).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
                "User-Agent": "TwilioProxy/1.1",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    # -- request handling (called from server threads) ---------------------------------------

    def _handle(
        self, method: str, path: str, headers: Mapping[str, str], raw_body: bytes
    ) -> tuple[int, dict[str, Any]]:
        form = {
            key: values[-1]
            for key, values in urllib.parse.parse_qs(
                raw_body.decode("utf-8"), keep_blank_values=True
            ).items()
        }
        with self._changed:
            self._requests.append(
                {
                    "method": method,
                    "path": path,
                    "form": form,
                    "authorization": headers.get("Authorization"),
                    "received_at": datetime.now(timezone.utc),
                }
            )
            hang_seconds, self._next_hang_seconds = self._next_hang_seconds, 0.0
        if hang_seconds:
            self._stopping.wait(hang_seconds)

        with self._changed:
            if self._outage:
                return _error(503, 20503, "Service Unavailable")
            match = _MESSAGES_PATH.match(urllib.parse.urlsplit(path).path)
            if match is None:
                return _error(404, 20404, "The requested resource was not found")
            if method != "POST":
                return _error(405, 20004, "Method not allowed")
            if not self._is_authorised(headers.get("Authorization")):
                return _error(401, 20003, "Authenticate")
            if match["account_sid"] != self.account_sid:
                return _error(404, 20404, "The requested resource was not found")
            if self._planned_failures:
                status, code, message = self._planned_failures.pop(0)
                return _error(status, code, message or HTTPStatus(status).phrase)
            problem = _invalid_message_problem(form)
            if problem is not None:
                return problem
            record = self._accept(form)
            self._changed.notify_all()
        return 201, self._message_resource(record)

    def _is_authorised(self, authorization: str | None) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return authorization == f"Basic {expected}"

    def _accept(self, form: Mapping[str, str]) -> dict[str, Any]:
        record = {
            "sid": "SM" + uuid.uuid4().hex,
            "to": form["To"],
            "from": form["From"],
            "body": form["Body"],
            "status_callback": form.get("StatusCallback"),
            "received_at": datetime.now(timezone.utc),
        }
        self._messages.append(record)
        return record

    def _message_resource(self, record: Mapping[str, Any]) -> dict[str, Any]:
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{record['sid']}"
        created = format_datetime(record["received_at"])
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": record["body"],
            "date_created": created,
            "date_sent": None,
            "date_updated": created,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": record["from"],
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": str(segment_count(record["body"])),
            "price": None,
            "price_unit": "USD",
            "sid": record["sid"],
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": record["to"],
            "uri": f"{uri}.json",
        }


def _invalid_message_problem(form: Mapping[str, str]) -> tuple[int, dict[str, Any]] | None:
    to = form.get("To", "")
    if not to:
        return _error(400, 21604, "A 'To' phone number is required.")
    if not _E164.match(to):
        return _error(400, 21211, f"Invalid 'To' Phone Number: {to}")
    if not form.get("From"):
        return _error(400, 21603, "A 'From' phone number is required.")
    if not form.get("Body"):
        return _error(400, 21602, "Message body is required.")
    if len(form["Body"]) > 1600:
        return _error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
    return None


def _error(status: int, code: int | None, message: str) -> tuple[int, dict[str, Any]]:
    payload: dict[str, Any] = {"message": message, "status": status}
    if code is not None:
        payload["code"] = code
        payload["more_info"] = f"https://www.twilio.com/docs/errors/{code}"
    return status, payload


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so a stopped fake refuses the next send
        # instead of answering on a kept-alive connection.
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            self._respond()

        def do_POST(self) -> None:
            self._respond()

        def _respond(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw_body = self.rfile.read(length) if length else b""
            status, payload = fake._handle(self.command, self.path, self.headers, raw_body)
            encoded = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (timeout tests)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler
