"""Channel suggestions cite real provisions; bar warnings; the receipt's statutory dates."""

import datetime as dt

import pytest

from portal.clock import StatutoryClock
from portal.prefiling import channels
from portal.prefiling.receipt import date_text, make_receipt


def test_every_cited_provision_resolves(library):
    ids = channels.all_provision_ids()
    assert len(ids) >= 12
    assert [i for i in ids if library.provision(i) is None] == []


@pytest.mark.parametrize(("text", "category", "stage", "expected"), [
    ("老板拖欠工资半年不给", "申诉求决", "", "arbitration"),
    ("对交警的罚款决定不服", "申诉求决", "", "reconsideration"),
    ("法院判决后对方一直不执行", "申诉求决", "", "court"),
    ("某镇干部吃拿卡要", "其他", "", "discipline"),
    ("小区门口路灯坏了", "检举控告", "", "discipline"),
    ("楼下噪音", "申诉求决", "已进入诉讼或仲裁", "court"),
    ("旧城改造房屋征收，补偿决定的评估价太低", "申诉求决", "", "expropriation"),
    ("村里征地的安置补偿一直没发", "申诉求决", "", "expropriation"),
    ("向区政府申请公开拆迁补偿方案，一个多月没有答复", "申诉求决", "", "information"),
    ("家里困难请不起律师，想打工伤官司", "申诉求决", "", "legal_aid"),
])
def test_suggestions(text, category, stage, expected):
    keys = [s.rule.key for s in channels.suggest(category=category, text=text, stage=stage)]
    assert expected in keys


@pytest.mark.parametrize(("text", "category"), [
    ("建议街道严格执行垃圾分类规定，增加分类垃圾桶", "建议意见"),           # 执行: no court
    ("建议公交公司增加用人单位集中的开发区线路", "建议意见"),                # 用人单位: no arbitration
    ("建议对违规停车加大罚款力度", "建议意见"),                              # 罚款: no 行政复议
    ("物业公司不执行业主大会决议，乱收停车费", "申诉求决"),                  # 执行 in a plain sense
])
def test_words_in_a_suggestion_or_in_a_plain_sense_point_to_no_channel(text, category):
    assert channels.suggest(category=category, text=text) == []


@pytest.mark.parametrize("text", ["申请强制执行两年了，法院一直没有执行到位", "对方拒不执行调解书"])
def test_execution_of_a_judgment_still_points_to_the_court(text):
    assert "court" in [s.rule.key for s in channels.suggest(category="申诉求决", text=text)]


def test_a_suggestion_already_in_court_is_still_told_so():
    keys = [s.rule.key for s in channels.suggest(category="建议意见", text="建议修改小区规约", stage="已进入诉讼或仲裁")]
    assert keys == ["court"]


@pytest.mark.parametrize(("key", "law"), [
    ("arbitration", "laodong-zhengyi-tiaojie-zhongcai-fa-2007"), ("arbitration", "laodong-hetong-fa-2012"),
    ("expropriation", "guoyou-tudi-shang-fangwu-zhengshou-yu-buchang-tiaoli-2011"),
    ("expropriation", "tudi-guanli-fa-2019"), ("information", "zhengfu-xinxi-gongkai-tiaoli-2019"),
    ("legal_aid", "falv-yuanzhu-fa-2021"),
])
def test_each_channel_cites_the_law_that_governs_it(key, law):
    rule = next(r for r in channels.RULES if r.key == key)
    assert any(pid.startswith(f"{law}:") for pid in rule.provision_ids)


def test_a_wage_complaint_names_the_labour_inspection_complaint_and_its_article(library):
    rule = next(r for r in channels.RULES if r.key == "arbitration")
    assert "投诉" in rule.advice
    cited = [library.provision(pid).text for pid in rule.provision_ids]
    assert any("有权依法投诉" in text for text in cited)



