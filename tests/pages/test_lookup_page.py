"""进度查询 as a citizen uses it (AppTest): right, wrong and enumerated codes; withdraw; rate."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlmodel import Session, delete, func, select

from portal.db import get_engine
from portal.identity import Actor
from portal.prefiling import codes, staff
from portal.prefiling.lookup import NEUTRAL
from portal.prefiling.models import RateEvent
from portal.roles import HANDLER
from tests.conftest import database_away, html_bodies, page_text, said
from tests.prefiling.factories import days_left_today, make_prefiling

PAGE = "pages/lookup.py"
CLERK = Actor("clerk", frozenset({HANDLER}))


@pytest.fixture
def open_lookup(app_page):
    def run(**query):
        at = app_page(PAGE, **query)
        with Session(get_engine()) as s:  # every AppTest shares one session id: start unthrottled
            s.exec(delete(RateEvent))
            s.commit()
        return at

    return run


def stored(**changes):
    with Session(get_engine(), expire_on_commit=False) as s:
        return make_prefiling(s, **changes)


def received_on(day):
    """A stored pre-filing received on `day` (its statutory days count from there)."""
    from portal.prefiling.models import Prefiling

    made = stored()
    with Session(get_engine()) as s:
        p = s.get(Prefiling, made.prefiling.id)
        p.received_date = day
        s.add(p)
        s.commit()
    return made


def ask(at, code, secret):
    at.text_input(key="lk_code").input(code)
    at.text_input(key="lk_secret").input(secret)
    [b for b in at.button if b.label == "查询"][0].click().run()
    assert not at.exception
    return at


def shown_in_view(at) -> list[str]:
    """The messages this run brings into view and has said from there (site_frame.success_in_view),
    by their container's key."""
    scripts = [el.proto.body for el in at.html if el.proto.unsafe_allow_javascript and "if (!true || told" in el.proto.body]
    return [m.group(1) for body in scripts if (m := re.search(r'querySelector\("\.st-key-([^"]+)"\)', body))]


def printed_away(at, text: str) -> bool:
    """Whether the element saying `text` is inside a `screen-…` container, which is not printed
    (ui.frame's print rules: what can be done on the page, not what it says)."""
    def walk(node, inside: bool) -> bool | None:
        if isinstance(getattr(node, "children", None), dict):
            inside = inside or "-screen-" in str(getattr(node.proto, "id", "") if node.proto is not None else "")
            return next((found for child in node.children.values() if (found := walk(child, inside)) is not None), None)
        return inside if text in str(getattr(node, "value", "")) else None

    found = walk(at.main, False)
    assert found is not None, text
    return found


def click(at, label):
    [b for b in at.button if b.label == label][0].click().run()
    assert not at.exception
    return at


def closed(made, number: str, reply: str) -> None:
    """The filing registered as `number` and closed with `reply`, by a handler."""
    with Session(get_engine()) as s:
        staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=number)
        staff.close(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reply=reply)


def test_right_code_and_secret_show_state_dates_and_clock(open_lookup):
    at = open_lookup()
    made = stored()
    assert "还没有提交？去网上预登记" in [link.label for link in at.get("page_link")]
    text = page_text(ask(at, codes.grouped(made.code), made.secret))
    assert "当前状态：已提交" in text and "登记转送" in text and f"距登记转送的法定期限还有 {days_left_today(15)} 天" in text
    # the form and its 查询 button are gone: a screen reader is told what the page now shows, once
    [told] = said(at)
    assert told.startswith("查询成功。当前状态：已提交。") and "张秀兰" not in told
    at.run()
    assert said(at) == []
    assert "张秀兰" not in text and "13812345678" not in text  # no personal data on the lookup page
    assert "在公用电脑或别人的手机上查询后，请点“结束查询”" in text   # it stays open until then
    # a filing on screen was submitted: no 还没有提交？ under it
    assert "还没有提交？去网上预登记" not in [link.label for link in at.get("page_link")]


