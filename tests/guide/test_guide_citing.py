"""A guide citation written the short way — [[信访工作条例第二十一条]], [[劳动合同法第82条]] — is read
as the question bank reads a citation; one the library cannot read is not guessed. Every id read is
in the library. (发布 storing the ids: tests/guide/test_guide_service.py.)"""

from __future__ import annotations

import pytest

from portal.guide.citing import by_ids, read_citations

ARTICLE_21 = "xinfang-gongzuo-tiaoli-2022:第二十一条"


@pytest.mark.parametrize(("typed", "pid"), [
    ("信访工作条例第二十一条", ARTICLE_21),                                   # the full title
    ("信访工作条例第21条", ARTICLE_21),                                       # digits
    ("《信访工作条例》第 21 条", ARTICLE_21),
    ("中华人民共和国劳动合同法第八十二条", "laodong-hetong-fa-2012:第八十二条"),  # full title
    ("劳动合同法第82条", "laodong-hetong-fa-2012:第八十二条"),                 # short title
    ("山东信访条例第十条", "shandong-xinfang-tiaoli-2015:第十条"),             # a catalogue alias
    ("2005年信访条例第十条", "xinfang-tiaoli-2005:第十条"),                    # repealed, named unambiguously
    (ARTICLE_21, ARTICLE_21),                                                # the id itself
])
def test_a_short_citation_reads_as_the_provision_id(library, typed, pid):
    [citation] = read_citations(f"见 [[{typed}]]。", library=library)
    assert (citation.provision_id, citation.problem) == (pid, "")
    assert library.provision(pid) is not None
    assert by_ids(f"见 [[{typed}]]。", library=library) == f"见 [[{pid}]]。"


@pytest.mark.parametrize(("typed", "said"), [
    ("信访工作条例第九十九条", "《信访工作条例》没有第九十九条"),      # unknown article
    ("电子商务法第二十条", "没有找到“电子商务法第二十条”"),            # a law the library does not ship
    ("第二十一条", "请写法规名称和条号"),                              # no law named
    ("信访条例第十条", "2005年的《信访条例》已废止"),                  # 2005 or today's: staff say which
    (" ", "方括号中没有写条文"),
])
def test_an_unreadable_citation_is_not_guessed(library, typed, said):
    [citation] = read_citations(f"[[{typed}]]", library=library)
    assert citation.provision_id is None and said in citation.problem
    assert by_ids(f"[[{typed}]]", library=library) == f"[[{typed}]]"
