"""Latency statistics and delivery checks for the benchmark (pure: no I/O, no clock reads).

Times are seconds on one clock: the load generator stamps each webhook POST and the fake
Twilio API stamps each SMS request it receives, in the same process, with `time.perf_counter`.
"""

from __future__ import annotations

import bisect
import enum
import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass

# E.164 as the page quotes the patient's number
_PHONE_IN_TEXT = re.compile(r"\+[1-9]\d{6,14}")


class Kind(str, enum.Enum):
    QUESTION = "question"
    REPORT = "report"  # a temperature or symptom report that must not page
    PAGING = "paging"  # a report that must page the care team exactly once


@dataclass(frozen=True)
class Summary:
    count: int
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None
    mean: float | None = None

    def to_json(self) -> dict[str, float | int | None]:
        return asdict(self)


def percentile(values: Sequence[float], percent: float) -> float:
    """Nearest rank: the smallest value with at least `percent` % of the values at or below it."""
    if not values:
        raise ValueError("no values")
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], got {percent}")
    ordered = sorted(values)
    rank = math.ceil(percent / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def summarise(values: Iterable[float | None]) -> Summary:
    present = [v for v in values if v is not None]
    if not present:
        return Summary(count=0)
    return Summary(
        count=len(present),
        p50=percentile(present, 50),
        p95=percentile(present, 95),
        p99=percentile(present, 99),
        max=max(present),
        mean=sum(present) / len(present),
    )


@dataclass(frozen=True)
class Sent:
    """One inbound SMS as a simulated patient sent it to the webhook."""

    phone: str
    kind: Kind
    text: str
    phase: str
    sent_at: float
    webhook_seconds: float | None  # None: no HTTP response at all
    webhook_status: int | None
    intended_at: float | None = None  # open loop: when the schedule wanted it sent

    @property
    def webhook_ok(self) -> bool:
        return self.webhook_status is not None and 200 <= self.webhook_status < 300


@dataclass(frozen=True)
class Sms:
    """One request to the Twilio Messages API, as the fake received it."""

    to: str
    at: float
    body: str


@dataclass(frozen=True)
class Outcome:
    sent: Sent
    replies: int
    reply_seconds: float | None  # to the first SMS back to the sender
    pages: int
    page_seconds: float | None  # to the first page quoting the sender's number


@dataclass(frozen=True)
class Attribution:
    outcomes: tuple[Outcome, ...]
    stray_replies: int  # SMS to a patient before anything they sent
    stray_pages: int  # pages quoting no number that had texted


def attribute(sent: Sequence[Sent], sms: Sequence[Sms], care_team: Collection[str]) -> Attribution:
    """Pair each inbound message with the SMS it caused.

    An SMS to a patient belongs to the last message that patient sent before it: the load
    generator never sends a patient's next message until the previous turn has gone quiet. A
    page belongs, the same way, to the last message of the patient whose number it quotes.
    """
    by_phone: dict[str, list[Sent]] = defaultdict(list)
    for item in sorted(sent, key=lambda s: s.sent_at):
        by_phone[item.phone].append(item)
    starts = {phone: [s.sent_at for s in items] for phone, items in by_phone.items()}
    replies: dict[int, list[float]] = defaultdict(list)
    pages: dict[int, list[float]] = defaultdict(list)
    stray_replies = stray_pages = 0

    def owner(phone: str, at: float) -> Sent | None:
        index = bisect.bisect_right(starts.get(phone, []), at) - 1
        return by_phone[phone][index] if index >= 0 else None

    for message in sorted(sms, key=lambda m: m.at):
        if message.to in care_team:
            quoted = [p for p in _PHONE_IN_TEXT.findall(message.body) if p in by_phone]
            cause = owner(quoted[0], message.at) if quoted else None
            if cause is None:
                stray_pages += 1
            else:
                pages[id(cause)].append(message.at - cause.sent_at)
            continue
        cause = owner(message.to, message.at)
        if cause is None:
            stray_replies += 1
        else:
            replies[id(cause)].append(message.at - cause.sent_at)

    outcomes = tuple(
        Outcome(
            sent=item,
            replies=len(replies[id(item)]),
            reply_seconds=min(replies[id(item)], default=None),
            pages=len(pages[id(item)]),
            page_seconds=min(pages[id(item)], default=None),
        )
        for items in by_phone.values()
        for item in items
    )
    return Attribution(
        tuple(sorted(outcomes, key=lambda o: o.sent.sent_at)), stray_replies, stray_pages
    )


@dataclass(frozen=True)
class Delivery:
    messages: int
    answered: int
    webhook_errors: int
    paging_reports: int
    paged_once: int
    unpaged: int
    paged_more_than_once: int
    unexpected_pages: int  # pages for a message that must not page, or quoting nobody who texted

    @property
    def unanswered(self) -> int:
        return self.messages - self.answered

    @property
    def complete(self) -> bool:
        """Every message answered, every qualifying report paged exactly once, nothing else paged."""
        return (
            self.unanswered == 0
            and self.webhook_errors == 0
            and self.paged_once == self.paging_reports
            and self.unexpected_pages == 0
        )

    def to_json(self) -> dict[str, int | bool]:
        return {**asdict(self), "unanswered": self.unanswered, "complete": self.complete}


def check_delivery(outcomes: Sequence[Outcome], stray_pages: int = 0) -> Delivery:
    paging = [o for o in outcomes if o.sent.kind is Kind.PAGING]
    return Delivery(
        messages=len(outcomes),
        answered=sum(1 for o in outcomes if o.replies > 0),
        webhook_errors=sum(1 for o in outcomes if not o.sent.webhook_ok),
        paging_reports=len(paging),
        paged_once=sum(1 for o in paging if o.pages == 1),
        unpaged=sum(1 for o in paging if o.pages == 0),
        paged_more_than_once=sum(1 for o in paging if o.pages > 1),
        unexpected_pages=stray_pages
        + sum(o.pages for o in outcomes if o.sent.kind is not Kind.PAGING),
    )


def achieved_rate(sent_at: Sequence[float]) -> float | None:
    """Messages per second actually sent: intervals over the time from first to last send."""
    if len(sent_at) < 2:
        return None
    span = max(sent_at) - min(sent_at)
    return (len(sent_at) - 1) / span if span > 0 else None


@dataclass(frozen=True)
class RateStep:
    offered_per_second: float
    achieved_per_second: float | None
    reply: Summary
    webhook: Summary
    escalation: Summary
    delivery: Delivery

    def to_json(self) -> dict[str, object]:
        return {
            "offered_per_second": self.offered_per_second,
            "achieved_per_second": self.achieved_per_second,
            "reply": self.reply.to_json(),
            "webhook": self.webhook.to_json(),
            "escalation": self.escalation.to_json(),
            "delivery": self.delivery.to_json(),
            "sustained": step_sustained(self),
        }


P95_REPLY_LIMIT_SECONDS = 0.5
MIN_ACHIEVED_SHARE = 0.95  # the generator must really have offered the rate


def step_sustained(step: RateStep, p95_limit: float = P95_REPLY_LIMIT_SECONDS) -> bool:
    """p95 reply latency under the limit, nothing lost, and the rate really offered."""
    return (
        step.delivery.complete
        and step.reply.p95 is not None
        and step.reply.p95 < p95_limit
        and step.achieved_per_second is not None
        and step.achieved_per_second >= MIN_ACHIEVED_SHARE * step.offered_per_second
    )


def highest_sustained_rate(steps: Iterable[RateStep]) -> float | None:
    """The highest offered rate reached before the first step that was not sustained."""
    best = None
    for step in sorted(steps, key=lambda s: s.offered_per_second):
        if not step_sustained(step):
            break
        best = step.offered_per_second
    return best


def ratio(nadir: float | None, baseline: float | None) -> float | None:
    """Baseline ÷ Nadir (for a latency, above 1 means Nadir is faster)."""
    if nadir is None or baseline is None or nadir == 0:
        return None
    return baseline / nadir
