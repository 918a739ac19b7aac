"""Write the settings study's fold vectors of candidate A (/work/cache/s18/settings-A-fold<f>.npz)
into the lr-1e-4 variant's fold cache, under the variant's fold key: the same computation as
`fold_vectors` (train_on on the other folds, seeded by the fold number, then encode_all). Run from
the variant's worktree, where FinetuneSettings.learning_rate is 1e-4:

    PYTHONPATH=. .venv/bin/python notes/studies/2026-12-03-settings/plant.py 0 1
"""
import sys
import numpy as np
from pathlib import Path
from portal.search.cli import finetune_inputs
from portal.search.finetune import FinetuneSettings, fold_key
from portal.search.tuned import tuned_directory
from portal.search.tuning import cv_split
from portal.settings import get_settings

settings = FinetuneSettings()
assert settings.learning_rate == 1e-4, settings
documents, seed, dev, texts, gold, weights = finetune_inputs(settings)
split = cv_split(len(seed), len(dev), 5)
key = fold_key(texts, gold, split, [d.id for d in documents], [d.dense_text for d in documents], settings)
cache = tuned_directory(get_settings().index_dir) / "cv"
for f in map(int, sys.argv[1:]):
    with np.load(f"/work/cache/s18/settings-A-fold{f}.npz") as data:
        q, d = data["questions"], data["articles"]
    np.savez(cache / f"fold{f}.npz", key=np.array(key), questions=q, articles=d)
    print("planted fold", f, q.shape, d.shape, cache)
