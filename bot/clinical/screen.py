"""Which messages must be treated as reports whatever the classifier thought (pure)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from bot.clinical.checklist import parse_checklist_reply
from bot.clinical.symptoms import parse_symptoms
from bot.clinical.temperature import parse_temperatures

REPORT = "report"
CHOOSE_NUMBER = "choose_number"

# intents whose own meaning beats a number-looking word in them
_KEEP = {"cancel", "help", "more"}
_NUMBERS_ONLY = re.compile(
    r"^[\s#]*\d{1,2}(?:\s*(?:[,+&/ ]|and)\s*\d{1,2})*[\s.!]*$", re.IGNORECASE
)


def screen_intent(
    text: str, classifier_intent: str | None, now: datetime | None = None
) -> str | None:
    """`report` when the text carries clinical content, `choose_number` for a numbered answer."""
    if not text or not text.strip():
        return None
    now = now or datetime.now(timezone.utc)
    found = parse_symptoms(text, now, timezone.utc)  # read once: the parse is the costly part
    if any(mention.red_flag for mention in found.symptoms):
        return REPORT  # a red flag wins over everything, even "stop"
    if classifier_intent in _KEEP:
        return None
    temperatures = parse_temperatures(text, now, timezone.utc)
    if any(t.is_valid for t in temperatures):
        return REPORT
    if _NUMBERS_ONLY.match(text) and parse_checklist_reply(text) is not None:
        return CHOOSE_NUMBER  # "1 3": an answer to a numbered question
    if temperatures:
        return REPORT  # a number that needs checking, like "986"
    if found.symptoms or found.fever_reducers or found.caregiver_concern or found.unclear:
        return REPORT
    return None
