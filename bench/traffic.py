"""Simulated patients texting the webhook, and a fake Twilio API that timestamps every reply.

The message mix: about 60 % questions (held-out wording from tests/nlu/heldout.yml, screened so
that none carries a temperature or symptom), 30 % reports that must not page (a normal
temperature, the "0" answer to the symptom checklist, "36.9 no symptoms") and 10 % reports that
must page the care team, each from a patient who has never texted before, so each must page
exactly once (a second report would join the open escalation, by design).

A patient's next message is sent only after the reply to the previous one has arrived and gone
quiet for `settle` seconds, so every SMS back can be matched to the message that caused it. In
the closed loop each conversation then pauses a further 0 to settle/2 seconds (seeded), and the
conversations start staggered, so that they behave like independent people and not one burst.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
import urllib.parse
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.stats import Kind, Sent, Sms
from bot.clinical.screen import screen_intent
from tests.support.fake_twilio import FakeTwilio, twilio_signature

# One regular patient's turns, repeated: six questions and three reports that must not page.
# A bare temperature makes Nadir ask the symptom checklist, which the next turn answers with 0.
SCRIPT: tuple[str, ...] = ("q", "q", "temp", "none", "q", "q", "complete", "q", "q")
TEMPERATURES = ("temp 37.1", "37.2", "my temp is 36.8", "98.9F", "36.9 oral", "temp is 37.3")
COMPLETE_REPORTS = ("36.9 no symptoms", "98.4 and no symptoms", "temp 37.0, no symptoms")
CHECKLIST_NONE = "0"
PAGING_REPORTS = ("101.5 and shaking", "38.6 and chills", "temp 39.1", "102.2F feel awful")
PAGING_EVERY = 10  # one message in ten must page
CONVERSATION_TURNS = 12  # then the conversation ends and another patient starts one


def load_questions(path: Path) -> list[str]:
    """Held-out questions that Nadir's clinical screen would not read as a report."""
    document = yaml.safe_load(path.read_text())
    questions = []
    for block in document.get("nlu", []):
        if not str(block.get("intent", "")).startswith("ask_"):
            continue
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text and screen_intent(text, None) is None:
                questions.append(text)
    return questions


def is_paging_turn(index: int, offset: int = 0) -> bool:
    """Every tenth message pages; `offset` staggers concurrent conversations."""
    return (index + offset) % PAGING_EVERY == PAGING_EVERY - 1


class TrafficPlan:
    """What each simulated patient says next. Deterministic for a given seed; thread-safe."""

    def __init__(
        self,
        questions: Sequence[str],
        regular_phones: Sequence[str],
        paging_phones: Sequence[str],
        seed: int = 7,
    ) -> None:
        if not questions:
            raise ValueError("no questions to ask")
        self._questions = list(questions)
        self._lock = threading.Lock()
        self._counter = seed
        # start each patient somewhere in the script, never on the checklist answer
        starts = [i for i, step in enumerate(SCRIPT) if step != "none"]
        self._position = {
            phone: starts[(i * 7 + seed) % len(starts)] for i, phone in enumerate(regular_phones)
        }
        self._paging = deque(paging_phones)

    @property
    def paging_left(self) -> int:
        return len(self._paging)

    def _pick(self, options: Sequence[str]) -> str:
        self._counter += 1
        return options[(self._counter * 2654435761) % 2**32 % len(options)]

    def next_regular(self, phone: str) -> tuple[Kind, str]:
        with self._lock:
            position = self._position[phone]
            self._position[phone] = (position + 1) % len(SCRIPT)
            step = SCRIPT[position]
            if step == "q":
                return Kind.QUESTION, self._pick(self._questions)
            if step == "temp":
                return Kind.REPORT, self._pick(TEMPERATURES)
            if step == "none":
                return Kind.REPORT, CHECKLIST_NONE
            return Kind.REPORT, self._pick(COMPLETE_REPORTS)

    def next_paging(self) -> tuple[str, Kind, str]:
        """A patient who has never texted, with a report that must page."""
        with self._lock:
            if not self._paging:
                raise RuntimeError("no fresh patients left for paging reports; enrol more")
            return self._paging.popleft(), Kind.PAGING, self._pick(PAGING_REPORTS)


