"""Per-process wiring: settings, database and SMS gateway, built once on first use."""

from __future__ import annotations

import functools
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.config import Settings, load_settings
from bot.db.session import make_engine, make_session_factory
from bot.sms.gateway import ConsoleGateway, SmsGateway, TwilioGateway

LOCAL_AUTH_TOKEN_ENV = "NADIR_LOCAL_AUTH_TOKEN"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    gateway: SmsGateway

    @property
    def sends_real_sms(self) -> bool:
        return self.settings.twilio is not None

    @property
    def webhook_auth_token(self) -> str:
        """The key inbound webhooks are signed with: Twilio's auth token, or a local one in dev."""
        if self.settings.twilio is not None:
            return self.settings.twilio.auth_token
        return os.environ.get(LOCAL_AUTH_TOKEN_ENV) or _process_local_token()


@functools.lru_cache(maxsize=1)
def _process_local_token() -> str:
    return secrets.token_hex(16)


def make_gateway(settings: Settings) -> SmsGateway:
    if settings.twilio is None:
        return ConsoleGateway()
    return TwilioGateway(
        account_sid=settings.twilio.account_sid,
        auth_token=settings.twilio.auth_token,
        from_number=settings.twilio.from_number,
        api_base_url=settings.twilio.api_url,
    )


def build_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url)
    return Runtime(settings, engine, make_session_factory(engine), make_gateway(settings))


@functools.lru_cache(maxsize=1)
def runtime() -> Runtime:
    """The runtime of this process, from the environment; built on first call, not at import."""
    return build_runtime(load_settings())
