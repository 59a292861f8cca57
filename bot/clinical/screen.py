"""Which messages must be treated as reports whatever the classifier thought (pure)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from bot.clinical.checklist import parse_checklist_reply
from bot.clinical.report import parse_report

REPORT = "report"
CHOOSE_NUMBER = "choose_number"
OUT_OF_SCOPE = "out_of_scope"

# intents whose own meaning beats a number-looking word in them
_KEEP = {"cancel", "help", "more"}
# "how many paracetamol can I take", "what dose of ibuprofen should my wife take": Nadir never
# gives dosing advice, whatever topic the words look like
_DOSING_QUESTION = re.compile(
    r"\b(?:how\s+(?:many|much|often|long\s+between)|what\s+(?:dose|dosage|strength|amount)"
    r"|(?:max(?:imum)?|right|correct|normal|safe|usual)\s+(?:dose|dosage|amount)"
    r"|how\s+many\s+(?:mg|milligrams|tablets|pills))\b"
    r"(?:(?![.?!]).){0,60}?\b(?:paracetamol|acetaminophen|tylenol|panadol|calpol|ibuprofen|advil"
    r"|motrin|nurofen|aspirin|naproxen|aleve|co-?codamol|codeine|painkillers?|pain\s+killers?"
    r"|tablets|pills|doses?|mg|milligrams|medicine|meds)\b"
    r"|\b(?:paracetamol|acetaminophen|tylenol|ibuprofen|advil|nurofen)\b(?:(?![.?!]).){0,40}?"
    r"\b(?:how\s+(?:many|much|often)|what\s+dose|max(?:imum)?\s+dose)\b",
    re.IGNORECASE,
)
_NUMBERS_ONLY = re.compile(
    r"^[\s#]*\d{1,2}(?:\s*(?:[,+&/ ]|and)\s*\d{1,2})*[\s.!]*$", re.IGNORECASE
)


def screen_intent(
    text: str, classifier_intent: str | None, now: datetime | None = None
) -> str | None:
    """`report` when the text carries clinical content, `choose_number` for a numbered answer,
    `out_of_scope` for a question about doses.

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
    if not parsed.symptoms and _DOSING_QUESTION.search(text[:2000]):
        return OUT_OF_SCOPE
    if _NUMBERS_ONLY.match(text) and parse_checklist_reply(text) is not None:
        return CHOOSE_NUMBER  # "1 3": an answer to a numbered question
    if parsed.rejected:
        return REPORT  # a number that needs checking, like "986"
    if parsed.symptoms or parsed.fever_reducers or parsed.caregiver_concern or parsed.unclear:
        return REPORT
    return None
