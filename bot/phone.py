"""Phone numbers in any common format, normalised to E.164."""

from __future__ import annotations

import phonenumbers


class InvalidPhoneNumber(ValueError):
    pass


def normalise_phone(raw: str, default_region: str = "US") -> str:
    """Return `raw` as E.164 ("+16175550100"), or raise InvalidPhoneNumber with a kind message."""
    text = (raw or "").strip()
    if text.lower().startswith(("whatsapp:", "sms:", "tel:")):
        text = text.split(":", 1)[1]
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text or len(text) > 40:
        raise InvalidPhoneNumber(f"{raw!r} is not a phone number")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber(f"{raw!r} is not a phone number") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise InvalidPhoneNumber(f"{raw!r} does not look like a complete phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
