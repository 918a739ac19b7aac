"""Twins of the study: label-stripped bodies, Han character pairs, containment (or Jaccard)."""
import re
import numpy as np
from scipy import sparse
from portal.search.rerank import char_bigrams

LABEL = re.compile(r"^\s*第[零〇一二两三四五六七八九十百千0-9]+条(之[一二三四五六七八九十]+)?[\s\u3000]*")

def body(text):
    return LABEL.sub("", text, count=1)

def pair_stats(docs):
    """(i, j, jaccard, containment) for i<j, different laws, both in force, sharing a pair."""
    ids, rows, cols = {}, [], []
    for r, d in enumerate(docs):
        for b in char_bigrams(body(d.text)):
            rows.append(r); cols.append(ids.setdefault(b, len(ids)))
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(docs), max(len(ids), 1)))
    size = np.asarray(m.sum(1)).ravel()
    inter = sparse.triu(m @ m.T, k=1).tocoo()
    i, j, v = inter.row, inter.col, inter.data
    slug = np.array([d.law_slug or d.id for d in docs]); rep = np.array([d.repealed for d in docs])
    keep = (slug[i] != slug[j]) & ~rep[i] & ~rep[j]
    i, j, v = i[keep], j[keep], v[keep]
    jac = v / np.maximum(size[i] + size[j] - v, 1)
    con = v / np.maximum(np.minimum(size[i], size[j]), 1)
    return i, j, jac, con, slug

def twin_map(stats, tau, measure="containment"):
    i, j, jac, con, _ = stats
    s = con if measure == "containment" else jac
    sel = s >= tau
    out = {}
    for a, b in zip(i[sel], j[sel]):
        out.setdefault(int(a), set()).add(int(b)); out.setdefault(int(b), set()).add(int(a))
    return out

def promote(order, twins, depth, allowed=None):
    """order: rows best first. For each of the first `depth` (in order), its highest-ranked twin
    ranking below it, unless among the first `depth`, moves to directly after it. `allowed`:
    rows that may be promoted from outside `order` are none (candidates only) when given as a set of
    the ranked rows; with allowed=None, twins outside `order` are inserted too."""
    order = list(order)
    top = order[:depth]
    protected = set(top)
    for s in top:
        ts = twins.get(s)
        if not ts:
            continue
        pos = order.index(s)
        below = [r for r in order[pos + 1:] if r in ts]
        if below:
            t = below[0]
        elif allowed is None:
            outside = sorted(ts - set(order))
            if not outside:
                continue
            t = outside[0]
        else:
            continue
        if t in protected:
            continue
        if t in order:
            order.remove(t)
        order.insert(order.index(s) + 1, t)
        protected.add(t)
    return order
