"""A deterministic screen at the end of the NLU pipeline.

A statistical classifier can miss a report phrased as a question ("is 38.4 bad? I have chills")
or a red flag spelled badly. This component reads the raw text with the same pure parsers the
actions use, and whenever it finds a temperature, a symptom, a fever reducer or a red flag, it
makes the intent `report` so the message is recorded and assessed. A bare numbered answer
("1 3") becomes `choose_number`, a question about doses `out_of_scope` (Nadir gives no dosing
advice). Everything else keeps the classifier's intent.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.clinical.screen import screen_intent

REPORT_INTENT = "report"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ClinicalScreen(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClinicalScreen:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        now = datetime.now(timezone.utc)
        for message in messages:
            text = message.get(TEXT) or ""
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            override = screen_intent(text, current, now)
            if override and override != current:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: override, PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True,
                )
        return messages
