"""The topic gate: is a question about something the law library answers at all?

The confidence rule (best cosine, best BM25 score) cannot tell "今天天气怎么样" from a short legal
question: both have a middling best cosine. The gate is a logistic regression on the question's
embedding (the served encoder, before the query adapter), trained by `python -m portal.search tune`
on the question bank and dev questions and on short everyday legal questions (on topic) against
the off-topic calibration questions (weather, recipes, sport …). A question the gate puts below its
threshold is answered "no article applies" whatever its scores; an exact article reference never
goes through it. Serving costs one 384-long dot product.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# in the gate's training loss the everyday legal questions weigh this share of the on-topic side
# (the bank and dev questions the rest); the off-topic side weighs as much as the on-topic side
EVERYDAY_SHARE = 0.25
# the confidence rule's thresholds (portal/search/engine.py confident_rule)
SCORE_KEYS = ("min_dense", "min_dense_with_lexical", "min_lexical")


@dataclass(frozen=True)
class TopicGate:
    """P(on topic | question vector) = sigmoid(vector · weights + bias); on topic when at least
    `threshold`. Only for the embedding model it was fitted with (`model_id`). `scores`: the
    confidence rule's thresholds chosen together with the gate (min_dense, min_dense_with_lexical,
    min_lexical; chosen on the assumption that the gate does part of their work, so the engine
    keeps its own for when the gate does not apply, e.g. another encoder or keyword-only search);
    None: the engine's own."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    model_id: str
    scores: Mapping[str, float] | None = None

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        x = np.asarray(vectors, dtype=np.float32).reshape(-1, len(self.weights))
        z = x @ np.asarray(self.weights, dtype=np.float32) + np.float32(self.bias)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -60.0, 60.0)))

    def on_topic(self, vector: np.ndarray) -> bool:
        return bool(self.probabilities(vector)[0] >= self.threshold)

    @classmethod
    def from_document(cls, data: Mapping | None) -> TopicGate | None:
        """The `topic_gate` section of engine.yaml (None when absent)."""
        if not data:
            return None
        scores = data.get("scores")
        if scores is not None and set(scores) != set(SCORE_KEYS):
            raise ValueError(f"topic_gate.scores needs exactly {', '.join(SCORE_KEYS)}")
        return cls(weights=tuple(map(float, data["weights"])), bias=float(data["bias"]),
                   threshold=float(data["threshold"]), model_id=str(data["model_id"]),
                   scores={k: float(scores[k]) for k in SCORE_KEYS} if scores is not None else None)

    def to_document(self) -> dict:
        doc = {"model_id": self.model_id, "threshold": round(self.threshold, 6), "bias": round(self.bias, 6)}
        if self.scores is not None:
            doc["scores"] = {k: round(float(self.scores[k]), 4) for k in SCORE_KEYS}
        return {**doc, "weights": [round(w, 6) for w in self.weights]}


def _sample_weights(n_on: int, n_every: int, n_off: int) -> np.ndarray:
    """On-topic side (bank/dev and everyday, EVERYDAY_SHARE of it everyday) and off-topic side
    weigh the same in total; each side's weights average 1 over all questions."""
    total = n_on + n_every + n_off
    on_side = 1.0 - EVERYDAY_SHARE if n_every else 1.0
    w = np.concatenate([np.full(n_on, on_side / max(n_on, 1)),
                        np.full(n_every, EVERYDAY_SHARE / max(n_every, 1)),
                        np.full(n_off, 1.0 / max(n_off, 1))])
    return (w * total / w.sum()).astype(np.float32)


def fit_gate(on: np.ndarray, off: np.ndarray, everyday: np.ndarray | None = None, *, l2: float,
             model_id: str, threshold: float = 0.5, scores: Mapping[str, float] | None = None) -> TopicGate:
    """Weighted logistic regression (L-BFGS, torch; l2·|w|², bias not penalised): `on` and
    `everyday` on topic, `off` off topic."""
    import torch

    everyday = np.zeros((0, on.shape[1]), dtype=np.float32) if everyday is None else everyday
    if not len(on) or not len(off):
        raise ValueError("the topic gate needs on-topic and off-topic questions")
    x = torch.tensor(np.vstack([on, everyday, off]).astype(np.float32))
    y = torch.tensor(np.concatenate([np.ones(len(on) + len(everyday)), np.zeros(len(off))]).astype(np.float32))
    sw = torch.tensor(_sample_weights(len(on), len(everyday), len(off)))
    torch.manual_seed(0)
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=500, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(x @ w + b, y, weight=sw)
        total = loss + l2 * (w ** 2).sum()
        total.backward()
        return total

    opt.step(closure)
    return TopicGate(weights=tuple(float(v) for v in w.detach().numpy()), bias=float(b.detach().numpy()[0]),
                     threshold=threshold, model_id=model_id, scores=scores)


def _folds(n: int, folds: int, offset: int) -> np.ndarray:
    return (np.arange(n) + offset) % folds


def cross_validated(on: np.ndarray, off: np.ndarray, everyday: np.ndarray, *, l2: float, folds: int,
                    on_split: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold P(on topic) of every on-topic, off-topic and everyday question: each fold's
    questions scored by a gate fitted on the other folds. `on_split`: the on-topic questions'
    folds (tune passes the ranking's folds, so a question's vector and gate both come from
    models that never saw it); the other two groups are dealt round-robin."""
    on_split = _folds(len(on), folds, 0) if on_split is None else np.asarray(on_split)
    off_split, every_split = _folds(len(off), folds, 1), _folds(len(everyday), folds, 2)
    p_on, p_off, p_every = np.zeros(len(on)), np.zeros(len(off)), np.zeros(len(everyday))
    for f in range(folds):
        gate = fit_gate(on[on_split != f], off[off_split != f], everyday[every_split != f], l2=l2, model_id="cv")
        p_on[on_split == f] = gate.probabilities(on[on_split == f])
        p_off[off_split == f] = gate.probabilities(off[off_split == f])
        if len(everyday):
            p_every[every_split == f] = gate.probabilities(everyday[every_split == f])
    return p_on, p_off, p_every


def threshold_at(p_on: np.ndarray, quantile: float) -> float:
    """The gate threshold refusing about `quantile` of the on-topic questions (0: none of them,
    the lowest on-topic probability itself)."""
    return float(np.quantile(p_on, quantile)) if quantile > 0 else float(np.min(p_on))


def refusals(p: Sequence[float] | np.ndarray, threshold: float) -> np.ndarray:
    return np.asarray(p) < threshold
