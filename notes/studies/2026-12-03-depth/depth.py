"""Depth study (README.md beside this file): one fold (`--fold`, 0 by default) of the
fine-tuning cross-validation trained with `FinetuneSettings(cut=N)`, scored by the dense component
alone against the shipped cut-8 vectors of the same fold.

    PYTHONPATH=. .venv/bin/python notes/studies/2026-12-03-depth/depth.py --cut 6 --out /work/cache/s17
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from portal.search.cli import DEV_FILES, DEV_SETS, finetune_inputs
from portal.search.evaluation import mrr_at, recall_at
from portal.search.finetune import FinetuneSettings, encode_all, fold_key, prepare, train_on
from portal.search.tuned import Bottom, tuned_directory
from portal.search.tuning import cv_split, load_dev, used_dev_names
from portal.settings import get_settings

CONSULTATION = {"dev9a", "dev9b", "dev9c", "dev9d", "dev9e", "dev9f", "dev10d", "dev10e", "dev11e", "dev11f"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def scores(q: np.ndarray, d: np.ndarray, rows: np.ndarray, gold: list[list[int]]) -> dict:
    ranked = np.argsort(-(q[rows] @ d.T), axis=1)[:, :10]
    r5 = [recall_at(list(r), gold[i], 5) for r, i in zip(ranked, rows, strict=True)]
    mrr = [mrr_at(list(r), gold[i], 10) for r, i in zip(ranked, rows, strict=True)]
    return {"n": int(len(rows)), "recall@5": round(float(np.mean(r5)), 4), "mrr@10": round(float(np.mean(mrr)), 4)}


def held_out_rows(documents, seed, dev, fold: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """`tune`'s 5-fold split of seed + dev, and fold `fold`'s held-out question rows by group."""
    row_of = {d.id: i for i, d in enumerate(documents)}
    raw, names = [], []
    for name, path in zip(DEV_SETS, DEV_FILES, strict=True):  # the files finetune_inputs read
        found = load_dev(Path(path))
        raw += found
        names += [name] * len(found)
    dev_names = used_dev_names(raw, names, row_of)
    assert len(dev_names) == len(dev)
    split = cv_split(len(seed), len(dev), 5)
    n_seed = len(seed)
    held = np.flatnonzero(split == fold)
    group = np.array(["seed"] * n_seed + ["consultation" if n in CONSULTATION else "colloquial" for n in dev_names])
    is_dev32 = np.array([False] * n_seed + [n == "dev" for n in dev_names])
    rows = {g: held[group[held] == g] for g in ("seed", "colloquial", "consultation")}
    rows["dev all"] = held[group[held] != "seed"]
    rows["dev (32-question set)"] = held[is_dev32[held]]
    return split, rows


def shipped_fold(documents, texts, gold, split: np.ndarray, fold: int) -> tuple[np.ndarray, np.ndarray]:
    """The baseline: the shipped vectors of fold `fold` (questions, articles), if their key is this
    data's with the shipped settings."""
    key = fold_key(texts, gold, split, [d.id for d in documents], [d.dense_text for d in documents],
                   FinetuneSettings())
    with np.load(tuned_directory(get_settings().index_dir) / "cv" / f"fold{fold}.npz") as data:
        if str(data["key"]) != key:
            raise SystemExit("shipped fold vectors are not for this data: stop")
        return data["questions"], data["articles"]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--cut", type=int, required=True)
    p.add_argument("--fold", type=int, default=0)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()

    shipped = FinetuneSettings()
    settings = replace(shipped, cut=args.cut)
    documents, seed, dev, texts, gold, weights = finetune_inputs(settings)
    split, rows = held_out_rows(documents, seed, dev, args.fold)

    articles = [d.dense_text for d in documents]
    base_q, base_d = shipped_fold(documents, texts, gold, split, args.fold)

    started = time.perf_counter()
    prepared = prepare(Bottom(), texts, articles, settings, log)
    _, model = train_on(prepared, gold, np.flatnonzero(split != args.fold), weights, settings, seed=args.fold, log=log)
    q, d = encode_all(model, prepared.states)
    seconds = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez(args.out / f"depth-cut{args.cut}-fold{args.fold}.npz", questions=q, articles=d)

    result = {"cut": args.cut, "fold": args.fold, "seconds": round(seconds), "figures": {}}
    for label, (qq, dd) in {"cut 8 (shipped)": (base_q, base_d), f"cut {args.cut}": (q, d)}.items():
        result["figures"][label] = {g: scores(qq, dd, r, gold) for g, r in rows.items()}
    (args.out / f"depth-cut{args.cut}-fold{args.fold}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
