"""Why the rule does not help: where a gold article's twin is first, where the gold then ranks,
and what the best-looking setting gains and loses per question (training data, CV scores)."""
import sys, json, collections
sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
import numpy as np
exec(open(__import__("pathlib").Path(__file__).with_name("evaluate.py")).read().split("base_r5, base_mrr")[0])  # data + helpers, no grid
stats = pair_stats(docs)
slug = stats[4]
XF = {"xinfang-gongzuo-tiaoli-2022", "shandong-xinfang-tiaoli-2015"}
for measure, tau in (("containment", 0.5), ("containment", 0.6), ("containment", 0.7), ("containment", 0.8), ("jaccard", 0.5)):
    tw = twin_map(stats, tau, measure)
    print(f"\n== {measure} >= {tau}")
    for s in ("seed", "colloquial", "consultation"):
        idx = np.flatnonzero(style == s)
        miss = [q for q in idx if orders[q][0] not in gold[q]]
        twin_first = [q for q in miss if any(orders[q][0] in tw.get(g, ()) for g in gold[q])]
        pos = collections.Counter()
        for q in twin_first:
            p = min((orders[q].index(g) + 1 for g in gold[q] if g in orders[q]), default=0)
            pos["2" if p == 2 else "3-10" if 2 < p <= 10 else ">10" if p > 10 else "not a candidate"] += 1
        xf = sum(1 for q in twin_first if {slug[orders[q][0]]} | {slug[g] for g in gold[q]} <= XF)
        print(f"  {s:13s} questions {len(idx):4d}; first wrong {len(miss):4d}; first is a gold's twin {len(twin_first):3d} "
              f"(信访 pair {xf}); gold then at {dict(pos)}")
    # setting D=1 cand: per-question wins/losses in MRR
    ranked = [promote(o, tw, 1, allowed=set()) for o in orders]
    r5, mrr = per_question(ranked); b5, bm = per_question(orders)
    for s in ("seed", "colloquial", "consultation"):
        m = style == s
        print(f"  D=1 cand {s:13s}: MRR up {np.sum(mrr[m] > bm[m] + 1e-9):3d}, down {np.sum(mrr[m] < bm[m] - 1e-9):3d}; "
              f"R@5 up {np.sum(r5[m] > b5[m] + 1e-9):3d}, down {np.sum(r5[m] < b5[m] - 1e-9):3d}")
