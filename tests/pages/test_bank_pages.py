"""The question bank on the pages (AppTest): 相似问题 under 法律问答, the citizen's opt-in
send-in, a staff member filing a question, and the 常见问题库 curation page."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, col, select

from portal.qa import service as bank
from portal.qa.models import BankQuestion, SentQuestion
from portal.roles import COUNSEL, HANDLER
from tests.conftest import page_text, said
from tests.qa.factories import COUNSEL_ACTOR
from tests.staff.portal_db import ready_engine, signed_in_state
from ui.search_engine import bank_changed

WAGE_QUESTION = "申请劳动仲裁要不要交费？"
NONSENSE = "zzqx qqzz xyzzy"


def _bank(question: str, provisions: list[str], *, publish: bool = True) -> int:
    from portal.laws.library import load_library
    from tests.conftest import ROOT

    with Session(ready_engine()) as s:
        entry = bank.add_question(session=s, actor=COUNSEL_ACTOR, library=load_library(ROOT / "content" / "laws"),
                                  question=question, provision_ids=provisions, publish=publish)
        s.commit()
        return entry.id


def _sent(text: str) -> int:
    """A 群众来问 waiting (待处理), as a citizen's send stores it; its id."""
    from portal.timeutil import utcnow

    with Session(ready_engine()) as s:
        sent = SentQuestion(text=text, state="待处理", received_at=utcnow())
        s.add(sent)
        s.commit()
        return sent.id


def _similar_block(at) -> str:
    texts = [str(m.value) for m in at.markdown]
    heads = [str(h.value) for h in at.subheader]
    assert "相似问题" in heads, heads
    return "\n".join(texts)


def test_similar_questions_show_published_bank_questions_with_article_links(app_page):
    marker = f"{WAGE_QUESTION}（{uuid.uuid4().hex[:4]}）"   # near the question (the fake embedder's vectors)
    _bank(marker, ["laodong-zhengyi-tiaojie-zhongcai-fa-2007:第五十三条"])
    hidden = f"草稿里的问题（{uuid.uuid4().hex[:6]}）"
    _bank(hidden, ["laodong-zhengyi-tiaojie-zhongcai-fa-2007:第五十三条"], publish=False)
    bank_changed()   # as the staff pages do after a change: the next search reads the bank again
    at = app_page("pages/ask.py", session_state={"ask_query": WAGE_QUESTION})
    block = _similar_block(at)
    assert marker in block
    assert "/laws?law=laodong-zhengyi-tiaojie-zhongcai-fa-2007&article=%E7%AC%AC" in block
    assert hidden not in page_text(at)


def test_an_article_opened_by_number_shows_the_questions_a_lawyer_answered_with_it(app_page):
    """民法典1077条 says nothing of its subject in words: its 相似问题 are the published questions
    citing that article, not the questions nearest to the words 民法典1077条."""
    cooling = f"离婚登记后反悔了怎么办（{uuid.uuid4().hex[:4]}）"
    _bank(cooling, ["minfadian-2020:第一千零七十七条"])
    other = f"民法典1077条的邻居问题（{uuid.uuid4().hex[:4]}）"      # near in words, another article
    _bank(other, ["minfadian-2020:第一千零七十六条"])
    bank_changed()
    at = app_page("pages/ask.py", session_state={"ask_query": "民法典1077条"})
    block = _similar_block(at)
    assert cooling in block and other not in block


def test_citizen_sends_a_question_masked_and_is_told_what_happens(app_page):
    at = app_page("pages/ask.py", session_state={"ask_query": NONSENSE})
    assert "请不要写姓名、身份证号" in page_text(at)
    assert [c for c in at.caption if "工作人员未处理的问题保存 90 天后删除。" in c.value]   # under the box
    text = f"我的电话13812345678，邻居违建怎么办{uuid.uuid4().hex[:4]}"
    at.text_area(key="bank-send-text").input(text).run()
    at.button(key="bank-send").click().run()
    assert not at.exception
    assert "已发送" in page_text(at)
    assert [s for s in said(at) if s.startswith("已发送。")]   # the box the focus was in is gone
    [box] = [e for e in at.expander if e.label.startswith("没有找到有用的条文")]
    assert box.proto.expanded            # the 已发送 is in view, not inside a folded box
    with Session(ready_engine()) as s:
        stored = s.exec(select(SentQuestion).order_by(col(SentQuestion.id).desc())).first()
    assert stored.text == text.replace("13812345678", "138****5678")


