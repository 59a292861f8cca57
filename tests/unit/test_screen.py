"""The clinical screen (bot/clinical/screen.py): what must be a report whatever the classifier says."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.clinical.screen import CHOOSE_NUMBER, OUT_OF_SCOPE, REPORT, screen_intent

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc)


def screened(text: str, classifier_intent: str = "ask_pets") -> str | None:
    return screen_intent(text, classifier_intent, NOW)


@pytest.mark.parametrize(
    "text",
    [
        "is 38.4 bad? I have chills",
        "is being short of breath a side effect or should i call",
        "he's confused and hot",
        "stop. she can't breathe",
    ],
)
def test_a_report_inside_a_question_is_a_report(text: str) -> None:
    assert screened(text, "cancel" if text.startswith("stop") else "ask_pets") == REPORT


@pytest.mark.parametrize(
    "text",
    [
        "my card says ring at 38, is that right for everyone?",
        "my neighbour's boy has 101, can he still visit me?",
        "is confusion a side effect of chemo?",
    ],
)
def test_a_quoted_threshold_someone_elses_reading_or_a_general_question_is_not(
    text: str,
) -> None:
    assert screened(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "how many paracetamol can i take in a day",
        "what dose of ibuprofen should my wife take",
        "tylenol - how often can I have it?",
        "whats the right dose of tylenol for me",
    ],
)
def test_a_dosing_question_is_out_of_scope(text: str) -> None:
    assert screened(text, "ask_fever_reducers") == OUT_OF_SCOPE


def test_a_dose_taken_with_a_fever_is_still_a_report() -> None:
    assert screened("took 2 paracetamol an hour ago, temp 38.4") == REPORT


def test_a_bare_numbered_answer_is_a_choice() -> None:
    assert screened("1 3") == CHOOSE_NUMBER
