"""The question bank as a citizen meets it on a phone (375 px): 相似问题 under the results, and
the opt-in 发给工作人员 with its privacy warning."""

from urllib.parse import quote

from tests.browser.conftest import (
    assert_fits_phone,
    new_staff_user,
    pick_option,
    settle,
    sidebar_folded,
    sign_in,
    wait_for_app,
    wait_idle,
)


def test_similar_questions_on_a_phone_link_to_articles(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/ask?q={quote('房东不退押金怎么办？')}")
    wait_for_app(phone, "相似问题")
    links = phone.locator('a[href*="/laws?law="]')
    assert links.count() >= 1
    phone.get_by_text("没有找到有用的条文？把问题发给工作人员").click()
    wait_idle(phone)
    assert phone.get_by_text("请不要写姓名、身份证号").first.is_visible()
    phone.screenshot(path=str(artifacts / "ask-similar-phone.png"), full_page=True)
    assert_fits_phone(phone)


def test_counsel_curates_on_a_phone(portal_url, phone, artifacts):
    from portal.roles import COUNSEL

    sign_in(phone, portal_url, new_staff_user(COUNSEL))
    # the sidebar is collapsed on a phone; a new address would start a new (signed-out) session
    phone.get_by_test_id("stExpandSidebarButton").click()
    phone.get_by_test_id("stSidebarNavLink").filter(has_text="常见问题库").first.click()
    wait_for_app(phone, "选择问题")
    sidebar_folded(phone)
    assert phone.get_by_text("已发布", exact=False).first.is_visible()
    assert phone.get_by_role("tab", name="群众来问", exact=False).count() == 1
    phone.screenshot(path=str(artifacts / "staff-bank-phone.png"), full_page=True)
    assert_fits_phone(phone, "常见问题库")


def test_giving_up_ones_edits_shows_the_colleagues_version(portal_url, phone, library, artifacts):
    """Two 法律顾问 on one question: the one who saved second is stopped and chooses 放弃我的修改.
    The box must then show the colleague's text: it kept the editor's own (a deleted key, whose
    value the browser kept), and a second 保存 put it over the colleague's without a word."""
    import uuid

    from sqlmodel import Session

    from portal.identity import Actor
    from portal.qa import service as bank
    from portal.roles import COUNSEL
    from tests.browser.conftest import after_rerun, open_staff_page
    from tests.staff.portal_db import ready_engine

    tag = uuid.uuid4().hex[:6]
    colleague = Actor("colleague", frozenset({COUNSEL}))
    with Session(ready_engine(), expire_on_commit=False) as s:
        entry = bank.add_question(session=s, actor=colleague, library=library, question=f"房东不退押金怎么办{tag}",
                                  provision_ids=["xinfang-gongzuo-tiaoli-2022:第三十二条"])
        s.commit()
    open_staff_page(phone, portal_url, new_staff_user(COUNSEL), "常见问题库", "选择问题")
    phone.get_by_label("问题中的字词").fill(tag)
    after_rerun(phone, lambda: phone.keyboard.press("Enter"), "选择问题")
    picker = phone.get_by_role("combobox", name="选择问题（最近修改的在前，最多 200 条）")
    after_rerun(phone, lambda: pick_option(phone, picker.click, phone.get_by_role("option", name=tag, exact=False).first),
                "保存修改")
    box = phone.get_by_label("问题（群众的说法）")
    assert box.input_value() == f"房东不退押金怎么办{tag}"
    with Session(ready_engine()) as s:
        bank.edit_question(session=s, actor=colleague, library=library, question_id=entry.id,
                           question=f"房东不退押金怎么办{tag}（同事改过）",
                           provision_ids=["xinfang-gongzuo-tiaoli-2022:第三十二条"])
        s.commit()
    box.fill(f"房东不退押金怎么办{tag}（我改的）")
    after_rerun(phone, lambda: phone.get_by_role("button", name="保存修改").click(), "修改并保存了这个问题")
    after_rerun(phone, lambda: phone.get_by_role("button", name="放弃我的修改，显示最新内容").click(), "保存修改")
    settle(phone, 1000)
    phone.screenshot(path=str(artifacts / "bank-take-latest.png"), full_page=True)
    assert box.input_value() == f"房东不退押金怎么办{tag}（同事改过）"


def test_typed_then_publish_at_once_publishes_nothing_and_the_text_survives_another_question(
        portal_url, phone, library, artifacts):
    """A counsel edits a saved question and clicks 发布此问题 straight from the box: the click and the
    new text reach the server together. Nothing is published (the public would get the saved text
    under 已发布), the page says why, and the typed text is still there after a filter hid the
    question and it is opened again."""
    import uuid

    from sqlmodel import Session

    from portal.identity import Actor
    from portal.qa import service as bank
    from portal.qa.models import BankQuestion
    from portal.roles import COUNSEL
    from tests.browser.conftest import after_rerun, open_staff_page
    from tests.staff.portal_db import ready_engine

    tag = uuid.uuid4().hex[:6]
    with Session(ready_engine(), expire_on_commit=False) as s:
        entry = bank.add_question(session=s, actor=Actor("colleague", frozenset({COUNSEL})), library=library,
                                  question=f"物业费可以不交吗{tag}", provision_ids=["xinfang-gongzuo-tiaoli-2022:第三十二条"])
        s.commit()
    open_staff_page(phone, portal_url, new_staff_user(COUNSEL), "常见问题库", "选择问题")
    phone.get_by_label("问题中的字词").fill(tag)
    after_rerun(phone, lambda: phone.keyboard.press("Enter"), "选择问题")
    picker = phone.get_by_role("combobox", name="选择问题（最近修改的在前，最多 200 条）")
    after_rerun(phone, lambda: pick_option(phone, picker.click, phone.get_by_role("option", name=tag, exact=False).first),
                "保存修改")
    box = phone.get_by_label("问题（群众的说法）")
    box.fill(f"物业费可以不交吗{tag}（未保存）")
    after_rerun(phone, lambda: phone.get_by_role("button", name="发布此问题").click(), "有未保存的修改")
    settle(phone, 1000)
    phone.screenshot(path=str(artifacts / "bank-unsaved-publish.png"), full_page=True)
    assert phone.get_by_role("button", name="发布此问题").is_disabled()
    with Session(ready_engine()) as s:
        stored = s.get(BankQuestion, entry.id)
        assert (stored.state, stored.question) == ("草稿", f"物业费可以不交吗{tag}")
    words = phone.get_by_label("问题中的字词")            # a filter that hides the question …
    words.fill(f"{tag}不在列表中")
    after_rerun(phone, lambda: words.press("Enter"), "保存后立即发布")
    assert box.input_value() == ""
    words.fill(tag)                                     # … and back to it
    after_rerun(phone, lambda: words.press("Enter"), "选择问题")
    after_rerun(phone, lambda: pick_option(phone, picker.click, phone.get_by_role("option", name=tag, exact=False).first),
                "有未保存的修改")
    assert box.input_value() == f"物业费可以不交吗{tag}（未保存）"
