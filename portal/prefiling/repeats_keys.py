"""The two keyed values the 重复信访 flag compares, and nothing else about the petitioner or text.

- `petitioner_key`: HMAC-SHA256 of the normalised ID number under a subkey derived from the
  portal's primary key by HKDF (purpose "repeats/petitioner"). Without the key, a guessed ID number
  cannot be hashed to test it — a plain SHA-256 could be, since an 18-digit ID number has only about
  10^11 possible values, and far fewer for one district and age group.
- `text_sketch`: the sign of the text embedding (minus a public per-model centre) projected on
  SKETCH_BITS secret random directions
  (SimHash; the directions are drawn from a generator seeded by another HKDF subkey). The share of
  differing bits estimates the angle between two texts' embeddings; the text cannot be read back
  from 512 bits, and without the key nobody can compute the sketch of a guessed text to compare.

A new primary key (rotation) gives new values: `key_tag` says which key made a row, and rows of an
older key are recomputed by `python -m portal repeats`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from portal.prefiling.crypto import Cipher
from portal.prefiling.idcard import normalise

SKETCH_BITS = 512
# Per embedding model, the mean embedding of 400 lay legal questions (content/qa/stard-train.jsonl),
# subtracted before sketching: e5 puts every text within ~30° of every other, where 512 sign bits
# resolve too coarsely; centred, the angles spread out (notes/2026-12-01-repeats.md). Written by
# `scripts/eval_repeats.py --model … --write-centre`.
CENTRES_FILE = Path(__file__).with_name("repeats_centres.json")
PETITIONER = "repeats/petitioner"
SKETCH = "repeats/text-sketch"


def key_tag(cipher: Cipher) -> str:
    """A short public name for the primary key (16 hex), so rows of an older key are found."""
    return hmac.new(cipher.subkey("repeats/key-tag"), b"tag", hashlib.sha256).hexdigest()[:16]


def petitioner_key(cipher: Cipher, id_number: str) -> str:
    """HMAC-SHA256 (hex) of the normalised ID number; "" when there is none."""
    number = normalise(id_number or "")
    if not number:
        return ""
    return hmac.new(cipher.subkey(PETITIONER), number.encode("ascii", "replace"), hashlib.sha256).hexdigest()


@lru_cache(maxsize=8)
def _directions(seed: bytes, dim: int) -> np.ndarray:
    rng = np.random.default_rng(int.from_bytes(seed, "big"))
    return rng.standard_normal((SKETCH_BITS, dim)).astype(np.float32)


@lru_cache(maxsize=1)
def _centres() -> dict[str, list[float]]:
    return json.loads(CENTRES_FILE.read_text(encoding="utf-8")) if CENTRES_FILE.is_file() else {}


def centre_for(model_id: str) -> np.ndarray | None:
    """The centring vector shipped for `model_id`, or None (sketch the vector as it is)."""
    centre = _centres().get(model_id)
    return None if centre is None else np.asarray(centre, dtype=np.float32)


def sketch_model_id(model_id: str) -> str:
    """What a sketch's `model_id` column says: the model, and which centre (sketches made with
    another centre are not comparable)."""
    centre = centre_for(model_id)
    if centre is None:
        return model_id
    return f"{model_id}#c{hashlib.sha256(centre.tobytes()).hexdigest()[:8]}"


def text_sketch(cipher: Cipher, vector: np.ndarray, centre: np.ndarray | None = None) -> str:
    """The keyed SimHash of one embedding (minus `centre`), as hex (SKETCH_BITS / 4 characters)."""
    vector = np.asarray(vector, dtype=np.float32).ravel()
    if centre is not None:
        vector = vector - centre
    bits = (_directions(cipher.subkey(SKETCH), vector.shape[0]) @ vector) >= 0
    return np.packbits(bits).tobytes().hex()


def similarity(a: str, b: str) -> float:
    """Estimated cosine of two texts from their sketches: cos(π · differing bits / bits)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    differing = (int(a, 16) ^ int(b, 16)).bit_count()
    return math.cos(math.pi * differing / (len(a) * 4))
