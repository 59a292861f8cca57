"""Rasa's own command line, with the Twilio client pointed at the benchmark's fake Twilio API.

Rasa's stock Twilio channel sends each reply with a `twilio.rest.Client`, which always talks to
https://api.twilio.com. For the baseline we start Rasa through this wrapper: it moves the
client's API base URL to `BENCH_TWILIO_API_URL` (the way `bot/sms/gateway.py` does for Nadir)
and then hands over to `rasa`'s CLI unchanged. Nothing else about the stock channel changes.

    python -m bench.baseline_rasa run --model ... --credentials ...
"""

from __future__ import annotations

import os
import sys

API_URL_ENV = "BENCH_TWILIO_API_URL"


def point_twilio_at(api_url: str) -> None:
    from twilio.rest.api.ApiBase import ApiBase

    stock_init = ApiBase.__init__

    def init(self: ApiBase, twilio: object) -> None:
        stock_init(self, twilio)
        self.base_url = api_url

    ApiBase.__init__ = init  # type: ignore[method-assign]


def main() -> None:
    api_url = os.environ.get(API_URL_ENV, "").strip()
    if not api_url:
        raise SystemExit(f"{API_URL_ENV} is not set: refusing to send SMS to the real Twilio")
    point_twilio_at(api_url.rstrip("/"))
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
