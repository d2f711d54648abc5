"""The embedding model: WordLlama's small static model, shipped inside its own wheel and run on the
CPU. Loaded once per process (it is read-only) and never allowed to reach the network: the servers
and CI have none, and WordLlama's default load looks for its tokenizer in the wrong folder of its
own package and then tries to download it."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

import numpy as np

MODEL_NAME = "wordllama-l2-supercat-256"
DIMENSIONS = 256
# Sentences (and list items, headings) are the passages a match is explained by.
_PASSAGE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
_model = None
_loading = threading.Lock()


def model():
    """The loaded model, the same object for the whole process."""
    global _model
    if _model is None:
        with _loading:
            if _model is None:
                import wordllama

                package = Path(wordllama.__file__).parent
                _model = wordllama.WordLlama.load(
                    config="l2_supercat", dim=DIMENSIONS, cache_dir=package, disable_download=True
                )
    return _model


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text), so a dot product is the cosine similarity."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(model().embed(texts), dtype=np.float32)
    lengths = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(lengths == 0, 1, lengths)


def text_of(document) -> str:
    """What a document means: its title, summary, tags and body, as a reader meets them."""
    return "\n".join(
        part for part in (document.title, document.summary, " ".join(document.tags), document.body) if part
    )


def fingerprint(text: str) -> str:
    """Changes when the text or the model does, so an unchanged document is not embedded again."""
    return hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


def passages(document) -> list[str]:
    """The document's sentences, for saying which passage matched best."""
    found = []
    for part in (document.title, document.summary, document.body):
        for piece in _PASSAGE_BREAK.split(part or ""):
            piece = piece.strip().lstrip("#*- ").strip()
            if len(piece) > 3 and piece not in found:
                found.append(piece)
    return found
