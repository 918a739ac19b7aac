"""The homophone-typo study (notes/2026-12-07-typo-study.md): recall@5 and MRR@10 of question sets
as written and with one homophone typo each (scripts/typo_questions.py), searched as the page
searches, without and with the corrector (portal/search/typo.py), and how often it fires.

    python scripts/typo_study.py NAME=CLEAN.jsonl,TYPO.jsonl ... [--out FILE.json]

Without the corrector means engine.corrected() returning the question unchanged. A question the
corrector leaves unchanged is searched once (the search is deterministic). Never pass a held-out
set."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.search.cli import _engine  # noqa: E402
from portal.search.evaluation import load_queries, mrr_at, percentile, recall_at  # noqa: E402
from portal.search.typo import Corrected, corrector_for  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="NAME=CLEAN.jsonl,TYPO.jsonl")
    parser.add_argument("--out")
    parser.add_argument("--min-documents", type=int, default=None)
    args = parser.parse_args(argv)
    if any("heldout" in s or "questions-dev" in s for s in args.sets):
        parser.error("never on a held-out set")
    engine = _engine(None, None)
    engine.warm()
    if args.min_documents is not None:
        engine._corrector = corrector_for(
            texts=(f"{d.title} {d.heading} {d.text}" for d in engine.corpus.documents),
            lexical=engine.artefacts.lexical, tokenizer=engine.tokenizer, everyday=engine.vocabulary.synonyms,
            min_documents=args.min_documents)
    engine.search("预热", k=1)
    served = engine.corrected

    def ranked(text: str, *, correct: bool) -> list[str]:
        engine.corrected = served if correct else (lambda t: Corrected(t))
        return [h.provision_id for h in engine.search(text, k=100).hits]

    rows, report = [], {}
    cost_ms: list[float] = []
    for spec in args.sets:
        name, paths = spec.split("=", 1)
        clean_path, typo_path = paths.split(",")
        clean = {q.id: q for q in load_queries(Path(clean_path))}
        typo = load_queries(Path(typo_path))
        kinds = {json.loads(line)["id"]: json.loads(line)["typo"][2]
                 for line in Path(typo_path).read_text(encoding="utf-8").splitlines() if line.strip()}
        sums: dict[str, list[float]] = {}
        fires = {"clean": [], "typo": [], "restored": 0}
        moved = []
        for q in typo:
            c = clean[q.id]
            for label, text in (("clean", c.query), ("typo", q.query)):
                started = time.perf_counter()
                fixed = served(text)
                cost_ms.append((time.perf_counter() - started) * 1000)
                before = ranked(text, correct=False)
                after = ranked(text, correct=True) if fixed.changed else before
                if fixed.changed:
                    fires[label].append({"id": q.id, "text": text,
                                         "corrections": [[x.typed, x.corrected] for x in fixed.corrections]})
                    if label == "typo" and fixed.text == c.query:
                        fires["restored"] += 1
                if after != before:
                    moved.append({"id": q.id, "set": label, "text": text, "corrected": fixed.text,
                                  "mrr@10": [round(mrr_at(before, c.gold, 10), 3), round(mrr_at(after, c.gold, 10), 3)],
                                  "recall@5": [recall_at(before, c.gold, 5), recall_at(after, c.gold, 5)]})
                for tag, ids in ((f"{label}", before), (f"{label}+corrector", after)):
                    acc = sums.setdefault(tag, [0.0, 0.0])
                    acc[0] += recall_at(ids, c.gold, 5)
                    acc[1] += mrr_at(ids, c.gold, 10)
        n = len(typo)
        figures = {tag: {"recall@5": round(r / n, 4), "mrr@10": round(m / n, 4)} for tag, (r, m) in sums.items()}
        report[name] = {"questions": n, "real_word_typos": sum(1 for k in kinds.values() if k == "word"),
                        "figures": figures, "fires_clean": fires["clean"], "fires_typo": len(fires["typo"]),
                        "restored": fires["restored"], "moved": moved}
        rows.append(name)
        f = figures
        print(f"{name:12} n={n:4}  clean {f['clean']['recall@5']:.3f}/{f['clean']['mrr@10']:.3f}"
              f"  clean+c {f['clean+corrector']['recall@5']:.3f}/{f['clean+corrector']['mrr@10']:.3f}"
              f"  typo {f['typo']['recall@5']:.3f}/{f['typo']['mrr@10']:.3f}"
              f"  typo+c {f['typo+corrector']['recall@5']:.3f}/{f['typo+corrector']['mrr@10']:.3f}"
              f"  fires typo {len(fires['typo'])} (restored {fires['restored']}) clean {len(fires['clean'])}",
              file=sys.stderr)
    report["corrector_ms"] = {"p50": round(statistics.median(cost_ms), 3), "p95": round(percentile(cost_ms, 95), 3),
                              "max": round(max(cost_ms), 3)}
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