@pytest.mark.parametrize(("channel", "key"), [
    ("劳动争议仲裁", "arbitration"),                          # as the queue suggests it
    ("征收补偿（复核评估、行政复议、行政诉讼）", "expropriation"),
    ("向区人民法院起诉", "court"),                             # the name in a sentence
    ("区劳动人事争议仲裁委员会", "arbitration"),               # the body's own name
    ("纪检监察机关", "discipline"),
    ("申请执行，向作出判决的法院反映", "court"),               # by the channel's words
    ("向区住建局咨询", None),                                  # a channel of its own: no advice guessed
])
def test_after_a_refusal_the_channel_staff_named_gives_its_own_advice(library, channel, key):
    routes = channels.refusal_routes(channel=channel, phone="0531-12345")
    told = routes[0]
    assert told.title == "按告知的途径提出" and "0531-12345" in "".join(told.steps)
    # the law that tells the bureau to send a matter for a court, arbitration or 复议 there
    assert "已经或者依法应当通过诉讼、仲裁、行政复议等法定途径解决的" in library.provision(told.provision_ids[0]).text
    assert [r.key for r in routes[1:]] == ([key] if key else [])
    for route in routes:
        assert [pid for pid in route.provision_ids if library.provision(pid) is None] == []
    if key:
        rule = next(r for r in channels.RULES if r.key == key)
        assert routes[1].steps == (rule.advice,) and routes[1].title == rule.channel

def test_no_suggestion_for_an_ordinary_matter():
    assert channels.suggest(category="建议意见", text="建议在公园增加座椅", stage="") == []


def test_bars_of_article_19_and_36():
    assert channels.warnings(raised_before=True, stage="正在办理") == [channels.BAR_19_3]
    assert channels.warnings(raised_before=True, stage="已复核") == [channels.BAR_36_3]
    assert channels.warnings(raised_before=False, stage="已复核") == []
    assert "第三十六条第三款" in channels.BAR_36_3.message and "第十九条第三款" in channels.BAR_19_3.message



@pytest.mark.parametrize(("stage", "next_step", "not_this", "article"), [
    # 信访工作条例 第三十五条: a 处理意见 is contested by asking the next level up for 复查;
    # 第三十六条: a 复查意见 by asking the level above the 复查 body for 复核
    ("已出处理意见", "上一级机关复查", "复核", "第三十五条"),
    ("已复查", "上一级机关请求复核", "上一级机关复查", "第三十六条"),
], ids=["answered-review", "reviewed-recheck"])
def test_the_next_step_hint_names_the_step_the_law_gives_for_that_stage(library, stage, next_step, not_this,
                                                                         article):
    [hint] = channels.warnings(raised_before=True, stage=stage)
    law = library.provision(f"xinfang-gongzuo-tiaoli-2022:{article}").text
    assert "自收到书面答复之日起30日内" in law and "自收到书面答复之日起30日内" in hint.message
    assert next_step.replace("机关", "机关、单位") in law
    assert next_step in hint.message and not_this not in hint.message
    assert f"《信访工作条例》{article}" in hint.message
    assert hint.provision_ids == (f"xinfang-gongzuo-tiaoli-2022:{article}",)


def test_the_periods_in_the_channel_advice_are_the_laws(library):
    """The days the advice gives, against the law's own words: 行政复议法 第二十条 (六十日 to apply for
    行政复议); 劳动争议调解仲裁法 第四十八条 and 第五十条 (十五日 to sue after an award), 第四十九条 (三十日
    for the employer to ask the 中级人民法院 to set a final award aside)."""
    rules = {r.key: r for r in channels.RULES}
    fy, ld = "xingzheng-fuyi-fa-2023", "laodong-zhengyi-tiaojie-zhongcai-fa-2007"

    assert "自知道或者应当知道该行政行为之日起六十日内提出行政复议申请" in library.provision(f"{fy}:第二十条").text
    assert "自知道或者应当知道该行为之日起六十日内申请行政复议" in rules["reconsideration"].advice
    assert f"{fy}:第二十条" in rules["reconsideration"].provision_ids

    for article in ("第四十八条", "第五十条"):
        assert "自收到仲裁裁决书之日起十五日内向人民法院提起诉讼" in library.provision(f"{ld}:{article}").text
    assert "自收到仲裁裁决书之日起三十日内向劳动争议仲裁委员会所在地的中级人民法院申请撤销裁决" in library.provision(
        f"{ld}:第四十九条").text
    advice = rules["arbitration"].advice
    assert "劳动者一般可以自收到裁决书之日起十五日内向人民法院起诉" in advice
    assert "只能自收到裁决书之日起三十日内向中级人民法院申请撤销" in advice
    # the advice names the 终局裁决 (第四十七条) and the worker's 15 days against it (第四十八条) too
    assert {f"{ld}:第四十七条", f"{ld}:第四十八条", f"{ld}:第四十九条", f"{ld}:第五十条"} <= set(
        rules["arbitration"].provision_ids)


