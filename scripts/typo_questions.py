"""Homophone typos (同音错字) as a pinyin input method makes them: copies of question sets with one
character of one content word replaced by another character of the same pinyin (tones ignored),
chosen among the five most frequent such characters (an IME lists frequent characters first).

    python scripts/typo_questions.py IN.jsonl OUT.jsonl [--seed 7]

Deterministic: a question's typo depends only on the seed and its id. A content word is a jieba
word (the portal's tokenizer, precise mode) of two or more Han characters that is not a stop word
and not part of an article number (第…条). Each output line keeps id and gold, and adds
`typo` = [original word, typo'd word, "word" when the typo'd word is itself in jieba's dictionary
(工伤 → 工商: no unknown word to notice), else "nonword"]. For the study in
notes/2026-12-07-typo-study.md; never run it on a held-out set."""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.search.tokenizer import get_tokenizer  # noqa: E402

_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_NUMERALS = set("零〇一二两三四五六七八九十百千万第条款项")
CHOICES = 5  # the typo is one of this many most frequent same-pinyin characters …
COMMON = 3500  # … among the most frequent characters (as many as 通用规范汉字表's first level)


@cache
def jieba_words() -> dict[str, int]:
    import jieba

    out: dict[str, int] = {}
    with open(jieba.get_dict_file().name, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                out[parts[0]] = int(parts[1])
    return out


@cache
def homophones() -> dict[str, list[str]]:
    """Toneless pinyin → the COMMON most frequent characters, most frequent first (frequency:
    jieba's dictionary, each word's count added to each of its characters)."""
    from pypinyin import Style, pinyin

    counts: Counter[str] = Counter()
    for word, freq in jieba_words().items():
        for ch in word:
            if "\u4e00" <= ch <= "\u9fff":
                counts[ch] += freq
    by_sound: dict[str, list[str]] = {}
    for ch, _ in counts.most_common(COMMON):
        # a character under its usual reading only (附 is also read bu, 而 neng: no IME offers them so)
        by_sound.setdefault(pinyin(ch, style=Style.NORMAL)[0][0], []).append(ch)
    return by_sound


def typo(query: str, *, rng: random.Random) -> tuple[str, list[str]] | None:
    from pypinyin import lazy_pinyin

    tokenizer = get_tokenizer()
    words, pos, spans = tokenizer.words(query), 0, []
    for w in words:
        start = query.index(w, pos)
        pos = start + len(w)
        if (_HAN_WORD.fullmatch(w) and w not in tokenizer.stopwords and not (set(w) & _NUMERALS)):
            spans.append((start, w))
    rng.shuffle(spans)
    for start, word in spans:
        readings = lazy_pinyin(word)  # the reading in context (长 in 成长 is zhang)
        positions = list(range(len(word)))
        rng.shuffle(positions)
        for i in positions:
            options = [c for c in homophones().get(readings[i], []) if c != word[i]][:CHOICES]
            if options:
                new = rng.choice(options)
                bad = word[:i] + new + word[i + 1:]
                kind = "word" if bad in jieba_words() else "nonword"
                return query[:start] + bad + query[start + len(word):], [word, bad, kind]
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if "heldout" in Path(args.source).name or "questions-dev" in Path(args.source).name:
        parser.error("never on a held-out set")
    out = []
    for line in Path(args.source).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        made = typo(row["query"], rng=random.Random(f"{args.seed}:{row['id']}"))
        if made is None:
            continue
        out.append({"id": row["id"], "query": made[0], "gold": row["gold"], "typo": made[1]})
    Path(args.target).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    print(f"{args.target}: {len(out)} questions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
