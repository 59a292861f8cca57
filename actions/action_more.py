"""MORE: the next part of the last answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import REPORT_STEP, current_runtime, say
from bot import conversation

ACTION_NAME = "action_more"


class ActionMore(Action):
    def name(self) -> str:
        return ACTION_NAME

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = conversation.more(
            current_runtime(),
            tracker.get_slot("more_topic"),
            int(tracker.get_slot("more_sent") or 0),
            tracker.get_slot(REPORT_STEP),
        )
        return [
            *say(dispatcher, answer.turn),
            SlotSet("more_topic", answer.topic),
            SlotSet("more_sent", float(answer.parts_sent)),
        ]