def test_bar_of_article_36_uses_the_clause_as_enacted(library):
    """The warning restates 第三十六条第三款 in the article's own words, not a paraphrase."""
    clause = "仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理"
    assert clause in library.provision(channels.BAR_36_3.provision_ids[0]).text
    assert clause in channels.BAR_36_3.message

def test_receipt_dates_come_from_the_statutory_clock():
    today = dt.date(2026, 11, 2)
    receipt = make_receipt(code="ABCDEFGHJK", secret="23456789", submitted=today, category="其他", district="历下区")
    text = receipt.text()
    clock = StatutoryClock(today)
    assert "预登记" in text and "不是正式受理" in text and "ABCD-EFGH-JK" in text and "23456789" in text
    assert f"最迟 {date_text(dt.date(2026, 11, 17))}" in text          # 15 days (arts 22, 23)
    assert clock.acceptance_due() == dt.date(2026, 11, 17)
    handling = dt.date(2026, 11, 17) + dt.timedelta(days=60)          # 60 days (art 34)
    # 2027-01-16 is a Saturday: the last day moves to Monday, and the line says both (民法典 第二百零三条)
    assert f"最迟约 {date_text(dt.date(2027, 1, 18))}（{date_text(handling)}为法定休假日，顺延）" in text
    assert f"最迟约 {date_text(handling + dt.timedelta(days=30))}" in text   # +30
    for m in clock.timeline()[:2]:   # the bureau's and the handling body's periods
        assert date_text(m.due) in text
    # a date the citizen must keep is not guessed before the answer: the worst-case projection
    # (months after the real deadline, which runs from the day the answer arrives) read as a deadline
    review = handling + dt.timedelta(days=30) + dt.timedelta(days=30)  # 复查 request (art 35)
    assert date_text(review) not in text and "按最迟情形推算为" not in text
    assert "信访人可以自收到书面答复之日起30日内请求复查。" in text
    # whose 60 days these are (legal review), one parenthesis deep
    assert "申诉求决类事项（《山东省信访条例》第四十二条、《信访工作条例》第三十四条），" in text
    assert "30日内提出复查意见" in text and "30日内提出复核意见" in text   # as 第三十五条、第三十六条 say
    assert "<title>网上信访预登记回执 ABCD-EFGH-JK</title>" in receipt.html() and "&lt;" not in receipt.html()


def test_a_matter_of_category_other_is_told_the_60_days_only_if_it_is_a_complaint_to_resolve():
    from portal.prefiling.receipt import clock_lines

    clock = StatutoryClock(dt.date(2026, 11, 2))
    other = next(line.text for line in clock_lines(clock, category="其他") if line.name == "办理")
    resolve = next(line.text for line in clock_lines(clock, category="申诉求决") if line.name == "办理")
    assert other.startswith("如属申诉求决类事项（") and resolve.startswith("申诉求决类事项（")
    assert other.removeprefix("如属") == resolve   # the same dates either way


