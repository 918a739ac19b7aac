"""The variant's ship rule (README, "The variant, if fold 1 confirms A"), read off an engine.yaml.

    PYTHONPATH=. .venv/bin/python notes/studies/2026-12-03-settings/shiprule.py [engine.yaml] [--rule NAME]

Written before tune's report on the variant; on the shipped engine.yaml it prints the shipped
figures the rule's thresholds were derived from. `--rule C` (added in the nineteenth session,
before C's variant was trained) holds C's thresholds, derived from the lr-1e-4 engine (main db82f83).
"""
import argparse

import yaml

CONSULTATION = {"dev9a", "dev9b", "dev9c", "dev9d", "dev9e", "dev9f", "dev10d", "dev10e", "dev11e", "dev11f"}
RULES = {
    "lr1e-4": {"objective": 0.648, "seed mrr@10": 0.621, "colloquial mrr@10": 0.6049,
               "consultation-style mrr@10": 0.7725, "original dev recall@5": 0.7656},
    "C": {"objective": 0.6604, "seed mrr@10": 0.6305, "colloquial mrr@10": 0.6193,
          "consultation-style mrr@10": 0.7905, "original dev recall@5": 0.75},
}


def weighted(sets: dict, names) -> tuple[int, float]:
    n = sum(sets[s]["questions"] for s in names)
    return n, sum(sets[s]["questions"] * sets[s]["mrr@10"] for s in names) / n


def main(path: str, rule: dict[str, float]) -> None:
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
    for name, floor in rule.items():
        print(f"{name:28} {got[name]:.4f}  (rule ≥ {floor})  {'ok' if got[name] >= floor else 'FAILS'}")
    print("ships" if all(got[k] >= v for k, v in rule.items()) else "does not ship")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("engine", nargs="?", default="content/search/engine.yaml")
    parser.add_argument("--rule", choices=sorted(RULES), default="lr1e-4")
    args = parser.parse_args()
    main(args.engine, RULES[args.rule])
