"""Nadir's SMS input channel for Rasa, at Rasa's standard path POST /webhooks/twilio/webhook,
and Twilio's delivery status callbacks at POST /webhooks/twilio/status.

Unlike Rasa's stock Twilio channel it checks Twilio's signature, processes each MessageSid once
(a unique row in the database, so it holds across restarts and processes), answers Twilio at once
with empty TwiML and does the work in the background, and sends replies through the persisted
outbox so a send can never block the event loop or raise into Rasa. STOP, START and HELP are
answered here, before Rasa, the way carriers expect.
"""

from __future__ import annotations

import asyncio
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import IntegrityError
from twilio.request_validator import RequestValidator

from bot.config import Settings
from bot.db.models import InboundMessage
from bot.db.session import unit_of_work
from bot.phone import InvalidPhoneNumber, normalise_phone
from bot.runtime import Runtime, runtime, utc_now
from bot.services import escalation, messaging

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_BODY_CHARS = 1600  # Twilio's own limit for one inbound message
# Twilio's are 34 characters ("SM" or "MM" and 32 hex digits); anything odd is refused, not cut,
# so two different ids can never collide into one.
_MESSAGE_SID = re.compile(r"[A-Za-z0-9]{2,64}")
SIGNATURE_HEADER = "X-Twilio-Signature"


class FormFields(dict):
    """Form fields as Twilio signed them: every name, blank values included, multi-valued."""

    def getlist(self, name: str) -> list[str]:
        return self[name]

    def first(self, name: str) -> str | None:
        values = self.get(name)
        return values[0] if values else None


def parse_form(body: bytes) -> FormFields:
    # Sanic drops blank fields ("Body="), which would break the signature of an empty SMS.
    text = body.decode("utf-8", errors="replace")
    return FormFields(urllib.parse.parse_qs(text, keep_blank_values=True, max_num_fields=200))


def signed_url(configured: str | None, request: Request) -> str:
    """The URL Twilio signed: the configured public one (behind a proxy), else what we received."""
    if not configured:
        return request.url
    if request.query_string and "?" not in configured:
        return f"{configured}?{request.query_string}"
    return configured


def signature_ok(auth_token: str, url: str, request: Request, form: FormFields) -> bool:
    signature = request.headers.get(SIGNATURE_HEADER, "")
    return bool(signature) and RequestValidator(auth_token).validate(url, form, signature)


def _signed_form(
    request: Request, auth_token: str, url: str, what: str
) -> FormFields | HTTPResponse:
    """The form of a request Twilio signed for `url`, or the answer to give instead (400, 403)."""
    try:
        form = parse_form(request.body or b"")
    except ValueError:  # more fields than any SMS webhook has
        return response.text("malformed form", status=400)
    if not signature_ok(auth_token, url, request, form):
        # never the message text: a forged request may carry anything
        logger.warning("refused %s from %s: bad or missing signature for %s", what, request.ip, url)
        return response.text("invalid signature", status=403)
    return form


def _twiml() -> HTTPResponse:
    return response.text(EMPTY_TWIML, content_type="text/xml")


class OutboxOutput(OutputChannel):
    """Every reply becomes an outbox row; delivery happens off the event loop.

    An action marks a reply carrying urgent or emergency advice with `urgent=True` (extra
    arguments of `dispatcher.utter_message` arrive here as keyword arguments), so it still
    reaches a number that texted STOP.
    """

    def __init__(self, rt: Runtime) -> None:
        self._runtime = rt

    @classmethod
    def name(cls) -> str:
        return "twilio"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        loop = asyncio.get_running_loop()
        urgent = kwargs.get("urgent") is True
        try:
            await loop.run_in_executor(
                None, lambda: messaging.send_reply(self._runtime, recipient_id, text, urgent=urgent)
            )
        except Exception:  # a reply that cannot be queued must not take Rasa down
            logger.exception("could not queue a reply")

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        # SMS has no buttons: number the choices instead
        lines = [text] + [f"{i}. {b.get('title', '')}" for i, b in enumerate(buttons, start=1)]
        await self.send_text_message(recipient_id, "\n".join(lines), **kwargs)


