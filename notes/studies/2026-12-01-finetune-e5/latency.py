"""Single-query latency of the torch fp32 model (2 threads), tokenisation included; peak RSS."""
import time, resource, torch, numpy as np
from common import *
import e5torch
torch.set_num_threads(2)
t0 = time.time(); m = e5torch.build_model().eval(); tok = e5torch.Tok(); print("model build s %.1f" % (time.time() - t0))
stard, coll = load_questions(); qs = [r["query"] for r in stard[:100]]
def q1(t):
    ids, mask = e5torch.pad_batch(tok.windows(t, True)[0])
    with torch.no_grad(): return torch.nn.functional.normalize(m(ids, mask), dim=-1)
for t in qs[:5]: q1(t)
ts = []
for t in qs:
    a = time.perf_counter(); q1(t); ts.append(time.perf_counter() - a)
print("torch fp32 single query latency ms: median %.1f p90 %.1f" % (1000 * np.median(ts), 1000 * np.percentile(ts, 90)))
print("peak RSS MB %.0f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
