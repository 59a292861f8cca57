"""The steps of a recheck, the "actively follow up" of R5.

A recheck is booked for a borderline reading: 38.0-38.2 C (R5), 37.5-37.9 C (R8, default
profile), below 36.0 C while feeling well (R7), or a raised reading taken just after a hot
drink, food, exercise or a hot bath (R0). When it falls due, a reminder asks for a new
reading; when none comes, a second one. If there is still none and the rules, run again now,
still find a single 38.0-38.2 C reading (R5) or a raised reading after a hot drink (R0), the care team is asked to call: a patient on chemo
with a temperature in that band who has gone quiet may be too unwell to text. A reading that
arrives at any point ends the chain: it was assessed when it came, and booked its own recheck if
it needed one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.clinical.model import Assessment, Disposition, FiredRule
from bot.clinical.rules import Advice

# Rules whose unanswered recheck ends with the care team asked to call.
RULES_FOLLOWED_TO_THE_TEAM = frozenset({"R5", "R0"})


class FollowUp(enum.Enum):
    NOTHING = "nothing"  # a reading came, or the reason for the recheck has gone
    REMIND = "remind"
    ASK_TEAM_TO_CALL = "ask_team_to_call"


@dataclass(frozen=True)
class FollowUpDecision:
    action: FollowUp
    # for ASK_TEAM_TO_CALL: the assessment the care team is paged with
    assessment: Assessment | None = None


def next_recheck_step(
    *, reminders_sent: int, reading_since: bool, now_assessed: Assessment, max_reminders: int
) -> FollowUpDecision:
    """The next step of a recheck, `reminders_sent` reminders in (0 when it first falls due).

    `reading_since`: a temperature arrived since the recheck was booked or the latest reminder
    went out. `now_assessed`: the rules over the patient's history now.
    """
    if reading_since or now_assessed.disposition is not Disposition.RECHECK:
        return FollowUpDecision(FollowUp.NOTHING)
    if reminders_sent < max_reminders:
        return FollowUpDecision(FollowUp.REMIND)
    followed = [rule for rule in now_assessed.fired if rule.rule in RULES_FOLLOWED_TO_THE_TEAM]
    if not followed:
        return FollowUpDecision(FollowUp.NOTHING)
    unanswered = tuple(
        FiredRule(
            rule.rule,
            Disposition.URGENT,
            f"{rule.reason}; no new reading after {reminders_sent} reminders",
        )
        for rule in followed
    )
    return FollowUpDecision(
        FollowUp.ASK_TEAM_TO_CALL,
        Assessment(
            disposition=Disposition.URGENT,
            fired=unanswered,
            advice=Advice.CALL_TEAM_NOW.value,
            on_chemo=now_assessed.on_chemo,
            presumed_neutropenic=now_assessed.presumed_neutropenic,
        ),
    )
