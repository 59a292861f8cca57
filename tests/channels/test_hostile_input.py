"""1,000 random and hostile requests through the real channel: never a server error, and only a
validly signed SMS with a sender and a MessageSid is ever stored, once."""

from __future__ import annotations

import random
import re
import string
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import select

from bot.channels.twilio_sms import parse_form
from bot.db.models import (
    Caregiver,
    Escalation,
    FeverReducerRow,
    InboundMessage,
    Patient,
    SymptomReportRow,
    TemperatureReadingRow,
)
from bot.db.session import unit_of_work
from tests.channels.conftest import PUBLIC_WEBHOOK_URL, ChannelServer, sign
from tests.conftest import PRIMARY_PHONE

SEED = 20261121
REQUESTS = 1000
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Unicode blocks people and attackers send: scripts, emoji, joiners, bidi marks, private use.
_BLOCKS = [
    (0x20, 0x7E),
    (0x00, 0x1F),
    (0x7F, 0x9F),
    (0xA0, 0x24F),
    (0x370, 0x3FF),
    (0x400, 0x4FF),
    (0x590, 0x6FF),
    (0x900, 0x97F),
    (0x4E00, 0x4FFF),
    (0x1F300, 0x1F64F),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0xFE00, 0xFE0F),
    (0xE000, 0xE0FF),
]
_INJECTIONS = [
    "Body=x&From=+15555550100",
    "x&MessageSid=SMdeadbeef&From=%2B16175550101",
    "%26From%3D%2B16175550101",
    "'; DROP TABLE patients; --",
    "<Response><Message to='+15555550100'>pwned</Message></Response>",
    "]]><!--",
    "{{7*7}} ${jndi:ldap://x/a} %s%s%n",
    "\r\nX-Twilio-Signature: forged\r\n\r\n",
    "../../../etc/passwd\x00",
    "\ud83d\ude00".encode("utf-16", "surrogatepass").decode("utf-16"),
    "\u202eevil\u202c 38.9",
    "A\u0301\u0302\u0303\u0304\u0305\u0306" * 40,
]
VALID_SENDERS = ["+16175550177", "(617) 555-0178", "617.555.0179", "1 617 555 0180", PRIMARY_PHONE]
INVALID_SENDERS = ["", "abc", "+1", "'; DROP TABLE caregivers; --", "9" * 45, "☎☎☎", "whatsapp:"]


@dataclass
class Request:
    pairs: list[tuple[str, str]]
    signature: str  # valid | forged | missing | tampered | other_url
    raw: bytes | None = None


