"""Run `tune` unchanged (output to /tmp) and dump the reranker's cross-validated score matrices."""
import sys, time, json
import numpy as np
import portal.search.tuning as T
from portal.search import cli

OUT = "/tmp/twin/cv"
calls = []
orig = T._cv_reranker
def wrapped(engine, texts, plain, adapted, gold, split, n_seed, *a, **kw):
    scores, model = orig(engine, texts, plain, adapted, gold, split, n_seed, *a, **kw)
    second = a[5] if len(a) > 5 else kw.get("second")
    tag = "with_second" if second is not None else "without_second"
    np.save(f"{OUT}-{tag}-scores.npy", scores)
    np.save(f"{OUT}-split.npy", split)
    with open(f"{OUT}-meta.json", "w") as f:
        json.dump({"n_seed": int(n_seed), "gold": [list(map(int, g)) for g in gold], "texts": list(texts),
                   "doc_ids": [d.id for d in engine.corpus.documents]}, f, ensure_ascii=False)
    print(f"DUMPED {tag}", file=sys.stderr, flush=True)
    return scores, model
T._cv_reranker = wrapped
orig_names = T.used_dev_names
def names(*a, **kw):
    out = orig_names(*a, **kw)
    with open(f"{OUT}-dev-names.json", "w") as f:
        json.dump(out, f)
    return out
T.used_dev_names = names
t0 = time.time()
rc = cli.main(["tune", "--output", "/tmp/twin/engine-dump.yaml"])
print(f"TUNE WALL {time.time() - t0:.0f} s", file=sys.stderr)
sys.exit(rc)
