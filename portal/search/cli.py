"""`python -m portal.search eval --queries FILE.jsonl [--corpus CORPUS.jsonl] [--k 100] [--json]`
(a stable contract), plus `build` to (re)build the library index ahead of serving."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from portal.cli_env import add_env_file_option, run_command
from portal.laws.ids import law_slug_of
from portal.search.evaluation import RECALL_AT, evaluate, load_queries, peak_rss_mb
from portal.settings import PROJECT_ROOT

# the question sets `tune` may learn from (tests/search/data/README.md): dev sets, never a held-out one
# (heldout13 … heldout17); colloquial, and since dev9a–f also consultation-style
DEV_SETS = ("dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7",
            "heldout8", "heldout9", "dev8a", "dev8b", "dev8c", "dev8d",
            "dev9a", "dev9b", "dev9c", "dev9d", "dev9e", "dev9f",
            "dev10a", "dev10b", "dev10c", "dev10d", "dev10e",
            "heldout10", "heldout11", "heldout12", "dev11a", "dev11b", "dev11c", "dev11d", "dev11e", "dev11f",
            "dev11g", "dev11h")
# the topic gate's on-topic training questions besides the bank and dev ones: short everyday legal
# questions, and legal questions in the words of everyday domains (heldout21 was held out and
# measured once before ontopic-mixed was written in response to it: a dev set for the gate since)
EVERYDAY_FILES = [str(PROJECT_ROOT / "tests" / "search" / "data" / f"{name}-questions.jsonl")
                  for name in ("ontopic-everyday", "ontopic-mixed", "heldout21")]
DEV_FILES = [str(PROJECT_ROOT / "tests" / "search" / "data" / f"{name}-questions.jsonl") for name in DEV_SETS]


def _progress_bar(label: str):
    from tqdm import tqdm

    bar = tqdm(total=0, desc=label, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    return bar, update


def _engine(corpus_path: Path | None, model: str | None, *, with_second: bool = False):
    from portal.laws.library import load_library_report
    from portal.search.bank import load_seed
    from portal.search.documents import corpus_from_jsonl, corpus_from_library
    from portal.search.engine import SearchEngine
    from portal.settings import get_settings

    settings = get_settings()
    model = model or settings.embedding_model
    bar, update = _progress_bar("索引建立中 (encoding)")
    try:
        if corpus_path is None:
            library = load_library_report(settings.laws_dir).library
            return SearchEngine.for_library(library, index_dir=settings.index_dir, embedder=model, progress=update,
                                            bank=load_seed(), with_second=with_second)
        library = load_library_report(settings.laws_dir).library
        corpus = corpus_from_jsonl(corpus_path, corpus_from_library(library))
        # the bank serves whatever of it the corpus can (entries citing only articles it has)
        return SearchEngine.for_corpus(corpus, index_dir=settings.index_dir, embedder=model, progress=update,
                                       bank=load_seed(), with_second=with_second)
    finally:
        bar.close()


def _retriever(engine, mode: str):
    if mode == "fused":
        return lambda query, k: [h.provision_id for h in engine.search(query, k=k).hits]
    components = {"lexical": ("lexical",), "dense": ("dense",)}[mode]
    docs = engine.corpus.documents
    return lambda query, k: [docs[row].id for row, _ in engine.rank(query, k=k, components=components).rows]


def run_eval(args: argparse.Namespace) -> int:
    queries = load_queries(Path(args.queries))
    started = time.perf_counter()
    engine = _engine(Path(args.corpus) if args.corpus else None, args.model)
    load_seconds = time.perf_counter() - started
    engine.search("预热", k=1)  # first call pays one-off set-up (jieba dictionary, caches)
    figures = evaluate(queries, _retriever(engine, args.mode), k=args.k)
    figures.update({"index_build_s": round(engine.artefacts.build_seconds, 2) if engine.artefacts.built else 0.0,
                    "index_cached": not engine.artefacts.built,
                    "index_load_s": round(load_seconds, 2),
                    "documents": len(engine.corpus),
                    "model_id": engine.embedder.model_id,
                    "mode": args.mode,
                    "peak_rss_mb": round(peak_rss_mb(), 1)})
    per_query = figures.pop("per_query")
    figures["per_law"] = per_law(queries, per_query)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    print(f"queries {figures['queries']}  documents {figures['documents']}  model {figures['model_id']}  mode {args.mode}")
    for n in RECALL_AT:
        print(f"recall@{n:<4} {figures[f'recall@{n}']:.3f}")
    print(f"MRR@10      {figures['mrr@10']:.3f}")
    print(f"nDCG@10     {figures['ndcg@10']:.3f}")
    print(f"latency p50 {figures['latency_p50_ms']:.1f} ms   p95 {figures['latency_p95_ms']:.1f} ms")
    built = "cached" if figures["index_cached"] else f"built in {figures['index_build_s']:.1f} s"
    print(f"index       {built} (load {figures['index_load_s']:.1f} s)")
    print(f"peak RSS    {figures['peak_rss_mb']:.0f} MB")
    _print_per_law(queries, per_query)
    if args.verbose:
        for row in per_query:
            print(f"  {row['id']}: MRR {row['mrr@10']:.2f}  R@5 {row['recall@5']:.2f}")
    return 0


def per_law(queries, per_query) -> dict:
    """recall@5 and MRR@10 per law of the gold articles (a question counts for each law it cites)."""
    sums: dict[str, list[float]] = {}
    for q, row in zip(queries, per_query, strict=True):
        for slug in sorted({law_slug_of(g) or g for g in q.gold}):
            acc = sums.setdefault(slug, [0, 0.0, 0.0])
            acc[0] += 1
            acc[1] += row["recall@5"]
            acc[2] += row["mrr@10"]
    return {slug: {"queries": n, "recall@5": round(r5 / n, 4), "mrr@10": round(mrr / n, 4)}
            for slug, (n, r5, mrr) in sorted(sums.items(), key=lambda item: -item[1][0])}


def _print_per_law(queries, per_query) -> None:
    print("per law (questions citing it): recall@5  MRR@10")
    for slug, f in per_law(queries, per_query).items():
        print(f"  {slug:<40} {f['queries']:>4}  {f['recall@5']:.3f}  {f['mrr@10']:.3f}")


def run_tune(args: argparse.Namespace) -> int:
    from portal.search.bank import load_seed
    from portal.search.engine import CONFIG_FILE
    from portal.search.tuning import load_dev, tune, write_config

    engine = _engine(None, args.model, with_second=True)
    offtopic = [q.query for q in load_dev(Path(args.offtopic))]
    everyday = [q.query for path in args.everyday for q in load_dev(Path(path))]
    files = [(Path(path).name.removesuffix("-questions.jsonl"), load_dev(Path(path))) for path in args.dev]
    dev = [q for _, questions in files for q in questions]
    document = tune(engine, load_seed(), dev, folds=args.folds, offtopic=offtopic,
                    everyday=everyday, dev_names=[name for name, questions in files for _ in questions],
                    log=lambda m: print(m, file=sys.stderr))
    target = Path(args.output) if args.output else CONFIG_FILE
    write_config(document, target)
    print(json.dumps(document["figures"], ensure_ascii=False, indent=1))
    print(f"written to {target}")
    return 0


def run_train(args: argparse.Namespace) -> int:
    import numpy as np

    from portal.search.bank import load_seed
    from portal.search.learned import (
        SECOND_ADAPTER,
        SECOND_ADAPTER_FILE,
        AdapterSettings,
        learned_directory,
        question_bank,
        save_adapter,
        save_bank_vectors,
        train_adapter,
    )

    engine = _engine(None, args.model, with_second=True)
    row_of = {d.id: i for i, d in enumerate(engine.corpus.documents)}
    entries = load_seed(known=row_of)
    directory = learned_directory(engine.artefacts.directory.parent, engine.embedder.model_id)
    bank = question_bank(entries, engine.embedder, directory)
    save_bank_vectors(bank, engine.embedder.model_id, directory)
    settings = AdapterSettings(penalty=args.penalty, temperature=args.temperature, steps=args.steps,
                               learning_rate=args.learning_rate, dev_weight=args.dev_weight)
    dev = [q for path in args.dev for q in load_queries(Path(path)) if q.gold and set(q.gold) <= row_of.keys()]
    started = time.perf_counter()
    vectors = bank.vectors
    if dev:
        vectors = np.vstack([vectors, engine.embedder.encode_queries([q.query for q in dev])])
    gold = [[row_of[p] for p in e.provisions] for e in entries] + [[row_of[g] for g in q.gold] for q in dev]
    weights = [1.0] * len(entries) + [settings.dev_weight] * len(dev)
    matrix = train_adapter(vectors, gold, engine.artefacts.vector.vectors(), settings, weights)
    save_adapter(directory, matrix, model_id=engine.embedder.model_id,
                 corpus_hash=engine.corpus.content_hash, entries=entries, settings=settings,
                 dev_questions=len(dev))
    print(f"adapter trained on {len(entries)} bank and {len(dev)} dev questions in "
          f"{time.perf_counter() - started:.1f} s: {directory}")
    if engine.second is None:
        print("second encoder unavailable: its adapter was not trained")
        return 0
    started = time.perf_counter()
    second = engine.second.encoder
    questions = [e.question for e in entries] + [q.query for q in dev]
    matrix = train_adapter(second.encode(questions), gold, engine.second.documents, SECOND_ADAPTER,
                           weights)
    save_adapter(directory, matrix, model_id=second.model_id, corpus_hash=engine.corpus.content_hash,
                 entries=entries, settings=SECOND_ADAPTER, dev_questions=len(dev),
                 file=SECOND_ADAPTER_FILE)
    print(f"second encoder's adapter trained in {time.perf_counter() - started:.1f} s")
    return 0


def finetune_inputs(settings_obj=None):
    """The library's documents, the seed and dev questions cross-validation uses, their texts and
    gold rows, and each question's training weight (a dev question weighs `dev_weight`)."""
    from portal.laws.library import load_library_report
    from portal.search.bank import load_seed
    from portal.search.documents import corpus_from_library
    from portal.search.finetune import FinetuneSettings
    from portal.search.tuning import cv_questions, load_dev
    from portal.settings import get_settings

    settings = settings_obj or FinetuneSettings()
    documents = corpus_from_library(load_library_report(get_settings().laws_dir).library).documents
    dev = [q for path in DEV_FILES for q in load_dev(Path(path))]
    seed, dev, texts, gold = cv_questions(documents, load_seed(), dev)
    weights = [1.0] * len(seed) + [settings.dev_weight] * len(dev)
    return documents, seed, dev, texts, gold, weights


