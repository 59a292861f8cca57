"""Building rasa_sdk trackers for action tests, the way the Rasa server sends them."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    sender: str, text: str, intent: str = "report", slots: dict[str, Any] | None = None
) -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={"report_step": None, "more_topic": None, "more_sent": None, **(slots or {})},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": [],
            "metadata": {"MessageSid": "SM" + "0" * 32},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run_action(
    action: Any, sender: str, text: str, intent: str = "report", slots: dict[str, Any] | None = None
):  # type: ignore[no-untyped-def]
    """Run one action; returns (texts sent, events, the new slots)."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, make_tracker(sender, text, intent, slots), {})
    texts = [message["text"] for message in dispatcher.messages]
    new_slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return texts, events, new_slots
