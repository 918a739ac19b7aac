"""Learned reranking (学习排序) of the fused candidates.

Reciprocal-rank fusion weighs whole rankings; it cannot tell that a cosine 0.02 below the best one
is close while rank 3 of a flat list is not, nor use the law or chapter the best evidence points to.
The reranker scores every candidate (the union of the lexical, plain-lexical and dense top lists)
with a linear function of a few evidence features (FEATURES). Its weights are learned by
`python -m portal.search tune` with a listwise softmax loss on the question bank (5-fold: the
features of a seed question come from an adapter, bank and prior that never saw it) and the
dev questions, and are written with the figures they were chosen on to
content/search/engine.yaml. The engine serves it only for the embedding model it was trained with;
otherwise it keeps the reciprocal-rank fusion. Serving is numpy; torch is imported only to fit."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from portal.search.documents import Corpus
from portal.search.fusion import top_rows

RANK_K = 10.0  # a top-list feature is 1 / (RANK_K + rank): the same transform for every list
BANK_NEIGHBOURS = 10  # bank questions whose articles share the vote …
BANK_SHARPNESS = 4.0  # … each weighted by max(cosine, 0) ** this

FEATURES: tuple[str, ...] = (
    "lexical_rank",  # BM25 with the vocabulary's statutory terms: 1 / (k + rank)
    "plain_lexical_rank",  # BM25 on the question's own words only
    "cosine_gap",  # adapted cosine minus the best adapted cosine (0 for the best)
    "plain_cosine_gap",  # the same for the plain (un-adapted) embedding
    "article_prior",  # log(1 + bank questions citing the article)
    "law_lexical",  # best BM25 score inside the article's law / best BM25 score
    "chapter_cosine_gap",  # best adapted cosine inside the article's chapter minus the best
    "bank_vote",  # share of the nearest bank questions' weight that cites the article
    "repealed",  # 1 for a repealed law's article
    "log_length",  # log(1 + characters of the article)
    "named_law",  # 1 when the question names the article's law
    "bigram_overlap",  # idf-weighted share of the question's Chinese character pairs in the article
    # the second encoder (portal/search/second.py); missing where it cannot run: then the
    # feature counts as its training mean, i.e. adds nothing
    "second_cosine_gap",  # its plain cosine minus its best plain cosine
    "second_adapted_gap",  # the same through its query adapter
)
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def char_bigrams(text: str) -> set[str]:
    """Adjacent Chinese character pairs (robust where word segmentation differs)."""
    return {run[i:i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


@dataclass(frozen=True)
class CorpusFacts:
    """Per-row facts the features need, computed once per corpus."""

    law: np.ndarray  # law index per row
    chapter: np.ndarray  # chapter index per row (law + chapter path; the law for a flat corpus)
    law_slug: np.ndarray  # law slug per row (str)
    repealed: np.ndarray  # float 0/1
    log_length: np.ndarray
    # each article's character pairs as ids (CSR: pairs[starts[r]:starts[r + 1]]) and their idf
    bigram_ids: Mapping[str, int]
    bigram_idf: np.ndarray
    pair_starts: np.ndarray
    pairs: np.ndarray

    @classmethod
    def of(cls, corpus: Corpus) -> CorpusFacts:
        docs = corpus.documents
        slugs = [d.law_slug or d.id for d in docs]
        chapters = [f"{slug}|{d.heading.rsplit(' ', 1)[0]}" if " " in d.heading else slug
                    for slug, d in zip(slugs, docs, strict=True)]
        ids: dict[str, int] = {}
        per_doc = [sorted(ids.setdefault(b, len(ids)) for b in char_bigrams(d.text)) for d in docs]
        starts = np.zeros(len(docs) + 1, dtype=np.int64)
        starts[1:] = np.cumsum([len(p) for p in per_doc])
        pairs = np.array([i for p in per_doc for i in p], dtype=np.int64)
        df = np.bincount(pairs, minlength=len(ids)).astype(np.float32)
        return cls(law=_codes(slugs), chapter=_codes(chapters), law_slug=np.array(slugs),
                   repealed=np.array([d.repealed for d in docs], dtype=np.float32),
                   log_length=np.log1p(np.array([len(d.text) for d in docs], dtype=np.float32)),
                   bigram_ids=ids, bigram_idf=np.log(max(len(docs), 1) / np.maximum(df, 1.0)),
                   pair_starts=starts, pairs=pairs)

    def question_pairs(self, text: str) -> tuple[np.ndarray, float]:
        """(the question's character pairs known to the corpus as ids, the idf total of all its
        pairs; a pair no article has counts as the rarest)."""
        rarest = math.log(max(len(self.law), 1))
        known, total = [], 0.0
        for b in char_bigrams(text):
            i = self.bigram_ids.get(b)
            if i is None:
                total += rarest
            else:
                known.append(i)
                total += float(self.bigram_idf[i])
        return np.array(sorted(known), dtype=np.int64), total

    def pair_overlap(self, question: tuple[np.ndarray, float], rows: np.ndarray) -> np.ndarray:
        """Per row: the idf of the question's pairs the article has / the question's idf total."""
        known, total = question
        out = np.zeros(len(rows), dtype=np.float32)
        if total <= 0 or len(known) == 0:
            return out
        weight = np.zeros(len(self.bigram_idf), dtype=np.float32)
        weight[known] = self.bigram_idf[known]
        for j, r in enumerate(rows):
            out[j] = weight[self.pairs[self.pair_starts[r]:self.pair_starts[r + 1]]].sum()
        return out / total


def _codes(values: Sequence[str]) -> np.ndarray:
    index: dict[str, int] = {}
    return np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)


@dataclass
class Evidence:
    """What the engine knows about one question, over all corpus rows."""

    lexical: np.ndarray  # BM25 scores with the vocabulary
    plain_lexical: np.ndarray  # BM25 scores of the question's own terms
    cosine: np.ndarray  # adapted cosine
    plain_cosine: np.ndarray  # plain cosine
    prior: np.ndarray  # article prior (zeros without a bank)
    votes: Mapping[int, float]  # bank vote share per row
    named: np.ndarray  # bool: the row's law is named in the question
    pairs: tuple[np.ndarray, float]  # CorpusFacts.question_pairs of the question
    terms: list[str]  # the question's own terms, then those the vocabulary added
    second_cosine: np.ndarray | None = None  # the second encoder's plain cosine (None: not run)
    second_adapted: np.ndarray | None = None  # … through its adapter


def candidates(evidence: Evidence, depth: int) -> np.ndarray:
    """Rows any list puts in its top `depth`: the lexical, plain-lexical and dense lists (and the
    second encoder's adapted list where it ran)."""
    parts = [top_rows(evidence.lexical, depth, min_score=0.0),
             top_rows(evidence.plain_lexical, depth, min_score=0.0),
             top_rows(evidence.cosine, depth)]
    if evidence.second_adapted is not None:
        parts.append(top_rows(evidence.second_adapted, depth))
    return np.unique(np.concatenate(parts)).astype(np.int64)


def _rank_feature(scores: np.ndarray, rows: np.ndarray, depth: int) -> np.ndarray:
    top = top_rows(scores, depth, min_score=0.0)
    rank = np.zeros(scores.shape[0], dtype=np.float32)
    rank[top] = np.arange(1, len(top) + 1)
    r = rank[rows]
    return np.where(r > 0, 1.0 / (RANK_K + r), 0.0)


def features(evidence: Evidence, facts: CorpusFacts, rows: np.ndarray, depth: int) -> np.ndarray:
    """The FEATURES matrix (len(rows) × len(FEATURES)) of the candidate rows."""
    best_cos = float(evidence.cosine.max())
    best_plain = float(evidence.plain_cosine.max())
    best_lex = float(evidence.lexical.max())
    law_lex = np.zeros(int(facts.law.max()) + 1, dtype=np.float32)
    np.maximum.at(law_lex, facts.law, evidence.lexical)
    chapter_cos = np.full(int(facts.chapter.max()) + 1, -1.0, dtype=np.float32)
    np.maximum.at(chapter_cos, facts.chapter, evidence.cosine)
    votes = np.array([evidence.votes.get(int(r), 0.0) for r in rows], dtype=np.float32)
    columns = [
        _rank_feature(evidence.lexical, rows, depth),
        _rank_feature(evidence.plain_lexical, rows, depth),
        evidence.cosine[rows] - best_cos,
        evidence.plain_cosine[rows] - best_plain,
        evidence.prior[rows],
        law_lex[facts.law[rows]] / best_lex if best_lex > 0 else np.zeros(len(rows)),
        chapter_cos[facts.chapter[rows]] - best_cos,
        votes,
        facts.repealed[rows],
        facts.log_length[rows],
        evidence.named[rows].astype(np.float32),
        facts.pair_overlap(evidence.pairs, rows),
        _gap(evidence.second_cosine, rows),
        _gap(evidence.second_adapted, rows),
    ]
    return np.stack(columns, axis=1).astype(np.float32)


def _gap(cosine: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
    """cosine minus the best cosine; NaN (no evidence) without the cosines."""
    if cosine is None:
        return np.full(len(rows), np.nan, dtype=np.float32)
    return cosine[rows] - float(cosine.max())


@dataclass(frozen=True)
class Reranker:
    """score = Σ weight_f · (feature_f − mean_f) / scale_f, a missing (NaN) feature counting as
    its mean; `model_id`: the embedding model it was fitted with (another model's cosines mean
    something else), `second_model_id`: the second encoder's (its features count only from it)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    model_id: str
    second_model_id: str = ""

    def scores(self, matrix: np.ndarray) -> np.ndarray:
        x = (matrix - np.asarray(self.mean, dtype=np.float32)) / np.asarray(self.scale, dtype=np.float32)
        return np.nan_to_num(x, nan=0.0) @ np.asarray(self.weights, dtype=np.float32)

    def ranked(self, rows: np.ndarray, matrix: np.ndarray) -> list[tuple[int, float]]:
        """(row, probability among the candidates) best first; ties by row."""
        if len(rows) == 0:
            return []
        s = self.scores(matrix).astype(np.float64)
        p = np.exp(s - s.max())
        p /= p.sum()
        order = np.lexsort((rows, -p))
        return [(int(rows[i]), float(p[i])) for i in order]

    @classmethod
    def from_document(cls, data: Mapping | None) -> Reranker | None:
        """The `reranker` section of engine.yaml (None when absent or for other features)."""
        if not data:
            return None
        names = tuple(data["features"])
        if names != FEATURES:
            raise ValueError(f"reranker features {names} differ from the engine's {FEATURES}: rerun tune")
        return cls(features=names, mean=tuple(map(float, data["mean"])), scale=tuple(map(float, data["scale"])),
                   weights=tuple(map(float, data["weights"])), model_id=str(data["model_id"]),
                   second_model_id=str(data.get("second_model_id") or ""))

    def to_document(self) -> dict:
        return {"model_id": self.model_id, "second_model_id": self.second_model_id, "features": list(self.features),
                "weights": [round(w, 5) for w in self.weights], "mean": [round(m, 5) for m in self.mean],
                "scale": [round(s, 5) for s in self.scale]}


def fit(matrices: Sequence[np.ndarray], labels: Sequence[np.ndarray], sample_weights: Sequence[float], *,
        model_id: str, second_model_id: str = "", l2: float = 1e-3) -> Reranker:
    """Weights minimising the weighted listwise softmax loss −log Σ_gold p(candidate) (a question
    with no gold among its candidates teaches nothing and is skipped) + l2·|w|². L-BFGS, torch.
    A missing (NaN) feature counts as its mean, as when serving."""
    import torch

    keep = [i for i, y in enumerate(labels) if np.any(y > 0)]
    if not keep:
        raise ValueError("no question has a gold article among its candidates")
    width = max(len(labels[i]) for i in keep)
    n_features = matrices[keep[0]].shape[1]
    x = np.zeros((len(keep), width, n_features), dtype=np.float32)
    mask = np.zeros((len(keep), width), dtype=bool)
    y = np.zeros((len(keep), width), dtype=bool)
    for j, i in enumerate(keep):
        n = len(labels[i])
        x[j, :n], mask[j, :n], y[j, :n] = matrices[i], True, labels[i] > 0
    stacked = x[mask]
    known = ~np.isnan(stacked)
    count = np.maximum(known.sum(0), 1)
    filled = np.where(known, stacked, 0.0)
    mean = filled.sum(0) / count  # a feature missing everywhere: mean 0, scale ~0, all zeros
    scale = np.sqrt((np.where(known, stacked - mean, 0.0) ** 2).sum(0) / count) + 1e-6
    mean, scale = mean.astype(np.float32), scale.astype(np.float32)
    xt = torch.tensor(np.nan_to_num((x - mean) / scale, nan=0.0))
    mt, yt = torch.tensor(mask), torch.tensor(y)
    wt = torch.tensor(np.asarray([sample_weights[i] for i in keep], dtype=np.float32))
    torch.manual_seed(0)
    w = torch.zeros(n_features, requires_grad=True)
    opt = torch.optim.LBFGS([w], max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        s = (xt @ w).masked_fill(~mt, -1e9)
        loss = torch.logsumexp(s, 1) - torch.logsumexp(s.masked_fill(~yt, -1e9), 1)
        total = (loss * wt).sum() / wt.sum() + l2 * (w ** 2).sum()
        total.backward()
        return total

    opt.step(closure)
    return Reranker(features=FEATURES, mean=tuple(float(v) for v in mean), scale=tuple(float(v) for v in scale),
                    weights=tuple(float(v) for v in w.detach().numpy()), model_id=model_id,
                    second_model_id=second_model_id)