@pytest.mark.parametrize("wrong", ["code", "secret"])
def test_wrong_code_or_secret_gives_one_neutral_message(open_lookup, wrong):
    at = open_lookup()
    made = stored()
    code = codes.new_reference_code() if wrong == "code" else made.code
    secret = made.secret if wrong == "code" else codes.new_secret()
    text = page_text(ask(at, code, secret))
    assert NEUTRAL in text and "当前状态" not in text
    # a lost 查询密码 cannot be found by guessing: where to get help is said beside the form
    assert "忘记了查询码或查询密码的，请拨打来访接待电话 12345，工作人员核实身份后帮您查询。" in [c.value for c in at.caption]


@pytest.mark.parametrize(("code", "secret", "says"), [
    ("", "", "请输入查询码和查询密码。"), ("", "23456789", "请输入查询码。"), ("ABCD-EFGH-JK", " ", "请输入查询密码。"),
    ("ABC", "23456789", "查询码是10位，您输入的是3位。请对照预登记回执核对。"),
    ("ABCD-EFGH-JK", "2345 6", "查询密码是8位，您输入的是5位。请对照预登记回执核对。")])
def test_an_empty_or_short_field_says_so_and_is_not_a_wrong_code(open_lookup, code, secret, says):
    with Session(get_engine()) as s:
        s.exec(delete(RateEvent))
        s.commit()
    at = open_lookup()
    text = page_text(ask(at, code, secret))
    assert says in text and NEUTRAL not in text
    with Session(get_engine()) as s:   # no failed attempt counted against the citizen
        assert s.exec(select(func.count()).select_from(RateEvent)).one() == 0


@pytest.mark.parametrize("secret", ["", "23456789"])
def test_a_draft_code_is_told_apart_and_sent_back_to_the_form(open_lookup, secret):
    """A 草稿码 typed into 进度查询 got 「查询码是10位，您输入的是12位。请对照预登记回执核对。」: a
    dead end, as a draft was never submitted and has no 回执 (journey review M6). It is named a
    草稿码, the form not yet sent, with a link that goes on with it; no attempt is counted."""
    draft = codes.new_draft_code()
    at = open_lookup()   # and no attempt counted yet
    typed = f"{draft[:4]}-{draft[4:8]} {draft[8:].lower()}"     # as a citizen copies it
    text = page_text(ask(at, typed, secret))
    assert ("您输入的像是草稿码（12位），不是查询码（10位）。如果还没有点“确认提交”，工作人员还收不到：请到“网上预登记”"
            "用草稿码继续填写并提交，提交后才会得到查询码和查询密码（草稿在最后一次保存后保留7天）。"
            "如果已经提交了，请用回执上的10位查询码和8位查询密码查询，草稿码不能用来查询。") in text
    assert "请对照预登记回执核对" not in text and "请输入查询密码" not in text and NEUTRAL not in text
    [link] = [p for p in at.get("page_link") if p.proto.page == "prefile" and p.proto.query_string]
    assert link.proto.label == "用这个草稿码继续填写网上预登记" and link.proto.query_string == f"draft={draft}"
    with Session(get_engine()) as s:   # no failed attempt counted against the citizen
        assert s.exec(select(func.count()).select_from(RateEvent)).one() == 0
    made = stored()                     # a real 查询码 next: the draft's words and link are gone
    text = page_text(ask(at, made.code, made.secret))
    assert "草稿码" not in text and "当前状态：已提交" in text


def test_enumerated_codes_are_throttled(open_lookup):
    at = open_lookup()
    made = stored()
    for _ in range(5):
        assert NEUTRAL in page_text(ask(at, codes.new_reference_code(), "23456789"))
    text = page_text(ask(at, made.code, made.secret))        # even the right pair now waits
    assert "查询失败次数过多" in text and "当前状态" not in text


def test_withdraw_while_submitted(open_lookup):
    at = open_lookup()
    made = stored()
    ask(at, made.code, made.secret)
    click(at, "撤回预登记")
    assert "请先勾选" in page_text(at)
    [box] = [e for e in at.expander if e.label == "撤回这份预登记"]
    assert box.proto.expanded          # the box to tick stays in view, with the message beside it
    assert any("请先勾选" in e.value for e in box.markdown)   # under the box to tick, tied to it
    at.checkbox(key="lk_confirm_withdraw").check()
    click(at, "撤回预登记")
    assert "当前状态：已撤回" in page_text(at)
    assert "不再计算办理期限" in page_text(at) and "请求复查" not in page_text(at)   # no dates still to come
    assert not [b for b in at.button if b.label == "撤回预登记"]


