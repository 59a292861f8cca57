"""Posting forms to Nadir's webhooks the way Twilio does, signature included."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from tests.support.fake_twilio import twilio_signature


def post_form(
    url: str,
    form: Mapping[str, str],
    *,
    auth_token: str,
    signature: str | None = "valid",
    signed_url: str | None = None,
    raw_body: bytes | None = None,
    timeout: float = 20.0,
) -> tuple[int, str]:
    """POST `form` to `url`. `signature="valid"` signs it for `signed_url` (default `url`), as
    Twilio would; any other string is sent as the signature, None sends no signature header."""
    if signature == "valid":
        signature = twilio_signature(auth_token, signed_url or url, form)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    body = raw_body if raw_body is not None else urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
