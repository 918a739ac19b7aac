"""The maintained vocabulary only points at terms and laws that exist."""

import re
from collections import Counter

from portal.search.tokenizer import resource_dir
from portal.search.vocabulary import MAX_KEY_WORDS, get_vocabulary


def test_every_statutory_term_occurs_in_the_library(library):
    text = "\n".join(p.text for p in library.provisions.values())
    missing = [(word, term) for word, terms in get_vocabulary().synonyms.items() for term in terms
               if term not in text]
    assert not missing


def test_law_hints_name_real_laws(library):
    vocab = get_vocabulary()
    assert set(vocab.law_cues) <= set(library.laws)
    assert set(vocab.law_aliases) <= set(library.laws)


def test_expansion_maps_everyday_words_to_statutory_terms():
    vocab = get_vocabulary()
    assert {"信访", "走访"} <= set(vocab.expansions("我想去上访"))
    assert "用人单位" in vocab.expansions("老板不给钱")
    assert "劳动报酬" in vocab.expansions("工资被拖欠")
    assert "诉讼" in vocab.expansions("我要打官司")


def _raw_keys() -> list[str]:
    text = (resource_dir() / "synonyms.yaml").read_text(encoding="utf-8")
    return [m.group(1).strip() for m in re.finditer(r"^([^#\s-][^:]*):", text, flags=re.M)]


def test_vocabulary_hygiene():
    """Keys of at least two characters, each once, no value inside its own key (it could add
    nothing), and no key longer than the matcher looks."""
    from portal.search.tokenizer import get_tokenizer

    keys = _raw_keys()
    synonyms = get_vocabulary().synonyms
    assert len(keys) == len(synonyms) > 100
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    assert [k for k in keys if len(k) < 2] == []
    assert [(k, v) for k, vals in synonyms.items() for v in vals if v in k] == []
    assert [k for k in keys if len(get_tokenizer().words(k)) > MAX_KEY_WORDS] == []


def test_keys_match_whole_words_only():
    vocab = get_vocabulary()
    assert "抢劫" not in vocab.expansions("医院抢救病人需要家属签字吗")
    assert not {"受理", "职责"} & set(vocab.expansions("物业管理费怎么收"))
    assert "劳动报酬" in vocab.expansions("单位拖欠工资三个月了")
