"""Twin counts per measure and threshold (in-force articles of different laws, label-stripped bodies), law
pairs they fall in, and 5 random pairs per threshold band for reading."""
import sys, time, json, collections
sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
import numpy as np
from twinlib import pair_stats, body
from portal.laws.library import load_library_report
from portal.search.documents import corpus_from_library
from portal.settings import get_settings
docs = corpus_from_library(load_library_report(get_settings().laws_dir).library).documents
t = time.perf_counter(); stats = pair_stats(docs); print(f"{len(docs)} articles; pairs in {time.perf_counter()-t:.2f} s")
i, j, jac, con, slug = stats
rng = np.random.default_rng(6)
out = {}
for measure, s in (("containment", con), ("jaccard", jac)):
    for tau in (0.5, 0.6, 0.7, 0.8):
        sel = s >= tau
        laws = collections.Counter(" / ".join(sorted((slug[a], slug[b]))) for a, b in zip(i[sel], j[sel]))
        arts = set(i[sel]) | set(j[sel])
        deg = collections.Counter(list(i[sel]) + list(j[sel]))
        out[f"{measure} {tau}"] = {"pairs": int(sel.sum()), "articles": len(arts), "max twins of one article": max(deg.values()) if deg else 0,
                                   "law pairs (2 or more pairs)": {k: v for k, v in laws.most_common() if v >= 2},
                                   "law pairs with a single pair": sum(1 for v in laws.values() if v == 1)}
        print(f"\n== {measure} >= {tau}: {sel.sum()} pairs, {len(arts)} articles, max degree {max(deg.values()) if deg else 0}, {len(laws)} law pairs")
        for k, n in laws.most_common(12): print(f"   {n:4d}  {k}")
json.dump(out, open(__import__("pathlib").Path(__file__).with_name("twin-counts.json"), "w"), ensure_ascii=False, indent=1)
bands = [0.5, 0.6, 0.7, 0.8, 1.01]
for a, b in zip(bands, bands[1:]):
    sel = np.flatnonzero((con >= a) & (con < b))
    pick = rng.choice(sel, size=min(5, len(sel)), replace=False)
    print(f"\n#### spot check, containment in [{a}, {b}): {len(sel)} pairs")
    for p in pick:
        x, y = docs[i[p]], docs[j[p]]
        print(f"-- C {con[p]:.3f} J {jac[p]:.3f}\n  {x.id}: {body(x.text)[:150]}\n  {y.id}: {body(y.text)[:150]}".replace("\n  ", "\n  ").replace("\r",""))
