"""Stop or cancel: leave the guided report; nothing unconfirmed is stored."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import REPORT_STEP, say
from bot import conversation

ACTION_NAME = "action_cancel_report"


class ActionCancelReport(Action):
    def name(self) -> str:
        return ACTION_NAME

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return say(dispatcher, conversation.cancel_report(tracker.get_slot(REPORT_STEP)))