def _unicode_soup(rng: random.Random, length: int) -> str:
    chars = []
    for _ in range(length):
        low, high = rng.choice(_BLOCKS)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def _body(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        return _unicode_soup(rng, rng.randint(0, 160))
    if kind < 0.6:
        return rng.choice(_INJECTIONS)
    if kind < 0.7:
        return _unicode_soup(rng, 10_000)  # 10 kB and more
    if kind < 0.8:
        return "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 400)))
    if kind < 0.9:
        return rng.choice(["", " ", "\x00", "\t\n", "🙂" * rng.randint(1, 70)])
    return f"temp {rng.uniform(30, 110):.1f} " + _unicode_soup(rng, 20)


def _sid(rng: random.Random, used: list[str]) -> str | None:
    kind = rng.random()
    if kind < 0.1 and used:
        return rng.choice(used)  # a redelivery
    if kind < 0.15:
        return None
    if kind < 0.2:
        return rng.choice(
            ["", "SM", "SM-1234", "SM 12", "SMé12", "SM" + "a" * rng.randint(63, 5000)]
        )
    return "SM" + "".join(rng.choice("0123456789abcdef") for _ in range(32))


def _request(rng: random.Random, used: list[str]) -> Request:
    pairs: list[tuple[str, str]] = []
    sid = _sid(rng, used)
    if sid is not None:
        pairs.append(("MessageSid", sid))
    sender_kind = rng.random()
    if sender_kind < 0.7:
        pairs.append(("From", rng.choice(VALID_SENDERS)))
    elif sender_kind < 0.85:
        pairs.append(("From", rng.choice(INVALID_SENDERS)))
    if rng.random() < 0.15:  # repeated fields: the first one counts, all are signed
        pairs.append(("From", rng.choice(VALID_SENDERS + INVALID_SENDERS)))
        pairs.append(("Body", _body(rng)))
    pairs += [("To", "+16175550000"), ("Body", _body(rng))]
    pairs.append(("NumMedia", rng.choice(["0", "0", "1", "", "-1", "9" * 30])))
    if rng.random() < 0.1:
        pairs += [(_unicode_soup(rng, 8), _unicode_soup(rng, 8)) for _ in range(rng.randint(1, 20))]
    rng.shuffle(pairs)
    signature = rng.choices(
        ["valid", "forged", "missing", "tampered", "other_url"], weights=[6, 1, 1, 1, 1]
    )[0]
    raw = None
    if rng.random() < 0.03:
        raw = "&".join(f"f{i}=x" for i in range(rng.randint(201, 400))).encode()
    elif rng.random() < 0.03:
        raw = urllib.parse.urlencode(pairs).encode() + b"&Body=\xff\xfe\xc3(\x80"
    return Request(pairs, signature, raw)


def _expected(request: Request) -> tuple[int, str | None]:
    """The status the channel must answer, and the MessageSid it must store (if any)."""
    form_pairs = request.pairs
    if request.raw is not None:
        try:
            form = parse_form(request.raw)
        except ValueError:  # more fields than any SMS webhook has
            return 400, None
        form_pairs = [(name, value) for name, values in form.items() for value in values]
    if request.signature != "valid":
        return 403, None
    sid = next((value for name, value in form_pairs if name == "MessageSid"), "")
    sender = next((value for name, value in form_pairs if name == "From"), "")
    if not re.fullmatch(r"[A-Za-z0-9]{2,64}", sid.strip()):
        return 400, None
    if sender not in VALID_SENDERS:
        return 400, None
    return 200, sid


def _send(channel: ChannelServer, request: Request) -> tuple[int, str]:
    signed_pairs = request.pairs
    if request.raw is not None:
        try:
            parsed = parse_form(request.raw)
        except ValueError:
            parsed = {}
        signed_pairs = [(name, value) for name, values in parsed.items() for value in values]
    if request.signature == "missing":
        return channel.post(request.pairs, signature=None, raw_body=request.raw)
    if request.signature == "forged":
        return channel.post(request.pairs, signature="Zm9yZ2Vk" * 3, raw_body=request.raw)
    if request.signature == "other_url":
        signature = sign(channel.auth_token, channel.webhook_url, signed_pairs)
        return channel.post(request.pairs, signature=signature, raw_body=request.raw)
    signature = sign(channel.auth_token, PUBLIC_WEBHOOK_URL, signed_pairs)
    if request.signature == "tampered":
        if request.raw is not None:
            tampered_raw = request.raw + b"&Body=added+after+signing"
            return channel.post(request.pairs, signature=signature, raw_body=tampered_raw)
        tampered = [*request.pairs, ("Body", "added after signing")]
        return channel.post(tampered, signature=signature)
    return channel.post(request.pairs, signature=signature, raw_body=request.raw)


def test_a_thousand_hostile_requests_get_no_server_error_and_store_nothing_wrongly(
    channel: ChannelServer,
) -> None:
    rng = random.Random(SEED)
    seen_sids: list[str] = []
    requests = []
    for _ in range(REQUESTS):
        request = _request(rng, seen_sids)
        seen_sids += [value for name, value in request.pairs if name == "MessageSid" and value]
        requests.append(request)
    expected = [_expected(request) for request in requests]
    expected_sids = {sid for _, sid in expected if sid is not None}

    # four at once, as Twilio and attackers would send them; redeliveries may overlap
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda request: _send(channel, request), requests))
    channel.settle()

    for number, ((status, body), (expected_status, _)) in enumerate(
        zip(answers, expected, strict=True)
    ):
        assert status == expected_status, (number, requests[number])
        assert status != 200 or body == TWIML
    with unit_of_work(channel.rt.sessions) as session:
        stored = list(session.execute(select(InboundMessage.message_sid)).scalars())
        assert sorted(stored) == sorted(expected_sids)  # each signed SMS once, nothing else
        for model in (TemperatureReadingRow, SymptomReportRow, FeverReducerRow, Escalation):
            assert session.execute(select(model)).first() is None, model.__name__
        assert not any(p.opted_out for p in session.execute(select(Patient)).scalars())
        assert not any(c.opted_out for c in session.execute(select(Caregiver)).scalars())
    turns = channel.agent.messages
    assert len({m.message_id for m in turns}) == len(turns)  # no MessageSid reached Rasa twice
    assert {m.message_id for m in turns} <= expected_sids
    assert all(m.text and len(m.text) <= 1600 and not _CONTROL.search(m.text) for m in turns)
    assert len(expected_sids) > 300 and len(turns) > 100  # the run exercised the happy path too
