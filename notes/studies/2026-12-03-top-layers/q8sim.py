"""Simulate int8/int7 weights x Q8_0 activations in the tuned top layers (questions only; the
library vectors stay float32) and print the fused figures per dev file; writes each run's top-10s to
/tmp/q8sim-<mode>.json for comparison. Research script, not product code.

    PYTHONPATH=. python notes/studies/2026-12-03-top-layers/q8sim.py fp32|int8|int7 FILE...
"""
import json, sys, glob, numpy as np
from pathlib import Path
from portal.search import cli
from portal.search.evaluation import load_queries, recall_at, mrr_at
from portal.search.tuned import TopLayers, load_top, _erf, tuned_directory
from portal.settings import PROJECT_ROOT

def qw(w, levels):  # w: nin x nout (TopLayers layout); blocks of 32 along nin per output
    nin, nout = w.shape
    b = w.T.reshape(nout, nin // 32, 32)
    s = np.abs(b).max(-1, keepdims=True) / levels
    s[s == 0] = 1
    return (np.round(b / s) * s).reshape(nout, nin).T.astype(np.float32).copy()

def qa(x):  # Q8_0 per token, blocks of 32
    t, n = x.shape
    b = x.reshape(t, n // 32, 32)
    s = np.abs(b).max(-1, keepdims=True) / 127
    s[s == 0] = 1
    return (np.round(b / s) * s).reshape(t, n).astype(np.float32)

class SimTop(TopLayers):
    def __init__(self, base, levels):
        self.__dict__.update(base.__dict__)
        self._w = [{k: qw(v, levels) for k, v in w.items()} for w in base._w]
    def __call__(self, x):
        x = np.asarray(x, dtype=np.float32); t, h = x.shape; hd = h // self.heads
        scale = np.float32(1.0 / np.sqrt(hd))
        for w, b, g in zip(self._w, self._b, self._g):
            qkv = qa(x) @ w["qkv"] + b["qkv"]
            q, k, v = (qkv[:, i*h:(i+1)*h].reshape(t, self.heads, hd).transpose(1, 0, 2) for i in range(3))
            sc = (q @ k.transpose(0, 2, 1)) * scale
            sc = np.exp(sc - sc.max(-1, keepdims=True)); sc /= sc.sum(-1, keepdims=True)
            ctx = (sc @ v).transpose(1, 0, 2).reshape(t, h)
            x = self._norm(x + qa(ctx) @ w["ao"] + b["ao"], g["aln"], b["aln"])
            mid = qa(x) @ w["fi"] + b["fi"]
            mid = np.float32(0.5) * mid * (np.float32(1) + _erf(mid * np.float32(0.7071067811865476)))
            x = self._norm(x + qa(mid) @ w["fo"] + b["fo"], g["oln"], b["oln"])
        return x

levels = {"fp32": None, "int8": 127, "int7": 63, "int4": 7}[sys.argv[1]]
engine = cli._engine(None, None)
emb = engine.embedder
man, weights = load_top(tuned_directory(PROJECT_ROOT / "index"))
ref = TopLayers(weights, range(emb.cut, int(man["layers"])), heads=int(man["heads"]), eps=float(man["eps"]))
emb.top = ref if levels is None else SimTop(ref, levels)
files = sys.argv[2:]
res = {}
for f in files:
    qs = load_queries(Path(f))
    r5 = m10 = 0; tops = {}
    for q in qs:
        ranked = [h.provision_id for h in engine.search(q.query, k=20).hits]
        r5 += recall_at(ranked, q.gold, 5); m10 += mrr_at(ranked, q.gold, 10); tops[q.id] = ranked[:10]
    res[Path(f).name] = tops
    print(f"{sys.argv[1]} {Path(f).name:28s} n={len(qs)} R@5 {r5/len(qs):.3f} MRR@10 {m10/len(qs):.3f}", flush=True)
json.dump(res, open(f"/tmp/q8sim-{sys.argv[1]}.json", "w"))
