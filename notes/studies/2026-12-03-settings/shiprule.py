"""The variant's ship rule (README, "The variant, if fold 1 confirms A"), read off an engine.yaml.

    PYTHONPATH=. .venv/bin/python notes/studies/2026-12-03-settings/shiprule.py [content/search/engine.yaml]

Written before tune's report on the variant; on the shipped engine.yaml it prints the shipped
figures the rule's thresholds were derived from.
"""
import sys

import yaml

CONSULTATION = {"dev9a", "dev9b", "dev9c", "dev9d", "dev9e", "dev9f", "dev10d", "dev10e", "dev11e", "dev11f"}
RULE = {"objective": 0.648, "seed mrr@10": 0.621, "colloquial mrr@10": 0.6049,
        "consultation-style mrr@10": 0.7725, "original dev recall@5": 0.7656}


def weighted(sets: dict, names) -> tuple[int, float]:
    n = sum(sets[s]["questions"] for s in names)
    return n, sum(sets[s]["questions"] * sets[s]["mrr@10"] for s in names) / n


def main(path: str) -> None:
    config = yaml.safe_load(open(path, encoding="utf-8"))
    figures, sets = config["figures"], config["figures by dev set (CV, as shipped)"]
    colloquial = [s for s in sets if s not in CONSULTATION]
    assert CONSULTATION <= set(sets)
    n_col, col = weighted(sets, colloquial)
    n_con, con = weighted(sets, CONSULTATION)
    got = {"objective": figures["objective (mean MRR@10 of the sets)"], "seed mrr@10": figures["seed (CV)"]["mrr@10"],
           "colloquial mrr@10": col, "consultation-style mrr@10": con,
           "original dev recall@5": sets["dev"]["recall@5"]}
    print(f"colloquial {n_col} questions, consultation-style {n_con}")
    for name, floor in RULE.items():
        print(f"{name:28} {got[name]:.4f}  (rule ≥ {floor})  {'ok' if got[name] >= floor else 'FAILS'}")
    print("ships" if all(got[k] >= v for k, v in RULE.items()) else "does not ship")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "content/search/engine.yaml")
