"""Nadir's SMS input channel for Rasa, at Rasa's standard path POST /webhooks/twilio/webhook.

Unlike Rasa's stock Twilio channel it checks Twilio's signature, processes each MessageSid once
(a unique row in the database, so it holds across restarts and processes), answers Twilio at once
with empty TwiML and runs the turn in the background, and sends replies through the persisted
outbox so a send can never block the event loop or raise into Rasa.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import IntegrityError
from twilio.request_validator import RequestValidator

from bot.db.models import InboundMessage
from bot.db.session import unit_of_work
from bot.phone import InvalidPhoneNumber, normalise_phone
from bot.runtime import Runtime, runtime, utc_now
from bot.services import messaging

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_BODY_CHARS = 1600  # Twilio's own limit for one inbound message


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


def _twiml() -> HTTPResponse:
    return response.text(EMPTY_TWIML, content_type="text/xml")


class OutboxOutput(OutputChannel):
    """Every reply becomes an outbox row; delivery happens off the event loop."""

    def __init__(self, rt: Runtime) -> None:
        self._runtime = rt

    @classmethod
    def name(cls) -> str:
        return "twilio"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                None, messaging.send_reply, self._runtime, recipient_id, text
            )
        except Exception:  # a reply that cannot be queued must not take Rasa down
            logger.exception("could not queue a reply")

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        # SMS has no buttons: number the choices instead
        lines = [text] + [f"{i}. {b.get('title', '')}" for i, b in enumerate(buttons, start=1)]
        await self.send_text_message(recipient_id, "\n".join(lines))


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

    def _signature_ok(self, rt: Runtime, request: Request, form: FormFields) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature:
            return False
        url = self._webhook_url or (rt.settings.twilio.webhook_url if rt.settings.twilio else None)
        if url and request.query_string:
            url = f"{url}?{request.query_string}"
        url = url or request.url
        return RequestValidator(rt.webhook_auth_token).validate(url, form, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's stock channel already uses the name "twilio_webhook"
        bp = Blueprint("nadir_twilio_sms", __name__)
        background: set[asyncio.Task] = set()

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            rt = runtime()
            try:
                form = parse_form(request.body or b"")
            except ValueError:  # more fields than any SMS webhook has
                return response.text("malformed form", status=400)
            if not self._signature_ok(rt, request, form):
                logger.warning("rejected an inbound SMS webhook with a bad or missing signature")
                return response.text("invalid signature", status=403)
            sid = (form.first("MessageSid") or "").strip()[:64]
            try:
                phone = normalise_phone(form.first("From") or "", rt.settings.default_region)
            except InvalidPhoneNumber:
                return response.text("missing or invalid From", status=400)
            text = messaging.clean_inbound_text(form.first("Body"))[:MAX_BODY_CHARS]
            media = form.first("NumMedia") or "0"
            loop = asyncio.get_running_loop()
            first_delivery = await loop.run_in_executor(None, _claim_message, rt, sid, phone, text)
            if not first_delivery:
                return _twiml()
            if not text:
                await loop.run_in_executor(
                    None,
                    messaging.send_reply,
                    rt,
                    phone,
                    messaging.empty_message_reply(media != "0"),
                )
                return _twiml()
            # Care-team numbers never enter a patient conversation: they reach the commands.
            if await loop.run_in_executor(None, messaging.handle_care_team_text, rt, phone, text):
                return _twiml()
            message = UserMessage(
                text,
                OutboxOutput(rt),
                phone,
                input_channel=self.name(),
                message_id=sid or None,
                metadata={"MessageSid": sid, "NumMedia": media},
            )
            task = asyncio.create_task(_handle(on_new_message, message))
            background.add(task)
            task.add_done_callback(background.discard)
            return _twiml()

        return bp


async def _handle(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage
) -> None:
    try:
        await on_new_message(message)
    except Exception:
        logger.exception("a conversation turn failed")
        loop = asyncio.get_running_loop()
        rt = runtime()
        await loop.run_in_executor(
            None, messaging.send_reply, rt, message.sender_id, messaging.turn_failed_reply(rt)
        )


def _claim_message(rt: Runtime, sid: str, phone: str, text: str) -> bool:
    """Record the inbound message; False when this MessageSid was already processed."""
    try:
        with unit_of_work(rt.sessions) as session:
            session.add(
                InboundMessage(
                    message_sid=sid or None, phone=phone, body=text, received_at=utc_now()
                )
            )
    except IntegrityError:
        return False
    return True