def test_the_boxes_to_send_or_file_a_question_hold_the_question_on_screen(app_page):
    """Two searches in one visit: 发给工作人员 (and a staff member's 收入问题库) offer the second
    question, not the first (the first was sent)."""
    at = app_page("pages/ask.py", session_state={"ask_query": NONSENSE, **signed_in_state(HANDLER)})
    assert at.text_area(key="bank-send-text").value == NONSENSE
    second = f"{WAGE_QUESTION}（{uuid.uuid4().hex[:4]}）"
    at.session_state["ask_query"] = second
    at.run()
    assert at.text_area(key="bank-send-text").value == second
    assert at.text_area(key="bank-file-text").value == second
    at.button(key="bank-send").click().run()
    with Session(ready_engine()) as s:
        stored = s.exec(select(SentQuestion).order_by(col(SentQuestion.id).desc())).first()
    assert stored.text == second


def test_citizens_do_not_see_the_staff_filing_form(app_page):
    at = app_page("pages/ask.py", session_state={"ask_query": WAGE_QUESTION})
    assert not [b for b in at.button if b.key == "bank-file"]


def test_signed_in_staff_files_the_question_as_a_draft(app_page):
    state = {"ask_query": WAGE_QUESTION, **signed_in_state(HANDLER)}
    at = app_page("pages/ask.py", session_state=state)
    assert [r.options for r in at.radio if r.key == "bank-file-state"] == [["草稿"]]  # only 法律顾问 publish
    # articles are confirmed one by one: no 全选 of every result (select_all 0; Streamlit's default shows it)
    assert at.multiselect(key="bank-file-ids").proto.select_all == 0
    question = f"劳动仲裁要交钱吗{uuid.uuid4().hex[:6]}"
    at.text_area(key="bank-file-text").input(question).run()
    at.button(key="bank-file").click().run()
    assert "已收入常见问题库" in page_text(at)
    assert [s for s in said(at) if "已收入常见问题库" in s]
    with Session(ready_engine()) as s:
        entry = s.exec(select(BankQuestion).where(BankQuestion.question == question)).one()
    assert entry.state == "草稿" and bank.provisions_of(entry)


def test_counsel_writes_attaches_by_id_and_publishes(app_page):
    from portal.laws.library import load_library
    from tests.conftest import ROOT

    at = app_page("pages/staff_bank.py", session_state=signed_in_state(COUNSEL))
    assert "常见问题库" in [t.value for t in at.title]
    question = f"村委会不公开账目可以去哪里反映{uuid.uuid4().hex[:6]}"
    at.text_area(key="bank-text-new").input(question)
    at.text_input(key="picker-new-id").input("no-such-law:第一条")
    at.button(key="picker-new-add").click().run()
    assert "没有找到“no-such-law:第一条”。请写法规名称和条号" in page_text(at)
    at.text_input(key="picker-new-id").input("信访工作条例第999条")                  # a law, no such article
    at.button(key="picker-new-add").click().run()
    assert "《信访工作条例》没有第九百九十九条" in page_text(at)
    at.button(key="bank-save-new").click().run()
    assert "请至少附上一条法律条文" in page_text(at)
    at.text_input(key="picker-new-id").input("信访工作条例第22条")                   # cited as people cite it
    at.button(key="picker-new-add").click().run()
    at.checkbox(key="bank-publish-new").check()
    at.button(key="bank-save-new").click().run()
    assert not at.exception
    assert "已保存" in page_text(at)
    with Session(ready_engine()) as s:
        entry = s.exec(select(BankQuestion).where(BankQuestion.question == question)).one()
    assert entry.state == "已发布"
    assert bank.provisions_of(entry) == ("xinfang-gongzuo-tiaoli-2022:第二十二条",)
    # the saved question is open: withdraw it
    at.button(key=f"bank-撤回-q{entry.id}").click().run()
    with Session(ready_engine()) as s:
        assert s.get(BankQuestion, entry.id).state == "已撤回"
    # a colleague publishes it again while it is open here: the next run's picker names the new
    # state (the browser keeps the label it was last sent, and would send the stale one back)
    at.run()
    with Session(ready_engine()) as s:
        bank.transition(session=s, actor=COUNSEL_ACTOR, library=load_library(ROOT / "content" / "laws"),
                        question_id=entry.id, action="发布")
        s.commit()
    at.run()
    picker = at.selectbox(key="bank-pick")
    assert picker.value == entry.id
    assert picker.proto.set_value and picker.proto.raw_value.endswith("（已发布）"), picker.proto


def test_counsel_answers_a_sent_question_into_the_bank(app_page):
    sent_id = _sent(f"物业乱收费怎么办{uuid.uuid4().hex[:4]}")
    at = app_page("pages/staff_bank.py", session_state=signed_in_state(COUNSEL))
    assert any("群众来问" in t.label for t in at.tabs)
    at.text_input(key=f"picker-sent-{sent_id}-id").input("xinfang-gongzuo-tiaoli-2022:第二十二条")
    at.button(key=f"picker-sent-{sent_id}-add").click().run()
    at.button(key=f"sent-True-{sent_id}").click().run()
    assert not at.exception
    with Session(ready_engine()) as s:
        row = s.get(SentQuestion, sent_id)
        assert row.state == "已收入" and row.text == ""
        assert s.get(BankQuestion, row.bank_question_id).state == "已发布"


