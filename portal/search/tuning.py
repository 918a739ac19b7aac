"""`python -m portal.search tune`: fusion weights, rrf k, bank vote and confidence thresholds
chosen by k-fold cross-validation, written with the figures they were chosen on to
content/search/engine.yaml (the engine reads it).

Data: the question bank seed (real lawyer-labelled questions, STARD train split) in K folds, the
bank component of a held-out fold seeing only the other folds; and the dev questions, colloquial
and consultation-style (bank = the whole seed). Objective: the mean of the two sets' MRR@10, so a
choice that helps one style by hurting the other loses. Every component is scored by reciprocal
rank, so each component's ranking is computed once per question and the grid runs on rank matrices
(numpy)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from portal.search.bank import BankEntry, QuestionBank, article_prior, citation_counts, servable
from portal.search.engine import confident_rule
from portal.search.evaluation import EvalQuery
from portal.search.rerank import Reranker, candidates, features
from portal.search.rerank import fit as fit_reranker
from portal.search.uncertainty import (
    MAX_HIT5_WHEN_UNCERTAIN,
    UNCERTAIN_GRID,
    choose_uncertain_below,
    hit5_below,
    reliability_table,
    top1_and_hits,
)

GRID = {
    "rrf_k": (5.0, 10.0, 20.0, 60.0),
    "dense_weight": (0.3, 0.6, 1.0),
    "bank_weight": (0.0, 0.5, 1.0, 2.0),
    "bank_neighbours": (5, 10),
    "bank_gate": (0.85, 0.9),
    "synonym_weight": (0.0, 0.8),
    "named_law_factor": (1.0, 3.0),
    "repealed_factor": (0.5, 1.0),
    "prior_weight": (0.0, 0.06, 0.12, 0.18, 0.24, 0.36),
}
# confidence thresholds (below them the page says 没有找到足够相关的条文 and shows nothing): levels
# that given shares of the in-scope questions (seed + dev) reach — the best cosine alone, or a best
# BM25 score together with a lower cosine. Calibrated on off-topic questions: the most of them
# answered "no answer" while at most MAX_FALSE_NO_ANSWER of the in-scope questions are. A citizen
# with a real problem who gets nothing is worse off than one shown a weak article, so at most 2 %
# (it was 5 %: 3.7 % of in-scope questions were refused, among them 房东不退押金怎么办).
CONFIDENT_QUANTILE_GRID = {"min_dense": (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9),
                           "min_dense_with_lexical": (0.0, 0.005, 0.01, 0.02, 0.05, 0.1),
                           "min_lexical": (0.0, 0.005, 0.01, 0.02, 0.05, 0.1)}
MAX_FALSE_NO_ANSWER = 0.02
# the topic gate (portal/search/topic.py) is chosen with the thresholds: its L2 penalty, and the
# share of the in-scope questions (cross-validated) it may refuse by itself; the short everyday
# legal questions (tests/search/data/ontopic-everyday-questions.jsonl) are held to the same
# MAX_FALSE_NO_ANSWER as the in-scope ones
GATE_L2_GRID = (1e-2, 1e-3, 1e-4)
GATE_QUANTILES = (0.0, 0.0025, 0.005, 0.01)
# the second encoder (USE) costs about 150 MB of serving memory and a second query encoding: it is
# kept only when the reranker with it beats the reranker without it by more than this, the spread
# between fits measured in notes/2026-12-01-second-encoder.md (a smaller gain is noise)
SECOND_ENCODER_MARGIN = 0.004
WITH_SECOND, WITHOUT_SECOND = "with the second encoder", "without the second encoder"


def pick_reranker(objectives: dict[str, float], margin: float = SECOND_ENCODER_MARGIN) -> str:
    """Which reranker variant ships: the one without the second encoder unless the one with it
    beats it by more than `margin` (objectives: variant label → CV objective)."""
    if WITH_SECOND in objectives and objectives[WITH_SECOND] > objectives[WITHOUT_SECOND] + margin:
        return WITH_SECOND
    return WITHOUT_SECOND


@dataclass
class QuestionSet:
    name: str
    gold: list[list[int]]  # corpus rows per question


def _contrib(ranks: np.ndarray, k: float) -> np.ndarray:
    return np.where(ranks > 0, 1.0 / (k + ranks), 0.0)


def _rank_matrix(rankings: Sequence[Sequence[int]], n_docs: int, depth: int) -> np.ndarray:
    out = np.zeros((len(rankings), n_docs), dtype=np.float32)
    for i, rows in enumerate(rankings):
        rows = list(rows)[:depth]
        out[i, rows] = np.arange(1, len(rows) + 1)
    return out


def _figures(scores: np.ndarray, gold: list[list[int]]) -> tuple[float, float]:
    """(recall@5, MRR@10) of score rows against gold rows (a negative gold row: never found)."""
    n = scores.shape[0]
    top = np.argpartition(-scores, 10, axis=1)[:, :10]
    top = np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, 1), axis=1, kind="stable"), 1)
    hit = np.zeros((n, 10), dtype=bool)
    for j, g in enumerate(gold):
        hit[j] = np.isin(top[j], g)
    sizes = np.array([len(g) for g in gold], dtype=np.float64)
    recall5 = float((hit[:, :5].sum(1) / sizes).mean())
    first = np.where(hit.any(1), hit.argmax(1) + 1, 0)
    mrr = float(np.where(first > 0, 1.0 / np.maximum(first, 1), 0.0).mean())
    return recall5, mrr


def figures_by_set(scores: np.ndarray, gold: list[list[int]], names: Sequence[str | None]) -> dict:
    """Per named set (questions whose name is None are left out), in order of first appearance:
    its questions, recall@5 and MRR@10 of its rows of `scores`."""
    out = {}
    for name in dict.fromkeys(n for n in names if n is not None):
        rows = [i for i, n in enumerate(names) if n == name]
        recall5, mrr = _figures(scores[rows], [gold[i] for i in rows])
        out[name] = {"questions": len(rows), "recall@5": round(recall5, 4), "mrr@10": round(mrr, 4)}
    return out


@dataclass(frozen=True)
class ScoreSet:
    """Each question's best cosine and best BM25 score, and (with a gate) its cross-validated
    probability of being on topic per gate L2 penalty."""

    dense: np.ndarray
    lexical: np.ndarray
    gate: Mapping[float, np.ndarray] | None = None

    def confident(self, t: Mapping[str, float], l2: float | None, gate_threshold: float) -> np.ndarray:
        rule = confident_rule(self.dense, self.lexical, **t)
        return rule if l2 is None else rule & (self.gate[l2] >= gate_threshold)


def calibrate_confidence(in_scope: ScoreSet, off: ScoreSet, everyday: ScoreSet | None = None, *,
                         gate: bool = True) -> dict:
    """Thresholds (quantiles of the in-scope questions' best scores) and, with `gate`, the topic
    gate's L2 penalty and threshold (a quantile of the in-scope questions' cross-validated gate
    probabilities), answering the most off-topic questions with "no answer" while at most
    MAX_FALSE_NO_ANSWER of the in-scope ones, and of the everyday legal ones, are."""
    from portal.search.topic import threshold_at

    keys = list(CONFIDENT_QUANTILE_GRID)
    gate_options = [(None, 0.0)]  # no gate is always an option
    if gate and in_scope.gate:
        gate_options += [(l2, q) for l2 in GATE_L2_GRID for q in GATE_QUANTILES]
    best = None
    for qs in itertools.product(*(CONFIDENT_QUANTILE_GRID[k] for k in keys)):
        quantiles = dict(zip(keys, qs, strict=True))
        t = {k: float(np.quantile(in_scope.lexical if k == "min_lexical" else in_scope.dense, q))
             for k, q in quantiles.items()}
        for l2, gq in gate_options:
            gt = threshold_at(in_scope.gate[l2], gq) if l2 is not None else 0.0
            false_no = 1.0 - float(in_scope.confident(t, l2, gt).mean())
            true_no = 1.0 - float(off.confident(t, l2, gt).mean()) if len(off.dense) else 0.0
            every_no = 1.0 - float(everyday.confident(t, l2, gt).mean()) if everyday is not None and len(
                everyday.dense) else 0.0
            key = (false_no <= MAX_FALSE_NO_ANSWER and every_no <= MAX_FALSE_NO_ANSWER, true_no,
                   -false_no, -every_no)
            if best is None or key > best[0]:
                best = (key, quantiles, t, l2, gq, gt, false_no, true_no, every_no)
    _, quantiles, t, l2, gq, gt, false_no, true_no, every_no = best
    out = {"thresholds": t, "quantiles": quantiles, "false no-answer (in-scope)": round(false_no, 4),
           "true no-answer (off-topic)": round(true_no, 4), "off-topic questions": int(len(off.dense))}
    if everyday is not None:
        out["false no-answer (everyday legal)"] = round(every_no, 4)
        out["everyday legal questions"] = int(len(everyday.dense))
    if l2 is not None:
        out["gate"] = {"l2": l2, "in-scope quantile": gq, "threshold": gt}
    return out


def _cv_reranker(engine, texts: Sequence[str], plain: np.ndarray, adapted: np.ndarray,
                 gold: list[list[int]], split: np.ndarray, n_seed: int, banks: Sequence[QuestionBank],
                 priors: Sequence[np.ndarray], synonym_weight: float, folds: int,
                 log, second: tuple[np.ndarray, np.ndarray] | None = None,
                 documents: Sequence[np.ndarray] | None = None) -> tuple[np.ndarray, Reranker]:
    """Cross-validated reranker scores (questions × documents) and the reranker fitted on all.

    `split`: each question's fold (the `n_seed` seed questions first, then the dev questions).
    `banks` / `priors`: the bank and article prior each question sees (a seed question: the other
    folds' seed questions; a dev question: the whole seed, as for a question the bank has never
    seen); `adapted`: each question through its fold's adapter. The reranker for a fold is fitted on
    the other folds' questions; seed and dev questions weigh the same in total. (The features
    of a training question may use the test fold's bank entries; the test question's own features
    never do.) `documents`: per fold, the article vectors its questions are scored against (a
    tuned encoder's fold layers; None: the served index)."""
    n_docs, depth, n = len(engine.corpus.documents), engine.config.depth, len(texts)
    facts = engine.corpus_facts()
    rows_of, matrices, labels = [], [], []
    for i, text in enumerate(texts):
        ev = engine.evidence(text, plain=plain[i], adapted=adapted[i], bank=banks[i], prior=priors[i],
                             synonym_weight=synonym_weight,
                             second_plain=None if second is None else second[0][i],
                             second_adapted=None if second is None else second[1][i],
                             documents=None if documents is None else documents[split[i]])
        rows = candidates(ev, depth)
        rows_of.append(rows)
        matrices.append(features(ev, facts, rows, depth))
        labels.append(np.isin(rows, gold[i]).astype(np.float32))
    weights = np.where(np.arange(n) < n_seed, 1.0, n_seed / max(1, n - n_seed))
    model_id = engine.embedder.model_id
    second_id = engine.second.encoder.model_id if second is not None else ""
    scores = np.full((n, n_docs), -1e9, dtype=np.float32)
    for f in range(folds):
        train = np.flatnonzero(split != f)
        model = fit_reranker([matrices[i] for i in train], [labels[i] for i in train], weights[train].tolist(),
                             model_id=model_id, second_model_id=second_id)
        for i in np.flatnonzero(split == f):
            scores[i, rows_of[i]] = model.scores(matrices[i])
        log(f"reranker fold {f + 1}/{folds}: done")
    return scores, fit_reranker(matrices, labels, weights.tolist(), model_id=model_id, second_model_id=second_id)


def calibrate_uncertainty(scores: np.ndarray | None, gold: list[list[int]], sets: dict[str, slice]) -> dict:
    """`uncertain_below` from the shipped reranker's cross-validated scores (None: no reranker
    ships, never uncertain), with the reliability table it was chosen on."""
    if scores is None:
        return {"threshold": 0.0, "rule": "no reranker ships: never uncertain"}
    top1, hit1, hit5 = top1_and_hits(scores, gold)
    names = np.empty(len(gold), dtype=object)
    for name, s in sets.items():
        names[s] = name
    below = {}
    for t in UNCERTAIN_GRID:
        n, share = hit5_below(top1, hit5, names, t)
        below[t] = {"questions": n, "hit@5": None if share is None else round(share, 3)}
    return {"threshold": choose_uncertain_below(top1, hit5, names),
            "rule": "the largest threshold on the reranker's top-1 probability (cross-validated) below which, "
                    f"and below every smaller one, fewer than {MAX_HIT5_WHEN_UNCERTAIN:.0%} of the questions "
                    "(the sets weighing the same) have a gold article in the top 5; 0 (never uncertain) if "
                    "the first fails",
            "below each threshold (sets weigh the same)": below,
            "reliability (top-1 probability: questions, hit@1, hit@5)": reliability_table(top1, hit1, hit5, names)}


def _second_vectors(engine, texts: Sequence[str], gold: list[list[int]], split: np.ndarray, n_seed: int,
                    folds: int, log) -> tuple[np.ndarray, np.ndarray] | None:
    """The questions through the engine's second encoder, plain and through an adapter trained on
    the other folds (seed and dev questions, the dev ones weighing as for the shipped adapter);
    None without a second encoder."""
    from portal.search.learned import SECOND_ADAPTER, apply_adapter, train_adapter

    if engine.second is None:
        return None
    second_plain = engine.second.encoder.encode(list(texts))
    settings = SECOND_ADAPTER
    weights = np.where(np.arange(len(texts)) < n_seed, 1.0, settings.dev_weight)
    second_adapted = np.zeros_like(second_plain)
    for f in range(folds):
        train = np.flatnonzero(split != f)
        matrix = train_adapter(second_plain[train], [gold[i] for i in train], engine.second.documents, settings,
                               weights[train])
        held = np.flatnonzero(split == f)
        second_adapted[held] = apply_adapter(second_plain[held], matrix)
        log(f"second encoder's fold adapter {f + 1}/{folds}: done")
    return second_plain, second_adapted


def cv_split(n_seed: int, n_dev: int, folds: int) -> np.ndarray:
    """Each question's fold: the seed questions (first) and the dev questions are
    dealt into `folds` folds apart, each in a seeded random order. `tune` and the fine-tuning of
    the encoder's folds use this one split."""
    order = np.random.default_rng(0).permutation(n_seed)
    split = np.zeros(n_seed + n_dev, dtype=int)
    for f in range(folds):
        split[order[f::folds]] = f
    # the dev questions get folds of their own (the adapter and the reranker learn from them too)
    split[n_seed + np.random.default_rng(1).permutation(n_dev)] = np.arange(n_dev) % folds
    return split


def answerable(question: EvalQuery, row_of: Mapping[str, int]) -> bool:
    """Whether cross-validation can use a dev question: it has gold articles, all in the corpus."""
    return bool(question.gold) and all(g in row_of for g in question.gold)


def used_dev_names(dev: Sequence[EvalQuery], names: Sequence[str], row_of: Mapping[str, int]) -> list[str]:
    """Beside each dev question cross-validation uses (`answerable`, in order), the name of the
    file it came from: the names cv_questions' dev questions line up with."""
    return [name for q, name in zip(dev, names, strict=True) if answerable(q, row_of)]


def cv_questions(documents, seed: Sequence[BankEntry], dev: Sequence[EvalQuery]
                 ) -> tuple[list[BankEntry], list[EvalQuery], list[str], list[list[int]]]:
    """The seed and dev questions cross-validation uses (those whose articles the corpus all
    has), their texts (seed first) and gold rows."""
    row_of = {d.id: i for i, d in enumerate(documents)}
    seed = servable(seed, row_of)
    dev = [q for q in dev if answerable(q, row_of)]
    texts = [e.question for e in seed] + [q.query for q in dev]
    gold = [[row_of[p] for p in e.provisions] for e in seed] + [[row_of[g] for g in q.gold] for q in dev]
    return seed, dev, texts, gold


def _tuned_folds(engine, texts: Sequence[str], gold: list[list[int]], split: np.ndarray, n_seed: int,
                 log) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per fold, every question's and every article's vector through top layers fine-tuned
    without that fold (cached beside the tuned layers; about ten minutes a fold otherwise)."""
    from portal.search.finetune import FinetuneSettings, cached_fold_vectors, fold_key, fold_vectors, prepare

    settings = FinetuneSettings(**{k: v for k, v in engine.embedder.manifest.get("settings", {}).items()
                                   if k in FinetuneSettings.__dataclass_fields__})
    articles = [d.dense_text for d in engine.corpus.documents]
    key = fold_key(texts, gold, split, [d.id for d in engine.corpus.documents], articles, settings)
    cache = engine.embedder.directory / "cv"
    found = cached_fold_vectors(cache, key, int(split.max()) + 1)
    if found is not None:
        log("tuned encoder: fold vectors cached")
        return found
    weights = np.where(np.arange(len(texts)) < n_seed, 1.0, settings.dev_weight)
    log("tuned encoder: no cached fold vectors; fine-tuning each fold (about ten minutes a fold)")
    prepared = prepare(engine.embedder.bottom, texts, articles, settings, log)
    return fold_vectors(prepared, gold, split, weights, settings, cache, key, log)


def tune(engine, seed: Sequence[BankEntry], dev: Sequence[EvalQuery], *, folds: int = 5,
         offtopic: Sequence[str] = (), everyday: Sequence[str] = (), dev_names: Sequence[str] | None = None,
         log=print) -> dict:
    """Cross-validated choice of the engine's parameters; returns the engine.yaml document.
    `dev`: the dev questions, colloquial and consultation-style (one set, however many files they came from);
    `offtopic`: questions the library does not answer; `everyday`: short everyday legal questions
    (both calibrate the confidence rule and train the topic gate, never the ranking).
    `dev_names`: beside each of them, the name of the file it came from, for the report's per-set
    figures (the choice weighs all dev questions as one set; ids repeat across files)."""
    from portal.search.learned import (
        AdapterSettings,
        apply_adapter,
        learned_directory,
        question_bank,
        read_learned_manifest,
        train_adapter,
    )

    docs = engine.corpus.documents
    n_docs, depth = len(docs), engine.config.depth
    row_of = {d.id: i for i, d in enumerate(docs)}
    used_names = None if dev_names is None else used_dev_names(dev, dev_names, row_of)
    seed, dev, texts, gold = cv_questions(docs, seed, dev)
    learned = learned_directory(engine.artefacts.directory.parent, engine.embedder.model_id)
    bank = question_bank(seed, engine.embedder, learned)
    dev_vectors = engine.embedder.encode_queries([q.query for q in dev])
    plain = np.vstack([bank.vectors, dev_vectors])
    n_seed = len(seed)
    split = cv_split(n_seed, len(dev), folds)
    fold_of = split[:n_seed]
    # a tuned encoder was fine-tuned on these questions: each fold's questions and articles are
    # encoded by layers fine-tuned without that fold (portal.search.finetune.fold_vectors)
    documents = engine.artefacts.vector.vectors()
    tuned = _tuned_folds(engine, texts, gold, split, n_seed, log) if hasattr(engine.embedder, "cut") else None
    fold_questions = [plain] * folds if tuned is None else [q for q, _ in tuned]
    fold_documents = [documents] * folds if tuned is None else [d for _, d in tuned]
    if tuned is not None:
        for f in range(folds):
            plain[split == f] = fold_questions[f][split == f]

    # component rankings, once per question
    adapted = apply_adapter(plain, engine.adapter)
    if engine.adapter is not None:  # no question is scored by an adapter trained on it
        manifest = read_learned_manifest(learned).get("adapter") or {}
        settings = AdapterSettings(**{k: v for k, v in manifest.items() if k in AdapterSettings.__dataclass_fields__})
        learns_dev = bool(manifest.get("dev_questions"))
        weights = np.where(np.arange(len(texts)) < n_seed, 1.0, settings.dev_weight)
        for f in range(folds):
            train = np.flatnonzero((split != f) & ((np.arange(len(texts)) < n_seed) | learns_dev))
            matrix = train_adapter(fold_questions[f][train], [gold[i] for i in train], fold_documents[f],
                                   settings, weights[train])
            held = np.flatnonzero(split == f)
            if not learns_dev:  # the shipped adapter never saw the dev questions: they keep it
                held = held[held < n_seed]
            adapted[held] = apply_adapter(plain[held], matrix)
            log(f"fold adapter {f + 1}/{folds}: done")
    second = _second_vectors(engine, texts, gold, split, n_seed, folds, log)
    cos = np.zeros((len(texts), n_docs), dtype=np.float32)
    for f in range(folds):
        cos[split == f] = adapted[split == f] @ fold_documents[f].T
    dense = _rank_matrix([np.argsort(-c)[:depth] for c in cos], n_docs, depth)
    best_dense = cos.max(axis=1)
    lexical, best_lexical = {}, np.zeros(len(texts))
    for sw in GRID["synonym_weight"]:
        rows = []
        for i, text in enumerate(texts):
            own, added = engine.query_terms(text)
            scores = engine.artefacts.lexical.scores([(t, 1.0) for t in own] + [(t, sw) for t in added])
            top = np.argsort(-scores)[:depth]
            rows.append(top[scores[top] > 0])
            if sw == max(GRID["synonym_weight"]):
                best_lexical[i] = float(scores[top[0]]) if scores[top[0]] > 0 else 0.0
        lexical[sw] = _rank_matrix(rows, n_docs, depth)
    # the bank and article prior each question sees: a seed question only the other folds'
    # entries, a dev question the whole seed
    fold_banks = [QuestionBank([seed[j] for j in keep], fold_questions[f][keep])
                  for f, keep in enumerate(np.flatnonzero(fold_of != f) for f in range(folds))]
    whole_banks = [QuestionBank(seed, fold_questions[f][:n_seed]) for f in range(folds)] if tuned else [bank] * folds
    seen_banks = [fold_banks[fold_of[i]] for i in range(n_seed)] + [whole_banks[split[i]] for i in range(n_seed, len(texts))]
    fold_priors = [article_prior(citation_counts(b.entries, row_of, n_docs)) for b in fold_banks]
    seen_priors = [fold_priors[fold_of[i]] for i in range(n_seed)] \
        + [article_prior(citation_counts(seed, row_of, n_docs))] * len(dev)
    banks = {}
    for m, gate in itertools.product(GRID["bank_neighbours"], GRID["bank_gate"]):
        rows = [seen_banks[i].vote(plain[i], neighbours=m, gate=gate, row_of=row_of) for i in range(len(texts))]
        banks[(m, gate)] = _rank_matrix(rows, n_docs, depth)
        log(f"bank vote m={m} gate={gate}: done")
    named = np.vstack([engine.named_mask(text) for text in texts])
    repealed = np.array([d.repealed for d in docs])
    prior = np.vstack(seen_priors)
    # only documents some component ranks can be fused into a question's top 10: keep, per
    # question, those candidates (a few hundred of the thousands of columns)
    ranked_any = (dense > 0) | np.any([m > 0 for m in [*lexical.values(), *banks.values()]], axis=0)
    width = max(11, int(ranked_any.sum(axis=1).max()))
    take = np.full((len(texts), width), n_docs)  # n_docs: an empty padding column
    gold_at = []
    for i, rows in enumerate(ranked_any):
        cand = np.flatnonzero(rows)
        take[i, :len(cand)] = cand
        at = {int(c): j for j, c in enumerate(cand)}
        gold_at.append([at.get(g, -1 - j) for j, g in enumerate(gold[i])])  # absent: never found

    def compact(matrix: np.ndarray) -> np.ndarray:
        padded = np.concatenate([matrix, np.zeros((matrix.shape[0], 1), dtype=matrix.dtype)], axis=1)
        return np.take_along_axis(padded, take, axis=1)

    gold_rows = gold
    dense, named, prior = compact(dense), compact(named), compact(prior)
    repealed = np.append(repealed, False)[take]
    lexical = {k: compact(m) for k, m in lexical.items()}
    banks = {k: compact(m) for k, m in banks.items()}
    gold = gold_at

    sets = {"seed (CV)": slice(0, n_seed), "dev": slice(n_seed, len(texts))}
    def fused_scores(p: dict) -> np.ndarray:  # over the compacted candidates (gold: gold_at)
        k = p["rrf_k"]
        fused = _contrib(lexical[p["synonym_weight"]], k) + p["dense_weight"] * _contrib(dense, k)
        if p["bank_weight"]:
            fused = fused + p["bank_weight"] * _contrib(banks[(p["bank_neighbours"], p["bank_gate"])], k)
        if p["prior_weight"]:
            fused = fused + np.where(fused > 0, p["prior_weight"] / (k + 1.0) * prior, 0.0)
        return fused * np.where(named, p["named_law_factor"], 1.0) * np.where(repealed, p["repealed_factor"], 1.0)

    results = []
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        p = dict(zip(keys, values, strict=True))
        if p["bank_weight"] == 0 and (p["bank_neighbours"], p["bank_gate"]) != (GRID["bank_neighbours"][0], GRID["bank_gate"][0]):
            continue
        fused = fused_scores(p)
        figures = {name: _figures(fused[s], gold[s]) for name, s in sets.items()}
        results.append((sum(f[1] for f in figures.values()) / len(figures), p, figures))
        if len(results) % 1000 == 0:
            log(f"{len(results)} settings scored")
    results.sort(key=lambda r: -r[0])
    objective, chosen, figures = results[0]
    log(f"{len(results)} settings; best objective {objective:.4f}: {chosen}")

    def described(p: dict) -> dict:
        fig = next(f for _, q, f in results if q == p)
        return {name: {"recall@5": round(r5, 4), "mrr@10": round(m, 4)} for name, (r5, m) in fig.items()}

    # the learned reranker, on the chosen vocabulary weight, with and without the second encoder
    # (kept only when it beats the reranker without it by more than SECOND_ENCODER_MARGIN): shipped
    # when it beats the fusion
    variants = {}
    runs = {WITH_SECOND: second} if second is not None else {}
    for label, vectors in {**runs, WITHOUT_SECOND: None}.items():
        scores_, model = _cv_reranker(engine, texts, plain, adapted, gold_rows, split, n_seed, seen_banks,
                                      seen_priors, chosen["synonym_weight"], folds, log, vectors,
                                      documents=None if tuned is None else fold_documents)
        figs = {name: _figures(scores_[s], gold_rows[s]) for name, s in sets.items()}
        variants[label] = (sum(f[1] for f in figs.values()) / len(figs), scores_, model, figs)
        log(f"reranker {label}: objective {variants[label][0]:.4f} (fusion {objective:.4f})")
    best_label = pick_reranker({label: v[0] for label, v in variants.items()})
    rerank_objective, rerank_scores, reranker, rerank_figures = variants[best_label]
    reranker_ablation = {label: {"objective (mean MRR@10 of the sets)": round(v[0], 4),
                                 **{name: {"recall@5": round(r5, 4), "mrr@10": round(m, 4)}
                                    for name, (r5, m) in v[3].items()}}
                         for label, v in variants.items() if label != best_label}
    ships = rerank_objective > objective
    set_names = [None] * n_seed + (used_names if used_names is not None else [None] * len(dev))
    by_set = (figures_by_set(rerank_scores, gold_rows, set_names) if ships
              else figures_by_set(fused_scores(chosen), gold, set_names))

    similar = _similar_section(rerank_scores if ships else None, None if ships else (fused_scores(chosen), take),
                               plain, seen_banks, gold_rows, n_seed, docs, engine.embedder.model_id)
    log(f"相似问题: shown on its own from cosine {similar['alone']}")

    ablations = {}
    for label, change in [("without bank", {"bank_weight": 0.0}),
                          ("without vocabulary", {"synonym_weight": 0.0}),
                          ("without named-law prior", {"named_law_factor": 1.0}),
                          ("without repealed factor", {"repealed_factor": 1.0}),
                          ("without article prior", {"prior_weight": 0.0})]:
        variant = {**chosen, **change}
        if change.get("bank_weight") == 0.0:
            variant.update(bank_neighbours=GRID["bank_neighbours"][0], bank_gate=GRID["bank_gate"][0])
        ablations[label] = described(variant) if variant != chosen else "chosen already"
    off_plain, off_scores = _outside_scores(engine, offtopic)
    every_plain, every_scores = _outside_scores(engine, everyday)
    gate_cv = {}
    if len(off_plain):
        from portal.search.topic import cross_validated

        for l2 in GATE_L2_GRID:
            p_on, p_off, p_every = cross_validated(plain, off_plain, every_plain, l2=l2, folds=folds, on_split=split)
            gate_cv[l2] = (p_on, p_off, p_every)
            log(f"topic gate l2 {l2:g}: cross-validated")
    in_scope = ScoreSet(best_dense, best_lexical, {l2: v[0] for l2, v in gate_cv.items()} or None)
    off_set = ScoreSet(off_scores[0], off_scores[1], {l2: v[1] for l2, v in gate_cv.items()} or None)
    every_set = ScoreSet(every_scores[0], every_scores[1], {l2: v[2] for l2, v in gate_cv.items()} or None) \
        if everyday else None
    confidence = calibrate_confidence(in_scope, off_set, every_set)
    ungated = calibrate_confidence(in_scope, off_set, every_set, gate=False)
    topic_gate = None
    if "gate" in confidence:
        from portal.search.topic import fit_gate

        chosen_gate = confidence["gate"]
        topic_gate = fit_gate(plain, off_plain, every_plain, l2=chosen_gate["l2"],
                              model_id=engine.embedder.model_id, threshold=chosen_gate["threshold"],
                              scores=confidence["thresholds"])
    uncertainty = calibrate_uncertainty(rerank_scores if ships else None, gold_rows, sets)
    # `chosen` holds the thresholds without the gate: they serve wherever the gate does not apply
    # (another encoder, keyword-only search); the gate carries its own (topic_gate.scores)
    t = ungated["thresholds"]
    fusion_figures = {"objective (mean MRR@10 of the sets)": round(objective, 4), **described(chosen)}
    reranker_figures = {"objective (mean MRR@10 of the sets)": round(rerank_objective, 4),
                        **{name: {"recall@5": round(r5, 4), "mrr@10": round(m, 4)}
                           for name, (r5, m) in rerank_figures.items()}}
    return {
        "chosen": {**{k: (float(v) if isinstance(v, float) else v) for k, v in chosen.items()},
                   "lexical_weight": 1.0,
                   "min_dense": round(t["min_dense"], 4),
                   "min_dense_with_lexical": round(t["min_dense_with_lexical"], 4),
                   "min_lexical": round(t["min_lexical"], 3),
                   "uncertain_below": uncertainty["threshold"]},
        "reranker": reranker.to_document() if ships else None,
        "topic_gate": topic_gate.to_document() if topic_gate is not None else None,
        "figures": reranker_figures if ships else fusion_figures,
        "figures without the reranker (fusion alone)" if ships else "figures of the reranker (not shipped)":
            fusion_figures if ships else reranker_figures,
        "figures by dev set (CV, as shipped)": by_set,
        "similar": similar,
        "ablations (reranker)": reranker_ablation,
        "ablations (fusion)": ablations,
        "how": {"command": "python -m portal.search tune", "folds": folds,
                "sets": {"seed (CV)": f"{n_seed} bank seed questions, {folds}-fold, bank = other folds",
                         "dev": f"{len(dev)} dev questions (colloquial and consultation-style), bank = whole seed"},
                "reranker": "listwise softmax, L-BFGS; cross-validated on the seed folds and "
                            f"{folds} folds of the dev questions (seed and dev weigh the same); "
                            "shipped when its objective beats the fusion's; the second encoder "
                            f"kept only when it adds more than {SECOND_ENCODER_MARGIN} to it",
                "grid": {k: list(v) for k, v in GRID.items()},
                "confidence": {"rule": "quantiles of the best cosine / best BM25 score over the in-scope "
                                       f"questions; most off-topic questions refused with at most "
                                       f"{MAX_FALSE_NO_ANSWER:.0%} of the in-scope refused",
                               **{k: v for k, v in confidence.items() if k != "thresholds"},
                               "without the topic gate": {k: v for k, v in ungated.items()},
                               "topic gate": "logistic regression on the question's embedding (before the "
                                             "adapter): bank and dev questions (each through its fold's "
                                             "encoder) and everyday legal questions against the off-topic "
                                             f"ones, folds as above; L2 from {list(GATE_L2_GRID)}, threshold "
                                             "a quantile of the in-scope questions' cross-validated "
                                             f"probabilities from {list(GATE_QUANTILES)}, chosen with the "
                                             "thresholds"},
                "uncertain": {k: v for k, v in uncertainty.items() if k != "threshold"},
                "adapter": ("per fold, trained on the other folds' seed and dev questions"
                            if read_learned_manifest(learned).get("adapter", {}).get("dev_questions")
                            else "per fold, trained on the other seed folds (dev: the shipped adapter)")
                if engine.adapter is not None else "none (identity)",
                "model_id": engine.embedder.model_id,
                "encoder": ("tuned: each fold's questions and articles encoded by top layers fine-tuned without "
                            "that fold's questions (python -m portal.search finetune --folds)")
                if tuned is not None else "as served (not trained on these questions)"},
    }


def _similar_section(rerank_scores: np.ndarray | None, fused: tuple[np.ndarray, np.ndarray] | None,
                     plain: np.ndarray, banks: Sequence[QuestionBank], gold_rows: list[list[int]], n_seed: int,
                     docs, model_id: str) -> dict:
    """相似问题's calibration (portal/search/similar.py) on the cross-validated data: each question's
    fold vector and the bank it may see, and as its answer the top of its cross-validated ranking
    (`rerank_scores` over all articles, or `fused` = (scores over the compacted candidates, their rows))."""
    from portal.search.similar import ANSWER_DEPTH, asked, calibrate

    n_docs = len(docs)
    questions = []
    for i in range(len(plain)):
        if rerank_scores is not None:
            top = np.argsort(-rerank_scores[i], kind="stable")[:ANSWER_DEPTH]
            rows = [int(r) for r in top if rerank_scores[i, r] > -1e8]
        else:
            scores, take = fused
            order = np.argsort(-scores[i], kind="stable")
            rows = [int(take[i, j]) for j in order if take[i, j] < n_docs and scores[i, j] > 0][:ANSWER_DEPTH]
        questions.append(asked(plain[i], banks[i], [docs[g].id for g in gold_rows[i]], [docs[r].id for r in rows]))
    return calibrate(questions[:n_seed], questions[n_seed:], model_id=model_id)


def _outside_scores(engine, texts: Sequence[str]) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Questions outside the cross-validation (off-topic, everyday): their plain vectors through the
    served encoder, and their best cosine (served adapter) and best BM25 score (vocabulary at its
    largest weight, as for the in-scope questions)."""
    from portal.search.learned import apply_adapter

    dim = engine.document_vectors().shape[1]
    if not texts:
        return np.zeros((0, dim), dtype=np.float32), (np.zeros(0), np.zeros(0))
    plain = engine.embedder.encode_queries(list(texts))
    best_dense = (apply_adapter(plain, engine.adapter) @ engine.artefacts.vector.vectors().T).max(axis=1)
    best_lexical = np.zeros(len(texts))
    for i, text in enumerate(texts):
        own, added = engine.query_terms(text)
        best_lexical[i] = max(0.0, float(engine.artefacts.lexical.scores(
            [(t, 1.0) for t in own] + [(t, max(GRID["synonym_weight"])) for t in added]).max()))
    return plain, (best_dense, best_lexical)


def write_config(document: dict, path: Path) -> None:
    header = ("# Written by `python -m portal.search tune` (k-fold cross-validation); do not edit by hand.\n"
              "# `chosen` is read by the engine; the rest records what the choice was made on.\n")
    path.write_text(header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def load_dev(path: Path) -> list[EvalQuery]:
    from portal.search.evaluation import load_queries

    return load_queries(path) if path.is_file() else []

