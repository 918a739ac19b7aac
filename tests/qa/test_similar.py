"""相似问题 before the engine ranks bank questions: questions citing the result articles."""

from portal.qa.similar import similar_by_articles
from portal.search.bank import BankEntry, SimilarQuestion, relevant_similar

A, B, C = "minfadian-2020:第七百零三条", "minfadian-2020:第七百二十二条", "xingfa-2023:第一条"
ENTRIES = [BankEntry("1", "租房押金不退怎么办", (B,)), BankEntry("2", "刑法的目的是什么", (C,)),
           BankEntry("3", "租赁合同是什么", (A, B)), BankEntry("4", "房东能随便涨租吗", (A,))]


def test_questions_citing_the_top_results_come_first_and_unrelated_ones_never():
    found = similar_by_articles([A, B], ENTRIES, k=3)
    assert [s.entry.id for s in found] == ["3", "4", "1"]  # both articles; the first; the second
    assert found[0].score > found[1].score > found[2].score
    assert similar_by_articles([], ENTRIES) == []
    assert "2" not in [s.entry.id for s in similar_by_articles([A, B], ENTRIES, k=10)]


def test_a_near_question_is_shown_only_beside_an_answer_it_shares_an_article_with_or_when_very_close():
    alone = 0.7   # as tune would write it for the serving encoder
    near = [SimilarQuestion(ENTRIES[1], 0.40),             # 刑法: nothing to do with a tenancy answer
            SimilarQuestion(ENTRIES[0], 0.38),             # cites B, which the answer shows
            SimilarQuestion(ENTRIES[3], alone),            # very close: shown on its own
            SimilarQuestion(ENTRIES[2], 0.30)]             # cites A and B
    assert [s.entry.id for s in relevant_similar(near, [B], k=3, alone=alone)] == ["1", "4", "3"]
    assert [s.entry.id for s in relevant_similar(near, [B], k=2, alone=alone)] == ["1", "4"]
    assert [s.entry.id for s in relevant_similar(near, [], k=3, alone=alone)] == ["4"]     # a refused question
    # no calibrated cosine (another encoder): only questions sharing an article with the answer
    assert [s.entry.id for s in relevant_similar(near, [B], k=3)] == ["1", "3"]
    assert relevant_similar(near, [], k=3) == []
