"""The education knowledge base: vetted answers to the questions patients and caregivers text in.

Answers are data (YAML files in `topics/`), not code, so clinicians can review and change them
without touching Python. Each entry maps to one Rasa intent (`ask_<id>`), except the
`out_of_scope` entry, which answers the `out_of_scope` intent.

Nothing is read at import time: call `load_knowledge_base()` once per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

OUT_OF_SCOPE_ID = "out_of_scope"
INTENT_PREFIX = "ask_"

# One SMS answer part may use two concatenated segments' worth of text.
PART_BUDGET = 320
# The budget is checked with the placeholders filled by values at least this long.
BUDGET_PHONE = "(555) 010-0199"  # 14 characters, as the clinic's number will be shown
BUDGET_CLINIC_NAME = "X" * 40

# A part followed by another part gets a hint appended by the app (" Text MORE for more.").
MORE_HINT_ALLOWANCE = 20

PLACEHOLDERS = ("{clinic_name}", "{clinic_phone}")

# GSM 03.38: characters that cost one septet, and the extension table (two septets each).
# Anything else forces UCS-2 encoding, which cuts an SMS segment from 160 to 70 characters.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_ANCHOR_PATTERN = re.compile(r"^(S\d+[a-z]?|§\d+(\.\d+)?)(, (S\d+[a-z]?|§\d+(\.\d+)?))*$")
_PLACEHOLDER_PATTERN = re.compile(r"\{[^{}]*\}")

_REQUIRED_FIELDS = ("id", "title", "answer", "touches_fever", "source", "reviewed")
_OPTIONAL_FIELDS = ("more",)
_SOURCE_FIELDS = ("organisation", "title", "url", "anchor")


@dataclass(frozen=True)
class Source:
    organisation: str
    title: str
    url: str
    anchor: str  # clinical-anchors source tag(s), e.g. "S36" or "S8, S9"


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    answer: str  # the first SMS part
    more: tuple[str, ...]  # continuation parts, sent one by one when the person texts MORE
    touches_fever: bool  # the app appends the clinic's "when to call" line
    source: Source
    reviewed: date

    @property
    def intent(self) -> str:
        if self.id == OUT_OF_SCOPE_ID:
            return OUT_OF_SCOPE_ID
        return INTENT_PREFIX + self.id


class KnowledgeBase:
    def __init__(self, topics: Iterable[Topic]) -> None:
        self._topics = tuple(topics)
        self._by_id = {topic.id: topic for topic in self._topics}
        self._by_intent = {topic.intent: topic for topic in self._topics}

    def get(self, topic_id: str) -> Topic | None:
        return self._by_id.get(topic_id)

    def by_intent(self, intent: str) -> Topic | None:
        return self._by_intent.get(intent)

    def topics(self) -> tuple[Topic, ...]:
        return self._topics


def render(text: str, clinic_name: str, clinic_phone: str) -> str:
    """Fill the clinic placeholders. Plain replacement: answers may contain other braces-free text."""
    return text.replace("{clinic_name}", clinic_name).replace("{clinic_phone}", clinic_phone)


def gsm7_length(text: str) -> int | None:
    """Septets `text` needs in GSM-7, or None when it has a character outside GSM-7."""
    length = 0
    for character in text:
        if character in GSM7_BASIC:
            length += 1
        elif character in GSM7_EXTENSION:
            length += 2
        else:
            return None
    return length


def default_topics_directory() -> Path:
    return Path(__file__).parent / "topics"


def load_knowledge_base(directory: Path | None = None) -> KnowledgeBase:
    """Read every `*.yml` file in `directory` (each a list of entries under `topics:`).

    Raises ValueError naming the file, the entry and the field for any invalid entry.
    """
    directory = directory if directory is not None else default_topics_directory()
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise ValueError(f"{directory}: no knowledge-base files (*.yml) found")

    topics: list[Topic] = []
    seen: dict[str, Path] = {}
    for path in files:
        for topic in _load_file(path):
            if topic.id in seen:
                raise ValueError(
                    f"{path.name}: topic id '{topic.id}' is already defined in {seen[topic.id].name}"
                )
            seen[topic.id] = path
            topics.append(topic)
    return KnowledgeBase(topics)


def _load_file(path: Path) -> list[Topic]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(document, Mapping) or not isinstance(document.get("topics"), list):
        raise ValueError(f"{path.name}: expected a mapping with a 'topics:' list")
    return [_parse_entry(path, index, entry) for index, entry in enumerate(document["topics"])]


def _parse_entry(path: Path, index: int, entry: Any) -> Topic:
    where = f"{path.name}: entry {index + 1}"
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where}: expected a mapping of fields")
    if isinstance(entry.get("id"), str):
        where = f"{path.name}: topic '{entry['id']}'"

    unknown = set(entry) - set(_REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}")
    for name in _REQUIRED_FIELDS:
        if name not in entry:
            raise ValueError(f"{where}: missing field '{name}'")

    topic_id = _text(where, "id", entry["id"])
    if not _ID_PATTERN.match(topic_id):
        raise ValueError(f"{where}: field 'id' must be snake_case, got '{topic_id}'")
    touches_fever = entry["touches_fever"]
    if not isinstance(touches_fever, bool):
        raise ValueError(f"{where}: field 'touches_fever' must be true or false")
    reviewed = entry["reviewed"]
    if isinstance(reviewed, datetime) or not isinstance(reviewed, date):
        raise ValueError(f"{where}: field 'reviewed' must be a date like 2026-11-20")

    more_raw = entry.get("more", [])
    if more_raw is None:
        more_raw = []
    if not isinstance(more_raw, list):
        raise ValueError(f"{where}: field 'more' must be a list of texts")
    # Every part but the last is followed by the MORE hint, so it must leave room for it.
    budgets = [PART_BUDGET - MORE_HINT_ALLOWANCE] * len(more_raw) + [PART_BUDGET]
    answer = _sms_part(where, "answer", entry["answer"], budgets[0])
    more = tuple(
        _sms_part(where, f"more[{number}]", part, budgets[number + 1])
        for number, part in enumerate(more_raw)
    )

    return Topic(
        id=topic_id,
        title=_text(where, "title", entry["title"]),
        answer=answer,
        more=more,
        touches_fever=touches_fever,
        source=_parse_source(where, entry["source"]),
        reviewed=reviewed,
    )


def _parse_source(where: str, source: Any) -> Source:
    if not isinstance(source, Mapping):
        raise ValueError(f"{where}: field 'source' must be a mapping")
    unknown = set(source) - set(_SOURCE_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) in 'source': {sorted(unknown)}")
    values = {}
    for name in _SOURCE_FIELDS:
        if name not in source:
            raise ValueError(f"{where}: missing field 'source.{name}'")
        values[name] = _text(where, f"source.{name}", source[name])
    if not values["url"].startswith(("https://", "http://")):
        raise ValueError(f"{where}: field 'source.url' must be a web address")
    if not _ANCHOR_PATTERN.match(values["anchor"]):
        raise ValueError(
            f"{where}: field 'source.anchor' must be clinical-anchors tags like 'S8, S9', "
            f"got '{values['anchor']}'"
        )
    return Source(**values)


def _text(where: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: field '{field}' must be non-empty text")
    return value.strip()


def _sms_part(where: str, field: str, value: Any, budget: int) -> str:
    text = _text(where, field, value)
    for placeholder in _PLACEHOLDER_PATTERN.findall(text):
        if placeholder not in PLACEHOLDERS:
            raise ValueError(f"{where}: field '{field}' has unknown placeholder {placeholder}")
    rendered = render(text, BUDGET_CLINIC_NAME, BUDGET_PHONE)
    length = gsm7_length(rendered)
    if length is None:
        bad = sorted({c for c in rendered if c not in GSM7_BASIC and c not in GSM7_EXTENSION})
        raise ValueError(f"{where}: field '{field}' has characters outside GSM-7: {bad}")
    if length > budget:
        raise ValueError(
            f"{where}: field '{field}' is {length} characters once filled in; the limit is {budget}"
        )
    return text
