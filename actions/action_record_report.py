"""A temperature, symptoms, or the answer to a report question: store, assess, escalate."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import REPORT_STEP, current_runtime, latest_text, say
from bot import conversation

ACTION_NAME = "action_record_report"


class ActionRecordReport(Action):
    def name(self) -> str:
        return ACTION_NAME

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return say(
            dispatcher,
            conversation.report(
                current_runtime(),
                tracker.sender_id,
                latest_text(tracker),
                tracker.get_slot(REPORT_STEP),
            ),
        )
