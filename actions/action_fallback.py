"""Not understood: offer the likeliest topics by number rather than guess."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import current_runtime, say
from bot import conversation

ACTION_NAME = "action_fallback"


class ActionFallback(Action):
    def name(self) -> str:
        return ACTION_NAME

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        likeliest = [str(entry.get("name")) for entry in ranking if entry.get("name")]
        return say(
            dispatcher, conversation.fallback(current_runtime(), tracker.sender_id, likeliest)
        )
