import sys, json, os
sys.path.insert(0, "/work/main"); sys.path.insert(0, "/work/cache/ft")
import numpy as np

MAIN = "/work/main"
COLLOQ = ["dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7"]  # never heldout8


def load_docs():
    from portal.laws.library import load_library_report
    from portal.settings import get_settings
    from portal.search.documents import corpus_from_library
    return corpus_from_library(load_library_report(get_settings().laws_dir).library).documents


def read_jsonl(p):
    return [json.loads(l) for l in open(p, encoding="utf-8") if l.strip()]


def load_questions():
    stard = read_jsonl("/work/shared/eval/stard-train.jsonl")
    coll = []
    for n in COLLOQ:
        assert "heldout8" not in n
        for r in read_jsonl(f"{MAIN}/tests/search/data/{n}-questions.jsonl"):
            r["src"] = n; coll.append(r)
    return stard, coll
