"""Rasa pipeline component: each message's meaning as one sentence embedding (MiniLM).

Real questions are long and chatty; word and letter counts drift towards whichever topic has
the most common words, while a sentence embedding keeps what the question is about. Measured on
the development real questions by cross-validation (scripts/calibrate_fallback.py and the
README's figures). The embedding is multiplied by `scale` because Rasa's logistic regression
has a fixed regularisation (C=1): scaling the features by s is the same as C = s squared.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_encoder import sentence_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "scale": 3.0}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if float(config.get("scale", 1.0)) <= 0:
            raise ValueError("scale must be positive")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(execution_context.node_name, {**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)  # those without text are skipped there
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [message for message in messages if message.get(TEXT)]
        if not with_text:
            return messages
        embeddings = sentence_encoder().encode([str(m.get(TEXT)) for m in with_text])
        scale = np.float32(self._config["scale"])
        for message, embedding in zip(with_text, embeddings, strict=True):
            self.add_features_to_message(None, (embedding * scale)[None, :], TEXT, message)
        return messages