def trained_on(seed, dev) -> dict:
    """What the tuned layers learn from, as their manifest records it (a test compares it with
    the shipped seed and dev sets)."""
    import hashlib

    from portal.search.bank import bank_hash

    dev_hash = hashlib.sha256(json.dumps([[q.query, list(q.gold)] for q in dev], ensure_ascii=False)
                              .encode()).hexdigest()
    return {"seed_questions": len(seed), "bank_hash": bank_hash(seed), "dev_questions": len(dev),
            "dev_hash": dev_hash, "dev_sets": list(DEV_SETS)}


def run_finetune(args: argparse.Namespace) -> int:
    from portal.search.finetune import FinetuneSettings, fold_key, fold_vectors, prepare, save_tuned, train_on
    from portal.search.tuned import Bottom, tuned_directory
    from portal.search.tuning import cv_split
    from portal.settings import get_settings

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    settings = FinetuneSettings()
    documents, seed, dev, texts, gold, weights = finetune_inputs(settings)
    directory = tuned_directory(get_settings().index_dir)
    prepared = prepare(Bottom(), texts, [d.dense_text for d in documents], settings, log)
    if args.folds:
        split = cv_split(len(seed), len(dev), args.folds)
        key = fold_key(texts, gold, split, [d.id for d in documents], [d.dense_text for d in documents], settings)
        fold_vectors(prepared, gold, split, weights, settings, directory / "cv", key, log)
    if args.folds_only:
        return 0
    started = time.perf_counter()
    weights_, _ = train_on(prepared, gold, range(len(texts)), weights, settings, seed=0, log=log)
    digest = save_tuned(directory, weights_, prepared, settings, variant="original",
                        trained_on=trained_on(seed, dev))
    print(f"tuned top layers trained on {len(seed)} bank and {len(dev)} dev questions in "
          f"{time.perf_counter() - started:.0f} s: {directory} (sha256 {digest[:12]}); "
          "now run: build, train, tune")
    return 0


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    engine = _engine(None, args.model, with_second=True)  # and the second encoder's vectors (tune weighs it)
    artefacts = engine.artefacts
    seconds = time.perf_counter() - started
    if not artefacts.built:
        print(f"index up to date: {artefacts.directory} ({len(engine.corpus)} provisions, {seconds:.1f} s)")
        return 0
    size = sum(p.stat().st_size for p in artefacts.directory.rglob("*") if p.is_file()) if artefacts.saved else 0
    where = f"{artefacts.directory}, {size / 1e6:.1f} MB" if artefacts.saved else "in memory only (read-only folder)"
    print(f"index built: {where} ({len(engine.corpus)} provisions: {artefacts.encoded} encoded, "
          f"{len(engine.corpus) - artefacts.encoded} reused; {seconds:.1f} s)")
    return 0 if artefacts.saved else 1