def test_receipt_to_keep_names_the_bureau_contacts_and_request_and_fits_a_phone():
    from pathlib import Path

    from portal.settings import load_settings
    from portal.site import load_office

    office = load_office(load_settings({}), Path(__file__).resolve().parents[2] / "content" / "schedule.yaml")
    receipt = make_receipt(code="ABCDEFGHJK", secret="23456789", submitted=dt.date(2026, 11, 2),
                           category="其他", district="历下区", office=office,
                           request="请求支付拖欠的工资<script>alert(1)</script>" + "很长" * 100)
    page = receipt.html()
    assert 'name="viewport" content="width=device-width' in page and "@media print" in page
    assert "示范市信访局" in page and "12345" in page and "市民中心一楼东侧" in page and "09:00—12:00" in page
    assert "诉求（摘要）" in page and "请求支付拖欠的工资&lt;script&gt;" in page and "<script>" not in page
    assert "2026年11月2日" in page and "2026年11月17日" in page   # submitted, acceptance due
    assert receipt.summary.endswith("……") and len(receipt.summary) <= 102
    text = receipt.text()
    assert text.startswith("示范市信访局 网上信访预登记回执") and "来访接待电话：12345" in text
    # not an acceptance: the bureau receives; 第二十二条's 15 days are for 转送, 登记 comes first
    assert "接收单位：示范市信访局" in text and "受理机关" not in text
    assert "信访部门收到后应当登记，并自收到信访事项之日（2026年11月2日）起15日内转送、交办有权处理的机关、单位" in text


def test_a_receipt_downloaded_again_counts_the_periods_from_what_happened(db_engine):
    """After 登记 and 办结 the first receipt's estimates are stale: 请求复查 counted as if every
    period ran to its end (months later than the real deadline, 30 days from the written reply).
    Downloaded again from 进度查询, the receipt gives the page's periods, the 信访件编号 and the
    state as of that day (audit 27, citizen M4)."""
    from sqlmodel import Session

    from portal.identity import Actor
    from portal.prefiling import lookup, staff
    from portal.roles import HANDLER
    from portal.timeutil import beijing_today
    from tests.prefiling.factories import client, make_prefiling

    clerk = Actor("clerk", frozenset({HANDLER}))
    today = dt.date(2026, 12, 5)
    with Session(db_engine, expire_on_commit=False) as s:
        made = make_prefiling(s)
        staff.register(session=s, actor=clerk, prefiling_id=made.prefiling.id, official_number="示信2026-00123")
        staff.close(session=s, actor=clerk, prefiling_id=made.prefiling.id, reply="已督促物业维修。")
        view = lookup.lookup(session=s, code=made.code, secret=made.secret, client=client(), today=today)
    first = make_receipt(code=view.code, secret=None, submitted=view.received_date, category=view.category,
                         district=view.district)
    again = lookup.receipt_again(view, office=None, today=today)
    review = next(line for line in view.clock if line.name == "请求复查")
    stale = next(line for line in first.lines if line.name == "请求复查")
    answered = beijing_today(view.history[-1].at)     # the 办结 event's Beijing date
    assert stale.due is None and review.due == answered + dt.timedelta(days=30), "dated once the reply is recorded"
    assert (f"按本网站记录的办结日（{date_text(answered)}）推算，最迟 {date_text(review.due)}；"
            "您收到书面答复的日期更早的，从收到之日起算") in review.text
    for text in (again.html(), again.text()):
        assert review.text in text and stale.text not in text
        assert "示信2026-00123" in text and "已办结（截至 2026年12月5日）" in text
        assert "按截至 2026年12月5日 的办理情况计算" in text


def test_a_receipt_downloaded_again_after_withdrawal_counts_no_periods(db_engine):
    from sqlmodel import Session

    from portal.prefiling import lookup
    from tests.prefiling.factories import client, make_prefiling

    with Session(db_engine, expire_on_commit=False) as s:
        made = make_prefiling(s)
        view = lookup.withdraw(session=s, code=made.code, secret=made.secret, client=client())
    text = lookup.receipt_again(view, office=None, today=dt.date(2026, 12, 5)).text()
    assert "这份预登记的状态是“已撤回”，不再计算办理期限。" in text and "请求复查" not in text


