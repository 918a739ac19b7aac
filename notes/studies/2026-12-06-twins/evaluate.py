"""The promotion rule on tune's cross-validated reranker scores (dumped by dump_tune.py)."""
import sys, json, itertools
sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
import numpy as np
from twinlib import pair_stats, twin_map, promote
from portal.laws.library import load_library_report
from portal.search.documents import corpus_from_library
from portal.settings import get_settings

CONSULTATION = {"dev9a", "dev9b", "dev9c", "dev9d", "dev9e", "dev9f", "dev10d", "dev10e", "dev11e", "dev11f"}
TAUS, DEPTHS, VARIANTS = (0.5, 0.6, 0.7, 0.8), (1, 2, 3), ("cand", "any")
PREFIX = sys.argv[1] if len(sys.argv) > 1 else "/tmp/twin/cv"

meta = json.load(open(f"{PREFIX}-meta.json"))
scores = np.load(f"{PREFIX}-without_second-scores.npy")
names = json.load(open(f"{PREFIX}-dev-names.json"))
n_seed, gold = meta["n_seed"], meta["gold"]
n = len(gold)
assert len(names) == n - n_seed
docs = corpus_from_library(load_library_report(get_settings().laws_dir).library).documents
assert [d.id for d in docs] == meta["doc_ids"]
style = np.array(["seed"] * n_seed + ["consultation" if x in CONSULTATION else "colloquial" for x in names])
orders = []
for q in range(n):
    cand = np.flatnonzero(scores[q] > -1e8)
    orders.append(cand[np.argsort(-scores[q, cand], kind="stable")].tolist())

def per_question(ranked):
    r5 = np.zeros(n); mrr = np.zeros(n)
    for q, order in enumerate(ranked):
        g = set(gold[q]); top = order[:10]
        r5[q] = len(set(top[:5]) & g) / len(gold[q])
        hit = [k for k, r in enumerate(top) if r in g]
        mrr[q] = 1.0 / (hit[0] + 1) if hit else 0.0
    return r5, mrr

def summary(r5, mrr):
    out = {}
    for s in ("seed", "colloquial", "consultation"):
        m = style == s
        out[s] = (r5[m].mean(), mrr[m].mean())
    dev = style != "seed"
    out["dev pool"] = (r5[dev].mean(), mrr[dev].mean())
    out["objective"] = (out["seed"][1] + out["dev pool"][1]) / 2
    return out

base_r5, base_mrr = per_question(orders)
base = summary(base_r5, base_mrr)
stats = pair_stats(docs)
rows = [("none", "-", 0, "-", base, 0)]
for measure in ("containment", "jaccard"):
    for tau in TAUS:
        twins = twin_map(stats, tau, measure)
        for d, v in itertools.product(DEPTHS, VARIANTS):
            ranked = [promote(o, twins, d, allowed=set() if v == "cand" else None) for o in orders]
            changed = sum(a[:10] != b[:10] for a, b in zip(ranked, orders))
            r5, mrr = per_question(ranked)
            rows.append((measure, tau, d, v, summary(r5, mrr), changed))
json.dump([{"measure": m, "tau": t, "depth": d, "variant": v, "changed top10": c,
            **{k: (list(map(float, x)) if isinstance(x, tuple) else float(x)) for k, x in s.items()}}
           for m, t, d, v, s, c in rows], open(__import__("pathlib").Path(__file__).with_name("grid.json"), "w"), indent=1)
print(f"questions: seed {np.sum(style=='seed')}, colloquial {np.sum(style=='colloquial')}, consultation {np.sum(style=='consultation')}")
hdr = "| measure | τ | D | variant | top-10 changed | objective | seed R@5 / MRR@10 | colloquial | consultation | dev pool |"
print(hdr); print("|" + " --- |" * 10)
for m, t, d, v, s, c in rows:
    f = lambda k: f"{s[k][0]:.4f} / {s[k][1]:.4f}"
    print(f"| {m} | {t} | {d} | {v} | {c} | {s['objective']:.4f} | {f('seed')} | {f('colloquial')} | {f('consultation')} | {f('dev pool')} |")

def decide(measure):
    grid = [r for r in rows if r[0] == measure]
    best = max(grid, key=lambda r: r[4]["objective"])
    s = best[4]
    a = s["objective"] > base["objective"] + 0.004
    falls = {f"{k} {w}": round(s[k][i] - base[k][i], 4) for k in ("seed", "colloquial", "consultation")
             for i, w in ((0, "R@5"), (1, "MRR@10"))}
    b = all(v >= -0.005 for v in falls.values())
    on_seed = max(grid, key=lambda r: r[4]["seed"][1])
    on_dev = max(grid, key=lambda r: r[4]["dev pool"][1])
    c1 = on_seed[4]["colloquial"][1] >= base["colloquial"][1]
    c2 = on_dev[4]["seed"][1] >= base["seed"][1]
    print(f"\n[{measure}] best by objective: τ {best[1]} D {best[2]} {best[3]}: {s['objective']:.4f} vs {base['objective']:.4f} "
          f"(+{s['objective'] - base['objective']:.4f}) -> (a) {a}")
    print(f"  changes vs none: {falls} -> (b) {b}")
    print(f"  chosen on seed alone: τ {on_seed[1]} D {on_seed[2]} {on_seed[3]} seed MRR {on_seed[4]['seed'][1]:.4f}; "
          f"colloquial MRR {on_seed[4]['colloquial'][1]:.4f} vs {base['colloquial'][1]:.4f} -> {c1}")
    print(f"  chosen on dev alone: τ {on_dev[1]} D {on_dev[2]} {on_dev[3]} dev MRR {on_dev[4]['dev pool'][1]:.4f}; "
          f"seed MRR {on_dev[4]['seed'][1]:.4f} vs {base['seed'][1]:.4f} -> {c2}")
    print(f"  SHIPS: {a and b and c1 and c2}")
decide("containment"); decide("jaccard")
