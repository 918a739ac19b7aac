"""Score fold vectors written by `finetune --folds 5` (the variant's own fold cache) with the
settings study's groups and scoring, and print them beside the study's result for the same fold
and candidate, to see whether the variant's fold reproduces the study's (another machine, the
same computation). Run from the variant's worktree:

    PYTHONPATH=. .venv/bin/python notes/studies/2026-12-03-settings/recheck.py --fold 0 --candidate C
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "2026-12-03-depth"))
from depth import held_out_rows, scores  # noqa: E402

from portal.search.cli import finetune_inputs  # noqa: E402
from portal.search.finetune import FinetuneSettings, _cached_fold, fold_key  # noqa: E402
from portal.search.tuned import tuned_directory  # noqa: E402
from portal.settings import get_settings  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--fold", type=int, required=True)
    p.add_argument("--candidate", required=True)
    args = p.parse_args()
    settings = FinetuneSettings()
    documents, seed, dev, texts, gold, weights = finetune_inputs(settings)
    split, rows = held_out_rows(documents, seed, dev, args.fold)  # tune's split, as fold_vectors uses
    key = fold_key(texts, gold, split, [d.id for d in documents], [d.dense_text for d in documents], settings)
    path = tuned_directory(get_settings().index_dir) / "cv" / f"fold{args.fold}.npz"
    cached = _cached_fold(path, key)  # finetune's own reader: None for a missing file or another key
    if cached is None:
        raise SystemExit(f"{path} is missing or holds another variant's fold (key mismatch)")
    q, d = cached
    study = json.loads((HERE / f"result-{args.candidate}-fold{args.fold}.json").read_text())["figures"][args.candidate]
    print(f"{'group':28} {'n':>4}  study R@5 / MRR   this fold R@5 / MRR")
    for group, r in rows.items():
        mine = scores(q, d, r, gold)
        s = study[group]
        print(f"{group:28} {mine['n']:4}  {s['recall@5']:.4f} / {s['mrr@10']:.4f}   "
              f"{mine['recall@5']:.4f} / {mine['mrr@10']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