def test_where_reconsideration_must_come_first_every_text_says_so_and_cites_the_article_that_requires_it(library):
    """行政复议法 第二十三条: a fine given on the spot, an authority that does not act, a refused
    information request go to 复议 before any court. Texts that said only "复议 or 诉讼" let a
    citizen sue, be turned away and lose the 60 days (legal review, session 33)."""
    from pathlib import Path

    from portal.guide.content import load_guide
    from portal.nextsteps import ADMINISTRATIVE

    first = "xingzheng-fuyi-fa-2023:第二十三条"
    assert "应当先向行政复议机关申请行政复议" in library.provision(first).text
    guide = load_guide(Path(__file__).resolve().parents[2] / "content" / "guide")
    bullets = [line for section in guide for line in section.body.splitlines() if "行政复议" in line and "罚款" in line]
    texts = [(r.advice, r.provision_ids) for r in channels.RULES if r.key in ("reconsideration", "information")]
    texts += [("".join(ADMINISTRATIVE.steps), ADMINISTRATIVE.provision_ids)]
    assert bullets and len(texts) == 3
    for text, ids in texts:
        assert "必须先申请行政复议" in text and first in ids
    for line in bullets:
        assert "必须先申请行政复议" in line and f"[[{first}]]" in line


def test_a_receipt_downloaded_again_has_no_secret_line_and_never_says_none(db_engine):
    """The 查询密码 is shown once and never stored readable: the receipt downloaded again from 进度查询
    leaves its line out rather than printing “查询密码：None”."""
    from sqlmodel import Session

    from portal.prefiling import lookup
    from tests.prefiling.factories import client, make_prefiling

    with Session(db_engine, expire_on_commit=False) as s:
        made = make_prefiling(s)
        view = lookup.lookup(session=s, code=made.code, secret=made.secret, client=client())
    again = lookup.receipt_again(view, office=None, today=dt.date(2026, 12, 5))
    text, page = again.text(), again.html()
    assert "查询码：" in text and "<dt>查询码</dt>" in page
    assert "查询密码：" not in text and "<dt>查询密码</dt>" not in page
    assert "None" not in text and "None" not in page
    assert made.secret not in text and made.secret not in page
    first = make_receipt(code=made.code, secret=made.secret, submitted=dt.date(2026, 12, 1), category="其他",
                         district="历下区")
    assert f"查询密码：{made.secret}（请妥善保管，不要告诉他人）" in first.text()   # the first one has it


@pytest.mark.parametrize(("request_text", "summary"), [
    # notes/2026-11-30-journeys.md: the receipt's request summary is at most 100 characters
    ("诉" * 100, "诉" * 100),                      # exactly 100: whole, no ellipsis
    ("诉" * 99 + "求X", "诉" * 99 + "求……"),      # 101: the first 100, then ……
    ("请求  维修\n屋顶\t漏水", "请求 维修 屋顶 漏水"),   # line breaks and runs of spaces read as one space
], ids=["exactly-100", "101", "whitespace"])
def test_the_receipt_summary_is_cut_after_100_characters(request_text, summary):
    receipt = make_receipt(code="ABCDEFGHJK", secret="23456789", submitted=dt.date(2026, 11, 2),
                           category="其他", district="历下区", request=request_text)
    assert receipt.summary == summary
    assert f"诉求（摘要）：{summary}\n" in receipt.text()


def _receipt_as_of(db_engine, state):
    """A pre-filing moved to `state` by the services, and its receipt downloaded again that day."""
    from sqlmodel import Session

    from portal.identity import Actor
    from portal.prefiling import lookup, staff
    from portal.roles import HANDLER
    from tests.prefiling.factories import client, make_prefiling

    clerk = Actor("clerk", frozenset({HANDLER}))
    with Session(db_engine, expire_on_commit=False) as s:
        made = make_prefiling(s)
        pid = made.prefiling.id
        if state == "需补充材料":
            staff.request_more(session=s, actor=clerk, prefiling_id=pid, reply="请补充工资条。")
        if state in ("已登记", "已办结"):
            staff.register(session=s, actor=clerk, prefiling_id=pid, official_number="示信2026-00123")
        if state == "已办结":
            staff.close(session=s, actor=clerk, prefiling_id=pid, reply="已督促物业维修。")
        if state == "不予登记":
            staff.reject(session=s, actor=clerk, prefiling_id=pid, reason="属于劳动争议",
                         channel="向区劳动人事争议仲裁委员会申请仲裁")
        if state == "已撤回":
            lookup.withdraw(session=s, code=made.code, secret=made.secret, client=client())
        view = lookup.lookup(session=s, code=made.code, secret=made.secret, client=client())
    assert view.state == state
    return view, lookup.receipt_again(view, office=None, today=view.as_of)


