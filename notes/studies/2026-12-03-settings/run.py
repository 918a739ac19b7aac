"""Settings study (README.md beside this file): one fold of the fine-tuning cross-validation
trained with each candidate's `FinetuneSettings` (cut 8 as shipped), the layer-8 states prepared
once, scored by the dense component alone against the shipped vectors of the same fold. Scoring
and groups are the depth study's (`../2026-12-03-depth/depth.py`, imported).

    PYTHONPATH=. .venv/bin/python notes/studies/2026-12-03-settings/run.py --fold 0 \
        --candidate A:learning_rate=1e-4 --candidate B:epochs=4 --out /work/cache/s18
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "2026-12-03-depth"))
from depth import held_out_rows, log, scores, shipped_fold  # noqa: E402

from portal.search.cli import finetune_inputs  # noqa: E402
from portal.search.finetune import FinetuneSettings, encode_all, prepare, train_on  # noqa: E402
from portal.search.tuned import Bottom  # noqa: E402


def candidate(text: str, shipped: FinetuneSettings) -> tuple[str, FinetuneSettings]:
    name, _, changes = text.partition(":")
    types = {f.name: type(getattr(shipped, f.name)) for f in fields(shipped)}
    values = {}
    for change in changes.split(","):
        key, _, value = change.partition("=")
        values[key] = types[key](value)
    if "cut" in values:
        raise SystemExit("this study keeps cut 8 (the states are prepared once)")
    return name, replace(shipped, **values)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--fold", type=int, default=0)
    p.add_argument("--candidate", action="append", required=True)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()

    shipped = FinetuneSettings()
    candidates = [candidate(c, shipped) for c in args.candidate]
    documents, seed, dev, texts, gold, weights = finetune_inputs(shipped)
    split, rows = held_out_rows(documents, seed, dev, args.fold)

    articles = [d.dense_text for d in documents]
    base_q, base_d = shipped_fold(documents, texts, gold, split, args.fold)
    base = {g: scores(base_q, base_d, r, gold) for g, r in rows.items()}

    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    prepared = prepare(Bottom(), texts, articles, shipped, log)
    log(f"prepared in {time.perf_counter() - started:.0f} s")
    for name, settings in candidates:
        started = time.perf_counter()
        _, model = train_on(prepared, gold, np.flatnonzero(split != args.fold), weights, settings, seed=args.fold,
                            log=log)
        q, d = encode_all(model, prepared.states)
        result = {"candidate": name, "settings": settings.document(), "fold": args.fold,
                  "seconds": round(time.perf_counter() - started),
                  "figures": {"shipped": base, name: {g: scores(q, d, r, gold) for g, r in rows.items()}}}
        np.savez(args.out / f"settings-{name}-fold{args.fold}.npz", questions=q, articles=d)
        (args.out / f"settings-{name}-fold{args.fold}.json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False))
        print(json.dumps(result, indent=1, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