def test_withdrawing_what_staff_have_just_registered_says_so_and_shows_the_new_state(open_lookup):
    """The page still said 已提交 when the citizen clicked 撤回; staff had registered it meanwhile.
    The refusal is shown over the state as it is now, not over the stale one."""
    at = open_lookup()
    made = stored()
    ask(at, made.code, made.secret)
    number = f"LX-{uuid.uuid4().hex[:6]}"
    with Session(get_engine()) as s:
        staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=number)
    at.checkbox(key="lk_confirm_withdraw").check()
    text = page_text(click(at, "撤回预登记"))
    assert "下面是最新的状态" in text and "当前状态：已登记" in text and number in text
    assert not [b for b in at.button if b.label == "撤回预登记"]


def test_staff_reply_and_one_time_rating_once_closed(open_lookup):
    at = open_lookup()
    made = stored()
    closed(made, "LX-7", "物业已于11月修复屋顶。")
    text = page_text(ask(at, made.code, made.secret))
    assert "当前状态：已办结" in text and "物业已于11月修复屋顶。" in text and "LX-7" in text
    [told] = said(at)                                      # and nothing about a rating yet
    assert told.startswith("查询成功。当前状态：已办结。")
    click(at, "提交评价")                  # no choice made: refused under the choices, said, and no thanks
    assert "错误：请选择“满意”“基本满意”或“不满意”。" in page_text(at)
    assert said(at) == ["错误：请选择“满意”“基本满意”或“不满意”。"]
    at.radio(key="lk_rating").set_value("不满意")
    at.text_area(key="lk_comment").input("长" * 600)       # pasted: longer than allowed, not dropped
    click(at, "提交评价")
    assert "评价意见" in said(at)[0] and "600" in said(at)[0] and at.text_area(key="lk_comment").value == "长" * 600
    assert "您的评价" not in page_text(at)
    at.radio(key="lk_rating").set_value("满意")
    at.text_area(key="lk_comment").input("谢谢")
    click(at, "提交评价")
    text = page_text(at)
    assert "您的评价：满意" in text and not [b for b in at.button if b.label == "提交评价"]
    # the form the focus was in is gone, and on a phone the thanks was above the screen: brought
    # into view and said from there (as 撤回's message), once
    assert [m.value for m in at.success] == ["您的评价：满意。谢谢！"] and shown_in_view(at) == ["lk-thanks"]
    assert not printed_away(at, "您的评价：满意")          # the citizen's 评价 is on a printout (reader48)
    assert said(at) == []                                  # not said twice
    at.run()
    assert shown_in_view(at) == [] and "您的评价：满意" in page_text(at)
    # no longer invited to rate what is rated
    assert "已办结。您已对办理结果作出评价，谢谢。" in text and "您可以对办理结果作出评价" not in text


def test_a_closed_matter_says_how_to_ask_for_a_review(open_lookup):
    """已办结 with an answer the citizen disagrees with: where to go next and by when, with the
    articles — the clock alone gave only a last day."""
    at = open_lookup()
    made = stored()
    assert "对处理意见不服怎么办" not in page_text(ask(at, made.code, made.secret))   # not before it is closed
    closed(made, "LX-35", "经核查，不予支持。")
    text = page_text(ask(open_lookup(), made.code, made.secret))
    assert "对处理意见不服怎么办" in text and "上一级机关、单位" in text and "30 日内" in text
    assert "《信访工作条例》第三十五条" in text and "《信访工作条例》第三十六条" in text
    assert "对信访处理意见书不服的" in text
    # the upper level cannot look up a 查询码: the number it can trace is the 信访件编号
    assert "请求时写明信访件编号、收到书面答复的日期和不服的理由" in text and "写明查询码" not in text