class TwilioSmsInput(InputChannel):
    def __init__(self, webhook_url: str | None = None) -> None:
        self._webhook_url = webhook_url

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(webhook_url=credentials.get("webhook_url") or None)

    def get_output_channel(self) -> OutputChannel:
        return OutboxOutput(runtime())

    def _inbound_url(self, rt: Runtime) -> str | None:
        return self._webhook_url or (rt.settings.twilio.webhook_url if rt.settings.twilio else None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's stock channel already uses the name "twilio_webhook"
        bp = Blueprint("nadir_twilio_sms", __name__)
        background: set[asyncio.Task] = set()

        def in_background(work: Awaitable[Any]) -> None:
            task = asyncio.ensure_future(work)
            background.add(task)
            task.add_done_callback(background.discard)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            rt = runtime()
            url = signed_url(self._inbound_url(rt), request)
            form = _signed_form(request, rt.webhook_auth_token, url, "an inbound SMS webhook")
            if isinstance(form, HTTPResponse):
                return form
            sid = (form.first("MessageSid") or "").strip()
            if not _MESSAGE_SID.fullmatch(sid):
                return response.text("signature valid; missing or malformed MessageSid", 400)
            try:
                phone = normalise_phone(form.first("From") or "", rt.settings.default_region)
            except InvalidPhoneNumber:
                return response.text("signature valid; missing or invalid From", status=400)
            text = messaging.clean_inbound_text(form.first("Body"))[:MAX_BODY_CHARS]
            had_media = (form.first("NumMedia") or "0").strip() not in {"", "0"}
            loop = asyncio.get_running_loop()
            try:
                first_delivery = await loop.run_in_executor(
                    None, _claim_message, rt, sid, phone, text
                )
            except Exception:
                logger.exception("could not record inbound message %s", sid)
                return response.text("try again later", status=503)
            if first_delivery:
                in_background(
                    _process(rt, on_new_message, sid, phone, text, had_media, self.name())
                )
            return _twiml()

        @bp.route("/status", methods=["POST"])
        async def delivery_status(request: Request) -> HTTPResponse:
            rt = runtime()
            configured = rt.settings.twilio.status_callback_url if rt.settings.twilio else None
            url = signed_url(configured, request)
            form = _signed_form(request, rt.webhook_auth_token, url, "a status callback")
            if isinstance(form, HTTPResponse):
                return form
            sid = (form.first("MessageSid") or form.first("SmsSid") or "").strip()
            status = (form.first("MessageStatus") or form.first("SmsStatus") or "").strip().lower()
            if not _MESSAGE_SID.fullmatch(sid):
                return response.text("signature valid; missing or malformed MessageSid", 400)
            loop = asyncio.get_running_loop()
            error_code = (form.first("ErrorCode") or "").strip()[:10] or None
            try:
                outcome = await loop.run_in_executor(
                    None, messaging.record_delivery_status, rt, sid, status, error_code
                )
            except Exception:
                logger.exception("could not record the status of %s", sid)
                return response.text("try again later", status=503)
            if not outcome.known:
                logger.info("status %r for %s: no such outbound message, ignored", status[:20], sid)
            if outcome.next_member_paged:
                logger.warning("page %s was %s: paging the next care-team member", sid, status)
                in_background(loop.run_in_executor(None, _flush_outbox, rt))
            return response.empty()

        return bp


async def _process(
    rt: Runtime,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    sid: str,
    phone: str,
    text: str,
    had_media: bool,
    channel_name: str,
) -> None:
    """Everything after the 200 to Twilio: keywords, care-team commands, or a Rasa turn."""
    loop = asyncio.get_running_loop()
    try:
        if not text:
            reply = messaging.empty_message_reply(had_media)
            await loop.run_in_executor(None, messaging.send_reply, rt, phone, reply)
            return
        keyword = messaging.sms_keyword(text)
        if keyword is not None:
            # STOP, START and HELP never reach Rasa (a pending report question stays pending)
            await loop.run_in_executor(None, messaging.handle_keyword, rt, phone, keyword)
            return
        # Care-team numbers never enter a patient conversation: they reach the commands.
        if await loop.run_in_executor(None, messaging.handle_care_team_text, rt, phone, text):
            return
        message = UserMessage(
            text,
            OutboxOutput(rt),
            phone,
            input_channel=channel_name,
            message_id=sid,
            metadata={"MessageSid": sid, "NumMedia": "1" if had_media else "0"},
        )
        await on_new_message(message)
    except Exception:
        logger.exception("processing inbound message %s failed", sid)
        try:
            reply = messaging.turn_failed_reply(rt)
            await loop.run_in_executor(None, messaging.send_reply, rt, phone, reply)
        except Exception:
            logger.exception("could not queue the apology for %s", sid)


def _flush_outbox(rt: Runtime) -> None:
    try:
        escalation.flush_outbox(rt)
    except Exception:  # the worker sends it within a second anyway
        logger.exception("could not send the next page at once")


def _claim_message(rt: Runtime, sid: str, phone: str, text: str) -> bool:
    """Record the inbound message; False when this MessageSid was already processed."""
    try:
        with unit_of_work(rt.sessions) as session:
            session.add(
                InboundMessage(message_sid=sid, phone=phone, body=text, received_at=utc_now())
            )
    except IntegrityError:
        return False
    return True


# --- checking the set-up (nadir check-webhook) --------------------------------------------------

CHECK_SID = "SM" + "0" * 24 + "c4ec4ec4"  # no real message has it: a probe changes nothing


@dataclass(frozen=True)
class ProbeResult:
    name: str
    url: str
    ok: bool
    detail: str


def _post(url: str, form: dict[str, str], signature: str, timeout: float) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={SIGNATURE_HEADER: signature, "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read(2000).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(2000).decode(errors="replace")


def probe(
    name: str,
    url: str,
    auth_token: str,
    form: dict[str, str],
    accepted: Callable[[int, str], bool],
    timeout: float = 10.0,
) -> ProbeResult:
    """Post `form` to `url` twice, signed with a wrong key and then the way Twilio signs it."""
    validator = RequestValidator(auth_token)
    try:
        forged_status, _ = _post(url, form, validator.compute_signature(url, {}), timeout)
        status, text = _post(url, form, validator.compute_signature(url, form), timeout)
    except (OSError, ValueError) as error:
        return ProbeResult(name, url, False, f"could not reach it: {error}")
    if forged_status != 403:
        return ProbeResult(
            name,
            url,
            False,
            f"a wrongly signed request got {forged_status}, not 403: is this Nadir?",
        )
    if status == 403:
        return ProbeResult(
            name,
            url,
            False,
            "Nadir refused a request signed the way Twilio signs it. Either its "
            "TWILIO_AUTH_TOKEN differs from this one, or it sees another URL (a proxy): set "
            "TWILIO_WEBHOOK_URL / TWILIO_STATUS_CALLBACK_URL on the server to exactly this URL.",
        )
    if not accepted(status, text):
        return ProbeResult(name, url, False, f"unexpected answer {status}: {text[:200]}")
    return ProbeResult(name, url, True, "signatures are checked, and Twilio's will be accepted")


def check_webhooks(
    settings: Settings,
    *,
    inbound_url: str | None = None,
    status_url: str | None = None,
    timeout: float = 10.0,
) -> list[ProbeResult]:
    """Probe the public URLs Twilio will call. The probes are built so that Nadir stores and
    sends nothing: the inbound one has no sender, the status one names no real message."""
    if settings.twilio is None:
        return [
            ProbeResult(
                "setup",
                "",
                False,
                "Twilio is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                "TWILIO_NUMBER",
            )
        ]
    token = settings.twilio.auth_token
    inbound_url = inbound_url or settings.twilio.webhook_url
    status_url = status_url or settings.twilio.status_callback_url
    results = []
    if inbound_url:
        results.append(
            probe(
                "inbound SMS",
                inbound_url,
                token,
                {"AccountSid": settings.twilio.account_sid, "Body": "nadir check-webhook"},
                lambda status, text: status == 400 and "signature valid" in text,
                timeout,
            )
        )
    else:
        results.append(
            ProbeResult(
                "inbound SMS",
                "",
                False,
                "set TWILIO_WEBHOOK_URL (or pass --url) to the public URL of "
                "/webhooks/twilio/webhook",
            )
        )
    if status_url:
        results.append(
            probe(
                "status callback",
                status_url,
                token,
                {"MessageSid": CHECK_SID, "MessageStatus": "sent", "SmsSid": CHECK_SID},
                lambda status, _: 200 <= status < 300,
                timeout,
            )
        )
    else:
        results.append(
            ProbeResult(
                "status callback",
                "",
                False,
                "TWILIO_STATUS_CALLBACK_URL is not set: Nadir will not learn that a page was "
                "undelivered (pages are still retried and failed sends still go to the backup)",
            )
        )
    return results
