"""portal.memo.Memo: the one LRU behind question embeddings and rendered law chapters."""

import threading

from portal.memo import Memo


def test_keeps_the_most_recently_used_and_makes_each_once():
    memo: Memo[str] = Memo(2)
    made: list[str] = []

    def make(key: str):
        return lambda: made.append(key) or key.upper()

    assert memo.get("a", make("a")) == "A"
    assert memo.get("b", make("b")) == "B"
    assert memo.get("a", make("a")) == "A"  # a is now the most recent
    memo.get("c", make("c"))  # evicts b, the least recently used
    assert len(memo) == 2
    assert memo.get("a", make("a")) == "A" and memo.get("b", make("b")) == "B"
    assert made == ["a", "b", "c", "b"]
    memo.clear()
    assert len(memo) == 0 and memo.get("a", make("a")) == "A" and made[-1] == "a"


def test_threads_share_one_cache():
    memo: Memo[int] = Memo(100)
    results: list[int] = []

    def work():
        for i in range(200):
            results.append(memo.get(i % 50, lambda i=i: (i % 50) * 2))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 800 and all(r % 2 == 0 for r in results) and len(memo) == 50
