"""The MiniLM sentence encoder (bot/nlu/sentence_encoder.py): the published model, computed right."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.nlu.sentence_encoder import (
    DIMENSIONS,
    ModelFilesError,
    SentenceEncoder,
    model_dir,
    sentence_encoder,
)

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


def test_embeddings_match_sentence_transformers_on_the_same_model() -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))["sentences"]
    got = sentence_encoder().encode([item["text"] for item in reference])
    want = np.array([item["embedding"] for item in reference], dtype=np.float32)
    assert got.shape == (len(reference), DIMENSIONS)
    assert np.abs(got - want).max() < 1e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_a_batch_gives_what_each_text_gives_alone() -> None:
    texts = ["can i eat sushi", "my husband has been shaking all night and won't stop " * 6, ""]
    together = sentence_encoder().encode(texts)
    alone = np.vstack([sentence_encoder().encode([text]) for text in texts])
    assert np.abs(together - alone).max() < 1e-5


def test_the_same_question_in_other_words_is_closer_than_another_topic() -> None:
    sushi, raw_fish, port = sentence_encoder().encode(
        ["can I eat sushi on chemo", "is raw fish safe to eat", "my port site is red and sore"]
    )
    assert float(sushi @ raw_fish) > float(sushi @ port) + 0.2


def test_weights_that_are_not_the_published_ones_are_refused(tmp_path: Path) -> None:
    for name in ("tokenizer.json", "config.json"):
        shutil.copy(model_dir() / name, tmp_path / name)
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    with pytest.raises(ModelFilesError):
        SentenceEncoder(tmp_path)
