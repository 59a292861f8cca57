"""HELP: the clinic's help text with its 24-hour number."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import current_runtime, say
from bot import conversation

ACTION_NAME = "action_help"


class ActionHelp(Action):
    def name(self) -> str:
        return ACTION_NAME

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return say(dispatcher, conversation.help_text(current_runtime()))
