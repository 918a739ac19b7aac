"""群众来问: masking before storage, rate limit, staff answering into the bank, text erased."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from portal.field_errors import ValidationFailed
from portal.prefiling.ratelimit import ClientInfo, RateLimited
from portal.qa import inbox, lifecycle, service
from portal.qa.models import SentQuestion
from tests.qa.factories import ARTICLE_22, COUNSEL_ACTOR


@pytest.mark.parametrize("raw, shown, hidden", [
    ("我叫张三，身份证370102196503151234，被拖欠工资", "3701**********1234", "370102196503151234"),
    ("身份证号 11010519491231002X 丢了", "1101**********002X", "11010519491231002X"),
    ("电话13812345678请回电", "138****5678", "13812345678"),
    ("手机 138-1234-5678", "138****5678", "1234-5678"),
    ("座机0531-87654321", "053*****4321", "87654321"),
    # as people write them: in groups, with dashes, in full-width digits
    ("身份证 3701 0219 8001 0112 37", "3701**********1237", "0219 8001"),
    ("身份证370102-19800101-1237", "3701**********1237", "19800101"),
    ("身份证３７０１０２１９８００１０１１２３７", "3701**********1237", "１９８００１０１"),
    ("电话１３９１２３４５６７８", "139****5678", "１２３４"),
    # dots, brackets, and invisible characters between the digits do not hide a number
    ("手机138.1234.5678", "138****5678", "1234"),
    ("身份证370102.19650315.1003", "3701**********1003", "19650315"),
    ("电话(0531)87654321", "053*****4321", "87654321"),
    ("电话（0531）87654321", "053*****4321", "87654321"),
    ("手机138\u200b1234\u200b5678", "138****5678", "1234"),
    # as Chinese input methods write them: 。，、 em and en dashes, spaced dashes, digit by digit
    ("手机138。1234。5678", "138****5678", "1234"),
    ("手机138，1234，5678", "138****5678", "1234"),
    ("手机138—1234—5678", "138****5678", "1234"),
    ("手机138 - 1234 - 5678", "138****5678", "1234"),
    ("手机1 3 8 1 2 3 4 5 6 7 8", "138****5678", "2 3 4"),
    # an old 15-digit ID number (still on old papers), a 199 mobile, a mobile written with +86,
    # and two marks between the groups
    ("老身份证370102650315123", "3701*******5123", "650315"),
    ("电话19912345678", "199****5678", "12345678"),
    ("电话+8613812345678", "138****5678", "13812345678"),
    ("手机138--1234--5678", "138****5678", "1234"),
    # brackets of any kind between the groups
    ("身份证370102(1965)03151003", "3701**********1003", "1965"),
    ("身份证370102【19650315】1003", "3701**********1003", "19650315"),
    ("身份证370102〔1965〕0315〔1003〕", "3701**********1003", "1965"),
    ("电话138(1234)5678", "138****5678", "1234"),
    ("手机【138】1234 5678", "138****5678", "1234"),
    # minus signs, figure dashes, small hyphens, three hyphens, wave dashes between the groups
    ("手机138−1234−5678", "138****5678", "1234"),
    ("手机138 ‒ 1234 ‒ 5678", "138****5678", "1234"),
    ("手机138﹣1234﹣5678", "138****5678", "1234"),
    ("手机138---1234---5678", "138****5678", "1234"),
    ("手机138———1234———5678", "138****5678", "1234"),
    ("身份证370102〜19650315〜1003", "3701**********1003", "19650315"),
    ("手机138⸺1234⸺5678", "138****5678", "1234"),
    # an ID number with a stray character typed after it
    ("身份证370102196503151003X，被拖欠工资", "3701**********1003", "19650315"),
    ("身份证370102196503151003x", "3701**********1003", "19650315"),
    # a local landline (no area code) written after a phone word
    ("我家电话87654321，请回电", "******21", "8765"),
    ("座机8765-4321", "******21", "8765"),
    ("联系方式：87654321", "******21", "8765"),
    ("联系电话是 8765 4321", "******21", "8765"),
    ("请打87654321找王主任", "******21", "8765"),
    ("拨打８７６５４３２１", "******21", "８７６５"),
    ("可拨 8765—4321", "******21", "8765"),
    ("Tel: 87654321", "******21", "8765"),
    ("电话7654321", "*****21", "7654"),
    ("固话（8765）4321", "******21", "8765"),
])
def test_id_and_phone_numbers_are_masked(raw, shown, hidden):
    masked = inbox.mask_personal_numbers(raw)
    assert shown in masked and hidden not in masked


@pytest.mark.parametrize("raw, stored", [
    # the rest of the text stays as written: brackets around a number go with it, the words and
    # punctuation around it and full-width digits elsewhere stay
    ("手机[138]1234-5678，谢谢", "手机138****5678，谢谢"),
    ("电话(0531)87654321（白天）", "电话053*****4321（白天）"),
    ("身份证370102【19650315】1003，欠薪１２０００元——怎么办？", "身份证3701**********1003，欠薪１２０００元——怎么办？"),
    ("电话87654321、87654322或8765-4323都行", "电话******21、******22或******23都行"),
    ("电话0531-87654321、87654322", "电话053*****4321、******22"),
    ("电话：138 1234 5678 / 8765 4321", "电话：138****5678 / ******21"),
    ("tel：+86-10-87654321", "tel：010****4321"),
    ("电话0086 531 8765 4321", "电话053*****4321"),
    ("我在香港，电话+852 9123 4567，白天打", "我在香港，电话+852******67，白天打"),
    ("澳门00853-6612-3456", "澳门+853******56"),
    ("台湾手机+886 912 345 678。", "台湾手机+886*******78。"),
    ("我在美国，电话+1 (415) 555-2671", "我在美国，电话+1********71"),
    ("英国+44 20 7946 0958找我", "英国+4*********58找我"),
    ("身份证370102196503151003X。", "身份证3701**********1003X。"),
])
def test_only_the_number_is_rewritten(raw, stored):
    assert inbox.mask_personal_numbers(raw) == stored


@pytest.mark.parametrize("raw", ["拖欠工资3个月共12000元，2024年5月入职",
                                 "2019年3月至2024年5月共62个月，每月3000元，合计186000元",
                                 "第一千零七十七条　离婚冷静期30日",
                                 "2019.12.03至2020.01.05在该公司上班，工资3000.50元",
                                 "欠款3000、5000、8000元",
                                 # 7 or 8 digits that are no phone number, also after a phone word
                                 "合同编号87654321，金额87654321元",
                                 "打官司花了87654321元",
                                 "电话费一共23456789元",
                                 "上级拨款28000000用于安置，拨付资金3500000",
                                 "打了2345678次电话",
                                 "电话里说2023年3月15日前答复",
                                 "电话约定2023-03-15见面，20230315那天他打电话",
                                 "电话通知20230315到场",
                                 "电话告知依据第12345678号文件和第1234条",
                                 "打电话查询（2023）鲁0102民初12345678号案件",
                                 "电话里说赔偿87654321.50",
                                 "拨打12345热线，2023年打工8年"])
def test_ordinary_numbers_stay(raw):
    assert inbox.mask_personal_numbers(raw) == raw


def _cipher():
    from portal.prefiling.crypto import get_cipher

    return get_cipher()


def test_sent_question_is_stored_masked_and_nothing_about_the_sender(db_engine):
    with Session(db_engine) as s:
        sent = inbox.send_question(session=s, text="老板欠我工资，我电话13812345678", cipher=_cipher(),
                                   client=ClientInfo("sess-1", "10.0.0.9"))
        s.commit()
        row = s.get(SentQuestion, sent.id)
        assert row.text == "老板欠我工资，我电话138****5678" and row.state == "待处理"
        dumped = " ".join(str(v) for v in row.model_dump().values())
        assert "10.0.0.9" not in dumped and "sess-1" not in dumped


def test_empty_questions_are_refused_and_senders_are_rate_limited(db_engine):
    client = ClientInfo("sess-2")
    with Session(db_engine) as s:
        with pytest.raises(ValidationFailed, match="太短"):
            inbox.send_question(session=s, text="  ", client=client, cipher=_cipher())
        for i in range(inbox.SEND.per_session):
            inbox.send_question(session=s, text=f"第{i}个问题：物业费怎么收", client=client, cipher=_cipher())
        with pytest.raises(RateLimited, match="太频繁"):
            inbox.send_question(session=s, text="再发一个问题试试", client=client, cipher=_cipher())


def test_a_question_of_5_or_of_500_characters_is_taken_and_one_of_4_or_501_is_not(db_engine):
    """The page asks for at least 5 and at most 500 characters (spaces around them not counted)."""
    with Session(db_engine) as s:
        for i, text in enumerate(("工资没发放", "问" * 500, "  工资没发放  ")):
            inbox.send_question(session=s, text=text, client=ClientInfo(f"edge-{i}"), cipher=_cipher())
        with pytest.raises(ValidationFailed, match="太短"):
            inbox.send_question(session=s, text="工资没发", client=ClientInfo("edge-4"), cipher=_cipher())
        with pytest.raises(ValidationFailed, match="不能超过 500"):
            inbox.send_question(session=s, text="问" * 501, client=ClientInfo("edge-5"), cipher=_cipher())
        with pytest.raises(ValidationFailed, match="太短"):
            inbox.send_question(session=s, text="  工资没发  ", client=ClientInfo("edge-6"), cipher=_cipher())


def test_staff_answer_into_the_bank_and_the_citizen_text_is_erased(db_engine, library):
    with Session(db_engine) as s:
        sent = inbox.send_question(session=s, text="信访事项多久必须答复？", client=ClientInfo("s3"),
                                   cipher=_cipher())
        assert [q.id for q in inbox.sent_questions(session=s, actor=COUNSEL_ACTOR)] == [sent.id]
        entry = inbox.answer_sent(session=s, actor=COUNSEL_ACTOR, library=library, sent_id=sent.id,
                                  question="信访事项多长时间内必须答复？", provision_ids=[ARTICLE_22],
                                  publish=True)
        row = s.get(SentQuestion, sent.id)
        assert (row.state, row.text, row.bank_question_id) == ("已收入", "", entry.id)
        assert service.published_entries(session=s)[0].question == "信访事项多长时间内必须答复？"
        assert inbox.sent_questions(session=s, actor=COUNSEL_ACTOR) == []
        with pytest.raises(lifecycle.IllegalTransition, match=f"^这条来问已收入（{COUNSEL_ACTOR.username}）。$"):
            inbox.answer_sent(session=s, actor=COUNSEL_ACTOR, library=library, sent_id=sent.id,
                              question="再收一次这个问题", provision_ids=[ARTICLE_22])
        assert len(s.exec(select(service.BankQuestion)).all()) == 1


def test_dismissing_erases_the_text(db_engine):
    with Session(db_engine) as s:
        sent = inbox.send_question(session=s, text="这不是法律问题只是测试", client=ClientInfo("s4"),
                                   cipher=_cipher())
        inbox.dismiss_sent(session=s, actor=COUNSEL_ACTOR, sent_id=sent.id)
        row = s.get(SentQuestion, sent.id)
        assert (row.state, row.text, row.handled_by) == ("已忽略", "", "counsel-li")


def test_a_sent_in_question_with_a_masked_landline_cannot_go_into_the_bank_as_written(db_engine, library):
    """A 10-digit landline (010-1234567) is masked on arrival to its first 3 and last 4 digits,
    three stars between: the masked number is still personal data, so the public bank refuses it."""
    with Session(db_engine) as s:
        sent = inbox.send_question(session=s, text="我家座机010-1234567，信访事项多久必须答复？",
                                   client=ClientInfo("s5"), cipher=_cipher())
        s.commit()
        masked = s.get(SentQuestion, sent.id).text
        assert masked == "我家座机010***4567，信访事项多久必须答复？"
        with pytest.raises(ValidationFailed, match="身份证号或电话号码"):
            inbox.answer_sent(session=s, actor=COUNSEL_ACTOR, library=library, sent_id=sent.id,
                              question=masked, provision_ids=[ARTICLE_22], publish=True)
        s.rollback()
        assert s.get(SentQuestion, sent.id).state == "待处理"
        assert s.exec(select(service.BankQuestion)).all() == []