NOT_YET = "还没有正式登记"
CAN_WITHDRAW = "您可以在“进度查询”页面撤回这份预登记"
NO_NOTICES = ("本网站不发短信或其他通知。工作人员的答复都显示在“进度查询”页面，请每隔几天用查询码和查询密码查看一次；"
              "需要时，工作人员也可能按您留下的电话联系您。")


@pytest.mark.parametrize(("state", "says"), [
    ("已登记", ["这份预登记已登记为正式信访件（信访件编号见上），正在办理。", "信访件编号", "示信2026-00123",
              NO_NOTICES]),
    ("已办结", ["这件信访事项已办结，答复见“进度查询”页面的“办理记录和答复”。",
              "对信访处理意见书不服的，可以请求原办理机关、单位的上一级机关、单位复查，最迟 ",
              "在“进度查询”页面评价办理结果，不等于请求复查。"]),
    ("不予登记", ["工作人员决定不予登记，理由和应当通过的途径见上。这份预登记不再办理，请按写明的途径反映您的问题。",
              "属于劳动争议", "向区劳动人事争议仲裁委员会申请仲裁"]),
    ("已撤回", ["您已撤回这份预登记，工作人员不再处理。如需再反映，请重新提交。"]),
])
def test_a_receipt_downloaded_again_tells_what_comes_next_as_of_its_state(db_engine, state, says):
    """The receipt downloaded again from 进度查询 said 已撤回 or 已办结 (with its 信访件编号) and then
    「还没有正式登记…您可以撤回」: what comes next follows the state it shows (journey review M1)."""
    from portal.prefiling.receipt import HOLIDAY_NOTE

    view, again = _receipt_as_of(db_engine, state)
    for text in (again.text(), again.html()):
        assert NOT_YET not in text and CAN_WITHDRAW not in text and "撤回这份预登记。" not in text
        for words in says:
            assert words in text
        # no dates to move past a 法定休假日 once the periods are over
        assert (HOLIDAY_NOTE in text) == (state in ("已登记", "已办结"))
    if state == "已办结":   # the same last day the periods below give for 请求复查
        review = next(line for line in view.clock if line.name == "请求复查")
        assert f"复查，最迟 {date_text(review.due)}（见下面“法定期限”）" in again.text()


@pytest.mark.parametrize("state", ["已提交", "需补充材料"])
def test_a_receipt_before_registration_still_offers_withdrawal_and_says_how_answers_come(db_engine, state):
    view, again = _receipt_as_of(db_engine, state)
    for text in (again.text(), again.html()):
        assert NOT_YET in text and CAN_WITHDRAW in text and NO_NOTICES in text
    if state == "需补充材料":
        assert "工作人员请您补充材料：要求写在“进度查询”页面的答复中，可以在该页面直接上传。" in again.text()


def test_the_first_receipt_says_how_the_citizen_hears_of_an_answer():
    """Nothing is sent: no SMS, no e-mail. The citizen who waits for a call never sees 需补充材料
    (journey review M7); the receipt says where answers appear."""
    receipt = make_receipt(code="ABCDEFGHJK", secret="23456789", submitted=dt.date(2026, 11, 2),
                           category="其他", district="历下区")
    for text in (receipt.text(), receipt.html()):
        assert NO_NOTICES in text and NOT_YET in text and CAN_WITHDRAW in text


def test_every_state_a_receipt_can_show_has_its_next_steps():
    from portal.prefiling.receipt import NEXT_STEPS
    from portal.prefiling.states import DRAFT, STATES

    assert set(NEXT_STEPS) == set(STATES) - {DRAFT}


def test_the_plain_text_receipt_file_opens_in_an_old_windows_notepad():
    receipt = make_receipt(code="ABCDEFGHJK", secret="23456789", submitted=dt.date(2026, 11, 2),
                           category="其他", district="历下区")
    data = receipt.text_file()
    assert data.startswith(b"\xef\xbb\xbf")                                  # UTF-8, said so
    assert data.count(b"\r\n") == receipt.text().count("\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == receipt.text()