def test_a_sent_question_with_a_name_is_not_published_as_written_and_dismissing_asks_first(app_page):
    sent_id = _sent(f"我叫赵大山，电话137****2222，邻居装修太吵{uuid.uuid4().hex[:4]}")
    at = app_page("pages/staff_bank.py", session_state=signed_in_state(COUNSEL))
    at.text_input(key=f"picker-sent-{sent_id}-id").input("民法典第二百九十四条")
    at.button(key=f"picker-sent-{sent_id}-add").click().run()
    at.button(key=f"sent-True-{sent_id}").click().run()               # as the citizen wrote it: refused
    assert "请删去这些号码" in page_text(at)
    with Session(ready_engine()) as s:
        assert s.get(SentQuestion, sent_id).state == "待处理"
    assert at.button(key=f"sent-dismiss-{sent_id}").disabled       # 忽略 deletes the text: tick first
    at.checkbox(key=f"sent-dismiss-sure-{sent_id}").check().run()
    at.button(key=f"sent-dismiss-{sent_id}").click().run()
    with Session(ready_engine()) as s:
        assert s.get(SentQuestion, sent_id).state == "已忽略"


def test_each_text_box_on_the_results_page_has_its_own_name(app_page):
    """A screen reader lists boxes by name: the search box and the 发给工作人员 box were both 您的问题."""
    at = app_page("pages/ask.py", session_state={"ask_query": NONSENSE, **signed_in_state(HANDLER)})
    labels = [box.label for box in at.text_area] + [box.label for box in at.text_input]
    assert "发给工作人员的问题" in labels
    assert len(labels) == len(set(labels)), labels


ARTICLES = [f"xinfang-gongzuo-tiaoli-2022:第{n}条" for n in ("二十二", "二十三", "二十四", "二十五", "二十六")]


def _similar_shown(app_page, monkeypatch, question: str, provisions: list[str]) -> str:
    """相似问题 under a 法律问答 answer, the bank offering one question citing `provisions`: the
    block as a browser draws it (the Markdown rendered to HTML)."""
    from markdown_it import MarkdownIt

    from portal.search.bank import BankEntry, SimilarQuestion

    at = app_page("pages/ask.py", session_state={"ask_query": WAGE_QUESTION})
    import ui.bank_view  # (imported by the first run: see tests/pages/test_prefile_page.open_form)

    item = SimilarQuestion(BankEntry("bank:test", question, tuple(provisions)), 0.93)
    monkeypatch.setattr(ui.bank_view, "similar_questions", lambda *a, **k: [item])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    _similar_block(at)
    start = next(i for i, m in enumerate(at.markdown) if question[:4] in str(m.value))
    return "".join(MarkdownIt().render(str(m.value)) for m in at.markdown[start:start + 2])


@pytest.mark.parametrize(("cited", "says"), [(4, ""), (5, "等共 5 条")])
def test_a_similar_question_shows_four_articles_and_counts_them_only_when_there_are_more(
        app_page, monkeypatch, cited, says):
    """A bank question may cite many articles; 相似问题 links the first four. With exactly four there
    is nothing more to count (“等共 4 条” would send the reader looking for a fifth); with five, the
    line says how many there are in all."""
    html = _similar_shown(app_page, monkeypatch, "劳动仲裁要交费吗", ARTICLES[:cited])
    assert html.count("<a ") == 4
    assert "第二十五条" in html and "第二十六条" not in html
    assert ("等共" in html) == bool(says) and says in html


def test_a_similar_question_is_shown_as_typed_not_as_markup(app_page, monkeypatch):
    """A bank question is a lawyer's or a citizen's words: **…** and <b>…</b> in it read as those
    letters under 相似问题, not as bold type or an HTML element."""
    html = _similar_shown(app_page, monkeypatch, "劳动仲裁**一定**要<b>交费</b>吗", ARTICLES[:1])
    assert "**一定**" in html and "&lt;b&gt;交费&lt;/b&gt;" in html
    assert "<strong>一定</strong>" not in html and "<b>交费" not in html


