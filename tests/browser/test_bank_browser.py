"""The question bank as a citizen meets it on a phone (375 px): 相似问题 under the results, and
the opt-in 发给工作人员 with its privacy warning."""

from urllib.parse import quote

from tests.browser.conftest import wait_for_app, wait_idle


def test_similar_questions_on_a_phone_link_to_articles(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/ask?q={quote('房东不退押金怎么办？')}")
    wait_for_app(phone, "相似问题")
    links = phone.locator('a[href*="/laws?law="]')
    assert links.count() >= 1
    phone.get_by_text("没有找到有用的条文？把问题发给工作人员").click()
    wait_idle(phone)
    assert phone.get_by_text("请不要写姓名、身份证号").first.is_visible()
    phone.screenshot(path=str(artifacts / "ask-similar-phone.png"), full_page=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"page scrolls sideways on a phone ({width}px)"
