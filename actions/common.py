"""Translation between Rasa trackers and Nadir's conversation use cases, shared by the actions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation import Turn
from bot.runtime import Runtime, runtime

REPORT_STEP = "report_step"


def current_runtime() -> Runtime:
    return runtime()


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def say(dispatcher: CollectingDispatcher, turn: Turn) -> list[dict[str, Any]]:
    """Send the turn's messages and remember which report question, if any, is pending."""
    for text in turn.messages:
        if turn.urgent:  # the SMS channel sends these even to a number that opted out
            dispatcher.utter_message(text=text, urgent=True)
        else:
            dispatcher.utter_message(text=text)
    return [SlotSet(REPORT_STEP, turn.step_slot)]
