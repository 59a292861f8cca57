"""Which messages must be treated as reports whatever the classifier thought (pure)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from bot.clinical.checklist import parse_checklist_reply
from bot.clinical.report import parse_report

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
    """`report` when the text carries clinical content, `choose_number` for a numbered answer.

    The text is read as the report path reads it, so a threshold quoted from the team's card,
    someone else's reading or an old story's reading is not taken for a report; who is texting
    is not known here, so a "he" or "she" may be the patient.
    """
    if not text or not text.strip():
        return None
    now = now or datetime.now(timezone.utc)
    parsed = parse_report(text, now, timezone.utc)
    if any(mention.red_flag for mention in parsed.symptoms):
        return REPORT  # a red flag wins over everything, even "stop"
    if classifier_intent in _KEEP:
        return None
    if parsed.readings:
        return REPORT
    if _NUMBERS_ONLY.match(text) and parse_checklist_reply(text) is not None:
        return CHOOSE_NUMBER  # "1 3": an answer to a numbered question
    if parsed.rejected:
        return REPORT  # a number that needs checking, like "986"
    if parsed.symptoms or parsed.fever_reducers or parsed.caregiver_concern or parsed.unclear:
        return REPORT
    return None