def test_a_refused_filing_says_how_to_go_on_by_the_channel_named(open_lookup):
    """不予登记 showed the reason and the channel, and nothing about what to do next (journey review):
    下一步怎么办 says to go there directly and in time, whom to ask about the reason, and that
    channel's own advice, with the articles."""
    at = open_lookup()
    made = stored()
    assert "下一步怎么办" not in html_bodies(ask(at, made.code, made.secret))   # not while it is handled
    with Session(get_engine()) as s:
        staff.reject(session=s, actor=CLERK, prefiling_id=made.prefiling.id,
                     reason="属于劳动争议，应当通过劳动仲裁解决", channel="劳动争议仲裁")
    at = ask(open_lookup(), made.code, made.secret)
    text, html = page_text(at), html_bodies(at)
    start = html.index('class="next-steps"')
    box = html[start:html.index("</section>", start)]
    assert "当前状态：不予登记" in text and "下一步怎么办" in box
    assert "请按工作人员告知的途径，直接向有关机关或者机构提出。" in box
    assert "请尽早提出" in box and "拨打来访接待电话 12345 询问" in box
    assert "向劳动争议仲裁委员会申请仲裁" in box and "仲裁时效一般为一年" in box   # the channel's advice
    assert "《山东省信访条例》第三十三条" in text and "第二十七条" in text
    assert "网上预登记" not in box and "请求复查" not in box   # no promise of what the bureau will not do

def test_a_dissatisfied_rating_says_it_is_not_a_review_request_and_gives_the_last_day(open_lookup):
    """「不满意」 was thanked and nothing more: a citizen may take the rating for the complaint and let
    the 30 days of 请求复查 run out (journey review M4). The thanks says it is not one, and points to
    the route and the last day the page gives below."""
    import datetime as dt

    from portal.prefiling.receipt import date_text
    from portal.timeutil import beijing_today

    at = open_lookup()
    made = stored()
    closed(made, "LX-41", "工资已补发一半。")
    ask(at, made.code, made.secret)
    last = date_text(beijing_today() + dt.timedelta(days=30))   # 30 days from the recorded 办结 day
    assert "评价不等于请求复查。对处理意见不服的，请看下方“对处理意见不服怎么办”。" in page_text(at)
    at.radio(key="lk_rating").set_value("不满意")
    at.text_area(key="lk_comment").input("工资只补发了一半。")
    click(at, "提交评价")
    thanks = ("您的评价：不满意。谢谢！评价不等于请求复查。对信访处理意见书不服的，请向原办理机关、单位的上一级机关、"
              f"单位请求复查，最迟 {last}（见下方“对处理意见不服怎么办”）。")
    assert [s.value for s in at.success] == [thanks] and shown_in_view(at) == ["lk-thanks"]
    text = page_text(at)
    assert "对处理意见不服怎么办" in text and f"最迟 {last}" in text   # the box and the date it points to


def test_a_dissatisfied_suggestion_is_not_sent_to_a_review(open_lookup):
    """建议意见 has no 复查 (第二十九条): 不满意 is thanked without a route the page does not show."""
    at = open_lookup()
    made = stored(category="建议意见")
    closed(made, "LX-42", "已研究，暂不采纳。")
    ask(at, made.code, made.secret)
    at.radio(key="lk_rating").set_value("不满意")
    click(at, "提交评价")
    assert [s.value for s in at.success] == ["您的评价：不满意。谢谢！"] and "请求复查" not in page_text(at)


def test_a_closed_suggestion_is_not_told_about_review(open_lookup):
    """复查 / 复核 are of a 信访处理意见书 (第三十一条第六项, 第三十五条); a 建议意见 is answered under
    第二十九条 and gets no such box (legal review)."""
    made = stored(category="建议意见")
    closed(made, "LX-29", "您的建议已转交研究。")
    text = page_text(ask(open_lookup(), made.code, made.secret))
    assert "您的建议已转交研究。" in text and "对处理意见不服怎么办" not in text
    assert "建议意见类事项" in text and "距办结的法定期限" not in text


def test_replies_come_before_the_rating_and_the_receipt_can_be_downloaded_again(open_lookup):
    at = open_lookup()
    made = stored()
    closed(made, "LX-8", "已督促用人单位支付工资。")
    text = page_text(ask(at, made.code, made.secret))
    assert text.index("已督促用人单位支付工资。") < text.index("评价办理结果")
    assert [d.proto.label for d in at.get("download_button")] == ["再次保存回执（可打印的网页）"]


