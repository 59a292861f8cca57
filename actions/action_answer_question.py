"""A question about infection, food, pets, counts...: answer it from the knowledge base."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import REPORT_STEP, current_runtime, latest_intent, latest_text, say
from bot import conversation

ACTION_NAME = "action_answer_question"


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return ACTION_NAME

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = conversation.answer_question(
            current_runtime(),
            latest_intent(tracker),
            latest_text(tracker),
            tracker.get_slot(REPORT_STEP),
        )
        return [
            *say(dispatcher, answer.turn),
            SlotSet("more_topic", answer.topic),
            SlotSet("more_sent", float(answer.parts_sent)),
        ]
