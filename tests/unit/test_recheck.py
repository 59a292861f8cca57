"""The steps of a recheck (pure): remind, remind again, then only R5 asks the team to call."""

from __future__ import annotations

import pytest

from bot.clinical.model import Assessment, Disposition, FiredRule
from bot.clinical.recheck import FollowUp, next_recheck_step

R5 = FiredRule("R5", Disposition.RECHECK, "R5: single 38.1C at 14:05: recheck in 60 min")
R8 = FiredRule("R8", Disposition.RECHECK, "R8: 37.6C at 14:05: recheck in 60 min")


def _step(sent: int, *fired: FiredRule, reading_since: bool = False, disposition=None):  # type: ignore[no-untyped-def]
    assessed = Assessment(disposition=disposition or Disposition.RECHECK, fired=fired)
    return next_recheck_step(
        reminders_sent=sent, reading_since=reading_since, now_assessed=assessed, max_reminders=2
    )


@pytest.mark.parametrize("sent", [0, 1])
def test_an_unanswered_recheck_is_reminded_up_to_the_limit(sent: int) -> None:
    assert _step(sent, R5).action is FollowUp.REMIND


def test_after_the_last_reminder_a_borderline_fever_asks_the_team_to_call() -> None:
    step = _step(2, R5)

    assert step.action is FollowUp.ASK_TEAM_TO_CALL
    assert step.assessment is not None and step.assessment.pages_care_team
    (rule,) = step.assessment.fired
    assert rule.rule == "R5" and rule.disposition is Disposition.URGENT
    assert "38.1C" in rule.reason and "no new reading after 2 reminders" in rule.reason


def test_other_rechecks_stop_after_the_last_reminder() -> None:
    assert _step(2, R8).action is FollowUp.NOTHING


@pytest.mark.parametrize("sent", [0, 1, 2])
def test_a_reading_since_ends_the_chain(sent: int) -> None:
    assert _step(sent, R5, reading_since=True).action is FollowUp.NOTHING


def test_nothing_is_owed_when_the_rules_no_longer_ask_for_a_recheck() -> None:
    assert _step(2, disposition=Disposition.NONE).action is FollowUp.NOTHING
    urgent = FiredRule("R4", Disposition.URGENT, "R4: chills")
    assert _step(2, urgent, disposition=Disposition.URGENT).action is FollowUp.NOTHING