def test_requested_material_is_sent_from_the_lookup_page(open_lookup):
    from tests.prefiling import files

    made = stored()
    with Session(get_engine()) as s:
        staff.request_more(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reply="请补充漏水处的照片。")
    at = ask(open_lookup(), made.code, made.secret)
    text = page_text(at)
    assert "当前状态：需补充材料" in text and "在线补充材料" in text and "已提交的材料" not in text
    assert "可能要传一两分钟" in text, "on a slow phone the upload shows only a spinner: said what it means"
    assert "Word、Excel 文件请另存为 PDF，或拍照后上传。" in text   # the file a citizen most often has
    uploader = at.get("file_uploader")[0]
    assert sorted(uploader.proto.type) == [".jpeg", ".jpg", ".pdf", ".png"]
    note = "照片是11月30日拍的。"
    uploader.set_value(("说明.pdf", files.pdf(root_extra=b"/OpenAction << /S /JavaScript /JS (x) >>"),
                        "application/pdf"))
    at.text_area(key="lk_supp_note").input(note)
    text = page_text(click(at, "提交补充材料"))
    # refused in plain Chinese, the note still there, the case still waiting
    assert "附件“说明.pdf”不能上传" in text and "当前状态：需补充材料" in text
    assert at.text_area(key="lk_supp_note").value == note
    at.get("file_uploader")[0].set_value(("漏水.png", files.png(), "image/png"))
    text = page_text(click(at, "提交补充材料"))
    assert "补充材料已提交" in text and "当前状态：已提交" in text and "在线补充材料" not in text
    assert "附件1：PNG" in text and "补充" in text
    assert "照片是11月30日拍的" in text   # the note is in the history, as the citizen wrote it


def test_no_file_is_not_sent_as_material_unless_the_citizen_says_a_note_alone_is_meant(open_lookup):
    """A file the browser refused (.txt, too large) never reaches the server: 提交补充材料 went
    through with the note alone, the upload box was gone, and the message pointed to files that
    were not there (audit 27, citizen M1)."""
    made = stored()
    with Session(get_engine()) as s:
        staff.request_more(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reply="请补充漏水处的照片。")
    at = ask(open_lookup(), made.code, made.secret)
    at.text_area(key="lk_supp_note").input("照片明天补。")
    text = page_text(click(at, "提交补充材料"))
    assert "没有可以上传的文件" in text and "当前状态：需补充材料" in text
    assert at.text_area(key="lk_supp_note").value == "照片明天补。"
    at.checkbox(key="lk_supp_note_only").check()
    text = page_text(click(at, "提交补充材料"))
    assert "补充材料已提交" in text and "您的说明已送达" in text and "已提交的材料" not in text
    assert "当前状态：已提交" in text
    # the notice is brought into view once (the button was a screen or two below it)
    assert any('".st-key-lk-notice"' in el.proto.body for el in at.html if el.proto.unsafe_allow_javascript)


def test_the_withdraw_box_stays_open_once_the_missing_tick_is_given(open_lookup):
    at = open_lookup()
    made = stored()
    ask(at, made.code, made.secret)
    click(at, "撤回预登记")
    at.checkbox(key="lk_confirm_withdraw").check().run()
    [box] = [e for e in at.expander if e.label == "撤回这份预登记"]
    assert box.proto.expanded, "it folded shut, its button with it (audit 27, citizen M3)"
    text = page_text(click(at, "撤回预登记"))
    assert "当前状态：已撤回" in text and "您已撤回这份预登记" in text


def test_a_last_day_on_a_rest_day_is_moved_and_the_page_says_so(open_lookup):
    """The period's nominal last day is the next rest day (a Saturday, say): the page counts to the
    working day after and names both days (民法典 第二百零三条)."""
    import datetime as dt

    from portal.clock import last_day
    from portal.prefiling.models import Prefiling
    from portal.prefiling.receipt import date_text
    from portal.timeutil import beijing_today

    today = beijing_today()
    saturday = next(d for d in (today + dt.timedelta(days=n) for n in range(1, 15)) if last_day(d) > d)
    at = open_lookup()
    made = stored()
    with Session(get_engine()) as s:
        p = s.get(Prefiling, made.prefiling.id)
        p.received_date = saturday - dt.timedelta(days=15)
        s.add(p)
        s.commit()
    real = last_day(saturday)
    text = page_text(ask(at, made.code, made.secret))
    assert f"顺延至 **{date_text(real)}**" in text and f"法定休假日（{date_text(saturday)}）" in text
    # the timeline below gives the same day, not the nominal one
    assert f"最迟 {date_text(real)}（{date_text(saturday)}为法定休假日，顺延）" in text
    assert f"距登记转送的法定期限还有 {(real - today).days} 天" in text


