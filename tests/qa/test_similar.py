"""相似问题 before the engine ranks bank questions: questions citing the result articles."""

from portal.qa.similar import similar_by_articles
from portal.search.bank import BankEntry

A, B, C = "minfadian-2020:第七百零三条", "minfadian-2020:第七百二十二条", "xingfa-2023:第一条"
ENTRIES = [BankEntry("1", "租房押金不退怎么办", (B,)), BankEntry("2", "刑法的目的是什么", (C,)),
           BankEntry("3", "租赁合同是什么", (A, B)), BankEntry("4", "房东能随便涨租吗", (A,))]


def test_questions_citing_the_top_results_come_first_and_unrelated_ones_never():
    found = similar_by_articles([A, B], ENTRIES, k=3)
    assert [s.entry.id for s in found] == ["3", "4", "1"]  # both articles; the first; the second
    assert found[0].score > found[1].score > found[2].score
    assert similar_by_articles([], ENTRIES) == []
    assert "2" not in [s.entry.id for s in similar_by_articles([A, B], ENTRIES, k=10)]