def test_attaching_with_nothing_written_asks_for_an_article_and_an_attached_one_cannot_be_attached_twice(app_page):
    """常见问题库: 附上这一条 with its box empty asks for the article to attach (“没有找到“””
    named nothing); among the articles found by 或搜索条文, the one already attached has its 附上
    greyed out, the others can still be attached."""
    at = app_page("pages/staff_bank.py", session_state=signed_in_state(COUNSEL))
    at.button(key="picker-new-add").click().run()
    assert not at.exception
    assert "请先在框里写要附上的条文，例如“民法典第五百七十七条”。" in page_text(at)
    assert "没有找到“”" not in page_text(at)
    at.text_input(key="picker-new-id").input("信访工作条例第22条")
    at.button(key="picker-new-add").click().run()
    at.text_input(key="picker-new-q").input("信访工作条例第二十二条").run()
    attach = {b.label: b.disabled for b in at.button if (b.key or "").startswith("picker-new-hit-")}
    assert attach.pop("附上 *《信访工作条例》第二十二条*") is True, attach
    assert attach and not any(attach.values()), attach


def test_attaching_an_article_already_attached_says_so(app_page):
    """附上这一条 for an article the question already cites: said (the click did something), and
    the article is listed once."""
    at = app_page("pages/staff_bank.py", session_state=signed_in_state(COUNSEL))
    at.text_input(key="picker-new-id").input("信访工作条例第22条")
    at.button(key="picker-new-add").click().run()
    assert "已经附上了" not in page_text(at)
    at.text_input(key="picker-new-id").input("信访工作条例第二十二条")
    at.button(key="picker-new-add").click().run()
    assert not at.exception
    assert "《信访工作条例》第二十二条已经附上了。" in page_text(at)
    removes = [b.label for b in at.button if b.label.startswith("移除")]
    assert removes == ["移除 *《信访工作条例》第二十二条*"], removes


@pytest.mark.parametrize("button", ["sent-True", "sent-dismiss"])
def test_a_click_on_a_sent_question_a_colleague_handled_meanwhile_is_said_with_what_was_typed(
        app_page, library, button):
    """Two 法律顾问 on one 群众来问: the colleague answers it into the bank while this counsel writes
    their own version. Their click (收入 or 忽略) finds the row gone: it is said who handled it, and
    what they typed is shown, not dropped without a word."""
    from portal.identity import Actor
    from portal.qa import inbox

    sent_id = _sent(f"邻居装修太吵怎么办{uuid.uuid4().hex[:4]}")
    at = app_page("pages/staff_bank.py", session_state=signed_in_state(COUNSEL))
    mine = f"楼上装修噪音扰民，可以找谁？{uuid.uuid4().hex[:4]}"
    at.text_area(key=f"sent-text-{sent_id}").input(mine)
    at.text_input(key=f"picker-sent-{sent_id}-id").input("民法典第二百九十四条")
    at.button(key=f"picker-sent-{sent_id}-add").click()
    if button == "sent-dismiss":
        at.checkbox(key=f"sent-dismiss-sure-{sent_id}").check()
    at.run()
    with Session(ready_engine()) as s:     # the colleague, on another page
        entry = inbox.answer_sent(session=s, actor=Actor("counsel-zhao", frozenset({COUNSEL})),
                                  library=library, sent_id=sent_id, question="邻居装修噪音怎么办",
                                  provision_ids=["xinfang-gongzuo-tiaoli-2022:第二十二条"])
        s.commit()
        bank_id = entry.id
    at.button(key=f"{button}-{sent_id}").click().run()
    assert not at.exception
    text = page_text(at)
    action = "忽略" if button == "sent-dismiss" else "收入"
    assert f"没有{action}：来问 {sent_id} 已由 counsel-zhao 在" in text and f"第 {bank_id} 号" in text, text
    assert mine in text and "您附上的条文：《中华人民共和国民法典》第二百九十四条" in text, "what this counsel wrote is on the screen"
    with Session(ready_engine()) as s:
        assert s.exec(select(BankQuestion).where(BankQuestion.question == mine)).first() is None
    at.run()
    assert f"没有{action}" not in page_text(at), "said once, for the click"


def test_the_sent_questions_tab_stays_open_when_its_count_changes(app_page):
    """The tab's label counts the 来问 waiting (群众来问（3）). Handling one changes the label, and the
    page went back to 问题库 — out of the queue being worked through, and away from a message
    written under the tab (see the test above)."""

    sent_id = _sent(f"噪音扰民怎么办{uuid.uuid4().hex[:4]}")
    at = app_page("pages/staff_bank.py", session_state=signed_in_state(COUNSEL))
    label = next(t.label for t in at.tabs if t.label.startswith("群众来问"))
    at.session_state["bank-tabs"] = label           # the counsel opens the tab
    at.run()
    at.checkbox(key=f"sent-dismiss-sure-{sent_id}").check().run()
    at.button(key=f"sent-dismiss-{sent_id}").click().run()
    assert f"来问 {sent_id} 已忽略" in page_text(at)
    now = next(t.label for t in at.tabs if t.label.startswith("群众来问"))
    assert now != label and at.session_state["bank-tabs"] == now, "the counsel is still on 群众来问"