@pytest.mark.parametrize("from_receipt_link", [False, True])
def test_ending_the_lookup_leaves_nothing_for_the_next_person(open_lookup, from_receipt_link):
    """On a public computer the next person must not find the code and password still typed in
    (one click on 查询 would open the filing). Opened as /lookup?code=…, the address kept the code
    after 结束查询 and the page put it back into the box."""
    at = open_lookup()                                     # (migrates the database)
    made = stored()
    if from_receipt_link:
        at = open_lookup(code=made.code)
    ask(at, codes.grouped(made.code), made.secret)
    assert "当前状态：已提交" in page_text(at)
    click(at, "结束查询")
    assert [b for b in at.button if b.label == "查询"] and "当前状态" not in page_text(at)
    assert at.text_input(key="lk_code").value == "" and at.text_input(key="lk_secret").value == ""
    assert "code" not in at.query_params
    # shown in view (and said from there), not only told to a screen reader
    assert "已结束查询，查询码和查询密码已清空。" in [m.value for m in at.success]
    assert any('".st-key-lk-left"' in el.proto.body for el in at.html if el.proto.unsafe_allow_javascript)
    # and the receipt the tab kept after 确认提交 (网上预登记 showed it again for an hour) is removed
    assert [el for el in at.html if 'sessionStorage.removeItem("pf-receipt")' in el.proto.body]
    click(at, "查询")                                        # nothing to look up any more
    assert "当前状态" not in page_text(at) and "请输入查询码和查询密码" in page_text(at)


@pytest.mark.parametrize("box", ["lk_code", "lk_secret"])
def test_the_copied_code_and_password_pasted_into_one_box(open_lookup, box):
    """复制查询码和查询密码 copies both, labelled, in one line: pasted into one box (the box took 20
    characters and dropped the 30-character paste without a word), the two are picked out."""
    at = open_lookup()
    made = stored()
    pair = f"查询码：{codes.grouped(made.code)} 查询密码：{made.secret}"
    at.text_input(key=box).input(pair)
    click(at, "查询")
    assert "当前状态：已提交" in page_text(at)


@pytest.mark.parametrize(("today", "says"), [
    ("2026-12-08", "距登记转送的法定期限还有 1 天。"),
    ("2026-12-09", "今天是登记转送法定期限的最后一日。"),          # not 还有 0 天, not 已过 0 天
    ("2026-12-10", "登记转送的法定期限已过 1 天。请拨打来访接待电话 12345 询问，也可以到来访接待大厅当面反映。"),
])
def test_the_last_day_of_the_period_is_called_the_last_day(open_lookup, monkeypatch, today, says):
    """Received on 2026-11-24, 登记转送 is due by Wednesday 2026-12-09 (15 days, 《信访工作条例》第二十二条;
    a working day, nothing moves). The day before, one day is left; on the day, the citizen reads that
    today is the last day (“还有 0 天” or “已过 0 天” left them guessing); the day after, one day has passed."""
    import datetime as dt

    from portal.prefiling import lookup as service

    at = open_lookup()
    made = received_on(dt.date(2026, 11, 24))
    monkeypatch.setattr(service, "beijing_today", lambda: dt.date.fromisoformat(today))
    text = page_text(ask(at, made.code, made.secret))
    assert says in text
    assert [str(el.value) for el in [*at.info, *at.warning] if "法定期限" in str(el.value)] == [says]