def run_stats(args: argparse.Namespace) -> int:
    from portal.cli_core import database_work
    from portal.search.stats import most_opened

    # a missing SQLite file is refused, not created empty (CommandFailed: status 2)
    rows = database_work(lambda session: most_opened(session=session, limit=args.limit),
                         failed="没有统计：数据库正忙或无法连接（{cause}），请稍后再运行。")
    for provision_id, opened in rows:
        print(f"{opened:>8}  {provision_id}")
    if not rows:
        print("no provision has been opened from search results yet")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m portal.search", description="法律问答检索: index and evaluation")
    add_env_file_option(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("eval", help="retrieval figures for a query file")
    p.add_argument("--queries", required=True, help='JSONL: {"id", "query", "gold": [ids]} per line')
    p.add_argument("--corpus", help='JSONL: {"id", "title", "text"} per line (default: the portal library)')
    p.add_argument("--k", type=int, default=100, help="results retrieved per query (default 100)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--mode", choices=("fused", "lexical", "dense"), default="fused",
                   help="evaluate one component alone (default: the fused ranking)")
    p.add_argument("--model", help="embedding model (default: settings.embedding_model)")
    p.add_argument("--verbose", action="store_true", help="per-query figures")
    p.set_defaults(handler=run_eval)
    p = sub.add_parser("build", help="build (or verify) the library index")
    p.add_argument("--model", help="embedding model (default: settings.embedding_model)")
    p.set_defaults(handler=run_build)
    p = sub.add_parser("tune", help="choose fusion weights and thresholds by k-fold cross-validation")
    p.add_argument("--dev", nargs="+", default=DEV_FILES,
                   help="dev questions (JSONL files; default: every dev set, never a held-out one)")
    p.add_argument("--offtopic", default="tests/search/data/offtopic-questions.jsonl",
                   help="questions the library does not answer (JSONL), to calibrate the no-answer thresholds")
    p.add_argument("--everyday", nargs="+", default=EVERYDAY_FILES,
                   help="everyday legal questions (JSONL files): the topic gate's on-topic side besides "
                        "the bank and dev questions, and held to the same no-answer limit")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--output", help="config file to write (default: content/search/engine.yaml)")
    p.add_argument("--model", help="embedding model (default: settings.embedding_model)")
    p.set_defaults(handler=run_tune)
    p = sub.add_parser("train", help="cache the bank's question vectors and train the query adapter")
    p.add_argument("--penalty", type=float, default=0.1,
                   help="weight of ||W - I||² (0.1: by 5-fold CV, 0.1 vs 0.3, 60 vs 150 steps)")
    p.add_argument("--temperature", type=float, default=0.05)
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--learning-rate", type=float, default=5e-3)
    p.add_argument("--dev", nargs="+", default=DEV_FILES,
                   help="dev questions the adapter also learns from (never a held-out set)")
    p.add_argument("--dev-weight", type=float, default=3.0,
                   help="weight of a dev question against a bank question (3: by 5-fold CV, 1.5 / 3 / 6)")
    p.add_argument("--model", help="embedding model (default: settings.embedding_model)")
    p.set_defaults(handler=run_train)
    p = sub.add_parser("finetune", help="fine-tune the embedding model's top layers on the bank and dev questions")
    p.add_argument("--folds", type=int, default=0,
                   help="also train each cross-validation fold's layers for tune (about 15 to 31 minutes a fold by machine; cached)")
    p.add_argument("--folds-only", action="store_true", help="only the folds")
    p.set_defaults(handler=run_finetune)
    p = sub.add_parser("stats", help="provisions most often opened from search results (anonymous counts)")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(handler=run_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_command(build_parser().parse_args(argv))
