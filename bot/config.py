"""Settings, built by a function from the environment (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clinical.model import Clinic
from bot.clinical.profiles import RuleProfile, get_profile

DEFAULT_TWILIO_API_URL = "https://api.twilio.com"
DEFAULT_WHEN_TO_CALL = (
    "Call {phone} day or night for 100.4F (38C) or higher, chills, or feeling unwell."
)


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    from_number: str
    api_url: str = DEFAULT_TWILIO_API_URL
    webhook_url: str | None = None  # the public URL Twilio posts inbound SMS to (signatures)
    status_callback_url: str | None = None


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    clinic: Clinic
    timezone: ZoneInfo
    profile: RuleProfile
    ack_minutes: int  # page the next backup after this long without acknowledgement
    default_region: str  # for phone numbers written without a country code
    twilio: TwilioSettings | None  # None: outbound SMS are recorded and printed, not sent
    rasa_port: int
    action_port: int
    # Rasa server processes; they share conversation locks through files (bot/rasa_lock_store.py)
    rasa_workers: int = 1
    # ends every answer about fever or symptoms; "{phone}" becomes the 24-hour number
    when_to_call: str = DEFAULT_WHEN_TO_CALL


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _twilio(env: Mapping[str, str]) -> TwilioSettings | None:
    names = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER")
    values = [env.get(name, "").strip() for name in names]
    if not any(values):
        return None
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise ConfigError(f"Twilio is half configured: set {', '.join(missing)} too (or none)")
    sid, token, number = values
    return TwilioSettings(
        account_sid=sid,
        auth_token=token,
        from_number=number,
        api_url=env.get("TWILIO_API_URL", "").strip().rstrip("/") or DEFAULT_TWILIO_API_URL,
        webhook_url=env.get("TWILIO_WEBHOOK_URL", "").strip() or None,
        status_callback_url=env.get("TWILIO_STATUS_CALLBACK_URL", "").strip() or None,
    )


def default_rasa_workers() -> int:
    """One Rasa process per core, up to two: each one costs about 200 MB more memory."""
    return max(1, min(2, os.cpu_count() or 1))


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read every setting from `env` (default: the process environment)."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("NADIR_DATA_DIR", "").strip() or "var")
    database_url = env.get("DATABASE_URL", "").strip() or f"sqlite:///{data_dir / 'nadir.db'}"
    tz_name = env.get("NADIR_TIMEZONE", "").strip() or "America/New_York"
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"NADIR_TIMEZONE {tz_name!r} is not a known time zone") from None
    profile_name = env.get("NADIR_RULE_PROFILE", "").strip() or "default"
    try:
        profile = get_profile(profile_name)
    except ValueError as error:
        raise ConfigError(f"NADIR_RULE_PROFILE: {error}") from None
    clinic = Clinic(
        name=env.get("NADIR_CLINIC_NAME", "").strip() or "Demo Oncology Clinic",
        phone_24h=env.get("NADIR_CLINIC_PHONE", "").strip() or "555-0100",
        emergency_number=env.get("NADIR_EMERGENCY_NUMBER", "").strip() or "911",
    )
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        clinic=clinic,
        timezone=timezone,
        profile=profile,
        ack_minutes=_int(env, "NADIR_ACK_MINUTES", 10, minimum=1),
        default_region=env.get("NADIR_DEFAULT_REGION", "").strip().upper() or "US",
        twilio=_twilio(env),
        rasa_port=_int(env, "RASA_PORT", 5005, minimum=1),
        action_port=_int(env, "ACTION_PORT", 5055, minimum=1),
        rasa_workers=_int(env, "NADIR_RASA_WORKERS", default_rasa_workers(), minimum=1),
        when_to_call=env.get("NADIR_WHEN_TO_CALL", "").strip() or DEFAULT_WHEN_TO_CALL,
    )
