"""Index benchmark: loading the committed index, a full rebuild's encoding throughput and an
incremental rebuild after one law changes.

    python scripts/bench_index.py [--law laodong-hetong-fa-2012] [--articles 5] [--sample 128] [--full]

- load: the committed index for the configured model (settings.index_dir), verified and loaded;
- throughput: `--sample` articles encoded with the configured model (articles/s), and the time a
  full rebuild of the library would take at that rate (`--full` encodes every article instead);
- incremental: a copy of the committed index in a temporary folder, `--articles` articles of one
  law changed (all of them with `--articles 0`), then the same build `python -m portal.search
  build` runs: seconds, articles encoded, articles reused.
Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.laws.library import load_library_report  # noqa: E402
from portal.search.documents import Corpus, corpus_from_library, hash_documents  # noqa: E402
from portal.search.embedder import make_embedder  # noqa: E402
from portal.search.manifest import index_directory, load_or_build  # noqa: E402
from portal.search.tokenizer import get_tokenizer  # noqa: E402
from portal.settings import get_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--law", default="laodong-hetong-fa-2012", help="the law whose articles change")
    parser.add_argument("--articles", type=int, default=5, help="articles changed (0: every article of the law)")
    parser.add_argument("--sample", type=int, default=128, help="articles encoded to measure throughput")
    parser.add_argument("--full", action="store_true", help="encode every article (a full rebuild's encoding)")
    args = parser.parse_args()
    settings = get_settings()
    library = load_library_report(settings.laws_dir).library
    corpus = corpus_from_library(library)
    tokenizer = get_tokenizer()
    tokenizer.tokens("预热")  # jieba's dictionary: paid once per process, not by the index
    report: dict = {"documents": len(corpus)}

    started = time.perf_counter()
    embedder = make_embedder(settings.embedding_model)
    report["model_load_s"] = round(time.perf_counter() - started, 2)
    report["model_id"] = embedder.model_id
    committed = index_directory(settings.index_dir, corpus, embedder.model_id)
    started = time.perf_counter()
    artefacts = load_or_build(corpus, embedder, tokenizer, settings.index_dir)
    report["index_load_s"] = round(time.perf_counter() - started, 3)
    report["index_was_fresh"] = not artefacts.built
    files = [p for p in committed.rglob("*") if p.is_file()]
    report["index_size_mb"] = round(sum(p.stat().st_size for p in files) / 1e6, 2)
    report["vectors_mb"] = round((committed / "vectors.npy").stat().st_size / 1e6, 2)
    report["bm25_mb"] = round(sum(p.stat().st_size for p in (committed / "bm25").iterdir()) / 1e6, 2)

    texts = [d.dense_text for d in corpus.documents]
    sample = texts if args.full else texts[:: max(1, len(texts) // args.sample)][: args.sample]
    started = time.perf_counter()
    for i in range(0, len(sample), 32):
        embedder.encode_documents(sample[i:i + 32])
    seconds = time.perf_counter() - started
    report["encode_articles"] = len(sample)
    report["encode_articles_per_s"] = round(len(sample) / seconds, 1)
    report["full_rebuild_estimate_s"] = round(len(texts) / (len(sample) / seconds), 0)

    law_rows = [i for i, d in enumerate(corpus.documents) if d.law_slug == args.law]
    changed = law_rows if args.articles == 0 else law_rows[: args.articles]
    docs = list(corpus.documents)
    for i in changed:
        docs[i] = replace(docs[i], text=docs[i].text + "（本条已修改）")
    edited = Corpus(corpus.name, tuple(docs), hash_documents(tuple(docs)))
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        base = Path(tmp)
        shutil.copytree(committed, base / committed.name)
        started = time.perf_counter()
        rebuilt = load_or_build(edited, embedder, tokenizer, base)
        report["incremental_law"] = args.law
        report["incremental_changed"] = len(changed)
        report["incremental_s"] = round(time.perf_counter() - started, 2)
        report["incremental_encoded"] = rebuilt.encoded
        report["incremental_reused"] = len(edited) - rebuilt.encoded
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