class SmsBook:
    """Every SMS the fake Twilio accepted, by recipient, with waiting for replies."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._sms: list[Sms] = []
        self._last_at: dict[str, float] = {}

    def record(self, to: str, at: float, body: str) -> None:
        with self._changed:
            self._sms.append(Sms(to, at, body))
            self._last_at[to] = max(at, self._last_at.get(to, at))
            self._changed.notify_all()

    def all(self) -> list[Sms]:
        with self._changed:
            return list(self._sms)

    def last_at(self, phone: str) -> float | None:
        return self._last_at.get(phone)

    def wait_for_reply(self, phone: str, after: float, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(
                lambda: self._last_at.get(phone, float("-inf")) >= after, timeout
            )

    def wait_until_quiet(self, phone: str, quiet: float, timeout: float) -> None:
        """Return once no SMS has gone to `phone` for `quiet` seconds (or after `timeout`)."""
        deadline = time.perf_counter() + timeout
        while True:
            now = time.perf_counter()
            idle_for = now - self._last_at.get(phone, float("-inf"))
            if idle_for >= quiet or now >= deadline:
                return
            time.sleep(min(quiet - idle_for, deadline - now))


class StampingTwilio(FakeTwilio):
    """The tests' fake Twilio API, stamping each accepted message with `time.perf_counter()`
    when its request was read, and passing it to `listener`."""

    def __init__(self, listener: Callable[[str, float, str], None]) -> None:
        super().__init__()
        self._listener = listener
        self._arrival = threading.local()

    def _handle(
        self, method: str, path: str, headers: Mapping[str, str], raw_body: bytes
    ) -> tuple[int, dict[str, Any]]:
        self._arrival.at = time.perf_counter()
        return super()._handle(method, path, headers, raw_body)

    def _accept(self, form: Mapping[str, str]) -> dict[str, Any]:
        record = super()._accept(form)
        self._listener(record["to"], self._arrival.at, record["body"])
        return record


@dataclass(frozen=True)
class Webhook:
    url: str
    auth_token: str
    twilio_number: str


def post_sms(
    webhook: Webhook, phone: str, text: str, sid: str, timeout: float = 30.0
) -> tuple[float, float | None, int | None]:
    """POST one signed inbound SMS as Twilio would; returns (sent_at, seconds, HTTP status)."""
    form = {"MessageSid": sid, "From": phone, "To": webhook.twilio_number, "Body": text}
    form["NumMedia"] = "0"
    body = urllib.parse.urlencode(form).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio_signature(webhook.auth_token, webhook.url, form),
        "Connection": "close",
    }
    parts = urllib.parse.urlsplit(webhook.url)
    sent_at = time.perf_counter()
    try:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            connection.request("POST", parts.path, body, headers)
            response = connection.getresponse()
            response.read()
            return sent_at, time.perf_counter() - sent_at, response.status
        finally:
            connection.close()
    except OSError:
        return sent_at, None, None


class Sender:
    """Sends through a thread pool and collects what was sent."""

    def __init__(self, webhook: Webhook, phase: str, workers: int = 200) -> None:
        self._webhook = webhook
        self.phase = phase
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="patient")
        self._lock = threading.Lock()
        self.sent: list[Sent] = []
        self.in_flight: set[str] = set()

    def send(self, phone: str, kind: Kind, text: str, intended_at: float | None = None) -> Sent:
        sid = "SM" + uuid.uuid4().hex
        with self._lock:
            self.in_flight.add(phone)
        try:
            sent_at, seconds, status = post_sms(self._webhook, phone, text, sid)
        finally:
            with self._lock:
                self.in_flight.discard(phone)
        item = Sent(phone, kind, text, self.phase, sent_at, seconds, status, intended_at)
        with self._lock:
            self.sent.append(item)
        return item

    def submit(self, phone: str, kind: Kind, text: str, intended_at: float) -> None:
        with self._lock:
            self.in_flight.add(phone)  # busy from the moment it is scheduled
        self._pool.submit(self.send, phone, kind, text, intended_at)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def run_conversations(
    webhook: Webhook,
    plan: TrafficPlan,
    book: SmsBook,
    phase: str,
    patients: Sequence[str],
    conversations: int,
    duration: float,
    settle: float,
    turns: int | None = CONVERSATION_TURNS,
    reply_timeout: float = 20.0,
) -> list[Sent]:
    """Closed loop: `conversations` at once, each message sent after the last reply.

    After `turns` messages a conversation ends and the next patient in `patients` starts one
    (None: each conversation keeps its patient for the whole phase).
    """
    sender = Sender(webhook, phase, workers=1)
    deadline = time.perf_counter() + duration
    waiting = deque(patients)
    lock = threading.Lock()

    def next_patient() -> str:
        with lock:
            phone = waiting.popleft()
            waiting.append(phone)  # reused, with its history, if the pool runs out
            return phone

    def converse(slot: int) -> None:
        # Independent people: conversations start staggered and pause a little irregularly,
        # so they do not fall into step and arrive as one burst.
        jitter = random.Random(slot)
        time.sleep(slot / conversations * settle)
        phone = next_patient()
        index = 0
        while time.perf_counter() < deadline:
            if is_paging_turn(index, offset=slot):
                who, kind, text = plan.next_paging()
            else:
                who = phone
                kind, text = plan.next_regular(phone)
            item = sender.send(who, kind, text)
            if not book.wait_for_reply(who, item.sent_at, reply_timeout):
                return  # this conversation is stuck; the report counts the lost message
            book.wait_until_quiet(who, settle, reply_timeout)
            time.sleep(jitter.uniform(0, settle / 2))
            index += 1
            if turns is not None and index % turns == 0:
                phone = next_patient()

    threads = [
        threading.Thread(target=converse, args=(slot,), daemon=True)
        for slot in range(conversations)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 3 * reply_timeout)
    sender.close()
    return list(sender.sent)


def run_history(
    webhook: Webhook,
    plan: TrafficPlan,
    book: SmsBook,
    phase: str,
    phone: str,
    turns: int,
    settle: float,
    reply_timeout: float = 20.0,
) -> list[Sent]:
    """One patient alone sends `turns` messages in a row: how latency grows with history."""
    sender = Sender(webhook, phase, workers=1)
    for _ in range(turns):
        kind, text = plan.next_regular(phone)
        item = sender.send(phone, kind, text)
        if not book.wait_for_reply(phone, item.sent_at, reply_timeout):
            break
        book.wait_until_quiet(phone, settle, reply_timeout)
    sender.close()
    return list(sender.sent)


@dataclass(frozen=True)
class OpenLoopRun:
    sent: list[Sent]
    skipped: int  # arrivals with no idle patient to send them (the generator ran dry)


def run_arrivals(
    webhook: Webhook,
    plan: TrafficPlan,
    book: SmsBook,
    phase: str,
    patients: Sequence[str],
    rate: float,
    duration: float,
    settle: float,
) -> OpenLoopRun:
    """Open loop: messages arrive at `rate` per second whatever the replies are doing."""
    sender = Sender(webhook, phase)
    last_sent: dict[str, float] = {}
    rotation = deque(patients)
    skipped = 0

    def idle(phone: str, now: float) -> bool:
        if phone in sender.in_flight:
            return False
        sent_at = last_sent.get(phone)
        if sent_at is None:
            return True
        replied = book.last_at(phone)
        return replied is not None and replied >= sent_at and now - replied >= settle

    def next_idle(now: float) -> str | None:
        for _ in range(len(rotation)):
            phone = rotation.popleft()
            rotation.append(phone)
            if idle(phone, now):
                return phone
        return None

    count = max(1, round(rate * duration))
    start = time.perf_counter() + 0.05
    for k in range(count):
        intended = start + k / rate
        delay = intended - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if is_paging_turn(k):
            phone, kind, text = plan.next_paging()
        else:
            phone = next_idle(time.perf_counter())
            if phone is None:
                skipped += 1
                continue
            kind, text = plan.next_regular(phone)
            last_sent[phone] = intended  # a reply before the real send cannot count
        sender.submit(phone, kind, text, intended)
    sender.close()
    return OpenLoopRun(list(sender.sent), skipped)


def drain(book: SmsBook, sent: Sequence[Sent], settle: float, timeout: float = 20.0) -> int:
    """Wait until every message has a reply (or `timeout`); returns how many have none."""
    deadline = time.perf_counter() + timeout
    waiting = list(sent)
    while waiting and time.perf_counter() < deadline:
        waiting = [s for s in waiting if (book.last_at(s.phone) or float("-inf")) < s.sent_at]
        if waiting:
            time.sleep(0.05)
    time.sleep(settle + 0.5)  # the rest of each turn (a page, a second SMS) trails the first
    return len(waiting)