@pytest.mark.parametrize(("today", "says"), [
    # registered on Monday 2026-08-03: 60 days end on Friday 10-02, in the National Day holiday
    # (moved to Thursday 10-08); the 30 more days 第三十四条 allows on approval end on Sunday 11-01
    # (moved to Monday 11-02)
    ("2026-10-12", "60日的办理期限已过 4 天。情况复杂的，经批准可以延长，但不超过30日（最迟 2026年11月2日），"
                   "并应告知您延期理由。没有收到延期告知的，请拨打来访接待电话 12345 询问。"),
    ("2026-11-02", "60日的办理期限已过 25 天。情况复杂的，经批准可以延长，但不超过30日（最迟 2026年11月2日），"
                   "并应告知您延期理由。没有收到延期告知的，请拨打来访接待电话 12345 询问。"),
    ("2026-11-05", "办理期限（含可以延长的30日）已过 3 天。请先拨打来访接待电话 12345 询问办理情况；也可以向上一级机关反映。"),
])
def test_a_late_answer_is_not_called_overdue_while_the_law_allows_an_extension(open_lookup, monkeypatch, today,
                                                                                says):
    """《信访工作条例》第三十四条: 60 days, and up to 30 more on approval, told to the citizen. A citizen
    who went upwards on day 61 would find the matter not accepted there (第十九条第三款): the page
    says an extension is possible, until when, and whom to ask; only after it, that they may go up."""
    import datetime as dt

    from portal.prefiling import lookup as service
    from portal.prefiling.models import Prefiling, PrefilingEvent

    at = open_lookup()
    made = received_on(dt.date(2026, 7, 27))
    with Session(get_engine()) as s:
        staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=f"XF-34-{made.prefiling.id}")
        p = s.get(Prefiling, made.prefiling.id)
        event = s.exec(select(PrefilingEvent).where(PrefilingEvent.prefiling_id == p.id,
                                                    PrefilingEvent.action == "register")).one()
        event.at = dt.datetime(2026, 8, 3, 2, 0, tzinfo=dt.UTC)   # 10:00 Beijing
        p.registered_date = dt.date(2026, 8, 3)
        s.add_all([event, p])
        s.commit()
    monkeypatch.setattr(service, "beijing_today", lambda: dt.date.fromisoformat(today))
    ask(at, made.code, made.secret)
    assert [str(el.value) for el in [*at.info, *at.warning] if "期限" in str(el.value)] == [says]


def test_an_overdue_filing_waiting_for_the_citizens_material_asks_for_it_not_to_go_upwards(open_lookup,
                                                                                           monkeypatch):
    import datetime as dt

    from portal.prefiling import lookup as service

    at = open_lookup()
    made = received_on(dt.date(2026, 11, 24))
    with Session(get_engine()) as s:
        staff.request_more(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reply="请补充欠条照片。")
    monkeypatch.setattr(service, "beijing_today", lambda: dt.date(2026, 12, 11))
    ask(at, made.code, made.secret)
    [said_here] = [str(el.value) for el in [*at.info, *at.warning] if "法定期限已过" in str(el.value)]
    assert said_here == ("登记转送的法定期限已过 2 天。工作人员在等您补充材料：请按上面的答复补充，收到后继续审核。"
                         "有疑问的，请拨打来访接待电话 12345。")
    assert "上一级" not in page_text(at)


def test_a_result_left_open_past_midnight_counts_from_the_new_day(open_lookup, monkeypatch):
    """Looked up at 23:50 on 8 December, the tab left open: after Beijing midnight the next rerun
    says today is the last day (it kept saying one day was left, and never that the period had
    passed), and a state staff changed meanwhile is shown too."""
    import datetime as dt

    from portal.prefiling import lookup as service
    from ui import lookup_view

    at = open_lookup()
    made = received_on(dt.date(2026, 11, 24))
    day = {"today": dt.date(2026, 12, 8)}
    for module in (service, lookup_view):
        monkeypatch.setattr(module, "beijing_today", lambda: day["today"])
    assert "距登记转送的法定期限还有 1 天。" in page_text(ask(at, made.code, made.secret))
    day["today"] = dt.date(2026, 12, 9)
    at.run()
    assert "今天是登记转送法定期限的最后一日。" in page_text(at) and "还有 1 天" not in page_text(at)
    with Session(get_engine()) as s:
        staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number="XF-9")
    day["today"] = dt.date(2026, 12, 10)
    at.run()
    assert "当前状态：已登记" in page_text(at) and "登记转送的法定期限已过" not in page_text(at)


