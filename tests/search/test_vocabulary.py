"""The maintained vocabulary only points at terms and laws that exist."""

from portal.search.vocabulary import get_vocabulary


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
    assert vocab.cued_laws("申请劳动仲裁要交费吗") == {"laodong-zhengyi-tiaojie-zhongcai-fa-2007": 1}
