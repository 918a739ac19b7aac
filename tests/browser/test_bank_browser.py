"""The question bank as a citizen meets it on a phone (375 px): 相似问题 under the results, and
the opt-in 发给工作人员 with its privacy warning."""

from urllib.parse import quote

from tests.browser.conftest import assert_fits_phone, new_staff_user, sign_in, wait_for_app, wait_idle


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
    phone.get_by_test_id("stSidebarCollapseButton").locator("button").first.click()
    phone.wait_for_timeout(500)
    assert phone.get_by_text("已发布", exact=False).first.is_visible()
    assert phone.get_by_role("tab", name="群众来问", exact=False).count() == 1
    phone.screenshot(path=str(artifacts / "staff-bank-phone.png"), full_page=True)
    assert_fits_phone(phone, "常见问题库")