def test_a_state_staff_change_while_the_result_is_open_shows_on_the_next_click(open_lookup, monkeypatch):
    """The staleness audit: a citizen's open result kept 当前状态：已提交 after staff had registered
    the 件, whatever was clicked, until a new 查询. Read again once shown for REREAD_SECONDS."""
    from ui import lookup_view

    clock = {"now": 1000.0}
    monkeypatch.setattr(lookup_view, "_seconds", lambda: clock["now"])
    at = open_lookup()
    made = stored()
    assert "当前状态：已提交" in page_text(ask(at, made.code, made.secret))
    with Session(get_engine()) as s:
        staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number="XF-10")
    clock["now"] += lookup_view.REREAD_SECONDS - 1
    at.run()                                                  # a click soon after: not read again
    assert "当前状态：已提交" in page_text(at)
    clock["now"] += 1
    at.run()
    assert "当前状态：已登记" in page_text(at) and "XF-10" in page_text(at)


def test_looking_up_while_the_database_is_down_keeps_the_code_and_secret_typed(open_lookup, monkeypatch):
    """查询 while the database is down: said in Chinese above the form with the hotline, the two
    boxes still filled (the fault page replaced the whole page and emptied them); 查询 again works."""
    from portal.prefiling import lookup

    at = open_lookup()
    made = stored()
    monkeypatch.setattr(lookup, "lookup", database_away)
    text = page_text(ask(at, codes.grouped(made.code), made.secret))
    assert "暂时无法查询（系统故障），您输入的查询码和查询密码还在。" in text and "12345" in text
    assert NEUTRAL not in text and "当前状态" not in text
    assert at.text_input(key="lk_code").value == codes.grouped(made.code)
    assert at.text_input(key="lk_secret").value == made.secret
    monkeypatch.undo()
    click(at, "查询")
    assert "当前状态：已提交" in page_text(at) and "暂时无法查询" not in page_text(at)


def test_rating_or_withdrawing_while_the_database_is_down_keeps_the_words_and_the_filing(open_lookup, monkeypatch):
    from portal.prefiling import lookup

    at = open_lookup()
    made = stored()
    closed(made, "LX-9", "已督促用人单位支付工资。")
    ask(at, made.code, made.secret)
    monkeypatch.setattr(lookup, "rate", database_away)
    at.radio(key="lk_rating").set_value("满意")
    at.text_area(key="lk_comment").input("工作人员很耐心")
    click(at, "提交评价")
    text = page_text(at)
    assert "暂时无法办理（系统故障），这次的操作可能没有完成" in text and "已督促用人单位支付工资。" in text
    assert at.text_area(key="lk_comment").value == "工作人员很耐心" and at.radio(key="lk_rating").value == "满意"
    assert text.index("评价办理结果") < text.index("暂时无法办理")   # under the form pressed, not above the page
    monkeypatch.undo()
    click(at, "提交评价")
    assert "您的评价：满意。谢谢！" in page_text(at)

    other = stored()
    at = open_lookup()
    ask(at, other.code, other.secret)
    monkeypatch.setattr(lookup, "withdraw", database_away)
    at.checkbox(key="lk_confirm_withdraw").check()
    click(at, "撤回预登记")
    assert "暂时无法办理（系统故障）" in page_text(at) and "当前状态：已提交" in page_text(at)


def test_sending_material_while_the_database_is_down_keeps_the_note_under_its_form(open_lookup, monkeypatch):
    from portal.prefiling import supplements

    made = stored()
    with Session(get_engine()) as s:
        staff.request_more(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reply="请补充漏水处的照片。")
    at = ask(open_lookup(), made.code, made.secret)
    monkeypatch.setattr(supplements, "send", database_away)
    at.text_area(key="lk_supp_note").input("照片明天补。")
    at.checkbox(key="lk_supp_note_only").check()
    text = page_text(click(at, "提交补充材料"))
    assert "暂时无法办理（系统故障）" in text and "当前状态：需补充材料" in text and "补充材料已提交" not in text
    assert at.text_area(key="lk_supp_note").value == "照片明天补。"
    assert text.index("在线补充材料") < text.index("暂时无法办理")
